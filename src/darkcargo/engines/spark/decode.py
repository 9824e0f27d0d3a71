"""What each Spark task of `ingest` does: read whole files with darkcargo's own readers.

An NMEA file streams through `darkcargo.ais.nmea.iter_nmea_batches` (the compiled kernel the
local ingest uses: multipart groups, tag-block and $PGHP times carry across the file's batches
exactly as there). A CSV, Parquet or JSON file is read by the local engine itself (DuckDB's
readers, the layouts, the SQL transform) into a scratch workspace on the task's disk, then read
back. Either way the task hands on positions, statics and rejects in one table of one schema
(`rec` telling which), then one summary row per file: its SHA-256, format, lines read,
accepted and rejected. No Spark import: tests call these directly.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from darkcargo.ais import sources
from darkcargo.ais.nmea import iter_nmea_batches
from darkcargo.ais.schema import POSITIONS, REJECTS_TABLE, STATICS

REC_POSITION, REC_STATIC, REC_REJECT, REC_FILE = 0, 1, 2, 3

FILE_ROWS = pa.schema(
    [
        ("source_id", pa.int32()),
        ("sha256", pa.string()),
        ("lines_read", pa.int64()),
        ("accepted", pa.int64()),
        ("rejected", pa.int64()),
        ("positions", pa.int64()),
        ("statics", pa.int64()),
        ("reasons", pa.string()),  # JSON {reason: count}
        ("format", pa.string()),  # as the local ingest names it ("csv:marinecadastre+gzip")
    ]
)

PREFIX = {"positions": "p_", "statics": "t_", "rejects": "r_", "files": "f_"}
TABLES = {
    "positions": POSITIONS,
    "statics": STATICS,
    "rejects": REJECTS_TABLE,  # with the field a tabular reader names (null for NMEA)
    "files": FILE_ROWS,
}
SCRATCH_BATCH_ROWS = 1 << 16  # rows per batch read back from a task's scratch workspace


@dataclass(frozen=True)
class ReadOptions:
    """How a task reads its files: what the local ingest takes besides the file itself."""

    default_time: datetime | None = None
    batch_bytes: int = 4 << 20  # NMEA decoder batch
    columns: Mapping[str, str] | None = None  # a CSV column map (--columns)
    layouts: Sequence[str] = field(default_factory=tuple)  # layout files (--layouts)


# The decoded output: `rec` plus each table's columns under its prefix.
DECODED = pa.schema(
    [pa.field("rec", pa.int8())]
    + [pa.field(PREFIX[name] + f.name, f.type) for name, schema in TABLES.items() for f in schema]
)

FILES_IN = pa.schema([("source_id", pa.int32()), ("path", pa.string()), ("format", pa.string())])


def _as_decoded(table: pa.Table, name: str, rec: int) -> pa.RecordBatch:
    n = table.num_rows
    given = {PREFIX[name] + c: table.column(c) for c in table.column_names}
    cols: list[pa.Array] = []
    for f in DECODED:
        if f.name == "rec":
            cols.append(pa.array(np.full(n, rec, np.int8)))
        elif f.name in given:
            cols.append(given[f.name].combine_chunks().cast(f.type))
        else:
            cols.append(pa.nulls(n, f.type))
    return pa.RecordBatch.from_arrays(cols, schema=DECODED)


def decode_file(
    path: str, source_id: int, default_time: datetime | None, batch_bytes: int
) -> Iterator[pa.RecordBatch]:
    """One NMEA file's positions, statics and rejects (DECODED batches), then its summary row."""
    size = sources.check_readable(Path(path))
    reasons: Counter[str] = Counter()
    totals = Counter[str]()
    with sources.open_source(path) as src:
        for batch in iter_nmea_batches(
            src.stream, source_id=source_id, default_time=default_time, batch_bytes=batch_bytes
        ):
            totals.update(
                lines_read=batch.lines_read,
                accepted=batch.lines_accepted,
                rejected=batch.rejects.num_rows,
                positions=batch.positions.num_rows,
                statics=batch.statics.num_rows,
            )
            if batch.rejects.num_rows:
                counts = pc.value_counts(batch.rejects.column("reason")).to_pylist()
                reasons.update({c["values"]: c["counts"] for c in counts})
            for table, name, rec in (
                (batch.positions, "positions", REC_POSITION),
                (batch.statics, "statics", REC_STATIC),
                (batch.rejects, "rejects", REC_REJECT),
            ):
                if table.num_rows:
                    yield _as_decoded(table, name, rec)
        sha = src.counter.sha256(size)
        compression = src.compression
    if sha is None:
        sha = sources.sha256_file(path)
    fmt = "nmea" + ("" if compression == "plain" else f"+{compression}")
    yield _summary(source_id, sha, fmt, totals, reasons)


