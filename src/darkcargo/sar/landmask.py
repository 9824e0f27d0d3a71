"""Land for radar scenes: the package's vector coastline (Natural Earth via darkcargo.geo.land),
buffered by a stated distance, drawn into the scene's pixel grid; and the labels of targets near
the shore or inside a port radius.

Never a mask made from image brightness: bright land and bright ships look alike to a threshold.
Outside port radii land is grown by ``buffer_m`` (Natural Earth is generalised, up to ~1 km off
in places, and coastal clutter is bright); inside the port radii of the case it is grown by
``port_buffer_m`` only (0 by default), because berthed ships are what an investigation is about;
targets there are kept and labelled near-shore with the port's id.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import shapely
from shapely.strtree import STRtree

from darkcargo.config import Port
from darkcargo.geo.distance import haversine_m
from darkcargo.geo.land import load_land
from darkcargo.sar.georef import Georef
from darkcargo.sar.params import LandParams

F64 = npt.NDArray[np.float64]
# Land farther than this beyond the scene (plus the buffer) is left out before buffering.
CLIP_MARGIN_M = 5_000.0


@cache
def _land_index(resolution: str) -> tuple[STRtree, list[shapely.Geometry]]:
    geometry = load_land(resolution).geometry
    parts = list(getattr(geometry, "geoms", [geometry]))
    return STRtree(parts), parts


def land_in_box(
    box: tuple[float, float, float, float], resolution: str = "10m"
) -> shapely.Geometry:
    """Natural Earth land inside (west, south, east, north), valid and merged (may be empty)."""
    tree, parts = _land_index(resolution)
    idx = tree.query(shapely.box(*box))
    # clip each polygon first (Natural Earth's continents are huge and not all valid as one)
    pieces = [shapely.make_valid(shapely.clip_by_rect(parts[i], *box)) for i in idx]
    pieces = [q for q in pieces if not q.is_empty]
    return shapely.union_all(pieces) if pieces else shapely.GeometryCollection()


def coastline_text(p: LandParams) -> str:
    return (
        f"Natural Earth {p.resolution} coast, land grown {p.buffer_m:g} m "
        f"({p.port_buffer_m:g} m inside port radii)"
    )


@dataclass
class SceneLand:
    """Land of one scene in pixel coordinates (x = column, y = row), ready to rasterise."""

    pixel_geometry: shapely.Geometry | None
    ports_inside: list[Port]

    def mask(self, r0: int, r1: int, c0: int, c1: int) -> npt.NDArray[np.bool_] | None:
        """Land pixels of the window [r0:r1, c0:c1], or None when the window has none."""
        g = self.pixel_geometry
        if g is None or g.is_empty:
            return None
        box = shapely.box(c0, r0, c1, r1)
        if not shapely.intersects(g, box):
            return None
        from affine import Affine
        from rasterio.features import rasterize

        part = shapely.intersection(g, box)
        if part.is_empty:
            return None
        out = rasterize(
            [part],
            out_shape=(r1 - r0, c1 - c0),
            transform=Affine(1.0, 0.0, float(c0), 0.0, 1.0, float(r0)),
            fill=0,
            default_value=1,
            dtype="uint8",
        )
        return np.asarray(out, dtype=bool)


def scene_land(georef: Georef, ports: Sequence[Port], p: LandParams) -> SceneLand:
    """The scene's land mask geometry in pixel space (None without a georeference)."""
    foot = georef.footprint()
    if foot is None:
        return SceneLand(None, [])
    lon0, lat0 = foot.centroid.x, foot.centroid.y
    m_lat = math.pi * 6_371_008.8 / 180.0
    m_lon = m_lat * math.cos(math.radians(lat0))

    def to_local(xy: F64) -> F64:
        return np.column_stack(((xy[:, 0] - lon0) * m_lon, (xy[:, 1] - lat0) * m_lat))

    def to_pixel(xy: F64) -> F64:
        lon = xy[:, 0] / m_lon + lon0
        lat = xy[:, 1] / m_lat + lat0
        r, c = georef.pixel(lon, lat)
        return np.column_stack((c, r))

    grow = max(p.buffer_m, p.port_buffer_m, 0.0) + CLIP_MARGIN_M
    w, s, e, n = foot.bounds
    dlat, dlon = grow / m_lat, grow / m_lon
    clip = shapely.box(w - dlon, s - dlat, e + dlon, n + dlat)
    inside = [
        port
        for port in ports
        if shapely.intersects(
            clip, shapely.Point(port.lon, port.lat).buffer(port.radius_km / 100.0)
        )
    ]
    land = land_in_box(clip.bounds, p.resolution)
    if land.is_empty:
        return SceneLand(None, inside)
    local = shapely.transform(land, to_local)
    outside = shapely.buffer(local, p.buffer_m) if p.buffer_m else local
    if inside:
        discs = shapely.union_all(
            [
                shapely.Point((q.lon - lon0) * m_lon, (q.lat - lat0) * m_lat).buffer(
                    q.radius_km * 1000.0, 64
                )
                for q in inside
            ]
        )
        in_ports = shapely.buffer(local, p.port_buffer_m) if p.port_buffer_m else local
        mask = shapely.union(
            shapely.difference(outside, discs), shapely.intersection(in_ports, discs)
        )
    else:
        mask = outside
    # the image's own box in local metres keeps the pixel geometry small
    mask = shapely.intersection(mask, shapely.transform(clip, to_local))
    return SceneLand(shapely.make_valid(shapely.transform(mask, to_pixel)), inside)


@dataclass
class ShoreLabels:
    near_shore: npt.NDArray[np.bool_]
    port_id: list[str | None]
    shore_m: F64


def shore_labels(lat: F64, lon: F64, ports: Sequence[Port], p: LandParams) -> ShoreLabels:
    """Near-shore flag, port id (the nearest port whose radius holds the point) and distance to
    the coast for each target; all unknown (False, None, NaN) without positions."""
    n = len(lat)
    ok = np.isfinite(lat) & np.isfinite(lon)
    shore = np.full(n, np.nan)
    port_id: list[str | None] = [None] * n
    if n == 0 or not ok.any():
        return ShoreLabels(np.zeros(n, dtype=bool), port_id, shore)
    shore[ok] = load_land(p.resolution).distance_to_shore_km(lat[ok], lon[ok]) * 1000.0
    in_port = np.zeros(n, dtype=bool)
    if ports:
        plat = np.array([q.lat for q in ports])
        plon = np.array([q.lon for q in ports])
        prad = np.array([q.radius_km * 1000.0 for q in ports])
        d = haversine_m(lat[:, None], lon[:, None], plat[None, :], plon[None, :])
        d = np.where(d <= prad[None, :], d, np.inf)
        best = np.argmin(d, axis=1)
        in_port = np.isfinite(d[np.arange(n), best])
        ids = [q.id for q in ports]
        port_id = [ids[b] if inside else None for b, inside in zip(best, in_port, strict=True)]
    near = in_port | (ok & (shore < p.near_shore_m))
    return ShoreLabels(near, port_id, shore)
