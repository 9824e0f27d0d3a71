"""Fast NMEA 0183 AIS decoding (AIVDM/AIVDO) into the canonical positions/statics/rejects tables.

The work happens in a compiled kernel (`_nmea_kernel.decode_buffer`, numba) that walks a byte
buffer once; this module streams a file in bounded batches, carries multipart groups across batch
boundaries and turns the kernel's column arrays into Arrow tables. The kernels run compiled ahead
of time (`_nmea_native`, built by `_nmea_build` at set-up) when that extension was built from the
kernel sources beside it, else through numba's JIT (see `kernel_kind`).

What is read
- `!xxVDM` / `!xxVDO` sentences (any talker; `$xxVDM` too), single and multipart (up to 9 parts),
  reassembled by channel + sequential message id + part count, tolerant of other lines in
  between. A part that arrives out of order, more than `window_lines` lines after the previous
  part, or whose group never completes is rejected as `orphan_part` (every line of the broken
  group). Lines end at a newline; a stream whose first 64 KiB hold carriage returns and no
  newline (old Mac files) has lines ended by a carriage return alone.
- Checksums are required and verified before anything else (`bad_checksum`, also for non-AIS
  `$`/`!` sentences); a sentence without `*hh` is `unparseable`. A tag block checksum, when
  present, must be valid too (`bad_checksum` otherwise). Text after the checksum is allowed.
- A line may hold several sentences one after another (a logger that lost its line ends:
  `...*5C!AIVDM,...`): each is decoded, or rejected, on its own with the line's number (and its
  leading timestamp, if any), and counts as one line read. A line with more such sentences
  than the batch's spare room (one per 32 bytes of the batch) is rejected whole as
  `unparseable`, never cut short.
- Time of a sentence, first found of: NMEA 4.0 tag block `c:` (unix seconds, or milliseconds when
  the value exceeds `ms_threshold`); a receive-time trailer after the checksum (USCG style
  `,...,r003669946,1325394060,...`: the first all-digit field of >= 9 digits); a leading timestamp
  before the sentence (epoch seconds/ms or `YYYY-MM-DD[T ]HH:MM:SS[.f][Z|+hh:mm]`, any separator);
  a preceding Gatehouse `$PGHP,1,...` line (applies to the next AIS sentence only); the time of an
  earlier sentence of the same tag-block group (`g:1-2-id` then `g:2-2-id` without `c:`); the
  receiver's GPS clock, from the last `$--RMC` line with a valid fix or `$--ZDA` line within
  `clock_window_lines` lines before (an onboard log, as GPSD's test logs are). A
  multipart message takes the first time among its parts. A type 4 message without any of these
  uses the base station's own UTC when that is a valid date. Otherwise `default_time`, else the
  message is rejected `no_time`.
- Decoded: types 1, 2, 3, 18, 27 -> positions; 4 -> positions; 19 and 21 -> one positions row and
  one statics row each; 5 and 24 (part A: name; part B: callsign, ship type, dimensions) ->
  statics. Other well-formed types, and type 24 parts 2 and 3, are `unsupported_type`.

Values
- A position report whose lat is 91 or lon is 181 ("not available") is no position: rejected
  `no_position`, except types 19 and 21, whose statics row is kept (without a positions row).
- Other sentinels become nulls: sog 102.3 kn (type 27: 63), cog 360 (and the invalid
  360.1-409.5), heading 511 (and 360-510), nav_status 15 ("not defined"), ship_type 0, IMO 0,
  draught 0, dimensions whose two parts are both 0, empty strings. Latitude/longitude beyond the
  physical range (other than the sentinels) reject the message as `out_of_range`.
- Lengths: length = to_bow + to_stern, beam = to_port + to_starboard (metres); for type 24 B of an
  auxiliary craft (MMSI 98xxxxxxx) those bits hold the mothership MMSI, so both are null. Type 21:
  the name includes the name extension. Strings: 6-bit ASCII ending at the first '@' (the fill
  character, as GPSD reads it), trailing spaces stripped, empty -> null.
- MMSI kept as transmitted (as an integer); `mmsi_valid` is True when it has nine significant
  digits (100000000..999999999). Coast stations (00MIDxxxx), group calls (0MIDxxxxx) and
  out-of-range garbage are therefore flagged False; they are still stored.
- A message must hold the bits of every field decoded (e.g. 137 for types 1-3, 302 for type 5:
  a short destination is decoded from the characters present), else `truncated`.

Line accounting: blank lines are not counted. Every other line is accepted (it is part of an
accepted message, or a valid `$PGHP`, `$--RMC` or `$--ZDA` time line) or rejected with a
reason from `darkcargo.ais.schema.REJECT_REASONS`: comment lines (`#...`, as sample feeds annotate) are
`comment`; junk and non-AIS NMEA sentences (`$GPGGA`, ...) are `unparseable`; fill bits outside 0-5 or nonzero on a non-final part are
`bad_fill_bits`; a sentence with an empty payload is `empty_payload`; characters outside the 6-bit
armour are `bad_payload`. When a message is rejected, every line of it is. `raw` in rejects is the
line with surrounding whitespace removed, cut at `max_raw_chars` characters. Rejects come
sorted by line number within a batch.

Not done here: de-duplication of repeated sentences (the `duplicate` reason code is unused by
this decoder), the tag-block `s:` source station (parsed over, not stored: the tables have no
column for it), message types other than those above.
"""

