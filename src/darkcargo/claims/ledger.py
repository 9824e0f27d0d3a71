"""The claims ledger: documents and claims in the workspace, with repeated claims clustered.

A document is stored once, keyed by the sha256 of its text: extracting the same text again adds
nothing (unless forced, which replaces its claims). Claims typed in by hand (`add_claim`) carry
no document. After every change, repeated claims - the same speaker giving the same figure for
the same quantity - share a cluster_id.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from darkcargo.claims import bound as cues
from darkcargo.claims.attribution import ACCORDING_TO, BELIEVES, CLAIMED, DENIED, ESTIMATED, SAID
from darkcargo.claims.calibres import normalize_caliber
from darkcargo.claims.extract import (
    COUNT,
    Claim,
    ExtractParams,
    extract_claims,
    make_claim_id,
    quantity_key,
)
from darkcargo.claims.items import CURRENCY_ITEMS, normalize_item
from darkcargo.claims.schema import CLAIMS, DOCUMENTS, TABLES
from darkcargo.claims.text import Document, read_document
from darkcargo.errors import InputError
from darkcargo.workspace import Workspace, duckdb_type

log = logging.getLogger(__name__)

# Two figures from the same speaker for the same quantity within this relative distance are
# one repeated claim ("about 6,700" and "6,700"; not 6,700 and 10,000).
CLUSTER_RELATIVE_TOLERANCE = 0.02
STANCES = (SAID, ESTIMATED, BELIEVES, CLAIMED, ACCORDING_TO, DENIED)
BOUNDS = (cues.EXACT, cues.APPROXIMATE, cues.LOWER, cues.UPPER, cues.RANGE, cues.VAGUE)


def existing_columns(ws: Workspace, table: str) -> set[str]:
    """Columns the workspace's table has (older workspaces may lack newer ones)."""
    rows = ws.arrow(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    )
    return set(rows.column(0).to_pylist())


def ensure_columns(ws: Workspace) -> None:
    """Add the columns this stage's tables gained since the workspace was created."""
    for table, schema in TABLES.items():
        have = existing_columns(ws, table)
        for f in schema:
            if f.name not in have:
                ws.con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{f.name}" {duckdb_type(f.type)}')


@contextmanager
def open_ledger(
    workspace: Workspace | str | Path, read_only: bool = False, must_exist: bool = False
) -> Iterator[Workspace]:
    """Use an open Workspace as is, or open (and close) one from a path."""
    if isinstance(workspace, Workspace):
        if not (read_only or workspace.read_only):
            ensure_columns(workspace)
        yield workspace
        return
    ws = Workspace(workspace, read_only=read_only, must_exist=must_exist)
    try:
        if not read_only:
            ensure_columns(ws)
        yield ws
    finally:
        ws.close()


@dataclass
class FileResult:
    """What happened to one input file."""

    path: str
    doc_id: str
    status: str  # added | already_in_ledger | replaced | duplicate_input
    claims: int = 0
    title: str | None = None


@dataclass
class ExtractReport:
    """Outcome of `extract_files`."""

    files: list[FileResult] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def documents_added(self) -> int:
        return sum(1 for f in self.files if f.status in ("added", "replaced"))

    @property
    def documents_skipped(self) -> int:
        return sum(1 for f in self.files if f.status in ("already_in_ledger", "duplicate_input"))

    @property
    def claims_added(self) -> int:
        return len(self.claims)


def claims_table(claims: Sequence[Claim]) -> pa.Table:
    """Claims as an Arrow table with the `claims` schema."""
    rows = [c.as_row() for c in claims]
    names = CLAIMS.names
    return pa.Table.from_pylist([{k: r.get(k) for k in names} for r in rows], schema=CLAIMS)


def _documents_table(docs: Sequence[Document]) -> pa.Table:
    rows = [
        {
            "doc_id": d.doc_id,
            "path": d.path,
            "title": d.title,
            "source_url": d.source_url,
            "published": d.published,
            "text": d.text,
        }
        for d in docs
    ]
    return pa.Table.from_pylist(rows, schema=DOCUMENTS)


