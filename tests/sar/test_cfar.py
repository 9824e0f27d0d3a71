"""The CFAR kernel and clustering on hand-made images with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from darkcargo.sar.cfar import CfarConfig, cfar, gamma_table, k_factor
from darkcargo.sar.clusters import find_targets
from darkcargo.sar.detect import ArrayReader, search
from darkcargo.sar.params import load_sar_preset
from tests.sar.helpers import SEA, add_ship, speckle

PX = 10.0


def config(model: str = "gamma", pfa: float = 1e-6, **kw: float) -> CfarConfig:
    args = dict(
        cell_m=40.0, guard_m=200.0, background_m=1000.0, min_background_px=300, clutter=model,
        looks=4.4, pfa=pfa, extent_pfa=1e-5, precensor_factor=5.0, censor_margin_cells=1,
    )  # fmt: skip
    args.update(kw)
    return CfarConfig.from_metres(PX, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", ["gamma", "k", "lognormal"])
def test_false_alarm_rate_on_pure_speckle_is_close_to_pfa(model: str) -> None:
    a = speckle((1200, 1200), seed=3)
    res = cfar(a, config(model, pfa=1e-3))
    rate = res.mask.sum() / a.size
    # gamma and K fit 4.4-look speckle exactly; log-normal's tail is heavier, so it alarms less
    if model == "lognormal":
        assert 1e-5 < rate < 1e-3
    else:
        assert 0.6e-3 < rate < 1.6e-3, rate


def test_k_factor_reduces_to_the_gamma_speckle_factor_without_texture() -> None:
    x, f = gamma_table(1e-6)
    gamma_at_looks = float(np.interp(math.log(4.4), x, f))
    assert k_factor(np.array([1 / 4.4]), 4.4, 1e-6)[0] == pytest.approx(gamma_at_looks, rel=0.02)
    # textured clutter (nu = 2) needs a much higher threshold than speckle alone
    cv2 = (1 + 1 / 4.4) * (1 + 1 / 2.0) - 1
    assert k_factor(np.array([cv2]), 4.4, 1e-6)[0] > 2 * gamma_at_looks


def test_a_ship_is_found_with_its_size_position_and_orientation() -> None:
    a = speckle((400, 400), seed=1)
    add_ship(a, 200, 150, length_px=20, width_px=4, scr_db=20)
    cfg = config()
    t = find_targets(cfar(a, cfg), cfg, (PX, PX))
    assert len(t) == 1
    assert t.row[0] == pytest.approx(200.0, abs=1.0) and t.col[0] == pytest.approx(150.0, abs=1.0)
    assert 170 <= t.length_m[0] <= 240  # 200 m long
    assert t.width_m[0] < 80
    assert abs(t.axis_dr[0]) > 0.95  # long axis along the rows
    assert t.scr_db[0] > 18


def test_a_64_pixel_chip_works_with_windows_clipped_at_its_edges() -> None:
    a = speckle((64, 64), seed=2)
    add_ship(a, 32, 32, length_px=12, width_px=3, scr_db=16)
    cfg = config()
    res = cfar(a, cfg)
    assert np.isfinite(res.stats.thr).all()
    t = find_targets(res, cfg, (PX, PX))
    assert len(t) == 1 and abs(t.row[0] - 32) < 2 and abs(t.col[0] - 32) < 2


def test_neighbouring_ships_do_not_hide_each_other() -> None:
    a = speckle((500, 500), seed=4)
    for r in (150, 180, 210, 240):  # four 150 m ships 300 m apart: each in the others' rings
        add_ship(a, r, 250, length_px=15, width_px=3, scr_db=13)
    cfg = config()
    t = find_targets(cfar(a, cfg), cfg, (PX, PX))
    assert len(t) == 4
    assert sorted(np.round(t.row / 30).astype(int)) == [5, 6, 7, 8]


def test_masked_pixels_are_never_detected_and_leave_the_statistics() -> None:
    a = speckle((300, 300), seed=5)
    a[:, :100] *= 30  # bright land on the left third, with buildings (very bright corners)
    a[20:260:40, 20:90:25] *= 200
    land = np.zeros(a.shape, dtype=bool)
    land[:, :100] = True
    add_ship(a, 150, 200, 12, 3, scr_db=15)
    cfg = config()
    res = cfar(a, cfg, land=land)
    assert not res.mask[:, :100].any()
    t = find_targets(res, cfg, (PX, PX))
    assert len(t) == 1 and t.col[0] > 190
    # without the mask the buildings light up
    assert cfar(a, cfg).mask[:, :100].sum() >= 10


@pytest.mark.parametrize("scale", ["amplitude", "db"])
def test_amplitude_and_db_images_give_the_same_targets_as_intensity(scale: str) -> None:
    a = speckle((300, 300), seed=6)
    add_ship(a, 100, 100, 16, 4, scr_db=17)
    cfg = config()
    ref = find_targets(cfar(a, cfg), cfg, (PX, PX))
    other = np.sqrt(a) if scale == "amplitude" else 10 * np.log10(a)
    got = find_targets(cfar(other.astype(np.float32), cfg, scale=scale), cfg, (PX, PX))
    assert len(got) == len(ref) == 1
    assert got.row[0] == pytest.approx(ref.row[0], abs=0.01)
    assert got.length_m[0] == pytest.approx(ref.length_m[0], rel=1e-3)


def test_tiles_with_halos_find_what_one_big_tile_finds() -> None:
    a = speckle((700, 900), seed=7)
    spots = [(64, 70), (255, 260), (256, 520), (500, 640), (690, 880), (350, 449)]
    for r, c in spots:
        add_ship(a, r, c, 12, 3, scr_db=16)
    preset = load_sar_preset()
    small = preset.with_values(tile_px=128)
    big = preset.with_values(tile_px=4096)
    t1 = search(ArrayReader(a), a.shape, (PX, PX), small).targets
    t2 = search(ArrayReader(a), a.shape, (PX, PX), big).targets
    assert len(t1) == len(t2) >= len(spots)  # single-pixel false alarms are cut later (min area)
    for r, c in spots:
        assert (np.hypot(t1.row - r, t1.col - c) < 2).any()
    o1, o2 = np.lexsort((t1.col, t1.row)), np.lexsort((t2.col, t2.row))
    np.testing.assert_allclose(t1.row[o1], t2.row[o2], atol=0.01)
    np.testing.assert_allclose(t1.length_m[o1], t2.length_m[o2], rtol=1e-6)


def test_nodata_and_zero_fill_are_masked() -> None:
    a = speckle((200, 200), seed=8)
    a[:, :40] = 0.0  # swath border fill
    a[:40, :] = -99.0  # stated nodata
    res = cfar(a, config(), nodata=-99.0)
    assert not res.mask[:, :40].any() and not res.mask[:40, :].any()
    assert res.cell_valid.sum() == 160 * 160
    assert SEA > 0
