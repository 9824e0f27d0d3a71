"""Input files as given: open plain/gzip/bz2/zstd/zip by magic bytes, hash them, guess their format.

A text file in UTF-16 (with a byte order mark, or without one when its first characters are
ASCII) is read as UTF-8 (`Utf16ToUtf8`); its compression then reads "utf16" (or "gzip+utf16"
...), so it is copied before DuckDB reads it.

A source is identified by the SHA-256 of its bytes exactly as given (compressed), so the same
file ingested twice, under any name, is recognised. Decompression is chosen from the leading
magic bytes, never from the file name. Reading errors from a damaged archive (a gzip cut half
way, a bad CRC in a zip member) surface as `InputError` naming the file, so a half-read file is
never mistaken for a short one.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from darkcargo.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # Zstandard frame (MarineCadastre ships .csv.zst since 2024)
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"

HASH_CHUNK = 4 << 20
SNIFF_BYTES = 64 << 10

FORMATS: tuple[str, ...] = ("nmea", "csv", "parquet")

# An NMEA 0183 AIS sentence anywhere in the head of a file: !AIVDM, !BSVDO, $AIVDM ...
_NMEA_RE = re.compile(rb"[!$][A-Z]{2}VD[MO],")
_NMEA_SUFFIXES = {".nmea", ".aivdm", ".ais", ".nm4", ".txt", ".log"}
_DAMAGE = (EOFError, OSError, zlib.error, zipfile.BadZipFile, ValueError)


def compression_of(head: bytes) -> str:
    """'gzip', 'bz2', 'zstd', 'zip' or 'plain', from the first bytes of a file."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(BZ2_MAGIC):
        return "bz2"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    return "plain"


