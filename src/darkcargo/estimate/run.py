"""The workspace form: containers and rounds from the covert carriers' shipments and sightings.

Trips are the rows of `shipments` for the case's watched vessels (built by shipments rule v1
when the table is empty or stale). Containers per trip come from each vessel's TEU capacity
range in the case file times a load-factor prior, or from a LOW:HIGH the user supplies; known
per-trip counts in `shipments.containers` are used as they are. Inferred (dark) trips count
with a prior probability of being real shipments. Quay sightings (`sightings`, kind
containers_on_quay) give a separate, cross-check estimate. Rounds of each munition follow from
the primary container distribution by the physical packing and official ratio methods.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from darkcargo.config import Case, WatchedVessel, load_case
from darkcargo.errors import InputError, WorkspaceError
from darkcargo.estimate.catalogue import Catalogue, load_catalogue
from darkcargo.estimate.montecarlo import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    InputDraws,
    _check_draws,
    param_label,
    parse_count,
    rounds_estimates,
    unverified_phrase,
)
from darkcargo.estimate.result import EstimateResult, params_hash, quantiles, rank_sensitivity
from darkcargo.estimate.schema import ESTIMATES
from darkcargo.shipments.build import (
    RULE,
    VesselMap,
    build_shipments,
    events_fingerprint,
    watched_mmsis,
)
from darkcargo.sightings.load import query_arrow
from darkcargo.workspace import Workspace, duckdb_type

log = logging.getLogger(__name__)

QUAY_KIND = "containers_on_quay"
# Quay stock peaks when a carrier's whole load is on the quay: at the origin just before
# loading (boxes are staged in the days before the call), at the destination just after
# unloading (before they leave by rail). The highest count in these windows, less the place's
# background stock, is read as that trip's load.
ORIGIN_WINDOW_H = (96.0, 0.0)  # hours before and after the departure from the origin port
DESTINATION_WINDOW_H = (0.0, 72.0)  # hours before and after the arrival at the destination
BACKGROUND_QUANTILE = 0.10  # a place's background stock: this quantile of its counts
MIN_COUNTS_FOR_BACKGROUND = 10  # with fewer counts at a place, no background is subtracted

Rebuild = Literal["auto", "always", "never"]


@dataclass(frozen=True)
class _Trips:
    """Trips of the watched vessels in the period, grouped by vessel."""

    ids: list[str]
    vessel_of: dict[str, str]  # shipment_id -> vessel name
    observed: dict[str, int]  # vessel -> observed trips with unknown containers
    inferred: dict[str, int]  # vessel -> inferred trips with unknown containers
    known: float  # containers of trips whose count is known
    known_ids: list[str]
    rows: list[dict[str, Any]]
    first: datetime | None
    last: datetime | None


def parse_day(value: date | datetime | str | None, *, end: bool = False) -> datetime | None:
    """A --from/--to value as a datetime; a bare date given as --to means the whole day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        d = datetime(value.year, value.month, value.day)
    else:
        try:
            d = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError("--from/--to", f"not a date (YYYY-MM-DD): {value!r}") from None
        if d.tzinfo is not None:
            d = d.replace(tzinfo=None)
        if len(str(value).strip()) > 10:
            return d
    return d + timedelta(days=1) if end else d


def _maybe_build(ws: Workspace, case: Case, rebuild: Rebuild) -> bool:
    """Build shipments by rule v1 when asked, or (auto) when absent or stale."""
    if rebuild == "never":
        return False
    if rebuild == "auto":
        rule = ws.get_meta("shipments_rule")
        if rule not in (None, "v1", RULE):
            return False  # someone else's rule owns the table
        has_rows = ws.count("shipments") > 0
        fresh = ws.get_meta("shipments_events_fingerprint") == events_fingerprint(ws)
        if has_rows and fresh:
            return False
        if not has_rows and ws.count("events") == 0:
            return False
    report = build_shipments(ws, case)
    log.info("built %d shipments by rule %s", report.shipments, report.rule)
    return True


