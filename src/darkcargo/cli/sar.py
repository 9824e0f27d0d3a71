"""`darkcargo sar`: vessels in radar scenes (detect), matched to AIS (match), listed (list)."""

from __future__ import annotations

import contextlib
import re
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from darkcargo.cli.options import CaseOpt, OutputFormat, WorkspaceOpt
from darkcargo.cli.output import err_console, print_table
from darkcargo.errors import InputError, printable

if TYPE_CHECKING:
    import pyarrow as pa

sar_app = typer.Typer(
    help="Radar (Sentinel-1) vessel detection, matched to AIS; unmatched targets are dark.",
    no_args_is_help=True,
)


class SarFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    geojson = "geojson"


SarFormatOpt = Annotated[
    SarFormat, typer.Option("--format", "-f", help="Output as a table, CSV, JSON or GeoJSON.")
]
PresetOpt = Annotated[
    str, typer.Option(help='Radar preset: s1, or a TOML file of your own (extends = "s1").')
]
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|hours?)?\s*$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """'30min', '1h', '900s' or plain seconds -> seconds."""
    m = DURATION.match(text)
    if not m:
        raise InputError(None, f"--max-gap {text!r}: give a duration such as 30min, 1h or 900s")
    value, unit = float(m.group(1)), (m.group(2) or "s").lower()
    return value * (3600.0 if unit.startswith("h") else 60.0 if unit.startswith("m") else 1.0)


def _emit(table: pa.Table, fmt: SarFormat, out: Path | None, title: str) -> None:
    import pyarrow as pa

    from darkcargo.sar.query import geojson_text

    table = _rounded(table)
    if fmt is SarFormat.table and "file" in table.column_names:
        names = [Path(f).name for f in table.column("file").to_pylist()]
        table = table.set_column(table.column_names.index("file"), "file", pa.array(names))
    sink = out.open("w", encoding="utf-8", newline="") if out else None
    with sink or contextlib.nullcontext(), contextlib.redirect_stdout(sink or sys.stdout):
        if fmt is SarFormat.geojson:
            sys.stdout.write(geojson_text(table))
        else:
            print_table(table, OutputFormat(fmt.value), title=title)


