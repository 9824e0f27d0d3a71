"""The dashboard and the report in a real browser: Debian's chromium driven by Playwright.

The server runs for real (uvicorn in a thread on a free loopback port) over the sample
workspace. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser_kit import (
    CHROMIUM,
    READY_TIMEOUT_MS,
    Page,
    click_when_still,
    events_in_view,
    launch,
    serve,
    set_window,
    settle,
)
from tests.web.sample import ANGARA, MARIA, build_sample_workspace

PlaywrightTimeoutError = pytest.importorskip("playwright.sync_api").TimeoutError

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_workspace(tmp_path_factory.mktemp("browser") / "ws.duckdb")


@pytest.fixture(scope="module")
def server(sample_ws: Path) -> Iterator[str]:
    with serve(sample_ws) as url:
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


def test_page_loads_and_shows_tracks_events_ports(
    server: str, page: Page, artifacts_dir: Path
) -> None:
    pg = page.open(server)
    settle(pg)
    assert pg.locator("path.dc-track").count() == 3  # ANGARA's two runs around the gap, MARIA
    assert pg.locator(".dc-event").count() == 6
    assert pg.locator("path.dc-gap").count() == 1  # the gap, dashed between its end points
    assert pg.locator("path.dc-gap").get_attribute("stroke-dasharray") == "6 6"
    assert pg.locator("path.dc-port").count() == 11
    assert events_in_view(pg) == 6
    # land is drawn from the package's Natural Earth (no tile server)
    assert pg.locator(".leaflet-land-pane path").count() >= 1
    assert pg.locator(".leaflet-tile").count() == 0
    # the estimates chart plots both intervals and both claims
    assert pg.locator("#dc-chart rect.dc-est").count() == 2
    assert pg.locator("#dc-chart path.dc-claim").count() == 2
    pg.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)
    assert page.errors == []
    # only our own server was asked for anything
    assert all(u.startswith(server) or u.startswith("data:") for u in page.requests), page.requests


def test_time_filter_changes_every_layer_and_the_table(
    server: str, page: Page, artifacts_dir: Path
) -> None:
    pg = page.open(server)
    assert pg.locator("path.dc-track").count() == 3
    set_window(pg, start_iso="2023-09-06T12:00:00Z")
    # only the leg after the gap is still in the window; MARIA's track ended on the 5th
    assert pg.locator("path.dc-track").count() == 1
    assert pg.locator(".dc-event").count() == 2  # the Dunai call and the rename
    assert events_in_view(pg) == 2
    assert pg.get_attribute("#dc-time-label", "data-since") == "2023-09-06T12:00:00Z"
    pg.screenshot(path=str(artifacts_dir / "dashboard-time-filtered.png"))
    set_window(pg, start_iso="2023-09-05T00:00:00Z", end_iso="2023-09-05T05:00:00Z")
    assert events_in_view(pg) == 1  # the Rajin call only
    # playback moves the window forward by itself
    pg.click("#dc-reset")
    pg.click("#dc-play")
    since0 = pg.get_attribute("#dc-time-label", "data-since")
    pg.wait_for_timeout(1200)
    assert pg.get_attribute("#dc-time-label", "data-since") != since0
    pg.click("#dc-play")  # pause
    assert page.errors == []


def test_vessel_page_opens_from_the_map(server: str, page: Page, artifacts_dir: Path) -> None:
    pg = page.open(server)
    # click an event marker on the map, then the vessel in its popup
    pg.locator("path.dc-event-loitering").click()
    pg.wait_for_selector(".leaflet-popup .dc-link")
    click_when_still(pg.locator(f'.leaflet-popup .dc-link[data-vessel="{MARIA}"]'))
    pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
    assert "MARIA" in pg.inner_text("#dc-vessel-title")
    pg.click("#dc-vessel-close")
    # a click on a track opens that vessel's page too. The popup's pan may have the tracks
    # refetched and redrawn, replacing the path just found: click again, as a user would.
    opened = pg.locator("#dc-vessel.dc-open #dc-vessel-title")
    for _ in range(3):
        pg.locator("path.dc-track").first.dispatch_event("click")
        try:
            opened.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    assert opened.is_visible()
    pg.goto(server + f"#vessel={ANGARA}")
    pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title", timeout=READY_TIMEOUT_MS)
    pg.wait_for_selector("#dc-vessel-map path.dc-vessel-track")
    assert "LAURA" in pg.inner_text("#dc-vessel-title")
    body = pg.inner_text("#dc-vessel-body")
    assert "ANGARA" in body and "LAURA" in body  # identity history shows the rename
    assert pg.locator("#dc-vessel-timeline rect.dc-tl-event").count() == 5
    pg.wait_for_timeout(400)
    pg.screenshot(path=str(artifacts_dir / "vessel-page.png"))
    assert page.errors == []


def test_report_opens_offline(
    sample_ws: Path, tmp_path: Path, browser: Any, artifacts_dir: Path
) -> None:
    from darkcargo.report import build_report

    out = build_report(sample_ws, tmp_path / "report.html")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, offline=True)
    outside: list[str] = []

    def block(route: Any) -> None:
        outside.append(route.request.url)
        route.abort()

    context.route("http*://**/*", block)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(out.as_uri())
    pg.wait_for_selector("#dc-app[data-ready]", timeout=READY_TIMEOUT_MS, state="attached")
    assert pg.get_attribute("#dc-app", "data-ready") == "1", errors
    assert pg.locator("path.dc-track").count() == 3
    assert pg.locator(".dc-event").count() == 6
    set_window(pg, start_iso="2023-09-06T12:00:00Z")
    assert pg.locator("path.dc-track").count() == 1
    pg.locator(f'#dc-vessels tr[data-vessel="{ANGARA}"]').click()
    pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
    pg.click("#dc-vessel-close")
    set_window(pg, start_iso="2023-09-05T00:00:00Z")
    pg.screenshot(path=str(artifacts_dir / "report.png"), full_page=True)
    assert outside == []
    assert errors == []
    context.close()


def test_later_layers_slot_in_when_their_tables_fill(
    tmp_path: Path, page: Page, artifacts_dir: Path
) -> None:
    from tests.web.sample import build_full_workspace

    ws = build_full_workspace(tmp_path / "full.duckdb")
    with serve(ws) as url:
        pg = page.open(url)
        assert pg.locator("path.dc-detection").count() == 2
        assert pg.locator("path.dc-port-call").count() == 1
        assert pg.locator("path.dc-shipment").count() == 1
        assert pg.locator("path.dc-sighting").count() == 1
        assert pg.locator("#dc-vessels .dc-badge.dc-sanctioned").count() == 1
        # the same time filter drives them: the detections are after the gap began
        set_window(pg, end_iso="2023-09-05T12:00:00Z")
        assert pg.locator("path.dc-detection").count() == 0
        assert pg.locator("path.dc-port-call").count() == 1
        pg.click("#dc-reset")
        pg.wait_for_timeout(300)
        pg.screenshot(path=str(artifacts_dir / "dashboard-all-layers.png"), full_page=True)
        assert page.errors == []
