from __future__ import annotations

from pathlib import Path

import pytest

from darkcargo.config import load_case
from darkcargo.errors import ConfigError
from darkcargo.geo.ports import PortIndex, case_ports, load_ports_csv


def test_builtin_case_has_reference_ports_and_vessels() -> None:
    case = load_case("dprk_russia")
    assert case.port("RAJIN").radius_km == 4
    assert case.port("DUNAI").lat == pytest.approx(42.8803)
    imos = {v.imo for v in case.vessels}
    assert {9179842, 9161003} <= imos
    assert "position" in case.port("HUNGNAM").unverified


def test_user_case_file_replaces_builtin(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        'name = "mine"\n[[ports]]\nid = "A"\nname = "Alpha"\nlat = 1.0\nlon = 2.0\nradius_km = 3\n'
    )
    case = load_case(str(f))
    assert [p.id for p in case.ports] == ["A"] and case.vessels == ()


def test_malformed_case_names_the_file(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("[[ports]\n")
    with pytest.raises(ConfigError, match="bad.toml"):
        load_case(str(f))


def test_wpi_csv_adds_ports_and_nearest_lookup(shared_data: Path) -> None:
    wpi = load_ports_csv(shared_data / "ports" / "WPI_ports.csv")
    assert len(wpi) > 3000
    assert any(p.name.upper() == "VOSTOCHNYY" for p in wpi)
    index = PortIndex.build(case_ports(extra_csv=[shared_data / "ports" / "WPI_ports.csv"]))
    idx, dist = index.nearest([42.26], [130.31])
    assert index.ports[idx[0]].id == "RAJIN" and dist[0] < 2
