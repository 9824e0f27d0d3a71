"""Candidate figures in one sentence: numbers that are quantities, with their item, calibre,
bound, basis (count, capacity, observed, part, money, percentage, ...) and negation.

Numbers that are not quantities are masked out first (dates, times, ages, list numbers,
identifiers such as "IMO 9179842" or "KN-23", calibres, measures such as "20-foot" or
"43.56 kg"); numbers are paired into ranges; each figure's item is read from the noun phrase
after it ("N times" after a voyage verb are voyages), its bound from the words around it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from darkcargo.claims import bound as cues
from darkcargo.claims.bare import (
    PARTITIVE,
    counts_something_else,
    item_from_context,
    item_of_sentence_before,
    noun_left_out,
)
from darkcargo.claims.calibres import find_calibres
from darkcargo.claims.dates import DateMention, day_of_month_spans
from darkcargo.claims.items import (
    CURRENCY_ITEMS,
    CURRENCY_NAMES,
    ITEM_FORMS,
    MASS_ITEMS,
    ItemPhrase,
    find_item_words,
    normalize_item,
    read_item,
    workers_as_troops,
)
from darkcargo.claims.numbers import SCALES, NumberMention, find_numbers, parse_mixed
from darkcargo.claims.percent import CHANGE_NOUNS, percent_of
from darkcargo.claims.text import Sentence, clause_bounds, clause_starts

COUNT, CAPACITY, RATE, MONEY, PERCENTAGE, RATIO, MASS, OBSERVED = (
    "count",
    "capacity",
    "rate",
    "money",
    "percentage",
    "ratio",
    "mass",
    "observed",  # what was seen at one place and time: a stock, not a total over a period
)
PART = "part"  # "6 of those trips": a part of a figure given before


@dataclass(frozen=True)
class ExtractParams:
    """Named thresholds of the extractor."""

    # A number with no item, no scale word and no thousands separator below this is dropped.
    min_bare_value: float = 1000.0
    # Inherit the previous sentence's speaker when a sentence opens with an anaphor ("That...").
    inherit_on_anaphor: bool = True
    # Characters around a quotation in which its attribution is looked for.
    quote_attribution_window: int = 80
    # Cues (capacity, negation, "stacked on the quay", dates, speakers) are looked for at most
    # this many characters from the number, inside its clause: keeps run-on text linear.
    context_window: int = 400


# -- spans that hold numbers which are not quantities -------------------------------------------
# long bare digit strings: identifiers, phone numbers (but see `_masks_for`)
_LONG_DIGITS = re.compile(r"\b\d{5,}\b(?![,.]\d)")
_MASKS = [
    re.compile(r"\b\d{1,2}:\d{2}(?:\s?(?:a\.m\.|p\.m\.|am|pm|GMT|UTC|KST))?"),
    re.compile(r"\b\d{1,2}\s?(?:a\.m\.|p\.m\.|am\b|pm\b)"),
    re.compile(r"\b\d{1,3}[- ]years?[- ]old\b|\baged\s+\d{1,3}\b|\bage\s+(?:of\s+)?\d{1,3}\b"),
    re.compile(r"\bin\s+(?:his|her|their)\s+\d0s\b|\b\d{2,4}s\b"),
    re.compile(r"\b\d+(?:st|nd|rd|th)\b"),
    re.compile(
        r"\b(?:IMO|MMSI|No\.?|Nos\.?|[Nn]umber|Resolutions?|Regulations?|Articles?|Annex(?:e|es)?"
        r"|Sections?|Chapters?|[Pp]ages?|[Pp]aragraphs?|Flight|Route|[Pp]ier|[Bb]erth|Gate|Terminal"
        r"|Unit|Brigade|Division|Regiment|Battalion|Squadron|Highway|Table|Figure|Fig\.|Item"
        r"|Decree|Protocol|Hwasong|Platform|Track|Level|Phase|Building|Room|Lot|Case|Law|Act"
        r"|Order|Directive|Rule|Point|Box|Container)[\s#-]*\d[\d/.-]*\d?"
    ),
    re.compile(r"\b\d+\s+(?:Committee|Panel|Brigade|Regiment|Division|Corps|Group|Plan)\b"),
    # KN-23, MAIA-1, F-16, Su-27, М-1978 (Cyrillic М); not the "to-2" of a ratio "1-to-2"
    re.compile(r"(?<!\d-)\b[A-Za-zА-Яа-яЁё]+-\d[\w-]*"),
    re.compile(r"\b\d+[A-Za-z]+\d[\w]*"),  # 9M22U
    re.compile(r"\b[A-Za-z]+\d+[A-Za-z\d]*\b"),  # G7, UBYT2
    re.compile(r"\b\d+/\d+\b"),  # 833/2014
    re.compile(r"#\d+"),
    # "Type 75 multiple rocket launcher", "Model 1989": a designation
    re.compile(r"\b(?:Type|Model)\s+\d{1,4}\b"),
    # "projectiles of 122 and 152 mm calibers": the calibres listed before their one unit
    re.compile(r"(?<![\w.,])\d{2,3}(?=(?:\s*(?:,|and|or|/)\s*\d{2,3})+\s*-?\s*(?:mm|millimet))"),
    _LONG_DIGITS,
]
# "Of these, around 1,000 are believed to have been killed": a part of what the sentence
# before counted.
_OF_THESE = re.compile(
    r"\s*(?:And\s+|But\s+)?[Oo]f\s+(?:these|them|those|which|that\s+number|this\s+number"
    r"|the\s+\d[\d,.]*)\s*,?\s*(?:[a-z]+\s+){0,5}$"
)
_ONE_OF = re.compile(r"\bone\s+of\s+(?:the\s+)?$", re.IGNORECASE)
# "Of the 4,000, ... around 1,000 were killed": the 4,000 counted in the sentence before
_OF_THE_FIGURE = re.compile(r"(?:And\s+|But\s+)?[Oo]f\s+the\s+$")
_AGE_APPOSITIVE = re.compile(r"\b[A-Z][\w'’-]+,\s(\d{1,3}),\s")
_LIST_MARKER = re.compile(r"\s*(?:\(?(\d{1,3})[.)]|[-*•]\s*(\d{1,3})[.)]?)\s")
_COMPOUND_AFTER = re.compile(
    r"-(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|foot|feet|ft|metres?|meters?"
    r"|miles?|km|kilometres?|kilometers?|tonnes?|tons?|star|storey|story|member|page|point"
    r"|inch|kilo|gun|man|nation|party|seat|lane|mile|hour|minute|day|year|month|week|yard"
    r"|kilogram|gram|litre|liter|degree)\b",
    re.IGNORECASE,
)
_MEASURE_AFTER = re.compile(
    r"[ \u00a0]?(?:km\b|kilomet|miles?\b|nautical|nm\b|knots?\b|kts?\b|kn\b|met(?:re|er)s?\b|cm\b"
    r"|feet\b|foot\b|ft\b|kg\b|kilo|grams?\b|g\b|hours?\b|hrs?\b|minutes?\b|mins?\b|seconds?\b"
    r"|days?\b|weeks?\b|months?\b|years?\b|decades?\b|centur|dwt\b|gt\b|GT\b|deadweight|gross\b"
    r"|degrees?\b|°|hectares?\b|sq\b|square\b|litres?\b|liters?\b|mph\b|km/h|TEU-|times\b"
    r"|people\b|persons?\b|points?\b|percentage\s+points?)",
)
_CHANGE_IN_NUMBER_OF = re.compile(r"\s+in\s+the\s+(?:number|volume|count)\s+of\s+", re.I)
# "estimating the number at "more than 160 pieces"" in a sentence about artillery: guns
_PIECES_AFTER = re.compile(r"[ \u00a0]+pieces\b(?!\s+of\b)", re.IGNORECASE)
_ARTILLERY_IN = re.compile(r"\b(?:artillery|howitzers?|guns)\b", re.IGNORECASE)
_FOR_EACH_AFTER = re.compile(
    r"\s+(?:for\s+(?:each|every)|per|to\s+(?:each|every))\s+(?:[A-Za-z-]+\s+){0,2}?"
    r"(?:shell|round|soldier|troop|container|ship|missile|one)\b",
    re.IGNORECASE,
)
# "a range of between 25 to 37 miles": the first figure of a range of a distance or a time
_RANGE_MEASURE_AFTER = re.compile(
    r"\s*(?:to|-|–|and)\s*\d[\d,.]*[ \u00a0]?(?:km\b|kilomet|miles?\b|nautical|nm\b|knots?\b"
    r"|met(?:re|er)s?\b|feet\b|ft\b|kg\b|hours?\b|minutes?\b|days?\b|weeks?\b|months?\b"
    r"|years?\b|degrees?\b|°|mph\b|km/h)"
)
# "with a displacement of 3,000 tons", "a deadweight tonnage of about 5,000 tonnes": a size.
_SHIP_SIZE_BEFORE = re.compile(
    r"\b(?:displacement|displacing|displaces|deadweight|tonnage)\s+(?:of\s+)?"
    r"(?:(?:about|around|some|roughly|nearly|almost|over|more\s+than)\s+)?$",
    re.IGNORECASE,
)
# "headed to North Korea 32 times", "called at Rajin at least 33 times": voyages.
_TIMES_AFTER = re.compile(r"[ \u00a0]+times\b", re.IGNORECASE)
_VOYAGE_VERB = re.compile(
    r"\b(?:head(?:ed|s|ing)?|sail(?:ed|s|ing)?|call(?:ed|s|ing)?|visit(?:ed|s|ing)?|dock(?:ed|s|ing)?"
    r"|travel(?:l)?(?:ed|s|ing)?|went|go(?:ne|es)?|shuttl(?:ed|es|ing)|return(?:ed|s|ing)?"
    r"|sent\s+(?:\w+\s+){0,3}(?:ships?|vessels?|freighters?)|(?:made|making)\s+(?:the\s+)?trip"
    r"|to\s+and\s+from)\b",
    re.IGNORECASE,
)
_RATIO_TIMES = re.compile(
    r"[ \u00a0]times\s+(?:more|as\s+many|as\s+much|larger|higher|bigger|greater|the)\b",
    re.IGNORECASE,
)
_CHANGE_VERB = re.compile(
    r"\b(?:rose|risen|rising|fell|fallen|falling|dropped|dropping|declined|declining|increased"
    r"|increasing|decreased|decreasing|grew|grown|growing|climbed|jumped|surged|slumped|plunged"
    r"|went|gone|cut|raised|lowered|revised|doubled)\b",
    re.IGNORECASE,
)
# "increased sharply to as much as over nine times": a growth verb before "N times" makes
# it a ratio (not N occasions)
_GROWTH_BEFORE = re.compile(
    r"\b(?:rose|risen|increased|grew|grown|jumped|surged|climbed|multiplied|expanded)\b"
    r"(?:\s+[\w-]+){0,6}\s+$",
    re.IGNORECASE,
)


class _Masks:
    """Spans that hold no quantities, with an overlap test in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.max_end: list[int] = []
        running = -1
        for _, e in spans:
            running = max(running, e)
            self.max_end.append(running)

    def overlaps(self, s: int, e: int) -> bool:
        k = bisect.bisect_left(self.starts, e)
        return k > 0 and self.max_end[k - 1] > s


