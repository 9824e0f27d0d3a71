"""Shared pieces of the detector kernels: the track view, the geography context, event columns.

Kernels are pure functions: arrays and parameters in, arrays out. Geography (ports, distance to
shore) comes in as a `GeoContext` built once by the caller; it does no I/O of its own.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from darkcargo.geo.distance import chord_to_m, m_to_chord, unit_vectors

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
B2 = npt.NDArray[np.bool_]  # 2-D

US_PER_HOUR = 3_600_000_000
NM_KM = 1.852
EARTH_RADIUS_NM = 6_371_008.8 / 1852.0
KN_TO_KMH = 1.852


@dataclass(frozen=True)
class GeoContext:
    """Ports (ids, centres, radii) and a distance-to-shore function, for the kernels."""

    port_ids: tuple[str, ...]
    port_lat: F64
    port_lon: F64
    port_radius_km: F64
    shore_km: Any = None  # callable (lat, lon) -> km, e.g. Land.distance_to_shore_km
    # the case's watched ports: gap reachability
    port_watched: B | None = None
    _tree: cKDTree | None = field(default=None, compare=False)
    _cell_cache: dict[float, B2] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        ports: list[Any] | tuple[Any, ...],
        shore_km: Any = None,
    ) -> GeoContext:
        # only places where ships call: a case's other places (a rail crossing) are never a
        # port call's, a gap's or a stop's "nearest port"
        ports = [p for p in ports if getattr(p, "kind", "port") == "port"]
        lat = np.array([p.lat for p in ports], dtype=np.float64)
        lon = np.array([p.lon for p in ports], dtype=np.float64)
        tree = cKDTree(unit_vectors(lat, lon)) if len(ports) else None
        return cls(
            port_ids=tuple(p.id for p in ports),
            port_lat=lat,
            port_lon=lon,
            port_radius_km=np.array([p.radius_km for p in ports], dtype=np.float64),
            shore_km=shore_km,
            port_watched=np.array([bool(getattr(p, "watched", False)) for p in ports], dtype=bool),
            _tree=tree,
        )

    def nearest_port(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, within_km: float | None = None
    ) -> tuple[I64, F64]:
        """Nearest port index and distance in km (-1 and inf beyond `within_km` or for NaN).

        With a bound, only positions in grid cells near some port reach the KD-tree: most of a
        month of traffic is far from every port, and this skips it with one sorted lookup."""
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        idx = np.full(lat_a.shape, -1, dtype=np.int64)
        dist = np.full(lat_a.shape, np.inf)
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        if self._tree is None or not ok.any():
            return idx, dist
        if within_km is not None:
            ok &= self._near_cells(within_km, lat_a, lon_a)
            if not ok.any():
                return idx, dist
        bound = np.inf if within_km is None else m_to_chord(within_km * 1000.0)
        chord, i = self._tree.query(unit_vectors(lat_a[ok], lon_a[ok]), distance_upper_bound=bound)
        hit = np.isfinite(chord)
        sub_idx = np.where(hit, i, -1)
        sub_dist = np.where(hit, chord_to_m(np.where(hit, chord, 0.0)) / 1000.0, np.inf)
        idx[ok] = sub_idx
        dist[ok] = sub_dist
        return idx, dist

    def _near_cells(self, within_km: float, lat: F64, lon: F64) -> B:
        """Whether each position lies in a grid cell that some port's `within_km` disc touches."""
        hot = self._cell_cache.get(within_km)
        if hot is None:
            hot = _port_cells(self.port_lat, self.port_lon, within_km)
            self._cell_cache[within_km] = hot
        return _lookup_cells(hot, lat, lon)

    @property
    def max_radius_km(self) -> float:
        return float(self.port_radius_km.max()) if len(self.port_radius_km) else 0.0

    def shore_distance_km(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> F64:
        """Distance to shore in km; NaN everywhere when no land model was given."""
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        if self.shore_km is None:
            return np.full(lat_a.shape, np.nan)
        return np.asarray(self.shore_km(lat_a, np.atleast_1d(np.asarray(lon, dtype=np.float64))))


CELL_DEG = 0.25  # grid of the port prefilter
_ROWS = int(180 / CELL_DEG) + 1
_COLS = int(360 / CELL_DEG)


@numba.njit(cache=True)
def _lookup_cells(hot: B2, lat: F64, lon: F64) -> B:
    out = np.zeros(lat.shape[0], np.bool_)
    for i in range(lat.shape[0]):
        if lat[i] != lat[i] or lon[i] != lon[i]:
            continue
        r = math.floor((min(max(lat[i], -90.0), 90.0) + 90.0) / CELL_DEG)
        c = math.floor(((lon[i] + 180.0) % 360.0) / CELL_DEG)
        out[i] = hot[r, min(c, _COLS - 1)]
    return out


def _port_cells(port_lat: F64, port_lon: F64, within_km: float) -> B2:
    """Grid of the cells within `within_km` (plus a margin) of any port."""
    hot = np.zeros((_ROWS, _COLS), dtype=bool)
    reach_deg = within_km / 111.0 + 0.01
    for plat, plon in zip(port_lat.tolist(), port_lon.tolist(), strict=True):
        lat0, lat1 = max(plat - reach_deg, -90.0), min(plat + reach_deg, 90.0)
        coslat = max(math.cos(math.radians(max(abs(lat0), abs(lat1)))), 1e-6)
        half = min(reach_deg / coslat, 180.0)
        r0 = math.floor((lat0 + 90.0) / CELL_DEG)
        r1 = math.floor((lat1 + 90.0) / CELL_DEG)
        lons = np.arange(plon - half, plon + half + CELL_DEG, CELL_DEG)
        cols = np.minimum(np.floor(((lons + 180.0) % 360.0) / CELL_DEG), _COLS - 1).astype(int)
        hot[r0 : r1 + 1, cols] = True
    return hot


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

    def segment_names_of(self, rows: I64) -> list[str | None]:
        """Segment names of many view rows at once."""
        names = self.segment_names
        return [names[s] if 0 <= s < len(names) else None for s in self.segment[rows].tolist()]

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def implied_speed_kn(self) -> F64:
        """Speed from each position to the next of its track (NaN at a track's last position)."""
        return self._implied

    @cached_property
    def step_nm(self) -> F64:
        """Great-circle distance from each position to the next in the view (0 at the end).

        Computed once and shared: implied speeds, loitering paths and gaps all need it."""
        out = np.zeros(len(self))
        if len(self) > 1:
            out[:-1] = _hav_steps_nm(self.lat, self.lon)
        return out

    @cached_property
    def _implied(self) -> F64:
        n = len(self)
        out = np.full(n, np.nan)
        if n < 2:
            return out
        same = self.key[1:] == self.key[:-1]
        dist_nm = self.step_nm[:-1]
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


@numba.njit(cache=True)
def _hav_steps_nm(lat: F64, lon: F64) -> F64:
    n = lat.shape[0]
    out = np.empty(n - 1)
    for i in range(n - 1):
        p1 = math.radians(lat[i])
        p2 = math.radians(lat[i + 1])
        a = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon[i + 1] - lon[i]) / 2) ** 2
        )
        out[i] = 2.0 * EARTH_RADIUS_NM * math.asin(math.sqrt(min(1.0, max(0.0, a))))
    return out


