"""`darkcargo sar detect|match|list` end to end on a small located scene with AIS."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from affine import Affine

from darkcargo.ais.schema import POSITIONS, STATICS
from darkcargo.workspace import Workspace
from tests.cli.test_ingest_cli import run_cli
from tests.sar.helpers import add_ship, speckle, write_geotiff

WHEN = datetime(2023, 9, 7, 9, 20, 0)
# open sea east of Korea, UTM 52N; 10 m pixels; rows run south, columns east
ORIGIN = (560_000.0, 4_600_000.0)
SHIPS = [(100, 100, 12), (300, 260, 18), (420, 120, 8)]  # row, col, length in pixels


def _scene(tmp_path: Path) -> Path:
    a = speckle((500, 400), seed=21)
    for r, c, n in SHIPS:
        add_ship(a, r, c, n, 3, scr_db=17)
    return write_geotiff(
        tmp_path / "S1A_IW_GRDH_1SDV_20230907T091948_20230907T092012_TEST.tif", a,
        transform=Affine(10.0, 0, ORIGIN[0], 0, -10.0, ORIGIN[1]), crs="EPSG:32652",
        descriptions=["Sigma0_VH"],
    )  # fmt: skip


def _lonlat(row: float, col: float) -> tuple[float, float]:
    from rasterio.warp import transform

    x, y = ORIGIN[0] + (col + 0.5) * 10, ORIGIN[1] - (row + 0.5) * 10
    lon, lat = transform("EPSG:32652", "EPSG:4326", [x], [y])
    return lon[0], lat[0]


def _ais(ws_path: Path) -> None:
    """AIS for the first two ships (stopped, fixes 5 min either side); none for the third."""
    rows, statics = [], []
    for k, (r, c, n) in enumerate(SHIPS[:2]):
        lon, lat = _lonlat(r, c)
        for dt in (-300, 300):
            rows.append({"mmsi": 440000001 + k, "ts": WHEN + timedelta(seconds=dt), "lat": lat,
                         "lon": lon, "sog": 0.0, "cog": 0.0, "msg_type": 1})  # fmt: skip
        statics.append({"mmsi": 440000001 + k, "ts": WHEN, "length_m": float(n * 10)})
    with Workspace(ws_path) as ws:
        ws.append("positions", _full(rows, POSITIONS))
        ws.append("statics", _full(statics, STATICS))


def _full(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], type=f.type) for f in schema})


def test_detect_match_list_on_a_scene_with_two_ships_on_ais_and_one_dark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = _scene(tmp_path)
    ws = tmp_path / "ws.duckdb"
    _ais(ws)
    code, out, err = run_cli(["sar", "detect", str(scene), "-w", str(ws), "--format", "csv"],
                             capsys, monkeypatch)  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3
    assert {r["file"] for r in rows} == {str(scene)} and {r["polarisation"] for r in rows} == {"VH"}
    assert all(r["lat"] and r["lon"] for r in rows)
    lengths = sorted(float(r["length_m"]) for r in rows)
    assert lengths[0] < lengths[1] < lengths[2] and 150 < lengths[2] < 240
    for r in rows:  # north-south ships: headings near 0/180
        h = float(r["heading_deg"])
        assert min(h, 180 - h) < 15
    assert "3 detections in 1 scene(s)" in err
    # re-detecting replaces the scene's rows
    code, _, err = run_cli(["sar", "detect", str(scene), "-w", str(ws)], capsys, monkeypatch)
    assert code == 0, err
    with Workspace(ws, read_only=True) as w:
        assert w.count("detections") == 3 and w.count("sar_scenes") == 1
        assert w.scalar("SELECT ts FROM sar_scenes") == datetime(2023, 9, 7, 9, 20, 0)
    code, out, err = run_cli(["sar", "match", "-w", str(ws), "--max-gap", "30min"],
                             capsys, monkeypatch)  # fmt: skip
    assert code == 0, err
    assert "3 detections, 2 matched, 1 dark" in out
    code, out, err = run_cli(["sar", "list", "-w", str(ws), "--dark", "--format", "json"],
                             capsys, monkeypatch)  # fmt: skip
    assert code == 0, err
    dark = json.loads(out)
    assert len(dark) == 1 and dark[0]["dark"] is True and dark[0]["matched_mmsi"] is None
    lon, lat = _lonlat(*SHIPS[2][:2])
    assert abs(dark[0]["lat"] - lat) < 0.001 and abs(dark[0]["lon"] - lon) < 0.001
    assert dark[0]["nearest_ais_m"] > 1500
    code, out, _ = run_cli(
        ["sar", "list", "-w", str(ws), "--format", "geojson"], capsys, monkeypatch
    )
    fc = json.loads(out)
    matched = {f["properties"]["matched_mmsi"] for f in fc["features"]}
    assert matched == {440000001, 440000002, None}
    assert all(f["geometry"]["type"] == "Point" for f in fc["features"])
    with Workspace(ws, read_only=True) as w:
        got = w.arrow("SELECT matched_mmsi, length_m, ais_length_m, match_method FROM detections "
                      "WHERE NOT dark ORDER BY matched_mmsi").to_pylist()  # fmt: skip
    assert [g["ais_length_m"] for g in got] == [120.0, 180.0]
    assert {g["match_method"] for g in got} == {"interpolated"}


def test_plain_chips_with_a_pixel_size_have_empty_positions_and_bad_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = speckle((64, 64), seed=3)
    add_ship(a, 32, 32, 10, 3, scr_db=18)
    chip = write_geotiff(tmp_path / "chip.tif", np.stack([a, a * 5]))
    junk = tmp_path / "junk.tif"
    junk.write_bytes(b"II*\x00garbage")
    code, out, err = run_cli(["sar", "detect", str(junk), str(chip), "--pixel-size", "10",
                              "--format", "csv"], capsys, monkeypatch)  # fmt: skip
    assert code == 2
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and rows[0]["lat"] == "" and rows[0]["lon"] == ""
    assert rows[0]["row"] == "32" and rows[0]["polarisation"] == "VH" and rows[0]["vv_scr_db"]
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(junk) in errors[0]
    code, _, err = run_cli(["sar", "detect", str(chip)], capsys, monkeypatch)
    assert code == 2 and "--pixel-size" in err


def test_detections_reach_the_vessel_page_the_map_layer_and_the_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from darkcargo.report import export_bundle
    from darkcargo.web.queries import WorkspaceReader

    scene = _scene(tmp_path)
    ws = tmp_path / "ws.duckdb"
    _ais(ws)
    assert run_cli(["sar", "detect", str(scene), "-w", str(ws)], capsys, monkeypatch)[0] == 0
    assert run_cli(["sar", "match", "-w", str(ws)], capsys, monkeypatch)[0] == 0
    with WorkspaceReader(ws) as reader:
        page = reader.vessel(440000002)
        assert page is not None and len(page["detections"]) == 1
        assert page["detections"][0]["matched_mmsi"] == 440000002
        layer = reader.layer("detections")
        assert layer["total"] == 3 and sorted(d["dark"] for d in layer["items"]) == [
            False,
            False,
            True,
        ]
        assert reader.summary()["counts"]["detections"] == 3
    out = export_bundle(ws, "geojson", tmp_path / "bundle")
    fc = json.loads((out / "detections.geojson").read_text())
    assert len(fc["features"]) == 3
    assert sum(f["properties"]["dark"] is True for f in fc["features"]) == 1
    assert "detections.geojson" in (out / "README.md").read_text()
