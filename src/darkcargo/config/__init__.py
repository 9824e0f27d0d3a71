"""Cases: the watched places and vessels of an investigation, as data files, never code.

The built-in case is ``dprk_russia``; a user passes their own TOML file with the same keys.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from darkcargo.errors import ConfigError
from darkcargo.presets import read_toml

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_CASE = "dprk_russia"
CASE_ENV = "DARKCARGO_CASE"


@dataclass(frozen=True)
class Port:
    id: str
    name: str
    lat: float
    lon: float
    radius_km: float
    locode: str | None = None
    country: str | None = None
    watched: bool = False
    kind: str = "port"
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchedVessel:
    name: str
    imo: int | None = None
    mmsi: int | None = None
    callsign: str | None = None
    flag: str | None = None
    ship_type: str | None = None
    length_m: float | None = None
    teu_capacity: tuple[float, float] | None = None
    notes: str = ""
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    start: str | None
    bbox: tuple[float, float, float, float]
    ports: tuple[Port, ...]
    vessels: tuple[WatchedVessel, ...]
    origin_ports: tuple[str, ...] = ()
    destination_ports: tuple[str, ...] = ()
    source: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def port(self, port_id: str) -> Port:
        for p in self.ports:
            if p.id == port_id:
                return p
        raise KeyError(port_id)


def _case_path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        return path
    return CASES_DIR / f"{name_or_path}.toml"


@cache
def load_case(name_or_path: str | None = None) -> Case:
    """Load a case by built-in name or TOML path (default: $DARKCARGO_CASE or dprk_russia)."""
    name_or_path = name_or_path or os.environ.get(CASE_ENV, DEFAULT_CASE)
    path = _case_path(name_or_path)
    data = read_toml(path, "case")
    try:
        ports = tuple(
            Port(**{**p, "unverified": tuple(p.get("unverified", ()))})
            for p in data.get("ports", [])
        )
        ids = [p.id for p in ports]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ConfigError(f"{path}: port ids must be unique; repeated: {', '.join(repeated)}")
        vessels = tuple(
            WatchedVessel(
                **{
                    **v,
                    "unverified": tuple(v.get("unverified", ())),
                    "teu_capacity": tuple(v["teu_capacity"]) if "teu_capacity" in v else None,
                }
            )
            for v in data.get("vessels", [])
        )
        return Case(
            name=data.get("name", path.stem),
            title=data.get("title", path.stem),
            start=data.get("start"),
            bbox=tuple(data.get("bbox", (-90.0, 90.0, -180.0, 180.0))),  # type: ignore[arg-type]
            ports=ports,
            vessels=vessels,
            origin_ports=tuple(data.get("origin_ports", ())),
            destination_ports=tuple(data.get("destination_ports", ())),
            source=str(path),
        )
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
