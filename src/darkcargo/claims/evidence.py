"""What a figure rests on, kept apart from who states it: satellite imagery, a report, data,
documents, intelligence, an interview.

"Satellite imagery of Najin Port shows ..." names evidence (and the port it shows), never a
speaker; "..., Yonhap reported, citing a military intelligence report" has Yonhap as speaker
and a report as evidence.
"""

from __future__ import annotations

import re

# Canonical evidence type -> the phrases that name it (longest first when matched).
EVIDENCE_FORMS: dict[str, tuple[str, ...]] = {
    "satellite imagery": (
        r"(?:commercial\s+|high-resolution\s+)?satellite\s+(?:imagery|images?|imaging|photos?"
        r"|photographs?|photography|pictures?|data|analysis)(?:\s+analysis)?",
        r"(?:commercial|high-resolution)\s+(?:imagery|images)",
        r"imagery",
    ),
    "tracking data": (
        r"(?:ship|vessel|marine|maritime)[-\s](?:tracking|traffic)\s+data",
        r"AIS\s+data",
    ),
    "report": (r"(?:[\w-]+\s+){0,3}reports?",),
    "data": (r"(?:[\w-]+\s+){0,2}data",),
    "documents": (r"documents?|documentation",),
    "intelligence": (r"intelligence(?:\s+(?:assessments?|estimates?|findings))?",),
}
_CUE_BEFORE = (
    r"(?:citing|cited|cites|quoting|based\s+on|according\s+to|referring\s+to|in|from|on|by|of|with|showed"
    r"|shows|show|analy[sz]ed|reviewed|obtained|using|used|uses)\s+(?:an?\s+|the\s+|its\s+|their\s+|new\s+)*"
)
_VERB_AFTER = (
    r"\s+(?:(?:of|over|from|taken|by|shared\s+with|(?:provided|released|published|obtained"
    r"|analy[sz]ed)\s+by)"
    r"\s+[\w\s'’-]{1,40}?\s+)?(?:to\s+|has\s+|have\s+|had\s+)?(?:shows?|showed|shown|show"
    r"|indicates?|indicated|suggests?|suggested"
    r"|reveals?|revealed|appears?|appeared|confirms?|confirmed|captured|found)\b"
)
# "Satellite images, provided exclusively to the BBC, reveal that": an aside between the two
_ASIDE = r"(?:,[^,.;]{1,60},)?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = []
for _kind, _forms in EVIDENCE_FORMS.items():
    for _form in _forms:
        _PATTERNS.append(
            (
                _kind,
                re.compile(
                    rf"(?:\b{_CUE_BEFORE}(?P<a>{_form})\b|(?:^|(?<=[.,;:\"“]\s)|\b)(?P<b>{_form})"
                    rf"{_ASIDE}{_VERB_AFTER})",
                    re.IGNORECASE,
                ),
            )
        )


def find_evidence(text: str, start: int, end: int) -> str | None:
    """The evidence type the sentence text[start:end] names for its figures, or None."""
    best: tuple[int, str] | None = None
    for kind, rx in _PATTERNS:
        m = rx.search(text, start, end)
        if m is None:
            continue
        pos = m.start("a") if m.group("a") is not None else m.start("b")
        if best is None or pos < best[0]:
            best = (pos, kind)
    return best[1] if best else None
