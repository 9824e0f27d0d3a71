"""Grade detected events against the demo scenario's ground truth (precision and recall per kind).

A detected event matches a true one when the kind and vessel agree (an unordered pair for
encounters, and for identity changes that move a vessel to another MMSI, so either MMSI may carry
the event), their time intervals overlap once widened by `tolerance_hours`, and for port calls the
port agrees, for identity changes the changed field. Matching is one-to-one, greedy in time order.

The truth lists what happened, seen or not (a fishing drift far offshore with one satellite report
every few hours; a port call made out of every receiver's range). Such events are *optional*:
recall is counted over the observable ones only, and a detection that matches an optional event
is still correct. Observable means: at least `min_positions` received positions of the vessel (of
both vessels for encounters) inside the event's interval and near its place (an MMSI shared by
two vessels carries the other one's reports too); for loitering, received positions
covering at least `loiter_hours` with no silence longer than `max_silence_hours` (what any
detector needs to see a drift); for port calls, a berth reached within the season (a vessel
entering the circle in its last minutes has not stopped yet) and a stay the received positions
prove, as the detector's rule asks: two fixes at the berth at least half an hour apart, or one
followed by a silence of 4 h or more (AIS off in port). One fix at the berth is not a call.

Dark port calls (`dark_port_call` in the truth: the covert carriers at Rajin with AIS off) are
graded against the infer stage's *inferred* port calls (`port_calls` rows of kind inferred):
same vessel, same port, overlapping in time. A dark call is observable when the vessel reported
on AIS in the season both before it and after it (a silence brackets it); the others (AIS never
back on before the season ended) are optional, as no gap can show them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from darkcargo.errors import InputError
from darkcargo.geo.distance import haversine_m
from darkcargo.workspace import Workspace

SCORED_KINDS = ("port_call", "gap", "encounter", "loitering", "identity_change", "spoof_jump")
DARK_KIND = "dark_port_call"


@dataclass(frozen=True)
class KindScore:
    kind: str
    truth: int  # observable true events (the recall denominator)
    detected: int
    matched_truth: int
    matched_detected: int
    optional: int = 0  # true events not observable in the data (not counted in recall)

    @property
    def precision(self) -> float:
        return self.matched_detected / self.detected if self.detected else float("nan")

    @property
    def recall(self) -> float:
        return self.matched_truth / self.truth if self.truth else float("nan")


@dataclass
class ScoreReport:
    preset: str | None
    tolerance_hours: float
    kinds: dict[str, KindScore] = field(default_factory=dict)
    # detected encounters and loitering events whose position lies inside a port circle
    in_port: dict[str, int] = field(default_factory=dict)
    # dark calls against inferred calls, per port (the total is kinds["dark_port_call"])
    dark_by_port: dict[str, KindScore] = field(default_factory=dict)

    def table(self) -> pa.Table:
        rows = [
            {
                "kind": s.kind,
                "truth": s.truth,
                "optional": s.optional,
                "detected": s.detected,
                "matched": s.matched_truth,
                "precision": round(s.precision, 3) if s.detected else None,
                "recall": round(s.recall, 3) if s.truth else None,
            }
            for s in self.kinds.values()
        ]
        return pa.Table.from_pylist(rows)


def _key(kind: str, row: dict[str, Any]) -> tuple[Any, ...]:
    mmsi = int(row["mmsi"])
    if kind == "encounter":
        other = row.get("other_mmsi")
        other = int(other) if other is not None else -1
        return (min(mmsi, other), max(mmsi, other))
    if kind in ("port_call", DARK_KIND):
        return (mmsi, (row.get("port_id") or "").upper())
    if kind == "identity_change":
        other = row.get("other_mmsi")
        other = int(other) if other is not None else mmsi
        return (min(mmsi, other), max(mmsi, other), _field(row))
    return (mmsi,)


def _field(row: dict[str, Any]) -> str | None:
    details = row.get("details")
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            return None
    return (details or {}).get("field") if isinstance(details, dict) else None


def match_kind(
    kind: str,
    truth: list[dict[str, Any]],
    detected: list[dict[str, Any]],
    tolerance: timedelta,
) -> KindScore:
    """One-to-one greedy matching of detected to true events of one kind.

    Truth rows with a true `optional` field are matched after the others and do not count in
    recall (see the module docstring)."""
    by_key: dict[tuple[Any, ...], list[int]] = {}
    for i, d in enumerate(detected):
        by_key.setdefault(_key(kind, d), []).append(i)
    used = [False] * len(detected)
    required = [t for t in truth if not t.get("optional")]
    optional = [t for t in truth if t.get("optional")]
    matched = 0
    for group, counts in ((required, True), (optional, False)):
        for t in sorted(group, key=lambda r: r["start_ts"]):
            best, best_overlap = -1, None
            for i in by_key.get(_key(kind, t), []):
                if used[i]:
                    continue
                d = detected[i]
                lo = max(t["start_ts"], d["start_ts"])
                hi = min(t["end_ts"], d["end_ts"])
                if (
                    d["start_ts"] - tolerance <= t["end_ts"]
                    and t["start_ts"] - tolerance <= d["end_ts"]
                ):
                    overlap = hi - lo
                    if best_overlap is None or overlap > best_overlap:
                        best, best_overlap = i, overlap
            if best >= 0:
                used[best] = True
                matched += int(counts)
    return KindScore(kind, len(required), len(detected), matched, sum(used), len(optional))


def mark_optional(
    ws: Workspace,
    truth: list[dict[str, Any]],
    *,
    min_positions: int = 2,
    loiter_hours: float = 2.0,
    max_silence_hours: float = 2.0,
    kinds: tuple[str, ...] = ("port_call", "encounter", "loitering"),
    stay_min_hours: float = 0.5,
    port_gap_hours: float = 4.0,
) -> None:
    """Set `optional` on truth rows the workspace's positions cannot show (in place).

    A port call shows only when its positions prove a stay, as the detector's rule asks: two
    received positions at the berth at least `stay_min_hours` apart (a stop), or one followed by
    a silence of at least `port_gap_hours` (AIS off in port). One fix at the berth is not a call.
    """
    rows = [(k, t) for k, t in enumerate(truth) if t["kind"] in kinds]
    if not rows:
        return
    ids, mmsis, starts, ends, lats, lons, radii = [], [], [], [], [], [], []
    for k, t in rows:
        hours = (t["end_ts"] - t["start_ts"]).total_seconds() / 3600.0
        # positions count only near the event: an MMSI shared by two vessels carries the other
        # vessel's reports too (drifts move < 2 kn; port calls stay inside the circle)
        radius = 15.0 if t["kind"] == "port_call" else max(10.0, 2.0 * 1.852 * hours + 5.0)
        for m in (t["mmsi"], t.get("other_mmsi")) if t["kind"] == "encounter" else (t["mmsi"],):
            if m is None:
                continue
            ids.append(k)
            mmsis.append(int(m))
            starts.append(t["start_ts"])
            ends.append(t["end_ts"])
            lats.append(t.get("lat"))
            lons.append(t.get("lon"))
            radii.append(radius)
    intervals = pa.table(
        {
            "k": pa.array(ids, pa.int64()),
            "mmsi": pa.array(mmsis, pa.int64()),
            "t0": pa.array(starts, pa.timestamp("us")),
            "t1": pa.array(ends, pa.timestamp("us")),
            "lat0": pa.array(lats, pa.float64()),
            "lon0": pa.array(lons, pa.float64()),
            "r_km": pa.array(radii, pa.float64()),
        }
    )
    ws.con.register("truth_intervals", intervals)
    try:
        got = ws.arrow(
            "SELECT i.k, i.mmsi, epoch_us(p.ts) AS t, p.lat, p.lon, i.lat0, i.lon0, i.r_km "
            "FROM truth_intervals i JOIN positions p "
            "ON p.mmsi = i.mmsi AND p.ts >= i.t0 AND p.ts <= i.t1 ORDER BY i.k, i.mmsi, p.ts",
        )
    finally:
        ws.con.unregister("truth_intervals")
    near = np.ones(got.num_rows, dtype=bool)
    if got.num_rows:
        lat0 = got.column("lat0").to_numpy(zero_copy_only=False)
        has = np.isfinite(lat0)
        d_km = (
            haversine_m(
                got.column("lat").to_numpy(zero_copy_only=False),
                got.column("lon").to_numpy(zero_copy_only=False),
                lat0,
                got.column("lon0").to_numpy(zero_copy_only=False),
            )
            / 1000.0
        )
        near = ~has | (d_km <= got.column("r_km").to_numpy(zero_copy_only=False))
    got = got.filter(pa.array(near))
    k_arr = got.column("k").to_numpy()
    m_arr = got.column("mmsi").to_numpy()
    t_arr = got.column("t").to_numpy()
    # per (event, vessel): positions and longest well-sampled run in hours; an event is as
    # visible as its least visible vessel
    count: dict[int, int] = {}
    run_h: dict[int, float] = {}
    stay: dict[int, bool] = {}
    vessels_seen: Counter[int] = Counter()
    silence_us = max_silence_hours * 3.6e9
    bounds = np.flatnonzero((np.diff(k_arr) != 0) | (np.diff(m_arr) != 0)) + 1
    for part in np.split(np.arange(k_arr.size), bounds) if k_arr.size else []:
        k = int(k_arr[part[0]])
        t = t_arr[part]
        brk = np.flatnonzero(np.diff(t) > silence_us) + 1
        first = np.concatenate(([0], brk))
        last = np.concatenate((brk, [t.size])) - 1
        longest = float((t[last] - t[first]).max()) / 3.6e9
        count[k] = min(count.get(k, part.size), part.size)
        run_h[k] = min(run_h.get(k, longest), longest)
        vessels_seen[k] += 1
        if truth[k]["kind"] == "port_call":
            stay[k] = _stay_seen(truth[k], t, stay_min_hours, port_gap_hours)
    n_vessels = Counter(ids)
    for k, t in rows:
        seen = count.get(k, 0) if vessels_seen[k] == n_vessels[k] else 0
        t["optional"] = (
            seen < min_positions
            or (t["kind"] == "loitering" and run_h.get(k, 0.0) < loiter_hours)
            or (t["kind"] == "port_call" and (_no_berth(t) or not stay.get(k, False)))
        )


def _stay_seen(row: dict[str, Any], t_us: np.ndarray, min_hours: float, gap_hours: float) -> bool:
    """Whether received positions (times in µs, sorted, within the call) prove a stay at the
    berth: two at least `min_hours` apart, or one followed by a silence >= `gap_hours`."""
    b0, b1 = _detail(row, "berth_start_ts"), _detail(row, "berth_end_ts")
    if b0 is None or b1 is None:
        return t_us.size >= 2
    at = (t_us >= b0 * 1e6) & (t_us <= b1 * 1e6)
    tb = t_us[at]
    if tb.size >= 2 and tb[-1] - tb[0] >= min_hours * 3.6e9:
        return True
    if tb.size == 0:
        return False
    end_us = (row["end_ts"] - datetime(1970, 1, 1)).total_seconds() * 1e6
    after = np.concatenate((t_us[1:], [end_us]))[at]
    return bool(((after - tb) >= gap_hours * 3.6e9).any())


def _no_berth(row: dict[str, Any]) -> bool:
    """A truncated port call whose vessel had not reached the berth before the season ended."""
    b0, b1 = _detail(row, "berth_start_ts"), _detail(row, "berth_end_ts")
    return bool(_detail(row, "truncated")) and b0 is not None and b1 is not None and b0 >= b1


def _detail(row: dict[str, Any], name: str) -> Any:
    details = row.get("details")
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            return None
    return details.get(name) if isinstance(details, dict) else None


def events_in_ports(
    detected: list[dict[str, Any]],
    ports: list[Any],
    kinds: tuple[str, ...] = ("encounter", "loitering"),
) -> dict[str, int]:
    """How many detected events of each kind lie (by their position) inside a port circle."""
    out = {k: 0 for k in kinds}
    if not ports:
        return out
    plat = np.array([p.lat for p in ports])
    plon = np.array([p.lon for p in ports])
    prad = np.array([p.radius_km for p in ports]) * 1000.0
    for d in detected:
        if (
            d["kind"] in out
            and d.get("lat") is not None
            and d.get("lon") is not None
            and (haversine_m(d["lat"], d["lon"], plat, plon) <= prad).any()
        ):
            out[d["kind"]] += 1
    return out


def _truth_ports(truth_dir: str | Path) -> list[Any]:
    """The case's ports plus the scenario's ports.csv (beside truth/), as the truth used."""
    from darkcargo.geo.ports import case_ports

    for path in (Path(truth_dir) / "ports.csv", Path(truth_dir).parent / "ports.csv"):
        if path.exists():
            return case_ports(None, [path])
    return case_ports(None, [])


def _truth_setting(truth_dir: str | Path, name: str, default: float) -> float:
    """A setting of the scenario that made the truth (settings.json beside truth/), if any."""
    for path in (Path(truth_dir) / "settings.json", Path(truth_dir).parent / "settings.json"):
        if path.exists():
            try:
                return float(json.loads(path.read_text())["settings"][name])
            except (KeyError, TypeError, ValueError):
                return default
    return default


def load_truth(truth_dir: str | Path) -> pa.Table:
    path = Path(truth_dir) / "events.parquet"
    if not path.exists():
        path = Path(truth_dir) / "truth" / "events.parquet"
    if not path.exists():
        raise InputError(str(truth_dir), "no truth/events.parquet here (run the demo scenario)")
    return pq.read_table(path)


def score(
    workspace: str | Path | Workspace,
    truth_dir: str | Path,
    *,
    preset: str | None = None,
    tolerance_hours: float = 1.0,
    min_port_call_confidence: float = 0.0,
    min_positions: int = 2,
    max_silence_hours: float = 2.0,
    kinds: tuple[str, ...] = SCORED_KINDS,
    min_inferred_confidence: float = 0.0,
) -> ScoreReport:
    """Precision and recall per event kind of the workspace's events against the truth files,
    and of its inferred port calls against the dark calls (when the infer stage has run).

    Port calls are graded from confidence `min_port_call_confidence` (0-1) up; the default
    grades them all, since every call proves a stay (port presences are not graded). Inferred
    calls from `min_inferred_confidence` up (every one infer wrote, by default).
    Truth events the data cannot show are optional (see the module docstring).
    """
    truth = load_truth(truth_dir).to_pylist()
    own = not isinstance(workspace, Workspace)
    ws: Workspace = (
        workspace if isinstance(workspace, Workspace) else Workspace(workspace, read_only=True)
    )
    try:
        if preset is None:
            preset = ws.scalar(
                "SELECT preset FROM events GROUP BY preset ORDER BY count(*) DESC LIMIT 1"
            )
        detected = ws.arrow(
            "SELECT kind, mmsi, other_mmsi, start_ts, end_ts, port_id, details, confidence, "
            "lat, lon FROM events WHERE preset = ?",
            [preset],
        ).to_pylist()
        mark_optional(
            ws,
            truth,
            min_positions=min_positions,
            loiter_hours=_truth_setting(truth_dir, "loiter_hours", 2.0),
            max_silence_hours=max_silence_hours,
        )
        inferred = inferred_calls(ws, min_inferred_confidence)
        if inferred is not None:
            mark_dark_optional(ws, truth)
    finally:
        if own:
            ws.close()
    report = ScoreReport(preset, tolerance_hours)
    report.in_port = events_in_ports(detected, _truth_ports(truth_dir))
    tol = timedelta(hours=tolerance_hours)
    for kind in kinds:
        t = [r for r in truth if r["kind"] == kind]
        d = [r for r in detected if r["kind"] == kind]
        if kind == "port_call":
            d = [r for r in d if (r["confidence"] or 0) >= min_port_call_confidence]
        report.kinds[kind] = match_kind(kind, t, d, tol)
    if inferred is not None:
        dark = [r for r in truth if r["kind"] == DARK_KIND]
        report.kinds[DARK_KIND] = match_kind(DARK_KIND, dark, inferred, tol)
        for port in sorted({r["port_id"] for r in dark + inferred if r["port_id"]}):
            report.dark_by_port[port] = match_kind(
                DARK_KIND,
                [r for r in dark if r["port_id"] == port],
                [r for r in inferred if r["port_id"] == port],
                tol,
            )
    return report


def inferred_calls(ws: Workspace, min_confidence: float = 0.0) -> list[dict[str, Any]] | None:
    """The infer stage's inferred port calls as scoring rows (None when infer has not run)."""
    if not ws.get_meta("shipments_rule"):
        return None
    return ws.arrow(
        "SELECT 'dark_port_call' AS kind, mmsi, port_id, arrival_ts AS start_ts, "
        "departure_ts AS end_ts, confidence FROM port_calls WHERE kind = 'inferred' "
        "AND confidence >= ? ORDER BY mmsi, arrival_ts",
        [min_confidence],
    ).to_pylist()


