"""Match AIS identities over time to watchlist entries.

An AIS identity period is a run of unchanged (MMSI, IMO, name, call sign) in `statics`, fields
carried forward over partial messages (class B sends name and call sign apart). Rules:

- strong: the period's IMO, or its MMSI, equals the entry's (strength 1);
- medium: the name resembles the entry's name or an alias (rapidfuzz ratio on names without
  spaces, at least `name_min_score`; digits equal; neither name the other plus whole words, as
  "GALE" and "GALE C") and the flag (the MMSI's country digits) or the call sign agrees;
- weak: the name alone; shown, never scored.

An entry whose IMO differs from the period's IMO never matches by name (a same-name ship). Each
row records the fields that agreed and the period it applies to, so a renamed vessel matches its
old name over the months it carried it. Thresholds come from the risk preset's [matching] table;
its hash is on every row.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process

from darkcargo.presets import canonical_hash
from darkcargo.sanctions.identity import flag_of_mmsi, imo_is_valid, norm_name
from darkcargo.sanctions.schema import MATCHES
from darkcargo.workspace import Workspace

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class MatchParams:
    """Matching thresholds (a versioned part of the risk preset)."""

    name_min_score: float = 88.0  # rapidfuzz ratio, 0-100, on names without spaces
    strong: float = 1.0
    medium: float = 0.7  # name + flag or call sign
    medium_both: float = 0.8  # name + flag + call sign
    weak: float = 0.3  # name alone: shown, not scored

    def hash(self) -> str:
        return canonical_hash({"matching": asdict(self)}, compact=False)


@dataclass
class Period:
    """One AIS identity period."""

    mmsi: int
    imo: int | None
    name: str | None
    callsign: str | None
    first: datetime
    last: datetime


@dataclass
class Entry:
    entry_id: str
    names: list[str]  # name first, then aliases
    imos: set[int]
    mmsis: set[int]
    flag: str | None
    callsigns: set[str]


@dataclass
class MatchReport:
    """Counts of what matching wrote."""

    periods: int = 0
    entries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    vessels: int = 0  # distinct MMSIs with a strong or medium match
    params_hash: str = ""


IDENTITY_SQL = """
WITH f AS (
    SELECT mmsi, ts,
        last_value(imo IGNORE NULLS) OVER w AS imo,
        last_value(name IGNORE NULLS) OVER w AS name,
        last_value(callsign IGNORE NULLS) OVER w AS callsign
    FROM statics WHERE mmsi IS NOT NULL
    WINDOW w AS (PARTITION BY mmsi ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
c AS (
    SELECT *, CASE WHEN (imo, name, callsign) IS NOT DISTINCT FROM
        lag((imo, name, callsign)) OVER (PARTITION BY mmsi ORDER BY ts) THEN 0 ELSE 1 END AS chg
    FROM f
),
g AS (
    SELECT *, sum(chg) OVER (PARTITION BY mmsi ORDER BY ts
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS grp
    FROM c
)
SELECT mmsi, any_value(imo) AS imo, any_value(name) AS name, any_value(callsign) AS callsign,
       min(ts) AS first_seen, max(ts) AS last_seen
FROM g GROUP BY mmsi, grp ORDER BY mmsi, first_seen
"""


def identity_periods(ws: Workspace) -> list[Period]:
    """AIS identity periods from `statics` (IMO numbers failing the check digit dropped)."""
    t = ws.arrow(IDENTITY_SQL).to_pydict()
    out = []
    for m, i, n, c, a, b in zip(
        t["mmsi"], t["imo"], t["name"], t["callsign"], t["first_seen"], t["last_seen"], strict=True
    ):
        out.append(Period(int(m), i if imo_is_valid(i) else None, n, c, a, b))
    return out


def watch_entries(ws: Workspace) -> list[Entry]:
    rows = ws.arrow(
        "SELECT entry_id, name, aliases, imo, mmsi, flag, callsign, extra FROM watchlist"
    ).to_pylist()
    out = []
    for r in rows:
        aliases = [a.get("name") for a in json.loads(r["aliases"] or "[]") if a.get("name")]
        extra = json.loads(r["extra"] or "{}")
        imos = {r["imo"], *extra.get("imo", [])} - {None}
        mmsis = {r["mmsi"], *extra.get("mmsi", [])} - {None}
        calls = {
            c.upper().replace(" ", "") for c in [r["callsign"], *extra.get("callsign", [])] if c
        }
        out.append(Entry(r["entry_id"], [r["name"], *aliases], imos, mmsis, r["flag"], calls))
    return out


def _key(name: str) -> str:
    return norm_name(name).replace(" ", "")


def _digits(name: str) -> tuple[str, ...]:
    return tuple(_DIGITS.findall(norm_name(name)))


def _extra_token(a: str, b: str) -> bool:
    """Whether one name is the other plus whole words ("ELIZABETH" / "ELIZABETH B", "GALE" /
    "GALE C"): another ship's name, however similar the letters."""
    ta, tb = set(norm_name(a).split()), set(norm_name(b).split())
    return ta != tb and (ta < tb or tb < ta)


def find_matches(
    periods: list[Period], entries: list[Entry], params: MatchParams | None = None
) -> pa.Table:
    """The `matches` rows for these identity periods and watchlist entries."""
    params = params or MatchParams()
    ph = params.hash()
    by_imo: dict[int, list[int]] = defaultdict(list)
    by_mmsi: dict[int, list[int]] = defaultdict(list)
    for k, e in enumerate(entries):
        for i in e.imos:
            by_imo[i].append(k)
        for m in e.mmsis:
            by_mmsi[m].append(k)
    # strong: identifiers, grouped per (mmsi, entry) over the periods that carried them
    strong: dict[tuple[int, int], dict[str, Any]] = {}
    for p in periods:
        hits: dict[int, set[str]] = defaultdict(set)
        if p.imo is not None:
            for k in by_imo.get(p.imo, []):
                hits[k].add("imo")
        for k in by_mmsi.get(p.mmsi, []):
            hits[k].add("mmsi")
        for k, fields in hits.items():
            cur = strong.setdefault(
                (p.mmsi, k), {"fields": set(), "periods": [], "first": p.first, "last": p.last}
            )
            cur["fields"] |= fields
            cur["periods"].append(p)
            cur["first"] = min(cur["first"], p.first)
            cur["last"] = max(cur["last"], p.last)
    # names: each distinct AIS name against every listed name and alias
    list_names: list[tuple[int, str]] = [
        (k, n) for k, e in enumerate(entries) for n in e.names if n
    ]
    ais_names = sorted({p.name for p in periods if p.name})
    similar: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
    if list_names and ais_names:
        a_keys = [_key(n) for n in ais_names]
        l_keys = [_key(n) for _, n in list_names]
        scores = process.cdist(
            a_keys, l_keys, scorer=fuzz.ratio, score_cutoff=params.name_min_score, dtype=np.uint8
        )
        ai, li = np.nonzero(scores)
        for a, li_ in zip(ai.tolist(), li.tolist(), strict=True):
            name, (k, lname) = ais_names[a], list_names[li_]
            if not a_keys[a] or _digits(name) != _digits(lname) or _extra_token(name, lname):
                continue
            similar[name].append((k, lname, float(scores[a, li_])))
    rows: list[dict[str, Any]] = []
    for (mmsi, k), s in strong.items():
        e = entries[k]
        fields = set(s["fields"])
        last_p = s["periods"][-1]
        best = _best_name(similar.get(last_p.name or "", []), k)
        if best is not None or any(
            p.name and _key(p.name) in {_key(n) for n in e.names} for p in s["periods"]
        ):
            fields.add("name")
        if e.flag and flag_of_mmsi(mmsi) == e.flag:
            fields.add("flag")
        if e.callsigns and any(_cs(p.callsign) in e.callsigns for p in s["periods"]):
            fields.add("callsign")
        rows.append(
            _row(
                mmsi,
                last_p.imo,
                e,
                "strong",
                params.strong,
                fields,
                last_p,
                s["first"],
                s["last"],
                best,
                ph,
            )
        )
    for p in periods:
        for k, lname, score in similar.get(p.name or "", []):
            e = entries[k]
            if (p.mmsi, k) in strong:
                continue
            if p.imo is not None and e.imos and p.imo not in e.imos:
                continue  # another ship of the same name
            fields = {"name"}
            if e.flag and flag_of_mmsi(p.mmsi) == e.flag:
                fields.add("flag")
            if e.callsigns and _cs(p.callsign) in e.callsigns:
                fields.add("callsign")
            if len(fields) == 3:
                kind, strength = "medium", params.medium_both
            elif len(fields) == 2:
                kind, strength = "medium", params.medium
            else:
                kind, strength = "weak", params.weak
            rows.append(
                _row(
                    p.mmsi, p.imo, e, kind, strength, fields, p, p.first, p.last, (lname, score), ph
                )
            )
    rows = _merge_name_rows(rows)
    cols = {n: [r.get(n) for r in rows] for n in MATCHES.names}
    return pa.table(cols, schema=MATCHES)


def _cs(callsign: str | None) -> str | None:
    return callsign.upper().replace(" ", "") if callsign else None


def _best_name(cands: list[tuple[int, str, float]], k: int) -> tuple[str, float] | None:
    mine = [(n, s) for kk, n, s in cands if kk == k]
    return max(mine, key=lambda x: x[1]) if mine else None


def _row(
    mmsi: int,
    imo: int | None,
    e: Entry,
    kind: str,
    strength: float,
    fields: set[str],
    p: Period,
    first: datetime,
    last: datetime,
    name_hit: tuple[str, float] | None,
    ph: str,
) -> dict[str, Any]:
    order = ("imo", "mmsi", "name", "callsign", "flag")
    return {
        "mmsi": mmsi,
        "imo": imo,
        "entry_id": e.entry_id,
        "strength": strength,
        "fields": json.dumps([f for f in order if f in fields]),
        "match_id": hashlib.sha256(
            f"{mmsi}|{e.entry_id}|{kind}|{p.name}|{first}".encode()
        ).hexdigest()[:16],
        "kind": kind,
        "name": p.name,
        "callsign": p.callsign,
        "matched_name": name_hit[0] if name_hit else None,
        "name_score": name_hit[1] if name_hit else None,
        "valid_from": first,
        "valid_to": last,
        "params_hash": ph,
    }


def _merge_name_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name matches of one (MMSI, entry, name, kind) over several periods: one row, the span."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        key = (r["mmsi"], r["entry_id"], r["kind"], r["name"] if r["kind"] != "strong" else None)
        cur = out.get(key)
        if cur is None:
            out[key] = r
            continue
        cur["valid_from"] = min(cur["valid_from"], r["valid_from"])
        cur["valid_to"] = max(cur["valid_to"], r["valid_to"])
        if r["strength"] > cur["strength"]:
            cur.update({k: r[k] for k in ("strength", "fields", "callsign")})
    return sorted(out.values(), key=lambda r: (-r["strength"], r["mmsi"], r["entry_id"]))


def match_workspace(ws: Workspace, params: MatchParams | None = None) -> MatchReport:
    """Replace `matches` with the matches of every AIS identity to every watchlist entry."""
    if params is None:
        from darkcargo.sanctions.risk import load_preset

        params = load_preset().matching
    periods = identity_periods(ws)
    entries = watch_entries(ws)
    table = find_matches(periods, entries, params)
    ws.replace("matches", table)
    kinds = table.column("kind").to_pylist()
    scored = {
        m for m, k in zip(table.column("mmsi").to_pylist(), kinds, strict=True) if k != "weak"
    }
    return MatchReport(
        periods=len(periods),
        entries=len(entries),
        by_kind={k: kinds.count(k) for k in ("strong", "medium", "weak")},
        vessels=len(scored),
        params_hash=params.hash(),
    )
