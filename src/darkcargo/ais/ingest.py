"""Ingest orchestration: AIS files in, canonical tables (positions, statics, rejects) out.

Each file is one source, identified by the SHA-256 of its bytes as given (compressed), and is
written in one workspace transaction: its `sources` row, positions, statics and rejects appear
together or not at all. A failure or Ctrl-C rolls the current file back; files finished earlier
in the same call stay committed. Ingesting a file whose hash is already in `sources` adds nothing
and reports "already ingested". Every input line (NMEA) or row (CSV, Parquet) is either accepted
or stored in `rejects` with a reason code, and `sources` records lines read/accepted/rejected.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from darkcargo.ais import sources, tabular
from darkcargo.ais.nmea import DecodedBatch, iter_nmea_batches
from darkcargo.ais.schema import SOURCES
from darkcargo.errors import InputError
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

INPUT_FORMATS: tuple[str, ...] = ("auto", "nmea", "csv", "parquet")
NMEA_BATCH_BYTES = 16 << 20  # decompressed NMEA bytes per decoder batch (smaller: more overlap)
NMEA_READ_AHEAD = 1  # decoded NMEA batches held ahead of the writer
# DuckDB while ingesting: one thread (parsing and decoding use the other cores; appending from
# one thread also fills row groups in order, so closing the workspace has no partial row groups
# to merge), and each full row group compressed and written as soon as it fills, while the
# readers work, instead of up to five at a time, the last of them at commit.
INGEST_DUCKDB_SETTINGS: dict[str, int] = {"threads": 1, "write_buffer_row_group_count": 1}
STATUS_INGESTED = "ingested"
STATUS_DUPLICATE = "already ingested"
STATUS_EMPTY = "empty"


class IngestProgress(Protocol):
    """Receives progress while files are ingested (the CLI draws bars from it)."""

    def start(self, path: str, total_bytes: int) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def done(self, result: FileResult) -> None: ...


@dataclass
class FileResult:
    """What happened to one input file."""

    path: str
    status: str  # "ingested", "already ingested" or "empty"
    format: str | None = None  # e.g. "nmea", "csv:marinecadastre+gzip", "parquet"
    source_id: int | None = None
    sha256: str | None = None
    bytes: int = 0
    lines_read: int = 0
    accepted: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    positions: int = 0
    statics: int = 0
    seconds: float = 0.0


@dataclass
class IngestReport:
    """Per-file results of one ingest call, with totals over the files."""

    files: list[FileResult] = field(default_factory=list)

    def _total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files if f.status == STATUS_INGESTED)

    @property
    def lines_read(self) -> int:
        return self._total("lines_read")

    @property
    def accepted(self) -> int:
        return self._total("accepted")

    @property
    def rejected(self) -> int:
        return self._total("rejected")

    @property
    def positions(self) -> int:
        return self._total("positions")

    @property
    def statics(self) -> int:
        return self._total("statics")

    @property
    def reasons(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for f in self.files:
            if f.status == STATUS_INGESTED:
                total.update(f.reasons)
        return dict(total.most_common())


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def ingest(
    paths: Iterable[str | Path],
    workspace: Workspace | str | Path | None,
    *,
    default_time: datetime | None = None,
    columns: str | Mapping[str, str] | None = None,
    progress: IngestProgress | None = None,
    input_format: str = "auto",
    batch_rows: int = tabular.DEFAULT_BATCH_ROWS,
    nmea_batch_bytes: int = NMEA_BATCH_BYTES,
) -> IngestReport:
    """Ingest AIS files into a workspace, one transaction per file.

    `columns` maps canonical fields to CSV headers (``'mmsi=MMSI,ts=time,...'`` or a dict) for
    CSVs of no known layout; `input_format` forces nmea/csv/parquet instead of detection;
    `default_time` dates positions that carry no time of their own. Raises InputError on the
    first file that cannot be read as its format (earlier files stay committed).
    """
    if input_format not in INPUT_FORMATS:
        raise InputError(
            None, f"unknown format '{input_format}'; use one of {', '.join(INPUT_FORMATS)}"
        )
    column_map = tabular.parse_column_map(columns) if isinstance(columns, str) else columns
    default_time = _naive_utc(default_time)
    own = not isinstance(workspace, Workspace)
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    report = IngestReport()
    try:
        with _duckdb_settings(ws, INGEST_DUCKDB_SETTINGS):
            for path in paths:
                result = ingest_file(
                    ws,
                    Path(path),
                    default_time=default_time,
                    column_map=column_map,
                    progress=progress,
                    input_format=input_format,
                    batch_rows=batch_rows,
                    nmea_batch_bytes=nmea_batch_bytes,
                )
                report.files.append(result)
                if progress is not None:
                    progress.done(result)
    finally:
        if own:
            ws.close()
    return report


@contextmanager
def _duckdb_settings(ws: Workspace, settings: Mapping[str, int]) -> Iterator[None]:
    """Run DuckDB with some settings for a while, restoring them after (settings this DuckDB
    does not know are left alone)."""
    before: dict[str, Any] = {}
    for name, value in settings.items():
        try:
            before[name] = _one(ws, f"SELECT current_setting('{name}')")[0]
        except duckdb.Error:
            continue
        ws.con.execute(f"SET {name} = {int(value)}")
    try:
        yield
    finally:
        for name, value in before.items():
            ws.con.execute(f"SET {name} = {int(value)}")


def append_rows(ws: Workspace, table: str, data: pa.Table) -> int:
    """Append a batch inside the file's transaction (Workspace.append frees each batch once
    inserted, so a long ingest holds one batch at a time)."""
    return ws.append(table, data)


def _one(ws: Workspace, sql: str, params: list[object] | None = None) -> tuple[Any, ...]:
    """First row of a query that returns exactly one (fetching it to the end, as DuckDB wants)."""
    rows = ws.con.execute(sql, params or []).fetchall()
    return tuple(rows[0]) if rows else ()


def _existing(ws: Workspace, sha: str) -> FileResult | None:
    row = _one(
        ws,
        "SELECT source_id, format, bytes, lines_read, accepted, rejected FROM sources "
        "WHERE sha256 = ? ORDER BY source_id LIMIT 1",
        [sha],
    )
    if not row:
        return None
    reasons = dict(
        ws.con.execute(
            "SELECT reason, count(*) FROM rejects WHERE source_id = ? GROUP BY reason "
            "ORDER BY count(*) DESC",
            [row[0]],
        ).fetchall()
    )
    return FileResult(
        path="",
        status=STATUS_DUPLICATE,
        format=row[1],
        source_id=int(row[0]),
        sha256=sha,
        bytes=int(row[2] or 0),
        lines_read=int(row[3] or 0),
        accepted=int(row[4] or 0),
        rejected=int(row[5] or 0),
        reasons={str(k): int(v) for k, v in reasons.items()},
    )


def resolve_format(path: Path, input_format: str, head: bytes, member: str | None) -> str:
    """The format to read a file as: detected from content, or the forced one checked."""
    name = member or path.name
    if input_format == "auto":
        return sources.detect_format(str(path) if member is None else name, head)
    if input_format == "parquet" and not head.startswith(sources.PARQUET_MAGIC):
        raise InputError(str(path), "not a Parquet file (no PAR1 magic); check --format", 1)
    if input_format == "nmea" and not sources.looks_like_nmea(head):
        raise InputError(
            str(path),
            f"no AIS NMEA sentence in the first {len(head)} bytes; check --format",
            1,
        )
    return input_format


def ingest_file(
    ws: Workspace,
    path: Path,
    *,
    default_time: datetime | None = None,
    column_map: Mapping[str, str] | None = None,
    progress: IngestProgress | None = None,
    input_format: str = "auto",
    batch_rows: int = tabular.DEFAULT_BATCH_ROWS,
    nmea_batch_bytes: int = NMEA_BATCH_BYTES,
) -> FileResult:
    """Ingest one file in one transaction (see `ingest`)."""
    started = time.perf_counter()
    shown = str(path)
    size = sources.check_readable(path)
    if size == 0:
        log.warning("%s: empty file, nothing to ingest", shown)
        return FileResult(path=shown, status=STATUS_EMPTY)
    # Hash first only when a source of the same size exists (a possible duplicate); otherwise
    # the hash is taken while the file is read, and checked before committing.
    sha: str | None = None
    if _one(ws, "SELECT count(*) FROM sources WHERE bytes = ?", [size])[0]:
        sha = sources.sha256_file(path)
        previous = _existing(ws, sha)
        if previous is not None:
            previous.path = shown
            return previous
    head, compression, member = sources.read_head(path)
    if not head:
        log.warning("%s: decompresses to nothing, nothing to ingest", shown)
        return FileResult(path=shown, status=STATUS_EMPTY, bytes=size)
    fmt = resolve_format(path, input_format, head, member)
    plan = tabular.plan_csv(head, shown, column_map, default_time) if fmt == "csv" else None
    label = fmt if plan is None else f"{fmt}:{plan.layout.name}"
    if compression != "plain":
        label += f"+{compression}"

    if progress is not None:
        progress.start(shown, size)
    result = FileResult(path=shown, status=STATUS_INGESTED, format=label, bytes=size)
    reasons: Counter[str] = Counter()
    try:
        with ws.transaction():
            source_id = int(_one(ws, "SELECT coalesce(max(source_id), 0) + 1 FROM sources")[0])
            result.source_id = source_id
            on_read = progress.advance if progress is not None else None
            with sources.open_source(path, on_read) as src:
                batches = _batches(
                    src.stream,
                    fmt,
                    plan,
                    path=shown,
                    source_id=source_id,
                    default_time=default_time,
                    batch_rows=batch_rows,
                    nmea_batch_bytes=nmea_batch_bytes,
                )
                with closing(batches):
                    for batch in batches:
                        result.positions += append_rows(ws, "positions", batch.positions)
                        result.statics += append_rows(ws, "statics", batch.statics)
                        append_rows(ws, "rejects", batch.rejects)
                        result.lines_read += batch.lines_read
                        result.accepted += batch.lines_accepted
                        result.rejected += batch.rejects.num_rows
                        if batch.rejects.num_rows:
                            counts = pc.value_counts(batch.rejects.column("reason")).to_pylist()
                            reasons.update({c["values"]: c["counts"] for c in counts})
                if sha is None:
                    sha = src.counter.sha256(size)
            if sha is None:
                sha = sources.sha256_file(path)
            previous = _existing(ws, sha)
            if previous is not None:  # same bytes under another name: undo this file
                raise _AlreadyIngestedError(previous)
            if result.accepted + result.rejected != result.lines_read:
                log.error(
                    "%s: %d accepted + %d rejected != %d read",
                    shown,
                    result.accepted,
                    result.rejected,
                    result.lines_read,
                )
            # One row, bound as parameters: pyarrow's conversion of Python values would import
            # pandas (a third of a second of every `darkcargo ingest`) for this row alone.
            values = {
                "source_id": source_id,
                "path": str(path.resolve()),
                "sha256": sha,
                "format": label,
                "bytes": size,
                "lines_read": result.lines_read,
                "accepted": result.accepted,
                "rejected": result.rejected,
                "ingested_at": datetime.now(UTC).replace(tzinfo=None),
            }
            assert list(values) == SOURCES.names
            ws.con.execute(
                f"INSERT INTO sources ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
    except _AlreadyIngestedError as dup:
        dup.result.path = shown
        return dup.result
    result.sha256 = sha
    result.reasons = dict(reasons.most_common())
    result.seconds = time.perf_counter() - started
    return result


class _AlreadyIngestedError(Exception):
    """Raised inside a file's transaction to roll it back when its hash is already known."""

    def __init__(self, result: FileResult) -> None:
        super().__init__(result.path)
        self.result = result


