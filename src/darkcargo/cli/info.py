"""`darkcargo info`: what a workspace holds (sources, AIS coverage, rejects, every table)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from darkcargo.cli.options import WorkspaceOpt
from darkcargo.cli.output import console, text

if TYPE_CHECKING:
    from darkcargo.ais.info import WorkspaceInfo

HASH_PREFIX = 12


class InfoFormat(StrEnum):
    table = "table"
    json = "json"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def info_as_dict(info: WorkspaceInfo) -> dict[str, Any]:
    """The summary as plain data (for --format json)."""
    data = asdict(info)
    data["time_span"] = {"first": info.first_ts, "last": info.last_ts}
    del data["first_ts"], data["last_ts"]
    return data


def _print_tables(info: WorkspaceInfo) -> None:
    console.print(Text.assemble(("workspace", "bold"), " ", text(info.path)))
    src = Table(title="sources", title_justify="left")
    for name in ("id", "path", "format", "rows", "accepted", "rejected", "sha256"):
        numeric = name in ("id", "rows", "accepted", "rejected")
        src.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for s in info.sources:
        src.add_row(
            str(s.source_id),
            text(s.path),  # file names are data: shown as text, never as console markup
            text(s.format),
            f"{s.lines_read:,}",
            f"{s.accepted:,}",
            f"{s.rejected:,}",
            s.sha256[:HASH_PREFIX],
        )
    console.print(src)
    span = (
        f"{info.first_ts:%Y-%m-%d %H:%M:%S} .. {info.last_ts:%Y-%m-%d %H:%M:%S} UTC"
        if info.first_ts and info.last_ts
        else "-"
    )
    ais = Table(title="AIS", title_justify="left", show_header=False)
    ais.add_column("what")
    ais.add_column("value", justify="right")
    ais.add_row("positions", f"{info.positions:,}")
    ais.add_row("statics", f"{info.statics:,}")
    ais.add_row("vessels (distinct MMSI)", f"{info.vessels:,}")
    ais.add_row("time span", span)
    console.print(ais)
    rej = Table(title="rejects by reason", title_justify="left")
    rej.add_column("reason")
    rej.add_column("rows", justify="right")
    for reason, count in info.rejects.items():
        rej.add_row(reason, f"{count:,}")
    if not info.rejects:
        rej.add_row("-", "0")
    console.print(rej)
    classes = Table(title="MMSI classes", title_justify="left")
    classes.add_column("class")
    classes.add_column("MMSIs", justify="right")
    for name, count in info.mmsi_classes.items():
        classes.add_row(name, f"{count:,}")
    if not info.mmsi_classes:
        classes.add_row("-", "0")
    console.print(classes)
    tables = Table(title="tables", title_justify="left")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in info.tables.items():
        tables.add_row(text(name), f"{count:,}")
    console.print(tables)


def info_cmd(
    workspace: WorkspaceOpt,
    output: Annotated[
        InfoFormat,
        typer.Option("--format", "-f", help="Output as tables or as JSON.", case_sensitive=False),
    ] = InfoFormat.table,
) -> None:
    """Show what a workspace holds: sources (path, format, rows, hash prefix), positions and
    statics counts, time span, distinct vessels, rejects by reason, MMSIs per class, and
    every table's rows."""
    from darkcargo.ais.info import workspace_info
    from darkcargo.workspace import Workspace

    with Workspace(workspace, read_only=True) as ws:
        info = workspace_info(ws)
    if output is InfoFormat.json:
        sys.stdout.write(json.dumps(info_as_dict(info), default=_json_default, indent=1) + "\n")
    else:
        _print_tables(info)


def register(app: typer.Typer) -> None:
    app.command("info")(info_cmd)
