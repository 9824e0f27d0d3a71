"""Identity changes from static reports: name, IMO, call sign, ship type per MMSI, and one IMO
seen under several MMSIs (a reflag or re-registration).

A value counts once it has been reported `min_repeats` times in a row (blank values are skipped),
so one garbled message does not make a change. A change is a value *replacing* another: when the
old value comes back within `revert_hours` of the new one's first report, the MMSI is carrying
two identities at once (two transmitters sharing it), which is not a change (see `shared_mmsi`).

When an IMO moves to another MMSI, the event is recorded under the MMSI the vessel left, with
`other_mmsi` the one it moved to, once per changed attribute: `flag` (the MMSI's country digits),
`callsign`, `name`, `ship_type`; a move that changes none of them is recorded as field `mmsi`.
Input: columns sorted by (mmsi, ts).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import numpy as np

from darkcargo.events.kernels.common import I64, US_PER_HOUR, EventColumns, evidence_json
from darkcargo.events.params import IdentityParams

_SPACES = re.compile(r"\s+")


def mid(mmsi: int) -> int:
    """Maritime Identification Digits (the flag's country code) of a ship MMSI."""
    s = f"{int(mmsi):09d}"
    return int(s[:3])


def _norm_text(v: Any) -> str | None:
    if v is None:
        return None
    s = _SPACES.sub(" ", str(v).replace("@", " ")).strip().upper()
    return s or None


def _norm_int(v: Any) -> int | None:
    if v is None:
        return None
    try:
        i = int(v)
    except (TypeError, ValueError):
        return None
    return i if i > 0 else None


NORMALISE = {"name": _norm_text, "callsign": _norm_text, "imo": _norm_int, "ship_type": _norm_int}


def _committed_runs(
    mmsi: I64, values: list[Any], min_repeats: int
) -> list[tuple[int, int, int, Any]]:
    """(mmsi, first row, last row, value) for runs of equal non-blank values long enough."""
    runs: list[tuple[int, int, int, Any]] = []
    n = len(values)
    i = 0
    while i < n:
        v = values[i]
        if v is None:
            i += 1
            continue
        j = i
        k = i + 1
        count = 1
        while k < n and mmsi[k] == mmsi[i] and (values[k] is None or values[k] == v):
            if values[k] is not None:
                j = k
                count += 1
            k += 1
        if count >= min_repeats:
            runs.append((int(mmsi[i]), i, j, v))
        i = k
    return runs


def detect_identity_changes(
    mmsi: I64,
    ts: I64,
    columns: dict[str, list[Any]],
    source_id: I64,
    row_id: I64,
    params: IdentityParams,
) -> EventColumns:
    """`identity_change` events, details {field, old, new} (plus imo, old/new MMSI for moves):
    `field_changes` of each MMSI, then `imo_moves` across MMSIs."""
    events = EventColumns()
    if mmsi.shape[0] == 0:
        return events
    normalised = _normalised(columns, params)
    _field_changes(mmsi, ts, normalised, source_id, row_id, params, events)
    if "imo" in columns:
        _imo_moves(mmsi, ts, columns["imo"], normalised, source_id, row_id, events)
    return events


def _normalised(columns: dict[str, list[Any]], params: IdentityParams) -> dict[str, list[Any]]:
    """The compared fields' values, normalised (blank -> None)."""
    return {
        fld: [NORMALISE.get(fld, _norm_text)(v) for v in columns[fld]]
        for fld in params.fields
        if fld in columns
    }


def field_changes(
    mmsi: I64,
    ts: I64,
    columns: dict[str, list[Any]],
    source_id: I64,
    row_id: I64,
    params: IdentityParams,
) -> EventColumns:
    """A committed value of a field replaced by another under the same MMSI. Each MMSI on its
    own: rows of different MMSIs never meet (an engine may hand them over one MMSI at a time)."""
    events = EventColumns()
    if mmsi.shape[0] == 0:
        return events
    _field_changes(mmsi, ts, _normalised(columns, params), source_id, row_id, params, events)
    return events


def _field_changes(
    mmsi: I64,
    ts: I64,
    normalised: dict[str, list[Any]],
    source_id: I64,
    row_id: I64,
    params: IdentityParams,
    events: EventColumns,
) -> None:
    revert_us = params.revert_hours * US_PER_HOUR
    for fld, values in normalised.items():
        runs = _committed_runs(mmsi, values, params.min_repeats)
        for k in range(1, len(runs)):
            prev, cur = runs[k - 1], runs[k]
            if prev[0] != cur[0] or prev[3] == cur[3]:
                continue
            if not _replaces(runs, k, ts, revert_us):
                continue
            i, j = prev[2], cur[1]
            events.add(
                "identity_change",
                cur[0],
                ts[i],
                ts[j],
                evidence=evidence_json(source_id[[i, j]], row_id[[i, j]]),
                details={"field": fld, "old": prev[3], "new": cur[3]},
                confidence=1.0,
            )


def imo_moves(
    mmsi: I64,
    ts: I64,
    columns: dict[str, list[Any]],
    source_id: I64,
    row_id: I64,
    params: IdentityParams,
    imos: Collection[int] | None = None,
) -> EventColumns:
    """One IMO under several MMSIs, in time order of use: the attributes that changed.

    Needs every row of each MMSI that reported the IMO (sorted by mmsi, ts); `imos` limits the
    moves to those IMOs (an engine may hand over one IMO and its MMSIs at a time)."""
    events = EventColumns()
    if mmsi.shape[0] == 0 or "imo" not in columns:
        return events
    _imo_moves(
        mmsi, ts, columns["imo"], _normalised(columns, params), source_id, row_id, events, imos
    )
    return events


def _replaces(runs: list[tuple[int, int, int, Any]], k: int, ts: I64, revert_us: float) -> bool:
    """Whether run k's value replaces run k-1's: new for this MMSI, and the old value does not
    come back within `revert_us` of the new one's first report."""
    m, first, _, value = runs[k]
    old = runs[k - 1][3]
    for q in range(k - 1, -1, -1):
        if runs[q][0] != m:
            break
        if runs[q][3] == value:
            return False  # a value seen before: flipping between identities
    for q in range(k + 1, len(runs)):
        if runs[q][0] != m or ts[runs[q][1]] - ts[first] > revert_us:
            break
        if runs[q][3] == old:
            return False
    return True


def _imo_moves(
    mmsi: I64,
    ts: I64,
    imo_col: list[Any],
    normalised: dict[str, list[Any]],
    source_id: I64,
    row_id: I64,
    events: EventColumns,
    only: Collection[int] | None = None,
) -> None:
    imos = np.array([_norm_int(v) or 0 for v in imo_col], dtype=np.int64)
    keep = imos > 0
    if only is not None:
        keep &= np.isin(imos, np.fromiter(only, np.int64))
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return
    order = idx[np.lexsort((ts[idx], imos[idx]))]
    starts = np.flatnonzero(np.diff(imos[order], prepend=-1) != 0)
    for rows in np.split(order, starts[1:]):
        imo = int(imos[rows[0]])
        prev_m, prev_i = int(mmsi[rows[0]]), int(rows[0])
        for r in rows[1:].tolist():
            m = int(mmsi[r])
            if m == prev_m:
                prev_i = r
                continue
            changed: list[tuple[str, Any, Any]] = []
            if mid(prev_m) != mid(m):
                changed.append(("flag", mid(prev_m), mid(m)))
            for fld in ("callsign", "name", "ship_type"):
                if fld not in normalised:
                    continue
                old = _last_value(mmsi, normalised[fld], prev_i)
                new = _first_value(mmsi, normalised[fld], r)
                if old is not None and new is not None and old != new:
                    changed.append((fld, old, new))
            if not changed:
                changed.append(("mmsi", prev_m, m))
            ev = evidence_json(source_id[[prev_i, r]], row_id[[prev_i, r]])
            for fld, old, new in changed:
                events.add(
                    "identity_change",
                    prev_m,
                    ts[prev_i],
                    ts[r],
                    other_mmsi=m,
                    evidence=ev,
                    details={
                        "field": fld,
                        "old": old,
                        "new": new,
                        "imo": imo,
                        "old_mmsi": prev_m,
                        "new_mmsi": m,
                    },
                    confidence=1.0,
                )
            prev_m, prev_i = m, r


def _last_value(mmsi: I64, values: list[Any], i: int) -> Any:
    """Last non-blank value of this MMSI at or before row i (rows sorted by mmsi, ts)."""
    m = mmsi[i]
    while i >= 0 and mmsi[i] == m:
        if values[i] is not None:
            return values[i]
        i -= 1
    return None


def _first_value(mmsi: I64, values: list[Any], i: int) -> Any:
    """First non-blank value of this MMSI at or after row i."""
    m = mmsi[i]
    n = len(values)
    while i < n and mmsi[i] == m:
        if values[i] is not None:
            return values[i]
        i += 1
    return None
