"""`ingest` on Spark: AIS files read by darkcargo's own readers on the executors, one task per
file, into the partitioned Parquet dataset of `darkcargo.engines.spark.dataset`.

NMEA is decoded by the compiled decoder; CSV, Parquet and JSON are read by the local engine
(DuckDB's readers, the provider layouts, the SQL transform) in the task. As the local ingest:
each file is a source identified by the SHA-256 of its bytes; a file whose bytes are already in
the dataset adds nothing ("already ingested"); every line is accepted or kept in `rejects` with
its reason; a failed or interrupted run leaves the dataset as it was.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from darkcargo.ais import sources
from darkcargo.ais.ingest import (
    NMEA_BATCH_BYTES,
    STATUS_DUPLICATE,
    STATUS_EMPTY,
    STATUS_INGESTED,
    FileResult,
    IngestReport,
    resolve_format,
)
from darkcargo.ais.layout import load_layouts, parse_column_map, plan_csv
from darkcargo.ais.schema import SOURCES
from darkcargo.engines.spark import dataset, decode
from darkcargo.engines.spark.detect import DEFAULT_OPTIONS, SparkOptions
from darkcargo.engines.spark.session import (
    Files,
    SparkEngineError,
    absolute,
    join,
    map_in_arrow,
    run_action,
)
from darkcargo.errors import InputError

log = logging.getLogger(__name__)


def _local(path: str | Path) -> Path:
    text = str(path)
    if "://" in text and not text.startswith("file://"):
        raise InputError(
            text,
            "the Spark engine reads input files by path: put them where the driver and every "
            "executor see them under the same path (a shared mount)",
        )
    return Path(text.removeprefix("file://")).resolve()


def ingest_dataset(
    paths: Iterable[str | Path],
    out: str,
    *,
    default_time: datetime | None = None,
    input_format: str = "auto",
    options: SparkOptions = DEFAULT_OPTIONS,
    nmea_batch_bytes: int = NMEA_BATCH_BYTES,
    columns: str | Mapping[str, str] | None = None,
    layouts: Iterable[str | Path] = (),
) -> IngestReport:
    """Read AIS files on Spark into the dataset at `out` (created when missing); `columns` and
    `layouts` as for the local ingest (a CSV's column map, layout files)."""
    column_map = parse_column_map(columns) if isinstance(columns, str) else columns
    layout_files = tuple(str(p) for p in layouts)
    known_layouts = load_layouts(layout_files)  # a bad layout file fails here, not in a task
    if default_time is not None and default_time.tzinfo is not None:
        default_time = default_time.astimezone(UTC).replace(tzinfo=None)
    report = IngestReport()
    todo: list[tuple[Path, FileResult]] = []
    for given in paths:
        path = _local(given)
        size = sources.check_readable(path)
        result = FileResult(path=str(given), status=STATUS_INGESTED, bytes=size)
        head, compression, member = sources.read_head(path) if size else (b"", "plain", None)
        if not head:
            report.files.append(FileResult(path=str(given), status=STATUS_EMPTY, bytes=size))
            continue
        fmt = resolve_format(path, input_format, head, member)
        if fmt == "csv":  # an unknown header fails here, naming the file, before any task
            plan_csv(head, str(given), column_map, default_time, known_layouts)
        result.format = fmt + ("" if compression == "plain" else f"+{compression}")
        todo.append((path, result))
        report.files.append(result)
    if not todo:
        return report
    out = absolute(out)
    spark = options.session()
    files = Files(spark)
    files.mkdirs(out)
    dataset.recover(spark, out)
    known = dataset.committed_sources(spark, out)
    _skip_known(spark, todo, known)
    fresh = [(p, r) for p, r in todo if r.status == STATUS_INGESTED]
    if fresh:
        read = decode.ReadOptions(default_time, nmea_batch_bytes, column_map, layout_files)
        _decode(spark, files, out, fresh, known, read)
    return report


def _skip_known(spark: Any, todo: list[tuple[Path, FileResult]], known: pa.Table) -> None:
    """Files whose bytes are in the dataset already: hashed on the executors, but only those
    of a size some source has (a file of a new size cannot be a copy)."""
    sizes = set(known.column("bytes").to_pylist())
    maybe = [(p, r) for p, r in todo if r.bytes in sizes]
    if not maybe:
        return
    rdd = spark.sparkContext.parallelize([(str(p),) for p, _ in maybe], len(maybe))
    df = spark.createDataFrame(rdd, "path string")
    hashed = map_in_arrow(
        df, decode.hash_task, pa.schema([("path", pa.string()), ("sha256", pa.string())])
    )
    shas = {r["path"]: r["sha256"] for r in run_action("ingest", hashed.collect)}
    by_sha = {s: i for i, s in enumerate(known.column("sha256").to_pylist())}
    for path, result in maybe:
        i = by_sha.get(shas[str(path)])
        if i is not None:
            _mark_duplicate(result, known, i)


def _mark_duplicate(result: FileResult, known: pa.Table, i: int) -> None:
    row = known.slice(i, 1).to_pylist()[0]
    result.status = STATUS_DUPLICATE
    result.source_id = int(row["source_id"])
    result.sha256 = row["sha256"]
    result.format = row["format"]
    result.lines_read = int(row["lines_read"] or 0)
    result.accepted = int(row["accepted"] or 0)
    result.rejected = int(row["rejected"] or 0)


def _decode(
    spark: Any,
    files: Files,
    out: str,
    todo: list[tuple[Path, FileResult]],
    known: pa.Table,
    read: decode.ReadOptions,
) -> None:
    from pyspark import StorageLevel
    from pyspark.sql import functions as sf

    started = time.perf_counter()
    first = int(max(known.column("source_id").to_pylist(), default=0)) + 1
    for k, (_, result) in enumerate(todo):
        result.source_id = first + k
    # one task per file, the largest first, so that the last tasks to start are short
    order = sorted(todo, key=lambda t: -t[1].bytes)
    rdd = spark.sparkContext.parallelize(
        [(int(r.source_id or 0), str(p), (r.format or "").split("+")[0]) for p, r in order],
        len(order),
    )
    inputs = spark.createDataFrame(rdd, "source_id int, path string, format string")
    decoded = map_in_arrow(
        inputs, functools.partial(decode.decode_task, options=read), decode.DECODED
    ).persist(StorageLevel.MEMORY_AND_DISK)
    run = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    staging = join(out, dataset.STAGING, run)
    try:
        rows = run_action(
            "ingest",
            lambda: (
                decoded.filter(sf.col("rec") == decode.REC_FILE)
                .select(*[c for c, _ in decode.table_columns("files")])
                .collect()
            ),
        )
        got = decode.summary([r.asDict() for r in rows])
        keep = _results(todo, got, known)
        if not keep:
            return
        rec = sf.col("rec")
        for name, code in (("positions", decode.REC_POSITION), ("statics", decode.REC_STATIC)):
            part = decoded.filter(
                (rec == code) & sf.col(decode.PREFIX[name] + "source_id").isin(keep)
            )
            df = part.select(*[sf.col(c).alias(n) for c, n in decode.table_columns(name)])
            df = df.withColumn("day", sf.to_date("ts")).sortWithinPartitions("day", "mmsi", "ts")
            writer = df.write.partitionBy("day")
            run_action("ingest", functools.partial(writer.parquet, join(staging, name)))
        rej = decoded.filter((rec == decode.REC_REJECT) & sf.col("r_source_id").isin(keep))
        run_action(
            "ingest",
            lambda: rej.select(
                *[sf.col(c).alias(n) for c, n in decode.table_columns("rejects")]
            ).write.parquet(join(staging, "rejects")),
        )
        now = datetime.now(UTC).replace(tzinfo=None)
        kept = [(p, r) for p, r in todo if r.status == STATUS_INGESTED]
        source_rows = pa.table(
            {
                "source_id": [r.source_id for _, r in kept],
                "path": [str(p) for p, _ in kept],
                "sha256": [r.sha256 for _, r in kept],
                "format": [r.format for _, r in kept],
                "bytes": [r.bytes for _, r in kept],
                "lines_read": [r.lines_read for _, r in kept],
                "accepted": [r.accepted for _, r in kept],
                "rejected": [r.rejected for _, r in kept],
                "ingested_at": [now] * len(kept),
            },
            schema=SOURCES,
        )
        dataset.commit(spark, out, run, source_rows)
    finally:
        decoded.unpersist()
        files.delete(staging)
    seconds = time.perf_counter() - started
    total = sum(r.lines_read for _, r in todo) or 1
    for _, r in todo:  # the job's time shared out by lines
        r.seconds = seconds * r.lines_read / total


def _results(
    todo: list[tuple[Path, FileResult]], got: dict[int, dict[str, Any]], known: pa.Table
) -> list[int]:
    """Fill the file results from the decode summaries; the source ids to keep (files whose
    bytes were already in the dataset, or appear twice in this run, are dropped)."""
    by_sha = {s: i for i, s in enumerate(known.column("sha256").to_pylist())}
    seen: dict[str, FileResult] = {}
    keep: list[int] = []
    for _, r in todo:
        s = got.get(int(r.source_id or 0))
        if s is None:
            raise SparkEngineError(f"{r.path}: the decode task returned no summary")
        r.sha256 = s["sha256"]
        r.format = s["format"] or r.format  # the reader's own name ("csv:dma+gzip")
        if int(s["lines_read"]) == 0:  # a header and nothing else: as the local ingest
            r.status = STATUS_EMPTY
            continue
        if r.sha256 in by_sha:
            _mark_duplicate(r, known, by_sha[r.sha256])
            continue
        if r.sha256 in seen:
            twin = seen[r.sha256]
            r.status = STATUS_DUPLICATE
            r.source_id, r.format = twin.source_id, twin.format
            r.lines_read, r.accepted, r.rejected = twin.lines_read, twin.accepted, twin.rejected
            continue
        r.lines_read = int(s["lines_read"])
        r.accepted = int(s["accepted"])
        r.rejected = int(s["rejected"])
        r.positions = int(s["positions"])
        r.statics = int(s["statics"])
        r.reasons = {str(k): int(v) for k, v in s["reasons"].items()}
        seen[r.sha256] = r
        keep.append(int(r.source_id or 0))
    return keep
