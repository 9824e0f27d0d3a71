"""The distributed workspace: a folder of Parquet tables, partitioned by day, that a cluster
reads and writes without funnelling data through one machine.

    DIR/sources/<run>.parquet                   one file per ingest run: its commit record
    DIR/positions/day=YYYY-MM-DD/<run>-*.parquet
    DIR/statics/day=YYYY-MM-DD/<run>-*.parquet
    DIR/rejects/<run>-*.parquet
    DIR/_runs/<run>.json                        while a run moves its files into place
    DIR/_staging/<run>/                         a run's files before they move

Each table holds exactly the canonical columns of `darkcargo.ais.schema` (plus the `day`
folder). A run writes everything under `_staging/`, records its intent, moves its files into
place, then writes its `sources` file: only rows whose source id a `sources` file lists are
read, and the next run removes whatever an interrupted one left. So a failed or interrupted
ingest leaves the dataset as it was.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from darkcargo.ais.schema import SOURCES
from darkcargo.engines.spark.session import Files, join

log = logging.getLogger(__name__)

DATA_TABLES = ("positions", "statics", "rejects")
RUNS = "_runs"
STAGING = "_staging"


def committed_sources(spark: Any, root: str) -> pa.Table:
    """The `sources` rows of every committed run (SOURCES schema)."""
    files = Files(spark)
    names = [n for n in files.children(join(root, "sources")) if n.endswith(".parquet")]
    if not names:
        return SOURCES.empty_table()
    df = spark.read.parquet(*[join(root, "sources", n) for n in names])
    rows = df.collect()
    data = {f: [r[f] for r in rows] for f in SOURCES.names}
    return pa.table(data).cast(SOURCES)


def read_table(spark: Any, root: str, name: str) -> Any | None:
    """A table of the dataset as a DataFrame (rows of committed sources only), or None when
    the folder has no such table."""
    from pyspark.sql import functions as sf

    files = Files(spark)
    path = join(root, name)
    if not files.has_file(path, ".parquet"):
        return None
    df = spark.read.option("basePath", path).parquet(path)
    if files.exists(join(root, "sources")):
        ids = committed_sources(spark, root).column("source_id").to_pylist()
        df = df.filter(sf.col("source_id").isin(ids))
    return df


def recover(spark: Any, root: str) -> list[str]:
    """Finish or undo the runs an interruption left half-moved; returns their ids."""
    files = Files(spark)
    done: list[str] = []
    for name in files.children(join(root, RUNS)):
        if not name.endswith(".json"):
            continue
        run = name[: -len(".json")]
        if not files.exists(join(root, "sources", f"{run}.parquet")):
            for table in DATA_TABLES:
                for f in files.files(join(root, table)):
                    if f.rsplit("/", 1)[-1].startswith(f"{run}-"):
                        files.delete(f)
            log.warning("%s: removed the files of interrupted ingest run %s", root, run)
        files.delete(join(root, STAGING, run))
        files.delete(join(root, RUNS, name))
        done.append(run)
    for name in files.children(join(root, STAGING)):
        files.delete(join(root, STAGING, name))  # staging of runs that never began to move
    return done


def commit(spark: Any, root: str, run: str, source_rows: pa.Table) -> int:
    """Move a run's staged files into place, then write its sources file; returns the number
    of data files moved."""
    files = Files(spark)
    staging = join(root, STAGING, run)
    files.write_text(
        join(root, RUNS, f"{run}.json"),
        json.dumps({"run": run, "source_ids": source_rows.column("source_id").to_pylist()}),
    )
    moved = 0
    for table in DATA_TABLES:
        base = join(staging, table)
        for f in files.files(base):
            name = f.rsplit("/", 1)[-1]
            if not name.endswith(".parquet"):
                continue
            rel = f[f.index(f"/{STAGING}/{run}/{table}") + len(f"/{STAGING}/{run}/{table}") :]
            folder = rel.rsplit("/", 1)[0]  # "" or "/day=..."
            files.rename(f, join(root, table) + folder + f"/{run}-{name}")
            moved += 1
    buf = io.BytesIO()
    pq.write_table(source_rows.cast(SOURCES), buf)
    files.write_bytes(join(root, "sources", f"{run}.parquet"), buf.getvalue())
    files.delete(staging)
    files.delete(join(root, RUNS, f"{run}.json"))
    return moved
