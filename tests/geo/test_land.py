from __future__ import annotations

import numpy as np
import pytest

from darkcargo.geo.distance import NM_M, destination, haversine_m
from darkcargo.geo.land import load_land


def test_rajin_to_dunai_is_about_98_nm() -> None:
    # REFERENCE.md section 1: Rajin-Dunai 98 nm great-circle.
    d = haversine_m(42.25, 130.30, 42.8803, 132.3375) / NM_M
    assert d == pytest.approx(98, abs=1.5)


def test_destination_inverts_haversine() -> None:
    lat, lon = destination(42.0, 131.0, 45.0, 50_000.0)
    assert haversine_m(42.0, 131.0, lat, lon) == pytest.approx(50_000.0, rel=1e-9)


def test_land_mask_knows_sea_of_japan_from_korea() -> None:
    land = load_land("10m")
    # inland North Korea, open Sea of Japan, inland Russia, south-west Sea of Japan
    is_land = land.is_land([40.5, 40.0, 44.0, 35.6], [127.0, 134.0, 134.0, 130.4])
    assert is_land.tolist() == [True, False, True, False]


def test_distance_to_shore_grows_offshore() -> None:
    land = load_land("10m")
    d = land.distance_to_shore_km([42.5, 42.0, 40.0], [131.6, 132.0, 134.0])
    assert d[0] < d[1] < d[2]
    assert 100 < d[2] < 500
    assert np.isnan(land.distance_to_shore_km([np.nan], [1.0])[0])
