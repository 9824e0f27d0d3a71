"""Vessel risk: a transparent additive score, each contribution pointing at its rows.

A vessel is an IMO number with every MMSI that broadcast it (a reflagged ship is one vessel),
or an MMSI without an IMO. Each rule of the preset (presets/*.toml) counts items from earlier
stages' tables (events, port_calls, shipments, detections, statics, matches), gives `points`
per item scaled by the item's confidence, and stops at `cap`. A contribution lists the rows it
counted: event ids, port-call ids, match ids, detection keys. Risk reads those tables and
writes only `vessel_risk`.

Rules read event details defensively: gaps may carry `reachable_ports`, port calls a 0-1 or a
1-4 confidence, and `stop` events a nearest port; absent fields fall back to positions and the
case's port coordinates.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from darkcargo.config import Case, load_case
from darkcargo.errors import ConfigError, WorkspaceError
from darkcargo.presets import PresetFiles, canonical_hash, check_sections, coerce_section
from darkcargo.sanctions.identity import imo_is_valid, mmsi_is_valid
from darkcargo.sanctions.match import MatchParams
from darkcargo.sanctions.schema import VESSEL_RISK
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

PRESETS_DIR = Path(__file__).parent / "presets"
DEFAULT_PRESET = "default"
FILES = PresetFiles(PRESETS_DIR, (DEFAULT_PRESET,), "risk preset")
KM_PER_NM = 1.852
RULES: tuple[str, ...] = (
    "sanctioned_strong",
    "sanctioned_medium",
    "origin_port_call",
    "origin_port_call_inferred",
    "destination_port_call",
    "gap_near_origin",
    "gap_disabling",
    "stop_near_origin",
    "encounter_listed",
    "encounter_dark",
    "encounter",
    "flag_change",
    "identity_change",
    "spoof_jump",
    "shared_mmsi",
    "loitering",
    "dark_detection",
)


@dataclass(frozen=True)
class RiskPreset:
    """A named, versioned set of rule weights and matching thresholds."""

    name: str
    version: int
    description: str
    rules: dict[str, dict[str, float]]
    matching: MatchParams
    source: str = ""

    def rule(self, name: str) -> dict[str, float]:
        return self.rules.get(name, {"points": 0.0, "cap": 0.0})

    def hash(self) -> str:
        blob = {
            "name": self.name,
            "version": self.version,
            "rules": self.rules,
            "matching": self.matching.__dict__,
        }
        return canonical_hash(blob, compact=False)  # as first stored: do not change


def load_preset(name_or_path: str | Path | None = None) -> RiskPreset:
    """A risk preset by built-in name (presets/<name>.toml) or TOML path."""
    path = FILES.path(name_or_path or DEFAULT_PRESET)
    data = FILES.resolve(path)
    head = data.get("preset", {})
    if "name" not in head or "version" not in head:
        raise ConfigError(f"{path}: [preset] needs name and version")
    check_sections(path, data, ("rules", "matching"))
    rules_in = data.get("rules", {})
    unknown = sorted(set(rules_in) - set(RULES))
    if unknown:
        raise ConfigError(
            f"{path}: unknown rule(s) {', '.join(unknown)}; rules: {', '.join(RULES)}"
        )
    rules: dict[str, dict[str, float]] = {}
    for r, values in rules_in.items():
        try:
            rules[r] = {k: float(v) for k, v in values.items()}
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: rules.{r}: every value must be a number ({exc})") from exc
        if "points" not in rules[r] or "cap" not in rules[r]:
            raise ConfigError(f"{path}: rules.{r} needs points and cap")
    return RiskPreset(
        name=str(head["name"]),
        version=int(head["version"]),
        description=str(head.get("description", "")),
        rules=rules,
        matching=coerce_section(path, "matching", MatchParams, data.get("matching", {})),
        source=str(path),
    )


# -- inputs -----------------------------------------------------------------------------------


def _has_rows(ws: Workspace, table: str) -> bool:
    try:
        return bool(ws.scalar(f'SELECT count(*) > 0 FROM (SELECT 1 FROM "{table}" LIMIT 1)'))
    except Exception:
        return False


def _has_column(ws: Workspace, table: str, column: str) -> bool:
    return bool(
        ws.scalar(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
            "AND column_name = ?",
            [table, column],
        )
    )


def _hav_km(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """SQL great-circle distance in km."""
    return (
        f"(2 * 6371.0088 * asin(sqrt(pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * "
        f"pow(sin(radians({lon2} - {lon1}) / 2), 2))))"
    )


def _ports_cte(ports: list[tuple[str, float, float]]) -> tuple[str, list[Any]]:
    if not ports:
        return (
            "SELECT NULL::VARCHAR AS pid, NULL::DOUBLE AS plat, NULL::DOUBLE AS plon WHERE false",
            [],
        )
    values = ", ".join("(?, ?, ?)" for _ in ports)
    params: list[Any] = [x for p in ports for x in p]
    return f"SELECT * FROM (VALUES {values}) AS t(pid, plat, plon)", params


CONF = "CASE WHEN confidence IS NULL THEN 1.0 WHEN confidence > 1 THEN confidence / 4.0 ELSE confidence END"


@dataclass
class _Item:
    """Rows one rule counted for one MMSI."""

    count: int = 0
    raw: float = 0.0
    rows: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)


Items = dict[str, dict[int, _Item]]  # rule -> mmsi -> item


def _add(items: Items, rule: str, mmsi: int, pts: float, kind: str, ids: list[str], n: int) -> None:
    it = items.setdefault(rule, {}).setdefault(int(mmsi), _Item())
    it.count += n
    it.raw += pts
    it.rows[kind].extend(i for i in ids if i is not None)


def _events_rules(
    ws: Workspace, preset: RiskPreset, case: Case, items: Items, dark: set[int]
) -> None:
    origin = [(p, case.port(p).lat, case.port(p).lon) for p in case.origin_ports]
    origin_ids = [p for p, _, _ in origin]
    dest_ids = list(case.destination_ports)
    if not _has_rows(ws, "events"):
        return
    # port calls (observed) at origin and destination ports
    for rule, ports in (("origin_port_call", origin_ids), ("destination_port_call", dest_ids)):
        w = preset.rule(rule)["points"]
        if not ports or w == 0:
            continue
        t = ws.arrow(
            f"SELECT mmsi, count(*) AS n, sum({CONF}) AS c, list(event_id ORDER BY start_ts) AS ids "
            "FROM events WHERE kind IN ('port_call', 'port_presence') "
            "AND port_id IN (SELECT unnest(?)) GROUP BY mmsi",
            [ports],
        ).to_pylist()
        for r in t:
            _add(items, rule, r["mmsi"], w * float(r["c"]), "events", r["ids"], r["n"])
    # gaps from which an origin port was reachable
    g = preset.rule("gap_near_origin")
    cte, params = _ports_cte(origin)
    speed_kmh = g.get("max_speed_kn", 16.0) * KM_PER_NM
    d0 = _hav_km("e.lat", "e.lon", "p.plat", "p.plon")
    d1 = _hav_km("e.end_lat", "e.end_lon", "p.plat", "p.plon")
    hours = "(epoch(e.end_ts) - epoch(e.start_ts)) / 3600.0"
    reach = "(try_cast(json_extract(e.details, '$.reachable_ports') AS VARCHAR[]))"
    gaps = ws.arrow(
        f"""
        WITH p AS ({cte}),
        g AS (SELECT * FROM events WHERE kind = 'gap'),
        near AS (
            SELECT e.event_id, e.mmsi, e.start_ts, min(least({d0}, {d1})) AS km,
                   arg_min(p.pid, least({d0}, {d1})) AS port
            FROM g e, p
            WHERE e.lat IS NOT NULL AND e.end_lat IS NOT NULL
              AND least({d0}, {d1}) <= ?
              AND ({d0} + {d1}) / ? + ? <= {hours}
            GROUP BY e.event_id, e.mmsi, e.start_ts
        ),
        listed AS (  -- the detector's own reachable ports, still within near_km of an end
            SELECT e.event_id, e.mmsi, e.start_ts, min(least({d0}, {d1})) AS km,
                   arg_min(p.pid, least({d0}, {d1})) AS port
            FROM g e JOIN p ON list_contains({reach}, p.pid)
            WHERE list_has_any({reach}, ?::VARCHAR[])
              AND (e.lat IS NULL OR e.end_lat IS NULL OR least({d0}, {d1}) <= ?)
            GROUP BY e.event_id, e.mmsi, e.start_ts
        ),
        hit AS (SELECT * FROM near UNION ALL SELECT * FROM listed WHERE event_id NOT IN (SELECT event_id FROM near))
        SELECT g.event_id, g.mmsi, g.start_ts, hit.port, hit.km,
               coalesce(json_extract_string(g.details, '$.intentional_disabling') = 'true', false) AS disabling
        FROM g LEFT JOIN hit USING (event_id)
        ORDER BY g.mmsi, g.start_ts
        """,
        [
            *params,
            g.get("near_km", 150.0),
            speed_kmh,
            g.get("min_dwell_hours", 6.0),
            origin_ids or [""],
            g.get("near_km", 150.0),
        ],
    ).to_pydict()
    wd = preset.rule("gap_disabling")["points"]
    ports_hit: dict[int, set[str]] = defaultdict(set)
    for eid, m, port, disabling in zip(
        gaps["event_id"], gaps["mmsi"], gaps["port"], gaps["disabling"], strict=True
    ):
        if port is not None:
            pts = g["points"] + (g.get("disabling_bonus", 0.0) if disabling else 0.0)
            _add(items, "gap_near_origin", m, pts, "events", [eid], 1)
            ports_hit[int(m)].add(port)
            dark.add(int(m))
        elif disabling and wd:
            _add(items, "gap_disabling", m, wd, "events", [eid], 1)
    for m, hit in ports_hit.items():
        items["gap_near_origin"][m].notes.append("reachable: " + ", ".join(sorted(hit)))
    # stops near an origin port that are not port calls (the `stop` kind, when present)
    s = preset.rule("stop_near_origin")
    if s["points"] and origin_ids:
        port_expr = (
            "coalesce(e.port_id, json_extract_string(e.details, '$.nearest_port'), "
            "json_extract_string(e.details, '$.port'))"
        )
        km_expr = (
            "coalesce(try_cast(json_extract_string(e.details, '$.nearest_port_km') AS DOUBLE), "
            "try_cast(json_extract_string(e.details, '$.port_km') AS DOUBLE), "
            "try_cast(json_extract_string(e.details, '$.distance_km') AS DOUBLE), 0)"
        )
        t = ws.arrow(
            f"""SELECT e.mmsi, count(*) AS n, sum({CONF.replace("confidence", "e.confidence")}) AS c,
                   list(e.event_id) AS ids
            FROM events e
            WHERE e.kind = 'stop' AND {port_expr} IN (SELECT unnest(?)) AND {km_expr} <= ?
              AND NOT EXISTS (SELECT 1 FROM events c WHERE c.kind = 'port_call'
                  AND c.mmsi = e.mmsi AND c.start_ts <= e.end_ts AND c.end_ts >= e.start_ts)
            GROUP BY e.mmsi""",
            [origin_ids, s.get("near_km", 10.0)],
        ).to_pylist()
        for r in t:
            _add(
                items,
                "stop_near_origin",
                r["mmsi"],
                s["points"] * float(r["c"]),
                "events",
                r["ids"],
                r["n"],
            )
    # identity changes, one per act: a reflag reports flag, call sign and name changes at one
    # moment; it counts once, as a flag change when the flag is among them
    t = ws.arrow(
        f"""WITH acts AS (
            SELECT mmsi, CASE WHEN bool_or(json_extract_string(details, '$.field') = 'flag')
                              THEN 'flag_change' ELSE 'identity_change' END AS rule,
                   max({CONF}) AS c, list(event_id ORDER BY event_id) AS ids, min(start_ts) AS t
            FROM events WHERE kind = 'identity_change'
            GROUP BY mmsi, start_ts, end_ts, other_mmsi)
        SELECT mmsi, rule, count(*) AS n, sum(c) AS c, flatten(list(ids ORDER BY t)) AS ids
        FROM acts GROUP BY ALL
        UNION ALL
        SELECT mmsi, kind AS rule, count(*) AS n, sum({CONF}) AS c,
               list(event_id ORDER BY start_ts) AS ids
        FROM events WHERE kind IN ('spoof_jump', 'shared_mmsi', 'loitering')
        GROUP BY ALL"""
    ).to_pylist()
    for r in t:
        w = preset.rule(r["rule"])["points"]
        if w:
            _add(items, r["rule"], r["mmsi"], w * float(r["c"]), "events", r["ids"], r["n"])


def _port_calls_rules(ws: Workspace, preset: RiskPreset, case: Case, items: Items) -> None:
    """Inferred calls (port_calls kind 'inferred') at the case's origin and destination ports."""
    if not _has_rows(ws, "port_calls"):
        return
    shipments: dict[str, list[str]] = defaultdict(list)
    if _has_rows(ws, "shipments"):
        for r in ws.arrow(
            "SELECT shipment_id, origin_call FROM shipments WHERE origin_call IS NOT NULL"
        ).to_pylist():
            shipments[r["origin_call"]].append(r["shipment_id"])
    for rule, ports in (
        ("origin_port_call_inferred", list(case.origin_ports)),
        ("destination_port_call", list(case.destination_ports)),
    ):
        w = preset.rule(rule)["points"]
        if not ports or not w:
            continue
        rows = ws.arrow(
            f"SELECT call_id, mmsi, {CONF} AS c FROM port_calls WHERE kind = 'inferred' "
            "AND port_id IN (SELECT unnest(?)) ORDER BY mmsi, arrival_ts",
            [ports],
        ).to_pylist()
        for r in rows:
            _add(items, rule, r["mmsi"], w * float(r["c"]), "port_calls", [r["call_id"]], 1)
            if shipments.get(r["call_id"]):
                items[rule][int(r["mmsi"])].rows["shipments"].extend(shipments[r["call_id"]])


