"""Dates in a sentence: what a figure refers to ("on Monday", "in 2024", "by January") and the
start of the period it counts ("since August 2023", "between August 2023 and February 2024").

Candidate spans are found with regular expressions; each span is then parsed on its own, by
dateparser's DateDataParser.get_date_data (which reports the precision) for calendar dates and
by small rules for what it does not read ("mid-2022", "the end of October", weekdays relative
to the publication date). dateparser's search_dates is never run on whole sentences. Dates are
stored as the first day of their precision period ("August 2023" -> 2023-08-01, month).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

DAY, MONTH, SEASON, YEAR = "day", "month", "season", "year"

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_NUM = {
    m: i
    for i, names in enumerate(
        [
            (),
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DAYNUM = r"\d{1,2}(?:st|nd|rd|th)?"

# Order matters: longer forms first so "26 February 2024" wins over "February 2024".
_DATE_RE = re.compile(
    rf"""
    (?P<iso>\b{_YEAR}-\d{{2}}-\d{{2}}\b)
  | (?P<slash>\b\d{{1,2}}/\d{{1,2}}/(?:{_YEAR}|\d{{2}})\b)
  | (?P<endof>\b(?:the\s+)?end\s+of\s+(?:{_MONTH}(?:\s+{_YEAR})?|{_YEAR})(?![\w]))
  | (?P<part>\b(?:early|mid|late|the\s+middle\s+of|the\s+start\s+of|the\s+beginning\s+of)
        [\s-]*(?:{_MONTH}\s+{_YEAR}|{_YEAR})\b)
  | (?P<dmy>\b{_DAYNUM}(?:\s*[-–]\s*{_DAYNUM})?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?(?![\w]))
  | (?P<mdy>\b{_MONTH}\s+{_DAYNUM}(?:\s*[-–]\s*{_DAYNUM})?(?:,?\s+{_YEAR})?(?![\w]))
  | (?P<myrel>\b{_MONTH}\s+(?:of\s+)?(?:last|this|next)\s+year\b)
  | (?P<my>\b{_MONTH}(?:,?\s+{_YEAR})?(?![\w]))
  | (?P<year>(?<![\w$€£-])(?<!\d[,.]){_YEAR}(?![\w%]|[.,]\d|\s*(?:-|–)\s*\d))
  | (?P<rel>\b(?:[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast)\s+(?:year|month|week)\b)
  | (?P<season>\b(?:(?:last|this|the)\s+)?(?:summer|winter|spring|autumn|fall)(?:\s+(?:of\s+)?{_YEAR})?\b)
  | (?P<wd>\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)
  | (?P<onth>(?<=\b[Oo]n\s)the\s+\d{{1,2}}(?:st|nd|rd|th)\b
        (?!\s+(?!that\b|and\b|when\b|in\b|at\b|to\b|as\b|after\b|before\b)[a-z]))
    """,
    re.VERBOSE,
)
# Words before a date that give its role.
_BASELINE_CUE = re.compile(
    r"(?:\bsince|\bfrom|\bstarting(?:\s+(?:in|from|on))?|\bbeginning(?:\s+(?:in|on))?|\bbetween)"
    r"\s+(?:the\s+|last\s+|this\s+|early\s+|late\s+|mid-?\s*)?$",
    re.IGNORECASE,
)
# "since the first tanker visited Vostochny in March 2024", "since talks between Putin and Kim
# in September last year": the start of a count to date
_SINCE_CLAUSE = re.compile(
    r"\bsince\s+[^,.;:()\d]{0,140}?\b(?:in|on)\s+(?:early\s+|late\s+)?$", re.I
)
_PERIOD_CUE = re.compile(
    r"(?:\bin|\bduring|\bthroughout|\bfor|\bover|\bof|\balone\s+in)\s+"
    r"(?:the\s+(?:whole\s+of\s+)?|last\s+|this\s+)?$",
    re.IGNORECASE,
)
_POINT_CUE = re.compile(
    r"(?:\bby|\bas\s+of|\bthrough|\buntil|\btill|\bto|\bon|\bat|\bbefore|\bin\s+the\s+week\s+to"
    r"|\bas\s+at|\bup\s+to)\s+(?:the\s+|last\s+|this\s+)?$",
    re.IGNORECASE,
)
# A statement date: "said on Monday", "said in a statement on Friday", "on Monday said".
_STATEMENT_BEFORE = re.compile(
    r"\b(?:said|says|told\s+\w+(?:\s+\w+){0,2}|stated|announced|estimated|estimates|claimed|believes|"
    r"reported|wrote|added|warned|briefed\s+\w+|testified|noted|confirmed|denied|calculated"
    r"|revealed|disclosed)"
    r"(?:\s+by\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,2})?"  # "reported by CNN on Wednesday"
    r"(?:\s+(?:in|at|after|during|before)\s+(?:a|an|the|its|his|her)\s+[\w-]+(?:\s+[\w-]+){0,2})?"
    r"\s+(?:on|late\s+on|early\s+on)\s+$",
    re.IGNORECASE,
)
# "a Western official told Reuters last week", "Seoul said last month": when it was said
_STATEMENT_RIGHT_BEFORE = re.compile(
    r"\b(?:said|says|told\s+\w+(?:\s+\w+){0,2}|stated|announced|claimed|reported|wrote|added|warned"
    r"|testified|noted|confirmed|denied)\s+$",
    re.IGNORECASE,
)
# A target ahead of the report: "aims to deploy 10,000 troops to Russia by December".
_FUTURE_CUE = re.compile(
    r"\b(?:will|aims?\s+to|plans?\s+to|planning\s+to|expected\s+to|intends?\s+to|set\s+to"
    r"|plans?\s+(?:\w+\s+)?(?:to|for)"
    r"|is\s+to|are\s+to|going\s+to|scheduled\s+to|seeks?\s+to)\b",
    re.IGNORECASE,
)
# "South Korea said earlier Monday that": the weekday of the statement
_STATEMENT_EARLIER = re.compile(
    r"\b(?:said|says|told\s+\w+|stated|announced|reported)\s+(?:earlier|later)\s+$",
    re.IGNORECASE,
)
_STATEMENT_AFTER = re.compile(
    r"^\s+(?:said|says|told|stated|announced|estimated|claimed|reported|warned|wrote)\b",
    re.IGNORECASE,
)


# A wire dateline: "SEOUL, June 3 (Reuters) - ", "KYIV, Feb 26, 2024 (AP) —".
DATELINE_RE = re.compile(
    rf"[A-Z][A-Z .'’/-]{{1,40}},\s+(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s+{_YEAR})?"
    rf"|\d{{1,2}}\s+{_MONTH}(?:,?\s+{_YEAR})?)"
    r"(?:\s*\([^)]{1,30}\))?\s*[-–—]+\s*"
)


def read_dateline(text: str, start: int, base: date | None) -> tuple[date | None, int]:
    """(date of a dateline at `start`, offset just past it) or (None, start)."""
    m = DATELINE_RE.match(text, start)
    if not m:
        return None, start
    parsed = parse_date_span(m.group("date"), base)
    return (parsed[0] if parsed and parsed[1] == DAY else None), m.end()


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in a sentence: offsets, the date (start of its period), precision, role."""

    start: int
    end: int
    value: date
    precision: str  # day | month | season | year
    role: str  # baseline | period | point | statement | plain
    end_value: date | None = None  # last day of the period


def period_end(value: date, precision: str) -> date:
    """Last day of the period a date stands for."""
    if precision == YEAR:
        return date(value.year, 12, 31)
    if precision == MONTH:
        return date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    if precision == SEASON:
        y, m = (
            (value.year + 1, value.month - 9) if value.month > 9 else (value.year, value.month + 3)
        )
        return date(y, m, 1) - timedelta(days=1)
    return value


def _start_of(value: date, precision: str) -> date:
    if precision == YEAR:
        return date(value.year, 1, 1)
    if precision == MONTH:
        return date(value.year, value.month, 1)
    return value


@lru_cache(maxsize=8)
def _parser(base: date | None) -> Any:
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": [],
    }
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day, 12)
    return DateDataParser(languages=["en"], settings=settings)


