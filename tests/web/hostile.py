"""A workspace built from hostile data, the way an attacker would deliver it: a provider CSV
whose ship names, call signs and destinations are markup, script closers, attribute breakers
and AIS-sized (20 upper-case characters) payloads, ingested, detected and turned into trips by
the real stages; a case file whose title, port and vessel names are hostile too; claims whose
speaker and quote are; a sanctions list whose names and programme are, and a risk row whose
contribution (rule, reason, row ids) is. Every payload, if it ever ran, would set window.__dcPwned (or open a
dialog, or ask ev.il for an image)."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

FLAG = "__dcPwned"
PAYLOADS = {
    "img": f'<img src=x onerror="window.{FLAG}=1;alert(1)">',
    "script": f"</script><script>window.{FLAG}=2;alert(2)</script>",
    "attr": f'" onmouseover="window.{FLAG}=3" data-x="',
    "ais": "<IMG SRC=//EV.IL>",  # fits AIS's 20 upper-case characters
    "svg": f"<svg/onload=window.{FLAG}=5>",
    "comment": f"<!--<script>window.{FLAG}=6</script>-->",
    "entity": "&lt;b&gt;bold&lt;/b&gt; &amp; done",  # must read as typed, never decoded
    "quote": f"' onfocus='window.{FLAG}=8' autofocus='",
    # survives the upper-casing AIS names get: the handler's letters as numeric references
    "upper": "<IMG SRC=X ONERROR=&#97;&#108;&#101;&#114;&#116;(9)>",
}
ANGARA, ANGARA_IMO = 273210440, 9179842  # watched by the case (by IMO)
OTHER, LOITERER = 412000001, 440000001
T0 = datetime(2023, 9, 1)
STEP = timedelta(minutes=10)
RAJIN, DUNAI = (42.25, 130.30), (42.8803, 132.3375)


def _leg(
    a: tuple[float, float], b: tuple[float, float], t0: datetime, hours: float
) -> list[tuple[datetime, float, float, float]]:
    n = int(hours * 6) + 1
    f = np.linspace(0.0, 1.0, n)
    km = 111.0 * float(np.hypot(b[0] - a[0], (b[1] - a[1]) * 0.74))
    sog = km / 1.852 / hours if km > 0.5 else 0.1
    rng = np.random.default_rng(7)
    jitter = 0.0003 if km <= 0.5 else 0.0
    return [
        (
            t0 + i * STEP,
            a[0] + (b[0] - a[0]) * f[i] + rng.normal(0, jitter),
            a[1] + (b[1] - a[1]) * f[i] + rng.normal(0, jitter),
            sog,
        )
        for i in range(n)
    ]


def hostile_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(
        mmsi: int, fixes: list, name: str, call: str, dest: str, imo: int | None, ship_type: int
    ) -> None:
        for t, lat, lon, sog in fixes:
            rows.append({"mmsi": mmsi, "time": t.isoformat(), "y": f"{lat:.6f}", "x": f"{lon:.6f}",
                         "speed": f"{sog:.1f}", "ship": name, "call": call, "dest": dest,
                         "imo": imo or "", "type": ship_type})  # fmt: skip

    # the watched carrier: in Rajin, out, 20 h dark, back on near Dunai, in Dunai; renamed there
    a = PAYLOADS["img"]
    add(ANGARA, _leg(RAJIN, RAJIN, T0, 8), a, PAYLOADS["attr"], PAYLOADS["script"], ANGARA_IMO, 70)
    add(
        ANGARA,
        _leg(RAJIN, (42.35, 130.75), T0 + timedelta(hours=8), 2),
        a,
        PAYLOADS["attr"],
        PAYLOADS["script"],
        ANGARA_IMO,
        70,
    )
    back = T0 + timedelta(hours=30)
    add(
        ANGARA,
        _leg((42.70, 131.85), DUNAI, back, 3),
        a,
        PAYLOADS["attr"],
        PAYLOADS["script"],
        ANGARA_IMO,
        70,
    )
    add(
        ANGARA,
        _leg(DUNAI, DUNAI, back + timedelta(hours=3, minutes=10), 10),
        PAYLOADS["ais"],
        PAYLOADS["attr"],
        PAYLOADS["comment"],
        ANGARA_IMO,
        70,
    )
    # another ship crossing the sea, silent for 8 h on the way
    add(
        OTHER,
        _leg((42.0, 131.5), (41.8, 132.1), T0, 4),
        PAYLOADS["svg"],
        "<b>X</b>",
        PAYLOADS["comment"],
        None,
        80,
    )
    add(
        OTHER,
        _leg((41.5, 133.0), (41.4, 133.3), T0 + timedelta(hours=12), 3),
        PAYLOADS["upper"],
        "<b>X</b>",
        PAYLOADS["comment"],
        None,
        80,
    )
    # a ship drifting offshore for hours
    add(
        LOITERER,
        _leg((41.2, 131.8), (41.2, 131.8), T0 + timedelta(hours=2), 7),
        PAYLOADS["entity"],
        PAYLOADS["quote"],
        PAYLOADS["ais"],
        None,
        30,
    )
    rows.sort(key=lambda r: (str(r["time"]), int(r["mmsi"])))  # type: ignore[call-overload]
    return rows


def write_csv(path: Path) -> Path:
    rows = hostile_rows()
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


COLUMNS = "mmsi=mmsi,ts=time,lat=y,lon=x,sog=speed,name=ship,callsign=call,destination=dest,imo=imo,ship_type=type"


def write_case(path: Path) -> Path:
    """The default case's geography with hostile names (a shared case file is data too)."""
    s = json.dumps
    path.write_text(
        f"""name = "hostile"
title = {s("Case " + PAYLOADS["script"])}
start = "2023-09-01"
bbox = [33.0, 46.0, 124.0, 142.0]
origin_ports = ["RAJIN"]
destination_ports = ["DUNAI", "VOSTOCHNY"]

[[ports]]
id = "RAJIN"
name = {s("Rajin " + PAYLOADS["img"])}
lat = 42.25
lon = 130.30
radius_km = 4
country = "KP"
watched = true

[[ports]]
id = "DUNAI"
name = {s("Dunai " + PAYLOADS["attr"])}
lat = 42.8803
lon = 132.3375
radius_km = 3
country = "RU"
watched = true

[[ports]]
id = "VOSTOCHNY"
name = {s(PAYLOADS["ais"])}
lat = 42.7333
lon = 133.0667
radius_km = 5
country = "RU"
watched = true

[[vessels]]
name = {s(PAYLOADS["svg"])}
imo = {ANGARA_IMO}
""",
        encoding="utf-8",
    )
    return path