def _match_rules(ws: Workspace, preset: RiskPreset, items: Items) -> set[int]:
    """Sanctions matches: strong and medium score once per MMSI; weak ones are shown, 0 points."""
    listed: set[int] = set()
    if not _has_rows(ws, "matches"):
        return listed
    t = ws.arrow(
        "SELECT m.mmsi, m.kind, m.match_id, m.entry_id, w.list, w.program FROM matches m "
        "LEFT JOIN watchlist w USING (entry_id) ORDER BY m.strength DESC, m.entry_id"
    ).to_pylist()
    for r in t:
        kind = r["kind"] or "strong"
        rule = {"strong": "sanctioned_strong", "medium": "sanctioned_medium"}.get(kind)
        m = int(r["mmsi"])
        if rule is None:
            _add(items, "weak_name_match", m, 0.0, "matches", [r["match_id"]], 1)
            continue
        listed.add(m)
        have = items.get(rule, {}).get(m)
        pts = 0.0 if have is not None else preset.rule(rule)["points"]
        _add(items, rule, m, pts, "matches", [r["match_id"]], 1)
        items[rule][m].rows["watchlist"].append(r["entry_id"])
        label = f"{r['list']} {r['program'] or ''}".strip()
        if label not in items[rule][m].notes:
            items[rule][m].notes.append(label)
    return listed


