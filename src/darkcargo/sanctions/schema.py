"""The `watchlist` and `matches` tables."""

from __future__ import annotations

import pyarrow as pa

WATCHLIST = pa.schema(
    [
        ("entry_id", pa.string()),
        ("list", pa.string()),  # OFAC_SDN, UN_1718, EU, or a user list name
        ("program", pa.string()),
        ("name", pa.string()),
        ("imo", pa.int64()),
        ("mmsi", pa.int64()),
        ("flag", pa.string()),
        ("callsign", pa.string()),
        ("listed_on", pa.date32()),
    ]
)

MATCHES = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("imo", pa.int64()),
        ("entry_id", pa.string()),
        ("strength", pa.float32()),
        ("fields", pa.string()),  # JSON list of fields that agreed
    ]
)

TABLES: dict[str, pa.Schema] = {"watchlist": WATCHLIST, "matches": MATCHES}
