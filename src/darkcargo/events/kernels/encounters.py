"""Encounters (GFW): two vessels within `max_distance_m` for >= `min_hours`, median speed below
`max_median_speed_kn`, at least `min_port_distance_km` from any port.

Two steps, so that batches of whole MMSIs can be processed one at a time:
1. `encounter_candidates`: each track resampled every `slot_minutes` (interpolated across
   silences <= `max_interp_gap_hours`), keeping slow points away from ports. Small.
2. `detect_encounters`: a time-bucketed spatial join over all candidates (a sweep over rows of
   latitude within each slot, so only points of the same slot and neighbouring rows are
   compared: O(n log n), compiled), then runs of close slots per pair, merged when
   < `merge_hours` apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from darkcargo.events.kernels.common import (
    F64,
    I64,
    US_PER_HOUR,
    EventColumns,
    GeoContext,
    TrackView,
    evidence_json,
    rounded,
)
from darkcargo.events.params import EncounterParams
from darkcargo.geo.distance import EARTH_RADIUS_M, haversine_m


@dataclass(frozen=True)
class Candidates:
    """Resampled slow, offshore positions: one row per (track, slot)."""

    mmsi: I64
    track: I64  # globally unique track key (the caller offsets batch-local keys)
    slot: I64
    lat: F64
    lon: F64
    speed: F64
    source_id: I64  # the real position just before the slot (evidence)
    row_id: I64
    segment: I64  # index into segment_names, -1 when unknown
    segment_names: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.slot.shape[0])

    def segment_name(self, i: int) -> str | None:
        s = int(self.segment[i])
        return self.segment_names[s] if 0 <= s < len(self.segment_names) else None

    @staticmethod
    def concat(parts: list[Candidates]) -> Candidates:
        parts = [p for p in parts if len(p)]
        if not parts:
            return empty_candidates()
        arrays = {f: np.concatenate([getattr(p, f) for p in parts]) for f in _ARRAYS}
        # segment indices are per part: shift them past the names of the parts before
        shifted: list[I64] = []
        names: list[str] = []
        base = 0
        for part in parts:
            shifted.append(np.where(part.segment >= 0, part.segment + base, -1))
            names.extend(part.segment_names)
            base += len(part.segment_names)
        return Candidates(**arrays, segment=np.concatenate(shifted), segment_names=tuple(names))


_ARRAYS = ("mmsi", "track", "slot", "lat", "lon", "speed", "source_id", "row_id")


def empty_candidates() -> Candidates:
    z = np.zeros(0, np.int64)
    f = np.zeros(0, np.float64)
    return Candidates(z, z, z, f, f, f, z, z, z, ())


@numba.njit(cache=True)
def _resample(
    key: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    speed: F64,
    first_slot: I64,
    count: I64,
    offsets: I64,
    slot_us: int,
) -> tuple[I64, I64, F64, F64, F64]:
    total = offsets[-1] + count[-1] if count.shape[0] else 0
    out_src = np.empty(total, np.int64)
    out_slot = np.empty(total, np.int64)
    out_lat = np.empty(total, np.float64)
    out_lon = np.empty(total, np.float64)
    out_speed = np.empty(total, np.float64)
    for i in range(count.shape[0]):
        c = count[i]
        if c == 0:
            continue
        t0 = ts[i]
        t1 = ts[i + 1]
        span = t1 - t0
        dlon = (lon[i + 1] - lon[i] + 540.0) % 360.0 - 180.0
        for k in range(c):
            s = first_slot[i] + k
            f = 0.0 if span == 0 else (s * slot_us - t0) / span
            o = offsets[i] + k
            out_src[o] = i
            out_slot[o] = s
            out_lat[o] = lat[i] + f * (lat[i + 1] - lat[i])
            x = lon[i] + f * dlon
            out_lon[o] = (x + 540.0) % 360.0 - 180.0
            out_speed[o] = speed[i]
    return out_src, out_slot, out_lat, out_lon, out_speed


def encounter_candidates(
    view: TrackView, geo: GeoContext, params: EncounterParams, track_offset: int = 0
) -> Candidates:
    """Resample each track every slot and keep slow points far enough from every port."""
    n = len(view)
    if n < 2:
        return empty_candidates()
    slot_us = round(params.slot_minutes * 60_000_000)
    same = view.key[1:] == view.key[:-1]
    dt = view.ts[1:] - view.ts[:-1]
    ok = same & (dt <= params.max_interp_gap_hours * US_PER_HOUR)
    first = -(-view.ts[:-1] // slot_us)  # ceil
    last_excl = -(-view.ts[1:] // slot_us)
    count = np.where(ok, np.maximum(last_excl - first, 0), 0).astype(np.int64)
    # a track's final position lands on its own slot when exactly on the boundary
    offsets = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    implied = view.implied_speed_kn()
    sog = view.sog
    # speed over the interval: mean of reported speeds at both ends when known, else implied
    sog_next = np.concatenate((sog[1:], [np.nan]))
    both = np.isfinite(sog) & np.isfinite(sog_next)
    seg_speed = np.where(both, 0.5 * (sog + sog_next), implied)
    # the caller only wants slow candidates: drop intervals that are clearly fast
    fast = ~(seg_speed <= params.candidate_max_speed_kn)
    count = np.where(fast[:-1], 0, count)
    offsets = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    src, slot, lat, lon, speed = _resample(
        view.key,
        view.ts,
        view.lat,
        view.lon,
        np.ascontiguousarray(seg_speed),
        first.astype(np.int64),
        count,
        offsets,
        slot_us,
    )
    if slot.size == 0:
        return empty_candidates()
    # nearest port of the real position before each slot (moves < 1.3 km in a slot at 4 kn)
    near_all, dist_all = view.nearest_port(geo, geo.max_radius_km + params.min_port_distance_km)
    near, dist = near_all[src], dist_all[src]
    keep = np.ones(slot.size, dtype=bool)
    hit = near >= 0
    keep[hit] = (dist[hit] >= params.min_port_distance_km) & (
        dist[hit] > geo.port_radius_km[near[hit]]
    )
    src = src[keep]
    return Candidates(
        mmsi=view.mmsi[src],
        track=view.key[src] + track_offset,
        slot=slot[keep],
        lat=lat[keep],
        lon=lon[keep],
        speed=speed[keep],
        source_id=view.source_id[src],
        row_id=view.row_id[src],
        segment=view.segment[src] if view.segment_names else np.full(src.size, -1, np.int64),
        segment_names=view.segment_names,
    )


@numba.njit(cache=True)
def _hav_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, a))))


@numba.njit(cache=True)
def _first_at_least(ck: I64, lo: int, hi: int, x: int) -> int:
    """First index in [lo, hi) with ck >= x (ck sorted)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ck[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True)
