"""Port calls (GFW port visits): entry within a port's radius, exit beyond radius + hysteresis.

Within a visit, a *stop* is a run of positions at <= `stop_max_kn` that ends at >= `move_min_kn`
(or at the end of the visit), and a *port gap* is a silence >= `gap_hours`. Confidence, as GFW:
1 = a visit seen without entry or exit and without a stop or gap; 2 = entry and exit; 3 = a stop
or gap with entry or exit missing; 4 = entry, stop or gap, and exit.
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
from darkcargo.events.params import PortCallParams


@numba.njit(cache=True)
def _hav_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2.0 * 6371.0088 * math.asin(math.sqrt(min(1.0, max(0.0, a))))


@numba.njit(cache=True)
def _visits(
    key: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    speed: F64,
    near_port: I64,
    near_km: F64,
    port_lat: F64,
    port_lon: F64,
    port_radius: F64,
    hysteresis_km: float,
    stop_max: float,
    move_min: float,
    gap_us: int,
) -> tuple[I64, I64, I64, I64, I64, I64, I64, I64, I64]:
    n = key.shape[0]
    v_port = np.empty(n, np.int64)
    v_first = np.empty(n, np.int64)
    v_last = np.empty(n, np.int64)
    v_entry = np.zeros(n, np.int64)
    v_exit = np.zeros(n, np.int64)
    v_stop = np.zeros(n, np.int64)
    v_gap = np.zeros(n, np.int64)
    v_stop_first = np.full(n, -1, np.int64)
    v_stop_last = np.full(n, -1, np.int64)
    nv = 0
    cur = -1  # port of the open visit
    stopped = False
    for i in range(n):
        new_track = i == 0 or key[i] != key[i - 1]
        if new_track and cur >= 0:
            cur = -1  # previous track ended inside: no exit
        if cur >= 0:
            d = _hav_km(lat[i], lon[i], port_lat[cur], port_lon[cur])
            if d > port_radius[cur] + hysteresis_km:
                v_exit[nv - 1] = 1
                cur = -1
            else:
                v_last[nv - 1] = i
                if ts[i] - ts[i - 1] >= gap_us:
                    v_gap[nv - 1] = 1
                s = speed[i]
                if s == s:
                    if s <= stop_max:
                        if not stopped:
                            stopped = True
                            if v_stop_first[nv - 1] < 0:
                                v_stop_first[nv - 1] = i
                        v_stop[nv - 1] = 1
                        v_stop_last[nv - 1] = i
                    elif s >= move_min:
                        stopped = False
                    elif stopped:
                        v_stop_last[nv - 1] = i
                continue
        if cur < 0:
            p = near_port[i]
            if p >= 0 and near_km[i] <= port_radius[p]:
                cur = p
                v_port[nv] = p
                v_first[nv] = i
                v_last[nv] = i
                v_entry[nv] = 0 if new_track else 1
                stopped = False
                s = speed[i]
                if s == s and s <= stop_max:
                    stopped = True
                    v_stop[nv] = 1
                    v_stop_first[nv] = i
                    v_stop_last[nv] = i
                nv += 1
    return (
        v_port[:nv],
        v_first[:nv],
        v_last[:nv],
        v_entry[:nv],
        v_exit[:nv],
        v_stop[:nv],
        v_gap[:nv],
        v_stop_first[:nv],
        v_stop_last[:nv],
    )


def detect_port_calls(view: TrackView, geo: GeoContext, params: PortCallParams) -> EventColumns:
    """One `port_call` event per visit to a port of `geo` (inputs in track order)."""
    events = EventColumns()
    if len(view) == 0 or len(geo.port_ids) == 0:
        return events
    near, near_km = view.nearest_port(geo, geo.max_radius_km)
    speed = view.speed_kn()
    port, first, last, entry, exit_, stop, gap, s_first, s_last = _visits(
        view.key,
        view.ts,
        view.lat,
        view.lon,
        np.ascontiguousarray(speed),
        near,
        near_km,
        geo.port_lat,
        geo.port_lon,
        geo.port_radius_km,
        params.hysteresis_km,
        params.stop_max_kn,
        params.move_min_kn,
        int(params.gap_hours * US_PER_HOUR),
    )
    both = (entry > 0) & (exit_ > 0)
    halt = (stop > 0) | (gap > 0)
    confidence = np.where(both & halt, 4, np.where(halt, 3, np.where(both, 2, 1)))
    keep = confidence >= params.min_confidence_reported
    i, j = first[keep], last[keep]
    if i.size == 0:
        return events
    clat = np.concatenate(([0.0], np.cumsum(view.lat)))
    clon = np.concatenate(([0.0], np.cumsum(view.lon)))
    count = j - i + 1
    s_first, s_last = s_first[keep], s_last[keep]
    events.extend_arrays(
        "port_call",
        view.mmsi[i],
        view.ts[i],
        view.ts[j],
        lat=(clat[j + 1] - clat[i]) / count,
        lon=(clon[j + 1] - clon[i]) / count,
        end_lat=view.lat[j],
        end_lon=view.lon[j],
        port_id=[geo.port_ids[k] for k in port[keep].tolist()],
        segment_id=view.segment_names_of(i),
        evidence=slice_evidence(view.source_id, view.row_id, i, j),
        details=json_objects(
            {
                "entry": json_column(entry[keep] > 0),
                "exit": json_column(exit_[keep] > 0),
                "stop": json_column(stop[keep] > 0),
                "port_gap": json_column(gap[keep] > 0),
                "hours": json_column((view.ts[j] - view.ts[i]) / US_PER_HOUR, 3),
                "stop_start": json_column(_iso_or_none(view.ts, s_first)),
                "stop_end": json_column(_iso_or_none(view.ts, s_last)),
            }
        ),
        confidence=confidence[keep].astype(np.float64),
    )
    return events


def _iso_or_none(ts: I64, rows: I64) -> list[str | None]:
    """ISO seconds of ts[rows], None where rows < 0."""
    iso = np.asarray(ts[np.maximum(rows, 0)], dtype="datetime64[us]").astype("datetime64[s]")
    text = iso.astype(str).tolist()
    return [t if r >= 0 else None for t, r in zip(text, rows.tolist(), strict=True)]
