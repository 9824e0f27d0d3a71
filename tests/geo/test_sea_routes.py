"""The package's sea router: the shortest water path, never across land, and the water grid."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from darkcargo.config import load_case
from darkcargo.geo.distance import NM_M, haversine_m
from darkcargo.geo.land import load_land
from darkcargo.geo.sea_routes import GRID_FACTOR, SHORTEST, SeaGraph, port_circle

CASE = load_case("dprk_russia")


@pytest.fixture(scope="module")
def graph() -> SeaGraph:
    return SeaGraph.build(load_land("10m"), CASE.ports, [], CASE.bbox, profiles=(SHORTEST, "civil"))


def _crosses_land_outside(lat: np.ndarray, lon: np.ndarray, ends: list[str]) -> bool:
    line = shapely.LineString(np.column_stack((lon, lat)))
    zones = [port_circle(CASE.port(p)) for p in ends]
    line = shapely.difference(line, shapely.union_all(zones))
    return bool(shapely.intersects(load_land("10m").geometry, line))


def test_shortest_routes_never_cross_land_and_are_no_longer_than_civil_ones(
    graph: SeaGraph,
) -> None:
    ids = ["RAJIN", "CHONGJIN", "NAMPO", "DUNAI", "VOSTOCHNY", "POSYET"]
    for a in ids:
        for b in ids:
            if a == b:
                continue
            r = graph.route(a, b, SHORTEST)
            assert not _crosses_land_outside(r.lat, r.lon, [a, b]), (a, b)
            gc = float(
                haversine_m(CASE.port(a).lat, CASE.port(a).lon, CASE.port(b).lat, CASE.port(b).lon)
            )
            assert r.length_m >= gc * 0.98, (a, b)  # berths sit inside the radius
            # the shortest grid path, string-pulled, is within a few % of the best pulled path
            # (grid optima hug the coast; pulling straightens open-water paths more)
            assert r.length_m <= graph.route(a, b, "civil").length_m * 1.03, (a, b)


def test_the_west_coast_is_far_by_sea_from_the_east_coast(graph: SeaGraph) -> None:
    # Chongjin -> Nampo: ~300 km across the peninsula, ~1,600 km around it
    r = graph.route("CHONGJIN", "NAMPO", SHORTEST)
    gc = float(haversine_m(41.7833, 129.7667, 38.7356, 125.4089))
    assert gc / NM_M < 300 and r.length_m > 3 * gc
    assert r.lat.min() < 34.8  # it rounds the southern tip of Korea


def test_grid_distances_bound_the_pulled_route(graph: SeaGraph) -> None:
    grid = graph.water_grid()
    node, snap = grid.locate([42.45], [131.2], 25.0)
    assert node[0] >= 0 and snap[0] < 3000
    t = graph.terminal_ids.index("RAJIN")
    field = graph.dist[SHORTEST][t, node[0]]
    pulled = graph.node_route(int(node[0]), "RAJIN", SHORTEST)
    assert pulled is not None and pulled.lat[0] == pytest.approx(grid.lat[node[0]], abs=1e-9)
    # string pulling only shortens the grid path, by at most the 8-neighbour excess
    assert field / GRID_FACTOR * 0.97 <= pulled.length_m <= field + 1.0


def test_points_off_the_grid_have_no_node(graph: SeaGraph) -> None:
    grid = graph.water_grid()
    node, snap = grid.locate([30.0, 38.0, 42.25], [-160.0, 150.0, 130.30], 25.0)
    assert node[0] == -1 and node[1] == -1 and np.isinf(snap[:2]).all()
    # Rajin's centre is on Natural Earth's land: it snaps to the nearest water node
    assert node[2] >= 0 and snap[2] < 10_000


def test_the_scenario_keeps_its_civil_rule_through_the_thin_module() -> None:
    from darkcargo.scenario.routing import DPRK_ZONE
    from darkcargo.scenario.routing import SeaGraph as ScenarioGraph

    assert issubclass(ScenarioGraph, SeaGraph)
    assert DPRK_ZONE.name == "dprk" and DPRK_ZONE.zone_nm == 25.0
    assert DPRK_ZONE.terminals == ("RAJIN", "CHONGJIN")
