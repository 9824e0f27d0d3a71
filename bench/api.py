"""Benchmark: one vessel's 1M-position track served decimated by /api/tracks/{mmsi}, and every
track of a fleet served for the map by /api/tracks.

Builds a workspace with 1,000,000 positions of one MMSI (shuttle voyages Rajin <-> Dunai every
10 s with noise and a dark gap on each leg), then times requests through the whole app (routing,
the DuckDB read, decimation, JSON) with FastAPI's in-process client. The peer, measured in the
same run, is the same endpoint without decimation (every fix as JSON). Then a fleet (300 MMSIs,
2.6M positions: the size of the demo season) and the map's request for every track, against
the previous way of serving it (one positions query and decimation per vessel).

    .venv/bin/python bench/api.py [--positions N] [--repeat R] [--fleet-positions N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from fastapi.testclient import TestClient

from darkcargo.web import create_app
from darkcargo.workspace import Workspace, all_tables

MMSI = 273210440
RAJIN = (42.25, 130.30)
DUNAI = (42.88, 132.3375)
STEP_S = 10
LEG_FIXES = 20_000  # ~55 h per leg at 10 s
TARGET_MS = 300.0
FLEET_FIRST_MMSI = 273_000_000


def make_positions(n: int, seed: int = 7) -> pa.Table:
    """Shuttle legs between two ports with a random walk wobble and a 20 h gap mid-leg."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    leg = i // LEG_FIXES
    f = (i % LEG_FIXES) / (LEG_FIXES - 1)
    f = np.where(leg % 2 == 0, f, 1.0 - f)
    wobble = np.cumsum(rng.normal(0.0, 2e-5, (n, 2)), axis=0)
    wobble -= np.repeat(wobble[::LEG_FIXES], LEG_FIXES, axis=0)[:n]  # reset each leg
    lat = RAJIN[0] + (DUNAI[0] - RAJIN[0]) * f + 0.05 * np.sin(np.pi * f) + wobble[:, 0]
    lon = RAJIN[1] + (DUNAI[1] - RAJIN[1]) * f + wobble[:, 1]
    ts_s = i * STEP_S + leg * 20 * 3600  # a 20 h dark gap at every leg change
    start = np.datetime64("2023-09-01T00:00:00", "s")
    ts = (start + ts_s.astype("timedelta64[s]")).astype("datetime64[us]")
    cols = {
        "mmsi": np.full(n, MMSI, dtype=np.int64),
        "ts": ts,
        "lat": lat,
        "lon": lon,
        "sog": np.full(n, 10.0, dtype=np.float32),
        "cog": np.full(n, 60.0, dtype=np.float32),
        "heading": np.full(n, 60, dtype=np.int16),
        "nav_status": np.zeros(n, dtype=np.int8),
        "msg_type": np.ones(n, dtype=np.int8),
        "mmsi_valid": np.ones(n, dtype=bool),
        "source_id": np.ones(n, dtype=np.int32),
        "row_id": i.astype(np.int64) + 1,
    }
    schema = all_tables()["positions"]
    arrays = [pa.array(cols[f.name]) if f.name in cols else pa.nulls(n, f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def make_fleet(n: int, vessels: int) -> pa.Table:
    """n positions shared round-robin by `vessels` MMSIs (each in time order)."""
    t = make_positions(n)
    mmsi = (FLEET_FIRST_MMSI + np.arange(n) % vessels).astype(np.int64)
    return t.set_column(t.schema.get_field_index("mmsi"), "mmsi", pa.array(mmsi))


def bench_fleet(n: int, vessels: int, repeat: int) -> None:
    """Every track for the map: /api/tracks at a regional zoom, against one query per vessel."""
    from darkcargo.web.queries import WorkspaceReader

    with tempfile.TemporaryDirectory() as d:
        ws_path = Path(d) / "fleet.duckdb"
        with Workspace(ws_path) as ws:
            ws.append("positions", make_fleet(n, vessels))
        print(f"fleet: {n:,} positions of {vessels} MMSIs")
        with TestClient(create_app(ws_path)) as client:
            client.get("/api/vessels")  # vessel list cached, as after the page's first call
            cold, body, size = timed(client, "/api/tracks?zoom=6", 1)
            warm, body, size = timed(client, "/api/tracks?zoom=6", repeat)
            box, _, _ = timed(client, "/api/tracks?zoom=9&bbox=130.2,42.0,131.5,42.8", repeat)
        points = sum(t["n_points"] for t in body["tracks"])
        print(f"{'request':<36} {'median ms':>10} {'tracks':>7} {'points':>8} {'KB':>7}")
        print(f"{'/api/tracks zoom 6 (first: reads)':<36} {cold[0]:>10.1f}")
        print(
            f"{'/api/tracks zoom 6':<36} {statistics.median(warm):>10.1f} "
            f"{len(body['tracks']):>7} {points:>8,} {size / 1024:>7.0f}"
        )
        print(f"{'/api/tracks zoom 9, a box':<36} {statistics.median(box):>10.1f}")
        with WorkspaceReader(ws_path) as reader:
            mmsis = [v["mmsi"] for v in reader.vessels()]
            t = time.perf_counter()
            for m in mmsis:
                reader.track(m, 6)
            peer = (time.perf_counter() - t) * 1000
        print(f"{'peer: one query per vessel':<36} {peer:>10.1f}")
        print(
            f"ratio (fleet): /api/tracks zoom 6 {statistics.median(warm):.1f} ms vs one query "
            f"per vessel {peer:.1f} ms = {peer / statistics.median(warm):.1f}x faster"
        )


def timed(client: TestClient, url: str, repeat: int) -> tuple[list[float], dict, int]:
    times = []
    body: dict = {}
    size = 0
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.text
        size = len(r.content)
        body = r.json()
    return times, body, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--fleet-positions", type=int, default=2_600_000)
    ap.add_argument("--fleet-vessels", type=int, default=300)
    args = ap.parse_args()

    bench_fleet(args.fleet_positions, args.fleet_vessels, args.repeat)

    with tempfile.TemporaryDirectory() as d:
        ws_path = Path(d) / "bench.duckdb"
        t = time.perf_counter()
        with Workspace(ws_path) as ws:
            ws.append("positions", make_positions(args.positions))
        print(
            f"workspace: {args.positions:,} positions of one MMSI written in "
            f"{time.perf_counter() - t:.1f} s"
        )

        with TestClient(create_app(ws_path)) as client:
            client.get(f"/api/tracks/{MMSI}?zoom=6")  # warm-up (imports, vessel cache)
            cases = [
                ("zoom 6, whole track", "zoom=6"),
                ("zoom 9, whole track", "zoom=9"),
                ("zoom 12, whole track", "zoom=12"),
                ("zoom 13, bbox near Rajin", "zoom=13&bbox=130.2,42.15,130.6,42.4"),
                (
                    "zoom 10, one week",
                    "zoom=10&since=2023-10-01T00:00:00Z&until=2023-10-08T00:00:00Z",
                ),
            ]
            print(
                f"{'request':<28} {'median ms':>10} {'max ms':>8} {'points':>8} {'runs':>5} {'KB':>8}"
            )
            medians = {}
            for label, query in cases:
                times, body, size = timed(client, f"/api/tracks/{MMSI}?{query}", args.repeat)
                med = statistics.median(times)
                medians[label] = med
                print(
                    f"{label:<28} {med:>10.1f} {max(times):>8.1f} {body['n_points']:>8,} "
                    f"{len(body['runs']):>5} {size / 1024:>8.0f}"
                )
            peer_times, peer_body, peer_size = timed(client, f"/api/tracks/{MMSI}", 3)
            peer = statistics.median(peer_times)
            print(
                f"{'peer: undecimated (every fix)':<28} {peer:>10.1f} {max(peer_times):>8.1f} "
                f"{peer_body['n_points']:>8,} {len(peer_body['runs']):>5} {peer_size / 1024:>8.0f}"
            )

    worst = max(medians.values())
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    print(f"slowest decimated median {worst:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target")
    z9 = medians["zoom 9, whole track"]
    print(
        f"ratio: decimated zoom 9 {z9:.1f} ms vs undecimated {peer:.1f} ms = "
        f"{peer / z9:.1f}x faster than serving every fix"
    )


if __name__ == "__main__":
    main()
