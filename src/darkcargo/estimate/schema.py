"""The `estimates` table: distributions, never bare points."""

from __future__ import annotations

import pyarrow as pa

ESTIMATES = pa.schema(
    [
        ("estimate_id", pa.string()),
        ("quantity", pa.string()),  # containers | rounds_152mm | rockets_122mm | ...
        ("item", pa.string()),  # containers | shells | rockets | ...
        ("caliber", pa.string()),
        # given | physical_packing | official_ratio | shipments_x_load | shipments_x_per_trip |
        # quay_sightings
        ("method", pa.string()),
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
        # the period asked for ('2023-08-01..2024-02-29', '*..*' = all trips; period_start/end
        # then give the span of the trips counted); a new run replaces rows of the same value
        ("period_requested", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {"estimates": ESTIMATES}