def _sweep_pairs(
    ck: I64,
    row: I64,
    lat: F64,
    lon: F64,
    mmsi: I64,
    width: F64,
    r_m: float,
    quanta: float,
    lon_bits: int,
    out_a: I64,
    out_b: I64,
) -> int:
    """Pairs of points within r_m among points sorted by ck = (slot row of latitude, quantised
    longitude): each point is compared with later points of its row and with the next row,
    within +/- width[i] degrees of longitude. Writes into out_* when they are large enough
    and returns the number of pairs either way."""
    n = ck.shape[0]
    cap = out_a.shape[0]
    slack = 1.0 / quanta  # one longitude quantum: the sort is by quantised longitude
    m = 0
    for i in range(n):
        w = width[i] + slack
        j = i + 1
        while j < n and row[j] == row[i] and lon[j] <= lon[i] + w:
            if mmsi[j] != mmsi[i] and _hav_m(lat[i], lon[i], lat[j], lon[j]) <= r_m:
                if m < cap:
                    out_a[m] = i
                    out_b[m] = j
                m += 1
            j += 1
        q = max(math.floor((lon[i] - w + 181.0) * quanta), 0)
        j = _first_at_least(ck, i + 1, n, ((row[i] + 1) << lon_bits) + q)
        while j < n and row[j] == row[i] + 1 and lon[j] <= lon[i] + w:
            if mmsi[j] != mmsi[i] and _hav_m(lat[i], lon[i], lat[j], lon[j]) <= r_m:
                if m < cap:
                    out_a[m] = i
                    out_b[m] = j
                m += 1
            j += 1
    return m


