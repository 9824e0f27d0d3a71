"""Vessel identifiers: IMO numbers (check digit), MMSIs (digits and country code), flags.

Lists write identifiers in free text ("Vessel Registration Identification IMO 9179414",
"Identification Number IMO 9339301; MMSI 636013272", "IMO: 8126070"), so the finders here take
text and return only numbers that pass their checks; the ones that fail are returned apart so a
loader can report them instead of silently dropping them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

# "IMO 9179414", "IMO: 9179414", "IMO No. 9179414", "IMO number: 9179414", "IMO#9179414", and
# OFAC's "Vessel Registration Identification 8606173" without the IMO label. Any run of digits
# after the label is taken, so a truncated "IMO 15411" is reported, not silently skipped.
_IMO_RE = re.compile(
    r"\b(?:IMO|Vessel\s+Registration\s+Identification)\s*(?:IMO\s*)?(?:N(?:o|umber|r)\.?\s*)?"
    r"[:#.]?\s*(\d{3,9})(?!\d)",
    re.IGNORECASE,
)
# The IMO's company and registered owner numbers look like ship numbers ("Company Number IMO
# 5434358", a shipping company's "IMO number: 5342883"): their own check digit tells them apart.
_COMPANY_BEFORE = re.compile(r"\b(?:company|owner)\b[^;.\d]{0,25}$", re.IGNORECASE)
_MMSI_RE = re.compile(r"\bMMSI\s*(?:N(?:o|umber|r)\.?\s*)?[:#.]?\s*(\d{9})(?!\d)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")

# Country names as sanctions lists write them that ISO 3166 spells otherwise.
FLAG_ALIASES: dict[str, str] = {
    "KOREA, NORTH": "KP",
    "NORTH KOREA": "KP",
    "DPRK": "KP",
    "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA": "KP",
    "KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF": "KP",
    "KOREA, SOUTH": "KR",
    "SOUTH KOREA": "KR",
    "REPUBLIC OF KOREA": "KR",
    "RUSSIA": "RU",
    "RUSSIAN FEDERATION": "RU",
    "BURMA": "MM",
    "IRAN": "IR",
    "SYRIA": "SY",
    "VIETNAM": "VN",
    "TANZANIA": "TZ",
    "BOLIVIA": "BO",
    "VENEZUELA": "VE",
    "MOLDOVA": "MD",
    "LAOS": "LA",
    "MACAU": "MO",
    "HONG KONG": "HK",
    "TAIWAN": "TW",
    "CONGO, DEMOCRATIC REPUBLIC OF THE": "CD",
    "ST. KITTS AND NEVIS": "KN",
    "SAINT KITTS AND NEVIS": "KN",
    "ST. VINCENT AND THE GRENADINES": "VC",
    "SAINT VINCENT AND THE GRENADINES": "VC",
    "COTE D'IVOIRE": "CI",
    "MICRONESIA, FEDERATED STATES OF": "FM",
    "UNITED KINGDOM": "GB",
    "UNITED STATES": "US",
}


def imo_check_digit(first6: int) -> int:
    """IMO check digit: digits 1-6 times weights 7, 6, 5, 4, 3, 2, sum mod 10."""
    digits = [int(c) for c in f"{first6:06d}"]
    return sum(d * w for d, w in zip(digits, (7, 6, 5, 4, 3, 2), strict=True)) % 10


def company_check_digit(first6: int) -> int:
    """Check digit of an IMO company / registered owner number: digits 1-6 times weights
    8, 6, 4, 2, 9, 7, then (11 - sum mod 11) mod 10."""
    digits = [int(c) for c in f"{first6:06d}"]
    total = sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 9, 7), strict=True))
    return (11 - total % 11) % 10


def is_company_number(n: int) -> bool:
    """Whether a seven-digit number is a valid IMO company / registered owner number."""
    return 1_000_000 <= n <= 9_999_999 and company_check_digit(n // 10) == n % 10


def imo_is_valid(imo: int | None) -> bool:
    """A seven-digit number whose last digit is its check digit."""
    if imo is None or not 1_000_000 <= imo <= 9_999_999:
        return False
    return imo_check_digit(imo // 10) == imo % 10


@cache
def mid_table() -> dict[int, str]:
    """Maritime Identification Digits -> flag (ISO 3166 alpha-2), from the ingest stage's ITU
    table (darkcargo.ais.codes)."""
    from darkcargo.ais.codes import mid_table as itu_mids

    return {mid: flag.iso2 for mid, flag in itu_mids().items()}


def mmsi_mid(mmsi: int) -> int | None:
    """The MID of a ship station MMSI (first three of nine digits, leading digit 2-7)."""
    if not 200_000_000 <= mmsi <= 799_999_999:
        return None
    return mmsi // 1_000_000


def mmsi_problem(mmsi: int | None) -> str | None:
    """Why `mmsi` is not a ship's MMSI (None when it is): nine digits, a known MID."""
    if mmsi is None:
        return "missing"
    if not 0 < mmsi <= 999_999_999:
        return "not nine digits"
    if not 200_000_000 <= mmsi <= 799_999_999:
        return "not a ship station (first digit must be 2-7)"
    if mmsi // 1_000_000 not in mid_table():
        return f"unknown country code (MID {mmsi // 1_000_000})"
    return None