def _encounter_rules(
    ws: Workspace, preset: RiskPreset, items: Items, listed: set[int], dark: set[int]
) -> None:
    if not _has_rows(ws, "events"):
        return
    t = ws.arrow(
        "SELECT event_id, mmsi AS a, other_mmsi AS b FROM events WHERE kind = 'encounter' "
        "AND other_mmsi IS NOT NULL UNION ALL SELECT event_id, other_mmsi, mmsi FROM events "
        "WHERE kind = 'encounter' AND other_mmsi IS NOT NULL"
    ).to_pylist()
    for r in t:
        a, b = int(r["a"]), int(r["b"])
        rule = "encounter_listed" if b in listed else "encounter_dark" if b in dark else "encounter"
        w = preset.rule(rule)["points"]
        if w:
            _add(items, rule, a, w, "events", [r["event_id"]], 1)
            items[rule][a].rows["other_mmsi"].append(str(b))


def _detection_rules(ws: Workspace, preset: RiskPreset, items: Items) -> None:
    """Dark radar detections of the vessel's length, inside one of its gaps, near where the gap
    began or ended and reachable from both ends. A target is one ship: when several vessels
    could be it, each gets its share (points / candidates)."""
    d = preset.rule("dark_detection")
    if not d["points"] or not _has_rows(ws, "detections") or not _has_rows(ws, "events"):
        return
    speed = d.get("max_speed_kn", 16.0) * KM_PER_NM
    tol = d.get("length_tolerance", 0.3)
    near = d.get("near_km", 150.0)
    from_start = _hav_km("g.lat", "g.lon", "x.lat", "x.lon")
    to_end = _hav_km("x.lat", "x.lon", "g.end_lat", "g.end_lon")
    t = ws.arrow(
        f"""
        WITH len AS (SELECT mmsi, arg_max(length_m, ts) AS length_m FROM statics
                     WHERE length_m > 0 GROUP BY mmsi),
        cand AS (
            SELECT g.mmsi, g.event_id,
                   coalesce(x.detection_id, x.scene_id || ':' || x.row || ':' || x.col) AS det
            FROM events g JOIN len USING (mmsi)
            JOIN detections x ON x.dark AND x.ts > g.start_ts AND x.ts < g.end_ts
            WHERE g.kind = 'gap' AND x.length_m IS NOT NULL AND x.lat IS NOT NULL
              AND abs(x.length_m - len.length_m) <= ? * len.length_m
              AND g.lat IS NOT NULL AND g.end_lat IS NOT NULL
              AND least({from_start}, {to_end}) <= ?
              AND {from_start} <= (epoch(x.ts) - epoch(g.start_ts)) / 3600.0 * ?
              AND {to_end} <= (epoch(g.end_ts) - epoch(x.ts)) / 3600.0 * ?
        ),
        shared AS (SELECT det, count(DISTINCT mmsi) AS n FROM cand GROUP BY det),
        per AS (SELECT DISTINCT c.mmsi, c.det, s.n FROM cand c JOIN shared s USING (det)),
        gaps AS (SELECT mmsi, list(DISTINCT event_id) AS gaps FROM cand GROUP BY mmsi)
        SELECT per.mmsi, list(per.det ORDER BY per.det) AS ids, sum(1.0 / per.n) AS share,
               max(per.n) AS most, any_value(gaps.gaps) AS gaps
        FROM per JOIN gaps USING (mmsi)
        GROUP BY per.mmsi
        """,
        [tol, near, speed, speed],
    ).to_pylist()
    for r in t:
        pts = d["points"] * float(r["share"])
        _add(items, "dark_detection", r["mmsi"], pts, "detections", r["ids"], len(r["ids"]))
        it = items["dark_detection"][int(r["mmsi"])]
        it.rows["events"].extend(r["gaps"])
        if r["most"] > 1:
            it.notes.append(f"a target shared by up to {r['most']} vessels: points split")


