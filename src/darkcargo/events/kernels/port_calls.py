"""Port calls: stays at a port, proven by a stop or by AIS going off in port; else presences.

*Episodes* are runs of consecutive positions of one track inside some port's zone (its radius
plus `hysteresis_km`, GFW's enter-at-3-km, leave-beyond-4-km). Up to `stray_max_positions` fixes
outside every zone, for at most `stray_max_hours`, then back inside are strays and do not end an
episode; a silence of `gap_hours` or more after which the vessel reappears at another port does,
and so does a fix in another port's zone that lies out of this port's (the vessel moved on, even
when a thinned track has no fix between the two zones).

Within an episode, a stay is proven by
- a *stop*: from a speed <= `stop_max_kn` until one >= `move_min_kn` (GFW), at least two positions
  spanning at least `stop_min_hours`; or
- *AIS off in port*: a silence >= `gap_hours` that begins at a fix at <= `ais_off_max_kn`
  (harbour speed), or that ends at a fix stopped (<= `stop_max_kn`) in the same port's zone
  whatever the speed before it (it came in and was found at a berth), and is longer, by at
  least `gap_hours`, than the great-circle trip to the next fix takes at `leave_max_speed_kn`
  (a vessel that could simply have sailed on did not stay). Only a silence that begins
  stopped is a strong proof.
  A *sparse* track, with at most `sparse_max_prior_positions` positions in the
  `sparse_prior_hours` before the silence (its last fix included: a satellite feed's fix or two
  a day, or a track thinned where the ship lay still), is silent between fixes as a rule: there
  the silence counts only after a fix at <= `stop_max_kn`, never as a strong proof, and the
  call says `sparse_track`.

Each proof is placed at the port nearest its median position, if within that port's radius plus
`stay_tolerance_km`. Consecutive proofs at one port make one call, which spans the episode from
entry to exit (split only where proofs move to another port): a stray fix, or a berth between two
ports' reference points, neither splits nor loses a stay. A call whose episode ends with AIS off
in port spans the silence: it ends at `left_before` (the next fix's time minus the great-circle
trip at `leave_max_speed_kn`; an upper bound only if the vessel sails no faster), and its details
say so (`ais_off_in_port`, `left_after` = last fix in port, `left_before`, `departure`).

An episode with a fix inside a port's radius but no proof of a stay (one fix, or passing through)
is a `port_presence` observation (when `report_presence`), never a call.

Confidence, 0-1. port_call: 0.5 = a stay is proven; +0.25 when the proof is strong (a stop, or AIS
went off while stopped at <= `stop_max_kn`); +0.25 when both the entry and the exit are seen (a
departure bounded by a later fix elsewhere counts as an exit). GFW's levels map as 4 -> 1.0,
3 -> 0.75. A call holding a silence longer than `max_silence_hours`, between its fixes or before
an unseen departure, scores 0.5 whatever its proofs: the vessel may have left and come back, or
left long before the bound (`long_silence`; `observed_hours` leaves out the silences of
`gap_hours` or more). port_presence: always 0.25 (seen there, no stay shown).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from darkcargo.events.kernels.common import (
    F64,
    I64,
    US_PER_HOUR,
    B,
    EventColumns,
    GeoContext,
    TrackView,
    json_column,
    json_objects,
    slice_evidence,
)
from darkcargo.events.params import PortCallParams
from darkcargo.geo.distance import haversine_m

PRESENCE_CONFIDENCE = 0.25
KIND_STOP = 0
KIND_SILENCE = 1


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
def _at_port_of(
    k: int,
    b: int,
    lat: F64,
    lon: F64,
    near: I64,
    inzone: B,
    port_lat: F64,
    port_lon: F64,
    zone_km: F64,
) -> bool:
    """Whether position k is still at the port of position b: inside some port's zone, and
    that is b's port or a zone overlapping it where k lies inside b's port's zone too."""
    if not inzone[k]:
        return False
    p = near[b]
    if near[k] == p:
        return True
    return _hav_km(lat[k], lon[k], port_lat[p], port_lon[p]) <= zone_km[p]