def extract_files(
    paths: Sequence[str | Path],
    workspace: Workspace | str | Path,
    *,
    source_url: str | None = None,
    published: date | None = None,
    force: bool = False,
    params: ExtractParams | None = None,
) -> ExtractReport:
    """Read text/HTML files, extract their claims and store documents and claims.

    Every file is read and checked before anything is written: one bad file stops the run with
    an InputError naming it, and the workspace is left as it was. A document already in the
    ledger (same text) is skipped; `force` re-extracts it and replaces its claims.
    """
    docs: list[Document] = []
    for p in paths:
        docs.append(read_document(p, source_url=source_url, published=published))
    report = ExtractReport()
    with open_ledger(workspace) as ws:
        known = {
            r["doc_id"]
            for r in ws.arrow(
                "SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest(?))",
                [[d.doc_id for d in docs]],
            ).to_pylist()
        }
        new_docs: list[Document] = []
        new_claims: list[Claim] = []
        seen: set[str] = set()
        for d in docs:
            path = d.path or "<text>"
            if d.doc_id in seen:
                report.files.append(FileResult(path, d.doc_id, "duplicate_input", 0, d.title))
                continue
            seen.add(d.doc_id)
            if d.doc_id in known and not force:
                report.files.append(FileResult(path, d.doc_id, "already_in_ledger", 0, d.title))
                continue
            claims = extract_claims(
                d.text,
                doc_id=d.doc_id,
                source_url=d.source_url,
                published=d.published,
                params=params,
            )
            status = "replaced" if d.doc_id in known else "added"
            report.files.append(FileResult(path, d.doc_id, status, len(claims), d.title))
            new_docs.append(d)
            new_claims.extend(claims)
            log.info("%s: %d claims (%s)", path, len(claims), status)
        with ws.transaction():
            replaced = [d.doc_id for d in new_docs if d.doc_id in known]
            if replaced:
                ws.con.execute("DELETE FROM claims WHERE doc_id IN (SELECT unnest(?))", [replaced])
                ws.con.execute(
                    "DELETE FROM documents WHERE doc_id IN (SELECT unnest(?))", [replaced]
                )
            ws.append("documents", _documents_table(new_docs))
            ws.append("claims", claims_table(new_claims))
            recluster(ws)
        report.claims = new_claims
    return report


