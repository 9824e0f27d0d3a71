"""Who says a figure, and how: speaker and stance from reporting verbs and "according to".

Reads "Defence Minister Shin Won-sik said", "..., said Jenny Town, a senior fellow", "according
to the Royal United Services Institute (RUSI)", "lawmakers said", "is believed to". A pronoun
("he", "it") or a title ("the minister", "the agency") is resolved to the full name used
earlier in the document, a surname ("Shin") to the full name, an acronym ("RUSI") to the name it
was introduced with. Stances: said, estimated, believes, claimed, according_to, denied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(text.split())


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
        notes wrote writes reported reports testified warned warns explained confirmed confirms
        acknowledged revealed disclosed declared briefed""",
    ),
    (
        ESTIMATED,
        """estimated estimates estimate calculated calculates assessed assesses assess found
        finds concluded concludes counted""",
    ),
    (BELIEVES, "believes believe believed thinks think suspects suspect suspected"),
    (CLAIMED, "claimed claims claim alleged alleges asserted asserts insisted insists argued"),
    (DENIED, "denied denies deny rejected rejects dismissed dismisses"),
):
    for _v in _verbs.split():
        VERB_STANCE[_v] = _stance

_VERB_RE = re.compile(r"\b(?:" + "|".join(sorted(VERB_STANCE, key=len, reverse=True)) + r")\b")
_ACCORDING_RE = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)
_ACCORDING_SOURCE = re.compile(
    r"(?:(?:a|an|the|new|latest|recent|its|their)\s+)*(?:[\w-]+\s+)?"
    r"(?:estimates?|analys[ie]s|reports?|assessments?|stud(?:y|ies)|data|figures|counts?|tall(?:y|ies)"
    r"|reviews?|statements?|calculations?|research|imagery|images)\s+"
    r"(?:by|from|of|compiled\s+by|published\s+by|released\s+by)\s+",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(
    r"\b(?:is|are|was|were|been|being)\s+(?:widely\s+|now\s+|also\s+)?"
    r"(?P<v>believed|thought|estimated|said|reported|suspected|understood|alleged|assessed|"
    r"calculated|claimed|told|stated|announced|disclosed|confirmed|revealed|noted)\b"
    r"(?:\s+by\s+)?",
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
# "A report by the UN panel listed ...": the author of a document as the source.
_REPORT_BY_RE = re.compile(
    r"\b(?:report|study|analysis|assessment|review|investigation|survey|tally|count|estimate|data"
    r"|imagery|records)\s+(?:by|from)\s+",
    re.IGNORECASE,
)
_REPORT_VERB_RE = re.compile(
    r"\s*(?P<v>listed|lists|showed|shows|found|finds|identified|identifies|counted|counts|estimated"
    r"|estimates|said|says|concluded|concludes|put|puts|recorded|records|documented|documents)\b"
)

# Lower-case words that may sit inside a speaker's noun phrase.
TITLE_WORDS = _words(
    """minister president secretary spokesman spokeswoman spokesperson spokesmen chief director
    general admiral ambassador envoy adviser advisor chairman chairwoman chair head commander
    deputy premier senator representative governor mayor official officer analyst researcher
    fellow professor expert lawmaker legislator diplomat colonel lieutenant captain major
    leader prosecutor investigator"""
)
HEAD_NOUNS = _words(
    """officials official analysts analyst experts expert commanders commander lawmakers lawmaker
    legislators diplomats diplomat sources source researchers researcher investigators monitors
    authorities ministry government military intelligence agency team institute service office
    council committee panel army navy command headquarters staff tank group centre center
    spokesman spokeswoman spokesperson minister president secretary chief director officers
    officer generals general administration cabinet parliament assembly report study
    prosecutors observers watchdog organisation organization think bank"""
)
MODIFIER_WORDS = _words(
    """senior top defence defense foreign military intelligence deputy former retired national
    think tank spy security western ukrainian russian american british european japanese korean
    local regional independent government state federal naval central"""
)
ORG_WORDS = _words(
    """ministry service agency house council institute team staff centre center department
    government command headquarters committee panel office bureau pentagon kremlin union
    nations reuters forces army navy military intelligence university foundation group bank
    parliament assembly cabinet commission organization organisation corps administration
    monitoring network project parallel initiative programme program tank studies chiefs
    monitor railways"""
)
PLACES = _words(
    """korea russia ukraine pyongyang moscow kyiv kiev seoul washington tokyo beijing china
    japan america britain germany france estonia lithuania latvia poland nato eu un us u.s.
    u.k. uk europe kremlin iran belarus"""
)
# Capitalised words that begin sentences or name times, never a speaker.
NOT_NAMES = _words(
    """the a an in on at by for from but and or so yet however meanwhile that this these those
    it its he she they we i his her their our there here since after before during until as
    when while if although though because also still earlier later last next monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov
    dec some about around more over up between according what which who where both each all
    many much most several such than then"""
)
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
# Heads of noun phrases that name evidence, not a speaker ("satellite imagery shows", "a report
# disclosed by ..."): such a phrase is never the speaker of a figure.
EVIDENCE_HEADS = _words(
    """imagery images image photos photo photographs photography pictures footage data report
    reports document documents study analysis assessment records figures estimate estimates"""
)
# A speaker's noun phrase is at most this many words ("South Korean Defence Minister Shin
# Won-sik" is six); keeps the backward scan bounded on run-on capitalised text.
MAX_NP_WORDS = 14
ADVERBS = _words(
    """now also previously earlier later recently separately repeatedly publicly privately
    has have had will would separately again already once then first further here today
    yesterday monday tuesday wednesday thursday friday saturday sunday"""
)
# Generic descriptors that refer back to the last organisation named ("the think tank").
GENERIC_ORG = frozenset(
    {"think tank", "group", "organisation", "organization", "monitor", "watchdog", "tank"}
)

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|[A-Za-z][\w'’-]*(?:\.[A-Za-z][\w'’-]*)*\.?|\d[\d,.]*\d|\d|[^\s\w]"
)


