"""Issue 20: the ledger reads real articles as an analyst would. One test per bullet, with the
sentences (or the phrases, set in a sentence) the issue quotes."""

from __future__ import annotations

from datetime import date

import pytest

from darkcargo.claims import extract_claims
from darkcargo.claims.calibres import normalize_caliber, snap_inches
from darkcargo.claims.evaluate import load_gold, score_articles
from tests.claims.helpers import PUB, one


# -- numbers in every common written form ----------------------------------------------------
@pytest.mark.parametrize(
    "written",
    ["10 000", "10\u2009000", "10\u202f000", "10\u00a0000", "10'000", "10’000", "10,000"],
)
def test_thousands_separators_space_thin_space_apostrophe(written: str) -> None:
    c = one(f"North Korea has sent at least {written} shipping containers to Russia.")
    assert (c.value, c.item, c.bound) == (10000, "containers", "lower")


def test_a_space_between_a_year_and_a_count_is_no_separator() -> None:
    c = one("In 2023 100 ships called at Rajin.")
    assert (c.value, c.item) == (100, "ships")


def test_decimal_with_scale_word_and_word_numbers() -> None:
    assert one("Russia received about 1.5 million shells.").value == 1.5e6
    assert one("Russia received two thousand containers.").value == 2000
    assert one("They are equal to about one-point-six million artillery shells.").value == 1.6e6
    assert one("N. Korea Likely Provided 1.6 Mil Artillery Shells to Russia").value == 1.6e6
    c = one("North Korea provided more than 74-thousand tons of explosives.")
    assert (c.value, c.unit, c.item, c.bound) == (74000, "tonnes", "explosives", "lower")


@pytest.mark.parametrize(
    ("sentence", "low", "high", "item"),
    [
        ("North Korea sends Russia millions of shells, South Korea says.", 2e6, 1e7, "shells"),
        ("North Korea has transferred several million artillery rounds.", 3e6, 9e6, "shells"),
        (
            "The ministry estimates that hundreds of thousands of rounds of artillery shells "
            "could have been sent.",
            2e5,
            1e6,
            "shells",
        ),
        ("Pyongyang also sent dozens of ballistic missiles.", 24, 100, "missiles"),
    ],
)
def test_vague_quantities_are_ranges_with_a_vague_bound(
    sentence: str, low: float, high: float, item: str
) -> None:
    c = one(sentence)
    assert (c.value, c.low, c.high, c.item, c.bound) == (None, low, high, item, "vague")


def test_a_bound_cue_before_a_vague_amount_wins() -> None:
    c = one("You can say that at least several million shells have been sent.")
    assert (c.value, c.low, c.high, c.bound, c.item) == (3e6, 3e6, None, "lower", "shells")


def test_vague_amount_of_something_not_counted_is_no_claim() -> None:
    assert extract_claims("Hundreds of factories were running.", published=PUB) == []


def test_almost_is_an_upper_bound() -> None:
    c = one("Almost 5 million shells were shipped.")
    assert (c.value, c.bound, c.high, c.low) == (5e6, "upper", 5e6, None)
    assert one("Containers that can hold nearly 5 million artillery shells.").bound == "upper"


# -- calibres ---------------------------------------------------------------------------------
def test_calibre_in_inches_is_read_and_the_item_stays_shells() -> None:
    c = one(
        "North Korea has sent containers to Russia, which could hold about 6 million 6-inch "
        "artillery shells."
    )
    assert (c.value, c.item, c.caliber, c.basis, c.bound) == (
        6e6,
        "shells",
        "152mm",
        "capacity",
        "approximate",
    )


def test_calibre_alone_is_no_count() -> None:
    text = "North Korea might have supplied 4.8-inch artillery shells and anti-tank missiles."
    assert extract_claims(text, published=PUB) == []
    assert snap_inches(4.8) == "122mm" and snap_inches(8) == "203mm"


