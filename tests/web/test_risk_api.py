"""The risk API as the page reads it: one vessel's risk with the events, radar targets and
listings its contributions name; every score without evidence (what the vessel list sorts by);
and what both say before risk is computed. The ranking itself: tests/sanctions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from darkcargo.sanctions.load import load_list
from darkcargo.sanctions.risk import build_risk
from darkcargo.web import create_app
from tests.sanctions.test_risk import V1, V2, V3A, V3B, V4, sample


def client_for(ws: Path) -> TestClient:
    return TestClient(create_app(ws), base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    d = tmp_path_factory.mktemp("risk-api")
    ws = sample(d)
    (d / "list.csv").write_text("name,imo,program,listed_on\nANGARA,9179842,DPRK3,2024-02-23\n")
    load_list([d / "list.csv"], ws, list_name="MY_LIST")
    build_risk(ws)
    with client_for(ws) as c:
        yield c


def get(c: TestClient, path: str, **params: Any) -> Any:
    r = c.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_one_vessels_risk_names_the_events_behind_each_contribution(ranked: TestClient) -> None:
    one = get(ranked, "/api/vessels/9179842/risk")
    assert (one["vessel_id"], one["rank"], one["of"], one["name"]) == ("IMO9179842", 1, 6, "ANGARA")
    named = {i for c in one["contributions"] for i in c["rows"].get("events", [])}
    assert named == {"c1", "c2", "g1", "e1"}
    # each named event in brief, in time order, with its place and times as the page reads them
    events = one["events"]
    assert [e["event_id"] for e in events] == ["c1", "c2", "g1", "e1"]
    g1 = next(e for e in events if e["event_id"] == "g1")
    assert (g1["kind"], g1["mmsi"], g1["lat"], g1["end_lon"]) == ("gap", V1, 42.0, 130.95)
    assert g1["start_ts"] == "2023-09-09T08:00:00Z" and g1["end_ts"] == "2023-09-11T08:00:00Z"
    assert set(events[0]) == {
        "event_id", "kind", "mmsi", "other_mmsi", "start_ts", "end_ts", "lat", "lon",
        "end_lat", "end_lon", "port_id", "confidence",
    }  # fmt: skip
    # the listing it matched: list, programme, date, the fields that agreed, the identity period
    (m,) = one["matches"]
    assert (m["list"], m["program"], m["listed_on"], m["listed_name"]) == (
        "MY_LIST",
        "DPRK3",
        "2024-02-23",
        "ANGARA",
    )
    assert m["kind"] == "strong" and "imo" in m["fields"] and m["valid_from"].endswith("Z")
    strong = next(c for c in one["contributions"] if c["rule"] == "sanctioned_strong")
    assert strong["rows"]["matches"] == [m["match_id"]]
    assert one["detections"] == []


def test_a_dark_radar_target_comes_with_its_position(ranked: TestClient) -> None:
    one = get(ranked, f"/api/vessels/{V4}/risk")
    (det,) = one["detections"]
    assert det["key"] == "S1:10:20"  # as risk keys a target without a detection id
    assert (det["scene_id"], det["lat"], det["lon"], det["length_m"], det["dark"]) == (
        "S1",
        37.1,
        131.1,
        118.0,
        True,
    )
    assert det["ts"] == "2023-09-26T12:00:00Z"
    assert [e["event_id"] for e in one["events"]] == ["g4"]


def test_a_reflagged_vessel_is_one_vessel_by_either_mmsi(ranked: TestClient) -> None:
    a = get(ranked, f"/api/vessels/{V3A}/risk")
    b = get(ranked, f"/api/vessels/{V3B}/risk")
    assert a == b
    assert a["vessel_id"] == "IMO9339301" and a["mmsis"] == [V3A, V3B]
    # events of both MMSIs: the reflag under the old one, the rename and the jump under the new
    assert {e["event_id"]: e["mmsi"] for e in a["events"]} == {
        "i1": V3A,
        "i3": V3A,
        "i2": V3B,
        "j1": V3B,
    }


def test_scores_rank_every_vessel_without_evidence(ranked: TestClient) -> None:
    body = get(ranked, "/api/risk/scores")
    full = get(ranked, "/api/risk", limit=100)
    assert body["total"] == 6 and body["preset"] == "default@1"
    assert body["params_hash"] == full["params_hash"]
    assert [(i["vessel_id"], i["score"], i["rank"]) for i in body["items"]] == [
        (i["vessel_id"], i["score"], i["rank"]) for i in full["items"]
    ]
    assert all("contributions" not in i for i in body["items"])
    first = body["items"][0]
    assert (first["mmsis"], first["sanctioned"]) == ([V1], True)
    some = get(ranked, "/api/risk/scores", min_score=10, limit=2)
    assert [i["vessel_id"] for i in some["items"]] == ["IMO9179842", "MMSI273000002"]
    assert all(i["score"] >= 10 for i in some["items"]) and some["total"] == 6
    for bad in ({"limit": 0}, {"limit": 100_001}, {"min_score": -1}, {"min_score": "x"}):
        assert ranked.get("/api/risk/scores", params=bad).status_code == 422
    assert "/api/risk/scores" in get(ranked, "/api/openapi.json")["paths"]


def test_before_risk_is_computed_the_answers_say_so(tmp_path: Path) -> None:
    ws = sample(tmp_path)
    with client_for(ws) as c:
        assert get(c, "/api/risk/scores") == {
            "total": 0,
            "preset": None,
            "params_hash": None,
            "items": [],
        }
        assert get(c, "/api/risk")["total"] == 0
        one = get(c, f"/api/vessels/{V2}/risk")
        assert (one["score"], one["rank"], one["of"], one["contributions"]) == (
            None,
            None,
            None,
            [],
        )
        assert one["matches"] == [] and one["events"] == [] and one["detections"] == []
        assert c.get("/api/vessels/123456789/risk").status_code == 404
