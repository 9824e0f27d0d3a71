"""Shared pieces of the browser tests: Debian's chromium through Playwright, a real uvicorn
server on a free loopback port, a page that records console errors and requests, and the time
filter moved the way a user moves it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TIMEOUT_MS = 60_000
SERVER_START_S = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(workspace: Path, case: str | None = None) -> Iterator[str]:
    """The dashboard over `workspace` (and a case file) in a thread; yields its base URL."""
    import uvicorn

    from darkcargo.web import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(workspace, case=case),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_S
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextmanager
def launch() -> Iterator[Any]:
    """A headless chromium (skips the test when Playwright is missing)."""
    import pytest

    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# Recorded from before the page's first script: every Content-Security-Policy violation.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""

# Counts the page's fetches in flight and notes when the last one ended (see `settle`).
FETCH_TRACKER = """
window.__dcFetching = 0;
window.__dcFetched = 0;
(function (fetch) {
  window.fetch = function () {
    window.__dcFetching += 1;
    var done = function () { window.__dcFetching -= 1; window.__dcFetched = performance.now(); };
    var p = fetch.apply(this, arguments);
    p.then(done, done);
    return p;
  };
})(window.fetch);
"""
QUIET_MS = 400


class Page:
    """A page with its console errors, requests, dialogs and CSP violations recorded."""

    def __init__(self, browser: Any, **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, **context)
        self.context.add_init_script(CSP_LISTENER)
        self.context.add_init_script(FETCH_TRACKER)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def guard(self, allowed: tuple[str, ...]) -> list[str]:
        """Route every request: record it; refuse (and list) any not starting with `allowed`."""
        outside: list[str] = []

        def handle(route: Any) -> None:
            url = route.request.url
            if url.startswith(allowed):
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        self.context.route("**", handle)
        return outside

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []"))

    def open(self, url: str) -> Any:
        self.page.goto(url)
        self.page.wait_for_selector(
            "#dc-app[data-ready]", timeout=READY_TIMEOUT_MS, state="attached"
        )
        assert self.page.get_attribute("#dc-app", "data-ready") == "1", self.errors
        return self.page

    def close(self) -> None:
        self.context.close()


def events_in_view(pg: Any) -> int:
    return int(pg.get_attribute("#dc-events-count", "data-count"))


def set_window(pg: Any, start_iso: str | None = None, end_iso: str | None = None) -> None:
    """Move the time filter's thumbs as a user would (value change plus an input event)."""
    pg.evaluate(
        """([a, b]) => {
            for (const [id, iso] of [["dc-time-start", a], ["dc-time-end", b]]) {
                if (!iso) continue;
                const el = document.getElementById(id);
                el.value = String(Date.parse(iso) / 1000);
                el.dispatchEvent(new Event("input", {bubbles: true}));
            }
        }""",
        [start_iso, end_iso],
    )
    settle(pg)


def settle(pg: Any, quiet_ms: int = QUIET_MS) -> None:
    """Wait until the page has had no fetch in flight for `quiet_ms`, counted from now.

    After an action the page may fetch at once, after a debounce, or not at all, and a loaded
    machine answers late: a fixed pause passes too early there. The quiet span covers the
    debounces (250-300 ms) and the drawing that follows a response. A page opened without
    `FETCH_TRACKER` (the offline report) fetches nothing: it waits the quiet span alone."""
    since = pg.evaluate("performance.now()")
    pg.wait_for_function(
        """([since, quiet]) => (window.__dcFetching || 0) === 0
            && performance.now() - Math.max(since, window.__dcFetched || 0) > quiet""",
        arg=[since, quiet_ms],
        timeout=READY_TIMEOUT_MS,
        polling=50,
    )


def layer_visible(pg: Any, layer_id: str) -> int:
    """How many items of a layer the layer list says are shown."""
    return int(pg.get_attribute(f'.dc-layer[data-layer="{layer_id}"]', "data-visible"))


def click_when_still(locator: Any, still_ms: int = 200, timeout_s: float = 20.0) -> None:
    """Click an element once it has stopped moving, as a user would.

    A popup near the map's edge pans the map by an animation. On a loaded machine Playwright's
    own stability check (two animation frames alike) can pass mid-pan, and its click then lands
    beside the element, which has moved on."""
    deadline = time.monotonic() + timeout_s
    box = locator.bounding_box()
    while time.monotonic() < deadline:
        locator.page.wait_for_timeout(still_ms)
        now = locator.bounding_box()
        if now is not None and now == box:
            break
        box = now
    else:
        raise AssertionError(f"{locator} kept moving for {timeout_s:.0f} s")
    locator.click()
