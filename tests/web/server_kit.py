"""Shared pieces of the server tests that need a real process: `darkcargo serve` started as a
subprocess on a free loopback port, its peak resident memory read from /proc, raw HTTP
requests (any Host header, any method), and a workspace large enough to load the server."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from darkcargo.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
SERVER_START_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def darkcargo_env(**extra: str) -> dict[str, str]:
    """The environment for a darkcargo subprocess: this checkout's sources first on the path,
    no token unless given."""
    env = {k: v for k, v in os.environ.items() if k != "DARKCARGO_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), str(REPO), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.update(extra)
    return env


def run_darkcargo(
    args: list[str], env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "darkcargo", *args],
        env=dict(env or darkcargo_env()),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def request(
    port: int,
    path: str,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> Response:
    """One raw HTTP request to 127.0.0.1:port; `path` is sent as given (no normalisation) and
    `headers` may override Host."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        skip_host = any(k.lower() == "host" for k in hdrs)
        conn.putrequest(method, path, skip_host=skip_host, skip_accept_encoding=True)
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders()
        r = conn.getresponse()
        body = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, body)
    finally:
        conn.close()


@dataclass
class Server:
    proc: subprocess.Popen[str]
    port: int

    def get(self, path: str, **kw: object) -> Response:
        return request(self.port, path, **kw)  # type: ignore[arg-type]

    def status(self, field: str) -> int:
        """A field of /proc/PID/status in kB (VmHWM: peak resident memory, VmRSS: now)."""
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        line = next(ln for ln in text.splitlines() if ln.startswith(field + ":"))
        return int(line.split()[1])

    def reset_peak(self) -> None:
        """Reset VmHWM to the current resident size (Linux: write 5 to clear_refs)."""
        Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")


@contextmanager
def serve(workspace: Path, *args: str, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """`darkcargo serve` on a free port until the block ends; fails with its output when it
    does not answer /api/summary within SERVER_START_S."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "darkcargo",
            "serve",
            "--workspace",
            str(workspace),
            "--port",
            str(port),
            *args,
        ],
        env=dict(env or darkcargo_env()),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise RuntimeError(f"darkcargo serve exited with {proc.returncode}: {out}")
            try:
                request(port, "/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield Server(proc, port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def build_load_workspace(
    path: Path, vessels: int, fixes_per_vessel: int, events_per_kind: int
) -> Path:
    """A workspace to load the server with: `vessels` MMSIs with `fixes_per_vessel` fixes each
    (straight legs in the Sea of Japan, one per minute) and `events_per_kind` events of each
    of three common kinds (loitering, stop, gap far from the case's ports), written by SQL."""
    with Workspace(path) as ws, ws.transaction() as con:
        con.execute(
            """
            INSERT INTO positions BY NAME
            SELECT 400000000 + v AS mmsi,
                   TIMESTAMP '2023-09-01' + to_minutes(i) AS ts,
                   36.0 + (v % 50) * 0.1 + i * 0.0001 * sin(v) AS lat,
                   130.0 + (v // 50) * 0.2 + i * 0.0001 * cos(v) AS lon,
                   10.0::FLOAT AS sog, 1::TINYINT AS msg_type, 1 AS source_id,
                   v * $n + i AS row_id
            FROM range($v) r(v), range($n) f(i)
            """,
            {"v": vessels, "n": fixes_per_vessel},
        )
        con.execute(
            """
            INSERT INTO events BY NAME
            SELECT kind || '-' || i AS event_id, kind,
                   400000000 + i % $v AS mmsi,
                   TIMESTAMP '2023-09-01' + to_minutes(i * 7) AS start_ts,
                   TIMESTAMP '2023-09-01' + to_minutes(i * 7 + 300) AS end_ts,
                   30.0 + (i % 97) * 0.01 AS lat, 125.0 + (i % 89) * 0.01 AS lon,
                   'gfw' AS preset, 'abcdef123456' AS params_hash,
                   '{"source_rows": [[1, ' || i || ', ' || (i + 40) || ']], "n_positions": 40}'
                       AS evidence,
                   '{"hours": 5.0, "note": "' || repeat('x', 200) || '"}' AS details,
                   0.5::FLOAT AS confidence
            FROM range($e) r(i), (VALUES ('loitering'), ('stop'), ('gap')) k(kind)
            """,
            {"v": vessels, "e": events_per_kind},
        )
    return path
