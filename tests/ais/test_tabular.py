"""CSV and Parquet through DuckDB's readers: layouts, reject reasons and fields, sentinels,
rows without a position, statics per identity change, line numbers, odd bytes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkcargo.ais import layout as L  # noqa: N812
from darkcargo.ais.ingest import STATUS_EMPTY, FileResult, ingest
from darkcargo.errors import InputError
from darkcargo.workspace import Workspace

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


class Read:
    """What one tabular file became: the file's result and its rows in each table."""

    def __init__(self, result: FileResult, ws_path: Path) -> None:
        self.result = result
        with Workspace(ws_path, read_only=True) as ws:
            sid = result.source_id
            self.positions = ws.arrow(
                f"SELECT * FROM positions WHERE source_id = {sid} ORDER BY row_id"
            )
            self.statics = ws.arrow(
                f"SELECT * FROM statics WHERE source_id = {sid} ORDER BY mmsi, ts"
            )
            self.rejects = ws.arrow(
                f"SELECT * FROM rejects WHERE source_id = {sid} ORDER BY line_no"
            )

    def rows(self, table: str) -> list[dict]:
        return getattr(self, table).to_pylist()

    @property
    def by_line(self) -> dict[int, tuple[str, str | None, str]]:
        return {r["line_no"]: (r["reason"], r["field"], r["raw"]) for r in self.rows("rejects")}


@pytest.fixture
def read(tmp_path: Path) -> Callable[..., Read]:
    """read(text or bytes, name=..., **ingest options) -> Read."""
    count = [0]

    def run(data: str | bytes, name: str = "in.csv", **options: object) -> Read:
        count[0] += 1
        path = tmp_path / f"{count[0]}-{name}"
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        ws = tmp_path / "ws.duckdb"
        result = ingest([path], ws, **options).files[0]  # type: ignore[arg-type]
        return Read(result, ws)

    return run


def test_marinecadastre_row_becomes_a_utc_position_with_sentinels_nulled(read) -> None:
    got = read(
        MC_HEADER + "\n"
        "367123450,2023-03-01T12:34:56,42.25,130.3,102.3,360.0,511,ANGARA,IMO9179842,UBYT2,"
        "70,5,120,20,6.5,70,A\n"
        "367123451,2023-03-01T12:35:00,42.5,130.5,3.5,45.5,90,,,,,,,,,,B\n"
    )
    r = got.result
    assert (r.lines_read, r.accepted, r.rejected, r.format) == (2, 2, 0, "csv:marinecadastre")
    first, second = got.rows("positions")
    assert first["mmsi"] == 367123450 and first["ts"] == datetime(2023, 3, 1, 12, 34, 56)
    assert (first["lat"], first["lon"]) == (42.25, 130.3)
    assert first["sog"] is None and first["cog"] is None and first["heading"] is None
    assert first["nav_status"] == 5 and first["msg_type"] == 1 and first["row_id"] == 2
    assert first["mmsi_valid"] is True
    assert second["sog"] == pytest.approx(3.5) and second["cog"] == pytest.approx(45.5)
    assert second["heading"] == 90 and second["msg_type"] == 18 and second["row_id"] == 3


