"""End to end on a small simulated season: the 90% interval of total containers must contain the
ground truth (simulate -> ingest -> detect -> shipments rule v1 -> estimate)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from darkcargo.ais.ingest import ingest
from darkcargo.estimate.run import estimate_workspace
from darkcargo.events.detect import detect
from darkcargo.scenario import ScenarioSettings, simulate
from darkcargo.shipments.build import build_shipments
from darkcargo.sightings.load import load_sightings


@pytest.mark.slow
def test_season_interval_for_total_containers_contains_the_truth(tmp_path: Path) -> None:
    season = simulate(tmp_path / "season", ScenarioSettings(vessels=30))
    ws = tmp_path / "ws.duckdb"
    ingest([season.paths["nmea"]], ws)
    detect(ws, "gfw", ports_csv=[season.paths["ports"]])
    report = build_shipments(ws)
    load_sightings(season.paths["sightings"], ws)

    voyages = pq.read_table(season.paths["voyages"]).to_pylist()
    truth = sum(v["containers_loaded"] for v in voyages if v["arrived_in_season"])
    trips = sum(v["arrived_in_season"] for v in voyages)
    # rule v1 finds (nearly) every covert trip, most of them dark
    assert trips - 2 <= report.shipments <= trips + 2
    assert report.shipments_inferred > report.shipments_observed

    results = estimate_workspace(
        ws, start="2023-08-01", end="2024-02-29", draws=200_000, munitions=["152mm"]
    )
    boxes = results[0]
    assert (boxes.quantity, boxes.method) == ("containers", "shipments_x_load")
    assert boxes.p05 <= truth <= boxes.p95, (boxes.p05, truth, boxes.p95)
    quay = next(r for r in results if r.method == "quay_sightings")
    assert quay.inputs["sightings"]  # the cross-check ran on the season's quay counts
    rounds = next(r for r in results if r.quantity == "rounds_152mm")
    assert rounds.p95 <= boxes.p95 * 544  # never more than the bare-round mass ceiling per box
