"""Sea distances for inference: the package's sea router, cached in the workspace per case.

For one case (its ports and bounding box) the router's `shortest` profile gives, once:

- a distance field: the shortest water distance from every grid node to every case port
  (`sea_field`), so any point's distance to a port is one lookup (screening);
- port-to-port distances (`sea_ports`), for the legs of shipments;
- point-to-port routes, string-pulled, from the grid node a point sits on (`sea_routes`),
  computed as gaps ask for them and kept for the next run.

Everything is keyed by `grid_key`; the graph itself (Natural Earth land, Dijkstra) is built only
when something is not in the cache. A point's route is the straight hop to its grid node plus
that node's cached route, so the answer is the same whether it came from the cache or not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from darkcargo.config import Port
from darkcargo.errors import ConfigError
from darkcargo.geo import sea_routes as sr
from darkcargo.geo.distance import haversine_m
from darkcargo.geo.land import load_land
from darkcargo.geo.sea_routes import SHORTEST, SeaGraph, SeaGrid, grid_shape
from darkcargo.shipments.schema import SEA_FIELD, SEA_PORTS, SEA_ROUTES
from darkcargo.workspace import Workspace

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
LAND_LAYER = "10m"
# Grid distances divided by this (a little more than the 8-neighbour excess), less PORT_SLACK
# port radii, screen candidates: a port is routed exactly only when this lower bound leaves it
# within reach. The slack: a pulled route may cut across the generalised coast inside the port's
# radius, which the grid path must go around.
SCREEN_FACTOR = sr.GRID_FACTOR * 1.03
PORT_SLACK = 3.0


# The water grid's largest box (degrees of latitude, longitude): ~4 million cells at 0.04 deg.
MAX_BOX_DEG = (30.0, 45.0)
PORTS_MARGIN_DEG = 3.0


def sea_bbox(
    ports: Sequence[Port], bbox: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """The box the water grid covers: the case's, or, when it is larger than MAX_BOX_DEG (a
    case without a region), its ports' extent plus PORTS_MARGIN_DEG. ConfigError when even that
    is too large to grid."""
    lat_min, lat_max, lon_min, lon_max = bbox
    if lat_max - lat_min <= MAX_BOX_DEG[0] and lon_max - lon_min <= MAX_BOX_DEG[1]:
        return bbox
    sea = [p for p in ports if p.kind == "port"]
    if not sea:
        return bbox
    m = PORTS_MARGIN_DEG
    box = (
        max(-89.0, min(p.lat for p in sea) - m),
        min(89.0, max(p.lat for p in sea) + m),
        max(-180.0, min(p.lon for p in sea) - m),
        min(180.0, max(p.lon for p in sea) + m),
    )
    if box[1] - box[0] > MAX_BOX_DEG[0] or box[3] - box[2] > MAX_BOX_DEG[1]:
        raise ConfigError(
            f"the case's ports span {box[1] - box[0]:.0f} x {box[3] - box[2]:.0f} degrees: too wide "
            f"for the sea grid (at most {MAX_BOX_DEG[0]:.0f} x {MAX_BOX_DEG[1]:.0f}); give the case "
            "a bbox around the region of interest"
        )
    return box


def grid_key(ports: Sequence[Port], bbox: tuple[float, float, float, float]) -> str:
    """Hash of everything the cached distances depend on."""
    blob = {
        "router": sr.ROUTER_VERSION,
        "profile": SHORTEST,
        "land": LAND_LAYER,
        "step": sr.GRID_STEP_DEG,
        "clearance": sr.CLEARANCE_DEG,
        "bbox": [round(float(x), 6) for x in bbox],
        "ports": sorted(
            (p.id, round(p.lat, 6), round(p.lon, 6), round(p.radius_km, 3))
            for p in ports
            if p.kind == "port"
        ),
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()[:16]


# Graphs built in this process, by grid key: a second workspace of the same case (tests, a
# notebook) routes without building the grid again. Few cases per process; never evicted.
_GRAPHS: dict[str, SeaGraph] = {}


def _graph(key: str, ports: tuple[Port, ...], bbox: tuple[float, float, float, float]) -> SeaGraph:
    graph = _GRAPHS.get(key)
    if graph is None:
        graph = SeaGraph.build(load_land(LAND_LAYER), ports, [], bbox, profiles=(SHORTEST,))
        _GRAPHS[key] = graph
    return graph


@dataclass(frozen=True)
class SeaLeg:
    """A point's sea route to (or from) a port: length and polyline, point first."""

    length_m: float
    lat: F64
    lon: F64

    @property
    def reachable(self) -> bool:
        return bool(np.isfinite(self.length_m))