@numba.njit(cache=True)
def _slice_rows(
    source_id: I64, row_id: I64, first: I64, last: I64
) -> tuple[I64, I64, I64, npt.NDArray[np.bool_]]:
    """Per slice [first, last]: its source, min and max row, and whether it mixes sources."""
    k = first.shape[0]
    sid = np.empty(k, np.int64)
    lo = np.empty(k, np.int64)
    hi = np.empty(k, np.int64)
    mixed = np.zeros(k, np.bool_)
    for e in range(k):
        i, j = first[e], last[e]
        sid[e] = source_id[i]
        lo[e] = row_id[i]
        hi[e] = row_id[i]
        for t in range(i + 1, j + 1):
            if source_id[t] != sid[e]:
                mixed[e] = True
                break
            r = row_id[t]
            if r < lo[e]:
                lo[e] = r
            elif r > hi[e]:
                hi[e] = r
    return sid, lo, hi, mixed


def slice_evidence(source_id: I64, row_id: I64, first: I64, last: I64) -> list[str]:
    """`evidence_json` of many slices [first, last] of the same arrays, built at once."""
    if first.size == 0:
        return []
    f = np.ascontiguousarray(first, dtype=np.int64)
    la = np.ascontiguousarray(last, dtype=np.int64)
    sid, lo, hi, mixed = _slice_rows(
        np.ascontiguousarray(source_id, dtype=np.int64),
        np.ascontiguousarray(row_id, dtype=np.int64),
        f,
        la,
    )
    n = (la - f + 1).tolist()
    out = [
        f'{{"source_rows": [[{a}, {b}, {c}]], "n_positions": {m}}}'
        for a, b, c, m in zip(sid.tolist(), lo.tolist(), hi.tolist(), n, strict=True)
    ]
    for e in np.flatnonzero(mixed).tolist():
        out[e] = evidence_json(source_id[f[e] : la[e] + 1], row_id[f[e] : la[e] + 1])
    return out


