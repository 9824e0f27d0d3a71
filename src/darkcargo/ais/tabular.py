"""Tabular AIS (provider CSV, Parquet) read by DuckDB's own readers, transformed in SQL.

A layout says where each canonical field sits (a header name) and how its column parses (a
rule); layouts are data (`layouts.toml`, `--layouts FILE`, `--columns`), not code paths.
DuckDB reads the file (`read_csv` with typed columns and `store_rejects`, or `read_parquet`)
into a stage table inside the ingest transaction; the transform is SQL over the stage:

- positions: UTC times, sentinels to nulls (lat 91, lon 181, sog 102.3, cog >= 360, heading
  outside 0-359, nav_status outside 0-15); a row without a position (lat/lon empty, "None" or
  91/181) is a static report: kept for its identity, never stored as a position;
- rejects, one reason per row and the field that caused it, first that applies of:
  unparseable (a value that does not parse in mmsi, ts, lat, lon, sog, cog or heading, or a
  line DuckDB's reader could not split), no_time (no time and no default), out_of_range (MMSI
  beyond the 30-bit field, |lat| > 90, |lon| > 180, sog outside 0-102.3), no_position (no
  position and no identity to keep). Literal None, nan, NULL and empty values are nulls.
- statics: identity (IMO, call sign, name, type, dimensions, destination; lenient: what does
  not parse is null) once per MMSI per change, found by a window over file order.

Line numbers are file lines (header = 1) worked out from the reader's row order, its rejects
and the blank lines it skips (`sources.LineScan`); a quoted field spanning lines counts as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from darkcargo.ais.layout import (
    ALL_FIELDS,
    EXTRA_FIELDS,
    IDENTITY_FIELDS,
    POSITION_FIELDS,
    REQUIRED_FIELDS,
    VOCABULARY,
    CsvPlan,
    Layout,
    guess_layout,
    load_layouts,
    norm_header,
)
from darkcargo.ais.sources import CsvReadError, LineScan
from darkcargo.errors import InputError
from darkcargo.workspace import Workspace

NULL_WORDS = ("", "None", "NONE", "none", "NULL", "null", "Null", "nan", "NaN", "NAN")
READ_TYPE = {"number": "DOUBLE", "integer": "DOUBLE", "time": "TIMESTAMPTZ"}  # others VARCHAR
MMSI_MAX, IMO_MAX = (1 << 30) - 1, (1 << 30) - 1
STAGE, IDSTAGE, READER_REJECTS = "_dc_stage", "_dc_identity_stage", "_dc_reader_rejects"
PIECES, IDS = "_dc_line_pieces", "_dc_identities"
BUCKET = 4096  # rows per bucket when row order is mapped to line numbers

# Reject codes of the transform, in the order they are tested: (reason, field).
WHY: tuple[tuple[str, str], ...] = (
    ("unparseable", "mmsi"),
    ("unparseable", "ts"),
    ("unparseable", "lat"),
    ("unparseable", "lon"),
    ("unparseable", "sog"),
    ("unparseable", "cog"),
    ("unparseable", "heading"),
    ("no_time", "ts"),
    ("out_of_range", "mmsi"),
    ("out_of_range", "lat"),
    ("out_of_range", "lon"),
    ("out_of_range", "sog"),
    ("no_position", "lat"),
)


# ---------------------------------------------------------------------------------------------
# The transform, as SQL
# ---------------------------------------------------------------------------------------------
def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _words(col: str, vocab: Mapping[str, Any], pick: int | None = None) -> str:
    """CASE mapping words (any case, trimmed) to codes; the usual spellings are matched as
    written first (no string work per row), the rest lower-cased and trimmed."""
    code = {w: v if pick is None else v[pick] for w, v in vocab.items()}
    exact = {v: c for w, c in code.items() for v in (w, w.upper(), w.title(), w.capitalize())}
    fast = " ".join(f"WHEN {_lit(w)} THEN {c}" for w, c in exact.items())
    slow = " ".join(f"WHEN {_lit(w)} THEN {c}" for w, c in code.items())
    return f"(CASE {col} {fast} ELSE CASE lower(trim({col})) {slow} END END)"


def _int(expr: str) -> str:
    return f"(CASE WHEN ({expr}) = trunc({expr}) THEN TRY_CAST({expr} AS BIGINT) END)"


def parse_sql(rule: str, col: str, name: str, layout: Layout, ctype: str = "VARCHAR") -> str:
    """SQL for one canonical value from column `col` (read as `ctype`) under a parse rule."""
    num = col if ctype == "DOUBLE" else f"TRY_CAST({col} AS DOUBLE)"
    if rule in ("number", "integer"):
        return num
    if rule == "leading_digits":
        return f"TRY_CAST(regexp_extract({col}, '^\\s*(\\d+)', 1) AS DOUBLE)"
    if rule in ("time", "time_any", "strptime"):
        if ctype == "TIMESTAMP":  # naive: UTC already
            return col
        if ctype.startswith(("TIMESTAMP", "DATE")):  # with a zone (converted to UTC), or a day
            return f"{col}::TIMESTAMPTZ::TIMESTAMP"
        if ctype != "VARCHAR":  # numbers: epoch seconds (milliseconds above 1e11)
            return f"to_timestamp(CASE WHEN abs({num}) > 1e11 THEN {num} / 1000 ELSE {num} END)::TIMESTAMP"
        if rule == "strptime":
            return f"TRY_CAST(try_strptime(trim({col}), {_lit(layout.ts_format or '')}) AS TIMESTAMPTZ)::TIMESTAMP"
        iso = f"TRY_CAST(regexp_replace(trim({col}), ' (Z|[+-]\\d\\d:?\\d\\d)$', '\\1') AS TIMESTAMPTZ)"
        if rule == "time":
            return f"{iso}::TIMESTAMP"
        # Epoch seconds or milliseconds; also in scientific notation, as R's write.csv writes
        # a round one when that is shorter ("1.522551e+12", "1.52257e+12": exact values).
        epoch = (
            f"CASE WHEN regexp_full_match(trim({col}), '\\d{{9,10}}(\\.\\d+)?') THEN to_timestamp({num}) "
            f"WHEN regexp_full_match(trim({col}), '\\d{{12,13}}') THEN to_timestamp({num} / 1000) "
            f"WHEN regexp_full_match(trim({col}), '\\d(\\.\\d+)?[eE]\\+?(09|12)') "
            f"THEN to_timestamp(CASE WHEN {num} > 1e11 THEN {num} / 1000 ELSE {num} END) END"
        )
        return f"coalesce({iso}, {epoch})::TIMESTAMP"
    if ctype != "VARCHAR":  # a typed column (Parquet, JSON) under a text rule: its text
        col = f"({col})::VARCHAR"
    text = f"nullif(trim({col}, ' \t@'), '')"
    if layout.null_tokens:
        text = f"(CASE WHEN lower({text}) NOT IN ({', '.join(map(_lit, layout.null_tokens))}) THEN {text} END)"
    if rule == "imo":
        return _int(f"TRY_CAST(regexp_replace({text}, '^(?i:imo)\\s*', '') AS DOUBLE)")
    if rule == "transceiver":
        return _words(col, VOCABULARY["transceiver"], 1 if name == "static" else 0)
    if rule == "code":
        return f"coalesce({_int(num)}, {_words(col, VOCABULARY.get(name, {}))})"
    return text


RAW_CHECKED = ("ts", "lat", "lon", "sog", "cog", "heading")  # strict: unparseable rejects the row
KEPT = (*IDENTITY_FIELDS, *EXTRA_FIELDS, "msg_type")  # raw text kept in the stage for statics


def stage_sql(
    source: str,
    cols: Mapping[str, str],
    types: Mapping[str, str],
    layout: Layout,
    default_time: datetime | None,
    line: str | None = None,
    raw: str | None = None,
    keep_identity: bool = True,
    table: str = STAGE,
) -> str:
    """CREATE the stage from `source` (a reader call) in one pass: parsed position values, the
    reject code (`why`, an index into WHY plus one), an identity hash, and (`keep_identity`)
    the raw identity text. `cols` maps canonical fields to column expressions, `types` gives
    their types as read."""

    def val(name: str, col: str | None = None) -> str:
        if name not in cols:
            return "NULL"
        ctype = "VARCHAR" if col else types.get(name, "VARCHAR")
        return f"({parse_sql(layout.rule(name), col or cols[name], name, layout, ctype)})"

    v = {n: val(n) for n in ("mmsi", "ts", "lat", "lon", "sog", "cog", "heading")}

    def code(x: str, lo: int, hi: int) -> str:  # an integral number in lo..hi, else null
        return f"(CASE WHEN {x} = trunc({x}) AND {x} BETWEEN {lo} AND {hi} THEN TRY_CAST({x} AS TINYINT) END)"

    msg = code(val("msg_type"), 1, 27) if "msg_type" in cols else f"{val('transceiver')}::TINYINT"
    nav = val("nav_status")
    if layout.rule("nav_status") in ("number", "integer"):
        nav = code(nav, 0, 15)
    elif "nav_status" in cols:  # words give 0-15; numbers are checked
        nav = f"(CASE WHEN {nav} BETWEEN 0 AND 15 THEN TRY_CAST({nav} AS TINYINT) END)"
    ident = [cols[f] for f in IDENTITY_FIELDS if f in cols]
    hashed = [f"{c}::VARCHAR" for c in ident] + [cols[f] for f in EXTRA_FIELDS if f in cols]
    none = " AND ".join(f"{c} IS NULL" for c in ident)
    idh = f"CASE WHEN {none} THEN NULL ELSE hash({', '.join(hashed)}) END" if ident else "NULL"
    has_ident = (
        " OR ".join(
            f"{val(f, cols[f] + '::VARCHAR')} IS NOT NULL" for f in IDENTITY_FIELDS if f in cols
        )
        or "false"
    )
    tests = ["{mmsi} IS NULL OR NOT isfinite({mmsi}) OR {mmsi} <> trunc({mmsi})"]
    for n in RAW_CHECKED:  # a value that does not parse: present as read, null once parsed
        bad = (
            [f"{cols[n]} IS NOT NULL AND {{{n}}} IS NULL"]
            if n in cols and types.get(n, "VARCHAR") == "VARCHAR"
            else []
        )
        tests.append(
            " OR ".join(bad + ([] if n == "ts" else [f"NOT isfinite({{{n}}})"])) or "false"
        )
    tests += [
        "false" if default_time else "{ts} IS NULL",
        f"{{mmsi}} < 0 OR {{mmsi}} > {MMSI_MAX}",
        "abs({lat}) > 90 AND {lat} <> 91",
        "abs({lon}) > 180 AND {lon} <> 181",
        "{sog} < 0 OR {sog} > 102.3",
        f"({{lat}} IS NULL OR {{lon}} IS NULL OR {{lat}} = 91 OR {{lon}} = 181) AND NOT ({has_ident})",
    ]
    why = " ".join(f"WHEN {t} THEN {i + 1}" for i, t in enumerate(tests) if t != "false")
    ts = (
        f"coalesce({{ts}}, TIMESTAMP {_lit(default_time.isoformat(sep=' '))})"
        if default_time
        else "{ts}"
    )
    out = [
        f"TRY_CAST({{mmsi}} AS BIGINT) AS mmsi, {ts} AS ts, {{lat}} AS lat, {{lon}} AS lon",
        "TRY_CAST(CASE WHEN {sog} <> 102.3 THEN {sog} END AS FLOAT) AS sog",
        "(CASE WHEN {cog} >= 0 AND {cog} < 360 THEN {cog} END)::FLOAT AS cog",
        # a resampled or interpolated track's heading (128.75) to the nearest degree
        "TRY_CAST(CASE WHEN round({heading}) BETWEEN 0 AND 359 THEN round({heading}) "
        "WHEN round({heading}) = 360 THEN 0 END AS SMALLINT) AS heading",
        f"{nav} AS nav, {msg} AS msg",
        f"(CASE {why} END)::UTINYINT AS why",
    ]
    out = [o.format(**v) for o in out] + [f"{idh} AS idh"]
    out += [f'{cols[f]}::VARCHAR AS "id_{f}"' for f in KEPT if f in cols and keep_identity]
    out += [f"{line} AS line"] * bool(line) + [f"{raw} AS raw"] * bool(raw)  # numbers, text
    return f"CREATE TEMP TABLE {table} AS SELECT {', '.join(out)} FROM {source}"


def stage_csv(
    ws: Workspace,
    path: Path,
    plan: CsvPlan,
    default_time: datetime | None,
    line_column: bool = False,
) -> None:
    """Read a plain CSV into the stage (its identity columns only hashed); lines the reader
    rejects are kept in READER_REJECTS. With `line_column` (a file of chosen lines, see
    `write_stage`), a last column holds each line's number and the stage keeps the identity.
    Raises CsvReadError when the file needs `sources.write_plain(repair=True)`."""
    fmt = plan.layout.ts_format
    types: dict[int, str] = {}
    for f, i in plan.fields.items():
        t = READ_TYPE.get(plan.layout.rule(f), "VARCHAR") if f in POSITION_FIELDS else "VARCHAR"
        if f == "ts" and fmt:  # DuckDB's reader parses the format itself (the fast path)
            t = "TIMESTAMPTZ" if "%z" in fmt or "%Z" in fmt else "TIMESTAMP"
        types[i] = t if types.get(i, t) == t else "VARCHAR"
    n = len(plan.header)
    columns = {f"c{i}": types.get(i, "VARCHAR") for i in range(n)} | (
        {f"c{n}": "BIGINT"} if line_column else {}
    )
    cols = {f: f'"c{i}"' for f, i in plan.fields.items()}
    source = (
        "read_csv(?, columns=?, header=true, auto_detect=false, delim=?, quote='\"', "
        "escape='\"', new_line=?, nullstr=?, store_rejects=true, rejects_table=?, "
        f"rejects_scan=?, max_line_size=4194304{', timestampformat=?' if fmt else ''})"
    )
    with open(path, "rb") as fh:
        crlf = fh.readline().endswith(b"\r\n")
    table, rejects = (IDSTAGE, "_dc_id_rejects") if line_column else (STAGE, READER_REJECTS)
    sql = stage_sql(
        source,
        cols,
        {f: types[i] for f, i in plan.fields.items()},
        plan.layout,
        default_time,
        f'"c{n}"' if line_column else None,
        keep_identity=line_column,
        table=table,
    )
    params = [
        str(path),
        columns,
        plan.delimiter,
        "\\r\\n" if crlf else "\\n",
        list(NULL_WORDS),
        rejects,
        rejects + "_scans",
        *([fmt] if fmt else []),
    ]
    try:
        ws.con.execute(sql, params)
    except duckdb.InvalidInputException as exc:
        raise CsvReadError(str(exc).splitlines()[0]) from exc
    bad_bytes = ws.scalar(f"SELECT count(*) FROM {rejects} WHERE error_type = 'INVALID ENCODING'")
    if bad_bytes:
        drop_stage(ws)
        raise CsvReadError(f"{bad_bytes} line(s) with bytes that are not UTF-8")


# Record files DuckDB reads itself: (reader, row number of a record, name in messages). A JSON
# record's number counts records (one per line in JSON Lines), not physical lines.
RECORD_READERS: dict[str, tuple[str, str, str]] = {
    "parquet": ("read_parquet(?, file_row_number=true)", "file_row_number + 1", "Parquet"),
    "json": (
        "(SELECT *, row_number() OVER () AS _dc_record FROM read_json(?, format='auto'))",
        "_dc_record",
        "JSON",
    ),
}


def stage_records(
    ws: Workspace,
    path: Path,
    shown: str,
    default_time: datetime | None,
    layouts: tuple[Layout, ...] | None = None,
    fmt: str = "parquet",
) -> Layout:
    """Read a Parquet or JSON (Lines) file into the stage: by the canonical column names (any
    case), else by the first provider layout whose `detect` columns it has (MarineCadastre's
    GeoParquet carries the csv2 names), else by the usual names of its columns (GFW's pipeline
    messages: ssvid, timestamp, lat, lon ...). Returns the layout read by (named `fmt` for the
    canonical names)."""
    reader, line, kind = RECORD_READERS[fmt]
    probe = reader.replace(", row_number() OVER () AS _dc_record", "")
    try:
        described = ws.con.execute(f"DESCRIBE SELECT * FROM {probe}", [str(path)]).fetchall()
    except duckdb.Error as exc:
        raise InputError(shown, f"not a readable {kind} file ({str(exc).splitlines()[0]})") from exc
    # the row number DuckDB adds is no column of the file
    names = [str(r[0]) for r in described if str(r[0]) != "file_row_number"]
    by_name = {norm_header(str(r[0])): (str(r[0]), str(r[1])) for r in described}
    layout = Layout(fmt, {f: f for f in ALL_FIELDS})
    needed = (*REQUIRED_FIELDS, *(() if default_time else ("ts",)))
    if not all(f in by_name for f in needed):  # e.g. canonical names but the time's own
        known = layouts or load_layouts()
        index = {norm_header(n): i for i, n in enumerate(names)}
        layout = (
            next(
                (lo for lo in known if all(norm_header(d) in by_name for d in lo.detect)),
                None,
            )
            or guess_layout(index, names, default_time, shown)
            or layout
        )
    found = {
        f: by_name[norm_header(c)] for f, c in layout.columns.items() if norm_header(c) in by_name
    }
    missing = [f for f in needed if f not in found]
    if missing:
        raise InputError(
            shown,
            f"{kind} file lacks canonical column(s) {', '.join(missing)} and matches no known "
            f"layout (has {', '.join(names[:12])})",
        )
    cols = {f: '"' + n.replace('"', '""') + '"' for f, (n, _) in found.items()}
    every = ", ".join(f"coalesce({c}::VARCHAR, '')" for c in cols.values())
    layout = replace(layout, columns={f: n for f, (n, _) in found.items()})
    sql = stage_sql(
        reader,
        cols,
        {f: t for f, (_, t) in found.items()},
        layout,
        default_time,
        line,
        f"concat_ws(',', {every})",
    )
    try:
        ws.con.execute(sql, [str(path)])
    except duckdb.Error as exc:
        raise InputError(shown, f"cannot read {kind} ({str(exc).splitlines()[0]})") from exc
    return layout


def drop_stage(ws: Workspace) -> None:
    for name in (
        STAGE,
        IDSTAGE,
        PIECES,
        IDS,
        *(n + s for n in (READER_REJECTS, "_dc_id_rejects") for s in ("", "_scans")),
    ):
        ws.con.execute(f"DROP TABLE IF EXISTS {name}")


@dataclass
class TableResult:
    """What the transform made of one tabular file."""

    lines_read: int = 0
    accepted: int = 0
    rejected: int = 0
    positions: int = 0
    statics: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    hint: str = ""  # the likely cause when nothing was accepted


def _int64(values: npt.NDArray[np.int64]) -> pa.Array:
    """An Arrow int64 array over NumPy memory (no conversion through pyarrow's Python layer,
    which would import pandas)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _line_map(ws: Workspace, skipped: npt.NDArray[np.int64] | None, rows: int) -> tuple[str, str]:
    """SQL for the file line of stage row `s.k` (0-based, file order): the row's rank plus the
    lines the reader skipped before it (header, blank lines, its rejects). When lines were
    skipped, a table of (bucket, row range, lines skipped) is joined by bucket. No `skipped`:
    the stage has its rows' numbers (Parquet)."""
    if skipped is None:
        return "s.line", ""
    skipped = np.unique(skipped)
    if len(skipped) == 1 and skipped[0] == 1:
        return "s.k + 2", ""
    keys = skipped - np.arange(1, len(skipped) + 1)  # row r follows #{keys < r} skipped lines
    lo = np.concatenate(([0], keys))
    hi = np.minimum(np.concatenate((keys, [rows])), rows)
    keep = hi > lo
    lo, hi, j = lo[keep], hi[keep], np.arange(len(keep))[keep]
    first, last = (lo + 1) // BUCKET, hi // BUCKET
    n = last - first + 1
    seg = np.repeat(np.arange(len(n)), n)
    bucket = first[seg] + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    ws.con.execute(
        f"CREATE TEMP TABLE {PIECES} AS SELECT unnest(?::BIGINT[]) AS bucket, "
        "unnest(?::BIGINT[]) AS lo, unnest(?::BIGINT[]) AS hi, unnest(?::BIGINT[]) AS j",
        [bucket.tolist(), lo[seg].tolist(), hi[seg].tolist(), j[seg].tolist()],
    )
    join = f"JOIN {PIECES} p ON p.bucket = (s.k + 1) // {BUCKET} AND s.k + 1 > p.lo AND s.k + 1 <= p.hi"
    return "s.k + 1 + p.j", join


