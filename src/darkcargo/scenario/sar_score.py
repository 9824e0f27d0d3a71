"""Grade radar detections and their AIS matching against the simulated scenes' ground truth.

Association: in each scene, detections and true vessels (at their imaged positions, i.e. after
the azimuth shift) are paired one-to-one by the Hungarian method, a pair allowed when closer
than ``ASSOC_M`` plus half the vessel's length.

Categories: a true vessel is *masked* when its imaged position falls on the detector's land mask
(nothing can be found there, reported apart); otherwise *near-shore* when inside a port radius or
within the preset's near_shore_m of the Natural Earth coast, else *offshore*. Detections are
split by their own near-shore label. Precision per category = detections paired with any true
vessel / detections; recall = unmasked true vessels paired / unmasked true vessels.

Identity: a detected vessel with AIS positions within the preset's max_gap_s of the image time
should be matched to its own MMSI (or, counted apart, to a vessel whose hull touches its own: the
scenario's berths put ships side by side, one radar blob for two hulls); one without (AIS off,
or no fix that close) should be dark.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import shapely
from scipy.optimize import linear_sum_assignment

from darkcargo.config import Port, load_case
from darkcargo.sar.landmask import scene_land, shore_labels
from darkcargo.sar.params import SarPreset, load_sar_preset
from darkcargo.sar.scene import open_scene
from darkcargo.scenario.sar_scenes import SCENES_TRUTH, TARGETS_TRUTH
from darkcargo.workspace import Workspace

ASSOC_M = 150.0


@dataclass
class Counts:
    truth: int = 0
    found: int = 0
    detections: int = 0
    true_detections: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else math.nan

    @property
    def precision(self) -> float:
        return self.true_detections / self.detections if self.detections else math.nan


@dataclass
class RadarScore:
    scenes: int = 0
    offshore: Counts = field(default_factory=Counts)
    near_shore: Counts = field(default_factory=Counts)
    near_shore_separable: Counts = field(default_factory=Counts)  # hulls apart from others
    masked: int = 0  # true vessels on the land mask
    ais_expected: int = 0  # detected vessels with AIS near the image time
    ais_correct: int = 0  # ... matched to their own MMSI
    ais_consistent: int = 0  # ... or to a vessel whose hull touches theirs (berthed side by side)
    dark_expected: int = 0  # detected vessels without AIS near the image time
    dark_correct: int = 0  # ... left dark
    false_alarms_dark: int = 0  # detections of nothing, left dark
    rajin: list[dict[str, Any]] = field(default_factory=list)  # dark detections at the port


def _flag(v: Any) -> bool | None:
    """A nullable boolean cell as True/False/None (pandas gives numpy booleans or NA)."""
    try:
        return (
            None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else bool(v)
        )
    except TypeError:
        return None


def _ais_times(ws: Workspace, mmsis: Sequence[int], ts: Any, gap_s: float) -> set[int]:
    """MMSIs with a position within gap_s of ts."""
    if not mmsis:
        return set()
    t = ws.arrow(
        "SELECT DISTINCT mmsi FROM positions WHERE mmsi IN (SELECT unnest(?)) "
        "AND ts BETWEEN ? - to_microseconds(?) AND ? + to_microseconds(?)",
        [list(mmsis), ts, int(gap_s * 1e6), ts, int(gap_s * 1e6)],
    )
    return set(t.column("mmsi").to_pylist())


def score_radar(
    ws: Workspace,
    scenario_dir: Path,
    preset: SarPreset | None = None,
    ports: Sequence[Port] | None = None,
    watch_port: str = "RAJIN",
) -> RadarScore:
    """Score the workspace's detections of the scenario's radar scenes (see the module notes)."""
    preset = preset or load_sar_preset()
    ports = list(ports) if ports is not None else list(load_case().ports)
    scenes = pq.read_table(scenario_dir / SCENES_TRUTH).to_pylist()
    targets = pq.read_table(scenario_dir / TARGETS_TRUTH).to_pandas()
    out = RadarScore()
    for sc in scenes:
        sid = sc["scene_id"]
        det = ws.arrow("SELECT * FROM detections WHERE scene_id = ?", [sid]).to_pandas()
        if det.empty and not ws.scalar("SELECT count(*) FROM sar_scenes WHERE scene_id = ?", [sid]):
            continue  # not searched
        out.scenes += 1
        tru = targets[targets.scene_id == sid].reset_index(drop=True)
        info = open_scene(scenario_dir / sc["file"])
        land = scene_land(info.georef, ports, preset.land)
        geom = land.pixel_geometry
        masked = np.zeros(len(tru), dtype=bool)
        if geom is not None and len(tru):
            masked = shapely.contains_xy(geom, tru["col"].to_numpy(), tru["row"].to_numpy())
        labels = shore_labels(
            tru["image_lat"].to_numpy(), tru["image_lon"].to_numpy(), ports, preset.land
        )
        t_near = labels.near_shore
        # one-to-one association in pixels
        pair_t = np.full(len(tru), -1)
        pair_d = np.full(len(det), -1)
        if len(tru) and len(det):
            px = sc["pixel_m"]
            dr = det["row"].to_numpy()[:, None] + 0.5 - tru["row"].to_numpy()[None, :]
            dc = det["col"].to_numpy()[:, None] + 0.5 - tru["col"].to_numpy()[None, :]
            d = np.hypot(dr, dc) * px
            gate = ASSOC_M + tru["length_m"].to_numpy()[None, :] / 2
            ok = d <= gate
            rr, cc = linear_sum_assignment(np.where(ok, d, 1e9))
            keep = ok[rr, cc]
            pair_d[rr[keep]] = cc[keep]
            pair_t[cc[keep]] = rr[keep]
        d_near = det["near_shore"].fillna(False).to_numpy().astype(bool)
        # vessels whose hulls do not touch another's (the scenario berths ships within 250 m of a
        # berth point, so hulls of ships in port at once often overlap: one blob, many vessels)
        apart = np.ones(len(tru), dtype=bool)
        if len(tru) > 1:
            gap = (
                np.hypot(
                    tru["row"].to_numpy()[:, None] - tru["row"].to_numpy()[None, :],
                    tru["col"].to_numpy()[:, None] - tru["col"].to_numpy()[None, :],
                )
                * sc["pixel_m"]
            )
            need = (tru["length_m"].to_numpy()[:, None] + tru["length_m"].to_numpy()[None, :]) / 2
            np.fill_diagonal(gap, np.inf)
            apart = (gap > need + 30.0).all(axis=1)
        sep = t_near & ~masked & apart
        out.near_shore_separable.truth += int(sep.sum())
        out.near_shore_separable.found += int((sep & (pair_t >= 0)).sum())
        for cat, t_sel, d_sel in (
            (out.offshore, ~t_near & ~masked, ~d_near),
            (out.near_shore, t_near & ~masked, d_near),
        ):
            cat.truth += int(t_sel.sum())
            cat.found += int((t_sel & (pair_t >= 0)).sum())
            cat.detections += int(d_sel.sum())
            cat.true_detections += int((d_sel & (pair_d >= 0)).sum())
        out.masked += int(masked.sum())
        mmsi = tru["mmsi"].to_numpy(dtype=float, na_value=np.nan)
        known = [int(m) for m in mmsi[np.isfinite(mmsi)]]
        with_ais = _ais_times(ws, known, sc["ts"], preset.match.max_gap_s)
        has_ais = np.array([np.isfinite(m) and int(m) in with_ais for m in mmsi], dtype=bool)
        for j in range(len(det)):
            i = pair_d[j]
            dark = _flag(det.at[j, "dark"])
            if i < 0:
                out.false_alarms_dark += int(dark is True)
                continue
            if has_ais[i]:
                out.ais_expected += 1
                got = det.at[j, "matched_mmsi"]
                right = bool(got == tru.at[i, "mmsi"]) if not pd.isna(got) else False
                out.ais_correct += int(right)
                near = tru[tru["mmsi"] == got] if not pd.isna(got) else tru.iloc[:0]
                touching = len(near) > 0 and bool(
                    (
                        np.hypot(near["row"] - tru.at[i, "row"], near["col"] - tru.at[i, "col"])
                        * sc["pixel_m"]
                        <= (near["length_m"] + tru.at[i, "length_m"]) / 2 + 30.0
                    ).any()
                )
                out.ais_consistent += int(right or touching)
            else:
                out.dark_expected += 1
                out.dark_correct += int(dark is True)
        if sc["site"] == watch_port:
            out.rajin += _port_rows(
                sc, det, tru, pair_d, pair_t, masked, has_ais, labels, watch_port
            )
    return out


def _port_rows(
    sc: dict[str, Any],
    det: Any,
    tru: Any,
    pair_d: np.ndarray,
    pair_t: np.ndarray,
    masked: np.ndarray,
    has_ais: np.ndarray,
    labels: Any,
    port: str,
) -> list[dict[str, Any]]:
    """Dark detections inside the port's radius beside the truth, and the vessels there without
    AIS that no detection found."""
    rows: list[dict[str, Any]] = []

    def who(i: int) -> str:
        return (
            f"{tru.at[i, 'name']} ({tru.at[i, 'role']}, {tru.at[i, 'length_m']:.0f} m, "
            f"AIS {'on' if has_ais[i] else 'off'})"
        )

    for j in range(len(det)):
        if _flag(det.at[j, "dark"]) is not True or det.at[j, "port_id"] != port:
            continue
        i = int(pair_d[j])
        rows.append(
            {
                "ts": sc["ts"],
                "lat": float(det.at[j, "lat"]),
                "lon": float(det.at[j, "lon"]),
                "length_m": float(det.at[j, "length_m"]),
                "nearest_ais_m": det.at[j, "nearest_ais_m"],
                "truth": who(i) if i >= 0 else "no vessel there (false alarm)",
            }
        )
    for i in range(len(tru)):
        if labels.port_id[i] != port or has_ais[i] or pair_t[i] >= 0:
            continue
        rows.append(
            {
                "ts": sc["ts"],
                "lat": float(tru.at[i, "image_lat"]),
                "lon": float(tru.at[i, "image_lon"]),
                "length_m": math.nan,
                "nearest_ais_m": None,
                "truth": who(i) + (" missed: on the land mask" if masked[i] else " missed"),
            }
        )
    return rows
