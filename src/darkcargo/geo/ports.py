"""Port lists: the case's watched places, plus any CSV such as the World Port Index extract.

Every row of a ports file becomes a port with a unique id. An `id` column is taken as given;
otherwise the id is country + name (``USA_NORFOLK``). Where one id would name two different
places (the World Port Index has two PORTSMOUTHs and two PORTLANDs in the USA), each of them
gets a suffix from its sublabel, or else from its coordinates (``USA_PORTSMOUTH_36.82N_76.30W``),
so ids depend on the rows' content, not on their order. The same id at the same place twice is
one port (the rows are reported as duplicates); different names at the same place stay separate
ports and are reported too. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from darkcargo.config import Port, load_case
from darkcargo.errors import InputError
from darkcargo.geo.distance import chord_to_m, haversine_m, m_to_chord, unit_vectors

log = logging.getLogger(__name__)

DEFAULT_CSV_RADIUS_KM = 4.0
SAME_PLACE_KM = 0.5  # two port rows closer than this are the same place


@dataclass(frozen=True)
class PortRow:
    """One row of a ports file, before ids are made unique."""

    source: str  # file name
    line: int
    base_id: str
    explicit_id: bool
    name: str
    sublabel: str
    lat: float
    lon: float
    radius_km: float
    country: str | None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass
class PortsLoad:
    """Ports of the case and the files, with what loading them had to resolve.

    `renamed`: (where, base id, id given) for rows whose id named two places.
    `duplicates`: (where, id, the port it repeats) for rows merged into an earlier port.
    `colocated`: (id, other id, km) for different ports at the same place (both kept).
    """

    ports: list[Port]
    case_ports: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # file -> rows read
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    colocated: list[tuple[str, str, float]] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command's output."""
        files = ", ".join(f"{n} rows of {Path(f).name}" for f, n in self.rows.items())
        text = f"{len(self.ports)} ports ({self.case_ports} from the case"
        text += f", {files})" if files else ")"
        notes = []
        if self.renamed:
            names = len({b for _, b, _ in self.renamed})
            notes.append(
                f"{len(self.renamed)} rows sharing {names} ids with another place got a suffix"
            )
        if self.duplicates:
            notes.append(f"{len(self.duplicates)} duplicate rows (same id, same place) merged")
        if self.colocated:
            notes.append(f"{len(self.colocated)} places listed under two ids (both kept)")
        if notes:
            text += "; " + "; ".join(notes) + " (each listed with --verbose)"
        return text


def _slug(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip()).upper()


def _coord_suffix(lat: float, lon: float, digits: int) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.{digits}f}{ns}_{abs(lon):.{digits}f}{ew}"


def read_port_rows(path: str | Path, radius_km: float | None = None) -> list[PortRow]:
    """Rows of a ports CSV: label/name, latitude/lat, longitude/lon (the WPI layout works);
    optional id, sublabel, iso3/country, radius_km (else `radius_km`, default 4 km)."""
    path = Path(path)
    default_r = DEFAULT_CSV_RADIUS_KM if radius_km is None else radius_km
    rows: list[PortRow] = []
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), f"cannot read ports file ({exc.strerror})") from None
    with fh:
        reader = csv.DictReader(fh)
        for row_raw in reader:
            line_no = reader.line_num
            row = {k.strip().lower(): (v or "").strip() for k, v in row_raw.items() if k}
            name = row.get("name") or row.get("label")
            lat_s = row.get("lat") or row.get("latitude")
            lon_s = row.get("lon") or row.get("longitude")
            if not name or not lat_s or not lon_s:
                raise InputError(
                    str(path), "needs name/label, lat/latitude, lon/longitude", line_no
                )
            try:
                lat, lon = float(lat_s), float(lon_s)
            except ValueError:
                raise InputError(
                    str(path), f"latitude/longitude not numbers: {lat_s!r}, {lon_s!r}", line_no
                ) from None
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                raise InputError(
                    str(path), f"latitude/longitude out of range: {lat_s}, {lon_s}", line_no
                )
            r_s = row.get("radius_km")
            try:
                r = float(r_s) if r_s else default_r
            except ValueError:
                raise InputError(str(path), f"radius_km not a number: {r_s!r}", line_no) from None
            if not (math.isfinite(r) and r > 0):
                raise InputError(str(path), f"radius_km must be above 0: {r_s!r}", line_no)
            country = row.get("country") or row.get("iso3") or None
            given = row.get("id")
            base = given or f"{country or 'XX'}_{_slug(name)}".upper()
            rows.append(
                PortRow(
                    source=str(path),
                    line=line_no,
                    base_id=base,
                    explicit_id=bool(given),
                    name=name,
                    sublabel=row.get("sublabel", ""),
                    lat=lat,
                    lon=lon,
                    radius_km=r,
                    country=country,
                )
            )
    return rows


def _unique_ids(group: list[PortRow], taken: set[str]) -> list[str]:
    """Ids for rows sharing a base id at different places: sublabel, else coordinates with as
    many decimals as it takes (ids follow the rows' content, not their order)."""
    base = group[0].base_id
    subs = [_slug(r.sublabel) for r in group]
    if all(subs) and len(set(subs)) == len(subs):
        ids = [f"{base}_{s}" for s in subs]
        if not taken.intersection(ids):
            return ids
    for digits in (2, 3, 4, 5, 6):
        ids = [f"{base}_{_coord_suffix(r.lat, r.lon, digits)}" for r in group]
        if len(set(ids)) == len(ids) and not taken.intersection(ids):
            return ids
    # unreachable for rows farther apart than SAME_PLACE_KM; keep every row all the same
    return [f"{base}_{_coord_suffix(r.lat, r.lon, 6)}_{k + 1}" for k, r in enumerate(group)]


