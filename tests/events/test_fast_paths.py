"""The fast paths of the detectors agree with the slow, obvious computation."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).parent))
from helpers import T0, concat, geo, track

from darkcargo.config import Port
from darkcargo.events.detect import detect_batch
from darkcargo.events.kernels.common import GeoContext, evidence_json, slice_evidence
from darkcargo.events.kernels.encounters import close_pairs
from darkcargo.events.kernels.segment import segment_positions
from darkcargo.events.params import load_preset
from darkcargo.events.shore import ShoreDistance
from darkcargo.geo.distance import EARTH_RADIUS_M, unit_vectors
from darkcargo.geo.land import load_land

GFW = load_preset("gfw")


@pytest.mark.parametrize(
    ("lat", "lon", "spread"),
    [(42.0, 133.0, 0.02), (70.0, 179.995, 0.01), (-60.0, -179.998, 0.01), (0.0, 0.0, 0.005)],
)
def test_close_pairs_equal_brute_force_kd_tree_including_antimeridian(lat, lon, spread):
    rng = np.random.default_rng(1)
    n = 4000
    slot = rng.integers(0, 4, n)
    la = lat + rng.normal(0, spread, n)
    lo = (lon + rng.normal(0, spread * 3, n) + 180.0) % 360.0 - 180.0
    mmsi = rng.integers(0, 300, n)
    a, b = close_pairs(slot, la, lo, mmsi, 500.0)
    xyz = unit_vectors(la, lo) * EARTH_RADIUS_M
    tree = cKDTree(np.column_stack((xyz, slot * 1e7)))
    ref = tree.query_pairs(500.0, output_type="ndarray")
    ref = ref[mmsi[ref[:, 0]] != mmsi[ref[:, 1]]]
    got = {tuple(sorted(p)) for p in zip(a.tolist(), b.tolist(), strict=True)}
    assert got == {tuple(sorted(p)) for p in ref.tolist()}
    assert len(got) == a.size  # each pair once
    assert len(got) > 50


def test_port_lookup_grid_prefilter_changes_no_answer():
    ports = [
        Port(id=f"P{k}", name="p", lat=la, lon=lo, radius_km=4.0)
        for k, (la, lo) in enumerate([(42.25, 130.3), (60.0, 179.9), (-33.9, 18.4), (89.5, 0.0)])
    ]
    g = GeoContext.build(ports)
    rng = np.random.default_rng(2)
    lat = np.concatenate((rng.uniform(-90, 90, 20000), 42.25 + rng.normal(0, 0.2, 5000)))
    lon = np.concatenate((rng.uniform(-180, 180, 20000), 130.3 + rng.normal(0, 0.2, 5000)))
    lat[:10] = np.nan
    for within in (5.0, 30.0):
        idx, dist = g.nearest_port(lat, lon, within_km=within)
        _, ref_idx = g._tree.query(unit_vectors(np.nan_to_num(lat), lon))
        ref_d = g.nearest_port(lat, lon)[1]  # unbounded: no prefilter
        expect = np.where(ref_d <= within, ref_idx, -1)
        expect[:10] = -1
        assert np.array_equal(idx, expect)
        assert np.allclose(dist[idx >= 0], ref_d[idx >= 0])


def test_shore_distance_is_exact_near_the_coast_and_close_far_away():
    land = load_land("10m")
    shore = ShoreDistance.from_land(land)
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(34, 46, 3000), rng.uniform(127, 142, 3000)
    exact = land.distance_to_shore_km(lat, lon)
    fast = shore(lat, lon)
    on_land = land.is_land(lat, lon)
    assert on_land.sum() > 500 and (fast[on_land] == 0).all()  # land and inland water: 0 km
    lat, lon, exact, fast = lat[~on_land], lon[~on_land], exact[~on_land], fast[~on_land]
    near = exact < shore.exact_km
    assert near.sum() > 500 and (~near).sum() > 100
    assert np.array_equal(fast[near], exact[near])
    assert np.abs(fast[~near] - exact[~near]).max() < 17.5  # 10 km cubes: diagonal
    assert (fast[~near] >= shore.exact_km - 17.5).all()


def test_slice_evidence_equals_evidence_json_per_slice():
    src = np.array([1, 1, 1, 2, 2, 1], np.int64)
    row = np.array([5, 7, 6, 1, 2, 9], np.int64)
    first = np.array([0, 1, 2, 5], np.int64)
    last = np.array([2, 4, 5, 5], np.int64)
    got = slice_evidence(src, row, first, last)
    ref = [evidence_json(src[i : j + 1], row[i : j + 1]) for i, j in zip(first, last, strict=True)]
    assert got == ref


def test_loitering_run_is_cut_where_it_drifts_inside_the_shore_limit():
    # 6 h drifting east at 1 kn, the shore 36 km away at the start and receding 3.7 km an hour:
    # the positions nearer than 20 nm (37.04 km) are cut off, the rest is one loitering event
    a = track(424000001, T0, 40.0, 134.0, n=37, speed_kn=1.0)

    def shore(lat, lon):
        lon_a = np.asarray(lon, dtype=np.float64)
        return 36.0 + (lon_a - 134.0) * 111.0 * np.cos(np.radians(40.0)) * 2.0

    g = GeoContext.build([], shore_km=shore)
    res = detect_batch(a, GFW, g)
    loit = [k for k in range(len(res.events)) if res.events.kind[k] == "loitering"]
    assert len(loit) == 1
    start = res.events.start_ts[loit[0]]
    cut = a["ts"][np.flatnonzero(shore(a["lat"], a["lon"]) >= 20 * 1.852)[0]]
    assert start == cut
    assert res.events.end_ts[loit[0]] == a["ts"][-1]


def test_jump_of_several_reports_inside_a_track_is_one_spoof_jump():
    # a transit at 12 kn; reports 20..25 (50 min) are displaced 50 km north, then it comes back
    a = track(273000001, T0, 40.0, 134.0, n=60, speed_kn=12.0)
    a["lat"][20:26] += 50.0 / 111.0
    res = detect_batch(a, GFW, geo())
    jumps = [k for k in range(len(res.events)) if res.events.kind[k] == "spoof_jump"]
    assert len(jumps) == 1
    k = jumps[0]
    assert (res.events.start_ts[k], res.events.end_ts[k]) == (a["ts"][20], a["ts"][25])


def test_two_vessels_on_one_mmsi_restarting_after_a_silence_keep_their_tracks():
    m = 440613329
    a1 = track(m, T0, 38.20, 128.60, n=20)  # at anchor off Sokcho
    b1 = track(m, T0 + timedelta(minutes=5), 37.90, 128.83, n=20, first_row=100)  # off Jumunjin
    a2 = track(m, T0 + timedelta(hours=30), 38.20, 128.60, n=20, first_row=200)
    b2 = track(m, T0 + timedelta(hours=30, minutes=5), 37.90, 128.83, n=20, first_row=300)
    cols = concat(a1, b1, a2, b2)
    order = np.argsort(cols["ts"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    s = segment_positions(
        cols["mmsi"],
        cols["ts"],
        cols["lat"],
        cols["lon"],
        cols["sog"],
        cols["cog"],
        GFW.segment,
        GFW.validity,
    )
    north = cols["lat"] > 38.0
    assert len(np.unique(s.track)) == 2
    assert len(np.unique(s.track[north])) == 1 and len(np.unique(s.track[~north])) == 1
