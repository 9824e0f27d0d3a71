"""Forms met in two blind batches of real 2023-2025 reporting that the extractor first missed.

First batch (CSIS Beyond Parallel, Business Insider, KBS, Korea Herald/Yonhap, Chosun Biz, AFP):
troops counted under other words (not officers, who are often the speakers), a quoted vague
figure, "more" after a number, an unspaced em dash, reports by several authors, "analyzed",
ranks written short, and "<month> of last year". Second batch (CSIS at Tumangang, Kyiv
Independent, Ukrainska Pravda/ISW, Yonhap, AP, KBS on the MSMT report): the kinds of rail car
on a yard image and a hedge over their list, two calibres joined, a percentage of a calibre,
"N of them", a count then a calibre, launchers as systems, a count glued to its item by a
hyphen, "according to" against a later passive, and a report named by its author. Third
batch (FT, Telegraph, Reuters/Open Source Centre, Yonhap on UN oil reporting, Novaya Gazeta,
NV): weapon systems written with their models and modifiers, "Billion" capitalised, a
hyphenated barrel limit, "21 out of the 50", and "the past year" as a span, not a date. Fourth
and fifth batches (maritime and logistics reporting; officials and the battlefield, half of it in
translation): speakers after long title phrases, in headlines ("tells", "suggests"), behind "as
reported by", in quotes after an outlet's description, documents that speak for the author named
with them earlier, nouns that are objects rather than subjects, and masses of what is not
counted. Sixth batch (Taipei Times/AP, Asahi, Wirtualna Polska, Moscow Times, Brookings, RFA,
DW): a time between a speaker and its verb, "US" the country (not "us"), plural bodies,
"indicated", "spoke of", casualties written as dead or wounded, artillery "shots". Seventh
batch (Stars and Stripes, Al Jazeera, Yonhap copies, RBC/Reuters, Moscow Times, AFP, AP): a
headline without a full stop, "MP" as a title, allies as speakers, an outlet named with its
kind, construction troops, "approaching". Eighth batch (Straits Times, CS Monitor, AP, Dong-A
on the UK MoD, CNA/Reuters, ABC, A News): a date or an adverb between speaker and verb, "per"
a source, "Seoul and its allies", "UN reports indicate", no speaker from "New reports" or from
a dissent after "but", and a figure named as a figure."""

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


# -- second batch: items ----------------------------------------------------------------------
def test_rail_yard_counts_and_a_hedge_over_their_list() -> None:
    text = (
        "The imagery shows approximately 175 ore cars, 14 box cars, 66 tank cars, "
        "6 locomotives, and 1 passenger car."
    )
    got = [(c.value, c.item, c.bound) for c in extract_claims(text, published=PUB)]
    assert got == [
        (175, "railcars", "approximate"),
        (14, "railcars", "approximate"),
        (66, "railcars", "approximate"),
        (6, "locomotives", "approximate"),
        (1, "railcars", "approximate"),
    ]
    # "about" before one figure of a pair, without a list's comma, stays with that figure
    pair = extract_claims("It sent about 3,000 troops and 50 missiles.", published=PUB)
    assert [(c.value, c.bound) for c in pair] == [(3000, "approximate"), (50, "exact")]


def test_two_calibres_joined_count_shells_of_no_single_calibre() -> None:
    c = one("He said North Korea sent two million 122-mm and 152-mm shells.")
    assert (c.value, c.item, c.caliber) == (2_000_000, "shells", None)
    c = one("He said North Korea sent two million 152-mm and 152-mm shells.")
    assert c.caliber == "152mm"


def test_a_percentage_of_shells_of_a_calibre() -> None:
    c = one(
        "Romanov said 60 percent of the 122 millimeter and 152 millimeter artillery "
        "ammunition came from North Korea."
    )
    assert (c.value, c.unit, c.item, c.speaker) == (60, "percent", "shells", "Romanov")


def test_n_of_them_counts_what_the_sentence_counted() -> None:
    text = (
        "North Korea sent approximately 11,000 military personnel to Russia, and around 4,000 "
        "of them have been killed or injured."
    )
    got = [(c.value, c.item, c.basis) for c in extract_claims(text, published=PUB)]
    assert got == [(11000, "troops", "count"), (4000, "troops", "part")]


def test_a_count_then_a_calibre_and_launchers_as_systems() -> None:
    c = one("North Korea sent around 220 240mm multiple rocket launchers, the JCS said.")
    assert (c.value, c.item, c.caliber, c.bound) == (220, "launchers", "240mm", "approximate")
    assert one("Seoul counted 10 000 shells.").value == 10_000  # a space still groups digits
    c = one(
        "The containers could hold more than 500,000 rounds of 122 mm multiple rocket launchers."
    )
    assert (c.value, c.item, c.caliber) == (500_000, "rockets", "122mm")


def test_a_count_glued_to_its_item_by_a_hyphen() -> None:
    c = one("This resulted in a 500,000-shell shortage in 2023.")
    assert (c.value, c.item) == (500_000, "shells")
    assert extract_claims("A 1,000-container ship docked at Rajin.", published=PUB) == []


# -- second batch: speakers ---------------------------------------------------------------------
def test_according_to_is_not_undone_by_a_later_passive_nor_read_as_an_appositive() -> None:
    text = (
        "The Times reported on Saturday. According to the newspaper, North Korea ships 3 "
        "million shells a year, though a large number are believed to be faulty."
    )
    c = one(text)
    assert (c.value, c.item, c.speaker) == (3_000_000, "shells", "Times")


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The MSMT report said North Korea sent at least 20,000 containers.", "MSMT"),
        ("A new UN report said North Korea sent 20,000 containers.", "UN"),
        # a report of no named author speaks for itself (gold lists accept "the report")
        ("The report said North Korea sent at least 20,000 containers.", "report"),
        ("Satellite imagery showed 1,000 containers.", None),
    ],
)
def test_a_report_speaks_through_the_author_named_before_it(
    sentence: str, speaker: str | None
) -> None:
    assert one(sentence).speaker == speaker


# -- third batch --------------------------------------------------------------------------------
def test_weapon_systems_with_their_models_and_modifiers() -> None:
    text = (
        "North Korea sent some 50 domestically produced 170mm M1989 self-propelled howitzers "
        "and 20 updated 240mm multiple launch rocket systems."
    )
    got = [(c.value, c.item, c.caliber, c.bound) for c in extract_claims(text, published=PUB)]
    assert got == [(50, "howitzers", "170mm", "approximate"), (20, "launchers", "240mm", "exact")]
    assert (
        one("It sent at least 10 M1989 Koksans.").item,
        one("It fired 5 KN-23 missiles.").item,
    ) == (
        "howitzers",
        "missiles",
    )
    assert one("Around 15,000 dispatched military personnel are in Kursk.").item == "troops"
    # a verb in -ed with no item after it still ends the phrase
    assert one("The 2,000 killed were buried.").item is None


