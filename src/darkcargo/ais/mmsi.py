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

The functions are pure and vectorised: arrays of MMSIs and of message-type bit masks in (bit t
set when message type t was seen), class and reason codes out.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

SHIP = "ship"
CLASSES: tuple[str, ...] = (
    SHIP,
    "sar_aircraft",
    "base_station",
    "aid_to_navigation",
    "auxiliary_craft",  # craft associated with a parent ship (98MID...)
    "sart_mob_epirb",
    "handheld",
    "invalid",
)
(_SHIP, _SAR, _BASE, _ATON, _AUX, _SART, _HANDHELD, _INVALID) = range(len(CLASSES))

MID_BLOCKS: tuple[tuple[int, int], ...] = (
    (201, 279),
    (301, 379),
    (401, 477),
    (501, 578),
    (601, 679),
    (701, 775),
)
_BLOCKS = "201-279, 301-379, 401-477, 501-578, 601-679, 701-775"

# Why each MMSI got its class: one text per rule (index = rule code).
REASONS: tuple[str, ...] = (
    "ship station: first digit 2-7 and an allocated MID",
    "coast (base) station: 00 + MID",
    "SAR aircraft: 111 + MID",
    "craft associated with a parent ship: 98 + MID",
    "aid to navigation: 99 + MID",
    "AIS-SART, MOB or EPIRB-AIS: 970/972/974",
    "handheld VHF with DSC and GNSS: 8 + MID",
    f"MID outside the allocated blocks ({_BLOCKS})",
    "group call identity (0 + MID), never a single station",
    "no ITU-R M.585 format starts with these digits",
    "more than nine digits, or negative",
    "sends type 21 (aid-to-navigation report)",
    "sends type 4 (base station report)",
    "sends type 9 (SAR aircraft position report)",
)
(
    R_SHIP,
    R_COAST,
    R_SAR,
    R_AUX,
    R_ATON,
    R_SART,
    R_HANDHELD,
    R_BAD_MID,
    R_GROUP,
    R_PREFIX,
    R_LENGTH,
    R_TYPE21,
    R_TYPE4,
    R_TYPE9,
) = range(len(REASONS))

# Message types that name the kind of transmitter, strongest first: (type, class, rule).
TYPE_EVIDENCE: tuple[tuple[int, int, int], ...] = (
    (21, _ATON, R_TYPE21),
    (4, _BASE, R_TYPE4),
    (9, _SAR, R_TYPE9),
)


def mid_allocated(mid: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """True where a three-digit MID lies in one of ITU's regional blocks."""
    ok = np.zeros(mid.shape, dtype=bool)
    for lo, hi in MID_BLOCKS:
        ok |= (mid >= lo) & (mid <= hi)
    return ok


def classify(
    mmsi: npt.ArrayLike, type_mask: npt.ArrayLike | None = None
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """Class code (index into CLASSES) and rule code (index into REASONS) per MMSI.

    `type_mask` holds, per MMSI, bit t set when message type t was seen (0 or None: none known).
    """
    m = np.asarray(mmsi, dtype=np.int64)
    mask = np.zeros(m.shape, np.int64) if type_mask is None else np.asarray(type_mask, np.int64)
    d1, d2, d3 = m // 10**8, m // 10**7, m // 10**6  # the first one, two and three of nine digits
    mid5, mid4, mid3 = (m // 10**5) % 1000, (m // 10**4) % 1000, (m // 10**3) % 1000
    # (digits match, class, rule, MID to check or None), first match wins
    rules: list[tuple[npt.NDArray[np.bool_], int, int, npt.NDArray[np.int64] | None]] = [
        ((m < 0) | (m > 999_999_999), _INVALID, R_LENGTH, None),
        (d2 == 0, _BASE, R_COAST, mid4),  # 00MIDxxxx
        (d1 == 0, _INVALID, R_GROUP, None),  # 0MIDxxxxx
        (d3 == 111, _SAR, R_SAR, mid3),  # 111MIDxxx
        (d1 == 1, _INVALID, R_PREFIX, None),
        ((d1 >= 2) & (d1 <= 7), _SHIP, R_SHIP, d3),  # MIDxxxxxx
        (d1 == 8, _HANDHELD, R_HANDHELD, mid5),  # 8MIDxxxxx
        (d2 == 98, _AUX, R_AUX, mid4),  # 98MIDxxxx
        (d2 == 99, _ATON, R_ATON, mid4),  # 99MIDxxxx
        ((d3 == 970) | (d3 == 972) | (d3 == 974), _SART, R_SART, None),
    ]
    cls = np.full(m.shape, _INVALID, np.int8)
    why = np.full(m.shape, R_PREFIX, np.int8)
    decided = np.zeros(m.shape, dtype=bool)
    for hit, klass, rule, mid in rules:
        sel = hit & ~decided
        if mid is None:
            cls[sel], why[sel] = klass, rule
        else:
            good = mid_allocated(mid)
            cls[sel & good], why[sel & good] = klass, rule
            cls[sel & ~good], why[sel & ~good] = _INVALID, R_BAD_MID
        decided |= hit
    typed = np.zeros(m.shape, dtype=bool)
    for msg_type, klass, rule in TYPE_EVIDENCE:
        sel = ((mask >> msg_type) & 1).astype(bool) & ~typed
        cls[sel], why[sel] = klass, rule
        typed |= sel
    return cls, why


def mmsi_class(mmsi: int, msg_types: Iterable[int] = ()) -> tuple[str, str]:
    """Class name and reason for one MMSI and the message types seen from it."""
    mask = 0
    for t in msg_types:
        mask |= 1 << int(t)
    cls, why = classify(np.array([mmsi]), np.array([mask]))
    return CLASSES[int(cls[0])], REASONS[int(why[0])]
