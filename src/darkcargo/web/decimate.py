"""Track decimation for the map: fewer points, same picture, gaps kept as breaks.

Kernels are pure functions over NumPy arrays (no I/O). A track is cut into runs wherever the
time between two fixes exceeds a gap threshold (or where a bounding-box filter drops points), so
a line is never drawn across a dark gap and every gap endpoint survives. Within each run, points
are first snapped to a grid of the tolerance (consecutive points in the same cell collapse to the
first), then simplified with Douglas-Peucker (GEOS, via shapely) at the same tolerance. Run
endpoints are always kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

# A break in the drawn line wherever consecutive fixes are further apart in time than this.
DEFAULT_GAP_BREAK_S = 3600.0
# Tolerance in screen pixels: Web Mercator tiles are 256 px wide at zoom 0.
TILE_PX = 256
PIXEL_TOLERANCE = 1.0
# At most this many fixes per track and request; the tolerance grows until it holds.
DEFAULT_MAX_POINTS = 20_000
# Grid thinning may leave this many times max_points before Douglas-Peucker runs.
GRID_SLACK = 4
MAX_TOLERANCE_STEPS = 8


def tolerance_for_zoom(zoom: float, pixels: float = PIXEL_TOLERANCE) -> float:
    """Degrees of longitude covered by `pixels` screen pixels at Web Mercator zoom `zoom`."""
    return float(pixels * 360.0 / (TILE_PX * 2.0**zoom))


@dataclass(frozen=True)
class Decimated:
    """Indices of kept fixes (ascending) and the run each belongs to (0, 1, ... in order)."""

    index: npt.NDArray[np.int64]
    run: npt.NDArray[np.int64]


def run_ids(
    ts_s: npt.NDArray[np.float64],
    keep: npt.NDArray[np.bool_],
    gap_break_s: float = DEFAULT_GAP_BREAK_S,
) -> npt.NDArray[np.int64]:
    """Run number of each fix: a new run starts after a time gap or after a dropped fix.

    Dropped fixes (keep False) get run -1.
    """
    n = ts_s.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.zeros(n, dtype=bool)
    starts[0] = True
    starts[1:] = (np.diff(ts_s) > gap_break_s) | ~keep[:-1]
    starts &= keep
    # a kept fix whose predecessor was dropped starts a run (covered above); count runs
    runs = np.cumsum(starts) - 1
    return np.where(keep, runs, -1).astype(np.int64)


def bbox_mask(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    bbox: tuple[float, float, float, float] | None,
) -> npt.NDArray[np.bool_]:
    """Fixes inside bbox (west, south, east, north), plus one neighbour on each side, so that
    lines leaving the view are still drawn to its edge."""
    finite = np.isfinite(lat) & np.isfinite(lon)
    if bbox is None:
        return finite
    west, south, east, north = bbox
    inside = finite & (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    grown = inside.copy()
    grown[1:] |= inside[:-1]
    grown[:-1] |= inside[1:]
    return grown & finite


def grid_thin(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    run: npt.NDArray[np.int64],
    tolerance_deg: float,
) -> npt.NDArray[np.bool_]:
    """Keep a fix when its grid cell (or run) differs from the previous fix's, and run ends."""
    n = lat.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    cx = np.floor(lon / tolerance_deg).astype(np.int64)
    cy = np.floor(lat / tolerance_deg).astype(np.int64)
    keep = np.ones(n, dtype=bool)
    keep[1:] = (cx[1:] != cx[:-1]) | (cy[1:] != cy[:-1]) | (run[1:] != run[:-1])
    last = np.ones(n, dtype=bool)
    last[:-1] = run[1:] != run[:-1]
    return keep | last


def _douglas_peucker(
    sel: npt.NDArray[np.int64],
    r: npt.NDArray[np.int64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    tolerance_deg: float,
) -> npt.NDArray[np.int64]:
    """Douglas-Peucker per run over fixes `sel` (runs `r`), vectorised over runs of 3+ fixes.

    The fix index rides along as the Z coordinate, which GEOS keeps on retained vertices.
    """
    counts = np.bincount(r - r.min())
    long_run = np.repeat(counts >= 3, counts)
    out = [sel[~long_run]]
    if long_run.any():
        idx_long = sel[long_run]
        coords = np.column_stack((lon[idx_long], lat[idx_long], idx_long.astype(np.float64)))
        _, dense = np.unique(r[long_run], return_inverse=True)
        lines = shapely.linestrings(coords, indices=dense)
        simple = shapely.simplify(lines, tolerance_deg, preserve_topology=False)
        kept = shapely.get_coordinates(simple, include_z=True)[:, 2]
        out.append(np.rint(kept).astype(np.int64))
    return np.unique(np.concatenate(out))


def decimate_track(
    ts_s: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    tolerance_deg: float,
    bbox: tuple[float, float, float, float] | None = None,
    gap_break_s: float = DEFAULT_GAP_BREAK_S,
    max_points: int = DEFAULT_MAX_POINTS,
) -> Decimated:
    """Decimate one vessel's track (fixes sorted by time) for display at `tolerance_deg`.

    The tolerance grows (never the gap breaks or run endpoints) until at most `max_points`
    fixes remain, so a wiggly track at a close zoom cannot flood the page. Returns the kept
    fixes' indices into the input and their run numbers, renumbered 0..k-1. A tolerance of 0
    keeps every fix in view.
    """
    ts_s = np.asarray(ts_s, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    in_view = bbox_mask(lat, lon, bbox)
    run = run_ids(ts_s, in_view, gap_break_s)
    sel = np.flatnonzero(in_view)
    if sel.size == 0:
        return Decimated(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    index = sel
    if tolerance_deg > 0:
        tol = tolerance_deg
        thin = sel[grid_thin(lat[sel], lon[sel], run[sel], tol)]
        # cheap O(n) grid passes first, so Douglas-Peucker never sees a flood of fixes
        for _ in range(MAX_TOLERANCE_STEPS):
            if thin.size <= GRID_SLACK * max_points:
                break
            tol *= float(np.sqrt(thin.size / (GRID_SLACK * max_points))) * 1.2
            thin = thin[grid_thin(lat[thin], lon[thin], run[thin], tol)]
        index = _douglas_peucker(thin, run[thin], lat, lon, tol)
        for _ in range(MAX_TOLERANCE_STEPS):
            if index.size <= max_points:
                break
            tol *= 2.0
            index = _douglas_peucker(index, run[index], lat, lon, tol)
    runs = run[index]
    _, renum = np.unique(runs, return_inverse=True)
    return Decimated(index.astype(np.int64), renum.astype(np.int64))
