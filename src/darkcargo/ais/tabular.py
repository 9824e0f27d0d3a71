"""Tabular AIS: provider CSV (MarineCadastre, Danish Maritime Authority, any CSV by column map)
and Parquet with the canonical column names, turned into canonical positions/statics/rejects.

Reading streams the file in batches (bounded memory). The transform is vectorised over Arrow
arrays: a strict Arrow cast is tried first for each column (fast on clean data), and only when
it fails is the column re-parsed value by value with pattern checks, so that every bad value
costs its row, never the batch. Each row ends up as a position or in `rejects`:

- unparseable: empty or non-numeric MMSI, a time or a number (lat, lon, sog, cog, heading) that
  does not parse, or a row with the wrong number of fields;
- no_time: an empty time and no ``default_time``;
- out_of_range: lat beyond +-90 (91 = not available), lon beyond +-180 (181), sog outside
  0..102.3, MMSI outside the 30-bit AIS field.

Sentinels become nulls as for NMEA: lat 91, lon 181, sog 102.3, cog 360 (and any cog outside
0..360), heading 511 (and any outside 0..359), nav_status outside 0..15. Identity fields (name,
IMO, call sign, ship type, dimensions, destination) are lenient: a value that does not parse
becomes null instead of costing the row. Statics are emitted once per MMSI whenever its identity
changes (found in file order, which is time order per vessel in provider exports), not once per
row. Times are normalised to UTC.

CSV pipeline: one thread reads (and decompresses and hashes) runs of whole lines and hands each
to a pool of worker threads as soon as it is read. A worker reads a run with the compiled scanner
(`_csv_kernel`: typed columns, identity hashes and line spans in one pass over the bytes) or,
when the scanner declines it (quotes, odd values, wrong field counts, layouts it does not know),
with pyarrow (typed when the run converts cleanly, otherwise as text), and decodes typed runs
with one compiled pass (`decode_typed`). The caller tracks identities in file order, decodes text
runs (`decode_rows`) and writes. Memory stays bounded by a few runs and one batch.
"""

from __future__ import annotations

import csv
import io
import logging
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from numba import njit

from darkcargo.ais import _csv_kernel as K  # noqa: N812
from darkcargo.ais.nmea import DecodedBatch
from darkcargo.ais.schema import POSITIONS, REJECTS, STATICS
from darkcargo.errors import InputError

log = logging.getLogger(__name__)

TS_US = pa.timestamp("us")
DEFAULT_BATCH_ROWS = 1 << 18  # rows per transform batch (bounded memory, amortised overhead)
FIRST_BATCH_ROWS = 1  # the first batch is the first run of lines (writing starts early)
CSV_CHUNK_BYTES = 4 << 20  # bytes of whole lines parsed at a time
READ_AHEAD_CHUNKS = 4  # runs of lines read ahead of the parsers (about 4 x 4 MB)
PARSE_WORKERS = 2  # threads parsing CSV chunks while the caller transforms and writes
TYPED_FAILURES_BEFORE_TEXT = 4  # chunks that fail typed parsing before the rest is read as text
MMSI_MAX = (1 << 30) - 1  # the AIS MMSI field is 30 bits
IMO_MAX = (1 << 30) - 1
LAT_NA, LON_NA, SOG_NA, COG_NA, HEADING_NA = 91.0, 181.0, 102.3, 360.0, 511
SOG_MAX = 102.3
NAV_STATUS_MAX = 15
SHIP_TYPE_MAX = 9999

# Canonical fields a tabular source can provide. Position fields are strict (a bad value rejects
# the row); identity fields are lenient (a bad value becomes null).
POSITION_FIELDS = ("mmsi", "ts", "lat", "lon", "sog", "cog", "heading", "nav_status", "msg_type")
IDENTITY_FIELDS = (
    "imo",
    "callsign",
    "name",
    "ship_type",
    "length_m",
    "beam_m",
    "draught_m",
    "destination",
)
EXTRA_FIELDS = ("transceiver", "cargo_type")  # text helpers: message class, DMA cargo category
ALL_FIELDS = POSITION_FIELDS + IDENTITY_FIELDS + EXTRA_FIELDS
REQUIRED_FIELDS = ("mmsi", "lat", "lon")

# Representative message types for a transceiver class: (position msg_type, static msg_type).
TRANSCEIVER_TYPES: dict[str, tuple[int | None, int | None]] = {
    "a": (1, 5),
    "class a": (1, 5),
    "b": (18, 24),
    "class b": (18, 24),
    "base station": (4, None),
    "aton": (21, 21),
    "sar airborne": (9, None),
}

# Danish Maritime Authority spells navigational status and ship type out in words.
NAV_STATUS_TEXT: dict[str, int] = {
    "under way using engine": 0,
    "at anchor": 1,
    "not under command": 2,
    "restricted maneuverability": 3,
    "restricted manoeuverability": 3,
    "restricted manoeuvrability": 3,
    "constrained by her draught": 4,
    "moored": 5,
    "aground": 6,
    "engaged in fishing": 7,
    "under way sailing": 8,
    "reserved for future amendment [hsc]": 9,
    "reserved for future amendment [wig]": 10,
    "power-driven vessel towing astern": 11,
    "power-driven vessel pushing ahead or towing alongside": 12,
    "reserved for future use": 13,
    "ais-sart is active": 14,
    "unknown value": 15,
    "undefined": 15,
}
SHIP_TYPE_TEXT: dict[str, int] = {
    "wig": 20,
    "fishing": 30,
    "towing": 31,
    "towing long/wide": 32,
    "dredging": 33,
    "diving": 34,
    "military": 35,
    "sailing": 36,
    "pleasure": 37,
    "hsc": 40,
    "pilot": 50,
    "sar": 51,
    "tug": 52,
    "port tender": 53,
    "anti-pollution": 54,
    "law enforcement": 55,
    "spare 1": 56,
    "spare 2": 57,
    "medical": 58,
    "not party to conflict": 59,
    "passenger": 60,
    "cargo": 70,
    "tanker": 80,
    "other": 90,
}
# DMA cargo categories refine the second digit of the types whose codes carry a hazard category.
CARGO_CATEGORY_DIGIT: dict[str, int] = {
    "category x": 1,
    "category y": 2,
    "category z": 3,
    "category os": 4,
}
CATEGORY_BASES = (20, 40, 60, 70, 80, 90)

_NUM_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_ISO_NAIVE_RE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
_ISO_OFFSET_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)? ?(Z|[+-]\d{2}(:?\d{2})?)$"
_EPOCH_S_RE = r"^\d{9,10}(\.\d+)?$"
_EPOCH_MS_RE = r"^\d{12,13}$"


# ---------------------------------------------------------------------------------------------
# Layouts
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvLayout:
    """Where each canonical field sits in a provider's CSV, by header name."""

    name: str
    columns: Mapping[str, str]  # canonical field -> header name
    ts_format: str | None = None  # strptime format; None = ISO 8601 or epoch seconds
    null_tokens: tuple[str, ...] = ()  # words that mean "not known" in identity fields
    required: tuple[str, ...] = field(default=())  # headers that must be present to match


DMA_TS_FORMAT = "%d/%m/%Y %H:%M:%S"  # Danish Maritime Authority time stamps (day first)

MARINECADASTRE = CsvLayout(
    name="marinecadastre",
    columns={
        "mmsi": "MMSI",
        "ts": "BaseDateTime",
        "lat": "LAT",
        "lon": "LON",
        "sog": "SOG",
        "cog": "COG",
        "heading": "Heading",
        "name": "VesselName",
        "imo": "IMO",
        "callsign": "CallSign",
        "ship_type": "VesselType",
        "nav_status": "Status",
        "length_m": "Length",
        "beam_m": "Width",
        "draught_m": "Draft",
        "transceiver": "TransceiverClass",
    },
    required=("MMSI", "BaseDateTime", "LAT", "LON"),
)

DMA = CsvLayout(
    name="dma",
    columns={
        "ts": "Timestamp",
        "transceiver": "Type of mobile",
        "mmsi": "MMSI",
        "lat": "Latitude",
        "lon": "Longitude",
        "nav_status": "Navigational status",
        "sog": "SOG",
        "cog": "COG",
        "heading": "Heading",
        "imo": "IMO",
        "callsign": "Callsign",
        "name": "Name",
        "ship_type": "Ship type",
        "cargo_type": "Cargo type",
        "beam_m": "Width",
        "length_m": "Length",
        "draught_m": "Draught",
        "destination": "Destination",
    },
    ts_format=DMA_TS_FORMAT,
    null_tokens=("unknown", "undefined", "unknown value"),
    required=("Timestamp", "MMSI", "Latitude", "Longitude"),
)

LAYOUTS: tuple[CsvLayout, ...] = (MARINECADASTRE, DMA)


def _norm_header(name: str) -> str:
    """Header names compared without case, BOM, a leading '#', or repeated spaces."""
    return " ".join(name.replace("\ufeff", "").strip().lstrip("#").split()).lower()


def parse_column_map(spec: str) -> dict[str, str]:
    """Parse ``'mmsi=MMSI,ts=time,lat=Latitude'`` into {canonical field: header name}.

    The key ``ts_format`` gives a strptime format for the time column (e.g. ``%d/%m/%Y %H:%M``).
    """
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise InputError("--columns", f"'{part.strip()}' is not FIELD=COLUMN")
        if key not in ALL_FIELDS and key != "ts_format":
            raise InputError(
                "--columns",
                f"unknown field '{key}'; known fields: {', '.join(ALL_FIELDS)}, ts_format",
            )
        mapping[key] = value
    return mapping


def layout_from_map(mapping: Mapping[str, str], default_time: datetime | None = None) -> CsvLayout:
    """A layout from a user's column map; names the missing required fields."""
    need = list(REQUIRED_FIELDS) + ([] if default_time is not None else ["ts"])
    missing = [f for f in need if f not in mapping]
    if missing:
        hint = " (or pass --default-time)" if missing == ["ts"] else ""
        raise InputError("--columns", f"column map lacks {', '.join(missing)}{hint}")
    columns = {k: v for k, v in mapping.items() if k != "ts_format"}
    return CsvLayout(name="columns", columns=columns, ts_format=mapping.get("ts_format"))


