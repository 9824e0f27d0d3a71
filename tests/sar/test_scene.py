"""Reading scenes: scale, polarisation, georeference, time and geometry, and bad input."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from rasterio.control import GroundControlPoint
from rasterio.crs import CRS

from darkcargo.errors import InputError
from darkcargo.sar.detect import detect_files
from darkcargo.sar.scene import ground_track_heading, open_scene, parse_time, scene_id_for
from tests.sar.helpers import add_ship, speckle, write_geotiff

PYROSAR = "sar/pyrosar/S1A__IW___A_20150309T173017_VV_grd_mli_geo_norm_db.tif"
CHIP = (
    "sar/opensarship/S1A_IW_GRDH_1SDV_20150823T221233_20150823T221258_007396_00A2CA_54D0/"
    "Patch_Cal/Cargo_x1673_y6973.tif"
)


def test_pyrosar_db_scene_is_read_with_its_crs_nodata_and_time(shared_data: Path) -> None:
    info = open_scene(shared_data / PYROSAR)
    assert info.scale == "db"
    assert info.nodata == -99.0
    assert info.georef.kind == "transform" and "32631" in info.georef.crs_text
    assert info.pixel_m == pytest.approx((20.0, 20.0), rel=0.01)
    assert info.band_pols == ["VV"] and info.confirm_band is None
    assert info.ts == datetime(2015, 3, 9, 17, 30, 17)
    assert info.time_source == "Sentinel-1 file-name pattern"
    lon, lat = info.georef.lonlat([0.0], [0.0])
    assert 0 < lon[0] < 7 and 43 < lat[0] < 52  # UTM 31N: France / Benelux


def test_pyrosar_land_scene_is_masked_by_the_coastline_and_gives_no_ships(
    shared_data: Path,
) -> None:
    report = detect_files([shared_data / PYROSAR], ports=[])
    assert not report.errors
    scene = report.scenes[0]
    assert scene.detections.num_rows == 0
    assert scene.scene_row["masked_share"] > 0.99  # land and nodata: nothing left to search
    assert scene.scene_row["coastline"].startswith("Natural Earth 10m")


def test_opensarship_chip_has_two_bands_vh_first_and_needs_a_pixel_size(shared_data: Path) -> None:
    with pytest.raises(InputError) as err:
        open_scene(shared_data / CHIP)
    assert "Cargo_x1673_y6973.tif" in str(err.value) and "--pixel-size" in str(err.value)
    info = open_scene(shared_data / CHIP, pixel_size=10.0)
    assert info.band_pols == ["VH", "VV"] and info.search_band == 1 and info.confirm_band == 2
    assert "OpenSARShip" in info.pol_source
    assert info.scale == "intensity"
    # time from the Sentinel-1 product folder's name: the middle of start and stop
    assert info.ts == datetime(2015, 8, 23, 22, 12, 45, 500000)
    assert info.scene_id.endswith("/Cargo_x1673_y6973")
    assert scene_id_for(Path("s1a-iw-grd-vh-20150823t221233-20150823t221258-007396.tiff")) == (
        "s1a-iw-grd-vh-20150823t221233-20150823t221258-007396"
    )


def test_time_option_wins_and_times_parse_in_common_forms(tmp_path: Path) -> None:
    p = write_geotiff(tmp_path / "S1A_IW_GRDH_1SDV_20230901T092000_20230901T092025_x.tif",
                      speckle((64, 64)))  # fmt: skip
    assert open_scene(p, pixel_size=10).ts == datetime(2023, 9, 1, 9, 20, 12, 500000)
    assert open_scene(p, pixel_size=10, time=datetime(2024, 1, 2)).ts == datetime(2024, 1, 2)
    assert parse_time("2023-09-01T09:20:00+09:00") == datetime(2023, 9, 1, 0, 20)
    assert parse_time("20230901T092000") == datetime(2023, 9, 1, 9, 20)


def _gcp_scene(tmp_path: Path, heading: float = 349.0) -> Path:
    """A 300 x 200 scene located by a 3 x 3 GCP grid, rows along `heading`, 10 m pixels."""
    from darkcargo.scenario.sar_scenes import Frame

    f = Frame(42.25, 130.35, heading, 10.0, 300, 200)
    rr, cc = np.meshgrid([0.0, 150.0, 300.0], [0.0, 100.0, 200.0], indexing="ij")
    lon, lat = f.lonlat(rr.ravel(), cc.ravel())
    gcps = [
        GroundControlPoint(row=r, col=c, x=x, y=y)
        for r, c, x, y in zip(rr.ravel(), cc.ravel(), lon, lat, strict=True)
    ]
    a = speckle((300, 200), seed=9)
    add_ship(a, 150, 100, 14, 3, scr_db=18)
    return write_geotiff(
        tmp_path / "gcp.tif", a, gcps=(gcps, CRS.from_epsg(4326)),
        tags={"ACQUISITION_START_TIME": "2023-09-01T09:20:00", "ACQUISITION_STOP_TIME": "2023-09-01T09:20:02"},
    )  # fmt: skip


def test_gcp_scene_is_located_in_radar_geometry(tmp_path: Path) -> None:
    info = open_scene(_gcp_scene(tmp_path))
    assert info.georef.kind == "gcps"
    assert info.pixel_m == pytest.approx((10.0, 10.0), rel=0.01)
    r, c = info.georef.pixel(*info.georef.lonlat([12.5, 250.0], [7.25, 180.0]))
    np.testing.assert_allclose(r, [12.5, 250.0], atol=0.05)
    np.testing.assert_allclose(c, [7.25, 180.0], atol=0.05)
    # rows run along the flight: the platform heading comes from the GCP grid
    assert info.geometry.heading_deg == pytest.approx(349.0, abs=0.5)
    assert info.geometry.look == "right"
    assert info.ts == datetime(2023, 9, 1, 9, 20, 1)


def test_ground_track_heading_of_sentinel1_passes() -> None:
    assert ground_track_heading(42.0, True) == pytest.approx(349.0, abs=1.0)
    assert ground_track_heading(42.0, False) == pytest.approx(191.0, abs=1.0)


def test_bad_files_get_one_line_errors_naming_them_and_the_rest_is_searched(
    tmp_path: Path, shared_data: Path
) -> None:
    good = write_geotiff(
        tmp_path / "good.tif", speckle((200, 200)), transform=Affine(10, 0, 500000, 0, -10, 4700000),
        crs="EPSG:32652",
    )  # fmt: skip
    text = tmp_path / "notes.tif"
    text.write_text("not an image\n")
    truncated = tmp_path / "cut.tif"
    truncated.write_bytes((shared_data / PYROSAR).read_bytes()[:20000])
    plain = write_geotiff(tmp_path / "plain.tif", speckle((64, 64)))
    report = detect_files([text, good, truncated, plain], ports=[])
    assert [s.info.file for s in report.scenes] == [str(good)]
    errors = [str(e) for e in report.errors]
    assert len(errors) == 3
    for e in errors:
        assert "\n" not in e
    assert errors[0].startswith(f"{text}: not a raster")
    assert errors[1].startswith(f"{truncated}: cannot read pixels") and "truncated" in errors[1]
    assert errors[2].startswith(f"{plain}: no georeference")