def mark_dark_optional(ws: Workspace, truth: list[dict[str, Any]]) -> None:
    """Set `optional` on dark calls no AIS silence brackets (no received position of the vessel
    in the season before the call, or none after it), in place."""
    rows = [(k, t) for k, t in enumerate(truth) if t["kind"] == DARK_KIND]
    if not rows:
        return
    probe = pa.table(
        {
            "k": pa.array([k for k, _ in rows], pa.int64()),
            "mmsi": pa.array([int(t["mmsi"]) for _, t in rows], pa.int64()),
            "t0": pa.array([t["start_ts"] for _, t in rows], pa.timestamp("us")),
            "t1": pa.array([t["end_ts"] for _, t in rows], pa.timestamp("us")),
        }
    )
    ws.con.register("truth_dark_calls", probe)
    try:
        seen = ws.arrow(
            "SELECT d.k, bool_or(p.ts < d.t0) AS before, bool_or(p.ts > d.t1) AS after "
            "FROM truth_dark_calls d JOIN positions p ON p.mmsi = d.mmsi GROUP BY d.k",
        ).to_pylist()
    finally:
        ws.con.unregister("truth_dark_calls")
    bracketed = {r["k"] for r in seen if r["before"] and r["after"]}
    for k, t in rows:
        t["optional"] = k not in bracketed