@numba.njit(cache=True)
def _episodes(
    key: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    near: I64,
    inzone: B,
    gap_us: int,
    stray_max: int,
    stray_us: int,
    same_place_km: float,
    port_lat: F64,
    port_lon: F64,
    zone_km: F64,
) -> tuple[I64, I64]:
    """First and last position of each episode (runs inside port zones, strays tolerated)."""
    n = key.shape[0]
    first = np.empty(n, np.int64)
    last = np.empty(n, np.int64)
    ne = 0
    i = 0
    while i < n:
        if not inzone[i]:
            i += 1
            continue
        a = i
        b = i
        j = i + 1
        while j < n and key[j] == key[a]:
            if _at_port_of(j, b, lat, lon, near, inzone, port_lat, port_lon, zone_km):
                if (
                    ts[j] - ts[b] >= gap_us
                    and near[j] != near[b]
                    and _hav_km(lat[b], lon[b], lat[j], lon[j]) > same_place_km
                ):
                    break  # silent, then back at another port: a new episode
                b = j
                j += 1
                continue
            # off this port (outside every zone, or in another port's zone only): strays when
            # back within a few fixes and a short time, else the vessel has left
            m = j
            while (
                m < n
                and key[m] == key[a]
                and m - j <= stray_max
                and not _at_port_of(m, b, lat, lon, near, inzone, port_lat, port_lon, zone_km)
            ):
                m += 1
            if (
                m - j <= stray_max
                and m < n
                and key[m] == key[a]
                and ts[m] - ts[b] <= stray_us
                and _at_port_of(m, b, lat, lon, near, inzone, port_lat, port_lon, zone_km)
            ):
                b = m
                j = m + 1
                continue
            break
        first[ne] = a
        last[ne] = b
        ne += 1
        i = b + 1
    return first[:ne], last[:ne]


@numba.njit(cache=True)
def _evidence(
    key: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    speed: F64,
    ep_first: I64,
    ep_last: I64,
    stop_max: float,
    move_min: float,
    stop_min_us: int,
    gap_us: int,
    ais_off_max: float,
    leave_kmh: float,
    sparse_max_prior: int,
    sparse_prior_us: int,
) -> tuple[I64, I64, I64, I64, B, F64, F64, I64, B, B, I64]:
    """Proofs of a stay per episode (stops, AIS-off silences) with their median positions; the
    anchors of all qualifying silences; whether each episode ends in one (and whether that one
    follows a sparse track), and `left_before`."""
    n = key.shape[0]
    m = n + 1
    it_ep = np.empty(m, np.int64)
    it_first = np.empty(m, np.int64)
    it_last = np.empty(m, np.int64)
    it_kind = np.empty(m, np.int64)
    it_strong = np.empty(m, np.bool_)
    it_lat = np.empty(m, np.float64)
    it_lon = np.empty(m, np.float64)
    sil = np.empty(m, np.int64)
    ne = ep_first.shape[0]
    off_end = np.zeros(ne, np.bool_)
    off_sparse = np.zeros(ne, np.bool_)
    left_before = np.full(ne, -1, np.int64)
    ni = 0
    ns = 0
    for e in range(ne):
        a, b = ep_first[e], ep_last[e]
        first_stop = ni
        stopped = False
        rs = -1
        for k in range(a, b + 2):
            close = -1
            if k == b + 1:
                if stopped:
                    close = b
            else:
                s = speed[k]
                if s == s:
                    if not stopped:
                        if s <= stop_max:
                            stopped = True
                            rs = k
                    elif s >= move_min:
                        close = k - 1
            if close >= 0:
                stopped = False
                if close > rs and ts[close] - ts[rs] >= stop_min_us:
                    it_ep[ni] = e
                    it_first[ni] = rs
                    it_last[ni] = close
                    it_kind[ni] = 0
                    it_strong[ni] = True
                    it_lat[ni] = np.median(lat[rs : close + 1])
                    it_lon[ni] = np.median(lon[rs : close + 1])
                    ni += 1
        n_stops = ni
        for k in range(a, b + 1):
            nx = k + 1
            if nx >= n or key[nx] != key[k] or ts[nx] - ts[k] < gap_us:
                continue
            s = speed[k]
            # back in this port's zone after the silence, stopped: whatever its speed before,
            # it stayed ("entered at 6.6 kn, found at a berth 20 days later")
            s_next = speed[nx]
            found_stopped = nx <= b and s_next == s_next and s_next <= stop_max
            if s == s and s > ais_off_max and not found_stopped:
                continue
            back = k - sparse_max_prior  # dense when this earlier fix is in the window too
            sparse = back < 0 or key[back] != key[k] or ts[k] - ts[back] > sparse_prior_us
            stopped_here = s == s and s <= stop_max
            if sparse and not (stopped_here or found_stopped):
                continue
            travel_us = _hav_km(lat[k], lon[k], lat[nx], lon[nx]) / leave_kmh * US_PER_HOUR
            if ts[nx] - ts[k] - travel_us < gap_us:
                continue
            sil[ns] = k
            ns += 1
            if k == b:
                off_end[e] = True
                off_sparse[e] = sparse
                left_before[e] = ts[nx] - np.int64(travel_us)
            inside = False
            for q in range(first_stop, n_stops):
                if it_first[q] <= k <= it_last[q]:
                    inside = True
                    break
            if not inside:
                it_ep[ni] = e
                it_first[ni] = k
                it_last[ni] = k
                it_kind[ni] = 1
                it_strong[ni] = stopped_here and not sparse
                it_lat[ni] = lat[k]
                it_lon[ni] = lon[k]
                ni += 1
    return (
        it_ep[:ni],
        it_first[:ni],
        it_last[:ni],
        it_kind[:ni],
        it_strong[:ni],
        it_lat[:ni],
        it_lon[:ni],
        sil[:ns],
        off_end,
        off_sparse,
        left_before,
    )


