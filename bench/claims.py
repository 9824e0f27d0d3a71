"""Benchmark: claim extraction from a 2,000-word news article, against quantulum3's parser.

The article is built from the gold-set documents (wire-style paragraphs full of figures,
speakers and dates) until it reaches the target length. darkcargo's extract_claims does the
whole job (sentences, numbers, items, bounds, speakers, dates); quantulum3's parser only finds
quantities, with its classifier disabled (it is absent or crashes with recent scikit-learn).
Run: .venv/bin/python bench/claims.py [--words 2000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from datetime import date
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "tests" / "claims" / "gold_claims.jsonl"


def build_article(words: int) -> str:
    entries = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    paragraphs: list[str] = []
    n = 0
    i = 0
    while n < words:
        text = entries[i % len(entries)]["text"]
        paragraphs.append(text)
        n += len(text.split())
        i += 1
    return "\n\n".join(paragraphs) + "\n"


def timed(fn, repeat: int) -> tuple[float, float]:
    """(first call, median of the next `repeat` calls) in seconds."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--words", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    article = build_article(args.words)
    n_words = len(article.split())

    t0 = time.perf_counter()
    from darkcargo.claims import extract_claims

    import_s = time.perf_counter() - t0
    claims: list = []

    def ours() -> None:
        claims[:] = extract_claims(article, published=date(2024, 3, 1))

    first, warm = timed(ours, args.repeat)
    print(f"article: {n_words} words, {len(article)} characters")
    print(f"darkcargo import: {import_s:.3f} s")
    print(
        f"darkcargo extract_claims: first call {first:.3f} s, median of {args.repeat} "
        f"{warm:.3f} s, {len(claims)} claims"
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        from quantulum3 import parser

        q_import = time.perf_counter() - t0
        found: list = []

        def peer() -> None:
            found[:] = parser.parse(article, classifier_path=None)

        q_first, q_warm = timed(peer, args.repeat)
    print(f"quantulum3 import: {q_import:.3f} s")
    print(
        f"quantulum3 parser.parse (no classifier): first call {q_first:.3f} s, median of "
        f"{args.repeat} {q_warm:.3f} s, {len(found)} quantities"
    )
    # Run-on text (no sentence ends): every context scan is windowed, so time grows linearly.
    for name, text in (
        ("20k bare numbers", "1 " * 20000),
        ("40k bare numbers", "1 " * 40000),
        ("20k capitalised words", "Minister " * 20000),
        ("10k list lines", "1.\n" * 10000),
    ):
        t0 = time.perf_counter()
        extract_claims(text, published=date(2024, 1, 1))
        print(f"run-on text, {name} ({len(text):,} chars): {time.perf_counter() - t0:.2f} s")
    print(
        f"ratio: darkcargo extract_claims / quantulum3 parse = {warm / q_warm:.2f} (warm), "
        f"{first / q_first:.2f} (first call)"
    )


if __name__ == "__main__":
    main()
