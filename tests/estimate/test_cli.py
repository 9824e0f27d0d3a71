"""`darkcargo estimate` and `darkcargo catalogue` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from darkcargo.cli.main import app
from darkcargo.workspace import Workspace

runner = CliRunner()


def test_estimate_counts_json_has_quantiles_per_quantity() -> None:
    res = runner.invoke(
        app,
        ["estimate", "--containers", "6700", "--munition", "152mm", "--json", "--draws", "20000"],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["mode"] == "counts"
    pairs = {(e["quantity"], e["method"]) for e in doc["estimates"]}
    assert ("rounds_152mm", "physical_packing") in pairs
    assert ("rounds_152mm", "official_ratio") in pairs
    assert ("containers", "given") in pairs
    for e in doc["estimates"]:
        assert e["p05"] <= e["p50"] <= e["p95"]
    phys = next(e for e in doc["estimates"] if e["method"] == "physical_packing")
    assert phys["p95"] <= 3_650_000 and phys["sensitivity"] and phys["unverified"]


def test_estimate_counts_table_names_unverified_parameters() -> None:
    res = runner.invoke(
        app,
        ["estimate", "--containers", "6700", "-m", "grad", "--draws", "20000"],
        env={"COLUMNS": "160"},
    )
    assert res.exit_code == 0, res.output
    assert "rockets_122mm" in res.output and "official_ratio" in res.output
    assert "what drives the spread" in res.output
    assert "crate height 0.17-0.25 m, unverified" in res.output
    assert "geometry 100%" in res.output


def test_estimate_all_munitions_lists_containers_once() -> None:
    res = runner.invoke(app, ["estimate", "-c", "1000", "--json", "--draws", "2000"])
    doc = json.loads(res.output)
    assert sum(e["quantity"] == "containers" for e in doc["estimates"]) == 1
    assert {"rounds_152mm", "rounds_122mm", "rockets_122mm"} <= {
        e["quantity"] for e in doc["estimates"]
    }


def test_bad_container_count_is_one_line_and_exit_2() -> None:
    from darkcargo.cli.main import main  # noqa: F401  (the entry point maps errors to codes)

    res = runner.invoke(app, ["estimate", "--containers", "lots", "--draws", "10"])
    assert res.exit_code != 0
    assert "LOW:HIGH" in str(res.exception) or "LOW:HIGH" in res.output


def test_estimate_workspace_json(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    Workspace(ws).close()
    res = runner.invoke(app, ["estimate", "--workspace", str(ws), "--json", "--draws", "2000"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["mode"] == "workspace" and doc["estimates"][0]["quantity"] == "containers"


def test_catalogue_json_and_table(tmp_path: Path) -> None:
    res = runner.invoke(app, ["catalogue", "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    proj = doc["munitions"]["152mm"]["components"][0]["params"]["mass_kg"]
    assert proj["value"] == 43.56 and proj["tag"] == "OFF" and proj["source"]
    crate = doc["munitions"]["152mm"]["components"][0]["params"]["crate_mass_kg"]
    assert crate["unverified"] and (crate["low"], crate["high"]) == (12, 25)
    assert len(doc["munitions"]["152mm"]["official_ratios"]) == 7
    res = runner.invoke(app, ["catalogue", "--munition", "152mm"], env={"COLUMNS": "160"})
    assert res.exit_code == 0 and "12-25 kg" in res.output and "UNV" in res.output
    assert "122mm_grad" not in res.output
