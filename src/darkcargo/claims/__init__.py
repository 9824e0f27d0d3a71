"""Verify stage: quantitative claims extracted from text, attributed, graded against estimates.

Public API: extract_claims(text) -> list[Claim]; extract_files(paths, workspace) ->
ExtractReport; add_claim(workspace, ...) -> Claim; list_claims(workspace) -> pyarrow.Table;
grade_claims(workspace) -> list[Grading]; claim_reviews(workspace) -> list of ClaimReview dicts.
"""

from __future__ import annotations

from darkcargo.claims.claimreview import claim_reviews, export_claimreview
from darkcargo.claims.extract import Claim, ExtractParams, extract_claims
from darkcargo.claims.grading import (
    Grading,
    GradingParams,
    grade_claim,
    grade_claims,
    reference_dates,
)
from darkcargo.claims.ledger import (
    ExtractReport,
    FileResult,
    add_claim,
    extract_files,
    list_claims,
)

__all__ = [
    "Claim",
    "ExtractParams",
    "ExtractReport",
    "FileResult",
    "Grading",
    "GradingParams",
    "add_claim",
    "claim_reviews",
    "export_claimreview",
    "extract_claims",
    "extract_files",
    "grade_claim",
    "grade_claims",
    "list_claims",
    "reference_dates",
]
