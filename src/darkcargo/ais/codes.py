"""What the numbers in AIS static messages mean: ship and cargo types, and flags from MMSIs.

Two ITU tables, as data:
- ship and cargo type (message 5 and 24B, an 8-bit field): ITU-R M.1371-5, Annex 8, Table 53.
  Two-digit codes read as category (first digit) and detail (second digit): 70 is "Cargo, all
  ships of this type", 71 cargo carrying dangerous goods of hazardous category A, 79 cargo with
  no additional information. Categories 3 and 5 list vessel roles one code at a time.
- Maritime Identification Digits (MID): ITU-R M.585 assigns them; the ITU's table maps each to
  a country or geographical area (mid.csv beside this file). An MMSI carries its MID in a
  position that depends on what kind of station it is (ships: the first three digits; the
  forms are ais/mmsi.py's DIGIT_RULES).

A flag read from the MID is what the transponder claims, not a registry fact: vessels that hide
reuse other countries' MIDs, and reflagged ships keep old MMSIs for a while.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from darkcargo.ais.mmsi import mid_of

MID_TABLE = Path(__file__).with_name("mid.csv")

# Categories whose second digit is a detail common to all of them (Table 53: 2x, 4x, 6x-9x).
CATEGORY_BY_FIRST_DIGIT: dict[int, str] = {
    2: "Wing in ground (WIG)",
    4: "High-speed craft (HSC)",
    6: "Passenger",
    7: "Cargo",
    8: "Tanker",
    9: "Other type",
}
# The second digit of those categories. 1-4: carrying dangerous goods, harmful substances or
# marine pollutants of IMO hazard or pollutant category A-D.
DETAIL_BY_SECOND_DIGIT: dict[int, str | None] = {
    0: None,  # all ships of this type
    1: "hazardous category A",
    2: "hazardous category B",
    3: "hazardous category C",
    4: "hazardous category D",
    5: "reserved for future use",
    6: "reserved for future use",
    7: "reserved for future use",
    8: "reserved for future use",
    9: None,  # no additional information
}
# Category 3 (vessels by activity) and 5 (special craft): one role per code.
SINGLE_CODES: dict[int, str] = {
    30: "Fishing",
    31: "Towing",
    32: "Towing (length over 200 m or breadth over 25 m)",
    33: "Dredging or underwater operations",
    34: "Diving operations",
    35: "Military operations",
    36: "Sailing",
    37: "Pleasure craft",
    38: "Reserved for future use",
    39: "Reserved for future use",
    50: "Pilot vessel",
    51: "Search and rescue vessel",
    52: "Tug",
    53: "Port tender",
    54: "Anti-pollution equipment",
    55: "Law enforcement",
    56: "Spare (local vessel)",
    57: "Spare (local vessel)",
    58: "Medical transport",
    59: "Noncombatant ship (RR Resolution No. 18)",
}


@dataclass(frozen=True)
class ShipType:
    """One ship-and-cargo-type code: its category (`name`) and the detail of its second digit."""

    code: int
    name: str
    detail: str | None = None

    @property
    def label(self) -> str:
        """'Cargo', 'Cargo, hazardous category A', 'Fishing', 'Not available'."""
        return f"{self.name}, {self.detail}" if self.detail else self.name


def ship_type(code: int | None) -> ShipType | None:
    """The ITU-R M.1371 meaning of a ship-and-cargo-type code; None for no code at all.

    0 is "not available" (the ingest stores it as null), 1-19 reserved for future use, 100-199
    reserved for regional use, 200-255 reserved for future use; beyond 255 is not an AIS value.
    """
    if code is None:
        return None
    code = int(code)
    if code < 0 or code > 255:
        return None
    if code == 0:
        return ShipType(0, "Not available")
    if code < 20:
        return ShipType(code, "Reserved for future use")
    if code >= 200:
        return ShipType(code, "Reserved for future use")
    if code >= 100:
        return ShipType(code, "Reserved for regional use")
    if code in SINGLE_CODES:
        return ShipType(code, SINGLE_CODES[code])
    first, second = divmod(code, 10)
    category = CATEGORY_BY_FIRST_DIGIT[first]
    if first == 2 and second >= 5:  # WIG 25-29: all reserved
        return ShipType(code, category, "reserved for future use")
    return ShipType(code, category, DETAIL_BY_SECOND_DIGIT[second])


@dataclass(frozen=True)
class Flag:
    """The country or area an MMSI's MID points to."""

    mid: int
    iso2: str
    country: str


@cache
def mid_table() -> dict[int, Flag]:
    """MID -> Flag, read once from mid.csv."""
    out: dict[int, Flag] = {}
    with MID_TABLE.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(lines):
            mid = int(row["mid"])
            out[mid] = Flag(mid, row["iso2"], row["country"])
    return out


def flag_of(mmsi: int) -> Flag | None:
    """The country or area an MMSI's MID is assigned to; None when it has no known MID. Where
    the MID sits in the nine digits is the station forms' business (ais/mmsi.py)."""
    mid = mid_of(mmsi)
    return mid_table().get(mid) if mid is not None else None
