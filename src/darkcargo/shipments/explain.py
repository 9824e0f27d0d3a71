"""An inferred call's evidence for and against, in plain language, from the numbers it used.

Example (a summary, then the lists): "left DUNAI 20 h before; AIS off 48 nm ENE of RAJIN at
12 kn, course 252 deg; 54 h dark; RAJIN is 52 nm by sea, reachable with 31 h to spare; radar
sees a dark 118 m target at RAJIN on 17 Aug 09:25 (day 2)".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from darkcargo.config import Port
from darkcargo.shipments import words
from darkcargo.shipments.candidates import Candidates, Windows
from darkcargo.shipments.evidence import Scenes, Targets
from darkcargo.shipments.params import InferParams
from darkcargo.shipments.scoring import Facts, Scored, pct

US_H = 3_600_000_000


@dataclass(frozen=True)
class Context:
    """What the sentences refer to besides the candidate itself."""

    ports: list[Port]
    origin_ids: set[str]
    names: dict[int, str]  # MMSI -> vessel name
    previous_call: dict[int, dict[str, Any]]  # window -> the observed call just before it
    next_call: dict[int, dict[str, Any]]  # window -> the observed call just after it


def _course_words(
    cog: float, sog: float, route: float, port: str, min_kn: float
) -> tuple[str, float]:
    """'at 12 kn, course 252 deg (the route to RAJIN bears 250 deg)' and the cosine (nan when
    the vessel was too slow or the course unknown)."""
    if not np.isfinite(sog) or not np.isfinite(cog) or not 0 <= cog < 360:
        return "course not reported", float("nan")
    if sog < min_kn:
        return f"at {sog:.1f} kn (too slow for its course to tell)", float("nan")
    text = f"at {sog:.0f} kn, course {words.course(cog)}"
    if np.isfinite(route):
        text += f" (the sea route to {port} bears {words.course(route)})"
        return text, float(np.cos(np.radians(cog - route)))
    return text, float("nan")


def explain(
    c: int,
    win: Windows,
    cand: Candidates,
    scored: Scored,
    facts: Facts,
    targets: Targets,
    scenes: Scenes,
    ctx: Context,
    params: InferParams,
) -> dict[str, Any]:
    """Summary, evidence for and against, and the alternatives of candidate c."""
    w, p = int(cand.w[c]), int(cand.p[c])
    port = ctx.ports[p]
    pid = port.id
    t0, t1 = int(win.t0[w]), int(win.t1[w])
    top, typ = float(facts.top_kn[w]), float(facts.typical_kn[w])
    min_kn = params.reach.heading_min_kn
    pro: list[str] = []
    con: list[str] = []
    summary: list[str] = []
    radar_window = win.kind[w] == "radar"
    # a radar window's side without an AIS fix is open: its time is only the search's bound
    has0, has1 = bool(np.isfinite(win.lat0[w])), bool(np.isfinite(win.lat1[w]))
    max_days = params.reach.max_gap_days

    prev = ctx.previous_call.get(w)
    if prev is not None and has0:
        lag = t0 - int(prev["t1"])
        if 0 <= lag <= 72 * US_H:
            summary.append(f"leaves {prev['port_id']} {words.hours(lag)} before AIS goes off")
    if has0:
        where = words.place(float(win.lat0[w]), float(win.lon0[w]), pid, port.lat, port.lon)
        text, cos = _course_words(
            float(win.cog0[w]), float(win.sog0[w]), float(cand.bearing_off[c]), pid, min_kn
        )
        line = f"AIS off {words.when(t0)} {where} {text}"
        summary.append(f"AIS off {where} " + text.split(" (")[0])
        (pro if not np.isfinite(cos) or cos >= 0.5 else con).append(line)
        if np.isfinite(cos) and cos < 0:
            con[-1] += f": heading away from {pid}"
    else:
        con.append(
            f"no AIS report in the {max_days:.0f} days before: where it came from is unknown"
        )
    if has1:
        where = words.place(float(win.lat1[w]), float(win.lon1[w]), pid, port.lat, port.lon)
        text, cos = _course_words(
            float(win.cog1[w]), float(win.sog1[w]), float(cand.bearing_on[c]), pid, min_kn
        )
        text = text.replace("the sea route to", "the sea route from")
        line = f"AIS back {words.when(t1)} {where} {text}"
        (pro if not np.isfinite(cos) or cos >= 0.5 else con).append(line)
        if np.isfinite(cos) and cos < 0:
            con[-1] += f": not coming from {pid}"
    else:
        con.append(f"no AIS report in the {max_days:.0f} days after: where it went is unknown")
    if not radar_window:
        summary.append(f"{words.hours(t1 - t0)} dark")
        pro.append(f"dark {words.hours(t1 - t0)}")

    spare = (
        int(cand.depart_top[c]) - int(cand.arrive_top[c])
    ) / US_H - params.reach.min_dwell_hours
    dist = []
    if has0:
        dist.append(f"{words.nm(cand.d_in[c])} by sea from where AIS went off")
    if has1:
        dist.append(f"{words.nm(cand.d_out[c])} from where it came back")
    if dist:
        bounds = []
        if has0:
            bounds.append(f"arrive from {words.when(int(cand.arrive_top[c]))}")
        if has1:
            bounds.append(f"leave by {words.when(int(cand.depart_top[c]))}")
        reach = (
            f"{pid} is "
            + " and ".join(dist)
            + f"; at up to {top:.1f} kn it could "
            + " and ".join(bounds)
        )
        if not radar_window:
            reach += f": {spare:.0f} h to spare beyond a {params.reach.min_dwell_hours:.0f} h stay"
            summary.append(
                f"{pid} is {words.nm(cand.d_in[c])} by sea, reachable with {spare:.0f} h to spare"
            )
        pro.append(reach)
    if not cand.fits_typical[c]:
        con.append(f"fits only at its top speed ({top:.1f} kn), not at its usual {typ:.1f} kn")
    if not radar_window and facts.idle[w] > 0:
        line = (
            f"the ends are at least {words.nm(facts.direct_m[w])} apart by sea: "
            f"{pct(facts.idle[w])} of the silence was not needed for sailing"
        )
        (pro if facts.idle[w] >= 0.5 else con).append(line)
    if pid in ctx.origin_ids:
        pro.append(f"{pid} is an origin port of the case")
    n_hist = int(scored.history_n[c])
    if n_hist:
        pro.append(f"{n_hist} other call{'s' if n_hist > 1 else ''} at {pid} seen on AIS")
    pattern = float(scored.terms["pattern"][c])
    if pattern > 0.05:
        pro.append(f"its other silences point to {pid} too (pattern term {pattern:+.2f})")
    if facts.watched[w]:
        pro.append("a vessel of the case")

    for b in scored.radar_hits[c]:
        day = f" (day {words.day_of(int(targets.ts[b]), t0)})" if has0 else ""
        length = f"{targets.length_m[b]:.0f} m" if np.isfinite(targets.length_m[b]) else "a"
        vl = facts.length_m[w]
        line = (
            f"radar sees a dark {length} target at {pid} on {words.when(int(targets.ts[b]))}{day}"
            + (f"; the vessel is {vl:.0f} m" if np.isfinite(vl) else "")
        )
        pro.append(line)
        summary.append(
            f"radar sees a dark {length} target at {pid} on {words.when(int(targets.ts[b]))}{day}"
        )
    if scored.radar_ambiguity[c]:
        names = ", ".join(ctx.names.get(m, str(m)) for m in scored.radar_ambiguity[c])
        con.append(f"the radar target could also be {names} (silent then too)")
    if scored.terms["radar_vessel"][c] > 0:
        pro.append(f"a radar target at {pid} was matched to this vessel")
    for b in scored.scenes_empty[c]:
        con.append(
            f"a radar scene of {pid} on {words.when(int(scenes.ts[b]))}, inside the expected stay, "
            "shows no target there that could be it"
        )
    for r in scored.sighted_here[c]:
        pro.append(f"sighted at the {pid} berth on {words.when(int(r['t']))} ({r['sighting_id']})")
        summary.append(f"sighted at {pid} on {words.when(int(r['t']))}")
    for r in scored.sighted_elsewhere[c]:
        con.append(
            f"sighted at {r['place']} on {words.when(int(r['t']))}, during the silence ({r['sighting_id']})"
        )
    q = scored.quay[c]
    if q is not None:
        pro.append(
            f"quay stock at {pid} fell from {q[0]:.0f} to {q[1]:.0f} boxes between "
            f"{words.when(q[2])} and {words.when(q[3])}"
        )
    if scored.terms["draught_change"][c] > 0:
        pro.append(
            f"draught {win.draught0[w]:.1f} m before, {win.draught1[w]:.1f} m after (loaded or unloaded)"
        )

    # alternatives in the same window
    same = np.flatnonzero(cand.w == w)
    alts = sorted(
        (
            (
                float(scored.confidence[k]),
                ctx.ports[int(cand.p[k])].id,
                float(cand.d_in[k] + cand.d_out[k]),
            )
            for k in same.tolist()
            if k != c
        ),
        reverse=True,
    )
    mine = float(cand.d_in[c] + cand.d_out[c])
    for conf, other, d in [a for a in alts if a[0] >= 0.01][:3]:
        extra = f", {words.nm(mine - d)} less sailing" if d < mine - 1852 else ""
        con.append(f"{other} is also within reach ({pct(conf)}{extra})")
    none = float(scored.none_share[w])
    if none >= 0.01:
        con.append(f"no call at all: {pct(none)}")
    return {
        "summary": "; ".join(summary),
        "for": pro,
        "against": con,
        "alternatives": [{"port_id": o, "confidence": round(cf, 3)} for cf, o, _ in alts],
        "no_call": round(none, 3),
    }