def match_layout(header: list[str]) -> CsvLayout | None:
    """The known provider layout whose required headers all appear, if any."""
    present = {_norm_header(h) for h in header}
    for layout in LAYOUTS:
        if all(_norm_header(r) in present for r in layout.required):
            return layout
    return None


def bind_layout(layout: CsvLayout, header: list[str], path: str) -> dict[str, int]:
    """Column index of each canonical field the header provides; InputError if required ones lack."""
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(_norm_header(h), i)
    bound: dict[str, int] = {}
    missing: list[str] = []
    for fld, col in layout.columns.items():
        found = index.get(_norm_header(col))
        if found is None:
            if fld in REQUIRED_FIELDS or fld == "ts":
                missing.append(col)
            continue
        bound[fld] = found
    if missing:
        raise InputError(
            path,
            f"header lacks column(s) {', '.join(missing)} needed by the {layout.name} layout",
            1,
        )
    return bound


# ---------------------------------------------------------------------------------------------
# Value parsing (pure, vectorised)
# ---------------------------------------------------------------------------------------------
def _np_mask(arr: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """Arrow boolean (nulls as False) to a NumPy mask."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _nulls(n: int, dtype: pa.DataType) -> pa.Array:
    return pa.nulls(n, type=dtype)


def _chunk(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def blank_to_null(arr: pa.Array) -> pa.Array:
    """Trim whitespace; empty strings become null."""
    s = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(s, ""), None, s)


def tolerant_cast(arr: pa.Array, dtype: pa.DataType) -> pa.Array:
    """Cast that turns each failing value into null instead of failing the array.

    Casts the whole array first; on failure, halves it until the bad values are isolated, so the
    cost stays close to one cast when bad values are few (callers pre-filter with patterns).
    """
    try:
        return pc.cast(arr, dtype)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if len(arr) <= 1:
            return _nulls(len(arr), dtype)
        mid = len(arr) // 2
        return pa.concat_arrays(
            [tolerant_cast(arr.slice(0, mid), dtype), tolerant_cast(arr.slice(mid), dtype)]
        )


def parse_float(arr: pa.Array) -> tuple[pa.Array, npt.NDArray[np.bool_]]:
    """float64 values and a mask of present-but-unparseable values (NaN and inf count as bad)."""
    n = len(arr)
    t = arr.type
    if pa.types.is_null(t):
        return _nulls(n, pa.float64()), np.zeros(n, dtype=bool)
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        vals = pc.cast(arr, pa.float64())
        bad = np.zeros(n, dtype=bool)
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        try:
            vals = pc.cast(arr, pa.float64())
            bad = np.zeros(n, dtype=bool)
        except pa.ArrowInvalid:
            s = blank_to_null(_chunk(arr))
            ok = pc.match_substring_regex(s, _NUM_RE)
            vals = tolerant_cast(pc.if_else(ok, s, None), pa.float64())
            bad = _np_mask(pc.and_(pc.is_valid(s), pc.is_null(vals)))
    else:
        return parse_float(pc.cast(arr, pa.string()))
    if pc.any(pc.invert(pc.is_finite(vals))).as_py():
        nonfinite = _np_mask(pc.invert(pc.is_finite(vals)))
        bad |= nonfinite
        vals = pc.if_else(pa.array(nonfinite), None, vals)
    return vals, bad


def parse_int(arr: pa.Array) -> tuple[pa.Array, npt.NDArray[np.bool_]]:
    """int64 values and a mask of present-but-unparseable values (non-integral numbers count)."""
    n = len(arr)
    if pa.types.is_integer(arr.type):
        return pc.cast(arr, pa.int64()), np.zeros(n, dtype=bool)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        try:
            return pc.cast(arr, pa.int64()), np.zeros(n, dtype=bool)
        except pa.ArrowInvalid:
            pass
    vals, bad = parse_float(arr)
    integral = pc.and_(pc.equal(pc.floor(vals), vals), pc.less_equal(pc.abs(vals), 2.0**53))
    nonint = _np_mask(pc.and_(pc.is_valid(vals), pc.invert(integral)))
    bad |= nonint
    vals = pc.if_else(pa.array(nonint), None, vals)
    return pc.cast(vals, pa.int64()), bad


def _utc_naive(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Any timestamp array as naive UTC microseconds."""
    t = arr.type
    if t.unit != "us":
        arr = pc.cast(arr, pa.timestamp("us", tz=t.tz), safe=False)
    if t.tz is None:
        return arr
    if isinstance(arr, pa.ChunkedArray):
        return pa.chunked_array([c.view(pa.int64()).view(TS_US) for c in arr.chunks], TS_US)
    return arr.view(pa.int64()).view(TS_US)


def parse_time(arr: pa.Array, fmt: str | None = None) -> tuple[pa.Array, npt.NDArray[np.bool_]]:
    """Naive-UTC timestamp[us] values and a mask of present-but-unparseable values.

    Strings: a strptime ``fmt`` when given, else ISO 8601 (with or without a zone offset, which
    is applied) or epoch seconds/milliseconds. Timestamp columns with a zone are converted to
    UTC; naive ones are taken as UTC. Numbers are epoch seconds (milliseconds above 1e11).
    """
    n = len(arr)
    t = arr.type
    zeros = np.zeros(n, dtype=bool)
    if pa.types.is_null(t):
        return _nulls(n, TS_US), zeros
    if pa.types.is_timestamp(t):
        return _utc_naive(arr), zeros
    if pa.types.is_date(t):
        return pc.cast(pc.cast(arr, pa.timestamp("s")), TS_US), zeros
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return _epoch_to_ts(pc.cast(arr, pa.float64())), zeros
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return parse_time(pc.cast(arr, pa.string()), fmt)
    if fmt is not None:
        vals = pc.strptime(arr, format=fmt, unit="us", error_is_null=True)
        if vals.type.tz is not None:
            vals = _utc_naive(vals)
        if vals.null_count == arr.null_count:
            return vals, zeros
        s = blank_to_null(arr)
        vals = pc.strptime(s, format=fmt, unit="us", error_is_null=True)
        if vals.type.tz is not None:
            vals = _utc_naive(vals)
        return vals, _np_mask(pc.and_(pc.is_valid(s), pc.is_null(vals)))
    try:
        return pc.cast(arr, TS_US), zeros
    except pa.ArrowInvalid:
        pass
    try:
        return _utc_naive(pc.cast(arr, pa.timestamp("us", tz="UTC"))), zeros
    except pa.ArrowInvalid:
        pass
    s = blank_to_null(_chunk(arr))
    naive = pc.if_else(pc.match_substring_regex(s, _ISO_NAIVE_RE), s, None)
    offset = pc.if_else(pc.match_substring_regex(s, _ISO_OFFSET_RE), s, None)
    offset = pc.replace_substring_regex(offset, r" ?(Z|[+-]\d{2}(:?\d{2})?)$", r"\1")
    epoch_s = pc.if_else(pc.match_substring_regex(s, _EPOCH_S_RE), s, None)
    epoch_ms = pc.if_else(pc.match_substring_regex(s, _EPOCH_MS_RE), s, None)
    vals = pc.coalesce(
        tolerant_cast(naive, TS_US),
        _utc_naive(tolerant_cast(offset, pa.timestamp("us", tz="UTC"))),
        _epoch_to_ts(tolerant_cast(epoch_s, pa.float64())),
        _epoch_to_ts(pc.multiply(tolerant_cast(epoch_ms, pa.float64()), 1e-3)),
    )
    return vals, _np_mask(pc.and_(pc.is_valid(s), pc.is_null(vals)))


def _epoch_to_ts(seconds: pa.Array) -> pa.Array:
    """Epoch seconds (values above 1e11 taken as milliseconds) to timestamp[us]."""
    secs = pc.if_else(pc.greater(pc.abs(seconds), 1e11), pc.multiply(seconds, 1e-3), seconds)
    us = pc.round(pc.multiply(secs, 1e6))
    return pc.cast(pc.cast(us, pa.int64()), TS_US)


def _word_variants(table: Mapping[str, int | None]) -> tuple[pa.Array, pa.Array]:
    """Value set and codes holding each word as written, capitalised, in title and upper case."""
    words: dict[str, int | None] = {}
    for k, v in table.items():
        for w in (k, k.capitalize(), k.title(), k.upper()):
            words.setdefault(w, v)
    return pa.array(list(words), pa.string()), pa.array(list(words.values()), pa.int64())


def text_code(arr: pa.Array | pa.ChunkedArray, table: Mapping[str, int | None]) -> pa.Array:
    """int64 codes for words (case-insensitive, trimmed); unknown words become null.

    Exact spellings are looked up first (one hash probe per value); only when some value is
    not found are values lower-cased and trimmed.
    """
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    value_set, codes = _word_variants(table)
    idx = pc.index_in(arr, value_set=value_set)
    if idx.null_count == arr.null_count:
        return pc.take(codes, idx)
    keys = pa.array(list(table), pa.string())
    key_codes = pa.array(list(table.values()), pa.int64())
    norm = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
    return pc.take(key_codes, pc.index_in(norm, value_set=keys))


def parse_code(arr: pa.Array | pa.ChunkedArray, words: Mapping[str, int | None]) -> pa.Array:
    """Integer codes given as numbers or as words (DMA style); unknown words become null."""
    t = arr.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_null(t):
        return parse_int(arr)[0]
    try:
        return pc.cast(arr, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    coded = text_code(arr, words)
    missing = pc.and_(pc.is_null(coded), pc.is_valid(arr))
    if pc.any(missing).as_py():
        numbers, _ = parse_int(pc.if_else(missing, arr, None))
        coded = pc.coalesce(coded, numbers)
    return coded


def clean_text(arr: pa.Array, null_tokens: tuple[str, ...] = ()) -> pa.Array:
    """Trimmed text with AIS '@' padding removed; empty strings and "unknown" words become null."""
    arr = _chunk(arr)
    if pa.types.is_null(arr.type):
        return _nulls(len(arr), pa.string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    s = pc.utf8_trim(arr, characters=" \t@")
    drop = pc.equal(s, "")
    if null_tokens:
        drop = pc.or_(drop, pc.is_in(pc.utf8_lower(s), value_set=pa.array(list(null_tokens))))
    return pc.if_else(drop, None, s)


def _null_where(arr: pa.Array, mask: pa.Array | npt.NDArray[np.bool_]) -> pa.Array:
    m = pa.array(mask) if isinstance(mask, np.ndarray) else pc.fill_null(mask, False)
    return pc.if_else(m, None, arr)


# ---------------------------------------------------------------------------------------------
# The row transform (pure: Arrow columns in, canonical tables out)
# ---------------------------------------------------------------------------------------------
REASON_CODES: tuple[str, ...] = ("", "out_of_range", "no_time", "unparseable")
_OOR, _NO_TIME, _UNPARSEABLE = 1, 2, 3

RawText = Callable[[npt.NDArray[np.int64]], pa.Array]
"""Gives the original text of the rows with the given line numbers (for rejects)."""


@dataclass
class RowsResult:
    """Positions, rejects and statics candidates (to be collapsed per file) of one batch."""

    positions: pa.Table
    rejects: pa.Table
    statics_candidates: pa.Table
    rows: int


def empty_table(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


def decode_rows(
    data: pa.Table,
    line_no: npt.NDArray[np.int64],
    fields: Mapping[str, int],
    *,
    source_id: int,
    ts_format: str | None = None,
    null_tokens: tuple[str, ...] = (),
    default_time: datetime | None = None,
    tracker: IdentityTracker | None = None,
    hashes: npt.NDArray[np.uint64] | None = None,
    raw_text: RawText | None = None,
    delimiter: str = ",",
) -> RowsResult:
    """Canonical rows from one batch of a tabular source.

    `data` holds the source's columns as read (strings, or typed where the reader could),
    `fields` maps canonical field names to column indices in `data`, `line_no` gives each row's
    line number in the source (its `row_id`, or `line_no` when rejected). `tracker` carries each
    MMSI's last identity across the batches of one file; `hashes` are the rows' identity hashes
    when the reader computed them already. `raw_text` returns the source text of rejected rows
    (default: the row's fields joined by `delimiter`).
    """
    n = data.num_rows
    code = np.zeros(n, dtype=np.int8)

    def col(name: str) -> pa.ChunkedArray | None:
        i = fields.get(name)
        return None if i is None else data.column(i)

    def flag(mask: npt.NDArray[np.bool_], reason: int) -> None:
        if mask.any():
            code[mask & (code < reason)] = reason

    # MMSI: required, numeric; kept as given, flagged valid when nine digits.
    mmsi_raw = col("mmsi")
    if mmsi_raw is None:
        raise ValueError("decode_rows needs an mmsi column")
    mmsi, bad = parse_int(mmsi_raw)
    flag(bad | _np_mask(pc.is_null(mmsi)), _UNPARSEABLE)
    flag(_np_mask(pc.or_(pc.less(mmsi, 0), pc.greater(mmsi, MMSI_MAX))), _OOR)

    # Time: required unless default_time; normalised to naive UTC.
    ts_raw = col("ts")
    if ts_raw is None:
        ts: pa.Array | pa.ChunkedArray = _nulls(n, TS_US)
    else:
        ts, bad = parse_time(ts_raw, ts_format)
        flag(bad, _UNPARSEABLE)
    if ts.null_count:
        if default_time is not None:
            ts = pc.fill_null(ts, pa.scalar(_naive_utc(default_time), TS_US))
        else:
            flag(_np_mask(pc.is_null(ts)), _NO_TIME)

    def number(name: str) -> pa.Array:
        raw = col(name)
        if raw is None:
            return _nulls(n, pa.float64())
        vals, bad = parse_float(raw)
        flag(bad, _UNPARSEABLE)
        return vals

    lat, lon, sog, cog = number("lat"), number("lon"), number("sog"), number("cog")
    flag(_np_mask(pc.and_(pc.greater(pc.abs(lat), 90.0), pc.not_equal(lat, LAT_NA))), _OOR)
    flag(_np_mask(pc.and_(pc.greater(pc.abs(lon), 180.0), pc.not_equal(lon, LON_NA))), _OOR)
    flag(_np_mask(pc.or_(pc.less(sog, 0.0), pc.greater(sog, SOG_MAX))), _OOR)

    heading_raw = col("heading")
    if heading_raw is None:
        heading = _nulls(n, pa.int64())
    else:
        heading, bad = parse_int(heading_raw)
        flag(bad, _UNPARSEABLE)
    nav_raw = col("nav_status")
    nav = _nulls(n, pa.int64()) if nav_raw is None else parse_code(nav_raw, NAV_STATUS_TEXT)
    msg_type = _message_types(col("msg_type"), col("transceiver"), n, static=False)

    # Sentinels and physically meaningless values become nulls.
    lat = _null_where(lat, pc.equal(lat, LAT_NA))
    lon = _null_where(lon, pc.equal(lon, LON_NA))
    sog = _null_where(sog, pc.equal(sog, SOG_NA))
    cog = _null_where(cog, pc.or_(pc.less(cog, 0.0), pc.greater_equal(cog, COG_NA)))
    heading = _null_where(heading, pc.or_(pc.less(heading, 0), pc.greater(heading, 359)))
    nav = _null_where(nav, pc.or_(pc.less(nav, 0), pc.greater(nav, NAV_STATUS_MAX)))
    mmsi_valid = pc.and_(pc.greater_equal(mmsi, 100_000_000), pc.less_equal(mmsi, 999_999_999))

    accepted = code == 0
    all_ok = bool(accepted.all())
    keep = None if all_ok else pa.array(accepted)
    row_ids = pa.array(line_no, pa.int64())

    def sel(a: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        return a if keep is None else pc.filter(a, keep)

    n_ok = int(accepted.sum())
    positions = pa.table(
        {
            "mmsi": sel(mmsi),
            "ts": sel(ts),
            "lat": sel(lat),
            "lon": sel(lon),
            "sog": pc.cast(sel(sog), pa.float32()),
            "cog": pc.cast(sel(cog), pa.float32()),
            "heading": pc.cast(sel(heading), pa.int16()),
            "nav_status": pc.cast(sel(nav), pa.int8()),
            "msg_type": pc.cast(sel(msg_type), pa.int8()),
            "mmsi_valid": sel(mmsi_valid),
            "source_id": pa.array(np.full(n_ok, source_id, np.int32)),
            "row_id": sel(row_ids),
        },
        schema=POSITIONS,
    )

    if all_ok:
        rejects = empty_table(REJECTS)
    else:
        bad_rows = ~accepted
        bad_lines = line_no[bad_rows]
        if raw_text is not None:
            raw = raw_text(bad_lines)
        else:
            rej = pa.array(bad_rows)
            texts = [
                pc.filter(c if pa.types.is_string(c.type) else pc.cast(c, pa.string()), rej)
                for c in data.columns
            ]
            raw = pc.binary_join_element_wise(
                *texts, delimiter, null_handling="replace", null_replacement=""
            )
        rejects = pa.table(
            {
                "source_id": pa.array(np.full(len(bad_lines), source_id, np.int32)),
                "line_no": pa.array(bad_lines, pa.int64()),
                "raw": raw,
                "reason": pc.take(pa.array(REASON_CODES), pa.array(code[bad_rows])),
            },
            schema=REJECTS,
        )

    statics = _statics_candidates(
        data,
        fields,
        accepted,
        {"mmsi": mmsi, "ts": ts, "mmsi_valid": mmsi_valid, "row_id": row_ids},
        tracker,
        hashes,
        null_tokens=null_tokens,
        source_id=source_id,
    )
    return RowsResult(positions=positions, rejects=rejects, statics_candidates=statics, rows=n)


@dataclass
class TypedRowsResult:
    """What `decode_typed` makes of one chunk of typed columns: its positions and rejects, and
    per input row what identity tracking needs (acceptance, MMSI, time with the default filled
    in; nulls as -1 and `ts_ok` False)."""

    positions: pa.Table
    rejects: pa.Table
    accepted: npt.NDArray[np.bool_]
    mmsi: npt.NDArray[np.int64]
    ts: npt.NDArray[np.int64]
    ts_ok: npt.NDArray[np.bool_]

    def identity_keys(self, rows: npt.NDArray[np.intp], lines: npt.NDArray[np.int64]) -> dict:
        """mmsi, ts, mmsi_valid and row_id of some rows, as `identity_rows` takes them."""
        mmsi = self.mmsi[rows]
        return {
            "mmsi": pa.array(mmsi, pa.int64()),
            "ts": pa.array(self.ts[rows], TS_US, mask=~self.ts_ok[rows]),
            "mmsi_valid": pa.array((mmsi >= 100_000_000) & (mmsi <= 999_999_999)),
            "row_id": pa.array(lines[rows], pa.int64()),
        }


@dataclass
class TypedColumns:
    """Position columns of a chunk as NumPy values and validity masks (absent = all null)."""

    mmsi: npt.NDArray[np.int64]
    mmsi_ok: npt.NDArray[np.bool_]
    ts: npt.NDArray[np.int64]
    ts_ok: npt.NDArray[np.bool_]
    floats: npt.NDArray[np.float64]  # lat, lon, sog, cog, heading (TYPED_FLOAT_FIELDS order)
    floats_ok: npt.NDArray[np.bool_]
    codes: npt.NDArray[np.int64]  # nav_status, msg_type
    codes_ok: npt.NDArray[np.bool_]


TYPED_FLOAT_FIELDS = ("lat", "lon", "sog", "cog", "heading")


@njit(cache=True, nogil=True)
def _typed_rows(  # type: ignore[no-untyped-def]
    mmsi, mmsi_ok, ts, ts_ok, need_time, fl, fl_ok, codes, codes_ok,
    mmsi_max, lat_na, lon_na, sog_max, sog_na, cog_na, nav_max,
):  # fmt: skip
    """One pass over a chunk's typed columns: reason code per row (0 accepted, 1 out_of_range,
    2 no_time, 3 unparseable; the highest applies) and, for accepted rows, compacted output
    values with null masks (sentinels and meaningless values nulled), as `decode_rows` defines
    them."""
    n = mmsi.shape[0]
    code = np.zeros(n, np.int8)
    keep = np.empty(n, np.int64)
    o_valid = np.empty(n, np.bool_)
    o_f64 = np.empty((2, n), np.float64)
    o_f32 = np.empty((2, n), np.float32)
    o_hdg = np.empty(n, np.int16)
    o_i8 = np.empty((2, n), np.int8)
    null = np.empty((7, n), np.bool_)  # lat, lon, sog, cog, heading, nav_status, msg_type
    k = 0
    for i in range(n):
        la, lo, so, co, he = fl[0, i], fl[1, i], fl[2, i], fl[3, i], fl[4, i]
        la_ok, lo_ok, so_ok, co_ok, he_ok = (
            fl_ok[0, i], fl_ok[1, i], fl_ok[2, i], fl_ok[3, i], fl_ok[4, i]
        )  # fmt: skip
        bad = not mmsi_ok[i]
        bad |= la_ok and not np.isfinite(la)
        bad |= lo_ok and not np.isfinite(lo)
        bad |= so_ok and not np.isfinite(so)
        bad |= co_ok and not np.isfinite(co)
        bad |= he_ok and not (np.isfinite(he) and np.floor(he) == he and abs(he) <= 2.0**53)
        if bad:
            code[i] = 3
            continue
        if need_time and not ts_ok[i]:
            code[i] = 2
            continue
        m = mmsi[i]
        if (
            m < 0
            or m > mmsi_max
            or (la_ok and abs(la) > 90.0 and la != lat_na)
            or (lo_ok and abs(lo) > 180.0 and lo != lon_na)
            or (so_ok and (so < 0.0 or so > sog_max))
        ):
            code[i] = 1
            continue
        keep[k] = i
        o_valid[k] = 100_000_000 <= m <= 999_999_999
        o_f64[0, k] = la
        null[0, k] = not la_ok or la == lat_na
        o_f64[1, k] = lo
        null[1, k] = not lo_ok or lo == lon_na
        o_f32[0, k] = so
        null[2, k] = not so_ok or so == sog_na
        o_f32[1, k] = co
        null[3, k] = not co_ok or co < 0.0 or co >= cog_na
        null[4, k] = not he_ok or he < 0.0 or he > 359.0
        o_hdg[k] = 0 if null[4, k] else np.int16(he)
        nav, msg = codes[0, i], codes[1, i]
        null[5, k] = not codes_ok[0, i] or nav < 0 or nav > nav_max
        o_i8[0, k] = 0 if null[5, k] else np.int8(nav)
        null[6, k] = not codes_ok[1, i] or msg < 1 or msg > 27
        o_i8[1, k] = 0 if null[6, k] else np.int8(msg)
        k += 1
    return (
        code,
        keep[:k],
        o_valid[:k],
        o_f64[:, :k],
        o_f32[:, :k],
        o_hdg[:k],
        o_i8[:, :k],
        null[:, :k],
    )


def _masked_array(
    values: npt.NDArray[Any], null: npt.NDArray[np.bool_], dtype: pa.DataType
) -> pa.Array:
    return pa.array(values, type=dtype, mask=null if null.any() else None)


def typed_decodable(table: pa.Table, fields: Mapping[str, int]) -> bool:
    """True when `decode_typed` can take the chunk: MMSI int64, time a timestamp, numbers float64."""
    types = table.schema.types

    def is_(name: str, check: Callable[[pa.DataType], bool]) -> bool:
        return name not in fields or check(types[fields[name]])

    return (
        "mmsi" in fields
        and pa.types.is_int64(types[fields["mmsi"]])
        and is_("ts", pa.types.is_timestamp)
        and all(is_(f, pa.types.is_float64) for f in TYPED_FLOAT_FIELDS)
    )


def _numpy_column(
    arr: pa.Array | None, n: int, dtype: type[np.generic]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """Values (nulls undefined) and validity of a primitive Arrow array; all-null if absent."""
    if arr is None:
        return np.zeros(n, dtype=dtype), np.zeros(n, dtype=bool)
    bitmap, values = arr.buffers()[:2]
    vals = np.frombuffer(values, dtype=dtype)[arr.offset : arr.offset + n]  # type: ignore[arg-type]
    if arr.null_count == 0 or bitmap is None:
        return vals, np.ones(n, dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return vals, bits[arr.offset : arr.offset + n].astype(bool)


def typed_columns(data: pa.Table, fields: Mapping[str, int]) -> TypedColumns:
    """The position columns of a table that `typed_decodable` accepts, as NumPy arrays."""
    n = data.num_rows

    def col(name: str) -> pa.Array | None:
        i = fields.get(name)
        return None if i is None else _chunk(data.column(i))

    mmsi, mmsi_ok = _numpy_column(col("mmsi"), n, np.int64)
    ts_raw = col("ts")
    ts_arr = None if ts_raw is None else _chunk(_utc_naive(ts_raw))
    ts, ts_ok = _numpy_column(ts_arr, n, np.int64)
    floats = np.empty((len(TYPED_FLOAT_FIELDS), n), np.float64)
    floats_ok = np.empty((len(TYPED_FLOAT_FIELDS), n), bool)
    for k, name in enumerate(TYPED_FLOAT_FIELDS):
        floats[k], floats_ok[k] = _numpy_column(col(name), n, np.float64)
    nav_raw = col("nav_status")
    nav = _nulls(n, pa.int64()) if nav_raw is None else parse_code(nav_raw, NAV_STATUS_TEXT)
    msg = _message_types(col("msg_type"), col("transceiver"), n, static=False)
    codes = np.empty((2, n), np.int64)
    codes_ok = np.empty((2, n), bool)
    for k, arr in enumerate((nav, msg)):
        codes[k], codes_ok[k] = _numpy_column(pc.cast(_chunk(arr), pa.int64()), n, np.int64)
    return TypedColumns(mmsi, mmsi_ok, ts, ts_ok, floats, floats_ok, codes, codes_ok)


def decode_typed(
    data: pa.Table | TypedColumns,
    line_no: npt.NDArray[np.int64],
    fields: Mapping[str, int],
    *,
    source_id: int,
    default_time: datetime | None = None,
    raw_text: RawText | None = None,
    delimiter: str = ",",
) -> TypedRowsResult:
    """`decode_rows` for typed columns: a table the CSV reader typed (see `typed_decodable`) or
    columns the CSV scanner produced (`TypedColumns`).

    Same rules and the same output as `decode_rows` on the same values, in one compiled pass
    instead of dozens of Arrow kernel calls; only the accepted rows are built into Arrow.
    Statics are left to the caller (identity tracking runs in file order), which gets what it
    needs in the result. `raw_text` gives rejected rows' text (needed for `TypedColumns`; for a
    table the default joins the fields with `delimiter`).
    """
    cols = data if isinstance(data, TypedColumns) else typed_columns(data, fields)
    n = len(cols.mmsi)
    ts, ts_ok = cols.ts, cols.ts_ok
    if default_time is not None and not ts_ok.all():
        ts = np.where(ts_ok, ts, _to_epoch_us(default_time))
        ts_ok = np.ones(n, dtype=bool)
    code, keep, mmsi_valid, f64, f32, heading, i8, null = _typed_rows(
        cols.mmsi, cols.mmsi_ok, ts, ts_ok, default_time is None,
        cols.floats, cols.floats_ok, cols.codes, cols.codes_ok,
        MMSI_MAX, LAT_NA, LON_NA, SOG_MAX, SOG_NA, COG_NA, NAV_STATUS_MAX,
    )  # fmt: skip
    n_ok = len(keep)
    positions = pa.table(
        {
            "mmsi": pa.array(cols.mmsi[keep], pa.int64()),
            "ts": pa.array(ts[keep], TS_US),
            "lat": _masked_array(f64[0], null[0], pa.float64()),
            "lon": _masked_array(f64[1], null[1], pa.float64()),
            "sog": _masked_array(f32[0], null[2], pa.float32()),
            "cog": _masked_array(f32[1], null[3], pa.float32()),
            "heading": _masked_array(heading, null[4], pa.int16()),
            "nav_status": _masked_array(i8[0], null[5], pa.int8()),
            "msg_type": _masked_array(i8[1], null[6], pa.int8()),
            "mmsi_valid": pa.array(mmsi_valid, pa.bool_()),
            "source_id": pa.array(np.full(n_ok, source_id, np.int32)),
            "row_id": pa.array(line_no[keep], pa.int64()),
        },
        schema=POSITIONS,
    )
    accepted = code == 0
    if n_ok == n:
        rejects = empty_table(REJECTS)
    else:
        bad = np.flatnonzero(code)
        bad_lines = line_no[bad]
        if raw_text is not None:
            raw = raw_text(bad_lines)
        elif isinstance(data, pa.Table):
            raw = _joined_text(data.take(pa.array(bad)), delimiter)
        else:
            raise ValueError("decode_typed needs raw_text for scanned columns")
        rejects = pa.table(
            {
                "source_id": pa.array(np.full(len(bad), source_id, np.int32)),
                "line_no": pa.array(bad_lines, pa.int64()),
                "raw": raw,
                "reason": pc.take(pa.array(REASON_CODES), pa.array(code[bad])),
            },
            schema=REJECTS,
        )
    return TypedRowsResult(
        positions=positions, rejects=rejects, accepted=accepted, mmsi=cols.mmsi, ts=ts, ts_ok=ts_ok
    )


def _to_epoch_us(value: datetime) -> int:
    """Naive-UTC (or aware) datetime as epoch microseconds."""
    naive = _naive_utc(value)
    return int(np.datetime64(naive, "us").astype(np.int64))


def _joined_text(rows: pa.Table, delimiter: str) -> pa.Array:
    """Rows' fields joined by the delimiter (raw text when the source text is not at hand)."""
    texts = [c if pa.types.is_string(c.type) else pc.cast(c, pa.string()) for c in rows.columns]
    return pc.binary_join_element_wise(
        *texts, delimiter, null_handling="replace", null_replacement=""
    )


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _message_types(
    numeric: pa.ChunkedArray | pa.Array | None,
    transceiver: pa.ChunkedArray | pa.Array | None,
    n: int,
    *,
    static: bool,
) -> pa.Array:
    """msg_type from a numeric column, else from the transceiver class (A, B, base station ...)."""
    if numeric is not None:
        vals, _ = parse_int(numeric)
        return _null_where(vals, pc.or_(pc.less(vals, 1), pc.greater(vals, 27)))
    if transceiver is not None:
        words = {k: v[1 if static else 0] for k, v in TRANSCEIVER_TYPES.items()}
        return text_code(transceiver, words)
    return _nulls(n, pa.int64())


# ---------------------------------------------------------------------------------------------
# Identity changes (statics once per change, not once per row)
# ---------------------------------------------------------------------------------------------
# A 64-bit hash of each row's raw identity text: equal text, equal hash (a different identity
# colliding needs a 2**-64 accident). Only rows whose hash changes for their MMSI are parsed.
_HASH_SEED = np.uint64(0xCBF29CE484222325)
_EMPTY_KEY = np.int64(-1)


@njit(cache=True, nogil=True)
def _hash_text(h, offsets, data, valid, start):  # type: ignore[no-untyped-def]
    """Fold one string column into the running per-row hashes h[start:start+len(offsets)-1].

    Eight bytes at a time, multiply-xorshift mixing; the length and a column separator are
    mixed in so that ("AB", "C") and ("A", "BC") differ.
    """
    prime = np.uint64(0x100000001B3)
    mult = np.uint64(0x9E3779B97F4A7C15)
    s8, s29, s32 = np.uint64(8), np.uint64(29), np.uint64(32)
    for i in range(offsets.shape[0] - 1):
        x = h[start + i]
        if valid[i] and offsets[i + 1] > offsets[i]:  # empty hashes as null
            j = offsets[i]
            end = offsets[i + 1]
            while j + 8 <= end:
                w = np.uint64(0)
                for b in range(7, -1, -1):
                    w = (w << s8) | np.uint64(data[j + b])
                x = (x ^ w) * mult
                x ^= x >> s29
                j += 8
            w = np.uint64(end - offsets[i])
            while j < end:
                w = (w << s8) | np.uint64(data[j])
                j += 1
            x = (x ^ w) * mult
            x ^= x >> s32
        h[start + i] = (x ^ np.uint64(0x1F)) * prime


@njit(cache=True, nogil=True)
def _identity_changes(mmsi, h, accepted, keys, vals, count, bits):  # type: ignore[no-untyped-def]
    """Mark accepted rows whose identity hash differs from the last one seen for their MMSI.

    `keys`/`vals` are an open-addressing table (MMSI -> last hash) carried across batches;
    returns the change mask and the new number of MMSIs in the table.
    """
    n = mmsi.shape[0]
    out = np.zeros(n, dtype=np.bool_)
    mask = keys.shape[0] - 1
    shift = np.uint64(64 - bits)
    fib = np.uint64(0x9E3779B97F4A7C15)
    for i in range(n):
        if not accepted[i]:
            continue
        k = mmsi[i]
        slot = np.int64((np.uint64(k) * fib) >> shift)
        while True:
            if keys[slot] == -1:
                keys[slot] = k
                vals[slot] = h[i]
                out[i] = True
                count += 1
                break
            if keys[slot] == k:
                if vals[slot] != h[i]:
                    vals[slot] = h[i]
                    out[i] = True
                break
            slot = (slot + 1) & mask
    return out, count


class IdentityTracker:
    """Last identity hash per MMSI over one file, to emit statics only when identity changes.

    Changes are found in file order, which is time order per vessel in provider exports
    (MarineCadastre, DMA); `collapse_statics` then orders and de-duplicates the parsed rows.
    """

    def __init__(self, capacity_bits: int = 12) -> None:
        self.bits = capacity_bits
        self.keys = np.full(1 << capacity_bits, _EMPTY_KEY, dtype=np.int64)
        self.vals = np.zeros(1 << capacity_bits, dtype=np.uint64)
        self.count = 0

    def _reserve(self, extra: int) -> None:
        if 2 * (self.count + extra) <= self.keys.shape[0]:
            return
        bits = self.bits
        while 2 * (self.count + extra) > (1 << bits):
            bits += 1
        old_keys, old_vals = self.keys, self.vals
        live = old_keys != _EMPTY_KEY
        self.bits = bits
        self.keys = np.full(1 << bits, _EMPTY_KEY, dtype=np.int64)
        self.vals = np.zeros(1 << bits, dtype=np.uint64)
        _, self.count = _identity_changes(
            old_keys[live],
            old_vals[live],
            np.ones(int(live.sum()), np.bool_),
            self.keys,
            self.vals,
            0,
            self.bits,
        )

    def changes(
        self,
        mmsi: npt.NDArray[np.int64],
        hashes: npt.NDArray[np.uint64],
        accepted: npt.NDArray[np.bool_],
    ) -> npt.NDArray[np.bool_]:
        """Mask of the accepted rows where the MMSI's identity hash changes (first sight too)."""
        self._reserve(len(mmsi))
        out, self.count = _identity_changes(
            mmsi, hashes, accepted, self.keys, self.vals, self.count, self.bits
        )
        return np.asarray(out)


def identity_hashes(columns: list[pa.ChunkedArray | pa.Array], n: int) -> npt.NDArray[np.uint64]:
    """Per-row 64-bit hash of the raw text of several columns (null and empty hash alike)."""
    h = np.full(n, _HASH_SEED, dtype=np.uint64)
    for column in columns:
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        start = 0
        for chunk in chunks:
            if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
                chunk = pc.cast(chunk, pa.string())
            m = len(chunk)
            if m:
                _, off_buf, data_buf = chunk.buffers()
                off_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
                offsets = np.frombuffer(off_buf, dtype=off_type)[
                    chunk.offset : chunk.offset + m + 1
                ]
                data = (
                    np.frombuffer(data_buf, dtype=np.uint8)
                    if data_buf is not None
                    else np.zeros(0, np.uint8)
                )
                valid = (
                    np.ones(m, np.bool_) if chunk.null_count == 0 else _np_mask(pc.is_valid(chunk))
                )
                _hash_text(h, offsets, data, valid, start)
            start += m
    return h


def identity_columns(fields: Mapping[str, int]) -> list[int]:
    """Indices of the columns that make up a row's identity (for `identity_hashes`)."""
    return [fields[f] for f in (*IDENTITY_FIELDS, "cargo_type", "transceiver") if f in fields]


def _statics_candidates(
    data: pa.Table,
    fields: Mapping[str, int],
    accepted: npt.NDArray[np.bool_],
    cols: Mapping[str, pa.Array | pa.ChunkedArray],
    tracker: IdentityTracker | None,
    hashes: npt.NDArray[np.uint64] | None,
    *,
    null_tokens: tuple[str, ...],
    source_id: int,
) -> pa.Table:
    """Parsed identity rows where an MMSI's raw identity text changes (in file order)."""
    id_cols = identity_columns(fields)
    n = data.num_rows
    if not any(f in fields for f in IDENTITY_FIELDS) or n == 0 or not accepted.any():
        return empty_table(STATICS)
    tracker = tracker if tracker is not None else IdentityTracker()
    if hashes is None:
        hashes = identity_hashes([data.column(i) for i in id_cols], n)
    mmsi_np = np.ascontiguousarray(pc.fill_null(cols["mmsi"], -1).to_numpy(), dtype=np.int64)
    changed = tracker.changes(mmsi_np, hashes, accepted)
    cand = np.flatnonzero(changed)
    if len(cand) == 0:
        return empty_table(STATICS)
    take = pa.array(cand)
    return identity_rows(
        data.take(take),
        fields,
        {
            name: _chunk(pc.take(cols[name], take))
            for name in ("mmsi", "ts", "mmsi_valid", "row_id")
        },
        null_tokens=null_tokens,
        source_id=source_id,
    )


def identity_rows(
    rows: pa.Table,
    fields: Mapping[str, int],
    keys: Mapping[str, pa.Array],
    *,
    null_tokens: tuple[str, ...],
    source_id: int,
) -> pa.Table:
    """Statics rows parsed from the identity fields of `rows` (the rows where identity changed);
    `keys` holds their mmsi, ts, mmsi_valid and row_id."""
    k = rows.num_rows

    def field_raw(name: str) -> pa.Array | None:
        return _chunk(rows.column(fields[name])) if name in fields else None

    imo_raw = field_raw("imo")
    if imo_raw is None:
        imo = _nulls(k, pa.int64())
    else:
        imo_txt = clean_text(imo_raw, null_tokens)
        imo_txt = pc.replace_substring_regex(imo_txt, r"^(?i:imo)\s*", "")
        imo, _ = parse_int(imo_txt)
        imo = _null_where(imo, pc.or_(pc.less_equal(imo, 0), pc.greater(imo, IMO_MAX)))

    def text(name: str) -> pa.Array:
        r = field_raw(name)
        return _nulls(k, pa.string()) if r is None else clean_text(r, null_tokens)

    def positive(name: str) -> pa.Array:
        r = field_raw(name)
        if r is None:
            return _nulls(k, pa.float32())
        vals, _ = parse_float(clean_text(r, null_tokens) if pa.types.is_string(r.type) else r)
        return pc.cast(_null_where(vals, pc.less_equal(vals, 0.0)), pa.float32())

    st_raw = field_raw("ship_type")
    if st_raw is None:
        ship_type = _nulls(k, pa.int64())
    else:
        ship_type = parse_code(clean_text(st_raw, ("undefined", "unknown")), SHIP_TYPE_TEXT)
        cargo_raw = field_raw("cargo_type")
        if cargo_raw is not None:
            digit = pc.fill_null(text_code(cargo_raw, CARGO_CATEGORY_DIGIT), 0)
            refinable = pc.is_in(ship_type, value_set=pa.array(CATEGORY_BASES, pa.int64()))
            ship_type = pc.if_else(
                pc.fill_null(refinable, False), pc.add(ship_type, digit), ship_type
            )
        ship_type = _null_where(
            ship_type, pc.or_(pc.less_equal(ship_type, 0), pc.greater(ship_type, SHIP_TYPE_MAX))
        )
    msg_type = _message_types(field_raw("msg_type"), field_raw("transceiver"), k, static=True)
    return pa.table(
        {
            "mmsi": keys["mmsi"],
            "ts": keys["ts"],
            "imo": imo,
            "callsign": text("callsign"),
            "name": text("name"),
            "ship_type": pc.cast(ship_type, pa.int16()),
            "length_m": positive("length_m"),
            "beam_m": positive("beam_m"),
            "draught_m": positive("draught_m"),
            "destination": text("destination"),
            "msg_type": pc.cast(msg_type, pa.int8()),
            "mmsi_valid": keys["mmsi_valid"],
            "source_id": pa.array(np.full(k, source_id, np.int32)),
            "row_id": keys["row_id"],
        },
        schema=STATICS,
    )


STATIC_IDENTITY = (
    "imo",
    "callsign",
    "name",
    "ship_type",
    "length_m",
    "beam_m",
    "draught_m",
    "destination",
)


def collapse_statics(candidates: pa.Table) -> pa.Table:
    """One row per MMSI per identity change, in time order; rows with no identity dropped."""
    if candidates.num_rows == 0:
        return empty_table(STATICS)
    some = pc.is_valid(candidates.column(STATIC_IDENTITY[0]))
    for name in STATIC_IDENTITY[1:]:
        some = pc.or_(some, pc.is_valid(candidates.column(name)))
    t = candidates.filter(some)
    if t.num_rows == 0:
        return empty_table(STATICS)
    t = t.sort_by([("mmsi", "ascending"), ("ts", "ascending"), ("row_id", "ascending")])
    t = t.combine_chunks()
    n = t.num_rows
    same = np.zeros(n, dtype=bool)
    if n > 1:
        same[1:] = _np_mask(_eq_shift(t.column("mmsi")))
        for name in STATIC_IDENTITY:
            same[1:] &= _np_mask(_eq_shift(t.column(name)))
    return t.filter(pa.array(~same))


def _eq_shift(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Null-safe equality of each value with the previous one (length n-1)."""
    a = _chunk(col)
    cur, prev = a.slice(1), a.slice(0, len(a) - 1)
    both_null = pc.and_(pc.is_null(cur), pc.is_null(prev))
    return pc.or_(pc.fill_null(pc.equal(cur, prev), False), both_null)


# ---------------------------------------------------------------------------------------------
# CSV reading
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvPlan:
    """How to read one CSV: delimiter, header, layout and bound column indices."""

    delimiter: str
    header: list[str]
    layout: CsvLayout
    fields: dict[str, int]


def sniff_header(head: bytes, path: str) -> tuple[str, list[str]]:
    """Delimiter and header names from the first line of a CSV."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        raise InputError(path, "CSV has no header line (first line is empty)", 1)
    delim = max((",", ";", "\t", "|"), key=first.count)
    header = next(csv.reader([first], delimiter=delim))
    return delim, [h.strip() for h in header]


def plan_csv(
    head: bytes,
    path: str,
    column_map: Mapping[str, str] | None = None,
    default_time: datetime | None = None,
) -> CsvPlan:
    """Choose the layout for a CSV from its header (or the user's column map)."""
    delim, header = sniff_header(head, path)
    if column_map:
        layout = layout_from_map(column_map, default_time)
    else:
        found = match_layout(header)
        if found is None:
            shown = ",".join(header[:8]) + ("..." if len(header) > 8 else "")
            raise InputError(
                path,
                "CSV header matches no known layout (MarineCadastre, Danish Maritime "
                f"Authority): '{shown}'; pass --columns 'mmsi=...,ts=...,lat=...,lon=...'",
                1,
            )
        layout = found
    fields = bind_layout(layout, header, path)
    return CsvPlan(delimiter=delim, header=header, layout=layout, fields=fields)


class _BadRows:
    """Collects rows pyarrow could not split into the header's number of fields."""

    def __init__(self) -> None:
        self.numbers: list[int] = []
        self.texts: list[str] = []

    def __call__(self, row: Any) -> str:
        self.numbers.append(row.number if row.number is not None else -1)
        self.texts.append(row.text)
        return "skip"


@dataclass
class CsvChunk:
    """A run of whole lines of a CSV, parsed, with what is needed to account for every line.

    `decoded` is set when a worker decoded the run already: scanned by the compiled scanner
    (`table` is None, `offsets` gives each line's byte span) or parsed typed by pyarrow.
    Otherwise `table` holds text columns for `decode_rows`.
    """

    table: pa.Table | None  # parsed rows (None when the scanner read the run)
    lines: npt.NDArray[np.int64]  # line number of each parsed row
    hashes: npt.NDArray[np.uint64] | None  # identity hash of each parsed row
    data: bytes | memoryview  # the chunk's bytes, for the exact text of rejected rows
    first_line: int
    broken_lines: list[int]  # rows with the wrong number of fields
    broken_texts: list[str]
    decoded: TypedRowsResult | None = None
    offsets: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None  # line spans

    @property
    def rows(self) -> int:
        return len(self.lines)

    def line_text(self, rows: npt.NDArray[np.intp]) -> list[bytes]:
        """Bytes of some rows' lines (without the line break); needs `offsets`."""
        assert self.offsets is not None
        starts, ends = self.offsets
        return [bytes(self.data[s:e]) for s, e in zip(starts[rows], ends[rows], strict=True)]


_END = object()


def read_ahead(
    produce: Iterator[Any], depth: int = READ_AHEAD_CHUNKS
) -> Generator[Any, None, None]:
    """Run an iterator in a worker thread, `depth` items ahead (parsing overlaps transforming).

    Exceptions in the worker are re-raised here; closing this generator stops the worker.
    """
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> None:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            for item in produce:
                if stop.is_set():
                    return
                put(item)
            put(_END)
        except BaseException as exc:  # handed to the consumer
            put(exc)

    worker = threading.Thread(target=work, name="darkcargo-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=30)


_LINE_SEARCH = 1 << 16  # bytes searched at a time, backwards, for a run's last newline


def _last_newline(buf: npt.NDArray[np.uint8], end: int) -> int:
    """Index of the last b"\\n" in buf[:end], or -1."""
    hi = end
    while hi > 0:
        lo = max(0, hi - _LINE_SEARCH)
        found = np.flatnonzero(buf[lo:hi] == 10)
        if len(found):
            return lo + int(found[-1])
        hi = lo
    return -1


def count_newlines(data: bytes | bytearray | memoryview) -> int:
    """Number of b"\\n" bytes (NumPy: several times faster than bytes.count, GIL released)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 10))


def _line_chunks(stream: BinaryIO, chunk_bytes: int) -> Iterator[tuple[memoryview, int, int]]:
    """Successive runs of whole lines (the last may lack its newline), each with its first line
    number and its number of newlines; the header line is consumed first (it is line 1).

    Each run is read into a buffer of its own (the parsers hold it while others are read) and
    handed out as a view, so no run is copied after it is read.
    """
    stream.readline()
    line = 2
    carry = b""
    while True:
        buf = np.empty(len(carry) + chunk_bytes, dtype=np.uint8)  # not zero-filled
        view = buf.data
        view[: len(carry)] = carry
        got = _read_into(stream, view[len(carry) :])
        end = len(carry) + got
        if got == 0:
            if carry:
                yield view[:end], line, count_newlines(view[:end])
            return
        cut = _last_newline(buf, end)
        if cut < 0:
            carry = bytes(view[:end])
            continue
        carry = bytes(view[cut + 1 : end])
        data = view[: cut + 1]
        newlines = count_newlines(data)
        yield data, line, newlines
        line += newlines


def _read_into(stream: BinaryIO, view: memoryview) -> int:
    """Fill `view` from the stream as far as it goes (short only at the end of the stream)."""
    filled = 0
    while filled < len(view):
        n = stream.readinto(view[filled:])  # type: ignore[attr-defined]
        if not n:
            break
        filled += n
    return filled


def used_columns(plan: CsvPlan) -> tuple[list[str], dict[str, int]]:
    """Names of the CSV columns the layout uses (in file order) and each field's index among them.

    Columns no field uses are never converted; parsed tables hold only the used ones.
    """
    used = sorted(set(plan.fields.values()))
    position = {col: k for k, col in enumerate(used)}
    return [f"c{i}" for i in used], {f: position[i] for f, i in plan.fields.items()}


def _typed_columns(plan: CsvPlan, names: list[str]) -> dict[str, pa.DataType]:
    """Column types to try at parse time: numbers and times typed, everything else text."""
    types: dict[str, pa.DataType] = {c: pa.string() for c in names}
    numeric = {"lat", "lon", "sog", "cog", "heading"}
    for fld, i in plan.fields.items():
        if fld == "mmsi":
            types[names[i]] = pa.int64()
        elif fld in numeric:
            types[names[i]] = pa.float64()
        elif fld == "ts" and (plan.layout.ts_format is None or "%z" not in plan.layout.ts_format):
            types[names[i]] = TS_US
    return types


_SCAN_FLOATS = {name: k for k, name in enumerate(TYPED_FLOAT_FIELDS)}
_NAV_WORDS, _TRANSCEIVER_WORDS = 0, 1


@dataclass(frozen=True)
class ScanPlan:
    """How the compiled scanner (`_csv_kernel.scan_lines`) reads a layout: a kind and an output
    slot per CSV column, the word range of each code column, and the identity columns in hash
    order."""

    classes: npt.NDArray[np.uint8]
    kinds: npt.NDArray[np.int8]
    slots: npt.NDArray[np.int64]
    code_mode: npt.NDArray[np.int8]
    code_first: npt.NDArray[np.int64]
    code_last: npt.NDArray[np.int64]
    hash_cols: npt.NDArray[np.int64]
    keys: npt.NDArray[np.uint8]
    key_len: npt.NDArray[np.int64]
    key_code: npt.NDArray[np.int64]


def _word_tables(
    tables: list[Mapping[str, int | None]],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], npt.NDArray[np.int64], list[int]]:
    """Lower-case words of several tables packed one after the other for the scanner (words
    without a code left out): keys, lengths, codes and where each table starts (plus the end)."""
    words: list[tuple[bytes, int]] = []
    bounds = [0]
    for table in tables:
        words += [(k.lower().encode(), v) for k, v in table.items() if v is not None]
        bounds.append(len(words))
    keys = np.zeros((len(words), max(len(w) for w, _ in words)), dtype=np.uint8)
    for i, (word, _) in enumerate(words):
        keys[i, : len(word)] = np.frombuffer(word, dtype=np.uint8)
    lengths = np.array([len(w) for w, _ in words], dtype=np.int64)
    return keys, lengths, np.array([v for _, v in words], dtype=np.int64), bounds


def scan_plan(plan: CsvPlan) -> ScanPlan | None:
    """The scanner's reading of a CSV plan, or None when the layout needs pyarrow throughout
    (a time format other than ISO 8601 or the DMA one, a delimiter that is not one ASCII
    character, a column that feeds two position fields)."""
    fmt = plan.layout.ts_format
    delim = plan.delimiter.encode()
    if (
        fmt not in (None, DMA_TS_FORMAT)
        or len(delim) != 1
        or delim[0] in b'"\r\n'
        or delim[0] > 127
    ):
        return None
    ncols = len(plan.header)
    kinds = np.zeros(ncols, dtype=np.int8)
    slots = np.zeros(ncols, dtype=np.int64)
    code_mode = np.zeros(ncols, dtype=np.int8)
    code_first = np.zeros(ncols, dtype=np.int64)
    code_last = np.zeros(ncols, dtype=np.int64)
    positions = {name: v[0] for name, v in TRANSCEIVER_TYPES.items()}
    keys, key_len, key_code, bounds = _word_tables([NAV_STATUS_TEXT, positions])

    def put(field_name: str, kind: int, slot: int, mode: int = 0, table: int = 0) -> bool:
        col = plan.fields.get(field_name)
        if col is None:
            return True
        if kinds[col] != K.K_SKIP:
            return False
        kinds[col], slots[col], code_mode[col] = kind, slot, mode
        code_first[col], code_last[col] = bounds[table], bounds[table + 1]
        return True

    ts_kind = K.K_TS_ISO if fmt is None else K.K_TS_DMY
    ok = put("mmsi", K.K_INT, 0) and put("ts", ts_kind, 0)
    for name, slot in _SCAN_FLOATS.items():
        ok = ok and put(name, K.K_FLOAT, slot)
    ok = ok and put("nav_status", K.K_CODE, 0, K.C_NUMBER_OR_WORD, _NAV_WORDS)
    if "msg_type" in plan.fields:
        ok = ok and put("msg_type", K.K_CODE, 1, K.C_NUMBER)
    else:
        ok = ok and put("transceiver", K.K_CODE, 1, K.C_WORD, _TRANSCEIVER_WORDS)
    if not ok:
        return None
    hash_fields = [f for f in (*IDENTITY_FIELDS, "cargo_type", "transceiver") if f in plan.fields]
    return ScanPlan(
        classes=K.byte_classes(delim[0]),
        kinds=kinds,
        slots=slots,
        code_mode=code_mode,
        code_first=code_first,
        code_last=code_last,
        hash_cols=np.array([plan.fields[f] for f in hash_fields], dtype=np.int64),
        keys=keys,
        key_len=key_len,
        key_code=key_code,
    )


def scan_chunk(
    scan: ScanPlan, data: bytes | memoryview, rows: int
) -> tuple[TypedColumns, npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Run the scanner over `rows` lines: typed columns, identity hashes, line starts and ends.
    Raises _ScanFallbackError when the run needs pyarrow."""
    buf = np.frombuffer(data, dtype=np.uint8)
    nf = len(TYPED_FLOAT_FIELDS)
    ints, floats = np.empty((1, rows), np.int64), np.empty((nf, rows), np.float64)
    times, codes = np.empty((1, rows), np.int64), np.empty((2, rows), np.int64)
    ints_ok, floats_ok = np.zeros((1, rows), bool), np.zeros((nf, rows), bool)
    times_ok, codes_ok = np.zeros((1, rows), bool), np.zeros((2, rows), bool)
    hashes = np.empty(rows, np.uint64)
    starts, ends = np.empty(rows, np.int64), np.empty(rows, np.int64)
    got, status = K.scan_lines(
        buf, scan.classes, scan.kinds, scan.slots, scan.code_mode, scan.code_first,
        scan.code_last, scan.hash_cols, scan.keys, scan.key_len, scan.key_code,
        ints, ints_ok, floats, floats_ok, times, times_ok, codes, codes_ok,
        hashes, starts, ends, _HASH_SEED, *np.empty((2, len(scan.kinds)), np.int64),
    )  # fmt: skip
    if status != K.OK or got != rows:
        raise _ScanFallbackError
    cols = TypedColumns(
        ints[0], ints_ok[0], times[0], times_ok[0], floats, floats_ok, codes, codes_ok
    )
    return cols, hashes, starts, ends


class _ScanFallbackError(Exception):
    """The scanner met something it leaves to pyarrow."""


class CsvChunkParser:
    """Reads runs of whole CSV lines: the compiled scanner first, then pyarrow typed, then
    pyarrow text.

    The scanner (`scan_plan`) reads plain provider CSVs straight into typed columns and identity
    hashes. A run it declines is parsed by pyarrow, typed when the run converts cleanly, else
    with every column as text so that the transform can reject just the bad rows; after a few
    such runs the typed attempt is skipped for the rest of the file. With `decode` the worker
    also decodes typed runs (`decode_typed`). Safe to call from several threads at once: chunks
    of one file are parsed in parallel workers (the scanner, pyarrow and NumPy release the GIL).
    """

    def __init__(
        self,
        plan: CsvPlan,
        path: str,
        *,
        decode: bool = False,
        source_id: int = 0,
        default_time: datetime | None = None,
    ) -> None:
        self.plan = plan
        self.path = path
        self.names = [f"c{i}" for i in range(len(plan.header))]
        self.include, self.fields = used_columns(plan)
        self.text_types = {c: pa.string() for c in self.include}
        self.typed = _typed_columns(plan, self.names)
        self.parsers = [plan.layout.ts_format] if plan.layout.ts_format else None
        self.id_cols = identity_columns(self.fields)
        self.failures = 0
        self.decode = decode
        self.source_id = source_id
        self.default_time = default_time
        self.scan = scan_plan(plan) if decode else None
        self.scanned = self.fallbacks = 0

    def _read(
        self, data: bytes | memoryview, types: dict[str, pa.DataType], bad: _BadRows
    ) -> pa.Table:
        # Empty lines are kept (as rows of nulls, rejected later) so that line numbers stay
        # exact; whitespace-only lines come to the invalid-row handler.
        convert = pcsv.ConvertOptions(
            column_types=types,
            include_columns=self.include,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
            timestamp_parsers=self.parsers if types is self.typed else None,
        )
        return pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(
                # one block per chunk: one Arrow chunk per column, fewer kernel calls later
                use_threads=False,
                column_names=self.names,
                block_size=len(data) + 1,
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=self.plan.delimiter,
                invalid_row_handler=bad,
                ignore_empty_lines=False,
            ),
            convert_options=convert,
        )

    def text_rows(self, lines: list[bytes]) -> pa.Table:
        """Some whole lines parsed with every used column as text (the identity fields of the
        rows whose identity changed, for scanned runs)."""
        return self._read(b"\n".join(lines) + b"\n", self.text_types, _BadRows())

    def _scanned(self, data: bytes | memoryview, line: int, newlines: int) -> CsvChunk | None:
        assert self.scan is not None
        rows = newlines + (0 if len(data) == 0 or data[-1] == 10 else 1)
        try:
            cols, hashes, starts, ends = scan_chunk(self.scan, data, rows)
        except _ScanFallbackError:
            self.fallbacks += 1
            return None
        self.scanned += 1
        lines = np.arange(line, line + rows, dtype=np.int64)
        chunk = CsvChunk(
            table=None,
            lines=lines,
            hashes=hashes if self.id_cols else None,
            data=data,
            first_line=line,
            broken_lines=[],
            broken_texts=[],
            offsets=(starts, ends),
        )

        def raw_text(wanted: npt.NDArray[np.int64]) -> pa.Array:
            texts = chunk.line_text(wanted - line)
            return pa.array([t.decode("utf-8", errors="replace") for t in texts], pa.string())

        chunk.decoded = decode_typed(
            cols,
            lines,
            self.fields,
            source_id=self.source_id,
            default_time=self.default_time,
            raw_text=raw_text,
        )
        return chunk

    def __call__(
        self, data: bytes | memoryview, line: int, newlines: int | None = None
    ) -> CsvChunk:
        if self.scan is not None:
            if newlines is None:
                newlines = count_newlines(data)
            scanned = self._scanned(data, line, newlines)
            if scanned is not None:
                return scanned
        table = None
        bad = _BadRows()
        typed = False
        if self.failures < TYPED_FAILURES_BEFORE_TEXT:
            try:
                table = self._read(data, self.typed, bad)
                typed = True
            except pa.ArrowInvalid:
                self.failures += 1
        if table is None:
            bad = _BadRows()
            try:
                table = self._read(data, self.text_types, bad)
            except pa.ArrowInvalid as exc:
                if "utf8" not in str(exc).lower():
                    raise InputError(self.path, f"cannot read CSV ({exc})", line) from exc
                # Bytes that are not UTF-8 (a Latin-1 vessel name, say) become U+FFFD, so one
                # odd byte costs a character, not the file; newlines are untouched.
                log.warning("%s: lines %d+: bytes that are not UTF-8 replaced", self.path, line)
                data = bytes(data).decode("utf-8", errors="replace").encode("utf-8")
                bad = _BadRows()
                table = self._read(data, self.text_types, bad)
        broken = [line + b - 1 for b in bad.numbers if b > 0]
        span = np.arange(line, line + table.num_rows + len(bad.numbers), dtype=np.int64)
        if broken:
            span = span[~np.isin(span, np.asarray(broken, np.int64))]
        if len(span) != table.num_rows:  # multi-line quoted records: number consecutively
            span = np.arange(line, line + table.num_rows, dtype=np.int64)
        hashes = (
            identity_hashes([table.column(i) for i in self.id_cols], table.num_rows)
            if self.id_cols
            else None
        )
        chunk = CsvChunk(
            table=table,
            lines=span,
            hashes=hashes,
            data=data,
            first_line=line,
            broken_lines=broken,
            broken_texts=list(bad.texts),
        )
        if self.decode and typed and table.num_rows and typed_decodable(table, self.fields):
            chunk.decoded = decode_typed(
                table,
                span,
                self.fields,
                source_id=self.source_id,
                default_time=self.default_time,
                raw_text=_ChunkText([chunk]),
            )
        return chunk


def parse_csv_chunks(
    stream: BinaryIO,
    plan: CsvPlan,
    path: str,
    *,
    chunk_bytes: int | None = None,
    workers: int | None = None,
    parser: CsvChunkParser | None = None,
) -> Generator[CsvChunk, None, None]:
    """Parsed chunks of a CSV (positioned at its header), in file order.

    One thread reads (and decompresses) runs of whole lines and hands each to a pool of
    `workers` parsing threads as soon as it is read, so parsing goes on while the caller is
    busy (writing to DuckDB, say); the caller gets the chunks in order, at most a few ahead
    (bounded memory).
    """
    workers = PARSE_WORKERS if workers is None else workers
    parse = parser if parser is not None else CsvChunkParser(plan, path)
    lines = _line_chunks(stream, chunk_bytes or CSV_CHUNK_BYTES)
    if workers <= 1:
        runs = read_ahead(lines)
        try:
            for data, line, newlines in runs:
                yield parse(data, line, newlines)
        finally:
            runs.close()
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="darkcargo-csv")

    def submitted() -> Iterator[Future[CsvChunk]]:
        for data, line, newlines in lines:
            yield pool.submit(parse, data, line, newlines)

    futures = read_ahead(submitted(), depth=workers + READ_AHEAD_CHUNKS)
    try:
        for fut in futures:
            yield fut.result()
    finally:
        futures.close()
        pool.shutdown(wait=True, cancel_futures=True)


class _ChunkText:
    """Original text of given line numbers, looked up in the chunks they came from."""

    def __init__(self, chunks: list[CsvChunk]) -> None:
        self.chunks = chunks
        self.starts = np.array([c.first_line for c in chunks], dtype=np.int64)
        self._newlines: dict[int, npt.NDArray[np.intp]] = {}

    def __call__(self, lines: npt.NDArray[np.int64]) -> pa.Array:
        out: list[str] = []
        which = np.searchsorted(self.starts, lines, side="right") - 1
        for ci, ln in zip(which.tolist(), lines.tolist(), strict=True):
            data = self.chunks[ci].data
            newlines = self._newlines.get(ci)
            if newlines is None:
                newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
                self._newlines[ci] = newlines
            k = ln - self.chunks[ci].first_line
            if 0 <= k <= len(newlines):
                start = 0 if k == 0 else int(newlines[k - 1]) + 1
                end = int(newlines[k]) if k < len(newlines) else len(data)
                text = bytes(data[start:end])
            else:
                text = b""
            out.append(text.rstrip(b"\r").decode("utf-8", errors="replace"))
        return pa.array(out, pa.string())


def iter_csv_batches(
    stream: BinaryIO,
    plan: CsvPlan,
    *,
    path: str,
    source_id: int,
    default_time: datetime | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Generator[DecodedBatch, None, None]:
    """Stream a CSV as decoded batches; a last batch carries the file's statics.

    `stream` is positioned at the start of the file (header included). Line numbers assume one
    record per line (the header is line 1); rows whose field count does not match the header
    are rejected as `unparseable` with their text. Worker threads read and (for runs that come
    out typed) decode ahead of this generator, which tracks identities in file order and
    decodes the runs that needed text parsing.
    """
    positions: list[pa.Table] = []
    rejects: list[pa.Table] = []
    pending_rows = lines_read = lines_accepted = 0
    candidates: list[pa.Table] = []
    tracker = IdentityTracker()
    _, table_fields = used_columns(plan)
    parser = CsvChunkParser(plan, path, decode=True, source_id=source_id, default_time=default_time)
    has_identity = any(f in table_fields for f in IDENTITY_FIELDS)

    def identity_changes(chunk: CsvChunk, dec: TypedRowsResult) -> pa.Table:
        """Statics rows of a decoded chunk where an MMSI's identity text changes."""
        if not has_identity or chunk.hashes is None or not dec.accepted.any():
            return empty_table(STATICS)
        changed = np.flatnonzero(tracker.changes(dec.mmsi, chunk.hashes, dec.accepted))
        if len(changed) == 0:
            return empty_table(STATICS)
        if chunk.table is not None:
            rows = chunk.table.take(pa.array(changed))
        else:
            rows = parser.text_rows(chunk.line_text(changed))
        return identity_rows(
            rows,
            table_fields,
            dec.identity_keys(changed, chunk.lines),
            null_tokens=plan.layout.null_tokens,
            source_id=source_id,
        )

    def take(chunk: CsvChunk) -> None:
        nonlocal pending_rows, lines_read, lines_accepted
        if chunk.broken_lines:
            broken = _broken_rows(chunk.broken_lines, chunk.broken_texts, source_id)
            rejects.append(broken.rejects)
            lines_read += broken.lines_read
        if not chunk.rows:
            return
        if chunk.decoded is not None:
            pos, rej = chunk.decoded.positions, chunk.decoded.rejects
            cand = identity_changes(chunk, chunk.decoded)
        else:
            assert chunk.table is not None
            res = decode_rows(
                chunk.table,
                chunk.lines,
                table_fields,
                source_id=source_id,
                ts_format=plan.layout.ts_format,
                null_tokens=plan.layout.null_tokens,
                default_time=default_time,
                tracker=tracker,
                hashes=chunk.hashes,
                raw_text=_ChunkText([chunk]),
                delimiter=plan.delimiter,
            )
            pos, rej, cand = res.positions, res.rejects, res.statics_candidates
        if cand.num_rows:
            candidates.append(cand)
        positions.append(pos)
        if rej.num_rows:
            rejects.append(rej)
        lines_read += chunk.rows
        lines_accepted += pos.num_rows
        pending_rows += chunk.rows

    def flush() -> DecodedBatch:
        nonlocal pending_rows, lines_read, lines_accepted
        batch = DecodedBatch(
            positions=pa.concat_tables(positions) if positions else empty_table(POSITIONS),
            statics=empty_table(STATICS),
            rejects=pa.concat_tables(rejects) if rejects else empty_table(REJECTS),
            lines_read=lines_read,
            lines_accepted=lines_accepted,
        )
        positions.clear()
        rejects.clear()
        pending_rows = lines_read = lines_accepted = 0
        return batch

    chunk_iter = parse_csv_chunks(stream, plan, path, parser=parser)
    # The first batch goes out after the first run, so that writing starts while the rest is
    # read; later ones are full batches (fewer, larger appends).
    threshold = min(batch_rows, FIRST_BATCH_ROWS)
    try:
        for chunk in chunk_iter:
            take(chunk)
            if pending_rows >= threshold:
                yield flush()
                threshold = batch_rows
    finally:
        chunk_iter.close()
    if parser.fallbacks:
        log.info(
            "%s: %d of %d runs of lines read by pyarrow (quotes, odd values or field counts)",
            path,
            parser.fallbacks,
            parser.fallbacks + parser.scanned,
        )
    if lines_read:
        yield flush()
    statics = collapse_statics(pa.concat_tables(candidates)) if candidates else empty_table(STATICS)
    if statics.num_rows:
        yield DecodedBatch(
            positions=empty_table(POSITIONS),
            statics=statics,
            rejects=empty_table(REJECTS),
            lines_read=0,
            lines_accepted=0,
        )


def _broken_rows(numbers: list[int], texts: list[str], source_id: int) -> DecodedBatch:
    """Rows pyarrow could not split into fields, as `unparseable` rejects."""
    rejects = pa.table(
        {
            "source_id": pa.array(np.full(len(numbers), source_id, np.int32)),
            "line_no": pa.array(numbers, pa.int64()),
            "raw": pa.array(texts, pa.string()),
            "reason": pa.array(["unparseable"] * len(numbers), pa.string()),
        },
        schema=REJECTS,
    )
    return DecodedBatch(
        positions=empty_table(POSITIONS),
        statics=empty_table(STATICS),
        rejects=rejects,
        lines_read=len(numbers),
        lines_accepted=0,
    )


# ---------------------------------------------------------------------------------------------
# Parquet reading
# ---------------------------------------------------------------------------------------------
def iter_parquet_batches(
    source: BinaryIO,
    *,
    path: str,
    source_id: int,
    default_time: datetime | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Generator[DecodedBatch, None, None]:
    """Stream a Parquet file whose columns carry the canonical names (positions, optionally
    identity fields); `row_id` is the 1-based row number in the file."""
    if not source.seekable():
        source = io.BytesIO(source.read())
    try:
        pf = pq.ParquetFile(source)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file ({exc})") from exc
    names = pf.schema_arrow.names
    lowered = {n.lower(): i for i, n in enumerate(names)}
    fields = {f: lowered[f] for f in ALL_FIELDS if f in lowered}
    need = list(REQUIRED_FIELDS) + ([] if default_time is not None else ["ts"])
    missing = [f for f in need if f not in fields]
    if missing:
        raise InputError(
            path,
            f"Parquet file lacks canonical column(s) {', '.join(missing)} "
            f"(has {', '.join(names[:12])})",
        )
    row = 1
    candidates: list[pa.Table] = []
    tracker = IdentityTracker()
    try:
        for batch in pf.iter_batches(batch_size=batch_rows):
            table = pa.Table.from_batches([batch])
            lines = np.arange(row, row + table.num_rows, dtype=np.int64)
            row += table.num_rows
            res = decode_rows(
                table,
                lines,
                fields,
                source_id=source_id,
                default_time=default_time,
                tracker=tracker,
            )
            if res.statics_candidates.num_rows:
                candidates.append(res.statics_candidates)
            yield DecodedBatch(
                positions=res.positions,
                statics=empty_table(STATICS),
                rejects=res.rejects,
                lines_read=res.rows,
                lines_accepted=res.positions.num_rows,
            )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(path, f"cannot read Parquet near row {row} ({exc})") from exc
    statics = collapse_statics(pa.concat_tables(candidates)) if candidates else empty_table(STATICS)
    if statics.num_rows:
        yield DecodedBatch(
            positions=empty_table(POSITIONS),
            statics=statics,
            rejects=empty_table(REJECTS),
            lines_read=0,
            lines_accepted=0,
        )
