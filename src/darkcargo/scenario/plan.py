"""The season's plan: for every vessel, a chain of phases (berth, transit, drift, out of area).

Each role has its own pattern: the covert carriers shuttle between Rajin and Dunai/Vostochny
with AIS off near Rajin; feeders, bulk carriers, tankers and ferries work port rotations (gates
stand for the world outside the sea); fishing boats make trips to offshore grounds and drift
there. Planted events (meetings at sea, waiting at sea) are appointments the pattern makes
room for. All randomness comes from one generator, consumed in a fixed order.
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, field

import numpy as np

from darkcargo.config import Port
from darkcargo.geo.distance import NM_M, haversine_m
from darkcargo.scenario.fleet import SHIP_TYPE, Identity, IdentityFactory, Vessel
from darkcargo.scenario.geography import GATES, GROUNDS, STATIONS, Ground
from darkcargo.scenario.motion import (
    Drift,
    along,
    random_drift,
    time_at_scalar,
    transit_duration_scalar,
)
from darkcargo.scenario.routing import Route, SeaGraph
from darkcargo.scenario.settings import CovertProfile, ScenarioSettings, utc_seconds

log = logging.getLogger(__name__)

DWELL, TRANSIT, LOITER, ABSENT = 0, 1, 2, 3
HOUR = 3600
DAY = 86400

CROSSING_STEP_M = 50.0  # resolution of port-circle entry and exit along a route
NAV_UNDERWAY, NAV_ANCHOR, NAV_MOORED, NAV_FISHING = 0, 1, 5, 7

# Port rotations per role; gate ids stand for voyages out of the area.
LOOPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "feeder": (
        ("BUSAN", "VOSTOCHNY", "VLADIVOSTOK"),
        ("BUSAN", "VLADIVOSTOK"),
        ("BUSAN", "NIIGATA", "FUSHIKI_TOYAMA"),
        ("ULSAN", "VOSTOCHNY"),
        ("BUSAN", "SAKAIMINATO", "MAIZURU"),
        ("VLADIVOSTOK", "KOREA_STRAIT"),
        ("BUSAN", "AKITA", "NIIGATA"),
        ("POHANG", "VLADIVOSTOK"),
        ("KOREA_STRAIT", "VOSTOCHNY"),
        ("BUSAN", "KANAZAWA", "FUSHIKI_TOYAMA"),
    ),
    "bulk": (
        ("VOSTOCHNY", "KOREA_STRAIT"),
        ("NAKHODKA", "KOREA_STRAIT"),
        ("VOSTOCHNY", "TSUGARU"),
        ("VOSTOCHNY", "SAKAIMINATO"),
        ("NAKHODKA", "MAIZURU"),
        ("POSYET", "KOREA_STRAIT"),
        ("ZARUBINO", "KOREA_STRAIT"),
        ("VOSTOCHNY", "POHANG"),
        ("SLAVYANKA", "KOREA_STRAIT"),
    ),
    "tanker": (
        ("NAKHODKA", "ULSAN"),
        ("NAKHODKA", "KOREA_STRAIT"),
        ("NAKHODKA", "TSUGARU"),
        ("VOSTOCHNY", "ULSAN"),
        ("NAKHODKA", "NIIGATA"),
        ("VLADIVOSTOK", "BUSAN"),
    ),
    "ferry": (
        ("VLADIVOSTOK", "DONGHAE", "SAKAIMINATO"),
        ("NIIGATA", "OTARU"),
        ("MAIZURU", "OTARU"),
        ("BUSAN", "HAKATA"),
        ("SOKCHO", "ZARUBINO"),
    ),
    "transit": (
        ("KOREA_STRAIT", "TSUGARU"),
        ("KOREA_STRAIT", "SOYA"),
        ("KOREA_STRAIT", "TATAR"),
        ("TSUGARU", "TATAR"),
    ),
}
ROLE_FLAGS: dict[str, tuple[tuple[str, float], ...]] = {
    "feeder": (("KR", 0.3), ("PA", 0.2), ("LR", 0.15), ("HK", 0.1), ("RU", 0.15), ("CN", 0.1)),
    "bulk": (("PA", 0.3), ("LR", 0.2), ("MH", 0.15), ("HK", 0.1), ("RU", 0.1), ("CN", 0.15)),
    "tanker": (("RU", 0.35), ("PA", 0.2), ("LR", 0.15), ("MH", 0.15), ("KR", 0.15)),
    "ferry": (("KR", 0.4), ("JP", 0.4), ("RU", 0.2)),
    "transit": (("PA", 0.3), ("LR", 0.25), ("MH", 0.2), ("HK", 0.15), ("CN", 0.1)),
    "fishing": (("KR", 0.45), ("JP", 0.35), ("RU", 0.2)),
}
ROLE_SPEED_KN = {
    "feeder": (13.0, 17.0),
    "bulk": (11.0, 14.0),
    "tanker": (11.0, 14.5),
    "ferry": (17.0, 21.0),
    "transit": (12.0, 15.5),
    "fishing": (8.0, 11.0),
}
ROLE_DWELL_H = {
    "feeder": (10.0, 36.0),
    "bulk": (36.0, 110.0),
    "tanker": (24.0, 60.0),
    "ferry": (5.0, 14.0),
    "transit": (0.0, 0.0),
    "fishing": (12.0, 60.0),
}
ROLE_AWAY_DAYS = {
    "feeder": (3.0, 9.0),
    "bulk": (8.0, 25.0),
    "tanker": (6.0, 18.0),
    "transit": (6.0, 30.0),
}
ROLE_LENGTH_M = {
    "feeder": (110.0, 190.0),
    "bulk": (150.0, 230.0),
    "tanker": (100.0, 250.0),
    "ferry": (120.0, 200.0),
    "transit": (150.0, 300.0),
    "fishing": (22.0, 60.0),
}
FISHING_HOMES = {
    "KR": ("SOKCHO", "JUMUNJIN", "DONGHAE", "POHANG"),
    "JP": ("SAKAIMINATO", "NIIGATA", "KANAZAWA", "AKITA", "OTARU", "MAIZURU"),
    "RU": ("NAKHODKA", "ZARUBINO", "POSYET", "VLADIVOSTOK"),
}
FISHING_SPOT_SHORE_NM = 28.0  # drifting spots start this far offshore (loitering needs >= 20)
SPOTS_PER_GROUND = 40  # drifting starts near one of these grid points of each ground ...
SPOT_JITTER_M = 1500.0  # ... moved by up to this much
FISHING_SET_H = (4.0, 12.0)
FISHING_SETS = (1, 4)
FISHING_SEARCH_KM = (5.0, 25.0)
FISHING_SEARCH_KN = (6.0, 9.0)
DRIFT_MAX_KN = 1.6  # drifting never exceeds this (under the 2 kn loitering speed)
BERTH_SCATTER_M = 250.0  # each call berths within this of the port's berth point
PLANT_MARGIN_DAYS = 3.0  # planted events sit this far inside the season
ENCOUNTER_ROLES = (
    ("tanker", "fishing"),
    ("tanker", "tanker"),
    ("bulk", "fishing"),
    ("feeder", "tanker"),
)
ENCOUNTER_HOURS = (3.0, 9.0)
ENCOUNTER_SEPARATION_M = (60.0, 250.0)
PLANTED_LOITER_HOURS = (6.0, 20.0)
MEETING_SHORE_KM = (35.0, 65.0)  # planted meetings and waits: offshore, yet within receiver range


@dataclass(slots=True)
class Phase:
    vid: int
    kind: int
    t0: int
    t1: int
    ais_on: bool = True
    lat: float = math.nan
    lon: float = math.nan
    port_id: str = ""
    nav_status: int = NAV_UNDERWAY
    heading: float = 0.0
    route: Route | None = None
    speed_kn: float = 0.0
    slow_start: bool = False
    slow_end: bool = False
    dark_from_m: float = math.inf  # transit: AIS off for along-route distance in [from, to)
    dark_to_m: float = math.inf
    t_exit: int = -1  # transit: when the origin port's circle is left
    t_enter: int = -1  # transit: when the destination port's circle is entered
    drift: Drift | None = None
    group: int = -1  # planted meeting id
    purpose: str = ""


@dataclass(frozen=True)
class Appointment:
    """A planted activity at sea that a vessel's pattern must make room for."""

    t0: int
    t1: int
    lat: float
    lon: float
    drift: Drift
    purpose: str  # "encounter" or "waiting"
    group: int
    nav_status: int = NAV_UNDERWAY


