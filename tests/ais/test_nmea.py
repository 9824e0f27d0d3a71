"""Behaviour of the NMEA decoder: framing, time sources, multipart, sentinels, accounting, batches."""

from __future__ import annotations

import io
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from functools import reduce
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from darkcargo.ais import nmea
from darkcargo.ais.nmea import (
    DecodedBatch,
    NmeaParams,
    decode_nmea_bytes,
    iter_nmea_batches,
    mmsi_is_valid,
)
from darkcargo.ais.schema import POSITIONS, REJECT_REASONS, REJECTS, STATICS

T_2012 = datetime(2012, 1, 1, 5, 1, 0)

# ---------------------------------------------------------------- tiny reference encoder


def _payload(fields: list[tuple[int, int]]) -> tuple[str, int]:
    """6-bit armoured payload of (value, width) fields (two's complement for negatives), padded
    to whole characters; returns (payload, fill bits)."""
    bits = "".join(format(v & ((1 << w) - 1), f"0{w}b") for v, w in fields)
    fill = -len(bits) % 6
    bits += "0" * fill
    out = []
    for i in range(0, len(bits), 6):
        v = int(bits[i : i + 6], 2)
        out.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(out), fill


def _text6(s: str, n: int) -> list[tuple[int, int]]:
    s = s.ljust(n, "@")
    return [((ord(c) - 64) if ord(c) >= 64 else ord(c), 6) for c in s]


def _sentence(
    payload: str, fill: int, count: int = 1, num: int = 1, seq: str = "", chan: str = "A"
) -> str:
    body = f"AIVDM,{count},{num},{seq},{chan},{payload},{fill}"
    cs = reduce(lambda a, c: a ^ ord(c), body, 0)
    return f"!{body}*{cs:02X}"


def _tag(body: str) -> str:
    cs = reduce(lambda a, c: a ^ ord(c), body, 0)
    return f"\\{body}*{cs:02X}\\"


def type1(
    mmsi: int = 273210440,
    lat: float = 42.25,
    lon: float = 130.3,
    sog: int = 123,
    cog: int = 2245,
    heading: int = 224,
    status: int = 0,
    raw_lat: int | None = None,
    raw_lon: int | None = None,
) -> str:
    la = round(lat * 600000) if raw_lat is None else raw_lat
    lo = round(lon * 600000) if raw_lon is None else raw_lon
    p, fill = _payload(
        [(1, 6), (0, 2), (mmsi, 30), (status, 4), (-128, 8), (sog, 10), (0, 1), (lo, 28),
         (la, 27), (cog, 12), (heading, 9), (10, 6), (0, 2), (0, 3), (0, 1), (0, 19)]
    )  # fmt: skip
    return _sentence(p, fill)


def type5_parts(mmsi: int = 273210440, seq: str = "3", chan: str = "B") -> list[str]:
    p, fill = _payload(
        [(5, 6), (0, 2), (mmsi, 30), (0, 2), (9179842, 30), *_text6("UBYT2", 7),
         *_text6("ANGARA", 20), (70, 8), (100, 9), (20, 9), (8, 6), (9, 6), (1, 4),
         (3, 4), (14, 5), (12, 5), (30, 6), (65, 8), *_text6("VOSTOCHNY", 20), (0, 1), (0, 1)]
    )  # fmt: skip
    assert fill == 2
    return [
        _sentence(p[:60], 0, 2, 1, seq, chan),
        _sentence(p[60:], fill, 2, 2, seq, chan),
    ]


def _decode(*lines: str, **kw) -> DecodedBatch:
    return decode_nmea_bytes(("\n".join(lines) + "\n").encode(), **kw)


def _reasons(b: DecodedBatch) -> dict[int, str]:
    return dict(
        zip(
            b.rejects.column("line_no").to_pylist(),
            b.rejects.column("reason").to_pylist(),
            strict=True,
        )
    )


# ---------------------------------------------------------------- framing and checksums


def test_schemas_are_exactly_the_canonical_ones() -> None:
    b = _decode(type1(), default_time=T_2012)
    assert b.positions.schema == POSITIONS
    assert b.statics.schema == STATICS
    assert b.rejects.schema == REJECTS


