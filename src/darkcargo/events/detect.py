"""Detect stage orchestration: read positions in batches of whole MMSIs, run the kernels, write
`segments` and `events` (replacing earlier rows of the same preset, in one transaction).

`detect_batch` is the engine-independent core: a pure function from one sorted column batch to
segments, events and encounter candidates; the local engine below feeds it from DuckDB, the Spark
engine (`darkcargo.engines.spark`) from Arrow batches grouped by vessel.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from darkcargo.events.kernels.common import EventColumns, GeoContext, TrackView
from darkcargo.events.kernels.encounters import (
    Candidates,
    detect_encounters,
    encounter_candidates,
)
from darkcargo.events.kernels.gaps import detect_gaps
from darkcargo.events.kernels.identity import detect_identity_changes
from darkcargo.events.kernels.loitering import detect_loitering
from darkcargo.events.kernels.port_calls import detect_port_calls
from darkcargo.events.kernels.segment import clean_sog, segment_positions, segment_table
from darkcargo.events.kernels.spoof import detect_spoofing
from darkcargo.events.kernels.stops import detect_stops
from darkcargo.events.params import Preset, load_preset
from darkcargo.events.schema import EVENTS, SEGMENTS
from darkcargo.events.shore import ShoreDistance
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

BATCH_POSITIONS = 2_000_000
POSITION_COLUMNS = ("mmsi", "ts", "lat", "lon", "sog", "cog", "source_id", "row_id")
Progress = Callable[[int, int], None]


@dataclass
class DetectReport:
    """What a detect run did."""

    preset: str
    params_hash: str
    positions: int = 0
    mmsis: int = 0
    segments: int = 0
    events: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ports: str = ""  # how the ports were loaded (counts, renamed ids, duplicates)
    # MMSIs and positions not read for their class: class -> (MMSIs, positions)
    left_out: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total_events(self) -> int:
        return sum(self.events.values())


@dataclass
class BatchResult:
    """Output of `detect_batch`: segment rows, events, and encounter candidates."""

    segments: dict[str, list[Any]]
    events: EventColumns
    candidates: Candidates
    n_tracks: int


def sort_and_dedupe(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Sort by (mmsi, ts) and drop exact repeats (same mmsi, ts, lat, lon): out-of-order and
    duplicated input is normal in AIS feeds."""
    m, t = cols["mmsi"], cols["ts"]
    ordered = m.shape[0] < 2 or bool(
        np.all((m[1:] > m[:-1]) | ((m[1:] == m[:-1]) & (t[1:] >= t[:-1])))
    )
    if ordered:  # the DuckDB reader already sorts by (mmsi, ts)
        out = dict(cols)
    else:
        order = np.lexsort((cols["row_id"], cols["source_id"], t, m))
        out = {k: v[order] for k, v in cols.items()}
    n = out["mmsi"].shape[0]
    if n > 1:
        dup = np.zeros(n, dtype=bool)
        dup[1:] = (
            (out["mmsi"][1:] == out["mmsi"][:-1])
            & (out["ts"][1:] == out["ts"][:-1])
            & (out["lat"][1:] == out["lat"][:-1])
            & (out["lon"][1:] == out["lon"][:-1])
        )
        if dup.any():
            out = {k: v[~dup] for k, v in out.items()}
    return out


