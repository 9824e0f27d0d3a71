"""Grading claims against the estimates: consistent, above, below - or not comparable, and why.

A claim is compared only with estimates of the same quantity (item and calibre), the same
basis (a "could hold" capacity with capacity methods such as physical packing; a count with
count methods) and the same period (the estimate must end near the date the claim refers to
and, when the claim says "since ...", start near that date). Inside the estimate's 90% interval
(p05-p95) is "consistent"; otherwise "above" or "below", with the log-ratio of the claimed
figure to the estimate's median. Never "true" or "false": an estimate is evidence, not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from darkcargo.claims import bound as cues
from darkcargo.claims.dates import period_end
from darkcargo.claims.derived import derived_estimates
from darkcargo.claims.extract import CAPACITY, COUNT, quantity_key
from darkcargo.claims.ledger import open_ledger
from darkcargo.claims.schema import GRADINGS
from darkcargo.config import Case, load_case
from darkcargo.workspace import Workspace

CONSISTENT, ABOVE, BELOW, NOT_COMPARABLE = "consistent", "above", "below", "not_comparable"


@dataclass(frozen=True)
class GradingParams:
    """Named thresholds of the grading."""

    # The estimate's period must end within this many days of the period the claim refers to.
    period_end_tolerance_days: int = 45
    # ... and start within this many days of the claim's baseline ("since August 2023").
    period_start_tolerance_days: int = 62
    # Methods whose figures are capacities ("could hold"), not counts.
    capacity_methods: frozenset[str] = field(
        default_factory=lambda: frozenset({"physical_packing", "official_ratio", "capacity"})
    )
    # Methods that restate an input rather than estimate anything (never graded against).
    input_methods: frozenset[str] = field(default_factory=lambda: frozenset({"given"}))
    # A count of rounds cannot exceed what the counted boxes could hold: grade counts against
    # capacity estimates as a ceiling (above it, or within it) instead of "not comparable".
    counts_under_capacity: bool = True


@dataclass
class Grading:
    """One claim against one estimate (estimate_id None when no estimate is comparable)."""

    claim_id: str
    estimate_id: str | None
    grade: str
    log_ratio: float | None
    reason: str
    graded_at: datetime
    quantity: str | None = None
    method: str | None = None
    claim_value: float | None = None
    p05: float | None = None
    p50: float | None = None
    p95: float | None = None

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


def _fmt(v: float | None) -> str:
    """A figure to three significant digits: 1,289 -> '1,290', 999,915 -> '1M', 2.2e6 -> '2.2M'."""
    if v is None:
        return "?"
    if v == 0:
        return "0"
    r = float(f"{v:.3g}")
    a = abs(r)
    for threshold, scale, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if a >= threshold:
            return f"{r / scale:g}{suffix}"
    return f"{r:,.0f}" if a >= 100 else f"{r:g}"


def _as_date(v: object) -> date | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return None


def estimate_quantity(est: Mapping[str, Any]) -> set[str]:
    """Names a claim may use for this estimate's quantity."""
    names = {str(est.get("quantity") or "")}
    item = est.get("item")
    if item:
        per = str(est.get("quantity") or "").endswith("_per_container")
        names.add(
            quantity_key(str(item), est.get("caliber") or None, "per_container" if per else "count")
            or ""
        )
    names.discard("")
    return names


def claim_figure(claim: Mapping[str, Any]) -> float | None:
    """The figure of a claim: value, else the geometric mid-point of a range, else a bound."""
    v, lo, hi = claim.get("value"), claim.get("low"), claim.get("high")
    if v is not None:
        return float(v)
    if lo is not None and hi is not None and lo > 0 and hi > 0:
        return math.sqrt(float(lo) * float(hi))
    return float(lo) if lo is not None else (float(hi) if hi is not None else None)


# Items that are not cargo: where a voyage went says nothing of where its cargo went.
NOT_CARGO = frozenset({"voyages", "ships", "vessels", "trips"})


