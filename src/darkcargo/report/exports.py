"""Export bundles: GeoJSON, KML, CSV or Parquet files in one folder with a README.md.

Every bundle's README gives the schema of each file, the parameters (presets and their hashes)
and the sources behind the rows, and the darkcargo version that wrote it, so a bundle can be
handed on without the workspace. Geometry: events are points, except gaps (and spoofing jumps)
with an end position, which are lines from the last fix before to the first fix after; tracks are
lines broken at silences, decimated for display (the README states how much); the CSV and Parquet
bundles carry every position.

Writing streams: CSV and Parquet files are written by DuckDB (COPY ... TO) straight from the
workspace; GeoJSON features and KML placemarks of events are built as text by DuckDB and written
batch by batch; tracks come from one read of the positions, decimated per vessel in NumPy.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from darkcargo import __version__
from darkcargo.errors import InputError
from darkcargo.spreadsheet import csv_cell, csv_cell_sql
from darkcargo.web.decimate import tolerance_for_zoom
from darkcargo.web.queries import (
    JSON_COLUMNS_BY_TABLE,
    LAYER_TABLES,
    Track,
    WorkspaceReader,
)

log = logging.getLogger(__name__)

FORMATS = ("geojson", "kml", "csv", "parquet")
KML_NS = "http://www.opengis.net/kml/2.2"
# Event kinds drawn as a line from (lat, lon) to (end_lat, end_lon) when both are known.
LINE_KINDS = ("gap", "spoof_jump")
# KML colours are aabbggrr.
KML_KIND_COLORS = {
    "port_call": "ffb4771f",
    "port_presence": "ffe8c7ae",
    "stop": "ff2ca02c",
    "gap": "ff111111",
    "encounter": "ff0e7fff",
    "loitering": "ffbd6794",
    "identity_change": "ffcfbe17",
    "spoof_jump": "ff2827d6",
    "shared_mmsi": "ff4b568c",
}
KML_DEFAULT_COLOR = "ff7f7f7f"
# Tables copied row for row into CSV and Parquet bundles (when they hold rows, or always).
ALWAYS_TABLES = ("events", "positions", "statics", "estimates", "claims", "gradings", "sources")
GEOMETRY_COLUMNS = ("lat", "lon", "end_lat", "end_lon")
# Row order of the copied tables.
TABLE_ORDER = {
    "events": "start_ts, event_id",
    "positions": "mmsi, ts",
    "statics": "mmsi, ts",
    "estimates": "quantity, method, estimate_id",
    "claims": "claim_date, claim_id",
    "gradings": "claim_id, estimate_id",
    "sources": "source_id",
}
# Tracks in GeoJSON and KML are decimated like the map's at this zoom (tolerance ~38 m), broken
# where fixes are more than EXPORT_TRACK_GAP_BREAK_S apart, at most this many points a vessel.
EXPORT_TRACK_ZOOM = 12
EXPORT_TRACK_GAP_BREAK_S = 3600.0
EXPORT_TRACK_MAX_POINTS = 50_000
# Coordinates in GeoJSON and KML: decimal places (1e-6 deg ~ 0.1 m).
EXPORT_COORD_DECIMALS = 6
# Rows per batch when streaming features and placemarks.
STREAM_BATCH_ROWS = 50_000

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
    "kind": "event kind (port_call, port_presence, stop, gap, encounter, loitering, "
    "identity_change, spoof_jump, shared_mmsi)",
    "port_id": "watched place id from the case configuration",
    "preset": "parameter preset that produced the row",
    "params_hash": "hash of the preset's parameters",
    "evidence": "JSON: source rows behind the event",
    "details": "JSON: detector-specific facts",
    "confidence": "0-1; what it measures per kind: the README's event definitions",
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


# ---- SQL text helpers ---------------------------------------------------------------------------
def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def iso_sql(expr: str) -> str:
    """SQL for a TIMESTAMP as ISO 8601 text with Z: seconds only when whole, else microseconds
    (the API's form for whole seconds, with no precision lost otherwise)."""
    return (
        f"CASE WHEN microsecond({expr}) % 1000000 = 0 "
        f"THEN strftime({expr}, '%Y-%m-%dT%H:%M:%SZ') "
        f"ELSE strftime({expr}, '%Y-%m-%dT%H:%M:%S.%fZ') END"
    )


# Characters XML 1.0 does not allow at all (C0 controls other than tab, newline, return): a
# transponder can send them, and one would make the whole KML file unreadable.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_INVALID_SQL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"


def xml_text(value: Any) -> str:
    """Text for XML character data or a quoted attribute: characters XML cannot hold dropped,
    & < > " ' escaped. A reader of the file gets back exactly the text (less those controls)."""
    text = XML_INVALID.sub("", str(value))
    return escape(text, {'"': "&quot;", "'": "&apos;"})


def html_text(value: Any) -> str:
    """Text for the HTML of a KML balloon: Google Earth and other viewers render descriptions
    as HTML, so data shows there as text only once escaped for HTML (then kept in CDATA)."""
    return html.escape(XML_INVALID.sub("", str(value)), quote=True)


def cdata(text: str) -> str:
    """A CDATA section holding `text`, split where the text itself contains its end marker."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _escape_sql(expr: str, pairs: tuple[tuple[str, str], ...]) -> str:
    out = f"regexp_replace({expr}, {_lit(XML_INVALID_SQL)}, '', 'g')"
    for a, b in pairs:
        out = f"replace({out}, {_lit(a)}, {_lit(b)})"
    return out


def xml_sql(expr: str) -> str:
    """SQL escaping a text expression for XML character data and attributes (see xml_text)."""
    pairs = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"))
    return _escape_sql(expr, pairs)


def html_sql(expr: str) -> str:
    """SQL escaping a text expression for HTML inside a CDATA section (see html_text)."""
    pairs = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))
    return _escape_sql(expr, pairs)


def _schema(reader: WorkspaceReader, table: str) -> pa.Schema:
    if not reader.has(table):
        return reader.table(table).schema
    return reader.arrow(f"SELECT * FROM {_ident(table)} LIMIT 0").schema


def _text_columns(reader: WorkspaceReader, table: str) -> list[str]:
    """SELECT list of a table for CSV: times as ISO 8601 with Z, text that a spreadsheet would
    run as a formula (a ship named "=HYPERLINK(...)") behind an apostrophe."""
    out = []
    for f in _schema(reader, table):
        col = _ident(f.name)
        if pa.types.is_timestamp(f.type):
            out.append(f"{iso_sql(col)} AS {col}")
        elif pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            out.append(f"{csv_cell_sql(col)} AS {col}")
        else:
            out.append(col)
    return out


def _json_props_sql(reader: WorkspaceReader, table: str, drop: Iterable[str] = ()) -> str:
    """SQL building one JSON object of a row's columns: times as ISO text, JSON-in-text columns
    decoded, single-precision floats rounded to what they hold."""
    skip = set(drop)
    json_cols = JSON_COLUMNS_BY_TABLE.get(table, frozenset())
    parts = []
    for f in _schema(reader, table):
        if f.name in skip:
            continue
        col = _ident(f.name)
        if pa.types.is_timestamp(f.type):
            expr = iso_sql(col)
        elif f.name in json_cols:
            expr = f"CASE WHEN json_valid({col}) THEN json({col}) ELSE to_json({col}) END"
        elif pa.types.is_float32(f.type):
            expr = f"round({col}::DOUBLE, 6)"
        else:
            expr = col
        parts.append(f"'{f.name}': {expr}")
    return "to_json({" + ", ".join(parts) + "})"


def _stream(
    reader: WorkspaceReader, sql: str, params: Sequence[Any] | None = None
) -> Iterator[pa.Array]:
    """The first column of a query's result, batch by batch."""
    for batch in reader.batches(sql, params, STREAM_BATCH_ROWS):
        yield batch.column(0)


def _events_where(kinds: Sequence[str] | None) -> tuple[str, list[Any]]:
    if kinds:
        return "WHERE kind IN (SELECT unnest(?))", [list(kinds)]
    return "", []


# ---- CSV and Parquet: DuckDB writes them ---------------------------------------------------------
def _copy_sql(
    reader: WorkspaceReader, name: str, kinds: Sequence[str] | None, text: bool
) -> tuple[str, list[Any]]:
    cols = ", ".join(_text_columns(reader, name)) if text else "*"
    where, params = _events_where(kinds) if name == "events" else ("", [])
    order = TABLE_ORDER.get(name)
    sql = f"SELECT {cols} FROM {_ident(name)} {where}" + (f" ORDER BY {order}" if order else "")
    return sql, params


def _copy_table(
    reader: WorkspaceReader, name: str, path: Path, fmt: str, kinds: Sequence[str] | None
) -> tuple[int, pa.Schema]:
    """COPY one workspace table to a CSV or Parquet file; returns (rows, schema)."""
    if not reader.has(name):
        empty = reader.table(name)
        _write_small(path, empty, fmt)
        return 0, empty.schema
    sql, params = _copy_sql(reader, name, kinds, text=fmt == "csv")
    options = "(HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT parquet, COMPRESSION zstd)"
    reader.execute(f"COPY ({sql}) TO {_sql_path(path)} {options}", params)
    where, wparams = _events_where(kinds) if name == "events" else ("", [])
    n = int(reader.scalar(f"SELECT count(*) FROM {_ident(name)} {where}", wparams) or 0)
    return n, _schema(reader, name)


def _write_small(path: Path, table: pa.Table, fmt: str) -> None:
    """A small table built in Python (vessels, ports) as CSV or Parquet."""
    if fmt == "csv":
        for i, f in enumerate(table.schema):
            if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
                cells = [csv_cell(v) for v in table.column(i).to_pylist()]
                table = table.set_column(i, f, pa.array(cells, f.type))
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    else:
        pq.write_table(table, path, compression="zstd")


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
        "watched",
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
            ("watched", pa.string()),
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


TABLE_DESCRIPTIONS = {
    "events": "Detected events (times UTC).",
    "positions": "Every accepted AIS position (not decimated).",
    "statics": "AIS static and voyage messages (identity).",
    "vessels": "One row per MMSI with its latest identity; `watched` names the case's vessel.",
    "ports": "Watched ports and places of the case.",
}


def _export_tabular(
    reader: WorkspaceReader, out: Path, kinds: Sequence[str] | None, fmt: str
) -> list[BundleFile]:
    names = list(ALWAYS_TABLES)
    names += [n for n in (*LAYER_TABLES, "documents") if reader.count(n)]
    files = []
    for name in names:
        fname = f"{name}.{fmt}"
        n, schema = _copy_table(reader, name, out / fname, fmt, kinds)
        desc = TABLE_DESCRIPTIONS.get(name, f"The workspace's {name} table.")
        files.append(BundleFile(fname, desc, n, "rows", _arrow_columns(schema)))
    for name, table in (("vessels", _vessels_table(reader)), ("ports", _ports_table(reader))):
        fname = f"{name}.{fmt}"
        _write_small(out / fname, table, fmt)
        files.append(
            BundleFile(
                fname,
                TABLE_DESCRIPTIONS[name],
                table.num_rows,
                "rows",
                _arrow_columns(table.schema),
            )
        )
    return files


# ---- tracks (GeoJSON and KML) ---------------------------------------------------------------------
def export_tracks(reader: WorkspaceReader) -> list[Track]:
    """Every vessel's track decimated for the GeoJSON and KML bundles."""
    return reader.tracks(
        None,
        zoom=EXPORT_TRACK_ZOOM,
        gap_break_s=EXPORT_TRACK_GAP_BREAK_S,
        max_points=EXPORT_TRACK_MAX_POINTS,
    )


def track_decimation_text() -> str:
    """How the bundles' tracks are decimated, for the README."""
    tol = tolerance_for_zoom(EXPORT_TRACK_ZOOM)
    return (
        f"Tracks are decimated for display: fixes thinned on a grid and simplified with "
        f"Douglas-Peucker at a tolerance of {tol:.6f} degrees (about {tol * 111_320:.0f} m, the "
        f"map's one pixel at zoom {EXPORT_TRACK_ZOOM}), lines broken where consecutive fixes are "
        f"more than {EXPORT_TRACK_GAP_BREAK_S / 3600:g} h apart (every gap's end points kept), at "
        f"most {EXPORT_TRACK_MAX_POINTS:,} points per vessel (the tolerance grows when a track "
        "needs more). Every position is in the CSV and Parquet bundles."
    )


def _track_runs(track: Track) -> list[np.ndarray]:
    """A track's runs of two or more fixes as (n, 2) arrays of [lon, lat]."""
    out = []
    for run in track.runs:
        if len(run) >= 2:
            a = np.asarray(run, dtype=np.float64)
            out.append(np.round(a[:, [1, 0]], EXPORT_COORD_DECIMALS))
    return out


def _track_props(track: Track, vessel: dict[str, Any]) -> dict[str, Any]:
    t0 = min(r[0][2] for r in track.runs)
    t1 = max(r[-1][2] for r in track.runs)
    return {
        "mmsi": track.mmsi,
        "imo": vessel.get("imo"),
        "name": vessel.get("name"),
        "watched": vessel.get("watched"),
        "n_positions": track.n_positions,
        "n_points": track.n_points,
        "start": datetime.fromtimestamp(t0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": datetime.fromtimestamp(t1, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


TRACK_COLUMNS = [
    ("mmsi", "int64"),
    ("imo", "int64"),
    ("name", "string"),
    ("watched", "string (the case's vessel name, or null)"),
    ("n_positions", "int64 (fixes in the workspace)"),
    ("n_points", "int64 (fixes kept after decimation)"),
    ("start", "ISO 8601 UTC"),
    ("end", "ISO 8601 UTC"),
]


# ---- GeoJSON ------------------------------------------------------------------------------------
def events_geometry_sql() -> str:
    """SQL for an event's RFC 7946 geometry as JSON text: a LineString from the last fix before
    a gap (or jump) to the first after when both ends are known, else a Point, else null."""
    pt = "'[' || {x}::VARCHAR || ',' || {y}::VARCHAR || ']'"
    start = pt.format(x="round(lon, 6)", y="round(lat, 6)")
    end = pt.format(x="round(end_lon, 6)", y="round(end_lat, 6)")
    kinds = ", ".join(f"'{k}'" for k in LINE_KINDS)
    return (
        "CASE WHEN NOT (isfinite(lat) AND isfinite(lon)) OR lat IS NULL OR lon IS NULL THEN 'null' "
        f"WHEN kind IN ({kinds}) AND isfinite(end_lat) AND isfinite(end_lon) "
        f"THEN '{{\"type\":\"LineString\",\"coordinates\":[' || {start} || ',' || {end} || ']}}' "
        f'ELSE \'{{"type":"Point","coordinates":\' || {start} || \'}}\' END'
    )


class _FeatureWriter:
    """Writes a FeatureCollection feature by feature."""

    def __init__(self, fh: IO[str], name: str) -> None:
        self.fh = fh
        self.n = 0
        fh.write(f'{{"type":"FeatureCollection","name":{json.dumps(name)},"features":[\n')

    def write_many(self, features: Iterable[str]) -> None:
        for f in features:
            self.fh.write(f if self.n == 0 else ",\n" + f)
            self.n += 1

    def close(self) -> None:
        self.fh.write("\n]}\n")


def _write_event_features(reader: WorkspaceReader, path: Path, kinds: Sequence[str] | None) -> int:
    with path.open("w", encoding="utf-8") as fh:
        w = _FeatureWriter(fh, "events")
        if reader.has("events"):
            where, params = _events_where(kinds)
            props = _json_props_sql(reader, "events", drop=GEOMETRY_COLUMNS)
            sql = (
                f'SELECT \'{{"type":"Feature","geometry":\' || ({events_geometry_sql()}) || '
                f"',\"properties\":' || {props} || '}}' FROM events {where} "
                "ORDER BY start_ts, event_id"
            )
            for col in _stream(reader, sql, params):
                w.write_many(col.to_pylist())
        w.close()
    return w.n


def _feature(geometry: dict[str, Any] | None, props: dict[str, Any]) -> str:
    return json.dumps(
        {"type": "Feature", "geometry": geometry, "properties": props},
        ensure_ascii=False,
        allow_nan=False,
        separators=(",", ":"),
    )


def _write_track_features(reader: WorkspaceReader, path: Path, tracks: list[Track]) -> int:
    vessels = {v["mmsi"]: v for v in reader.vessels()}
    with path.open("w", encoding="utf-8") as fh:
        w = _FeatureWriter(fh, "tracks")
        for t in tracks:
            runs = _track_runs(t)
            if not runs:
                continue
            geom = {"type": "MultiLineString", "coordinates": [r.tolist() for r in runs]}
            w.write_many([_feature(geom, _track_props(t, vessels.get(t.mmsi, {})))])
        w.close()
    return w.n


def _layer_features(reader: WorkspaceReader, name: str) -> Iterator[str]:
    ports = {p["id"]: p for p in reader.ports()}
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
        yield _feature(geom, {k: v for k, v in r.items() if k not in ("lat", "lon")})


def _finite(*values: Any) -> bool:
    return all(isinstance(v, int | float) and v == v for v in values)


def _export_geojson(
    reader: WorkspaceReader, out: Path, kinds: Sequence[str] | None
) -> list[BundleFile]:
    files: list[BundleFile] = []
    n = _write_event_features(reader, out / "events.geojson", kinds)
    files.append(
        BundleFile(
            "events.geojson",
            "Events: Point at the event, or LineString from the last fix before a gap to the "
            "first after it. Properties are the events table's columns (details and evidence "
            "as JSON objects).",
            n,
            "features",
            [c for c in _arrow_columns(_schema(reader, "events")) if c[0] not in GEOMETRY_COLUMNS],
        )
    )
    n = _write_track_features(reader, out / "tracks.geojson", export_tracks(reader))
    files.append(
        BundleFile(
            "tracks.geojson",
            "One MultiLineString per vessel, broken at silences. " + track_decimation_text(),
            n,
            "features",
            TRACK_COLUMNS,
        )
    )
    ports = reader.ports()
    with (out / "ports.geojson").open("w", encoding="utf-8") as fh:
        w = _FeatureWriter(fh, "ports")
        w.write_many(
            _feature(
                {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                {k: v for k, v in p.items() if k not in ("lat", "lon")},
            )
            for p in ports
        )
        w.close()
    files.append(
        BundleFile(
            "ports.geojson",
            "Watched ports and places of the case (radius_km is the port's area).",
            len(ports),
            "features",
            [c for c in _arrow_columns(_ports_table(reader).schema) if c[0] not in ("lat", "lon")],
        )
    )
    for name in LAYER_TABLES:
        if name in ("watchlist", "matches") or not reader.count(name):
            continue
        with (out / f"{name}.geojson").open("w", encoding="utf-8") as fh:
            w = _FeatureWriter(fh, name)
            w.write_many(_layer_features(reader, name))
            w.close()
        files.append(
            BundleFile(
                f"{name}.geojson",
                f"The {name} table as features.",
                w.n,
                "features",
                _arrow_columns(_schema(reader, name)),
            )
        )
    return files


# ---- KML ------------------------------------------------------------------------------------------
def _kml_value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v)


def _kml_data(props: dict[str, Any]) -> str:
    """ExtendedData: each value's exact text (XML-escaped), for GIS tools that read it."""
    parts = [
        f'<Data name="{xml_text(k)}"><value>{xml_text(_kml_value(v))}</value></Data>'
        for k, v in props.items()
        if v is not None
    ]
    return f"<ExtendedData>{''.join(parts)}</ExtendedData>" if parts else ""


def _kml_description(title: str, props: dict[str, Any]) -> str:
    """The balloon's HTML (a title and a table of the values), every value HTML-escaped and
    the whole in CDATA: viewers render descriptions as HTML, where data must stay text."""
    rows = "".join(
        f"<tr><th>{html_text(k)}</th><td>{html_text(_kml_value(v))}</td></tr>"
        for k, v in props.items()
        if v is not None
    )
    return f"<description>{cdata(f'<b>{html_text(title)}</b><table>{rows}</table>')}</description>"


def _kml_placemark(
    name: str,
    geometry: str,
    style: str | None = None,
    begin: str | None = None,
    end: str | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    # element order follows the OGC KML 2.2 schema
    out = [f"<Placemark><name>{xml_text(name)}</name>", _kml_description(name, data or {})]
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


def kml_coords(lonlat: np.ndarray) -> str:
    """'lon,lat lon,lat ...' of an (n, 2) array, six decimals, formatted in one pass."""
    if lonlat.size == 0:
        return ""
    flat = np.asarray(lonlat, dtype=np.float64).ravel()
    return (" ".join(["%.6f,%.6f"] * (flat.size // 2))) % tuple(flat.tolist())


# Balloons show only the placemark's description (escaped HTML): never the default template,
# which would put names and ExtendedData values into the balloon's HTML unescaped. (OGC order:
# BalloonStyle after IconStyle and LineStyle.)
KML_BALLOON = f"<BalloonStyle><text>{cdata('$[description]')}</text></BalloonStyle>"


def _kml_styles(kinds: Iterable[str]) -> str:
    styles = []
    for kind in sorted(set(kinds)):
        color = KML_KIND_COLORS.get(kind, KML_DEFAULT_COLOR)
        styles.append(
            f'<Style id="event-{xml_text(kind)}"><IconStyle><color>{color}</color><scale>0.9</scale>'
            f"</IconStyle><LineStyle><color>{color}</color><width>3</width></LineStyle>"
            f"{KML_BALLOON}</Style>"
        )
    styles.append(
        '<Style id="port"><IconStyle><color>ff2a7a2a</color><scale>1.1</scale></IconStyle>'
        f"{KML_BALLOON}</Style>"
    )
    styles.append(
        '<Style id="track"><LineStyle><color>ffa56e3b</color><width>2</width></LineStyle>'
        f"{KML_BALLOON}</Style>"
    )
    styles.append(
        '<Style id="track-watched"><LineStyle><color>ff8f36b5</color><width>4</width>'
        f"</LineStyle>{KML_BALLOON}</Style>"
    )
    return "".join(styles)


def events_placemark_sql(reader: WorkspaceReader) -> str:
    """SQL building each event's KML Placemark as text (OGC element order: name, description,
    TimeSpan, styleUrl, ExtendedData, geometry), every column of the row in ExtendedData (exact
    text) and in the description's table (escaped HTML, in CDATA)."""
    data = []
    table = []
    for f in _schema(reader, "events"):
        col = _ident(f.name)
        text = iso_sql(col) if pa.types.is_timestamp(f.type) else f"{col}::VARCHAR"
        if pa.types.is_float32(f.type):
            text = f"round({col}::DOUBLE, 6)::VARCHAR"
        data.append(
            f"coalesce('<Data name=\"{f.name}\"><value>' || {xml_sql(text)} || '</value></Data>', '')"
        )
        table.append(
            f"coalesce('<tr><th>{f.name}</th><td>' || {html_sql(text)} || '</td></tr>', '')"
        )
    pt = "printf('%.6f,%.6f', {x}, {y})"
    start = pt.format(x="lon", y="lat")
    end = pt.format(x="end_lon", y="end_lat")
    kinds = ", ".join(f"'{k}'" for k in LINE_KINDS)
    geometry = (
        f"CASE WHEN kind IN ({kinds}) AND isfinite(end_lat) AND isfinite(end_lon) "
        f"THEN '<LineString><tessellate>1</tessellate><coordinates>' || {start} || ' ' || {end} "
        "|| '</coordinates></LineString>' "
        f"ELSE '<Point><coordinates>' || {start} || '</coordinates></Point>' END"
    )
    title = f"kind || ' ' || mmsi::VARCHAR || ' ' || coalesce({iso_sql('start_ts')}, '')"
    name = xml_sql(title)
    # HTML-escaped text cannot hold ']]>' (its > is escaped), so one CDATA section holds it all
    description = (
        f"'<description><![CDATA[<b>' || {html_sql(title)} || '</b><table>' || "
        + " || ".join(table)
        + " || '</table>]]></description>'"
    )
    span = (
        "CASE WHEN start_ts IS NULL AND end_ts IS NULL THEN '' ELSE '<TimeSpan>' || "
        f"coalesce('<begin>' || {iso_sql('start_ts')} || '</begin>', '') || "
        f"coalesce('<end>' || {iso_sql('end_ts')} || '</end>', '') || '</TimeSpan>' END"
    )
    return (
        f"'<Placemark><name>' || {name} || '</name>' || {description} || {span} || "
        f"'<styleUrl>#event-' || {xml_sql('kind')} || '</styleUrl><ExtendedData>' || "
        + " || ".join(data)
        + f" || '</ExtendedData>' || {geometry} || '</Placemark>'"
    )


def _export_kml(
    reader: WorkspaceReader, out: Path, kinds: Sequence[str] | None
) -> list[BundleFile]:
    ports = reader.ports()
    event_kinds = sorted(reader.event_kinds())
    if kinds:
        event_kinds = [k for k in event_kinds if k in set(kinds)]
    n_events = 0
    n_tracks = 0
    with (out / "darkcargo.kml").open("w", encoding="utf-8") as fh:
        fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<kml xmlns="{KML_NS}"><Document>'
            f"<name>darkcargo: {xml_text(reader.case.title)}</name>"
            f"<description>darkcargo {__version__} export of {xml_text(reader.path.name)}; "
            "see README.md</description>" + _kml_styles(event_kinds) + "<Folder><name>Ports</name>"
        )
        for p in ports:
            point = f"<Point><coordinates>{p['lon']:.6f},{p['lat']:.6f}</coordinates></Point>"
            props = {k: v for k, v in p.items() if k not in ("lat", "lon")}
            fh.write(_kml_placemark(p["name"], point, "port", data=props))
        fh.write("</Folder><Folder><name>Events</name>")
        placemark = events_placemark_sql(reader) if event_kinds else ""
        for kind in event_kinds:
            fh.write(f"<Folder><name>{xml_text(kind)}</name>")
            sql = (
                f"SELECT {placemark} FROM events WHERE kind = ? AND isfinite(lat) "
                "AND isfinite(lon) ORDER BY start_ts, event_id"
            )
            for col in _stream(reader, sql, [kind]):
                texts = col.to_pylist()
                fh.write("".join(texts))
                n_events += len(texts)
            fh.write("</Folder>")
        fh.write("</Folder><Folder><name>Tracks</name>")
        vessels = {v["mmsi"]: v for v in reader.vessels()}
        for t in export_tracks(reader):
            runs = _track_runs(t)
            if not runs:
                continue
            props = _track_props(t, vessels.get(t.mmsi, {}))
            lines = "".join(
                "<LineString><tessellate>1</tessellate><coordinates>"
                + kml_coords(r)
                + "</coordinates></LineString>"
                for r in runs
            )
            fh.write(
                _kml_placemark(
                    f"{props['name'] or props['mmsi']}",
                    f"<MultiGeometry>{lines}</MultiGeometry>",
                    "track-watched" if props["watched"] else "track",
                    props["start"],
                    props["end"],
                    data=props,
                )
            )
            n_tracks += 1
        fh.write("</Folder></Document></kml>\n")
    return [
        BundleFile(
            "darkcargo.kml",
            "OGC KML 2.2: folders Ports, Events (one folder per kind; TimeSpan from start to "
            "end; gaps as LineStrings from the last fix before to the first after) and Tracks "
            "(one MultiGeometry of LineStrings per vessel; the case's watched vessels in their "
            "own style). Each Placemark's ExtendedData holds its row's columns. "
            + track_decimation_text(),
            len(ports) + n_events + n_tracks,
            "placemarks",
            _arrow_columns(_schema(reader, "events")),
        )
    ]


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
        *(
            [
                "- text that a spreadsheet would run as a formula (starting with =, +, -, @, a "
                "tab or a carriage return: names and call signs are chosen by the ships) starts "
                "with an apostrophe."
            ]
            if fmt == "csv"
            else []
        ),
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
    # the bundles COPY query results to files: the one reader that needs file access
    with WorkspaceReader(workspace_path, case=case, external_access=True) as reader:
        if kinds:
            known = set(reader.event_kinds())
            unknown = [k for k in kinds if k not in known]
            if unknown and known:
                log.warning("no events of kind(s) %s in the workspace", ", ".join(unknown))
        if fmt == "geojson":
            files = _export_geojson(reader, out, kinds)
        elif fmt == "kml":
            files = _export_kml(reader, out, kinds)
        else:
            files = _export_tabular(reader, out, kinds, fmt)
        (out / "README.md").write_text(readme_text(reader, fmt, files, kinds), encoding="utf-8")
    return out
