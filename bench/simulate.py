"""Benchmark: the scenario simulator at ~10M positions, against pandas writing the same rows.

Simulates a season big enough for about 10 million positions (all outputs: NMEA, CSV, truth,
sightings, documents), then, in the same run, times pandas' ``DataFrame.to_csv`` writing just
the CSV rows the simulator wrote (read back with pyarrow, not timed).

Usage: .venv/bin/python bench/simulate.py [--positions 10000000] [--seed 7] [--keep DIR]
Prints positions/s, NMEA lines/s, peak memory and a final ratio line.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow.csv as pacsv

from darkcargo.scenario import ScenarioSettings, simulate

DEFAULT_POSITIONS_PER_VESSEL = 8_700  # one default season (2023-08-01 .. 2024-02-29) per vessel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, default=None, help="write here and keep the season")
    args = ap.parse_args()

    vessels = max(20, round(args.positions / DEFAULT_POSITIONS_PER_VESSEL))
    tmp = Path(tempfile.mkdtemp(prefix="darkcargo-bench-"))
    out = args.keep or tmp / "season"
    try:
        settings = ScenarioSettings(seed=args.seed, vessels=vessels)
        w0, c0 = time.perf_counter(), time.process_time()
        result = simulate(out, settings)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        n = result.counts["positions"]
        lines = result.counts["nmea_lines"]
        size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
        print(f"simulate: {vessels} vessels, {settings.start} .. {settings.end}")
        print(f"  {n:,} positions, {lines:,} NMEA lines, {result.counts['events']:,} truth events")
        print(f"  {wall:.1f} s wall, {cpu:.1f} s CPU, {size_mb:,.0f} MB written")
        print(f"  {n / wall:,.0f} positions/s, {lines / wall:,.0f} NMEA lines/s (wall)")
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory (max RSS): {rss_mb:,.0f} MB")

        frame = pacsv.read_csv(out / "ais_marinecadastre.csv").to_pandas()
        w1, c1 = time.perf_counter(), time.process_time()
        frame.to_csv(tmp / "pandas.csv", index=False)
        pandas_s, pandas_cpu = time.perf_counter() - w1, time.process_time() - c1
        rows = len(frame)
        print(
            f"pandas to_csv of the same {rows:,} CSV rows: {pandas_s:.1f} s wall, "
            f"{pandas_cpu:.1f} s CPU, {rows / pandas_s:,.0f} rows/s"
        )
        # CPU seconds are the fairer comparison on a shared machine; both are shown
        print(
            f"ratio: simulate (whole season, all outputs) {n / wall:,.0f} positions/s vs pandas "
            f"to_csv (CSV rows only) {rows / pandas_s:,.0f} rows/s = "
            f"{(n / wall) / (rows / pandas_s):.2f}x wall, "
            f"{(n / cpu) / (rows / pandas_cpu):.2f}x CPU"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
