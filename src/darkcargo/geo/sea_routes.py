"""Sea routes that never cross land: a coarse water grid, Dijkstra, then string pulling.

The package's one sea router: the simulator plans its voyages on it and the infer stage measures
how far a silent vessel had to sail to reach a port.

The grid covers a bounding box (the case's). Nodes on Natural Earth land are dropped. Routes are
shortest paths under a *profile*:

- ``civil``: edges cost their length times a penalty that keeps routes off the coast, out of
  other ports' circles and, when the graph has an :class:`AvoidZone`, out of that coast's waters;
- the avoid zone's own name (``dprk`` in the demo): the same without the zone's penalty, with
  trees only from the zone's terminals (traffic that calls there);
- ``shortest``: pure length, no penalty: the shortest water path, the distance a vessel cannot
  beat (inference tests reachability with it).

Each port gets a berth node: the water point nearest its centre inside its radius. Natural Earth
is generalised, so the short link from a berth to the grid may cross its land, but only inside
that port's radius. Path lengths on the 8-neighbour grid exceed the straight water distance by
at most GRID_FACTOR; string pulling straightens them into the polylines routes return.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import shapely
import shapely.affinity
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from darkcargo.config import Port
from darkcargo.geo.distance import EARTH_RADIUS_M, haversine_m
from darkcargo.geo.land import Land

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]

ROUTER_VERSION = 1  # bump when a change below alters distances (keys the workspace caches)
GRID_STEP_DEG = 0.04  # ~4.4 km north-south, ~3.3 km east-west at 42 N
ANCHOR_EVERY = 5  # routes from points at sea start at the coarse lattice when clear
SHORE_WEIGHT = 1.5  # extra cost factor next to the shore, decaying with distance
SHORE_SCALE_KM = 6.0
PORT_CIRCLE_WEIGHT = 6.0  # passing through another port's circle costs this factor
CLEARANCE_DEG = 0.0135  # smoothed legs keep this far from shore (1.5 km N-S, ~1.1 km E-W) ...
BBOX_MARGIN_DEG = 0.5  # ... outside the end ports' circles; land is clipped to the box + this
DENSIFY_KM = 0.25  # spacing of check points along a candidate leg
EDGE_CHECK_SHORE_KM = 6.0  # grid edges this close to shore are checked against the land
BERTH_SEARCH_STEP_DEG = 0.002
BERTH_SHORE_KM = 0.15  # berth at least this far from the generalised coast when possible
# An 8-neighbour grid path is at most this factor longer than the straight line it stands for
# (1 / cos 22.5 deg): grid distances divided by it are lower bounds of water distances.
GRID_FACTOR = 1.0824

CIVIL = "civil"
SHORTEST = "shortest"


@dataclass(frozen=True)
class AvoidZone:
    """Coastal waters that civil traffic keeps out of unless it calls there.

    Coast points of the land inside ``coast_box`` (lat_min, lat_max, lon_min, lon_max) define the
    coast; water within ``zone_nm`` of it costs ``weight`` extra per unit length on the civil
    profile. A second profile, named ``name``, ignores the zone and has shortest-path trees
    from ``terminals`` only (the ports of that coast).
    """

    name: str
    coast_box: tuple[float, float, float, float]
    zone_nm: float
    weight: float
    terminals: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    """A polyline at sea from one place to another, with cumulative distance in metres."""

    lat: F64
    lon: F64
    cum_m: F64
    start_id: str
    end_id: str

    @property
    def length_m(self) -> float:
        return float(self.cum_m[-1])


def polyline(lat: F64, lon: F64, start_id: str, end_id: str) -> Route:
    d = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    return Route(lat, lon, np.concatenate(([0.0], np.cumsum(d))), start_id, end_id)


def densify(lat: F64, lon: F64, step_km: float = DENSIFY_KM) -> tuple[F64, F64]:
    """Points every step_km (or closer) along a polyline, vertices included."""
    d = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    n = np.maximum(1, np.ceil(d / (step_km * 1000.0)).astype(np.int64))
    seg = np.repeat(np.arange(len(d)), n)
    frac = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
    out_lat = np.concatenate((lat[seg] + (lat[seg + 1] - lat[seg]) * frac, lat[-1:]))
    out_lon = np.concatenate((lon[seg] + (lon[seg + 1] - lon[seg]) * frac, lon[-1:]))
    return out_lat, out_lon


def _circle_mask(lat: F64, lon: F64, ports: list[Port] | tuple[Port, ...]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(lat.shape, dtype=bool)
    for p in ports:
        mask |= haversine_m(lat, lon, p.lat, p.lon) <= p.radius_km * 1000.0
    return mask


def grid_shape(
    bbox: tuple[float, float, float, float], step: float = GRID_STEP_DEG
) -> tuple[int, int]:
    """Rows and columns of the water grid over bbox (lat_min, lat_max, lon_min, lon_max)."""
    lat_min, lat_max, lon_min, lon_max = bbox
    h = len(np.arange(lat_min, lat_max + 1e-9, step))
    w = len(np.arange(lon_min, lon_max + 1e-9, step))
    return h, w


@dataclass
class SeaGrid:
    """A sea graph's water nodes by grid row and column: which node a point sits on.

    Built from a graph or from the rows cached in a workspace; both give the same answers.
    """

    origin: tuple[float, float]  # (lat, lon) of row 0, column 0
    step: float
    shape: tuple[int, int]
    i: npt.NDArray[np.int32]  # row of each water node, in node order
    j: npt.NDArray[np.int32]
    _tree: cKDTree | None = None

    def __post_init__(self) -> None:
        self.lat = self.origin[0] + self.i.astype(np.float64) * self.step
        self.lon = self.origin[1] + self.j.astype(np.float64) * self.step
        self.index = np.full(self.shape, -1, dtype=np.int64)
        self.index[self.i, self.j] = np.arange(len(self.i))
        self._coslat = math.cos(math.radians(self.origin[0] + self.shape[0] * self.step / 2))

    def locate(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, max_snap_km: float
    ) -> tuple[npt.NDArray[np.int64], F64]:
        """Per point, the water node at its grid point, else the nearest water node, and the
        distance to it (m); node -1 (distance inf) when that is farther than max_snap_km."""
        lat = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lon = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        node = np.full(lat.shape, -1, dtype=np.int64)
        ok = np.isfinite(lat) & np.isfinite(lon)
        h, w = self.shape
        ii = np.rint((np.where(ok, lat, 0.0) - self.origin[0]) / self.step).astype(np.int64)
        jj = np.rint((np.where(ok, lon, 0.0) - self.origin[1]) / self.step).astype(np.int64)
        inside = ok & (ii >= 0) & (ii < h) & (jj >= 0) & (jj < w)
        node[inside] = self.index[ii[inside], jj[inside]]
        miss = ok & (node < 0)
        if miss.any() and len(self.i):
            if self._tree is None:
                self._tree = cKDTree(np.column_stack((self.lat, self.lon * self._coslat)))
            _, k = self._tree.query(np.column_stack((lat[miss], lon[miss] * self._coslat)))
            node[miss] = k
        snap = np.full(lat.shape, np.inf)
        has = node >= 0
        snap[has] = haversine_m(lat[has], lon[has], self.lat[node[has]], self.lon[node[has]])
        far = snap > max_snap_km * 1000.0
        node[far] = -1
        snap[far] = np.inf
        return node, snap


@dataclass
class SeaGraph:
    """Water grid + berths + gates with shortest-path trees from every terminal."""

    land: Land
    ports: tuple[Port, ...]
    node_lat: F64
    node_lon: F64
    terminal_ids: list[str]
    terminal_nodes: npt.NDArray[np.int64]
    preds: dict[str, npt.NDArray[np.int32]]  # profile -> (n_terminals, n_nodes)
    dist: dict[str, F64]
    n_grid: int
    tree: cKDTree
    grid_index: npt.NDArray[np.int64]  # (rows, cols) -> water node or -1
    grid_origin: tuple[float, float]
    node_dshore: F64  # km to the shore from each water node
    node_zone_km: F64  # km to the avoid zone's coast from each water node (inf without one)
    anchor_tree: cKDTree
    anchor_nodes: npt.NDArray[np.int64]
    land_clip: BaseGeometry
    shore_buffer: BaseGeometry
    zone_shape: BaseGeometry | None  # the avoid zone as a polygon (None without one)
    avoid: AvoidZone | None = None
    _cache: dict[tuple[str, str, str], Route] = field(default_factory=dict)
    _shapes: dict[tuple[str, str, str], BaseGeometry] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        land: Land,
        ports: list[Port] | tuple[Port, ...],
        gates: list[tuple[str, float, float]],
        bbox: tuple[float, float, float, float],
        avoid: AvoidZone | None = None,
        profiles: tuple[str, ...] | None = None,
    ) -> SeaGraph:
        """The grid over bbox with a berth per port (kind "port") and a terminal per gate.

        ``profiles`` defaults to civil plus the avoid zone's profile; ``shortest`` on request.
        """
        ports = tuple(p for p in ports if p.kind == "port")
        if profiles is None:
            profiles = (CIVIL,) + ((avoid.name,) if avoid is not None else ())
        zone_profile = avoid.name if avoid is not None else None
        lat_min, lat_max, lon_min, lon_max = bbox
        glat = np.arange(lat_min, lat_max + 1e-9, GRID_STEP_DEG)
        glon = np.arange(lon_min, lon_max + 1e-9, GRID_STEP_DEG)
        LA, LO = np.meshgrid(glat, glon, indexing="ij")
        h, w = LA.shape
        sea = ~land.is_land(LA.ravel(), LO.ravel())
        idx = np.full(h * w, -1, dtype=np.int64)
        idx[sea] = np.arange(int(sea.sum()))
        idx2 = idx.reshape(h, w)
        node_lat = LA.ravel()[sea]
        node_lon = LO.ravel()[sea]
        ii, jj = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
        lattice = ((ii.ravel() % ANCHOR_EVERY) == 0) & ((jj.ravel() % ANCHOR_EVERY) == 0)
        anchors = np.nonzero(lattice[sea])[0].astype(np.int64)
        n_grid = len(node_lat)

        dshore = land.distance_to_shore_km(node_lat, node_lon)
        base_pen = 1.0 + SHORE_WEIGHT * np.exp(-dshore / SHORE_SCALE_KM)
        base_pen += PORT_CIRCLE_WEIGHT * _circle_mask(node_lat, node_lon, ports)
        pen = {CIVIL: base_pen}
        dd = np.full(node_lat.shape, np.inf)
        zone_shape: BaseGeometry | None = None
        if avoid is not None:
            coast = np.asarray(_zone_coast(land, avoid.coast_box))
            zone_tree = cKDTree(np.column_stack((coast[:, 1], coast[:, 0] * 0.75)))
            dd, _ = zone_tree.query(np.column_stack((node_lat, node_lon * 0.75)))
            in_zone = dd * 111.0 < avoid.zone_nm * 1.852
            zone_deg = avoid.zone_nm * 1.852 / 111.0
            zone_shape = shapely.buffer(shapely.multipoints(coast[::20]), zone_deg, quad_segs=4)
            shapely.prepare(zone_shape)
            pen = {avoid.name: base_pen, CIVIL: base_pen + avoid.weight * in_zone}

        # 8-neighbour edges between water nodes whose midpoint is water too.
        ea, eb = [], []
        for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
            ys, ye = 0, h - dy
            xs, xe = max(0, -dx), w - max(0, dx)
            a = idx2[ys:ye, xs:xe].ravel()
            b = idx2[ys + dy : ye + dy, xs + dx : xe + dx].ravel()
            ok = (a >= 0) & (b >= 0)
            ea.append(a[ok])
            eb.append(b[ok])
        a = np.concatenate(ea)
        b = np.concatenate(eb)
        m = BBOX_MARGIN_DEG
        clip = shapely.intersection(
            land.geometry, shapely.box(lon_min - m, lat_min - m, lon_max + m, lat_max + m)
        )
        shore_buffer = shapely.buffer(clip, CLEARANCE_DEG, quad_segs=2)
        shapely.prepare(clip)
        shapely.prepare(shore_buffer)
        a, b = _water_edges(clip, node_lat, node_lon, a, b, dshore)
        length = haversine_m(node_lat[a], node_lon[a], node_lat[b], node_lon[b])

        # Berth nodes (one per port) and their links into the grid.
        tree = cKDTree(np.column_stack((node_lat, node_lon * np.cos(np.radians(42.0)))))
        extra_lat, extra_lon, la_, lb_, ll_ = [], [], [], [], []
        terminal_ids: list[str] = []
        terminal_nodes: list[int] = []
        for k, p in enumerate(ports):
            blat, blon = berth_point(land, p)
            node = n_grid + k
            extra_lat.append(blat)
            extra_lon.append(blon)
            links = _berth_links(clip, p, blat, blon, node_lat, node_lon, tree)
            if not links.size:
                log.warning("port %s: no water link to the sea grid; skipped", p.id)
                continue
            la_.append(np.full(links.size, node))
            lb_.append(links)
            ll_.append(haversine_m(blat, blon, node_lat[links], node_lon[links]))
            terminal_ids.append(p.id)
            terminal_nodes.append(node)
        for gid, glat_, glon_ in gates:
            _, j = tree.query([glat_, glon_ * np.cos(np.radians(42.0))])
            terminal_ids.append(gid)
            terminal_nodes.append(int(j))
        all_lat = np.concatenate((node_lat, extra_lat))
        all_lon = np.concatenate((node_lon, extra_lon))
        n_all = len(all_lat)
        a = np.concatenate([a, *la_])
        b = np.concatenate([b, *lb_])
        length = np.concatenate([length, *ll_])
        preds: dict[str, npt.NDArray[np.int32]] = {}
        dists: dict[str, F64] = {}
        tn = np.asarray(terminal_nodes, dtype=np.int64)
        for prof in profiles:
            if prof == SHORTEST:
                wgt = length
            else:
                p_all = np.concatenate(
                    (pen[prof], np.full(len(extra_lat), 1.0 + PORT_CIRCLE_WEIGHT))
                )
                wgt = length * (p_all[a] + p_all[b]) / 2.0
            g = sp.csr_matrix((wgt, (a, b)), shape=(n_all, n_all))
            zone_rows = [
                i
                for i, t in enumerate(terminal_ids)
                if avoid is not None and prof == zone_profile and t in avoid.terminals
            ]
            sources = tn[zone_rows] if prof == zone_profile else tn
            dist, pr = dijkstra(g, directed=False, indices=sources, return_predecessors=True)
            if prof == zone_profile:
                full_pr = np.full((len(tn), n_all), -9999, dtype=np.int32)
                full_d = np.full((len(tn), n_all), np.inf)
                full_pr[zone_rows] = pr
                full_d[zone_rows] = dist
                pr, dist = full_pr, full_d
            preds[prof] = pr.astype(np.int32)
            dists[prof] = dist
        return cls(
            land=land,
            ports=ports,
            node_lat=all_lat,
            node_lon=all_lon,
            terminal_ids=terminal_ids,
            terminal_nodes=tn,
            preds=preds,
            dist=dists,
            n_grid=n_grid,
            tree=tree,
            grid_index=idx2,
            grid_origin=(lat_min, lon_min),
            node_dshore=dshore,
            node_zone_km=dd * 111.0,
            anchor_tree=cKDTree(
                np.column_stack((node_lat[anchors], node_lon[anchors] * np.cos(np.radians(42.0))))
            ),
            anchor_nodes=anchors,
            land_clip=clip,
            shore_buffer=shore_buffer,
            zone_shape=zone_shape,
            avoid=avoid,
        )

    # -- queries ---------------------------------------------------------------------------
    def port(self, pid: str) -> Port | None:
        for p in self.ports:
            if p.id == pid:
                return p
        return None

    def terminal_point(self, tid: str) -> tuple[float, float]:
        node = self.terminal_nodes[self.terminal_ids.index(tid)]
        return float(self.node_lat[node]), float(self.node_lon[node])

    def _cell(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, every: int = 1
    ) -> npt.NDArray[np.int64]:
        """Water node at the nearest grid point (on every `every`-th line), or -1."""
        h, w = self.grid_index.shape
        i = np.rint((np.asarray(lat) - self.grid_origin[0]) / GRID_STEP_DEG / every).astype(
            np.int64
        )
        j = np.rint((np.asarray(lon) - self.grid_origin[1]) / GRID_STEP_DEG / every).astype(
            np.int64
        )
        i, j = i * every, j * every
        ok = (i >= 0) & (i < h) & (j >= 0) & (j < w)
        out = np.full(np.shape(i), -1, dtype=np.int64)
        out[ok] = self.grid_index[i[ok], j[ok]]
        return out

    def shore_km_at_least(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> F64:
        """A lower bound of the distance to shore (km) from the grid, for cheap screening."""
        node = self._cell(lat, lon)
        slack = GRID_STEP_DEG * 111.0 * 0.75  # farthest a point is from its grid point
        return np.where(node >= 0, self.node_dshore[np.maximum(node, 0)] - slack, 0.0)

    def _cell1(self, lat: float, lon: float, every: int = 1) -> int:
        """_cell for one point, in plain Python (the planner calls it per leg)."""
        h, w = self.grid_index.shape
        i = round((lat - self.grid_origin[0]) / GRID_STEP_DEG / every) * every
        j = round((lon - self.grid_origin[1]) / GRID_STEP_DEG / every) * every
        if 0 <= i < h and 0 <= j < w:
            return int(self.grid_index[i, j])
        return -1

    def _far_enough(self, lat: F64, lon: F64, profile: str) -> bool:
        """Cheap sufficient test for a straight leg far from every shore (and the avoid zone, on the civil profile)."""
        if len(lat) != 2:
            return False
        a, b = self._cell1(lat[0], lon[0]), self._cell1(lat[1], lon[1])
        if a < 0 or b < 0:
            return False
        la0, lo0, la1, lo1 = (math.radians(float(x)) for x in (lat[0], lon[0], lat[1], lon[1]))
        hav = (
            math.sin((la1 - la0) / 2) ** 2
            + math.cos(la0) * math.cos(la1) * math.sin((lo1 - lo0) / 2) ** 2
        )
        half = 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(hav, 1.0))) / 2000.0
        slack = GRID_STEP_DEG * 111.0 * 0.75
        shore = min(self.node_dshore[a], self.node_dshore[b]) - slack - half
        if shore <= CLEARANCE_DEG * 111.0 * 1.5:
            return False
        if profile == CIVIL and self.avoid is not None:
            zone = min(self.node_zone_km[a], self.node_zone_km[b]) - slack - half
            return bool(zone > self.avoid.zone_nm * 1.852 * 1.1)
        return True

    def nearest_anchor(self, lat: float, lon: float) -> int:
        """The nearest node of the coarse anchor lattice (every ANCHOR_EVERY-th grid line)."""
        node = self._cell1(lat, lon, ANCHOR_EVERY)
        if node >= 0:
            return node
        _, j = self.anchor_tree.query([lat, lon * np.cos(np.radians(42.0))])
        return int(self.anchor_nodes[j])

    def nearest_node(self, lat: float, lon: float) -> int:
        node = self._cell1(lat, lon)
        if node >= 0:
            return node
        _, j = self.tree.query([lat, lon * np.cos(np.radians(42.0))])
        return int(j)

    def _node_path(self, node: int, terminal: str, profile: str) -> list[int]:
        """Nodes from `node` to the terminal along the terminal's shortest-path tree."""
        t = self.terminal_ids.index(terminal)
        pr = self.preds[profile][t]
        target = int(self.terminal_nodes[t])
        if not np.isfinite(self.dist[profile][t, node]):
            raise ValueError(f"no sea route from node {node} to {terminal} ({profile})")
        out = [node]
        while out[-1] != target:
            out.append(int(pr[out[-1]]))
        return out

    def route(
        self,
        start: str | tuple[float, float],
        end: str | tuple[float, float],
        profile: str = "civil",
    ) -> Route:
        """Sea route between two terminals (port or gate ids) or a sea point and a terminal."""
        key = (str(start), str(end), profile)
        if key in self._cache:
            return self._cache[key]
        if isinstance(end, str) and isinstance(start, str):
            tree_end, other, flip = (end, start, False)
            zone_profile = self.avoid.name if self.avoid is not None else None
            if profile == zone_profile and end not in self._zone_terminals(profile):
                tree_end, other, flip = (start, end, True)
            node0 = int(self.terminal_nodes[self.terminal_ids.index(other)])
            nodes = self._node_path(node0, tree_end, profile)
            if flip:
                nodes = nodes[::-1]
            lat, lon = self.node_lat[nodes], self.node_lon[nodes]
        elif isinstance(end, str):
            assert not isinstance(start, str)
            node = self.nearest_node(*start)
            anchor = self.nearest_anchor(*start)
            if anchor != node and self.leg_clear(
                np.array([start[0], self.node_lat[anchor]]),
                np.array([start[1], self.node_lon[anchor]]),
                [],
                profile,
            ):
                node = anchor  # shared cached path from a coarse anchor node
            pulled = self.node_route(node, end, profile)
            if pulled is None:
                raise ValueError(f"no sea route from node {node} to {end} ({profile})")
            zones = [p for p in (self.port(end),) if p is not None]
            # the point joins the cached path at its first vertex, or skips it when clear
            skip = len(pulled.lat) > 2 and self.leg_clear(
                np.array([start[0], pulled.lat[1]]),
                np.array([start[1], pulled.lon[1]]),
                zones,
                profile,
            )
            lat = np.concatenate(([start[0]], pulled.lat[int(skip) :]))
            lon = np.concatenate(([start[1]], pulled.lon[int(skip) :]))
            r = polyline(lat, lon, "SEA", end)
            self._cache[key] = r
            return r
        elif isinstance(start, str):
            back = self.route(end, start, profile)
            r = polyline(back.lat[::-1].copy(), back.lon[::-1].copy(), str(start), str(end))
            self._cache[key] = r
            return r
        else:
            lat = np.array([start[0], end[0]])
            lon = np.array([start[1], end[1]])
        sid = start if isinstance(start, str) else "SEA"
        eid = end if isinstance(end, str) else "SEA"
        zones = [p for p in (self.port(str(sid)), self.port(str(eid))) if p is not None]
        lat, lon = self._pull(lat, lon, zones, profile)
        r = polyline(lat, lon, str(sid), str(eid))
        self._cache[key] = r
        return r

    def node_route(self, node: int, terminal: str, profile: str = SHORTEST) -> Route | None:
        """The string-pulled route from a water node to a terminal along the profile's
        shortest-path tree (cached); None when the terminal cannot be reached from the node."""
        nkey = (f"node{node}", terminal, profile)
        if nkey not in self._cache:
            t = self.terminal_ids.index(terminal)
            if not np.isfinite(self.dist[profile][t, node]):
                return None
            nodes = self._node_path(node, terminal, profile)
            zones = [p for p in (self.port(terminal),) if p is not None]
            nlat, nlon = self._pull(self.node_lat[nodes], self.node_lon[nodes], zones, profile)
            self._cache[nkey] = polyline(nlat, nlon, nkey[0], terminal)
        return self._cache[nkey]

    def water_grid(self) -> SeaGrid:
        """The grid's water nodes by row and column (node numbers as in dist and preds)."""
        i, j = np.nonzero(self.grid_index >= 0)
        order = np.argsort(self.grid_index[i, j])
        return SeaGrid(
            self.grid_origin,
            GRID_STEP_DEG,
            (int(self.grid_index.shape[0]), int(self.grid_index.shape[1])),
            i[order].astype(np.int32),
            j[order].astype(np.int32),
        )

    def _zone_terminals(self, profile: str) -> set[str]:
        """Terminals with a shortest-path tree on the profile (the zone's own, for its profile)."""
        return {
            t for i, t in enumerate(self.terminal_ids) if np.isfinite(self.dist[profile][i]).any()
        }

    def leg_clear(self, lat: F64, lon: F64, zones: list[Port], profile: str = SHORTEST) -> bool:
        """Whether straight legs keep CLEARANCE_DEG off land outside the end ports' circles.

        Civil legs also keep out of the avoid zone unless they start or end inside it.
        """
        if self._far_enough(lat, lon, profile):
            return True
        line: BaseGeometry = shapely.LineString(np.column_stack((lon, lat)))
        if shapely.intersects(self.shore_buffer, line):
            if not zones:
                return False
            line = shapely.difference(line, self._zone_shape(zones))
            if line.is_empty:
                return True
            if shapely.intersects(self.shore_buffer, line):
                return False
        if profile == CIVIL and self.zone_shape is not None:
            ends = shapely.points([lon[0], lon[-1]], [lat[0], lat[-1]])
            if not shapely.intersects(self.zone_shape, ends).any() and shapely.intersects(
                self.zone_shape, line
            ):
                return False
        return True

    def _zone_shape(self, zones: list[Port]) -> BaseGeometry:
        key = ("zones", ",".join(p.id for p in zones), "")
        if key not in self._shapes:
            self._shapes[key] = shapely.union_all([port_circle(p) for p in zones])
        return self._shapes[key]

    def _pull(self, lat: F64, lon: F64, zones: list[Port], profile: str) -> tuple[F64, F64]:
        """Greedy string pulling: keep a vertex only where the straight shortcut is not clear."""
        n = len(lat)
        keep = [0]
        i = 0
        while i < n - 1:
            best = i + 1
            step = 1
            lo_ok, hi_bad = i + 1, None
            while True:
                j = min(i + step * 2, n - 1)
                if self._clear_pair(lat, lon, i, j, zones, profile):
                    lo_ok = j
                    if j == n - 1:
                        break
                    step *= 2
                else:
                    hi_bad = j
                    break
            if hi_bad is not None:
                a, b = lo_ok, hi_bad
                while b - a > 1:
                    m = (a + b) // 2
                    if self._clear_pair(lat, lon, i, m, zones, profile):
                        a = m
                    else:
                        b = m
                lo_ok = a
            best = max(best, lo_ok)
            keep.append(best)
            i = best
        return lat[keep], lon[keep]

    def _clear_pair(
        self, lat: F64, lon: F64, i: int, j: int, zones: list[Port], profile: str
    ) -> bool:
        return self.leg_clear(lat[[i, j]], lon[[i, j]], zones, profile)


