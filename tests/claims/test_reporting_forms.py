"""Forms met in a blind batch of real 2023-2025 reporting (CSIS Beyond Parallel, Business
Insider, KBS, Korea Herald/Yonhap, Chosun Biz, AFP) that the extractor first missed: troops
counted under other words (not officers, who are often the speakers), a quoted vague figure,
"more" after a number, an unspaced em dash, reports by several authors, "analyzed", ranks
written short, and "<month> of last year"."""

from __future__ import annotations

from datetime import date

import pytest

from darkcargo.claims import extract_claims
from darkcargo.claims.text import clause_starts
from tests.claims.helpers import PUB, one


# -- items ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("Kyiv Post reports that six North Korean servicemen were killed.", 6, 6),
        ("He agreed to send 6,000 military personnel to the Kursk region.", 6000, 6000),
        ("Ryder said several hundred DPRK forces have been hit.", 300, 900),
        ("Ryder said there were several hundred casualties.", 300, 900),
        (
            "The United States believes North Korea has suffered several hundred troop casualties.",
            300,
            900,
        ),
    ],
)
def test_troops_under_other_words(sentence: str, low: float, high: float) -> None:
    c = one(sentence)
    assert c.item == "troops"
    assert (c.low if c.low is not None else c.value, c.high if c.high is not None else c.value) == (
        low,
        high,
    )


def test_officers_who_speak_are_no_count_of_troops() -> None:
    c = one("Two South Korean intelligence officers said 5,000 containers were shipped.")
    assert (c.value, c.item) == (5000, "containers")


def test_a_quoted_vague_figure_keeps_its_item() -> None:
    c = one('Officials said North Korea has suffered "several hundred" troops killed.')
    assert (c.low, c.high, c.item, c.bound) == (300, 900, "troops", "vague")


def test_more_after_a_number_is_no_end_of_the_phrase_but_more_than_is() -> None:
    c = one("Satellite images show hundreds of more containers piled up in a yard.")
    assert (c.low, c.high, c.item) == (200, 1000, "containers")
    assert one("North Korea shipped 2,000 more containers in May.").item == "containers"
    assert one("It sent 5,000 more than last year.").item is None


# -- an aside set off by em dashes --------------------------------------------------------------
def test_an_unspaced_em_dash_aside_counts_the_noun_before_it() -> None:
    text = (
        "Reports by RUSI found that at least two vessels made multiple trips—at least five—"
        "between Najin and Dunai."
    )
    claims = extract_claims(text, published=PUB)
    got = [(c.value, c.item, c.bound) for c in claims]
    assert got == [(2, "ships", "lower"), (5, "voyages", "lower")]


def test_an_unspaced_en_dash_is_a_range_not_a_clause_break() -> None:
    text = "Shipments in 2023–2024 and trips—five of them—went on."
    starts = clause_starts(text, 0, len(text))
    assert text.index("five") in starts  # after the em dash
    assert text.index("2024") not in starts


# -- speakers -------------------------------------------------------------------------------------
def test_reports_by_several_authors_name_the_first() -> None:
    text = (
        "Subsequent reports by the Royal United Services Institute (RUSI) and NK News further "
        "identified that at least two Russian-flagged vessels made five trips."
    )
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item) for c in claims] == [(2, "ships"), (5, "voyages")]
    assert {c.speaker for c in claims} == {"Royal United Services Institute"}


def test_analyzed_is_a_verb_of_assessment() -> None:
    c = one(
        "The National Intelligence Service also analyzed that North Korea has supported more "
        "than 10 million artillery shells to Russia."
    )
    assert (c.value, c.bound, c.speaker) == (10_000_000, "lower", "National Intelligence Service")
    assert c.stance == "estimated"


@pytest.mark.parametrize(
    ("sentence", "speaker", "title"),
    [
        (
            "Pentagon press secretary Major Gen. Pat Ryder said several hundred soldiers died.",
            "Pat Ryder",
            "Gen.",
        ),
        ("Lt. Gen. Jeffrey Kruse said 3,000 troops were sent.", "Jeffrey Kruse", "Lt. Gen."),
        ("Rep. Mike Turner said 5,000 containers were shipped.", "Mike Turner", "Rep."),
    ],
)
def test_ranks_written_short_are_titles_not_names(sentence: str, speaker: str, title: str) -> None:
    c = one(sentence)
    assert c.speaker == speaker
    assert c.speaker_title is not None and c.speaker_title.endswith(title)


# -- dates --------------------------------------------------------------------------------------------
def test_a_month_of_last_year_is_that_month() -> None:
    c = one(
        "During the first troop dispatch in November of last year, North Korea sent over "
        "11,000 combat troops to Russia.",
        published=date(2025, 6, 26),
    )
    assert (c.value, c.item, c.bound, c.claim_date) == (11000, "troops", "lower", date(2024, 11, 1))


@pytest.mark.parametrize(
    "sentence",
    [
        "They are known to have headed to North Korea 32 times since August of last year.",
        "Since late August, they have headed to North Korea 32 times.",
    ],
)
def test_since_a_month_is_the_start_of_the_count_not_its_date(sentence: str) -> None:
    c = one(sentence, published=date(2024, 3, 13))
    assert (c.value, c.item) == (32, "voyages")
    assert c.claim_date == date(2024, 3, 13)
    assert c.baseline_date == date(2023, 8, 1)
