"""What a number counts: the item ("containers", "shells", "rockets", "euros"...) and calibre.

After a number the extractor reads the noun phrase that follows it ("3 million rounds of 152 mm
artillery shells", "500,000 122mm multiple rocket launcher rounds") and names its head with a
canonical item. Calibres are normalised to "152mm" whether written "152 mm", "152mm", "152-mm"
or "152-millimetre".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from darkcargo.claims.calibres import match_caliber


def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(text.split())


# Canonical item -> surface forms (longest first when matched). Money words map to a currency.
ITEM_FORMS: dict[str, tuple[str, ...]] = {
    "containers": (
        "container shipments",
        "container loads",  # "more than 20,000 container loads of missiles, artillery ..."
        "container-loads",
        "containerloads",
        "shipping containers",
        "container boxes",  # Korean outlets' English: "1,000 container boxes transferred"
        "containers",
        "container",
        "teus",
        "teu",
    ),
    "shells": (
        "artillery shells",
        "artillery rounds",
        "artillery shots",
        "ammo rounds",
        "shells",
        "shell",
        "rounds",
        "round",
        "projectiles",
        "projectile",
        "munitions",
        "ammunition",
        "bullets",  # "about 100 million bullets" (small-arms rounds; also a translator's word
        "bullet",  # for shells: "the containers could carry up to three million bullets")
    ),
    "rockets": ("rockets", "rocket"),
    "missiles": ("missiles", "missile"),
    "railcars": (
        "freight rail cars",
        "rail cars",
        "rail car",
        "railcars",
        "railcar",
        "freight cars",
        "freight car",
        "railway wagons",
        "rail wagons",
        "freight wagons",
        "wagons",
        "wagon",
        "boxcars",
        "boxcar",
        # the kinds counted on satellite images of a rail yard (CSIS at Tumangang)
        "box cars",
        "box car",
        "tank cars",
        "tank car",
        "ore cars",
        "ore car",
        "flat cars",
        "flat car",
        "flatcars",
        "flatcar",
        "hopper cars",
        "hopper car",
        "passenger cars",
        "passenger car",
    ),
    "locomotives": ("locomotives", "locomotive"),
    "vehicles": (
        "combat vehicles",
        "combat vehicle",
        "armoured vehicles",
        "armored vehicles",
        "military vehicles",
        "vehicles",
        "vehicle",
    ),
    "ships": (
        "cargo ships",
        "ships",
        "ship",
        "vessels",
        "vessel",
        "freighters",
        "freighter",
        "tankers",
        "tanker",
    ),
    "voyages": (
        "arms transfers",  # "made at least 10 arms transfers to Russia" (Seoul's count of deliveries)
        "weapons transfers",
        "round trips",
        "round-trips",
        "voyages",
        "voyage",
        "trips",
        "trip",
        "shipments",
        "shipment",
        "port calls",
        "port call",
        "deliveries",
        "sailings",
        "sailing",
        "crossings",
        "visits",
    ),
    # Casualties are counted as troops: "several hundred casualties" is a figure of soldiers.
    # Not "officers": "two intelligence officers said" counts the speakers.
    "troops": (
        "military personnel",
        "military construction workers",
        "military workers",  # "6K military workers to rebuild Russia's Kursk" (Shoigu's builders)
        "demining specialists",
        "demining experts",
        "mine clearance specialists",
        "mine-clearance specialists",
        "mine clearance experts",
        "mine-clearing specialists",
        "deminers",
        "military builders",
        "military engineers",
        "combat engineers",
        "mercenaries",
        "reinforcements",  # "an additional 3,000 reinforcements arriving"
        "troopers",
        "infantrymen",
        "recruits",
        "conscripts",
        "prisoners of war",  # captured soldiers: casualties ("two North Korean prisoners of war")
        "prisoner of war",
        "prisoners",
        "prisoner",  # "took at least two prisoner"
        "pows",
        "fighters",
        "invaders",  # Ukraine's word for Russia's soldiers ("neutralised more than 15,000 invaders")
        "sappers",
        "deaths",
        "fatalities",  # "acknowledged only 350 fatalities from its first and second deployments"
        "dead",  # "200,000 dead and 400,000 wounded"; not "killed" or "injured", which
        "wounded",  # count civilians as often ("24 people have been killed and 115 injured")
        "injuries",  # "about 100 deaths and 1,000 injuries from this battle"
        "officers",
        "generals",
        "troops",
        "troop",
        "soldiers",
        "servicemen",
        "personnel",
        "forces",
        "casualties",
        "casualty",  # "the 1,100 casualty estimate given by the JCS"
    ),
    "explosives": ("explosives",),
    "launchers": (
        "multiple launch rocket systems",
        "multiple-launch rocket systems",
        "multiple rocket launch systems",
        "multiple launch systems",  # "20 modernized multiple launch systems based on the BM-27"
        "multiple rocket launchers",
        "rocket launch systems",
        "launchers",
        "launcher",
    ),
    "howitzers": (
        "self-propelled guns",
        "artillery systems",
        "artillery pieces",
        "howitzers",
        "howitzer",
        "koksans",
        "koksan",
    ),
    # Small arms, as seizures at sea count them ("more than 3,000 assault rifles", "2,100
    # AK-47s"). Not "weapons": "millions of weapons" are shells, "100 long-range weapons" guns.
    "rifles": (
        "assault rifles",
        "sniper rifles",
        "rifles",
        "rifle",
        "ak-47s",
        "ak-47",
        "kalashnikovs",
    ),
    "trucks": ("trucks", "truck", "lorries"),
    "drones": ("drones", "drone"),
    "barrels": ("barrels", "barrel"),
    "tonnes": ("metric tons", "tonnes", "tonne", "tons", "ton"),
    "euros": ("euros", "euro"),
    "dollars": ("dollars", "dollar"),
    "won": ("won",),
    "roubles": ("roubles", "rubles", "rouble", "ruble"),
    "yuan": ("yuan",),
    "yen": ("yen",),
}

CURRENCY_ITEMS: dict[str, str] = {
    "euros": "EUR",
    "dollars": "USD",
    "won": "KRW",
    "roubles": "RUB",
    "yuan": "CNY",
    "yen": "JPY",
}
CURRENCY_NAMES: dict[str, str] = {
    "EUR": "euros",
    "USD": "dollars",
    "GBP": "pounds",
    "KRW": "won",
    "RUB": "roubles",
    "CNY": "yuan",
    "JPY": "yen",
}
# Items that are a unit of measure rather than a count of things.
MASS_ITEMS = frozenset({"tonnes"})

_FORM_TO_ITEM = {form: item for item, forms in ITEM_FORMS.items() for form in forms}
_ANY_FORM = (
    "(?:" + "|".join(re.escape(f) for f in sorted(_FORM_TO_ITEM, key=len, reverse=True)) + ")"
)
# not "won't" (the won), nor any form glued to a word
_ITEM_RE = re.compile(r"(?<![\w-])" + _ANY_FORM + r"(?![\w-]|['’]t\b)", re.IGNORECASE)
# the same forms right after a hyphen ("a 500,000-shell shortage"), which _ITEM_RE refuses
_ITEM_GLUED_RE = re.compile(_ANY_FORM + r"\b", re.IGNORECASE)
# Words that mark the noun phrase as rockets or missiles even when its head is "rounds".
ROCKET_MARKERS = frozenset({"rocket", "rockets", "grad", "mlrs", "multiple-rocket", "katyusha"})
ARTILLERY_MARKERS = frozenset({"artillery"})
# Words that end the noun phrase after a number.
STOP_WORDS = _words(
    """was were is are be been being had has have will would could can may might should did do
    does to from in on at by for with into onto that which who whom whose and or but than as
    since between while after before during until through across via per each every said says
    say according over under about around including worth this these those it its their his her
    they he she we a an the if when where not no so also only just more less some all any both
    either neither than then there here plus"""
)
# Lower-case words ending in -ed that still sit inside a noun phrase ("loaded containers").
ED_MODIFIERS = frozenset(
    {"loaded", "unguided", "guided", "armed", "used", "refurbished", "related", "unmarked"}
    # what an observer did to the things counted: "five observed trips", "12 confirmed voyages"
    | {"observed", "confirmed", "documented", "recorded", "reported", "suspected", "detected"}
    | {"tracked", "identified", "verified", "sanctioned", "flagged", "known"}
)
ITEM_WINDOW = 6  # tokens read after a number when looking for its item
# Words that count units of what follows "of" ("pieces of ammunition", "batches of shells").
CLASSIFIERS = frozenset(
    {"pieces", "piece", "units", "batches", "lots", "loads", "types", "kinds", "bodies"}
)
_OF_NEXT = re.compile(r"\s*of\s+")
# Units of people: "two units of military personnel" counts the units
_FORMATIONS = frozenset({"units", "unit"})
# A container's size between a count and its item: "300 20-foot containers", "40ft boxes".
_INITIAL = re.compile(r"[A-Z]\.[ \u00a0]+(?=[A-Z][a-z])")
_SIZE_MODIFIER = re.compile(r"(?:\d{2}|twenty|forty)[-\s]?(?:foot|feet|ft)\b", re.IGNORECASE)
# A model designation: "M1989", "KN-23", "2S7" (letters and digits, no spaces)
_MODEL = re.compile(
    r"(?:[A-Z]{1,3}-?\d{1,4}[A-Za-z]?|\d[A-Z]\d{1,2}|[A-Z][a-z]{2,9}-\d{1,3}[A-Za-z]{0,3})(?![\w-])"
)  # and a named series: "Hwasong-11", "Hwasong-11Ga"
_AND_NEXT = re.compile(r"\s*(?:,\s*)?(?:and|or|,)\s+")
_THAN_NEXT = re.compile(r"\s*than\b", re.IGNORECASE)
_PAREN_WORD = re.compile(r"\(\s*[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?\s*\)")
_PAREN_EXPANSION = re.compile(r"\(\s*[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,7}\s*\)")
_ACRONYM_BEFORE = re.compile(r"\b[A-Z]{2,6}\s*$")
_CLOSING_QUOTES = frozenset({'"', "\u201d", "\u2019", "'"})
_CALIBRE_WORD = re.compile(r"(?:\s+(?:caliber|calibre)\b)?")
# Plural endings of nouns: a lower-case plural that is no item ends the phrase ("factories").
_NOT_PLURAL = frozenset(
    {"this", "was", "has", "is", "its", "his", "us", "as", "various", "ammunition"}
    # verbs after their subject: "20,000 soldiers seems unlikely", "100 ships remains"
    | {"seems", "appears", "remains", "means", "includes", "makes", "needs", "looks", "goes"}
    | {"comes", "gets", "becomes", "represents", "accounts", "exceeds", "reaches", "totals"}
    | {"equals", "suggests", "shows", "indicates", "requires", "continues", "stands", "lies"}
)
# Reporting words after a count of people who are the speakers, not the figure: "two
# intelligence officers said", "three officials familiar with".
_SPEAKERS_AFTER = re.compile(
    r"\s+(?:who\s+|have\s+|had\s+|also\s+)?(?:said|say|says|told|tell|spoke|speaking|familiar"
    r"|briefed|confirmed|estimated|added|noted|warned)\b",
    re.IGNORECASE,
)
_SPEAKER_FORMS = frozenset({"officers", "officer", "generals", "officials"})


def _other_head_noun(low: str) -> bool:
    """A lower-case plural noun that is not an item ("factories", "ports", "sites")."""
    return (
        len(low) > 3
        and low.endswith("s")
        and not low.endswith(("ss", "us", "is", "ous"))
        and low not in _NOT_PLURAL
        and low not in _FORM_TO_ITEM
        and low not in CLASSIFIERS
    )


_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*|[^\s]")
_RATE = re.compile(
    r"\s*(?:(?:a|per|each|every)\s+(?P<u>day|week|month|year)\b|(?P<adv>daily|weekly|monthly|"
    r"annually|yearly)\b)",
    re.IGNORECASE,
)
RATE_UNITS = {
    "day": "per_day",
    "daily": "per_day",
    "week": "per_week",
    "weekly": "per_week",
    "month": "per_month",
    "monthly": "per_month",
    "year": "per_year",
    "annually": "per_year",
    "yearly": "per_year",
}


def normalize_item(text: str | None) -> str | None:
    """Canonical item for a surface form ('rail cars' -> 'railcars'); unknown words pass through."""
    if text is None:
        return None
    t = " ".join(text.lower().split())
    if t in ITEM_FORMS:
        return t
    return _FORM_TO_ITEM.get(t, t or None)


def find_item_words(
    text: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, canonical item) of every item word in text[start:end]."""
    stop = len(text) if end is None else end
    return [
        (m.start(), m.end(), _FORM_TO_ITEM[m.group().lower()])
        for m in _ITEM_RE.finditer(text, start, stop)
    ]