def test_single_type1_decodes_every_field() -> None:
    b = _decode(_tag("s:rBENCH,c:1325394060") + type1(sog=123, cog=2245, heading=224, status=5))
    (r,) = b.positions.to_pylist()
    assert r == {
        "mmsi": 273210440, "ts": T_2012, "lat": pytest.approx(42.25),
        "lon": pytest.approx(130.3), "sog": pytest.approx(12.3), "cog": pytest.approx(224.5),
        "heading": 224, "nav_status": 5, "msg_type": 1, "mmsi_valid": True, "source_id": 0,
        "row_id": 1,
    }  # fmt: skip


def test_bad_checksum_is_rejected_and_missing_checksum_is_unparseable() -> None:
    good = type1()
    bad = good[:-2] + ("00" if good[-2:] != "00" else "11")
    no_cs = good[:-3]
    b = _decode(good, bad, no_cs, default_time=T_2012)
    assert b.positions.num_rows == 1
    assert _reasons(b) == {2: "bad_checksum", 3: "unparseable"}


def test_bad_tag_block_checksum_rejects_the_line_and_unclosed_tag_block_is_unparseable() -> None:
    b = _decode("\\c:1325394060*00\\" + type1(), _tag("c:1325394060") + type1(), "\\c:1325394060*")
    assert _reasons(b) == {1: "bad_checksum", 3: "unparseable"}
    assert b.positions.column("row_id").to_pylist() == [2]


def test_junk_and_other_nmea_are_unparseable_comments_are_comments_blank_lines_not_counted() -> (
    None
):
    gga = "$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D"
    b = _decode("# comment", "", "   ", "foobar", gga, "!AIALR,1,2,3*4B", default_time=T_2012)
    assert b.lines_read == 4
    assert _reasons(b) == {1: "comment", 4: "unparseable", 5: "unparseable", 6: "unparseable"}


def test_fill_bits_payload_and_empty_checks() -> None:
    p = type1()
    payload = p.split(",")[5]
    lines = [
        _sentence(payload, 6),
        _sentence(payload[:30], 2, 2, 1, "1"),
        _sentence("", 0),
        _sentence(payload[:-1] + "~", 0),
        _sentence(payload[:10], 0),
    ]
    b = _decode(*lines, default_time=T_2012)
    assert _reasons(b) == {
        1: "bad_fill_bits", 2: "bad_fill_bits", 3: "empty_payload", 4: "bad_payload", 5: "truncated",
    }  # fmt: skip


def test_crlf_trailing_spaces_and_any_talker() -> None:
    s = type1().replace("!AIVDM", "!BSVDM")
    s = s[:-2] + f"{reduce(lambda a, c: a ^ ord(c), s[1:-3], 0):02X}"
    fixed = type1().replace("AIVDM", "AIVDO")
    fixed = fixed[:-2] + f"{reduce(lambda a, c: a ^ ord(c), fixed[1:-3], 0):02X}"
    data = (s + "   \r\n" + fixed + "\r\n").encode()
    b = decode_nmea_bytes(data, default_time=T_2012)
    assert b.positions.num_rows == 2
    assert b.lines_read == 2


def test_sentences_sharing_a_line_are_each_decoded_with_the_line_number() -> None:
    # a logger that lost its line ends writes sentences one after another on one line
    p1, p2 = type5_parts()
    bad = type1(mmsi=273000003)[:-2] + "00"
    b = _decode(
        type1(mmsi=273000001) + type1(mmsi=273000002, lat=43.0),
        p1 + p2,  # both parts of a multipart message on one line
        _tag("c:1325394060") + type1(mmsi=273000004) + _tag("c:1325394061") + type1(mmsi=273000005),
        "1325394062 " + type1(mmsi=273000006) + " " + type1(mmsi=273000007),
        type1(mmsi=273000008) + "," + bad,  # a trailer-like comma, then a broken sentence
        default_time=T_2012 - timedelta(hours=1),
    )
    rows = [(r["mmsi"], r["row_id"], r["ts"]) for r in b.positions.to_pylist()]
    early = T_2012 - timedelta(hours=1)
    assert rows == [
        (273000001, 1, early),
        (273000002, 1, early),
        (273000004, 3, T_2012),
        (273000005, 3, T_2012 + timedelta(seconds=1)),
        (273000006, 4, T_2012 + timedelta(seconds=2)),  # the line's leading time, for both
        (273000007, 4, T_2012 + timedelta(seconds=2)),
        (273000008, 5, early),
    ]
    assert b.positions.column("lat").to_pylist()[:2] == [42.25, 43.0]
    assert [(r["name"], r["row_id"]) for r in b.statics.to_pylist()] == [("ANGARA", 2)]
    assert _reasons(b) == {5: "bad_checksum"}
    assert b.rejects.column("raw").to_pylist() == [bad]  # the broken sentence alone
    assert (b.lines_read, b.lines_accepted) == (10, 9)  # one per sentence