def _identity_sql(cols: Iterable[str], layout: Layout) -> dict[str, str]:
    """SQL of each statics column from the stage's raw identity text `s."id_*"`."""
    have = set(cols)

    def val(f: str, rule: str | None = None) -> str:
        return parse_sql(rule or layout.rule(f), f's."id_{f}"', f, layout) if f in have else "NULL"

    ship = val("ship_type")
    if "cargo_type" in have:
        digit = _words('s."id_cargo_type"', VOCABULARY["cargo_type"])
        ship = f"(CASE WHEN {ship} IN (20, 40, 60, 70, 80, 90) THEN {ship} + coalesce({digit}, 0) ELSE {ship} END)"
    out = {"imo": f"(CASE WHEN {val('imo')} BETWEEN 1 AND {IMO_MAX} THEN {val('imo')} END)"}
    out |= {f: val(f, "text") for f in ("callsign", "name", "destination")}
    out["ship_type"] = f"(CASE WHEN {ship} BETWEEN 1 AND 9999 THEN {ship} END)::SMALLINT"
    for f in ("length_m", "beam_m", "draught_m"):
        out[f] = f"TRY_CAST(CASE WHEN {val(f, 'number')} > 0 THEN {val(f, 'number')} END AS FLOAT)"
    if "msg_type" in have:
        out["msg_type"] = (
            f"(CASE WHEN {_int(val('msg_type'))} BETWEEN 1 AND 27 THEN {_int(val('msg_type'))} END)::TINYINT"
        )
    elif "transceiver" in have:
        words = _words('s."id_transceiver"', VOCABULARY["transceiver"], 1)
        out["msg_type"] = f"nullif({words}, 0)::TINYINT"
    else:
        out["msg_type"] = "NULL::TINYINT"
    return out


