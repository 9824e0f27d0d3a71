"""API routes of the dashboard's exploring tools: vessel search, the events table (sorted,
filtered, paged on the server) and its CSV download, and vessel profiles.

Included by create_app (darkcargo.web.app). Every parameter is range-checked by FastAPI, so a
bad value is a 422 with a message, never a 500; every value reaches SQL as a bound parameter
(see explore_queries).
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import StreamingResponse

from darkcargo.web.app import KIND_PATTERN, parse_bbox
from darkcargo.web.explore_queries import (
    EVENT_SORTS,
    EventFilter,
    events_csv,
    events_page,
    search_vessels,
    vessel_index,
    vessel_profile,
)
from darkcargo.web.queries import WorkspaceReader

router = APIRouter(prefix="/api")

MAX_TABLE_PAGE = 1000
MAX_OFFSET = 10_000_000
MAX_HOURS = 1_000_000.0
MAX_SEARCH_RESULTS = 50
# Time filters outside these years are refused (422): no workspace holds them, and converting
# extreme offsets (0001-01-01T00:00:00+14:00) would overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
SORT_PATTERN = "^(" + "|".join(EVENT_SORTS) + ")$"
_cache_lock = threading.Lock()

Since = Annotated[
    datetime | None, Query(description="Start of the time window (ISO 8601; UTC if no offset).")
]
Until = Annotated[
    datetime | None, Query(description="End of the time window (ISO 8601; UTC if no offset).")
]
Kinds = Annotated[list[str] | None, Query(description="Event kind(s).", max_length=40)]
Vessel = Annotated[int | None, Query(ge=1, le=999_999_999, description="MMSI or IMO.")]
Port = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_\-/]{1,64}$",
        description="A port id: events at it, and gaps and stops whose details name it.",
    ),
]
BBox = Annotated[
    str | None,
    Query(
        description="west,south,east,north in degrees",
        pattern=r"^[-0-9.,eE+ ]+$",
        max_length=120,
    ),
]
Hours = Annotated[float | None, Query(ge=0, le=MAX_HOURS, allow_inf_nan=False)]
Watched = Annotated[bool, Query(description="Only events of the case's watched vessels.")]
Sort = Annotated[str, Query(pattern=SORT_PATTERN, description="Column to sort by.")]
Order = Annotated[str, Query(pattern="^(asc|desc)$")]


def _reader(request: Request) -> WorkspaceReader:
    return request.app.state.reader  # type: ignore[no-any-return]


def _cache(request: Request) -> dict[str, Any]:
    with _cache_lock:
        cache = getattr(request.app.state, "explore_cache", None)
        if cache is None:
            cache = request.app.state.explore_cache = {}
        return cache  # type: ignore[no-any-return]


def _utc(value: datetime | None, name: str) -> datetime | None:
    if value is None:
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise HTTPException(422, f"{name} must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def event_filter(
    kind: Kinds = None,
    vessel: Vessel = None,
    port: Port = None,
    since: Since = None,
    until: Until = None,
    bbox: BBox = None,
    min_hours: Hours = None,
    max_hours: Hours = None,
    watched: Watched = False,
) -> EventFilter:
    """The request's filters (a dependency of the table routes), checked: 422 with the reason
    when one is wrong."""
    for k in kind or []:
        if not re.match(KIND_PATTERN, k):
            raise HTTPException(422, f"bad event kind {k[:50]!r}")
    a, b = _utc(since, "since"), _utc(until, "until")
    if a is not None and b is not None and a > b:
        raise HTTPException(422, "since must not be after until")
    if min_hours is not None and max_hours is not None and min_hours > max_hours:
        raise HTTPException(422, "min_hours must not be above max_hours")
    return EventFilter(
        kinds=tuple(kind or ()),
        vessel=vessel,
        port=port,
        since=a,
        until=b,
        bbox=parse_bbox(bbox),
        min_hours=min_hours,
        max_hours=max_hours,
        watched=watched,
    )


@router.get("/search", tags=["vessels"])
def search(
    request: Request,
    q: Annotated[
        str, Query(min_length=1, max_length=100, description="Name, MMSI, IMO or call sign.")
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_RESULTS)] = 20,
) -> list[dict[str, Any]]:
    """Vessels by name (any they broadcast), call sign, MMSI or IMO, forgiving typos; best
    first, each with the field that matched."""
    index = vessel_index(_reader(request), _cache(request))
    return search_vessels(index, q, limit)


@router.get("/events/table", tags=["events"])
def events_table(
    request: Request,
    flt: Annotated[EventFilter, Depends(event_filter)],
    sort: Sort = "start",
    order: Order = "asc",
    limit: Annotated[int, Query(ge=1, le=MAX_TABLE_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """One page of every event matching the filters, sorted by `sort` (then time), with each
    row's duration in hours, the total and counts by kind."""
    return events_page(_reader(request), flt, sort, order == "desc", limit, offset)


@router.get("/events.csv", tags=["events"])
def events_table_csv(
    request: Request,
    flt: Annotated[EventFilter, Depends(event_filter)],
    sort: Sort = "start",
    order: Order = "asc",
) -> StreamingResponse:
    """Every event matching the filters (not only one page) as CSV, streamed: ids, vessels
    with names, times, hours, place, the page's sentence, positions, confidence, preset, and
    the raw details as JSON. Text a spreadsheet would run as a formula starts with '."""
    return StreamingResponse(
        events_csv(_reader(request), flt, sort, order == "desc"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="darkcargo-events.csv"'},
    )


@router.get("/vessels/{vessel_id}/profile", tags=["vessels"])
def profile(
    request: Request,
    vessel_id: Annotated[int, PathParam(ge=1, le=999_999_999, description="MMSI or IMO")],
) -> dict[str, Any]:
    """A vessel's ship type by name, flag from its MMSI, size, the watch stage's status and
    sanctions matches, gaps and port calls per week, and its trips."""
    found = vessel_profile(_reader(request), vessel_id)
    if found is None:
        raise HTTPException(404, f"no vessel with MMSI or IMO {vessel_id} in this workspace")
    return found
