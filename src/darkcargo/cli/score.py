"""`darkcargo score`: precision and recall of detected events against the demo ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkcargo.cli.options import FormatOpt, OutputFormat, WorkspaceOpt
from darkcargo.cli.output import print_table


def score_cmd(
    workspace: WorkspaceOpt,
    truth: Annotated[
        Path, typer.Option(help="Scenario folder (or its truth/ folder) with events.parquet.")
    ] = Path("demo"),
    preset: Annotated[str | None, typer.Option(help="Grade this preset's events.")] = None,
    tolerance_hours: Annotated[float, typer.Option(help="Time slack when matching.")] = 1.0,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Grade the events in the workspace against the scenario's truth, per event kind."""
    from darkcargo.scenario.score import score

    report = score(workspace, truth, preset=preset, tolerance_hours=tolerance_hours)
    in_port = ", ".join(f"{k} {v}" for k, v in report.in_port.items())
    title = f"score ({report.preset}, +/- {tolerance_hours} h; inside a port: {in_port})"
    print_table(report.table(), fmt, title=title)


def register(app: typer.Typer) -> None:
    app.command("score")(score_cmd)
