"""AIS gaps: every silence of at least `min_hours` between consecutive positions of one track
that a ship could cross (below the spoof detector's `max_speed_kn`; a faster one is a wrong
position, which that detector reports).

Each gap records where AIS went off and where it came back: the nearest port and its distance at
each end (`off_port`, `off_port_km`, `on_port`, `on_port_km`; null beyond `name_port_within_km`),
whether it began or ended inside a
port's zone (radius + the port-call hysteresis: `starts_in_port`, `ends_in_port`), the distance
from shore at both ends, the implied speed across it, and the case's watched ports the vessel
could have reached, stayed at for `reach_min_dwell_hours` and left within the silence
(`reachable_ports`, nearest detour first): great-circle distances at `reach_max_speed_kn`, so an
upper bound (sea routes are longer; a port listed may still be out of reach, one not listed is).

GFW's "intentional disabling" flag: at least `disabling_min_hours` long, starting at least
`disabling_min_shore_nm` from shore, with good reception before it (>=
`disabling_min_prior_positions` positions in the `disabling_prior_hours` before). In near-shore
mode (sensitive preset) coastal legs qualify too.

Confidence, 0-1, that the silence is the transmitter switched off rather than a reception hole:
1.0 = every "intentional disabling" condition holds; 0.5 = long enough, but reception before it
was poor or it began near shore (outside near-shore mode); 0.25 = shorter than
`disabling_min_hours` (as likely a hole in coverage); 0.1 = the track reports this rarely
anyway (`sparse_track`: at most `sparse_max_prior_positions` positions, the gap's start
included, in the `disabling_prior_hours` before it, as a satellite feed with a fix or two a day
gives), so the silence is how the source samples it.
"""

from __future__ import annotations

import numba
import numpy as np

from darkcargo.events.kernels.common import (
    F64,
    I64,
    NM_KM,
    US_PER_HOUR,
    EventColumns,
    GeoContext,
    TrackView,
    json_column,
    json_objects,
    slice_evidence,
)
from darkcargo.events.params import GapParams
from darkcargo.geo.distance import haversine_m


