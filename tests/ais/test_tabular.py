"""CSV and Parquet readers: layouts, value parsing, reject reasons, sentinels, statics."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkcargo.ais import tabular as T  # noqa: N812
from darkcargo.ais.schema import POSITIONS, REJECTS, STATICS
from darkcargo.errors import InputError

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
DMA_HEADER = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,"
    "Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
    "Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D"
)


def read_csv_text(
    text: str,
    column_map: dict[str, str] | None = None,
    default_time: datetime | None = None,
    batch_rows: int = T.DEFAULT_BATCH_ROWS,
) -> tuple[pa.Table, pa.Table, pa.Table, int, int]:
    """Positions, statics, rejects, lines read and accepted for a CSV given as text."""
    data = text.encode()
    plan = T.plan_csv(data[:65536], "test.csv", column_map, default_time)
    batches = list(
        T.iter_csv_batches(
            io.BufferedReader(io.BytesIO(data)),
            plan,
            path="test.csv",
            source_id=7,
            default_time=default_time,
            batch_rows=batch_rows,
        )
    )
    cat = pa.concat_tables
    positions = cat([POSITIONS.empty_table()] + [b.positions for b in batches])
    statics = cat([STATICS.empty_table()] + [b.statics for b in batches])
    rejects = cat([REJECTS.empty_table()] + [b.rejects for b in batches])
    return (
        positions,
        statics,
        rejects,
        sum(b.lines_read for b in batches),
        sum(b.lines_accepted for b in batches),
    )


def test_marinecadastre_row_becomes_a_utc_position_with_sentinels_nulled() -> None:
    text = (
        MC_HEADER + "\n"
        "367123450,2023-03-01T12:34:56,42.25,130.3,102.3,360.0,511,ANGARA,IMO9179842,UBYT2,"
        "70,5,120,20,6.5,70,A\n"
        "367123451,2023-03-01T12:35:00,91,181,3.5,45.5,90,,,,,,,,,,B\n"
    )
    pos, _, rej, read, ok = read_csv_text(text)
    assert (read, ok, rej.num_rows) == (2, 2, 0)
    rows = pos.to_pylist()
    assert rows[0]["mmsi"] == 367123450
    assert rows[0]["ts"] == datetime(2023, 3, 1, 12, 34, 56)
    assert (rows[0]["lat"], rows[0]["lon"]) == (42.25, 130.3)
    assert rows[0]["sog"] is None and rows[0]["cog"] is None and rows[0]["heading"] is None
    assert rows[0]["nav_status"] == 5 and rows[0]["msg_type"] == 1
    assert rows[0]["mmsi_valid"] is True and rows[0]["source_id"] == 7 and rows[0]["row_id"] == 2
    assert rows[1]["lat"] is None and rows[1]["lon"] is None
    assert rows[1]["sog"] == pytest.approx(3.5) and rows[1]["cog"] == pytest.approx(45.5)
    assert rows[1]["heading"] == 90 and rows[1]["msg_type"] == 18 and rows[1]["row_id"] == 3


def test_marinecadastre_identity_becomes_one_statics_row_per_change() -> None:
    rows = [
        "367000001,2023-03-01T00:00:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,6.5,70,A",
        "367000001,2023-03-01T00:01:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,6.5,70,A",
        "367000002,2023-03-01T00:01:30,42,130,1,1,1,MARIA,,,70,0,,,,,A",
        "367000001,2023-03-01T00:02:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,7.0,70,A",
        "367000001,2023-03-01T00:03:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,7.0,70,A",
        "367000003,2023-03-01T00:03:30,42,130,1,1,1,,,,,,,,,,A",
    ]
    _, st, _, _, _ = read_csv_text(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    got = [
        (r["mmsi"], r["ts"].minute, r["imo"], r["name"], r["draught_m"], r["row_id"])
        for r in st.to_pylist()
    ]
    assert got == [
        (367000001, 0, 9179842, "ANGARA", pytest.approx(6.5), 2),
        (367000001, 2, 9179842, "ANGARA", pytest.approx(7.0), 5),
        (367000002, 1, None, "MARIA", None, 4),
    ]
    first = st.to_pylist()[0]
    assert first["callsign"] == "UBYT2" and first["ship_type"] == 70
    assert first["length_m"] == 120 and first["beam_m"] == 20 and first["msg_type"] == 5


def test_identity_switching_back_and_forth_is_three_changes_across_batches() -> None:
    rows = []
    for i, name in enumerate(["ALPHA"] * 3 + ["BRAVO"] * 3 + ["ALPHA"] * 3):
        rows.append(f"273210440,2024-01-01T00:0{i}:00,42,130,1,1,1,{name},,,70,0,,,,,A")
    _, st, _, _, _ = read_csv_text(MC_HEADER + "\n" + "\n".join(rows) + "\n", batch_rows=2)
    assert [r["name"] for r in st.to_pylist()] == ["ALPHA", "BRAVO", "ALPHA"]
    assert [r["row_id"] for r in st.to_pylist()] == [2, 5, 8]


def test_bad_rows_are_rejected_with_reasons_and_exact_text() -> None:
    rows = [
        "367000001,2023-03-01T00:00:00,42,130,1,1,1,A,,,,,,,,,A",  # ok
        ",2023-03-01T00:00:00,42,130,1,1,1,,,,,,,,,,A",  # empty mmsi
        "36700000X,2023-03-01T00:00:00,42,130,1,1,1,,,,,,,,,,A",  # bad mmsi
        "367000001,yesterday,42,130,1,1,1,,,,,,,,,,A",  # bad time
        "367000001,,42,130,1,1,1,,,,,,,,,,A",  # no time
        "367000001,2023-03-01T00:00:00,95.5,130,1,1,1,,,,,,,,,,A",  # lat out of range
        "367000001,2023-03-01T00:00:00,42,-200,1,1,1,,,,,,,,,,A",  # lon out of range
        "367000001,2023-03-01T00:00:00,42,130,150,1,1,,,,,,,,,,A",  # sog out of range
        "367000001,2023-03-01T00:00:00,42,130,-1,1,1,,,,,,,,,,A",  # negative sog
        "367000001,2023-03-01T00:00:00,4x2,130,1,1,1,,,,,,,,,,A",  # bad lat
        "367000001,2023-03-01T00:00:00,42,130,nan,1,1,,,,,,,,,,A",  # NaN sog
        "367000001,2023-03-01T00:00:00,42,130",  # too few fields
        "367000001,2023-03-01T00:00:01, 42.5 ,130,1,1,1,,,,,,,,,,A",  # spaces: fine
    ]
    pos, _, rej, read, ok = read_csv_text(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    assert read == 13 and ok == 2 and rej.num_rows == 11 and pos.num_rows == 2
    by_line = {r["line_no"]: (r["reason"], r["raw"]) for r in rej.to_pylist()}
    assert by_line[3] == ("unparseable", rows[1])
    assert by_line[4][0] == "unparseable"
    assert by_line[5][0] == "unparseable"
    assert by_line[6] == ("no_time", rows[4])
    assert [by_line[k][0] for k in (7, 8, 9, 10)] == ["out_of_range"] * 4
    assert by_line[11][0] == "unparseable" and by_line[12][0] == "unparseable"
    assert by_line[13] == ("unparseable", rows[11])
    assert sorted(pos.column("row_id").to_pylist()) == [2, 14]
    assert pos.column("lat").to_pylist()[1] == 42.5
    assert set(rej.column("source_id").to_pylist()) == {7}


def test_default_time_dates_rows_with_an_empty_time() -> None:
    text = MC_HEADER + "\n367000001,,42,130,1,1,1,,,,,,,,,,A\n"
    pos, _, rej, _, _ = read_csv_text(text, default_time=datetime(2024, 3, 12, 6))
    assert rej.num_rows == 0 and pos.column("ts").to_pylist() == [datetime(2024, 3, 12, 6)]


def test_dma_layout_day_first_times_text_codes_and_unknowns() -> None:
    rows = [
        "01/02/2024 00:00:05,Class A,219000001,55.5,10.5,Under way using engine,0,12.3,"
        "180.5,179,9179842,OXAB2,DANA,Cargo,Category X,20,120,GPS,6.2,AARHUS,,AIS,1,2,3,4",
        "01/02/2024 00:00:10,Class B,219000002,55.6,10.6,Unknown value,,,,,Unknown,Unknown,"
        "Unknown,Undefined,,,,Undefined,,Unknown,,AIS,,,,",
        "01/02/2024 00:00:15,Base Station,2190001,55.7,10.7,Moored,,,,,,,,,,,,,,,,AIS,,,,",
    ]
    pos, st, rej, read, ok = read_csv_text(DMA_HEADER + "\n" + "\n".join(rows) + "\n")
    assert (read, ok, rej.num_rows) == (3, 3, 0)
    p = pos.to_pylist()
    assert p[0]["ts"] == datetime(2024, 2, 1, 0, 0, 5)
    assert p[0]["nav_status"] == 0 and p[1]["nav_status"] == 15 and p[2]["nav_status"] == 5
    assert [r["msg_type"] for r in p] == [1, 18, 4]
    assert p[0]["sog"] == pytest.approx(12.3) and p[0]["heading"] == 179
    assert p[2]["mmsi_valid"] is False and p[0]["mmsi_valid"] is True
    s = st.to_pylist()
    assert len(s) == 1  # the other rows carry no identity at all
    assert s[0]["imo"] == 9179842 and s[0]["callsign"] == "OXAB2" and s[0]["name"] == "DANA"
    assert s[0]["ship_type"] == 71  # cargo, hazard category X
    assert s[0]["destination"] == "AARHUS" and s[0]["draught_m"] == pytest.approx(6.2)


def test_column_map_reads_any_csv_with_offsets_and_epochs() -> None:
    text = (
        "ship;when;y;x;speed;vessel\n"
        "273210440;2024-03-12T06:00:00+03:00;42.25;130.3;10.5;ANGARA\n"
        "273210440;1710223200;42.26;130.31;;ANGARA\n"
        "273210441;2024-03-12 06:00:00Z;42.27;130.32;1;\n"
        "273210441;12/03/2024;42.28;130.33;1;\n"
    )
    mapping = T.parse_column_map("mmsi=ship,ts=when,lat=y,lon=x,sog=speed,name=vessel")
    pos, st, rej, read, ok = read_csv_text(text, column_map=mapping)
    assert (read, ok) == (4, 3)
    assert pos.column("ts").to_pylist() == [
        datetime(2024, 3, 12, 3, 0),
        datetime(2024, 3, 12, 6, 0),
        datetime(2024, 3, 12, 6, 0),
    ]
    assert rej.to_pylist()[0]["reason"] == "unparseable" and rej.to_pylist()[0]["line_no"] == 5
    assert st.column("name").to_pylist() == ["ANGARA"]


def test_column_map_with_a_time_format() -> None:
    text = "id,t,la,lo\n273210440,12/03/2024 06:30,42.25,130.3\n"
    mapping = T.parse_column_map("mmsi=id,ts=t,lat=la,lon=lo,ts_format=%d/%m/%Y %H:%M")
    pos, _, _, _, ok = read_csv_text(text, column_map=mapping)
    assert ok == 1 and pos.column("ts").to_pylist() == [datetime(2024, 3, 12, 6, 30)]


def test_column_map_errors_name_the_problem() -> None:
    with pytest.raises(InputError, match="unknown field 'speed'"):
        T.parse_column_map("mmsi=a,speed=b")
    with pytest.raises(InputError, match="not FIELD=COLUMN"):
        T.parse_column_map("mmsi")
    with pytest.raises(InputError, match="lacks lat, lon, ts"):
        T.layout_from_map({"mmsi": "a"})
    with pytest.raises(InputError, match=r"header lacks column\(s\) y"):
        read_csv_text("a,b,c\n1,2,3\n", column_map={"mmsi": "a", "ts": "b", "lat": "y", "lon": "c"})


def test_unknown_header_without_a_map_is_an_input_error_on_line_1() -> None:
    with pytest.raises(InputError) as err:
        T.plan_csv(b"foo,bar,baz\n1,2,3\n", "x.csv")
    assert err.value.line == 1 and "matches no known layout" in err.value.reason


def test_header_only_csv_reads_nothing() -> None:
    pos, st, rej, read, ok = read_csv_text(MC_HEADER + "\n")
    assert (pos.num_rows, st.num_rows, rej.num_rows, read, ok) == (0, 0, 0, 0, 0)


def test_many_chunks_keep_exact_line_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(T, "CSV_CHUNK_BYTES", 256)
    rows = [f"367000001,2023-03-01T00:00:{i % 60:02d},42,130,1,1,1,,,,,,,,,,A" for i in range(200)]
    rows[57] = "367000001,2023-03-01T00:00:00,99,130,1,1,1,,,,,,,,,,A"
    rows[123] = "garbage"
    text = MC_HEADER + "\n" + "\n".join(rows)  # no final newline
    plan = T.plan_csv(text.encode(), "t.csv")
    chunks = list(
        T.parse_csv_chunks(
            io.BufferedReader(io.BytesIO(text.encode())), plan, "t.csv", chunk_bytes=256
        )
    )
    assert len(chunks) > 10
    pos, _, rej, read, ok = read_csv_text(text, batch_rows=37)
    assert read == 200 and ok == 198
    assert {(r["line_no"], r["reason"]) for r in rej.to_pylist()} == {
        (59, "out_of_range"),
        (125, "unparseable"),
    }
    expected = [i + 2 for i in range(200) if i not in (57, 123)]
    assert sorted(pos.column("row_id").to_pylist()) == expected


def test_parse_float_and_int_flag_only_bad_values() -> None:
    vals, bad = T.parse_float(pa.array(["1.5", None, " 2 ", "x", "1e3", "inf"]))
    assert vals.to_pylist() == [1.5, None, 2.0, None, 1000.0, None]
    assert bad.tolist() == [False, False, False, True, False, True]
    ints, bad = T.parse_int(pa.array(["12", "12.0", "12.5", ""]))
    assert ints.to_pylist() == [12, 12, None, None]
    assert bad.tolist() == [False, False, True, False]


def test_tolerant_cast_isolates_failures() -> None:
    arr = pa.array(["2024-01-01T00:00:00", "2024-13-01T00:00:00", "2024-01-02T00:00:00"])
    out = T.tolerant_cast(arr, T.TS_US)
    assert out.to_pylist() == [datetime(2024, 1, 1), None, datetime(2024, 1, 2)]


def test_parquet_with_canonical_columns(tmp_path: Path) -> None:
    table = pa.table(
        {
            "mmsi": pa.array([273210440, 273210440, None], pa.int64()),
            "ts": pa.array(
                [datetime(2024, 3, 12, h, tzinfo=VLADIVOSTOK) for h in (6, 7, 8)],
                pa.timestamp("ms", tz="Asia/Vladivostok"),
            ),
            "lat": [42.25, 91.0, 42.0],
            "lon": [130.3, 181.0, 130.0],
            "heading": [511, 90, 1],
            "name": ["ANGARA", "ANGARA", "X"],
            "imo": [9179842, 9179842, None],
        }
    )
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    with open(path, "rb") as fh:
        batches = list(T.iter_parquet_batches(fh, path=str(path), source_id=3))
    pos = pa.concat_tables([b.positions for b in batches])
    st = pa.concat_tables([b.statics for b in batches])
    rej = pa.concat_tables([b.rejects for b in batches])
    assert pos.num_rows == 2 and rej.column("reason").to_pylist() == ["unparseable"]
    assert rej.column("line_no").to_pylist() == [3]
    # 06:00 in Vladivostok (UTC+10) is 20:00 UTC the day before
    assert pos.column("ts").to_pylist()[0] == datetime(2024, 3, 11, 20, 0)
    assert pos.column("lat").to_pylist() == [42.25, None]
    assert pos.column("heading").to_pylist() == [None, 90]
    assert st.column("imo").to_pylist() == [9179842] and st.column("name").to_pylist() == ["ANGARA"]


def test_parquet_without_canonical_columns_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"MMSI": [1], "time": [2]}), path)
    with open(path, "rb") as fh, pytest.raises(InputError, match="lacks canonical column"):
        list(T.iter_parquet_batches(fh, path=str(path), source_id=1))


def test_identity_tracker_grows_and_keeps_state() -> None:
    tracker = T.IdentityTracker(capacity_bits=2)
    mmsi = np.arange(1000, dtype=np.int64)
    h = np.ones(1000, dtype=np.uint64)
    ok = np.ones(1000, dtype=bool)
    assert tracker.changes(mmsi, h, ok).all()
    assert not tracker.changes(mmsi, h, ok).any()
    h2 = h.copy()
    h2[500] = 7
    assert np.flatnonzero(tracker.changes(mmsi, h2, ok)).tolist() == [500]


def test_identity_hash_tells_field_boundaries_apart() -> None:
    a = T.identity_hashes([pa.array(["AB", "A"]), pa.array(["C", "BC"])], 2)
    assert a[0] != a[1]
    long = T.identity_hashes([pa.array(["ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOPR"])], 2)
    assert long[0] != long[1]


def test_blank_lines_are_counted_and_keep_line_numbers() -> None:
    row = "367000001,2023-03-01T00:00:00,42,130,1,1,1,,,,,,,,,,A"
    pos, _, rej, read, ok = read_csv_text(MC_HEADER + "\n" + row + "\n\n" + row + "\n")
    assert (read, ok) == (3, 2)
    assert rej.to_pylist() == [{"source_id": 7, "line_no": 3, "raw": "", "reason": "unparseable"}]
    assert pos.column("row_id").to_pylist() == [2, 4]


def test_bytes_that_are_not_utf8_cost_a_character_not_the_file() -> None:
    row = "367000001,2023-03-01T00:00:0{s},42,130,1,1,1,{name},,,70,0,,,,,A"
    text = (
        MC_HEADER + "\n" + row.format(s=0, name="ALPHA") + "\n" + row.format(s=1, name="B\xd8RGE")
    )
    data = (text + "\n").encode("latin-1")
    plan = T.plan_csv(data, "latin.csv")
    batches = list(
        T.iter_csv_batches(io.BufferedReader(io.BytesIO(data)), plan, path="latin.csv", source_id=1)
    )
    assert sum(b.lines_read for b in batches) == sum(b.lines_accepted for b in batches) == 2
    statics = pa.concat_tables([b.statics for b in batches])
    assert statics.column("name").to_pylist() == ["ALPHA", "B\ufffdRGE"]


def _typed_chunk(n: int, seed: int) -> tuple[pa.Table, dict[str, int]]:
    """A chunk as the CSV reader types it, full of the values the rules single out."""
    rng = np.random.default_rng(seed)

    def pick(values: list[object], dtype: pa.DataType) -> pa.Array:
        return pa.array([values[i] for i in rng.integers(0, len(values), n)], dtype)

    nan, inf = float("nan"), float("inf")
    table = pa.table(
        {
            "mmsi": pick([367000001, 2190001, None, -5, 1 << 31, 999_999_999, 0], pa.int64()),
            "ts": pick([datetime(2024, 3, 1, 12), None, datetime(2024, 3, 2)], T.TS_US),
            "lat": pick([42.5, 91.0, 95.0, -90.0, None, nan, inf, -91.0], pa.float64()),
            "lon": pick([130.0, 181.0, -181.0, 180.0, None, nan], pa.float64()),
            "sog": pick([0.0, 102.3, 102.4, -0.1, 12.5, None, -inf], pa.float64()),
            "cog": pick([0.0, 359.9, 360.0, -1.0, 400.0, None, nan], pa.float64()),
            "heading": pick([0.0, 359.0, 360.0, 511.0, -1.0, 12.5, None, nan, 1e300], pa.float64()),
            "nav_status": pick(["0", "5", "15", "16", "-1", None, "Moored"], pa.string()),
            "transceiver": pick(["A", "B", "Class A", "Base Station", None, "zz"], pa.string()),
        }
    )
    return table, {name: i for i, name in enumerate(table.column_names)}


@pytest.mark.parametrize("default_time", [None, datetime(2024, 1, 1)])
def test_typed_decoder_matches_the_general_decoder(default_time: datetime | None) -> None:
    table, fields = _typed_chunk(4_000, seed=5)
    lines = np.arange(10, 10 + table.num_rows, dtype=np.int64)
    assert T.typed_decodable(table, fields)
    general = T.decode_rows(
        table, lines, fields, source_id=3, default_time=default_time, tracker=T.IdentityTracker()
    )
    typed = T.decode_typed(table, lines, fields, source_id=3, default_time=default_time)
    assert typed.positions.equals(general.positions)
    assert typed.rejects.equals(general.rejects)
    reasons = set(typed.rejects.column("reason").to_pylist())
    expected = {"unparseable", "out_of_range"} | ({"no_time"} if default_time is None else set())
    assert reasons == expected
    assert typed.accepted.sum() == typed.positions.num_rows > 0


# Field values for the scanner-vs-pyarrow comparison: plain ones the scanner reads, and odd ones
# it must leave to pyarrow (or read exactly as pyarrow would).
MC_POOLS: list[list[str]] = [
    ["367000001", "367000002", "2190001", "", "-5", "1073741824", "36700000X", "3.67e8"],
    [
        "2023-03-01T00:00:00",
        "2023-03-01 00:00:01",
        "2023-03-01",
        "2023-03-01T00:05",
        "2023-03-01T00:00:00.25",
        "",
        "2024-02-30T00:00:00",
        "2023-03-01T00:00:00Z",
        "1677628800",
    ],
    ["42.5", "91", "95.5", "-90", "", "nan", " 42.5", ".5", "1e1", "4x2", "42.123456789012345678"],
    ["130.25", "181", "-181", "", "-0.0", "+130", "1.5E+2"],
    ["0", "102.3", "102.4", "-1", "", "12.5", "inf"],
    ["0", "359.9", "360", "", "-1"],
    ["0", "359", "511", "12.5", "", "-1", "1e300"],
    ["ANGARA", "MARIA", "", "LADY R", "A B"],
    ["IMO9179842", "", "IMO 1", "imo9000001", "123"],
    ["UBYT2", "", "C1"],
    ["70", "", "0", "x"],
    ["0", "5", "15", "16", "", "Moored", " 5 ", "5.0", "0x5", "moored\x0b", "\tAt anchor", "nan"],
    ["120", "", "0", "-3"],
    ["20", ""],
    ["6.5", "", "x"],
    ["70", ""],
    ["A", "B", "", "Class A", "base station", "1"],
]


def _csv_text(
    pools: list[list[str]], header: str, n: int, seed: int, odd: float, broken: bool = True
) -> str:
    """n rows from the value pools: mostly the first (plain) values, odd ones at rate `odd`,
    with a few blank lines, short lines (`broken`) and CRLF endings."""
    rng = np.random.default_rng(seed)
    lines = [header]
    for _ in range(n):
        r = rng.random() if broken else 1.0
        if r < 0.01:
            lines.append("")
            continue
        if r < 0.015:
            lines.append("367000001,2023-03-01T00:00:00,42")
            continue
        fields = [
            pool[int(rng.integers(0, len(pool)))]
            if rng.random() < odd
            else pool[int(rng.integers(0, min(2, len(pool))))]
            for pool in pools
        ]
        lines.append(",".join(fields) + ("\r" if rng.random() < 0.02 else ""))
    return "\n".join(lines) + "\n"


def _read_all(text: str, scanner: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as m:
        if not scanner:
            m.setattr(T, "scan_plan", lambda plan: None)
        pos, st, rej, read, ok = read_csv_text(text)
    return pos, st, rej.sort_by("line_no"), read, ok


@pytest.mark.parametrize(("seed", "odd"), [(1, 0.0), (2, 0.02), (3, 0.3), (6, 0.0)])
def test_scanner_reads_exactly_as_pyarrow_does(
    seed: int, odd: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(T, "CSV_CHUNK_BYTES", 2_000)  # many runs: scanned and fallback mixed
    text = _csv_text(MC_POOLS, MC_HEADER, 3_000, seed, odd)
    if seed == 6:
        text = text.rstrip("\n")  # no newline after the last line
    outcomes: list[bool] = []
    real_scan = T.scan_chunk

    def counting_scan(*args: object) -> object:
        try:
            out = real_scan(*args)  # type: ignore[arg-type]
        except T._ScanFallbackError:
            outcomes.append(False)
            raise
        outcomes.append(True)
        return out

    monkeypatch.setattr(T, "scan_chunk", counting_scan)
    scanned = _read_all(text, True, monkeypatch)
    assert not all(outcomes) and (any(outcomes) or odd > 0.1)  # both readers took part
    reference = _read_all(text, False, monkeypatch)
    for got, want in zip(scanned, reference, strict=True):
        assert got == want if isinstance(got, int) else got.equals(want)
    assert scanned[0].num_rows > 0 and scanned[2].num_rows > 0 and scanned[1].num_rows > 0


def test_scanner_reads_plain_runs_and_declines_odd_ones() -> None:
    plan = T.plan_csv(MC_HEADER.encode(), "t.csv")
    parser = T.CsvChunkParser(plan, "t.csv", decode=True, source_id=1)
    plain = _csv_text(MC_POOLS, MC_HEADER, 200, 4, 0.0, broken=False).split("\n", 1)[1].encode()
    chunk = parser(plain, 2)
    assert chunk.table is None and chunk.decoded is not None and parser.scanned == 1
    for odd in ("367000001,x", '367000001,"2023-03-01",' + ",".join(["1"] * 15), "é"):
        chunk = parser(plain + odd.encode() + b"\n", 2)
        assert chunk.table is not None
    assert parser.fallbacks == 3


def test_scanner_hashes_identity_as_the_arrow_kernel_does() -> None:
    identity = set(range(7, 11)) | set(range(12, 17))  # every value of these is plain text
    pools = [pool if i in identity else pool[:1] for i, pool in enumerate(MC_POOLS)]
    text = _csv_text(pools, MC_HEADER, 500, 5, 1.0, broken=False)
    keep = [line.rstrip("\r") for line in text.split("\n")[1:-1]]
    data = ("\n".join(keep) + "\n").encode()
    plan = T.plan_csv(MC_HEADER.encode(), "t.csv")
    scan = T.scan_plan(plan)
    assert scan is not None
    parser = T.CsvChunkParser(plan, "t.csv")
    table = parser.text_rows([line.encode() for line in keep])
    expected = T.identity_hashes([table.column(i) for i in parser.id_cols], table.num_rows)
    try:
        _, hashes, starts, ends = T.scan_chunk(scan, data, len(keep))
    except T._ScanFallbackError:
        pytest.fail("plain rows declined")
    assert np.array_equal(hashes, expected)
    assert bytes(data[starts[3] : ends[3]]).decode() == keep[3]


def test_dma_runs_are_scanned_with_day_first_times_and_words() -> None:
    rows = [
        "01/02/2024 00:00:05,Class A,219000001,55.5,10.5,Under way using engine,0,12.3,"
        "180.5,179,9179842,OXAB2,DANA,Cargo,Category X,20,120,GPS,6.2,AARHUS,,AIS,1,2,3,4",
        "01/02/2024 00:00:10,Class B,219000002,55.6,10.6,Unknown value,,,,,Unknown,Unknown,"
        "Unknown,Undefined,,,,Undefined,,Unknown,,AIS,,,,",
    ]
    data = ("\n".join(rows) + "\n").encode()
    plan = T.plan_csv(DMA_HEADER.encode(), "dma.csv")
    parser = T.CsvChunkParser(plan, "dma.csv", decode=True, source_id=1)
    chunk = parser(data, 2)
    assert chunk.table is None and chunk.decoded is not None
    pos = chunk.decoded.positions.to_pylist()
    assert [p["nav_status"] for p in pos] == [0, 15] and [p["msg_type"] for p in pos] == [1, 18]
    assert pos[0]["ts"] == datetime(2024, 2, 1, 0, 0, 5)


_FIELD_CHARS = "0123456789-+.eE:T ABCXnaif\t"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 16), st.text(alphabet=_FIELD_CHARS, max_size=12)),
        min_size=1,
        max_size=12,
    )
)
def test_scanner_matches_pyarrow_on_random_fields(edits: list[tuple[int, str]]) -> None:
    """Whatever a field holds, a scanned run reads as the pyarrow reader reads it."""
    base = "367000001,2023-03-01T00:00:00,42,130,1,1,1,A,IMO1,C,70,0,1,1,1,70,A".split(",")  # noqa: SIM905
    lines = []
    for column, value in edits:  # one random field per row, the others plain
        line = list(base)
        line[column] = value
        lines.append(",".join(line))
    text = MC_HEADER + "\n" + "\n".join(lines) + "\n"
    with pytest.MonkeyPatch.context() as mp:
        scanned = _read_all(text, True, mp)
        reference = _read_all(text, False, mp)
    for got, want in zip(scanned, reference, strict=True):
        assert got == want if isinstance(got, int) else got.equals(want)