def _trips(
    ws: Workspace,
    case: Case,
    start: datetime | None,
    end: datetime | None,
) -> tuple[_Trips, dict[str, WatchedVessel], VesselMap]:
    vmap = watched_mmsis(ws, case)
    by_name = vmap.mmsis
    vessel_by_mmsi = {
        m: next(v for v in case.vessels if v.name == name)
        for name, ms in by_name.items()
        for m in ms
    }
    where = ["mmsi IN (SELECT unnest(?))"]
    params: list[Any] = [sorted(vessel_by_mmsi) or [-1]]
    if start is not None:
        where.append("arrive_ts >= ?")
        params.append(start)
    if end is not None:
        where.append("arrive_ts < ?")
        params.append(end)
    t = query_arrow(
        ws,
        "SELECT shipment_id, mmsi, imo, origin_port, destination_port, depart_ts, arrive_ts, "
        f"inferred, containers, evidence FROM shipments WHERE {' AND '.join(where)} "
        "ORDER BY arrive_ts, shipment_id",
        params,
    )
    rows = t.to_pylist()
    observed: dict[str, int] = {}
    inferred: dict[str, int] = {}
    vessel_of: dict[str, str] = {}
    known = 0.0
    known_ids: list[str] = []
    for r in rows:
        name = vessel_by_mmsi[r["mmsi"]].name
        vessel_of[r["shipment_id"]] = name
        if r["containers"] is not None:
            known += float(r["containers"])
            known_ids.append(r["shipment_id"])
        elif r["inferred"]:
            inferred[name] = inferred.get(name, 0) + 1
        else:
            observed[name] = observed.get(name, 0) + 1
    vessels = {v.name: v for v in vessel_by_mmsi.values()}
    trips = _Trips(
        ids=[r["shipment_id"] for r in rows],
        vessel_of=vessel_of,
        observed=observed,
        inferred=inferred,
        known=known,
        known_ids=known_ids,
        rows=rows,
        first=min((r["depart_ts"] or r["arrive_ts"] for r in rows), default=None),
        last=max((r["arrive_ts"] for r in rows), default=None),
    )
    return trips, vessels, vmap


def _quay_sightings(ws: Workspace, case: Case) -> list[dict[str, Any]]:
    """Every quay count at the case's ports: all of them set a place's background stock; the
    trips of the period (through their time windows) decide which are read as loads."""
    ports = sorted(set(case.origin_ports) | set(case.destination_ports))
    t = query_arrow(
        ws,
        "SELECT * FROM sightings WHERE kind = ? AND upper(place) IN (SELECT unnest(?)) "
        "ORDER BY ts, sighting_id",
        [QUAY_KIND, ports],
    )
    return t.to_pylist()


def _count(s: dict[str, Any]) -> float:
    if s["count"] is not None:
        return float(s["count"])
    return (float(s["count_low"]) + float(s["count_high"])) / 2.0


def _match_sightings(
    sightings: list[dict[str, Any]], trips: _Trips, imo_of: dict[int, int]
) -> dict[str, tuple[dict[str, Any], float]]:
    """shipment_id -> (the quay count read as its load, the place's background stock).

    For each trip, the highest count in its origin or destination window, each count used once.
    """
    by_place: dict[str, list[float]] = {}
    for s in sightings:
        by_place.setdefault(str(s["place"]).upper(), []).append(_count(s))
    background = {
        p: float(np.quantile(np.asarray(v), BACKGROUND_QUANTILE))
        if len(v) >= MIN_COUNTS_FOR_BACKGROUND
        else 0.0
        for p, v in by_place.items()
    }
    o_before, o_after = (timedelta(hours=h) for h in ORIGIN_WINDOW_H)
    d_before, d_after = (timedelta(hours=h) for h in DESTINATION_WINDOW_H)
    matched: dict[str, tuple[dict[str, Any], float]] = {}
    used: set[str] = set()
    for r in trips.rows:
        best: tuple[float, dict[str, Any]] | None = None
        for s in sightings:
            if s["sighting_id"] in used:
                continue
            if s["mmsi"] is not None and s["mmsi"] != r["mmsi"]:
                continue
            if s["imo"] is not None and s["imo"] != (r["imo"] or imo_of.get(r["mmsi"])):
                continue
            place, ts = str(s["place"]).upper(), s["ts"]
            at_origin = (
                r["origin_port"] is not None
                and r["depart_ts"] is not None
                and place == str(r["origin_port"]).upper()
                and r["depart_ts"] - o_before <= ts <= r["depart_ts"] + o_after
            )
            at_dest = (
                place == str(r["destination_port"]).upper()
                and r["arrive_ts"] - d_before <= ts <= r["arrive_ts"] + d_after
            )
            if not (at_origin or at_dest):
                continue
            load = _count(s) - background[place]
            if best is None or load > best[0]:
                best = (load, s)
        if best is not None:
            s = best[1]
            used.add(s["sighting_id"])
            matched[r["shipment_id"]] = (s, background[str(s["place"]).upper()])
    return matched