def detect_gaps(
    view: TrackView,
    geo: GeoContext,
    params: GapParams,
    in_port_km: float = 0.0,
    max_speed_kn: float = np.inf,
) -> EventColumns:
    """One `gap` event per silence >= params.min_hours within a track; an end lies in port when
    within its nearest port's radius + `in_port_km`. A silence crossed faster than
    `max_speed_kn` (the spoof detector's threshold) is no gap: a position there is wrong (a
    jump out and back, 17,000 km in 12 h), which the spoof detector reports."""
    events = EventColumns()
    n = len(view)
    if n < 2:
        return events
    dt = view.ts[1:] - view.ts[:-1]
    same = view.key[1:] == view.key[:-1]
    starts = np.flatnonzero(same & (dt >= params.min_hours * US_PER_HOUR))
    if starts.size == 0:
        return events
    ends = starts + 1
    hours = (view.ts[ends] - view.ts[starts]) / US_PER_HOUR
    dist_km = (
        haversine_m(view.lat[starts], view.lon[starts], view.lat[ends], view.lon[ends]) / 1000.0
    )
    speed_kn = dist_km / NM_KM / hours
    crossable = ~(speed_kn > max_speed_kn)
    if not crossable.all():
        starts, ends = starts[crossable], ends[crossable]
        hours, dist_km, speed_kn = hours[crossable], dist_km[crossable], speed_kn[crossable]
        if starts.size == 0:
            return events
    lat0, lon0, lat1, lon1 = view.lat[starts], view.lon[starts], view.lat[ends], view.lon[ends]
    shore0 = geo.shore_distance_km(lat0, lon0)
    shore1 = geo.shore_distance_km(lat1, lon1)
    # the nearest port names an end only when it is near: "10,948 km from Vostochny" says
    # nothing (a case file's ports can be an ocean away from a gap in other data)
    p0, d0 = geo.nearest_port(lat0, lon0, within_km=params.name_port_within_km)
    p1, d1 = geo.nearest_port(lat1, lon1, within_km=params.name_port_within_km)
    d0 = np.where(p0 >= 0, d0, np.nan)
    d1 = np.where(p1 >= 0, d1, np.nan)
    # positions in the prior window, within the same track
    track_start = np.searchsorted(view.key, view.key[starts], side="left")
    prior = _prior_counts(
        view.ts, starts, track_start, int(params.disabling_prior_hours * US_PER_HOUR)
    )
    coastal = (shore0 < params.coastal_nm * NM_KM) & (shore1 < params.coastal_nm * NM_KM)
    offshore_ok = shore0 >= params.disabling_min_shore_nm * NM_KM
    if params.near_shore_mode:
        offshore_ok = offshore_ok | coastal | ~np.isfinite(shore0)
    long_enough = hours >= params.disabling_min_hours
    disabling = long_enough & offshore_ok & (prior >= params.disabling_min_prior_positions)
    sparse = prior <= params.sparse_max_prior_positions
    ids = np.asarray((*geo.port_ids, None), dtype=object)  # index -1 -> None
    zone = np.append(geo.port_radius_km, -1.0) + in_port_km  # index -1 -> never inside
    reach = reachable_ports(lat0, lon0, lat1, lon1, hours, geo, params)
    events.extend_arrays(
        "gap",
        view.mmsi[starts],
        view.ts[starts],
        view.ts[ends],
        lat=lat0,
        lon=lon0,
        end_lat=lat1,
        end_lon=lon1,
        segment_id=view.segment_names_of(starts),
        evidence=slice_evidence(view.source_id, view.row_id, starts, ends),
        details=json_objects(
            {
                "hours": json_column(hours, 3),
                "distance_km": json_column(dist_km, 3),
                "implied_speed_kn": json_column(speed_kn, 2),
                "start_shore_km": json_column(shore0, 2),
                "end_shore_km": json_column(shore1, 2),
                "off_port": json_column(ids[p0].tolist()),
                "off_port_km": json_column(d0, 2),
                "on_port": json_column(ids[p1].tolist()),
                "on_port_km": json_column(d1, 2),
                "starts_in_port": json_column(d0 <= zone[p0]),
                "ends_in_port": json_column(d1 <= zone[p1]),
                "reachable_ports": json_column(reach),
                "prior_positions": json_column(prior),
                "coastal_leg": json_column(coastal),
                "intentional_disabling": json_column(disabling),
                "sparse_track": json_column(sparse),
            }
        ),
        confidence=np.where(
            disabling, 1.0, np.where(sparse, 0.1, np.where(long_enough, 0.5, 0.25))
        ),
    )
    return events


def reachable_ports(
    lat0: F64, lon0: F64, lat1: F64, lon1: F64, hours: F64, geo: GeoContext, params: GapParams
) -> list[list[str]]:
    """Per gap, the watched ports of `geo` reachable from the gap's start, with a stay of
    `reach_min_dwell_hours` and back to its end within its duration, great-circle at
    `reach_max_speed_kn` (an upper bound: sea routes are longer); shortest detour first."""
    n = lat0.shape[0]
    watched = geo.port_watched
    if watched is None or not watched.any() or n == 0:
        return [[] for _ in range(n)]
    w = np.flatnonzero(watched)
    plat, plon = geo.port_lat[w], geo.port_lon[w]
    d_off = haversine_m(lat0[:, None], lon0[:, None], plat[None, :], plon[None, :])
    d_on = haversine_m(plat[None, :], plon[None, :], lat1[:, None], lon1[:, None])
    detour_nm = (d_off + d_on) / 1852.0
    need_h = detour_nm / params.reach_max_speed_kn + params.reach_min_dwell_hours
    ok = need_h <= hours[:, None]
    order = np.argsort(np.where(ok, detour_nm, np.inf), axis=1, kind="stable")
    ids = np.asarray(geo.port_ids, dtype=object)[w]
    counts = ok.sum(axis=1).tolist()
    return [ids[order[g, :c]].tolist() for g, c in enumerate(counts)]


@numba.njit(cache=True)
def _prior_counts(ts: I64, starts: I64, track_start: I64, window: int) -> I64:
    """Positions of the same track within `window` before (and including) each start."""
    out = np.empty(starts.shape[0], np.int64)
    for k in range(starts.shape[0]):
        i = starts[k]
        lo, hi = track_start[k], i + 1
        t0 = ts[i] - window
        while lo < hi:  # first index with ts >= t0
            mid = (lo + hi) // 2
            if ts[mid] < t0:
                lo = mid + 1
            else:
                hi = mid
        out[k] = i + 1 - lo
    return out
