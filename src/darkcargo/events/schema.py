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
