"""Ground truth: the events of the season, with the semantics event detection is scored on.

- ``port_call``: every stay inside a port circle (ports.csv + case ports) while AIS transmits;
  start = entering the circle, end = leaving it (true track); a vessel that takes another MMSI
  at the berth makes one call under each MMSI.
- ``dark_port_call``: the same, made with AIS off (the covert carriers at Rajin).
- ``gap``: every interval >= ``gap_hours`` between consecutive emitted position reports of one
  MMSI (duplicates and corrupted copies are not counted); ``details.cause`` is ``out_of_area``,
  ``ais_off``, ``coverage`` or ``reception``.
- ``encounter``: two vessels within ``encounter_distance_m`` for >= ``encounter_hours`` at
  < ``encounter_speed_kn``, >= ``encounter_port_km`` from any port (planted, plus any the
  background made by chance, found on the true tracks: ``details.planned`` false).
- ``loitering``: mean speed < ``loiter_speed_kn`` for >= ``loiter_hours`` at >=
  ``loiter_shore_nm`` from shore (fishing drifts and planted waits; all of them).
- ``identity_change``, ``spoof_jump``, ``shared_mmsi``: the planted ones.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from scipy.spatial import cKDTree

from darkcargo.config import Port
from darkcargo.geo.distance import EARTH_RADIUS_M, NM_M, chord_to_m, haversine_m, unit_vectors
from darkcargo.scenario.plan import ABSENT, DWELL, LOITER, TRANSIT, Phase, Plan
from darkcargo.scenario.routing import GRID_STEP_DEG, SeaGraph
from darkcargo.scenario.settings import ScenarioSettings
from darkcargo.scenario.tracks import Samples

I64 = npt.NDArray[np.int64]
TS = pa.timestamp("us")
ENCOUNTER_STEP_S = 600  # true tracks are compared every 10 minutes (GFW resampling)

EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("kind", pa.string()),
        ("mmsi", pa.int64()),
        ("other_mmsi", pa.int64()),
        ("start_ts", TS),
        ("end_ts", TS),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("port_id", pa.string()),
        ("vessel_id", pa.int64()),
        ("other_vessel_id", pa.int64()),
        ("details", pa.string()),
    ]
)


def ev(
    kind: str,
    mmsi: int | None,
    start: int,
    end: int,
    lat: float | None = None,
    lon: float | None = None,
    port_id: str | None = None,
    other_mmsi: int | None = None,
    vessel_id: int | None = None,
    other_vessel_id: int | None = None,
    **details: Any,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "mmsi": mmsi,
        "other_mmsi": other_mmsi,
        "start_ts": int(start),
        "end_ts": int(end),
        "lat": None if lat is None else round(float(lat), 5),
        "lon": None if lon is None else round(float(lon), 5),
        "port_id": port_id,
        "vessel_id": vessel_id,
        "other_vessel_id": other_vessel_id,
        "details": details,
    }


def events_table(events: list[dict[str, Any]]) -> pa.Table:
    """Sorted, numbered, as Arrow (times as naive UTC microseconds)."""
    events = sorted(
        events,
        key=lambda e: (e["kind"], e["start_ts"], e["mmsi"] or 0, e["end_ts"], e["vessel_id"] or 0),
    )
    cols: dict[str, list[Any]] = {f.name: [] for f in EVENTS_SCHEMA}
    for i, e in enumerate(events):
        cols["event_id"].append(f"T{i + 1:06d}")
        for k in (
            "kind",
            "mmsi",
            "other_mmsi",
            "lat",
            "lon",
            "port_id",
            "vessel_id",
            "other_vessel_id",
        ):
            cols[k].append(e[k])
        cols["start_ts"].append(e["start_ts"] * 1_000_000)
        cols["end_ts"].append(e["end_ts"] * 1_000_000)
        cols["details"].append(json.dumps(e["details"], sort_keys=True, default=_json_default))
    arrays = []
    for f in EVENTS_SCHEMA:
        if f.type == TS:
            arrays.append(pa.array(cols[f.name], type=pa.int64()).cast(TS))
        else:
            arrays.append(pa.array(cols[f.name], type=f.type))
    return pa.Table.from_arrays(arrays, schema=EVENTS_SCHEMA)


def _json_default(v: Any) -> Any:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    raise TypeError(type(v))


def mmsi_at(plan: Plan, vid: int, ts: int) -> int:
    return plan.vessels[vid].identity_at(ts).mmsi


def port_calls(plan: Plan, s: ScenarioSettings, vessel_phases: list[list[Phase]]) -> list[dict]:
    out = []
    for vid, phases in enumerate(vessel_phases):
        for k, ph in enumerate(phases):
            if ph.kind != DWELL:
                continue
            prev = phases[k - 1] if k > 0 else None
            nxt = phases[k + 1] if k + 1 < len(phases) else None
            start = (
                prev.t_enter
                if prev is not None and prev.kind == TRANSIT and prev.t_enter >= 0
                else ph.t0
            )
            end = (
                nxt.t_exit if nxt is not None and nxt.kind == TRANSIT and nxt.t_exit >= 0 else ph.t1
            )
            if end <= s.t0 or start >= s.t1:
                continue
            trunc = start < s.t0 or end > s.t1
            start_c, end_c = max(start, s.t0), min(end, s.t1)
            kind = "port_call" if ph.ais_on else "dark_port_call"
            # a vessel that takes another MMSI at the berth makes one call under each: each
            # MMSI's track shows its own stay (entry or exit unseen)
            pieces = _mmsi_pieces(plan, vid, start_c, end_c)
            for a, b, mmsi in pieces:
                out.append(
                    ev(
                        kind,
                        mmsi,
                        a,
                        b,
                        ph.lat,
                        ph.lon,
                        ph.port_id,
                        vessel_id=vid,
                        berth_start_ts=max(ph.t0, s.t0, a),
                        berth_end_ts=min(ph.t1, s.t1, b),
                        truncated=trunc or len(pieces) > 1,
                        nav_status=ph.nav_status,
                    )
                )
    return out


def _mmsi_pieces(plan: Plan, vid: int, start: int, end: int) -> list[tuple[int, int, int]]:
    """[start, end] cut where the vessel's MMSI changes: (from, to, mmsi) pieces."""
    cuts = [
        i.valid_from
        for i in plan.vessels[vid].identities
        if start < i.valid_from < end
        and mmsi_at(plan, vid, i.valid_from) != mmsi_at(plan, vid, i.valid_from - 1)
    ]
    bounds = [start, *sorted(set(cuts)), end]
    return [(a, b, mmsi_at(plan, vid, a)) for a, b in itertools.pairwise(bounds)]


