"""Extraction: items, calibres, bounds, capacity, traps that are not quantities, speakers."""

from __future__ import annotations

from datetime import date

import pytest

from darkcargo.claims import extract_claims
from darkcargo.claims.text import document_from_text, split_sentences


def one(text: str, published: date | None = date(2024, 2, 27)):
    claims = extract_claims(text, published=published)
    assert len(claims) == 1, [(c.value, c.item) for c in claims]
    return claims[0]


@pytest.mark.parametrize(
    "text",
    [
        "The ANGARA (IMO 9179842) was built in 1998.",
        "Kim Jong Un, 40, visited a munitions factory.",
        "The 62-year-old minister took office in 2023.",
        "Resolution 2270 and Regulation 833/2014 apply.",
        "North Korea may have sent KN-23 missiles and 9M22U rockets.",
        "The 20-foot containers weigh 2,300 kg empty.",
        "The LADY R, a 120m vessel, is 138 metres long.",
        "At 10:30 a.m. on 7 September the ship docked.",
        "It was the ship's 11th voyage in the 1990s sense.",
        "The ship was loaded with 152 mm and 122mm ammunition.",
        "The two leaders met for about four hours.",
        "",
        "   \n\n  ",
    ],
)
def test_not_quantities(text: str) -> None:
    assert extract_claims(text, published=date(2024, 3, 1)) == []


def test_list_numbers_are_not_quantities() -> None:
    assert extract_claims("Ships named:\n1. ANGARA\n2. MARIA\n3. MAIA-1\n") == []


def test_caliber_with_and_without_space_is_the_same() -> None:
    a = one("Over 200,000 122mm rockets were sent.")
    b = one("Over 200,000 122 mm rockets were sent.")
    assert (a.value, a.item, a.caliber, a.bound) == (200000, "rockets", "122mm", "lower")
    assert (b.value, b.item, b.caliber, b.bound) == (200000, "rockets", "122mm", "lower")
    assert a.quantity == "rockets_122mm"


def test_2_5m_shells_is_millions_not_metres() -> None:
    c = one("Russia fired some 2.5m shells last year.")
    assert c.value == 2_500_000 and c.item == "shells" and c.bound == "approximate"


def test_capacity_is_not_a_count() -> None:
    claims = extract_claims(
        "About 6,700 containers were sent, which could hold 3 million 152 mm shells."
    )
    assert [(c.item, c.basis) for c in claims] == [("containers", "count"), ("shells", "capacity")]
    assert claims[1].quantity == "rounds_152mm"


@pytest.mark.parametrize(
    ("text", "bound", "low", "high"),
    [
        ("about 6,700 containers", "approximate", None, None),
        ("more than 1,000 containers", "lower", 1000, None),
        ("over 1 million shells", "lower", 1e6, None),
        ("up to 4.8 million shells", "upper", None, 4.8e6),
        ("as many as 3 million shells", "upper", None, 3e6),
        ("no more than 20 ships", "upper", None, 20),
        ("between 1 and 2 million shells", "range", 1e6, 2e6),
        ("1-2 million shells", "range", 1e6, 2e6),
        ("10,000 containers or more", "lower", 10000, None),
        ("6,700 containers", "exact", 6700, 6700),
    ],
)
def test_bounds(text: str, bound: str, low: float | None, high: float | None) -> None:
    c = one(f"Officials said {text} had been shipped.")
    assert c.bound == bound
    assert c.low == low and c.high == high


def test_change_from_to_is_two_figures_not_a_range() -> None:
    claims = extract_claims("Fire dropped from 40,000 rounds a day to 27,000 rounds a day.")
    assert [(c.value, c.bound, c.unit) for c in claims] == [
        (40000, "exact", "per_day"),
        (27000, "exact", "per_day"),
    ]


def test_money_and_percentages() -> None:
    eur = one("EU leaders agreed a €50 billion package.")
    assert (eur.value, eur.unit, eur.item, eur.basis) == (5e10, "EUR", "euros", "money")
    pct = one("About 30% of them were rockets.")
    assert (pct.value, pct.unit, pct.basis, pct.item) == (30, "percent", "percentage", None)
    ratio = one("Rail traffic rose 10X.")
    assert (ratio.value, ratio.unit) == (10, "ratio")


def test_year_like_count_before_an_item_is_a_count() -> None:
    c = one("Officials said 2000 containers were loaded in 2023.")
    assert c.value == 2000 and c.item == "containers"
    assert c.claim_date == date(2023, 1, 1) and c.date_precision == "year"


def test_negation_and_denial() -> None:
    denied = one("Moscow denied receiving 1 million shells.")
    assert denied.negated and denied.stance == "denied" and denied.speaker == "Moscow"
    c = one("Officials said there was no evidence that more than 10 ships were involved.")
    assert c.negated and c.bound == "lower"
    not_neg = one("Officials said no more than 20 ships were involved.")
    assert not not_neg.negated and not_neg.bound == "upper"