def _batches(
    stream: BinaryIO,
    fmt: str,
    plan: tabular.CsvPlan | None,
    *,
    path: str,
    source_id: int,
    default_time: datetime | None,
    batch_rows: int,
    nmea_batch_bytes: int,
) -> Generator[DecodedBatch, None, None]:
    if fmt == "csv":
        assert plan is not None
        yield from tabular.iter_csv_batches(
            stream,
            plan,
            path=path,
            source_id=source_id,
            default_time=default_time,
            batch_rows=batch_rows,
        )
    elif fmt == "parquet":
        yield from tabular.iter_parquet_batches(
            stream,
            path=path,
            source_id=source_id,
            default_time=default_time,
            batch_rows=batch_rows,
        )
    else:
        # Decode the next batch in a worker while this thread writes the last one to DuckDB
        # (DuckDB releases the GIL while it inserts).
        decoded = tabular.read_ahead(
            iter_nmea_batches(
                stream,
                source_id=source_id,
                default_time=default_time,
                batch_bytes=nmea_batch_bytes,
            ),
            depth=NMEA_READ_AHEAD,
        )
        try:
            yield from decoded
        finally:
            decoded.close()


# ---------------------------------------------------------------------------------------------
# What a workspace holds (for `darkcargo info` and notebooks)
# ---------------------------------------------------------------------------------------------
@dataclass
class SourceInfo:
    source_id: int
    path: str
    format: str
    sha256: str
    bytes: int
    lines_read: int
    accepted: int
    rejected: int
    ingested_at: datetime | None


