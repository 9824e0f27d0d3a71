"""Read-only queries behind the dashboard, the report and the exports.

`WorkspaceReader` opens the workspace's DuckDB file read-only and answers each question with
plain JSON-ready Python values (lists of dicts, ISO-8601 UTC times with a trailing Z). The web
server, the single-file report and the export bundles call the same methods, so the three always
tell the same story. No method writes.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import duckdb
import numpy as np
import pyarrow as pa
import shapely

from darkcargo import __version__
from darkcargo.assets import asset_path
from darkcargo.config import Case, load_case
from darkcargo.errors import WorkspaceError
from darkcargo.web.cache import FillOnceCache
from darkcargo.web.connection import open_read_only
from darkcargo.web.decimate import (
    DEFAULT_GAP_BREAK_S,
    DEFAULT_MAX_POINTS,
    decimate_track,
    tolerance_for_zoom,
)
from darkcargo.workspace import all_tables

if TYPE_CHECKING:
    from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

# Extra layers the page draws when their tables hold rows: table -> time columns (start, end).
# Each is exposed at /api/layers/{name}; the page's layer registry decides how to draw it.
LAYER_TABLES: dict[str, tuple[str | None, str | None]] = {
    "detections": ("ts", "ts"),
    "port_calls": ("arrival_ts", "departure_ts"),
    "shipments": ("depart_ts", "arrive_ts"),
    "sightings": ("ts", "ts"),
    "watchlist": (None, None),
    "matches": (None, None),
}
# JSON-in-text columns, per table, decoded for the client (the schemas' comments say which).
JSON_COLUMNS_BY_TABLE: dict[str, frozenset[str]] = {
    "events": frozenset({"evidence", "details"}),
    "estimates": frozenset({"inputs", "assumptions", "unverified", "sensitivity", "binding"}),
    "port_calls": frozenset({"evidence"}),
    "shipments": frozenset({"evidence"}),
    "matches": frozenset({"fields"}),
}
# Every column name that holds JSON in some table. Only text that looks like a JSON object or
# list is decoded, so a plain string column of the same name elsewhere stays a string.
JSON_COLUMNS = frozenset().union(*JSON_COLUMNS_BY_TABLE.values())
# Margin in degrees added around the case box and the data when clipping land.
LAND_MARGIN_DEG = 1.0
DEFAULT_LAND_RESOLUTION = "10m"
# Boxes wider than these spans (degrees) get the coarser Natural Earth land.
LAND_10M_MAX_SPAN_DEG = 40.0
LAND_50M_MAX_SPAN_DEG = 120.0
# Coordinates in responses are rounded to this many decimals (1e-5 deg ~ 1 m).
COORD_DECIMALS = 5
# The story's selection of events (see WorkspaceReader.story_events): rare kinds always kept,
# gaps near a watched port when they start or end within this distance of it, ...
STORY_KINDS = ("encounter", "identity_change", "spoof_jump", "shared_mmsi")
STORY_NEAR_WATCHED_PORT_KM = 50.0
# ... at most this many of each common kind otherwise (spread over time) ...
STORY_SAMPLE_PER_KIND = 800
# ... and a safety cap per kind on the events that matter (never reached on the demo season).
STORY_PRIORITY_CAP_PER_KIND = 20_000
# Tracks of vessels the case does not watch, on the map: lines drawn across reception holes
# shorter than the gap detector's 6 h (longer silences still break them), and at most
# OTHER_TRAFFIC_MAX_POINTS points each at OTHER_TRAFFIC_BASE_ZOOM (more when zoomed in).
OTHER_TRAFFIC_GAP_BREAK_S = 6 * 3600.0
OTHER_TRAFFIC_MAX_POINTS = 300
OTHER_TRAFFIC_BASE_ZOOM = 7
# Workspaces with at most this many positions keep them in memory, sorted, for the map's
# track requests (~32 bytes each: 160 MB at the cap).
TRACK_CACHE_MAX_POSITIONS = 5_000_000
# The reader keeps at most this many story selections (one per per_kind_sample asked; the page
# asks the default): each is megabytes of rows, so a cache per value a client tries is not.
STORY_CACHE_ENTRIES = 2
# Many-vessel tracks are built on this many worker threads of the reader's own (requests beyond
# wait their turn): each build holds masks and decimated runs (~20 MB for the demo season's map)
# and, on a workspace too big for the fixes cache, its own read of the positions. Few fixed
# threads also keep the C allocator's per-thread arenas, which hold on to freed memory, few.
TRACK_BUILD_THREADS = 2
# Identity fields whose changes make a new row in a vessel's identity history.
IDENTITY_FIELDS = ("imo", "name", "callsign", "ship_type", "length_m", "beam_m")

BBox = tuple[float, float, float, float]  # west, south, east, north


def iso(value: datetime | date | None) -> str | None:
    """ISO-8601 text for a naive-UTC timestamp (with Z) or a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def to_naive_utc(value: datetime | None) -> datetime | None:
    """Time filters arrive with or without an offset; the workspace stores naive UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _clean(value: Any, key: str = "") -> Any:
    if isinstance(value, datetime | date):
        return iso(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if key in JSON_COLUMNS and isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def rows(table: pa.Table) -> list[dict[str, Any]]:
    """Arrow rows as JSON-ready dicts (times as ISO text, JSON columns decoded, NaN as null,
    single-precision floats as the value they hold: 0.6, not 0.6000000238418579)."""
    singles = {f.name for f in table.schema if pa.types.is_float32(f.type)}
    out = []
    for r in table.to_pylist():
        d = {k: _clean(v, k) for k, v in r.items()}
        for k in singles:
            v = d.get(k)
            if isinstance(v, float):
                d[k] = float(f"{v:.7g}")
        out.append(d)
    return out


class _CursorWorkspace:
    """Just enough of a Workspace (its `con`) for read-only helpers of other stages that take
    one, over a cursor of the reader's read-only connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con


