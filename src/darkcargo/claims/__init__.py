"""Verify stage: quantitative claims extracted from text, attributed, graded against estimates.

Public API: extract_claims(text) -> list[Claim]; extract_files(paths, workspace) ->
ExtractReport; add_claim(workspace, ...) -> Claim; list_claims(workspace) -> pyarrow.Table;
grade_claims(workspace) -> list[Grading]; claim_reviews(workspace) -> list of ClaimReview dicts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Submodule of each public name: imported on first use, so that opening a workspace (which reads
# this stage's schema.py) does not load the extraction rules and their dependencies.
_LAZY = {
    "claim_reviews": "claimreview",
    "export_claimreview": "claimreview",
    "Claim": "extract",
    "ExtractParams": "extract",
    "extract_claims": "extract",
    "Grading": "grading",
    "GradingParams": "grading",
    "grade_claim": "grading",
    "grade_claims": "grading",
    "reference_dates": "grading",
    "ExtractReport": "ledger",
    "FileResult": "ledger",
    "add_claim": "ledger",
    "extract_files": "ledger",
    "list_claims": "ledger",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
