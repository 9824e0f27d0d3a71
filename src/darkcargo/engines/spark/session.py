"""The Spark side of the engine: the session, Arrow <-> Spark types, grouped Arrow functions
(with the pandas fallback for Spark releases without `applyInArrow`), and file operations on
whatever filesystem Spark writes to (local, HDFS, S3 through Hadoop's FileSystem).

Importing this module needs pyspark; the rest of darkcargo never imports it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from darkcargo.errors import DarkcargoError

log = logging.getLogger(__name__)

# Settings darkcargo gives every session it starts (the caller's --conf wins).
BASE_CONF: dict[str, str] = {
    # times are UTC microseconds throughout; Spark must not shift them to a local zone
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    # a vessel's or a cell's rows reach Python as Arrow in batches of this many
    "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
}
MIN_JAVA = 17
LOG4J2 = Path(__file__).with_name("log4j2.json")


class SparkEngineError(DarkcargoError):
    """The Spark engine cannot start or a job failed; the message says why and what to do."""

    exit_code = 4


def pyspark_version() -> str | None:
    """The installed pyspark's version, or None."""
    try:
        import pyspark
    except ImportError:
        return None
    return str(pyspark.__version__)


def java_problem() -> str | None:
    """Why Spark cannot start here (no pyspark, no Java, Java too old), or None."""
    if pyspark_version() is None:
        return "pyspark is not installed (pip install 'darkcargo[spark]')"
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return f"no Java runtime found (Spark needs Java {MIN_JAVA}+ on PATH or in JAVA_HOME)"
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run {java}: {exc}"
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return f"cannot tell the version of {java}"
    major = int(m.group(1)) if m.group(1) != "1" else int(m.group(2) or 0)
    spark_major = int(str(pyspark_version()).split(".")[0])
    need = MIN_JAVA if spark_major >= 4 else 8
    if major < need:
        return f"Java {major} at {java} is too old: Spark {spark_major} needs Java {need}+"
    return None


def parse_conf(items: list[str] | None) -> dict[str, str]:
    """`KEY=VALUE` strings (from --conf) as a dict; a malformed one is an input error."""
    conf: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SparkEngineError(
                f"--conf {item!r}: expected KEY=VALUE, e.g. spark.driver.memory=4g"
            )
        conf[key.strip()] = value.strip()
    return conf