@dataclass
class _Cand:
    first: NumberMention
    last: NumberMention
    value: float | None
    low: float | None
    high: float | None
    is_range: bool = False
    vague: bool = False
    item: str | None = None
    caliber: str | None = None
    unit: str = "count"
    basis: str = COUNT
    end: int = 0
    bound: str = cues.EXACT
    hedge: str | None = None
    span_start: int = 0
    negated: bool = False
    clause: tuple[int, int] = (0, 0)
    dates: dict[str, object] = field(default_factory=dict)


def _masks_for(text: str, sent: Sentence, dates: list[DateMention]) -> list[tuple[int, int]]:
    s, e = sent.start, sent.end
    masks = [(d.start, d.end) for d in dates]
    masks.extend(day_of_month_spans(text, s, e))  # also those no year could be given to
    masks.extend((cs, ce) for cs, ce, _ in find_calibres(text, s, e))
    mixed = [(n.start, n.end) for n in parse_mixed(text, s, e)]  # "four-thousand-100"
    for rx in _MASKS:
        masks.extend(
            (m.start(), m.end())
            for m in rx.finditer(text, s, e)
            if not any(a <= m.start() and m.end() <= b for a, b in mixed)
            # "12000 North Korean soldiers": five or six digits before an item count it
            and not (
                rx is _LONG_DIGITS
                and m.end() - m.start() <= 6
                and read_item(text, m.end(), e).item is not None
            )
        )
    masks.extend((m.start(1), m.end(1)) for m in _AGE_APPOSITIVE.finditer(text, s, e))
    line_start = text.rfind("\n", 0, s) + 1
    if not text[line_start:s].strip():
        lm = _LIST_MARKER.match(text, s, e)
        if lm:
            masks.append((lm.start(), lm.end()))
    return masks


