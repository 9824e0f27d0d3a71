"""`darkcargo sanctions`: load sanctions lists (OFAC, UN, EU, your own) and list what they hold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkcargo.cli.options import FormatOpt, OutputFormat, WorkspaceOpt

sanctions_app = typer.Typer(
    help="Sanctions lists: load them in their published formats, match them to AIS identities.",
    no_args_is_help=True,
)


@sanctions_app.command("load")
def load_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="One list: OFAC sdn.csv (optionally with its alt.csv, sdn_comments.csv and "
            "add.csv) or sdn.xml or sdn_advanced.xml, UN "
            "consolidated.xml or the 1718 vessel table (CSV), EU financial sanctions XML, a "
            "file of IMO numbers, or a CSV with name/imo/mmsi columns.",
        ),
    ],
    workspace: WorkspaceOpt,
    list_name: Annotated[
        str | None,
        typer.Option(
            "--list",
            help="Name for the list (default: OFAC_SDN, UN_SC, UN_1718, EU_FSF, or the file name "
            "for your own lists). Loading a list of the same name replaces it.",
        ),
    ] = None,
    program: Annotated[
        str | None,
        typer.Option(
            help="Programme for an IMO list or CSV rows without one (e.g. 'EU port ban')."
        ),
    ] = None,
) -> None:
    """Load a list into the workspace, replacing the earlier rows of the same list, and match
    every AIS identity against all lists. A malformed file loads nothing."""
    from darkcargo.cli.output import err_console
    from darkcargo.sanctions.load import load_list

    report = load_list(files, workspace, list_name, program)
    for item in report.lists:
        typer.echo(
            f"{item['list']}: {item['vessels']} vessels ({item['with_imo']} with IMO, "
            f"{item['with_mmsi']} with MMSI) from {item['path']} [{item['format']}], "
            f"{item['records']} records read; {item['replaced']} earlier rows replaced"
        )
    m = report.matches
    if m is not None:
        k = m.by_kind
        typer.echo(
            f"matches: {k.get('strong', 0)} strong (IMO/MMSI), {k.get('medium', 0)} medium "
            f"(name + flag or call sign), {k.get('weak', 0)} weak (name only, not scored) "
            f"over {m.periods} AIS identity periods; {m.vessels} MMSIs matched"
        )
    for note in report.notes:
        err_console.print(f"note: {note}", markup=False, highlight=False)


@sanctions_app.command("list")
def list_cmd(
    workspace: WorkspaceOpt,
    list_name: Annotated[str | None, typer.Option("--list", help="Only this list.")] = None,
    matched: Annotated[
        bool, typer.Option("--matched", help="Only entries matched to an AIS identity.")
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List the watchlist entries, with the MMSIs matched to each (strong or medium)."""
    from darkcargo.cli.vessels import plain_table
    from darkcargo.workspace import Workspace

    where, params = [], []
    if list_name:
        where.append('w."list" = ?')
        params.append(list_name)
    if matched:
        where.append("m.mmsis IS NOT NULL")
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    with Workspace(workspace, read_only=True) as ws:
        table = ws.arrow(
            f"""SELECT w.entry_id, w."list", w.program, w.name, w.imo, w.mmsi, w.flag,
                   w.callsign, w.listed_on, m.mmsis AS matched_mmsi, m.kinds AS match
            FROM watchlist w LEFT JOIN (
                SELECT entry_id, string_agg(DISTINCT mmsi::VARCHAR, ' ') AS mmsis,
                       string_agg(DISTINCT kind, ' ') AS kinds
                FROM matches GROUP BY entry_id) m USING (entry_id)
            {clause} ORDER BY w."list", w.name, w.entry_id""",
            params,
        )
    plain_table(table, fmt, title="watchlist")


def register(app: typer.Typer) -> None:
    app.add_typer(sanctions_app, name="sanctions")
