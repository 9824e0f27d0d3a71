"""Decoding ahead of the writer: the read-ahead worker, a file decoding before its workspace is
open, and what the writer makes of it (source ids, progress, a file named twice)."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from darkcargo.ais import decode_ahead
from darkcargo.ais import ingest as ingest_module
from darkcargo.ais.decode_ahead import NmeaDecoding, ReadAhead, start_if_nmea
from darkcargo.ais.ingest import STATUS_DUPLICATE, STATUS_INGESTED, ingest, resolve_format
from darkcargo.workspace import Workspace
from tests.ais.test_ingest import Recorder, marinecadastre_csv
from tests.ais.test_nmea import _tag, type1, type5_parts

T0 = 1_700_000_000


def nmea_text(n: int, first_mmsi: int = 273_000_000) -> str:
    """n tagged position reports, a two-part static report, and one line of junk."""
    lines = [
        _tag(f"c:{T0 + i}") + type1(mmsi=first_mmsi + i % 7, lat=42 + i / 1e4) for i in range(n)
    ]
    lines += [_tag(f"c:{T0 + n}") + part for part in type5_parts(mmsi=first_mmsi)]
    lines.append("not a sentence")
    return "\n".join(lines) + "\n"


def _resolve(path: Path, head: bytes, member: str | None) -> str:
    return resolve_format(path, "auto", head, member)


def test_read_ahead_hands_over_everything_in_order_grouping_what_is_ready() -> None:
    gate = threading.Event()

    def produce() -> Iterator[int]:
        yield from range(5)
        gate.wait(10)  # the reader takes the five ready ones before the rest exists
        yield from range(5, 8)

    ahead: ReadAhead[int] = ReadAhead(produce(), depth=16)
    deadline = time.monotonic() + 10
    while ahead._queue.qsize() < 5 and time.monotonic() < deadline:
        time.sleep(0.01)  # the five ready ones are queued before anyone reads
    groups = ahead.groups()
    first = next(groups)
    gate.set()
    rest = list(groups)
    ahead.close()
    assert first == [0, 1, 2, 3, 4]
    assert [x for g in rest for x in g] == [5, 6, 7]


def test_read_ahead_raises_the_workers_error_after_what_came_before_it() -> None:
    def produce() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("line 3: broken")

    ahead: ReadAhead[int] = ReadAhead(produce(), depth=4)
    got: list[int] = []
    with pytest.raises(ValueError, match="line 3: broken"):
        for item in ahead:
            got.append(item)
    assert got == [1, 2]


def test_closing_a_read_ahead_stops_its_worker_even_when_nobody_reads() -> None:
    def endless() -> Iterator[int]:
        i = 0
        while True:
            yield i
            i += 1

    ahead: ReadAhead[int] = ReadAhead(endless(), depth=2, name="test-endless")
    time.sleep(0.1)  # the queue is full, the worker waits to put
    ahead.close()
    assert not any(t.name == "test-endless" for t in threading.enumerate())


def test_only_nmea_files_start_decoding_ahead(tmp_path: Path) -> None:
    nmea = tmp_path / "feed.nmea"
    nmea.write_text(nmea_text(10))
    packed = tmp_path / "feed.bin"
    packed.write_bytes(gzip.compress(nmea.read_bytes()))
    csv = tmp_path / "day.csv"
    csv.write_text(marinecadastre_csv(20))
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    found = {}
    for path in (nmea, packed, csv, empty, tmp_path / "missing.nmea", tmp_path):
        decoding = start_if_nmea(path, _resolve, default_time=None, batch_bytes=1 << 20)
        found[path.name] = decoding is not None
        if decoding is not None:
            rows = sum(b.positions.num_rows for b in decoding.batches)
            assert rows == 10 and decoding.source_id == 1
            if path == nmea:  # read to its end: its hash is the file's
                assert decoding.sha256() == hashlib.sha256(nmea.read_bytes()).hexdigest()
            decoding.close()
    assert found == {
        "feed.nmea": True,
        "feed.bin": True,
        "day.csv": False,
        "empty.nmea": False,
        "missing.nmea": False,
        tmp_path.name: False,
    }


def test_a_decoding_is_claimed_once_and_only_for_what_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "feed.nmea"
    path.write_text(nmea_text(3))
    decoding = NmeaDecoding(path, source_id=1, default_time=None, batch_bytes=1 << 20)
    try:
        assert not decoding.claim(tmp_path / "other.nmea", None, 1 << 20)
        assert not decoding.claim(path, None, 2 << 20)
        assert decoding.claim(path, None, 1 << 20)
        assert not decoding.claim(path, None, 1 << 20)  # a file named twice: decoded afresh
    finally:
        decoding.close()


def test_the_first_file_decodes_while_the_workspace_opens(
    tmp_path: Path, workspace_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "feed.nmea"
    path.write_text(nmea_text(2_000))
    order: list[str] = []
    real_workspace, real_decoding = Workspace.__init__, NmeaDecoding.__init__

    def opening(self: Workspace, *args: object, **kw: object) -> None:
        order.append("workspace")
        real_workspace(self, *args, **kw)  # type: ignore[arg-type]

    def decoding(self: NmeaDecoding, *args: object, **kw: object) -> None:
        order.append("decoding")
        real_decoding(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Workspace, "__init__", opening)
    monkeypatch.setattr(NmeaDecoding, "__init__", decoding)
    rec = Recorder()
    report = ingest([path], workspace_path, progress=rec)
    assert order == ["decoding", "workspace"]  # and that decoding is the one stored
    assert report.files[0].status == STATUS_INGESTED
    assert (report.files[0].positions, report.files[0].statics) == (2_000, 1)
    assert report.files[0].reasons == {"unparseable": 1}
    # bytes read before the progress bar existed are reported once it does
    assert rec.bytes == path.stat().st_size
    assert not any(t.name == "darkcargo-read-ahead" for t in threading.enumerate())
    # a workspace given open: nothing to overlap, the file decodes when its turn comes
    order.clear()
    again = tmp_path / "again.nmea"
    again.write_text(nmea_text(20, first_mmsi=273_500_000))
    with Workspace(workspace_path) as ws:
        ingest([again], ws)
    assert order == ["workspace", "decoding"]


def test_a_file_decoded_ahead_into_a_workspace_with_sources_gets_the_next_source_id(
    tmp_path: Path, workspace_path: Path
) -> None:
    first = tmp_path / "first.nmea"
    first.write_text(nmea_text(50, first_mmsi=273_000_000))
    second = tmp_path / "second.nmea"
    second.write_text(nmea_text(70, first_mmsi=273_100_000))
    ingest([first], workspace_path)
    report = ingest([second], workspace_path)  # decoded as source 1, stored as source 2
    assert report.files[0].source_id == 2
    with Workspace(workspace_path, read_only=True) as ws:
        for table, rows in (("positions", {1: 50, 2: 70}), ("statics", {1: 1, 2: 1})):
            got = ws.con.execute(
                f"SELECT source_id, count(*) FROM {table} GROUP BY 1 ORDER BY 1"
            ).fetchall()
            assert dict(got) == rows, table
        assert ws.con.execute(
            "SELECT source_id, count(*) FROM rejects GROUP BY 1 ORDER BY 1"
        ).fetchall() == [(1, 1), (2, 1)]
        assert ws.scalar("SELECT min(mmsi) FROM positions WHERE source_id = 2") == 273_100_000


def test_a_file_named_twice_is_stored_once(tmp_path: Path, workspace_path: Path) -> None:
    path = tmp_path / "feed.nmea"
    path.write_text(nmea_text(40))
    report = ingest([path, path], workspace_path)
    assert [f.status for f in report.files] == [STATUS_INGESTED, STATUS_DUPLICATE]
    with Workspace(workspace_path, read_only=True) as ws:
        assert ws.count("positions") == 40 and ws.count("sources") == 1


def test_a_duplicate_first_file_stops_its_decoding_before_the_next_file(
    tmp_path: Path, workspace_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen.nmea"
    seen.write_text(nmea_text(3_000))  # in small batches, more than the worker may hold ahead
    ingest([seen], workspace_path)
    fresh = tmp_path / "fresh.csv"
    fresh.write_text(marinecadastre_csv(30))
    alive_during_second: list[bool] = []
    real = ingest_module.ingest_file

    def watching(ws: Workspace, path: Path, **kw: object) -> object:
        if path == fresh:
            alive_during_second.append(
                any(t.name == "darkcargo-read-ahead" for t in threading.enumerate())
            )
        return real(ws, path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_module, "ingest_file", watching)
    report = ingest([seen, fresh], workspace_path, nmea_batch_bytes=4096)
    assert [f.status for f in report.files] == [STATUS_DUPLICATE, STATUS_INGESTED]
    assert alive_during_second == [False]


def test_importing_the_ingest_stage_does_not_load_duckdb() -> None:
    """What the first file's decoding overlaps is DuckDB's loading: importing ingest must not
    do it first."""
    code = (
        "import sys\n"
        "import darkcargo.ais.ingest, darkcargo.ais.decode_ahead\n"
        "print('duckdb' in sys.modules, 'darkcargo.workspace' in sys.modules)\n"
    )
    src = str(Path(decode_ahead.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.split() == ["False", "False"]
