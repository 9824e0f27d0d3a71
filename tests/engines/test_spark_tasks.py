"""The Spark engine's task functions and encounter cells, without Spark: run by plain Python
group-bys (tests/engines/emulate.py) they must give the local engine's events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from darkcargo.engines.spark import tasks
from darkcargo.engines.spark.cells import CellGrid, assign_cells, cell_slots, owned_pairs
from darkcargo.events.detect import detect
from darkcargo.events.kernels.encounters import close_pairs
from darkcargo.events.params import load_preset
from darkcargo.workspace import Workspace
from tests.engines import crossings, emulate

R_M = 500.0


def _clustered_points(seed: int, n: int = 4000) -> tuple[np.ndarray, ...]:
    """Points in tight clusters on cell borders (meridians, parallels, corners), on the
    antimeridian and near the poles, over a few slots: many pairs straddle a border."""
    rng = np.random.default_rng(seed)
    centres = np.array(
        [
            [38.0, 131.0],  # a corner of four 1-degree cells
            [38.5, 131.0],  # a meridian
            [38.0, 130.5],  # a parallel
            [51.0, 180.0],  # the antimeridian
            [-51.0, -180.0],
            [84.99, 20.0],  # the last row below the polar cap
            [89.99, 0.0],  # near the pole (longitudes meaningless)
            [-89.995, 100.0],
            [0.0, 0.0],
        ]
    )
    k = rng.integers(0, len(centres), n)
    lat = np.clip(centres[k, 0] + rng.normal(0, 0.004, n), -90.0, 90.0)
    lon = centres[k, 1] + rng.normal(0, 0.004, n) / np.maximum(np.cos(np.radians(lat)), 0.05)
    lon = (lon + 180.0) % 360.0 - 180.0
    slot = rng.integers(1000, 1004, n).astype(np.int64)
    mmsi = rng.integers(0, n // 3, n).astype(np.int64) + 200_000_000
    return slot, lat, lon, mmsi


@pytest.mark.parametrize(("seed", "cell_deg"), [(1, 1.0), (2, 0.5), (3, 2.0)])
def test_every_close_pair_is_found_in_exactly_one_cell(seed: int, cell_deg: float) -> None:
    slot, lat, lon, mmsi = _clustered_points(seed)
    i, j = close_pairs(slot, lat, lon, mmsi, R_M)
    expected = sorted(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist(), strict=True))
    assert len(expected) > 1000  # the clusters do make pairs, many of them across borders

    grid = CellGrid(R_M, cell_deg, slots_per_cell=2)
    copies = assign_cells(grid, slot, lat, lon)
    keys = np.stack((copies.cell_t, copies.cell_r, copies.cell_c), axis=1)
    cells, which = np.unique(keys, axis=0, return_inverse=True)
    assert len(cells) > 10
    found: list[tuple[int, int]] = []
    across = 0
    for c in range(len(cells)):
        rows = np.flatnonzero(which.ravel() == c)
        idx = copies.index[rows]
        a, b = owned_pairs(slot[idx], lat[idx], lon[idx], mmsi[idx], copies.home[rows], R_M)
        ga, gb = idx[a], idx[b]
        assert (mmsi[ga] < mmsi[gb]).all()  # a is the lower MMSI
        across += int((~copies.home[rows][b]).sum())  # partner is a ghost: a border pair
        found += list(zip(np.minimum(ga, gb).tolist(), np.maximum(ga, gb).tolist(), strict=True))
    assert sorted(found) == expected  # none lost, none twice
    assert across > 100
    # all the cells in one call (as a Spark task gets a bucket of cells): the same pairs
    slots = cell_slots(grid, copies.cell_t, copies.cell_r, copies.cell_c, slot[copies.index])
    idx = copies.index
    a, b = owned_pairs(slots, lat[idx], lon[idx], mmsi[idx], copies.home, R_M)
    together = zip(
        np.minimum(idx[a], idx[b]).tolist(), np.maximum(idx[a], idx[b]).tolist(), strict=True
    )
    assert sorted(together) == expected


def test_a_point_has_one_home_and_ghosts_only_near_borders() -> None:
    grid = CellGrid(R_M, 1.0, slots_per_cell=144)
    lat = np.array([38.5, 38.5, 38.5, 38.0001, 38.5, 51.5, 86.5])
    lon = np.array([130.5, 130.9999, 131.0001, 130.5, -179.9999, 179.9999, 10.0])
    slot = np.zeros(lat.size, np.int64)
    copies = assign_cells(grid, slot, lat, lon)
    per_point = np.bincount(copies.index, minlength=lat.size)
    homes = np.bincount(copies.index[copies.home], minlength=lat.size)
    assert homes.tolist() == [1] * lat.size
    # mid-cell: no ghost; near a meridian or parallel: one; across the antimeridian: one,
    # in the column that wraps around; polar cap rows are one cell (col 0)
    assert per_point.tolist() == [1, 2, 2, 2, 2, 2, 1]
    wrapped = copies.cell_c[(copies.index == 4) & ~copies.home]
    assert wrapped.tolist() == [grid.cols - 1]
    assert copies.cell_c[copies.index == 6].tolist() == [0]


def test_cells_too_small_for_the_pair_distance_are_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        CellGrid(20_000.0, 0.5)
    with pytest.raises(ValueError, match="divide 180"):
        CellGrid(R_M, 0.7)


def _local_events(ws_path: Path, geo: object) -> list[dict[str, object]]:
    detect(ws_path, "gfw", geo=geo)  # type: ignore[arg-type]
    with Workspace(ws_path, read_only=True) as ws:
        return ws.arrow("SELECT * FROM events").to_pylist()


def test_emulated_plan_gives_the_local_events_across_day_cell_and_antimeridian(
    tmp_path: Path,
) -> None:
    geo = crossings.crossing_geo()
    local = _local_events(crossings.write_workspace(tmp_path / "ws.duckdb"), geo)
    enc = [e for e in local if e["kind"] == "encounter"]
    assert len(enc) == 3  # one per pair, each across midnight and a border
    assert all(e["start_ts"].date() != e["end_ts"].date() for e in enc)

    p = load_preset("gfw")
    job = tasks.DetectJob.build(
        p, tasks.GeoSpec.from_geo(geo), CellGrid(p.encounter.max_distance_m, 1.0, 144)
    )
    pos = crossings.table()
    pos = pos.set_column(1, "ts", pos.column("ts").cast(pa.int64()))
    statics = pa.table(
        {
            c: pa.array([], t)
            for c, t in zip(
                tasks.STATIC_INPUT,
                [pa.int64()] * 3 + [pa.string()] * 2 + [pa.int64()] * 3,
                strict=True,
            )
        }
    )
    got = emulate.run(pos.select(list(tasks.POSITION_INPUT)), statics, job)["events"]
    keys = ("event_id", "kind", "mmsi", "other_mmsi", "port_id", "details", "evidence")
    want = sorted(tuple(str(e[k]) for k in keys) for e in local)
    have = sorted(tuple(str(e[k]) for k in keys) for e in got.to_pylist())
    assert have == want


def test_without_java_the_spark_engine_says_so_in_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from darkcargo.engines.spark.session import java_problem

    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    where = ["--input", str(tmp_path / "in"), "--output", str(tmp_path / "out")]
    done = subprocess.run(
        [sys.executable, "-m", "darkcargo", "detect", "--engine", "spark", *where],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("error: cannot start Spark: no Java runtime found")
    )
    os.environ["JAVA_HOME"], saved = env["JAVA_HOME"], os.environ.get("JAVA_HOME")
    try:
        assert "no Java runtime" in str(java_problem())
    finally:
        if saved is None:
            del os.environ["JAVA_HOME"]
        else:
            os.environ["JAVA_HOME"] = saved
