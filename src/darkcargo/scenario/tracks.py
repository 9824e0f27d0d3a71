"""From phases to reports: provider-thinned report times, true positions, reception, jitter.

Report times follow ITU-R M.1371 native rates (class A: 10 s under way, 6 s above 14 kn,
3 min at anchor or moored; class B "CS": 30 s above 2 kn, 3 min otherwise) thinned the way a
data provider thins them: the first native report after each product interval is kept, so kept
reports are ``ceil(interval / native) * native`` apart; a lost report delays the kept one by
one native period. Work is vectorised per phase (one NumPy call per column, no per-report
Python), then over the whole season at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from darkcargo.geo.distance import EARTH_RADIUS_M, unit_vectors
from darkcargo.scenario.geography import SATELLITE_STATIONS, STATIONS
from darkcargo.scenario.motion import KN, distance_at
from darkcargo.scenario.plan import ABSENT, DWELL, TRANSIT, Phase, Plan
from darkcargo.scenario.routing import Route
from darkcargo.scenario.settings import ScenarioSettings

F64 = npt.NDArray[np.float64]

NATIVE_A_MOORED_S = 180
NATIVE_A_UNDERWAY_S = 10
NATIVE_A_FAST_S = 6  # above 14 kn
NATIVE_B_FAST_S = 30  # above 2 kn
NATIVE_B_SLOW_S = 180
FAST_A_KN = 14.0
SLOW_B_KN = 2.0
SOG_NOISE_KN = 0.15
COG_NOISE_DEG = 1.5
HEADING_NOISE_DEG = 2.0
MOORED_SWING_M = 8.0
COVERAGE_STEP_DEG = 0.02


def native_period(ais_class: str, kind: int, speed_kn: float) -> int:
    if kind == DWELL:
        return NATIVE_A_MOORED_S if ais_class == "A" else NATIVE_B_SLOW_S
    if ais_class == "A":
        return NATIVE_A_FAST_S if speed_kn > FAST_A_KN else NATIVE_A_UNDERWAY_S
    return NATIVE_B_FAST_S if speed_kn > SLOW_B_KN else NATIVE_B_SLOW_S


def kept_spacing(interval_s: int, native_s: int) -> int:
    """Spacing of the reports a provider keeps: the first native report after each interval."""
    return -(-interval_s // native_s) * native_s


@dataclass
class Samples:
    """Every report a transponder would have made (kept by the provider's thinning), true state."""

    vid: npt.NDArray[np.int32]
    phase: npt.NDArray[np.int32]  # global phase index
    kind: npt.NDArray[np.int8]
    ts: npt.NDArray[np.int64]
    lat: F64  # true position
    lon: F64
    sog: F64
    cog: F64
    heading: F64
    nav: npt.NDArray[np.int8]
    ais_on: npt.NDArray[np.bool_]
    absent: npt.NDArray[np.bool_]  # one marker per out-of-area phase (never emitted)

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, idx: npt.NDArray[np.int64]) -> Samples:
        return Samples(**{k: getattr(self, k)[idx] for k in self.__dataclass_fields__})