def test_a_capitalised_scale_word_scales() -> None:
    c = one("The value could be as high as 5.5 Billion US dollars.")
    assert (c.value, c.unit, c.bound) == (5.5e9, "USD", "upper")


def test_a_hyphenated_barrel_limit_and_a_percentage_of_it() -> None:
    c = one("It exceeded the annual 500,000-barrel limit.")
    assert (c.value, c.item) == (500_000, "barrels")
    claims = extract_claims(
        "Russia delivered 33.7 percent of the annual 500,000-barrel limit.", published=PUB
    )
    assert [(c.value, c.item) for c in claims] == [(33.7, None), (500_000, "barrels")]
    assert extract_claims("A 300,000-barrel tanker docked.", published=PUB) == []


def test_a_mass_of_what_the_ledger_does_not_count_is_a_mass_in_tonnes() -> None:
    c = one("Russia has supplied North Korea with over 56 thousand tons of crude oil.")
    assert (c.value, c.unit, c.item, c.quantity, c.bound) == (
        56_000,
        "tonnes",
        "tonnes",
        "tonnes",
        "lower",
    )
    c = one("North Korea shipped 20,000 tonnes of munitions.")  # a mass of what is counted
    assert (c.value, c.unit, c.item, c.quantity) == (20_000, "tonnes", "shells", "shells_tonnes")


def test_out_of_is_a_part_of_a_count() -> None:
    claims = extract_claims(
        "He said 21 out of the 50 North Korean missiles hit their targets.", published=PUB
    )
    assert [(c.value, c.item) for c in claims] == [(21, "missiles"), (50, "missiles")]


def test_the_past_year_is_a_span_ending_now_not_last_calendar_year() -> None:
    c = one(
        "Over the past year and a half, North Korea sent at least 4 million shells.",
        published=date(2025, 4, 16),
    )
    assert (c.value, c.bound, c.claim_date) == (4_000_000, "lower", date(2025, 4, 16))


def test_a_sentence_naming_its_own_source_borrows_no_speaker() -> None:
    text = (
        "North Korea played a critical role in providing artillery ammunition, he noted, "
        "said Michael Kofman.\n\nIt has deepened its involvement this year by sending more "
        "than 12,000 troops, according to multiple western intelligence assessments."
    )
    (c,) = [c for c in extract_claims(text, published=PUB) if c.value == 12000]
    assert (c.item, c.bound, c.speaker) == ("troops", "lower", None)
    # without a source of its own, an "It ..." sentence still speaks for the one before
    claims = extract_claims(
        "Kofman said North Korea sent 2 million shells. It also sent 3,000 troops.", published=PUB
    )
    assert [(c.value, c.speaker) for c in claims] == [(2_000_000, "Kofman"), (3000, "Kofman")]


def test_the_document_named_before_speaks_for_its_author() -> None:
    text = (
        "A new investigation by Reuters was published on Tuesday.\n\nThe new investigation "
        "confirmed 64 voyages to the North Korean port of Rajin."
    )
    c = one(text)
    assert (c.value, c.item, c.speaker) == (64, "voyages", "Reuters")
    # another document ("a study") has no speaker; one never attributed speaks for itself
    assert one("A study by CSIS came out. A study found 5,000 containers.").speaker is None
    assert one("The investigation found 5,000 containers.").speaker == "investigation"


# -- fourth and fifth batches: speakers ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a title phrase with its institution, then the name
        (
            "Russia plans to produce 2.7 million shells, said Deputy Chief of the Main "
            "Intelligence Directorate (DIU) of the Ministry of Defense Vadym Skibitskyi.",
            "Vadym Skibitskyi",
        ),
        (
            "Ukraine needs 4 million shells, said military observer Oleksandr Kovalenko.",
            "Oleksandr Kovalenko",
        ),
        (
            "North Korea supplies 40% of Russia's shells, Ukrainian intel chief tells Bloomberg",
            "Ukrainian intel chief",
        ),
        # the noun before the verb is an object: "sales to Russia estimated"
        (
            "North Korea's arms sales to Russia estimated at up to $5.5 billion, Friedrich "
            "Naumann Foundation suggests",
            "Friedrich Naumann Foundation",
        ),
        (
            "A Defense Intelligence Agency (DIA) briefing provided to a key opposition lawmaker "
            "revealed that 28,000 containers were shipped.",
            "Defense Intelligence Agency",
        ),
        ("Sources indicate that up to 12,000 personnel are training.", "Sources"),
        (
            "As reported by the Financial Times on October 30, Russia deployed 3,000 soldiers.",
            "Financial Times",
        ),
        (
            "If Pyongyang sends 10,000 troops, as estimated by intelligence in Seoul, ...",
            "intelligence in Seoul",
        ),
        (
            "According to information from Seoul, North Korea has sent about 10,000 soldiers.",
            "Seoul",
        ),
        ("According to the October NIS report, each soldier receives about $2,000.", "NIS"),
        (
            'It pays $200 million a year, according to the South Korean daily "The Korean Herald".',
            "Korean Herald",
        ),
        (
            "According to the British analytical center Royal United Services Institute, five "
            "tankers called.",
            "Royal United Services Institute",
        ),
        # "according to American data" names no speaker: the one who stated it stands
        (
            "US Deputy Ambassador Robert Wood stated that according to American data, Russia "
            "used at least nine North Korean missiles.",
            "Robert Wood",
        ),
        # an agentless passive gives way to the speaker named after the figure
        (
            "Russia is estimated to have supplied more than 1 million barrels, the BBC reported.",
            "BBC",
        ),
        (
            "At least two vessels are believed to have moved troops, according to researchers at "
            "the James Martin Center for Nonproliferation Studies.",
            "researchers at the James Martin Center for Nonproliferation Studies",
        ),
    ],
)
def test_speakers_of_officials_outlets_and_documents(text: str, speaker: str) -> None:
    claims = extract_claims(text, published=PUB)
    assert claims and {c.speaker for c in claims} == {speaker}


