"""Port calls, presences, stops and gaps on real AIS nobody here wrote (the shared samples):
the MarineCadastre rows (mostly one fix per vessel) and a Global Fishing Watch track that turns
AIS off at its berth in Nouadhibou for weeks at a time."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from darkcargo.cli.main import app
from darkcargo.workspace import Workspace

# the World Port Index's reference points (WPI_ports.csv), with explicit ids
PORTS_CSV = "id,name,lat,lon\nNOUADHIBOU,Nouadhibou,20.916667,-17.05\nLAS_PALMAS,Las Palmas,28.15,-15.416667\n"


def run(*args: str) -> str:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def events(ws: Path, kind: str) -> list[dict]:
    with Workspace(ws, read_only=True) as w:
        rows = w.arrow(
            "SELECT kind, start_ts, end_ts, port_id, confidence, details FROM events "
            "WHERE kind = ? ORDER BY start_ts",
            [kind],
        ).to_pylist()
    for r in rows:
        r["details"] = json.loads(r["details"])
    return rows


@pytest.fixture(scope="module")
def marinecadastre(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("mc") / "ws.duckdb"
    run("ingest", str(shared_data / "ais/noaa/marinecadastre_20230101_sample.csv"), "-w", str(ws))
    run("detect", "-w", str(ws), "--ports", str(shared_data / "ports/WPI_ports.csv"))
    return ws


@pytest.fixture(scope="module")
def gfw_track(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The GFW map download with its MMSI (the seg_id's prefix) as a column, ingested by a
    column map, and detected against Nouadhibou and Las Palmas."""
    tmp = tmp_path_factory.mktemp("gfw")
    src = shared_data / "ais/gfw_tracks/track_7a1ac1699.csv"
    with src.open(newline="") as fh, (tmp / "track.csv").open("w", newline="") as out:
        rows = list(csv.DictReader(fh))
        w = csv.DictWriter(out, fieldnames=[*rows[0], "mmsi"])
        w.writeheader()
        for r in rows:
            w.writerow({**r, "mmsi": r["seg_id"].split("-")[0]})
    (tmp / "ports.csv").write_text(PORTS_CSV)
    ws = tmp / "ws.duckdb"
    cols = "mmsi=mmsi,ts=timestamp,lat=lat,lon=lon,sog=speed,cog=course"
    run("ingest", str(tmp / "track.csv"), "-w", str(ws), "--columns", cols)
    run("detect", "-w", str(ws), "--ports", str(tmp / "ports.csv"))
    return ws


def test_marinecadastre_single_fixes_are_presences_never_calls(marinecadastre: Path) -> None:
    calls = events(marinecadastre, "port_call")
    assert [c for c in calls if c["end_ts"] <= c["start_ts"]] == []  # no zero-length call
    assert calls == []  # one or two fixes a vessel: no stay shown anywhere
    pres = events(marinecadastre, "port_presence")
    assert len(pres) > 100
    assert {p["confidence"] for p in pres} == {0.25}
    assert all(p["details"]["closest_km"] <= 4.0 for p in pres)


def test_gfw_track_silences_at_nouadhibou_are_calls_spanning_them(gfw_track: Path) -> None:
    calls = events(gfw_track, "port_call")
    assert {c["port_id"] for c in calls} == {"NOUADHIBOU"}
    assert all(c["end_ts"] > c["start_ts"] for c in calls)  # no zero-length call
    # every long silence that begins at the berth lies inside a call at Nouadhibou, which
    # either spans it whole (AIS back on in port) or ends when the ship left at the latest
    in_port = [
        g
        for g in events(gfw_track, "gap")
        if g["details"]["starts_in_port"] and g["details"]["hours"] >= 48
    ]
    assert len(in_port) >= 6
    for g in in_port:
        assert g["details"]["off_port"] == "NOUADHIBOU"
        (c,) = [c for c in calls if c["start_ts"] <= g["start_ts"] < c["end_ts"]]
        assert c["details"]["port_gap"] is True
        assert c["end_ts"] >= g["end_ts"] or c["details"]["ais_off_in_port"] is True
    # the 657 h silence after arriving on 10 June 2019: a zero-hour call before, now 650 h
    (june,) = [c for c in calls if c["start_ts"] == datetime(2019, 6, 10, 14, 46, 59)]
    d = june["details"]
    assert d["ais_off_in_port"] is True and d["left_after"] == "2019-06-10T14:46:59"
    assert d["left_before"].startswith("2019-07-07T17:00")  # 200 km out at 16 kn
    assert d["departure"] == (
        f"AIS off in port; left between 2019-06-10T14:46:59Z and {d['left_before']}Z"
    )
    assert d["hours"] == pytest.approx(650.2, abs=0.1)
    assert d["long_silence"] is True and june["confidence"] == 0.5  # one fix, 650 h unseen
    (gap,) = [g for g in in_port if g["start_ts"] == june["start_ts"]]
    assert gap["details"]["off_port_km"] == pytest.approx(2.95, abs=0.01)


def test_gfw_track_stops_name_their_nearest_port(gfw_track: Path) -> None:
    stops = events(gfw_track, "stop")
    at_berth = [s for s in stops if s["port_id"] == "NOUADHIBOU"]
    offshore = [s for s in stops if s["port_id"] is None]
    assert len(at_berth) >= 8 and len(offshore) >= 5
    assert all(2.0 < s["details"]["nearest_port_km"] < 4.0 for s in at_berth)
    assert all(s["details"]["nearest_port_km"] > 50 for s in offshore)
    assert all(s["details"]["hours"] >= 12 for s in stops)
