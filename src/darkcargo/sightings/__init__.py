"""Analyst observations (containers on a quay, rail cars at a crossing) as a canonical table."""
