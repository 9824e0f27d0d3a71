"""Kinematics of one phase: transit speed profiles along a route, and slow drifting motion.

Both are closed-form functions of time, evaluated on whole arrays of sample times, so two
vessels that share a drifting motion (a planted ship-to-ship meeting) stay together exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from darkcargo.geo.distance import EARTH_RADIUS_M, NM_M
from darkcargo.scenario.routing import Route

F64 = npt.NDArray[np.float64]
KN = NM_M / 3600.0  # metres per second in one knot

PORT_SPEED_KN = 5.0  # speed at the berth end of a port approach ...
RAMP_M = 9000.0  # ... rising linearly to cruise speed over this distance
PROFILE_POINTS = 97


def transit_profile(
    length_m: float, cruise_kn: float, slow_start: bool, slow_end: bool
) -> tuple[F64, F64, F64]:
    """Distance grid, time grid (s) and speed (kn) of a transit with slow port approaches."""
    d = np.linspace(0.0, max(length_m, 1.0), PROFILE_POINTS)
    v = np.full(d.shape, cruise_kn)
    port = min(PORT_SPEED_KN, cruise_kn)
    if slow_start:
        v = np.minimum(v, port + (cruise_kn - port) * d / RAMP_M)
    if slow_end:
        v = np.minimum(v, port + (cruise_kn - port) * (d[-1] - d) / RAMP_M)
    vm = (v[1:] + v[:-1]) / 2.0 * KN
    t = np.concatenate(([0.0], np.cumsum(np.diff(d) / vm)))
    return d, t, v


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
