"""`darkcargo shipments`: legs from origin-port calls to destination-port calls, or their counts."""

from __future__ import annotations

from typing import Annotated

import typer

from darkcargo.cli.options import FormatOpt, OutputFormat, WorkspaceOpt, vessel_mmsis
from darkcargo.cli.output import print_table


def shipments_cmd(
    workspace: WorkspaceOpt,
    by: Annotated[
        str | None,
        typer.Option(help="Count by month (of arrival), vessel or port (origin and destination)."),
    ] = None,
    inferred_only: Annotated[
        bool, typer.Option("--inferred-only", help="Only shipments with a dark (inferred) end.")
    ] = False,
    vessel: Annotated[str | None, typer.Option(help="IMO (7 digits), MMSI or name.")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List shipments, or count them with the share inferred (run `darkcargo infer` first)."""
    from darkcargo.shipments.query import shipment_counts, shipments
    from darkcargo.workspace import Workspace

    with Workspace(workspace, read_only=True) as ws:
        mmsis = vessel_mmsis(ws, vessel)
        if by:
            table = shipment_counts(ws, by, mmsis=mmsis, inferred_only=inferred_only)
            title = f"shipments by {by}"
        else:
            table = shipments(ws, mmsis=mmsis, inferred_only=inferred_only)
            title = "shipments"
    print_table(table, fmt, title=title)


def register(app: typer.Typer) -> None:
    app.command("shipments")(shipments_cmd)
