"""Loading analyst sightings from CSV."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from darkcargo.cli.main import app
from darkcargo.errors import InputError
from darkcargo.sightings.load import load_sightings, read_sightings_csv
from darkcargo.workspace import Workspace

GOOD = """sighting_id,ts,place,kind,count,count_low,count_high,mmsi,imo,source
s1,2023-09-07T06:00:00Z,RAJIN,containers_on_quay,300,250,350,273210440,9179842,White House imagery
s2,2023-10-05,TUMANGANG_KHASAN,rail_cars,73,,,,,CSIS Beyond Parallel
s3,2023-09-08T12:00:00+09:00,DUNAI,containers_on_quay,,200,320,,,my count
"""


def test_csv_rows_become_sightings_with_utc_times(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text(GOOD)
    t = read_sightings_csv(f)
    rows = {r["sighting_id"]: r for r in t.to_pylist()}
    assert rows["s1"]["ts"] == datetime(2023, 9, 7, 6) and rows["s1"]["count"] == 300
    assert rows["s1"]["mmsi"] == 273210440 and rows["s1"]["imo"] == 9179842
    assert rows["s3"]["ts"] == datetime(2023, 9, 8, 3)  # +09:00 -> UTC
    assert rows["s3"]["count"] is None and rows["s3"]["count_high"] == 320
    assert rows["s2"]["kind"] == "rail_cars" and rows["s2"]["count_low"] is None


def test_reloading_replaces_rows_with_the_same_ids(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text(GOOD)
    ws_path = tmp_path / "ws.duckdb"
    first = load_sightings(f, ws_path)
    second = load_sightings(f, ws_path)
    assert (first.rows, first.replaced, second.replaced) == (3, 0, 3)
    assert first.kinds == {"containers_on_quay": 2, "rail_cars": 1}
    with Workspace(ws_path, read_only=True) as ws:
        assert ws.count("sightings") == 3


def test_rows_without_ids_get_stable_ids(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("ts,place,kind,count\n2024-03-12,RAJIN,containers_on_quay,120\n")
    a = read_sightings_csv(f).column("sighting_id")[0].as_py()
    assert a == read_sightings_csv(f).column("sighting_id")[0].as_py() and len(a) == 16


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("ts,place,kind,count\nyesterday,RAJIN,containers_on_quay,3\n", 2, "ISO 8601"),
        ("ts,place,kind,count\n2024-01-01,RAJIN,containers_on_quay,-3\n", 2, "non-negative"),
        ("ts,place,kind,count_low,count_high\n2024-01-01,RAJIN,q,9,3\n", 2, "count_low"),
        ("ts,place,kind\n2024-01-01,RAJIN,q\n", 1, "count"),
        ("ts,place,kind,colour\n", 1, "unknown column"),
        ("ts,place,kind,count\n2024-01-01,,q,3\n", 2, "place"),
        ("ts,place,kind,count\n\n2024-01-01,RAJIN,q,3,4\n", 3, "more fields"),
        ("sighting_id,ts,place,kind,count\na,2024-01-01,R,q,1\na,2024-01-02,R,q,2\n", 3, "repeats"),
    ],
)
def test_bad_rows_name_file_line_and_reason(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(InputError, match=reason) as info:
        read_sightings_csv(f)
    assert info.value.line == line and info.value.path == str(f)


def test_cli_load_and_bad_file_exit_code(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text(GOOD)
    ws = tmp_path / "ws.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["sightings", "load", str(f), "--workspace", str(ws)])
    assert res.exit_code == 0, res.output
    assert "3 sightings loaded" in res.output
    res = runner.invoke(app, ["sightings", "list", "--workspace", str(ws), "--format", "csv"])
    assert res.exit_code == 0 and "s3" in res.output
