"""OFAC's advanced sanctions list standard (sdn_advanced.xml).

The file carries its own dictionary: ``ReferenceValueSets`` maps the numeric ids used
everywhere else to text (PartySubType "Vessel", FeatureType "Vessel Call Sign" / "Vessel Flag" /
"VESSEL TYPE", IDRegDocType "Vessel Registration Identification" / "MMSI", AliasType "Name" /
"A.K.A." / "F.K.A.", Country with its ISO2, List "SDN List"). A party is
``DistinctParties/DistinctParty/Profile`` (PartySubTypeID) with an ``Identity`` whose ``Alias``
elements hold ``DocumentedName/DocumentedNamePart/NamePartValue``, and ``Feature`` elements
whose ``FeatureVersion`` holds a ``VersionDetail`` text or a ``VersionLocation`` pointing into
``Locations`` (a flag is a location's country). Identity documents live apart in
``IDRegDocuments`` (by IdentityID), designations in ``SanctionsEntries`` (by ProfileID), with
the listing date in ``EntryEvent/Date`` and the programmes in ``SanctionsMeasure/Comment``.
Namespaces vary by publication; elements are found by local name.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions.entry import ListedVessel, ParsedList, child, children, local, text_of
from darkcargo.sanctions.identity import add_imo_cell, parse_mmsi
from darkcargo.sanctions.ofac import LIST_NAME

ALIAS_KINDS = {"name": None, "a.k.a.": "a.k.a.", "f.k.a.": "f.k.a.", "n.k.a.": "n.k.a."}


def is_advanced(root: etree._Element) -> bool:
    return local(root.tag) == "Sanctions" and child(root, "ReferenceValueSets") is not None


def _refs(root: etree._Element) -> dict[str, dict[str, etree._Element]]:
    """Reference values by set ("FeatureType", "Country" ...) and id."""
    out: dict[str, dict[str, etree._Element]] = defaultdict(dict)
    sets = child(root, "ReferenceValueSets")
    for group in sets if sets is not None else []:
        for value in group:
            if isinstance(value.tag, str) and value.get("ID") is not None:
                out[local(value.tag)][value.get("ID", "")] = value
    return out


def _ref_text(refs: dict[str, dict[str, etree._Element]], kind: str, ident: str | None) -> str:
    el = refs.get(kind, {}).get(ident or "")
    return (el.text or "").strip() if el is not None else ""


def _under(root: etree._Element, group: str, name: str) -> list[etree._Element]:
    """The `name` children of root's `group` child (none when the group is absent)."""
    g = child(root, group)
    return [] if g is None else children(g, name)


def _date(el: etree._Element | None) -> date | None:
    if el is None:
        return None
    try:
        y, m, d = (int(text_of(el, p) or 0) for p in ("Year", "Month", "Day"))
        return date(y, m or 1, d or 1) if y else None
    except ValueError:
        return None


def parse_sdn_advanced(path: Path, root: etree._Element) -> ParsedList:
    """Vessels of sdn_advanced.xml, with their listing date and programmes."""
    refs = _refs(root)
    if not refs.get("PartySubType"):
        raise InputError(str(path), "<ReferenceValueSets> has no <PartySubTypeValues>")
    locations: dict[str, str] = {}
    for loc in _under(root, "Locations", "Location"):
        for c in children(loc, "LocationCountry"):
            country = refs.get("Country", {}).get(c.get("CountryID", ""))
            if country is not None:
                locations[loc.get("ID", "")] = country.get("ISO2") or (country.text or "")
    docs: dict[str, list[tuple[str, str, int | None]]] = defaultdict(list)
    for doc in _under(root, "IDRegDocuments", "IDRegDocument"):
        kind = _ref_text(refs, "IDRegDocType", doc.get("IDRegDocTypeID"))
        number = text_of(doc, "IDRegistrationNo")
        if number:
            docs[doc.get("IdentityID", "")].append((kind, number, doc.sourceline))
    entries: dict[str, list[etree._Element]] = defaultdict(list)
    for e in _under(root, "SanctionsEntries", "SanctionsEntry"):
        entries[e.get("ProfileID", "")].append(e)
    vessels: list[ListedVessel] = []
    notes: list[str] = []
    records = 0
    for party in _under(root, "DistinctParties", "DistinctParty"):
        for profile in children(party, "Profile"):
            records += 1
            sub = refs.get("PartySubType", {}).get(profile.get("PartySubTypeID", ""))
            if sub is None:
                raise InputError(
                    str(path),
                    f"Profile {profile.get('ID')}: unknown PartySubTypeID {profile.get('PartySubTypeID')}",
                    profile.sourceline,
                )
            if (sub.text or "").strip().lower() != "vessel":
                continue
            v = _vessel(path, profile, refs, locations, docs, entries, notes)
            vessels.append(v)
    if records == 0:
        raise InputError(str(path), "<Sanctions> holds no <DistinctParty>")
    return ParsedList(LIST_NAME, "ofac-sdn-advanced-xml", str(path), vessels, records, notes)