@dataclass
class Plan:
    vessels: list[Vessel]
    phases: list[list[Phase]]  # per vessel
    voyages: list[dict]
    encounters: list[dict]
    identity_events: list[dict]
    shared: list[dict]
    graph: SeaGraph
    ports: dict[str, Port]
    extra: dict = field(default_factory=dict)


class Planner:
    def __init__(
        self, graph: SeaGraph, ports: dict[str, Port], s: ScenarioSettings, rng: np.random.Generator
    ) -> None:
        self.g = graph
        self.ports = ports
        self.s = s
        self.rng = rng
        self.t_start = s.t0
        self.t_end = s.t1
        self._cross: dict[tuple, float] = {}
        self._spots: dict[str, list[tuple[float, float]]] = {}
        self._port_lat = np.array([p.lat for p in ports.values()])
        self._port_lon = np.array([p.lon for p in ports.values()])

    # -- building blocks ---------------------------------------------------------------------
    def is_port(self, tid: str) -> bool:
        return tid in self.ports

    def transit(
        self,
        vid: int,
        start: str | tuple[float, float],
        end: str | tuple[float, float],
        t0: int,
        speed_kn: float,
        profile: str = "civil",
    ) -> Phase:
        r = self.g.route(start, end, profile)
        slow_s = isinstance(start, str) and self.is_port(start)
        slow_e = isinstance(end, str) and self.is_port(end)
        total = transit_duration_scalar(r.length_m, speed_kn, slow_s, slow_e)
        ph = Phase(vid, TRANSIT, t0, t0 + round(total), route=r, speed_kn=speed_kn)
        ph.slow_start, ph.slow_end = slow_s, slow_e
        if slow_s:
            d = self.crossing(r, str(start), True)
            ph.t_exit = t0 + round(time_at_scalar(d, r.length_m, speed_kn, slow_s, slow_e))
        if slow_e:
            d = self.crossing(r, str(end), False)
            ph.t_enter = t0 + round(time_at_scalar(d, r.length_m, speed_kn, slow_s, slow_e))
        return ph

    def crossing(self, r: Route, pid: str, leaving: bool) -> float:
        """Along-route distance where the route leaves (or enters) a port's circle."""
        # routes into a port share their last vertices (cached paths): key on them
        tail = slice(0, 3) if leaving else slice(-3, None)
        key = (pid, leaving, r.lat[tail].tobytes() + r.lon[tail].tobytes())
        if key not in self._cross:  # distance from the port end of the route
            p = self.ports[pid]
            reach = min(r.length_m, p.radius_km * 3000.0 + 2000.0)
            step = np.arange(0.0, reach + CROSSING_STEP_M, CROSSING_STEP_M)
            d = step if leaving else r.length_m - step
            lat, lon, _ = along(r, np.clip(d, 0.0, r.length_m))
            inside = haversine_m(lat, lon, p.lat, p.lon) <= p.radius_km * 1000.0
            out = np.nonzero(~inside)[0]
            self._cross[key] = float(step[out[0]]) if out.size else float(step[-1])
        off = self._cross[key]
        return off if leaving else max(r.length_m - off, 0.0)

    def stay(self, vid: int, at: str, t0: int, t1: int, nav: int = NAV_MOORED) -> Phase:
        """Berth at a port, or be out of the area behind a gate."""
        if not self.is_port(at):
            return Phase(vid, ABSENT, t0, t1, ais_on=False, port_id=at)
        blat, blon = self.g.terminal_point(at)
        ang = self.rng.uniform(0, 2 * np.pi)
        dist = self.rng.uniform(0, BERTH_SCATTER_M)
        lat = blat + np.degrees(dist * np.cos(ang) / 6_371_000.0)
        lon = blon + np.degrees(dist * np.sin(ang) / (6_371_000.0 * np.cos(np.radians(blat))))
        return Phase(
            vid,
            DWELL,
            t0,
            t1,
            lat=float(lat),
            lon=float(lon),
            port_id=at,
            nav_status=nav,
            heading=float(self.rng.uniform(0, 360)),
        )

    def loiter(self, vid: int, t0: int, t1: int, drift: Drift, nav: int, purpose: str) -> Phase:
        lat, lon = drift.position(np.array([t0], dtype=np.float64))
        return Phase(
            vid,
            LOITER,
            t0,
            t1,
            lat=float(lat[0]),
            lon=float(lon[0]),
            nav_status=nav,
            drift=drift,
            purpose=purpose,
        )

    def uniform(self, lo_hi: tuple[float, float]) -> float:
        return float(self.rng.uniform(lo_hi[0], lo_hi[1]))

    # -- generic pattern runner ----------------------------------------------------------
    def run(
        self,
        v: Vessel,
        start_at: str,
        block,  # callable(v, at, t) -> (phases, new_at)
        appointments: list[Appointment],
        next_after_appointment,  # callable(v) -> terminal id
        first_stay_h: float,
    ) -> list[Phase]:
        phases: list[Phase] = []
        at = start_at
        t = self.t_start - int(self.rng.uniform(0, max(first_stay_h, 1.0)) * HOUR)
        first = self.stay(v.vid, at, t, self.t_start + int(self.uniform((0, first_stay_h)) * HOUR))
        phases.append(first)
        t = first.t1
        apps = sorted(appointments, key=lambda a: a.t0)
        while t < self.t_end:
            app = apps[0] if apps else None
            new, new_at = block(v, at, t)
            end = new[-1].t1 if new else t
            if app is not None:
                probe = self.transit(v.vid, at, (app.lat, app.lon), 0, v.cruise_kn)
                if end + probe.t1 + 6 * HOUR > app.t0:
                    # leave the current stay in time (cutting it short if need be)
                    depart = max(phases[-1].t0 + HOUR, app.t0 - probe.t1)
                    if depart + probe.t1 > app.t1 - HOUR:  # cannot make it: skip the meeting
                        apps.pop(0)
                        continue
                    phases[-1].t1 = depart
                    go = self.transit(v.vid, at, (app.lat, app.lon), depart, v.cruise_kn)
                    phases.append(go)
                    phases.append(
                        self.loiter(v.vid, go.t1, app.t1, app.drift, app.nav_status, app.purpose)
                    )
                    phases[-1].group = app.group
                    last = phases[-1]
                    assert last.drift is not None
                    plat, plon = last.drift.position(np.array([float(last.t1)]))
                    nxt = next_after_appointment(v)
                    back = self.transit(
                        v.vid, (float(plat[0]), float(plon[0])), nxt, last.t1, v.cruise_kn
                    )
                    phases.append(back)
                    dwell_h = self.uniform(ROLE_DWELL_H.get(v.role, (12.0, 36.0)))
                    phases.append(self.stay(v.vid, nxt, back.t1, back.t1 + int(dwell_h * HOUR)))
                    at = nxt
                    t = phases[-1].t1
                    apps.pop(0)
                    continue
            if not new:
                break
            phases.extend(new)
            at = new_at
            t = end
        return phases

    # -- roles -----------------------------------------------------------------------------
    def loop_block(self, loop: tuple[str, ...]):
        def block(v: Vessel, at: str, t: int) -> tuple[list[Phase], str]:
            i = loop.index(at) if at in loop else -1
            nxt = loop[(i + 1) % len(loop)]
            tr = self.transit(v.vid, at, nxt, t, v.cruise_kn * self.uniform((0.93, 1.05)))
            if self.is_port(nxt):
                hours = self.uniform(ROLE_DWELL_H[v.role])
                nav = NAV_ANCHOR if (v.role == "bulk" and self.rng.random() < 0.3) else NAV_MOORED
                st = self.stay(v.vid, nxt, tr.t1, tr.t1 + int(hours * HOUR), nav)
            else:
                days = self.uniform(ROLE_AWAY_DAYS.get(v.role, (5.0, 15.0)))
                st = self.stay(v.vid, nxt, tr.t1, tr.t1 + int(days * DAY))
            return [tr, st], nxt

        return block

    def fishing_block(self, grounds: list[Ground], weights: np.ndarray):
        def block(v: Vessel, at: str, t: int) -> tuple[list[Phase], str]:
            ground = grounds[int(self.rng.choice(len(grounds), p=weights))]
            spot = self.fishing_spot(ground)
            out = self.transit(v.vid, at, spot, t, v.cruise_kn * self.uniform((0.9, 1.05)))
            phases = [out]
            tcur = out.t1
            pos = spot
            for k in range(int(self.rng.integers(FISHING_SETS[0], FISHING_SETS[1] + 1))):
                if k:
                    nxt = self.nearby_spot(pos)
                    if nxt is not None:
                        mv = self.transit(v.vid, pos, nxt, tcur, self.uniform(FISHING_SEARCH_KN))
                        phases.append(mv)
                        tcur = mv.t1
                        pos = nxt
                hours = self.uniform(FISHING_SET_H)
                dr = random_drift(self.rng, tcur, pos[0], pos[1], DRIFT_MAX_KN)
                lo = self.loiter(v.vid, tcur, tcur + int(hours * HOUR), dr, NAV_FISHING, "fishing")
                phases.append(lo)
                tcur = lo.t1
                plat, plon = dr.position(np.array([float(tcur)]))
                pos = (float(plat[0]), float(plon[0]))
            back = self.transit(v.vid, pos, v.home, tcur, v.cruise_kn)
            phases.append(back)
            hours = self.uniform(ROLE_DWELL_H["fishing"])
            phases.append(self.stay(v.vid, v.home, back.t1, back.t1 + int(hours * HOUR)))
            return phases, v.home

        return block

    def offshore_point(
        self,
        box: tuple[float, float, float, float],
        shore_km: tuple[float, float],
        tries: int = 8,
        need_coverage: bool = False,
    ) -> tuple[float, float]:
        """A random point in the box at the given distance from shore (away from ports)."""
        lat_min, lat_max, lon_min, lon_max = box
        land = self.g.land
        for _ in range(tries):
            lat = self.rng.uniform(lat_min, lat_max, size=64)
            lon = self.rng.uniform(lon_min, lon_max, size=64)
            d = land.distance_to_shore_km(lat, lon)
            ok = (d >= shore_km[0]) & (d <= shore_km[1]) & ~land.is_land(lat, lon)
            ok &= min_km(lat, lon, _STATION_LAT, _STATION_LON) <= (
                self.s.station_range_km - 10.0 if need_coverage else np.inf
            )
            ok &= min_km(lat, lon, self._port_lat, self._port_lon) >= 30.0
            if ok.any():
                k = int(np.argmax(ok))
                return round(float(lat[k]), 5), round(float(lon[k]), 5)
        raise RuntimeError(f"no offshore point found in {box}")

    def fishing_spot(self, ground: Ground) -> tuple[float, float]:
        """A drifting start point: one of the ground's grid spots, moved by up to 1.5 km."""
        if ground.id not in self._spots:
            self._spots[ground.id] = [
                self.offshore_point(
                    (ground.lat_min, ground.lat_max, ground.lon_min, ground.lon_max),
                    (FISHING_SPOT_SHORE_NM * NM_M / 1000.0, 1e9),
                )
                for _ in range(SPOTS_PER_GROUND)
            ]
        spots = self._spots[ground.id]
        lat, lon = spots[int(self.rng.integers(len(spots)))]
        node = self.g.nearest_node(lat, lon)
        dn, de = self.rng.uniform(-SPOT_JITTER_M, SPOT_JITTER_M, size=2)
        lat = float(self.g.node_lat[node]) + np.degrees(dn / 6_371_000.0)
        lon = float(self.g.node_lon[node]) + np.degrees(
            de / (6_371_000.0 * np.cos(np.radians(lat)))
        )
        return round(float(lat), 5), round(float(lon), 5)

    def nearby_spot(self, pos: tuple[float, float]) -> tuple[float, float] | None:
        """Another drifting start 5-25 km away, still far enough offshore."""
        dist = self.rng.uniform(FISHING_SEARCH_KM[0], FISHING_SEARCH_KM[1], size=16) * 1000.0
        ang = self.rng.uniform(0, 2 * np.pi, size=16)
        lat = pos[0] + np.degrees(dist * np.cos(ang) / 6_371_000.0)
        lon = pos[1] + np.degrees(dist * np.sin(ang) / (6_371_000.0 * np.cos(np.radians(pos[0]))))
        ok = self.g.shore_km_at_least(lat, lon) >= FISHING_SPOT_SHORE_NM * NM_M / 1000.0
        if not ok.any():
            return None
        k = int(np.argmax(ok))
        return round(float(lat[k]), 5), round(float(lon[k]), 5)

    # -- covert shuttle ----------------------------------------------------------------------
    def covert(self, v: Vessel, prof: CovertProfile) -> tuple[list[Phase], list[dict]]:
        s = self.s
        rng = self.rng
        home = prof.destinations[0]
        active = utc_seconds(prof.active_from)
        # Rajin arrival times.
        arrivals: list[tuple[int, int | None]] = []
        t = active + int(rng.uniform(0, 2) * DAY)
        while t < self.t_end + 20 * DAY:
            arrivals.append((t, None))
            t += int(self.uniform(prof.cycle_days) * DAY)
        for day, boxes in prof.anchor_calls:
            ta = utc_seconds(day) + 6 * HOUR
            if ta < active:
                continue
            keep = [a for a in arrivals if abs(a[0] - ta) >= 8 * DAY]
            arrivals = sorted([*keep, (ta, boxes)])
        # a season starting after the shuttle began picks it up mid-cycle
        arrivals = [a for a in arrivals if a[0] >= self.t_start + 2 * DAY]
        phases: list[Phase] = []
        voyages: list[dict] = []
        if not arrivals:  # the shuttle starts after the season: trading elsewhere
            return [self.stay(v.vid, "KOREA_STRAIT", self.t_start - DAY, self.t_end + DAY)], []
        # Before the shuttle starts: out of the area (long) or at the home port (short).
        first_leg_s = 3 * DAY
        if active - self.t_start > 20 * DAY:
            gate = "KOREA_STRAIT"
            enter = self.transit(v.vid, gate, home, 0, v.cruise_kn)
            t_enter = arrivals[0][0] - first_leg_s - enter.t1 - int(2 * DAY)
            phases.append(self.stay(v.vid, gate, self.t_start - DAY, t_enter))
            enter = self.transit(v.vid, gate, home, t_enter, v.cruise_kn)
            phases.append(enter)
            phases.append(self.stay(v.vid, home, enter.t1, enter.t1 + 2 * DAY))
        else:
            phases.append(self.stay(v.vid, home, self.t_start - DAY, self.t_start + DAY))
        at = home
        for k, (arr, fixed_boxes) in enumerate(arrivals):
            speed_in = self.uniform(s.covert_speed_kn)
            dark_trip = rng.random() >= prof.ais_on_trip_share
            leg_in = self.transit(v.vid, at, "RAJIN", 0, speed_in, "dprk")
            depart = arr - (leg_in.t1 - leg_in.t0)
            if depart < phases[-1].t0 + 1 * DAY:
                depart = phases[-1].t0 + 1 * DAY
            phases[-1].t1 = depart
            leg_in = self.transit(v.vid, at, "RAJIN", depart, speed_in, "dprk")
            dark_in = self.uniform(s.covert_dark_nm) * NM_M
            if dark_trip:
                leg_in.dark_from_m = max(0.0, leg_in.route.length_m - dark_in)  # type: ignore[union-attr]
                leg_in.dark_to_m = math.inf
            phases.append(leg_in)
            dwell_r = self.uniform(s.covert_dwell_days) * DAY
            call = self.stay(v.vid, "RAJIN", leg_in.t1, leg_in.t1 + int(dwell_r))
            call.ais_on = not dark_trip
            phases.append(call)
            dest = str(rng.choice(prof.destinations))
            speed_out = self.uniform(s.covert_speed_kn)
            leg_out = self.transit(v.vid, "RAJIN", dest, call.t1, speed_out, "dprk")
            dark_out = self.uniform(s.covert_dark_nm) * NM_M
            if dark_trip:
                leg_out.dark_from_m = 0.0
                leg_out.dark_to_m = min(dark_out, leg_out.route.length_m)  # type: ignore[union-attr]
            phases.append(leg_out)
            dwell_d = self.uniform(s.covert_dwell_days) * DAY
            phases.append(self.stay(v.vid, dest, leg_out.t1, leg_out.t1 + int(dwell_d)))
            boxes = fixed_boxes if fixed_boxes is not None else int(rng.integers(*prof.containers))
            dark_start = _time_at(leg_in, leg_in.dark_from_m) if dark_trip else None
            dark_end = _time_at(leg_out, leg_out.dark_to_m) if dark_trip else None
            voyages.append(
                {
                    "vid": v.vid,
                    "origin_port": "RAJIN",
                    "destination_port": dest,
                    "origin_arrive_ts": call.t0,
                    "depart_ts": call.t1,
                    "arrive_ts": leg_out.t1,
                    "containers_loaded": int(boxes),
                    "ais_off": bool(dark_trip),
                    "dark_start_ts": dark_start,
                    "dark_end_ts": dark_end,
                    "trip": k + 1,
                }
            )
            at = dest
            if call.t0 > self.t_end:
                break
        return phases, voyages


