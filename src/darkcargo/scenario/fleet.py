"""Vessel identities: MMSI with the right MID per flag, valid IMO numbers, call signs, names.

Names are made up from word lists in the style of each flag's fleet; any resemblance to a real
ship outside the case's four carriers is chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Maritime Identification Digits (ITU) per flag used here.
MID: dict[str, tuple[int, ...]] = {
    "RU": (273,),
    "KR": (440, 441),
    "JP": (431, 432),
    "PA": (351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373),
    "LR": (636,),
    "MH": (538,),
    "HK": (477,),
    "CN": (412, 413, 414),
    "SL": (667,),
    "TG": (671,),
    "MN": (457,),
    "KP": (445,),
}
CALLSIGN_PREFIX: dict[str, tuple[str, ...]] = {
    "RU": ("UB", "UC", "UD", "UG"),
    "KR": ("D7", "DS", "D8"),
    "JP": ("JD", "JL", "7J"),
    "PA": ("3E", "3F", "H3", "HO"),
    "LR": ("A8", "D5", "5L"),
    "MH": ("V7",),
    "HK": ("VR", "VR"),
    "CN": ("BO", "BI"),
    "SL": ("9L",),
    "TG": ("5V",),
    "MN": ("JV",),
    "KP": ("HM",),
}

# AIS ship type codes (ITU-R M.1371 table 53).
SHIP_TYPE = {
    "fishing": 30,
    "feeder": 71,
    "covert": 70,
    "bulk": 70,
    "tanker": 80,
    "ferry": 60,
    "transit": 79,
}

_WORDS = {
    "RU": [
        "ZARYA",
        "VOSTOK",
        "KAPITAN BELOV",
        "AMUR",
        "PRIMORYE",
        "SADKO",
        "NADEZHDA",
        "URAL",
        "ALMAZ",
        "SVETLAYA",
        "BRIZ",
        "OKEAN",
        "SOKOL",
        "ZOLOTOY ROG",
        "SEVER",
    ],
    "KR": [
        "DAE SUNG",
        "HAE WANG",
        "SAM HO",
        "DONG HAE",
        "HAN BIT",
        "KUM YANG",
        "NAM SEONG",
        "SEO JIN",
        "JIN YANG",
        "SUN MYUNG",
        "DAE YANG",
        "GEUM HO",
    ],
    "JP": [
        "SHINSEI",
        "KAIYO",
        "TOKU",
        "HOKUYO",
        "EIKO",
        "KOHO",
        "SEIWA",
        "MYOJIN",
        "FUKU",
        "TAISEI",
        "SHOFUKU",
        "KINSEI",
    ],
    "INTL": [
        "PACIFIC",
        "ORIENT",
        "GOLDEN",
        "STAR",
        "OCEAN",
        "EASTERN",
        "GRAND",
        "SILVER",
        "NORTHERN",
        "JADE",
        "CORAL",
        "EVER",
    ],
    "INTL2": [
        "PIONEER",
        "HARMONY",
        "GLORY",
        "TRADER",
        "SPIRIT",
        "VENTURE",
        "LINK",
        "BRIDGE",
        "CROWN",
        "HORIZON",
        "FORTUNE",
        "DAWN",
    ],
}


def imo_check_digit(first6: int) -> int:
    """IMO check digit: digits 1-6 times weights 7..2, sum mod 10 (REFERENCE.md section 5)."""
    digits = [int(c) for c in f"{first6:06d}"]
    return sum(d * w for d, w in zip(digits, (7, 6, 5, 4, 3, 2), strict=True)) % 10


def imo_is_valid(imo: int) -> bool:
    return 1_000_000 <= imo <= 9_999_999 and imo_check_digit(imo // 10) == imo % 10


@dataclass(frozen=True)
class Identity:
    """What a vessel broadcasts (and is registered as) from ``valid_from`` on."""

    mmsi: int
    imo: int | None
    name: str
    callsign: str
    flag: str
    ship_type: int
    valid_from: int  # unix seconds


@dataclass
class Vessel:
    vid: int
    role: str
    ais_class: str  # "A" or "B"
    length_m: float
    beam_m: float
    draught_m: float
    cruise_kn: float
    home: str
    identities: list[Identity] = field(default_factory=list)
    tag: str = ""  # planted role: "identity_change", "shared_mmsi", ...

    def identity_at(self, ts: int) -> Identity:
        cur = self.identities[0]
        for ident in self.identities:
            if ident.valid_from <= ts:
                cur = ident
        return cur


class IdentityFactory:
    """Unique MMSIs, IMOs and call signs drawn from one random generator."""

    def __init__(self, rng: np.random.Generator, reserved_mmsi: set[int] | None = None) -> None:
        self.rng = rng
        self.mmsis: set[int] = set(reserved_mmsi or ())
        self.imos: set[int] = set()
        self.callsigns: set[str] = set()
        self.names: set[str] = set()

    def mmsi(self, flag: str, prefix: int | None = None) -> int:
        while True:
            if prefix is not None:  # e.g. 2731 -> 2731xxxxx
                digits = 9 - len(str(prefix))
                m = prefix * 10**digits + int(self.rng.integers(0, 10**digits))
            else:
                mid = int(self.rng.choice(MID[flag]))
                m = mid * 1_000_000 + int(self.rng.integers(0, 1_000_000))
            if m not in self.mmsis:
                self.mmsis.add(m)
                return m

    def imo(self) -> int:
        while True:
            first6 = int(self.rng.integers(790_000, 990_000))
            imo = first6 * 10 + imo_check_digit(first6)
            if imo not in self.imos:
                self.imos.add(imo)
                return imo

    def callsign(self, flag: str) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        while True:
            pre = str(self.rng.choice(CALLSIGN_PREFIX[flag]))
            tail = "".join(self.rng.choice(list(alphabet), size=int(self.rng.integers(2, 4))))
            cs = pre + tail
            if cs not in self.callsigns:
                self.callsigns.add(cs)
                return cs

    def name(self, flag: str, role: str) -> str:
        rng = self.rng
        for _ in range(1000):
            if role == "fishing" and flag == "KR":
                n = f"{rng.choice(_WORDS['KR'])} {int(rng.integers(1, 120))}HO"
            elif role == "fishing" and flag == "JP":
                n = f"{rng.choice(_WORDS['JP'])} MARU NO.{int(rng.integers(1, 90))}"
            elif flag == "RU":
                n = str(rng.choice(_WORDS["RU"]))
                if rng.random() < 0.5:
                    n = f"{n}-{int(rng.integers(1, 40))}"
            else:
                n = f"{rng.choice(_WORDS['INTL'])} {rng.choice(_WORDS['INTL2'])}"
                if rng.random() < 0.3:
                    n = f"{n} {int(rng.integers(1, 9))}"
            n = n[:20]
            if n not in self.names:
                self.names.add(n)
                return n
        raise RuntimeError("name space exhausted")
