"""Dark port-call inference on hand-built silences: reachability by sea, corroboration, evidence."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from darkcargo.config import load_case
from darkcargo.errors import ConfigError
from darkcargo.geo.distance import NM_M, haversine_m
from darkcargo.sar.schema import SAR_SCENES
from darkcargo.shipments.infer import InferReport, infer
from darkcargo.shipments.kernels import reachable
from darkcargo.shipments.params import load_infer_preset
from darkcargo.sightings.load import query_arrow
from darkcargo.workspace import Workspace

from .conftest import (
    ANGARA_IMO,
    ANGARA_MMSI,
    EAST_OF_RAJIN,
    EAST_OF_RAJIN_2,
    LADY_R_IMO,
    LADY_R_MMSI,
    RAJIN,
    detections_table,
    event,
    events_table,
    positions_table,
    statics_rows,
)

T0 = datetime(2023, 9, 6, 12)
CASE = load_case("dprk_russia")


def _workspace(
    path: Path,
    gaps: list[tuple[str, datetime, datetime, tuple[float, float], tuple[float, float]]],
    *,
    courses: tuple[float, float] | None = (254.0, 73.0),
    extra_events: list[dict[str, Any]] | None = None,
    extra_positions: list[tuple[int, datetime, float, float, float, float]] | None = None,
) -> Path:
    """ANGARA (120 m in the case file) with the given gaps; a fix at each gap end carries
    `courses` (the course where AIS went off, and where it came back) at 12 kn."""
    rows = [event(eid, "gap", ANGARA_MMSI, a, b, pos0=p0, pos1=p1) for eid, a, b, p0, p1 in gaps]
    fixes = list(extra_positions or [])
    if courses is not None:
        for _, a, b, p0, p1 in gaps:
            fixes.append((ANGARA_MMSI, a, p0[0], p0[1], 12.0, courses[0]))
            fixes.append((ANGARA_MMSI, b, p1[0], p1[1], 12.0, courses[1]))
    with Workspace(path) as ws:
        ws.append("statics", statics_rows([(ANGARA_MMSI, ANGARA_IMO, "ANGARA")]))
        ws.append("events", events_table(rows + (extra_events or [])))
        if fixes:
            ws.append("positions", positions_table(fixes))
    return path


def _inferred(path: Path) -> list[dict[str, Any]]:
    with Workspace(path, read_only=True) as ws:
        rows = query_arrow(
            ws, "SELECT * FROM port_calls WHERE kind = 'inferred' ORDER BY arrival_ts"
        ).to_pylist()
    for r in rows:
        r["evidence"] = json.loads(r["evidence"])
    return rows


DARK_TRIP = [("g1", T0, T0 + timedelta(hours=60), EAST_OF_RAJIN, EAST_OF_RAJIN_2)]


# -- reachability by sea ------------------------------------------------------------------------


def test_a_six_hour_gap_cannot_hide_a_call_200_nm_away(tmp_path: Path) -> None:
    # mid Sea of Japan: the nearest watched port (Vostochny) is ~200 nm away
    at, at2 = (39.5, 134.0), (39.45, 134.05)
    near_nm = min(haversine_m(*at, p.lat, p.lon) for p in CASE.ports if p.watched) / NM_M
    assert 190 <= near_nm <= 260
    six = _workspace(tmp_path / "six.duckdb", [("g6", T0, T0 + timedelta(hours=6), at, at2)])
    report = infer(six, CASE)
    assert report.candidates == 0 and _inferred(six) == []
    assert report.search.screened_out == report.search.pairs == 10  # 1 gap x 10 watched ports
    # the same place silent for 40 h: Vostochny is within reach (2 x ~200 nm at 16 kn + 6 h)
    forty = _workspace(tmp_path / "forty.duckdb", [("g40", T0, T0 + timedelta(hours=40), at, at2)])
    assert infer(forty, CASE).candidates >= 1
    # the kernel: 2 x 200 nm at 16 kn is 25 h, plus a 6 h stay
    d = np.array([200 * NM_M])
    t0 = np.array([0], np.int64)
    hours = np.array([6, 30, 31], np.int64) * 3_600_000_000
    got = [bool(reachable(t0, t0 + h, d, d, np.array([16.0]), 6.0)[0]) for h in hours]
    assert got == [False, False, True]


def test_a_port_reachable_only_across_land_is_rejected(tmp_path: Path) -> None:
    # off Chongjin on the east coast, 44 h silent: Nampo (west coast) is ~290 nm away across the
    # peninsula, so great-circle reachability (the gap's own reachable_ports) keeps it ...
    at, at2 = (41.55, 130.05), (41.50, 130.00)
    nampo = CASE.port("NAMPO")
    gc = np.array([float(haversine_m(*at, nampo.lat, nampo.lon))])
    t0 = np.array([0], np.int64)
    t1 = t0 + 44 * 3_600_000_000
    assert reachable(t0, t1, gc, gc, np.array([16.0]), 6.0)[0]
    path = _workspace(tmp_path / "ws.duckdb", [("g1", T0, T0 + timedelta(hours=44), at, at2)])
    report = infer(path, CASE)
    # ... but around Korea by sea it is ~900 nm: never a candidate
    calls = _inferred(path)
    assert calls and all(c["port_id"] != "NAMPO" for c in calls)
    assert all(a["port_id"] != "NAMPO" for c in calls for a in c["evidence"]["alternatives"])
    assert report.search.screened_out + report.search.rejected_by_sea >= 1
    with Workspace(path, read_only=True) as ws:
        chongjin_nampo = ws.scalar(
            "SELECT distance_m FROM sea_ports WHERE from_port = 'CHONGJIN' AND to_port = 'NAMPO'"
        )
    assert chongjin_nampo / NM_M > 3 * gc[0] / NM_M


def test_a_vessel_in_mid_pacific_produces_no_call(tmp_path: Path) -> None:
    gaps = [
        ("p1", T0, T0 + timedelta(days=5), (30.0, -160.0), (30.1, -160.2)),
        ("p2", T0 + timedelta(days=9), T0 + timedelta(days=20), (38.0, 150.0), (38.2, 151.0)),
    ]
    path = _workspace(tmp_path / "ws.duckdb", gaps)
    report = infer(path, CASE)
    assert report.gaps_considered == 2
    assert report.candidates == 0 and _inferred(path) == []


# -- corroboration --------------------------------------------------------------------------------


def _dark_trip(path: Path, **kw: Any) -> tuple[InferReport, dict[str, Any]]:
    _workspace(path, DARK_TRIP, **kw)
    report = infer(path, CASE)
    calls = _inferred(path)
    assert [c["port_id"] for c in calls] == ["RAJIN"]
    return report, calls[0]


def test_a_dark_trip_near_rajin_is_an_inferred_rajin_call_with_evidence(tmp_path: Path) -> None:
    report, call = _dark_trip(tmp_path / "ws.duckdb")
    ev = call["evidence"]
    assert 0.5 <= call["confidence"] < 0.95
    assert ev["events"] == ["g1"] and ev["window"] == "gap"
    assert call["preset"] == "infer" and call["params_hash"] == load_infer_preset().params_hash
    # the stay lies inside the silence, after sailing there
    assert T0 < call["arrival_ts"] < call["departure_ts"] < T0 + timedelta(hours=60)
    assert 42 <= ev["sea_nm_in"] <= 60 and 42 <= ev["sea_nm_out"] <= 60
    assert ev["terms"]["origin_port"] > 0 and ev["terms"]["heading"] > 1.5
    assert ev["terms"]["watched"] > 0 and ev["terms"]["idle"] > 2.0
    text = " ".join(ev["for"])
    assert "AIS off" in text and "course 254 deg" in text and "nm by sea" in text
    assert "RAJIN is an origin port of the case" in ev["for"]
    assert "60 h dark" in ev["summary"] and "to spare" in ev["summary"]
    # the nearer Russian ports are alternatives, less likely (the vessel headed for Rajin)
    alts = {a["port_id"]: a["confidence"] for a in ev["alternatives"]}
    assert {"POSYET", "ZARUBINO"} <= set(alts) and max(alts.values()) < call["confidence"]
    assert route_ends(ev) == (EAST_OF_RAJIN, EAST_OF_RAJIN_2)
    assert report.router.route_requests > 0


def route_ends(ev: dict[str, Any]) -> tuple[tuple[float, float], tuple[float, float]]:
    first, last = ev["route_in"][0], ev["route_out"][-1]
    return (first[0], first[1]), (last[0], last[1])


def _scene(path: Path, scene_id: str, ts: datetime, box: tuple[float, float, float, float]) -> None:
    row = {n: None for n in SAR_SCENES.names}
    row.update(
        scene_id=scene_id, ts=ts, lat_min=box[0], lat_max=box[1], lon_min=box[2], lon_max=box[3]
    )
    with Workspace(path) as ws:
        ws.append("sar_scenes", pa.Table.from_pylist([row], schema=SAR_SCENES))


def _target(path: Path, ts: datetime, length: float, at: tuple[float, float] = RAJIN) -> None:
    with Workspace(path) as ws:
        ws.append(
            "detections",
            detections_table(
                [
                    {
                        "scene_id": "S1",
                        "ts": ts,
                        "lat": at[0],
                        "lon": at[1],
                        "length_m": length,
                        "dark": True,
                        "detection_id": "S1#1",
                    }
                ]
            ),
        )


RAJIN_BOX = (42.15, 42.35, 130.15, 130.45)


def test_radar_raises_the_confidence_and_an_empty_scene_lowers_it(tmp_path: Path) -> None:
    _, plain = _dark_trip(tmp_path / "plain.duckdb")
    day2 = T0 + timedelta(hours=30)  # inside the stay (arrival ~+5 h, departure ~+55 h)
    # a dark 118 m target (ANGARA is 120 m) at the Rajin pier on day 2
    seen = tmp_path / "seen.duckdb"
    _workspace(seen, DARK_TRIP)
    _scene(seen, "S1", day2, RAJIN_BOX)
    _target(seen, day2, 118.0)
    infer(seen, CASE)
    radar = _inferred(seen)[0]
    assert radar["confidence"] > plain["confidence"] + 0.1
    assert radar["evidence"]["detections"] == ["S1#1"]
    assert any(
        "radar sees a dark 118 m target at RAJIN on 7 Sep 18:00 (day 2)" in s
        for s in radar["evidence"]["for"]
    )
    assert "radar sees a dark 118 m target" in radar["evidence"]["summary"]
    # the same scene covering the port and seeing nothing there
    empty = tmp_path / "empty.duckdb"
    _workspace(empty, DARK_TRIP)
    _scene(empty, "S1", day2, RAJIN_BOX)
    infer(empty, CASE)
    calls = _inferred(empty)
    # Rajin loses its place: no call written there (Chongjin, beyond it, is now as likely)
    assert not any(c["port_id"] == "RAJIN" for c in calls)
    # with a milder weight for an empty scene, Rajin stays the best, lowered, and says why
    mild = tmp_path / "mild.toml"
    mild.write_text(
        '[preset]\nname = "mild"\nextends = "infer"\n'
        "[score]\nradar_absent = -0.5\nmin_confidence = 0.0\n"
    )
    infer(empty, CASE, mild)
    rajin = _inferred(empty)[0]
    assert rajin["port_id"] == "RAJIN" and rajin["confidence"] < plain["confidence"] - 0.05
    assert any(
        "a radar scene of RAJIN on 7 Sep 18:00, inside the expected stay, shows no target there "
        "that could be it" in s
        for s in rajin["evidence"]["against"]
    )


@pytest.mark.parametrize(
    ("what", "length", "hours"),
    [("too short for ANGARA", 40.0, 30), ("before it could be there", 118.0, 1)],
)
def test_radar_targets_that_cannot_be_the_vessel_change_nothing(
    tmp_path: Path, what: str, length: float, hours: int
) -> None:
    _, plain = _dark_trip(tmp_path / "plain.duckdb")
    path = tmp_path / "ws.duckdb"
    _workspace(path, DARK_TRIP)
    _target(path, T0 + timedelta(hours=hours), length)
    infer(path, CASE)
    got = _inferred(path)[0]
    assert got["confidence"] == pytest.approx(plain["confidence"], abs=1e-6), what
    assert got["evidence"]["detections"] == []


def test_sightings_at_the_berth_and_elsewhere(tmp_path: Path) -> None:
    _, plain = _dark_trip(tmp_path / "plain.duckdb")
    from darkcargo.sightings.load import load_sightings

    for name, place, stamp in (
        ("here", "RAJIN", "2023-09-07T18:00:00"),
        ("there", "DUNAI", "2023-09-07T18:00:00"),
    ):
        path = tmp_path / f"{name}.duckdb"
        _workspace(path, DARK_TRIP)
        csv = tmp_path / f"{name}.csv"
        csv.write_text(
            "sighting_id,ts,place,kind,count,count_low,count_high,mmsi,imo,source\n"
            f"V1,{stamp},{place},vessel_at_berth,1,1,1,,{ANGARA_IMO},imagery\n"
        )
        load_sightings(csv, path)
        infer(path, CASE)
        calls = _inferred(path)
        assert [c["port_id"] for c in calls] == [place]
        assert calls[0]["confidence"] > 0.8 and calls[0]["evidence"]["sightings"] == ["V1"]
        assert f"sighted at the {place} berth on 7 Sep 18:00 (V1)" in calls[0]["evidence"]["for"]
        if name == "there":  # seen at Dunai during the silence: the dark call was there
            rajin = next(a for a in calls[0]["evidence"]["alternatives"] if a["port_id"] == "RAJIN")
            assert rajin["confidence"] < 0.1 < plain["confidence"] - 0.3


def test_a_silence_that_begins_and_ends_in_one_port_is_not_a_call_there(tmp_path: Path) -> None:
    vos = CASE.port("VOSTOCHNY")
    at = (vos.lat + 0.005, vos.lon)
    path = _workspace(
        tmp_path / "ws.duckdb", [("g1", T0, T0 + timedelta(hours=30), at, at)], courses=None
    )
    report = infer(path, CASE)
    assert report.search.excluded_same_port >= 1
    assert all(c["port_id"] != "VOSTOCHNY" for c in _inferred(path))


# -- radar-only trips ---------------------------------------------------------------------------


def test_a_dark_target_matching_a_silent_case_vessel_is_a_radar_only_call(tmp_path: Path) -> None:
    # ANGARA last reported leaving Dunai, then nothing: no gap, so only radar can tell
    last = datetime(2023, 9, 6, 0)
    fixes = [(ANGARA_MMSI, last - timedelta(hours=h), 42.7, 132.0, 12.0, 250.0) for h in (2, 1, 0)]
    path = _workspace(tmp_path / "ws.duckdb", [], extra_positions=fixes)
    image = last + timedelta(hours=40)
    _target(path, image, 122.0)
    report = infer(path, CASE)
    calls = _inferred(path)
    assert report.radar_windows == 1 and report.radar_only_calls == 1
    assert [c["port_id"] for c in calls] == ["RAJIN"]
    ev = calls[0]["evidence"]
    assert ev["window"] == "radar" and ev["detections"] == ["S1#1"] and ev["events"] == []
    assert "no AIS report in the 45 days after: where it went is unknown" in ev["against"]
    assert calls[0]["arrival_ts"] <= image <= calls[0]["departure_ts"]
    # a fix 2 h from the image elsewhere: ANGARA was not silent, the target is someone else
    seen = tmp_path / "seen.duckdb"
    more = [*fixes, (ANGARA_MMSI, image - timedelta(hours=2), 42.8, 133.0, 11.0, 90.0)]
    _workspace(seen, [], extra_positions=more)
    _target(seen, image, 122.0)
    assert infer(seen, CASE).radar_windows == 0 and _inferred(seen) == []
    # too far to have sailed there since its last fix (40 h -> 3 h)
    fast = tmp_path / "fast.duckdb"
    _workspace(fast, [], extra_positions=fixes)
    _target(fast, last + timedelta(hours=3), 122.0)
    assert _inferred(fast) == [] and infer(fast, CASE).port_calls_inferred == 0


# -- the run -------------------------------------------------------------------------------------


def test_rerunning_replaces_rows_and_records_the_rule(hand_workspace: Path) -> None:
    first = infer(hand_workspace, CASE)
    with Workspace(hand_workspace, read_only=True) as ws:
        before = query_arrow(ws, "SELECT call_id FROM port_calls ORDER BY call_id").to_pylist()
    second = infer(hand_workspace, CASE)
    with Workspace(hand_workspace, read_only=True) as ws:
        after = query_arrow(ws, "SELECT call_id FROM port_calls ORDER BY call_id").to_pylist()
        assert ws.get_meta("shipments_rule") == "infer-v1"
        assert ws.get_meta("shipments_params_hash") == load_infer_preset().params_hash
        hashes = query_arrow(ws, "SELECT DISTINCT params_hash FROM shipments").to_pylist()
    assert before == after and first.port_calls_inferred == second.port_calls_inferred == 3
    assert hashes == [{"params_hash": load_infer_preset().params_hash}]
    # the second run routed nothing: every route came from the workspace cache
    assert second.router.field_from_cache and second.router.routes_computed == 0
    assert second.router.hit_rate == 1.0


def test_max_speed_caps_what_is_reachable(tmp_path: Path) -> None:
    path = _workspace(tmp_path / "ws.duckdb", DARK_TRIP)
    assert infer(path, CASE).inferred_by_port == {"RAJIN": 1}
    # at 1.5 kn, ~48 nm to Rajin and ~50 nm back take 66 h: more than the 60 h silence
    slow = infer(path, CASE, max_speed_kn=1.5)
    assert "RAJIN" not in slow.inferred_by_port
    for c in _inferred(path):  # any nearer port it names fits at 2 kn
        ev = c["evidence"]
        assert ev["top_speed_kn"] == 1.5
        assert (ev["sea_nm_in"] + ev["sea_nm_out"]) / 1.5 + 6.0 <= 60.0


def test_a_user_preset_extends_the_built_in_one_and_changes_the_hash(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('[preset]\nname = "mine"\nextends = "infer"\n[score]\nradar_target = 5.0\n')
    mine = load_infer_preset(f)
    assert mine.score.radar_target == 5.0 and mine.score.base == load_infer_preset().score.base
    assert mine.params_hash != load_infer_preset().params_hash
    bad = tmp_path / "bad.toml"
    bad.write_text('[preset]\nname = "bad"\nextends = "infer"\n[score]\nradar = 1.0\n')
    with pytest.raises(ConfigError, match=r"bad\.toml.*unknown keys \['radar'\]"):
        load_infer_preset(bad)


def test_lady_r_hand_trips_and_other_vessels(hand_workspace: Path) -> None:
    report = infer(hand_workspace, CASE)
    assert report.vessels == {"ANGARA": [ANGARA_MMSI], "LADY R": [LADY_R_MMSI]}
    assert set(report.unmapped) == {"MARIA", "MAIA-1"}
    calls = _inferred(hand_workspace)
    assert {(c["mmsi"], c["port_id"]) for c in calls} == {
        (ANGARA_MMSI, "RAJIN"),
        (LADY_R_MMSI, "RAJIN"),
    }
    assert all(c["imo"] in (ANGARA_IMO, LADY_R_IMO) for c in calls)
    # the 8 h Vostochny -> Nakhodka gap is too short for any other port and back
    assert not any("a6" in c["evidence"]["events"] for c in calls)


def test_sanctioned_and_origin_calling_vessels_are_looked_at_too(hand_workspace: Path) -> None:
    from darkcargo.sanctions.schema import MATCHES

    row = {n: None for n in MATCHES.names}
    row.update(mmsi=222000333, imo=None, entry_id="OFAC_SDN:1", strength=1.0, kind="strong")
    weak = {**row, "mmsi": 222000444, "kind": "weak", "strength": 0.3}
    with Workspace(hand_workspace) as ws:
        ws.append("matches", pa.Table.from_pylist([row, weak], schema=MATCHES))
    report = infer(hand_workspace, CASE)
    assert report.suspicious == {
        222000333: "on a sanctions list (OFAC_SDN:1)",
        111000111: "called at RAJIN (1x on AIS)",
    }
