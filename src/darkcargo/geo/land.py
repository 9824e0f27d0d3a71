"""Land mask and coastline from Natural Earth (npm package `world-atlas`, installed at set-up).

Natural Earth is generalised: at berths use port radii, not the land mask. Distances to shore
are to the nearest coastline vertex, after densifying each coastline edge to at most
`DENSIFY_KM`, so they err by at most half that.

Natural Earth's land polygons are filled: lakes, reservoirs and enclosed inland waters (the
IJsselmeer, the Great Lakes, Ladoga) are inside them, and their shores are not coastline. So
`distance_to_shore_km` measured from a point on such water is to the sea coast (47 km from the
harbour of Urk); the detectors' distance (`darkcargo.events.shore`) counts every point inside
the land polygons as 0 km from shore instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from darkcargo.assets import asset_path
from darkcargo.geo.distance import chord_to_m, unit_vectors

DENSIFY_KM = 1.0
RESOLUTIONS = ("10m", "50m", "110m")


def decode_topojson(topo: dict, object_name: str) -> BaseGeometry:
    """Decode one TopoJSON object (quantized, delta-encoded arcs) into a shapely geometry."""
    transform = topo.get("transform")
    arcs: list[np.ndarray] = []
    for arc in topo["arcs"]:
        a = np.asarray(arc, dtype=np.float64)
        if transform:
            a = np.cumsum(a, axis=0)
            a = a * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(a)

    def ring(indices: list[int]) -> np.ndarray:
        parts = []
        for k, i in enumerate(indices):
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(a if k == 0 else a[1:])
        return np.concatenate(parts)

    def polygon(rings: list[list[int]]) -> shapely.Polygon:
        coords = [ring(r) for r in rings]
        return shapely.Polygon(coords[0], coords[1:])

    polys: list[shapely.Polygon] = []

    def visit(geom: dict) -> None:
        kind = geom.get("type")
        if kind == "GeometryCollection":
            for g in geom["geometries"]:
                visit(g)
        elif kind == "Polygon":
            polys.append(polygon(geom["arcs"]))
        elif kind == "MultiPolygon":
            polys.extend(polygon(p) for p in geom["arcs"])

    visit(topo["objects"][object_name])
    return shapely.MultiPolygon(polys)


@dataclass(frozen=True)
class Land:
    """Land polygons with a point-on-land test and distance to the nearest shore."""

    geometry: BaseGeometry
    resolution: str
    _coast_tree: cKDTree
    source: str = ""  # where the polygons came from, e.g. "world-atlas-2.0.2/land-10m.json"

    @property
    def layer(self) -> str:
        """The layer and its resolution in words, for event details and exports."""
        return f"Natural Earth 1:{self.resolution} land ({self.source or 'world-atlas'})"

    def is_land(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        return np.asarray(shapely.contains_xy(self.geometry, np.asarray(lon), np.asarray(lat)))

    def distance_to_shore_km(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """Distance in km to the nearest coastline point (0 never occurs exactly; land is not
        signed: a point inland or on a lake gets its distance to the sea coast)."""
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        out = np.full(lat_a.shape, np.nan)
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        if ok.any():
            chord, _ = self._coast_tree.query(unit_vectors(lat_a[ok], lon_a[ok]))
            out[ok] = chord_to_m(chord) / 1000.0
        return out

    def crosses_land(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> bool:
        """Whether the polyline through the points touches land anywhere."""
        line = shapely.LineString(np.column_stack((np.asarray(lon), np.asarray(lat))))
        return bool(shapely.intersects(self.geometry, line))


def _coast_points(geometry: BaseGeometry) -> np.ndarray:
    boundary = shapely.boundary(geometry)
    # densify in degrees: 1 km ~ 0.009 deg of latitude; longitude edges only get denser at high lat
    dense = shapely.segmentize(boundary, max_segment_length=DENSIFY_KM / 111.0)
    return np.asarray(shapely.get_coordinates(dense))


@cache
def load_land(resolution: str = "10m", path: str | None = None) -> Land:
    """Load (once per process) the Natural Earth land polygons at 10m, 50m or 110m."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS}")
    file = Path(path) if path else asset_path("world-atlas", f"land-{resolution}.json")
    topo = json.loads(file.read_text())
    geometry = decode_topojson(topo, "land")
    # No make_valid: neighbouring polygons share edges (invalid as one MultiPolygon) but
    # point-in-polygon and distance queries are unaffected, and repair costs ~12 s at 10m.
    shapely.prepare(geometry)
    coast = _coast_points(geometry)
    tree = cKDTree(unit_vectors(coast[:, 1], coast[:, 0]))
    source = f"{file.parent.name}/{file.name}"
    return Land(geometry=geometry, resolution=resolution, _coast_tree=tree, source=source)