def _sighting_bounds(s: dict[str, Any], rel_error: float) -> tuple[float, float]:
    lo, hi, c = s["count_low"], s["count_high"], s["count"]
    if lo is not None and hi is not None:
        return float(lo), float(hi)
    c = float(c)
    return (
        float(lo) if lo is not None else c * (1 - rel_error),
        float(hi) if hi is not None else c * (1 + rel_error),
    )


def estimate_workspace(
    workspace: Workspace | str | Path,
    *,
    start: date | datetime | str | None = None,
    end: date | datetime | str | None = None,
    case: Case | str | None = None,
    per_trip: str | tuple[float, float] | None = None,
    munitions: Sequence[str] | None = None,
    container: str = "20ft",
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    catalogue: Catalogue | str | None = None,
    write: bool = True,
    rebuild_shipments: Rebuild = "auto",
) -> list[EstimateResult]:
    """Total containers carried by the watched vessels' trips, and rounds of each munition.

    Returns, in order: containers (shipments x capacity x load, or x the user's per-trip
    range), containers from quay sightings (when any match a trip), then for each munition the
    physical-packing and official-ratio estimates. Writes them to `estimates` unless
    write=False (rows of an earlier run over the same period are replaced). Shipments are
    built by rule v1 first when the table is empty or older than the events
    (rebuild_shipments="auto"), always ("always") or never ("never").
    """
    n = _check_draws(draws)
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    the_case = case if isinstance(case, Case) else load_case(case)
    t0, t1 = parse_day(start), parse_day(end, end=True)
    if t0 is not None and t1 is not None and t1 <= t0:
        raise InputError("--to", f"{end} is before --from {start}")
    per_trip_range = parse_count(per_trip, "--per-trip") if per_trip is not None else None
    muns = [cat.munition(m) for m in (munitions or list(cat.munitions))]
    box = cat.container(container)
    if not isinstance(workspace, Workspace) and not Path(workspace).exists():
        raise WorkspaceError(
            f"{workspace}: no such workspace; ingest AIS first, or give --containers to "
            "estimate from a container count alone"
        )
    read_only = not write and rebuild_shipments == "never"
    ws = (
        workspace if isinstance(workspace, Workspace) else Workspace(workspace, read_only=read_only)
    )
    try:
        built = False if ws.read_only else _maybe_build(ws, the_case, rebuild_shipments)
        trips, vessels, vmap = _trips(ws, the_case, t0, t1)
        sightings = _quay_sightings(ws, the_case)
        end_incl = _inclusive_end(end, t1)
        scope = f"{t0.date() if t0 else '*'}..{end_incl.date() if end_incl else '*'}"
        # without a requested period, the estimate covers the span of the trips it counted
        p0 = t0 or (_day(trips.first) if trips.first else None)
        p1 = end_incl or (_day(trips.last) if trips.last else None)
        results = _estimate(
            trips,
            vessels,
            vmap,
            sightings,
            cat,
            muns,
            box,
            n,
            seed,
            per_trip_range,
            built,
            (p0, p1),
            scope,
        )
        if write:
            write_estimates(ws, results, scope)
        return results
    finally:
        if not isinstance(workspace, Workspace):
            ws.close()


