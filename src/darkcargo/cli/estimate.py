"""`darkcargo estimate`: containers and munition rounds as distributions, with assumptions.

darkcargo estimate --containers 6700 --munition 152mm [--container 20ft] [--json]
darkcargo estimate --workspace W [--from 2023-08-01 --to 2024-02-29] [--json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from darkcargo.cli.options import CaseOpt, WorkspaceOpt
from darkcargo.cli.output import console, text

if TYPE_CHECKING:
    from darkcargo.estimate.result import EstimateResult

SENSITIVITY_ROWS = 6
MIN_RHO_SHOWN = 0.01  # inputs with less rank correlation drive none of the spread


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.3g}"


def _quantile_table(results: list[EstimateResult], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("quantity", no_wrap=True)
    table.add_column("method", no_wrap=True)
    for col in ("p05", "p50", "p95"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in results:
        table.add_row(r.quantity, r.method, _num(r.p05), _num(r.p50), _num(r.p95))
    return table


def _print_results(results: list[EstimateResult], title: str) -> None:
    totals = [r for r in results if not r.quantity.endswith("_per_container")]
    per_box = [r for r in results if r.quantity.endswith("_per_container")]
    console.print(_quantile_table(totals, title))
    if per_box:
        console.print(_quantile_table(per_box, "per container"))
    for r in results:
        if not r.sensitivity or r.quantity.endswith("_per_container"):
            continue
        sens = Table(
            title=f"what drives the spread: {r.quantity} ({r.method})",
            title_justify="left",
        )
        for col in ("parameter", "range", "rank corr.", "unverified"):
            sens.add_column(col, justify="right" if col == "rank corr." else "left")
        for s in [s for s in r.sensitivity if abs(s.rho) >= MIN_RHO_SHOWN][:SENSITIVITY_ROWS]:
            sens.add_row(s.label, s.range, f"{s.rho:+.2f}", "yes" if s.unverified else "")
        console.print(sens)
        if r.binding:
            shares = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in r.binding.items())
            console.print(f"  limit that binds per box: {shares}")
    seen: set[str] = set()
    console.print("[bold]assumptions[/bold]")
    for r in results:
        for a in r.assumptions:
            if a not in seen:
                seen.add(a)
                console.print(text(f"  - [{r.method}] {a}"), highlight=False)
    unv = list(dict.fromkeys(u for r in results for u in r.unverified))
    if unv:
        console.print("[bold]unverified parameters[/bold]")
        for u in unv:
            console.print(text(f"  - {u}"), highlight=False)
    console.print(
        f"[dim]{results[0].draws:,} draws, seed {results[0].seed}; methods are shown side by "
        "side, never mixed[/dim]"
    )


def _emit_json(mode: str, results: list[EstimateResult], extra: dict) -> None:
    payload = {"mode": mode, **extra, "estimates": [r.as_dict() for r in results]}
    sys.stdout.write(json.dumps(payload, indent=1, default=str) + "\n")


def estimate_cmd(
    workspace: WorkspaceOpt,
    containers: Annotated[
        str | None,
        typer.Option(
            "--containers",
            "-c",
            help="Container count, or LOW:HIGH. Answers on its own, without a workspace.",
        ),
    ] = None,
    munition: Annotated[
        list[str] | None,
        typer.Option("--munition", "-m", help="152mm, 122mm, grad ... (repeatable; default: all)."),
    ] = None,
    container: Annotated[str, typer.Option("--container", help="20ft or 40ft.")] = "20ft",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (p05, p50, p95 ...).")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (reproducible).")] = 20230801,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws.")] = 1_000_000,
    catalogue: Annotated[
        Path | None,
        typer.Option("--catalogue", help="Your own catalogue TOML, merged over the built-in."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Workspace form: first day (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Workspace form: last day, inclusive.")
    ] = None,
    per_trip: Annotated[
        str | None,
        typer.Option("--per-trip", help="Workspace form: containers per trip, LOW:HIGH."),
    ] = None,
    case: CaseOpt = None,
    no_write: Annotated[
        bool, typer.Option("--no-write", help="Workspace form: do not write `estimates`.")
    ] = False,
) -> None:
    """Containers and rounds as p05/p50/p95, with the method, inputs, sensitivity and the
    unverified parameters behind them."""
    from darkcargo.estimate.montecarlo import estimate_from_counts
    from darkcargo.estimate.run import estimate_workspace

    cat_arg = str(catalogue) if catalogue else None
    if containers is not None:
        from darkcargo.estimate.catalogue import load_catalogue

        cat = load_catalogue(cat_arg)
        keys = munition or list(cat.munitions)
        results: list[EstimateResult] = []
        for i, m in enumerate(keys):
            res = estimate_from_counts(
                containers, m, container=container, draws=draws, seed=seed, catalogue=cat
            )
            flat = res.flat()
            if i > 0:
                flat = [r for r in flat if r.quantity != "containers"]
            results.extend(flat)
        order = {"containers": 0}
        results.sort(key=lambda r: (order.get(r.quantity, 1), r.quantity.endswith("container")))
        if as_json:
            _emit_json("counts", results, {"containers": containers, "container": container})
        else:
            _print_results(results, f"{containers} x {container} containers: what could they hold?")
        return
    results = estimate_workspace(
        workspace,
        start=start,
        end=end,
        case=case,
        per_trip=per_trip,
        munitions=munition,
        container=container,
        draws=draws,
        seed=seed,
        catalogue=cat_arg,
        write=not no_write,
    )
    if as_json:
        _emit_json("workspace", results, {"workspace": str(workspace)})
        return
    first = results[0]
    span = f"{start or 'start'} .. {end or 'end'}"
    trips = len(first.inputs.get("shipments", []))
    _print_results(results, f"{workspace}: {trips} trips, {span}")
    if not no_write:
        console.print(f"[dim]{len(results)} rows written to `estimates`[/dim]")


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_cmd)
