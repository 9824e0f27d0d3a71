"""Presentation for sharing: the single-file HTML report and the export bundles."""

from __future__ import annotations

from pathlib import Path


def build_report(workspace_path: str | Path, out_path: str | Path, case: str | None = None) -> Path:
    """Write the self-contained HTML report of a workspace; see darkcargo.report.html."""
    from darkcargo.report.html import build_report as _build

    return _build(workspace_path, out_path, case=case)


def export_bundle(
    workspace_path: str | Path,
    fmt: str,
    out_dir: str | Path,
    kinds: list[str] | None = None,
    case: str | None = None,
) -> Path:
    """Write a GeoJSON, KML, CSV or Parquet bundle with a README; see darkcargo.report.exports."""
    from darkcargo.report.exports import export_bundle as _export

    return _export(workspace_path, fmt, out_dir, kinds=kinds, case=case)


__all__ = ["build_report", "export_bundle"]
