"""Distance to shore for the detectors: 0 on land, exact near the coast, cheap far from it.

A position inside the land polygons is 0 km from shore. Natural Earth's land is filled: lakes,
reservoirs and enclosed inland waters (the IJsselmeer, the Great Lakes), river ports and harbour
basins narrower than its 1:10m generalisation all lie inside it, and measuring them to the sea
coast made moored ships "offshore" (a berth at Urk came out 47.6 km from shore). So a point on
land or on inland water is never offshore.

At sea, the land model's nearest-coastline query (a KD-tree over ~2M densified Natural Earth
coastline points) slows down the farther a position is from land, and the detectors' thresholds
(20 nm for loitering, 50 nm for GFW's disabling rule) all lie near the coast. So positions
within `exact_km` get the exact query (with that bound, which keeps it fast) and the rest are
measured to a thinned coastline (one point per `cell_km` cube, so every island keeps a point):
off by at most the cube's diagonal (17 km for 10 km cubes), which beyond `exact_km` never
changes a decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from darkcargo.geo.distance import EARTH_RADIUS_M, chord_to_m, m_to_chord, unit_vectors
from darkcargo.geo.land import Land

F64 = npt.NDArray[np.float64]

EXACT_KM = 120.0
CELL_KM = 10.0


@dataclass(frozen=True)
class ShoreDistance:
    """Callable (lat, lon) -> km: 0 inside `land`, exact below `exact_km`, approximate above.

    `layer` names the land layer and its resolution (recorded in event details)."""

    exact: cKDTree
    coarse: cKDTree
    exact_km: float = EXACT_KM
    land: BaseGeometry | None = None
    layer: str = ""
    _bound: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_bound", m_to_chord(self.exact_km * 1000.0))

    @classmethod
    def from_land(
        cls, land: Land, exact_km: float = EXACT_KM, cell_km: float = CELL_KM
    ) -> ShoreDistance:
        tree: cKDTree = land._coast_tree  # the land model's densified coastline points
        return cls(
            exact=tree,
            coarse=cKDTree(thin(tree.data, cell_km)),
            exact_km=exact_km,
            land=land.geometry,
            layer=f"{land.layer}, inland water counted as land",
        )

    def __call__(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> F64:
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        out = np.full(lat_a.shape, np.nan)
        ok = np.flatnonzero(np.isfinite(lat_a) & np.isfinite(lon_a))
        if ok.size == 0:
            return out
        if self.land is not None:
            inside = shapely.contains_xy(self.land, lon_a[ok], lat_a[ok])
            out[ok[inside]] = 0.0
            ok = ok[~inside]
            if ok.size == 0:
                return out
        xyz = unit_vectors(lat_a[ok], lon_a[ok])
        chord, _ = self.exact.query(xyz, distance_upper_bound=self._bound)
        far = ~np.isfinite(chord)
        if far.any():
            chord[far], _ = self.coarse.query(xyz[far])
        out[ok] = chord_to_m(chord) / 1000.0
        return out


def thin(xyz: F64, cell_km: float) -> F64:
    """One unit vector per cube of `cell_km` (first in input order), so no island is lost."""
    q = np.floor(xyz * (EARTH_RADIUS_M / 1000.0 / cell_km)).astype(np.int64) + (1 << 20)
    key = (q[:, 0] << 42) | (q[:, 1] << 21) | q[:, 2]
    _, first = np.unique(key, return_index=True)
    return np.ascontiguousarray(xyz[np.sort(first)])