def _day(ts: datetime) -> datetime:
    return datetime(ts.year, ts.month, ts.day)


def _inclusive_end(raw: date | datetime | str | None, t1: datetime | None) -> datetime | None:
    if t1 is None:
        return None
    if isinstance(raw, datetime) or (isinstance(raw, str) and len(raw.strip()) > 10):
        return t1
    return t1 - timedelta(days=1)


def _estimate(
    trips: _Trips,
    vessels: dict[str, WatchedVessel],
    vmap: VesselMap,
    sightings: list[dict[str, Any]],
    cat: Catalogue,
    muns: list,
    box: Any,
    n: int,
    seed: int,
    per_trip_range: tuple[float, float] | None,
    built: bool,
    period: tuple[datetime | None, datetime | None],
    scope: str = "*..*",
) -> list[EstimateResult]:
    rng = np.random.default_rng(seed)
    model = cat.model
    upstream: dict[str, InputDraws] = {}
    unverified: list[str] = []
    assumptions: list[str] = [
        "trips are the shipments of the case's watched vessels (identified by IMO), "
        "counted by arrival time in the period",
        "trips that left no AIS trace at all (no port call, no gap) are not counted",
    ]
    if built:
        assumptions.append(f"shipments were built from events by the shipments stage ({RULE})")
    if vmap.unmapped:
        assumptions.append(
            "no AIS identity for " + ", ".join(vmap.unmapped) + ": their trips are not counted"
        )
    for name in vmap.by_name_only:
        unverified.append(
            f"assumes {name} is the AIS station(s) named {name} "
            "(no IMO or MMSI in the case file), unverified"
        )

    # share of inferred trips that were real shipments, one draw per world
    p_inf = model["inferred_trip_share"]
    n_inferred = sum(trips.inferred.values())
    share: np.ndarray | float = 1.0
    if n_inferred:
        share = p_inf.sample(n, rng)
        upstream["inferred_trip_share"] = (share, param_label(p_inf), p_inf.describe(), True)
        if p_inf.unverified:
            unverified.append(unverified_phrase(p_inf))
        assumptions.append(
            f"{n_inferred} inferred (dark) trips each count with probability "
            f"{p_inf.describe()} of being a real shipment"
        )

    real_trips: dict[str, np.ndarray | float] = {}
    for name in sorted(set(trips.observed) | set(trips.inferred)):
        k_inf = trips.inferred.get(name, 0)
        inf_real = rng.binomial(k_inf, share) if k_inf else 0
        real_trips[name] = trips.observed.get(name, 0) + np.asarray(inf_real, dtype=np.float64)

    total: np.ndarray | float = trips.known
    skipped: list[str] = []
    if per_trip_range is not None:
        lo, hi = per_trip_range
        per: np.ndarray | float = rng.uniform(lo, hi, n) if hi > lo else lo
        text = f"{lo:,.0f}" if lo == hi else f"{lo:,.0f}-{hi:,.0f}"
        upstream["per_trip"] = (per, "containers per trip (given)", text, False)
        assumptions.append(f"{text} containers per trip, as given, for every trip")
        for k in real_trips.values():
            total = total + k * per
        method = "shipments_x_per_trip"
    else:
        lf = model["load_factor"]
        load = lf.sample(n, rng)
        upstream["load_factor"] = (load, param_label(lf), lf.describe(), lf.unverified)
        if lf.unverified:
            unverified.append(unverified_phrase(lf))
        for name, k in real_trips.items():
            v = vessels[name]
            if v.teu_capacity is None:
                skipped.append(name)
                continue
            a, b = v.teu_capacity
            cap = rng.uniform(a, b, n) if b > a else float(a)
            text = f"{a:,.0f}-{b:,.0f} TEU" if b > a else f"{a:,.0f} TEU"
            upstream[f"teu_capacity.{name}"] = (cap, f"{name} capacity", text, True)
            unverified.append(f"assumes {name} capacity {text} (case file), unverified")
            total = total + k * cap * load
        assumptions.append(
            "containers per trip = vessel TEU capacity (case file) x load factor, all boxes 20 ft"
        )
        if skipped:
            assumptions.append(
                "no TEU capacity in the case file for " + ", ".join(skipped) + ": trips not counted"
            )
        method = "shipments_x_load"
    if trips.known_ids:
        assumptions.append(
            f"{len(trips.known_ids)} trips with a known count contribute {trips.known:,.0f} containers"
        )
    total_arr = np.broadcast_to(np.asarray(total, dtype=np.float64), (n,))
    inputs: dict[str, Any] = {
        "shipments": trips.ids,
        "observed_trips": dict(trips.observed),
        "inferred_trips": dict(trips.inferred),
        "known_count_shipments": trips.known_ids,
        "vessels": sorted(set(trips.vessel_of.values())),
        "period_requested": scope,
        "first_departure": trips.first.isoformat() if trips.first else None,
        "last_arrival": trips.last.isoformat() if trips.last else None,
        "catalogue": list(cat.sources),
    }
    if per_trip_range is not None:
        inputs["per_trip"] = list(per_trip_range)
    h = params_hash(
        {
            "catalogue": cat.hash(),
            "method": method,
            "per_trip": per_trip_range,
            "trips": trips.ids,
            "draws": n,
            "seed": seed,
            "capacities": {k: v.teu_capacity for k, v in sorted(vessels.items())},
        }
    )
    p05, p50, p95, mean = quantiles(total_arr)
    containers = EstimateResult(
        quantity="containers",
        method=method,
        p05=p05,
        p50=p50,
        p95=p95,
        mean=mean,
        unit="containers",
        item="containers",
        inputs=inputs,
        assumptions=tuple(assumptions),
        unverified=tuple(dict.fromkeys(unverified)),
        sensitivity=rank_sensitivity(total_arr, upstream),
        params_hash=h,
        draws=n,
        seed=seed,
        period_start=period[0],
        period_end=period[1],
        samples=total_arr,
    )
    results = [containers]

    quay = _quay_estimate(sightings, trips, vmap.imo_of, real_trips, cat, n, rng, seed, upstream)
    if quay is not None:
        results.append(quay)

    for m in muns:
        results.extend(
            rounds_estimates(
                total_arr,
                m,
                box,
                cat,
                n,
                rng,
                upstream={"containers": (total_arr, "total containers", "", False), **upstream},
                base_inputs={"shipments": trips.ids, "containers_estimate": containers.estimate_id},
                base_assumptions=(f"containers from the {method} estimate",),
                base_unverified=containers.unverified,
                hash_extra={"containers": h},
                seed=seed,
            )
        )
    return [replace(r, period_start=period[0], period_end=period[1]) for r in results]


