"""The dashboard's server: a FastAPI app over a read-only workspace.

The JSON API lives under /api (OpenAPI document at /api/openapi.json); the page and its assets
under / and /static, all served from the package (Leaflet and Natural Earth land were copied
from npm at set-up: nothing comes from a CDN). With a token, every /api request needs
``Authorization: Bearer <token>``; the page shell and static assets hold no workspace data and
stay open so a browser can load them, and the page sends the token (read from the URL fragment
``#token=...``, which browsers never send to the server) with each API call.

Every response carries a strict Content-Security-Policy and the other hardening headers; the
server answers only for its own host names (DNS rebinding), answers HEAD like GET, and
compresses responses for clients that accept gzip (see darkcargo.web.security).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.middleware.gzip import GZipMiddleware

from darkcargo import __version__
from darkcargo.assets import vendor_manifest, vendor_root
from darkcargo.web.queries import (
    LAYER_TABLES,
    STORY_SAMPLE_PER_KIND,
    BBox,
    WorkspaceReader,
    to_naive_utc,
)
from darkcargo.web.risk import router as risk_router
from darkcargo.web.security import (
    WILDCARD_HOSTS,
    HeadAsGet,
    HostGuard,
    SecurityHeaders,
    TokenGuard,
    allowed_host_names,
)

STATIC_DIR = Path(__file__).parent / "static"
# Page assets, in load order; served as /static/<name>?v=<content hash>. The report inlines
# the same scripts in the same order. core.js first (the namespace and the DOM helper), app.js
# last (it boots the App); each file in between is one view, named for it.
PAGE_SCRIPTS = (
    "core.js",
    "details.js",
    "source.js",
    "labels.js",
    "cluster.js",
    "layers.js",
    "legend.js",
    "time.js",
    "map.js",
    "events_table.js",
    "search.js",
    "shipments.js",
    "vessel_charts.js",
    "calls.js",
    "risk.js",
    "vessel.js",
    "chart.js",
    "app.js",
)
PAGE_STYLES = ("app.css",)
KIND_PATTERN = r"^[a-z][a-z0-9_]{0,40}$"
IMMUTABLE = "public, max-age=31536000, immutable"
MAX_EVENTS_PAGE = 10_000
MAX_ZOOM = 22
# Largest page offset accepted (2^53: the largest integer a browser's JSON keeps exact).
MAX_OFFSET = 2**53
# Static paths longer than this, or with a part longer than a file name may be, are not ours.
MAX_ASSET_PATH = 512
MAX_ASSET_PART = 255
# Responses smaller than this are sent uncompressed even when the client accepts gzip.
GZIP_MIN_BYTES = 1024
# zlib level 6: the demo's 4.0 MB event overview in 0.65 MB and 0.24 s; level 9 saves 5% more
# bytes for twice the time.
GZIP_LEVEL = 6

# The Content-Security-Policy of every response: scripts, styles, fonts and requests only from
# this server (no inline script or style, no eval), images also as data: URLs, nothing framed, no
# forms, no <base>. The page carries the same policy in a <meta> (without frame-ancestors, which
# a <meta> cannot carry), so a saved copy of the page keeps it too.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'"
)
CONTENT_SECURITY_POLICY = PAGE_CSP + "; frame-ancestors 'none'"
# Every response's hardening headers (a route's own value of one of them wins).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    # workspace data is not kept in browser or proxy caches (the page and assets set their own)
    "Cache-Control": "no-store",
}
MediaTypes = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}


@cache
def asset_version(name: str) -> str:
    """First 10 hex digits of the asset's SHA-256: the cache-busting ?v= of its URL."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def vendor_urls() -> dict[str, str]:
    """URLs of the vendored Leaflet files, e.g. /static/vendor/leaflet-1.9.4/leaflet.js."""
    leaflet = vendor_manifest()["leaflet"]
    return {
        "leaflet_js": f"/static/vendor/{leaflet}/leaflet.js",
        "leaflet_css": f"/static/vendor/{leaflet}/leaflet.css",
    }