def _month_num(word: str) -> int | None:
    return _MONTH_NUM.get(word.lower().rstrip("."))


def _last_day_before(base: date, month: int, day: int | None = None) -> date:
    """Most recent (year of) month[/day] not after base."""
    year = base.year
    d = date(year, month, min(day or 1, calendar.monthrange(year, month)[1]))
    if d > base:
        year -= 1
        d = date(year, month, min(day or 1, calendar.monthrange(year, month)[1]))
    return d


@lru_cache(maxsize=4096)
def parse_date_span(span: str, base: date | None) -> tuple[date, str] | None:
    """(date at the start of its period, precision) for one candidate span, or None.

    `base` is the reference date (publication) used for spans without a year.
    """
    s = " ".join(span.split())
    low = s.lower()
    has_year = re.search(_YEAR, s) is not None
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))), DAY
        except ValueError:
            return None
    # Rules first for what dateparser does not read.
    m = re.fullmatch(r"the\s+(\d{1,2})(?:st|nd|rd|th)", s, re.IGNORECASE)
    if m:
        # "revealed on the 13th": a day of the base date's month, or of the month before it
        if base is None or not 1 <= int(m.group(1)) <= 31:
            return None
        day = int(m.group(1))
        first = date(base.year, base.month, 1)
        if day > base.day:
            first = (first - timedelta(days=1)).replace(day=1)
        if day > calendar.monthrange(first.year, first.month)[1]:
            return None
        return first.replace(day=day), DAY
    m = re.fullmatch(rf"(?:the\s+)?end\s+of\s+({_MONTH})(?:\s+({_YEAR}))?", s, re.IGNORECASE)
    if m:
        mon = _month_num(m.group(1))
        if mon is None:
            return None
        if m.group(2):
            y = int(m.group(2))
        elif base is not None:
            y = _last_day_before(base, mon).year
        else:
            return None
        return date(y, mon, calendar.monthrange(y, mon)[1]), DAY
    m = re.fullmatch(rf"(?:the\s+)?end\s+of\s+({_YEAR})", s, re.IGNORECASE)
    if m:
        return date(int(m.group(1)), 12, 31), DAY
    m = re.fullmatch(
        rf"(early|mid|late|the\s+middle\s+of|the\s+start\s+of|the\s+beginning\s+of)[\s-]*"
        rf"(?:({_MONTH})\s+)?({_YEAR})",
        s,
        re.IGNORECASE,
    )
    if m:
        part = m.group(1).lower()
        y = int(m.group(3))
        if m.group(2):
            mon = _month_num(m.group(2)) or 1
            day = {"early": 1, "mid": 15, "late": 21}.get(part.split()[0], 1)
            if "middle" in part:
                day = 15
            return date(y, mon, day), MONTH
        mon = 7 if part.startswith(("mid", "the middle")) else 10 if part == "late" else 1
        return date(y, mon, 1), YEAR if mon == 1 else MONTH
    if low in _WEEKDAYS:
        if base is None:
            return None
        delta = (base.weekday() - _WEEKDAYS.index(low)) % 7
        return base - timedelta(days=delta), DAY
    m = re.fullmatch(
        rf"(?:(last|this|the)\s+)?(summer|winter|spring|autumn|fall)(?:\s+(?:of\s+)?({_YEAR}))?",
        low,
    )
    if m:
        # Northern-hemisphere seasons, dated by their first month (winter starts in December).
        which, season, year = m.groups()
        month = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}[season]
        if year:
            return date(int(year) - (1 if month == 12 else 0), month, 1), SEASON
        if base is None:
            return None
        start = _last_day_before(base, month)
        if (
            which == "last"
            and start.year == base.year
            and base < date(base.year, month, 1) + timedelta(days=92)
        ):
            start = date(start.year - 1, month, 1)  # "last summer" said during the summer
        return start, SEASON
    m = re.fullmatch(rf"({_MONTH})\s+(?:of\s+)?(last|this|next)\s+year", s, re.IGNORECASE)
    if m:  # "November of last year"
        mon = _month_num(m.group(1))
        if base is None or mon is None:
            return None
        return date(
            base.year + {"last": -1, "this": 0, "next": 1}[m.group(2).lower()], mon, 1
        ), MONTH
    m = re.fullmatch(r"(last|this|next|past)\s+(year|month|week)", low)
    if m:
        if base is None:
            return None
        which, unit = m.groups()
        if unit == "year":
            y = base.year - (1 if which in ("last", "past") else 0) + (1 if which == "next" else 0)
            return date(y, 1, 1), YEAR
        if unit == "month":
            mth = (
                base.month - (1 if which in ("last", "past") else 0) + (1 if which == "next" else 0)
            )
            y = base.year + (mth - 1) // 12
            mth = (mth - 1) % 12 + 1
            return date(y, mth, 1), MONTH
        if which in ("last", "past"):
            # "last week": the month that week (mostly) lay in, as later blind gold reads it
            prior = base - timedelta(days=7)
            return date(prior.year, prior.month, 1), MONTH
        return None
    if re.fullmatch(_YEAR, s):
        return date(int(s), 1, 1), YEAR
    if not has_year and base is None:
        return None  # a month or day without a year and nothing to anchor it to
    # "7-8 September" / "September 7-8": the first day.
    s2 = re.sub(r"(\d{1,2})(?:st|nd|rd|th)?\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?", r"\1", s)
    s2 = re.sub(r"\bSept\b", "Sep", s2)
    data = _parser(base).get_date_data(s2)
    if data is None or data.date_obj is None:
        return None
    precision = data.period if data.period in (DAY, MONTH, YEAR) else DAY
    value = data.date_obj.date()
    if not has_year and base is not None:
        # Month names without a year: the latest such date on or before the base date.
        value = _last_day_before(base, value.month, value.day if precision == DAY else None)
    return _start_of(value, precision), precision