# "from 15,000 to 30,000 personnel", "21 of around 50 missiles": the item of the next number
_TO_NEXT_NUMBER = re.compile(
    r"\s+(?:to|(?:out\s+)?of(?:\s+the)?(?:\s+(?:around|about|some|roughly|approximately|nearly"
    r"|almost|over|more\s+than|at\s+least))?)\s+\d[\d,.]*(?:\s+(?:thousand|million|billion))?(?=\s)",
    re.IGNORECASE,
)
# Hedges between a phrase and the figure it introduces ("at about 5,000", "reached more than")
_HEDGE = r"(?:about\s+|around\s+|some\s+|roughly\s+|nearly\s+|almost\s+)?"
_HEDGE_OR_LOWER = (
    r"(?:about\s+|around\s+|some\s+|roughly\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+)?"
)
# "estimated Russian casualties at 48,240": the item named right before "at" the figure
_ITEM_AT = re.compile(
    r"\b(?P<item>"
    + "|".join(sorted(ITEM_FORMS["troops"], key=len, reverse=True))
    + r"|(?<=their\s)losses)\s+at\s+"  # "who estimated their losses at 5,000"
    + _HEDGE
    + "$",
    re.IGNORECASE,
)
# "The total estimated North Korean casualty rate of 4,000", "a death toll of 300": a toll
_TOLL_OF = re.compile(
    r"\b(?:casualty|casualties|death|deaths|losses)\s+(?:rate|toll|count|figure|tally|number)s?"
    r"\s+(?:of|at)\s+" + _HEDGE_OR_LOWER + "$",
    re.IGNORECASE,
)
# "Zelenskyy estimated the number of North Koreans killed or injured at 4,000": a toll
_TOLL_ESTIMATED_AT = re.compile(
    r"\b(?:estimated|estimates|estimate|put|puts|placed|places)\s+the\s+(?:number|toll|total"
    r"|figure|count)\s+of\s+[^.;:]{0,60}?\b(?:killed|wounded|injured|dead|casualties|losses"
    r"|soldiers|troops)\b[^.;:]{0,20}?\s+at\s+" + _HEDGE + "$",
    re.IGNORECASE,
)
# "The North Korean casualty losses were initially estimated at 4,000": a toll, no noun after
_LOSSES_ESTIMATED_AT = re.compile(
    r"\b(?:casualty\s+)?(?:losses|casualties|toll)\s+(?:(?:were|was|are|is|have\s+been|had\s+been)"
    r"\s+)?(?:[a-z]+ly\s+)?(?:estimated|put|reported|assessed|placed)\s+at\s+" + _HEDGE + "$",
    re.IGNORECASE,
)
# "casualties among North Korean forces have surpassed 3,000": the subject a toll reached
_TROOPS_REACHED = re.compile(
    r"\b(?P<item>" + "|".join(sorted(ITEM_FORMS["troops"], key=len, reverse=True)) + r")"
    r"(?:\s+(?:among|of|in|near|along|at|on)\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+)?\s+"
    r"(?:(?:have|has|had)\s+)?"
    r"(?:(?:now|already)\s+)?(?:(?:could|may|might|will|would|to)\s+)?"  # "could increase to"
    r"(?:surpassed|exceeded|reached|reach|topped|passed|hit|(?:risen|rose|rise|climbed|climb"
    r"|grown|grew|grow|jumped|increased|increase)\s+to|(?:stand|stood|stands)\s+at)\s+"
    + _HEDGE_OR_LOWER
    + "$",
    re.IGNORECASE,
)
# "The NIS put the figure at 3,000": the figure the sentence before counted
_FIGURE_AT = re.compile(
    r"(?:\b(?:put|puts|putting|placed|places|estimated|estimates)\s+(?:(?:the|its|their|this"
    r"|that)\s+(?:figure|number|total|tally|toll|count|estimate)\s+)?"
    # "reports have said the number is actually higher, at 12,000"
    r"|\b(?:the|that|this)\s+(?:figure|number|total|tally|toll|count)\s+(?:is|was|stands|stood"
    r"|could\s+be|may\s+be)\b[^.;:]{0,30}?,?\s+)at\s+(?:about\s+|around\s+)?$",
    re.IGNORECASE,
)
# "rose from 5,000 to 8,000", "from the existing 15,000 to 30,000": a change, two figures
_FROM_BEFORE = re.compile(
    r"\bfrom(?:\s+(?:the|an?|its|their))?(?:\s+(?P<was>existing|current|previous|earlier"
    r"|original|initial|former))?\s+$",
    re.IGNORECASE,
)


