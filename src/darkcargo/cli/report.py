"""`darkcargo report`: the single-file HTML report that opens offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkcargo.cli.options import CaseOpt, WorkspaceOpt


def report(
    workspace: WorkspaceOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    case: CaseOpt = None,
) -> None:
    """Write one self-contained HTML file: map, events, estimates, claims, parameters, sources."""
    from darkcargo.report import build_report

    path = build_report(workspace, out, case=case)
    size_kb = path.stat().st_size / 1024
    typer.echo(f"wrote {path} ({size_kb:,.0f} KB); open it in any browser, no network needed")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
