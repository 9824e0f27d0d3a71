"""Benchmark: `darkcargo.ais.ingest.ingest` into a DuckDB workspace, end to end, CSV and NMEA.

CSV: generates a MarineCadastre-style CSV of --csv-rows rows (5,000 vessels, time-ordered, some
empty identity fields, heading 511 sentinels, 1 row in 1,000 out of range). darkcargo ingests it
into a fresh workspace (hash, parse, transform, statics, rejects, write, commit, close) in a
worker process, best of --repeat; printed as rows/s with the worker's peak RSS. Peer, same file,
same run: pandas.read_csv + building the canonical positions DataFrame (times parsed, ranges
checked, sentinels nulled), without writing it anywhere.

NMEA: generates --sentences tagged AIVDM type 1 sentences (bench/_aisgen.py) and ingests them
into a fresh workspace the same way (sentences/s, peak RSS). Peer: pyais decoding the first
--pyais-sample sentences with their tag-block times (decode only, no storage).

Both darkcargo workers load their imports and the numba cache on a tiny warm-up file first; that
start-up is printed, not counted.

NMEA, whole process (`nmea_whole_process`): what a user waits for. `darkcargo ingest FILE` of the
same --sentences file as its own process into a fresh workspace (interpreter start, imports, numba
loading its cached kernels, DuckDB, decode, write, commit, exit), against pyais decoding the whole
file with its tag-block times in its own process (interpreter start, import, decode; no storage),
best of --repeat each, wall time; the children's CPU time is printed beside it. The kernels are
compiled into numba's cache by an untimed first run, as any user's first run does once.
`--whole-process-only` runs this section alone. The machine's load average is printed too: the figures are only
as good as the machine was quiet. Ends with ratio lines; the last is darkcargo/pyais.

Usage: .venv/bin/python bench/ingest.py [--csv-rows 3000000] [--sentences 1000000]
           [--pyais-sample 50000] [--repeat 2] [--skip-nmea] [--whole-process-only]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

sys.path.insert(0, str(Path(__file__).resolve().parent))

MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
VESSELS = 5_000
CHUNK_ROWS = 500_000


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def write_marinecadastre_csv(path: Path, rows: int, seed: int = 0) -> int:
    """A MarineCadastre-style CSV, written in chunks with pyarrow (no per-row Python)."""
    rng = np.random.default_rng(seed)
    names = np.array([f"VESSEL {i}" if i % 7 else "" for i in range(VESSELS)])
    imos = np.array([f"IMO{9_000_000 + i}" if i % 3 else "" for i in range(VESSELS)])
    calls = np.array([f"C{i:05d}" for i in range(VESSELS)])
    mmsi = rng.integers(200_000_000, 780_000_000, VESSELS)
    t0 = np.datetime64("2024-03-01T00:00:00")
    with open(path, "wb") as fh:
        fh.write((MC_HEADER + "\n").encode())
        done = 0
        while done < rows:
            n = min(CHUNK_ROWS, rows - done)
            v = rng.integers(0, VESSELS, n)
            secs = (np.arange(done, done + n) * 86_400) // rows
            lat = np.round(rng.uniform(30, 45, n), 5)
            lat[rng.random(n) < 0.001] = 95.0
            heading = rng.integers(0, 360, n)
            heading[rng.random(n) < 0.2] = 511
            table = pa.table(
                {
                    "MMSI": mmsi[v],
                    "BaseDateTime": pa.array(np.datetime_as_string(t0 + secs.astype("m8[s]"))),
                    "LAT": lat,
                    "LON": np.round(rng.uniform(120, 140, n), 5),
                    "SOG": np.round(rng.uniform(0, 20, n), 1),
                    "COG": np.round(rng.uniform(0, 360, n), 1),
                    "Heading": heading,
                    "VesselName": names[v],
                    "IMO": imos[v],
                    "CallSign": calls[v],
                    "VesselType": 70 + v % 20,
                    "Status": v % 16,
                    "Length": 80 + v % 150,
                    "Width": 12 + v % 30,
                    "Draft": np.round(4 + (v % 60) / 10, 1),
                    "Cargo": 70 + v % 20,
                    "TransceiverClass": np.where(v % 5 == 0, "B", "A"),
                }
            )
            pcsv.write_csv(
                table,
                fh,
                pcsv.WriteOptions(include_header=False, quoting_style="none"),
            )
            done += n
    return path.stat().st_size


def _warm_up(tmp: Path) -> float:
    """Imports, numba cache, DuckDB: pay start-up once on tiny files before timing."""
    t0 = time.perf_counter()
    from _aisgen import write_tagged_sentences
    from darkcargo.ais.ingest import ingest

    small_csv = tmp / "warm.csv"
    write_marinecadastre_csv(small_csv, 1_000, seed=99)
    small_nmea = tmp / "warm.nmea"
    write_tagged_sentences(small_nmea, 1_000, seed=99)
    ingest([small_csv, small_nmea], tmp / "warm.duckdb")
    return time.perf_counter() - t0


def _worker_ingest(path: str, repeat: int) -> None:
    from darkcargo.ais.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        warm = _warm_up(tmp)
        best_wall = best_cpu = float("inf")
        result = None
        for i in range(repeat):
            ws = tmp / f"run{i}.duckdb"
            w0, c0 = time.perf_counter(), time.process_time()
            report = ingest([path], ws)
            best_wall = min(best_wall, time.perf_counter() - w0)
            best_cpu = min(best_cpu, time.process_time() - c0)
            result = report.files[0]
            ws.unlink()
        assert result is not None
        print(
            json.dumps(
                {
                    "warmup_s": warm,
                    "wall_s": best_wall,
                    "cpu_s": best_cpu,
                    "lines": result.lines_read,
                    "accepted": result.accepted,
                    "rejected": result.rejected,
                    "positions": result.positions,
                    "statics": result.statics,
                    "max_rss_mb": _max_rss_mb(),
                }
            )
        )


def _worker_pandas(path: str) -> None:
    import pandas as pd

    w0, c0 = time.perf_counter(), time.process_time()
    df = pd.read_csv(path)
    ts = pd.to_datetime(df["BaseDateTime"], format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    ok = (
        df["MMSI"].notna()
        & ts.notna()
        & df["LAT"].between(-90, 90)
        & df["LON"].between(-180, 180)
        & df["SOG"].between(0, 102.3)
    )
    heading = df["Heading"].where(df["Heading"] != 511)
    positions = pd.DataFrame(
        {
            "mmsi": df["MMSI"][ok].astype("int64"),
            "ts": ts[ok],
            "lat": df["LAT"][ok],
            "lon": df["LON"][ok],
            "sog": df["SOG"][ok].astype("float32"),
            "cog": df["COG"][ok].where(df["COG"][ok] < 360).astype("float32"),
            "heading": heading[ok].astype("Int16"),
            "nav_status": df["Status"][ok].astype("Int8"),
        }
    )
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(
        json.dumps(
            {"wall_s": wall, "cpu_s": cpu, "rows": len(positions), "max_rss_mb": _max_rss_mb()}
        )
    )


def time_pyais(path: Path, n_sample: int) -> tuple[float, int]:
    """pyais on the first n_sample lines: decode each sentence and read its tag-block time."""
    from pyais.stream import FileReaderStream

    sample = path.with_name("pyais-sample.nmea")
    with open(path, "rb") as src, open(sample, "wb") as dst:
        for _, line in zip(range(n_sample), src, strict=False):
            dst.write(line)
    w0 = time.perf_counter()
    n = 0
    for msg in FileReaderStream(str(sample)):
        msg.decode()
        tb = msg.tag_block
        if tb is not None:
            tb.init()
        n += 1
    return time.perf_counter() - w0, n


def _run(args: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--csv-rows", type=int, default=3_000_000)
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--pyais-sample", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip-nmea", action="store_true")
    ap.add_argument("--whole-process-only", action="store_true")
    ap.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        kind, path = args.worker
        if kind == "pandas":
            _worker_pandas(path)
        else:
            _worker_ingest(path, args.repeat)
        return

    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.whole_process_only:
        with tempfile.TemporaryDirectory() as tmp_s:
            from _aisgen import write_tagged_sentences

            nmea_path = Path(tmp_s) / "tagged.nmea"
            write_tagged_sentences(nmea_path, args.sentences, seed=1)
            nmea_whole_process(nmea_path, args.sentences, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        csv_path = tmp / "marinecadastre.csv"
        g0 = time.perf_counter()
        size = write_marinecadastre_csv(csv_path, args.csv_rows, seed=1)
        print(
            f"generated a MarineCadastre-style CSV: {args.csv_rows:,} rows, {size / 1e6:.0f} MB "
            f"in {time.perf_counter() - g0:.1f} s"
        )
        dc = _run(["--worker", "csv", str(csv_path), "--repeat", str(args.repeat)])
        assert dc["lines"] == args.csv_rows and dc["accepted"] + dc["rejected"] == dc["lines"]
        dc_rate = dc["lines"] / dc["wall_s"]
        print(
            f"darkcargo start-up (imports, numba cache, DuckDB; not counted): {dc['warmup_s']:.1f} s"
        )
        print(
            f"darkcargo ingest CSV -> DuckDB: {dc['lines']:,} rows in {dc['wall_s']:.2f} s = "
            f"{dc_rate / 1e6:.2f}M rows/s (CPU {dc['cpu_s']:.2f} s), {dc['positions']:,} positions, "
            f"{dc['statics']:,} statics, {dc['rejected']:,} rejects, peak RSS {dc['max_rss_mb']:.0f} MB"
        )
        pd_res = _run(["--worker", "pandas", str(csv_path)])
        pd_rate = args.csv_rows / pd_res["wall_s"]
        print(
            f"pandas read_csv + positions DataFrame (no storage): {args.csv_rows:,} rows in "
            f"{pd_res['wall_s']:.2f} s = {pd_rate / 1e6:.2f}M rows/s (CPU {pd_res['cpu_s']:.2f} s), "
            f"peak RSS {pd_res['max_rss_mb']:.0f} MB"
        )
        print(f"ratio darkcargo/pandas (CSV rows/s): {dc_rate / pd_rate:.1f}x")
        csv_path.unlink()
        if args.skip_nmea:
            return

        from _aisgen import write_tagged_sentences

        nmea_path = tmp / "tagged.nmea"
        g0 = time.perf_counter()
        size = write_tagged_sentences(nmea_path, args.sentences, seed=1)
        print(
            f"generated {args.sentences:,} tagged AIVDM type 1 sentences, {size / 1e6:.0f} MB "
            f"in {time.perf_counter() - g0:.1f} s"
        )
        nm = _run(["--worker", "nmea", str(nmea_path), "--repeat", str(args.repeat)])
        assert nm["lines"] == args.sentences and nm["accepted"] == args.sentences, nm
        nm_rate = nm["lines"] / nm["wall_s"]
        print(
            f"darkcargo ingest NMEA -> DuckDB: {nm['lines']:,} sentences in {nm['wall_s']:.2f} s = "
            f"{nm_rate / 1e6:.2f}M sentences/s (CPU {nm['cpu_s']:.2f} s), "
            f"{nm['positions']:,} positions, peak RSS {nm['max_rss_mb']:.0f} MB"
        )
        py_wall, py_n = time_pyais(nmea_path, args.pyais_sample)
        py_rate = py_n / py_wall
        print(f"pyais decode ({py_n:,}-sentence sample, no storage): {py_rate:,.0f} sentences/s")
        print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"ratio darkcargo ingest/pyais decode (NMEA sentences/s): {nm_rate / py_rate:.1f}x")
        nmea_whole_process(nmea_path, args.sentences, args.repeat)


# ---------------------------------------------------------------------------------------------
# NMEA, whole process: start-up, decode, write, commit and exit, as a user runs it
# ---------------------------------------------------------------------------------------------
# The peer: pyais decoding every sentence of the file, with its tag-block time, as a process.
PYAIS_WHOLE_PROCESS = """
import sys
from pyais.stream import FileReaderStream
n = 0
for msg in FileReaderStream(sys.argv[1]):
    msg.decode()
    tb = msg.tag_block
    if tb is not None:
        tb.init()
    n += 1
