"""`darkcargo detect`: positions and statics -> segments and events, with a named preset."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from darkcargo.ais.mmsi import CLASSES
from darkcargo.cli.options import (
    CaseOpt,
    Engine,
    EngineOpt,
    MasterOpt,
    SparkConfOpt,
    WorkspaceOpt,
    spark_options,
)
from darkcargo.errors import InputError

if TYPE_CHECKING:
    from darkcargo.events.detect import DetectReport


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
    engine: EngineOpt = Engine.duckdb,
    master: MasterOpt = None,
    conf: SparkConfOpt = None,
    input_dir: Annotated[
        str | None,
        typer.Option(
            "--input",
            help="With --engine spark: a Parquet dataset (positions/, statics/ by day, as "
            "`darkcargo ingest --engine spark --out` writes) instead of the workspace.",
        ),
    ] = None,
    output_dir: Annotated[
        str | None,
        typer.Option(
            "--output",
            help="With --input: folder for events/ and segments/ (Parquet by day) and "
            "_detect.json (preset, parameters and their hash, counts); replaced when complete.",
        ),
    ] = None,
) -> None:
    """Detect port calls, gaps, encounters, loitering, identity changes and spoof jumps (for
    ships only unless --classes or --all-classes say otherwise)."""
    chosen = [c.strip() for c in classes.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in CLASSES]
    if unknown or not chosen:
        raise InputError(
            "--classes", f"unknown class '{', '.join(unknown)}'; use some of {', '.join(CLASSES)}"
        )
    read_classes = None if all_classes else chosen
    ports_csv = [str(p) for p in ports or []]
    if engine is Engine.spark:
        report = _detect_spark(
            workspace, preset, since, until, ports_csv, case, port_radius, master, conf,
            input_dir, output_dir, read_classes,
        )  # fmt: skip
    else:
        if input_dir or output_dir or master or conf:
            raise InputError("--input/--output/--master/--conf", "need --engine spark")
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
                ports_csv=ports_csv,
                case=case,
                progress=tick,
                port_radius_km=port_radius,
                classes=read_classes,
            )
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.events.items())) or "none"
    typer.echo(
        f"{report.positions} positions of {report.mmsis} MMSIs -> {report.segments} segments, "
        f"{report.total_events} events ({kinds}); preset {report.preset} "
        f"[{report.params_hash}] in {report.seconds:.1f} s"
    )
    if report.ports:
        typer.echo(f"ports: {report.ports}")
    if report.left_out:
        skipped = ", ".join(
            f"{k} {m:,} MMSIs ({n:,} positions)" for k, (m, n) in report.left_out.items()
        )
        typer.echo(
            f"not read for their MMSI class: {skipped}; --classes or --all-classes reads them"
        )
    if engine is Engine.spark:
        typer.echo(f"engine spark; events in {output_dir or workspace}")


def _detect_spark(
    workspace: Path,
    preset: str,
    since: datetime | None,
    until: datetime | None,
    ports_csv: list[str],
    case: str | None,
    port_radius: float | None,
    master: str | None,
    conf: list[str] | None,
    input_dir: str | None,
    output_dir: str | None,
    classes: list[str] | None,
) -> DetectReport:
    from darkcargo.engines.spark import detect_dataset, detect_workspace

    options = spark_options(master, conf)
    if input_dir is not None:
        if output_dir is None:
            raise InputError("--input", "needs --output, the folder for the events")
        return detect_dataset(
            input_dir,
            output_dir,
            preset,
            since=since,
            until=until,
            ports_csv=ports_csv,
            case=case,
            port_radius_km=port_radius,
            options=options,
            classes=classes,
        )
    if output_dir is not None:
        raise InputError("--output", "needs --input (without it the events go to the workspace)")
    return detect_workspace(
        workspace,
        preset,
        since=since,
        until=until,
        ports_csv=ports_csv,
        case=case,
        port_radius_km=port_radius,
        options=options,
        classes=classes,
    )


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
