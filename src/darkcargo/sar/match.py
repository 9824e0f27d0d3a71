"""Matching radar targets to AIS: pure functions over arrays (no I/O).

1. Each vessel's state at the image time from its AIS fixes: linear interpolation between the
   fixes either side when both are within ``max_gap_s``, else dead reckoning (speed and course
   over ground) from the nearest fix within ``max_gap_s``; vessels with no fix that close are not
   candidates.
2. Where the radar puts a moving vessel: a target with a velocity component along the radar's
   line of sight appears displaced along the flight direction (the azimuth shift of moving
   targets): shift = -(R / V) * v_r, with v_r the slant-range velocity (positive away from the
   radar), R the slant range and V the platform velocity. Assumptions: V = 7.5 km/s (Sentinel-1's
   orbital speed; the effective velocity for the shift is a few per cent lower), R from the
   incidence angle and the orbit height (693 km) on a spherical Earth, the ground-range velocity
   projected on the line of sight by sin(incidence), right-looking unless the scene says
   otherwise. At 37 degrees incidence R/V ~ 114 s: a ship making 10 kn straight away from the
   radar appears ~350 m behind (against the flight direction) where it is. Without the scene's flight direction the shift
   cannot be applied, and the gate instead grows by the largest shift the vessel's speed allows.
3. Gate: base_gate_m + gate_per_travel x speed x time from the fix used (half of it when
   interpolating between fixes either side) + gate_per_shift x |shift|.
4. One-to-one assignment minimising sum((distance / sigma)^2 + length term) with scipy's
   Hungarian solver, sigma = gate / 2.5 (the gate is a 2.5-sigma bound); pairs outside their gate
   are not allowed. The length term is length_weight x (|L_radar - L_ais| / L_ais / length_tolerance)^2,
   capped at length_weight (radar lengths of smeared targets are rough): a disagreement of one
   tolerance weighs as much as a one-sigma position error.
   Registration: when the first assignment pairs at least ``register_min_matches`` targets, the
   median offset between targets and predictions (the scene's geolocation bias, AIS antennas off
   the hull centre, clock offsets) is taken out and the assignment made again, provided it is
   under ``register_max_m``; the offset is reported.
5. Unmatched targets are dark; every target records the nearest candidate vessel and its distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from darkcargo.geo.distance import EARTH_RADIUS_M, haversine_m
from darkcargo.sar.params import MatchParams

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
KN_MPS = 1852.0 / 3600.0
INFEASIBLE = 1e9
# The gate is this many standard deviations of the predicted position (2.5: ~96% of a 2-D
# Gaussian error falls inside): a pair's distance costs (distance / sigma)^2, comparable with the
# length term (a chi-square of both residuals). Tried 2, 2.5, 3: at 3, one OpenSARShip ship (an
# AIS fix 407 s old) goes to an unreported neighbour nearer its dead-reckoned position.
GATE_SIGMAS = 2.5
INTERPOLATED, DEAD_RECKONED = "interpolated", "dead_reckoned"


@dataclass
class VesselStates:
    """Candidate vessels' states at a reference time (one entry per vessel)."""

    mmsi: I64
    lat: F64
    lon: F64
    speed_mps: F64  # NaN = unknown (treated as 0 with a wider gate)
    course_deg: F64
    gap_s: F64  # time from the nearest fix used
    method: npt.NDArray[np.str_]
    t_ref: float

    def __len__(self) -> int:
        return len(self.mmsi)


def offset(lat: F64, lon: F64, north_m: F64, east_m: F64) -> tuple[F64, F64]:
    """Points moved by small north/east offsets in metres (local flat approximation)."""
    dlat = np.degrees(north_m / EARTH_RADIUS_M)
    dlon = np.degrees(east_m / (EARTH_RADIUS_M * np.cos(np.radians(lat))))
    return lat + dlat, lon + dlon