def get_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> Any:
    """The active SparkSession, or a new one on `master` (default: the spark-submit master
    when run under spark-submit, else local[*]) with darkcargo's base settings."""
    problem = java_problem()
    if problem:
        raise SparkEngineError(f"cannot start Spark: {problem}")
    warnings.filterwarnings("ignore", message=".*does not yet fully support pandas.*")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    settings = {**BASE_CONF, **(conf or {})}
    if active is not None:
        running = str(active.sparkContext.master)
        if master is not None and master != running:
            raise SparkEngineError(
                f"a Spark session on {running} is already running in this process; "
                f"stop it before asking for {master}"
            )
        active.conf.set("spark.sql.session.timeZone", settings["spark.sql.session.timeZone"])
        return active
    builder = SparkSession.builder.appName("darkcargo")
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # the JVM of spark-submit started us
    if master:
        builder = builder.master(master)
    elif not submitted:
        builder = builder.master("local[*]")
    local = (master or ("" if submitted else "local")).startswith("local")
    if "spark.pyspark.python" in settings:
        os.environ["PYSPARK_PYTHON"] = settings["spark.pyspark.python"]
    elif local and "PYSPARK_PYTHON" not in os.environ:
        # workers of a local master run this very interpreter (and see this darkcargo);
        # pyspark reads the workers' Python from the environment when the context starts
        os.environ["PYSPARK_PYTHON"] = sys.executable
    if local and not submitted and "spark.driver.extraJavaOptions" not in settings:
        # Spark's own log lines (ERROR and up only) instead of its INFO/WARN start-up chatter
        settings["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={LOG4J2}"
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: say so in one line
        raise SparkEngineError(f"cannot start Spark on {master or 'local[*]'}: {exc}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    for key in ("spark.sql.session.timeZone",):
        spark.conf.set(key, settings[key])
    return spark


# --------------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------------
def spark_type(dtype: pa.DataType) -> Any:
    """The Spark SQL type of an Arrow type of darkcargo's schemas."""
    from pyspark.sql import types as st

    if pa.types.is_int8(dtype):
        return st.ByteType()
    if pa.types.is_int16(dtype):
        return st.ShortType()
    if pa.types.is_int32(dtype):
        return st.IntegerType()
    if pa.types.is_int64(dtype):
        return st.LongType()
    if pa.types.is_float32(dtype):
        return st.FloatType()
    if pa.types.is_float64(dtype):
        return st.DoubleType()
    if pa.types.is_boolean(dtype):
        return st.BooleanType()
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return st.StringType()
    if pa.types.is_timestamp(dtype):
        return st.TimestampNTZType() if dtype.tz is None else st.TimestampType()
    if pa.types.is_date32(dtype):
        return st.DateType()
    raise TypeError(f"no Spark type for {dtype}")


def spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql import types as st

    return st.StructType([st.StructField(f.name, spark_type(f.type), True) for f in schema])


def arrow_type(dtype: Any) -> pa.DataType:
    """The Arrow type of a Spark SQL type (the inverse of `spark_type`)."""
    from pyspark.sql import types as st

    table: list[tuple[type, pa.DataType]] = [
        (st.ByteType, pa.int8()),
        (st.ShortType, pa.int16()),
        (st.IntegerType, pa.int32()),
        (st.LongType, pa.int64()),
        (st.FloatType, pa.float32()),
        (st.DoubleType, pa.float64()),
        (st.BooleanType, pa.bool_()),
        (st.StringType, pa.string()),
        (st.TimestampNTZType, pa.timestamp("us")),
        (st.TimestampType, pa.timestamp("us", tz="UTC")),
        (st.DateType, pa.date32()),
    ]
    for cls, at in table:
        if isinstance(dtype, cls):
            return at
    raise TypeError(f"no Arrow type for {dtype}")


# --------------------------------------------------------------------------------------------
# Grouped Arrow functions
# --------------------------------------------------------------------------------------------
FORCE_PANDAS = False  # tests set this to run the fallback on a Spark that has applyInArrow


def apply_in_arrow(
    df: Any, keys: list[str], fn: Callable[[pa.Table], pa.Table], out: pa.Schema
) -> Any:
    """df.groupBy(keys).applyInArrow(fn): `fn` gets each group as one Arrow table (rows in no
    particular order) and returns a table of schema `out`. Spark releases without
    applyInArrow (before 4.0) go through applyInPandas, converting at both ends (slower)."""
    grouped = df.groupBy(*keys)
    target = spark_schema(out)
    if hasattr(grouped, "applyInArrow") and not FORCE_PANDAS:
        return grouped.applyInArrow(lambda t: fn(t).cast(out), target)
    log.warning(
        "this Spark has no applyInArrow (Spark 4.0+): grouped functions go through "
        "applyInPandas, converting to pandas and back"
    )
    inp = pa.schema([pa.field(f.name, arrow_type(f.dataType)) for f in df.schema.fields])

    def via_pandas(pdf: Any) -> Any:
        table = pa.Table.from_pandas(pdf, schema=inp, preserve_index=False)
        frame = fn(table).cast(out).to_pandas()
        for f in out:  # strings as Python objects: Spark's converter wants NumPy-backed columns
            if pa.types.is_string(f.type):
                frame[f.name] = frame[f.name].astype(object)
        return frame

    return grouped.applyInPandas(via_pandas, target)


def map_in_arrow(
    df: Any, fn: Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]], out: pa.Schema
) -> Any:
    """df.mapInArrow(fn) with an Arrow output schema."""
    return df.mapInArrow(fn, spark_schema(out))


def python_error(exc: BaseException) -> str:
    """The last line of a worker's Python traceback inside a Spark error, or the error."""
    text = str(exc)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if re.match(r"^[A-Za-z_.]+(Error|Exception)\b", ln):
            return ln
    return lines[0] if lines else type(exc).__name__


