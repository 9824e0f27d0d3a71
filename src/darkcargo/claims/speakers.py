"""Who is named in a document, and who a speaker phrase refers to.

The Resolver remembers people and organisations as the document names them ("President
Volodymyr Zelensky", "the Royal United Services Institute (RUSI)", "South Korea's defence
minister") and resolves later references: a pronoun ("he", "it"), a title ("the minister"), a
surname ("Shin") or an acronym ("RUSI") to the full name used earlier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field


def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(text.split())


# Lower-case words that may sit inside a speaker's noun phrase.
TITLE_WORDS = (
    _words(
        """minister president secretary spokesman spokeswoman spokesperson spokesmen chief director
    general admiral ambassador envoy adviser advisor chairman chairwoman chair head commander
    deputy premier senator representative governor mayor official officer analyst researcher
    fellow professor expert lawmaker legislator diplomat colonel lieutenant captain major
    leader prosecutor investigator observer commentator columnist mp"""
    )
    | {  # ranks and honorifics written short ("Major Gen. Pat Ryder", "Rep. Mike Turner")
        f"{a}{dot}"
        for a in _words("gen lt col maj adm brig sgt capt cmdr dr prof mr mrs ms")
        for dot in ("", ".")
    }
    | {"rep.", "sen.", "gov.", "amb."}
)  # undotted, these are names too ("Amartya Sen")
HEAD_NOUNS = _words(
    """officials official analysts analyst experts expert commanders commander lawmakers lawmaker
    legislators diplomats diplomat sources source researchers researcher investigators monitors
    authorities ministry government military intelligence agency team institute service office
    council committee panel army navy command headquarters staff tank group centre center
    spokesman spokeswoman spokesperson minister president secretary chief director officers
    officer generals general administration cabinet parliament assembly report study
    prosecutors observers watchdog organisation organization think bank newspaper broadcaster
    outlet department bureau commission embassy directorate investigation analysis assessment
    observer portal website briefing agencies services ministries governments allies force media
    company firm consultancy authors author"""
)
MODIFIER_WORDS = _words(
    """senior top defence defense foreign military intelligence deputy former retired national
    think tank spy security western ukrainian russian american british european japanese korean
    local regional independent government state federal naval central news intel air special
    operations armed ruling opposition party parliamentary"""
)
ORG_WORDS = _words(
    """ministry service agency house council institute team staff centre center department
    government command headquarters committee panel office bureau pentagon kremlin union
    nations reuters forces army navy military intelligence university foundation group bank
    parliament assembly cabinet commission organization organisation corps administration
    monitoring network project parallel initiative programme program tank studies chiefs
    monitor railways school academy college"""
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
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "latter"})
# Object forms, read as their subject after "according to" ("according to him").
OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they", "us": "we", "me": "i"}
# Heads of noun phrases that name evidence, not a speaker ("satellite imagery shows", "a report
# disclosed by ..."): such a phrase is never the speaker of a figure.
EVIDENCE_HEADS = _words(
    """imagery images image photos photo photographs photography pictures footage data report
    reports document documents study analysis assessment records figures estimate estimates
    investigation investigations briefing briefings"""
)
# A speaker's noun phrase is at most this many words ("South Korean Defence Minister Shin
# Won-sik" is six); keeps the backward scan bounded on run-on capitalised text.
MAX_NP_WORDS = 14
ADVERBS = _words(
    """now also previously earlier later recently separately repeatedly publicly privately
    has have had will would separately again already once then first further here today
    yesterday monday tuesday wednesday thursday friday saturday sunday all both jointly
    reportedly officially allegedly formally openly initially originally subsequently
    additionally still even just nevertheless nonetheless meanwhile"""
)
# Generic descriptors that refer back to the last organisation named ("the think tank").
GENERIC_ORG = frozenset(
    {"think tank", "group", "organisation", "organization", "monitor", "watchdog", "tank"}
)
# "the newspaper", "the paper", "the daily": the news outlet named last, known by the words
# outlets' names end or consist of ("The Washington Post", "Yonhap", "Kyodo News").
MEDIA_HEADS = frozenset(
    {"newspaper", "paper", "daily", "outlet", "broadcaster", "publication", "portal", "website"}
)
MEDIA_NAME_WORDS = _words(
    """post times journal herald tribune guardian telegraph gazette daily news economist
    ilbo shimbun kommersant izvestia reuters yonhap kyodo bloomberg cnn bbc nhk afp ap tass
    interfax ria kcna axios politico observer independent mail express chronicle"""
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
    spoke: int = 0  # order of the last time it was a figure's speaker (0: never)


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
    return (
        base in TITLE_WORDS or base in HEAD_NOUNS or base in MODIFIER_WORDS or base in MEDIA_HEADS
    )


def _document_kind(head: str) -> str:
    """A document noun without its plural: "reports" and "report", "studies" and "study"."""
    low = head.lower()
    if low.endswith("ies"):
        return low[:-3] + "y"
    if low.endswith("ses"):  # analyses
        return low[:-2] + "is"
    return low[:-1] if low.endswith("s") and not low.endswith("ss") else low


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
        # the author named for each kind of document ("A new investigation by Reuters"), so
        # that "The new investigation confirmed ..." later in the text speaks for Reuters
        self.document_authors: dict[str, list[str]] = {}

    def note_document_author(self, head: str, author: list[str]) -> None:
        """Remember who wrote the last document of this kind (`head`: "report", "studies")."""
        self.document_authors[_document_kind(head)] = list(author)

    def document_author(self, head: str) -> list[str] | None:
        """The author words last noted for a document of this kind, if any."""
        return self.document_authors.get(_document_kind(head))

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

    def _recent(
        self, kind: str | None = None, word: str | None = None, also: Sequence[str] = ()
    ) -> Entity | None:
        """The entity of `kind` mentioned last whose title or name holds `word` and every word
        of `also` (a description's nationality: "the South Korean minister")."""
        found = []
        for ent in self.entities:
            if kind and ent.kind != kind:
                continue
            if (
                kind == "person"
                and not ent.title
                and ent.tokens
                and ent.tokens[-1] in MEDIA_NAME_WORDS
            ):
                continue  # "The New York Times" reads like a name; "she" never means it
            hay = f"{ent.title} {ent.name}".lower()
            if any(not re.search(rf"\b{re.escape(w)}", hay) for w in (word, *also) if w):
                continue
            found.append(ent)
        if kind == "org" and any(e.spoke for e in found):
            # "the department said", after the State Department spoke and the Treasury
            # Department was only named: an organisation described again is the one speaking
            found = [e for e in found if e.spoke]
            return max(found, key=lambda e: e.spoke)
        return max(found, key=lambda e: e.last, default=None)

    def _recent_media(self) -> Entity | None:
        """The news outlet mentioned last: a name that ends in, or is, a word outlets are named
        by ("Washington Post" reads like a person's name to the name rules: any untitled
        entity counts)."""
        media = [
            e
            for e in self.entities
            if (e.kind == "org" or not e.title)
            and e.tokens
            and e.tokens[-1].strip(".") in MEDIA_NAME_WORDS
        ]
        return max(media, key=lambda e: e.last, default=None)

    # -- resolution -------------------------------------------------------------------------
    def resolve(self, words: list[str]) -> tuple[str | None, str | None]:
        """(speaker, title) for a speaker noun phrase as written; the entity found is marked
        as having spoken (see `_recent`)."""
        name, title = self._resolve(words)
        ent = self.by_name.get(name.lower()) if name else None
        if ent is not None:
            self.counter += 1
            ent.spoke = self.counter
        return name, title

    def _resolve(self, words: list[str]) -> tuple[str | None, str | None]:
        if not words:
            return None, None
        low = [w.lower() for w in words]
        if len(words) == 1 and low[0] in PRONOUNS:
            if low[0] in ("he", "she", "latter"):  # "the latter stated": the last one named
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
        if (
            len(words) > 1
            and words[-1].islower()
            and words[-1] in MEDIA_HEADS
            and all(_is_cap(w) for w in words[:-1])
        ):
            # "the Yonhap News TV portal", "the Kyiv Post newspaper": the outlet's name
            name, title = self.resolve(words[:-1])
            ent = self.by_name.get(name.lower()) if name else None
            if ent is not None and not ent.title:
                ent.title, ent.kind = words[-1], "org"
            return name, title
        low = [w.lower() for w in words]
        caps = [w for w in words if _is_cap(w)]
        for i in range(1, len(words) - 1):
            skip = 2 if low[i + 1] == "the" else 1
            if (
                low[i] in ("of", "at", "from")
                and len(words) - i - skip >= (1 if skip == 2 else 2)
                and _is_name(words[:i])
                and not _is_title_phrase(words[:i])  # "Deputy Chief of the ...": no name
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
        # "the South Korean defence minister": capitalised words that only say whose (a
        # nationality or place) leave a description, not a name.
        whose = {"south", "north", "east", "west"}
        descriptive = all(
            re.sub(r"['’]s$", "", w.lower()).rstrip(".") in (MODIFIER_WORDS | PLACES | whose)
            for w in caps
        )
        if definite and (not caps or (descriptive and not _is_cap(words[-1]))):
            # "the minister", "the defence ministry", "the think tank"
            phrase = " ".join(low)
            head = re.sub(r"['’]s$", "", low[-1])
            ent = None
            also = [re.sub(r"['’]s$", "", w.lower()) for w in caps]
            if head in TITLE_WORDS:
                ent = self._recent("person", head, also)
            if ent is None and head not in TITLE_WORDS:
                ent = self._recent("org", head, also)
            if ent is None and head in MEDIA_HEADS:
                ent = self._recent_media()
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
                # "... of the Ministry of Defense Vadym Skibitskyi": no name starts "Defense"
                and tail[0].lower() not in MODIFIER_WORDS
                and not any(re.fullmatch(r"(?:[A-Z]\.){2,}", w) for w in tail)  # "U.N."
                and any(re.sub(r"['’]s$", "", w) in TITLE_WORDS for w in head_words)
                and any(w in ("of", "for", "to") for w in head_words)
            ):
                # "President of Ukraine Volodymyr Zelensky", "U.S. Ambassador to the U.N. Linda
                # Thomas-Greenfield": the name, titled by the rest.
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
        # "U.S. and South Korea": a list of countries or bodies, never one person
        if has_org or only_places or not caps or len(words) == 1 or len(words) > 4 or "and" in low:
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
                named: list[str] = []
                while j < n and _is_cap(toks[j][2]) and len(named) < 4:
                    named.append(toks[j][2])
                    j += 1
                k = _title_start(toks, i)
                self.register(_join(named), "person", _join([x[2] for x in toks[k : i + 1]]))
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
                    k = _title_start(toks, i)
                    title = _join([x[2] for x in toks[k : i + 1]])
                    clean = [re.sub(r"['’]s$", "", w) for w in name]
                    if len(clean) == 1:
                        ent = self._by_token(clean[0])
                        if ent is not None:
                            self._touch(ent)
                            continue
                    self.register(_join(clean), "person", title)
        # People named with their affiliation ("Olena Guseinova from Hankuk University ..."),
        # whom a later "she estimated" refers to, or before a title in apposition ("Sergei
        # Shoigu, secretary of Russia's Security Council, spoke ..."), a later "he told".
        for i in range(n - 2):
            if i > 0 and (
                _is_cap(toks[i - 1][2]) or toks[i - 1][2].lower() in ("the", "of", "for", "and")
            ):
                continue  # inside a longer name, or an organisation's
            j = i
            while j < n and j - i < 3 and _is_cap(toks[j][2]):
                j += 1
            person = [x[2] for x in toks[i:j]]
            if (
                j + 1 >= n
                or not _is_name(person)
                or any(w.lower() in PLACES | NOT_NAMES | MODIFIER_WORDS for w in person)
                or self.by_name.get(_join(person).lower()) is not None
            ):
                continue
            if toks[j][2] in ("from", "of", "at") and _is_cap(toks[j + 1][2]):
                self.register(_join(person), "person")
            elif (
                toks[j][2] == ","
                and j - i >= 2
                and not any(re.sub(r"['’]s$", "", w.lower()) in ORG_WORDS for w in person)
                and (appositive := _title_after(toks, j + 1)) is not None
            ):
                self.register(_join(person), "person", appositive)
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
        for m in re.finditer(r"\(([A-Z][A-Za-z0-9&.]{1,9})\)", text[start:end]):
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


def _title_after(toks: list[tuple[int, int, str]], j: int) -> str | None:
    """The appositive title that starts at token j, up to its title word within five words
    ("secretary", "a senior fellow at ..."), or None."""
    k = j
    while k < len(toks) and k - j < 5 and toks[k][2] not in (",", ".", ";", ":"):
        if re.sub(r"['’]s$", "", toks[k][2].lower()) in TITLE_WORDS:
            return _join([x[2] for x in toks[j : k + 1]])
        k += 1
    return None


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