from __future__ import annotations

import io
import logging
import os
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from darkcargo.ais import _nmea_codes as K  # noqa: N812
from darkcargo.ais._nmea_build import kernel_digest
from darkcargo.ais.schema import POSITIONS, REJECT_REASONS, REJECTS, STATICS, TS
from darkcargo.errors import DarkcargoError

__all__ = [
    "DecodedBatch",
    "NmeaParams",
    "decode_nmea_bytes",
    "iter_nmea_batches",
    "kernel_kind",
    "mmsi_is_valid",
]

log = logging.getLogger(__name__)

assert all(r in REJECT_REASONS for r in K.REASON_NAMES[1:]), "kernel reason codes out of sync"

MMSI_MIN = 100_000_000
MMSI_MAX = 999_999_999

KERNEL_ENV = "DARKCARGO_NMEA_KERNEL"  # auto (default), native or jit
SPARE_ROW_BYTES = 32  # see _Decoder.decode
FIRST_BATCH_BYTES = 256 << 10  # the first decoder batch; later ones double up to batch_bytes
_NEWLINE = 10


def _load_kernels() -> tuple[str, typing.Any]:
    """The kernels to decode with: ("native", the ahead-of-time extension) when it is there and
    was built from the kernel sources beside it, else ("jit", the numba module). The native one
    spares a process numba's import and cache loading (about 0.45 s)."""
    wanted = os.environ.get(KERNEL_ENV, "auto").strip().lower() or "auto"
    if wanted not in ("auto", "native", "jit"):
        raise DarkcargoError(f"{KERNEL_ENV}={wanted!r}: use auto, native or jit")
    why = "forced by " + KERNEL_ENV
    if wanted != "jit":
        try:
            from darkcargo.ais import _nmea_native as native  # type: ignore[attr-defined]
        except ImportError as exc:  # not built (no numba or compiler at build), other platform
            why = f"no compiled extension ({exc})"
        else:
            if native.built_from() == kernel_digest():
                return "native", native
            why = "compiled extension is stale (built from other kernel sources)"
        if wanted == "native":
            raise DarkcargoError(f"{KERNEL_ENV}=native: {why}; run 'make setup'")
    log.debug("NMEA kernels through numba's JIT: %s", why)
    from darkcargo.ais import _nmea_kernel as jit

    return "jit", jit


_KERNEL_KIND, _KERNELS = _load_kernels()


def kernel_kind() -> str:
    """Which kernels this process decodes with: "native" (compiled ahead of time) or "jit"."""
    return _KERNEL_KIND


