"""Reading radar scenes through rasterio: bands and polarisations, value scale, georeference,
acquisition time and imaging geometry, each with where it came from.

Decisions a reader should know:
- Scale: intensity (sigma0/beta0, linear), amplitude (Sentinel-1 GRD digital numbers, squared to
  intensity) or dB. Stated with ``scale=``, else from tags/band descriptions ("dB"), else integer
  pixels are amplitude and float pixels are dB when a fifth or more of a sample is negative.
- Polarisation: from band descriptions or tags, else the file name (``-vh-``, ``_VV_``), else a
  two-band image without labels is taken as OpenSARShip's order (band 1 VH, band 2 VV) and said so.
  VH (cross-pol: sea is darker, ships stand out more) is searched; VV confirms.
- Time: ``time=`` wins; else acquisition tags; else the Sentinel-1 name pattern
  (YYYYMMDDTHHMMSS, the mid-point of start and stop) in the file name or a parent folder.
- Geometry for the moving-target shift: tags (PLATFORM_HEADING, INCIDENCE_ANGLE, LOOK_SIDE, PASS)
  win; GCP-located images are taken to be in radar geometry (rows = azimuth lines in flight order,
  columns = ground range away from the radar, as in Sentinel-1 GRD); a map-projected image with a
  PASS tag gets the orbit's ground-track heading; else the geometry is unknown and matching widens
  its gates instead of shifting.
- Zero pixels count as no data (Sentinel-1 GRD fills outside the swath with 0), as do the stated
  nodata value and non-finite values.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from darkcargo.errors import InputError
from darkcargo.sar.georef import Georef

SCALES = ("intensity", "amplitude", "db")
POLS = ("VH", "HV", "VV", "HH")
CROSS_POLS = ("VH", "HV")
CO_POLS = ("VV", "HH")
S1_TIME = re.compile(r"(\d{8}T\d{6})(?:[_-](\d{8}T\d{6}))?", re.IGNORECASE)
S1_PRODUCT = re.compile(r"^S1[A-D]_\w+?_\d{8}T\d{6}", re.IGNORECASE)
TIME_TAGS = (
    ("ACQUISITION_START_TIME", "ACQUISITION_STOP_TIME"),
    ("FIRST_LINE_TIME", "LAST_LINE_TIME"),
    ("time_coverage_start", "time_coverage_end"),
    ("ACQUISITION_TIME", None),
    ("ACQUISITION_DATETIME", None),
)
# Sentinel-1's orbit inclination; the ground track's heading follows from it and the latitude.
S1_INCLINATION_DEG = 98.18
NEGATIVE_SHARE_DB = 0.2  # a float image with this share of negative values is in dB
SAMPLE_MAX_PX = 512  # scale/statistics sample: at most this many pixels a side
GDAL_CACHE_MB = 256  # GDAL's block cache while a scene is searched (its default is 5% of RAM)


class _QuietTiffNotes(logging.Filter):
    """libtiff's notes on how it reads a file's extra bands (OpenSARShip's chips trigger one per
    file) say nothing an analyst can act on; real read errors still raise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "TIFFReadDirectory" not in record.getMessage()


logging.getLogger("rasterio._env").addFilter(_QuietTiffNotes())


@dataclass
class Geometry:
    """Imaging geometry for the azimuth shift of moving targets (None when unknown)."""

    heading_deg: float | None  # flight direction
    look: str  # "right" | "left"
    incidence_deg: float | None
    source: str


@dataclass
class SceneInfo:
    """An opened scene: everything detection needs besides the pixels."""

    path: Path
    file: str  # the path as given
    scene_id: str
    rows: int
    cols: int
    band_pols: list[str]  # polarisation per band ("?" when unknown)
    pol_source: str
    search_band: int  # 1-based band searched
    confirm_band: int | None  # 1-based co-pol band for confirmation
    scale: str
    scale_source: str
    nodata: float | None
    dtype: str
    georef: Georef
    ts: datetime | None
    time_source: str
    geometry: Geometry
    notes: list[str] = field(default_factory=list)

    @property
    def polarisation(self) -> str:
        return self.band_pols[self.search_band - 1]

    @property
    def pixel_m(self) -> tuple[float, float]:
        return self.georef.pixel_size_m()