def add_claim(
    workspace: Workspace | str | Path,
    *,
    item: str,
    value: float | None = None,
    low: float | None = None,
    high: float | None = None,
    unit: str = "count",
    caliber: str | None = None,
    bound: str | None = None,
    speaker: str | None = None,
    speaker_title: str | None = None,
    stance: str | None = SAID,
    claim_date: date | None = None,
    date_precision: str | None = None,
    baseline_date: date | None = None,
    source_url: str | None = None,
    quote: str | None = None,
    basis: str = COUNT,
    negated: bool = False,
) -> Claim:
    """Record a claim typed in by hand (no document). Adding the same claim twice adds it once."""
    for name, v in (("value", value), ("low", low), ("high", high)):
        if v is not None and (not math.isfinite(v) or v < 0):
            raise InputError(None, f"--{name} must be a non-negative number, got {v}")
    if value is None and low is None and high is None:
        raise InputError(None, "give --value, or --low and/or --high")
    if bound is None:
        if value is not None:
            bound = cues.EXACT
        elif low is not None and high is not None:
            bound = cues.RANGE
        else:
            bound = cues.LOWER if low is not None else cues.UPPER
    if bound not in BOUNDS:
        raise InputError(None, f"--bound must be one of {', '.join(BOUNDS)}, got {bound!r}")
    if stance is not None and stance not in STANCES:
        raise InputError(None, f"--stance must be one of {', '.join(STANCES)}, got {stance!r}")
    if low is not None and high is not None and low > high:
        raise InputError(None, f"--low ({low}) is above --high ({high})")
    if bound in (cues.RANGE, cues.VAGUE) and (low is None or high is None):
        raise InputError(None, f"a {bound} amount needs --low and --high")
    if value is None and bound not in (cues.RANGE, cues.VAGUE):
        value = low if bound == cues.LOWER else high
    if bound == cues.EXACT:
        low = low if low is not None else value
        high = high if high is not None else value
    elif bound == cues.LOWER and low is None:
        low = value
    elif bound == cues.UPPER and high is None:
        high = value
    it = normalize_item(item)
    cal = normalize_caliber(caliber) if caliber else None
    if caliber and cal is None:
        raise InputError(None, f"--caliber: cannot read a calibre in {caliber!r} (e.g. 152mm)")
    if it in CURRENCY_ITEMS and unit == "count":
        unit = CURRENCY_ITEMS[it]
    if it in CURRENCY_ITEMS and basis == COUNT:
        basis = "money"
    precision = date_precision or ("day" if claim_date else None)
    claim_id = make_claim_id(
        "manual", value, low, high, unit, it, cal, bound, speaker, stance, claim_date, baseline_date
    )
    claim = Claim(
        claim_id=claim_id,
        doc_id=None,
        span_start=None,
        span_end=None,
        quote=quote or "",
        value=value,
        low=low,
        high=high,
        unit=unit,
        item=it,
        caliber=cal,
        bound=bound,
        speaker=speaker,
        speaker_title=speaker_title,
        stance=stance,
        negated=negated,
        basis=basis,
        quantity=quantity_key(it, cal, unit),
        claim_date=claim_date,
        date_precision=precision,
        baseline_date=baseline_date,
        source_url=source_url,
        extractor="manual",
    )
    with open_ledger(workspace) as ws:
        exists = ws.arrow("SELECT 1 FROM claims WHERE claim_id = ?", [claim_id]).num_rows
        if not exists:
            with ws.transaction():
                ws.append("claims", claims_table([claim]))
                recluster(ws)
        # Read through the relation API: Workspace.scalar leaves a pending result on DuckDB 2.
        rows = ws.arrow("SELECT cluster_id FROM claims WHERE claim_id = ?", [claim_id])
        claim.cluster_id = rows.column(0)[0].as_py() if rows.num_rows else None
    return claim


def list_claims(
    workspace: Workspace | str | Path,
    *,
    item: str | None = None,
    speaker: str | None = None,
    columns: Sequence[str] | None = None,
) -> pa.Table:
    """Claims in the ledger, oldest first, optionally for one item or speaker (substring).

    Besides the `claims` columns the table has `said`: the words of the claim in its document.
    """
    where = []
    params: list[object] = []
    if item:
        where.append("c.item = ?")
        params.append(normalize_item(item))
    if speaker:
        where.append("lower(c.speaker) LIKE ?")
        params.append(f"%{speaker.lower()}%")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    wanted = list(columns or CLAIMS.names)
    said = (
        "CASE WHEN c.span_start IS NULL THEN c.quote "
        "ELSE substr(d.text, c.span_start + 1, c.span_end - c.span_start) END AS said"
    )
    with open_ledger(workspace, read_only=True) as ws:
        have = existing_columns(ws, "claims")
        cols = ", ".join(
            f"c.{c}" if c in have else f"CAST(NULL AS {duckdb_type(CLAIMS.field(c).type)}) AS {c}"
            for c in wanted
        )
        return ws.arrow(
            f"""SELECT {cols}, {said} FROM claims c LEFT JOIN documents d USING (doc_id) {clause}
            ORDER BY coalesce(c.claim_date, d.published), d.path, c.span_start, c.claim_id""",
            params,
        )


