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

BIG_ROWS = 400_000  # ~40 MB of CSV: dozens of batches, several DuckDB row groups
BATCH_ROWS = 8_000
KILL_AFTER_APPENDS = 4  # of ~10 positions batches (4 MB chunks) appended, uncommitted

CHILD = textwrap.dedent(
    """
    import sys
    import darkcargo.ais.ingest as ingest_module

    real = ingest_module.append_rows
    def noisy(ws, table, data):
        n = real(ws, table, data)
        if table == "positions" and n:
            print("appended", n, flush=True)
        return n
    ingest_module.append_rows = noisy
    ingest_module.ingest(sys.argv[2:], sys.argv[1], batch_rows=int({batch}))
    print("finished", flush=True)
    """
).format(batch=BATCH_ROWS)


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
def test_sigkill_half_way_leaves_workspace_unchanged_and_reingest_completes(
    tmp_path: Path,
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
    )
    assert child.stdout is not None
    appended = 0
    deadline = time.monotonic() + 120
    while appended < KILL_AFTER_APPENDS and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        assert not line.startswith("finished"), "ingest finished before it could be killed"
        appended += line.startswith("appended")
    assert appended == KILL_AFTER_APPENDS, child.stderr.read() if child.stderr else ""
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
