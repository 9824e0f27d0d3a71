"""Load sanctions lists into the workspace: detect the format, parse, replace, match.

Loading a list replaces every row of that list (OFAC_SDN, UN_SC, UN_1718, EU_FSF, or the name of
a user list), so loading it twice never doubles it; the whole load, with the re-matching that
follows, is one transaction: a malformed file raises InputError (file, line or element, reason)
and leaves the workspace as it was.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions import eu, ofac, ofac_advanced, plain, un
from darkcargo.sanctions.entry import ParsedList, local, safe_iterparse, xml_root
from darkcargo.sanctions.match import MatchReport, match_workspace
from darkcargo.sanctions.tables import read_table
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

LIST_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
FORMATS = (
    "ofac-sdn-csv",
    "ofac-sdn-xml",
    "ofac-sdn-advanced-xml",
    "un-consolidated-xml",
    "un-1718-vessels",
    "eu-fsf-xml",
    "imo-list",
    "csv-watchlist",
)


@dataclass
class LoadReport:
    """What a load did, per list, and what matching found afterwards."""

    lists: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    matches: MatchReport | None = None


def _user_list_name(path: Path, given: str | None) -> str:
    name = given or re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem).strip("_") or "USER"
    if not LIST_NAME_RE.match(name):
        raise InputError(str(path), f"list name {name!r}: use letters, digits, _ . - (max 64)")
    return name


def read_list(
    paths: list[Path], list_name: str | None = None, program: str | None = None
) -> ParsedList:
    """Parse one list from its file(s): sdn.csv may come with its alt.csv, sdn_comments.csv and
    add.csv, in any order."""
    if not paths:
        raise InputError(None, "no list file given")
    blobs: list[tuple[Path, bytes]] = []
    for p in paths:
        try:
            blobs.append((p, p.read_bytes()))
        except OSError as exc:
            raise InputError(str(p), f"cannot read ({exc.strerror})") from None
    if len(blobs) > 4:
        raise InputError(
            str(paths[4]),
            "one list per load (sdn.csv may take its alt.csv, sdn_comments.csv and add.csv)",
        )
    if len(blobs) == 1 and _looks_like_xml(blobs[0][1]):
        return _read_xml(*blobs[0])
    texts = [ofac.decode(p, b) for p, b in blobs]
    if len(blobs) > 1:
        return _read_sdn_set(blobs, texts)
    path, data = blobs[0]
    text = texts[0]
    if not text.strip():
        raise InputError(str(path), "the file is empty")
    if ofac.is_sdn_csv(text):
        return ofac.parse_sdn_csv(path, data)
    if ofac.is_alt_csv(text):
        raise InputError(str(path), "this is OFAC's alt.csv: load it together with its sdn.csv")
    header, _ = read_table(path, text)
    if un.is_1718_header(header):
        return un.parse_1718(path, text)
    if plain.is_watchlist_header(header):
        return plain.parse_watchlist_csv(path, text, _user_list_name(path, list_name), program)
    if plain.is_imo_list(text):
        return plain.parse_imo_list(path, text, _user_list_name(path, list_name), program)
    companion = ofac.companion_kind(text)
    if companion in ("comments", "add"):
        name = "sdn_comments.csv" if companion == "comments" else "add.csv"
        raise InputError(str(path), f"this looks like OFAC's {name}: load it with its sdn.csv", 1)
    raise InputError(
        str(path),
        "no known list format (OFAC sdn.csv/sdn.xml, UN consolidated.xml or 1718 vessel table, "
        "EU XML, OFAC sdn_advanced.xml, a list of IMO numbers, or a CSV with name/imo/mmsi columns)",
        1,
    )


def _read_sdn_set(blobs: list[tuple[Path, bytes]], texts: list[str]) -> ParsedList:
    """OFAC's CSV set: one sdn.csv with at most one each of alt.csv, sdn_comments.csv, add.csv."""
    by_kind: dict[str, tuple[Path, bytes]] = {}
    for (path, data), text in zip(blobs, texts, strict=True):
        kind = "sdn" if ofac.is_sdn_csv(text) else ofac.companion_kind(text)
        if kind is None or kind in by_kind:
            raise InputError(
                str(path),
                "files load together only as OFAC's sdn.csv with its alt.csv, sdn_comments.csv "
                "and add.csv (one of each)",
            )
        by_kind[kind] = (path, data)
    if "sdn" not in by_kind:
        raise InputError(str(blobs[0][0]), "OFAC's companion files need their sdn.csv")
    parsed = ofac.parse_sdn_csv(*by_kind["sdn"], by_kind.get("alt"), by_kind.get("comments"))
    if "add" in by_kind:
        parsed.notes.append(f"{by_kind['add'][0].name}: addresses, not read (no vessel field)")
    return parsed


