"""The `darkcargo` command. Each command group lives in its own module and registers here."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import typer

from darkcargo import __version__
from darkcargo.errors import DarkcargoError

app = typer.Typer(
    name="darkcargo",
    help="From raw maritime evidence to defensible numbers: ingest AIS, detect events, "
    "estimate cargo, grade claims, and show it all.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Every module of this package that defines register(app) adds its commands: a new command
# group is a new file, with no shared list to edit.
NOT_COMMANDS = {"main", "options", "output"}
INTERRUPTED = 130  # exit code for Ctrl-C, as shells report SIGINT


def _command_modules() -> list[str]:
    import darkcargo.cli as package

    names = sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if m.name not in NOT_COMMANDS
    )
    return [f"darkcargo.cli.{n}" for n in names]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"darkcargo {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _name in _command_modules():
    _module = importlib.import_module(_name)
    if hasattr(_module, "register"):
        _module.register(app)


def _click_exception_types() -> tuple[type[BaseException], ...]:
    """Usage-error classes: typer may vendor click (typer._click) or use the click package."""
    types: list[type[BaseException]] = []
    for module_name in ("typer._click", "click"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = getattr(module, "ClickException", None)
        if isinstance(cls, type):
            types.append(cls)
    return tuple(types)


def main() -> None:
    """Entry point: run the app, turning darkcargo errors into one line and an exit code."""
    try:
        # Non-standalone mode returns typer.Exit codes (and 130 for Ctrl-C) instead of exiting.
        code = app(standalone_mode=False)
    except DarkcargoError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted: the workspace is left as it was before this command", err=True)
        sys.exit(INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except _click_exception_types() as exc:
        exc.show()  # type: ignore[attr-defined]
        sys.exit(getattr(exc, "exit_code", 2))
    if isinstance(code, int) and not isinstance(code, bool) and code != 0:
        if code == INTERRUPTED:
            typer.echo("interrupted: the workspace is left as it was before this command", err=True)
        sys.exit(code)
