"""The demo: a simulated season taken through every stage, end to end.

``run_demo`` simulates the season (or reuses a cached one made with the same settings), builds a
fresh workspace from it, and runs ingest -> sightings -> detect -> radar -> infer (dark port
calls and shipments) -> estimate -> claims -> scoring against the ground truth -> report and
exports. Each stage is called through its public function, exactly as the CLI and notebooks
call it.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from darkcargo.ais.ingest import ingest
from darkcargo.claims.grading import grade_claims, reference_dates
from darkcargo.claims.ledger import extract_files
from darkcargo.estimate.result import EstimateResult
from darkcargo.estimate.run import estimate_workspace
from darkcargo.events.detect import detect
from darkcargo.report import build_report, export_bundle
from darkcargo.sanctions.run import watch
from darkcargo.sar.detect import detect_files
from darkcargo.sar.workspace_match import match_workspace
from darkcargo.scenario.sar_score import RadarScore, score_radar
from darkcargo.scenario.score import ScoreReport, score
from darkcargo.scenario.settings import ScenarioSettings
from darkcargo.scenario.simulate import is_current, simulate
from darkcargo.shipments.build import build_shipments
from darkcargo.sightings.load import load_sightings
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("darkcargo-demo")
DEMO_PRESET = "gfw"
# Monte Carlo draws for the per-claim-date estimates (the season estimate keeps the default).
CLAIM_DATE_DRAWS = 200_000
# The demo writes the two bundles most readers want; `darkcargo export` writes KML and CSV too.
EXPORT_FORMATS = ("geojson", "parquet")

Say = Callable[[str], None]


@dataclass
class DemoReport:
    """What the demo built, where, and what it found."""

    out_dir: Path
    scenario_dir: Path
    workspace: Path
    report_html: Path
    exports: dict[str, Path]
    scenario_cached: bool
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    estimates: list[EstimateResult] = field(default_factory=list)
    gradings: dict[str, int] = field(default_factory=dict)
    score: ScoreReport | None = None
    truth_containers: int | None = None
    risk_top: list[dict[str, Any]] = field(default_factory=list)
    radar: RadarScore | None = None


def _remove_workspace(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()


def run_demo(
    out_dir: Path = DEFAULT_OUT,
    settings: ScenarioSettings | None = None,
    *,
    fresh: bool = False,
    say: Say | None = None,
) -> DemoReport:
    """Run the demo scenario through every stage into out_dir; returns what it found."""
    settings = settings or ScenarioSettings()
    say = say or log.info
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scenario_dir = out_dir / "scenario"
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = fn()
        timings[name] = time.perf_counter() - started
        return result

    cached = not fresh and is_current(scenario_dir, settings)
    if cached:
        say(f"scenario: reusing the cached season in {scenario_dir} (same settings)")
    else:
        if scenario_dir.exists():
            shutil.rmtree(scenario_dir)
        say(f"scenario: simulating {settings.vessels} vessels, {settings.start} to {settings.end}")
        timed("simulate", lambda: simulate(scenario_dir, settings, progress=say))

    # Build the workspace under a temporary name and move it into place at the end, so an
    # interrupted demo never leaves a half-built workspace where the last good one was.
    final_ws = out_dir / "workspace.duckdb"
    building = out_dir / "workspace.building.duckdb"
    _remove_workspace(building)
    counts: dict[str, Any] = {}
    with Workspace(building) as ws:
        say("ingest: decoding the season's NMEA")
        report = timed("ingest", lambda: ingest([scenario_dir / "ais.nmea"], ws))
        counts.update(
            lines=report.lines_read,
            accepted=report.accepted,
            rejected=report.rejected,
            positions=report.positions,
        )
        say("sightings: loading the analyst's quay counts")
        timed("sightings", lambda: load_sightings(scenario_dir / "sightings.csv", ws))
        say(f"detect: events with the {DEMO_PRESET} preset")
        detected = timed(
            "detect",
            lambda: detect(ws, preset=DEMO_PRESET, ports_csv=[scenario_dir / "ports.csv"]),
        )
        radar = timed("radar", lambda: _radar(ws, scenario_dir, say, counts))
        say("infer: dark port calls, then the trips of the watched vessels")
        shipments = timed("shipments", lambda: build_shipments(ws))
        counts["inferred_calls"] = shipments.port_calls_inferred
        say("sanctions: the season's list, matches, vessel risk (radar and dark calls included)")
        _, risk_top = timed("risk", lambda: watch(ws, scenario_dir / "sanctions"))
        say("estimate: containers and rounds as distributions")
        estimates = timed("estimate", lambda: estimate_workspace(ws, rebuild_shipments="never"))
        say("claims: extracting and grading the documents' figures")
        documents = sorted((scenario_dir / "documents").glob("*.txt"))
        timed("claims", lambda: extract_files(documents, ws))
        # Claims speak of earlier dates ("by December"): estimate the period up to each date a
        # claim refers to, so each claim meets an estimate of its own period.
        timed("estimate_at_claim_dates", lambda: _estimates_at(ws, reference_dates(ws)))
        gradings = timed("grade", lambda: grade_claims(ws))
        say("score: events against the ground truth")
        scored = timed("score", lambda: score(ws, scenario_dir / "truth", preset=DEMO_PRESET))
        counts["shipments"] = ws.count("shipments")
        counts["claims"] = ws.count("claims")
        counts["vessels"] = int(ws.scalar("SELECT count(DISTINCT mmsi) FROM positions") or 0)
        del shipments
    _remove_workspace(final_ws)
    os.replace(building, final_ws)

    say("report and exports")
    report_html = timed("report", lambda: build_report(final_ws, out_dir / "report.html"))
    exports: dict[str, Path] = {}
    started = time.perf_counter()
    for fmt in EXPORT_FORMATS:
        target = out_dir / "exports" / fmt
        if target.exists():
            shutil.rmtree(target)
        exports[fmt] = export_bundle(final_ws, fmt, target)
    timings["exports"] = time.perf_counter() - started

    grade_counts: dict[str, int] = {}
    for g in gradings:
        grade_counts[g.grade] = grade_counts.get(g.grade, 0) + 1
    return DemoReport(
        out_dir=out_dir,
        scenario_dir=scenario_dir,
        workspace=final_ws,
        report_html=report_html,
        exports=exports,
        scenario_cached=cached,
        timings=timings,
        counts=counts,
        events=dict(detected.events),
        estimates=list(estimates),
        gradings=grade_counts,
        score=scored,
        truth_containers=_truth_containers(scenario_dir),
        risk_top=risk_top,
        radar=radar,
    )


def _radar(
    ws: Workspace, scenario_dir: Path, say: Say, counts: dict[str, Any]
) -> RadarScore | None:
    """Search the simulated Sentinel-1 scenes, match their targets to AIS, score against truth."""
    scenes = sorted((scenario_dir / "sar").glob("*.tif"))
    if not scenes:
        return None
    say(f"radar: searching {len(scenes)} simulated Sentinel-1 scenes")
    found = detect_files(scenes, workspace=ws)
    say("radar: matching targets to AIS")
    matched = match_workspace(ws)
    counts.update(
        radar_scenes=len(found.scenes),
        radar_detections=found.detections.num_rows,
        radar_matched=matched.matched,
        radar_dark=matched.dark,
    )
    return score_radar(ws, scenario_dir)


def _estimates_at(ws: Workspace, dates: list[Any]) -> None:
    for day in dates:
        estimate_workspace(ws, end=day, rebuild_shipments="never", draws=CLAIM_DATE_DRAWS)


def _truth_containers(scenario_dir: Path) -> int | None:
    """Containers the covert carriers really loaded in the season (from the ground truth)."""
    import pyarrow.parquet as pq

    path = scenario_dir / "truth" / "voyages.parquet"
    if not path.exists():
        return None
    voyages = pq.read_table(path, columns=["containers_loaded"])
    return int(sum(v or 0 for v in voyages.column("containers_loaded").to_pylist()))
