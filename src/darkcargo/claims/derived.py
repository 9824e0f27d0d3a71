"""Estimates the grading derives from the `estimates` table for claims that name no calibre
or count voyages (issue 14 item 7).

- Shells (or rockets) without a calibre: the per-calibre estimates of one method and period
  combined. When they count the same boxes (one containers estimate in their inputs: "every
  munition-carrying box holds one munition only") they are alternatives, and a mix of
  calibres lies between them: the interval runs from the lowest p05 to the highest p95. When
  they count different boxes they add up: p05, p50 and p95 are summed (wider than the sum's
  own interval, so never falsely "above"). The reason says which.
- Voyages (trips, shipments, sailings): the trips the containers estimate counted, read from
  its inputs (observed trips and trips inferred from dark gaps, per vessel). A claim that
  names vessels of the case is graded against their trips only. The interval runs from the
  observed trips (inferred ones all false) to all trips.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

VOYAGE_METHODS = frozenset({"shipments_x_load", "shipments_x_per_trip"})
SHIPMENTS_COUNT = "shipments_count"


def _inputs(est: Mapping[str, Any]) -> dict[str, Any]:
    raw = est.get("inputs")
    if isinstance(raw, dict):
        return raw
    try:
        out = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def any_calibre(item: str, estimates: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One estimate of `item` of any calibre per (method, period), from the per-calibre ones."""
    groups: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
    for e in estimates:
        q = str(e.get("quantity") or "")
        if e.get("item") != item or not e.get("caliber") or q.endswith("_per_container"):
            continue
        if e.get("p05") is None or e.get("p95") is None or e.get("p50") is None:
            continue
        key = (
            e.get("method"),
            e.get("period_start"),
            e.get("period_end"),
            e.get("period_requested"),
        )
        groups.setdefault(key, []).append(e)
    out = []
    for (method, start, end, requested), ests in groups.items():
        ests = sorted(ests, key=lambda e: str(e.get("caliber")))
        cals = [str(e.get("caliber")) for e in ests]
        boxes = {_inputs(e).get("containers_estimate") for e in ests}
        alternatives = len(ests) > 1 and len(boxes) == 1 and None not in boxes
        if alternatives:
            p05 = min(float(e["p05"]) for e in ests)
            p95 = max(float(e["p95"]) for e in ests)
            p50 = math.exp(sum(math.log(max(float(e["p50"]), 1e-9)) for e in ests) / len(ests))
            how = (
                f"{item} of any calibre: the {' and '.join(cals)} estimates count the same "
                f"boxes as alternatives, so a mix of calibres lies between them (lowest p05 to "
                f"highest p95; median the geometric mean of theirs)"
            )
        elif len(ests) == 1:
            p05, p50, p95 = (float(ests[0][k]) for k in ("p05", "p50", "p95"))
            how = f"{item} of any calibre: this method estimates {cals[0]} only"
        else:
            p05 = sum(float(e["p05"]) for e in ests)
            p50 = sum(float(e["p50"]) for e in ests)
            p95 = sum(float(e["p95"]) for e in ests)
            how = f"{item} of any calibre: the sum over calibres ({' + '.join(cals)})"
        out.append(
            {
                "estimate_id": ests[0].get("estimate_id"),
                "quantity": item,
                "item": item,
                "caliber": None,
                "method": method,
                "period_start": start,
                "period_end": end,
                "period_requested": requested,
                "p05": p05,
                "p50": p50,
                "p95": p95,
                "derived": how,
            }
        )
    return out


def voyage_counts(quote: str, estimates: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Trip counts, one per containers estimate built from shipments, for the vessels the
    quote names (all the case's vessels when it names none)."""
    out = []
    for e in estimates:
        if e.get("quantity") != "containers" or e.get("method") not in VOYAGE_METHODS:
            continue
        inp = _inputs(e)
        observed: dict[str, int] = dict(inp.get("observed_trips") or {})
        inferred: dict[str, int] = dict(inp.get("inferred_trips") or {})
        known = list(inp.get("known_count_shipments") or [])
        vessels = sorted(set(observed) | set(inferred) | set(inp.get("vessels") or []))
        named = [
            v for v in vessels if re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", quote, re.I)
        ]
        scope = named or vessels
        k_obs = sum(observed.get(v, 0) for v in scope)
        k_inf = sum(inferred.get(v, 0) for v in scope)
        if not named:
            k_obs += len(known)  # trips with a known load count are observed trips too
        total = k_obs + k_inf
        who = ", ".join(named) if named else f"the case's watched vessels ({len(vessels)})"
        out.append(
            {
                "estimate_id": e.get("estimate_id"),
                "quantity": "voyages",
                "item": "voyages",
                "caliber": None,
                "method": SHIPMENTS_COUNT,
                "period_start": e.get("period_start"),
                "period_end": e.get("period_end"),
                "period_requested": e.get("period_requested"),
                "p05": float(k_obs),
                "p50": float(total),
                "p95": float(total),
                "derived": (
                    f"voyages: {total} trips of {who} in the shipments table ({k_obs} observed, "
                    f"{k_inf} inferred from dark gaps; range from the observed to all)"
                ),
            }
        )
    return out


def derived_estimates(
    claim: Mapping[str, Any], estimates: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Estimates a claim with no estimate of its own quantity can be graded against."""
    item = claim.get("item")
    unit = str(claim.get("unit") or "count")
    if unit != "count":
        return []
    if item in ("shells", "rockets") and not claim.get("caliber"):
        return any_calibre(str(item), estimates)
    if item == "voyages":
        return voyage_counts(str(claim.get("quote") or ""), estimates)
    return []
