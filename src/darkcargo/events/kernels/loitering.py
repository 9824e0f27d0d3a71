"""Loitering: a vessel moving slower than `max_mean_speed_kn` on average for >= `min_hours`,
at least `min_shore_nm` from shore and never inside a port (GFW's definition).

Distance to shore is the GeoContext's: with the Natural Earth land model, 0 on land and on
inland water (lakes and harbour basins inside the generalised land polygons), so a ship at a
berth on the IJsselmeer is never offshore. Each event names the land layer (`shore_layer`).

Runs are built from consecutive positions of one track whose speed (reported, else implied) is
below the limit, outside every port and at least `min_shore_nm` from shore, with no silence longer
than `max_gap_hours`; a run qualifies when its mean speed (distance over time) is below the limit
and it lasts long enough.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from darkcargo.events.kernels.common import (
    I64,
    NM_KM,
    US_PER_HOUR,
    B,
    EventColumns,
    GeoContext,
    TrackView,
    json_column,
    json_objects,
    slice_evidence,
)
from darkcargo.events.params import LoiteringParams


@numba.njit(cache=True)
def _runs(key: I64, ts: I64, slow: B, max_gap_us: int, min_us: int) -> tuple[I64, I64]:
    n = key.shape[0]
    starts = np.empty(n, np.int64)
    ends = np.empty(n, np.int64)
    nr = 0
    i = 0
    while i < n:
        if not slow[i]:
            i += 1
            continue
        j = i
        while (
            j + 1 < n and slow[j + 1] and key[j + 1] == key[i] and ts[j + 1] - ts[j] <= max_gap_us
        ):
            j += 1
        if ts[j] - ts[i] >= min_us:
            starts[nr] = i
            ends[nr] = j
            nr += 1
        i = j + 1
    return starts[:nr], ends[:nr]


def detect_loitering(
    view: TrackView, geo: GeoContext, params: LoiteringParams, port_margin_km: float = 0.0
) -> EventColumns:
    """One `loitering` event per qualifying slow run (inputs in track order)."""
    events = EventColumns()
    if len(view) < 2:
        return events
    speed = view.speed_kn()
    slow = np.isfinite(speed) & (speed < params.max_mean_speed_kn)
    if geo.port_ids:
        near, dist = view.nearest_port(geo, geo.max_radius_km + port_margin_km)
        inside = near >= 0
        inside[inside] = dist[inside] <= geo.port_radius_km[near[inside]] + port_margin_km
        slow &= ~inside
    gap_us = int(params.max_gap_hours * US_PER_HOUR)
    min_us = int(params.min_hours * US_PER_HOUR)
    starts, ends = _runs(view.key, view.ts, slow, gap_us, min_us)
    if starts.size == 0:
        return events
    # offshore only: positions nearer the shore than min_shore_nm split a run (GFW filters
    # positions, not runs). Shore distance changes no faster than the track moves, so three
    # probes per run settle most runs; the rest get every position measured.
    need_km = params.min_shore_nm * NM_KM
    cum = np.cumsum(view.step_nm) - view.step_nm  # path length from the view's start
    shore, probe = _probe_shore(view, geo, starts, ends)
    margin_km = np.maximum(cum[probe[:, 1]] - cum[probe[:, 0]], cum[probe[:, 2]] - cum[probe[:, 1]])
    margin_km = margin_km * NM_KM / 2.0
    known = np.isfinite(shore).all(axis=1)
    safe = ~known | (shore.min(axis=1) - margin_km >= need_km)
    if not safe.all():
        far = np.ones(len(view), dtype=bool)
        for i, j in zip(starts[~safe].tolist(), ends[~safe].tolist(), strict=True):
            d = geo.shore_distance_km(view.lat[i : j + 1], view.lon[i : j + 1])
            far[i : j + 1] = ~(d < need_km)
        starts, ends = _runs(view.key, view.ts, slow & far, gap_us, min_us)
        if starts.size == 0:
            return events
        shore, probe = _probe_shore(view, geo, starts, ends)
    path_nm = cum[ends] - cum[starts]
    hours = (view.ts[ends] - view.ts[starts]) / US_PER_HOUR
    mean_kn = np.where(hours > 0, path_nm / np.maximum(hours, 1e-9), 0.0)
    keep = mean_kn < params.max_mean_speed_kn
    with np.errstate(invalid="ignore"):
        min_shore = np.where(
            np.isfinite(shore).any(axis=1),
            np.nanmin(np.where(np.isfinite(shore), shore, np.inf), axis=1),
            np.nan,
        )
    i, j = starts[keep], ends[keep]
    if i.size == 0:
        return events
    layer = getattr(geo.shore_km, "layer", None) or None  # the land layer, when it says
    # mean position of each run from prefix sums (runs are disjoint slices of the view)
    clat = np.concatenate(([0.0], np.cumsum(view.lat)))
    clon = np.concatenate(([0.0], np.cumsum(view.lon)))
    count = j - i + 1
    events.extend_arrays(
        "loitering",
        view.mmsi[i],
        view.ts[i],
        view.ts[j],
        lat=(clat[j + 1] - clat[i]) / count,
        lon=(clon[j + 1] - clon[i]) / count,
        end_lat=view.lat[j],
        end_lon=view.lon[j],
        segment_id=view.segment_names_of(i),
        evidence=slice_evidence(view.source_id, view.row_id, i, j),
        details=json_objects(
            {
                "hours": json_column(hours[keep], 3),
                "mean_speed_kn": json_column(mean_kn[keep], 3),
                "min_shore_km": json_column(min_shore[keep], 2),
                "n_positions": json_column(count),
                "shore_layer": json_column([layer] * int(i.size)),
            }
        ),
        confidence=np.ones(i.size),
    )
    return events


def _probe_shore(
    view: TrackView, geo: GeoContext, starts: I64, ends: I64
) -> tuple[npt.NDArray[np.float64], I64]:
    """Distance to shore (km) at the start, middle and end of each run, in one call."""
    frac = np.linspace(0.0, 1.0, 3)
    # rounded within the run, so the probes do not depend on where the run sits in the batch
    step = np.rint(frac[None, :] * (ends - starts)[:, None]).astype(np.int64)
    probe = starts[:, None] + step
    flat = probe.ravel()
    shore = geo.shore_distance_km(view.lat[flat], view.lon[flat]).reshape(probe.shape)
    return shore, probe
