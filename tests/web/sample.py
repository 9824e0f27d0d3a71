"""A small hand-made workspace for the presentation tests: two vessels, a dark gap, events of
several kinds, estimates and graded claims. Other tables stay empty on purpose."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from darkcargo.workspace import Workspace, all_tables

T0 = datetime(2023, 9, 5, 0, 0)
ANGARA = 273210440
ANGARA_IMO = 9179842
MARIA = 273000001
STEP = timedelta(minutes=10)
RAJIN = (42.25, 130.30)
DUNAI = (42.88, 132.3375)


def _leg(
    start: tuple[float, float], end: tuple[float, float], t0: datetime, n: int
) -> tuple[list[datetime], np.ndarray, np.ndarray]:
    f = np.linspace(0.0, 1.0, n)
    lat = start[0] + (end[0] - start[0]) * f
    lon = start[1] + (end[1] - start[1]) * f
    return [t0 + i * STEP for i in range(n)], lat, lon


def positions_table() -> pa.Table:
    """ANGARA: Rajin -> mid-sea (fixes every 10 min), 20 h dark, then mid-sea -> Dunai.
    MARIA: a slow leg near Vostochny."""
    mid_a, mid_b = (42.45, 131.0), (42.60, 131.6)
    t1, la1, lo1 = _leg(RAJIN, mid_a, T0, 60)
    t2, la2, lo2 = _leg(mid_b, DUNAI, t1[-1] + timedelta(hours=20), 60)
    t3, la3, lo3 = _leg((42.70, 133.00), (42.60, 132.70), T0 + timedelta(hours=6), 80)
    ts = t1 + t2 + t3
    n = len(ts)
    mmsi = [ANGARA] * 120 + [MARIA] * 80
    return pa.table(
        {
            "mmsi": pa.array(mmsi, pa.int64()),
            "ts": pa.array(ts, pa.timestamp("us")),
            "lat": np.concatenate([la1, la2, la3]),
            "lon": np.concatenate([lo1, lo2, lo3]),
            "sog": pa.array([9.5] * n, pa.float32()),
            "cog": pa.array([60.0] * n, pa.float32()),
            "heading": pa.array([60] * n, pa.int16()),
            "nav_status": pa.array([0] * n, pa.int8()),
            "msg_type": pa.array([1] * n, pa.int8()),
            "mmsi_valid": [True] * n,
            "source_id": pa.array([1] * n, pa.int32()),
            "row_id": pa.array(range(1, n + 1), pa.int64()),
        }
    )


def statics_table() -> pa.Table:
    recs = [
        (ANGARA, T0, ANGARA_IMO, "UBYT2", "ANGARA", 79, 120.0, "RAJIN"),
        (ANGARA, T0 + timedelta(hours=3), None, None, "ANGARA", None, None, "RAJIN"),
        (ANGARA, T0 + timedelta(days=2), ANGARA_IMO, "UBYT2", "ANGARA", 79, 120.0, "DUNAI"),
        (ANGARA, T0 + timedelta(days=3), ANGARA_IMO, "UBYT2", "LAURA", 79, 120.0, "DUNAI"),
        (MARIA, T0 + timedelta(hours=6), 8517839, "UFMB", "MARIA", 70, 100.0, "VOSTOCHNY"),
    ]
    cols = list(zip(*recs, strict=True))
    n = len(recs)
    return pa.table(
        {
            "mmsi": pa.array(cols[0], pa.int64()),
            "ts": pa.array(cols[1], pa.timestamp("us")),
            "imo": pa.array(cols[2], pa.int64()),
            "callsign": pa.array(cols[3]),
            "name": pa.array(cols[4]),
            "ship_type": pa.array(cols[5], pa.int16()),
            "length_m": pa.array(cols[6], pa.float32()),
            "beam_m": pa.array([None] * n, pa.float32()),
            "draught_m": pa.array([None] * n, pa.float32()),
            "destination": pa.array(cols[7]),
            "msg_type": pa.array([5] * n, pa.int8()),
            "mmsi_valid": [True] * n,
            "source_id": pa.array([1] * n, pa.int32()),
            "row_id": pa.array(range(1, n + 1), pa.int64()),
        }
    )


GAP_START = T0 + 59 * STEP
GAP_END = GAP_START + timedelta(hours=20)


def events_table() -> pa.Table:
    recs = [
        # id, kind, mmsi, other, start, end, lat, lon, end_lat, end_lon, port, conf
        ("e1", "port_call", ANGARA, None, T0, T0 + timedelta(hours=2), *RAJIN, None, None, "RAJIN", 0.9),
        ("e2", "gap", ANGARA, None, GAP_START, GAP_END, 42.45, 131.0, 42.60, 131.6, None, 0.8),
        ("e3", "port_call", ANGARA, None, GAP_END + timedelta(hours=9), GAP_END + timedelta(hours=12), *DUNAI, None, None, "DUNAI", 0.9),
        ("e4", "encounter", MARIA, ANGARA, T0 + timedelta(hours=8), T0 + timedelta(hours=10), 42.66, 132.85, None, None, None, 0.6),
        ("e5", "loitering", MARIA, None, T0 + timedelta(hours=12), T0 + timedelta(hours=16), 42.62, 132.75, None, None, None, 0.7),
        ("e6", "identity_change", ANGARA, None, T0 + timedelta(days=3), T0 + timedelta(days=3), *DUNAI, None, None, None, 1.0),
    ]  # fmt: skip
    cols = list(zip(*recs, strict=True))
    n = len(recs)
    return pa.table(
        {
            "event_id": cols[0],
            "kind": cols[1],
            "mmsi": pa.array(cols[2], pa.int64()),
            "other_mmsi": pa.array(cols[3], pa.int64()),
            "start_ts": pa.array(cols[4], pa.timestamp("us")),
            "end_ts": pa.array(cols[5], pa.timestamp("us")),
            "lat": cols[6],
            "lon": cols[7],
            "end_lat": pa.array(cols[8], pa.float64()),
            "end_lon": pa.array(cols[9], pa.float64()),
            "port_id": pa.array(cols[10], pa.string()),
            "segment_id": pa.array([None] * n, pa.string()),
            "preset": ["nearshore"] * n,
            "params_hash": ["abc123def456"] * n,
            "evidence": [json.dumps({"source_rows": [[1, 1, 10]], "n_positions": 10})] * n,
            "details": [json.dumps({"hours": 20.0})] * n,
            "confidence": pa.array(cols[11], pa.float32()),
        }
    )


def estimates_table() -> pa.Table:
    recs = [
        ("est-c", "containers", "containers", None, "shipments_x_load", 2500.0, 4200.0, 7000.0),
        ("est-s", "rounds_152mm", "shells", "152mm", "physical_packing", 1.1e6, 1.9e6, 3.2e6),
    ]
    cols = list(zip(*recs, strict=True))
    n = len(recs)
    return pa.table(
        {
            "estimate_id": cols[0],
            "quantity": cols[1],
            "item": cols[2],
            "caliber": pa.array(cols[3], pa.string()),
            "method": cols[4],
            "period_start": pa.array([T0] * n, pa.timestamp("us")),
            "period_end": pa.array([T0 + timedelta(days=180)] * n, pa.timestamp("us")),
            "p05": cols[5],
            "p50": cols[6],
            "p95": cols[7],
            "mean": cols[6],
            "inputs": [json.dumps(["shipments:12"])] * n,
            "assumptions": [json.dumps(["containers per voyage 300-450"])] * n,
            "unverified": [json.dumps(["teu_capacity"])] * n,
            "params_hash": ["feedbeef"] * n,
            "created_at": pa.array([T0] * n, pa.timestamp("us")),
            "unit": ["containers", "shells"],
            "sensitivity": [
                json.dumps(
                    [
                        {
                            "param": "teu_capacity",
                            "label": "capacity",
                            "rho": 0.8,
                            "range": "300-450 TEU",
                            "unverified": True,
                        }
                    ]
                )
            ]
            * n,
            "binding": [json.dumps({"mass": 0.7, "fill_volume": 0.3, "geometry": 0.0})] * n,
            "period_requested": ["*..*"] * n,
        }
    )


def claims_tables() -> dict[str, pa.Table]:
    docs = pa.table(
        {
            "doc_id": ["d1"],
            "path": ["docs/rok_feb2024.txt"],
            "title": ["ROK defence minister, 26 Feb 2024"],
            "source_url": ["https://example.org/rok"],
            "published": pa.array([date(2024, 2, 26)], pa.date32()),
            "text": ["about 6,700 containers, could hold 3 million 152 mm shells"],
        }
    )
    claims = pa.table(
        {
            "claim_id": ["c1", "c2"],
            "doc_id": ["d1", "d1"],
            "span_start": pa.array([6, 34], pa.int32()),
            "span_end": pa.array([22, 58], pa.int32()),
            "quote": ["6,700 containers", "3 million 152 mm shells"],
            "value": [6700.0, 3.0e6],
            "low": pa.array([None, None], pa.float64()),
            "high": pa.array([None, None], pa.float64()),
            "unit": ["containers", "rounds"],
            "item": ["containers", "shells"],
            "caliber": pa.array([None, "152mm"]),
            "bound": ["approximate", "approximate"],
            "speaker": ["ROK defence minister"] * 2,
            "stance": ["said"] * 2,
            "claim_date": pa.array([date(2024, 2, 26)] * 2, pa.date32()),
            "date_precision": ["day"] * 2,
            "baseline_date": pa.array([date(2023, 8, 1)] * 2, pa.date32()),
            "source_url": ["https://example.org/rok"] * 2,
            "cluster_id": ["k1", "k2"],
            "hedge": ["about", "could hold"],
            "basis": ["count", "capacity"],
            "quantity": ["containers", "rounds_152mm"],
        }
    )
    gradings = pa.table(
        {
            "claim_id": ["c1", "c2"],
            "estimate_id": ["est-c", "est-s"],
            "grade": ["consistent", "above"],
            "log_ratio": [0.1, 0.46],
            "reason": ["inside the 90% interval", "above p95"],
            "graded_at": pa.array([T0] * 2, pa.timestamp("us")),
        }
    )
    return {"documents": docs, "claims": claims, "gradings": gradings}


def sources_table() -> pa.Table:
    return pa.table(
        {
            "source_id": pa.array([1], pa.int32()),
            "path": ["demo/ais.nmea"],
            "sha256": ["0" * 64],
            "format": ["nmea"],
            "bytes": pa.array([12345], pa.int64()),
            "lines_read": pa.array([205], pa.int64()),
            "accepted": pa.array([205], pa.int64()),
            "rejected": pa.array([0], pa.int64()),
            "ingested_at": pa.array([T0], pa.timestamp("us")),
        }
    )


def conform(name: str, table: pa.Table) -> pa.Table:
    """Add, as nulls, any column the stage has since added to its schema, so this sample keeps
    working while the other stages grow their tables."""
    schema = all_tables()[name]
    for f in schema:
        if f.name not in table.column_names:
            table = table.append_column(f.name, pa.nulls(table.num_rows, f.type))
    return table


def build_sample_workspace(path: Path) -> Path:
    """Write the sample workspace to `path` (a new DuckDB file) and return the path."""
    tables = {
        "sources": sources_table(),
        "positions": positions_table(),
        "statics": statics_table(),
        "events": events_table(),
        "estimates": estimates_table(),
        **claims_tables(),
    }
    with Workspace(path) as ws, ws.transaction():
        for name, table in tables.items():
            ws.append(name, conform(name, table))
    return path


def build_empty_workspace(path: Path) -> Path:
    """A workspace with every table created and none filled."""
    Workspace(path).close()
    return path


def layer_tables() -> dict[str, pa.Table]:
    """Rows for the later stages' tables: radar detections, port calls, a shipment, a sighting
    and a sanctions match for ANGARA."""
    ts = pa.timestamp("us")
    return {
        "detections": pa.table(
            {
                "scene_id": ["s1", "s1"],
                "ts": pa.array([GAP_START + timedelta(hours=8)] * 2, ts),
                "row": pa.array([10, 20], pa.int32()),
                "col": pa.array([10, 20], pa.int32()),
                "lat": [42.52, 42.70],
                "lon": [131.30, 132.95],
                "length_m": pa.array([118.0, 95.0], pa.float32()),
                "width_m": pa.array([18.0, 15.0], pa.float32()),
                "score": pa.array([0.9, 0.8], pa.float32()),
                "matched_mmsi": pa.array([None, MARIA], pa.int64()),
                "match_distance_m": pa.array([None, 300.0], pa.float32()),
                "dark": [True, False],
            }
        ),
        "port_calls": pa.table(
            {
                "call_id": ["pc1"],
                "mmsi": pa.array([ANGARA], pa.int64()),
                "imo": pa.array([ANGARA_IMO], pa.int64()),
                "port_id": ["RAJIN"],
                "arrival_ts": pa.array([T0], ts),
                "departure_ts": pa.array([T0 + timedelta(hours=2)], ts),
                "kind": ["inferred"],
                "confidence": pa.array([0.7], pa.float32()),
                "evidence": [json.dumps({"events": ["e1"]})],
            }
        ),
        "shipments": pa.table(
            {
                "shipment_id": ["sh1"],
                "mmsi": pa.array([ANGARA], pa.int64()),
                "imo": pa.array([ANGARA_IMO], pa.int64()),
                "origin_port": ["RAJIN"],
                "origin_call": ["pc1"],
                "destination_port": ["DUNAI"],
                "destination_call": [None],
                "depart_ts": pa.array([T0 + timedelta(hours=2)], ts),
                "arrive_ts": pa.array([GAP_END + timedelta(hours=9)], ts),
                "inferred": [True],
                "containers": pa.array([300.0], pa.float64()),
                "evidence": [json.dumps({"port_calls": ["pc1"]})],
            }
        ),
        "sightings": pa.table(
            {
                "sighting_id": ["si1"],
                "ts": pa.array([T0 + timedelta(hours=1)], ts),
                "place": ["RAJIN"],
                "kind": ["containers_on_quay"],
                "count": [300.0],
                "count_low": [250.0],
                "count_high": [350.0],
                "mmsi": pa.array([None], pa.int64()),
                "imo": pa.array([None], pa.int64()),
                "source": ["imagery 2023-09-05"],
            }
        ),
        "watchlist": pa.table(
            {
                "entry_id": ["w1"],
                "list": ["OFAC_SDN"],
                "program": ["RUSSIA-EO14024"],
                "name": ["ANGARA"],
                "imo": pa.array([ANGARA_IMO], pa.int64()),
                "mmsi": pa.array([None], pa.int64()),
                "flag": ["RU"],
                "callsign": ["UBYT2"],
                "listed_on": pa.array([date(2022, 5, 8)], pa.date32()),
            }
        ),
        "matches": pa.table(
            {
                "mmsi": pa.array([ANGARA], pa.int64()),
                "imo": pa.array([ANGARA_IMO], pa.int64()),
                "entry_id": ["w1"],
                "strength": pa.array([1.0], pa.float32()),
                "fields": [json.dumps(["imo", "name"])],
            }
        ),
    }


def build_full_workspace(path: Path) -> Path:
    """The sample workspace plus rows in every later stage's table."""
    build_sample_workspace(path)
    with Workspace(path) as ws, ws.transaction():
        for name, table in layer_tables().items():
            ws.append(name, conform(name, table))
    return path
