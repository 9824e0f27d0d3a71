"""`darkcargo sightings`: load analyst sightings (containers on a quay, rail cars...) and list them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkcargo.cli.options import FormatOpt, OutputFormat, WorkspaceOpt
from darkcargo.cli.output import print_table

sightings_app = typer.Typer(
    help="Analyst sightings: counts read off imagery or reports, with their error.",
    no_args_is_help=True,
)


@sightings_app.command("load")
def load_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: sighting_id,ts,place,kind,count,count_low,"
            "count_high,mmsi,imo,source (header required)."
        ),
    ],
    workspace: WorkspaceOpt,
) -> None:
    """Load a sightings CSV into the workspace (rows with the same sighting_id are replaced)."""
    from darkcargo.sightings.load import load_sightings

    report = load_sightings(file, workspace)
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.kinds.items()))
    typer.echo(
        f"{report.rows} sightings loaded from {report.path} ({kinds or 'none'}); "
        f"{report.replaced} replaced earlier rows"
    )


@sightings_app.command("list")
def list_cmd(
    workspace: WorkspaceOpt,
    kind: Annotated[
        str | None, typer.Option(help="Only this kind, e.g. containers_on_quay.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List the sightings in the workspace, oldest first."""
    from darkcargo.sightings.load import query_arrow
    from darkcargo.workspace import Workspace

    with Workspace(workspace, read_only=True) as ws:
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        table = query_arrow(ws, f"SELECT * FROM sightings {where} ORDER BY ts, sighting_id", params)
    print_table(table, fmt, title="sightings")


def register(app: typer.Typer) -> None:
    app.add_typer(sightings_app, name="sightings")
