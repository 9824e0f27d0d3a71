"""What kind of station an MMSI belongs to (ITU-R M.585), from its digits and the messages it sends.

An MMSI is read as nine digits (leading zeros included; more than nine is invalid):

    MIDxxxxxx   first digit 2-7: ship station          00MIDxxxx  coast (base) station
    111MIDxxx   SAR aircraft                           98MIDxxxx  craft associated with a parent ship
    99MIDxxxx   aid to navigation                      970/972/974xxxxxx  AIS-SART, MOB, EPIRB-AIS
    8MIDxxxxx   handheld VHF with DSC and GNSS         0MIDxxxxx  group call (never a station)

A Maritime Identification Digits (MID) value must lie in one of the blocks ITU allocates per
region (201-279 Europe, 301-379 North America, 401-477 Asia, 501-578 Oceania, 601-679 Africa,
701-775 South America); anything else is `invalid`. Message types override the digits where they
name the kind of transmitter: type 21 is sent only by aids to navigation, type 4 only by base
stations, type 9 only by SAR aircraft (many real AtoNs and base stations carry MMSIs of another
format). Type 11 is the reply of a *mobile* station to an interrogation (ITU-R M.1371), so it
says nothing about the kind. Vessel events run for `ship` unless asked for more.

The rules are data (`DIGIT_RULES`, `TYPE_RULES`), applied by `classify` to NumPy arrays (the
ingest stage classifies the MMSIs each file brings, the Spark engine those of a dataset).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy is imported when classifying, not by commands that list the classes
    import numpy as np
    import numpy.typing as npt

CLASSES: tuple[str, ...] = (
    "ship",
    "sar_aircraft",
    "base_station",
    "aid_to_navigation",
    "auxiliary_craft",  # craft associated with a parent ship (98MID...)
    "sart_mob_epirb",
    "handheld",
    "invalid",
)
INVALID = CLASSES.index("invalid")
MID_BLOCKS: tuple[tuple[int, int], ...] = (
    (201, 279),
    (301, 379),
    (401, 477),
    (501, 578),
    (601, 679),
    (701, 775),
)
BAD_MID = "MID outside the allocated blocks (201-279, 301-379, 401-477, 501-578, 601-679, 701-775)"

# Digits, as ranges of the MMSI's value, first match wins: (from, below, class, reason, the
# divisor that brings the MID to the last three digits, or 0 when the form has no MID).
DIGIT_RULES: tuple[tuple[int, int, str, str, int], ...] = (
    (0, 10_000_000, "base_station", "coast (base) station: 00 + MID", 10**4),
    (0, 100_000_000, "invalid", "group call identity (0 + MID), never a single station", 0),
    (111_000_000, 112_000_000, "sar_aircraft", "SAR aircraft: 111 + MID", 10**3),
    (200_000_000, 800_000_000, "ship", "ship station: first digit 2-7 and an allocated MID", 10**6),
    (800_000_000, 900_000_000, "handheld", "handheld VHF with DSC and GNSS: 8 + MID", 10**5),
    (970_000_000, 971_000_000, "sart_mob_epirb", "AIS-SART: 970", 0),
    (972_000_000, 973_000_000, "sart_mob_epirb", "man overboard (MOB): 972", 0),
    (974_000_000, 975_000_000, "sart_mob_epirb", "EPIRB-AIS: 974", 0),
    (
        980_000_000,
        990_000_000,
        "auxiliary_craft",
        "craft associated with a parent ship: 98 + MID",
        10**4,
    ),
    (990_000_000, 1_000_000_000, "aid_to_navigation", "aid to navigation: 99 + MID", 10**4),
)
NO_FORM = "no ITU-R M.585 form starts with these digits"
TOO_LONG = "more than nine digits, or negative"
# Message types that name the kind of transmitter, strongest first: (type, class, reason).
TYPE_RULES: tuple[tuple[int, str, str], ...] = (
    (21, "aid_to_navigation", "sends type 21 (aid-to-navigation report)"),
    (4, "base_station", "sends type 4 (base station report)"),
    (9, "sar_aircraft", "sends type 9 (SAR aircraft position report)"),
)


# Every reason a class is given for, so that a class and its reason travel as two small codes.
REASONS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [NO_FORM, TOO_LONG, BAD_MID, *(r[3] for r in DIGIT_RULES), *(r[2] for r in TYPE_RULES)]
    )
)


def classify(
    mmsi: npt.ArrayLike, type_mask: npt.ArrayLike | None = None
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Class and reason per MMSI; `type_mask` has bit t set where message type t was seen."""
    import numpy as np

    cls, why = classify_codes(mmsi, type_mask)
    return np.asarray(CLASSES, dtype=object)[cls], np.asarray(REASONS, dtype=object)[why]


def classify_codes(
    mmsi: npt.ArrayLike, type_mask: npt.ArrayLike | None = None
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """`classify` as indices into CLASSES and REASONS."""
    import numpy as np

    m = np.asarray(mmsi, dtype=np.int64)
    mask = np.zeros(m.shape, np.int64) if type_mask is None else np.asarray(type_mask, np.int64)
    cls = np.full(m.shape, INVALID, dtype=np.int8)
    why = np.full(m.shape, REASONS.index(NO_FORM), dtype=np.int8)
    done = (m < 0) | (m > 999_999_999)
    why[done] = REASONS.index(TOO_LONG)
    for lo, hi, klass, reason, div in DIGIT_RULES:
        hit = (m >= lo) & (m < hi) & ~done
        good = hit & _mid_ok((m // max(div, 1)) % 1000) if div else hit
        cls[good], why[good] = CLASSES.index(klass), REASONS.index(reason)
        why[hit & ~good] = REASONS.index(BAD_MID)
        done |= hit
    typed = np.zeros(m.shape, dtype=bool)
    for msg_type, klass, reason in TYPE_RULES:
        hit = ((mask >> msg_type) & 1).astype(bool) & ~typed
        cls[hit], why[hit] = CLASSES.index(klass), REASONS.index(reason)
        typed |= hit
    return cls, why


def _mid_ok(mid: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    import numpy as np

    ok = np.zeros(mid.shape, dtype=bool)
    for lo, hi in MID_BLOCKS:
        ok |= (mid >= lo) & (mid <= hi)
    return ok


def mid_of(mmsi: int) -> int | None:
    """The Maritime Identification Digits inside an MMSI, where its form (DIGIT_RULES) has them
    in place; None for AIS-SART, MOB and EPIRB devices, group calls and numbers of no form."""
    if not 0 <= mmsi <= 999_999_999:
        return None
    for lo, hi, _, _, div in DIGIT_RULES:
        if lo <= mmsi < hi:
            return (mmsi // div) % 1000 if div else None
    return None


def mmsi_class(mmsi: int, msg_types: Iterable[int] = ()) -> tuple[str, str]:
    """Class name and reason for one MMSI and the message types seen from it."""
    mask = 0
    for t in msg_types:
        mask |= 1 << int(t)
    cls, why = classify([mmsi], [mask])
    return str(cls[0]), str(why[0])
