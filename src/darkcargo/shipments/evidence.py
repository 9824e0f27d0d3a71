"""What the workspace holds that can corroborate or contradict a dark call, as arrays.

Silences (the `gap` events of the vessels looked at, with the course, speed and draught at
each end), observed calls, radar targets and scenes (the radar stage's `detections` and
`sar_scenes`, read defensively: either may be absent or empty), sightings (vessels at a berth,
containers on a quay). Times are int64 microseconds UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from darkcargo.config import Port
from darkcargo.geo.distance import haversine_m
from darkcargo.sightings.load import query_arrow
from darkcargo.workspace import Workspace

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def _np(t: pa.Table, name: str, dtype: Any = np.float64) -> npt.NDArray[Any]:
    col = t.column(name)
    if dtype is np.float64:
        return np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.asarray(col.fill_null(0).to_numpy(zero_copy_only=False), dtype=dtype)


def table_columns(ws: Workspace, table: str) -> set[str]:
    """The columns of a workspace table (empty when the table does not exist)."""
    rows = ws.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = ?",
        [table],
    ).fetchall()
    return {r[0] for r in rows}


@dataclass
class Silences:
    """Gaps of the vessels looked at, one row each."""

    event_id: list[str]
    mmsi: I64
    t0: I64
    t1: I64
    lat0: F64
    lon0: F64
    lat1: F64
    lon1: F64
    sog0: F64  # speed and course at the last fix before (nan: unknown)
    cog0: F64
    sog1: F64  # ... and at the first fix after
    cog1: F64
    draught0: F64
    draught1: F64
    off_port: list[str | None]
    on_port: list[str | None]
    starts_in_port: npt.NDArray[np.bool_]
    ends_in_port: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.event_id)


def load_silences(ws: Workspace, mmsis: list[int], max_days: float) -> Silences:
    """The gap events of these vessels no longer than max_days, with their ends' kinematics."""
    t = query_arrow(
        ws,
        "SELECT event_id, mmsi, epoch_us(start_ts) AS t0, epoch_us(end_ts) AS t1, "
        "start_ts, end_ts, lat, lon, end_lat, end_lon, "
        "CASE WHEN json_valid(details) THEN json_extract_string(details, '$.off_port') END "
        "AS off_port, "
        "CASE WHEN json_valid(details) THEN json_extract_string(details, '$.on_port') END "
        "AS on_port, "
        "CASE WHEN json_valid(details) THEN "
        "TRY_CAST(json_extract(details, '$.starts_in_port') AS BOOLEAN) END AS sip, "
        "CASE WHEN json_valid(details) THEN "
        "TRY_CAST(json_extract(details, '$.ends_in_port') AS BOOLEAN) END AS eip "
        "FROM events WHERE kind = 'gap' AND mmsi IN (SELECT unnest(?)) "
        "AND lat IS NOT NULL AND end_lat IS NOT NULL "
        "AND epoch_us(end_ts) - epoch_us(start_ts) <= ? ORDER BY mmsi, start_ts, event_id",
        [mmsis or [-1], int(max_days * 86400e6)],
    )
    n = t.num_rows
    sog0 = np.full(n, np.nan)
    cog0 = np.full(n, np.nan)
    sog1 = np.full(n, np.nan)
    cog1 = np.full(n, np.nan)
    dr0 = np.full(n, np.nan)
    dr1 = np.full(n, np.nan)
    if n:
        keys = pa.table(
            {
                "k": pa.array(np.arange(n), pa.int64()),
                "mmsi": t.column("mmsi"),
                "t0": t.column("start_ts"),
                "t1": t.column("end_ts"),
            }
        )
        ws.con.register("infer_silences", keys)
        try:
            for end, sog, cog in (("t0", sog0, cog0), ("t1", sog1, cog1)):
                k = query_arrow(
                    ws,
                    f"SELECT s.k, any_value(p.sog) AS sog, any_value(p.cog) AS cog "
                    f"FROM infer_silences s JOIN positions p ON p.mmsi = s.mmsi AND p.ts = s.{end} "
                    "GROUP BY s.k",
                )
                idx = _np(k, "k", np.int64)
                sog[idx] = _np(k, "sog")
                cog[idx] = _np(k, "cog")
            d = query_arrow(
                ws,
                "WITH st AS (SELECT mmsi, ts, draught_m FROM statics WHERE draught_m > 0 "
                "AND mmsi IN (SELECT mmsi FROM infer_silences)), "
                "b AS (SELECT s.k, st.draught_m AS d0 FROM infer_silences s "
                "ASOF LEFT JOIN st ON s.mmsi = st.mmsi AND s.t0 >= st.ts), "
                "a AS (SELECT s.k, st.draught_m AS d1 FROM infer_silences s "
                "ASOF LEFT JOIN st ON s.mmsi = st.mmsi AND s.t1 <= st.ts) "
                "SELECT b.k, b.d0, a.d1 FROM b JOIN a USING (k)",
            )
            idx = _np(d, "k", np.int64)
            dr0[idx] = _np(d, "d0")
            dr1[idx] = _np(d, "d1")
        finally:
            ws.con.unregister("infer_silences")
    return Silences(
        event_id=t.column("event_id").to_pylist(),
        mmsi=_np(t, "mmsi", np.int64),
        t0=_np(t, "t0", np.int64),
        t1=_np(t, "t1", np.int64),
        lat0=_np(t, "lat"),
        lon0=_np(t, "lon"),
        lat1=_np(t, "end_lat"),
        lon1=_np(t, "end_lon"),
        sog0=sog0,
        cog0=cog0,
        sog1=sog1,
        cog1=cog1,
        draught0=dr0,
        draught1=dr1,
        off_port=t.column("off_port").to_pylist(),
        on_port=t.column("on_port").to_pylist(),
        starts_in_port=np.asarray(t.column("sip").fill_null(False).to_pylist(), dtype=bool),
        ends_in_port=np.asarray(t.column("eip").fill_null(False).to_pylist(), dtype=bool),
    )


