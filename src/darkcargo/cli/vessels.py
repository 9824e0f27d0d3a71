"""`darkcargo vessels` (ranked by risk) and `darkcargo vessel ID` (one vessel's file).

Names, call signs and list text are chosen by the ships and lists we watch: they are printed as
plain text, never as console markup.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from darkcargo.cli.options import CaseOpt, FormatOpt, OutputFormat, WorkspaceOpt

if TYPE_CHECKING:
    import pyarrow as pa

PresetOpt = Annotated[
    str | None,
    typer.Option(
        "--preset", help="Risk preset: a built-in name (default) or a TOML file of rule weights."
    ),
]


def plain_table(data: pa.Table | list[dict[str, Any]], fmt: OutputFormat, title: str) -> None:
    """Print rows as a table (cells as plain text), CSV or JSON."""
    import pyarrow as pa

    from darkcargo.cli.output import console, print_table, text

    if fmt is not OutputFormat.table:
        table = data if isinstance(data, pa.Table) else pa.Table.from_pylist(data)
        print_table(table, fmt, title=title)
        return
    rows = data.to_pylist() if isinstance(data, pa.Table) else data
    out = Table(title=text(title))
    names = list(data.column_names) if isinstance(data, pa.Table) else list(rows[0] if rows else [])
    for n in names:
        out.add_column(n, overflow="fold")
    for r in rows:
        out.add_row(*[text(_cell(r.get(n))) for n in names])
    console.print(out)


def _cell(v: Any) -> str:
    """A value as a reader writes it in a terminal table: yes/no, one decimal for scores."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def ranking_rows(table: pa.Table) -> list[dict[str, Any]]:
    from darkcargo.sanctions.run import reasons_text

    return [
        {
            "rank": r["rank"],
            "vessel": r["vessel_id"],
            "name": r["name"],
            "mmsi": r["mmsi"],
            "imo": r["imo"],
            "score": r["score"],
            "sanctioned": r["sanctioned"],
            "reasons": reasons_text(r["contributions"]),
        }
        for r in table.to_pylist()
    ]


