"""What each Spark task of `ingest` does: decode whole NMEA files with darkcargo's own decoder.

A task streams each of its files through `darkcargo.ais.nmea.iter_nmea_batches` (the compiled
kernel the local ingest uses: multipart groups, tag-block and $PGHP times carry across the
file's batches exactly as there) and hands on positions, statics and rejects in one table of
one schema (`rec` telling which), then one summary row per file: its SHA-256 (taken while
reading), lines read, accepted and rejected. No Spark import: tests call these directly.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from darkcargo.ais import sources
from darkcargo.ais.nmea import iter_nmea_batches
from darkcargo.ais.schema import POSITIONS, REJECTS, STATICS

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
    ]
)

PREFIX = {"positions": "p_", "statics": "t_", "rejects": "r_", "files": "f_"}
TABLES = {"positions": POSITIONS, "statics": STATICS, "rejects": REJECTS, "files": FILE_ROWS}

# The decoded output: `rec` plus each table's columns under its prefix.
DECODED = pa.schema(
    [pa.field("rec", pa.int8())]
    + [pa.field(PREFIX[name] + f.name, f.type) for name, schema in TABLES.items() for f in schema]
)

FILES_IN = pa.schema([("source_id", pa.int32()), ("path", pa.string())])


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
    """One file's positions, statics and rejects (DECODED batches), then its summary row."""
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
    if sha is None:
        sha = sources.sha256_file(path)
    summary = {
        "source_id": [source_id],
        "sha256": [sha],
        "reasons": [json.dumps(dict(reasons.most_common()))],
        **{
            k: [int(totals[k])]
            for k in ("lines_read", "accepted", "rejected", "positions", "statics")
        },
    }
    yield _as_decoded(pa.table(summary, schema=FILE_ROWS), "files", REC_FILE)


def decode_task(
    batches: Iterator[pa.RecordBatch], default_time: datetime | None, batch_bytes: int
) -> Iterator[pa.RecordBatch]:
    """Rows of FILES_IN (source id, path) to the DECODED rows of their files."""
    for batch in batches:
        for sid, path in zip(
            batch.column("source_id").to_pylist(), batch.column("path").to_pylist(), strict=True
        ):
            yield from decode_file(str(path), int(sid), default_time, batch_bytes)


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
