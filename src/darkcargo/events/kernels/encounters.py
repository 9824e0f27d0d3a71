"""Encounters (GFW): two vessels within `max_distance_m` for >= `min_hours`, median speed below
`max_median_speed_kn`, at least `min_port_distance_km` from any port; nearer the shore than
`near_shore_km` they score 0.5 (perhaps two berths in a harbour the ports file lacks).

Two steps, so that batches of whole MMSIs can be processed one at a time:
1. `encounter_candidates`: each track resampled every `slot_minutes` (interpolated across
   silences <= `max_interp_gap_hours`; a position exactly on a slot is that slot's sample even
   at a track's end), keeping slow points away from ports. Small.
2. `detect_encounters`: `close_pairs`, a time-bucketed spatial join over all candidates (a
   sweep over rows of latitude within each slot, so only points of the same slot and
   neighbouring rows are compared: O(n log n), compiled), then `encounter_runs`, runs of close
   slots per pair of tracks (a distributed engine calls the two apart, see
   `darkcargo.engines.spark`):
   - one record per pair (`per_direction = false`, darkcargo's default): runs of close slots
     of a pair lasting `min_hours` (a run goes on across slots where neither vessel has a
     sample, and ends at one where either has a sample that is not close), then the runs less
     than `merge_hours` apart joined into one;
   - one record per direction (`per_direction = true`, Global Fishing Watch's pipe-encounters):
     vessel 1's samples drive the run, which ends at the first sample of vessel 1 without
     vessel 2 close (and goes on across vessel 1's own silences), so the two directions of one
     pair can differ; runs of >= `min_hours` are kept, then, when `merge_hours` > 0, the runs of
     a pair starting < `merge_hours` after the previous one ended are merged into one record
     per pair (GFW's MergeEncounters).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

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
    # the sample's number in its track's resampled sequence before the speed and port filters:
    # consecutive numbers are consecutive samples (one record per direction needs this)
    sample: I64 = field(default_factory=lambda: np.zeros(0, np.int64))

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
        arrays = {f: np.concatenate([getattr(p, f) for p in parts]) for f in (*_ARRAYS, "sample")}
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
    # interval i gives the slots in [ts[i], ts[i+1]); a position exactly on a slot whose next
    # interval gives nothing (a track's end, a long silence) is given by the interval before
    on_grid_next = view.ts[1:] % slot_us == 0
    count_ok = _slot_counts(ok, first, last_excl, on_grid_next)
    offsets_ok = np.concatenate(([0], np.cumsum(count_ok)[:-1])).astype(np.int64)
    implied = view.implied_speed_kn()
    sog = view.sog
    # speed over the interval: mean of reported speeds at both ends when known, else implied
    sog_next = np.concatenate((sog[1:], [np.nan]))
    both = np.isfinite(sog) & np.isfinite(sog_next)
    seg_speed = np.where(both, 0.5 * (sog + sog_next), implied)
    # the caller only wants slow candidates: drop intervals that are clearly fast
    fast = ~(seg_speed <= params.candidate_max_speed_kn)
    count = _slot_counts(ok & ~fast[:-1], first, last_excl, on_grid_next)
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
    sample = offsets_ok[src] + (slot - first[src])
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
        sample=sample[keep],
    )


def _slot_counts(use: B, first: I64, last_excl: I64, on_grid_next: B) -> I64:
    """Slots each interval gives: those in [ts[i], ts[i+1]) when `use`, plus the slot of
    ts[i+1] itself when it lies exactly on one and the next interval is not used."""
    use_next = np.concatenate((use[1:], [False]))
    extra = on_grid_next & ~use_next
    return np.where(use, np.maximum(last_excl - first, 0) + extra, 0).astype(np.int64)


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


def detect_encounters(
    cands: Candidates, params: EncounterParams, geo: GeoContext | None = None
) -> EventColumns:
    """Pair candidates of different vessels in the same slot and build encounter events."""
    if len(cands) < 2:
        return EventColumns()
    a, b = close_pairs(cands.slot, cands.lat, cands.lon, cands.mmsi, params.max_distance_m)
    return encounter_runs(cands, a, b, params, geo)


def encounter_runs(
    cands: Candidates, a: I64, b: I64, params: EncounterParams, geo: GeoContext | None = None
) -> EventColumns:
    """Encounter events from the close pairs (a[k], b[k]) of candidates (from `close_pairs`);
    `geo` gives the distance from shore (`near_shore_km`).

    Runs never mix track pairs, so the pairs can be split by (track, track) and each part
    handed over on its own (a distributed engine groups them so): the events are the same."""
    events = EventColumns()
    if a.size == 0:
        return events
    if params.per_direction:
        _per_direction(events, cands, a, b, params, geo)
        return events
    # order each pair by (mmsi, track)
    a, b = _ordered(cands, a, b)
    order = np.lexsort((cands.slot[a], cands.track[b], cands.track[a]))
    a, b = a[order], b[order]
    ta, tb, sl = cands.track[a], cands.track[b], cands.slot[a]
    # GFW: within max_distance_m for min_hours (a run of close slots), then the runs of a pair
    # less than merge_hours apart are one encounter. A run goes on across slots where neither
    # vessel has a sample (both silent), and ends at one where either has a sample that is not
    # close (apart, or too fast or in port). Merging single close slots instead made an
    # encounter of a ferry that passed its berth-mate every hour.
    sa, sb = cands.sample[a], cands.sample[b]
    pair_change = np.ones(a.size, dtype=bool)
    pair_change[1:] = (ta[1:] != ta[:-1]) | (tb[1:] != tb[:-1])
    new_run = pair_change.copy()
    new_run[1:] |= (sl[1:] - sl[:-1] != 1) & ((sa[1:] - sa[:-1] != 1) | (sb[1:] - sb[:-1] != 1))
    starts = np.flatnonzero(new_run)
    ends = np.concatenate((starts[1:], [a.size]))
    slot_h = params.slot_minutes / 60.0
    kept = (sl[ends - 1] - sl[starts]) * slot_h >= params.min_hours
    starts, ends = starts[kept], ends[kept]
    merge_slots = params.merge_hours * 60.0 / params.slot_minutes
    group_start = -1
    for k, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        if group_start < 0:
            group_start = s
        joins = (
            k + 1 < starts.size
            and ta[starts[k + 1]] == ta[s]
            and tb[starts[k + 1]] == tb[s]
            and sl[starts[k + 1]] - sl[e - 1] < merge_slots
        )
        if not joins:
            _add_encounter(events, cands, a[group_start:e], b[group_start:e], params, geo, {})
            group_start = -1
    return events


def _ordered(cands: Candidates, a: I64, b: I64) -> tuple[I64, I64]:
    """The pairs with the lower (mmsi, track) first."""
    swap = (cands.mmsi[a] > cands.mmsi[b]) | (
        (cands.mmsi[a] == cands.mmsi[b]) & (cands.track[a] > cands.track[b])
    )
    return np.where(swap, b, a), np.where(swap, a, b)


def _per_direction(
    events: EventColumns,
    cands: Candidates,
    a: I64,
    b: I64,
    params: EncounterParams,
    geo: GeoContext | None,
) -> None:
    """GFW's raw encounters (one record per direction), merged per pair when `merge_hours`."""
    x = np.concatenate((a, b))  # vessel 1 of each record: its samples drive the run
    y = np.concatenate((b, a))
    order = np.lexsort((cands.sample[x], cands.track[y], cands.track[x]))
    x, y = x[order], y[order]
    tx, ty, nx = cands.track[x], cands.track[y], cands.sample[x]
    new_run = np.ones(x.size, dtype=bool)
    new_run[1:] = (tx[1:] != tx[:-1]) | (ty[1:] != ty[:-1]) | (nx[1:] - nx[:-1] != 1)
    starts = np.flatnonzero(new_run)
    ends = np.concatenate((starts[1:], [x.size])) - 1
    sl = cands.slot[x]
    slot_h = params.slot_minutes / 60.0
    keep = ((sl[ends] - sl[starts]) * slot_h >= params.min_hours) & (ends > starts)
    starts, ends = starts[keep], ends[keep]
    if starts.size == 0:
        return
    if params.merge_hours <= 0:
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            _add_encounter(events, cands, x[s : e + 1], y[s : e + 1], params, geo, {"records": 1})
        return
    # merge the runs of each pair (either direction) that start < merge_hours after the
    # previous ones ended, as GFW's MergeEncounters does
    lo, hi = _ordered(cands, x[starts], y[starts])
    t_lo, t_hi = cands.track[lo], cands.track[hi]
    r_order = np.lexsort((sl[ends], sl[starts], t_hi, t_lo))
    merge_slots = params.merge_hours * 60.0 / params.slot_minutes
    group: list[int] = []
    run_end = 0
    for k, r in enumerate(r_order.tolist()):
        same_pair = bool(group and t_lo[r] == t_lo[group[0]] and t_hi[r] == t_hi[group[0]])
        if same_pair and sl[starts[r]] - run_end < merge_slots:
            group.append(r)
            run_end = max(run_end, int(sl[ends[r]]))
        else:
            if group:
                _add_merged(events, cands, x, y, starts, ends, group, params, geo)
            group, run_end = [r], int(sl[ends[r]])
        if k == r_order.size - 1:
            _add_merged(events, cands, x, y, starts, ends, group, params, geo)