def mmsi_is_valid(mmsi: int | None) -> bool:
    return mmsi_problem(mmsi) is None


def flag_of_mmsi(mmsi: int | None) -> str | None:
    """The flag (ISO alpha-2) an MMSI's MID stands for, or None."""
    if mmsi is None:
        return None
    m = mmsi_mid(mmsi)
    return None if m is None else mid_table().get(m)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper().strip()


UNKNOWN_TEXTS = frozenset(
    {"UNKNOWN", "N/A", "NA", "NONE", "-", "-0-", "00", "NONE IDENTIFIED", "NOT IDENTIFIED"}
)


def is_unknown(text: str | None) -> bool:
    """Whether a list cell says it does not know (empty, "Unknown", "N/A", "-0-" ...)."""
    return text is None or _fold(text).strip(" .") in UNKNOWN_TEXTS or not text.strip()


@cache
def flag_code(text: str | None) -> str | None:
    """ISO alpha-2 for a list's flag text ("Russia", "Korea, North", "RU", "RUS"), else None.

    Former flags ("Panama (former)") and "Unknown" give None.
    """
    if not text:
        return None
    t = _fold(text)
    if re.search(r"\b(?:FORMER|PREVIOUS)\b", t):
        return None  # not the flag it flies now
    t = re.sub(r"\s+", " ", t.replace("&", " AND ")).strip(" .")
    if not t or t in UNKNOWN_TEXTS:
        return None
    if t in FLAG_ALIASES:
        return FLAG_ALIASES[t]
    import pycountry

    try:
        return str(pycountry.countries.lookup(t).alpha_2)
    except LookupError:
        pass
    try:
        found = pycountry.countries.search_fuzzy(t)
    except LookupError:
        return None
    return str(found[0].alpha_2) if len(found) == 1 else None


@dataclass
class FoundIds:
    """Identifiers found in a text: valid ones, and the numbers that failed their check."""

    imos: list[int] = field(default_factory=list)
    mmsis: list[int] = field(default_factory=list)
    bad_imos: list[str] = field(default_factory=list)
    bad_mmsis: list[str] = field(default_factory=list)
    companies: list[int] = field(default_factory=list)  # IMO company / owner numbers: no ship

    def merge(self, other: FoundIds) -> None:
        for mine, theirs in (
            (self.imos, other.imos),
            (self.mmsis, other.mmsis),
            (self.bad_imos, other.bad_imos),
            (self.bad_mmsis, other.bad_mmsis),
            (self.companies, other.companies),
        ):
            for v in theirs:
                if v not in mine:
                    mine.append(v)  # type: ignore[arg-type]