def _time_at(ph: Phase, d_m: float) -> int:
    assert ph.route is not None
    L = ph.route.length_m
    return ph.t0 + round(time_at_scalar(min(d_m, L), L, ph.speed_kn, ph.slow_start, ph.slow_end))


_STATION_LAT = np.array([st.lat for st in STATIONS])
_STATION_LON = np.array([st.lon for st in STATIONS])


def min_km(lat: np.ndarray, lon: np.ndarray, plat: np.ndarray, plon: np.ndarray) -> np.ndarray:
    """Distance (km) from each point to the nearest of a few reference points."""
    return (
        haversine_m(lat[:, None], lon[:, None], plat[None, :], plon[None, :]).min(axis=1) / 1000.0
    )


# -- the whole season ------------------------------------------------------------------------


def role_counts(s: ScenarioSettings, n_background: int) -> dict[str, int]:
    """Split the background fleet by the settings' mix (largest remainder, fixed order)."""
    shares = dict(s.mix)
    total = sum(shares.values())
    raw = {k: n_background * v / total for k, v in shares.items()}
    counts = {k: int(np.floor(x)) for k, x in raw.items()}
    rest = n_background - sum(counts.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - counts[k]), k))[:rest]:
        counts[k] += 1
    return counts


def make_fleet(
    s: ScenarioSettings, rng: np.random.Generator, ports: dict[str, Port]
) -> tuple[list[Vessel], dict[str, list[int]]]:
    """Covert carriers first, then background vessels by role."""
    reserved = {p.mmsi for p in s.covert if p.mmsi}
    ids = IdentityFactory(rng, reserved)
    for p in s.covert:
        if p.imo:
            ids.imos.add(p.imo)
        if p.callsign:
            ids.callsigns.add(p.callsign)
        ids.names.add(p.name)
    vessels: list[Vessel] = []
    by_role: dict[str, list[int]] = {}
    for p in s.covert:
        vid = len(vessels)
        ident = Identity(
            mmsi=p.mmsi or ids.mmsi("RU", prefix=2731),
            imo=p.imo or ids.imo(),
            name=p.name,
            callsign=p.callsign or ids.callsign("RU"),
            flag="RU",
            ship_type=p.ship_type,
            valid_from=s.t0 - 365 * DAY,
        )
        v = Vessel(vid, "covert", "A", p.length_m, p.beam_m, 6.5, 12.0, p.destinations[0], [ident])
        vessels.append(v)
        by_role.setdefault("covert", []).append(vid)
    n_bg = max(s.vessels - len(vessels), 0)
    counts = role_counts(s, n_bg)
    for role in [k for k, _ in s.mix]:
        for _ in range(counts.get(role, 0)):
            vid = len(vessels)
            flags, w = zip(*ROLE_FLAGS[role], strict=True)
            flag = str(rng.choice(flags, p=np.asarray(w) / sum(w)))
            ais_class = "A"
            if role == "fishing" and rng.random() < s.class_b_fishing_share:
                ais_class = "B"
            lo, hi = ROLE_LENGTH_M[role]
            length = float(round(rng.uniform(lo, hi if ais_class == "A" else min(hi, 35.0)), 0))
            beam = float(round(length * rng.uniform(0.14, 0.18), 0))
            draught = float(round(length * rng.uniform(0.045, 0.065), 1))
            cruise = float(round(rng.uniform(*ROLE_SPEED_KN[role]), 1))
            home = ""
            if role == "fishing":
                home = str(rng.choice(FISHING_HOMES[flag]))
            ident = Identity(
                mmsi=ids.mmsi(flag),
                imo=ids.imo() if ais_class == "A" and role != "fishing" else None,
                name=ids.name(flag, role),
                callsign=ids.callsign(flag),
                flag=flag,
                ship_type=SHIP_TYPE[role],
                valid_from=s.t0 - 365 * DAY,
            )
            if role == "fishing" and ais_class == "A" and rng.random() < 0.5:
                ident = Identity(**{**ident.__dict__, "imo": ids.imo()})
            vessels.append(
                Vessel(vid, role, ais_class, length, beam, draught, cruise, home, [ident])
            )
            by_role.setdefault(role, []).append(vid)
    vessels_ids = ids
    _plant_identities(s, rng, vessels, by_role, vessels_ids)
    return vessels, by_role


