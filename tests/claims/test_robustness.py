"""Extraction never crashes on odd text (run-on text timings are in bench/claims.py)."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkcargo.claims import extract_claims

PIECES = [
    "6,700",
    "3 million",
    "half a million",
    "€50 billion",
    "30%",
    "10X",
    "2.5m",
    "122mm",
    "152 mm",
    "shells",
    "containers",
    "rockets",
    "about",
    "more than",
    "up to",
    "between",
    "and",
    "or",
    "said",
    "Shin Won-sik",
    "he",
    "the minister",
    "according to",
    "since",
    "August 2023",
    "on Monday",
    "IMO 9179842",
    "KN-23",
    "1.",
    "\n",
    "\n\n",
    ",",
    ".",
    '"',
    "(",
    ")",
    "could hold",
    "not",
    "-",
    "a day",
    "of the",
    "Mr.",
    "U.S.",
    "–",
    "’s",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_random_word_salad_never_crashes(pieces: list[str]) -> None:
    text = " ".join(pieces)
    for c in extract_claims(text, published=date(2024, 2, 27)):
        assert 0 <= c.span_start < c.span_end <= len(text)
        assert c.bound in ("exact", "approximate", "lower", "upper", "range")
        assert c.value is not None or (c.low is not None and c.high is not None)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    extract_claims(text)