def _ranges(
    text: str, nums: list[NumberMention], clause_of: list[tuple[int, int]], window: int
) -> list[_Cand]:
    """Pair numbers into ranges ("between 1 and 2 million", "10,000-20,000", "two or three")."""
    out: list[_Cand] = []
    i = 0
    while i < len(nums):
        a = nums[i]
        if a.vague:
            out.append(_Cand(a, a, None, a.value, a.high, True, True))
            i += 1
            continue
        if i + 1 < len(nums) and not nums[i + 1].vague:
            b = nums[i + 1]
            gap = text[a.end : b.start]
            before = text[max(0, a.start - 12) : a.start].lower()
            cs, _ = clause_of[i]
            is_range = False
            if re.fullmatch(r"\s*[-–]\s*", gap) and not a.percent:
                is_range = True
            elif re.fullmatch(r"\s+to\s+", gap):
                came_from = _FROM_BEFORE.search(text, max(cs, a.start - 40), a.start)
                is_range = not (
                    came_from is not None
                    and (
                        came_from.group("was") is not None
                        or _CHANGE_VERB.search(text, max(cs, a.start - window), a.start) is not None
                    )
                )
            elif re.fullmatch(r"\s+and\s+", gap):
                is_range = before.rstrip().endswith("between")
            elif re.fullmatch(r"\s+or\s+", gap):
                is_range = a.words == b.words and not a.magnitude
            if is_range and a.ratio == b.ratio:
                lo, hi = a.value, b.value
                if not a.magnitude and b.magnitude and not a.grouped and a.value < 1000:
                    lo = a.value * (b.value / _unscaled(b))
                elif (
                    not (a.magnitude or a.grouped or a.words)
                    and b.grouped
                    and b.value % 1000 == 0
                    and b.value / 100 < a.value * 1000 <= b.value
                ):
                    lo = a.value * 1000  # "around 11 to 12,000": thousands, written once
                cur = a.currency or b.currency
                first = a
                last = NumberMention(
                    b.start,
                    b.end,
                    b.value,
                    cur,
                    a.percent or b.percent,
                    b.ratio,
                    b.magnitude,
                    b.grouped,
                    b.words,
                    b.plus,
                )
                if lo > hi:
                    lo, hi = hi, lo
                out.append(_Cand(first, last, None, lo, hi, True))
                i += 2
                continue
        out.append(_Cand(a, a, a.value, None, None))
        i += 1
    return out


def _round_figure(value: float | None) -> bool:
    """A figure as estimates give them ("500,000"), not a count ("three generals")."""
    return value is not None and value >= 100 and value % 100 == 0


def _unscaled(n: NumberMention) -> float:
    """The number as written before its scale word ("2 million" -> 2)."""
    if n.magnitude is None:
        return n.value
    scale = SCALES.get(n.magnitude, SCALES.get(n.magnitude.lower(), 1.0))
    return n.value / scale


def _is_year_like(n: NumberMention) -> bool:
    return (
        not n.grouped
        and not n.magnitude
        and not n.currency
        and not n.percent
        and n.value.is_integer()
        and 1900 <= n.value <= 2100
        and not n.words
    )


