"""`darkcargo info`: sources, AIS counts, time span, vessels, rejects and every table."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from tests.ais.test_ingest import marinecadastre_csv
from tests.cli.test_ingest_cli import run_cli

from darkcargo.ais.ingest import ingest


@pytest.fixture
def filled(shared_data: Path, tmp_path: Path, workspace_path: Path) -> tuple[Path, Path]:
    csv_path = tmp_path / "day.csv"
    csv_path.write_text(marinecadastre_csv(300, vessels=20, bad_every=100))
    ingest([csv_path, shared_data / "ais" / "libais" / "tagblock.nmea"], workspace_path)
    return workspace_path, csv_path


def test_info_table_lists_sources_counts_span_and_rejects(
    filled: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws, csv_path = filled
    monkeypatch.setenv("COLUMNS", "250")
    code, out, err = run_cli(["info", "-w", str(ws)], capsys, monkeypatch)
    assert code == 0, err
    digest = hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert digest[:12] in out and digest[:13] not in out
    assert "csv:marinecadastre" in out and "nmea" in out and str(csv_path) in out
    for word in ("positions", "statics", "vessels", "time span", "out_of_range", "events"):
        assert word in out
    assert "MMSI classes" in out and "ship" in out
    assert "2024-03-01" in out and "UTC" in out


def test_info_json_has_every_figure(
    filled: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws, _ = filled
    code, out, err = run_cli(["info", "-w", str(ws), "--format", "json"], capsys, monkeypatch)
    assert code == 0, err
    data = json.loads(out)
    assert [s["format"] for s in data["sources"]] == ["csv:marinecadastre", "nmea"]
    assert data["positions"] == 297 + 3 and data["rejects"] == {"out_of_range": 3}
    assert data["vessels"] == 20 + 2
    assert data["time_span"]["first"].startswith("2014-12-10")
    assert data["time_span"]["last"].startswith("2024-03-01")
    assert data["tables"]["positions"] == 300 and data["tables"]["events"] == 0
    assert data["tables"]["sources"] == 2
    assert data["mmsi_classes"] == {"ship": 22}


def test_info_on_a_missing_workspace_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "none.duckdb"
    code, _, err = run_cli(["info", "-w", str(missing)], capsys, monkeypatch)
    assert code == 3 and "none.duckdb" in err and err.count("\n") == 1
    assert not missing.exists()


def test_info_counts_mmsis_per_class(
    shared_data: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GPSD's annotated sample holds base stations (type 4) and aids to navigation (type 21)."""
    ingest(
        [shared_data / "ais" / "gpsd" / "sample.aivdm"],
        workspace_path,
        default_time=datetime(2010, 1, 1),
    )
    code, out, err = run_cli(
        ["info", "-w", str(workspace_path), "--format", "json"], capsys, monkeypatch
    )
    assert code == 0, err
    classes = json.loads(out)["mmsi_classes"]
    # a third base station reports no position (lat 91, lon 181): rejected no_position
    assert classes == {"ship": 17, "base_station": 2, "aid_to_navigation": 2}
    assert sum(classes.values()) == json.loads(out)["vessels"]
