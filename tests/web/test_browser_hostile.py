"""Hostile data in the browser: nothing a watched ship broadcasts, or a shared file holds, acts
in the analyst's browser (issue 19).

A provider CSV with markup, script closers, attribute breakers and AIS-sized payloads as ship
names, call signs and destinations goes through the real stages (tests/web/hostile.py); a case
file, claims, a sanctions list and a risk row carry payloads too. The dashboard and the report
show it; every view is opened: every tooltip and popup on the map (opened through Leaflet, plus
real hovers and clicks), the labels and legend, search (with a hostile query), the events and
trips tables, the risk ranking, every vessel page with its map and its risk panel (every
evidence link clicked), the chart. Then: no payload ran (the window flag is unset, no dialog), no
request left for another origin (every request routed and recorded), no Content-Security-Policy
violation, no element carries an event-handler attribute, and the payloads are on the page as
the very text they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser_kit import CHROMIUM, Page, launch, serve
from tests.web.hostile import (
    ANGARA,
    ANGARA_IMO,
    FLAG,
    HOSTILE_CONTRIBUTION,
    LOITERER,
    OTHER,
    PAYLOADS,
    build_hostile_workspace,
)

ANGARA_IMO_TEXT = f"IMO{ANGARA_IMO}"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

# Opens every tooltip and popup of every layer (and cluster bubble, and the vessel map), and
# returns the text each showed.
OPEN_EVERYTHING = """(mapName) => {
  const app = window.darkcargoApp, map = mapName === "vessel" ? app.vmap : app.map, texts = [];
  const read = (sel) => { const n = document.querySelector(sel); return n ? n.textContent : null; };
  const visit = (l) => {
    if (l.getLayers && !l.getTooltip()) { l.getLayers().forEach(visit); }
    const at = l.getLatLng ? l.getLatLng() : (l.getBounds ? l.getBounds().getCenter() : null);
    if (l.getTooltip && l.getTooltip() && l._map) { l.openTooltip(at); texts.push(read(".leaflet-tooltip-pane .leaflet-tooltip:last-child")); l.closeTooltip(); }
    if (l.getPopup && l.getPopup() && l._map) { l.openPopup(at); texts.push(read(".leaflet-popup-content")); l.closePopup(); }
    if (l.getLayers) l.getLayers().forEach(visit);
  };
  if (mapName === "vessel") map.eachLayer(visit);
  else { app.states.forEach((st) => st.group.getLayers().forEach(visit)); app.cluster.group.getLayers().forEach(visit); }
  return texts.filter((t) => t !== null);
}"""

# What would show that markup from data was parsed: handler attributes, foreign images, scripts.
MARKUP_LEFT = """() => ({
  handlers: document.querySelectorAll("[onerror],[onload],[onmouseover],[onfocus],[autofocus]").length,
  images: [...document.querySelectorAll("img")].map((i) => i.getAttribute("src")),
  svgs_with_onload: [...document.querySelectorAll("svg")].filter((s) => s.hasAttribute("onload")).length,
  scripts: document.querySelectorAll("script:not([type='application/json'])").length,
  flag: window.FLAG === undefined ? null : String(window.FLAG),
})""".replace("FLAG", FLAG)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_hostile_workspace(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def exercise(p: Page, pg: Any, texts: list[str]) -> None:
    """Every view of the page, hovered, clicked and opened; the text each showed into `texts`."""
    texts += pg.evaluate(OPEN_EVERYTHING, "overview")
    texts.append(pg.inner_text("#dc-app"))
    # real pointer work on the map: a port's dot, an event, a track
    pg.locator("path.dc-port-dot").first.hover(force=True)
    pg.locator("path.dc-event").first.click(force=True)
    pg.wait_for_timeout(200)
    texts.append(pg.inner_text(".leaflet-popup-pane"))
    pg.keyboard.press("Escape")
    pg.locator("path.dc-track").first.hover(force=True)
    # search: by a payload's text, and with a hostile query of its own
    for q in ("IMG SRC", PAYLOADS["img"], "svg/onload", str(LOITERER)):
        pg.fill("#dc-search", q)
        pg.wait_for_timeout(500)
        texts.append(pg.inner_text("#dc-search-results"))
    pg.fill("#dc-search", "")
    # the events table, sorted and filtered, and the trips table
    pg.uncheck("#dc-ev-area")
    pg.click('#dc-events-table th[data-sort="vessel"]')
    pg.fill("#dc-ev-vessel", str(ANGARA))
    pg.wait_for_timeout(600)
    texts.append(pg.inner_text("#dc-events"))
    texts.append(pg.inner_text("#dc-trips"))
    # the risk ranking beside the map: every row's reasons (a title) read, the first opened
    texts += pg.eval_on_selector_all("#dc-risk-table tr", "rs => rs.map(r => r.title)")
    assert pg.locator("#dc-risk-table tr").count() == 3
    # every vessel page, its risk panel (every evidence link clicked), its map's tooltips and
    # its charts' titles
    for mmsi in (ANGARA, OTHER, LOITERER):
        pg.evaluate("(m) => window.darkcargoApp.openVessel(String(m))", mmsi)
        pg.wait_for_selector("#dc-vessel.dc-open #dc-vessel-title")
        pg.wait_for_selector("#dc-vessel-map .leaflet-overlay-pane path", state="attached")
        pg.wait_for_selector("#dc-vessel-contributions, #dc-risk-none")
        for more in pg.locator("#dc-vessel-contributions .dc-ref-more").all():
            more.click()
        for ref in pg.locator("#dc-vessel-contributions button.dc-ref").all():
            ref.click()
            texts.append(ref.get_attribute("title") or "")
        pg.wait_for_timeout(300)
        texts.append(pg.inner_text("#dc-vessel-body"))
        texts += pg.evaluate(OPEN_EVERYTHING, "vessel")
        for rect in pg.locator("#dc-vessel-timeline rect").all()[:5]:
            rect.hover(force=True)
        pg.click("#dc-vessel-close")
    pg.locator("#dc-risk-table tr").first.click()
    pg.wait_for_selector("#dc-vessel-contributions")
    assert ANGARA_IMO_TEXT in pg.inner_text("#dc-risk-head")
    pg.click("#dc-vessel-close")
    # the chart: hover each claim (its quote is the diamond's title)
    for d in pg.locator("#dc-chart path.dc-claim").all():
        d.hover(force=True)
    texts += pg.eval_on_selector_all("#dc-chart title", "ts => ts.map(t => t.textContent)")
    texts.append(pg.inner_text("#dc-estimates"))


def assert_policy_in_force(p: Page, pg: Any) -> None:
    """Markup slipped in by any other way still could not run: the policy blocks inline code."""
    pg.evaluate(
        """(flag) => { const d = document.createElement("div");
        d.innerHTML = `<img src="data:," onload="window.${flag}=99">`; document.body.appendChild(d); }""",
        FLAG,
    )
    pg.wait_for_timeout(300)
    assert pg.evaluate(f"window.{FLAG} === undefined")
    assert any(v.startswith("script-src") for v in p.csp_violations())


def assert_inert(p: Page, pg: Any, texts: list[str], outside: list[str]) -> None:
    left = pg.evaluate(MARKUP_LEFT)
    assert left["flag"] is None, left
    assert p.dialogs == []
    assert outside == []
    assert p.csp_violations() == []
    assert p.errors == []
    assert left["handlers"] == 0 and left["svgs_with_onload"] == 0, left
    assert all(src in (None, "") or src.startswith("data:") for src in left["images"]), left
    # every payload is on the page, as the very text it is (entities not decoded either)
    shown = "\n".join(texts)
    for key, payload in PAYLOADS.items():
        assert payload in shown, key
    # the risk panel's own texts: a user rule's name, its reason, the listed name and programme
    assert HOSTILE_CONTRIBUTION["why"] in shown
    assert "HOSTILE " + PAYLOADS["script"] in shown  # the listing's programme in the reason
    assert "event " + PAYLOADS["quote"] in shown  # a row id the page does not hold, as text


def test_dashboard_shows_hostile_data_as_text(
    hostile: tuple[Path, Path], browser: Any, artifacts_dir: Path
) -> None:
    ws, case = hostile
    with serve(ws, case=str(case)) as url:
        p = Page(browser)
        outside = p.guard((url,))
        try:
            pg = p.open(url)
            assert pg.inner_text("#dc-case") == "Case " + PAYLOADS["script"]
            assert (
                pg.locator('.dc-maplabel[data-label="port:RAJIN"]').inner_text()
                == "Rajin " + PAYLOADS["img"]
            )
            assert PAYLOADS["svg"] in pg.inner_text(".dc-map-legend")
            texts: list[str] = []
            exercise(p, pg, texts)
            pg.screenshot(path=str(artifacts_dir / "hostile-dashboard.png"))
            assert_inert(p, pg, texts, outside)
            assert_policy_in_force(p, pg)
        finally:
            p.close()


def test_report_shows_hostile_data_as_text(
    hostile: tuple[Path, Path], browser: Any, tmp_path: Path, artifacts_dir: Path
) -> None:
    from darkcargo.report import build_report

    ws, case = hostile
    html = build_report(ws, tmp_path / "report.html", case=str(case))
    raw = html.read_text(encoding="utf-8")
    for key in ("img", "svg", "script", "upper"):
        assert PAYLOADS[key].upper() not in raw.upper()  # escaped, never raw
    p = Page(browser, offline=True)
    outside = p.guard(("file://",))
    try:
        pg = p.open(html.as_uri())
        texts: list[str] = [pg.inner_text("body")]
        exercise(p, pg, texts)
        pg.screenshot(path=str(artifacts_dir / "hostile-report.png"))
        assert_inert(p, pg, texts, outside)
        assert_policy_in_force(p, pg)
    finally:
        p.close()
