"""Benchmark: NMEA decode of >= 1M tagged AIVDM position sentences, darkcargo against pyais.

Generates a file of tagged type 1 sentences (`bench/_aisgen.py`, valid checksums), then
- darkcargo: `iter_nmea_batches` streams the file (32 MiB batches) and builds the Arrow tables,
  in a worker process so its peak memory (max RSS) is its own. Numba compiles (or loads its
  cache) on a warm-up call first; that cold start is printed separately and not counted.
- pyais 3.x: `FileReaderStream` over the first --pyais-sample lines of the same file, decoding
  each sentence and its tag block time (the same work), scaled to sentences per second.
Prints sentences/s (wall and CPU time of the best of --repeat runs), peak RSS, and a final
`ratio darkcargo/pyais: N.Nx` line.

Usage: .venv/bin/python bench/decode.py [--sentences 1000000] [--pyais-sample 50000]
           [--repeat 3] [--stream 10000000] [--cold-start]
--stream N also streams N sentences from a file and prints the worker's peak RSS (bounded memory).
--cold-start measures the first-call compile time with an empty numba cache (~30-60 s).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _aisgen import write_tagged_sentences


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def time_darkcargo(path: Path, repeat: int = 3) -> dict[str, float]:
    """Decode `path` `repeat` times after a warm-up; best wall and CPU seconds, rows, max RSS."""
    t0 = time.perf_counter()
    from darkcargo.ais.nmea import decode_nmea_bytes, iter_nmea_batches

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    decode_nmea_bytes(head[: head.rfind(b"\n") + 1])  # compile or load the numba cache
    warm_s = time.perf_counter() - t0
    best_wall = best_cpu = float("inf")
    lines = rows = 0
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        lines = rows = 0
        with open(path, "rb") as fh:
            for batch in iter_nmea_batches(fh, source_id=1):
                lines += batch.lines_read
                rows += batch.positions.num_rows
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return {
        "warmup_s": warm_s,
        "wall_s": best_wall,
        "cpu_s": best_cpu,
        "lines": lines,
        "rows": rows,
        "max_rss_mb": _max_rss_mb(),
    }


def time_pyais(path: Path, n_sample: int) -> dict[str, float]:
    """pyais on the first n_sample lines: decode each sentence and read its tag-block time."""
    from pyais.stream import FileReaderStream

    sample = Path(tempfile.mkdtemp()) / "sample.nmea"
    with open(path, "rb") as src, open(sample, "wb") as dst:
        for _, line in zip(range(n_sample), src, strict=False):
            dst.write(line)
    w0, c0 = time.perf_counter(), time.process_time()
    n = 0
    checksum = 0
    for msg in FileReaderStream(str(sample)):
        decoded = msg.decode()
        tb = msg.tag_block
        if tb is not None:
            tb.init()
            checksum += tb.receiver_timestamp is not None
        checksum += decoded.mmsi & 1
        n += 1
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    sample.unlink()
    return {"wall_s": wall, "cpu_s": cpu, "lines": n}


def _worker(path: str, repeat: int) -> None:
    print(json.dumps(time_darkcargo(Path(path), repeat)))


def _run_worker(path: Path, repeat: int, env: dict[str, str] | None = None) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(path), "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--pyais-sample", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stream", type=int, default=0, help="also stream this many sentences")
    ap.add_argument("--cold-start", action="store_true", help="measure compile with empty cache")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        _worker(args.worker, args.repeat)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tagged.nmea"
        g0 = time.perf_counter()
        size = write_tagged_sentences(path, args.sentences, seed=1)
        print(
            f"generated {args.sentences:,} tagged type 1 sentences "
            f"({size / 1e6:.0f} MB) in {time.perf_counter() - g0:.1f} s"
        )

        if args.cold_start:
            env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(tmp) / "numba-cache"))
            cold = _run_worker(path, 1, env)
            print(f"cold start (numba compile, empty cache): {cold['warmup_s']:.1f} s")

        dc = _run_worker(path, args.repeat)
        assert dc["lines"] == args.sentences and dc["rows"] == args.sentences, dc
        dc_wall = dc["lines"] / dc["wall_s"]
        dc_cpu = dc["lines"] / dc["cpu_s"]
        print(f"darkcargo first call (numba cache load or compile): {dc['warmup_s']:.2f} s")
        print(
            f"darkcargo decode + Arrow: {dc_wall:,.0f} sentences/s wall "
            f"({dc['wall_s']:.3f} s), {dc_cpu:,.0f} sentences/s CPU; "
            f"peak RSS {dc['max_rss_mb']:.0f} MB"
        )

        py = time_pyais(path, min(args.pyais_sample, args.sentences))
        py_wall = py["lines"] / py["wall_s"]
        py_cpu = py["lines"] / py["cpu_s"]
        print(
            f"pyais decode + tag block ({py['lines']:,} sentences): {py_wall:,.0f} sentences/s "
            f"wall, {py_cpu:,.0f} sentences/s CPU"
        )

        if args.stream:
            spath = Path(tmp) / "stream.nmea"
            path.unlink()
            g0 = time.perf_counter()
            size = write_tagged_sentences(spath, args.stream, seed=2)
            print(
                f"generated {args.stream:,} sentences ({size / 1e9:.2f} GB) in {time.perf_counter() - g0:.0f} s"
            )
            st = _run_worker(spath, 1)
            assert st["lines"] == args.stream, st
            print(
                f"stream {args.stream:,} sentences: {st['lines'] / st['wall_s']:,.0f} sentences/s "
                f"wall, peak RSS {st['max_rss_mb']:.0f} MB"
            )

        print(f"bench process peak RSS {_max_rss_mb():.0f} MB")
        print(f"ratio darkcargo/pyais (CPU time): {dc_cpu / py_cpu:.1f}x")
        print(f"ratio darkcargo/pyais: {dc_wall / py_wall:.1f}x")


if __name__ == "__main__":
    main()