def _quay_estimate(
    sightings: list[dict[str, Any]],
    trips: _Trips,
    imo_of: dict[int, int],
    real_trips: dict[str, np.ndarray | float],
    cat: Catalogue,
    n: int,
    rng: np.random.Generator,
    seed: int,
    upstream: dict[str, InputDraws],
) -> EstimateResult | None:
    """Containers from quay counts: matched trips take their count; the other trips take the
    mean of the matched counts, resampled (Bayesian bootstrap) to carry its uncertainty."""
    if not sightings or not trips.rows:
        return None
    matched = _match_sightings(sightings, trips, imo_of)
    if not matched:
        return None
    rel = cat.model["sighting_rel_error"]
    rel_err = rel.central
    sum_matched: np.ndarray | float = 0.0
    weighted = np.zeros(n)
    weights = np.zeros(n)
    for s, background in matched.values():
        lo, hi = _sighting_bounds(s, rel_err)
        lo, hi = max(lo - background, 0.0), max(hi - background, 0.0)
        v = rng.uniform(lo, hi, n) if hi > lo else np.full(n, lo)
        w = rng.exponential(1.0, n)
        sum_matched = sum_matched + v
        weighted += w * v
        weights += w
    mean_per_trip = weighted / weights
    all_trips_arr = len(trips.known_ids) + sum(
        np.asarray(k, dtype=np.float64) for k in real_trips.values()
    )
    others = np.maximum(np.asarray(all_trips_arr) - len(matched), 0.0)
    total = np.broadcast_to(sum_matched + others * mean_per_trip, (n,))
    p05, p50, p95, mean = quantiles(total)
    unverified = []
    if any(s["count_low"] is None or s["count_high"] is None for s, _ in matched.values()):
        unverified.append(unverified_phrase(rel))
    inputs = {
        "sightings": sorted(s["sighting_id"] for s, _ in matched.values()),
        "background": {str(s["place"]).upper(): b for s, b in matched.values()},
        "matched_shipments": sorted(matched),
        "shipments": trips.ids,
    }
    assumptions = (
        f"a trip's load is the highest quay count in the {ORIGIN_WINDOW_H[0]:.0f} h before it "
        f"leaves the origin port or the {DESTINATION_WINDOW_H[1]:.0f} h after it reaches the "
        f"destination, less the place's background stock ({BACKGROUND_QUANTILE:.0%} quantile "
        "of its counts)",
        "trips without a matched count carry the mean of the matched counts (Bayesian bootstrap)",
        "counts drawn uniformly between count_low and count_high",
    )
    sens_inputs = {k: v for k, v in upstream.items() if k == "inferred_trip_share"}
    sens_inputs["quay_mean"] = (mean_per_trip, "mean quay count per matched trip", "", False)
    return EstimateResult(
        quantity="containers",
        method="quay_sightings",
        p05=p05,
        p50=p50,
        p95=p95,
        mean=mean,
        unit="containers",
        item="containers",
        inputs=inputs,
        assumptions=assumptions,
        unverified=tuple(unverified),
        sensitivity=rank_sensitivity(total, sens_inputs),
        params_hash=params_hash({"sightings": inputs, "draws": n, "seed": seed}),
        draws=n,
        seed=seed,
    )


