"""Inferred (dark) port calls in a real browser: the vessel page lists each with its evidence,
draws its calls and shipments over time and the sea route a dark call implies; the report lists
them in a static table. Evidence text built from hostile data stays text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from darkcargo.config import load_case
from darkcargo.shipments.infer import infer
from darkcargo.sightings.load import load_sightings
from darkcargo.workspace import Workspace
from tests.shipments.conftest import (
    ANGARA_IMO,
    ANGARA_MMSI,
    EAST_OF_RAJIN,
    EAST_OF_RAJIN_2,
    event,
    events_table,
    positions_table,
    statics_rows,
)
from tests.web.browser_kit import CHROMIUM, READY_TIMEOUT_MS, Page, launch, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

T0 = datetime(2023, 9, 6, 12)
HOSTILE = '<img src=x onerror="document.title=1">'


@pytest.fixture(scope="module")
def dark_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ANGARA: an observed Dunai call, a 60 h silence off Rajin (an inferred Rajin call), an
    observed Vostochny call after it; a sighting of it at a place named with markup."""
    path = tmp_path_factory.mktemp("dark") / "ws.duckdb"
    t1 = T0 + timedelta(hours=60)
    track = [
        (ANGARA_MMSI, T0 - timedelta(hours=h), 42.6 + 0.02 * h, 131.9 + 0.1 * h, 11.0, 250.0)
        for h in range(6, 0, -1)
    ]
    track += [
        (ANGARA_MMSI, T0, *EAST_OF_RAJIN, 12.0, 254.0),
        (ANGARA_MMSI, t1, *EAST_OF_RAJIN_2, 12.0, 73.0),
    ]
    track += [
        (ANGARA_MMSI, t1 + timedelta(hours=h), 42.45 + 0.02 * h, 131.3 + 0.12 * h, 12.0, 70.0)
        for h in range(1, 8)
    ]
    with Workspace(path) as ws:
        ws.append("statics", statics_rows([(ANGARA_MMSI, ANGARA_IMO, "ANGARA")], length_m=120.0))
        ws.append(
            "events",
            events_table(
                [
                    event(
                        "d1",
                        "port_call",
                        ANGARA_MMSI,
                        T0 - timedelta(days=2),
                        T0 - timedelta(hours=8),
                        port="DUNAI",
                    ),
                    event(
                        "g1", "gap", ANGARA_MMSI, T0, t1, pos0=EAST_OF_RAJIN, pos1=EAST_OF_RAJIN_2
                    ),
                    event(
                        "v1",
                        "port_call",
                        ANGARA_MMSI,
                        t1 + timedelta(hours=9),
                        t1 + timedelta(days=2),
                        port="VOSTOCHNY",
                    ),
                ]
            ),
        )
        ws.append("positions", positions_table(track))
    csv = path.parent / "s.csv"
    csv.write_text(
        "sighting_id,ts,place,kind,count,count_low,count_high,mmsi,imo,source\n"
        f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",2023-09-08T06:00:00,"{HOSTILE.replace(chr(34), chr(34) * 2)}",'
        f"vessel_at_berth,1,1,1,,{ANGARA_IMO},imagery\n"
    )
    load_sightings(csv, path)
    floor = path.parent / "floor.toml"
    floor.write_text('[preset]\nname = "floor"\nextends = "infer"\n[score]\nmin_confidence = 0.0\n')
    infer(path, load_case("dprk_russia"), floor)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def test_the_vessel_page_shows_dark_calls_with_their_evidence(
    dark_ws: Path, browser: Any, artifacts_dir: Path
) -> None:
    page = Page(browser)
    with serve(dark_ws) as url:
        pg = page.open(url)
        assert pg.locator("path.dc-port-call").count() >= 2  # observed and inferred rings
        pg.goto(url + f"#vessel={ANGARA_MMSI}")
        pg.wait_for_selector("#dc-vessel-dark-calls .dc-dark-call", timeout=READY_TIMEOUT_MS)
        block = pg.locator("#dc-vessel-dark-calls .dc-dark-call").first
        text = block.inner_text()
        assert text.startswith("RAJIN") and "confidence" in text
        assert "+ RAJIN is an origin port of the case" in text
        assert "60 h dark" in text
        # the hostile place name (places are upper-cased on loading) and sighting id are shown
        # as text, in the evidence against, never as markup
        assert (
            f"sighted at {HOSTILE.upper()} on 8 Sep 06:00, during the silence ({HOSTILE})" in text
        )
        assert pg.locator("#dc-vessel-body img").count() == 0 and pg.title() != "1"
        # calls and shipments over time: observed filled, the inferred one dashed
        assert pg.locator("#dc-vessel-calls-timeline rect.dc-tl-call").count() == 3
        assert pg.locator("#dc-vessel-calls-timeline rect.dc-tl-call.dc-inferred").count() == 1
        assert pg.locator("#dc-vessel-calls-timeline line.dc-tl-trip.dc-inferred").count() == 1
        # the sea route the dark call implies, on the vessel's map
        pg.wait_for_selector("#dc-vessel-map path.dc-dark-route")
        assert pg.locator("#dc-vessel-map path.dc-dark-route").count() == 2
        pg.wait_for_timeout(300)
        pg.screenshot(path=str(artifacts_dir / "vessel-dark-calls.png"), full_page=True)
        assert page.errors == [] and page.csp_violations() == []
    page.close()


def test_the_report_lists_dark_calls_in_a_static_table(dark_ws: Path, tmp_path: Path) -> None:
    from darkcargo.report import build_report

    html = build_report(dark_ws, tmp_path / "report.html").read_text()
    start = html.index('id="report-dark-calls-table"')
    table = html[start : html.index("</table>", start)]
    assert "ANGARA (273210440)" in table and "<b>RAJIN</b>" in table
    assert "+ RAJIN is an origin port of the case" in table
    assert HOSTILE not in table and "&lt;img src=x" in table