def find_ids(text: str | None) -> FoundIds:
    """IMO and MMSI numbers written after their label anywhere in `text`."""
    found = FoundIds()
    if not text:
        return found
    for m in _IMO_RE.finditer(text):
        n = int(m.group(1))
        said_company = _COMPANY_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        if len(m.group(1)) == 7 and is_company_number(n) and (said_company or not imo_is_valid(n)):
            if n not in found.companies:
                found.companies.append(n)
        elif len(m.group(1)) == 7 and imo_is_valid(n):
            if n not in found.imos:
                found.imos.append(n)
        elif m.group(1) not in found.bad_imos:
            found.bad_imos.append(m.group(1))
    for m in _MMSI_RE.finditer(text):
        n = int(m.group(1))
        if mmsi_is_valid(n):
            if n not in found.mmsis:
                found.mmsis.append(n)
        elif m.group(1) not in found.bad_mmsis:
            found.bad_mmsis.append(m.group(1))
    return found


_NONE_CELLS = frozenset({"N/A", "NA", "-", "NONE", "UNKNOWN", "-0-"})


def _number_cell(
    text: str | None, width: int, label: str, width_word: str
) -> tuple[int | None, str | None]:
    """The one `width`-digit number of a cell: (n, None); (None, reason) when it holds another
    kind of number; (None, None) when it is empty or says none."""
    if text is None:
        return None, None
    t = text.strip()
    if not t or t.upper() in _NONE_CELLS:
        return None, None
    digits = _DIGITS.findall(t)
    if len(digits) != 1 or len(digits[0]) != width:
        return None, f"{label} {t!r} is not {width_word} digits"
    return int(digits[0]), None


def parse_imo(text: str | None) -> tuple[int | None, str | None]:
    """An IMO from a cell that should hold one ("9179842", "IMO 9179842", "IMO: 9179842").

    Returns (imo, None) when valid, (None, reason) when the cell holds a number that fails, and
    (None, None) when the cell is empty or says none.
    """
    n, why = _number_cell(text, 7, "IMO", "seven")
    if n is None:
        return None, why
    if not imo_is_valid(n):
        return None, f"IMO {n} fails its check digit"
    return n, None


def add_imo_cell(ids: FoundIds, text: str | None, *, holder_is_company: bool = False) -> str | None:
    """Put the IMO number of a cell meant to hold one into `ids`: a ship's into `imos`, a
    company / registered owner number into `companies`, a failing one into `bad_imos`. When the
    holder is named as a company, a valid company number is its company number even if it also
    passes a ship's check digit (about one company number in ten does).

    Returns why a number was refused (None when it was taken or the cell says none)."""
    if holder_is_company and text is not None and text.strip().isdigit():
        n = int(text.strip())
        if is_company_number(n):
            if n not in ids.companies:
                ids.companies.append(n)
            return None
    imo, why = parse_imo(text)
    if imo is not None:
        if imo not in ids.imos:
            ids.imos.append(imo)
        return None
    if why is None or text is None:
        return None
    digits = _DIGITS.findall(text)
    if len(digits) == 1 and len(digits[0]) == 7 and is_company_number(int(digits[0])):
        if int(digits[0]) not in ids.companies:
            ids.companies.append(int(digits[0]))
        return None
    number = "".join(digits) or text.strip()
    if number not in ids.bad_imos:
        ids.bad_imos.append(number)
    return why


def parse_mmsi(text: str | None) -> tuple[int | None, str | None]:
    """An MMSI from a cell that should hold one; same returns as parse_imo."""
    n, why = _number_cell(text, 9, "MMSI", "nine")
    if n is None:
        return None, why
    problem = mmsi_problem(n)
    if problem:
        return None, f"MMSI {n}: {problem}"
    return n, None


_NAME_JUNK = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")
_PREFIXES = re.compile(r"^(?:M[/.]?\s?[VT]\.?|MS|SS)\s+")


def norm_name(name: str | None) -> str:
    """Comparable form of a ship name: ASCII capitals and digits, single spaces, no M/V prefix."""
    if not name:
        return ""
    t = _PREFIXES.sub("", _fold(name).replace("@", " ").strip())
    return _SPACES.sub(" ", _NAME_JUNK.sub(" ", t.replace("-", " "))).strip()
