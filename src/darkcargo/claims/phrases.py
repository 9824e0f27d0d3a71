"""Speaker noun phrases around a reporting verb: the subject before it ("South Korea's spy
agency, which reported", past adverbs, times and asides between dashes), the agent after it
("said Defence Minister Shin Won-sik", past an acronym and co-authors), and what a document's
phrase says of its author ("The MSMT report"). `attribution` finds the verbs and cues; this
module reads who stands beside them."""

from __future__ import annotations

import re

from darkcargo.claims.speakers import (
    ADVERBS,
    EVIDENCE_HEADS,
    HEAD_NOUNS,
    MAX_NP_WORDS,
    MEDIA_HEADS,
    NOT_NAMES,
    OBJECT_PRONOUNS,
    PRONOUNS,
    TITLE_WORDS,
    _is_cap,
    _is_name,
    _is_title_phrase,
    _np_word,
    _strip_det,
    _words,
)

_MONTHS = _words(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)
_TIME_UNITS = frozenset({"week", "month", "year", "weekend", "night", "spring", "summer", "autumn"})
_TIME_DEICTICS = frozenset({"last", "this", "next", "earlier", "later"})


def list_item_before(toks: list[tuple[int, int, str]], j: int) -> bool:
    """Whether the capitalised name ending before the comma at token j (one to three words, "the"
    allowed before it) is a whole list item: it opens the sentence or follows a comma, a quote or
    a colon ("Washington, Seoul and Kyiv", "..., South Korea, the U.S., and Ukraine")."""
    r = j - 1
    while r > 0 and (j - 1) - r < 2 and _is_cap(toks[r - 1][2]):
        r -= 1
    if r > 0 and toks[r - 1][2].lower() == "the":
        r -= 1
    return r == 0 or toks[r - 1][2] in (",", '"', "“", ":")


ASIDE_DASHES = frozenset({"–", "—"})