@pytest.mark.parametrize(
    ("written", "mm"),
    [
        ("152 mm", "152mm"),
        ("152-millimeter", "152mm"),
        ("155-calibre", "155mm"),
        ("6-inch", "152mm"),
        ("D-20", "152mm"),
        ("Msta", "152mm"),
        ("Grad", "122mm"),
        ("NATO-standard 155mm", "155mm"),
    ],
)
def test_calibres_in_millimetres_inches_and_nato_soviet_names(written: str, mm: str) -> None:
    assert normalize_caliber(written) == mm


def test_named_rocket_calibre_in_a_claim() -> None:
    c = one("Russia has received 200,000 Grad rockets from the North.")
    assert (c.value, c.item, c.caliber) == (200000, "rockets", "122mm")


# -- dates are never counts ------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence",
    [
        "Russia attacked Ukraine with drones between the night of 26 February and 27 February.",
        "On February 26 the minister briefed lawmakers in Seoul.",
        "The ship remained there until it disappeared between March 7 and 9.",
    ],
)
def test_dates_are_never_counts(sentence: str) -> None:
    assert extract_claims(sentence, published=PUB) == []


# -- items from the head noun and its modifiers ------------------------------------------------
def test_container_shipments_are_containers() -> None:
    c = one("North Korea has made some 10,000 container shipments to Russia.")
    assert (c.value, c.item, c.bound) == (10000, "containers", "approximate")


def test_times_after_a_voyage_verb_are_voyages() -> None:
    c = one("The four ships headed to North Korea 32 times between August and April.")
    assert (c.value, c.item) == (32, "voyages")
    assert one("The four ships made 32 trips to North Korea.").item == "voyages"


@pytest.mark.parametrize(
    ("phrase", "item"),
    [
        ("11 voyages", "voyages"),
        ("27 shipments", "voyages"),
        ("9 sailings", "voyages"),
        ("3 million rounds", "shells"),
        ("3 million shells", "shells"),
        ("50 missiles", "missiles"),
        ("6,700 shipping containers", "containers"),
        ("1.5 million pieces of artillery ammunition", "shells"),
    ],
)
def test_items_from_the_head_noun(phrase: str, item: str) -> None:
    assert one(f"Officials say the North sent {phrase} to Russia.").item == item


@pytest.mark.parametrize(
    ("sentence", "item"),
    [
        ("The plants ran at 30% capacity.", "capacity"),
        ("Factories were operating at about 30% of their capacity.", "capacity"),
        ("Russia sent 30% more goods to the North.", "goods"),
        ("This figure is about 4% of North Korea's economy.", "economy"),
    ],
)
def test_percentages_say_what_they_are_of(sentence: str, item: str) -> None:
    c = one(sentence)
    assert (c.value, c.unit, c.item) == (int(c.value or 0), "percent", item)


def test_the_two_vessels_refers_back_and_is_no_claim() -> None:
    text = (
        "Two Russian ships made at least five round trips. Shortly before the operation began, "
        "the two vessels turned off their transponders."
    )
    got = [(c.value, c.item) for c in extract_claims(text, published=PUB)]
    assert got == [(2, "ships"), (5, "voyages")]


# -- stance -----------------------------------------------------------------------------------
def test_enough_cargo_space_for_is_a_capacity() -> None:
    c = one("The ships had enough cargo space for 3 million shells.")
    assert (c.value, c.basis) == (3e6, "capacity")


def test_count_estimate_and_denial() -> None:
    assert one("North Korea shipped 6,700 containers, Shin said.").basis == "count"
    est = one("The ministry estimates that 6,700 containers were shipped.")
    assert est.stance == "estimated"
    denial = one("Moscow denied receiving 1 million shells from Pyongyang.")
    assert denial.negated and denial.basis == "count"


# -- attribution --------------------------------------------------------------------------------
def test_speaker_before_here_and_a_weekday() -> None:
    c = one(
        "North Korea sent more than a million artillery shells to Russia since August to help "
        "Russia in its invasion of Ukraine, the National Intelligence Service here claimed "
        "Wednesday.",
        date(2023, 11, 2),
    )
    assert (c.speaker, c.stance, c.bound) == ("National Intelligence Service", "claimed", "lower")
    assert (c.claim_date, c.baseline_date) == (date(2023, 11, 1), date(2023, 8, 1))


