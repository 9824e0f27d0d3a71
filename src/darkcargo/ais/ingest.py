"""Ingest orchestration: AIS files in, canonical tables (positions, statics, rejects) out.

Each file is one source, identified by the SHA-256 of its bytes as given (compressed), and is
written in one workspace transaction: its `sources` row, positions, statics and rejects appear
together or not at all. A failure or Ctrl-C rolls the current file back; files finished earlier
in the same call stay committed. Ingesting a file whose hash is already in `sources` adds nothing
and reports "already ingested". Every input line (NMEA) or row (CSV, Parquet) is either accepted
or stored in `rejects` with a reason code, and `sources` records lines read/accepted/rejected.
A file of which nothing is accepted is refused (InputError with the likely cause) and leaves
nothing behind, so that it can be ingested again once the cause is fixed. Each ingest also
keeps `mmsi_classes` (the kind of station behind every MMSI, see ais/mmsi.py) up to date.

NMEA goes through the compiled decoder in batches; CSV and Parquet through DuckDB's own readers
and the SQL of `tabular` (compressed inputs are decompressed to a temporary plain file first).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from darkcargo.ais import mmsi, sources
from darkcargo.ais.decode_ahead import NmeaDecoding, start_if_nmea
from darkcargo.ais.schema import SOURCES
from darkcargo.errors import InputError

# The CSV and Parquet readers (tabular, layout) are imported where a tabular file is met: an
# NMEA ingest never needs them (6 ms of every NMEA ingest process). DuckDB and the workspace
# are imported by `ingest` once the first file is decoding (see ais/decode_ahead.py).
if TYPE_CHECKING:
    from concurrent.futures import Future

    from darkcargo.ais.layout import CsvPlan, Layout
    from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

INPUT_FORMATS: tuple[str, ...] = ("auto", "nmea", "csv", "parquet", "json")
NMEA_BATCH_BYTES = 2 << 20  # decompressed NMEA bytes per decoder batch (smaller: more overlap)
# DuckDB while ingesting NMEA: one thread (decoding uses the other cores; appending from one
# thread also fills row groups in order, so closing the workspace has no partial row groups to
# merge), and each full row group compressed and written as soon as it fills. Tabular files are
# read by DuckDB itself, with all its threads. Times are handled in UTC throughout.
INGEST_DUCKDB_SETTINGS: dict[str, Any] = {"write_buffer_row_group_count": 1, "TimeZone": "UTC"}
NMEA_DUCKDB_SETTINGS: dict[str, Any] = {"threads": 1}
# DuckDB's memory while it reads a CSV or Parquet file: what does not fit (the stage of a large
# file) goes to its temporary files beside the workspace, so memory stays bounded by this. Its
# query progress drives the bar while it reads; tracking progress costs 10% of an NMEA ingest's
# appends, so only tabular reads turn it on.
TABULAR_DUCKDB_SETTINGS: dict[str, Any] = {
    "memory_limit": "256MB",
    "enable_progress_bar": True,
    "enable_progress_bar_print": False,
}
CLASSES_VERSION = "1"  # meta key mmsi_classes.version: the workspace's classes are complete
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
    hint: str = ""  # the likely cause when nothing was accepted


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
    layouts: Iterable[str | Path] = (),
    nmea_batch_bytes: int = NMEA_BATCH_BYTES,
) -> IngestReport:
    """Ingest AIS files into a workspace, one transaction per file.

    `columns` maps canonical fields to CSV headers (``'mmsi=MMSI,ts=time,...'`` or a dict) for
    CSVs of no known layout; `layouts` adds layout files (TOML, as ais/layouts.toml);
    `input_format` forces nmea/csv/parquet/json instead of detection; `default_time` dates positions
    that carry no time of their own. Raises InputError on the first file that cannot be read
    as its format or of which nothing is accepted (earlier files stay committed); a workspace
    file this call created is removed again when nothing was committed to it.
    """
    if input_format not in INPUT_FORMATS:
        raise InputError(
            None, f"unknown format '{input_format}'; use one of {', '.join(INPUT_FORMATS)}"
        )
    column_map: Mapping[str, str] | None
    if isinstance(columns, str):
        from darkcargo.ais.layout import parse_column_map

        column_map = parse_column_map(columns)
    else:
        column_map = columns
    files = tuple(layouts)
    known = None  # the built-in layouts, loaded when a CSV needs them
    if files:  # a user's layout files are read (and refused) before anything is ingested
        from darkcargo.ais.layout import load_layouts

        known = load_layouts(files)
    default_time = _naive_utc(default_time)
    inputs = [Path(p) for p in paths]
    # Opening a workspace loads DuckDB: the first file, when it is NMEA, decodes meanwhile.
    ahead = (
        start_if_nmea(
            inputs[0],
            lambda path, head, member: resolve_format(path, input_format, head, member),
            default_time=default_time,
            batch_bytes=nmea_batch_bytes,
        )
        if inputs and (workspace is None or isinstance(workspace, str | os.PathLike))
        else None
    )
    try:
        from darkcargo.workspace import Workspace, default_workspace_path

        own = not isinstance(workspace, Workspace)
        created = own and not (Path(workspace) if workspace else default_workspace_path()).exists()  # type: ignore[arg-type]
        ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    except BaseException:
        if ahead is not None:
            ahead.close()
        raise
    report = IngestReport()
    try:
        with _duckdb_settings(ws, INGEST_DUCKDB_SETTINGS, restore=not own):
            for n, path in enumerate(inputs, 1):
                result = ingest_file(
                    ws,
                    path,
                    default_time=default_time,
                    column_map=column_map,
                    progress=progress,
                    input_format=input_format,
                    layouts=known,
                    nmea_batch_bytes=nmea_batch_bytes,
                    ahead=ahead,
                    restore_settings=not (own and n == len(inputs)),
                )
                if ahead is not None:  # the first file's decoding, used or not: done with
                    ahead.close()
                    ahead = None
                report.files.append(result)
                if progress is not None:
                    progress.done(result)
    except BaseException:
        if created and not any(f.status == STATUS_INGESTED for f in report.files):
            ws.close()
            for leftover in (ws.path, ws.path.with_name(ws.path.name + ".wal")):
                leftover.unlink(missing_ok=True)
            own = False
        raise
    finally:
        if ahead is not None:
            ahead.close()
        if own:
            ws.close()
    return report


@contextmanager
def _duckdb_settings(
    ws: Workspace, settings: Mapping[str, Any], restore: bool = True
) -> Iterator[None]:
    """Run DuckDB with some settings for a while, restoring them after unless `restore` is
    False (a workspace about to close: setting the threads back costs 5 ms); settings this
    DuckDB does not know are left alone."""
    import duckdb

    before: dict[str, Any] = {}
    for name, value in settings.items():
        try:
            before[name] = _one(ws, f"SELECT current_setting('{name}')")[0]
            _set(ws, name, value)
        except duckdb.Error:
            continue
    try:
        yield
    finally:
        for name, value in before.items() if restore else ():
            _set(ws, name, value)


def _set(ws: Workspace, name: str, value: Any) -> None:
    if isinstance(value, bool):
        ws.con.execute(f"SET {name} = {str(value).lower()}")
    elif isinstance(value, int):
        ws.con.execute(f"SET {name} = {int(value)}")
    else:
        ws.con.execute(f"SET {name} = '{str(value).replace(chr(39), chr(39) * 2)}'")


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
    if input_format == "json" and not sources.looks_like_json(head):
        raise InputError(str(path), "not JSON (no '{' or '[' first); check --format", 1)
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
    layouts: tuple[Layout, ...] | None = None,
    nmea_batch_bytes: int = NMEA_BATCH_BYTES,
    ahead: NmeaDecoding | None = None,
    restore_settings: bool = True,
) -> FileResult:
    """Ingest one file in one transaction (see `ingest`); `ahead` is an NMEA file already
    decoding, used when it is this one; `restore_settings` False leaves DuckDB's settings as
    the file's reading set them (the last file of a workspace about to close)."""
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
    plan = None
    if fmt == "csv":
        from darkcargo.ais.layout import plan_csv

        plan = plan_csv(head, shown, column_map, default_time, layouts)
    label = fmt if plan is None else f"{fmt}:{plan.layout.name}"
    if compression != "plain":
        label += f"+{compression}"

    if progress is not None:
        progress.start(shown, size)
    # settings outside the transaction: a failed statement aborts it, and they must be restored
    settings = NMEA_DUCKDB_SETTINGS if fmt == "nmea" else TABULAR_DUCKDB_SETTINGS
    for repair in (False, True):  # a CSV DuckDB's strict reader refuses: again, repaired
        result = FileResult(path=shown, status=STATUS_INGESTED, format=label, bytes=size)
        try:
            with _duckdb_settings(ws, settings, restore_settings), ws.transaction():
                _ingest_one(
                    ws,
                    path,
                    result,
                    fmt,
                    plan,
                    compression,
                    progress,
                    default_time,
                    nmea_batch_bytes,
                    sha,
                    repair,
                    layouts,
                    ahead,
                )
            break
        except _AlreadyIngestedError as dup:
            dup.result.path = shown
            return dup.result
        except sources.CsvReadError as why:
            if repair:
                raise InputError(shown, f"cannot read the CSV ({why})") from why
            log.warning(
                "%s: %s; reading a repaired copy (U+FFFD for bytes that are not "
                "UTF-8, carriage returns as line ends or spaces)",
                shown,
                why,
            )
    result.seconds = time.perf_counter() - started
    return result


