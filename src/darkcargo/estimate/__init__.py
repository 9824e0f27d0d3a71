"""Estimate stage: containers and munition rounds as distributions with stated assumptions.

Public API:
    estimate_from_counts(containers, munition, container="20ft", draws=..., seed=...)
        -> EstimateResult   (physical packing; companions: official ratio, per box, containers)
    estimate_workspace(workspace, *, start=None, end=None, ...) -> list[EstimateResult]
    load_catalogue(*user_files) -> Catalogue
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from darkcargo.estimate.catalogue import Catalogue, load_catalogue
    from darkcargo.estimate.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED, estimate_from_counts
    from darkcargo.estimate.result import EstimateResult, Sensitivity
    from darkcargo.estimate.run import estimate_workspace

# Submodule of each public name: imported on first use, so that opening a workspace (which reads
# this stage's schema.py) does not load the catalogue and the Monte Carlo model.
_LAZY = {
    "Catalogue": "catalogue",
    "load_catalogue": "catalogue",
    "DEFAULT_DRAWS": "montecarlo",
    "DEFAULT_SEED": "montecarlo",
    "estimate_from_counts": "montecarlo",
    "EstimateResult": "result",
    "Sensitivity": "result",
    "estimate_workspace": "run",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "Catalogue",
    "EstimateResult",
    "Sensitivity",
    "estimate_from_counts",
    "estimate_workspace",
    "load_catalogue",
]
