"""The README is the manual: every example command in it runs, on a small demo season."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BIN = Path(sys.executable).parent
# The README's `darkcargo demo` builds the full season (minutes); the test builds a small one.
SMALL_DEMO = "--vessels 40 --end 2023-08-31"


def readme_commands() -> list[str]:
    """Indented example lines that start with `darkcargo `, trailing comments removed."""
    commands = []
    for line in README.read_text().splitlines():
        if line.startswith("    darkcargo "):
            commands.append(re.sub(r"\s+#.*$", "", line.strip()))
    return commands


def readme_python() -> str:
    match = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert match, "README has no python example"
    return match.group(1)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("DARKCARGO_WORKSPACE", None)
    env["COLUMNS"] = "200"
    return env


def _run(cmd: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", cmd], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("readme")
    done = _run(f"darkcargo demo {SMALL_DEMO}", cwd, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (cwd / "darkcargo-demo" / "workspace.duckdb").exists()
    return cwd


def test_readme_shows_the_two_setup_commands() -> None:
    text = README.read_text()
    assert "make demo" in text and "make test" in text
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "darkcargo demo" in readme_commands() or "darkcargo demo" in text


def test_readme_lists_every_cli_command() -> None:
    from typer.main import get_command

    from darkcargo.cli.main import app

    names = set(get_command(app).commands)  # type: ignore[attr-defined]
    text = README.read_text()
    missing = [n for n in names if f"darkcargo {n}" not in text]
    assert not missing, f"commands not shown in the README: {missing}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_and_probe(cmd: str, cwd: Path) -> None:
    port = _free_port()
    args = [*shlex.split(cmd), "--port", str(port)]
    proc = subprocess.Popen(
        args, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/vessels", timeout=5) as r:
                    assert r.status == 200
                    assert b"mmsi" in r.read()
                    return
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_every_readme_command_runs_on_the_demo(demo_dir: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 15
    outputs: dict[str, str] = {}
    for cmd in commands:
        if cmd == "darkcargo demo":
            continue  # built by the fixture with a smaller season
        if cmd.startswith("darkcargo serve"):
            _serve_and_probe(cmd, demo_dir)
            continue
        done = _run(cmd, demo_dir)
        assert done.returncode == 0, f"{cmd}\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}"
        outputs[cmd] = done.stdout
    ingest = [c for c in commands if c.startswith("darkcargo ingest")]
    assert "already" in outputs[ingest[1]].lower()
    assert (demo_dir / "report.html").stat().st_size > 10_000
    assert (demo_dir / "exports-gaps" / "README.md").exists()
    assert (demo_dir / "season-11" / "ais.nmea").exists()


@pytest.mark.slow
def test_readme_python_example_runs(demo_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", readme_python()],
        cwd=demo_dir,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    gaps, track = (int(x) for x in done.stdout.split()[:2])
    assert track > 100
    assert gaps >= 0
