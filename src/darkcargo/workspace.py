"""The workspace: one DuckDB file whose tables are the canonical tables of every stage.

Any DuckDB client can read it. Each table's schema is owned by its stage's ``schema.py``; this
module only turns those Arrow schemas into DDL, opens the file, and runs transactions.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from darkcargo.errors import WorkspaceError

DEFAULT_WORKSPACE = "darkcargo.duckdb"
WORKSPACE_ENV = "DARKCARGO_WORKSPACE"
SCHEMA_VERSION = 1

# Stage schema modules, in pipeline order. Each exposes TABLES: dict[str, pa.Schema].
SCHEMA_MODULES: tuple[str, ...] = (
    "darkcargo.ais.schema",
    "darkcargo.sightings.schema",
    "darkcargo.events.schema",
    "darkcargo.sar.schema",
    "darkcargo.sanctions.schema",
    "darkcargo.shipments.schema",
    "darkcargo.estimate.schema",
    "darkcargo.claims.schema",
)


def all_tables() -> dict[str, pa.Schema]:
    """Every canonical table, by name, from the stage that owns it (a new dict each call)."""
    return dict(_collect_tables())


# Collected once per process: every append asks for its table's schema, and importing the
# stage modules again costs 80 µs a call, 10 ms of a million-sentence ingest's writing thread.
@functools.cache
def _collect_tables() -> dict[str, pa.Schema]:
    tables: dict[str, pa.Schema] = {}
    for module_name in SCHEMA_MODULES:
        module = importlib.import_module(module_name)
        for name, schema in module.TABLES.items():
            if name in tables:
                raise RuntimeError(f"table {name} is defined by two schema modules")
            tables[name] = schema
    return tables


def default_workspace_path() -> Path:
    return Path(os.environ.get(WORKSPACE_ENV, DEFAULT_WORKSPACE))


def duckdb_type(dtype: pa.DataType) -> str:
    """DuckDB column type for an Arrow type used in the canonical schemas."""
    if pa.types.is_int8(dtype):
        return "TINYINT"
    if pa.types.is_int16(dtype):
        return "SMALLINT"
    if pa.types.is_int32(dtype):
        return "INTEGER"
    if pa.types.is_int64(dtype):
        return "BIGINT"
    if pa.types.is_float32(dtype):
        return "FLOAT"
    if pa.types.is_float64(dtype):
        return "DOUBLE"
    if pa.types.is_boolean(dtype):
        return "BOOLEAN"
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return "VARCHAR"
    if pa.types.is_timestamp(dtype):
        return "TIMESTAMP"  # always UTC by convention
    if pa.types.is_date32(dtype):
        return "DATE"
    raise TypeError(f"no DuckDB type for {dtype}")


def create_table_sql(name: str, schema: pa.Schema) -> str:
    cols = ", ".join(f'"{f.name}" {duckdb_type(f.type)}' for f in schema)
    return f'CREATE TABLE IF NOT EXISTS "{name}" ({cols})'


class Workspace:
    """An open workspace. Use as a context manager, or call close()."""

    def __init__(
        self, path: str | Path | None = None, read_only: bool = False, must_exist: bool = False
    ) -> None:
        """Open (or, unless read_only or must_exist, create) the workspace at `path`. Stages
        that only derive from what is there pass must_exist, so that a mistyped path is an
        error rather than a new, empty workspace and an empty result."""
        self.path = Path(path) if path is not None else default_workspace_path()
        self.read_only = read_only
        if (read_only or must_exist) and not self.path.exists():
            raise WorkspaceError(f"{self.path}: no such workspace; run 'darkcargo ingest' first")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise WorkspaceError(f"{self.path}: cannot open workspace ({exc})") from exc
        if not read_only:
            self._ensure_tables()

    def _ensure_tables(self) -> None:
        # One transaction: one commit to the write-ahead log instead of one per table (a new
        # workspace is set up in a quarter of the time; every command that writes pays this).
        # The statements go to DuckDB as one script: a new workspace's two dozen tables are
        # made in a third of the time of one call each.
        with self.transaction() as con:
            existing = self._columns()
            ddl: list[str] = []
            if "meta" not in existing:  # a new workspace (a plain INSERT: OR IGNORE costs 6 ms)
                ddl.append("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
                ddl.append(f"INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}')")
            for name, schema in all_tables().items():
                if name not in existing:
                    ddl.append(create_table_sql(name, schema))
                    continue
                # A workspace made by an older version gains the columns added since (as nulls).
                ddl.extend(
                    f'ALTER TABLE "{name}" ADD COLUMN "{f.name}" {duckdb_type(f.type)}'
                    for f in schema
                    if f.name not in existing[name]
                )
            if ddl:
                con.execute(";\n".join(ddl))

    def _columns(self) -> dict[str, set[str]]:
        rows = self.con.execute(
            # duckdb_columns(), not information_schema: binding that view costs 10 ms
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main'"
        ).fetchall()
        columns: dict[str, set[str]] = {}
        for table, column in rows:
            columns.setdefault(table, set()).add(column)
        return columns

    # -- transactions -------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: an exception (or Ctrl-C) inside rolls every write back."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def append(self, table: str, data: pa.Table | pa.RecordBatch) -> int:
        """Append Arrow rows to a canonical table, casting to its schema; columns the rows lack
        (added to the schema since their writer was written) are nulls. Returns rows added."""
        schema = all_tables()[table]
        if isinstance(data, pa.RecordBatch):
            data = pa.Table.from_batches([data])
        if data.num_rows == 0:
            return 0
        for f in schema:
            if f.name not in data.column_names:
                data = data.append_column(f.name, pa.nulls(data.num_rows, f.type))
        # DuckDB finds this local by its name (a replacement scan; no workspace table has it).
        # Not a registered view: inside a transaction a dropped view keeps its Arrow data alive
        # until commit, so a long ingest would hold every batch it wrote in memory.
        _darkcargo_rows = data.select(schema.names)
        if not _darkcargo_rows.schema.equals(schema):  # a cast imports pyarrow.compute (25 ms)
            _darkcargo_rows = _darkcargo_rows.cast(schema)
        cols = ", ".join(f'"{n}"' for n in schema.names)
        self.con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _darkcargo_rows')
        return int(_darkcargo_rows.num_rows)

    def replace(
        self, table: str, data: pa.Table, where: str = "", params: list | None = None
    ) -> int:
        """Delete rows matching `where` (all rows when empty) and append `data`, in one go."""
        clause = f" WHERE {where}" if where else ""
        self.con.execute(f'DELETE FROM "{table}"{clause}', params or [])
        return self.append(table, data)

    # -- reading ------------------------------------------------------------------------------
    def arrow(self, sql: str, params: list | None = None) -> pa.Table:
        """Run a query and return an Arrow table (relation API: no extra copy on DuckDB 2)."""
        rel = self.con.sql(sql, params=params or None)
        if rel is None:
            return pa.table({})
        # DuckDB 2 names it to_arrow_table; 1.x calls it arrow
        fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
        table: pa.Table = fetch()
        return table

    def scalar(self, sql: str, params: list | None = None) -> Any:
        # fetchall, not fetchone: DuckDB 2 refuses further work on a connection whose last
        # result was not read to the end.
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def count(self, table: str) -> int:
        return int(self.scalar(f'SELECT count(*) FROM "{table}"') or 0)

    def get_meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_workspace(path: str | Path | None = None, read_only: bool = False) -> Workspace:
    return Workspace(path, read_only=read_only)