@dataclass(frozen=True)
class NmeaParams:
    """Decoder thresholds.

    window_lines: a multipart part must follow the previous part within this many lines.
    ms_threshold: epoch values above this are milliseconds (1e10 s is the year 2286).
    max_raw_chars: rejects keep at most this many characters of the offending line.
    max_line_bytes: a longer line (no AIS sentence is) is decoded from its start only, so that
        a file without newlines cannot grow the read buffer without bound.
    clock_window_lines: a GPS "$--RMC"/"$--ZDA" line times the AIS sentences without a time of
        their own for this many lines after it (a receiver logs its GPS about once a second;
        a clock that stopped must not date the rest of the log).
    """

    window_lines: int = 1000
    ms_threshold: int = 10_000_000_000
    max_raw_chars: int = 2000
    max_line_bytes: int = 1 << 20
    clock_window_lines: int = 1000


DEFAULT_PARAMS = NmeaParams()


@dataclass
class DecodedBatch:
    """One decoded batch: canonical tables plus the line accounting of the batch.

    Invariant: lines_accepted + rejects.num_rows == lines_read.
    """

    positions: pa.Table  # exactly darkcargo.ais.schema.POSITIONS
    statics: pa.Table  # exactly STATICS
    rejects: pa.Table  # exactly REJECTS (source_id, line_no, raw, reason)
    lines_read: int  # non-blank input lines consumed (resolved) by this batch
    lines_accepted: int  # lines of accepted messages, plus $PGHP/RMC/ZDA time lines


def mmsi_is_valid(mmsi: np.ndarray) -> np.ndarray:
    """True where an MMSI has nine significant digits (100000000..999999999)."""
    return (mmsi >= MMSI_MIN) & (mmsi <= MMSI_MAX)


def _to_us(default_time: datetime | None) -> int:
    if default_time is None:
        return int(K.NULL_TIME)
    if default_time.tzinfo is not None:
        default_time = default_time.astimezone(UTC).replace(tzinfo=None)
    delta = default_time - datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class _Outputs:
    """Preallocated kernel output columns for a buffer of at most `cap` lines.

    np.empty leaves pages uncommitted until written, so only the rows used cost memory."""

    def __init__(self, cap: int) -> None:
        e = np.empty
        self.P = (
            e(cap, np.int64), e(cap, np.int64), e(cap, np.float64), e(cap, np.float64),
            e(cap, np.float32), e(cap, np.float32), e(cap, np.int16), e(cap, np.int8),
            e(cap, np.int8), e(cap, np.int64),
        )  # fmt: skip
        self.S = (
            e(cap, np.int64), e(cap, np.int64), e(cap, np.int64),
            e((cap, K.CALLSIGN_W), np.uint8), e((cap, K.NAME_W), np.uint8),
            e(cap, np.int16), e(cap, np.float32), e(cap, np.float32), e(cap, np.float32),
            e((cap, K.DEST_W), np.uint8), e(cap, np.int8), e(cap, np.int64),
        )  # fmt: skip
        self.R = (e(cap, np.int64), e(cap, np.int64), e(cap, np.int64), e(cap, np.int8))
        cc = K.MAX_SLOTS * K.MAX_PARTS
        self.C = (e(cc, np.int64), e(cc, np.int64), e(cc, np.int64), e(cc, np.int64))


def _bitmap(valid: np.ndarray) -> pa.Buffer | None:
    if valid.all():
        return None
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def _masked(values: np.ndarray, valid: np.ndarray, typ: pa.DataType) -> pa.Array:
    """Arrow array over `values` (zero-copy) with nulls where valid is False."""
    return pa.Array.from_buffers(typ, len(values), [_bitmap(valid), pa.py_buffer(values)])


# Columns are built from their buffers, never with pa.array(): pyarrow's conversion of Python or
# NumPy objects imports pandas when it is installed (0.3-0.5 s of a whole `darkcargo ingest`).
def _plain(values: np.ndarray, typ: pa.DataType) -> pa.Array:
    """Arrow array over `values` (zero-copy), no nulls."""
    assert values.dtype.itemsize * 8 == typ.bit_width and values.flags.c_contiguous
    return pa.Array.from_buffers(typ, len(values), [None, pa.py_buffer(values)])


