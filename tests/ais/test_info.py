"""What a workspace holds, as `darkcargo info` shows it."""

from __future__ import annotations

from pathlib import Path

from darkcargo.ais.info import workspace_info
from darkcargo.ais.ingest import ingest
from darkcargo.workspace import Workspace
from tests.ais.test_ingest import marinecadastre_csv


def test_workspace_info_summarises_sources_span_vessels_and_rejects(
    tmp_path: Path, workspace_path: Path
) -> None:
    path = tmp_path / "day.csv"
    path.write_text(marinecadastre_csv(1_000, vessels=30, bad_every=250))
    ingest([path], workspace_path)
    with Workspace(workspace_path, read_only=True) as ws:
        info = workspace_info(ws)
    assert info.positions == 996 and info.statics == 30 and info.vessels == 30
    assert info.rejects == {"out_of_range": 4}
    assert info.first_ts is not None and info.first_ts.date().isoformat() == "2024-03-01"
    assert len(info.sources) == 1 and info.sources[0].format == "csv:marinecadastre"
    assert info.tables["positions"] == 996 and "events" in info.tables and "meta" not in info.tables
