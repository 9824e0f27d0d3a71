"""Numbers in digits and words, with their offsets."""

from __future__ import annotations

import pytest

from darkcargo.claims.numbers import find_numbers


def _one(text: str) -> tuple[str, float]:
    nums = find_numbers(text)
    assert len(nums) == 1, nums
    n = nums[0]
    return text[n.start : n.end], n.value


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("6,700 containers", "6,700", 6700),
        ("3 million shells", "3 million", 3e6),
        ("1.5 million shells", "1.5 million", 1.5e6),
        ("half a million rounds", "half a million", 5e5),
        ("a quarter of a million rounds", "a quarter of a million", 2.5e5),
        ("one and a half million shells", "one and a half million", 1.5e6),
        ("two thousand five hundred containers", "two thousand five hundred", 2500),
        ("twenty-five ships", "twenty-five", 25),
        ("a dozen wagons", "a dozen", 12),
        ("€50 billion package", "€50 billion", 5e10),
        ("US$20 billion", "US$20 billion", 2e10),
        ("2.5m shells", "2.5m", 2.5e6),
        ("$3bn deal", "$3bn", 3e9),
        ("10k rounds", "10k", 1e4),
        ("30% of", "30%", 30),
        ("40 per cent of", "40 per cent", 40),
        ("rose 10X since", "10X", 10),
        ("a tenfold rise", "tenfold", 10),
        ("a 10-fold rise", "10-fold", 10),
        ("10,000+ shells", "10,000+", 1e4),
    ],
)
def test_numbers_in_digits_and_words(text: str, surface: str, value: float) -> None:
    got_surface, got_value = _one(text)
    assert got_surface == surface
    assert got_value == pytest.approx(value)


def test_currency_percent_and_ratio_flags() -> None:
    eur, pct, ratio = find_numbers("€50 billion, 30%, 10X")
    assert eur.currency == "EUR" and not eur.percent
    assert pct.percent and pct.value == 30
    assert ratio.ratio and ratio.value == 10


def test_the_article_a_alone_is_not_a_number() -> None:
    assert find_numbers("a day and an hour, one official") == []


def test_ambiguous_m_is_flagged_for_the_item_to_decide() -> None:
    (n,) = find_numbers("a 120m vessel")
    assert n.ambiguous_m
