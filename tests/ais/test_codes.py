"""Ship-and-cargo types (ITU-R M.1371 Table 53) and flags from MMSIs (ITU MID table)."""

from __future__ import annotations

import pytest

from darkcargo.ais.codes import flag_of, mid_table, ship_type
from darkcargo.ais.mmsi import mid_of, mmsi_class


@pytest.mark.parametrize(
    ("code", "label"),
    [
        (70, "Cargo"),
        (79, "Cargo"),
        (71, "Cargo, hazardous category A"),
        (84, "Tanker, hazardous category D"),
        (60, "Passenger"),
        (30, "Fishing"),
        (52, "Tug"),
        (35, "Military operations"),
        (49, "High-speed craft (HSC)"),
        (26, "Wing in ground (WIG), reserved for future use"),
        (77, "Cargo, reserved for future use"),
        (0, "Not available"),
        (7, "Reserved for future use"),
        (150, "Reserved for regional use"),
        (240, "Reserved for future use"),
    ],
)
def test_ship_type_codes_read_as_the_itu_table(code: int, label: str) -> None:
    t = ship_type(code)
    assert t is not None and t.code == code
    assert t.label == label


def test_ship_type_outside_the_field_is_unknown() -> None:
    assert ship_type(None) is None
    assert ship_type(256) is None
    assert ship_type(-1) is None


def test_every_code_of_the_8_bit_field_has_a_meaning() -> None:
    labels = {c: ship_type(c) for c in range(256)}
    assert all(t is not None and t.label for t in labels.values())


@pytest.mark.parametrize(
    ("mmsi", "kind", "mid", "iso2"),
    [
        (273210440, "ship", 273, "RU"),  # ANGARA
        (445123456, "ship", 445, "KP"),
        (636012345, "ship", 636, "LR"),
        (351000001, "ship", 351, "PA"),
        (2734567, "base_station", 273, "RU"),  # 002734567
        (111273123, "sar_aircraft", 273, "RU"),
        (982731234, "auxiliary_craft", 273, "RU"),
        (992731234, "aid_to_navigation", 273, "RU"),
        (827312345, "handheld", 273, "RU"),
    ],
)
def test_flag_comes_from_the_mid_at_its_place_in_the_mmsi(
    mmsi: int, kind: str, mid: int, iso2: str
) -> None:
    assert mmsi_class(mmsi)[0] == kind
    assert mid_of(mmsi) == mid
    flag = flag_of(mmsi)
    assert flag is not None and flag.iso2 == iso2


def test_devices_group_calls_and_unassigned_mids_have_no_flag() -> None:
    assert mmsi_class(970123456)[0] == "sart_mob_epirb" and flag_of(970123456) is None
    assert mid_of(972123456) is None and flag_of(974123456) is None
    # 0 + MID + five digits calls a group of stations, never one ship: no flag to claim
    assert mmsi_class(27345678) == (
        "invalid",
        "group call identity (0 + MID), never a single station",
    )
    assert mid_of(27345678) is None and flag_of(27345678) is None
    assert flag_of(217000001) is None  # 217 is not assigned
    assert flag_of(0) is None and mid_of(1_000_000_000) is None and mid_of(-5) is None


def test_mid_table_names_countries_for_every_region() -> None:
    table = mid_table()
    assert table[273].country == "Russian Federation"
    assert table[445].country == "Korea (Democratic People's Republic of)"
    assert table[440].iso2 == table[441].iso2 == "KR"
    # every MID is three digits in the ITU's ranges (2xx Europe ... 7xx South America)
    assert all(200 <= m <= 799 for m in table)
    assert len(table) > 280
    assert all(len(f.iso2) == 2 and f.iso2.isupper() for f in table.values())
