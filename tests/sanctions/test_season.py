"""The acceptance check on simulated seasons: covert carriers rank above all background traffic,
with the season's sanctions list and without it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from darkcargo.ais.ingest import ingest
from darkcargo.events.detect import detect
from darkcargo.sanctions.load import read_list, remove_list
from darkcargo.sanctions.risk import build_risk
from darkcargo.sanctions.run import watch
from darkcargo.scenario.settings import ScenarioSettings
from darkcargo.scenario.simulate import simulate
from darkcargo.shipments.build import build_shipments
from darkcargo.workspace import Workspace


def covert_vs_background(table: object, vessels: Path) -> tuple[list[int], int]:
    """Ranks of the covert carriers and the best rank of any background vessel."""
    role = {r["mmsi"]: r["role"] for r in pq.read_table(vessels).to_pylist()}
    covert, background = [], []
    for r in table.to_pylist():  # type: ignore[attr-defined]
        roles = {role.get(m) for m in json.loads(r["mmsis"])}
        (covert if "covert" in roles else background).append(r["rank"])
    return covert, min(background)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 11])
def test_covert_carriers_rank_above_every_background_vessel(tmp_path: Path, seed: int) -> None:
    out = tmp_path / "season"
    simulate(out, ScenarioSettings(seed=seed, vessels=40, end=date(2023, 8, 31)))
    listed = read_list([out / "sanctions" / "sdn.csv", out / "sanctions" / "alt.csv"])
    assert [v.name for v in listed.vessels][:4] == ["ANGARA", "MARIA", "MAIA-1", "LADY R"]
    with Workspace(tmp_path / "w.duckdb") as ws:
        ingest([out / "ais.nmea"], ws)
        detect(ws, preset="gfw", ports_csv=[out / "ports.csv"])
        build_shipments(ws)
        report, top = watch(ws, out / "sanctions")
        covert, best_background = covert_vs_background(
            report.table, out / "truth" / "vessels.parquet"
        )
        assert len(covert) >= 2  # ANGARA and MARIA sail in August; MAIA-1, LADY R later
        assert max(covert) < best_background
        assert all(r["listed"] for r in top[: len(covert)])
        names = {m["name"] for m in ws.arrow("SELECT name FROM matches").to_pylist()}
        # the same-name decoy (another IMO) and the ghost never match
        assert names <= {"ANGARA", "MARIA", "MAIA-1", "LADY R"}
        remove_list(ws, "OFAC_SDN")
        unlisted = build_risk(ws)
        covert, best_background = covert_vs_background(
            unlisted.table, out / "truth" / "vessels.parquet"
        )
        assert max(covert) < best_background
