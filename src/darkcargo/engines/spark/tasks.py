"""What each Spark task of `detect` does: pure functions from Arrow tables to Arrow tables.

They import nothing from Spark, so tests run them on their own, and they only call the stage's
public functions: `detect_batch` on the positions of one vessel, the encounter kernel's
`close_pairs` (through `cells.owned_pairs`) on one space-time cell and `encounter_runs` on the
close pairs of one pair of tracks, the identity kernel's `field_changes` on one MMSI's statics
and `imo_moves` on one shared IMO. Whatever the kernels find, these hand on unchanged.

Times travel as int64 microseconds (UTC). Every event row carries its id before the suffix
that tells identical ids apart (`base_id`, from `darkcargo.events.detect.event_id`) and where it
came from (`stage`, `k1`..`k4`, `seq`: its place in the local engine's emission order), so that
the engine can number identical ids as the local engine does.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from darkcargo import __version__
from darkcargo.config import Port
from darkcargo.engines.spark.cells import CellGrid, assign_cells, cell_slots, owned_pairs
from darkcargo.events.detect import detect_batch, event_ids
from darkcargo.events.kernels.common import EventColumns, GeoContext
from darkcargo.events.kernels.encounters import Candidates, encounter_runs
from darkcargo.events.kernels.identity import field_changes, imo_moves
from darkcargo.events.params import Preset

# where an event came from, in the local engine's order (per-vessel kernels, encounters,
# identity changes per MMSI, IMO moves)
STAGE_VESSEL, STAGE_ENCOUNTER, STAGE_FIELDS, STAGE_MOVES = 0, 1, 2, 3

EVENT_ROWS = pa.schema(
    [
        ("stage", pa.int8()),
        ("k1", pa.int64()),
        ("k2", pa.int64()),
        ("k3", pa.int64()),
        ("k4", pa.int64()),
        ("seq", pa.int64()),
        ("base_id", pa.string()),
        ("kind", pa.string()),
        ("mmsi", pa.int64()),
        ("other_mmsi", pa.int64()),
        ("start_us", pa.int64()),
        ("end_us", pa.int64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("end_lat", pa.float64()),
        ("end_lon", pa.float64()),
        ("port_id", pa.string()),
        ("segment_id", pa.string()),
        ("evidence", pa.string()),
        ("details", pa.string()),
        ("confidence", pa.float64()),
    ]
)

SEGMENT_ROWS = pa.schema(
    [
        ("segment_id", pa.string()),
        ("track_id", pa.string()),
        ("mmsi", pa.int64()),
        ("start_us", pa.int64()),
        ("end_us", pa.int64()),
        ("n_positions", pa.int64()),
        ("first_lat", pa.float64()),
        ("first_lon", pa.float64()),
        ("last_lat", pa.float64()),
        ("last_lon", pa.float64()),
    ]
)

# encounter candidates; `track` is the track's number within its vessel, `segment` its name
CANDIDATES = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("track", pa.int64()),
        ("slot", pa.int64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("speed", pa.float64()),
        ("source_id", pa.int64()),
        ("row_id", pa.int64()),
        ("segment", pa.string()),
        ("sample", pa.int64()),
    ]
)

CELLS = pa.schema(
    [
        *CANDIDATES,
        ("cell_t", pa.int64()),
        ("cell_r", pa.int64()),
        ("cell_c", pa.int64()),
        ("home", pa.bool_()),
    ]
)

PAIRS = pa.schema(
    [pa.field(f"a_{f.name}", f.type) for f in CANDIDATES]
    + [pa.field(f"b_{f.name}", f.type) for f in CANDIDATES]
)

# a batch of vessels' output: events, segments (s_*) and encounter candidates already in their
# cells (c_*, CELLS) in one table, `rec` telling which (Spark's grouped functions return one
# table of one schema); and one `REC_VESSEL` row: the batch's positions in `seq`, vessels in k1
REC_EVENT, REC_SEGMENT, REC_CANDIDATE, REC_VESSEL = 0, 1, 2, 3
VESSEL_ROWS = pa.schema(
    [
        ("rec", pa.int8()),
        *EVENT_ROWS,
        *[pa.field(f"s_{f.name}", f.type) for f in SEGMENT_ROWS if f.name != "mmsi"],
        *[pa.field(f"c_{f.name}", f.type) for f in CELLS if f.name != "mmsi"],
    ]
)

POSITION_INPUT = ("mmsi", "ts", "lat", "lon", "sog", "cog", "source_id", "row_id")
STATIC_INPUT = ("mmsi", "ts", "imo", "callsign", "name", "ship_type", "source_id", "row_id")


@dataclass(frozen=True)
class GeoSpec:
    """The ports and the land model, small enough to ship with every task; each worker
    process builds its `GeoContext` from it once."""

    port_ids: tuple[str, ...]
    port_lat: tuple[float, ...]
    port_lon: tuple[float, ...]
    port_radius_km: tuple[float, ...]
    land: str | None = "10m"  # Natural Earth resolution of the shore distances, or None
    shore: Any = None  # a shore-distance callable of the caller's own, shipped as it is
    port_watched: tuple[bool, ...] = ()  # the case's watched ports (gaps' reachable ports)

    @classmethod
    def from_ports(cls, ports: Iterable[Port], land: str | None = "10m") -> GeoSpec:
        # the places GeoContext.build keeps: ports, not a case's other places
        ps = [p for p in ports if getattr(p, "kind", "port") == "port"]
        return cls(
            tuple(p.id for p in ps),
            tuple(float(p.lat) for p in ps),
            tuple(float(p.lon) for p in ps),
            tuple(float(p.radius_km) for p in ps),
            land,
            port_watched=tuple(bool(getattr(p, "watched", False)) for p in ps),
        )

    @classmethod
    def from_geo(cls, geo: GeoContext) -> GeoSpec:
        """A spec that rebuilds `geo` (its shore function shipped as it is)."""
        return cls(
            geo.port_ids,
            tuple(geo.port_lat.tolist()),
            tuple(geo.port_lon.tolist()),
            tuple(geo.port_radius_km.tolist()),
            land=None,
            shore=geo.shore_km,
            port_watched=tuple(
                [False] * len(geo.port_ids)
                if geo.port_watched is None
                else geo.port_watched.tolist()
            ),
        )

    @functools.cached_property
    def key(self) -> str:
        blob = pickle.dumps(
            (
                self.port_ids,
                self.port_lat,
                self.port_lon,
                self.port_radius_km,
                self.land,
                self.port_watched,
            )
        )
        return hashlib.sha256(blob).hexdigest() + f"-{id(self.shore)}"


_GEO: dict[str, GeoContext] = {}


def worker_geo(spec: GeoSpec) -> GeoContext:
    """The spec's GeoContext, built once per worker process."""
    geo = _GEO.get(spec.key)
    if geo is None:
        watched = spec.port_watched or (False,) * len(spec.port_ids)
        ports = [
            Port(id=i, name=i, lat=la, lon=lo, radius_km=r, watched=w)
            for i, la, lo, r, w in zip(
                spec.port_ids,
                spec.port_lat,
                spec.port_lon,
                spec.port_radius_km,
                watched,
                strict=True,
            )
        ]
        shore = spec.shore
        if spec.land is not None:
            from darkcargo.events.shore import ShoreDistance
            from darkcargo.geo.land import load_land

            shore = ShoreDistance.from_land(load_land(spec.land))
        geo = GeoContext.build(ports, shore_km=shore)
        while len(_GEO) >= 4:  # a shore function of the caller's own comes anew with each task
            _GEO.pop(next(iter(_GEO)))
        _GEO[spec.key] = geo
    return geo