def test_a_multipart_message_with_tag_blocks_on_one_line() -> None:
    # MarineTraffic's feed as Global Fishing Watch's ais-tools keeps it (sample/bad-type5.nmea)
    p1, p2 = type5_parts()
    line = _tag("s:rMT2083,c:1325394061") + p1 + _tag("s:rMT2083,c:1325394060") + p2
    b = _decode(line)
    assert [(r["name"], r["row_id"], r["ts"]) for r in b.statics.to_pylist()] == [
        ("ANGARA", 1, T_2012 + timedelta(seconds=1))  # the first part's time
    ]
    assert (b.lines_read, b.lines_accepted) == (2, 2)


def test_text_after_a_checksum_that_starts_no_sentence_stays_with_it() -> None:
    # GPSD's sample ends some lines with a literal "\x0d\x0a"; USCG trailers hold "!"-less fields
    b = _decode(
        type1() + "\\x0d\\x0a",
        type1() + ",s28145,d-104,T12.345,x5,r003669946,1325394060,1350000000",
        type1() + "!1234,",  # no talker: not a sentence
        default_time=T_2012,
    )
    assert b.positions.column("row_id").to_pylist() == [1, 2, 3]
    assert (b.lines_read, b.rejects.num_rows) == (3, 0)


def test_a_line_of_more_sentences_than_the_spare_rows_is_rejected_whole_not_cut() -> None:
    empty = "!AIVDM,1,1,,B,,0*25"  # 19 bytes: far shorter than any position report
    line = empty * 100
    b = _decode(line, type1(), default_time=T_2012)
    spare = (len(line) + 1 + len(type1()) + 1) // nmea.SPARE_ROW_BYTES + 16
    assert spare < 99
    assert Counter(b.rejects.column("reason").to_pylist()) == {
        "empty_payload": spare,  # the sentences split off until the spare rows ran out
        "unparseable": 1,
    }
    rest = [r["raw"] for r in b.rejects.to_pylist() if r["reason"] == "unparseable"]
    assert rest == [empty * (100 - spare)]  # the rest of the line
    assert b.positions.column("row_id").to_pylist() == [2]


# ---------------------------------------------------------------- time sources


def test_tag_block_time_in_seconds_and_milliseconds() -> None:
    b = _decode(_tag("c:1325394060") + type1(), _tag("s:x,c:1325394060500") + type1())
    assert b.positions.column("ts").to_pylist() == [T_2012, T_2012 + timedelta(milliseconds=500)]


def test_absurd_epoch_values_are_no_time() -> None:
    b = _decode(_tag("c:9999999999999999") + type1(), type1() + ",r1,99999999999999999")
    assert _reasons(b) == {1: "no_time", 2: "no_time"}


def test_uscg_trailer_time_after_the_checksum() -> None:
    line = type1() + ",d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001"
    b = _decode(line, type1() + ",b003669794,1325394061")
    assert b.positions.column("ts").to_pylist() == [T_2012, T_2012 + timedelta(seconds=1)]


def test_leading_timestamps_epoch_and_iso() -> None:
    b = _decode(
        "1325394060 " + type1(),
        "2012-01-01T05:01:02.5Z;" + type1(),
        "2012-01-01 07:01:03+02:00 " + type1(),
        "[1325394064.25] " + _tag("s:r1") + type1(),
        "notatime " + type1(),
    )
    assert b.positions.column("ts").to_pylist() == [
        T_2012,
        T_2012 + timedelta(seconds=2.5),
        T_2012 + timedelta(seconds=3),
        T_2012 + timedelta(seconds=4.25),
    ]
    assert _reasons(b) == {5: "no_time"}


