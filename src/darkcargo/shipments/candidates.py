"""Where a silent vessel could have called: windows of silence and the ports reachable in them.

A window is a gap (AIS off, then on again) or, for radar-only trips, the time around a dark
radar target at a watched port when a vessel of its length was silent (open-ended when the
vessel never reported before or after). A candidate is a (window, watched port) pair the vessel
could reach, stay at for the minimum dwell and leave in time, by SEA distance at its top speed:
screened first with the cached distance field (a lower bound), then routed exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from darkcargo.config import Port
from darkcargo.geo.distance import bearing_deg, haversine_m
from darkcargo.shipments.evidence import Silences
from darkcargo.shipments.kernels import at_port_possible, reachable, stay_window
from darkcargo.shipments.params import InferParams
from darkcargo.shipments.router import SeaLeg, SeaRouter

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
OPEN_LO = -(2**62)  # the earliest time (queries over every time)
OPEN_HI = 2**62  # the latest
HEADING_PROBE_M = 10_000.0  # course to a port = bearing to the point this far along its route


@dataclass
class Windows:
    """Silences to search, one row each (gaps first, then radar-only windows)."""

    source: list[str]  # the gap's event_id, or "radar:" + the target's id
    kind: list[str]  # gap | radar
    mmsi: I64
    t0: I64
    t1: I64
    lat0: F64
    lon0: F64
    lat1: F64
    lon1: F64
    sog0: F64
    cog0: F64
    sog1: F64
    cog1: F64
    draught0: F64
    draught1: F64
    off_port: list[str | None]
    on_port: list[str | None]
    starts_in_port: npt.NDArray[np.bool_]
    ends_in_port: npt.NDArray[np.bool_]
    radar_target: I64  # index into the radar targets (radar windows), else -1

    def __len__(self) -> int:
        return len(self.source)

    @classmethod
    def from_silences(cls, s: Silences) -> Windows:
        n = len(s)
        return cls(
            list(s.event_id), ["gap"] * n, s.mmsi, s.t0, s.t1, s.lat0, s.lon0, s.lat1, s.lon1,
            s.sog0, s.cog0, s.sog1, s.cog1, s.draught0, s.draught1, list(s.off_port),
            list(s.on_port), s.starts_in_port, s.ends_in_port, np.full(n, -1, np.int64),
        )  # fmt: skip

    def extend(self, rows: list[dict]) -> None:
        """Append radar-only windows (dicts with the same keys; missing numbers are nan)."""
        if not rows:
            return
        for name in ("source", "kind", "off_port", "on_port"):
            getattr(self, name).extend(r.get(name) for r in rows)
        for name in ("mmsi", "t0", "t1", "radar_target"):
            setattr(self, name, np.concatenate((getattr(self, name), [int(r[name]) for r in rows])))
        for name in ("lat0", "lon0", "lat1", "lon1", "sog0", "cog0", "sog1", "cog1",
                     "draught0", "draught1"):  # fmt: skip
            vals = [np.nan if r.get(name) is None else float(r[name]) for r in rows]
            setattr(self, name, np.concatenate((getattr(self, name), vals)))
        for name in ("starts_in_port", "ends_in_port"):
            setattr(self, name, np.concatenate((getattr(self, name), [False] * len(rows))))


@dataclass
class Candidates:
    """(window, port) pairs within reach by sea, one row each."""

    w: I64  # window index
    p: I64  # watched-port index
    d_in: F64  # sea distance from where AIS went off to the port (0 for an open start)
    d_out: F64  # ... and from the port to where it came back
    legs_in: list[SeaLeg]
    legs_out: list[SeaLeg]  # port first
    bearing_off: F64  # the route's course leaving the point where AIS went off (nan: none)
    bearing_on: F64  # the route's course arriving where AIS came back
    arrive_top: I64  # earliest arrival / latest departure at top speed
    depart_top: I64
    arrive_typ: I64  # ... at the typical speed
    depart_typ: I64
    fits_typical: npt.NDArray[np.bool_]  # the stay fits at the typical speed too

    def __len__(self) -> int:
        return len(self.w)


@dataclass
class SearchStats:
    windows: int = 0
    pairs: int = 0  # window x watched port
    screened_out: int = 0  # rejected by the distance field's lower bound
    routed: int = 0  # routed exactly
    rejected_by_sea: int = 0  # within reach by great circle but not by sea
    excluded_same_port: int = 0  # the silence began or ended in the port itself
    notes: list[str] = field(default_factory=list)


def _along(leg: SeaLeg, s_m: float) -> tuple[float, float]:
    """The point s_m along a leg's polyline (its end when shorter)."""
    lat, lon = leg.lat, leg.lon
    if lat.size < 2:
        return float(lat[-1]), float(lon[-1])
    seg = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    s = min(s_m, float(cum[-1]))
    k = int(np.clip(np.searchsorted(cum, s, "right") - 1, 0, len(seg) - 1))
    f = 0.0 if seg[k] <= 0 else (s - cum[k]) / seg[k]
    return float(lat[k] + (lat[k + 1] - lat[k]) * f), float(lon[k] + (lon[k + 1] - lon[k]) * f)


