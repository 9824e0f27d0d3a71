"""`darkcargo calls`: port calls, observed and inferred, with the evidence of inferred ones."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.text import Text

from darkcargo.cli.options import FormatOpt, OutputFormat, WorkspaceOpt, vessel_mmsis
from darkcargo.cli.output import console, print_table, text
from darkcargo.errors import printable


def calls_cmd(
    workspace: WorkspaceOpt,
    vessel: Annotated[str | None, typer.Option(help="IMO (7 digits), MMSI or name.")] = None,
    kind: Annotated[str | None, typer.Option(help="observed or inferred.")] = None,
    port: Annotated[str | None, typer.Option(help="Port id, e.g. RAJIN.")] = None,
    min_confidence: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Only calls at least this confident.")
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option("--evidence", help="Print each inferred call's evidence for and against."),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List port calls at the case's ports, oldest first (run `darkcargo infer` first)."""
    from darkcargo.shipments.query import evidence_lines, port_calls
    from darkcargo.workspace import Workspace

    with Workspace(workspace, read_only=True) as ws:
        mmsis = vessel_mmsis(ws, vessel)
        table = port_calls(ws, mmsis=mmsis, kind=kind, port=port, min_confidence=min_confidence)
    if fmt is OutputFormat.json:
        rows = table.to_pylist()
        for r in rows:
            r["evidence"] = evidence_lines(r["evidence"])
        sys.stdout.write(json.dumps(rows, default=str, indent=1) + "\n")
        return
    shown = table.drop_columns(["evidence"])
    print_table(shown, fmt, title="port calls")
    if evidence and fmt is OutputFormat.table:
        for r in table.to_pylist():
            if r["kind"] != "inferred":
                continue
            e = evidence_lines(r["evidence"])
            console.print()
            console.print(
                Text.assemble(
                    (printable(f"{r['vessel']} at {r['port_id']}"), "bold"),
                    f", {r['arrival_ts']:%d %b %H:%M} to {r['departure_ts']:%d %b %H:%M}, "
                    f"confidence {r['confidence']:.2f}",
                ),
                highlight=False,
            )
            for line in e.get("for", []):
                console.print(text(f"  + {line}"), highlight=False)
            for line in e.get("against", []):
                console.print(text(f"  - {line}"), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("calls")(calls_cmd)
