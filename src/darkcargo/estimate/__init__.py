"""Estimate stage: containers and munition rounds as distributions with stated assumptions.

Public API:
    estimate_from_counts(containers, munition, container="20ft", draws=..., seed=...)
        -> EstimateResult   (physical packing; companions: official ratio, per box, containers)
    estimate_workspace(workspace, *, start=None, end=None, ...) -> list[EstimateResult]
    load_catalogue(*user_files) -> Catalogue
"""

from darkcargo.estimate.catalogue import Catalogue, load_catalogue
from darkcargo.estimate.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED, estimate_from_counts
from darkcargo.estimate.result import EstimateResult, Sensitivity
from darkcargo.estimate.run import estimate_workspace

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
