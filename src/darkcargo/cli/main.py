"""The `darkcargo` command. Each command group lives in its own module and registers here.

Start-up is part of every command's time, so command modules import only typer, rich and the
standard library at module level; the stage code they call (numba, DuckDB, pyarrow, FastAPI,
the claim extractors ...) is imported inside the command function that needs it.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.util
import logging
import os
import pkgutil
import sys
import threading

import typer

from darkcargo import __version__
from darkcargo.errors import DarkcargoError, printable

# Every module of this package that defines register(app) adds its commands: a new command
# group is a new file, with no shared list to edit. Each registers (at least) the command of
# its own name, so a command line that names one is served by that module alone.
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
    for handler in logging.getLogger().handlers:  # messages quote what files hold
        handler.setFormatter(_PrintableFormatter(handler.formatter))


def _app_of(modules: list[str]) -> typer.Typer:
    app = typer.Typer(
        name="darkcargo",
        help="From raw maritime evidence to defensible numbers: ingest AIS, detect events, "
        "estimate cargo, grade claims, and show it all.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_root)
    for name in modules:
        module = importlib.import_module(name)
        if hasattr(module, "register"):
            module.register(app)
    return app


@functools.cache
def full_app() -> typer.Typer:
    """The app with every command (what `--help` lists, and what a misspelt name is matched
    against)."""
    return _app_of(_command_modules())


def app_for(argv: list[str]) -> typer.Typer:
    """The app that serves a command line: the named command's module only, when the first word
    that is not an option names one (start-up then imports and builds one command instead of
    all of them, a tenth of a short command's time); otherwise every command."""
    word = next((a for a in argv if not a.startswith("-")), "")
    if word.isidentifier() and word not in NOT_COMMANDS:
        module = f"darkcargo.cli.{word}"
        if importlib.util.find_spec(module) is not None:
            return _app_of([module])
    return full_app()


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the whole CLI, for callers that run it in process (tests, docs)
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _PrintableFormatter(logging.Formatter):
    """A log line as the wrapped formatter writes it, with control characters escaped."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return printable(self.inner.format(record))


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
        code = app_for(sys.argv[1:])(standalone_mode=False)
    except DarkcargoError as exc:
        typer.echo(f"error: {printable(str(exc))}", err=True)
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


def run() -> None:
    """The `darkcargo` executable: main(), then, if numba or DuckDB was loaded, leave without
    tearing the interpreter down.

    Tearing down an interpreter that has loaded numba's compiler (LLVM) takes a quarter of a
    second, as long as decoding a million NMEA sentences; one that has loaded DuckDB and pyarrow,
    a tenth of a second, a fifth of a small ingest. The outcome is settled by then (the command
    returned, its workspace is closed and committed): exit handlers run, logs and the standard
    streams are flushed, then the process ends.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message"): Python prints it and exits 1
            print(exc.code, file=sys.stderr)
            code = 1
    _leave(code)


def _leave(code: int) -> None:
    if not {"numba", "duckdb"} & sys.modules.keys():
        sys.exit(code)
    for thread in threading.enumerate():  # as a normal exit does: wait for non-daemon threads
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`darkcargo events | head`)
            code = code or 1
    os._exit(code)