# -- vessels ----------------------------------------------------------------------------------


def _vessels(
    ws: Workspace, mmsis_with_items: set[int]
) -> tuple[dict[int, str], dict[str, dict[str, Any]]]:
    """MMSI -> vessel id, and per vessel: imo, mmsis, latest mmsi and name."""
    seen: dict[int, Any] = {}
    if _has_rows(ws, "positions"):
        for r in ws.arrow("SELECT mmsi, max(ts) AS last FROM positions GROUP BY mmsi").to_pylist():
            seen[int(r["mmsi"])] = r["last"]
    idents: dict[int, dict[str, Any]] = {}
    if _has_rows(ws, "statics"):
        for r in ws.arrow(
            "SELECT mmsi, arg_max(imo, ts) FILTER (WHERE imo IS NOT NULL) AS imo, "
            "arg_max(name, ts) FILTER (WHERE name IS NOT NULL) AS name, max(ts) AS last "
            "FROM statics GROUP BY mmsi"
        ).to_pylist():
            idents[int(r["mmsi"])] = r
            seen.setdefault(int(r["mmsi"]), r["last"])
    vessel_of: dict[int, str] = {}
    vessels: dict[str, dict[str, Any]] = {}
    for m, last in seen.items():
        if not mmsi_is_valid(m) and m not in mmsis_with_items:
            continue
        info = idents.get(m, {})
        imo = info.get("imo")
        vid = f"IMO{imo}" if imo_is_valid(imo) else f"MMSI{m}"
        vessel_of[m] = vid
        v = vessels.setdefault(
            vid, {"imo": imo if imo_is_valid(imo) else None, "mmsis": [], "last": None}
        )
        v["mmsis"].append(m)
        if v["last"] is None or (last is not None and last > v["last"]):
            v["last"], v["mmsi"], v["name"] = last, m, info.get("name")
    for m in mmsis_with_items - set(vessel_of):
        vid = f"MMSI{m}"
        vessel_of[m] = vid
        vessels[vid] = {"imo": None, "mmsis": [m], "mmsi": m, "name": None, "last": None}
    return vessel_of, vessels