def _plant_identities(
    s: ScenarioSettings,
    rng: np.random.Generator,
    vessels: list[Vessel],
    by_role: dict[str, list[int]],
    ids: IdentityFactory,
) -> None:
    """A tanker renamed, then reflagged (new MMSI, same IMO); two fishing boats share an MMSI."""
    span = s.t1 - s.t0
    pool = by_role.get("tanker") or by_role.get("bulk") or []
    if pool:
        v = vessels[pool[0]]
        first = v.identities[0]
        if first.flag != "PA":
            first = Identity(
                **{
                    **first.__dict__,
                    "flag": "PA",
                    "mmsi": ids.mmsi("PA"),
                    "callsign": ids.callsign("PA"),
                }
            )
            v.identities[0] = first
        if first.imo is None:
            first = Identity(**{**first.__dict__, "imo": ids.imo()})
            v.identities[0] = first
        t_name = s.t0 + int(span * 0.30)
        t_flag = s.t0 + int(span * 0.55)
        renamed = Identity(
            **{**first.__dict__, "name": ids.name("PA", "tanker"), "valid_from": t_name}
        )
        reflag = Identity(
            **{
                **renamed.__dict__,
                "flag": "SL",
                "mmsi": ids.mmsi("SL"),
                "callsign": ids.callsign("SL"),
                "valid_from": t_flag,
            }
        )
        v.identities = [first, renamed, reflag]
        v.tag = "identity_change"
    fishing_b = [i for i in by_role.get("fishing", []) if vessels[i].ais_class == "B"]
    kr = [i for i in fishing_b if vessels[i].identities[0].flag == "KR"]
    if len(kr) >= 2:
        x, y = vessels[kr[0]], vessels[kr[1]]
        if x.home == y.home:
            others = [h for h in FISHING_HOMES["KR"] if h != x.home]
            y.home = str(rng.choice(others))
        yi = y.identities[0]
        y.identities[0] = Identity(**{**yi.__dict__, "mmsi": x.identities[0].mmsi})
        ids.mmsis.discard(yi.mmsi)
        x.tag = y.tag = "shared_mmsi"


