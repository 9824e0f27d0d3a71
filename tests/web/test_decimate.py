"""Track decimation kernel: fewer points, gaps kept as breaks, endpoints kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from darkcargo.web.decimate import decimate_track, tolerance_for_zoom
from darkcargo.web.queries import WorkspaceReader
from darkcargo.workspace import Workspace
from tests.web.sample import conform


def straight(n: int, step_s: float = 10.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ts = np.arange(n) * step_s
    return ts, np.linspace(42.0, 43.0, n), np.linspace(130.0, 132.0, n)


def test_tolerance_halves_with_each_zoom_level() -> None:
    assert tolerance_for_zoom(0) == 360 / 256
    assert tolerance_for_zoom(10) == tolerance_for_zoom(9) / 2


def test_straight_leg_collapses_to_its_two_ends() -> None:
    ts, lat, lon = straight(1000)
    d = decimate_track(ts, lat, lon, tolerance_for_zoom(8))
    assert d.index.tolist() == [0, 999]
    assert d.run.tolist() == [0, 0]


def test_time_gap_breaks_the_line_and_keeps_both_gap_endpoints() -> None:
    ts, lat, lon = straight(1000)
    ts[500:] += 6 * 3600  # six dark hours after fix 499
    d = decimate_track(ts, lat, lon, tolerance_for_zoom(8), gap_break_s=3600)
    assert d.index.tolist() == [0, 499, 500, 999]
    assert d.run.tolist() == [0, 0, 1, 1]


def test_zero_tolerance_keeps_every_fix() -> None:
    ts, lat, lon = straight(50)
    d = decimate_track(ts, lat, lon, 0.0)
    assert d.index.tolist() == list(range(50))


def test_bbox_keeps_one_neighbour_outside_and_splits_runs() -> None:
    ts = np.arange(7) * 10.0
    lon = np.array([0.0, 1.0, 2.0, 10.0, 2.0, 1.0, 0.0])
    lat = np.zeros(7)
    d = decimate_track(ts, lat, lon, 0.0, bbox=(-0.5, -1, 0.5, 1))
    # fixes 0 and 6 inside; 1 and 5 their neighbours; 2-4 dropped, so two runs
    assert d.index.tolist() == [0, 1, 5, 6]
    assert d.run.tolist() == [0, 0, 1, 1]


def test_wiggly_track_is_capped_at_max_points() -> None:
    rng = np.random.default_rng(0)
    n = 200_000
    ts = np.arange(n) * 10.0
    lat = 42 + np.cumsum(rng.normal(0, 1e-3, n))
    lon = 130 + np.cumsum(rng.normal(0, 1e-3, n))
    d = decimate_track(ts, lat, lon, tolerance_for_zoom(16), max_points=2000)
    assert 2 <= d.index.size <= 2000
    assert d.index[0] == 0 and d.index[-1] == n - 1
    assert np.all(np.diff(d.index) > 0)


def test_non_finite_positions_are_dropped() -> None:
    ts, lat, lon = straight(5)
    lat[2] = np.nan
    d = decimate_track(ts, lat, lon, 0.0)
    assert d.index.tolist() == [0, 1, 3, 4]
    assert d.run.tolist() == [0, 0, 1, 1]


def test_reader_sorts_fixes_stored_out_of_time_order(tmp_path: Path) -> None:
    t0 = datetime(2024, 1, 1)
    order = [3, 0, 2, 1]
    table = pa.table(
        {
            "mmsi": pa.array([1] * 4, pa.int64()),
            "ts": pa.array([t0 + timedelta(minutes=i) for i in order], pa.timestamp("us")),
            "lat": [42.0 + i for i in order],
            "lon": [130.0] * 4,
        }
    )
    with Workspace(tmp_path / "w.duckdb") as ws:
        ws.append("positions", conform("positions", table))
    with WorkspaceReader(tmp_path / "w.duckdb") as r:
        track = r.track(1)
    assert [p[0] for p in track.runs[0]] == [42.0, 43.0, 44.0, 45.0]
