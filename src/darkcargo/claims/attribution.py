"""Who says a figure, and how: speaker and stance from reporting verbs and "according to".

Reads "Defence Minister Shin Won-sik said", "..., said Jenny Town, a senior fellow", "according
to the Royal United Services Institute (RUSI)", "lawmakers said", "is believed to". A pronoun
("he", "it") or a title ("the minister", "the agency") is resolved to the full name used
earlier in the document, a surname ("Shin") to the full name, an acronym ("RUSI") to the name it
was introduced with. Stances: said, estimated, believes, claimed, according_to, denied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from darkcargo.claims.phrases import (
    author_modifier,
    definite,
    np_backward,
    np_forward,
    np_forward_named,
    past_acronym_and_coauthors,
)
from darkcargo.claims.speakers import (
    ADVERBS,
    EVIDENCE_HEADS,
    HEAD_NOUNS,
    MAX_NP_WORDS,
    MEDIA_HEADS,
    MODIFIER_WORDS,
    NOT_NAMES,
    PLACES,
    PRONOUNS,
    Resolver,
    _is_cap,
    _is_name,
    _is_title_phrase,
    _join,
    _strip_det,
    _tokens,
)

__all__ = [
    "ACCORDING_TO",
    "BELIEVES",
    "CLAIMED",
    "DENIED",
    "ESTIMATED",
    "SAID",
    "Attribution",
    "Resolver",
    "find_attributions",
]


SAID, ESTIMATED, BELIEVES, CLAIMED, ACCORDING_TO, DENIED = (
    "said",
    "estimated",
    "believes",
    "claimed",
    "according_to",
    "denied",
)

VERB_STANCE: dict[str, str] = {}
for _stance, _verbs in (
    (
        SAID,
        """said says say told tells tell stated states announced announces added adds noted
        notes wrote writes reported reports testified testifies warned warns explained confirmed
        confirms
        publicized publicised publicizes publicises highlighted highlights underlined underlines
        acknowledged revealed disclosed declared briefed clarified clarifies stressed stresses
        affirmed affirms reaffirmed reaffirms informed informs
        emphasized emphasizes emphasised emphasises quoted mentioned mentions indicate indicates
        indicated reads""",
    ),
    (
        ESTIMATED,
        """estimated estimates estimate calculated calculates assessed assesses assess analyzed
        analyses analyzes analysed analyse analyze found
        finds concluded concludes counted discovered discovers spotted spots detected detects
        identified identifies
        observed observes suggests suggested suggest""",
    ),
    (
        BELIEVES,
        "believes believe believed thinks think suspects suspect suspected",
    ),
    (
        CLAIMED,
        "claimed claims claim alleged alleges asserted asserts assert insisted insists insist "
        "argued argues argue accused accuses",
    ),
    (DENIED, "denied denies deny rejected rejects dismissed dismisses"),
):
    for _v in _verbs.split():
        VERB_STANCE[_v] = _stance

# Verbs of finding and seeing speak only for a named or institutional subject ("Seoul spotted",
# "analysts found"; not "the crew found").
OBSERVING_VERBS = frozenset(
    {"found", "finds", "counted", "discovered", "discovers", "spotted", "spots", "detected"}
    | {"detects", "observed", "observes", "analyzed", "analysed", "analyzes", "analyses"}
    | {"identified", "identifies"}  # "The think tank identified 27 shipments"
)
# Headlines write a few reporting verbs in title case ("Zelenskyy Says N. Korea Has Sent ...").
HEADLINE_VERBS = ("Says", "Said", "Claims", "Warns", "Tells", "Confirms", "Believes", "Suggests")
# Documents that speak when no author is named: "the report said" (not imagery or data).
_SPEAKING_DOCUMENTS = frozenset(
    {"report", "reports", "study", "analysis", "assessment", "investigation"}
)
# Heads of what is written, the only subjects "reads" reports for ("the study reads").
_WRITTEN_HEADS = EVIDENCE_HEADS | {"statement", "letter", "message", "resolution", "text"}
_VERB_RE = re.compile(
    r"\b(?:" + "|".join(sorted([*VERB_STANCE, *HEADLINE_VERBS], key=len, reverse=True)) + r")\b"
)
# "..., per South Korean intelligence": "per" before a capitalised source reads as according to
_ACCORDING_RE = re.compile(
    r"\baccording\s+to\s+|(?<=,\s)per\s+(?=(?:the\s+)?(?-i:[A-Z]))", re.IGNORECASE
)
_ACCORDING_SOURCE = re.compile(
    r"(?:(?:a|an|the|new|latest|recent|its|their)\s+)*(?:[\w-]+\s+)?"
    # "an analysis of satellite imagery published on Friday by": the analysis's author
    r"(?:analys[ie]s\s+of\s+(?:[\w-]+\s+){1,3}?(?:published|released|compiled|conducted)"
    r"(?:\s+on\s+\w+)?\s+by\s+|"
    r"(?:estimates?|analys[ie]s|reports?|assessments?|stud(?:y|ies)|data|figures|counts?|tall(?:y|ies)"
    r"|reviews?|statements?|calculations?|research|imagery|images|information|intelligence"
    r"|updates?|briefings?|findings)\s+"
    r"(?:by|from|of|(?:compiled|published|released|revealed|obtained|provided|gathered)\s+by)\s+|"
    # "according to six sources cited by Reuters": the outlet that cites them speaks
    r"(?:[\w-]+\s+){0,2}(?:sources?|officials?|people|diplomats?|insiders?)\s+"
    r"(?:cited|quoted|interviewed|contacted)\s+by\s+)",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(
    r"\b(?:is|are|was|were|been|being)\s+(?:(?:widely|now|also|initially|originally|previously|first|later)\s+)?"
    r"(?P<v>believed|thought|estimated|said|reported|suspected|understood|alleged|assessed|"
    r"calculated|claimed|told|stated|announced|disclosed|confirmed|revealed|noted)\b"
    r"(?:\s+by\s+)?",
    re.IGNORECASE,
)
_AS_BY_RE = re.compile(
    r"\bas\s+(?:was\s+|has\s+been\s+|have\s+been\s+)?(?P<v>reported|stated|estimated|noted"
    r"|announced|claimed|confirmed|said|assessed|calculated|revealed|disclosed)\s+by\s+",
    re.IGNORECASE,
)
_PASSIVE_STANCE = {
    "believed": BELIEVES,
    "thought": BELIEVES,
    "suspected": BELIEVES,
    "understood": BELIEVES,
    "estimated": ESTIMATED,
    "assessed": ESTIMATED,
    "calculated": ESTIMATED,
    "said": SAID,
    "reported": SAID,
    "alleged": CLAIMED,
    "claimed": CLAIMED,
    "told": SAID,
    "stated": SAID,
    "announced": SAID,
    "disclosed": SAID,
    "confirmed": SAID,
    "revealed": SAID,
    "noted": SAID,
}
# "<speaker> raised its estimate to", "<speaker> put the total at": an estimate.
_ESTIMATE_NOUN_RE = re.compile(
    r"\b(?:put|puts|raised|raises|lowered|lowers|revised|revises|updated|updates|increased|cut"
    r"|cuts|placed|places|gave|gives)\s+(?:its|their|his|her|the|this|that|an?)\s+(?:own\s+|new\s+|"
    r"latest\s+)?(?:estimate|estimates|figure|figures|total|tally|count|number|assessment|forecast)"
    r"\b",
    re.IGNORECASE,
)
# "stated in a message posted on the official portal of the Department of State": the place a
# passive statement was made, up to the publisher's name.
_STATED_IN_DOC = re.compile(
    r"\s*in\s+(?:a|an|the|its|their)\s+(?:\w+\s+){0,2}?(?:message|statement|report|post"
    r"|release|publication|briefing|document|letter|notice)\b[^.;]{0,80}?\b(?:of|by|from)\s+",
    re.IGNORECASE,
)
# "A report by the UN panel listed ...": the author of a document as the source.
_REPORT_BY_RE = re.compile(
    r"\b(?P<doc>reports?|stud(?:y|ies)|analys[ie]s|assessments?|reviews?|investigations?"
    r"|surveys?|tall(?:y|ies)|counts?|estimates?|data|imagery|records)\s+(?:by|from)\s+",
    re.IGNORECASE,
)
_REPORT_VERB_RE = re.compile(
    r"\s*(?:(?:also|further|later|previously|recently|separately|subsequently)\s+)?"
    r"(?P<v>listed|lists|showed|shows|found|finds|identified|identifies|counted|counts|estimated"
    r"|estimates|said|says|concluded|concludes|put|puts|recorded|records|documented|documents"
    r"|spoke|speaks)\b"
)


# "estimated at 4,000 by": a figure, then the agent of the passive before it
_AT_FIGURE_BY = re.compile(
    r"\s*at\s+(?:about\s+|around\s+|some\s+|roughly\s+|more\s+than\s+|over\s+)?"
    r"[\d,.]+(?:\s+(?:million|thousand|billion))?\s+by\s+",
    re.IGNORECASE,
)
_STATEMENTS_BY = re.compile(
    r"\b(?:statements?|remarks|comments|words|testimony)\s+(?:made\s+)?by\s+", re.IGNORECASE
)
# "the 1,100 casualty estimate (which includes around 100 killed) given by South Korea's Joint
# Chiefs of Staff": the one who gave the estimate.
_ESTIMATE_GIVEN_BY = re.compile(
    r"\b(?:estimates?|figures?|count|tally|assessment)\b[^.;]{0,80}?\b(?:given|provided"
    r"|released|published|issued|offered|made)\s+by\s+",
    re.IGNORECASE,
)
_CITED_AS_SAYING = re.compile(r"\b(?:cited|cites|quoted|quotes)\s+", re.IGNORECASE)
_AS_SAYING = re.compile(r"\s*as\s+(?:saying|stating|telling)\b", re.IGNORECASE)
# "based on a recent report from the think tank, Royal United Services Institute (RUSI)": the
# author of what a figure (or, from the next sentence, "This revelation") rests on.
_BASED_ON_RE = re.compile(
    r"\bbased\s+on\s+(?:(?:a|an|the|its|their|new|recent|latest|fresh)\s+)*(?:[\w-]+\s+)?"
    r"(?:report|reports|analysis|assessment|study|data|estimates?|figures|imagery|images"
    r"|intelligence|information)\s+(?:from|by|of|compiled\s+by|published\s+by)\s+",
    re.IGNORECASE,
)
# "<publisher> released satellite images showing that": the publisher of the evidence speaks.
_RELEASED_SHOWING_RE = re.compile(
    r"\b(?:released|releases|published|publishes|shared|shares|presented|presents|issued|issues)"
    r"\s+(?:[\w-]+\s+){0,4}?(?:imagery|images|photos|photographs|pictures|footage|data|maps?"
    r"|reports?|documents?|figures)\s+(?:showing|that\s+shows?|which\s+shows?|indicating"
    r"|suggesting)\b",
    re.IGNORECASE,
)

# "The Open Source Center (OSC) used satellite imagery to identify at least 64 shipments": the
# one who worked the evidence estimates.
_USED_EVIDENCE_TO_RE = re.compile(
    r"\b(?:used|uses|use|analy[sz]ed|analy[sz]es|reviewed|reviews|studied|studies|examined"
    r"|examines)\s+(?:[\w-]+\s+){0,3}?(?:imagery|images|data|photos|photographs|records"
    r"|footage)\s+to\s+(?:identify|count|track|estimate|find|detect|spot|determine|calculate)\b",
    re.IGNORECASE,
)


# "Yu also shared insights into the Russian army, noting an estimate of 63,000 troops": a
# participle after a comma speaks for the clause's subject.
_PARTICIPLE_RE = re.compile(
    r",\s+(?P<v>noting|saying|adding|stating|claiming|estimating|warning|explaining)\b",
    re.IGNORECASE,
)
_PARTICIPLE_STANCE = {"estimating": ESTIMATED, "claiming": CLAIMED}


def _participle_speakers(
    text: str,
    start: int,
    end: int,
    toks: list[tuple[int, int, str]],
    resolver: Resolver,
    taken: list[Attribution],
) -> list[Attribution]:
    """Attributions for participles after a comma: the speaker named before them in the
    sentence, else the name the sentence opens with."""
    found: list[Attribution] = []
    for m in _PARTICIPLE_RE.finditer(text, start, end):
        v = m.start("v")
        if any(a.start <= v < a.end or a.anchor == v for a in taken):
            continue
        stance = _PARTICIPLE_STANCE.get(m.group("v").lower(), SAID)
        before = [a for a in taken if a.anchor < v and a.speaker is not None]
        if before:
            a = before[-1]
            found.append(Attribution(v, v, m.end(), a.speaker, stance, a.title, a.raw))
            continue
        fw = np_forward_named(toks, 0) if toks else None
        if fw is None or not _is_cap(fw[1][0]):
            continue
        speaker, title = resolver.resolve(list(fw[1]))
        if speaker is not None:
            found.append(Attribution(v, toks[0][0], m.end(), speaker, stance, title, _join(fw[1])))
    return found


def _subjects_before(
    pattern: re.Pattern[str],
    stance: str,
    text: str,
    start: int,
    end: int,
    toks: list[tuple[int, int, str]],
    index: dict[int, int],
    resolver: Resolver,
    taken: list[Attribution],
) -> list[Attribution]:
    """Attributions to the subject right before each cue `pattern` finds (past a "has", "have"
    or "had"), for cues no earlier attribution stands on."""
    found: list[Attribution] = []
    for m in pattern.finditer(text, start, end):
        k = index.get(m.start())
        if k is None or any(a.anchor == m.start() for a in taken):
            continue
        if k > 0 and toks[k - 1][2].lower() in ("has", "have", "had"):
            k -= 1
        np = np_backward(toks, k)
        if np is None:
            continue
        speaker, title = resolver.resolve(list(np[1]))
        if speaker is None:
            continue
        found.append(
            Attribution(m.start(), toks[np[0]][0], m.end(), speaker, stance, title, _join(np[1]))
        )
    return found


def _sources_after(
    pattern: re.Pattern[str],
    stance: str,
    text: str,
    start: int,
    end: int,
    toks: list[tuple[int, int, str]],
    index: dict[int, int],
    resolver: Resolver,
    then: re.Pattern[str] | None = None,
    named_only: bool = False,
) -> list[Attribution]:
    """Attributions to the noun phrase right after each cue `pattern` finds ("based on a
    report from X", "statements by X"); `then` must follow the phrase ("as saying"), and with
    `named_only` a source without a capital letter names no one."""
    found: list[Attribution] = []
    for m in pattern.finditer(text, start, end):
        k = index.get(m.end())
        fw = np_forward_named(toks, k) if k is not None else None
        if fw is None:
            continue
        j, words = fw
        e_off = toks[j - 1][1] if j > 0 else m.end()
        if then is not None and not then.match(text, e_off, end):
            continue
        speaker, title = resolver.resolve(list(words))
        if speaker is None or (named_only and not any(ch.isupper() for ch in speaker)):
            continue
        found.append(Attribution(m.start(), m.start(), e_off, speaker, stance, title, _join(words)))
    return found


_OBJECT_PREPOSITIONS = frozenset({"to", "for", "with", "into", "against", "toward", "towards"})


def _only_descriptive(words: list[str]) -> bool:
    """Words that only say whose something is ("American", "the South Korean"), no name."""
    core = _strip_det(list(words))
    return bool(core) and all(
        re.sub(r"['’]s$", "", w.lower()).rstrip(".")
        in MODIFIER_WORDS | PLACES | {"south", "north", "east", "west"}
        for w in core
    )


def _preposition_before(toks: list[tuple[int, int, str]], first: int) -> int | None:
    """Index of the preposition governing the noun phrase that starts at token `first` ("to a
    key opposition lawmaker"), past at most three lower-case words; None when there is none."""
    j = first - 1
    while (
        j >= 0
        and first - j <= 3
        and toks[j][2].isalpha()
        and toks[j][2].islower()
        and toks[j][2] not in _OBJECT_PREPOSITIONS
        and toks[j][2] not in VERB_STANCE
    ):
        j -= 1
    return j if j >= 0 and toks[j][2].lower() in _OBJECT_PREPOSITIONS else None


def _owner_before(toks: list[tuple[int, int, str]], k: int) -> tuple[int, list[str]] | None:
    """The named owner of a document just before token k ("RUSI's analysis", "the Pentagon's
    latest report"): (index of its first token, the owner's words without 's); None when the
    words before k are no document of a capitalised owner."""
    j = k - 1
    if j < 0 or toks[j][2].lower() not in EVIDENCE_HEADS:
        return None
    j -= 1
    while j >= 0 and k - j < 5 and toks[j][2].islower() and not re.search(r"['’]s$", toks[j][2]):
        j -= 1  # "latest", "new", "own"
    if j < 0 or not re.search(r"['’]s$", toks[j][2]):
        return None
    owner = [re.sub(r"['’]s$", "", toks[j][2])]
    first = j
    while first > 0 and len(owner) < MAX_NP_WORDS and _is_cap(toks[first - 1][2]):
        first -= 1
        owner.insert(0, toks[first][2])
    if len(owner) == 1 and owner[0].lower() in HEAD_NOUNS:
        # "the monitoring team's first report": a body described, not named (the resolver
        # takes it for the one of its kind named before)
        while (
            first > j - 2
            and first > 0
            and toks[first - 1][2].isalpha()
            and toks[first - 1][2].islower()
            and toks[first - 1][2] not in NOT_NAMES
        ):
            first -= 1
            owner.insert(0, toks[first][2])
    if first > 0 and toks[first - 1][2].lower() == "the":
        first -= 1
        owner.insert(0, toks[first][2])
    if not any(_is_cap(w) for w in owner) and not (
        owner[0].lower() == "the" and owner[-1].lower() in HEAD_NOUNS
    ):
        return None
    return first, owner


@dataclass(frozen=True, slots=True)
class Attribution:
    """A reporting verb (or "according to") with its resolved speaker."""

    anchor: int  # offset of the verb or cue
    start: int  # offset where the whole attribution starts
    end: int
    speaker: str | None
    stance: str
    title: str | None = None
    raw: str | None = None


_NOUN_LIKE_VERBS = frozenset({"reports", "estimates", "claims", "notes", "states"})
_AFTER_A_NOUN = frozenset({",", ";", ":", ")", "and", "or", "of", "from", "on", "about", "by"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that", "our"})


_APPOSITIVE_OPENERS = frozenset(
    {"who", "which", "composed", "comprising", "made", "formed", "set", "created", "established"}
    | {"led", "headed", "based", "launched"}
)


def appositive_subject(
    toks: list[tuple[int, int, str]], k: int, sent_first: int
) -> tuple[int, list[str]] | None:
    """'Shin Won-sik, 63, a retired general, told ...': the name before the appositives."""
    j = k - 1
    commas = 0
    name_np: tuple[int, list[str]] | None = None
    while j >= sent_first and commas < 6:
        if toks[j][2] == ",":
            commas += 1
            np = np_backward(toks, j)
            if np is not None:
                first, words = np
                at_start = (
                    first == sent_first
                    or toks[first - 1][2] in ('"', "“", "”", ":", "—")
                    or toks[first - 1][2].lower() in VERB_STANCE
                    or toks[first - 1][2].lower() == "that"
                )
                named = any(_is_cap(w) for w in words) or (
                    words[0].lower() == "the" and words[-1].lower() in MEDIA_HEADS
                )  # "The newspaper, quoting data ..., said"
                # "The officials, who spoke on grounds of anonymity, said", "The team, composed
                # of representatives from 11 countries including ..., reported": a relative
                # clause or a participle describes the subject
                relative = j + 1 < k and toks[j + 1][2].lower() in _APPOSITIVE_OPENERS
                if at_start and (named or (relative and words[-1].lower() in HEAD_NOUNS)):
                    # "Ukraine's foreign minister, Dmytro Kuleba, said": the name, not the title.
                    if name_np is not None and _is_title_phrase(words):
                        return name_np
                    return first, words
                if (
                    name_np is None
                    and first > sent_first
                    and toks[first - 1][2] == ","
                    and _is_name(words)
                ):
                    # "..., Oleksandr Marchenko, an adviser to the office, said"
                    name_np = (first, words)
        elif toks[j][2] in (".", ";", '"', "“", "”"):
            break
        j -= 1
        if k - j > 30:
            break
    return name_np


def find_attributions(text: str, start: int, end: int, resolver: Resolver) -> list[Attribution]:
    """Attributions in one sentence, in order, with speakers resolved against the document."""
    resolver.scan_mentions(text, start, end)
    toks = _tokens(text, start, end)
    index = {s: i for i, (s, _, _) in enumerate(toks)}
    out: list[Attribution] = []
    for m in _VERB_RE.finditer(text, start, end):
        k = index.get(m.start())
        if k is None:
            continue
        verb = m.group().lower()
        nxt = k + 1
        if (
            verb in _NOUN_LIKE_VERBS
            and nxt + 1 < len(toks)
            and toks[nxt][2].lower() in ("have", "has", "had")
        ):
            nxt += 1  # "Western reports have said": the noun of a verb after an auxiliary
        if (
            nxt < len(toks)
            and toks[nxt][2].lower() in VERB_STANCE
            and not verb.endswith("ed")  # "publicized reports that": a verb and its object
            and not (k > 0 and toks[k - 1][2].isupper() and len(toks[k - 1][2]) > 1)
        ):
            # "New reports say", "estimates suggest": a noun, the next verb's subject (but
            # "UN reports indicate" is read as the UN reporting)
            continue
        if (
            verb in _NOUN_LIKE_VERBS
            and k > 0
            and toks[k - 1][2].isalpha()
            and toks[k - 1][2].islower()
            and not (k > 1 and toks[k - 2][2].lower() in _DETERMINERS)  # "the report notes"
            and k + 1 < len(toks)
            and toks[k + 1][2].lower() in _AFTER_A_NOUN
        ):
            continue  # "evaluated intelligence reports, leaked documents and ...": a noun
        if (
            verb in _NOUN_LIKE_VERBS
            and k > 0
            and toks[k - 1][2].isalpha()
            and k + 2 < len(toks)
            and toks[k + 1][2].lower() in ("from", "by")
            and not toks[k + 2][2][:1].isdigit()
        ):
            continue  # "Intelligence estimates from Seoul suggest": a noun, whoever writes it
        stance = VERB_STANCE[verb]
        np = np_backward(toks, k)
        k_adv = k  # "Kyrylo Budanov, later claimed": the comma before an adverb
        while k_adv > 0 and toks[k_adv - 1][2].lower() in ADVERBS:
            k_adv -= 1
        if np is None and k_adv > 0 and toks[k_adv - 1][2] == ",":
            np = appositive_subject(toks, k_adv, 0)
        inverted = False
        if np is None and k > 0 and toks[k - 1][2] in (",", '"', "”", "’", "'"):
            fw = np_forward(toks, k + 1)
            if fw is not None:
                np = (k + 1, fw[1])
                inverted = True
        if np is None and out and k > 0 and toks[k - 1][2].lower() == "and":
            # "RUSI said ... and estimated that ...": the same speaker, a new stance.
            prev = out[-1]
            out.append(
                Attribution(
                    m.start(), m.start(), m.end(), prev.speaker, stance, prev.title, prev.raw
                )
            )
            continue
        if np is None:
            np = _owner_before(toks, k)  # "RUSI's analysis found": the report's owner speaks
        if np is not None and (p := _preposition_before(toks, np[0])) is not None:
            # "arms sales to Russia estimated at", "A DIA briefing provided to a key opposition
            # lawmaker revealed": the noun before the verb is an object, not its subject; the
            # subject of a participle before the preposition speaks
            participle = p > 0 and toks[p - 1][2].islower() and toks[p - 1][2].endswith("ed")
            np = np_backward(toks, p - 1) if participle else None
        if np is None:
            continue
        first, words = np
        while len(words) > 1 and (words[0].lower() in ADVERBS or words[0] == ","):
            first, words = first + 1, words[1:]  # "Previously, U.S. and South Korean ..."
        if verb == "reads" and re.sub(r"['’]s$", "", words[-1].lower()) not in _WRITTEN_HEADS:
            continue  # "the statement reads"; not "he reads"
        if re.sub(r"['’]s$", "", words[-1].lower()) in EVIDENCE_HEADS:
            # "a report disclosed by lawmakers": the author after "by" speaks; the report is
            # evidence. "Satellite imagery showed ...": no speaker at all.
            by = k + 1 < len(toks) and toks[k + 1][2].lower() == "by"
            fw = np_forward(toks, k + 2) if by else None
            after = first + len(words)  # "says a military intelligence report by Kang"
            if fw is None and inverted and after + 1 < len(toks) and toks[after][2] == "by":
                fw = np_forward(toks, after + 1)
                named = np_forward(toks, fw[0] + 1) if fw and fw[0] < len(toks) else None
                if fw and toks[fw[0]][2] == "," and named and all(map(_is_cap, named[1])):
                    fw = named  # "... by the ruling party's representative, Kang Dae-sik"
                by = fw is not None
            if fw is not None:
                first, words = (k + 2 if not inverted else after + 1), fw[1]
            elif (owned := _owner_before(toks, k)) is not None:
                first, words = owned  # "the Pentagon's latest report revealed"
            elif author := author_modifier(words):
                words = author  # "The MSMT report said", "a UN report found"
            elif definite(toks, first, words) and (earlier := resolver.document_author(words[-1])):
                # "The new investigation confirmed": the one whose author was named before
                words = earlier
            elif re.sub(r"['’]s$", "", words[-1].lower()) in _SPEAKING_DOCUMENTS and (
                definite(toks, first, words) or (words == [words[-1]] and words[0].endswith("s"))
            ):
                # "Reports say", "..., the report said": a document of no named author speaks
                # for itself (its author, when named earlier, was found above)
                words = [words[-1]]
            else:
                continue
        # "Intelligence estimates from Seoul suggest": the author of a plural document
        written_by = (
            first > 1
            and toks[first - 1][2].lower() in ("from", "by")
            and toks[first - 2][2].lower() in EVIDENCE_HEADS
        )
        if not written_by and verb in (
            "estimate",
            "claim",
            "deny",
            "say",
            "tell",
            "think",
            "believe",
            "suspect",
            "assess",
            "suggest",
            "indicate",
            "assert",
            "insist",
            "argue",
        ):
            # Bare forms need a plural or pronoun subject ("officials estimate"), its head
            # before any prepositional phrase ("State prosecutors in Ukraine say")
            low_words = [w.lower() for w in words]
            cut = next(
                (i for i, w in enumerate(low_words) if i > 0 and w in ("of", "in", "at", "for")),
                len(words),
            )
            last = low_words[cut - 1]
            listed = "and" in low_words[:cut]  # "The Pentagon and South Korean intelligence"
            if not (last.endswith("s") or last in ("they", "we", "i") or listed) or last in ("is",):
                continue
        if (
            verb in OBSERVING_VERBS
            and not any(_is_cap(w) for w in words)
            and words[-1].lower() not in HEAD_NOUNS
        ):
            continue
        speaker, title = resolver.resolve(list(words))
        if speaker is None and words[-1].lower() not in PRONOUNS:
            continue
        owner = words[0] if first == 0 or words[0].lower() in ("his", "her", "their") else None
        owner = owner or toks[first - 1][2]
        if (
            out
            and owner.lower() in ("his", "her", "their")
            and speaker is not None
            and not any(c.isupper() for c in speaker)
        ):
            # "Cho told lawmakers that his agency assessed": a bare "agency" names no one; the
            # one whose agency it is speaks
            speaker, title = out[-1].speaker, out[-1].title
        s_off = toks[first][0]
        e_off = m.end() if not inverted else toks[min(len(toks) - 1, first + len(words) - 1)][1]
        out.append(
            Attribution(
                m.start(), min(s_off, m.start()), e_off, speaker, stance, title, _join(words)
            )
        )
    # "the White House has released satellite images showing that ...": the publisher of the
    # evidence speaks; "<speaker> (has) raised its estimate to": an estimate.
    for pattern, stance in (
        (_RELEASED_SHOWING_RE, SAID),
        (_ESTIMATE_NOUN_RE, ESTIMATED),
        (_USED_EVIDENCE_TO_RE, ESTIMATED),
    ):
        out += _subjects_before(pattern, stance, text, start, end, toks, index, resolver, out)
    # "consistent with recent statements by the head of military intelligence, Kyrylo Budanov,
    # that ...": the one whose statements they are speaks
    out += _sources_after(_STATEMENTS_BY, SAID, text, start, end, toks, index, resolver)
    out += _sources_after(_ESTIMATE_GIVEN_BY, ESTIMATED, text, start, end, toks, index, resolver)
    # "Park cited Cho as saying ...": the one quoted, when named ("quoted the spy agency as
    # saying" leaves the one quoting it)
    out += _sources_after(
        _CITED_AS_SAYING, SAID, text, start, end, toks, index, resolver, _AS_SAYING, True
    )
    out += _sources_after(_BASED_ON_RE, ACCORDING_TO, text, start, end, toks, index, resolver)
    out += _participle_speakers(text, start, end, toks, resolver, out)
    for m in _REPORT_BY_RE.finditer(text, start, end):
        k = index.get(m.end())
        if k is None:
            continue
        fw = np_forward(toks, k)
        if fw is None:
            continue
        j, words = fw
        resolver.note_document_author(m.group("doc"), list(words))
        j = past_acronym_and_coauthors(toks, j)
        vm = _REPORT_VERB_RE.match(text, toks[j - 1][1], end) if j > 0 else None
        # the verb read before with a subject of its own, not the report's last co-author
        # ("reports by RUSI and NK News further identified": RUSI's, not NK News')
        if vm is None or any(a.anchor == vm.start("v") and a.start < m.start() for a in out):
            continue
        verb = vm.group("v")
        speaker, title = resolver.resolve(list(words))
        if speaker is None:
            continue
        stance = VERB_STANCE.get(verb, SAID)
        out = [a for a in out if a.anchor != vm.start("v")]
        out.append(
            Attribution(vm.start("v"), m.start(), vm.end(), speaker, stance, title, _join(words))
        )
    for m in _ACCORDING_RE.finditer(text, start, end):
        pos = m.end()
        sm = _ACCORDING_SOURCE.match(text, pos, end)
        if sm:
            pos = sm.end()
        k = index.get(pos)
        if k is None:
            continue
        fw = np_forward_named(toks, k)
        if fw is None:
            continue
        j, words = fw
        author = list(words)
        if j < len(toks) and toks[j][2].lower() in EVIDENCE_HEADS:
            # "according to American data": the words before the evidence only say whose it
            # is; a nationality names no speaker (the speaker around it stands)
            if _only_descriptive(author):
                continue
            author.append(toks[j][2])
        if (
            len(author) > 1
            and re.sub(r"['’]s$", "", author[-1].lower()) in EVIDENCE_HEADS
            and _is_cap(author[-2])
        ):
            # "according to a Defense Intelligence Agency report": its author speaks; the
            # report is the evidence (and "the report" later in the text is theirs).
            resolver.note_document_author(author[-1], author[:-1])
            author = author[:-1]
        if author and re.search(r"['’]s$", author[-1]):
            author[-1] = author[-1][:-2]  # "according to NK Pro’s analysis": its owner
        speaker, title = resolver.resolve(author)
        if speaker is None:
            continue
        e_off = toks[j - 1][1] if j > 0 else pos
        out.append(
            Attribution(m.start(), m.start(), e_off, speaker, ACCORDING_TO, title, _join(words))
        )
    for m in _AS_BY_RE.finditer(text, start, end):
        # "As reported by the Financial Times on October 30, ...": the agent speaks
        k = index.get(m.end())
        fw = np_forward_named(toks, k) if k is not None else None
        if fw is None or any(a.anchor <= m.start("v") < a.end for a in out):
            continue
        speaker, title = resolver.resolve(list(fw[1]))
        if speaker is None:
            continue
        e_off = toks[fw[0] - 1][1]
        stance = _PASSIVE_STANCE[m.group("v").lower()]
        out.append(
            Attribution(m.start("v"), m.start(), e_off, speaker, stance, title, _join(fw[1]))
        )
    for m in _PASSIVE_RE.finditer(text, start, end):
        stance = _PASSIVE_STANCE[m.group("v").lower()]
        speaker = None
        title = None
        raw = None
        if (
            m.group().rstrip().lower().endswith(" by")
            or text[m.end() - 3 : m.end()].lower() == "by "
        ):
            k = index.get(m.end())
            if k is not None:
                fw = np_forward_named(toks, k)
                if fw is not None:
                    raw = _join(fw[1])
                    speaker, title = resolver.resolve(list(fw[1]))
        elif (at_by := _AT_FIGURE_BY.match(text, m.end(), end)) is not None:
            # "were initially estimated at 4,000 by South Korean media": the agent after the
            # figure speaks
            k = index.get(at_by.end())
            fw = np_forward_named(toks, k) if k is not None else None
            if fw is not None:
                raw = _join(fw[1])
                speaker, title = resolver.resolve(list(fw[1]))
        else:
            doc = _STATED_IN_DOC.match(text, m.end(), end)
            if doc is not None:
                # "This is stated in a message posted on the portal of the Department of
                # State": the document's publisher speaks.
                k = index.get(doc.end())
                fw = np_forward(toks, k) if k is not None else None
                if fw is not None and any(_is_cap(w) for w in fw[1]):
                    raw = _join(fw[1])
                    speaker, title = resolver.resolve(list(fw[1]))
        if any(a.anchor <= m.start("v") < a.end for a in out):
            continue
        out.append(Attribution(m.start("v"), m.start(), m.end(), speaker, stance, title, raw))
    out.sort(key=lambda a: a.anchor)
    return out
