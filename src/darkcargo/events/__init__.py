"""Detect stage: segments and events (port calls, gaps, encounters, loitering, identity, spoofing)."""
