"""Physics of the packing model: mass, fill volume and crate geometry limits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from darkcargo.estimate.catalogue import load_catalogue
from darkcargo.estimate.montecarlo import estimate_from_counts, sample_packing
from darkcargo.estimate.packing import (
    ComponentDraws,
    effective_payload_kg,
    grid_count,
    rounds_per_container,
)

from .conftest import BARE_152, BARE_CHARGE

BOX_20FT = (5.896, 2.350, 2.393)
PAYLOAD_20FT = 28_180.0


def test_projectiles_alone_never_exceed_the_20ft_payload(
    write_catalogue: Callable[[str], Path],
) -> None:
    cat = load_catalogue(write_catalogue(BARE_152))
    rng = np.random.default_rng(1)
    sample = sample_packing(cat, cat.munition("152mm"), cat.container("20ft"), 200_000, rng)
    loaded_kg = sample.packing.rounds * 43.56
    assert loaded_kg.max() <= PAYLOAD_20FT
    # at best floor((28,180 - 100 kg dunnage) / 43.56) = 644 projectiles
    assert sample.packing.rounds.max() == 644


def test_projectiles_alone_with_new_boxes_and_no_dunnage_is_646(
    write_catalogue: Callable[[str], Path],
) -> None:
    override = BARE_152 + (
        '\n[model.older_box_share]\nvalue = 0.0\ntag = "UNV"\nsource = "test"\n'
        '[model.dunnage_kg]\nvalue = 0.0\ntag = "UNV"\nsource = "test"\n'
    )
    cat = load_catalogue(write_catalogue(override))
    sample = sample_packing(
        cat, cat.munition("152mm"), cat.container("20ft"), 1000, np.random.default_rng(0)
    )
    assert np.all(sample.packing.rounds == 646)
    assert 646 * 43.56 <= PAYLOAD_20FT < 647 * 43.56
    assert sample.packing.binding_shares()["mass"] == 1.0


def test_6700_boxes_of_complete_152mm_rounds_stay_under_3_65_million() -> None:
    result = estimate_from_counts(6700, "152mm", draws=200_000, seed=3)
    assert result.method == "physical_packing"
    assert result.p95 <= 3_650_000
    assert result.p05 <= result.p50 <= result.p95


def test_6700_boxes_of_bare_complete_rounds_cannot_pass_the_mass_ceiling(
    write_catalogue: Callable[[str], Path],
) -> None:
    # no packaging at all, every box new and full: 28,180 / 51.745 kg = 544 complete rounds
    cat = load_catalogue(write_catalogue(BARE_152 + BARE_CHARGE))
    result = estimate_from_counts(6700, "152mm", draws=100_000, seed=5, catalogue=cat)
    per_box = next(r for r in result.flat() if r.quantity == "rounds_152mm_per_container")
    assert per_box.p95 <= 544
    assert result.p95 <= 6700 * 544 <= 3_650_000


def _components(crate_mass: np.ndarray | float) -> list[ComponentDraws]:
    return [
        ComponentDraws(43.56, 2.0, crate_mass, 0.85, 0.42, 0.23),
        ComponentDraws(8.185, 2.0, 15.0, 0.65, 0.42, 0.23),
    ]


@settings(max_examples=60, deadline=None)
@given(
    payload=st.floats(10_000, 30_000),
    efficiency=st.floats(0.5, 1.0),
    crate_mass=st.floats(0.0, 60.0),
    extra=st.floats(0.0, 40.0),
)
def test_more_packaging_mass_never_increases_rounds(
    payload: float, efficiency: float, crate_mass: float, extra: float
) -> None:
    base = rounds_per_container(*BOX_20FT, payload, efficiency, _components(crate_mass))
    heavier = rounds_per_container(*BOX_20FT, payload, efficiency, _components(crate_mass + extra))
    assert np.all(heavier.rounds <= base.rounds)


def test_more_packaging_mass_never_increases_the_estimate(
    write_catalogue: Callable[[str], Path],
) -> None:
    # same seed, crate mass range shifted up by 10 kg: every quantile may only go down
    heavier = write_catalogue(
        "[[munitions.152mm.components]]\n"
        'name = "projectile"\n'
        'mass_kg = { value = 43.56, unit = "kg", tag = "OFF", source = "test" }\n'
        'per_crate = { value = 2, tag = "UNV", source = "test" }\n'
        'crate_mass_kg = { low = 22, high = 35, unit = "kg", tag = "UNV", source = "test" }\n'
        'crate_length_m = { low = 0.75, high = 0.95, tag = "UNV", source = "test" }\n'
        'crate_width_m = { low = 0.35, high = 0.50, tag = "UNV", source = "test" }\n'
        'crate_height_m = { low = 0.18, high = 0.28, tag = "UNV", source = "test" }\n'
        + BARE_CHARGE.replace("value = 0, unit", "low = 10, high = 24, unit")
    )
    lighter = write_catalogue(
        heavier.read_text().replace("low = 22, high = 35", "low = 12, high = 25")
    )
    a = estimate_from_counts(6700, "152mm", draws=50_000, seed=9, catalogue=str(lighter))
    b = estimate_from_counts(6700, "152mm", draws=50_000, seed=9, catalogue=str(heavier))
    assert b.p05 <= a.p05 and b.p50 <= a.p50 and b.p95 <= a.p95
    assert b.p50 < a.p50


def test_volume_binds_for_122mm_grad_rockets() -> None:
    cat = load_catalogue()
    sample = sample_packing(
        cat, cat.munition("grad"), cat.container("20ft"), 100_000, np.random.default_rng(2)
    )
    p = sample.packing
    assert np.all(p.mass_bound > np.minimum(p.fill_bound, p.geometry_bound))
    assert sample.packing.binding_shares()["mass"] == 0.0
    # and the rockets then weigh far less than the payload
    assert np.all(p.rounds * p.mass_per_round_kg < p.payload_kg)


def test_rocket_crates_longer_than_half_the_box_use_one_row_along_its_length() -> None:
    # 2.95 m crates: one along 5.896 m; 2.90 m crates: two
    assert grid_count(*BOX_20FT, 2.95, 0.40, 0.20)[()] == 1 * 5 * 11
    assert grid_count(*BOX_20FT, 2.90, 0.40, 0.20)[()] == 2 * 5 * 11
    # a crate longer than every box side fits nowhere
    assert grid_count(*BOX_20FT, 6.0, 0.40, 0.20)[()] == 0


def test_grid_count_tries_every_orientation() -> None:
    # 2.4 m long crates fit only lengthwise; stood on end they would not (2.393 m high box)
    assert grid_count(*BOX_20FT, 0.5, 2.4, 0.5)[()] == 2 * 4 * 4


def test_older_boxes_and_dunnage_reduce_the_payload() -> None:
    new = effective_payload_kg(28_180, 2_300, 24_000, 0.0, 0.0)
    old = effective_payload_kg(28_180, 2_300, 24_000, 1.0, 0.0)
    assert float(new) == 28_180 and float(old) == 21_700
    assert float(effective_payload_kg(28_180, 2_300, 24_000, 0.5, 300.0)) == 24_940 - 300


def test_a_crate_that_never_fits_gives_zero_rounds() -> None:
    comps = [ComponentDraws(65.0, 1.0, 30.0, 6.5, 0.3, 0.2)]
    res = rounds_per_container(*BOX_20FT, PAYLOAD_20FT, 0.9, comps)
    assert res.rounds[()] == 0 and res.binding[()] == 2
