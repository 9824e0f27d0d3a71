"""Grade detected events against the demo scenario's ground truth (precision and recall per kind).

A detected event matches a true one when the kind and vessel agree (an unordered pair for
encounters), their time intervals overlap once widened by `tolerance_hours`, and for port calls the
port agrees, for identity changes the changed field. Matching is one-to-one, greedy in time order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from darkcargo.errors import InputError
from darkcargo.workspace import Workspace

SCORED_KINDS = ("port_call", "gap", "encounter", "loitering", "identity_change", "spoof_jump")


@dataclass(frozen=True)
class KindScore:
    kind: str
    truth: int
    detected: int
    matched_truth: int
    matched_detected: int

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

    def table(self) -> pa.Table:
        rows = [
            {
                "kind": s.kind,
                "truth": s.truth,
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
    if kind == "port_call":
        return (mmsi, (row.get("port_id") or "").upper())
    if kind == "identity_change":
        return (mmsi, _field(row))
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
    """One-to-one greedy matching of detected to true events of one kind."""
    by_key: dict[tuple[Any, ...], list[int]] = {}
    for i, d in enumerate(detected):
        by_key.setdefault(_key(kind, d), []).append(i)
    used = [False] * len(detected)
    matched = 0
    for t in sorted(truth, key=lambda r: r["start_ts"]):
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
            matched += 1
    return KindScore(kind, len(truth), len(detected), matched, sum(used))


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
    min_port_call_confidence: int = 3,
    kinds: tuple[str, ...] = SCORED_KINDS,
) -> ScoreReport:
    """Precision and recall per event kind of the workspace's events against the truth files.

    Port calls are graded from confidence `min_port_call_confidence` up (the truth lists stops).
    """
    truth = load_truth(truth_dir).to_pylist()
    own = not isinstance(workspace, Workspace)
    ws: Workspace = (
        workspace if isinstance(workspace, Workspace) else Workspace(workspace, read_only=True)
    )
    try:
        if preset is None:
            row = ws.con.execute(
                "SELECT preset FROM events GROUP BY preset ORDER BY count(*) DESC LIMIT 1"
            ).fetchall()
            preset = row[0][0] if row else None
        detected = _arrow(
            ws,
            "SELECT kind, mmsi, other_mmsi, start_ts, end_ts, port_id, details, confidence "
            "FROM events WHERE preset = ?",
            [preset],
        ).to_pylist()
    finally:
        if own:
            ws.close()
    report = ScoreReport(preset, tolerance_hours)
    tol = timedelta(hours=tolerance_hours)
    for kind in kinds:
        t = [r for r in truth if r["kind"] == kind]
        d = [r for r in detected if r["kind"] == kind]
        if kind == "port_call":
            d = [r for r in d if (r["confidence"] or 0) >= min_port_call_confidence]
        report.kinds[kind] = match_kind(kind, t, d, tol)
    return report


def _arrow(ws: Workspace, sql: str, params: list[Any] | None = None) -> pa.Table:
    """Query result as Arrow (works across DuckDB 1.x and 2.x result APIs)."""
    rel = ws.con.sql(sql, params=params or None)
    fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
    return fetch()
