"""`darkcargo claims extract|add|list|check|export` end to end."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from darkcargo.cli.main import main
from darkcargo.workspace import Workspace

from .conftest import HAND_MADE_ESTIMATES, insert_estimates


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["darkcargo", *args])
    monkeypatch.setenv("COLUMNS", "200")
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_claims_cli_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws.duckdb"
    with Workspace(ws) as w:
        insert_estimates(w, HAND_MADE_ESTIMATES)
    article = tmp_path / "article.txt"
    article.write_text(
        "South Korean Defence Minister Shin Won-sik said on Monday that North Korea had shipped "
        "about 6,700 containers to Russia since August 2023. The containers could hold more than "
        "3 million rounds of 152 mm artillery shells, Shin said.",
        encoding="utf-8",
    )
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>No figures here.</p></body></html>", encoding="utf-8")
    code, out, _ = run(
        monkeypatch,
        capsys,
        "claims",
        "extract",
        str(article),
        str(page),
        "-w",
        str(ws),
        "--date",
        "2024-02-27",
        "--source-url",
        "https://e.org/a",
    )
    assert code == 0
    assert "article.txt: 2 claims (added)" in out and "page.html: 0 claims (added)" in out
    code, out, _ = run(monkeypatch, capsys, "claims", "extract", str(article), "-w", str(ws))
    assert "already in ledger" in out

    code, out, _ = run(
        monkeypatch,
        capsys,
        "claims",
        "add",
        "-w",
        str(ws),
        "--value",
        "1500000",
        "--item",
        "shells",
        "--speaker",
        "Volodymyr Zelensky",
        "--date",
        "2024-02-25",
    )
    assert code == 0 and out.startswith("claim ")

    code, out, _ = run(monkeypatch, capsys, "claims", "list", "-w", str(ws), "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 3 and {r["item"] for r in rows} == {"containers", "shells"}
    code, out, _ = run(
        monkeypatch, capsys, "claims", "list", "-w", str(ws), "--item", "shells", "--format", "csv"
    )
    assert out.count("\n") == 3  # header + two shell claims
    code, out, _ = run(monkeypatch, capsys, "claims", "list", "-w", str(ws))
    assert "~6,700" in out and "Shin Won-sik" in out

    code, out, _ = run(monkeypatch, capsys, "claims", "check", "-w", str(ws))
    assert code == 0 and "consistent" in out and "not_comparable" in out
    code, out, _ = run(monkeypatch, capsys, "claims", "check", "-w", str(ws), "-f", "json")
    grades = json.loads(out)
    assert {g["grade"] for g in grades} <= {"consistent", "above", "below", "not_comparable"}

    target = tmp_path / "reviews.jsonld"
    code, out, _ = run(
        monkeypatch,
        capsys,
        "claims",
        "export",
        "-w",
        str(ws),
        "--format",
        "claimreview",
        "-o",
        str(target),
    )
    reviews = json.loads(target.read_text(encoding="utf-8"))
    assert code == 0 and len(reviews) == 3
    assert all(r["@type"] == "ClaimReview" for r in reviews)


def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "scan.bin"
    bad.write_bytes(b"\x89PNG\x00\x00\x00\rIHDR" * 20)
    code, _, err = run(
        monkeypatch, capsys, "claims", "extract", str(bad), "-w", str(tmp_path / "ws.duckdb")
    )
    assert code == 2
    assert err.strip().count("\n") == 0 and "scan.bin" in err and "binary" in err
    code, _, err = run(
        monkeypatch,
        capsys,
        "claims",
        "add",
        "-w",
        str(tmp_path / "ws.duckdb"),
        "--item",
        "shells",
        "--value",
        "5",
        "--date",
        "26/02/2024",
    )
    assert code == 2 and "--date" in err
