"""Segmentation: split one MMSI's positions into segments and tracks (one vessel each).

The idea is Global Fishing Watch's gpsdio-segment: keep the open segments of an MMSI and give
each new position to the segment whose dead-reckoned prediction it fits best (discrepancy below
`max_speed_kn` x effective hours); a position that fits none opens a new segment. A segment
closes after `max_hours` of silence. When a position fits two or more open segments about equally
well (the runner-up's metric within `ambiguity_factor` of the best), those segments are closed and
the position starts a new one: gpsdio-segment's rule for not guessing between two vessels that
share an MMSI in one place. Segments are then chained into *tracks*: a new segment continues the
track of the same MMSI whose latest position it could have reached at `track_max_speed_kn`, the
nearest in distance plus reach when several could (so a long dark gap keeps one track, a second
vessel using the same MMSI or a jump gets its own, and two vessels that both restart after a
silence keep theirs).

Input: columns of one batch sorted by (mmsi, ts). Output: per-position segment and track numbers
(unique within the batch, -1 for positions that cannot be placed: NaN or out-of-range).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from darkcargo.events.params import SegmentParams, ValidityParams

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

US_PER_HOUR = 3_600_000_000.0
EARTH_RADIUS_NM = 6_371_008.8 / 1852.0
MAX_OPEN = 64  # open segments kept per MMSI; beyond this the stalest is closed


@dataclass(frozen=True)
class Segmentation:
    """Per-position labels: `segment` and `track` (batch-unique ints), and `valid`.

    Invalid positions (NaN, out of range) take the labels of the previous valid position of the
    same MMSI, as gpsdio-segment does with informational messages; -1 when there is none.
    """

    segment: I64
    track: I64
    valid: B


def valid_positions(lat: F64, lon: F64, sog: F64, params: ValidityParams) -> B:
    """Positions usable for geometry: finite, in range, and not the (0, 0) null island."""
    ok = np.isfinite(lat) & np.isfinite(lon)
    ok &= (lat >= -90.0) & (lat <= 90.0) & (lon >= -180.0) & (lon <= 180.0)
    ok &= ~((lat == 0.0) & (lon == 0.0))
    return np.asarray(ok)


def clean_sog(sog: F64, params: ValidityParams) -> F64:
    """Reported speeds with the 'not available' codes and out-of-range values set to NaN."""
    out = np.array(sog, dtype=np.float64, copy=True)
    for code in params.sog_not_available:
        out[np.abs(out - code) < 0.05] = np.nan
    out[(out < 0) | (out > params.max_sog_kn)] = np.nan
    return out


@numba.njit(cache=True)
def _haversine_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    a = min(1.0, max(0.0, a))
    return 2.0 * EARTH_RADIUS_NM * math.asin(math.sqrt(a))


@numba.njit(cache=True)
def _discrepancy_nm(
    lat1: float,
    lon1: float,
    sog1: float,
    cog1: float,
    lat2: float,
    lon2: float,
    sog2: float,
    cog2: float,
    hours: float,
) -> float:
    """Mean miss distance of dead reckoning 1 -> 2 forward and 2 -> 1 backward (nm)."""
    s1 = 0.0 if (sog1 != sog1 or cog1 != cog1) else sog1
    s2 = 0.0 if (sog2 != sog2 or cog2 != cog2) else sog2
    c1 = 0.0 if cog1 != cog1 else math.radians(cog1)
    c2 = 0.0 if cog2 != cog2 else math.radians(cog2)
    coslat = max(math.cos(math.radians(0.5 * (lat1 + lat2))), 1e-3)
    # local flat frame in nm, origin at point 1
    dx = (lon2 - lon1 + 540.0) % 360.0 - 180.0
    x2 = dx * 60.0 * coslat
    y2 = (lat2 - lat1) * 60.0
    # forward prediction from 1, backward prediction from 2
    px = s1 * hours * math.sin(c1)
    py = s1 * hours * math.cos(c1)
    qx = x2 - s2 * hours * math.sin(c2)
    qy = y2 - s2 * hours * math.cos(c2)
    return 0.5 * (math.hypot(px - x2, py - y2) + math.hypot(qx, qy))


@numba.njit(cache=True)
def _segment_kernel(
    mmsi: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    sog: F64,
    cog: F64,
    ok: B,
    max_hours: float,
    max_speed: float,
    buffer_hours: float,
    penalty_hours: float,
    hours_exp: float,
    track_max_speed: float,
    ambiguity: float,
    ambiguity_min_points: int,
) -> tuple[I64, I64]:
    n = mmsi.shape[0]
    seg = np.full(n, -1, np.int64)
    track = np.full(n, -1, np.int64)
    seg_last = np.empty(n, np.int64)  # last position index of each segment
    seg_n = np.zeros(n, np.int64)
    seg_track = np.empty(n, np.int64)
    track_last = np.empty(n, np.int64)  # latest position index of each track
    open_ids = np.empty(MAX_OPEN, np.int64)
    metrics = np.empty(MAX_OPEN, np.float64)
    n_seg = 0
    n_track = 0
    start = 0
    while start < n:
        end = start
        while end < n and mmsi[end] == mmsi[start]:
            end += 1
        first_track = n_track
        n_open = 0
        for i in range(start, end):
            if not ok[i]:
                continue
            best = -1
            best_metric = 1e300
            k = 0
            while k < n_open:
                s = open_ids[k]
                j = seg_last[s]
                hours = (ts[i] - ts[j]) / US_PER_HOUR
                metrics[k] = -1.0
                if hours > max_hours:
                    # closed for good: positions arrive in time order
                    open_ids[k] = open_ids[n_open - 1]
                    n_open -= 1
                    continue
                alpha = hours / (penalty_hours + hours)
                eff = hours / math.sqrt(1.0 + alpha**hours_exp * hours)
                disc = _discrepancy_nm(
                    lat[j], lon[j], sog[j], cog[j], lat[i], lon[i], sog[i], cog[i], eff
                )
                allowed = (buffer_hours + eff) * max_speed
                if disc < allowed:
                    metric = disc / allowed
                    metrics[k] = metric
                    if metric < best_metric:
                        best_metric = metric
                        best = s
                k += 1
            if best >= 0 and ambiguity >= 1.0:
                # a runner-up about as good as the best: close all of them, start afresh.
                # Segments shorter than ambiguity_min_points (jumps, noise) take no part.
                n_close = 0
                for k2 in range(n_open):
                    if (
                        metrics[k2] >= 0.0
                        and metrics[k2] <= best_metric * ambiguity
                        and seg_n[open_ids[k2]] >= ambiguity_min_points
                    ):
                        n_close += 1
                if n_close > 1:
                    k2 = 0
                    while k2 < n_open:
                        if (
                            metrics[k2] >= 0.0
                            and metrics[k2] <= best_metric * ambiguity
                            and seg_n[open_ids[k2]] >= ambiguity_min_points
                        ):
                            open_ids[k2] = open_ids[n_open - 1]
                            metrics[k2] = metrics[n_open - 1]
                            n_open -= 1
                        else:
                            k2 += 1
                    best = -1
            if best >= 0:
                seg[i] = best
                seg_last[best] = i
                seg_n[best] += 1
                track[i] = seg_track[best]
                track_last[seg_track[best]] = i
                continue
            # new segment: continue a track of this MMSI whose latest position it could have
            # reached at track_max_speed; of several, the nearest in distance plus reach (so
            # recent and close beats old or far). A track another new segment has just extended
            # is judged by that newer position.
            s = n_seg
            n_seg += 1
            seg_last[s] = i
            seg_n[s] = 1
            tr = -1
            best_fit = 1e300
            for q in range(first_track, n_track):
                j = track_last[q]
                hours = (ts[i] - ts[j]) / US_PER_HOUR
                reach = (hours + buffer_hours) * track_max_speed
                dist = _haversine_nm(lat[j], lon[j], lat[i], lon[i])
                if dist <= reach and dist + reach < best_fit:
                    best_fit = dist + reach
                    tr = q
            if tr < 0:
                tr = n_track
                n_track += 1
            track_last[tr] = i
            seg_track[s] = tr
            seg[i] = s
            track[i] = tr
            if n_open == MAX_OPEN:
                # drop the stalest open segment
                worst = 0
                for k2 in range(1, n_open):
                    if seg_last[open_ids[k2]] < seg_last[open_ids[worst]]:
                        worst = k2
                open_ids[worst] = open_ids[n_open - 1]
                n_open -= 1
            open_ids[n_open] = s
            n_open += 1
        start = end
    return seg, track


def segment_positions(
    mmsi: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    sog: F64,
    cog: F64,
    params: SegmentParams,
    validity: ValidityParams,
) -> Segmentation:
    """Label each position with a segment and a track (inputs sorted by mmsi, ts)."""
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    ok = valid_positions(lat, lon, sog, validity)
    sog_c = clean_sog(np.asarray(sog, dtype=np.float64), validity)
    cog_c = np.array(cog, dtype=np.float64, copy=True)
    cog_c[(cog_c < 0) | (cog_c >= 360)] = np.nan
    seg, track = _segment_kernel(
        np.ascontiguousarray(mmsi, dtype=np.int64),
        np.ascontiguousarray(ts, dtype=np.int64),
        lat,
        lon,
        sog_c,
        cog_c,
        ok,
        params.max_hours,
        params.max_speed_kn,
        params.buffer_hours,
        params.penalty_hours,
        params.hours_exp,
        params.track_max_speed_kn,
        params.ambiguity_factor,
        params.ambiguity_min_points,
    )
    _fill_forward(np.ascontiguousarray(mmsi, dtype=np.int64), seg, track)
    return Segmentation(segment=seg, track=track, valid=ok)


@numba.njit(cache=True)
def _fill_forward(mmsi: I64, seg: I64, track: I64) -> None:
    for i in range(1, mmsi.shape[0]):
        if seg[i] < 0 and mmsi[i] == mmsi[i - 1]:
            seg[i] = seg[i - 1]
            track[i] = track[i - 1]


@dataclass(frozen=True)
class SegmentTable:
    """One row per segment: its MMSI, first/last position index, count and first/last time."""

    mmsi: I64
    first: I64
    last: I64
    count: I64
    first_ts: I64
    last_ts: I64
    track: I64
    names: tuple[str, ...]


def segment_table(mmsi: I64, ts: I64, seg: I64, track: I64, valid: B) -> SegmentTable:
    """Per-segment summary (segments numbered 0..n-1 as the kernel produced them)."""
    ok = valid & (seg >= 0)
    n_seg = int(seg[ok].max()) + 1 if ok.any() else 0
    idx = np.flatnonzero(ok)
    s = seg[idx]
    count = np.bincount(s, minlength=n_seg).astype(np.int64)
    first = np.full(n_seg, np.iinfo(np.int64).max, np.int64)
    last = np.full(n_seg, -1, np.int64)
    np.minimum.at(first, s, idx)
    np.maximum.at(last, s, idx)
    present = count > 0
    first = np.where(present, first, 0)
    last = np.where(present, last, 0)
    seen: dict[str, int] = {}
    name_list: list[str] = []
    for m, t in zip(mmsi[first].tolist(), ts[first].tolist(), strict=True):
        base = f"{m}-{np.datetime64(t, 'us').astype('datetime64[s]')}Z"
        k = seen.get(base, 0)
        seen[base] = k + 1
        name_list.append(base if k == 0 else f"{base}-{k + 1}")
    names = tuple(name_list)
    return SegmentTable(
        mmsi=mmsi[first],
        first=first,
        last=last,
        count=count,
        first_ts=ts[first],
        last_ts=ts[last],
        track=track[first],
        names=names,
    )