def test_pronoun_and_title_resolve_to_the_full_name() -> None:
    text = (
        "Defence Minister Shin Won-sik spoke on Monday. He said about 6,700 containers had "
        "been shipped. That equates to more than 3 million shells, the minister said. "
        "Shin said 5,000 of them arrived in December."
    )
    claims = extract_claims(text, published=date(2024, 2, 27))
    assert [c.speaker for c in claims] == ["Shin Won-sik"] * 3
    assert claims[0].speaker_title == "Defence Minister"


def test_according_to_him_resolves_to_the_person_named_before() -> None:
    text = (
        "This was stated by President of Ukraine Volodymyr Zelensky at a press conference. "
        "According to him, about 1.5 million pieces of artillery ammunition were sent to Russia. "
        "The agency's analysts disagree. According to them, 3,000 containers left Rajin."
    )
    claims = extract_claims(text, published=date(2024, 2, 25))
    assert [(c.value, c.speaker) for c in claims][:1] == [(1_500_000, "Volodymyr Zelensky")]


def test_a_headline_verb_in_title_case_names_the_speaker() -> None:
    claims = extract_claims("Zelenskyy Says N. Korea Has Sent over 1 Mln Ammo Rounds to Russia")
    assert [(c.value, c.speaker, c.stance) for c in claims] == [(1_000_000, "Zelenskyy", "said")]
    # a title-case word that is no reporting verb names nobody
    headline = extract_claims("N. Korea Likely Provided 1.6 Mil Artillery Shells to Russia")
    assert [(c.value, c.speaker) for c in headline] == [(1_600_000, None)]


def test_quoting_and_clarifying_are_reporting_verbs() -> None:
    quoted = extract_claims(
        "Lawmaker Yoo Sang-bum quoted the spy agency as saying the North has sent 10 shipments "
        "of weapons to Russia."
    )
    assert [(c.value, c.speaker) for c in quoted] == [(10, "Yoo Sang-bum")]
    text = (
        "President Volodymyr Zelenskyy spoke in Tallinn. He clarified that 12,000 North Korean "
        "soldiers are in Russia."
    )
    clarified = extract_claims(text)
    assert [(c.value, c.speaker) for c in clarified] == [(12_000, "Volodymyr Zelenskyy")]


def test_a_news_agency_and_a_reports_author_are_speakers_not_their_nationality() -> None:
    agency = extract_claims(
        "North Korea sent 6,700 containers, which could hold 3 million shells, according to "
        "South Korean news agency Yonhap."
    )
    assert {c.speaker for c in agency} == {"Yonhap"}
    (report,) = extract_claims(
        "The shipments could hold more than 6 million shells, according to a Defense "
        "Intelligence Agency report submitted to a lawmaker."
    )
    assert (report.speaker, report.evidence) == ("Defense Intelligence Agency", "report")


def test_a_described_minister_resolves_only_to_a_minister_of_that_country() -> None:
    said = "The South Korean defense minister said the North had sent about 6,700 containers."
    named = extract_claims("South Korean Defense Minister Shin Won-sik spoke on Monday. " + said)
    assert [c.speaker for c in named] == ["Shin Won-sik"]
    other = extract_claims("Ukrainian Foreign Minister Dmytro Kuleba spoke on Monday. " + said)
    assert [c.speaker for c in other] == ["South Korean defense minister"]


def test_a_statement_in_a_when_clause_does_not_vouch_for_the_figure_before_it() -> None:
    claims = extract_claims(
        "The latest figure marks a twofold increase since February, when Defense Minister "
        "Shin Won-sik told reporters the North had sent about 6,700 containers to Russia."
    )
    assert [(c.value, c.speaker) for c in claims] == [(2, None), (6700, "Shin Won-sik")]


def test_a_next_sentence_naming_the_publisher_of_a_statement_gives_the_speaker() -> None:
    text = (
        "North Korea has sent more than 10,000 containers of ammunition to Russia since last "
        "September. This is stated in a message posted on the official portal of the "
        "Department of State of the United States."
    )
    assert [(c.value, c.speaker) for c in extract_claims(text)] == [(10_000, "Department of State")]
    unnamed = "North Korea has sent 10,000 containers. This is stated in the report."
    assert [(c.value, c.speaker) for c in extract_claims(unnamed)] == [(10_000, None)]


def test_an_accusation_is_a_claim_of_its_accuser() -> None:
    text = (
        "The US has accused North Korea of sending over 1,000 containers of military equipment "
        "and munitions to Russia."
    )
    (claim,) = extract_claims(text)
    assert (claim.value, claim.item, claim.speaker, claim.stance) == (
        1000,
        "containers",
        "US",
        "claimed",
    )


def test_acronym_resolves_to_the_organisation() -> None:
    text = (
        "The ships made 32 trips, according to the Royal United Services Institute (RUSI). "
        "RUSI said as many as 2,000 containers were moved."
    )
    speakers = {c.speaker for c in extract_claims(text)}
    assert speakers == {"Royal United Services Institute"}


def test_quotation_is_attributed_to_the_speaker_after_it() -> None:
    text = (
        '"North Korea has delivered about 5 million shells. Some 20,000 containers have '
        'crossed the border," Budanov told Ukrainian television.'
    )
    assert [c.speaker for c in extract_claims(text)] == ["Budanov", "Budanov"]


