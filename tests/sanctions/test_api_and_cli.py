"""The risk API for the page, and the `vessels` / `vessel` commands (hostile text stays text)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from darkcargo.sanctions.load import load_list
from darkcargo.sanctions.risk import build_risk
from darkcargo.web import create_app
from tests.sanctions.helpers import build, event, positions, statics
from tests.sanctions.test_risk import V1, V2, sample

HOSTILE = "[bold red]EVIL[/bold red] <b>X"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = sample(tmp_path)
    (tmp_path / "list.txt").write_text("9179842 ANGARA\n")
    load_list([tmp_path / "list.txt"], path)
    build_risk(path)
    return path


def test_risk_ranking_and_one_vessels_risk(ws: Path) -> None:
    with TestClient(create_app(ws), base_url="http://127.0.0.1") as client:
        body = client.get("/api/risk", params={"limit": 2}).json()
        assert body["total"] == 6 and body["limit"] == 2 and body["preset"] == "default@1"
        first = body["items"][0]
        assert (first["rank"], first["vessel_id"], first["sanctioned"]) == (1, "IMO9179842", True)
        assert first["mmsis"] == [V1] and first["contributions"][0]["rule"] == "sanctioned_strong"
        only = client.get("/api/risk", params={"sanctioned": "false"}).json()
        assert only["total"] == 5 and all(not i["sanctioned"] for i in only["items"])
        one = client.get("/api/vessels/9179842/risk").json()  # by IMO
        assert one["vessel_id"] == "IMO9179842" and one["rank"] == 1 and one["of"] == 6
        assert one["matches"][0]["list"] == "list" and one["matches"][0]["listed_name"] == "ANGARA"
        rules = {c["rule"]: c for c in one["contributions"]}
        assert rules["gap_near_origin"]["rows"] == {"events": ["g1"]}
        assert client.get(f"/api/vessels/{V2}/risk").json()["sanctioned"] is False  # by MMSI
        assert client.get("/api/vessels/123456789/risk").status_code == 404
        for bad in ({"limit": 0}, {"limit": 10_001}, {"offset": -1}, {"min_score": -1}):
            assert client.get("/api/risk", params=bad).status_code == 422
        assert client.get("/api/vessels/0/risk").status_code == 422
        assert client.get("/api/vessels/1000000000/risk").status_code == 422
        paths = client.get("/api/openapi.json").json()["paths"]
        assert "/api/risk" in paths and "/api/vessels/{vessel_id}/risk" in paths


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "darkcargo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_vessels_and_vessel_commands(ws: Path) -> None:
    done = run("vessels", "-w", str(ws), "--top", "2", "--format", "csv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "rank,vessel,name,mmsi,imo,score,sanctioned,reasons"
    assert lines[1].startswith(
        '1,IMO9179842,ANGARA,273000001,9179842,74.8,True,"40 sanctioned_strong, 15 origin_port_call x2'
    )
    assert len(lines) == 3
    one = run("vessel", "ANGARA", "-w", str(ws), "--format", "json")
    doc = json.loads(one.stdout)
    assert doc["vessel_id"] == "IMO9179842" and doc["risk"]["score"] == 74.8
    calls = [(c["call_kind"], c.get("event_id") or c.get("call_id")) for c in doc["port_calls"]]
    assert calls == [("observed", "c1"), ("observed", "c2"), ("inferred", "ipc-1")]
    assert [g["event_id"] for g in doc["gaps"]] == ["g1", "g2"]
    assert doc["matches"][0]["kind"] == "strong" and doc["identities"][0]["flag"] == "RU"
    text = run("vessel", "9179842", "-w", str(ws)).stdout
    assert "IMO9179842" in text and "sanctioned_strong" in text and "gap_near_origin" in text
    missing = run("vessel", "NOBODY", "-w", str(ws))
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")


def test_hostile_names_print_as_text(tmp_path: Path) -> None:
    m = 273999001
    ev = [event("p1", "port_call", m, 0, 10, port_id="RAJIN", confidence=1.0)]
    ws = build(
        tmp_path / "w.duckdb",
        statics=statics(m, HOSTILE),
        events=ev,
        positions=positions(m, 42.2, 130.3),
    )
    out = run("vessels", "-w", str(ws)).stdout
    assert "[bold red]EVIL[/bold red]" in out
    out = run("vessel", str(m), "-w", str(ws)).stdout
    assert "[bold red]EVIL[/bold red] <b>X" in out
