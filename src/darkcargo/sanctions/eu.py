"""The EU's consolidated financial sanctions list (the Financial Sanctions Files XML).

``export/sanctionEntity`` (namespace http://eu.europa.ec/fpi/fsd/export) with attributes
logicalId, euReferenceNumber, designationDate; children subjectType (code person or enterprise),
nameAlias (wholeName, strong), identification (identificationTypeCode, e.g. ``imo``; number),
regulation (programme, publicationDate, entryIntoForceDate) and remark. The list has no vessel
subject type: an entry is a vessel when it carries an ``imo`` identification, or an IMO number or
MMSI in its remarks or names. People are counted and skipped, and so is an enterprise named as a
company ("... Shipping Company") whose ``imo`` identification is an IMO company number (the list
files the UN's DPRK shipowners so), with a note.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions.entry import (
    ListedVessel,
    ParsedList,
    child,
    children,
    clean,
    listing_date,
    safe_iterparse,
    text_of,
)
from darkcargo.sanctions.identity import (
    FoundIds,
    add_imo_cell,
    find_ids,
    is_unknown,
    parse_mmsi,
)

LIST_NAME = "EU_FSF"
# Legal forms in a name: an enterprise named so is a company, and the IMO number its
# identification carries is the company's ("Chongchongang Shipping Company", IMO 5342883, on
# the real list), even when that number happens to pass a ship's check digit too (about one
# company number in ten does).
_COMPANY_NAME = re.compile(
    r"\b(?:company|co|corp|corporation|ltd|limited|llc|jsc|ojsc|pjsc|cjsc|inc|gmbh|s\.?a|plc"
    r"|trading|shipping|group|holding|holdings|enterprise|bureau|bank|firm|agency|association)\b"
    r"\.?",
    re.IGNORECASE,
)


def parse_eu(path: Path, source: object) -> ParsedList:
    """Vessels of the EU financial sanctions XML, streamed from `source` (a path or a binary
    file): each <sanctionEntity> is read and dropped, so the ~25 MB file never sits in memory
    as a tree."""
    vessels: list[ListedVessel] = []
    notes: list[str] = []
    records = 0
    context = safe_iterparse(source, tag="{*}sanctionEntity")
    try:
        for _, ent in context:
            parent = ent.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # only the export's own entries
            records += 1
            v = _entity(path, ent, notes)
            if v is not None:
                vessels.append(v)
            ent.clear()
            while ent.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(str(path), f"not well-formed XML: {exc.msg}", exc.lineno or None) from None
    if records == 0:
        raise InputError(str(path), "<export> holds no <sanctionEntity>")
    return ParsedList(LIST_NAME, "eu-fsf-xml", str(path), vessels, records, notes)


def _entity(path: Path, ent: etree._Element, notes: list[str]) -> ListedVessel | None:
    """The vessel a <sanctionEntity> lists, or None for people, companies and the rest."""
    line = ent.sourceline
    logical = ent.get("logicalId")
    if not logical:
        raise InputError(str(path), "<sanctionEntity> without logicalId", line)
    subject = child(ent, "subjectType")
    if subject is not None and (subject.get("code") or "").lower() == "person":
        return None
    ids = FoundIds()
    callsigns: list[str] = []
    flag_text = None
    names = children(ent, "nameAlias")
    whole = [clean(n.get("wholeName")) for n in names]
    company = any(w and _COMPANY_NAME.search(w) for w in whole)
    for ident in children(ent, "identification"):
        code = (ident.get("identificationTypeCode") or "").lower()
        number = clean(ident.get("number") or ident.get("latinNumber"))
        if number is None:
            continue
        if code == "imo":
            before = len(ids.imos)
            why = add_imo_cell(ids, number, holder_is_company=company)
            if len(ids.imos) > before:
                country = clean(ident.get("countryDescription"))
                if not is_unknown(country):
                    flag_text = flag_text or country
            elif why:
                notes.append(f"{path.name} line {ident.sourceline}: {why}")
        elif code == "mmsi":
            mmsi, why = parse_mmsi(number)
            if mmsi is not None:
                ids.mmsis.append(mmsi)
            else:
                ids.bad_mmsis.append(number)
                notes.append(f"{path.name} line {ident.sourceline}: {why}")
        elif "call" in code:
            callsigns.append(number)
    remark = "; ".join(r for r in (text_of(x) for x in children(ent, "remark")) if r) or None
    for text in (remark, *whole):
        ids.merge(find_ids(text))
    vessel_subject = subject is not None and "vessel" in (subject.get("code") or "").lower()
    if not (ids.imos or ids.mmsis or ids.bad_imos or vessel_subject):
        if ids.companies:
            notes.append(
                f"{path.name} line {line}: {whole[0] if whole else logical}: IMO company number "
                f"{ids.companies[0]}, an enterprise, not a vessel (skipped)"
            )
        return None
    strong = [w for n, w in zip(names, whole, strict=True) if w and n.get("strong") == "true"]
    named = strong or [w for w in whole if w]
    if not named:
        raise InputError(str(path), f"vessel <sanctionEntity> {logical} has no wholeName", line)
    name = named[0]
    regs = children(ent, "regulation")
    programmes = []
    for r in regs:
        p = clean(r.get("programme"))
        if p and p not in programmes:
            programmes.append(p)
    dates = [ent.get("designationDate")] + [r.get("entryIntoForceDate") for r in regs]
    dates += [r.get("publicationDate") for r in regs]
    parsed = [listing_date(path, d, line) for d in dates if clean(d)]
    listed = min((d for d in parsed if d is not None), default=None)
    aliases = [(w, "a.k.a.") for w in whole if w and w != name]
    ref = ent.get("euReferenceNumber")
    return ListedVessel(
        list_name=LIST_NAME,
        list_id=logical,
        name=name,
        source_ref=f"sanctionEntity logicalId={logical} (line {line})",
        program="; ".join(programmes) or None,
        flag_text=flag_text,
        listed_on=listed,
        aliases=list(dict.fromkeys(aliases)),
        remarks="; ".join(p for p in (ref, remark) if p) or None,
        ids=ids,
        callsigns=callsigns,
    )
