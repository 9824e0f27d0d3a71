"""Fixtures for the claims tests: a workspace with hand-made estimate rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from darkcargo.estimate.schema import ESTIMATES
from darkcargo.workspace import Workspace


def estimate_row(
    estimate_id: str,
    quantity: str,
    method: str,
    p05: float,
    p50: float,
    p95: float,
    *,
    item: str | None = None,
    caliber: str | None = None,
    start: str | None = "2023-08-01",
    end: str | None = "2024-02-26",
) -> dict[str, Any]:
    return {
        "estimate_id": estimate_id,
        "quantity": quantity,
        "item": item,
        "caliber": caliber,
        "method": method,
        "period_start": datetime.fromisoformat(start) if start else None,
        "period_end": datetime.fromisoformat(end) if end else None,
        "p05": p05,
        "p50": p50,
        "p95": p95,
        "mean": p50,
        "inputs": "{}",
        "assumptions": "[]",
        "unverified": "[]",
        "params_hash": "test",
        "created_at": datetime(2024, 3, 1),
    }


HAND_MADE_ESTIMATES = [
    # Containers counted from observed and inferred voyages, Aug 2023 - 26 Feb 2024.
    estimate_row(
        "est-containers", "containers", "shipments_x_load", 5000, 6500, 8000, item="containers"
    ),
    # What such a number of boxes could physically hold (a capacity).
    estimate_row(
        "est-152-pack",
        "rounds_152mm",
        "physical_packing",
        1.5e6,
        2.2e6,
        2.9e6,
        item="shells",
        caliber="152mm",
    ),
    estimate_row(
        "est-152-official",
        "rounds_152mm",
        "official_ratio",
        2.6e6,
        3.0e6,
        3.4e6,
        item="shells",
        caliber="152mm",
    ),
    estimate_row(
        "est-152-per-box",
        "rounds_152mm_per_container",
        "physical_packing",
        300,
        380,
        460,
        item="shells",
        caliber="152mm",
        start=None,
        end=None,
    ),
    estimate_row("est-given", "containers", "given", 6700, 6700, 6700, item="containers"),
]


def count(ws: Workspace, table: str) -> int:
    """Rows in a table (through the relation API, which leaves no pending result)."""
    return int(ws.arrow(f'SELECT count(*) AS n FROM "{table}"').column(0)[0].as_py())


def insert_estimates(ws: Workspace, rows: list[dict[str, Any]]) -> None:
    ws.append("estimates", pa.Table.from_pylist(rows, schema=ESTIMATES))


@pytest.fixture
def ws_with_estimates(workspace_path: Path) -> Iterator[Workspace]:
    ws = Workspace(workspace_path)
    insert_estimates(ws, HAND_MADE_ESTIMATES)
    try:
        yield ws
    finally:
        ws.close()
