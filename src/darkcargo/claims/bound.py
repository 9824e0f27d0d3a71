"""Bounds and hedges around a number, negation, and "could hold" (capacity) cues.

"about 6,700" is approximate, "more than 3 million" a lower bound, "up to 4.8 million" and "as
many as 3 million" upper bounds, "between 1 and 2 million" a range. "could hold 3 million shells"
states a capacity, not a count. These are read from the words right before (and after) a
number, within its clause.
"""

from __future__ import annotations

import re

EXACT = "exact"
APPROXIMATE = "approximate"
LOWER = "lower"
UPPER = "upper"
RANGE = "range"
VAGUE = "vague"  # "millions", "several million": a wide range whose ends are conventions

# Cue phrases that end right before the number, longest first within each bound.
_BOUND_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        LOWER,
        (
            "no fewer than",
            "no less than",
            "not less than",
            "in excess of",
            "upwards of",
            "upward of",
            "greater than",
            "well over",
            "just over",
            "more than",
            "at least",
            "a minimum of",
            "north of",
            "exceeding",
            "exceeded",
            "surpassed",
            "passed",
            "topped",
            "above",
            "over",
            ">=",
            "≥",
            ">",
        ),
    ),
    (
        UPPER,
        (
            "no more than",
            "not more than",
            "a maximum of",
            "limited to importing",  # "Pyongyang is limited to importing 500,000 barrels a year"
            "limited to",
            "imports to",  # "limited North Korean refined oil imports to 500,000 barrels"
            "capped at",
            "as many as",
            "as much as",
            "as high as",
            "fewer than",
            "just under",
            "less than",
            "almost",
            "nearly",
            "approaching",
            "approaches",
            "approached",
            "nearing",
            "just shy of",
            "up to",
            "at most",
            "under",
            "below",
            "<=",
            "≤",
            "<",
        ),
    ),
    (
        APPROXIMATE,
        (
            "in the region of",
            "on the order of",
            "of the order of",
            "more or less",
            "approximately",
            "an estimated",
            "closer to",
            "close to",
            "roughly",
            "around",
            "approx.",
            "approx",
            "circa",
            "about",
            "some",
            "c.",
            "~",
        ),
    ),
)
_CUE_RE: list[tuple[str, re.Pattern[str]]] = [
    (
        bound,
        re.compile(
            r"(?:^|(?<=[\s(\"'“‘—]))(?P<cue>"
            + "|".join(re.escape(c) for c in cues)
            # 'at least "3,000 soldiers"': the cue outside the quotation of its figure
            # "up to a total of 100,000 personnel": the cue before "a total of"
            + r")[ \u00a0]*(?:the[ \u00a0]+|a[ \u00a0]+total[ \u00a0]+of[ \u00a0]+)?[\"“‘']?$",
            re.IGNORECASE,
        ),
    )
    for bound, cues in _BOUND_CUES
]
_AFTER_RE = re.compile(
    r"^[ \u00a0]*(?:,[ \u00a0]*)?(?P<cue>or more|or so|or fewer|or less|at least|at most|or thereabouts)\b",
    re.IGNORECASE,
)
_AFTER_BOUND = {
    "or more": LOWER,
    "at least": LOWER,
    "or so": APPROXIMATE,
    "or thereabouts": APPROXIMATE,
    "or fewer": UPPER,
    "or less": UPPER,
    "at most": UPPER,
}
_PHRASAL_UP = re.compile(
    r"\b(?:gear|gears|geared|gearing|ramp|ramps|ramped|ramping|step|steps|stepped|stepping"
    r"|gin|gins|ginned|ginning|build|builds|building|speed|speeds|speeding|set|sets|setting"
    r"|line|lines|lined|lining|sign|signs|signed|signing|gang|ganged|team|teamed|teaming|face"
    r"|faced|facing|live|lived|living|own|owned|owning)\s*$",
    re.IGNORECASE,
)
_PHRASAL_OVER = re.compile(
    r"\b(?:hand|hands|handed|handing|turn|turns|turned|turning|pass|passes|passing|sign|signs"
    r"|signed|signing|hand(?:ed)?\s+it|took|take|takes|taken|taking"
    # "over" meaning "about": "concerned over one million shells"
    r"|concerned|concern|concerns|worried|worries|worry|anxious|dispute|disputes|fight|fights"
    r"|talks|row|clash|clashes)\s*$",
    re.IGNORECASE,
)
# "about" after what speaks of something: a topic, not a hedge ("reports about 100,000 troops")
_TOPIC_ABOUT = re.compile(
    r"\b(?:reports?|rumou?rs?|claims?|news|allegations?|information|stories|story|speculation"
    r"|talk)\s*$",
    re.IGNORECASE,
)
# A prohibition before "more than": the figure is a cap ("is banned from importing more than")
_LIMIT_BEFORE = re.compile(
    r"\b(?:banned|barred|prohibited|forbidden|not\s+allowed|not\s+permitted)\s+(?:from\s+|to\s+)?"
    r"(?:[a-z]+ing\s+|[a-z]+\s+)?$",
    re.IGNORECASE,
)
# How far back from a number a bound cue may start (characters).
CUE_LOOKBACK = 40


