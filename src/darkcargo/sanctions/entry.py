"""What every list parser returns: listed vessels in one shape, and what it skipped or doubted."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions.identity import FoundIds, flag_code, is_unknown
from darkcargo.sanctions.schema import WATCHLIST


@dataclass
class ListedVessel:
    """One vessel as a list gives it."""

    list_name: str
    list_id: str  # the list's own id (OFAC uid / ent_num, UN DATAID, EU logicalId, row number)
    name: str
    source_ref: str  # where in the file: "line 12", "sdnEntry uid=15036"
    program: str | None = None
    imo: int | None = None
    mmsi: int | None = None
    flag_text: str | None = None
    callsign: str | None = None
    listed_on: date | None = None
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (name, type)
    vessel_type: str | None = None
    owner: str | None = None
    remarks: str | None = None
    ids: FoundIds = field(default_factory=FoundIds)  # every identifier found, in order
    callsigns: list[str] = field(default_factory=list)
    former_flags: list[str] = field(default_factory=list)  # as the list writes them

    def settle(self) -> None:
        """First identifiers become the columns; the rest stay in `ids` for `extra`."""
        if self.imo is None and self.ids.imos:
            self.imo = self.ids.imos[0]
        if self.mmsi is None and self.ids.mmsis:
            self.mmsi = self.ids.mmsis[0]
        if self.callsign is None and self.callsigns:
            self.callsign = self.callsigns[0]

    def extra(self) -> dict[str, object]:
        out: dict[str, object] = {}
        more_imo = [i for i in self.ids.imos if i != self.imo]
        more_mmsi = [m for m in self.ids.mmsis if m != self.mmsi]
        more_cs = [c for c in self.callsigns if c != self.callsign]
        if more_imo:
            out["imo"] = more_imo
        if more_mmsi:
            out["mmsi"] = more_mmsi
        if more_cs:
            out["callsign"] = more_cs
        if self.ids.bad_imos:
            out["invalid_imo"] = self.ids.bad_imos
        if self.ids.bad_mmsis:
            out["invalid_mmsi"] = self.ids.bad_mmsis
        if self.ids.companies:
            out["company_imo"] = self.ids.companies
        if self.flag_text:
            out["flag_text"] = self.flag_text
        if self.former_flags:
            out["former_flags"] = self.former_flags
        return out


@dataclass
class ParsedList:
    """A parsed list file: its vessels, and what was not a vessel or looked wrong."""

    list_name: str
    fmt: str
    path: str
    vessels: list[ListedVessel]
    records: int  # records read (people, companies and vessels)
    notes: list[str] = field(default_factory=list)  # doubtful values, each with its place

    def table(self) -> pa.Table:
        """The `watchlist` rows of this list (entry ids are "<list>:<list id>")."""
        cols: dict[str, list[object]] = {n: [] for n in WATCHLIST.names}
        seen: dict[str, int] = {}
        source = Path(self.path).name
        for v in self.vessels:
            v.settle()
            entry = f"{self.list_name}:{v.list_id}"
            if entry in seen:  # one list id naming two vessels: keep both, apart
                seen[entry] += 1
                entry = f"{entry}#{seen[entry]}"
            else:
                seen[entry] = 1
            flag = flag_code(v.flag_text) if v.flag_text else None
            if flag is None and v.flag_text and not is_unknown(v.flag_text):
                flag = v.flag_text  # a flag text no ISO name matches: kept as given
            values: dict[str, object] = {
                "entry_id": entry,
                "list": self.list_name,
                "program": v.program,
                "name": v.name,
                "imo": v.imo,
                "mmsi": v.mmsi,
                "flag": flag,
                "callsign": v.callsign,
                "listed_on": v.listed_on,
                "aliases": json.dumps([{"name": n, "type": t} for n, t in v.aliases]),
                "vessel_type": v.vessel_type,
                "owner": v.owner,
                "remarks": v.remarks,
                "extra": json.dumps(v.extra(), sort_keys=True),
                "source": source,
                "source_ref": v.source_ref,
            }
            for n in WATCHLIST.names:
                cols[n].append(values[n])
        return pa.table(cols, schema=WATCHLIST)


def clean(text: str | None) -> str | None:
    """Text with runs of white space folded and the null markers of the lists removed."""
    if text is None:
        return None
    t = re.sub(r"\s+", " ", text).strip()
    if t in {"", "-0-", "N/A", "NA", "n/a", "-"}:
        return None
    return t


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b. %Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d/%m/%Y",
)


def parse_date(text: str | None) -> date | None:
    """A listing date in the forms the lists use ("2024-06-24", "06/24/2024", "16 Oct. 2018").

    Raises ValueError for text that is none of them (callers name the place).
    """
    t = clean(text)
    if t is None:
        return None
    t = t.replace("Sept.", "Sep.").replace("Sept ", "Sep ")
    if "T" in t and len(t) > 10:
        t = t[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date {t!r} is in no known form (YYYY-MM-DD, MM/DD/YYYY, 16 Oct 2018)")


def listing_date(path: Path, text: str | None, line: int | None) -> date | None:
    """parse_date, with a bad date reported as an InputError at its place."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError(str(path), str(exc), line) from None


# -- XML ---------------------------------------------------------------------------------------


def xml_root(path: Path, data: bytes) -> etree._Element:
    """Parse XML safely (no entities, no network, no DTD); a syntax error names its line."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, recover=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise InputError(str(path), f"not well-formed XML: {exc.msg}", line) from None
    return root


def safe_iterparse(
    source: object, events: tuple[str, ...] = ("end",), tag: str | None = None
) -> etree.iterparse:
    """Stream XML with the same guards as xml_root (no entities, no network, no DTD)."""
    return etree.iterparse(
        source,
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )


def local(tag: object) -> str:
    """An element's tag without its namespace ("{http://...}sdnEntry" -> "sdnEntry")."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def child(el: etree._Element, name: str) -> etree._Element | None:
    """The first child called `name`, whatever its namespace."""
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c.tag) == name]


def text_of(el: etree._Element | None, name: str | None = None) -> str | None:
    """Cleaned text of `el` (or of its first child `name`)."""
    if el is not None and name is not None:
        el = child(el, name)
    if el is None:
        return None
    return clean("".join(el.itertext()))


def descendants(el: etree._Element, name: str) -> list[etree._Element]:
    return [d for d in el.iter() if local(d.tag) == name]
