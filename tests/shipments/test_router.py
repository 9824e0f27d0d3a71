"""The sea-distance cache in the workspace: computed once per case, the same answers after."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from darkcargo.config import load_case
from darkcargo.geo.distance import NM_M
from darkcargo.shipments import router as router_mod
from darkcargo.shipments.router import SeaRouter, grid_key
from darkcargo.workspace import Workspace

CASE = load_case("dprk_russia")
POINT = (42.45, 131.2)


def test_the_cache_answers_as_the_graph_did(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    router_mod._GRAPHS.clear()
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        cold = SeaRouter.open(CASE.ports, CASE.bbox, ws)
        assert cold.stats.graph_built and not cold.stats.field_from_cache
        node, snap = cold.locate([POINT[0]], [POINT[1]], 25.0)
        leg = cold.point_route(POINT[0], POINT[1], int(node[0]), "RAJIN")
        assert cold.stats.routes_computed == 1 and cold.stats.route_hits == 0
        assert cold.route(int(node[0]), "RAJIN") is not None and cold.stats.route_hits == 1
        assert cold.flush() == 1
        rows = ws.count("sea_field")
    assert rows > 500_000  # every water node x every case port it reaches
    # a new process: nothing in memory, the workspace has it all
    router_mod._GRAPHS.clear()
    built = []
    monkeypatch.setattr(router_mod.SeaGraph, "build", lambda *a, **k: built.append(1))
    with Workspace(path) as ws:
        warm = SeaRouter.open(CASE.ports, CASE.bbox, ws)
        assert warm.stats.field_from_cache and not warm.stats.graph_built
        node2, snap2 = warm.locate([POINT[0]], [POINT[1]], 25.0)
        again = warm.point_route(POINT[0], POINT[1], int(node2[0]), "RAJIN")
        np.testing.assert_array_equal(warm.dist_field, cold.dist_field.astype(np.float32))
        assert warm.port_distance("RAJIN", "DUNAI") == cold.port_distance("RAJIN", "DUNAI")
    assert built == [] and warm.stats.hit_rate == 1.0
    assert node2[0] == node[0] and snap2[0] == snap[0]
    assert again.length_m == leg.length_m
    np.testing.assert_allclose(again.lat, leg.lat)
    assert 40 <= leg.length_m / NM_M <= 60
    assert 100 <= cold.port_distance("RAJIN", "DUNAI") / NM_M <= 140


def test_the_key_follows_the_ports_and_the_box() -> None:
    base = grid_key(CASE.ports, CASE.bbox)
    moved = [dataclasses.replace(p, lat=p.lat + 0.01) if p.id == "RAJIN" else p for p in CASE.ports]
    assert grid_key(moved, CASE.bbox) != base
    assert grid_key(CASE.ports, (33.0, 46.0, 124.0, 143.0)) != base
    assert grid_key(list(reversed(CASE.ports)), CASE.bbox) == base


def test_lower_bounds_never_exceed_the_routed_distance(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        r = SeaRouter.open(CASE.ports, CASE.bbox, ws)
    lat = np.array([42.45, 41.55, 39.5, 35.5])
    lon = np.array([131.2, 130.05, 134.0, 129.9])
    node, snap = r.locate(lat, lon, 25.0)
    lb = r.lower_bounds(node, snap, lat, lon)
    for k in range(lat.size):
        for j, p in enumerate(r.ports):
            leg = r.point_route(float(lat[k]), float(lon[k]), int(node[k]), p.id)
            if leg.reachable:
                assert lb[k, j] <= leg.length_m + 1.0, (k, p.id)


def test_a_case_without_a_region_grids_around_its_ports() -> None:
    import pytest

    from darkcargo.config import Port
    from darkcargo.errors import ConfigError
    from darkcargo.shipments.router import sea_bbox

    world = (-90.0, 90.0, -180.0, 180.0)
    assert sea_bbox(CASE.ports, CASE.bbox) == CASE.bbox
    box = sea_bbox(CASE.ports, world)
    assert box == pytest.approx((38.7356 - 3, 43.1333 + 3, 125.4089 - 3, 133.0667 + 3))
    far = [Port("A", "a", 40.0, 130.0, 3.0), Port("B", "b", -30.0, 20.0, 3.0)]
    with pytest.raises(ConfigError, match="give the case a bbox"):
        sea_bbox(far, world)
