"""Export bundles: valid GeoJSON (RFC 7946) and KML (OGC 2.2 schema), CSV and Parquet, each
with a README of schema, parameters, sources and version."""

from __future__ import annotations

import csv
import json
import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from darkcargo import __version__
from darkcargo.errors import InputError
from darkcargo.report import export_bundle
from tests.web.sample import ANGARA, build_empty_workspace, build_sample_workspace

KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("exports") / "ws.duckdb")


# ---- an RFC 7946 structure checker --------------------------------------------------------------
def _position(p: Any) -> None:
    assert isinstance(p, list) and len(p) in (2, 3), p
    assert all(isinstance(x, int | float) and math.isfinite(x) for x in p), p
    assert -180 <= p[0] <= 180 and -90 <= p[1] <= 90, p


def check_geometry(g: Any) -> None:
    if g is None:
        return
    t = g["type"]
    c = g.get("coordinates")
    if t == "Point":
        _position(c)
    elif t in ("LineString", "MultiPoint"):
        assert len(c) >= (2 if t == "LineString" else 1)
        for p in c:
            _position(p)
    elif t == "MultiLineString":
        for line in c:
            check_geometry({"type": "LineString", "coordinates": line})
    elif t == "Polygon":
        for ring in c:
            assert len(ring) >= 4 and ring[0] == ring[-1]
            for p in ring:
                _position(p)
    elif t == "MultiPolygon":
        for poly in c:
            check_geometry({"type": "Polygon", "coordinates": poly})
    else:
        raise AssertionError(f"unknown geometry type {t}")


def check_feature_collection(doc: dict[str, Any]) -> None:
    assert doc["type"] == "FeatureCollection"
    assert isinstance(doc["features"], list)
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert "geometry" in f and "properties" in f
        assert f["properties"] is None or isinstance(f["properties"], dict)
        check_geometry(f["geometry"])


def test_geojson_bundle_validates(ws: Path, tmp_path: Path) -> None:
    import geojson

    out = export_bundle(ws, "geojson", tmp_path / "gj")
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "events.geojson",
        "ports.geojson",
        "tracks.geojson",
    ]
    for name in ("events", "ports", "tracks"):
        text = (out / f"{name}.geojson").read_text()
        doc = json.loads(text)
        check_feature_collection(doc)
        obj = geojson.loads(text)
        assert obj.is_valid, (name, obj.errors())
    events = json.loads((out / "events.geojson").read_text())["features"]
    gap = next(f for f in events if f["properties"]["kind"] == "gap")
    assert gap["geometry"] == {"type": "LineString", "coordinates": [[131.0, 42.45], [131.6, 42.6]]}
    assert gap["properties"]["start_ts"] == "2023-09-05T09:50:00Z"
    # JSON-in-text columns arrive as JSON, single-precision floats as the value they hold
    assert gap["properties"]["details"] == {"hours": 20.0}
    assert gap["properties"]["evidence"]["source_rows"] == [[1, 1, 10]]
    assert gap["properties"]["confidence"] == 0.8
    call = next(f for f in events if f["properties"]["event_id"] == "e1")
    assert call["geometry"] == {"type": "Point", "coordinates": [130.3, 42.25]}
    tracks = json.loads((out / "tracks.geojson").read_text())["features"]
    angara = next(f for f in tracks if f["properties"]["mmsi"] == ANGARA)
    # split at the 20 h gap; each straight leg decimated to its two ends, which are the fixes
    # either side of the gap
    lines = angara["geometry"]["coordinates"]
    assert [len(line) for line in lines] == [2, 2]
    assert lines[0][-1] == [131.0, 42.45] and lines[1][0] == [131.6, 42.6]
    assert angara["properties"]["n_positions"] == 120 and angara["properties"]["n_points"] == 4
    assert angara["properties"]["watched"] == "ANGARA"
    readme = (out / "README.md").read_text()
    assert "Tracks are decimated for display" in readme and "Douglas-Peucker" in readme


