"""Detection orchestration: scene -> tiles with halos -> CFAR -> targets -> one row per target,
into a table and (optionally) the workspace.

Memory is bounded by the tile: each tile (``tile_px`` a side) is read with a halo as wide as the
background window, so windows are exact across tile edges, and a target belongs to the tile whose
core holds its centroid. A 25,000 x 17,000 scene is never in memory at once.

Bad input never stops a run: a file that is not a raster, has no georeference and no pixel size,
or is truncated gives one InputError naming it; the other files are still processed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from scipy.spatial import cKDTree

from darkcargo.config import Port, load_case
from darkcargo.errors import InputError
from darkcargo.geo.distance import bearing_deg
from darkcargo.sar.cfar import CfarConfig, cfar
from darkcargo.sar.clusters import Targets, find_targets
from darkcargo.sar.georef import Georef
from darkcargo.sar.landmask import SceneLand, coastline_text, scene_land, shore_labels
from darkcargo.sar.params import SarPreset, load_sar_preset
from darkcargo.sar.scene import SceneInfo, SceneReader, open_scene
from darkcargo.sar.schema import DETECTIONS, SAR_SCENES
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
# Pixels along the long axis used to turn its direction into a bearing.
AXIS_STEP_PX = 5.0


def cfar_config(preset: SarPreset, pixel_m: float) -> CfarConfig:
    d = preset.detect
    return CfarConfig.from_metres(
        pixel_m,
        cell_m=d.cell_m,
        guard_m=d.guard_m,
        background_m=d.background_m,
        min_background_px=d.min_background_px,
        clutter=d.clutter,
        looks=d.looks,
        pfa=d.pfa,
        extent_pfa=d.extent_pfa,
        precensor_factor=d.precensor_factor,
        censor_margin_cells=d.censor_margin_cells,
    )


@dataclass
class SceneResult:
    """One searched scene: its description, its detections (DETECTIONS schema) and its row of
    the sar_scenes table."""

    info: SceneInfo
    detections: pa.Table
    scene_row: dict[str, Any]
    elapsed_s: float
    dropped: dict[str, int] = field(default_factory=dict)


@dataclass
class DetectReport:
    scenes: list[SceneResult] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    @property
    def detections(self) -> pa.Table:
        if not self.scenes:
            return DETECTIONS.empty_table()
        return pa.concat_tables([s.detections for s in self.scenes])


def _tiles(n: int, step: int) -> list[tuple[int, int]]:
    return [(a, min(a + step, n)) for a in range(0, n, step)]


class BandReader(Protocol):
    """Windowed reads of a band: a scene file (SceneReader) or an array in memory."""

    def read(self, band: int, r0: int, r1: int, c0: int, c1: int) -> np.ndarray: ...


@dataclass
class ArrayReader:
    """Bands of an in-memory array (bands, rows, cols) or (rows, cols), for notebooks and
    benchmarks: the same tiles and kernels as a file."""

    array: np.ndarray

    def read(self, band: int, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        a = self.array if self.array.ndim == 2 else self.array[band - 1]
        return np.asarray(a[r0:r1, c0:c1])


@dataclass
class TileSearch:
    """What the tiled search found: targets (scene pixels), valid pixels, co-pol SCR."""

    targets: Targets
    valid_px: int
    vv_scr_db: F64
    cfg: CfarConfig


def search(
    reader: BandReader,
    shape: tuple[int, int],
    pixel_m: tuple[float, float],
    preset: SarPreset,
    *,
    band: int = 1,
    confirm_band: int | None = None,
    scale: str = "intensity",
    nodata: float | None = None,
    land: SceneLand | None = None,
) -> TileSearch:
    """Run the CFAR over a band tile by tile, each tile with a halo as wide as the background
    window; a target belongs to the tile whose core holds its centroid."""
    rows, cols = shape
    dy, dx = pixel_m
    cfg = cfar_config(preset, math.sqrt(dy * dx))
    tile = max(cfg.cell, (preset.detect.tile_px // cfg.cell) * cfg.cell)
    halo = cfg.halo_px
    parts: list[Targets] = []
    valid = 0
    vv_parts: list[F64] = []
    for r0, r1 in _tiles(rows, tile):
        for c0, c1 in _tiles(cols, tile):
            R0, R1 = max(0, r0 - halo), min(rows, r1 + halo)
            C0, C1 = max(0, c0 - halo), min(cols, c1 + halo)
            raw = reader.read(band, R0, R1, C0, C1)
            lm = land.mask(R0, R1, C0, C1) if land else None
            res = cfar(raw, cfg, scale=scale, nodata=nodata, land=lm)
            k = cfg.cell  # tiles start on whole cells, so the core is whole cells too
            valid += int(
                res.cell_valid[
                    (r0 - R0) // k : -(-(r1 - R0) // k), (c0 - C0) // k : -(-(c1 - C0) // k)
                ].sum()
            )
            t = find_targets(res, cfg, (dy, dx))
            t.row += R0
            t.col += C0
            t.r_lo += R0
            t.r_hi += R0
            t.c_lo += C0
            t.c_hi += C0
            t = t.take((t.row >= r0) & (t.row < r1) & (t.col >= c0) & (t.col < c1))
            if confirm_band and len(t):
                raw2 = reader.read(confirm_band, R0, R1, C0, C1)
                vv_parts.append(_confirm_scr(raw2, cfg, (R0, C0), lm, t, scale, nodata))
            elif len(t):
                vv_parts.append(np.full(len(t), np.nan))
            parts.append(t)
    targets = Targets.concat(parts)
    vv = np.concatenate(vv_parts) if vv_parts else np.full(len(targets), np.nan)
    return TileSearch(targets, valid, vv, cfg)


def search_tiles(
    info: SceneInfo, preset: SarPreset, land: SceneLand | None = None
) -> tuple[Targets, dict[str, Any]]:
    """Search a scene file's band (VH preferred), confirming in co-pol when there is one."""
    with SceneReader(info) as reader:
        found = search(
            reader,
            (info.rows, info.cols),
            info.pixel_m,
            preset,
            band=info.search_band,
            confirm_band=info.confirm_band,
            scale=info.scale,
            nodata=info.nodata,
            land=land,
        )
    meta = {
        "cfg": found.cfg,
        "valid_px": found.valid_px,
        "masked_share": 1.0 - found.valid_px / max(1, info.rows * info.cols),
        "vv_scr_db": found.vv_scr_db,
    }
    return found.targets, meta