@dataclass
class WorkspaceInfo:
    """Summary of a workspace: sources, AIS coverage, rejects, and every table's row count."""

    path: str
    sources: list[SourceInfo]
    positions: int
    statics: int
    first_ts: datetime | None
    last_ts: datetime | None
    vessels: int  # distinct MMSI over positions and statics
    rejects: dict[str, int]
    tables: dict[str, int]  # every table in the file (later stages show up as they write)


def workspace_info(ws: Workspace) -> WorkspaceInfo:
    """Read-only summary of what a workspace holds."""
    con = ws.con
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]
    present = set(names)
    tables = {n: int(_one(ws, f'SELECT count(*) FROM "{n}"')[0]) for n in names if n != "meta"}
    src: list[SourceInfo] = []
    if "sources" in present:
        for row in con.execute(
            "SELECT source_id, path, format, sha256, bytes, lines_read, accepted, rejected, "
            "ingested_at FROM sources ORDER BY source_id"
        ).fetchall():
            src.append(SourceInfo(*row))
    first = last = None
    vessels = 0
    if "positions" in present:
        first, last = _one(ws, "SELECT min(ts), max(ts) FROM positions")
    mmsi_sets = [f'SELECT mmsi FROM "{t}"' for t in ("positions", "statics") if t in present]
    if mmsi_sets:
        union = " UNION ALL ".join(mmsi_sets)
        vessels = int(_one(ws, f"SELECT count(DISTINCT mmsi) FROM ({union})")[0])
    rejects: dict[str, int] = {}
    if "rejects" in present:
        rejects = {
            str(k): int(v)
            for k, v in con.execute(
                "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY count(*) DESC, reason"
            ).fetchall()
        }
    return WorkspaceInfo(
        path=str(ws.path),
        sources=src,
        positions=tables.get("positions", 0),
        statics=tables.get("statics", 0),
        first_ts=first,
        last_ts=last,
        vessels=vessels,
        rejects=rejects,
        tables=tables,
    )
