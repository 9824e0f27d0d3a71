"""Which way a claimed delivery went, read from the figure's clause, and grading that keeps
claims about other routes apart from the case's estimates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from darkcargo.claims import extract_claims, grade_claims
from darkcargo.claims.grading import Route, grade_claim
from darkcargo.claims.ledger import extract_files
from darkcargo.claims.route import clause_route, country_code
from darkcargo.config import load_case
from darkcargo.workspace import Workspace

from .conftest import HAND_MADE_ESTIMATES
from .test_grading import by_estimate, claim

CASE_ROUTE = Route.of_case(load_case(None))


@pytest.mark.parametrize(
    ("clause", "route"),
    [
        ("the United States has only sent approximately 300,000 rounds to Ukraine", ("US", "UA")),
        ("North Korea has sent 13,000 containers to Russia", ("KP", "RU")),
        (
            "Pyongyang had previously transferred 6,700 containers of weapons to Moscow",
            ("KP", "RU"),
        ),
        ("containers were shipped to the Russian port of Dunai", (None, "RU")),
        ("Russia received 7,000 containers last year", (None, "RU")),
        ("Iran has also supplied 2,000 drones to Russia", ("IR", "RU")),
        # no delivery verb, or a noun that looks like one: nothing is said of the route
        ("four Russian-flagged ships made 32 trips to North Korea", (None, None)),
        ("The Russian supply ship made a visit to South Africa", (None, None)),
        ("Kim Jong-un sent about 5 million shells", (None, None)),
    ],
)
def test_the_clause_names_the_sender_and_the_recipient(
    clause: str, route: tuple[str | None, str | None]
) -> None:
    assert clause_route(clause, 0, len(clause)) == route


def test_country_names_capitals_and_adjectives() -> None:
    assert [country_code(n) for n in ("the United States", "U.S.", "Pyongyang", "Kremlin")] == [
        "US",
        "US",
        "KP",
        "RU",
    ]
    assert country_code("Estonia") == "EE"  # from the ISO list
    assert country_code("Western") is None and country_code("Kim Jong-un") is None


def test_the_case_route_comes_from_its_ports_countries() -> None:
    assert Route(frozenset({"KP"}), frozenset({"RU"})) == CASE_ROUTE


def test_a_claim_about_another_route_is_not_comparable() -> None:
    (us,) = extract_claims(
        "Pyongyang's support for Russia has dwarfed Western aid, as the United States has only "
        "sent approximately 300,000 rounds of artillery to Ukraine since the war began."
    )
    assert (us.sender_country, us.recipient_country) == ("US", "UA")
    c = claim(
        value=us.value,
        quantity="rounds_152mm",
        sender_country=us.sender_country,
        recipient_country=us.recipient_country,
    )
    (g,) = grade_claim(c, HAND_MADE_ESTIMATES, route=CASE_ROUTE)
    assert g.grade == "not_comparable"
    assert g.reason == ("route: about deliveries from US to UA; the estimates are of KP -> RU")
    # the case's own route, an unknown side, or no route at all: graded as before
    for sender, recipient in (("KP", "RU"), (None, "RU"), (None, None)):
        same = claim(
            value=6700, quantity="containers", sender_country=sender, recipient_country=recipient
        )
        got = by_estimate(grade_claim(same, HAND_MADE_ESTIMATES, route=CASE_ROUTE))
        assert got["est-containers"].grade == "consistent"
    # a voyage's direction is the ship's: "32 trips to North Korea" is the case's own route
    trips = claim(value=32, quantity="voyages", item="voyages", recipient_country="KP")
    assert all(
        "route" not in g.reason for g in grade_claim(trips, HAND_MADE_ESTIMATES, route=CASE_ROUTE)
    )


def test_the_ledger_keeps_the_route_and_grading_uses_the_cases(
    ws_with_estimates: Workspace, tmp_path: Path
) -> None:
    article = tmp_path / "aid.txt"
    article.write_text(
        "North Korea has sent 6,700 containers to Russia, the defence minister said on 26 "
        "February 2024. The United States has sent 300,000 rounds to Ukraine, officials said.\n"
    )
    extract_files([article], ws_with_estimates, published=date(2024, 2, 27))
    rows = ws_with_estimates.arrow(
        "SELECT value, sender_country, recipient_country FROM claims ORDER BY value"
    ).to_pylist()
    assert rows == [
        {"value": 6700.0, "sender_country": "KP", "recipient_country": "RU"},
        {"value": 300000.0, "sender_country": "US", "recipient_country": "UA"},
    ]
    graded = grade_claims(ws_with_estimates)  # the built-in case: KP -> RU
    by_value = {g.claim_value: g for g in graded if g.estimate_id in (None, "est-containers")}
    assert by_value[6700.0].grade == "consistent"
    us = [g for g in graded if g.claim_value == 300000.0]
    assert [g.grade for g in us] == ["not_comparable"] and us[0].reason.startswith("route:")
