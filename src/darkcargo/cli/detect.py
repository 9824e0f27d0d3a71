"""`darkcargo detect`: positions and statics -> segments and events, with a named preset."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from darkcargo.ais.mmsi import CLASSES
from darkcargo.cli.options import CaseOpt, WorkspaceOpt
from darkcargo.errors import InputError


def detect_cmd(
    workspace: WorkspaceOpt,
    preset: Annotated[
        str,
        typer.Option(
            help="Preset: gfw, sensitive, gpsdio, gfw-pipe-tests, or a TOML file of your own."
        ),
    ] = "gfw",
    since: Annotated[
        datetime | None, typer.Option(help="Only positions at or after this UTC time.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="Only positions before this UTC time.")
    ] = None,
    ports: Annotated[
        list[Path] | None,
        typer.Option(help="Extra ports CSV (name/label, lat, lon[, id, radius_km]); repeatable."),
    ] = None,
    case: CaseOpt = None,
    port_radius: Annotated[
        float | None,
        typer.Option(
            "--port-radius",
            min=0.01,
            help="Radius in km of the --ports rows that have no radius_km column (default 4).",
        ),
    ] = None,
    classes: Annotated[
        str,
        typer.Option(
            "--classes",
            help="MMSI classes whose positions are read, comma-separated, from: "
            + ", ".join(CLASSES)
            + " (see `darkcargo info`). Base stations, aids to navigation and invalid MMSIs "
            "make no port calls or gaps worth reading.",
        ),
    ] = "ship",
    all_classes: Annotated[
        bool, typer.Option("--all-classes", help="Read every MMSI, whatever its class.")
    ] = False,
) -> None:
    """Detect port calls, gaps, encounters, loitering, identity changes and spoof jumps (for
    ships only unless --classes or --all-classes say otherwise)."""
    chosen = [c.strip() for c in classes.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in CLASSES]
    if unknown or not chosen:
        raise InputError(
            "--classes", f"unknown class '{', '.join(unknown)}'; use some of {', '.join(CLASSES)}"
        )
    from darkcargo.events.detect import detect

    with Progress(transient=True) as bar:
        task = bar.add_task("detecting", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = detect(
            workspace,
            preset,
            since=since,
            until=until,
            ports_csv=[str(p) for p in ports or []],
            case=case,
            progress=tick,
            port_radius_km=port_radius,
            classes=None if all_classes else chosen,
        )
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.events.items())) or "none"
    typer.echo(
        f"{report.positions} positions of {report.mmsis} MMSIs -> {report.segments} segments, "
        f"{report.total_events} events ({kinds}); preset {report.preset} "
        f"[{report.params_hash}] in {report.seconds:.1f} s"
    )
    if report.ports:
        typer.echo(f"ports: {report.ports}")


def register(app: typer.Typer) -> None:
    from darkcargo.events.definitions import confidence_help

    app.command("detect", epilog=RULES + "\n\n" + confidence_help())(detect_cmd)


RULES = (
    "Also port presences and stops. A port call needs a proven stay (a stop, or AIS going off "
    "in port); one fix or a pass through a port is a port_presence, never a call. A call whose "
    "AIS went off in port spans the silence and says when the vessel left at the earliest and "
    "latest. A stop is a stationary period anywhere, with the nearest port. Gaps name the "
    "nearest port where AIS went off and where it came back, and the case's watched ports "
    "reachable within them (great-circle: an upper bound). Every threshold is a preset "
    "parameter."
)