def write_stage(
    ws: Workspace,
    source_id: int,
    plan: CsvPlan | None,
    scan: LineScan | None,
    tmp: Path,
    default_time: datetime | None,
) -> TableResult:
    """Positions, statics and rejects from the stage. For a CSV (`plan`), `scan` locates its
    lines, and the identity of the rows where it changes is read again from those lines (a
    small file in `tmp`) rather than kept for every row."""
    res = TableResult()
    counts = dict(ws.con.execute(f"SELECT why, count(*) FROM {STAGE} GROUP BY why").fetchall())
    rows = sum(counts.values())
    # rowids of a table written in the open transaction start at an offset, in file order
    base, top = ws.con.execute(f"SELECT min(rowid), max(rowid) FROM {STAGE}").fetchall()[0]
    if rows and top - base + 1 != rows:
        raise RuntimeError(f"stage rows {rows} are not numbered {base}..{top}")
    reader = np.zeros(0, np.int64)
    if plan is not None:
        reader = ws.con.execute(
            f"SELECT DISTINCT line::BIGINT AS l FROM {READER_REJECTS}"
        ).fetchnumpy()["l"]
    blank = scan.blank_lines() if scan is not None else []
    unsplit = len(reader) + len(blank)
    if scan is not None and rows + unsplit != scan.lines - 1:
        drop_stage(ws)
        raise CsvReadError(
            f"{rows + unsplit} rows read from {scan.lines - 1} lines (quotes or carriage "
            "returns join or split lines)"
        )
    skipped = np.concatenate(([1], blank, reader)).astype(np.int64) if plan is not None else None
    line, join = _line_map(ws, skipped, rows)
    res.accepted = int(counts.get(None, 0))
    res.lines_read = rows + unsplit
    res.rejected = res.lines_read - res.accepted
    reasons: dict[str, int] = {"unparseable": unsplit} if unsplit else {}
    for code, n in counts.items():
        if code is not None:
            reasons[WHY[code - 1][0]] = reasons.get(WHY[code - 1][0], 0) + int(n)
    res.reasons = dict(sorted(reasons.items(), key=lambda kv: -kv[1]))
    if res.accepted == 0:
        res.hint = nothing_accepted_hint(ws, counts, unsplit, plan, _first_time(scan, plan))
        return res
    rows_sql = (
        f"FROM (SELECT rowid - {int(base or 0)} AS k, * FROM {STAGE} WHERE {{where}}) s {join}"
    )
    # Positions need no order (row_id says where each came from): without it, DuckDB's threads
    # append whole row groups each, which closing the workspace then has no need to merge.
    ordered = ws.scalar("SELECT current_setting('preserve_insertion_order')")
    ws.con.execute("SET preserve_insertion_order = false")
    try:
        res.positions = int(
            ws.con.execute(
                "INSERT INTO positions SELECT s.mmsi, s.ts, s.lat, s.lon, s.sog, s.cog, s.heading, "
                f"s.nav, s.msg, s.mmsi BETWEEN 100000000 AND 999999999, {int(source_id)}, {line} "
                + rows_sql.format(where="why IS NULL AND lat <> 91 AND lon <> 181")
            ).fetchall()[0][0]
        )
    finally:
        ws.con.execute(f"SET preserve_insertion_order = {str(bool(ordered)).lower()}")
    present = [
        f for f in (*IDENTITY_FIELDS, *EXTRA_FIELDS, "msg_type") if plan and f in plan.fields
    ]
    if plan is None:
        present = [
            str(r[0])[3:]
            for r in ws.con.execute(
                f"SELECT column_name FROM (DESCRIBE {STAGE}) WHERE column_name LIKE 'id_%'"
            ).fetchall()
        ]
    if any(f in present for f in IDENTITY_FIELDS):
        # Identity changes per MMSI by a window over file order; an MMSI with one identity in
        # the file changes once (its first row), so the window reads only the others' rows.
        kept = f"FROM {STAGE} WHERE why IS NULL AND idh IS NOT NULL"
        ws.con.execute(
            f"CREATE TEMP TABLE {IDS} AS SELECT mmsi, idh, min(rowid) AS k {kept} GROUP BY ALL"
        )
        changed = (
            f"rowid IN (SELECT k FROM {IDS} WHERE mmsi IN (SELECT mmsi FROM {IDS} GROUP BY mmsi "
            f"HAVING count(*) = 1) UNION ALL SELECT k FROM (SELECT rowid AS k, idh, lag(idh) OVER "
            f"(PARTITION BY mmsi ORDER BY rowid) AS prev {kept} AND mmsi IN (SELECT mmsi FROM {IDS} "
            "GROUP BY mmsi HAVING count(*) > 1)) WHERE prev IS DISTINCT FROM idh)"
        )
        source, row_id = rows_sql.format(where=changed), line
        if plan is not None and scan is not None:  # read the identity of those lines again
            picked = ws.con.execute(f"SELECT {line} AS l {source} ORDER BY l").fetchnumpy()["l"]
            texts = scan.texts(np.concatenate(([1], picked)).astype(np.int64)).to_pylist()
            numbers = ["line", *map(str, picked.tolist())]
            small = tmp / "identity.csv"
            small.write_text(
                "".join(f"{t}{plan.delimiter}{n}\n" for t, n in zip(texts, numbers, strict=True))
            )
            stage_csv(ws, small, plan, default_time, line_column=True)
            source, row_id = f"FROM {IDSTAGE} s", "s.line"
        res.statics = _write_statics(
            ws, source_id, _identity_sql(present, layout_of(plan)), source, row_id
        )
    _write_rejects(ws, source_id, line, rows_sql, plan, scan, blank)
    return res


