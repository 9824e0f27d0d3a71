"""Radar vessel detection: megapixels per second of the detector on a 10,000 x 10,000 scene, beside
a NumPy copy of the same array in the same run (the memory-bandwidth reference); and the peak
memory of detecting a 25,000 x 17,000 scene read from a GeoTIFF tile by tile.

    python bench/sar.py                 # both parts (needs ~1 GB of free disk for the big scene)
    python bench/sar.py --side 4000     # a smaller first part, for a quick look

Targets: >= 50 Mpx/s on one core; < 2 GB peak for the full-size scene. Speeds are reported in
CPU time of this single-threaded process (what one core delivers; wall clock, printed beside it,
stretches when other jobs share the machine). The scenes are K-distributed
sea clutter (4.4-look gamma speckle x gamma texture) with 40 ships; the detector runs with the
built-in preset (gamma CFAR, pfa 1e-6), one thread (numba and BLAS limited to one).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

BIG = (17_000, 25_000)  # rows, columns (a full Sentinel-1 IW GRDH scene)
SHIPS = 40


def scene(rows: int, cols: int, seed: int = 1, ships: int = SHIPS) -> np.ndarray:
    """Float32 sigma0: K clutter around -22 dB (gamma texture of shape 8, smooth over ~300 m)
    with `ships` bright 5 x 15 px ships."""
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    coarse = rng.gamma(8.0, 1 / 8.0, size=(rows // 32 + 2, cols // 32 + 2))
    texture = ndimage.zoom(coarse, 32, order=1)[:rows, :cols].astype(np.float32)
    a = np.empty((rows, cols), dtype=np.float32)
    step = 1024
    for r in range(0, rows, step):  # in bands, so the float64 draws stay small
        band = rng.gamma(4.4, 1 / 4.4, size=(min(step, rows - r), cols)).astype(np.float32)
        a[r : r + band.shape[0]] = band * texture[r : r + band.shape[0]] * np.float32(0.006)
    for _ in range(ships):
        r, c = rng.integers(50, rows - 50), rng.integers(50, cols - 50)
        a[r : r + 15, c : c + 5] *= np.float32(60.0)
    return a


def part_throughput(side: int) -> tuple[float, float]:
    from darkcargo.sar.detect import ArrayReader, search
    from darkcargo.sar.params import load_sar_preset

    preset = load_sar_preset("s1")
    a = scene(side, side)
    # warm up the compiled kernels on a small piece
    search(ArrayReader(a[:600, :600]), (600, 600), (10.0, 10.0), preset)
    best_det, best_copy, wall_det, wall_copy, found, sized = np.inf, np.inf, np.inf, np.inf, 0, 0
    for _ in range(3):
        c0, t0 = time.process_time(), time.perf_counter()
        res = search(ArrayReader(a), a.shape, (10.0, 10.0), preset)
        best_det = min(best_det, time.process_time() - c0)
        wall_det = min(wall_det, time.perf_counter() - t0)
        found = len(res.targets)
        sized = int((res.targets.pixels * 100.0 >= preset.detect.min_area_m2).sum())
        c0, t0 = time.process_time(), time.perf_counter()
        b = a.copy()
        best_copy = min(best_copy, max(time.process_time() - c0, 1e-6))
        wall_copy = min(wall_copy, time.perf_counter() - t0)
        del b
    mpx = a.size / 1e6
    print(
        f"scene {side} x {side} ({mpx:.0f} Mpx, float32, K clutter): {SHIPS} ships planted; "
        f"{found} exceedance clusters, {sized} of at least {preset.detect.min_area_m2:g} m2"
    )
    print("  Mpx/s on one core (CPU time of this process; wall clock in brackets, best of 3):")
    print(f"  detector (tiled CFAR + clustering): {mpx / best_det:8.1f}  ({mpx / wall_det:.1f})")
    print(f"  numpy copy of the same array:       {mpx / best_copy:8.1f}  ({mpx / wall_copy:.1f})")
    return mpx / best_det, mpx / best_copy


def write_big(path: Path) -> None:
    """A 25,000 x 17,000 uint16 amplitude GeoTIFF (UTM, open sea), written in strips."""
    import rasterio
    from affine import Affine

    rows, cols = BIG
    block = np.sqrt(scene(1024, 4096, seed=2, ships=2)) * 700.0  # 2 ships per repeat
    dn = np.clip(block, 1, 65535).astype(np.uint16)
    profile = {
        "driver": "GTiff", "width": cols, "height": rows, "count": 1, "dtype": "uint16",
        "nodata": 0, "tiled": True, "blockxsize": 512, "blockysize": 512,
        "crs": "EPSG:32652", "transform": Affine(10.0, 0, 600_000.0, 0, -10.0, 4_300_000.0),
        "BIGTIFF": "IF_SAFER",
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as ds:
        for r in range(0, rows, 1024):
            h = min(1024, rows - r)
            strip = np.tile(np.roll(dn, r // 1024 * 97, axis=1), (1, cols // 4096 + 1))[:h, :cols]
            ds.write(strip, 1, window=rasterio.windows.Window(0, r, cols, h))


# The child's peak: VmHWM of its own address space (ru_maxrss would carry the parent's high-water
# mark across fork and exec on Linux).
CHILD = """
import sys, time, resource
from darkcargo.sar.detect import detect_scene
from darkcargo.sar.params import load_sar_preset
t0 = time.perf_counter()
r = detect_scene(sys.argv[1], load_sar_preset('s1'), ports=[], mask_land=False)
dt = time.perf_counter() - t0
try:
    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]
    peak = int(hwm.split()[1]) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{r.detections.num_rows} {dt:.2f} {peak:.0f}")
"""


def part_memory() -> tuple[float, float]:
    rows, cols = BIG
    with tempfile.TemporaryDirectory(prefix="darkcargo-bench-sar-") as tmp:
        path = Path(tmp) / "big.tif"
        t0 = time.perf_counter()
        write_big(path)
        size_gb = path.stat().st_size / 1e9
        print(
            f"scene {cols} x {rows} ({rows * cols / 1e6:.0f} Mpx) written as uint16 GeoTIFF "
            f"({size_gb:.2f} GB; a 1024 x 4096 block with 2 ships, repeated) in "
            f"{time.perf_counter() - t0:.0f} s"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env,
            check=True,
        )  # fmt: skip
        n, secs, peak_mb = out.stdout.split()[-3:]
    print(
        f"  detected {n} targets in {float(secs):.1f} s ({rows * cols / 1e6 / float(secs):.1f} Mpx/s "
        f"with reading); peak memory {float(peak_mb):.0f} MB (the pixels alone: "
        f"{rows * cols * 4 / 1e6:.0f} MB as float32)"
    )
    return float(peak_mb), rows * cols * 4 / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=10_000, help="side of the throughput scene")
    ap.add_argument("--skip-memory", action="store_true", help="only the throughput part")
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"on {os.cpu_count()} cores (timings are noisy when the machine is shared)")  # fmt: skip
    det, copy = part_throughput(args.side)
    peak = None
    if not args.skip_memory:
        peak, _ = part_memory()
    print(
        f"RATIO detector/numpy-copy = {det / copy:.3f} ({det:.1f} vs {copy:.1f} Mpx/s; target "
        f">= 50 Mpx/s: {'met' if det >= 50 else 'NOT met'})"
        + (
            f"; peak memory {peak:.0f} MB for {BIG[1]} x {BIG[0]} (target < 2000 MB: "
            f"{'met' if peak < 2000 else 'NOT met'})"
            if peak is not None
            else ""
        )
    )


if __name__ == "__main__":
    main()