def test_kml_bundle_validates_against_the_ogc_schema(ws: Path, tmp_path: Path) -> None:
    out = export_bundle(ws, "kml", tmp_path / "kml")
    path = out / "darkcargo.kml"
    root = ET.parse(path).getroot()
    assert root.tag == f"{KML}kml"
    doc = root.find(f"{KML}Document")
    assert doc is not None
    folders = [f.findtext(f"{KML}name") for f in doc.findall(f"{KML}Folder")]
    assert folders == ["Ports", "Events", "Tracks"]
    gap = next(
        p
        for p in root.iter(f"{KML}Placemark")
        if (p.findtext(f"{KML}name") or "").startswith("gap")
    )
    coords = gap.find(f"{KML}LineString/{KML}coordinates")
    assert coords is not None and coords.text == "131.000000,42.450000 131.600000,42.600000"
    assert gap.findtext(f"{KML}TimeSpan/{KML}begin") == "2023-09-05T09:50:00Z"

    lxml_etree = pytest.importorskip("lxml.etree")
    pykml = pytest.importorskip("pykml")
    xsd = Path(pykml.__file__).parent / "schemas" / "ogckml22.xsd"
    if not xsd.exists():
        pytest.skip("pykml's copy of the OGC KML 2.2 schema is missing")
    schema = lxml_etree.XMLSchema(lxml_etree.parse(str(xsd)))
    valid = schema.validate(lxml_etree.parse(str(path)))
    assert valid, str(schema.error_log)


def test_kind_filter_limits_the_events(ws: Path, tmp_path: Path) -> None:
    out = export_bundle(ws, "geojson", tmp_path / "gaps", kinds=["gap"])
    kinds = {
        f["properties"]["kind"]
        for f in json.loads((out / "events.geojson").read_text())["features"]
    }
    assert kinds == {"gap"}
    assert "event kinds: gap" in (out / "README.md").read_text()


def test_csv_and_parquet_bundles_carry_the_tables(ws: Path, tmp_path: Path) -> None:
    c = export_bundle(ws, "csv", tmp_path / "csv")
    p = export_bundle(ws, "parquet", tmp_path / "pq")
    for name, n in (
        ("events", 6),
        ("positions", 200),
        ("vessels", 2),
        ("estimates", 2),
        ("ports", 11),
    ):
        with (c / f"{name}.csv").open() as fh:
            assert len(list(csv.DictReader(fh))) == n, name
        assert pq.read_table(p / f"{name}.parquet").num_rows == n, name
    with (c / "events.csv").open() as fh:
        first = next(csv.DictReader(fh))
    assert first["start_ts"] == "2023-09-05T00:00:00Z"
    assert str(pq.read_table(p / "events.parquet").schema.field("start_ts").type) == "timestamp[us]"


def test_readme_names_schema_parameters_sources_and_version(ws: Path, tmp_path: Path) -> None:
    out = export_bundle(ws, "csv", tmp_path / "readme")
    text = (out / "README.md").read_text()
    assert f"darkcargo version: {__version__}" in text
    assert "### events.csv" in text and "| start_ts | timestamp[us] |" in text
    assert "| events | nearshore | `abc123def456` | 6 |" in text
    assert "demo/ais.nmea" in text
    # every file of the bundle is described
    for f in out.iterdir():
        if f.name != "README.md":
            assert f"### {f.name}" in text


def test_empty_workspace_exports_empty_but_valid_files(tmp_path: Path) -> None:
    ws = build_empty_workspace(tmp_path / "e.duckdb")
    out = export_bundle(ws, "geojson", tmp_path / "e-gj")
    assert json.loads((out / "events.geojson").read_text())["features"] == []
    kml = export_bundle(ws, "kml", tmp_path / "e-kml") / "darkcargo.kml"
    assert ET.parse(kml).getroot().tag == f"{KML}kml"
    assert "No ingested sources recorded." in (out / "README.md").read_text()


