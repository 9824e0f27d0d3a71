"""`darkcargo events`: list detected events by kind, vessel, port and time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from darkcargo.cli.options import FormatOpt, OutputFormat, WorkspaceOpt
from darkcargo.cli.output import print_table
from darkcargo.errors import InputError
from darkcargo.events.kinds import EVENT_KINDS


def events_cmd(
    workspace: WorkspaceOpt,
    kind: Annotated[str | None, typer.Option(help=f"One of {', '.join(EVENT_KINDS)}.")] = None,
    vessel: Annotated[str | None, typer.Option(help="IMO (7 digits), MMSI or name.")] = None,
    port: Annotated[str | None, typer.Option(help="Port id, e.g. RAJIN.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Events ending at or after.")] = None,
    until: Annotated[datetime | None, typer.Option(help="Events starting before.")] = None,
    preset: Annotated[str | None, typer.Option(help="Only events of this preset.")] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Only events with confidence (0-1) at least this; e.g. 0.5 hides port "
            "presences (0.25), 0.75 keeps port calls with a stop seen. Meanings per kind below.",
        ),
    ] = None,
    min_hours: Annotated[
        float | None,
        typer.Option(min=0.0, help="Only events lasting at least this many hours (end - start)."),
    ] = None,
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
            ws,
            kind=kind,
            mmsis=mmsis,
            port=port,
            since=since,
            until=until,
            preset=preset,
            min_confidence=min_confidence,
            min_hours=min_hours,
        )
    print_table(table, fmt, title="events")
    if preset is None and table.num_rows:
        presets = sorted(set(table.column("preset").to_pylist()))
        if len(presets) > 1:
            # each preset's events are listed: the same stay once per preset
            typer.echo(
                f"events of {len(presets)} presets ({', '.join(presets)}), each listed: "
                "--preset picks one",
                err=True,
            )


KINDS_HELP = (
    "Kinds: port_call (a stay proven by a stop or by AIS off in port), port_presence (seen in a "
    "port without a stay: not a call), stop (a stationary period anywhere, with the nearest "
    "port), gap (a silence; where AIS went off and came back, the watched ports reachable "
    "within it), encounter, loitering, identity_change, spoof_jump, shared_mmsi. Evidence "
    'rules: README, "Event definitions".'
)


def register(app: typer.Typer) -> None:
    from darkcargo.events.definitions import confidence_help

    app.command("events", epilog=KINDS_HELP + "\n\n" + confidence_help())(events_cmd)
