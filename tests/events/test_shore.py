"""Distance to shore on real coastlines: berths on lakes, rivers and harbours are never offshore."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from helpers import T0, track

from darkcargo.events.detect import detect_batch
from darkcargo.events.kernels.common import GeoContext
from darkcargo.events.params import load_preset
from darkcargo.events.shore import ShoreDistance
from darkcargo.geo.land import load_land

# Real berths (harbour basins, about 100 m). The first two are on the IJsselmeer and the
# Veluwemeer, which Natural Earth's 1:10m land fills in: measured to the sea coast they were
# 47 km and 76 km "from shore", and a ship moored there got loitering events.
BERTHS = {
    "Urk (IJsselmeer)": (52.6614, 5.5955),
    "Elburg (Veluwemeer)": (52.4478, 5.8317),
    "Amsterdam IJhaven": (52.3780, 4.9180),
    "Rotterdam Waalhaven": (51.8970, 4.4300),
    "Hamburg": (53.5410, 9.9700),
    "Portsmouth VA, Norfolk Naval Shipyard": (36.8120, -76.2950),
    "Harlingen": (53.1750, 5.4130),
    "Southwold harbour": (52.3135, 1.6750),
    "Las Palmas": (28.1400, -15.4150),
    "Nouadhibou": (20.9100, -17.0450),
}


@pytest.fixture(scope="module")
def shore() -> ShoreDistance:
    return ShoreDistance.from_land(load_land("10m"))


def moored(mmsi: int, lat: float, lon: float, hours: int = 36) -> dict[str, np.ndarray]:
    """A ship at a berth: 10-minute reports at 0-0.1 kn with 15 m of GPS jitter."""
    n = hours * 6
    cols = track(mmsi, T0, lat, lon, n=n, speed_kn=0.0)
    rng = np.random.default_rng(mmsi)
    cols["lat"] = cols["lat"] + rng.normal(0, 15 / 111_000, n)
    cols["lon"] = cols["lon"] + rng.normal(0, 15 / 111_000 / np.cos(np.radians(lat)), n)
    cols["sog"] = rng.uniform(0.0, 0.1, n)
    return cols


def test_berths_are_on_the_shore(shore: ShoreDistance) -> None:
    lat, lon = np.array(list(BERTHS.values())).T
    d = shore(lat, lon)
    assert (d < 1.0).all(), dict(zip(BERTHS, d.round(2), strict=True))
    # inside the generalised land polygons (lakes, rivers, docks) the distance is exactly 0
    assert d[:6].tolist() == [0.0] * 6
    # the land model's own unsigned distance still measures to the sea coast
    assert load_land("10m").distance_to_shore_km(lat[:2], lon[:2]).min() > 40


def test_lakes_are_never_offshore(shore: ShoreDistance) -> None:
    # mid-IJsselmeer, Lake Superior, Lake Ladoga: inside the land layer, so 0 km from shore;
    # the Caspian and the Sea of Azov are sea in Natural Earth and keep their distance
    d = shore([52.75, 47.7, 60.8, 42.0, 46.0], [5.35, -87.5, 31.5, 51.0, 36.5])
    assert d[:3].tolist() == [0.0, 0.0, 0.0]
    assert d[3] > 100 and d[4] > 50


@pytest.mark.parametrize("preset", ["gfw", "sensitive"])
def test_ships_moored_at_real_berths_do_not_loiter(shore: ShoreDistance, preset: str) -> None:
    # no ports listed: only the shore distance keeps a berth from being "offshore"
    geo = GeoContext.build([], shore_km=shore)
    for k, (name, (lat, lon)) in enumerate(BERTHS.items()):
        res = detect_batch(moored(244000000 + k, lat, lon), load_preset(preset), geo)
        assert "loitering" not in res.events.kind, name


def test_drifting_far_offshore_is_loitering_and_names_the_layer(shore: ShoreDistance) -> None:
    # control: the same slow ship 100 km off the Dutch coast in the North Sea
    geo = GeoContext.build([], shore_km=shore)
    res = detect_batch(moored(244999999, 53.8, 3.6), load_preset("gfw"), geo)
    # a stop too (stationary anywhere); the loitering is what this test is about
    assert "loitering" in res.events.kind
    details = json.loads(res.events.details[res.events.kind.index("loitering")])
    assert details["min_shore_km"] > 100
    assert details["shore_layer"].startswith("Natural Earth 1:10m land")
