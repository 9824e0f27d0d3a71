"""Identities and sea routes."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from darkcargo.config import load_case
from darkcargo.geo.distance import NM_M, haversine_m
from darkcargo.geo.land import load_land
from darkcargo.scenario.fleet import MID, IdentityFactory, imo_check_digit, imo_is_valid
from darkcargo.scenario.geography import GATES
from darkcargo.scenario.routing import SeaGraph, port_circle
from darkcargo.scenario.simulate import scenario_ports


def test_case_imos_have_valid_check_digits() -> None:
    # REFERENCE.md section 5: ANGARA, MARIA, LADY R
    assert all(imo_is_valid(x) for x in (9179842, 8517839, 9161003))
    assert imo_check_digit(917984) == 2
    assert not imo_is_valid(9179843)


def test_made_up_identities_are_valid_and_unique() -> None:
    ids = IdentityFactory(np.random.default_rng(3))
    imos = [ids.imo() for _ in range(500)]
    assert len(set(imos)) == 500 and all(imo_is_valid(i) for i in imos)
    ru = [ids.mmsi("RU", prefix=2731) for _ in range(50)]
    assert all(273100000 <= m < 273200000 for m in ru)
    kr = [ids.mmsi("KR") for _ in range(50)]
    assert all(m // 1_000_000 in MID["KR"] for m in kr)


@pytest.fixture(scope="module")
def graph() -> SeaGraph:
    case = load_case()
    ports = scenario_ports("dprk_russia")
    return SeaGraph.build(load_land("10m"), ports, [(g.id, g.lat, g.lon) for g in GATES], case.bbox)


def _touches_land_outside(
    graph: SeaGraph, lat: np.ndarray, lon: np.ndarray, ends: list[str]
) -> bool:
    line = shapely.LineString(np.column_stack((lon, lat)))
    zones = [port_circle(p) for p in graph.ports if p.id in ends]
    if zones:
        line = shapely.difference(line, shapely.union_all(zones))
    return bool(shapely.intersects(load_land("10m").geometry, line))


def test_rajin_dunai_route_is_at_sea_and_near_the_great_circle(graph: SeaGraph) -> None:
    r = graph.route("RAJIN", "DUNAI", "dprk")
    gc = haversine_m(42.25, 130.30, 42.8803, 132.3375) / NM_M  # 98 nm, REFERENCE.md section 1
    assert gc <= r.length_m / NM_M <= gc * 1.25
    assert not _touches_land_outside(graph, r.lat, r.lon, ["RAJIN", "DUNAI"])


def test_no_route_between_any_two_places_crosses_land(graph: SeaGraph) -> None:
    ids = graph.terminal_ids
    bad = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            r = graph.route(a, b)
            if _touches_land_outside(graph, r.lat, r.lon, [a, b]):
                bad.append((a, b))
    assert bad == []


def test_civil_routes_keep_out_of_north_korean_waters(graph: SeaGraph) -> None:
    r = graph.route("VLADIVOSTOK", "BUSAN")
    line = shapely.LineString(np.column_stack((r.lon, r.lat)))
    assert not shapely.intersects(graph.dprk_zone, line)
    # ... while the covert carriers' profile may go straight into Rajin
    assert graph.route("VOSTOCHNY", "RAJIN", "dprk").length_m < 140 * NM_M


def test_routes_from_points_at_sea_start_at_the_point(graph: SeaGraph) -> None:
    r = graph.route((39.5, 134.8), "NIIGATA")
    assert (r.lat[0], r.lon[0]) == (39.5, 134.8)
    assert not _touches_land_outside(graph, r.lat, r.lon, ["NIIGATA"])
