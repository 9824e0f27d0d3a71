"""The dashboard and the report on a real demo season, in Debian's chromium through Playwright.

A short simulated season (30 vessels, August 2023) taken through every stage by
darkcargo.demo.run_demo: real tracks with reception holes, hundreds of events of every kind,
shipments, estimates per method and claim date, graded claims. What an analyst needs in the
first hour must be there: the first screen at the case's zoom names the watched ports and
draws the watched vessels above the rest in the legend's colours; search finds ANGARA by name,
MMSI and IMO; the trips table lists the season's trips; the events table sorts, filters, pages
past 300 rows and downloads what it shows; the vessel page reads the codes; chart labels never
sit on a marker. The page must load with no console error and no CSP violation; the report must
do the same offline. Screenshots land in test-artifacts/ (demo-*.png).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from darkcargo.report.describe import describe_event
from darkcargo.report.html import points_text, unverified_of
from darkcargo.sanctions.dossier import risk_ranking
from darkcargo.web.explore_queries import vessel_profile
from darkcargo.web.queries import WorkspaceReader
from tests.report.test_describe import SAMPLES
from tests.web.browser_kit import (
    CHROMIUM,
    Page,
    events_in_view,
    launch,
    layer_visible,
    serve,
    set_window,
    settle,
)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

SEASON_VESSELS = 30
SEASON_END = date(2023, 8, 31)
WEEK = ("2023-08-10T00:00:00Z", "2023-08-17T00:00:00Z")
ANGARA = 273210440
ANGARA_IMO = 9179842
PAGE_ROWS = 100


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from darkcargo.demo import run_demo
    from darkcargo.scenario.settings import ScenarioSettings

    out = tmp_path_factory.mktemp("demo-season")
    return run_demo(out, ScenarioSettings(vessels=SEASON_VESSELS, end=SEASON_END))


@pytest.fixture(scope="module")
def facts(demo: Any) -> dict[str, Any]:
    """What the workspace holds, to compare the page with."""
    with WorkspaceReader(demo.workspace) as r:
        story = r.story_events()
        every = r.events(limit=None)["items"]
        return {
            "watched": r.watched(),
            "events_with_position": sum(1 for e in story["items"] if e["lat"] is not None),
            "identity_changes": sum(1 for e in story["items"] if e["kind"] == "identity_change"),
            "events_total": story["total"],
            "events": every,
            "estimates": r.estimates(),
            "claims": r.claims(),
            "vessels": len(r.vessels()),
            "ports": r.ports(),
            "shipments": r.layer("shipments", limit=None)["items"],
            "detections": r.layer("detections", limit=None)["items"],
            "angara_profile": vessel_profile(r, ANGARA),
            "risk": risk_ranking(r, limit=10_000)["items"],
            "covert_imos": covert_imos(demo),
        }


def covert_imos(demo: Any) -> set[int]:
    """IMO numbers of the season's covert carriers, from the scenario's ground truth."""
    import pyarrow.parquet as pq

    truth = pq.read_table(demo.scenario_dir / "truth" / "vessels.parquet").to_pylist()
    return {int(v["imo"]) for v in truth if v["role"] == "covert" and v["imo"]}


@pytest.fixture(scope="module")
def server(demo: Any) -> Iterator[str]:
    with serve(demo.workspace) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.close()


def drawn_events(pg: Any) -> int:
    """Events on the map: drawn one by one, or counted in a cluster bubble."""
    return pg.locator(".dc-event").count() + int(pg.get_attribute("#dc-app", "data-clustered"))


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_first_screen_names_the_watched_ports_and_draws_watched_vessels_on_top(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    assert facts["watched"], "the demo season has the case's vessels"
    outside = page.guard((server,))
    pg = page.open(server)
    settle(pg)
    pg.screenshot(path=str(artifacts_dir / "demo-first-screen.png"))
    # the case's zoom: every watched port inside the map, each named by a permanent label
    map_box = pg.locator("#dc-map").bounding_box()
    named = [p for p in facts["ports"] if p["role"] in ("origin", "destination")]
    for port in [p for p in named if p["id"] in ("RAJIN", "DUNAI", "VOSTOCHNY")]:
        label = pg.locator(f'.dc-maplabel[data-label="port:{port["id"]}"]')
        assert "dc-maplabel-hidden" not in (label.get_attribute("class") or ""), port["id"]
        box = label.locator(".dc-maplabel-text").bounding_box()
        assert (
            box
            and map_box["x"] <= box["x"]
            and box["x"] + box["width"] <= map_box["x"] + map_box["width"]
        )
        assert map_box["y"] <= box["y"] <= map_box["y"] + map_box["height"]
        assert label.inner_text() == port["name"].split(" /")[0].split(",")[0].split(" (")[0]
    # labels never cover one another
    shown = [
        b
        for b in (
            x.bounding_box()
            for x in pg.locator(".dc-maplabel:not(.dc-maplabel-hidden) .dc-maplabel-text").all()
        )
        if b
    ]
    assert len(shown) >= 8
    assert not any(boxes_overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1 :])
    # watched tracks: above the other traffic (their own pane), in the legend's colour
    z = pg.evaluate(
        """() => [getComputedStyle(document.querySelector('.leaflet-dc-tracks-top-pane')).zIndex,
                  getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex].map(Number)"""
    )
    assert z[0] > z[1]
    assert pg.locator(".leaflet-dc-tracks-top-pane path.dc-track-watched").count() >= len(
        facts["watched"]
    )
    assert pg.locator(".leaflet-overlay-pane path.dc-track-watched").count() == 0
    legend_colors = {
        row.get_attribute("data-legend"): row.get_attribute("data-color")
        for row in pg.locator(".dc-map-legend [data-legend]").all()
    }
    for mmsi, name in facts["watched"].items():
        color = legend_colors[f"watched:{name}"]
        strokes = {p.get_attribute("stroke") for p in pg.locator(f"path.dc-mmsi-{mmsi}").all()}
        assert strokes == {color}, (name, strokes, color)
        # the vessel list beside the map uses the same colour
        swatch = pg.locator(f'#dc-vessels tr[data-vessel="{mmsi}"] .dc-swatch')
        assert swatch.evaluate("e => e.style.background") in (color, _rgb(color))
    other = legend_colors["vessels:other traffic"]
    assert {
        p.get_attribute("stroke") for p in pg.locator("path.dc-track:not(.dc-track-watched)").all()
    } == {other}
    # every event is on the map, one by one or in a cluster bubble; identity changes (no
    # position of their own) where the vessel's track was at the time
    assert layer_visible(pg, "events:identity_change") == facts["identity_changes"]
    assert drawn_events(pg) == facts["events_with_position"] + facts["identity_changes"]
    assert pg.locator(".dc-event.dc-major").count() > 0
    # a layer toggle hides the other traffic and brings it back
    other_runs = layer_visible(pg, "tracks-other")
    assert other_runs > 0
    pg.locator('.dc-layer[data-layer="tracks-other"] input').uncheck()
    assert pg.locator("path.dc-track:not(.dc-track-watched)").count() == 0
    pg.locator('.dc-layer[data-layer="tracks-other"] input').check()
    assert pg.locator("path.dc-track:not(.dc-track-watched)").count() == other_runs
    # zoomed in, nothing is clustered any more
    pg.evaluate("window.darkcargoApp.map.setView([42.5, 131.0], 10)")
    settle(pg)
    assert pg.get_attribute("#dc-app", "data-clustered") == "0"
    assert page.errors == []
    assert page.csp_violations() == []
    assert outside == []


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_time_filter_narrows_map_and_table(server: str, page: Page, artifacts_dir: Path) -> None:
    pg = page.open(server)
    all_events = events_in_view(pg)
    all_tracks = layer_visible(pg, "tracks-other")
    drawn = drawn_events(pg)
    set_window(pg, *WEEK)
    week_events = events_in_view(pg)
    assert 0 < week_events < all_events
    assert 0 < layer_visible(pg, "tracks-other") < all_tracks
    # every row of the table overlaps the window
    outside = pg.evaluate(
        """([a, b]) => window.darkcargoApp._tableRows.filter(e =>
            Date.parse(e.end_ts || e.start_ts) < Date.parse(a) || Date.parse(e.start_ts) > Date.parse(b)
        ).length""",
        list(WEEK),
    )
    assert outside == 0
    assert drawn_events(pg) < drawn
    pg.screenshot(path=str(artifacts_dir / "demo-dashboard-week.png"))
    assert page.errors == []


@pytest.mark.parametrize("query", ["angara", str(ANGARA), str(ANGARA_IMO), "ANGRA"])
def test_search_finds_angara_by_name_mmsi_imo_and_a_typo(
    server: str, page: Page, query: str, artifacts_dir: Path
) -> None:
    pg = page.open(server)
    pg.fill("#dc-search", query)
    first = pg.locator("#dc-search-results li[data-vessel]").first
    first.wait_for()
    assert first.get_attribute("data-vessel") == str(ANGARA)
    assert "ANGARA" in first.inner_text()
    if query == "angara":
        pg.screenshot(
            path=str(artifacts_dir / "demo-search.png"),
            clip={"x": 0, "y": 0, "width": 1400, "height": 300},
        )
    pg.keyboard.press("Enter")
    pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
    assert "ANGARA" in pg.inner_text("#dc-vessel-title")
    assert page.errors == []


def test_trips_table_lists_the_seasons_trips(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    trips = facts["shipments"]
    assert trips, "the demo season has trips"
    pg = page.open(server)
    assert pg.get_attribute("#dc-trips-count", "data-count") == str(len(trips))
    rows = pg.locator("#dc-trips-table tbody tr")
    assert rows.count() == len(trips)
    departs = sorted(t["depart_ts"] for t in trips)
    shown = [r.locator("td").nth(3).inner_text() for r in rows.all()]
    # as the page writes times (DC.fmtTime): whole minutes without their ":00" seconds
    assert shown == [
        re.sub(r":00Z$", "Z", d).replace("T", " ").replace("Z", " UTC") for d in departs
    ]
    # per vessel and month: the grid's totals add up, and a cell lists its own trips
    totals = [int(t) for t in pg.locator("#dc-trips-months tbody td:last-child").all_inner_texts()]
    assert sum(totals) == len(trips)
    cell = pg.locator("#dc-trips-months td[data-month]").first
    n = int(cell.inner_text().split()[0])
    cell.click()
    assert pg.locator("#dc-trips-table tbody tr").count() == n
    pg.locator("#dc-trips").screenshot(path=str(artifacts_dir / "demo-trips.png"))
    pg.click("#dc-trips-all")
    assert pg.locator("#dc-trips-table tbody tr").count() == len(trips)
    assert page.errors == []


def test_events_table_sorts_filters_pages_past_300_and_downloads(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    events = facts["events"]
    assert len(events) > 300
    pg = page.open(server)
    pg.uncheck("#dc-ev-area")  # the whole workspace, not only the map view
    expect(pg.locator("#dc-events-count")).to_have_attribute("data-count", str(len(events)))
    by_start = sorted(events, key=lambda e: (e["start_ts"], e["event_id"]))
    for first in (101, 201, 301):
        pg.click("#dc-ev-next")
        expect(pg.locator("#dc-ev-range")).to_have_text(re.compile(rf"^rows {first}–"))
    ids = pg.eval_on_selector_all(
        "#dc-events-table tbody tr", "rs => rs.map(r => r.dataset.eventId)"
    )
    assert ids == [e["event_id"] for e in by_start[300:400]]
    assert pg.is_disabled("#dc-ev-next") == (len(events) <= 400)
    pg.locator("#dc-events").screenshot(path=str(artifacts_dir / "demo-events-table.png"))
    # sort by duration, longest first
    pg.click('#dc-events-table th[data-sort="hours"]')
    expect(pg.locator("#dc-events-table th.dc-sorted")).to_have_attribute("data-sort", "hours")
    expect(pg.locator("#dc-ev-range")).to_have_text(re.compile(r"^rows 1–"))
    hours = [
        float(x) for x in pg.locator("#dc-events-table tbody tr td:nth-child(6)").all_inner_texts()
    ]
    assert hours == sorted(hours, reverse=True) and len(hours) == PAGE_ROWS
    # filter: gaps of at least 10 h
    gaps = [e for e in events if e["kind"] == "gap" and e["details"]["hours"] >= 10]
    pg.select_option("#dc-ev-kind", "gap")
    pg.fill("#dc-ev-min", "10")
    expect(pg.locator("#dc-events-count")).to_have_attribute("data-count", str(len(gaps)))
    kinds = set(pg.locator("#dc-events-table tbody .dc-kind").all_inner_texts())
    assert kinds == {"gap"}
    # the CSV holds every row the filters match (streamed by the server), not only the page
    with pg.expect_download() as dl:
        pg.click("#dc-ev-csv")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["event_id"] for r in rows) == sorted(e["event_id"] for e in gaps)
    assert all(r["description"].startswith("AIS silent for") for r in rows)
    assert page.errors == []


def test_vessel_page_reads_codes_and_charts_a_watched_vessel(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    pg = page.open(server)
    pg.locator(f"path.dc-mmsi-{ANGARA}").first.dispatch_event("click")
    pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
    assert "ANGARA" in pg.inner_text("#dc-vessel-title") and "watched" in pg.inner_text(
        "#dc-vessel-title"
    )
    fact_text = pg.inner_text(".dc-vfacts")
    profile = facts["angara_profile"]
    assert (
        f"ship type\n{profile['facts']['ship_type_label']} ({profile['facts']['ship_type']})"
        in fact_text
    )
    assert "flag (from MMSI)\nRussian Federation (RU; MID 273 in the MMSI)" in fact_text
    # the demo loads its season's OFAC-format list: ANGARA's strong match, by IMO and MMSI
    pg.wait_for_selector("#dc-vessel-matches")
    sanctions = pg.inner_text("#dc-vessel-sanctions")
    assert "\tRUSSIA-EO14024; DPRK3\tANGARA\t" in sanctions
    assert "strong 1.00\timo, mmsi, name, callsign, flag" in sanctions
    weekly = profile["weekly"]
    bars = sum(1 for w in weekly for k in ("gaps", "port_calls") if w[k])
    assert (
        pg.locator("#dc-vessel-weekly rect.dc-vc-gap, #dc-vessel-weekly rect.dc-vc-call").count()
        == bars
    )
    assert pg.locator("#dc-vessel-trips circle.dc-vc-trip").count() == len(profile["trips"])
    pg.wait_for_selector("#dc-vessel-map path.dc-vessel-track")
    assert pg.locator("#dc-vessel-timeline rect.dc-tl-event").count() > 0
    pg.wait_for_timeout(400)
    pg.locator("#dc-vessel").screenshot(path=str(artifacts_dir / "demo-vessel-page.png"))
    assert page.errors == []


def test_radar_detections_are_drawn_and_reach_the_matched_vessels_page(
    server: str, page: Page, facts: dict[str, Any]
) -> None:
    dets = [d for d in facts["detections"] if d["lat"] is not None]
    dark = [d for d in dets if d["dark"]]
    matched = [d for d in dets if d["matched_mmsi"]]
    assert dark and matched, "the demo season's simulated scenes hold dark and matched targets"
    pg = page.open(server)
    expect(pg.locator("path.dc-detection")).to_have_count(len(dets))
    # each target's popup says whether it is dark or matched (built from the layer's own
    # popup function: open popups fade out and would be read twice)
    texts = pg.evaluate(
        """() => { const out = []; window.darkcargoApp.map.eachLayer(l => {
             const el = l.getElement && l.getElement();
             if (el && el.classList.contains('dc-detection') && l.getPopup()) {
               const c = l.getPopup().getContent();
               out.push((typeof c === 'function' ? c(l) : c).textContent); } }); return out; }"""
    )
    assert len(texts) == len(dets)
    assert sum(t.startswith("Dark radar detection") for t in texts) == len(dark)
    assert sum(t.startswith("Matched radar detection") for t in texts) == len(matched)
    assert any("nearest AIS" in t for t in texts if t.startswith("Dark"))
    # the matched vessel's page lists the detections matched to it
    mmsi = max(
        {d["matched_mmsi"] for d in matched},
        key=lambda m: sum(d["matched_mmsi"] == m for d in matched),
    )
    pg.evaluate(f"window.darkcargoApp.openVessel({mmsi})")
    pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
    own = sum(d["matched_mmsi"] == mmsi for d in matched)
    assert f"Radar detections matched to it ({own})" in pg.inner_text("#dc-vessel-body")
    assert page.errors == []


def test_page_writes_the_reports_sentences(server: str, page: Page, facts: dict[str, Any]) -> None:
    """details.js and report/describe.py: the same sentence for every event of the season
    and for hand-made rows with the keys the next detectors add."""
    pg = page.open(server)
    rows = [e for e in facts["events"]] + [{**e, "start_ts": None} for e, _ in SAMPLES]
    labels = {str(m): f"V{m}" for m in {e.get("other_mmsi") for e in rows} if m is not None}
    js = pg.evaluate(
        "([rows, labels]) => rows.map(e => [Darkcargo.describeEvent(e, m => labels[String(m)]), Darkcargo.eventPlace(e)])",
        [rows, labels],
    )
    from darkcargo.report.describe import event_place

    py = [[describe_event(e, lambda m: labels[str(m)]), event_place(e)] for e in rows]
    assert js == py


def test_estimates_chart_labels_never_sit_on_a_marker(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    estimates = facts["estimates"]
    assert len({e["period_requested"] for e in estimates}) > 1  # per claim date, not one row
    pg = page.open(server)
    pg.wait_for_selector("#dc-chart rect.dc-est")
    bars = pg.locator("#dc-chart rect.dc-est").count()
    whole = [e for e in estimates if e["period_requested"] == "*..*"]
    totals = [e for e in whole if not e["quantity"].endswith("_per_container")]
    assert len(totals) <= bars < len(estimates)
    assert pg.locator("#dc-chart text.dc-est-figure").count() == bars
    assert pg.locator("#dc-chart tspan.dc-unv-label").count() == bars
    # every claim's label clear of every marker, label and row title (on screen, as drawn)
    markers = [m.bounding_box() for m in pg.locator("#dc-chart path.dc-claim").all()]
    texts = pg.locator("#dc-chart text.dc-claim-label").all()
    labels = [t.bounding_box() for t in texts]
    assert markers and len(labels) == len(markers)
    for lab, t in zip(labels, texts, strict=True):
        hit = [m for m in markers if boxes_overlap(lab, m)]
        assert not hit, (t.text_content(), lab, hit)
    assert not any(boxes_overlap(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :])
    labels_text = pg.inner_text("#dc-chart")
    assert "whole record" in labels_text and "up to " in labels_text
    assert pg.locator("#dc-estimates-table tbody tr").count() == len(estimates)
    flagged = sum(1 for e in estimates if unverified_of(e))
    assert pg.locator("#dc-estimates-table td.num .dc-unverified").count() == flagged
    claims = pg.inner_text("#dc-claims-table")
    assert any(c["basis"] and c["basis"] in claims for c in facts["claims"])
    pg.locator("#dc-estimates").screenshot(path=str(artifacts_dir / "demo-estimates.png"))
    assert page.errors == []


def test_report_of_the_season_opens_offline(
    demo: Any, browser: Any, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    html = demo.report_html
    assert html.stat().st_size < 3_000_000
    p = Page(browser, offline=True)
    outside = p.guard(("file://",))
    try:
        pg = p.open(html.as_uri())
        assert pg.locator("path.dc-track-watched").count() >= len(facts["watched"])
        assert drawn_events(pg) == facts["events_with_position"] + facts["identity_changes"]
        assert (
            pg.locator('.dc-maplabel[data-label="port:RAJIN"]:not(.dc-maplabel-hidden)').count()
            == 1
        )
        text = pg.inner_text("#report-caps")
        assert "per kind" in text and "Tracks:" in text
        set_window(pg, *WEEK)
        assert 0 < events_in_view(pg) < facts["events_with_position"]
        pg.click("#dc-reset")
        # the events the file holds, paged past 300 in the page itself
        pg.uncheck("#dc-ev-area")
        expect(pg.locator("#dc-events-count")).to_have_attribute(
            "data-count", str(facts["events_total"])
        )
        # a window change refreshes the table (back to its first page) after a short debounce:
        # page only once that has happened, one page per click
        settle(pg)
        for first in (101, 201, 301):
            pg.click("#dc-ev-next")
            expect(pg.locator("#dc-ev-range")).to_have_text(re.compile(rf"^rows {first}–"))
        with pg.expect_download() as dl:
            pg.click("#dc-ev-csv")
        rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
        assert len(rows) == facts["events_total"]
        # search over the vessels the file holds, then the vessel page
        pg.fill("#dc-search", str(ANGARA_IMO))
        pg.locator("#dc-search-results li[data-vessel]").first.wait_for()
        assert pg.locator("#dc-search-results li[data-vessel]").first.get_attribute(
            "data-vessel"
        ) == str(ANGARA)
        pg.keyboard.press("Enter")
        pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
        assert "Russian Federation" in pg.inner_text(".dc-vfacts")
        assert pg.locator("#dc-vessel-weekly rect").count() > 0
        assert pg.locator("#dc-vessel-body table").count() >= 2
        pg.screenshot(path=str(artifacts_dir / "demo-report-vessel.png"))
        pg.click("#dc-vessel-close")
        # trips, estimates with their unverified badges, the static events table as sentences
        assert pg.get_attribute("#dc-trips-count", "data-count") == str(len(facts["shipments"]))
        rows_ = pg.locator("#report-estimates-table tbody tr")
        assert rows_.count() == len(facts["estimates"])
        flagged = sum(1 for e in facts["estimates"] if unverified_of(e))
        assert pg.locator("#report-estimates-table td.num .dc-unverified").count() == flagged
        details = pg.locator("#report-events-table td.dc-sentence").all_inner_texts()
        assert details and all(
            d.endswith(".") and ": yes" not in d and ": no" not in d for d in details
        )
        pg.screenshot(path=str(artifacts_dir / "demo-report.png"), full_page=True)
        assert outside == []
        assert p.errors == []
        assert p.csp_violations() == []
    finally:
        p.close()


def _get_json(url: str) -> Any:
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


def _scored(facts: dict[str, Any]) -> list[dict[str, Any]]:
    return [it for it in facts["risk"] if it["score"] > 0]


def _ranked_rows(pg: Any) -> list[tuple[str | None, str]]:
    return [
        (r.get_attribute("data-risk-vessel"), r.locator(".dc-risk-score").inner_text().strip())
        for r in pg.locator("#dc-risk-table tr").all()
    ]


def _assert_covert_on_top(pg: Any, facts: dict[str, Any]) -> None:
    """The ranked list beside the map: the workspace's ranking, the covert carriers first."""
    scored = _scored(facts)
    covert = [it for it in scored if it["imo"] in facts["covert_imos"]]
    assert len(covert) >= 2, "the season's covert carriers are scored"
    expected = [(it["vessel_id"], points_text(it["score"])) for it in scored[:10]]
    assert _ranked_rows(pg) == expected
    top = [v for v, _ in expected[: len(covert)]]
    assert set(top) == {it["vessel_id"] for it in covert}  # above every other vessel
    for vid in top:
        row = pg.locator(f'#dc-risk-table tr[data-risk-vessel="{vid}"]')
        assert row.locator(".dc-badge.dc-sanctioned").count() == 1
        assert row.locator(".dc-risk-why").inner_text().startswith("on a sanctions list")


