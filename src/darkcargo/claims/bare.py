"""What a bare number counts: the noun its text names elsewhere. The item of a number with no
noun after it comes from its clause ("the number of containers ... passed 5,000"), from a noun
just before an aside ("multiple trips—at least five—"), from an earlier claim in its sentence
("73 rail cars ..., against 20 a day") or from the sentence before; and a number followed by
another noun ("5 companies") counts that, not an earlier claim's item."""

from __future__ import annotations

import re

from darkcargo.claims.items import STOP_WORDS, find_item_words

PREVIOUS_SENTENCE_CHARS = 300  # how far back a bare amount looks for what it counts

_BLANK_LINE = re.compile(r"\n[ \t]*\n")

_BACK_ITEM = re.compile(
    r"\b(?:number|total|tally|count|figure|amount|volume|quantity)\s+of\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?P<item>[A-Za-z][\w-]*)",
    re.IGNORECASE,
)

_NEXT_WORD = re.compile(r"[ \u00a0]+([A-Za-z][\w'’-]*)")

# "6 of those trips", "3 of them": a part of something counted before.
PARTITIVE = re.compile(r"[ \u00a0]+of[ \u00a0]+(?:those|these|them|which|its|their)\b", re.I)


def counts_something_else(text: str, pos: int, end: int) -> bool:
    """True when the number is followed by a noun that is not an item ("5 companies"): such a
    number does not borrow the item of an earlier claim. "4,000 of them" does borrow it."""
    if PARTITIVE.match(text, pos, end):
        return False
    m = _NEXT_WORD.match(text, pos, end)
    if not m:
        return False
    word = m.group(1).lower()
    if word in STOP_WORDS or word in ("a", "per", "each", "this", "last", "next"):
        return False
    if noun_left_out(text, pos, end) or word in _SAME_NOUN_NEXT:
        return False  # "the 148 already supplied", "killed and 47 injured": no noun written
    return not re.fullmatch(_MONTHS_WEEKDAYS, word)


def noun_left_out(text: str, pos: int, end: int) -> bool:
    """The number at `pos` is followed by an adverb or a participle, not its noun ("the 148
    already supplied", "the original 11,000 sent to Russia")."""
    m = _NEXT_WORD.match(text, pos, end)
    if not m:
        return False
    word = m.group(1).lower()
    return word in _ELIDED_NOUN_NEXT or (
        word.endswith("ed")
        and m.group(1).islower()
        and _PARTICIPLE_NEXT.match(text, m.end(), end) is not None
    )


# After a participle ("150 delivered in 2024"): it qualifies a count whose noun is left out;
# a finite verb takes an object instead ("400 reached the island").
_PARTICIPLE_NEXT = re.compile(
    r"\s+(?:in|to|by|from|since|during|so|earlier|already|last|this|over|into|through|at|on"
    r"|previously|before)\b",
    re.IGNORECASE,
)

# After a number that counts the noun of a figure before it in the sentence: "50 soldiers were
# killed and 47 injured", "300 died, with nearly 1,000 others injured".
_SAME_NOUN_NEXT = frozenset(
    {"injured", "wounded", "killed", "captured", "missing", "others", "more"}
)

# Words after a number whose noun is left out: adverbs and irregular participles.
_ELIDED_NOUN_NEXT = frozenset(
    {"already", "previously", "earlier", "reportedly", "allegedly", "still", "sent", "given"}
    | {"taken", "brought", "made", "built", "seen", "found", "shot", "fought", "bought"}
)


_MONTHS_WEEKDAYS = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|(?:mon|tues|wednes|thurs|fri"
    r"|satur|sun)day"
)

_PLACE_AFTER_NOUN = re.compile(
    r"\s+(?:from|of|to|for|in|by)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}\s*"
)

_ASIDE_OPENING = re.compile(r"(?:—|\(|\s–|\s--)\s*$")


def item_of_sentence_before(text: str, sentence_start: int) -> str | None:
    """The last item named in the text just before `sentence_start` (not past a blank line)."""
    start = max(0, sentence_start - PREVIOUS_SENTENCE_CHARS)
    # not past a blank line: that is another section
    start = max([start, *(m.end() for m in _BLANK_LINE.finditer(text, start, sentence_start))])
    words = find_item_words(text, start, sentence_start)
    return words[-1][2] if words else None


def item_from_context(
    text: str, clause_start: int, pos: int, prev_items: list[tuple[int, str, str | None]]
) -> str | None:
    """Item of a bare number: "the number of containers ... passed 5,000", or the item of the
    previous claim in the same sentence ("73 rail cars ..., against 20 a day")."""
    # An aside on the noun just before it: "multiple trips—at least five—", "containers (1,000)"
    opener = _ASIDE_OPENING.search(text, max(0, clause_start - 6), clause_start)
    if opener:
        before = find_item_words(text, max(0, opener.start() - 60), opener.start())
        if before and (
            not text[before[-1][1] : opener.start()].strip()
            # "ballistic missiles from the DPRK (several dozen)": past a place after the noun
            or _PLACE_AFTER_NOUN.fullmatch(text, before[-1][1], opener.start())
        ):
            return before[-1][2]
    best = None
    for m in _BACK_ITEM.finditer(text, max(0, clause_start - 200, pos - 400), pos):
        words = find_item_words(text, m.start(), min(pos, m.end() + 30))
        if words:
            best = words[0][2]
    if best:
        return best
    if prev_items:
        return prev_items[-1][1]
    return None
