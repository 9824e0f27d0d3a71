"""Hand-made workspace tables for shipment and estimate tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from darkcargo.ais.schema import STATICS
from darkcargo.events.schema import EVENTS
from darkcargo.workspace import Workspace

ANGARA_MMSI, ANGARA_IMO = 273210440, 9179842
LADY_R_MMSI, LADY_R_IMO = 273000001, 9161003
OTHER_MMSI = 111000111

RAJIN = (42.25, 130.30)
DUNAI = (42.8803, 132.3375)
VOSTOCHNY = (42.7333, 133.0667)
NAKHODKA = (42.8069, 132.8933)


def statics_rows(rows: list[tuple[int, int | None, str]]) -> pa.Table:
    data = {n: [None] * len(rows) for n in STATICS.names}
    data["mmsi"] = [r[0] for r in rows]
    data["imo"] = [r[1] for r in rows]
    data["name"] = [r[2] for r in rows]
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
        "details": "{}",
        "confidence": confidence,
    }


def events_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=EVENTS)


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
        day(9, 6, 2),
        day(9, 9, 0),
        pos0=DUNAI,
        pos1=VOSTOCHNY,
        confidence=1.0,
    ),
    event("a5", "port_call", ANGARA_MMSI, day(9, 9, 2), day(9, 10), port="VOSTOCHNY"),
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
    # LADY R: a gap without positions, then AIS off and on at the Vostochny pier
    event("l1", "port_call", LADY_R_MMSI, day(3, 10), day(3, 11), port="VOSTOCHNY"),
    event("l2", "gap", LADY_R_MMSI, day(3, 11), day(3, 14)),
    event("l3", "port_call", LADY_R_MMSI, day(3, 14), day(3, 16, 6), port="VOSTOCHNY"),
    event("l4", "gap", LADY_R_MMSI, day(3, 14, 12), day(3, 16), pos0=VOSTOCHNY, pos1=VOSTOCHNY),
    # someone else at Rajin: a port call, never a shipment
    event("o1", "port_call", OTHER_MMSI, day(9, 3), day(9, 4), port="RAJIN"),
    # an encounter is ignored by rule v1
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
