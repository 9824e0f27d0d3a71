"""OFAC's Specially Designated Nationals list: the CSV files and the SDN XML.

sdn.csv has no header: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
Tonnage, GRT, Vess_flag, Vess_owner, Remarks; null is ``-0-`` (often with a trailing space),
several programmes are joined by ``] [`` (the outer brackets stripped), records end with CR LF,
the file may end with a Ctrl-Z byte. IMO and MMSI sit in Remarks ("Vessel Registration
Identification IMO 9179414"; "Identification Number IMO 9339301; MMSI 636013272"). alt.csv
(ent_num, alt_num, alt_type, alt_name, alt_remarks) gives the aliases, joined on ent_num.
sdn_comments.csv (ent_num, Remarks Extended) continues the Remarks OFAC cuts short, so an IMO
number can sit there; add.csv (ent_num, add_num, address, city, country, add_remarks) holds
addresses, nothing a vessel needs: both are accepted beside sdn.csv.

sdn.xml: ``sdnList/sdnEntry`` with uid, lastName, sdnType, programList/program, akaList/aka,
idList/id (idType "Vessel Registration Identification" + idNumber "IMO 7406784", or "MMSI"),
vesselInfo (callSign, vesselType, vesselFlag, vesselOwner). Its namespace has changed over the
years (tempuri.org, then the Sanctions List Service's), so elements are found by local name.
Only vessels are kept; people and companies are counted as records read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions.entry import (
    ListedVessel,
    ParsedList,
    child,
    children,
    clean,
    local,
    text_of,
)
from darkcargo.sanctions.identity import add_imo_cell, find_ids, is_unknown, parse_mmsi

LIST_NAME = "OFAC_SDN"
SDN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type",
    "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)  # fmt: skip
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
COMMENTS_COLUMNS = ("ent_num", "Remarks_Extended")
ADD_COLUMNS = (
    "ent_num",
    "add_num",
    "address",
    "city_state_province_postal",
    "country",
    "add_remarks",
)
# The OFAC CSV companions by their record width (none has a header).
COMPANION_WIDTHS = {
    len(ALT_COLUMNS): "alt",
    len(COMMENTS_COLUMNS): "comments",
    len(ADD_COLUMNS): "add",
}
ALIAS_TYPES = {"aka": "a.k.a.", "fka": "f.k.a.", "nka": "n.k.a."}
# Remarks carry names and flags alt.csv may lack: "f.k.a. 'SAM 5'", "Former Vessel Flag Malta;
# alt. Former Vessel Flag Tanzania".
_REMARK_ALIAS = re.compile(r"\b([afn])\.k\.a\.,?\s+'([^']+)'", re.IGNORECASE)
_FORMER_FLAG = re.compile(r"\bFormer Vessel Flag\s+([^;]+?)\s*(?:;|\.?$)", re.IGNORECASE)


def remark_names_and_flags(v: ListedVessel) -> None:
    """Add the aliases and former flags written in a vessel's remarks."""
    text = v.remarks or ""
    known = {n.upper() for n, _ in v.aliases} | {v.name.upper()}
    for m in _REMARK_ALIAS.finditer(text):
        name = clean(m.group(2))
        if name and name.upper() not in known:
            known.add(name.upper())
            v.aliases.append((name, f"{m.group(1).lower()}.k.a."))
    for m in _FORMER_FLAG.finditer(text):
        flag = clean(m.group(1).rstrip("."))
        if flag and flag not in v.former_flags and not is_unknown(flag):
            v.former_flags.append(flag)


def decode(path: Path, data: bytes) -> str:
    """Text of a list file: UTF-8 (with or without BOM), else Windows-1252; Ctrl-Z end dropped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.rstrip("\x1a\r\n\t ").replace("\x1a", "")


def programs(text: str | None) -> str | None:
    """'DPRK3] [RUSSIA-EO14024' or '[DPRK3] [RUSSIA-EO14024]' -> 'DPRK3; RUSSIA-EO14024'."""
    t = clean(text)
    if t is None:
        return None
    parts = [p.strip(" []") for p in t.split("] [")]
    return "; ".join(p for p in parts if p) or None


def csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank record."""
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for fields in reader:
            line = start
            start = reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            out.append((line, fields))
    except csv.Error as exc:
        raise InputError(str(path), f"CSV: {exc}", reader.line_num) from None
    return out


