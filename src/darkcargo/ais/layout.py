"""Provider table layouts: which column of a CSV or Parquet file holds each canonical AIS field,
and how it parses.

Layouts are data: the built-in ones in `layouts.toml`, a user's with `--layouts FILE`, one
given on the command line with `--columns`, and, for a CSV that matches none of them, one
guessed from common header names (`[guess]` in layouts.toml, reported when used). `plan_csv`
picks the layout of a CSV from its header; `darkcargo.ais.tabular` reads and transforms by it.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from darkcargo.errors import InputError

log = logging.getLogger(__name__)

POSITION_FIELDS = ("mmsi", "ts", "lat", "lon", "sog", "cog", "heading", "nav_status", "msg_type")
IDENTITY_FIELDS = (
    "imo",
    "callsign",
    "name",
    "ship_type",
    "length_m",
    "beam_m",
    "draught_m",
    "destination",
)
EXTRA_FIELDS = ("transceiver", "cargo_type")
ALL_FIELDS = POSITION_FIELDS + IDENTITY_FIELDS + EXTRA_FIELDS
REQUIRED_FIELDS = ("mmsi", "lat", "lon")

DEFAULT_RULES = {
    "mmsi": "integer",
    "ts": "time_any",
    "heading": "integer",
    "nav_status": "code",
    "msg_type": "integer",
    "ship_type": "code",
    "imo": "imo",
    "transceiver": "transceiver",
    **dict.fromkeys(("lat", "lon", "sog", "cog", "length_m", "beam_m", "draught_m"), "number"),
}
RULES = (
    "number",
    "integer",
    "time",
    "time_any",
    "strptime",
    "leading_digits",
    "code",
    "text",
    "imo",
    "transceiver",
)


@dataclass(frozen=True)
class Layout:
    """Where each canonical field sits in a provider's table (by header) and how it parses."""

    name: str
    columns: Mapping[str, str]  # canonical field -> header name
    rules: Mapping[str, str] = field(default_factory=dict)  # canonical field -> parse rule
    detect: tuple[str, ...] = ()  # headers that must all be present to pick this layout
    ts_format: str | None = None  # strptime format of the time column
    null_tokens: tuple[str, ...] = ()  # words meaning "not known" in identity fields

    def rule(self, name: str) -> str:
        if name == "ts" and self.ts_format:
            return "strptime"
        return self.rules.get(name, DEFAULT_RULES.get(name, "text"))


def layout_from_table(name: str, spec: Mapping[str, Any], source: str) -> Layout:
    """A layout from its TOML table (see layouts.toml); InputError naming what is wrong."""
    columns = dict(spec.get("columns", {}))
    rules = dict(spec.get("rules", {}))
    bad = [f for f in [*columns, *rules] if f not in ALL_FIELDS]
    bad += [f"{f} = {r}" for f, r in rules.items() if r not in RULES]
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if bad or missing:
        what = f"unknown {', '.join(bad)}" if bad else f"no column for {', '.join(missing)}"
        raise InputError(source, f"layout [{name}]: {what}")
    return Layout(
        name,
        columns,
        rules,
        tuple(spec.get("detect", columns.values())),
        spec.get("ts_format"),
        tuple(w.lower() for w in spec.get("null_tokens", ())),
    )


@cache
def _builtin() -> dict[str, Any]:
    return tomllib.loads(resources.files("darkcargo.ais").joinpath("layouts.toml").read_text())


VOCABULARY: dict[str, dict[str, Any]] = _builtin()["vocabulary"]
NOT_LAYOUTS = ("vocabulary", "guess")  # tables of layouts.toml that are not layouts


def load_layouts(files: Iterable[str | Path] = ()) -> tuple[Layout, ...]:
    """The user's layouts (first, so they win) then the built-in ones."""
    out: list[Layout] = []
    for path in files:
        try:
            tables = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(str(path), f"cannot read layouts ({exc})") from exc
        out += [
            layout_from_table(n, t, str(path)) for n, t in tables.items() if n not in NOT_LAYOUTS
        ]
    tables = _builtin()
    return (
        *out,
        *(
            layout_from_table(n, t, "layouts.toml")
            for n, t in tables.items()
            if n not in NOT_LAYOUTS
        ),
    )


def parse_column_map(spec: str) -> dict[str, str]:
    """``'mmsi=MMSI,ts=time,lat=y,lon=x'`` (plus ``ts_format=...``) as {field: header}."""
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise InputError("--columns", f"'{part.strip()}' is not FIELD=COLUMN")
        if key not in ALL_FIELDS and key != "ts_format":
            raise InputError(
                "--columns",
                f"unknown field '{key}'; known fields: {', '.join(ALL_FIELDS)}, ts_format",
            )
        mapping[key] = value
    return mapping


