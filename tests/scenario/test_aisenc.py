"""The vectorised AIS encoder: payloads decode with pyais to the values put in."""

from __future__ import annotations

import numpy as np
import pyais
import pytest

from darkcargo.scenario import aisenc

STATION = np.frombuffer(b"RUVVO1", dtype=np.uint8).reshape(1, 6)


def _lines(payload: np.ndarray, fill: int, ts: int = 1690848000) -> list[bytes]:
    n = len(payload)
    block = aisenc.lines(
        payload,
        fill,
        np.repeat(STATION, n, axis=0),
        np.full(n, ts),
        np.full(n, ord("A"), dtype=np.uint8),
        np.arange(n) % 10,
    )
    return block.tobytes().splitlines()


def _checksum_ok(sentence: bytes) -> bool:
    body, _, cs = sentence.rpartition(b"*")
    x = 0
    for c in body[1:]:
        x ^= c
    return f"{x:02X}".encode() == cs


def test_class_a_positions_decode_to_the_values_encoded() -> None:
    rng = np.random.default_rng(1)
    n = 300
    lat = rng.uniform(-89, 89, n)
    lon = rng.uniform(-179, 179, n)
    sog10 = rng.integers(0, 1023, n)
    cog10 = rng.integers(0, 3600, n)
    heading = rng.integers(0, 360, n)
    mmsi = rng.integers(200_000_000, 776_000_000, n)
    mtype = rng.choice([1, 2, 3], n)
    payloads = []
    for t in (1, 2, 3):
        sel = mtype == t
        p, fill = aisenc.position_a(
            t, mmsi[sel], np.full(sel.sum(), 5), sog10[sel],
            np.round(lon[sel] * 600000).astype(np.int64),
            np.round(lat[sel] * 600000).astype(np.int64),
            cog10[sel], heading[sel], np.full(sel.sum(), 42),
        )  # fmt: skip
        assert fill == 0 and p.shape[1] == 28
        payloads.append((sel, p))
    for sel, p in payloads:
        for k, line in zip(np.nonzero(sel)[0], _lines(p, 0), strict=True):
            msg = pyais.decode(line).asdict()
            assert msg["mmsi"] == mmsi[k]
            assert msg["lat"] == pytest.approx(lat[k], abs=1e-5)
            assert msg["lon"] == pytest.approx(lon[k], abs=1e-5)
            assert msg["speed"] == pytest.approx(sog10[k] / 10)
            assert msg["course"] == pytest.approx(cog10[k] / 10)
            assert msg["heading"] == heading[k]
            assert msg["second"] == 42
            assert msg["status"] == 5


def test_type5_is_two_sentences_with_valid_checksums_and_decodes() -> None:
    p, fill = aisenc.static_a(
        np.array([273210440]), np.array([9179842]), ["UBYT2"], ["angara"], np.array([70]),
        np.array([66]), np.array([54]), np.array([9]), np.array([10]), np.array([65]), ["DUNAI"],
    )  # fmt: skip
    assert (p.shape[1], fill) == (71, 2)
    lines = _lines(p, fill)
    assert len(lines) == 2
    assert lines[0].startswith(b"\\s:RUVVO1,c:1690848000*")
    for line in lines:
        tag, sentence = line[1:].split(b"\\", 1)
        assert _checksum_ok(b"\\" + tag) and _checksum_ok(sentence)
    msg = pyais.decode(*[ln for ln in lines]).asdict()
    assert (msg["mmsi"], msg["imo"], msg["callsign"], msg["shipname"]) == (
        273210440, 9179842, "UBYT2", "ANGARA",
    )  # fmt: skip
    assert (msg["to_bow"], msg["to_stern"], msg["draught"], msg["destination"]) == (
        66,
        54,
        6.5,
        "DUNAI",
    )


def test_class_b_position_and_static_parts_decode() -> None:
    mmsi = np.array([440123456])
    p, fill = aisenc.position_b(
        mmsi, np.array([55]), np.array([int(129.5 * 600000)]), np.array([int(35.1 * 600000)]),
        np.array([900]), np.array([511]), np.array([30]),
    )  # fmt: skip
    m = pyais.decode(_lines(p, fill)[0]).asdict()
    assert (m["msg_type"], m["mmsi"], m["speed"], m["heading"]) == (18, 440123456, 5.5, 511)
    assert (m["lat"], m["lon"]) == (pytest.approx(35.1), pytest.approx(129.5))
    pa_, fa = aisenc.static_b_part_a(mmsi, ["SAE HAN 7"])
    assert pyais.decode(_lines(pa_, fa)[0]).asdict()["shipname"] == "SAE HAN 7"
    pb, fb = aisenc.static_b_part_b(
        mmsi,
        np.array([30]),
        ["DSAB12"],
        np.array([10]),
        np.array([12]),
        np.array([3]),
        np.array([3]),
    )
    b = pyais.decode(_lines(pb, fb)[0]).asdict()
    assert (b["partno"], b["ship_type"], b["callsign"], b["to_stern"]) == (1, 30, "DSAB12", 12)


def test_sixbit_text_is_upper_cased_padded_and_limited_to_the_alphabet() -> None:
    codes = aisenc.text_to_sixbit(["ab", "Z~"], 4)
    assert codes.tolist() == [[1, 2, 0, 0], [26, ord("?"), 0, 0]]


def test_armour_round_trips_every_six_bit_value() -> None:
    sym = np.arange(64, dtype=np.uint8)
    chars = aisenc.armour(sym)
    assert bytes(chars[:2]) == b"01" and bytes(chars[-1:]) == b"w"
    assert aisenc.unarmour(chars).tolist() == sym.tolist()


def test_negative_coordinates_are_twos_complement() -> None:
    p, _ = aisenc.position_a(
        1, [1], [0], [0], [round(-70.25 * 600000)], [round(-33.5 * 600000)], [0], [0], [0]
    )
    m = pyais.decode(_lines(p, 0)[0]).asdict()
    assert (m["lat"], m["lon"]) == (pytest.approx(-33.5), pytest.approx(-70.25))
