"""Property tests: mutated valid sentences (lines joined too) and random bytes never raise, and
every line is counted."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkcargo.ais.nmea import DecodedBatch, decode_nmea_bytes, iter_nmea_batches

T = datetime(2012, 1, 1)

# Real sentences covering tag blocks, trailers, multipart, PGHP and most message types.
SEED_LINES = [
    b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
    b"!AIVDM,1,1,,A,403OviQuMGCqWrRO9>E6fE700@GO,0*4D",
    b"!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    b"!AIVDM,2,2,1,A,88888888880,2*25",
    b"!AIVDM,1,1,,B,B5MiOp0006g4up6:EV403wr5oP06,0*38,d-114,S1967,t050352.00,T52.45865697,r003669946,1325394236,1325394177",
    b"!AIVDM,1,1,,B,H5MiOp1:uJ0MDhJ0<P4hhDpLE80,2*33,d-113,S1587,t051142.00,T42.32529813,r003669946,1325394703,1325394645",
    b"!AIVDM,1,1,5,B,E<eNSpRtjkGoqmIsgm`>ekv92?KN9R<Man9UV;cwLhuFLh,4*62",
    b"!AIVDM,1,1,,A,KCQ9r=hrFUnH7P00,0*41",
    b"!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D",
    b"!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40",
    b"!AIVDM,1,1,,B,C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220,0*0B",
    b"\\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63",
    b"\\g:2-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*34\\!AIVDM,2,2,6,A,00000000008,2*2A",
    b"\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78",
    b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17",
    b"$GPRMC,194907.00,A,5241.99815,N,00517.56525,E,0.005,,010809,,,A*7B",
    b"$GPZDA,130711,01,06,2011,01,00*49",
    b"2012-01-01T05:01:02Z !AIVDM,1,1,,A,16:=?;0P00`SstvFnFbeGH6L088h,0*44",
    b"# comment",
    b"",
]

_ALPHABET = b"!$\\*,0123456789ABCDEFabcdef:-.@`w \t\r"


def _lines(data: bytes) -> bytes:
    """The bytes as the decoder splits them: a file of carriage returns and no newline in its
    first 64 KiB has lines ended by "\r" alone."""
    head = data[: 1 << 16]
    return data.replace(b"\r", b"\n") if b"\r" in head and b"\n" not in head else data


def _non_blank(data: bytes) -> int:
    """Lines holding any byte above space (the decoder's notion of a non-blank line)."""
    return sum(1 for line in _lines(data).split(b"\n") if any(c > 32 for c in line))


# Where a sentence or a tag block may begin.
_STARTS = re.compile(rb"[!$][A-Z][A-Z0-9]{3,4},|\\[a-z]:")


def _check(data: bytes, batch: DecodedBatch) -> None:
    data = _lines(data)
    lines = data.split(b"\n")
    # a line holding several sentences counts (and is accepted or rejected) once per sentence;
    # any after the first begins as a sentence or a tag block does
    starts = [len(_STARTS.findall(line, 1)) for line in lines]
    assert _non_blank(data) <= batch.lines_read <= _non_blank(data) + sum(starts)
    assert batch.lines_accepted + batch.rejects.num_rows == batch.lines_read
    line_nos = batch.rejects.column("line_no").to_pylist()
    assert all(1 <= n <= len(lines) for n in line_nos)
    single = {i + 1 for i, k in enumerate(starts) if k == 0}  # lines of one sentence at most
    once = [n for n in line_nos if n in single]
    assert len(set(once)) == len(once)  # such a line is rejected at most once
    rejected = set(once)
    assert not rejected & set(batch.positions.column("row_id").to_pylist())
    assert not rejected & set(batch.statics.column("row_id").to_pylist())


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=25))
    lines = list(lines)
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        line = bytearray(lines[i])
        op = draw(
            st.sampled_from(
                ["replace", "delete", "insert", "truncate", "duplicate", "swap", "join"]
            )
        )
        pos = draw(st.integers(0, max(len(line) - 1, 0)))
        if op == "replace" and line:
            line[pos] = draw(st.sampled_from(_ALPHABET + bytes(range(0, 256, 7))))
        elif op == "delete" and line:
            del line[pos]
        elif op == "insert":
            line.insert(pos, draw(st.sampled_from(_ALPHABET)))
        elif op == "truncate":
            del line[pos:]
        elif op == "duplicate":
            lines.insert(i, bytes(line))
        elif op == "join" and i + 1 < len(lines):  # a logger that lost a line end
            lines[i : i + 2] = [bytes(line) + lines[i + 1]]
            continue
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            continue
        lines[i] = bytes(line)
    sep = draw(st.sampled_from([b"\n", b"\r\n"]))
    return sep.join(lines) + draw(st.sampled_from([b"", sep]))


def _joined(batches: list[DecodedBatch]) -> tuple[pa.Table, pa.Table, pa.Table, int, int]:
    return (
        pa.concat_tables([b.positions for b in batches]),
        pa.concat_tables([b.statics for b in batches]),
        pa.concat_tables([b.rejects for b in batches]).sort_by("line_no"),
        sum(b.lines_read for b in batches),
        sum(b.lines_accepted for b in batches),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_files(), default=st.booleans())
def test_mutated_valid_lines_never_raise_and_are_all_counted(data: bytes, default: bool) -> None:
    _check(data, decode_nmea_bytes(data, default_time=T if default else None))


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600))
def test_random_bytes_never_raise_and_are_all_counted(data: bytes) -> None:
    _check(data, decode_nmea_bytes(data, default_time=T))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_files(), batch_bytes=st.integers(1, 400))
def test_any_batch_size_gives_the_same_result(data: bytes, batch_bytes: int) -> None:
    whole = decode_nmea_bytes(data, default_time=T)
    batches = list(
        iter_nmea_batches(io.BytesIO(data), source_id=0, default_time=T, batch_bytes=batch_bytes)
    )
    for b in batches:
        assert b.lines_accepted + b.rejects.num_rows == b.lines_read
    pos, sta, rej, read, acc = _joined(batches) if batches else (None, None, None, 0, 0)
    assert (read, acc) == (whole.lines_read, whole.lines_accepted)
    if batches:
        assert pos.equals(whole.positions)
        assert sta.equals(whole.statics)
        assert rej.equals(whole.rejects.sort_by("line_no"))
