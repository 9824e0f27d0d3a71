"""Killing an ingest half way (SIGKILL, no cleanup at all) leaves the workspace as it was, and a
second ingest completes it with the same rows as a clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from darkcargo.ais.ingest import STATUS_DUPLICATE, STATUS_INGESTED, ingest
from darkcargo.workspace import Workspace
from tests.ais.test_ingest import marinecadastre_csv

BIG_ROWS = 400_000  # ~40 MB of CSV: several DuckDB row groups written before the commit

# The child ingests and says where it is; "written" comes when positions, statics and rejects
# of the big file are in the workspace but not committed, "reading" while DuckDB reads it.
CHILD = textwrap.dedent(
    """
    import sys, time
    import darkcargo.ais.tabular as tabular

    real_stage, real_write = tabular.stage_csv, tabular.write_stage
    def stage(ws, path, plan, *args, **kw):
        print("reading", flush=True)
        return real_stage(ws, path, plan, *args, **kw)
    def write(*args, **kw):
        result = real_write(*args, **kw)
        if result.positions > 100_000:
            print("written", result.positions, flush=True)
            time.sleep(60)
        return result
    tabular.stage_csv, tabular.write_stage = stage, write
    import darkcargo.ais.ingest as ingest_module
    ingest_module.ingest(sys.argv[2:], sys.argv[1])
    print("finished", flush=True)
    """
)


def snapshot(path: Path) -> dict[str, object]:
    with Workspace(path, read_only=True) as ws:
        out: dict[str, object] = {
            t: ws.count(t) for t in ("sources", "positions", "statics", "rejects")
        }
        out["fingerprint"] = ws.con.execute(
            "SELECT sum(mmsi), sum(row_id), sum(epoch_us(ts)), round(sum(lat), 3) FROM positions"
        ).fetchall()[0]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("when", ["written", "reading"])
def test_sigkill_half_way_leaves_workspace_unchanged_and_reingest_completes(
    tmp_path: Path, when: str
) -> None:
    small = tmp_path / "small.csv"
    small.write_text(marinecadastre_csv(1_000, seed=11))
    big = tmp_path / "big.csv"
    big.write_text(marinecadastre_csv(BIG_ROWS, vessels=400, seed=12, bad_every=997))
    ws_path = tmp_path / "ws.duckdb"
    ingest([small], ws_path)
    before = snapshot(ws_path)

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ws_path), str(small), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # SIGKILL leaves the child's temporary directory behind: keep it in the test's own.
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert child.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        assert not line.startswith("finished"), "ingest finished before it could be killed"
        seen.append(line.split()[0])
        if line.startswith("reading") and when == "reading":  # the big file's read began
            time.sleep(0.3)
            break
        if line.startswith("written"):
            break
    assert when in seen, child.stderr.read() if child.stderr else ""
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert snapshot(ws_path) == before  # the half-written file left no trace

    again = ingest([small, big], ws_path)
    assert [f.status for f in again.files] == [STATUS_DUPLICATE, STATUS_INGESTED]
    clean_path = tmp_path / "clean.duckdb"
    ingest([small, big], clean_path)
    completed, clean = snapshot(ws_path), snapshot(clean_path)
    assert completed == clean
    assert completed["positions"] == 1_000 + BIG_ROWS - len(range(0, BIG_ROWS, 997))