def scene_id_for(path: Path) -> str:
    """The file stem; prefixed with a Sentinel-1 product folder name when the stem has none, so
    chips of different scenes never share an id."""
    stem = path.stem
    if S1_PRODUCT.match(stem) or S1_TIME.search(stem):
        return stem
    for parent in path.parents:
        name = parent.name.removesuffix(".SAFE")
        if S1_PRODUCT.match(name):
            return f"{name}/{stem}"
    return stem


def parse_time(text: str) -> datetime:
    """ISO 8601 or YYYYMMDDTHHMMSS (UTC unless an offset is given) -> naive UTC datetime."""
    t = text.strip().replace("/", "-")
    m = re.fullmatch(r"(\d{8})T(\d{6})(\.\d+)?Z?", t, re.IGNORECASE)
    if m:
        return datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    if re.fullmatch(r"\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}", t):
        return datetime.strptime(t, "%Y:%m:%d %H:%M:%S")
    dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def _time_from_name(path: Path) -> datetime | None:
    for part in (path.name, *(p.name for p in path.parents)):
        m = S1_TIME.search(part)
        if not m:
            continue
        start = parse_time(m.group(1))
        if m.group(2):
            stop = parse_time(m.group(2))
            if stop >= start:
                return start + (stop - start) / 2
        return start
    return None


def _time_from_tags(tags: dict[str, str]) -> tuple[datetime | None, str]:
    upper = {k.upper(): v for k, v in tags.items()}
    for start_key, stop_key in TIME_TAGS:
        start = upper.get(start_key.upper())
        if not start:
            continue
        try:
            t0 = parse_time(start)
            stop = upper.get(stop_key.upper()) if stop_key else None
            if stop:
                t1 = parse_time(stop)
                if t1 >= t0:
                    return t0 + (t1 - t0) / 2, f"tags {start_key}/{stop_key} (mid-point)"
            return t0, f"tag {start_key}"
        except ValueError:
            continue
    return None, ""


