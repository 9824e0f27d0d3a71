"""The UN Security Council's lists: the consolidated XML and the 1718 Committee's vessel table.

consolidated.xml: ``CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL`` and ``.../ENTITIES/ENTITY`` with
DATAID, FIRST_NAME (an entity's whole name), UN_LIST_TYPE (the regime, e.g. DPRK),
REFERENCE_NUMBER, LISTED_ON, COMMENTS1 and ENTITY_ALIAS (QUALITY, ALIAS_NAME; several names
``; ``-joined). The list has no vessel record type: an entity is taken as a vessel when its name,
comments or aliases carry an IMO number or MMSI; everything else (people, companies) is counted
and skipped, so thousands of company names never become ship-name candidates.

1718 Designated Vessels List: the Committee's table (published as a web table and PDF; saved or
exported as CSV): #, Vessel Name, IMO Number, Designated Owner, MMSI, Flag, Call Sign, Type,
Date of Designation, one column per measure ("Paragraph 12 (a) of resolution 2321 (2016)" ...,
X or NA), Other Information. A cell may hold several values numbered "1: ... 2: ...".
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions.entry import (
    ListedVessel,
    ParsedList,
    children,
    clean,
    listing_date,
    local,
    text_of,
)
from darkcargo.sanctions.identity import FoundIds, add_imo_cell, find_ids, parse_mmsi
from darkcargo.sanctions.tables import cell, find_column, read_table_raw, split_numbered

CONSOLIDATED = "UN_SC"
VESSELS_1718 = "UN_1718"
ALIAS_QUALITY = {"good": "a.k.a.", "a.k.a.": "a.k.a.", "low": "a.k.a. (weak)", "f.k.a.": "f.k.a."}
_FLAG_IN_TEXT = re.compile(
    r"\bflag(?:\s+state)?\s*:\s*([A-Za-z][A-Za-z .,'()-]{1,40}?)\s*(?:[;.\n]|$)", re.I
)
_IMO_IN_NAME = re.compile(r"\s*\(?\bIMO\b[^)]*\)?\s*$", re.I)

NAME_COLUMNS = ("vessel name", "name of vessel", "vessel_name", "name")
IMO_COLUMNS = ("imo number", "imo no", "imo", "imo_number")
DESIGNATION_MARKERS = ("date of designation", "designated owner", "designation date")


def is_consolidated(root: etree._Element) -> bool:
    return local(root.tag) == "CONSOLIDATED_LIST"


def parse_consolidated(path: Path, root: etree._Element) -> ParsedList:
    """Vessels of the UN consolidated list (entities carrying an IMO number or MMSI)."""
    groups = [g for g in root if local(g.tag) in ("INDIVIDUALS", "ENTITIES")]
    if not groups:
        raise InputError(str(path), "<CONSOLIDATED_LIST> has no <INDIVIDUALS> or <ENTITIES>")
    vessels: list[ListedVessel] = []
    notes: list[str] = []
    owners: list[str] = []  # DATAIDs of shipowners known by their IMO company number
    records = 0
    for group in groups:
        for rec in group:
            if not isinstance(rec.tag, str):
                continue
            records += 1
            if local(rec.tag) != "ENTITY":
                continue
            v = _entity(path, rec, owners)
            if v is not None:
                for bad in v.ids.bad_imos:
                    notes.append(
                        f"{path.name} line {rec.sourceline}: {v.name}: IMO {bad} "
                        + ("is not seven digits" if len(bad) != 7 else "fails its check digit")
                    )
                vessels.append(v)
    if owners:
        notes.append(
            f"{path.name}: {len(owners)} entities carry only an IMO company / registered owner "
            f"number (shipowners, not ships), not listed as vessels: {', '.join(owners[:5])}"
            + (" ..." if len(owners) > 5 else "")
        )
    return ParsedList(CONSOLIDATED, "un-consolidated-xml", str(path), vessels, records, notes)


def _entity(path: Path, rec: etree._Element, owners: list[str]) -> ListedVessel | None:
    line = rec.sourceline
    dataid = text_of(rec, "DATAID")
    if dataid is None:
        raise InputError(str(path), "<ENTITY> without <DATAID>", line)
    name = " ".join(
        p for p in (text_of(rec, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")) if p
    )
    comments = text_of(rec, "COMMENTS1")
    aliases: list[tuple[str, str]] = []
    for al in children(rec, "ENTITY_ALIAS"):
        names = text_of(al, "ALIAS_NAME")
        quality = (text_of(al, "QUALITY") or "").lower()
        for n in (names or "").split(";"):
            if n.strip():
                aliases.append((n.strip(), ALIAS_QUALITY.get(quality, quality or "a.k.a.")))
    ids = FoundIds()
    for text in (name, comments, *(a for a, _ in aliases)):
        ids.merge(find_ids(text))
    if not (ids.imos or ids.mmsis or ids.bad_imos or ids.bad_mmsis):
        if ids.companies:
            owners.append(f"{name or dataid} (IMO {ids.companies[0]})")
        return None
    if not name:
        raise InputError(str(path), f"vessel <ENTITY> DATAID {dataid} has no <FIRST_NAME>", line)
    flag = _FLAG_IN_TEXT.search(comments or "")
    ref = text_of(rec, "REFERENCE_NUMBER")
    return ListedVessel(
        list_name=CONSOLIDATED,
        list_id=dataid,
        name=_IMO_IN_NAME.sub("", name) or name,
        source_ref=f"ENTITY DATAID={dataid} (line {line})",
        program=" ".join(p for p in (text_of(rec, "UN_LIST_TYPE"), ref) if p) or None,
        flag_text=flag.group(1).strip() if flag else None,
        listed_on=listing_date(path, text_of(rec, "LISTED_ON"), line),
        aliases=[(_IMO_IN_NAME.sub("", a) or a, t) for a, t in aliases],
        remarks=comments,
        ids=ids,
    )


def is_1718_header(header: list[str]) -> bool:
    has_name = find_column(header, *NAME_COLUMNS) is not None
    has_imo = find_column(header, *IMO_COLUMNS) is not None
    marked = any(m in header for m in DESIGNATION_MARKERS) or any("resolution" in h for h in header)
    return has_name and has_imo and marked


def parse_1718(path: Path, text: str) -> ParsedList:
    """Vessels of the 1718 Committee's Designated Vessels List table."""
    header, rows, raw_header = read_table_raw(path, text)
    if not is_1718_header(header):
        raise InputError(
            str(path),
            "not the 1718 vessel table: needs Vessel Name, IMO Number and designation columns",
            1,
        )
    c_no = find_column(header, "#", "no", "number", "s/n")
    c_name = find_column(header, *NAME_COLUMNS)
    c_imo = find_column(header, *IMO_COLUMNS)
    c_owner = find_column(header, "designated owner", "owner", "registered owner")
    c_mmsi = find_column(header, "mmsi")
    c_flag = find_column(header, "flag")
    c_cs = find_column(header, "call sign", "callsign", "call_sign")
    c_type = find_column(header, "type", "vessel type")
    c_date = find_column(header, *DESIGNATION_MARKERS[::2], "date", "listed on")
    c_other = find_column(header, "other information", "other info", "notes")
    measures = [
        (i, raw_header[i])
        for i, h in enumerate(header)
        if "resolution" in h or "economic resources" in h
    ]
    vessels: list[ListedVessel] = []
    notes: list[str] = []
    for line, f in rows:
        names = split_numbered(cell(f, c_name))
        if not names:
            raise InputError(str(path), "row has no vessel name", line)
        ids = FoundIds()
        for part in split_numbered(cell(f, c_imo)):
            why = add_imo_cell(ids, part)
            if why:
                notes.append(f"{path.name} line {line}: {names[0]}: {why}")
        for part in split_numbered(cell(f, c_mmsi)):
            mmsi, why = parse_mmsi(part)
            if mmsi is not None:
                ids.mmsis.append(mmsi)
            elif why:
                ids.bad_mmsis.append(part)
                notes.append(f"{path.name} line {line}: {names[0]}: {why}")
        progs = [h for i, h in measures if (cell(f, i) or "").upper() not in ("", "NA", "N/A", "-")]
        flags = split_numbered(cell(f, c_flag))
        list_id = cell(f, c_no) or str(line)
        v = ListedVessel(
            list_name=VESSELS_1718,
            list_id=list_id,
            name=names[0],
            source_ref=f"line {line}",
            program="; ".join(["UN 1718", *progs]),
            flag_text=clean(flags[0]) if flags else None,
            callsigns=split_numbered(cell(f, c_cs)),
            listed_on=listing_date(path, cell(f, c_date), line),
            aliases=[(n, "also listed as") for n in names[1:]],
            vessel_type=cell(f, c_type),
            owner=clean(cell(f, c_owner)),
            remarks=cell(f, c_other),
            ids=ids,
        )
        vessels.append(v)
    return ParsedList(VESSELS_1718, "un-1718-vessels", str(path), vessels, len(rows), notes)
