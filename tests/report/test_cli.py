"""The report, export and serve commands."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.sample import build_sample_workspace

# main() as the console script runs it (with its one-line errors and exit codes)
DARKCARGO = [sys.executable, "-c", "from darkcargo.cli.main import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DARKCARGO, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("cli") / "ws.duckdb")


def test_report_command_writes_one_file(ws: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from darkcargo.cli.main import app

    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["report", "--workspace", str(ws), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.exists() and "no network needed" in r.output
    assert out.read_text().startswith("<!doctype html>")


def test_export_command_with_kind_filter(ws: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from darkcargo.cli.main import app

    out = tmp_path / "bundle"
    r = CliRunner().invoke(
        app,
        ["export", "-w", str(ws), "--format", "geojson", "--out", str(out), "--kind", "gap",
         "--kind", "port_call"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    kinds = sorted(
        {
            f["properties"]["kind"]
            for f in json.loads((out / "events.geojson").read_text())["features"]
        }
    )
    assert kinds == ["gap", "port_call"]


def test_bad_format_is_one_line_and_exit_2(ws: Path, tmp_path: Path) -> None:
    r = run("export", "-w", str(ws), "--format", "shp", "--out", str(tmp_path / "x"))
    assert r.returncode == 2
    assert (
        r.stderr.strip()
        == "error: --format: unknown export format 'shp'; use geojson, kml, csv, parquet"
    )


def test_missing_workspace_is_one_line(tmp_path: Path) -> None:
    r = run("report", "-w", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.html"))
    assert r.returncode == 3
    assert len(r.stderr.strip().splitlines()) == 1 and "no such workspace" in r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_listens_on_loopback_and_requires_the_token(ws: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [*DARKCARGO, "serve", "-w", str(ws), "--port", str(port),
         "--token", "t0k"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(f"server did not start: {proc.stderr.read()}") from None
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "/api/vessels", timeout=5)
        assert err.value.code == 401
        req = urllib.request.Request(base + "/api/vessels", headers={"Authorization": "Bearer t0k"})
        assert len(json.loads(urllib.request.urlopen(req, timeout=5).read())) == 2
    finally:
        proc.terminate()
        out, err_text = proc.communicate(timeout=15)
    # the URL is printed without the token; --token is accepted with a warning about `ps`
    assert f"http://127.0.0.1:{port}/" in out and "t0k" not in out + err_text
    assert "visible to every user" in err_text