def test_a_document_named_with_its_author_speaks_for_them_later() -> None:
    text = (
        "The toll may be as high as 1,000, according to a BBC report Thursday. Citing Western "
        "officials, the report said that North Korean troops have suffered 4,000 casualties. "
        "Weapons are worth up to $5.5 billion, according to a study by the Friedrich Naumann "
        "Foundation. Even the minimum estimate is over $1.7 billion, the study reads."
    )
    got = [(c.value, c.speaker) for c in extract_claims(text, published=PUB)]
    assert got == [
        (1000, "BBC"),
        (4000, "BBC"),
        (5.5e9, "Friedrich Naumann Foundation"),
        (1.7e9, "Friedrich Naumann Foundation"),
    ]


def test_reads_reports_only_for_what_is_written() -> None:
    assert one("He reads that 5,000 containers were shipped.").speaker is None


# -- fourth and fifth batches: items, numbers and bounds -------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "value", "item"),
    [
        ("Over 3,000 North Korean mercenaries had arrived.", 3000, "troops"),
        ("North Korea lost at least 500 officers.", 500, "troops"),
        ("Pyongyang sent 1,000 combat engineers.", 1000, "troops"),
        ("Pyongyang sent 5,000 military builders.", 5000, "troops"),
        ("The losses included 600 confirmed deaths.", 600, "troops"),
        ('The deployment of more than 20,000 soldiers seems "unlikely".', 20_000, "troops"),
        ("Russia received more than 400,000 (artillery) rounds.", 400_000, "shells"),
        ("Around nine million artillery and rocket shells were sent.", 9e6, "shells"),
    ],
)
def test_items_written_other_ways(sentence: str, value: float, item: str) -> None:
    c = one(sentence)
    assert (c.value or c.low, c.item) == (value, item)


def test_officers_who_speak_are_not_counted() -> None:
    claims = extract_claims("Two intelligence officers said 5,000 containers were shipped.")
    assert [(c.value, c.item) for c in claims] == [(5000, "containers")]


def test_a_part_of_what_the_sentence_before_counted() -> None:
    text = (
        "The report said North Korean troops have suffered 4,000 casualties. Of these, around "
        "1,000 are believed to have been killed."
    )
    got = [(c.value, c.item) for c in extract_claims(text, published=PUB)]
    assert got == [(4000, "troops"), (1000, "troops")]


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2023, Russia produced about 2 million projectiles of 122 and 152 mm calibers.",
        "The video showed a Type 75 multiple rocket launcher and 2 million projectiles.",
    ],
)
def test_calibre_lists_and_designations_are_no_counts(sentence: str) -> None:
    assert [c.value for c in extract_claims(sentence, published=PUB)] == [2e6]


def test_handed_over_is_a_verb_not_a_bound() -> None:
    assert one("North Korea has handed over 1.5 million projectiles.").bound == "exact"
    assert one("North Korea sent over 1.5 million projectiles.").bound == "lower"


# -- sixth batch (Taipei Times/AP, Asahi, Wirtualna Polska, Moscow Times, Brookings, RFA, DW) --
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The NIS last month said that about 300 North Korean soldiers had died.", "NIS"),
        (
            "According to US and South Korean intelligence services, Pyongyang has sent 10,000 "
            "troops.",
            "US and South Korean intelligence services",
        ),
        ("According to information revealed by CNN, Pyongyang has sent 10,000 troops.", "CNN"),
        (
            "South Korea's spy agency has indicated that 10,000 troops were sent.",
            "South Korea's spy agency",
        ),
        ("An earlier report by US intelligence spoke of 8,000 troops.", "US intelligence"),
        (
            "Intelligence agencies say Pyongyang sent more than 10,000 troops.",
            "Intelligence agencies",
        ),
    ],
)
def test_speakers_after_time_words_and_with_plural_or_country_names(
    text: str, speaker: str
) -> None:
    assert {c.speaker for c in extract_claims(text, published=PUB)} == {speaker}


def test_a_list_of_countries_is_no_person_whose_name_a_later_country_shares() -> None:
    text = (
        "The U.S. and South Korea said troops were sent. The U.S. estimated more than 10,000 "
        "had been sent."
    )
    assert [c.speaker for c in extract_claims(text, published=PUB)] == ["U.S."]


@pytest.mark.parametrize(
    ("sentence", "value", "item"),
    [
        ("Russian casualties were as high as 200,000 dead.", 200_000, "troops"),
        ("Russian casualties were 400,000 wounded.", 400_000, "troops"),
        ("North Korea may have sent up to 3 million artillery shots.", 3e6, "shells"),
    ],
)
def test_casualties_and_shots(sentence: str, value: float, item: str) -> None:
    c = one(sentence)
    assert (c.value, c.item) == (value, item)


# -- seventh batch (Stars and Stripes, Al Jazeera, Yonhap copies, RBC/Reuters, Moscow Times, AFP, AP)
def test_a_headline_without_a_full_stop_is_its_own_sentence_and_speaks_with_its_lead() -> None:
    text = (
        "South Korea reports North Korean troops' losses in Russia's war\n"
        "At least 100 North Korean soldiers were killed, South Korean MP Lee Seong-kweun told "
        "Reuters.\n"
        "Satellite images show how 500 soldiers were transported\n"
        "Hundreds of troops were moved, according to a new analysis by a US-based think tank."
    )
    claims = extract_claims(text, published=PUB)
    assert (claims[0].value, claims[0].speaker) == (100, "Lee Seong-kweun")
    head = extract_claims(text.split("\n", 2)[2], published=PUB)
    assert head[0].value == 500 and head[0].speaker is not None


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The allies have accused North Korea of shipping 6,700 containers.", "allies"),
        ("Over 13,000 containers were sent, reported the Yonhap News TV portal.", "Yonhap News TV"),
    ],
)
def test_allies_and_an_outlet_named_with_its_kind(text: str, speaker: str) -> None:
    assert {c.speaker for c in extract_claims(text, published=PUB)} == {speaker}


def test_construction_troops_and_approaching_as_a_bound() -> None:
    c = one("Russia asked for 5,000 military construction workers.")
    assert (c.value, c.item) == (5000, "troops")
    assert one("The injured are approaching 1,000 troops.").bound == "upper"


