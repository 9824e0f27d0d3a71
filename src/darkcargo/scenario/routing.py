"""The scenario's sea routes: the package router (:mod:`darkcargo.geo.sea_routes`) with the demo
season's traffic rule: civil traffic keeps 25 nm off North Korea's coast unless it calls there,
and the covert carriers sail the ``dprk`` profile straight into Rajin and Chongjin.
"""

from __future__ import annotations

from shapely.geometry.base import BaseGeometry

from darkcargo.config import Port
from darkcargo.geo import sea_routes
from darkcargo.geo.land import Land
from darkcargo.geo.sea_routes import GRID_STEP_DEG, AvoidZone, Route, port_circle

# North Korea's coast for the civil-traffic penalty: coast points in this box are DPRK's.
DPRK_ZONE = AvoidZone(
    name="dprk",
    coast_box=(38.62, 42.30, 127.0, 130.70),  # lat_min, lat_max, lon_min, lon_max
    zone_nm=25.0,  # civil traffic keeps this far from the North Korean coast ...
    weight=6.0,  # ... at this cost factor inside it
    terminals=("RAJIN", "CHONGJIN"),
)


class SeaGraph(sea_routes.SeaGraph):
    """The package's sea graph, built with the season's avoid zone unless told otherwise."""

    @classmethod
    def build(
        cls,
        land: Land,
        ports: list[Port] | tuple[Port, ...],
        gates: list[tuple[str, float, float]],
        bbox: tuple[float, float, float, float],
        avoid: AvoidZone | None = DPRK_ZONE,
        profiles: tuple[str, ...] | None = None,
    ) -> SeaGraph:
        graph = super().build(land, ports, gates, bbox, avoid, profiles)
        assert isinstance(graph, SeaGraph)
        return graph

    @property
    def dprk_zone(self) -> BaseGeometry | None:
        """North Korea's coastal waters that civil traffic keeps out of (the avoid zone)."""
        return self.zone_shape


__all__ = ["DPRK_ZONE", "GRID_STEP_DEG", "Route", "SeaGraph", "port_circle"]