def states_at(
    mmsi: I64,
    ts: F64,
    lat: F64,
    lon: F64,
    sog_kn: F64,
    cog_deg: F64,
    t_ref: float,
    max_gap_s: float,
) -> VesselStates:
    """Each vessel's state at t_ref from fixes sorted by (mmsi, ts) (ts in seconds)."""
    if len(mmsi) == 0:
        z = np.zeros(0)
        return VesselStates(np.zeros(0, np.int64), z, z, z, z, z, np.zeros(0, "U13"), t_ref)
    starts = np.flatnonzero(np.r_[True, mmsi[1:] != mmsi[:-1]])
    ends = np.r_[starts[1:], len(mmsi)]
    group = np.repeat(np.arange(len(starts)), ends - starts)
    span = float(ts.max() - ts.min()) + 2 * abs(t_ref - ts.min()) + 10.0
    key = group * span + (ts - ts.min())
    nxt = np.searchsorted(key, np.arange(len(starts)) * span + (t_ref - ts.min()), side="right")
    has_next = nxt < ends
    has_prev = nxt - 1 >= starts
    ip = np.where(has_prev, nxt - 1, starts)
    in_ = np.where(has_next, nxt, ends - 1)
    dtp = np.where(has_prev, t_ref - ts[ip], np.inf)
    dtn = np.where(has_next, ts[in_] - t_ref, np.inf)
    interp = has_prev & has_next & (dtp <= max_gap_s) & (dtn <= max_gap_s)
    use_prev = dtp <= dtn
    near = np.where(use_prev, ip, in_)
    gap = np.minimum(dtp, dtn)
    ok = gap <= max_gap_s
    sog = np.where(np.isfinite(sog_kn[near]), sog_kn[near], np.nan) * KN_MPS
    cog = cog_deg[near]
    # dead reckoning from the nearest fix
    dt = t_ref - ts[near]
    move = np.where(np.isfinite(sog) & np.isfinite(cog), sog * dt, 0.0)
    c = np.radians(np.where(np.isfinite(cog), cog, 0.0))
    dr_lat, dr_lon = offset(lat[near], lon[near], move * np.cos(c), move * np.sin(c))
    # interpolation between the fixes either side
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(interp, dtp / (dtp + dtn), 0.0)
    i_lat = lat[ip] + frac * (lat[in_] - lat[ip])
    i_lon = lon[ip] + frac * (lon[in_] - lon[ip])
    out_lat = np.where(interp, i_lat, dr_lat)
    out_lon = np.where(interp, i_lon, dr_lon)
    method = np.where(interp, INTERPOLATED, DEAD_RECKONED)
    sel = np.flatnonzero(ok)
    return VesselStates(
        mmsi=mmsi[starts][sel],
        lat=out_lat[sel],
        lon=out_lon[sel],
        speed_mps=sog[sel],
        course_deg=np.where(np.isfinite(cog), cog, np.nan)[sel],
        gap_s=gap[sel],
        method=method[sel],
        t_ref=t_ref,
    )


@dataclass(frozen=True)
class SceneGeometry:
    heading_deg: float | None  # flight direction; None = unknown
    look: str  # right | left
    incidence_deg: float | None


def slant_range_m(incidence_rad: F64 | float, height_m: float) -> F64:
    """Slant range from the incidence angle at the ground, on a spherical Earth."""
    ro = EARTH_RADIUS_M + height_m
    look = np.arcsin(EARTH_RADIUS_M * np.sin(incidence_rad) / ro)
    gamma = incidence_rad - look  # angle at the Earth's centre
    return np.asarray(np.sqrt(EARTH_RADIUS_M**2 + ro**2 - 2 * EARTH_RADIUS_M * ro * np.cos(gamma)))


def _incidence(geo: SceneGeometry, p: MatchParams, incidence_deg: F64 | None) -> F64 | float:
    if incidence_deg is not None:
        return np.radians(
            np.where(np.isfinite(incidence_deg), incidence_deg, p.default_incidence_deg)
        )
    return math.radians(geo.incidence_deg or p.default_incidence_deg)


def azimuth_shift(
    speed_mps: F64,
    course_deg: F64,
    geo: SceneGeometry,
    p: MatchParams,
    incidence_deg: F64 | None = None,
) -> tuple[F64, F64, F64]:
    """(north, east, signed along-track) shift in metres where the radar shows each vessel;
    zero when the flight direction is unknown. incidence_deg: per vessel, else the scene's."""
    inc = _incidence(geo, p, incidence_deg)
    slant = slant_range_m(inc, p.orbit_height_m)
    v = np.where(np.isfinite(speed_mps), speed_mps, 0.0)
    c = np.where(np.isfinite(course_deg), course_deg, 0.0)
    if geo.heading_deg is None:
        z = np.zeros(len(v))
        return z, z, z
    look = geo.heading_deg + (90.0 if geo.look == "right" else -90.0)
    v_range = v * np.cos(np.radians(c - look)) * np.sin(inc)  # away from the radar: +
    along = -(slant / p.platform_velocity_mps) * v_range
    h = math.radians(geo.heading_deg)
    return along * math.cos(h), along * math.sin(h), along


def max_shift(
    speed_mps: F64, geo: SceneGeometry, p: MatchParams, incidence_deg: F64 | None = None
) -> F64:
    inc = _incidence(geo, p, incidence_deg)
    slant = slant_range_m(inc, p.orbit_height_m)
    v = np.where(np.isfinite(speed_mps), speed_mps, 0.0)
    return np.asarray((slant / p.platform_velocity_mps) * v * np.sin(inc))


