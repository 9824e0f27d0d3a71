"""Engines move, partition and sort data around the kernels; they hold no detector logic.

- ``duckdb`` (the default): the workspace, one DuckDB file; `darkcargo.ais.ingest` and
  `darkcargo.events.detect` run the kernels in-process over Arrow/NumPy batches.
- ``spark``: Apache Spark (`darkcargo.engines.spark`), the same kernels through grouped Arrow
  functions, over partitioned Parquet, for AIS that outgrows one machine.
"""

from __future__ import annotations

ENGINES: tuple[str, ...] = ("duckdb", "spark")
