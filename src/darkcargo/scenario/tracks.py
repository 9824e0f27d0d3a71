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
from darkcargo.scenario.motion import KN, along, transit_profile
from darkcargo.scenario.plan import ABSENT, DWELL, TRANSIT, Phase, Plan
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


def sample_phase(
    ph: Phase, ais_class: str, s: ScenarioSettings, rng: np.random.Generator
) -> dict[str, np.ndarray] | None:
    """Report times and true state of one phase (None for empty phases)."""
    if ph.kind == ABSENT:
        return {
            "ts": np.array([ph.t0], dtype=np.int64),
            "lat": np.array([np.nan]),
            "lon": np.array([np.nan]),
            "sog": np.array([np.nan]),
            "cog": np.array([np.nan]),
            "heading": np.array([np.nan]),
            "ais_on": np.array([False]),
            "absent": np.array([True]),
        }
    speed = ph.speed_kn if ph.kind == TRANSIT else (0.0 if ph.kind == DWELL else 1.0)
    native = native_period(ais_class, ph.kind, speed)
    interval = s.product_interval_stationary_s if ph.kind == DWELL else s.product_interval_s
    spacing = kept_spacing(interval, native)
    first = ph.t0 + int(rng.integers(0, spacing))
    if first >= ph.t1:
        return None
    ts = np.arange(first, ph.t1, spacing, dtype=np.int64)
    lost = rng.geometric(1.0 - s.reception_loss, size=len(ts)) - 1
    ts = ts + lost * native
    ts = ts[ts < ph.t1]
    n = len(ts)
    if n == 0:
        return None
    ais_on = np.full(n, ph.ais_on)
    if ph.kind == DWELL:
        swing = rng.normal(0.0, MOORED_SWING_M, size=(2, n))
        lat = ph.lat + np.degrees(swing[0] / EARTH_RADIUS_M)
        lon = ph.lon + np.degrees(swing[1] / (EARTH_RADIUS_M * np.cos(np.radians(ph.lat))))
        sog = np.abs(rng.normal(0.0, 0.05, size=n))
        cog = rng.uniform(0.0, 360.0, size=n)
        heading = (ph.heading + rng.normal(0.0, 1.0, size=n)) % 360.0
    elif ph.kind == TRANSIT:
        assert ph.route is not None
        dgrid, tgrid, vgrid = transit_profile(
            ph.route.length_m, ph.speed_kn, ph.slow_start, ph.slow_end
        )
        d = np.interp(ts - ph.t0, tgrid, dgrid)
        lat, lon, course = along(ph.route, d)
        sog = np.maximum(np.interp(d, dgrid, vgrid) + rng.normal(0.0, SOG_NOISE_KN, n), 0.0)
        cog = (course + rng.normal(0.0, COG_NOISE_DEG, n)) % 360.0
        heading = (cog + rng.normal(0.0, HEADING_NOISE_DEG, n)) % 360.0
        if np.isfinite(ph.dark_from_m):
            ais_on &= ~((d >= ph.dark_from_m) & (d < ph.dark_to_m))
    else:  # LOITER
        assert ph.drift is not None
        t = ts.astype(np.float64)
        lat, lon = ph.drift.position(t)
        sog, cog = ph.drift.velocity(t)
        sog = np.abs(sog + rng.normal(0.0, 0.05, n))
        cog = (cog + rng.normal(0.0, 3.0, n)) % 360.0
        heading = (cog + rng.normal(0.0, 15.0, n)) % 360.0
    return {
        "ts": ts,
        "lat": lat,
        "lon": lon,
        "sog": sog,
        "cog": cog,
        "heading": heading,
        "ais_on": ais_on,
        "absent": np.zeros(n, dtype=bool),
    }


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
    for k, ph, cls in moving:
        out = sample_phase(ph, cls, s, rng)
        if out is not None:
            out["phase"] = np.full(len(out["ts"]), k, dtype=np.int64)
            parts.append(out)
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


def receive(smp: Samples, s: ScenarioSettings, rng: np.random.Generator) -> Reception:
    """Which reports reach a receiver: shore stations within range, else satellite passes."""
    n = len(smp)
    st_lat = np.array([st.lat for st in STATIONS])
    st_lon = np.array([st.lon for st in STATIONS])
    tree = cKDTree(unit_vectors(st_lat, st_lon))
    ok = np.isfinite(smp.lat)
    chord = np.full(n, np.inf)
    nearest = np.zeros(n, dtype=np.int64)
    if ok.any():
        c, j = tree.query(unit_vectors(smp.lat[ok], smp.lon[ok]))
        chord[ok] = c
        nearest[ok] = j
    dist_km = 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0, 1)) / 1000.0
    covered = ok & (dist_km <= s.station_range_km)
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