def test_dates_and_baseline_from_the_sentence() -> None:
    c = one(
        "Shin said on Monday that North Korea had shipped about 6,700 containers since August 2023."
    )
    assert c.claim_date == date(2024, 2, 26) and c.date_precision == "day"
    assert c.baseline_date == date(2023, 8, 1)


def test_spans_point_at_the_claim_in_the_text() -> None:
    text = "Seoul said North Korea had sent more than 3 million 152 mm shells to Russia."
    c = one(text)
    assert text[c.span_start : c.span_end] == "more than 3 million 152 mm shells"
    assert c.quote == text


def test_claim_ids_are_stable_and_distinct() -> None:
    text = "About 6,700 containers and 3 million shells were sent."
    a = extract_claims(text)
    b = extract_claims(text)
    assert [c.claim_id for c in a] == [c.claim_id for c in b]
    assert len({c.claim_id for c in a}) == 2


def test_html_is_reduced_to_its_text() -> None:
    html = (
        "<html><head><title>T</title><script>var n = 5000000;</script>"
        '<meta property="article:published_time" content="2024-02-26T09:00:00Z"></head>'
        "<body><nav>Home 2024</nav><p>Zelensky said on Sunday that North Korea sent roughly "
        "1.5&nbsp;million shells.</p><p>Second&amp;para.</p></body></html>"
    )
    doc = document_from_text(html, path="a.html")
    assert "var n" not in doc.text and "Home" not in doc.text
    assert "Second&para." in doc.text
    assert doc.title == "T" and doc.published == date(2024, 2, 26)
    (c,) = extract_claims(doc.text, published=doc.published)
    assert c.value == 1.5e6 and c.claim_date == date(2024, 2, 25)


def test_header_block_gives_the_date_and_is_not_mined() -> None:
    text = "Title: 6,700 containers, minister says\nDate: 2024-02-27\n\nShin said on Monday that 6,700 containers were sent."
    claims = extract_claims(text)
    assert len(claims) == 1 and claims[0].claim_date == date(2024, 2, 26)


def test_sentence_splitter_keeps_abbreviations_together() -> None:
    text = "Gen. Kim said on Dec. 29 that U.S. officials met. The ships left."
    spans = [text[s.start : s.end] for s in split_sentences(text)]
    assert spans == ["Gen. Kim said on Dec. 29 that U.S. officials met.", "The ships left."]


def test_wire_dateline_dates_the_story_not_the_figures() -> None:
    text = (
        "SEOUL, June 3 (Reuters) - North Korea has sent about 10,000 containers to Russia "
        "since last August, South Korea's defence ministry said on Monday."
    )
    c = one(text, published=date(2024, 6, 3))
    assert c.claim_date == date(2024, 6, 3) and c.baseline_date == date(2023, 8, 1)
    assert c.speaker == "South Korea's defence ministry"


def test_person_of_the_organisation() -> None:
    c = one("Lee Sung-jun of the Joint Chiefs of Staff said about 13,000 containers were sent.")
    assert c.speaker == "Lee Sung-jun" and c.speaker_title == "Joint Chiefs of Staff"


def test_scenario_style_document() -> None:
    """The demo scenario's news texts: header, day-first dateline, appositive speaker, a
    quotation whose capacity runs across ', or', and a pronoun."""
    text = (
        "Title: Seoul says North shipped thousands of containers to Russia\n"
        "Date: 2023-11-04\nSource: Scenario Herald\nURL: https://example.org/doc02\n"
        "Note: Simulated document; people and figures are fictional.\n\n"
        "SEOUL, 4 November 2023 - South Korea's defence minister, Han Jae-won, told a "
        "parliamentary committee\non 4 November 2023 that North Korea had sent about 4,400 "
        'containers to Russia since August. "Those\ncontainers could hold more than 2,200,000 '
        'rounds of 152 mm artillery shells, or more than\n440,000 122 mm rockets," Han said. '
        "He added that North Korean munitions factories were\nrunning at full capacity.\n"
    )
    claims = extract_claims(text)
    assert [(c.value, c.quantity, c.bound, c.basis) for c in claims] == [
        (4400, "containers", "approximate", "count"),
        (2_200_000, "rounds_152mm", "lower", "capacity"),
        (440_000, "rockets_122mm", "lower", "capacity"),
    ]
    assert {c.speaker for c in claims} == {"Han Jae-won"}
    assert claims[0].claim_date == date(2023, 11, 4)
    assert claims[0].baseline_date == date(2023, 8, 1)
    assert claims[0].source_url == "https://example.org/doc02"


def test_seasons_as_baselines() -> None:
    c = one(
        "Russia has received roughly 3 million shells since last summer, he said.",
        published=date(2024, 2, 19),
    )
    assert c.baseline_date == date(2023, 6, 1)


def test_quay_count_is_an_observation() -> None:
    c = one("Satellite images show about 630 containers stacked on the quay at Rajin.")
    assert c.basis == "observed" and c.value == 630


