"""Hand-made workspace tables for shipment, inference and estimate tests."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from darkcargo.ais.schema import POSITIONS, STATICS
from darkcargo.events.schema import EVENTS
from darkcargo.sar.schema import DETECTIONS
from darkcargo.workspace import Workspace

ANGARA_MMSI, ANGARA_IMO = 273210440, 9179842
LADY_R_MMSI, LADY_R_IMO = 273000001, 9161003
OTHER_MMSI = 111000111

RAJIN = (42.25, 130.30)
DUNAI = (42.8803, 132.3375)
VOSTOCHNY = (42.7333, 133.0667)
NAKHODKA = (42.8069, 132.8933)
# at sea 12 nm south-east of Rajin (Natural Earth: 15 km from shore): where a silent carrier
# calling at Rajin goes dark and comes back
OFF_RAJIN = (42.12, 130.50)
OFF_RAJIN_2 = (42.10, 130.47)
# ~43 nm east-north-east of Rajin, on the way from Dunai: where the demo's carriers go dark
EAST_OF_RAJIN = (42.45, 131.20)
EAST_OF_RAJIN_2 = (42.43, 131.25)


def statics_rows(
    rows: list[tuple[int, int | None, str]], length_m: float | None = None
) -> pa.Table:
    data: dict[str, list[Any]] = {n: [None] * len(rows) for n in STATICS.names}
    data["mmsi"] = [r[0] for r in rows]
    data["imo"] = [r[1] for r in rows]
    data["name"] = [r[2] for r in rows]
    data["length_m"] = [length_m] * len(rows)
    data["ts"] = [datetime(2023, 8, 1)] * len(rows)
    return pa.table(data, schema=STATICS)


def event(
    eid: str,
    kind: str,
    mmsi: int,
    start: datetime,
    end: datetime,
    *,
    port: str | None = None,
    pos0: tuple[float, float] | None = None,
    pos1: tuple[float, float] | None = None,
    confidence: float = 1.0,
    details: dict[str, Any] | None = None,
) -> dict:
    return {
        "event_id": eid,
        "kind": kind,
        "mmsi": mmsi,
        "other_mmsi": None,
        "start_ts": start,
        "end_ts": end,
        "lat": pos0[0] if pos0 else None,
        "lon": pos0[1] if pos0 else None,
        "end_lat": pos1[0] if pos1 else None,
        "end_lon": pos1[1] if pos1 else None,
        "port_id": port,
        "segment_id": None,
        "preset": "hand",
        "params_hash": "hand",
        "evidence": "{}",
        "details": json.dumps(details or {}),
        "confidence": confidence,
    }


def events_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=EVENTS)


def positions_table(rows: list[tuple[int, datetime, float, float, float, float]]) -> pa.Table:
    """(mmsi, ts, lat, lon, sog, cog) rows as positions."""
    data: dict[str, list[Any]] = {n: [None] * len(rows) for n in POSITIONS.names}
    for k, name in enumerate(("mmsi", "ts", "lat", "lon", "sog", "cog")):
        data[name] = [r[k] for r in rows]
    data["msg_type"] = [1] * len(rows)
    data["source_id"] = [0] * len(rows)
    data["row_id"] = list(range(len(rows)))
    return pa.Table.from_pylist(
        [dict(zip(data, vals, strict=True)) for vals in zip(*data.values(), strict=True)],
        schema=POSITIONS,
    )


def detections_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Radar detections from dicts (scene_id, ts, lat, lon, length_m, matched_mmsi, dark)."""
    full = [{n: r.get(n) for n in DETECTIONS.names} for r in rows]
    return pa.Table.from_pylist(full, schema=DETECTIONS)


def day(m: int, d: int, h: int = 0) -> datetime:
    y = 2023 if m >= 8 else 2024
    return datetime(y, m, d, h)


HAND_EVENTS = [
    # ANGARA: observed Rajin -> Dunai, then a dark trip to Vostochny, then a short hop
    event("a1", "port_call", ANGARA_MMSI, day(9, 1), day(9, 2), port="VOSTOCHNY"),
    event("a2", "port_call", ANGARA_MMSI, day(9, 3, 6), day(9, 4, 6), port="RAJIN"),
    event("a3", "port_call", ANGARA_MMSI, day(9, 5), day(9, 6), port="DUNAI"),
    event(
        "a4",
        "gap",
        ANGARA_MMSI,
        day(9, 6, 12),
        day(9, 8, 12),
        pos0=OFF_RAJIN,
        pos1=OFF_RAJIN_2,
        confidence=1.0,
    ),
    event("a5", "port_call", ANGARA_MMSI, day(9, 9, 6), day(9, 10), port="VOSTOCHNY"),
    event(
        "a6",
        "gap",
        ANGARA_MMSI,
        day(9, 10, 1),
        day(9, 10, 9),
        pos0=VOSTOCHNY,
        pos1=NAKHODKA,
        confidence=0.5,
    ),
    event("a7", "port_call", ANGARA_MMSI, day(9, 10, 10), day(9, 10, 12), port="NAKHODKA"),
    # LADY R: two dark trips off Rajin between Vostochny calls
    event("l1", "port_call", LADY_R_MMSI, day(3, 10), day(3, 11), port="VOSTOCHNY"),
    event(
        "l2", "gap", LADY_R_MMSI, day(3, 11, 12), day(3, 13, 12), pos0=OFF_RAJIN, pos1=OFF_RAJIN_2
    ),
    event("l3", "port_call", LADY_R_MMSI, day(3, 14), day(3, 14, 8), port="VOSTOCHNY"),
    event(
        "l4", "gap", LADY_R_MMSI, day(3, 14, 18), day(3, 15, 12), pos0=OFF_RAJIN, pos1=OFF_RAJIN_2
    ),
    event("l5", "port_call", LADY_R_MMSI, day(3, 16), day(3, 16, 6), port="VOSTOCHNY"),
    # someone else at Rajin: a port call, never a shipment of the case
    event("o1", "port_call", OTHER_MMSI, day(9, 3), day(9, 4), port="RAJIN"),
    # an encounter is not a port call
    event("e1", "encounter", ANGARA_MMSI, day(9, 7), day(9, 7, 5), pos0=RAJIN, pos1=RAJIN),
]


@pytest.fixture
def hand_workspace(tmp_path: Path) -> Path:
    """A workspace with statics and hand-made events for two watched vessels and one other."""
    path = tmp_path / "hand.duckdb"
    with Workspace(path) as ws:
        ws.append(
            "statics",
            statics_rows(
                [
                    (ANGARA_MMSI, ANGARA_IMO, "ANGARA"),
                    (LADY_R_MMSI, LADY_R_IMO, "LADY R"),
                    (OTHER_MMSI, 9999999, "ANGARA"),  # same name, other ship: never matched
                ]
            ),
        )
        ws.append("events", events_table(HAND_EVENTS))
    return path
