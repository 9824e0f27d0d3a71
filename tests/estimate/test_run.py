"""The workspace form: shipments of the watched vessels -> containers -> rounds."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from darkcargo.errors import WorkspaceError
from darkcargo.estimate.run import estimate_workspace
from darkcargo.sightings.load import load_sightings, query_arrow
from darkcargo.workspace import Workspace
from tests.shipments.conftest import (  # the hand-made events live with the shipment tests
    ANGARA_IMO,
    ANGARA_MMSI,
    HAND_EVENTS,
    LADY_R_IMO,
    LADY_R_MMSI,
    events_table,
    statics_rows,
)

DRAWS = 20_000


@pytest.fixture
def hand_ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        ws.append(
            "statics",
            statics_rows(
                [(ANGARA_MMSI, ANGARA_IMO, "ANGARA"), (LADY_R_MMSI, LADY_R_IMO, "LADY R")]
            ),
        )
        ws.append("events", events_table(HAND_EVENTS))
    return path


def _get(results, quantity: str, method: str):  # type: ignore[no-untyped-def]
    return next(r for r in results if r.quantity == quantity and r.method == method)


def test_containers_from_trips_capacity_and_load(hand_ws: Path) -> None:
    results = estimate_workspace(hand_ws, draws=DRAWS, seed=1)
    boxes = results[0]
    assert (boxes.quantity, boxes.method) == ("containers", "shipments_x_load")
    # 1 observed + 1 inferred ANGARA trip (300-450 TEU), 2 inferred LADY R trips (250-450 TEU),
    # load 0.5-1: at least the observed trip at half of 300, at most every trip full
    assert 150 <= boxes.p05 < boxes.p50 < boxes.p95 <= 2 * 450 + 2 * 450
    assert len(boxes.inputs["shipments"]) == 4
    # no period asked: the estimate covers the span of the trips it counted
    assert boxes.inputs["period_requested"] == "*..*"
    assert (boxes.period_start, boxes.period_end) == (datetime(2023, 9, 4), datetime(2024, 3, 16))
    assert boxes.inputs["observed_trips"] == {"ANGARA": 1}
    assert boxes.inputs["inferred_trips"] == {"ANGARA": 1, "LADY R": 2}
    assert "assumes ANGARA capacity 300-450 TEU (case file), unverified" in boxes.unverified
    assert any("load" in u for u in boxes.unverified)
    assert {s.param for s in boxes.sensitivity} >= {"load_factor", "inferred_trip_share"}
    # rounds of each munition, physical and official side by side
    phys = _get(results, "rounds_152mm", "physical_packing")
    off = _get(results, "rounds_152mm", "official_ratio")
    assert phys.p50 < off.p50 and phys.inputs["containers_estimate"] == boxes.estimate_id
    assert any(r.quantity == "rockets_122mm" for r in results)
    assert phys.sensitivity[0].param == "containers"


def test_estimates_are_written_and_rewritten_per_period(hand_ws: Path) -> None:
    first = estimate_workspace(hand_ws, draws=DRAWS)
    estimate_workspace(hand_ws, draws=DRAWS)
    with Workspace(hand_ws, read_only=True) as ws:
        rows = query_arrow(ws, "SELECT * FROM estimates").to_pylist()
    assert len(rows) == len(first)
    row = next(r for r in rows if r["quantity"] == "containers")
    assert row["p05"] == pytest.approx(first[0].p05)
    assert set(json.loads(row["inputs"])["shipments"]) == set(first[0].inputs["shipments"])
    assert json.loads(row["unverified"]) and json.loads(row["sensitivity"])[0]["param"]
    assert row["params_hash"] == first[0].params_hash and row["draws"] == DRAWS
    assert row["period_requested"] == "*..*"
    # another period adds its own rows
    estimate_workspace(hand_ws, start="2023-08-01", end="2024-02-29", draws=DRAWS)
    with Workspace(hand_ws, read_only=True) as ws:
        scopes = query_arrow(
            ws, "SELECT period_requested, count(*) AS n FROM estimates GROUP BY 1 ORDER BY 1"
        ).to_pylist()
    assert [r["period_requested"] for r in scopes] == ["*..*", "2023-08-01..2024-02-29"]


def test_period_filter_counts_trips_by_arrival(hand_ws: Path) -> None:
    results = estimate_workspace(hand_ws, start="2023-08-01", end="2024-02-29", draws=DRAWS)
    boxes = results[0]
    assert boxes.inputs["vessels"] == ["ANGARA"] and len(boxes.inputs["shipments"]) == 2
    assert boxes.period_start == datetime(2023, 8, 1)
    assert boxes.period_end == datetime(2024, 2, 29)
    assert boxes.p95 <= 2 * 450


def test_per_trip_range_replaces_capacity_times_load(hand_ws: Path) -> None:
    results = estimate_workspace(hand_ws, per_trip="100:200", draws=DRAWS, write=False)
    boxes = results[0]
    assert boxes.method == "shipments_x_per_trip"
    assert boxes.p05 >= 100 and boxes.p95 <= 4 * 200
    assert not any("capacity" in u for u in boxes.unverified)


def test_known_trip_counts_are_used_as_they_are(hand_ws: Path) -> None:
    estimate_workspace(hand_ws, draws=100, write=False, rebuild_shipments="never")
    from darkcargo.shipments.build import build_shipments

    build_shipments(hand_ws)
    with Workspace(hand_ws) as ws:
        ws.con.execute("UPDATE shipments SET containers = 1000")
    results = estimate_workspace(hand_ws, draws=DRAWS, rebuild_shipments="never", write=False)
    assert results[0].p05 == results[0].p95 == 4000


def test_quay_sightings_give_a_separate_cross_check(hand_ws: Path, tmp_path: Path) -> None:
    f = tmp_path / "quay.csv"
    f.write_text(
        "sighting_id,ts,place,kind,count,count_low,count_high,mmsi,imo,source\n"
        "q1,2023-09-05T08:00:00,DUNAI,containers_on_quay,280,250,300,,,imagery\n"
        "q2,2023-12-01T00:00:00,DUNAI,containers_on_quay,999,,,,,no trip near it\n"
    )
    load_sightings(f, hand_ws)
    results = estimate_workspace(hand_ws, draws=DRAWS, seed=3)
    quay = _get(results, "containers", "quay_sightings")
    assert quay.inputs["sightings"] == ["q1"] and len(quay.inputs["matched_shipments"]) == 1
    # the matched trip carries 250-300; the other 0-3 real trips carry the same mean
    assert quay.p05 >= 250 and quay.p95 <= 4 * 300
    # never blended into the primary estimate
    assert results[0].method == "shipments_x_load"


def test_a_workspace_without_trips_estimates_zero(tmp_path: Path) -> None:
    Workspace(tmp_path / "empty.duckdb").close()
    results = estimate_workspace(tmp_path / "empty.duckdb", draws=1000)
    assert results[0].p05 == results[0].p95 == 0
    assert _get(results, "rounds_152mm", "physical_packing").p95 == 0


def test_a_missing_workspace_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="--containers"):
        estimate_workspace(tmp_path / "nope.duckdb", draws=10)
    assert not (tmp_path / "nope.duckdb").exists()


def test_shipments_are_rebuilt_when_events_change(hand_ws: Path) -> None:
    estimate_workspace(hand_ws, draws=1000)
    from tests.shipments.conftest import DUNAI, RAJIN, day, event

    with Workspace(hand_ws) as ws:
        ws.append(
            "events",
            events_table(
                [
                    event(
                        "a8",
                        "port_call",
                        ANGARA_MMSI,
                        day(9, 20),
                        day(9, 21),
                        port="RAJIN",
                        pos0=RAJIN,
                    ),
                    event(
                        "a9",
                        "port_call",
                        ANGARA_MMSI,
                        day(9, 22),
                        day(9, 23),
                        port="DUNAI",
                        pos0=DUNAI,
                    ),
                ]
            ),
        )
    results = estimate_workspace(hand_ws, draws=1000)
    assert results[0].inputs["observed_trips"] == {"ANGARA": 2}


def test_quay_load_is_the_peak_count_less_the_background_stock(
    hand_ws: Path, tmp_path: Path
) -> None:
    # DUNAI holds ~20 boxes between calls; ANGARA's trip arrives 5 Sep 2023 00:00
    lines = ["ts,place,kind,count,count_low,count_high"]
    lines += [f"2023-10-{d:02d}T02:00:00,DUNAI,containers_on_quay,20,19,21" for d in range(1, 13)]
    lines += [
        "2023-09-04T02:00:00,DUNAI,containers_on_quay,25,24,26",  # before the arrival: not read
        "2023-09-05T20:00:00,DUNAI,containers_on_quay,250,240,260",  # unloading
        "2023-09-06T20:00:00,DUNAI,containers_on_quay,320,310,330",  # the peak
    ]
    f = tmp_path / "quay.csv"
    f.write_text("\n".join(lines) + "\n")
    load_sightings(f, hand_ws)
    results = estimate_workspace(hand_ws, start="2023-09-01", end="2023-09-07", draws=DRAWS)
    quay = _get(results, "containers", "quay_sightings")
    assert quay.inputs["background"] == {"DUNAI": 20.0}
    assert len(quay.inputs["sightings"]) == 1
    # one trip in the period, matched: 310-330 less 20 boxes of background
    assert 290 <= quay.p05 <= quay.p95 <= 310
