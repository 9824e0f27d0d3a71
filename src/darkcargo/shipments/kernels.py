"""Pure array functions of dark port-call inference (no I/O, no workspace).

Times are int64 microseconds (UTC), distances metres, speeds knots. Candidate rows are
(silence, port) pairs; `group` numbers the silence each candidate belongs to.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from darkcargo.geo.distance import NM_M

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

US_PER_HOUR = 3_600_000_000
KN_M_PER_US = NM_M / US_PER_HOUR  # metres per microsecond at 1 kn


def sail_us(distance_m: npt.ArrayLike, speed_kn: npt.ArrayLike) -> I64:
    """Microseconds to sail a distance at a speed (inf distance -> a huge time)."""
    d = np.asarray(distance_m, dtype=np.float64)
    v = np.asarray(speed_kn, dtype=np.float64)
    t = np.where(np.isfinite(d), d / (v * KN_M_PER_US), 9.0e18)
    return np.minimum(t, 9.0e18).astype(np.int64)


def stay_window(t0: I64, t1: I64, d_in_m: F64, d_out_m: F64, speed_kn: F64) -> tuple[I64, I64]:
    """Earliest arrival at the port and latest departure from it, sailing at speed_kn from the
    silence's start and back to its end: the widest stay the silence allows at that speed."""
    return t0 + sail_us(d_in_m, speed_kn), t1 - sail_us(d_out_m, speed_kn)


def reachable(
    t0: I64, t1: I64, d_in_m: F64, d_out_m: F64, top_kn: F64, min_dwell_hours: float
) -> B:
    """Whether the port can be reached from the silence's start, stayed at for min_dwell_hours
    and left in time to be where AIS came back, at top_kn."""
    arrive, depart = stay_window(t0, t1, d_in_m, d_out_m, top_kn)
    return np.asarray(
        (depart - arrive >= min_dwell_hours * US_PER_HOUR)
        & np.isfinite(d_in_m)
        & np.isfinite(d_out_m)
    )


def at_port_possible(ts: I64, t0: I64, t1: I64, d_in_m: F64, d_out_m: F64, top_kn: F64) -> B:
    """Whether the vessel could be at the port at time ts (a radar image) between a silence's
    start t0 and end t1, at top_kn (an open end: t0 or t1 of the int64 extremes)."""
    arrive, depart = stay_window(t0, t1, d_in_m, d_out_m, top_kn)
    lo = np.where(t0 <= np.iinfo(np.int64).min // 2, t0, arrive)
    hi = np.where(t1 >= np.iinfo(np.int64).max // 2, t1, depart)
    return np.asarray((ts >= lo) & (ts <= hi))


def heading_agreement(course_deg: F64, speed_kn: F64, bearing_deg: F64, min_kn: float) -> F64:
    """cos(course - bearing) where the vessel was moving at least min_kn; 0 (no information)
    where it was slower, or the course or bearing is unknown."""
    ok = (
        np.isfinite(course_deg)
        & np.isfinite(bearing_deg)
        & np.isfinite(speed_kn)
        & (speed_kn >= min_kn)
        & (course_deg >= 0)
        & (course_deg < 360)
    )
    diff = np.radians(np.where(ok, course_deg - bearing_deg, 90.0))
    return np.asarray(np.where(ok, np.cos(diff), 0.0))


def idle_share(gap_hours: F64, direct_m: F64, typical_kn: F64) -> F64:
    """Share of a silence not needed to sail straight between its ends at the typical speed:
    near 1 for a vessel that stopped somewhere, near 0 for one that kept sailing."""
    need_h = direct_m / NM_M / np.maximum(typical_kn, 0.1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = 1.0 - need_h / gap_hours
    return np.asarray(np.clip(np.nan_to_num(share, nan=0.0), 0.0, 1.0))


def group_min(group: I64, values: F64, n_groups: int) -> F64:
    """Per candidate, the minimum of values over its group."""
    out = np.full(n_groups, np.inf)
    np.minimum.at(out, group, values)
    return out[group]


def softmax_with_none(group: I64, logit: F64, none_logit: F64) -> tuple[F64, F64]:
    """Per candidate, exp(logit) / (exp(none) + sum of its group's exp(logits)); and per group,
    the share left to "no call". `none_logit` is per group."""
    n_groups = len(none_logit)
    top = np.maximum(none_logit.copy(), -np.inf)
    np.maximum.at(top, group, logit)
    e = np.exp(logit - top[group])
    total = np.exp(none_logit - top)
    np.add.at(total, group, e)
    return e / total[group], np.exp(none_logit - top) / total if n_groups else np.zeros(0)


def length_matches(target_m: F64, vessel_m: F64, tolerance_m: float, tolerance_share: float) -> B:
    """Whether radar lengths agree with vessel lengths (unknown lengths never agree)."""
    tol = np.maximum(tolerance_m, tolerance_share * vessel_m)
    return np.asarray(
        np.isfinite(target_m) & np.isfinite(vessel_m) & (np.abs(target_m - vessel_m) <= tol)
    )


def pairs_in_windows(key_a: I64, lo: I64, hi: I64, key_b: I64, ts: I64) -> tuple[I64, I64]:
    """All (a, b) index pairs with key_a[a] == key_b[b] and lo[a] <= ts[b] <= hi[a]: windows
    (candidate, port) against timed items at ports (radar targets, scenes, sightings).

    Per key (a port: few), the items are sorted by time and each window's range found by
    binary search; the pairs are as many as the hits, never len(a) x len(b)."""
    out_a: list[I64] = []
    out_b: list[I64] = []
    for k in np.intersect1d(key_a, key_b):
        ia = np.flatnonzero(key_a == k)
        ib = np.flatnonzero(key_b == k)
        ib = ib[np.argsort(ts[ib], kind="stable")]
        tb = ts[ib]
        start = np.searchsorted(tb, lo[ia], "left")
        stop = np.searchsorted(tb, hi[ia], "right")
        counts = np.maximum(stop - start, 0)
        offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        out_a.append(np.repeat(ia, counts))
        out_b.append(ib[np.repeat(start, counts) + offs])
    if not out_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_a).astype(np.int64), np.concatenate(out_b).astype(np.int64)
