"""Which vessels inference looks at, and how fast each of them sails.

The case's vessels are found by IMO through `statics` (or the MMSI the case gives, or, for a
case vessel with neither, its AIS name). Suspicious vessels: on a sanctions list (a strong or
medium match of the watch stage, when it has run), or behaving like the case's: an observed call
at one of the case's origin ports, or AIS switched off (an intentional-disabling gap) near one.
A vessel's top speed and typical speed come from its own underway reports where there are
enough of them; the preset's defaults otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from darkcargo.config import Case
from darkcargo.geo.distance import NM_M, haversine_m
from darkcargo.shipments.params import InferParams, SpeedParams
from darkcargo.sightings.load import query_arrow
from darkcargo.workspace import Workspace

MAX_PLAUSIBLE_KN = 40.0  # reported speeds above this are glitches (102.3 = not available)


@dataclass(frozen=True)
class VesselMap:
    """The case's vessels as AIS identities."""

    mmsis: dict[str, list[int]]  # vessel name -> MMSIs
    imo_of: dict[int, int]  # MMSI -> the case's IMO for it
    unmapped: list[str]  # vessels with no AIS identity found
    by_name_only: list[str]  # vessels without IMO or MMSI in the case, matched by AIS name

    @property
    def name_of(self) -> dict[int, str]:
        return {m: name for name, ms in self.mmsis.items() for m in ms}


def _norm_name(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def watched_mmsis(ws: Workspace, case: Case, match_names: bool = True) -> VesselMap:
    """Map the case's vessels to MMSIs: by IMO through `statics`, plus any MMSI the case gives.

    A vessel with neither IMO nor MMSI in the case (MAIA-1 in the built-in case) is matched by
    its AIS name when `match_names` is set, and reported as such: a name is weak evidence
    (several ships are called ANGARA), so only those vessels are ever matched by name.
    """
    imos = [v.imo for v in case.vessels if v.imo]
    pairs: list[tuple[int, int]] = []
    if imos:
        t = query_arrow(
            ws,
            "SELECT DISTINCT mmsi, imo FROM statics WHERE imo IN (SELECT unnest(?)) "
            "AND mmsi IS NOT NULL",
            [imos],
        )
        pairs = list(zip(t.column("mmsi").to_pylist(), t.column("imo").to_pylist(), strict=True))
    mmsis: dict[str, list[int]] = {}
    imo_of: dict[int, int] = {}
    unmapped: list[str] = []
    for v in case.vessels:
        found = sorted(
            {m for m, i in pairs if v.imo and i == v.imo} | ({v.mmsi} if v.mmsi else set())
        )
        if found:
            mmsis[v.name] = found
            for m in found:
                if v.imo:
                    imo_of[m] = v.imo
    claimed = {m for ms in mmsis.values() for m in ms}
    by_name_only: list[str] = []
    names: list[tuple[int, str]] | None = None
    for v in case.vessels:
        if v.name in mmsis:
            continue
        if match_names and not v.imo and not v.mmsi:
            if names is None:
                t = query_arrow(
                    ws,
                    "SELECT DISTINCT mmsi, name FROM statics WHERE name IS NOT NULL "
                    "AND mmsi IS NOT NULL",
                )
                names = list(
                    zip(t.column("mmsi").to_pylist(), t.column("name").to_pylist(), strict=True)
                )
            key = _norm_name(v.name)
            found = sorted({m for m, n in names if _norm_name(n) == key and m not in claimed})
            if found:
                mmsis[v.name] = found
                by_name_only.append(v.name)
                continue
        unmapped.append(v.name)
    return VesselMap(mmsis, imo_of, unmapped, by_name_only)


def suspicious_mmsis(
    ws: Workspace, case: Case, params: InferParams, exclude: set[int]
) -> dict[int, str]:
    """Vessels outside the case that behave like its vessels, with the reason (MMSI -> text)."""
    vp = params.vessels
    if not vp.include_suspicious or not case.origin_ports:
        return {}
    out: dict[int, str] = {}
    t = query_arrow(
        ws,
        "SELECT mmsi, port_id, count(*) AS n FROM events WHERE kind = 'port_call' "
        "AND port_id IN (SELECT unnest(?)) GROUP BY ALL ORDER BY mmsi, port_id",
        [list(case.origin_ports)],
    )
    for r in t.to_pylist():
        if r["mmsi"] not in exclude and r["n"] >= vp.suspicious_origin_calls:
            out.setdefault(int(r["mmsi"]), f"called at {r['port_id']} ({r['n']}x on AIS)")
    # on a sanctions list: a strong or medium match of the watch stage (read when it has run)
    cols = {
        r[0]
        for r in ws.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'matches'"
        ).fetchall()
    }
    if {"mmsi", "kind", "entry_id"} <= cols:
        for r in query_arrow(
            ws,
            "SELECT mmsi, min(entry_id) AS entry FROM matches WHERE kind IN ('strong', 'medium') "
            "AND mmsi IS NOT NULL GROUP BY mmsi ORDER BY mmsi",
        ).to_pylist():
            if r["mmsi"] not in exclude:
                out.setdefault(int(r["mmsi"]), f"on a sanctions list ({r['entry']})")
    origins = [case.port(p) for p in case.origin_ports]
    g = query_arrow(
        ws,
        "SELECT mmsi, lat, lon, end_lat, end_lon FROM events WHERE kind = 'gap' "
        "AND json_valid(details) "
        "AND coalesce(TRY_CAST(json_extract(details, '$.intentional_disabling') AS BOOLEAN), "
        "false) AND lat IS NOT NULL",
    )
    if g.num_rows:
        mmsi = g.column("mmsi").to_numpy()
        lat = g.column("lat").to_numpy(zero_copy_only=False)
        lon = g.column("lon").to_numpy(zero_copy_only=False)
        plat = np.array([p.lat for p in origins])
        plon = np.array([p.lon for p in origins])
        near_nm = (
            haversine_m(lat[:, None], lon[:, None], plat[None, :], plon[None, :]).min(axis=1) / NM_M
        )
        for m, d in zip(mmsi.tolist(), near_nm.tolist(), strict=True):
            if m not in exclude and d <= vp.suspicious_off_near_origin_nm:
                out.setdefault(int(m), f"AIS off {d:.0f} nm from an origin port")
    return out


