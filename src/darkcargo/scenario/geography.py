"""Places the scenario uses beyond the case file: ports, sea gates, fishing grounds, receivers.

Coordinates are town or harbour centres rounded to about 1 km (public gazetteers); radii cover
the basin and its anchorage like the case ports do. Natural Earth's 10m coast is generalised,
so several of these centres (like most case ports) fall on its land: vessels berth at the
nearest water inside the radius, and tracks may touch the generalised land only there.
"""

from __future__ import annotations

from dataclasses import dataclass

from darkcargo.config import Port


def _port(pid: str, name: str, lat: float, lon: float, radius_km: float, country: str) -> Port:
    return Port(id=pid, name=name, lat=lat, lon=lon, radius_km=radius_km, country=country)


# Ports that are not in the case file. Written to ports.csv so detection sees every place used.
EXTRA_PORTS: tuple[Port, ...] = (
    _port("BUSAN", "Busan", 35.0800, 129.0600, 6.0, "KR"),
    _port("ULSAN", "Ulsan", 35.5000, 129.3900, 5.0, "KR"),
    _port("POHANG", "Pohang (Yeongil Bay)", 36.0500, 129.4000, 5.0, "KR"),
    _port("DONGHAE", "Donghae", 37.4900, 129.1400, 4.0, "KR"),
    _port("JUMUNJIN", "Jumunjin", 37.8900, 128.8300, 3.0, "KR"),
    _port("SOKCHO", "Sokcho", 38.2050, 128.6000, 3.0, "KR"),
    _port("NIIGATA", "Niigata", 37.9400, 139.0600, 5.0, "JP"),
    _port("FUSHIKI_TOYAMA", "Fushiki-Toyama", 36.7900, 137.0600, 5.0, "JP"),
    _port("KANAZAWA", "Kanazawa", 36.6100, 136.6000, 4.0, "JP"),
    _port("MAIZURU", "Maizuru", 35.4900, 135.3700, 5.0, "JP"),
    _port("SAKAIMINATO", "Sakaiminato", 35.5500, 133.2400, 5.0, "JP"),
    _port("HAKATA", "Hakata (Fukuoka)", 33.6100, 130.4000, 5.0, "JP"),
    _port("AKITA", "Akita", 39.7500, 140.0600, 4.0, "JP"),
    _port("OTARU", "Otaru", 43.2000, 141.0100, 4.0, "JP"),
    _port("SLAVYANKA", "Slavyanka", 42.8550, 131.4000, 4.0, "RU"),
)


@dataclass(frozen=True)
class Gate:
    """Where traffic enters or leaves the simulated sea (a strait at the edge of the area)."""

    id: str
    name: str
    lat: float
    lon: float


GATES: tuple[Gate, ...] = (
    Gate("KOREA_STRAIT", "Korea Strait, south-west exit", 33.55, 128.80),
    Gate("TSUGARU", "Tsugaru Strait, Pacific side", 41.45, 141.55),
    Gate("SOYA", "La Perouse (Soya) Strait", 45.75, 141.85),
    Gate("TATAR", "Tatar Strait, north", 45.90, 139.40),
)


@dataclass(frozen=True)
class Ground:
    """A fishing ground: a lat/lon box (spots inside it are kept >= the loitering shore distance)."""

    id: str
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float
    countries: tuple[str, ...]


GROUNDS: tuple[Ground, ...] = (
    Ground("KOREA_EAST", 36.6, 38.6, 129.9, 131.4, ("KR",)),
    Ground("ULLEUNG_SOUTH", 35.8, 36.9, 130.0, 131.4, ("KR",)),
    Ground("YAMATO_BANK", 39.0, 40.3, 134.3, 135.9, ("KR", "JP")),
    Ground("OKI_NORTH", 36.6, 37.8, 133.0, 134.8, ("JP",)),
    Ground("SADO_WEST", 37.9, 39.2, 136.8, 138.2, ("JP",)),
    Ground("PRIMORYE_SOUTH", 41.2, 42.2, 131.4, 133.4, ("RU",)),
    Ground("HOKKAIDO_WEST", 42.6, 44.2, 138.6, 139.9, ("JP", "RU")),
)


@dataclass(frozen=True)
class Station:
    """A terrestrial AIS receiver (tag-block source id: six characters, fixed width)."""

    id: str
    lat: float
    lon: float


STATIONS: tuple[Station, ...] = (
    Station("RUKHS1", 42.43, 130.64),  # Khasan / Kraskino: sees Rajin
    Station("RUVVO1", 43.10, 131.90),
    Station("RUNKH1", 42.78, 132.90),
    Station("RUPLA1", 44.73, 136.30),
    Station("RURUD1", 44.35, 135.80),
    Station("RUSGV1", 45.60, 138.00),
    Station("KRSKC1", 38.20, 128.60),
    Station("KRDHE1", 37.50, 129.13),
    Station("KRULL1", 37.48, 130.90),
    Station("KRPOH1", 36.05, 129.40),
    Station("KRBSN1", 35.10, 129.05),
    Station("JPTSU1", 34.40, 129.30),
    Station("JPHMD1", 34.90, 132.07),
    Station("JPOKI1", 36.20, 133.30),
    Station("JPMAI1", 35.50, 135.40),
    Station("JPNOT1", 37.40, 137.00),
    Station("JPSAD1", 38.05, 138.30),
    Station("JPNIG1", 37.95, 139.05),
    Station("JPAKT1", 39.75, 140.00),
    Station("JPOKU1", 42.15, 139.50),
    Station("JPOTR1", 43.20, 141.00),
    Station("JPRIS1", 45.20, 141.20),
    Station("JPSAK1", 35.55, 133.24),
    Station("JPHKT1", 33.60, 130.40),
    Station("JPHKD1", 41.77, 140.72),  # Tsugaru Strait
    Station("JPTAP1", 41.25, 140.35),
    Station("JPWKN1", 45.41, 141.67),  # La Perouse Strait
)
SATELLITE_STATIONS: tuple[str, ...] = ("SAT101", "SAT102", "SAT103", "SAT104")
