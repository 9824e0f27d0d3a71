"""Shipments rule v1 on hand-made events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkcargo.config import load_case
from darkcargo.shipments.build import RuleParams, _Gap, build_shipments, reachable_origin
from darkcargo.sightings.load import query_arrow
from darkcargo.workspace import Workspace

from .conftest import ANGARA_MMSI, DUNAI, LADY_R_MMSI, OTHER_MMSI, VOSTOCHNY, day


def _shipments(path: Path) -> list[dict]:
    with Workspace(path, read_only=True) as ws:
        return query_arrow(ws, "SELECT * FROM shipments ORDER BY mmsi, arrive_ts").to_pylist()


def test_observed_and_inferred_shipments_from_hand_made_events(hand_workspace: Path) -> None:
    report = build_shipments(hand_workspace, load_case("dprk_russia"))
    assert report.vessels == {"ANGARA": [ANGARA_MMSI], "LADY R": [LADY_R_MMSI]}
    assert set(report.unmapped) == {"MARIA", "MAIA-1"}
    assert (report.shipments_observed, report.shipments_inferred) == (1, 3)
    rows = _shipments(hand_workspace)
    angara = [r for r in rows if r["mmsi"] == ANGARA_MMSI]
    assert [(r["origin_port"], r["destination_port"], r["inferred"]) for r in angara] == [
        ("RAJIN", "DUNAI", False),
        ("RAJIN", "VOSTOCHNY", True),
    ]
    assert angara[0]["imo"] == 9179842 and angara[0]["depart_ts"] == day(9, 4, 6)
    assert angara[0]["arrive_ts"] == day(9, 5)
    ev = json.loads(angara[1]["evidence"])
    assert ev["events"] == ["a4", "a5"] and ev["confidence"] == 0.6 and ev["rule"] == "v1"
    lady = [r for r in rows if r["mmsi"] == LADY_R_MMSI]
    assert [(r["origin_port"], r["arrive_ts"]) for r in lady] == [
        (None, day(3, 14)),
        ("RAJIN", day(3, 16)),
    ]
    assert json.loads(lady[0]["evidence"])["confidence"] == 0.3
    assert not any(r["mmsi"] == OTHER_MMSI for r in rows)
    # inferred trips point at their inferred origin call (or none when the origin is unknown)
    assert angara[0]["origin_call"] == "pc-a2" and angara[0]["destination_call"] == "pc-a3"
    assert angara[1]["origin_call"].startswith("ipc-")
    assert lady[0]["origin_call"] is None and lady[1]["origin_call"].startswith("ipc-")


def test_port_calls_keep_every_vessel_and_add_inferred_origin_calls(hand_workspace: Path) -> None:
    report = build_shipments(hand_workspace, load_case("dprk_russia"))
    with Workspace(hand_workspace, read_only=True) as ws:
        calls = query_arrow(ws, "SELECT * FROM port_calls ORDER BY arrival_ts").to_pylist()
    observed = [c for c in calls if c["kind"] == "observed"]
    inferred = [c for c in calls if c["kind"] == "inferred"]
    assert len(observed) == report.port_calls_observed == 8
    assert any(c["mmsi"] == OTHER_MMSI and c["port_id"] == "RAJIN" for c in observed)
    assert len(inferred) == report.port_calls_inferred == 2
    assert {c["port_id"] for c in inferred} == {"RAJIN"}
    assert all(c["arrival_ts"] < c["departure_ts"] for c in inferred)
    assert all(c["confidence"] == pytest.approx(0.6) for c in inferred)


def test_short_gap_cannot_hide_a_trip_to_an_origin_port(hand_workspace: Path) -> None:
    report = build_shipments(hand_workspace, load_case("dprk_russia"))
    # the 8 h Vostochny -> Nakhodka gap is too short for Rajin and back
    assert report.gaps_rejected == 1
    rows = _shipments(hand_workspace)
    assert not any(r["destination_port"] == "NAKHODKA" for r in rows)


def test_rebuilding_replaces_rows_and_records_the_rule(hand_workspace: Path) -> None:
    build_shipments(hand_workspace)
    build_shipments(hand_workspace)
    with Workspace(hand_workspace, read_only=True) as ws:
        assert ws.count("shipments") == 4
        assert ws.get_meta("shipments_rule") == "v1"
        assert ws.get_meta("shipments_params_hash") == RuleParams().hash()


def test_reachability_picks_the_shortest_detour() -> None:
    case = load_case("dprk_russia")
    origins = [(p, case.port(p).lat, case.port(p).lon) for p in case.origin_ports]
    gap = _Gap("g", day(9, 6), day(9, 8), DUNAI[0], DUNAI[1], VOSTOCHNY[0], VOSTOCHNY[1])
    origin = reachable_origin(gap, origins, RuleParams())
    assert origin is not None and origin.port == "RAJIN"
    assert gap.start < origin.arrive < origin.depart < gap.end  # type: ignore[operator]
    slow = reachable_origin(gap, origins, RuleParams(max_speed_kn=4.0))
    assert slow is None


def test_vessel_without_imo_in_the_case_is_matched_by_ais_name_and_flagged(
    hand_workspace: Path,
) -> None:
    from .conftest import statics_rows

    with Workspace(hand_workspace) as ws:
        ws.append("statics", statics_rows([(273555000, 9876543, "MAIA 1")]))
    report = build_shipments(hand_workspace, load_case("dprk_russia"))
    assert report.vessels["MAIA-1"] == [273555000]
    assert report.by_name_only == ["MAIA-1"] and report.unmapped == ["MARIA"]
    assert any("AIS name only" in n for n in report.notes)
    # a ship whose IMO is in the case is never matched by name: OTHER_MMSI is also "ANGARA"
    assert report.vessels["ANGARA"] == [ANGARA_MMSI]


def test_a_dark_trip_after_ais_off_in_port_is_still_found(tmp_path: Path) -> None:
    """A Dunai call whose AIS went off at the pier ends when the ship left at the latest; the
    trip hidden in that silence (to Rajin, then Vostochny) still makes an inferred shipment."""
    from .conftest import event, events_table, statics_rows

    call = event(
        "d1", "port_call", ANGARA_MMSI, day(9, 5), day(9, 8), port="DUNAI", confidence=0.75
    )
    call["details"] = json.dumps(
        {"ais_off_in_port": True, "left_after": "2023-09-05T12:00:00", "left_before": "x"}
    )
    rows = [
        call,
        event("g1", "gap", ANGARA_MMSI, day(9, 5, 12), day(9, 8, 6), pos0=DUNAI, pos1=VOSTOCHNY),
        event("v1", "port_call", ANGARA_MMSI, day(9, 8, 8), day(9, 9), port="VOSTOCHNY"),
    ]
    path = tmp_path / "off.duckdb"
    with Workspace(path) as ws:
        ws.append("statics", statics_rows([(ANGARA_MMSI, 9179842, "ANGARA")]))
        ws.append("events", events_table(rows))
    build_shipments(path, load_case("dprk_russia"))
    got = _shipments(path)
    assert [(r["origin_port"], r["destination_port"], r["inferred"]) for r in got] == [
        ("RAJIN", "VOSTOCHNY", True)
    ]
    assert json.loads(got[0]["evidence"])["events"] == ["g1", "v1"]
    with Workspace(path, read_only=True) as ws:
        dunai = query_arrow(ws, "SELECT * FROM port_calls WHERE port_id = 'DUNAI'").to_pylist()
    assert dunai[0]["confidence"] == pytest.approx(0.75)  # the event's 0-1 confidence, as is
    assert json.loads(dunai[0]["evidence"])["left_after"] == "2023-09-05T12:00:00"
