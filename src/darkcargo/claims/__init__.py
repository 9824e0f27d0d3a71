"""Verify stage: quantitative claims extracted from text, attributed, graded against estimates."""
