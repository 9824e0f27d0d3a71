"""Benchmark: every detector on ~10M simulated positions (~5,000 vessels, one month), through the
DuckDB workspace; then stop detection on 1M positions against MovingPandas'
TrajectoryStopDetector, in the same run.

Usage: .venv/bin/python bench/detect.py [--positions 10000000] [--vessels 5000] [--mp-positions 1000000]
Prints positions/s, peak memory (max RSS of this process) and a final ratio line.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from darkcargo.ais.schema import POSITIONS
from darkcargo.events.detect import build_geo, detect, detect_batch
from darkcargo.events.kernels.common import TrackView
from darkcargo.events.kernels.stops import detect_stops
from darkcargo.events.params import StopParams, load_preset
from darkcargo.workspace import Workspace

T0_US = 1_704_067_200_000_000  # 2024-01-01
MONTH_US = 30 * 24 * 3_600_000_000


def simulate(n_positions: int, n_vessels: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Vessels in the Sea of Japan box: legs of steady course, anchor stops, silences, meetings."""
    rng = np.random.default_rng(seed)
    per = n_positions // n_vessels
    n = per * n_vessels
    mmsi = np.repeat(np.arange(n_vessels, dtype=np.int64) + 273_000_000, per)
    # irregular reporting times with a few multi-hour silences
    step = rng.exponential(MONTH_US / per, size=n).astype(np.int64)
    silence = rng.random(n) < 0.0005
    step[silence] += rng.integers(6, 30, silence.sum()) * 3_600_000_000
    step = step.reshape(n_vessels, per)
    ts = T0_US + np.cumsum(step, axis=1).ravel()
    # behaviour in legs of ~50 positions: stopped (30%) or moving at 6-14 kn
    legs = np.arange(n) // 50
    n_legs = legs.max() + 1
    leg_speed = np.where(
        rng.random(n_legs) < 0.3, rng.random(n_legs) * 0.8, rng.uniform(6, 14, n_legs)
    )
    leg_course = rng.uniform(0, 360, n_legs)
    sog = leg_speed[legs]
    cog = leg_course[legs]
    dt_h = np.diff(ts, prepend=ts[0]) / 3.6e9
    dt_h[np.arange(0, n, per)] = 0.0
    lat0 = rng.uniform(36.0, 44.0, n_vessels)
    lon0 = rng.uniform(130.5, 138.0, n_vessels)
    # dead-reckon on a flat frame per vessel (km), good enough for a benchmark
    dist_km = sog * 1.852 * dt_h
    dx = (dist_km * np.sin(np.radians(cog))).reshape(n_vessels, per).cumsum(axis=1)
    dy = (dist_km * np.cos(np.radians(cog))).reshape(n_vessels, per).cumsum(axis=1)
    lat = (lat0[:, None] + dy / 111.0).ravel()
    lon = (lon0[:, None] + dx / (111.0 * np.cos(np.radians(lat0[:, None])))).ravel()
    lat = np.clip(lat, -89.0, 89.0)
    lon = (lon + 180.0) % 360.0 - 180.0
    lat += rng.normal(0, 0.0001, n)  # ~10 m GPS noise
    # pairs of vessels meeting: every 50th vessel copies its neighbour's track 200 m north for a while
    for v in range(0, n_vessels - 1, 50):
        a, b = v * per, (v + 1) * per
        seg = slice(b + per // 3, b + per // 3 + 40)
        src = slice(a + per // 3, a + per // 3 + 40)
        lat[seg] = lat[src] + 0.0018
        lon[seg] = lon[src]
        ts[seg] = ts[src] + 60_000_000
        sog[seg] = sog[src] = 0.5
    return {
        "mmsi": mmsi,
        "ts": ts,
        "lat": lat,
        "lon": lon,
        "sog": sog.astype(np.float64),
        "cog": cog.astype(np.float64),
        "source_id": np.ones(n, np.int64),
        "row_id": np.arange(1, n + 1, dtype=np.int64),
    }


def to_positions_table(c: dict[str, np.ndarray]) -> pa.Table:
    n = c["mmsi"].shape[0]
    return pa.table(
        {
            "mmsi": c["mmsi"],
            "ts": pa.array(c["ts"], pa.int64()).cast(pa.timestamp("us")),
            "lat": c["lat"],
            "lon": c["lon"],
            "sog": c["sog"].astype(np.float32),
            "cog": c["cog"].astype(np.float32),
            "heading": pa.nulls(n, pa.int16()),
            "nav_status": pa.nulls(n, pa.int8()),
            "msg_type": pa.array(np.ones(n, np.int8)),
            "mmsi_valid": pa.array(np.ones(n, bool)),
            "source_id": c["source_id"].astype(np.int32),
            "row_id": c["row_id"],
        }
    ).cast(POSITIONS)


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def ours_stop_detection(c: dict[str, np.ndarray], min_hours: float) -> tuple[float, int]:
    """Our stop detector (events.kernels.stops) on one in-memory batch, with MovingPandas'
    thresholds: within a 2 kn x min_hours diameter for min_hours."""
    geo_none = dataclasses.replace(build_geo(None, []), shore_km=None)  # nearest port, no shore
    t = time.perf_counter()
    order = np.lexsort((c["ts"], c["mmsi"]))
    view = TrackView(
        index=order,
        key=c["mmsi"][order],
        mmsi=c["mmsi"][order],
        ts=c["ts"][order],
        lat=c["lat"][order],
        lon=c["lon"][order],
        sog=np.full(order.size, np.nan),  # implied speeds only, like MovingPandas
        segment=np.zeros(order.size, np.int64),
        source_id=c["source_id"][order],
        row_id=c["row_id"][order],
    )
    params = StopParams(
        max_radius_km=2.0 * 1.852 * min_hours / 2.0,
        min_hours=min_hours,
        max_median_speed_kn=float("inf"),
        max_gap_hours=24.0,
        stray_max_positions=0,
    )
    ev = detect_stops(view, geo_none, params)
    return time.perf_counter() - t, len(ev)


def movingpandas_stop_detection(c: dict[str, np.ndarray], min_hours: float) -> tuple[float, int]:
    """TrajectoryStopDetector on the same positions (build trajectories + detect), timed."""
    import geopandas as gpd
    import movingpandas as mpd
    import pandas as pd

    t = time.perf_counter()
    df = pd.DataFrame(
        {
            "mmsi": c["mmsi"],
            "t": pd.to_datetime(c["ts"], unit="us"),
        }
    )
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(c["lon"], c["lat"]), crs="EPSG:4326")
    tc = mpd.TrajectoryCollection(gdf, "mmsi", t="t")
    # ~2 kn over min_hours: max diameter of the stop area
    diameter_m = 2.0 * 1852.0 * min_hours
    stops = mpd.TrajectoryStopDetector(tc).get_stop_segments(
        min_duration=timedelta(hours=min_hours), max_diameter=diameter_m
    )
    return time.perf_counter() - t, len(stops)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--vessels", type=int, default=5_000)
    ap.add_argument("--mp-positions", type=int, default=1_000_000)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")

    t = time.perf_counter()
    cols = simulate(args.positions, args.vessels)
    print(
        f"simulated {cols['mmsi'].size:,} positions of {args.vessels:,} vessels in {time.perf_counter() - t:.1f} s"
    )
    preset = load_preset("gfw")
    geo = build_geo(None, [])
    # warm the numba caches on a small batch so compile time is not counted
    small = {k: v[:2000] for k, v in cols.items()}
    detect_batch(small, preset, geo)

    # the 1M-position subset for the MovingPandas comparison; the rest is only in the workspace
    n_mp = args.mp_positions
    per = max(1, args.positions // args.vessels)
    n_v = max(1, n_mp // per)
    sub = {k: v[: n_v * per].copy() for k, v in cols.items()}

    with tempfile.TemporaryDirectory() as tmp:
        ws_path = Path(tmp) / "bench.duckdb"
        with Workspace(ws_path) as ws:
            t = time.perf_counter()
            ws.append("positions", to_positions_table(cols))
            print(f"loaded workspace in {time.perf_counter() - t:.1f} s")
        del cols
        rss_before = peak_rss_gb()
        t = time.perf_counter()
        report = detect(ws_path, preset, geo=geo)
        dt = time.perf_counter() - t
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(report.events.items()))
    print(
        f"detect (all detectors, DuckDB in/out): {report.positions:,} positions in {dt:.1f} s "
        f"= {report.positions / dt:,.0f} positions/s; {report.segments:,} segments; {kinds}"
    )
    print(
        f"peak memory (max RSS, whole process): {peak_rss_gb():.2f} GB (before detect {rss_before:.2f} GB)"
    )

    # stop detection, 1M positions: ours vs MovingPandas
    ours_s, ours_n = ours_stop_detection(sub, 2.0)
    print(
        f"stop detection, darkcargo: {sub['mmsi'].size:,} positions in {ours_s:.2f} s ({ours_n:,} stops)"
    )
    mp_s, mp_n = movingpandas_stop_detection(sub, 2.0)
    print(
        f"stop detection, MovingPandas {__import__('movingpandas').__version__} TrajectoryStopDetector: "
        f"{sub['mmsi'].size:,} positions in {mp_s:.1f} s ({mp_n:,} stops)"
    )
    print(
        f"ratio: darkcargo is {mp_s / ours_s:,.0f}x faster than MovingPandas at stop detection (1M positions)"
    )


if __name__ == "__main__":
    main()
