"""Stops: stationary periods anywhere, with the nearest port and its distance."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from helpers import PORT, T0, concat, geo, track, ts_us

from darkcargo.events.detect import detect_batch
from darkcargo.events.params import load_preset
from darkcargo.geo.distance import destination, haversine_m

GFW = load_preset("gfw")
SENSITIVE = load_preset("sensitive")
# an anchorage 20 km south-east of the test port (outside every port zone)
ANCHOR = tuple(
    float(x[0])
    for x in destination(
        np.array([PORT.lat]), np.array([PORT.lon]), np.array([135.0]), np.array([20_000.0])
    )
)


def stops(cols: dict[str, np.ndarray], preset=GFW) -> list[dict]:
    ev = detect_batch(cols, preset, geo()).events
    return [
        {
            "start": ev.start_ts[i],
            "end": ev.end_ts[i],
            "port": ev.port_id[i],
            "conf": ev.confidence[i],
            "lat": ev.lat[i],
            "lon": ev.lon[i],
            "details": json.loads(ev.details[i]),
        }
        for i in range(len(ev))
        if ev.kind[i] == "stop"
    ]


def swinging(mmsi: int, start, hours: float, lat: float, lon: float, **kw) -> dict:
    """Positions every 10 min scattered up to ~150 m around an anchor, reporting 0.1 kn."""
    n = int(hours * 6) + 1
    t = track(mmsi, start, lat, lon, n=n, speed_kn=0.0, **kw)
    rng = np.random.default_rng(mmsi)
    t["lat"] = t["lat"] + rng.uniform(-0.001, 0.001, n)
    t["lon"] = t["lon"] + rng.uniform(-0.001, 0.001, n)
    t["sog"] = np.full(n, 0.1)
    return t


def test_a_stop_at_an_anchorage_names_the_nearest_port_and_its_distance():
    (s,) = stops(swinging(1, T0, 22.6, *ANCHOR))
    d = s["details"]
    assert s["port"] is None and d["in_port"] is False
    assert d["nearest_port"] == PORT.id
    assert d["nearest_port_km"] == pytest.approx(20.0, abs=0.2)
    assert d["hours"] == pytest.approx(22.5, abs=0.01) and d["n_positions"] == 136
    assert s["conf"] == 1.0  # a report every 10 minutes
    assert float(haversine_m(s["lat"], s["lon"], *ANCHOR)) < 100.0  # the median position


def test_a_stop_at_a_berth_is_in_port():
    (s,) = stops(swinging(2, T0, 14.0, PORT.lat + 0.01, PORT.lon))
    assert s["port"] == PORT.id and s["details"]["in_port"] is True
    assert s["details"]["nearest_port_km"] == pytest.approx(1.11, abs=0.05)


def test_a_stray_fix_does_not_split_a_stop_but_a_long_silence_does():
    t = swinging(3, T0, 30.0, *ANCHOR)
    t["lat"][90] += 0.02  # one fix 2.2 km off at hour 15
    (s,) = stops(t)
    assert s["details"]["hours"] == pytest.approx(30.0, abs=0.01)
    # 13 h, then 30 h of silence, then 13 h at the same spot: two stops (it may have left)
    a = swinging(4, T0, 13.0, *ANCHOR)
    b = swinging(4, T0 + timedelta(hours=43), 13.0, *ANCHOR, first_row=500)
    got = stops(concat(a, b))
    assert [round(x["details"]["hours"]) for x in got] == [13, 13]
    assert got[1]["start"] == ts_us(T0 + timedelta(hours=43))


def test_two_fixes_away_end_a_stop_unless_it_is_back_within_the_hour():
    # the review of real GFW tracks (gfw_62d12af6f, Port-en-Bessin): a thinned track showed a
    # 9 h trip as two fixes 28 km out (3.4 and 2.1 kn), and one stop spanned the trip
    def with_trip(off_min: float, back_min: float, north_deg: float) -> list[dict]:
        before = swinging(8, T0, 14.0, *ANCHOR)  # the last fix at 14:00
        t_off = T0 + timedelta(hours=14, minutes=off_min)
        away = track(8, t_off, ANCHOR[0] + north_deg, ANCHOR[1], n=2, speed_kn=2.0, first_row=300)
        back = T0 + timedelta(hours=14, minutes=back_min)
        return stops(concat(before, away, swinging(8, back, 14.0, *ANCHOR, first_row=500)))

    first, second = with_trip(180.0, 540.0, 0.25)  # 28 km out 3 h later, back after 9 h
    assert first["details"]["hours"] == pytest.approx(14.0, abs=0.01)
    assert second["start"] == ts_us(T0 + timedelta(hours=23))
    assert second["details"]["hours"] == pytest.approx(14.0, abs=0.01)
    # two fixes 2.2 km off and back on the spot 50 min after the last fix on it: strays
    (one,) = with_trip(10.0, 50.0, 0.02)
    assert one["details"]["hours"] == pytest.approx(28.0 + 50 / 60, abs=0.01)
    assert GFW.stop.stray_max_hours == 1.0


def test_a_silence_inside_a_stop_lowers_its_confidence():
    a = swinging(5, T0, 6.0, *ANCHOR)
    b = swinging(5, T0 + timedelta(hours=18), 6.0, *ANCHOR, first_row=500)  # 12 h silence
    (s,) = stops(concat(a, b))
    assert s["details"]["longest_silence_hours"] == pytest.approx(12.0, abs=0.01)
    assert s["conf"] == pytest.approx(0.75)  # half of max_gap_hours (24 h): 1 - 0.5 * 0.5


def test_moving_short_or_manoeuvring_is_not_a_stop():
    assert stops(track(6, T0, *ANCHOR, n=100, speed_kn=1.0)) == []  # 0.5 km in 16 min
    short = swinging(7, T0, 6.0, *ANCHOR)
    assert stops(short) == []  # gfw: at least 12 h
    assert len(stops(short, SENSITIVE)) == 1  # sensitive: 2 h
    busy = swinging(8, T0, 14.0, *ANCHOR)
    busy["sog"] = np.full(busy["sog"].shape, 3.0)  # within 150 m, yet reporting 3 kn
    assert stops(busy) == []
