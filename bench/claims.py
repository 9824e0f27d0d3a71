"""Benchmark: claims on real articles (accuracy) and extraction speed against quantulum3.

Accuracy: the development set of real 2023-2024 articles (tests/claims/articles/dev.jsonl,
gold written by hand before the extractor ran) scored as value+item precision and recall,
speaker precision and bound accuracy (targets 0.9, 0.9, 0.85, 0.9); `--heldout` scores the
second batch too, which is never tuned against.
Speed: a 2,000-word article built from the gold-set documents; darkcargo's extract_claims does
the whole job (sentences, numbers, items, bounds, speakers, dates), quantulum3's parser only
finds quantities (classifier disabled).
Run: .venv/bin/python bench/claims.py [--words 2000] [--repeat 20] [--heldout] [--notes]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import warnings
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "tests" / "claims"
GOLD = HERE / "gold_claims.jsonl"
ARTICLES = HERE / "articles"
TARGETS = {"precision": 0.9, "recall": 0.9, "speaker_precision": 0.85, "bound_accuracy": 0.9}


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


def accuracy(heldout: bool, notes: bool) -> None:
    from darkcargo.claims.evaluate import load_gold, report_lines, score_articles

    sets = [("dev", ARTICLES / "dev.jsonl")]
    if heldout:
        sets.append(("heldout", ARTICLES / "heldout.jsonl"))
    for name, path in sets:
        articles = load_gold(path)
        score = score_articles(articles)
        print(f"real articles, {name} set ({len(articles)} articles):")
        for line in report_lines(name, score):
            print("  " + line)
        got = {
            "precision": score.precision,
            "recall": score.recall,
            "speaker_precision": score.speaker_precision,
            "bound_accuracy": score.bound_accuracy,
        }
        missed = [f"{k} {got[k]:.3f} < {t}" for k, t in TARGETS.items() if got[k] < t]
        print(f"  targets: {'all met' if not missed else '; '.join(missed)}")
        if notes:
            for line in score.notes():
                print("    " + line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--words", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--heldout", action="store_true", help="also score the held-out articles")
    ap.add_argument("--notes", action="store_true", help="print every disagreement")
    ap.add_argument("--accuracy-only", action="store_true", help="skip the speed comparison")
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} (1 min average, {os.cpu_count()} cores)")
    t0 = time.perf_counter()
    from darkcargo.claims import extract_claims

    import_s = time.perf_counter() - t0
    accuracy(args.heldout, args.notes)
    if args.accuracy_only:
        return
    article = build_article(args.words)
    n_words = len(article.split())
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