def _sentence_candidates(
    text: str,
    sent: Sentence,
    dates: list[DateMention],
    params: ExtractParams,
) -> list[_Cand]:
    s, e = sent.start, sent.end
    masks = _masks_for(text, sent, dates)
    cstarts = clause_starts(text, s, e)
    mask = _Masks(masks)
    nums = [n for n in find_numbers(text, s, e) if not mask.overlaps(n.start, n.end)]
    keep: list[NumberMention] = []
    voyage_times: dict[int, int] = {}  # start of "32" in "headed to North Korea 32 times" -> end
    for n in nums:
        after = text[n.end : min(e, n.end + 40)]
        tm = _TIMES_AFTER.match(text, n.end, e)
        if (
            tm
            and not (n.percent or n.ratio or n.currency or n.vague)
            and not _RATIO_TIMES.match(after)
            and _VOYAGE_VERB.search(text, max(s, n.start - 160), n.start)
        ):
            voyage_times[n.start] = tm.end()
            keep.append(n)
            continue
        if after[:1].isalpha() and not (n.ratio or n.percent or n.magnitude):
            continue
        if _COMPOUND_AFTER.match(after) or (
            after[:1] in "-–"
            and after[1:2].isalpha()
            and not (n.ratio or n.plus)
            and not (n.grouped and _GLUED_COUNT.match(after))
        ):
            # "20-foot", "three-star", "three-quarters": part of a compound word; but "a
            # 500,000-shell shortage" counts shells
            continue
        if not (n.percent or n.ratio or n.currency):
            if _RATIO_TIMES.match(after) or (
                _TIMES_AFTER.match(text, n.end, e)
                and _GROWTH_BEFORE.search(text, max(s, n.start - 80), n.start)
            ):
                n = NumberMention(
                    n.start, n.end + len(" times"), n.value, ratio=True, words=n.words
                )
            elif _MEASURE_AFTER.match(after) or _RANGE_MEASURE_AFTER.match(after):
                continue  # "a range of between 25 to 37 miles": a distance
        keep.append(n)
    clause_of = [clause_bounds(cstarts, e, n.start) for n in keep]
    cands = _ranges(text, keep, clause_of, params.context_window)
    out: list[_Cand] = []
    prev_items: list[tuple[int, str, str | None]] = []  # (pos, item, caliber) of earlier claims
    listed_ends: set[int] = set()  # ends of claims whose hedge came from a list's first figure
    w = params.context_window
    for c in cands:
        cs, ce = clause_bounds(cstarts, e, c.first.start)
        c.clause = (cs, ce)
        last = c.last
        # The clause, clipped to the context window around the number.
        wcs, wce = max(cs, c.first.start - w), min(ce, last.end + w)
        if _is_anaphoric(text, c, s):
            continue  # "the two vessels": a reference back to a figure already given
        tail = _TRAILING_CUE.match(text, last.end, e)
        ip = read_item(text, tail.end() if tail else last.end, e)
        if ip.item is None:
            ip = workers_as_troops(text, ip.end, s, e) or ip
        if ip.item is None and _ONE_OF.search(text, max(s, c.first.start - 12), c.first.start):
            continue  # "one of four that Russia annexed": a count of what is named elsewhere
        if c.first.start in voyage_times:
            ip = ItemPhrase("voyages", None, voyage_times[c.first.start], None, last.end)
        if (ip.item in MASS_ITEMS or ip.mass) and _SHIP_SIZE_BEFORE.search(
            text, max(s, c.first.start - 40), c.first.start
        ):
            continue  # "a cargo ship with a displacement of 3,000 tons": the ship's size
        # "2.5m shells" is 2.5 million; "a 120m vessel" and "120m-long" are metres.
        if last.ambiguous_m:
            before = text[max(s, c.first.start - 4) : c.first.start].lower()
            if (
                ip.item is None
                or not ip.plural
                or ip.item in MASS_ITEMS
                or re.search(r"\ban?\s+$", before)
                or text[last.end : last.end + 1] == "-"
            ):
                continue
        if (
            _is_year_like(c.first)
            and not c.is_range
            and (ip.item is None or (ip.item_start is not None and ip.item_start - last.end > 25))
        ):
            continue
        c.end = ip.end if (ip.item or ip.rate) else last.end
        c.caliber = ip.caliber
        currency = c.first.currency or last.currency
        if currency:
            c.unit, c.item, c.basis = (
                currency,
                CURRENCY_NAMES.get(currency, currency.lower()),
                MONEY,
            )
        elif ip.item in CURRENCY_ITEMS:
            c.unit, c.item, c.basis = CURRENCY_ITEMS[ip.item], ip.item, MONEY
        elif last.percent or c.first.percent:
            c.unit, c.basis = "percent", PERCENTAGE
            c.item, c.end = percent_of(text, last.end, e)
            if c.item in CHANGE_NOUNS:
                # "a 300% increase in the number of North Korean-flagged vessels": of what it
                # names; "9,000 rockets were seized that year, a 200% increase": of the thing
                # counted before it in its sentence (or of nothing the text names)
                counted = _CHANGE_IN_NUMBER_OF.match(text, c.end, e)
                named = (
                    find_item_words(text, counted.end(), min(e, counted.end() + 60))[:1]
                    if counted
                    else []
                ) or find_item_words(text, s, c.first.start)[-1:]
                c.item = named[0][2] if named else None
            if c.item is None and _COMPARATIVE_AFTER.match(text, last.end, e):
                # "The volume of containers ... is presumed to be 30 percent larger": a
                # percentage of the thing compared, named before it in its clause
                named = find_item_words(text, c.clause[0], c.first.start)
                if named:
                    c.item = named[-1][2]
        elif last.ratio or c.first.ratio:
            c.unit, c.item, c.basis = "ratio", None, RATIO
            c.end = last.end
        elif ip.item and (per := _FOR_EACH_AFTER.match(text, ip.end, e)):
            # "1.5 rounds for each Ukrainian shell": a ratio of two counts, no count itself
            c.unit, c.item, c.basis = "ratio", None, RATIO
            c.end = per.end()
        elif ip.mass:
            # "5,000 tonnes of ammunition" counts shells by weight; "56,000 tons of crude oil",
            # of nothing the ledger counts, is a mass all the same (item: tonnes)
            c.unit, c.item, c.basis = "tonnes", ip.item or "tonnes", MASS
        else:
            c.item = ip.item
            if c.item is None and _NATIONALS_HARMED.match(text, last.end, e):
                c.item = "troops"  # "3,000 North Koreans have been killed or wounded"
            if c.item is None and (nxt := _TO_NEXT_NUMBER.match(text, last.end, e)):
                c.item = read_item(text, nxt.end(), e).item  # "from 15,000 to 30,000 personnel"
            if c.item is None and (
                _ITEM_AT.search(text, wcs, c.first.start)
                or _TOLL_OF.search(text, wcs, c.first.start)
                or _TOLL_ESTIMATED_AT.search(text, wcs, c.first.start)
                or _LOSSES_ESTIMATED_AT.search(text, wcs, c.first.start)
            ):
                c.item = "troops"  # "Russian casualties at 48,240", "their losses at 5,000"
            if (
                c.item is None
                and _PIECES_AFTER.match(text, last.end, e)
                and _ARTILLERY_IN.search(text, s, e)
            ):
                c.item = "howitzers"  # "North Korea's artillery support ... "160 pieces""
            if (
                c.item is None
                and not counts_something_else(text, last.end, e)
                and not _POPULATION_OF.search(text, wcs, c.first.start)  # counts people
            ):
                if at := _TROOPS_REACHED.search(text, wcs, c.first.start):
                    c.item = normalize_item(at.group("item"))
                elif _MILITARY_OF.search(text, wcs, c.first.start):
                    c.item = "troops"  # "a standing military of 1.3 million"
                elif theirs := (
                    _THEIR_NUMBER.search(text, s, c.first.start)
                    or _NUMBERING_IN_THE.search(text, s, c.first.start)
                ):
                    # "more North Korean troops have been deployed ... and their number is
                    # estimated between 1,000 and 3,000": the noun named before in the sentence
                    # (or in the one before: "... this number could escalate to 15,000")
                    named = find_item_words(text, s, theirs.start())
                    c.item = named[-1][2] if named else item_of_sentence_before(text, s)
                else:
                    c.item = item_from_context(text, wcs, c.first.start, prev_items)
                if c.item != "troops" and _HARMED_BEFORE.search(text, wcs, c.first.start):
                    c.item = None  # "the strikes killed one person and injured four": people
                if c.item is None and (
                    c.first.magnitude
                    or last.magnitude
                    or _OF_THESE.match(text, s, c.first.start)
                    or _FIGURE_AT.search(text, s, c.first.start)
                    or noun_left_out(text, last.end, e)
                ):
                    # "Half of the artillery shells come from North Korea. ... around 3 million
                    # a year are shipped": a bare large amount counts what the sentence
                    # before named last.
                    c.item = item_of_sentence_before(text, s)
                if (
                    c.item is None
                    and _HARMED_AFTER.match(text, last.end, e)
                    and item_of_sentence_before(text, s) == "troops"
                ):
                    c.item = "troops"  # "North Korean troops ... As many as 30 were killed"
                if c.item is not None and c.caliber is None:
                    c.caliber = next(
                        (cal for _, it, cal in reversed(prev_items[-5:]) if it == c.item), None
                    )
            if ip.rate:
                c.unit, c.basis = ip.rate, RATE
        if c.item == "shells" and c.caliber is None:
            # "If filled with 152mm artillery shells, these containers could hold up to 9.4
            # million rounds": the one calibre its sentence named before
            calibres = {cal for _, _, cal in find_calibres(text, s, c.first.start)}
            if len(calibres) == 1:
                c.caliber = calibres.pop()
        if c.vague and c.item is None:
            continue  # "hundreds of factories": a vague amount of nothing the ledger counts
        if _GROUP_SIZE.search(text, max(s, c.first.start - 12), c.first.start):
            continue  # "they move in groups of 1-2 fighters": a size, not a count
        if c.item is None and c.basis == COUNT:
            big = (c.first.grouped or c.first.magnitude or last.magnitude) and (
                (c.value or c.high or 0) >= params.min_bare_value
            )
            if (
                not big
                or _POPULATION_OF.search(text, wcs, c.first.start)
                or counts_something_else(text, last.end, e)
            ):
                continue  # small, or "a total population of 26 million": no count of a case
        if c.basis == RATE and c.item is None and not (c.first.grouped or last.magnitude):
            # "20 a day" with nothing to count.
            prev = c.item
            if prev is None and (c.value or c.high or 0) < params.min_bare_value:
                continue
        # Bound and hedge.
        bnd, cue, cue_start = cues.bound_before(text, c.first.start, s)
        after_bound, after_cue = cues.bound_after(text, c.end, e)
        if after_bound is None and tail is not None:
            after_bound, after_cue = cues.bound_after(text, last.end, e)
        if c.vague:
            c.hedge = cue
            c.span_start = cue_start if cue else c.first.start
            if bnd == cues.LOWER:
                c.bound, c.value, c.high = cues.LOWER, c.low, None
            elif bnd == cues.UPPER:
                c.bound, c.value, c.low = cues.UPPER, c.high, None
            else:
                c.bound = cues.VAGUE
        elif c.is_range:
            c.bound = cues.RANGE
            c.hedge = cue
            if cue:
                c.span_start = cue_start
            else:
                bm = re.search(
                    r"\b(?:between|from)\s+$",
                    text[max(s, c.first.start - 10) : c.first.start],
                    re.IGNORECASE,
                )
                c.span_start = c.first.start - (len(bm.group()) if bm else 0)
        else:
            c.bound, c.hedge = bnd, cue
            c.span_start = cue_start if cue else c.first.start
            if c.first.plus and c.bound == cues.EXACT:
                c.bound, c.hedge = cues.LOWER, "+"
            if after_bound and (
                c.bound == cues.EXACT
                or (c.bound == cues.APPROXIMATE and after_bound in (cues.LOWER, cues.UPPER))
            ):
                # "some 3,000 or more": the floor the trailing cue sets outweighs the hedge
                c.bound, c.hedge = after_bound, after_cue
            prev = out[-1] if out else None
            if (
                prev is not None
                and c.bound == cues.EXACT
                and prev.bound == cues.APPROXIMATE
                and prev.item is not None
                and (gap := _LIST_GAP.fullmatch(text, prev.end, c.span_start))
                and (
                    "," in gap.group()
                    or prev.end in listed_ends
                    or (prev.item == c.item and _round_figure(c.first.value))
                )
                and not PARTITIVE.match(text, c.first.end, e)  # "4,700 soldiers, 600 of them"
            ):
                # "approximately 175 ore cars, 14 box cars and 66 tank cars", "about 3 million
                # 152mm shells and 500,000 122mm shells": the hedge covers a list, or two
                # figures of one item (not "about 3,000 troops and 50 missiles")
                c.bound, c.hedge = prev.bound, prev.hedge
                listed_ends.add(c.end)
            elif (
                prev is not None
                and c.bound == cues.EXACT
                and prev.bound != cues.EXACT
                and prev.basis == MONEY
                and c.basis == MONEY
                and re.fullmatch(r"\s*\(\s*", text[prev.end : c.span_start])
            ):
                # "approximately 135,000 won ($98)": the conversion shares the hedge
                c.bound, c.hedge = prev.bound, prev.hedge
            elif (
                prev is not None
                and c.bound == cues.EXACT
                and prev.bound in (cues.APPROXIMATE, cues.LOWER, cues.UPPER)
                and prev.item == c.item == "troops"
                and _CASUALTY_GAP.fullmatch(text, prev.end, c.span_start)
                and _CASUALTY.search(text, prev.first.start, c.span_start)
                and _CASUALTY_AFTER.match(text, last.end, e)
            ):
                # "about 600 had been killed and 4,100 injured", "at least 300 ... were killed
                # and 2,700 wounded": the toll's two halves share its hedge
                c.bound, c.hedge = prev.bound, prev.hedge
        # Capacity, per container, negation.
        cap_from = wcs
        if re.match(r"(?:or|and)\b", text[cs : cs + 4]):
            # "could hold 3 million shells, or more than 500,000 rockets": the same capacity.
            cap_from = max(clause_bounds(cstarts, e, max(s, cs - 2))[0], c.first.start - w)
        cap = cues.capacity_cue(text, cap_from, c.first.start)
        if cap and c.basis in (COUNT,):
            c.basis = CAPACITY
        if (
            c.basis in (COUNT, CAPACITY)
            and c.item not in ("containers", None)
            and cues.per_container_cue(text, wcs, wce)
        ):
            c.unit = "per_container"
        if c.basis == COUNT and c.unit == "count" and cues.observed_cue(text, wcs, wce):
            c.basis = OBSERVED
        if c.basis == COUNT and PARTITIVE.match(text, last.end, e):
            c.basis = PART
        c.negated = cues.negated(text, wcs, c.span_start)
        if c.item:
            prev_items.append((c.first.start, c.item, c.caliber))
        out.append(c)
    return out


