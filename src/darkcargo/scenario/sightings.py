"""Sightings: containers on the quay at Rajin and Dunai, as an analyst counts them on imagery.

The true stock is piecewise linear: boxes are staged on the Rajin quay in the days before a
covert carrier calls and loaded during the call; at Dunai they are unloaded in the first day of
the call and leave by rail over the following days. Images come every few days (weather
permitting); each count has a relative error, and the reported range is about +-2 sigma.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from darkcargo.scenario.plan import DAY, DWELL, HOUR, Phase, Plan
from darkcargo.scenario.settings import ScenarioSettings, utc_seconds

SIGHTING_PLACES = ("RAJIN", "DUNAI")
BASE_STOCK = {"RAJIN": (20.0, 60.0), "DUNAI": (5.0, 25.0)}
STAGING_DAYS = (3.0, 6.0)  # boxes reach the Rajin quay over this many days before a call
UNLOAD_H = 24.0
RAIL_DAYS = (3.0, 7.0)  # boxes leave Dunai by rail over this many days
IMAGE_HOUR_UTC = 2  # ~11:00 local, when optical satellites pass
SOURCE = "simulated imagery, analyst count (darkcargo scenario)"


def _ramp(t: np.ndarray, a: float, b: float) -> np.ndarray:
    return np.clip((t - a) / max(b - a, 1.0), 0.0, 1.0)


def make_sightings(
    plan: Plan, flat: list[Phase], s: ScenarioSettings, rng: np.random.Generator
) -> tuple[list[dict], pa.Table]:
    del flat
    voyages = [
        v for v in plan.voyages if v["origin_arrive_ts"] < s.t1 and v["arrive_ts"] > s.t0 - 30 * DAY
    ]
    ramps: dict[str, list[tuple[float, float, float]]] = {p: [] for p in SIGHTING_PLACES}
    for v in voyages:
        c = float(v["containers_loaded"])
        stage = float(rng.uniform(*STAGING_DAYS)) * DAY
        ramps["RAJIN"].append((v["origin_arrive_ts"] - stage, v["origin_arrive_ts"], c))
        ramps["RAJIN"].append((v["origin_arrive_ts"], v["depart_ts"], -c))
        if v["destination_port"] == "DUNAI":
            a = v["arrive_ts"]
            ramps["DUNAI"].append((a, a + UNLOAD_H * HOUR, c))
            rail = float(rng.uniform(*RAIL_DAYS)) * DAY
            ramps["DUNAI"].append((a + UNLOAD_H * HOUR, a + UNLOAD_H * HOUR + rail, -c))
    rows: list[dict] = []
    truth_rows: list[dict] = []
    # fixed image: the day after ANGARA's anchored call (REFERENCE.md: ~300 boxes, 7-8 Sep 2023)
    fixed = {
        "RAJIN": [
            utc_seconds(d) + DAY + IMAGE_HOUR_UTC * HOUR
            for p in s.covert
            for d, _ in p.anchor_calls
        ]
    }
    for place in SIGHTING_PLACES:
        base = float(rng.uniform(*BASE_STOCK[place]))
        times: list[int] = []
        t = s.t0 + int(rng.uniform(0, s.sighting_gap_days[1]) * DAY)
        while t < s.t1:
            day0 = t - t % DAY
            times.append(int(day0 + IMAGE_HOUR_UTC * HOUR + int(rng.integers(0, 7200))))
            t += int(rng.uniform(*s.sighting_gap_days) * DAY)
        times += [x for x in fixed.get(place, []) if s.t0 <= x < s.t1]
        times = sorted(set(times))
        tt = np.asarray(times, dtype=np.float64)
        stock = np.full(len(tt), base)
        for a, b, c in ramps[place]:
            stock += c * _ramp(tt, a, b)
        stock = np.maximum(stock, 0.0)
        err = rng.normal(0.0, s.sighting_error, size=len(tt))
        for k, (ts, true) in enumerate(zip(times, stock, strict=True)):
            count = max(0, round(true * math.exp(err[k])))
            sid = f"S-{place}-{k + 1:03d}"
            rows.append(
                {
                    "sighting_id": sid,
                    "ts": _iso(ts),
                    "place": place,
                    "kind": "containers_on_quay",
                    "count": count,
                    "count_low": math.floor(count * (1 - 2 * s.sighting_error)),
                    "count_high": math.ceil(count * (1 + 2 * s.sighting_error)),
                    "mmsi": None,
                    "imo": None,
                    "source": SOURCE,
                }
            )
            truth_rows.append(
                {
                    "sighting_id": sid,
                    "ts": ts,
                    "place": place,
                    "kind": "containers_on_quay",
                    "true_count": float(round(true, 1)),
                    "vessel_id": None,
                }
            )
            for ves in plan.vessels:
                if ves.role != "covert":
                    continue
                for ph in plan.phases[ves.vid]:
                    if ph.kind == DWELL and ph.port_id == place and ph.t0 <= ts < ph.t1:
                        ident = ves.identity_at(ts)
                        vsid = f"{sid}-V{ves.vid}"
                        rows.append(
                            {
                                "sighting_id": vsid,
                                "ts": _iso(ts),
                                "place": place,
                                "kind": "vessel_at_berth",
                                "count": 1,
                                "count_low": 1,
                                "count_high": 1,
                                "mmsi": ident.mmsi,
                                "imo": ident.imo,
                                "source": SOURCE,
                            }
                        )
                        truth_rows.append(
                            {
                                "sighting_id": vsid,
                                "ts": ts,
                                "place": place,
                                "kind": "vessel_at_berth",
                                "true_count": 1.0,
                                "vessel_id": ves.vid,
                            }
                        )
    rows.sort(key=lambda r: (r["ts"], r["sighting_id"]))
    truth_rows.sort(key=lambda r: (r["ts"], r["sighting_id"]))
    table = pa.table(
        {
            "sighting_id": pa.array([r["sighting_id"] for r in truth_rows], type=pa.string()),
            "ts": pa.array([r["ts"] * 1_000_000 for r in truth_rows], type=pa.int64()).cast(
                pa.timestamp("us")
            ),
            "place": pa.array([r["place"] for r in truth_rows], type=pa.string()),
            "kind": pa.array([r["kind"] for r in truth_rows], type=pa.string()),
            "true_count": pa.array([r["true_count"] for r in truth_rows], type=pa.float64()),
            "vessel_id": pa.array([r["vessel_id"] for r in truth_rows], type=pa.int64()),
        }
    )
    return rows, table


def _iso(ts: int) -> str:
    return np.datetime64(int(ts), "s").astype(str)
