"""API routes for vessel risk: the ranking and one vessel's score with its evidence.

Read-only, through the app's WorkspaceReader; every parameter is range-checked and every value
reaches SQL as a parameter. The page draws these in its ranked list beside the map and in the
vessel page's "Sanctions and risk" panel; the report embeds the same shapes (risk_for_report).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Protocol

import pyarrow as pa
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam

from darkcargo.errors import InputError
from darkcargo.sanctions.dossier import find_vessel, json_rows, risk_ranking
from darkcargo.web.queries import rows

MAX_PAGE = 10_000
MAX_SCORES = 100_000
# The few columns of an event, a radar target and a listing a contribution's rows are shown by.
EVENT_BRIEF = (
    "event_id, kind, mmsi, other_mmsi, start_ts, end_ts, lat, lon, end_lat, end_lon, port_id, "
    "confidence"
)
DETECTION_BRIEF = (
    "coalesce(detection_id, scene_id || ':' || row || ':' || col) AS key, detection_id, "
    "scene_id, ts, lat, lon, length_m, port_id, dark, matched_mmsi, nearest_mmsi, nearest_ais_m"
)
MATCH_SQL = (
    "SELECT m.*, w.list, w.program, w.listed_on, w.name AS listed_name, w.imo AS listed_imo,"
    " w.mmsi AS listed_mmsi, w.flag AS listed_flag, w.callsign AS listed_callsign,"
    " w.source, w.source_ref FROM matches m LEFT JOIN watchlist w USING (entry_id) "
    "WHERE m.mmsi IN (SELECT unnest(?)) OR (m.imo IS NOT NULL AND m.imo IN (SELECT unnest(?))) "
    "ORDER BY m.strength DESC, m.valid_from, m.match_id"
)

router = APIRouter(tags=["risk"])


class Reader(Protocol):
    def arrow(self, sql: str, params: Any = None) -> pa.Table: ...

    def has(self, table: str) -> bool: ...


@router.get("/api/risk")
def risk(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sanctioned: Annotated[
        bool | None, Query(description="Only vessels with (true) or without (false) a match.")
    ] = None,
    min_score: Annotated[float, Query(ge=0, le=1_000_000)] = 0.0,
) -> dict[str, Any]:
    """Vessels ranked by risk score (highest first), each with its contributions and the rows
    behind them; paged. Empty until `darkcargo vessels` (or the demo) has computed risk."""
    return risk_ranking(request.app.state.reader, limit, offset, sanctioned, min_score)


@router.get("/api/risk/scores")
def risk_scores(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_SCORES)] = MAX_SCORES,
    min_score: Annotated[float, Query(ge=0, le=1_000_000)] = 0.0,
) -> dict[str, Any]:
    """Every vessel's score, rank and MMSIs without the evidence (what the vessel list sorts
    by), highest first: {total, preset, params_hash, items}."""
    return scores(request.app.state.reader, limit, min_score)


@router.get("/api/vessels/{vessel_id}/risk")
def vessel_risk(
    request: Request,
    vessel_id: Annotated[int, PathParam(ge=1, le=999_999_999, description="MMSI or IMO")],
) -> dict[str, Any]:
    """One vessel's risk (score, rank, contributions with their rows) and its sanctions matches
    with the listing each came from; the events and radar targets its contributions name, in
    brief, so that each can be shown where it happened."""
    reader = request.app.state.reader
    try:
        found = find_vessel(reader, str(vessel_id))
    except InputError:
        raise HTTPException(
            404, f"no vessel with MMSI or IMO {vessel_id} in this workspace"
        ) from None
    row = risk_row(reader, found["vessel_id"])
    doc = risk_doc(found, row, total_scored(reader))
    doc["matches"] = vessel_matches(reader, found["mmsis"], found["imo"])
    doc["events"] = referenced_events(reader, [row] if row else [])
    doc["detections"] = referenced_detections(reader, [row] if row else [])
    return doc


# -- read side, shared with the report ------------------------------------------------------


def total_scored(reader: Reader) -> int:
    if not reader.has("vessel_risk"):
        return 0
    return int(reader.arrow("SELECT count(*) FROM vessel_risk").column(0)[0].as_py())


def scores(reader: Reader, limit: int = MAX_SCORES, min_score: float = 0.0) -> dict[str, Any]:
    """Ranked scores without contributions."""
    if not reader.has("vessel_risk"):
        return {"total": 0, "preset": None, "params_hash": None, "items": []}
    items = json_rows(
        reader.arrow(
            "SELECT vessel_id, mmsi, imo, mmsis, name, score, rank, sanctioned, preset, "
            "params_hash FROM vessel_risk WHERE score >= ? ORDER BY rank LIMIT ?",
            [float(min_score), int(limit)],
        )
    )
    head = (
        reader.arrow(
            "SELECT preset, params_hash FROM vessel_risk ORDER BY rank LIMIT 1"
        ).to_pylist()[:1]
        or [{}]
    )[0]
    for it in items:
        it.pop("preset", None)
        it.pop("params_hash", None)
    return {
        "total": total_scored(reader),
        "preset": head.get("preset"),
        "params_hash": head.get("params_hash"),
        "items": items,
    }


def risk_row(reader: Reader, vessel_id: str) -> dict[str, Any] | None:
    if not reader.has("vessel_risk"):
        return None
    got = json_rows(reader.arrow("SELECT * FROM vessel_risk WHERE vessel_id = ?", [vessel_id]))
    return got[0] if got else None


def risk_doc(found: dict[str, Any], row: dict[str, Any] | None, of: int) -> dict[str, Any]:
    """The API's shape of one vessel's risk (score and rank null when not computed)."""
    r = row or {}
    return {
        "vessel_id": found["vessel_id"],
        "imo": found["imo"],
        "mmsis": found["mmsis"],
        "name": r.get("name"),
        "score": r.get("score"),
        "rank": r.get("rank"),
        "of": of if row else None,
        "sanctioned": r.get("sanctioned"),
        "preset": r.get("preset"),
        "params_hash": r.get("params_hash"),
        "contributions": r.get("contributions") or [],
    }


def vessel_matches(reader: Reader, mmsis: list[int], imo: int | None) -> list[dict[str, Any]]:
    """A vessel's sanctions matches, each with the listing it matched (list, programme, date,
    listed name and identifiers, the file and place it was read from)."""
    if not reader.has("matches") or not reader.has("watchlist"):
        return []
    return rows(reader.arrow(MATCH_SQL, [list(mmsis), [imo] if imo else []]))


def _ids(risk_rows: list[dict[str, Any]], kind: str) -> list[str]:
    out: dict[str, None] = {}
    for r in risk_rows:
        for c in r.get("contributions") or []:
            for i in (c.get("rows") or {}).get(kind) or []:
                out[str(i)] = None
    return list(out)


def _referenced(
    reader: Reader, risk_rows: list[dict[str, Any]], table: str, sql: str
) -> list[dict[str, Any]]:
    """The rows of `table` the contributions of `risk_rows` name; `sql` selects them by the
    list of ids given as its one parameter."""
    ids = _ids(risk_rows, table)
    if not ids or not reader.has(table):
        return []
    return rows(reader.arrow(sql, [ids]))


def referenced_events(reader: Reader, risk_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events the contributions of `risk_rows` name, in brief (kind, time, place)."""
    return _referenced(
        reader,
        risk_rows,
        "events",
        f"SELECT {EVENT_BRIEF} FROM events WHERE event_id IN (SELECT unnest(?)) "
        "ORDER BY start_ts, event_id",
    )