def bound_before(text: str, num_start: int, floor: int = 0) -> tuple[str, str | None, int]:
    """(bound, cue as written, cue start) from the words ending right before `num_start`."""
    lo = max(floor, num_start - CUE_LOOKBACK)
    before = text[lo:num_start]
    best: tuple[str, str, int] | None = None
    for bound, pattern in _CUE_RE:
        m = pattern.search(before)
        if m and m.group("cue").lower() == "over" and _PHRASAL_OVER.search(before, 0, m.start()):
            continue  # "handed over 1.5 million projectiles": a verb's particle, not a bound
        if m and m.group("cue").lower() == "up to" and _PHRASAL_UP.search(before, 0, m.start()):
            continue  # "gearing up to double the number": a verb's particle and "to"
        if m and m.group("cue").lower() == "about" and _TOPIC_ABOUT.search(before, 0, m.start()):
            continue  # "Refutes Reports About 100,000 Troops": what the reports are about
        if m and bound == LOWER and _LIMIT_BEFORE.search(text, max(floor, lo - 40), lo + m.start()):
            # "banned from importing more than 500,000 barrels a year": a limit, given exactly
            return EXACT, None, num_start
        if m and (best is None or lo + m.start("cue") < best[2]):
            # The longest cue wins: "no more than" (upper) over "more than" (lower).
            best = (bound, m.group("cue"), lo + m.start("cue"))
    return best if best is not None else (EXACT, None, num_start)


def bound_after(text: str, pos: int, limit: int | None = None) -> tuple[str | None, str | None]:
    """A trailing cue ("6,700 or more", "300 or so"): (bound, cue) or (None, None)."""
    m = _AFTER_RE.match(text[pos : limit if limit is not None else pos + 30])
    if not m:
        return None, None
    cue = m.group("cue").lower()
    return _AFTER_BOUND[cue], m.group("cue")


# -- capacity ---------------------------------------------------------------------------------
CAPACITY_RE = re.compile(
    r"\b(?:could|can|would|might|may)\s+(?:(?:have|also|potentially|each)\s+)*"
    r"(?:hold|held|carry|carried|contain|contained|fit|accommodate|store|take)\b"
    r"|\bcapable\s+of\s+(?:holding|carrying|containing|storing)\b"
    r"|\benough\s+(?:to\s+(?:hold|fill|carry|contain|store)|for)\b"
    r"|\benough\s+(?:[\w-]+\s+){0,2}(?:space|room|capacity)\s+(?:for|to)\b"
    r"|\b(?:cargo|storage|deck)\s+space\s+for\b|\bthere\s+(?:could|may|might)\s+be\b"
    r"|\bcould\s+(?:translate|amount)\s+to\b"
    r"|\b(?:equivalent|equal)\s+to\b|\bequat(?:es|ed|ing)\s+to\b"
    r"|\btranslat(?:es|ed|ing)\s+(?:in)?to\b|\bcapacity\s+(?:of|for|to)\b|\broom\s+for\b"
    r"|\bworth\s+of\s+space\s+for\b",
    re.IGNORECASE,
)


def capacity_cue(text: str, clause_start: int, num_start: int) -> str | None:
    """The "could hold" cue before the number within its clause, or None."""
    found = list(CAPACITY_RE.finditer(text, clause_start, num_start))
    return found[-1].group() if found else None


# A count of what was seen at one place and time (a stock), not a total over a period.
OBSERVED_RE = re.compile(
    r"\b(?:on\s+(?:the\s+|its\s+)?(?:quay|quayside|deck|dock|pier|wharf|berth)"
    r"|at\s+(?:the\s+|\w+['’]s\s+)?(?:quay|quayside|pier|dock|wharf|berth)"
    r"|stacked|piled|seen\s+(?:at|on|in|near)|photographed|spotted|visible\s+(?:at|on|in))\b",
    re.IGNORECASE,
)


def observed_cue(text: str, clause_start: int, clause_end: int) -> str | None:
    """The cue that makes a count a snapshot ("stacked on the quay", "seen at the pier")."""
    m = OBSERVED_RE.search(text, clause_start, clause_end)
    return m.group() if m else None


PER_CONTAINER_RE = re.compile(
    r"\b(?:per|each|every|a\s+single|one|in\s+a|in\s+each|in\s+one)\s+"
    r"(?:(?:20|40|twenty|forty)[- ]?(?:foot|feet|ft)\s+)?(?:shipping\s+)?(?:container|box)\b",
    re.IGNORECASE,
)


def per_container_cue(text: str, clause_start: int, clause_end: int) -> bool:
    """True when the clause speaks of one container ("a single container can carry 448")."""
    return PER_CONTAINER_RE.search(text, clause_start, clause_end) is not None


# -- negation ---------------------------------------------------------------------------------
NEGATION_RE = re.compile(
    r"\b(?:not|never|no\s+evidence|denied|denies|deny|denying|rejected|rejects|dismissed)\b|n't\b",
    re.IGNORECASE,
)
_NOT_NEGATION = re.compile(
    r"\bnot\s+only\b|\bif\s+not\b|\bnot\s+least\b|\bno\s+(?:more|fewer|less)\s+than\b"
    r"|\bnot\s+(?:more|less)\s+than\b",
    re.IGNORECASE,
)


def negated(text: str, clause_start: int, num_start: int) -> bool:
    """True when a negation governs the number: "denied receiving 1 million shells", "no
    evidence that more than 10 ships". "not only", "if not" and "no more than" do not negate."""
    span = text[clause_start:num_start]
    span = _NOT_NEGATION.sub(" ", span)
    return NEGATION_RE.search(span) is not None
