"""Decoding ahead of the writer: an NMEA file decoded in a worker thread while another thread
stores what it gave.

Two overlaps come from it. Within a file, the next batches decode while DuckDB (which releases
the GIL) inserts the last ones, and the writer takes every batch that is ready in one insert
(an INSERT statement costs about a millisecond before it moves any row). Before a file, `ingest`
starts decoding the first file of a command before it loads DuckDB and opens the workspace
(about a tenth of a second of every ingest process): the compiled kernels release the GIL, so
they work on the other core while the import holds it. That is why this module imports neither
DuckDB nor the workspace: importing it must not load what it is meant to overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from darkcargo.ais import sources
from darkcargo.errors import DarkcargoError

if TYPE_CHECKING:
    from darkcargo.ais.nmea import DecodedBatch

T = TypeVar("T")

# Decoded batches held ahead of the writer. A command's first file decodes while DuckDB loads,
# about a quarter of a million-sentence file: at 2 MB a batch, 16 hold that much (about 25 MB of
# columns) and still bound the memory of any file.
DEPTH = 16
_END = object()


class ReadAhead(Generic[T]):
    """Run an iterator in a worker thread, up to `depth` items ahead, from construction on.

    Exceptions in the worker are re-raised to the reader; `close()` stops the worker.
    """

    def __init__(self, produce: Iterator[T], depth: int, name: str = "darkcargo-read-ahead"):
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = False
        self._worker = threading.Thread(target=self._work, args=(produce,), name=name, daemon=True)
        self._worker.start()

    def _put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def _work(self, produce: Iterator[T]) -> None:
        try:
            for item in produce:
                if self._stop.is_set():
                    return
                self._put(item)
            self._put(_END)
        except BaseException as exc:  # handed to the reader
            self._put(exc)

    def __iter__(self) -> Iterator[T]:
        for group in self.groups():
            yield from group

    def groups(self) -> Iterator[list[T]]:
        """Every item ready at once: the next one (waited for) and those queued behind it."""
        while not self._done:
            group: list[T] = []
            item = self._queue.get()
            while True:
                if item is _END or isinstance(item, BaseException):
                    self._done = True
                    break
                group.append(item)  # type: ignore[arg-type]
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if group:
                yield group
            if isinstance(item, BaseException):
                raise item

    def close(self) -> None:
        self._stop.set()
        self._worker.join(timeout=30)


class _ReadRelay:
    """Bytes read, handed to a progress callback that may be attached later: a file can start
    decoding before its progress bar exists. Called from the decoding thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = 0
        self._target: Callable[[int], None] | None = None

    def __call__(self, nbytes: int) -> None:
        with self._lock:
            if self._target is None:
                self._pending += nbytes
                return
            target = self._target
        target(nbytes)

    def attach(self, target: Callable[[int], None]) -> None:
        with self._lock:
            self._target, pending, self._pending = target, self._pending, 0
        if pending:
            target(pending)


class NmeaDecoding:
    """An NMEA file being decoded in a worker thread (see `start_if_nmea`): its batches, its SHA-256
    once read to the end. Batches carry `source_id`; the writer restamps them when the file's
    id turns out otherwise (decoding can start before the workspace is open)."""

    def __init__(
        self,
        path: Path,
        *,
        source_id: int,
        default_time: datetime | None,
        batch_bytes: int,
        depth: int = DEPTH,
    ) -> None:
        from darkcargo.ais.nmea import iter_nmea_batches  # the compiled decoder: when needed

        self.path = path
        self.source_id = source_id
        self.default_time = default_time
        self.batch_bytes = batch_bytes
        self._claimed = False
        self._relay = _ReadRelay()
        self._stack = ExitStack()
        try:
            self.source = self._stack.enter_context(sources.open_source(path, self._relay))
            produce = iter_nmea_batches(
                self.source.stream,
                source_id=source_id,
                default_time=default_time,
                batch_bytes=batch_bytes,
            )
            self.batches: ReadAhead[DecodedBatch] = ReadAhead(produce, depth)
        except BaseException:
            self._stack.close()
            raise
        self._stack.callback(self.batches.close)  # the worker stops before the file closes

    def claim(self, path: Path, default_time: datetime | None, batch_bytes: int) -> bool:
        """Whether this decoding is of `path` read as asked, and not yet claimed (a file named
        twice is decoded afresh the second time)."""
        wanted = (path, default_time, batch_bytes)
        if self._claimed or wanted != (self.path, self.default_time, self.batch_bytes):
            return False
        self._claimed = True
        return True

    def report_reads(self, on_read: Callable[[int], None] | None) -> None:
        """Send the bytes read (so far and from now on) to `on_read`."""
        if on_read is not None:
            self._relay.attach(on_read)

    def sha256(self) -> str | None:
        """The file's SHA-256, when it has been read to its end."""
        return self.source.counter.sha256(self.path.stat().st_size)

    def close(self) -> None:
        self._stack.close()


def start_if_nmea(
    path: Path,
    resolve_format: Callable[[Path, bytes, str | None], str],
    *,
    default_time: datetime | None,
    batch_bytes: int,
) -> NmeaDecoding | None:
    """Start decoding `path` when it is an NMEA file (`resolve_format(path, head, member)`
    says so), guessing source id 1 (a new workspace's first). None for any other file, and for
    one that cannot be read: whoever ingests it then says why, in its turn."""
    try:
        if sources.check_readable(path) == 0:
            return None
        head, _, member = sources.read_head(path)
        if not head or resolve_format(path, head, member) != "nmea":
            return None
        return NmeaDecoding(path, source_id=1, default_time=default_time, batch_bytes=batch_bytes)
    except (DarkcargoError, OSError):
        return None
