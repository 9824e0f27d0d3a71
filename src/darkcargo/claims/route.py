"""Which way a claimed delivery went: the sending and receiving country named in its clause.

Read conservatively, from the clause that holds the figure only: a country (or its capital, or
its adjective) as the subject of a delivery verb ("the United States has only sent 300,000
rounds", "Russia received 7,000 containers") or after "to" following one ("shipped 13,000
containers to Russia"). Anything else leaves the side unknown (None), so grading compares the
figure as before; a side that is known and is not the case's lets grading call the claim not
comparable ("about deliveries to Ukraine") instead of weighing it against the case's estimates.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Names the press uses for a country that are not its ISO short name.
COUNTRY_ALIASES: dict[str, str] = {
    "north korea": "KP",
    "n. korea": "KP",
    "dprk": "KP",
    "pyongyang": "KP",
    "north korean": "KP",
    "south korea": "KR",
    "seoul": "KR",
    "south korean": "KR",
    "russia": "RU",
    "russian federation": "RU",
    "moscow": "RU",
    "kremlin": "RU",
    "russian": "RU",
    "ukraine": "UA",
    "kyiv": "UA",
    "kiev": "UA",
    "ukrainian": "UA",
    "united states": "US",
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "america": "US",
    "washington": "US",
    "american": "US",
    "china": "CN",
    "beijing": "CN",
    "chinese": "CN",
    "iran": "IR",
    "tehran": "IR",
    "iranian": "IR",
    "belarus": "BY",
    "minsk": "BY",
    "syria": "SY",
    "israel": "IL",
    "united kingdom": "GB",
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "london": "GB",
    "british": "GB",
    "japan": "JP",
    "tokyo": "JP",
    "germany": "DE",
    "berlin": "DE",
    "france": "FR",
    "paris": "FR",
    "poland": "PL",
}

# Verb forms only: "ships", "supply", "exports", "imports" are nouns as often ("four ships made
# 32 trips to North Korea", "the Russian supply ship").
_DELIVER = (
    r"(?:sent|send|sending|shipped|supplied|supplying|delivered|deliver|delivering|provided"
    r"|providing|transferred|transferring|exported|exporting|given|gave|donated|pledged|handed)"
)
_RECEIVE = r"(?:received|receives|receive|receiving|imported|importing|obtained)"
_PLACE = r"(?P<place>(?:[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*){0,2})"
_AUX = (
    r"(?:(?:has|have|had|will|would|could|may|might|is|was|were|has\s+been|had\s+been)\s+)?"
    r"(?:(?:\w+ly|only|also|already|now|just|so\s+far)\s+){0,2}"
)
_SUBJECT_SENDS = re.compile(rf"(?:\bthe\s+)?{_PLACE}\s+{_AUX}{_DELIVER}\b")
_SUBJECT_RECEIVES = re.compile(rf"(?:\bthe\s+)?{_PLACE}\s+{_AUX}{_RECEIVE}\b")
_SENT_TO = re.compile(rf"\b{_DELIVER}\b[^.;]{{0,120}}?\bto\s+(?:the\s+)?{_PLACE}")


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO 3166 alpha-2 code of a country written as its name, capital, adjective or code
    ("the United States", "Pyongyang", "Russian", "UA"); None when it names no country."""
    key = re.sub(r"['’]s$", "", name.strip()).lower()
    key = re.sub(r"^the\s+", "", key)
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    words = key.split()
    for n in range(len(words), 0, -1):  # "Russian port" -> "russian", "Ukraine's army" ...
        head = " ".join(words[:n])
        if head in COUNTRY_ALIASES:
            return COUNTRY_ALIASES[head]
    if len(key) < 4:
        return None  # two- and three-letter words are too often not country codes here
    import pycountry

    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None


def _first_country(pattern: re.Pattern[str], text: str, start: int, end: int) -> str | None:
    for m in pattern.finditer(text, start, end):
        code = country_code(m.group("place"))
        if code is not None:
            return code
    return None


def clause_route(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(sender, recipient) ISO codes named in text[start:end], each None when not said."""
    sender = _first_country(_SUBJECT_SENDS, text, start, end)
    recipient = _first_country(_SENT_TO, text, start, end) or _first_country(
        _SUBJECT_RECEIVES, text, start, end
    )
    return sender, recipient
