"""The dashboard and the report on a real demo season, in Debian's chromium through Playwright.

A short simulated season (30 vessels, August 2023) taken through every stage by
darkcargo.demo.run_demo: real tracks with reception holes, hundreds of events of every kind,
shipments, estimates per method and claim date, graded claims. The page must load with no
console errors, show tracks and events, follow the time filter, open a vessel page from the map,
and label every estimate's unverified parameters; the report must do the same offline.
Screenshots land in test-artifacts/ (demo-*.png).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from darkcargo.report.html import unverified_of
from darkcargo.web.queries import WorkspaceReader
from tests.web.browser_kit import (
    CHROMIUM,
    Page,
    events_in_view,
    launch,
    layer_visible,
    serve,
    set_window,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

SEASON_VESSELS = 30
SEASON_END = date(2023, 8, 31)
WEEK = ("2023-08-10T00:00:00Z", "2023-08-17T00:00:00Z")


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
        return {
            "watched": r.watched(),
            "events_with_position": sum(1 for e in story["items"] if e["lat"] is not None),
            "identity_changes": sum(1 for e in story["items"] if e["kind"] == "identity_change"),
            "events_total": story["total"],
            "estimates": r.estimates(),
            "claims": r.claims(),
            "vessels": len(r.vessels()),
        }


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


def test_dashboard_shows_the_season_with_layers_and_legend(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    assert facts["watched"], "the demo season has the case's vessels"
    pg = page.open(server)
    pg.wait_for_timeout(500)
    # tracks: the watched vessels bold, the other traffic faint, in two layers
    watched_runs = pg.locator("path.dc-track-watched").count()
    assert watched_runs >= len(facts["watched"])
    assert pg.locator("path.dc-track").count() > watched_runs + SEASON_VESSELS
    # every event is drawn (no kind is sampled in a season this short); identity changes, which
    # have no position of their own, where the vessel's track was at the time
    assert facts["identity_changes"] > 0
    assert layer_visible(pg, "events:identity_change") == facts["identity_changes"]
    drawn = facts["events_with_position"] + facts["identity_changes"]
    assert pg.locator(".dc-event").count() == drawn
    assert pg.locator(".dc-event.dc-major").count() > 0
    assert events_in_view(pg) >= facts["events_with_position"]
    legend = pg.inner_text(".dc-map-legend")
    assert "watched vessel" in legend and "dark gap" in legend
    pg.screenshot(path=str(artifacts_dir / "demo-dashboard.png"), full_page=True)
    # a layer toggle hides the other traffic and brings it back
    other = layer_visible(pg, "tracks-other")
    assert other > 0
    pg.locator('.dc-layer[data-layer="tracks-other"] input').uncheck()
    assert pg.locator("path.dc-track:not(.dc-track-watched)").count() == 0
    assert pg.locator("path.dc-track-watched").count() == watched_runs
    pg.locator('.dc-layer[data-layer="tracks-other"] input').check()
    assert pg.locator("path.dc-track:not(.dc-track-watched)").count() == other
    assert page.errors == []
    assert all(u.startswith(server) or u.startswith("data:") for u in page.requests)


def test_time_filter_narrows_map_and_table(server: str, page: Page, artifacts_dir: Path) -> None:
    pg = page.open(server)
    all_events = events_in_view(pg)
    all_tracks = layer_visible(pg, "tracks-other")
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
    assert pg.locator(".dc-event").count() < all_events
    pg.screenshot(path=str(artifacts_dir / "demo-dashboard-week.png"))
    assert page.errors == []


def test_vessel_page_opens_from_a_watched_track(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    pg = page.open(server)
    pg.locator("path.dc-track-watched").first.dispatch_event("click")
    pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
    title = pg.inner_text("#dc-vessel-title")
    assert any(name in title for name in facts["watched"].values()), title
    assert "watched" in title
    pg.wait_for_selector("#dc-vessel-map path.dc-vessel-track")
    assert pg.locator("#dc-vessel-timeline rect.dc-tl-event").count() > 0
    pg.wait_for_timeout(400)
    pg.screenshot(path=str(artifacts_dir / "demo-vessel-page.png"))
    assert page.errors == []


def test_estimates_chart_plots_sensible_rows_with_unverified_labels(
    server: str, page: Page, facts: dict[str, Any], artifacts_dir: Path
) -> None:
    estimates = facts["estimates"]
    assert len({e["period_requested"] for e in estimates}) > 1  # per claim date, not one row
    pg = page.open(server)
    pg.wait_for_selector("#dc-chart rect.dc-est")
    bars = pg.locator("#dc-chart rect.dc-est").count()
    # the whole-record estimate of each (quantity, method) and the ones claims meet, not all
    whole = [e for e in estimates if e["period_requested"] == "*..*"]
    totals = [e for e in whole if not e["quantity"].endswith("_per_container")]
    assert len(totals) <= bars < len(estimates)
    # every plotted figure carries its unverified count right beside it
    assert pg.locator("#dc-chart text.dc-est-figure").count() == bars
    unverified = pg.locator("#dc-chart tspan.dc-unv-label").count()
    assert unverified == bars  # every demo estimate rests on unverified parameters
    assert pg.locator("#dc-chart path.dc-claim").count() >= 1
    # row labels name the method and the period
    labels = pg.inner_text("#dc-chart")
    assert "whole record" in labels and "up to " in labels
    # the tables: every estimate, with the badge next to its interval; claims with hedge/basis
    assert pg.locator("#dc-estimates-table tbody tr").count() == len(estimates)
    flagged = sum(1 for e in estimates if unverified_of(e))
    assert flagged > len(estimates) // 2
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
    outside: list[str] = []

    def block(route: Any) -> None:
        outside.append(route.request.url)
        route.abort()

    p.context.route("http*://**/*", block)
    try:
        pg = p.open(html.as_uri())
        assert pg.locator("path.dc-track-watched").count() >= len(facts["watched"])
        drawn = facts["events_with_position"] + facts["identity_changes"]
        assert pg.locator(".dc-event").count() == drawn
        text = pg.inner_text("#report-caps")
        assert "per kind" in text and "Tracks:" in text
        set_window(pg, *WEEK)
        assert 0 < events_in_view(pg) < facts["events_with_position"]
        pg.click("#dc-reset")
        # a vessel page from the watched-vessels table
        pg.locator("#report-watched [data-vessel]").first.click()
        pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
        assert pg.locator("#dc-vessel-body table").count() >= 2
        pg.screenshot(path=str(artifacts_dir / "demo-report-vessel.png"))
        pg.click("#dc-vessel-close")
        # every estimate row: the interval with its unverified badge beside it
        rows = pg.locator("#report-estimates-table tbody tr")
        assert rows.count() == len(facts["estimates"])
        flagged = sum(1 for e in facts["estimates"] if unverified_of(e))
        assert pg.locator("#report-estimates-table td.num .dc-unverified").count() == flagged
        pg.screenshot(path=str(artifacts_dir / "demo-report.png"), full_page=True)
        assert outside == []
        assert p.errors == []
    finally:
        p.close()
