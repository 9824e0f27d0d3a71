"""Queries behind the dashboard's exploring tools: vessel search, the sortable and filterable
events table with its CSV download, and a vessel's profile (what its static codes mean, the
watch stage's verdict, its activity per week, its trips).

They read through WorkspaceReader's public methods only (every value bound as a parameter; the
few SQL fragments chosen here come from fixed lists, never from a request). The single-file
report calls vessel_profile() too, so both say the same.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from darkcargo.ais.codes import flag_of, ship_type
from darkcargo.report.describe import describe_event, event_place
from darkcargo.spreadsheet import csv_cell
from darkcargo.web.queries import BBox, WorkspaceReader, rows, to_naive_utc

# Sort keys of the events table -> SQL expression (a fixed list: requests only pick a key).
EVENT_SORTS: dict[str, str] = {
    "start": "start_ts",
    "end": "end_ts",
    "kind": "kind",
    "vessel": "mmsi",
    "port": "port_id",
    "hours": "hours",
    "confidence": "confidence",
}
HOURS_SQL = "(epoch_us(coalesce(end_ts, start_ts)) - epoch_us(start_ts)) / 3.6e9"
# Detail keys that name a port an event happened at or near (gaps' two ends, stops).
PORT_DETAIL_KEYS = ("start_port", "end_port", "off_port", "on_port", "nearest_port")
# Search: the lowest fuzzy score (0-100) a name or call sign needs to be listed.
SEARCH_MIN_SCORE = 70.0
CSV_BATCH_ROWS = 20_000
CSV_COLUMNS = (
    "event_id", "kind", "mmsi", "vessel", "other_mmsi", "other_vessel", "start_ts", "end_ts",
    "hours", "port_id", "place", "description", "lat", "lon", "end_lat", "end_lon",
    "confidence", "preset", "params_hash", "details",
)  # fmt: skip


@dataclass(frozen=True)
class EventFilter:
    """What the events table shows: kinds, a vessel (MMSI or IMO; either side of an
    encounter), a port (the event's port or a port named in its details), a time window
    (overlap), a map box (start or end point inside; events with no position at all, such as
    identity changes from static messages, are kept), a duration range in hours, and whether
    only events of the case's watched vessels (either side) count."""

    kinds: tuple[str, ...] = ()
    vessel: int | None = None
    port: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    bbox: BBox | None = None
    min_hours: float | None = None
    max_hours: float | None = None
    watched: bool = False

    def where(self, reader: WorkspaceReader) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.kinds:
            clauses.append("kind IN (SELECT unnest(?))")
            params.append(list(self.kinds))
        if self.vessel is not None:
            mmsis = reader.resolve_vessel(self.vessel) or [self.vessel]
            clauses.append("(mmsi IN (SELECT unnest(?)) OR other_mmsi IN (SELECT unnest(?)))")
            params += [mmsis, mmsis]
        if self.watched:
            mine = sorted(reader.watched())
            clauses.append("(mmsi IN (SELECT unnest(?)) OR other_mmsi IN (SELECT unnest(?)))")
            params += [mine, mine]
        if self.port:
            named = " OR ".join(
                f"(json_valid(details) AND json_extract_string(details, '$.{k}') = ?)"
                for k in PORT_DETAIL_KEYS
            )
            clauses.append(f"(port_id = ? OR {named})")
            params += [self.port] * (1 + len(PORT_DETAIL_KEYS))
        if self.since is not None:
            clauses.append("coalesce(end_ts, start_ts) >= ?")
            params.append(to_naive_utc(self.since))
        if self.until is not None:
            clauses.append("start_ts <= ?")
            params.append(to_naive_utc(self.until))
        if self.bbox is not None:
            w, s, e, n = self.bbox
            clauses.append(
                "((lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) OR "
                "(end_lat BETWEEN ? AND ? AND end_lon BETWEEN ? AND ?) OR "
                "(lat IS NULL AND end_lat IS NULL))"
            )
            params += [s, n, w, e, s, n, w, e]
        if self.min_hours is not None:
            clauses.append(f"{HOURS_SQL} >= ?")
            params.append(self.min_hours)
        if self.max_hours is not None:
            clauses.append(f"{HOURS_SQL} <= ?")
            params.append(self.max_hours)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _order(sort: str, descending: bool) -> str:
    col = EVENT_SORTS[sort]
    way = "DESC" if descending else "ASC"
    return f"ORDER BY {col} {way} NULLS LAST, start_ts, event_id"


def events_page(
    reader: WorkspaceReader,
    flt: EventFilter,
    sort: str = "start",
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """One page of the events table: rows (each with its duration in `hours`), the total
    matching, and counts by kind over the same filter (for the kind chips)."""
    empty: dict[str, Any] = {"total": 0, "limit": limit, "offset": offset, "items": [],
                             "kinds": {}, "sort": sort, "descending": descending}  # fmt: skip
    if not reader.has("events"):
        return empty
    clause, params = flt.where(reader)
    kinds = {
        r["kind"]: r["n"]
        for r in reader.arrow(
            f"SELECT kind, count(*) AS n FROM events {clause} GROUP BY kind ORDER BY kind", params
        ).to_pylist()
    }
    sql = (
        f"SELECT * EXCLUDE (segment_id), {HOURS_SQL} AS hours FROM events {clause} "
        f"{_order(sort, descending)} LIMIT ? OFFSET ?"
    )
    items = rows(reader.arrow(sql, [*params, int(limit), int(offset)]))
    return {**empty, "total": sum(kinds.values()), "items": items, "kinds": kinds}


def vessel_names(reader: WorkspaceReader) -> dict[int, str]:
    """MMSI -> 'NAME (MMSI)' (or the MMSI alone when unnamed)."""
    return {
        v["mmsi"]: f"{v['name']} ({v['mmsi']})" if v.get("name") else str(v["mmsi"])
        for v in reader.vessels()
    }


def events_csv(
    reader: WorkspaceReader, flt: EventFilter, sort: str = "start", descending: bool = False
) -> Iterator[str]:
    """Every event matching the filter as CSV text, streamed in chunks (header first), with the
    vessels' names, the place and the sentence the page shows, and the raw details as JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield out.getvalue()
    if not reader.has("events"):
        return
    names = vessel_names(reader)

    def label(m: int) -> str:
        return names.get(m, str(m))

    clause, params = flt.where(reader)
    sql = (
        f"SELECT * EXCLUDE (segment_id), {HOURS_SQL} AS hours FROM events {clause} "
        f"{_order(sort, descending)}"
    )
    for batch in reader.batches(sql, params, batch_rows=CSV_BATCH_ROWS):
        out.seek(0)
        out.truncate()
        for e in rows(_table_of(batch)):
            hours = e.get("hours")
            writer.writerow(
                csv_cell(v)
                for v in (
                    e["event_id"],
                    e["kind"],
                    e["mmsi"],
                    names.get(e["mmsi"], ""),
                    e.get("other_mmsi"),
                    names.get(e["other_mmsi"], "") if e.get("other_mmsi") is not None else "",
                    e.get("start_ts"),
                    e.get("end_ts"),
                    round(hours, 3) if isinstance(hours, float) else hours,
                    e.get("port_id"),
                    event_place(e),
                    describe_event(e, label),
                    e.get("lat"),
                    e.get("lon"),
                    e.get("end_lat"),
                    e.get("end_lon"),
                    e.get("confidence"),
                    e.get("preset"),
                    e.get("params_hash"),
                    json.dumps(e.get("details"), ensure_ascii=False, sort_keys=True)
                    if e.get("details") is not None
                    else "",
                )
            )
        yield out.getvalue()


def _table_of(batch: Any) -> Any:
    import pyarrow as pa

    return pa.Table.from_batches([batch])


# ---- search ------------------------------------------------------------------------------------
class VesselIndex:
    """Every name and call sign each MMSI ever broadcast (not only the latest), its IMO
    numbers and the case's name for it: what search looks through. Built once per reader."""

    def __init__(self, reader: WorkspaceReader) -> None:
        self.vessels = {v["mmsi"]: v for v in reader.vessels()}
        watched = reader.watched()
        self.texts: dict[int, list[tuple[str, str]]] = {m: [] for m in self.vessels}
        self.imos: dict[int, set[int]] = {m: set() for m in self.vessels}
        if reader.has("statics"):
            for r in reader.arrow(
                "SELECT mmsi, list(DISTINCT name) FILTER (WHERE name IS NOT NULL) AS names, "
                "list(DISTINCT callsign) FILTER (WHERE callsign IS NOT NULL) AS calls, "
                "list(DISTINCT imo) FILTER (WHERE imo IS NOT NULL) AS imos "
                "FROM statics GROUP BY mmsi"
            ).to_pylist():
                m = r["mmsi"]
                if m not in self.texts:
                    continue
                latest = self.vessels[m].get("name")
                for n in r["names"] or []:
                    self.texts[m].append(("name" if n == latest else "former name", n))
                for c in r["calls"] or []:
                    self.texts[m].append(("call sign", c))
                self.imos[m].update(r["imos"] or [])
        for m, v in self.vessels.items():
            if v.get("imo") is not None:
                self.imos[m].add(v["imo"])
            if v.get("name") and ("name", v["name"]) not in self.texts[m]:
                self.texts[m].append(("name", v["name"]))
            if m in watched:
                self.texts[m].append(("case name", watched[m]))


_index_lock = threading.Lock()


def vessel_index(reader: WorkspaceReader, cache: dict[str, Any]) -> VesselIndex:
    """The reader's search index, built on first use under a lock (one build, however many
    requests arrive at once), kept in `cache` (the app's state)."""
    with _index_lock:
        idx = cache.get("vessel_index")
        if idx is None:
            idx = cache["vessel_index"] = VesselIndex(reader)
        return idx  # type: ignore[no-any-return]


def _digits_score(q: str, number: int) -> float:
    s = str(number)
    if s == q:
        return 100.0
    if s.startswith(q):
        return 90.0
    return 75.0 if q in s else 0.0


def search_vessels(index: VesselIndex, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Vessels matching `query` best first: by MMSI or IMO (whole, prefix or part, digits only;
    'IMO 9179842' works too), or by any name or call sign they broadcast, forgiving typos
    (rapidfuzz; exact and prefix matches first). Each result says which field matched."""
    q = " ".join(query.upper().split())
    if not q:
        return []
    digits = q.removeprefix("IMO").strip().removeprefix("MMSI").strip()
    found: dict[int, tuple[float, str, str]] = {}

    def offer(m: int, score: float, field: str, text: str) -> None:
        if score >= SEARCH_MIN_SCORE and score > found.get(m, (0.0, "", ""))[0]:
            found[m] = (score, field, text)

    if digits.isdigit() and len(digits) >= 3:
        for m in index.vessels:
            offer(m, _digits_score(digits, m), "MMSI", str(m))
            for imo in index.imos[m]:
                offer(m, _digits_score(digits, imo), "IMO", str(imo))
    for m, texts in index.texts.items():
        for field, text in texts:
            t = text.upper()
            if t == q:
                score = 100.0
            elif t.startswith(q):
                score = 95.0
            elif q in t:
                score = 88.0
            else:
                # typos and word order ("ANGRA", "LADY-R"); short queries must match closely
                score = fuzz.WRatio(q, t) * (0.85 if len(q) >= 4 else 0.0)
            offer(m, score, field, text)
    ranked = sorted(
        found.items(),
        key=lambda kv: (-kv[1][0], not index.vessels[kv[0]].get("watched"), kv[0]),
    )
    out = []
    for m, (score, field, text) in ranked[:limit]:
        v = index.vessels[m]
        out.append(
            {
                "mmsi": m,
                "imo": v.get("imo"),
                "name": v.get("name"),
                "callsign": v.get("callsign"),
                "watched": v.get("watched"),
                "n_events": v.get("n_events", 0),
                "score": round(score, 1),
                "matched": field,
                "matched_text": text,
            }
        )
    return out


# ---- vessel profile ----------------------------------------------------------------------------
def identity_facts(v: dict[str, Any]) -> dict[str, Any]:
    """What a vessel's static codes mean: ship type as a name (ITU-R M.1371), the flag its
    MMSI's MID points to (ITU), its size."""
    st = ship_type(v.get("ship_type"))
    flag = flag_of(int(v["mmsi"])) if v.get("mmsi") is not None else None
    return {
        "ship_type": v.get("ship_type"),
        "ship_type_label": st.label if st else None,
        "flag_mid": flag.mid if flag else None,
        "flag_iso2": flag.iso2 if flag else None,
        "flag_country": flag.country if flag else None,
        "length_m": v.get("length_m"),
        "beam_m": v.get("beam_m"),
        "draught_m": v.get("draught_m"),
    }


def watch_status(
    reader: WorkspaceReader, mmsis: Sequence[int], imos: Sequence[int]
) -> dict[str, Any]:
    """Whether the watch stage (sanctions lists) has run, and this vessel's matches."""
    entries = reader.count("watchlist")
    out: dict[str, Any] = {"ran": entries > 0, "watchlist_entries": entries, "matches": []}
    if not reader.has("matches"):
        return out
    found = rows(
        reader.arrow(
            "SELECT * FROM matches WHERE mmsi IN (SELECT unnest(?)) OR imo IN (SELECT unnest(?))",
            [list(mmsis), list(imos)],
        )
    )
    if found and reader.has("watchlist"):
        ids = [m["entry_id"] for m in found]
        wl = {
            w["entry_id"]: w
            for w in rows(
                reader.arrow("SELECT * FROM watchlist WHERE entry_id IN (SELECT unnest(?))", [ids])
            )
        }
        for m in found:
            m["entry"] = wl.get(m["entry_id"])
    out["matches"] = found
    out["ran"] = out["ran"] or bool(found)
    return out


def weekly_activity(reader: WorkspaceReader, mmsis: Sequence[int]) -> list[dict[str, Any]]:
    """Gaps and port calls per ISO week (Monday) of the vessel's own events."""
    if not reader.has("events") or not mmsis:
        return []
    return rows(
        reader.arrow(
            "SELECT date_trunc('week', start_ts)::DATE AS week, "
            "count(*) FILTER (WHERE kind = 'gap') AS gaps, "
            "count(*) FILTER (WHERE kind = 'port_call') AS port_calls, "
            "coalesce(sum(" + HOURS_SQL + ") FILTER (WHERE kind = 'gap'), 0) AS dark_hours "
            "FROM events WHERE mmsi IN (SELECT unnest(?)) GROUP BY ALL ORDER BY week",
            [list(mmsis)],
        )
    )


def trips_of(
    reader: WorkspaceReader, mmsis: Sequence[int], imos: Sequence[int]
) -> list[dict[str, Any]]:
    if not reader.has("shipments"):
        return []
    return rows(
        reader.arrow(
            "SELECT shipment_id, mmsi, origin_port, destination_port, depart_ts, arrive_ts, "
            "inferred, confidence, containers FROM shipments "
            "WHERE mmsi IN (SELECT unnest(?)) OR imo IN (SELECT unnest(?)) ORDER BY depart_ts",
            [list(mmsis), list(imos)],
        )
    )


def vessel_profile(
    reader: WorkspaceReader, ident: int, activity: bool = True
) -> dict[str, Any] | None:
    """A vessel page's profile: identity facts per MMSI, the watch stage's status and matches,
    and (with `activity`) gaps and port calls per week and its trips. None when unknown."""
    mmsis = reader.resolve_vessel(ident)
    if not mmsis:
        return None
    by_mmsi = {v["mmsi"]: v for v in reader.vessels()}
    summaries = [by_mmsi.get(m, {"mmsi": m}) for m in mmsis]
    imos = sorted({s["imo"] for s in summaries if s.get("imo") is not None})
    out: dict[str, Any] = {
        "id": ident,
        "mmsis": mmsis,
        "facts": identity_facts(summaries[0]),
        "facts_by_mmsi": {str(s["mmsi"]): identity_facts(s) for s in summaries},
        "watch": watch_status(reader, mmsis, imos),
    }
    if activity:
        out["weekly"] = weekly_activity(reader, mmsis)
        out["trips"] = trips_of(reader, mmsis, imos)
    return out
