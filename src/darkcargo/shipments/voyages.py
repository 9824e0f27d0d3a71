"""Voyages: a vessel's calls chained in time, and the shipments they make.

A shipment is a leg from a call at one of the case's origin ports to the next call at a
destination port (the last origin call before it when there were several). Calls are observed
(AIS) or inferred (dark); a shipment is inferred when either end is. When a dark call was made
during an observed call's silence (AIS off at the pier, away and back), the observed call is
split: the vessel left when AIS went off and was back when it came on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from darkcargo.geo.distance import NM_M
from darkcargo.shipments.schema import SHIPMENTS


@dataclass
class Visit:
    """A stay at a port, for chaining: a whole observed call, part of one, or an inferred call."""

    call_id: str
    mmsi: int
    port_id: str
    start: datetime
    end: datetime
    inferred: bool
    confidence: float
    events: list[str]


def _sid(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def visits(calls: list[dict[str, Any]]) -> dict[int, list[Visit]]:
    """Per MMSI, its port_calls rows as visits in time order, observed calls split around the
    silences of the dark calls made during them."""
    by_mmsi: dict[int, list[Visit]] = {}
    silences: dict[int, list[tuple[datetime, datetime]]] = {}
    for c in calls:
        ev = json.loads(c["evidence"] or "{}")
        inferred = c["kind"] == "inferred"
        by_mmsi.setdefault(int(c["mmsi"]), []).append(
            Visit(
                c["call_id"],
                int(c["mmsi"]),
                c["port_id"],
                c["arrival_ts"],
                c["departure_ts"],
                inferred,
                float(c["confidence"] if c["confidence"] is not None else 1.0),
                list(ev.get("events", [])),
            )
        )
        if inferred and ev.get("gap_start") and ev.get("gap_end"):
            silences.setdefault(int(c["mmsi"]), []).append(
                (datetime.fromisoformat(ev["gap_start"]), datetime.fromisoformat(ev["gap_end"]))
            )
    out: dict[int, list[Visit]] = {}
    for mmsi, vs in by_mmsi.items():
        pieces: list[Visit] = []
        for v in vs:
            if v.inferred:
                pieces.append(v)
                continue
            parts = [(v.start, v.end)]
            for g0, g1 in silences.get(mmsi, []):
                nxt = []
                for a, b in parts:
                    if a < g0 < b or a < g1 < b:
                        if a < g0:
                            nxt.append((a, min(b, g0)))
                        if g1 < b:
                            nxt.append((max(a, g1), b))
                    else:
                        nxt.append((a, b))
                parts = nxt
            pieces += [
                Visit(v.call_id, mmsi, v.port_id, a, b, False, v.confidence, v.events)
                for a, b in parts
            ]
        out[mmsi] = sorted(pieces, key=lambda x: (x.start, x.end, x.call_id))
    return out


def chain(
    calls: list[dict[str, Any]],
    origin_ids: set[str],
    destination_ids: set[str],
    imo_of: dict[int, int],
    sea_m: Callable[[str, str], float],
    rule: str,
    preset: str,
    params_hash: str,
) -> pa.Table:
    """The shipments of every vessel: origin call -> next destination call."""
    rows: list[dict[str, Any]] = []
    for mmsi, vs in sorted(visits(calls).items()):
        last_origin: Visit | None = None
        for v in vs:
            if v.port_id in origin_ids:
                last_origin = v
                continue
            if v.port_id not in destination_ids or last_origin is None:
                continue
            o = last_origin
            last_origin = None
            inferred = o.inferred or v.inferred
            conf = min(o.confidence, v.confidence)
            d = sea_m(o.port_id, v.port_id)
            reason = (
                "an observed origin call, then a destination call"
                if not inferred
                else "an inferred (dark) call, then a destination call"
                if o.inferred
                else "an origin call, then an inferred destination call"
            )
            rows.append(
                {
                    "shipment_id": _sid(rule, mmsi, o.call_id, v.call_id, v.start.isoformat()),
                    "mmsi": mmsi,
                    "imo": imo_of.get(mmsi),
                    "origin_port": o.port_id,
                    "origin_call": o.call_id,
                    "destination_port": v.port_id,
                    "destination_call": v.call_id,
                    "depart_ts": o.end,
                    "arrive_ts": v.start,
                    "inferred": inferred,
                    "confidence": conf,
                    "containers": None,
                    "evidence": json.dumps(
                        {
                            "rule": rule,
                            "params_hash": params_hash,
                            "calls": [o.call_id, v.call_id],
                            "events": o.events + v.events,
                            "confidence": round(conf, 3),
                            "reason": reason,
                        }
                    ),
                    "sea_nm": round(d / NM_M, 1) if d != float("inf") else None,
                    "preset": preset,
                    "params_hash": params_hash,
                }
            )
    return pa.Table.from_pylist(rows, schema=SHIPMENTS)