# -- dates -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "when", "precision"),
    [
        ("This year the aggressor wants to produce 2.7 million shells.", date(2024, 1, 1), "year"),
        ("Last month, Seoul said 3,000 more troops had been sent.", date(2024, 5, 1), "month"),
        # a short second opening clause dates what follows
        (
            "Earlier, in April, intelligence reported that 10,000 troops were sent.",
            date(2024, 4, 1),
            "month",
        ),
        # an opening clause about another event does not
        (
            "Following the agreement signed in June 2023, Pyongyang sent 10,000 soldiers.",
            PUB,
            "day",
        ),
    ],
)
def test_dates_opening_a_sentence(sentence: str, when: date, precision: str) -> None:
    c = one(sentence)
    assert (c.claim_date, c.date_precision) == (when, precision)


# -- eighth batch (Straits Times, CS Monitor, AP, Dong-A on UK MoD, CNA/Reuters, ABC, A News) ------
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "British Defense Intelligence on June 15 estimated that more than 6,000 troops died.",
            "British Defense Intelligence",
        ),
        (
            "Its spy chief, Kyrylo Budanov, later claimed that about 11,000 troops were training.",
            "Kyrylo Budanov",
        ),
        (
            "Each soldier is paid around $2,000 per month, per South Korean intelligence.",
            "South Korean intelligence",
        ),
        ("Seoul and its allies assessed that 12,000 troops had been sent.", "Seoul and its allies"),
        ("UN reports indicate that such workers earn only several dozen dollars a month.", "UN"),
    ],
)
def test_speakers_past_dates_adverbs_and_lists(text: str, speaker: str) -> None:
    assert {c.speaker for c in extract_claims(text, published=PUB)} == {speaker}


@pytest.mark.parametrize(
    "text",
    [
        "New reports say North Korea could send as many as 100,000 troops.",  # no speaker "New"
        "Pyongyang may send as many as 100,000 troops - but experts say that is unlikely.",
    ],
)
def test_no_speaker_from_an_adjective_or_a_dissent(text: str) -> None:
    assert [c.speaker for c in extract_claims(text, published=PUB)] == [None]


def test_a_figure_named_as_a_figure_is_a_reference_not_a_claim() -> None:
    assert extract_claims("Officials have since used the 100,000 figure.", published=PUB) == []
    assert extract_claims("The 6,700 estimate came from the ministry.", published=PUB) == []


# -- ninth batch (Novaya Gazeta Europe, Firstpost, Japan News, NV, Kyiv Independent, RFA) ----------
def test_over_meaning_about_is_no_bound_and_an_adjective_in_ing_keeps_the_item() -> None:
    c = one("Kyiv is concerned over one million artillery shells from North Korea.")
    assert (c.value, c.item, c.bound) == (1e6, "shells", "exact")
    c = one("Only about 40,000 working shells were delivered.")
    assert (c.value, c.item) == (40_000, "shells")
    # a participle after a noun the ledger does not count still ends the phrase
    assert extract_claims("Hundreds of factories producing ammunition work.", published=PUB) == []


# -- tenth batch (NK News, Korea Daily US, KBS/Yonhap, AP, Kyiv Independent, Yomiuri) ----------
@pytest.mark.parametrize(
    "sentence",
    [
        "Kim Jong Un will send 6K military workers to rebuild Russia's Kursk, Shoigu said.",
        "The deployment will include 1,000 mine clearance specialists, according to Shoigu.",
        "North Korea deploys 1,000 demining experts to Russia's Kursk region.",
        "Kim ordered the dispatch of 6,000 military construction and demining specialists.",
        "Pyongyang agreed to send 5,000 construction workers and no troops, Hinstein said.",
    ],
)
def test_military_builders_and_deminers_are_troops(sentence: str) -> None:
    assert one(sentence).item == "troops"


def test_construction_workers_without_a_military_context_are_not_troops() -> None:
    # nor any other count of the ledger: a number that counts something else is no claim
    text = "North Korea has sent 15,000 construction workers to Russia this year, the NIS said."
    assert extract_claims(text, published=PUB) == []


def test_a_headline_s_source_after_a_colon_speaks() -> None:
    text = (
        "Kim Jong Un to send 6K military workers to rebuild Russia's Kursk: Shoigu\n"
        "The deployment was agreed at a meeting in Pyongyang on Tuesday."
    )
    assert [(c.value, c.speaker) for c in extract_claims(text, published=PUB)] == [(6000, "Shoigu")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "It was announced by Kursk Governor Alexander Hinstein, who said in June that "
            "Pyongyang agreed to send 1,000 demining specialists.",
            "Alexander Hinstein",
        ),
        ("Park cited Cho as saying the 3,000 North Korean soldiers sent were split up.", "Cho"),
        (
            "Cho told lawmakers that his agency assessed that North Korea aims to deploy "
            "10,000 troops.",
            "Cho",
        ),
        (
            "South Korean intelligence first publicized reports that the Russian navy had taken "
            "1,500 North Korean troops to Russia.",
            "South Korean intelligence",
        ),
    ],
)
def test_speakers_in_relative_clauses_citations_and_possessives(text: str, speaker: str) -> None:
    assert [c.speaker for c in extract_claims(text, published=PUB)] == [speaker]


def test_a_noun_left_out_after_a_participle_is_the_sentence_s_item() -> None:
    text = (
        "Pyongyang will send 150 missiles in 2025, in addition to the 148 already supplied in 2024."
    )
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item) for c in claims] == [(150, "missiles"), (148, "missiles")]
    assert claims[1].claim_date == date(2024, 1, 1)
    # a finite verb takes an object: "400 reached the island" counts what the object says
    assert [c.value for c in extract_claims("Only 400 reached the island.", published=PUB)] == []


@pytest.mark.parametrize(
    ("sentence", "value", "bound"),
    [
        ("The deployment would triple the number of North Korean soldiers sent.", 3, "exact"),
        ("Pyongyang was gearing up to double the number of artillery systems it sent.", 2, "exact"),
        (
            "The number increased sharply to as much as over nine times in the second half.",
            9,
            "lower",
        ),
    ],
)
def test_ratios_written_as_verbs_and_growth_times(sentence: str, value: float, bound: str) -> None:
    c = one(sentence)
    assert (c.value, c.unit, c.item, c.bound) == (value, "ratio", None, bound)


def test_a_target_by_a_month_is_ahead_and_a_weekday_of_the_report_dates_it() -> None:
    c = one("North Korea aims to deploy 10,000 troops to Russia by December.", date(2024, 10, 23))
    assert (c.claim_date, c.date_precision) == (date(2024, 12, 1), "month")
    c = one("North Korea had sent 10,000 troops to Russia by December.", date(2024, 10, 23))
    assert c.claim_date == date(2023, 12, 1)
    c = one(
        "Russia may receive 25,000 troops, according to an assessment reported by CNN on "
        "Wednesday.",
        date(2025, 7, 4),
    )
    assert c.claim_date == date(2025, 7, 2)