_DAY_OF_MONTH_RE = re.compile(
    rf"\b{_MONTH}\s+{_DAYNUM}(?![\w])|\b{_DAYNUM}\s+(?:of\s+)?{_MONTH}(?![\w])"
)  # months capitalised, as English writes them: "30 may have been sent" is no date


def day_of_month_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of "Dec. 30", "30 December": dates even when no year can be given to them (a text
    without a publication date), so that their day numbers are never read as counts."""
    return [(m.start(), m.end()) for m in _DAY_OF_MONTH_RE.finditer(text, start, end)]


def find_dates(text: str, start: int, end: int, base: date | None) -> list[DateMention]:
    """Dates in text[start:end] with their roles, offsets into `text`."""
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text, start, end):
        kind = m.lastgroup
        span = m.group()
        if kind == "my" and span.rstrip(".") == "May" and m.end() < len(text):
            # "may" the verb is lower case; a bare capitalised May still needs a date cue.
            before = text[max(start, m.start() - 12) : m.start()]
            if not re.search(
                r"\b(?:in|since|by|from|until|of|through|early|late)\s+$", before, re.IGNORECASE
            ):
                continue
        if kind == "my" and span.lower().rstrip(".") in ("mar", "jan", "jun", "jul", "dec", "sep"):
            continue  # bare abbreviations are too ambiguous without a day or year
        if kind == "rel" and span.lower().startswith("past"):
            continue  # "over the past year (and a half)": a span ending now, not a calendar date
        if kind == "year" and re.search(
            r"\b(?:a|an|the|its|their|this|that|his|her)\s+$",
            text[max(start, m.start() - 8) : m.start()],
            re.IGNORECASE,
        ):
            continue  # "a 2023 report", "the 2024 figures": a label, not a date of the figure
        parsed = parse_date_span(span, base)
        if parsed is None:
            continue
        value, precision = parsed
        before = text[max(start, m.start() - 60) : m.start()]
        if (
            kind == "my"
            and base is not None
            and value < base
            and not re.search(_YEAR, span)
            and re.search(r"\b(?:by|in)\s+$", before)
            and _FUTURE_CUE.search(text, max(start, m.start() - 160), m.start())
        ):
            value = date(value.year + 1, value.month, 1)  # the next such month, not the last
        after = text[m.end() : min(end, m.end() + 20)]
        if (
            _STATEMENT_BEFORE.search(before)
            or (
                kind in ("wd", "onth")
                and re.search(r"\bon\s+$", before)
                and _STATEMENT_AFTER.match(after)
            )
            or (kind == "wd" and _STATEMENT_EARLIER.search(before))
            or (kind == "rel" and _STATEMENT_RIGHT_BEFORE.search(before))
        ):
            role = "statement"
        elif _BASELINE_CUE.search(before) or _SINCE_CLAUSE.search(
            text, max(start, m.start() - 160), m.start()
        ):
            role = "baseline"
        elif kind == "endof" or _POINT_CUE.search(before):
            role = "point"
        elif _PERIOD_CUE.search(before) or kind in ("rel", "season"):
            role = "period"
        elif kind == "wd":
            role = "statement"
        else:
            role = "plain"
        out.append(
            DateMention(m.start(), m.end(), value, precision, role, period_end(value, precision))
        )
    # "between August 2023 and February 2024", "from X to Y": the second date is the end point.
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = text[a.end : b.start]
        if a.role == "baseline" and re.fullmatch(r"\s*(?:and|to|through|until|-|–)\s*", gap):
            out[i + 1] = DateMention(b.start, b.end, b.value, b.precision, "point", b.end_value)
    return out


# -- date lines -----------------------------------------------------------------------------
# What a page's date line holds besides the date: times, zones, bylines, "updated", "2 min read".
_DATE_LINE_NOISE = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:a\.m\.|p\.m\.|am|pm))?"
    r"|\b(?:AM|PM|EDT|EST|CET|CEST|BST|GMT|UTC|KST|JST|MSK|EET|EEST)\b"
    r"|\b\d+\s+min(?:ute)?s?\s+read\b"
    r"|\b(?:posted|published|updated|modified|written|last|edited|date|on|at|by|and|of|the"
    r"|news|desk|staff|reporter|correspondent)\b"
    r"|[|:,•·()\[\]/–—-]",
    re.IGNORECASE,
)
# A date line carries at most this many other words (a byline: "by Kateryna Denisova and The
# Kyiv Independent news desk").
DATE_LINE_MAX_WORDS = 8
DATE_LINE_MAX_CHARS = 200


@dataclass(frozen=True, slots=True)
class DateLine:
    """A line that only dates the document ("Jun 14, 2024", "Posted on : 2023-11-02 17:02")."""

    start: int
    end: int
    value: date | None


def find_date_lines(text: str, start: int, base: date | None) -> list[DateLine]:
    """Lines of text[start:] that hold a full date and nothing else but times, zones and a
    byline: they date the document and hold no claims."""
    out: list[DateLine] = []
    pos = start
    for line in text[start:].splitlines(keepends=True):
        s, e = pos, pos + len(line.rstrip("\n"))
        pos += len(line)
        body = text[s:e].strip()
        if not body or len(body) > DATE_LINE_MAX_CHARS or body.endswith((".", "?", "!", '"', "”")):
            continue
        spans = [(m.start(), m.end(), m) for m in _DATE_RE.finditer(text, s, e)]
        if not spans:
            continue
        value = None
        for _, _, m in spans:
            if m.lastgroup in ("iso", "slash", "dmy", "mdy"):
                parsed = parse_date_span(m.group(), base)
                if parsed is not None and parsed[1] == DAY:
                    value = parsed[0]
                    break
        if value is None:
            continue
        rest = text[s:e]
        for a, b, _ in reversed(spans):
            rest = rest[: a - s] + " " + rest[b - s :]
        rest = _DATE_LINE_NOISE.sub(" ", rest)
        words = rest.split()
        if len(words) <= DATE_LINE_MAX_WORDS and not any(ch.isdigit() for ch in rest):
            out.append(DateLine(s, e, value))
    return out
