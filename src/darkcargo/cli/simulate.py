"""`darkcargo simulate`: write a simulated DPRK -> Russia shipping season with its ground truth."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from darkcargo.cli.output import console, err_console
from darkcargo.errors import InputError

HELP = """Simulate a shipping season in the Sea of Japan and write it to a folder.

The folder gets ais.nmea (NMEA 0183 with tag blocks), ais_marinecadastre.csv (the same positions), ports.csv, sightings.csv, documents/*.txt, truth/ (vessels, covert voyages and events as Parquet, truth.json) and settings.json. The same seed always gives the same bytes.
"""


def _date(value: str, option: str) -> date:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InputError(option, f"'{value}' is not a date like 2023-08-01") from None


def register(app: typer.Typer) -> None:
    @app.command("simulate", help=HELP)
    def simulate_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created).")],
        seed: Annotated[int, typer.Option(help="Random seed: same seed, same season.")] = 7,
        start: Annotated[str, typer.Option(help="First day (UTC), YYYY-MM-DD.")] = "2023-08-01",
        end: Annotated[str, typer.Option(help="Last day (UTC, inclusive).")] = "2024-02-29",
        vessels: Annotated[
            int, typer.Option(help="Number of vessels (covert ones included).")
        ] = 300,
    ) -> None:
        from darkcargo.scenario import ScenarioSettings, simulate

        d0, d1 = _date(start, "--start"), _date(end, "--end")
        if d1 < d0:
            raise InputError("--end", f"{end} is before --start {start}")
        if vessels < 1:
            raise InputError("--vessels", "must be at least 1")
        settings = ScenarioSettings(seed=seed, start=d0, end=d1, vessels=vessels)
        with err_console.status("simulating") as status:
            result = simulate(out, settings, progress=lambda msg: status.update(msg))
        c = result.counts
        console.print(
            f"[bold]{out}[/bold]: {c['vessels']} vessels, {c['positions']:,} positions, "
            f"{c['nmea_lines']:,} NMEA lines, {c['voyages']} covert voyages, "
            f"{c['events']:,} truth events in {result.elapsed_s:.1f} s"
        )
        kinds = ", ".join(f"{k} {n:,}" for k, n in result.events_by_kind.items())
        console.print(f"truth events: {kinds}")
