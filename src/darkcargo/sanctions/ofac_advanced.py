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

In the published file a vessel's flag is a text ``VersionDetail`` ("Korea, North"), its type a
lookup (``DetailReferenceID`` into ``DetailReferenceValues``: "Crude Oil Tanker"), former flags
come as "Former Vessel Flag" / "Other Vessel Flag" features; a flag given as a location is read
too. The real file is ~100 MB: it is streamed (iterparse), each party read and dropped, keeping
only the reference values, countries, vessel documents and the vessels themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from darkcargo.errors import InputError
from darkcargo.sanctions.entry import (
    ListedVessel,
    ParsedList,
    child,
    children,
    local,
    safe_iterparse,
    text_of,
)
from darkcargo.sanctions.identity import add_imo_cell, parse_mmsi
from darkcargo.sanctions.ofac import LIST_NAME

ALIAS_KINDS = {"name": None, "a.k.a.": "a.k.a.", "f.k.a.": "f.k.a.", "n.k.a.": "n.k.a."}
Refs = dict[str, dict[str, etree._Element]]


def is_advanced_tag(tag: str) -> bool:
    return tag == "Sanctions"


def _refs(sets: etree._Element | None) -> Refs:
    """Reference values by set ("FeatureType", "Country" ...) and id."""
    out: Refs = defaultdict(dict)
    for group in sets if sets is not None else []:
        for value in group:
            if isinstance(value.tag, str) and value.get("ID") is not None:
                out[local(value.tag)][value.get("ID", "")] = value
    return out


def _ref_text(refs: Refs, kind: str, ident: str | None) -> str:
    el = refs.get(kind, {}).get(ident or "")
    return (el.text or "").strip() if el is not None else ""


def _date(el: etree._Element | None) -> date | None:
    if el is None:
        return None
    try:
        y, m, d = (int(text_of(el, p) or 0) for p in ("Year", "Month", "Day"))
        return date(y, m or 1, d or 1) if y else None
    except ValueError:
        return None


