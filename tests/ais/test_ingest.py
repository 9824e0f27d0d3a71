"""Ingest orchestration: idempotence, atomicity, compression, format checks, real NMEA files."""

from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import shutil
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from darkcargo.ais import ingest as ingest_module
from darkcargo.ais import sources
from darkcargo.ais.ingest import (
    STATUS_DUPLICATE,
    STATUS_EMPTY,
    STATUS_INGESTED,
    FileResult,
    ingest,
)
from darkcargo.errors import InputError
from darkcargo.workspace import Workspace

MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
SKIP_SUFFIXES = (".json", ".chk")
SKIP_NAMES = {"LICENSE", "LICENSE.txt", "COPYING"}


def marinecadastre_csv(n: int, vessels: int = 50, seed: int = 1, bad_every: int = 0) -> str:
    """A MarineCadastre-style CSV of n rows (vectorised, deterministic)."""
    rng = np.random.default_rng(seed)
    v = rng.integers(0, vessels, n)
    secs = np.sort(rng.integers(0, 86_400, n))
    ts = np.datetime_as_string(np.datetime64("2024-03-01T00:00:00") + secs.astype("m8[s]"))
    lat = np.round(rng.uniform(40, 44, n), 5).astype(str)
    if bad_every:
        lat[::bad_every] = "95.0"  # out of range
    cols = [
        (367_000_000 + v).astype(str),
        ts,
        lat,
        np.round(rng.uniform(128, 134, n), 5).astype(str),
        np.round(rng.uniform(0, 15, n), 1).astype(str),
        np.round(rng.uniform(0, 359, n), 1).astype(str),
        rng.integers(0, 360, n).astype(str),
        np.char.add("SHIP ", v.astype(str)),
        np.char.add("IMO", (9_000_000 + v).astype(str)),
        np.char.add("CS", v.astype(str)),
        np.full(n, "70"),
        np.full(n, "0"),
        np.full(n, "120"),
        np.full(n, "20"),
        np.full(n, "6.5"),
        np.full(n, "70"),
        np.full(n, "A"),
    ]
    body = cols[0]
    for c in cols[1:]:
        body = np.char.add(np.char.add(body, ","), c)
    return MC_HEADER + "\n" + "\n".join(body.tolist()) + "\n"


def nmea_files(root: Path) -> list[Path]:
    out = []
    for p in sorted((root / "ais").rglob("*")):
        if not p.is_file() or p.name in SKIP_NAMES or p.suffix in SKIP_SUFFIXES:
            continue
        head, _, _ = sources.read_head(p)
        if sources.looks_like_nmea(head):
            out.append(p)
    return out


def counts(ws_path: Path) -> dict[str, int]:
    with Workspace(ws_path, read_only=True) as ws:
        return {t: ws.count(t) for t in ("sources", "positions", "statics", "rejects")}


class Recorder:
    """An IngestProgress that remembers what it was told."""

    def __init__(self) -> None:
        self.started: list[tuple[str, int]] = []
        self.bytes = 0
        self.results: list[FileResult] = []

    def start(self, path: str, total_bytes: int) -> None:
        self.started.append((path, total_bytes))

    def advance(self, nbytes: int) -> None:
        self.bytes += nbytes

    def done(self, result: FileResult) -> None:
        self.results.append(result)


def test_every_shared_nmea_file_is_accounted_for_and_reingest_adds_nothing(
    shared_data: Path, workspace_path: Path
) -> None:
    files = nmea_files(shared_data)
    assert len(files) >= 9
    refused = [shared_data / "ais" / "pyais" / "messages.ais"]  # no message has a time
    with pytest.raises(InputError, match="none of 8 lines accepted .*pass --default-time"):
        ingest(refused, workspace_path)
    files = [f for f in files if f not in refused]
    report = ingest(files, workspace_path)
    assert [f.status for f in report.files] == [STATUS_INGESTED] * len(files)
    for f, path in zip(report.files, files, strict=True):
        non_blank = sum(1 for line in path.read_bytes().splitlines() if line.strip())
        assert f.accepted + f.rejected == f.lines_read == non_blank, path.name
        assert f.format == "nmea"
    with Workspace(workspace_path, read_only=True) as ws:
        rows = ws.con.execute(
            "SELECT s.source_id, s.lines_read, s.accepted, s.rejected, count(r.line_no) "
            "FROM sources s LEFT JOIN rejects r USING (source_id) GROUP BY ALL ORDER BY 1"
        ).fetchall()
        reasons = {r[0] for r in ws.con.execute("SELECT DISTINCT reason FROM rejects").fetchall()}
    for _sid, read, accepted, rejected, stored_rejects in rows:
        assert accepted + rejected == read and stored_rejects == rejected
    from darkcargo.ais.schema import REJECT_REASONS

    assert reasons <= set(REJECT_REASONS)
    before = counts(workspace_path)
    again = ingest(files, workspace_path)
    assert [f.status for f in again.files] == [STATUS_DUPLICATE] * len(files)
    assert [f.source_id for f in again.files] == [f.source_id for f in report.files]
    assert counts(workspace_path) == before


