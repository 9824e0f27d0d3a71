"""The single-file HTML report: the dashboard's story in one file that opens offline.

Everything is inlined: Leaflet's JS and CSS (its images as data: URIs), the page's own scripts
(the dashboard's, in PAGE_SCRIPTS order), the Natural Earth land clipped to the case, and the
rows shown, as one JSON block (type application/json: data, never run). The page's scripts run
against that block instead of the API; the tables are also rendered as plain HTML so the report
reads without JavaScript and prints. A Content-Security-Policy allows exactly the inline
scripts and styles it carries (by their SHA-256), data: images, and no connection at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from darkcargo import __version__
from darkcargo.assets import vendor_manifest, vendor_root
from darkcargo.report.describe import describe_event, event_place
from darkcargo.web.app import PAGE_SCRIPTS
from darkcargo.web.decimate import tolerance_for_zoom
from darkcargo.web.explore_queries import identity_facts, vessel_profile, watch_status
from darkcargo.web.queries import (
    OTHER_TRAFFIC_BASE_ZOOM,
    OTHER_TRAFFIC_GAP_BREAK_S,
    OTHER_TRAFFIC_MAX_POINTS,
    STORY_NEAR_WATCHED_PORT_KM,
    STORY_SAMPLE_PER_KIND,
    TrackDetail,
    WorkspaceReader,
    rows,
)
from darkcargo.web.risk import risk_for_report

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent.parent / "web" / "static"
# Tracks of the case's watched vessels: decimated for this zoom (about 1 px at a close view),
# broken at silences longer than an hour, at most this many points each ...
WATCHED_TRACK_ZOOM = 10
WATCHED_TRACK_GAP_BREAK_S = 3600.0
WATCHED_TRACK_MAX_POINTS = 5_000
# ... every other vessel's track much harder: a regional zoom, lines drawn across reception
# holes shorter than the gap detector's 6 h (longer silences still break the line), and a cap.
# (the dashboard's rule for other traffic at its regional zoom: see web.queries)
OTHER_TRACK_ZOOM = OTHER_TRAFFIC_BASE_ZOOM
OTHER_TRACK_GAP_BREAK_S = OTHER_TRAFFIC_GAP_BREAK_S
OTHER_TRACK_MAX_POINTS = OTHER_TRAFFIC_MAX_POINTS
# Events: see WorkspaceReader.story_events (all that matter to the case, then a time-spread
# sample of each common kind).
REPORT_SAMPLE_PER_KIND = STORY_SAMPLE_PER_KIND
# Vessel pages (identity history, sanctions matches, ids of their events in the report) for at
# most this many vessels with events that matter, watched vessels first.
MAX_REPORT_VESSEL_PAGES = 300
# Rows of each extra layer (port calls, shipments, detections, sightings ...), time-spread.
MAX_REPORT_LAYER_ROWS = 5_000
# Event columns left out of the report (in the export bundles): internal segment names.
REPORT_DROP_EVENT_COLUMNS = ("segment_id",)
# Vessel risk: the rows (with their evidence) of this many top-ranked vessels, besides those of
# every vessel with a page; every vessel's score without evidence up to the second cap.
REPORT_RISK_TOP = 50
MAX_REPORT_RISK_SCORES = 5_000
# Identity histories longer than this are shown as one row per distinct identity.
MAX_IDENTITY_HISTORY_ROWS = 40
# Events listed in the report's static (no-JavaScript) tables.
MAX_STATIC_EVENT_ROWS = 400
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
    """Script text that cannot close its <script> element early (</script) or switch the
    parser into its escaped states (<!--): both written with a backslash JavaScript ignores."""
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


def csp_hash(text: str) -> str:
    """A CSP source for an inline <script> or <style> element holding exactly `text`."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def report_csp(scripts: list[str], styles: list[str]) -> str:
    """The report's policy: only its own inline scripts and styles (by hash), images from data:
    URIs, and nothing fetched, framed, posted or loaded from anywhere."""
    return (
        "default-src 'none'; "
        f"script-src {' '.join(csp_hash(s) for s in scripts)}; "
        f"style-src {' '.join(csp_hash(s) for s in styles)}; "
        "img-src data:; connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'"
    )


