"""Port calls on hand-made tracks: a stay is one call at the port that explains it; one fix is not
a call; AIS off in port is a call spanning the silence, and the gap says it began in port."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from helpers import T0, concat, geo, track, ts_us

from darkcargo.config import Port, load_case
from darkcargo.events.detect import detect_batch
from darkcargo.events.kernels.common import GeoContext
from darkcargo.events.params import load_preset
from darkcargo.geo.distance import destination, haversine_m

GFW = load_preset("gfw")
# World Port Index reference points (NGA WPI), radius as a ports CSV without radius_km gets
AMSTERDAM = Port(id="NLD_AMSTERDAM", name="Amsterdam", lat=52.366667, lon=4.9, radius_km=4.0)
ZAANDAM = Port(id="NLD_ZAANDAM", name="Zaandam", lat=52.433333, lon=4.833333, radius_km=4.0)
NOUADHIBOU = Port(id="MRT_NOUADHIBOU", name="Nouadhibou", lat=20.916667, lon=-17.05, radius_km=4.0)
IJMUIDEN = Port(id="NLD_IJMUIDEN", name="IJmuiden", lat=52.466667, lon=4.583333, radius_km=4.0)
HOUR_US = 3_600_000_000


def rows_of(cols: dict[str, np.ndarray], g: GeoContext) -> list[dict]:
    ev = detect_batch(cols, GFW, g).events
    return [
        {
            "kind": ev.kind[i],
            "start": ev.start_ts[i],
            "end": ev.end_ts[i],
            "port": ev.port_id[i],
            "conf": ev.confidence[i],
            "lat": ev.lat[i],
            "lon": ev.lon[i],
            "details": json.loads(ev.details[i]),
        }
        for i in range(len(ev))
    ]


def of(rows: list[dict], kind: str) -> list[dict]:
    return [r for r in rows if r["kind"] == kind]


def km(lat1: float, lon1: float, port: Port) -> float:
    return float(haversine_m(lat1, lon1, port.lat, port.lon)) / 1000.0


def at(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    la, lo = destination(np.array([lat]), np.array([lon]), np.array([bearing]), np.array([metres]))
    return float(la[0]), float(lo[0])


def berth_stay(
    mmsi: int, lat: float, lon: float, hours: float, stray_at_h: float | None = None
) -> dict[str, np.ndarray]:
    """Arrive from 12 km west at 6 kn, lie at a berth for `hours` (10-min reports, one stray fix
    2.4 km north-west at `stray_at_h`), leave east at 8 kn."""
    start = at(lat, lon, 270.0, 12_000.0)
    inbound = track(mmsi, T0, *start, n=13, speed_kn=6.0, course=90.0)  # ~12 km in 2 h
    t_berth = T0 + timedelta(hours=2, minutes=10)
    n = int(hours * 6)
    stay = track(mmsi, t_berth, lat, lon, n=n, speed_kn=0.0, first_row=100)
    if stray_at_h is not None:
        k = int(stray_at_h * 6)
        stay["lat"][k], stay["lon"][k] = at(lat, lon, 315.0, 2_400.0)
    out = track(
        mmsi, t_berth + timedelta(minutes=10 * n), lat, lon, n=12, speed_kn=8.0, first_row=900
    )
    return concat(inbound, stay, out)


def test_a_single_fix_in_port_is_a_presence_not_a_call():
    lat, lon = at(NOUADHIBOU.lat, NOUADHIBOU.lon, 180.0, 2_000.0)
    one = track(1, T0, lat, lon, n=1, speed_kn=0.0)
    rows = rows_of(one, geo(ports=(NOUADHIBOU,)))
    assert of(rows, "port_call") == []
    (pres,) = of(rows, "port_presence")
    assert pres["port"] == NOUADHIBOU.id and pres["conf"] == 0.25
    assert pres["start"] == pres["end"]
    assert pres["details"]["why_not_a_call"] == "one position"
    assert pres["details"]["closest_km"] == pytest.approx(2.0, abs=0.01)


def test_a_stray_fix_does_not_split_a_40_hour_amsterdam_stay():
    lat, lon = 52.395, 4.87  # a berth 3.7 km from Amsterdam's WPI point, 4.9 km from Zaandam's
    stray = at(lat, lon, 315.0, 2_400.0)
    # the premises of the case seen on real AIS: the stray fix lies beyond Amsterdam's exit
    # distance (radius + 1 km) and inside Zaandam's radius, and the berth within both zones
    assert km(*stray, AMSTERDAM) > 5.0 and km(*stray, ZAANDAM) < 4.0
    assert km(lat, lon, AMSTERDAM) < 4.0 and km(lat, lon, ZAANDAM) < 5.0
    rows = rows_of(berth_stay(2, lat, lon, 40.0, stray_at_h=15.0), geo(ports=(AMSTERDAM, ZAANDAM)))
    (call,) = of(rows, "port_call")
    assert call["port"] == AMSTERDAM.id
    assert call["details"]["hours"] > 40.0 and call["conf"] == 1.0
    assert call["details"]["stay_port_km"] == pytest.approx(km(lat, lon, AMSTERDAM), abs=0.01)
    assert call["details"]["entry"] and call["details"]["exit"] and call["details"]["stop"]


def test_a_call_of_two_stops_says_so_and_its_stop_span_covers_both():
    """Moored, then shifted 2.5 km at 5 kn to lie elsewhere in the same port (as at Algeciras on
    real AIS): one call, whose stop_start..stop_end spans two stops, not one unbroken stop."""
    from darkcargo.report.describe import describe_event

    lat, lon = 52.38, 4.90  # 1.5 km north of Amsterdam's point
    first = berth_stay(3, lat, lon, 6.0)
    inbound, moored = first["ts"][:13], first["ts"][13:49]  # 13 inbound fixes, then 6 h moored
    assert len(inbound) == 13 and len(moored) == 36
    shift_from = T0 + timedelta(hours=8, minutes=10)
    shift = track(3, shift_from, lat, lon, n=3, speed_kn=5.0, course=180.0, first_row=400)
    second = track(
        3, shift_from + timedelta(minutes=30), *at(lat, lon, 180.0, 2_500.0), n=24, first_row=500
    )
    leave = track(
        3, shift_from + timedelta(hours=4, minutes=30), *at(lat, lon, 180.0, 2_500.0), n=12,
        speed_kn=8.0, course=90.0, first_row=900,
    )  # fmt: skip
    cols = concat({k: v[:49] for k, v in first.items()}, shift, second, leave)
    rows = rows_of(cols, geo(ports=(AMSTERDAM,)))
    (call,) = of(rows, "port_call")
    d = call["details"]
    assert d["stops"] == 2 and d["stop"]
    assert d["stop_start"] < shift_from.isoformat() < d["stop_end"]
    event = {"kind": "port_call", "port_id": call["port"], "details": d}
    assert "seen: entry, 2 separate stops and exit" in describe_event(event)
    one = rows_of(berth_stay(4, lat, lon, 6.0), geo(ports=(AMSTERDAM,)))
    assert of(one, "port_call")[0]["details"]["stops"] == 1


def test_a_stay_holding_a_long_silence_is_proven_but_scores_0_5_and_its_silence_is_not_observed():
    # the review of real GFW tracks: one fix at a berth, nothing for 20 months, then a fix at
    # the same berth made a 14,855 h call at 1.0, "observed" throughout
    lat, lon = at(AMSTERDAM.lat, AMSTERDAM.lon, 180.0, 1_000.0)
    inbound = track(7, T0, *at(lat, lon, 270.0, 12_000.0), n=13, speed_kn=6.0, course=90.0)
    t_berth = T0 + timedelta(hours=2, minutes=10)
    stay = track(7, t_berth, lat, lon, n=60, speed_kn=0.0, first_row=100)  # 10 h, then silent
    back_at = t_berth + timedelta(hours=410)
    again = track(7, back_at, lat, lon, n=60, speed_kn=0.0, first_row=2_000)
    leave = track(7, back_at + timedelta(hours=10), lat, lon, n=12, speed_kn=8.0, first_row=3_000)
    rows = rows_of(concat(inbound, stay, again, leave), geo(ports=(AMSTERDAM,)))
    (call,) = of(rows, "port_call")
    d = call["details"]
    assert d["hours"] > 410 and d["longest_silence_hours"] > 400
    assert d["observed_hours"] == pytest.approx(d["hours"] - d["longest_silence_hours"], abs=0.2)
    assert d["long_silence"] is True and call["conf"] == 0.5
    # the same stay reported throughout keeps its 1.0, observed from end to end
    (dense,) = of(rows_of(berth_stay(8, lat, lon, 40.0), geo(ports=(AMSTERDAM,))), "port_call")
    assert dense["conf"] == 1.0 and dense["details"]["long_silence"] is False
    assert dense["details"]["observed_hours"] == dense["details"]["hours"]


def test_a_berth_4_1_km_from_the_port_point_is_not_missed():
    lat, lon = at(AMSTERDAM.lat, AMSTERDAM.lon, 135.0, 4_100.0)  # away from Zaandam
    rows = rows_of(berth_stay(3, lat, lon, 40.0), geo(ports=(AMSTERDAM, ZAANDAM)))
    (call,) = of(rows, "port_call")
    assert call["port"] == AMSTERDAM.id
    assert call["details"]["stay_port_km"] == pytest.approx(4.1, abs=0.01)
    assert 39.8 <= call["details"]["hours"] < 42.0


def test_two_stays_at_two_ports_are_two_calls():
    berth_a = at(AMSTERDAM.lat, AMSTERDAM.lon, 180.0, 1_000.0)
    berth_z = at(ZAANDAM.lat, ZAANDAM.lon, 0.0, 1_000.0)
    a = track(4, T0, *berth_a, n=60, speed_kn=0.0)  # 10 h at Amsterdam
    # 10.3 km to Zaandam's berth at 6 kn (about 55 min), then 10 h there
    d = float(haversine_m(*berth_a, *berth_z))
    bearing = 328.0
    move = track(4, T0 + timedelta(hours=10), *berth_a, n=6, speed_kn=6.0, course=bearing)
    move["lat"], move["lon"] = (
        np.linspace(berth_a[0], berth_z[0], 8)[1:-1],
        np.linspace(berth_a[1], berth_z[1], 8)[1:-1],
    )
    z = track(4, T0 + timedelta(hours=11), *berth_z, n=60, speed_kn=0.0, first_row=500)
    assert d > 9_000
    rows = rows_of(concat(a, move, z), geo(ports=(AMSTERDAM, ZAANDAM)))
    calls = of(rows, "port_call")
    assert [c["port"] for c in calls] == [AMSTERDAM.id, ZAANDAM.id]
    assert calls[0]["end"] < calls[1]["start"]
    assert calls[0]["details"]["exit"] and calls[1]["details"]["entry"]


def test_a_thinned_track_s_next_fix_at_another_port_ends_the_call_with_no_fix_between():
    # the review of real GFW tracks (gfw_ff8d8031c, 2017-05-21): at an Amsterdam berth reporting
    # 0.0 kn, then 41 min later at an IJmuiden berth (23 km away) until 17:55; one Amsterdam call
    # used to run to 17:55, its "stop" spanning both berths
    amsterdam, ijmuiden = (52.36369, 4.88020), (52.45867, 4.57963)
    inbound = track(9, T0, *at(*amsterdam, 180.0, 12_000.0), n=13, speed_kn=6.0, course=0.0)
    t_berth = T0 + timedelta(hours=2, minutes=10)
    a = track(9, t_berth, *amsterdam, n=120, speed_kn=0.0, first_row=100)  # 20 h
    t_next = t_berth + timedelta(hours=20, minutes=41)
    b = track(9, t_next, *ijmuiden, n=54, speed_kn=0.0, first_row=500)  # 9 h
    out = track(
        9, t_next + timedelta(hours=9), *ijmuiden, n=12, speed_kn=8.0, course=270.0, first_row=900
    )
    assert km(*ijmuiden, AMSTERDAM) > 20.0 and km(*amsterdam, IJMUIDEN) > 20.0
    rows = rows_of(concat(inbound, a, b, out), geo(ports=(AMSTERDAM, IJMUIDEN)))
    calls = of(rows, "port_call")
    assert [c["port"] for c in calls] == [AMSTERDAM.id, IJMUIDEN.id]
    assert calls[0]["end"] == int(a["ts"][-1]) and calls[1]["start"] == int(b["ts"][0])
    assert all(c["conf"] == 1.0 for c in calls)  # each seen stopped, entered and left


def test_ais_off_in_port_is_one_call_spanning_the_silence_and_the_gap_starts_in_port():
    berth = (20.89016, -17.05115)  # the real berth, 2.95 km from Nouadhibou's WPI point
    # from 16 km south at 11 kn: the last inbound fix, 2.4 km short of the berth, is 5.4 km
    # from the port's point, outside its zone (radius + 1 km): the call starts at the berth
    inbound = track(5, T0, *at(*berth, 180.0, 16_000.0), n=5, speed_kn=11.0, course=0.0)
    arrive = T0 + timedelta(minutes=50)
    fix = track(5, arrive, *berth, n=1, speed_kn=0.1, first_row=50)
    back_at = arrive + timedelta(hours=657)
    back = track(5, back_at, *at(*berth, 190.0, 200_000.0), n=6, speed_kn=8.0, first_row=60)
    rows = rows_of(concat(inbound, fix, back), geo(ports=(NOUADHIBOU,)))
    (call,) = of(rows, "port_call")
    d = call["details"]
    assert call["port"] == NOUADHIBOU.id and call["start"] == ts_us(arrive)
    assert d["ais_off_in_port"] is True and d["port_gap"] is True
    assert d["left_after"] == arrive.isoformat()
    # 200 km at 16 kn takes 6.75 h: it left 650.25 h after its last fix at the latest
    left_before = ts_us(back_at) - round(200.0 / (16 * 1.852) * HOUR_US)
    assert abs(call["end"] - left_before) <= 1_000_000
    assert d["left_before"] == str(np.datetime64(call["end"], "us").astype("datetime64[s]"))
    assert d["hours"] == pytest.approx(650.25, abs=0.01) and d["observed_hours"] == 0.0
    assert d["departure"] == f"AIS off in port; left between {d['left_after']}Z and " + (
        f"{d['left_before']}Z"
    )
    # entry seen, AIS off while stopped, departure bounded: 1.0, but for the 650 h in which
    # it left (more than max_silence_hours): the stay is proven, its length is not
    assert d["long_silence"] is True and d["longest_silence_hours"] == pytest.approx(650.25, 0.01)
    assert call["conf"] == 0.5
    (gap,) = [g for g in of(rows, "gap") if g["details"]["hours"] > 600]
    g = gap["details"]
    assert g["starts_in_port"] is True and g["ends_in_port"] is False
    assert g["off_port"] == NOUADHIBOU.id and g["off_port_km"] == pytest.approx(2.95, abs=0.01)
    assert g["on_port"] == NOUADHIBOU.id and g["on_port_km"] > 190


def test_entering_at_speed_then_found_stopped_at_a_berth_after_a_silence_is_a_weak_call():
    # a thinned GFW track into IJmuiden: in at 6.3 kn, silent 14.5 h, then at 0.0 kn at a berth
    # of the same port, and out again; it was only a presence ("no stop and no AIS-off")
    berth = at(AMSTERDAM.lat, AMSTERDAM.lon, 180.0, 1_500.0)
    inbound = track(9, T0, *at(*berth, 270.0, 10_000.0), n=5, speed_kn=6.3, course=90.0)
    found_at = T0 + timedelta(hours=15)
    found = track(9, found_at, *berth, n=1, speed_kn=0.0, first_row=50)
    out = track(
        9, found_at + timedelta(minutes=15), *berth, n=8, speed_kn=6.0, course=270.0, first_row=60
    )
    rows = rows_of(concat(inbound, found, out), geo(ports=(AMSTERDAM,)))
    (call,) = of(rows, "port_call")
    assert call["port"] == AMSTERDAM.id and call["details"]["port_gap"] is True
    assert call["details"]["ais_off_in_port"] is False
    assert call["conf"] == 0.75  # a stay shown, weakly (not stopped when AIS went off); in and out
    assert of(rows, "port_presence") == []


def test_a_vessel_passing_at_speed_then_silent_is_not_a_call():
    start = at(NOUADHIBOU.lat, NOUADHIBOU.lon, 180.0, 6_000.0)
    # 12 kn for 25 min: the last fix 3.3 km past the port's point, inside its zone
    run = track(6, T0, *start, n=6, minutes=5, speed_kn=12.0, course=0.0)
    later = track(
        6, T0 + timedelta(hours=10), *at(NOUADHIBOU.lat, NOUADHIBOU.lon, 0.0, 60_000.0), n=5
    )
    rows = rows_of(concat(run, later), geo(ports=(NOUADHIBOU,)))
    assert of(rows, "port_call") == []
    assert [p["port"] for p in of(rows, "port_presence")] == [NOUADHIBOU.id]
    (gap,) = of(rows, "gap")
    assert gap["details"]["starts_in_port"] is True  # a place, not a stay


def test_a_sparse_feed_s_two_fixes_in_port_20_hours_apart_are_a_presence_not_a_call():
    # a satellite feed's day of a harbour craft (aisdb's Spire sample, 503345300 at Sydney): a
    # fix at 3.4 kn and one at 9.9 kn 20 h later, 3.5 km apart, both in the zone. The silence
    # between them is the feed's rate, not AIS switched off at a berth.
    first = track(7, T0, *at(AMSTERDAM.lat, AMSTERDAM.lon, 200.0, 1_500.0), n=1, speed_kn=3.4)
    later = T0 + timedelta(hours=20)
    second = track(7, later, *at(AMSTERDAM.lat, AMSTERDAM.lon, 60.0, 2_000.0), n=1, speed_kn=9.9)
    rows = rows_of(concat(first, second), geo(ports=(AMSTERDAM,)))
    assert of(rows, "port_call") == []
    (presence,) = of(rows, "port_presence")
    assert presence["details"]["n_positions"] == 2
    assert presence["details"]["why_not_a_call"].startswith("the track reports too rarely")
    (gap,) = of(rows, "gap")
    assert gap["details"]["sparse_track"] is True and gap["conf"] == pytest.approx(0.1)


def test_a_sparse_track_s_silence_after_a_stopped_fix_is_a_weak_call():
    # one fix 3 h before the berth's: the track reported normally enough, AIS went off in port
    berth = at(NOUADHIBOU.lat, NOUADHIBOU.lon, 200.0, 1_000.0)
    before = track(8, T0, *at(*berth, 180.0, 40_000.0), n=1, speed_kn=8.0)
    fix = track(8, T0 + timedelta(hours=3), *berth, n=1, speed_kn=0.0, first_row=2)
    gone = track(8, T0 + timedelta(hours=40), *at(*berth, 190.0, 100_000.0), n=1, first_row=3)
    (call,) = of(rows_of(concat(before, fix, gone), geo(ports=(NOUADHIBOU,))), "port_call")
    d = call["details"]
    assert d["ais_off_in_port"] is True and d["sparse_track"] is False
    assert d["departure"].startswith("AIS off in port; left between")
    assert call["conf"] == 1.0  # entry, AIS off while stopped, departure bounded
    # the berth's fix alone (a thinned or satellite track): still a stay, since the ship was
    # stopped there, but the silence is no proof that AIS went off
    (call,) = of(rows_of(concat(fix, gone), geo(ports=(NOUADHIBOU,))), "port_call")
    d = call["details"]
    assert d["ais_off_in_port"] is True and d["sparse_track"] is True
    assert d["departure"].startswith(f"not reported after {d['left_after']}Z (a sparse track)")
    assert call["conf"] == 0.5  # a weak proof, no entry seen
    # the same lone fix at 3 kn proves nothing
    moving = track(8, T0 + timedelta(hours=3), *berth, n=1, speed_kn=3.0, first_row=2)
    rows = rows_of(concat(moving, gone), geo(ports=(NOUADHIBOU,)))
    assert of(rows, "port_call") == []
    assert [p["details"]["why_not_a_call"] for p in of(rows, "port_presence")] == ["one position"]


def test_ais_off_at_dunai_on_at_vostochny_ends_the_dunai_call_and_reaches_rajin():
    case = load_case("dprk_russia")
    ports = {p.id: p for p in case.ports}
    g = GeoContext.build(list(case.ports), shore_km=lambda la, lo: np.full(np.shape(la), 5.0))
    dunai, vost = ports["DUNAI"], ports["VOSTOCHNY"]
    at_dunai = track(7, T0, dunai.lat, dunai.lon, n=36, speed_kn=0.0)  # 6 h at the pier
    off = T0 + timedelta(hours=5, minutes=50)
    on = off + timedelta(hours=48)
    at_vost = track(7, on, vost.lat, vost.lon, n=36, speed_kn=0.0, first_row=100)
    rows = rows_of(concat(at_dunai, at_vost), g)
    calls = of(rows, "port_call")
    assert [c["port"] for c in calls] == ["DUNAI", "VOSTOCHNY"]
    d = calls[0]["details"]
    assert d["ais_off_in_port"] is True and d["left_after"] == off.isoformat()
    dist_km = float(haversine_m(dunai.lat, dunai.lon, vost.lat, vost.lon)) / 1000.0
    assert calls[0]["end"] == pytest.approx(
        ts_us(on) - dist_km / (16 * 1.852) * HOUR_US, abs=1_000_000
    )
    assert calls[1]["details"]["entry"] is True and calls[1]["details"]["ais_off_in_port"] is False
    (gap,) = of(rows, "gap")
    gd = gap["details"]
    assert (gd["off_port"], gd["on_port"]) == ("DUNAI", "VOSTOCHNY")
    assert gd["starts_in_port"] and gd["ends_in_port"]
    # Dunai -> Rajin -> Vostochny is 224 nm: 14 h at 16 kn plus a 6 h stay fits in 48 h
    assert "RAJIN" in gd["reachable_ports"]
    assert "TUMANGANG_KHASAN" not in gd["reachable_ports"]  # a rail crossing, not a port


def test_a_rajin_leg_gap_names_both_ends_and_rajin_as_reachable():
    """AIS off and back on 25-32 km from Zarubino (issue 14.3): the gap names Zarubino at both
    ends with the distances, and Rajin among the watched ports reachable in the silence."""
    case = load_case("dprk_russia")
    zar = {p.id: p for p in case.ports}["ZARUBINO"]
    g = GeoContext.build(list(case.ports), shore_km=lambda la, lo: np.full(np.shape(la), 15.0))
    off_pt = at(zar.lat, zar.lon, 180.0, 28_000.0)
    on_pt = at(zar.lat, zar.lon, 160.0, 30_000.0)
    # 10 kn south for 50 min (15.4 km): the last fix is at off_pt
    leg_in = track(8, T0, *at(*off_pt, 0.0, 15_433.0), n=6, speed_kn=10.0, course=180.0)
    back = track(8, T0 + timedelta(hours=40), *on_pt, n=6, speed_kn=10.0, first_row=50)
    short = track(9, T0, *at(*off_pt, 0.0, 15_433.0), n=6, speed_kn=10.0, course=180.0)
    short_back = track(9, T0 + timedelta(hours=8), *on_pt, n=6, speed_kn=10.0, first_row=50)
    rows = rows_of(concat(leg_in, back, short, short_back), g)
    gaps = sorted(of(rows, "gap"), key=lambda r: -r["details"]["hours"])
    long_gap, short_gap = gaps[0]["details"], gaps[1]["details"]
    assert long_gap["off_port"] == "ZARUBINO" and 25 <= long_gap["off_port_km"] <= 32
    assert long_gap["on_port"] == "ZARUBINO" and 25 <= long_gap["on_port_km"] <= 32
    assert long_gap["starts_in_port"] is False
    assert "RAJIN" in long_gap["reachable_ports"]
    # nearest detour first: Zarubino itself, Rajin later
    assert long_gap["reachable_ports"][0] == "ZARUBINO"
    # 8 h is too short to reach Rajin (about 2 x 45 nm at 16 kn) and stay 6 h
    assert "RAJIN" not in short_gap["reachable_ports"]


def test_a_preset_with_a_confidence_on_gfw_s_1_to_4_scale_is_refused(tmp_path: Path):
    from darkcargo.errors import ConfigError

    path = tmp_path / "old.toml"
    path.write_text(
        '[preset]\nname = "old"\nextends = "gfw"\n[port_call]\nmin_confidence_reported = 3\n'
    )
    with pytest.raises(ConfigError, match="0-1 confidence scale"):
        load_preset(path)


def test_a_rail_crossing_is_never_a_ports_stand_in():
    """The case's Tumangang-Khasan rail bridge is a place, not a port: a ship that goes dark
    beside it gets the nearest real port named, and no call or stop is placed at the bridge."""
    case = load_case("dprk_russia")
    bridge = {p.id: p for p in case.ports}["TUMANGANG_KHASAN"]
    g = GeoContext.build(list(case.ports), shore_km=lambda la, lo: np.full(np.shape(la), 5.0))
    assert "TUMANGANG_KHASAN" not in g.port_ids and "RAJIN" in g.port_ids
    lat, lon = at(bridge.lat, bridge.lon, 135.0, 1500.0)  # 1.5 km off the bridge, inside its radius
    moored = track(8, T0, lat, lon, n=48, speed_kn=0.0)  # 8 h stationary
    later = track(8, T0 + timedelta(hours=40), lat, lon, n=12, speed_kn=0.0, first_row=100)
    rows = rows_of(concat(moored, later), g)
    assert of(rows, "port_call") == [] and of(rows, "port_presence") == []
    (gap,) = of(rows, "gap")
    assert gap["details"]["off_port"] != "TUMANGANG_KHASAN"
    assert all(r["port"] != "TUMANGANG_KHASAN" for r in rows)


def test_a_gap_far_from_every_port_names_none():
    """A gap off California with only the case's Sea of Japan ports: no "nearest port" ten
    thousand kilometres away; the ends are described by their distance from shore instead."""
    case = load_case("dprk_russia")
    g = GeoContext.build(list(case.ports), shore_km=lambda la, lo: np.full(np.shape(la), 30.0))
    before = track(9, T0, 34.0, -121.0, n=24, speed_kn=10.0)
    after = track(9, T0 + timedelta(hours=30), 34.5, -122.0, n=12, speed_kn=10.0, first_row=100)
    (gap,) = of(rows_of(concat(before, after), g), "gap")
    d = gap["details"]
    assert (d["off_port"], d["off_port_km"], d["on_port"], d["on_port_km"]) == (None,) * 4
    assert d["reachable_ports"] == [] and d["starts_in_port"] is False