@numba.njit(cache=True)
def _calls(
    key: I64,
    near: I64,
    near_km: F64,
    zone_km: F64,
    radius_km: F64,
    ep_first: I64,
    ep_last: I64,
    off_end: B,
    it_ep: I64,
    it_first: I64,
    it_last: I64,
    it_kind: I64,
    it_strong: B,
    it_port: I64,
    sil: I64,
) -> tuple[I64, ...]:
    """Calls (proofs grouped by port within each episode) and presences (episodes without)."""
    n = key.shape[0]
    ne = ep_first.shape[0]
    ni = it_ep.shape[0]
    m = ne + ni + 1
    c_port = np.empty(m, np.int64)
    c_first = np.empty(m, np.int64)
    c_last = np.empty(m, np.int64)
    c_flags = np.zeros(m, np.int64)  # bits: 1 entry, 2 exit, 4 stop, 8 strong, 16 gap, 32 off
    c_stop0 = np.full(m, -1, np.int64)
    c_stop1 = np.full(m, -1, np.int64)
    c_stops = np.zeros(m, np.int64)  # stops in the call: a span over two is no unbroken stop
    c_main = np.full(m, -1, np.int64)  # the proof whose median places the call
    c_presence = np.zeros(m, np.int64)
    nc = 0
    g_port = np.empty(ni + 1, np.int64)
    g_i0 = np.empty(ni + 1, np.int64)
    g_i1 = np.empty(ni + 1, np.int64)
    q = 0
    for e in range(ne):
        a, b = ep_first[e], ep_last[e]
        ng = 0
        while q < ni and it_ep[q] < e:
            q += 1
        while q < ni and it_ep[q] == e:
            p = it_port[q]
            if p >= 0:
                if ng > 0 and g_port[ng - 1] == p:
                    g_i1[ng - 1] = q
                else:
                    g_port[ng] = p
                    g_i0[ng] = q
                    g_i1[ng] = q
                    ng += 1
            q += 1
        if ng == 0:
            best = -1
            for k in range(a, b + 1):
                p = near[k]
                if (
                    p >= 0
                    and near_km[k] <= radius_km[p]
                    and (best < 0 or near_km[k] < near_km[best])
                ):
                    best = k
            if best >= 0:
                c_port[nc] = near[best]
                c_first[nc] = a
                c_last[nc] = b
                c_presence[nc] = 1
                c_main[nc] = best
                nc += 1
            continue
        start = a
        for g in range(ng):
            p = g_port[g]
            if g + 1 < ng:
                lo = it_last[g_i1[g]] + 1
                hi = it_first[g_i0[g + 1]]
                nxt = g_port[g + 1]
                cut = hi
                for k in range(lo, hi + 1):
                    if near[k] == nxt and near_km[k] <= zone_km[nxt]:
                        cut = k
                        break
                end = cut - 1
            else:
                cut = -1
                end = b
            flags = 0
            if g > 0 or (a > 0 and key[a - 1] == key[a]):
                flags |= 1
            if g + 1 < ng or (b + 1 < n and key[b + 1] == key[b]):
                flags |= 2
            main = g_i0[g]
            best_len = -1
            for r in range(g_i0[g], g_i1[g] + 1):
                if it_port[r] != p:
                    continue
                if it_kind[r] == 0:
                    flags |= 4
                    if c_stop0[nc] < 0:
                        c_stop0[nc] = it_first[r]
                    c_stop1[nc] = it_last[r]
                    c_stops[nc] += 1
                if it_strong[r]:
                    flags |= 8
                size = it_last[r] - it_first[r] + (1 if it_kind[r] == 0 else 0)
                if size > best_len:
                    best_len = size
                    main = r
            lo_s = np.searchsorted(sil, start)
            hi_s = np.searchsorted(sil, end, side="right")
            if hi_s > lo_s:
                flags |= 16
            if g + 1 == ng and off_end[e]:
                flags |= 32
            c_port[nc] = p
            c_first[nc] = start
            c_last[nc] = end
            c_flags[nc] = flags
            c_main[nc] = main
            nc += 1
            start = cut
    return (
        c_port[:nc],
        c_first[:nc],
        c_last[:nc],
        c_flags[:nc],
        c_stop0[:nc],
        c_stop1[:nc],
        c_stops[:nc],
        c_main[:nc],
        c_presence[:nc],
    )


