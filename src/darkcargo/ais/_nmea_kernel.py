"""Compiled (numba) kernels behind `darkcargo.ais.nmea`: one pass over a byte buffer of NMEA lines.

`decode_buffer` walks the buffer line by line (no Python per line), verifies checksums, parses tag
blocks, receive-time trailers, leading timestamps and `$PGHP` time lines, reassembles multipart
messages in a small table of pending groups, and decodes the supported message types straight into
preallocated column arrays. Rejected lines are written as (start, end, line_no, reason) so the
Python side can build the rejects table; groups still incomplete at the end of a batch are handed
back for carry-over. `pack_fixed_strings` turns fixed-width 6-bit-ASCII byte rows into Arrow string
buffers. Pure functions over arrays: no I/O, no globals beyond compile-time constants.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from darkcargo.ais._nmea_codes import (
    CALLSIGN_W,
    DEST_W,
    MAX_PARTS,
    MAX_SLOTS,
    NAME_W,
    NULL_TIME,
    R_BAD_CHECKSUM,
    R_BAD_FILL,
    R_BAD_PAYLOAD,
    R_COMMENT,
    R_EMPTY,
    R_NO_POSITION,
    R_NO_TIME,
    R_OK,
    R_ORPHAN,
    R_OUT_OF_RANGE,
    R_TRUNCATED,
    R_UNPARSEABLE,
    R_UNSUPPORTED,
    ST_CLOCK_LINE,
    ST_CLOCK_TIME,
    ST_CLOCK_WINDOW,
    ST_GROUP_ID,
    ST_GROUP_TIME,
    ST_PGHP_TIME,
    ST_SPARE_ROWS,
)

US = np.int64(1_000_000)
MAX_EPOCH_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z: larger epoch values are not times

_BS = 92  # backslash
_BANG = 33
_DOLLAR = 36
_STAR = 42
_COMMA = 44
_HASH = 35
_NL = 10

_DAYS_IN_MONTH = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


@njit(cache=True, inline="always")
def _hexval(c: int) -> int:
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


def _sixbit_table() -> np.ndarray:
    """6-bit armour value of each byte; 255 outside the alphabet ('0'-'W', '`'-'w')."""
    t = np.full(256, 255, np.uint8)
    t[48:88] = np.arange(0, 40)
    t[96:120] = np.arange(40, 64)
    return t


_SIXBIT = _sixbit_table()


@njit(cache=True)
def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    if m <= 2:
        y -= 1
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@njit(cache=True)
def _civil_to_us(y: int, mo: int, d: int, h: int, mi: int, s: int, us: int) -> np.int64:
    """UTC calendar fields to epoch microseconds, or NULL_TIME when any field is out of range."""
    if y < 1 or y > 9999 or mo < 1 or mo > 12 or d < 1 or h < 0 or h > 23:
        return NULL_TIME
    if mi < 0 or mi > 59 or s < 0 or s > 60 or us < 0 or us >= 1_000_000:
        return NULL_TIME
    dim = _DAYS_IN_MONTH[mo - 1]
    if mo == 2 and not ((y % 4 == 0 and y % 100 != 0) or y % 400 == 0):
        dim = 28
    if d > dim:
        return NULL_TIME
    days = _days_from_civil(y, mo, d)
    return np.int64(((days * 24 + h) * 60 + mi) * 60 + s) * US + np.int64(us)


@njit(cache=True)
def _uint(buf: np.ndarray, s: int, e: int) -> int:
    """Unsigned decimal in buf[s:e]; -1 when empty, not all digits, or longer than 18 digits."""
    if e <= s or e - s > 18:
        return -1
    v = 0
    for i in range(s, e):
        c = buf[i]
        if c < 48 or c > 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@njit(cache=True)
def _epoch_to_us(buf: np.ndarray, s: int, e: int, ms_threshold: int) -> np.int64:
    """Epoch number in buf[s:e] ("1325394060", "1325394060.25", or milliseconds when the integer
    part exceeds ms_threshold) as microseconds; NULL_TIME when it is not such a number or lies
    beyond the year 9999."""
    i = s
    v = 0
    nd = 0
    while i < e and 48 <= buf[i] <= 57 and nd < 16:
        v = v * 10 + (buf[i] - 48)
        nd += 1
        i += 1
    if nd == 0:
        return NULL_TIME
    frac_us = 0
    if i < e and buf[i] == 46:  # '.'
        i += 1
        scale = 100_000
        while i < e and 48 <= buf[i] <= 57:
            frac_us += (buf[i] - 48) * scale
            scale //= 10
            i += 1
    if i != e:
        return NULL_TIME
    if v > ms_threshold:
        if v > MAX_EPOCH_MS:
            return NULL_TIME
        return np.int64(v) * 1000 + np.int64(frac_us // 1000)
    return np.int64(v) * US + np.int64(frac_us)


@njit(cache=True)
def _prefix_time(buf: np.ndarray, s: int, e: int, ms_threshold: int) -> np.int64:
    """Time in a prefix before the sentence: epoch seconds or milliseconds ("1325394060.5 "), or an
    ISO-like "YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|+hh:mm]" followed by any separators. NULL_TIME when
    the prefix holds neither."""
    i = s
    while i < e and (buf[i] <= 32 or buf[i] == 91 or buf[i] == 40):  # blanks, '[', '('
        i += 1
    j = i
    while j < e and 48 <= buf[j] <= 57:
        j += 1
    nd = j - i
    if nd == 0:
        return NULL_TIME
    if nd == 4 and j < e and buf[j] == 45:  # ISO date
        if i + 19 > e:
            return NULL_TIME
        y = _uint(buf, i, i + 4)
        if buf[i + 7] != 45:
            return NULL_TIME
        mo = _uint(buf, i + 5, i + 7)
        d = _uint(buf, i + 8, i + 10)
        sep = buf[i + 10]
        if sep != 84 and sep != 32 and sep != 95 and sep != 116:  # 'T', ' ', '_', 't'
            return NULL_TIME
        if buf[i + 13] != 58 or buf[i + 16] != 58:
            return NULL_TIME
        h = _uint(buf, i + 11, i + 13)
        mi = _uint(buf, i + 14, i + 16)
        sec = _uint(buf, i + 17, i + 19)
        k = i + 19
        frac = 0
        if k < e and (buf[k] == 46 or buf[k] == 44) and k + 1 < e and 48 <= buf[k + 1] <= 57:
            k += 1
            scale = 100_000
            while k < e and 48 <= buf[k] <= 57:
                frac += (buf[k] - 48) * scale
                scale //= 10
                k += 1
        t = _civil_to_us(y, mo, d, h, mi, sec, frac)
        if t == NULL_TIME:
            return NULL_TIME
        if k + 6 <= e and (buf[k] == 43 or buf[k] == 45) and buf[k + 3] == 58:  # +hh:mm offset
            oh = _uint(buf, k + 1, k + 3)
            om = _uint(buf, k + 4, k + 6)
            if oh >= 0 and om >= 0:
                off = np.int64(oh * 60 + om) * 60 * US
                t = t - off if buf[k] == 43 else t + off
        return t
    if nd >= 9:
        k = j
        if k < e and buf[k] == 46:
            k += 1
            while k < e and 48 <= buf[k] <= 57:
                k += 1
        return _epoch_to_us(buf, i, k, ms_threshold)
    return NULL_TIME


@njit(cache=True, inline="always")
def _bits(sb: np.ndarray, start: int, width: int) -> np.int64:
    """Unsigned integer of `width` (<= 30) bits at bit offset `start` of a 6-bit value array."""
    first = start // 6
    last = (start + width - 1) // 6
    acc = np.int64(0)
    for k in range(first, last + 1):
        acc = (acc << 6) | np.int64(sb[k])
    shift = (last - first + 1) * 6 - (start - first * 6) - width
    return (acc >> shift) & ((np.int64(1) << width) - 1)


@njit(cache=True, inline="always")
def _sbits(sb: np.ndarray, start: int, width: int) -> np.int64:
    """Two's-complement signed integer of `width` bits at bit offset `start`."""
    v = _bits(sb, start, width)
    if v >= (np.int64(1) << (width - 1)):
        v -= np.int64(1) << width
    return v


