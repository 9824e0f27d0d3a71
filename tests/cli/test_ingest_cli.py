"""`darkcargo ingest`: counts by reason per file and in total, exit 2 with one line on bad input."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from tests.ais.test_ingest import MC_HEADER, marinecadastre_csv

from darkcargo.cli.main import main
from darkcargo.workspace import Workspace


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run the real entry point; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["darkcargo", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def positions(ws: Path) -> int:
    with Workspace(ws, read_only=True) as w:
        return w.count("positions")


def test_ingest_prints_counts_by_reason_per_file_and_total(
    shared_data: Path,
    tmp_path: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csv_path = tmp_path / "day.csv"
    csv_path.write_text(marinecadastre_csv(400, bad_every=100))
    nmea = shared_data / "ais" / "pyais" / "nmea_data_sample.txt"
    code, out, err = run_cli(
        ["ingest", str(csv_path), str(nmea), "-w", str(workspace_path)], capsys, monkeypatch
    )
    assert code == 0, err
    lines = out.strip().splitlines()
    csv_line = next(line for line in lines if line.startswith(str(csv_path)))
    assert "csv:marinecadastre, 400 lines: 396 accepted, 4 rejected (out_of_range 4)" in csv_line
    nmea_line = next(line for line in lines if line.startswith(str(nmea)))
    assert "898 lines: 6 accepted, 892 rejected" in nmea_line and "empty_payload 100" in nmea_line
    total = lines[-1]
    assert total.startswith("total: 2 file(s) ingested, 0 already ingested; 1,298 lines")
    assert "out_of_range 4" in total and "empty_payload 100" in total

    code, out, _ = run_cli(
        ["ingest", str(csv_path), "-w", str(workspace_path)], capsys, monkeypatch
    )
    assert code == 0 and "already ingested" in out and "nothing added" in out
    assert positions(workspace_path) == 396 + 6


def test_workspace_defaults_to_the_environment_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_path = tmp_path / "day.csv"
    csv_path.write_text(marinecadastre_csv(10))
    ws = tmp_path / "env.duckdb"
    monkeypatch.setenv("DARKCARGO_WORKSPACE", str(ws))
    code, _, err = run_cli(["ingest", str(csv_path)], capsys, monkeypatch)
    assert code == 0, err
    assert positions(ws) == 10


def test_unknown_csv_header_exits_2_with_one_line_naming_file_and_line(
    tmp_path: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("ship,when,y,x\n273210440,2024-03-12T06:00:00,42.25,130.3\n")
    code, _, err = run_cli(["ingest", str(odd), "-w", str(workspace_path)], capsys, monkeypatch)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {odd}:1: CSV header matches no")

    code, out, err = run_cli(
        [
            "ingest",
            str(odd),
            "-w",
            str(workspace_path),
            "--columns",
            "mmsi=ship,ts=when,lat=y,lon=x",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    assert "csv:columns, 1 lines: 1 accepted, 0 rejected" in out


def test_corrupt_gzip_exits_2_and_keeps_nothing_of_it(
    tmp_path: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(marinecadastre_csv(50))
    data = gzip.compress(marinecadastre_csv(20_000, seed=5).encode())
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(data[: len(data) // 2])
    code, out, err = run_cli(
        ["ingest", str(good), str(bad), "-w", str(workspace_path)], capsys, monkeypatch
    )
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}: corrupt gzip data")
    assert f"{good}: csv:marinecadastre, 50 lines" in out  # the earlier file was reported
    assert positions(workspace_path) == 50


def test_wrong_format_exits_2(
    tmp_path: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csv_path = tmp_path / "day.csv"
    csv_path.write_text(MC_HEADER + "\n")
    code, _, err = run_cli(
        ["ingest", str(csv_path), "-w", str(workspace_path), "--format", "parquet"],
        capsys,
        monkeypatch,
    )
    assert code == 2 and "not a Parquet file" in err and str(csv_path) in err
    code, _, err = run_cli(
        ["ingest", str(csv_path), "-w", str(workspace_path), "--format", "xml"],
        capsys,
        monkeypatch,
    )
    assert code == 2 and "xml" in err


def test_missing_file_and_bad_default_time_exit_2(
    tmp_path: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = run_cli(
        ["ingest", str(tmp_path / "nope.nmea"), "-w", str(workspace_path)], capsys, monkeypatch
    )
    assert code == 2 and err.strip() == f"error: {tmp_path / 'nope.nmea'}: no such file"
    csv_path = tmp_path / "day.csv"
    csv_path.write_text(marinecadastre_csv(5))
    code, _, err = run_cli(
        ["ingest", str(csv_path), "-w", str(workspace_path), "--default-time", "noon"],
        capsys,
        monkeypatch,
    )
    assert code == 2 and "--default-time" in err and "ISO 8601" in err


def test_default_time_dates_untimed_sentences(
    shared_data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nmea = shared_data / "ais" / "pyais" / "messages.ais"
    ws_a, ws_b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    code, _, err = run_cli(["ingest", str(nmea), "-w", str(ws_a)], capsys, monkeypatch)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(
        f"error: {nmea}: none of 8 lines accepted (no_time 6, comment 2); no AIS message "
        "has a time: pass --default-time; nothing from this file was kept"
    )
    assert not ws_a.exists()  # the refused file was the first: no workspace is left behind
    code, out_b, _ = run_cli(
        ["ingest", str(nmea), "-w", str(ws_b), "--default-time", "2024-03-12T06:00+09:00"],
        capsys,
        monkeypatch,
    )
    assert code == 0 and "no_time" not in out_b
    assert positions(ws_b) == 6
    with Workspace(ws_b, read_only=True) as ws:
        times = {r[0] for r in ws.con.execute("SELECT DISTINCT ts FROM positions").fetchall()}
    assert any(t.isoformat() == "2024-03-11T21:00:00" for t in times)


def test_help_explains_atomicity_and_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(["ingest", "--help"], capsys, monkeypatch)
    assert code == 0
    flat = " ".join(out.split())
    assert "files finished earlier by the same command stay committed" in flat
    for option in ("--workspace", "--default-time", "--columns", "--format"):
        assert option in flat


def test_ctrl_c_exits_130_saying_what_was_rolled_back(
    tmp_path: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import darkcargo.ais.ingest as stage
    from darkcargo.ais.ingest import FileResult

    def interrupted(paths: list[Path], workspace: Path, **kw: object) -> None:
        progress = kw["progress"]
        progress.start("first.csv", 10)  # type: ignore[attr-defined]
        progress.done(FileResult(path="first.csv", status="ingested"))  # type: ignore[attr-defined]
        progress.start("second.csv", 10)  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(stage, "ingest", interrupted)  # the command imports it when it runs
    code, _, err = run_cli(["ingest", "a", "b", "-w", str(workspace_path)], capsys, monkeypatch)
    assert code == 130
    assert " ".join(err.split()) == (
        "interrupted: second.csv was rolled back; 1 file(s) finished earlier by this command "
        "stay committed"
    )


def test_a_file_with_nothing_accepted_exits_2_with_the_likely_cause(
    tmp_path: Path,
    workspace_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """lat and lon swapped in a column map: 18 rows, none accepted (14.10)."""
    track = tmp_path / "track.csv"
    track.write_text(
        "id,time,x,y\n"
        + "".join(
            f"273210440,2024-03-12T06:{i:02d}:00,{130 + i / 100},{42 + i / 100}\n"
            for i in range(18)
        )
    )
    good = tmp_path / "good.csv"
    good.write_text(marinecadastre_csv(20))
    swapped = ["--columns", "mmsi=id,ts=time,lat=x,lon=y"]
    code, out, err = run_cli(
        ["ingest", str(good), str(track), "-w", str(workspace_path), *swapped[:0]],
        capsys,
        monkeypatch,
    )
    assert code == 2  # the MarineCadastre file went in; the track has no known layout
    code, out, err = run_cli(
        ["ingest", str(track), "-w", str(workspace_path), *swapped], capsys, monkeypatch
    )
    assert code == 2 and err.count("\n") == 1
    assert err.strip() == (
        f"error: {track}: none of 18 lines accepted (out_of_range 18); latitudes beyond 90 "
        "degrees while the longitudes fit: are lat and lon swapped?; nothing from this file was kept"
    )
    assert positions(workspace_path) == 20
    with Workspace(workspace_path, read_only=True) as ws:
        assert ws.count("rejects") == 0 and ws.count("sources") == 1
    code, out, err = run_cli(
        [
            "ingest",
            str(track),
            "-w",
            str(workspace_path),
            "--columns",
            "mmsi=id,ts=time,lat=y,lon=x",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0, err  # fixed: the same file goes in (it was not recorded as ingested)
    assert "18 lines: 18 accepted, 0 rejected" in out


def test_positions_in_raw_ais_units_are_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw.csv"  # 1/10,000 minute units, as AIS carries them
    raw.write_text(
        "mmsi,t,lat,lon\n"
        + "".join(
            f"273210440,2024-03-12T06:0{i}:00,{int(42.25 * 600000)},{int(130.3 * 600000)}\n"
            for i in range(5)
        )
    )
    ws = tmp_path / "new.duckdb"
    code, _, err = run_cli(
        ["ingest", str(raw), "-w", str(ws), "--columns", "mmsi=mmsi,ts=t,lat=lat,lon=lon"],
        capsys,
        monkeypatch,
    )
    assert (
        code == 2
        and "none of 5 lines accepted (out_of_range 5); positions far beyond 90/180: wrong units?"
        in err
    )
    assert not ws.exists()  # nothing left behind, not even an empty workspace


def test_truncated_gzip_names_the_bytes_decoded_before_the_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import zlib

    data = gzip.compress(marinecadastre_csv(5_000, seed=9).encode())
    cut = data[: len(data) // 2]
    bad = tmp_path / "cut.csv.gz"
    bad.write_bytes(cut)
    decodable = len(zlib.decompressobj(wbits=31).decompress(cut))
    code, _, err = run_cli(
        ["ingest", str(bad), "-w", str(tmp_path / "w.duckdb")], capsys, monkeypatch
    )
    assert code == 2 and f"corrupt gzip data after {decodable:,} decompressed bytes" in err
    assert decodable > 100_000
