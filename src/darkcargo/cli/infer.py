"""`darkcargo infer`: dark port calls (the calls AIS never shows) and the shipments they make."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from darkcargo.cli.options import CaseOpt, FormatOpt, OutputFormat, WorkspaceOpt
from darkcargo.cli.output import console, print_table, text


def infer_cmd(
    workspace: WorkspaceOpt,
    case: CaseOpt = None,
    preset: Annotated[
        str | None,
        typer.Option(
            help="Infer preset: built-in name (infer) or a TOML file (extends = 'infer')."
        ),
    ] = None,
    origin: Annotated[
        str | None,
        typer.Option(
            help="Origin ports: country codes or port ids, comma-separated (default: the case's)."
        ),
    ] = None,
    destination: Annotated[
        str | None,
        typer.Option(help="Destination ports, likewise (default: the case's)."),
    ] = None,
    max_speed: Annotated[
        float | None,
        typer.Option(
            "--max-speed",
            min=1.0,
            help="Top speed (kn) no vessel exceeds across a silence (default: each vessel's own, "
            "from its reports, else 16).",
        ),
    ] = None,
    all_vessels: Annotated[
        bool,
        typer.Option(
            "--all-vessels",
            help="Search every vessel's gaps, not only the case's and suspicious ones.",
        ),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Infer the port calls AIS never shows and build shipments; replaces earlier ones.

    For each gap of a case vessel (or a suspicious one), the watched ports it could have
    reached by SEA, stayed at and left within the gap at its top speed, ranked by corroboration:
    radar targets of its length at the port, sightings, its calls there seen on AIS, its course
    where AIS went off and came back, draught. Radar-only trips too: a dark target at a watched
    port of the length of a case vessel that was silent then. Each inferred call has a
    confidence (0-1, from the preset's named weights) and its evidence for and against in words:
    `darkcargo calls --kind inferred --evidence`.
    """
    from darkcargo.shipments.infer import infer
    from darkcargo.shipments.query import port_calls
    from darkcargo.workspace import Workspace

    with Workspace(workspace, must_exist=True) as ws:
        r = infer(
            ws,
            case,
            preset,
            max_speed_kn=max_speed,
            origin=origin,
            destination=destination,
            all_vessels=all_vessels,
            say=lambda m: None,
        )
        calls = port_calls(ws, kind="inferred").select(
            ["vessel", "mmsi", "port_id", "arrival_ts", "departure_ts", "confidence", "summary"]
        )
    if fmt is not OutputFormat.table:
        print_table(calls, fmt)
        return
    st, rs = r.search, r.router
    console.print(
        f"infer ({r.preset}, params {r.params_hash}): {len(r.vessels)} case vessels"
        + (f", {len(r.suspicious)} suspicious" if r.suspicious else "")
        + f"; {r.gaps_considered} gaps and {r.radar_windows} radar-only windows searched in {r.seconds:.1f} s"
    )
    console.print(
        f"candidates: {st.pairs:,} gap x watched port pairs, {st.screened_out:,} out of reach by the "
        f"distance field, {st.routed:,} routed by sea, {st.rejected_by_sea:,} out of reach by sea; "
        f"{r.candidates:,} within reach"
    )
    by_port = ", ".join(f"{k} {v}" for k, v in r.inferred_by_port.items()) or "none"
    console.print(
        f"inferred port calls: {r.port_calls_inferred} ({by_port}), {r.radar_only_calls} radar-only; "
        f"{r.below_threshold} silences whose best call stayed under the preset's min_confidence"
    )
    console.print(
        f"shipments: {r.shipments} ({r.shipments_inferred} with a dark end); observed port calls: "
        f"{r.port_calls_observed:,}"
    )
    console.print(
        f"sea router: {rs.route_requests:,} route requests, cache hit rate "
        + (f"{rs.hit_rate:.0%}" if rs.route_requests else "-")
        + (
            f"; grid built in {rs.graph_seconds:.1f} s"
            if rs.graph_built
            else "; grid from the workspace cache"
        )
    )
    for note in r.notes:
        console.print(Text.assemble(("note", "yellow"), ": ", text(note)))
    if calls.num_rows:
        print_table(calls, fmt, title="inferred port calls")


def register(app: typer.Typer) -> None:
    app.command("infer")(infer_cmd)
