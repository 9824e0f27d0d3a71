"""`darkcargo events`: list detected events by kind, vessel, port and time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from darkcargo.cli.options import FormatOpt, OutputFormat, WorkspaceOpt
from darkcargo.cli.output import print_table
from darkcargo.errors import InputError
from darkcargo.events.schema import EVENT_KINDS


def events_cmd(
    workspace: WorkspaceOpt,
    kind: Annotated[str | None, typer.Option(help=f"One of {', '.join(EVENT_KINDS)}.")] = None,
    vessel: Annotated[str | None, typer.Option(help="IMO (7 digits), MMSI or name.")] = None,
    port: Annotated[str | None, typer.Option(help="Port id, e.g. RAJIN.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Events ending at or after.")] = None,
    until: Annotated[datetime | None, typer.Option(help="Events starting before.")] = None,
    preset: Annotated[str | None, typer.Option(help="Only events of this preset.")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List events, oldest first."""
    from darkcargo.events.query import query_events, resolve_vessel
    from darkcargo.workspace import Workspace

    if kind and kind not in EVENT_KINDS:
        raise InputError("--kind", f"unknown kind {kind!r}; one of {', '.join(EVENT_KINDS)}")
    with Workspace(workspace, read_only=True) as ws:
        mmsis = resolve_vessel(ws, vessel) if vessel else None
        table = query_events(
            ws, kind=kind, mmsis=mmsis, port=port, since=since, until=until, preset=preset
        )
    print_table(table, fmt, title="events")


def register(app: typer.Typer) -> None:
    app.command("events")(events_cmd)
