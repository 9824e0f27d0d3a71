"""The single-file HTML report: the dashboard's story in one file that opens offline.

Everything is inlined: Leaflet's JS and CSS (its images as data: URIs), the page's own scripts,
the Natural Earth land clipped to the case, and the rows shown, as one JSON block. The page's
script runs against that block instead of the API; the tables are also rendered as plain HTML so
the report reads without JavaScript and prints.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from darkcargo import __version__
from darkcargo.assets import vendor_manifest, vendor_root
from darkcargo.web.queries import WorkspaceReader

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent.parent / "web" / "static"
# The map's tracks are decimated for this zoom (about 1 px at a regional view) ...
REPORT_TRACK_ZOOM = 9
# ... and to at most this many points per vessel, to keep the file small.
REPORT_TRACK_MAX_POINTS = 5_000
# At most this many events are embedded and listed (the exports carry every row).
MAX_REPORT_EVENTS = 20_000
# Vessel pages are embedded for at most this many vessels (most events first).
MAX_REPORT_VESSEL_PAGES = 500
KIND_COLORS = {
    "port_call": "#1f77b4",
    "gap": "#111111",
    "encounter": "#ff7f0e",
    "loitering": "#9467bd",
    "identity_change": "#17becf",
    "spoof_jump": "#d62728",
}
GRADE_COLORS = {
    "consistent": "#2e7d32",
    "above": "#c62828",
    "below": "#1565c0",
    "not_comparable": "#757575",
}
MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


def inline_css_images(css: str, base: Path) -> str:
    """Replace url(relative/file.png) in CSS with data: URIs read from `base`."""

    def repl(m: re.Match[str]) -> str:
        ref = m.group(1).strip("'\"")
        if ref.startswith(("data:", "#")):
            return m.group(0)
        path = (base / ref).resolve()
        if not path.is_file() or not path.is_relative_to(base.resolve()):
            log.warning("report: dropping CSS reference %s", ref)
            return "none"
        data = base64.b64encode(path.read_bytes()).decode()
        return f"url(data:{MIME.get(path.suffix, 'application/octet-stream')};base64,{data})"

    return re.sub(r"url\(([^)]*)\)", repl, css)


def strip_source_maps(js: str) -> str:
    """Drop //# sourceMappingURL comments: the map file is not in the report."""
    return re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)


def drop_web_addresses(js: str) -> str:
    """Strip the scheme from web addresses in vendored code (bug-tracker links in comments,
    Leaflet's unused attribution link) so the report names no external URL; XML namespace
    identifiers (www.w3.org), which are names and never fetched, stay."""
    js = re.sub(r"""href=(["'])https?://[^"']*\1""", r"href=\1#\1", js)
    return re.sub(r"https?://(?!www\.w3\.org/)", "", js)


def script_safe(text: str) -> str:
    """Text that cannot close its <script> element early."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def json_for_script(data: Any) -> str:
    """JSON that is inert inside <script>: every <, > and & as a \\u escape."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def report_data(reader: WorkspaceReader) -> dict[str, Any]:
    """Everything the page's script reads, in the shapes the API returns."""
    summary = reader.summary()
    vessels = reader.vessels()
    events = reader.events(limit=MAX_REPORT_EVENTS)
    tracks = [
        reader.track(v["mmsi"], REPORT_TRACK_ZOOM, max_points=REPORT_TRACK_MAX_POINTS).as_json()
        for v in vessels
        if v["n_positions"]
    ]
    ranked = sorted(vessels, key=lambda v: (-v["n_events"], v["mmsi"]))
    details = {}
    for v in ranked[:MAX_REPORT_VESSEL_PAGES]:
        found = reader.vessel(v["mmsi"])
        if found is not None:
            details[str(v["mmsi"])] = found
    layers = {
        la["name"]: reader.layer(la["name"], limit=None)["items"]
        for la in summary["layers"]
        if la["count"]
    }
    return {
        "summary": summary,
        "vessels": vessels,
        "ports": reader.ports(),
        "events": events["items"],
        "events_total": events["total"],
        "land": reader.land(),
        "tracks": {"tracks": [t for t in tracks if t["runs"]]},
        "estimates": reader.estimates(),
        "claims": reader.claims(),
        "layers": layers,
        "vessel_details": details,
    }


def _fmt(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def render_report(reader: WorkspaceReader) -> str:
    """The report's HTML text."""
    data = report_data(reader)
    leaflet_dir = vendor_root() / vendor_manifest()["leaflet"]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    names = {v["mmsi"]: v.get("name") for v in data["vessels"]}

    def vessel_label(mmsi: int | None) -> str:
        if mmsi is None:
            return ""
        name = names.get(mmsi)
        return f"{name} ({mmsi})" if name else str(mmsi)

    summary = data["summary"]
    template = env.get_template("report.html.j2")
    return template.render(
        version=__version__,
        leaflet_version=vendor_manifest()["leaflet"].rsplit("-", 1)[-1],
        case=reader.case,
        workspace=reader.path.name,
        generated=datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        period_start=summary["time"]["start"],
        period_end=summary["time"]["end"],
        counts=summary["counts"],
        event_kinds=summary["event_kinds"],
        events=data["events"],
        events_total=data["events_total"],
        events_truncated=data["events_total"] > len(data["events"]),
        vessels=data["vessels"],
        estimates=data["estimates"],
        claims=data["claims"],
        parameters=reader.parameters(),
        meta=summary["meta"],
        sources=reader.sources(),
        documents=[
            {k: d[k] for k in ("title", "published", "path", "source_url")}
            for d in _documents(reader)
        ],
        kind_colors=KIND_COLORS,
        grade_colors=GRADE_COLORS,
        vessel_label=vessel_label,
        fmt=_fmt,
        num=_num,
        as_list=_as_list,
        data_json=json_for_script(data),
        leaflet_css=drop_web_addresses(
            inline_css_images((leaflet_dir / "leaflet.css").read_text(), leaflet_dir)
        ),
        app_css=(STATIC / "app.css").read_text(),
        leaflet_js=script_safe(
            drop_web_addresses(strip_source_maps((leaflet_dir / "leaflet.js").read_text()))
        ),
        layers_js=script_safe((STATIC / "layers.js").read_text()),
        app_js=script_safe((STATIC / "app.js").read_text()),
    )


def _documents(reader: WorkspaceReader) -> list[dict[str, Any]]:
    if not reader.has("documents"):
        return []
    from darkcargo.web.queries import rows

    return rows(
        reader.arrow(
            "SELECT title, published, path, source_url FROM documents ORDER BY published, title"
        )
    )


def build_report(workspace_path: str | Path, out_path: str | Path, case: str | None = None) -> Path:
    """Write the single-file HTML report of a workspace to `out_path`; returns the path."""
    out = Path(out_path)
    with WorkspaceReader(workspace_path, case=case) as reader:
        html = render_report(reader)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    log.info("report: wrote %s (%d bytes)", out, out.stat().st_size)
    return out