def json_column(values: Any, digits: int | None = None) -> list[str]:
    """One JSON literal per value: floats rounded to `digits` (null when not finite), ints,
    bools, strings and None, as `json.dumps` writes them."""
    arr = np.asarray(values) if not isinstance(values, list) else None
    if arr is not None and arr.dtype.kind == "f":
        nd = 6 if digits is None else digits
        return [
            repr(round(v, nd)) if math.isfinite(v) else "null" for v in arr.astype(float).tolist()
        ]
    if arr is not None and arr.dtype.kind == "b":
        return ["true" if v else "false" for v in arr.tolist()]
    if arr is not None and arr.dtype.kind in "iu":
        return [str(v) for v in arr.tolist()]
    seq = values if isinstance(values, list) else arr.tolist()  # type: ignore[union-attr]
    return [json.dumps(v, default=_json_default) for v in seq]


def json_objects(columns: dict[str, list[str]]) -> list[str]:
    """JSON objects (keys sorted, as `EventColumns.add` writes details) from pre-encoded
    columns of equal length (see `json_column`)."""
    keys = sorted(columns)
    if not keys:
        return []
    template = "{{" + ", ".join(f"{json.dumps(k)}: {{}}" for k in keys) + "}}"
    return [template.format(*row) for row in zip(*(columns[k] for k in keys), strict=True)]


def _opt_floats(v: Any, n: int) -> list[float | None]:
    if v is None:
        return [None] * n
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        a = np.full(n, float(a))
    return [x if math.isfinite(x) else None for x in a.tolist()]


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

    def extend_arrays(
        self,
        kind: str,
        mmsi: npt.ArrayLike,
        start_ts: npt.ArrayLike,
        end_ts: npt.ArrayLike,
        *,
        evidence: list[str],
        details: list[str],
        other_mmsi: npt.ArrayLike | None = None,
        lat: npt.ArrayLike | None = None,
        lon: npt.ArrayLike | None = None,
        end_lat: npt.ArrayLike | None = None,
        end_lon: npt.ArrayLike | None = None,
        port_id: list[str | None] | None = None,
        segment_id: list[str | None] | None = None,
        confidence: npt.ArrayLike | None = None,
    ) -> None:
        """Add many events of one kind at once, column by column (same values as `add`)."""
        m = np.asarray(mmsi, dtype=np.int64)
        n = int(m.shape[0])
        self.kind.extend([kind] * n)
        self.mmsi.extend(m.tolist())
        if other_mmsi is None:
            self.other_mmsi.extend([None] * n)
        else:
            self.other_mmsi.extend(np.asarray(other_mmsi, dtype=np.int64).tolist())
        self.start_ts.extend(np.asarray(start_ts, dtype=np.int64).tolist())
        self.end_ts.extend(np.asarray(end_ts, dtype=np.int64).tolist())
        self.lat.extend(_opt_floats(lat, n))
        self.lon.extend(_opt_floats(lon, n))
        self.end_lat.extend(_opt_floats(end_lat, n))
        self.end_lon.extend(_opt_floats(end_lon, n))
        self.port_id.extend(port_id if port_id is not None else [None] * n)
        self.segment_id.extend(segment_id if segment_id is not None else [None] * n)
        self.evidence.extend(evidence)
        self.details.extend(details)
        self.confidence.extend(_opt_floats(confidence, n))

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
