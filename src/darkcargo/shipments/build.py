"""The shipments stage's entry point under its first name: `build_shipments` runs `infer`.

Rule v1 (great-circle reachability, one fixed confidence) is gone: shipments are now built by
dark port-call inference (:mod:`darkcargo.shipments.infer`), which routes by sea and weighs
corroboration. The names callers used stay here.
"""

from __future__ import annotations

from pathlib import Path

from darkcargo.config import Case
from darkcargo.shipments.infer import RULE, InferReport, events_fingerprint, infer
from darkcargo.shipments.params import InferParams
from darkcargo.shipments.vessels import VesselMap, watched_mmsis
from darkcargo.workspace import Workspace

ShipmentsReport = InferReport


def build_shipments(
    workspace: Workspace | str | Path,
    case: Case | str | None = None,
    params: InferParams | str | Path | None = None,
) -> InferReport:
    """Fill `port_calls` and `shipments` by dark port-call inference (replacing earlier rows)."""
    return infer(workspace, case, params)


__all__ = [
    "RULE",
    "ShipmentsReport",
    "VesselMap",
    "build_shipments",
    "events_fingerprint",
    "watched_mmsis",
]