def test_the_owner_of_a_report_and_the_publisher_of_images_speak() -> None:
    c = one("RUSI's analysis found that the ship made 14 voyages to Rajin.")
    assert (c.value, c.item, c.speaker, c.stance) == (14, "voyages", "RUSI", "estimated")
    c = one("The Pentagon's latest report revealed that 300 containers reached Dunai.")
    assert (c.value, c.item, c.speaker) == (300, "containers", "Pentagon")
    c = one(
        "The White House has released satellite images showing that around 300 containers "
        "were loaded at Najin."
    )
    assert (c.value, c.bound, c.speaker) == (300, "approximate", "White House")
    # images with no owner or publisher still name no speaker: they are evidence
    c = one("Satellite imagery showed that 300 containers were stacked on the quay.")
    assert c.speaker is None
    # a report's authors speak as such (a blind batch's gold: "the report's authors estimate")
    c = one("Between 4.2 and 5.8 million rounds were shipped, the report's authors estimate.")
    assert (c.low, c.high, c.speaker, c.stance) == (4.2e6, 5.8e6, "report's authors", "estimated")
    c = one("RUSI has raised its estimate to 7,000 containers.")
    assert (c.speaker, c.stance) == ("RUSI", "estimated")


def test_an_observers_participle_stays_inside_the_counted_phrase() -> None:
    c = one("There have been a total of five observed trips since August, according to RUSI.")
    assert (c.value, c.item, c.speaker) == (5, "voyages", "RUSI")
    c = one("Analysts counted 12 confirmed voyages by the Angara.")
    assert (c.value, c.item) == (12, "voyages")


def test_the_newspaper_is_the_outlet_named_last_past_an_aside() -> None:
    text = (
        "The shells went to 16 depots, according to The Washington Post on Saturday. "
        "The newspaper, quoting data obtained by the nonprofit Center for Advanced Defense "
        "Studies(C4ADS), said the explosives equal about 1.6 million artillery shells."
    )
    (c,) = [c for c in extract_claims(text, published=date(2024, 6, 24)) if c.value == 1.6e6]
    assert (c.item, c.speaker) == ("shells", "Washington Post")
    # no outlet named before: the phrase stays as written, never another organisation
    text = "RUSI counted ships. The newspaper said 300 containers left Rajin."
    (c,) = extract_claims(text, published=date(2024, 6, 24))
    assert c.speaker == "newspaper"


def test_what_a_figure_is_based_on_names_its_source() -> None:
    text = (
        "Satellite images indicate that Russia is moving hundreds of containers of arms. "
        "This revelation is based on a recent report from the London-based think tank, Royal "
        "United Services Institute (RUSI). The figure of 6,700 containers is based on a report "
        "by the National Intelligence Service."
    )
    got = [(c.low, c.value, c.speaker) for c in extract_claims(text, published=date(2023, 10, 17))]
    assert got == [
        (200, None, "Royal United Services Institute"),
        (6700, 6700, "National Intelligence Service"),
    ]


def test_a_modifier_item_word_before_another_noun_counts_nothing() -> None:
    text = "He said hundreds of munitions factories run at about 30 percent of their capacity."
    got = [(c.value, c.item) for c in extract_claims(text, published=date(2024, 2, 28))]
    assert got == [(30, "capacity")]  # not "hundreds of shells"
    assert extract_claims("It has 300 shell factories.", published=date(2024, 2, 28)) == []
    (c,) = extract_claims("Two container ships left Rajin.", published=date(2024, 2, 28))
    assert (c.value, c.item) == (2, "ships")


def test_an_observer_speaks_and_a_paragraph_opening_pointer_covers_the_paragraph() -> None:
    text = (
        "North Korea has sent containers that can hold almost 5 million shells. Putin is "
        "likely to seek more.\n"
        "This was reported by the Minister of Defense of South Korea Shin Wonsik.\n"
        "Seoul spotted at least 10,000 containers going to Russia. The crew found 3 shells."
    )
    got = [(c.value, c.speaker) for c in extract_claims(text, published=date(2024, 6, 14))]
    assert got == [(5e6, "Shin Wonsik"), (10_000, "Seoul"), (3, None)]


def test_a_bare_large_amount_counts_what_the_sentence_before_named() -> None:
    text = (
        "Half of the artillery shells Russia fires come from North Korea, The Times reported. "
        "According to the newspaper, around 3 million a year are being shipped."
    )
    (c,) = extract_claims(text, published=date(2024, 10, 5))
    assert (c.value, c.item, c.unit, c.speaker) == (3e6, "shells", "per_year", "Times")
    # not across a paragraph, and not for a small number
    text = "They counted the artillery shells.\n\nAround 3 million a year are shipped. 12 left."
    assert [c.item for c in extract_claims(text, published=date(2024, 10, 5))] == [None]


def test_a_title_then_a_name_after_by_gives_the_name_and_mentioning_reports() -> None:
    text = (
        "The numbers have been revealed by South Korea's Defence Minister, Shin Won-sik, who "
        "said North Korea has sent 6,700 shipping containers of ammunition to Russia. In "
        "January, The Wall Street Journal mentioned in its report that Russia fired 10,000 "
        "artillery shells per day. These containers can hold more than 200,000 shells of 122 "
        "mm caliber."
    )
    got = [
        (c.value, c.speaker, c.caliber) for c in extract_claims(text, published=date(2024, 2, 28))
    ]
    assert got == [
        (6700, "Shin Won-sik", None),
        (10_000, "Wall Street Journal", None),
        (200_000, "Wall Street Journal", "122mm"),  # "These containers": the same source
    ]


