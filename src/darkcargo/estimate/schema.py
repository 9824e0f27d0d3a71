"""The `estimates` table: distributions, never bare points."""

from __future__ import annotations

import pyarrow as pa

ESTIMATES = pa.schema(
    [
        ("estimate_id", pa.string()),
        ("quantity", pa.string()),  # containers | rounds_152mm | rockets_122mm | ...
        ("item", pa.string()),  # containers | shells | rockets | ...
        ("caliber", pa.string()),
        ("method", pa.string()),  # physical_packing | official_ratio | shipments_x_load | ...
        ("period_start", pa.timestamp("us")),
        ("period_end", pa.timestamp("us")),
        ("p05", pa.float64()),
        ("p50", pa.float64()),
        ("p95", pa.float64()),
        ("mean", pa.float64()),
        ("inputs", pa.string()),  # JSON: ids of shipments, sightings, catalogue entries
        ("assumptions", pa.string()),  # JSON list of human-readable assumptions
        ("unverified", pa.string()),  # JSON list of unverified parameters used
        ("params_hash", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("unit", pa.string()),  # shells, rockets, containers, "shells per 20ft box", ...
        # JSON list of {param, label, rho, range, unverified}: inputs that drive the spread
        ("sensitivity", pa.string()),
        ("binding", pa.string()),  # JSON {mass, fill_volume, geometry}: share of draws each binds
        ("draws", pa.int64()),
        ("seed", pa.int64()),
    ]
)

TABLES: dict[str, pa.Schema] = {"estimates": ESTIMATES}
