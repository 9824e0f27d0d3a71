"""`darkcargo claims`: extract quantitative claims from documents, list them, grade them."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from darkcargo.cli.options import CaseOpt, FormatOpt, OutputFormat, WorkspaceOpt
from darkcargo.cli.output import print_table
from darkcargo.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

claims_app = typer.Typer(
    help="Claims ledger: figures from statements and reports, attributed and graded against "
    "the estimates (consistent, above, below, not comparable).",
    no_args_is_help=True,
)

# Columns shown by the table view (CSV and JSON carry every column).
TABLE_COLUMNS = ("claim", "figure", "quantity", "basis", "speaker", "stance", "date", "said")


def _compact(table: pa.Table) -> pa.Table:
    """A narrow view of claims for the terminal."""
    import pyarrow as pa

    from darkcargo.claims.ledger import figure_text

    rows = table.to_pylist()
    out = {c: [] for c in TABLE_COLUMNS}  # type: dict[str, list[object]]
    for r in rows:
        out["claim"].append(r["claim_id"][:8])
        out["figure"].append(figure_text(r["value"], r["low"], r["high"], r["bound"], r["unit"]))
        out["quantity"].append(r["quantity"])
        basis = r["basis"] + (" (negated)" if r["negated"] else "")
        out["basis"].append(basis)
        out["speaker"].append(r["speaker"])
        out["stance"].append(r["stance"])
        d = r["claim_date"]
        out["date"].append(d.isoformat() if d else None)
        out["said"].append(r["said"])
    return pa.table(out)


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(None, f"{option}: expected a date as YYYY-MM-DD, got {value!r}") from None


@claims_app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="Text or HTML files (articles, statements).")],
    workspace: WorkspaceOpt,
    source_url: Annotated[
        str | None, typer.Option("--source-url", help="URL the documents came from.")
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Publication date YYYY-MM-DD: anchors 'on Monday', 'since August' "
            "(default: the file's own Date: header or HTML meta).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-extract documents already in the ledger.")
    ] = False,
) -> None:
    """Extract claims from documents into the ledger (a document already there is skipped)."""
    from darkcargo.claims.ledger import extract_files

    report = extract_files(
        files,
        workspace,
        source_url=source_url,
        published=_parse_date(published, "--date"),
        force=force,
    )
    for f in report.files:
        status = f.status.replace("_", " ")
        typer.echo(f"{f.path}: {f.claims} claims ({status})")
    typer.echo(
        f"{report.claims_added} claims from {report.documents_added} documents; "
        f"{report.documents_skipped} skipped"
    )


@claims_app.command("add")
def add_cmd(
    workspace: WorkspaceOpt,
    item: Annotated[str, typer.Option(help="What is counted: containers, shells, rockets, ...")],
    value: Annotated[float | None, typer.Option(help="The figure.")] = None,
    low: Annotated[float | None, typer.Option(help="Lower end (range or 'more than').")] = None,
    high: Annotated[float | None, typer.Option(help="Upper end (range or 'up to').")] = None,
    caliber: Annotated[str | None, typer.Option(help="Calibre, e.g. 152mm.")] = None,
    unit: Annotated[str, typer.Option(help="count, per_day, per_container, EUR, USD...")] = "count",
    bound: Annotated[
        str | None, typer.Option(help="exact | approximate | lower | upper | range.")
    ] = None,
    basis: Annotated[str, typer.Option(help="count | capacity | rate | money.")] = "count",
    speaker: Annotated[str | None, typer.Option(help="Who said it.")] = None,
    stance: Annotated[
        str, typer.Option(help="said | estimated | believes | claimed | according_to | denied.")
    ] = "said",
    claim_date: Annotated[
        str | None, typer.Option("--date", help="Date the figure refers to, YYYY-MM-DD.")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Start of the period counted ('since'), YYYY-MM-DD.")
    ] = None,
    source_url: Annotated[
        str | None, typer.Option("--source-url", help="Where it was said.")
    ] = None,
    quote: Annotated[str | None, typer.Option(help="The words as said.")] = None,
) -> None:
    """Record a claim by hand (a statement with no document to extract it from)."""
    from darkcargo.claims.ledger import add_claim

    claim = add_claim(
        workspace,
        item=item,
        value=value,
        low=low,
        high=high,
        unit=unit,
        caliber=caliber,
        bound=bound,
        speaker=speaker,
        stance=stance,
        claim_date=_parse_date(claim_date, "--date"),
        baseline_date=_parse_date(baseline, "--baseline"),
        source_url=source_url,
        quote=quote,
        basis=basis,
    )
    typer.echo(f"claim {claim.claim_id} ({claim.quantity}, cluster {claim.cluster_id})")


@claims_app.command("list")
def list_cmd(
    workspace: WorkspaceOpt,
    item: Annotated[str | None, typer.Option(help="Only this item, e.g. shells.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only speakers containing this.")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List the claims in the ledger."""
    from darkcargo.claims.ledger import list_claims

    table = list_claims(workspace, item=item, speaker=speaker)
    if fmt is OutputFormat.table:
        table = _compact(table)
    print_table(table, fmt, title=f"claims ({table.num_rows})")


@claims_app.command("check")
def check_cmd(
    workspace: WorkspaceOpt, fmt: FormatOpt = OutputFormat.table, case: CaseOpt = None
) -> None:
    """Grade every claim against the estimates: consistent, above, below or not comparable.
    A claim about deliveries from or to other countries than the case's origin and destination
    ports (its clause says so) is not comparable."""
    from darkcargo.claims.grading import grade_claims
    from darkcargo.claims.ledger import open_ledger

    gradings = grade_claims(workspace, case=case)
    with open_ledger(workspace, read_only=True) as ws:
        table = ws.arrow(
            """SELECT g.claim_id, c.speaker, c.value, c.low, c.high, c.unit, c.bound,
                      c.quantity, c.basis, g.grade, g.method, g.estimate_id,
                      round(g.log_ratio, 3) AS log_ratio, g.p05, g.p50, g.p95, g.reason
               FROM gradings g JOIN claims c USING (claim_id)
               ORDER BY g.grade = 'not_comparable', c.quantity, g.claim_id, g.method"""
        )
    if fmt is OutputFormat.table:
        if table.num_rows == 0:
            typer.echo("no claims to grade")
            return
        import pyarrow as pa

        from darkcargo.claims.ledger import figure_text

        rows = table.to_pylist()
        table = pa.table(
            {
                "claim": [r["claim_id"][:8] for r in rows],
                "speaker": [r["speaker"] for r in rows],
                "figure": [
                    figure_text(r["value"], r["low"], r["high"], r["bound"], r["unit"])
                    for r in rows
                ],
                "quantity": [r["quantity"] for r in rows],
                "grade": [r["grade"] for r in rows],
                "log_ratio": [r["log_ratio"] for r in rows],
                "reason": [r["reason"] for r in rows],
            }
        )
    print_table(table, fmt, title="gradings")
    if fmt is OutputFormat.table:
        counts: dict[str, int] = {}
        for g in gradings:
            counts[g.grade] = counts.get(g.grade, 0) + 1
        typer.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


class ExportFormat(StrEnum):
    claimreview = "claimreview"


@claims_app.command("export")
def export_cmd(
    workspace: WorkspaceOpt,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="claimreview: schema.org JSON-LD.")
    ] = ExportFormat.claimreview,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file (default: standard output).")
    ] = None,
) -> None:
    """Export graded claims as schema.org ClaimReview JSON-LD (run `claims check` first)."""
    from darkcargo.claims.claimreview import export_claimreview

    text = export_claimreview(workspace)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(claims_app, name="claims")
