"""The infer stage's tables: `port_calls`, `shipments`, and the sea-distance caches.

The caches hold what the sea router computed for one case's ports on one water grid, keyed by
`grid_key` (a hash of the router version, grid step, bounding box, land layer and the ports'
positions and radii), so a second `darkcargo infer` on the same case routes nothing again.
"""

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
        # JSON: event ids; for inferred calls the gap, the sea distances, the stay's bounds, the
        # score's terms, the evidence for and against in words, the alternatives
        ("evidence", pa.string()),
        ("preset", pa.string()),  # infer preset (inferred calls) or the events' preset (observed)
        ("params_hash", pa.string()),
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
        ("inferred", pa.bool_()),  # either end is an inferred call
        ("confidence", pa.float32()),  # the less confident of its two calls
        ("containers", pa.float64()),  # known containers, when a sighting or document gives it
        ("evidence", pa.string()),
        ("sea_nm", pa.float64()),  # shortest sea distance from origin to destination port
        ("preset", pa.string()),
        ("params_hash", pa.string()),
    ]
)

# Shortest water distance from every grid node to each port (Dijkstra on the grid: at most
# GRID_FACTOR longer than the straight water path; screening divides by it).
SEA_FIELD = pa.schema(
    [
        ("grid_key", pa.string()),
        ("port_id", pa.string()),
        ("node", pa.int32()),  # water node number on the grid
        ("i", pa.int32()),  # its grid row (latitude index) ...
        ("j", pa.int32()),  # ... and column (longitude index)
        ("distance_m", pa.float32()),
    ]
)

# Port-to-port sea routes (string-pulled shortest water paths).
SEA_PORTS = pa.schema(
    [
        ("grid_key", pa.string()),
        ("from_port", pa.string()),
        ("to_port", pa.string()),
        ("distance_m", pa.float64()),
    ]
)

# Point-to-port sea routes from grid nodes (string-pulled), filled as gaps ask for them.
SEA_ROUTES = pa.schema(
    [
        ("grid_key", pa.string()),
        ("node", pa.int32()),
        ("port_id", pa.string()),
        ("length_m", pa.float64()),  # inf when the port cannot be reached from the node
        ("lat", pa.string()),  # JSON list of the polyline's latitudes, node first
        ("lon", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "port_calls": PORT_CALLS,
    "shipments": SHIPMENTS,
    "sea_field": SEA_FIELD,
    "sea_ports": SEA_PORTS,
    "sea_routes": SEA_ROUTES,
}