def sha256_file(path: str | Path, chunk: int = HASH_CHUNK) -> str:
    """Hex SHA-256 of a file's bytes as given (the source identity)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def check_readable(path: Path) -> int:
    """Size in bytes of a readable regular file; InputError naming the file otherwise."""
    try:
        if not path.exists():
            raise InputError(str(path), "no such file")
        if path.is_dir():
            raise InputError(str(path), "is a directory, not a file (pass the files inside it)")
        with open(path, "rb") as fh:
            fh.read(1)
        return path.stat().st_size
    except PermissionError as exc:
        raise InputError(str(path), "permission denied; cannot read the file") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file ({exc.strerror or exc})") from exc


class CountingReader(io.RawIOBase):
    """Reads a binary file, reporting how many raw (as-given) bytes each read consumed.

    It also hashes the bytes as they pass, so a file read once from start to end needs no
    separate hashing pass (`sha256()` says None when reads were not one sequential sweep).
    """

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        self._raw = raw
        self._on_read = on_read
        self.bytes_read = 0
        self._digest = hashlib.sha256()
        self._sequential = True
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        pos = self._raw.seek(offset, whence)
        if pos != self._pos:
            self._sequential = False
        return pos

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self.bytes_read += n
            self._pos += n
            if self._sequential:
                self._digest.update(memoryview(buffer)[:n])
            if self._on_read is not None:
                self._on_read(n)
        return n or 0

    def sha256(self, size: int) -> str | None:
        """Hex SHA-256 of the file if it was read sequentially to its end (`size` bytes)."""
        if not self._sequential or self._pos != size:
            return None
        return self._digest.hexdigest()

    def close(self) -> None:
        self._raw.close()
        super().close()


DECODE_STEP = 1 << 16  # decompressed bytes asked of a decoder at a time (see DamageGuard)


class DamageGuard(io.RawIOBase):
    """Wraps a decompressing stream: decompression errors become InputError naming the file."""

    def __init__(self, inner: BinaryIO, path: str, compression: str) -> None:
        self._inner = inner
        self._path = path
        self._compression = compression
        self.bytes_out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        # read1: what one step of decompression gives, so that the bytes decoded before damage
        # is met are counted (a buffered readinto drops them with the exception)
        read1 = getattr(self._inner, "read1", None)
        try:
            if read1 is not None:  # a step at most: pyarrow's zstd fills whatever it is asked
                data = read1(min(len(buffer), DECODE_STEP))
                n = len(data)
                memoryview(buffer)[:n] = data
            else:
                n = self._inner.readinto(buffer)  # type: ignore[attr-defined]
        except _DAMAGE as exc:
            raise InputError(
                self._path,
                f"corrupt {self._compression} data after {self.bytes_out:,} decompressed bytes "
                f"({exc}); nothing from this file was kept",
            ) from exc
        self.bytes_out += n or 0
        return n or 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        buf = bytearray(size)
        n = self.readinto(buf)
        return bytes(buf[:n])

    def close(self) -> None:
        self._inner.close()
        super().close()


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF16_SNIFF_BYTES = 64  # how much of a text without a byte order mark is looked at


def utf16_encoding(head: bytes) -> str | None:
    """The UTF-16 codec a text is in, from its first bytes: "utf-16" when it opens with a byte
    order mark; "utf-16-le"/"-be" when it has none but its first characters are ASCII written
    in two bytes each (`iconv -t UTF-16LE` writes no mark); None for any other text (an ASCII
    or UTF-8 text never holds a NUL byte)."""
    if head[:2] in UTF16_BOMS:
        return "utf-16"
    n = min(len(head), UTF16_SNIFF_BYTES) & ~1
    if n < 8:
        return None
    even, odd = head[0:n:2], head[1:n:2]
    for zeros, chars, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if not any(zeros) and all(32 <= c < 127 or c in (9, 10, 13) for c in chars):
            return codec
    return None


class Utf16ToUtf8(io.RawIOBase):
    """A UTF-16 text stream read as UTF-8 bytes (`encoding`: see `utf16_encoding`).

    Windows tools write text as UTF-16 (PowerShell 5's `>` redirection does, for one); every
    reader downstream takes UTF-8, so the bytes are transcoded on the way, lines unmoved. Code
    units that are not text (a lone surrogate) become U+FFFD, as any undecodable byte does.
    """

    def __init__(self, inner: BinaryIO, encoding: str = "utf-16") -> None:
        self._inner = inner
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            block = self._inner.read(DECODE_STEP)
            self._done = not block
            self._pending = self._decoder.decode(block, final=self._done).encode("utf-8")
        n = min(len(buffer), len(self._pending))
        memoryview(buffer)[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


@dataclass
class OpenedSource:
    """A decompressed, readable view of one input file."""

    stream: BinaryIO  # decompressed bytes
    compression: str  # plain, gzip, bz2, zstd, zip; "+utf16" (or "utf16") when transcoded
    member: str | None  # the zip member read, if any
    counter: CountingReader  # raw bytes consumed so far (for progress)

    @property
    def inner_name(self) -> str | None:
        return self.member


def _zip_member(zf: zipfile.ZipFile, path: str) -> str:
    names = [
        i.filename
        for i in zf.infolist()
        if not i.is_dir() and not i.filename.startswith("__MACOSX/")
    ]
    if len(names) != 1:
        raise InputError(
            path,
            f"zip archive holds {len(names)} files; darkcargo reads zips of exactly one file "
            "(extract it and ingest the files one by one)",
        )
    return names[0]


@contextmanager
def open_source(
    path: str | Path, on_read: Callable[[int], None] | None = None
) -> Iterator[OpenedSource]:
    """Open a file for reading its decompressed bytes; `on_read(n)` gets raw bytes consumed."""
    path = Path(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the stream stack below
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file ({exc.strerror or exc})") from exc
    head = raw.read(4)
    raw.seek(0)
    counter = CountingReader(raw, on_read)
    kind = compression_of(head)
    member: str | None = None
    stream: BinaryIO
    try:
        if kind == "gzip":
            inner: BinaryIO = gzip.GzipFile(fileobj=io.BufferedReader(counter, 1 << 20), mode="rb")  # type: ignore[assignment]
            stream = io.BufferedReader(DamageGuard(inner, str(path), kind), 1 << 20)  # type: ignore[assignment]
        elif kind == "bz2":
            inner = bz2.BZ2File(io.BufferedReader(counter, 1 << 20), mode="rb")  # type: ignore[assignment]
            stream = io.BufferedReader(DamageGuard(inner, str(path), kind), 1 << 20)  # type: ignore[assignment]
        elif kind == "zstd":  # pyarrow's codec: no extra dependency
            inner = pa.CompressedInputStream(  # type: ignore[assignment]
                pa.PythonFile(io.BufferedReader(counter, 1 << 20), mode="r"), "zstd"
            )
            stream = io.BufferedReader(DamageGuard(inner, str(path), kind), 1 << 20)  # type: ignore[assignment]
        elif kind == "zip":
            try:
                zf = zipfile.ZipFile(counter)  # type: ignore[arg-type]
            except zipfile.BadZipFile as exc:
                raise InputError(str(path), f"corrupt zip archive ({exc})") from exc
            member = _zip_member(zf, str(path))
            inner = zf.open(member)  # type: ignore[assignment]
            stream = io.BufferedReader(DamageGuard(inner, str(path), kind), 1 << 20)  # type: ignore[assignment]
        else:
            stream = io.BufferedReader(counter, 1 << 20)  # type: ignore[assignment]
        wide = utf16_encoding(stream.peek(UTF16_SNIFF_BYTES)[:UTF16_SNIFF_BYTES])  # type: ignore[attr-defined]
        if wide is not None:
            stream = io.BufferedReader(Utf16ToUtf8(stream, wide), 1 << 20)  # type: ignore[assignment]
            kind = "utf16" if kind == "plain" else f"{kind}+utf16"
        yield OpenedSource(stream=stream, compression=kind, member=member, counter=counter)
    finally:
        raw.close()


def read_head(path: str | Path, size: int = SNIFF_BYTES) -> tuple[bytes, str, str | None]:
    """First `size` decompressed bytes, the compression and the zip member name."""
    with open_source(path) as src:
        head = src.stream.read(size)
        return head, src.compression, src.member


def detect_format(name: str, head: bytes) -> str:
    """'parquet', 'nmea', 'json' or 'csv' from the decompressed head of a file (name breaks
    ties).

    Parquet by its magic; NMEA when an AIS sentence appears in the head; JSON when it opens an
    object or array; CSV when the first line has several comma, semicolon, tab or pipe
    separators. Raises InputError otherwise.
    """
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if _NMEA_RE.search(head):
        return "nmea"
    if looks_like_json(head):
        return "json"
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if max(first.count(sep) for sep in (b",", b";", b"\t", b"|")) >= 2:
        return "csv"
    suffixes = [s.lower() for s in Path(name).suffixes]
    if ".parquet" in suffixes:
        return "parquet"
    if ".csv" in suffixes:
        return "csv"
    if any(s in _NMEA_SUFFIXES for s in suffixes):
        return "nmea"
    raise InputError(
        name,
        "cannot tell the format (no AIS sentence, no CSV header, no Parquet magic in the "
        "first bytes); pass --format nmea|csv|parquet|json",
        1,
    )


def looks_like_json(head: bytes) -> bool:
    """True when the head opens a JSON object or array (JSON Lines: one object per line)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def looks_like_nmea(head: bytes) -> bool:
    """True when the head holds at least one AIS NMEA sentence."""
    return _NMEA_RE.search(head) is not None


# ---------------------------------------------------------------------------------------------
# Plain copies and line maps for DuckDB's readers
# ---------------------------------------------------------------------------------------------
SCAN_CHUNK = 8 << 20  # bytes per step of hashing/scanning (bounded memory)
MARK_BYTES = 1 << 20  # a line scan notes how many lines lie before every MiB
SEARCH_BYTES = 2 * SCAN_CHUNK  # bytes read at most to find the end of one line


class CsvReadError(Exception):
    """DuckDB's strict reader gave up on a CSV, or met bytes that are not UTF-8: the ingest
    reads it again from a copy made by `write_plain(repair=True)`."""


class LineScan:
    """Where the lines of a plain file are, found in one pass over its bytes.

    DuckDB's CSV reader skips blank lines without a word and numbers only what it rejects; this
    gives the line numbers of blank lines (so every line is accounted for) and the text of any
    line by number (for rejects), reading only the chunks that hold them.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self.newlines = 0
        self.blank: list[int] = []
        self._offsets: list[npt.NDArray[np.int64]] = []  # every MARK_BYTES: byte offset,
        self._before: list[npt.NDArray[np.int64]] = []  # and the newlines before it
        self._last_nl = -1  # offset of the last newline seen (-1: none, the file's start)
        self._last_byte = 10

    def feed(self, data: bytes | memoryview) -> None:
        """Scan the next bytes of the file."""
        a = np.frombuffer(data, dtype=np.uint8)
        nl = np.flatnonzero(a == 10) + self.size
        marks = np.arange(self.size, self.size + len(a), MARK_BYTES, dtype=np.int64)
        self._offsets.append(marks)
        self._before.append(self.newlines + np.searchsorted(nl, marks))
        if len(nl):
            gap = np.diff(nl, prepend=self._last_nl)
            blank = gap == 1
            crlf = np.flatnonzero(gap == 2)  # "\n\r\n": a blank line of a CRLF file
            if len(crlf):
                before = nl[crlf] - 1 - self.size
                cr = np.where(before >= 0, a[np.maximum(before, 0)], self._last_byte) == 13
                blank[crlf[cr]] = True
            self.blank.extend((self.newlines + np.flatnonzero(blank) + 1).tolist())
            self._last_nl = int(nl[-1])
            self.newlines += len(nl)
        if len(a):
            self._last_byte = int(a[-1])
        self.size += len(a)

    def blank_lines(self) -> list[int]:
        """Line numbers of the empty lines (a lone CR counts as empty)."""
        if self.size - self._last_nl == 2 and self._last_byte == 13:  # a last line "\r"
            return [*self.blank, self.lines]
        return self.blank

    @property
    def lines(self) -> int:
        """Number of lines (a last line without a newline counts)."""
        return self.newlines + (1 if self.size and self._last_byte != 10 else 0)

    def texts(self, lines: npt.NDArray[np.int64]) -> pa.Array:
        """Text of the given (sorted, 1-based) lines, without line breaks, as UTF-8 strings;
        reads only the stretches of the file that hold them."""
        offsets, before = np.concatenate(self._offsets), np.concatenate(self._before)
        # the stretch holding newline L-1, after which line L starts (line 1: the first one)
        mark = np.maximum(np.searchsorted(before, lines - 1, side="left") - 1, 0)
        pieces: list[pa.Array] = []
        with open(self.path, "rb") as fh:
            for m in np.unique(mark):
                want = lines[mark == m]
                start_at, first = int(offsets[m]), int(before[m])
                for size in (MARK_BYTES + (64 << 10), SEARCH_BYTES):  # a longer line: read more
                    fh.seek(start_at)
                    buf = np.frombuffer(fh.read(size), dtype=np.uint8)
                    ends = np.append(np.flatnonzero(buf == 10), len(buf))
                    k = want - first - 2  # index in `ends` of newline L-1 (-1: line 1)
                    if k[-1] + 1 < len(ends) - 1 or start_at + len(buf) >= self.size:
                        break
                start = np.where(k >= 0, ends[np.clip(k, 0, len(ends) - 1)] + 1, 0)
                end = ends[np.clip(k + 1, 0, len(ends) - 1)]
                end = np.where((end > start) & (buf[np.maximum(end - 1, 0)] == 13), end - 1, end)
                pieces.append(_gather_text(buf, start, end))
        return pa.concat_arrays(pieces) if pieces else pa.nulls(0, pa.string())


def _gather_text(
    buf: npt.NDArray[np.uint8], start: npt.NDArray[np.int64], end: npt.NDArray[np.int64]
) -> pa.Array:
    """Strings buf[start:end] for each pair, gathered without a Python loop."""
    length = np.maximum(end - start, 0)
    offsets = np.zeros(len(length) + 1, dtype=np.int32)
    np.cumsum(length, out=offsets[1:])
    index = np.repeat(start - offsets[:-1], length) + np.arange(offsets[-1])
    data = buf[index].tobytes()
    binary = pa.Array.from_buffers(
        pa.binary(), len(length), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    try:
        return binary.cast(pa.string())
    except pa.ArrowInvalid:  # bytes that are not UTF-8 cost a character, not the text
        return pa.array([b.decode("utf-8", errors="replace") for b in binary.to_pylist()])


def scan_plain(path: Path, on_read: Callable[[int], None] | None = None) -> tuple[str, LineScan]:
    """SHA-256 and line scan of a plain file, in one pass."""
    digest = hashlib.sha256()
    scan = LineScan(path)
    with open(path, "rb") as fh:
        while block := fh.read(SCAN_CHUNK):
            digest.update(block)
            scan.feed(block)
            if on_read is not None:
                on_read(len(block))
    return digest.hexdigest(), scan


def write_plain(
    path: Path,
    dst: Path,
    on_read: Callable[[int], None] | None = None,
    repair: bool = False,
) -> tuple[str, LineScan]:
    """Decompress a file (any of plain, gzip, bz2, zip) to `dst`; SHA-256 of the input as given
    and the line scan of what was written.

    `repair` makes the copy readable by a strict CSV reader with every line in its place:
    bytes that are not UTF-8 become U+FFFD, CRLF becomes LF, a carriage return on its own a
    space, and the quotes of a line with an odd number of them apostrophes (a quoted value
    never runs on to the next line).
    """
    scan = LineScan(dst)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    carry = b""
    with open_source(path, on_read) as src, open(dst, "wb") as out:
        while True:
            block = src.stream.read(SCAN_CHUNK)
            at_end = not block
            if repair:
                text = carry + decoder.decode(block, final=at_end).encode("utf-8")
                cut = len(text) if at_end else text.rfind(b"\n") + 1
                block, carry = _repaired(text[:cut]), text[cut:]
            if block:
                out.write(block)
                scan.feed(block)
            if at_end:
                break
        sha = src.counter.sha256(path.stat().st_size)
    if sha is None:
        sha = sha256_file(path)
    return sha, scan


def _repaired(lines: bytes) -> bytes:
    """Whole lines made readable by a strict CSV reader without moving any (see write_plain)."""
    lines = lines.replace(b"\r\n", b"\n").replace(b"\r", b" ")
    a = np.frombuffer(lines, dtype=np.uint8)
    quotes = np.flatnonzero(a == 34)
    if len(quotes) == 0:
        return lines
    line_of = np.searchsorted(np.flatnonzero(a == 10), quotes)  # line index of each quote
    odd = np.bincount(line_of)[line_of] % 2 == 1
    if not odd.any():
        return lines
    out = a.copy()
    out[quotes[odd]] = 39
    return out.tobytes()