@dataclass
class RouterStats:
    """How the cache served a run."""

    route_requests: int = 0
    route_hits: int = 0  # served from memory or the workspace cache
    routes_computed: int = 0
    graph_built: bool = False
    graph_seconds: float = 0.0
    field_from_cache: bool = False

    @property
    def hit_rate(self) -> float:
        return self.route_hits / self.route_requests if self.route_requests else float("nan")


@dataclass
class SeaRouter:
    """Shortest sea distances among a case's ports and from any point to them."""

    key: str
    ports: tuple[Port, ...]
    bbox: tuple[float, float, float, float]
    grid: SeaGrid
    dist_field: F64  # (ports, grid nodes) metres; inf where unreachable
    port_m: F64  # (ports, ports) metres
    ws: Workspace | None = None
    stats: RouterStats = field(default_factory=RouterStats)
    _graph: SeaGraph | None = None
    _routes: dict[tuple[int, str], SeaLeg] = field(default_factory=dict)
    _new: list[tuple[int, str, SeaLeg]] = field(default_factory=list)

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        ports: Sequence[Port],
        bbox: tuple[float, float, float, float],
        ws: Workspace | None = None,
    ) -> SeaRouter:
        """The router for these ports and box: from the workspace cache, else built (and then
        stored in the workspace when one is given and writable)."""
        sea_ports = tuple(sorted((p for p in ports if p.kind == "port"), key=lambda p: p.id))
        bbox = sea_bbox(sea_ports, bbox)
        key = grid_key(sea_ports, bbox)
        if ws is not None:
            cached = cls._from_cache(ws, key, sea_ports, bbox)
            if cached is not None:
                return cached
        started = time.perf_counter()
        graph = _graph(key, sea_ports, bbox)
        elapsed = time.perf_counter() - started
        ids = [p.id for p in sea_ports if p.id in graph.terminal_ids]
        grid = graph.water_grid()
        n = len(grid.i)
        fld = np.full((len(sea_ports), n), np.inf)
        port_m = np.full((len(sea_ports), len(sea_ports)), np.inf)
        for a, p in enumerate(sea_ports):
            if p.id not in ids:
                continue
            t = graph.terminal_ids.index(p.id)
            fld[a] = graph.dist[SHORTEST][t, :n]
            for b, q in enumerate(sea_ports):
                if q.id in ids and a != b:
                    r = graph.route(p.id, q.id, SHORTEST)
                    port_m[a, b] = r.length_m
            port_m[a, a] = 0.0
        router = cls(key, sea_ports, bbox, grid, fld, port_m, ws, _graph=graph)
        router.stats.graph_built = True
        router.stats.graph_seconds = elapsed
        if ws is not None and not ws.read_only:
            router._store_grid()
        return router

    @classmethod
    def _from_cache(
        cls,
        ws: Workspace,
        key: str,
        ports: tuple[Port, ...],
        bbox: tuple[float, float, float, float],
    ) -> SeaRouter | None:
        t = ws.arrow(
            "SELECT port_id, node, i, j, distance_m FROM sea_field WHERE grid_key = ? "
            "ORDER BY port_id, node",
            [key],
        )
        if t.num_rows == 0:
            return None
        node = t.column("node").to_numpy()
        n = int(node.max()) + 1
        ii = np.zeros(n, dtype=np.int32)
        jj = np.zeros(n, dtype=np.int32)
        ii[node] = t.column("i").to_numpy()
        jj[node] = t.column("j").to_numpy()
        index = {p.id: k for k, p in enumerate(ports)}
        fld = np.full((len(ports), n), np.inf)
        pid = t.column("port_id").to_pylist()
        rows = np.array([index.get(x, -1) for x in pid])
        keep = rows >= 0
        fld[rows[keep], node[keep]] = t.column("distance_m").to_numpy()[keep]
        lat_min, _, lon_min, _ = bbox
        grid = SeaGrid((lat_min, lon_min), sr.GRID_STEP_DEG, grid_shape(bbox), ii, jj)
        port_m = np.full((len(ports), len(ports)), np.inf)
        np.fill_diagonal(port_m, 0.0)
        for r in ws.arrow(
            "SELECT from_port, to_port, distance_m FROM sea_ports WHERE grid_key = ?", [key]
        ).to_pylist():
            if r["from_port"] in index and r["to_port"] in index:
                port_m[index[r["from_port"]], index[r["to_port"]]] = r["distance_m"]
        router = cls(key, ports, bbox, grid, fld, port_m, ws)
        router.stats.field_from_cache = True
        for r in ws.arrow(
            "SELECT node, port_id, length_m, lat, lon FROM sea_routes WHERE grid_key = ?", [key]
        ).to_pylist():
            router._routes[(int(r["node"]), r["port_id"])] = SeaLeg(
                float(r["length_m"]),
                np.asarray(json.loads(r["lat"]), dtype=np.float64),
                np.asarray(json.loads(r["lon"]), dtype=np.float64),
            )
        return router

    def _store_grid(self) -> None:
        assert self.ws is not None
        n = len(self.grid.i)
        pid, node, ii, jj, dist = [], [], [], [], []
        for a, p in enumerate(self.ports):
            ok = np.isfinite(self.dist_field[a])
            k = np.flatnonzero(ok)
            pid.append(np.full(k.size, p.id, dtype=object))
            node.append(k)
            ii.append(self.grid.i[k])
            jj.append(self.grid.j[k])
            dist.append(self.dist_field[a, k])
        if not n or not any(x.size for x in node):
            return
        field_t = pa.table(
            {
                "grid_key": pa.array([self.key] * sum(x.size for x in node)),
                "port_id": pa.array(np.concatenate(pid).tolist(), pa.string()),
                "node": pa.array(np.concatenate(node), pa.int32()),
                "i": pa.array(np.concatenate(ii), pa.int32()),
                "j": pa.array(np.concatenate(jj), pa.int32()),
                "distance_m": pa.array(np.concatenate(dist), pa.float32()),
            },
            schema=SEA_FIELD,
        )
        rows = [
            (self.key, p.id, q.id, float(self.port_m[a, b]))
            for a, p in enumerate(self.ports)
            for b, q in enumerate(self.ports)
            if a != b and np.isfinite(self.port_m[a, b])
        ]
        ports_t = pa.Table.from_pylist(
            [dict(zip(SEA_PORTS.names, r, strict=True)) for r in rows], schema=SEA_PORTS
        )
        with self.ws.transaction():
            self.ws.replace("sea_field", field_t, "grid_key = ?", [self.key])
            self.ws.replace("sea_ports", ports_t, "grid_key = ?", [self.key])
            self.ws.set_meta(
                f"sea_grid:{self.key}",
                json.dumps(
                    {
                        "ports": [p.id for p in self.ports],
                        "bbox": list(self.bbox),
                        "step_deg": sr.GRID_STEP_DEG,
                        "router_version": sr.ROUTER_VERSION,
                        "land": LAND_LAYER,
                        "water_nodes": n,
                    }
                ),
            )

    # -- queries -------------------------------------------------------------------------
    def port_index(self, port_id: str) -> int:
        return next(k for k, p in enumerate(self.ports) if p.id == port_id)

    def locate(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, max_snap_km: float
    ) -> tuple[npt.NDArray[np.int64], F64]:
        """Per point, its grid node (-1 off the grid) and the straight hop to it (m)."""
        return self.grid.locate(lat, lon, max_snap_km)

    def lower_bounds(self, node: npt.NDArray[np.int64], snap_m: F64, lat: F64, lon: F64) -> F64:
        """(points, ports) lower bounds of the sea distance (m) to each port's berth: the larger of
        the great circle less the port's radius and the grid field shrunk by SCREEN_FACTOR less
        the hop to the node and the port's slack; inf off the grid."""
        plat = np.array([p.lat for p in self.ports])
        plon = np.array([p.lon for p in self.ports])
        # routes end at the berth, anywhere inside the port's radius
        radius = np.array([p.radius_km * 1000.0 for p in self.ports])
        gc = haversine_m(lat[:, None], lon[:, None], plat[None, :], plon[None, :]) - radius
        out = np.full(gc.shape, np.inf)
        has = node >= 0
        if has.any():
            fld = self.dist_field[:, node[has]].T / SCREEN_FACTOR - snap_m[has, None]
            out[has] = np.maximum(gc[has], fld - self.slack_m[None, :])
        return out

    @property
    def slack_m(self) -> F64:
        """Per port, what a pulled route may save on the grid path inside its radius (m)."""
        return np.array([p.radius_km * 1000.0 * PORT_SLACK for p in self.ports])

    def route(self, node: int, port_id: str) -> SeaLeg:
        """The string-pulled sea route from a grid node to a port (from the cache if there)."""
        self.stats.route_requests += 1
        key = (int(node), port_id)
        leg = self._routes.get(key)
        if leg is not None:
            self.stats.route_hits += 1
            return leg
        graph = self._ensure_graph()
        r = graph.node_route(int(node), port_id, SHORTEST)
        if r is None:
            leg = SeaLeg(np.inf, np.zeros(0), np.zeros(0))
        else:
            leg = SeaLeg(r.length_m, np.round(r.lat, 5), np.round(r.lon, 5))
        self.stats.routes_computed += 1
        self._routes[key] = leg
        self._new.append((int(node), port_id, leg))
        return leg

    def point_route(self, lat: float, lon: float, node: int, port_id: str) -> SeaLeg:
        """A point's route to a port: the hop to its grid node, then the node's route."""
        if node < 0:
            return SeaLeg(np.inf, np.zeros(0), np.zeros(0))
        leg = self.route(node, port_id)
        if not leg.reachable:
            return leg
        hop = float(haversine_m(lat, lon, leg.lat[0], leg.lon[0])) if leg.lat.size else 0.0
        return SeaLeg(
            hop + leg.length_m,
            np.concatenate(([lat], leg.lat)),
            np.concatenate(([lon], leg.lon)),
        )

    def port_distance(self, a: str, b: str) -> float:
        """Shortest sea distance between two of the case's ports (m; inf if none)."""
        ia = next((k for k, p in enumerate(self.ports) if p.id == a), None)
        ib = next((k for k, p in enumerate(self.ports) if p.id == b), None)
        if ia is None or ib is None:
            return float("inf")
        return float(self.port_m[ia, ib])

    def _ensure_graph(self) -> SeaGraph:
        if self._graph is None:
            started = time.perf_counter()
            self._graph = _graph(self.key, self.ports, self.bbox)
            self.stats.graph_built = True
            self.stats.graph_seconds += time.perf_counter() - started
        return self._graph

    def flush(self) -> int:
        """Store the routes computed in this run in the workspace cache; returns how many."""
        if self.ws is None or self.ws.read_only or not self._new:
            self._new.clear()
            return 0
        t = pa.table(
            {
                "grid_key": pa.array([self.key] * len(self._new), pa.string()),
                "node": pa.array([n for n, _, _ in self._new], pa.int32()),
                "port_id": pa.array([p for _, p, _ in self._new], pa.string()),
                "length_m": pa.array([leg.length_m for _, _, leg in self._new], pa.float64()),
                "lat": pa.array([json.dumps(leg.lat.tolist()) for _, _, leg in self._new]),
                "lon": pa.array([json.dumps(leg.lon.tolist()) for _, _, leg in self._new]),
            },
            schema=SEA_ROUTES,
        )
        n = self.ws.append("sea_routes", t)
        self._new.clear()
        return n