def layout_of(plan: CsvPlan | None) -> Layout:
    return plan.layout if plan is not None else Layout("parquet", {})


def _write_statics(
    ws: Workspace, source_id: int, ident: Mapping[str, str], source: str, row_id: str
) -> int:
    """Statics from candidate rows (`source`, a FROM clause over `s`): rows with no identity
    dropped, then one row per identity change per MMSI in time order."""
    same = "struct_pack(" + ", ".join(IDENTITY_FIELDS) + ")"
    return int(
        ws.con.execute(
            "INSERT INTO statics WITH c AS (SELECT s.mmsi, s.ts, "
            + ", ".join(f"{sql} AS {f}" for f, sql in ident.items())
            + f", {row_id} AS row_id {source}"
            + f"), d AS (SELECT *, lag({same}) OVER (PARTITION BY mmsi ORDER BY ts, row_id) AS prev "
            f"FROM c WHERE {' OR '.join(f'{f} IS NOT NULL' for f in IDENTITY_FIELDS)}) "
            f"SELECT mmsi, ts, {', '.join(IDENTITY_FIELDS)}, msg_type, "
            f"mmsi BETWEEN 100000000 AND 999999999, {int(source_id)}, row_id FROM d "
            f"WHERE prev IS DISTINCT FROM {same} ORDER BY mmsi, ts, row_id"
        ).fetchall()[0][0]
    )