@dataclass(frozen=True)
class TrackDetail:
    """How hard to decimate a track: display zoom (None keeps every fix), the silence that
    breaks its line, and a cap on its points."""

    zoom: float | None
    gap_break_s: float = DEFAULT_GAP_BREAK_S
    max_points: int = DEFAULT_MAX_POINTS

    @property
    def tolerance_deg(self) -> float:
        return tolerance_for_zoom(self.zoom) if self.zoom is not None else 0.0


def _epoch_s(value: datetime | None) -> float:
    """Seconds since 1970 of a naive-UTC datetime."""
    assert value is not None
    return (value - datetime(1970, 1, 1)).total_seconds()


def other_traffic_max_points(zoom: float) -> int:
    """Point cap for a track that is not watched: OTHER_TRAFFIC_MAX_POINTS at a regional zoom,
    doubling with each zoom level closer (the view's box then holds less of the track)."""
    extra = max(0.0, zoom - OTHER_TRAFFIC_BASE_ZOOM)
    return int(min(DEFAULT_MAX_POINTS, OTHER_TRAFFIC_MAX_POINTS * 2.0**extra))


@dataclass(frozen=True)
class Track:
    """A decimated track: runs of [lat, lon, epoch seconds] broken at gaps."""

    mmsi: int
    n_positions: int
    tolerance_deg: float
    runs: list[list[list[float]]]

    @property
    def n_points(self) -> int:
        return sum(len(r) for r in self.runs)

    def as_json(self) -> dict[str, Any]:
        return {
            "mmsi": self.mmsi,
            "n_positions": self.n_positions,
            "n_points": self.n_points,
            "tolerance_deg": self.tolerance_deg,
            "runs": self.runs,
        }


def _decimated(
    mmsi: int,
    ts: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    tolerance_deg: float,
    bbox: BBox | None,
    gap_break_s: float,
    max_points: int,
) -> Track:
    """One vessel's fixes (time order) decimated into a Track of rounded runs."""
    dec = decimate_track(ts, lat, lon, tolerance_deg, bbox, gap_break_s, max_points)
    idx = dec.index
    if idx.size == 0:
        return Track(mmsi, int(ts.size), tolerance_deg, [])
    pts = np.column_stack(
        (
            np.round(lat[idx], COORD_DECIMALS),
            np.round(lon[idx], COORD_DECIMALS),
            np.round(ts[idx]),
        )
    )
    cuts = np.flatnonzero(np.diff(dec.run)) + 1
    runs = [p.tolist() for p in np.split(pts, cuts)]
    return Track(mmsi, int(ts.size), tolerance_deg, runs)


@cache
def land_geojson(bbox: BBox, resolution: str = DEFAULT_LAND_RESOLUTION) -> dict[str, Any]:
    """Natural Earth land (world-atlas, vendored at set-up) clipped to bbox, as a GeoJSON
    FeatureCollection of one MultiPolygon. Cached per (bbox, resolution)."""
    from darkcargo.geo.land import decode_topojson

    topo = json.loads(asset_path("world-atlas", f"land-{resolution}.json").read_text())
    parts = shapely.get_parts(decode_topojson(topo, "land"))
    west, south, east, north = bbox
    clipped = shapely.clip_by_rect(parts, west, south, east, north)
    polys = shapely.get_parts(clipped[~shapely.is_empty(clipped)])
    polys = polys[shapely.get_type_id(polys) == 3]  # drop slivers clipped to lines/points
    polys = shapely.set_precision(polys, 10.0**-COORD_DECIMALS)
    polys = polys[~shapely.is_empty(polys)]
    geometry = shapely.geometry.mapping(shapely.multipolygons(shapely.get_parts(polys)))
    return {
        "type": "FeatureCollection",
        "bbox": [west, south, east, north],
        "features": [
            {
                "type": "Feature",
                "properties": {"source": f"Natural Earth land {resolution} (world-atlas)"},
                "geometry": _lists(geometry),
            }
        ],
    }


