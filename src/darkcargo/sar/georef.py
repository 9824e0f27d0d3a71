"""Pixel <-> WGS84 for radar scenes: from an affine transform, from ground control points, or
none (a plain chip with a stated pixel size).

Pixel coordinates here are continuous with the origin at the top-left corner of pixel (0, 0):
pixel (r, c) covers [r, r+1) x [c, c+1) and its centre is (r + 0.5, c + 0.5).

GCPs are interpolated with a thin-plate spline through GDAL (exact at every GCP, smooth between),
which follows a Sentinel-1 GRD's geolocation grid to a few metres; an affine fit would miss by
hundreds of metres across a 250 km scene.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from darkcargo.geo.distance import bearing_deg, haversine_m

F64 = npt.NDArray[np.float64]
WGS84 = "EPSG:4326"
# A spline through this many GCPs or more; fewer get GDAL's polynomial fit.
TPS_MIN_GCPS = 6


def _to_wgs84(crs: Any, x: F64, y: F64) -> tuple[F64, F64]:
    if crs is None or _is_wgs84(crs):
        return x, y
    from rasterio.warp import transform

    lon, lat = transform(crs, WGS84, x.tolist(), y.tolist())
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def _from_wgs84(crs: Any, lon: F64, lat: F64) -> tuple[F64, F64]:
    if crs is None or _is_wgs84(crs):
        return lon, lat
    from rasterio.warp import transform

    x, y = transform(WGS84, crs, lon.tolist(), lat.tolist())
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _is_wgs84(crs: Any) -> bool:
    try:
        return bool(crs.to_epsg() == 4326)
    except Exception:  # pragma: no cover - unusual CRS objects
        return False


@dataclass
class Georef:
    """How a scene's pixels sit on the Earth. kind: 'transform', 'gcps' or 'none'."""

    kind: str
    rows: int
    cols: int
    crs_text: str = ""
    stated_pixel_m: float | None = None
    _transform: Any = None  # affine.Affine for 'transform'
    _crs: Any = None
    _gcp: Any = None  # rasterio GCPTransformer for 'gcps'
    _cache: dict[str, Any] = field(default_factory=dict)

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_transform(cls, transform: Any, crs: Any, rows: int, cols: int) -> Georef:
        return cls("transform", rows, cols, str(crs or ""), _transform=transform, _crs=crs)

    @classmethod
    def from_gcps(cls, gcps: list[Any], crs: Any, rows: int, cols: int) -> Georef:
        from rasterio.transform import GCPTransformer

        tps = len(gcps) >= TPS_MIN_GCPS
        return cls(
            "gcps", rows, cols, str(crs or WGS84), _crs=crs, _gcp=GCPTransformer(gcps, tps=tps)
        )

    @classmethod
    def none(cls, rows: int, cols: int, pixel_m: float) -> Georef:
        return cls("none", rows, cols, "", stated_pixel_m=pixel_m)

    @property
    def located(self) -> bool:
        return self.kind != "none"

    # -- pixel <-> lon/lat ----------------------------------------------------------------------
    def lonlat(self, rows: npt.ArrayLike, cols: npt.ArrayLike) -> tuple[F64, F64]:
        """WGS84 (lon, lat) of continuous pixel coordinates; NaN without a georeference."""
        r = np.atleast_1d(np.asarray(rows, dtype=np.float64))
        c = np.atleast_1d(np.asarray(cols, dtype=np.float64))
        if self.kind == "none" or r.size == 0:
            return np.full(r.shape, np.nan), np.full(r.shape, np.nan)
        if self.kind == "transform":
            t = self._transform
            x = t.a * c + t.b * r + t.c
            y = t.d * c + t.e * r + t.f
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                xs, ys = self._gcp.xy(r.tolist(), c.tolist(), offset="ul")
            x, y = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        return _to_wgs84(self._crs, x, y)

    def pixel(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[F64, F64]:
        """Continuous (row, col) of WGS84 points (may fall outside the image)."""
        lo = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        la = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        if self.kind == "none" or lo.size == 0:
            return np.full(lo.shape, np.nan), np.full(lo.shape, np.nan)
        x, y = _from_wgs84(self._crs, lo, la)
        if self.kind == "transform":
            inv = ~self._transform
            c = inv.a * x + inv.b * y + inv.c
            r = inv.d * x + inv.e * y + inv.f
            return np.asarray(r, dtype=np.float64), np.asarray(c, dtype=np.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rr, cc = self._gcp.rowcol(x.tolist(), y.tolist(), op=lambda v: v)
        return np.asarray(rr, dtype=np.float64), np.asarray(cc, dtype=np.float64)

    # -- derived geometry -----------------------------------------------------------------------
    def pixel_size_m(self) -> tuple[float, float]:
        """(row spacing, column spacing) in metres at the scene centre."""
        if "px" in self._cache:
            return self._cache["px"]  # type: ignore[no-any-return]
        if self.kind == "none":
            assert self.stated_pixel_m is not None
            out = (self.stated_pixel_m, self.stated_pixel_m)
        else:
            r0, c0 = self.rows / 2.0, self.cols / 2.0
            step = max(1.0, min(self.rows, self.cols) / 8.0)
            lon, lat = self.lonlat([r0, r0 + step, r0], [c0, c0, c0 + step])
            out = (
                float(haversine_m(lat[0], lon[0], lat[1], lon[1])) / step,
                float(haversine_m(lat[0], lon[0], lat[2], lon[2])) / step,
            )
        self._cache["px"] = out
        return out

    def axis_bearings(self) -> tuple[float, float]:
        """Bearings (degrees from north) of increasing row and increasing column at the centre."""
        r0, c0 = self.rows / 2.0, self.cols / 2.0
        step = max(1.0, min(self.rows, self.cols) / 8.0)
        lon, lat = self.lonlat([r0, r0 + step, r0], [c0, c0, c0 + step])
        return float(bearing_deg(lat[0], lon[0], lat[1], lon[1])), float(
            bearing_deg(lat[0], lon[0], lat[2], lon[2])
        )

    def footprint(self, samples: int = 8) -> shapely.Polygon | None:
        """The image outline in lon/lat (edges sampled so GCP curvature is followed)."""
        if self.kind == "none":
            return None
        t = np.linspace(0.0, 1.0, samples + 1)
        h, w = float(self.rows), float(self.cols)
        rows = np.concatenate([np.zeros_like(t), t * h, np.full_like(t, h), (1 - t) * h])
        cols = np.concatenate([t * w, np.full_like(t, w), (1 - t) * w, np.zeros_like(t)])
        lon, lat = self.lonlat(rows, cols)
        return shapely.Polygon(np.column_stack((lon, lat)))