@dataclass
class MatchResult:
    """Per detection: matched vessel index (-1 = dark), distance, applied shift, nearest vessel."""

    vessel: I64
    distance_m: F64
    shift_m: F64
    nearest: I64  # -1 when there are no candidates
    nearest_m: F64
    registration_m: tuple[float, float] = (0.0, 0.0)  # (north, east) offset applied


def match(
    det_lat: F64,
    det_lon: F64,
    det_ts: F64,
    det_length: F64,
    states: VesselStates,
    vessel_length: F64,
    geo: SceneGeometry,
    p: MatchParams,
    vessel_incidence_deg: F64 | None = None,
) -> MatchResult:
    """One-to-one assignment of detections to candidate vessels (see the module notes).
    vessel_incidence_deg: the incidence angle at each vessel when the scene is wide enough for
    it to vary (else the scene's single value is used)."""
    n, m = len(det_lat), len(states)
    if n == 0 or m == 0:
        return MatchResult(
            np.full(n, -1, np.int64),
            np.full(n, np.nan),
            np.full(n, np.nan),
            np.full(n, -1, np.int64),
            np.full(n, np.nan),
        )
    sp = np.where(np.isfinite(states.speed_mps), states.speed_mps, 0.0)
    crs = np.radians(np.where(np.isfinite(states.course_deg), states.course_deg, 0.0))
    sn, se, along = azimuth_shift(states.speed_mps, states.course_deg, geo, p, vessel_incidence_deg)
    # predicted image position for every (detection, vessel) pair: move each vessel on to the
    # detection's own time (rows of a long scene are seconds apart), then shift it
    dt = det_ts[:, None] - states.t_ref
    north = sp[None, :] * np.cos(crs)[None, :] * dt + sn[None, :]
    east = sp[None, :] * np.sin(crs)[None, :] * dt + se[None, :]
    # interpolation between fixes either side errs less than dead reckoning over the same time
    travel_s = np.where(states.method == INTERPOLATED, 0.5, 1.0) * states.gap_s
    gap = travel_s[None, :] + np.abs(dt)
    unknown_geo = (
        max_shift(states.speed_mps, geo, p, vessel_incidence_deg)[None, :]
        if geo.heading_deg is None
        else 0.0
    )
    gate = (
        p.base_gate_m
        + p.gate_per_travel * sp[None, :] * gap
        + p.gate_per_shift * np.abs(along)[None, :]
        + unknown_geo
    )
    lens = (
        np.isfinite(det_length)[:, None]
        & np.isfinite(vessel_length)[None, :]
        & (vessel_length[None, :] > 0)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(det_length[:, None] - vessel_length[None, :]) / vessel_length[None, :]
    len_term = np.where(lens, p.length_weight * np.minimum(rel / p.length_tolerance, 1.0) ** 2, 0.0)
    m_lat = EARTH_RADIUS_M * math.pi / 180.0
    coslat = np.cos(np.radians(det_lat))[:, None]

    def assign(bias_n: float, bias_e: float) -> tuple[I64, F64, F64, F64]:
        plat, plon = offset(
            np.broadcast_to(states.lat, (n, m)),
            np.broadcast_to(states.lon, (n, m)),
            north + bias_n,
            east + bias_e,
        )
        d = haversine_m(det_lat[:, None], det_lon[:, None], plat, plon)
        feasible = d <= gate
        cost = np.where(feasible, (GATE_SIGMAS * d / gate) ** 2 + len_term, INFEASIBLE)
        rows, cols = linear_sum_assignment(cost)
        vessel = np.full(n, -1, np.int64)
        ok = feasible[rows, cols]
        vessel[rows[ok]] = cols[ok]
        res_n = (det_lat[:, None] - plat) * m_lat
        res_e = (det_lon[:, None] - plon) * m_lat * coslat
        return vessel, d, res_n, res_e

    vessel, d, res_n, res_e = assign(0.0, 0.0)
    bias = (0.0, 0.0)
    has = vessel >= 0
    if p.register_min_matches > 0 and has.sum() >= p.register_min_matches:
        # the scene's systematic offset (geolocation of the product, AIS antenna positions,
        # clock): the median residual of the first assignment, applied when it is moderate
        k = np.flatnonzero(has)
        bn = float(np.median(res_n[k, vessel[k]]))
        be = float(np.median(res_e[k, vessel[k]]))
        if math.hypot(bn, be) <= p.register_max_m:
            bias = (bn, be)
            vessel, d, res_n, res_e = assign(bn, be)
    idx = np.arange(n)
    has = vessel >= 0
    dist = np.where(has, d[idx, np.maximum(vessel, 0)], np.nan)
    shift = np.where(has, along[np.maximum(vessel, 0)], np.nan)
    nearest = np.argmin(d, axis=1)
    return MatchResult(vessel, dist, shift, nearest.astype(np.int64), d[idx, nearest], bias)
