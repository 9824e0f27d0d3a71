"""The single-file report: self-contained, offline, and telling the workspace's story."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from darkcargo import __version__
from darkcargo.report import build_report
from darkcargo.report.html import unpack
from tests.web.sample import ANGARA, build_empty_workspace, build_sample_workspace

# Web addresses allowed in the file: the SVG namespace (a name, never fetched) and the sample
# claims' source addresses, shown as text.
ALLOWED_URLS = {"http://www.w3.org/2000/svg", "https://example.org/rok"}


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    d = tmp_path_factory.mktemp("report")
    ws = build_sample_workspace(d / "ws.duckdb")
    out = build_report(ws, d / "out" / "report.html")
    assert out == d / "out" / "report.html"
    return out.read_text(encoding="utf-8")


def embedded_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="dc-data">(.*?)</script>', html, re.S)
    assert m, "embedded data block missing"
    return json.loads(m.group(1))


def test_report_loads_nothing_from_outside(report_html: str) -> None:
    # no element points at a remote (or any non-data) resource
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", report_html, re.I)
    assert all(r.startswith(("data:", "#")) or r == "" for r in refs), refs
    assert not re.search(r"url\(\s*['\"]?(?!data:|#)", report_html), "CSS url() to a file"
    assert "@import" not in report_html
    assert "sourceMappingURL" not in report_html
    urls = set(re.findall(r"https?://[^\s\"'<>)\\]+", report_html))
    assert urls <= ALLOWED_URLS, urls - ALLOWED_URLS


def test_report_inlines_leaflet_and_land(report_html: str) -> None:
    assert "Leaflet" in report_html and "L.map" in report_html
    data = embedded_data(report_html)
    land = data["land"]["features"][0]["geometry"]
    assert land["type"] == "MultiPolygon" and len(land["coordinates"]) > 10
    assert {t["mmsi"] for t in data["tracks"]["tracks"]} == {ANGARA, 273000001}
    assert len(unpack(data["events"])) == 6
    page = data["vessel_details"][str(ANGARA)]
    assert page["identity_history"][1]["name"] == "LAURA"
    # vessel pages reference the embedded events by id instead of copying them
    assert "events" not in page
    assert sorted(page["event_ids"]) == ["e1", "e2", "e3", "e4", "e6"]


def test_report_tables_name_estimates_claims_parameters_sources_version(report_html: str) -> None:
    assert f"darkcargo {__version__}" in report_html or f"<dd>{__version__}</dd>" in report_html
    # estimates with intervals and their unverified parameters labelled
    est = re.search(r'id="report-estimates-table".*?</table>', report_html, re.S)
    assert est and "2,500" in est.group(0) and "7,000" in est.group(0)
    assert "unverified: teu_capacity" in est.group(0)
    claims = re.search(r'id="report-claims-table".*?</table>', report_html, re.S)
    assert claims and "above" in claims.group(0) and "consistent" in claims.group(0)
    assert "3 million 152 mm shells" in claims.group(0)
    assert "abc123def456" in report_html  # the events' params_hash
    assert "nearshore" in report_html  # the preset
    assert "demo/ais.nmea" in report_html  # the source
    events = re.search(r'id="report-events-table".*?</table>', report_html, re.S)
    assert events and events.group(0).count("<tr>") == 7  # header + 6 events


def test_report_escapes_text_from_the_workspace(tmp_path: Path) -> None:
    from darkcargo.workspace import Workspace

    ws_path = build_sample_workspace(tmp_path / "ws.duckdb")
    with Workspace(ws_path) as ws:
        ws.con.execute(
            "UPDATE claims SET quote = '</script><script>alert(1)</script>' WHERE claim_id='c1'"
        )
    html = build_report(ws_path, tmp_path / "r.html").read_text()
    assert "<script>alert(1)" not in html
    assert embedded_data(html)["claims"][0]["quote"] == "</script><script>alert(1)</script>"


def test_report_of_an_empty_workspace(tmp_path: Path) -> None:
    ws = build_empty_workspace(tmp_path / "empty.duckdb")
    html = build_report(ws, tmp_path / "empty.html").read_text()
    assert "No events detected yet." in html
    assert "No estimates yet." in html
    assert "No claims extracted yet." in html
    data = embedded_data(html)
    assert unpack(data["events"]) == [] and data["tracks"] == {"tracks": []}


def test_report_reads_codes_and_writes_details_as_sentences(report_html: str) -> None:
    vessels = re.search(r'id="report-vessels".*?</table>', report_html, re.S)
    assert vessels
    row = re.search(r"<tr><td>273210440</td>.*?</tr>", vessels.group(0), re.S)
    assert row and "<td>Cargo</td><td>Russian Federation</td>" in row.group(0)  # type 79, MID 273
    events = re.search(r'id="report-events-table".*?</table>', report_html, re.S)
    assert events
    sentences = re.findall(r'<td class="dc-sentence">(.*?)</td>', events.group(0))
    assert "AIS silent for 20.0 h." in sentences  # the gap
    assert "In port at RAJIN for 20.0 h." in sentences  # a port call
    assert not any(": yes" in s or ": no" in s for s in sentences)
    data = embedded_data(report_html)
    page = data["vessel_details"][str(ANGARA)]
    assert page["profile"]["facts"]["flag_iso2"] == "RU"
    assert page["profile"]["weekly"] == [
        {"week": "2023-09-04", "gaps": 1, "port_calls": 2, "dark_hours": 20.0}
    ]
    assert data["watch"] == {"ran": False, "watchlist_entries": 0, "matches": []}
