"""The watch stage in one call, for the demo and notebooks: load a folder's lists, rank."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from darkcargo.sanctions.load import load_list
from darkcargo.sanctions.risk import RiskReport, build_risk
from darkcargo.workspace import Workspace

TOP = 8
# Files OFAC publishes beside sdn.csv, loaded with it.
OFAC_COMPANIONS = ("alt.csv", "sdn_comments.csv", "add.csv")


def reasons_text(contributions: str | list[dict[str, Any]], top: int = 3) -> str:
    """'40 sanctioned_strong, 36 gap_near_origin x11, 27.8 ...': the `top` scoring rules of a
    contributions list (or its JSON), points to one decimal."""
    items = json.loads(contributions) if isinstance(contributions, str) else contributions
    parts = []
    for c in [c for c in items if c["points"] > 0][:top]:
        n = f" x{c['count']}" if c["count"] > 1 else ""
        parts.append(f"{round(float(c['points']), 1):g} {c['rule']}{n}")
    return ", ".join(parts)


def lists_in(folder: Path) -> list[list[Path]]:
    """The list files of a folder, grouped per load (sdn.csv with its alt.csv, sdn_comments.csv
    and add.csv)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    names = {p.name.lower(): p for p in files}
    companions = [n for n in OFAC_COMPANIONS if n in names] if "sdn.csv" in names else []
    groups: list[list[Path]] = []
    for p in files:
        low = p.name.lower()
        if low in companions:
            continue
        groups.append([p, *(names[n] for n in companions)] if low == "sdn.csv" else [p])
    return groups


def watch(
    ws: Workspace, folder: Path | None, top: int = TOP
) -> tuple[RiskReport, list[dict[str, Any]]]:
    """Load every list in `folder` (if any), build vessel risk; the top vessels with reasons."""
    for group in lists_in(folder) if folder is not None else []:
        load_list(group, ws)
    report = build_risk(ws)
    rows = []
    for r in report.table.slice(0, top).to_pylist():
        reasons = reasons_text(r["contributions"])
        rows.append(
            {
                "rank": r["rank"],
                "name": r["name"],
                "vessel": r["vessel_id"],
                "score": r["score"],
                "listed": r["sanctioned"],
                "reasons": reasons,
            }
        )
    return report, rows
