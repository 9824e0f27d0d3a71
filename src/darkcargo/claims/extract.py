"""Quantitative claims from text: number, item, calibre, bound, speaker, stance, dates.

`extract_claims(text)` is rule-based and offline. For every sentence it finds numbers (digits
and words), throws out what is not a quantity (years, ages, list numbers, dates, times,
identifiers such as "IMO 9179842" or "KN-23", measures such as "20-foot" or "43.56 kg"), reads
the counted item and calibre after each number, the bound cue before it, the "could hold"
capacity cue and any negation in its clause, then attaches the speaker (resolving pronouns and
titles through the document) and the dates the sentence gives.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date

from darkcargo.claims import bound as cues
from darkcargo.claims.attribution import Attribution, Resolver, find_attributions
from darkcargo.claims.candidates import (
    CAPACITY,
    COUNT,
    MASS,
    MONEY,
    OBSERVED,
    PART,
    PERCENTAGE,
    RATE,
    RATIO,
    ExtractParams,
    _Cand,
    _sentence_candidates,
)
from darkcargo.claims.dates import DateMention, find_date_lines, find_dates, read_dateline
from darkcargo.claims.evidence import find_evidence
from darkcargo.claims.items import read_item
from darkcargo.claims.route import clause_route
from darkcargo.claims.speakers import PLACES, _words
from darkcargo.claims.text import (
    Sentence,
    clause_bounds,
    clause_starts,
    document_id,
    parse_date_text,
    read_header,
    split_sentences,
)

EXTRACTOR_VERSION = "rules-1"
__all__ = [
    "CAPACITY",
    "COUNT",
    "MASS",
    "MONEY",
    "OBSERVED",
    "PART",
    "PERCENTAGE",
    "RATE",
    "RATIO",
    "Claim",
    "ExtractParams",
    "extract_claims",
    "make_claim_id",
    "quantity_key",
]


@dataclass
class Claim:
    """One quantitative claim, shaped like a row of the `claims` table."""

    claim_id: str
    doc_id: str | None
    span_start: int | None
    span_end: int | None
    quote: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    item: str | None
    caliber: str | None
    bound: str
    hedge: str | None = None
    speaker: str | None = None
    speaker_title: str | None = None
    stance: str | None = None
    negated: bool = False
    basis: str = COUNT
    quantity: str | None = None
    claim_date: date | None = None
    date_precision: str | None = None
    baseline_date: date | None = None
    source_url: str | None = None
    cluster_id: str | None = None
    extractor: str = EXTRACTOR_VERSION
    evidence: str | None = None  # what the figure rests on: satellite imagery, a report, data
    sender_country: str | None = None  # ISO code of the sender its clause names, if any
    recipient_country: str | None = None

    def as_row(self) -> dict[str, object]:
        return asdict(self)


def quantity_key(item: str | None, caliber: str | None, unit: str) -> str | None:
    """Name of the quantity a claim speaks of, in the estimates' vocabulary
    (containers, rounds_152mm, rockets_122mm, rounds_152mm_per_container, euros...)."""
    if unit == "percent":
        return f"{item}_percent" if item else "percent"
    if unit == "ratio":
        return f"{item}_ratio" if item else "ratio"
    if item is None:
        return None
    base = item
    if caliber:
        base = f"rounds_{caliber}" if item == "shells" else f"{item}_{caliber}"
    if unit == "per_container":
        return f"{base}_per_container"
    if unit.startswith("per_"):
        return f"{base}_{unit}"
    if unit == "tonnes":
        return base if base == "tonnes" else f"{base}_tonnes"
    return base


def make_claim_id(*parts: object) -> str:
    return hashlib.sha256(
        "|".join("" if p is None else str(p) for p in parts).encode()
    ).hexdigest()[:16]


_OWN_SOURCE = re.compile(r"\baccording\s+to\b", re.IGNORECASE)
# A headline that ends in its source after a colon: "... to rebuild Russia's Kursk: Shoigu".
_HEADLINE_SOURCE = re.compile(r":\s*(?P<who>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\.?\s*$")
# A headline or a line that opens with its source before a colon: "CNN: North Korea plans to
# send up to 30,000 troops", "JCS: 1,100 Casualties". Labels that open a line the same way
# ("Exclusive:", "Photo:") name no source.
_LEADING_SOURCE = re.compile(
    r"\s*[\"“]?(?P<who>[A-Z][\w.'’&-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w.'’&-]*){0,3})\s*:\s+(?=\S)"
)
_NOT_A_SOURCE = _words(
    """exclusive breaking update updated analysis opinion watch video photo photos picture
    explainer live factbox timeline editorial comment commentary interview note read also
    related source sources details addition summary background context correction why what
    how key fact latest listen quote quotes caption credit image images file map chart
    graphic table warning alert highlights takeaways war crisis conflict invasion"""
)
_ANAPHOR_START = re.compile(
    r"[\"“‘']?(?:That|This|These|Those|It|They|Such|Those|The\s+(?:figure|figures|number|total"
    r"|containers|shells|shipments|estimate|cargo|boxes|ships|vessels|rounds|amount))\b"
)
_POINTER_NEXT = re.compile(
    r"[\"“]?(?:(?:That|This|These|Those)(?:\s+(?:revelation|finding|findings|information"
    r"|assessment|estimate|figure|figures|number|data|account|conclusion))?|It"
    r"|The\s+(?:figure|figures|number|estimate|estimates))"
    r"(?:(?:['’]s|\s+is|\s+was|\s+comes|\s+came)?\s+(?:according\s+to|from|based\s+on)\b"
    r"|\s+(?:was|were|is|has\s+been|had\s+been)\s+(?:\w+\s+)?(?:stated|said|reported|announced"
    r"|disclosed|confirmed|revealed|claimed|told|estimated|noted)\s+(?:by|in)\b)",
    re.IGNORECASE,
)


# -- dates --------------------------------------------------------------------------------------
def _nearest(ds: list[DateMention], pos: int, window: int) -> DateMention | None:
    """The date in `ds` (sorted by start) nearest to `pos`, within `window` characters."""
    if not ds:
        return None
    starts = [d.start for d in ds]
    k = bisect.bisect_left(starts, pos)
    best = [d for d in ds[max(0, k - 1) : k + 1] if abs(d.start - pos) <= window]
    return min(best, key=lambda d: abs(d.start - pos)) if best else None


_CONTRAST_BEFORE = re.compile(r"\b(?:but|yet|however)\s*,?\s*$", re.IGNORECASE)
_EVENT_OPENING = re.compile(r"(?:Following|After|Before|Despite|Under|Amid)\b")


# "$24.5 billion (€22.6 billion) in 2022": a conversion in brackets may stand between
_OWN_DATE_GAP = re.compile(r"\)?\s*(?:\([^()]{0,40}\)\s*)?\s(?:in|during|as\s+of|by)\s+")


def _assign_dates(
    text: str,
    sent: Sentence,
    cands: list[_Cand],
    dates: list[DateMention],
    cstarts: list[int],
    window: int = 400,
) -> None:
    statement = next((d for d in dates if d.role == "statement"), None)
    by_clause: dict[tuple[int, int], list[DateMention]] = {}
    for d in dates:
        if d.role == "statement":
            continue
        by_clause.setdefault(clause_bounds(cstarts, sent.end, d.start), []).append(d)
    claim_clauses = {c.clause for c in cands}
    intro: list[DateMention] = []
    first_clause = clause_bounds(cstarts, sent.end, sent.start)
    # "Following the agreement signed in June 2024, ...": another event's date, not the claim's
    if first_clause not in claim_clauses and not _EVENT_OPENING.match(text, sent.start):
        intro = by_clause.get(first_clause, [])
        # "Earlier, in April, ...": a second short opening clause that only dates what follows
        if not intro and len(cstarts) > 2 and len(text[sent.start : cstarts[1]].split()) <= 2:
            second = (cstarts[1], cstarts[2])
            if second not in claim_clauses and len(text[second[0] : second[1]].split()) <= 4:
                intro = by_clause.get(second, [])
    # "stated that as of April, out of 15 000 fighters, ... had lost 4,700": a clause without a
    # figure that ends in "as of" a date dates the clauses after it
    dating = sorted(
        (cl, ds)
        for cl, ds in by_clause.items()
        if cl not in claim_clauses
        and cl != first_clause
        and (
            (
                all(d.role == "point" for d in ds)  # "as of April"; not "from May to June"
                and not text[ds[-1].end : cl[1]].strip(" ,;")
            )
            # "As the agency earlier reported, in November 2023, Bloomberg reported that ...":
            # a clause that is only a date dates the clauses after it
            or (len(ds) == 1 and _only_a_date(text, cl, ds[0]))
        )
    )
    for c in cands:
        pos = c.first.start
        ds = by_clause.get(c.clause, [])
        if not ds and not intro:
            ds = next((d for cl, d in reversed(dating) if cl[1] <= c.clause[0]), [])
        baseline = [d for d in ds if d.role == "baseline"]
        others = [d for d in ds if d.role != "baseline"]
        if not ds and intro:
            baseline = [d for d in intro if d.role == "baseline"]
            others = [d for d in intro if d.role != "baseline"]
        # "from 242,000 tonnes in 2022 to 119,000 tonnes in 2025": the date right after a
        # figure's phrase is its own, however near the one before
        own = [
            d
            for d in dates
            if d.role not in ("statement", "baseline")
            and _OWN_DATE_GAP.fullmatch(text, c.end, d.start)
        ]
        claim_d = own[0] if own else _nearest(others, pos, window) if others else None
        base_d = _nearest(baseline, pos, window) if baseline else None
        if claim_d is None and statement is not None:
            claim_d = statement
        if claim_d is not None:
            c.dates["claim_date"] = claim_d.value
            c.dates["date_precision"] = claim_d.precision
        if base_d is not None:
            c.dates["baseline_date"] = base_d.value
        elif claim_d is not None and claim_d.role == "period":
            c.dates["baseline_date"] = claim_d.value
    # "241,114 barrels and 277,365 barrels ... in 2018 and 2019, respectively": in order
    resp = _RESPECTIVELY.search(text, sent.start, sent.end)
    figs = [c for c in cands if resp is not None and c.end <= resp.start()]
    if resp is not None and len(figs) >= 2:
        listed = [d for d in dates if figs[-1].end <= d.start < resp.start()]
        if len(listed) == len(figs):
            for c, d in zip(figs, listed, strict=True):
                c.dates["claim_date"] = d.value
                c.dates["date_precision"] = d.precision


_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
# A clause that is a date and at most a preposition: "in November 2023," ("@" stands for it)
_DATE_ONLY_CLAUSE = re.compile(r"\s*(?:in|on|during|by|since|as\s+of)?\s*@\s*[,;]?\s*", re.I)


def _only_a_date(text: str, clause: tuple[int, int], d: DateMention) -> bool:
    """Whether a clause holds nothing but the date `d` and a preposition before it."""
    rest = text[clause[0] : d.start] + "@" + text[d.end : clause[1]]
    return _DATE_ONLY_CLAUSE.fullmatch(rest) is not None


# -- speakers -----------------------------------------------------------------------------------
# "..., which, according to the central bank, was worth ...": the source of the relative clause.
# "..., when the minister told reporters ...", "..., after officials said ...": a statement in a
# clause of its own, which does not vouch for the figure before it ("..., as officials said" does).
_RELATIVE_BEFORE = re.compile(
    r"\b(?:which|who|whose|that|when|after|before|since|while|whereas|although|though|because"
    r"|where|if|until)\s*,?\s*$",
    re.IGNORECASE,
)


def _pick_attribution(
    text: str, attrs: list[Attribution], anchors: list[int], c: _Cand
) -> Attribution | None:
    """The nearest attribution before the number in its clause, else the first after it,
    else the nearest before it in the sentence. `attrs` are sorted by anchor."""
    if not attrs:
        return None
    pos = c.first.start
    cs, ce = c.clause
    k = bisect.bisect_left(anchors, pos)
    before = next(
        (a for a in reversed(attrs[max(0, k - 4) : k]) if a.end <= c.span_start + 1), None
    )
    if before is not None and before.anchor >= cs and before.speaker is not None:
        return before
    if before is not None and before.anchor < cs and before.stance == "denied":
        # "While North Korea and Russia deny any arms transfers, imagery ... has shown about
        # four cargo vessels": a denial in another clause neither gives nor denies this figure
        before = None
    following = [
        a
        for a in attrs[k : k + 2]
        if a.anchor > pos
        # "500,000 barrels per year; according to calculations by RUSI, a quarter ...": a source
        # past a semicolon speaks for its own clause
        and ";" not in text[c.end : a.start]
        and not _RELATIVE_BEFORE.search(text, max(0, a.start - 12), a.start)
        # "... as many as 100,000 troops - but experts say that is unlikely": a speaker who
        # disputes the figure does not give it
        and not _CONTRAST_BEFORE.search(text, max(0, a.start - 12), a.start)
        # an agentless passive in a later clause ("..., though many are believed faulty")
        # says nothing of who gave this figure
        and (a.speaker is not None or a.anchor < ce)
    ]
    # "two vessels are believed to have moved ..., according to researchers at ...": the
    # speaker named after an agentless passive
    after = next((a for a in following if a.speaker is not None), None) or next(
        iter(following), None
    )
    if before is not None and before.anchor >= cs:
        # "Russia is estimated to have supplied 1 million barrels ..., the BBC reported": an
        # agentless passive gives way to the speaker named after the figure in its sentence
        return after if after is not None and after.speaker is not None else before
    return after or before


# "the" or "all" right before a figure: one the article may have given already ("All five ships
# had their transponders switched off")
_BACK_REFERENCE = re.compile(r"\b(?:the|all|all[ \u00a0]+the)[ \u00a0]+$", re.IGNORECASE)
_OPENS_QUOTE = re.compile(r"\s*[“\"]")  # a paragraph that opens with a quote mark


def _speaker_introducing_quote_line(
    text: str, per_sent: list[tuple[Sentence, list[_Cand], list[Attribution]]], idx: int
) -> Attribution | None:
    """A line that opens with a quotation mark speaks with the speaker who ends the line before
    it ("... Vladislav Inozemtsev told The Insider that ...\n“With this latest expansion,
    around 60 vessels ..."), for every sentence of that line."""
    sent = per_sent[idx][0]
    line_start = text.rfind("\n", 0, sent.start) + 1
    if line_start == 0 or not _OPENS_QUOTE.match(text, line_start - 1):
        return None
    prev = next((i for i in range(idx - 1, -1, -1) if per_sent[i][0].end <= line_start - 1), None)
    if prev is None or "\n" in text[per_sent[prev][0].end : line_start - 1]:
        return None  # the line before is blank or holds no sentence
    return next((a for a in reversed(per_sent[prev][2]) if a.speaker is not None), None)


def _quote_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches in text[start:end] (curly or straight double quotes), possibly spanning
    several sentences and, when the next paragraph opens with a quote mark again (as a quotation
    running on is printed), several paragraphs. A quote mark left open at the end of its paragraph
    otherwise is a typo ("two Russian ships, “Angara,” and “Maria, making ..."), no quotation."""
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in re.finditer(r"[“”\"\n]", text[start:end]):
        ch = m.group()
        p = start + m.start()
        if ch == "\n":
            if open_at is not None and not _OPENS_QUOTE.match(text, p, end):
                open_at = None  # never closed: no quotation to attribute
        elif ch == "“" or (ch == '"' and open_at is None):
            if open_at is None:
                open_at = p
        elif open_at is not None:
            regions.append((open_at, p + 1))
            open_at = None
    return regions


def _quote_attribution(
    per_sent: list[tuple[Sentence, list[_Cand], list[Attribution]]],
    idx: int,
    regions: list[tuple[int, int]],
    pos: int,
    params: ExtractParams,
) -> Attribution | None:
    """The attribution of the quotation holding offset `pos`, if any."""
    region = _region_at(regions, pos)
    if region is None:
        return None
    return _attribution_near(per_sent, idx, region, params, need_speaker=True)


def _region_at(regions: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The quotation (regions are disjoint and sorted) holding offset `pos`, if any."""
    k = bisect.bisect_right(regions, (pos, float("inf"))) - 1
    if k >= 0 and regions[k][0] <= pos < regions[k][1]:
        return regions[k]
    return None


def _attribution_near(
    per_sent: list[tuple[Sentence, list[_Cand], list[Attribution]]],
    idx: int,
    region: tuple[int, int],
    params: ExtractParams,
    need_speaker: bool = False,
) -> Attribution | None:
    """The attribution right after a quotation closes, or right before it opens."""
    qs, qe = region
    w = params.quote_attribution_window
    pool = [
        a
        for _, _, aa in per_sent[max(0, idx - 3) : idx + 4]
        for a in aa
        if (a.speaker is not None or not need_speaker)
        and (qe <= a.anchor <= qe + w or qs - w <= a.anchor < qs)
    ]
    if not pool:
        return None
    # The speaker who closes the quotation in its last sentence ('... in Ukraine," Kirby
    # noted.') speaks it, before one whose sentence ends ahead of it ("This is reported by AP.")
    closing = next((s for s, _, _ in per_sent if s.start < qe <= s.end), None)
    closers = [a for a in pool if closing is not None and qe <= a.anchor <= closing.end]
    return min(closers or pool, key=lambda a: min(abs(a.anchor - qe), abs(a.anchor - qs)))


def _next_paragraph_starts(text: str, sentences: list[Sentence]) -> list[int | None]:
    """For each sentence, the index of the sentence that opens the next paragraph (a sentence
    after a line break), or None in the last paragraph."""
    opens = [
        i
        for i in range(1, len(sentences))
        if "\n" in text[sentences[i - 1].end : sentences[i].start]
    ]
    out: list[int | None] = []
    k = 0
    for i in range(len(sentences)):
        while k < len(opens) and opens[k] <= i:
            k += 1
        out.append(opens[k] if k < len(opens) else None)
    return out


def _headline_source(text: str, sent: Sentence, resolver: Resolver) -> Attribution | None:
    """A line of its own that ends in its source after a colon ("... to rebuild Russia's
    Kursk: Shoigu", a highlight "Nine troops died during deployment: Kim Jong Un.")."""
    if text[sent.end : sent.end + 1] not in ("", "\n") or text[
        max(0, sent.start - 1) : sent.start
    ] not in ("", "\n"):
        return None
    tail = _HEADLINE_SOURCE.search(text, sent.start, sent.end)
    who = resolver.resolve(tail.group("who").split())[0] if tail else None
    if tail is None or who is None:
        return None
    return Attribution(tail.start(), tail.start(), tail.end(), who, "said")


def _evidence_apart(evidence: str | None, speaker: str | None) -> str | None:
    """The evidence a figure rests on, unless it is the speaker itself ("Ukrainian intelligence
    indicates ...": the intelligence speaks, it is no evidence apart from it)."""
    if evidence and speaker and evidence.split()[-1] in speaker.lower():
        return None
    return evidence


def _leading_source(text: str, sent: Sentence, resolver: Resolver) -> Attribution | None:
    """A sentence that opens with its source and a colon ("Zelensky: Over 3,000 North Korean
    Soldiers Killed", "CNN: North Korea plans to send ...")."""
    m = _LEADING_SOURCE.match(text, sent.start, sent.end)
    if m is None:
        return None
    words = m.group("who").split()
    if any(w.lower().strip(".") in _NOT_A_SOURCE for w in words):
        return None
    if all(w.isupper() for w in words) and " ".join(words).lower() in PLACES:
        return None  # a dateline ("WASHINGTON: North Korea has sent ..."), not a source
    who, title = resolver.resolve(words)
    if who is None:
        return None
    return Attribution(m.start("who"), m.start("who"), m.end(), who, "said", title)


def extract_claims(
    text: str,
    *,
    doc_id: str | None = None,
    source_url: str | None = None,
    published: date | None = None,
    params: ExtractParams | None = None,
) -> list[Claim]:
    """Every quantitative claim in `text`, in document order.

    `published` anchors dates written without a year ("on Monday", "since August"); a leading
    "Date:" header line supplies it when not given.
    """
    params = params or ExtractParams()
    if not text or not text.strip():
        return []
    doc_id = doc_id or document_id(text)
    header, body_start = read_header(text)
    if published is None:
        for key in ("date", "published"):
            if header.get(key):
                published = parse_date_text(header[key])
                if published:
                    break
    if source_url is None:
        source_url = header.get("url") or header.get("source_url")
    # A wire dateline ("SEOUL, June 3 (Reuters) -") dates the story, not the figures in it.
    ws_start = body_start + len(text[body_start:]) - len(text[body_start:].lstrip())
    line_date, after_dateline = read_dateline(text, ws_start, published)
    if after_dateline > ws_start:
        published = published or line_date
        body_start = after_dateline
    # Lines that only date the page ("Jun 14, 2024", "Posted on : 2023-11-02 17:02 KST") date
    # the document when nothing else does, and are never mined for claims.
    date_lines = find_date_lines(text, body_start, published)
    if published is None and date_lines:
        published = date_lines[0].value
    breaks = frozenset(p for dl in date_lines for p in (dl.start - 1, dl.end))
    in_date_line = {(dl.start, dl.end) for dl in date_lines}
    sentences = [
        s
        for s in split_sentences(text, body_start, breaks)
        if not any(a <= s.start and s.end <= b for a, b in in_date_line)
    ]
    resolver = Resolver()
    per_sent: list[tuple[Sentence, list[_Cand], list[Attribution]]] = []
    for sent in sentences:
        dates = find_dates(text, sent.start, sent.end, published)
        # A year-like number right before an item is a count ("2000 containers"), not a year.
        dates = [
            d
            for d in dates
            if not (
                re.fullmatch(r"\d{4}", text[d.start : d.end])
                and read_item(text, d.end, sent.end).item_start is not None
                and (read_item(text, d.end, sent.end).item_start or 0) - d.end < 3
            )
        ]
        cands = _sentence_candidates(text, sent, dates, params)
        attrs = find_attributions(text, sent.start, sent.end, resolver)
        cstarts = clause_starts(text, sent.start, sent.end)
        _assign_dates(text, sent, cands, dates, cstarts, params.context_window)
        per_sent.append((sent, cands, attrs))

    # Attribution across sentences: quotations, "That is according to ...", anaphors.
    regions = _quote_regions(text, body_start, len(text))
    next_paragraph = _next_paragraph_starts(text, [s for s, _, _ in per_sent])
    claims: list[Claim] = []
    for idx, (sent, cands, attrs) in enumerate(per_sent):
        fallback: Attribution | None = None
        if not attrs:
            fallback = _leading_source(text, sent, resolver)
        if not attrs and fallback is None:
            for region in (_region_at(regions, sent.start), _region_at(regions, sent.end - 1)):
                # a quotation that only closes the sentence ('... are reportedly stationed in
                # the "rear front as reserve forces."') does not hold the figures before it
                if region is not None and region[0] <= sent.start + 1:
                    fallback = _attribution_near(per_sent, idx, region, params)
                    if fallback is not None:
                        break
            if fallback is None:
                # "This was reported by ...": the next sentence, or the sentence opening the
                # next paragraph, which then speaks for the whole paragraph before it.
                for j in dict.fromkeys((idx + 1, next_paragraph[idx])):
                    if j is None or j >= len(per_sent):
                        continue
                    nxt_sent, _, nxt_attrs = per_sent[j]
                    if nxt_attrs and _POINTER_NEXT.match(text, nxt_sent.start, nxt_sent.end):
                        fallback = nxt_attrs[0]
                        break
            if (
                fallback is None
                and idx == 0
                and len(per_sent) > 1
                and text[sent.end - 1 : sent.end].isalnum()
                and "\n" in text[sent.end : per_sent[1][0].start]
            ):
                # a headline (its own line, no full stop) speaks with its lead's source:
                # "Satellite images show how hundreds of soldiers were transported\nHundreds
                # ... have likely been transported ..., according to a new analysis by ...";
                # the lead is the first line after it with a figure (not a photo's caption)
                lead = next((p for p in per_sent[1:4] if p[1]), per_sent[1])
                fallback = next((a for a in lead[2] if a.speaker is not None), None)
            if fallback is None or idx == 0:
                fallback = _headline_source(text, sent, resolver) or fallback
            if fallback is None and idx > 0:
                fallback = _speaker_introducing_quote_line(text, per_sent, idx)
            if (
                fallback is None
                and params.inherit_on_anaphor
                and idx > 0
                and _ANAPHOR_START.match(text, sent.start, sent.end)
                # a sentence that names its own source ("according to multiple western
                # intelligence assessments") does not borrow the one before, even when its
                # source is no name the resolver knows
                and not _OWN_SOURCE.search(text, sent.start, sent.end)
            ):
                prev_attrs = per_sent[idx - 1][2]
                if prev_attrs:
                    fallback = prev_attrs[-1]
        quote = text[sent.start : sent.end]
        anchors = [a.anchor for a in attrs]
        evidence = find_evidence(text, sent.start, sent.end)
        for c in cands:
            a = _pick_attribution(text, attrs, anchors, c) or fallback
            speaker = a.speaker if a else None
            stance = a.stance if a else None
            title = a.title if a else None
            if speaker is None:
                # "'We estimate 6,700 containers,' Shin told reporters": inside a quotation the
                # speaker is whoever the quotation is attributed to.
                qa = _quote_attribution(per_sent, idx, regions, c.first.start, params)
                if qa is not None:
                    speaker, title = qa.speaker, qa.title
                    stance = stance or qa.stance
            negated = c.negated or stance == "denied"
            value = c.value
            low, high = c.low, c.high
            if not c.is_range or c.vague:
                if c.bound == cues.EXACT:
                    low = high = value
                elif c.bound == cues.LOWER:
                    low = value
                elif c.bound == cues.UPPER:
                    high = value
            claim = Claim(
                claim_id=make_claim_id(doc_id, c.span_start, c.end, value, low, high, c.item),
                doc_id=doc_id,
                span_start=c.span_start,
                span_end=c.end,
                quote=quote,
                value=value,
                low=low,
                high=high,
                unit=c.unit,
                item=c.item,
                caliber=c.caliber,
                bound=c.bound,
                hedge=c.hedge,
                speaker=speaker,
                speaker_title=title,
                stance=stance,
                negated=negated,
                basis=c.basis,
                quantity=quantity_key(c.item, c.caliber, c.unit),
                claim_date=c.dates.get("claim_date", published),  # type: ignore[arg-type]
                date_precision=c.dates.get(  # type: ignore[arg-type]
                    "date_precision", "day" if published else None
                ),
                baseline_date=c.dates.get("baseline_date"),  # type: ignore[arg-type]
                source_url=source_url,
                evidence=_evidence_apart(evidence, speaker),
            )
            claim.sender_country, claim.recipient_country = clause_route(text, *c.clause)
            if _BACK_REFERENCE.search(
                text, max(sent.start, c.span_start - 8), c.span_start
            ) and any((k.value, k.item) == (value, c.item) for k in claims):
                continue  # "about half of the 4,100 wounded soldiers": a figure given before
            claims.append(claim)
    return claims