def detect_batch(
    cols: dict[str, np.ndarray],
    preset: Preset,
    geo: GeoContext,
    track_offset: int = 0,
) -> BatchResult:
    """Run every position-based kernel on one batch of whole MMSIs (any order; sorted here)."""
    cols = sort_and_dedupe(
        {
            "mmsi": np.asarray(cols["mmsi"], dtype=np.int64),
            "ts": np.asarray(cols["ts"], dtype=np.int64),
            "lat": np.asarray(cols["lat"], dtype=np.float64),
            "lon": np.asarray(cols["lon"], dtype=np.float64),
            "sog": np.asarray(cols["sog"], dtype=np.float64),
            "cog": np.asarray(cols["cog"], dtype=np.float64),
            "source_id": np.asarray(cols["source_id"], dtype=np.int64),
            "row_id": np.asarray(cols["row_id"], dtype=np.int64),
        }
    )
    mmsi, ts, lat, lon = cols["mmsi"], cols["ts"], cols["lat"], cols["lon"]
    labels = segment_positions(
        mmsi, ts, lat, lon, cols["sog"], cols["cog"], preset.segment, preset.validity
    )
    segs = segment_table(mmsi, ts, labels.segment, labels.track, labels.valid)
    spoof = detect_spoofing(
        mmsi,
        ts,
        lat,
        lon,
        labels.segment,
        labels.track,
        labels.valid,
        cols["source_id"],
        cols["row_id"],
        segs,
        preset.segment,
        preset.spoof,
    )
    keep = np.flatnonzero(labels.valid & ~spoof.noise & (spoof.track >= 0))
    order = keep[np.lexsort((ts[keep], spoof.track[keep]))]
    sog = clean_sog(cols["sog"], preset.validity)
    view = TrackView(
        index=order,
        key=spoof.track[order],
        mmsi=mmsi[order],
        ts=ts[order],
        lat=lat[order],
        lon=lon[order],
        sog=sog[order],
        segment=labels.segment[order],
        source_id=cols["source_id"][order],
        row_id=cols["row_id"][order],
        segment_names=segs.names,
    )
    reach = geo.max_radius_km + max(
        preset.encounter.min_port_distance_km, preset.port_call.hysteresis_km
    )
    near, near_km = geo.nearest_port(view.lat, view.lon, within_km=reach)
    view = dataclasses.replace(view, near_port=near, near_port_km=near_km)
    events = EventColumns()
    events.extend(spoof.events)
    events.extend(
        detect_gaps(
            view, geo, preset.gap, preset.port_call.hysteresis_km, preset.spoof.max_speed_kn
        )
    )
    events.extend(detect_port_calls(view, geo, preset.port_call))
    events.extend(detect_stops(view, geo, preset.stop, preset.port_call.hysteresis_km))
    events.extend(detect_loitering(view, geo, preset.loitering, preset.port_call.hysteresis_km))
    cands = encounter_candidates(view, geo, preset.encounter, track_offset)
    noise_seg = np.zeros(segs.count.shape[0], dtype=bool)
    if spoof.noise.any():
        noise_seg[np.unique(labels.segment[spoof.noise])] = True
    real = (segs.count > 0) & ~noise_seg
    track_first: dict[int, str] = {}
    for s in np.flatnonzero(real)[np.argsort(segs.first_ts[real], kind="stable")].tolist():
        track_first.setdefault(int(spoof.track[segs.first[s]]), segs.names[s])
    seg_rows: dict[str, list[Any]] = {
        "segment_id": [segs.names[s] for s in np.flatnonzero(real).tolist()],
        "track_id": [track_first[int(spoof.track[segs.first[s]])] for s in np.flatnonzero(real)],
        "mmsi": segs.mmsi[real].tolist(),
        "start_ts": segs.first_ts[real].tolist(),
        "end_ts": segs.last_ts[real].tolist(),
        "n_positions": segs.count[real].tolist(),
        "first_lat": lat[segs.first[real]].tolist(),
        "first_lon": lon[segs.first[real]].tolist(),
        "last_lat": lat[segs.last[real]].tolist(),
        "last_lon": lon[segs.last[real]].tolist(),
    }
    n_tracks = int(spoof.track.max()) + 1 if spoof.track.size else 0
    return BatchResult(seg_rows, events, cands, n_tracks)


def event_id(
    preset: str, kind: str, mmsi: int, other: int | None, start: int, port: str | None
) -> str:
    key = f"{preset}|{kind}|{mmsi}|{other}|{start}|{port}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def event_ids(events: EventColumns, preset: str) -> list[str]:
    """Each event's base id (event_id), in order; both engines name events this way."""
    return [
        event_id(preset, k, m, o, s, p)
        for k, m, o, s, p in zip(
            events.kind,
            events.mmsi,
            events.other_mmsi,
            events.start_ts,
            events.port_id,
            strict=True,
        )
    ]


