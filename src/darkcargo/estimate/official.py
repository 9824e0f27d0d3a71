"""The "official ratio" method: rounds per container as implied by officials' own conversions.

Officials turned container counts into "could hold" round counts (REFERENCE.md section 3, e.g.
6,700 containers ~ 3M 152 mm shells, 448 per box). This method applies their ratios, drawn
uniformly between the lowest and highest stated ratio, to a container count. It is always shown
beside the physical packing estimate, never blended into it.
"""

from __future__ import annotations

import numpy as np

from darkcargo.estimate.catalogue import Catalogue, Munition, OfficialStatement


def official_ratios(cat: Catalogue, munition: Munition) -> list[tuple[OfficialStatement, float]]:
    """(statement, rounds per container) for each official conversion of this munition."""
    if not munition.official:
        return []
    return cat.official_ratios(munition.official)


def official_ratio_draws(
    cat: Catalogue, munition: Munition, n: int, rng: np.random.Generator
) -> tuple[np.ndarray | float, list[tuple[OfficialStatement, float]]] | None:
    """n draws of rounds per container spanning the official ratios, or None without any."""
    statements = official_ratios(cat, munition)
    if not statements:
        return None
    ratios = np.array([r for _, r in statements])
    lo, hi = float(ratios.min()), float(ratios.max())
    draws: np.ndarray | float = rng.uniform(lo, hi, n) if hi > lo else lo
    return draws, statements