def _write_rejects(
    ws: Workspace,
    source_id: int,
    line: str,
    rows_sql: str,
    plan: CsvPlan | None,
    scan: LineScan | None,
    blank: list[int],
) -> None:
    """Every line not accepted, with its reason and the field that caused it: the lines DuckDB's
    reader could not split or type, the blank ones it skipped, and the transform's rejects (with
    the text of their lines, read again from the file)."""
    sid = int(source_id)
    why = (
        "(VALUES "
        + ", ".join(f"({i + 1}, {_lit(r)}, {_lit(f)})" for i, (r, f) in enumerate(WHY))
        + ") w(code, reason, field)"
    )
    if plan is not None:
        column = " ".join(
            f"WHEN 'c{i}' THEN {_lit(f)}" for f, i in plan.fields.items() if f in POSITION_FIELDS
        )
        ws.con.execute(
            f"INSERT INTO rejects SELECT {sid}, line, trim(arg_min(csv_line, column_idx), chr(10) || chr(13)), "
            f"'unparseable', CASE WHEN arg_min(error_type, column_idx) = 'CAST' THEN CASE arg_min(column_name, "
            f"column_idx) {column} END END FROM {READER_REJECTS} GROUP BY line"
        )
    if blank:
        ws.con.execute(
            "INSERT INTO rejects SELECT ?, unnest(?::BIGINT[]), '', 'unparseable', NULL",
            [sid, blank],
        )
    if scan is None:
        ws.con.execute(
            f"INSERT INTO rejects SELECT {sid}, {line}, s.raw, w.reason, w.field "
            + rows_sql.format(where="why IS NOT NULL")
            + f" JOIN {why} ON s.why = w.code"
        )
        return
    lines = ws.con.execute(
        f"SELECT {line} AS l " + rows_sql.format(where="why IS NOT NULL") + " ORDER BY l"
    ).fetchnumpy()["l"]
    for start in range(0, len(lines), 1 << 20):
        part = lines[start : start + (1 << 20)]
        _texts = pa.Table.from_arrays([_int64(part), scan.texts(part)], names=["l", "raw"])
        ws.con.execute(
            f"INSERT INTO rejects SELECT {sid}, t.l, t.raw, w.reason, w.field FROM _texts t JOIN "
            f"(SELECT {line} AS l, s.why "
            + rows_sql.format(where="why IS NOT NULL")
            + f") r USING (l) JOIN {why} ON r.why = w.code ORDER BY t.l"
        )