def _times(
    t0: np.ndarray,
    t1: np.ndarray,
    spacing: np.ndarray,
    native: np.ndarray,
    loss: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Kept report times of many phases at once; returns (ts, owning phase row)."""
    first = t0 + (rng.random(len(t0)) * spacing).astype(np.int64)
    n = np.maximum(0, -(-(t1 - first) // spacing))
    owner = np.repeat(np.arange(len(t0)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    ts = first[owner] + k * spacing[owner]
    ts = ts + (rng.geometric(1.0 - loss, size=len(ts)) - 1) * native[owner]
    keep = ts < t1[owner]
    return ts[keep], owner[keep]


def _sample_fixed(
    rows: list[tuple[int, Phase, str]], s: ScenarioSettings, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Berth and drifting phases, vectorised over all of them."""
    kind = np.array([ph.kind for _, ph, _ in rows], dtype=np.int8)
    t0 = np.array([ph.t0 for _, ph, _ in rows], dtype=np.int64)
    t1 = np.array([ph.t1 for _, ph, _ in rows], dtype=np.int64)
    cls_a = np.array([c == "A" for _, _, c in rows])
    dwell = kind == DWELL
    native = np.where(dwell, np.where(cls_a, NATIVE_A_MOORED_S, NATIVE_B_SLOW_S),
                      np.where(cls_a, NATIVE_A_UNDERWAY_S, NATIVE_B_SLOW_S)).astype(np.int64)  # fmt: skip
    interval = np.where(dwell, s.product_interval_stationary_s, s.product_interval_s)
    spacing = -(-interval // native) * native
    ts, own = _times(t0, t1, spacing, native, s.reception_loss, rng)
    n = len(ts)
    lat = np.empty(n)
    lon = np.empty(n)
    sog = np.empty(n)
    cog = np.empty(n)
    heading = np.empty(n)
    d = dwell[own]
    # berths: a fixed point, swinging a few metres
    plat = np.array([ph.lat for _, ph, _ in rows])
    plon = np.array([ph.lon for _, ph, _ in rows])
    phead = np.array([ph.heading for _, ph, _ in rows])
    nd = int(d.sum())
    swing = rng.normal(0.0, MOORED_SWING_M, size=(2, nd))
    lat[d] = plat[own[d]] + np.degrees(swing[0] / EARTH_RADIUS_M)
    lon[d] = plon[own[d]] + np.degrees(
        swing[1] / (EARTH_RADIUS_M * np.cos(np.radians(plat[own[d]])))
    )
    sog[d] = np.abs(rng.normal(0.0, 0.05, size=nd))
    cog[d] = rng.uniform(0.0, 360.0, size=nd)
    heading[d] = (phead[own[d]] + rng.normal(0.0, 1.0, size=nd)) % 360.0
    # drifting: closed-form motion with per-phase parameters
    lo = ~d
    nl = int(lo.sum())
    if nl:
        names = (
            "t0",
            "lat0",
            "lon0",
            "vn",
            "ve",
            "an",
            "ae",
            "wn",
            "we",
            "pn",
            "pe",
            "off_n",
            "off_e",
        )
        par = {
            k: np.array([getattr(ph.drift, k) if ph.drift else 0.0 for _, ph, _ in rows])
            for k in names
        }
        la, lo_, sg, cg = drift_eval(par, own[lo], ts[lo].astype(np.float64))
        lat[lo], lon[lo] = la, lo_
        sog[lo] = np.abs(sg + rng.normal(0.0, 0.05, nl))
        cog[lo] = (cg + rng.normal(0.0, 3.0, nl)) % 360.0
        heading[lo] = (cog[lo] + rng.normal(0.0, 15.0, nl)) % 360.0
    pidx = np.array([k for k, _, _ in rows], dtype=np.int64)
    return {
        "ts": ts,
        "lat": lat,
        "lon": lon,
        "sog": sog,
        "cog": cog,
        "heading": heading,
        "ais_on": np.array([ph.ais_on for _, ph, _ in rows])[own],
        "absent": np.zeros(n, dtype=bool),
        "phase": pidx[own],
    }


def _sample_transits(
    rows: list[tuple[int, Phase, str]], s: ScenarioSettings, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Transits, vectorised over all of them: closed-form speed profile, positions on routes."""
    bank = RouteBank([ph.route for _, ph, _ in rows])  # type: ignore[misc]
    t0 = np.array([ph.t0 for _, ph, _ in rows], dtype=np.int64)
    t1 = np.array([ph.t1 for _, ph, _ in rows], dtype=np.int64)
    speed = np.array([ph.speed_kn for _, ph, _ in rows])
    slow_s = np.array([ph.slow_start for _, ph, _ in rows])
    slow_e = np.array([ph.slow_end for _, ph, _ in rows])
    dark0 = np.array([ph.dark_from_m for _, ph, _ in rows])
    dark1 = np.array([ph.dark_to_m for _, ph, _ in rows])
    on = np.array([ph.ais_on for _, ph, _ in rows])
    cls_a = np.array([c == "A" for _, _, c in rows])
    native = np.where(
        cls_a,
        np.where(speed > FAST_A_KN, NATIVE_A_FAST_S, NATIVE_A_UNDERWAY_S),
        np.where(speed > SLOW_B_KN, NATIVE_B_FAST_S, NATIVE_B_SLOW_S),
    ).astype(np.int64)
    spacing = -(-s.product_interval_s // native) * native
    ts, own = _times(t0, t1, spacing, native, s.reception_loss, rng)
    n = len(ts)
    L = bank.length[own]
    d, v = distance_at(ts - t0[own], L, speed[own], slow_s[own], slow_e[own])
    lat, lon, course = bank.along(own, d)
    sog = np.maximum(v + rng.normal(0.0, SOG_NOISE_KN, n), 0.0)
    cog = (course + rng.normal(0.0, COG_NOISE_DEG, n)) % 360.0
    heading = (cog + rng.normal(0.0, HEADING_NOISE_DEG, n)) % 360.0
    ais_on = on[own] & ~((d >= dark0[own]) & (d < dark1[own]))
    pidx = np.array([k for k, _, _ in rows], dtype=np.int64)
    return {
        "ts": ts,
        "lat": lat,
        "lon": lon,
        "sog": sog,
        "cog": cog,
        "heading": heading,
        "ais_on": ais_on,
        "absent": np.zeros(n, dtype=bool),
        "phase": pidx[own],
    }


class RouteBank:
    """Many routes in one set of arrays, so positions along any of them are one vector op."""

    GAP_M = 1.0e7  # spacing between routes on the concatenated distance axis

    def __init__(self, routes: list[Route]) -> None:
        index: dict[int, int] = {}
        uniq: list[Route] = []
        self.row_route = np.empty(len(routes), dtype=np.int64)
        for i, r in enumerate(routes):
            k = index.setdefault(id(r), len(uniq))
            if k == len(uniq):
                uniq.append(r)
            self.row_route[i] = k
        sizes = np.array([len(r.lat) for r in uniq])
        self.first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        self.last = self.first + sizes - 1
        lengths = np.array([r.length_m for r in uniq])
        self.base = np.concatenate(([0.0], np.cumsum(lengths + self.GAP_M)[:-1]))
        self.lat = np.concatenate([r.lat for r in uniq])
        self.lon = np.concatenate([r.lon for r in uniq])
        self.cum = np.concatenate([r.cum_m + b for r, b in zip(uniq, self.base, strict=True)])
        self.length = lengths[self.row_route]

    def along(self, rows: np.ndarray, d: F64) -> tuple[F64, F64, F64]:
        """Latitude, longitude and course at distance d on the route of each given row."""
        r = self.row_route[rows]
        g = self.base[r] + d
        seg = np.searchsorted(self.cum, g, side="right") - 1
        seg = np.clip(seg, self.first[r], self.last[r] - 1)
        seg_len = np.maximum(self.cum[seg + 1] - self.cum[seg], 1e-9)
        f = np.clip((g - self.cum[seg]) / seg_len, 0.0, 1.0)
        lat = self.lat[seg] + (self.lat[seg + 1] - self.lat[seg]) * f
        lon = self.lon[seg] + (self.lon[seg + 1] - self.lon[seg]) * f
        dy = self.lat[seg + 1] - self.lat[seg]
        dx = (self.lon[seg + 1] - self.lon[seg]) * np.cos(np.radians(self.lat[seg]))
        return lat, lon, np.degrees(np.arctan2(dx, dy)) % 360.0


def drift_eval(
    par: dict[str, np.ndarray], own: np.ndarray, t: np.ndarray
) -> tuple[F64, F64, F64, F64]:
    """Drift positions, speed (kn) and course for rows owned by parameter rows ``own``."""
    g = {k: v[own] for k, v in par.items()}
    tau = t - g["t0"]
    n = g["vn"] * tau + g["an"] * (np.sin(g["wn"] * tau + g["pn"]) - np.sin(g["pn"])) + g["off_n"]
    e = g["ve"] * tau + g["ae"] * (np.sin(g["we"] * tau + g["pe"]) - np.sin(g["pe"])) + g["off_e"]
    lat = g["lat0"] + np.degrees(n / EARTH_RADIUS_M)
    lon = g["lon0"] + np.degrees(e / (EARTH_RADIUS_M * np.cos(np.radians(g["lat0"]))))
    vn = g["vn"] + g["an"] * g["wn"] * np.cos(g["wn"] * tau + g["pn"])
    ve = g["ve"] + g["ae"] * g["we"] * np.cos(g["we"] * tau + g["pe"])
    return lat, lon, np.hypot(vn, ve) / KN, np.degrees(np.arctan2(ve, vn)) % 360.0


def sample_season(
    plan: Plan, s: ScenarioSettings, rng: np.random.Generator
) -> tuple[Samples, list[Phase]]:
    """All reports of all vessels, sorted by (vessel, time), and the flat phase list."""
    flat: list[Phase] = []
    fixed: list[tuple[int, Phase, str]] = []
    moving: list[tuple[int, Phase, str]] = []
    absent: list[tuple[int, Phase, str]] = []
    for v, phases in zip(plan.vessels, plan.phases, strict=True):
        for ph in phases:
            k = len(flat)
            flat.append(ph)
            if ph.t1 <= s.t0 - 86400 or ph.t0 >= s.t1 or ph.t1 <= ph.t0:
                continue
            row = (k, ph, v.ais_class)
            if ph.kind == TRANSIT:
                moving.append(row)
            elif ph.kind == ABSENT:
                absent.append(row)
            else:
                fixed.append(row)
    parts: list[dict[str, np.ndarray]] = []
    if fixed:
        parts.append(_sample_fixed(fixed, s, rng))
    if moving:
        parts.append(_sample_transits(moving, s, rng))
    if absent:
        m = len(absent)
        parts.append(
            {
                "ts": np.array([ph.t0 for _, ph, _ in absent], dtype=np.int64),
                "lat": np.full(m, np.nan),
                "lon": np.full(m, np.nan),
                "sog": np.full(m, np.nan),
                "cog": np.full(m, np.nan),
                "heading": np.full(m, np.nan),
                "ais_on": np.zeros(m, dtype=bool),
                "absent": np.ones(m, dtype=bool),
                "phase": np.array([k for k, _, _ in absent], dtype=np.int64),
            }
        )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    phase = cols.pop("phase")
    vid_of = np.array([ph.vid for ph in flat], dtype=np.int32)
    kind_of = np.array([ph.kind for ph in flat], dtype=np.int8)
    nav_of = np.array([ph.nav_status for ph in flat], dtype=np.int8)
    smp = Samples(
        vid=vid_of[phase],
        phase=phase.astype(np.int32),
        kind=kind_of[phase],
        nav=nav_of[phase],
        **cols,  # type: ignore[arg-type]
    )
    order = np.lexsort((smp.ts, smp.vid))
    return smp.take(order), flat


@dataclass
class Reception:
    received: npt.NDArray[np.bool_]
    station: npt.NDArray[np.int16]  # index into station_ids()
    covered: npt.NDArray[np.bool_]  # inside terrestrial range


def station_ids() -> list[str]:
    return [st.id for st in STATIONS] + list(SATELLITE_STATIONS)


def receive(
    smp: Samples,
    s: ScenarioSettings,
    rng: np.random.Generator,
    bbox: tuple[float, float, float, float],
) -> Reception:
    """Which reports reach a receiver: shore stations within range, else satellite passes.

    Station range is looked up on a COVERAGE_STEP_DEG raster of the area (nearest station and
    its distance per cell), which is exact to about a kilometre at the range edge.
    """
    n = len(smp)
    lat_min, lat_max, lon_min, lon_max = bbox
    glat = np.arange(lat_min, lat_max + COVERAGE_STEP_DEG, COVERAGE_STEP_DEG)
    glon = np.arange(lon_min, lon_max + COVERAGE_STEP_DEG, COVERAGE_STEP_DEG)
    LA, LO = np.meshgrid(glat, glon, indexing="ij")
    tree = cKDTree(unit_vectors([st.lat for st in STATIONS], [st.lon for st in STATIONS]))
    chord, near = tree.query(unit_vectors(LA.ravel(), LO.ravel()))
    cell_km = (2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0, 1)) / 1000.0).reshape(LA.shape)
    cell_st = near.reshape(LA.shape)
    ok = np.isfinite(smp.lat)
    i = np.clip(
        np.rint((np.where(ok, smp.lat, lat_min) - lat_min) / COVERAGE_STEP_DEG), 0, len(glat) - 1
    ).astype(np.int64)
    j = np.clip(
        np.rint((np.where(ok, smp.lon, lon_min) - lon_min) / COVERAGE_STEP_DEG), 0, len(glon) - 1
    ).astype(np.int64)
    covered = ok & (cell_km[i, j] <= s.station_range_km)
    nearest = cell_st[i, j]
    # satellite passes over the whole sea: irregular revisits, short windows
    gaps_h = rng.uniform(
        s.sat_pass_gap_h[0], s.sat_pass_gap_h[1], size=int((s.t1 - s.t0) / 1800) + 50
    )
    starts = s.t0 - 86400 + np.cumsum(gaps_h * 3600.0).astype(np.int64)
    k = np.searchsorted(starts, smp.ts, side="right") - 1
    in_pass = (k >= 0) & (smp.ts - starts[np.maximum(k, 0)] < s.sat_pass_minutes * 60)
    sat_hit = ok & ~covered & in_pass & (rng.random(n) < s.sat_detect_prob)
    station = np.where(
        covered, nearest, len(STATIONS) + (np.maximum(k, 0) % len(SATELLITE_STATIONS))
    ).astype(np.int16)
    return Reception(received=covered | sat_hit, station=station, covered=covered)


def jitter(lat: F64, lon: F64, sigma_m: float, rng: np.random.Generator) -> tuple[F64, F64]:
    """GPS noise: independent normal errors north and east, sigma in metres."""
    e = rng.normal(0.0, sigma_m, size=(2, len(lat)))
    return (
        lat + np.degrees(e[0] / EARTH_RADIUS_M),
        lon + np.degrees(e[1] / (EARTH_RADIUS_M * np.cos(np.radians(lat)))),
    )
