"""`darkcargo serve`: the dashboard on 127.0.0.1, read-only against the workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from darkcargo.cli.options import CaseOpt, WorkspaceOpt
from darkcargo.errors import InputError


def serve(
    workspace: WorkspaceOpt,
    host: Annotated[
        str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless you set --token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="DARKCARGO_TOKEN",
            help="Require 'Authorization: Bearer TOKEN' on every API request.",
        ),
    ] = None,
    case: CaseOpt = None,
) -> None:
    """Serve the map, vessel pages and estimates-vs-claims dashboard for a workspace."""
    import uvicorn

    from darkcargo.web import create_app

    if token is not None and not token.strip():
        raise InputError("--token", "the token is empty")
    app = create_app(workspace, token=token, case=case)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    typer.echo(
        f"darkcargo dashboard for {workspace} at {url}" + (f"#token={token}" if token else "")
    )
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        typer.echo("warning: listening beyond this machine without --token", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