@dataclass(frozen=True)
class Route:
    """The countries a case's shipments leave from and go to (ISO 3166 alpha-2 codes)."""

    origins: frozenset[str]
    destinations: frozenset[str]

    @classmethod
    def of_case(cls, case: Case) -> Route | None:
        """From the countries of the case's origin and destination ports; None when the case
        names no such ports or their countries."""
        by_id = {p.id: p.country for p in case.ports}
        origins = frozenset(c for i in case.origin_ports if (c := by_id.get(i)))
        destinations = frozenset(c for i in case.destination_ports if (c := by_id.get(i)))
        if not origins or not destinations:
            return None
        return cls(origins, destinations)

    def off_route(self, sender: str | None, recipient: str | None) -> str | None:
        """Why a claim's delivery is not the case's (None when it may be)."""
        way = f"{'/'.join(sorted(self.origins))} -> {'/'.join(sorted(self.destinations))}"
        if sender and sender not in self.origins:
            to = f" to {recipient}" if recipient else ""
            return f"route: about deliveries from {sender}{to}; the estimates are of {way}"
        if recipient and recipient not in self.destinations:
            return f"route: about deliveries to {recipient}; the estimates are of {way}"
        return None


def grade_claim(
    claim: Mapping[str, Any],
    estimates: Sequence[Mapping[str, Any]],
    *,
    published: date | None = None,
    params: GradingParams | None = None,
    now: datetime | None = None,
    route: Route | None = None,
) -> list[Grading]:
    """Grade one claim (a `claims` row as a dict) against the estimates (rows as dicts).
    With the case's `route`, a claim whose clause names another sender or recipient (the
    United States' shells for Ukraine) is not comparable.

    Returns one Grading per estimate of the same quantity, or a single not_comparable Grading
    (estimate_id None) when there is none or the claim cannot be graded at all.
    """
    p = params or GradingParams()
    now = now or datetime.now(UTC).replace(tzinfo=None)
    cid = str(claim["claim_id"])
    qty = claim.get("quantity")
    fig = claim_figure(claim)

    def nc(reason: str, est: Mapping[str, Any] | None = None) -> Grading:
        return Grading(
            cid,
            None if est is None else est.get("estimate_id"),
            NOT_COMPARABLE,
            None,
            reason,
            now,
            qty,
            None if est is None else est.get("method"),
            fig,
            None if est is None else est.get("p05"),
            None if est is None else est.get("p50"),
            None if est is None else est.get("p95"),
        )

    if claim.get("negated") or claim.get("stance") == "denied":
        return [nc("negated: the statement denies or negates the figure")]
    # a voyage's direction is the ship's, not the cargo's ("32 trips to North Korea" to load)
    cargo = claim.get("item") not in NOT_CARGO
    off = (
        route.off_route(claim.get("sender_country"), claim.get("recipient_country"))
        if route is not None and cargo
        else None
    )
    if off is not None:
        return [nc(off)]
    basis = claim.get("basis") or COUNT
    if basis in ("percentage", "ratio"):
        return [nc(f"basis: a {basis}, not a total that an estimate could match")]
    if basis == "part":
        return [nc("basis: a part of a figure given before ('6 of those trips'), not a total")]
    if basis == "observed":
        return [
            nc(
                "basis: a count seen at one place and time (a quay, a deck), not a total "
                "over a period"
            )
        ]
    if fig is None:
        return [nc("no figure to compare")]
    if not qty:
        return [nc("different item: the claim names no counted item")]
    same: Sequence[Mapping[str, Any]] = [e for e in estimates if qty in estimate_quantity(e)]
    if not same:
        same = derived_estimates(claim, estimates)
    if not same:
        covered = sorted({str(e.get("quantity")) for e in estimates if e.get("quantity")})
        what = ", ".join(covered) if covered else "nothing yet"
        return [nc(f"different item: no estimate of {qty} (estimates cover {what})")]
    out: list[Grading] = []
    cdate = _as_date(claim.get("claim_date"))
    precision = claim.get("date_precision") or "day"
    ref = (cdate, period_end(cdate, precision)) if cdate else None
    if ref is None and published is not None:
        ref = (published, published)
    baseline = _as_date(claim.get("baseline_date"))
    tol_end = timedelta(days=p.period_end_tolerance_days)
    tol_start = timedelta(days=p.period_start_tolerance_days)
    timeless = str(claim.get("unit") or "") == "per_container"
    for est in same:
        method = str(est.get("method") or "")
        if method in p.input_methods:
            out.append(nc(f"basis: estimate method '{method}' restates an input", est))
            continue
        est_basis = CAPACITY if method in p.capacity_methods else COUNT
        claim_basis = CAPACITY if basis == CAPACITY else COUNT
        if basis not in (CAPACITY, COUNT) and basis != "rate":
            claim_basis = basis
        ceiling = claim_basis == COUNT and est_basis == CAPACITY and p.counts_under_capacity
        if claim_basis != est_basis and not ceiling:
            words = {CAPACITY: "a capacity ('could hold')", COUNT: "a count"}
            out.append(
                nc(
                    f"basis: the claim states {words.get(claim_basis, claim_basis)}, the "
                    f"{method} estimate {words.get(est_basis, est_basis)}",
                    est,
                )
            )
            continue
        e_start, e_end = _as_date(est.get("period_start")), _as_date(est.get("period_end"))
        caveat = ""
        if not timeless and baseline is not None and e_start is None:
            caveat = (
                f"; note: the claim counts from {baseline.isoformat()}, the estimate from the "
                "start of its data"
            )
        if not timeless and e_end is not None:
            if ref is None:
                out.append(nc("period: the claim gives no date and its document none", est))
                continue
            if not (ref[0] - tol_end <= e_end <= ref[1] + tol_end):
                out.append(
                    nc(
                        f"period: the claim refers to {ref[1].isoformat()}, the estimate ends "
                        f"{e_end.isoformat()}",
                        est,
                    )
                )
                continue
            open_start = str(est.get("period_requested") or "").startswith("*")
            if (
                baseline is not None
                and e_start is not None
                and open_start
                and baseline - tol_start <= e_start
            ):
                # An estimate over every trip found starts at the first one: nothing earlier was
                # found, so it covers the claim's period from its baseline.
                if abs(e_start - baseline) > tol_start:
                    caveat = (
                        f"; note: the claim counts from {baseline.isoformat()}, the estimate "
                        f"counts every trip found (the first on {e_start.isoformat()})"
                    )
            elif (
                baseline is not None and e_start is not None and abs(e_start - baseline) > tol_start
            ):
                out.append(
                    nc(
                        f"period: the claim counts from {baseline.isoformat()}, the estimate "
                        f"from {e_start.isoformat()}",
                        est,
                    )
                )
                continue
        p05, p50, p95 = est.get("p05"), est.get("p50"), est.get("p95")
        if p05 is None or p95 is None or p50 is None:
            out.append(nc("the estimate has no 90% interval", est))
            continue
        p05, p50, p95 = float(p05), float(p50), float(p95)
        bnd = claim.get("bound") or cues.EXACT
        lo, hi = claim.get("low"), claim.get("high")
        if bnd == cues.LOWER:
            grade = ABOVE if fig > p95 else CONSISTENT
        elif bnd == cues.UPPER:
            grade = BELOW if fig < p05 else CONSISTENT
        elif bnd in (cues.RANGE, cues.VAGUE) and lo is not None and hi is not None:
            grade = BELOW if float(hi) < p05 else ABOVE if float(lo) > p95 else CONSISTENT
        else:
            grade = ABOVE if fig > p95 else BELOW if fig < p05 else CONSISTENT
        if ceiling:
            # What the boxes could hold caps what they carried: a count is held against the
            # capacity only from above ("more than the boxes could hold"), never from below.
            least = float(lo) if lo is not None and bnd != cues.UPPER else fig
            grade = ABOVE if bnd != cues.UPPER and least > p95 else CONSISTENT
        log_ratio = math.log(fig / p50) if fig > 0 and p50 > 0 else None
        claimed = {
            cues.LOWER: f"more than {_fmt(fig)}",
            cues.UPPER: f"up to {_fmt(fig)}",
            cues.APPROXIMATE: f"about {_fmt(fig)}",
            cues.RANGE: f"{_fmt(lo)}-{_fmt(hi)}",
            cues.VAGUE: f"a vague amount ({_fmt(lo)}-{_fmt(hi)})",
        }.get(bnd, _fmt(fig))
        where = {
            CONSISTENT: "inside",
            ABOVE: "above",
            BELOW: "below",
        }[grade]
        reason = (
            f"claimed {claimed}: {where} the {method} estimate's 90% interval "
            f"[{_fmt(p05)}, {_fmt(p95)}] (median {_fmt(p50)}){caveat}"
        )
        if ceiling:
            reason = (
                f"claimed {claimed} (a count): "
                f"{'more than' if grade == ABOVE else 'within'} what the counted boxes could "
                f"hold by the {method} estimate, a ceiling (90% interval [{_fmt(p05)}, "
                f"{_fmt(p95)}], median {_fmt(p50)}){caveat}"
            )
        if est.get("derived"):
            reason += f"; {est['derived']}"
        out.append(
            Grading(
                cid,
                est.get("estimate_id"),
                grade,
                log_ratio,
                reason,
                now,
                qty,
                method,
                fig,
                p05,
                p50,
                p95,
            )
        )
    if any(g.grade != NOT_COMPARABLE for g in out):
        # Estimates over other periods add nothing once one over the claim's period exists.
        out = [g for g in out if not g.reason.startswith("period:")]
    return out


