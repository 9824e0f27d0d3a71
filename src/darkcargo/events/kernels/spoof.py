"""Spoof jumps and shared MMSIs, read off the segmentation.

- A *jump*: a short segment (<= `noise_max_points` positions, <= `noise_max_hours`) lying inside
  the time span of a longer segment of the same MMSI, reached from it at an implied speed above
  `spoof.max_speed_kn` and at least `spoof.min_distance_km` away. Its positions are marked noise so
  the other detectors see the vessel where it really was.
- A *teleport*: a segment that starts shortly after another of the same MMSI ended (within
  `segment.max_hours`), with no overlap, at an impossible implied speed: one vessel whose reported
  position jumped and stayed. Its track is merged into the earlier one.
- An *impossible move*: the same, after a silence longer than `segment.max_hours` (Busan, then
  Nouadhibou five days later at 58 kn): flagged at confidence 0.5, tracks not merged.
- A *shared MMSI*: two long segments (>= `shared_min_points`) on different tracks overlapping in
  time by >= `shared_min_hours`: two transmitters, not a jump.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from darkcargo.events.kernels.common import (
    F64,
    I64,
    US_PER_HOUR,
    B,
    EventColumns,
    evidence_json,
    rounded,
)
from darkcargo.events.kernels.segment import SegmentTable
from darkcargo.events.params import SegmentParams, SpoofParams
from darkcargo.geo.distance import haversine_m


@dataclass(frozen=True)
class SpoofResult:
    noise: B  # per batch position: part of a jump
    track: I64  # per batch position: track after merging teleports
    events: EventColumns


def detect_spoofing(
    mmsi: I64,
    ts: I64,
    lat: F64,
    lon: F64,
    seg: I64,
    track: I64,
    valid: B,
    source_id: I64,
    row_id: I64,
    segs: SegmentTable,
    seg_params: SegmentParams,
    params: SpoofParams,
) -> SpoofResult:
    """Find jumps, teleports and shared MMSIs (inputs sorted by mmsi, ts)."""
    noise = np.zeros(mmsi.shape[0], dtype=bool)
    track = track.copy()
    events = EventColumns()
    n_seg = segs.count.shape[0]
    if n_seg == 0:
        return SpoofResult(noise, track, events)
    dur_h = (segs.last_ts - segs.first_ts) / US_PER_HOUR
    short = (segs.count <= seg_params.noise_max_points) & (dur_h <= seg_params.noise_max_hours)
    long_ = ~short & (segs.count > 0)
    order = np.lexsort((segs.first_ts, segs.mmsi))
    bounds = np.flatnonzero(np.diff(segs.mmsi[order])) + 1
    track_map = np.arange(int(track.max()) + 1 if track.size else 0)
    cols = (mmsi, ts, lat, lon, source_id, row_id)
    for group in np.split(order, bounds):
        if group.size < 2:
            continue
        # jumps: short segments inside a long segment's span
        hosts = group[long_[group]]
        for s in group[short[group]]:
            inside = hosts[
                (segs.first_ts[hosts] <= segs.first_ts[s])
                & (segs.last_ts[hosts] >= segs.last_ts[s])
            ]
            if inside.size == 0:
                continue
            host = inside[np.argmax(segs.count[inside])]
            i = segs.first[s]
            # host position just before the jump
            lo, hi = segs.first[host], i
            prev = np.flatnonzero((seg[lo:hi] == host) & valid[lo:hi])
            if prev.size == 0:
                continue
            j = lo + prev[-1]
            dist_km = float(haversine_m(lat[j], lon[j], lat[i], lon[i])) / 1000.0
            hours = max((ts[i] - ts[j]) / US_PER_HOUR, 1.0 / 3600.0)
            speed = dist_km / 1.852 / hours
            if dist_km < params.min_distance_km or speed <= params.max_speed_kn:
                continue
            members = np.flatnonzero(seg == s)
            noise[members] = True
            events.add(
                "spoof_jump",
                mmsi[i],
                ts[i],
                ts[segs.last[s]],
                lat=lat[i],
                lon=lon[i],
                end_lat=lat[j],
                end_lon=lon[j],
                segment_id=segs.names[host],
                evidence=evidence_json(source_id[members], row_id[members]),
                details={
                    "jump_km": rounded(dist_km),
                    "implied_speed_kn": rounded(speed, 1),
                    "n_positions": int(members.size),
                    "mode": "jump",
                    "host_segment": segs.names[host],
                },
                confidence=1.0,
            )
        # teleports and shared MMSIs among long segments
        longs = group[long_[group]]
        for a_pos, a in enumerate(longs):
            for b in longs[a_pos + 1 :]:
                overlap_h = (
                    min(segs.last_ts[a], segs.last_ts[b]) - max(segs.first_ts[a], segs.first_ts[b])
                ) / US_PER_HOUR
                if overlap_h >= seg_params.shared_min_hours:
                    if (
                        segs.count[a] >= seg_params.shared_min_points
                        and segs.count[b] >= seg_params.shared_min_points
                        and track_map[segs.track[a]] != track_map[segs.track[b]]
                    ):
                        ia, ib = segs.first[b], segs.last[a]
                        events.add(
                            "shared_mmsi",
                            mmsi[segs.first[a]],
                            max(segs.first_ts[a], segs.first_ts[b]),
                            min(segs.last_ts[a], segs.last_ts[b]),
                            lat=lat[ia],
                            lon=lon[ia],
                            end_lat=lat[ib],
                            end_lon=lon[ib],
                            segment_id=segs.names[a],
                            details={
                                "segments": [segs.names[a], segs.names[b]],
                                "overlap_hours": rounded(overlap_h, 2),
                            },
                            confidence=1.0,
                        )
                    continue
                if overlap_h > 0:
                    continue
                first, second = (a, b) if segs.first_ts[a] <= segs.first_ts[b] else (b, a)
                gap_h = (segs.first_ts[second] - segs.last_ts[first]) / US_PER_HOUR
                far_apart = gap_h > seg_params.max_hours
                if not far_apart and track_map[segs.track[first]] == track_map[segs.track[second]]:
                    continue
                # is anything else of this MMSI alive in between? then it is not one vessel
                others = longs[(longs != first) & (longs != second)]
                busy = (segs.first_ts[others] <= segs.first_ts[second]) & (
                    segs.last_ts[others] >= segs.last_ts[first]
                )
                if busy.any():
                    continue
                j, i = segs.last[first], segs.first[second]
                dist_km = float(haversine_m(lat[j], lon[j], lat[i], lon[i])) / 1000.0
                speed = dist_km / 1.852 / max(gap_h, 1.0 / 3600.0)
                if dist_km < params.min_distance_km or speed <= params.max_speed_kn:
                    continue
                if far_apart:
                    # Busan, then Nouadhibou five days later: faster than any ship, however long
                    # the silence. Flagged (an impossible move); the tracks stay apart (which
                    # one is the vessel's own is not known).
                    _add_teleport(events, segs, first, second, j, i, dist_km, speed, gap_h, cols)
                    continue
                track_map[track_map == track_map[segs.track[second]]] = track_map[segs.track[first]]
                # One fix that left and came back (a GPS glitch at a berth, taken into the
                # earlier segment by its allowance): the fix before it is within reach of the
                # later segment. That fix is the jump, not the later segment.
                lo = segs.first[first]
                before = np.flatnonzero((seg[lo:j] == first) & valid[lo:j] & ~noise[lo:j])
                if before.size:
                    k = lo + before[-1]
                    back_km = float(haversine_m(lat[k], lon[k], lat[i], lon[i])) / 1000.0
                    back_h = max((ts[i] - ts[k]) / US_PER_HOUR, 1.0 / 3600.0)
                    if (
                        back_km < params.min_distance_km
                        or back_km / 1.852 / back_h <= params.max_speed_kn
                    ):
                        out_km = float(haversine_m(lat[k], lon[k], lat[j], lon[j])) / 1000.0
                        out_h = max((ts[j] - ts[k]) / US_PER_HOUR, 1.0 / 3600.0)
                        noise[j] = True
                        events.add(
                            "spoof_jump",
                            mmsi[j],
                            ts[j],
                            ts[j],
                            lat=lat[j],
                            lon=lon[j],
                            end_lat=lat[k],
                            end_lon=lon[k],
                            segment_id=segs.names[first],
                            evidence=evidence_json(source_id[j : j + 1], row_id[j : j + 1]),
                            details={
                                "jump_km": rounded(out_km),
                                # the faster of the two legs: out to the fix, back from it
                                "implied_speed_kn": rounded(max(out_km / 1.852 / out_h, speed), 1),
                                "n_positions": 1,
                                "mode": "jump",
                                "host_segment": segs.names[first],
                            },
                            confidence=1.0,
                        )
                        continue
                _add_teleport(events, segs, first, second, j, i, dist_km, speed, None, cols)
    has = track >= 0
    track[has] = track_map[track[has]]
    return SpoofResult(noise, track, events)


def _add_teleport(
    events: EventColumns,
    segs: SegmentTable,
    first: int,
    second: int,
    j: int,
    i: int,
    dist_km: float,
    speed: float,
    far_apart_hours: float | None,
    cols: tuple[I64, I64, F64, F64, I64, I64],
) -> None:
    """A teleport from position j (end of segment `first`) to i (start of `second`); after a
    silence longer than a segment may bridge (`far_apart_hours`), an impossible move."""
    mmsi, ts, lat, lon, source_id, row_id = cols
    lo, hi = max(j - 2, 0), min(i + 3, mmsi.shape[0])
    details: dict[str, object] = {
        "jump_km": rounded(dist_km),
        "implied_speed_kn": rounded(speed, 1),
        "mode": "teleport" if far_apart_hours is None else "impossible_move",
        "from_segment": segs.names[first],
    }
    if far_apart_hours is not None:
        details["hours"] = rounded(far_apart_hours, 1)
    events.add(
        "spoof_jump",
        mmsi[i],
        ts[j],
        ts[i],
        lat=lat[i],
        lon=lon[i],
        end_lat=lat[j],
        end_lon=lon[j],
        segment_id=segs.names[second],
        evidence=evidence_json(source_id[lo:hi], row_id[lo:hi]),
        details=details,
        confidence=0.7 if far_apart_hours is None else 0.5,
    )