def test_long_title_between_the_quote_and_the_verb() -> None:
    c = one(
        '"North Korea has shipped about 6,700 containers," Shin Won-sik, South Korea\'s '
        "minister of national defense and a retired three-star general, told reporters."
    )
    assert c.speaker == "Shin Won-sik"


def test_attribution_in_the_next_sentence() -> None:
    text = (
        "North Korea has shipped containers that can hold nearly 5 million shells.\n\n"
        "This was reported by the Minister of Defense."
    )
    assert one(text).speaker == "Minister of Defense"
    text = (
        "About 1.5 million shells were sent.\n\nThis was stated by President of Ukraine "
        "Volodymyr Zelensky at a press conference."
    )
    assert one(text).speaker == "Volodymyr Zelensky"


def test_evidence_type_is_kept_apart_from_the_speaker() -> None:
    c = one("Satellite imagery of Najin Port shows about 300 containers on the quay.")
    assert (c.speaker, c.evidence) == (None, "satellite imagery")
    c = one(
        "Satellite imagery showed 73 freight cars at the station, the Beyond Parallel Project "
        "said in a report."
    )
    assert (c.speaker, c.evidence) == ("Beyond Parallel Project", "satellite imagery")
    c = one("Yonhap cites a report disclosed by lawmakers showing 13,000 containers were sent.")
    assert c.speaker != "report"


def test_he_after_a_sentence_naming_the_defence_minister_is_the_minister() -> None:
    text = (
        "South Korea's defence minister spoke to lawmakers on Monday. North Korea has sent "
        "about 6,700 containers, he said."
    )
    assert one(text).speaker == "South Korea's defence minister"
    text = (
        "South Korea's defence minister, Shin Won-sik, spoke to lawmakers. North Korea has "
        "sent about 6,700 containers, he said."
    )
    assert one(text).speaker == "Shin Won-sik"


def test_a_relative_clause_keeps_its_own_source() -> None:
    text = (
        "The tests cost about $1 billion, Shin said. This figure is about 4% of North Korea's "
        "economy, which, according to the South Korean central bank, was worth about $24.5 "
        "billion in 2022."
    )
    claims = extract_claims(text, published=PUB)
    by_value = {c.value: c.speaker for c in claims}
    assert by_value[24.5e9] == "South Korean central bank"
    assert by_value[4] != "South Korean central bank"


# -- claim dates and the source address ---------------------------------------------------------
def test_claim_date_from_the_documents_date_line() -> None:
    text = "Kim sent shells\n\nJun 14, 2024\n\nNorth Korea has shipped 10,000 containers.\n"
    c = one(text, published=None)
    assert c.claim_date == date(2024, 6, 14)
    text = (
        "Headline\n\nPosted on : 2023-11-02 17:02 KST Modified on : 2023-11-02 17:02 KST\n"
        "The NIS said that North Korea had sent around 10 shipments of weapons to Russia\n"
    )
    c = one(text, published=None)
    assert (c.claim_date, c.speaker) == (date(2023, 11, 2), "NIS")


def test_bare_url_on_the_first_line_is_the_source_address() -> None:
    text = "https://example.org/news/123\n\nNorth Korea has sent 6,700 containers to Russia.\n"
    c = one(text)
    assert c.source_url == "https://example.org/news/123"
    assert c.quote.startswith("North Korea")


# -- acceptance: the development set of real articles -----------------------------------------
def test_development_set_of_real_articles_meets_the_targets() -> None:
    from pathlib import Path

    score = score_articles(load_gold(Path(__file__).with_name("articles") / "dev.jsonl"))
    assert score.precision >= 0.9 and score.recall >= 0.9
    assert score.speaker_precision >= 0.85
    assert score.bound_accuracy >= 0.9