def test_identity_becomes_one_statics_row_per_change(read) -> None:
    rows = [
        "367000001,2023-03-01T00:00:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,6.5,70,A",
        "367000001,2023-03-01T00:01:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,6.5,70,A",
        "367000002,2023-03-01T00:01:30,42,130,1,1,1,MARIA,,,70,0,,,,,A",
        "367000001,2023-03-01T00:02:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,7.0,70,A",
        "367000001,2023-03-01T00:03:00,42,130,1,1,1,ANGARA,IMO9179842,UBYT2,70,0,120,20,7.0,70,A",
        "367000003,2023-03-01T00:03:30,42,130,1,1,1,,,,,,,,,,A",
    ]
    got = read(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    assert [
        (r["mmsi"], r["ts"].minute, r["imo"], r["name"], r["draught_m"], r["row_id"])
        for r in got.rows("statics")
    ] == [
        (367000001, 0, 9179842, "ANGARA", pytest.approx(6.5), 2),
        (367000001, 2, 9179842, "ANGARA", pytest.approx(7.0), 5),
        (367000002, 1, None, "MARIA", None, 4),
    ]
    first = got.rows("statics")[0]
    assert first["callsign"] == "UBYT2" and first["ship_type"] == 70 and first["msg_type"] == 5
    assert first["length_m"] == 120 and first["beam_m"] == 20
    assert got.result.statics == 3


def test_identity_switching_back_and_forth_is_three_changes(read) -> None:
    rows = [
        f"273210440,2024-01-01T00:0{i}:00,42,130,1,1,1,{name},,,70,0,,,,,A"
        for i, name in enumerate(["ALPHA"] * 3 + ["BRAVO"] * 3 + ["ALPHA"] * 3)
    ]
    got = read(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    assert [(r["name"], r["row_id"]) for r in got.rows("statics")] == [
        ("ALPHA", 2),
        ("BRAVO", 5),
        ("ALPHA", 8),
    ]


def test_bad_rows_are_rejected_with_reason_field_and_exact_text(read) -> None:
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
        "367000001,2023-03-01T00:00:00,42,130,inf,1,1,,,,,,,,,,A",  # infinite sog
        "367000001,2023-03-01T00:00:00,42,130",  # too few fields
        "367000001,2023-03-01T00:00:01, 42.5 ,130,1,1,1,,,,,,,,,,A",  # spaces: fine
        "367000001,2023-03-01T00:00:02,42,130,1,1,12.5,,,,,,,,,,A",  # heading 12.5: to 13
        "1073741824,2023-03-01T00:00:00,42,130,1,1,1,,,,,,,,,,A",  # beyond the 30-bit field
    ]
    got = read(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    r = got.result
    assert (r.lines_read, r.accepted, r.rejected) == (15, 3, 12)
    assert r.reasons == {"unparseable": 6, "out_of_range": 5, "no_time": 1}
    by = got.by_line
    assert by[3] == ("unparseable", "mmsi", rows[1])
    assert by[4] == ("unparseable", "mmsi", rows[2])
    assert by[5] == ("unparseable", "ts", rows[3])
    assert by[6] == ("no_time", "ts", rows[4])
    assert [by[k][:2] for k in (7, 8, 9, 10)] == [
        ("out_of_range", "lat"),
        ("out_of_range", "lon"),
        ("out_of_range", "sog"),
        ("out_of_range", "sog"),
    ]
    assert by[11] == ("unparseable", "lat", rows[9])
    assert by[12][:2] == ("unparseable", "sog")
    assert by[13] == ("unparseable", None, rows[11])
    assert 15 not in by and by[16][:2] == ("out_of_range", "mmsi")
    assert [p["row_id"] for p in got.rows("positions")] == [2, 14, 15]
    assert got.rows("positions")[1]["lat"] == 42.5
    assert got.rows("positions")[2]["heading"] == 13


def test_null_words_in_optional_columns_are_nulls_not_rejects(read) -> None:
    """A Spire-style export writes None, nan or NULL where a value is not known (17.8)."""
    text = "mmsi,time,lat,lon,cog,sog,heading\n" + "".join(
        f"273210440,2024-03-12T06:0{i}:00,42.2{i},130.3,{word},{word},{word}\n"
        for i, word in enumerate(["None", "nan", "NULL", "", "NaN", "12.5"])
    )
    got = read(text, columns="mmsi=mmsi,ts=time,lat=lat,lon=lon,cog=cog,sog=sog,heading=heading")
    assert (got.result.accepted, got.result.rejected) == (6, 0)
    assert [p["cog"] for p in got.rows("positions")] == [None] * 5 + [12.5]
    # a heading with decimals (a resampled track's) is kept, to the nearest degree
    assert [p["heading"] for p in got.rows("positions")] == [None] * 5 + [13]


def test_rows_without_a_position_go_to_statics_not_positions(read) -> None:
    """lat 91 / lon 181 (AIS "not available") and empty positions are no position (17.8)."""
    rows = [
        "367000001,2023-03-01T00:00:00,91,181,0,0,511,ANGARA,IMO9179842,UBYT2,70,5,,,,,A",
        "367000001,2023-03-01T00:01:00,,,0,0,511,,,,,,,,,,A",
        "367000002,2023-03-01T00:02:00,42.5,130.5,1,1,1,,,,,,,,,,A",
        "367000003,2023-03-01T00:03:00,91,130.5,1,1,1,MARIA,,,,,,,,,B",
    ]
    got = read(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    r = got.result
    assert (r.lines_read, r.accepted, r.rejected, r.positions, r.statics) == (4, 3, 1, 1, 2)
    assert [p["mmsi"] for p in got.rows("positions")] == [367000002]
    assert [(s["mmsi"], s["name"], s["row_id"]) for s in got.rows("statics")] == [
        (367000001, "ANGARA", 2),
        (367000003, "MARIA", 5),
    ]
    assert got.by_line == {3: ("no_position", "lat", rows[1])}
    with Workspace(got_ws(got), read_only=True) as ws:
        assert ws.scalar("SELECT count(*) FROM positions WHERE lat IS NULL OR lon IS NULL") == 0


def got_ws(got: Read) -> Path:
    return Path(got.result.path).parent / "ws.duckdb"


def test_default_time_dates_rows_with_an_empty_time(read) -> None:
    got = read(
        MC_HEADER + "\n367000001,,42,130,1,1,1,,,,,,,,,,A\n", default_time=datetime(2024, 3, 12, 6)
    )
    assert got.result.rejected == 0
    assert [p["ts"] for p in got.rows("positions")] == [datetime(2024, 3, 12, 6)]


def test_dma_layout_day_first_times_words_and_unknowns(read) -> None:
    rows = [
        "01/02/2024 00:00:05,Class A,219000001,55.5,10.5,Under way using engine,0,12.3,"
        "180.5,179,9179842,OXAB2,DANA,Cargo,Category X,20,120,GPS,6.2,AARHUS,,AIS,1,2,3,4",
        "01/02/2024 00:00:10,Class B,219000002,55.6,10.6,Unknown value,,,,,Unknown,Unknown,"
        "Unknown,Undefined,,,,Undefined,,Unknown,,AIS,,,,",
        "01/02/2024 00:00:15,Base Station,2190001,55.7,10.7,Moored,,,,,,,,,,,,,,,,AIS,,,,",
        "01/02/2024 00:00:20,class a,219000003,55.8,10.8,  at anchor ,,,,,,,,,,,,,,,,AIS,,,,",
    ]
    got = read(DMA_HEADER + "\n" + "\n".join(rows) + "\n")
    assert (got.result.lines_read, got.result.accepted, got.result.format) == (4, 4, "csv:dma")
    p = got.rows("positions")
    assert p[0]["ts"] == datetime(2024, 2, 1, 0, 0, 5)
    assert [r["nav_status"] for r in p] == [0, 15, 5, 1]
    assert [r["msg_type"] for r in p] == [1, 18, 4, 1]
    assert p[0]["sog"] == pytest.approx(12.3) and p[0]["heading"] == 179
    assert p[2]["mmsi_valid"] is False and p[0]["mmsi_valid"] is True
    (s,) = got.rows("statics")  # the others carry no identity ("Unknown" is none)
    assert (s["imo"], s["callsign"], s["name"], s["destination"]) == (
        9179842,
        "OXAB2",
        "DANA",
        "AARHUS",
    )
    assert s["ship_type"] == 71  # cargo, hazard category X
    assert s["draught_m"] == pytest.approx(6.2) and s["msg_type"] == 5


def test_column_map_reads_any_csv_with_offsets_and_epochs(read) -> None:
    text = (
        "ship;when;y;x;speed;vessel\n"
        "273210440;2024-03-12T06:00:00+03:00;42.25;130.3;10.5;ANGARA\n"
        "273210440;1710223200;42.26;130.31;;ANGARA\n"
        "273210441;2024-03-12 06:00:00Z;42.27;130.32;1;\n"
        "273210441;12/03/2024;42.28;130.33;1;\n"
        "273210441;1710223200500;42.29;130.34;1;\n"
    )
    got = read(text, columns="mmsi=ship,ts=when,lat=y,lon=x,sog=speed,name=vessel")
    assert (got.result.lines_read, got.result.accepted, got.result.format) == (5, 4, "csv:columns")
    assert [p["ts"] for p in got.rows("positions")] == [
        datetime(2024, 3, 12, 3, 0),
        datetime(2024, 3, 12, 6, 0),
        datetime(2024, 3, 12, 6, 0),
        datetime(2024, 3, 12, 6, 0, 0, 500000),
    ]
    assert got.by_line == {5: ("unparseable", "ts", "273210441;12/03/2024;42.28;130.33;1;")}
    assert [s["name"] for s in got.rows("statics")] == ["ANGARA"]


def test_epoch_times_in_scientific_notation_as_r_writes_round_ones(read) -> None:
    """R's write.csv writes a round number in scientific notation when that is shorter: a
    Baltic sample of 20,000 rows had 15 such times ("1.522551e+12" = 02:50:00), all exact."""
    text = (
        '"timestamp_pretty";"timestamp";"mmsi";"lat";"long"\n'
        '"01/04/2018 02:50:00";1.522551e+12;210318000;54.798595;12.748257\n'
        '"01/04/2018 08:06:40";1.52257e+12;218179000;54.33432;9.734435\n'
        '"01/04/2018 08:06:41";1522570001000;218179000;54.33433;9.734436\n'
        '"01/04/2018 08:06:42";1.522570002e+09;218179000;54.33434;9.734437\n'
        '"01/04/2018 08:06:43";1.5e+07;218179000;54.33435;9.734438\n'
    )
    got = read(text, columns="mmsi=mmsi,ts=timestamp,lat=lat,lon=long")
    assert [p["ts"] for p in got.rows("positions")] == [
        datetime(2018, 4, 1, 2, 50),
        datetime(2018, 4, 1, 8, 6, 40),
        datetime(2018, 4, 1, 8, 6, 41),
        datetime(2018, 4, 1, 8, 6, 42),
    ]
    assert got.by_line == {
        6: ("unparseable", "ts", '"01/04/2018 08:06:43";1.5e+07;218179000;54.33435;9.734438')
    }


def test_column_map_with_a_time_format(read) -> None:
    text = "id,t,la,lo\n273210440,12/03/2024 06:30,42.25,130.3\n"
    got = read(text, columns="mmsi=id,ts=t,lat=la,lon=lo,ts_format=%d/%m/%Y %H:%M")
    assert [p["ts"] for p in got.rows("positions")] == [datetime(2024, 3, 12, 6, 30)]


def test_column_map_errors_name_the_problem(read) -> None:
    with pytest.raises(InputError, match="unknown field 'speed'"):
        L.parse_column_map("mmsi=a,speed=b")
    with pytest.raises(InputError, match="not FIELD=COLUMN"):
        L.parse_column_map("mmsi")
    with pytest.raises(InputError, match="lacks lat, lon, ts"):
        L.layout_from_map({"mmsi": "a"})
    with pytest.raises(InputError, match=r"header lacks column\(s\) y"):
        read("a,b,c\n1,2,3\n", columns="mmsi=a,ts=b,lat=y,lon=c")


def test_unknown_header_without_a_map_is_an_input_error_on_line_1() -> None:
    with pytest.raises(InputError) as err:
        L.plan_csv(b"foo,bar,baz\n1,2,3\n", "x.csv")
    assert err.value.line == 1 and "matches no known layout" in err.value.reason


def test_a_csv_of_no_layout_is_read_by_the_usual_column_names(read, caplog) -> None:
    """Norwegian coastal administration style: semicolons, date_time_utc, lon before lat."""
    text = (
        "mmsi;date_time_utc;lon;lat;sog;cog;true_heading;nav_status;rot;message_nr;source\n"
        "257002000;2024-01-01 00:00:05;5.3221;60.3912;0.0;250.1;255;5;0;1;g\n"
        "257002000;2024-01-01 00:01:05;5.3222;60.3913;0.1;250.1;361;5;0;1;g\n"
    )
    with caplog.at_level("WARNING"):
        got = read(text)
    assert got.result.format == "csv:guessed" and got.result.accepted == 2
    rows = got.rows("positions")
    assert [(r["mmsi"], r["lat"], r["lon"], r["heading"], r["nav_status"]) for r in rows] == [
        (257002000, 60.3912, 5.3221, 255, 5),
        (257002000, 60.3913, 5.3222, None, 5),  # 361: not a heading
    ]
    assert rows[0]["ts"] == datetime(2024, 1, 1, 0, 0, 5)
    said = caplog.text
    assert (
        "columns guessed" in said and "ts=date_time_utc" in said and "heading=true_heading" in said
    )


def test_guessed_columns_take_the_first_usual_name_and_each_column_once(read) -> None:
    """AISHub-style export: TIME with a zone word, upper-case names, a column per field."""
    text = (
        "MMSI,TIME,LONGITUDE,LATITUDE,COG,SOG,HEADING,ROT,NAVSTAT,IMO,NAME,CALLSIGN,TYPE,"
        "A,B,C,D,DRAUGHT,DEST,ETA\n"
        "636019825,2024-01-01 06:00:00 GMT,129.98,42.35,120.5,11.2,121,0,0,9387671,SOME SHIP,"
        "D5AB1,70,150,30,12,20,8.5,VOSTOCHNY,01-03 10:00\n"
    )
    got = read(text)
    (pos,) = got.rows("positions")
    assert (pos["ts"], pos["lat"], pos["lon"], pos["sog"]) == (
        datetime(2024, 1, 1, 6),
        42.35,
        129.98,
        pytest.approx(11.2),
    )
    (ident,) = got.rows("statics")
    assert (ident["name"], ident["imo"], ident["callsign"], ident["destination"]) == (
        "SOME SHIP",
        9387671,
        "D5AB1",
        "VOSTOCHNY",
    )
    assert ident["ship_type"] is None  # "TYPE" is not guessed: it may be a message type
    layout = L.plan_csv(b"time,timestamp,lat,lon,mmsi\n", "x.csv").layout
    assert layout.columns["ts"] == "timestamp"  # the earlier usual name wins


def test_a_known_layout_wins_over_a_guess_and_a_guess_needs_all_four() -> None:
    assert L.plan_csv((MC_HEADER + "\n").encode(), "x.csv").layout.name == "marinecadastre"
    with pytest.raises(
        InputError,
        match=r"no column named as a time usually is \(found mmsi=mmsi, lat=lat, lon=lon\)",
    ):
        L.plan_csv(b"mmsi,lat,lon,sog\n", "x.csv")  # no time
    plan = L.plan_csv(b"mmsi,lat,lon,sog\n", "x.csv", default_time=datetime(2024, 1, 1))
    assert plan.layout.name == "guessed" and "ts" not in plan.fields


def test_header_only_csv_is_empty_and_keeps_nothing(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(MC_HEADER + "\n")
    ws = tmp_path / "ws.duckdb"
    assert ingest([path], ws).files[0].status == STATUS_EMPTY
    with Workspace(ws, read_only=True) as w:
        assert w.count("sources") == 0


def test_blank_lines_crlf_and_quotes_keep_every_line_number(read) -> None:
    row = "367000001,2023-03-01T00:00:0{s},42,130,1,1,1,{name},,,70,0,,,,,A"
    lines = [
        MC_HEADER,
        row.format(s=1, name='"ANGARA, THE"'),
        "",
        row.format(s=2, name="ANGARA"),
        "367000001,2023-03-01T00:00:03,42",
        "",
        "",
        row.format(s=4, name="ANGARA") + ",extra",
        row.format(s=5, name="ANGARA"),
    ]
    for sep in ("\n", "\r\n"):
        got = read(sep.join(lines) + sep)
        r = got.result
        assert (r.lines_read, r.accepted, r.rejected) == (8, 3, 5), sep
        assert [p["row_id"] for p in got.rows("positions")] == [2, 4, 9]
        assert got.by_line == {
            3: ("unparseable", None, ""),
            5: ("unparseable", None, lines[4]),
            6: ("unparseable", None, ""),
            7: ("unparseable", None, ""),
            8: ("unparseable", None, lines[7]),
        }
        assert [s["name"] for s in got.rows("statics")] == ["ANGARA, THE", "ANGARA"]


def test_bytes_that_are_not_utf8_and_mixed_line_ends_cost_a_character_not_the_file(read) -> None:
    row = "367000001,2023-03-01T00:00:0{s},42,130,1,1,1,{name},,,70,0,,,,,A"
    text = (
        MC_HEADER
        + "\n"
        + row.format(s=0, name="ALPHA")
        + "\r\n"
        + row.format(s=1, name="B\xd8RGE")
        + "\n"
        + row.format(s=2, name="C\rD")
        + "\n"
    )
    got = read(text.encode("latin-1"))
    assert (got.result.lines_read, got.result.accepted) == (3, 3)
    assert [s["name"] for s in got.rows("statics")] == ["ALPHA", "B\ufffdRGE", "C D"]
    assert [p["row_id"] for p in got.rows("positions")] == [2, 3, 4]


def test_gfw_map_download_ingests_by_header(shared_data: Path, tmp_path: Path) -> None:
    """A Global Fishing Watch track export: lon, lat, course, timestamp, speed, seg_id; the MMSI
    is seg_id's prefix (17.8)."""
    track = shared_data / "ais" / "gfw_tracks" / "track_7a1ac1699.csv"
    ws = tmp_path / "ws.duckdb"
    f = ingest([track], ws).files[0]
    assert (f.format, f.lines_read, f.accepted, f.rejected, f.positions) == (
        "csv:gfw",
        2528,
        2528,
        0,
        2528,
    )
    with Workspace(ws, read_only=True) as w:
        assert w.con.execute("SELECT DISTINCT mmsi FROM positions").fetchall() == [(412400056,)]
        first = w.con.execute(
            "SELECT ts, lat, lon, cog, sog FROM positions ORDER BY row_id LIMIT 1"
        ).fetchall()[0]
    assert first[0] == datetime(2018, 12, 2, 12, 14, 45)
    assert first[1:3] == (pytest.approx(20.8899533333), pytest.approx(-17.0557316667))
    assert first[3] == pytest.approx(226.0) and first[4] == 0


def test_a_provider_layout_is_added_from_a_mapping_alone(tmp_path: Path) -> None:
    """The README's recipe: a TOML table naming the headers is all a new provider needs."""
    layouts = tmp_path / "spire.toml"
    layouts.write_text(
        '[spire]\ndetect = ["msg_mmsi", "timestamp_utc"]\n'
        '[spire.columns]\nmmsi = "msg_mmsi"\nts = "timestamp_utc"\nlat = "latitude"\n'
        'lon = "longitude"\ncog = "course"\nname = "ship_name"\n'
    )
    data = tmp_path / "export.csv"
    data.write_text(
        "msg_mmsi,timestamp_utc,latitude,longitude,course,ship_name\n"
        "273210440,2024-03-12T06:00:00Z,42.25,130.3,None,ANGARA\n"
        "273210440,2024-03-12T06:10:00Z,42.30,130.4,45,ANGARA\n"
    )
    ws = tmp_path / "ws.duckdb"
    with pytest.raises(InputError, match="matches no known layout"):
        ingest([data], ws)
    f = ingest([data], ws, layouts=[layouts]).files[0]
    assert (f.format, f.accepted, f.positions, f.statics) == ("csv:spire", 2, 2, 1)
    with pytest.raises(InputError, match=r"layout \[bad\]: unknown speed"):
        L.layout_from_table(
            "bad", {"columns": {"mmsi": "a", "lat": "b", "lon": "c", "speed": "d"}}, "x"
        )


def test_parquet_with_canonical_columns(tmp_path: Path) -> None:
    table = pa.table(
        {
            "MMSI": pa.array([273210440, 273210440, None, 273210441], pa.int64()),
            "ts": pa.array(
                [datetime(2024, 3, 12, h, tzinfo=VLADIVOSTOK) for h in (6, 7, 8, 9)],
                pa.timestamp("ms", tz="Asia/Vladivostok"),
            ),
            "lat": [42.25, 91.0, 42.0, 42.1],
            "lon": [130.3, 181.0, 130.0, 130.1],
            "heading": [511, 90, 1, 2],
            "name": ["ANGARA", "ANGARA", "X", None],
            "imo": [9179842, 9179842, None, None],
        }
    )
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    ws = tmp_path / "ws.duckdb"
    f = ingest([path], ws).files[0]
    assert (f.format, f.lines_read, f.accepted, f.rejected, f.positions) == ("parquet", 4, 3, 1, 2)
    with Workspace(ws, read_only=True) as w:
        pos = w.con.execute(
            "SELECT ts, lat, heading, row_id FROM positions ORDER BY row_id"
        ).fetchall()
        rej = w.con.execute("SELECT line_no, reason, field, raw FROM rejects").fetchall()
        sta = w.con.execute("SELECT imo, name, row_id FROM statics").fetchall()
    # 06:00 in Vladivostok (UTC+10) is 20:00 UTC the day before
    assert pos == [
        (datetime(2024, 3, 11, 20), 42.25, None, 1),
        (datetime(2024, 3, 11, 23), 42.1, 2, 4),
    ]
    assert [r[:3] for r in rej] == [(3, "unparseable", "mmsi")] and "X" in rej[0][3]
    assert sta == [(9179842, "ANGARA", 1)]


def test_records_with_a_time_column_of_their_own_name_are_read_by_guessing(
    tmp_path: Path,
) -> None:
    """A Norwegian Coastal Administration Parquet export (simula/damast's test file has these
    columns): canonical mmsi, lat, lon, but date_time_utc, true_heading, and typed codes."""
    table = pa.table(
        {
            "mmsi": pa.array([257000001, 257000001], pa.int64()),
            "date_time_utc": ["2022-10-01 00:00:06", "2022-10-01 00:01:06"],
            "lon": [5.3, 5.31],
            "lat": [60.39, 60.4],
            "sog": [0.1, 5.2],
            "true_heading": pa.array([511, 90], pa.int64()),
            "nav_status": pa.array([5, 0], pa.int64()),
            "length": pa.array([50, 50], pa.int64()),
        }
    )
    path = tmp_path / "kystverket.parquet"
    pq.write_table(table, path)
    f = ingest([path], tmp_path / "ws.duckdb").files[0]
    assert (f.format, f.accepted, f.positions) == ("parquet:guessed", 2, 2)
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as w:
        rows = w.con.execute("SELECT ts, heading, nav_status FROM positions ORDER BY ts").fetchall()
    assert rows == [
        (datetime(2022, 10, 1, 0, 0, 6), None, 5),
        (datetime(2022, 10, 1, 0, 1, 6), 90, 0),
    ]
    # JSON Lines with the canonical names except the time, in epoch seconds
    lines = tmp_path / "m.jsonl"
    lines.write_text('{"mmsi": 412331104, "timestamp": 1704378820, "lat": 45.4, "lon": 80.6}\n')
    g = ingest([lines], tmp_path / "ws2.duckdb").files[0]
    assert (g.format, g.accepted) == ("json:guessed", 1)


def test_parquet_without_canonical_columns_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"boat": [1], "time": [2]}), path)
    with pytest.raises(InputError, match="lacks canonical column"):
        ingest([path], tmp_path / "ws.duckdb")


_FIELD_CHARS = "0123456789-+.eE:T ABCXnaif\t\"'\\;"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(st.integers(0, 16), st.text(alphabet=_FIELD_CHARS, max_size=12)),
        min_size=1,
        max_size=10,
    )
)
def test_whatever_a_field_holds_every_line_is_accepted_or_rejected(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[int, str]]
) -> None:
    base = "367000001,2023-03-01T00:00:00,42,130,1,1,1,A,IMO1,C,70,0,1,1,1,70,A".split(",")  # noqa: SIM905
    lines = []
    for column, value in edits:
        line = list(base)
        line[column] = value
        lines.append(",".join(line))
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "f.csv"
    path.write_text(MC_HEADER + "\n" + "\n".join(lines) + "\n")
    try:
        f = ingest([path], tmp / "ws.duckdb").files[0]
    except InputError as err:  # nothing accepted: refused, with the count of lines read
        assert f"none of {len(lines)} lines accepted" in err.reason
        return
    assert f.accepted + f.rejected == f.lines_read == len(lines)
    with Workspace(tmp / "ws.duckdb", read_only=True) as ws:
        kept = ws.con.execute(
            "SELECT (SELECT count(*) FROM rejects) + (SELECT count(DISTINCT row_id) FROM "
            "(SELECT row_id FROM positions UNION SELECT row_id FROM statics))"
        ).fetchall()[0][0]
    assert kept <= len(lines)


