"""Compiled (numba) CSV scanner behind `darkcargo.ais.tabular`: one pass over a run of whole lines.

`scan_lines` splits each line into fields and converts the fields the layout uses straight into
column arrays: integers (MMSI), decimal numbers, ISO 8601 or day-first (``DD/MM/YYYY HH:MM:SS``)
times, and codes given as numbers or words; it hashes the identity fields of each row (the same
hash as `tabular.identity_hashes`) and records where each line starts and ends, for the exact text
of rejected rows.

It reads only the plain, common shape of provider CSVs, and says so instead of guessing: a quote
character, a byte outside ASCII, a line with another number of fields than the header, or a value
whose syntax it does not convert exactly as pyarrow's CSV reader would (padded numbers, nan/inf,
more significant digits than a double holds, times with zones, impossible dates ...) makes it
return `FALLBACK`, and the caller parses that run with pyarrow instead. Numbers are converted
exactly (Clinger's fast path: at most 2**53 as an integer significand, a power of ten up to 1e22,
one correctly rounded operation), so both readers give the same values bit for bit.

Pure functions over arrays: no I/O, no Python objects, no allocation. They are compiled without
numba's reference counting (`_nrt=False`): with it, every call that passes an array pays atomic
increments and decrements, which cost more than the parsing of a short field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numba import njit

_F = TypeVar("_F", bound=Callable[..., Any])

OK = 0
FALLBACK = 1


def _jit_options() -> dict[str, bool]:
    """Compiled without reference counting (see above; the kernels allocate nothing) where
    this numba has the (private) switch; plain nopython code otherwise."""
    try:
        from numba.core.cpu import CPUTargetOptions

        no_refcounts = hasattr(CPUTargetOptions, "_nrt")
    except ImportError:
        no_refcounts = False
    return {"cache": True, "nogil": True} | ({"_nrt": False} if no_refcounts else {})


_jit: Callable[[_F], _F] = njit(**_jit_options())  # type: ignore[call-overload]

# Column kinds (one per CSV column).
K_SKIP = 0
K_INT = 1  # int64 (MMSI)
K_FLOAT = 2  # float64
K_TS_ISO = 3  # YYYY-MM-DD[(T| )HH[:MM[:SS[.ffffff]]]] -> epoch microseconds
K_TS_DMY = 4  # DD/MM/YYYY HH:MM:SS -> epoch microseconds
K_CODE = 5  # an integer code given as a number and/or a word (see C_*)

# How a code column reads its values.
C_NUMBER = 1  # numbers only (integral; others null)
C_WORD = 2  # words only (looked up trimmed and lower-cased; others null)
C_NUMBER_OR_WORD = 3  # a word when it is one, else a number

_NL = 10
_CR = 13
_QUOTE = 34
_MAX_EXACT = 2**53
_MAX_BEFORE_DIGIT = (_MAX_EXACT - 9) // 10  # m*10+9 stays exact
_POW10 = np.array([10.0**k for k in range(23)], dtype=np.float64)
_DAYS_IN_MONTH = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_US = np.int64(1_000_000)

# Identity hash (must stay equal to tabular._hash_text).
_PRIME = np.uint64(0x100000001B3)
_MULT = np.uint64(0x9E3779B97F4A7C15)
_FIELD_END = np.uint64(0x1F)


@_jit
def _digit(c: int) -> bool:
    return 48 <= c <= 57


@_jit
def _float_prefix(buf, s, e):  # type: ignore[no-untyped-def]
    """The decimal number starting at buf[s] (read no further than e) -> (value, ok, end): end
    is where the number's text stops; ok is False when there is no number there or it is not
    one the scanner converts exactly (the caller falls back)."""
    i = s
    if i < e:
        c = buf[i]
        if c == 45 or c == 43:  # '-' '+'
            i += 1
    neg = i > s and buf[s] == 45
    m = np.int64(0)
    exp = 0
    digits = 0
    while i < e:
        c = buf[i]
        if c < 48 or c > 57:
            break
        if m > _MAX_BEFORE_DIGIT:
            return 0.0, False, i
        m = m * 10 + (c - 48)
        digits += 1
        i += 1
    if i < e and buf[i] == 46:  # '.'
        i += 1
        while i < e:
            c = buf[i]
            if c < 48 or c > 57:
                break
            if m > _MAX_BEFORE_DIGIT:
                return 0.0, False, i
            m = m * 10 + (c - 48)
            exp -= 1
            digits += 1
            i += 1
    if digits == 0:
        return 0.0, False, i
    if i < e and (buf[i] == 101 or buf[i] == 69):  # 'e' 'E'
        i += 1
        eneg = False
        if i < e:
            c = buf[i]
            if c == 45 or c == 43:
                eneg = c == 45
                i += 1
        x = 0
        nd = 0
        while i < e:
            c = buf[i]
            if c < 48 or c > 57:
                break
            if x > 1000:
                return 0.0, False, i
            x = x * 10 + (c - 48)
            nd += 1
            i += 1
        if nd == 0:
            return 0.0, False, i
        exp += -x if eneg else x
    if m == 0:
        v = 0.0
    elif exp > 22 or exp < -22:
        return 0.0, False, i
    elif exp >= 0:
        v = float(m) * _POW10[exp]
    else:
        v = float(m) / _POW10[-exp]
    return (-v if neg else v), True, i


@_jit
def _parse_float(buf, s, e):  # type: ignore[no-untyped-def]
    """Decimal number filling buf[s:e] exactly -> (value, ok)."""
    v, ok, end = _float_prefix(buf, s, e)
    return v, ok and end == e


@_jit
def _int_prefix(buf, s, e):  # type: ignore[no-untyped-def]
    """Plain decimal integer (optional '-', at most 18 digits) starting at buf[s] ->
    (value, ok, end)."""
    i = s
    neg = False
    if i < e and buf[i] == 45:
        neg = True
        i += 1
    v = np.int64(0)
    nd = 0
    while i < e:
        c = buf[i]
        if c < 48 or c > 57:
            break
        v = v * 10 + (c - 48)
        nd += 1
        i += 1
    if nd == 0 or nd > 18:
        return np.int64(0), False, i
    return (-v if neg else v), True, i


@_jit
def _num2(buf, i):  # type: ignore[no-untyped-def]
    """Two decimal digits at buf[i:i+2], or -1."""
    a, b = buf[i], buf[i + 1]
    if not (_digit(a) and _digit(b)):
        return -1
    return (a - 48) * 10 + (b - 48)


@_jit
def _civil_us(y, mo, d, h, mi, sec, us):  # type: ignore[no-untyped-def]
    """Epoch microseconds of a valid UTC calendar time -> (value, ok)."""
    if y < 1 or mo < 1 or mo > 12 or d < 1 or h < 0 or h > 23 or mi < 0 or mi > 59:
        return np.int64(0), False
    if sec < 0 or sec > 59:
        return np.int64(0), False
    dim = _DAYS_IN_MONTH[mo - 1]
    if mo == 2 and not ((y % 4 == 0 and y % 100 != 0) or y % 400 == 0):
        dim = 28
    if d > dim:
        return np.int64(0), False
    yy = y - 1 if mo <= 2 else y
    era = yy // 400
    yoe = yy - era * 400
    mp = mo - 3 if mo > 2 else mo + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return np.int64(((days * 24 + h) * 60 + mi) * 60 + sec) * _US + np.int64(us), True


@_jit
def _iso_prefix(buf, s, e):  # type: ignore[no-untyped-def]
    """YYYY-MM-DD[(T| )HH[:MM[:SS[.f{1,6}]]]] starting at buf[s] -> (epoch us, ok, end)."""
    if e - s < 10 or buf[s + 4] != 45 or buf[s + 7] != 45:
        return np.int64(0), False, s
    y = 0
    for k in range(4):
        c = buf[s + k]
        if c < 48 or c > 57:
            return np.int64(0), False, s
        y = y * 10 + (c - 48)
    mo = _num2(buf, s + 5)
    d = _num2(buf, s + 8)
    h = mi = sec = us = 0
    i = s + 10
    if i < e and (buf[i] == 84 or buf[i] == 32):  # 'T' ' '
        if e - i < 3:
            return np.int64(0), False, i
        h = _num2(buf, i + 1)
        i += 3
        if i < e and buf[i] == 58:  # ':'
            if e - i < 3:
                return np.int64(0), False, i
            mi = _num2(buf, i + 1)
            i += 3
            if i < e and buf[i] == 58:
                if e - i < 3:
                    return np.int64(0), False, i
                sec = _num2(buf, i + 1)
                i += 3
                if i < e and buf[i] == 46:  # '.' and 1-6 digits
                    i += 1
                    scale = 100_000
                    nd = 0
                    while i < e:
                        c = buf[i]
                        if c < 48 or c > 57:
                            break
                        us += (c - 48) * scale
                        scale //= 10
                        nd += 1
                        i += 1
                    if nd == 0 or nd > 6:
                        return np.int64(0), False, i
    t, ok = _civil_us(y, mo, d, h, mi, sec, us)
    return t, ok, i


@_jit
def _dmy_prefix(buf, s, e):  # type: ignore[no-untyped-def]
    """DD/MM/YYYY HH:MM:SS (two-digit fields, a valid date) at buf[s] -> (epoch us, ok, end)."""
    if e - s < 19 or buf[s + 2] != 47 or buf[s + 5] != 47 or buf[s + 10] != 32:
        return np.int64(0), False, s
    if buf[s + 13] != 58 or buf[s + 16] != 58:
        return np.int64(0), False, s
    y = 0
    for k in range(6, 10):
        c = buf[s + k]
        if c < 48 or c > 57:
            return np.int64(0), False, s
        y = y * 10 + (c - 48)
    t, ok = _civil_us(
        y,
        _num2(buf, s + 3),
        _num2(buf, s),
        _num2(buf, s + 11),
        _num2(buf, s + 14),
        _num2(buf, s + 17),
        0,
    )
    return t, ok, s + 19


@_jit
def _space(c: int) -> bool:
    """ASCII whitespace as Arrow's utf8_trim_whitespace sees it (no newline gets this far)."""
    return c == 32 or 9 <= c <= 13


