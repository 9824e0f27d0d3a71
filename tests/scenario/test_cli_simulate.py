"""`darkcargo simulate` on a tiny season."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from darkcargo.cli.main import app


def test_simulate_command_writes_the_season_and_says_how_big(tmp_path: Path) -> None:
    out = tmp_path / "season"
    res = CliRunner().invoke(
        app,
        [
            "simulate",
            "--out",
            str(out),
            "--seed",
            "5",
            "--start",
            "2023-09-01",
            "--end",
            "2023-09-05",
            "--vessels",
            "12",
        ],
    )
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())  # rich wraps long lines
    assert "12 vessels" in said and "positions" in said
    settings = json.loads((out / "settings.json").read_text())["settings"]
    assert (settings["seed"], settings["start"], settings["end"], settings["vessels"]) == (
        5, "2023-09-01", "2023-09-05", 12,
    )  # fmt: skip
    assert (out / "ais.nmea").stat().st_size > 0


def test_simulate_rejects_a_bad_date_with_one_line(tmp_path: Path) -> None:
    from darkcargo.errors import InputError

    res = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--end", "2024-02-30"])
    assert isinstance(res.exception, InputError)
    assert "--end" in str(res.exception) and "2024-02-30" in str(res.exception)