def read_table_file(
    path: str, source_id: int, fmt: str, options: ReadOptions
) -> Iterator[pa.RecordBatch]:
    """One CSV, Parquet or JSON file read by the local ingest into a scratch workspace (on the
    task's disk, gone afterwards), handed on as DECODED batches, then its summary row."""
    from darkcargo.ais.ingest import ingest
    from darkcargo.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="darkcargo-task-") as tmp:
        scratch = Path(tmp) / "file.duckdb"
        (got,) = ingest(
            [path],
            scratch,
            default_time=options.default_time,
            columns=options.columns,
            input_format=fmt,
            layouts=options.layouts,
        ).files
        if scratch.exists():
            with Workspace(scratch, read_only=True) as ws:
                for name, rec in (
                    ("positions", REC_POSITION),
                    ("statics", REC_STATIC),
                    ("rejects", REC_REJECT),
                ):
                    cols = ", ".join(f'"{n}"' for n in TABLES[name].names if n != "source_id")
                    order = "line_no" if name == "rejects" else "row_id"
                    reader = ws.con.sql(
                        f'SELECT {source_id}::INTEGER AS source_id, {cols} FROM "{name}" '
                        f"ORDER BY {order}"
                    ).to_arrow_reader(SCRATCH_BATCH_ROWS)
                    for part in reader:
                        yield _as_decoded(pa.Table.from_batches([part]), name, rec)
    totals = Counter(
        lines_read=got.lines_read,
        accepted=got.accepted,
        rejected=got.rejected,
        positions=got.positions,
        statics=got.statics,
    )
    sha = got.sha256 or sources.sha256_file(path)
    yield _summary(source_id, sha, got.format or fmt, totals, Counter(got.reasons))


def _summary(
    source_id: int, sha: str, fmt: str, totals: Counter[str], reasons: Counter[str]
) -> pa.RecordBatch:
    row = {
        "source_id": [source_id],
        "sha256": [sha],
        "reasons": [json.dumps(dict(reasons.most_common()))],
        "format": [fmt],
        **{
            k: [int(totals[k])]
            for k in ("lines_read", "accepted", "rejected", "positions", "statics")
        },
    }
    return _as_decoded(pa.table(row, schema=FILE_ROWS), "files", REC_FILE)


def decode_task(
    batches: Iterator[pa.RecordBatch], options: ReadOptions
) -> Iterator[pa.RecordBatch]:
    """Rows of FILES_IN (source id, path, format) to the DECODED rows of their files."""
    for batch in batches:
        for sid, path, fmt in zip(
            batch.column("source_id").to_pylist(),
            batch.column("path").to_pylist(),
            batch.column("format").to_pylist(),
            strict=True,
        ):
            if fmt == "nmea":
                yield from decode_file(
                    str(path), int(sid), options.default_time, options.batch_bytes
                )
            else:
                yield from read_table_file(str(path), int(sid), str(fmt), options)


def hash_task(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Rows of (path) to (path, sha256): files that may have been ingested before."""
    for batch in batches:
        paths = [str(p) for p in batch.column("path").to_pylist()]
        yield pa.RecordBatch.from_arrays(
            [pa.array(paths, pa.string()), pa.array([sources.sha256_file(p) for p in paths])],
            names=["path", "sha256"],
        )


def table_columns(name: str) -> list[tuple[str, str]]:
    """(decoded column, canonical column) of one table."""
    return [(PREFIX[name] + f.name, f.name) for f in TABLES[name]]


def summary(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Per source id: the summary row with its prefix removed and reasons parsed."""
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        d = {k[len(PREFIX["files"]) :]: v for k, v in r.items() if k.startswith(PREFIX["files"])}
        d["reasons"] = json.loads(d["reasons"] or "{}")
        out[int(d["source_id"])] = d
    return out
