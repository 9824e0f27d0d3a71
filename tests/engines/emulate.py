"""The Spark engine's plan run by plain Python group-bys over its task functions: tests of the
tasks (cells, pairs, runs, identity) that need no Spark, and a reference for the real engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from darkcargo.engines.spark import tasks


def group_apply(
    table: pa.Table, keys: list[str], fn: Callable[[pa.Table], pa.Table], schema: pa.Schema
) -> pa.Table:
    """Like Spark's groupBy(keys).applyInArrow(fn): fn on each group (rows shuffled)."""
    if table.num_rows == 0:
        return schema.empty_table()
    rng = np.random.default_rng(7)
    table = table.take(pa.array(rng.permutation(table.num_rows)))  # no order to rely on
    groups = table.group_by(keys).aggregate([])
    out = []
    for g in groups.to_pylist():
        mask = None
        for k in keys:
            m = pc.equal(table.column(k), pa.scalar(g[k], table.schema.field(k).type))
            mask = m if mask is None else pc.and_(mask, m)
        out.append(fn(table.filter(mask)).cast(schema))
    return pa.concat_tables(out) if out else schema.empty_table()


def split(vessels: pa.Table, rec: int, prefix: str, names: list[str]) -> pa.Table:
    part = vessels.filter(pc.equal(vessels.column("rec"), rec))
    cols = {n: part.column(n if n == "mmsi" or not prefix else f"{prefix}{n}") for n in names}
    return pa.table(cols)


def run(
    positions: pa.Table, statics: pa.Table, job: tasks.DetectJob, groups: int = 3
) -> dict[str, Any]:
    """Events (EVENT_ROWS with final ids) and segment rows, as the Spark plan computes them
    (with `groups` buckets of whole vessels and of whole cells)."""
    bucket = pc.bit_wise_and(positions.column("mmsi"), 0xFFFF)
    positions = positions.append_column("bucket", pc.remainder(bucket, groups))
    vessels = group_apply(
        positions, ["bucket"], lambda t: tasks.vessel_task(t, job), tasks.VESSEL_ROWS
    )
    ev_parts = [split(vessels, tasks.REC_EVENT, "", tasks.EVENT_ROWS.names).cast(tasks.EVENT_ROWS)]
    segs = split(vessels, tasks.REC_SEGMENT, "s_", tasks.SEGMENT_ROWS.names)
    cells = split(vessels, tasks.REC_CANDIDATE, "c_", tasks.CELLS.names).cast(tasks.CELLS)
    key = pc.add(pc.multiply(cells.column("cell_r"), 7), cells.column("cell_c"))
    cells = cells.append_column("bucket", pc.remainder(pc.add(key, cells.column("cell_t")), groups))
    pairs = group_apply(cells, ["bucket"], lambda t: tasks.pairs_task(t, job), tasks.PAIRS)
    ev_parts.append(
        group_apply(
            pairs,
            ["a_mmsi", "a_track", "b_mmsi", "b_track"],
            lambda t: tasks.runs_task(t, job),
            tasks.EVENT_ROWS,
        )
    )
    ev_parts.append(
        group_apply(statics, ["mmsi"], lambda t: tasks.fields_task(t, job), tasks.EVENT_ROWS)
    )
    with_imo = statics.filter(pc.greater(statics.column("imo"), 0))
    pairs_im = (
        with_imo.group_by(["imo", "mmsi"])
        .aggregate([])
        .group_by("imo")
        .aggregate([("mmsi", "count")])
    )
    shared = pairs_im.filter(pc.greater_equal(pairs_im.column("mmsi_count"), 2)).column("imo")
    rows = []
    for imo in shared.to_pylist():
        ms = with_imo.filter(pc.equal(with_imo.column("imo"), imo)).column("mmsi").unique()
        sub = statics.filter(pc.is_in(statics.column("mmsi"), value_set=ms))
        rows.append(sub.append_column("shared_imo", pa.array([imo] * sub.num_rows, pa.int64())))
    if rows:
        ev_parts.append(
            group_apply(
                pa.concat_tables(rows),
                ["shared_imo"],
                lambda t: tasks.moves_task(t, job),
                tasks.EVENT_ROWS,
            )
        )
    events = pa.concat_tables(ev_parts)
    return {"events": number_ids(events), "segments": segs}


def number_ids(events: pa.Table) -> pa.Table:
    """Final ids: identical base ids numbered in the local engine's order."""
    order = events.sort_by(
        [(k, "ascending") for k in ("base_id", "stage", "k1", "k2", "k3", "k4", "seq")]
    )
    ids = order.column("base_id").to_pylist()
    out, prev, n = [], None, 0
    for i in ids:
        n = n + 1 if i == prev else 1
        out.append(i if n == 1 else f"{i}-{n}")
        prev = i
    return order.append_column("event_id", pa.array(out, pa.string()))
