"""Stops: stationary periods anywhere (berths, anchorages, a home mooring), at a listed port or not.

A stop begins at a position and lasts while the track's positions stay within `max_radius_km` of
it (GFW's stationary periods, from which it builds anchorages), with no silence longer than
`max_gap_hours` (the vessel may have left). Up to `stray_max_positions` fixes off the spot followed
by one back on it within `stray_max_hours` are strays, not a departure (a longer time off the
spot is a trip away, which a thinned track may show as a fix or two). A stop lasts at least
`min_hours` and its median reported speed is at most `max_median_speed_kn` (not a vessel working
in circles). It is placed at its median position and names the nearest port and its distance
(`nearest_port`, `nearest_port_km`, whatever the distance), and sets `port_id` only when it lies
inside that port's zone (radius + `in_port_km`).

Confidence, 0-1: how much of the stop is directly observed, from its longest silence: 1.0 when
densely reported, falling linearly to 0.5 when a silence of `max_gap_hours` lies inside it.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from darkcargo.events.kernels.common import (
    F64,
    I64,
    US_PER_HOUR,
    EventColumns,
    GeoContext,
    TrackView,
    json_column,
    json_objects,
    slice_evidence,
)
from darkcargo.events.params import StopParams


@numba.njit(cache=True)
def _within(lat0: float, lon0: float, coslat: float, lat: float, lon: float, r_km: float) -> bool:
    """Whether (lat, lon) lies within r_km of (lat0, lon0) (equirectangular: exact to < 0.1% at
    the sub-kilometre radii used here)."""
    dy = (lat - lat0) * 111.195
    dlon = lon - lon0
    if dlon > 180.0:
        dlon -= 360.0
    elif dlon < -180.0:
        dlon += 360.0
    dx = dlon * 111.195 * coslat
    return dx * dx + dy * dy <= r_km * r_km


@numba.njit(cache=True)
def _stops(
    key: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    speed: F64,
    r_km: float,
    min_us: int,
    max_gap_us: int,
    stray_max: int,
    stray_us: int,
) -> tuple[I64, I64, I64, F64, F64, F64]:
    """First and last position of each stationary period, its longest silence (µs), and its
    median latitude, longitude and speed (NaN speeds left out)."""
    n = key.shape[0]
    first = np.empty(n, np.int64)
    last = np.empty(n, np.int64)
    silence = np.empty(n, np.int64)
    mlat = np.empty(n, np.float64)
    mlon = np.empty(n, np.float64)
    msog = np.empty(n, np.float64)
    away_us = min(max_gap_us, stray_us)  # the longest time off the spot that strays may take
    ns = 0
    i = 0
    while i < n:
        if lat[i] != lat[i] or lon[i] != lon[i]:
            i += 1
            continue
        c = math.cos(math.radians(lat[i]))
        b = i
        longest = 0
        j = i + 1
        far = False  # the run ended on a position off the spot (not a silence or a new track)
        while j < n and key[j] == key[i] and ts[j] - ts[b] <= max_gap_us:
            if _within(lat[i], lon[i], c, lat[j], lon[j], r_km):
                longest = max(longest, ts[j] - ts[b])
                b = j
                j += 1
                continue
            m = j + 1
            back = -1
            while m < n and key[m] == key[i] and m - j <= stray_max and ts[m] - ts[b] <= away_us:
                if _within(lat[i], lon[i], c, lat[m], lon[m], r_km):
                    back = m
                    break
                m += 1
            if back < 0:
                far = True
                break
            longest = max(longest, ts[back] - ts[b])
            b = back
            j = back + 1
        if ts[b] - ts[i] >= min_us:
            first[ns] = i
            last[ns] = b
            silence[ns] = longest
            mlat[ns] = np.median(lat[i : b + 1])
            mlon[ns] = np.median(lon[i : b + 1])
            sp = speed[i : b + 1]
            sp = sp[np.isfinite(sp)]
            msog[ns] = np.median(sp) if sp.size else np.nan
            ns += 1
            i = b + 1
        elif far:
            i += 1  # a later start may hold still longer
        else:
            i = b + 1  # every later start in this run ends where this one did
    return first[:ns], last[:ns], silence[:ns], mlat[:ns], mlon[:ns], msog[:ns]


def detect_stops(
    view: TrackView, geo: GeoContext, params: StopParams, in_port_km: float = 0.0
) -> EventColumns:
    """One `stop` event per stationary period (inputs in track order)."""
    events = EventColumns()
    if len(view) < 2:
        return events
    first, last, silence, mlat, mlon, msog = _stops(
        view.key,
        view.ts,
        view.lat,
        view.lon,
        np.ascontiguousarray(view.speed_kn()),
        params.max_radius_km,
        int(params.min_hours * US_PER_HOUR),
        int(params.max_gap_hours * US_PER_HOUR),
        params.stray_max_positions,
        int(params.stray_max_hours * US_PER_HOUR),
    )
    if first.size == 0:
        return events
    keep = ~(msog > params.max_median_speed_kn)
    if not keep.any():
        return events
    i, j = first[keep], last[keep]
    mlat, mlon, msog, silence = mlat[keep], mlon[keep], msog[keep], silence[keep]
    port, port_km = geo.nearest_port(mlat, mlon)
    ids = np.asarray((*geo.port_ids, None), dtype=object)  # index -1 -> None
    zone = np.append(geo.port_radius_km, -1.0) + in_port_km
    inside = port_km <= zone[port]
    hours = (view.ts[j] - view.ts[i]) / US_PER_HOUR
    longest_h = silence / US_PER_HOUR
    confidence = np.round(
        1.0 - 0.5 * np.clip(longest_h / max(params.max_gap_hours, 1e-9), 0.0, 1.0), 2
    )
    events.extend_arrays(
        "stop",
        view.mmsi[i],
        view.ts[i],
        view.ts[j],
        lat=mlat,
        lon=mlon,
        end_lat=view.lat[j],
        end_lon=view.lon[j],
        port_id=[
            p if ok else None for p, ok in zip(ids[port].tolist(), inside.tolist(), strict=True)
        ],
        segment_id=view.segment_names_of(i),
        evidence=slice_evidence(view.source_id, view.row_id, i, j),
        details=json_objects(
            {
                "hours": json_column(hours, 3),
                "n_positions": json_column(j - i + 1),
                "nearest_port": json_column(ids[port].tolist()),
                "nearest_port_km": json_column(port_km, 2),
                "in_port": json_column(inside),
                "shore_km": json_column(geo.shore_distance_km(mlat, mlon), 2),
                "median_speed_kn": json_column(msog, 2),
                "longest_silence_hours": json_column(longest_h, 2),
            }
        ),
        confidence=confidence,
    )
    return events