print(n)
"""


def time_process(cmd: list[str]) -> tuple[float, float, str]:
    """Wall and CPU (user + system, all threads) seconds of one child process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - w0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def _best(runs: list[tuple[float, float, str]]) -> tuple[float, float]:
    wall, cpu, _ = min(runs, key=lambda r: r[0])
    return wall, cpu


def nmea_whole_process(nmea_path: Path, sentences: int, repeat: int) -> float:
    """Print whole-process times of `darkcargo ingest` and of pyais on the same NMEA file, and
    their ratio; returns the ratio (pyais wall / darkcargo wall)."""
    darkcargo = [sys.executable, "-m", "darkcargo"]
    work = nmea_path.parent / "whole-process"
    work.mkdir(exist_ok=True)
    tiny = work / "one-line.nmea"
    with open(nmea_path, "rb") as src:
        tiny.write_bytes(src.readline())

    def ingest(path: Path, i: int) -> tuple[float, float, str]:
        ws = work / f"ws-{i}.duckdb"
        out = time_process([*darkcargo, "ingest", str(path), "--workspace", str(ws)])
        ws.unlink()
        return out

    first = ingest(nmea_path, 0)  # fills numba's cache if this is the first run ever
    help_runs = [time_process([*darkcargo, "--help"]) for _ in range(repeat)]
    tiny_runs = [ingest(tiny, i) for i in range(repeat)]
    runs = [ingest(nmea_path, i) for i in range(repeat)]
    assert f"{sentences:,} accepted" in runs[0][2], runs[0][2]
    print(f"load average before pyais: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    peer = [
        time_process([sys.executable, "-c", PYAIS_WHOLE_PROCESS, str(nmea_path)])
        for _ in range(repeat)
    ]
    assert int(peer[0][2].split()[-1]) == sentences, peer[0][2]

    dc_wall, dc_cpu = _best(runs)
    py_wall, py_cpu = _best(peer)
    print(f"whole process, best of {repeat}, wall (CPU of all threads):")
    print(f"  first darkcargo ingest (numba cache filled if empty): {first[0]:.2f} s")
    w, c = _best(help_runs)
    print(f"  darkcargo --help: {w:.2f} s ({c:.2f} s)")
    w, c = _best(tiny_runs)
    print(f"  darkcargo ingest of a 1-line file (start-up, workspace, exit): {w:.2f} s ({c:.2f} s)")
    print(
        f"  darkcargo ingest of {sentences:,} sentences into a new workspace: "
        f"{dc_wall:.2f} s ({dc_cpu:.2f} s) = {sentences / dc_wall / 1e6:.2f}M sentences/s"
    )
    print(
        f"  pyais decode of the same {sentences:,} sentences (no storage): "
        f"{py_wall:.2f} s ({py_cpu:.2f} s) = {sentences / py_wall:,.0f} sentences/s"
    )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    # CPU time is steadier than wall time on a busy machine; it counts darkcargo's two threads
    print(f"ratio darkcargo/pyais, whole process (NMEA, CPU time): {py_cpu / dc_cpu:.1f}x")
    ratio = py_wall / dc_wall
    print(f"ratio darkcargo/pyais, whole process (NMEA, wall; target >= 15x): {ratio:.1f}x")
    return ratio


if __name__ == "__main__":
    main()