WHY = {
    "sanctioned_strong": "IMO or MMSI on a sanctions list",
    "sanctioned_medium": "listed name with flag or call sign agreeing",
    "origin_port_call": "observed calls (or presences) at origin ports",
    "origin_port_call_inferred": "inferred calls at origin ports",
    "destination_port_call": "calls at destination ports",
    "gap_near_origin": "AIS gaps from which an origin port was reachable",
    "gap_disabling": "other gaps meeting the intentional-disabling test",
    "stop_near_origin": "stops near origin ports outside port calls",
    "encounter_listed": "meetings with sanctioned vessels",
    "encounter_dark": "meetings with vessels dark near origin ports",
    "encounter": "other meetings at sea",
    "flag_change": "flag changes (a reflag with its new call sign and name is one)",
    "identity_change": "name, call sign, IMO or type changes (one per act)",
    "spoof_jump": "position jumps (spoofing)",
    "shared_mmsi": "MMSI shared by two transmitters",
    "loitering": "loitering at sea",
    "dark_detection": "dark radar detections of its length inside its gaps",
    "weak_name_match": "name alone resembles a listed vessel (shown, not scored)",
}


@dataclass
class RiskReport:
    preset: str
    params_hash: str
    vessels: int
    scored: int  # vessels with a score above 0
    table: pa.Table
    stored: bool = True  # False: computed on a read-only workspace, not written


