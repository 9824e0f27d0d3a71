"""What each event kind's `confidence` (0-1 for every kind) measures: the one table the manual
(README "Event definitions", `darkcargo events --help`, `darkcargo detect --help`) is written
from. Plain text, no heavy imports: the command line reads it at start-up."""

from __future__ import annotations

CONFIDENCE: dict[str, str] = {
    "port_call": "strength of the proof of a stay: 0.5 a stay shown (a stop, or AIS off in "
    "port); +0.25 a stop seen, or AIS off while stopped (not on a sparse track); +0.25 entry and exit both seen "
    "(GFW's level 4 = 1.0, level 3 = 0.75); 0.5 at most when a silence longer than the preset's "
    "max_silence_hours (a week) lies in the call or before its unseen departure (long_silence)",
    "port_presence": "always 0.25: seen inside the port's radius, no stay shown (not a call)",
    "stop": "share observed: 1.0 densely reported, down to 0.5 with a silence of the preset's "
    "max_gap_hours inside",
    "gap": "that AIS was switched off, not lost: 1.0 every intentional-disabling condition "
    "(long, good reception before, offshore or near-shore mode); 0.5 long but one fails; "
    "0.25 shorter than the disabling minimum; 0.1 the track reports this rarely anyway (a lone "
    "position in the 12 h before it: sparse_track), so the silence is how it is sampled",
    "encounter": "1.0: every condition met on the resampled tracks (no partial level)",
    "loitering": "1.0: every condition met (no partial level)",
    "identity_change": "1.0: a new value broadcast and not reverted within the preset's "
    "revert_hours (no partial level)",
    "spoof_jump": "1.0 a jump inside another segment's span; 0.7 a teleport between "
    "segments (could be two vessels on one MMSI); 0.5 an impossible move across a silence "
    "longer than a day (the tracks stay apart)",
    "shared_mmsi": "1.0: two long segments overlap in time far apart (no partial level)",
}


def confidence_help() -> str:
    """The per-kind confidence meanings as help text paragraphs."""
    lines = ["Confidence is 0-1 for every kind; what it measures:"]
    lines += [f"{kind}: {text}." for kind, text in CONFIDENCE.items()]
    return "\n\n".join(lines)