def _add_merged(
    events: EventColumns,
    cands: Candidates,
    x: I64,
    y: I64,
    starts: I64,
    ends: I64,
    group: list[int],
    params: EncounterParams,
    geo: GeoContext | None,
) -> None:
    """One record for a pair's merged runs: their close slots, each slot once."""
    rows = np.concatenate([np.arange(starts[r], ends[r] + 1) for r in group])
    ia, ib = _ordered(cands, x[rows], y[rows])
    order = np.lexsort((cands.slot[ia],))
    ia, ib = ia[order], ib[order]
    once = np.ones(ia.size, dtype=bool)
    once[1:] = cands.slot[ia[1:]] != cands.slot[ia[:-1]]
    _add_encounter(events, cands, ia[once], ib[once], params, geo, {"records": len(group)})


def _add_encounter(
    events: EventColumns,
    cands: Candidates,
    ia: I64,
    ib: I64,
    params: EncounterParams,
    geo: GeoContext | None,
    extra: dict[str, int],
) -> None:
    """One `encounter` event from the close slots (ia[k], ib[k]) of a run, if slow enough.

    Confidence 1.0; 0.5 nearer the shore than `near_shore_km` (`near_shore`): at that scale
    harbour basins lie inside the land, so two vessels moored side by side in a harbour the
    ports file lacks (a marina, a ferry berth) look like a rendezvous."""
    slot_h = params.slot_minutes / 60.0
    sl = cands.slot[ia]
    hours = (sl[-1] - sl[0]) * slot_h
    med_a = float(np.median(cands.speed[ia]))
    med_b = float(np.median(cands.speed[ib]))
    if not (med_a < params.max_median_speed_kn and med_b < params.max_median_speed_kn):
        return
    dist = haversine_m(cands.lat[ia], cands.lon[ia], cands.lat[ib], cands.lon[ib])
    slot_us = params.slot_minutes * 60_000_000
    both_src = np.concatenate((cands.source_id[ia], cands.source_id[ib]))
    both_row = np.concatenate((cands.row_id[ia], cands.row_id[ib]))
    lat, lon = float(np.mean(cands.lat[ia])), _mean_lon(cands.lon[ia])
    shore = float(geo.shore_distance_km(lat, lon)[0]) if geo is not None else math.nan
    near_shore = params.near_shore_km > 0 and shore < params.near_shore_km  # False for NaN
    events.add(
        "encounter",
        cands.mmsi[ia[0]],
        int(sl[0] * slot_us),
        int(sl[-1] * slot_us),
        other_mmsi=cands.mmsi[ib[0]],
        lat=lat,
        lon=lon,
        end_lat=cands.lat[ia[-1]],
        end_lon=cands.lon[ia[-1]],
        segment_id=cands.segment_name(int(ia[0])),
        evidence=evidence_json(both_src, both_row),
        details={
            "hours": rounded(hours, 3),
            "median_distance_m": rounded(float(np.median(dist)), 1),
            "median_speed_kn": rounded(med_a, 2),
            "other_median_speed_kn": rounded(med_b, 2),
            "n_slots": int(ia.size),
            # the share of the span's slots in which the two were close
            "close_share": rounded(ia.size / (sl[-1] - sl[0] + 1), 3),
            "other_segment": cands.segment_name(int(ib[0])),
            "shore_km": rounded(shore, 2) if math.isfinite(shore) else None,
            "near_shore": near_shore,
            **extra,
        },
        confidence=0.5 if near_shore else 1.0,
    )


def _mean_lon(lon: F64) -> float:
    """Mean longitude on the circle (an encounter on the antimeridian stays there)."""
    r = np.radians(lon)
    return float(np.degrees(np.arctan2(np.mean(np.sin(r)), np.mean(np.cos(r)))))