def _numbered_width(text: str) -> int | None:
    """Fields in the first record when it starts with a number (an OFAC CSV's ent_num)."""
    head = text[:20_000]
    rows = csv_rows(Path("-"), head.rsplit("\n", 1)[0] if "\n" in head else head)
    if not rows or not rows[0][1][0].strip().isdigit():
        return None
    return len(rows[0][1])


def is_sdn_csv(text: str) -> bool:
    """Whether text looks like sdn.csv: a first record of 12 fields starting with a number."""
    return _numbered_width(text) == len(SDN_COLUMNS)


def companion_kind(text: str) -> str | None:
    """'alt', 'comments' or 'add' for OFAC's alt.csv, sdn_comments.csv or add.csv; else None."""
    width = _numbered_width(text)
    return None if width is None else COMPANION_WIDTHS.get(width)


def is_alt_csv(text: str) -> bool:
    return companion_kind(text) == "alt"


def parse_sdn_csv(
    path: Path,
    data: bytes,
    alt: tuple[Path, bytes] | None = None,
    comments: tuple[Path, bytes] | None = None,
) -> ParsedList:
    """Vessels of sdn.csv, with the aliases of alt.csv and the rest of the Remarks of
    sdn_comments.csv when given."""
    text = decode(path, data)
    rows = csv_rows(path, text)
    extended = _extended_remarks(*comments) if comments is not None else {}
    vessels: list[ListedVessel] = []
    notes: list[str] = []
    by_ent: dict[str, ListedVessel] = {}
    records = 0
    for line, ent, f in _records(path, rows, SDN_COLUMNS, "sdn.csv", "ent_num ... Remarks"):
        records += 1
        row = dict(zip(SDN_COLUMNS, (clean(x) for x in f), strict=True))
        if (row["SDN_Type"] or "").lower() != "vessel":
            continue
        if ent in extended:  # OFAC cut the Remarks here and goes on in sdn_comments.csv
            row["Remarks"] = (row["Remarks"] or "") + extended[ent]
        name = row["SDN_Name"]
        if not name:
            raise InputError(str(path), f"vessel ent_num {ent} has no SDN_Name", line)
        v = ListedVessel(
            list_name=LIST_NAME,
            list_id=ent,
            name=name,
            source_ref=f"line {line}",
            program=programs(f[3]),
            flag_text=row["Vess_flag"],
            callsign=row["Call_Sign"],
            vessel_type=row["Vess_type"],
            owner=row["Vess_owner"],
            remarks=row["Remarks"],
            ids=find_ids(row["Remarks"]),
        )
        _note_bad_ids(v, notes, f"{path.name} line {line}")
        vessels.append(v)
        by_ent[ent] = v
    if alt is not None:
        _join_aliases(alt[0], alt[1], by_ent)
    for v in vessels:
        remark_names_and_flags(v)
    return ParsedList(LIST_NAME, "ofac-sdn-csv", str(path), vessels, records, notes)


def _extended_remarks(path: Path, data: bytes) -> dict[str, str]:
    """ent_num -> the continuation of its Remarks (sdn_comments.csv)."""
    out: dict[str, str] = {}
    rows = csv_rows(path, decode(path, data))
    for _, ent, f in _records(path, rows, COMMENTS_COLUMNS, "sdn_comments.csv"):
        text = f[1].strip()
        if text and text != "-0-":
            out[ent] = out.get(ent, "") + f[1]
    return out


def _records(
    path: Path,
    rows: list[tuple[int, list[str]]],
    columns: tuple[str, ...],
    label: str,
    fields_hint: str | None = None,
) -> Iterator[tuple[int, str, list[str]]]:
    """(line, ent_num, fields) of an OFAC CSV's records, a leading header (which some
    re-exports add) skipped; a record of the wrong width or without a numeric ent_num is an
    InputError at its line."""
    for line, f in rows:
        if line == rows[0][0] and f and f[0].strip().lower() == "ent_num":
            continue
        if len(f) != len(columns):
            raise InputError(
                str(path),
                f"{label} record has {len(f)} fields, expected {len(columns)} "
                f"({fields_hint or ', '.join(columns)})",
                line,
            )
        ent = f[0].strip()
        if not ent.isdigit():
            raise InputError(str(path), f"ent_num {ent!r} is not a number", line)
        yield line, ent, f


