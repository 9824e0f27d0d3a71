"""What files hold reaches the analyst's terminal as text: file names are not console markup,
and control characters in quoted lines and headers are shown as escapes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SENTENCE = b"\\s:rBENCH01,c:1700000000*0B\\!AIVDM,1,1,,A,144HfvT92EaKEB0H@087?Ba>0R:O,0*4A\n"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "500"}  # no folding


def test_names_and_lines_from_files_reach_the_terminal_as_text(tmp_path: Path) -> None:
    """A file name is printed as written (not as console markup), and an error quoting a header
    shows its control characters as escapes: nothing a file holds moves or recolours the
    analyst's terminal."""
    feed = tmp_path / "evil[bold red]x.nmea"
    feed.write_bytes(SENTENCE)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a\x1b[2J,b\xe2\x80\xaec\n1,2\n")

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "darkcargo", *argv],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )

    done = cli("ingest", str(feed), "-w", str(tmp_path / "ws.duckdb"))
    assert done.returncode == 0 and "evil[bold red]x.nmea: nmea, 1 lines" in done.stdout
    done = cli("ingest", str(bad), "-w", str(tmp_path / "ws.duckdb"))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr
    assert "a\\x1b[2J,b\\u202ec" in done.stderr
    info = cli("info", "-w", str(tmp_path / "ws.duckdb"))
    assert "evil[bold red]x.nmea" in info.stdout
