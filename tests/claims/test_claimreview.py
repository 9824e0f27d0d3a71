"""schema.org ClaimReview export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from darkcargo.claims import claim_reviews, export_claimreview, extract_files, grade_claims
from darkcargo.workspace import Workspace


def test_claimreview_json_ld(tmp_path: Path, ws_with_estimates: Workspace) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(
        "South Korean Defence Minister Shin Won-sik said on Monday that North Korea had shipped "
        "about 6,700 containers to Russia since August 2023. The EU pledged €50 billion.",
        encoding="utf-8",
    )
    extract_files(
        [doc], ws_with_estimates, published=date(2024, 2, 27), source_url="https://example.org/a"
    )
    assert claim_reviews(ws_with_estimates) == []  # nothing graded yet
    grade_claims(ws_with_estimates)
    reviews = json.loads(export_claimreview(ws_with_estimates))
    assert len(reviews) == 2
    by_text = {r["itemReviewed"].get("author", {}).get("name"): r for r in reviews}
    shin = by_text["Shin Won-sik"]
    assert shin["@context"] == "https://schema.org" and shin["@type"] == "ClaimReview"
    assert shin["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Shin Won-sik",
        "jobTitle": "South Korean Defence Minister",
    }
    assert shin["itemReviewed"]["datePublished"] == "2024-02-26"
    assert shin["itemReviewed"]["appearance"]["url"] == "https://example.org/a"
    rating = shin["reviewRating"]
    assert rating["alternateName"] == "Consistent with the shipments_x_load estimate"
    assert "90% interval" in rating["ratingExplanation"]
    euro = next(r for r in reviews if r is not shin)
    assert euro["reviewRating"]["alternateName"] == "Not comparable"
    for r in reviews:
        assert "true" not in r["reviewRating"]["alternateName"].lower()
        assert "false" not in r["reviewRating"]["alternateName"].lower()