def gaps(
    pos_ts: I64,
    pos_mmsi: I64,
    pos_vid: npt.NDArray[np.int32],
    smp: Samples,
    emitted: npt.NDArray[np.bool_],
    received: npt.NDArray[np.bool_],
    s: ScenarioSettings,
) -> list[dict]:
    """Gaps in the emitted position stream of each vessel under each MMSI, with the reason
    reports were missing. Per vessel, not per MMSI: when two vessels share one MMSI, each has its
    own silences (a detector that separates their tracks sees them)."""
    order = np.lexsort((pos_ts, pos_vid, pos_mmsi))
    ts, mmsi, vid = pos_ts[order], pos_mmsi[order], pos_vid[order]
    same = (mmsi[1:] == mmsi[:-1]) & (vid[1:] == vid[:-1])
    dt = ts[1:] - ts[:-1]
    k = np.nonzero(same & (dt >= s.gap_hours * 3600))[0]
    if not k.size:
        return []
    # reasons: count the vessel's unsent reports inside the gap by kind
    key = smp.vid.astype(np.int64) << 32 | (smp.ts - s.t0 + (1 << 31))
    absent = smp.absent
    off = ~smp.ais_on & ~absent
    hole = smp.ais_on & ~received & ~absent
    c_abs = np.concatenate(([0], np.cumsum(absent)))
    c_off = np.concatenate(([0], np.cumsum(off)))
    c_hole = np.concatenate(([0], np.cumsum(hole)))
    v = vid[k].astype(np.int64)
    lo = np.searchsorted(key, v << 32 | (ts[k] - s.t0 + (1 << 31)), side="right")
    hi = np.searchsorted(key, v << 32 | (ts[k + 1] - s.t0 + (1 << 31)), side="left")
    n_abs = c_abs[hi] - c_abs[lo]
    n_off = c_off[hi] - c_off[lo]
    n_hole = c_hole[hi] - c_hole[lo]
    cause = np.where(
        n_abs > 0,
        "out_of_area",
        np.where(n_off > 0, "ais_off", np.where(n_hole > 0, "coverage", "reception")),
    )
    out = []
    for j, i in enumerate(k):
        out.append(
            ev(
                "gap",
                int(mmsi[i]),
                int(ts[i]),
                int(ts[i + 1]),
                vessel_id=int(vid[i]),
                other_vessel_id=int(vid[i + 1]) if vid[i + 1] != vid[i] else None,
                cause=str(cause[j]),
                hours=round((ts[i + 1] - ts[i]) / 3600.0, 3),
            )
        )
    return out