def detect_port_calls(view: TrackView, geo: GeoContext, params: PortCallParams) -> EventColumns:
    """`port_call` events (stays) and `port_presence` events (no stay shown); inputs in track
    order."""
    events = EventColumns()
    if len(view) == 0 or len(geo.port_ids) == 0:
        return events
    zone_km = geo.port_radius_km + params.hysteresis_km
    near, near_km = view.nearest_port(geo, geo.max_radius_km + params.hysteresis_km)
    inzone = near >= 0
    inzone[inzone] = near_km[inzone] <= zone_km[near[inzone]]
    if not inzone.any():
        return events
    speed = np.ascontiguousarray(view.speed_kn())
    gap_us = int(params.gap_hours * US_PER_HOUR)
    ep_first, ep_last = _episodes(
        view.key,
        view.ts,
        view.lat,
        view.lon,
        near,
        inzone,
        gap_us,
        params.stray_max_positions,
        int(params.stray_max_hours * US_PER_HOUR),
        params.hysteresis_km,
        geo.port_lat,
        geo.port_lon,
        zone_km,
    )
    (
        it_ep,
        it_first,
        it_last,
        it_kind,
        it_strong,
        it_lat,
        it_lon,
        sil,
        off_end,
        off_sparse,
        left_before,
    ) = _evidence(
        view.key,
        view.ts,
        view.lat,
        view.lon,
        speed,
        ep_first,
        ep_last,
        params.stop_max_kn,
        params.move_min_kn,
        int(params.stop_min_hours * US_PER_HOUR),
        gap_us,
        params.ais_off_max_kn,
        params.leave_max_speed_kn * 1.852,
        params.sparse_max_prior_positions,
        int(params.sparse_prior_hours * US_PER_HOUR),
    )
    order = np.lexsort((it_first, it_ep))
    it_ep, it_first, it_last, it_kind = (
        it_ep[order],
        it_first[order],
        it_last[order],
        it_kind[order],
    )
    it_strong, it_lat, it_lon = it_strong[order], it_lat[order], it_lon[order]
    # each proof at the port nearest its median position, within radius + tolerance
    reach = geo.max_radius_km + params.stay_tolerance_km
    it_port, it_km = geo.nearest_port(it_lat, it_lon, within_km=reach)
    ok = it_port >= 0
    ok[ok] = it_km[ok] <= geo.port_radius_km[it_port[ok]] + params.stay_tolerance_km
    it_port = np.where(ok, it_port, -1)
    port, first, last, flags, stop0, stop1, stops, main, presence = _calls(
        view.key,
        near,
        near_km,
        zone_km,
        geo.port_radius_km,
        ep_first,
        ep_last,
        off_end,
        it_ep,
        it_first,
        it_last,
        it_kind,
        it_strong,
        it_port,
        np.sort(sil),
    )
    is_presence = presence > 0
    _add_calls(
        events,
        view,
        geo,
        params,
        it_lat,
        it_lon,
        it_ep,
        left_before,
        off_sparse,
        port,
        first,
        last,
        flags,
        stop0,
        stop1,
        stops,
        main,
        ~is_presence,
    )
    if params.report_presence:
        sampled = _sampled_silences(view, speed, gap_us, params)
        rare = (
            "the track reports too rarely to show a stay (its silence in port follows at most "
            f"{params.sparse_max_prior_positions} position(s) in {params.sparse_prior_hours:g} h, "
            "not stopped)"
        )
        _add_presences(
            events, view, geo, near_km, speed, port, first, last, main, is_presence, sampled, rare
        )
    return events


