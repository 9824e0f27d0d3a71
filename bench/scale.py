"""Benchmark: does the cost of `detect` grow linearly with the data, on both engines?

1M, 10M and (when the machine has the memory) 30M simulated positions go through every detector
on the local engine (DuckDB workspace in and out) and on the Spark engine (local mode, Parquet
by day in and out), the same positions for both. The traffic keeps the same density at every
size: a month of 500 vessels with ~2,000 positions each in the Sea of Japan (bench/detect.py's
traffic) per 1M positions, months one after another (10M: ten months, 30M: two and a half
years), so that encounters, which grow with density, and shore and port lookups cost the same
per position at every size. Spark and Python workers are warmed up on a small
run first: start-up is a constant, not part of the cost per position.

Usage: .venv/bin/python bench/scale.py [--sizes 1000000,10000000,30000000] [--master local[2]]
Prints the time per position of each engine at each size, the spread across sizes (linear when
the largest is within 1.5x of the smallest), and Spark's time against the local engine's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads

sys.path.insert(0, str(Path(__file__).resolve().parent))

from darkcargo.events.detect import build_geo, detect
from darkcargo.events.params import load_preset
from darkcargo.workspace import Workspace
from detect import simulate, to_positions_table

PER_BOX = 1_000_000  # positions per box of sea
VESSELS_PER_BOX = 500
BOX_US = 31 * 24 * 3_600_000_000  # boxes one after the other: a month each
GB = 1024**3


def traffic(n_positions: int, per_box: int = PER_BOX, seed: int = 7) -> pa.Table:
    """`n_positions` in boxes of `per_box` (500 vessels per 1M), a month after another."""
    parts = []
    vessels = max(1, VESSELS_PER_BOX * per_box // PER_BOX)
    for box in range(max(1, n_positions // per_box)):
        cols = simulate(per_box, vessels, seed=seed + box)
        cols["mmsi"] = cols["mmsi"] + box * 100_000
        cols["ts"] = cols["ts"] + box * BOX_US
        cols["row_id"] = cols["row_id"] + box * per_box
        parts.append(to_positions_table(cols))
    return pa.concat_tables(parts)


def write_inputs(positions: pa.Table, tmp: Path) -> tuple[Path, Path]:
    """The same positions as a workspace and as a Parquet dataset partitioned by day."""
    tmp.mkdir(parents=True, exist_ok=True)
    ws_path = tmp / "ws.duckdb"
    with Workspace(ws_path) as ws:
        ws.append("positions", positions)
    day = positions.column("ts").cast(pa.date32()).cast(pa.string())
    pads.write_dataset(
        positions.append_column("day", day),
        tmp / "ds" / "positions",
        format="parquet",
        partitioning=pads.partitioning(pa.schema([("day", pa.string())]), flavor="hive"),
        max_rows_per_group=1 << 20,
    )
    return ws_path, tmp / "ds"


def mem_available_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024 / GB
    except OSError:
        pass
    return float("inf")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000,10000000,30000000")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="6g")
    ap.add_argument("--per-box", type=int, default=PER_BOX, help="positions per box of sea")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    sizes = [int(s) for s in args.sizes.split(",")]

    from darkcargo.engines.spark import SparkOptions, detect_dataset

    preset = load_preset("gfw")
    geo = build_geo(None, [])
    print(f"load average at start: {load()}")

    def spark_options(n: int) -> SparkOptions:
        parts = str(max(4, n // 250_000))  # shuffle partitions of ~250k positions each
        return SparkOptions(
            master=args.master,
            conf=(
                ("spark.driver.memory", args.driver_memory),
                ("spark.sql.shuffle.partitions", parts),
            ),
        )

    results: dict[str, dict[int, float]] = {"duckdb": {}, "spark": {}}
    fixed: dict[str, float] = {}
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp_s:
        tmp = Path(tmp_s)
        # warm-up: JVM, Python workers, numba caches, the land model in every worker
        warm = traffic(args.per_box, args.per_box).slice(0, 50_000)
        ws_w, ds_w = write_inputs(warm, tmp / "warm")
        detect(ws_w, preset, geo=geo)
        detect_dataset(str(ds_w), str(tmp / "warm" / "out"), preset, options=spark_options(0))
        # the same small run again, warm: what a run costs whatever its size (jobs, stages,
        # files), subtracted below to give each engine's cost per position on its own
        t = time.perf_counter()
        detect(ws_w, preset, geo=geo)
        fixed["duckdb"] = time.perf_counter() - t
        t = time.perf_counter()
        detect_dataset(str(ds_w), str(tmp / "warm" / "out"), preset, options=spark_options(0))
        fixed["spark"] = time.perf_counter() - t
        print(
            f"fixed cost of a run ({warm.num_rows:,} positions, warm): duckdb "
            f"{fixed['duckdb']:.1f} s, spark {fixed['spark']:.1f} s"
        )
        for n in sizes:
            need = n / 1e6 * 0.15 + 8  # GB: positions in Arrow, DuckDB, the JVM, 2 workers
            if mem_available_gb() < need:
                print(f"{n:,} positions: skipped, {mem_available_gb():.1f} GB available "
                      f"(needs ~{need:.0f} GB)")  # fmt: skip
                continue
            t = time.perf_counter()
            positions = traffic(n, args.per_box)
            ws_path, ds = write_inputs(positions, tmp / f"n{n}")
            del positions
            print(f"{n:,} positions: generated and written in {time.perf_counter() - t:.0f} s; "
                  f"load {load()}")  # fmt: skip
            t = time.perf_counter()
            local = detect(ws_path, preset, geo=geo)
            results["duckdb"][n] = time.perf_counter() - t
            t = time.perf_counter()
            spark = detect_dataset(
                str(ds), str(tmp / f"n{n}" / "out"), preset, options=spark_options(n)
            )
            results["spark"][n] = time.perf_counter() - t
            same = local.events == spark.events and local.positions == spark.positions == n
            for engine, rep in (("duckdb", local), ("spark", spark)):
                s = results[engine][n]
                print(
                    f"  {engine:6s} {s:8.1f} s  {s / n * 1e6:7.2f} us/position  "
                    f"({(s - fixed[engine]) / n * 1e6:7.2f} without the fixed cost)  "
                    f"{rep.total_events:,} events"
                )
            print(f"  spark/duckdb {results['spark'][n] / results['duckdb'][n]:.2f}; "
                  f"same events by kind: {'yes' if same else 'NO'}; load {load()}")  # fmt: skip
            shutil.rmtree(tmp / f"n{n}")
    for engine, by_size in results.items():
        if len(by_size) < 2:
            continue
        for label, base in (("", 0.0), (" without the fixed cost", fixed[engine])):
            per = {n: (s - base) / n * 1e6 for n, s in by_size.items()}
            spread = max(per.values()) / min(per.values())
            text = ", ".join(f"{n / 1e6:.0f}M {v:.2f}" for n, v in sorted(per.items()))
            print(
                f"linear, {engine}{label}: us/position {text}; largest/smallest {spread:.2f} "
                f"({'within' if spread <= 1.5 else 'NOT within'} 1.5x)"
            )
    common = sorted(set(results["duckdb"]) & set(results["spark"]))
    if common:
        ratios = ", ".join(
            f"{n / 1e6:.0f}M {results['spark'][n] / results['duckdb'][n]:.2f}x" for n in common
        )
        print(f"ratio: Spark ({args.master}) time / local DuckDB engine time: {ratios}")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