def direct_lower_bound(
    router: SeaRouter,
    node0: npt.NDArray[np.int64],
    snap0: F64,
    lat0: F64,
    lon0: F64,
    node1: npt.NDArray[np.int64],
    snap1: F64,
    lat1: F64,
    lon1: F64,
) -> F64:
    """A lower bound of the sea distance between two points (m): the great circle, or by the
    triangle inequality through any port, |d(a, port) - d(b, port)| (grid distances overstate
    by at most SCREEN_FACTOR, so the far one is shrunk by it), whichever is larger."""
    gc = np.asarray(haversine_m(lat0, lon0, lat1, lon1), dtype=np.float64)
    both = (node0 >= 0) & (node1 >= 0)
    if not both.any() or not len(router.ports):
        return gc
    fa = router.dist_field[:, node0[both]].T + snap0[both, None]
    fb = router.dist_field[:, node1[both]].T + snap1[both, None]
    slack = router.slack_m[None, :]
    with np.errstate(invalid="ignore"):
        tri = np.maximum(fa / SCREEN_FACTOR - slack - fb, fb / SCREEN_FACTOR - slack - fa)
    tri = np.where(np.isfinite(tri), tri, 0.0).max(axis=1)
    out = gc.copy()
    out[both] = np.maximum(gc[both], tri)
    return out