def _sampled_silences(view: TrackView, speed: F64, gap_us: int, params: PortCallParams) -> I64:
    """Per position, 1 when a silence of `gap_us` or more follows it, the track sparse (at most
    `sparse_max_prior_positions` positions in the `sparse_prior_hours` before) and the fix not
    stopped: no proof of a stay. Cumulated from 0, so that a slice's count is a difference."""
    key, ts = view.key, view.ts
    n = len(view)
    silence = np.zeros(n, np.bool_)
    silence[:-1] = (key[1:] == key[:-1]) & (ts[1:] - ts[:-1] >= gap_us)
    back = np.arange(n) - params.sparse_max_prior_positions
    b = np.maximum(back, 0)
    window = int(params.sparse_prior_hours * US_PER_HOUR)
    dense = (back >= 0) & (key[b] == key) & (ts - ts[b] <= window)
    stopped = speed <= params.stop_max_kn  # NaN (unknown) is not stopped
    return np.concatenate(([0], np.cumsum(silence & ~dense & ~stopped)))


def _add_calls(
    events: EventColumns,
    view: TrackView,
    geo: GeoContext,
    params: PortCallParams,
    it_lat: F64,
    it_lon: F64,
    it_ep: I64,
    left_before: I64,
    off_sparse: B,
    port: I64,
    first: I64,
    last: I64,
    flags: I64,
    stop0: I64,
    stop1: I64,
    stops: I64,
    main: I64,
    sel: B,
) -> None:
    calls = np.flatnonzero(sel)
    if not calls.size:
        return
    i, j, p, mi = first[calls], last[calls], port[calls], main[calls]
    f = flags[calls]
    entry, exit_, stop, strong = (f & 1) > 0, (f & 2) > 0, (f & 4) > 0, (f & 8) > 0
    gap, off = (f & 16) > 0, (f & 32) > 0
    lb = left_before[it_ep[mi]]
    end = np.where(off, lb, view.ts[j])
    # the silences between a call's fixes and, when AIS went off in port, the window in which
    # it left
    inner_us, longest_us = _silences(view, i, j, int(params.gap_hours * US_PER_HOUR))
    longest_us = np.maximum(longest_us, end - view.ts[j])
    long_silence = longest_us > params.max_silence_hours * US_PER_HOUR
    confidence = np.where(long_silence, 0.5, 0.5 + 0.25 * strong + 0.25 * (entry & exit_))
    keep = confidence >= params.min_confidence_reported
    if not keep.any():
        return
    calls, i, j, p, mi, lb, end = (a[keep] for a in (calls, i, j, p, mi, lb, end))
    entry, exit_, stop, gap, off = (a[keep] for a in (entry, exit_, stop, gap, off))
    inner_us, longest_us = inner_us[keep], longest_us[keep]
    long_silence, confidence = long_silence[keep], confidence[keep]
    sparse = off & off_sparse[it_ep[mi]]
    lat, lon = it_lat[mi], it_lon[mi]
    stay_km = haversine_m(lat, lon, geo.port_lat[p], geo.port_lon[p]) / 1000.0
    after = _iso_or_none(view.ts, np.where(off, j, -1))
    before = _iso_or_none(lb, np.where(off, np.arange(lb.size), -1))
    departure = [
        None
        if x is None
        else f"not reported after {x}Z (a sparse track); left before {y}Z at the latest"
        if r
        else f"AIS off in port; left between {x}Z and {y}Z"
        for x, y, r in zip(after, before, sparse.tolist(), strict=True)
    ]
    # the fix after the silence bounds the departure: part of the evidence
    ev_last = np.where(off, np.minimum(j + 1, len(view) - 1), j)
    events.extend_arrays(
        "port_call",
        view.mmsi[i],
        view.ts[i],
        end,
        lat=lat,
        lon=lon,
        end_lat=view.lat[j],
        end_lon=view.lon[j],
        port_id=[geo.port_ids[k] for k in p.tolist()],
        segment_id=view.segment_names_of(i),
        evidence=slice_evidence(view.source_id, view.row_id, i, ev_last),
        details=json_objects(
            {
                "entry": json_column(entry),
                "exit": json_column(exit_),
                "stop": json_column(stop),
                "port_gap": json_column(gap),
                "hours": json_column((end - view.ts[i]) / US_PER_HOUR, 3),
                # fixes span it but for its silences of gap_hours or more
                "observed_hours": json_column(
                    (view.ts[j] - view.ts[i] - inner_us) / US_PER_HOUR, 3
                ),
                "longest_silence_hours": json_column(longest_us / US_PER_HOUR, 3),
                "long_silence": json_column(long_silence),
                # from the first stop's start to the last one's end, over `stops` stops
                "stop_start": json_column(_iso_or_none(view.ts, stop0[calls])),
                "stop_end": json_column(_iso_or_none(view.ts, stop1[calls])),
                "stops": json_column(stops[calls]),
                "stay_port_km": json_column(stay_km, 2),
                "ais_off_in_port": json_column(off),
                "left_after": json_column(after),
                "left_before": json_column(before),
                "departure": json_column(departure),
                "sparse_track": json_column(sparse),
            }
        ),
        confidence=confidence,
    )