def compute_risk(
    ws: Workspace, preset: RiskPreset | None = None, case: Case | None = None
) -> pa.Table:
    """The `vessel_risk` rows (not written): one per vessel, ranked."""
    preset = preset or load_preset()
    case = case or load_case()
    items: Items = {}
    dark: set[int] = set()
    listed = _match_rules(ws, preset, items)
    _events_rules(ws, preset, case, items, dark)
    _port_calls_rules(ws, preset, case, items)
    _encounter_rules(ws, preset, items, listed, dark)
    _detection_rules(ws, preset, items)
    with_items = {m for per in items.values() for m in per}
    vessel_of, vessels = _vessels(ws, with_items)
    per_vessel: dict[str, dict[str, _Item]] = defaultdict(dict)
    for rule, per in items.items():
        for m, it in per.items():
            vid = vessel_of[m]
            cur = per_vessel[vid].get(rule)
            if cur is None:
                per_vessel[vid][rule] = it
                continue
            if rule.startswith("sanctioned_"):
                it.raw = 0.0  # counted once per vessel
            cur.count += it.count
            cur.raw += it.raw
            for k, ids in it.rows.items():
                cur.rows[k].extend(ids)
            cur.notes.extend(n for n in it.notes if n not in cur.notes)
    ph = preset.hash()
    order = {r: i for i, r in enumerate((*RULES, "weak_name_match"))}
    out: list[dict[str, Any]] = []
    for vid, v in vessels.items():
        contribs: list[dict[str, Any]] = []
        score = 0.0
        for rule, it in sorted(per_vessel.get(vid, {}).items(), key=lambda kv: order[kv[0]]):
            cap = preset.rule(rule)["cap"] if rule in RULES else 0.0
            pts = round(min(it.raw, cap), 3)
            score += pts
            rows = {k: list(dict.fromkeys(ids)) for k, ids in it.rows.items() if ids}
            contribs.append(
                {
                    "rule": rule,
                    "points": pts,
                    "count": it.count,
                    "per_item": preset.rule(rule)["points"] if rule in RULES else 0.0,
                    "cap": cap,
                    "capped": it.raw > cap,
                    "why": WHY.get(rule, rule) + (f" ({'; '.join(it.notes)})" if it.notes else ""),
                    "rows": rows,
                }
            )
        contribs.sort(key=lambda c: -float(c["points"]))
        out.append(
            {
                "vessel_id": vid,
                "mmsi": v.get("mmsi"),
                "imo": v["imo"],
                "mmsis": json.dumps(sorted(v["mmsis"])),
                "name": v.get("name"),
                "score": round(score, 3),
                "sanctioned": any(
                    c["rule"] in ("sanctioned_strong", "sanctioned_medium") for c in contribs
                ),
                "contributions": json.dumps(contribs),
                "preset": f"{preset.name}@{preset.version}",
                "params_hash": ph,
            }
        )
    out.sort(key=lambda r: (-r["score"], r["vessel_id"]))
    for i, r in enumerate(out, start=1):
        r["rank"] = i
    cols = {n: [r.get(n) for r in out] for n in VESSEL_RISK.names}
    return pa.table(cols, schema=VESSEL_RISK)


