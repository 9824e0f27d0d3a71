"""The `port_calls` and `shipments` tables."""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us")

PORT_CALLS = pa.schema(
    [
        ("call_id", pa.string()),
        ("mmsi", pa.int64()),
        ("imo", pa.int64()),
        ("port_id", pa.string()),
        ("arrival_ts", TS),
        ("departure_ts", TS),
        ("kind", pa.string()),  # observed | inferred
        ("confidence", pa.float32()),
        ("evidence", pa.string()),  # JSON: event ids, detection ids, sighting ids
    ]
)

SHIPMENTS = pa.schema(
    [
        ("shipment_id", pa.string()),
        ("mmsi", pa.int64()),
        ("imo", pa.int64()),
        ("origin_port", pa.string()),
        ("origin_call", pa.string()),
        ("destination_port", pa.string()),
        ("destination_call", pa.string()),
        ("depart_ts", TS),
        ("arrive_ts", TS),
        ("inferred", pa.bool_()),
        ("confidence", pa.float32()),  # 1 observed; lower for trips inferred from dark gaps
        ("containers", pa.float64()),  # known containers, when a sighting or document gives it
        ("evidence", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {"port_calls": PORT_CALLS, "shipments": SHIPMENTS}
