"""The `detections` table: radar detections, matched to AIS or dark."""

from __future__ import annotations

import pyarrow as pa

DETECTIONS = pa.schema(
    [
        ("scene_id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("row", pa.int32()),
        ("col", pa.int32()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("length_m", pa.float32()),
        ("width_m", pa.float32()),
        ("score", pa.float32()),
        ("matched_mmsi", pa.int64()),
        ("match_distance_m", pa.float32()),
        ("dark", pa.bool_()),
    ]
)

TABLES: dict[str, pa.Schema] = {"detections": DETECTIONS}
