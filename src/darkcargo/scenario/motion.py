"""Kinematics of one phase: transit speed profiles along a route, and slow drifting motion.

Both are closed-form functions of time, evaluated on whole arrays of sample times, so two
vessels that share a drifting motion (a planted ship-to-ship meeting) stay together exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from darkcargo.geo.distance import EARTH_RADIUS_M, NM_M
from darkcargo.scenario.routing import Route

F64 = npt.NDArray[np.float64]
KN = NM_M / 3600.0  # metres per second in one knot

PORT_SPEED_KN = 5.0  # speed at the berth end of a port approach ...
RAMP_M = 9000.0  # ... rising linearly to cruise speed over this distance


def _ramps(
    length_m: npt.ArrayLike,
    cruise_kn: npt.ArrayLike,
    slow_start: npt.ArrayLike,
    slow_end: npt.ArrayLike,
) -> tuple[F64, F64, F64, F64, F64, F64, F64]:
    """Ramp lengths (start, end), port and cruise speeds (m/s), ramp slope, ramp times, total."""
    L = np.asarray(length_m, dtype=np.float64)
    vc = np.asarray(cruise_kn, dtype=np.float64) * KN
    vp = np.minimum(PORT_SPEED_KN * KN, vc)
    ramp = np.minimum(RAMP_M, L / 2.2)
    rs = np.where(np.asarray(slow_start, dtype=bool), ramp, 0.0)
    re = np.where(np.asarray(slow_end, dtype=bool), ramp, 0.0)
    k = np.where(ramp > 0, (vc - vp) / np.maximum(ramp, 1e-9), 0.0)
    k = np.maximum(k, 1e-12)
    t_ramp = np.log(vc / vp) / k  # time to run one full ramp
    total = np.where(rs > 0, t_ramp, 0.0) + (L - rs - re) / vc + np.where(re > 0, t_ramp, 0.0)
    return rs, re, vp, vc, k, t_ramp, total


def transit_duration(
    length_m: npt.ArrayLike,
    cruise_kn: npt.ArrayLike,
    slow_start: npt.ArrayLike,
    slow_end: npt.ArrayLike,
) -> F64:
    """Seconds to run a route at cruise speed, slowing linearly to PORT_SPEED_KN over RAMP_M at
    port ends (closed form: on a ramp v = vp + k*d, so t = ln(1 + k*d/vp) / k)."""
    return _ramps(length_m, cruise_kn, slow_start, slow_end)[6]


def transit_duration_scalar(
    length_m: float, cruise_kn: float, slow_start: bool, slow_end: bool
) -> float:
    """transit_duration for one transit, in plain floats (the planner calls it per leg)."""
    vc = cruise_kn * KN
    vp = min(PORT_SPEED_KN * KN, vc)
    ramp = min(RAMP_M, length_m / 2.2)
    rs = ramp if slow_start else 0.0
    re = ramp if slow_end else 0.0
    k = max((vc - vp) / ramp if ramp > 0 else 0.0, 1e-12)
    t_ramp = math.log(vc / vp) / k
    return (t_ramp if rs else 0.0) + (length_m - rs - re) / vc + (t_ramp if re else 0.0)


def time_at_scalar(
    d: float, length_m: float, cruise_kn: float, slow_start: bool, slow_end: bool
) -> float:
    """time_at for one distance on one transit, in plain floats."""
    vc = cruise_kn * KN
    vp = min(PORT_SPEED_KN * KN, vc)
    ramp = min(RAMP_M, length_m / 2.2)
    rs = ramp if slow_start else 0.0
    re = ramp if slow_end else 0.0
    k = max((vc - vp) / ramp if ramp > 0 else 0.0, 1e-12)
    t_ramp = math.log(vc / vp) / k
    d = min(max(d, 0.0), length_m)
    t_up = t_ramp if rs else 0.0
    if d < rs:
        return math.log1p(k * d / vp) / k
    if d <= length_m - re:
        return t_up + (d - rs) / vc
    total = t_up + (length_m - rs - re) / vc + (t_ramp if re else 0.0)
    return total - math.log1p(k * (length_m - d) / vp) / k


def time_at(
    d: npt.ArrayLike, length_m: npt.ArrayLike, cruise_kn: npt.ArrayLike,
    slow_start: npt.ArrayLike, slow_end: npt.ArrayLike,
) -> F64:  # fmt: skip
    """Seconds from the start of a transit until distance d along it."""
    L = np.asarray(length_m, dtype=np.float64)
    rs, re, vp, vc, k, tr, total = _ramps(L, cruise_kn, slow_start, slow_end)
    d = np.clip(np.asarray(d, dtype=np.float64), 0.0, L)
    t_up = np.where(rs > 0, tr, 0.0)
    up = np.log1p(k * d / vp) / k
    mid = t_up + (d - rs) / vc
    down = total - np.log1p(k * (L - d) / vp) / k
    return np.where(d < rs, up, np.where(d <= L - re, mid, down))


def distance_at(
    t: npt.ArrayLike, length_m: npt.ArrayLike, cruise_kn: npt.ArrayLike,
    slow_start: npt.ArrayLike, slow_end: npt.ArrayLike,
) -> tuple[F64, F64]:  # fmt: skip
    """Distance along a transit (m) and speed (kn) at t seconds after its start."""
    L = np.asarray(length_m, dtype=np.float64)
    rs, re, vp, vc, k, tr, total = _ramps(L, cruise_kn, slow_start, slow_end)
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, total)
    t_up = np.where(rs > 0, tr, 0.0)
    t_mid_end = t_up + (L - rs - re) / vc
    d_up = vp * np.expm1(k * np.minimum(t, t_up)) / k
    v_up = vp + k * d_up
    d_mid = rs + vc * (t - t_up)
    rem = np.maximum(total - t, 0.0)
    r_down = vp * np.expm1(k * rem) / k
    d = np.where(t < t_up, d_up, np.where(t <= t_mid_end, d_mid, L - r_down))
    v = np.where(t < t_up, v_up, np.where(t <= t_mid_end, vc, vp + k * r_down))
    return np.clip(d, 0.0, L), v / KN


def along(route: Route, d: F64) -> tuple[F64, F64, F64]:
    """Latitude, longitude and segment course (deg) at distances d along a route."""
    seg = np.clip(np.searchsorted(route.cum_m, d, side="right") - 1, 0, len(route.cum_m) - 2)
    seg_len = np.maximum(route.cum_m[seg + 1] - route.cum_m[seg], 1e-9)
    f = np.clip((d - route.cum_m[seg]) / seg_len, 0.0, 1.0)
    lat = route.lat[seg] + (route.lat[seg + 1] - route.lat[seg]) * f
    lon = route.lon[seg] + (route.lon[seg + 1] - route.lon[seg]) * f
    dy = route.lat[seg + 1] - route.lat[seg]
    dx = (route.lon[seg + 1] - route.lon[seg]) * np.cos(np.radians(route.lat[seg]))
    course = np.degrees(np.arctan2(dx, dy)) % 360.0
    return lat, lon, course


@dataclass(frozen=True)
class Drift:
    """Slow wandering about a start point: a steady drift plus two sinusoids per axis.

    Position offsets (metres north/east) at time t are
    ``v*(t - t0) + a*(sin(w*(t - t0) + p) - sin(p))``; speed stays below
    ``|v| + a*w`` per axis, which the planner keeps under the loitering speed.
    """

    t0: int
    lat0: float
    lon0: float
    vn: float  # m/s
    ve: float
    an: float  # m
    ae: float
    wn: float  # rad/s
    we: float
    pn: float
    pe: float
    off_n: float = 0.0  # fixed offset of this vessel from the shared motion (m)
    off_e: float = 0.0

    def with_offset(self, off_n: float, off_e: float) -> Drift:
        return Drift(
            self.t0, self.lat0, self.lon0, self.vn, self.ve, self.an, self.ae,
            self.wn, self.we, self.pn, self.pe, off_n, off_e,
        )  # fmt: skip

    def offsets(self, t: F64) -> tuple[F64, F64]:
        tau = np.asarray(t, dtype=np.float64) - self.t0
        n = self.vn * tau + self.an * (np.sin(self.wn * tau + self.pn) - np.sin(self.pn))
        e = self.ve * tau + self.ae * (np.sin(self.we * tau + self.pe) - np.sin(self.pe))
        return n + self.off_n, e + self.off_e

    def position(self, t: F64) -> tuple[F64, F64]:
        n, e = self.offsets(t)
        lat = self.lat0 + np.degrees(n / EARTH_RADIUS_M)
        lon = self.lon0 + np.degrees(e / (EARTH_RADIUS_M * np.cos(np.radians(self.lat0))))
        return lat, lon

    def velocity(self, t: F64) -> tuple[F64, F64]:
        """Speed over ground (kn) and course (deg)."""
        tau = np.asarray(t, dtype=np.float64) - self.t0
        vn = self.vn + self.an * self.wn * np.cos(self.wn * tau + self.pn)
        ve = self.ve + self.ae * self.we * np.cos(self.we * tau + self.pe)
        return np.hypot(vn, ve) / KN, np.degrees(np.arctan2(ve, vn)) % 360.0

    @property
    def max_speed_kn(self) -> float:
        return float(
            np.hypot(abs(self.vn) + self.an * self.wn, abs(self.ve) + self.ae * self.we) / KN
        )


def random_drift(rng: np.random.Generator, t0: int, lat: float, lon: float, max_kn: float) -> Drift:
    """A drift whose speed never exceeds max_kn (a current plus slow yawing)."""
    drift_kn = rng.uniform(0.1, 0.45) * max_kn
    ang = rng.uniform(0, 2 * np.pi)
    wave_kn = rng.uniform(0.15, 0.3) * max_kn  # per axis; sum stays under max_kn
    wn, we = 2 * np.pi / rng.uniform(2, 6, size=2) / 3600.0
    return Drift(
        t0=t0,
        lat0=lat,
        lon0=lon,
        vn=drift_kn * KN * np.cos(ang),
        ve=drift_kn * KN * np.sin(ang),
        an=wave_kn * KN / wn,
        ae=wave_kn * KN / we,
        wn=wn,
        we=we,
        pn=rng.uniform(0, 2 * np.pi),
        pe=rng.uniform(0, 2 * np.pi),
    )