@dataclass
class Calls:
    """Observed port calls (the `port_call` events at the case's ports)."""

    rows: list[dict[str, Any]]
    history: dict[tuple[int, str], list[int]] = field(default_factory=dict)  # arrivals (µs)


def load_observed_calls(ws: Workspace, ports: list[str]) -> Calls:
    """Every `port_call` event at these ports, oldest first, with the AIS-off-in-port facts."""
    t = query_arrow(
        ws,
        "SELECT event_id, mmsi, port_id, start_ts, end_ts, epoch_us(start_ts) AS t0, "
        "epoch_us(end_ts) AS t1, confidence, preset, params_hash, "
        "CASE WHEN json_valid(details) THEN "
        "TRY_CAST(json_extract_string(details, '$.left_after') AS TIMESTAMP) END AS left_after "
        "FROM events WHERE kind = 'port_call' AND port_id IN (SELECT unnest(?)) "
        "ORDER BY mmsi, start_ts, event_id",
        [ports or [""]],
    )
    rows = t.to_pylist()
    history: dict[tuple[int, str], list[int]] = {}
    for r in rows:
        history.setdefault((int(r["mmsi"]), r["port_id"]), []).append(int(r["t0"]))
    return Calls(rows, history)


@dataclass
class Targets:
    """Radar targets near the watched ports (dark, or matched to a vessel looked at)."""

    id: list[str]
    scene_id: list[str]
    port: I64  # index into the watched ports
    ts: I64
    lat: F64
    lon: F64
    length_m: F64
    matched_mmsi: I64  # 0 = none
    dark: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.id)


def _nearest_port(lat: F64, lon: F64, ports: list[Port], margin_km: float) -> I64:
    """Index of the port whose radius (+ margin) holds each point, else -1."""
    out = np.full(lat.shape, -1, dtype=np.int64)
    if not ports or not lat.size:
        return out
    plat = np.array([p.lat for p in ports])
    plon = np.array([p.lon for p in ports])
    rad = (np.array([p.radius_km for p in ports]) + margin_km) * 1000.0
    d = haversine_m(lat[:, None], lon[:, None], plat[None, :], plon[None, :])
    inside = d <= rad[None, :]
    k = np.argmin(np.where(inside, d, np.inf), axis=1)
    return np.where(inside.any(axis=1), k, -1)