def _rounded(table: pa.Table) -> pa.Table:
    """Single-precision columns as the decimals they hold (2 places), not float noise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(table.schema):
        if pa.types.is_float32(f.type):
            col = pc.round(table.column(i).cast(pa.float64()), 2)
            table = table.set_column(i, f.name, col)
    return table


@sar_app.command("detect")
def detect_cmd(
    files: Annotated[list[Path], typer.Argument(help="GeoTIFF scenes or chips (any GDAL raster).")],
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Also write the detections into this workspace."),
    ] = None,
    time: Annotated[
        datetime | None,
        typer.Option(help="Acquisition time (UTC) when neither tags nor the file name give it."),
    ] = None,
    pfa: Annotated[
        float | None, typer.Option(help="Probability of false alarm per pixel (preset: 1e-6).")
    ] = None,
    pixel_size: Annotated[
        float | None,
        typer.Option(help="Pixel size in metres, for images without georeference (plain chips)."),
    ] = None,
    scale: Annotated[
        str | None,
        typer.Option(help="Pixel values: intensity, amplitude or db (detected when not given)."),
    ] = None,
    bands: Annotated[
        str | None, typer.Option(help="Polarisation of each band, e.g. VH,VV (else from the file).")
    ] = None,
    preset: PresetOpt = "s1",
    ports: Annotated[
        list[Path] | None,
        typer.Option(help="Extra ports CSV (name, lat, lon[, id, radius_km]) besides the case's."),
    ] = None,
    case: CaseOpt = None,
    no_land: Annotated[
        bool, typer.Option("--no-land", help="Do not mask land (the coastline is used by default).")
    ] = False,
    fmt: SarFormatOpt = SarFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout.")] = None,
) -> None:
    """Find vessels in radar scenes: one row per target (file, scene, pixel, position, size,
    heading, score, polarisation). Bad files get a one-line error; the others are searched."""
    from darkcargo.config import load_case
    from darkcargo.geo.ports import load_ports_csv
    from darkcargo.sar.detect import detect_files
    from darkcargo.sar.params import load_sar_preset
    from darkcargo.sar.query import DETECT_COLUMNS, DETECT_TABLE_COLUMNS
    from darkcargo.workspace import Workspace

    p = load_sar_preset(preset)
    if pfa is not None:
        p = p.with_values(pfa=pfa)
    port_list = list(load_case(case).ports)
    for csv_path in ports or []:
        port_list += load_ports_csv(csv_path)
    band_list = [b.strip() for b in bands.split(",")] if bands else None
    errors: list[str] = []
    ws = Workspace(workspace) if workspace else None
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
            disable=len(files) < 2,
        ) as bar:
            task = bar.add_task("searching scenes", total=len(files))

            def tick(path: str, result: object) -> None:
                if isinstance(result, InputError):
                    errors.append(str(result))
                    bar.console.print(
                        printable(f"error: {result}"), markup=False, highlight=False, soft_wrap=True
                    )
                bar.advance(task)

            report = detect_files(
                files,
                p,
                workspace=ws,
                ports=port_list,
                time=time,
                pixel_size=pixel_size,
                scale=scale,
                bands=band_list,
                mask_land=not no_land,
                on_scene=tick,
            )
    finally:
        if ws is not None:
            ws.close()
    cols = DETECT_TABLE_COLUMNS if fmt is SarFormat.table else DETECT_COLUMNS
    table = report.detections.select(list(cols))
    _emit(table, fmt, out, "radar detections")
    n_scenes = len(report.scenes)
    where = f"; written to {workspace}" if workspace else ""
    err_console.print(
        f"{table.num_rows} detections in {n_scenes} scene(s), preset {p.name} [{p.params_hash}], "
        f"pfa {p.detect.pfa:g}{where}"
        + (f"; {len(errors)} file(s) could not be searched" if errors else ""),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if errors:
        raise typer.Exit(2)


@sar_app.command("match")
def match_cmd(
    workspace: WorkspaceOpt,
    max_gap: Annotated[
        str | None,
        typer.Option(help="Use AIS fixes at most this far from the image time (preset: 30min)."),
    ] = None,
    scene: Annotated[
        list[str] | None, typer.Option(help="Only this scene id (repeatable).")
    ] = None,
    preset: PresetOpt = "s1",
) -> None:
    """Match the workspace's radar detections to its AIS: matched MMSI, or dark."""
    from darkcargo.sar.params import load_sar_preset
    from darkcargo.sar.workspace_match import match_workspace
    from darkcargo.workspace import Workspace

    p = load_sar_preset(preset)
    gap = parse_duration(max_gap) if max_gap else None
    with Workspace(workspace, must_exist=True) as ws:
        report = match_workspace(ws, p, scene_ids=scene, max_gap_s=gap)
    for s in report.scenes:
        reg = (
            f", offset removed {s.registration_m[0]:+.0f} m N {s.registration_m[1]:+.0f} m E"
            if any(s.registration_m)
            else ""
        )
        note = f" ({s.note})" if s.note else ""
        typer.echo(
            f"{s.scene_id}: {s.detections} detections, {s.matched} matched, {s.dark} dark, "
            f"{s.candidates} AIS vessels near{reg}{note}"
        )
    typer.echo(
        f"{len(report.scenes)} scene(s): {report.matched} matched, {report.dark} dark "
        f"[match {p.match_hash}]"
    )


@sar_app.command("list")
def list_cmd(
    workspace: WorkspaceOpt,
    dark: Annotated[
        bool, typer.Option("--dark", help="Only dark detections (no AIS vessel matched).")
    ] = False,
    port: Annotated[
        str | None, typer.Option(help="Only detections inside this port's radius.")
    ] = None,
    scene: Annotated[str | None, typer.Option(help="Only this scene id.")] = None,
    fmt: SarFormatOpt = SarFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout.")] = None,
) -> None:
    """List the workspace's radar detections, oldest first."""
    from darkcargo.sar.query import LIST_COLUMNS, list_detections
    from darkcargo.workspace import Workspace

    with Workspace(workspace, read_only=True) as ws:
        table = list_detections(ws, dark=True if dark else None, port=port, scene=scene)
    if fmt in (SarFormat.table,):
        table = table.select(list(LIST_COLUMNS))
    _emit(table, fmt, out, "radar detections" + (" (dark)" if dark else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(sar_app, name="sar")
