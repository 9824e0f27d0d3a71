"""Acceptance on real Sentinel-1 data: OpenSARShip chips (one AIS-verified ship each) go through
the same detection path as full scenes; each scene's detections are matched to all its AIS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from darkcargo.sar.opensarship import Evaluation, evaluate, read_scene_meta, read_ships

ROOT = "sar/opensarship"


@pytest.fixture(scope="module")
def evaluation(shared_data: Path) -> Evaluation:
    return evaluate(shared_data / ROOT)


def test_ship_xml_with_the_malformed_closing_tag_is_read(shared_data: Path) -> None:
    scenes = sorted((shared_data / ROOT).glob("*/Ship.xml"))
    bad = [p for p in scenes if p.read_text().rstrip().endswith("<\\ShipList>")]
    assert bad, "the sample is expected to hold a Ship.xml with <\\ShipList>"
    ships = read_ships(bad[0])
    assert len(ships) == 25
    first = ships[0]
    assert first.mmsi == 431007419 and first.sog_kn == pytest.approx(16.8)
    assert first.cog_deg == pytest.approx(238.4) and first.ais_length == 125
    assert sum(len(read_ships(p)) for p in scenes) == 37


def test_tie_point_grid_locates_the_chips_like_the_dataset_does(shared_data: Path) -> None:
    scene = sorted((shared_data / ROOT).glob("*/Ship.xml"))[0].parent
    meta = read_scene_meta(next(p for p in scene.glob("*.xml") if p.name != "Ship.xml"))
    for s in read_ships(scene / "Ship.xml"):
        g = meta.chip_georef(s.y - 10, s.x - 10, 21, 21)
        lon, lat = g.lonlat([10.5], [10.5])
        # the dataset's own SAR centre, from the same grid: within 15 m
        assert abs(lat[0] - s.centre_lat) * 111_320 < 15
        assert abs(lon[0] - s.centre_lon) * 111_320 * np.cos(np.radians(lat[0])) < 15


def test_recall_on_the_real_chips_is_at_least_0_9(evaluation: Evaluation) -> None:
    assert len(evaluation.chips) == 37
    assert evaluation.recall >= 0.9
    # extra detections (neighbours in the chip, sidelobes): reported, and few
    assert evaluation.extras_per_chip < 0.5
    offsets = [c.offset_m for c in evaluation.chips if c.found]
    assert np.median(offsets) < 40


def test_each_chips_ship_is_matched_to_its_own_mmsi(evaluation: Evaluation) -> None:
    assert evaluation.match_rate >= 0.95
    wrong = [c for c in evaluation.chips if c.matched_mmsi is not None and c.matched_mmsi != c.mmsi]
    assert len(wrong) <= 1


def test_radar_lengths_are_near_the_ais_lengths(evaluation: Evaluation) -> None:
    err = evaluation.length_errors()
    # radar smears ships over its ~20 m resolution: lengths come out long, by a fifth or so
    assert 0.0 < np.median(err) < 0.35
    assert (
        np.corrcoef(
            [c.length_m for c in evaluation.chips if c.found],
            [c.ais_length for c in evaluation.chips if c.found],
        )[0, 1]
        > 0.8
    )


def test_dual_pol_targets_are_confirmed_in_vv(evaluation: Evaluation) -> None:
    confirmed = [c.vv_confirmed for c in evaluation.chips if c.found]
    assert sum(bool(v) for v in confirmed) >= 0.95 * len(confirmed)