@dataclass(frozen=True, slots=True)
class ItemPhrase:
    """What the noun phrase after a number says it counts."""

    item: str | None
    caliber: str | None
    end: int  # offset just past the phrase (past the item word when one was found)
    rate: str | None = None  # per_day | per_week | per_month | per_year
    item_start: int | None = None
    plural: bool = True
    mass: bool = False  # "5,000 tonnes of ammunition": the number is a mass, not a count


# "5,000 construction workers" are Shoigu's military builders when the sentence is about an
# army's deployment ("... and 1,000 sappers"); otherwise labourers, whom the ledger does not count.
_WORKERS = re.compile(
    r"\s*(?:(?:(?:North\s+Korean|Korean|DPRK)\s+)?(?:construction\s+|building\s+)?(?:workers"
    r"|engineers)"
    r"|North\s+Koreans)\b",  # "11,000 North Koreans were deployed to Kursk"
    re.IGNORECASE,
)
_MILITARY_CONTEXT = re.compile(
    r"\b(?:military|troops|soldiers|sappers|deminers|demining|mine[- ]clearance|landmines?|army"
    r"|(?:armed|ukrainian|russian)\s+forces|deploy(?:s|ed|ment)?|front[- ]?lines?|battlefield"
    r"|combat|captur(?:e|ed|ing))\b",
    re.IGNORECASE,
)


