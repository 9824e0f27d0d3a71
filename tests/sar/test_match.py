"""Matching kernels: AIS to the image time, the azimuth shift, gates, one-to-one assignment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from darkcargo.geo.distance import destination, haversine_m
from darkcargo.sar.match import (
    DEAD_RECKONED,
    INTERPOLATED,
    SceneGeometry,
    VesselStates,
    azimuth_shift,
    match,
    states_at,
)
from darkcargo.sar.params import load_sar_preset

P = load_sar_preset().match
T0 = 1_700_000_000.0
NORTH_UP = SceneGeometry(heading_deg=0.0, look="right", incidence_deg=37.0)


def test_positions_are_interpolated_between_fixes_or_dead_reckoned_from_the_nearest() -> None:
    mmsi = np.array([1, 1, 2, 3], dtype=np.int64)
    ts = np.array([T0 - 300, T0 + 300, T0 - 600, T0 - 7200])
    lat = np.array([42.0, 42.01, 42.5, 43.0])
    lon = np.array([130.0, 130.0, 131.0, 132.0])
    sog = np.array([2.0, 2.0, 10.0, 10.0])
    cog = np.array([0.0, 0.0, 90.0, 90.0])
    st = states_at(mmsi, ts, lat, lon, sog, cog, T0, max_gap_s=1800)
    assert st.mmsi.tolist() == [1, 2]  # vessel 3's last fix is two hours old
    assert st.method.tolist() == [INTERPOLATED, DEAD_RECKONED]
    assert st.lat[0] == pytest.approx(42.005) and st.gap_s[0] == 300
    # 10 kn east for 10 minutes: 3,087 m
    assert haversine_m(42.5, 131.0, st.lat[1], st.lon[1]) == pytest.approx(3086.7, rel=1e-3)
    assert st.lon[1] > 131.0 and st.lat[1] == pytest.approx(42.5, abs=1e-6)


def test_a_ship_moving_away_from_the_radar_appears_behind_itself() -> None:
    # flying north, looking east: a ship making 10 kn east (away from the radar)
    n, e, along = azimuth_shift(np.array([10 * 1852 / 3600]), np.array([90.0]), NORTH_UP, P)
    assert along[0] < 0 and n[0] < 0 and abs(e[0]) < 1e-6
    assert abs(along[0]) == pytest.approx(349, rel=0.02)  # R/V ~113 s x 5.14 m/s x sin 37
    # moving along the flight direction: no line-of-sight velocity, no shift
    _, _, along = azimuth_shift(np.array([5.0]), np.array([0.0]), NORTH_UP, P)
    assert abs(along[0]) < 1e-9
    # unknown flight direction: no shift at all (the gate widens instead)
    _, _, along = azimuth_shift(
        np.array([5.0]), np.array([90.0]), SceneGeometry(None, "right", 37), P
    )
    assert along[0] == 0


def _states(lat: list[float], lon: list[float], sog: list[float], cog: list[float],
            gap: list[float], mmsi: list[int]) -> VesselStates:  # fmt: skip
    n = len(lat)
    return VesselStates(
        mmsi=np.array(mmsi, dtype=np.int64), lat=np.array(lat), lon=np.array(lon),
        speed_mps=np.array(sog) * 1852 / 3600, course_deg=np.array(cog), gap_s=np.array(gap),
        method=np.array([DEAD_RECKONED] * n), t_ref=T0,
    )  # fmt: skip


def test_the_azimuth_shift_is_undone_before_matching() -> None:
    # the radar shows a ship 12 kn eastward ~420 m south of where its AIS puts it
    st = _states([42.0], [130.0], [12.0], [90.0], [0.0], [111])
    _, _, along = azimuth_shift(st.speed_mps, st.course_deg, NORTH_UP, P)
    dlat, dlon = destination(42.0, 130.0, 180.0, -along[0])
    res = match(np.array([dlat]), np.array([dlon]), np.array([T0]), np.array([np.nan]),
                st, np.array([np.nan]), NORTH_UP, P)  # fmt: skip
    assert res.vessel.tolist() == [0] and res.distance_m[0] < 5
    assert res.shift_m[0] == pytest.approx(along[0])


def test_the_gate_grows_with_the_time_since_the_fix_times_speed() -> None:
    # both 2 km from their predicted spot; only the one whose fix is 10 min old at 12 kn fits
    lat_det, lon_det = destination(42.0, 130.0, 0.0, 2000.0)
    lat_b, lon_b = destination(42.2, 130.0, 0.0, 2000.0)
    st = _states([42.0, 42.2], [130.0, 130.0], [12.0, 12.0], [0.0, 0.0], [600.0, 0.0], [1, 2])
    res = match(np.array([lat_det, lat_b]), np.array([lon_det, lon_b]), np.full(2, T0),
                np.full(2, np.nan), st, np.full(2, np.nan), SceneGeometry(0.0, "right", 37), P)  # fmt: skip
    # course north = along the flight: no shift
    assert res.vessel.tolist() == [0, -1]
    assert res.nearest.tolist() == [0, 1] and res.nearest_m[1] == pytest.approx(2000, rel=0.01)


def test_assignment_is_one_to_one_and_lengths_break_ties() -> None:
    # two detections equally far from two stopped vessels; lengths 200 and 60 m
    st = _states([42.0, 42.0], [130.0, 130.0005], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [10, 20])
    dlat = np.array([42.0005, 42.0005])
    dlon = np.array([130.0, 130.0005])
    res = match(dlat, dlon, np.full(2, T0), np.array([65.0, 190.0]), st, np.array([200.0, 60.0]),
                NORTH_UP, P)  # fmt: skip
    assert sorted(res.vessel.tolist()) == [0, 1]
    assert res.vessel.tolist() == [1, 0]  # the 65 m target is the 60 m vessel
    # a third detection has no vessel left: dark, with its nearest vessel recorded
    res = match(np.r_[dlat, 42.001], np.r_[dlon, 130.0], np.full(3, T0),
                np.array([65.0, 190.0, 100.0]), st, np.array([200.0, 60.0]), NORTH_UP, P)  # fmt: skip
    assert res.vessel[2] == -1 and res.nearest[2] >= 0 and math.isfinite(res.nearest_m[2])


def test_a_common_offset_of_the_scene_is_removed_before_the_final_assignment() -> None:
    # six stopped vessels 700 m apart; the radar shows all of them 250 m east and a bit north
    lats = 42.0 + np.arange(6) * 0.0063
    st = _states(list(lats), [130.0] * 6, [0.0] * 6, [0.0] * 6, [0.0] * 6, list(range(6)))
    dlat, dlon = destination(lats, np.full(6, 130.0), 80.0, 250.0)
    res = match(dlat, dlon, np.full(6, T0), np.full(6, np.nan), st, np.full(6, np.nan), NORTH_UP, P)
    assert res.vessel.tolist() == list(range(6))
    assert res.registration_m[1] == pytest.approx(246, abs=3)
    assert np.nanmax(res.distance_m) < 5
