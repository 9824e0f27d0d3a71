"""Estimate stage: containers and munition rounds as distributions with stated assumptions."""