@dataclass
class _State:
    """What the stream keeps: reference values, location countries, vessel documents, vessels."""

    path: Path
    refs: Refs = field(default_factory=lambda: defaultdict(dict))
    locations: dict[str, str] = field(default_factory=dict)
    docs: dict[str, list[tuple[str, str, int | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    vessels: dict[str, ListedVessel] = field(default_factory=dict)  # by profile id
    programmes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    dates: dict[str, list[date]] = field(default_factory=lambda: defaultdict(list))
    identities: dict[str, list[str]] = field(default_factory=dict)  # vessel profile -> ids
    notes: list[str] = field(default_factory=list)
    records: int = 0


def _elements(path: Path, source: object) -> Iterator[etree._Element]:
    """Completed children of the top-level sections, each dropped once the caller is done."""
    context = safe_iterparse(source)
    try:
        for _, el in context:
            parent = el.getparent()
            if parent is None:
                continue
            grand = parent.getparent()
            if local(parent.tag) == "ReferenceValueSets":
                continue  # kept whole until the set itself ends
            if grand is not None and grand.getparent() is None:  # root/section/element
                yield el
                el.clear()
                while el.getprevious() is not None:
                    del parent[0]
            elif grand is None and local(el.tag) == "ReferenceValueSets":
                yield el
    except etree.XMLSyntaxError as exc:
        raise InputError(str(path), f"not well-formed XML: {exc.msg}", exc.lineno or None) from None


def parse_sdn_advanced(path: Path, source: object | None = None) -> ParsedList:
    """Vessels of sdn_advanced.xml, with their listing date and programmes, streamed from
    `source` (a path or a binary file; the path itself when None)."""
    st = _State(path)
    seen_refs = False
    for el in _elements(path, source if source is not None else str(path)):
        name = local(el.tag)
        if name == "ReferenceValueSets":
            st.refs = _refs(el)
            seen_refs = True
            if not st.refs.get("PartySubType"):
                raise InputError(str(path), "<ReferenceValueSets> has no <PartySubTypeValues>")
            continue
        section = local(el.getparent().tag)  # type: ignore[union-attr]
        if section in ("Locations", "IDRegDocuments", "DistinctParties") and not seen_refs:
            raise InputError(str(path), f"<{section}> before <ReferenceValueSets>", el.sourceline)
        if name == "Location":
            for c in children(el, "LocationCountry"):
                country = st.refs.get("Country", {}).get(c.get("CountryID", ""))
                if country is not None:
                    st.locations[el.get("ID", "")] = country.get("ISO2") or (country.text or "")
        elif name == "IDRegDocument":
            kind = _ref_text(st.refs, "IDRegDocType", el.get("IDRegDocTypeID"))
            number = text_of(el, "IDRegistrationNo")
            k = kind.lower()
            vesselish = "mmsi" in k or "vessel registration" in k or k.startswith("imo")
            if number and (vesselish or "company number" in k):
                st.docs[el.get("IdentityID", "")].append((kind, number, el.sourceline))
        elif name == "DistinctParty":
            _party(st, el)
        elif name == "SanctionsEntry":
            _entry(st, el)
    if st.records == 0:
        raise InputError(str(path), "<Sanctions> holds no <DistinctParty>")
    vessels = list(st.vessels.values())
    for v in vessels:
        _documents(st, v)
        v.program = "; ".join(st.programmes.get(v.list_id, [])) or None
        dates = st.dates.get(v.list_id)
        v.listed_on = min(dates) if dates else None
    return ParsedList(LIST_NAME, "ofac-sdn-advanced-xml", str(path), vessels, st.records, st.notes)


def _entry(st: _State, e: etree._Element) -> None:
    pid = e.get("ProfileID", "")
    if pid not in st.vessels:
        return
    for ev in children(e, "EntryEvent"):
        d = _date(child(ev, "Date"))
        if d is not None:
            st.dates[pid].append(d)
    for m in children(e, "SanctionsMeasure"):
        comment = text_of(m, "Comment")
        kind = _ref_text(st.refs, "SanctionsType", m.get("SanctionsTypeID"))
        if comment and kind == "Program" and comment not in st.programmes[pid]:
            st.programmes[pid].append(comment)


def _party(st: _State, party: etree._Element) -> None:
    for profile in children(party, "Profile"):
        st.records += 1
        sub = st.refs.get("PartySubType", {}).get(profile.get("PartySubTypeID", ""))
        if sub is None:
            raise InputError(
                str(st.path),
                f"Profile {profile.get('ID')}: unknown PartySubTypeID {profile.get('PartySubTypeID')}",
                profile.sourceline,
            )
        if (sub.text or "").strip().lower() == "vessel":
            v = _vessel(st, profile)
            st.vessels[v.list_id] = v


def _feature_value(st: _State, version: etree._Element) -> str | None:
    """A feature version's value: detail text, a looked-up detail reference, or a location's
    country."""
    detail = child(version, "VersionDetail")
    if detail is not None:
        ref = detail.get("DetailReferenceID")
        if ref is not None:
            value = _ref_text(st.refs, "DetailReference", ref)
            if value:
                return value
        t = text_of(detail)
        if t:
            return t
    loc = child(version, "VersionLocation")
    if loc is not None:
        return st.locations.get(loc.get("LocationID", "")) or None
    return None


def _vessel(st: _State, profile: etree._Element) -> ListedVessel:
    pid = profile.get("ID", "")
    line = profile.sourceline
    names: list[tuple[str, str | None, bool]] = []  # (name, alias kind, primary)
    identity_ids: list[str] = []
    for identity in children(profile, "Identity"):
        identity_ids.append(identity.get("ID", ""))
        for alias in children(identity, "Alias"):
            kind = _ref_text(st.refs, "AliasType", alias.get("AliasTypeID")).lower()
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
        raise InputError(str(st.path), f"vessel Profile {pid} has no name", line)
    v = ListedVessel(
        list_name=LIST_NAME,
        list_id=pid,
        name=primary[0],
        source_ref=f"Profile ID={pid} (line {line})",
    )
    v.aliases = [(n, k or "a.k.a.") for n, k, _ in names if n != v.name]
    st.identities[pid] = identity_ids
    for feature in children(profile, "Feature"):
        label = _ref_text(st.refs, "FeatureType", feature.get("FeatureTypeID")).lower()
        for version in children(feature, "FeatureVersion"):
            value = _feature_value(st, version)
            if not value:
                continue
            if "call sign" in label:
                v.callsigns.append(value)
            elif label == "vessel flag":
                v.flag_text = v.flag_text or value
            elif label in ("former vessel flag", "other vessel flag"):
                if value not in v.former_flags:
                    v.former_flags.append(value)
            elif label == "vessel type":
                v.vessel_type = v.vessel_type or value
            elif label == "vessel owner":
                v.owner = v.owner or value
    return v


def _documents(st: _State, v: ListedVessel) -> None:
    """IMO numbers and MMSIs of a vessel's identities (documents may come after the party)."""
    for ident in st.identities.get(v.list_id, []):
        for kind, number, doc_line in st.docs.get(ident, []):
            if "mmsi" in kind.lower():
                mmsi, why = parse_mmsi(number)
                if mmsi is not None:
                    if mmsi not in v.ids.mmsis:
                        v.ids.mmsis.append(mmsi)
                elif why:
                    v.ids.bad_mmsis.append(number)
                    st.notes.append(f"{st.path.name} line {doc_line}: {v.name}: {why}")
            else:
                why = add_imo_cell(v.ids, number)
                if why:
                    st.notes.append(f"{st.path.name} line {doc_line}: {v.name}: {why}")