def inputs_fingerprint(ws: Workspace, preset: RiskPreset, case: Case) -> str:
    """Changes when any table risk reads, the preset or the case's ports change."""
    parts = [
        preset.hash(),
        case.name,
        ",".join(case.origin_ports),
        ",".join(case.destination_ports),
    ]
    for table, key in (
        ("events", "event_id"),
        ("port_calls", "call_id"),
        ("matches", "match_id"),
        ("detections", "scene_id"),
        ("statics", "mmsi"),
        ("positions", "mmsi"),
    ):
        if not _has_column(ws, table, key):
            parts.append(f"{table}:-")
            continue
        row = ws.con.execute(
            f'SELECT count(*), coalesce(sum(hash("{key}")), 0) FROM "{table}"'
        ).fetchall()[0]
        parts.append(f"{table}:{row[0]}:{row[1]}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _report(p: RiskPreset, table: pa.Table, stored: bool = True) -> RiskReport:
    scores = table.column("score").to_pylist()
    return RiskReport(
        f"{p.name}@{p.version}",
        p.hash(),
        table.num_rows,
        sum(1 for x in scores if x > 0),
        table,
        stored,
    )


def build_risk(
    workspace: Workspace | str | Path,
    preset: RiskPreset | str | None = None,
    case: Case | str | None = None,
    force: bool = False,
) -> RiskReport:
    """Compute and store `vessel_risk` (skipped when nothing it reads has changed). A workspace
    that cannot be opened for writing (a dashboard holds it) is scored without storing."""
    p = preset if isinstance(preset, RiskPreset) else load_preset(preset)
    c = case if isinstance(case, Case) else load_case(case)
    if not isinstance(workspace, Workspace):
        try:
            opened = Workspace(workspace, must_exist=True)
        except WorkspaceError:
            with Workspace(workspace, read_only=True) as ro:
                return _report(p, compute_risk(ro, p, c), stored=False)
        try:
            return build_risk(opened, p, c, force)
        finally:
            opened.close()
    ws = workspace
    if ws.read_only:
        return _report(p, compute_risk(ws, p, c), stored=False)
    fp = inputs_fingerprint(ws, p, c)
    if not force and ws.get_meta("risk_fingerprint") == fp:
        return _report(p, ws.arrow("SELECT * FROM vessel_risk ORDER BY rank"))
    table = compute_risk(ws, p, c)
    with ws.transaction():
        ws.replace("vessel_risk", table)
        ws.set_meta("risk_fingerprint", fp)
        ws.set_meta("risk_preset", f"{p.name}@{p.version}")
        ws.set_meta("risk_params_hash", p.hash())
    return _report(p, table)
