"""The dashboard's JSON API against a small hand-made workspace."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from darkcargo.web import create_app
from tests.web.sample import (
    ANGARA,
    ANGARA_IMO,
    MARIA,
    build_empty_workspace,
    build_full_workspace,
    build_sample_workspace,
)

TOKEN = "s3cret-token"
# The server answers only for its own host names (TestClient's default is "testserver").
LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("web") / "ws.duckdb")


@pytest.fixture(scope="module")
def client(sample_ws: Path) -> Iterator[TestClient]:
    with TestClient(create_app(sample_ws), base_url=LOCAL) as c:
        yield c


def test_vessels_lists_every_mmsi_with_latest_identity_and_event_counts(client: TestClient) -> None:
    r = client.get("/api/vessels")
    assert r.status_code == 200
    by = {v["mmsi"]: v for v in r.json()}
    assert set(by) == {ANGARA, MARIA}
    angara = by[ANGARA]
    # the latest static renamed the ship; IMO and call sign carry over from earlier messages
    assert angara["name"] == "LAURA"
    assert angara["imo"] == ANGARA_IMO
    assert angara["callsign"] == "UBYT2"
    assert angara["event_counts"] == {"port_call": 2, "gap": 1, "identity_change": 1}
    assert angara["n_positions"] == 120
    assert angara["watched"] == "ANGARA"
    assert by[MARIA]["event_counts"] == {"encounter": 1, "loitering": 1}


def test_vessel_by_mmsi_has_identity_history_and_events(client: TestClient) -> None:
    v = client.get(f"/api/vessels/{ANGARA}").json()
    assert v["mmsis"] == [ANGARA]
    names = [h["name"] for h in v["identity_history"]]
    # a partial message (name only) does not split the ANGARA run; the rename does
    assert names == ["ANGARA", "LAURA"]
    assert v["identity_history"][0]["n_messages"] == 3
    assert v["identity_history"][0]["first_seen"] == "2023-09-05T00:00:00Z"
    # its own events plus the encounter where it is the other vessel
    assert sorted(e["event_id"] for e in v["events"]) == ["e1", "e2", "e3", "e4", "e6"]
    assert v["matches"] == [] and v["port_calls"] == [] and v["shipments"] == []


def test_vessel_by_imo_resolves_to_the_mmsi(client: TestClient) -> None:
    v = client.get(f"/api/vessels/{ANGARA_IMO}").json()
    assert v["mmsis"] == [ANGARA]


def test_unknown_vessel_is_404(client: TestClient) -> None:
    r = client.get("/api/vessels/123456789")
    assert r.status_code == 404
    assert "123456789" in r.json()["detail"]
    assert client.get("/api/tracks/123456789").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/vessels/not-a-number",
        "/api/vessels/0",
        "/api/events?limit=0",
        "/api/events?limit=100000",
        "/api/events?offset=-1",
        "/api/events?since=yesterday",
        "/api/events?since=2023-09-06T00:00:00Z&until=2023-09-05T00:00:00Z",
        "/api/events?kind=DROP%20TABLE",
        "/api/events?bbox=1,2,3",
        "/api/events?bbox=130,50,131,40",
        f"/api/tracks/{ANGARA}?zoom=99",
        f"/api/tracks/{ANGARA}?zoom=abc",
        f"/api/tracks/{ANGARA}?bbox=200,0,210,10",
        "/api/land?resolution=1m",
        "/api/layers/NotALayer",
    ],
)
def test_bad_parameters_are_422(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, (url, r.text)


def test_unknown_layer_is_404(client: TestClient) -> None:
    assert client.get("/api/layers/positions").status_code == 404


def test_events_filter_by_kind_vessel_port_and_time(client: TestClient) -> None:
    def ids(query: str) -> list[str]:
        r = client.get("/api/events" + query)
        assert r.status_code == 200, r.text
        return [e["event_id"] for e in r.json()["items"]]

    assert ids("") == ["e1", "e4", "e2", "e5", "e3", "e6"]  # ordered by start time
    assert ids("?kind=gap") == ["e2"]
    assert ids("?kind=gap&kind=loitering") == ["e2", "e5"]
    assert ids(f"?vessel={MARIA}") == ["e4", "e5"]
    assert ids(f"?vessel={ANGARA_IMO}&kind=encounter") == ["e4"]
    assert ids("?port=DUNAI") == ["e3"]
    # the gap (09:50 on the 5th to 05:50 on the 6th) overlaps a window inside it
    assert ids("?since=2023-09-05T20:00:00Z&until=2023-09-05T21:00:00") == ["e2"]
    # offsets are honoured: 23:50+09:00 is 14:50 UTC, when the Dunai call starts
    assert ids("?since=2023-09-06T23:50:00%2B09:00&until=2023-09-06T23:50:00%2B09:00") == ["e3"]
    assert ids("?bbox=132.0,42.8,132.5,43.0") == ["e3", "e6"]


def test_events_paging(client: TestClient) -> None:
    page = client.get("/api/events?limit=2&offset=2").json()
    assert page["total"] == 6
    assert [e["event_id"] for e in page["items"]] == ["e2", "e5"]
    assert page["items"][0]["details"] == {"hours": 20.0}  # JSON columns decoded


def test_gap_event_carries_both_endpoints(client: TestClient) -> None:
    gap = client.get("/api/events?kind=gap").json()["items"][0]
    assert (gap["lat"], gap["lon"], gap["end_lat"], gap["end_lon"]) == (42.45, 131.0, 42.6, 131.6)


def test_track_is_broken_at_the_gap_and_keeps_its_endpoints(client: TestClient) -> None:
    full = client.get(f"/api/tracks/{ANGARA}").json()
    assert full["n_positions"] == 120
    assert full["n_points"] == 120  # no zoom: every fix
    assert len(full["runs"]) == 2
    coarse = client.get(f"/api/tracks/{ANGARA}?zoom=6").json()
    assert len(coarse["runs"]) == 2
    assert coarse["n_points"] < 10  # straight legs collapse to their ends
    # the last fix before the gap and the first after it survive decimation
    assert coarse["runs"][0][-1][:2] == pytest.approx([42.45, 131.0])
    assert coarse["runs"][1][0][:2] == pytest.approx([42.6, 131.6])


def test_track_time_window_and_bbox(client: TestClient) -> None:
    after = client.get(f"/api/tracks/{ANGARA}?since=2023-09-06T00:00:00Z").json()
    assert after["n_positions"] == 60
    assert len(after["runs"]) == 1
    west = client.get(f"/api/tracks/{ANGARA}?bbox=130,42,130.8,42.5").json()
    assert len(west["runs"]) == 1
    assert all(p[1] < 131 for p in west["runs"][0])


def test_all_tracks_endpoint(client: TestClient) -> None:
    tracks = client.get("/api/tracks?zoom=8").json()["tracks"]
    assert {t["mmsi"] for t in tracks} == {ANGARA, MARIA}


def test_ports_estimates_claims_land_layers(client: TestClient) -> None:
    ports = {p["id"]: p for p in client.get("/api/ports").json()}
    assert ports["RAJIN"]["n_events"] == 1 and ports["RAJIN"]["role"] == "origin"
    assert ports["HUNGNAM"]["unverified"] == ["position"]
    est = client.get("/api/estimates").json()
    assert [e["quantity"] for e in est] == ["containers", "rounds_152mm"]
    assert est[0]["unverified"] == ["teu_capacity"]
    # the estimate stage's JSON columns arrive decoded
    assert est[0]["sensitivity"][0]["unverified"] is True
    assert est[0]["binding"] == {"mass": 0.7, "fill_volume": 0.3, "geometry": 0.0}
    assert est[0]["inputs"] == ["shipments:12"] and est[0]["period_requested"] == "*..*"
    claims = {c["claim_id"]: c for c in client.get("/api/claims").json()}
    assert claims["c2"]["gradings"][0]["grade"] == "above"
    # plain text columns of the claims stage stay text
    assert (claims["c2"]["hedge"], claims["c2"]["basis"]) == ("could hold", "capacity")
    assert claims["c2"]["quantity"] == "rounds_152mm"
    assert claims["c1"]["doc_title"] == "ROK defence minister, 26 Feb 2024"
    land = client.get("/api/land")
    assert land.headers["content-type"].startswith("application/geo+json")
    geom = land.json()["features"][0]["geometry"]
    assert geom["type"] == "MultiPolygon" and len(geom["coordinates"]) > 10
    w, s, e, n = land.json()["bbox"]
    pts = [pt for poly in geom["coordinates"] for ring in poly for pt in ring]
    assert min(p[0] for p in pts) >= w and max(p[0] for p in pts) <= e
    assert min(p[1] for p in pts) >= s and max(p[1] for p in pts) <= n
    layers = {la["name"]: la["count"] for la in client.get("/api/layers").json()}
    assert layers == {
        "detections": 0,
        "port_calls": 0,
        "shipments": 0,
        "sightings": 0,
        "watchlist": 0,
        "matches": 0,
    }
    assert client.get("/api/layers/detections").json() == {
        "name": "detections",
        "total": 0,
        "items": [],
    }


def test_openapi_document_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for p in (
        "/api/vessels",
        "/api/vessels/{vessel_id}",
        "/api/events",
        "/api/tracks/{mmsi}",
        "/api/ports",
        "/api/estimates",
        "/api/claims",
        "/api/land",
    ):
        assert p in paths
    # no CDN-backed documentation pages
    assert client.get("/docs").status_code == 404


def test_page_uses_versioned_package_assets_only(client: TestClient) -> None:
    html = client.get("/").text
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "/static/app.js?v=" in html
    assert "http://" not in html and "https://" not in html
    assert client.get("/static/vendor/leaflet-1.9.4/leaflet.js").status_code == 200
    js = client.get("/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize(
    "url",
    [
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e%2fqueries.py",
        "/static/vendor/..%2f..%2fapp.py",
        "/static/vendor/%2e%2e%2f%2e%2e%2fweb%2fapp.py",
        "/static/vendor/..%5c..%5capp.py",
        "/static/%2fetc%2fpasswd",
        "/static//etc/passwd",
        "/static/.hidden",
        "/static/",
        "/static/vendor/",
    ],
)
def test_static_routes_do_not_traverse(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404, (url, r.status_code)
    assert "import" not in r.text and "root:" not in r.text


def test_token_is_required_on_every_api_request(sample_ws: Path) -> None:
    with TestClient(create_app(sample_ws, token=TOKEN), base_url=LOCAL) as c:
        for url in ("/api/vessels", f"/api/vessels/{ANGARA}", "/api/openapi.json", "/api/land"):
            assert c.get(url).status_code == 401
            assert c.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert c.get(url, headers={"Authorization": TOKEN}).status_code == 401
        ok = c.get("/api/vessels", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and len(ok.json()) == 2
        # an unknown vessel is still 404 once authorised, 401 before
        assert c.get("/api/vessels/1").status_code == 401
        assert (
            c.get("/api/vessels/1", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
        )
        # the page shell holds no data and tells the page a token is needed
        shell = c.get("/").text
        config = re.search(r'<script type="application/json" id="dc-config">(.*?)</script>', shell)
        assert config and json.loads(config.group(1))["token_required"] is True


def _fingerprint(path: Path) -> tuple[str, float, int]:
    data = path.read_bytes()
    st = os.stat(path)
    return hashlib.sha256(data).hexdigest(), st.st_mtime, st.st_size


def test_server_never_writes_to_the_workspace(tmp_path: Path) -> None:
    ws = build_sample_workspace(tmp_path / "ro.duckdb")
    before = _fingerprint(ws)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    with TestClient(create_app(ws), base_url=LOCAL) as c:
        for url in (
            "/",
            "/api/summary",
            "/api/vessels",
            f"/api/vessels/{ANGARA}",
            "/api/events?kind=gap",
            f"/api/tracks/{ANGARA}?zoom=9",
            "/api/tracks?zoom=5",
            "/api/ports",
            "/api/estimates",
            "/api/claims",
            "/api/land?resolution=110m",
            "/api/layers/port_calls",
            "/api/parameters",
            "/api/sources",
        ):
            assert c.get(url).status_code == 200, url
        # the connection really is read-only
        with pytest.raises(Exception, match="(?i)read.only"):
            c.app.state.reader._con.execute("CREATE TABLE x (a INT)")  # type: ignore[attr-defined]
    assert _fingerprint(ws) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no WAL left behind


def test_empty_workspace_serves_empty_answers(tmp_path: Path) -> None:
    ws = build_empty_workspace(tmp_path / "empty.duckdb")
    with TestClient(create_app(ws), base_url=LOCAL) as c:
        assert c.get("/api/vessels").json() == []
        assert c.get("/api/events").json()["total"] == 0
        assert c.get("/api/tracks?zoom=5").json() == {"tracks": []}
        assert c.get("/api/estimates").json() == []
        assert c.get("/api/claims").json() == []
        summary = c.get("/api/summary").json()
        assert summary["time"] == {"start": None, "end": None}
        assert summary["data_bbox"] is None
        assert len(c.get("/api/ports").json()) == 11
        assert c.get("/").status_code == 200


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    from darkcargo.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match="no such workspace"):
        create_app(tmp_path / "nope.duckdb")


def test_later_layers_are_served_when_their_tables_fill(tmp_path: Path) -> None:
    ws = build_full_workspace(tmp_path / "full.duckdb")
    with TestClient(create_app(ws), base_url=LOCAL) as c:
        layers = {la["name"]: la["count"] for la in c.get("/api/layers").json()}
        assert layers == {
            "detections": 2,
            "port_calls": 1,
            "shipments": 1,
            "sightings": 1,
            "watchlist": 1,
            "matches": 1,
        }
        dets = c.get("/api/layers/detections?since=2023-09-05T17:00:00Z").json()
        assert dets["total"] == 2 and dets["items"][0]["dark"] is True
        assert c.get("/api/layers/detections?until=2023-09-05T12:00:00Z").json()["total"] == 0
        v = c.get(f"/api/vessels/{ANGARA}").json()
        assert v["matches"][0]["entry"]["list"] == "OFAC_SDN"
        assert v["port_calls"][0]["kind"] == "inferred"
        assert v["shipments"][0]["destination_port"] == "DUNAI"
        by = {x["mmsi"]: x for x in c.get("/api/vessels").json()}
        assert by[ANGARA]["sanctioned"] is True and by[MARIA]["sanctioned"] is False
        assert {p["id"]: p["n_port_calls"] for p in c.get("/api/ports").json()}["RAJIN"] == 1
