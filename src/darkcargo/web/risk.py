"""API routes for vessel risk: the ranking and one vessel's score with its evidence.

Read-only, through the app's WorkspaceReader; every parameter is range-checked and every value
reaches SQL as a parameter. The page draws these in its "sanctions and risk" section.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam

from darkcargo.errors import InputError
from darkcargo.sanctions.dossier import find_vessel, risk_ranking, vessel_file

MAX_PAGE = 10_000

router = APIRouter(tags=["risk"])


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


@router.get("/api/vessels/{vessel_id}/risk")
def vessel_risk(
    request: Request,
    vessel_id: Annotated[int, PathParam(ge=1, le=999_999_999, description="MMSI or IMO")],
) -> dict[str, Any]:
    """One vessel's risk (score, rank, contributions with their rows) and its sanctions matches
    with the listing each came from."""
    reader = request.app.state.reader
    try:
        found = find_vessel(reader, str(vessel_id))
        doc = vessel_file(reader, str(vessel_id), max_rows=1)
    except InputError:
        raise HTTPException(
            404, f"no vessel with MMSI or IMO {vessel_id} in this workspace"
        ) from None
    r = doc["risk"] or {}
    return {
        "vessel_id": found["vessel_id"],
        "imo": found["imo"],
        "mmsis": found["mmsis"],
        "score": r.get("score"),
        "rank": r.get("rank"),
        "of": r.get("of"),
        "sanctioned": r.get("sanctioned"),
        "preset": r.get("preset"),
        "params_hash": r.get("params_hash"),
        "contributions": r.get("contributions", []),
        "matches": doc["matches"],
    }