def loitering(
    plan: Plan,
    smp: Samples,
    flat: list[Phase],
    graph: SeaGraph,
    s: ScenarioSettings,
    emitted: npt.NDArray[np.bool_],
) -> list[dict]:
    """Runs of slow drifting far from shore, on the true tracks (all of them, seen or not)."""
    idx = np.nonzero(smp.kind == LOITER)[0]
    if not idx.size:
        return []
    # screen with the routing grid's bounds, measure exactly only near the threshold
    need = s.loiter_shore_nm * NM_M / 1000.0
    lat, lon = smp.lat[idx], smp.lon[idx]
    dshore = graph.shore_km_at_least(lat, lon)
    slack = 2 * GRID_STEP_DEG * 111.0
    unsure = dshore < need + slack
    if unsure.any():
        dshore[unsure] = graph.land.distance_to_shore_km(lat[unsure], lon[unsure])
    far = (dshore >= need) & (smp.sog[idx] < s.loiter_speed_kn)
    ph = smp.phase[idx]
    # runs of consecutive far samples within one phase
    brk = np.concatenate(([True], (ph[1:] != ph[:-1]) | (far[1:] != far[:-1])))
    run_id = np.cumsum(brk) - 1
    starts = np.nonzero(brk)[0]
    ends = np.concatenate((starts[1:], [len(idx)])) - 1
    out = []
    for a, b in zip(starts, ends, strict=True):
        if not far[a]:
            continue
        t0, t1 = int(smp.ts[idx[a]]), int(smp.ts[idx[b]])
        if t1 - t0 < s.loiter_hours * 3600 or t1 <= s.t0 or t0 >= s.t1:
            continue
        sl = idx[a : b + 1]
        p = flat[int(ph[a])]
        vid = int(smp.vid[idx[a]])
        out.append(
            ev(
                "loitering",
                mmsi_at(plan, vid, max(t0, s.t0)),
                max(t0, s.t0),
                min(t1, s.t1),
                float(np.mean(smp.lat[sl])),
                float(np.mean(smp.lon[sl])),
                vessel_id=vid,
                purpose=p.purpose,
                mean_sog_kn=round(float(np.mean(smp.sog[sl])), 3),
                min_shore_km=round(float(dshore[a : b + 1].min()), 2),
                visible_share=round(float(np.mean(emitted[sl])), 3),
                planted=p.purpose != "fishing",
            )
        )
    del run_id
    return out