def load_targets(
    ws: Workspace, ports: list[Port], margin_km: float, t_lo: int, t_hi: int
) -> Targets:
    """Radar targets inside a watched port's radius (+ margin) between two times (µs)."""
    cols = table_columns(ws, "detections")
    need = {"scene_id", "ts", "lat", "lon", "length_m", "matched_mmsi", "dark"}
    empty = Targets([], [], *(np.zeros(0, np.int64),) * 2, *(np.zeros(0),) * 3,
                    np.zeros(0, np.int64), np.zeros(0, bool))  # fmt: skip
    if not need <= cols:
        return empty
    ident = "detection_id" if "detection_id" in cols else "scene_id || '#' || coalesce(row, 0)"
    if ident != "detection_id" and "row" not in cols:
        ident = "scene_id || '#' || CAST(row_number() OVER () AS VARCHAR)"
    t = query_arrow(
        ws,
        f"SELECT {ident} AS id, scene_id, epoch_us(ts) AS t, lat, lon, length_m, matched_mmsi, "
        "dark FROM detections WHERE ts IS NOT NULL AND lat IS NOT NULL "
        "AND epoch_us(ts) BETWEEN ? AND ? ORDER BY ts, id",
        [t_lo, t_hi],
    )
    if not t.num_rows:
        return empty
    lat, lon = _np(t, "lat"), _np(t, "lon")
    port = _nearest_port(lat, lon, ports, margin_km)
    keep = port >= 0
    ids = [x for x, k in zip(t.column("id").to_pylist(), keep, strict=True) if k]
    scenes = [x for x, k in zip(t.column("scene_id").to_pylist(), keep, strict=True) if k]
    return Targets(
        ids,
        [str(s) for s in scenes],
        port[keep],
        _np(t, "t", np.int64)[keep],
        lat[keep],
        lon[keep],
        _np(t, "length_m")[keep],
        _np(t, "matched_mmsi", np.int64)[keep],
        np.asarray(t.column("dark").fill_null(False).to_pylist(), dtype=bool)[keep],
    )


@dataclass
class Scenes:
    """Radar scenes that covered a watched port: one row per (scene, port)."""

    scene_id: list[str]
    port: I64
    ts: I64

    def __len__(self) -> int:
        return len(self.scene_id)


def load_scenes(ws: Workspace, ports: list[Port], t_lo: int, t_hi: int) -> Scenes:
    """Scenes (`sar_scenes`, written by the radar stage) whose footprint holds a watched port's
    position: its footprint polygon when given (WKT), else its bounding box."""
    cols = table_columns(ws, "sar_scenes")
    if not {"scene_id", "ts"} <= cols or not ports:
        return Scenes([], np.zeros(0, np.int64), np.zeros(0, np.int64))
    has_box = {"lat_min", "lat_max", "lon_min", "lon_max"} <= cols
    has_wkt = "footprint_wkt" in cols
    if not has_box and not has_wkt:
        return Scenes([], np.zeros(0, np.int64), np.zeros(0, np.int64))
    sel = ", ".join(
        ["scene_id", "epoch_us(ts) AS t"]
        + (["lat_min", "lat_max", "lon_min", "lon_max"] if has_box else [])
        + (["footprint_wkt"] if has_wkt else [])
    )
    t = query_arrow(
        ws,
        f"SELECT DISTINCT {sel} FROM sar_scenes WHERE ts IS NOT NULL "
        "AND epoch_us(ts) BETWEEN ? AND ? ORDER BY t, scene_id",
        [t_lo, t_hi],
    )
    ids: list[str] = []
    port: list[int] = []
    ts: list[int] = []
    import shapely

    for r in t.to_pylist():
        shape = None
        if has_wkt and r.get("footprint_wkt"):
            try:
                shape = shapely.from_wkt(r["footprint_wkt"])
            except shapely.errors.GEOSException:
                shape = None
        for k, p in enumerate(ports):
            if shape is not None:
                inside = bool(shapely.contains_xy(shape, p.lon, p.lat))
            elif has_box and r["lat_min"] is not None:
                inside = (
                    r["lat_min"] <= p.lat <= r["lat_max"] and r["lon_min"] <= p.lon <= r["lon_max"]
                )
            else:
                inside = False
            if inside:
                ids.append(str(r["scene_id"]))
                port.append(k)
                ts.append(int(r["t"]))
    return Scenes(ids, np.asarray(port, np.int64), np.asarray(ts, np.int64))