def _same_place(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> bool:
    return float(haversine_m(a_lat, a_lon, b_lat, b_lon)) <= SAME_PLACE_KM * 1000.0


def resolve_ports(case_ports: list[Port], rows: list[PortRow]) -> PortsLoad:
    """Case ports plus file rows, every row a port with a unique id (see the module note)."""
    load = PortsLoad(ports=list(case_ports), case_ports=len(case_ports))
    case_by_id = {p.id: p for p in case_ports}
    # 1. the same id at the same place twice is one port (the first row, or the case's)
    groups: dict[str, list[PortRow]] = defaultdict(list)
    for r in rows:
        load.rows[r.source] = load.rows.get(r.source, 0) + 1
        case_p = case_by_id.get(r.base_id)
        if case_p is not None and _same_place(r.lat, r.lon, case_p.lat, case_p.lon):
            load.duplicates.append((r.where, r.base_id, f"case port {case_p.id}"))
            continue
        same = next((g for g in groups[r.base_id] if _same_place(r.lat, r.lon, g.lat, g.lon)), None)
        if same is not None:
            load.duplicates.append((r.where, r.base_id, same.where))
            continue
        groups[r.base_id].append(r)
    # 2. an id naming two places (or a case port elsewhere) gets a suffix on every such row
    taken = set(case_by_id) | {b for b, g in groups.items() if len(g) == 1}
    extra: list[Port] = []
    for base, group in groups.items():
        ids = [base]
        if len(group) > 1 or base in case_by_id:
            group.sort(key=lambda r: (r.lat, r.lon, r.where))
            ids = _unique_ids(group, taken)
            taken.update(ids)
            load.renamed.extend((r.where, base, i) for r, i in zip(group, ids, strict=True))
        for r, pid in zip(group, ids, strict=True):
            name = r.name.title() + (f" ({r.sublabel})" if r.sublabel else "")
            extra.append(
                Port(
                    id=pid,
                    name=name,
                    lat=r.lat,
                    lon=r.lon,
                    radius_km=r.radius_km,
                    country=r.country,
                )
            )
    # sorted by id: the same rows in any order give the same port list (and nearest-port ties)
    extra.sort(key=lambda p: p.id)
    load.ports.extend(extra)
    load.colocated = _colocated(load.ports)
    for where, base, pid in load.renamed:
        log.info("%s: port id %s names more than one place; this row is %s", where, base, pid)
    for where, pid, first in load.duplicates:
        log.info("%s: duplicate of port %s (%s, same place); merged", where, pid, first)
    for a, b, km in load.colocated:
        log.info("ports %s and %s are %.2f km apart: one place under two ids", a, b, km)
    return load


def _colocated(ports: list[Port]) -> list[tuple[str, str, float]]:
    """Pairs of different ports within SAME_PLACE_KM of each other."""
    if len(ports) < 2:
        return []
    lat = np.array([p.lat for p in ports])
    lon = np.array([p.lon for p in ports])
    tree = cKDTree(unit_vectors(lat, lon))
    chord = m_to_chord(SAME_PLACE_KM * 1000.0)
    out = []
    for i, j in sorted(tree.query_pairs(chord)):
        km = float(haversine_m(lat[i], lon[i], lat[j], lon[j])) / 1000.0
        out.append((ports[i].id, ports[j].id, round(km, 3)))
    return out


def load_ports_csv(path: str | Path, radius_km: float | None = None) -> list[Port]:
    """Ports of one CSV file (every row a port with a unique id; see `read_port_rows`)."""
    return resolve_ports([], read_port_rows(path, radius_km)).ports


def load_ports(
    case: str | None = None,
    extra_csv: list[str | Path] | None = None,
    radius_km: float | None = None,
) -> PortsLoad:
    """The case's ports, then the rows of extra CSV files (`radius_km`: default radius for
    rows without a radius_km column), with duplicates and renamed ids reported."""
    rows: list[PortRow] = []
    for path in extra_csv or []:
        rows.extend(read_port_rows(path, radius_km))
    return resolve_ports(list(load_case(case).ports), rows)


def case_ports(
    case: str | None = None,
    extra_csv: list[str | Path] | None = None,
    radius_km: float | None = None,
) -> list[Port]:
    """The case's ports, then ports from extra CSV files (see `load_ports`)."""
    return load_ports(case, extra_csv, radius_km).ports


@dataclass(frozen=True)
class PortIndex:
    """Nearest-port lookups over a list of ports (vectorised, KD-tree on the sphere)."""

    ports: tuple[Port, ...]
    tree: cKDTree
    radius_km: npt.NDArray[np.float64]

    @classmethod
    def build(cls, ports: list[Port] | tuple[Port, ...]) -> PortIndex:
        ports = tuple(ports)
        lat = np.array([p.lat for p in ports])
        lon = np.array([p.lon for p in ports])
        return cls(ports, cKDTree(unit_vectors(lat, lon)), np.array([p.radius_km for p in ports]))

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.ports]

    def nearest(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Index of the nearest port and the distance to it in km (index -1, inf for NaN input)."""
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        idx = np.full(lat_a.shape, -1, dtype=np.int64)
        dist = np.full(lat_a.shape, np.inf)
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        if ok.any() and self.ports:
            chord, i = self.tree.query(unit_vectors(lat_a[ok], lon_a[ok]))
            idx[ok] = i
            dist[ok] = chord_to_m(chord) / 1000.0
        return idx, dist
