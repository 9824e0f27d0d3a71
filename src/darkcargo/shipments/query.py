"""Reading the infer stage's tables: port calls with their evidence, shipments, and counts.

The CLI (`darkcargo calls`, `darkcargo shipments`), the dashboard and notebooks call these.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pyarrow as pa

from darkcargo.errors import InputError
from darkcargo.sightings.load import query_arrow
from darkcargo.workspace import Workspace

GroupBy = Literal["month", "vessel", "port"]
GROUPS: tuple[str, ...] = ("month", "vessel", "port")

# the latest AIS name of each MMSI, joined as `n`
_NAMES = (
    "LEFT JOIN (SELECT mmsi, arg_max(name, ts) AS name FROM statics WHERE name IS NOT NULL "
    "GROUP BY mmsi) n USING (mmsi)"
)
_NAME = "coalesce(n.name, CAST(mmsi AS VARCHAR))"


def _conditions(
    mmsis: list[int] | None, inferred_only: bool = False
) -> tuple[list[str], list[Any]]:
    """The filters every reader takes (these MMSIs; inferred ones only), with their parameters."""
    where: list[str] = []
    params: list[Any] = []
    if mmsis is not None:
        where.append("mmsi IN (SELECT unnest(?))")
        params.append(mmsis or [-1])
    if inferred_only:
        where.append("inferred")
    return where, params


def _where(conditions: list[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def port_calls(
    ws: Workspace,
    *,
    mmsis: list[int] | None = None,
    kind: str | None = None,
    port: str | None = None,
    min_confidence: float | None = None,
) -> pa.Table:
    """Port calls, oldest first, with the vessel's AIS name and, for inferred calls, the
    one-line summary of their evidence."""
    where, params = _conditions(mmsis)
    if kind:
        if kind not in ("observed", "inferred"):
            raise InputError("--kind", f"{kind!r} is not observed or inferred")
        where.append("kind = ?")
        params.append(kind)
    if port:
        where.append("upper(port_id) = upper(?)")
        params.append(port)
    if min_confidence is not None:
        where.append("confidence >= ?")
        params.append(min_confidence)
    return query_arrow(
        ws,
        f"SELECT call_id, mmsi, {_NAME} AS vessel, imo, port_id, kind, "
        "arrival_ts, departure_ts, round(confidence, 3) AS confidence, "
        "CASE WHEN kind = 'inferred' AND json_valid(evidence) "
        "THEN json_extract_string(evidence, '$.summary') END AS summary, evidence "
        f"FROM port_calls c {_NAMES} {_where(where)} ORDER BY arrival_ts, mmsi, call_id",
        params,
    )


def evidence_lines(evidence: str | None) -> dict[str, Any]:
    """An inferred call's evidence JSON as its for/against lists and alternatives (empty when
    the text is not JSON)."""
    try:
        e = json.loads(evidence or "{}")
    except ValueError:
        return {}
    return e if isinstance(e, dict) else {}


def shipments(
    ws: Workspace,
    *,
    mmsis: list[int] | None = None,
    inferred_only: bool = False,
) -> pa.Table:
    """Shipments (legs from an origin-port call to a destination-port call), oldest first."""
    where, params = _conditions(mmsis, inferred_only)
    return query_arrow(
        ws,
        f"SELECT shipment_id, mmsi, {_NAME} AS vessel, origin_port, depart_ts, "
        "destination_port, arrive_ts, inferred, round(confidence, 3) AS confidence, sea_nm, "
        f"origin_call, destination_call FROM shipments h {_NAMES} {_where(where)} "
        "ORDER BY arrive_ts, mmsi, shipment_id",
        params,
    )


def shipment_counts(
    ws: Workspace,
    by: str,
    *,
    mmsis: list[int] | None = None,
    inferred_only: bool = False,
) -> pa.Table:
    """Shipments counted by arrival month, vessel, or origin and destination port, with how many
    were inferred (a dark end) and the share; `expected` sums the confidences (the number of
    real shipments if each counts with its own probability)."""
    if by not in GROUPS:
        raise InputError("--by", f"{by!r} is not one of {', '.join(GROUPS)}")
    key = {
        "month": "strftime(arrive_ts, '%Y-%m') AS month",
        "vessel": f"mmsi, {_NAME} AS vessel",
        "port": "origin_port, destination_port",
    }[by]
    where, params = _conditions(mmsis, inferred_only)
    return query_arrow(
        ws,
        f"SELECT {key}, count(*) AS shipments, count(*) FILTER (WHERE inferred) AS inferred, "
        "round(count(*) FILTER (WHERE inferred) / count(*), 3) AS share_inferred, "
        "round(sum(confidence), 1) AS expected "
        f"FROM shipments h {_NAMES} {_where(where)} GROUP BY ALL ORDER BY ALL",
        params,
    )