@dataclass(frozen=True)
class DetectJob:
    """Everything a task needs, shipped with it: the preset with the hash the driver computed
    (checked on the worker: a worker with another darkcargo would compute other events), the
    geography, and the encounter grid."""

    preset: Preset
    params_hash: str
    geo: GeoSpec
    grid: CellGrid
    version: str = __version__

    @classmethod
    def build(cls, preset: Preset, geo: GeoSpec, grid: CellGrid) -> DetectJob:
        return cls(preset, preset.params_hash, geo, grid)

    def check(self) -> None:
        if self.preset.params_hash != self.params_hash or self.version != __version__:
            raise RuntimeError(
                f"this worker's darkcargo {__version__} computes preset {self.preset.name} as "
                f"[{self.preset.params_hash}], the driver's {self.version} as "
                f"[{self.params_hash}]: install the same darkcargo on every node"
            )


def column_numpy(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A column as NumPy: timestamps as int64 microseconds, nulls as NaN (floats) or -1 (ints),
    as the local engine reads them."""
    if pa.types.is_timestamp(col.type):
        col = pc.cast(col, pa.timestamp("us", tz=col.type.tz)).cast(pa.int64())
    if pa.types.is_floating(col.type):
        return np.asarray(col.cast(pa.float64()).to_numpy(zero_copy_only=False))
    if pa.types.is_integer(col.type):
        return np.asarray(col.fill_null(-1).cast(pa.int64()).to_numpy())
    return np.asarray(col.to_numpy(zero_copy_only=False))


def _sorted(table: pa.Table, keys: tuple[str, ...]) -> pa.Table:
    return table.sort_by([(k, "ascending") for k in keys])


def event_rows(
    events: EventColumns, preset: str, stage: int, keys: tuple[Any, Any, Any, Any]
) -> pa.Table:
    """Events as EVENT_ROWS: their base ids, and where they came from (`keys`: numbers, or
    arrays of one number per event)."""
    n = len(events)
    ids = event_ids(events, preset)
    data: dict[str, Any] = {
        "stage": np.full(n, stage, np.int8),
        "k1": np.broadcast_to(np.asarray(keys[0], np.int64), (n,)),
        "k2": np.broadcast_to(np.asarray(keys[1], np.int64), (n,)),
        "k3": np.broadcast_to(np.asarray(keys[2], np.int64), (n,)),
        "k4": np.broadcast_to(np.asarray(keys[3], np.int64), (n,)),
        "seq": np.arange(n, dtype=np.int64),
        "base_id": ids,
        "start_us": events.start_ts,
        "end_us": events.end_ts,
    }
    for f in EVENT_ROWS.names:
        if f not in data:
            data[f] = getattr(events, f)
    return pa.table(data, schema=EVENT_ROWS)


def _with_nulls(data: dict[str, Any], n: int, schema: pa.Schema) -> pa.Table:
    """A table of `schema` from the columns given, the others null."""
    cols: list[pa.Array | pa.ChunkedArray] = []
    for f in schema:
        v = data.get(f.name)
        if v is None:
            cols.append(pa.nulls(n, f.type))
        elif isinstance(v, pa.Array | pa.ChunkedArray):
            cols.append(v.cast(f.type))
        else:
            cols.append(pa.array(v, f.type))
    return pa.Table.from_arrays(cols, schema=schema)


def vessel_task(table: pa.Table, job: DetectJob) -> pa.Table:
    """The positions of some whole vessels (any order; a group of the vessel buckets) through
    `detect_batch`, as the local engine runs it on a batch of whole MMSIs: their events,
    segments and encounter candidates as VESSEL_ROWS."""
    job.check()
    table = _sorted(table, ("mmsi", "ts", "source_id", "row_id"))
    cols = {c: column_numpy(table.column(c)) for c in POSITION_INPUT}
    res = detect_batch(cols, job.preset, worker_geo(job.geo))
    n_vessels = int(np.unique(cols["mmsi"]).size)
    mmsi = np.asarray(res.events.mmsi, np.int64)
    ev = event_rows(res.events, job.preset.name, STAGE_VESSEL, (mmsi, 0, 0, 0))
    e_data: dict[str, Any] = {n: ev.column(n) for n in ev.column_names}
    e_data["rec"] = np.full(ev.num_rows, REC_EVENT, np.int8)
    parts = [_with_nulls(e_data, ev.num_rows, VESSEL_ROWS)]
    seg = res.segments
    n_seg = len(seg["segment_id"])
    s_data: dict[str, Any] = {
        "rec": np.full(n_seg, REC_SEGMENT, np.int8),
        "mmsi": seg["mmsi"],
        "s_start_us": seg["start_ts"],
        "s_end_us": seg["end_ts"],
    }
    for f in SEGMENT_ROWS.names:
        if f not in ("mmsi", "start_us", "end_us"):
            s_data[f"s_{f}"] = seg[f]
    parts.append(_with_nulls(s_data, n_seg, VESSEL_ROWS))
    cells = cell_copies(res.candidates, job.grid)
    c_data: dict[str, Any] = {"rec": np.full(cells.num_rows, REC_CANDIDATE, np.int8)}
    for name in CELLS.names:
        c_data[name if name == "mmsi" else f"c_{name}"] = cells.column(name)
    parts.append(_with_nulls(c_data, cells.num_rows, VESSEL_ROWS))
    summary = {"rec": [REC_VESSEL], "k1": [n_vessels], "seq": [table.num_rows]}
    parts.append(_with_nulls(summary, 1, VESSEL_ROWS))
    return pa.concat_tables(parts)


def cell_copies(c: Candidates, grid: CellGrid) -> pa.Table:
    """Candidates as CELLS: each in its home cell, and as a ghost in the neighbours it nears."""
    copies = assign_cells(grid, c.slot, c.lat, c.lon)
    i = copies.index
    k = len(c.segment_names)
    names = pa.array([*c.segment_names, None], pa.string())  # the last for "no segment"
    seg = np.where((c.segment >= 0) & (c.segment < k), c.segment, k)
    return pa.table(
        {
            "mmsi": c.mmsi[i],
            "track": c.track[i],
            "slot": c.slot[i],
            "lat": c.lat[i],
            "lon": c.lon[i],
            "speed": c.speed[i],
            "source_id": c.source_id[i],
            "row_id": c.row_id[i],
            "segment": names.take(pa.array(seg[i])),
            "sample": c.sample[i],
            "cell_t": copies.cell_t,
            "cell_r": copies.cell_r,
            "cell_c": copies.cell_c,
            "home": copies.home,
        },
        schema=CELLS,
    )


def pairs_task(table: pa.Table, job: DetectJob) -> pa.Table:
    """The candidates of some whole cells (a group of the cell buckets) to the close pairs
    each cell owns (PAIRS; `a` the lower MMSI)."""
    job.check()
    cols = {
        n: column_numpy(table.column(n))
        for n in ("slot", "lat", "lon", "mmsi", "cell_t", "cell_r", "cell_c")
    }
    home = np.asarray(table.column("home").to_numpy(zero_copy_only=False), dtype=bool)
    slot = cell_slots(job.grid, cols["cell_t"], cols["cell_r"], cols["cell_c"], cols["slot"])
    a, b = owned_pairs(
        slot,
        cols["lat"],
        cols["lon"],
        cols["mmsi"],
        home,
        job.preset.encounter.max_distance_m,
    )
    side_a = table.select(CANDIDATES.names).take(pa.array(a))
    side_b = table.select(CANDIDATES.names).take(pa.array(b))
    return pa.Table.from_arrays([*side_a.columns, *side_b.columns], schema=PAIRS)


def runs_task(table: pa.Table, job: DetectJob) -> pa.Table:
    """The close pairs of one pair of tracks to encounter events (`encounter_runs`)."""
    job.check()
    k = table.num_rows
    if k == 0:
        return EVENT_ROWS.empty_table()

    def both(name: str) -> np.ndarray:
        return np.concatenate(
            (column_numpy(table.column(f"a_{name}")), column_numpy(table.column(f"b_{name}")))
        )

    names = table.column("a_segment").to_pylist() + table.column("b_segment").to_pylist()
    cands = Candidates(
        mmsi=both("mmsi"),
        # within the group one track per side; the kernel only tells tracks apart
        track=np.repeat(np.array([0, 1], np.int64), k),
        slot=both("slot"),
        lat=both("lat"),
        lon=both("lon"),
        speed=both("speed"),
        source_id=both("source_id"),
        row_id=both("row_id"),
        segment=np.array([i if s is not None else -1 for i, s in enumerate(names)], np.int64),
        segment_names=tuple(s or "" for s in names),
        sample=both("sample"),
    )
    a = np.arange(k, dtype=np.int64)
    events = encounter_runs(cands, a, a + k, job.preset.encounter, worker_geo(job.geo))
    first = table.slice(0, 1).to_pylist()[0]
    keys = (first["a_mmsi"], first["a_track"], first["b_mmsi"], first["b_track"])
    return event_rows(events, job.preset.name, STAGE_ENCOUNTER, keys)


def _statics_arrays(table: pa.Table) -> tuple[np.ndarray, ...]:
    return tuple(
        column_numpy(table.column(c)).astype(np.int64)
        for c in ("mmsi", "ts", "source_id", "row_id")
    )


def _statics_columns(table: pa.Table) -> dict[str, list[Any]]:
    return {f: table.column(f).to_pylist() for f in ("imo", "callsign", "name", "ship_type")}


def fields_task(table: pa.Table, job: DetectJob) -> pa.Table:
    """One MMSI's statics to its identity changes (`field_changes`)."""
    job.check()
    table = _sorted(table, ("mmsi", "ts", "source_id", "row_id"))
    mmsi, ts, src, row = _statics_arrays(table)
    events = field_changes(mmsi, ts, _statics_columns(table), src, row, job.preset.identity)
    key = int(mmsi[0]) if mmsi.size else 0
    return event_rows(events, job.preset.name, STAGE_FIELDS, (key, 0, 0, 0))


def moves_task(table: pa.Table, job: DetectJob) -> pa.Table:
    """The statics of every MMSI that reported one IMO (column `shared_imo`) to that IMO's
    moves between MMSIs (`imo_moves`)."""
    job.check()
    if table.num_rows == 0:
        return EVENT_ROWS.empty_table()
    imo = int(table.column("shared_imo")[0].as_py())
    table = _sorted(table, ("mmsi", "ts", "source_id", "row_id"))
    mmsi, ts, src, row = _statics_arrays(table)
    events = imo_moves(
        mmsi, ts, _statics_columns(table), src, row, job.preset.identity, imos=(imo,)
    )
    return event_rows(events, job.preset.name, STAGE_MOVES, (imo, 0, 0, 0))