# Decoded record layout (filled by _decode_message, copied to the columns by decode_buffer).
I_MMSI, I_TS, I_HDG, I_NAV, I_STYPE, I_IMO, I_TYPE = 0, 1, 2, 3, 4, 5, 6
F_LAT, F_LON, F_SOG, F_COG, F_LEN, F_BEAM, F_DRAUGHT = 0, 1, 2, 3, 4, 5, 6
C_CALL = 0
C_NAME = C_CALL + CALLSIGN_W
C_DEST = C_NAME + NAME_W
C_LEN = C_DEST + DEST_W


@njit(cache=True)
def _text(sb: np.ndarray, nbits: int, start: int, nchars: int, ch: np.ndarray, col: int) -> None:
    """Write up to nchars 6-bit ASCII characters (only those wholly inside nbits) to ch[col:]."""
    for k in range(nchars):
        b = start + 6 * k
        if b + 6 > nbits:
            return
        v = _bits(sb, b, 6)
        ch[col + k] = v + 64 if v < 32 else v


@njit(cache=True)
def _latlon(raw_lat: int, raw_lon: int, scale: float, lim_lat: int, lim_lon: int) -> tuple:
    """Scaled lat/lon with the 91/181 sentinels as NaN; ok=False when beyond the physical range."""
    ok = True
    if raw_lat == 91 * (lim_lat // 90):
        lat = np.nan
    elif abs(raw_lat) > lim_lat:
        ok = False
        lat = np.nan
    else:
        lat = raw_lat / scale
    if raw_lon == 181 * (lim_lon // 180):
        lon = np.nan
    elif abs(raw_lon) > lim_lon:
        ok = False
        lon = np.nan
    else:
        lon = raw_lon / scale
    return lat, lon, ok


@njit(cache=True)
def _dims(bow: int, stern: int, port: int, stbd: int, fv: np.ndarray) -> None:
    """Length (bow+stern) and beam (port+starboard) in metres; NaN when the pair is all zero."""
    fv[F_LEN] = bow + stern if bow + stern > 0 else np.nan
    fv[F_BEAM] = port + stbd if port + stbd > 0 else np.nan


@njit(cache=True)
def _decode_message(sb, nbits, t, default_time, iv, fv, ch):
    """Decode one complete message (6-bit values `sb`, `nbits` payload bits) into a record: ints
    `iv` (I_*), floats `fv` (F_*, NaN = null) and characters `ch` (C_*, 0 = absent).

    Returns (reason, has_position, has_static). Order of checks: unsupported_type, truncated,
    out_of_range, no_time.
    """
    if nbits < 6:
        return R_TRUNCATED, False, False
    mtype = _bits(sb, 0, 6)
    if mtype == 0 or not (
        mtype <= 5 or mtype == 18 or mtype == 19 or mtype == 21 or mtype == 24 or mtype == 27
    ):
        return R_UNSUPPORTED, False, False
    if nbits < 40:
        return R_TRUNCATED, False, False
    mmsi = _bits(sb, 8, 30)
    iv[I_MMSI] = mmsi
    iv[I_TYPE] = mtype
    iv[I_HDG] = -1
    iv[I_NAV] = -1
    iv[I_STYPE] = -1
    iv[I_IMO] = -1
    fv[F_SOG] = np.nan
    fv[F_COG] = np.nan

    if mtype <= 3 or mtype == 18 or mtype == 19:
        if mtype <= 3:
            need, o_sog, o_lon, o_lat, o_cog, o_hdg = 137, 50, 61, 89, 116, 128
        elif mtype == 18:
            need, o_sog, o_lon, o_lat, o_cog, o_hdg = 133, 46, 57, 85, 112, 124
        else:
            need, o_sog, o_lon, o_lat, o_cog, o_hdg = 301, 46, 57, 85, 112, 124
        if nbits < need:
            return R_TRUNCATED, False, False
        lat, lon, ok = _latlon(
            _sbits(sb, o_lat, 27), _sbits(sb, o_lon, 28), 600000.0, 54000000, 108000000
        )
        if not ok:
            return R_OUT_OF_RANGE, False, False
        if t == NULL_TIME:
            t = default_time
        if t == NULL_TIME:
            return R_NO_TIME, False, False
        iv[I_TS] = t
        fv[F_LAT] = lat
        fv[F_LON] = lon
        sog = _bits(sb, o_sog, 10)
        cog = _bits(sb, o_cog, 12)
        hdg = _bits(sb, o_hdg, 9)
        if sog != 1023:
            fv[F_SOG] = sog / 10.0
        if cog < 3600:
            fv[F_COG] = cog / 10.0
        if hdg < 360:
            iv[I_HDG] = hdg
        if mtype <= 3:
            nav = _bits(sb, 38, 4)
            if nav != 15:
                iv[I_NAV] = nav
        if mtype != 19:
            return R_OK, True, False
        _text(sb, nbits, 143, 20, ch, C_NAME)
        stype = _bits(sb, 263, 8)
        if stype > 0:
            iv[I_STYPE] = stype
        _dims(_bits(sb, 271, 9), _bits(sb, 280, 9), _bits(sb, 289, 6), _bits(sb, 295, 6), fv)
        fv[F_DRAUGHT] = np.nan
        return R_OK, True, True

    if mtype == 4:
        if nbits < 134:
            return R_TRUNCATED, False, False
        lat, lon, ok = _latlon(
            _sbits(sb, 107, 27), _sbits(sb, 79, 28), 600000.0, 54000000, 108000000
        )
        if not ok:
            return R_OUT_OF_RANGE, False, False
        if t == NULL_TIME:  # the base station's own UTC, when it is a valid date
            t = _civil_to_us(
                _bits(sb, 38, 14), _bits(sb, 52, 4), _bits(sb, 56, 5), _bits(sb, 61, 5),
                _bits(sb, 66, 6), _bits(sb, 72, 6), 0,
            )  # fmt: skip
        if t == NULL_TIME:
            t = default_time
        if t == NULL_TIME:
            return R_NO_TIME, False, False
        iv[I_TS] = t
        fv[F_LAT] = lat
        fv[F_LON] = lon
        return R_OK, True, False

    if mtype == 27:
        if nbits < 94:
            return R_TRUNCATED, False, False
        lat, lon, ok = _latlon(_sbits(sb, 62, 17), _sbits(sb, 44, 18), 600.0, 54000, 108000)
        if not ok:
            return R_OUT_OF_RANGE, False, False
        if t == NULL_TIME:
            t = default_time
        if t == NULL_TIME:
            return R_NO_TIME, False, False
        iv[I_TS] = t
        fv[F_LAT] = lat
        fv[F_LON] = lon
        sog = _bits(sb, 79, 6)
        cog = _bits(sb, 85, 9)
        nav = _bits(sb, 40, 4)
        if sog != 63:
            fv[F_SOG] = sog
        if cog < 360:
            fv[F_COG] = cog
        if nav != 15:
            iv[I_NAV] = nav
        return R_OK, True, False

    if mtype == 21:
        if nbits < 249:
            return R_TRUNCATED, False, False
        lat, lon, ok = _latlon(
            _sbits(sb, 192, 27), _sbits(sb, 164, 28), 600000.0, 54000000, 108000000
        )
        if not ok:
            return R_OUT_OF_RANGE, False, False
        if t == NULL_TIME:
            t = default_time
        if t == NULL_TIME:
            return R_NO_TIME, False, False
        iv[I_TS] = t
        fv[F_LAT] = lat
        fv[F_LON] = lon
        _text(sb, nbits, 43, 20, ch, C_NAME)
        if nbits > 272:
            _text(sb, nbits, 272, min((nbits - 272) // 6, NAME_W - 20), ch, C_NAME + 20)
        _dims(_bits(sb, 219, 9), _bits(sb, 228, 9), _bits(sb, 237, 6), _bits(sb, 243, 6), fv)
        fv[F_DRAUGHT] = np.nan
        return R_OK, True, True

    if mtype == 5:
        if nbits < 302:
            return R_TRUNCATED, False, False
        if t == NULL_TIME:
            t = default_time
        if t == NULL_TIME:
            return R_NO_TIME, False, False
        iv[I_TS] = t
        imo = _bits(sb, 40, 30)
        if imo > 0:
            iv[I_IMO] = imo
        _text(sb, nbits, 70, 7, ch, C_CALL)
        _text(sb, nbits, 112, 20, ch, C_NAME)
        stype = _bits(sb, 232, 8)
        if stype > 0:
            iv[I_STYPE] = stype
        _dims(_bits(sb, 240, 9), _bits(sb, 249, 9), _bits(sb, 258, 6), _bits(sb, 264, 6), fv)
        dr = _bits(sb, 294, 8)
        fv[F_DRAUGHT] = dr / 10.0 if dr > 0 else np.nan
        _text(sb, nbits, 302, 20, ch, C_DEST)
        return R_OK, False, True

    # mtype == 24
    part = _bits(sb, 38, 2)
    if part > 1:
        return R_UNSUPPORTED, False, False
    if nbits < (160 if part == 0 else 162):
        return R_TRUNCATED, False, False
    if t == NULL_TIME:
        t = default_time
    if t == NULL_TIME:
        return R_NO_TIME, False, False
    iv[I_TS] = t
    fv[F_LEN] = np.nan
    fv[F_BEAM] = np.nan
    fv[F_DRAUGHT] = np.nan
    if part == 0:
        _text(sb, nbits, 40, 20, ch, C_NAME)
    else:
        stype = _bits(sb, 40, 8)
        if stype > 0:
            iv[I_STYPE] = stype
        _text(sb, nbits, 90, 7, ch, C_CALL)
        if mmsi // 10_000_000 != 98:  # auxiliary craft: these bits hold the mothership MMSI
            _dims(_bits(sb, 132, 9), _bits(sb, 141, 9), _bits(sb, 150, 6), _bits(sb, 156, 6), fv)
    return R_OK, False, True


_ONES = np.uint64(0x0101010101010101)
_HIGHS = np.uint64(0x8080808080808080)
_NLS = np.uint64(0x0A0A0A0A0A0A0A0A)


@njit(cache=True, inline="always")
def _line_end(buf, words, pos, n):
    """Offset of the first newline at or after `pos` (n when none): byte by byte up to a word
    boundary, then eight bytes at a time (a word holds a newline when `w ^ NLS` has a zero
    byte), then byte by byte inside the word that holds it."""
    e = pos
    while e < n and e % 8 != 0:
        if buf[e] == _NL:
            return e
        e += 1
    if e >= n:
        return n
    k = e // 8  # e is a word boundary at or after pos: the scan never goes back before pos
    n_words = words.size
    while k < n_words:
        t = words[k] ^ _NLS
        if ((t - _ONES) & ~t & _HIGHS) != 0:
            break
        k += 1
    e = k * 8
    while e < n and buf[e] != _NL:
        e += 1
    return e


@njit(cache=True)
def _clock_time(buf, p, star):
    """The UTC time of a GPS "$--RMC" line with a valid fix ("$GPRMC,hhmmss.ss,A,...,ddmmyy,...")
    or of a "$--ZDA" line ("$GPZDA,hhmmss.ss,dd,mm,yyyy,..."), or NULL_TIME."""
    rmc = buf[p + 3] == 82 and buf[p + 4] == 77 and buf[p + 5] == 67  # RMC
    zda = buf[p + 3] == 90 and buf[p + 4] == 68 and buf[p + 5] == 65  # ZDA
    if not (rmc or zda) or star - p < 9 or buf[p + 6] != _COMMA:
        return NULL_TIME
    fs = np.zeros(10, np.int64)
    fe = np.zeros(10, np.int64)
    k = 0
    f = p + 7
    while k < 10 and f <= star:
        g = f
        while g < star and buf[g] != _COMMA:
            g += 1
        fs[k] = f
        fe[k] = g
        k += 1
        f = g + 1
    s0 = fs[0]
    e0 = fe[0]
    if e0 - s0 < 6 or (e0 > s0 + 6 and (buf[s0 + 6] != 46 or e0 - s0 > 13)):
        return NULL_TIME
    h = _uint(buf, s0, s0 + 2)
    mi = _uint(buf, s0 + 2, s0 + 4)
    sec = _uint(buf, s0 + 4, s0 + 6)
    us = 0
    if e0 > s0 + 7:
        us = _uint(buf, s0 + 7, e0)
        for _ in range(e0 - s0 - 7, 6):
            us *= 10
    if h < 0 or mi < 0 or sec < 0 or us < 0:
        return NULL_TIME
    if rmc:
        if k < 9 or fe[1] - fs[1] != 1 or buf[fs[1]] != 65 or fe[8] - fs[8] != 6:
            return NULL_TIME  # no date, or no valid fix ("V"): the clock may not be set
        d = _uint(buf, fs[8], fs[8] + 2)
        mo = _uint(buf, fs[8] + 2, fs[8] + 4)
        y = _uint(buf, fs[8] + 4, fs[8] + 6)
        if y < 0:
            return NULL_TIME
        y += 2000 if y < 80 else 1900
    else:
        if k < 4 or fe[3] - fs[3] != 4:
            return NULL_TIME
        d = _uint(buf, fs[1], fe[1])
        mo = _uint(buf, fs[2], fe[2])
        y = _uint(buf, fs[3], fe[3])
    return _civil_to_us(y, mo, d, h, mi, sec, us)


@njit(cache=True)
def _sentence_start(buf, q, le):
    """Does a sentence begin at buf[q]: "!" or "$" and an address field ("!AIVDM,", "$PGHP,"),
    or a tag block ("\\s:...", "\\c:...")? Other text after a checksum stays with the sentence
    before it (GPSD's sample ends lines with a literal "\\x0d\\x0a")."""
    b = buf[q]
    if b == _BS:
        return q + 2 < le and 97 <= buf[q + 1] <= 122 and buf[q + 2] == 58
    if (b != _BANG and b != _DOLLAR) or q + 1 >= le or not 65 <= buf[q + 1] <= 90:
        return False
    k = q + 2
    while k < le and k - q <= 5 and (65 <= buf[k] <= 90 or 48 <= buf[k] <= 57):
        k += 1
    return k < le and k - q >= 5 and buf[k] == _COMMA


@njit(cache=True)
def _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, e, lno, reason):
    rej_s[nr] = s
    rej_e[nr] = e
    rej_lno[nr] = lno
    rej_reason[nr] = reason
    return nr + 1


@njit(cache=True)
def _orphan_parts(rej_s, rej_e, rej_lno, rej_reason, nr, pt_ls, pt_le, pt_lno, slot, have):
    """Reject the `have` parts held in a multipart slot as orphans; returns the new count."""
    for j in range(have):
        nr = _reject(
            rej_s,
            rej_e,
            rej_lno,
            rej_reason,
            nr,
            pt_ls[slot, j],
            pt_le[slot, j],
            pt_lno[slot, j],
            R_ORPHAN,
        )
    return nr


@njit(cache=True, nogil=True)
def decode_buffer(
    buf,
    n_carry,
    carry_line_no,
    carry_time,
    line_base,
    state,
    default_time,
    final,
    window_lines,
    ms_threshold,
    P,
    S,
    R,
    C,
):
    """Decode every line of `buf` (uint8; lines end with '\\n').

    The first `n_carry` lines are fragments carried over from the previous batch, with their
    original line numbers and times in carry_line_no/carry_time; later lines are numbered from
    `line_base`. `state` (int64[STATE_LEN]) holds context across batches and is updated in place.
    `default_time` (µs, or NULL_TIME) times messages with no time source. When `final` is False,
    multipart groups still open at the end (and seen within `window_lines` lines of it) are
    written to C = (start, end, line_no, time) for carry-over instead of being rejected.
    P, S, R are the positions, statics and rejects (start, end, line_no, reason) output columns.

    Returns (positions, statics, rejects, carried, lines_read, lines_accepted).
    """
    p_mmsi, p_ts, p_lat, p_lon, p_sog, p_cog, p_hdg, p_nav, p_type, p_row = P
    (
        s_mmsi,
        s_ts,
        s_imo,
        s_call,
        s_name,
        s_stype,
        s_len,
        s_beam,
        s_draught,
        s_dest,
        s_type,
        s_row,
    ) = S
    rej_s, rej_e, rej_lno, rej_reason = R
    c_s, c_e, c_lno, c_time = C
    n = buf.size
    np_ = 0
    ns = 0
    nr = 0
    n_read = 0
    n_acc = 0

    # pending multipart groups
    sl_used = np.zeros(MAX_SLOTS, np.bool_)
    sl_chan = np.zeros(MAX_SLOTS, np.int64)
    sl_seq = np.zeros(MAX_SLOTS, np.int64)
    sl_count = np.zeros(MAX_SLOTS, np.int64)
    sl_have = np.zeros(MAX_SLOTS, np.int64)
    sl_first = np.zeros(MAX_SLOTS, np.int64)  # line number of part 1
    sl_last = np.zeros(MAX_SLOTS, np.int64)  # line number of the latest part
    pt_ps = np.zeros((MAX_SLOTS, MAX_PARTS), np.int64)  # payload start
    pt_pe = np.zeros((MAX_SLOTS, MAX_PARTS), np.int64)  # payload end
    pt_ls = np.zeros((MAX_SLOTS, MAX_PARTS), np.int64)  # line start (for rejects / carry)
    pt_le = np.zeros((MAX_SLOTS, MAX_PARTS), np.int64)
    pt_lno = np.zeros((MAX_SLOTS, MAX_PARTS), np.int64)
    pt_t = np.zeros((MAX_SLOTS, MAX_PARTS), np.int64)
    n_open = 0

    iv = np.empty(8, np.int64)  # decoded record: ints, floats, characters
    fv = np.empty(8, np.float64)
    ch = np.empty(C_LEN, np.uint8)
    fs = np.empty(7, np.int64)  # field starts of the sentence being parsed
    sb = np.empty(256, np.uint8)  # de-armoured payload of the message being decoded

    pghp_time = state[ST_PGHP_TIME]
    grp_id = state[ST_GROUP_ID]
    grp_time = state[ST_GROUP_TIME]
    clock_time = state[ST_CLOCK_TIME]
    clock_line = state[ST_CLOCK_LINE]
    clock_window = state[ST_CLOCK_WINDOW]

    # the buffer as 8-byte words, to find line ends eight bytes at a time
    n_words = n // 8
    words = buf[: n_words * 8].view(np.uint64)

    # A line may hold several sentences one after another (a logger that dropped line ends):
    # each is decoded on its own, with the line's number and time prefix, as long as the output
    # columns have a spare row for it (state[ST_SPARE_ROWS]); past that, the rest of such a line
    # is rejected whole, so nothing is dropped unseen.
    spare = state[ST_SPARE_ROWS]
    cont_s = -1  # start of the next sentence on the current line
    cont_le = -1
    line_prefix = NULL_TIME  # the current line's time prefix, for the sentences after its first

    pos = 0
    li = 0
    lno = np.int64(0)
    carried = False
    while pos < n or cont_s >= 0:
        continuing = cont_s >= 0
        if continuing:
            s = cont_s
            le = cont_le
            cont_s = -1
        else:
            e = _line_end(buf, words, pos, n)
            s = pos
            le = e
            pos = e + 1
            carried = li < n_carry
            lno = carry_line_no[li] if carried else line_base + li - n_carry
            li += 1
            while le > s and buf[le - 1] <= 32:
                le -= 1
            while s < le and buf[s] <= 32:
                s += 1
            if s >= le:
                continue  # blank: not counted
        n_read += 1

        p = s
        c0 = buf[p]
        if c0 == _HASH:  # sample feeds (GPSD's, libais's, pyais's) annotate with comments
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_COMMENT)
            continue
        t_prefix = line_prefix if continuing else NULL_TIME
        if c0 != _BS and c0 != _BANG and c0 != _DOLLAR:
            q = p
            while q < le and buf[q] != _BS and buf[q] != _BANG and buf[q] != _DOLLAR:
                q += 1
            if q >= le:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
                continue
            t_prefix = _prefix_time(buf, p, q, ms_threshold)
            p = q
        line_prefix = t_prefix

        # NMEA 4.0 tag block
        t_tag = NULL_TIME
        tag_gid = np.int64(-1)
        tag_gnum = 0
        bad = R_OK
        if buf[p] == _BS:
            # one pass: the XOR up to '*' and the closing backslash
            q = p + 1
            x = 0
            star = -1
            while q < le:
                b = buf[q]
                if b == _BS:
                    break
                if star < 0:
                    if b == _STAR:
                        star = q
                    else:
                        x ^= b
                q += 1
            if q >= le:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
                continue
            if star < 0:
                star = q
            if star < q:
                h1 = _hexval(buf[star + 1]) if star + 1 < q else -1
                h2 = _hexval(buf[star + 2]) if star + 2 < q else -1
                if star + 3 != q or h1 < 0 or h2 < 0 or (h1 << 4 | h2) != x:
                    bad = R_BAD_CHECKSUM
            if bad == R_OK:
                f = p + 1
                while f < star:
                    g = f
                    while g < star and buf[g] != _COMMA:
                        g += 1
                    if g - f >= 3 and buf[f + 1] == 58:  # "x:value"
                        key = buf[f]
                        if key == 99:  # c: unix time
                            t_tag = _epoch_to_us(buf, f + 2, g, ms_threshold)
                        elif key == 103:  # g: sentence-total-id
                            h1 = f + 2
                            while h1 < g and buf[h1] != 45:
                                h1 += 1
                            h2 = h1 + 1
                            while h2 < g and buf[h2] != 45:
                                h2 += 1
                            if h2 < g:
                                tag_gnum = _uint(buf, f + 2, h1)
                                tag_gid = _uint(buf, h2 + 1, g)
                    f = g + 1
            p = q + 1
            if bad != R_OK:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, bad)
                continue
            if p >= le:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
                continue

        c0 = buf[p]
        if c0 != _BANG and c0 != _DOLLAR:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
            continue
        # one pass: the checksum (XOR of everything between the start character and '*') and
        # the commas of the fields after "!ccVDM,"
        x = 0
        star = p + 1
        nf = 0
        fs[0] = p + 7
        while star < le:
            b = buf[star]
            if b == _STAR:
                break
            x ^= b
            if b == _COMMA and star >= p + 7:
                nf += 1
                if nf <= 5:
                    fs[nf] = star + 1
            star += 1
        # another sentence after this one's checksum (and any trailer) on the same line?
        q = star + 3
        while q < le and not _sentence_start(buf, q, le):
            q += 1
        if q < le:
            if spare <= 0:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
                continue
            spare -= 1
            cont_s = q
            cont_le = le
            le = q
            while le > s and buf[le - 1] <= 32:
                le -= 1
        has_cs = star + 2 < le and _hexval(buf[star + 1]) >= 0 and _hexval(buf[star + 2]) >= 0
        if not has_cs:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
            continue
        if (_hexval(buf[star + 1]) << 4 | _hexval(buf[star + 2])) != x:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_BAD_CHECKSUM)
            continue

        vdm = (
            star - p > 7
            and buf[p + 3] == 86 and buf[p + 4] == 68
            and (buf[p + 5] == 77 or buf[p + 5] == 79) and buf[p + 6] == _COMMA
        )  # fmt: skip
        if c0 == _DOLLAR and not vdm:  # "$AIVDM" (some receivers' start character) is AIS
            # $PGHP,1,yyyy,mm,dd,hh,mi,ss,ms,...: Gatehouse time of the next sentence
            ok = (
                star - p > 8
                and buf[p + 1] == 80 and buf[p + 2] == 71 and buf[p + 3] == 72
                and buf[p + 4] == 80 and buf[p + 5] == _COMMA
            )  # fmt: skip
            tp = NULL_TIME
            if ok:
                vals = np.full(8, -1, np.int64)
                f = p + 6
                k = 0
                while k < 8 and f <= star:
                    g = f
                    while g < star and buf[g] != _COMMA:
                        g += 1
                    vals[k] = _uint(buf, f, g)
                    k += 1
                    f = g + 1
                if vals[0] == 1 and vals[7] >= 0:
                    tp = _civil_to_us(
                        vals[1], vals[2], vals[3], vals[4], vals[5], vals[6], vals[7] * 1000
                    )
            if tp != NULL_TIME:
                pghp_time = tp
                n_acc += 1
                continue
            tc = _clock_time(buf, p, star)
            if tc != NULL_TIME:  # the receiver's GPS clock, for the AIS sentences after it
                clock_time = tc
                clock_line = lno
                n_acc += 1
                continue
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
            continue

        # !ccVDM / !ccVDO header
        if not vdm:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
            continue

        # time of this line
        if carried:
            t = carry_time[li - 1]
        else:
            t = t_tag
            if t == NULL_TIME and star + 3 < le and buf[star + 3] == _COMMA:
                # receive-time trailer after the checksum: first all-digit field of >= 9 digits
                f = star + 4
                while f < le:
                    g = f
                    while g < le and buf[g] != _COMMA:
                        g += 1
                    if g - f >= 9 and _uint(buf, f, g) >= 0:
                        t = _epoch_to_us(buf, f, g, ms_threshold)
                        break
                    f = g + 1
            if t == NULL_TIME:
                t = t_prefix
            if t == NULL_TIME:
                t = pghp_time
            pghp_time = NULL_TIME
            if tag_gid >= 0:
                if t == NULL_TIME and tag_gnum > 1 and tag_gid == grp_id:
                    t = grp_time
                if t != NULL_TIME:
                    grp_id = tag_gid
                    grp_time = t
            if t == NULL_TIME and clock_time != NULL_TIME and lno - clock_line <= clock_window:
                t = clock_time

        # fields: count, number, sequence id, channel, payload, fill bits
        if nf != 5:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
            continue
        fs[6] = star + 1
        count = _uint(buf, fs[0], fs[1] - 1)
        num = _uint(buf, fs[1], fs[2] - 1)
        if count < 1 or count > MAX_PARTS or num < 1 or num > count:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
            continue
        seq = -1
        if fs[3] - 1 > fs[2]:
            seq = _uint(buf, fs[2], fs[3] - 1)
            if seq < 0:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
                continue
        chan = 0
        if fs[4] - 1 > fs[3]:
            if fs[4] - 1 - fs[3] > 1:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_UNPARSEABLE)
                continue
            chan = buf[fs[3]]
        ps = fs[4]
        pe = fs[5] - 1
        fill = 0
        if star > fs[5]:
            fill = _uint(buf, fs[5], star)
            if fill < 0 or fill > 5:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_BAD_FILL)
                continue
        if fill != 0 and num != count:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_BAD_FILL)
            continue
        if pe <= ps:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_EMPTY)
            continue
        # de-armour a single part while checking it; parts of a group are checked here and
        # de-armoured when the group is complete
        badp = False
        if count == 1:
            nch = pe - ps
            if nch > sb.size:
                sb = np.empty(nch * 2, np.uint8)
            for k in range(nch):
                v = _SIXBIT[buf[ps + k]]
                if v > 63:
                    badp = True
                    break
                sb[k] = v
        else:
            for k in range(ps, pe):
                if _SIXBIT[buf[k]] > 63:
                    badp = True
                    break
        if badp:
            nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_BAD_PAYLOAD)
            continue

        if count == 1:
            msg_t = t
            msg_row = lno
            slot = -1
        else:
            # multipart: find the open group with this channel, sequence id and part count
            slot = -1
            if n_open > 0:
                for k in range(MAX_SLOTS):
                    if (
                        sl_used[k]
                        and sl_chan[k] == chan
                        and sl_seq[k] == seq
                        and sl_count[k] == count
                    ):
                        slot = k
                        break
            if num == 1:
                if slot >= 0:  # a new group replaces an unfinished one: the old one is orphaned
                    nr = _orphan_parts(
                        rej_s,
                        rej_e,
                        rej_lno,
                        rej_reason,
                        nr,
                        pt_ls,
                        pt_le,
                        pt_lno,
                        slot,
                        sl_have[slot],
                    )
                    sl_used[slot] = False
                    n_open -= 1
                slot = -1
                for k in range(MAX_SLOTS):
                    if not sl_used[k]:
                        slot = k
                        break
                if slot < 0:  # table full: evict the oldest open group
                    slot = 0
                    for k in range(1, MAX_SLOTS):
                        if sl_first[k] < sl_first[slot]:
                            slot = k
                    nr = _orphan_parts(
                        rej_s,
                        rej_e,
                        rej_lno,
                        rej_reason,
                        nr,
                        pt_ls,
                        pt_le,
                        pt_lno,
                        slot,
                        sl_have[slot],
                    )
                    sl_used[slot] = False
                    n_open -= 1
                sl_used[slot] = True
                n_open += 1
                sl_chan[slot] = chan
                sl_seq[slot] = seq
                sl_count[slot] = count
                sl_first[slot] = lno
            elif slot < 0 or sl_have[slot] != num - 1 or lno - sl_last[slot] > window_lines:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, R_ORPHAN)
                if slot >= 0:
                    nr = _orphan_parts(
                        rej_s,
                        rej_e,
                        rej_lno,
                        rej_reason,
                        nr,
                        pt_ls,
                        pt_le,
                        pt_lno,
                        slot,
                        sl_have[slot],
                    )
                    sl_used[slot] = False
                    n_open -= 1
                continue
            j = num - 1
            pt_ps[slot, j] = ps
            pt_pe[slot, j] = pe
            pt_ls[slot, j] = s
            pt_le[slot, j] = le
            pt_lno[slot, j] = lno
            pt_t[slot, j] = t
            sl_have[slot] = num
            sl_last[slot] = lno
            if num < count:
                continue
            # complete: assemble the parts
            nch = 0
            for j in range(count):
                nch += pt_pe[slot, j] - pt_ps[slot, j]
            if nch > sb.size:
                sb = np.empty(nch * 2, np.uint8)
            m = 0
            msg_t = NULL_TIME
            for j in range(count):
                for k in range(pt_ps[slot, j], pt_pe[slot, j]):
                    sb[m] = _SIXBIT[buf[k]]
                    m += 1
                if msg_t == NULL_TIME:
                    msg_t = pt_t[slot, j]
            msg_row = sl_first[slot]
            sl_used[slot] = False
            n_open -= 1

        # decode the complete message and write its rows
        nbits = nch * 6 - fill
        ch[:] = 0
        reason, has_pos, has_sta = _decode_message(sb, nbits, msg_t, default_time, iv, fv, ch)
        if reason == R_OK and has_pos and (np.isnan(fv[F_LAT]) or np.isnan(fv[F_LON])):
            # lat 91 / lon 181, "not available": never a position; a message that names the
            # vessel (types 19, 21) keeps its statics row, any other is rejected
            if has_sta:
                has_pos = False
            else:
                reason = R_NO_POSITION
        if reason != R_OK:
            if slot < 0:
                nr = _reject(rej_s, rej_e, rej_lno, rej_reason, nr, s, le, lno, reason)
            else:
                for j in range(count):
                    nr = _reject(
                        rej_s,
                        rej_e,
                        rej_lno,
                        rej_reason,
                        nr,
                        pt_ls[slot, j],
                        pt_le[slot, j],
                        pt_lno[slot, j],
                        reason,
                    )
            continue
        n_acc += count
        if has_pos:
            p_mmsi[np_] = iv[I_MMSI]
            p_ts[np_] = iv[I_TS]
            p_lat[np_] = fv[F_LAT]
            p_lon[np_] = fv[F_LON]
            p_sog[np_] = fv[F_SOG]
            p_cog[np_] = fv[F_COG]
            p_hdg[np_] = iv[I_HDG]
            p_nav[np_] = iv[I_NAV]
            p_type[np_] = iv[I_TYPE]
            p_row[np_] = msg_row
            np_ += 1
        if has_sta:
            s_mmsi[ns] = iv[I_MMSI]
            s_ts[ns] = iv[I_TS]
            s_imo[ns] = iv[I_IMO]
            for k in range(CALLSIGN_W):
                s_call[ns, k] = ch[C_CALL + k]
            for k in range(NAME_W):
                s_name[ns, k] = ch[C_NAME + k]
            for k in range(DEST_W):
                s_dest[ns, k] = ch[C_DEST + k]
            s_stype[ns] = iv[I_STYPE]
            s_len[ns] = fv[F_LEN]
            s_beam[ns] = fv[F_BEAM]
            s_draught[ns] = fv[F_DRAUGHT]
            s_type[ns] = iv[I_TYPE]
            s_row[ns] = msg_row
            ns += 1

    # groups still open at the end of the buffer
    last_lno = line_base + li - n_carry - 1
    nc = 0
    for k in range(MAX_SLOTS):
        if not sl_used[k]:
            continue
        if final or last_lno - sl_last[k] > window_lines:
            nr = _orphan_parts(
                rej_s, rej_e, rej_lno, rej_reason, nr, pt_ls, pt_le, pt_lno, k, sl_have[k]
            )
        else:
            for j in range(sl_have[k]):
                c_s[nc] = pt_ls[k, j]
                c_e[nc] = pt_le[k, j]
                c_lno[nc] = pt_lno[k, j]
                c_time[nc] = pt_t[k, j]
                nc += 1
                n_read -= 1

    state[ST_PGHP_TIME] = pghp_time
    state[ST_GROUP_ID] = grp_id
    state[ST_GROUP_TIME] = grp_time
    state[ST_SPARE_ROWS] = spare
    state[ST_CLOCK_TIME] = clock_time
    state[ST_CLOCK_LINE] = clock_line
    return np_, ns, nr, nc, n_read, n_acc


@njit(cache=True, nogil=True)
def pack_fixed_strings(chars, n):
    """Arrow string buffers from the first n fixed-width rows of `chars` (uint8 [rows, width]):
    each row ends at its first NUL or '@' (the 6-bit text fill character), then trailing spaces
    are stripped; rows that end up empty are null. Returns (int32 offsets[n+1], uint8 data, bool valid[n])."""
    width = chars.shape[1]
    offsets = np.empty(n + 1, np.int32)
    valid = np.empty(n, np.bool_)
    lens = np.empty(n, np.int64)
    total = 0
    for i in range(n):
        ln = 0
        while ln < width and chars[i, ln] != 0 and chars[i, ln] != 64:
            ln += 1
        while ln > 0 and chars[i, ln - 1] == 32:
            ln -= 1
        lens[i] = ln
        total += ln
    data = np.empty(total, np.uint8)
    off = 0
    for i in range(n):
        offsets[i] = off
        ln = lens[i]
        for k in range(ln):
            data[off + k] = chars[i, k]
        off += ln
        valid[i] = ln > 0
    offsets[n] = off
    return offsets, data, valid
