"""Event details written as sentences (report and page share the rules)."""

from __future__ import annotations

from typing import Any

import pytest

from darkcargo.report.describe import describe_event, event_place, fixed

# Rows shaped like the detectors' output, plus the keys the next detectors add (gap ends with
# their nearest ports, reachable watched ports, port calls' departure bounds, stops).
SAMPLES: list[tuple[dict[str, Any], str]] = [
    (
        {
            "kind": "port_call",
            "port_id": "RAJIN",
            "details": {
                "entry": False,
                "exit": True,
                "stop": True,
                "port_gap": False,
                "hours": 31.5,
                "stop_start": None,
                "stop_end": None,
            },
        },
        "In port at RAJIN for 31.5 h; seen: a stop and exit.",
    ),
    (
        {
            "kind": "port_call",
            "port_id": "DUNAI",
            "details": {
                "entry": True,
                "exit": False,
                "stop": False,
                "port_gap": True,
                "hours": 50.25,
                "ais_off_in_port": True,
                "left_after": "2023-09-07T10:00:00Z",
                "left_before": "2023-09-08T02:30:00Z",
            },
        },
        "In port at DUNAI for 50.3 h; seen: entry; AIS silent for hours inside the port; AIS "
        "went off in port; left between 2023-09-07 10:00 UTC and 2023-09-08 02:30 UTC.",
    ),
    (
        {
            "kind": "gap",
            "details": {
                "hours": 20.0,
                "distance_km": 85.4,
                "implied_speed_kn": 2.31,
                "start_port": "ZARUBINO",
                "start_port_km": 25.3,
                "end_port": "DUNAI",
                "end_port_km": 4.46,
                "intentional_disabling": True,
                "coastal_leg": True,
                "prior_positions": 40,
                "start_shore_km": 3.0,
                "end_shore_km": 1.0,
            },
        },
        "AIS silent for 20.0 h over 85 km (2.3 kn implied); went off 25 km from ZARUBINO; came "
        "back 4.5 km from DUNAI; flagged as likely intentional disabling.",
    ),
    (
        {
            "kind": "gap",
            "details": {
                "hours": 61.0,
                "distance_km": 180.0,
                "implied_speed_kn": 1.6,
                "start_port": "ZARUBINO",
                "start_port_km": 30.0,
                "off_port": "RAJIN",
                "off_port_km": 0.8,
                "starts_in_port": True,
                "on_port": "VOSTOCHNY",
                "on_port_km": 12.0,
                "reachable_ports": ["DUNAI", "VOSTOCHNY"],
                "coastal_leg": True,
            },
        },
        "AIS silent for 61.0 h over 180 km (1.6 kn implied); went off in port at RAJIN; came "
        "back 12 km from VOSTOCHNY; could have reached DUNAI, VOSTOCHNY; on a near-shore leg.",
    ),
    (
        {
            "kind": "encounter",
            "other_mmsi": 273000001,
            "details": {
                "hours": 3.5,
                "median_distance_m": 121.4,
                "median_speed_kn": 1.2,
                "other_median_speed_kn": 0.8,
                "n_slots": 21,
                "other_segment": "s-2",
            },
        },
        "Within 121 m (median) of MARIA (273000001) for 3.5 h, moving at 1.2 and 0.8 kn.",
    ),
    (
        {
            "kind": "loitering",
            "details": {
                "hours": 5.0,
                "mean_speed_kn": 0.84,
                "min_shore_km": 45.2,
                "n_positions": 412,
            },
        },
        "Slow (0.8 kn mean) for 5.0 h, at least 45 km from shore (412 positions).",
    ),
    (
        {
            "kind": "identity_change",
            "details": {
                "field": "name",
                "old": "ANGARA",
                "new": "LAURA",
                "imo": 9179842,
                "old_mmsi": 273210440,
                "new_mmsi": 273210440,
            },
        },
        "Name changed from ANGARA to LAURA.",
    ),
    (
        {
            "kind": "identity_change",
            "details": {
                "field": "mmsi",
                "old": 273210440,
                "new": 273999999,
                "imo": 9179842,
                "old_mmsi": 273210440,
                "new_mmsi": 273999999,
            },
        },
        "Moved from MMSI 273210440 to 273999999 (IMO 9179842).",
    ),
    (
        {
            "kind": "spoof_jump",
            "details": {
                "jump_km": 350.2,
                "implied_speed_kn": 912.4,
                "n_positions": 3,
                "mode": "jump",
                "host_segment": "a",
            },
        },
        "Position jumped 350 km (912 kn implied) for 3 positions, then returned to the track.",
    ),
    (
        {
            "kind": "spoof_jump",
            "details": {
                "jump_km": 7.25,
                "implied_speed_kn": 80.0,
                "mode": "teleport",
                "from_segment": "b",
            },
        },
        "Track teleported 7.3 km (80 kn implied) between two segments of one MMSI.",
    ),
    (
        {
            "kind": "spoof_jump",
            "details": {
                "jump_km": 12837.7,
                "implied_speed_kn": 51.1,
                "hours": 135.5,
                "mode": "impossible_move",
                "from_segment": "c",
            },
        },
        "Seen again 12838 km away 136 h later (51 kn implied): faster than any ship (two "
        "vessels on one MMSI, or a false position).",
    ),
    (
        {
            "kind": "spoof_jump",
            "details": {
                "jump_km": 11.4,
                "implied_speed_kn": 444.7,
                "n_positions": 1,
                "mode": "jump",
            },
        },
        "Position jumped 11 km (445 kn implied) for 1 position, then returned to the track.",
    ),
    (
        {"kind": "shared_mmsi", "details": {"segments": ["a", "b"], "overlap_hours": 25.34}},
        "Two transmitters on one MMSI: tracks overlap for 25.3 h.",
    ),
    (
        {
            "kind": "stop",
            "details": {"hours": 12.0, "nearest_port": "VOSTOCHNY", "nearest_port_km": 35.0},
        },
        "Stopped for 12.0 h, 35 km from VOSTOCHNY (nearest port).",
    ),
    (
        {
            "kind": "loitering",
            "details": {"hours": 2.0, "mean_speed_kn": 1.0, "wind_kn": 30.5, "daylight": False},
        },
        "Slow (1.0 kn mean) for 2.0 h. Also: daylight: no; wind kn: 30.5.",
    ),
    (
        {"kind": "bunkering", "details": {"tanker": "X", "litres": 1200, "night": True}},
        "litres: 1200; night: yes; tanker: X",
    ),
    (
        {
            "kind": "port_call",
            "port_id": "NLD_DEN_HELDER",
            "details": {
                "entry": True,
                "exit": True,
                "stop": True,
                "port_gap": True,
                "hours": 14855.25,
                "observed_hours": 12.5,
                "longest_silence_hours": 14842.75,
                "long_silence": True,
            },
        },
        "In port at NLD_DEN_HELDER for 14855.3 h; seen: entry, a stop and exit; AIS silent for "
        "hours inside the port; a silence of 14842.8 h in it, so the vessel may have left and "
        "come back.",
    ),
    (
        {
            "kind": "encounter",
            "other_mmsi": 273000001,
            "details": {
                "hours": 5.833,
                "median_distance_m": 212.0,
                "median_speed_kn": 0.0,
                "other_median_speed_kn": 0.1,
                "n_slots": 24,
                "close_share": 0.667,
                "shore_km": 0.0,
                "near_shore": True,
            },
        },
        "Within 212 m (median) of MARIA (273000001) for 5.8 h, moving at 0.0 and 0.1 kn; close "
        "in 67% of that time; 0.0 km from shore: perhaps moored in a harbour the ports file lacks.",
    ),
]


