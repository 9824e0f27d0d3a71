"""Verify stage: quantitative claims extracted from text, attributed, graded against estimates.

Public API: extract_claims(text) -> list[Claim]; extract_files(paths, workspace) ->
ExtractReport; grade_claims(workspace) -> list[Grading].
"""

from __future__ import annotations

from darkcargo.claims.extract import Claim, ExtractParams, extract_claims

__all__ = ["Claim", "ExtractParams", "extract_claims"]