# Between the two halves of a toll: "[North Korean soldiers] [had been] killed and", "deaths and"
# ("and another 2,700 had been injured" is a count of its own: blind gold reads it exact)
_CASUALTY_GAP = re.compile(r"(?:[ \u00a0]+[A-Za-z'’-]+){0,6}?[ \u00a0]*,?[ \u00a0]+and[ \u00a0]+")
_CASUALTY = re.compile(r"\b(?:killed|dead|deaths|died|wounded|injured|injuries)\b", re.I)
_CASUALTY_AFTER = re.compile(
    r"[ \u00a0]+(?:(?:more|others?|people|soldiers|troops)[ \u00a0]+)?"
    r"(?:(?:were|was|have|has|had)[ \u00a0]+)?(?:been[ \u00a0]+)?"
    r"(?:wounded|injured|injuries|killed|dead|deaths|missing|captured)\b",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)")
# "a 1,000-container ship" is the size of a ship, not a count
_GLUED_COUNT = re.compile(
    r"-(?:shells?|rounds?|containers?|missiles?|rockets?|troops?|soldiers?|barrels?)\b"
    r"(?![ \u00a0]+(?:ships?|vessels?|tankers?|freighters?|carriers?|trains?|trucks?)\b)",
    re.IGNORECASE,
)
# A bound written after the number, before the item: "73 or so freight cars".
_TRAILING_CUE = re.compile(r"[ \u00a0]+or[ \u00a0]+(?:so|more|fewer|less|thereabouts)\b")
_SMALL_WORDS = frozenset(
    [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "both",
    ]
)


