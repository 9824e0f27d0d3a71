"""Reading list tables (CSV with a header): delimiter sniffing and header lookup by synonyms."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from darkcargo.errors import InputError


def header_key(text: str) -> str:
    """'Date of Designation' -> 'date of designation'; 'IMO_Number' -> 'imo number'."""
    return re.sub(r"[\s_]+", " ", text.replace("\ufeff", "")).strip().lower().rstrip(".:")


def read_table(path: Path, text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, fields) rows of a delimited table (comma, semicolon or tab); lines
    starting with "# " are comments (a first column named "#" is not)."""
    header, rows, _ = read_table_raw(path, text)
    return header, rows


def read_table_raw(
    path: Path, text: str
) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    """read_table, plus the header cells as written."""
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not _comment(ln)), "")
    delim = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            line = start
            start = reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            if fields[0].startswith("# ") or (len(fields) == 1 and _comment(fields[0])):
                continue
            rows.append((line, fields))
    except csv.Error as exc:
        raise InputError(str(path), f"CSV: {exc}", reader.line_num) from None
    if not rows:
        raise InputError(str(path), "the file is empty")
    raw = [h.replace("\ufeff", "").strip() for h in rows[0][1]]
    return [header_key(h) for h in raw], rows[1:], raw


def _comment(line: str) -> bool:
    t = line.lstrip()
    return t.startswith("#") and not t.startswith(("#,", "#;", "#\t"))


def find_column(header: list[str], *names: str) -> int | None:
    """Index of the first header equal to one of `names` (already header_key form)."""
    for name in names:
        if name in header:
            return header.index(name)
    return None


def cell(fields: list[str], index: int | None) -> str | None:
    if index is None or index >= len(fields):
        return None
    value = fields[index].strip()
    return value or None


_NUMBERED = re.compile(r"(?:^|\s)(\d{1,2})\s*[:.)]\s+")


def split_numbered(text: str | None) -> list[str]:
    """'1: KUM UN SAN 3 2: KUMUNSAN' -> ['KUM UN SAN 3', 'KUMUNSAN']; plain text -> [text]."""
    if not text:
        return []
    t = text.strip()
    marks = list(_NUMBERED.finditer(t))
    if len(marks) < 2 or marks[0].start() > 1:
        parts = [p.strip() for p in re.split(r"\s*[;\n]\s*", t)]
        return [p for p in parts if p]
    out = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(t)
        piece = t[m.end() : end].strip(" ;,")
        if piece:
            out.append(piece)
    return out