def events_table(events: EventColumns, preset: Preset) -> pa.Table:
    """Arrow table in the `events` schema, with ids, preset name and parameter hash."""
    n = len(events)
    h = preset.params_hash
    ids = event_ids(events, preset.name)
    # identical ids (same kind/vessel/start) get a suffix so every row stays addressable
    seen: Counter[str] = Counter()
    for i, e in enumerate(ids):
        seen[e] += 1
        if seen[e] > 1:
            ids[i] = f"{e}-{seen[e]}"
    data = {
        "event_id": ids,
        "kind": events.kind,
        "mmsi": events.mmsi,
        "other_mmsi": events.other_mmsi,
        "start_ts": pa.array(events.start_ts, pa.int64()).cast(pa.timestamp("us")),
        "end_ts": pa.array(events.end_ts, pa.int64()).cast(pa.timestamp("us")),
        "lat": events.lat,
        "lon": events.lon,
        "end_lat": events.end_lat,
        "end_lon": events.end_lon,
        "port_id": events.port_id,
        "segment_id": events.segment_id,
        "preset": [preset.name] * n,
        "params_hash": [h] * n,
        "evidence": events.evidence,
        "details": events.details,
        "confidence": events.confidence,
    }
    return pa.table({k: data[k] for k in EVENTS.names}).cast(EVENTS)


def segments_table(rows: dict[str, list[Any]], preset: Preset) -> pa.Table:
    n = len(rows["segment_id"])
    data = dict(rows)
    data["start_ts"] = pa.array(rows["start_ts"], pa.int64()).cast(pa.timestamp("us"))
    data["end_ts"] = pa.array(rows["end_ts"], pa.int64()).cast(pa.timestamp("us"))
    data["preset"] = [preset.name] * n
    data["params_hash"] = [preset.params_hash] * n
    return pa.table({k: data[k] for k in SEGMENTS.names}).cast(SEGMENTS)


def build_geo(
    case: str | None, ports_csv: Sequence[str | Path], port_radius_km: float | None = None
) -> GeoContext:
    """Ports of the case plus extra CSVs, and the 10m land model's distance to shore (exact
    near the coast, see `darkcargo.events.shore`)."""
    return _build_geo(case, ports_csv, port_radius_km)[0]


def _build_geo(
    case: str | None, ports_csv: Sequence[str | Path], port_radius_km: float | None
) -> tuple[GeoContext, str]:
    from darkcargo.geo.land import load_land
    from darkcargo.geo.ports import load_ports

    ports = load_ports(case, list(ports_csv), port_radius_km)
    return GeoContext.build(ports.ports, shore_km=_shore(load_land("10m"))), ports.summary()


@functools.cache
def _shore(land: Any) -> ShoreDistance:
    return ShoreDistance.from_land(land)


def input_filter(
    since: datetime | None, until: datetime | None, classes: Sequence[str] | None
) -> tuple[str, list[Any]]:
    """SQL condition (and parameters) on the positions and statics every engine reads: the
    time window [since, until) and the MMSI classes (None: every MMSI); "" keeps all."""
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        clauses.append("ts >= ?")
        params.append(since)
    if until is not None:
        clauses.append("ts < ?")
        params.append(until)
    if classes is not None:
        clause, more = class_clause(classes)
        clauses.append(clause)
        params.extend(more)
    return " AND ".join(clauses), params


