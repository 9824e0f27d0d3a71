"""Load analyst sightings from CSV into the `sightings` table.

Columns (header required, any order): sighting_id, ts, place, kind, count, count_low, count_high,
mmsi, imo, source. `ts`, `place` and `kind` are required, and a count or a count_low/count_high
pair; the rest may be empty. A row without sighting_id gets a stable id from its content.
Re-loading a file replaces the rows with the same ids, so loading is idempotent.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from darkcargo.errors import InputError
from darkcargo.sightings.schema import SIGHTINGS
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

COLUMNS: tuple[str, ...] = tuple(SIGHTINGS.names)
REQUIRED: tuple[str, ...] = ("ts", "place", "kind")


@dataclass(frozen=True)
class SightingsReport:
    """What a load did: rows read from the file, and how many replaced earlier rows."""

    path: str
    rows: int
    replaced: int
    kinds: dict[str, int]


def query_arrow(ws: Workspace, sql: str, params: list | None = None) -> pa.Table:
    """Run a query and return Arrow (works with DuckDB 1.x and 2.x result method names)."""
    cur = ws.con.execute(sql, params or [])
    fetch = getattr(cur, "fetch_arrow_table", None) or cur.to_arrow_table
    with warnings.catch_warnings():
        # DuckDB 2 warns that DB-API results copy rows into Arrow; relations (con.sql) would
        # not, but refuse to run while an earlier execute() result is unfinished.
        warnings.simplefilter("ignore", UserWarning)
        return fetch()


def _parse_ts(text: str) -> datetime:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    ts = datetime.fromisoformat(value)
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


def _num(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    v = float(text.replace(",", "").replace("_", ""))
    if v != v or v < 0:  # NaN or negative
        raise ValueError(f"expected a non-negative number, got {text!r}")
    return v


def _int(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    return int(text.strip())


def read_sightings_csv(path: str | Path) -> pa.Table:
    """Parse and check a sightings CSV; raise InputError naming the file, line and reason."""
    p = Path(path)
    if not p.exists():
        raise InputError(str(p), "no such file")
    rows: dict[str, list] = {c: [] for c in COLUMNS}
    seen: dict[str, int] = {}
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not header:
            raise InputError(str(p), "empty file: expected a header row", 1)
        reader.fieldnames = header
        unknown = [h for h in header if h not in COLUMNS]
        if unknown:
            raise InputError(
                str(p), f"unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}", 1
            )
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise InputError(str(p), f"missing column(s) {', '.join(missing)}", 1)
        if "count" not in header and not {"count_low", "count_high"} <= set(header):
            raise InputError(str(p), "needs a count column or count_low and count_high", 1)
        for rec in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in rec.values()):
                continue
            if None in rec:
                raise InputError(str(p), "more fields than the header has", line)
            get = {k: (v or "").strip() for k, v in rec.items()}
            try:
                ts = _parse_ts(get["ts"])
            except ValueError:
                raise InputError(str(p), f"ts: not an ISO 8601 time: {get['ts']!r}", line) from None
            place, kind = get["place"], get["kind"]
            if not place or not kind:
                raise InputError(str(p), "place and kind must not be empty", line)
            try:
                count = _num(get.get("count"))
                low = _num(get.get("count_low"))
                high = _num(get.get("count_high"))
                mmsi = _int(get.get("mmsi"))
                imo = _int(get.get("imo"))
            except ValueError as exc:
                raise InputError(str(p), str(exc), line) from None
            if count is None and (low is None or high is None):
                raise InputError(str(p), "give a count, or both count_low and count_high", line)
            if low is not None and high is not None and low > high:
                raise InputError(str(p), f"count_low {low:g} > count_high {high:g}", line)
            if count is not None and (
                (low is not None and count < low) or (high is not None and count > high)
            ):
                raise InputError(str(p), f"count {count:g} outside [count_low, count_high]", line)
            sid = (
                get.get("sighting_id")
                or hashlib.sha256(
                    f"{ts.isoformat()}|{place}|{kind}|{count}|{low}|{high}|{mmsi}|{imo}".encode()
                ).hexdigest()[:16]
            )
            if sid in seen:
                raise InputError(
                    str(p), f"sighting_id {sid!r} repeats the one on line {seen[sid]}", line
                )
            seen[sid] = line
            values = {
                "sighting_id": sid,
                "ts": ts,
                "place": place,
                "kind": kind,
                "count": count,
                "count_low": low,
                "count_high": high,
                "mmsi": mmsi,
                "imo": imo,
                "source": get.get("source") or p.name,
            }
            for c in COLUMNS:
                rows[c].append(values[c])
    return pa.table(rows, schema=SIGHTINGS)


def load_sightings(path: str | Path, workspace: Workspace | str | Path) -> SightingsReport:
    """Read a sightings CSV and write it to the workspace, replacing rows with the same ids."""
    table = read_sightings_csv(path)
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    try:
        ids = table.column("sighting_id").to_pylist()
        with ws.transaction():
            replaced = 0
            if ids:
                ws.con.register("_dc_sighting_ids", pa.table({"sid": ids}))
                try:
                    replaced = int(
                        ws.scalar(  # type: ignore[call-overload]
                            "SELECT count(*) FROM sightings WHERE sighting_id IN "
                            "(SELECT sid FROM _dc_sighting_ids)"
                        )
                        or 0
                    )
                    ws.con.execute(
                        "DELETE FROM sightings WHERE sighting_id IN "
                        "(SELECT sid FROM _dc_sighting_ids)"
                    )
                finally:
                    ws.con.unregister("_dc_sighting_ids")
            ws.append("sightings", table)
    finally:
        if not isinstance(workspace, Workspace):
            ws.close()
    kinds: dict[str, int] = {}
    for k in table.column("kind").to_pylist():
        kinds[k] = kinds.get(k, 0) + 1
    log.info("loaded %d sightings from %s (%d replaced)", table.num_rows, path, replaced)
    return SightingsReport(path=str(path), rows=table.num_rows, replaced=replaced, kinds=kinds)
