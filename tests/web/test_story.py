"""The story's choice of events (WorkspaceReader.story_events), shared by the map and the report:
every event that matters to the case, a time-spread sample of the rest, complete counts."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from darkcargo.report.html import report_data, unpack
from darkcargo.web import create_app
from darkcargo.web.queries import WorkspaceReader
from darkcargo.workspace import Workspace
from tests.web.sample import ANGARA, T0, build_sample_workspace, conform

OTHER = 412000001  # a vessel the case does not watch
OTHER_B = 412000002
N_LOITER = 50
N_BUSAN = 30
N_VLADIVOSTOK = 5
SAMPLE = 10


def _event(
    event_id: str,
    kind: str,
    mmsi: int,
    start: Any,
    lat: float = 38.0,
    lon: float = 132.0,
    port: str | None = None,
    other: int | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "kind": kind,
        "mmsi": mmsi,
        "other_mmsi": other,
        "start_ts": start,
        "end_ts": start + timedelta(hours=3),
        "lat": lat,
        "lon": lon,
        "end_lat": lat + 0.1 if kind == "gap" else None,
        "end_lon": lon + 0.1 if kind == "gap" else None,
        "port_id": port,
        "preset": "gfw",
        "params_hash": "abc",
        "evidence": json.dumps({"source_rows": [], "n_positions": 0}),
        "details": json.dumps(details or {"hours": 3.0}),
        "confidence": 0.5,
    }


def story_events_table() -> pa.Table:
    day = timedelta(days=1)
    rows = [_event(f"l{i:02d}", "loitering", OTHER, T0 + i * day) for i in range(N_LOITER)]
    rows += [
        _event(f"b{i:02d}", "port_call", OTHER, T0 + i * day, 35.1, 129.0, "BUSAN")
        for i in range(N_BUSAN)
    ]
    rows += [
        _event(f"v{i}", "port_call", OTHER, T0 + i * day, 43.1, 131.9, "VLADIVOSTOK")
        for i in range(N_VLADIVOSTOK)
    ]
    gap = {"hours": 20.0, "off_port": "BUSAN", "off_port_km": 5.0, "on_port": "BUSAN"}
    rows += [
        _event("g-off", "gap", OTHER, T0, details={**gap, "intentional_disabling": True}),
        _event(
            "g-rajin",
            "gap",
            OTHER,
            T0 + day,
            details={**gap, "off_port": "RAJIN", "off_port_km": 12.0},
        ),
        _event("g-busan", "gap", OTHER, T0 + 2 * day, details=gap),
        _event("enc", "encounter", OTHER, T0 + 3 * day, other=OTHER_B),
    ]
    table = pa.Table.from_pylist(rows)
    return conform("events", table.cast(_events_schema(table)))


def _events_schema(table: pa.Table) -> pa.Schema:
    from darkcargo.workspace import all_tables

    full = all_tables()["events"]
    return pa.schema([full.field(n) for n in table.column_names])


@pytest.fixture(scope="module")
def story_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_sample_workspace(tmp_path_factory.mktemp("story") / "ws.duckdb")
    with Workspace(path) as ws, ws.transaction():
        ws.append("events", story_events_table())
    return path


@pytest.fixture(scope="module")
def story(story_ws: Path) -> dict[str, Any]:
    with WorkspaceReader(story_ws) as reader:
        return reader.story_events(per_kind_sample=SAMPLE)


def test_everything_that_matters_is_kept_with_its_reason(story: dict[str, Any]) -> None:
    why = {e["event_id"]: e["why"] for e in story["items"]}
    # the sample workspace's six events all involve watched vessels (ANGARA, MARIA by IMO)
    assert all(why[f"e{i}"] == "watched vessel" for i in range(1, 7))
    assert why["g-off"] == "intentional disabling"
    assert why["g-rajin"] == "gap near a watched port"
    assert why["enc"] == "rare kind"
    assert [why[f"v{i}"] for i in range(N_VLADIVOSTOK)] == ["call at a watched port"] * 5


def test_common_kinds_are_sampled_evenly_over_time(story: dict[str, Any]) -> None:
    shown = [e["event_id"] for e in story["items"] if e["kind"] == "loitering" and not e["why"]]
    assert len(shown) == SAMPLE
    # first and last kept, evenly spaced in between: the whole period is covered
    assert shown == [f"l{i:02d}" for i in range(0, N_LOITER, N_LOITER // SAMPLE)]
    busan = [e for e in story["items"] if e.get("port_id") == "BUSAN"]
    assert len(busan) == SAMPLE and all(e["why"] is None for e in busan)
    # a gap near a port that is not watched is a common one
    assert {e["event_id"] for e in story["items"]} >= {"g-busan"}


def test_counts_by_kind_are_complete(story: dict[str, Any]) -> None:
    kinds = {k["kind"]: k for k in story["kinds"]}
    assert kinds["loitering"]["total"] == N_LOITER + 1  # MARIA's loitering in the sample
    assert kinds["loitering"]["shown"] == SAMPLE + 1
    assert kinds["port_call"]["total"] == 2 + N_BUSAN + N_VLADIVOSTOK
    assert kinds["port_call"]["priority"] == 2 + N_VLADIVOSTOK
    assert story["total"] == 6 + N_LOITER + N_BUSAN + N_VLADIVOSTOK + 4
    assert story["rules"]["watched_mmsis"] == [273000001, ANGARA]


def test_the_map_api_serves_the_same_choice(story_ws: Path) -> None:
    client = TestClient(create_app(story_ws), base_url="http://127.0.0.1")
    r = client.get("/api/events/overview", params={"per_kind": SAMPLE}).json()
    assert len(r["items"]) == 6 + SAMPLE + SAMPLE + N_VLADIVOSTOK + 4
    assert client.get("/api/events/overview", params={"per_kind": 0}).status_code == 422


def test_report_pages_reference_embedded_events_only(story_ws: Path) -> None:
    with WorkspaceReader(story_ws) as reader:
        data = report_data(reader)
    ids = {e["event_id"] for e in unpack(data["events"])}
    page = data["vessel_details"][str(OTHER)]
    assert page["event_ids"] and set(page["event_ids"]) <= ids
    # watched vessels' pages come first
    assert set(list(data["vessel_details"])[:2]) == {"273000001", str(ANGARA)}
    # the encounter's other side has a page too (it has an event that matters)
    assert data["vessel_details"][str(OTHER_B)]["event_ids"] == ["enc"]