@_jit
def _trim(buf, s, e):  # type: ignore[no-untyped-def]
    """buf[s:e] without leading and trailing whitespace -> (s, e)."""
    a = s
    while a < e:
        if not _space(buf[a]):
            break
        a += 1
    b = e
    while b > a:
        if not _space(buf[b - 1]):
            break
        b -= 1
    return a, b


@_jit
def _lookup_word(buf, s, e, first, last, keys, key_len, key_code):  # type: ignore[no-untyped-def]
    """Code of the word in buf[s:e] (whitespace trimmed, ASCII case ignored) among words
    first..last-1 -> (code, found)."""
    s, e = _trim(buf, s, e)
    n = e - s
    for k in range(first, last):
        if key_len[k] != n:
            continue
        same = True
        for j in range(n):
            c = buf[s + j]
            if 65 <= c <= 90:
                c += 32
            if c != keys[k, j]:
                same = False
                break
        if same:
            return key_code[k], True
    return np.int64(0), False


@_jit
def _parse_code(buf, s, e, mode, first, last, keys, key_len, key_code):  # type: ignore[no-untyped-def]
    """A code field -> (value, valid, ok). Words are looked up before numbers (no word starts
    like a number); unknown words, nan, inf and non-integral numbers are null (valid False), as
    `tabular.parse_code` reads them; ok False asks for the fallback."""
    s, e = _trim(buf, s, e)
    if s == e:
        return np.int64(0), False, True
    c = buf[s]
    numeric = _digit(c) or c == 45 or c == 43 or c == 46  # '-' '+' '.'
    if not numeric:
        if mode != C_NUMBER:
            code, found = _lookup_word(buf, s, e, first, last, keys, key_len, key_code)
            if found:
                return code, True, True
        return np.int64(0), False, True
    if mode == C_WORD:
        return np.int64(0), False, True
    v, ok = _parse_float(buf, s, e)
    if not ok:  # number-like text this scanner cannot convert exactly
        return np.int64(0), False, False
    if np.floor(v) != v or abs(v) > 2.0**53:
        return np.int64(0), False, True
    return np.int64(v), True, True


