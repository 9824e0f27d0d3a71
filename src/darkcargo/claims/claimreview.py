"""schema.org ClaimReview (JSON-LD) for graded claims.

One ClaimReview per graded claim. The review rating carries no true/false scale: its
alternateName says how the figure sits against the estimates ("Consistent with the
physical_packing estimate", "Above ...", "Not comparable: ...") and ratingExplanation gives
the intervals and reasons.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from darkcargo.claims.ledger import open_ledger
from darkcargo.claims.speakers import HEAD_NOUNS, ORG_WORDS, PLACES, TITLE_WORDS
from darkcargo.workspace import Workspace

REVIEWER = "darkcargo"
_GRADE_WORDS = {
    "consistent": "Consistent with",
    "above": "Above",
    "below": "Below",
}


def _iso(v: object) -> str | None:
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return None


def _author(speaker: str, title: str | None) -> dict[str, Any]:
    words = {re.sub(r"['’]s$", "", w.lower()).rstrip(".") for w in speaker.split()}
    is_org = bool(words & (ORG_WORDS | (HEAD_NOUNS - TITLE_WORDS))) or words <= PLACES
    node: dict[str, Any] = {
        "@type": "Person" if title or not is_org else "Organization",
        "name": speaker,
    }
    if title:
        node["jobTitle"] = title
    return node


def claim_reviews(workspace: Workspace | str | Path) -> list[dict[str, Any]]:
    """ClaimReview objects for every claim that has been graded (`darkcargo claims check`)."""
    with open_ledger(workspace, read_only=True) as ws:
        rows = ws.arrow(
            """SELECT c.claim_id, c.quote, c.speaker, c.speaker_title, c.claim_date,
                      c.source_url AS claim_url, d.source_url AS doc_url, d.published, d.title,
                      g.grade, g.method, g.reason, g.graded_at, g.log_ratio
               FROM gradings g JOIN claims c USING (claim_id)
               LEFT JOIN documents d USING (doc_id)
               ORDER BY c.claim_id, g.grade, g.method"""
        ).to_pylist()
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_claim.setdefault(r["claim_id"], []).append(r)
    out: list[dict[str, Any]] = []
    for claim_id, rs in by_claim.items():
        r0 = rs[0]
        comparable = [r for r in rs if r["grade"] != "not_comparable"]
        if comparable:
            parts = [f"{_GRADE_WORDS[r['grade']]} the {r['method']} estimate" for r in comparable]
            name = "; ".join(dict.fromkeys(parts))
            explanation = " ".join(f"{r['reason']}." for r in comparable)
        else:
            name = "Not comparable"
            explanation = " ".join(dict.fromkeys(f"{r['reason']}." for r in rs))
        item: dict[str, Any] = {"@type": "Claim"}
        if r0["speaker"]:
            item["author"] = _author(r0["speaker"], r0["speaker_title"])
        when = _iso(r0["claim_date"]) or _iso(r0["published"])
        if when:
            item["datePublished"] = when
        url = r0["claim_url"] or r0["doc_url"]
        if url:
            appearance: dict[str, Any] = {"@type": "CreativeWork", "url": url}
            if r0["title"]:
                appearance["headline"] = r0["title"]
            item["appearance"] = appearance
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": claim_id,
            "claimReviewed": r0["quote"] or "",
            "author": {"@type": "Organization", "name": REVIEWER},
            "datePublished": _iso(max(r["graded_at"] for r in rs)),
            "itemReviewed": item,
            "reviewRating": {
                "@type": "Rating",
                "alternateName": name,
                "ratingExplanation": explanation.strip(),
            },
        }
        out.append(review)
    return out


def export_claimreview(workspace: Workspace | str | Path) -> str:
    """ClaimReview JSON-LD (a JSON array) for every graded claim."""
    return json.dumps(claim_reviews(workspace), indent=1, ensure_ascii=False) + "\n"