def _ensure_columns(ws: Workspace) -> None:
    """Add columns this stage's schema gained since the workspace was created."""
    have = {
        r[0]
        for r in ws.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'estimates'"
        ).fetchall()
    }
    for f in ESTIMATES:
        if f.name not in have:
            ws.con.execute(f'ALTER TABLE estimates ADD COLUMN "{f.name}" {duckdb_type(f.type)}')


def write_estimates(ws: Workspace, results: Sequence[EstimateResult], scope: str) -> int:
    """Write results to `estimates`, replacing earlier rows of the same requested period
    (`scope`, e.g. '2023-08-01..2024-02-29', or '*..*' for every trip)."""
    if not results:
        return 0
    now = datetime.now().replace(microsecond=0)
    rows = []
    for r in results:
        rows.append(
            {
                "estimate_id": r.estimate_id,
                "quantity": r.quantity,
                "item": r.item,
                "caliber": r.caliber,
                "method": r.method,
                "period_start": r.period_start,
                "period_end": r.period_end,
                "p05": r.p05,
                "p50": r.p50,
                "p95": r.p95,
                "mean": r.mean,
                "inputs": json.dumps(r.inputs, default=str),
                "assumptions": json.dumps(list(r.assumptions)),
                "unverified": json.dumps(list(r.unverified)),
                "params_hash": r.params_hash,
                "created_at": now,
                "unit": r.unit,
                "sensitivity": json.dumps([s.as_dict() for s in r.sensitivity]),
                "binding": json.dumps(r.binding) if r.binding is not None else None,
                "draws": r.draws,
                "seed": r.seed,
                "period_requested": scope,
            }
        )
    table = pa.Table.from_pylist(rows, schema=ESTIMATES)
    _ensure_columns(ws)
    with ws.transaction():
        ws.replace("estimates", table, where="period_requested = ?", params=[scope])
    return table.num_rows
