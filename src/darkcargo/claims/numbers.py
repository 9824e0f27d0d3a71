"""Numbers in digits and words: "6,700", "3 million", "2.5m", "€50 billion", "30%", "10X",
"half a million", "two thousand".

A small rule-based reader instead of quantulum3: it knows that "2.5m shells" is 2.5 million
(quantulum3 reads metres), that "half a million" is 500,000, and it reports where each number
sits so the caller can look around it for the bound, the counted item and the calibre. It does
not decide whether a number is a claim (years, ages and identifiers are filtered by the
extractor, which sees more context).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "K": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "M": 1e6,
    "billion": 1e9,
    "bln": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "B": 1e9,
    "trillion": 1e12,
    "trn": 1e12,
    "tn": 1e12,
}

CURRENCY_PREFIX: dict[str, str] = {
    "US$": "USD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₩": "KRW",
    "¥": "JPY",
    "₽": "RUB",
    "USD": "USD",
    "EUR": "EUR",
    "GBP": "GBP",
    "KRW": "KRW",
    "RUB": "RUB",
}

_DIGITS = re.compile(
    r"""
    (?<![\w.,/#])                                   # not glued to a word, a decimal or an id
    (?P<cur>US\$|\$|€|£|₩|¥|₽|(?:USD|EUR|GBP|KRW|RUB)[ \u00a0]?)?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)
    (?:
        (?P<magw>[ \u00a0]?(?:trillion|billion|million|thousand)\b)
      | (?P<maga>[ \u00a0]?(?:bn|mn|mln|bln|trn|tn)\b|(?:m|b|k|M|B|K)\b)
    )?
    (?P<plus>\+|-plus\b)?
    (?:
        (?P<pct>[ \u00a0]?%|[ \u00a0](?:per[ \u00a0]?cent|percent)\b)
      | (?P<x>[xX×](?![\w]))
    )?
    """,
    re.VERBOSE,
)

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
WORD_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER_WORDS = (
    set(UNITS) | set(TENS) | set(WORD_SCALES) | {"a", "an", "and", "half", "quarter", "dozen", "of"}
)
_WORD = re.compile(r"[A-Za-z]+")
# Words that may start a written-out number ("a" and "an" only before a scale word).
_START_WORDS = set(UNITS) | set(TENS) | {"a", "an", "half", "dozen"}

# Smallest value a number written in words must have to count ("one official said" is not a
# quantity claim; "two ships" is).
MIN_WORD_VALUE = 2
# Longest run of number words read as one number ("two thousand five hundred and sixty-one").
MAX_WORD_RUN = 12


@dataclass(frozen=True, slots=True)
class NumberMention:
    """One number found in a text, with its offsets and how it was written."""

    start: int
    end: int
    value: float
    currency: str | None = None  # ISO code when a currency sign or code was attached
    percent: bool = False
    ratio: bool = False  # "10X", "tenfold"
    magnitude: str | None = None  # the scale word or suffix as written ("million", "m", "bn")
    grouped: bool = False  # written with thousands separators ("6,700")
    words: bool = False  # written in words ("two thousand")
    plus: bool = False  # "10,000+" or "10,000-plus"

    @property
    def has_scale(self) -> bool:
        return self.magnitude is not None

    @property
    def ambiguous_m(self) -> bool:
        """'2.5m' may be 2.5 million or 2.5 metres: the item decides."""
        return self.magnitude == "m" and self.currency is None


def parse_digits(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Numbers written with digits in text[start:end], offsets into `text`."""
    out: list[NumberMention] = []
    stop = len(text) if end is None else end
    for m in _DIGITS.finditer(text, start, stop):
        num = m.group("num")
        try:
            value = float(num.replace(",", ""))
        except ValueError:  # pragma: no cover - the pattern only admits digits
            continue
        magnitude = None
        mag = m.group("magw") or m.group("maga")
        if mag:
            magnitude = mag.strip()
            value *= SCALES[magnitude.lower() if magnitude.lower() in SCALES else magnitude]
        cur = m.group("cur")
        currency = CURRENCY_PREFIX[cur.strip()] if cur else None
        out.append(
            NumberMention(
                start=m.start(),
                end=m.end(),
                value=value,
                currency=currency,
                percent=bool(m.group("pct")),
                ratio=bool(m.group("x")),
                magnitude=magnitude,
                grouped="," in num,
                plus=bool(m.group("plus")),
            )
        )
    return out


def _word_value(words: list[str]) -> float | None:
    """Value of a run of number words, or None when the run is not a number."""
    ws = [w.lower() for w in words]
    # Fractions of a scale: "half a million", "a quarter of a million", "one and a half million".
    joined = " ".join(ws)
    m = re.fullmatch(r"(?:(?:a|an|one)\s+)?(half|quarter)\s+(?:of\s+)?an?\s+(\w+)", joined)
    if m and m.group(2) in WORD_SCALES:
        frac = 0.5 if m.group(1) == "half" else 0.25
        return frac * WORD_SCALES[m.group(2)]
    m = re.fullmatch(r"(\w+(?:[\s-]\w+)*)\s+and\s+an?\s+half\s+(\w+)", joined)
    if m and m.group(2) in WORD_SCALES:
        base = _word_value(m.group(1).split())
        if base is not None:
            return (base + 0.5) * WORD_SCALES[m.group(2)]
    if "of" in ws or "half" in ws or "quarter" in ws:
        return None
    total = 0.0
    current = 0.0
    seen = False
    for i, w in enumerate(ws):
        if w == "and":
            continue
        if w in ("a", "an"):
            if i + 1 < len(ws) and (ws[i + 1] in WORD_SCALES or ws[i + 1] == "dozen"):
                current = max(current, 1.0)
                seen = True
                continue
            return None
        if w in UNITS:
            current += UNITS[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w == "dozen":
            current = max(current, 1.0) * 12
            seen = True
        elif w == "hundred":
            current = max(current, 1.0) * 100
            seen = True
        elif w in WORD_SCALES:
            total += max(current, 1.0) * WORD_SCALES[w]
            current = 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_words(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Numbers written in words in text[start:end] ("two thousand", "half a million")."""
    stop = len(text) if end is None else end
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, stop)]
    out: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        s, _, w = tokens[i]
        lw = w.lower()
        if lw not in _START_WORDS:
            i += 1
            continue
        # Extend over number words joined by spaces or hyphens.
        j = i
        while j + 1 < len(tokens) and j - i < MAX_WORD_RUN:
            gap = text[tokens[j][1] : tokens[j + 1][0]]
            nxt = tokens[j + 1][2].lower()
            if gap not in (" ", "-", "\u00a0") or nxt not in _NUMBER_WORDS:
                break
            j += 1
        # Trim trailing connectives ("two and", "a", "of").
        while j > i and tokens[j][2].lower() in ("and", "a", "an", "of"):
            j -= 1
        run = [t[2] for t in tokens[i : j + 1]]
        value = _word_value(run)
        if value is None and len(run) > 1:
            # "a dozen", "two" inside a longer failed run: retry shorter prefixes.
            for k in range(len(run) - 1, 0, -1):
                value = _word_value(run[:k])
                if value is not None:
                    j = i + k - 1
                    break
        if value is not None and value >= MIN_WORD_VALUE:
            scale = next((t.lower() for t in run if t.lower() in WORD_SCALES), None)
            out.append(
                NumberMention(
                    start=s,
                    end=tokens[j][1],
                    value=value,
                    magnitude=scale if scale in ("thousand", "million", "billion") else None,
                    words=True,
                )
            )
            i = j + 1
        else:
            i += 1
    return out


_FOLD = re.compile(r"\b(?P<n>\w+)-?fold\b", re.IGNORECASE)


def parse_folds(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Ratios written as "tenfold" or "10-fold"."""
    stop = len(text) if end is None else end
    out = []
    for m in _FOLD.finditer(text, start, stop):
        n = m.group("n").lower()
        if n.isdigit():
            value: float | None = float(n)
        else:
            value = _word_value([n]) if n in UNITS or n in TENS or n == "hundred" else None
        if value:
            out.append(NumberMention(m.start(), m.end(), value, ratio=True, words=not n.isdigit()))
    return out


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Every number in text[start:end], digits and words, sorted, without overlaps."""
    found = parse_digits(text, start, end) + parse_folds(text, start, end)
    taken = [(n.start, n.end) for n in found]
    for n in parse_words(text, start, end):
        if not any(n.start < e and s < n.end for s, e in taken):
            found.append(n)
    found.sort(key=lambda n: (n.start, n.start - n.end))
    out: list[NumberMention] = []
    for n in found:
        if out and n.start < out[-1].end:
            continue
        out.append(n)
    return out
