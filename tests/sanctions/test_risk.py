"""Vessel risk: each rule's points and the rows behind them, on a hand-made workspace."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from darkcargo.errors import ConfigError
from darkcargo.sanctions.load import load_list
from darkcargo.sanctions.risk import build_risk, load_preset
from darkcargo.workspace import Workspace, all_tables
from tests.sanctions.helpers import T0, build, event, positions, statics, table

V1, V2, V3A, V3B, V4, V5, V6 = (
    273000001,
    273000002,
    351000003,
    667000004,
    440000005,
    440000006,
    431000007,
)


def sample(tmp_path: Path) -> Path:
    ev = [
        # V1: two calls at RAJIN (confidence on the old 1-4 and the new 0-1 scale) ...
        event("c1", "port_call", V1, 0, 20, port_id="RAJIN", confidence=4.0),
        event("c2", "port_call", V1, 100, 120, port_id="RAJIN", confidence=0.5),
        # ... a gap 55 km from Rajin, long enough to go there and back, flagged disabling ...
        event(
            "g1",
            "gap",
            V1,
            200,
            248,
            lat=42.0,
            lon=130.9,
            end_lat=42.05,
            end_lon=130.95,
            details={"intentional_disabling": True},
            confidence=1.0,
        ),
        # ... a gap off Japan (no origin port in reach)
        event(
            "g2",
            "gap",
            V1,
            300,
            310,
            lat=38.0,
            lon=135.0,
            end_lat=38.1,
            end_lon=135.1,
            details={"intentional_disabling": False},
            confidence=0.5,
        ),
        # V2: a gap whose detector listed Rajin as reachable (the newer details field)
        event(
            "g3",  # ~130 km from Rajin, 12 h: too short at our 16 kn, the detector's speed allows
            "gap",
            V2,
            50,
            62,
            lat=41.5,
            lon=131.5,
            end_lat=41.5,
            end_lon=131.52,
            details={"reachable_ports": ["RAJIN", "NAMPO"]},
            confidence=0.5,
        ),
        # ... a stop 3 km from Rajin, not inside any port call (the newer `stop` kind)
        event(
            "s1",
            "stop",
            V2,
            400,
            420,
            details={"nearest_port": "RAJIN", "nearest_port_km": 3.0},
            confidence=0.9,
        ),
        # ... a long gap far off (Tsugaru) whose detector lists Rajin among reachable ports: too
        # far from Rajin at both ends to count
        event(
            "g5",
            "gap",
            V2,
            700,
            800,
            lat=41.5,
            lon=140.5,
            end_lat=41.6,
            end_lon=140.6,
            details={"reachable_ports": ["RAJIN"]},
            confidence=0.5,
        ),
        # ... seen at Rajin without a stay (a port_presence, confidence 0.25)
        event("pp1", "port_presence", V2, 900, 901, port_id="RAJIN", confidence=0.25),
        # V1 meets V2
        event("e1", "encounter", V1, 500, 504, other_mmsi=V2, confidence=1.0),
        # V3: reflagged (flag change under the old MMSI), renamed, one spoofed jump
        event(
            "i1",
            "identity_change",
            V3A,
            10,
            20,
            other_mmsi=V3B,
            details={"field": "flag", "old": 351, "new": 667, "imo": 9339301},
            confidence=1.0,
        ),
        event(  # the same reflag's new call sign: one act with i1
            "i3",
            "identity_change",
            V3A,
            10,
            20,
            other_mmsi=V3B,
            details={"field": "callsign", "old": "3EXX", "new": "9LXX", "imo": 9339301},
            confidence=1.0,
        ),
        event("i2", "identity_change", V3B, 30, 40, details={"field": "name"}, confidence=1.0),
        event("j1", "spoof_jump", V3B, 50, 51, confidence=1.0),
        # V4: a gap at sea, with radar scenes inside it
        event(
            "g4",
            "gap",
            V4,
            600,
            624,
            lat=37.0,
            lon=131.0,
            end_lat=37.2,
            end_lon=131.2,
            details={},
            confidence=0.5,
        ),
        # V5, as long as V4, dark at the same time nearby: could be the same radar target
        event(
            "g6",
            "gap",
            V5,
            605,
            630,
            lat=37.3,
            lon=131.3,
            end_lat=37.3,
            end_lon=131.3,
            details={},
            confidence=0.5,
        ),
        # V6, as long, dark then too, but far from the target (off Hakata): not a candidate
        event(
            "g7",
            "gap",
            V6,
            300,
            900,
            lat=33.6,
            lon=130.4,
            end_lat=33.6,
            end_lon=130.4,
            details={},
            confidence=0.5,
        ),
    ]
    det = [
        {
            "scene_id": "S1",
            "row": 10,
            "col": 20,
            "ts": T0 + timedelta(hours=612),
            "lat": 37.1,
            "lon": 131.1,
            "length_m": 118.0,
            "dark": True,
        },  # its length, reachable: counted
        {
            "scene_id": "S1",
            "row": 11,
            "col": 21,
            "ts": T0 + timedelta(hours=612),
            "lat": 37.1,
            "lon": 131.1,
            "length_m": 60.0,
            "dark": True,
        },  # too short
        {
            "scene_id": "S2",
            "row": 1,
            "col": 2,
            "ts": T0 + timedelta(hours=613),
            "lat": 40.0,
            "lon": 140.0,
            "length_m": 120.0,
            "dark": True,
        },  # too far to reach
        {
            "scene_id": "S3",
            "row": 1,
            "col": 2,
            "ts": T0 + timedelta(hours=700),
            "lat": 37.1,
            "lon": 131.1,
            "length_m": 120.0,
            "dark": True,
        },  # after the gap
        {
            "scene_id": "S4",
            "row": 5,
            "col": 5,
            "ts": T0 + timedelta(hours=612),
            "lat": 37.1,
            "lon": 131.1,
            "length_m": 121.0,
            "dark": False,
            "matched_mmsi": 999,
        },  # not dark
    ]
    calls = [
        {
            "call_id": "ipc-1",
            "mmsi": V1,
            "imo": 9179842,
            "port_id": "RAJIN",
            "kind": "inferred",
            "arrival_ts": T0 + timedelta(hours=220),
            "departure_ts": T0 + timedelta(hours=230),
            "confidence": 0.6,
            "evidence": json.dumps({"events": ["g1"]}),
        },
    ]
    ships = [{"shipment_id": "sh-1", "mmsi": V1, "origin_call": "ipc-1", "inferred": True}]
    st = (
        statics(V1, "ANGARA", imo=9179842)
        + statics(V2, "DARK ONE")
        + statics(V3A, "TANKER ONE", imo=9339301)
        + statics(V3B, "TANKER TWO", imo=9339301, day=2)
        + statics(V4, "GHOST", length=120.0)
        + statics(V5, "SHADOW", length=125.0)
        + statics(V6, "FAR AWAY", length=120.0)
    )
    pos = [p for m in (V1, V2, V3A, V3B, V4, V5, V6) for p in positions(m, 40.0, 132.0)]
    return build(
        tmp_path / "w.duckdb",
        statics=st,
        positions=pos,
        events=ev,
        detections=det,
        port_calls=calls,
        shipments=ships,
    )


def by_rule(row: dict) -> dict[str, dict]:
    return {c["rule"]: c for c in json.loads(row["contributions"])}


def test_each_rule_scores_its_rows(tmp_path: Path) -> None:
    ws = sample(tmp_path)
    (tmp_path / "list.txt").write_text("9179842\n")
    load_list([tmp_path / "list.txt"], ws)
    report = build_risk(ws)
    rows = {r["vessel_id"]: r for r in report.table.to_pylist()}
    assert set(rows) == {
        "IMO9179842",
        "MMSI273000002",
        "IMO9339301",
        "MMSI440000005",
        "MMSI440000006",
        "MMSI431000007",
    }
    v1 = by_rule(rows["IMO9179842"])
    assert v1["sanctioned_strong"]["points"] == 40 and v1["sanctioned_strong"]["rows"][
        "watchlist"
    ] == ["list:9179842"]
    assert v1["origin_port_call"]["points"] == 15.0  # 10 x 1.0 (4 of 4) + 10 x 0.5
    assert v1["origin_port_call"]["rows"] == {"events": ["c1", "c2"]}
    assert v1["origin_port_call_inferred"]["points"] == pytest.approx(4.8)
    assert v1["origin_port_call_inferred"]["rows"] == {
        "port_calls": ["ipc-1"],
        "shipments": ["sh-1"],
    }
    assert v1["gap_near_origin"]["points"] == 10.0  # 8 + 2 for the disabling flag
    assert v1["gap_near_origin"]["rows"] == {"events": ["g1"]}
    assert "RAJIN" in v1["gap_near_origin"]["why"]
    assert "gap_disabling" not in v1  # g2 is neither near nor disabling
    assert v1["encounter_dark"]["points"] == 5.0 and v1["encounter_dark"]["rows"]["events"] == [
        "e1"
    ]
    v2 = by_rule(rows["MMSI273000002"])
    assert v2["gap_near_origin"]["rows"] == {"events": ["g3"]}  # by its reachable_ports
    assert v2["gap_near_origin"]["points"] == 8.0
    assert v2["origin_port_call"]["points"] == 2.5 and v2["origin_port_call"]["rows"] == {
        "events": ["pp1"]
    }
    assert v2["stop_near_origin"]["points"] == pytest.approx(6 * 0.9)
    assert v2["encounter_listed"]["points"] == 15.0 and v2["encounter_listed"]["rows"][
        "other_mmsi"
    ] == [str(V1)]
    v3 = rows["IMO9339301"]
    assert json.loads(v3["mmsis"]) == [V3A, V3B] and v3["mmsi"] == V3B
    c3 = by_rule(v3)
    assert c3["flag_change"]["rows"] == {"events": ["i1", "i3"]} and c3["flag_change"]["count"] == 1
    assert (
        c3["flag_change"]["points"],
        c3["identity_change"]["points"],
        c3["spoof_jump"]["points"],
    ) == (6, 3, 4)
    v4 = by_rule(rows["MMSI440000005"])
    assert v4["dark_detection"]["rows"] == {"detections": ["S1:10:20"], "events": ["g4"]}
    assert v4["dark_detection"]["points"] == 2.5  # shared with V5, which could be it too
    v5 = by_rule(rows["MMSI440000006"])
    assert v5["dark_detection"]["points"] == 2.5 and "split" in v5["dark_detection"]["why"]
    assert "dark_detection" not in by_rule(rows["MMSI431000007"])  # 500 km away
    scores = {k: r["score"] for k, r in rows.items()}
    assert scores["IMO9179842"] == pytest.approx(40 + 15 + 4.8 + 10 + 5)
    assert min(rows.values(), key=lambda r: r["rank"])["vessel_id"] == "IMO9179842"
    preset = load_preset()
    assert {r["preset"] for r in rows.values()} == {"default@1"}
    assert {r["params_hash"] for r in rows.values()} == {preset.hash()}
    assert rows["IMO9179842"]["sanctioned"] and not rows["MMSI273000002"]["sanctioned"]


def test_caps_and_weak_matches_score_nothing_beyond(tmp_path: Path) -> None:
    ev = [
        event(f"c{k}", "port_call", V1, 30 * k, 30 * k + 10, port_id="NAMPO", confidence=1.0)
        for k in range(6)
    ]
    ws = build(
        tmp_path / "w.duckdb",
        statics=statics(V1, "GOLDEN STAR"),
        events=ev,
        positions=positions(V1, 40.0, 132.0),
    )
    (tmp_path / "w.csv").write_text("name,flag\nGOLDEN STAR,PA\n")
    load_list([tmp_path / "w.csv"], ws)
    row = build_risk(ws).table.to_pylist()[0]
    c = by_rule(row)
    assert c["origin_port_call"]["count"] == 6 and c["origin_port_call"]["points"] == 40.0
    assert c["origin_port_call"]["capped"] is True
    assert (
        c["weak_name_match"]["points"] == 0.0 and len(c["weak_name_match"]["rows"]["matches"]) == 1
    )
    assert row["score"] == 40.0 and row["sanctioned"] is False


def test_risk_writes_only_its_own_table_and_recomputes_when_inputs_change(tmp_path: Path) -> None:
    ws = sample(tmp_path)

    def fingerprint() -> dict[str, object]:
        with Workspace(ws, read_only=True) as w:
            return {
                t: w.con.execute(f'SELECT count(*), sum(hash(COLUMNS(*))) FROM "{t}"').fetchall()
                for t in all_tables()
                if t != "vessel_risk"
            }

    before = fingerprint()
    first = build_risk(ws)
    assert fingerprint() == before
    with Workspace(ws) as w:
        w.append("events", table("events", [event("j2", "spoof_jump", V4, 1, 2, confidence=1.0)]))
    second = build_risk(ws)
    v4 = {r["vessel_id"]: r for r in second.table.to_pylist()}["MMSI440000005"]
    assert by_rule(v4)["spoof_jump"]["rows"] == {"events": ["j2"]}
    assert first.table.num_rows == second.table.num_rows


def test_presets_are_checked_and_hashed(tmp_path: Path) -> None:
    base = load_preset()
    text = Path(base.source).read_text()
    changed = tmp_path / "p.toml"
    changed.write_text(text.replace("points = 40.0", "points = 30.0", 1))
    assert load_preset(changed).hash() != base.hash()
    bad = tmp_path / "bad.toml"
    bad.write_text(text + "\n[rules.moon_phase]\npoints = 1.0\ncap = 1.0\n")
    with pytest.raises(ConfigError, match="unknown rule"):
        load_preset(bad)
    with pytest.raises(ConfigError, match="nonesuch: not a built-in risk preset"):
        load_preset("nonesuch")


def test_a_workspace_held_read_only_is_scored_without_storing(tmp_path: Path) -> None:
    ws = sample(tmp_path)
    with Workspace(ws, read_only=True) as holder:  # as a running dashboard holds it
        report = build_risk(ws)
        assert report.stored is False and report.table.num_rows == 6
        assert holder.count("vessel_risk") == 0
    assert build_risk(ws).stored is True
