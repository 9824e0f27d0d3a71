"""The page shell and its scripts: files a newcomer finds by view, no way for data to become
markup, and a Content-Security-Policy that allows no inline script (the report: only its own,
by hash)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from darkcargo.report import build_report
from darkcargo.web import create_app
from darkcargo.web.app import PAGE_CSP, PAGE_SCRIPTS, STATIC_DIR, page_html
from tests.web.sample import build_sample_workspace

MAX_SCRIPT_LINES = 800
# Ways a string becomes markup or code in a browser: none of them in the page's scripts.
HTML_SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\b"
    r"|setAttribute\(\s*['\"]style|\bsetTimeout\(\s*['\"]|\.html\("
)


def test_scripts_are_split_by_view_and_each_is_loaded() -> None:
    files = sorted(p.name for p in STATIC_DIR.glob("*.js"))
    assert sorted(PAGE_SCRIPTS) == files  # every file is loaded, none is forgotten
    assert PAGE_SCRIPTS[0] == "core.js" and PAGE_SCRIPTS[-1] == "app.js"
    for view in (
        "map.js",
        "legend.js",
        "events_table.js",
        "vessel.js",
        "chart.js",
        "search.js",
        "shipments.js",
        "source.js",
    ):
        assert view in PAGE_SCRIPTS
    sizes = {n: len((STATIC_DIR / n).read_text().splitlines()) for n in PAGE_SCRIPTS}
    assert max(sizes.values()) < MAX_SCRIPT_LINES, sizes


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC_DIR.glob("*.js")))
def test_no_script_turns_a_string_into_markup_or_code(name: str) -> None:
    text = (STATIC_DIR / name).read_text()
    found = [m.group(0) for m in HTML_SINKS.finditer(text)]
    assert found == [], f"{name}: {found}"
    # Leaflet reads a string given to bindTooltip/bindPopup/divIcon as HTML: only nodes go there
    for call in re.finditer(r"bind(?:Tooltip|Popup)\(\s*([^,)]+)", text):
        assert call.group(1).strip().startswith(("function", "DC.", "popup(", "tip")), (
            f"{name}: {call.group(0)}"
        )


def test_page_shell_carries_config_as_data_and_a_strict_policy() -> None:
    html = page_html({"mode": "server", "api": "/api", "note": "</script><!--<script>alert(1)"})
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta and meta.group(1) == PAGE_CSP
    assert "script-src 'self';" in PAGE_CSP and "unsafe" not in PAGE_CSP
    assert "connect-src 'self'" in PAGE_CSP and "base-uri 'none'" in PAGE_CSP
    # no inline script: only JSON data blocks and scripts from this server
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        if 'type="application/json"' in attrs:
            continue
        assert 'src="/static/' in attrs and body == ""
    block = re.search(r'<script type="application/json" id="dc-config">(.*?)</script>', html, re.S)
    assert block and "<" not in block.group(1)
    assert json.loads(block.group(1))["note"] == "</script><!--<script>alert(1)"
    srcs = re.findall(r'<script src="/static/([a-z_]+\.js)\?v=', html)
    assert srcs == list(PAGE_SCRIPTS)


def test_served_page_and_scripts(tmp_path: Path) -> None:
    ws = build_sample_workspace(tmp_path / "ws.duckdb")
    with TestClient(create_app(ws), base_url="http://127.0.0.1") as c:
        r = c.get("/")
        assert PAGE_CSP in r.text
        for name in PAGE_SCRIPTS:
            js = c.get(f"/static/{name}")
            assert js.status_code == 200 and js.headers["content-type"].startswith(
                "text/javascript"
            )


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_report_allows_exactly_its_own_inline_code(tmp_path: Path) -> None:
    ws = build_sample_workspace(tmp_path / "ws.duckdb")
    html = build_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta
    policy = dict(
        [*d.split(" ", 1), ""][:2] for d in (x.strip() for x in meta.group(1).split(";")) if d
    )
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'none'"
    assert policy["img-src"] == "data:" and policy["base-uri"] == "'none'"
    assert "unsafe" not in meta.group(1) and "http" not in meta.group(1)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    code = [body for attrs, body in scripts if 'type="application/json"' not in attrs]
    assert len(code) == 1 + len(PAGE_SCRIPTS)  # Leaflet, then the page's own files
    assert sorted(policy["script-src"].split()) == sorted(_sha(b) for b in code)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert sorted(policy["style-src"].split()) == sorted(_sha(s) for s in styles)
    assert " style=" not in html  # no inline style attribute anywhere
