"""Small hand-made workspaces for the watch stage's tests."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from darkcargo.workspace import Workspace, all_tables

T0 = datetime(2023, 9, 1)


def table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows for a canonical table; missing columns are null."""
    schema = all_tables()[name]
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema})


def statics(
    mmsi: int,
    name: str | None,
    imo: int | None = None,
    callsign: str | None = None,
    day: int = 0,
    n: int = 2,
    length: float | None = None,
) -> list[dict[str, Any]]:
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(days=day, hours=6 * k),
            "imo": imo,
            "name": name,
            "callsign": callsign,
            "length_m": length,
            "source_id": 1,
            "row_id": k,
        }
        for k in range(n)
    ]


def positions(mmsi: int, lat: float, lon: float, day: int = 0, n: int = 2) -> list[dict[str, Any]]:
    return [
        {
            "mmsi": mmsi,
            "ts": T0 + timedelta(days=day, hours=k),
            "lat": lat,
            "lon": lon,
            "source_id": 1,
            "row_id": k,
        }
        for k in range(n)
    ]


def event(
    eid: str, kind: str, mmsi: int, start_h: float, end_h: float, **kw: Any
) -> dict[str, Any]:
    details = kw.pop("details", {})
    return {
        "event_id": eid,
        "kind": kind,
        "mmsi": mmsi,
        "start_ts": T0 + timedelta(hours=start_h),
        "end_ts": T0 + timedelta(hours=end_h),
        "details": json.dumps(details),
        "preset": "test",
        "params_hash": "x",
        **kw,
    }


def build(path: Path, **tables: list[dict[str, Any]]) -> Path:
    with Workspace(path) as ws, ws.transaction():
        for name, rows in tables.items():
            ws.append(name, table(name, rows))
    return path