def close_pairs(slot: I64, lat: F64, lon: F64, mmsi: I64, r_m: float) -> tuple[I64, I64]:
    """Index pairs (a, b) of points of different MMSIs in the same slot within r_m metres."""
    n = slot.shape[0]
    if n < 2:
        z = np.zeros(0, np.int64)
        return z, z
    dlat = math.degrees(r_m / EARTH_RADIUS_M) * 1.001
    # longitude window: r at the most poleward latitude a partner can have, plus 1 %
    pole = np.minimum(np.abs(lat) + dlat, 89.9)
    width = np.degrees(r_m / EARTH_RADIUS_M) / np.cos(np.radians(pole)) * 1.01
    idx = np.arange(n, dtype=np.int64)
    lon_x = lon
    # points near the antimeridian also take part once more, shifted by 360 degrees
    wrap = np.flatnonzero(lon < -180.0 + width)
    if wrap.size:
        idx = np.concatenate((idx, wrap))
        lon_x = np.concatenate((lon, lon[wrap] + 360.0))
    lat_x, mmsi_x, width_x = lat[idx], mmsi[idx], width[idx]
    rows = np.floor((lat_x + 90.0) / dlat).astype(np.int64)
    row = (slot[idx] - slot.min()) * (int(180.0 / dlat) + 2) + rows
    # one int64 sort key: the row in the high bits, longitude + 181 (< 400 degrees) quantised below
    lon_bits = 62 - int(row.max() + 2).bit_length()
    quanta = float(2**lon_bits) / 400.0
    ck = (row << lon_bits) + np.floor((lon_x + 181.0) * quanta).astype(np.int64)
    order = np.argsort(ck, kind="stable")
    args = (
        ck[order],
        row[order],
        lat_x[order],
        np.ascontiguousarray(lon_x[order]),
        mmsi_x[order],
        width_x[order],
        float(r_m),
        quanta,
        lon_bits,
    )
    empty = np.zeros(0, np.int64)
    m = _sweep_pairs(*args, empty, empty)
    out_a = np.empty(m, np.int64)
    out_b = np.empty(m, np.int64)
    _sweep_pairs(*args, out_a, out_b)
    a, b = idx[order[out_a]], idx[order[out_b]]
    if wrap.size:
        # a pair of two shifted copies repeats a pair of originals
        both_copies = (order[out_a] >= n) & (order[out_b] >= n)
        a, b = a[~both_copies], b[~both_copies]
    return a, b


def detect_encounters(cands: Candidates, params: EncounterParams) -> EventColumns:
    """Pair candidates of different vessels in the same slot and build encounter events."""
    events = EventColumns()
    if len(cands) < 2:
        return events
    a, b = close_pairs(cands.slot, cands.lat, cands.lon, cands.mmsi, params.max_distance_m)
    if a.size == 0:
        return events
    # order each pair by (mmsi, track)
    swap = (cands.mmsi[a] > cands.mmsi[b]) | (
        (cands.mmsi[a] == cands.mmsi[b]) & (cands.track[a] > cands.track[b])
    )
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    order = np.lexsort((cands.slot[a], cands.track[b], cands.track[a]))
    a, b = a[order], b[order]
    ta, tb, sl = cands.track[a], cands.track[b], cands.slot[a]
    merge_slots = params.merge_hours * 60.0 / params.slot_minutes
    new_run = np.ones(a.size, dtype=bool)
    new_run[1:] = (ta[1:] != ta[:-1]) | (tb[1:] != tb[:-1]) | (sl[1:] - sl[:-1] > merge_slots)
    starts = np.flatnonzero(new_run)
    ends = np.concatenate((starts[1:], [a.size]))
    slot_h = params.slot_minutes / 60.0
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        ia, ib = a[s:e], b[s:e]
        hours = (sl[e - 1] - sl[s]) * slot_h
        if hours < params.min_hours:
            continue
        med_a = float(np.median(cands.speed[ia]))
        med_b = float(np.median(cands.speed[ib]))
        if not (med_a < params.max_median_speed_kn and med_b < params.max_median_speed_kn):
            continue
        dist = haversine_m(cands.lat[ia], cands.lon[ia], cands.lat[ib], cands.lon[ib])
        slot_us = params.slot_minutes * 60_000_000
        both_src = np.concatenate((cands.source_id[ia], cands.source_id[ib]))
        both_row = np.concatenate((cands.row_id[ia], cands.row_id[ib]))
        events.add(
            "encounter",
            cands.mmsi[ia[0]],
            int(sl[s] * slot_us),
            int(sl[e - 1] * slot_us),
            other_mmsi=cands.mmsi[ib[0]],
            lat=float(np.mean(cands.lat[ia])),
            lon=float(np.mean(cands.lon[ia])),
            end_lat=cands.lat[ia[-1]],
            end_lon=cands.lon[ia[-1]],
            segment_id=cands.segment_name(int(ia[0])),
            evidence=evidence_json(both_src, both_row),
            details={
                "hours": rounded(hours, 3),
                "median_distance_m": rounded(float(np.median(dist)), 1),
                "median_speed_kn": rounded(med_a, 2),
                "other_median_speed_kn": rounded(med_b, 2),
                "n_slots": int(e - s),
                "other_segment": cands.segment_name(int(ib[0])),
            },
            confidence=1.0,
        )
    return events