def test_days_of_a_month_are_dates_even_without_a_publication_date() -> None:
    text = (
        "The North provided several dozen ballistic missiles, some fired on Dec. 30, Jan. 2 "
        "and Jan. 6."
    )
    got = [(c.value, c.low, c.item) for c in extract_claims(text)]  # no date to anchor a year
    assert got == [(None, 36, "missiles")]


def test_an_organisation_described_again_is_the_one_that_spoke() -> None:
    text = (
        "North Korea shipped over 10,000 containers, the State Department said Friday. It and "
        'the Treasury Department imposed sanctions. "The DPRK has delivered more than 10,000 '
        'containers," the department said in a fact sheet. Washington, Seoul and Kyiv have '
        "accused Pyongyang of supplying millions of artillery shells."
    )
    got = [c.speaker for c in extract_claims(text, published=date(2024, 2, 24))]
    assert got == ["State Department", "State Department", "Washington, Seoul and Kyiv"]


# Sentences of the blind batches heldout31 and heldout32 (third-party articles, 2023-2025)
def test_a_line_that_opens_with_its_source_and_a_colon_is_that_source_s() -> None:
    text = "CNN: North Korea plans to send up to 30,000 troops to support Russian forces"
    c = one(text, published=date(2025, 7, 2))
    assert (c.high, c.bound, c.item, c.speaker) == (30_000, "upper", "troops", "CNN")
    text = (
        "Zelensky: Over 3,000 North Korean Soldiers Killed, Wounded In Russia. JCS: 1,100 "
        "Casualties"
    )
    got = [(c.value, c.speaker) for c in extract_claims(text, published=date(2024, 12, 23))]
    assert got == [(3_000, "Zelensky"), (1_100, "JCS")]
    # a label before the colon names no source
    c = one("Exclusive: North Korea sent 6,700 containers to Russia", published=date(2024, 3, 1))
    assert (c.value, c.speaker) == (6_700, None)


def test_who_worked_the_imagery_speaks_and_an_aside_does_not_hide_the_evidence() -> None:
    text = (
        "The Open Source Center (OSC) used satellite imagery to identify at least 64 shipments "
        "from North Korea to Russia between August 2023 and March 2025."
    )
    c = one(text, published=date(2025, 4, 16))
    assert (c.value, c.item, c.speaker, c.stance) == (
        64,
        "voyages",
        "Open Source Center",
        "estimated",
    )
    assert c.evidence == "satellite imagery"
    text = (
        "Satellite images, provided exclusively to the BBC, reveal that over the last eight "
        "months, more than a dozen North Korean oil tankers made 43 visits to an oil terminal."
    )
    got = [
        (c.value, c.item, c.evidence) for c in extract_claims(text, published=date(2024, 11, 22))
    ]
    assert got == [(12, "ships", "satellite imagery"), (43, "voyages", "satellite imagery")]


def test_container_boxes_a_container_s_size_and_a_casualty_toll_are_counted() -> None:
    text = "The equipment was contained in 1,000 container boxes transferred by North Korea."
    assert (one(text).value, one(text).item) == (1_000, "containers")
    c = one("One shows about 300 20-foot containers stacked at the port on September 8.")
    assert (c.value, c.bound, c.item) == (300, "approximate", "containers")
    text = (
        "The total estimated North Korean casualty rate of 4,000 — including those killed, "
        "wounded, missing or captured — represents 36% of the deployed force."
    )
    c = extract_claims(text, published=date(2025, 1, 22))[0]
    assert (c.value, c.item) == (4_000, "troops")
    text = (
        "The number is far beyond the 1,100 casualty estimate (which includes around 100 "
        "killed) given by South Korea’s Joint Chiefs of Staff (JCS)."
    )
    c = extract_claims(text, published=date(2024, 12, 23))[0]
    assert (c.value, c.item, c.speaker) == (1_100, "troops", "South Korea’s Joint Chiefs of Staff")


def test_on_the_13th_is_a_day_of_the_publication_s_month_or_the_one_before() -> None:
    text = (
        "Earlier, John Kirby revealed on the 13th (local time) that North Korea provided Russia "
        "with military equipment and ammunition exceeding 1,000 containers."
    )
    c = one(text, published=date(2023, 10, 16))
    assert (c.value, c.speaker, c.claim_date) == (1_000, "John Kirby", date(2023, 10, 13))
    c = one("On the 28th, the ministry said 3,000 troops had arrived.", date(2023, 10, 16))
    assert c.claim_date == date(2023, 9, 28)  # after the 16th: the month before


