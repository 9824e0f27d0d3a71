"""One vessel's file, and the risk ranking, read from a workspace (read-only).

Works on anything with ``arrow(sql, params) -> pa.Table`` (a Workspace, or the web server's
WorkspaceReader), so the CLI and the API show the same thing. A vessel is found by IMO, MMSI or
name (current or former, as broadcast); a name several vessels carried is an error listing them.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime
from typing import Any, Protocol

import pyarrow as pa

from darkcargo.errors import InputError
from darkcargo.sanctions.identity import flag_of_mmsi, norm_name
from darkcargo.sanctions.match import IDENTITY_SQL

JSON_COLUMNS = frozenset(
    {"contributions", "mmsis", "aliases", "extra", "fields", "details", "evidence"}
)
MAX_LIST = 100_000


class Reader(Protocol):
    def arrow(self, sql: str, params: Any = None) -> pa.Table: ...


def _tables(r: Reader) -> set[str]:
    t = r.arrow("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
    return set(t.column(0).to_pylist())


def json_rows(table: pa.Table) -> list[dict[str, Any]]:
    out = []
    for row in table.to_pylist():
        d: dict[str, Any] = {}
        for k, v in row.items():
            if k in JSON_COLUMNS and isinstance(v, str) and v[:1] in "[{":
                with contextlib.suppress(ValueError):
                    v = json.loads(v)
            elif isinstance(v, datetime | date):
                v = v.isoformat()
            elif isinstance(v, float) and v != v:
                v = None
            d[k] = v
        out.append(d)
    return out


def risk_ranking(
    r: Reader,
    limit: int = 20,
    offset: int = 0,
    sanctioned: bool | None = None,
    min_score: float = 0.0,
) -> dict[str, Any]:
    """Vessels ranked by risk: {total, limit, offset, preset, params_hash, items}."""
    if "vessel_risk" not in _tables(r):
        return {"total": 0, "limit": limit, "offset": offset, "items": []}
    where = ["score >= ?"]
    params: list[Any] = [float(min_score)]
    if sanctioned is not None:
        where.append("sanctioned = ?")
        params.append(bool(sanctioned))
    clause = " AND ".join(where)
    total = int(
        r.arrow(f"SELECT count(*) FROM vessel_risk WHERE {clause}", params).column(0)[0].as_py()
    )
    items = json_rows(
        r.arrow(
            f"SELECT * FROM vessel_risk WHERE {clause} ORDER BY rank LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
    )
    head = items[0] if items else {}
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "preset": head.get("preset"),
        "params_hash": head.get("params_hash"),
        "items": items,
    }


def find_vessel(r: Reader, ident: str) -> dict[str, Any]:
    """{vessel_id, imo, mmsis} for an IMO, MMSI or name; InputError when unknown or ambiguous."""
    tables = _tables(r)
    text = ident.strip()
    mmsis: list[int] = []
    imo: int | None = None
    labelled = re.fullmatch(r"(?i)(?:IMO|MMSI)\s*:?\s*(\d+)", text)
    if labelled:
        text = labelled.group(1)
    if text.isdigit() and len(text) == 7:
        imo = int(text)
        if "statics" in tables:
            mmsis = (
                r.arrow("SELECT DISTINCT mmsi FROM statics WHERE imo = ? ORDER BY mmsi", [imo])
                .column(0)
                .to_pylist()
            )
    elif text.isdigit() and len(text) <= 9:
        m = int(text)
        known = False
        for t in ("positions", "statics", "events"):
            if t in tables and r.arrow(f'SELECT 1 FROM "{t}" WHERE mmsi = ? LIMIT 1', [m]).num_rows:
                known = True
                break
        mmsis = [m] if known else []
    else:
        key = norm_name(text)
        if not key or "statics" not in tables:
            raise InputError(None, f"no vessel called {ident!r} in the workspace")
        names = r.arrow(
            "SELECT DISTINCT mmsi, name FROM statics WHERE name IS NOT NULL"
        ).to_pylist()
        mmsis = sorted({x["mmsi"] for x in names if norm_name(x["name"]) == key})
    if not mmsis:
        raise InputError(None, f"no vessel {ident!r} in the workspace (IMO, MMSI or AIS name)")
    # group MMSIs into vessels by IMO, as risk does
    if "vessel_risk" in tables:
        rows = r.arrow("SELECT vessel_id, imo, mmsis FROM vessel_risk").to_pylist()
        owners = {}
        for row in rows:
            for m in json.loads(row["mmsis"] or "[]"):
                owners[m] = row
        found = {owners[m]["vessel_id"]: owners[m] for m in mmsis if m in owners}
        if len(found) > 1:
            raise InputError(
                None,
                f"{ident!r} names {len(found)} vessels: {', '.join(sorted(found))}; "
                "ask by IMO or MMSI",
            )
        if found:
            row = next(iter(found.values()))
            return {
                "vessel_id": row["vessel_id"],
                "imo": row["imo"],
                "mmsis": json.loads(row["mmsis"]),
            }
    if imo is None and "statics" in tables:
        got = (
            r.arrow(
                "SELECT DISTINCT imo FROM statics WHERE mmsi IN (SELECT unnest(?)) AND imo IS NOT NULL",
                [mmsis],
            )
            .column(0)
            .to_pylist()
        )
        imo = got[0] if len(got) == 1 else None
    vid = f"IMO{imo}" if imo else f"MMSI{mmsis[0]}"
    return {"vessel_id": vid, "imo": imo, "mmsis": mmsis}


def vessel_file(r: Reader, ident: str, max_rows: int = 500) -> dict[str, Any]:
    """One vessel's file: identities over time, sanctions matches with their listing, port calls
    (observed and inferred), gaps, encounters, other events, radar matches, and its risk."""
    tables = _tables(r)
    v = find_vessel(r, ident)
    mmsis, imo = v["mmsis"], v["imo"]
    out: dict[str, Any] = dict(v)
    ids_sql = "mmsi IN (SELECT unnest(?))"
    if "statics" in tables:
        periods = r.arrow(
            f"SELECT * FROM ({IDENTITY_SQL}) WHERE mmsi IN (SELECT unnest(?)) ORDER BY first_seen",
            [mmsis],
        )
        out["identities"] = [{**p, "flag": flag_of_mmsi(p["mmsi"])} for p in json_rows(periods)]
    else:
        out["identities"] = []
    out["matches"] = []
    if "matches" in tables:
        out["matches"] = json_rows(
            r.arrow(
                "SELECT m.*, w.list, w.program, w.listed_on, w.name AS listed_name, w.imo AS listed_imo,"
                " w.mmsi AS listed_mmsi, w.flag AS listed_flag, w.callsign AS listed_callsign,"
                " w.source, w.source_ref FROM matches m LEFT JOIN watchlist w USING (entry_id) "
                f"WHERE m.{ids_sql} OR (m.imo IS NOT NULL AND m.imo = ?) "
                "ORDER BY m.strength DESC, m.valid_from",
                [mmsis, imo],
            )
        )
    events: list[dict[str, Any]] = []
    if "events" in tables:
        events = json_rows(
            r.arrow(
                "SELECT event_id, kind, mmsi, other_mmsi, start_ts, end_ts, lat, lon, end_lat, "
                "end_lon, port_id, details, confidence, preset FROM events "
                f"WHERE {ids_sql} OR other_mmsi IN (SELECT unnest(?)) ORDER BY start_ts LIMIT ?",
                [mmsis, mmsis, MAX_LIST],
            )
        )
    out["port_calls"] = [
        {**e, "call_kind": "observed"} for e in events if e["kind"] == "port_call"
    ][:max_rows]
    if "port_calls" in tables:
        inferred = json_rows(
            r.arrow(
                f"SELECT * FROM port_calls WHERE kind = 'inferred' AND {ids_sql} ORDER BY arrival_ts",
                [mmsis],
            )
        )
        out["port_calls"] += [{**c, "call_kind": "inferred"} for c in inferred][:max_rows]
    out["gaps"] = [e for e in events if e["kind"] == "gap"][:max_rows]
    out["encounters"] = [e for e in events if e["kind"] == "encounter"][:max_rows]
    out["other_events"] = [e for e in events if e["kind"] not in ("port_call", "gap", "encounter")][
        :max_rows
    ]
    out["event_counts"] = {
        k: sum(1 for e in events if e["kind"] == k) for k in sorted({e["kind"] for e in events})
    }
    out["detections"] = []
    if "detections" in tables:
        out["detections"] = json_rows(
            r.arrow(
                "SELECT * FROM detections WHERE matched_mmsi IN (SELECT unnest(?)) ORDER BY ts LIMIT ?",
                [mmsis, max_rows],
            )
        )
    out["risk"] = None
    if "vessel_risk" in tables:
        got = json_rows(r.arrow("SELECT * FROM vessel_risk WHERE vessel_id = ?", [v["vessel_id"]]))
        if got:
            total = r.arrow("SELECT count(*) FROM vessel_risk").column(0)[0].as_py()
            out["risk"] = {**got[0], "of": int(total)}
    return out
