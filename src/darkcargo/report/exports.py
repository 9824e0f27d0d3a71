"""Export bundles: GeoJSON, KML, CSV or Parquet files in one folder with a README.md.

Every bundle's README gives the schema of each file, the parameters (presets and their hashes)
and the sources behind the rows, and the darkcargo version that wrote it, so a bundle can be
handed on without the workspace. Geometry: events are points, except gaps (and spoofing jumps)
with an end position, which are lines from the last fix before to the first fix after; tracks are
lines broken at gaps (full resolution: exports are not decimated).
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq

from darkcargo import __version__
from darkcargo.errors import InputError
from darkcargo.web.queries import LAYER_TABLES, WorkspaceReader, iso, rows

log = logging.getLogger(__name__)

FORMATS = ("geojson", "kml", "csv", "parquet")
KML_NS = "http://www.opengis.net/kml/2.2"
# Event kinds drawn as a line from (lat, lon) to (end_lat, end_lon) when both are known.
LINE_KINDS = frozenset({"gap", "spoof_jump"})
# KML colours are aabbggrr.
KML_KIND_COLORS = {
    "port_call": "ffb4771f",
    "gap": "ff111111",
    "encounter": "ff0e7fff",
    "loitering": "ffbd6794",
    "identity_change": "ffcfbe17",
    "spoof_jump": "ff2827d6",
}
KML_DEFAULT_COLOR = "ff7f7f7f"
# Tables copied row for row into CSV and Parquet bundles (when they hold rows, or always).
ALWAYS_TABLES = ("events", "positions", "statics", "estimates", "claims", "gradings", "sources")
GEOMETRY_COLUMNS = ("lat", "lon", "end_lat", "end_lon")

COLUMN_DOCS: dict[str, str] = {
    "mmsi": "Maritime Mobile Service Identity of the vessel",
    "other_mmsi": "the second vessel (encounters)",
    "imo": "IMO ship number",
    "ts": "time, UTC",
    "start_ts": "start, UTC",
    "end_ts": "end, UTC",
    "lat": "latitude, WGS84 degrees",
    "lon": "longitude, WGS84 degrees",
    "end_lat": "latitude where the event ended (first fix after a gap)",
    "end_lon": "longitude where the event ended",
    "sog": "speed over ground, knots",
    "cog": "course over ground, degrees",
    "kind": "event kind (port_call, gap, encounter, loitering, identity_change, spoof_jump)",
    "port_id": "watched place id from the case configuration",
    "preset": "parameter preset that produced the row",
    "params_hash": "hash of the preset's parameters",
    "evidence": "JSON: source rows behind the event",
    "details": "JSON: detector-specific facts",
    "confidence": "0-1",
    "source_id": "ingested source file (see Sources)",
    "row_id": "line or row number in that source",
    "p05": "5th percentile",
    "p50": "median",
    "p95": "95th percentile",
    "unverified": "JSON list of unverified parameters used",
    "assumptions": "JSON list of assumptions",
    "grade": "consistent | above | below | not_comparable",
}


@dataclass
class BundleFile:
    """One file of a bundle, described in the README."""

    name: str
    description: str
    count: int
    count_label: str
    columns: list[tuple[str, str]] = field(default_factory=list)


def _arrow_columns(schema: pa.Schema) -> list[tuple[str, str]]:
    return [(f.name, str(f.type)) for f in schema]


# ---- selection --------------------------------------------------------------------------------
def _events_table(reader: WorkspaceReader, kinds: Sequence[str] | None) -> pa.Table:
    if not reader.has("events"):
        return reader.table("events")
    if kinds:
        return reader.arrow(
            "SELECT * FROM events WHERE kind IN (SELECT unnest(?)) ORDER BY start_ts, event_id",
            [list(kinds)],
        )
    return reader.arrow("SELECT * FROM events ORDER BY start_ts, event_id")


def _ordered(reader: WorkspaceReader, name: str) -> pa.Table:
    order = {
        "positions": "mmsi, ts",
        "statics": "mmsi, ts",
        "estimates": "quantity, method, estimate_id",
        "claims": "claim_date, claim_id",
        "gradings": "claim_id, estimate_id",
        "sources": "source_id",
    }.get(name)
    if not reader.has(name):
        return reader.table(name)
    return reader.arrow(f'SELECT * FROM "{name}"' + (f" ORDER BY {order}" if order else ""))


def _tables_for_copy(reader: WorkspaceReader, kinds: Sequence[str] | None) -> dict[str, pa.Table]:
    tables: dict[str, pa.Table] = {"events": _events_table(reader, kinds)}
    for name in ALWAYS_TABLES[1:]:
        tables[name] = _ordered(reader, name)
    for name in (*LAYER_TABLES, "documents"):
        if reader.count(name):
            tables[name] = _ordered(reader, name)
    return tables


def _vessels_table(reader: WorkspaceReader) -> pa.Table:
    cols = (
        "mmsi",
        "imo",
        "name",
        "callsign",
        "ship_type",
        "length_m",
        "destination",
        "n_positions",
        "first_ts",
        "last_ts",
        "n_events",
    )
    vs = reader.vessels()
    schema = pa.schema(
        [
            ("mmsi", pa.int64()),
            ("imo", pa.int64()),
            ("name", pa.string()),
            ("callsign", pa.string()),
            ("ship_type", pa.int64()),
            ("length_m", pa.float64()),
            ("destination", pa.string()),
            ("n_positions", pa.int64()),
            ("first_ts", pa.string()),
            ("last_ts", pa.string()),
            ("n_events", pa.int64()),
        ]
    )
    return pa.Table.from_pylist([{c: v.get(c) for c in cols} for v in vs], schema=schema)


def _ports_table(reader: WorkspaceReader) -> pa.Table:
    ports = reader.ports()
    for p in ports:
        p["unverified"] = ",".join(p["unverified"])
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("name", pa.string()),
            ("lat", pa.float64()),
            ("lon", pa.float64()),
            ("radius_km", pa.float64()),
            ("locode", pa.string()),
            ("country", pa.string()),
            ("kind", pa.string()),
            ("watched", pa.bool_()),
            ("role", pa.string()),
            ("unverified", pa.string()),
            ("n_events", pa.int64()),
            ("n_port_calls", pa.int64()),
        ]
    )
    return pa.Table.from_pylist(ports, schema=schema)


# ---- GeoJSON ----------------------------------------------------------------------------------
def _finite(*values: Any) -> bool:
    return all(isinstance(v, int | float) and v == v for v in values)


def event_geometry(e: dict[str, Any]) -> dict[str, Any] | None:
    """RFC 7946 geometry of an event row: a line for gaps with both ends, else a point."""
    if not _finite(e.get("lat"), e.get("lon")):
        return None
    if e.get("kind") in LINE_KINDS and _finite(e.get("end_lat"), e.get("end_lon")):
        return {
            "type": "LineString",
            "coordinates": [[e["lon"], e["lat"]], [e["end_lon"], e["end_lat"]]],
        }
    return {"type": "Point", "coordinates": [e["lon"], e["lat"]]}


def _feature(geometry: dict[str, Any] | None, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _collection(features: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return {"type": "FeatureCollection", "name": name, "features": features}


def _props(row: dict[str, Any], drop: Iterable[str] = GEOMETRY_COLUMNS) -> dict[str, Any]:
    skip = set(drop)
    return {k: v for k, v in row.items() if k not in skip}


def _track_features(reader: WorkspaceReader) -> list[dict[str, Any]]:
    """One MultiLineString per vessel: its runs of fixes broken at gaps (every fix kept)."""
    out = []
    for v in reader.vessels():
        if not v["n_positions"]:
            continue
        track = reader.track(v["mmsi"], zoom=None)
        lines = [[[p[1], p[0]] for p in run] for run in track.runs if len(run) >= 2]
        if not lines:
            continue
        out.append(
            _feature(
                {"type": "MultiLineString", "coordinates": lines},
                {
                    "mmsi": v["mmsi"],
                    "imo": v.get("imo"),
                    "name": v.get("name"),
                    "n_positions": v["n_positions"],
                    "start": v.get("first_ts"),
                    "end": v.get("last_ts"),
                },
            )
        )
    return out


def _layer_features(reader: WorkspaceReader, name: str) -> list[dict[str, Any]]:
    ports = {p["id"]: p for p in reader.ports()}
    feats = []
    for r in reader.layer(name, limit=None)["items"]:
        geom: dict[str, Any] | None = None
        if name == "detections" and _finite(r.get("lat"), r.get("lon")):
            geom = {"type": "Point", "coordinates": [r["lon"], r["lat"]]}
        elif name in ("port_calls", "sightings"):
            p = ports.get(r.get("port_id") or r.get("place") or "")
            if p:
                geom = {"type": "Point", "coordinates": [p["lon"], p["lat"]]}
        elif name == "shipments":
            a, b = ports.get(r.get("origin_port") or ""), ports.get(r.get("destination_port") or "")
            if a and b:
                geom = {
                    "type": "LineString",
                    "coordinates": [[a["lon"], a["lat"]], [b["lon"], b["lat"]]],
                }
        feats.append(_feature(geom, _props(r, ("lat", "lon"))))
    return feats


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


def _export_geojson(
    reader: WorkspaceReader, out: Path, kinds: Sequence[str] | None
) -> list[BundleFile]:
    files: list[BundleFile] = []
    events = rows(_events_table(reader, kinds))
    ev_feats = [_feature(event_geometry(e), _props(e)) for e in events]
    _write_json(out / "events.geojson", _collection(ev_feats, "events"))
    files.append(
        BundleFile(
            "events.geojson",
            "Events: Point at the event, or LineString from the last fix before a gap to the "
            "first after it. Properties are the events table's columns.",
            len(ev_feats),
            "features",
            [
                c
                for c in _arrow_columns(reader.table("events").schema)
                if c[0] not in GEOMETRY_COLUMNS
            ],
        )
    )
    tracks = _track_features(reader)
    _write_json(out / "tracks.geojson", _collection(tracks, "tracks"))
    files.append(
        BundleFile(
            "tracks.geojson",
            "One MultiLineString per vessel, every fix, broken where fixes are more than an "
            "hour apart.",
            len(tracks),
            "features",
            [
                ("mmsi", "int64"),
                ("imo", "int64"),
                ("name", "string"),
                ("n_positions", "int64"),
                ("start", "ISO 8601 UTC"),
                ("end", "ISO 8601 UTC"),
            ],
        )
    )
    ports = reader.ports()
    port_feats = [
        _feature({"type": "Point", "coordinates": [p["lon"], p["lat"]]}, _props(p)) for p in ports
    ]
    _write_json(out / "ports.geojson", _collection(port_feats, "ports"))
    files.append(
        BundleFile(
            "ports.geojson",
            "Watched ports and places of the case (radius_km is the port's area).",
            len(port_feats),
            "features",
            [c for c in _arrow_columns(_ports_table(reader).schema) if c[0] not in ("lat", "lon")],
        )
    )
    for name in LAYER_TABLES:
        if name in ("watchlist", "matches") or not reader.count(name):
            continue
        feats = _layer_features(reader, name)
        _write_json(out / f"{name}.geojson", _collection(feats, name))
        files.append(
            BundleFile(
                f"{name}.geojson",
                f"The {name} table as features.",
                len(feats),
                "features",
                _arrow_columns(reader.table(name).schema),
            )
        )
    return files


# ---- KML ----------------------------------------------------------------------------------------
def _kml_time(value: str | None) -> str | None:
    return value if value else None


def _kml_data(props: dict[str, Any]) -> str:
    parts = []
    for k, v in props.items():
        if v is None:
            continue
        text = json.dumps(v) if isinstance(v, dict | list) else str(v)
        parts.append(
            f'<Data name="{escape(k, {chr(34): "&quot;"})}"><value>{escape(text)}</value></Data>'
        )
    return f"<ExtendedData>{''.join(parts)}</ExtendedData>" if parts else ""


def _kml_coords(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{lon:.6f},{lat:.6f}" for lon, lat in points)


def _kml_placemark(
    name: str,
    geometry: str,
    style: str | None = None,
    begin: str | None = None,
    end: str | None = None,
    description: str | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    # element order follows the OGC KML 2.2 schema
    out = [f"<Placemark><name>{escape(name)}</name>"]
    if description:
        out.append(f"<description>{escape(description)}</description>")
    if begin or end:
        span = "<TimeSpan>"
        span += f"<begin>{begin}</begin>" if begin else ""
        span += f"<end>{end}</end>" if end else ""
        out.append(span + "</TimeSpan>")
    if style:
        out.append(f"<styleUrl>#{style}</styleUrl>")
    if data:
        out.append(_kml_data(data))
    out.append(geometry + "</Placemark>")
    return "".join(out)


def _kml_point(lon: float, lat: float) -> str:
    return f"<Point><coordinates>{lon:.6f},{lat:.6f}</coordinates></Point>"


def _kml_line(points: Iterable[tuple[float, float]]) -> str:
    return f"<LineString><tessellate>1</tessellate><coordinates>{_kml_coords(points)}</coordinates></LineString>"


def _kml_styles(kinds: Iterable[str]) -> str:
    styles = []
    for kind in sorted(set(kinds)):
        color = KML_KIND_COLORS.get(kind, KML_DEFAULT_COLOR)
        styles.append(
            f'<Style id="event-{escape(kind)}"><IconStyle><color>{color}</color><scale>0.9</scale>'
            f"</IconStyle><LineStyle><color>{color}</color><width>3</width></LineStyle></Style>"
        )
    styles.append(
        '<Style id="port"><IconStyle><color>ff2a7a2a</color><scale>1.1</scale></IconStyle></Style>'
    )
    styles.append(
        '<Style id="track"><LineStyle><color>ffa56e3b</color><width>2</width></LineStyle></Style>'
    )
    return "".join(styles)


def _export_kml(
    reader: WorkspaceReader, out: Path, kinds: Sequence[str] | None
) -> list[BundleFile]:
    events = rows(_events_table(reader, kinds))
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_kind.setdefault(e["kind"], []).append(e)
    ports = reader.ports()
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<kml xmlns="{KML_NS}"><Document>',
        f"<name>darkcargo: {escape(reader.case.title)}</name>",
        f"<description>darkcargo {__version__} export of {escape(reader.path.name)}; "
        "see README.md</description>",
        _kml_styles(by_kind),
        "<Folder><name>Ports</name>",
    ]
    for p in ports:
        parts.append(
            _kml_placemark(p["name"], _kml_point(p["lon"], p["lat"]), "port", data=_props(p))
        )
    parts.append("</Folder><Folder><name>Events</name>")
    n_events = 0
    for kind, evs in sorted(by_kind.items()):
        parts.append(f"<Folder><name>{escape(kind)}</name>")
        for e in evs:
            geom = event_geometry(e)
            if geom is None:
                continue
            if geom["type"] == "LineString":
                g = _kml_line((c[0], c[1]) for c in geom["coordinates"])
            else:
                g = _kml_point(*geom["coordinates"])
            label = f"{kind} {e['mmsi']} {e['start_ts'] or ''}"
            parts.append(
                _kml_placemark(
                    label,
                    g,
                    f"event-{kind}",
                    _kml_time(e["start_ts"]),
                    _kml_time(e["end_ts"]),
                    data=_props(e),
                )
            )
            n_events += 1
        parts.append("</Folder>")
    parts.append("</Folder><Folder><name>Tracks</name>")
    n_tracks = 0
    for f in _track_features(reader):
        lines = "".join(
            _kml_line((c[0], c[1]) for c in run) for run in f["geometry"]["coordinates"]
        )
        props = f["properties"]
        parts.append(
            _kml_placemark(
                f"{props['name'] or props['mmsi']}",
                f"<MultiGeometry>{lines}</MultiGeometry>",
                "track",
                props["start"],
                props["end"],
                data=props,
            )
        )
        n_tracks += 1
    parts.append("</Folder></Document></kml>\n")
    (out / "darkcargo.kml").write_text("".join(parts), encoding="utf-8")
    return [
        BundleFile(
            "darkcargo.kml",
            "OGC KML 2.2: folders Ports, Events (one folder per kind; TimeSpan from start to "
            "end; gaps as LineStrings from the last fix before to the first after) and Tracks "
            "(one MultiGeometry of LineStrings per vessel). Each Placemark's ExtendedData holds "
            "its row's columns.",
            len(ports) + n_events + n_tracks,
            "placemarks",
            _arrow_columns(reader.table("events").schema),
        )
    ]


# ---- CSV and Parquet ----------------------------------------------------------------------------
def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return iso(v)
    return v


def _write_csv(path: Path, table: pa.Table) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(table.column_names)
        for batch in table.to_batches(max_chunksize=50_000):
            cols = [c.to_pylist() for c in batch.columns]
            w.writerows([[_csv_cell(v) for v in row] for row in zip(*cols, strict=True)])


def _export_tabular(
    reader: WorkspaceReader,
    out: Path,
    kinds: Sequence[str] | None,
    suffix: str,
    write: Callable[[Path, pa.Table], None],
) -> list[BundleFile]:
    tables = _tables_for_copy(reader, kinds)
    tables["vessels"] = _vessels_table(reader)
    tables["ports"] = _ports_table(reader)
    files = []
    for name, table in tables.items():
        fname = f"{name}.{suffix}"
        write(out / fname, table)
        desc = {
            "events": "Detected events (times UTC).",
            "positions": "Every accepted AIS position.",
            "statics": "AIS static and voyage messages (identity).",
            "vessels": "One row per MMSI with its latest identity.",
            "ports": "Watched ports and places of the case.",
        }.get(name, f"The workspace's {name} table.")
        files.append(BundleFile(fname, desc, table.num_rows, "rows", _arrow_columns(table.schema)))
    return files


def _write_parquet(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, compression="zstd")


# ---- README -------------------------------------------------------------------------------------
def _md_escape(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def readme_text(
    reader: WorkspaceReader, fmt: str, files: list[BundleFile], kinds: Sequence[str] | None
) -> str:
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    lines = [
        f"# darkcargo {fmt} export",
        "",
        f"- darkcargo version: {__version__}",
        f"- generated: {now}",
        f"- workspace: `{reader.path.name}`",
        f"- case: {reader.case.title} (`{reader.case.name}`)",
        f"- event kinds: {', '.join(kinds) if kinds else 'all'}",
        "- times are UTC (ISO 8601 with Z in text formats); positions are WGS84 degrees "
        "(GeoJSON and KML coordinates are longitude, latitude).",
        "",
        "## Files",
        "",
    ]
    for f in files:
        lines += [f"### {f.name}", "", f"{f.description} {f.count:,} {f.count_label}.", ""]
        if f.columns:
            lines += ["| column | type | meaning |", "|---|---|---|"]
            lines += [
                f"| {_md_escape(c)} | {_md_escape(t)} | {_md_escape(COLUMN_DOCS.get(c, ''))} |"
                for c, t in f.columns
            ]
            lines.append("")
    lines += ["## Parameters", ""]
    params = reader.parameters()
    if params:
        lines += ["| table | preset or method | params_hash | rows |", "|---|---|---|---|"]
        lines += [
            f"| {p['table']} | {_md_escape(p['preset'])} | `{_md_escape(p['params_hash'])}` | {p['n']} |"
            for p in params
        ]
    else:
        lines.append("No derived rows yet, so no parameters recorded.")
    lines += ["", "## Sources", ""]
    sources = reader.sources()
    if sources:
        lines += [
            "| id | path | format | sha256 | accepted | rejected | ingested |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {s['source_id']} | `{_md_escape(s['path'])}` | {_md_escape(s['format'])} | "
            f"`{_md_escape(s['sha256'])}` | {s['accepted']} | {s['rejected']} | "
            f"{_md_escape(s['ingested_at'])} |"
            for s in sources
        ]
    else:
        lines.append("No ingested sources recorded.")
    lines += [
        "",
        "Ports come from the case file "
        f"`{Path(reader.case.source).name}`; entries marked unverified are configuration, "
        "not verified fact.",
        "",
    ]
    return "\n".join(lines)


def export_bundle(
    workspace_path: str | Path,
    fmt: str,
    out_dir: str | Path,
    kinds: Sequence[str] | None = None,
    case: str | None = None,
) -> Path:
    """Write a bundle of the workspace in `fmt` (geojson, kml, csv, parquet) into `out_dir`,
    with a README.md; `kinds` limits the events to those kinds. Returns the folder."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown export format {fmt!r}; use {', '.join(FORMATS)}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "exists and is not a folder")
    kinds = [k for k in (kinds or []) if k] or None
    out.mkdir(parents=True, exist_ok=True)
    with WorkspaceReader(workspace_path, case=case) as reader:
        if kinds:
            known = set(reader.event_kinds())
            unknown = [k for k in kinds if k not in known]
            if unknown and known:
                log.warning("no events of kind(s) %s in the workspace", ", ".join(unknown))
        if fmt == "geojson":
            files = _export_geojson(reader, out, kinds)
        elif fmt == "kml":
            files = _export_kml(reader, out, kinds)
        elif fmt == "csv":
            files = _export_tabular(reader, out, kinds, "csv", _write_csv)
        else:
            files = _export_tabular(reader, out, kinds, "parquet", _write_parquet)
        (out / "README.md").write_text(readme_text(reader, fmt, files, kinds), encoding="utf-8")
    return out