# Sentences of the blind batches heldout33 and heldout34 (third-party articles, 2024-2025)
def test_infantrymen_recruits_and_prisoners_of_war_are_troops() -> None:
    text = (
        "He said about 11,000 North Korean infantrymen and dozens of North Korean recruits were "
        "deployed. Ukraine captured two North Korean prisoners of war in Kursk, and took at "
        "least two prisoner."
    )
    got = [(c.value, c.low, c.item) for c in extract_claims(text, published=date(2024, 10, 21))]
    assert got == [
        (11_000, None, "troops"),
        (None, 24, "troops"),
        (2, 2, "troops"),
        (2, 2, "troops"),
    ]


def test_a_hedge_outside_the_quotation_of_its_figure_still_bounds_it() -> None:
    c = one('Officials said at least "3,000 soldiers" were sent to Russia.', date(2025, 3, 31))
    assert (c.value, c.bound, c.item) == (3_000, "lower", "troops")


def test_numbers_half_in_digits_half_in_words() -> None:
    text = "The number of casualties stands at 47-hundred North Korean soldiers."
    assert (one(text).value, one(text).item) == (4_700, "troops")
    c = one("Shin said six-thousand-700 containers were sent.")
    assert (c.value, c.item, c.speaker) == (6_700, "containers", "Shin")


def test_a_denial_or_a_source_in_another_clause_does_not_speak_for_the_figure() -> None:
    text = (
        "While North Korea and Russia deny any arms transfers, imagery from commercial "
        "satellites has shown about four cargo vessels moving between the ports."
    )
    c = one(text, date(2024, 3, 26))
    assert (c.value, c.item, c.speaker, c.negated) == (4, "ships", None, False)
    assert c.evidence == "satellite imagery"
    text = (
        "North Korea may import 500,000 barrels of oil per year; according to calculations by "
        "the research institute RUSI, Russia delivered a quarter of that cap."
    )
    c = one(text, date(2024, 3, 26))
    assert (c.value, c.item, c.speaker) == (500_000, "barrels", None)


def test_told_a_committee_last_week_dates_the_statement() -> None:
    text = (
        "About 200 long-range artillery pieces were sent, South Korea's Defense Ministry told a "
        "parliamentary committee last week."
    )
    c = one(text, date(2025, 2, 18))
    assert (c.value, c.claim_date, c.date_precision) == (200, date(2025, 2, 1), "month")


def test_all_five_ships_is_the_five_ships_named_before() -> None:
    text = "Five ships made the trips. All five ships had their transponders switched off."
    assert [(c.value, c.item) for c in extract_claims(text, published=date(2024, 3, 26))] == [
        (5, "ships")
    ]


# Sentences of the blind batch heldout35 (third-party articles, 2024-2025)
def test_the_think_tank_that_identified_the_shipments_speaks() -> None:
    text = (
        "The Royal United Services Institute (RUSI), which monitors movements between North "
        "Korea and Russia using satellite imagery, observed similar patterns. The think tank "
        "identified 27 shipments between the North Korean port of Rajin and two Russian ports."
    )
    c = one(text, date(2024, 6, 23))
    assert (c.value, c.item, c.speaker) == (27, "voyages", "Royal United Services Institute")


def test_an_acronym_s_expansion_sits_between_a_figure_and_its_item() -> None:
    text = (
        "Of the 4,000 DPRK (Democratic People's Republic of Korea) soldiers who have become "
        "casualties, around 1,000 are reported to have been killed."
    )
    got = [(c.value, c.item) for c in extract_claims(text, published=date(2025, 1, 31))]
    assert got == [(4_000, "troops"), (1_000, "troops")]


def test_a_dateline_before_a_colon_is_no_source_and_a_couple_thousand_is_vague() -> None:
    c = one("WASHINGTON: North Korea has sent some 10,000 troops to Russia.", date(2024, 10, 29))
    assert (c.value, c.item, c.speaker) == (10_000, "troops", None)
    c = one("It sent a couple thousand troops to the Kursk region.", date(2024, 10, 28))
    assert (c.low, c.high, c.bound, c.item) == (2_000, 3_000, "vague", "troops")


def test_a_person_named_before_a_title_in_apposition_is_the_he_who_speaks_later() -> None:
    # heldout31 (Reuters via Daily8, 2025-06-17): "He" was read as Kim Jong Un, the last person
    # named, because "Sergei Shoigu, secretary of ..." did not register Shoigu as a person
    text = (
        "Sergei Shoigu, secretary of Russia's Security Council, spoke after talks with North "
        "Korean leader Kim Jong Un in Pyongyang. Shoigu said the talks had lasted more than two "
        "hours. He told a news conference that North Korea would send thousands of troops."
    )
    c = one(text, date(2025, 6, 17))
    assert (c.low, c.item, c.speaker) == (2_000, "troops", "Sergei Shoigu")