@dataclass
class Entity:
    """A person or organisation named in the document."""

    name: str
    kind: str  # person | org
    title: str = ""
    tokens: tuple[str, ...] = ()
    aliases: set[str] = field(default_factory=set)
    last: int = 0  # order of last mention


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


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    toks = []
    for m in _TOKEN.finditer(text, start, end):
        t = m.group()
        e = m.end()
        if t.endswith(".") and len(t) > 1 and not re.fullmatch(r"(?:[A-Za-z]\.){2,}", t):
            low = t[:-1].lower()
            if low not in (
                "gen",
                "lt",
                "col",
                "maj",
                "capt",
                "adm",
                "dr",
                "mr",
                "mrs",
                "ms",
                "sen",
                "rep",
                "gov",
                "st",
            ):
                t = t[:-1]
                e -= 1
        toks.append((m.start(), e, t))
    return toks


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() and tok.lower().rstrip(".") not in NOT_NAMES


def _np_word(tok: str) -> bool:
    low = tok.lower()
    if _is_cap(tok):
        return True
    base = re.sub(r"['’]s$", "", low)
    return base in TITLE_WORDS or base in HEAD_NOUNS or base in MODIFIER_WORDS


def _strip_det(words: list[str]) -> list[str]:
    while words and words[0].lower() in ("the", "a", "an", "one"):
        words = words[1:]
    return words


def _join(words: list[str]) -> str:
    s = " ".join(words)
    return re.sub(r"\s+([,.])", r"\1", s)


