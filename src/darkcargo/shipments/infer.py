"""`infer`: observed and inferred (dark) port calls at the case's ports, and the shipments.

Steps, each in its own module:

1. vessels (`vessels`): the case's vessels by IMO, plus suspicious ones; each one's top and
   typical speed from its own reports;
2. windows (`candidates`): its AIS gaps, and for radar-only trips the silences around dark
   radar targets at watched ports whose length matches a silent case vessel;
3. candidates (`candidates`): the watched ports each window could hide a call at, by SEA
   distance (`router`, cached in the workspace) at the vessel's top speed with a minimum dwell;
4. corroboration (`evidence`, `scoring`): named terms (radar, sightings, history, course,
   draught ...) weighted by the preset, shared with "no call" per window;
5. calls and shipments (`explain`, `voyages`): the most likely port of each window becomes an
   inferred call when confident enough, with its evidence in words; calls chain into shipments.

Writes `port_calls` (observed calls copied from the `port_call` events at the case's ports, for
every vessel, and the inferred ones) and `shipments`, replacing earlier rows, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from darkcargo.config import Case, Port, load_case
from darkcargo.errors import InputError
from darkcargo.shipments import words
from darkcargo.shipments.candidates import (
    OPEN_HI,
    OPEN_LO,
    Candidates,
    SearchStats,
    Windows,
    in_port,
    search,
)
from darkcargo.shipments.evidence import (
    Scenes,
    Targets,
    fixes_around,
    fixes_near,
    load_observed_calls,
    load_scenes,
    load_sightings,
    load_silences,
    load_targets,
)
from darkcargo.shipments.explain import Context, explain
from darkcargo.shipments.kernels import idle_share, length_matches
from darkcargo.shipments.params import InferParams, load_infer_preset
from darkcargo.shipments.router import RouterStats, SeaRouter, direct_lower_bound
from darkcargo.shipments.schema import PORT_CALLS
from darkcargo.shipments.scoring import Facts, Scored, score, term_values
from darkcargo.shipments.vessels import (
    Speeds,
    imo_map,
    names_of,
    suspicious_mmsis,
    vessel_lengths,
    vessel_speeds,
    watched_mmsis,
)
from darkcargo.shipments.voyages import chain
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

RULE = "infer-v1"  # recorded in the workspace meta `shipments_rule`
Say = Callable[[str], None]


@dataclass
class InferReport:
    """What an infer run did."""

    rule: str
    preset: str
    params_hash: str
    vessels: dict[str, list[int]]  # case vessel -> MMSIs
    unmapped: list[str]
    by_name_only: list[str]
    suspicious: dict[int, str]  # MMSI -> why it was looked at
    windows: int  # gaps and radar-only windows searched
    radar_windows: int
    search: SearchStats
    candidates: int
    port_calls_observed: int
    port_calls_inferred: int
    inferred_by_port: dict[str, int]
    radar_only_calls: int
    below_threshold: int  # windows whose best call was under min_confidence
    shipments_observed: int
    shipments_inferred: int
    router: RouterStats
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def shipments(self) -> int:
        return self.shipments_observed + self.shipments_inferred

    @property
    def gaps_considered(self) -> int:
        return self.windows - self.radar_windows


def _sid(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _unit_confidence(value: float | None) -> float:
    """A port call's confidence on the 0-1 scale (missing -> 1.0; GFW's 1-4 levels -> /4)."""
    if value is None:
        return 1.0
    v = float(value)
    return v / 4.0 if v > 1.0 else v


def events_fingerprint(ws: Workspace) -> str:
    """Cheap fingerprint of the events table, to know when shipments need rebuilding."""
    row = ws.con.execute(
        "SELECT count(*), coalesce(sum(hash(event_id)), 0) FROM events "
        "WHERE kind IN ('port_call', 'gap')"
    ).fetchall()
    return f"{row[0][0]}:{row[0][1]}" if row else "0:0"


def _ports_of(case: Case, spec: str | None, default: tuple[str, ...], what: str) -> set[str]:
    """Port ids from --origin/--destination: country codes or port ids, comma-separated."""
    if not spec:
        return set(default)
    out: set[str] = set()
    for token in (t.strip().upper() for t in spec.split(",") if t.strip()):
        hit = {
            p.id
            for p in case.ports
            if p.kind == "port" and (p.id == token or (p.country or "").upper() == token)
        }
        if not hit:
            raise InputError(
                f"--{what}", f"{token!r} is neither a port id nor a country of the case's ports"
            )
        out |= hit
    return out


def infer(
    workspace: Workspace | str | Path,
    case: Case | str | None = None,
    preset: InferParams | str | Path | None = None,
    *,
    max_speed_kn: float | None = None,
    origin: str | None = None,
    destination: str | None = None,
    all_vessels: bool = False,
    say: Say | None = None,
) -> InferReport:
    """Infer dark port calls and build shipments in the workspace (replacing earlier rows).

    `max_speed_kn` caps every vessel's top speed (and is the default when a vessel's own
    reports are too few); `origin`/`destination` override the case's port lists with country
    codes or port ids (e.g. "KP" and "RU"); `all_vessels` searches every vessel's gaps, not only
    the case's and the suspicious ones'.
    """
    the_case = case if isinstance(case, Case) else load_case(case)
    params = preset if isinstance(preset, InferParams) else load_infer_preset(preset)
    if max_speed_kn is not None:
        if max_speed_kn <= 0:
            raise InputError("--max-speed", f"{max_speed_kn} kn is not a speed")
        params = params.replace(
            "speed",
            default_top_kn=max_speed_kn,
            max_top_kn=max_speed_kn,
            min_top_kn=min(params.speed.min_top_kn, max_speed_kn),
        )
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace, must_exist=True)
    try:
        return _infer(ws, the_case, params, origin, destination, all_vessels, say or log.info)
    finally:
        if not isinstance(workspace, Workspace):
            ws.close()


def _infer(
    ws: Workspace,
    case: Case,
    params: InferParams,
    origin: str | None,
    destination: str | None,
    all_vessels: bool,
    say: Say,
) -> InferReport:
    started = time.perf_counter()
    origin_ids = _ports_of(case, origin, case.origin_ports, "origin")
    dest_ids = _ports_of(case, destination, case.destination_ports, "destination")
    sea_ports = [p for p in case.ports if p.kind == "port"]
    ports = [p for p in sea_ports if p.watched or p.id in origin_ids | dest_ids]
    ph, preset = params.params_hash, params.name

    vmap = watched_mmsis(ws, case)
    watched = {m for ms in vmap.mmsis.values() for m in ms}
    suspicious = suspicious_mmsis(ws, case, params, watched)
    looked_at = sorted(watched | set(suspicious))
    if all_vessels:
        everyone = ws.arrow("SELECT DISTINCT mmsi FROM events WHERE kind = 'gap'")
        looked_at = sorted(set(looked_at) | set(everyone.column("mmsi").to_pylist()))
    notes: list[str] = []
    if vmap.unmapped:
        notes.append(
            "no MMSI found for "
            + ", ".join(vmap.unmapped)
            + " (no IMO in statics and none in the case)"
        )
    if vmap.by_name_only:
        notes.append(
            "matched by AIS name only (no IMO or MMSI in the case): " + ", ".join(vmap.by_name_only)
        )
    say(f"infer: {len(watched)} case vessel identities, {len(suspicious)} suspicious")

    speeds = vessel_speeds(ws, looked_at, params.speed)
    lengths = vessel_lengths(ws, case, vmap, looked_at)
    imo_of = imo_map(ws, vmap)
    calls = load_observed_calls(ws, [p.id for p in case.ports])
    silences = load_silences(ws, looked_at, params.reach.max_gap_days)
    win = Windows.from_silences(silences)

    say("infer: sea distances for the case's ports")
    router = SeaRouter.open(sea_ports, case.bbox, None if ws.read_only else ws)
    targets = load_targets(ws, ports, params.radar.port_margin_km, OPEN_LO, OPEN_HI)
    radar_rows = _radar_windows(ws, targets, sorted(watched), lengths, win, params)
    win.extend(radar_rows)
    n = len(win)
    radar_port = np.full(n, -1, np.int64)
    radar_ts = np.zeros(n, np.int64)
    is_radar = win.radar_target >= 0
    radar_port[is_radar] = targets.port[win.radar_target[is_radar]]
    radar_ts[is_radar] = targets.ts[win.radar_target[is_radar]]

    top = np.array([speeds.top(int(m), params.speed.default_top_kn) for m in win.mmsi.tolist()])
    typ = np.array(
        [speeds.typical(int(m), params.speed.default_typical_kn) for m in win.mmsi.tolist()]
    )
    say(f"infer: searching {n} silences for calls at {len(ports)} watched ports")
    cand, stats = search(win, router, ports, top, typ, params, radar_port, radar_ts)

    facts = _facts(
        win, sea_ports, router, params, watched, lengths, typ, top, imo_of, calls.history
    )
    scenes = load_scenes(ws, ports, OPEN_LO, OPEN_HI)
    sightings = load_sightings(ws, ports)
    scored = score(win, cand, ports, origin_ids, facts, targets, scenes, sightings, params)

    names = names_of(ws, sorted(set(win.mmsi.tolist())))
    names.update({m: name for name, ms in vmap.mmsis.items() for m in ms})
    prev, nxt = _neighbour_calls(win, calls.rows)
    ctx = Context(ports, origin_ids, names, prev, nxt)
    inferred_rows, below = _inferred_calls(
        win, cand, scored, facts, targets, scenes, ctx, params, imo_of, speeds
    )

    observed_rows = [
        {
            "call_id": f"pc-{r['event_id']}",
            "mmsi": r["mmsi"],
            "imo": imo_of.get(r["mmsi"]),
            "port_id": r["port_id"],
            "arrival_ts": r["start_ts"],
            "departure_ts": r["end_ts"],
            "kind": "observed",
            "confidence": _unit_confidence(r["confidence"]),
            "evidence": json.dumps(
                {"events": [r["event_id"]]}
                | (
                    {"ais_off_in_port": True, "left_after": r["left_after"].isoformat()}
                    if r["left_after"] is not None
                    else {}
                )
            ),
            "preset": r["preset"],
            "params_hash": r["params_hash"],
        }
        for r in calls.rows
    ]
    all_calls = observed_rows + inferred_rows
    pc_table = pa.Table.from_pylist(all_calls, schema=PORT_CALLS)
    sh_table = chain(
        all_calls, origin_ids, dest_ids, imo_of, router.port_distance, RULE, preset, ph
    )
    n_inf_sh = int(sum(sh_table.column("inferred").to_pylist()))
    if not ws.read_only:
        with ws.transaction():
            ws.replace("port_calls", pc_table)
            ws.replace("shipments", sh_table)
            router.flush()
            ws.set_meta("shipments_rule", RULE)
            ws.set_meta("shipments_params_hash", ph)
            ws.set_meta("shipments_preset", preset)
            ws.set_meta("shipments_events_fingerprint", events_fingerprint(ws))
    by_port: dict[str, int] = {}
    for r in inferred_rows:
        by_port[r["port_id"]] = by_port.get(r["port_id"], 0) + 1
    report = InferReport(
        rule=RULE,
        preset=preset,
        params_hash=ph,
        vessels=vmap.mmsis,
        unmapped=vmap.unmapped,
        by_name_only=list(vmap.by_name_only),
        suspicious=suspicious,
        windows=n,
        radar_windows=int(is_radar.sum()),
        search=stats,
        candidates=len(cand),
        port_calls_observed=len(observed_rows),
        port_calls_inferred=len(inferred_rows),
        inferred_by_port=dict(sorted(by_port.items())),
        radar_only_calls=sum(
            1 for r in inferred_rows if json.loads(r["evidence"])["window"] == "radar"
        ),
        below_threshold=below,
        shipments_observed=sh_table.num_rows - n_inf_sh,
        shipments_inferred=n_inf_sh,
        router=router.stats,
        seconds=time.perf_counter() - started,
        notes=notes,
    )
    log.info(
        "infer: %d inferred calls, %d shipments (%d inferred), %.1f s",
        report.port_calls_inferred,
        report.shipments,
        n_inf_sh,
        report.seconds,
    )
    return report


def _facts(
    win: Windows,
    ports: list[Port],
    router: SeaRouter,
    params: InferParams,
    watched: set[int],
    lengths: dict[int, float],
    typ: np.ndarray,
    top: np.ndarray,
    imo_of: dict[int, int],
    history: dict[tuple[int, str], list[int]],
) -> Facts:
    snap_km = params.reach.max_snap_km
    has = np.isfinite(win.lat0) & np.isfinite(win.lat1)
    lat0, lon0 = np.nan_to_num(win.lat0), np.nan_to_num(win.lon0)
    lat1, lon1 = np.nan_to_num(win.lat1), np.nan_to_num(win.lon1)
    n0, s0 = router.locate(lat0, lon0, snap_km)
    n1, s1 = router.locate(lat1, lon1, snap_km)
    direct = direct_lower_bound(router, n0, s0, lat0, lon0, n1, s1, lat1, lon1)
    gap_h = (win.t1 - win.t0) / 3.6e9
    idle = np.where(has, idle_share(gap_h, direct, typ), 0.0)
    mmsi = win.mmsi.tolist()
    in0, in1 = in_port(win, ports, params.reach.in_port_km)
    off = np.array(win.off_port, dtype=object)
    on = np.array(win.on_port, dtype=object)
    stayed = (in0 & in1).any(axis=1) | (
        win.starts_in_port & win.ends_in_port & (off == on) & (off != None)  # noqa: E711
    )
    return Facts(
        watched=np.array([m in watched for m in mmsi], dtype=bool),
        length_m=np.array([lengths.get(m, np.nan) for m in mmsi]),
        typical_kn=typ,
        top_kn=top,
        idle=idle,
        direct_m=direct,
        imo=np.array([imo_of.get(m) or 0 for m in mmsi], dtype=np.int64),
        history=history,
        stayed=np.asarray(stayed, dtype=bool),
    )


def _radar_windows(
    ws: Workspace,
    targets: Targets,
    watched: list[int],
    lengths: dict[int, float],
    win: Windows,
    params: InferParams,
) -> list[dict[str, Any]]:
    """Radar-only trips: a dark target at a watched port whose length matches a case vessel
    that was silent then (no AIS fix within fix_margin_hours, and not inside one of its gaps,
    which the gap search already weighs the target in). The window runs from the vessel's last
    fix before the image to its first fix after (open when there is none, but the other must be
    within max_gap_days of the image)."""
    rp = params.radar
    dark = np.flatnonzero(targets.dark)
    pairs: list[tuple[int, int]] = []
    for m in watched:
        if m not in lengths:
            continue
        fit = dark[
            length_matches(
                targets.length_m[dark],
                np.full(dark.size, lengths[m]),
                rp.length_tolerance_m,
                rp.length_tolerance_share,
            )
        ]
        in_gap = (
            (win.mmsi == m)[:, None]
            & (win.t0[:, None] < targets.ts[fit][None, :])
            & (targets.ts[fit][None, :] < win.t1[:, None])
        )
        pairs += [(int(b), m) for b in fit[~in_gap.any(axis=0)].tolist()]
    if not pairs:
        return []
    seen = fixes_near(ws, watched, targets.ts, int(rp.fix_margin_hours * 3.6e9))
    max_gap = int(params.reach.max_gap_days * 86400e6)
    rows: list[dict[str, Any]] = []
    for b, m in pairs:
        if (b, m) in seen:
            continue
        ts = int(targets.ts[b])
        before, after = fixes_around(ws, m, ts)
        # as for gaps: a silence longer than max_gap_days (or with no AIS on either side)
        # leaves the vessel anywhere, and says nothing about this target
        if before is None and after is None:
            continue
        if (before is not None and ts - before["t"] > max_gap) or (
            after is not None and after["t"] - ts > max_gap
        ):
            continue
        rows.append(
            {
                "source": f"radar:{targets.id[b]}",
                "kind": "radar",
                "mmsi": m,
                # without a fix on one side, the window reaches max_gap_days from the image
                "t0": before["t"] if before else ts - max_gap,
                "t1": after["t"] if after else ts + max_gap,
                "lat0": before["lat"] if before else None,
                "lon0": before["lon"] if before else None,
                "sog0": before["sog"] if before else None,
                "cog0": before["cog"] if before else None,
                "lat1": after["lat"] if after else None,
                "lon1": after["lon"] if after else None,
                "sog1": after["sog"] if after else None,
                "cog1": after["cog"] if after else None,
                "off_port": None,
                "on_port": None,
                "radar_target": b,
            }
        )
    return rows


def _neighbour_calls(
    win: Windows, calls: list[dict[str, Any]]
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Per window, the vessel's observed call ending last before it and starting first after."""
    by_mmsi: dict[int, list[dict[str, Any]]] = {}
    for r in calls:
        by_mmsi.setdefault(int(r["mmsi"]), []).append(r)
    prev: dict[int, dict[str, Any]] = {}
    nxt: dict[int, dict[str, Any]] = {}
    for k, (m, t0, t1) in enumerate(
        zip(win.mmsi.tolist(), win.t0.tolist(), win.t1.tolist(), strict=True)
    ):
        rows = by_mmsi.get(m, [])
        before = [r for r in rows if r["t1"] <= t0 + 3.6e9]
        after = [r for r in rows if r["t0"] >= t1 - 3.6e9]
        if before:
            prev[k] = max(before, key=lambda r: r["t1"])
        if after:
            nxt[k] = min(after, key=lambda r: r["t0"])
    return prev, nxt