def json_for_script(data: Any) -> str:
    """JSON that is inert inside <script>: every <, > and & as a \\u escape."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def pack(items: list[dict[str, Any]], drop: Iterable[str] = ()) -> dict[str, Any]:
    """Rows as columns plus lists of values, with columns that hold one value in every row
    stated once: the same rows in about half the bytes of a list of objects. The page's
    script unpacks it (unpack() in app.js)."""
    if not items:
        return {"columns": [], "rows": [], "constants": {}}
    skip = set(drop)
    columns = [c for c in items[0] if c not in skip]
    constants: dict[str, Any] = {}
    varying: list[str] = []
    for c in columns:
        first = items[0].get(c)
        if len(items) > 1 and all(r.get(c) == first for r in items):
            constants[c] = first
        else:
            varying.append(c)
    return {
        "columns": varying,
        "rows": [[r.get(c) for c in varying] for r in items],
        "constants": constants,
    }


def _matches_of(reader: WorkspaceReader, mmsis: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Sanctions matches (with their watchlist entry) of the given MMSIs, by MMSI."""
    if not mmsis or not reader.has("matches"):
        return {}
    found = rows(reader.arrow("SELECT * FROM matches WHERE mmsi IN (SELECT unnest(?))", [mmsis]))
    if found and reader.has("watchlist"):
        ids = sorted({m["entry_id"] for m in found})
        wl = rows(
            reader.arrow("SELECT * FROM watchlist WHERE entry_id IN (SELECT unnest(?))", [ids])
        )
        entries = {w["entry_id"]: w for w in wl}
        for m in found:
            m["entry"] = entries.get(m["entry_id"])
    out: dict[int, list[dict[str, Any]]] = {}
    for m in found:
        out.setdefault(m["mmsi"], []).append(m)
    return out


def vessel_pages(
    reader: WorkspaceReader, events: list[dict[str, Any]], watched: dict[int, str]
) -> dict[str, dict[str, Any]]:
    """Vessel pages for vessels with events that matter to the case (watched vessels first,
    then by how many such events, at most MAX_REPORT_VESSEL_PAGES): identity history,
    sanctions matches, the ids of their events in the report (never copies of them) and the
    profile the dashboard shows (codes read, the watch stage's status; for watched vessels
    also gaps and port calls per week over every event, and their trips)."""
    ids: dict[int, list[str]] = {}
    weight: dict[int, int] = {}
    for e in events:
        for m in (e["mmsi"], e.get("other_mmsi")):
            if m is None:
                continue
            ids.setdefault(m, []).append(e["event_id"])
            if e.get("why"):
                weight[m] = weight.get(m, 0) + 1
    candidates = set(weight) | set(watched)
    chosen = sorted(candidates, key=lambda m: (m not in watched, -weight.get(m, 0), m))
    chosen = chosen[:MAX_REPORT_VESSEL_PAGES]
    history: dict[int, list[dict[str, Any]]] = {}
    for h in reader.identity_history(chosen):
        history.setdefault(h["mmsi"], []).append(h)
    matches = _matches_of(reader, chosen)
    pages = {}
    for m in chosen:
        hist = history.get(m, [])
        pages[str(m)] = {
            "id": m,
            "mmsis": [m],
            "identity_history": collapse_history(hist),
            "identity_history_total": len(hist),
            "matches": matches.get(m, []),
            "event_ids": ids.get(m, []),
            "profile": vessel_profile(reader, m, activity=m in watched),
        }
    return pages


