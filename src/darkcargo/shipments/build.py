"""Shipments rule v1: a first, deliberately simple rule set from `events` to shipments.

For each watched vessel (the case's vessels, matched by IMO through `statics`, or by the MMSI the
case gives), every call at a destination port is the end of a shipment when, since the vessel's
previous destination-port call, it either

- called at an origin port (an *observed* shipment from that port), or
- went dark in a `gap` long enough to reach an origin port and come back (an *inferred*
  shipment: origin = the reachable origin port with the shortest detour, or unknown when the gap
  has no positions; inferred = True and a lower confidence).

A gap that lies inside one long destination-port call (AIS off at the pier, back on at the pier)
counts too, when an origin port is reachable within it. A call whose AIS went off in port (it
ends when the vessel left at the latest) bounds the next search window by its last fix in port,
so a dark trip begun during that silence is still found.

Rule v1 owns the `port_calls` and `shipments` tables: building replaces every row in them.
Observed port calls are copied from the `port_call` events at the case's ports; inferred calls
are added at the inferred origin ports. Great-circle distances are lower bounds of sea routes,
so the reachability test errs on the side of keeping a candidate.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from darkcargo.config import Case, load_case
from darkcargo.geo.distance import haversine_m
from darkcargo.shipments.schema import PORT_CALLS, SHIPMENTS
from darkcargo.sightings.load import query_arrow
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

RULE = "v1"
NM_M = 1852.0


@dataclass(frozen=True)
class RuleParams:
    """Thresholds of rule v1 (hashed into the workspace meta and each shipment's evidence)."""

    max_speed_kn: float = 16.0  # fastest plausible speed of a loaded carrier across a gap
    min_origin_dwell_hours: float = 6.0  # time at an origin port to load
    tolerance_hours: float = 2.0  # slack when ordering calls and gaps in time
    lookback_days: float = 21.0  # window before a vessel's first destination call
    unknown_origin_min_gap_hours: float = 24.0  # gap without positions long enough to count
    inferred_confidence: float = 0.6  # an origin port is reachable within the gap
    unknown_origin_confidence: float = 0.3  # the gap has no positions to test reachability

    def hash(self) -> str:
        blob = json.dumps({"rule": RULE, **asdict(self)}, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class ShipmentsReport:
    """What a build did."""

    rule: str
    params_hash: str
    vessels: dict[str, list[int]]  # watched vessel name -> MMSIs found for it
    unmapped: list[str]  # watched vessels with neither an IMO in statics nor an MMSI
    by_name_only: list[str]  # watched vessels matched by AIS name (no IMO/MMSI in the case)
    port_calls_observed: int
    port_calls_inferred: int
    shipments_observed: int
    shipments_inferred: int
    gaps_considered: int
    gaps_rejected: int  # no origin port reachable within the gap
    notes: list[str] = field(default_factory=list)

    @property
    def shipments(self) -> int:
        return self.shipments_observed + self.shipments_inferred


@dataclass
class _Call:
    id: str
    port: str
    start: datetime
    end: datetime
    event_id: str
    # last fix in port; before `end` when AIS went off in port (the call then ends when the
    # vessel left at the latest, and a dark trip may start any time after this)
    seen_end: datetime | None = None

    @property
    def last_seen(self) -> datetime:
        return self.seen_end or self.end


@dataclass
class _Gap:
    event_id: str
    start: datetime
    end: datetime
    lat0: float | None
    lon0: float | None
    lat1: float | None
    lon1: float | None


@dataclass
class _Origin:
    port: str | None
    arrive: datetime | None
    depart: datetime | None
    confidence: float


def _sid(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _unit_confidence(value: float | None) -> float:
    """A port call's confidence on the 0-1 scale (missing -> 1.0; GFW's 1-4 levels -> /4)."""
    if value is None:
        return 1.0
    v = float(value)
    return v / 4.0 if v > 1.0 else v


def _finite(*xs: float | None) -> bool:
    return all(x is not None and np.isfinite(x) for x in xs)


def reachable_origin(
    gap: _Gap, origins: Sequence[tuple[str, float, float]], params: RuleParams
) -> _Origin | None:
    """The origin port with the shortest detour that fits in the gap, or None if none fits.

    Without positions at both ends, a long enough gap gives an unknown origin.
    """
    hours = (gap.end - gap.start).total_seconds() / 3600.0
    if not _finite(gap.lat0, gap.lon0, gap.lat1, gap.lon1):
        if hours >= params.unknown_origin_min_gap_hours:
            return _Origin(None, None, None, params.unknown_origin_confidence)
        return None
    if not origins:
        return None
    assert gap.lat0 is not None and gap.lon0 is not None  # checked by _finite above
    assert gap.lat1 is not None and gap.lon1 is not None
    lat = np.array([o[1] for o in origins])
    lon = np.array([o[2] for o in origins])
    d_in = haversine_m(gap.lat0, gap.lon0, lat, lon) / NM_M
    d_out = haversine_m(lat, lon, gap.lat1, gap.lon1) / NM_M
    need_h = (d_in + d_out) / params.max_speed_kn + params.min_origin_dwell_hours
    ok = need_h <= hours
    if not ok.any():
        return None
    k = int(np.argmin(np.where(ok, d_in + d_out, np.inf)))
    arrive = gap.start + timedelta(hours=float(d_in[k] / params.max_speed_kn))
    depart = gap.end - timedelta(hours=float(d_out[k] / params.max_speed_kn))
    return _Origin(origins[k][0], arrive, depart, params.inferred_confidence)


@dataclass(frozen=True)
class VesselMap:
    """The case's vessels as AIS identities."""

    mmsis: dict[str, list[int]]  # vessel name -> MMSIs
    imo_of: dict[int, int]  # MMSI -> the case's IMO for it
    unmapped: list[str]  # vessels with no AIS identity found
    by_name_only: list[str]  # vessels without IMO or MMSI in the case, matched by AIS name


def _norm_name(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def watched_mmsis(ws: Workspace, case: Case, match_names: bool = True) -> VesselMap:
    """Map the case's vessels to MMSIs: by IMO through `statics`, plus any MMSI the case gives.

    A vessel with neither IMO nor MMSI in the case (MAIA-1 in the built-in case) is matched by
    its AIS name when `match_names` is set, and reported as such: a name is weak evidence
    (several ships are called ANGARA), so only those vessels are ever matched by name.
    """
    imos = [v.imo for v in case.vessels if v.imo]
    pairs: list[tuple[int, int]] = []
    if imos:
        t = query_arrow(
            ws,
            "SELECT DISTINCT mmsi, imo FROM statics WHERE imo IN (SELECT unnest(?)) "
            "AND mmsi IS NOT NULL",
            [imos],
        )
        pairs = list(zip(t.column("mmsi").to_pylist(), t.column("imo").to_pylist(), strict=True))
    mmsis: dict[str, list[int]] = {}
    imo_of: dict[int, int] = {}
    unmapped: list[str] = []
    for v in case.vessels:
        found = sorted(
            {m for m, i in pairs if v.imo and i == v.imo} | ({v.mmsi} if v.mmsi else set())
        )
        if found:
            mmsis[v.name] = found
            for m in found:
                if v.imo:
                    imo_of[m] = v.imo
    claimed = {m for ms in mmsis.values() for m in ms}
    by_name_only: list[str] = []
    for v in case.vessels:
        if v.name in mmsis:
            continue
        if match_names and not v.imo and not v.mmsi:
            t = query_arrow(
                ws,
                "SELECT DISTINCT mmsi, name FROM statics WHERE name IS NOT NULL "
                "AND mmsi IS NOT NULL",
            )
            key = _norm_name(v.name)
            found = sorted(
                {
                    m
                    for m, n in zip(
                        t.column("mmsi").to_pylist(), t.column("name").to_pylist(), strict=True
                    )
                    if _norm_name(n) == key and m not in claimed
                }
            )
            if found:
                mmsis[v.name] = found
                by_name_only.append(v.name)
                continue
        unmapped.append(v.name)
    return VesselMap(mmsis, imo_of, unmapped, by_name_only)


def events_fingerprint(ws: Workspace) -> str:
    """Cheap fingerprint of the events table, to know when shipments need rebuilding."""
    row = ws.con.execute(
        "SELECT count(*), coalesce(sum(hash(event_id)), 0) FROM events "
        "WHERE kind IN ('port_call', 'gap')"
    ).fetchall()
    return f"{row[0][0]}:{row[0][1]}" if row else "0:0"


def build_shipments(
    workspace: Workspace | str | Path,
    case: Case | None = None,
    params: RuleParams | None = None,
) -> ShipmentsReport:
    """Fill `port_calls` and `shipments` from `events` by rule v1 (replacing earlier rows)."""
    case = case or load_case()
    params = params or RuleParams()
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    try:
        return _build(ws, case, params)
    finally:
        if not isinstance(workspace, Workspace):
            ws.close()


def _build(ws: Workspace, case: Case, params: RuleParams) -> ShipmentsReport:
    origin_ids = set(case.origin_ports)
    dest_ids = set(case.destination_ports)
    origins = [(p, case.port(p).lat, case.port(p).lon) for p in case.origin_ports]
    vmap = watched_mmsis(ws, case)
    by_name, mmsi_imo, unmapped = vmap.mmsis, vmap.imo_of, vmap.unmapped
    watched = sorted({m for ms in by_name.values() for m in ms})
    notes: list[str] = []
    if unmapped:
        notes.append(
            "no MMSI found for " + ", ".join(unmapped) + " (no IMO in statics and none in the case)"
        )
    if vmap.by_name_only:
        notes.append(
            "matched by AIS name only (no IMO or MMSI in the case): " + ", ".join(vmap.by_name_only)
        )

    case_ports = sorted(origin_ids | dest_ids)
    # observed port calls at the case's ports, every vessel
    calls_t = query_arrow(
        ws,
        "SELECT event_id, mmsi, port_id, start_ts, end_ts, confidence, evidence, "
        "CASE WHEN json_valid(details) THEN "
        "TRY_CAST(json_extract_string(details, '$.left_after') AS TIMESTAMP) END AS left_after "
        "FROM events "
        "WHERE kind = 'port_call' AND port_id IN (SELECT unnest(?)) ORDER BY mmsi, start_ts",
        [case_ports],
    )
    imo_t = query_arrow(
        ws,
        "SELECT mmsi, arg_max(imo, ts) AS imo FROM statics WHERE imo IS NOT NULL GROUP BY mmsi",
    )
    imo_of = dict(
        zip(imo_t.column("mmsi").to_pylist(), imo_t.column("imo").to_pylist(), strict=True)
    )
    imo_of.update(mmsi_imo)
    pc_rows: dict[str, list] = {n: [] for n in PORT_CALLS.names}

    def add_call(row: dict) -> None:
        for n in PORT_CALLS.names:
            pc_rows[n].append(row.get(n))

    calls_by_mmsi: dict[int, list[_Call]] = {}
    for r in calls_t.to_pylist():
        cid = f"pc-{r['event_id']}"
        add_call(
            {
                "call_id": cid,
                "mmsi": r["mmsi"],
                "imo": imo_of.get(r["mmsi"]),
                "port_id": r["port_id"],
                "arrival_ts": r["start_ts"],
                "departure_ts": r["end_ts"],
                "kind": "observed",
                # the event's 0-1 confidence (older workspaces stored GFW's 1-4: rescaled)
                "confidence": _unit_confidence(r["confidence"]),
                "evidence": json.dumps(
                    {"events": [r["event_id"]]}
                    | (
                        {"ais_off_in_port": True, "left_after": r["left_after"].isoformat()}
                        if r["left_after"] is not None
                        else {}
                    )
                ),
            }
        )
        calls_by_mmsi.setdefault(r["mmsi"], []).append(
            _Call(cid, r["port_id"], r["start_ts"], r["end_ts"], r["event_id"], r["left_after"])
        )
    n_observed_calls = calls_t.num_rows

    gaps_t = query_arrow(
        ws,
        "SELECT event_id, mmsi, start_ts, end_ts, lat, lon, end_lat, end_lon FROM events "
        "WHERE kind = 'gap' AND mmsi IN (SELECT unnest(?)) ORDER BY mmsi, start_ts",
        [watched or [-1]],
    )
    gaps_by_mmsi: dict[int, list[_Gap]] = {}
    for r in gaps_t.to_pylist():
        gaps_by_mmsi.setdefault(r["mmsi"], []).append(
            _Gap(
                r["event_id"],
                r["start_ts"],
                r["end_ts"],
                r["lat"],
                r["lon"],
                r["end_lat"],
                r["end_lon"],
            )
        )

    tol = timedelta(hours=params.tolerance_hours)
    lookback = timedelta(days=params.lookback_days)
    ph = params.hash()
    sh_rows: dict[str, list] = {n: [] for n in SHIPMENTS.names}
    n_obs = n_inf = n_inf_calls = considered = rejected = 0

    def add_shipment(
        mmsi: int,
        dest: _Call,
        arrive: datetime,
        origin_port: str | None,
        origin_call: str | None,
        depart: datetime | None,
        inferred: bool,
        events: list[str],
        confidence: float,
        reason: str,
    ) -> None:
        for n, v in {
            "shipment_id": _sid(RULE, mmsi, dest.id, arrive.isoformat()),
            "mmsi": mmsi,
            "imo": imo_of.get(mmsi),
            "origin_port": origin_port,
            "origin_call": origin_call,
            "destination_port": dest.port,
            "destination_call": dest.id,
            "depart_ts": depart,
            "arrive_ts": arrive,
            "inferred": inferred,
            "confidence": confidence,
            "containers": None,
            "evidence": json.dumps(
                {
                    "rule": RULE,
                    "params_hash": ph,
                    "events": events,
                    "confidence": confidence,
                    "reason": reason,
                }
            ),
        }.items():
            sh_rows[n].append(v)

    used: set[str] = set()  # a gap makes at most one shipment

    def infer(gap: _Gap) -> _Origin | None:
        nonlocal considered, rejected
        if gap.event_id in used:
            return None
        considered += 1
        origin = reachable_origin(gap, origins, params)
        if origin is None:
            rejected += 1
        return origin

    def add_inferred_call(mmsi: int, gap: _Gap, origin: _Origin) -> str | None:
        nonlocal n_inf_calls
        if origin.port is None:
            return None
        cid = f"ipc-{_sid(gap.event_id, origin.port)}"
        add_call(
            {
                "call_id": cid,
                "mmsi": mmsi,
                "imo": imo_of.get(mmsi),
                "port_id": origin.port,
                "arrival_ts": origin.arrive,
                "departure_ts": origin.depart,
                "kind": "inferred",
                "confidence": origin.confidence,
                "evidence": json.dumps({"events": [gap.event_id], "rule": RULE, "params_hash": ph}),
            }
        )
        n_inf_calls += 1
        return cid

    for mmsi in watched:
        calls = calls_by_mmsi.get(mmsi, [])
        gaps = gaps_by_mmsi.get(mmsi, [])
        dests = [c for c in calls if c.port in dest_ids]
        prev_end: datetime | None = None
        for d in dests:
            lo = (prev_end - tol) if prev_end is not None else (d.start - lookback)
            hi = d.start + tol
            o_calls = [c for c in calls if c.port in origin_ids and c.start >= lo and c.end <= hi]
            if o_calls:
                o = max(o_calls, key=lambda c: c.end)
                add_shipment(
                    mmsi,
                    d,
                    d.start,
                    o.port,
                    o.id,
                    o.end,
                    False,
                    [o.event_id, d.event_id],
                    1.0,
                    "origin-port call before destination call",
                )
                n_obs += 1
            else:
                window = [g for g in gaps if g.start >= lo and g.end <= hi]
                best: tuple[_Gap, _Origin] | None = None
                for g in sorted(window, key=lambda g: g.end - g.start, reverse=True):
                    origin = infer(g)
                    if origin is not None:
                        best = (g, origin)
                        break
                if best is not None:
                    g, origin = best
                    used.add(g.event_id)
                    icid = add_inferred_call(mmsi, g, origin)
                    add_shipment(
                        mmsi,
                        d,
                        d.start,
                        origin.port,
                        icid,
                        origin.depart or g.start,
                        True,
                        [g.event_id, d.event_id],
                        origin.confidence,
                        "dark gap before destination call, origin "
                        + ("reachable" if origin.port else "unknown"),
                    )
                    n_inf += 1
            # AIS off and on again inside one destination call: a round trip may hide in it
            for g in gaps:
                if g.start >= d.start and g.end <= d.end + tol:
                    origin = infer(g)
                    if origin is None:
                        continue
                    used.add(g.event_id)
                    icid = add_inferred_call(mmsi, g, origin)
                    add_shipment(
                        mmsi,
                        d,
                        g.end,
                        origin.port,
                        icid,
                        origin.depart or g.start,
                        True,
                        [g.event_id, d.event_id],
                        origin.confidence,
                        "dark gap inside a destination call, origin "
                        + ("reachable" if origin.port else "unknown"),
                    )
                    n_inf += 1
            prev_end = d.last_seen

    pc_table = pa.table(pc_rows, schema=PORT_CALLS)
    sh_table = pa.table(sh_rows, schema=SHIPMENTS)
    with ws.transaction():
        ws.replace("port_calls", pc_table)
        ws.replace("shipments", sh_table)
        ws.set_meta("shipments_rule", RULE)
        ws.set_meta("shipments_params_hash", ph)
        ws.set_meta("shipments_events_fingerprint", events_fingerprint(ws))
    log.info(
        "rule %s: %d observed + %d inferred shipments; %d gaps considered, %d rejected",
        RULE,
        n_obs,
        n_inf,
        considered,
        rejected,
    )
    return ShipmentsReport(
        rule=RULE,
        params_hash=ph,
        vessels=by_name,
        unmapped=unmapped,
        by_name_only=list(vmap.by_name_only),
        port_calls_observed=n_observed_calls,
        port_calls_inferred=n_inf_calls,
        shipments_observed=n_obs,
        shipments_inferred=n_inf,
        gaps_considered=considered,
        gaps_rejected=rejected,
        notes=notes,
    )
