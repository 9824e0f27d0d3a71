"""What files hold reaches the analyst's terminal as text: file names are not console markup,
and control characters in quoted lines and headers are shown as escapes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.cli.test_startup import SENTENCE, run_cli


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
