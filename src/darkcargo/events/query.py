"""Reading events back: filter by kind, vessel (IMO, MMSI or name), port, time and preset."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa

from darkcargo.workspace import Workspace

LIST_COLUMNS = (
    "event_id, kind, mmsi, other_mmsi, start_ts, end_ts, "
    "round(lat, 4) AS lat, round(lon, 4) AS lon, port_id, "
    "round(confidence::DOUBLE, 2) AS confidence, preset, details"
)


def resolve_vessel(ws: Workspace, vessel: str) -> list[int]:
    """MMSIs for an IMO (7 digits), an MMSI (9 digits) or a name (case-insensitive, statics)."""
    v = vessel.strip()
    if v.isdigit() and len(v) == 7:
        rows = ws.con.execute(
            "SELECT DISTINCT mmsi FROM statics WHERE imo = ?", [int(v)]
        ).fetchall()
        return sorted(int(r[0]) for r in rows)
    if v.isdigit():
        return [int(v)]
    rows = ws.con.execute(
        "SELECT DISTINCT mmsi FROM statics WHERE upper(trim(name)) = upper(trim(?))", [v]
    ).fetchall()
    return sorted(int(r[0]) for r in rows)


def query_events(
    ws: Workspace,
    *,
    kind: str | None = None,
    mmsis: list[int] | None = None,
    port: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    preset: str | None = None,
    min_confidence: float | None = None,
    min_hours: float | None = None,
    columns: str = LIST_COLUMNS,
) -> pa.Table:
    """Events matching every filter given, in time order. `min_confidence` keeps events whose
    confidence (0-1) is at least that; `min_hours` those lasting at least that long (end - start;
    a port call ended by AIS off in port lasts until it left at the latest)."""
    clauses: list[str] = []
    params: list[Any] = []
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    if mmsis is not None:
        if not mmsis:
            clauses.append("FALSE")
        else:
            marks = ", ".join("?" * len(mmsis))
            clauses.append(f"(mmsi IN ({marks}) OR other_mmsi IN ({marks}))")
            params.extend(mmsis + mmsis)
    if port:
        clauses.append("upper(port_id) = upper(?)")
        params.append(port)
    if since is not None:
        clauses.append("end_ts >= ?")
        params.append(since)
    if until is not None:
        clauses.append("start_ts < ?")
        params.append(until)
    if preset:
        clauses.append("preset = ?")
        params.append(preset)
    if min_confidence is not None:
        clauses.append("confidence >= ?")
        # confidence is float32: compare at its precision so 0.7 keeps a stored 0.7
        params.append(float(np.float32(min_confidence)))
    if min_hours is not None:
        clauses.append("epoch_us(end_ts) - epoch_us(start_ts) >= ?")
        params.append(round(min_hours * 3_600_000_000))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return ws.arrow(f"SELECT {columns} FROM events {where} ORDER BY start_ts, kind, mmsi", params)