def vessels(
    workspace: WorkspaceOpt,
    top: Annotated[int, typer.Option(min=1, max=100_000, help="How many vessels.")] = 20,
    sanctioned: Annotated[
        bool, typer.Option("--sanctioned", help="Only vessels matched to a sanctions list.")
    ] = False,
    preset: PresetOpt = None,
    case: CaseOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Vessels ranked by risk, each with its main reasons. Computes the risk first when the
    workspace changed since (writes the vessel_risk table)."""
    import pyarrow.compute as pc

    from darkcargo.sanctions.risk import build_risk

    report = build_risk(workspace, preset, case)
    table = report.table
    if sanctioned:
        table = table.filter(pc.equal(table.column("sanctioned"), True))
    table = table.slice(0, top)
    if fmt is OutputFormat.json:
        from darkcargo.sanctions.dossier import json_rows

        body = {
            "preset": report.preset,
            "params_hash": report.params_hash,
            "vessels": json_rows(table),
        }
        sys.stdout.write(json.dumps(body, indent=1, default=str) + "\n")
        return
    plain_table(
        ranking_rows(table),
        fmt,
        title=f"vessels by risk (preset {report.preset}, params {report.params_hash}; "
        f"{report.scored} of {report.vessels} vessels score above 0)",
    )


def vessel(
    ident: Annotated[str, typer.Argument(help="IMO number, MMSI or AIS name (current or former).")],
    workspace: WorkspaceOpt,
    preset: PresetOpt = None,
    case: CaseOpt = None,
    rows: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per section at most.")] = 50,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output as text (table) or JSON.")
    ] = OutputFormat.table,
) -> None:
    """One vessel's file: identities over time, sanctions matches (programme, listing date),
    port calls (observed and inferred), gaps, encounters, radar matches, and its risk broken
    into contributions, each with the rows behind it."""
    from darkcargo.sanctions.dossier import vessel_file
    from darkcargo.sanctions.risk import build_risk
    from darkcargo.workspace import Workspace

    report = build_risk(workspace, preset, case)
    with Workspace(workspace, read_only=True) as ws:
        doc = vessel_file(ws, ident, max_rows=rows)
    if not report.stored:  # a dashboard holds the workspace: use the scores computed here
        from darkcargo.sanctions.dossier import json_rows

        mine = [r for r in json_rows(report.table) if r["vessel_id"] == doc["vessel_id"]]
        doc["risk"] = {**mine[0], "of": report.vessels} if mine else None
    if fmt is not OutputFormat.table:
        sys.stdout.write(json.dumps(doc, indent=1, default=str) + "\n")
        return
    _print_file(doc, rows)


def _print_file(doc: dict[str, Any], rows: int) -> None:
    from darkcargo.cli.output import console, text

    def line(value: str) -> None:
        console.print(text(value))

    risk = doc.get("risk")
    head = f"{doc['vessel_id']}  MMSI {', '.join(map(str, doc['mmsis']))}"
    if risk:
        head += f"  risk {risk['score']:g} (rank {risk['rank']} of {risk['of']}, preset {risk['preset']})"
    line(head)
    ids = [
        {
            k: p.get(k)
            for k in ("mmsi", "imo", "name", "callsign", "flag", "first_seen", "last_seen")
        }
        for p in doc["identities"]
    ]
    if ids:
        plain_table(ids, OutputFormat.table, "identities over time")
    if doc["matches"]:
        plain_table(
            [
                {
                    "kind": m["kind"],
                    "list": m["list"],
                    "program": m["program"],
                    "listed_on": m["listed_on"],
                    "listed_name": m["listed_name"],
                    "agreed": ", ".join(m["fields"] or []),
                    "ais_name": m["name"],
                    "from": m["valid_from"],
                    "to": m["valid_to"],
                    "entry": m["entry_id"],
                }
                for m in doc["matches"]
            ],
            OutputFormat.table,
            "sanctions matches (weak = name only, not scored)",
        )
    else:
        line("sanctions matches: none")
    if risk:
        plain_table(
            [
                {
                    "points": c["points"],
                    "rule": c["rule"],
                    "count": c["count"],
                    "why": c["why"],
                    "rows": "; ".join(
                        f"{k}: {' '.join(map(str, v[:8]))}{' ...' if len(v) > 8 else ''}"
                        for k, v in c["rows"].items()
                    ),
                }
                for c in risk["contributions"]
            ],
            OutputFormat.table,
            f"risk {risk['score']:g}: contributions (params {risk['params_hash']})",
        )
    calls = [
        {
            "kind": c["call_kind"],
            "port": c.get("port_id"),
            "from": c.get("start_ts") or c.get("arrival_ts"),
            "to": c.get("end_ts") or c.get("departure_ts"),
            "id": c.get("event_id") or c.get("call_id"),
        }
        for c in doc["port_calls"][:rows]
    ]
    if calls:
        plain_table(calls, OutputFormat.table, f"port calls ({len(calls)} shown)")
    for key, title in (
        ("gaps", "AIS gaps"),
        ("encounters", "encounters"),
        ("other_events", "other events"),
    ):
        evs = doc[key][:rows]
        if evs:
            plain_table(
                [
                    {
                        "kind": e["kind"],
                        "from": e["start_ts"],
                        "to": e["end_ts"],
                        "other": e.get("other_mmsi"),
                        "port": e.get("port_id"),
                        "event_id": e["event_id"],
                    }
                    for e in evs
                ],
                OutputFormat.table,
                f"{title} ({_total(doc, key)})",
            )
    if doc["detections"]:
        plain_table(
            [
                {
                    k: d.get(k)
                    for k in ("scene_id", "ts", "lat", "lon", "length_m", "match_distance_m")
                }
                for d in doc["detections"][:rows]
            ],
            OutputFormat.table,
            "radar detections matched to it",
        )


def _total(doc: dict[str, Any], key: str) -> str:
    kinds = {"gaps": ("gap",), "encounters": ("encounter",)}.get(key)
    counts = doc.get("event_counts", {})
    if kinds is None:
        n = sum(v for k, v in counts.items() if k not in ("gap", "encounter", "port_call"))
    else:
        n = sum(counts.get(k, 0) for k in kinds)
    return f"{len(doc[key])} of {n}"


def print_top(rows: list[dict[str, Any]], title: str) -> None:
    """The demo's short ranking (rank, name, score, reasons), as plain text."""
    plain_table(rows, OutputFormat.table, title)


def register(app: typer.Typer) -> None:
    app.command("vessels")(vessels)
    app.command("vessel")(vessel)
