"""Reading the radar tables back: listing detections with filters, and GeoJSON of detections."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from darkcargo.workspace import Workspace

# Columns `sar detect` prints, in order (the workspace keeps every column).
DETECT_COLUMNS = (
    "file",
    "scene_id",
    "ts",
    "row",
    "col",
    "lat",
    "lon",
    "length_m",
    "width_m",
    "heading_deg",
    "score",
    "polarisation",
    "vv_scr_db",
    "near_shore",
    "port_id",
    "shore_distance_m",
)
# ... of which a terminal table shows these (CSV, JSON and GeoJSON carry them all).
DETECT_TABLE_COLUMNS = (
    "file", "ts", "lat", "lon", "length_m", "width_m", "heading_deg", "score", "polarisation",
    "near_shore", "port_id",
)  # fmt: skip
# Columns `sar list` prints.
LIST_COLUMNS = (
    "detection_id",
    "ts",
    "lat",
    "lon",
    "length_m",
    "heading_deg",
    "score",
    "dark",
    "matched_mmsi",
    "match_distance_m",
    "nearest_mmsi",
    "nearest_ais_m",
    "near_shore",
    "port_id",
)


def list_detections(
    ws: Workspace,
    *,
    dark: bool | None = None,
    port: str | None = None,
    scene: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> pa.Table:
    """Detections in time order, filtered; `dark=True` keeps unmatched ones of matched scenes."""
    where: list[str] = []
    params: list[Any] = []
    if dark is not None:
        where.append("dark = ?")
        params.append(dark)
    if port:
        where.append("upper(port_id) = upper(?)")
        params.append(port)
    if scene:
        where.append("scene_id = ?")
        params.append(scene)
    if since:
        where.append("ts >= ?")
        params.append(since)
    if until:
        where.append("ts < ?")
        params.append(until)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return ws.arrow(
        f"SELECT * FROM detections {clause} ORDER BY ts, scene_id, detection_id", params
    )


def _plain(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def detections_geojson(table: pa.Table) -> dict[str, Any]:
    """A FeatureCollection: one Point per detection (null geometry without a georeference)."""
    feats = []
    for r in table.to_pylist():
        lat, lon = r.get("lat"), r.get("lon")
        located = lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon)
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]} if located else None,
                "properties": {k: _plain(v) for k, v in r.items()},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def geojson_text(table: pa.Table) -> str:
    return json.dumps(detections_geojson(table), indent=1) + "\n"