def left_out_by_class(
    ws: Workspace, since: datetime | None, until: datetime | None, classes: Sequence[str] | None
) -> dict[str, tuple[int, int]]:
    """The MMSIs and positions of the time window that `classes` leave unread, by class (an
    analyst whose file holds only such MMSIs must learn why nothing was detected)."""
    if classes is None:
        return {}
    where, params = input_filter(since, until, None)
    marks = ", ".join("?" for _ in classes) or "NULL"
    rows = ws.con.execute(
        "SELECT c.mmsi_class, count(DISTINCT p.mmsi), count(*) FROM positions p "
        f"JOIN mmsi_classes c USING (mmsi) WHERE {where or 'true'} "
        f"AND c.mmsi_class NOT IN ({marks}) GROUP BY 1 ORDER BY 3 DESC, 1",
        [*params, *classes],
    ).fetchall()
    return {str(k): (int(m), int(n)) for k, m, n in rows}


def _mmsi_batches(
    ws: Workspace, where: str, params: list[Any], size: int
) -> list[tuple[int, int, int]]:
    """(first mmsi, last mmsi, positions) ranges of whole MMSIs with about `size` positions."""
    sql = "SELECT mmsi, count(*) FROM positions"
    if where:
        sql += f" WHERE {where}"
    sql += " GROUP BY mmsi ORDER BY mmsi"
    counts = ws.con.execute(sql, params).fetchall()
    batches: list[tuple[int, int, int]] = []
    lo, acc = None, 0
    prev = None
    for m, c in counts:
        if lo is None:
            lo = m
        if acc and acc + c > size:
            batches.append((lo, prev, acc))  # type: ignore[arg-type]
            lo, acc = m, 0
        acc += c
        prev = m
    if lo is not None:
        batches.append((lo, prev, acc))  # type: ignore[arg-type]
    return batches


def detect(
    workspace: str | Path | Workspace,
    preset: str | Path | Preset = "gfw",
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    ports_csv: Sequence[str | Path] = (),
    case: str | None = None,
    progress: Progress | None = None,
    batch_positions: int = BATCH_POSITIONS,
    geo: GeoContext | None = None,
    port_radius_km: float | None = None,
    classes: Sequence[str] | None = ("ship",),
) -> DetectReport:
    """Detect every event kind over the workspace's positions and statics; write the results.

    `port_radius_km`: radius of the CSV ports that have no radius_km column (default 4 km).
    `classes` are the MMSI classes (ais/mmsi.py: ship, base_station, aid_to_navigation, ...)
    whose positions are read; None reads every MMSI. An MMSI the workspace has not classified
    (positions written by hand) is read as a ship.
    """
    started = time.perf_counter()
    p = preset if isinstance(preset, Preset) else load_preset(str(preset))
    ports_note = ""
    if geo is None:
        geo, ports_note = _build_geo(case, ports_csv, port_radius_km)
    own = not isinstance(workspace, Workspace)
    ws: Workspace = (
        workspace if isinstance(workspace, Workspace) else Workspace(workspace, must_exist=True)
    )
    try:
        report = _detect(ws, p, geo, since, until, progress, batch_positions, classes)
        report.left_out = left_out_by_class(ws, since, until, classes)
    finally:
        if own:
            ws.close()
    report.seconds = time.perf_counter() - started
    report.ports = ports_note
    return report


def class_clause(classes: Sequence[str]) -> tuple[str, list[Any]]:
    """SQL condition (and its parameters) keeping the MMSIs of `classes` (ais/mmsi.py); an MMSI
    the workspace has not classified (positions written by hand) counts as a ship."""
    marks = ", ".join("?" for _ in classes)
    keep_out = "true" if not classes else f"mmsi_class NOT IN ({marks})"
    return f"mmsi NOT IN (SELECT mmsi FROM mmsi_classes WHERE {keep_out})", list(classes)


