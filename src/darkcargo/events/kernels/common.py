"""Shared pieces of the detector kernels: the track view, the geography context, event columns.

Kernels are pure functions: arrays and parameters in, arrays out. Geography (ports, distance to
shore) comes in as a `GeoContext` built once by the caller; it does no I/O of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from darkcargo.geo.distance import chord_to_m, haversine_m, m_to_chord, unit_vectors

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

US_PER_HOUR = 3_600_000_000
NM_KM = 1.852
KN_TO_KMH = 1.852


@dataclass(frozen=True)
class GeoContext:
    """Ports (ids, centres, radii) and a distance-to-shore function, for the kernels."""

    port_ids: tuple[str, ...]
    port_lat: F64
    port_lon: F64
    port_radius_km: F64
    shore_km: Any = None  # callable (lat, lon) -> km, e.g. Land.distance_to_shore_km
    _tree: cKDTree | None = field(default=None, compare=False)

    @classmethod
    def build(
        cls,
        ports: list[Any] | tuple[Any, ...],
        shore_km: Any = None,
    ) -> GeoContext:
        lat = np.array([p.lat for p in ports], dtype=np.float64)
        lon = np.array([p.lon for p in ports], dtype=np.float64)
        tree = cKDTree(unit_vectors(lat, lon)) if len(ports) else None
        return cls(
            port_ids=tuple(p.id for p in ports),
            port_lat=lat,
            port_lon=lon,
            port_radius_km=np.array([p.radius_km for p in ports], dtype=np.float64),
            shore_km=shore_km,
            _tree=tree,
        )

    def nearest_port(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, within_km: float | None = None
    ) -> tuple[I64, F64]:
        """Nearest port index and distance in km (-1 and inf beyond `within_km` or for NaN)."""
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        idx = np.full(lat_a.shape, -1, dtype=np.int64)
        dist = np.full(lat_a.shape, np.inf)
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        if self._tree is None or not ok.any():
            return idx, dist
        bound = np.inf if within_km is None else m_to_chord(within_km * 1000.0)
        chord, i = self._tree.query(unit_vectors(lat_a[ok], lon_a[ok]), distance_upper_bound=bound)
        hit = np.isfinite(chord)
        sub_idx = np.where(hit, i, -1)
        sub_dist = np.where(hit, chord_to_m(np.where(hit, chord, 0.0)) / 1000.0, np.inf)
        idx[ok] = sub_idx
        dist[ok] = sub_dist
        return idx, dist

    @property
    def max_radius_km(self) -> float:
        return float(self.port_radius_km.max()) if len(self.port_radius_km) else 0.0

    def shore_distance_km(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> F64:
        """Distance to shore in km; NaN everywhere when no land model was given."""
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        if self.shore_km is None:
            return np.full(lat_a.shape, np.nan)
        return np.asarray(self.shore_km(lat_a, np.atleast_1d(np.asarray(lon, dtype=np.float64))))


@dataclass(frozen=True)
class TrackView:
    """Positions of a batch in (track, ts) order: valid, not jump noise, one vessel per track.

    `index` maps back to the batch rows (for evidence); `key` is a batch-unique track number.
    """

    index: I64
    key: I64
    mmsi: I64
    ts: I64
    lat: F64
    lon: F64
    sog: F64
    segment: I64
    source_id: I64
    row_id: I64
    segment_names: tuple[str, ...] = ()
    # nearest port (index into GeoContext ports, -1 if none within the search bound) and km
    near_port: I64 | None = None
    near_port_km: F64 | None = None

    def nearest_port(self, geo: GeoContext, within_km: float) -> tuple[I64, F64]:
        """Nearest port per position, reusing the precomputed lookup when it reaches far enough."""
        if self.near_port is not None and self.near_port_km is not None:
            far = self.near_port_km > within_km
            return np.where(far, -1, self.near_port), np.where(far, np.inf, self.near_port_km)
        return geo.nearest_port(self.lat, self.lon, within_km=within_km)

    def segment_name(self, i: int) -> str | None:
        s = int(self.segment[i])
        return self.segment_names[s] if 0 <= s < len(self.segment_names) else None

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def implied_speed_kn(self) -> F64:
        """Speed from each position to the next of its track (NaN at a track's last position)."""
        return self._implied

    @cached_property
    def _implied(self) -> F64:
        n = len(self)
        out = np.full(n, np.nan)
        if n < 2:
            return out
        same = self.key[1:] == self.key[:-1]
        dist_nm = haversine_m(self.lat[:-1], self.lon[:-1], self.lat[1:], self.lon[1:]) / 1852.0
        hours = (self.ts[1:] - self.ts[:-1]) / US_PER_HOUR
        with np.errstate(divide="ignore", invalid="ignore"):
            sp = np.where(hours > 0, dist_nm / hours, np.where(dist_nm > 0, np.inf, 0.0))
        out[:-1] = np.where(same, sp, np.nan)
        return out

    def speed_kn(self) -> F64:
        """Reported speed where available, else the implied speed to the next position."""
        implied = self.implied_speed_kn()
        return np.where(np.isfinite(self.sog), self.sog, implied)

    def track_bounds(self) -> tuple[I64, I64]:
        """Start and end (exclusive) offsets of each track in this view."""
        n = len(self)
        if n == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        change = np.flatnonzero(self.key[1:] != self.key[:-1]) + 1
        starts = np.concatenate(([0], change)).astype(np.int64)
        ends = np.concatenate((change, [n])).astype(np.int64)
        return starts, ends


def evidence_json(source_id: I64, row_id: I64) -> str:
    """Evidence of an event: contiguous source row ranges and the number of positions."""
    if source_id.shape[0] == 0:
        return json.dumps({"source_rows": [], "n_positions": 0})
    ranges: list[list[int]] = []
    for sid in np.unique(source_id):
        rows = row_id[source_id == sid]
        ranges.append([int(sid), int(rows.min()), int(rows.max())])
    return json.dumps({"source_rows": ranges, "n_positions": int(source_id.shape[0])})


@dataclass
class EventColumns:
    """Events under construction, column by column (one list per column of the events table)."""

    kind: list[str] = field(default_factory=list)
    mmsi: list[int] = field(default_factory=list)
    other_mmsi: list[int | None] = field(default_factory=list)
    start_ts: list[int] = field(default_factory=list)
    end_ts: list[int] = field(default_factory=list)
    lat: list[float | None] = field(default_factory=list)
    lon: list[float | None] = field(default_factory=list)
    end_lat: list[float | None] = field(default_factory=list)
    end_lon: list[float | None] = field(default_factory=list)
    port_id: list[str | None] = field(default_factory=list)
    segment_id: list[str | None] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    confidence: list[float | None] = field(default_factory=list)

    def add(
        self,
        kind: str,
        mmsi: int,
        start_ts: int,
        end_ts: int,
        *,
        other_mmsi: int | None = None,
        lat: float | None = None,
        lon: float | None = None,
        end_lat: float | None = None,
        end_lon: float | None = None,
        port_id: str | None = None,
        segment_id: str | None = None,
        evidence: str = '{"source_rows": [], "n_positions": 0}',
        details: dict[str, Any] | None = None,
        confidence: float | None = None,
    ) -> None:
        self.kind.append(kind)
        self.mmsi.append(int(mmsi))
        self.other_mmsi.append(None if other_mmsi is None else int(other_mmsi))
        self.start_ts.append(int(start_ts))
        self.end_ts.append(int(end_ts))
        self.lat.append(_f(lat))
        self.lon.append(_f(lon))
        self.end_lat.append(_f(end_lat))
        self.end_lon.append(_f(end_lon))
        self.port_id.append(port_id)
        self.segment_id.append(segment_id)
        self.evidence.append(evidence)
        self.details.append(json.dumps(details or {}, sort_keys=True, default=_json_default))
        self.confidence.append(_f(confidence))

    def extend(self, other: EventColumns) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))

    def __len__(self) -> int:
        return len(self.kind)


def _f(v: float | None) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def _json_default(v: Any) -> Any:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return None if not np.isfinite(v) else round(float(v), 6)
    if isinstance(v, np.bool_):
        return bool(v)
    return str(v)


def rounded(v: float, nd: int = 3) -> float | None:
    """A float for JSON details: rounded, None when not finite."""
    v = float(v)
    return round(v, nd) if np.isfinite(v) else None