def referenced_detections(reader: Reader, risk_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The radar targets the contributions of `risk_rows` name (keyed as risk keys them)."""
    return _referenced(
        reader,
        risk_rows,
        "detections",
        f"SELECT * FROM (SELECT {DETECTION_BRIEF} FROM detections) "
        "WHERE key IN (SELECT unnest(?)) ORDER BY ts, key",
    )


def risk_for_report(
    reader: Reader, page_mmsis: list[int], top: int, max_scores: int
) -> dict[str, Any]:
    """What the single-file report embeds: the risk rows (with contributions) of the `top`
    vessels and of every vessel with a page in the report, their matches with the listing, the
    radar targets they name, and every vessel's score without evidence (at most `max_scores`,
    highest first) so that lists sort by risk."""
    if not reader.has("vessel_risk"):
        return {"total": 0, "items": [], "scores": [], "matches": {}, "detections": []}
    owners: dict[int, str] = {}
    for r in reader.arrow("SELECT vessel_id, mmsis FROM vessel_risk").to_pylist():
        for m in json.loads(r["mmsis"] or "[]"):
            owners[int(m)] = r["vessel_id"]
    wanted = sorted({owners[m] for m in page_mmsis if m in owners})
    items = json_rows(
        reader.arrow(
            "SELECT * FROM vessel_risk WHERE rank <= ? OR vessel_id IN (SELECT unnest(?)) "
            "ORDER BY rank",
            [int(top), wanted],
        )
    )
    matches = {
        it["vessel_id"]: found
        for it in items
        if (found := vessel_matches(reader, it["mmsis"] or [], it["imo"]))
    }
    ranked = scores(reader, max_scores, min_score=1e-9)
    head = items[0] if items else {}
    return {
        "total": total_scored(reader),
        "top": top,
        "preset": head.get("preset"),
        "params_hash": head.get("params_hash"),
        "items": items,
        "scores": ranked["items"],
        "scores_total": int(
            reader.arrow("SELECT count(*) FROM vessel_risk WHERE score > 0").column(0)[0].as_py()
        ),
        "matches": matches,
        "detections": referenced_detections(reader, items),
    }
