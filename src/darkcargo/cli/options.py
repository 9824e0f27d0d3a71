"""Options shared by several commands (rasterio-style helpers)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# The same name as darkcargo.workspace.WORKSPACE_ENV (a test checks), spelled here so that
# building the command line does not import DuckDB.
WORKSPACE_ENV = "DARKCARGO_WORKSPACE"


def default_workspace_path() -> Path:
    """The workspace a command uses without --workspace (imports DuckDB only when asked)."""
    from darkcargo.workspace import default_workspace_path as default

    return default()


if TYPE_CHECKING:
    from darkcargo.engines.spark.detect import SparkOptions
    from darkcargo.workspace import Workspace

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        envvar=WORKSPACE_ENV,
        help="Workspace DuckDB file (default ./darkcargo.duckdb, or $DARKCARGO_WORKSPACE).",
        default_factory=default_workspace_path,
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output as a table, CSV or JSON.")
]

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output file or folder.")]

CaseOpt = Annotated[
    str | None,
    typer.Option(
        "--case",
        envvar="DARKCARGO_CASE",
        help="Case (watched ports and vessels): a built-in name or a TOML file. Default dprk_russia.",
    ),
]


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        case_sensitive=False,
        help="duckdb: this machine, the workspace file (default). spark: Apache Spark, for AIS "
        "that outgrows one machine (pip install 'darkcargo[spark]', Java 17+).",
    ),
]

MasterOpt = Annotated[
    str | None,
    typer.Option(
        "--master",
        help="Spark master (with --engine spark): local[2], spark://HOST:7077, yarn, "
        "k8s://...; default spark-submit's master, else local[*].",
    ),
]

SparkConfOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--conf",
        help="A Spark setting KEY=VALUE (with --engine spark; repeatable), e.g. "
        "spark.executor.memory=8g.",
    ),
]


def spark_options(master: str | None, conf: list[str] | None) -> SparkOptions:
    """The Spark engine's options from the CLI's (pyspark is imported only when used)."""
    from darkcargo.engines.spark.detect import SparkOptions
    from darkcargo.engines.spark.session import parse_conf

    return SparkOptions(master=master, conf=tuple(parse_conf(conf).items()))


def vessel_mmsis(ws: Workspace, vessel: str | None) -> list[int] | None:
    """The MMSIs of --vessel (IMO, MMSI or AIS name); None without one. A vessel the workspace
    does not know is an InputError naming the option."""
    if not vessel:
        return None
    from darkcargo.errors import InputError
    from darkcargo.events.query import resolve_vessel

    mmsis = resolve_vessel(ws, vessel)
    if not mmsis:
        raise InputError(
            "--vessel", f"no vessel {vessel!r} in the workspace (IMO, MMSI or AIS name)"
        )
    return mmsis