def layout_from_map(mapping: Mapping[str, str], default_time: datetime | None = None) -> Layout:
    """A layout from a user's column map; names the missing required fields."""
    need = list(REQUIRED_FIELDS) + ([] if default_time is not None else ["ts"])
    missing = [f for f in need if f not in mapping]
    if missing:
        hint = " (or pass --default-time)" if missing == ["ts"] else ""
        raise InputError("--columns", f"column map lacks {', '.join(missing)}{hint}")
    columns = {k: v for k, v in mapping.items() if k != "ts_format"}
    return Layout("columns", columns, ts_format=mapping.get("ts_format"))


def norm_header(name: str) -> str:
    """Header names compared without case, BOM, quotes, a leading '#', or repeated spaces."""
    return " ".join(name.replace("\ufeff", "").strip().strip('"').lstrip("#").split()).lower()


@dataclass(frozen=True)
class CsvPlan:
    """How to read one CSV: delimiter, header, layout, and the column index of each field."""

    delimiter: str
    header: list[str]
    layout: Layout
    fields: dict[str, int]


def plan_csv(
    head: bytes,
    path: str,
    column_map: Mapping[str, str] | None = None,
    default_time: datetime | None = None,
    layouts: tuple[Layout, ...] | None = None,
) -> CsvPlan:
    """Delimiter and header from the first line; the layout (the column map, else the first
    whose `detect` headers are all present); each field bound to its column."""
    import csv

    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        raise InputError(path, "CSV has no header line (first line is empty)", 1)
    delim = max((",", ";", "\t", "|"), key=first.count)
    header = [h.strip() for h in next(csv.reader([first], delimiter=delim))]
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(norm_header(h), i)
    if column_map:
        layout = layout_from_map(column_map, default_time)
    else:
        found = [
            lo
            for lo in layouts or load_layouts()
            if all(norm_header(d) in index for d in lo.detect)
        ]
        guessed = None if found else guess_layout(index, header, default_time, path)
        if not found and guessed is None:
            shown = ",".join(header[:24]) + ("..." if len(header) > 24 else "")
            seen = guess_columns(index, header)
            names = {"mmsi": "an MMSI", "ts": "a time", "lat": "a latitude", "lon": "a longitude"}
            lacking = [
                names[f]
                for f in (*REQUIRED_FIELDS, *(() if default_time else ("ts",)))
                if f not in seen
            ]
            have = ", ".join(f"{f}={seen[f]}" for f in names if f in seen)
            raise InputError(
                path,
                f"CSV header matches no known layout "
                f"({', '.join(lo.name for lo in layouts or load_layouts())}) and holds no "
                f"column named as {' or '.join(lacking)} usually is"
                + (f" (found {have})" if have else "")
                + f": '{shown}'; pass --columns 'mmsi=...,ts=...,lat=...,lon=...' "
                "or --layouts FILE",
                1,
            )
        layout = found[0] if found else guessed  # type: ignore[assignment]
    fields = {
        f: index[norm_header(c)] for f, c in layout.columns.items() if norm_header(c) in index
    }
    missing = [
        layout.columns[f]
        for f in (*REQUIRED_FIELDS, "ts")
        if f in layout.columns and f not in fields
    ]
    if missing:
        raise InputError(
            path,
            f"header lacks column(s) {', '.join(missing)} needed by the {layout.name} layout",
            1,
        )
    return CsvPlan(delim, header, layout, fields)


def guess_columns(index: Mapping[str, int], header: list[str]) -> dict[str, str]:
    """Each field's column by the usual names (`[guess]` in layouts.toml), each column taken
    at most once: what the header holds, whether or not it is enough to read the file."""
    columns: dict[str, str] = {}
    taken: set[int] = set()
    for name, candidates in _builtin()["guess"].items():
        for candidate in candidates:
            i = index.get(norm_header(candidate))
            if i is not None and i not in taken:
                columns[name] = header[i]
                taken.add(i)
                break
    return columns


def guess_layout(
    index: Mapping[str, int],
    header: list[str],
    default_time: datetime | None = None,
    path: str = "",
) -> Layout | None:
    """A layout from the header names themselves, for a CSV no layout matches: each field takes
    the first of its usual names (`[guess]` in layouts.toml) that the header holds, each column
    at most one field. None unless an MMSI, a latitude, a longitude and a time (or a default
    time) are all found."""
    columns = guess_columns(index, header)
    needed = (*REQUIRED_FIELDS, *(() if default_time is not None else ("ts",)))
    if not all(f in columns for f in needed):
        return None
    log.warning(
        "%s: no known layout; columns guessed from their names: %s "
        "(pass --columns to choose others)",
        path,
        ", ".join(f"{f}={c}" for f, c in columns.items()),
    )
    return Layout("guessed", columns, detect=tuple(columns.values()))
