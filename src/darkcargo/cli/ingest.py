"""`darkcargo ingest`: AIS files (NMEA, provider CSV, Parquet; plain, gzip, bz2, zstd or zip) into the
workspace, with a progress bar per file and accepted/rejected counts by reason."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from darkcargo.cli.options import (
    Engine,
    EngineOpt,
    MasterOpt,
    SparkConfOpt,
    WorkspaceOpt,
    spark_options,
)
from darkcargo.errors import InputError, printable

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from darkcargo.ais.ingest import FileResult, IngestReport

# Stage code (numba, DuckDB, pyarrow) is imported by the functions that use it, so that
# `darkcargo --help` and the other commands do not pay for it.


class InputFormat(StrEnum):
    auto = "auto"
    nmea = "nmea"
    csv = "csv"
    parquet = "parquet"
    json = "json"


HELP = """Load AIS files into the workspace: positions, statics, and rejects with a reason.

Formats: NMEA 0183 AIVDM/AIVDO (tag blocks, multipart, receive-time trailers), CSV from MarineCadastre (the legacy and the 2024+ "csv2" headers), the Danish Maritime Authority or Global Fishing Watch map downloads (recognised by their header; add your own provider with --layouts), any other CSV by the usual names of its columns (the columns taken are reported) or with --columns, Parquet and JSON (Lines, e.g. Global Fishing Watch pipeline messages) with the canonical column names, those of a known layout (MarineCadastre GeoParquet) or their usual names. Files may be plain, gzip, bz2, zstd or a zip holding one file (recognised by their first bytes, not their names).

Each file is ingested in one transaction: if it fails half way (bad input, Ctrl-C, a crash), nothing of that file is kept, while files finished earlier by the same command stay committed. A file whose bytes were ingested before (same SHA-256, under any name) is skipped as "already ingested". Every line or row ends up accepted or in the rejects table with a reason code and the field that caused it; see them with `darkcargo info`. Rows without a position (lat/lon empty or 91/181) are kept for their identity in statics, never as positions. Every MMSI gets a class (ship, base station, aid to navigation, SAR aircraft, ... or invalid) from its digits and message types.

Exit code 2 on input that cannot be read as its format, and on a file of which no line is accepted (nothing of it is kept; the message says the likely cause, e.g. lat and lon swapped); the message names the file, the line and the reason.
"""


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(
            "--default-time", f"'{value}' is not an ISO 8601 time (e.g. 2024-03-12T06:00Z)"
        ) from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _reasons(reasons: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in reasons.items())


def describe(result: FileResult) -> str:
    """One line about one file, as printed after its progress bar."""
    from darkcargo.ais.ingest import STATUS_DUPLICATE, STATUS_EMPTY

    if result.status == STATUS_EMPTY:
        return f"{result.path}: empty, nothing to ingest"
    if result.status == STATUS_DUPLICATE:
        return (
            f"{result.path}: already ingested (source {result.source_id}, "
            f"{result.accepted:,} accepted, {result.rejected:,} rejected); nothing added"
        )
    line = (
        f"{result.path}: {result.format}, {result.lines_read:,} lines: "
        f"{result.accepted:,} accepted, {result.rejected:,} rejected"
    )
    if result.reasons:
        line += f" ({_reasons(result.reasons)})"
    rate = result.lines_read / result.seconds if result.seconds > 0 else 0.0
    return (
        f"{line}; {result.positions:,} positions, {result.statics:,} statics "
        f"in {result.seconds:.1f} s ({rate:,.0f} lines/s)"
    )


def summarize(report: IngestReport) -> str:
    """The closing line: totals over the files of one command."""
    from darkcargo.ais.ingest import STATUS_DUPLICATE, STATUS_EMPTY

    done = sum(1 for f in report.files if f.status not in (STATUS_DUPLICATE, STATUS_EMPTY))
    dup = sum(1 for f in report.files if f.status == STATUS_DUPLICATE)
    text = (
        f"total: {done} file(s) ingested, {dup} already ingested; {report.lines_read:,} lines: "
        f"{report.accepted:,} accepted, {report.rejected:,} rejected"
    )
    if report.reasons:
        text += f" ({_reasons(report.reasons)})"
    return text + f"; {report.positions:,} positions, {report.statics:,} statics"


class BarProgress:
    """Draws one byte-counting progress bar per file (on a terminal; `progress` is None
    elsewhere) and prints each file's result line."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        self.current: str | None = None
        self.finished: list[FileResult] = []

    def start(self, path: str, total_bytes: int) -> None:
        self.current = path
        if self.progress is not None:
            from rich.markup import escape

            # a file name is data: escaped, as the bar renders its description as console markup
            name = escape(printable(Path(path).name))
            self.task = self.progress.add_task(name, total=total_bytes)

    def advance(self, nbytes: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=nbytes)

    def done(self, result: FileResult) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.remove_task(self.task)
            self.task = None
        self.current = None
        self.finished.append(result)
        say(describe(result))