def _confirm_scr(
    raw: np.ndarray,
    cfg: CfarConfig,
    origin: tuple[int, int],
    land: npt.NDArray[np.bool_] | None,
    t: Targets,
    scale: str,
    nodata: float | None,
) -> F64:
    """Each target's peak over clutter (dB) in the co-pol band, inside its extent's box."""
    R0, C0 = origin
    res = cfar(raw, cfg, scale=scale, nodata=nodata, land=land)
    out = np.full(len(t), np.nan)
    for i in range(len(t)):  # per target (tens per tile), not per pixel
        a0, a1 = t.r_lo[i] - R0, t.r_hi[i] - R0
        b0, b1 = t.c_lo[i] - C0, t.c_hi[i] - C0
        peak = float(res.intensity[a0:a1, b0:b1].max())
        cr = min(int(t.row[i] - R0) // cfg.cell, res.stats.mean.shape[0] - 1)
        cc = min(int(t.col[i] - C0) // cfg.cell, res.stats.mean.shape[1] - 1)
        bg = float(res.stats.mean[cr, cc])
        if peak > 0 and bg > 0 and math.isfinite(bg):
            out[i] = 10 * math.log10(peak / bg)
    return out


def suppress_sidelobes(
    t: Targets, pixel_m: float, sidelobe_m: float, sidelobe_db: float
) -> npt.NDArray[np.bool_]:
    """Targets to keep: a target within sidelobe_m of one at least sidelobe_db brighter (peak)
    is taken as that target's sidelobe, smear or wake and dropped."""
    n = len(t)
    keep = np.ones(n, dtype=bool)
    if n < 2:
        return keep
    pts = np.column_stack((t.row, t.col)) * pixel_m
    pairs = cKDTree(pts).query_pairs(sidelobe_m, output_type="ndarray")
    if len(pairs) == 0:
        return keep
    ratio = 10 * np.log10(t.peak[pairs[:, 0]] / t.peak[pairs[:, 1]])
    keep[pairs[ratio >= sidelobe_db, 1]] = False
    keep[pairs[ratio <= -sidelobe_db, 0]] = False
    return keep


def _headings(georef: Georef, t: Targets) -> F64:
    if not georef.located or len(t) == 0:
        return np.full(len(t), np.nan)
    lon0, lat0 = georef.lonlat(t.row, t.col)
    lon1, lat1 = georef.lonlat(t.row + AXIS_STEP_PX * t.axis_dr, t.col + AXIS_STEP_PX * t.axis_dc)
    return np.asarray(bearing_deg(lat0, lon0, lat1, lon1) % 180.0)


def detect_scene(
    path: str | Path,
    preset: SarPreset | None = None,
    *,
    ports: Sequence[Port] | None = None,
    time: datetime | None = None,
    pixel_size: float | None = None,
    scale: str | None = None,
    bands: list[str] | None = None,
    georef: Georef | None = None,
    scene_id: str | None = None,
    mask_land: bool = True,
) -> SceneResult:
    """Search one scene; InputError (naming the file) when it cannot be read."""
    started = _now_s()
    preset = preset or load_sar_preset()
    info = open_scene(
        path,
        time=time,
        pixel_size=pixel_size,
        scale=scale,
        bands=bands,
        georef=georef,
        scene_id=scene_id,
    )
    ports = list(ports) if ports is not None else list(load_case().ports)
    land = scene_land(info.georef, ports, preset.land) if mask_land else None
    targets, meta = search_tiles(info, preset, land)
    d = preset.detect
    dy, dx = info.pixel_m
    px = math.sqrt(dy * dx)
    dropped: dict[str, int] = {}
    vv = meta["vv_scr_db"]

    def drop(keep: npt.NDArray[np.bool_], why: str) -> None:
        nonlocal targets, vv
        dropped[why] = dropped.get(why, 0) + int((~keep).sum())
        targets, vv = targets.take(keep), vv[keep]

    drop(targets.pixels * dy * dx >= d.min_area_m2, "smaller than min_area_m2")
    drop(targets.length_m <= d.max_length_m, "longer than max_length_m")
    drop(
        suppress_sidelobes(targets, px, d.sidelobe_m, d.sidelobe_db),
        "sidelobes of a brighter target",
    )
    confirmed = np.where(np.isfinite(vv), vv >= d.vv_confirm_db, False)
    if info.confirm_band and d.require_vv:
        drop(confirmed, "not confirmed in VV")
        confirmed = confirmed[confirmed]
    table = _rows(info, preset, targets, vv, confirmed, ports)
    scene_row = _scene_row(info, preset, meta, table.num_rows, mask_land and info.georef.located)
    return SceneResult(info, table, scene_row, _now_s() - started, dropped)


def _now_s() -> float:
    return time.perf_counter()


def _rows(
    info: SceneInfo,
    preset: SarPreset,
    t: Targets,
    vv: F64,
    confirmed: npt.NDArray[np.bool_],
    ports: Sequence[Port],
) -> pa.Table:
    n = len(t)
    order = np.lexsort((t.col, t.row))
    t, vv, confirmed = t.take(order), vv[order], confirmed[order]
    lon, lat = info.georef.lonlat(t.row, t.col)
    labels = shore_labels(lat, lon, ports, preset.land)
    dual = info.confirm_band is not None
    ts = info.ts
    cols: dict[str, Any] = {
        "scene_id": [info.scene_id] * n,
        "ts": [ts] * n,
        "row": np.floor(t.row).astype(np.int32),
        "col": np.floor(t.col).astype(np.int32),
        "lat": np.where(np.isfinite(lat), np.round(lat, 6), np.nan),
        "lon": np.where(np.isfinite(lon), np.round(lon, 6), np.nan),
        "length_m": t.length_m.astype(np.float32),
        "width_m": t.width_m.astype(np.float32),
        "score": t.scr_db.astype(np.float32),
        "matched_mmsi": [None] * n,
        "match_distance_m": [None] * n,
        "dark": [None] * n,
        "detection_id": [f"{info.scene_id}#{i + 1}" for i in range(n)],
        "file": [info.file] * n,
        "heading_deg": _headings(info.georef, t).astype(np.float32),
        "pixels": t.pixels,
        "polarisation": [info.polarisation] * n,
        "vv_scr_db": vv.astype(np.float32) if dual else [None] * n,
        "vv_confirmed": confirmed if dual else [None] * n,
        "near_shore": labels.near_shore if info.georef.located else [None] * n,
        "port_id": labels.port_id,
        "shore_distance_m": labels.shore_m.astype(np.float32),
        "preset": [preset.name] * n,
        "params_hash": [preset.params_hash] * n,
    }
    arrays = []
    for f in DETECTIONS:
        v = cols.get(f.name, [None] * n)
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            arrays.append(pa.array(v, type=f.type, from_pandas=True))
        else:
            arrays.append(pa.array(v, type=f.type))
    return pa.Table.from_arrays(arrays, schema=DETECTIONS)


def _scene_row(
    info: SceneInfo, preset: SarPreset, meta: dict[str, Any], n: int, masked: bool
) -> dict[str, Any]:
    g = info.georef
    foot = g.footprint()
    bounds = foot.bounds if foot is not None else (None, None, None, None)
    geo = info.geometry
    return {
        "scene_id": info.scene_id,
        "file": info.file,
        "ts": info.ts,
        "time_source": info.time_source,
        "rows": info.rows,
        "cols": info.cols,
        "polarisations": ",".join(info.band_pols),
        "scale": f"{info.scale} ({info.scale_source})",
        "georef": g.kind,
        "crs": g.crs_text or None,
        "pixel_m": float(math.sqrt(info.pixel_m[0] * info.pixel_m[1])),
        "lat_min": bounds[1],
        "lat_max": bounds[3],
        "lon_min": bounds[0],
        "lon_max": bounds[2],
        "footprint_wkt": foot.wkt if foot is not None else None,
        "platform_heading_deg": geo.heading_deg,
        "look": geo.look,
        "incidence_deg": geo.incidence_deg,
        "geometry_source": geo.source,
        "coastline": coastline_text(preset.land)
        if masked
        else "none (no georeference or land masking off)",
        "masked_share": float(meta["masked_share"]),
        "detections": n,
        "preset": preset.name,
        "params_hash": preset.params_hash,
        "detected_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
    }


def scenes_table(results: Sequence[SceneResult]) -> pa.Table:
    rows = [r.scene_row for r in results]
    return pa.Table.from_pylist(rows, schema=SAR_SCENES)


def write_scene(ws: Workspace, result: SceneResult) -> None:
    """Replace the scene's rows in the workspace (re-detecting a scene replaces, never adds)."""
    with ws.transaction():
        ws.replace("detections", result.detections, "scene_id = ?", [result.info.scene_id])
        ws.replace("sar_scenes", scenes_table([result]), "scene_id = ?", [result.info.scene_id])


def detect_files(
    paths: Sequence[str | Path],
    preset: SarPreset | None = None,
    *,
    workspace: Workspace | None = None,
    ports: Sequence[Port] | None = None,
    time: datetime | None = None,
    pixel_size: float | None = None,
    scale: str | None = None,
    bands: list[str] | None = None,
    mask_land: bool = True,
    on_scene: Callable[[str, SceneResult | InputError], None] | None = None,
) -> DetectReport:
    """Search many files in one process; a bad file is reported and the rest still searched."""
    preset = preset or load_sar_preset()
    ports = list(ports) if ports is not None else list(load_case().ports)
    report = DetectReport()
    for path in paths:
        try:
            result = detect_scene(
                path,
                preset,
                ports=ports,
                time=time,
                pixel_size=pixel_size,
                scale=scale,
                bands=bands,
                mask_land=mask_land,
            )
        except InputError as exc:
            log.info("%s", exc)
            report.errors.append(exc)
            if on_scene:
                on_scene(str(path), exc)
            continue
        if workspace is not None:
            write_scene(workspace, result)
        report.scenes.append(result)
        if on_scene:
            on_scene(str(path), result)
    return report
