"""The `sightings` table: counts an analyst read off imagery or reports, with their error."""

from __future__ import annotations

import pyarrow as pa

SIGHTINGS = pa.schema(
    [
        ("sighting_id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("place", pa.string()),  # a port_id from the configured places, or free text
        ("kind", pa.string()),  # containers_on_quay, rail_cars, vessel_at_berth, ...
        ("count", pa.float64()),
        ("count_low", pa.float64()),
        ("count_high", pa.float64()),
        ("mmsi", pa.int64()),  # vessel seen, when the sighting is of a vessel
        ("imo", pa.int64()),
        ("source", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {"sightings": SIGHTINGS}