def plan_season(
    s: ScenarioSettings, graph: SeaGraph, ports: dict[str, Port], rng: np.random.Generator
) -> Plan:
    vessels, by_role = make_fleet(s, rng, ports)
    pl = Planner(graph, ports, s, rng)
    apps: dict[int, list[Appointment]] = {}
    encounters: list[dict] = []
    span = s.t1 - s.t0
    margin = int(PLANT_MARGIN_DAYS * DAY)
    taken: set[int] = set()
    identity_vid = next((v.vid for v in vessels if v.tag == "identity_change"), -1)
    shared_vids = _shared_vids(vessels)
    taken.update(shared_vids)
    taken.add(identity_vid)

    def pick(role: str) -> int | None:
        for vid in by_role.get(role, []):
            if vid not in taken:
                taken.add(vid)
                return vid
        return None

    regions = (
        (41.6, 42.4, 131.0, 132.8),  # south of Peter the Great Bay
        (36.6, 38.0, 129.8, 130.5),  # off the Korean east coast
        (38.3, 40.2, 138.6, 139.6),  # off Akita / Sado
        (34.6, 35.8, 129.6, 131.2),  # Korea Strait approaches
    )
    for k in range(s.planted_encounters):
        ra, rb = ENCOUNTER_ROLES[k % len(ENCOUNTER_ROLES)]
        a, b = pick(ra), pick(rb)
        if a is None or b is None:
            continue
        frac = (k + 1) / (s.planted_encounters + 1)
        t0 = s.t0 + margin + int((span - 2 * margin) * frac) + int(rng.uniform(-1, 1) * DAY)
        hours = (
            pl.uniform(ENCOUNTER_HOURS)
            if (ra, rb) != ("tanker", "tanker")
            else pl.uniform((8.0, 14.0))
        )
        t1 = t0 + int(hours * HOUR)
        lat, lon = pl.offshore_point(
            regions[k % len(regions)], MEETING_SHORE_KM, need_coverage=True
        )
        dr = random_drift(rng, t0, lat, lon, DRIFT_MAX_KN * 0.6)
        sep = pl.uniform(ENCOUNTER_SEPARATION_M)
        ang = rng.uniform(0, 2 * np.pi)
        apps.setdefault(a, []).append(Appointment(t0, t1, lat, lon, dr, "encounter", k))
        apps.setdefault(b, []).append(
            Appointment(
                t0,
                t1,
                lat,
                lon,
                dr.with_offset(sep * np.cos(ang), sep * np.sin(ang)),
                "encounter",
                k,
            )
        )
        encounters.append(
            {
                "group": k,
                "vid_a": a,
                "vid_b": b,
                "t0": t0,
                "t1": t1,
                "lat": lat,
                "lon": lon,
                "separation_m": sep,
            }
        )
    for k in range(s.planted_loiterers):
        vid = pick("bulk") or pick("tanker")
        if vid is None:
            continue
        frac = (k + 0.5) / max(s.planted_loiterers, 1)
        t0 = s.t0 + margin + int((span - 2 * margin) * frac) + int(rng.uniform(0, 2) * DAY)
        t1 = t0 + int(pl.uniform(PLANTED_LOITER_HOURS) * HOUR)
        lat, lon = pl.offshore_point(
            regions[(k + 1) % len(regions)], (45.0, 70.0), need_coverage=True
        )
        dr = random_drift(rng, t0, lat, lon, DRIFT_MAX_KN * 0.7)
        apps.setdefault(vid, []).append(Appointment(t0, t1, lat, lon, dr, "waiting", 1000 + k))

    phases: list[list[Phase]] = []
    voyages: list[dict] = []
    covert_profiles = {p.name: p for p in s.covert}
    grounds_cache: dict[str, tuple[list[Ground], np.ndarray]] = {}
    for v in vessels:
        if v.role == "covert":
            ph, vo = pl.covert(v, covert_profiles[v.identities[0].name])
            phases.append(ph)
            voyages.extend(vo)
            continue
        if v.role == "fishing":
            if v.home not in grounds_cache:
                flag_grounds = [g for g in GROUNDS if v.identities[0].flag in g.countries]
                hp = ports[v.home]
                dist = np.array(
                    [
                        haversine_m(
                            hp.lat, hp.lon, (g.lat_min + g.lat_max) / 2, (g.lon_min + g.lon_max) / 2
                        )
                        for g in flag_grounds
                    ]
                )
                w = 1.0 / (dist / 1000.0) ** 2
                grounds_cache[v.home] = (flag_grounds, w / w.sum())
            grounds, w = grounds_cache[v.home]
            block = pl.fishing_block(grounds, w)
            ph = pl.run(v, v.home, block, apps.get(v.vid, []), lambda vv: vv.home, 48.0)
        else:
            loops = LOOPS[v.role]
            loop = loops[int(rng.integers(len(loops)))]
            start_at = loop[int(rng.integers(len(loop)))]
            v.home = loop[0]
            block = pl.loop_block(loop)
            first = (
                ROLE_DWELL_H[v.role][1]
                if pl.is_port(start_at)
                else ROLE_AWAY_DAYS.get(v.role, (5, 10))[1] * 24
            )

            def after(vv: Vessel, loop: tuple[str, ...] = loop) -> str:
                ports_in = [x for x in loop if pl.is_port(x)]
                return ports_in[0] if ports_in else loop[0]

            ph = pl.run(v, start_at, block, apps.get(v.vid, []), after, first)
        phases.append(ph)
    for ph_list in phases:
        for p0, p1 in itertools.pairwise(ph_list):
            if p1.t0 != p0.t1 or p0.t1 < p0.t0:
                raise RuntimeError(f"vessel {p0.vid}: phases overlap or leave a hole at {p0.t1}")
    # identity events and shared MMSI facts for the truth
    identity_events: list[dict] = []
    for v in vessels:
        for before, after_ in zip(v.identities[:-1], v.identities[1:], strict=True):
            for fld in ("name", "flag", "callsign", "imo", "ship_type"):
                b_, a_ = getattr(before, fld), getattr(after_, fld)
                if b_ != a_:
                    identity_events.append(
                        {
                            "vid": v.vid,
                            "field": fld,
                            "before": b_,
                            "after": a_,
                            "ts": after_.valid_from,
                            "mmsi_before": before.mmsi,
                            "mmsi_after": after_.mmsi,
                            "imo": after_.imo,
                        }
                    )
    shared = []
    if len(shared_vids) == 2:
        shared.append({"vids": shared_vids, "mmsi": vessels[shared_vids[0]].identities[0].mmsi})
    return Plan(vessels, phases, voyages, encounters, identity_events, shared, graph, ports)


def _shared_vids(vessels: list[Vessel]) -> list[int]:
    seen: dict[int, int] = {}
    for v in vessels:
        for ident in v.identities:
            if ident.mmsi in seen and seen[ident.mmsi] != v.vid:
                return [seen[ident.mmsi], v.vid]
            seen.setdefault(ident.mmsi, v.vid)
    return []


__all__ = [
    "ABSENT",
    "DWELL",
    "GATES",
    "LOITER",
    "TRANSIT",
    "Phase",
    "Plan",
    "plan_season",
]