def workers_as_troops(text: str, pos: int, start: int, stop: int) -> ItemPhrase | None:
    """ "5,000 construction workers" right after a number counts troops when the sentence
    (`start`-`stop`) speaks of a military deployment; None otherwise."""
    m = _WORKERS.match(text, pos, stop)
    if m is None or not _MILITARY_CONTEXT.search(text, start, stop):
        return None
    return ItemPhrase(
        "troops", None, m.end(), None, m.start() + len(m.group()) - len(m.group().lstrip())
    )


def _item_ahead(text: str, pos: int, stop: int) -> bool:
    """An item word within the next four words (a calibre counts as one), before any stop
    word: the words between are the item's modifiers ("produced 170mm M1989 self-propelled
    howitzers")."""
    i = pos
    for _ in range(4):
        while i < stop and text[i] in " \u00a0":
            i += 1
        if _ITEM_RE.match(text, i):
            return True
        cal = match_caliber(text, i, stop)
        if cal is not None:
            i = cal[0]
            continue
        m = _MODEL.match(text, i) or _TOKEN.match(text, i)
        if not m or m.group().lower() in STOP_WORDS or not m.group()[0].isalnum():
            return False
        i = m.end()
    return False


def _decide(words: list[str], items: list[str]) -> str | None:
    lw = {w.lower() for w in words}
    if not items:
        return None
    head = items[-1]
    if head == "launchers" and "shells" not in items:
        return "launchers"  # "220 multiple rocket launchers": the systems, not rounds of them
    if (head in ("shells", "launchers") or "rockets" in items) and (
        lw & ROCKET_MARKERS and not lw & ARTILLERY_MARKERS
    ):
        return "rockets"
    if "missiles" in items:
        return "missiles"
    if head == "launchers" and "rockets" in items:
        return "rockets"
    return head