class Resolver:
    """Remembers the people and organisations named so far and resolves later references."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.by_name: dict[str, Entity] = {}
        self.counter = 0

    # -- registry -------------------------------------------------------------------------
    def _touch(self, ent: Entity) -> Entity:
        self.counter += 1
        ent.last = self.counter
        return ent

    def register(self, name: str, kind: str, title: str = "") -> Entity:
        key = name.lower()
        found = self.by_name.get(key)
        if found is not None:
            if title and not found.title:
                found.title = title
            if kind == "person":
                found.kind = "person"
            return self._touch(found)
        ent = Entity(name=name, kind=kind, title=title, tokens=tuple(name.lower().split()))
        self.entities.append(ent)
        self.by_name[key] = ent
        return self._touch(ent)

    def add_alias(self, name: str, alias: str) -> None:
        found = self.by_name.get(name.lower())
        if found is not None:
            found.aliases.add(alias.lower())
            return
        ent = self.register(name, "org")
        ent.aliases.add(alias.lower())

    def _recent(self, kind: str | None = None, word: str | None = None) -> Entity | None:
        best: Entity | None = None
        for ent in self.entities:
            if kind and ent.kind != kind:
                continue
            if word:
                hay = f"{ent.title} {ent.name}".lower()
                if not re.search(rf"\b{re.escape(word)}", hay):
                    continue
            if best is None or ent.last > best.last:
                best = ent
        return best

    # -- resolution -------------------------------------------------------------------------
    def resolve(self, words: list[str]) -> tuple[str | None, str | None]:
        """(speaker, title) for a speaker noun phrase as written."""
        if not words:
            return None, None
        low = [w.lower() for w in words]
        if len(words) == 1 and low[0] in PRONOUNS:
            if low[0] in ("he", "she"):
                ent = self._recent("person")
            elif low[0] in ("we", "i"):
                return None, None
            else:
                ent = self._recent("org")
            if ent is None:
                return None, None
            self._touch(ent)
            return ent.name, ent.title or None
        definite = low[0] == "the"
        words = _strip_det(words)
        if not words:
            return None, None
        low = [w.lower() for w in words]
        caps = [w for w in words if _is_cap(w)]
        for i in range(1, len(words) - 1):
            skip = 2 if low[i + 1] == "the" else 1
            if (
                low[i] in ("of", "at", "from")
                and len(words) - i - skip >= (1 if skip == 2 else 2)
                and _is_name(words[:i])
            ):
                # "Lee Sung-jun of the Joint Chiefs of Staff", "Mina Cho of Open Sea Monitor":
                # the person, titled by the rest.
                rest = _join(words[i + skip :])
                self.resolve(words[i + skip :])
                name, title = self.resolve(words[:i])
                ent = self._by_token(words[0]) or next(
                    (e for e in self.entities if e.name == name), None
                )
                if ent is not None and not ent.title:
                    ent.title = rest
                return name, title or rest
        for i in range(len(words) - 2, -1, -1):
            if (
                not _is_cap(words[i])
                and low[i] in HEAD_NOUNS
                and low[i] not in TITLE_WORDS
                and all(_is_cap(w) for w in words[i + 1 :])
            ):
                # "the monitoring group Open Source Centre", "the think tank CSIS"
                return self.resolve(words[i + 1 :])
        if definite and not caps:
            # "the minister", "the defence ministry", "the think tank"
            phrase = " ".join(low)
            head = re.sub(r"['’]s$", "", low[-1])
            ent = None
            if head in TITLE_WORDS:
                ent = self._recent("person", head)
            if ent is None and head not in TITLE_WORDS:
                ent = self._recent("org", head)
            if ent is None and (phrase in GENERIC_ORG or head in GENERIC_ORG):
                ent = self._recent("org")
            if ent is not None:
                self._touch(ent)
                return ent.name, ent.title or None
            return _join(words), None
        for size in (3, 2):
            tail = words[-size:]
            head_words = low[: len(words) - size]
            if (
                len(words) > size
                and _is_name(tail)
                and not any(re.sub(r"['’]s$", "", w.lower()).rstrip(".") in PLACES for w in tail)
                and any(re.sub(r"['’]s$", "", w) in TITLE_WORDS for w in head_words)
                and any(w in ("of", "for") for w in head_words)
            ):
                # "President of Ukraine Volodymyr Zelensky": the name, titled by the rest.
                ent = self.register(_join(tail), "person", _join(words[:-size]))
                return ent.name, ent.title or None
        # Split a title from a name: "South Korean Defence Minister Shin Won-sik".
        last_title = -1
        for i, w in enumerate(low):
            base = re.sub(r"['’]s$", "", w)
            if base in TITLE_WORDS or base in ("spokesman", "spokeswoman"):
                last_title = i
        if 0 <= last_title < len(words) - 1 and all(_is_cap(w) for w in words[last_title + 1 :]):
            name_words = words[last_title + 1 :]
            title = _join(words[: last_title + 1])
            name = _join(name_words)
            if len(name_words) == 1:
                ent = self._by_token(name_words[0])
                if ent is not None:
                    if title and not ent.title:
                        ent.title = title
                    return ent.name, ent.title or None
            ent = self.register(name, "person", title)
            return ent.name, ent.title or None
        if len(words) == 1:
            ent = self._by_token(words[0])
            if ent is not None:
                self._touch(ent)
                return ent.name, ent.title or None
        has_org = any(re.sub(r"['’]s$", "", w) in ORG_WORDS for w in low) or any(
            w in HEAD_NOUNS for w in low
        )
        only_places = all(re.sub(r"['’]s$", "", w).rstrip(".") in PLACES for w in low)
        name = _join(words)
        if has_org or only_places or not caps or len(words) == 1 or len(words) > 4:
            self.register(name, "org")
            return name, None
        if any("'" in w or "’" in w for w in words):
            self.register(name, "org")
            return name, None
        ent = self.register(name, "person")
        return ent.name, ent.title or None

    def _by_token(self, token: str) -> Entity | None:
        t = token.lower()
        best = None
        for ent in self.entities:
            named = t in ent.aliases or (
                ent.kind == "person" and t in ent.tokens and ent.name.lower() != t
            )
            if named and (best is None or ent.last > best.last):
                best = ent
        return best

    # -- mentions that are not attributions ---------------------------------------------------
    def scan_mentions(self, text: str, start: int, end: int) -> None:
        """Register people introduced with a title ("President Volodymyr Zelensky") and
        acronyms given in parentheses ("the Royal United Services Institute (RUSI)")."""
        toks = _tokens(text, start, end)
        n = len(toks)
        for i, (_, _, t) in enumerate(toks):
            base = re.sub(r"['’]s$", "", t.lower())
            if (
                base in TITLE_WORDS
                and i + 4 < n
                and toks[i + 1][2] == ","
                and _is_name([x[2] for x in toks[i + 2 : i + 4]])
            ):
                # "South Korea's defence minister, Shin Won-sik, ...": the name in apposition.
                j = i + 2
                name = []
                while j < n and _is_cap(toks[j][2]) and len(name) < 4:
                    name.append(toks[j][2])
                    j += 1
                k = _title_start(toks, i)
                self.register(_join(name), "person", _join([x[2] for x in toks[k : i + 1]]))
                continue
            if (
                base in TITLE_WORDS
                and base not in ("official", "officer", "analyst", "expert", "source")
                and (i + 1 >= n or not _is_cap(toks[i + 1][2]))
                and i > 0
                and toks[i - 1][2].lower() in MODIFIER_WORDS | {"defence", "defense", "foreign"}
            ):
                k = _title_start(toks, i)
                if k < i - 1 and any(x[2].endswith(("'s", "’s")) for x in toks[k:i]):
                    # "South Korea's defence minister spoke ...": a person known by title only.
                    self.register(_join([x[2] for x in toks[k : i + 1]]), "person")
                    continue
            if base in TITLE_WORDS and i + 1 < n and _is_cap(toks[i + 1][2]):
                j = i + 1
                name: list[str] = []
                while j < n and _is_cap(toks[j][2]) and len(name) < 4:
                    w = toks[j][2]
                    if w.lower() in TITLE_WORDS:
                        break
                    name.append(w)
                    j += 1
                if name and not any(re.sub(r"['’]s$", "", w.lower()) in ORG_WORDS for w in name):
                    # Title words before the name, back to the start of the capitalised run.
                    k = i
                    while k - 1 >= max(0, i - 8) and (
                        _is_cap(toks[k - 1][2])
                        or toks[k - 1][2].lower() in MODIFIER_WORDS
                        or toks[k - 1][2].lower() in TITLE_WORDS
                    ):
                        k -= 1
                    title = _join([x[2] for x in toks[k : i + 1]])
                    clean = [re.sub(r"['’]s$", "", w) for w in name]
                    if len(clean) == 1:
                        ent = self._by_token(clean[0])
                        if ent is not None:
                            self._touch(ent)
                            continue
                    self.register(_join(clean), "person", title)
        # Organisations named in passing ("The Royal United Services Institute tracked ...").
        run: list[str] = []
        for _, _, w in [*toks, (0, 0, ".")]:
            if _is_cap(w) or (w.lower() in ("of", "for", "and") and run):
                run.append(w)
                continue
            while run and run[-1].lower() in ("of", "for", "and"):
                run.pop()
            if len(run) >= 2 and re.sub(r"['’]s$", "", run[-1].lower()) in ORG_WORDS:
                self.register(_join(run), "org")
            run = []
        for m in re.finditer(r"\(([A-Z][A-Za-z&.]{1,9})\)", text[start:end]):
            alias = m.group(1)
            a_start = start + m.start()
            # The capitalised run right before the parenthesis.
            before = [t for t in toks if t[1] <= a_start]
            words: list[str] = []
            for _, _, w in reversed(before):
                if _is_cap(w) or (w.lower() in ("of", "for", "and") and words):
                    words.insert(0, w)
                else:
                    break
            while words and words[0].lower() in ("of", "for", "and"):
                words = words[1:]
            if len(words) >= 2 and "".join(
                w[0] for w in words if w[0].isupper()
            ).upper().startswith(alias[0]):
                self.add_alias(_join(words), alias)


def _title_start(toks: list[tuple[int, int, str]], i: int) -> int:
    """First token of the title ending at token i ("South Korea's defence minister")."""
    k = i
    while k - 1 >= max(0, i - 8) and (
        _is_cap(toks[k - 1][2])
        or toks[k - 1][2].lower() in MODIFIER_WORDS
        or toks[k - 1][2].lower() in TITLE_WORDS
    ):
        k -= 1
    return k


def _np_backward(toks: list[tuple[int, int, str]], k: int) -> tuple[int, list[str]] | None:
    """Speaker noun phrase ending just before token k: (index of its first token, words)."""
    j = k - 1
    while j >= 0 and (
        toks[j][2].lower() in ADVERBS
        or (toks[j][2].lower() == "on" and j + 1 < k and toks[j + 1][2].lower() in ADVERBS)
    ):
        j -= 1
    if j < 0:
        return None
    if toks[j][2].lower() in PRONOUNS:
        return j, [toks[j][2]]
    words: list[str] = []
    first = j + 1
    while j >= 0 and len(words) < MAX_NP_WORDS:
        t = toks[j][2]
        low = t.lower()
        if t == ")" and j >= 2 and toks[j - 2][2] == "(" and re.fullmatch(r"[A-Z][A-Za-z&.]{1,9}", toks[j - 1][2]):
            j -= 3  # "the Royal United Services Institute (RUSI)": the acronym is an aside
            continue
        if (
            low == "and"
            and words
            and _is_cap(words[0])
            and j > 0
            and _is_cap(toks[j - 1][2])
        ):
            words.insert(0, t)  # "Center for Strategic and International Studies"
            first = j
            j -= 1
            continue
        if _np_word(t):
            words.insert(0, t)
            first = j
            j -= 1
            continue
        if (
            low in ("of", "for", "in", "at")
            and words
            and _is_cap(words[0])
            and j > 0
            and (_is_cap(toks[j - 1][2]) or toks[j - 1][2].lower() in HEAD_NOUNS)
        ):
            words.insert(0, t)
            first = j
            j -= 1
            continue
        if (
            low == "the"
            and words
            and j >= 2
            and toks[j - 1][2].lower() in ("of", "at", "from")
            and (_is_cap(toks[j - 2][2]) or toks[j - 2][2].lower() in HEAD_NOUNS)
        ):
            # "analysts at the Korea Institute ...", "Lee Sung-jun of the Joint Chiefs ..."
            words[:0] = [toks[j - 1][2], t]
            first = j - 1
            j -= 2
            continue
        if low in ("the", "a", "an") and words:
            words.insert(0, t)
            first = j
        elif (
            words
            and low.isalpha()
            and low not in NOT_NAMES
            and words[0].lower() in HEAD_NOUNS
            and (j == 0 or toks[j - 1][2] in (",", '"', "“", "”", "the", "The", "a", "A"))
        ):
            # One plain modifier at the start of the phrase: ", satellite analysts said".
            words.insert(0, t)
            first = j
        break
    core = _strip_det(list(words))
    if not core:
        return None
    last = re.sub(r"['’]s$", "", core[-1].lower())
    if not (_is_cap(core[-1]) or last in HEAD_NOUNS or last in TITLE_WORDS):
        return None
    if core[-1].endswith(("'s", "’s")):
        return None
    return first, words


def _np_forward(toks: list[tuple[int, int, str]], k: int) -> tuple[int, list[str]] | None:
    """Speaker noun phrase starting at token k (after "said" or "according to")."""
    words: list[str] = []
    j = k
    n = len(toks)
    if j < n and toks[j][2].lower() in PRONOUNS:
        return j, [toks[j][2]]
    while j < n and len(words) < MAX_NP_WORDS:
        t = toks[j][2]
        low = t.lower()
        if low in ("the", "a", "an") and not words:
            words.append(t)
            j += 1
            continue
        if _np_word(t):
            words.append(t)
            j += 1
            continue
        if (
            low in ("of", "for", "and")
            and words
            and j + 1 < n
            and _is_cap(toks[j + 1][2])
            and (_is_cap(words[-1]) or low != "and")
        ):
            words.append(t)
            j += 1
            continue
        break
    while words and words[-1].lower() in ("of", "for", "and"):
        words.pop()
    core = _strip_det(list(words))
    if not core:
        return None
    return j, words


def _appositive_subject(
    toks: list[tuple[int, int, str]], k: int, sent_first: int
) -> tuple[int, list[str]] | None:
    """'Shin Won-sik, 63, a retired general, told ...': the name before the appositives."""
    j = k - 1
    commas = 0
    name_np: tuple[int, list[str]] | None = None
    while j >= sent_first and commas < 4:
        if toks[j][2] == ",":
            commas += 1
            np = _np_backward(toks, j)
            if np is not None:
                first, words = np
                at_start = (
                    first == sent_first
                    or toks[first - 1][2] in ('"', "“", "”", ":", "—")
                    or toks[first - 1][2].lower() in VERB_STANCE
                    or toks[first - 1][2].lower() == "that"
                )
                if at_start and any(_is_cap(w) for w in words):
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


def _is_name(words: list[str]) -> bool:
    """A personal name: two to four capitalised words, none of them an organisation word."""
    core = _strip_det(list(words))
    return (
        2 <= len(core) <= 4
        and all(_is_cap(w) for w in core)
        and not any(re.sub(r"['’]s$", "", w.lower()) in ORG_WORDS for w in core)
    )


def _is_title_phrase(words: list[str]) -> bool:
    return any(re.sub(r"['’]s$", "", w.lower()) in TITLE_WORDS for w in words)


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
        stance = VERB_STANCE[verb]
        np = _np_backward(toks, k)
        if np is None and k > 0 and toks[k - 1][2] == ",":
            np = _appositive_subject(toks, k, 0)
        inverted = False
        if np is None and k > 0 and toks[k - 1][2] in (",", '"', "”", "’", "'"):
            fw = _np_forward(toks, k + 1)
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
            continue
        first, words = np
        if re.sub(r"['’]s$", "", words[-1].lower()) in EVIDENCE_HEADS:
            # "a report disclosed by lawmakers": the author after "by" speaks; the report is
            # evidence. "Satellite imagery showed ...": no speaker at all.
            by = k + 1 < len(toks) and toks[k + 1][2].lower() == "by"
            fw = _np_forward(toks, k + 2) if by else None
            if fw is None:
                continue
            first, words = k + 2, fw[1]
        if verb in (
            "estimate",
            "claim",
            "deny",
            "say",
            "tell",
            "think",
            "believe",
            "suspect",
            "assess",
        ):
            # Bare forms need a plural or pronoun subject ("officials estimate").
            last = words[-1].lower()
            if not (last.endswith("s") or last in ("they", "we", "i")) or last in ("is",):
                continue
        if (
            verb in ("found", "counted")
            and not any(_is_cap(w) for w in words)
            and words[-1].lower() not in HEAD_NOUNS
        ):
            continue
        speaker, title = resolver.resolve(list(words))
        if speaker is None and words[-1].lower() not in PRONOUNS:
            continue
        s_off = toks[first][0]
        e_off = m.end() if not inverted else toks[min(len(toks) - 1, first + len(words) - 1)][1]
        out.append(
            Attribution(
                m.start(), min(s_off, m.start()), e_off, speaker, stance, title, _join(words)
            )
        )
    for m in _ESTIMATE_NOUN_RE.finditer(text, start, end):
        k = index.get(m.start())
        if k is None or any(a.anchor == m.start() for a in out):
            continue
        np = _np_backward(toks, k)
        if np is None:
            continue
        speaker, title = resolver.resolve(list(np[1]))
        if speaker is None:
            continue
        out.append(
            Attribution(m.start(), toks[np[0]][0], m.end(), speaker, ESTIMATED, title, _join(np[1]))
        )
    for m in _REPORT_BY_RE.finditer(text, start, end):
        k = index.get(m.end())
        if k is None:
            continue
        fw = _np_forward(toks, k)
        if fw is None:
            continue
        j, words = fw
        vm = _REPORT_VERB_RE.match(text, toks[j - 1][1], end) if j > 0 else None
        if vm is None or any(a.anchor == vm.start("v") for a in out):
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
        fw = _np_forward(toks, k)
        if fw is None:
            continue
        j, words = fw
        speaker, title = resolver.resolve(list(words))
        if speaker is None:
            continue
        e_off = toks[j - 1][1] if j > 0 else pos
        out.append(
            Attribution(m.start(), m.start(), e_off, speaker, ACCORDING_TO, title, _join(words))
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
                fw = _np_forward(toks, k)
                if fw is not None:
                    raw = _join(fw[1])
                    speaker, title = resolver.resolve(list(fw[1]))
        if any(a.anchor <= m.start("v") < a.end for a in out):
            continue
        out.append(Attribution(m.start("v"), m.start(), m.end(), speaker, stance, title, raw))
    out.sort(key=lambda a: a.anchor)
    return out
