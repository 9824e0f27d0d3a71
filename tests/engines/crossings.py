"""Hand-made encounters that cross every kind of partition border the Spark engine has: a day
boundary (midnight UTC, the Parquet partitions), a cell's meridian and parallel (the encounter
join's space cells) and the antimeridian (where the longitude cells wrap)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads

from darkcargo.ais.schema import POSITIONS
from darkcargo.events.kernels.common import GeoContext
from darkcargo.workspace import Workspace
from tests.events.helpers import concat, geo, track

START = datetime(2024, 3, 11, 22, 0)  # two hours before midnight; the meetings last 5 hours
EDGE_LON = 131.0  # a meridian between two 1-degree cells
EDGE_LAT = 38.0  # a parallel between two 1-degree cells

# (mmsi A, lat, lon, mmsi B, lat, lon): B about 300 m from A, on the other side of a border
PAIRS = [
    (273100001, 38.5, EDGE_LON - 0.0015, 273100002, 38.5027, EDGE_LON + 0.0012),  # meridian
    (273100003, EDGE_LAT + 0.0012, 130.5, 273100004, EDGE_LAT - 0.0015, 130.5009),  # parallel
    (273100005, 51.0, 179.9985, 273100006, 51.0009, -179.9990),  # antimeridian
]


def positions() -> dict[str, np.ndarray]:
    """Every 5 minutes for 5 hours from START, drifting east at 0.3 knot (both ships of a pair
    alike), so each pair meets across midnight and across its border."""
    parts = []
    row = 1
    for a, alat, alon, b, blat, blon in PAIRS:
        for mmsi, lat, lon in ((a, alat, alon), (b, blat, blon)):
            parts.append(track(mmsi, START, lat, lon, minutes=5, n=61, speed_kn=0.3, first_row=row))
            row += 61
    return concat(*parts)


def crossing_geo() -> GeoContext:
    """One port far from all of them; the shore 100 km away everywhere."""
    return geo(shore_km=100.0)


def table() -> pa.Table:
    """The positions in the canonical `positions` schema."""
    return canonical(positions())


def canonical(cols: dict[str, np.ndarray]) -> pa.Table:
    """Columns mmsi, ts (int64 us), lat, lon, sog, cog[, source_id, row_id] as `positions`."""
    n = cols["mmsi"].shape[0]
    cols = {
        "source_id": np.ones(n, np.int64),
        "row_id": np.arange(1, n + 1, dtype=np.int64),
        **cols,
    }
    data = {
        "mmsi": cols["mmsi"],
        "ts": pa.array(cols["ts"], pa.int64()).cast(pa.timestamp("us")),
        "lat": cols["lat"],
        "lon": cols["lon"],
        "sog": cols["sog"].astype(np.float32),
        "cog": cols["cog"].astype(np.float32),
        "heading": pa.nulls(n, pa.int16()),
        "nav_status": pa.nulls(n, pa.int8()),
        "msg_type": np.full(n, 1, np.int8),
        "mmsi_valid": np.ones(n, bool),
        "source_id": cols["source_id"].astype(np.int32),
        "row_id": cols["row_id"],
    }
    return pa.table({f.name: data[f.name] for f in POSITIONS}).cast(POSITIONS)


def write_workspace(path: Path, positions: pa.Table | None = None) -> Path:
    with Workspace(path) as ws:
        ws.append("positions", table() if positions is None else positions)
    return path


def write_dataset(root: Path) -> Path:
    """The positions as a dataset partitioned by day, as `ingest --engine spark` lays it out."""
    t = table()
    day = pa.array([str(d) for d in t.column("ts").cast(pa.date32()).to_pylist()])
    pads.write_dataset(
        t.append_column("day", day),
        root / "positions",
        format="parquet",
        partitioning=pads.partitioning(pa.schema([("day", pa.string())]), flavor="hive"),
    )
    return root
