"""The kinds of event the detect stage writes (the `kind` column of EVENTS, in
darkcargo.events.schema). Kept apart from the schema so that the command line can name them
without loading pyarrow."""

from __future__ import annotations

EVENT_KINDS: tuple[str, ...] = (
    "port_call",
    "port_presence",  # seen inside a port's radius without a proven stay (not a call)
    "stop",  # a stationary period anywhere, with the nearest port and its distance
    "gap",
    "encounter",
    "loitering",
    "identity_change",
    "spoof_jump",
    "shared_mmsi",  # two transmitters on one MMSI at the same time (not one of the scored six)
)