def _is_anaphoric(text: str, c: _Cand, floor: int) -> bool:
    """'the two vessels', 'those three ships': a small word number after a definite article
    or demonstrative names things already counted, it is no new claim; so is a figure named
    as a figure ('used the 100,000 figure', 'the 6,700 estimate')."""
    if (
        not c.is_range
        and _OF_THE_FIGURE.search(text, max(floor, c.first.start - 12), c.first.start)
        and text[c.last.end : c.last.end + 1] == ","
    ):
        return True  # "Of the 4,000, the officials said ...": a figure given before
    if _FIGURE_NAMED.match(text, c.last.end) and re.search(
        r"\b(?:the|that|this|those|these)\s+$",
        text[max(floor, c.first.start - 8) : c.first.start],
        re.IGNORECASE,
    ):
        return True
    if (
        not c.first.words
        or c.is_range
        or text[c.first.start : c.first.end].lower() not in (_SMALL_WORDS)
    ):
        return False
    before = text[max(floor, c.first.start - 8) : c.first.start].lower()
    return re.search(r"\b(?:the|those|these|its|their|both)\s+$", before) is not None


_FIGURE_NAMED = re.compile(r"\s+(?:figure|estimate|number|total|claim|tally)\b", re.IGNORECASE)
_COMPARATIVE_AFTER = re.compile(
    r"\s+(?:larger|bigger|greater|higher|more|smaller|lower|fewer|less)\b(?!\s+\w+\s+of\b)",
    re.IGNORECASE,
)


