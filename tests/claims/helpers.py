"""Shared by the claims tests: the one claim a sentence gives."""

from __future__ import annotations

from datetime import date

from darkcargo.claims import extract_claims
from darkcargo.claims.extract import Claim

PUB = date(2024, 6, 14)  # a publication date for sentences that need one


def one(text: str, published: date | None = PUB) -> Claim:
    """The single claim extracted from `text` (fails, listing them, when there are others)."""
    claims = extract_claims(text, published=published)
    assert len(claims) == 1, [(c.value, c.low, c.high, c.item) for c in claims]
    return claims[0]
