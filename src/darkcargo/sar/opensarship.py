"""OpenSARShip (Huang et al., IEEE JSTARS 2018) as a check of the radar stage on real data.

A scene folder holds ``Patch_Cal/<Type>_x<X>_y<Y>.tif`` chips (calibrated sigma0, H x W x 2,
band 1 VH, band 2 VV, one ship centred per chip at scene pixel (X, Y)), ``Ship.xml`` (per ship:
the SAR centre and manual length, and the AIS record matched to it) and the scene's metadata
(SNAP abstracted metadata with tie-point grids of latitude, longitude and incidence angle).

The chips have no georeference of their own. The scene's tie-point grid is their ground control:
each grid point becomes a GCP with its pixel position moved into the chip, so a chip goes
through exactly the same path as a full scene (`detect_scene` with GCPs). Its time is the zero-
Doppler time of its centre line (first line time + line x line interval).

Some Ship.xml files end with the malformed tag ``<\\ShipList>``; they are read anyway.
"""

from __future__ import annotations

import math
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import rasterio
from scipy.interpolate import RegularGridInterpolator
from scipy.spatial import cKDTree

from darkcargo.errors import InputError
from darkcargo.sar.detect import SceneResult, detect_scene
from darkcargo.sar.georef import Georef
from darkcargo.sar.match import SceneGeometry, match, states_at
from darkcargo.sar.params import SarPreset, load_sar_preset

CHIP_NAME = re.compile(r"^(?P<kind>[A-Za-z]+)_x(?P<x>\d+)_y(?P<y>\d+)$")
# A detection within this of a chip's annotated centre is that chip's ship (chips are cut
# around the ship's box; a few are off-centre by up to ~11 pixels).
FOUND_WITHIN_M = 150.0
# Detections of overlapping chips closer than this are one target.
SAME_TARGET_M = 60.0
SOG_NA, COG_NA = 1023, 3600


@dataclass
class ShipRecord:
    """One ship of Ship.xml: the SAR annotation and its AIS record."""

    x: int
    y: int
    centre_lat: float
    centre_lon: float
    manual_length: float
    mmsi: int
    ais_ts: float  # unix seconds
    ais_lat: float
    ais_lon: float
    sog_kn: float
    cog_deg: float
    ais_length: float
    name: str