def _course(leg: SeaLeg, towards: bool) -> float:
    """Course along a leg at its first point: away from the point (towards=True, the route
    the vessel would take after AIS went off) or into it (towards=False, arriving there)."""
    if not leg.reachable or leg.lat.size < 2:
        return float("nan")
    probe = min(HEADING_PROBE_M, leg.length_m / 2.0)
    qlat, qlon = _along(leg, probe)
    lat, lon = float(leg.lat[0]), float(leg.lon[0])
    if towards:
        return float(bearing_deg(lat, lon, qlat, qlon))
    return float(bearing_deg(qlat, qlon, lat, lon))


NO_LEG = SeaLeg(0.0, np.zeros(0), np.zeros(0))


def in_port(
    win: Windows, ports: list[Port], margin_km: float
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(windows, ports): whether each window's start, and its end, lies in the port (within its
    radius + margin_km), measured here rather than read from the gap's details."""
    plat = np.array([p.lat for p in ports])
    plon = np.array([p.lon for p in ports])
    zone = (np.array([p.radius_km for p in ports]) + margin_km) * 1000.0
    out = []
    for lat, lon in ((win.lat0, win.lon0), (win.lat1, win.lon1)):
        d = haversine_m(np.nan_to_num(lat)[:, None], np.nan_to_num(lon)[:, None], plat, plon)
        out.append((d <= zone) & np.isfinite(lat)[:, None])
    return out[0], out[1]


