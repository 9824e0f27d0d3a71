"""The Spark engine: darkcargo's decoder and detectors on a Spark cluster (or local mode).

- `ingest_dataset`: NMEA files -> a Parquet dataset partitioned by day (`dataset`), decoded
  by the local engine's compiled decoder, one task per file (`decode`);
- `detect_dataset` / `detect_workspace`: the local engine's kernels through grouped Arrow
  functions (`tasks`), encounters over space-time cells with neighbour overlap (`cells`).

Both give what the local engine gives on the same input. Needs `pip install 'darkcargo[spark]'`
and Java 17+; the modules that import pyspark do so only when called.
"""

from __future__ import annotations

from darkcargo.engines.spark.detect import SparkOptions, detect_dataset, detect_workspace
from darkcargo.engines.spark.ingest import ingest_dataset

__all__ = ["SparkOptions", "detect_dataset", "detect_workspace", "ingest_dataset"]
