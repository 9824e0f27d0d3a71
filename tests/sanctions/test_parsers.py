"""Each list family parsed from hand-written fixtures in its published layout."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from darkcargo.errors import InputError
from darkcargo.sanctions.identity import imo_is_valid, is_company_number
from darkcargo.sanctions.load import read_list

FIX = Path(__file__).parent / "fixtures"


def rows(files: list[str], **kw: str) -> tuple[list[dict], list[str], int, str]:
    parsed = read_list([FIX / f for f in files], **kw)  # type: ignore[arg-type]
    return parsed.table().to_pylist(), parsed.notes, parsed.records, parsed.list_name


def test_ofac_csv_keeps_vessels_with_remarks_ids_and_alt_aliases() -> None:
    got, notes, records, name = rows(["sdn.csv", "alt.csv"])
    assert name == "OFAC_SDN" and records == 6
    by = {r["name"]: r for r in got}
    assert sorted(by) == ["ANGARA", "KORYO 1", "LADY R", "SUN RISE 7"]  # no person, no company
    a = by["ANGARA"]
    assert (a["imo"], a["mmsi"], a["flag"], a["callsign"]) == (9179842, 273210440, "RU", "UBYT2")
    assert a["program"] == "RUSSIA-EO14024; DPRK3" and a["owner"] == "M LEASING LLC"
    assert json.loads(a["aliases"]) == [{"name": "NEVA STAR", "type": "f.k.a."}]
    assert (by["LADY R"]["imo"], by["LADY R"]["mmsi"]) == (9161003, 273218600)  # 2nd phrasing
    assert by["KORYO 1"]["imo"] is None and by["KORYO 1"]["flag"] == "KP"  # "-0- " remarks
    assert by["SUN RISE 7"]["imo"] is None
    assert json.loads(by["SUN RISE 7"]["extra"])["invalid_imo"] == ["1234568"]
    assert notes == [
        "sdn.csv line 5: SUN RISE 7: IMO 1234568 fails its check digit (kept in extra)"
    ]
    assert a["entry_id"] == "OFAC_SDN:36216" and a["source_ref"] == "line 1"


def test_ofac_csv_remarks_as_the_real_list_writes_them() -> None:
    """Real sdn.csv quirks: an IMO without its label, a truncated IMO, names and former flags
    only in Remarks, "None Identified" and "St. Kitts & Nevis" flags, Windows-1252 text."""
    got, notes, records, _ = rows(["sdn-remarks.csv"])
    assert records == 5
    by = {r["name"]: r for r in got}
    assert sorted(by) == ["HAEJIN 9", "PETREL 5", "RIO CLARO", "SEA LARK"]  # not the company
    assert (by["HAEJIN 9"]["imo"], by["HAEJIN 9"]["flag"]) == (9345673, "KP")
    assert by["PETREL 5"]["imo"] is None
    assert json.loads(by["PETREL 5"]["extra"]) == {"invalid_imo": ["15488"]}
    assert notes == [
        "sdn-remarks.csv line 2: PETREL 5: IMO 15488 is not seven digits (kept in extra)"
    ]
    s = by["SEA LARK"]
    assert (s["imo"], s["mmsi"], s["flag"], s["program"]) == (
        8412340,
        572460100,
        None,
        "IRAN; NPWMD; IFSR",
    )
    assert json.loads(s["aliases"]) == [{"name": "OLD LARK", "type": "f.k.a."}]
    assert json.loads(s["extra"]) == {
        "flag_text": "None Identified",
        "former_flags": ["Malta", "Tanzania"],
    }
    r = by["RIO CLARO"]
    assert (r["flag"], r["owner"]) == ("KN", "NAVIERA SEÑORA S.A.")
    assert json.loads(r["aliases"]) == [{"name": "ÁGUILA", "type": "f.k.a."}]


def test_ofac_csv_set_reads_the_remarks_sdn_comments_continues_and_skips_addresses() -> None:
    got, notes, records, _ = rows(["add.csv", "sdn_comments.csv", "sdn.csv", "alt.csv"])
    assert records == 6
    koryo = next(r for r in got if r["name"] == "KORYO 1")
    # KORYO 1's identifiers are only in sdn_comments.csv, OFAC's overflow of long Remarks
    assert (koryo["imo"], koryo["mmsi"], koryo["flag"]) == (9876543, 445123000, "KP")
    assert json.loads(koryo["extra"])["former_flags"] == ["Mongolia"]
    assert notes[-1] == "add.csv: addresses, not read (no vessel field)"
    assert not any("KORYO" in n for n in notes)
    # without it, the same list (aliases and all) less what the comments added
    alone = {r["name"]: r for r in rows(["sdn.csv", "alt.csv"])[0]}
    assert alone["KORYO 1"]["imo"] is None
    assert {r["name"]: r["aliases"] for r in got} == {n: r["aliases"] for n, r in alone.items()}


def test_ofac_companions_alone_or_doubled_are_refused_with_the_reason() -> None:
    with pytest.raises(InputError, match="sdn_comments.csv: load it with its sdn.csv"):
        read_list([FIX / "sdn_comments.csv"])
    with pytest.raises(InputError, match="one of each"):
        read_list([FIX / "sdn.csv", FIX / "alt.csv", FIX / "alt.csv"])
    with pytest.raises(InputError, match="need their sdn.csv"):
        read_list([FIX / "alt.csv", FIX / "sdn_comments.csv"])


def test_ofac_csv_files_load_in_either_order() -> None:
    assert rows(["alt.csv", "sdn.csv"])[0] == rows(["sdn.csv", "alt.csv"])[0]


@pytest.mark.parametrize(
    "namespace",
    [
        "http://tempuri.org/sdnList.xsd",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
        None,
    ],
)
def test_ofac_xml_whatever_its_namespace(tmp_path: Path, namespace: str | None) -> None:
    text = (FIX / "sdn.xml").read_text()
    old = 'xmlns="http://tempuri.org/sdnList.xsd"'
    text = text.replace(old, f'xmlns="{namespace}"' if namespace else "")
    (tmp_path / "sdn.xml").write_text(text)
    parsed = read_list([tmp_path / "sdn.xml"])
    got = {r["name"]: r for r in parsed.table().to_pylist()}
    assert sorted(got) == ["ANGARA", "SUN RISE 7"] and parsed.records == 3
    a = got["ANGARA"]
    assert (a["imo"], a["mmsi"], a["callsign"], a["flag"]) == (9179842, 273210440, "UBYT2", "RU")
    assert json.loads(a["extra"])["callsign"] == ["UBYT3"]  # "Other Vessel Call Sign"
    assert a["source_ref"] == "sdnEntry uid=36216 (line 7)"
    assert json.loads(got["SUN RISE 7"]["extra"])["former_flags"] == ["Sierra Leone"]  # an id


def test_ofac_advanced_xml_resolves_its_reference_values() -> None:
    got, notes, records, name = rows(["sdn_advanced.xml"])
    assert name == "OFAC_SDN" and records == 3 and notes == []
    a, lark = got  # the individual is skipped
    assert (a["entry_id"], a["name"], a["imo"], a["mmsi"]) == (
        "OFAC_SDN:36216",
        "ANGARA",
        9179842,
        273210440,
    )
    assert (a["callsign"], a["flag"], a["vessel_type"]) == ("UBYT2", "RU", "Container Ship")
    assert (a["program"], a["listed_on"]) == ("RUSSIA-EO14024", date(2024, 5, 22))
    assert json.loads(a["aliases"]) == [{"name": "NEVA STAR", "type": "f.k.a."}]
    # as the published file writes it: flag as text, type as a DetailReference lookup, former
    # flags as features, two programmes
    assert (lark["name"], lark["imo"], lark["mmsi"]) == ("SEA LARK", 8412340, 572460100)
    assert (lark["flag"], lark["vessel_type"]) == ("IR", "Crude Oil Tanker")
    assert json.loads(lark["extra"])["former_flags"] == ["Malta", "Tanzania"]
    assert (lark["program"], lark["listed_on"]) == ("IRAN; NPWMD", date(2019, 9, 4))


def test_un_consolidated_keeps_only_entities_with_vessel_ids() -> None:
    got, notes, records, name = rows(["consolidated.xml"])
    assert name == "UN_SC" and records == 6
    assert notes == [
        "consolidated.xml: 2 entities carry only an IMO company / registered owner number "
        "(shipowners, not ships), not listed as vessels: MADE UP SHIPPING CO LTD (IMO 5990002), "
        "INVENTED MARINE CORP (IMO 5990016)"
    ]
    by = {r["name"]: r for r in got}
    # not OMM, not the individual, not the companies whose "IMO number" is their IMO company
    # number (own check digit; "Company Number IMO" even when it passes the ship check too)
    assert sorted(by) == ["KUM UN SAN 3", "SHANG YUAN BAO"]
    k = by["KUM UN SAN 3"]
    assert (k["imo"], k["flag"], k["listed_on"]) == (8705539, "KP", date(2018, 10, 16))
    assert k["program"] == "DPRK KPe.070"
    assert [a["name"] for a in json.loads(k["aliases"])] == ["KUMUNSAN 3", "KUM UN SAN NO.3"]
    assert (by["SHANG YUAN BAO"]["imo"], by["SHANG YUAN BAO"]["mmsi"]) == (8126070, 620233000)


def test_un_1718_table_with_numbered_cells_and_measures() -> None:
    got, notes, _, name = rows(["1718-vessels.csv"])
    assert name == "UN_1718"
    by = {r["name"]: r for r in got}
    n = by["NEW REGENT"]
    assert (n["imo"], n["flag"], n["callsign"], n["listed_on"]) == (
        8312497,
        "BZ",
        "V3GT8",
        date(2018, 10, 16),
    )
    assert n["program"].startswith("UN 1718; Paragraph 12 (a) of resolution 2321 (2016)")
    assert n["owner"] is None  # "NA"
    k = by["KUM UN SAN 3"]
    assert json.loads(k["aliases"]) == [{"name": "KUMUNSAN 3", "type": "also listed as"}]
    assert k["mmsi"] == 445112000 and k["program"].count("resolution") == 3
    r = by["RYE SONG GANG 1"]
    assert (r["imo"], r["mmsi"], r["listed_on"]) == (7389704, 445034000, date(2017, 12, 28))
    assert notes == ["1718-vessels.csv line 4: RYE SONG GANG 1: MMSI '44503400' is not nine digits"]


def test_eu_xml_vessels_by_imo_identification_or_remark() -> None:
    got, notes, records, name = rows(["eu.xml"])
    assert name == "EU_FSF" and records == 5
    assert notes == [
        "eu.xml line 31: MADE UP SHIPPING CO LTD: IMO company number 5990002, an enterprise, "
        "not a vessel (skipped)"
    ]
    by = {r["name"]: r for r in got}
    # not the company, not the person, not the shipowner whose "imo" identification is its IMO
    # company number (as the EU copies the UN's DPRK shipowners)
    assert sorted(by) == ["ANGARA", "NEW REGENT"]
    assert (by["NEW REGENT"]["imo"], by["NEW REGENT"]["program"]) == (8312497, "PRK")
    assert by["NEW REGENT"]["flag"] is None  # countryDescription UNKNOWN
    assert by["NEW REGENT"]["listed_on"] == date(2018, 11, 6)
    a = by["ANGARA"]
    assert (a["imo"], a["program"], a["listed_on"]) == (9179842, "UKR", date(2024, 6, 24))


def test_an_eu_enterprise_named_as_a_company_keeps_its_imo_company_number(tmp_path: Path) -> None:
    # The real list files the UN's DPRK shipowners as enterprises with an "imo" identification
    # holding their IMO company number (Chongchongang Shipping Company: 5342883). About one
    # company number in ten also passes a ship's check digit, as 5342910 does: it must not
    # make the company a vessel. A vessel filed as an enterprise (NEW REGENT) still is one.
    assert imo_is_valid(5342910) and is_company_number(5342910)
    ident = (
        '<identification number="{n}" identificationTypeCode="imo" countryDescription="UNKNOWN"/>'
    )
    entity = (
        '<sanctionEntity logicalId="{id}" euReferenceNumber="EU.{id}.1">'
        '<regulation programme="PRK" publicationDate="2018-04-05"/>'
        '<subjectType code="enterprise"/><nameAlias wholeName="{name}" strong="true"/>'
        + ident
        + "</sanctionEntity>"
    )
    xml = tmp_path / "eu.xml"
    xml.write_text(
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export">'
        + entity.format(id=1, name="CHONGCHONGANG SHIPPING COMPANY", n=5342910)
        + entity.format(id=2, name="NEW REGENT", n=8312497)
        + "</export>"
    )
    parsed = read_list([xml])
    assert [(v.name, v.ids.imos) for v in parsed.vessels] == [("NEW REGENT", [8312497])]
    assert parsed.notes == [
        "eu.xml line 1: CHONGCHONGANG SHIPPING COMPANY: IMO company number 5342910, an "
        "enterprise, not a vessel (skipped)"
    ]


def test_imo_list_with_numbering_names_header_and_comments() -> None:
    got, _, _, name = rows(["port-ban.txt"], list_name="EU_PORT_BAN", program="Annex XLII")
    assert name == "EU_PORT_BAN"
    assert [(r["imo"], r["name"], r["program"]) for r in got] == [
        (9179842, "ANGARA", "Annex XLII"),
        (9161003, "LADY R", "Annex XLII"),
        (8517839, "IMO 8517839", "Annex XLII"),
    ]


def test_plain_csv_watchlist() -> None:
    got, _, _, name = rows(["my-watchlist.csv"])
    assert name == "my-watchlist"
    w1, w2, w3 = got
    assert (w1["entry_id"], w1["imo"], w1["flag"], w1["listed_on"]) == (
        "my-watchlist:W1",
        8517839,
        "RU",
        date(2024, 3, 1),
    )
    assert [a["name"] for a in json.loads(w1["aliases"])] == ["MARIYA", "MARIA 1"]
    assert (w2["mmsi"], w2["callsign"], w2["flag"]) == (273345000, "UCQP", "RU")
    assert (w3["name"], w3["imo"], w3["flag"]) == ("KUM UN SAN 3", None, "KP")


@pytest.mark.parametrize(
    ("name", "content", "line", "reason"),
    [
        (
            "sdn.csv",
            '1,"A","vessel",' + "-0- ," * 8 + '"r"\r\n36216,"ANGARA","vessel","X",-0- \r\n',
            2,
            "has 5 fields, expected 12",
        ),
        (
            "sdn.csv",
            '1,"A","vessel",' + "-0- ," * 8 + '"r"\r\nx2,' + '"B",' * 10 + '"r"\r\n',
            2,
            "ent_num",
        ),
        (
            "list.xml",
            "<sdnList><sdnEntry><uid>1</uid></sdnEntry>\n<sdnEntry></sdnList>",
            2,
            "not well-formed",
        ),
        (
            "list.xml",
            "<sdnList>\n<sdnEntry><sdnType>Vessel</sdnType></sdnEntry></sdnList>",
            2,
            "without <uid>",
        ),
        (
            "un.xml",
            "<CONSOLIDATED_LIST><ENTITIES>\n<ENTITY><FIRST_NAME>X IMO 8705539</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>",
            2,
            "without <DATAID>",
        ),
        (
            "eu.xml",
            "<export><sanctionEntity logicalId='1'>\n<regulation designationDate='x' entryIntoForceDate='31/31/2020'/><identification identificationTypeCode='imo' number='9179842'/><nameAlias wholeName='A'/></sanctionEntity></export>",
            1,
            "no known form",
        ),
        ("w.csv", "name,imo\nANGARA,9179842\nMARIA,8517830\n", 3, "fails its check digit"),
        ("w.csv", "name,imo,mmsi\n,,\nX,,111273000\n", 3, "not a ship station"),
        ("imos.txt", "9179842\n8517839 9161003\n", 2, "found 2"),
        ("imos.txt", "9179842\n8517830\n", 2, "check digit"),
        (
            "v.csv",
            "Vessel Name,IMO Number,Date of Designation\nX,8312497,someday\n",
            2,
            "no known form",
        ),
        ("alt.csv", '1,2,"aka","X",-0- \r\n', None, "load it together with its sdn.csv"),
        ("odd.csv", "foo,bar\n1,2\n", 1, "no known list format"),
        ("empty.csv", "\n\n", None, "empty"),
    ],
)
def test_malformed_lists_name_the_file_line_and_reason(
    tmp_path: Path, name: str, content: str, line: int | None, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as err:
        read_list([path])
    assert err.value.path == str(path)
    assert err.value.line == line
    assert reason in err.value.reason