def read_item(text: str, pos: int, limit: int | None = None) -> ItemPhrase:
    """Read the noun phrase starting at `pos` (just after a number) up to `limit`.

    Stops at punctuation, a verb or preposition (STOP_WORDS), or after ITEM_WINDOW tokens.
    "rounds of 152 mm shells" reads through "of"; "500,000 of them" finds no item.
    """
    stop = len(text) if limit is None else limit
    i = pos
    words: list[str] = []
    items: list[str] = []
    caliber: str | None = None
    item_end: int | None = None
    item_start: int | None = None
    plural = True
    n_tokens = 0
    through_of = False
    items_before_of = 0
    while i < stop and n_tokens < ITEM_WINDOW:
        while i < stop and text[i] in " \u00a0\t\n":
            i += 1
        if i >= stop:
            break
        cal = match_caliber(text, i, stop)
        if cal is not None:
            i, caliber = cal[0], cal[1] or caliber
            n_tokens += 1
            joined = _AND_NEXT.match(text, i, stop)
            other = match_caliber(text, joined.end(), stop) if joined else None
            if other is not None:
                # "122-mm and 152-mm shells": one figure over two calibres, so none of them
                i, caliber = other[0], caliber if other[1] == caliber else None
                n_tokens += 2
            continue
        # "a 500,000-shell shortage": the item glued to the number by a hyphen
        glued = i == pos and text.startswith("-", i) and _ITEM_GLUED_RE.match(text, i + 1)
        im = glued or _ITEM_RE.match(text, i)
        if (
            im
            and im.group().lower() in _SPEAKER_FORMS
            and _SPEAKERS_AFTER.match(text, im.end(), stop)
        ):
            im = None  # "two intelligence officers said": they speak; they are not counted
            break
        if im and im.end() <= stop:
            form = im.group().lower()
            item = _FORM_TO_ITEM[form]
            # "round" in "round trips" is handled by the longer form; "won" after a word that is
            # not a number scale is a verb, but here we are right after a number.
            items.append(item)
            words.extend(form.split())
            item_end = im.end()
            if item_start is None or through_of:
                item_start = im.start()
            plural = (
                form.endswith("s") or item in CURRENCY_ITEMS or item == "ammunition" or bool(glued)
            )
            i = im.end()
            n_tokens += 1
            continue
        sm = _SIZE_MODIFIER.match(text, i) if not items else None
        if sm and sm.end() <= stop:
            i = sm.end()  # "300 20-foot containers": the containers' size, then the item
            words.append(sm.group())
            n_tokens += 1
            continue
        mm = _MODEL.match(text, i) if not items else None
        if mm and mm.end() <= stop:
            i = mm.end()  # "10 M1989 Koksans", "5 KN-23 missiles": a model's designation
            words.append(mm.group())
            n_tokens += 1
            continue
        init = _INITIAL.match(text, i) if not items else None
        if init and init.end() <= stop:
            i = init.end()  # "6,000 N. Korean casualties": an initial of the next word's name
            n_tokens += 1
            continue
        tm = _TOKEN.match(text, i)
        if not tm:
            break
        tok = tm.group()
        low = tok.lower()
        if (
            tok == "("
            and not items
            and (
                (pm := _PAREN_WORD.match(text, i, stop)) is not None
                # "4,000 DPRK (Democratic People's Republic of Korea) soldiers": an acronym's
                # expansion
                or (
                    _ACRONYM_BEFORE.search(text, pos, i) is not None
                    and (pm := _PAREN_EXPANSION.match(text, i, stop)) is not None
                )
            )
            and _item_ahead(text, pm.end(), stop)
        ):
            i = pm.end()  # "400,000 (artillery) rounds": a word set in brackets
            n_tokens += 1
            continue
        if low in ("and", "or") and not items and words and _item_ahead(text, tm.end(), stop):
            words.append(low)  # "nine million artillery and rocket shells"
            i = tm.end()
            n_tokens += 1
            continue
        if low == "out" and _OF_NEXT.match(text, tm.end()):
            i = tm.end()  # "21 out of the 50 missiles" reads as "21 of the 50 missiles"
            continue
        if n_tokens == 0 and tok in _CLOSING_QUOTES:
            i = tm.end()  # '"several hundred" troops': the quoted figure, then its item
            continue
        if low == "more" and not items and not _THAN_NEXT.match(text, tm.end()):
            # "5,000 more containers", "hundreds of more containers" (not "5,000 more than")
            i = tm.end()
            n_tokens += 1
            continue
        if low == "of":
            head = items[-1] if items else None
            if head is None or (
                head in ("shells", "tonnes")
                and words
                and words[-1]
                in (
                    "rounds",
                    "round",
                    "tonnes",
                    "tons",
                    "tonne",
                    "ton",
                    "ammunition",
                )
            ):
                # "rounds of 152 mm shells", "330,000 of the promised one million shells".
                through_of = True
                items_before_of = len(items)
                i = tm.end()
                n_tokens += 1
                continue
            after_of = _OF_NEXT.match(text, i)
            cal = match_caliber(text, after_of.end(), stop) if after_of else None
            if cal is not None and cal[1]:
                # "200,000 artillery shells of 122 mm caliber": the calibre, after the item
                caliber = cal[1]
                item_end = _CALIBRE_WORD.match(text, cal[0], stop).end()  # type: ignore[union-attr]
            break
        if not tok[0].isalnum():
            if tok in ("-", "–") and items:
                break
            if tok not in ("-",):
                break
        if low in STOP_WORDS and not (
            through_of and low in ("the", "them", "those", "these", "its", "their")
        ):
            break
        if low == "them":
            break
        if tok[0].isdigit():
            if not through_of:
                break
        elif (
            tok[0].islower()
            and low.endswith("ed")
            and low not in ED_MODIFIERS
            and not through_of
            and not _item_ahead(text, tm.end(), stop)
        ):
            break  # "5,000 killed": a verb; but "50 domestically produced howitzers" goes on
        elif (
            tok[0].islower()
            and low.endswith("ing")
            and len(low) > 5
            and not (not items and _ITEM_RE.match(text, tm.end() + 1))
        ):
            # "factories producing ammunition": a participle ends the noun phrase; but "40,000
            # working shells", "the remaining shells": an adjective right before the item
            break
        elif _other_head_noun(low) and not _ITEM_RE.match(text, tm.end() + 1):
            # "hundreds of factories": the phrase's head is a noun the ledger does not count;
            # so is it in "hundreds of munitions factories", where the item word is a modifier.
            if items and not text[item_end or pos : tm.start()].strip():
                items.clear()
                item_start = item_end = None
            break
        of = _OF_NEXT.match(text, tm.end())
        if low in _FORMATIONS and of and read_item(text, of.end(), stop).item == "troops":
            break  # "two units of military personnel": formations, not a count of troops
        if low in CLASSIFIERS and _OF_NEXT.match(text, tm.end()):
            # "1.5 million pieces of artillery ammunition": the count is of what follows "of".
            through_of = True
            items_before_of = len(items)
            i = _OF_NEXT.match(text, tm.end()).end()  # type: ignore[union-attr]
            n_tokens += 2
            continue
        if items and (not through_of or len(items) > items_before_of):
            # A word after the item: a compound ("rocket launcher rounds") continues only with
            # another item word, which the item matcher above would have taken.
            break
        words.append(tok)
        i = tm.end()
        n_tokens += 1
    decided = _decide(words, items)
    end = item_end if item_end is not None else pos
    rate = None
    rm = _RATE.match(text, end, stop)
    if rm:
        rate = RATE_UNITS[(rm.group("u") or rm.group("adv")).lower()]
        end = rm.end()
    return ItemPhrase(
        decided, caliber, end, rate, item_start, plural, bool(items) and items[0] in MASS_ITEMS
    )
