"""Detector kernels on small hand-built tracks."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from helpers import PORT, T0, concat, geo, track, ts_us

from darkcargo.events.detect import BatchResult, detect_batch
from darkcargo.events.kernels.encounters import detect_encounters
from darkcargo.events.kernels.identity import detect_identity_changes
from darkcargo.events.params import load_preset

GFW = load_preset("gfw")
SENSITIVE = load_preset("sensitive")


def run(cols, preset=GFW, g=None) -> tuple[BatchResult, list[dict]]:
    g = g or geo()
    res = detect_batch(cols, preset, g)
    ev = res.events
    ev.extend(detect_encounters(res.candidates, preset.encounter, g))
    rows = [
        {
            "kind": ev.kind[i],
            "mmsi": ev.mmsi[i],
            "other": ev.other_mmsi[i],
            "start": ev.start_ts[i],
            "end": ev.end_ts[i],
            "port": ev.port_id[i],
            "conf": ev.confidence[i],
            "details": json.loads(ev.details[i]),
            "evidence": json.loads(ev.evidence[i]),
        }
        for i in range(len(ev))
    ]
    return res, rows


def kinds(rows, kind):
    return [r for r in rows if r["kind"] == kind]


def test_gap_across_midnight_is_one_event_with_ends_and_speed():
    a = track(111, T0 + timedelta(hours=20), 40.0, 133.0, n=12, speed_kn=10)
    b = track(111, T0 + timedelta(hours=32), 40.0, 134.0, n=5, speed_kn=10, first_row=13)
    _, rows = run(concat(a, b))
    gaps = kinds(rows, "gap")
    assert len(gaps) == 1
    g = gaps[0]
    assert g["start"] == ts_us(T0 + timedelta(hours=21, minutes=50))
    assert g["end"] == ts_us(T0 + timedelta(hours=32))
    assert g["details"]["hours"] == pytest.approx(10.167, abs=1e-3)
    assert g["details"]["implied_speed_kn"] > 0
    assert g["details"]["start_shore_km"] == 100.0
    assert g["evidence"] == {"source_rows": [[1, 12, 13]], "n_positions": 2}


def test_intentional_disabling_needs_offshore_and_good_reception():
    a = track(111, T0, 40.0, 133.0, minutes=5, n=150, speed_kn=10)
    b = track(111, T0 + timedelta(hours=30), 40.0, 134.5, n=5, speed_kn=10)
    _, far = run(concat(a, b), g=geo(shore_km=200.0))
    _, near = run(concat(a, b), g=geo(shore_km=30.0))
    assert kinds(far, "gap")[0]["details"]["intentional_disabling"] is True
    assert kinds(near, "gap")[0]["details"]["intentional_disabling"] is False
    # near-shore mode (sensitive) flags the coastal leg
    _, sens = run(concat(a, b), SENSITIVE, geo(shore_km=30.0))
    g = kinds(sens, "gap")[0]["details"]
    assert g["coastal_leg"] is True and g["intentional_disabling"] is True


def test_a_satellite_feed_s_fix_every_13_hours_gives_gaps_of_confidence_0_1():
    # one fix every 13 h (a satellite snapshot feed): every silence is the feed's rate
    fixes = [track(222, T0 + timedelta(hours=13 * k), 40.0, 133.0 + 0.5 * k, n=1) for k in range(4)]
    _, rows = run(concat(*fixes))
    gaps = kinds(rows, "gap")
    assert len(gaps) == 3
    assert [g["conf"] for g in gaps] == pytest.approx([0.1, 0.1, 0.1])
    assert all(g["details"]["sparse_track"] and g["details"]["prior_positions"] == 1 for g in gaps)
    # one more fix 6 h before the first silence: reception was poor, not absent (0.5, as before)
    early = track(222, T0 - timedelta(hours=6), 40.0, 132.8, n=1)
    _, rows = run(concat(early, *fixes))
    first = kinds(rows, "gap")[1]
    assert first["details"]["prior_positions"] == 2 and first["details"]["sparse_track"] is False
    assert first["conf"] == 0.5


def test_short_silence_is_not_a_gap():
    a = track(111, T0, 40.0, 133.0, n=5, speed_kn=10)
    b = track(111, T0 + timedelta(hours=5), 40.0, 133.3, n=5, speed_kn=10)
    _, rows = run(concat(a, b))
    assert kinds(rows, "gap") == []


def test_port_call_with_entry_stop_exit_has_full_confidence():
    inbound = track(222, T0, 42.25, 130.20, n=6, speed_kn=6, course=90)  # enters ~3 km out
    stay = track(222, T0 + timedelta(hours=1), 42.25, 130.30, n=30, speed_kn=0)
    out = track(222, T0 + timedelta(hours=6), 42.25, 130.30, n=12, speed_kn=8, course=90)
    _, rows = run(concat(inbound, stay, out))
    calls = kinds(rows, "port_call")
    assert len(calls) == 1
    c = calls[0]
    assert c["port"] == PORT.id and c["conf"] == 1.0  # GFW's level 4
    assert c["details"]["entry"] and c["details"]["exit"] and c["details"]["stop"]


def test_vessel_that_never_moves_in_port_has_one_call_without_entry_or_exit():
    _, rows = run(track(333, T0, 42.25, 130.30, n=200, speed_kn=0))
    calls = kinds(rows, "port_call")
    assert len(calls) == 1
    assert calls[0]["conf"] == 0.75  # a stop, but no entry or exit seen (GFW's level 3)
    assert kinds(rows, "loitering") == [] and kinds(rows, "gap") == []


def test_passing_through_without_stopping_is_a_presence_not_a_call():
    _, rows = run(track(444, T0, 42.25, 130.20, n=30, minutes=5, speed_kn=8, course=90))
    assert kinds(rows, "port_call") == []
    pres = kinds(rows, "port_presence")
    assert [(p["port"], p["conf"]) for p in pres] == [(PORT.id, 0.25)]
    assert pres[0]["details"]["why_not_a_call"] == "no stop and no AIS-off in port"


def test_encounter_offshore_pairs_two_vessels_once():
    b = track(555, T0, 41.0, 132.0, n=20, speed_kn=0.3)
    c = track(666, T0, 41.0027, 132.0, n=20, speed_kn=0.3)  # 300 m north
    _, rows = run(concat(b, c))
    enc = kinds(rows, "encounter")
    assert len(enc) == 1
    e = enc[0]
    assert (e["mmsi"], e["other"]) == (555, 666)
    assert e["details"]["hours"] >= 2.0
    assert 250 < e["details"]["median_distance_m"] < 350
    # sensitive preset: 250 m is too far
    _, sens = run(concat(b, c), SENSITIVE)
    assert kinds(sens, "encounter") == []


def test_an_encounter_nearer_the_shore_than_a_km_may_be_a_harbour_and_scores_0_5():
    # the review of real AIS (Puerto Banus marina, the Puttgarden ferry berth): moored side by
    # side in harbours the World Port Index lacks, at confidence 1.0
    b = track(555, T0, 41.0, 132.0, n=60, speed_kn=0.0)
    c = track(666, T0, 41.0027, 132.0, n=60, speed_kn=0.0)
    (moored,) = kinds(run(concat(b, c), g=geo(shore_km=0.0))[1], "encounter")
    assert moored["conf"] == 0.5 and moored["details"]["near_shore"] is True
    assert moored["details"]["shore_km"] == 0.0
    (at_sea,) = kinds(run(concat(b, c), g=geo(shore_km=25.0))[1], "encounter")
    assert at_sea["conf"] == 1.0 and at_sea["details"]["near_shore"] is False
    assert at_sea["details"]["close_share"] == 1.0


def test_a_ferry_at_its_berth_mate_20_minutes_an_hour_is_no_encounter():
    # the review of real AIS (DEUTSCHLAND at Puttgarden, 1 Apr 2018): close 7 of 49 slots while
    # the ferry made four round trips at 15 kn, joined into one 8 h encounter
    moored = track(555, T0, 41.0, 132.0, n=60, speed_kn=0.0)
    ferry = track(666, T0, 41.0027, 132.0, n=60, speed_kn=0.0)
    away = np.arange(60) % 6 >= 2  # 20 min at the berth, 40 min out and back, every hour
    ferry["lat"] = np.where(away, 41.05, ferry["lat"])
    ferry["sog"] = np.where(away, 15.0, 0.0)
    assert kinds(run(concat(moored, ferry))[1], "encounter") == []


def test_an_encounter_goes_on_across_silences_of_both_vessels():
    # two vessels side by side reporting for an hour every three hours (a silence longer than
    # the 1 h the resampling bridges): no sample of either in between, so nothing says they
    # parted, and the hour-long runs make one encounter
    def bursts(mmsi: int, lat: float) -> dict:
        return concat(
            *(
                track(mmsi, T0 + timedelta(hours=3 * k), lat, 132.0, n=7, first_row=100 * k)
                for k in range(4)
            )
        )

    (e,) = kinds(run(concat(bursts(555, 41.0), bursts(666, 41.0027)))[1], "encounter")
    assert (e["start"], e["end"]) == (ts_us(T0), ts_us(T0 + timedelta(hours=10)))
    assert e["details"]["n_slots"] == 28 and e["details"]["close_share"] == round(28 / 61, 3)


def test_no_encounter_or_loitering_inside_a_port():
    b = track(555, T0, 42.25, 130.30, n=30, speed_kn=0)
    c = track(666, T0, 42.2509, 130.30, n=30, speed_kn=0)
    _, rows = run(concat(b, c), g=geo(shore_km=100.0))
    assert kinds(rows, "encounter") == [] and kinds(rows, "loitering") == []


def test_short_meeting_or_fast_pass_is_not_an_encounter():
    b = track(555, T0, 41.0, 132.0, n=8, speed_kn=0.3)  # 70 min only
    c = track(666, T0, 41.0027, 132.0, n=8, speed_kn=0.3)
    _, rows = run(concat(b, c))
    assert kinds(rows, "encounter") == []
    f1 = track(555, T0, 41.0, 132.0, n=20, speed_kn=10)
    f2 = track(666, T0, 41.0027, 132.0, n=20, speed_kn=10)
    _, rows = run(concat(f1, f2))
    assert kinds(rows, "encounter") == []


def test_loitering_requires_offshore():
    slow = track(777, T0, 40.0, 135.0, n=20, speed_kn=1.0)
    _, far = run(slow, g=geo(shore_km=60.0))
    _, near = run(slow, g=geo(shore_km=10.0))
    lo = kinds(far, "loitering")
    assert len(lo) == 1 and lo[0]["details"]["mean_speed_kn"] == pytest.approx(1.0, abs=0.05)
    assert kinds(near, "loitering") == []


def test_out_of_order_duplicate_and_nan_positions_are_harmless():
    a = track(888, T0, 40.0, 133.0, n=20, speed_kn=10)
    cols = {k: v.copy() for k, v in a.items()}
    rng = np.random.default_rng(1)
    perm = rng.permutation(20)
    cols = {k: np.concatenate([v[perm], v[:5]]) for k, v in cols.items()}  # shuffled + 5 dups
    cols["lat"][3] = np.nan
    res, rows = run(cols)
    assert rows == [] or all(r["kind"] != "spoof_jump" for r in rows)
    assert res.segments["n_positions"] == [19]  # 20 unique, one NaN


def test_single_point_and_empty_batch():
    res, rows = run(track(999, T0, 40.0, 133.0, n=1))
    assert rows == [] and res.segments["n_positions"] == [1]
    empty = {k: v[:0] for k, v in track(999, T0, 40.0, 133.0, n=1).items()}
    res, rows = run(empty)
    assert rows == [] and res.segments["segment_id"] == []


def test_spoof_jump_is_marked_and_removed_from_the_track():
    a = track(121, T0, 40.0, 133.0, n=30, speed_kn=10)
    jump = {k: v[10:11].copy() for k, v in a.items()}
    jump["lat"] = jump["lat"] + 2.0  # 220 km away for one message
    jump["ts"] = jump["ts"] + 60_000_000
    res, rows = run(concat(a, jump))
    sj = kinds(rows, "spoof_jump")
    assert len(sj) == 1
    assert sj[0]["details"]["jump_km"] == pytest.approx(222.4, abs=1.0)
    assert kinds(rows, "shared_mmsi") == []
    assert res.segments["n_positions"] == [30]


def test_one_fix_that_leaves_and_comes_back_is_the_jump_not_the_berth():
    """GFW track 245341000 at Büsum: one fix 11.4 km south after a 12-minute silence (taken
    into the segment by its allowance), back at the berth 50 s later. The glitch is the jump
    (noise, located where it was), not the berth."""
    berth = track(161, T0, 54.1265, 8.8601, n=40)
    glitch = track(161, T0 + timedelta(minutes=402), 54.0236, 8.8601, n=1, first_row=41)
    back = track(161, T0 + timedelta(minutes=402, seconds=50), 54.1265, 8.8601, n=40, first_row=42)
    res, rows = run(concat(berth, glitch, back))
    (sj,) = kinds(rows, "spoof_jump")
    assert sj["details"]["mode"] == "jump" and sj["details"]["n_positions"] == 1
    assert sj["evidence"]["source_rows"] == [[1, 41, 41]] and sj["conf"] == 1.0
    assert sj["details"]["implied_speed_kn"] > 400  # back to the berth in 50 s
    assert len(set(res.segments["track_id"])) == 1


def test_a_move_faster_than_any_ship_across_a_long_silence_is_flagged():
    """GFW track 111111222 (ClaireGerm/LBBG_AIS): at Busan, then at Nouadhibou five days later,
    12,838 km at 58 kn. A silence longer than segment.max_hours no longer hides it."""
    busan = track(141, T0, 35.08, 129.10, n=30)
    nouadhibou = track(141, T0 + timedelta(hours=120), 20.90, -17.03, n=30, first_row=31)
    _, rows = run(concat(busan, nouadhibou))
    (sj,) = kinds(rows, "spoof_jump")
    assert sj["details"]["mode"] == "impossible_move" and sj["conf"] == 0.5
    assert sj["details"]["implied_speed_kn"] == pytest.approx(60.2, abs=0.5)  # 115 h apart
    # the same two places a month apart: 9 kn, a voyage, not an anomaly
    later = track(141, T0 + timedelta(days=33), 20.90, -17.03, n=30, first_row=31)
    _, rows = run(concat(busan, later))
    assert kinds(rows, "spoof_jump") == []


def test_a_silence_crossed_impossibly_fast_is_no_gap():
    """GFW track 244810070: after a jump to the South Pacific, the fix back at Harlingen 12 h
    later implies 783 kn: a wrong position, reported by the spoof detector, not a dark gap."""
    home = track(151, T0, 53.17, 5.41, n=30)
    away = track(151, T0 + timedelta(hours=8), -32.09, 169.69, n=40, first_row=31)
    back = track(151, T0 + timedelta(hours=26), 53.17, 5.41, n=30, first_row=71)
    _, rows = run(concat(home, away, back))
    assert all(g["details"]["implied_speed_kn"] < 50 for g in kinds(rows, "gap"))
    assert kinds(rows, "spoof_jump") or kinds(rows, "shared_mmsi")  # the excursion is reported


def test_shared_mmsi_gives_two_tracks_not_spoofing():
    a = track(131, T0, 40.0, 133.0, n=40, speed_kn=10)
    b = track(131, T0 + timedelta(minutes=3), 35.0, 125.0, n=40, speed_kn=10)
    res, rows = run(concat(a, b))
    assert len(set(res.segments["track_id"])) == 2
    assert kinds(rows, "spoof_jump") == []
    assert len(kinds(rows, "shared_mmsi")) == 1


def test_identity_changes_name_callsign_and_imo_reflag():
    mmsi = np.array([273210440, 273210440, 273210440, 273210440, 613000001], np.int64)
    ts = np.array([ts_us(T0 + timedelta(hours=h)) for h in (0, 1, 2, 3, 48)], np.int64)
    cols = {
        "name": ["ANGARA", "angara ", None, "LADY R", "LADY R"],
        "callsign": ["UBYT2", "UBYT2", "UBYT2", "UBYT2", "XXX1"],
        "imo": [9179842, 9179842, None, 9179842, 9179842],
        "ship_type": [70, 70, 70, 70, 70],
    }
    ev = detect_identity_changes(
        mmsi, ts, cols, np.ones(5, np.int64), np.arange(1, 6), GFW.identity
    )
    got = sorted(
        (ev.mmsi[i], ev.other_mmsi[i] or 0, json.loads(ev.details[i])["field"])
        for i in range(len(ev))
    )
    # the move to a new MMSI is recorded under the MMSI left, once per changed attribute
    assert got == [
        (273210440, 0, "name"),
        (273210440, 613000001, "callsign"),
        (273210440, 613000001, "flag"),
    ]


def test_identity_flipping_between_two_names_is_not_a_change():
    # two boats sharing one MMSI: names alternate for days
    n = 40
    mmsi = np.full(n, 440613329, np.int64)
    ts = np.array([ts_us(T0 + timedelta(hours=3 * k)) for k in range(n)], np.int64)
    names = ["SEO JIN 81HO" if k % 2 == 0 else "SAM HO 104HO" for k in range(n)]
    cols = {"name": names, "callsign": [None] * n, "imo": [None] * n, "ship_type": [None] * n}
    ev = detect_identity_changes(mmsi, ts, cols, np.ones(n, np.int64), np.arange(n), GFW.identity)
    assert len(ev) == 0


def test_identity_move_without_other_changes_is_an_mmsi_change():
    mmsi = np.array([273210440, 273210441], np.int64)
    ts = np.array([ts_us(T0), ts_us(T0 + timedelta(days=2))], np.int64)
    cols = {
        "name": ["A", "A"],
        "callsign": ["X", "X"],
        "imo": [9179842, 9179842],
        "ship_type": [70, 70],
    }
    ev = detect_identity_changes(mmsi, ts, cols, np.ones(2, np.int64), np.arange(2), GFW.identity)
    assert [json.loads(d)["field"] for d in ev.details] == ["mmsi"]
    assert ev.mmsi == [273210440] and ev.other_mmsi == [273210441]
