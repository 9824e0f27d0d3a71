"""A mistyped --workspace is an error for every command that reads one: a one-line reason, a
non-zero exit, and no new empty workspace left behind (which would then answer "0 events")."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.test_ingest_cli import run_cli

READERS = (
    ["detect"],
    ["infer"],
    ["events"],
    ["calls"],
    ["shipments"],
    ["vessels"],
    ["vessel", "9179842"],
    ["sar", "match"],
    ["sar", "list"],
    ["claims", "check"],
    ["claims", "list"],
    ["sanctions", "list"],
    ["sightings", "list"],
    ["estimate"],
    ["info"],
)


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_missing_workspace_is_an_error_and_is_not_created(
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typo = tmp_path / "wokspace.duckdb"
    code, _, err = run_cli([*command, "--workspace", str(typo)], capsys, monkeypatch)
    assert code != 0
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no such workspace" in lines[0] and str(typo) in lines[0], err
    assert not typo.exists() and list(tmp_path.iterdir()) == []
