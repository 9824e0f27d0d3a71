"""Field-level agreement of the NMEA decoder with GPSD's expected decodes and with pyais.

GPSD (`gpsd/sample.aivdm.js.chk`, scaled JSON of `gpsdecode -j`) and pyais are independent
decoders; every field darkcargo decodes is compared for every supported message type. Where the
canonical tables hold a null for a sentinel, the oracle's sentinel value is mapped to None first.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pyais
import pytest

from darkcargo.ais.nmea import DecodedBatch, decode_nmea_bytes

SUPPORTED = {1, 2, 3, 4, 5, 18, 19, 21, 24, 27}
DEFAULT_TIME = datetime(2020, 1, 1)

NMEA_FILES = [
    "gpsd/sample.aivdm",
    "libais/typeexamples.nmea",
    "libais/test.aivdm",
    "libais/tagblock.nmea",
    "pyais/nmea_data_sample.txt",
    "pyais/mixed.txt",
    "pyais/timestamped.ais",
    "pyais/messages.ais",
    "pyais/gatehouse.nmea",
]


def _none_if(value: Any, *sentinels: Any) -> Any:
    return None if value in sentinels else value


def _close(a: float | None, b: float | None, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, abs_tol=tol)


def _dims(d: dict[str, Any]) -> tuple[float | None, float | None]:
    length = d["to_bow"] + d["to_stern"]
    beam = d["to_port"] + d["to_starboard"]
    return (float(length) if length else None, float(beam) if beam else None)


def _rows(batch: DecodedBatch) -> tuple[dict[int, dict], dict[int, dict]]:
    pos = {r["row_id"]: r for r in batch.positions.to_pylist()}
    sta = {r["row_id"]: r for r in batch.statics.to_pylist()}
    return pos, sta


# ---------------------------------------------------------------- GPSD


def _gpsd_expected_position(d: dict[str, Any]) -> dict[str, Any]:
    t = d["type"]
    exp: dict[str, Any] = {
        "mmsi": d["mmsi"],
        "lat": _none_if(d["lat"], 91.0),
        "lon": _none_if(d["lon"], 181.0),
        "sog": None,
        "cog": None,
        "heading": None,
        "nav_status": None,
    }
    if t in (1, 2, 3, 18, 19):
        exp["sog"] = _none_if(d["speed"], 102.3)
        exp["cog"] = _none_if(d["course"], 360.0)
        exp["heading"] = _none_if(d["heading"], 511)
    if t in (1, 2, 3):
        exp["nav_status"] = _none_if(d["status"], 15)
    if t == 27:
        exp["sog"] = _none_if(d["speed"], 63)
        exp["cog"] = _none_if(d["course"], 511)
        exp["nav_status"] = _none_if(d["status"], 15)
    return exp


def _gpsd_expected_static(d: dict[str, Any]) -> dict[str, Any]:
    exp: dict[str, Any] = {"mmsi": d["mmsi"]}
    if "shipname" in d or "name" in d:
        exp["name"] = d.get("shipname", d.get("name")) or None
    if "callsign" in d:
        exp["callsign"] = d["callsign"] or None
    if "shiptype" in d:
        exp["ship_type"] = d["shiptype"] or None
    if "to_bow" in d:
        exp["length_m"], exp["beam_m"] = _dims(d)
    if d["type"] == 5:
        exp["imo"] = d["imo"] or None
        exp["draught_m"] = d["draught"] or None
        exp["destination"] = d["destination"] or None
    return exp


def _check_static(ours: dict[str, Any], exp: dict[str, Any], where: str) -> None:
    for key, want in exp.items():
        got = ours[key]
        if isinstance(want, float) or isinstance(got, float):
            assert _close(got, want, 1e-4), f"{where} {key}: {got!r} != {want!r}"
        else:
            assert got == want, f"{where} {key}: {got!r} != {want!r}"


def _check_position(
    ours: dict[str, Any], exp: dict[str, Any], where: str, deg_tol: float = 1e-6
) -> None:
    """deg_tol: the oracle's printed resolution (GPSD prints type 27 with 4 decimals)."""
    assert ours["mmsi"] == exp["mmsi"], where
    assert _close(ours["lat"], exp["lat"], deg_tol), f"{where} lat {ours['lat']} != {exp['lat']}"
    assert _close(ours["lon"], exp["lon"], deg_tol), f"{where} lon {ours['lon']} != {exp['lon']}"
    assert _close(ours["sog"], exp["sog"], 1e-4), f"{where} sog {ours['sog']} != {exp['sog']}"
    assert _close(ours["cog"], exp["cog"], 1e-4), f"{where} cog {ours['cog']} != {exp['cog']}"
    assert ours["heading"] == exp["heading"], f"{where} heading"
    assert ours["nav_status"] == exp["nav_status"], f"{where} nav_status"


