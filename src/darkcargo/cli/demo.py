"""`darkcargo demo`: the demo season end to end, with no arguments needed."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from darkcargo.cli.output import console


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for the scenario, workspace, report, exports."),
    ] = Path("darkcargo-demo"),
    seed: Annotated[
        int, typer.Option(help="Scenario seed: the same seed gives the same season.")
    ] = 7,
    vessels: Annotated[int, typer.Option(help="Vessels in the simulated season.")] = 300,
    start: Annotated[
        str, typer.Option(help="First day of the season (YYYY-MM-DD).")
    ] = "2023-08-01",
    end: Annotated[str, typer.Option(help="Last day of the season (YYYY-MM-DD).")] = "2024-02-29",
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Simulate again even if a cached season matches.")
    ] = False,
) -> None:
    """Build the demo season (or reuse the cached one) and run every stage on it.

    Writes OUT/scenario/ (AIS as NMEA and CSV, sightings, documents, ground truth),
    OUT/workspace.duckdb, OUT/report.html and OUT/exports/, then prints what it found.
    """
    from darkcargo.demo import run_demo
    from darkcargo.errors import InputError
    from darkcargo.scenario.settings import ScenarioSettings

    try:
        settings = ScenarioSettings(
            seed=seed, vessels=vessels, start=date.fromisoformat(start), end=date.fromisoformat(end)
        )
    except ValueError as exc:
        raise InputError(None, f"--start/--end: {exc}") from exc
    with console.status("demo") as status:
        result = run_demo(out, settings, fresh=fresh, say=lambda msg: status.update(msg))
    _print_summary(result)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) else "-"


def _print_summary(r: object) -> None:
    from darkcargo.demo import DemoReport

    assert isinstance(r, DemoReport)
    total = sum(r.timings.values())
    cached = " (scenario cached)" if r.scenario_cached else ""
    console.print(f"[bold]darkcargo demo[/bold] finished in {total:.1f} s{cached}")
    console.print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in r.timings.items()))
    c = r.counts
    console.print(
        f"ingest: {c['lines']:,} NMEA lines, {c['accepted']:,} accepted, {c['rejected']:,} rejected; "
        f"{c['positions']:,} positions of {c['vessels']:,} vessels"
    )

    events = Table(title="events found (preset gfw) and scored against the ground truth")
    for col in ("kind", "found", "truth", "unobservable", "precision", "recall"):
        events.add_column(col, justify="left" if col == "kind" else "right")
    scores = r.score.kinds if r.score else {}
    for kind in sorted(set(r.events) | set(scores)):
        s = scores.get(kind)
        events.add_row(
            kind + (" (inferred)" if kind == "dark_port_call" else ""),
            f"{r.events.get(kind, s.detected if s else 0):,}",
            f"{s.truth:,}" if s else "-",
            f"{s.optional:,}" if s else "-",
            f"{s.precision:.2f}" if s and s.detected else "-",
            f"{s.recall:.2f}" if s and s.truth else "-",
        )
    console.print(events)
    console.print(
        "truth: planted and simulated events the received AIS could show (recall's denominator); "
        "unobservable: true events with too few received positions to see (not held against recall)"
    )

    est = Table(title="estimates (90% interval; see the report for assumptions)")
    for col in ("quantity", "method", "p05", "p50", "p95"):
        est.add_column(col, justify="left" if col in ("quantity", "method") else "right")
    unverified: set[str] = set()
    for e in r.estimates:
        est.add_row(e.quantity, e.method, _fmt(e.p05), _fmt(e.p50), _fmt(e.p95))
        unverified.update(e.unverified)
    console.print(est)
    if r.truth_containers is not None:
        console.print(f"ground truth: the covert carriers loaded {r.truth_containers:,} containers")
    if unverified:
        console.print(
            f"[yellow]{len(unverified)} unverified parameters[/yellow] drive these figures; each is "
            "named in the report and in `darkcargo estimate --workspace W --json`"
        )
    grades = ", ".join(f"{k} {v}" for k, v in sorted(r.gradings.items())) or "none"
    console.print(
        f"claims: {c['claims']} extracted from the documents; graded against every comparable "
        f"estimate ({sum(r.gradings.values())} comparisons): {grades}"
    )
    console.print(
        f"shipments: {c['shipments']} trips of watched vessels; "
        f"{c.get('inferred_calls', 0)} dark port calls inferred (infer: sea routes, radar, "
        "sightings; `darkcargo calls --kind inferred` lists them with their evidence)"
    )
    _print_radar(r)
    if r.risk_top:
        from darkcargo.cli.vessels import print_top

        print_top(r.risk_top, "vessels by risk (darkcargo vessels / vessel ID for the evidence)")
    console.print(f"report: {r.report_html}  (one file, opens offline)")
    console.print(f"exports: {', '.join(str(p) for p in r.exports.values())}")
    console.print(
        f"dashboard: darkcargo serve --workspace {r.workspace}  then open http://127.0.0.1:8000/"
    )


def _pct(x: float) -> str:
    return f"{x:.2f}" if math.isfinite(x) else "-"


def _print_radar(r: object) -> None:
    """Radar: detection and matching scores, and the dark detections at Rajin beside the truth."""
    from darkcargo.demo import DemoReport

    assert isinstance(r, DemoReport)
    rs = r.radar
    if rs is None:
        return
    c = r.counts
    console.print(
        f"radar: {c.get('radar_scenes', 0)} simulated Sentinel-1 scenes, "
        f"{c.get('radar_detections', 0)} detections: {c.get('radar_matched', 0)} matched to AIS, "
        f"{c.get('radar_dark', 0)} dark"
    )
    t = Table(title="radar detection against the scenes' truth")
    for col in ("where", "vessels", "found", "recall", "detections", "true", "precision"):
        t.add_column(col, justify="left" if col == "where" else "right")
    for name, k in (("offshore", rs.offshore), ("near-shore", rs.near_shore)):
        t.add_row(
            name, str(k.truth), str(k.found), _pct(k.recall), str(k.detections),
            str(k.true_detections), _pct(k.precision),
        )  # fmt: skip
    console.print(t)
    console.print(
        f"(+{rs.masked} vessels on the land mask, not searchable); identity: "
        f"{rs.ais_correct}/{rs.ais_expected} vessels with AIS matched to their own MMSI "
        f"({rs.ais_consistent} to their own or a hull touching theirs), "
        f"{rs.dark_correct}/{rs.dark_expected} without AIS left dark"
    )
    rows = sorted(rs.rajin, key=lambda x: x["ts"])
    if not rows:
        console.print("no dark detection at Rajin")
        return
    t = Table(title="dark radar detections at Rajin, beside the truth")
    for col in ("time (UTC)", "lat", "lon", "radar length", "nearest AIS", "truth"):
        t.add_column(col, justify="left" if col in ("time (UTC)", "truth") else "right")
    for x in rows:
        near = x["nearest_ais_m"]
        t.add_row(
            f"{x['ts']:%Y-%m-%d %H:%M}",
            f"{x['lat']:.4f}",
            f"{x['lon']:.4f}",
            "-" if not math.isfinite(x["length_m"]) else f"{x['length_m']:.0f} m",
            "none in 30 min"
            if near is None or not math.isfinite(near)
            else f"{near / 1000:.1f} km",
            x["truth"],
        )
    console.print(t)
