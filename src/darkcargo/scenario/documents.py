"""News-style documents written for the scenario, with quantitative claims.

Each text takes its figures from the season's truth: some state them fairly ("about", "more
than" a rounded true value), others inflate them by a factor, the way officials' numbers in
the real case disagree. truth.json lists every claim with the true value behind it, so the
claims stage can be graded. People and organisations quoted are fictional.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from darkcargo.scenario.plan import Plan
from darkcargo.scenario.settings import ScenarioSettings

PER_CONTAINER_152 = 500  # ROK JCS conversion, early Nov 2023 (REFERENCE.md section 3)
PER_CONTAINER_122 = 100
PER_CONTAINER_SHELLS = 448  # ROK, Feb 2024
HEADER = "Simulated document for the darkcargo demo scenario; people and figures are fictional."


def _date(ts: int) -> datetime:
    return datetime.fromtimestamp(int(ts), tz=UTC)


def _long(ts: int) -> str:
    d = _date(ts)
    return f"{d.day} {d.strftime('%B %Y')}"


def _round_to(x: float, step: int) -> int:
    return int(step * round(x / step))


def _floor_to(x: float, step: int) -> int:
    return int(step * math.floor(x / step))


def write_documents(
    folder: Path,
    plan: Plan,
    voyages: pa.Table,
    sightings: pa.Table,
    s: ScenarioSettings,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """Write documents/*.txt; return their claims with the truth behind each."""
    span = s.t1 - s.t0
    dep = (
        np.asarray(voyages.column("depart_ts").cast(pa.int64()).to_numpy(zero_copy_only=False))
        // 1_000_000
    )
    boxes = np.asarray(voyages.column("containers_loaded").to_numpy(zero_copy_only=False))
    names = voyages.column("name").to_pylist()
    dark = np.asarray(voyages.column("ais_off").to_numpy(zero_copy_only=False))

    def shipped(until: int, since: int = 0) -> int:
        m = (dep <= until) & (dep >= since)
        return int(boxes[m].sum()) if len(boxes) else 0

    docs: list[dict[str, Any]] = []

    def emit(doc_id: str, ts: int, title: str, source: str, body: str, claims: list[dict]) -> None:
        d = _date(ts).strftime("%Y-%m-%d")
        text = (
            f"Title: {title}\nDate: {d}\nSource: {source}\n"
            f"URL: https://example.org/darkcargo-demo/{doc_id}\nNote: {HEADER}\n\n{body.strip()}\n"
        )
        (folder / f"{doc_id}.txt").write_text(text)
        docs.append(
            {
                "doc_id": doc_id,
                "file": f"documents/{doc_id}.txt",
                "date": d,
                "title": title,
                "claims": claims,
            }
        )

    # 1. consistent lower bound, like the White House statement of 13 Oct 2023
    t1 = s.t0 + int(span * 0.35)
    since = s.t0 + int(span * 0.15)
    x1 = shipped(t1, since)
    c1 = max(_floor_to(x1, 100), 100) if x1 >= 100 else max(_floor_to(x1, 10), 10)
    emit(
        "doc01_washington_briefing",
        t1,
        "Officials say North Korea shipped munitions to Russia by sea",
        "Scenario Wire",
        f"""
WASHINGTON, {_long(t1)} - North Korea has delivered more than {c1:,} containers of military
equipment and munitions to Russia since {_long(since)}, a National Security Council spokesperson,
Laura Whitfield, told reporters on {_long(t1)}. The containers were loaded at the port of Rajin
and carried by Russian-flagged cargo ships to a naval pier at Dunai, near Fokino, before going
on by rail, she said.
""",
        [
            {
                "quote": f"more than {c1:,} containers",
                "value": c1,
                "bound": "lower",
                "unit": "containers",
                "period": [_date(since).date().isoformat(), _date(t1).date().isoformat()],
                "truth": x1,
                "factor": 1.0,
                "consistent": x1 > c1,
            },
        ],
    )
    # 2. inflated count plus a shell conversion, like the ROK figures
    t2 = s.t0 + int(span * 0.45)
    x2 = shipped(t2)
    f2 = round(float(rng.uniform(1.5, 1.9)), 2)
    c2 = max(_round_to(x2 * f2, 100), 100)
    shells = c2 * PER_CONTAINER_152
    rockets = c2 * PER_CONTAINER_122
    emit(
        "doc02_seoul_minister",
        t2,
        "Seoul says North shipped thousands of containers to Russia",
        "Scenario Herald",
        f"""
SEOUL, {_long(t2)} - South Korea's defence minister, Han Jae-won, told a parliamentary committee
on {_long(t2)} that North Korea had sent about {c2:,} containers to Russia since August. "Those
containers could hold more than {shells:,} rounds of 152 mm artillery shells, or more than
{rockets:,} 122 mm rockets," Han said. He added that North Korean munitions factories were
running at full capacity.
""",
        [
            {
                "quote": f"about {c2:,} containers",
                "value": c2,
                "bound": "approx",
                "unit": "containers",
                "truth": x2,
                "factor": f2,
                "consistent": False,
            },
            {
                "quote": f"more than {shells:,} rounds of 152 mm artillery shells",
                "value": shells,
                "bound": "lower",
                "unit": "rounds",
                "caliber": "152mm",
                "truth": x2 * PER_CONTAINER_152,
                "factor": f2,
                "consistent": False,
                "kind": "capacity",
            },
        ],
    )
    # 3. a ship-tracking note on one carrier, consistent
    t3 = s.t0 + int(span * 0.70)
    angara = [
        (d, bool(k)) for d, n, k in zip(dep, names, dark, strict=True) if n == "ANGARA" and d <= t3
    ]
    n3 = len(angara)
    first = _long(int(min(d for d, _ in angara))) if angara else _long(s.t0)
    n_dark = sum(1 for _, k in angara if k)
    # A season too short for ANGARA to sail has no tracking note ("at least 0 voyages" is no claim).
    if n3:
        _tracking_note(emit, t3, n3, n_dark, first)
    # 4. a strongly inflated shell count
    t4 = s.t0 + int(span * 0.95)
    x4 = shipped(t4)
    f4 = round(float(rng.uniform(2.0, 2.6)), 2)
    shells4 = x4 * PER_CONTAINER_SHELLS * f4
    m4 = max(round(shells4 / 1e6, 1), 0.1)
    emit(
        "doc04_kyiv_adviser",
        t4,
        "Kyiv: Russia got millions of North Korean shells",
        "Scenario Daily",
        f"""
KYIV, {_long(t4)} - Russia has received roughly {m4} million artillery shells from North Korea
since last summer, Oleksandr Marchenko, an adviser to the presidential office, said on
{_long(t4)}. He said most were 152 mm and 122 mm rounds that arrived by ship at ports in the
Russian Far East before being sent west by rail.
""",
        [
            {
                "quote": f"roughly {m4} million artillery shells",
                "value": m4 * 1e6,
                "bound": "approx",
                "unit": "rounds",
                "truth": x4 * PER_CONTAINER_SHELLS,
                "factor": f4,
                "consistent": False,
                "note": f"truth = shipped containers ({x4}) x {PER_CONTAINER_SHELLS} rounds",
            },
        ],
    )
    # 5. a quay count from imagery, consistent with the sightings truth
    rajin = [
        (int(ts) // 1_000_000, c)
        for ts, c, p, k in zip(
            sightings.column("ts").cast(pa.int64()).to_pylist(),
            sightings.column("true_count").to_pylist(),
            sightings.column("place").to_pylist(),
            sightings.column("kind").to_pylist(),
            strict=True,
        )
        if p == "RAJIN" and k == "containers_on_quay"
    ]
    if rajin:
        ts5, true5 = max(rajin, key=lambda r: r[1])
        c5 = _round_to(true5, 10)
        emit(
            "doc05_imagery_quay",
            ts5 + 3 * 86400,
            "Imagery shows containers piling up at Rajin",
            "Scenario Wire",
            f"""
Commercial satellite images taken on {_long(ts5)} show about {c5:,} containers stacked on the quay
at Rajin, next to the berth used by Russian cargo ships, said Mina Cho of Open Sea Monitor. Such
stacks usually disappear within two or three days, when a ship calls, she said.
""",
            [
                {
                    "quote": f"about {c5:,} containers",
                    "value": c5,
                    "bound": "approx",
                    "unit": "containers",
                    "truth": round(true5, 1),
                    "factor": 1.0,
                    "consistent": True,
                    "place": "RAJIN",
                    "image_date": _date(ts5).date().isoformat(),
                },
            ],
        )
    del plan
    return docs


def _tracking_note(emit: Any, t3: int, n3: int, n_dark: int, first: str) -> None:
    """Document 3: a ship-tracking note on ANGARA's voyages, consistent with the truth."""
    voyages = f"at least {n3} voyage{'s' if n3 != 1 else ''}"
    claims = [
        {
            "quote": voyages,
            "value": n3,
            "bound": "lower",
            "unit": "voyages",
            "truth": n3,
            "factor": 1.0,
            "consistent": True,
        }
    ]
    if n_dark:
        dark = f"On {n_dark} of those trips"
        dark_text = (
            f"{dark} its transponder was switched off for more than a day as it\n"
            "approached North Korean waters, and it reappeared only on the way back, Cho said."
        )
        claims.append(
            {
                "quote": dark,
                "value": n_dark,
                "bound": "exact",
                "unit": "voyages",
                "truth": n_dark,
                "factor": 1.0,
                "consistent": True,
            }
        )
    else:
        dark_text = "Its transponder stayed on throughout, Cho said."
    emit(
        "doc03_tracking_note",
        t3,
        "The ANGARA's dark trips to Rajin",
        "Open Sea Monitor (scenario)",
        f"""
VLADIVOSTOK, {_long(t3)} - The Russian-flagged cargo ship ANGARA (IMO 9179842) has made {voyages}
from Rajin to Dunai and Vostochny since {first}, according to Mina Cho, an analyst at Open Sea
Monitor. {dark_text}
""",
        claims,
    )