def test_sources_row_records_hash_size_and_counts(tmp_path: Path, workspace_path: Path) -> None:
    path = tmp_path / "day.csv"
    path.write_text(marinecadastre_csv(500, bad_every=100))
    report = ingest([path], workspace_path)
    f = report.files[0]
    assert f.status == STATUS_INGESTED and f.format == "csv:marinecadastre"
    assert (f.lines_read, f.accepted, f.rejected) == (500, 495, 5)
    assert f.reasons == {"out_of_range": 5}
    assert f.statics == 50 and f.positions == 495
    with Workspace(workspace_path, read_only=True) as ws:
        row = ws.con.execute(
            "SELECT path, sha256, format, bytes, lines_read, accepted, rejected FROM sources"
        ).fetchall()[0]
    assert row == (
        str(path.resolve()),
        hashlib.sha256(path.read_bytes()).hexdigest(),
        "csv:marinecadastre",
        path.stat().st_size,
        500,
        495,
        5,
    )


def test_same_bytes_under_another_name_is_already_ingested(
    tmp_path: Path, workspace_path: Path
) -> None:
    a = tmp_path / "a.csv"
    a.write_text(marinecadastre_csv(100))
    b = tmp_path / "copy-of-a.csv"
    shutil.copy(a, b)
    first = ingest([a], workspace_path)
    before = counts(workspace_path)
    second = ingest([b], workspace_path)
    assert second.files[0].status == STATUS_DUPLICATE
    assert second.files[0].source_id == first.files[0].source_id
    assert second.files[0].path == str(b)
    assert counts(workspace_path) == before


def zstd_compress(data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(data)
    return bytes(sink.getvalue().to_pybytes())


@pytest.mark.parametrize("kind", ["gzip", "bz2", "zstd", "zip"])
def test_compressed_inputs_read_like_the_plain_file(
    tmp_path: Path, workspace_path: Path, kind: str
) -> None:
    text = marinecadastre_csv(300, bad_every=50)
    plain = tmp_path / "plain.csv"
    plain.write_text(text)
    packed = tmp_path / "packed.bin"  # names say nothing: magic bytes decide
    if kind == "gzip":
        packed.write_bytes(gzip.compress(text.encode()))
    elif kind == "bz2":
        packed.write_bytes(bz2.compress(text.encode()))
    elif kind == "zstd":
        packed.write_bytes(zstd_compress(text.encode()))
    else:
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("inner/day.csv", text)
    rec = Recorder()
    report = ingest([plain, packed], workspace_path, progress=rec)
    p, z = report.files
    assert z.status == STATUS_INGESTED and z.format == f"csv:marinecadastre+{kind}"
    assert (z.lines_read, z.accepted, z.rejected, z.statics) == (
        p.lines_read,
        p.accepted,
        p.rejected,
        p.statics,
    )
    assert rec.bytes >= plain.stat().st_size + packed.stat().st_size
    assert [s for _, s in rec.started] == [plain.stat().st_size, packed.stat().st_size]
    with Workspace(workspace_path, read_only=True) as ws:
        diff = ws.con.execute(
            "SELECT count(*) FROM (SELECT * EXCLUDE (source_id) FROM positions WHERE source_id = 1 "
            "EXCEPT SELECT * EXCLUDE (source_id) FROM positions WHERE source_id = 2)"
        ).fetchall()[0][0]
    assert diff == 0


def test_gzipped_nmea_is_read(shared_data: Path, tmp_path: Path, workspace_path: Path) -> None:
    src = shared_data / "ais" / "pyais" / "nmea_data_sample.txt"
    gz = tmp_path / "feed.nmea.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    plain = ingest([src], tmp_path / "plain.duckdb").files[0]
    packed = ingest([gz], workspace_path).files[0]
    assert packed.format == "nmea+gzip"
    assert (packed.lines_read, packed.accepted, packed.reasons) == (
        plain.lines_read,
        plain.accepted,
        plain.reasons,
    )


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),  # `iconv -t UTF-16LE` writes no byte order mark
        ("utf-16-be", b""),
    ],
)
def test_utf16_text_is_read_as_utf8_and_hashed_as_given(
    shared_data: Path, tmp_path: Path, workspace_path: Path, encoding: str, bom: bytes
) -> None:
    # PowerShell 5's `>` writes UTF-16 LE with a byte order mark
    src = shared_data / "ais" / "pyais" / "nmea_data_sample.txt"
    wide = tmp_path / "feed.nmea"
    wide.write_bytes(bom + src.read_text().encode(encoding))
    text = marinecadastre_csv(200).replace("SHIP 7,", "ЮНОНА 7,")  # a name outside ASCII
    csv_plain, csv_wide = tmp_path / "plain.csv", tmp_path / "wide.csv"
    csv_plain.write_text(text)
    csv_wide.write_bytes(bom + text.encode(encoding))
    plain = ingest([src, csv_plain], tmp_path / "plain.duckdb").files
    report = ingest([wide, csv_wide], workspace_path)
    assert [f.format for f in report.files] == ["nmea+utf16", "csv:marinecadastre+utf16"]
    for got, want in zip(report.files, plain, strict=True):
        assert (got.lines_read, got.accepted, got.reasons) == (
            want.lines_read, want.accepted, want.reasons
        )  # fmt: skip
        assert got.sha256 == hashlib.sha256(Path(got.path).read_bytes()).hexdigest()
    with Workspace(workspace_path, read_only=True) as ws:
        names = {r[0] for r in ws.con.execute("SELECT name FROM statics").fetchall()}
    assert "ЮНОНА 7" in names
    again = ingest([wide, csv_wide], workspace_path).files
    assert [f.status for f in again] == [STATUS_DUPLICATE, STATUS_DUPLICATE]