def _flags(values: np.ndarray) -> pa.Array:
    """Arrow booleans (bit-packed) from a NumPy bool array, no nulls."""
    bits = pa.py_buffer(np.packbits(values, bitorder="little"))
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, bits])


def _text(values: list[str]) -> pa.Array:
    """Arrow strings from Python strings, no nulls."""
    data = [v.encode() for v in values]
    offsets = np.zeros(len(data) + 1, np.int32)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), len(data), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    )


def _strings(chars: np.ndarray, n: int) -> pa.Array:
    offsets, data, valid = _KERNELS.pack_fixed_strings(chars, n)
    return pa.Array.from_buffers(
        pa.string(), n, [_bitmap(valid), pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _positions_table(P: tuple, n: int, source_id: int) -> pa.Table:
    mmsi, ts, lat, lon, sog, cog, hdg, nav, mtype, row = (a[:n] for a in P)
    cols = [
        _plain(mmsi, pa.int64()),
        _plain(ts, TS),
        _masked(lat, ~np.isnan(lat), pa.float64()),
        _masked(lon, ~np.isnan(lon), pa.float64()),
        _masked(sog, ~np.isnan(sog), pa.float32()),
        _masked(cog, ~np.isnan(cog), pa.float32()),
        _masked(hdg, hdg >= 0, pa.int16()),
        _masked(nav, nav >= 0, pa.int8()),
        _plain(mtype, pa.int8()),
        _flags(mmsi_is_valid(mmsi)),
        _plain(np.full(n, source_id, np.int32), pa.int32()),
        _plain(row, pa.int64()),
    ]
    return pa.Table.from_arrays(cols, schema=POSITIONS)


def _statics_table(S: tuple, n: int, source_id: int) -> pa.Table:
    mmsi, ts, imo, call, name, stype, length, beam, draught, dest, mtype, row = S
    mmsi, ts, imo, stype, length, beam, draught, mtype, row = (
        a[:n] for a in (mmsi, ts, imo, stype, length, beam, draught, mtype, row)
    )
    cols = [
        _plain(mmsi, pa.int64()),
        _plain(ts, TS),
        _masked(imo, imo > 0, pa.int64()),
        _strings(call, n),
        _strings(name, n),
        _masked(stype, stype >= 0, pa.int16()),
        _masked(length, ~np.isnan(length), pa.float32()),
        _masked(beam, ~np.isnan(beam), pa.float32()),
        _masked(draught, ~np.isnan(draught), pa.float32()),
        _strings(dest, n),
        _plain(mtype, pa.int8()),
        _flags(mmsi_is_valid(mmsi)),
        _plain(np.full(n, source_id, np.int32), pa.int32()),
        _plain(row, pa.int64()),
    ]
    return pa.Table.from_arrays(cols, schema=STATICS)


def _rejects_table(
    buf: bytes | memoryview, R: tuple, n: int, source_id: int, max_raw: int
) -> pa.Table:
    """Rejects are rare: a small Python loop over them is fine."""
    rs, re_, lno, reason = (a[:n] for a in R)
    order = np.argsort(lno, kind="stable")
    raws = []
    for i in order:
        s = int(rs[i])
        raw = bytes(buf[s : min(int(re_[i]), s + max_raw * 4)])
        raws.append(raw.decode("utf-8", "backslashreplace")[:max_raw])
    names = [K.REASON_NAMES[r] for r in reason[order]]
    return pa.Table.from_arrays(
        [
            _plain(np.full(n, source_id, np.int32), pa.int32()),
            _plain(np.ascontiguousarray(lno[order]), pa.int64()),
            _text(raws),
            _text(names),
        ],
        schema=REJECTS,
    )


class _Decoder:
    """Stateful batch decoder: feeds successive whole-line chunks of one file to the kernel,
    keeping multipart fragments and time context between chunks."""

    def __init__(self, source_id: int, default_time: datetime | None, params: NmeaParams) -> None:
        self.source_id = source_id
        self.default_us = _to_us(default_time)
        self.params = params
        self.state = np.full(K.STATE_LEN, K.NULL_TIME, np.int64)
        self.state[K.ST_GROUP_ID] = -1
        self.state[K.ST_CLOCK_LINE] = 0
        self.state[K.ST_CLOCK_WINDOW] = params.clock_window_lines
        self.next_line = 1  # physical line number of the next chunk's first line
        self.carry = b""
        self.carry_lno = np.empty(0, np.int64)
        self.carry_time = np.empty(0, np.int64)

    def decode(self, buf: bytes | memoryview, n_new_lines: int, final: bool) -> DecodedBatch:
        """Decode `buf`: the carried fragments (`self.carry`) followed by whole new lines (the last
        may lack its newline only when final); `n_new_lines` counts the physical new lines."""
        # one row per line, and room for sentences that share a line with another: up to one
        # per SPARE_ROW_BYTES of the buffer (a line of two sentences needs one per two sentences)
        spare = len(buf) // SPARE_ROW_BYTES + 16
        self.state[K.ST_SPARE_ROWS] = spare
        out = _Outputs(len(self.carry_lno) + n_new_lines + 1 + spare)
        arr = np.frombuffer(buf, np.uint8)
        n_pos, n_sta, n_rej, n_car, n_read, n_acc = _KERNELS.decode_buffer(
            arr, len(self.carry_lno), self.carry_lno, self.carry_time, self.next_line,
            self.state, self.default_us, final, self.params.window_lines,
            self.params.ms_threshold, out.P, out.S, out.R, out.C,
        )  # fmt: skip
        del arr
        self.next_line += n_new_lines
        # fragments of open groups go in front of the next chunk, in line order
        cs, ce, clno, ct = (a[:n_car] for a in out.C)
        order = np.argsort(clno, kind="stable")
        self.carry = b"".join(bytes(buf[int(cs[i]) : int(ce[i])]) + b"\n" for i in order)
        self.carry_lno = np.ascontiguousarray(clno[order])
        self.carry_time = np.ascontiguousarray(ct[order])
        batch = DecodedBatch(
            positions=_positions_table(out.P, n_pos, self.source_id),
            statics=_statics_table(out.S, n_sta, self.source_id),
            rejects=_rejects_table(buf, out.R, n_rej, self.source_id, self.params.max_raw_chars),
            lines_read=int(n_read),
            lines_accepted=int(n_acc),
        )
        if batch.lines_accepted + batch.rejects.num_rows != batch.lines_read:
            raise AssertionError("NMEA line accounting broken")  # a bug, never bad input
        return batch


CR_SNIFF_BYTES = 1 << 16  # line ends are judged on this many first bytes of a stream


def _cr_only(prefix: bytes) -> bool:
    """Line ends of "\r" alone (old Mac files): carriage returns and no newline at the start."""
    return b"\r" in prefix and b"\n" not in prefix


class _Prefixed(io.RawIOBase):
    """A stream's first bytes, already read, then the rest of it."""

    def __init__(self, prefix: bytes, rest: typing.BinaryIO) -> None:
        super().__init__()
        self.prefix, self.rest = memoryview(prefix), rest

    def readable(self) -> bool:
        return True

    def readinto(self, view: memoryview) -> int:  # type: ignore[override]
        if self.prefix.nbytes:
            k = min(len(view), self.prefix.nbytes)
            view[:k] = self.prefix[:k]
            self.prefix = self.prefix[k:]
            return k
        return _fill(self.rest, view)


def _fill(stream: typing.BinaryIO | io.RawIOBase, view: memoryview) -> int:
    """Read into `view` until it is full or the stream ends; returns the bytes read."""
    readinto = getattr(stream, "readinto", None)
    n = 0
    while n < len(view):
        if readinto is not None:
            k = readinto(view[n:]) or 0
        else:
            data = stream.read(len(view) - n)
            k = len(data)
            view[n : n + k] = data
        if k == 0:
            break
        n += k
    return n


def iter_nmea_batches(
    stream: typing.BinaryIO,
    *,
    source_id: int,
    default_time: datetime | None = None,
    batch_bytes: int = 32 << 20,
    params: NmeaParams = DEFAULT_PARAMS,
) -> Iterator[DecodedBatch]:
    """Decode a (decompressed) binary NMEA stream in batches of about `batch_bytes`.

    Memory stays bounded by the batch size: one read buffer is reused for every batch (the
    tables do not point into it). Multipart groups that straddle a batch boundary are carried
    into the next batch with their original line numbers; fragments still incomplete at the end
    of the stream are rejected as `orphan_part`. A line longer than `params.max_line_bytes` is
    decoded from its first max_line_bytes (so it is counted, and rejected, once) and the rest of
    it is skipped. Yields nothing for an empty stream.
    """
    dec = _Decoder(source_id, default_time, params)
    buf = bytearray(batch_bytes + len(dec.carry))
    tail = b""  # start of a line not yet ended by a newline
    skipping = False  # inside the rest of an over-long line
    # lines ended by "\r" alone, decided on the stream's first bytes whatever the batch size
    prefix = stream.read(CR_SNIFF_BYTES)
    cr_only = _cr_only(prefix)
    source = _Prefixed(prefix, stream)
    # The first batches are smaller, doubling up to batch_bytes: whoever writes them starts
    # after a few milliseconds instead of waiting for a whole batch to be decoded.
    size = max(min(batch_bytes, FIRST_BATCH_BYTES), 1)
    while True:
        head = dec.carry + tail
        need = len(head) + size
        size = min(2 * size, batch_bytes)
        if len(buf) < need:
            buf = bytearray(need)
        buf[: len(head)] = head
        view = memoryview(buf)
        got = _fill(source, view[len(head) : need])
        if cr_only and got:
            # a log with old Mac line ends ("\r" alone): each one read as a newline
            buf[len(head) : len(head) + got] = buf[len(head) : len(head) + got].translate(_CR_TO_LF)
        total = len(head) + got
        start = len(dec.carry)
        if skipping:
            nl = buf.find(b"\n", start, total)
            if nl < 0 and got:
                continue
            # drop the rest of the long line (the line itself was counted already)
            rest = bytes(view[nl + 1 : total]) if nl >= 0 else b""
            buf[start : start + len(rest)] = rest
            total = start + len(rest)
            skipping = False
            if got and not rest:
                tail = b""
                continue
        if got == 0:
            if total > 0:
                n_new = buf.count(b"\n", start, total) + (1 if buf[total - 1] != 10 else 0)
                yield dec.decode(view[:total], n_new, final=True)
            return
        cut = buf.rfind(b"\n", start, total)
        if cut < 0:
            if total - start > params.max_line_bytes:  # over-long line: decode its start only
                line = bytes(view[start : start + params.max_line_bytes]) + b"\n"
                skipping = True
                tail = b""
                yield dec.decode(bytes(view[:start]) + line, 1, final=False)
            else:
                tail = bytes(view[start:total])
            continue
        n_new = _newlines(buf, start, cut + 1)
        tail = bytes(view[cut + 1 : total])
        yield dec.decode(view[: cut + 1], n_new, final=False)


_CR_TO_LF = bytes.maketrans(b"\r", b"\n")


def _newlines(buf: bytearray, start: int, stop: int) -> int:
    """Newlines in buf[start:stop]: NumPy counts them four times as fast as bytearray.count,
    and mostly without the GIL, which the thread writing to DuckDB needs meanwhile."""
    return int(np.count_nonzero(np.frombuffer(buf, np.uint8, stop - start, start) == _NEWLINE))


def decode_nmea_bytes(
    data: bytes,
    *,
    source_id: int = 0,
    default_time: datetime | None = None,
    params: NmeaParams = DEFAULT_PARAMS,
) -> DecodedBatch:
    """Decode a whole in-memory buffer as one batch (convenience for tests and small inputs)."""
    if _cr_only(data[:CR_SNIFF_BYTES]):
        data = data.translate(_CR_TO_LF)
    n_lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return _Decoder(source_id, default_time, params).decode(data, n_lines, final=True)