def _water_edges(
    land: BaseGeometry,
    node_lat: F64,
    node_lon: F64,
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    dshore: F64,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Keep the grid edges that do not touch land (exact test, near the shore only)."""
    near = np.minimum(dshore[a], dshore[b]) < EDGE_CHECK_SHORE_KM
    k = np.nonzero(near)[0]
    coords = np.stack(
        (
            np.column_stack((node_lon[a[k]], node_lat[a[k]])),
            np.column_stack((node_lon[b[k]], node_lat[b[k]])),
        ),
        axis=1,
    )
    lines = shapely.linestrings(coords)
    keep = np.ones(len(a), dtype=bool)
    keep[k] = ~shapely.intersects(land, lines)
    return a[keep], b[keep]


def _zone_coast(land: Land, box: tuple[float, float, float, float]) -> F64:
    """Coast points (lon, lat) of the land inside box, every ~1 km."""
    lat_min, lat_max, lon_min, lon_max = box
    box = shapely.box(lon_min, lat_min, lon_max, lat_max)
    coast = shapely.intersection(shapely.boundary(land.geometry), box)
    dense = shapely.segmentize(coast, 0.01)
    return np.asarray(shapely.get_coordinates(dense))


def port_circle(port: Port, scale: float = 1.0) -> BaseGeometry:
    """The port's radius as a polygon in lon/lat degrees (an ellipse: degrees shrink east-west)."""
    r = port.radius_km * scale / 111.0
    circle = shapely.Point(port.lon, port.lat).buffer(r, quad_segs=16)
    return shapely.affinity.scale(circle, xfact=1.0 / np.cos(np.radians(port.lat)), yfact=1.0)


def berth_point(land: Land, port: Port) -> tuple[float, float]:
    """The water point nearest the port centre inside its radius (the centre if none)."""
    r_deg = port.radius_km / 111.0
    coslat = np.cos(np.radians(port.lat))
    g = np.arange(-r_deg, r_deg + 1e-12, BERTH_SEARCH_STEP_DEG)
    dy, dx = np.meshgrid(g, g / coslat, indexing="ij")
    lat = port.lat + dy.ravel()
    lon = port.lon + dx.ravel()
    d = haversine_m(lat, lon, port.lat, port.lon)
    ok = d <= port.radius_km * 1000.0 * 0.8
    lat, lon, d = lat[ok], lon[ok], d[ok]
    water = ~land.is_land(lat, lon)
    if not water.any():
        return port.lat, port.lon
    lat, lon, d = lat[water], lon[water], d[water]
    off = land.distance_to_shore_km(lat, lon) >= BERTH_SHORE_KM
    if off.any():
        lat, lon, d = lat[off], lon[off], d[off]
    k = int(np.argmin(d))
    return float(np.round(lat[k], 5)), float(np.round(lon[k], 5))


def _berth_links(
    land: BaseGeometry,
    port: Port,
    blat: float,
    blon: float,
    node_lat: F64,
    node_lon: F64,
    tree: cKDTree,
) -> npt.NDArray[np.int64]:
    """Grid nodes a berth links to: straight links that touch land only inside the port circle."""
    coslat = np.cos(np.radians(42.0))
    circle = port_circle(port)
    for reach in (1.0, 1.6, 2.5):
        r = (port.radius_km * reach) / 111.0 + GRID_STEP_DEG * 1.5
        cand = np.sort(np.asarray(tree.query_ball_point([blat, blon * coslat], r), dtype=np.int64))
        if not cand.size:
            continue
        coords = np.stack(
            (
                np.broadcast_to([blon, blat], (cand.size, 2)),
                np.column_stack((node_lon[cand], node_lat[cand])),
            ),
            axis=1,
        )
        outside = shapely.difference(shapely.linestrings(coords), circle)
        good = cand[~shapely.intersects(land, outside)]
        if good.size:
            return good
    return np.zeros(0, dtype=np.int64)
