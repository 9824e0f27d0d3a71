"""Packing physics: how many complete rounds one container can hold, draw by draw.

Pure, vectorised kernels over NumPy arrays (one element per Monte Carlo draw; plain floats
broadcast). A container holds the fewest rounds allowed by three limits:

- mass: usable payload / mass of one packaged round (every component plus its share of crate);
- fill volume: packing efficiency x inside volume / crate volume per round;
- geometry: whole crates stacked in a grid in the best axis-aligned orientation (this is what
  makes 2.9 m rocket crates waste half of a 5.9 m box).

The count is floored to whole rounds, so rounds x mass per round never exceeds the payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import NamedTuple

import numpy as np

Arr = float | np.ndarray

# Guard for floor() of ratios that are whole numbers in exact arithmetic (5.896 / 2.948).
FLOOR_EPS = 1e-9

BINDING_NAMES: tuple[str, ...] = ("mass", "fill_volume", "geometry")


class ComponentDraws(NamedTuple):
    """One component of a complete round (projectile, charge, rocket) and its crate."""

    mass_kg: Arr
    per_crate: Arr
    crate_mass_kg: Arr
    crate_length_m: Arr
    crate_width_m: Arr
    crate_height_m: Arr


@dataclass(frozen=True)
class PackingDraws:
    """Per-draw results of the packing model."""

    rounds: np.ndarray  # whole rounds per munition-carrying container
    mass_bound: np.ndarray
    fill_bound: np.ndarray
    geometry_bound: np.ndarray
    binding: np.ndarray  # int8 index into BINDING_NAMES: which limit set the count
    payload_kg: np.ndarray
    mass_per_round_kg: np.ndarray
    volume_per_round_m3: np.ndarray

    def binding_shares(self) -> dict[str, float]:
        """Share of draws in which each limit binds."""
        counts = np.bincount(np.atleast_1d(self.binding), minlength=len(BINDING_NAMES))
        total = max(int(counts.sum()), 1)
        return {name: float(c) / total for name, c in zip(BINDING_NAMES, counts, strict=True)}


def effective_payload_kg(
    max_payload_kg: Arr,
    tare_kg: Arr,
    older_max_gross_kg: Arr | None,
    older_box_share: Arr,
    dunnage_kg: Arr,
) -> np.ndarray:
    """Mass of cargo a box may carry: the rated payload, pulled down by the share of older boxes
    (rated 24,000 kg gross) and by the dunnage and bracing that also count against it."""
    max_payload = np.asarray(max_payload_kg, dtype=np.float64)
    if older_max_gross_kg is None:
        older_payload = max_payload
    else:
        older_payload = np.minimum(
            np.asarray(older_max_gross_kg) - np.asarray(tare_kg), max_payload
        )
    payload = (1.0 - np.asarray(older_box_share)) * max_payload + np.asarray(
        older_box_share
    ) * older_payload
    return np.maximum(payload - np.asarray(dunnage_kg), 0.0)


def grid_count(
    inside_l: Arr, inside_w: Arr, inside_h: Arr, crate_l: Arr, crate_w: Arr, crate_h: Arr
) -> np.ndarray:
    """Most whole crates of one size that fit in a grid, over the six axis-aligned orientations."""
    box = (np.asarray(inside_l), np.asarray(inside_w), np.asarray(inside_h))
    crate = (np.asarray(crate_l), np.asarray(crate_w), np.asarray(crate_h))
    # fits[i][j]: crates side by side when crate axis j lies along box axis i (9 divisions, not 18)
    fits = [[np.floor(b / c + FLOOR_EPS) for c in crate] for b in box]
    best: np.ndarray | None = None
    for j0, j1, j2 in permutations(range(3)):
        n = fits[0][j0] * fits[1][j1] * fits[2][j2]
        best = n if best is None else np.maximum(best, n)
    assert best is not None
    return np.asarray(best)


def rounds_per_container(
    inside_l: Arr,
    inside_w: Arr,
    inside_h: Arr,
    payload_kg: Arr,
    packing_efficiency: Arr,
    components: Sequence[ComponentDraws],
) -> PackingDraws:
    """Whole complete rounds per container under the mass, fill-volume and geometry limits.

    With several components (separate-loading projectile and charge, each in its own crates) the
    geometry limit is the harmonic combination of each component's full-box grid count: the box
    is shared between crate types in the proportion one round needs.
    """
    if not components:
        raise ValueError("a munition needs at least one component")
    mass_per_round = sum(
        np.asarray(c.mass_kg) + np.asarray(c.crate_mass_kg) / np.asarray(c.per_crate)
        for c in components
    )
    vol_per_round = sum(
        np.asarray(c.crate_length_m)
        * np.asarray(c.crate_width_m)
        * np.asarray(c.crate_height_m)
        / np.asarray(c.per_crate)
        for c in components
    )
    inside_volume = np.asarray(inside_l) * np.asarray(inside_w) * np.asarray(inside_h)
    payload = np.asarray(payload_kg, dtype=np.float64)
    mass_bound = payload / mass_per_round
    fill_bound = np.asarray(packing_efficiency) * inside_volume / vol_per_round
    # boxes-worth of each crate type per round; a component whose crate never fits gives inf
    with np.errstate(divide="ignore"):
        share = sum(
            1.0
            / (
                grid_count(
                    inside_l,
                    inside_w,
                    inside_h,
                    c.crate_length_m,
                    c.crate_width_m,
                    c.crate_height_m,
                )
                * np.asarray(c.per_crate)
            )
            for c in components
        )
        geometry_bound = 1.0 / np.asarray(share)
    bounds = np.broadcast_arrays(
        np.asarray(mass_bound, dtype=np.float64),
        np.asarray(fill_bound, dtype=np.float64),
        np.asarray(geometry_bound, dtype=np.float64),
    )
    stacked = np.stack(bounds)
    binding = np.argmin(stacked, axis=0).astype(np.int8)
    # plain floor: rounds x mass per round never exceeds the payload, even by rounding
    rounds = np.maximum(np.floor(np.min(stacked, axis=0)), 0.0)
    return PackingDraws(
        rounds=rounds,
        mass_bound=bounds[0],
        fill_bound=bounds[1],
        geometry_bound=bounds[2],
        binding=binding,
        payload_kg=np.broadcast_to(payload, rounds.shape),
        mass_per_round_kg=np.broadcast_to(
            np.asarray(mass_per_round, dtype=np.float64), rounds.shape
        ),
        volume_per_round_m3=np.broadcast_to(
            np.asarray(vol_per_round, dtype=np.float64), rounds.shape
        ),
    )