def label(mmsi: int) -> str:
    return {273000001: "MARIA (273000001)"}.get(mmsi, str(mmsi))


@pytest.mark.parametrize(("event", "sentence"), SAMPLES)
def test_each_kind_reads_as_a_sentence(event: dict[str, Any], sentence: str) -> None:
    assert describe_event(event, label) == sentence


def test_hours_fall_back_to_the_event_span() -> None:
    e = {
        "kind": "stop",
        "start_ts": "2023-09-05T00:00:00Z",
        "end_ts": "2023-09-05T06:30:00Z",
        "details": {},
    }
    assert describe_event(e) == "Stopped for 6.5 h."


def test_half_values_round_up_like_the_browser() -> None:
    assert fixed(20.25, 1) == "20.3" and fixed(0.5, 0) == "1" and fixed(2.675, 2) == "2.67"


def test_place_names_both_ends_of_a_gap() -> None:
    gap = SAMPLES[2][0]
    assert event_place(gap) == "ZARUBINO (25 km) → DUNAI (4.5 km)"
    assert event_place(SAMPLES[3][0]) == "RAJIN (in port) → VOSTOCHNY (12 km)"
    assert event_place(SAMPLES[0][0]) == "RAJIN"
    assert event_place(SAMPLES[13][0]) == "near VOSTOCHNY (35 km)"
    assert event_place({"kind": "gap", "details": {"end_port": "DUNAI"}}) == "on near DUNAI"
