"""Monte Carlo estimates from container counts: quantiles, reproducibility, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from darkcargo.errors import InputError
from darkcargo.estimate.montecarlo import estimate_from_counts, parse_count


def _by(result, quantity: str, method: str):  # type: ignore[no-untyped-def]
    return next(r for r in result.flat() if r.quantity == quantity and r.method == method)


def test_6700_containers_of_152mm_gives_physical_and_official_side_by_side() -> None:
    res = estimate_from_counts(6700, "152mm", draws=100_000, seed=1)
    assert (res.quantity, res.method) == ("rounds_152mm", "physical_packing")
    official = _by(res, "rounds_152mm", "official_ratio")
    # officials' ratios span 400-500 per box
    assert 6700 * 400 <= official.p05 < official.p50 < official.p95 <= 6700 * 500
    given_boxes = _by(res, "containers", "given")
    assert given_boxes.p05 == given_boxes.p95 == 6700
    per_box = _by(res, "rounds_152mm_per_container", "physical_packing")
    assert 0 < per_box.p05 <= per_box.p50 <= per_box.p95 <= 544
    assert per_box.binding is not None and sum(per_box.binding.values()) == pytest.approx(1.0)


def test_every_estimate_names_its_unverified_parameters() -> None:
    res = estimate_from_counts(6700, "152mm", draws=10_000)
    assert "assumes 152mm projectile crate mass 12-25 kg per crate of 2, unverified" in (
        res.unverified
    )
    assert any("packing efficiency" in u for u in res.unverified)
    assert all(u.endswith("unverified") for u in res.unverified)


def test_sensitivity_ranks_the_inputs_that_drive_the_spread() -> None:
    res = estimate_from_counts(6700, "122mm_grad", draws=100_000, seed=4)
    top = {s.param for s in res.sensitivity[:3]}
    # rockets are volume-bound: crate cross-section and the other-cargo share drive the spread
    assert "122mm_grad.rocket.crate_height_m" in top
    assert "other_cargo_share" in top
    assert all(s.rho < 0 for s in res.sensitivity[:3])
    crate_mass = next(s for s in res.sensitivity if s.param.endswith("crate_mass_kg"))
    assert abs(crate_mass.rho) < 0.05


def test_same_seed_same_answer_other_seed_other_answer() -> None:
    a = estimate_from_counts(6700, "152mm", draws=20_000, seed=7)
    b = estimate_from_counts(6700, "152mm", draws=20_000, seed=7)
    c = estimate_from_counts(6700, "152mm", draws=20_000, seed=8)
    assert (a.p05, a.p50, a.p95) == (b.p05, b.p50, b.p95)
    assert a.params_hash == b.params_hash != c.params_hash
    assert (a.p05, a.p50, a.p95) != (c.p05, c.p50, c.p95)


def test_container_range_is_drawn_and_ranked() -> None:
    res = estimate_from_counts("5000:7000", "152mm", draws=50_000, seed=2)
    boxes = _by(res, "containers", "given")
    assert 5000 <= boxes.p05 < boxes.p50 < boxes.p95 <= 7000
    assert any(s.param == "containers" for s in res.sensitivity)


def test_122mm_howitzer_rounds_have_no_official_ratio() -> None:
    res = estimate_from_counts(1000, "122mm", draws=10_000)
    assert {r.method for r in res.flat() if r.quantity == "rounds_122mm"} == {"physical_packing"}


@pytest.mark.parametrize("bad", ["many", "7000:5000", "-3", "nan"])
def test_bad_container_count_is_an_input_error(bad: str) -> None:
    with pytest.raises(InputError):
        parse_count(bad)


def test_draws_out_of_range_is_an_input_error() -> None:
    with pytest.raises(InputError, match="draws"):
        estimate_from_counts(10, "152mm", draws=0)


@settings(max_examples=25, deadline=None)
@given(
    containers=st.floats(0, 50_000),
    munition=st.sampled_from(["152mm", "122mm", "grad"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_quantiles_are_ordered(containers: float, munition: str, seed: int) -> None:
    res = estimate_from_counts(containers, munition, draws=2_000, seed=seed)
    for r in res.flat():
        assert r.p05 <= r.p50 <= r.p95


@settings(max_examples=25, deadline=None)
@given(
    a=st.floats(0, 30_000),
    b=st.floats(0, 30_000),
    munition=st.sampled_from(["152mm", "grad"]),
)
def test_estimates_are_monotonic_in_container_count(a: float, b: float, munition: str) -> None:
    lo, hi = sorted((a, b))
    x = estimate_from_counts(lo, munition, draws=2_000, seed=11)
    y = estimate_from_counts(hi, munition, draws=2_000, seed=11)
    for rx, ry in zip(x.flat(), y.flat(), strict=True):
        assert (rx.quantity, rx.method) == (ry.quantity, ry.method)
        assert rx.p05 <= ry.p05 and rx.p50 <= ry.p50 and rx.p95 <= ry.p95
