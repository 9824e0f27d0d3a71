"""Matching orchestration: for each searched scene with a time, read the AIS fixes around it from
the workspace, run the matching kernel (darkcargo.sar.match), and write the match columns of its
detections (matched MMSI or dark, distances, the shift applied, the nearest vessel).

Candidates are position reports of ship transceivers (message types 1, 2, 3, 18, 19, or rows of
unknown type) within ``max_gap_s`` of the image time and close enough to the scene to reach it.
AIS lengths come from the `statics` table (the last length each MMSI broadcast).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from darkcargo.sar.match import SceneGeometry, match, states_at
from darkcargo.sar.params import SarPreset, load_sar_preset
from darkcargo.sar.schema import DETECTIONS
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

SHIP_MSG_TYPES = (1, 2, 3, 18, 19)
# Fastest vessel considered when widening the scene's box for candidates (knots).
MAX_SPEED_KN = 40.0


@dataclass
class SceneMatch:
    scene_id: str
    detections: int
    matched: int
    dark: int
    candidates: int
    registration_m: tuple[float, float]
    note: str = ""


@dataclass
class MatchReport:
    scenes: list[SceneMatch] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return sum(s.matched for s in self.scenes)

    @property
    def dark(self) -> int:
        return sum(s.dark for s in self.scenes)


def _ais_window(
    ws: Workspace, t0: Any, t1: Any, box: tuple[float, float, float, float]
) -> pa.Table:
    lat0, lat1, lon0, lon1 = box
    return ws.arrow(
        f"""
        SELECT mmsi, epoch_us(ts) / 1e6 AS t, lat, lon, sog, cog
        FROM positions
        WHERE ts BETWEEN ? AND ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?
          AND (msg_type IS NULL OR msg_type IN {SHIP_MSG_TYPES})
        ORDER BY mmsi, ts
        """,
        [t0, t1, lat0, lat1, lon0, lon1],
    )


def _lengths(ws: Workspace, mmsis: Sequence[int]) -> dict[int, float]:
    if not mmsis or not ws.count("statics"):
        return {}
    t = ws.arrow(
        """
        SELECT mmsi, arg_max(length_m, ts) AS length_m FROM statics
        WHERE mmsi IN (SELECT unnest(?)) AND length_m > 0 GROUP BY mmsi
        """,
        [list(mmsis)],
    )
    return dict(zip(t.column("mmsi").to_pylist(), t.column("length_m").to_pylist(), strict=True))


def match_scene(
    ws: Workspace, scene: dict[str, Any], preset: SarPreset, max_gap_s: float
) -> SceneMatch:
    """Match one scene's detections and rewrite them with their match columns."""
    sid = scene["scene_id"]
    det = ws.arrow("SELECT * FROM detections WHERE scene_id = ? ORDER BY detection_id", [sid])
    if det.num_rows == 0:
        return SceneMatch(sid, 0, 0, 0, 0, (0.0, 0.0))
    lat = np.asarray(det.column("lat").to_numpy(zero_copy_only=False), dtype=float)
    lon = np.asarray(det.column("lon").to_numpy(zero_copy_only=False), dtype=float)
    located = np.isfinite(lat) & np.isfinite(lon)
    if scene["ts"] is None or not located.any():
        return SceneMatch(sid, det.num_rows, 0, 0, 0, (0.0, 0.0), "no time or no positions")
    ts = scene["ts"]
    gap = timedelta(seconds=max_gap_s)
    reach = MAX_SPEED_KN * 1852.0 / 3600.0 * max_gap_s
    dlat = reach / 111_320.0 + 0.01
    dlon = dlat / max(0.2, math.cos(math.radians(float(np.nanmean(lat)))))
    box = (
        float(np.nanmin(lat)) - dlat,
        float(np.nanmax(lat)) + dlat,
        float(np.nanmin(lon)) - dlon,
        float(np.nanmax(lon)) + dlon,
    )
    ais = _ais_window(ws, ts - gap, ts + gap, box)
    t_ref = (ts - datetime(1970, 1, 1)).total_seconds()

    def col(name: str) -> np.ndarray:
        return np.asarray(ais.column(name).to_numpy(zero_copy_only=False), dtype=float)

    states = states_at(
        np.asarray(ais.column("mmsi").to_numpy(zero_copy_only=False), dtype=np.int64),
        col("t"),
        col("lat"),
        col("lon"),
        col("sog"),
        col("cog"),
        t_ref,
        max_gap_s,
    )
    lengths = _lengths(ws, states.mmsi.tolist())
    vlen = np.array([lengths.get(int(m)) or math.nan for m in states.mmsi], dtype=float)
    geo = SceneGeometry(
        scene["platform_heading_deg"], scene["look"] or "right", scene["incidence_deg"]
    )
    det_ts = np.full(det.num_rows, t_ref)
    length = np.asarray(det.column("length_m").to_numpy(zero_copy_only=False), dtype=float)
    idx = np.flatnonzero(located)
    res = match(lat[idx], lon[idx], det_ts[idx], length[idx], states, vlen, geo, preset.match)
    n = det.num_rows
    out: dict[str, list[Any]] = {
        k: [None] * n
        for k in (
            "matched_mmsi",
            "match_distance_m",
            "dark",
            "match_gap_s",
            "match_method",
            "azimuth_shift_m",
            "ais_length_m",
            "nearest_mmsi",
            "nearest_ais_m",
            "match_params_hash",
        )
    }
    for j, i in enumerate(idx):  # per detection of one scene (tens), writing plain columns
        v = int(res.vessel[j])
        out["dark"][i] = v < 0
        out["match_params_hash"][i] = preset.match_hash
        if res.nearest[j] >= 0 and len(states):
            out["nearest_mmsi"][i] = int(states.mmsi[res.nearest[j]])
            out["nearest_ais_m"][i] = round(float(res.nearest_m[j]), 1)
        if v >= 0:
            out["matched_mmsi"][i] = int(states.mmsi[v])
            out["match_distance_m"][i] = round(float(res.distance_m[j]), 1)
            out["match_gap_s"][i] = round(float(states.gap_s[v]), 1)
            out["match_method"][i] = str(states.method[v])
            out["azimuth_shift_m"][i] = round(float(res.shift_m[j]), 1)
            ln = vlen[v]
            out["ais_length_m"][i] = None if math.isnan(ln) else float(ln)
    for name, values in out.items():
        det = det.set_column(
            det.schema.get_field_index(name),
            name,
            pa.array(values, type=DETECTIONS.field(name).type),
        )
    matched = int((res.vessel >= 0).sum())
    with ws.transaction():
        ws.replace("detections", det, "scene_id = ?", [sid])
        ws.con.execute(
            "UPDATE sar_scenes SET matched = ?, dark = ?, ais_candidates = ?, "
            "registration_n_m = ?, registration_e_m = ?, match_params_hash = ? WHERE scene_id = ?",
            [
                matched,
                len(idx) - matched,
                len(states),
                res.registration_m[0],
                res.registration_m[1],
                preset.match_hash,
                sid,
            ],
        )
    return SceneMatch(sid, n, matched, len(idx) - matched, len(states), res.registration_m)


def match_workspace(
    ws: Workspace,
    preset: SarPreset | None = None,
    *,
    scene_ids: Sequence[str] | None = None,
    max_gap_s: float | None = None,
) -> MatchReport:
    """Match every searched scene (or the named ones) against the workspace's AIS."""
    preset = preset or load_sar_preset()
    gap = preset.match.max_gap_s if max_gap_s is None else max_gap_s
    where, params = "", []
    if scene_ids:
        where, params = "WHERE scene_id IN (SELECT unnest(?))", [list(scene_ids)]
    scenes = ws.arrow(f"SELECT * FROM sar_scenes {where} ORDER BY ts, scene_id", params).to_pylist()
    report = MatchReport()
    for scene in scenes:
        report.scenes.append(match_scene(ws, scene, preset, gap))
    return report
