"""What files hold reaches the analyst's terminal as text: file names are not console markup,
and control characters in quoted lines and headers are shown as escapes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from tests.cli.test_startup import SENTENCE, _env, run_cli

from darkcargo.cli.options import OutputFormat
from darkcargo.cli.output import print_table


def test_names_and_lines_from_files_reach_the_terminal_as_text(tmp_path: Path) -> None:
    """A file name is printed as written (not as console markup), and an error quoting a header
    shows its control characters as escapes: nothing a file holds moves or recolours the
    analyst's terminal."""
    feed = tmp_path / "evil[bold red]x.nmea"
    feed.write_bytes(SENTENCE)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a\x1b[2J,b\xe2\x80\xaec\n1,2\n")

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return run_cli(tmp_path, *argv, COLUMNS="500")  # long paths unfolded

    done = cli("ingest", str(feed), "-w", str(tmp_path / "ws.duckdb"))
    assert done.returncode == 0 and "evil[bold red]x.nmea: nmea, 1 lines" in done.stdout
    done = cli("ingest", str(bad), "-w", str(tmp_path / "ws.duckdb"))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr
    assert "a\\x1b[2J,b\\u202ec" in done.stderr
    info = cli("info", "-w", str(tmp_path / "ws.duckdb"))
    assert "evil[bold red]x.nmea" in info.stdout


# A ship's own identity, as broadcast: console markup, a hyperlink, an emoji code, a screen
# clear and a right-to-left override.
EVIL_NAME = "[bold red]EVIL[/] :skull: \x1b[2J\u202eX"
EVIL_CALLSIGN = "[link=http://e.vil]UB[/link]"
SHOWN_NAME = "[bold red]EVIL[/] :skull: \\x1b[2J\\u202eX"


def test_names_and_call_signs_in_tables_are_text(tmp_path: Path) -> None:
    """`vessels` and `vessel` show a ship's name and call sign exactly as broadcast, with
    control characters as escapes: no colour, link, emoji, cleared screen or reordered line."""
    feed = tmp_path / "day.csv"
    row = f"273210440,2023-01-01T00:00:00,42.8,132.9,10,90,90,{EVIL_NAME},IMO9000001,{EVIL_CALLSIGN},70,0,100,20,5,70,A\n"
    feed.write_text(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
        "Length,Width,Draft,Cargo,TransceiverClass\n" + row,
        encoding="utf-8",
    )
    ws = str(tmp_path / "ws.duckdb")
    assert run_cli(tmp_path, "ingest", str(feed), "-w", ws).returncode == 0
    for argv in (["vessels", "-w", ws], ["vessel", "273210440", "-w", ws]):
        done = run_cli(tmp_path, *argv, COLUMNS="500")
        assert done.returncode == 0, done.stderr
        assert SHOWN_NAME in done.stdout, done.stdout
        assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
        assert "\U0001f480" not in done.stdout  # the skull emoji
    assert EVIL_CALLSIGN in done.stdout


def test_listing_tables_print_cells_as_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every listing command prints through print_table: its cells and title are text."""
    monkeypatch.setenv("COLUMNS", "300")
    print_table(pa.table({"name": [EVIL_NAME, None], "callsign": [EVIL_CALLSIGN, "UBAB"]}))
    out = capsys.readouterr().out
    assert SHOWN_NAME in out and EVIL_CALLSIGN in out and "UBAB" in out
    assert "\x1b" not in out and "\u202e" not in out and "\U0001f480" not in out


def test_ingest_on_a_terminal_draws_bars_and_prints_the_name_as_written(tmp_path: Path) -> None:
    """On a terminal the ingest draws a progress bar per file (elsewhere none is built); the
    result line still gives the file's name as written."""
    feed = tmp_path / "evil[bold red]x.nmea"
    feed.write_bytes(SENTENCE * 20_000)
    main, child = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "darkcargo", "ingest", str(feed), "-w", str(tmp_path / "ws.duckdb")],
        cwd=tmp_path,
        env=_env(COLUMNS="300", TERM="xterm"),
        stdin=child,
        stdout=child,
        stderr=child,
    ) as proc:
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end closed
                break
            if not chunk:
                break
            shown += chunk
        assert proc.wait(timeout=120) == 0, shown
    os.close(main)
    text = shown.decode()
    assert "evil[bold red]x.nmea: nmea, 20,000 lines: 20,000 accepted" in text
    assert "\x1b[" in text  # the bar, drawn with the terminal's escapes (and cleared)


def test_csv_output_keeps_formulas_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    """`--format csv` puts an apostrophe before text a spreadsheet would run, as the export
    bundles and the page's download do; JSON keeps the value as broadcast."""
    rows = pa.table(
        {"name": ['=HYPERLINK("http://e.vil","x")', "-5 KNOTS", "ANGARA"], "n": [1, 2, 3]}
    )
    print_table(rows, OutputFormat.csv)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "name,n",
        '"\'=HYPERLINK(""http://e.vil"",""x"")",1',
        "'-5 KNOTS,2",
        "ANGARA,3",
    ]
    print_table(rows, OutputFormat.json)
    assert '"=HYPERLINK(\\"http://e.vil\\",\\"x\\")"' in capsys.readouterr().out