def test_pghp_line_times_only_the_next_sentence_and_counts_as_accepted(shared_data: Path) -> None:
    b = decode_nmea_bytes((shared_data / "ais/pyais/gatehouse.nmea").read_bytes())
    assert b.positions.to_pylist()[0]["ts"] == datetime(2008, 5, 9, 0, 0, 0, 10_000)
    assert b.positions.column("row_id").to_pylist() == [2]
    reasons = _reasons(b)
    assert reasons[6] == "no_time"  # the PGHP on line 1 was used by line 2
    assert reasons[7] == "bad_checksum"  # "$PGHP,1,2009,...*17" should be *16
    assert b.lines_accepted == 4  # three valid $PGHP lines + one position


def _dollar(body: str) -> str:
    cs = reduce(lambda a, c: a ^ ord(c), body, 0)
    return f"${body}*{cs:02X}"


def test_the_receivers_gps_clock_times_the_sentences_after_it() -> None:
    # an onboard log (GPSD's test logs): AIS sentences between the GPS's own sentences
    rmc = _dollar("GPRMC,050100.50,A,5241.99815,N,00517.56525,E,0.005,,010112,,,A")
    no_fix = _dollar("GPRMC,050200.00,V,,,,,,,010112,,,N")
    zda = _dollar("GPZDA,050300,01,01,2012,00,00")
    b = _decode(
        type1(mmsi=273000001),  # before any clock: no time
        rmc,
        type1(mmsi=273000002),
        _tag("c:1325394000") + type1(mmsi=273000003),  # its own time first
        no_fix,  # no valid fix: the clock may be unset, so it sets nothing
        type1(mmsi=273000004),
        zda,
        type1(mmsi=273000005),
        _dollar("GPGGA,050400.00,5241.99815,N,00517.56525,E,1,09,1.03,-6.0,M,45.8,M,,"),
    )
    got = [(r["mmsi"], r["ts"]) for r in b.positions.to_pylist()]
    assert got == [
        (273000002, T_2012 + timedelta(seconds=0.5)),
        (273000003, T_2012 - timedelta(seconds=60)),
        (273000004, T_2012 + timedelta(seconds=0.5)),
        (273000005, T_2012 + timedelta(seconds=120)),
    ]
    assert _reasons(b) == {1: "no_time", 5: "unparseable", 9: "unparseable"}
    assert b.lines_accepted == 6  # four positions and the two clock lines that timed them


def test_a_clock_too_many_lines_back_times_nothing() -> None:
    rmc = _dollar("GPRMC,050100,A,5241.99815,N,00517.56525,E,0.005,,010112,,,A")
    lines = [rmc, *(["# note"] * 5), type1()]
    tight = NmeaParams(clock_window_lines=5)
    assert _reasons(_decode(*lines, params=tight))[7] == "no_time"
    b = _decode(*lines, params=NmeaParams(clock_window_lines=6))
    assert b.positions.column("ts").to_pylist() == [T_2012]
    # the clock carries across batches
    data = ("\n".join(lines) + "\n").encode()
    batches = list(iter_nmea_batches(io.BytesIO(data), source_id=1, batch_bytes=len(rmc) + 2))
    assert len(batches) > 1
    assert _concat(batches).positions.column("ts").to_pylist() == [T_2012]


def test_tag_block_group_shares_the_time_of_its_first_sentence() -> None:
    p1, p2 = type5_parts()
    b = _decode(_tag("g:1-2-77,c:1325394060") + p1, _tag("g:2-2-77") + p2)
    assert b.statics.column("ts").to_pylist() == [T_2012]
    assert b.lines_accepted == 2