@dataclass(frozen=True)
class Speeds:
    """Per vessel, its plausible top speed and typical underway speed (kn), and their source."""

    top_kn: dict[int, float]
    typical_kn: dict[int, float]
    samples: dict[int, int]  # underway reports the speeds came from (0: preset defaults)

    def top(self, mmsi: int, default: float) -> float:
        return self.top_kn.get(mmsi, default)

    def typical(self, mmsi: int, default: float) -> float:
        return self.typical_kn.get(mmsi, default)


def vessel_speeds(ws: Workspace, mmsis: list[int], sp: SpeedParams) -> Speeds:
    """Top speed = the top_quantile of the vessel's underway reports x top_margin (clamped);
    typical speed = their typical_quantile; preset defaults with fewer than min_samples."""
    top: dict[int, float] = {}
    typ: dict[int, float] = {}
    samples: dict[int, int] = {}
    if mmsis:
        t = query_arrow(
            ws,
            "SELECT mmsi, count(*) AS n, quantile_cont(sog, ?) AS top, "
            "quantile_cont(sog, ?) AS typ FROM positions "
            "WHERE mmsi IN (SELECT unnest(?)) AND sog >= ? AND sog < ? GROUP BY mmsi",
            [sp.top_quantile, sp.typical_quantile, mmsis, sp.underway_min_kn, MAX_PLAUSIBLE_KN],
        )
        for r in t.to_pylist():
            m, n = int(r["mmsi"]), int(r["n"])
            samples[m] = n
            if n < sp.min_samples:
                continue
            top[m] = float(np.clip(r["top"] * sp.top_margin, sp.min_top_kn, sp.max_top_kn))
            typ[m] = float(min(r["typ"], top[m]))
    for m in mmsis:
        if m not in top:
            top[m] = sp.default_top_kn
            typ[m] = min(sp.default_typical_kn, sp.default_top_kn)
            samples[m] = samples.get(m, 0) if samples.get(m, 0) >= sp.min_samples else 0
    return Speeds(top, typ, samples)


def vessel_lengths(
    ws: Workspace, case: Case, vmap: VesselMap, mmsis: list[int]
) -> dict[int, float]:
    """Length overall per MMSI: the case file's when it gives one, else the AIS static reports'
    median (missing when neither says)."""
    out: dict[int, float] = {}
    if mmsis:
        t = query_arrow(
            ws,
            "SELECT mmsi, median(length_m) AS l FROM statics WHERE mmsi IN (SELECT unnest(?)) "
            "AND length_m > 0 GROUP BY mmsi",
            [mmsis],
        )
        for r in t.to_pylist():
            out[int(r["mmsi"])] = float(r["l"])
    by_name = {v.name: v for v in case.vessels}
    for name, ms in vmap.mmsis.items():
        length = by_name[name].length_m
        if length:
            for m in ms:
                out[m] = float(length)
    return out


def imo_map(ws: Workspace, vmap: VesselMap) -> dict[int, int]:
    """MMSI -> IMO: the latest IMO each MMSI broadcast, the case's where it gives one."""
    t = query_arrow(
        ws,
        "SELECT mmsi, arg_max(imo, ts) AS imo FROM statics WHERE imo IS NOT NULL GROUP BY mmsi",
    )
    out = dict(zip(t.column("mmsi").to_pylist(), t.column("imo").to_pylist(), strict=True))
    out.update(vmap.imo_of)
    return out


def names_of(ws: Workspace, mmsis: list[int]) -> dict[int, str]:
    """The latest AIS name of each MMSI (for sentences)."""
    if not mmsis:
        return {}
    t: pa.Table = query_arrow(
        ws,
        "SELECT mmsi, arg_max(name, ts) AS name FROM statics WHERE mmsi IN (SELECT unnest(?)) "
        "AND name IS NOT NULL GROUP BY mmsi",
        [mmsis],
    )
    return dict(zip(t.column("mmsi").to_pylist(), t.column("name").to_pylist(), strict=True))