_THEIR_NUMBER = re.compile(
    r"\b(?:their|this|whose)\s+(?:total\s+)?(?:number|count)\s+(?:is|was|has\s+been|stands|stood"
    r"|could|may|might|will|would)?\s*(?:estimated|put|believed|thought|reported|said|escalate"
    r"|rise|increase|grow|climb|reach)?\s*(?:to\s+be\s+)?(?:at\s+|to\s+)?"
    r"(?:between\s+|about\s+|around\s+|some\s+|roughly\s+)?$",
    re.IGNORECASE,
)
# "the troops, estimated to number in the thousands": the noun named before it
_NUMBERING_IN_THE = re.compile(
    r"\b(?:number|numbering|numbered|numbers)\s+in\s+the\s+$", re.IGNORECASE
)
_MILITARY_OF = re.compile(
    r"\b(?:army|military|armed\s+forces)\s+of\s+(?:about\s+|around\s+|some\s+|roughly\s+"
    r"|nearly\s+|more\s+than\s+|over\s+)?$",
    re.IGNORECASE,
)
# A people's name, then a verb of harm: soldiers ("3,000 North Koreans have been killed")
_NATIONALS_HARMED = re.compile(
    r"[ \u00a0]+(?:North[ \u00a0]+)?Koreans[ \u00a0]+(?:(?:have|has|had|were|was)[ \u00a0]+)?"
    r"(?:been[ \u00a0]+)?(?:killed|wounded|injured|captured)\b"
)
_GROUP_SIZE = re.compile(r"\b(?:groups|teams|units|squads)\s+of\s+(?:up\s+to\s+)?$", re.I)
_POPULATION_OF = re.compile(
    r"\bpopulation\s+of\s+(?:about\s+|around\s+|some\s+|roughly\s+|nearly\s+)?$", re.I
)
# A number right after a verb of harm counts people, whatever was counted before it.
_HARMED_BEFORE = re.compile(
    r"\b(?:kill|kills|killed|killing|injure|injures|injured|injuring|wound|wounds|wounded"
    r"|wounding)[ \u00a0]+(?:[a-z]+[ \u00a0]+){0,2}$"
)
# A number whose noun is left out before a verb of harm or of arrival: "30 have been killed or
# wounded", "12,000 have arrived" (troops, when the sentence before speaks of troops)
_HARMED_AFTER = re.compile(
    r"[ \u00a0]+(?:(?:have|has|had|were|was)[ \u00a0]+)?(?:(?:already|now)[ \u00a0]+)?"
    r"(?:been[ \u00a0]+)?[“\"]?(?:killed|wounded|injured|died|captured|arrived|deployed|dispatched)\b",
    re.IGNORECASE,
)
