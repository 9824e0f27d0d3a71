"""The EU's consolidated financial sanctions list (the Financial Sanctions Files XML).

``export/sanctionEntity`` (namespace http://eu.europa.ec/fpi/fsd/export) with attributes
logicalId, euReferenceNumber, designationDate; children subjectType (code person or enterprise),
nameAlias (wholeName, strong), identification (identificationTypeCode, e.g. ``imo``; number),
regulation (programme, publicationDate, entryIntoForceDate) and remark. The list has no vessel
subject type: an entry is a vessel when it carries an ``imo`` identification, or an IMO number or
MMSI in its remarks or names. People are counted and skipped.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions.entry import (
    ListedVessel,
    ParsedList,
    child,
    children,
    clean,
    descendants,
    listing_date,
    local,
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


def is_eu(root: etree._Element) -> bool:
    return local(root.tag) == "export" and bool(descendants(root, "sanctionEntity"))


def parse_eu(path: Path, root: etree._Element) -> ParsedList:
    """Vessels of the EU financial sanctions XML."""
    entities = [e for e in root if local(e.tag) == "sanctionEntity"]
    if not entities:
        raise InputError(str(path), "<export> holds no <sanctionEntity>")
    vessels: list[ListedVessel] = []
    notes: list[str] = []
    for ent in entities:
        line = ent.sourceline
        logical = ent.get("logicalId")
        if not logical:
            raise InputError(str(path), "<sanctionEntity> without logicalId", line)
        subject = child(ent, "subjectType")
        if subject is not None and (subject.get("code") or "").lower() == "person":
            continue
        ids = FoundIds()
        callsigns: list[str] = []
        flag_text = None
        for ident in children(ent, "identification"):
            code = (ident.get("identificationTypeCode") or "").lower()
            number = clean(ident.get("number") or ident.get("latinNumber"))
            if number is None:
                continue
            if code == "imo":
                before = len(ids.imos)
                why = add_imo_cell(ids, number)
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
        names = children(ent, "nameAlias")
        whole = [clean(n.get("wholeName")) for n in names]
        remark = "; ".join(r for r in (text_of(x) for x in children(ent, "remark")) if r) or None
        for text in (remark, *whole):
            ids.merge(find_ids(text))
        vessel_subject = subject is not None and "vessel" in (subject.get("code") or "").lower()
        if not (ids.imos or ids.mmsis or ids.bad_imos or vessel_subject):
            continue
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
        vessels.append(
            ListedVessel(
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
        )
    return ParsedList(LIST_NAME, "eu-fsf-xml", str(path), vessels, len(entities), notes)
