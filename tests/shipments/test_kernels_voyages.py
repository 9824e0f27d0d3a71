"""Pure pieces: the inference kernels, and chaining calls into shipments."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest

from darkcargo.shipments.kernels import (
    at_port_possible,
    heading_agreement,
    idle_share,
    length_matches,
    pairs_in_windows,
    softmax_with_none,
    stay_window,
)
from darkcargo.shipments.voyages import chain, visits

H = 3_600_000_000


def test_stay_window_sails_at_the_given_speed() -> None:
    t0, t1 = np.array([0]), np.array([48 * H])
    a, b = stay_window(t0, t1, np.array([60 * 1852.0]), np.array([120 * 1852.0]), np.array([12.0]))
    assert a[0] == 5 * H and b[0] == 38 * H
    # at the image time the vessel must be there: 4 h after AIS went off 60 nm away, it is not
    ts = np.array([4 * H, 6 * H])
    ok = at_port_possible(ts, np.repeat(t0, 2), np.repeat(t1, 2), np.full(2, 60 * 1852.0),
                          np.full(2, 120 * 1852.0), np.full(2, 12.0))  # fmt: skip
    assert ok.tolist() == [False, True]


def test_heading_and_idle_terms() -> None:
    got = heading_agreement(
        np.array([250.0, 70.0, 250.0, 400.0]), np.array([12.0, 12.0, 1.0, 12.0]),
        np.array([250.0, 250.0, 250.0, 250.0]), 3.0,
    )  # fmt: skip
    assert got.tolist() == pytest.approx([1.0, -1.0, 0.0, 0.0])
    # 60 h silent, ends 12 nm apart at 12 kn: 1 h of sailing -> 59/60 idle; a straight 720 nm
    # leg in 60 h leaves nothing
    assert idle_share(
        np.array([60.0, 60.0]), np.array([12 * 1852.0, 720 * 1852.0]), np.array([12.0, 12.0])
    ).tolist() == pytest.approx([59 / 60, 0.0])


def test_softmax_with_none_shares_each_window_with_no_call() -> None:
    group = np.array([0, 0, 1])
    conf, none = softmax_with_none(group, np.array([1.0, 0.0, -50.0]), np.array([0.0, 0.0]))
    assert conf[0] + conf[1] + none[0] == pytest.approx(1.0)
    assert conf[0] / conf[1] == pytest.approx(np.e)
    assert conf[2] < 1e-20 and none[1] == pytest.approx(1.0)


def test_pairs_in_windows_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    key_a = rng.integers(0, 4, 60)
    lo = rng.integers(0, 1000, 60)
    hi = lo + rng.integers(0, 300, 60)
    key_b = rng.integers(0, 4, 200)
    ts = rng.integers(0, 1300, 200)
    a, b = pairs_in_windows(key_a, lo, hi, key_b, ts)
    got = sorted(zip(a.tolist(), b.tolist(), strict=True))
    want = sorted(
        (i, j)
        for i in range(60)
        for j in range(200)
        if key_a[i] == key_b[j] and lo[i] <= ts[j] <= hi[i]
    )
    assert got == want


def test_lengths_match_within_metres_or_a_share() -> None:
    got = length_matches(
        np.array([100.0, 160.0, 48.0, np.nan]), np.array([120.0, 138.0, 120.0, 120.0]), 25.0, 0.25
    )
    assert got.tolist() == [True, True, False, False]


def _call(cid: str, port: str, a: datetime, b: datetime, kind: str = "observed", **ev: Any) -> dict:
    return {
        "call_id": cid, "mmsi": 1, "port_id": port, "arrival_ts": a, "departure_ts": b,
        "kind": kind, "confidence": 0.8 if kind == "inferred" else 1.0,
        "evidence": json.dumps({"events": [cid], **ev}),
    }  # fmt: skip


T = datetime(2023, 9, 1)


def _legs(calls: list[dict]) -> list[tuple[str, str, datetime, bool]]:
    t = chain(
        calls, {"RAJIN"}, {"DUNAI", "VOSTOCHNY"}, {1: 9}, lambda a, b: 100 * 1852.0, "r", "p", "h"
    )
    return [
        (r["origin_port"], r["destination_port"], r["arrive_ts"], r["inferred"])
        for r in t.to_pylist()
    ]


def test_calls_chain_into_legs_from_the_last_origin_call() -> None:
    calls = [
        _call("d0", "DUNAI", T, T + timedelta(days=1)),  # no origin before: no shipment
        _call("r1", "RAJIN", T + timedelta(days=2), T + timedelta(days=3)),
        _call("r2", "RAJIN", T + timedelta(days=4), T + timedelta(days=5)),
        _call("v1", "VOSTOCHNY", T + timedelta(days=6), T + timedelta(days=7)),
        _call("d2", "DUNAI", T + timedelta(days=8), T + timedelta(days=9)),  # no new origin
    ]
    assert _legs(calls) == [("RAJIN", "VOSTOCHNY", T + timedelta(days=6), False)]


def test_a_dark_round_trip_during_an_observed_call_splits_it() -> None:
    """AIS off at the Dunai pier on day 1, back on there on day 4: the Rajin call inferred in
    that silence makes a shipment arriving at Dunai when AIS came back."""
    g0, g1 = T + timedelta(days=1), T + timedelta(days=4)
    calls = [
        _call("d1", "DUNAI", T, T + timedelta(days=5)),
        _call(
            "i1",
            "RAJIN",
            T + timedelta(days=2),
            T + timedelta(days=3),
            "inferred",
            gap_start=g0.isoformat(),
            gap_end=g1.isoformat(),
        ),
    ]
    pieces = visits(calls)[1]
    assert [(v.call_id, v.start, v.end) for v in pieces] == [
        ("d1", T, g0),
        ("i1", T + timedelta(days=2), T + timedelta(days=3)),
        ("d1", g1, T + timedelta(days=5)),
    ]
    t = chain(calls, {"RAJIN"}, {"DUNAI"}, {}, lambda a, b: 128 * 1852.0, "r", "p", "h").to_pylist()
    assert [
        (r["origin_call"], r["destination_call"], r["arrive_ts"], r["inferred"]) for r in t
    ] == [("i1", "d1", g1, True)]
    assert t[0]["confidence"] == pytest.approx(0.8) and t[0]["sea_nm"] == 128.0
    assert json.loads(t[0]["evidence"])["events"] == ["i1", "d1"]