def test_an_unclosed_quote_costs_its_line_not_the_next_ones(read) -> None:
    row = "367000001,2023-03-01T00:00:0{s},42,130,1,1,1,{name},,,70,0,,,,,A"
    rows = [
        row.format(s=1, name='"OPEN'),
        row.format(s=2, name="NEXT"),
        row.format(s=3, name="LAST"),
    ]
    got = read(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    assert (got.result.lines_read, got.result.accepted) == (3, 3)
    assert [p["row_id"] for p in got.rows("positions")] == [2, 3, 4]
    assert [s["name"] for s in got.rows("statics")] == ["'OPEN", "NEXT", "LAST"]


def test_huge_numbers_are_rejected_or_nulled_not_fatal(read) -> None:
    row = "367000001,2023-03-01T00:00:0{s},42,130,{sog},1,1,ANGARA,{imo},,70,0,{length},,,,A"
    rows = [
        row.format(s=1, sog="1E100", imo="IMO1", length="1"),
        row.format(s=2, sog="1", imo="1E100", length="1E300"),
    ]
    got = read(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    assert got.by_line == {2: ("out_of_range", "sog", rows[0])}
    (s,) = got.rows("statics")
    assert (s["imo"], s["length_m"], s["row_id"]) == (None, None, 3)


def test_gfw_pipeline_json_lines_ingest_by_their_usual_names(
    shared_data: Path, tmp_path: Path
) -> None:
    """GFW's segmenter fixture: JSON Lines of ssvid/timestamp/lat/lon/speed/course; messages
    without a position (60 of them) are rejects at their own line."""
    src = shared_data / "ais" / "gfw_segment" / "338013000.json"
    lines = src.read_text().splitlines()
    no_position = [i for i, line in enumerate(lines, 1) if '"lat": null' in line]
    report = ingest([src], tmp_path / "ws.duckdb")
    (got,) = report.files
    assert got.format == "json:guessed"
    assert (got.lines_read, got.positions, got.reasons) == (
        len(lines),
        len(lines) - len(no_position),
        {"no_position": len(no_position)},
    )
    read = Read(got, tmp_path / "ws.duckdb")
    assert [r["line_no"] for r in read.rows("rejects")] == no_position
    first = read.rows("positions")[0]
    assert (first["mmsi"], first["ts"], first["lat"], first["lon"]) == (
        338013000,
        datetime(2017, 7, 18, 0, 7, 20),
        pytest.approx(-14.3350553513),
        pytest.approx(-170.6182098389),
    )
    # the same records as a gzipped JSON array read alike
    packed = tmp_path / "array.json.gz"
    packed.write_bytes(gzip.compress(json.dumps([json.loads(x) for x in lines]).encode()))
    again = ingest([packed], tmp_path / "ws2.duckdb").files[0]
    assert again.format == "json:guessed+gzip" and again.positions == got.positions


def test_forced_json_on_a_csv_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    path.write_text(MC_HEADER + "\n")
    with pytest.raises(InputError, match="not JSON"):
        ingest([path], tmp_path / "ws.duckdb", input_format="json")


def test_times_the_layout_cannot_convert_are_named_as_the_cause(tmp_path: Path) -> None:
    """A MarineCadastre-headed file whose times have a space, not the T (a resampled track):
    DuckDB's reader refuses every line on the time, and the hint says so, not "delimiter"."""
    path = tmp_path / "resampled.csv"
    rows = [
        f"367000001,2020-04-30 08:1{i}:00,22.4,-159.0,13.5,130,128,,,,,,,,,,A" for i in range(3)
    ]
    path.write_text(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError, match=r"times do not parse .*2020-04-30 08:10:00") as err:
        ingest([path], tmp_path / "ws.duckdb")
    assert "delimiter" not in str(err.value)
    assert not (tmp_path / "ws.duckdb").exists()


def test_a_header_of_usual_names_with_a_bare_t_reads_and_a_missing_time_is_named(
    tmp_path: Path,
) -> None:
    """NARI's Brest dataset (movingpandas/mobiml): sourcemmsi, ..., lon, lat, t (epoch s)."""
    header = "sourcemmsi,navigationalstatus,speedoverground,courseoverground,trueheading,lon,lat"
    path = tmp_path / "nari.csv"
    path.write_text(f"{header},t\n245257000,0,0.1,13.1,36,-4.4657183,48.38249,1443650402\n")
    f = ingest([path], tmp_path / "ws.duckdb").files[0]
    assert (f.format, f.accepted) == ("csv:guessed", 1)
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as w:
        row = w.con.execute("SELECT ts, nav_status, heading FROM positions").fetchall()
    assert row == [(datetime(2015, 9, 30, 22, 0, 2), 0, 36)]
    untimed = tmp_path / "untimed.csv"
    untimed.write_text(f"{header}\n245257000,0,0.1,13.1,36,-4.4657183,48.38249\n")
    with pytest.raises(InputError, match=r"no column named as a time usually is \(found mmsi"):
        ingest([untimed], tmp_path / "ws2.duckdb")


def test_times_that_do_not_parse_are_quoted_from_the_file(tmp_path: Path) -> None:
    """AISdb's Spire export writes times as 20210701_185151: the message shows one, so the
    analyst can write its format."""
    path = tmp_path / "spire.csv"
    path.write_text(
        "MMSI,Time,Latitude,Longitude\n"
        "367000001,20210701_185151,42.2,130.3\n367000001,20210701_185251,42.2,130.3\n"
    )
    with pytest.raises(InputError, match=r"times do not parse \('20210701_185151' on line 2\)"):
        ingest([path], tmp_path / "ws.duckdb")
    given = "mmsi=MMSI,ts=Time,lat=Latitude,lon=Longitude,ts_format=%Y%m%d_%H%M%S"
    f = ingest([path], tmp_path / "ws2.duckdb", columns=given).files[0]
    assert (f.accepted, f.rejected) == (2, 0)
