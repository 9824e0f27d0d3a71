"""The CLI shell: exit codes and one-line errors, whatever the command."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer

from darkcargo.cli import main as cli_main
from darkcargo.errors import InputError


@pytest.fixture
def extra_command() -> Iterator[typer.Typer]:
    app = cli_main.app
    before = list(app.registered_commands)
    yield app
    app.registered_commands[:] = before


def _run(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setattr("sys.argv", ["darkcargo", *argv])
    with pytest.raises(SystemExit) as exited:
        cli_main.main()
        raise SystemExit(0)
    return int(exited.value.code or 0)


def test_typer_exit_code_reaches_the_shell(
    extra_command: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    @extra_command.command("fail-with-4")
    def _fail() -> None:
        raise typer.Exit(4)

    assert _run(monkeypatch, "fail-with-4") == 4


def test_ctrl_c_exits_130_and_says_the_workspace_is_unchanged(
    extra_command: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @extra_command.command("interrupt-me")
    def _interrupt() -> None:
        raise KeyboardInterrupt

    assert _run(monkeypatch, "interrupt-me") == 130
    assert "left as it was" in capsys.readouterr().err


def test_input_error_is_one_line_with_exit_2(
    extra_command: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @extra_command.command("bad-input")
    def _bad() -> None:
        raise InputError("feed.nmea", "checksum mismatch", line=12)

    assert _run(monkeypatch, "bad-input") == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: feed.nmea:12: checksum mismatch"


def test_unknown_option_value_is_a_usage_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, "events", "--format", "bogus") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "bogus" in err


def test_success_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, "--version") == 0
    assert capsys.readouterr().out.startswith("darkcargo ")