def _lists(obj: Any) -> Any:
    """shapely's mapping() uses tuples; GeoJSON writers and tests expect lists."""
    if isinstance(obj, dict):
        return {k: _lists(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_lists(v) for v in obj]
    return obj


def _time_window(
    where: list[str], params: list[Any], since: datetime | None, until: datetime | None
) -> None:
    """Add the positions' [since, until] clauses to a WHERE list and its parameters."""
    if since is not None:
        where.append("ts >= ?")
        params.append(to_naive_utc(since))
    if until is not None:
        where.append("ts <= ?")
        params.append(to_naive_utc(until))


class WorkspaceReader:
    """Read-only view of a workspace for presentation. Safe to share between threads: each
    query runs on its own cursor of one read-only DuckDB connection."""

    def __init__(
        self, path: str | Path, case: str | None = None, external_access: bool = False
    ) -> None:
        """Open `path` read-only and sandboxed (no file or network access from SQL, settings
        locked: see darkcargo.web.connection); `external_access` lifts the sandbox for the
        export bundles, which COPY results to files. Raises InputError (one line, naming the
        file) when it is not a darkcargo workspace."""
        self.path = Path(path)
        if not self.path.exists():
            raise WorkspaceError(f"{self.path}: no such workspace; run 'darkcargo ingest' first")
        self.external_access = external_access
        self._con = open_read_only(self.path, external_access=external_access)
        self._lock = threading.Lock()
        self.case: Case = load_case(case)
        present = {
            r[0]
            for r in self._con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        self.tables = {name: schema for name, schema in all_tables().items() if name in present}
        # Values computed once for the reader's life (the workspace is read-only, so they never
        # go stale), and the story selections, a few at most (see STORY_CACHE_ENTRIES).
        self._memo = FillOnceCache()
        self._stories = FillOnceCache(STORY_CACHE_ENTRIES)
        self._track_pool = ThreadPoolExecutor(TRACK_BUILD_THREADS, "darkcargo-tracks")

    def close(self) -> None:
        self._track_pool.shutdown(wait=True, cancel_futures=True)
        self._con.close()

    def __enter__(self) -> WorkspaceReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing -----------------------------------------------------------------------------
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of the read-only connection, quiet (no progress bar on long work)."""
        with self._lock:
            cur = self._con.cursor()
        if self.external_access:  # a sandboxed connection's settings are locked (and quiet)
            cur.execute("SET enable_progress_bar = false")
        return cur

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run a statement whose result nobody needs, such as COPY (...) TO a file: the
        workspace stays untouched (the connection is read-only)."""
        cur = self._cursor()
        try:
            cur.execute(sql, list(params or []))
            cur.fetchall()
        finally:
            cur.close()

    def batches(
        self, sql: str, params: Sequence[Any] | None = None, batch_rows: int = 50_000
    ) -> Iterator[pa.RecordBatch]:
        """A query's result as Arrow record batches, streamed (never all in memory at once)."""
        cur = self._cursor()
        try:
            rel = cur.sql(sql, params=list(params or []))
            fetch = getattr(rel, "to_arrow_reader", None) or rel.fetch_arrow_reader
            yield from fetch(batch_rows)
        finally:
            cur.close()

    def arrow(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pa.Table:
        """Run one query on its own cursor; positional (?) or named ($name) parameters."""
        cur = self._cursor()
        try:
            bound = dict(params) if isinstance(params, Mapping) else list(params or [])
            rel = cur.sql(sql, params=bound)
            # DuckDB 2 renamed the relation's arrow() to to_arrow_table()
            fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
            return fetch()
        finally:
            cur.close()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        table = self.arrow(sql, params)
        return table.column(0)[0].as_py() if table.num_rows else None

    def has(self, table: str) -> bool:
        return table in self.tables

    def count(self, table: str) -> int:
        if not self.has(table):
            return 0
        return int(self.scalar(f'SELECT count(*) FROM "{table}"') or 0)

    def table(self, name: str) -> pa.Table:
        """A whole canonical table (empty with its schema when missing)."""
        if not self.has(name):
            return all_tables()[name].empty_table()
        return self.arrow(f'SELECT * FROM "{name}"')

    def meta(self) -> dict[str, str]:
        try:
            table = self.arrow("SELECT key, value FROM meta ORDER BY key").to_pylist()
            return {str(r["key"]): str(r["value"]) for r in table}
        except duckdb.Error:
            return {}

    # -- vessels ------------------------------------------------------------------------------
    def vessels(self) -> list[dict[str, Any]]:
        """Every MMSI seen in positions, statics or events, with its latest identity (last
        non-null value of each static field), position span and event counts by kind."""
        return list(self._memo.get("vessels", self._vessels))

    def _vessels(self) -> list[dict[str, Any]]:
        parts = []
        for t, col in (("positions", "mmsi"), ("statics", "mmsi"), ("events", "mmsi")):
            if self.has(t):
                parts.append(f'SELECT DISTINCT {col} AS mmsi FROM "{t}" WHERE {col} IS NOT NULL')
        if not parts:
            return []
        ident = ", ".join(
            f"arg_max({f}, ts) FILTER (WHERE {f} IS NOT NULL) AS {f}"
            for f in (*IDENTITY_FIELDS, "draught_m", "destination")
        )
        sql = f"""
            WITH ids AS ({" UNION ".join(parts)}),
            ident AS (SELECT mmsi, {ident}, max(ts) AS last_static_ts
                      FROM statics GROUP BY mmsi),
            pos AS (SELECT mmsi, count(*) AS n_positions, min(ts) AS first_ts, max(ts) AS last_ts
                    FROM positions GROUP BY mmsi)
            SELECT ids.mmsi, ident.* EXCLUDE (mmsi), pos.* EXCLUDE (mmsi)
            FROM ids LEFT JOIN ident USING (mmsi) LEFT JOIN pos USING (mmsi)
            ORDER BY ids.mmsi
        """
        out = rows(self.arrow(sql))
        counts: dict[int, dict[str, int]] = {}
        if self.has("events"):
            for r in self.arrow(
                "SELECT mmsi, kind, count(*) AS n FROM events GROUP BY mmsi, kind"
            ).to_pylist():
                counts.setdefault(r["mmsi"], {})[r["kind"]] = r["n"]
        matched = self._matched_ids()
        watched = self.watched()
        for v in out:
            v["n_positions"] = v.get("n_positions") or 0
            v["event_counts"] = counts.get(v["mmsi"], {})
            v["n_events"] = sum(v["event_counts"].values())
            v["sanctioned"] = v["mmsi"] in matched[0] or (v.get("imo") in matched[1])
            v["watched"] = watched.get(v["mmsi"])
        return out

    def watched(self) -> dict[int, str]:
        """MMSI -> name of the case's watched vessel it belongs to, found the way the shipments
        stage finds them (darkcargo.shipments.build.watched_mmsis: by IMO through statics, the
        case's own MMSIs, and by AIS name only for vessels the case gives neither)."""
        return dict(self._memo.get("watched", self._watched))

    def _watched(self) -> dict[int, str]:
        out: dict[int, str] = {}
        if self.case.vessels:
            if self.has("statics"):
                from darkcargo.shipments.build import watched_mmsis

                with self._lock:
                    cur = self._con.cursor()
                try:
                    shim = cast("Workspace", _CursorWorkspace(cur))
                    found = watched_mmsis(shim, self.case).mmsis
                finally:
                    cur.close()
                out = {m: name for name, ms in found.items() for m in ms}
            else:
                out = {v.mmsi: v.name for v in self.case.vessels if v.mmsi is not None}
        return out

    def _matched_ids(self) -> tuple[set[int], set[int]]:
        if not self.has("matches"):
            return set(), set()
        t = self.arrow("SELECT mmsi, imo FROM matches").to_pydict()
        return {m for m in t["mmsi"] if m is not None}, {i for i in t["imo"] if i is not None}

    def resolve_vessel(self, ident: int) -> list[int]:
        """MMSIs for a vessel id: the MMSI itself when known, else every MMSI that broadcast
        that IMO number. Empty when unknown."""
        known = {v["mmsi"] for v in self.vessels()}
        if ident in known:
            return [ident]
        if self.has("statics"):
            found = self.arrow(
                "SELECT DISTINCT mmsi FROM statics WHERE imo = ? ORDER BY mmsi", [ident]
            ).column("mmsi")
            return [int(m) for m in found.to_pylist()]
        return []

    def identity_history(self, mmsis: Sequence[int]) -> list[dict[str, Any]]:
        """Runs of unchanged identity per MMSI (fields forward-filled over partial messages)."""
        if not mmsis or not self.has("statics"):
            return []
        fill = ", ".join(
            f"last_value({f} IGNORE NULLS) OVER (PARTITION BY mmsi ORDER BY ts "
            f"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS {f}"
            for f in IDENTITY_FIELDS
        )
        key = ", ".join(IDENTITY_FIELDS)
        sql = f"""
            WITH f AS (SELECT mmsi, ts, destination, {fill} FROM statics
                       WHERE mmsi IN (SELECT unnest(?))),
            c AS (SELECT *, CASE WHEN ({key}) IS NOT DISTINCT FROM
                         lag(({key})) OVER (PARTITION BY mmsi ORDER BY ts) THEN 0 ELSE 1 END AS chg
                  FROM f),
            g AS (SELECT *, sum(chg) OVER (PARTITION BY mmsi ORDER BY ts
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS grp
                  FROM c)
            SELECT mmsi, {key}, min(ts) AS first_seen, max(ts) AS last_seen,
                   count(*) AS n_messages,
                   list(DISTINCT destination) FILTER (WHERE destination IS NOT NULL) AS destinations
            FROM g GROUP BY mmsi, grp, {key} ORDER BY first_seen, mmsi
        """
        return rows(self.arrow(sql, [list(mmsis)]))

    def vessel(self, ident: int) -> dict[str, Any] | None:
        """One vessel by MMSI or IMO: identity, identity history, events, sanctions matches,
        port calls, shipments and the radar detections matched to it. None when the workspace
        has never seen it."""
        mmsis = self.resolve_vessel(ident)
        if not mmsis:
            return None
        by_mmsi = {v["mmsi"]: v for v in self.vessels()}
        summaries = [by_mmsi[m] for m in mmsis if m in by_mmsi]
        events = self.events(vessel=ident, limit=None)["items"]
        out: dict[str, Any] = {
            "id": ident,
            "mmsis": mmsis,
            "identity": summaries[0] if summaries else {"mmsi": mmsis[0]},
            "vessels": summaries,
            "identity_history": self.identity_history(mmsis),
            "events": events,
        }
        imos = {s.get("imo") for s in summaries if s.get("imo") is not None}
        for name, id_cols in (
            ("matches", ("mmsi", "imo")),
            ("port_calls", ("mmsi", "imo")),
            ("shipments", ("mmsi", "imo")),
        ):
            if not self.has(name):
                out[name] = []
                continue
            sql = (
                f'SELECT * FROM "{name}" WHERE {id_cols[0]} IN (SELECT unnest(?)) '
                f"OR {id_cols[1]} IN (SELECT unnest(?))"
            )
            out[name] = rows(self.arrow(sql, [mmsis, sorted(imos)]))
        # radar detections matched to this vessel (the page lists them beside its port calls)
        out["detections"] = (
            rows(
                self.arrow(
                    "SELECT * FROM detections WHERE matched_mmsi IN (SELECT unnest(?)) ORDER BY ts",
                    [mmsis],
                )
            )
            if self.has("detections")
            else []
        )
        if out["matches"] and self.has("watchlist"):
            ids = [m["entry_id"] for m in out["matches"]]
            wl = rows(
                self.arrow("SELECT * FROM watchlist WHERE entry_id IN (SELECT unnest(?))", [ids])
            )
            entries = {w["entry_id"]: w for w in wl}
            for m in out["matches"]:
                m["entry"] = entries.get(m["entry_id"])
        return out

    # -- events -------------------------------------------------------------------------------
    def events(
        self,
        kinds: Iterable[str] | None = None,
        vessel: int | None = None,
        port: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        bbox: BBox | None = None,
        limit: int | None = 1000,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Events filtered by kind(s), vessel (MMSI or IMO, either side of an encounter), port,
        time overlap with [since, until] and bbox (start or end point inside); paged."""
        if not self.has("events"):
            return {"total": 0, "limit": limit, "offset": offset, "items": []}
        where, params = self._event_filters(kinds, vessel, port, since, until, bbox)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = int(self.scalar(f"SELECT count(*) FROM events {clause}", params) or 0)
        page = f" LIMIT {int(limit)}" if limit is not None else ""
        page += f" OFFSET {int(offset)}" if offset else ""
        items = rows(
            self.arrow(f"SELECT * FROM events {clause} ORDER BY start_ts, event_id{page}", params)
        )
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    def _event_filters(
        self,
        kinds: Iterable[str] | None,
        vessel: int | None,
        port: str | None,
        since: datetime | None,
        until: datetime | None,
        bbox: BBox | None,
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        kinds = [k for k in (kinds or []) if k]
        if kinds:
            where.append("kind IN (SELECT unnest(?))")
            params.append(kinds)
        if vessel is not None:
            mmsis = self.resolve_vessel(vessel) or [vessel]
            where.append("(mmsi IN (SELECT unnest(?)) OR other_mmsi IN (SELECT unnest(?)))")
            params += [mmsis, mmsis]
        if port:
            where.append("port_id = ?")
            params.append(port)
        if since is not None:
            where.append("coalesce(end_ts, start_ts) >= ?")
            params.append(to_naive_utc(since))
        if until is not None:
            where.append("start_ts <= ?")
            params.append(to_naive_utc(until))
        if bbox is not None:
            w, s, e, n = bbox
            where.append(
                "((lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) OR "
                "(end_lat BETWEEN ? AND ? AND end_lon BETWEEN ? AND ?))"
            )
            params += [s, n, w, e, s, n, w, e]
        return where, params

    def story_events(
        self,
        per_kind_sample: int = STORY_SAMPLE_PER_KIND,
        priority_cap: int = STORY_PRIORITY_CAP_PER_KIND,
        near_port_km: float = STORY_NEAR_WATCHED_PORT_KM,
    ) -> dict[str, Any]:
        """The events an analyst of the case needs first, then a sample of the rest.

        Every event is given a reason (`why`) when it matters to the case: it involves a watched
        vessel (either side), it is of a rare kind (STORY_KINDS: encounters, identity changes,
        spoofing jumps, shared MMSIs), it is a gap flagged as intentional disabling or starting
        or ending within `near_port_km` of a watched port, or it is a port call at a watched port.
        Those are all kept (up to `priority_cap` per kind, a safety net for huge workspaces);
        the rest (port calls elsewhere, ordinary coverage gaps, loitering) are sampled to at most
        `per_kind_sample` per kind, evenly spread over their time order so the whole period is
        covered. Returns the selected rows (time order, with `why`, None for sampled ones) and
        complete counts by kind, so a page can say what was left out.
        """
        empty = {"items": [], "total": 0, "kinds": [], "rules": {}}
        if not self.has("events"):
            return empty
        key = (per_kind_sample, priority_cap, near_port_km)
        return dict(
            self._stories.get(
                key, lambda: self._story_events(per_kind_sample, priority_cap, near_port_km)
            )
        )

    def _story_events(
        self, per_kind_sample: int, priority_cap: int, near_port_km: float
    ) -> dict[str, Any]:
        watched = sorted(self.watched())
        ports = [p.id for p in self.case.ports if p.watched]
        rules = {
            "per_kind_sample": per_kind_sample,
            "priority_cap_per_kind": priority_cap,
            "near_watched_port_km": near_port_km,
            "story_kinds": list(STORY_KINDS),
            "watched_mmsis": watched,
            "watched_ports": ports,
        }
        detail = "CASE WHEN json_valid(details) THEN json_extract_string(details, '$.{}') END"
        near = (
            "({sp} IN (SELECT unnest($ports)) AND TRY_CAST({spk} AS DOUBLE) <= $km)".format(
                sp=detail.format("off_port"), spk=detail.format("off_port_km")
            )
            + " OR "
            + "({ep} IN (SELECT unnest($ports)) AND TRY_CAST({epk} AS DOUBLE) <= $km)".format(
                ep=detail.format("on_port"), epk=detail.format("on_port_km")
            )
        )
        intentional = f"TRY_CAST({detail.format('intentional_disabling')} AS BOOLEAN)"
        sql = f"""
            WITH e AS (
                SELECT *, CASE
                    WHEN mmsi IN (SELECT unnest($watched))
                         OR other_mmsi IN (SELECT unnest($watched)) THEN 'watched vessel'
                    WHEN kind IN (SELECT unnest($kinds)) THEN 'rare kind'
                    WHEN kind = 'gap' AND coalesce({intentional}, false)
                        THEN 'intentional disabling'
                    WHEN kind = 'gap' AND ({near}) THEN 'gap near a watched port'
                    WHEN kind = 'port_call' AND port_id IN (SELECT unnest($ports))
                        THEN 'call at a watched port'
                    END AS why
                FROM events),
            r AS (
                SELECT *,
                    row_number() OVER w AS rn,
                    count(*) OVER (PARTITION BY why IS NULL, kind) AS n,
                    CASE WHEN why IS NULL THEN $sample ELSE $cap END AS cap
                FROM e WINDOW w AS (PARTITION BY why IS NULL, kind ORDER BY start_ts, event_id))
            SELECT * EXCLUDE (rn, n, cap), why IS NOT NULL AS priority,
                   n <= cap OR rn = 1
                   OR floor((rn - 1) * cap / n) > floor((rn - 2) * cap / n) AS keep
            FROM r
        """
        params = {
            "watched": watched,
            "kinds": list(STORY_KINDS),
            "ports": ports,
            "km": near_port_km,
            "sample": per_kind_sample,
            "cap": priority_cap,
        }
        base = f"SELECT * FROM ({sql})"
        rounded = ", ".join(
            f"round({c}, {COORD_DECIMALS}) AS {c}" for c in ("lat", "lon", "end_lat", "end_lon")
        )
        counts = self.arrow(
            f"SELECT kind, count(*) AS total, count(*) FILTER (WHERE priority) AS priority, "
            f"count(*) FILTER (WHERE keep) AS shown, "
            f"count(*) FILTER (WHERE keep AND priority) AS priority_shown "
            f"FROM ({base}) GROUP BY kind ORDER BY kind",
            params,
        ).to_pylist()
        items = rows(
            self.arrow(
                f"SELECT * EXCLUDE (keep, priority) REPLACE ({rounded}) FROM ({base}) WHERE keep "
                "ORDER BY start_ts, event_id",
                params,
            )
        )
        out = {
            "items": items,
            "total": sum(c["total"] for c in counts),
            "kinds": counts,
            "rules": rules,
        }
        return out

    def event_kinds(self) -> dict[str, int]:
        if not self.has("events"):
            return {}
        return {
            r["kind"]: r["n"]
            for r in self.arrow(
                "SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind"
            ).to_pylist()
        }

    # -- tracks -------------------------------------------------------------------------------
    def positions_of(
        self, mmsi: int, since: datetime | None = None, until: datetime | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(epoch seconds, lat, lon) of one MMSI's fixes in time order."""
        if not self.has("positions"):
            z = np.zeros(0)
            return z, z, z
        where: list[str] = ["mmsi = ?"]
        params: list[Any] = [mmsi]
        _time_window(where, params, since, until)
        # Rows usually come back in insertion order, already sorted by time: checking that in
        # NumPy and sorting only when needed is ~5x cheaper than ORDER BY on a 1M-fix track.
        t = self.arrow(
            "SELECT epoch_us(ts) AS t, lat, lon FROM positions WHERE " + " AND ".join(where),
            params,
        )
        t_us = t.column("t").to_numpy(zero_copy_only=False)
        lat = t.column("lat").to_numpy(zero_copy_only=False).astype(np.float64)
        lon = t.column("lon").to_numpy(zero_copy_only=False).astype(np.float64)
        if t_us.size > 1 and bool(np.any(t_us[1:] < t_us[:-1])):
            order = np.argsort(t_us, kind="stable")
            t_us, lat, lon = t_us[order], lat[order], lon[order]
        return t_us.astype(np.float64) / 1e6, lat, lon

    def track(
        self,
        mmsi: int,
        zoom: float | None = None,
        bbox: BBox | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        gap_break_s: float = DEFAULT_GAP_BREAK_S,
        max_points: int = DEFAULT_MAX_POINTS,
    ) -> Track:
        """One MMSI's track decimated for display at `zoom` (None: every fix) in bbox/time."""
        ts, lat, lon = self.positions_of(mmsi, since, until)
        tol = tolerance_for_zoom(zoom) if zoom is not None else 0.0
        return _decimated(mmsi, ts, lat, lon, tol, bbox, gap_break_s, max_points)

    def tracks(
        self,
        mmsis: Sequence[int] | None = None,
        zoom: float | None = None,
        bbox: BBox | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        gap_break_s: float = DEFAULT_GAP_BREAK_S,
        max_points: int = DEFAULT_MAX_POINTS,
        exclude: Sequence[int] | None = None,
        detail_for: Mapping[int, TrackDetail] | None = None,
    ) -> list[Track]:
        """Tracks of many MMSIs (`mmsis`, default every one, less `exclude`) decimated like
        track(), from one read of the positions table instead of one query per vessel;
        `detail_for` gives some MMSIs their own decimation. Tracks left with no fix in view are
        omitted; order is by MMSI. Built on the reader's TRACK_BUILD_THREADS track threads."""
        if not self.has("positions"):
            return []
        job = self._track_pool.submit(
            self._tracks,
            mmsis,
            zoom,
            bbox,
            since,
            until,
            gap_break_s,
            max_points,
            exclude,
            detail_for,
        )
        return job.result()

    def _tracks(
        self,
        mmsis: Sequence[int] | None,
        zoom: float | None,
        bbox: BBox | None,
        since: datetime | None,
        until: datetime | None,
        gap_break_s: float,
        max_points: int,
        exclude: Sequence[int] | None,
        detail_for: Mapping[int, TrackDetail] | None,
    ) -> list[Track]:
        mm, ts, lat, lon = self._fixes(mmsis, exclude, since, until)
        if mm.size == 0:
            return []
        cuts = np.flatnonzero(np.diff(mm)) + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [mm.size]))
        default = TrackDetail(zoom, gap_break_s, max_points)
        special = detail_for or {}
        out: list[Track] = []
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            m = int(mm[a])
            d = special.get(m, default)
            track = _decimated(
                m, ts[a:b], lat[a:b], lon[a:b], d.tolerance_deg, bbox, d.gap_break_s, d.max_points
            )
            if track.runs:
                out.append(track)
        return out

    def _fixes(
        self,
        mmsis: Sequence[int] | None,
        exclude: Sequence[int] | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(mmsi, epoch seconds, lat, lon) of the chosen fixes, sorted by (mmsi, time).

        A workspace of at most TRACK_CACHE_MAX_POSITIONS positions is read and sorted once and
        kept (the reader is read-only, so it cannot go stale): the map asks for every track on
        each move, and the read and sort are most of the cost. Filters are then NumPy masks."""
        n = self.count("positions")
        if n <= TRACK_CACHE_MAX_POSITIONS:
            # filled once: simultaneous first requests wait for one read instead of each reading
            mm, ts, lat, lon = self._memo.get(
                "fixes", lambda: self._read_fixes(None, None, None, None)
            )
            keep = np.ones(mm.size, dtype=bool)
            if mmsis is not None:
                keep &= np.isin(mm, np.asarray(list(mmsis), dtype=np.int64))
            if exclude:
                keep &= ~np.isin(mm, np.asarray(list(exclude), dtype=np.int64))
            if since is not None:
                keep &= ts >= _epoch_s(to_naive_utc(since))
            if until is not None:
                keep &= ts <= _epoch_s(to_naive_utc(until))
            if keep.all():
                return mm, ts, lat, lon
            return mm[keep], ts[keep], lat[keep], lon[keep]
        return self._read_fixes(mmsis, exclude, since, until)

    def _read_fixes(
        self,
        mmsis: Sequence[int] | None,
        exclude: Sequence[int] | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        where: list[str] = ["lat IS NOT NULL", "lon IS NOT NULL"]
        params: list[Any] = []
        if mmsis is not None:
            where.append("mmsi IN (SELECT unnest(?))")
            params.append(list(mmsis))
        if exclude:
            where.append("mmsi NOT IN (SELECT unnest(?))")
            params.append(list(exclude))
        _time_window(where, params, since, until)
        # DuckDB's parallel sort beats NumPy's lexsort here by ~3x
        t = self.arrow(
            "SELECT mmsi, epoch_us(ts) AS t, lat, lon FROM positions WHERE "
            + " AND ".join(where)
            + " ORDER BY mmsi, ts",
            params,
        ).combine_chunks()
        mm = t.column("mmsi").to_numpy().astype(np.int64)
        ts = t.column("t").to_numpy().astype(np.float64) / 1e6
        lat = t.column("lat").to_numpy().astype(np.float64)
        lon = t.column("lon").to_numpy().astype(np.float64)
        return mm, ts, lat, lon

    def map_tracks(
        self,
        zoom: float,
        bbox: BBox | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Track]:
        """Every track for the map at `zoom`: the case's watched vessels in full detail, the
        other traffic much lighter (lines across reception holes shorter than
        OTHER_TRAFFIC_GAP_BREAK_S, at most other_traffic_max_points(zoom) points each)."""
        fine = TrackDetail(zoom, DEFAULT_GAP_BREAK_S, DEFAULT_MAX_POINTS)
        return self.tracks(
            None,
            zoom,
            bbox,
            since,
            until,
            gap_break_s=OTHER_TRAFFIC_GAP_BREAK_S,
            max_points=other_traffic_max_points(zoom),
            detail_for={m: fine for m in self.watched()},
        )

    # -- places, estimates, claims, layers ----------------------------------------------------
    def ports(self) -> list[dict[str, Any]]:
        """The case's watched places with their event and port-call counts."""
        ev: dict[str, int] = {}
        if self.has("events"):
            ev = {
                r["port_id"]: r["n"]
                for r in self.arrow(
                    "SELECT port_id, count(*) AS n FROM events WHERE port_id IS NOT NULL "
                    "GROUP BY port_id"
                ).to_pylist()
            }
        calls: dict[str, int] = {}
        if self.has("port_calls"):
            calls = {
                r["port_id"]: r["n"]
                for r in self.arrow(
                    "SELECT port_id, count(*) AS n FROM port_calls GROUP BY port_id"
                ).to_pylist()
            }
        origin, dest = set(self.case.origin_ports), set(self.case.destination_ports)
        return [
            {
                "id": p.id,
                "name": p.name,
                "lat": p.lat,
                "lon": p.lon,
                "radius_km": p.radius_km,
                "locode": p.locode,
                "country": p.country,
                "kind": p.kind,
                "watched": p.watched,
                "role": "origin" if p.id in origin else "destination" if p.id in dest else None,
                "unverified": list(p.unverified),
                "n_events": ev.get(p.id, 0),
                "n_port_calls": calls.get(p.id, 0),
            }
            for p in self.case.ports
        ]

    def estimates(self) -> list[dict[str, Any]]:
        if not self.has("estimates"):
            return []
        return rows(self.arrow("SELECT * FROM estimates ORDER BY quantity, method, estimate_id"))

    def claims(self) -> list[dict[str, Any]]:
        """Claims with their document's title and date and every grading of them."""
        if not self.has("claims"):
            return []
        docs = ""
        if self.has("documents"):
            docs = (
                "LEFT JOIN (SELECT doc_id, title AS doc_title, published AS doc_published, "
                "path AS doc_path FROM documents) d USING (doc_id)"
            )
        out = rows(self.arrow(f"SELECT * FROM claims {docs} ORDER BY claim_date, claim_id"))
        grades: dict[str, list[dict[str, Any]]] = {}
        if self.has("gradings"):
            for g in rows(self.arrow("SELECT * FROM gradings ORDER BY graded_at")):
                grades.setdefault(g["claim_id"], []).append(g)
        for c in out:
            c["gradings"] = grades.get(c["claim_id"], [])
        return out

    def layers(self) -> list[dict[str, Any]]:
        """The extra layers' tables, their row counts and time columns."""
        return [
            {"name": name, "count": self.count(name), "time": list(cols)}
            for name, cols in LAYER_TABLES.items()
        ]

    def layer(
        self,
        name: str,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 5000,
        offset: int = 0,
        sample: int | None = None,
    ) -> dict[str, Any]:
        """Rows of one extra layer's table, overlapping [since, until] when it has times.

        With `sample`, at most that many rows evenly spread over the table's time order (all of
        them when there are fewer), instead of a page; `total` still counts every row."""
        if name not in LAYER_TABLES:
            raise KeyError(name)
        if not self.has(name):
            return {"name": name, "total": 0, "items": []}
        start, end = LAYER_TABLES[name]
        where: list[str] = []
        params: list[Any] = []
        if since is not None and end:
            where.append(f"coalesce({end}, {start}) >= ?")
            params.append(to_naive_utc(since))
        if until is not None and start:
            where.append(f"coalesce({start}, {end}) <= ?")
            params.append(to_naive_utc(until))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = int(self.scalar(f'SELECT count(*) FROM "{name}" {clause}', params) or 0)
        order = f"ORDER BY {start}" if start else ""
        if sample is not None and total > sample:
            k = int(sample)
            spread = (
                f'SELECT * EXCLUDE (_rn) FROM (SELECT *, row_number() OVER ({order}) AS _rn FROM "{name}" '
                f"{clause}) WHERE _rn = 1 OR floor((_rn - 1) * {k} / {total}) > "
                f"floor((_rn - 2) * {k} / {total}) {order}"
            )
            return {"name": name, "total": total, "items": rows(self.arrow(spread, params))}
        page = f" LIMIT {int(limit)}" if limit is not None else ""
        page += f" OFFSET {int(offset)}" if offset else ""
        items = rows(self.arrow(f'SELECT * FROM "{name}" {clause} {order}{page}', params))
        return {"name": name, "total": total, "items": items}

    # -- context ------------------------------------------------------------------------------
    def time_extent(self) -> tuple[str | None, str | None]:
        """Earliest and latest time across positions and events."""
        parts = []
        if self.has("positions"):
            parts.append("SELECT min(ts) AS a, max(ts) AS b FROM positions")
        if self.has("events"):
            parts.append("SELECT min(start_ts), max(coalesce(end_ts, start_ts)) FROM events")
        if not parts:
            return None, None
        r = self.arrow(f"SELECT min(a) AS a, max(b) AS b FROM ({' UNION ALL '.join(parts)})")
        a, b = r.column("a")[0].as_py(), r.column("b")[0].as_py()
        return iso(a), iso(b)

    def data_bbox(self) -> BBox | None:
        """Extent (west, south, east, north) of every valid position and event point."""
        return self._memo.get("data_bbox", self._data_bbox)

    def _data_bbox(self) -> BBox | None:
        parts = []
        if self.has("positions"):
            parts.append("SELECT lat, lon FROM positions")
        if self.has("events"):
            parts.append("SELECT lat, lon FROM events")
        box: BBox | None = None
        if parts:
            r = self.arrow(
                "SELECT min(lon) AS w, min(lat) AS s, max(lon) AS e, max(lat) AS n FROM ("
                + " UNION ALL ".join(parts)
                + ") WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180"
            ).to_pylist()[0]
            if r["w"] is not None:
                box = (r["w"], r["s"], r["e"], r["n"])
        return box

    def bbox(self) -> BBox:
        """The map's box: the case box grown to take in the data when they overlap, the data's
        own box when they do not (someone else's sea), plus a margin."""
        lat_min, lat_max, lon_min, lon_max = self.case.bbox
        west, south, east, north = lon_min, lat_min, lon_max, lat_max
        data = self.data_bbox()
        if data is not None:
            overlaps = data[0] <= east and data[2] >= west and data[1] <= north and data[3] >= south
            if overlaps:
                west, south = min(west, data[0]), min(south, data[1])
                east, north = max(east, data[2]), max(north, data[3])
            else:
                west, south, east, north = data
        m = LAND_MARGIN_DEG
        return (
            max(-180.0, west - m),
            max(-90.0, south - m),
            min(180.0, east + m),
            min(90.0, north + m),
        )

    def land(self, resolution: str | None = None) -> dict[str, Any]:
        """Land clipped to the map's box; by default 10m detail, coarser for wide boxes so the
        page stays light."""
        box = self.bbox()
        if resolution is None:
            span = max(box[2] - box[0], box[3] - box[1])
            resolution = (
                DEFAULT_LAND_RESOLUTION
                if span <= LAND_10M_MAX_SPAN_DEG
                else "50m"
                if span <= LAND_50M_MAX_SPAN_DEG
                else "110m"
            )
        return land_geojson(box, resolution)

    def parameters(self) -> list[dict[str, Any]]:
        """Distinct (table, preset, params_hash) recorded on derived rows."""
        out: list[dict[str, Any]] = []
        for t in ("segments", "events"):
            if self.has(t):
                out += [
                    {"table": t, **r}
                    for r in rows(
                        self.arrow(
                            f'SELECT preset, params_hash, count(*) AS n FROM "{t}" '
                            "GROUP BY preset, params_hash ORDER BY preset, params_hash"
                        )
                    )
                ]
        if self.has("estimates"):
            out += [
                {"table": "estimates", "preset": r["method"], **r}
                for r in rows(
                    self.arrow(
                        "SELECT method, params_hash, count(*) AS n FROM estimates "
                        "GROUP BY method, params_hash ORDER BY method, params_hash"
                    )
                )
            ]
            for r in out:
                r.pop("method", None)
        return out

    def sources(self) -> list[dict[str, Any]]:
        if not self.has("sources"):
            return []
        return rows(self.arrow("SELECT * FROM sources ORDER BY source_id"))

    def summary(self) -> dict[str, Any]:
        """What the page needs first: version, case, counts, time extent, bbox, layers."""
        start, end = self.time_extent()
        return {
            "darkcargo_version": __version__,
            "workspace": self.path.name,
            "case": {"name": self.case.name, "title": self.case.title, "start": self.case.start},
            "counts": {name: self.count(name) for name in self.tables},
            "event_kinds": self.event_kinds(),
            "time": {"start": start, "end": end},
            "bbox": list(self.bbox()),
            "data_bbox": list(data) if (data := self.data_bbox()) else None,
            "layers": self.layers(),
            "meta": self.meta(),
        }