def np_backward(toks: list[tuple[int, int, str]], k: int) -> tuple[int, list[str]] | None:
    """Speaker noun phrase ending just before token k: (index of its first token, words)."""
    j = k - 1
    while j >= 0:
        low = toks[j][2].lower()
        if low in ADVERBS or (low == "on" and j + 1 < k and toks[j + 1][2].lower() in ADVERBS):
            j -= 1
        elif low in _TIME_UNITS and j > 0 and toks[j - 1][2].lower() in _TIME_DEICTICS:
            j -= 2  # "The NIS last month said": a time between the subject and its verb
            if j >= 0 and toks[j][2].lower() == "earlier":  # "earlier this month"
                j -= 1
        elif (
            low.isdigit()
            and j > 1
            and toks[j - 1][2].lower() in _MONTHS
            and toks[j - 2][2].lower() == "on"
        ):
            j -= 3  # "British Defense Intelligence on June 15 estimated"
        elif low in ASIDE_DASHES and j > 1:
            # "the Monitoring Team – a group that includes ... – confirmed": past the aside
            opening = next((q for q in range(j - 1, max(-1, j - 60), -1) if toks[q][2] == low), -1)
            if opening < 1:
                break
            j = opening - 1
        else:
            break
    if j < 0:
        return None
    if toks[j][2].lower() in ("who", "which") and j > 1 and toks[j - 1][2] == ",":
        # "Governor Alexander Hinstein, who said in June that", "South Korea's spy agency,
        # which reported about 100 deaths"
        return np_backward(toks, j - 1)
    if toks[j][2].lower() in PRONOUNS:
        return j, [toks[j][2]]
    words: list[str] = []
    first = j + 1
    listed = False  # the phrase holds "X and Y": a list, which a comma may continue
    while j >= 0 and len(words) < MAX_NP_WORDS:
        t = toks[j][2]
        low = t.lower()
        if (
            t in (")", "]")
            and j >= 2
            and toks[j - 2][2] == ("(" if t == ")" else "[")
            and re.fullmatch(r"[A-Z][A-Za-z0-9&.]{1,9}", toks[j - 1][2])  # "(C4ADS)" too
        ):
            # "the Royal United Services Institute (RUSI)", an editor's "[GUR]": the acronym
            # is an aside
            j -= 3
            continue
        if low == "and" and words and _is_cap(words[0]) and j > 0 and _is_cap(toks[j - 1][2]):
            words.insert(0, t)  # "Center for Strategic and International Studies"
            first = j
            j -= 1
            listed = True
            continue
        if (
            low == "and"
            and words
            and _is_cap(words[0])
            and j > 1
            and toks[j - 1][2] == ","
            and _is_cap(toks[j - 2][2])
        ):
            words[:0] = [",", t]  # "South Korea, the U.S., and Ukraine estimate": a serial comma
            first = j - 1
            j -= 2
            listed = True
            continue
        if (
            low in ("its", "their")
            and words
            and j > 1
            and toks[j - 1][2].lower() == "and"
            and _is_cap(toks[j - 2][2])
        ):
            words[:0] = [toks[j - 1][2], t]  # "Seoul and its allies": the list, not the allies
            first = j - 1
            j -= 2
            listed = True
            continue
        if low == "the" and listed and words and j > 0 and toks[j - 1][2] == ",":
            words.insert(0, t)  # "South Korea, the U.S., and Ukraine": an item's article
            first = j
            j -= 1
            continue
        if t == "," and listed and j > 0 and _is_cap(toks[j - 1][2]) and list_item_before(toks, j):
            # "Washington, Seoul and Kyiv have accused": one subject, a list of names
            words.insert(0, t)
            first = j
            j -= 1
            continue
        if _np_word(t) or (low == "forces" and not words):
            words.insert(0, t)  # "Ukraine's special forces reported": checked at the end
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
            low == "of"
            and words
            and _is_cap(words[0])
            and j > 3
            and toks[j - 1][2] == ")"
            and toks[j - 3][2] == "("
            and _is_cap(toks[j - 4][2])
        ):
            # "The National Intelligence Service (NIS) of South Korea revealed": the acronym
            # is an aside inside the name
            words.insert(0, t)
            first = j
            j -= 4
            continue
        if (
            low == "the"
            and words
            and j >= 2
            and (
                toks[j - 1][2].lower() in ("of", "at", "from")
                # "U.S. Ambassador to the U.N. Linda Thomas-Greenfield"
                or (toks[j - 1][2].lower() == "to" and toks[j - 2][2].lower() in TITLE_WORDS)
            )
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
    owned_forces = last == "forces" and any(w.endswith(("'s", "’s")) for w in core[:-1])
    if not (_is_cap(core[-1]) or last in HEAD_NOUNS or last in TITLE_WORDS or owned_forces):
        return None  # "Ukraine's special operations forces stated" speaks; "5,000 forces" not
    if core[-1].endswith(("'s", "’s")):
        return None
    return first, words


def np_forward(toks: list[tuple[int, int, str]], k: int) -> tuple[int, list[str]] | None:
    """Speaker noun phrase starting at token k (after "said" or "according to")."""
    words: list[str] = []
    j = k
    n = len(toks)
    if j < n and toks[j][2].lower() in PRONOUNS:
        return j, [toks[j][2]]
    if j < n and toks[j][2] in OBJECT_PRONOUNS:  # "according to him"; "US" is a country
        return j, [OBJECT_PRONOUNS[toks[j][2]]]
    while j < n and len(words) < MAX_NP_WORDS:
        t = toks[j][2]
        low = t.lower()
        if low in ("the", "a", "an") and not words:
            words.append(t)
            j += 1
            continue
        if words and len(words) == 1 and low in _MONTHS and j + 1 < n and _is_cap(toks[j + 1][2]):
            j += 1  # "the October NIS report": the month dates the report, names no one
            continue
        if (
            t == "("
            and words
            and j + 2 < n
            and toks[j + 2][2] == ")"
            and re.fullmatch(r"[A-Z][A-Za-z0-9&.]{1,9}", toks[j + 1][2])
            and j + 3 < n
            and toks[j + 3][2].lower() == "of"
        ):
            j += 3  # "the Main Intelligence Directorate (DIU) of ...": the acronym is an aside
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
        if (
            low == "of"
            and words
            and j + 2 < n
            and toks[j + 1][2].lower() == "the"
            and _is_cap(toks[j + 2][2])
            and _is_title_phrase(words)
        ):
            words += [t, toks[j + 1][2]]  # "Deputy Chief of the Main Intelligence Directorate"
            j += 2
            continue
        if low in ("in", "at", "from") and words and words[-1].lower() in HEAD_NOUNS:
            # "intelligence in Seoul", "researchers at the James Martin Center": a lower-case
            # head and the place or institution it belongs to
            nxt = j + 2 if j + 1 < n and toks[j + 1][2].lower() == "the" else j + 1
            if not _is_cap(words[-1]) and nxt < n and _is_cap(toks[nxt][2]):
                words += [x[2] for x in toks[j:nxt]]
                j = nxt
                continue
        if (
            words
            and t.isalpha()
            and t.islower()
            and j + 1 < n
            and re.sub(r"['’]s$", "", toks[j + 1][2].lower()) in HEAD_NOUNS
        ):
            words.append(t)  # "the British analytical center": an adjective before its head
            j += 1
            continue
        break
    while words and words[-1].lower() in ("of", "for", "and", "the", "in", "at", "from"):
        words.pop()
    core = _strip_det(list(words))
    if not core:
        return None
    return j, words


def past_acronym_and_coauthors(toks: list[tuple[int, int, str]], j: int) -> int:
    """The token after an author's acronym and co-authors: "by the Royal United Services
    Institute (RUSI) and NK News identified" -> "identified". The first author speaks."""
    n = len(toks)
    while True:
        if j + 2 < n and toks[j][2] == "(" and toks[j + 2][2] == ")" and _is_cap(toks[j + 1][2]):
            j += 3
        if j + 1 < n and toks[j][2].lower() == "and" and _is_cap(toks[j + 1][2]):
            partner = np_forward(toks, j + 1)
            if partner is not None and partner[0] > j + 1:
                j = partner[0]
                continue
        return j


def definite(toks: list[tuple[int, int, str]], first: int, words: list[str]) -> bool:
    """A definite document phrase with no name of its own: "the report", "The new
    investigation", "this latest study" (not "a report", not "Satellite imagery")."""
    if words[0].lower() in ("the", "this", "that"):
        return not any(_is_cap(w) for w in words[1:])
    if any(_is_cap(w) for w in words):
        return False
    k = first - 1
    while k >= 0 and k >= first - 3:
        low = toks[k][2].lower()
        if low in ("the", "this", "that"):
            return True
        if not toks[k][2].isalpha() or not toks[k][2].islower():
            return False
        k -= 1
    return False


def author_modifier(words: list[str]) -> list[str]:
    """The name written before a document's head noun: an acronym, or capitalised words right
    after a determiner ("The MSMT report", "a new UN report", "the Pentagon report": MSMT, UN,
    Pentagon); none for "Satellite imagery" or "the latest report"."""
    k = len(words) - 1
    while k > 0 and _is_cap(words[k - 1]) and words[k - 1].lower() not in EVIDENCE_HEADS:
        k -= 1
    run = words[k:-1]
    acronym = any(w.isupper() and len(w) > 1 for w in run)
    if not run or not (acronym or (k > 0 and words[k - 1].lower() in ("the", "a", "an"))):
        return []
    return run


def np_forward_named(toks: list[tuple[int, int, str]], k: int) -> tuple[int, list[str]] | None:
    """np_forward, except that a title or a description followed by ", <Name>" gives the name
    ("by South Korea's Defence Minister, Shin Won-sik"; "from the London-based think tank,
    Royal United Services Institute")."""
    if k + 1 < len(toks) and toks[k][2] in ('"', "“", "‘") and toks[k + 1][2][:1].isupper():
        k += 1  # 'provided by "The Washington Post,"': the name inside its quotation marks
    fw = np_forward(toks, k)
    if fw is None:
        return None
    j, words = fw
    if (
        j + 1 < len(toks)
        and toks[j][2] in ('"', "“")
        and words[-1].islower()
        and words[-1].lower() in HEAD_NOUNS | MEDIA_HEADS
        and (named := np_forward(toks, j + 1)) is not None
        and _strip_det(list(named[1]))
        and all(_is_cap(w) or w.lower() in ("of", "for", "and") for w in _strip_det(named[1]))
    ):
        return named  # 'the South Korean daily "The Korean Herald"': the name in quotes
    if (
        j + 1 < len(toks)
        and toks[j][2] == ","
        and (_is_title_phrase(words) or not _is_cap(words[-1]))
        and (named := np_forward(toks, j + 1)) is not None
        and (_is_name(named[1]) or not _is_title_phrase(words))
        and any(_is_cap(w) for w in named[1])
        # "According to the newspaper, North Korea ships ...": a name followed by a verb is
        # the subject of the main clause, not an appositive
        and not (named[0] < len(toks) and toks[named[0]][2][:1].islower())
    ):
        return named
    return fw


# Verbs that are plural nouns too: after a lowercase word and before a comma, a conjunction or
# a preposition they are nouns ("intelligence reports, leaked documents", "member states, and")
