"""One exception family. The CLI maps each to a one-line message and an exit code."""

from __future__ import annotations

import re

# Characters a terminal acts on rather than shows: C0 and C1 controls (escape sequences, carriage
# returns, line breaks) and the bidirectional overrides that reorder what is shown.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` as one line a terminal shows as is: every control character written as an
    escape (\\x1b, \\n, \\u202e). Messages quote names and lines chosen by the ships and
    files we read; they must not move the cursor, recolour or reorder the analyst's screen."""
    return _TERMINAL_CONTROLS.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


class DarkcargoError(Exception):
    """Base of every error darkcargo raises on purpose."""

    exit_code = 1


class InputError(DarkcargoError):
    """Bad user input: names the file, the line (when known) and the reason."""

    exit_code = 2

    def __init__(self, path: str | None, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {reason}")


class WorkspaceError(DarkcargoError):
    """The workspace file is missing, locked, or not a darkcargo workspace."""

    exit_code = 3


class ConfigError(DarkcargoError):
    """A preset, catalogue or case file is malformed."""

    exit_code = 2
