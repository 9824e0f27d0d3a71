"""Identity changes from static reports: name, IMO, call sign, ship type per MMSI, and one IMO
seen under several MMSIs (a new MMSI, and a new flag when the MMSI's country digits differ).

A value counts once it has been reported `min_repeats` times in a row (blank values are skipped),
so one garbled message does not make a change. Input: columns sorted by (mmsi, ts).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np

from darkcargo.events.kernels.common import I64, EventColumns, evidence_json
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
    """`identity_change` events, details {field, old, new} (plus mmsi/flag changes per IMO)."""
    events = EventColumns()
    n = mmsi.shape[0]
    if n == 0:
        return events
    for fld in params.fields:
        if fld not in columns:
            continue
        norm = NORMALISE.get(fld, _norm_text)
        values = [norm(v) for v in columns[fld]]
        runs = _committed_runs(mmsi, values, params.min_repeats)
        for prev, cur in itertools.pairwise(runs):
            if prev[0] != cur[0] or prev[3] == cur[3]:
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
    # one IMO under several MMSIs, in time order of first use
    if "imo" in columns:
        imos = np.array([_norm_int(v) or 0 for v in columns["imo"]], dtype=np.int64)
        has = imos > 0
        if has.any():
            idx = np.flatnonzero(has)
            order = idx[np.lexsort((ts[idx], imos[idx]))]
            k = 0
            while k < order.size:
                imo = imos[order[k]]
                e = k
                while e < order.size and imos[order[e]] == imo:
                    e += 1
                rows = order[k:e]
                prev_m, prev_i = int(mmsi[rows[0]]), int(rows[0])
                for r in rows[1:].tolist():
                    m = int(mmsi[r])
                    if m != prev_m:
                        ev = evidence_json(source_id[[prev_i, r]], row_id[[prev_i, r]])
                        base = {"imo": int(imo), "old_mmsi": prev_m, "new_mmsi": m}
                        events.add(
                            "identity_change",
                            m,
                            ts[prev_i],
                            ts[r],
                            other_mmsi=prev_m,
                            evidence=ev,
                            details={"field": "mmsi", "old": prev_m, "new": m, **base},
                            confidence=1.0,
                        )
                        if mid(prev_m) != mid(m):
                            events.add(
                                "identity_change",
                                m,
                                ts[prev_i],
                                ts[r],
                                other_mmsi=prev_m,
                                evidence=ev,
                                details={
                                    "field": "flag",
                                    "old": mid(prev_m),
                                    "new": mid(m),
                                    **base,
                                },
                                confidence=1.0,
                            )
                    prev_m, prev_i = m, r
                k = e
    return events
