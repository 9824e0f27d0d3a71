"""Benchmark: dark port-call inference on a ~10M-position season, every vessel's gaps searched.

The season is bench/detect.py's (~5,000 vessels in the Sea of Japan for a month, irregular
reports with multi-hour silences), detected with the gfw preset; then `infer --all-vessels`
against the built-in case's watched ports, twice: cold (the sea grid is built and its distance
field stored in the workspace) and warm (everything from the workspace cache). Peer, in the same
run: routing each gap the obvious way, a Dijkstra from each of its two ends over the same water
grid (scipy.sparse.csgraph, no cache), on a sample of the gaps.

Usage: .venv/bin/python bench/infer.py [--positions 10000000] [--vessels 5000] [--peer-gaps 200]
Prints gaps/s, the router's cache hit rate, and a final ratio line.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from darkcargo.config import load_case
from darkcargo.events.detect import build_geo, detect
from darkcargo.events.params import load_preset
from darkcargo.geo.distance import haversine_m
from darkcargo.geo.land import load_land
from darkcargo.geo.sea_routes import SHORTEST, SeaGraph
from darkcargo.shipments.infer import infer
from darkcargo.workspace import Workspace


def _bench_detect() -> object:
    """bench/detect.py as a module (its season generator and positions table)."""
    spec = importlib.util.spec_from_file_location(
        "bench_detect", Path(__file__).with_name("detect.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_detect"] = module
    spec.loader.exec_module(module)
    return module


def peer_gaps_per_second(ws_path: Path, n_sample: int) -> tuple[float, int]:
    """Gaps/s routing each gap with a Dijkstra from each end over the water grid (no cache):
    the distances to every port it gives are what inference needs from the router."""
    case = load_case()
    graph = SeaGraph.build(load_land("10m"), case.ports, [], case.bbox, profiles=(SHORTEST,))
    grid = graph.water_grid()
    with Workspace(ws_path, read_only=True) as ws:
        gaps = ws.arrow(
            "SELECT lat, lon, end_lat, end_lon FROM events WHERE kind = 'gap' ORDER BY event_id"
        )
    lat0 = gaps.column("lat").to_numpy()
    lon0 = gaps.column("lon").to_numpy()
    lat1 = gaps.column("end_lat").to_numpy()
    lon1 = gaps.column("end_lon").to_numpy()
    rng = np.random.default_rng(1)
    pick = rng.choice(len(lat0), size=min(n_sample, len(lat0)), replace=False)
    n0, _ = grid.locate(lat0[pick], lon0[pick], 25.0)
    n1, _ = grid.locate(lat1[pick], lon1[pick], 25.0)
    on_grid = (n0 >= 0) & (n1 >= 0)
    # the graph's edges, as Dijkstra needs them (rebuilt from the grid: 8 neighbours)
    a, b, w = _edges(graph)
    g = sp.csr_matrix((w, (a, b)), shape=(len(graph.node_lat),) * 2)
    terminals = graph.terminal_nodes
    started = time.perf_counter()
    for s0, s1 in zip(n0[on_grid], n1[on_grid], strict=True):
        dist = dijkstra(g, directed=False, indices=[int(s0), int(s1)])
        _ = dist[:, terminals]
    elapsed = time.perf_counter() - started
    return int(on_grid.sum()) / elapsed, int(on_grid.sum())


def _edges(graph: SeaGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    idx = graph.grid_index
    h, w = idx.shape
    ea, eb = [], []
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        xs, xe = max(0, -dx), w - max(0, dx)
        a = idx[0 : h - dy, xs:xe].ravel()
        b = idx[dy:h, xs + dx : xe + dx].ravel()
        ok = (a >= 0) & (b >= 0)
        ea.append(a[ok])
        eb.append(b[ok])
    a, b = np.concatenate(ea), np.concatenate(eb)
    length = haversine_m(graph.node_lat[a], graph.node_lon[a], graph.node_lat[b], graph.node_lon[b])
    return a, b, length


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--vessels", type=int, default=5_000)
    ap.add_argument("--peer-gaps", type=int, default=200)
    args = ap.parse_args()
    print(
        f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    bd = _bench_detect()
    t = time.perf_counter()
    cols = bd.simulate(args.positions, args.vessels)  # type: ignore[attr-defined]
    print(
        f"simulated {cols['mmsi'].size:,} positions of {args.vessels:,} vessels in {time.perf_counter() - t:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        ws_path = Path(tmp) / "bench.duckdb"
        with Workspace(ws_path) as ws:
            ws.append("positions", bd.to_positions_table(cols))  # type: ignore[attr-defined]
        del cols
        t = time.perf_counter()
        report = detect(ws_path, load_preset("gfw"), geo=build_geo(None, []))
        print(
            f"detect: {report.positions:,} positions in {time.perf_counter() - t:.1f} s; {report.events.get('gap', 0):,} gaps"
        )

        runs = {}
        for name in ("cold", "warm"):
            r = infer(ws_path, all_vessels=True)
            runs[name] = r
            rs = r.router
            print(
                f"infer ({name}): {r.gaps_considered:,} gaps in {r.seconds:.1f} s = "
                f"{r.gaps_considered / r.seconds:,.0f} gaps/s; {r.search.routed:,} (gap, port) pairs "
                f"routed of {r.search.pairs:,}; router cache hit rate {rs.hit_rate:.1%} "
                f"({rs.route_hits:,} of {rs.route_requests:,} route requests); "
                + (
                    f"grid built in {rs.graph_seconds:.1f} s"
                    if rs.graph_built
                    else "grid from the workspace cache"
                )
                + f"; {r.port_calls_inferred} inferred calls"
            )
        peer, n = peer_gaps_per_second(ws_path, args.peer_gaps)
        print(
            f"peer, a Dijkstra from each end of each gap (scipy, no cache): {n} gaps sampled, {peer:,.1f} gaps/s"
        )
    warm = runs["warm"]
    ours = warm.gaps_considered / warm.seconds
    print(
        f"ratio: darkcargo infer (warm cache) searches {ours / peer:,.0f}x more gaps/s than per-gap Dijkstra routing"
    )


if __name__ == "__main__":
    main()
