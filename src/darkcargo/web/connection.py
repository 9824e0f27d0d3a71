"""The presentation side's DuckDB connection: read-only, sandboxed, and only over a workspace.

The dashboard answers requests from a browser, so its connection is opened as if SQL text
could one day reach it: no file system or network access from SQL (`read_csv('/etc/passwd')`,
`COPY ... TO`, `ATTACH`, extension loading all fail) and the configuration locked so no
statement can turn that back on. Before anything is served the file is checked to be a
darkcargo workspace of a schema this version reads, so a wrong file is one clear line at start
rather than a server answering 500.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from darkcargo.errors import InputError, WorkspaceError
from darkcargo.workspace import SCHEMA_VERSION, all_tables, duckdb_type

# Every DuckDB database file carries this magic at byte 8 of its header.
DUCKDB_MAGIC = b"DUCK"
DUCKDB_MAGIC_OFFSET = 8
# The sandbox: no file or network access from SQL, and no statement may change settings.
SANDBOX_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "lock_configuration": True,
}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def check_duckdb_file(path: Path) -> None:
    """InputError (exit code 2) when `path` is not a DuckDB database file at all."""
    if path.is_dir():
        raise InputError(str(path), "is a directory, not a darkcargo workspace file")
    try:
        with path.open("rb") as f:
            head = f.read(DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC))
    except OSError as exc:
        raise WorkspaceError(f"{path}: cannot read the workspace ({exc.strerror})") from exc
    if head[DUCKDB_MAGIC_OFFSET:] != DUCKDB_MAGIC:
        raise InputError(str(path), "not a DuckDB database file, so not a darkcargo workspace")


def open_read_only(path: Path, external_access: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the workspace read-only; sandboxed (see SANDBOX_CONFIG) unless `external_access`,
    which only the export bundles need (they COPY query results to files)."""
    check_duckdb_file(path)
    config = {} if external_access else dict(SANDBOX_CONFIG)
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as exc:
        raise WorkspaceError(f"{path}: cannot open workspace read-only ({_one_line(exc)})") from exc
    try:
        check_workspace_schema(con, path)
    except BaseException:
        con.close()
        raise
    return con


def check_workspace_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """InputError naming the file when it is not a darkcargo workspace this version can read:
    no `meta` table with a schema version (a DuckDB file from another tool), a newer schema
    version, or a canonical table whose columns are missing or of another type."""
    columns: dict[str, dict[str, str]] = {}
    for table, column, dtype in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_catalog = current_database()"
    ).fetchall():
        columns.setdefault(table, {})[column] = dtype
    version = None
    if {"key", "value"} <= set(columns.get("meta", {})):
        found = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        version = found[0][0] if found else None
    if version is None:
        raise InputError(
            str(path),
            "a DuckDB file, but not a darkcargo workspace (no schema_version in a meta table); "
            "give a file made by 'darkcargo ingest' or 'darkcargo demo'",
        )
    try:
        number = int(version)
    except ValueError:
        raise InputError(str(path), f"unreadable workspace schema version {version!r}") from None
    if number > SCHEMA_VERSION:
        raise InputError(
            str(path),
            f"workspace schema version {number} is newer than this darkcargo reads "
            f"({SCHEMA_VERSION}); upgrade darkcargo",
        )
    problems: list[str] = []
    for name, schema in all_tables().items():
        have = columns.get(name)
        if have is None:
            continue  # a stage that has not run yet: its table is simply empty
        missing = [f.name for f in schema if f.name not in have]
        if missing:
            problems.append(f"table {name} lacks {', '.join(missing)}")
        wrong = [
            f"{name}.{f.name} is {have[f.name]}, expected {duckdb_type(f.type)}"
            for f in schema
            if f.name in have and have[f.name] != duckdb_type(f.type)
        ]
        problems += wrong
    if problems:
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise InputError(
            str(path),
            f"not a workspace this darkcargo can serve ({shown}); a workspace made by an older "
            "darkcargo gains new columns when a writing command (ingest, detect) opens it",
        )