def _join_aliases(path: Path, data: bytes, by_ent: dict[str, ListedVessel]) -> None:
    rows = csv_rows(path, decode(path, data))
    for _, ent, f in _records(path, rows, ALT_COLUMNS, "alt.csv"):
        v = by_ent.get(ent)
        name = clean(f[3])
        if v is None or not name:
            continue
        kind = clean(f[2]) or "aka"
        v.aliases.append((name, ALIAS_TYPES.get(kind.lower().replace(".", ""), kind)))


def _note_bad_ids(v: ListedVessel, notes: list[str], where: str) -> None:
    for bad in v.ids.bad_imos:
        why = "is not seven digits" if len(bad) != 7 else "fails its check digit"
        notes.append(f"{where}: {v.name}: IMO {bad} {why} (kept in extra)")
    for bad in v.ids.bad_mmsis:
        notes.append(f"{where}: {v.name}: MMSI {bad} is not a ship MMSI (kept in extra)")


def parse_sdn_xml(path: Path, root: etree._Element) -> ParsedList:
    """Vessels of the SDN XML (sdnList), namespace or not."""
    if local(root.tag) != "sdnList":
        raise InputError(str(path), f"root element is <{local(root.tag)}>, not <sdnList>")
    vessels: list[ListedVessel] = []
    notes: list[str] = []
    records = 0
    for entry in children(root, "sdnEntry"):
        records += 1
        uid = text_of(entry, "uid")
        line = entry.sourceline
        if uid is None:
            raise InputError(str(path), "<sdnEntry> without <uid>", line)
        if (text_of(entry, "sdnType") or "").lower() != "vessel":
            continue
        last, first = text_of(entry, "lastName"), text_of(entry, "firstName")
        name = " ".join(p for p in (first, last) if p)
        if not name:
            raise InputError(str(path), f"vessel <sdnEntry> uid={uid} has no <lastName>", line)
        progs = child(entry, "programList")
        prog = (
            "; ".join(p for p in (text_of(x) for x in children(progs, "program")) if p)
            if progs is not None
            else None
        )
        info = child(entry, "vesselInfo")
        v = ListedVessel(
            list_name=LIST_NAME,
            list_id=uid,
            name=name,
            source_ref=f"sdnEntry uid={uid} (line {line})",
            program=prog or None,
            flag_text=text_of(info, "vesselFlag") if info is not None else None,
            callsign=text_of(info, "callSign") if info is not None else None,
            vessel_type=text_of(info, "vesselType") if info is not None else None,
            owner=text_of(info, "vesselOwner") if info is not None else None,
            remarks=text_of(entry, "remarks"),
        )
        aka_list = child(entry, "akaList")
        for aka in children(aka_list, "aka") if aka_list is not None else []:
            a_name = " ".join(p for p in (text_of(aka, "firstName"), text_of(aka, "lastName")) if p)
            if a_name:
                kind = text_of(aka, "type") or "a.k.a."
                if (text_of(aka, "category") or "").lower() == "weak":
                    kind += " (weak)"
                v.aliases.append((a_name, kind))
        id_list = child(entry, "idList")
        for ident in children(id_list, "id") if id_list is not None else []:
            _read_id(v, ident)
        v.ids.merge(find_ids(v.remarks))
        remark_names_and_flags(v)
        _note_bad_ids(v, notes, f"{path.name} uid {uid}")
        vessels.append(v)
    if records == 0:
        raise InputError(str(path), "<sdnList> holds no <sdnEntry>")
    return ParsedList(LIST_NAME, "ofac-sdn-xml", str(path), vessels, records, notes)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit()) or text


def _read_id(v: ListedVessel, ident: etree._Element) -> None:
    kind = (text_of(ident, "idType") or "").lower()
    number = text_of(ident, "idNumber")
    if number is None:
        return
    if "mmsi" in kind:
        mmsi, why = parse_mmsi(number)
        if mmsi is not None and mmsi not in v.ids.mmsis:
            v.ids.mmsis.append(mmsi)
        elif why:
            v.ids.bad_mmsis.append(_digits(number))
    elif "vessel registration" in kind or kind.startswith("imo") or "company number" in kind:
        add_imo_cell(v.ids, number)
    elif "call sign" in kind:
        v.callsigns.append(number)
    elif (
        kind in ("former vessel flag", "other vessel flag")
        and number not in v.former_flags
        and not is_unknown(number)
    ):
        v.former_flags.append(number)
