"""`darkcargo serve`: the dashboard on 127.0.0.1, read-only against the workspace."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path
from typing import Annotated

import typer

from darkcargo.cli.options import CaseOpt, WorkspaceOpt
from darkcargo.errors import InputError

TOKEN_ENV = "DARKCARGO_TOKEN"
# Shorter tokens are accepted with a warning: they can be guessed.
MIN_TOKEN_CHARS = 16


def _check_token(token: str, where: str) -> str:
    if not token:
        raise InputError(where, "the token is empty")
    if any(not (0x21 <= ord(c) <= 0x7E) for c in token):
        raise InputError(
            where, "the token must be printable ASCII without spaces (it travels in a header)"
        )
    if len(token) < MIN_TOKEN_CHARS:
        typer.echo(
            f"warning: the token from {where} has {len(token)} characters; "
            f"use at least {MIN_TOKEN_CHARS} (for example: openssl rand -hex 24)",
            err=True,
        )
    return token


def _read_token_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(str(path), f"cannot read the token file ({reason})") from None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) != 1:
        raise InputError(str(path), "the token file must hold the token on one line")
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        typer.echo(f"warning: {path} is readable by other users; chmod 600 it", err=True)
    return _check_token(lines[0], str(path))


def resolve_token(token: str | None, token_file: Path | None) -> tuple[str | None, str]:
    """The token and where it came from: --token-file, --token, or $DARKCARGO_TOKEN (in that
    order of precedence; giving both options is an error)."""
    if token is not None and token_file is not None:
        raise InputError("--token", "give --token or --token-file, not both")
    if token_file is not None:
        return _read_token_file(token_file), f"the file {token_file}"
    if token is not None:
        return _check_token(token, "--token"), "--token"
    env = os.environ.get(TOKEN_ENV)
    if env is not None:
        return _check_token(env.strip(), f"${TOKEN_ENV}"), f"${TOKEN_ENV}"
    return None, ""


def serve(
    workspace: WorkspaceOpt,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. Anything but loopback (127.0.0.1, ::1, localhost) "
            f"needs a token (${TOKEN_ENV} or --token-file)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Require 'Authorization: Bearer TOKEN' on every API request. Visible to every "
            f"user of the machine in `ps`: prefer ${TOKEN_ENV} or --token-file.",
        ),
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option(
            help=f"Read the token from this file (one line; chmod 600). Default: ${TOKEN_ENV}.",
            dir_okay=False,
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Another host name the dashboard is reached by (repeatable). Requests for any "
            "other name are refused, so web pages elsewhere cannot reach it by DNS rebinding; "
            "loopback names and the --host given are always accepted.",
        ),
    ] = None,
    case: CaseOpt = None,
) -> None:
    """Serve the map, vessel pages and estimates-vs-claims dashboard for a workspace."""
    import uvicorn

    from darkcargo.web import create_app
    from darkcargo.web.security import WILDCARD_HOSTS, is_loopback

    secret, origin = resolve_token(token, token_file)
    if not is_loopback(host) and not secret:
        raise InputError(
            "--host",
            f"{host} listens beyond this machine: set a token first "
            f"(${TOKEN_ENV}=... or --token-file FILE)",
        )
    wildcard = host.strip("[]") in WILDCARD_HOSTS
    extra = list(allow_host or [])
    if wildcard:
        extra.append(socket.gethostname())
    app = create_app(workspace, token=secret, case=case, host=host, extra_hosts=extra)
    shown = "127.0.0.1" if wildcard else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"darkcargo dashboard for {workspace} at {url}")
    if secret:
        typer.echo(
            f"token from {origin}: open {url}#token=<token>; API clients send "
            "'Authorization: Bearer <token>'"
        )
    if origin == "--token":
        typer.echo(
            f"warning: --token is visible to every user of this machine (ps, shell history); "
            f"prefer ${TOKEN_ENV} or --token-file",
            err=True,
        )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