def _pol_of(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(
        r"(?<![A-Z])(VH|HV|VV|HH)(?![A-Z])", text.upper().replace("_", " ").replace("-", " ")
    )
    return m.group(1) if m else None


def _polarisations(ds: Any, path: Path, stated: list[str] | None) -> tuple[list[str], str]:
    n = ds.count
    if stated:
        if len(stated) != n:
            raise InputError(
                str(path), f"--bands names {len(stated)} polarisations; the file has {n} bands"
            )
        return [s.upper() for s in stated], "stated"
    pols: list[str | None] = []
    for b in range(1, n + 1):
        tags = ds.tags(b)
        p = _pol_of(ds.descriptions[b - 1]) or _pol_of(
            tags.get("POLARISATION") or tags.get("POLARIZATION") or tags.get("polarisation")
        )
        pols.append(p)
    if all(pols):
        return [str(p) for p in pols], "band descriptions/tags"
    if n == 1:
        ds_tags = ds.tags()
        p = _pol_of(ds_tags.get("POLARISATION") or ds_tags.get("POLARIZATION")) or _pol_of(
            path.stem
        )
        if p:
            return [p], "tags/file name"
        return ["?"], "unknown"
    if n == 2 and not any(pols):
        return [
            "VH",
            "VV",
        ], "assumed band 1 VH, band 2 VV (OpenSARShip order; state --bands otherwise)"
    return [p or "?" for p in pols], "partly labelled"


def _decide_scale(
    ds: Any, path: Path, band: int, nodata: float | None, stated: str | None
) -> tuple[str, str]:
    if stated:
        if stated not in SCALES:
            raise InputError(str(path), f"scale {stated!r} must be one of {', '.join(SCALES)}")
        return stated, "stated"
    texts = " ".join(
        [str(ds.descriptions[band - 1] or ""), *ds.tags(band).values(), *ds.tags().values()]
    )
    units = ds.units[band - 1] if ds.units else None
    if re.search(r"\bdb\b", f"{units or ''} {texts}", re.IGNORECASE):
        return "db", "units/tags say dB"
    if np.issubdtype(np.dtype(ds.dtypes[band - 1]), np.integer):
        return "amplitude", "integer pixels: amplitude digital numbers (squared to intensity)"
    sample = _sample(ds, band, path)
    ok = np.isfinite(sample) & (sample != 0)
    if nodata is not None and math.isfinite(nodata):
        ok &= sample != nodata
    vals = sample[ok]
    if vals.size == 0:
        raise InputError(str(path), "no valid pixels (all nodata, zero or not finite)")
    neg = float(np.mean(vals < 0))
    if neg >= NEGATIVE_SHARE_DB:
        return "db", f"{neg:.0%} of sampled values negative: dB"
    if re.search(r"(^|[_.-])db([_.-]|$)", path.stem, re.IGNORECASE):
        return "db", "file name says dB"
    return "intensity", f"float pixels, {neg:.0%} negative: linear intensity"


def _sample(ds: Any, band: int, path: Path) -> npt.NDArray[np.float64]:
    """Pixels from a 4 x 4 grid of windows (at most SAMPLE_MAX_PX / 4 a side) across the band:
    enough to tell the scale, without reading a whole scene."""
    from rasterio.windows import Window

    h, w = ds.height, ds.width
    side = SAMPLE_MAX_PX // 4
    parts = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for fr in (0.125, 0.375, 0.625, 0.875):
                for fc in (0.125, 0.375, 0.625, 0.875):
                    r0 = max(0, min(h - side, int(fr * h) - side // 2))
                    c0 = max(0, min(w - side, int(fc * w) - side // 2))
                    win = Window(c0, r0, min(side, w), min(side, h))
                    parts.append(np.asarray(ds.read(band, window=win), dtype=np.float64).ravel())
    except Exception as exc:
        raise InputError(
            str(path), f"cannot read pixels (truncated or corrupt?): {_short(exc)}"
        ) from None
    return np.concatenate(parts)


def _georef(ds: Any, path: Path, pixel_size: float | None) -> Georef:
    h, w = ds.height, ds.width
    gcps, gcp_crs = ds.gcps
    t = ds.transform
    if pixel_size is not None and pixel_size <= 0:
        raise InputError(str(path), f"--pixel-size {pixel_size} must be positive")
    if not t.is_identity and ds.crs is not None:
        return Georef.from_transform(t, ds.crs, h, w)
    if gcps:
        return Georef.from_gcps(list(gcps), gcp_crs, h, w)
    if pixel_size is None:
        raise InputError(
            str(path),
            "no georeference (no transform or GCPs): give --pixel-size METRES to search it as a "
            "plain image (positions will be pixels only)",
        )
    return Georef.none(h, w, pixel_size)


def ground_track_heading(lat_deg: float, ascending: bool) -> float:
    """Heading of a Sentinel-1 ground track at a latitude (Earth's rotation neglected: ~2 deg)."""
    c = math.cos(math.radians(S1_INCLINATION_DEG)) / max(1e-6, math.cos(math.radians(lat_deg)))
    a = math.degrees(math.asin(max(-1.0, min(1.0, c))))
    return a % 360.0 if ascending else (180.0 - a) % 360.0


def _geometry(tags: dict[str, str], georef: Georef) -> Geometry:
    upper = {k.upper(): v for k, v in tags.items()}
    look = (upper.get("LOOK_SIDE") or "right").strip().lower()
    look = "left" if look.startswith("l") else "right"
    incidence = _float(upper.get("INCIDENCE_ANGLE") or upper.get("INCIDENCE_ANGLE_MID"))
    heading = _float(upper.get("PLATFORM_HEADING"))
    if heading is not None:
        return Geometry(heading % 360.0, look, incidence, "tags")
    if georef.kind == "gcps":
        row_bearing, _ = georef.axis_bearings()
        return Geometry(row_bearing, "right", incidence, "GCP grid (rows = azimuth lines)")
    pass_ = (upper.get("PASS") or upper.get("ORBIT_DIRECTION") or "").strip().upper()
    if pass_ in ("ASCENDING", "DESCENDING") and georef.located:
        _, lat = georef.lonlat([georef.rows / 2], [georef.cols / 2])
        h = ground_track_heading(float(lat[0]), pass_ == "ASCENDING")
        return Geometry(h, look, incidence, f"{pass_.lower()} pass at the scene's latitude")
    return Geometry(None, look, incidence, "unknown")


def _float(v: str | None) -> float | None:
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def open_scene(
    path: str | Path,
    *,
    time: datetime | None = None,
    pixel_size: float | None = None,
    scale: str | None = None,
    bands: list[str] | None = None,
    georef: Georef | None = None,
    scene_id: str | None = None,
) -> SceneInfo:
    """Open a raster and describe it; InputError (naming the file) when it cannot be searched."""
    import rasterio

    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "no such file")
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB):
        return _open(p, str(path), time, pixel_size, scale, bands, georef, scene_id)


def _open(
    p: Path,
    given: str,
    time: datetime | None,
    pixel_size: float | None,
    scale: str | None,
    bands: list[str] | None,
    georef: Georef | None,
    scene_id: str | None,
) -> SceneInfo:
    import rasterio
    from rasterio.errors import RasterioError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = rasterio.open(p)
    except RasterioError as exc:
        raise InputError(given, f"not a raster GDAL can read ({_short(exc)})") from None
    with ds:
        if ds.count < 1 or ds.width < 1 or ds.height < 1:
            raise InputError(given, "the raster has no pixels")
        band_pols, pol_source = _polarisations(ds, p, bands)
        search = _pick(band_pols, CROSS_POLS) or _pick(band_pols, CO_POLS) or 1
        confirm = _pick(band_pols, CO_POLS) if band_pols[search - 1] in CROSS_POLS else None
        nodata = ds.nodatavals[search - 1]
        sc, sc_src = _decide_scale(ds, p, search, nodata, scale)
        g = georef or _georef(ds, p, pixel_size)
        ts: datetime | None
        if time is not None:
            ts, t_src = time, "--time"
        else:
            ts, t_src = _time_from_tags(ds.tags())
            if ts is None:
                ts = _time_from_name(p)
                t_src = "Sentinel-1 file-name pattern" if ts else "unknown"
        info = SceneInfo(
            path=p,
            file=given,
            scene_id=scene_id or scene_id_for(p),
            rows=ds.height,
            cols=ds.width,
            band_pols=band_pols,
            pol_source=pol_source,
            search_band=search,
            confirm_band=confirm,
            scale=sc,
            scale_source=sc_src,
            nodata=None if nodata is None else float(nodata),
            dtype=str(ds.dtypes[search - 1]),
            georef=g,
            ts=ts,
            time_source=t_src,
            geometry=_geometry(ds.tags(), g),
        )
    if band_pols[search - 1] not in CROSS_POLS:
        info.notes.append(f"searched band {search} ({band_pols[search - 1]}): no cross-pol band")
    return info


def _pick(pols: list[str], wanted: tuple[str, ...]) -> int | None:
    for w in wanted:
        if w in pols:
            return pols.index(w) + 1
    return None


def _short(exc: BaseException) -> str:
    """One line of an exception's message, with its cause's when it only points there."""
    parts: list[str] = []
    e: BaseException | None = exc
    while e is not None and len(parts) < 2:
        # GDAL's errors carry (class, number, message)
        msg = e.args[2] if len(e.args) == 3 and isinstance(e.args[2], str) else str(e)
        text = msg.strip().splitlines()[0] if msg.strip() else type(e).__name__
        if "see previous exception" not in text.lower() and text not in parts:
            parts.append(text)
        e = e.__cause__ or e.__context__
    return "; ".join(parts)[:200] or type(exc).__name__


class SceneReader:
    """Windowed reads of one band of an opened scene (keeps the file open across tiles)."""

    def __init__(self, info: SceneInfo) -> None:
        import rasterio

        self.info = info
        # tiles are read once, in order: a small block cache keeps memory bounded
        self._env = rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB)
        self._env.__enter__()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._ds = rasterio.open(info.path)

    def read(self, band: int, r0: int, r1: int, c0: int, c1: int) -> npt.NDArray[Any]:
        """Pixels [r0:r1, c0:c1] of a band in the file's own type; InputError if unreadable."""
        from rasterio.windows import Window

        try:
            return np.asarray(self._ds.read(band, window=Window(c0, r0, c1 - c0, r1 - r0)))
        except Exception as exc:
            raise InputError(
                self.info.file, f"cannot read pixels (truncated or corrupt?): {_short(exc)}"
            ) from None

    def close(self) -> None:
        self._ds.close()
        self._env.__exit__(None, None, None)

    def __enter__(self) -> SceneReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