def test_every_supported_gpsd_decode_agrees_field_by_field(shared_data: Path) -> None:
    batch = decode_nmea_bytes(
        (shared_data / "ais/gpsd/sample.aivdm").read_bytes(), default_time=DEFAULT_TIME
    )
    pos, sta = _rows(batch)
    expected = [json.loads(line) for line in (shared_data / "ais/gpsd/sample.aivdm.js.chk").open()]
    expected = [d for d in expected if d["type"] in SUPPORTED]

    # Our rows in file order, queued per (type, mmsi); GPSD's records come in the same order.
    queues: dict[tuple[int, int], list[tuple[str, dict]]] = defaultdict(list)
    for row_id in sorted(set(pos) | set(sta)):
        p, s = pos.get(row_id), sta.get(row_id)
        r = p or s
        assert r is not None
        queues[(r["msg_type"], r["mmsi"])].append((str(row_id), {"pos": p, "sta": s}))

    # Genuine disagreement, by design: GPSD prints this type 4's garbage position
    # (lat 109.33, lon 205.12, year 10196); darkcargo rejects it as out_of_range.
    garbage = {(4, 972158237)}
    assert {r["line_no"]: r["reason"] for r in batch.rejects.to_pylist()}[1026] == "out_of_range"

    checked = defaultdict(int)
    unplaced = 0  # position reports with lat 91 / lon 181: rejected no_position, not stored
    for d in expected:
        key = (d["type"], d["mmsi"])
        if key in garbage:
            continue
        nowhere = d.get("lat") == 91.0 or d.get("lon") == 181.0
        if nowhere and d["type"] in (1, 2, 3, 4, 18, 27):
            unplaced += 1
            continue
        where = f"GPSD type {d['type']} mmsi {d['mmsi']}"
        if d["type"] == 24:
            # GPSD merges parts A and B into one record; darkcargo keeps one statics row per part.
            rows = [r["sta"] for _, r in queues.pop(key)]
            part_a = [r for r in rows if r["name"] is not None]
            part_b = [r for r in rows if r["callsign"] is not None]
            assert part_a and part_b, where
            exp = _gpsd_expected_static(d)
            _check_static(part_a[-1], {"mmsi": exp["mmsi"], "name": exp["name"]}, where)
            _check_static(part_b[-1], {k: v for k, v in exp.items() if k != "name"}, where)
            checked[24] += 1
            continue
        row_id, r = queues[key].pop(0)
        where += f" (line {row_id})"
        if nowhere:  # types 19 and 21: the vessel's statics row, no position row
            assert r["pos"] is None and r["sta"] is not None, where
        elif d["type"] in (1, 2, 3, 4, 18, 19, 21, 27):
            tol = 6e-5 if d["type"] == 27 else 1e-6
            _check_position(r["pos"], _gpsd_expected_position(d), where, tol)
        if d["type"] in (5, 19, 21):
            _check_static(r["sta"], _gpsd_expected_static(d), where)
        if d["type"] == 4:
            ts = r["pos"]["ts"]
            if re.fullmatch(r"\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ", d["timestamp"]):
                assert ts == datetime.fromisoformat(d["timestamp"][:-1]), where
            else:  # invalid base-station UTC: falls back to default_time
                assert ts == DEFAULT_TIME, where
        checked[d["type"]] += 1

    assert dict(checked) == {1: 4, 2: 1, 3: 1, 4: 2, 5: 3, 18: 3, 19: 1, 21: 2, 24: 2, 27: 2}
    reasons = [r["reason"] for r in batch.rejects.to_pylist()]
    assert reasons.count("no_position") == unplaced
    # Nothing decoded that GPSD did not also decode, except type 24 parts whose other half never
    # came (GPSD prints a type 24 record only once it holds both parts A and B of one MMSI;
    # pyais covers those rows in test_decodes_agree_with_pyais).
    leftovers = {k: len(v) for k, v in queues.items() if v}
    assert leftovers == {(24, 271041511): 1, (24, 271020195): 1}


def test_gpsd_type5_strings_and_units(shared_data: Path) -> None:
    batch = decode_nmea_bytes(
        (shared_data / "ais/gpsd/sample.aivdm").read_bytes(), default_time=DEFAULT_TIME
    )
    ever = next(r for r in batch.statics.to_pylist() if r["mmsi"] == 351759000)
    assert ever["name"] == "EVER DIADEM"
    assert ever["callsign"] == "3FOF8"
    assert ever["imo"] == 9134270
    assert ever["ship_type"] == 70
    assert ever["length_m"] == 295.0  # 225 to bow + 70 to stern
    assert ever["beam_m"] == 32.0  # 1 + 31
    assert ever["draught_m"] == pytest.approx(12.2)
    assert ever["destination"] == "NEW YORK"


# ---------------------------------------------------------------- pyais

_SENTENCE = re.compile(rb"![A-Z]{2}VD[MO],[^*]*\*[0-9A-Fa-f]{2}")