# -- eleventh batch (BBC, Newsweek, Guardian Weekly, CSIS via RBC, Ukrinform, AFP, Babel) -------
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "The officials, who spoke on grounds of anonymity, said that 4,000 troops were "
            "battle casualties.",
            "officials",
        ),
        (
            "Ukraine’s air force said that Russia had fired four KN-23 ballistic missiles.",
            "Ukraine’s air force",
        ),
        ("Western media wrote that Russia had received 40 ballistic missiles.", "Western media"),
        (
            "Russian Security Council Secretary Sergei Shoigu met Kim on June 17. After the "
            "meeting, the latter stated that North Korea had promised to send a thousand sappers.",
            "Sergei Shoigu",
        ),
        (
            "Kim welcomed the troops home.\n"
            "Nine troops died during 120-day deployment: Kim Jong Un.\n"
            "The ceremony was held in Pyongyang.",
            "Kim Jong Un",
        ),
    ],
)
def test_speakers_behind_relative_clauses_the_latter_and_a_highlight_s_colon(
    text: str, speaker: str
) -> None:
    assert {c.speaker for c in extract_claims(text, published=PUB)} == {speaker}


def test_fighters_voyages_to_and_from_and_a_place_before_an_aside() -> None:
    assert one("Out of 15 000 fighters sent, many were wounded.").item == "troops"
    c = one("Analysts observed a vessel travelling to and from Russia 49 times.")
    assert (c.value, c.item) == (49, "voyages")
    c = one("Russia received ballistic missiles from the DPRK (several dozen) and launchers.")
    assert (c.low, c.high, c.item) == (36, 108, "missiles")


def test_of_the_figure_refers_back_and_lends_its_item() -> None:
    text = (
        "Some 4,000 troops were casualties. Of the 4,000, the officials said around 1,000 "
        "are believed to have been killed."
    )
    claims = extract_claims(text, published=PUB)
    assert [(c.value or c.low, c.item) for c in claims] == [(4000, "troops"), (1000, "troops")]


def test_a_hedge_does_not_reach_a_part_and_as_of_dates_the_clauses_after_it() -> None:
    text = (
        "Lawmakers stated that as of April, out of 15 000 fighters, the DPRK had lost "
        "approximately 4,700 soldiers, 600 of them dead."
    )
    claims = extract_claims(text, published=date(2025, 6, 19))
    assert [(c.value, c.bound) for c in claims] == [
        (15_000, "exact"),
        (4_700, "approximate"),
        (600, "exact"),
    ]
    assert {(c.claim_date, c.date_precision) for c in claims} == {(date(2025, 4, 1), "month")}


# -- twelfth batch (Al Jazeera, Asia Economy, KSE via the FT, HNGN, JoongAng, ASIAPRESS, Newsweek,
# Ukrinform) ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "item"),
    [
        (
            "An estimated 11,000 North Koreans were deployed to Kursk last December.",
            11_000,
            "troops",
        ),
        ("Ukraine's Ministry of Defence estimated Russian casualties at 48,240.", 48_240, "troops"),
        ("Our soldiers neutralised more than 15,000 invaders, Syrskii said.", 15_000, "troops"),
        (
            "The amount equals about 70% of North Korea's annual gross domestic product.",
            70,
            "economy",
        ),
    ],
)
def test_items_from_a_demonym_at_war_casualties_at_invaders_and_gdp(
    text: str, value: float, item: str
) -> None:
    c = one(text)
    assert (c.value, c.item) == (value, item)


def test_put_the_figure_at_counts_what_the_sentence_before_counted() -> None:
    text = (
        "Zelenskyy said that as many as 4,000 North Korean soldiers had been wounded or killed. "
        "The NIS put the figure at 3,000."
    )
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item, c.speaker) for c in claims][1] == (3000, "troops", "NIS")


def test_a_change_from_the_existing_figure_is_two_figures_and_a_verb_ratio() -> None:
    text = "North Korea has doubled the scale of its troop deployment from the existing 15,000 to 30,000 personnel."
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.unit, c.item) for c in claims] == [
        (2, "ratio", None),
        (15_000, "count", "troops"),
        (30_000, "count", "troops"),
    ]
    c = one("According to the Kyiv School of Economics, Russia is halving its domestic supplies.")
    assert (c.value, c.unit, c.speaker) == (0.5, "ratio", "Kyiv School of Economics")


def test_a_distance_range_is_no_count() -> None:
    assert (
        extract_claims("The howitzer has a range of between 25 to 37 miles.", published=PUB) == []
    )


def test_each_figure_takes_the_date_right_after_it_and_statements_by_speak() -> None:
    text = (
        "According to a new analysis by the Kyiv School of Economics Institute (KSE), shipments "
        "will fall from a peak of 242,000 tonnes in 2022 to 119,000 tonnes in 2025."
    )
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.claim_date.year) for c in claims] == [(242_000, 2022), (119_000, 2025)]
    assert {c.speaker for c in claims} == {"Kyiv School of Economics Institute"}
    c = one(
        "This is consistent with recent statements by the head of Ukrainian military "
        "intelligence, Kyrylo Budanov, that North Korea supplied 40% of the ammunition."
    )
    assert c.speaker == "Kyrylo Budanov"


# -- thirteenth batch (Anadolu/Yonhap, VOA, WION/Bloomberg, Reuters, RFA, Censor.NET, Essanews,
# Conflictwatcher) -----------------------------------------------------------------------------
def test_designations_in_cyrillic_and_one_of_n_are_no_counts() -> None:
    assert extract_claims("It was a North Korean М-1978 Koksan howitzer.", published=PUB) == []
    assert extract_claims("Kursk is one of four that Russia annexed.", published=PUB) == []
    assert one("Lady R is one of four Russian cargo vessels that carried arms.").item == "ships"


def test_estimates_at_counts_what_the_sentence_before_counted() -> None:
    text = "North Korea lost about 4,000 troops. South Korea estimates at around 3,600."
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item, c.speaker) for c in claims][1] == (3600, "troops", "South Korea")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "The National Intelligence Service (NIS) of South Korea revealed that North Korea "
            "earns $2,000 per soldier.",
            "National Intelligence Service of South Korea",
        ),
        ("Zelensky highlighted that several thousand North Korean soldiers died.", "Zelensky"),
    ],
)
def test_an_acronym_inside_a_name_and_highlighted(text: str, speaker: str) -> None:
    assert one(text).speaker == speaker


