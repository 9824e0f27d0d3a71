"""AIS gaps: every silence of at least `min_hours` between consecutive positions of one track.

Each gap records where it started and ended, the distance from shore and from the nearest port at
both ends, the implied speed across it, and GFW's "intentional disabling" flag: at least
`disabling_min_hours` long, starting at least `disabling_min_shore_nm` from shore, with good
reception before it (>= `disabling_min_prior_positions` positions in the `disabling_prior_hours`
before). In near-shore mode (sensitive preset) coastal legs qualify too.
"""

from __future__ import annotations

import numba
import numpy as np

from darkcargo.events.kernels.common import (
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


def detect_gaps(view: TrackView, geo: GeoContext, params: GapParams) -> EventColumns:
    """One `gap` event per silence >= params.min_hours within a track."""
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
    lat0, lon0, lat1, lon1 = view.lat[starts], view.lon[starts], view.lat[ends], view.lon[ends]
    hours = (view.ts[ends] - view.ts[starts]) / US_PER_HOUR
    dist_km = haversine_m(lat0, lon0, lat1, lon1) / 1000.0
    speed_kn = dist_km / NM_KM / hours
    shore0 = geo.shore_distance_km(lat0, lon0)
    shore1 = geo.shore_distance_km(lat1, lon1)
    p0, d0 = geo.nearest_port(lat0, lon0)
    p1, d1 = geo.nearest_port(lat1, lon1)
    # positions in the prior window, within the same track
    track_start = np.searchsorted(view.key, view.key[starts], side="left")
    prior = _prior_counts(
        view.ts, starts, track_start, int(params.disabling_prior_hours * US_PER_HOUR)
    )
    coastal = (shore0 < params.coastal_nm * NM_KM) & (shore1 < params.coastal_nm * NM_KM)
    offshore_ok = shore0 >= params.disabling_min_shore_nm * NM_KM
    if params.near_shore_mode:
        offshore_ok = offshore_ok | coastal | ~np.isfinite(shore0)
    disabling = (
        (hours >= params.disabling_min_hours)
        & offshore_ok
        & (prior >= params.disabling_min_prior_positions)
    )
    ids = np.asarray((*geo.port_ids, None), dtype=object)  # index -1 -> None
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
                "start_port": json_column(ids[p0].tolist()),
                "start_port_km": json_column(d0, 2),
                "end_port": json_column(ids[p1].tolist()),
                "end_port_km": json_column(d1, 2),
                "prior_positions": json_column(prior),
                "coastal_leg": json_column(coastal),
                "intentional_disabling": json_column(disabling),
            }
        ),
        confidence=np.where(disabling, 1.0, 0.5),
    )
    return events


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