def test_only_text_in_two_bytes_a_character_is_taken_for_utf16_without_a_mark() -> None:
    line = "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\n"
    assert sources.utf16_encoding(line.encode("utf-16")) == "utf-16"  # with its mark
    assert sources.utf16_encoding(line.encode("utf-16-le")) == "utf-16-le"
    assert sources.utf16_encoding(line.encode("utf-16-be")) == "utf-16-be"
    assert sources.utf16_encoding(line.encode()) is None  # ASCII
    assert sources.utf16_encoding("MMSI,ИМЯ,ЮНОНА 7\n".encode()) is None  # UTF-8 beyond ASCII
    assert sources.utf16_encoding("ЮНОНА 7,1\n".encode("utf-16-le")) is None  # no ASCII to tell by
    assert sources.utf16_encoding("!A".encode("utf-16-le")) is None  # too short to tell
    assert sources.utf16_encoding(gzip.compress(line.encode())) is None


def test_corrupt_gzip_half_way_keeps_nothing_of_that_file_but_keeps_earlier_files(
    tmp_path: Path, workspace_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(marinecadastre_csv(200, seed=2))
    data = gzip.compress(marinecadastre_csv(60_000, seed=3).encode())
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        ingest([good, bad], workspace_path)
    assert err.value.path == str(bad) and "corrupt gzip" in err.value.reason
    # the figure is what could be decoded before the cut (not 0): zlib decodes the same bytes
    decodable = len(zlib.decompressobj(wbits=31).decompress(data[: len(data) // 2]))
    assert f"after {decodable:,} decompressed bytes" in err.value.reason and decodable > 100_000
    after = counts(workspace_path)
    assert (after["sources"], after["positions"], after["rejects"]) == (1, 200, 0)
    with Workspace(workspace_path, read_only=True) as ws:
        vessels = ws.con.execute("SELECT count(DISTINCT mmsi) FROM positions").fetchall()[0][0]
        ids = ws.con.execute("SELECT DISTINCT source_id FROM statics").fetchall()
    assert after["statics"] == vessels and ids == [(1,)]


def test_truncated_zstd_keeps_nothing_and_says_how_far_it_read(
    tmp_path: Path, workspace_path: Path
) -> None:
    data = zstd_compress(marinecadastre_csv(60_000, seed=3).encode())
    bad = tmp_path / "ais-2024-03-01.csv.zst"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        ingest([bad], workspace_path)
    assert err.value.path == str(bad) and "corrupt zstd data after" in err.value.reason
    decoded = int(err.value.reason.split("after ")[1].split(" ")[0].replace(",", ""))
    assert decoded > 100_000  # the bytes decoded before the cut, not 0
    assert not workspace_path.exists()


def test_damaged_gzip_payload_is_an_input_error(tmp_path: Path, workspace_path: Path) -> None:
    data = bytearray(gzip.compress(marinecadastre_csv(20_000).encode()))
    for i in range(len(data) // 2, len(data) // 2 + 64):
        data[i] ^= 0x5A
    bad = tmp_path / "flipped.gz"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="corrupt gzip"):
        ingest([bad], workspace_path)
    assert not workspace_path.exists()  # the failed ingest had created it: nothing is left


def test_empty_file_is_reported_and_adds_nothing(tmp_path: Path, workspace_path: Path) -> None:
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    empty_gz = tmp_path / "empty.gz"
    empty_gz.write_bytes(gzip.compress(b""))
    report = ingest([empty, empty_gz], workspace_path)
    assert [f.status for f in report.files] == [STATUS_EMPTY, STATUS_EMPTY]
    assert counts(workspace_path) == {"sources": 0, "positions": 0, "statics": 0, "rejects": 0}


def test_wrong_format_is_an_input_error_naming_the_file(
    shared_data: Path, tmp_path: Path, workspace_path: Path
) -> None:
    csv_path = tmp_path / "day.csv"
    csv_path.write_text(marinecadastre_csv(10))
    nmea = shared_data / "ais" / "libais" / "tagblock.nmea"
    with pytest.raises(InputError, match="not a Parquet file") as err:
        ingest([csv_path], workspace_path, input_format="parquet")
    assert err.value.path == str(csv_path)
    with pytest.raises(InputError, match="no AIS NMEA sentence"):
        ingest([csv_path], workspace_path, input_format="nmea")
    with pytest.raises(InputError, match="matches no known layout"):
        ingest([nmea], workspace_path, input_format="csv")
    with pytest.raises(InputError, match="unknown format 'xml'"):
        ingest([nmea], workspace_path, input_format="xml")
    assert not workspace_path.exists()


def test_unreadable_inputs_are_input_errors(tmp_path: Path, workspace_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest([tmp_path / "missing.nmea"], workspace_path)
    with pytest.raises(InputError, match="is a directory"):
        ingest([tmp_path], workspace_path)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.csv", "x")
        zf.writestr("b.csv", "y")
    with pytest.raises(InputError, match="holds 2 files"):
        ingest([two], workspace_path)
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="cannot tell the format"):
        ingest([noise], workspace_path)


def test_failure_mid_file_rolls_back_that_file(
    tmp_path: Path, workspace_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from darkcargo.ais import tabular

    path = tmp_path / "day.csv"
    path.write_text(marinecadastre_csv(20_000, bad_every=1_000))
    real_write = tabular.write_stage

    def interrupted(*args: object, **kw: object) -> object:
        real_write(*args, **kw)  # type: ignore[arg-type]  # positions, statics, rejects written
        raise KeyboardInterrupt

    monkeypatch.setattr(tabular, "write_stage", interrupted)
    Workspace(workspace_path).close()  # an existing workspace: kept, as it was
    with pytest.raises(KeyboardInterrupt):
        ingest([path], workspace_path)
    monkeypatch.setattr(tabular, "write_stage", real_write)
    assert counts(workspace_path) == {"sources": 0, "positions": 0, "statics": 0, "rejects": 0}
    with Workspace(workspace_path, read_only=True) as ws:
        assert ws.count("mmsi_classes") == 0
        assert ws.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_dc%'") == 0
    report = ingest([path], workspace_path)
    assert report.files[0].status == STATUS_INGESTED and report.files[0].positions == 19_980


def test_parquet_file_ingests(tmp_path: Path, workspace_path: Path) -> None:
    path = tmp_path / "fixes.parquet"
    pq.write_table(
        pa.table(
            {
                "mmsi": [273210440, 273210440],
                "ts": pa.array([0, 3_600_000_000], pa.timestamp("us")),
                "lat": [42.25, 42.3],
                "lon": [130.3, 130.4],
            }
        ),
        path,
    )
    f = ingest([path], workspace_path).files[0]
    assert (f.format, f.lines_read, f.accepted, f.positions) == ("parquet", 2, 2, 2)


def test_ingest_leaves_duckdb_settings_as_they_were(tmp_path: Path, workspace_path: Path) -> None:
    path = tmp_path / "day.csv"
    path.write_text(marinecadastre_csv(50))
    sql = "SELECT current_setting('threads'), current_setting('write_buffer_row_group_count')"
    with Workspace(workspace_path) as ws:
        ws.con.execute("SET threads = 2")
        before = ws.con.execute(sql).fetchall()
        ingest([path], ws)
        assert ws.con.execute(sql).fetchall() == before
        assert ws.count("positions") == 50


def test_batches_written_inside_the_file_transaction_are_freed(workspace_path: Path) -> None:
    """Bounded memory: an appended batch is not kept alive until the file's commit."""
    from darkcargo.ais.schema import POSITIONS

    n = 200_000

    def batch() -> pa.Table:
        cols = {f.name: pa.array(np.arange(n)).cast(f.type, safe=False) for f in POSITIONS}
        return pa.table(cols, schema=POSITIONS)

    with Workspace(workspace_path) as ws, ws.transaction():
        before = pa.total_allocated_bytes()
        for _ in range(5):
            table = batch()
            ingest_module.append_rows(ws, "positions", table)
            del table
        held = pa.total_allocated_bytes() - before
    assert held < n * 8  # less than one column of one batch
    assert counts(workspace_path)["positions"] == 5 * n


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_line_scan_finds_blank_lines_and_any_line_by_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The line map behind DuckDB's reader: blank lines (LF and CRLF) and the text of any line,
    across chunk and mark boundaries."""
    rng = np.random.default_rng(seed)
    lines = [
        "" if r < 0.15 else "\r" if r < 0.2 else "x" * int(rng.integers(1, 40))
        for r in rng.random(400)
    ]
    text = "\n".join(lines) + ("\n" if seed % 2 else "")
    path = tmp_path / "lines.txt"
    path.write_bytes(text.encode())
    monkeypatch.setattr(sources, "SCAN_CHUNK", int(rng.integers(5, 200)))
    monkeypatch.setattr(sources, "MARK_BYTES", int(rng.integers(3, 50)))
    sha, scan = sources.scan_plain(path)
    assert sha == hashlib.sha256(text.encode()).hexdigest()
    assert scan.lines == len(lines)
    assert scan.blank_lines() == [i + 1 for i, line in enumerate(lines) if line in ("", "\r")]
    wanted = np.array(sorted(rng.choice(np.arange(1, len(lines) + 1), 60, replace=False)))
    assert scan.texts(wanted).to_pylist() == [lines[i - 1].rstrip("\r") for i in wanted]


def test_repaired_copy_keeps_every_line_in_place(tmp_path: Path) -> None:
    raw = b'a,b\r\nx,"open\n\xd8\xd8,y\r\nz\rw,"q""q"\n'
    src = tmp_path / "odd.csv"
    src.write_bytes(raw)
    _, scan = sources.write_plain(src, tmp_path / "fixed.csv", repair=True)
    fixed = (tmp_path / "fixed.csv").read_bytes().decode()
    assert fixed == 'a,b\nx,\'open\n\ufffd\ufffd,y\nz w,"q""q"\n'
    assert scan.lines == raw.count(b"\n")


CSV2_OF_LEGACY = {  # MarineCadastre's 2024+ "csv2" header for each legacy one, in csv2's order
    "MMSI": "mmsi", "BaseDateTime": "base_date_time", "LON": "longitude", "LAT": "latitude",
    "SOG": "sog", "COG": "cog", "Heading": "heading", "VesselName": "vessel_name", "IMO": "imo",
    "CallSign": "call_sign", "VesselType": "vessel_type", "Status": "status", "Length": "length",
    "Width": "width", "Draft": "draft", "Cargo": "cargo", "TransceiverClass": "transceiver",
}  # fmt: skip


def test_marinecadastre_csv2_zstd_reads_like_the_legacy_file(
    shared_data: Path, tmp_path: Path, workspace_path: Path
) -> None:
    """The real MarineCadastre sample rewritten as NOAA publishes it since 2024 (snake_case
    headers, longitude first, "YYYY-MM-DD HH:MM:SS" times, Zstandard) gives the same rows."""
    import pyarrow.csv as pcsv

    legacy = shared_data / "ais" / "noaa" / "marinecadastre_20230101_sample.csv"
    table = pcsv.read_csv(
        legacy,
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(CSV2_OF_LEGACY, pa.string())
        ),
    )
    table = table.select(list(CSV2_OF_LEGACY)).rename_columns(list(CSV2_OF_LEGACY.values()))
    spaced = [t.replace("T", " ") for t in table.column("base_date_time").to_pylist()]
    table = table.set_column(1, "base_date_time", pa.array(spaced))
    sink = pa.BufferOutputStream()
    pcsv.write_csv(table, sink, pcsv.WriteOptions(quoting_style="needed"))
    csv2 = tmp_path / "ais-2023-01-11.csv.zst"
    csv2.write_bytes(zstd_compress(sink.getvalue().to_pybytes()))
    report = ingest([legacy, csv2], workspace_path)
    old, new = report.files
    assert new.format == "csv:marinecadastre_csv2+zstd"
    assert (new.lines_read, new.accepted, new.rejected, new.positions, new.statics) == (
        old.lines_read,
        old.accepted,
        old.rejected,
        old.positions,
        old.statics,
    )
    assert (old.positions, old.statics) == (1000, 998)  # the sample's rows, all read
    with Workspace(workspace_path, read_only=True) as ws:
        for t in ("positions", "statics"):
            diff = ws.con.execute(
                f"SELECT count(*) FROM (SELECT * EXCLUDE (source_id, row_id) FROM {t} "
                f"WHERE source_id = 1 EXCEPT SELECT * EXCLUDE (source_id, row_id) FROM {t} "
                "WHERE source_id = 2)"
            ).fetchall()[0][0]
            assert diff == 0, t


def test_marinecadastre_geoparquet_reads_by_its_layout(
    shared_data: Path, tmp_path: Path, workspace_path: Path
) -> None:
    """A Parquet file with MarineCadastre's csv2 column names (as its 2024 GeoParquet has, with
    typed columns and a geometry) is read by that layout, like the legacy CSV it came from."""
    import pyarrow.csv as pcsv

    legacy = shared_data / "ais" / "noaa" / "marinecadastre_20230101_sample.csv"
    table = pcsv.read_csv(
        legacy,
        convert_options=pcsv.ConvertOptions(
            column_types={"IMO": pa.string(), "CallSign": pa.string(), "VesselName": pa.string()}
        ),
    )
    table = table.select(list(CSV2_OF_LEGACY)).rename_columns(list(CSV2_OF_LEGACY.values()))
    table = table.append_column("geometry", pa.array([b"\x01\x01"] * table.num_rows, pa.binary()))
    geo = tmp_path / "ais-2023-01-11.parquet"
    pq.write_table(table, geo)
    old, new = ingest([legacy, geo], workspace_path).files
    assert new.format == "parquet:marinecadastre_csv2"
    assert (new.accepted, new.rejected, new.positions, new.statics) == (
        old.accepted,
        old.rejected,
        old.positions,
        old.statics,
    )
    with Workspace(workspace_path, read_only=True) as ws:
        diff = ws.con.execute(
            "SELECT count(*) FROM (SELECT mmsi, ts, lat, lon, heading, nav_status FROM positions "
            "WHERE source_id = 1 EXCEPT SELECT mmsi, ts, lat, lon, heading, nav_status "
            "FROM positions WHERE source_id = 2)"
        ).fetchall()[0][0]
    assert diff == 0


def test_a_log_mostly_without_times_is_kept_in_part_and_said_loudly(
    shared_data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """pyais's Aegean sample has no tag blocks: only messages that date themselves are kept,
    and the warning says how to keep the rest (a new workspace, --default-time)."""
    src = shared_data / "ais" / "pyais" / "nmea_data_sample.txt"
    with caplog.at_level("WARNING", logger="darkcargo.ais.ingest"):
        f = ingest([src], tmp_path / "ws.duckdb").files[0]
    assert f.reasons["no_time"] == 764 and f.accepted > 0
    assert "764 of 898 lines are AIS messages without a time" in caplog.text
    assert "--default-time" in caplog.text
    caplog.clear()
    g = ingest([src], tmp_path / "ws2.duckdb", default_time=datetime(2020, 1, 1)).files[0]
    assert "no_time" not in g.reasons and "without a time" not in caplog.text


def test_an_nmea_file_refused_names_the_likely_cause(tmp_path: Path) -> None:
    path = tmp_path / "damaged.nmea"
    path.write_text("!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*00\n" * 3)
    with pytest.raises(InputError, match="bad_checksum 3.*checksums do not match"):
        ingest([path], tmp_path / "ws.duckdb")