# -- fourteenth batch (Republic World, Yonhap copies, Dagens, Cambodia Tribune, Taiwan News/DW,
# Fox News, TASS) ------------------------------------------------------------------------------
def test_a_percentage_s_noun_ends_at_a_verb_and_a_bracketed_conversion_keeps_the_date() -> None:
    c = one("Some 60% of the population lives below the poverty line, the UN said.")
    assert (c.value, c.item) == (60, "population")
    claims = extract_claims("Trade reached $24.5 billion (€22.6 billion) in 2022.", published=PUB)
    assert [(c.item, c.claim_date) for c in claims] == [
        ("dollars", date(2022, 1, 1)),
        ("euros", date(2022, 1, 1)),
    ]


def test_arms_transfers_injuries_and_a_noun_left_out_across_sentences() -> None:
    c = one("North Korea has made at least 10 arms transfers to Russia, Seoul officials say.")
    assert (c.value, c.item, c.bound) == (10, "voyages", "lower")
    claims = extract_claims("The NIS reported about 100 deaths and 1,000 injuries.", published=PUB)
    assert [(c.value, c.item) for c in claims] == [(100, "troops"), (1000, "troops")]
    text = (
        "Some 5,000 North Korean troops died. This is half of the original 11,000 sent to Russia."
    )
    assert [(c.value, c.item) for c in extract_claims(text, published=PUB)][1] == (11_000, "troops")


# -- fifteenth batch (Mehr, Kyiv Independent/Reuters, HNGN, UrduPoint/APP, Vesti/NYT, Tagtik,
# Dong-A, Ukrainska Pravda) --------------------------------------------------------------------
def test_killed_and_injured_others_and_tens_of_billions() -> None:
    text = "Officials said 50 North Korean soldiers were killed and 47 injured."
    assert [(c.value, c.item) for c in extract_claims(text, published=PUB)] == [
        (50, "troops"),
        (47, "troops"),
    ]
    claims = extract_claims("300 soldiers died, with nearly 1,000 others injured.", published=PUB)
    assert [(c.value, c.item, c.bound) for c in claims][1] == (1000, "troops", "upper")
    c = one("It could earn tens of billions of dollars, Budanov said.")
    assert (c.low, c.high, c.item) == (2e10, 1e11, "dollars")
    # casualties among civilians borrow nothing
    assert extract_claims("Some 24 people have been killed and 115 injured.", published=PUB) == []


def test_a_country_s_forces_speak_and_said_earlier_monday_dates_the_statement() -> None:
    c = one("Ukraine's special operations forces stated that three North Korean soldiers died.")
    assert c.speaker == "Ukraine's special operations forces"
    c = one(
        "South Korea said earlier Monday that around 1,100 troops were killed since December.",
        date(2024, 12, 25),
    )
    assert (c.claim_date, c.date_precision) == (date(2024, 12, 23), "day")


# -- sixteenth batch (Mosaic/AFP, Dagens/ISW, NYT, Espreso/Bloomberg, Newsweek, Euromaidan/WSJ,
# Caliber.az/NK Pro, Dailywrap) ----------------------------------------------------------------
def test_thousands_written_once_in_a_range() -> None:
    c = one("There are around 11 to 12,000 North Korean troops in Kursk.")
    assert (c.low, c.high, c.item) == (11_000, 12_000, "troops")
    c = one("Russia has 300 to 12,000 shells.")
    assert (c.low, c.high) == (300, 12_000)


# -- seventeenth batch (Ukrainian News/Bloomberg, Korea Herald, Kyiv Post, Irish Times,
# Spokesman-Review/WaPo, Express copy, Glavnoe/Bloomberg, Moscow Times) ---------------------------
def test_a_quote_mark_left_open_in_its_paragraph_quotes_nothing() -> None:
    text = (
        "The report shows two Russian ships, “Angara,” and “Maria, making at least four trips.\n"
        "Later that day the Kremlin spoke.\n"
        "“They report this all the time,” Peskov told reporters."
    )
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item, c.speaker) for c in claims] == [
        (2, "ships", None),
        (4, "voyages", None),
    ]
    # a quotation running on opens its next paragraph with a quote mark again
    text = "“We saw 20 ships at Rajin.\n“They left at night,” an analyst said."
    assert one(text).speaker == "analyst"


def test_an_update_from_and_an_analysis_by_a_company_name_the_source() -> None:
    c = one(
        "At least 600 North Korean soldiers had died, according to the latest update from the "
        "National Intelligence Service."
    )
    assert c.speaker == "National Intelligence Service"
    for source in ("a recent analysis by the consulting company Bain", "the research firm Kpler"):
        c = one(f"According to {source}, Russia will produce about 4.5 million shells this year.")
        assert c.speaker == source.split()[-1]


@pytest.mark.parametrize(
    "text",
    [
        "Around 300 North Korean soldiers have been killed and 2,700 wounded, a lawmaker said.",
        'That includes "approximately 300 deaths and 2,700 injuries," Lee said.',
    ],
)
def test_the_two_halves_of_a_toll_share_its_hedge(text: str) -> None:
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item, c.bound) for c in claims] == [
        (300, "troops", "approximate"),
        (2700, "troops", "approximate"),
    ]
    # not a list of other things: "about 3,000 troops arrived and 50 soldiers were killed"
    text = "Seoul said about 3,000 troops arrived and 50 soldiers were killed."
    assert [c.bound for c in extract_claims(text, published=PUB)] == ["approximate", "exact"]


def test_a_number_after_a_verb_of_harm_counts_people_and_a_toll_reached_counts_troops() -> None:
    text = (
        "Ukraine said it shot down 18 of 20 attack drones, but the strikes killed one person and "
        "injured four in Nikopol."
    )
    assert [c.value for c in extract_claims(text, published=PUB)] == [18, 20]  # not 4 drones
    text = "The shelling killed 12 North Korean soldiers and wounded at least 30."
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item, c.bound) for c in claims][1] == (30, "troops", "lower")
    c = one("Casualties among North Korean forces have surpassed 3,000, Lee said.")
    assert (c.value, c.item, c.bound) == (3000, "troops", "lower")
    assert extract_claims("Russian forces have reached 40 km from Kyiv.", published=PUB) == []
    text = "North Korean troops have suffered losses. As many as 30 have been “killed or wounded.”"
    c = one(text)
    assert (c.value, c.item, c.bound) == (30, "troops", "upper")
    assert extract_claims("Missiles hit Kharkiv. As many as 30 were killed.", published=PUB) == []


