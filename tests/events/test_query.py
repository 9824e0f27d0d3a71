"""Finding events: --min-confidence and --min-hours, on the command line and in the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from helpers import T0, ts_us

import darkcargo.api as dc
from darkcargo.cli.main import app
from darkcargo.events.detect import events_table
from darkcargo.events.kernels.common import EventColumns
from darkcargo.events.params import load_preset
from darkcargo.workspace import Workspace

H = 3_600_000_000


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    ev = EventColumns()
    t = ts_us(T0)
    ev.add("port_presence", 1, t, t, port_id="P", confidence=0.25)  # one fix
    ev.add("port_call", 1, t + 2 * H, t + 5 * H, port_id="P", confidence=0.75)
    ev.add("port_call", 2, t, t + 40 * H, port_id="P", confidence=1.0)
    ev.add("gap", 2, t + 41 * H, t + 47 * H, confidence=0.25)
    ev.add("gap", 3, t, t + 30 * H, confidence=1.0)
    ev.add("spoof_jump", 4, t, t + H, confidence=0.7)
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as w:
        w.append("events", events_table(ev, load_preset("gfw")))
    return path


def listed(ws: Path, *args: str) -> list[tuple[str, int, float]]:
    r = CliRunner().invoke(app, ["events", "-w", str(ws), "--format", "json", *args])
    assert r.exit_code == 0, r.output
    return [(e["kind"], e["mmsi"], e["confidence"]) for e in json.loads(r.output)]


def test_min_confidence_hides_presences_and_weak_events(ws: Path) -> None:
    assert len(listed(ws)) == 6
    assert listed(ws, "--min-confidence", "0.5") == [
        ("gap", 3, 1.0),
        ("port_call", 2, 1.0),
        ("spoof_jump", 4, 0.7),
        ("port_call", 1, 0.75),
    ]
    assert listed(ws, "--min-confidence", "0.7", "--kind", "spoof_jump") == [("spoof_jump", 4, 0.7)]


def test_min_hours_keeps_long_events_only(ws: Path) -> None:
    assert listed(ws, "--min-hours", "6") == [
        ("gap", 3, 1.0),
        ("port_call", 2, 1.0),
        ("gap", 2, 0.25),
    ]
    assert listed(ws, "--min-hours", "6", "--min-confidence", "0.5", "--kind", "port_call") == [
        ("port_call", 2, 1.0)
    ]


def test_out_of_range_confidence_is_refused(ws: Path) -> None:
    r = CliRunner().invoke(app, ["events", "-w", str(ws), "--min-confidence", "3"])
    assert r.exit_code == 2 and "--min-confidence" in r.output


def test_python_api_takes_the_same_filters(ws: Path) -> None:
    w = dc.open_workspace(ws, read_only=True)
    try:
        got = dc.events(w, kind="port_call", min_confidence=0.8, min_hours=24).to_pylist()
    finally:
        w.close()
    assert [(e["mmsi"], e["confidence"]) for e in got] == [(2, 1.0)]


def test_help_states_each_kinds_confidence() -> None:
    for cmd in ("events", "detect"):
        r = CliRunner().invoke(app, [cmd, "--help"], terminal_width=200)
        text = " ".join(r.output.split())
        for kind in ("port_call", "port_presence", "stop", "gap", "encounter", "spoof_jump"):
            assert f"{kind}:" in text, (cmd, kind)
        assert "GFW's level 4 = 1.0" in text


def test_readme_defines_every_kind_with_its_confidence() -> None:
    from darkcargo.events.kinds import EVENT_KINDS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Event definitions", 1)[1].split("\n## ", 1)[0]
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|")[3].strip()
        for line in section.splitlines()
        if line.startswith("| `")
    }
    assert set(rows) == set(EVENT_KINDS)
    assert all(rows[k] for k in EVENT_KINDS)  # a confidence meaning for each
    assert "upper bound" in section and "left_before" in section