def _detect(
    ws: Workspace,
    p: Preset,
    geo: GeoContext,
    since: datetime | None,
    until: datetime | None,
    progress: Progress | None,
    batch_positions: int,
    classes: Sequence[str] | None = ("ship",),
) -> DetectReport:
    report = DetectReport(preset=p.name, params_hash=p.params_hash)
    where, params = input_filter(since, until, classes)
    batches = _mmsi_batches(ws, where, params, batch_positions)
    total = sum(b[2] for b in batches)
    events = EventColumns()
    seg_rows: dict[str, list[Any]] = {
        k: [] for k in SEGMENTS.names if k not in ("preset", "params_hash")
    }
    cands: list[Candidates] = []
    offset = 0
    done = 0
    cols_sql = ", ".join(f'"{c}"' for c in POSITION_COLUMNS)
    for lo, hi, n in batches:
        cond = "mmsi BETWEEN ? AND ?" + (f" AND {where}" if where else "")
        tbl = ws.arrow(
            # ties in time broken by the source row, so that repeated reports dedupe the same
            # way on every run and in every engine
            f"SELECT {cols_sql} FROM positions WHERE {cond} ORDER BY mmsi, ts, source_id, row_id",
            [lo, hi, *params],
        )
        cols = {c: _to_numpy(tbl.column(c)) for c in POSITION_COLUMNS}
        res = detect_batch(cols, p, geo, offset)
        offset += res.n_tracks
        events.extend(res.events)
        for k in seg_rows:
            seg_rows[k].extend(res.segments[k])
        cands.append(res.candidates)
        report.mmsis += len(np.unique(cols["mmsi"]))
        done += n
        if progress:
            progress(done, total)
    report.positions = total
    events.extend(detect_encounters(Candidates.concat(cands), p.encounter, geo))
    events.extend(_identity(ws, p, where, params))
    ev_tbl = events_table(events, p)
    sg_tbl = segments_table(seg_rows, p)
    write_results(ws, p, ev_tbl, sg_tbl, since, until)
    report.segments = sg_tbl.num_rows
    report.events = dict(Counter(events.kind))
    log.info("detect %s: %d positions, %d events", p.name, total, len(events))
    return report


def write_results(
    ws: Workspace,
    p: Preset,
    events: pa.Table,
    segments: pa.Table,
    since: datetime | None,
    until: datetime | None,
) -> None:
    """Replace the preset's events and segments of the period with these, in one transaction
    (every engine writes a workspace through here)."""
    del_where = "preset = ?"
    del_params: list[Any] = [p.name]
    if since is not None:
        del_where += " AND start_ts >= ?"
        del_params.append(since)
    if until is not None:
        del_where += " AND start_ts < ?"
        del_params.append(until)
    with ws.transaction():
        ws.replace("events", events, del_where, del_params)
        ws.replace("segments", segments, del_where, del_params)
        ws.set_meta(f"detect.{p.name}.params_hash", p.params_hash)


def _identity(ws: Workspace, p: Preset, where: str, params: list[Any]) -> EventColumns:
    sql = "SELECT mmsi, ts, imo, callsign, name, ship_type, source_id, row_id FROM statics"
    if where:
        sql += f" WHERE {where}"
    sql += " ORDER BY mmsi, ts, source_id, row_id"
    tbl = ws.arrow(sql, params)
    if tbl.num_rows == 0:
        return EventColumns()
    return detect_identity_changes(
        _to_numpy(tbl.column("mmsi")).astype(np.int64),
        _to_numpy(tbl.column("ts")).astype(np.int64),
        {f: tbl.column(f).to_pylist() for f in ("imo", "callsign", "name", "ship_type")},
        _to_numpy(tbl.column("source_id")).astype(np.int64),
        _to_numpy(tbl.column("row_id")).astype(np.int64),
        p.identity,
    )


def _to_numpy(col: pa.ChunkedArray) -> np.ndarray:
    """Column as NumPy: timestamps as int64 microseconds, nulls as NaN (floats) or -1 (ints)."""
    if pa.types.is_timestamp(col.type):
        col = col.cast(pa.timestamp("us")).cast(pa.int64())
    if pa.types.is_floating(col.type):
        return col.cast(pa.float64()).to_numpy()
    if pa.types.is_integer(col.type):
        return col.fill_null(-1).cast(pa.int64()).to_numpy()
    return col.to_numpy()
