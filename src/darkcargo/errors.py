"""One exception family. The CLI maps each to a one-line message and an exit code."""

from __future__ import annotations


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