# Sentences of the blind batch heldout36 (third-party articles, 2024-2025)
def test_he_affirmed_speaks_and_a_closing_quotation_does_not_hold_the_figures_before_it() -> None:
    text = (
        "Lieutenant General Kyrylo Budanov, head of Ukraine's Intelligence, revealed how many "
        "troops North Korea sent. He affirmed the deployment of at least 500 North Korean "
        "officers to Russia."
    )
    c = one(text, date(2024, 10, 19))
    assert (c.low, c.item, c.speaker) == (500, "troops", "Kyrylo Budanov")
    text = (
        "Around 1,000 combat engineers have already arrived in Russia, while troops dispatched "
        'earlier are reportedly stationed in the "rear front as reserve forces." North Korea has '
        "claimed to have suffered only 350 casualties."
    )
    got = [(c.value, c.speaker) for c in extract_claims(text, published=date(2025, 9, 2))]
    assert got == [(1_000, None), (350, "North Korea")]


def test_a_percentage_larger_than_something_is_of_the_thing_compared() -> None:
    text = (
        "The volume of containers from Russia to North Korea is presumed to be 30 percent "
        "larger than the shipments going in the opposite direction."
    )
    c = one(text, date(2024, 2, 27))
    assert (c.value, c.unit, c.item) == (30, "percent", "containers")


# Sentences of the blind batch heldout37 (third-party articles, 2023-2025)
def test_an_editors_bracketed_acronym_does_not_hide_the_speaker() -> None:
    text = (
        "Indeed, on December 16, the General Intelligence Directorate of the Ukrainian Ministry "
        "of Defense [GUR] claimed that at least thirty North Korean soldiers were killed."
    )
    c = one(text, date(2024, 12, 23))
    assert (c.low, c.item, c.stance, c.claim_date) == (30, "troops", "claimed", date(2024, 12, 16))
    assert c.speaker == "General Intelligence Directorate of the Ukrainian Ministry of Defense"


def test_troops_that_could_increase_to_a_figure_are_its_item() -> None:
    text = (
        "On November 19, 2024, President Volodymyr Zelenskyy stated that the contingent of North "
        "Korean troops near Ukraine's borders could increase to 100,000."
    )
    c = one(text, date(2024, 12, 19))
    assert (c.value, c.item, c.speaker) == (100_000, "troops", "Volodymyr Zelenskyy")


def test_satellite_imagery_analysis_is_evidence() -> None:
    text = (
        "Satellite imagery analysis shows that in the past eight months, more than 12 North "
        "Korean tankers made 43 trips."
    )
    got = [(c.value, c.evidence) for c in extract_claims(text, published=date(2024, 11, 22))]
    assert got == [(12, "satellite imagery"), (43, "satellite imagery")]


# Sentences of the blind batch heldout38 (third-party articles, 2024-2025)
def test_a_toll_estimated_at_a_figure_and_up_to_a_total_of() -> None:
    text = (
        "Ukrainian President Volodymyr Zelenskyy estimated the number of North Koreans killed or "
        "injured at 4,000."
    )
    c = one(text, date(2025, 2, 27))
    assert (c.value, c.item, c.speaker, c.stance) == (
        4_000,
        "troops",
        "Volodymyr Zelenskyy",
        "estimated",
    )
    c = one("Analysts say North Korea can deploy up to a total of 100,000 personnel.")
    assert (c.high, c.bound, c.item) == (100_000, "upper", "troops")


def test_a_clause_that_is_only_a_date_dates_the_statement_after_it() -> None:
    text = (
        "As the Ukrainian News agency earlier reported, in November 2023, Bloomberg reported with "
        "reference to its own sources that North Korea had transferred more than one million "
        "artillery shells to russia."
    )
    c = one(text, date(2024, 4, 24))
    assert (c.low, c.speaker, c.claim_date, c.date_precision) == (
        1_000_000,
        "Bloomberg",
        date(2023, 11, 1),
        "month",
    )


# Sentences of the blind batch heldout39 (third-party articles, 2024-2025)
def test_north_koreans_on_the_front_lines_and_engineers_to_remove_landmines_are_troops() -> None:
    text = "Ukrainian intelligence indicates around 1,500 North Koreans are already on the front lines."
    c = one(text, date(2025, 3, 5))
    assert (c.value, c.item, c.speaker) == (1_500, "troops", "Ukrainian intelligence")
    assert c.evidence is None  # the intelligence speaks; it is no evidence apart from itself
    text = "Pyongyang will dispatch one-thousand engineers to remove landmines in Kursk."
    assert (one(text).value, one(text).item) == (1_000, "troops")


def test_a_participle_after_a_comma_speaks_for_the_sentence_s_subject() -> None:
    text = "Yu also shared insights into the Russian army, noting an estimate of 63,000 troops."
    c = one(text, date(2025, 3, 5))
    assert (c.value, c.item, c.speaker) == (63_000, "troops", "Yu")


def test_informed_speaks_a_leading_adverb_is_no_part_of_the_speaker_and_cited_images() -> None:
    text = (
        "The South Korean intelligence agency informed lawmakers that North Korea sent "
        "thousands of military construction workers."
    )
    assert one(text, date(2025, 6, 26)).speaker == "South Korean intelligence agency"
    text = "Previously, U.S. and South Korean intelligence said North Korea sent 12,000 troops."
    assert one(text, date(2025, 3, 5)).speaker == "U.S. and South Korean intelligence"
    text = (
        "It cited satellite images showing that more than a dozen tankers made 43 trips, "
        "according to a BBC report."
    )
    got = [
        (c.value, c.evidence, c.speaker) for c in extract_claims(text, published=date(2024, 11, 22))
    ]
    assert got == [(12, "satellite imagery", "BBC"), (43, "satellite imagery", "BBC")]