def test_images_used_to_show_are_the_evidence_and_a_koksan_model_gives_its_calibre() -> None:
    c = one("RUSI used dozens of satellite images to show at least four trips by the ships.")
    assert (c.item, c.evidence) == ("voyages", "satellite imagery")
    c = one("Budanov said North Korea has sent at least 120 M1989 Koksans.")
    assert (c.item, c.caliber, c.bound) == ("howitzers", "170mm", "lower")


def test_last_week_dates_a_figure_to_that_week_s_month() -> None:
    c = one("Zelensky said last week that up to 3,000 more North Korean troops could come.")
    assert (c.claim_date, c.date_precision) == (date(2024, 6, 1), "month")
    c = one("Officials said last week that 1,500 troops had arrived.", date(2024, 11, 4))
    assert (c.claim_date, c.date_precision) == (date(2024, 10, 1), "month")


def test_the_figure_given_before_is_not_a_new_claim() -> None:
    text = (
        "About 600 North Korean soldiers had been killed and 4,100 injured, Lee said. He said "
        "about half of the 4,100 wounded soldiers had been sent back."
    )
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item) for c in claims] == [(600, "troops"), (4100, "troops")]
    # "the" before a figure not given before leaves it a claim
    c = one("He said half of the 4,100 wounded soldiers had been sent back.")
    assert (c.value, c.item) == (4100, "troops")


# -- eighteenth batch (Open Source Centre, Reuters, RFA, Firstpost, CNN, The Voice on the MSMT,
# Caliber.az/NYT, Kyodo) ------------------------------------------------------------------------
def test_a_part_of_a_hedged_whole_container_loads_and_reinforcements() -> None:
    text = "Prosecutors examined debris from 21 of around 50 North Korean ballistic missiles."
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item, c.bound) for c in claims] == [
        (21, "missiles", "exact"),
        (50, "missiles", "approximate"),
    ]
    c = one("North Korea shipped more than 20,000 container loads of missiles and artillery.")
    assert (c.value, c.item, c.bound) == (20_000, "containers", "lower")
    text = "The report estimates 11,000 troops were sent, with 3,000 reinforcements arriving."
    assert [c.item for c in extract_claims(text, published=PUB)] == ["troops", "troops"]


def test_a_subject_described_by_a_participle_and_a_body_s_report() -> None:
    text = (
        "The team, composed of representatives from 11 countries including the United States, "
        "the United Kingdom, EU member states, and Japan, reported that North Korea has shipped "
        "more than 20,000 containers."
    )
    assert one(text).speaker == "team"
    text = (
        "The Multilateral Sanctions Monitoring Team was set up in 2024. The monitoring team’s "
        "first report disclosed that nearly nine million rounds have been transferred."
    )
    assert one(text).speaker == "Multilateral Sanctions Monitoring Team"


def test_a_count_since_the_first_event_is_dated_now_and_a_ban_on_more_than_is_a_cap() -> None:
    text = (
        "Since the first North Korean tanker visited Vostochny in March 2024, the fleet has made "
        "over 40 visits to this port."
    )
    c = one(text, date(2024, 11, 22))
    assert (c.claim_date, c.baseline_date) == (date(2024, 11, 22), date(2024, 3, 1))
    c = one("North Korea is banned from importing more than 500,000 barrels of oil a year.")
    assert (c.value, c.low, c.high, c.bound) == (500_000, 500_000, 500_000, "exact")
    c = one("North Korea imported more than 500,000 barrels of oil last year.")
    assert c.bound == "lower"


# -- nineteenth batch (Telegraph, Maritime Executive, A News, Odessa Journal/Reuters, NK Pro copy,
# Meduza, DW copy, AP copy) -----------------------------------------------------------------------
def test_approaches_is_an_upper_bound_and_had_been_injured_halves_a_toll() -> None:
    text = '"At least 100 deaths have been reported, and the number of injured approaches 1,000."'
    assert [c.bound for c in extract_claims(text, published=PUB)] == ["lower", "upper"]
    text = "The NIS said about 300 North Korean soldiers had died and 2,700 had been injured."
    assert [c.bound for c in extract_claims(text, published=PUB)] == ["approximate"] * 2


def test_a_population_and_a_count_of_other_things_are_no_claims() -> None:
    text = (
        "Seoul puts the deal at 22.6 billion euros. The sector employs approximately two million "
        "workers in a total population of 26 million."
    )
    assert [c.value for c in extract_claims(text, published=PUB)] == [22.6e9]


def test_an_analysis_s_owner_speaks_and_satellite_imaging_is_evidence() -> None:
    c = one("According to NK Pro’s analysis, a Russian ship carried 300 containers from Rajin.")
    assert c.speaker == "NK Pro"
    c = one("At least five tanker shipments have been detected by satellite imaging since March.")
    assert c.evidence == "satellite imagery"
    c = one("Satellite images over the past five years show about 20 railcars at this facility.")
    assert (c.item, c.evidence) == ("railcars", "satellite imagery")


def test_a_count_since_an_event_in_a_month_is_dated_now() -> None:
    text = (
        "North Korea has shipped as many as 6,700 containers to Russia since talks between "
        "Vladimir Putin and Kim Jong-un in September last year, Seoul says."
    )
    c = one(text, date(2024, 2, 27))
    assert (c.claim_date, c.baseline_date) == (date(2024, 2, 27), date(2023, 9, 1))


def test_a_person_named_with_an_affiliation_is_she_and_reports_after_a_noun_are_a_noun() -> None:
    text = (
        "For the study, Olena Guseinova from Hankuk University evaluated intelligence reports, "
        "leaked documents and prices. Based on this, she estimated the deliveries to be between "
        "$1.7 billion and $5.5 billion."
    )
    assert one(text).speaker == "Olena Guseinova"
    text = (
        "Study puts North Korea's arms deliveries at up to $5.5bn\n"
        "For the study, an analyst evaluated intelligence reports, leaked documents and prices."
    )
    assert one(text).speaker is None  # not "intelligence", as if it reported
    c = one("Reuters reports, citing sources, that North Korea sent 300 containers.")
    assert c.speaker == "Reuters"


