"""Monte Carlo over every uncertain catalogue parameter: rounds per container and in total.

Each draw is one possible world (one crate size, one packing efficiency, one share of older
boxes...). Over thousands of boxes per-box variation averages out, so the total for a draw is
containers x share carrying munitions x rounds per box. Vectorised: 1M draws in well under 1 s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from darkcargo.errors import InputError
from darkcargo.estimate.catalogue import Catalogue, Container, Munition, Param, load_catalogue
from darkcargo.estimate.official import official_ratio_draws
from darkcargo.estimate.packing import (
    ComponentDraws,
    PackingDraws,
    effective_payload_kg,
    rounds_per_container,
)
from darkcargo.estimate.result import EstimateResult, params_hash, quantiles, rank_sensitivity

DEFAULT_DRAWS = 1_000_000
DEFAULT_SEED = 20230801
MAX_DRAWS = 20_000_000

# An input's draws with its label, range text and whether it is unverified (for sensitivity).
InputDraws = tuple[np.ndarray | float, str, str, bool]

_COMPONENT_LABELS = {
    "mass_kg": "mass",
    "per_crate": "items per crate",
    "crate_mass_kg": "crate mass",
    "crate_length_m": "crate length",
    "crate_width_m": "crate width",
    "crate_height_m": "crate height",
    "length_m": "length",
}


def param_label(p: Param) -> str:
    """Readable name of a parameter: its label, or one built from its id."""
    if p.label:
        return p.label
    parts = p.id.split(".")
    if parts[0] == "container" and len(parts) == 3:
        return f"{parts[1]} container {parts[2].replace('_', ' ')}"
    if len(parts) == 3:
        return f"{parts[0]} {parts[1]} {_COMPONENT_LABELS.get(parts[2], parts[2])}"
    return p.id.replace("_", " ")


def unverified_phrase(p: Param, per_crate: Param | None = None) -> str:
    """'assumes 152mm projectile crate mass 12-25 kg per crate of 2, unverified'."""
    extra = ""
    if per_crate is not None and p.id.endswith("crate_mass_kg"):
        extra = f" per crate of {per_crate.describe()}"
    return f"assumes {param_label(p)} {p.describe()}{extra}, unverified"


@dataclass(frozen=True)
class PackingSample:
    """Packing draws for one munition in one container type, with the inputs behind them."""

    munition: Munition
    container: Container
    packing: PackingDraws
    other_cargo_share: np.ndarray | float
    inputs: dict[str, InputDraws]
    params: tuple[Param, ...]

    def unverified(self) -> tuple[str, ...]:
        per_crate = {
            c.params["per_crate"].id.rsplit(".", 1)[0]: c.params["per_crate"]
            for c in self.munition.components
        }
        out = []
        for p in self.params:
            if p.unverified:
                out.append(unverified_phrase(p, per_crate.get(p.id.rsplit(".", 1)[0])))
        return tuple(dict.fromkeys(out))


def sample_packing(
    cat: Catalogue, munition: Munition, container: Container, n: int, rng: np.random.Generator
) -> PackingSample:
    """Draw every packing parameter n times and run the packing kernel."""
    used: list[Param] = []
    inputs: dict[str, InputDraws] = {}

    def draw(p: Param) -> np.ndarray | float:
        v = p.sample(n, rng)
        used.append(p)
        inputs[p.id] = (v, param_label(p), p.describe(), p.unverified)
        return v

    cp = container.params
    inside = [draw(cp[k]) for k in ("inside_length_m", "inside_width_m", "inside_height_m")]
    max_payload = draw(cp["max_payload_kg"])
    tare = draw(cp["tare_kg"])
    older = draw(cp["older_max_gross_kg"]) if "older_max_gross_kg" in cp else None
    model = cat.model
    older_share = draw(model["older_box_share"]) if older is not None else 0.0
    dunnage = draw(model["dunnage_kg"])
    efficiency = draw(model["packing_efficiency"])
    other_share = draw(model["other_cargo_share"])
    comps = []
    for c in munition.components:
        p = c.params
        if "length_m" in p:
            used.append(p["length_m"])
        comps.append(
            ComponentDraws(
                mass_kg=draw(p["mass_kg"]),
                per_crate=draw(p["per_crate"]),
                crate_mass_kg=draw(p["crate_mass_kg"]),
                crate_length_m=draw(p["crate_length_m"]),
                crate_width_m=draw(p["crate_width_m"]),
                crate_height_m=draw(p["crate_height_m"]),
            )
        )
    payload = effective_payload_kg(max_payload, tare, older, older_share, dunnage)
    packing = rounds_per_container(inside[0], inside[1], inside[2], payload, efficiency, comps)
    return PackingSample(
        munition=munition,
        container=container,
        packing=packing,
        other_cargo_share=other_share,
        inputs=inputs,
        params=tuple(used),
    )


def _check_draws(draws: int) -> int:
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError("--draws", f"must be between 1 and {MAX_DRAWS:,}, got {draws}")
    return int(draws)


def rounds_estimates(
    containers: np.ndarray | float,
    munition: Munition,
    container: Container,
    cat: Catalogue,
    n: int,
    rng: np.random.Generator,
    *,
    upstream: Mapping[str, InputDraws] | None = None,
    base_inputs: Mapping[str, Any] | None = None,
    base_assumptions: tuple[str, ...] = (),
    base_unverified: tuple[str, ...] = (),
    hash_extra: Mapping[str, Any] | None = None,
    seed: int | None = None,
    keep_samples: bool = False,
) -> list[EstimateResult]:
    """Rounds of one munition from container draws, by physical packing and by official ratio.

    Returns [physical total, physical rounds per container, official-ratio total (when the
    catalogue has statements for this munition), official rounds per container].
    `upstream` holds the draws of whatever produced `containers` (for the sensitivity table).
    """
    upstream = dict(upstream or {})
    base_inputs = dict(base_inputs or {})
    sample = sample_packing(cat, munition, container, n, rng)
    munition_boxes = np.asarray(containers) * (1.0 - np.asarray(sample.other_cargo_share))
    total = munition_boxes * sample.packing.rounds
    per_box = sample.packing.rounds
    unverified = tuple(dict.fromkeys((*base_unverified, *sample.unverified())))
    inputs = {
        **base_inputs,
        "munition": munition.key,
        "container": container.key,
        "catalogue": list(cat.sources),
        "catalogue_params": [p.id for p in sample.params],
    }
    h = params_hash(
        {
            "catalogue": cat.hash(),
            "munition": munition.key,
            "container": container.key,
            "draws": n,
            "seed": seed,
            **(hash_extra or {}),
        }
    )
    parts = " + ".join(c.name for c in munition.components)
    assumptions_phys = (
        *base_assumptions,
        f"a {munition.key} round is one complete round: {parts}, with its packaging",
        f"every munition-carrying box holds {munition.key} rounds only "
        "(munitions are alternatives, not additive)",
        f"each {container.key} box is loaded to the lowest of its mass, fill-volume and "
        "crate-geometry limits",
        "a share of boxes carries other cargo (model.other_cargo_share)",
    )
    binding = sample.packing.binding_shares()
    common = dict(
        item=munition.item,
        caliber=munition.caliber,
        params_hash=h,
        draws=n,
        seed=seed,
    )
    p05, p50, p95, mean = quantiles(total)
    physical = EstimateResult(
        quantity=munition.quantity,
        method="physical_packing",
        p05=p05,
        p50=p50,
        p95=p95,
        mean=mean,
        unit=munition.item,
        inputs=inputs,
        assumptions=assumptions_phys,
        unverified=unverified,
        sensitivity=rank_sensitivity(total, {**upstream, **sample.inputs}),
        binding=binding,
        samples=total if keep_samples else None,
        **common,  # type: ignore[arg-type]
    )
    p05, p50, p95, mean = quantiles(per_box)
    per_box_res = EstimateResult(
        quantity=f"{munition.quantity}_per_container",
        method="physical_packing",
        p05=p05,
        p50=p50,
        p95=p95,
        mean=mean,
        unit=f"{munition.item} per {container.key} box",
        inputs=inputs,
        assumptions=assumptions_phys[len(base_assumptions) :],
        unverified=sample.unverified(),
        sensitivity=rank_sensitivity(per_box, sample.inputs),
        binding=binding,
        **common,  # type: ignore[arg-type]
    )
    out = [physical, per_box_res]
    ratio = official_ratio_draws(cat, munition, n, rng)
    if ratio is not None:
        ratio_draws, statements = ratio
        official_total = np.asarray(containers) * ratio_draws
        lo, hi = min(r for _, r in statements), max(r for _, r in statements)
        ratio_input: InputDraws = (
            ratio_draws,
            "official rounds per container",
            f"{lo:,.0f}-{hi:,.0f}",
            False,
        )
        off_inputs = {
            **base_inputs,
            "munition": munition.key,
            "official_statements": [s.id for s, _ in statements],
        }
        off_assumptions = (
            *base_assumptions,
            f"rounds per container drawn uniformly between the lowest and highest official "
            f"conversion ({lo:,.0f}-{hi:,.0f}), applied to every box: officials' 'could hold' "
            "capacities, not counts",
        )
        p05, p50, p95, mean = quantiles(official_total)
        out.append(
            EstimateResult(
                quantity=munition.quantity,
                method="official_ratio",
                p05=p05,
                p50=p50,
                p95=p95,
                mean=mean,
                unit=munition.item,
                inputs=off_inputs,
                assumptions=off_assumptions,
                unverified=base_unverified,
                sensitivity=rank_sensitivity(
                    official_total, {**upstream, "official_ratio": ratio_input}
                ),
                samples=official_total if keep_samples else None,
                **common,  # type: ignore[arg-type]
            )
        )
        p05, p50, p95, mean = quantiles(ratio_draws)
        out.append(
            EstimateResult(
                quantity=f"{munition.quantity}_per_container",
                method="official_ratio",
                p05=p05,
                p50=p50,
                p95=p95,
                mean=mean,
                unit=f"{munition.item} per box",
                inputs={"official_statements": [s.id for s, _ in statements]},
                assumptions=off_assumptions[len(base_assumptions) :],
                **common,  # type: ignore[arg-type]
            )
        )
    return out


def parse_count(
    value: float | int | str | tuple[float, float], what: str = "--containers"
) -> tuple[float, float]:
    """A count or a LOW:HIGH range, as (low, high); `what` names the option in errors."""
    if isinstance(value, tuple):
        lo, hi = float(value[0]), float(value[1])
    elif isinstance(value, str):
        text = value.replace(",", "").replace("_", "").strip()
        try:
            if ":" in text:
                a, b = text.split(":", 1)
                lo, hi = float(a), float(b)
            else:
                lo = hi = float(text)
        except ValueError:
            raise InputError(what, f"expected a number or LOW:HIGH, got {value!r}") from None
    else:
        lo = hi = float(value)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0 or hi < lo:
        raise InputError(what, f"expected 0 <= LOW <= HIGH, got {value!r}")
    return lo, hi


def estimate_from_counts(
    containers: float | int | str | tuple[float, float],
    munition: str,
    container: str = "20ft",
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    catalogue: Catalogue | str | None = None,
) -> EstimateResult:
    """How many rounds of `munition` could `containers` boxes hold?

    The result is the physical-packing estimate of total rounds; its companions are the rounds
    per container, the official-ratio estimate (when officials gave conversions for this
    munition) and the container count itself. `containers` may be a LOW:HIGH range, drawn
    uniformly.
    """
    n = _check_draws(draws)
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    mun = cat.munition(munition)
    box = cat.container(container)
    lo, hi = parse_count(containers)
    rng = np.random.default_rng(seed)
    boxes: np.ndarray | float = rng.uniform(lo, hi, n) if hi > lo else lo
    rng_text = f"{lo:,.0f}" if hi == lo else f"{lo:,.0f}-{hi:,.0f}"
    upstream: dict[str, InputDraws] = {"containers": (boxes, "containers (given)", rng_text, False)}
    base_inputs = {"containers": [lo, hi] if hi > lo else lo}
    base_assumptions = (
        f"{rng_text} containers as given"
        + (" (uniform over the range)" if hi > lo else "")
        + f", all {box.key}",
    )
    results = rounds_estimates(
        boxes,
        mun,
        box,
        cat,
        n,
        rng,
        upstream=upstream,
        base_inputs=base_inputs,
        base_assumptions=base_assumptions,
        hash_extra={"containers": [lo, hi]},
        seed=seed,
    )
    p05, p50, p95, mean = quantiles(boxes)
    given = EstimateResult(
        quantity="containers",
        method="given",
        p05=p05,
        p50=p50,
        p95=p95,
        mean=mean,
        unit="containers",
        item="containers",
        inputs=base_inputs,
        assumptions=base_assumptions,
        params_hash=results[0].params_hash,
        draws=n,
        seed=seed,
    )
    return replace(results[0], companions=(given, *results[1:]))
