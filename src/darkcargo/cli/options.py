"""Options shared by several commands (rasterio-style helpers)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# The same name as darkcargo.workspace.WORKSPACE_ENV (a test checks), spelled here so that
# building the command line does not import DuckDB.
WORKSPACE_ENV = "DARKCARGO_WORKSPACE"


def default_workspace_path() -> Path:
    """The workspace a command uses without --workspace (imports DuckDB only when asked)."""
    from darkcargo.workspace import default_workspace_path as default

    return default()


WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        envvar=WORKSPACE_ENV,
        help="Workspace DuckDB file (default ./darkcargo.duckdb, or $DARKCARGO_WORKSPACE).",
        default_factory=default_workspace_path,
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output as a table, CSV or JSON.")
]

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output file or folder.")]

CaseOpt = Annotated[
    str | None,
    typer.Option(
        "--case",
        envvar="DARKCARGO_CASE",
        help="Case (watched ports and vessels): a built-in name or a TOML file. Default dprk_russia.",
    ),
]