def run_action(step: str, fn: Callable[[], Any]) -> Any:
    """Run a Spark action; a failure in Spark or a worker becomes one line naming the step."""
    try:
        return fn()
    except DarkcargoError:
        raise
    except Exception as exc:
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            raise SparkEngineError(f"Spark {step} failed: {python_error(exc)}") from exc
        raise


# --------------------------------------------------------------------------------------------
# Files: Hadoop's FileSystem, so that hdfs://, s3a:// and local paths all work
# --------------------------------------------------------------------------------------------
class Files:
    """A few file operations through the JVM's Hadoop FileSystem of a session."""

    def __init__(self, spark: Any) -> None:
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, uri: str) -> tuple[Any, Any]:
        p = self._jvm.org.apache.hadoop.fs.Path(uri)
        return p.getFileSystem(self._conf), p

    def exists(self, uri: str) -> bool:
        fs, p = self._path(uri)
        return bool(fs.exists(p))

    def delete(self, uri: str) -> None:
        fs, p = self._path(uri)
        if fs.exists(p):
            fs.delete(p, True)

    def mkdirs(self, uri: str) -> None:
        fs, p = self._path(uri)
        fs.mkdirs(p)

    def rename(self, src: str, dst: str) -> None:
        fs, s = self._path(src)
        _, d = self._path(dst)
        fs.mkdirs(d.getParent())
        if not fs.rename(s, d):
            raise SparkEngineError(f"cannot move {src} to {dst}")

    def files(self, uri: str) -> list[str]:
        """Every file under `uri`, recursively (full URIs)."""
        fs, p = self._path(uri)
        if not fs.exists(p):
            return []
        out: list[str] = []
        it = fs.listFiles(p, True)
        while it.hasNext():
            out.append(str(it.next().getPath().toString()))
        return out

    def has_file(self, uri: str, suffix: str) -> bool:
        """Whether any file under `uri` ends with `suffix` (stops at the first)."""
        fs, p = self._path(uri)
        if not fs.exists(p):
            return False
        it = fs.listFiles(p, True)
        while it.hasNext():
            if str(it.next().getPath().getName()).endswith(suffix):
                return True
        return False

    def children(self, uri: str) -> list[str]:
        """Names of the entries directly in `uri`."""
        fs, p = self._path(uri)
        if not fs.exists(p):
            return []
        return [str(s.getPath().getName()) for s in fs.listStatus(p)]

    def write_bytes(self, uri: str, data: bytes) -> None:
        """Write a small file (under a temporary name, then moved into place)."""
        fs, p = self._path(uri)
        tmp = self._jvm.org.apache.hadoop.fs.Path(p.getParent(), "." + p.getName() + ".tmp")
        stream = fs.create(tmp, True)
        try:
            stream.write(bytearray(data))
        finally:
            stream.close()
        if fs.exists(p):
            fs.delete(p, False)
        if not fs.rename(tmp, p):
            raise SparkEngineError(f"cannot write {uri}")

    def write_text(self, uri: str, text: str) -> None:
        self.write_bytes(uri, text.encode())

    def read_text(self, uri: str) -> str:
        fs, p = self._path(uri)
        stream = fs.open(p)
        try:
            reader = self._jvm.java.io.BufferedReader(
                self._jvm.java.io.InputStreamReader(stream, "UTF-8")
            )
            lines = []
            line = reader.readLine()
            while line is not None:
                lines.append(str(line))
                line = reader.readLine()
            return "\n".join(lines)
        finally:
            stream.close()


def absolute(uri: str | Path) -> str:
    """A local path made absolute (Spark's JVM resolves relative paths against its own working
    folder, not this process's); URIs (hdfs://, s3a://, file:...) as they are."""
    text = str(uri)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        return text
    return str(Path(text).resolve())


def join(base: str, *parts: str) -> str:
    """Join path parts of a local path or URI with '/'."""
    out = base.rstrip("/")
    for p in parts:
        out += "/" + p.strip("/")
    return out
