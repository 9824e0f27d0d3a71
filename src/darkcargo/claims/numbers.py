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
    "mil": 1e6,
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
    # "2. 5 million": a decimal point a web page's text spaced out (never a sentence's end)
    (?P<num>\d{1,3}(?P<sep>[,\u00a0\u2009\u202f'’ ])\d{3}(?:(?P=sep)\d{3})*(?![\d])(?:\.\d+)?
      |\d+(?:\.(?:[ ](?=\d{1,2}[ \u00a0](?i:trillion|billion|million)\b))?\d+)?)
    (?:
        (?P<magw>[ \u00a0-]?(?i:trillion|billion|million|thousand)\b)
      | (?P<maga>[ \u00a0]?(?i:bn|mn|mln|bln|trn|tn|mil)\b|(?:m|b|k|M|B|K)\b)
    )?
    (?P<curafter>[ \u00a0](?:USD|EUR|GBP|KRW|RUB)\b)?    # "9.8 billion USD"
    (?P<plus>\+|-plus\b)?
    (?:
        (?P<pct>[ \u00a0]?%|[ \u00a0](?:per[ \u00a0]?cent|percent)\b)
      | (?P<x>[xX×](?![\w]))
    )?
    """,
    re.VERBOSE,
)

_SEPARATORS = re.compile(r"[,\u00a0\u2009\u202f'’ ]")
_SPACE_GROUP_TRAP = re.compile(r"[ \u00a0]?\d")
_CALIBRE_UNIT_NEXT = re.compile(r"[ \u00a0-]?(?:mm|millimet(?:re|er)s?)\b", re.IGNORECASE)

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
    set(UNITS)
    | set(TENS)
    | set(WORD_SCALES)
    | {"a", "an", "and", "half", "quarter", "third", "dozen", "of"}
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
    high: float | None = None  # upper end of a vague amount ("millions": 2-10 million)
    vague: bool = False  # "millions", "several million", "hundreds of thousands"

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
        sep = m.group("sep")
        if sep == " " and _SPACE_GROUP_TRAP.match(text, m.end("num")):
            # "in 2023 100 ships" is not 2,023,100: a space-grouped number must stand alone.
            continue
        if sep == " " and _CALIBRE_UNIT_NEXT.match(text, m.end("num")):
            # "220 240mm rocket launchers": a count, then a calibre; not 220,240
            first = _DIGITS.match(text, m.start(), m.start("num") + num.index(" "))
            if first is None:
                continue
            m, num, sep = first, first.group("num"), None
        try:
            value = float(_SEPARATORS.sub("", num))
        except ValueError:  # pragma: no cover - the pattern only admits digits
            continue
        magnitude = None
        mag = m.group("magw") or m.group("maga")
        if mag:
            magnitude = mag.strip()
            magnitude = magnitude.lstrip("-")
            key = magnitude if magnitude in SCALES else magnitude.lower()
            value *= SCALES[key]
        cur = m.group("cur") or m.group("curafter")
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
                grouped=sep is not None,
                plus=bool(m.group("plus")),
            )
        )
    return out


def _word_value(words: list[str]) -> float | None:
    """Value of a run of number words, or None when the run is not a number."""
    ws = [w.lower() for w in words]
    # Fractions of a scale: "half a million", "a quarter of a million", "one and a half million".
    joined = " ".join(ws)
    if re.fullmatch(r"(?:(?:a|an)\s+)?half\s+(?:a\s+)?dozen", joined):
        return 6.0  # "a half dozen ships", "half a dozen"
    m = re.fullmatch(r"(?:(?:a|an|one)\s+)?(half|quarter|third)\s+(?:of\s+)?an?\s+(\w+)", joined)
    if m and m.group(2) in WORD_SCALES:
        frac = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}[m.group(1)]
        return float(round(frac * WORD_SCALES[m.group(2)]))
    # "a million and a half": one and a half of the scale
    m = re.fullmatch(r"(?:a|an|one)\s+(\w+)\s+and\s+an?\s+half", joined)
    if m and m.group(1) in WORD_SCALES and m.group(1) != "hundred":
        return 1.5 * WORD_SCALES[m.group(1)]
    m = re.fullmatch(r"(\w+(?:[\s-]\w+)*)\s+and\s+an?\s+half(?:\s+(\w+))?", joined)
    if m and (m.group(2) is None or m.group(2) in WORD_SCALES):
        # "one and a half million"; "two and a half (years)"
        base = _word_value(m.group(1).split())
        if base is not None:
            return (base + 0.5) * (WORD_SCALES[m.group(2)] if m.group(2) else 1.0)
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


# "would triple the number of soldiers": a ratio written as a verb, with what it multiplies
_MULTIPLY_VERB = re.compile(
    r"\b(?P<v>doubl|tripl|quadrupl|halv)(?:e|es|ed|ing)(?=\s+(?:the|its|their|his|her)\s+"
    r"(?:[a-z]+\s+)?(?:number|amount|total|size|scale|volume|count|supply|supplies|output"
    r"|production|deliveries|shipments)\b)",
    re.IGNORECASE,
)
_MULTIPLY_VALUE = {"doubl": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5}


def parse_folds(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Ratios written as "tenfold" or "10-fold", or as a verb ("would triple the number")."""
    stop = len(text) if end is None else end
    out = [
        NumberMention(m.start(), m.end(), _MULTIPLY_VALUE[m.group("v").lower()], ratio=True)
        for m in _MULTIPLY_VERB.finditer(text, start, stop)
    ]
    for m in _FOLD.finditer(text, start, stop):
        n = m.group("n").lower()
        if n.isdigit():
            value: float | None = float(n)
        else:
            value = _word_value([n]) if n in UNITS or n in TENS or n == "hundred" else None
        if value:
            out.append(NumberMention(m.start(), m.end(), value, ratio=True, words=not n.isdigit()))
    return out


_DIGIT_WORDS = "|".join([*UNITS][:10])
_POINT = re.compile(
    rf"\b(?P<int>{'|'.join(UNITS)})[- ]point[- ](?P<dec>(?:(?:{_DIGIT_WORDS})[- ]?)+?)"
    r"[- ](?P<scale>thousand|million|billion|trillion)\b",
    re.IGNORECASE,
)


def parse_point_words(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Decimals written in words before a scale: "one-point-six million" (1.6 million)."""
    stop = len(text) if end is None else end
    out = []
    for m in _POINT.finditer(text, start, stop):
        digits = "".join(str(UNITS[w.lower()]) for w in re.split(r"[- ]", m.group("dec")) if w)
        value = float(f"{UNITS[m.group('int').lower()]}.{digits}")
        scale = m.group("scale").lower()
        out.append(
            NumberMention(
                m.start(), m.end(), value * WORD_SCALES[scale], magnitude=scale, words=True
            )
        )
    return out


# Numbers written half in digits, half in words, as some wires and translations do: "47-hundred"
# (4,700), "four-thousand-100" (4,100), "six-thousand-700" (6,700).
_MIXED = re.compile(
    r"(?<![\w.,-])(?:(?P<hundreds>\d{1,2})[- ]hundred"
    rf"|(?P<word>{'|'.join([*UNITS, *TENS])})-thousand-(?P<rest>\d{{1,3}}))(?![\w,-])"
    r"(?![ \u00a0]+(?:thousand|million|billion)\b)",  # "2 hundred thousand" is no "2 hundred"
    re.IGNORECASE,
)


def parse_mixed(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Numbers mixing digits and number words ("47-hundred", "four-thousand-100")."""
    stop = len(text) if end is None else end
    out = []
    for m in _MIXED.finditer(text, start, stop):
        if m.group("hundreds"):
            value = int(m.group("hundreds")) * 100.0
        else:
            lead = m.group("word").lower()
            value = (UNITS[lead] if lead in UNITS else TENS[lead]) * 1000.0 + int(m.group("rest"))
        out.append(NumberMention(m.start(), m.end(), value, words=True))
    return out


# Vague amounts, as ranges: "millions" 2-10 million, "several million" 3-9 million, "hundreds
# of thousands" 200,000-1,000,000, "a few thousand" 2,000-5,000, "dozens" 24-100, "scores of"
# 40-200.
VAGUE_MULTIPLIERS: dict[str, tuple[float, float]] = {
    "several": (3, 9),
    "a few": (2, 5),
    "a couple of": (2, 3),
    "a couple": (2, 3),  # "approximately a couple thousand"
}
VAGUE_PLURALS: dict[str, tuple[float, float]] = {
    "dozens": (24, 100),
    "scores": (40, 200),  # "scores of missiles": only before "of" (a score is twenty)
    "hundreds": (200, 1000),
    "thousands": (2e3, 1e4),
    "tens of thousands": (2e4, 1e5),
    "hundreds of thousands": (2e5, 1e6),
    "millions": (2e6, 1e7),
    "tens of millions": (2e7, 1e8),
    "hundreds of millions": (2e8, 1e9),
    "billions": (2e9, 1e10),
    "tens of billions": (2e10, 1e11),
    "hundreds of billions": (2e11, 1e12),
}
_SCALE_WORD = r"(?:dozen|hundred|thousand|million|billion)"
_VAGUE = re.compile(
    r"\b(?:(?P<mult>several|a\s+few|a\s+couple(?:\s+of)?)\s+(?P<scales>"
    + _SCALE_WORD
    + r"(?:\s+"
    + _SCALE_WORD
    + r")*)\b"
    r"|(?P<plural>(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)|dozens|hundreds|thousands"
    r"|millions|billions)\b(?=\s+(?:of\b|more\b|[a-z]))"
    r"|(?P<scores>scores)(?=\s+of\b)"
    # "troops, estimated to number in the thousands, ...": the amount, with no noun after it
    r"|(?<=in the )(?P<inthe>(?:tens\s+of\s+)?(?:hundreds|thousands|millions))\b"
    # "several Hwasong-11 missiles", "several merchant ships": 3-9 of them
    # but not a bare "Several are also marked as high risk": a pronoun, no amount of anything
    # (unless harm follows: "20 soldiers died and several were injured")
    r"|(?P<several>several)(?=\s+(?:(?:were|are|was|have\s+been|had\s+been)\s+(?:[a-z]+\s+)?"
    r"(?:killed|injured|wounded|captured|missing)\b|(?!(?:dozen|hundred|thousand|million"
    r"|billion|are|were|is|was|have|had|has|will|would|could|may|might)\b)[A-Za-z]))"
    r")",
    re.IGNORECASE,
)
_SCALE_VALUE = {"dozen": 12.0, **{k: float(v) for k, v in WORD_SCALES.items()}}


def parse_vague(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Vague amounts ("millions of", "several million", "hundreds of thousands of") as
    mentions with a low and a high end."""
    stop = len(text) if end is None else end
    out = []
    for m in _VAGUE.finditer(text, start, stop):
        if m.group("mult"):
            lo, hi = VAGUE_MULTIPLIERS[" ".join(m.group("mult").lower().split())]
            scale = 1.0
            for w in m.group("scales").lower().split():
                scale *= _SCALE_VALUE[w]
            low, high = lo * scale, hi * scale
        elif m.group("several"):
            low, high = VAGUE_MULTIPLIERS["several"]
        else:
            word = m.group("plural") or m.group("scores") or m.group("inthe")
            low, high = VAGUE_PLURALS[" ".join(word.lower().split())]
        out.append(
            NumberMention(
                m.start(), m.end(), low, magnitude="vague", words=True, high=high, vague=True
            )
        )
    return out


# "from 1-to-10 to about 1-to-2", "a 3:1 ratio", "a ratio of 5 to 1": one side is 1, the
# figure the other. Unhyphenated pairs only beside the word "ratio" (else "3 to 1" or "10:1"
# may be a score, a range or a time).
_RATIO_PAIR = re.compile(
    r"(?<![\w.,])(?P<a>\d+(?:\.\d+)?)(?P<sep>-to-|[ \u00a0]to[ \u00a0]|[ \u00a0]?:[ \u00a0]?)"
    r"(?P<b>\d+(?:\.\d+)?)(?![\w:-]|[.,]\d)"
)
_RATIO_WORD_BEFORE = re.compile(r"\bratios?\s+(?:of\s+)?(?:about\s+|around\s+|nearly\s+)?$", re.I)
_RATIO_WORD_AFTER = re.compile(r"[ \u00a0-]ratio\b", re.I)


def parse_ratio_pairs(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Ratios written as a pair with one side 1 ("1-to-10", "3:1 ratio"): the other side."""
    stop = len(text) if end is None else end
    out: list[NumberMention] = []
    for m in _RATIO_PAIR.finditer(text, start, stop):
        a, b = float(m.group("a")), float(m.group("b"))
        if (a == 1.0) == (b == 1.0):
            continue
        hyphenated = m.group("sep") == "-to-"
        beside = _RATIO_WORD_BEFORE.search(text, max(start, m.start() - 30), m.start()) or (
            _RATIO_WORD_AFTER.match(text, m.end(), stop)
        )
        if hyphenated or beside:
            out.append(NumberMention(m.start(), m.end(), b if a == 1.0 else a, ratio=True))
    return out


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[NumberMention]:
    """Every number in text[start:end], digits and words, sorted, without overlaps."""
    found = (
        parse_ratio_pairs(text, start, end)
        + parse_digits(text, start, end)
        + parse_folds(text, start, end)
        + parse_point_words(text, start, end)
        + parse_vague(text, start, end)
        + parse_mixed(text, start, end)
    )
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
