"""Matching AIS identities over time to watchlist entries."""

from __future__ import annotations

import json
from pathlib import Path

from darkcargo.sanctions.load import load_list
from darkcargo.workspace import Workspace
from tests.sanctions.helpers import build, statics

WATCH = """id,name,imo,mmsi,flag,callsign,aliases
A,ANGARA,9179842,,RU,,
B,SEA PEARL,,538004512,MH,,
C,KUM UN SAN 3,,,KP,,
D,OLD TIMER,,,RU,UCAB2,
E,GOLDEN STAR,,,PA,,
F,NORTHERN LIGHT,,,LR,,
"""


def matches(ws_path: Path) -> dict[str, list[dict]]:
    with Workspace(ws_path, read_only=True) as ws:
        rows = ws.arrow("SELECT * FROM matches ORDER BY entry_id, mmsi").to_pylist()
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["entry_id"].split(":")[1], []).append(r)
    return out


def test_matching_rules_on_hand_made_identities(tmp_path: Path) -> None:
    rows = (
        # IMO only: AIS name differs from the list's (renamed since listing)
        statics(273210440, "NEVA STAR", imo=9179842, callsign="UBYT2")
        # a same-name ship with another IMO: must not match A at all
        + statics(273555000, "ANGARA", imo=9163544)
        # MMSI only: no IMO broadcast, a different name
        + statics(538004512, "PEARL OF SEA")
        # fuzzy name with the flag agreeing (445 = KP), no IMO broadcast
        + statics(445112000, "KUMUNSAN 3")
        # renamed: carried OLD TIMER (call sign agrees, flag RU) for two days, then NEW TIMER
        + statics(273400100, "OLD TIMER", callsign="UCAB2", day=0)
        + statics(273400100, "NEW TIMER", callsign="UCAB2", day=10)
        # name alone: GOLDEN STAR under a Liberian MMSI (list says Panama)
        + statics(636000111, "GOLDEN STAR")
        # digits differ: NORTHERN LIGHT 2 is another ship than NORTHERN LIGHT
        + statics(636000222, "NORTHERN LIGHT 2")
        # a whole extra word: NORTHERN LIGHT B is another ship too
        + statics(636000333, "NORTHERN LIGHT B")
    )
    ws_path = build(tmp_path / "w.duckdb", statics=rows)
    (tmp_path / "watch.csv").write_text(WATCH)
    report = load_list([tmp_path / "watch.csv"], ws_path)
    assert report.matches is not None
    assert report.matches.by_kind == {"strong": 2, "medium": 2, "weak": 1}
    got = matches(ws_path)
    assert set(got) == {"A", "B", "C", "D", "E"}  # nothing for F
    (a,) = got["A"]
    assert (a["mmsi"], a["kind"], a["strength"]) == (273210440, "strong", 1.0)
    assert json.loads(a["fields"]) == ["imo", "flag"]  # the name did not agree
    (b,) = got["B"]
    assert (b["mmsi"], b["kind"], json.loads(b["fields"])) == (
        538004512,
        "strong",
        ["mmsi", "flag"],
    )
    (c,) = got["C"]
    assert (c["mmsi"], c["kind"], round(c["strength"], 3)) == (445112000, "medium", 0.7)
    assert json.loads(c["fields"]) == ["name", "flag"] and c["matched_name"] == "KUM UN SAN 3"
    assert c["name"] == "KUMUNSAN 3" and c["name_score"] >= 88
    (d,) = got["D"]  # only the period under the old name
    assert (d["mmsi"], d["kind"], round(d["strength"], 3)) == (273400100, "medium", 0.8)
    assert json.loads(d["fields"]) == ["name", "callsign", "flag"]
    assert d["valid_from"].day == 1 and d["valid_to"].day == 1 and d["name"] == "OLD TIMER"
    (e,) = got["E"]
    assert (e["kind"], round(e["strength"], 3), json.loads(e["fields"])) == ("weak", 0.3, ["name"])


def test_a_same_name_ship_with_another_imo_never_matches(tmp_path: Path) -> None:
    ws_path = build(
        tmp_path / "w.duckdb", statics=statics(273555000, "ANGARA", imo=9163544, callsign="UBYT2")
    )
    (tmp_path / "watch.csv").write_text("name,imo,flag,callsign\nANGARA,9179842,RU,UBYT2\n")
    load_list([tmp_path / "watch.csv"], ws_path)
    assert matches(ws_path) == {}  # name, flag and call sign agree, the IMO does not


def test_imo_matches_every_mmsi_the_vessel_used(tmp_path: Path) -> None:
    rows = statics(351000001, "TANKER ONE", imo=9339301) + statics(
        667000002, "TANKER TWO", imo=9339301, day=30
    )
    ws_path = build(tmp_path / "w.duckdb", statics=rows)
    (tmp_path / "imos.txt").write_text("9339301\n")
    load_list([tmp_path / "imos.txt"], ws_path)
    got = matches(ws_path)["9339301"]
    assert [(m["mmsi"], m["kind"], m["name"]) for m in got] == [
        (351000001, "strong", "TANKER ONE"),
        (667000002, "strong", "TANKER TWO"),
    ]