def json_in_html(data: Any) -> str:
    """JSON for a <script type="application/json"> block: every <, > and & as a \\u escape, so
    no value can close the block (</script>) or open a comment (<!--)."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(config: dict[str, Any]) -> str:
    """The page shell: versioned asset URLs, the client configuration as a JSON block (data,
    never a script) and the Content-Security-Policy."""
    v = vendor_urls()
    styles = [f'<link rel="stylesheet" href="{v["leaflet_css"]}">'] + [
        f'<link rel="stylesheet" href="/static/{n}?v={asset_version(n)}">' for n in PAGE_STYLES
    ]
    scripts = [f'<script src="{v["leaflet_js"]}"></script>'] + [
        f'<script src="/static/{n}?v={asset_version(n)}"></script>' for n in PAGE_SCRIPTS
    ]
    shell = (STATIC_DIR / "index.html").read_text()
    return (
        shell.replace("<!--STYLES-->", "\n".join(styles))
        .replace("<!--SCRIPTS-->", "\n".join(scripts))
        .replace("<!--CONFIG-->", json_in_html(config))
        .replace("<!--CSP-->", PAGE_CSP)
        .replace("<!--VERSION-->", __version__)
    )


def safe_file(root: Path, rel: str) -> Path | None:
    """`rel` under `root`, or None when it escapes root, names a hidden file, holds a control
    character, is too long to be one of ours, or is missing."""
    if not rel or len(rel) > MAX_ASSET_PATH or "\\" in rel:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in rel):
        return None  # NUL and other control characters never name an asset
    parts = Path(rel).parts
    if any(p in ("..", "") or p.startswith(".") or len(p) > MAX_ASSET_PART for p in parts):
        return None
    if Path(rel).is_absolute():
        return None
    try:
        root = root.resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
    except (OSError, ValueError):
        return None
    return path


def parse_bbox(text: str | None) -> BBox | None:
    """'west,south,east,north' in degrees (Leaflet's toBBoxString order) or None."""
    if text is None or text == "":
        return None
    try:
        w, s, e, n = (float(x) for x in text.split(","))
    except ValueError:
        raise HTTPException(422, "bbox must be four numbers: west,south,east,north") from None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90) or w > e:
        raise HTTPException(422, "bbox out of range: -180<=west<=east<=180, -90<=south<=north<=90")
    return (w, s, e, n)


def _utc(name: str, value: datetime | None) -> datetime | None:
    try:
        return to_naive_utc(value)
    except OverflowError:
        raise HTTPException(
            422, f"{name} is out of range: it must fall within the years 1 to 9999 in UTC"
        ) from None


