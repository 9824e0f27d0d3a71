"""The analyst's own lists: a plain list of IMO numbers, and a CSV watchlist with a header.

IMO list (a port-ban annex copied out, a list from a report): one vessel per line, its IMO
number with or without the "IMO" label, optionally numbered and followed or preceded by the name
("12. ANGARA IMO 9179842", "9179842, ANGARA", "IMO 9179842"). Lines starting with # are
comments; a first line without a number is a header. Every number must pass the check digit.

CSV watchlist: a header naming any of name, imo, mmsi, flag, callsign (call_sign, call sign),
program (programme), listed_on (date), aliases (separated by | or ;), remarks, id. Each row
needs a name, an IMO or an MMSI; IMO numbers must pass their check digit and MMSIs must be ship
MMSIs, else the load fails at that line.
"""

from __future__ import annotations

import re
from pathlib import Path

from darkcargo.errors import InputError
from darkcargo.sanctions.entry import ListedVessel, ParsedList, clean, listing_date
from darkcargo.sanctions.identity import parse_imo, parse_mmsi
from darkcargo.sanctions.tables import cell, find_column, read_table

_SEVEN = re.compile(r"(?<!\d)(\d{7})(?!\d)")
_LEADING_NO = re.compile(r"^\s*\(?\d{1,4}[.)]\s+")
_IMO_WORD = re.compile(r"\bIMO\b\s*(?:N(?:o|umber)\.?)?\s*[:#]?", re.I)


def is_imo_list(text: str) -> bool:
    """Every data line holds a seven-digit number (a header line may hold none); lines with
    more than one are refused by the parser, at their line."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return False
    if not _SEVEN.search(lines[0]):
        lines = lines[1:]
    return bool(lines) and all(_SEVEN.search(ln) for ln in lines)


def parse_imo_list(path: Path, text: str, list_name: str, program: str | None) -> ParsedList:
    vessels: list[ListedVessel] = []
    first_data = True
    for line, raw in enumerate(text.splitlines(), start=1):
        t = raw.strip()
        if not t or t.startswith("#"):
            continue
        numbers = _SEVEN.findall(t)
        if first_data and not numbers:
            first_data = False
            continue  # header
        first_data = False
        if len(numbers) != 1:
            raise InputError(
                str(path),
                f"expected one seven-digit IMO number on the line, found {len(numbers)}",
                line,
            )
        imo, why = parse_imo(numbers[0])
        if imo is None:
            raise InputError(str(path), why or "no IMO number", line)
        rest = _SEVEN.sub(" ", _LEADING_NO.sub("", t))
        rest = _IMO_WORD.sub(" ", rest)
        name = clean(re.sub(r"^[\s,;:|\-]+|[\s,;:|\-]+$", "", re.sub(r"\s+", " ", rest)))
        vessels.append(
            ListedVessel(
                list_name=list_name,
                list_id=str(imo),
                name=name or f"IMO {imo}",
                source_ref=f"line {line}",
                program=program,
                imo=imo,
            )
        )
    if not vessels:
        raise InputError(str(path), "no IMO numbers in the file")
    return ParsedList(list_name, "imo-list", str(path), vessels, len(vessels), [])


NAME_COLS = ("name", "vessel", "vessel name", "ship", "ship name")
IMO_COLS = ("imo", "imo number", "imo no")
MMSI_COLS = ("mmsi",)


def is_watchlist_header(header: list[str]) -> bool:
    return any(find_column(header, *cols) is not None for cols in (NAME_COLS, IMO_COLS, MMSI_COLS))


def parse_watchlist_csv(path: Path, text: str, list_name: str, program: str | None) -> ParsedList:
    header, rows = read_table(path, text)
    if not is_watchlist_header(header):
        raise InputError(
            str(path), "CSV header names no name, imo or mmsi column (a watchlist needs one)", 1
        )
    c_id = find_column(header, "id", "entry id", "entry_id", "ref")
    c_name = find_column(header, *NAME_COLS)
    c_imo = find_column(header, *IMO_COLS)
    c_mmsi = find_column(header, *MMSI_COLS)
    c_flag = find_column(header, "flag", "flag state")
    c_cs = find_column(header, "callsign", "call sign", "call_sign")
    c_prog = find_column(header, "program", "programme", "regime")
    c_date = find_column(header, "listed on", "listed_on", "date", "listed")
    c_alias = find_column(header, "aliases", "alias", "former names")
    c_rem = find_column(header, "remarks", "notes", "comment")
    c_type = find_column(header, "type", "vessel type", "ship type")
    c_owner = find_column(header, "owner")
    vessels: list[ListedVessel] = []
    for line, f in rows:
        imo, why = parse_imo(cell(f, c_imo))
        if why:
            raise InputError(str(path), why, line)
        mmsi, why = parse_mmsi(cell(f, c_mmsi))
        if why:
            raise InputError(str(path), why, line)
        name = clean(cell(f, c_name))
        if not (name or imo or mmsi):
            raise InputError(str(path), "row has no name, IMO or MMSI", line)
        aliases = re.split(r"\s*[|;]\s*", cell(f, c_alias) or "")
        vessels.append(
            ListedVessel(
                list_name=list_name,
                list_id=cell(f, c_id) or str(line),
                name=name or (f"IMO {imo}" if imo else f"MMSI {mmsi}"),
                source_ref=f"line {line}",
                program=cell(f, c_prog) or program,
                imo=imo,
                mmsi=mmsi,
                flag_text=cell(f, c_flag),
                callsign=cell(f, c_cs),
                listed_on=listing_date(path, cell(f, c_date), line),
                aliases=[(a, "a.k.a.") for a in aliases if a],
                vessel_type=cell(f, c_type),
                owner=cell(f, c_owner),
                remarks=cell(f, c_rem),
            )
        )
    if not vessels:
        raise InputError(str(path), "the watchlist has a header but no rows")
    return ParsedList(list_name, "csv-watchlist", str(path), vessels, len(rows), [])
