"""detect() end to end on a workspace, presets, CLI."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from helpers import T0, concat, geo, track

from darkcargo.ais.schema import POSITIONS, STATICS
from darkcargo.cli.main import app
from darkcargo.errors import ConfigError
from darkcargo.events.detect import detect
from darkcargo.events.params import load_preset
from darkcargo.workspace import Workspace


def positions_table(cols: dict) -> pa.Table:
    n = cols["mmsi"].shape[0]
    data = {
        "mmsi": cols["mmsi"],
        "ts": pa.array(cols["ts"], pa.int64()).cast(pa.timestamp("us")),
        "lat": cols["lat"],
        "lon": cols["lon"],
        "sog": cols["sog"],
        "cog": cols["cog"],
        "heading": [None] * n,
        "nav_status": [None] * n,
        "msg_type": [1] * n,
        "mmsi_valid": [True] * n,
        "source_id": cols["source_id"],
        "row_id": cols["row_id"],
    }
    return pa.table(data).cast(POSITIONS)


@pytest.fixture
def ws(workspace_path: Path) -> Path:
    a = concat(
        track(111, T0, 40.0, 133.0, n=20, speed_kn=10),
        track(111, T0 + timedelta(hours=12), 40.0, 134.0, n=5, speed_kn=10, first_row=21),
    )
    b = track(222, T0, 41.0, 132.0, n=20, speed_kn=0.3, first_row=100)
    c = track(333, T0, 41.0027, 132.0, n=20, speed_kn=0.3, first_row=200)
    statics = pa.table(
        {
            "mmsi": [111, 111],
            "ts": pa.array([T0, T0 + timedelta(days=1)], pa.timestamp("us")),
            "imo": [9179842, 9179842],
            "callsign": ["UBYT2", "UBYT2"],
            "name": ["ANGARA", "MARIA"],
            "ship_type": [70, 70],
            "length_m": [None, None],
            "beam_m": [None, None],
            "draught_m": [None, None],
            "destination": [None, None],
            "msg_type": [5, 5],
            "mmsi_valid": [True, True],
            "source_id": [1, 1],
            "row_id": [500, 501],
        }
    ).cast(STATICS)
    with Workspace(workspace_path) as w:
        w.append("positions", positions_table(concat(a, b, c)))
        w.append("statics", statics)
    return workspace_path


def test_detect_writes_events_and_segments_with_preset_and_hash(ws: Path):
    report = detect(ws, "gfw", geo=geo(shore_km=100.0), batch_positions=30)
    assert report.positions == 65
    assert report.events == {"gap": 1, "encounter": 1, "loitering": 2, "identity_change": 1}
    with Workspace(ws, read_only=True) as w:
        ev = w.con.sql("SELECT * FROM events ORDER BY kind").fetchall()
        cols = [d[0] for d in w.con.sql("SELECT * FROM events").description]
        ev = [dict(zip(cols, r, strict=True)) for r in ev]
        assert {e["preset"] for e in ev} == {"gfw"}
        assert {e["params_hash"] for e in ev} == {load_preset("gfw").params_hash}
        enc = next(e for e in ev if e["kind"] == "encounter")
        assert (enc["mmsi"], enc["other_mmsi"]) == (222, 333)
        rows = json.loads(enc["evidence"])["source_rows"]
        assert rows[0][0] == 1 and rows[0][1] >= 100
        assert w.count("segments") == 3
    # a second run replaces, never duplicates
    detect(ws, "gfw", geo=geo(shore_km=100.0))
    with Workspace(ws, read_only=True) as w:
        assert w.count("events") == 5
        assert w.count("segments") == 3


def test_presets_are_kept_apart(ws: Path):
    detect(ws, "gfw", geo=geo(shore_km=100.0))
    detect(ws, "sensitive", geo=geo(shore_km=100.0))
    with Workspace(ws, read_only=True) as w:
        by = dict(w.con.execute("SELECT preset, count(*) FROM events GROUP BY 1").fetchall())
    assert by["gfw"] == 5 and by["sensitive"] >= 4  # 300 m apart: no sensitive encounter


def test_params_hash_is_stable_and_user_file_extends(tmp_path: Path):
    assert load_preset("gfw").params_hash == load_preset("gfw").params_hash
    assert load_preset("gfw").params_hash != load_preset("sensitive").params_hash
    f = tmp_path / "mine.toml"
    f.write_text('[preset]\nname = "mine"\nextends = "gfw"\n[gap]\nmin_hours = 3.0\n')
    p = load_preset(str(f))
    assert p.gap.min_hours == 3.0 and p.encounter.max_distance_m == 500.0
    bad = tmp_path / "bad.toml"
    bad.write_text('[preset]\nname = "bad"\nextends = "gfw"\n[gap]\nmin_hourz = 3\n')
    with pytest.raises(ConfigError, match="unknown keys"):
        load_preset(str(bad))
    with pytest.raises(ConfigError, match="not a built-in"):
        load_preset("nope")


def test_cli_detect_then_events(ws: Path):
    runner = CliRunner()
    r = runner.invoke(app, ["detect", "--workspace", str(ws)])
    assert r.exit_code == 0, r.output
    assert "positions of 3 MMSIs" in r.output
    r = runner.invoke(app, ["events", "--workspace", str(ws), "--kind", "gap", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [x["mmsi"] for x in rows] == [111]
    r = runner.invoke(
        app, ["events", "--workspace", str(ws), "--vessel", "9179842", "--format", "csv"]
    )
    assert r.exit_code == 0 and "identity_change" in r.output


def test_reports_without_a_position_neither_split_a_port_call_nor_count_as_fixes(
    workspace_path: Path,
):
    # 16 h moored at the test port, every 10 min; hours 4-9 report AIS's "position not available"
    # (91/181, stored by the decoder as a null lat/lon)
    stay = track(273210440, T0, 42.25, 130.30, n=96)
    blind = (stay["ts"] >= stay["ts"][24]) & (stay["ts"] < stay["ts"][60])
    stay["lat"][blind] = float("nan")
    stay["lon"][blind] = float("nan")
    table = positions_table(stay)
    nulls = pa.array(~blind)
    table = table.set_column(2, "lat", pa.compute.if_else(nulls, table["lat"], None))
    table = table.set_column(3, "lon", pa.compute.if_else(nulls, table["lon"], None))
    with Workspace(workspace_path) as w:
        w.append("positions", table)
    detect(workspace_path, "gfw", geo=geo())
    with Workspace(workspace_path, read_only=True) as w:
        calls = w.arrow(
            "SELECT start_ts, end_ts FROM events WHERE kind = 'port_call' ORDER BY start_ts"
        ).to_pylist()
        kept = w.scalar("SELECT count(*) FROM positions WHERE lat IS NULL")
    assert kept == 36  # the reports stay in the workspace (the transponder was heard)
    assert len(calls) == 1
    assert calls[0]["start_ts"] == T0
    assert calls[0]["end_ts"] == T0 + timedelta(minutes=10 * 95)