def _text(el: ET.Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(tag)
    return child.text.strip() if child is not None and child.text else None


def _num(el: ET.Element | None, tag: str) -> float:
    v = _text(el, tag)
    try:
        return float(v) if v is not None else math.nan
    except ValueError:
        return math.nan


def read_ships(path: str | Path) -> list[ShipRecord]:
    """Parse Ship.xml (tolerating the malformed closing tag some copies have)."""
    p = Path(path)
    text = p.read_text(encoding="utf-8", errors="replace")
    text = text.replace("<\\ShipList>", "</ShipList>")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InputError(str(p), f"not readable XML: {exc}") from None
    out: list[ShipRecord] = []
    for ship in root.iter("ship"):
        sar = ship.find("SARShipInformation")
        ais = ship.find("AISShipInformation")
        sog = _num(ais, "Sog")
        cog = _num(ais, "Cog")
        out.append(
            ShipRecord(
                x=int(_num(sar, "Center_x")),
                y=int(_num(sar, "Center_y")),
                centre_lat=_num(sar, "Center_latitude"),
                centre_lon=_num(sar, "Center_longitude"),
                manual_length=_num(sar, "Manual_Length"),
                mmsi=int(_num(ais, "MMSI")),
                ais_ts=_num(ais, "Time"),
                ais_lat=_num(ais, "Latitude"),
                ais_lon=_num(ais, "Longitude"),
                sog_kn=sog / 10.0 if sog != SOG_NA else math.nan,
                cog_deg=cog / 10.0 if cog != COG_NA else math.nan,
                ais_length=_num(ais, "Length"),
                name=_text(ais, "Name") or "",
            )
        )
    return out


@dataclass
class SceneMeta:
    """What the chips need from the scene's metadata."""

    rows: int
    cols: int
    first_line_time: datetime
    line_interval_s: float
    grid_rows: npt.NDArray[np.float64]  # tie-point pixel rows (continuous, pixel centres)
    grid_cols: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    incidence: npt.NDArray[np.float64]
    pass_: str

    def incidence_at(self, rows: Any, cols: Any) -> npt.NDArray[np.float64]:
        f = RegularGridInterpolator(
            (self.grid_rows, self.grid_cols), self.incidence, bounds_error=False, fill_value=None
        )
        return np.asarray(f(np.column_stack((np.asarray(rows), np.asarray(cols)))))

    def chip_georef(self, r0: int, c0: int, h: int, w: int, around: int | None = 2) -> Georef:
        """GCPs from the tie-point grid, moved into the chip whose top-left pixel is (r0, c0);
        only the grid points within `around` grid steps of the chip (all when None)."""
        from rasterio.control import GroundControlPoint
        from rasterio.crs import CRS

        ri = np.arange(len(self.grid_rows))
        ci = np.arange(len(self.grid_cols))
        if around is not None:
            kr = int(np.searchsorted(self.grid_rows, r0 + h / 2))
            kc = int(np.searchsorted(self.grid_cols, c0 + w / 2))
            ri = ri[max(0, kr - around) : kr + around]
            ci = ci[max(0, kc - around) : kc + around]
        gr, gc = np.meshgrid(self.grid_rows[ri], self.grid_cols[ci], indexing="ij")
        lat, lon = self.lat[np.ix_(ri, ci)], self.lon[np.ix_(ri, ci)]
        gcps = [
            GroundControlPoint(row=float(r - r0), col=float(c - c0), x=float(lo), y=float(la))
            for r, c, la, lo in zip(gr.ravel(), gc.ravel(), lat.ravel(), lon.ravel(), strict=True)
        ]
        return Georef.from_gcps(gcps, CRS.from_epsg(4326), h, w)


def read_scene_meta(path: str | Path) -> SceneMeta:
    """SNAP abstracted metadata: raster size, line timing, pass and tie-point grids."""
    p = Path(path)
    text = p.read_text(encoding="utf-8", errors="replace")
    attrs = dict(re.findall(r'attrib name="(\w+)" value="([^"]*)"', text))

    def grid(name: str) -> npt.NDArray[np.float64]:
        m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", text, re.S)
        if not m:
            raise InputError(str(p), f"no {name} tie-point grid")
        rows = re.findall(r'row value="([^"]*)"', m.group(1))
        return np.array([[float(v) for v in r.split(",")] for r in rows])

    try:
        rows, cols = int(attrs["num_output_lines"]), int(attrs["num_samples_per_line"])
        t0 = datetime.strptime(attrs["first_line_time"], "%d-%b-%Y %H:%M:%S.%f")
        dt = float(attrs["line_time_interval"])
    except (KeyError, ValueError) as exc:
        raise InputError(str(p), f"missing or bad scene attribute: {exc}") from None
    lat, lon, inc = grid("latitude"), grid("longitude"), grid("incident_angle")
    ny, nx = lat.shape
    return SceneMeta(
        rows=rows,
        cols=cols,
        first_line_time=t0,
        line_interval_s=dt,
        grid_rows=np.linspace(0, rows - 1, ny) + 0.5,
        grid_cols=np.linspace(0, cols - 1, nx) + 0.5,
        lat=lat,
        lon=lon,
        incidence=inc,
        pass_=attrs.get("PASS", ""),
    )


def _meta_file(scene_dir: Path) -> Path:
    cands = [f for f in scene_dir.glob("*.xml") if f.name != "Ship.xml"]
    if not cands:
        raise InputError(str(scene_dir), "no scene metadata XML beside Ship.xml")
    return cands[0]


@dataclass
class ChipOutcome:
    scene: str
    chip: str
    mmsi: int
    found: bool
    offset_m: float  # detection to the annotated centre
    extras: int  # other detections in the chip
    length_m: float  # radar length of the chip's ship
    ais_length: float
    manual_length: float
    vv_confirmed: bool | None
    matched_mmsi: int | None = None
    match_distance_m: float = math.nan


@dataclass
class Evaluation:
    chips: list[ChipOutcome] = field(default_factory=list)
    detections: list[pa.Table] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return sum(c.found for c in self.chips) / max(1, len(self.chips))

    @property
    def extras_per_chip(self) -> float:
        return sum(c.extras for c in self.chips) / max(1, len(self.chips))

    @property
    def match_rate(self) -> float:
        return sum(c.matched_mmsi == c.mmsi for c in self.chips) / max(1, len(self.chips))

    def length_errors(self) -> npt.NDArray[np.float64]:
        return np.array([(c.length_m - c.ais_length) / c.ais_length for c in self.chips if c.found])


def evaluate(root: str | Path, preset: SarPreset | None = None) -> Evaluation:
    """Detect every chip of every scene under root, then match each scene's detections to all
    AIS records of its Ship.xml; one outcome per chip."""
    preset = preset or load_sar_preset()
    ev = Evaluation()
    for ship_xml in sorted(Path(root).glob("*/Ship.xml")):
        _evaluate_scene(ship_xml.parent, preset, ev)
    return ev


def _evaluate_scene(scene_dir: Path, preset: SarPreset, ev: Evaluation) -> None:
    meta = read_scene_meta(_meta_file(scene_dir))
    ships = {(s.x, s.y): s for s in read_ships(scene_dir / "Ship.xml")}
    results: list[tuple[Path, ShipRecord, SceneResult]] = []
    for chip in sorted((scene_dir / "Patch_Cal").glob("*.tif")):
        m = CHIP_NAME.match(chip.stem)
        if not m or (int(m["x"]), int(m["y"])) not in ships:
            continue
        ship = ships[(int(m["x"]), int(m["y"]))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # chips have no georeference: the grid gives it
            with rasterio.open(chip) as ds:
                h, w = ds.height, ds.width
        r0, c0 = ship.y - (h - 1) // 2, ship.x - (w - 1) // 2
        when = meta.first_line_time + timedelta(seconds=ship.y * meta.line_interval_s)
        res = detect_scene(chip, preset, georef=meta.chip_georef(r0, c0, h, w), time=when, ports=[])
        results.append((chip, ship, res))
    # each chip's own ship: the detection nearest the chip centre, if close enough
    outcomes: list[ChipOutcome] = []
    own_ids: list[str | None] = []
    for chip, ship, res in results:
        t = res.detections
        h, w = res.info.rows, res.info.cols
        px = res.scene_row["pixel_m"]
        if t.num_rows:
            r = np.asarray(t.column("row"), dtype=float) + 0.5
            c = np.asarray(t.column("col"), dtype=float) + 0.5
            d = np.hypot(r - h / 2, c - w / 2) * px
            k = int(np.argmin(d))
            found = bool(d[k] <= FOUND_WITHIN_M)
        else:
            d, k, found = np.zeros(0), -1, False
        outcomes.append(
            ChipOutcome(
                scene=scene_dir.name,
                chip=chip.stem,
                mmsi=ship.mmsi,
                found=found,
                offset_m=float(d[k]) if k >= 0 else math.nan,
                extras=t.num_rows - int(found),
                length_m=float(t.column("length_m")[k].as_py()) if found else math.nan,
                ais_length=ship.ais_length,
                manual_length=ship.manual_length,
                vv_confirmed=t.column("vv_confirmed")[k].as_py() if found else None,
            )
        )
        own_ids.append(t.column("detection_id")[k].as_py() if found else None)
        ev.detections.append(t)
    _match_scene(scene_dir, meta, list(ships.values()), results, outcomes, own_ids, preset)
    ev.chips.extend(outcomes)


def _match_scene(
    scene_dir: Path,
    meta: SceneMeta,
    ships: list[ShipRecord],
    results: list[tuple[Path, ShipRecord, SceneResult]],
    outcomes: list[ChipOutcome],
    own_ids: list[str | None],
    preset: SarPreset,
) -> None:
    """Match all of the scene's detections (overlapping chips' duplicates merged) to all of its
    AIS records, then read off each chip's ship."""
    if not results:
        return
    table = pa.concat_tables([r.detections for _, _, r in results])
    if table.num_rows == 0:
        return
    lat = np.asarray(table.column("lat"), dtype=float)
    lon = np.asarray(table.column("lon"), dtype=float)
    ids = table.column("detection_id").to_pylist()
    ts = np.asarray(table.column("ts").cast(pa.int64()), dtype=float) / 1e6
    length = np.asarray(table.column("length_m"), dtype=float)
    # merge duplicates: a target seen in two overlapping chips is one target
    xyz = np.column_stack((lat * 111_320.0, lon * 111_320.0 * np.cos(np.radians(lat))))
    rep = np.arange(len(lat))
    for a, b in sorted(cKDTree(xyz).query_pairs(SAME_TARGET_M)):
        rep[b] = rep[a]
    uniq = np.unique(rep)
    # AIS records as fixes sorted by (mmsi, ts)
    order = sorted(range(len(ships)), key=lambda i: (ships[i].mmsi, ships[i].ais_ts))
    a = [ships[i] for i in order]
    t_ref = float(np.mean(ts))
    states = states_at(
        np.array([s.mmsi for s in a], dtype=np.int64),
        np.array([s.ais_ts for s in a]),
        np.array([s.ais_lat for s in a]),
        np.array([s.ais_lon for s in a]),
        np.array([s.sog_kn for s in a]),
        np.array([s.cog_deg for s in a]),
        t_ref,
        preset.match.max_gap_s,
    )
    lengths = {s.mmsi: s.ais_length for s in ships}
    geo_ref = results[0][2].info
    heading = geo_ref.geometry.heading_deg
    # incidence at each vessel from the scene's grid (a full scene spans 30-46 degrees)
    g = meta.chip_georef(0, 0, meta.rows, meta.cols, around=None)
    vr, vc = g.pixel(states.lon, states.lat)
    inc = meta.incidence_at(vr, vc)
    res = match(
        lat[uniq],
        lon[uniq],
        ts[uniq],
        length[uniq],
        states,
        np.array([lengths.get(int(m), math.nan) for m in states.mmsi]),
        SceneGeometry(heading, "right", None),
        preset.match,
        vessel_incidence_deg=inc,
    )
    by_rep = {int(u): i for i, u in enumerate(uniq)}
    for out, own in zip(outcomes, own_ids, strict=True):
        if own is None:
            continue
        i = by_rep[int(rep[ids.index(own)])]
        if res.vessel[i] >= 0:
            out.matched_mmsi = int(states.mmsi[res.vessel[i]])
            out.match_distance_m = float(res.distance_m[i])


def summary_lines(ev: Evaluation) -> list[str]:
    """A short text summary for reports and benchmarks."""
    le = ev.length_errors()
    return [
        f"chips {len(ev.chips)}: recall {ev.recall:.3f} (detection within {FOUND_WITHIN_M:g} m of "
        f"the annotated centre), {ev.extras_per_chip:.2f} extra detections per chip",
        f"matching: {ev.match_rate:.3f} of chips' ships matched to their own MMSI among all AIS "
        "records of the scene",
        f"length vs AIS: median relative error {np.median(le):+.2f}, median |error| "
        f"{np.median(np.abs(le)):.2f}"
        if le.size
        else "length: no detections",
        "distance to the annotated centre: median "
        f"{np.nanmedian([c.offset_m for c in ev.chips]):.0f} m",
        f"match distances: median {np.nanmedian([c.match_distance_m for c in ev.chips]):.0f} m",
    ]
