"""AIS gaps: every silence of at least `min_hours` between consecutive positions of one track.

Each gap records where it started and ended, the distance from shore and from the nearest port at
both ends, the implied speed across it, and GFW's "intentional disabling" flag: at least
`disabling_min_hours` long, starting at least `disabling_min_shore_nm` from shore, with good
reception before it (>= `disabling_min_prior_positions` positions in the `disabling_prior_hours`
before). In near-shore mode (sensitive preset) coastal legs qualify too.
"""

from __future__ import annotations

import numpy as np

from darkcargo.events.kernels.common import (
    NM_KM,
    US_PER_HOUR,
    EventColumns,
    GeoContext,
    TrackView,
    evidence_json,
    rounded,
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
    prior = np.empty(starts.size, dtype=np.int64)
    window = int(params.disabling_prior_hours * US_PER_HOUR)
    for k, (i, t0) in enumerate(zip(starts.tolist(), track_start.tolist(), strict=True)):
        prior[k] = i + 1 - (t0 + int(np.searchsorted(view.ts[t0 : i + 1], view.ts[i] - window)))
    coastal = (shore0 < params.coastal_nm * NM_KM) & (shore1 < params.coastal_nm * NM_KM)
    offshore_ok = shore0 >= params.disabling_min_shore_nm * NM_KM
    if params.near_shore_mode:
        offshore_ok = offshore_ok | coastal | ~np.isfinite(shore0)
    disabling = (
        (hours >= params.disabling_min_hours)
        & offshore_ok
        & (prior >= params.disabling_min_prior_positions)
    )
    ids = geo.port_ids
    for k, (i, j) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        events.add(
            "gap",
            view.mmsi[i],
            view.ts[i],
            view.ts[j],
            lat=lat0[k],
            lon=lon0[k],
            end_lat=lat1[k],
            end_lon=lon1[k],
            segment_id=view.segment_name(i),
            evidence=evidence_json(view.source_id[i : j + 1], view.row_id[i : j + 1]),
            details={
                "hours": rounded(hours[k], 3),
                "distance_km": rounded(dist_km[k], 3),
                "implied_speed_kn": rounded(speed_kn[k], 2),
                "start_shore_km": rounded(shore0[k], 2),
                "end_shore_km": rounded(shore1[k], 2),
                "start_port": ids[p0[k]] if p0[k] >= 0 else None,
                "start_port_km": rounded(d0[k], 2),
                "end_port": ids[p1[k]] if p1[k] >= 0 else None,
                "end_port_km": rounded(d1[k], 2),
                "prior_positions": int(prior[k]),
                "coastal_leg": bool(coastal[k]),
                "intentional_disabling": bool(disabling[k]),
            },
            confidence=1.0 if disabling[k] else 0.5,
        )
    return events
