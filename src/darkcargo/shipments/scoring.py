"""How likely each candidate call is: named terms, weighted, shared with "no call" per window.

For candidate c (a port p in window w) the logit is

    base + sum over terms t of weight[t] x term[t](c)

with the weights of the preset's [score] section; a window's candidates and the option that the
vessel called nowhere (logit `no_call`, + `same_port_stay` when AIS went off and came back in
the same port) share probability through a softmax. Each term is a number an analyst can check:
whether the vessel is the case's, whether p is an origin port, its calls seen at p on AIS, the
share of the silence it did not need for sailing, its course at each end against the sea route,
the extra distance and the distance from the port, radar targets and scenes, sightings, quay
counts, draught, and (a second pass) how likely its other silences hid a call at the same port. `Scored.terms` keeps every term's contribution for every candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from darkcargo.config import Port
from darkcargo.geo.distance import NM_M
from darkcargo.shipments.candidates import Candidates, Windows
from darkcargo.shipments.evidence import Scenes, Sightings, Targets
from darkcargo.shipments.kernels import (
    group_min,
    heading_agreement,
    length_matches,
    pairs_in_windows,
    softmax_with_none,
)
from darkcargo.shipments.params import InferParams

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
HUNDRED_NM = 100.0 * NM_M
US_H = 3_600_000_000


@dataclass
class Facts:
    """Per-vessel and per-window facts the terms need (arrays indexed by window)."""

    watched: npt.NDArray[np.bool_]
    length_m: F64  # nan when unknown
    typical_kn: F64
    top_kn: F64
    idle: F64  # share of the silence not needed to sail between its ends (0 for radar windows)
    direct_m: F64
    imo: I64  # 0 when unknown
    history: dict[tuple[int, str], list[int]]  # (mmsi, port) -> observed arrivals (µs)
    stayed: npt.NDArray[np.bool_]  # AIS went off and came back in the same port


@dataclass
class Scored:
    logit: F64
    confidence: F64
    none_share: F64  # per window
    none_logit: F64  # per window
    terms: dict[str, F64]  # name -> contribution per candidate (weight x value)
    radar_hits: list[list[int]] = field(default_factory=list)  # target indices per candidate
    radar_ambiguity: list[list[int]] = field(default_factory=list)  # other MMSIs per candidate
    scenes_empty: list[list[int]] = field(default_factory=list)  # scene rows per candidate
    sighted_here: list[list[dict[str, Any]]] = field(default_factory=list)
    sighted_elsewhere: list[list[dict[str, Any]]] = field(default_factory=list)
    quay: list[tuple[float, float, int, int] | None] = field(default_factory=list)
    history_n: I64 = field(default_factory=lambda: np.zeros(0, np.int64))


def score(
    win: Windows,
    cand: Candidates,
    ports: list[Port],
    origin_ids: set[str],
    facts: Facts,
    targets: Targets,
    scenes: Scenes,
    sightings: Sightings,
    params: InferParams,
) -> Scored:
    """Every candidate's logit and confidence, with the evidence each term used."""
    sp, rp = params.score, params.radar
    n_c, n_w = len(cand), len(win)
    w, p = cand.w, cand.p
    mmsi = win.mmsi[w]
    is_gap = np.array([win.kind[k] == "gap" for k in w.tolist()], dtype=bool)
    ids = [pt.id for pt in ports]
    v: dict[str, F64] = {}
    v["watched"] = facts.watched[w].astype(np.float64)
    v["origin_port"] = np.array([ids[k] in origin_ids for k in p.tolist()], dtype=np.float64)
    hist = np.array(
        [
            sum(1 for t in facts.history.get((int(m), ids[k]), []) if not (a <= t <= b))
            for m, k, a, b in zip(
                mmsi.tolist(), p.tolist(), win.t0[w].tolist(), win.t1[w].tolist(), strict=True
            )
        ],
        dtype=np.int64,
    )
    v["history"] = np.log1p(hist.astype(np.float64))
    v["idle"] = np.where(is_gap, facts.idle[w], 0.0)
    v["heading"] = heading_agreement(
        win.cog0[w], win.sog0[w], cand.bearing_off, params.reach.heading_min_kn
    ) + heading_agreement(win.cog1[w], win.sog1[w], cand.bearing_on, params.reach.heading_min_kn)
    detour = cand.d_in + cand.d_out
    v["detour"] = (detour - group_min(w, detour, n_w)) / HUNDRED_NM if n_c else np.zeros(0)
    sides = np.isfinite(win.lat0[w]).astype(float) + np.isfinite(win.lat1[w]).astype(float)
    v["approach"] = np.where(sides > 0, detour / np.maximum(sides, 1.0), 0.0) / HUNDRED_NM
    v["top_speed_only"] = (~cand.fits_typical).astype(np.float64)
    sail_h = detour / NM_M / np.maximum(facts.typical_kn[w], 0.1)
    spare_h = np.where(is_gap, (win.t1[w] - win.t0[w]) / US_H - sail_h, 0.0)
    v["long_silence"] = np.log2(np.maximum(1.0, spare_h / params.reach.long_stay_hours))
    v["draught_change"] = (
        np.abs(np.nan_to_num(win.draught1[w] - win.draught0[w], nan=0.0))
        >= params.reach.draught_change_m
    ).astype(np.float64)

    # -- radar: targets at the port while the vessel could be there ---------------------------
    radar_hits: list[list[int]] = [[] for _ in range(n_c)]
    vessel_hits = np.zeros(n_c)
    ca, tb = pairs_in_windows(p, cand.arrive_top, cand.depart_top, targets.port, targets.ts)
    if ca.size:
        fits = length_matches(
            targets.length_m[tb],
            facts.length_m[w[ca]],
            rp.length_tolerance_m,
            rp.length_tolerance_share,
        )
        mine = targets.matched_mmsi[tb] == mmsi[ca]
        dark_fit = targets.dark[tb] & fits
        for a, b, d, m in zip(
            ca.tolist(), tb.tolist(), dark_fit.tolist(), mine.tolist(), strict=True
        ):
            if m:
                vessel_hits[a] = 1.0
            elif d:
                radar_hits[a].append(b)
    # a target several silent vessels could be: it counts for each, shared (- ln k)
    users: dict[int, set[int]] = {}
    for a, hits in enumerate(radar_hits):
        for b in hits:
            users.setdefault(b, set()).add(int(mmsi[a]))
    has_target = np.array([bool(h) for h in radar_hits], dtype=np.float64)
    ambiguity = np.array(
        [min((len(users[b]) for b in h), default=1) for h in radar_hits], dtype=np.float64
    )
    others = [
        sorted({u for b in h for u in users[b]} - {int(mmsi[a])}) for a, h in enumerate(radar_hits)
    ]
    v["radar_target"] = has_target
    v["radar_vessel"] = vessel_hits

    # -- radar: scenes of the port in the expected stay that saw nothing that could be it ------
    # A scene shows the vessel absent only when no target at the port could be it: none dark
    # (whatever its measured length: lengths at a pier are often wrong), none of its length
    # (whatever it was matched to: hulls moored side by side get swapped), none matched to it.
    margin = int(rp.scene_margin_hours * US_H)
    lo = cand.arrive_typ + margin
    hi = cand.depart_typ - margin
    cs, sb = pairs_in_windows(p, lo, np.maximum(hi, lo - 1), scenes.port, scenes.ts)
    empty: list[list[int]] = [[] for _ in range(n_c)]
    could_be: dict[tuple[str, int], list[int]] = {}  # (scene, port) -> targets there
    for b in range(len(targets)):
        could_be.setdefault((targets.scene_id[b], int(targets.port[b])), []).append(b)
    for a, b in zip(cs.tolist(), sb.tolist(), strict=True):
        there = could_be.get((scenes.scene_id[b], int(p[a])), [])
        if not there:
            empty[a].append(b)
            continue
        lens = targets.length_m[there]
        fits = length_matches(
            lens, np.full(len(there), facts.length_m[w[a]]), rp.length_tolerance_m,
            rp.length_tolerance_share,
        )  # fmt: skip
        if not (
            targets.dark[there].any()
            or fits.any()
            or (targets.matched_mmsi[there] == mmsi[a]).any()
        ):
            empty[a].append(b)
    v["radar_absent"] = np.array([len(e) for e in empty], dtype=np.float64)

    # -- sightings ------------------------------------------------------------------------------
    here: list[list[dict[str, Any]]] = [[] for _ in range(n_c)]
    elsewhere: list[list[dict[str, Any]]] = [[] for _ in range(n_c)]
    if sightings.vessel_rows:
        by_vessel: dict[int, list[dict[str, Any]]] = {}
        for r in sightings.vessel_rows:
            for key in (r["mmsi"], r["imo"]):
                if key is not None:
                    by_vessel.setdefault(int(key), []).append(r)
        for a in range(n_c):
            m, k = int(mmsi[a]), int(w[a])
            rows = (
                by_vessel.get(m, [])
                + [r for r in by_vessel.get(int(facts.imo[k]), []) if r["mmsi"] != m]
                if facts.imo[k]
                else by_vessel.get(m, [])
            )
            for r in rows:
                t = int(r["t"])
                if r["place"] == ids[p[a]] and cand.arrive_top[a] <= t <= cand.depart_top[a]:
                    here[a].append(r)
                elif r["place"] != ids[p[a]] and win.t0[k] < t < win.t1[k]:
                    elsewhere[a].append(r)
    v["sighting_vessel"] = np.array([bool(h) for h in here], dtype=np.float64)
    v["sighting_elsewhere"] = np.array([bool(e) for e in elsewhere], dtype=np.float64)

    # -- quay counts: stock falling at the port around the stay (loading) -------------------------
    quay: list[tuple[float, float, int, int] | None] = [None] * n_c
    qw = int(params.sightings.window_hours * US_H)
    qa, qb = pairs_in_windows(
        p, cand.arrive_top - qw, cand.depart_top + qw, sightings.quay_port, sightings.quay_ts
    )
    if qa.size:
        order = np.lexsort((sightings.quay_ts[qb], qa))
        qa, qb = qa[order], qb[order]
        for a in np.unique(qa).tolist():
            rows = qb[qa == a]
            c = sightings.quay_count[rows]
            peak = np.maximum.accumulate(c)
            drop = peak - c
            k = int(np.argmax(drop))
            if drop[k] >= params.sightings.quay_drop_min:
                i = int(np.argmax(c[: k + 1]))
                quay[a] = (
                    float(c[i]),
                    float(c[k]),
                    int(sightings.quay_ts[rows[i]]),
                    int(sightings.quay_ts[rows[k]]),
                )
    v["quay_drop"] = np.array([q is not None for q in quay], dtype=np.float64)

    # -- combine ----------------------------------------------------------------------------------
    weights = {name: float(getattr(sp, name)) for name in v}
    terms = {name: weights[name] * v[name] for name in v}
    terms["radar_target"] = terms["radar_target"] - np.where(has_target > 0, np.log(ambiguity), 0.0)
    logit = np.full(n_c, sp.base) + sum(terms.values(), np.zeros(n_c))
    none_logit = sp.no_call + sp.same_port_stay * facts.stayed.astype(np.float64)
    conf, none_share = softmax_with_none(w, logit, none_logit)
    # the vessel's pattern: how likely its OTHER silences hid a call at the same port (one
    # leave-one-out pass: a ship that keeps going dark near one port probably calls there)
    if n_c:
        vp_key = mmsi.astype(np.int64) * 1024 + p
        uniq, inv = np.unique(vp_key, return_inverse=True)
        total = np.zeros(len(uniq))
        np.add.at(total, inv, conf)
        v["pattern"] = np.log1p(np.maximum(total[inv] - conf, 0.0))
    else:
        v["pattern"] = np.zeros(0)
    terms["pattern"] = sp.pattern * v["pattern"]
    logit = logit + terms["pattern"]
    conf, none_share = softmax_with_none(w, logit, none_logit)
    return Scored(
        logit=logit,
        confidence=conf,
        none_share=none_share,
        none_logit=none_logit,
        terms=terms,
        radar_hits=radar_hits,
        radar_ambiguity=others,
        scenes_empty=empty,
        sighted_here=here,
        sighted_elsewhere=elsewhere,
        quay=quay,
        history_n=hist,
    )


def term_values(scored: Scored, c: int) -> dict[str, float]:
    """One candidate's term contributions, rounded, non-zero only."""
    return {k: round(float(x[c]), 3) for k, x in scored.terms.items() if abs(float(x[c])) > 1e-9}


def pct(x: float) -> str:
    return f"{100 * x:.0f}%" if math.isfinite(x) else "-"