def _ingest_one(
    ws: Workspace,
    path: Path,
    result: FileResult,
    fmt: str,
    plan: CsvPlan | None,
    compression: str,
    progress: IngestProgress | None,
    default_time: datetime | None,
    nmea_batch_bytes: int,
    sha: str | None,
    repair: bool,
    layouts: tuple[Layout, ...] | None = None,
    ahead: NmeaDecoding | None = None,
) -> None:
    """The work of one file inside its transaction: rows, the sources row, MMSI classes."""
    shown = result.path
    source_id = int(_one(ws, "SELECT coalesce(max(source_id), 0) + 1 FROM sources")[0])
    result.source_id = source_id
    if fmt == "nmea":
        decoding = (
            ahead
            if ahead is not None and ahead.claim(path, default_time, nmea_batch_bytes)
            else None
        )
        got = _ingest_nmea(ws, path, result, progress, default_time, nmea_batch_bytes, decoding)
    else:
        got = _ingest_tabular(
            ws, path, result, plan, compression, progress, default_time, repair, layouts
        )
    result.sha256 = sha = sha or got
    if result.lines_read == 0:  # a header and nothing else
        log.warning("%s: no rows after the header, nothing to ingest", shown)
        raise _AlreadyIngestedError(FileResult(path=shown, status=STATUS_EMPTY, bytes=result.bytes))
    if result.accepted == 0:
        raise InputError(shown, nothing_accepted(result))
    if default_time is None and _many_untimed(result.reasons, result.lines_read):
        # A log without times keeps only what dates itself (base stations' clocks); said
        # loudly, since the same bytes are "already ingested" the next time.
        log.warning(
            "%s: %d of %d lines are AIS messages without a time of their own (no tag block, "
            "trailer or timestamp) and were rejected; to keep them, ingest the file into a new "
            "workspace with --default-time",
            shown,
            result.reasons["no_time"],
            result.lines_read,
        )
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
    # One row, bound as parameters (pyarrow's conversion of Python values imports pandas)
    values = {
        "source_id": source_id,
        "path": str(path.resolve()),
        "sha256": sha,
        "format": result.format,
        "bytes": result.bytes,
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
    update_mmsi_classes(ws, source_id)


def nothing_accepted(result: FileResult) -> str:
    """The one-line reason a file was refused: nothing of it accepted, and the likely cause."""
    reasons = ", ".join(f"{k} {v:,}" for k, v in result.reasons.items())
    hint = result.hint or (
        _nmea_hint(result.reasons, result.lines_read)
        if (result.format or "").startswith("nmea")
        else "check the format (--format) and, for a CSV, its column map"
    )
    return (
        f"none of {result.lines_read:,} lines accepted ({reasons}); {hint}; "
        "nothing from this file was kept"
    )


def _many_untimed(reasons: Mapping[str, int], lines: int) -> bool:
    """A tenth or more of a file's lines rejected for having no time: worth saying."""
    return reasons.get("no_time", 0) * 10 >= lines > 0


def _nmea_hint(reasons: Mapping[str, int], lines: int) -> str:
    """The likely cause when none of an NMEA file's lines was accepted, from its rejects."""
    top = next(iter(reasons), "")
    if top == "no_time":
        return "no AIS message has a time: pass --default-time"
    if _many_untimed(reasons, lines):
        return "some AIS messages have no time of their own: pass --default-time"
    if top == "bad_checksum":
        return "checksums do not match: a damaged or re-encoded file?"
    if top in ("unparseable", "comment"):
        return "no line is an AIVDM/AIVDO sentence: check the format (--format)"
    return f"most lines are {top}"


def _ingest_nmea(
    ws: Workspace,
    path: Path,
    result: FileResult,
    progress: IngestProgress | None,
    default_time: datetime | None,
    batch_bytes: int,
    decoding: NmeaDecoding | None = None,
) -> str:
    """Decode an NMEA file in batches into the open transaction (from `decoding` when it was
    started before); returns its SHA-256."""
    source_id = int(result.source_id or 0)
    if decoding is None:
        decoding = NmeaDecoding(
            path, source_id=source_id, default_time=default_time, batch_bytes=batch_bytes
        )
    decoding.report_reads(progress.advance if progress is not None else None)
    restamp = decoding.source_id != source_id
    with closing(decoding):
        # Every batch decoded meanwhile, in one insert per table (see ais/decode_ahead.py).
        for group in decoding.batches.groups():
            tables = {
                name: _concat([getattr(b, name) for b in group], source_id if restamp else None)
                for name in ("positions", "statics", "rejects")
            }
            result.positions += append_rows(ws, "positions", tables["positions"])
            result.statics += append_rows(ws, "statics", tables["statics"])
            append_rows(ws, "rejects", tables["rejects"])
            result.lines_read += sum(b.lines_read for b in group)
            result.accepted += sum(b.lines_accepted for b in group)
            result.rejected += tables["rejects"].num_rows
        sha = decoding.sha256()
    reasons: Counter[str] = Counter()
    if result.rejected:  # counted once, by DuckDB, over what this file's batches wrote
        reasons = Counter(
            dict(
                ws.con.execute(
                    "SELECT reason, count(*) FROM rejects WHERE source_id = ? GROUP BY reason",
                    [source_id],
                ).fetchall()
            )
        )
    result.reasons = dict(reasons.most_common())
    return sha or sources.sha256_file(path)


def _concat(tables: list[pa.Table], source_id: int | None) -> pa.Table:
    """Batches as one table (without copying), their source_id set to `source_id` if given."""
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    if source_id is None or table.num_rows == 0:
        return table
    at = table.schema.get_field_index("source_id")
    stamp = pa.repeat(pa.scalar(source_id, table.schema.field(at).type), table.num_rows)
    return table.set_column(at, table.schema.field(at), stamp)


def _ingest_tabular(
    ws: Workspace,
    path: Path,
    result: FileResult,
    plan: CsvPlan | None,
    compression: str,
    progress: IngestProgress | None,
    default_time: datetime | None,
    repair: bool = False,
    layouts: tuple[Layout, ...] | None = None,
) -> str:
    """Read a CSV or Parquet file with DuckDB into the open transaction; returns its SHA-256.

    A plain file is read where it lies, hashed and scanned for its lines by a second thread
    meanwhile; a compressed one is first decompressed to a temporary file (hashed and scanned
    on the way), as is a CSV to `repair` (see `sources.write_plain`).
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    from darkcargo.ais import tabular

    on_read = progress.advance if progress is not None else None
    with (
        tempfile.TemporaryDirectory(prefix="darkcargo-ingest-") as tmp,
        ThreadPoolExecutor(1) as pool,
    ):
        plain = path
        scanning: Future[tuple[str, sources.LineScan]] = Future()
        if compression != "plain" or repair:
            plain = Path(tmp) / "plain"
            scanning.set_result(sources.write_plain(path, plain, on_read, repair=repair))
        else:
            scanning = pool.submit(sources.scan_plain, path)
        follow = _follow(ws, result.bytes, on_read) if plain == path else None
        try:
            if plan is None:
                fmt = (result.format or "parquet").split("+")[0]
                read_by = tabular.stage_records(ws, plain, result.path, default_time, layouts, fmt)
                if read_by.name != fmt:  # a provider's file, read by its layout
                    result.format = (result.format or "").replace(fmt, f"{fmt}:{read_by.name}", 1)
            else:
                tabular.stage_csv(ws, plain, plan, default_time)
        finally:
            if follow is not None:
                follow()
        sha, scan = scanning.result()
        got = tabular.write_stage(
            ws,
            int(result.source_id or 0),
            plan,
            scan if plan is not None else None,
            Path(tmp),
            default_time,
        )
        tabular.drop_stage(ws)
    for name in ("lines_read", "accepted", "rejected", "positions", "statics", "reasons", "hint"):
        setattr(result, name, getattr(got, name))
    return sha


def _follow(
    ws: Workspace, size: int, on_read: Callable[[int], None] | None
) -> Callable[[], None] | None:
    """Advance the progress bar from DuckDB's own progress on the running query; returns the
    function that stops following (and fills the bar)."""
    if on_read is None:
        return None
    stop = threading.Event()
    shown = [0]

    def poll() -> None:
        import duckdb

        while not stop.wait(0.1):
            try:
                pct = float(ws.con.query_progress())
            except (duckdb.Error, RuntimeError):
                continue
            reached = int(size * max(0.0, min(pct, 100.0)) / 100)
            if reached > shown[0]:
                on_read(reached - shown[0])
                shown[0] = reached

    worker = threading.Thread(target=poll, name="darkcargo-progress", daemon=True)
    worker.start()

    def finish() -> None:
        stop.set()
        worker.join()
        if size > shown[0]:
            on_read(size - shown[0])

    return finish


def update_mmsi_classes(ws: Workspace, source_id: int) -> int:
    """Classify the MMSIs of one source (and, once, every MMSI of a workspace that predates
    classes) from their digits and every message type seen from them (ais/mmsi.py); returns
    the MMSIs updated."""
    scope = f"source_id = {int(source_id)}"
    if ws.get_meta("mmsi_classes.version") != CLASSES_VERSION:
        scope = "true"
        ws.set_meta("mmsi_classes.version", CLASSES_VERSION)
    # Fetched as NumPy and handed back as NumPy: pyarrow imports pandas (0.3 s) to convert
    # NumPy or Python values, and DuckDB takes longer to plan the rules as SQL CASE expressions
    # (16 ms) than NumPy takes to apply them to the few thousand MMSIs of a file.
    _dc_seen = ws.con.execute(
        "SELECT n.mmsi, coalesce(bit_or(n.mask), 0) | coalesce(any_value(c.msg_types), 0) "
        "AS msg_types FROM ("
        f"SELECT mmsi, 1::BIGINT << msg_type AS mask FROM positions WHERE {scope} UNION ALL "
        f"SELECT mmsi, 1::BIGINT << msg_type AS mask FROM statics WHERE {scope}) n "
        "LEFT JOIN mmsi_classes c USING (mmsi) WHERE n.mmsi IS NOT NULL GROUP BY n.mmsi"
    ).fetchnumpy()
    if len(_dc_seen["mmsi"]) == 0:
        return 0
    _dc_seen["class_code"], _dc_seen["reason_code"] = mmsi.classify_codes(
        _dc_seen["mmsi"], _dc_seen["msg_types"]
    )
    ws.con.execute("DELETE FROM mmsi_classes WHERE mmsi IN (SELECT mmsi FROM _dc_seen)")
    ws.con.execute(
        "INSERT INTO mmsi_classes SELECT mmsi, $1[class_code + 1], $2[reason_code + 1], "
        "msg_types FROM _dc_seen",
        [list(mmsi.CLASSES), list(mmsi.REASONS)],
    )
    return len(_dc_seen["mmsi"])


class _AlreadyIngestedError(Exception):
    """Raised inside a file's transaction to roll it back when its hash is already known (or
    it holds nothing); carries the result to report instead."""

    def __init__(self, result: FileResult) -> None:
        super().__init__(result.path)
        self.result = result
