"""Hand-built tracks for the detector tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from darkcargo.config import Port
from darkcargo.events.kernels.common import GeoContext
from darkcargo.geo.distance import destination

T0 = datetime(2024, 3, 12, 0, 0)
US = 1_000_000


def ts_us(dt: datetime) -> int:
    return int((dt - datetime(1970, 1, 1)).total_seconds() * US)


def track(
    mmsi: int,
    start: datetime,
    lat: float,
    lon: float,
    *,
    minutes: float = 10.0,
    n: int = 10,
    speed_kn: float = 0.0,
    course: float = 90.0,
    source_id: int = 1,
    first_row: int = 1,
) -> dict[str, np.ndarray]:
    """n positions every `minutes`, moving at speed_kn on a constant course from (lat, lon)."""
    t = np.array([ts_us(start + timedelta(minutes=minutes * k)) for k in range(n)], np.int64)
    dist = speed_kn * 1852.0 * (minutes / 60.0) * np.arange(n)
    la, lo = destination(np.full(n, lat), np.full(n, lon), np.full(n, course), dist)
    return {
        "mmsi": np.full(n, mmsi, np.int64),
        "ts": t,
        "lat": np.asarray(la, np.float64),
        "lon": np.asarray(lo, np.float64),
        "sog": np.full(n, speed_kn, np.float64),
        "cog": np.full(n, course, np.float64),
        "source_id": np.full(n, source_id, np.int64),
        "row_id": np.arange(first_row, first_row + n, dtype=np.int64),
    }


def concat(*parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


PORT = Port(id="TESTPORT", name="Test port", lat=42.25, lon=130.30, radius_km=3.0)


def geo(shore_km: float | None = 100.0, ports: tuple[Port, ...] = (PORT,)) -> GeoContext:
    """Ports plus a constant distance to shore (so tests do not depend on the land model)."""
    fn = None if shore_km is None else (lambda lat, lon: np.full(np.shape(lat), shore_km))
    return GeoContext.build(list(ports), shore_km=fn)
