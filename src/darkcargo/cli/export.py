"""`darkcargo export`: GeoJSON, KML, CSV or Parquet bundles, each with a README."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkcargo.cli.options import CaseOpt, WorkspaceOpt


def export(
    workspace: WorkspaceOpt,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Bundle format: geojson, kml, csv or parquet.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the bundle into.")],
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only events of this kind (repeat for several)."),
    ] = None,
    case: CaseOpt = None,
) -> None:
    """Export events, tracks, ports and tables as a bundle with a README (schema, parameters,
    sources, version)."""
    from darkcargo.report import export_bundle

    path = export_bundle(workspace, fmt, out, kinds=kind, case=case)
    names = sorted(p.name for p in path.iterdir())
    typer.echo(f"wrote {len(names)} files to {path}: {', '.join(names)}")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
