"""The season's sanctions list: OFAC SDN CSV files (sdn.csv, alt.csv) naming the covert carriers.

Written in OFAC's exact layout (no header, ``-0-`` nulls, programmes joined by ``] [``, IMO and
MMSI inside Remarks in both phrasings, CR LF records, a closing Ctrl-Z), from the truth's
vessel table: each covert carrier by its scenario identity, MMSI given for some and not others
(so matching must use the IMO). Two entries are there to be *not* matched: a vessel that never
sails in the season, and a ship sharing its name with one of the season's background vessels
but with another IMO. The people and companies of a real list are represented by two entries
of other types, which a loader must skip.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from darkcargo.scenario.fleet import imo_check_digit

SDN_FILE = "sdn.csv"
ALT_FILE = "alt.csv"
PROGRAM = "RUSSIA-EO14024] [DPRK3"
FIRST_ENT = 52100


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _free_imo(taken: set[int], start: int) -> int:
    first6 = start
    while True:
        imo = first6 * 10 + imo_check_digit(first6)
        if imo not in taken:
            return imo
        first6 += 1


def write_watchlist(out_dir: Path) -> dict[str, Path]:
    """Write sanctions/sdn.csv and sanctions/alt.csv from out_dir/truth/vessels.parquet."""
    vessels = pq.read_table(Path(out_dir) / "truth" / "vessels.parquet").to_pylist()
    target = Path(out_dir) / "sanctions"
    target.mkdir(parents=True, exist_ok=True)
    covert = [v for v in vessels if v["role"] == "covert"]
    seen: set[int] = set()
    carriers = []
    for v in covert:
        if v["vessel_id"] not in seen:
            seen.add(v["vessel_id"])
            carriers.append(v)
    taken = {int(v["imo"]) for v in vessels if v["imo"] is not None}
    rows: list[str] = []
    aliases: list[str] = []
    ent = FIRST_ENT
    alt = 9000
    for k, v in enumerate(carriers):
        ids = f"IMO {v['imo']}"
        if k % 2 == 0:
            remarks = f"Vessel Registration Identification {ids}; MMSI {v['mmsi']}."
        else:  # the other phrasing, and no MMSI: matching must go by IMO
            remarks = f"Identification Number {ids}; Linked To: SCENARIO SHIPPING LLC."
        rows.append(
            ",".join(
                [
                    str(ent),
                    _q(v["name"]),
                    _q("vessel"),
                    _q(PROGRAM),
                    "-0- ",
                    _q(v["callsign"]) if k % 2 == 0 else "-0- ",
                    _q("General Cargo"),
                    "-0- ",
                    "-0- ",
                    _q("Russia"),
                    _q("SCENARIO SHIPPING LLC"),
                    _q(remarks),
                ]
            )
        )
        aliases.append(f'{ent},{alt},"fka",{_q(v["name"] + " I")},-0- ')
        ent, alt = ent + 1, alt + 1
    # a listed vessel that never sails in the season
    ghost = _free_imo(taken, 912_345)
    taken.add(ghost)
    rows.append(
        f'{ent},"KORYO STAR","vessel","DPRK3",-0- ,-0- ,"Oil Tanker",-0- ,-0- ,'
        f'"Korea, North",-0- ,"Vessel Registration Identification IMO {ghost}."'
    )
    ent += 1
    # a ship of the same name as a background vessel, another IMO: must not match
    background = [v for v in vessels if v["role"] in ("bulk", "tanker") and v["imo"] is not None]
    if background:
        twin = background[0]
        other = _free_imo(taken, int(twin["imo"]) // 10 + 1)
        rows.append(
            f'{ent},{_q(twin["name"])},"vessel","IRAN",-0- ,-0- ,"Bulk Carrier",-0- ,-0- ,'
            f'"Comoros",-0- ,"Vessel Registration Identification IMO {other}."'
        )
        ent += 1
    rows.append(
        f'{ent},"SCENARIO SHIPPING LLC","-0- ","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
        '-0- ,"Vladivostok, Russia; Organization Type: Sea and coastal freight water transport."'
    )
    rows.append(
        f'{ent + 1},"IVANOV, Pyotr","individual","RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,'
        '-0- ,-0- ,"DOB 01 Jan 1970; nationality Russia; Gender Male."'
    )
    paths = {"sdn": target / SDN_FILE, "alt": target / ALT_FILE}
    paths["sdn"].write_bytes(("\r\n".join(rows) + "\r\n\x1a").encode("ascii"))
    paths["alt"].write_bytes(("\r\n".join(aliases) + "\r\n\x1a").encode("ascii"))
    return paths