def test_ranked_list_puts_the_covert_carriers_on_top(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    pg = page.open(server)
    _assert_covert_on_top(pg, facts)
    scored = _scored(facts)
    pg.locator(".dc-side").screenshot(path=str(artifacts_dir / "demo-risk-list.png"))
    # more of the ranking, in order
    pg.click("#dc-risk-more")
    expect(pg.locator("#dc-risk-table tr")).to_have_count(min(35, len(scored)))
    assert [v for v, _ in _ranked_rows(pg)] == [it["vessel_id"] for it in scored[:35]]
    # the vessel list beside it is sorted by risk as well: the covert carriers' MMSIs first
    covert_mmsis = {m for it in scored if it["imo"] in facts["covert_imos"] for m in it["mmsis"]}
    first = pg.locator("#dc-vessels-table tbody tr").all()[: len(covert_mmsis)]
    assert {int(r.get_attribute("data-vessel") or 0) for r in first} == covert_mmsis
    # a click opens the vessel's page, at its rank
    pg.locator("#dc-risk-table tr").nth(2).click()
    pg.wait_for_selector("#dc-risk-head")
    third = scored[2]
    assert f"rank 3 of {len(facts['risk'])}" in pg.inner_text("#dc-risk-head")
    assert (third["name"] or "") in pg.inner_text("#dc-vessel-title")
    assert page.errors == []


def _check_evidence_links(pg: Any, risk: dict[str, Any]) -> int:
    """Click every evidence link of every contribution; each must show the row it names.
    Returns how many links were followed."""
    followed = 0
    view = pg.viewport_size
    for c in risk["contributions"]:
        row = pg.locator(f'#dc-vessel-contributions tr[data-rule="{c["rule"]}"]')
        assert row.locator("td").nth(1).inner_text().strip() == points_text(c["points"])
        more = row.locator(".dc-ref-more")
        if more.count():
            more.click()
        targets = {
            "event": ("events", 'tr[data-event-id="{}"]'),
            "call": ("port_calls", '[data-call-id="{}"]'),
            "trip": ("shipments", '[data-shipment-id="{}"]'),
            "match": ("matches", 'tr[data-match-id="{}"]'),
        }
        for ref, (kind, selector) in targets.items():
            ids = c["rows"].get(kind, [])
            assert row.locator(f'button[data-ref="{ref}"]').count() == len(ids), (c["rule"], ref)
            for i in ids:
                row.locator(f'button[data-ref="{ref}"][data-ref-id="{i}"]').click()
                target = pg.locator("#dc-vessel-body " + selector.format(i)).first
                expect(target).to_have_class(re.compile(r"\bdc-hit\b"))
                box = target.bounding_box()
                assert box and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= view["height"]
                followed += 1
        for key in c["rows"].get("detections", []):
            row.locator(f'button[data-ref="target"][data-ref-id="{key}"]').click()
            tip = pg.locator("#dc-vessel-map .leaflet-tooltip", has_text="radar target")
            expect(tip).to_have_count(1)
            expect(tip).to_contain_text("counted in this vessel's risk")
            followed += 1
    return followed


def test_angara_risk_panel_links_each_contribution_to_its_rows(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    risk = _get_json(server + f"api/vessels/{ANGARA_IMO}/risk")
    assert risk["rank"] == 1 or risk["imo"] in facts["covert_imos"]
    pg = page.open(server)
    pg.evaluate(f"window.darkcargoApp.openVessel('{ANGARA}')")
    pg.wait_for_selector("#dc-vessel-contributions")
    pg.wait_for_selector("#dc-vessel-map .dc-vessel-track", state="attached")
    head = pg.inner_text("#dc-risk-head")
    assert f"{points_text(risk['score'])} points" in head
    assert f"rank {risk['rank']} of {risk['of']}" in head
    assert risk["preset"] in head and risk["params_hash"] in head and "sanctioned" in head
    rules = pg.eval_on_selector_all(
        "#dc-vessel-contributions tbody tr", "rs => rs.map(r => r.dataset.rule)"
    )
    assert rules == [c["rule"] for c in risk["contributions"]]
    kinds = {k for c in risk["contributions"] for k in c["rows"]}
    assert {"events", "port_calls", "shipments", "detections", "matches"} <= kinds
    # each contribution in words, with its reason, its items and its cap
    first = pg.locator("#dc-vessel-contributions tbody tr").first
    assert "on a sanctions list (IMO or MMSI)" in first.inner_text()
    assert "OFAC_SDN RUSSIA-EO14024; DPRK3" in first.inner_text()
    assert "1 × 40" in first.inner_text() and "cap 40" in first.inner_text()
    pg.locator("#dc-vessel-sanctions").screenshot(path=str(artifacts_dir / "demo-risk-panel.png"))
    followed = _check_evidence_links(pg, risk)
    assert followed == sum(
        len(v) for c in risk["contributions"] for k, v in c["rows"].items() if k != "watchlist"
    )
    # the radar targets it counted are on its map
    assert pg.locator("#dc-vessel-map path.dc-risk-detection").count() == len(risk["detections"])
    pg.screenshot(path=str(artifacts_dir / "demo-risk-link.png"))
    assert page.errors == []


def test_report_ranks_by_risk_offline(
    demo: Any, browser: Any, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    p = Page(browser, offline=True)
    outside = p.guard(("file://",))
    try:
        pg = p.open(demo.report_html.as_uri())
        _assert_covert_on_top(pg, facts)
        # the static table, readable without JavaScript: the same order and scores
        scored = _scored(facts)[:50]
        cells = pg.eval_on_selector_all(
            "#report-risk-table tbody tr",
            "rs => rs.map(r => [r.cells[1].querySelector('[data-vessel]').textContent,"
            " r.cells[2].textContent])",
        )
        assert cells == [[it["name"] or it["vessel_id"], points_text(it["score"])] for it in scored]
        table = pg.inner_text("#report-risk-table")
        assert "OFAC_SDN RUSSIA-EO14024; DPRK3: ANGARA (strong)" in table
        pg.locator("#report-risk").screenshot(path=str(artifacts_dir / "demo-report-risk.png"))
        # ANGARA's panel from the embedded rows: the same contributions, links working
        risk = next(it for it in facts["risk"] if it["imo"] == ANGARA_IMO)
        pg.locator(f'#dc-risk-table tr[data-risk-vessel="IMO{ANGARA_IMO}"]').click()
        pg.wait_for_selector("#dc-vessel-contributions")
        pg.wait_for_selector("#dc-vessel-map .dc-vessel-track", state="attached")
        assert f"rank {risk['rank']} of {len(facts['risk'])}" in pg.inner_text("#dc-risk-head")
        rules = pg.eval_on_selector_all(
            "#dc-vessel-contributions tbody tr", "rs => rs.map(r => r.dataset.rule)"
        )
        assert rules == [c["rule"] for c in risk["contributions"]]
        _check_evidence_links(pg, risk)
        pg.locator("#dc-vessel-sanctions").screenshot(
            path=str(artifacts_dir / "demo-report-risk-panel.png")
        )
        assert outside == [] and p.errors == [] and p.csp_violations() == []
    finally:
        p.close()