def test_several_of_a_named_missile_is_three_to_nine() -> None:
    c = one("It delivered several Hwasong-11 missiles to Russia.", date(2024, 10, 8))
    assert (c.low, c.high, c.bound, c.item) == (3, 9, "vague", "missiles")


# Sentences of the blind batch heldout40 (third-party articles, 2024-2025)
def test_five_bare_digits_before_an_item_count_it_and_an_identifier_is_still_no_claim() -> None:
    text = "12000 North Korean soldiers sent to the front line: The appalling truth"
    assert [(c.value, c.item) for c in extract_claims(text, published=date(2024, 12, 28))] == [
        (12_000, "troops")
    ]
    assert extract_claims("Call 12345 now for details.", published=date(2024, 12, 28)) == []


def test_on_the_13th_that_and_two_north_koreans_captured() -> None:
    text = (
        "The National Intelligence Service announced on the 13th that the number of North "
        "Korean casualties has reached approximately 3,000."
    )
    c = one(text, date(2025, 1, 14))
    assert (c.value, c.item, c.claim_date) == (3_000, "troops", date(2025, 1, 13))
    c = one("On Jan. 11, Ukrainian forces managed to capture two North Koreans alive.", None)
    assert (c.value, c.item) == (2, "troops")


def test_the_number_is_higher_at_a_figure_counts_what_came_before_and_reports_do_not_speak() -> (
    None
):
    # heldout38 (ZeroHedge, 2025-02-27): no item, and "Western" read as the one reporting
    text = (
        "North Korea has sent about 11,000 troops to Russia. Some international and Western "
        "reports have said the number is actually higher, at 12,000."
    )
    got = [(c.value, c.item, c.speaker) for c in extract_claims(text, published=date(2025, 2, 27))]
    assert got == [(11_000, "troops", None), (12_000, "troops", None)]


# Sentences of the blind batches heldout41 and heldout42 (third-party articles, 2024-2025)
def test_a_currency_code_after_the_amount_and_the_one_calibre_its_sentence_named() -> None:
    text = "The arms were valued at between 5.6 and 9.8 billion USD."
    c = one(text, date(2025, 9, 18))
    assert (c.low, c.high, c.item, c.bound) == (pytest.approx(5.6e9), 9.8e9, "dollars", "range")
    text = "If filled with 152mm artillery shells, these containers could hold up to 9.4 million rounds."
    c = one(text, date(2024, 10, 28))
    assert (c.high, c.item, c.caliber) == (9.4e6, "shells", "152mm")
    two = "Russia fires 122mm and 152mm shells; it got 3 million rounds."
    assert one(two, date(2024, 10, 28)).caliber is None  # two calibres named: neither


def test_who_published_an_analysis_of_imagery_speaks_and_images_shared_are_evidence() -> None:
    text = (
        "North Korea has likely received more than 1 million barrels of oil from Russia, "
        "according to an analysis of satellite imagery published on Friday by the British-based "
        "Open Source Centre and the BBC."
    )
    c = one(text, date(2024, 11, 22))
    assert (c.low, c.item, c.evidence) == (1e6, "barrels", "satellite imagery")
    assert c.speaker is not None and "Open Source Centre" in c.speaker
    text = (
        "Satellite images shared with the BBC reveal that North Korean oil tankers made 43 trips."
    )
    assert one(text, date(2024, 11, 22)).evidence == "satellite imagery"


def test_a_list_with_a_serial_comma_speaks_and_a_source_in_quotation_marks() -> None:
    # heldout39 (AP via supremacy.info) and heldout42 (Essanews): no speaker for either
    text = (
        "While the exact number remains undisclosed, South Korea, the U.S., and Ukraine "
        "estimate that approximately 10,000-12,000 troops were sent last fall."
    )
    c = one(text, date(2025, 6, 26))
    assert (c.low, c.high, c.speaker) == (10_000, 12_000, "South Korea, the U.S., and Ukraine")
    text = (
        'According to the latest information provided by "The Washington Post," North Korea '
        "might have already delivered 1.6 million artillery shells to Russia."
    )
    assert one(text, date(2024, 6, 23)).speaker == "Washington Post"
    c = one("Washington, Seoul and Kyiv have accused Pyongyang of supplying 6,700 containers.")
    assert c.speaker == "Washington, Seoul and Kyiv"


# Sentences of the blind batch heldout43 (third-party articles, 2024-2025)
def test_fatalities_are_troops_and_a_ruling_party_lawmaker_is_named_whole() -> None:
    text = "Pyongyang had officially acknowledged only 350 fatalities from its first deployments."
    c = one(text, date(2025, 9, 2))
    assert (c.value, c.item) == (350, "troops")
    text = "North Korea sent 3,500 troops, according to South Korean ruling party lawmaker Yu Yong-weon."
    assert one(text, date(2025, 3, 5)).speaker == "Yu Yong-weon"