def _minute(us: int) -> datetime:
    """An estimated time, to the minute (UTC, naive)."""
    return datetime.fromtimestamp(round(us / 60e6) * 60, UTC).replace(tzinfo=None)


def _coords(lat: np.ndarray, lon: np.ndarray) -> list[list[float]]:
    return [[round(float(a), 4), round(float(b), 4)] for a, b in zip(lat, lon, strict=True)]


def _inferred_calls(
    win: Windows,
    cand: Candidates,
    scored: Scored,
    facts: Facts,
    targets: Targets,
    scenes: Scenes,
    ctx: Context,
    params: InferParams,
    imo_of: dict[int, int],
    speeds: Speeds,
) -> tuple[list[dict[str, Any]], int]:
    """The most likely port of each window, as a port_calls row when confident enough."""
    rows: list[dict[str, Any]] = []
    below = 0
    if not len(cand):
        return rows, 0
    order = np.lexsort((-scored.confidence, cand.w))
    first = np.ones(order.size, dtype=bool)
    first[1:] = cand.w[order][1:] != cand.w[order][:-1]
    best = order[first]
    min_dwell_us = int(params.reach.min_dwell_hours * 3.6e9)
    for c in best.tolist():
        conf = float(scored.confidence[c])
        if conf < params.score.min_confidence:
            below += 1
            continue
        w, p = int(cand.w[c]), int(cand.p[c])
        m = int(win.mmsi[w])
        port = ctx.ports[p]
        if win.kind[w] == "radar":
            ts = int(targets.ts[win.radar_target[w]])
            arrive = max(ts - min_dwell_us // 2, int(cand.arrive_top[c]))
            depart = min(ts + min_dwell_us // 2, int(cand.depart_top[c]))
        elif cand.fits_typical[c]:
            arrive, depart = int(cand.arrive_typ[c]), int(cand.depart_typ[c])
        else:
            arrive, depart = int(cand.arrive_top[c]), int(cand.depart_top[c])
        words_ = explain(c, win, cand, scored, facts, targets, scenes, ctx, params)
        has0, has1 = bool(np.isfinite(win.lat0[w])), bool(np.isfinite(win.lat1[w]))
        is_gap = win.kind[w] == "gap"
        n_speed = speeds.samples.get(m, 0)
        evidence = {
            "rule": RULE,
            "window": win.kind[w],
            "events": [win.source[w]] if is_gap else [],
            "detections": list(
                dict.fromkeys(
                    ([win.source[w].removeprefix("radar:")] if not is_gap else [])
                    + [targets.id[b] for b in scored.radar_hits[c]]
                )
            ),
            "sightings": [r["sighting_id"] for r in scored.sighted_here[c]],
            **words_,
            "terms": term_values(scored, c),
            "logit": round(float(scored.logit[c]), 3),
            "no_call_logit": round(float(scored.none_logit[w]), 3),
            "sea_nm_in": round(float(cand.d_in[c]) / 1852.0, 1),
            "sea_nm_out": round(float(cand.d_out[c]) / 1852.0, 1),
            "top_speed_kn": round(float(facts.top_kn[w]), 1),
            "typical_speed_kn": round(float(facts.typical_kn[w]), 1),
            "speeds_from": f"{n_speed} underway AIS reports" if n_speed else "preset defaults",
            "earliest_arrival": words.iso(int(cand.arrive_top[c])) if has0 else None,
            "latest_departure": words.iso(int(cand.depart_top[c])) if has1 else None,
            "gap_start": words.iso(int(win.t0[w])) if has0 else None,
            "gap_end": words.iso(int(win.t1[w])) if has1 else None,
            "route_in": _coords(cand.legs_in[c].lat, cand.legs_in[c].lon),
            "route_out": _coords(cand.legs_out[c].lat[::-1], cand.legs_out[c].lon[::-1]),
        }
        rows.append(
            {
                "call_id": f"ipc-{_sid(win.source[w], port.id)}",
                "mmsi": m,
                "imo": imo_of.get(m),
                "port_id": port.id,
                "arrival_ts": _minute(arrive),
                "departure_ts": _minute(depart),
                "kind": "inferred",
                "confidence": conf,
                "evidence": json.dumps(evidence),
                "preset": params.name,
                "params_hash": params.params_hash,
            }
        )
    rows.sort(key=lambda r: (r["mmsi"], r["arrival_ts"]))
    return rows, below