def collapse_history(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A vessel's identity history as it is when short; when it has more than
    MAX_IDENTITY_HISTORY_ROWS runs (two transmitters sharing one MMSI flip thousands of times),
    one row per distinct identity instead, with its first and last sighting, its message count
    and how many separate runs it had (`runs`)."""
    if len(history) <= MAX_IDENTITY_HISTORY_ROWS:
        return history
    keys = ("mmsi", "imo", "name", "callsign", "ship_type", "length_m", "beam_m")
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for h in history:
        k = tuple(h.get(f) for f in keys)
        row = merged.get(k)
        if row is None:
            merged[k] = {**h, "destinations": list(h.get("destinations") or []), "runs": 1}
            continue
        row["last_seen"] = max(row["last_seen"], h["last_seen"])
        row["n_messages"] += h["n_messages"]
        row["runs"] += 1
        for d in h.get("destinations") or []:
            if d not in row["destinations"]:
                row["destinations"].append(d)
    return sorted(merged.values(), key=lambda r: (r["first_seen"], r["mmsi"]))


def report_tracks(reader: WorkspaceReader, watched: dict[int, str]) -> list[dict[str, Any]]:
    """Watched vessels' tracks finely decimated, every other vessel's much harder (one read)."""
    fine = TrackDetail(WATCHED_TRACK_ZOOM, WATCHED_TRACK_GAP_BREAK_S, WATCHED_TRACK_MAX_POINTS)
    tracks = reader.tracks(
        None,
        zoom=OTHER_TRACK_ZOOM,
        gap_break_s=OTHER_TRACK_GAP_BREAK_S,
        max_points=OTHER_TRACK_MAX_POINTS,
        detail_for={m: fine for m in watched},
    )
    return [{**t.as_json(), "watched": t.mmsi in watched} for t in tracks]


def report_caps() -> dict[str, Any]:
    """The report's limits, stated on the page."""
    return {
        "events_sample_per_kind": REPORT_SAMPLE_PER_KIND,
        "events_near_watched_port_km": STORY_NEAR_WATCHED_PORT_KM,
        "watched_track": {
            "zoom": WATCHED_TRACK_ZOOM,
            "tolerance_deg": tolerance_for_zoom(WATCHED_TRACK_ZOOM),
            "gap_break_h": WATCHED_TRACK_GAP_BREAK_S / 3600,
            "max_points": WATCHED_TRACK_MAX_POINTS,
        },
        "other_track": {
            "zoom": OTHER_TRACK_ZOOM,
            "tolerance_deg": tolerance_for_zoom(OTHER_TRACK_ZOOM),
            "gap_break_h": OTHER_TRACK_GAP_BREAK_S / 3600,
            "max_points": OTHER_TRACK_MAX_POINTS,
        },
        "vessel_pages": MAX_REPORT_VESSEL_PAGES,
        "layer_rows": MAX_REPORT_LAYER_ROWS,
        "risk_top": REPORT_RISK_TOP,
    }


def report_data(reader: WorkspaceReader) -> dict[str, Any]:
    """Everything the page's script reads: the API's shapes, with the long lists packed
    (see pack()) and the events chosen by WorkspaceReader.story_events."""
    summary = reader.summary()
    vessels = [{**v, "facts": identity_facts(v)} for v in reader.vessels()]
    watched = reader.watched()
    story = reader.story_events(per_kind_sample=REPORT_SAMPLE_PER_KIND)
    events = story["items"]
    layers: dict[str, Any] = {}
    layer_totals: dict[str, int] = {}
    for la in summary["layers"]:
        if la["count"]:
            found = reader.layer(la["name"], sample=MAX_REPORT_LAYER_ROWS)
            items = found["items"]
            if la["name"] == "port_calls":
                items = _with_every_inferred_call(reader, items)
            layers[la["name"]] = pack(items)
            layer_totals[la["name"]] = found["total"]
    pages = vessel_pages(reader, events, watched)
    risk = risk_for_report(reader, [int(m) for m in pages], REPORT_RISK_TOP, MAX_REPORT_RISK_SCORES)
    risk["scores"] = pack(risk["scores"])
    return {
        "summary": summary,
        "vessels": vessels,
        "ports": reader.ports(),
        "events": pack(events, drop=REPORT_DROP_EVENT_COLUMNS),
        "events_total": story["total"],
        "selection": {"kinds": story["kinds"], "rules": story["rules"]},
        "caps": report_caps(),
        "land": reader.land(),
        "tracks": {"tracks": report_tracks(reader, watched)},
        "estimates": reader.estimates(),
        "claims": reader.claims(),
        "layers": layers,
        "layer_totals": layer_totals,
        "vessel_details": pages,
        "watch": watch_status(reader, [], []),
        "risk": risk,
    }


def _with_every_inferred_call(
    reader: WorkspaceReader, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The port calls sampled for the report, plus every inferred (dark) call the sample left
    out: they are few, and the report lists each one with its evidence."""
    have = {c.get("call_id") for c in items}
    extra = [
        c
        for c in rows(
            reader.arrow(
                "SELECT * FROM port_calls WHERE kind = 'inferred' ORDER BY arrival_ts, call_id"
            )
        )
        if c.get("call_id") not in have
    ]
    if not extra:
        return items
    return sorted(items + extra, key=lambda c: (c.get("arrival_ts") or "", c.get("call_id") or ""))


def _fmt(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def points_text(value: float | None) -> str:
    """Risk points as the page writes them (risk.js fmtPoints): 72.1, 7.82, 0.5."""
    if value is None:
        return ""
    text = f"{value:.{1 if abs(value) >= 10 else 2}f}"
    return text.rstrip("0").rstrip(".")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def period_label(e: dict[str, Any]) -> str:
    """How an estimate's period reads: the whole season or up to a claim's date."""
    req = e.get("period_requested") or ""
    a, b = (e.get("period_start") or "")[:10], (e.get("period_end") or "")[:10]
    if req in ("", "*..*"):
        return f"whole record ({a} → {b})" if a or b else "whole record"
    lo, _, hi = req.partition("..")
    if lo in ("", "*"):
        return f"up to {hi}"
    if hi in ("", "*"):
        return f"from {lo}"
    return f"{lo} → {hi}"


def estimate_sort_key(e: dict[str, Any]) -> tuple[Any, ...]:
    """Quantities in a reading order, the whole record first, then periods by end date."""
    req = e.get("period_requested") or "*..*"
    return (e.get("quantity") or "", e.get("method") or "", req != "*..*", req)


def unverified_of(e: dict[str, Any]) -> list[str]:
    """An estimate's unverified parameters as text: its `unverified` list, plus any input its
    sensitivity analysis flags unverified that the list does not already name."""
    found = [str(u) for u in _as_list(e.get("unverified"))]
    sens = e.get("sensitivity")
    if isinstance(sens, list):
        for x in sens:
            if not (isinstance(x, dict) and x.get("unverified")):
                continue
            label = str(x.get("label") or x.get("param"))
            if not any(label.lower() in u.lower() for u in found):
                found.append(label)
    return found


def binding_text(e: dict[str, Any]) -> str:
    """What limits a container's load in a packing estimate, from its `binding` shares:
    'limited by mass 49%, fill volume 37%, geometry 13%'."""
    b = e.get("binding")
    if not isinstance(b, dict) or not b:
        return ""
    parts = [
        f"{str(k).replace('_', ' ')} {float(v):.0%}"
        for k, v in sorted(b.items(), key=lambda kv: -float(kv[1] or 0))
        if isinstance(v, int | float) and v > 0
    ]
    return "limited by " + ", ".join(parts) if parts else ""


def _port_summary(reader: WorkspaceReader, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Per watched port: port-call events (all vessels, distinct vessels, watched vessels'),
    the shipments stage's observed and inferred calls, and trips from and to it."""
    watched = sorted(reader.watched())
    by_port: dict[str, dict[str, Any]] = {}
    if reader.has("events"):
        for r in reader.arrow(
            "SELECT port_id, count(*) AS calls, count(DISTINCT mmsi) AS vessels, "
            "count(*) FILTER (WHERE mmsi IN (SELECT unnest(?))) AS watched_calls "
            "FROM events WHERE kind = 'port_call' AND port_id IS NOT NULL GROUP BY port_id",
            [watched],
        ).to_pylist():
            by_port[r["port_id"]] = r
    calls: dict[tuple[str, str], int] = {}
    if reader.has("port_calls"):
        for r in reader.arrow(
            "SELECT port_id, kind, count(*) AS n FROM port_calls GROUP BY ALL"
        ).to_pylist():
            calls[(r["port_id"], r["kind"])] = r["n"]
    trips_from: dict[str, int] = {}
    trips_to: dict[str, int] = {}
    if reader.has("shipments"):
        for r in reader.arrow("SELECT origin_port, destination_port FROM shipments").to_pylist():
            trips_from[r["origin_port"]] = trips_from.get(r["origin_port"], 0) + 1
            trips_to[r["destination_port"]] = trips_to.get(r["destination_port"], 0) + 1
    out = []
    for p in data["ports"]:
        if not p["watched"]:
            continue
        ev = by_port.get(p["id"], {})
        out.append(
            {
                **p,
                "calls": ev.get("calls", 0),
                "call_vessels": ev.get("vessels", 0),
                "watched_calls": ev.get("watched_calls", 0),
                "observed": calls.get((p["id"], "observed"), 0),
                "inferred": calls.get((p["id"], "inferred"), 0),
                "trips_from": trips_from.get(p["id"], 0),
                "trips_to": trips_to.get(p["id"], 0),
            }
        )
    return out


def static_event(e: dict[str, Any], label: Callable[[int], str] | None = None) -> dict[str, Any]:
    """An event with the text its row in the static table shows: where (its port, or the
    nearest ports where a gap's AIS went off and came back), its duration in hours and its
    details written as a sentence (report.describe, the page's rules)."""
    raw = e.get("details")
    details: dict[str, Any] = raw if isinstance(raw, dict) else {}
    hours = details.get("hours")
    return {
        **e,
        "place": event_place(e),
        "hours": hours if isinstance(hours, int | float) else None,
        "details_text": describe_event(e, label),
    }


def story_context(reader: WorkspaceReader, data: dict[str, Any]) -> dict[str, Any]:
    """What the report's static sections show, derived from the embedded data."""
    events = unpack(data["events"])
    watched = reader.watched()
    vessels = {v["mmsi"]: v for v in data["vessels"]}
    shipments = unpack(data["layers"].get("shipments", {}))
    dark_calls = [
        c for c in unpack(data["layers"].get("port_calls", {})) if c.get("kind") == "inferred"
    ]
    watched_rows = []
    for name in [v.name for v in reader.case.vessels]:
        mmsis = sorted(m for m, n in watched.items() if n == name)
        rows_ = [vessels[m] for m in mmsis if m in vessels]
        counts: dict[str, int] = {}
        for v in rows_:
            for k, n in v["event_counts"].items():
                counts[k] = counts.get(k, 0) + n
        trips = [s for s in shipments if s.get("mmsi") in mmsis]
        watched_rows.append(
            {
                "name": name,
                "mmsis": mmsis,
                "vessels": rows_,
                "counts": counts,
                "positions": sum(v["n_positions"] for v in rows_),
                "trips": len(trips),
                "trips_inferred": sum(1 for s in trips if s.get("inferred")),
            }
        )

    def label(mmsi: int) -> str:
        name = vessels[mmsi].get("name") if mmsi in vessels else None
        return f"{name} ({mmsi})" if name else str(mmsi)

    notable = [
        static_event(e, label)
        for e in events
        if e.get("why") and e["why"] != "call at a watched port"
    ]
    kinds = []
    for k in data["selection"]["kinds"]:
        rest = k["total"] - k["priority"]
        rest_shown = k["shown"] - k["priority_shown"]
        kinds.append({**k, "rest": rest, "rest_shown": rest_shown})
    estimates = sorted(data["estimates"], key=estimate_sort_key)
    est_by_id = {e["estimate_id"]: e for e in estimates}
    return {
        "watched": watched_rows,
        "notable": notable[:MAX_STATIC_EVENT_ROWS],
        "notable_total": len(notable),
        "kinds": kinds,
        "ports_summary": _port_summary(reader, data),
        "shipments": sorted(shipments, key=lambda s: s.get("depart_ts") or ""),
        "dark_calls": [
            {**c, "evidence": c["evidence"] if isinstance(c.get("evidence"), dict) else {}}
            for c in sorted(
                dark_calls, key=lambda c: (c.get("arrival_ts") or "", c.get("mmsi") or 0)
            )
        ],
        "estimates": estimates,
        "est_by_id": est_by_id,
        "risk": data["risk"],
        "risk_rows": risk_ranking_rows(data["risk"]),
    }


def risk_ranking_rows(risk: dict[str, Any]) -> list[dict[str, Any]]:
    """The static "Vessels ranked by risk" table: the top vessels the report embeds, each with
    its scored contributions (highest points first) and the listings it matched."""
    out = []
    for it in risk.get("items") or []:
        if it.get("rank") is None or it["rank"] > risk.get("top", 0) or not it.get("score"):
            continue
        contribs = it.get("contributions") or []
        out.append(
            {
                **it,
                "opens": it.get("imo") or it.get("mmsi"),
                "reasons": [c for c in contribs if (c.get("points") or 0) > 0],
                "unscored": [c for c in contribs if not (c.get("points") or 0) > 0],
                "listings": (risk.get("matches") or {}).get(it["vessel_id"], []),
            }
        )
    return sorted(out, key=lambda r: r["rank"])


def unpack(packed: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of pack()'s output as dicts again."""
    if not packed:
        return []
    cols, const = packed["columns"], packed["constants"]
    return [{**const, **dict(zip(cols, r, strict=True))} for r in packed["rows"]]


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

    # inline code, each element's exact text hashed into the policy
    styles = [
        drop_web_addresses(
            inline_css_images((leaflet_dir / "leaflet.css").read_text(), leaflet_dir)
        ),
        (STATIC / "app.css").read_text(),
    ]
    leaflet_js = drop_web_addresses(strip_source_maps((leaflet_dir / "leaflet.js").read_text()))
    scripts = [script_safe(leaflet_js)] + [
        script_safe((STATIC / name).read_text()) for name in PAGE_SCRIPTS
    ]
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
        events_total=data["events_total"],
        events_shown=len(data["events"]["rows"]),
        caps=data["caps"],
        rules=data["selection"]["rules"],
        vessels=sorted(
            data["vessels"], key=lambda v: (not v["watched"], -v["n_events"], v["mmsi"])
        ),
        vessel_pages=len(data["vessel_details"]),
        tracks_shown=len(data["tracks"]["tracks"]),
        layer_totals=data["layer_totals"],
        claims=data["claims"],
        parameters=reader.parameters(),
        meta=summary["meta"],
        sources=reader.sources(),
        documents=[
            {k: d[k] for k in ("title", "published", "path", "source_url")}
            for d in _documents(reader)
        ],
        vessel_label=vessel_label,
        fmt=_fmt,
        num=_num,
        points=points_text,
        as_list=_as_list,
        period_label=period_label,
        unverified_of=unverified_of,
        binding_text=binding_text,
        data_json=json_for_script(data),
        styles=styles,
        scripts=scripts,
        csp=report_csp(scripts, styles),
        **story_context(reader, data),
    )


def _documents(reader: WorkspaceReader) -> list[dict[str, Any]]:
    if not reader.has("documents"):
        return []
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
