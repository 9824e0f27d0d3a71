"""What a workspace holds: its sources, AIS coverage, rejects and every table's row count (for
`darkcargo info` and notebooks). Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from darkcargo.workspace import Workspace


def _counted(ws: Workspace, sql: str) -> dict[str, int]:
    """Counts by key, from a query of (key, count) rows, in its order."""
    return {str(k): int(v) for k, v in ws.con.execute(sql).fetchall()}


def _one(ws: Workspace, sql: str) -> tuple[Any, ...]:
    """The one row of an aggregate query."""
    return tuple(ws.con.execute(sql).fetchall()[0])


@dataclass
class SourceInfo:
    source_id: int
    path: str
    format: str
    sha256: str
    bytes: int
    lines_read: int
    accepted: int
    rejected: int
    ingested_at: datetime | None


@dataclass
class WorkspaceInfo:
    """Summary of a workspace: sources, AIS coverage, rejects, and every table's row count."""

    path: str
    sources: list[SourceInfo]
    positions: int
    statics: int
    first_ts: datetime | None
    last_ts: datetime | None
    vessels: int  # distinct MMSI over positions and statics
    rejects: dict[str, int]
    tables: dict[str, int]  # every table in the file (later stages show up as they write)
    mmsi_classes: dict[str, int] = field(default_factory=dict)  # MMSIs per class


def workspace_info(ws: Workspace) -> WorkspaceInfo:
    """Read-only summary of what a workspace holds."""
    con = ws.con
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]
    present = set(names)
    tables = {n: int(_one(ws, f'SELECT count(*) FROM "{n}"')[0]) for n in names if n != "meta"}
    src: list[SourceInfo] = []
    if "sources" in present:
        for row in con.execute(
            "SELECT source_id, path, format, sha256, bytes, lines_read, accepted, rejected, "
            "ingested_at FROM sources ORDER BY source_id"
        ).fetchall():
            src.append(SourceInfo(*row))
    first = last = None
    vessels = 0
    if "positions" in present:
        first, last = _one(ws, "SELECT min(ts), max(ts) FROM positions")
    mmsi_sets = [f'SELECT mmsi FROM "{t}"' for t in ("positions", "statics") if t in present]
    if mmsi_sets:
        union = " UNION ALL ".join(mmsi_sets)
        vessels = int(_one(ws, f"SELECT count(DISTINCT mmsi) FROM ({union})")[0])
    rejects = (
        _counted(ws, "SELECT reason, count(*) FROM rejects GROUP BY 1 ORDER BY 2 DESC, 1")
        if "rejects" in present
        else {}
    )
    classes = (
        _counted(ws, "SELECT mmsi_class, count(*) FROM mmsi_classes GROUP BY 1 ORDER BY 2 DESC, 1")
        if "mmsi_classes" in present
        else {}
    )
    return WorkspaceInfo(
        path=str(ws.path),
        sources=src,
        positions=tables.get("positions", 0),
        statics=tables.get("statics", 0),
        first_ts=first,
        last_ts=last,
        vessels=vessels,
        rejects=rejects,
        tables=tables,
        mmsi_classes=classes,
    )