def search(
    win: Windows,
    router: SeaRouter,
    ports: list[Port],
    top_kn: F64,
    typical_kn: F64,
    params: InferParams,
    radar_port: I64,
    radar_ts: I64,
) -> tuple[Candidates, SearchStats]:
    """Every (window, watched port) the vessel could reach by sea within the window.

    Gap windows try every watched port except the one the silence began or ended in (that stay
    is the observed call); radar windows try the target's port, which the vessel must be able to
    reach by the image time and leave in time for its next fix.
    """
    rp = params.reach
    stats = SearchStats(windows=len(win))
    n = len(win)
    pidx = np.array([router.port_index(p.id) for p in ports], dtype=np.int64)
    has0 = np.isfinite(win.lat0)
    has1 = np.isfinite(win.lat1)
    node0, snap0 = router.locate(
        np.where(has0, win.lat0, 0), np.where(has0, win.lon0, 0), rp.max_snap_km
    )
    node1, snap1 = router.locate(
        np.where(has1, win.lat1, 0), np.where(has1, win.lon1, 0), rp.max_snap_km
    )
    node0[~has0] = -1
    node1[~has1] = -1
    lb0 = router.lower_bounds(node0, snap0, np.nan_to_num(win.lat0), np.nan_to_num(win.lon0))[
        :, pidx
    ]
    lb1 = router.lower_bounds(node1, snap1, np.nan_to_num(win.lat1), np.nan_to_num(win.lon1))[
        :, pidx
    ]
    # open ends: no distance to cover on that side
    lb0[~has0] = 0.0
    lb1[~has1] = 0.0
    is_gap = np.array([k == "gap" for k in win.kind], dtype=bool)
    gw, gp = np.nonzero(np.ones((n, len(ports)), dtype=bool))
    stats.pairs = int(is_gap.sum()) * len(ports)
    ok = np.where(
        is_gap[gw],
        reachable(win.t0[gw], win.t1[gw], lb0[gw, gp], lb1[gw, gp], top_kn[gw], rp.min_dwell_hours),
        (radar_port[gw] == gp)
        & at_port_possible(
            radar_ts[gw], win.t0[gw], win.t1[gw], lb0[gw, gp], lb1[gw, gp], top_kn[gw]
        ),
    )
    stats.screened_out = int((~ok & is_gap[gw]).sum())
    # the port where the silence began or ended: that stay is the observed call, not a dark one
    ids = np.array([p.id for p in ports], dtype=object)
    off = np.array(win.off_port, dtype=object)
    on = np.array(win.on_port, dtype=object)
    ow, op = gw[ok], gp[ok]
    in0, in1 = in_port(win, ports, rp.in_port_km)
    same = (
        (win.starts_in_port[ow] & (off[ow] == ids[op]))
        | (win.ends_in_port[ow] & (on[ow] == ids[op]))
        | in0[ow, op]
        | in1[ow, op]
    )
    stats.excluded_same_port = int(same.sum())
    cw, cp = gw[ok][~same], gp[ok][~same]
    legs_in: list[SeaLeg] = []
    legs_out: list[SeaLeg] = []
    d_in = np.zeros(len(cw))
    d_out = np.zeros(len(cw))
    for k, (w, p) in enumerate(zip(cw.tolist(), cp.tolist(), strict=True)):
        pid = ports[p].id
        a = (
            router.point_route(float(win.lat0[w]), float(win.lon0[w]), int(node0[w]), pid)
            if has0[w]
            else NO_LEG
        )
        b = (
            router.point_route(float(win.lat1[w]), float(win.lon1[w]), int(node1[w]), pid)
            if has1[w]
            else NO_LEG
        )
        legs_in.append(a)
        legs_out.append(b)
        d_in[k], d_out[k] = a.length_m, b.length_m
        stats.routed += 1
    top = top_kn[cw]
    t0, t1 = win.t0[cw], win.t1[cw]
    gap_rows = is_gap[cw]
    fits = np.where(
        gap_rows,
        reachable(t0, t1, d_in, d_out, top, rp.min_dwell_hours),
        at_port_possible(radar_ts[cw], t0, t1, d_in, d_out, top),
    )
    stats.rejected_by_sea = int((~fits).sum())
    keep = np.flatnonzero(fits)
    cw, cp = cw[keep], cp[keep]
    d_in, d_out = d_in[keep], d_out[keep]
    legs_in = [legs_in[k] for k in keep]
    legs_out = [legs_out[k] for k in keep]
    t0, t1 = win.t0[cw], win.t1[cw]
    a_top, b_top = stay_window(t0, t1, d_in, d_out, top_kn[cw])
    a_typ, b_typ = stay_window(t0, t1, d_in, d_out, typical_kn[cw])
    fits_typ = np.where(
        is_gap[cw],
        reachable(t0, t1, d_in, d_out, typical_kn[cw], rp.min_dwell_hours),
        at_port_possible(radar_ts[cw], t0, t1, d_in, d_out, typical_kn[cw]),
    )
    return (
        Candidates(
            w=cw.astype(np.int64),
            p=cp.astype(np.int64),
            d_in=d_in,
            d_out=d_out,
            legs_in=legs_in,
            legs_out=legs_out,
            bearing_off=np.array([_course(leg, True) for leg in legs_in]),
            bearing_on=np.array([_course(leg, False) for leg in legs_out]),
            arrive_top=a_top,
            depart_top=b_top,
            arrive_typ=a_typ,
            depart_typ=b_typ,
            fits_typical=np.asarray(fits_typ, dtype=bool),
        ),
        stats,
    )