def _silences(view: TrackView, first: I64, last: I64, gap_us: int) -> tuple[I64, I64]:
    """Per call (fixes first..last of one track): the total of its silences of `gap_us` or
    more between fixes, and its longest silence between fixes."""
    dt = np.zeros(len(view), np.int64)
    dt[:-1] = np.where(view.key[1:] == view.key[:-1], view.ts[1:] - view.ts[:-1], 0)
    cum = np.concatenate(([0], np.cumsum(np.where(dt >= gap_us, dt, 0))))
    inner = cum[last] - cum[first]
    longest = np.zeros(first.size, np.int64)
    many = last > first
    if many.any():
        # the gaps after fixes first..last-1: disjoint, sorted slices of dt
        bounds = np.column_stack((first[many], last[many])).ravel()
        longest[many] = np.maximum.reduceat(np.append(dt, 0), bounds)[::2]
    return inner, longest


def _add_presences(
    events: EventColumns,
    view: TrackView,
    geo: GeoContext,
    near_km: F64,
    speed: F64,
    port: I64,
    first: I64,
    last: I64,
    main: I64,
    sel: B,
    sampled: I64,
    rare_reason: str,
) -> None:
    if not sel.any():
        return
    i, j, k = first[sel], last[sel], main[sel]
    n = j - i + 1
    rare = (sampled[j + 1] - sampled[i]) > 0
    # fastest speed seen in each presence (episodes are disjoint, sorted slices)
    finite = np.concatenate((np.where(np.isfinite(speed), speed, -np.inf), [-np.inf]))
    bounds = np.column_stack((i, j + 1)).ravel()
    top = np.maximum.reduceat(finite, bounds)[::2]
    top = np.where(np.isfinite(top), top, np.nan)
    events.extend_arrays(
        "port_presence",
        view.mmsi[i],
        view.ts[i],
        view.ts[j],
        lat=view.lat[k],
        lon=view.lon[k],
        end_lat=view.lat[j],
        end_lon=view.lon[j],
        port_id=[geo.port_ids[q] for q in port[sel].tolist()],
        segment_id=view.segment_names_of(i),
        evidence=slice_evidence(view.source_id, view.row_id, i, j),
        details=json_objects(
            {
                "n_positions": json_column(n),
                "hours": json_column((view.ts[j] - view.ts[i]) / US_PER_HOUR, 3),
                "closest_km": json_column(near_km[k], 2),
                "max_speed_kn": json_column(top, 1),
                "why_not_a_call": json_column(
                    [
                        "one position"
                        if c == 1
                        else rare_reason
                        if r
                        else "no stop and no AIS-off in port"
                        for c, r in zip(n.tolist(), rare.tolist(), strict=True)
                    ]
                ),
            }
        ),
        confidence=np.full(i.size, PRESENCE_CONFIDENCE),
    )


def _iso_or_none(ts: I64, rows: I64) -> list[str | None]:
    """ISO seconds of ts[rows], None where rows < 0."""
    if rows.size == 0:
        return []
    iso = np.asarray(ts[np.maximum(rows, 0)], dtype="datetime64[us]").astype("datetime64[s]")
    text = iso.astype(str).tolist()
    return [t if r >= 0 else None for t, r in zip(text, rows.tolist(), strict=True)]