def _reader_cast_failures(ws: Workspace, plan: CsvPlan) -> tuple[str, int, str] | None:
    """(field, lines, DuckDB's message for the first) of the field whose values DuckDB's CSV
    reader most often failed to convert, or None when no line failed that way."""
    column = {f"c{i}": f for f, i in plan.fields.items()}
    found = ws.con.execute(
        f"SELECT column_name, count(DISTINCT line), arg_min(error_message, line) "
        f"FROM {READER_REJECTS} WHERE error_type = 'CAST' GROUP BY column_name "
        "ORDER BY count(DISTINCT line) DESC LIMIT 1"
    ).fetchall()
    if not found:
        return None
    name, lines, message = found[0]
    text = str(message).splitlines()[0]
    text = text[text.find("Could not convert") :] if "Could not convert" in text else text
    return column.get(str(name), str(name)), int(lines), text[:160]


def _first_time(scan: LineScan | None, plan: CsvPlan | None) -> str | None:
    """The time column's text on the first data line of a plain CSV, for a message."""
    if scan is None or plan is None or "ts" not in plan.fields:
        return None
    import csv

    try:
        line = scan.texts(np.array([2], np.int64))[0].as_py() or ""
    except (OSError, IndexError, ValueError):
        return None
    row = next(csv.reader([line], delimiter=plan.delimiter), [])
    i = plan.fields["ts"]
    return row[i].strip()[:40] if i < len(row) and row[i].strip() else None


