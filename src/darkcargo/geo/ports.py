"""Port lists: the case's watched places, plus any CSV such as the World Port Index extract."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from darkcargo.config import Port, load_case
from darkcargo.errors import InputError
from darkcargo.geo.distance import chord_to_m, unit_vectors

DEFAULT_CSV_RADIUS_KM = 4.0


def load_ports_csv(path: str | Path, radius_km: float = DEFAULT_CSV_RADIUS_KM) -> list[Port]:
    """Ports from a CSV with columns label/name, latitude/lat, longitude/lon (WPI layout works).

    Optional columns: id, sublabel, iso3/country, radius_km.
    """
    path = Path(path)
    ports: list[Port] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        for line_no, row in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
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
            country = row.get("country") or row.get("iso3") or None
            port_id = row.get("id") or f"{country or 'XX'}_{name}".upper().replace(" ", "_")
            ports.append(
                Port(
                    id=port_id,
                    name=name.title(),
                    lat=lat,
                    lon=lon,
                    radius_km=float(row.get("radius_km") or radius_km),
                    country=country,
                )
            )
    return ports


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


def case_ports(case: str | None = None, extra_csv: list[str | Path] | None = None) -> list[Port]:
    """The case's ports, then ports from extra CSV files (case ids win on clashes)."""
    ports = list(load_case(case).ports)
    seen = {p.id for p in ports}
    for path in extra_csv or []:
        for p in load_ports_csv(path):
            if p.id not in seen:
                ports.append(p)
                seen.add(p.id)
    return ports