def write_watchlist(path: Path) -> Path:
    """A CSV watchlist whose names, programme, aliases and remarks are payloads; it lists the
    watched carrier by IMO (a strong match) and the crossing ship by a former name of its own
    (a weak match, shown and not scored)."""
    rows = [
        {
            "id": "H-1",
            "name": PAYLOADS["img"],
            "imo": ANGARA_IMO,
            "program": PAYLOADS["script"],
            "listed_on": "2024-02-23",
            "aliases": PAYLOADS["attr"] + " | " + PAYLOADS["entity"],
            "remarks": PAYLOADS["comment"],
        },
        {
            "id": "H-2",
            "name": PAYLOADS["svg"],
            "imo": "",
            "program": PAYLOADS["quote"],
            "listed_on": "",
            "aliases": "",
            "remarks": "",
        },
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


# A contribution a user's own preset could produce: a rule name, a reason and row ids that are
# payloads (the page must show them as text, and a link to an unknown id must still be inert).
HOSTILE_CONTRIBUTION = {
    "rule": PAYLOADS["upper"],
    "points": 1.5,
    "count": 1,
    "per_item": 1.5,
    "cap": 3.0,
    "capped": False,
    "why": "reason " + PAYLOADS["img"] + " " + PAYLOADS["entity"],
    "rows": {
        "events": [PAYLOADS["quote"]],
        "port_calls": [PAYLOADS["attr"]],
        "matches": [PAYLOADS["svg"]],
        "detections": [PAYLOADS["comment"]],
    },
}


def add_risk(ws: Path, case: Path, folder: Path) -> None:
    """The watch stage on the hostile workspace (the list loaded, vessels matched and ranked),
    then the watched carrier's risk row given one more contribution carrying payloads."""
    from darkcargo.sanctions.load import load_list
    from darkcargo.sanctions.risk import build_risk
    from darkcargo.workspace import Workspace

    load_list([write_watchlist(folder / "hostile-list.csv")], ws, list_name="HOSTILE")
    build_risk(ws, case=str(case), force=True)
    with Workspace(ws) as w, w.transaction():
        row = w.con.execute(
            "SELECT vessel_id, contributions, score FROM vessel_risk WHERE imo = ?", [ANGARA_IMO]
        ).fetchone()
        assert row is not None, "the watched carrier has a risk row"
        contribs = [*json.loads(row[1]), HOSTILE_CONTRIBUTION]
        w.con.execute(
            "UPDATE vessel_risk SET contributions = ?, score = ? WHERE vessel_id = ?",
            [json.dumps(contribs), row[2] + HOSTILE_CONTRIBUTION["points"], row[0]],
        )


def build_hostile_workspace(folder: Path) -> tuple[Path, Path]:
    """(workspace, case file): the hostile CSV ingested, events detected, trips built,
    estimates and claims (hostile speaker and quote) added, a hostile sanctions list loaded
    and risk ranked (with a contribution of payloads); returns their paths."""
    from darkcargo.ais.ingest import ingest
    from darkcargo.config import load_case
    from darkcargo.events.detect import detect
    from darkcargo.shipments.build import build_shipments
    from darkcargo.workspace import Workspace
    from tests.web.sample import claims_tables, conform, estimates_table

    case = write_case(folder / "hostile-case.toml")
    ws = folder / "hostile.duckdb"
    ingest([write_csv(folder / "hostile.csv")], ws, columns=COLUMNS)
    detect(ws, preset="gfw", case=str(case))
    build_shipments(ws, case=load_case(str(case)))
    tables = claims_tables()
    claims = tables["claims"].to_pylist()
    for c in claims:
        c["speaker"] = PAYLOADS["img"]
        c["quote"] = PAYLOADS["script"] + " " + PAYLOADS["attr"]
        c["hedge"] = PAYLOADS["ais"]
    import pyarrow as pa

    tables["claims"] = pa.Table.from_pylist(claims, schema=tables["claims"].schema)
    tables["documents"] = pa.Table.from_pylist(
        [{**d, "title": PAYLOADS["svg"]} for d in tables["documents"].to_pylist()],
        schema=tables["documents"].schema,
    )
    with Workspace(ws) as w, w.transaction():
        w.append("estimates", conform("estimates", estimates_table()))
        for name, table in tables.items():
            w.append(name, conform(name, table))
    add_risk(ws, case, folder)
    return ws, case
