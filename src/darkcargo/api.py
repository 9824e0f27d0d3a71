"""The Python API for notebooks: the same stage functions the CLI calls, returning Arrow.

    import darkcargo.api as dc
    ws = dc.open_workspace("darkcargo-demo/workspace.duckdb", read_only=True)
    gaps = dc.events(ws, kind="gap").to_pandas()
    track = dc.positions(ws, mmsi=273210440).to_pandas()

Every function takes an open `Workspace`; `ws.arrow(sql)` runs any SQL over the canonical tables.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from darkcargo.ais.ingest import ingest
from darkcargo.claims.grading import grade_claims
from darkcargo.claims.ledger import extract_files
from darkcargo.estimate.montecarlo import estimate_from_counts
from darkcargo.estimate.run import estimate_workspace
from darkcargo.events.detect import detect
from darkcargo.events.query import query_events, resolve_vessel
from darkcargo.report import build_report, export_bundle
from darkcargo.scenario.settings import ScenarioSettings
from darkcargo.scenario.simulate import simulate
from darkcargo.shipments.build import build_shipments
from darkcargo.workspace import Workspace, open_workspace

__all__ = [
    "ScenarioSettings",
    "Workspace",
    "build_report",
    "build_shipments",
    "detect",
    "estimate_from_counts",
    "estimate_workspace",
    "events",
    "export_bundle",
    "extract_files",
    "grade_claims",
    "ingest",
    "open_workspace",
    "positions",
    "simulate",
]


def positions(
    ws: Workspace,
    *,
    mmsi: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> pa.Table:
    """Positions in time order, optionally of one MMSI and within [since, until)."""
    clauses: list[str] = []
    params: list[object] = []
    if mmsi is not None:
        clauses.append("mmsi = ?")
        params.append(mmsi)
    if since is not None:
        clauses.append("ts >= ?")
        params.append(since)
    if until is not None:
        clauses.append("ts < ?")
        params.append(until)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return ws.arrow(f"SELECT * FROM positions{where} ORDER BY mmsi, ts", list(params))


def events(
    ws: Workspace,
    *,
    kind: str | None = None,
    vessel: str | None = None,
    port: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_confidence: float | None = None,
    min_hours: float | None = None,
) -> pa.Table:
    """Events in time order; `vessel` is an IMO, an MMSI or a name, as on the command line;
    `min_confidence` (0-1) and `min_hours` drop weaker and shorter events."""
    mmsis = resolve_vessel(ws, vessel) if vessel else None
    return query_events(
        ws,
        kind=kind,
        mmsis=mmsis,
        port=port,
        since=since,
        until=until,
        min_confidence=min_confidence,
        min_hours=min_hours,
    )
