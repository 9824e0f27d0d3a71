"""Calibres as written in the press: "152 mm", "152-millimeter", "155-calibre", "6-inch", and
gun or round names ("D-20", "Msta", "Grad"), all normalised to millimetres ("152mm").

Inches are converted (x 25.4) and snapped to the nearest calibre in service within 3%: 6-inch
is 152 mm (not 152.4), 4.8-inch 122 mm, 8-inch 203 mm.
"""

from __future__ import annotations

import re

MM_PER_INCH = 25.4
# Calibres in service (mm) that an inch figure snaps to; 3% covers rounded inch figures.
CALIBRES_MM = (
    57, 60, 73, 76, 82, 85, 100, 105, 107, 114, 120, 122, 125, 127, 130, 140, 152, 155, 160,
    180, 203, 220, 240, 300,
)  # fmt: skip
SNAP_TOLERANCE = 0.03
# Guns, launchers and rounds whose name gives the calibre (Soviet/Russian, North Korean and NATO
# systems).
NAMED_CALIBRES: dict[str, str] = {
    "d-30": "122mm",
    "2s1": "122mm",
    "gvozdika": "122mm",
    "of-462": "122mm",
    "grad": "122mm",
    "bm-21": "122mm",
    "9m22u": "122mm",
    "d-20": "152mm",
    "2a65": "152mm",
    "2s3": "152mm",
    "akatsiya": "152mm",
    "2s19": "152mm",
    "msta": "152mm",
    "msta-s": "152mm",
    "of-540": "152mm",
    "m1978": "170mm",  # North Korea's Koksan self-propelled guns ("Koksan" is an item form)
    "m1989": "170mm",
    "m107": "155mm",
    "m795": "155mm",
    "m777": "155mm",
    "m109": "155mm",
}

CALIBER_RE = re.compile(
    r"(?<![\w.,])(?P<cal>\d{2,3}(?:\.\d{1,2})?)[ \u00a0]?-?[ \u00a0]?"
    r"(?:mm|millimet(?:re|er)s?)(?![\w])(?:[ \u00a0-]?calib(?:re|er))?"
    r"|(?<![\w.,])(?P<calw>\d{2,3})[ \u00a0]?-?[ \u00a0]?calib(?:re|er)\b",
    re.IGNORECASE,
)
INCH_RE = re.compile(
    r"(?<![\w.,])(?P<inch>\d{1,2}(?:\.\d{1,2})?)(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0])"
    r"inch(?:es)?(?![\w])",
    re.IGNORECASE,
)
NAME_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(k) for k in sorted(NAMED_CALIBRES, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)


def snap_inches(inches: float) -> str | None:
    """'6' (inches) -> '152mm': the calibre in service nearest to inches x 25.4, within 3%."""
    mm = inches * MM_PER_INCH
    best = min(CALIBRES_MM, key=lambda c: abs(c - mm))
    return f"{best}mm" if abs(best - mm) <= SNAP_TOLERANCE * best else None


def _mm(cal: str) -> str:
    if "." in cal:
        cal = cal.rstrip("0").rstrip(".")
    return f"{cal}mm"


def match_caliber(text: str, pos: int, stop: int | None = None) -> tuple[int, str | None] | None:
    """A calibre written at `pos`: (its end, normalised calibre), or None."""
    end = len(text) if stop is None else stop
    m = CALIBER_RE.match(text, pos, end)
    if m:
        return m.end(), _mm(m.group("cal") or m.group("calw"))
    m = INCH_RE.match(text, pos, end)
    if m:
        return m.end(), snap_inches(float(m.group("inch")))
    m = NAME_RE.match(text, pos, end)
    if m:
        return m.end(), NAMED_CALIBRES[m.group().lower()]
    return None


def find_calibres(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, calibre) of every calibre written in millimetres or inches."""
    stop = len(text) if end is None else end
    out = []
    for rx in (CALIBER_RE, INCH_RE):
        for m in rx.finditer(text, start, stop):
            hit = match_caliber(text, m.start(), stop)
            if hit is not None and hit[1] is not None:
                out.append((m.start(), hit[0], hit[1]))
    return sorted(out)


def normalize_caliber(text: str) -> str | None:
    """'152 mm', '152-mm', '152 millimetre', '6-inch', 'D-20' -> '152mm'; None when text holds
    no calibre."""
    for rx in (CALIBER_RE, INCH_RE, NAME_RE):
        m = rx.search(text)
        if m:
            hit = match_caliber(text, m.start())
            if hit is not None:
                return hit[1]
    return None