# -- clustering -------------------------------------------------------------------------------
def figure_text(
    value: float | None, low: float | None, high: float | None, bound: str | None, unit: str | None
) -> str:
    """A claim's figure for people: '~6,700', '>3,000,000', '1,000,000-2,000,000', '30%'."""

    def f(v: float | None) -> str:
        if v is None:
            return "?"
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}"

    if bound in (cues.RANGE, cues.VAGUE):
        s = f"{f(low)}-{f(high)}" + (" (vague)" if bound == cues.VAGUE else "")
    else:
        prefix = {cues.APPROXIMATE: "~", cues.LOWER: ">", cues.UPPER: "<="}.get(bound or "", "")
        s = prefix + f(value)
    if unit == "percent":
        return s + "%"
    if unit == "ratio":
        return s + "x"
    if unit and unit not in ("count",):
        return f"{s} {unit}"
    return s


def cluster_labels(
    speakers: Sequence[str | None],
    quantities: Sequence[str | None],
    units: Sequence[str | None],
    values: np.ndarray,
    rel_tol: float = CLUSTER_RELATIVE_TOLERANCE,
) -> np.ndarray:
    """Cluster index per claim: same speaker (case-insensitive), quantity and unit, and values
    within `rel_tol` of the previous one in value order. Claims without a speaker, quantity or
    value are each their own cluster."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    keys = np.array(
        [
            f"{(s or '').strip().casefold()}\x1f{q or ''}\x1f{u or ''}"
            if s and q and np.isfinite(v) and v > 0
            else f"\x00{i}"
            for i, (s, q, u, v) in enumerate(zip(speakers, quantities, units, values, strict=True))
        ]
    )
    _, key_idx = np.unique(keys, return_inverse=True)
    vals = np.where(np.isfinite(values) & (values > 0), values, 1.0)
    order = np.lexsort((np.log(vals), key_idx))
    k_sorted = key_idx[order]
    lv = np.log(vals[order])
    new = np.ones(n, dtype=bool)
    new[1:] = (k_sorted[1:] != k_sorted[:-1]) | (np.diff(lv) > np.log1p(rel_tol))
    labels_sorted = np.cumsum(new) - 1
    labels = np.empty(n, dtype=np.int64)
    labels[order] = labels_sorted
    return labels


def representative_values(value: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The figure of each claim: its value, else the geometric mid-point of low/high, else the
    one bound given (NaN when none)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mid = np.sqrt(low * high)
    out = np.where(np.isfinite(value), value, mid)
    out = np.where(np.isfinite(out), out, low)
    return np.where(np.isfinite(out), out, high)


def recluster(ws: Workspace) -> int:
    """Recompute cluster_id for every claim. Returns the number of clusters."""
    t = ws.arrow("SELECT claim_id, speaker, quantity, unit, value, low, high FROM claims")
    if t.num_rows == 0:
        return 0

    def col(name: str) -> np.ndarray:
        return np.asarray(t.column(name).to_numpy(zero_copy_only=False), dtype=float)

    vals = representative_values(col("value"), col("low"), col("high"))
    labels = cluster_labels(
        t.column("speaker").to_pylist(),
        t.column("quantity").to_pylist(),
        t.column("unit").to_pylist(),
        vals,
    )
    ids = np.asarray(t.column("claim_id").to_pylist(), dtype=object)
    # A cluster is named after its smallest claim id: stable when unrelated claims are added.
    order = np.lexsort((ids.astype(str), labels))
    first = np.ones(len(order), dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    names = np.empty(labels.max() + 1, dtype=object)
    names[labels[order][first]] = ids[order][first]
    cluster_ids = names[labels]
    update = pa.table({"claim_id": ids.astype(str), "cluster_id": cluster_ids.astype(str)})
    ws.con.register("_dc_clusters", update)
    try:
        ws.con.execute(
            "UPDATE claims SET cluster_id = u.cluster_id FROM _dc_clusters u "
            "WHERE claims.claim_id = u.claim_id"
        )
    finally:
        ws.con.unregister("_dc_clusters")
    return int(labels.max() + 1)