def reference_dates(workspace: Workspace | str | Path) -> list[date]:
    """The dates the gradable claims refer to (end of their date's period, else their
    document's publication date), sorted and distinct.

    An estimate is comparable with a claim only when it ends near that date, so a caller that
    wants every claim graded runs the estimate for each of these cut-off dates first (e.g.
    `estimate_workspace(ws, end=d)` for d in reference_dates(ws)).
    """
    with open_ledger(workspace, read_only=True) as ws:
        rows = ws.arrow(
            """SELECT c.claim_date, c.date_precision, d.published, c.unit
               FROM claims c LEFT JOIN documents d USING (doc_id)
               WHERE c.quantity IS NOT NULL AND coalesce(c.negated, false) = false
                 AND coalesce(c.basis, 'count') IN ('count', 'capacity')"""
        ).to_pylist()
    out: set[date] = set()
    for r in rows:
        if r["unit"] == "per_container":
            continue
        d = _as_date(r["claim_date"])
        if d is not None:
            out.add(period_end(d, r["date_precision"] or "day"))
        elif _as_date(r["published"]) is not None:
            out.add(_as_date(r["published"]))  # type: ignore[arg-type]
    return sorted(out)


def gradings_table(gradings: Sequence[Grading]) -> pa.Table:
    return pa.Table.from_pylist([g.as_row() for g in gradings], schema=GRADINGS)


def grade_claims(
    workspace: Workspace | str | Path,
    params: GradingParams | None = None,
    case: Case | str | None = None,
) -> list[Grading]:
    """Grade every claim in the ledger against the `estimates` table; replaces `gradings`.
    The case (default: the built-in one) says which deliveries the estimates are of."""
    route = Route.of_case(case if isinstance(case, Case) else load_case(case))
    with open_ledger(workspace, must_exist=True) as ws:
        claims = ws.arrow(
            "SELECT c.*, d.published AS doc_published FROM claims c "
            "LEFT JOIN documents d USING (doc_id) ORDER BY c.claim_id"
        ).to_pylist()
        estimates = ws.arrow("SELECT * FROM estimates ORDER BY estimate_id").to_pylist()
        now = datetime.now(UTC).replace(tzinfo=None)
        out: list[Grading] = []
        for c in claims:
            out.extend(
                grade_claim(
                    c,
                    estimates,
                    published=_as_date(c.get("doc_published")),
                    params=params,
                    now=now,
                    route=route,
                )
            )
        with ws.transaction():
            ws.replace("gradings", gradings_table(out))
    return out