# -- twentieth batch (Korea Herald/Yonhap, Warrior Maven, Yonhap copy, Korea Daily/JoongAng,
# 24 Ukraine, The Gaze/Korea Herald, Kyiv Independent, a reworded op-ed) --------------------------
def test_scores_of_troopers_nationals_harmed_and_a_military_of() -> None:
    c = one("Shin said the shipments included scores of short-range ballistic missiles.")
    assert (c.low, c.high, c.item, c.bound) == (40, 200, "missiles", "vague")
    assert extract_claims("The team scores well.", published=PUB) == []
    c = one("Zelensky said that 3,000 North Koreans have been killed or wounded.")
    assert (c.value, c.item) == (3000, "troops")
    assert one("The West puts 11,000 North Korean troopers in Kursk.").item == "troops"
    c = one("North Korea has bottomless reserves: a standing military of 1.3 million.")
    assert (c.value, c.item) == (1.3e6, "troops")


def test_a_conversion_in_brackets_shares_the_hedge_and_a_planned_month_lies_ahead() -> None:
    text = "The GNI per capita was approximately 135,000 won ($98) in 2023, the bank said."
    claims = extract_claims(text, published=PUB)
    assert [(c.item, c.bound) for c in claims] == [
        ("won", "approximate"),
        ("dollars", "approximate"),
    ]
    text = (
        "North Korea has deployed more than 3,000 troops, with plans to increase this number to "
        "approximately 10,000 in December."
    )
    claims = extract_claims(text, published=date(2024, 10, 24))
    assert (claims[1].claim_date, claims[1].date_precision) == (date(2024, 12, 1), "month")
    c = one("North Korea sent 10,000 troops in December.", date(2024, 10, 24))
    assert c.claim_date == date(2023, 12, 1)


def test_a_plural_subject_with_a_place_after_it_says() -> None:
    c = one("State prosecutors in Ukraine say they examined debris from 21 North Korean missiles.")
    assert c.speaker == "State prosecutors in Ukraine"


# -- twenty-first batch (Kyiv Independent, KBS World, Yonhap copies, Novinite, KBS News, EFE, an
# FT rewrite) -------------------------------------------------------------------------------------
def test_respectively_pairs_figures_with_dates_and_their_number_counts_the_noun_before() -> None:
    text = (
        "Russia reported that it had exported 241,114 barrels and 277,365 barrels of such a "
        "product in 2018 and 2019, respectively."
    )
    dates = [c.claim_date for c in extract_claims(text, published=PUB)]
    assert dates == [date(2018, 1, 1), date(2019, 1, 1)]
    text = (
        "More North Korean troops have been deployed to Russia and their number is estimated "
        "between 1,000 and 3,000."
    )
    c = one(text)
    assert (c.low, c.high, c.item) == (1000, 3000, "troops")


def test_launch_systems_a_floor_after_a_hedge_and_imagery_provided_by() -> None:
    text = "The FT said 50 howitzers and 20 modernized multiple launch systems will be delivered."
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item) for c in claims] == [(50, "howitzers"), (20, "launchers")]
    c = one("Some 3,000 troops or more have been additionally dispatched, the JCS said.")
    assert c.bound == "lower"
    c = one("Satellite imagery provided by the BBC revealed that tankers made 43 visits.")
    assert (c.value, c.item, c.evidence) == (43, "voyages", "satellite imagery")


# -- twenty-second batch (Politico, a French wire in English, fakti.bg, an NYT copy, Babel, Aju
# Press, United24, NewsBytes) ---------------------------------------------------------------------
def test_said_last_week_dates_the_statement_and_their_losses_at_count_troops() -> None:
    c = one(
        "Moscow used 10 million rounds, a Western official told Reuters last week.",
        date(2023, 9, 13),
    )
    assert (c.claim_date, c.date_precision) == (date(2023, 9, 1), "month")
    c = one("Andriy Chernyak, who estimated their losses at 5 000, disagreed.")
    assert (c.value, c.item) == (5000, "troops")
    assert extract_claims("Now they move in groups of 1-2 fighters.", published=PUB) == []


# -- twenty-third batch (Kyiv Independent, Euromaidan Press, RBC-Ukraine, a Politico copy, Korea
# Times/Yonhap, YTN, Babel) -----------------------------------------------------------------------
def test_an_ambassador_to_the_un_is_named_and_she_is_never_a_newspaper() -> None:
    text = (
        "The New York Times (NYT) reported Monday that the idea was Pyongyang's. During a session "
        "last week, U.S. Ambassador to the U.N. Linda Thomas-Greenfield revealed that Moscow sent "
        "air defense systems. She also said that Pyongyang has shipped more than 20,000 shipping "
        "containers of munitions to Russia."
    )
    c = one(text)
    assert (c.value, c.speaker, c.speaker_title) == (
        20_000,
        "Linda Thomas-Greenfield",
        "U.S. Ambassador to the U.N.",
    )
    text = "The New York Times reported the idea. She said 20,000 containers were shipped."
    assert one(text).speaker is None


# -- twenty-fourth batch (Obozrevatel, KBS World, Essanews, Asahi/Reuters, KBS News, ICARO, Voz,
# RFA) --------------------------------------------------------------------------------------------
def test_this_number_counts_the_noun_before_a_listed_subject_estimates_and_no_of_item() -> None:
    text = "North Korea has sent 11,000 troops. Ukraine said this number could escalate to 15,000."
    claims = extract_claims(text, published=PUB)
    assert [(c.value, c.item) for c in claims] == [(11_000, "troops"), (15_000, "troops")]
    text = (
        "The Pentagon and South Korean intelligence estimate that around 12,000 troops are there."
    )
    assert one(text).speaker == "Pentagon and South Korean intelligence"
    text = "Only about 30 percent of the hundreds of North Korean arms factories are operating."
    assert [(c.value, c.item) for c in extract_claims(text, published=PUB)] == [(30, None)]


# -- twenty-fifth batch (KBS News, Interfax-Ukraine, trendsnnews, News Rebeat, Kyiv Independent,
# h24news, an OSC/BBC copy, Vista News 24) -------------------------------------------------------
def test_whose_number_and_a_number_that_has_arrived_count_troops() -> None:
    text = (
        "The dispatch of North Korean troops, whose number is estimated at 14,000, helped Russia."
    )
    assert one(text).item == "troops"
    text = "North Korean soldiers fought in Kursk. Zelenskyy said: “12,000 have arrived.”"
    c = one(text)
    assert (c.value, c.item) == (12_000, "troops")
    assert extract_claims("Missiles hit Kharkiv. 12 have arrived since May.", published=PUB) == []
