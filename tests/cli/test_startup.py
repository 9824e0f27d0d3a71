"""Start-up: a command loads only what it uses, numba's cache goes to the user's cache folder,
and the fast exit of the `darkcargo` executable loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import darkcargo
from darkcargo.cli import main, options
from darkcargo.workspace import WORKSPACE_ENV

REPO = Path(__file__).resolve().parents[2]
SENTENCE = b"\\s:rBENCH01,c:1700000000*0B\\!AIVDM,1,1,,A,144HfvT92EaKEB0H@087?Ba>0R:O,0*4A\n"

# Imported by no command that does not use it. An NMEA ingest decodes with the kernels compiled
# ahead of time (`make setup`), so it loads neither numba nor scipy (which numba imports); it
# hands pyarrow no NumPy or Python values to convert (pyarrow imports pandas for that), and the
# command line is parsed without pydantic (typer 0.29 coerces through it).
NEVER_FOR_INGEST = (
    "numba", "scipy", "fastapi", "uvicorn", "starlette", "shapely", "jinja2", "quantulum3", "dateparser",
    "rapidfuzz", "pandas", "pydantic", "pyarrow.compute", "darkcargo.claims.extract",
    "darkcargo.estimate.montecarlo", "darkcargo.events.detect", "darkcargo.scenario",
)  # fmt: skip
# A command names its module; `darkcargo ingest` does not load the others, nor, when its output
# is not a terminal, rich (its lines are plain; rich draws the progress bars on a terminal).
NEVER_FOR_PIPED_INGEST = (
    "darkcargo.cli.serve", "darkcargo.cli.claims", "darkcargo.cli.report", "rich",
)  # fmt: skip
NEVER_FOR_HELP = (*NEVER_FOR_INGEST, "duckdb", "darkcargo.ais.ingest")
# The readers of CSV and Parquet files, and the layouts they read by, serve tabular files only.
NEVER_FOR_NMEA_INGEST = ("darkcargo.ais.tabular", "darkcargo.ais.layout", "tomllib")


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NUMBA_DEBUG_CACHE", "DARKCARGO_NMEA_KERNEL")
    }
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return {**env, **extra}


def run_cli(cwd: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m darkcargo ARGV` (the installed executable's entry) in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "darkcargo", *argv],
        cwd=cwd,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _modules_after(argv: list[str], cwd: Path) -> tuple[int, set[str]]:
    """Run the command in a fresh interpreter; its exit code and the modules it had imported."""
    code = (
        "import json, sys\n"
        "from darkcargo.cli.main import main\n"
        "try:\n    main()\n    rc = 0\n"
        "except SystemExit as e:\n    rc = e.code or 0\n"
        "print('MODULES=' + json.dumps(sorted(sys.modules)))\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES="))
    return done.returncode, set(json.loads(line.removeprefix("MODULES=")))


def _roots(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules]


def test_help_imports_no_stage_code(tmp_path: Path) -> None:
    rc, modules = _modules_after(["--help"], tmp_path)
    assert rc == 0
    assert _roots(modules, NEVER_FOR_HELP) == []
    assert "darkcargo.cli.ingest" in modules and "darkcargo.cli.serve" in modules


def test_a_named_command_is_served_by_its_module_alone() -> None:
    """Each command module registers the command of its own name, so `darkcargo NAME ...`
    builds that module's commands only; other words get every command (and typer's
    suggestions for a misspelt one)."""
    full = _served(main.full_app())
    for module in main._command_modules():
        name = module.rsplit(".", 1)[1]
        app = main.app_for(["-v", name, "--help"])
        assert app is not main.full_app()
        assert name in _served(app) and _served(app) <= full, (name, _served(app))
    for argv in (["ingset"], ["--help"], [], ["main"], ["../x"]):
        assert main.app_for(argv) is main.full_app()


def _served(app: typer.Typer) -> set[str | None]:
    return {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}


@pytest.mark.usefixtures("native_nmea_kernels")
def test_ingest_of_nmea_imports_only_what_it_uses(tmp_path: Path) -> None:
    feed = tmp_path / "one.nmea"
    feed.write_bytes(SENTENCE)
    rc, modules = _modules_after(["ingest", str(feed), "-w", str(tmp_path / "ws.duckdb")], tmp_path)
    assert rc == 0
    assert {"duckdb", "darkcargo.ais.nmea", "darkcargo.ais._nmea_native"} <= modules
    assert (
        _roots(modules, (*NEVER_FOR_INGEST, *NEVER_FOR_PIPED_INGEST, *NEVER_FOR_NMEA_INGEST)) == []
    )


def test_workspace_env_name_is_the_workspace_modules() -> None:
    assert options.WORKSPACE_ENV == WORKSPACE_ENV


def test_numba_cache_defaults_to_the_user_cache_folder(tmp_path: Path) -> None:
    code = (
        "import os, darkcargo\n"
        "from darkcargo.ais import _nmea_kernel as K\n"
        "print(os.environ['NUMBA_CACHE_DIR'])\n"
        "print(K.decode_buffer._cache._cache_path)\n"
    )
    env = _env(XDG_CACHE_HOME=str(tmp_path / "xdg"))
    env.pop("NUMBA_CACHE_DIR", None)
    env.pop("DARKCARGO_CACHE_DIR", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    folder = tmp_path / "xdg" / "darkcargo" / "numba"
    assert out[0] == str(folder) and folder.is_dir()
    assert Path(out[1]).parent == folder and Path(out[1]).name.startswith("ais_")
    # the user's own setting wins
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "mine")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == str(tmp_path / "mine") and Path(out[1]).parent == tmp_path / "mine"


def test_user_cache_dir_follows_darkcargo_then_xdg_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("DARKCARGO_CACHE_DIR", raising=False)
    assert darkcargo.user_cache_dir() == tmp_path / "home" / ".cache" / "darkcargo"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert darkcargo.user_cache_dir() == tmp_path / "xdg" / "darkcargo"
    monkeypatch.setenv("DARKCARGO_CACHE_DIR", str(tmp_path / "own"))
    assert darkcargo.user_cache_dir() == tmp_path / "own"


def test_executable_exits_fast_and_loses_nothing(tmp_path: Path) -> None:
    """`python -m darkcargo` (the same entry as the installed `darkcargo`) ends the process
    without interpreter teardown once numba is loaded: output, exit code and the committed
    workspace must be as with a normal exit."""
    feed = tmp_path / "one.nmea"
    feed.write_bytes(SENTENCE * 3)
    ws = tmp_path / "ws.duckdb"

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return run_cli(tmp_path, *argv)

    done = cli("ingest", str(feed), "-w", str(ws))
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("3 positions, 0 statics")
    # a failure after numba was loaded: the first file is kept, the exit code is 2
    done = cli("ingest", str(feed), str(tmp_path / "missing.nmea"), "-w", str(ws))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "missing.nmea" in done.stderr
    info = cli("info", "-w", str(ws), "--format", "json")
    assert info.returncode == 0, info.stderr
    summary = json.loads(info.stdout)
    assert summary["positions"] == 3 and len(summary["sources"]) == 1
