"""The exploring routes: search, the server-side events table, its CSV, vessel profiles."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from darkcargo.web import create_app
from darkcargo.workspace import Workspace
from tests.web.sample import (
    ANGARA,
    ANGARA_IMO,
    MARIA,
    T0,
    build_empty_workspace,
    build_full_workspace,
    build_sample_workspace,
    conform,
)


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("explore") / "ws.duckdb")


@pytest.fixture(scope="module")
def client(sample_ws: Path) -> Iterator[TestClient]:
    with TestClient(create_app(sample_ws), base_url="http://127.0.0.1") as c:
        yield c


def names(results: list[dict]) -> list[int]:
    return [r["mmsi"] for r in results]


def test_search_finds_a_vessel_by_name_mmsi_imo_and_call_sign(client: TestClient) -> None:
    by_name = client.get("/api/search", params={"q": "laura"}).json()
    assert names(by_name)[0] == ANGARA and by_name[0]["matched"] == "name"
    # the name it broadcast before the rename still finds it
    former = client.get("/api/search", params={"q": "ANGARA"}).json()
    assert names(former)[0] == ANGARA
    assert former[0]["matched"] in ("former name", "case name") and former[0]["score"] == 100
    assert names(client.get("/api/search", params={"q": str(ANGARA)}).json()) == [ANGARA]
    assert names(client.get("/api/search", params={"q": "2732104"}).json()) == [ANGARA]
    imo = client.get("/api/search", params={"q": f"IMO {ANGARA_IMO}"}).json()
    assert names(imo) == [ANGARA] and imo[0]["matched"] == "IMO"
    call = client.get("/api/search", params={"q": "ufmb"}).json()
    assert names(call) == [MARIA] and call[0]["matched"] == "call sign"


def test_search_forgives_typos_but_not_noise(client: TestClient) -> None:
    typo = client.get("/api/search", params={"q": "ANGRA"}).json()
    assert names(typo)[:1] == [ANGARA]
    assert client.get("/api/search", params={"q": "MRIA"}).json()[0]["mmsi"] == MARIA
    assert client.get("/api/search", params={"q": "ZZQX"}).json() == []
    assert client.get("/api/search", params={"q": "   "}).json() == []


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 101},
        {"q": "ANGARA", "limit": 0},
        {"q": "ANGARA", "limit": 51},
    ],
)
def test_search_refuses_bad_input_with_422(client: TestClient, params: dict) -> None:
    assert client.get("/api/search", params=params).status_code == 422


def test_events_table_sorts_filters_and_pages(client: TestClient) -> None:
    page = client.get("/api/events/table", params={"limit": 2}).json()
    assert page["total"] == 6 and [e["event_id"] for e in page["items"]] == ["e1", "e4"]
    nxt = client.get("/api/events/table", params={"limit": 2, "offset": 2}).json()
    assert [e["event_id"] for e in nxt["items"]] == ["e2", "e5"]
    by_hours = client.get("/api/events/table", params={"sort": "hours", "order": "desc"}).json()
    hours = [e["hours"] for e in by_hours["items"]]
    assert hours == sorted(hours, reverse=True) and hours[0] == pytest.approx(20.0)
    assert by_hours["items"][0]["event_id"] == "e2"
    long = client.get("/api/events/table", params={"min_hours": 2.5}).json()
    assert sorted(e["event_id"] for e in long["items"]) == ["e2", "e3", "e5"]
    short = client.get("/api/events/table", params={"max_hours": 2.5, "kind": "port_call"}).json()
    assert [e["event_id"] for e in short["items"]] == ["e1"]
    assert short["kinds"] == {"port_call": 1}
    maria = client.get("/api/events/table", params={"vessel": MARIA}).json()
    assert sorted(e["event_id"] for e in maria["items"]) == ["e4", "e5"]
    by_imo = client.get("/api/events/table", params={"vessel": ANGARA_IMO}).json()
    assert by_imo["total"] == 5  # its own four and the encounter on MARIA's row
    rajin = client.get("/api/events/table", params={"port": "RAJIN"}).json()
    assert [e["event_id"] for e in rajin["items"]] == ["e1"]
    box = client.get("/api/events/table", params={"bbox": "132.5,42.5,133,42.7"}).json()
    assert sorted(e["event_id"] for e in box["items"]) == ["e4", "e5"]
    window = client.get(
        "/api/events/table",
        params={"since": "2023-09-06T12:00:00Z", "until": "2023-09-09T00:00:00+03:00"},
    ).json()
    assert sorted(e["event_id"] for e in window["items"]) == ["e3", "e6"]


@pytest.mark.parametrize(
    "params",
    [
        {"offset": 9223372036854775808},
        {"offset": -1},
        {"offset": 10_000_001},
        {"limit": 1001},
        {"limit": 0},
        {"sort": "lat; DROP TABLE events"},
        {"sort": "start", "order": "sideways"},
        {"min_hours": -1},
        {"min_hours": "nan"},
        {"min_hours": "inf"},
        {"min_hours": 5, "max_hours": 2},
        {"since": "0001-01-01T00:00:00+14:00"},
        {"since": "9999-12-31T23:59:59-14:00"},
        {"since": "2023-09-10T00:00:00Z", "until": "2023-09-01T00:00:00Z"},
        {"since": "not a time"},
        {"kind": "Port Call"},
        {"kind": "x" * 60},
        {"vessel": 0},
        {"vessel": 1_000_000_000},
        {"port": "RAJIN'--"},
        {"bbox": "1,2,3"},
        {"bbox": "200,0,201,1"},
        {"bbox": "1," * 100},
    ],
)
def test_events_table_refuses_bad_input_with_422(client: TestClient, params: dict) -> None:
    r = client.get("/api/events/table", params=params)
    assert r.status_code == 422, r.text
    if not {"limit", "offset"} & set(params):  # the CSV has every row: no paging
        assert client.get("/api/events.csv", params=params).status_code == 422


def test_events_csv_streams_every_matching_row_with_sentences(client: TestClient) -> None:
    r = client.get("/api/events.csv", params={"sort": "hours", "order": "desc"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["event_id"] == "e2" and len(rows) == 6
    gap = rows[0]
    assert gap["vessel"] == f"LAURA ({ANGARA})" and float(gap["hours"]) == pytest.approx(20.0)
    assert gap["description"] == "AIS silent for 20.0 h."
    assert json.loads(gap["details"]) == {"hours": 20.0}
    enc = next(x for x in rows if x["event_id"] == "e4")
    assert enc["other_vessel"] == f"LAURA ({ANGARA})"
    one = client.get("/api/events.csv", params={"kind": "loitering"}).text
    assert len(list(csv.DictReader(io.StringIO(one)))) == 1


def test_events_csv_keeps_hostile_names_as_text(tmp_path: Path) -> None:
    ws = build_sample_workspace(tmp_path / "ws.duckdb")
    with Workspace(ws) as w:
        w.con.execute(
            'UPDATE statics SET name = \'=HYPERLINK("http://ev.il","x")\' WHERE mmsi = ?',
            [MARIA],
        )
    with TestClient(create_app(ws), base_url="http://127.0.0.1") as c:
        text = c.get("/api/events.csv", params={"vessel": MARIA}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["vessel"].startswith("'=HYPERLINK") for r in rows)


def test_events_table_of_an_empty_workspace(tmp_path: Path) -> None:
    ws = build_empty_workspace(tmp_path / "empty.duckdb")
    with TestClient(create_app(ws), base_url="http://127.0.0.1") as c:
        assert c.get("/api/events/table").json()["total"] == 0
        assert c.get("/api/search", params={"q": "ANGARA"}).json() == []
        assert c.get("/api/events.csv").text.startswith("event_id,kind,mmsi")


def test_vessel_profile_names_type_flag_and_watch_stage(client: TestClient) -> None:
    p = client.get(f"/api/vessels/{ANGARA}/profile").json()
    assert p["facts"]["ship_type"] == 79 and p["facts"]["ship_type_label"] == "Cargo"
    assert p["facts"]["flag_country"] == "Russian Federation" and p["facts"]["flag_mid"] == 273
    assert p["facts"]["length_m"] == 120.0
    assert p["watch"] == {"ran": False, "watchlist_entries": 0, "matches": []}
    weeks = {w["week"]: w for w in p["weekly"]}
    assert weeks == {
        "2023-09-04": {"week": "2023-09-04", "gaps": 1, "port_calls": 2,
                       "dark_hours": pytest.approx(20.0)},
    }  # fmt: skip
    maria = client.get(f"/api/vessels/{MARIA}/profile").json()
    assert maria["facts"]["ship_type_label"] == "Cargo"  # 70
    assert client.get("/api/vessels/123456789/profile").status_code == 404
    assert client.get("/api/vessels/0/profile").status_code == 422


def test_vessel_profile_with_the_watch_stage_and_trips(tmp_path: Path) -> None:
    ws = build_full_workspace(tmp_path / "full.duckdb")
    with Workspace(ws) as w, w.transaction():
        more = pa.table(
            {
                "shipment_id": ["sh2"],
                "mmsi": pa.array([ANGARA], pa.int64()),
                "origin_port": ["RAJIN"],
                "destination_port": ["VOSTOCHNY"],
                "depart_ts": pa.array([T0 + timedelta(days=20)], pa.timestamp("us")),
                "arrive_ts": pa.array([T0 + timedelta(days=21)], pa.timestamp("us")),
                "inferred": [False],
            }
        )
        w.append("shipments", conform("shipments", more))
    with TestClient(create_app(ws), base_url="http://127.0.0.1") as c:
        p = c.get(f"/api/vessels/{ANGARA_IMO}/profile").json()
    assert p["watch"]["ran"] is True and p["watch"]["watchlist_entries"] == 1
    assert [m["entry"]["list"] for m in p["watch"]["matches"]] == ["OFAC_SDN"]
    assert [t["destination_port"] for t in p["trips"]] == ["DUNAI", "VOSTOCHNY"]
    assert [t["inferred"] for t in p["trips"]] == [True, False]


def test_events_table_keeps_only_the_watched_vessels_when_asked(tmp_path: Path) -> None:
    ws = build_sample_workspace(tmp_path / "ws.duckdb")
    with Workspace(ws) as w:  # MARIA broadcasts another IMO: no longer the case's MARIA
        w.con.execute("UPDATE statics SET imo = 1234567 WHERE mmsi = ?", [MARIA])
    with TestClient(create_app(ws), base_url="http://127.0.0.1") as c:
        assert [v["mmsi"] for v in c.get("/api/vessels").json() if v["watched"]] == [ANGARA]
        only = c.get("/api/events/table", params={"watched": "true"}).json()
        # ANGARA's own events, and the encounter on MARIA's row with ANGARA on its other side
        assert sorted(e["event_id"] for e in only["items"]) == ["e1", "e2", "e3", "e4", "e6"]
        assert c.get("/api/events/table", params={"watched": "false"}).json()["total"] == 6
        assert c.get("/api/events/table", params={"watched": "maybe"}).status_code == 422