def check_window(
    since: datetime | None, until: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """The time window in naive UTC (as the workspace stores it); 422 when it is out of range
    or since is after until."""
    a, b = _utc("since", since), _utc("until", until)
    if a is not None and b is not None and a > b:
        raise HTTPException(422, "since must not be after until")
    return a, b


def file_name(path: Any) -> Any:
    """The last part of a local path ('/home/x/ais.csv' -> 'ais.csv'): the API never shows
    where on the analyst's machine a file lives."""
    if not isinstance(path, str):
        return path
    return re.split(r"[\\/]", path.rstrip("\\/"))[-1]


Since = Annotated[
    datetime | None, Query(description="Start of the time window (ISO 8601; UTC if no offset).")
]
Until = Annotated[
    datetime | None, Query(description="End of the time window (ISO 8601; UTC if no offset).")
]
BBoxQ = Annotated[
    str | None,
    Query(description="west,south,east,north in degrees", pattern=r"^[-0-9.,eE+ ]+$"),
]


def create_app(
    workspace_path: str | Path,
    token: str | None = None,
    case: str | None = None,
    host: str = "127.0.0.1",
    extra_hosts: Sequence[str] = (),
) -> FastAPI:
    """The dashboard app over `workspace_path`, opened read-only and sandboxed for the app's
    lifetime. It answers only requests addressed to `host` (the address it listens on), the
    loopback names and `extra_hosts`; a wildcard `host` (0.0.0.0, ::) also accepts requests
    addressed to any bare IP address."""
    reader = WorkspaceReader(workspace_path, case=case)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        reader.close()

    app = FastAPI(
        lifespan=lifespan,
        title="darkcargo",
        version=__version__,
        description="Read-only API over a darkcargo workspace: vessels, events, tracks, "
        "ports, estimates, claims and extra layers. Times are UTC, ISO 8601.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load from CDNs: never here
        redoc_url=None,
    )
    app.state.reader = reader
    # Innermost first: compression, then the token, HEAD, the Host check, and the headers
    # outermost so that every answer (a refused Host too) carries them.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)
    if token:
        app.add_middleware(TokenGuard, token=token)
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        HostGuard,
        allowed=allowed_host_names(host, extra_hosts),
        any_ip_literal=host.strip("[]") in WILDCARD_HOSTS,
    )
    app.add_middleware(SecurityHeaders, headers=SECURITY_HEADERS)

    # -- page and assets ----------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        config = {"mode": "server", "api": "/api", "token_required": bool(token)}
        return HTMLResponse(page_html(config), headers={"Cache-Control": "no-cache"})

    @app.get("/static/vendor/{rel:path}", include_in_schema=False)
    def vendor(rel: str) -> FileResponse:
        path = safe_file(vendor_root(), rel)
        if path is None:
            raise HTTPException(404, "no such asset")
        media = MediaTypes.get(path.suffix, "application/octet-stream")
        return FileResponse(path, media_type=media, headers={"Cache-Control": IMMUTABLE})

    @app.get("/static/{rel:path}", include_in_schema=False)
    def static(rel: str) -> FileResponse:
        path = safe_file(STATIC_DIR, rel)
        if path is None or path.name == "index.html":
            raise HTTPException(404, "no such asset")
        media = MediaTypes.get(path.suffix, "application/octet-stream")
        return FileResponse(path, media_type=media, headers={"Cache-Control": "no-cache"})

    # -- API ------------------------------------------------------------------------------------
    @app.get("/api/summary", tags=["context"])
    def summary() -> dict[str, Any]:
        """Version, case, table counts, time extent, map box and the extra layers."""
        return reader.summary()

    @app.get("/api/vessels", tags=["vessels"])
    def vessels() -> list[dict[str, Any]]:
        """Every vessel (MMSI) in the workspace with its latest identity and event counts."""
        return reader.vessels()

    @app.get("/api/vessels/{vessel_id}", tags=["vessels"])
    def vessel(
        vessel_id: Annotated[int, PathParam(ge=1, le=999_999_999, description="MMSI or IMO")],
    ) -> dict[str, Any]:
        """One vessel by MMSI or IMO: identity history, events, matches, port calls."""
        found = reader.vessel(vessel_id)
        if found is None:
            raise HTTPException(404, f"no vessel with MMSI or IMO {vessel_id} in this workspace")
        return found

    @app.get("/api/events", tags=["events"])
    def events(
        since: Since = None,
        until: Until = None,
        kind: Annotated[list[str] | None, Query(description="Event kind(s).")] = None,
        vessel: Annotated[int | None, Query(ge=1, le=999_999_999)] = None,
        port: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_\-/]{1,64}$")] = None,
        bbox: BBoxQ = None,
        limit: Annotated[int, Query(ge=1, le=MAX_EVENTS_PAGE)] = 1000,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> dict[str, Any]:
        """Events filtered by kind, vessel (MMSI or IMO), port, time and box; paged."""
        for k in kind or []:
            if not re.match(KIND_PATTERN, k):
                raise HTTPException(422, f"bad event kind {k!r}")
        since, until = check_window(since, until)
        return reader.events(kind, vessel, port, since, until, parse_bbox(bbox), limit, offset)

    @app.get("/api/events/overview", tags=["events"])
    def events_overview(
        per_kind: Annotated[
            int,
            Query(
                ge=1,
                le=MAX_EVENTS_PAGE,
                description="At most this many of each common kind (a time-spread sample).",
            ),
        ] = STORY_SAMPLE_PER_KIND,
    ) -> dict[str, Any]:
        """What the map draws: every event that matters to the case (watched vessels, rare
        kinds, flagged gaps, calls at watched ports), a time-spread sample of each common kind,
        and complete counts by kind. /api/events pages through every event."""
        return reader.story_events(per_kind_sample=per_kind)

    @app.get("/api/tracks", tags=["tracks"])
    def tracks(
        zoom: Annotated[float, Query(ge=0, le=MAX_ZOOM)] = 6,
        bbox: BBoxQ = None,
        since: Since = None,
        until: Until = None,
    ) -> Response:
        """Every vessel's track, decimated for `zoom` within `bbox` and the time window: the
        case's watched vessels in full detail, the other traffic lighter (see map_tracks)."""
        since, until = check_window(since, until)
        out = [t.as_json() for t in reader.map_tracks(zoom, parse_bbox(bbox), since, until)]
        return Response(json.dumps({"tracks": out}), media_type="application/json")

    @app.get("/api/tracks/{mmsi}", tags=["tracks"])
    def track(
        mmsi: Annotated[int, PathParam(ge=1, le=999_999_999)],
        zoom: Annotated[
            float | None, Query(ge=0, le=MAX_ZOOM, description="Map zoom; omit for every fix.")
        ] = None,
        bbox: BBoxQ = None,
        since: Since = None,
        until: Until = None,
    ) -> Response:
        """One MMSI's track as runs of [lat, lon, epoch seconds], broken at gaps, decimated
        server-side to `zoom` (about one point per screen pixel) within `bbox` and the window."""
        since, until = check_window(since, until)
        box = parse_bbox(bbox)
        if mmsi not in {v["mmsi"] for v in reader.vessels()}:
            raise HTTPException(404, f"no positions or events for MMSI {mmsi}")
        t = reader.track(mmsi, zoom, box, since, until)
        return Response(json.dumps(t.as_json()), media_type="application/json")

    @app.get("/api/ports", tags=["context"])
    def ports() -> list[dict[str, Any]]:
        """The case's watched ports and places, with event and port-call counts."""
        return reader.ports()

    @app.get("/api/estimates", tags=["estimates"])
    def estimates() -> list[dict[str, Any]]:
        """Estimates as intervals (p05, p50, p95) with their assumptions and unverified inputs
        (catalogue files by name)."""
        out = reader.estimates()
        for e in out:
            inputs = e.get("inputs")
            if isinstance(inputs, dict) and isinstance(inputs.get("catalogue"), list):
                inputs["catalogue"] = [file_name(p) for p in inputs["catalogue"]]
        return out

    @app.get("/api/claims", tags=["claims"])
    def claims() -> list[dict[str, Any]]:
        """Claims with their source document (its file name) and gradings against the
        estimates."""
        out = reader.claims()
        for c in out:
            if "doc_path" in c:
                c["doc_path"] = file_name(c["doc_path"])
        return out

    @app.get("/api/land", tags=["context"])
    def land(
        resolution: Annotated[
            str | None,
            Query(
                pattern=r"^(10m|50m|110m)$",
                description="Natural Earth detail; by default 10m, coarser for wide boxes.",
            ),
        ] = None,
    ) -> Response:
        """Natural Earth land clipped to the case box (grown to the data), as GeoJSON."""
        body = json.dumps(reader.land(resolution))
        return Response(body, media_type="application/geo+json")

    @app.get("/api/parameters", tags=["context"])
    def parameters() -> list[dict[str, Any]]:
        """Presets and parameter hashes recorded on derived rows."""
        return reader.parameters()

    @app.get("/api/sources", tags=["context"])
    def sources() -> list[dict[str, Any]]:
        """Input files ingested into the workspace: file name (never the local path), hash,
        format, size and line counts."""
        out = reader.sources()
        for s in out:
            s["path"] = file_name(s.get("path"))
        return out

    @app.get("/api/layers", tags=["layers"])
    def layers() -> list[dict[str, Any]]:
        """Extra layers (detections, port calls, shipments, sightings, watchlist, matches)."""
        return reader.layers()

    @app.get("/api/layers/{name}", tags=["layers"])
    def layer(
        name: Annotated[str, PathParam(pattern=r"^[a-z_]{1,32}$")],
        since: Since = None,
        until: Until = None,
        limit: Annotated[int, Query(ge=1, le=MAX_EVENTS_PAGE)] = 5000,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> dict[str, Any]:
        """Rows of one extra layer's table, overlapping the time window; paged."""
        if name not in LAYER_TABLES:
            raise HTTPException(404, f"no layer {name!r}; layers: {', '.join(LAYER_TABLES)}")
        since, until = check_window(since, until)
        return reader.layer(name, since, until, limit, offset)

    from darkcargo.web.explore import router as explore_router  # imports this module's helpers

    app.include_router(explore_router)
    app.include_router(risk_router)  # /api/risk, /api/vessels/{id}/risk
    return app
