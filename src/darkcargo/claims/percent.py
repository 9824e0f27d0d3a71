"""What a percentage is of: the head of the noun phrase after it ("30% of their capacity",
"60% of the shells fired", "4% of North Korea's economy"), read by the candidates of a sentence."""

from __future__ import annotations

import re

from darkcargo.claims.calibres import match_caliber
from darkcargo.claims.items import ITEM_FORMS, STOP_WORDS, normalize_item, read_item

_ITEM_NOUNS = frozenset(f for forms in ITEM_FORMS.values() for f in forms)
_PERCENT_OF = re.compile(
    r"[ \u00a0]+(?:(?:more|less|fewer|larger|smaller|bigger|higher|lower|greater)[ \u00a0]+"
    r"(?:by[ \u00a0]+|in[ \u00a0]+)?)?(?:of[ \u00a0]+)?"
    r"(?:(?:the|their|its|his|her|our|this|that|all|total)[ \u00a0]+)?"
    # "of North Korea's troops", "of the North Korean army's officers": whose they are
    r"(?:(?:[A-Z][\w.-]*[ \u00a0]+){0,3}(?:[A-Z][\w.-]*|army|military|navy)['’]s[ \u00a0]+)?"
)
_FLEET_WORDS = frozenset({"fleet", "fleets"})
_NOT_A_HEAD = frozenset({"of", "hundreds", "thousands", "dozens", "millions", "billions", "tens"})
_PERCENT_WORD = re.compile(r"([a-z][a-z-]{1,})\b[ \u00a0]*")
_PERCENT_STOP = frozenset(
    [
        "due",
        "owing",
        "compared",
        "relative",
        "according",
        "per",
        "cent",
        "percent",
        "them",
        "us",
        "you",
        "him",
        "me",
        "whom",
        "came",
        "come",
        "comes",
        "went",
        "go",
        "goes",
        # "60% of the population lives below the poverty line": a verb or a preposition ends
        # the noun phrase
        "lives",
        "live",
        "below",
        "above",
        "under",
    ]
)


# What a percentage of change names after it ("a 200% increase"): no item of its own.
CHANGE_NOUNS = frozenset(
    {"increase", "increases", "rise", "rises", "growth", "jump", "jumps", "surge", "drop"}
    | {"drops", "decline", "declines", "fall", "falls", "decrease", "decreases", "reduction"}
    | {"cut", "cuts", "gain", "gains", "hike", "rebound"}
)

_GDP = re.compile(
    r"(?:(?:annual|yearly|nominal|total|national)\s+)?(?:gross\s+domestic\s+product|GDP)\b",
    re.IGNORECASE,
)


def percent_of(text: str, pos: int, end: int) -> tuple[str | None, int]:
    """What a percentage is of: the head of the noun phrase after it. "30% of their capacity"
    and "30% capacity" -> capacity, "30% more goods" -> goods, "4% of North Korea's economy" ->
    economy, "60% of the shells fired" -> shells. (item, end of the phrase)."""
    m = _PERCENT_OF.match(text, pos, end)
    if not m:
        return None, pos
    i, head, head_end = m.end(), None, pos
    gdp = _GDP.match(text, i, end)
    if gdp:
        return "economy", gdp.end()  # "70% of North Korea's annual gross domestic product"
    if match_caliber(text, i, end) is not None:
        # "60 percent of the 122 millimeter and 152 millimeter artillery ammunition"
        ip = read_item(text, i, end)
        return (ip.item, ip.end) if ip.item else (None, pos)
    for _ in range(3):
        w = _PERCENT_WORD.match(text, i, end)
        if not w:
            break
        word = w.group(1)
        if (
            word in STOP_WORDS
            or word in _PERCENT_STOP
            or word in _NOT_A_HEAD  # "30 percent of the hundreds of ... factories"
            or word.endswith(("ed", "ing"))
        ):
            break
        head, head_end = word, w.start() + len(word)
        if word in _ITEM_NOUNS:
            break
        i = w.end()
    if head is None:
        return None, pos
    if head not in _ITEM_NOUNS and i < end and text[i].isdigit():
        # "33.7 percent of the annual 500,000-barrel limit": the word was a modifier, and what
        # the percentage is of is not read here
        return None, pos
    if head in _FLEET_WORDS:
        return "ships", head_end  # "35% of the dark fleet": of its ships
    return (normalize_item(head) if head in _ITEM_NOUNS else head), head_end