def test_no_time_rejects_unless_default_time_and_type4_uses_its_own_utc() -> None:
    b = _decode(type1(), *type5_parts())
    assert _reasons(b) == {1: "no_time", 2: "no_time", 3: "no_time"}
    aware = datetime(2020, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    b = _decode(type1(), *type5_parts(), default_time=aware)
    assert b.positions.column("ts").to_pylist() == [datetime(2020, 1, 1)]
    assert b.statics.column("ts").to_pylist() == [datetime(2020, 1, 1)]
    base = "!AIVDM,1,1,,A,403OviQuMGCqWrRO9>E6fE700@GO,0*4D"  # GPSD sample: 2007-05-14T19:57:39Z
    b = _decode(base, default_time=datetime(2020, 1, 1, tzinfo=UTC))
    assert b.positions.column("ts").to_pylist() == [datetime(2007, 5, 14, 19, 57, 39)]


# ---------------------------------------------------------------- multipart


def test_type5_two_parts_decode_units_and_strings() -> None:
    b = _decode(*type5_parts(), default_time=T_2012)
    (r,) = b.statics.to_pylist()
    assert r == {
        "mmsi": 273210440, "ts": T_2012, "imo": 9179842, "callsign": "UBYT2", "name": "ANGARA",
        "ship_type": 70, "length_m": 120.0, "beam_m": 17.0, "draught_m": pytest.approx(6.5),
        "destination": "VOSTOCHNY", "msg_type": 5, "mmsi_valid": True, "source_id": 0, "row_id": 1,
    }  # fmt: skip
    assert b.lines_accepted == 2


def test_interleaved_multipart_groups_reassemble_by_channel_and_sequence() -> None:
    a1, a2 = type5_parts(mmsi=273000001, seq="1", chan="A")
    b1, b2 = type5_parts(mmsi=273000002, seq="2", chan="A")
    c1, c2 = type5_parts(mmsi=273000003, seq="1", chan="B")
    b = _decode(a1, b1, type1(), c1, b2, a2, "# junk", c2, default_time=T_2012)
    rows = {r["row_id"]: r["mmsi"] for r in b.statics.to_pylist()}
    assert rows == {1: 273000001, 2: 273000002, 4: 273000003}
    assert b.lines_accepted == 7
    assert _reasons(b) == {7: "comment"}


def test_broken_groups_are_orphans() -> None:
    a1, a2 = type5_parts(seq="1")
    b = _decode(a2, a1, a1, a2, a1, default_time=T_2012)
    # line 1: part 2 without part 1; line 2: replaced by a new part 1 on line 3; line 5 never ends
    assert _reasons(b) == {1: "orphan_part", 2: "orphan_part", 5: "orphan_part"}
    assert b.statics.column("row_id").to_pylist() == [3]


def test_part_too_far_from_its_first_part_is_orphaned() -> None:
    a1, a2 = type5_parts(seq="1")
    b = _decode(a1, *["# x"] * 5, a2, default_time=T_2012, params=NmeaParams(window_lines=3))
    assert Counter(_reasons(b).values()) == {"comment": 5, "orphan_part": 2}


def test_rejected_multipart_rejects_every_line() -> None:
    b = _decode(*type5_parts())  # no time
    assert _reasons(b) == {1: "no_time", 2: "no_time"}


# ---------------------------------------------------------------- values


def test_a_dollar_start_character_is_read_like_a_bang() -> None:
    """Some receivers write "$AIVDM" (pyais reads it too); the checksum is the same."""
    line = type1()
    assert line.startswith("!AIVDM")
    b = _decode("$" + line[1:], default_time=T_2012)
    assert (b.positions.num_rows, b.lines_accepted) == (1, 1)


def test_sentinels_become_nulls() -> None:
    line = type1(sog=1023, cog=3600, heading=511, status=15)
    (r,) = _decode(line, default_time=T_2012).positions.to_pylist()
    assert (r["sog"], r["cog"], r["heading"], r["nav_status"]) == (None,) * 4


def test_a_position_report_without_a_position_is_rejected_not_stored() -> None:
    """lat 91 / lon 181 ("not available"): never a position row (as `ingest --help` says);
    the message is kept in rejects as no_position, every line accounted for."""
    b = _decode(
        type1(raw_lat=91 * 600000, raw_lon=181 * 600000),
        type1(raw_lat=91 * 600000),
        type1(),
        default_time=T_2012,
    )
    assert b.positions.num_rows == 1 and b.lines_read == 3 and b.lines_accepted == 1
    assert _reasons(b) == {1: "no_position", 2: "no_position"}


def test_invalid_cog_and_heading_become_null_and_impossible_positions_are_out_of_range() -> None:
    b = _decode(type1(cog=3700, heading=400), type1(raw_lat=95 * 600000), default_time=T_2012)
    r = b.positions.to_pylist()[0]
    assert (r["cog"], r["heading"]) == (None, None)
    assert _reasons(b) == {2: "out_of_range"}


def test_mmsi_kept_as_given_and_flagged_when_not_nine_digits() -> None:
    b = _decode(type1(mmsi=2470052), type1(mmsi=273210440), default_time=T_2012)
    assert b.positions.column("mmsi").to_pylist() == [2470052, 273210440]
    assert b.positions.column("mmsi_valid").to_pylist() == [False, True]
    assert mmsi_is_valid(np.array([99999999, 100000000, 999999999, 1000000000])).tolist() == [
        False, True, True, False,
    ]  # fmt: skip


def test_type27_units_and_sentinels() -> None:
    p, fill = _payload(
        [(27, 6), (0, 2), (273210440, 30), (1, 1), (0, 1), (3, 4), (round(130.3 * 600), 18),
         (round(42.25 * 600), 17), (12, 6), (90, 9), (0, 1), (0, 1)]
    )  # fmt: skip
    q, fill2 = _payload(
        [(27, 6), (0, 2), (273210440, 30), (1, 1), (0, 1), (15, 4), (181 * 600, 18),
         (91 * 600, 17), (63, 6), (511, 9), (0, 1), (0, 1)]
    )  # fmt: skip
    b = _decode(_sentence(p, fill), _sentence(q, fill2), default_time=T_2012)
    (r,) = b.positions.to_pylist()
    assert (r["lat"], r["lon"], r["sog"], r["cog"], r["nav_status"]) == (
        42.25,
        130.3,
        12.0,
        90.0,
        3,
    )
    assert _reasons(b) == {2: "no_position"}  # every sentinel, the position too


def test_type24_part_b_of_an_auxiliary_craft_has_no_dimensions() -> None:
    def part_b(mmsi: int) -> str:
        p, fill = _payload(
            [(24, 6), (0, 2), (mmsi, 30), (1, 2), (52, 8), *_text6("ABC", 7), *_text6("TUG1", 7),
             (10, 9), (12, 9), (3, 6), (4, 6), (0, 6)]
        )  # fmt: skip
        return _sentence(p, fill)

    b = _decode(part_b(273210440), part_b(982731234), default_time=T_2012)
    rows = b.statics.to_pylist()
    assert [(r["callsign"], r["ship_type"], r["length_m"], r["beam_m"]) for r in rows] == [
        ("TUG1", 52, 22.0, 7.0),
        ("TUG1", 52, None, None),
    ]


def test_type24_parts_2_and_3_and_other_types_are_unsupported() -> None:
    p, fill = _payload([(24, 6), (0, 2), (273210440, 30), (2, 2), (0, 130)])
    b = _decode(_sentence(p, fill), "!AIVDM,1,1,,A,702R5`hwCjq8,0*6B", default_time=T_2012)
    assert _reasons(b) == {1: "unsupported_type", 2: "unsupported_type"}


# ---------------------------------------------------------------- accounting and batches

# Per file, no default time: lines read, accepted, positions, statics, rejects by reason.
FILE_ACCOUNTING = [
    ("gpsd/sample.aivdm", 1120, 1, 1, 0, {"comment": 1001, "no_time": 31, "out_of_range": 1, "unparseable": 1, "unsupported_type": 85}),
    ("libais/typeexamples.nmea", 26, 6, 4, 3, {"no_position": 1, "out_of_range": 2, "unsupported_type": 17}),
    ("libais/test.aivdm", 310, 54, 40, 24, {"comment": 47, "out_of_range": 6, "truncated": 7, "unsupported_type": 196}),
    ("libais/tagblock.nmea", 5, 5, 3, 1, {}),
    ("pyais/nmea_data_sample.txt", 898, 6, 6, 0, {"empty_payload": 100, "no_time": 764, "orphan_part": 20, "unsupported_type": 8}),
    ("pyais/mixed.txt", 28, 4, 1, 1, {"bad_checksum": 4, "comment": 5, "no_time": 9, "unparseable": 6}),
    ("pyais/timestamped.ais", 9, 4, 1, 0, {"bad_checksum": 1, "comment": 1, "no_time": 3}),
    ("pyais/messages.ais", 8, 0, 0, 0, {"comment": 2, "no_time": 6}),
    ("pyais/gatehouse.nmea", 9, 4, 1, 0, {"bad_checksum": 1, "comment": 1, "no_time": 3}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "read", "accepted", "n_pos", "n_sta", "reasons"), FILE_ACCOUNTING)
def test_every_line_of_every_sample_file_is_accounted_for(
    shared_data: Path, name: str, read: int, accepted: int, n_pos: int, n_sta: int, reasons: dict
) -> None:
    data = (shared_data / "ais" / name).read_bytes()
    b = decode_nmea_bytes(data, source_id=7)
    non_blank = sum(1 for line in data.split(b"\n") if line.strip())
    assert b.lines_read == read == non_blank
    assert b.lines_accepted == accepted
    assert b.lines_accepted + b.rejects.num_rows == b.lines_read
    assert (b.positions.num_rows, b.statics.num_rows) == (n_pos, n_sta)
    assert dict(Counter(b.rejects.column("reason").to_pylist())) == reasons
    assert set(b.rejects.column("reason").to_pylist()) <= set(REJECT_REASONS)
    assert set(b.rejects.column("source_id").to_pylist()) <= {7}
    # a rejected line's raw text is the line itself
    lines = data.split(b"\n")
    for r in b.rejects.to_pylist()[:50]:
        assert r["raw"] == lines[r["line_no"] - 1].decode().strip()


def test_every_sample_file_is_fully_accepted_or_explained_with_a_default_time(
    shared_data: Path,
) -> None:
    for name, read, *_ in FILE_ACCOUNTING:
        b = decode_nmea_bytes((shared_data / "ais" / name).read_bytes(), default_time=T_2012)
        assert b.lines_read == read
        assert "no_time" not in b.rejects.column("reason").to_pylist()


def _concat(batches: list[DecodedBatch]) -> DecodedBatch:
    return DecodedBatch(
        positions=pa.concat_tables([b.positions for b in batches]),
        statics=pa.concat_tables([b.statics for b in batches]),
        rejects=pa.concat_tables([b.rejects for b in batches]).sort_by("line_no"),
        lines_read=sum(b.lines_read for b in batches),
        lines_accepted=sum(b.lines_accepted for b in batches),
    )


@pytest.mark.parametrize("batch_bytes", [1, 7, 64, 200, 4096])
def test_small_batches_give_the_same_output_as_one_batch(
    shared_data: Path, batch_bytes: int
) -> None:
    for name in (
        "gpsd/sample.aivdm",
        "libais/tagblock.nmea",
        "pyais/mixed.txt",
        "pyais/gatehouse.nmea",
    ):
        data = (shared_data / "ais" / name).read_bytes()
        whole = decode_nmea_bytes(data, source_id=3, default_time=T_2012)
        batches = list(
            iter_nmea_batches(
                io.BytesIO(data), source_id=3, default_time=T_2012, batch_bytes=batch_bytes
            )
        )
        for b in batches:
            assert b.lines_accepted + b.rejects.num_rows == b.lines_read
        joined = _concat(batches)
        assert joined.positions.equals(whole.positions), name
        assert joined.statics.equals(whole.statics), name
        assert joined.rejects.equals(whole.rejects.sort_by("line_no")), name
        assert (joined.lines_read, joined.lines_accepted) == (
            whole.lines_read,
            whole.lines_accepted,
        )


def test_first_batches_are_small_and_double_up_to_the_batch_size(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer starts on a small first batch; the rest grow to batch_bytes, and the output
    is the same as one batch's."""
    monkeypatch.setattr(nmea, "FIRST_BATCH_BYTES", 256)
    data = (shared_data / "ais" / "gpsd" / "sample.aivdm").read_bytes()
    batches = list(
        iter_nmea_batches(io.BytesIO(data), source_id=3, default_time=T_2012, batch_bytes=4096)
    )
    read = [b.lines_read for b in batches]
    # 256 bytes (a few lines), then 512, 1024, 2048, then 4096 (about a hundred lines)
    assert read[0] <= 10 and all(a < b for a, b in itertools.pairwise(read[:5])), read
    assert sum(read[5:]) / len(read[5:]) >= 8 * read[0], read
    whole = decode_nmea_bytes(data, source_id=3, default_time=T_2012)
    joined = _concat(batches)
    assert joined.positions.equals(whole.positions)
    assert joined.statics.equals(whole.statics)
    assert joined.lines_read == whole.lines_read == sum(read)


def test_multipart_straddling_a_batch_boundary_keeps_line_numbers_and_time() -> None:
    p1, p2 = type5_parts()
    lines = [
        _tag("c:1325394060") + type1(),
        "$PGHP,1,2012,1,1,5,1,0,0,338,2,,1,09*1D",
        p1,
        "# gap",
        p2,
    ]
    cs = reduce(lambda a, c: a ^ ord(c), lines[1][1:-3], 0)
    lines[1] = lines[1][:-2] + f"{cs:02X}"
    data = ("\n".join(lines) + "\n").encode()
    cut = len(lines[0]) + len(lines[1]) + len(lines[2]) + 3  # first batch ends right after p1
    batches = list(iter_nmea_batches(io.BytesIO(data), source_id=1, batch_bytes=cut))
    assert len(batches) >= 2
    assert batches[0].statics.num_rows == 0
    assert batches[0].lines_read == 2  # the carried fragment is counted where it resolves
    joined = _concat(batches)
    assert joined.statics.to_pylist()[0]["row_id"] == 3
    assert joined.statics.to_pylist()[0]["ts"] == T_2012  # time from the $PGHP before part 1
    assert (joined.lines_read, joined.lines_accepted) == (5, 4)
    assert _reasons(joined) == {4: "comment"}


def test_unfinished_group_at_end_of_stream_is_an_orphan() -> None:
    p1, _ = type5_parts()
    batches = list(
        iter_nmea_batches(
            io.BytesIO((type1() + "\n" + p1 + "\n").encode()),
            source_id=1,
            default_time=T_2012,
            batch_bytes=10,
        )
    )
    joined = _concat(batches)
    assert _reasons(joined) == {2: "orphan_part"}
    assert joined.lines_read == 2


def test_line_longer_than_a_batch_and_missing_final_newline() -> None:
    long_junk = "x" * 5000
    data = (long_junk + "\n" + type1()).encode()
    batches = list(
        iter_nmea_batches(io.BytesIO(data), source_id=1, default_time=T_2012, batch_bytes=100)
    )
    joined = _concat(batches)
    assert joined.positions.column("row_id").to_pylist() == [2]
    assert _reasons(joined) == {1: "unparseable"}
    assert len(joined.rejects.column("raw")[0].as_py()) == NmeaParams().max_raw_chars


@pytest.mark.parametrize("batch_bytes", [100, 1500, 10_000])
def test_over_long_line_is_counted_once_and_skipped(batch_bytes: int) -> None:
    params = NmeaParams(max_line_bytes=1000)
    data = ("y" * 3000 + "\n" + type1() + "\n" + "z" * 2500).encode()
    batches = list(
        iter_nmea_batches(
            io.BytesIO(data),
            source_id=1,
            default_time=T_2012,
            batch_bytes=batch_bytes,
            params=params,
        )
    )
    joined = _concat(batches)
    assert joined.positions.column("row_id").to_pylist() == [2]
    assert _reasons(joined) == {1: "unparseable", 3: "unparseable"}
    assert joined.lines_read == 3


class _Trickle:
    """A stream with only read(), returning at most 5 bytes per call (pipes, sockets)."""

    def __init__(self, data: bytes) -> None:
        self.buf = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self.buf.read(min(n, 5) if n >= 0 else 5)


def test_streams_with_short_reads_and_no_readinto(shared_data: Path) -> None:
    data = (shared_data / "ais/libais/tagblock.nmea").read_bytes()
    whole = decode_nmea_bytes(data, source_id=1)
    joined = _concat(list(iter_nmea_batches(_Trickle(data), source_id=1, batch_bytes=64)))  # type: ignore[arg-type]
    assert joined.positions.equals(whole.positions)
    assert joined.statics.equals(whole.statics)


def test_empty_stream_yields_nothing() -> None:
    assert list(iter_nmea_batches(io.BytesIO(b""), source_id=1)) == []
    b = decode_nmea_bytes(b"\n\n  \n")
    assert (b.lines_read, b.lines_accepted, b.positions.num_rows) == (0, 0, 0)


@pytest.mark.parametrize("batch_bytes", [64, 4096])
def test_lines_ended_by_carriage_returns_alone_are_lines(batch_bytes: int) -> None:
    """A log with old Mac line ends ("\r" only) reads line by line, not as one long line."""
    lines = [type1(mmsi=273210440 + k) for k in range(5)]
    data = ("\r".join(lines) + "\r").encode()
    batches = list(
        iter_nmea_batches(
            io.BytesIO(data), source_id=1, default_time=T_2012, batch_bytes=batch_bytes
        )
    )
    assert sum(b.lines_read for b in batches) == 5
    assert sum(b.positions.num_rows for b in batches) == 5
