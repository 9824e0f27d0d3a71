"""Global Fishing Watch's pipe-encounters fixtures reproduced by darkcargo's encounter kernel.

Inputs are GFW's `*_series_data.csv` (id, timestamp, lat, lon, speed; the ids are segment ids),
expected outputs their `expected_*.json`, with the parameters of their tests carried by the
`gfw-pipe-tests` preset (`merge_hours = 24` on top of it for the *_merged fixtures).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from darkcargo.events.detect import detect_batch
from darkcargo.events.kernels.common import EventColumns, GeoContext, TrackView
from darkcargo.events.kernels.encounters import detect_encounters, encounter_candidates
from darkcargo.events.params import Preset, load_preset

Record = tuple[str, str, str, str]  # vessel 1, vessel 2, start, end


def fixtures(shared_data: Path) -> Path:
    return shared_data / "peers" / "gfw_pipe_encounters"


def series(folder: Path, name: str) -> dict[str, np.ndarray]:
    """A fixture's positions as detector columns, sorted by (id, time); the id is the MMSI."""
    with (folder / f"{name}_series_data.csv").open() as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: (int(r["id"]), r["timestamp"]))
    n = len(rows)
    ts = [datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")) for r in rows]
    return {
        "mmsi": np.array([int(r["id"]) for r in rows], np.int64),
        "ts": np.array([round(t.timestamp() * 1_000_000) for t in ts], np.int64),
        "lat": np.array([float(r["lat"]) for r in rows]),
        "lon": np.array([float(r["lon"]) for r in rows]),
        "sog": np.array([float(r["speed"]) for r in rows]),
        "cog": np.full(n, np.nan),
        "source_id": np.ones(n, np.int64),
        "row_id": np.arange(2, n + 2, dtype=np.int64),
    }


def kernel_events(cols: dict[str, np.ndarray], preset: Preset) -> EventColumns:
    """The encounter kernel alone, one track per fixture id (GFW's ids are segments already)."""
    n = cols["mmsi"].shape[0]
    view = TrackView(
        index=np.arange(n),
        key=np.unique(cols["mmsi"], return_inverse=True)[1].astype(np.int64),
        mmsi=cols["mmsi"],
        ts=cols["ts"],
        lat=cols["lat"],
        lon=cols["lon"],
        sog=cols["sog"],
        segment=np.full(n, -1, np.int64),
        source_id=cols["source_id"],
        row_id=cols["row_id"],
    )
    cands = encounter_candidates(view, GeoContext.build([]), preset.encounter)
    return detect_encounters(cands, preset.encounter)


def pipeline_events(cols: dict[str, np.ndarray], preset: Preset) -> EventColumns:
    """darkcargo's whole detect batch: validity, segmentation, then the encounter kernel."""
    res = detect_batch(cols, preset, GeoContext.build([]))
    return detect_encounters(res.candidates, preset.encounter)


def iso(us: int) -> str:
    return datetime.fromtimestamp(us / 1e6, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def records(ev: EventColumns) -> list[Record]:
    return sorted(
        (str(m), str(o), iso(s), iso(e))
        for m, o, s, e in zip(ev.mmsi, ev.other_mmsi, ev.start_ts, ev.end_ts, strict=True)
    )


def expected(folder: Path, name: str) -> list[dict]:
    data = json.loads((folder / f"expected_{name}.json").read_text())
    params = data["params"]
    # the fixtures were made with the parameters the preset carries
    enc = load_preset("gfw-pipe-tests").encounter
    assert params["Resample.increment_s"] == enc.slot_minutes * 60
    assert params["Resample.max_gap_s"] == pytest.approx(enc.max_interp_gap_hours * 3600, abs=1)
    assert params["ComputeEncounters.max_km_for_encounter"] * 1000 == enc.max_distance_m
    assert params["ComputeEncounters.min_minutes_for_encounter"] == enc.min_hours * 60
    return list(data["expected"])


def expected_records(rows: list[dict]) -> list[Record]:
    out = []
    for x in rows:
        one = x.get("vessel_1_seg_id") or x["vessel_1_seg_ids"][0]
        two = x.get("vessel_2_seg_id") or x["vessel_2_seg_ids"][0]
        out.append((one, two, x["start_time"], x["end_time"]))
    return sorted(out)


@pytest.fixture(scope="module")
def pipe_tests() -> Preset:
    return load_preset("gfw-pipe-tests")


@pytest.fixture(scope="module")
def pipe_tests_merged(tmp_path_factory: pytest.TempPathFactory) -> Preset:
    f = tmp_path_factory.mktemp("presets") / "merged.toml"
    f.write_text(
        '[preset]\nname = "gfw-pipe-tests-merged"\nextends = "gfw-pipe-tests"\n'
        "[encounter]\nmerge_hours = 24.0\n"
    )
    return load_preset(str(f))


@pytest.mark.parametrize("name", ["simple", "dateline", "fastsep", "real", "multi"])
def test_raw_records_per_direction_match_gfw(
    shared_data: Path, pipe_tests: Preset, name: str
) -> None:
    folder = fixtures(shared_data)
    want = expected(folder, name)
    ev = kernel_events(series(folder, name), pipe_tests)
    assert records(ev) == expected_records(want)
    # and where the run's samples are the same, so are the mean position and median distance
    got = {(str(m), str(o)): i for i, (m, o) in enumerate(zip(ev.mmsi, ev.other_mmsi, strict=True))}
    for x in want:
        i = got[(x["vessel_1_seg_id"], x["vessel_2_seg_id"])]
        assert ev.lat[i] == pytest.approx(x["mean_latitude"], abs=1e-6)
        assert ev.lon[i] == pytest.approx(x["mean_longitude"], abs=1e-6)
        d = json.loads(ev.details[i])
        assert d["median_distance_m"] == pytest.approx(x["median_distance_km"] * 1000, abs=0.1)


def test_real_pair_gives_two_directions_of_different_length(
    shared_data: Path, pipe_tests: Preset
) -> None:
    # 441910000 is silent 10:19-18:27 while 563418000 reports at 18:10-18:20: the latter's run
    # ends at 10:10 (a sample without its partner), the former's goes on to 20:10
    folder = fixtures(shared_data)
    got = records(kernel_events(series(folder, "real"), pipe_tests))
    assert got == [
        ("441910000", "563418000", "2015-03-19T07:40:00Z", "2015-03-19T20:10:00Z"),
        ("563418000", "441910000", "2015-03-19T07:40:00Z", "2015-03-19T10:10:00Z"),
    ]


@pytest.mark.parametrize("name", ["real", "dateline"])
def test_merged_records_match_gfw(shared_data: Path, pipe_tests_merged: Preset, name: str) -> None:
    folder = fixtures(shared_data)
    want = expected(folder, f"{name}_merged")
    ev = kernel_events(series(folder, name), pipe_tests_merged)
    assert records(ev) == expected_records(want)
    assert [json.loads(d)["records"] for d in ev.details] == [2]


@pytest.mark.parametrize("name", ["simple", "dateline", "fastsep", "real"])
def test_whole_detect_batch_gives_the_same_records(
    shared_data: Path, pipe_tests: Preset, name: str
) -> None:
    # through darkcargo's validity checks and segmentation too (fastsep's second vessel jumps
    # 1,100 km every 10 minutes; real has 2,000 positions with duplicates)
    folder = fixtures(shared_data)
    want = expected_records(expected(folder, name))
    assert records(pipeline_events(series(folder, name), pipe_tests)) == want


def test_multi_at_null_island_is_dropped_by_the_whole_pipeline(
    shared_data: Path, pipe_tests: Preset
) -> None:
    # GFW's multi fixture puts its vessels at exactly 0 N 0 E, which darkcargo's validity rule
    # treats as "no position" (null island): the kernel alone matches GFW (test above), the
    # whole pipeline finds nothing
    folder = fixtures(shared_data)
    assert records(pipeline_events(series(folder, "multi"), pipe_tests)) == []


def test_production_gfw_preset_differs_as_documented(shared_data: Path) -> None:
    # gfw: >= 2 h, one record per pair, slots of a pair joined while <= 4 h apart
    folder = fixtures(shared_data)
    gfw = load_preset("gfw")
    assert records(kernel_events(series(folder, "simple"), gfw)) == []  # 50 min: too short
    assert records(kernel_events(series(folder, "real"), gfw)) == [
        ("441910000", "563418000", "2015-03-19T07:40:00Z", "2015-03-19T10:10:00Z")
    ]
