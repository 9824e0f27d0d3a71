"""`detect` on Spark: the local engine's kernels over partitioned positions and statics.

The plan (each step a task function of `darkcargo.engines.spark.tasks`):
1. positions grouped by buckets of whole vessels (about `batch_positions` each, as the local
   engine's batches) -> `detect_batch`: events, segments and encounter candidates (kept on the
   executors, spilled to their disks when large);
2. its encounter candidates, put in space-time cells with neighbour overlap, grouped by
   cell -> the close pairs each cell owns -> grouped by pair of tracks -> encounter events
   (`encounter_runs`);
3. statics grouped by MMSI -> identity changes; statics of the MMSIs that share an IMO,
   grouped by IMO -> moves of the IMO between MMSIs;
4. event ids: the local engine's, identical ids numbered in its order.

Input: a dataset written by `darkcargo ingest --engine spark` (or any Parquet of the canonical
positions/statics columns), or a workspace. Output: Parquet `events/` and `segments/`
partitioned by day (with `_detect.json`: preset, parameters and their hash, counts), or the
workspace's tables, written exactly as the local engine writes them.
"""

from __future__ import annotations

import functools
import json
import logging
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from darkcargo import __version__
from darkcargo.engines.spark import tasks
from darkcargo.engines.spark.cells import DEFAULT_CELL_DEG, DEFAULT_CELL_HOURS, CellGrid
from darkcargo.engines.spark.dataset import read_table
from darkcargo.engines.spark.session import (
    Files,
    SparkEngineError,
    absolute,
    apply_in_arrow,
    get_session,
    join,
    run_action,
)
from darkcargo.events.detect import DetectReport, input_filter, write_results
from darkcargo.events.kernels.common import GeoContext
from darkcargo.events.params import Preset, load_preset
from darkcargo.events.schema import EVENTS, SEGMENTS
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

META_FILE = "_detect.json"


@dataclass(frozen=True)
class SparkOptions:
    """Where and how to run: the master (None: spark-submit's, else local[*]), extra Spark
    settings, and the encounter grid (cell size in degrees and hours)."""

    master: str | None = None
    conf: tuple[tuple[str, str], ...] = ()
    cell_deg: float = DEFAULT_CELL_DEG
    cell_hours: float = DEFAULT_CELL_HOURS
    # positions per group of whole vessels handed to `detect_batch` at once (the local engine
    # reads batches of 2M): the kernels' cost per call is then spread over many vessels
    batch_positions: int = 1_000_000

    def session(self) -> Any:
        return get_session(self.master, dict(self.conf))


DEFAULT_OPTIONS = SparkOptions()


def make_job(preset: Preset, geo: tasks.GeoSpec, options: SparkOptions) -> tasks.DetectJob:
    slots = max(1, round(options.cell_hours * 60 / preset.encounter.slot_minutes))
    try:
        grid = CellGrid(preset.encounter.max_distance_m, options.cell_deg, slots)
    except ValueError as exc:
        raise SparkEngineError(f"encounter cells: {exc}") from exc
    return tasks.DetectJob.build(preset, geo, grid)


def _micros(df: Any, name: str) -> Any:
    """A time column as int64 UTC microseconds (timestamps of either kind, or already ints)."""
    from pyspark.sql import functions as sf
    from pyspark.sql import types as st

    dtype = df.schema[name].dataType
    if isinstance(dtype, st.LongType | st.IntegerType):
        return sf.col(name).cast("long")
    return sf.unix_micros(sf.col(name).cast("timestamp"))


def _as_time(name: str) -> Any:
    """int64 microseconds -> TIMESTAMP_NTZ in UTC (Parquet readers see a plain timestamp)."""
    from pyspark.sql import functions as sf

    return sf.timestamp_micros(sf.col(name)).cast("timestamp_ntz")


def _window(df: Any, since: datetime | None, until: datetime | None) -> Any:
    from pyspark.sql import functions as sf

    us = _micros(df, "ts")
    if since is not None:
        df = df.filter(us >= _us(since))
        if "day" in df.columns:
            df = df.filter(sf.col("day") >= sf.lit(since.date()))
    if until is not None:
        df = df.filter(us < _us(until))
        if "day" in df.columns:
            df = df.filter(sf.col("day") <= sf.lit(until.date()))
    return df


def _us(t: datetime) -> int:
    if t.tzinfo is not None:
        t = t.astimezone(UTC).replace(tzinfo=None)
    d = t - datetime(1970, 1, 1)
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


@dataclass
class Plan:
    """The DataFrames of one detect run (lazy until written)."""

    events: Any  # EVENTS columns plus `day`
    segments: Any  # SEGMENTS columns plus `day`
    vessels: Any  # the persisted per-vessel output (unpersist when done)