# Byte classes for splitting lines.
_PLAIN = 0
_DELIM = 1
_NEWLINE = 2
_RETURN = 3
_ODD = 4  # a quote or a byte outside ASCII: left to pyarrow


def byte_classes(delim: int) -> np.ndarray:
    """Class of every byte value for `scan_lines`."""
    cls = np.zeros(256, dtype=np.uint8)
    cls[34] = _ODD
    cls[128:] = _ODD
    cls[_NL] = _NEWLINE
    cls[_CR] = _RETURN
    cls[delim] = _DELIM
    return cls


@_jit
def scan_lines(  # type: ignore[no-untyped-def]
    buf, classes, kinds, slots, code_mode, code_first, code_last, hash_cols,
    keys, key_len, key_code,
    ints, ints_ok, floats, floats_ok, times, times_ok, codes, codes_ok,
    hashes, starts, ends, seed, fs, fe,
):  # fmt: skip
    """Scan the lines of `buf` (UTF-8 bytes of whole CSV lines, the last one may lack its
    newline) into the column arrays, row i per line i (an empty line is a row of nulls).

    `classes` is `byte_classes(delimiter)`. kinds[c]/slots[c] say what column c holds and where
    it goes (ints[slot], floats[slot], times[slot] or codes[slot]; the *_ok arrays, all False
    on entry, mark non-null values); a code column reads its words from keys[first:last].
    hash_cols lists the identity columns in hash order; fs/fe are scratch space (ncols).
    Each byte is read once: numbers and times are converted where they stand, and the byte
    after a field must end it (a delimiter, or the line's end after the last field).
    Returns (rows, status): status FALLBACK as soon as a line is beyond this scanner.
    """
    n = buf.shape[0]
    ncols = kinds.shape[0]
    last = ncols - 1
    row = 0
    pos = 0
    while pos < n:
        line_start = pos
        c = buf[pos]
        if c == _NL or (c == _CR and (pos + 1 == n or buf[pos + 1] == _NL)):  # empty line
            starts[row] = pos
            ends[row] = pos
            h = seed
            for _ in range(hash_cols.shape[0]):
                h = (h ^ _FIELD_END) * _PRIME
            hashes[row] = h
            row += 1
            pos += 1 if c == _NL else 2
            continue
        line_end = n
        for col in range(ncols):
            s = pos
            k = kinds[col]
            slot = slots[col]
            if k == K_FLOAT:
                f, ok, j = _float_prefix(buf, s, n)
                if j > s:
                    if not ok:
                        return row, FALLBACK
                    floats[slot, row] = f
                    floats_ok[slot, row] = True
            elif k == K_INT:
                v, ok, j = _int_prefix(buf, s, n)
                if j > s:
                    if not ok:
                        return row, FALLBACK
                    ints[slot, row] = v
                    ints_ok[slot, row] = True
            elif K_TS_ISO <= k <= K_TS_DMY:
                j = s
                if s < n and classes[buf[s]] == _PLAIN:
                    if k == K_TS_ISO:
                        t, ok, j = _iso_prefix(buf, s, n)
                    else:
                        t, ok, j = _dmy_prefix(buf, s, n)
                    if not ok:
                        return row, FALLBACK
                    times[slot, row] = t
                    times_ok[slot, row] = True
            else:  # text: skipped, hashed or a code
                j = s
                while j < n:
                    if classes[buf[j]] != _PLAIN:
                        break
                    j += 1
                if k == K_CODE and j > s:
                    v, valid, ok = _parse_code(
                        buf, s, j, code_mode[col], code_first[col], code_last[col],
                        keys, key_len, key_code,
                    )  # fmt: skip
                    if not ok:
                        return row, FALLBACK
                    codes[slot, row] = v
                    codes_ok[slot, row] = valid
            fs[col] = s
            fe[col] = j
            # what follows the field must end it
            if j == n:
                if col != last:
                    return row, FALLBACK
                line_end = n
                pos = n
                break
            cls = classes[buf[j]]
            if cls == _DELIM:
                if col == last:
                    return row, FALLBACK
                pos = j + 1
                continue
            if col != last:
                return row, FALLBACK
            if cls == _NEWLINE:
                line_end = j
                pos = j + 1
            elif cls == _RETURN and (j + 1 == n or buf[j + 1] == _NL):
                line_end = j
                pos = j + 2
            else:
                return row, FALLBACK
        starts[row] = line_start
        ends[row] = line_end
        h = seed
        for hc in range(hash_cols.shape[0]):
            col = hash_cols[hc]
            s = fs[col]
            e = fe[col]
            x = h
            if e > s:
                j = s
                while j + 8 <= e:
                    w = np.uint64(0)
                    for b in range(7, -1, -1):
                        w = (w << np.uint64(8)) | np.uint64(buf[j + b])
                    x = (x ^ w) * _MULT
                    x ^= x >> np.uint64(29)
                    j += 8
                w = np.uint64(e - s)
                while j < e:
                    w = (w << np.uint64(8)) | np.uint64(buf[j])
                    j += 1
                x = (x ^ w) * _MULT
                x ^= x >> np.uint64(32)
            h = (x ^ _FIELD_END) * _PRIME
        hashes[row] = h
        row += 1
    return row, OK