@dataclass
class Sightings:
    """Analysts' sightings at the watched ports: vessels at a berth and quay container counts."""

    vessel_rows: list[dict[str, Any]]  # kind vessel_at_berth (any place), with mmsi/imo
    quay_port: I64  # containers_on_quay at a watched port: port index, time, count
    quay_ts: I64
    quay_count: F64
    quay_id: list[str]


def load_sightings(ws: Workspace, ports: list[Port]) -> Sightings:
    ids = {p.id: k for k, p in enumerate(ports)}
    t = query_arrow(
        ws,
        "SELECT sighting_id, epoch_us(ts) AS t, upper(place) AS place, kind, count, count_low, "
        "count_high, mmsi, imo FROM sightings WHERE ts IS NOT NULL ORDER BY ts, sighting_id",
    )
    vessel_rows: list[dict[str, Any]] = []
    qp: list[int] = []
    qt: list[int] = []
    qc: list[float] = []
    qi: list[str] = []
    for r in t.to_pylist():
        if r["kind"] == "vessel_at_berth" and (r["mmsi"] is not None or r["imo"] is not None):
            vessel_rows.append(r)
        elif r["kind"] == "containers_on_quay" and r["place"] in ids:
            c = r["count"]
            if c is None and r["count_low"] is not None and r["count_high"] is not None:
                c = (r["count_low"] + r["count_high"]) / 2.0
            if c is None:
                continue
            qp.append(ids[r["place"]])
            qt.append(int(r["t"]))
            qc.append(float(c))
            qi.append(str(r["sighting_id"]))
    return Sightings(
        vessel_rows, np.asarray(qp, np.int64), np.asarray(qt, np.int64), np.asarray(qc), qi
    )


def fixes_near(ws: Workspace, mmsis: list[int], times: I64, margin_us: int) -> set[tuple[int, int]]:
    """(k, mmsi) pairs where the vessel has an AIS fix within margin of times[k]."""
    if not mmsis or not len(times):
        return set()
    probe = pa.table(
        {"k": pa.array(np.arange(len(times)), pa.int64()), "t": pa.array(times, pa.int64())}
    )
    ws.con.register("infer_probe", probe)
    try:
        t = query_arrow(
            ws,
            "SELECT DISTINCT q.k, p.mmsi FROM infer_probe q JOIN positions p "
            "ON p.mmsi IN (SELECT unnest(?)) "
            "AND epoch_us(p.ts) BETWEEN q.t - ? AND q.t + ?",
            [mmsis, margin_us, margin_us],
        )
    finally:
        ws.con.unregister("infer_probe")
    return set(zip(t.column("k").to_pylist(), t.column("mmsi").to_pylist(), strict=True))


def fixes_around(
    ws: Workspace, mmsi: int, ts: int
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The vessel's last AIS fix before ts and first after (µs times), or None."""
    before = query_arrow(
        ws,
        "SELECT epoch_us(ts) AS t, lat, lon, sog, cog FROM positions WHERE mmsi = ? "
        "AND epoch_us(ts) < ? ORDER BY ts DESC LIMIT 1",
        [mmsi, ts],
    ).to_pylist()
    after = query_arrow(
        ws,
        "SELECT epoch_us(ts) AS t, lat, lon, sog, cog FROM positions WHERE mmsi = ? "
        "AND epoch_us(ts) > ? ORDER BY ts LIMIT 1",
        [mmsi, ts],
    ).to_pylist()
    return (before[0] if before else None), (after[0] if after else None)