def _vessel(
    path: Path,
    profile: etree._Element,
    refs: dict[str, dict[str, etree._Element]],
    locations: dict[str, str],
    docs: dict[str, list[tuple[str, str, int | None]]],
    entries: dict[str, list[etree._Element]],
    notes: list[str],
) -> ListedVessel:
    pid = profile.get("ID", "")
    line = profile.sourceline
    names: list[tuple[str, str | None, bool]] = []  # (name, alias kind, primary)
    identity_ids: list[str] = []
    for identity in children(profile, "Identity"):
        identity_ids.append(identity.get("ID", ""))
        for alias in children(identity, "Alias"):
            kind = _ref_text(refs, "AliasType", alias.get("AliasTypeID")).lower()
            for dn in children(alias, "DocumentedName"):
                parts = [
                    (v.text or "").strip()
                    for p in children(dn, "DocumentedNamePart")
                    for v in children(p, "NamePartValue")
                ]
                name = " ".join(p for p in parts if p)
                if name:
                    label = ALIAS_KINDS.get(kind, kind or "a.k.a.")
                    if alias.get("LowQuality") == "true" and label:
                        label += " (weak)"
                    names.append((name, label, alias.get("Primary") == "true"))
    primary = [n for n, _, p in names if p] or [n for n, _, _ in names]
    if not primary:
        raise InputError(str(path), f"vessel Profile {pid} has no name", line)
    v = ListedVessel(
        list_name=LIST_NAME,
        list_id=pid,
        name=primary[0],
        source_ref=f"Profile ID={pid} (line {line})",
    )
    v.aliases = [(n, k or "a.k.a.") for n, k, _ in names if n != v.name]
    for feature in children(profile, "Feature"):
        label = _ref_text(refs, "FeatureType", feature.get("FeatureTypeID")).lower()
        for version in children(feature, "FeatureVersion"):
            detail = text_of(version, "VersionDetail")
            loc = child(version, "VersionLocation")
            if "call sign" in label and detail:
                v.callsigns.append(detail)
            elif label == "vessel flag" and loc is not None:
                v.flag_text = v.flag_text or locations.get(loc.get("LocationID", ""))
            elif label == "vessel type" and detail:
                v.vessel_type = detail
            elif label == "vessel owner" and detail:
                v.owner = detail
    for ident in identity_ids:
        for kind, number, doc_line in docs.get(ident, []):
            k = kind.lower()
            if "mmsi" in k:
                mmsi, why = parse_mmsi(number)
                if mmsi is not None:
                    v.ids.mmsis.append(mmsi)
                elif why:
                    v.ids.bad_mmsis.append(number)
                    notes.append(f"{path.name} line {doc_line}: {v.name}: {why}")
            elif "vessel registration" in k or k.startswith("imo") or "company number" in k:
                why = add_imo_cell(v.ids, number)
                if why:
                    notes.append(f"{path.name} line {doc_line}: {v.name}: {why}")
    programmes: list[str] = []
    dates: list[date] = []
    for e in entries.get(pid, []):
        for ev in children(e, "EntryEvent"):
            d = _date(child(ev, "Date"))
            if d is not None:
                dates.append(d)
        for m in children(e, "SanctionsMeasure"):
            comment = text_of(m, "Comment")
            kind = _ref_text(refs, "SanctionsType", m.get("SanctionsTypeID"))
            if comment and kind == "Program" and comment not in programmes:
                programmes.append(comment)
    v.program = "; ".join(programmes) or None
    v.listed_on = min(dates) if dates else None
    return v
