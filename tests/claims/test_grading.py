"""Grading against hand-made estimate rows: consistent, above, below, or not comparable."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from darkcargo.claims import add_claim, grade_claims
from darkcargo.claims.grading import grade_claim
from darkcargo.workspace import Workspace

from .conftest import HAND_MADE_ESTIMATES, count, estimate_row


def by_estimate(grades: list) -> dict:
    return {g.estimate_id: g for g in grades}


def claim(**kw: object) -> dict:
    base = {
        "claim_id": "c1",
        "value": None,
        "low": None,
        "high": None,
        "unit": "count",
        "bound": "exact",
        "basis": "count",
        "negated": False,
        "stance": "said",
        "claim_date": date(2024, 2, 26),
        "date_precision": "day",
        "baseline_date": None,
    }
    base.update(kw)
    return base


def test_count_inside_the_interval_is_consistent_with_log_ratio() -> None:
    c = claim(value=6700, quantity="containers", bound="approximate")
    g = by_estimate(grade_claim(c, HAND_MADE_ESTIMATES))
    ok = g["est-containers"]
    assert ok.grade == "consistent"
    assert math.isclose(ok.log_ratio, math.log(6700 / 6500))
    assert "inside the shipments_x_load estimate's 90% interval" in ok.reason
    # The container estimate that only restates an input is never graded against.
    assert g["est-given"].grade == "not_comparable" and "restates an input" in g["est-given"].reason
    # Capacity estimates of rounds are another item.
    assert set(g) == {"est-containers", "est-given"}


def test_above_and_below() -> None:
    above = grade_claim(claim(value=9000, quantity="containers"), HAND_MADE_ESTIMATES)
    below = grade_claim(claim(value=4000, quantity="containers"), HAND_MADE_ESTIMATES)
    assert by_estimate(above)["est-containers"].grade == "above"
    assert by_estimate(below)["est-containers"].grade == "below"
    assert by_estimate(below)["est-containers"].log_ratio < 0


def test_capacity_claim_is_graded_against_capacity_methods_only() -> None:
    c = claim(value=3e6, low=3e6, quantity="rounds_152mm", bound="lower", basis="capacity")
    g = by_estimate(grade_claim(c, HAND_MADE_ESTIMATES))
    assert g["est-152-pack"].grade == "above"  # more than 3M > p95 2.9M
    assert g["est-152-official"].grade == "consistent"
    # A count is held against a capacity as a ceiling: above it, or within it, never below.
    count = claim(value=3e6, quantity="rounds_152mm", basis="count")
    g2 = by_estimate(grade_claim(count, HAND_MADE_ESTIMATES))
    assert g2["est-152-pack"].grade == "above"  # 3M > p95 2.9M: more than the boxes hold
    assert "a ceiling" in g2["est-152-pack"].reason
    small = by_estimate(grade_claim(claim(value=1e6, quantity="rounds_152mm"), HAND_MADE_ESTIMATES))
    assert small["est-152-pack"].grade == "consistent"  # below p05, but a ceiling: within
    assert "within what the counted boxes could hold" in small["est-152-pack"].reason
    cap = claim(value=6500, quantity="containers", basis="capacity")
    g3 = by_estimate(grade_claim(cap, HAND_MADE_ESTIMATES))
    assert g3["est-containers"].grade == "not_comparable" and "basis" in g3["est-containers"].reason


def test_bounds_and_ranges() -> None:
    est = [estimate_row("e", "containers", "shipments_x_load", 5000, 6500, 8000)]
    up = claim(value=5500, high=5500, quantity="containers", bound="upper")
    assert grade_claim(up, est)[0].grade == "consistent"
    up_low = claim(value=4000, high=4000, quantity="containers", bound="upper")
    assert grade_claim(up_low, est)[0].grade == "below"
    rng = claim(low=7000, high=12000, quantity="containers", bound="range")
    g = grade_claim(rng, est)[0]
    assert g.grade == "consistent" and math.isclose(g.claim_value, math.sqrt(7000 * 12000))
    assert (
        grade_claim(claim(low=9000, high=12000, quantity="containers", bound="range"), est)[0].grade
        == "above"
    )


def test_not_comparable_reasons() -> None:
    shells = grade_claim(claim(value=12, quantity="drones"), HAND_MADE_ESTIMATES)
    assert len(shells) == 1 and shells[0].estimate_id is None
    assert "different item: no estimate of drones" in shells[0].reason
    euros = grade_claim(
        claim(value=5e10, quantity="euros", basis="money", unit="EUR"), HAND_MADE_ESTIMATES
    )
    assert "different item" in euros[0].reason
    pct = grade_claim(claim(value=30, quantity="percent", basis="percentage"), HAND_MADE_ESTIMATES)
    assert "basis" in pct[0].reason
    neg = grade_claim(claim(value=6700, quantity="containers", negated=True), HAND_MADE_ESTIMATES)
    assert neg[0].grade == "not_comparable" and "negated" in neg[0].reason
    late = claim(value=6700, quantity="containers", claim_date=date(2024, 11, 1))
    g = by_estimate(grade_claim(late, HAND_MADE_ESTIMATES))["est-containers"]
    assert g.grade == "not_comparable" and g.reason.startswith("period:")
    other_start = claim(value=6700, quantity="containers", baseline_date=date(2022, 7, 1))
    g = by_estimate(grade_claim(other_start, HAND_MADE_ESTIMATES))["est-containers"]
    assert g.grade == "not_comparable" and "counts from 2022-07-01" in g.reason
    undated = claim(value=6700, quantity="containers", claim_date=None)
    g = by_estimate(grade_claim(undated, HAND_MADE_ESTIMATES))["est-containers"]
    assert g.grade == "not_comparable" and "no date" in g.reason
    # ... unless its document has a publication date.
    g = by_estimate(grade_claim(undated, HAND_MADE_ESTIMATES, published=date(2024, 2, 27)))
    assert g["est-containers"].grade == "consistent"


def test_per_container_claims_ignore_the_period() -> None:
    c = claim(
        value=448,
        quantity="rounds_152mm_per_container",
        unit="per_container",
        basis="capacity",
        bound="approximate",
        claim_date=date(2019, 1, 1),
    )
    g = by_estimate(grade_claim(c, HAND_MADE_ESTIMATES))
    assert g["est-152-per-box"].grade == "consistent"  # 448 inside [300, 460], any date


def test_grade_claims_writes_gradings_and_never_says_true_or_false(
    ws_with_estimates: Workspace,
) -> None:
    ws = ws_with_estimates
    add_claim(
        ws,
        value=6700,
        item="containers",
        bound="approximate",
        speaker="Shin",
        claim_date=date(2024, 2, 26),
        baseline_date=date(2023, 8, 1),
    )
    add_claim(
        ws,
        low=3e6,
        item="shells",
        caliber="152mm",
        bound="lower",
        basis="capacity",
        speaker="Shin",
        claim_date=date(2024, 2, 26),
    )
    add_claim(ws, value=1.5e6, item="shells", speaker="Zelensky", claim_date=date(2024, 2, 25))
    add_claim(ws, value=5e10, item="euros", speaker="European Council")
    gradings = grade_claims(ws)
    assert count(ws, "gradings") == len(gradings)
    grades = {g.grade for g in gradings}
    assert grades <= {"consistent", "above", "below", "not_comparable"}
    assert {"consistent", "above", "not_comparable"} <= grades
    # Grading again replaces, never accumulates.
    again = grade_claims(ws)
    assert count(ws, "gradings") == len(again) == len(gradings)


def test_a_snapshot_count_is_not_graded_against_a_period_total() -> None:
    c = claim(value=630, quantity="containers", basis="observed", bound="approximate")
    (g,) = grade_claim(c, HAND_MADE_ESTIMATES)
    assert g.grade == "not_comparable" and "one place and time" in g.reason


def _rounds(eid: str, cal: str, p05: float, p50: float, p95: float, boxes: str) -> dict:
    row = estimate_row(eid, f"rounds_{cal}", "physical_packing", p05, p50, p95, item="shells",
                       caliber=cal)  # fmt: skip
    row["inputs"] = json.dumps({"containers_estimate": boxes, "munition": cal})
    return row


def test_shells_without_calibre_are_graded_against_calibres_counting_the_same_boxes() -> None:
    # Issue 14.7: 152 mm and 122 mm estimates from one containers estimate are alternatives:
    # a mix of calibres lies between them, so the interval runs from 1.2M to 5.9M.
    ests = [
        _rounds("r152", "152mm", 1.2e6, 2.0e6, 3.2e6, "boxes-1"),
        _rounds("r122", "122mm", 2.2e6, 3.7e6, 5.9e6, "boxes-1"),
    ]
    (g,) = grade_claim(
        claim(value=9.8e6, quantity="shells", item="shells", bound="approximate"), ests
    )
    assert (g.grade, g.p05, g.p95) == ("above", 1.2e6, 5.9e6)
    assert g.p50 == pytest.approx(math.sqrt(2.0e6 * 3.7e6))
    assert (
        "any calibre" in g.reason and "122mm and 152mm" in g.reason and "alternatives" in g.reason
    )
    (g,) = grade_claim(claim(value=3e6, quantity="shells", item="shells"), ests)
    assert g.grade == "consistent"


def test_shells_without_calibre_sum_over_calibres_that_count_different_boxes() -> None:
    ests = [
        _rounds("r152", "152mm", 1.0e6, 2.0e6, 3.0e6, "boxes-1"),
        _rounds("r122", "122mm", 0.5e6, 1.0e6, 1.5e6, "boxes-2"),
    ]
    (g,) = grade_claim(claim(value=4e6, quantity="shells", item="shells"), ests)
    assert (g.grade, g.p05, g.p50, g.p95) == ("consistent", 1.5e6, 3.0e6, 4.5e6)
    assert "sum over calibres (122mm + 152mm)" in g.reason


def _containers_with_trips(observed: dict, inferred: dict, end: str = "2024-02-26") -> dict:
    row = estimate_row("est-trips", "containers", "shipments_x_load", 5000, 6500, 8000,
                       item="containers", end=end)  # fmt: skip
    row["inputs"] = json.dumps(
        {
            "observed_trips": observed,
            "inferred_trips": inferred,
            "known_count_shipments": [],
            "vessels": sorted(set(observed) | set(inferred)),
        }
    )
    return row


def test_voyages_are_graded_against_the_trips_the_estimate_counted() -> None:
    est = _containers_with_trips({"ANGARA": 9, "MARIA": 12}, {"ANGARA": 6, "MARIA": 11})
    # 38 trips in all: 21 observed, 17 inferred from dark gaps.
    (g,) = grade_claim(claim(value=32, quantity="voyages", item="voyages", quote="32 trips"), [est])
    assert (g.grade, g.p05, g.p50, g.p95, g.method) == ("consistent", 21, 38, 38, "shipments_count")
    assert "38 trips" in g.reason and "21 observed, 17 inferred" in g.reason
    (g,) = grade_claim(claim(value=50, quantity="voyages", item="voyages", quote="50 trips"), [est])
    assert g.grade == "above"


def test_voyages_of_a_named_vessel_count_that_vessels_trips_only() -> None:
    est = _containers_with_trips({"ANGARA": 2, "MARIA": 12}, {"ANGARA": 6, "MARIA": 11})
    quote = "The cargo ship ANGARA has made at least 8 voyages from Rajin since August."
    (g,) = grade_claim(
        claim(value=8, bound="lower", quantity="voyages", item="voyages", quote=quote), [est]
    )
    assert (g.grade, g.p05, g.p95) == ("consistent", 2, 8)
    assert "trips of ANGARA" in g.reason
    quote = "ANGARA made at least 11 voyages."
    (g,) = grade_claim(
        claim(value=11, bound="lower", quantity="voyages", item="voyages", quote=quote), [est]
    )
    assert g.grade == "above"


def test_a_part_of_earlier_trips_is_not_graded() -> None:
    est = _containers_with_trips({"ANGARA": 2}, {"ANGARA": 6})
    (g,) = grade_claim(
        claim(value=6, basis="part", quantity="voyages", item="voyages", quote="6 of those trips"),
        [est],
    )
    assert g.grade == "not_comparable" and "part" in g.reason


def test_extracted_partitive_is_a_part() -> None:
    from darkcargo.claims import extract_claims

    (a, b) = extract_claims(
        "ANGARA made at least 8 voyages. On 6 of those trips its transponder was off.",
        published=date(2023, 12, 28),
    )
    assert (a.basis, b.basis, b.item) == ("count", "part", "voyages")


def test_reason_figures_are_readable() -> None:
    from darkcargo.claims.grading import _fmt

    assert [_fmt(v) for v in (1288.7, 999915.0, 2.2e6, 5.5e9, 448.0, 30.0, 440000.0, 12500.0)] == [
        "1,290",
        "1M",
        "2.2M",
        "5.5B",
        "448",
        "30",
        "440k",
        "12.5k",
    ]


def test_reference_dates_are_the_cut_offs_estimates_need(ws_with_estimates: Workspace) -> None:
    from darkcargo.claims import reference_dates

    ws = ws_with_estimates
    add_claim(ws, value=6700, item="containers", claim_date=date(2024, 2, 26))
    add_claim(
        ws, value=2000, item="containers", claim_date=date(2023, 11, 1), date_precision="month"
    )
    add_claim(
        ws,
        value=448,
        item="shells",
        caliber="152mm",
        unit="per_container",
        basis="capacity",
        claim_date=date(2024, 2, 26),
    )
    add_claim(
        ws, value=30, item="shells", unit="percent", basis="percentage", claim_date=date(2024, 1, 1)
    )
    add_claim(ws, value=5e10, item="euros", claim_date=date(2024, 2, 1))
    assert reference_dates(ws) == [date(2023, 11, 30), date(2024, 2, 26)]


def test_other_periods_are_dropped_once_one_period_matches() -> None:
    ests = [
        estimate_row("nov", "containers", "shipments_x_load", 1500, 2200, 3300, end="2023-11-04"),
        estimate_row("feb", "containers", "shipments_x_load", 5000, 6500, 8000, end="2024-02-19"),
    ]
    g = grade_claim(claim(value=4400, quantity="containers", claim_date=date(2023, 11, 4)), ests)
    assert [(x.estimate_id, x.grade) for x in g] == [("nov", "above")]
    g = grade_claim(claim(value=4400, quantity="containers", claim_date=date(2023, 6, 1)), ests)
    assert [x.grade for x in g] == ["not_comparable", "not_comparable"]


def test_an_estimate_over_every_trip_found_covers_an_earlier_baseline() -> None:
    est = estimate_row("e", "containers", "shipments_x_load", 5000, 6500, 8000,
                       item="containers", start="2023-08-15")  # fmt: skip
    c = claim(value=6000, quantity="containers", baseline_date=date(2023, 6, 1))
    est["period_requested"] = "2023-08-15..2024-02-26"
    (g,) = grade_claim(c, [est])
    assert g.grade == "not_comparable" and g.reason.startswith("period:")
    est["period_requested"] = "*..*"
    (g,) = grade_claim(c, [est])
    assert g.grade == "consistent" and "counts every trip found" in g.reason


def test_shells_any_calibre_keep_the_estimates_requested_period() -> None:
    ests = [
        _rounds("r152", "152mm", 1.2e6, 2.0e6, 3.2e6, "boxes-1"),
        _rounds("r122", "122mm", 2.2e6, 3.7e6, 5.9e6, "boxes-1"),
    ]
    for e in ests:
        e["period_requested"] = "*..2024-02-26"
        e["period_start"] = e["period_start"].replace(month=8, day=15)
    c = claim(value=9.8e6, quantity="shells", item="shells", baseline_date=date(2023, 6, 1))
    (g,) = grade_claim(c, ests)
    assert g.grade == "above" and "counts every trip found" in g.reason


def test_shells_any_calibre_from_a_single_calibre_says_so() -> None:
    (g,) = grade_claim(
        claim(value=1e6, quantity="shells", item="shells"),
        [_rounds("r152", "152mm", 1.2e6, 2.0e6, 3.2e6, "boxes-1")],
    )
    assert g.grade == "consistent" and "estimates 152mm only" in g.reason
