"""Scoring the extractor against hand-written gold claims of real articles.

A gold file is JSON lines, one article each: id, url, published, text and its claims (value or
low/high, item, caliber, bound, speaker as a list of acceptable spellings, evidence, date). An
extracted claim and a gold claim pair up when their figures (value, or low and high for ranges
and vague amounts) and their items agree; the pairs give value+item precision and recall, and
within them speaker precision and recall and bound accuracy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from darkcargo.claims.extract import Claim, extract_claims
from darkcargo.claims.items import normalize_item

REL_TOL = 1e-6


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """The articles of a gold file (JSON lines)."""
    text = Path(path).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def norm_speaker(s: str | None) -> str | None:
    """A speaker reduced for comparison: case, a leading article, spaces, hyphens and
    apostrophes do not matter ("Shin Won-sik" = "shin wonsik")."""
    if s is None:
        return None
    s = s.replace("’", "'").casefold().strip()
    s = re.sub(r"^(?:the|a|an)\s+", "", s)
    return re.sub(r"[^0-9a-z]+", "", s) or None


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def _figure(low: float | None, high: float | None, value: float | None, bound: str) -> tuple:
    if bound in ("range", "vague"):
        return ("range", low, high)
    if value is None:
        value = low if bound == "lower" else high
    return ("point", value, None)


def _same_figure(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and _close(a[1], b[1]) and _close(a[2], b[2])


@dataclass
class Pair:
    article: str
    gold: dict[str, Any]
    claim: Claim


@dataclass
class Score:
    """Counts behind the extraction scores."""

    gold: int = 0
    extracted: int = 0
    pairs: list[Pair] = field(default_factory=list)
    extra: list[tuple[str, Claim]] = field(default_factory=list)
    missed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return len(self.pairs) / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return len(self.pairs) / self.gold if self.gold else 1.0

    def speaker_counts(self) -> tuple[int, int, int]:
        """(right, extracted with a speaker, gold with a speaker) over the pairs."""
        right = said = expected = 0
        for p in self.pairs:
            ok = gold_speakers(p.gold)
            got = norm_speaker(p.claim.speaker)
            if any(s is not None for s in ok):
                expected += 1
            if got is None:
                continue
            said += 1
            right += got in ok
        return right, said, expected

    @property
    def speaker_precision(self) -> float:
        right, said, _ = self.speaker_counts()
        return right / said if said else 1.0

    @property
    def speaker_recall(self) -> float:
        right, _, expected = self.speaker_counts()
        return right / expected if expected else 1.0

    @property
    def bound_accuracy(self) -> float:
        if not self.pairs:
            return 1.0
        return sum(p.claim.bound == p.gold.get("bound", "exact") for p in self.pairs) / len(
            self.pairs
        )

    def field_accuracy(self, name: str) -> float:
        """Share of pairs where a gold field (caliber, evidence, date) is matched exactly."""
        rows = [p for p in self.pairs if name in p.gold]
        if not rows:
            return 1.0
        got = {
            "caliber": lambda c: c.caliber,
            "evidence": lambda c: c.evidence,
            "date": lambda c: c.claim_date.isoformat() if c.claim_date else None,
            "stance": lambda c: c.stance,
            "basis": lambda c: c.basis,
        }[name]
        return sum(got(p.claim) == p.gold[name] for p in rows) / len(rows)

    def notes(self) -> list[str]:
        """Disagreements, one line each, for reading."""
        out = []
        for p in self.pairs:
            ok = gold_speakers(p.gold)
            got = norm_speaker(p.claim.speaker)
            if got is not None and got not in ok:
                out.append(f"{p.article}: speaker {p.claim.speaker!r}, gold {p.gold['speaker']}")
            if p.claim.bound != p.gold.get("bound", "exact"):
                out.append(
                    f"{p.article}: {p.claim.item} {p.claim.value or (p.claim.low, p.claim.high)} "
                    f"bound {p.claim.bound}, gold {p.gold.get('bound')}"
                )
        for art, c in self.extra:
            fig = c.value if c.value is not None else (c.low, c.high)
            out.append(f"{art}: extra {fig} {c.item} ({c.bound}) in {_said(c)!r}")
        for art, g in self.missed:
            fig = g.get("value", (g.get("low"), g.get("high")))
            out.append(f"{art}: missed {fig} {g.get('item')} ({g.get('bound')})")
        return out


def _said(c: Claim) -> str:
    return c.quote[:90]


def gold_speakers(g: dict[str, Any]) -> set[str | None]:
    s = g.get("speaker")
    if s is None:
        return {None}
    if isinstance(s, str):
        return {norm_speaker(s)}
    return {norm_speaker(x) for x in s}


def gold_figure(g: dict[str, Any]) -> tuple:
    return _figure(g.get("low"), g.get("high"), g.get("value"), g.get("bound", "exact"))


def claim_figure(c: Claim) -> tuple:
    return _figure(c.low, c.high, c.value, c.bound)


def pair_claims(
    article: str, claims: Sequence[Claim], gold: Sequence[dict[str, Any]], score: Score
) -> None:
    """Pair one article's extracted claims with its gold claims (greedy, document order)."""
    left = list(gold)
    score.gold += len(gold)
    score.extracted += len(claims)
    for c in claims:
        fig = claim_figure(c)
        cands = [
            g
            for g in left
            # gold may spell an item another way ("rubles"): read it as the extractor names it
            if normalize_item(g.get("item")) == c.item and _same_figure(gold_figure(g), fig)
        ]
        if not cands:
            score.extra.append((article, c))
            continue
        best = next((g for g in cands if g.get("bound", "exact") == c.bound), cands[0])
        left.remove(best)
        score.pairs.append(Pair(article, best, c))
    score.missed.extend((article, g) for g in left)


def score_articles(articles: Iterable[dict[str, Any]]) -> Score:
    """Extract every article's claims and score them against its gold list."""
    score = Score()
    for a in articles:
        claims = extract_claims(
            a["text"], published=date.fromisoformat(a["published"]), source_url=a.get("url")
        )
        pair_claims(a["id"], claims, a["claims"], score)
    return score


def report_lines(name: str, score: Score) -> list[str]:
    right, said, expected = score.speaker_counts()
    return [
        f"{name}: {score.gold} gold claims, {score.extracted} extracted, {len(score.pairs)} paired",
        f"  value+item precision {score.precision:.3f}  recall {score.recall:.3f}",
        f"  speaker precision {score.speaker_precision:.3f} ({right}/{said})  "
        f"recall {score.speaker_recall:.3f} ({right}/{expected})",
        f"  bound accuracy {score.bound_accuracy:.3f}  caliber {score.field_accuracy('caliber'):.3f}"
        f"  evidence {score.field_accuracy('evidence'):.3f}  date {score.field_accuracy('date'):.3f}",
    ]