def say(line: str, err: bool = False) -> None:
    """One line about the files, as written (their names are data: control characters shown
    as escapes). Plain lines need no console: rich is imported for the progress bars only."""
    typer.echo(printable(line), err=err)


def progress_bars() -> AbstractContextManager[Progress | None]:
    """Progress bars on a terminal; elsewhere (a pipe, a file, a CI log) rich would draw none,
    so none are built (nor rich's refresh thread started)."""
    if not sys.stdout.isatty():
        return nullcontext(None)
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from darkcargo.cli.output import console

    return Progress(
        TextColumn("[bold]{task.description}", justify="left"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def ingest_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(help="AIS files: NMEA, CSV or Parquet; plain, .gz, .bz2, .zst or .zip."),
    ],
    workspace: WorkspaceOpt,
    default_time: Annotated[
        str | None,
        typer.Option(
            "--default-time",
            help="ISO 8601 time (UTC unless an offset is given) for positions that carry no "
            "time of their own; without it they are rejected as no_time.",
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Column map for CSVs of no known layout: 'mmsi=MMSI,ts=time,lat=Latitude,"
            "lon=Longitude' plus any of sog, cog, heading, nav_status, msg_type, imo, callsign, "
            "name, ship_type, length_m, beam_m, draught_m, destination, and ts_format=<strptime "
            "format> (default ISO 8601 or epoch seconds). Literal None, nan, NULL and empty "
            "values are nulls.",
        ),
    ] = None,
    layouts: Annotated[
        list[Path] | None,
        typer.Option(
            "--layouts",
            help="TOML file of provider layouts (as src/darkcargo/ais/layouts.toml: headers "
            "that identify the provider, and the column of each field), tried before the "
            "built-in ones; repeatable.",
        ),
    ] = None,
    input_format: Annotated[
        InputFormat,
        typer.Option(
            "--format",
            "-f",
            help="Input format; auto detects it from the file's content.",
            case_sensitive=False,
        ),
    ] = InputFormat.auto,
    engine: EngineOpt = Engine.duckdb,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="With --engine spark: the Parquet dataset to add to (positions/ and statics/ "
            "by day, rejects/, sources/), instead of the workspace; created when missing.",
        ),
    ] = None,
    master: MasterOpt = None,
    conf: SparkConfOpt = None,
) -> None:
    """Load AIS files into the workspace (see HELP)."""
    from darkcargo.ais.ingest import STATUS_DUPLICATE, STATUS_EMPTY, ingest

    when = _parse_time(default_time)
    if engine is Engine.spark:
        _ingest_spark(paths, out, when, columns, input_format, master, conf, layouts)
        return
    if out or master or conf:
        raise InputError("--out/--master/--conf", "need --engine spark")
    with progress_bars() as bar:
        sink = BarProgress(bar)
        try:
            report = ingest(
                paths,
                workspace,
                default_time=when,
                columns=columns,
                progress=sink,
                input_format=input_format.value,
                layouts=layouts or (),
            )
        except KeyboardInterrupt:
            if bar is not None:
                bar.stop()
            kept = sum(1 for f in sink.finished if f.status not in (STATUS_DUPLICATE, STATUS_EMPTY))
            where = f"{sink.current} was rolled back" if sink.current else "nothing was half done"
            say(
                f"interrupted: {where}; {kept} file(s) finished earlier by this command stay "
                "committed",
                err=True,
            )
            # sys.exit, not typer.Exit: click hands an Exit's code back instead of exiting
            sys.exit(130)
    say(summarize(report))


def _ingest_spark(
    paths: list[Path],
    out: str | None,
    when: datetime | None,
    columns: str | None,
    input_format: InputFormat,
    master: str | None,
    conf: list[str] | None,
    layouts: list[Path] | None = None,
) -> None:
    """AIS files read on Spark into a Parquet dataset (one task per file)."""
    from darkcargo.engines.spark import ingest_dataset

    if out is None:
        raise InputError("--engine spark", "needs --out, the Parquet dataset to write")
    report = ingest_dataset(
        paths,
        out,
        default_time=when,
        input_format=input_format.value,
        options=spark_options(master, conf),
        columns=columns,
        layouts=layouts or (),
    )
    for result in report.files:
        say(describe(result))
    say(summarize(report) + f"; dataset {out}")


def register(app: typer.Typer) -> None:
    app.command("ingest", help=HELP)(ingest_cmd)