def test_unknown_format_and_file_as_folder_are_input_errors(ws: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown export format"):
        export_bundle(ws, "xls", tmp_path / "x")
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(InputError, match="not a folder"):
        export_bundle(ws, "csv", f)


def test_exports_do_not_write_to_the_workspace(tmp_path: Path) -> None:
    ws = build_sample_workspace(tmp_path / "ro.duckdb")
    before = (ws.read_bytes(), os.stat(ws).st_mtime)
    export_bundle(ws, "kml", tmp_path / "k")
    assert (ws.read_bytes(), os.stat(ws).st_mtime) == before


HOSTILE_NAME = '<img src=x onerror="alert(1)">]]>\x07&\'"'


def test_kml_keeps_hostile_text_as_text(tmp_path: Path) -> None:
    """A ship's name with markup, a CDATA end marker, an apostrophe and a control character
    (XML cannot hold it): the KML still parses, ExtendedData gives back the exact text (less
    the control character), and the balloon HTML holds it escaped, never as markup."""
    from darkcargo.workspace import Workspace

    path = build_sample_workspace(tmp_path / "ws.duckdb")
    with Workspace(path) as w:
        w.con.execute("UPDATE statics SET name = ? WHERE mmsi = ?", [HOSTILE_NAME, ANGARA])
        w.con.execute(
            "UPDATE events SET details = ? WHERE event_id = 'e6'",
            [json.dumps({"field": "name", "old": "ANGARA", "new": HOSTILE_NAME})],
        )
    kml = export_bundle(path, "kml", tmp_path / "kml") / "darkcargo.kml"
    text = kml.read_text(encoding="utf-8")
    assert "<img" not in text.replace("<![CDATA[", "")  # nowhere as markup
    root = ET.parse(kml).getroot()
    clean = HOSTILE_NAME.replace("\x07", "")
    track = next(p for p in root.iter(f"{KML}Placemark") if p.findtext(f"{KML}name") == clean)
    data = {d.get("name"): d.findtext(f"{KML}value") for d in track.iter(f"{KML}Data")}
    assert data["name"] == clean
    balloon = track.findtext(f"{KML}description") or ""
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;]]&gt;&amp;&#x27;&quot;" in balloon
    assert "<img" not in balloon
    change = next(
        p
        for p in root.iter(f"{KML}Placemark")
        if (p.findtext(f"{KML}name") or "").startswith("identity_change")
    )
    details = {d.get("name"): d.findtext(f"{KML}value") for d in change.iter(f"{KML}Data")}
    # the details JSON escapes the control character itself, so it comes back whole
    assert json.loads(details["details"])["new"] == HOSTILE_NAME
    assert "&lt;img" in (change.findtext(f"{KML}description") or "")
    # every style shows only the escaped description in its balloon
    styles = list(root.iter(f"{KML}Style"))
    assert styles and all(
        s.findtext(f"{KML}BalloonStyle/{KML}text") == "$[description]" for s in styles
    )


def test_csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe(tmp_path: Path) -> None:
    """A ship's name is chosen by the ship: "=HYPERLINK(...)" must open in a spreadsheet as
    text, in every CSV of the bundle; Parquet keeps the name as broadcast."""
    from darkcargo.ais.ingest import ingest

    name = '=HYPERLINK("http://e.vil","x")'
    feed = tmp_path / "day.csv"
    feed.write_text(
        "MMSI,BaseDateTime,LAT,LON,VesselName,CallSign\n"
        f'412000001,2023-01-01T00:00:00,42.8,132.9,"{name.replace(chr(34), chr(34) * 2)}",+7CALL\n'
    )
    ws = tmp_path / "ws.duckdb"
    ingest([feed], ws)
    out = export_bundle(ws, "csv", tmp_path / "csv")
    with (out / "statics.csv").open() as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["name"], row["callsign"]) == ("'" + name, "'+7CALL")
    with (out / "vessels.csv").open() as fh:
        (vessel,) = list(csv.DictReader(fh))
    assert vessel["name"] == "'" + name and vessel["mmsi"] == "412000001"
    assert "starts with an apostrophe" in (out / "README.md").read_text()
    parquet = export_bundle(ws, "parquet", tmp_path / "pq")
    assert pq.read_table(parquet / "statics.parquet").column("name").to_pylist() == [name]
