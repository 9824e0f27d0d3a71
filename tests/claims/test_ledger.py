"""The ledger: documents stored once, claims clustered, bad input refused before any write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from darkcargo.claims import add_claim, extract_files, list_claims
from darkcargo.claims.ledger import cluster_labels
from darkcargo.errors import InputError
from darkcargo.workspace import Workspace

from .conftest import count

ARTICLE = (
    "Date: 2024-02-27\nURL: https://example.org/shin\n\n"
    "South Korean Defence Minister Shin Won-sik said on Monday that North Korea had shipped "
    "about 6,700 containers to Russia since August 2023. The containers could hold more than "
    "3 million rounds of 152 mm artillery shells, Shin said.\n"
)


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_extract_files_stores_documents_and_claims(tmp_path: Path, workspace_path: Path) -> None:
    a = write(tmp_path / "a.txt", ARTICLE)
    report = extract_files([a], workspace_path)
    assert report.documents_added == 1 and report.claims_added == 2
    with Workspace(workspace_path, read_only=True) as ws:
        doc = ws.arrow("SELECT * FROM documents").to_pylist()[0]
        assert doc["published"] == date(2024, 2, 27)
        assert doc["source_url"] == "https://example.org/shin"
        rows = ws.arrow("SELECT * FROM claims ORDER BY span_start").to_pylist()
    assert [(r["value"], r["quantity"], r["basis"]) for r in rows] == [
        (6700, "containers", "count"),
        (3e6, "rounds_152mm", "capacity"),
    ]
    assert all(r["doc_id"] == doc["doc_id"] for r in rows)
    assert all(r["source_url"] == "https://example.org/shin" for r in rows)


def test_same_document_twice_adds_nothing(tmp_path: Path, workspace_path: Path) -> None:
    a = write(tmp_path / "a.txt", ARTICLE)
    copy = write(tmp_path / "copy.txt", ARTICLE)
    first = extract_files([a, copy], workspace_path)
    assert [f.status for f in first.files] == ["added", "duplicate_input"]
    second = extract_files([a], workspace_path)
    assert second.claims_added == 0 and second.files[0].status == "already_in_ledger"
    with Workspace(workspace_path, read_only=True) as ws:
        assert count(ws, "documents") == 1 and count(ws, "claims") == 2
    forced = extract_files([a], workspace_path, force=True)
    assert forced.files[0].status == "replaced" and forced.claims_added == 2
    with Workspace(workspace_path, read_only=True) as ws:
        assert count(ws, "documents") == 1 and count(ws, "claims") == 2


def test_empty_file_gives_zero_claims(tmp_path: Path, workspace_path: Path) -> None:
    report = extract_files([write(tmp_path / "empty.txt", "")], workspace_path)
    assert report.claims_added == 0 and report.files[0].claims == 0


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bin.dat", b"\x00\x01\x02binary\x00" * 50, "binary"),
        ("latin1.txt", "6 700 conteneurs \xe9t\xe9".encode("latin-1"), "not UTF-8"),
        ("doc.pdf", b"%PDF-1.4 ...", "PDF"),
    ],
)
def test_bad_input_is_one_line_error_naming_the_file_and_writes_nothing(
    tmp_path: Path, workspace_path: Path, name: str, data: bytes, reason: str
) -> None:
    good = write(tmp_path / "a.txt", ARTICLE)
    bad = write(tmp_path / name, data)
    with pytest.raises(InputError) as err:
        extract_files([good, bad], workspace_path)
    msg = str(err.value)
    assert name in msg and reason in msg and "\n" not in msg
    assert not workspace_path.exists()  # every file is checked before the workspace is opened


def test_missing_file_is_an_input_error(tmp_path: Path, workspace_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt: no such file"):
        extract_files([tmp_path / "nope.txt"], workspace_path)


def test_html_file_is_reduced_to_text(tmp_path: Path, workspace_path: Path) -> None:
    page = write(
        tmp_path / "page.html",
        "<html><head><title>Zelensky</title></head><body><script>x = 9000000</script>"
        "<p>President Volodymyr Zelensky said North Korea sent 1.5 million shells.</p>"
        "</body></html>",
    )
    report = extract_files([page], workspace_path, published=date(2024, 2, 26))
    assert [(c.value, c.speaker) for c in report.claims] == [(1.5e6, "Volodymyr Zelensky")]
    assert report.files[0].title == "Zelensky"


def test_repeated_claims_share_a_cluster(tmp_path: Path, workspace_path: Path) -> None:
    a = write(tmp_path / "a.txt", ARTICLE)
    b = write(
        tmp_path / "b.txt",
        "Shin Won-sik told lawmakers 6,700 containers had been shipped. "
        "Kim Jong Un said 6,700 containers were a lie.",
    )
    extract_files([a, b], workspace_path)
    manual = add_claim(
        workspace_path,
        value=6700,
        item="containers",
        speaker="Shin Won-sik",
        claim_date=date(2024, 3, 5),
    )
    t = list_claims(workspace_path, item="containers").to_pylist()
    by_speaker: dict[str, set[str]] = {}
    for r in t:
        by_speaker.setdefault(r["speaker"], set()).add(r["cluster_id"])
    assert len(by_speaker["Shin Won-sik"]) == 1  # three statements, one cluster
    assert by_speaker["Shin Won-sik"] == {manual.cluster_id}
    assert by_speaker["Kim Jong Un"] != by_speaker["Shin Won-sik"]


def test_cluster_labels_kernel() -> None:
    labels = cluster_labels(
        ["A", "a", "A", "A", None, "B"],
        ["containers", "containers", "containers", "rounds_152mm", "containers", "containers"],
        ["count"] * 6,
        np.array([6700.0, 6750.0, 10000.0, 6700.0, 6700.0, 6700.0]),
    )
    assert labels[0] == labels[1]  # same speaker (any case), within 2%
    assert len(set(labels.tolist())) == 5


def test_add_claim_validates_and_is_idempotent(workspace_path: Path) -> None:
    a = add_claim(workspace_path, value=1_500_000, item="shells", speaker="Zelensky")
    b = add_claim(workspace_path, value=1_500_000, item="shells", speaker="Zelensky")
    assert a.claim_id == b.claim_id
    with Workspace(workspace_path, read_only=True) as ws:
        assert count(ws, "claims") == 1
    r = add_claim(workspace_path, low=1e6, high=2e6, item="Rounds", caliber="152 mm")
    assert (r.bound, r.item, r.caliber, r.quantity) == ("range", "shells", "152mm", "rounds_152mm")
    with pytest.raises(InputError, match="--bound"):
        add_claim(workspace_path, value=1, item="shells", bound="roughly")
    with pytest.raises(InputError, match="give --value"):
        add_claim(workspace_path, item="shells")
    with pytest.raises(InputError, match="above --high"):
        add_claim(workspace_path, low=3, high=2, item="shells")


def test_older_workspace_gains_the_new_columns(tmp_path: Path, workspace_path: Path) -> None:
    with Workspace(workspace_path) as ws:
        ws.con.execute('ALTER TABLE claims DROP COLUMN "basis"')
        ws.con.execute('ALTER TABLE gradings DROP COLUMN "method"')
    assert list_claims(workspace_path).column("basis").to_pylist() == []
    report = extract_files([write(tmp_path / "a.txt", ARTICLE)], workspace_path)
    assert report.claims_added == 2
    assert set(list_claims(workspace_path).column("basis").to_pylist()) == {"count", "capacity"}


def test_malformed_html_and_utf16_text_are_read(tmp_path: Path, workspace_path: Path) -> None:
    broken = write(
        tmp_path / "broken.html",
        "<html><body><p>Officials said about 6,700 containers <b>were sent<p>to Russia. <div",
    )
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Officials said 3 million shells were sent.".encode("utf-16"))
    report = extract_files([broken, utf16], workspace_path, published=date(2024, 2, 27))
    assert sorted((c.value, c.item) for c in report.claims) == [
        (6700, "containers"),
        (3e6, "shells"),
    ]
