"""IMO check digits, MMSI digits and country codes, flags, identifiers inside free text."""

from __future__ import annotations

import pytest

from darkcargo.sanctions.identity import (
    find_ids,
    flag_code,
    flag_of_mmsi,
    imo_is_valid,
    is_company_number,
    mmsi_problem,
    norm_name,
    parse_imo,
    parse_mmsi,
)


@pytest.mark.parametrize("imo", [9179842, 9161003, 8517839, 7406784, 9339301, 9179414])
def test_real_imo_numbers_pass_their_check_digit(imo: int) -> None:
    assert imo_is_valid(imo)


@pytest.mark.parametrize("imo", [9179843, 1234568, 917984, 91798420, None])
def test_wrong_check_digit_or_length_fails(imo: int | None) -> None:
    assert not imo_is_valid(imo)


def test_mmsi_needs_nine_digits_a_ship_first_digit_and_a_known_country() -> None:
    assert mmsi_problem(273210440) is None
    assert mmsi_problem(27321044) is not None and "first digit" in str(mmsi_problem(27321044))
    assert "not a ship station" in str(mmsi_problem(111273000))  # SAR aircraft
    assert mmsi_problem(200123456) == "unknown country code (MID 200)"
    assert flag_of_mmsi(273210440) == "RU" and flag_of_mmsi(445112000) == "KP"
    assert flag_of_mmsi(636013272) == "LR" and flag_of_mmsi(351000000) == "PA"


def test_ids_inside_remarks_in_both_ofac_phrasings() -> None:
    one = find_ids("Linked To: X; Vessel Registration Identification IMO 9179414.")
    two = find_ids("Identification Number IMO 9339301; MMSI 636013272; Former Vessel Flag Panama")
    assert one.imos == [9179414] and one.mmsis == []
    assert two.imos == [9339301] and two.mmsis == [636013272]
    bad = find_ids("IMO 9179415; MMSI 111273000; Passport 1234567")
    assert bad.imos == [] and bad.bad_imos == ["9179415"] and bad.bad_mmsis == ["111273000"]
    assert find_ids("IMO: 8126070, IMO No. 8705539").imos == [8126070, 8705539]
    # OFAC also writes the number without its label, and some numbers are cut short
    assert find_ids("Vessel Registration Identification 8606173.").imos == [8606173]
    assert find_ids("Vessel Registration Identification IMO 15411; Linked To: X.").bad_imos == [
        "15411"
    ]


def test_imo_company_numbers_are_not_ship_numbers() -> None:
    """5342883 fails the ship check digit and passes the company one (weights 8,6,4,2,9,7)."""
    assert is_company_number(5342883) and not imo_is_valid(5342883)
    owner = find_ids("Registered owner of a tanker. IMO number: 5342883.")
    assert (owner.imos, owner.bad_imos, owner.companies) == ([], [], [5342883])
    # 5990016 passes both checks: "Company Number" says which it is
    said = find_ids("Company Number IMO 5990016.")
    assert (said.imos, said.companies) == ([], [5990016])
    assert find_ids("Vessel Registration Identification IMO 5990016.").imos == [5990016]


def test_cells_holding_one_identifier() -> None:
    assert parse_imo("IMO: 7389704") == (7389704, None)
    assert parse_imo("N/A") == (None, None)
    assert parse_imo("7389705")[1] == "IMO 7389705 fails its check digit"
    assert parse_mmsi("445034000") == (445034000, None)
    assert "not nine digits" in str(parse_mmsi("44503400")[1])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Russia", "RU"),
        ("Korea, North", "KP"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Panama", "PA"),
        ("Sierra Leone", "SL"),
        ("RUS", "RU"),
        ("Panama (former)", None),
        ("Unknown", None),
        ("None Identified", None),  # OFAC's word for no flag
        ("St. Kitts & Nevis", "KN"),
    ],
)
def test_flag_names_as_lists_write_them(text: str, code: str | None) -> None:
    assert flag_code(text) == code


def test_names_compare_without_case_punctuation_or_prefix() -> None:
    assert norm_name("M/V  Lady-R ") == "LADY R"
    assert norm_name("KUM UN SAN NO.3") == "KUM UN SAN NO 3"
