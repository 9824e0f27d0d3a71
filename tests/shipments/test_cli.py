"""`darkcargo infer`, `darkcargo calls`, `darkcargo shipments` on hand-made events."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.test_ingest_cli import run_cli

from .conftest import ANGARA_MMSI, LADY_R_MMSI


def test_infer_prints_what_it_searched_and_found(
    hand_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    code, out, err = run_cli(["infer", "-w", str(hand_workspace)], capsys, monkeypatch)
    assert code == 0, err
    assert "2 case vessels, 1 suspicious; 4 gaps and 0 radar-only windows searched" in out
    assert "inferred port calls: 3 (RAJIN 3)" in out
    assert "shipments: 4 (3 with a dark end)" in out
    assert "cache hit rate" in out and "grid built" in out
    # a second run routes from the workspace cache
    code, out, _ = run_cli(["infer", "-w", str(hand_workspace)], capsys, monkeypatch)
    assert code == 0 and "cache hit rate 100%; grid from the workspace cache" in out


def test_calls_of_one_vessel_with_their_evidence(
    hand_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    run_cli(["infer", "-w", str(hand_workspace)], capsys, monkeypatch)
    args = ["calls", "-w", str(hand_workspace), "--vessel", "9161003", "--kind", "inferred"]
    code, out, err = run_cli([*args, "--format", "json"], capsys, monkeypatch)
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["mmsi"], r["port_id"], r["kind"]) for r in rows] == [
        (LADY_R_MMSI, "RAJIN", "inferred")
    ] * 2
    assert all(r["evidence"]["for"] and "terms" in r["evidence"] for r in rows)
    code, out, _ = run_cli([*args, "--evidence"], capsys, monkeypatch)
    assert code == 0
    assert "LADY R at RAJIN" in out and "  + RAJIN is an origin port of the case" in out
    assert "  - CHONGJIN is also within reach" in out
    code, out, err = run_cli(
        ["calls", "-w", str(hand_workspace), "--vessel", "NOBODY"], capsys, monkeypatch
    )
    assert code == 2 and "--vessel" in err and "NOBODY" in err
    code, out, err = run_cli(
        ["calls", "-w", str(hand_workspace), "--kind", "dark"], capsys, monkeypatch
    )
    assert code == 2 and "observed or inferred" in err


def test_shipments_listed_and_counted_with_the_share_inferred(
    hand_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli(["infer", "-w", str(hand_workspace)], capsys, monkeypatch)
    base = ["shipments", "-w", str(hand_workspace), "--format", "csv"]
    code, out, err = run_cli(base, capsys, monkeypatch)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [
        (r["vessel"], r["origin_port"], r["destination_port"], r["inferred"]) for r in rows
    ] == [
        ("ANGARA", "RAJIN", "DUNAI", "False"),
        ("ANGARA", "RAJIN", "VOSTOCHNY", "True"),
        ("LADY R", "RAJIN", "VOSTOCHNY", "True"),
        ("LADY R", "RAJIN", "VOSTOCHNY", "True"),
    ]
    code, out, _ = run_cli([*base, "--by", "vessel"], capsys, monkeypatch)
    by_vessel = {r["vessel"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (
        by_vessel["ANGARA"]["shipments"] == "2" and by_vessel["ANGARA"]["share_inferred"] == "0.5"
    )
    assert (
        by_vessel["LADY R"]["inferred"] == "2" and int(by_vessel["ANGARA"]["mmsi"]) == ANGARA_MMSI
    )
    code, out, _ = run_cli([*base, "--by", "month", "--inferred-only"], capsys, monkeypatch)
    months = [(r["month"], r["shipments"]) for r in csv.DictReader(io.StringIO(out))]
    assert months == [("2023-09", "1"), ("2024-03", "2")]
    code, out, _ = run_cli([*base, "--by", "port"], capsys, monkeypatch)
    ports = [
        (r["origin_port"], r["destination_port"], r["shipments"])
        for r in csv.DictReader(io.StringIO(out))
    ]
    assert ports == [("RAJIN", "DUNAI", "1"), ("RAJIN", "VOSTOCHNY", "3")]
    code, _, err = run_cli([*base, "--by", "week"], capsys, monkeypatch)
    assert code == 2 and "month, vessel, port" in err


def test_infer_rejects_unknown_origins_and_presets(
    hand_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run_cli(
        ["infer", "-w", str(hand_workspace), "--origin", "XX"], capsys, monkeypatch
    )
    assert code == 2 and "--origin" in err and "XX" in err
    code, _, err = run_cli(
        ["infer", "-w", str(hand_workspace), "--preset", "nope"], capsys, monkeypatch
    )
    assert code != 0 and "nope" in err
    # Korea's ports as the only origins: the same calls (Rajin is KP)
    code, out, err = run_cli(
        ["infer", "-w", str(hand_workspace), "--origin", "KP", "--destination", "RU"],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    assert "inferred port calls: 3 (RAJIN 3)" in out
