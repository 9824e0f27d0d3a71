"""Project habits checked on every run: lint, types, and a DuckDB 2 pitfall."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = BIN / name
    if not exe.exists():
        pytest.skip(f"{name} is not installed in this environment")
    return subprocess.run([str(exe), *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean() -> None:
    done = _tool("ruff", "check", "src", "tests", "bench", "scripts")
    assert done.returncode == 0, done.stdout[-3000:]


def test_mypy_is_clean() -> None:
    done = _tool("mypy")
    assert done.returncode == 0, done.stdout[-3000:]


def test_no_fetchone_on_shared_connections() -> None:
    """DuckDB 2 refuses further work on a connection whose last result was not read to the end,
    so a fetchone() followed by another query fails at run time: fetch whole results."""
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "src").rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.fetchone\(\)", line)
    ]
    assert not offenders, f"use fetchall()/Workspace.scalar instead of fetchone(): {offenders}"