def _groups(data: bytes) -> dict[int, list[bytes]]:
    """An independent, plain-Python multipart assembler: first line number -> sentences."""
    out: dict[int, list[bytes]] = {}
    open_: dict[tuple, tuple[int, list[bytes]]] = {}
    for no, line in enumerate(data.split(b"\n"), 1):
        m = _SENTENCE.search(line)
        if not m or line.lstrip().startswith(b"#"):
            continue
        f = m.group().split(b",")
        count, num, seq, chan = int(f[1]), int(f[2]), f[3], f[4]
        if count == 1:
            out[no] = [m.group()]
            continue
        key = (chan, seq, count)
        if num == 1:
            open_[key] = (no, [m.group()])
        elif key in open_ and len(open_[key][1]) == num - 1:
            open_[key][1].append(m.group())
            if num == count:
                first, parts = open_.pop(key)
                out[first] = parts
    return out


def _pyais_decode(parts: list[bytes]) -> dict[str, Any] | None:
    try:
        return pyais.decode(*parts).asdict()
    except Exception:  # pyais raises on what it cannot decode; those are not compared
        return None


def _pyais_position(d: dict[str, Any]) -> dict[str, Any]:
    t = d["msg_type"]
    exp: dict[str, Any] = {
        "mmsi": d["mmsi"],
        "lat": _none_if(d["lat"], 91.0),
        "lon": _none_if(d["lon"], 181.0),
        "sog": None,
        "cog": None,
        "heading": None,
        "nav_status": None,
    }
    if t in (1, 2, 3, 18, 19):
        exp["sog"] = _none_if(d["speed"], 102.3)
        exp["cog"] = d["course"] if d["course"] < 360 else None
        exp["heading"] = d["heading"] if d["heading"] < 360 else None
    if t in (1, 2, 3, 27):
        exp["nav_status"] = _none_if(int(d["status"]), 15)
    if t == 27:
        exp["sog"] = _none_if(d["speed"], 63)
        exp["cog"] = d["course"] if d["course"] < 360 else None
    return exp


def _text(s: str) -> str | None:
    """Documented difference: pyais strips only trailing '@'; GPSD and darkcargo end a 6-bit
    text at its first '@' (the ITU-R M.1371 fill character), e.g. GPSD's "IBC G BUOY" where
    pyais gives "IBC G BUOY@?????????"."""
    return s.split("@")[0].rstrip() or None


def _pyais_static(d: dict[str, Any]) -> dict[str, Any]:
    t = d["msg_type"]
    exp: dict[str, Any] = {"mmsi": d["mmsi"]}
    if t in (5, 19) or (t == 24 and d["partno"] == 0):
        exp["name"] = _text(d["shipname"])
    if t == 21:
        exp["name"] = _text(d["full_name"])
    if t == 5 or (t == 24 and d["partno"] == 1):
        exp["callsign"] = _text(d["callsign"])
    if t in (5, 19) or (t == 24 and d["partno"] == 1):
        exp["ship_type"] = int(d["ship_type"]) or None
    if t in (5, 19, 21) or (t == 24 and d["partno"] == 1 and "to_bow" in d):
        exp["length_m"], exp["beam_m"] = _dims(d)
    if t == 5:
        exp["imo"] = d["imo"] or None
        exp["draught_m"] = d["draught"] or None
        exp["destination"] = _text(d["destination"])
    return exp


@pytest.mark.parametrize("name", NMEA_FILES)
def test_decodes_agree_with_pyais(shared_data: Path, name: str) -> None:
    data = (shared_data / "ais" / name).read_bytes()
    batch = decode_nmea_bytes(data, default_time=DEFAULT_TIME)
    pos, sta = _rows(batch)
    groups = _groups(data)
    compared = 0
    for row_id in sorted(set(pos) | set(sta)):
        assert row_id in groups, f"{name}:{row_id} decoded but not a complete AIS message"
        d = _pyais_decode(groups[row_id])
        assert d is not None, f"{name}:{row_id} decoded by darkcargo, pyais failed"
        where = f"{name}:{row_id} type {d['msg_type']}"
        if row_id in pos:
            _check_position(pos[row_id], _pyais_position(d), where)
        if row_id in sta:
            _check_static(sta[row_id], _pyais_static(d), where)
        compared += 1
    # every complete message pyais decodes to a supported type is either decoded by us or
    # rejected with a reason that says why (out_of_range, bad tag-block checksum, ...)
    rejected = {r["line_no"]: r["reason"] for r in batch.rejects.to_pylist()}
    for row_id, parts in groups.items():
        d = _pyais_decode(parts)
        if d is None or d["msg_type"] not in SUPPORTED or row_id in pos or row_id in sta:
            continue
        allowed = {"out_of_range", "bad_checksum", "truncated"}
        if d.get("lat") == 91.0 or d.get("lon") == 181.0:
            allowed.add("no_position")  # "not available": no position to store
        assert rejected.get(row_id) in allowed, (
            f"{name}:{row_id} decoded by pyais, darkcargo says {rejected.get(row_id)}"
        )
    assert compared == len(set(pos) | set(sta))
