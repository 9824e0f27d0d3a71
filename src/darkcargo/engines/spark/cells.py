"""Space-time cells for the distributed encounter join: every close pair found once.

Encounter candidates (one resampled point per track and slot) are cut into cells of
`cell_deg` x `cell_deg` degrees and `slots_per_cell` slots. Each point goes to its own cell
(its *home*) and, as a *ghost*, to every neighbouring cell whose border lies within twice the
pair distance (in longitude: at the most poleward latitude a partner can have, as the kernel's
own sweep measures it); longitudes wrap at the antimeridian and the rows poleward of
`polar_lat` are one cell each. A pair closer than the pair distance therefore always meets in
the home cell of each of its two points, and it is kept only in the home cell of the point of
the lower MMSI: no pair is lost at a border and none counted twice. Pairs only ever join
points of the same slot, so time cells need no overlap.

Pure NumPy over arrays; the pairs inside a cell come from the encounter kernel's own
`close_pairs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from darkcargo.events.kernels.encounters import close_pairs
from darkcargo.geo.distance import EARTH_RADIUS_M

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

DEFAULT_CELL_DEG = 1.0
DEFAULT_CELL_HOURS = 24.0
POLAR_LAT = 85.0


@dataclass(frozen=True)
class CellGrid:
    """The grid: cell size in degrees and slots, and the pair distance it must not lose."""

    r_m: float
    cell_deg: float = DEFAULT_CELL_DEG
    slots_per_cell: int = 144
    polar_lat: float = POLAR_LAT

    def __post_init__(self) -> None:
        rows = 180.0 / self.cell_deg
        if not (0 < self.cell_deg <= 90.0) or abs(rows - round(rows)) > 1e-9:
            raise ValueError(f"cell size {self.cell_deg} degrees must divide 180 (e.g. 0.5, 1, 2)")
        if self.slots_per_cell < 1:
            raise ValueError("a time cell holds at least one slot")
        if 2 * self.lon_margin(np.array([self.polar_lat]))[0] >= self.cell_deg:
            raise ValueError(
                f"cells of {self.cell_deg} degrees are too small for pairs within {self.r_m} m "
                "near the poles; use larger cells"
            )

    @property
    def rows(self) -> int:
        return round(180.0 / self.cell_deg)

    @property
    def cols(self) -> int:
        return 2 * self.rows

    @property
    def lat_margin(self) -> float:
        """Twice the latitude span of the pair distance (the kernel uses 1.001 times it)."""
        return 2.0 * math.degrees(self.r_m / EARTH_RADIUS_M) * 1.001

    def lon_margin(self, lat: F64) -> F64:
        """Twice the longitude span of the pair distance at the most poleward latitude a
        partner of a point at `lat` can have (the kernel's window, doubled)."""
        pole = np.minimum(np.abs(lat) + self.lat_margin, 89.9)
        return 2.0 * np.degrees(self.r_m / EARTH_RADIUS_M) / np.cos(np.radians(pole)) * 1.01

    def row(self, lat: F64) -> I64:
        return np.clip(np.floor((lat + 90.0) / self.cell_deg), 0, self.rows - 1).astype(np.int64)

    def col(self, lon: F64) -> I64:
        c = np.floor(((lon + 180.0) % 360.0) / self.cell_deg).astype(np.int64)
        return np.clip(c, 0, self.cols - 1)

    def polar(self, row: I64) -> B:
        south = -90.0 + row * self.cell_deg
        north = south + self.cell_deg
        return (south < -self.polar_lat) | (north > self.polar_lat)


@dataclass(frozen=True)
class CellCopies:
    """Each copy of a point: which point (`index`), its cell, and whether that is its home."""

    index: I64
    cell_t: I64
    cell_r: I64
    cell_c: I64
    home: B


def assign_cells(grid: CellGrid, slot: I64, lat: F64, lon: F64) -> CellCopies:
    """The home cell of every point and its ghost copies in the neighbouring cells it nears."""
    n = slot.shape[0]
    t = np.floor_divide(slot, grid.slots_per_cell)
    r = grid.row(lat)
    south = -90.0 + r * grid.cell_deg
    dlat = grid.lat_margin
    width = grid.lon_margin(lat)
    parts: list[tuple[I64, I64, I64, B]] = []
    for dr in (-1, 0, 1):
        tr = r + dr
        ok = (tr >= 0) & (tr < grid.rows)
        if dr == -1:
            ok &= lat - south <= dlat
        elif dr == 1:
            ok &= south + grid.cell_deg - lat <= dlat
        polar = grid.polar(np.clip(tr, 0, grid.rows - 1))
        c = grid.col(lon)
        west = -180.0 + c * grid.cell_deg
        for dc in (-1, 0, 1):
            use = ok & ~polar if dc else ok
            if dc == -1:
                use &= lon - west <= width
            elif dc == 1:
                use &= west + grid.cell_deg - lon <= width
            idx = np.flatnonzero(use)
            tc = np.where(polar[idx], 0, (c[idx] + dc) % grid.cols)
            parts.append((idx, tr[idx], tc, np.full(idx.size, dr == 0 and dc == 0)))
    index = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    out = CellCopies(
        index=index,
        cell_t=t[index],
        cell_r=np.concatenate([p[1] for p in parts]),
        cell_c=np.concatenate([p[2] for p in parts]),
        home=np.concatenate([p[3] for p in parts]),
    )
    assert int(out.home.sum()) == n, "every point has exactly one home cell"
    return out


def cell_slots(grid: CellGrid, cell_t: I64, cell_r: I64, cell_c: I64, slot: I64) -> I64:
    """One number per (cell, slot) among the given points' cells, for `owned_pairs`: points of
    different cells never share one, so one call finds the pairs of many cells at once."""
    if slot.shape[0] == 0:
        return np.zeros(0, np.int64)
    key = ((cell_t - cell_t.min()) * grid.rows + cell_r) * grid.cols + cell_c
    _, rank = np.unique(key, return_inverse=True)
    return rank.ravel().astype(np.int64) * grid.slots_per_cell + (
        slot - cell_t * grid.slots_per_cell
    )


def owned_pairs(slot: I64, lat: F64, lon: F64, mmsi: I64, home: B, r_m: float) -> tuple[I64, I64]:
    """Close pairs among the points of one cell (home and ghosts) that this cell owns: those
    whose point of the lower MMSI is at home here. `a` is that point, `b` its partner. For the
    points of many cells at once, pass `cell_slots` as `slot`."""
    i, j = close_pairs(slot, lat, lon, mmsi, r_m)
    low = mmsi[i] < mmsi[j]
    a = np.where(low, i, j)
    b = np.where(low, j, i)
    keep = home[a]
    return a[keep], b[keep]
