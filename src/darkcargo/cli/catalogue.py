"""`darkcargo catalogue`: the parameters estimates use, their ranges, sources and tags."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from darkcargo.cli.options import FormatOpt, OutputFormat
from darkcargo.cli.output import console, print_table


def _rows(munition: str | None, catalogue: str | None) -> tuple[list[dict[str, Any]], dict]:
    from darkcargo.estimate.catalogue import load_catalogue
    from darkcargo.estimate.official import official_ratios

    cat = load_catalogue(catalogue)
    muns = [cat.munition(munition)] if munition else list(cat.munitions.values())
    rows: list[dict[str, Any]] = []

    def add(section: str, p: Any) -> None:
        rows.append(
            {
                "section": section,
                "parameter": p.id,
                "value": p.describe(),
                "distribution": p.distribution(),
                "tag": p.tag,
                "unverified": p.unverified,
                "source": p.source + (f" ({p.note})" if p.note else ""),
            }
        )

    for box in cat.containers.values():
        for p in box.params.values():
            add(f"container {box.key}", p)
    for p in cat.model.values():
        add("model", p)
    doc: dict[str, Any] = {
        "sources": list(cat.sources),
        "containers": {
            k: {"name": c.name, "params": {n: p.as_dict() for n, p in c.params.items()}}
            for k, c in cat.containers.items()
        },
        "model": {n: p.as_dict() for n, p in cat.model.items()},
        "munitions": {},
        "official": [],
    }
    for m in muns:
        for comp in m.components:
            for p in comp.params.values():
                add(f"munition {m.key}", p)
        ratios = official_ratios(cat, m)
        for s, r in ratios:
            rows.append(
                {
                    "section": f"official {m.key}",
                    "parameter": s.id,
                    "value": f"{r:,.0f} per container ({s.equivalents[m.official or '']:,.0f} "
                    f"/ {s.containers:,.0f})",
                    "distribution": "statement",
                    "tag": s.tag,
                    "unverified": False,
                    "source": s.source,
                }
            )
        doc["munitions"][m.key] = {
            "name": m.name,
            "item": m.item,
            "caliber": m.caliber,
            "quantity": m.quantity,
            "aliases": list(m.aliases),
            "components": [
                {"name": c.name, "params": {n: p.as_dict() for n, p in c.params.items()}}
                for c in m.components
            ],
            "official_ratios": [
                {"id": s.id, "date": s.date, "who": s.who, "per_container": r} for s, r in ratios
            ],
        }
    doc["official"] = [
        {
            "id": s.id,
            "date": s.date,
            "who": s.who,
            "containers": s.containers,
            "equivalents": s.equivalents,
            "tag": s.tag,
            "source": s.source,
        }
        for s in cat.official
    ]
    return rows, doc


def _rich_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="estimate catalogue", title_justify="left", show_lines=False)
    table.add_column("parameter", no_wrap=True)
    table.add_column("value", no_wrap=True)
    table.add_column("tag", no_wrap=True)
    table.add_column("source", overflow="fold")
    section = None
    for r in rows:
        if r["section"] != section:
            section = r["section"]
            table.add_section()
            table.add_row(f"[bold]{escape(section)}[/bold]", "", "", "")
        name = str(r["parameter"])
        key = str(section).split(" ", 1)[-1]
        for prefix in (f"container.{key}.", f"{key}."):
            name = name.removeprefix(prefix)
        tag = f"[bold red]{r['tag']}[/bold red]" if r["unverified"] else r["tag"]
        table.add_row("  " + escape(name), escape(str(r["value"])), tag, escape(r["source"]))
    return table


def catalogue_cmd(
    munition: Annotated[
        str | None, typer.Option("--munition", "-m", help="Only this munition (e.g. 152mm).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    catalogue: Annotated[
        Path | None,
        typer.Option("--catalogue", help="Your own catalogue TOML, merged over the built-in."),
    ] = None,
) -> None:
    """The estimate catalogue: every parameter with its range, source and tag (UNV = unverified)."""
    rows, doc = _rows(munition, str(catalogue) if catalogue else None)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(doc, indent=1) + "\n")
        return
    import pyarrow as pa

    table = pa.Table.from_pylist(rows)
    if fmt is OutputFormat.csv:
        print_table(table, fmt)
        return
    console.print(_rich_table(rows))
    unv = sum(1 for r in rows if r["unverified"])
    console.print(
        f"{unv} of {len(rows)} entries are unverified (UNV): model parameters with ranges, never "
        f"facts. Sources: {', '.join(doc['sources'])}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("catalogue")(catalogue_cmd)
