"""Vectorised AIS encoder: bit packing, 6-bit armour, NMEA 0183 sentences with NMEA 4.0 tag blocks.

Every function works on whole columns (NumPy arrays, one row per message); there is no loop over
messages. Layouts follow ITU-R M.1371-5 as decoded by pyais and gpsd:

- types 1/2/3 (class A position) and 18 (class B position): 168 bits, one sentence;
- type 5 (class A static and voyage): 424 bits, two sentences (60 + 11 characters, 2 fill bits);
- type 24 part A (name) and part B (type, call sign, dimensions): 168 bits each.

Lines look like ``\\s:RUVVO1,c:1690848000*hh\\!AIVDM,1,1,,A,<payload>,0*hh``; the station id is
always six characters so every line of a message type has the same width, which lets a whole
block of lines be built as one ``(n, width)`` byte matrix.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

STATION_WIDTH = 6
TS_DIGITS = 10  # unix seconds, 2001-09-09 .. 2286-11-20
SIXBIT_CHARS = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"
HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
SIX_WEIGHTS = np.array([32, 16, 8, 4, 2, 1], dtype=np.uint8)

# Sentinels ("not available") from ITU-R M.1371.
LON_NA = 181 * 600000
LAT_NA = 91 * 600000
SOG_NA = 1023
COG_NA = 3600
HEADING_NA = 511
ROT_NA = -128

Field = tuple[npt.ArrayLike, int]


def text_to_sixbit(texts: list[str] | npt.NDArray[np.str_], n_chars: int) -> I64:
    """Strings to an (n, n_chars) matrix of 6-bit codes, upper-cased, '@'-padded (code 0).

    Characters outside the AIS alphabet become '?'.
    """
    arr = np.asarray(texts, dtype=f"U{n_chars}")
    arr = np.char.upper(arr)
    codes = arr.view(np.uint32).reshape(len(arr), n_chars).astype(np.int64)
    out = np.where(codes >= 64, codes - 64, codes)
    valid = (codes == 0) | ((codes >= 32) & (codes < 96))
    out = np.where(valid, out, ord("?"))
    return out  # NUL padding (code 0) is '@', the AIS pad character


def pack_bits(fields: list[Field], n: int) -> tuple[U8, int]:
    """Pack fields (values, width in bits) into armoured payload characters.

    Values are masked to their width, so negative numbers come out in two's complement.
    Returns the (n, n_chars) ASCII payload matrix and the number of fill bits.
    """
    total = sum(w for _, w in fields)
    n_chars = -(-total // 6)
    bits = np.zeros((n, n_chars * 6), dtype=np.uint8)
    pos = 0
    for values, width in fields:
        v = np.asarray(values, dtype=np.int64)
        if v.ndim == 2:  # text: one 6-bit code per column
            w_each = width // v.shape[1]
            for c in range(v.shape[1]):
                _put(bits, v[:, c], pos + c * w_each, w_each)
        else:
            _put(bits, np.broadcast_to(v, (n,)), pos, width)
        pos += width
    sym = bits.reshape(n, n_chars, 6) @ SIX_WEIGHTS
    return armour(sym), n_chars * 6 - total


def _put(bits: U8, v: I64, pos: int, width: int) -> None:
    """Write the low `width` bits of v (big-endian) into bit columns pos .. pos+width."""
    masked = (v & ((1 << width) - 1)).astype(">u8")
    all_bits = np.unpackbits(masked.view(np.uint8).reshape(-1, 8), axis=1)
    bits[:, pos : pos + width] = all_bits[:, 64 - width :]


def armour(sym: npt.NDArray[np.integer]) -> U8:
    """6-bit values (0-63) to payload characters ('0'-'W', '`'-'w')."""
    s = sym.astype(np.uint8)
    return np.where(s < 40, s + 48, s + 56).astype(np.uint8)


def unarmour(chars: U8) -> U8:
    c = chars.astype(np.int16) - 48
    return np.where(c > 40, c - 8, c).astype(np.uint8)


# -- message layouts ------------------------------------------------------------------------


def position_a(
    msg_type: npt.ArrayLike,
    mmsi: npt.ArrayLike,
    nav_status: npt.ArrayLike,
    sog10: npt.ArrayLike,
    lon_q: npt.ArrayLike,
    lat_q: npt.ArrayLike,
    cog10: npt.ArrayLike,
    heading: npt.ArrayLike,
    second: npt.ArrayLike,
    rot: npt.ArrayLike = ROT_NA,
    accuracy: npt.ArrayLike = 0,
) -> tuple[U8, int]:
    """Types 1, 2, 3. lon_q/lat_q in 1/10000 minute, sog10 and cog10 in tenths."""
    n = len(np.asarray(mmsi))
    return pack_bits(
        [
            (msg_type, 6),
            (0, 2),
            (mmsi, 30),
            (nav_status, 4),
            (rot, 8),
            (sog10, 10),
            (accuracy, 1),
            (lon_q, 28),
            (lat_q, 27),
            (cog10, 12),
            (heading, 9),
            (second, 6),
            (0, 2),
            (0, 3),
            (0, 1),
            (0, 19),
        ],
        n,
    )


def position_b(
    mmsi: npt.ArrayLike,
    sog10: npt.ArrayLike,
    lon_q: npt.ArrayLike,
    lat_q: npt.ArrayLike,
    cog10: npt.ArrayLike,
    heading: npt.ArrayLike,
    second: npt.ArrayLike,
    accuracy: npt.ArrayLike = 0,
) -> tuple[U8, int]:
    """Type 18 (class B "CS" unit, carrier-sense flag set)."""
    n = len(np.asarray(mmsi))
    return pack_bits(
        [
            (18, 6),
            (0, 2),
            (mmsi, 30),
            (0, 8),
            (sog10, 10),
            (accuracy, 1),
            (lon_q, 28),
            (lat_q, 27),
            (cog10, 12),
            (heading, 9),
            (second, 6),
            (0, 2),
            (1, 1),
            (0, 1),
            (1, 1),
            (1, 1),
            (0, 1),
            (0, 1),
            (0, 1),
            (0, 20),
        ],
        n,
    )


def static_a(
    mmsi: npt.ArrayLike,
    imo: npt.ArrayLike,
    callsign: list[str] | npt.NDArray[np.str_],
    name: list[str] | npt.NDArray[np.str_],
    ship_type: npt.ArrayLike,
    to_bow: npt.ArrayLike,
    to_stern: npt.ArrayLike,
    to_port: npt.ArrayLike,
    to_starboard: npt.ArrayLike,
    draught10: npt.ArrayLike,
    destination: list[str] | npt.NDArray[np.str_],
    eta_month: npt.ArrayLike = 0,
    eta_day: npt.ArrayLike = 0,
    eta_hour: npt.ArrayLike = 24,
    eta_minute: npt.ArrayLike = 60,
) -> tuple[U8, int]:
    """Type 5: 424 bits, 71 characters, 2 fill bits."""
    n = len(np.asarray(mmsi))
    return pack_bits(
        [
            (5, 6),
            (0, 2),
            (mmsi, 30),
            (0, 2),
            (imo, 30),
            (text_to_sixbit(callsign, 7), 42),
            (text_to_sixbit(name, 20), 120),
            (ship_type, 8),
            (to_bow, 9),
            (to_stern, 9),
            (to_port, 6),
            (to_starboard, 6),
            (1, 4),
            (eta_month, 4),
            (eta_day, 5),
            (eta_hour, 5),
            (eta_minute, 6),
            (draught10, 8),
            (text_to_sixbit(destination, 20), 120),
            (0, 1),
            (0, 1),
        ],
        n,
    )


def static_b_part_a(mmsi: npt.ArrayLike, name: list[str] | npt.NDArray[np.str_]) -> tuple[U8, int]:
    n = len(np.asarray(mmsi))
    return pack_bits(
        [(24, 6), (0, 2), (mmsi, 30), (0, 2), (text_to_sixbit(name, 20), 120), (0, 8)], n
    )


def static_b_part_b(
    mmsi: npt.ArrayLike,
    ship_type: npt.ArrayLike,
    callsign: list[str] | npt.NDArray[np.str_],
    to_bow: npt.ArrayLike,
    to_stern: npt.ArrayLike,
    to_port: npt.ArrayLike,
    to_starboard: npt.ArrayLike,
) -> tuple[U8, int]:
    n = len(np.asarray(mmsi))
    return pack_bits(
        [
            (24, 6),
            (0, 2),
            (mmsi, 30),
            (1, 2),
            (ship_type, 8),
            (text_to_sixbit(["DCS"] * n, 3), 18),
            (1, 4),
            (np.asarray(mmsi, dtype=np.int64) % (1 << 20), 20),
            (text_to_sixbit(callsign, 7), 42),
            (to_bow, 9),
            (to_stern, 9),
            (to_port, 6),
            (to_starboard, 6),
            (0, 6),
        ],
        n,
    )


# -- sentences ------------------------------------------------------------------------------


def _xor_hex(body: U8) -> U8:
    """NMEA checksum of each row (XOR of its bytes) as two upper-case hex digits, (n, 2)."""
    cs = np.bitwise_xor.reduce(body, axis=1)
    return np.column_stack((HEX[cs >> 4], HEX[cs & 15]))


def _const(text: bytes, n: int) -> U8:
    return np.broadcast_to(np.frombuffer(text, dtype=np.uint8), (n, len(text)))


def digits(values: npt.ArrayLike, width: int) -> U8:
    """Non-negative integers as zero-padded ASCII digits, (n, width)."""
    v = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((v[:, None] // powers) % 10 + 48).astype(np.uint8)


def tag_block(station: U8, ts: npt.ArrayLike) -> U8:
    """``\\s:<station>,c:<unix seconds>*hh\\`` for each row; station is (n, 6) ASCII."""
    n = len(station)
    body = np.hstack((_const(b"s:", n), station, _const(b",c:", n), digits(ts, TS_DIGITS)))
    return np.hstack((_const(b"\\", n), body, _const(b"*", n), _xor_hex(body), _const(b"\\", n)))


def sentences(
    payload: U8,
    fill: npt.ArrayLike,
    channel: U8,
    count: int = 1,
    number: int = 1,
    seq_id: npt.ArrayLike | None = None,
) -> U8:
    """``!AIVDM,count,number,seq,channel,payload,fill*hh`` rows (without the line end)."""
    n = len(payload)
    seq = _const(b"", n) if seq_id is None else digits(seq_id, 1)
    body = np.hstack(
        (
            _const(f"AIVDM,{count},{number},".encode(), n),
            seq,
            _const(b",", n),
            channel.reshape(n, 1),
            _const(b",", n),
            payload,
            _const(b",", n),
            digits(np.broadcast_to(np.asarray(fill), (n,)), 1),
        )
    )
    return np.hstack((_const(b"!", n), body, _const(b"*", n), _xor_hex(body)))


def lines(
    payload: U8,
    fill: int,
    station: U8,
    ts: npt.ArrayLike,
    channel: U8,
    seq_id: npt.ArrayLike,
    part_chars: int = 60,
) -> U8:
    """Whole output lines (tag block + sentence + ``\\n``) for one message type.

    Messages longer than ``part_chars`` characters are split into two sentences (type 5), each
    with its own tag block; the result then has two lines per message in one row.
    """
    n = len(payload)
    nl = _const(b"\n", n)
    tag = tag_block(station, ts)
    if payload.shape[1] <= part_chars:
        return np.hstack((tag, sentences(payload, fill, channel), nl))
    first = sentences(payload[:, :part_chars], 0, channel, 2, 1, seq_id)
    second = sentences(payload[:, part_chars:], fill, channel, 2, 2, seq_id)
    return np.hstack((tag, first, nl, tag, second, nl))


def scatter_rows(out: U8, offsets: I64, rows: U8, widths: I64 | None = None) -> None:
    """Copy each row of a fixed-width byte block to out[offset : offset + width].

    With ``widths``, only the first ``width - 1`` bytes of a row are copied followed by a
    newline (used to write truncated sentences).
    """
    n, w = rows.shape
    if n == 0:
        return
    if widths is None:
        idx = offsets[:, None] + np.arange(w, dtype=np.int64)
        out[idx] = rows
        return
    keep = np.arange(w, dtype=np.int64)[None, :] < (widths[:, None] - 1)
    idx = offsets[:, None] + np.arange(w, dtype=np.int64)
    out[idx[keep]] = rows[keep]
    out[offsets + widths - 1] = ord("\n")