def buckets(spark: Any, positions: Any, options: SparkOptions) -> int:
    """How many groups of whole vessels (and of whole cells) to make: about
    `batch_positions` positions each, and at least as many as the cluster has cores."""
    n = int(run_action("detect", positions.count))
    cores = int(spark.sparkContext.defaultParallelism)
    return max(cores, -(-n // max(1, options.batch_positions)))


def plan(positions: Any, statics: Any | None, job: tasks.DetectJob, groups: int) -> Plan:
    """The Spark plan of a detect run over positions and statics DataFrames; `groups`: how
    many buckets of whole vessels (and of whole encounter cells) go through the kernels."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as sf

    pos = positions.select(
        *[
            (_micros(positions, c).alias(c) if c == "ts" else sf.col(c))
            for c in tasks.POSITION_INPUT
        ],
        sf.pmod(sf.xxhash64("mmsi"), sf.lit(groups)).alias("bucket"),
    )
    vessels = apply_in_arrow(
        pos, ["bucket"], functools.partial(tasks.vessel_task, job=job), tasks.VESSEL_ROWS
    ).persist(StorageLevel.MEMORY_AND_DISK)
    rec = sf.col("rec")
    parts = [vessels.filter(rec == tasks.REC_EVENT).select(*tasks.EVENT_ROWS.names)]
    segments = vessels.filter(rec == tasks.REC_SEGMENT).select(
        *[sf.col("mmsi" if f == "mmsi" else f"s_{f}").alias(f) for f in tasks.SEGMENT_ROWS.names]
    )
    cells = vessels.filter(rec == tasks.REC_CANDIDATE).select(
        *[sf.col("mmsi" if f == "mmsi" else f"c_{f}").alias(f) for f in tasks.CELLS.names]
    )
    cells = cells.withColumn(
        "bucket", sf.pmod(sf.xxhash64("cell_t", "cell_r", "cell_c"), sf.lit(groups))
    )
    pairs = apply_in_arrow(
        cells, ["bucket"], functools.partial(tasks.pairs_task, job=job), tasks.PAIRS
    )
    parts.append(
        apply_in_arrow(
            pairs,
            ["a_mmsi", "a_track", "b_mmsi", "b_track"],
            functools.partial(tasks.runs_task, job=job),
            tasks.EVENT_ROWS,
        )
    )
    if statics is not None:
        st = statics.select(
            *[
                (_micros(statics, c).alias(c) if c == "ts" else sf.col(c))
                for c in tasks.STATIC_INPUT
            ]
        )
        parts.append(
            apply_in_arrow(
                st, ["mmsi"], functools.partial(tasks.fields_task, job=job), tasks.EVENT_ROWS
            )
        )
        used = st.filter(sf.col("imo") > 0).select("imo", "mmsi").distinct()
        shared = (
            used.groupBy("imo")
            .count()
            .filter(sf.col("count") >= 2)
            .select(sf.col("imo").alias("shared_imo"))
        )
        members = used.join(shared, used.imo == shared.shared_imo).select("shared_imo", "mmsi")
        parts.append(
            apply_in_arrow(
                members.join(st, "mmsi"),
                ["shared_imo"],
                functools.partial(tasks.moves_task, job=job),
                tasks.EVENT_ROWS,
            )
        )
    rows = functools.reduce(lambda a, b: a.unionByName(b), parts)
    order = Window.partitionBy("base_id").orderBy("stage", "k1", "k2", "k3", "k4", "seq")
    n = sf.row_number().over(order)
    rows = rows.withColumn(
        "event_id",
        sf.when(n == 1, sf.col("base_id")).otherwise(
            sf.concat_ws("-", "base_id", n.cast("string"))
        ),
    )
    p = job.preset
    extra = {
        "start_ts": _as_time("start_us"),
        "end_ts": _as_time("end_us"),
        "preset": sf.lit(p.name),
        "params_hash": sf.lit(job.params_hash),
        "confidence": sf.col("confidence").cast("float"),
    }
    events = rows.select(
        *[extra[f].alias(f) if f in extra else sf.col(f) for f in EVENTS.names]
    ).withColumn("day", sf.to_date("start_ts"))
    seg_extra = {
        "start_ts": _as_time("start_us"),
        "end_ts": _as_time("end_us"),
        "preset": sf.lit(p.name),
        "params_hash": sf.lit(job.params_hash),
    }
    segs = segments.select(
        *[seg_extra[f].alias(f) if f in seg_extra else sf.col(f) for f in SEGMENTS.names]
    ).withColumn("day", sf.to_date("start_ts"))
    return Plan(events, segs, vessels)


def _report(p: Preset, vessels: Any, events: dict[str, int], segments: int) -> DetectReport:
    from pyspark.sql import functions as sf

    row = (
        vessels.filter(sf.col("rec") == tasks.REC_VESSEL)
        .agg(sf.sum("seq").alias("n"), sf.sum("k1").alias("m"))
        .collect()[0]
    )
    report = DetectReport(preset=p.name, params_hash=p.params_hash)
    report.positions = int(row["n"] or 0)
    report.mmsis = int(row["m"] or 0)
    report.segments = segments
    report.events = events
    return report


def _counts(events: Any) -> dict[str, int]:
    return {str(r["kind"]): int(r["count"]) for r in events.groupBy("kind").count().collect()}


def _geo_spec(
    geo: GeoContext | None,
    case: str | None,
    ports_csv: Sequence[str | Path],
    port_radius_km: float | None,
) -> tuple[tasks.GeoSpec, str]:
    if geo is not None:
        return tasks.GeoSpec.from_geo(geo), ""
    from darkcargo.geo.ports import load_ports

    ports = load_ports(case, [str(p) for p in ports_csv], port_radius_km)
    return tasks.GeoSpec.from_ports(ports.ports), ports.summary()


def detect_dataset(
    input_dir: str,
    output_dir: str,
    preset: str | Path | Preset = "gfw",
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    ports_csv: Sequence[str | Path] = (),
    case: str | None = None,
    port_radius_km: float | None = None,
    geo: GeoContext | None = None,
    options: SparkOptions = DEFAULT_OPTIONS,
    classes: Sequence[str] | None = ("ship",),
) -> DetectReport:
    """Detect over a Parquet dataset (`positions/`, optional `statics/` and `sources/`), and
    write `events/` and `segments/` (partitioned by day) and `_detect.json` to `output_dir`,
    replacing what was there (moved into place only once complete). `classes`: the MMSI
    classes read (ais/mmsi.py, from digits and message types over the whole dataset, as the
    workspace keeps them); None reads every MMSI."""
    started = time.perf_counter()
    input_dir, output_dir = absolute(input_dir), absolute(output_dir)
    p = preset if isinstance(preset, Preset) else load_preset(str(preset))
    spec, ports_note = _geo_spec(geo, case, ports_csv, port_radius_km)
    job = make_job(p, spec, options)
    spark = options.session()
    files = Files(spark)
    positions = read_table(spark, input_dir, "positions")
    if positions is None:
        raise SparkEngineError(
            f"{input_dir}: no positions/ table (write one with "
            "`darkcargo ingest --engine spark --out DIR`)"
        )
    statics = read_table(spark, input_dir, "statics")
    if classes is not None:
        keep = _mmsis_of_classes(spark, positions, statics, classes)
        positions = positions.join(keep, "mmsi", "left_semi")
        statics = statics.join(keep, "mmsi", "left_semi") if statics is not None else None
    positions = _window(positions, since, until)
    statics = _window(statics, since, until) if statics is not None else None
    run = plan(positions, statics, job, buckets(spark, positions, options))
    staging = join(output_dir, f"_staging-{uuid.uuid4().hex[:12]}")
    try:
        run_action(
            "detect", lambda: run.events.write.partitionBy("day").parquet(join(staging, "events"))
        )
        run_action(
            "detect",
            lambda: run.segments.write.partitionBy("day").parquet(join(staging, "segments")),
        )
        done = spark.read.parquet(join(staging, "events"))
        counts = run_action("detect", lambda: _counts(done))
        n_seg = run_action("detect", lambda: spark.read.parquet(join(staging, "segments")).count())
        report = run_action("detect", lambda: _report(p, run.vessels, counts, int(n_seg)))
        meta = {
            "preset": p.name,
            "params_hash": p.params_hash,
            "parameters": p.to_dict(),
            "darkcargo": __version__,
            "input": input_dir,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "positions": report.positions,
            "mmsis": report.mmsis,
            "segments": report.segments,
            "events": report.events,
            "ports": ports_note,
            "classes": None if classes is None else list(classes),
            "encounter_cells": {"degrees": job.grid.cell_deg, "slots": job.grid.slots_per_cell},
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        files.write_text(join(staging, META_FILE), json.dumps(meta, indent=2, sort_keys=True))
        for name in ("events", "segments", META_FILE):
            files.delete(join(output_dir, name))
            files.rename(join(staging, name), join(output_dir, name))
    finally:
        run.vessels.unpersist()
        files.delete(staging)
    report.seconds = time.perf_counter() - started
    report.ports = ports_note
    return report


def detect_workspace(
    workspace: str | Path | Workspace,
    preset: str | Path | Preset = "gfw",
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    ports_csv: Sequence[str | Path] = (),
    case: str | None = None,
    port_radius_km: float | None = None,
    geo: GeoContext | None = None,
    options: SparkOptions = DEFAULT_OPTIONS,
    work_dir: str | Path | None = None,
    classes: Sequence[str] | None = ("ship",),
) -> DetectReport:
    """Detect over a workspace's positions and statics on Spark and write the events and
    segments into it as the local engine does (same rows, same transaction).

    The positions go to Spark as Parquet in `work_dir` (default: a temporary folder beside
    the workspace), which every executor must be able to read: a local master, or a cluster
    sharing that filesystem."""
    started = time.perf_counter()
    p = preset if isinstance(preset, Preset) else load_preset(str(preset))
    spec, ports_note = _geo_spec(geo, case, ports_csv, port_radius_km)
    job = make_job(p, spec, options)
    own = not isinstance(workspace, Workspace)
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace, must_exist=True)
    try:
        base = Path(work_dir) if work_dir else Path(ws.path).resolve().parent
        with tempfile.TemporaryDirectory(prefix=".darkcargo-spark-", dir=base) as tmp:
            report = _detect_workspace(ws, p, job, options, since, until, Path(tmp), classes)
    finally:
        if own:
            ws.close()
    report.seconds = time.perf_counter() - started
    report.ports = ports_note
    return report


def _mmsis_of_classes(
    spark: Any, positions: Any, statics: Any | None, classes: Sequence[str]
) -> Any:
    """A one-column DataFrame of the dataset's MMSIs whose class (ais/mmsi.py: digits, and the
    message types seen from them in positions and statics) is one of `classes`. The MMSIs are
    few beside the positions, so they are classified on the driver by the same function."""
    import numpy as np
    from pyspark.sql import functions as sf

    from darkcargo.ais.mmsi import classify

    def masks(df: Any) -> Any:
        return df.select("mmsi", sf.expr("shiftleft(CAST(1 AS BIGINT), msg_type)").alias("m"))

    seen = masks(positions)
    if statics is not None and "msg_type" in statics.columns:
        seen = seen.unionByName(masks(statics))
    rows = run_action(
        "detect", lambda: seen.groupBy("mmsi").agg(sf.bit_or("m").alias("m")).collect()
    )
    mmsi = np.array([r["mmsi"] for r in rows], dtype=np.int64)
    mask = np.array([r["m"] or 0 for r in rows], dtype=np.int64)
    klass, _ = classify(mmsi, mask)
    keep = mmsi[np.isin(klass, list(classes))].tolist()
    return spark.createDataFrame([(m,) for m in keep], "mmsi long")


def _export(
    ws: Workspace, table: str, cols: tuple[str, ...], where: str, params: list[Any], out: Path
) -> None:
    """A workspace table's columns (times as int64 microseconds) to a Parquet file."""
    sel = ", ".join("epoch_us(ts) AS ts" if c == "ts" else f'"{c}"' for c in cols)
    sql = f"SELECT {sel} FROM {table}" + (f" WHERE {where}" if where else "")
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(ws.arrow(sql, params), out / "part-0.parquet")


def _detect_workspace(
    ws: Workspace,
    p: Preset,
    job: tasks.DetectJob,
    options: SparkOptions,
    since: datetime | None,
    until: datetime | None,
    tmp: Path,
    classes: Sequence[str] | None = ("ship",),
) -> DetectReport:
    where, params = input_filter(since, until, classes)  # what the local engine reads
    _export(ws, "positions", tasks.POSITION_INPUT, where, params, tmp / "positions")
    _export(ws, "statics", tasks.STATIC_INPUT, where, params, tmp / "statics")
    spark = options.session()
    positions = spark.read.parquet(str(tmp / "positions"))
    statics = spark.read.parquet(str(tmp / "statics"))
    run = plan(positions, statics, job, buckets(spark, positions, options))
    try:
        run_action("detect", lambda: run.events.drop("day").write.parquet(str(tmp / "events")))
        run_action("detect", lambda: run.segments.drop("day").write.parquet(str(tmp / "segments")))
        events = _read_local(tmp / "events", EVENTS)
        segments = _read_local(tmp / "segments", SEGMENTS)
        counts = dict(Counter(events.column("kind").to_pylist()))
        report = run_action("detect", lambda: _report(p, run.vessels, counts, segments.num_rows))
    finally:
        run.vessels.unpersist()
    write_results(ws, p, events, segments, since, until)
    return report


def _read_local(path: Path, schema: pa.Schema) -> pa.Table:
    """Parquet files Spark wrote to a local folder, in the canonical schema."""
    parts = sorted(path.glob("*.parquet"))
    if not parts:
        return schema.empty_table()
    table = pa.concat_tables([pq.read_table(f) for f in parts])
    return table.select(schema.names).cast(schema)