def encounters(plan: Plan, flat: list[Phase], ports: list[Port], s: ScenarioSettings) -> list[dict]:
    """Meetings on the true tracks: every pair of drifting vessels close together long enough.

    Only drifting phases go slower than the encounter speed away from berths, so the search
    runs over them, evaluated exactly every ENCOUNTER_STEP_S.
    """
    rows_vid, rows_slot, rows_lat, rows_lon, rows_grp = [], [], [], [], []
    for ph in flat:
        if ph.kind != LOITER or ph.drift is None:
            continue
        a = -(-max(ph.t0, s.t0) // ENCOUNTER_STEP_S)
        b = min(ph.t1, s.t1) // ENCOUNTER_STEP_S
        if b < a:
            continue
        slots = np.arange(a, b + 1, dtype=np.int64)
        lat, lon = ph.drift.position((slots * ENCOUNTER_STEP_S).astype(np.float64))
        rows_vid.append(np.full(len(slots), ph.vid))
        rows_slot.append(slots)
        rows_lat.append(lat)
        rows_lon.append(lon)
        rows_grp.append(np.full(len(slots), ph.group))
    if not rows_vid:
        return []
    vid = np.concatenate(rows_vid)
    slot = np.concatenate(rows_slot)
    lat = np.concatenate(rows_lat)
    lon = np.concatenate(rows_lon)
    grp = np.concatenate(rows_grp)
    ptree = cKDTree(unit_vectors([p.lat for p in ports], [p.lon for p in ports]))
    chord, _ = ptree.query(unit_vectors(lat, lon))
    keep = chord_to_m(chord) >= s.encounter_port_km * 1000.0
    vid, slot, lat, lon, grp = vid[keep], slot[keep], lat[keep], lon[keep], grp[keep]
    y = np.radians(lat) * EARTH_RADIUS_M / 1000.0
    x = np.radians(lon) * np.cos(np.radians(40.0)) * EARTH_RADIUS_M / 1000.0
    z = (slot - slot.min()) * 1000.0  # different slots never pair up
    tree = cKDTree(np.column_stack((x, y, z)))
    pairs = tree.query_pairs(r=s.encounter_distance_m / 1000.0 * 1.3, output_type="ndarray")
    if not len(pairs):
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    close = (vid[i] != vid[j]) & (
        haversine_m(lat[i], lon[i], lat[j], lon[j]) <= s.encounter_distance_m
    )
    i, j = i[close], j[close]
    swap = vid[i] > vid[j]
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    order = np.lexsort((slot[i], vid[j], vid[i]))
    i, j = i[order], j[order]
    brk = np.concatenate(
        (
            [True],
            (vid[i][1:] != vid[i][:-1])
            | (vid[j][1:] != vid[j][:-1])
            | (slot[i][1:] != slot[i][:-1] + 1),
        )
    )
    starts = np.nonzero(brk)[0]
    ends = np.concatenate((starts[1:], [len(i)])) - 1
    need = int(np.ceil(s.encounter_hours * 3600 / ENCOUNTER_STEP_S))
    out = []
    for ra, rb in zip(starts, ends, strict=True):
        if slot[i[rb]] - slot[i[ra]] < need:
            continue
        va, vb = int(vid[i[ra]]), int(vid[j[ra]])
        ga, gb = int(grp[i[ra]]), int(grp[j[ra]])
        planned = ga >= 0 and ga == gb
        t0, t1 = int(slot[i[ra]] * ENCOUNTER_STEP_S), int(slot[i[rb]] * ENCOUNTER_STEP_S)
        sl = i[ra : rb + 1]
        out.append(
            ev(
                "encounter",
                mmsi_at(plan, va, t0),
                t0,
                t1,
                float(np.mean(lat[sl])),
                float(np.mean(lon[sl])),
                other_mmsi=mmsi_at(plan, vb, t0),
                vessel_id=va,
                other_vessel_id=vb,
                planned=planned,
                group=ga if planned else None,
                min_distance_m=round(
                    float(
                        haversine_m(
                            lat[i[ra : rb + 1]],
                            lon[i[ra : rb + 1]],
                            lat[j[ra : rb + 1]],
                            lon[j[ra : rb + 1]],
                        ).min()
                    ),
                    1,
                ),
            )
        )
    return out


__all__ = [
    "ABSENT",
    "EVENTS_SCHEMA",
    "encounters",
    "events_table",
    "gaps",
    "loitering",
    "port_calls",
]