def _looks_like_xml(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _root_tag(path: Path, data: bytes) -> str:
    """The root element's local name, read without building the tree."""
    context = safe_iterparse(io.BytesIO(data), events=("start",))
    try:
        for _, el in context:
            return local(el.tag)
    except etree.XMLSyntaxError as exc:
        raise InputError(str(path), f"not well-formed XML: {exc.msg}", exc.lineno or None) from None
    raise InputError(str(path), "not well-formed XML: no root element")


def _read_xml(path: Path, data: bytes) -> ParsedList:
    """An XML list; the big OFAC advanced file is streamed, never held as a tree."""
    tag = _root_tag(path, data)
    if ofac_advanced.is_advanced_tag(tag):
        return ofac_advanced.parse_sdn_advanced(path, io.BytesIO(data))
    if tag == "export":
        return eu.parse_eu(path, io.BytesIO(data))
    if tag not in ("sdnList", "CONSOLIDATED_LIST"):
        raise InputError(
            str(path),
            f"XML root <{tag}> is no known list (sdnList, Sanctions, CONSOLIDATED_LIST, export)",
        )
    root = xml_root(path, data)
    if tag == "sdnList":
        return ofac.parse_sdn_xml(path, root)
    if un.is_consolidated(root):
        return un.parse_consolidated(path, root)
    raise InputError(
        str(path),
        f"XML root <{tag}> is no known list (sdnList, Sanctions, CONSOLIDATED_LIST, export)",
    )


def load_list(
    paths: list[Path],
    workspace: Workspace | str | Path,
    list_name: str | None = None,
    program: str | None = None,
) -> LoadReport:
    """Parse a list and replace its rows in `watchlist`, then re-match every AIS identity."""
    parsed = read_list([Path(p) for p in paths], list_name, program)
    if list_name and parsed.fmt not in ("imo-list", "csv-watchlist"):
        parsed.list_name = list_name
        for v in parsed.vessels:
            v.list_name = list_name
    table = parsed.table()
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    try:
        with ws.transaction():
            before = int(
                ws.scalar('SELECT count(*) FROM watchlist WHERE "list" = ?', [parsed.list_name])
                or 0
            )
            ws.replace("watchlist", table, where='"list" = ?', params=[parsed.list_name])
            matches = match_workspace(ws)
    finally:
        if not isinstance(workspace, Workspace):
            ws.close()
    report = LoadReport(notes=list(parsed.notes), matches=matches)
    report.lists.append(
        {
            "list": parsed.list_name,
            "format": parsed.fmt,
            "path": parsed.path,
            "records": parsed.records,
            "vessels": table.num_rows,
            "replaced": before,
            "with_imo": int(pa.compute.sum(table.column("imo").is_valid()).as_py() or 0),
            "with_mmsi": int(pa.compute.sum(table.column("mmsi").is_valid()).as_py() or 0),
        }
    )
    log.info("%s: %d vessels from %s", parsed.list_name, table.num_rows, parsed.path)
    return report


def remove_list(workspace: Workspace | str | Path, list_name: str) -> int:
    """Delete a list's rows and re-match; returns the rows deleted."""
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    try:
        with ws.transaction():
            n = int(ws.scalar('SELECT count(*) FROM watchlist WHERE "list" = ?', [list_name]) or 0)
            ws.con.execute('DELETE FROM watchlist WHERE "list" = ?', [list_name])
            match_workspace(ws)
        return n
    finally:
        if not isinstance(workspace, Workspace):
            ws.close()