def nothing_accepted_hint(
    ws: Workspace,
    counts: Mapping[Any, int],
    unsplit: int,
    plan: CsvPlan | None = None,
    first_time: str | None = None,
) -> str:
    """The likely cause when no row of a file was accepted, read off its rejects."""
    total = sum(counts.values()) + unsplit
    if unsplit > total / 2:
        cast = _reader_cast_failures(ws, plan) if plan is not None else None
        if cast is not None and cast[1] > total / 2:
            field, _, example = cast
            if field == "ts":
                return (
                    f"times do not parse as this layout reads them ({example}): give their "
                    "format (--columns ...,ts_format=%Y-%m-%d %H:%M:%S) or map the columns"
                )
            return f"most lines have a {field} that does not convert ({example})"
        return "most lines do not split into the header's columns: check the delimiter"
    top = max((c for c in counts if c is not None), key=lambda c: counts[c], default=None)
    if top is None:
        return "the file holds no rows"
    reason, name = WHY[top - 1]
    if reason == "no_time":
        return "no row has a time: map the time column (--columns ts=...) or pass --default-time"
    if reason == "unparseable" and name == "ts":
        seen = f" ('{first_time}' on line 2)" if first_time else ""
        return (
            f"times do not parse{seen}: give their format in strptime codes "
            "(--columns ...,ts_format=%d/%m/%Y %H:%M:%S)"
        )
    swapped, units = ws.con.execute(
        "SELECT count(*) FILTER (abs(lat) > 90 AND abs(lat) <= 180 AND abs(lon) <= 90), "
        f"count(*) FILTER (abs(lat) > 180 OR abs(lon) > 360) FROM {STAGE} WHERE why IS NOT NULL"
    ).fetchall()[0]
    if swapped > total / 2:
        return "latitudes beyond 90 degrees while the longitudes fit: are lat and lon swapped?"
    if units > total / 2:
        return (
            "positions far beyond 90/180: wrong units? (degrees are expected; AIS raw "
            "positions are 1/10,000 minutes, i.e. degrees x 600,000)"
        )
    return f"most rows are {reason} ({name})"
