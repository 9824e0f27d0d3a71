"""Plain-language pieces of an inferred call's evidence: places, times, distances, courses.

Every sentence an analyst reads about a dark call is built here from numbers the inference
computed; names from the data (ports, vessels) are used as text, never markup.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from darkcargo.geo.distance import NM_M, bearing_deg, haversine_m

POINTS = (
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
)  # fmt: skip


def when(us: int) -> str:
    """A UTC time as '17 Aug 09:25'."""
    return datetime.fromtimestamp(us / 1e6, UTC).strftime("%d %b %H:%M").lstrip("0")


def iso(us: int) -> str:
    return datetime.fromtimestamp(us / 1e6, UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def nm(metres: float) -> str:
    return f"{metres / NM_M:,.0f} nm" if math.isfinite(metres) else "unreachable"


def hours(us: float) -> str:
    h = us / 3.6e9
    return f"{h:.0f} h" if h < 72 else f"{h / 24:.1f} days"


def compass(deg: float) -> str:
    return POINTS[int(((deg % 360) + 11.25) // 22.5) % 16]


def course(deg: float) -> str:
    return f"{deg % 360:03.0f} deg"


def place(lat: float, lon: float, ref_name: str, ref_lat: float, ref_lon: float) -> str:
    """'48 nm ENE of RAJIN' (great circle, from the reference)."""
    d = float(haversine_m(ref_lat, ref_lon, lat, lon))
    if d < NM_M:
        return f"at {ref_name}"
    b = float(bearing_deg(ref_lat, ref_lon, lat, lon))
    return f"{d / NM_M:.0f} nm {compass(b)} of {ref_name}"


def day_of(ts: int, start: int) -> int:
    """Day number of ts within a silence that began at start (day 1 = its first 24 h)."""
    return int((ts - start) // 86_400_000_000) + 1
