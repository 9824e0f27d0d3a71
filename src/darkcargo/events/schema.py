"""Canonical tables written by the detect stage: segments and events."""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us")

# One row per track segment: a run of positions of one MMSI that belong to one vessel.
SEGMENTS = pa.schema(
    [
        ("segment_id", pa.string()),
        # the vessel's track: segments of one MMSI chained across silences (first segment's id)
        ("track_id", pa.string()),
        ("mmsi", pa.int64()),
        ("start_ts", TS),
        ("end_ts", TS),
        ("n_positions", pa.int64()),
        ("first_lat", pa.float64()),
        ("first_lon", pa.float64()),
        ("last_lat", pa.float64()),
        ("last_lon", pa.float64()),
        ("preset", pa.string()),
        ("params_hash", pa.string()),
    ]
)

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

# What `confidence` (0-1, every kind) measures, per kind: the manual (README "Event definitions",
# `darkcargo events --help`, `darkcargo detect --help`) is written from this one table.
CONFIDENCE: dict[str, str] = {
    "port_call": "strength of the proof of a stay: 0.5 a stay shown (a stop, or AIS off in "
    "port); +0.25 a stop seen, or AIS off while stopped; +0.25 entry and exit both seen "
    "(GFW's level 4 = 1.0, level 3 = 0.75)",
    "port_presence": "always 0.25: seen inside the port's radius, no stay shown (not a call)",
    "stop": "share observed: 1.0 densely reported, down to 0.5 with a silence of the preset's "
    "max_gap_hours inside",
    "gap": "that AIS was switched off, not lost: 1.0 every intentional-disabling condition "
    "(long, good reception before, offshore or near-shore mode); 0.5 long but one fails; "
    "0.25 shorter than the disabling minimum",
    "encounter": "1.0: every condition met on the resampled tracks (no partial level)",
    "loitering": "1.0: every condition met (no partial level)",
    "identity_change": "1.0: a new value broadcast and not reverted within the preset's "
    "revert_hours (no partial level)",
    "spoof_jump": "1.0 a jump inside another segment's span; 0.7 a teleport between "
    "segments (could be two vessels on one MMSI)",
    "shared_mmsi": "1.0: two long segments overlap in time far apart (no partial level)",
}


def confidence_help() -> str:
    """The per-kind confidence meanings as help text paragraphs."""
    lines = ["Confidence is 0-1 for every kind; what it measures:"]
    lines += [f"{kind}: {text}." for kind, text in CONFIDENCE.items()]
    return "\n\n".join(lines)


EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("kind", pa.string()),
        ("mmsi", pa.int64()),
        ("other_mmsi", pa.int64()),
        ("start_ts", TS),
        ("end_ts", TS),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("end_lat", pa.float64()),
        ("end_lon", pa.float64()),
        ("port_id", pa.string()),
        ("segment_id", pa.string()),
        ("preset", pa.string()),
        ("params_hash", pa.string()),
        # JSON: {"source_rows": [[source_id, first_row_id, last_row_id], ...], "n_positions": n}
        ("evidence", pa.string()),
        # JSON: detector-specific facts (gap hours, distance from shore, names before/after...)
        ("details", pa.string()),
        # 0-1 for every kind; what it measures per kind: README "Event definitions"
        ("confidence", pa.float32()),
    ]
)

TABLES: dict[str, pa.Schema] = {"segments": SEGMENTS, "events": EVENTS}
