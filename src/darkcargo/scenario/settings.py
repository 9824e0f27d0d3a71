"""Scenario settings: every knob of the simulated season, as one frozen, hashable object.

The settings are written to ``settings.json`` beside the outputs, so a demo can tell whether a
cached season was made with the same knobs (compare ``settings_hash``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class CovertProfile:
    """One covert carrier of the case and how it works the Rajin shuttle.

    ``imo``/``mmsi``/``callsign`` of None are made up (valid IMO check digit, Russian 2731xxxxx
    MMSI) from the seed. Containers per laden trip are drawn uniformly from ``containers``.
    """

    name: str
    active_from: date
    destinations: tuple[str, ...]
    containers: tuple[int, int]
    cycle_days: tuple[float, float]  # Rajin arrival to next Rajin arrival
    imo: int | None = None
    mmsi: int | None = None
    callsign: str | None = None
    length_m: float = 120.0
    beam_m: float = 18.0
    ship_type: int = 70
    ais_on_trip_share: float = 0.2  # share of round trips made with AIS on throughout
    anchor_calls: tuple[tuple[date, int], ...] = ()  # (Rajin arrival date, containers) fixed


DEFAULT_COVERT: tuple[CovertProfile, ...] = (
    CovertProfile(
        name="ANGARA",
        imo=9179842,
        mmsi=273210440,
        callsign="UBYT2",
        active_from=date(2023, 8, 12),
        destinations=("DUNAI", "DUNAI", "VOSTOCHNY"),
        containers=(260, 340),
        cycle_days=(14.0, 18.0),
        length_m=120.0,
        beam_m=19.0,
        # REFERENCE.md section 2: ~300 containers at Najin 7-8 Sep 2023 (official).
        anchor_calls=((date(2023, 9, 7), 300),),
    ),
    CovertProfile(
        name="MARIA",
        imo=8517839,
        active_from=date(2023, 8, 20),
        destinations=("DUNAI",),
        containers=(140, 240),
        cycle_days=(15.0, 21.0),
        length_m=98.0,
        beam_m=16.0,
    ),
    CovertProfile(
        name="MAIA-1",
        active_from=date(2023, 10, 2),
        destinations=("VOSTOCHNY",),
        containers=(170, 215),
        cycle_days=(13.0, 16.0),
        length_m=138.0,
        beam_m=21.0,
    ),
    CovertProfile(
        name="LADY R",
        imo=9161003,
        active_from=date(2024, 1, 3),
        destinations=("VOSTOCHNY",),
        containers=(260, 420),
        cycle_days=(12.0, 16.0),
        length_m=125.0,
        beam_m=20.0,
        ais_on_trip_share=0.0,
    ),
)


@dataclass(frozen=True)
class ScenarioSettings:
    """Knobs of the simulated DPRK -> Russia season. Same settings, same bytes."""

    seed: int = 7
    start: date = date(2023, 8, 1)
    end: date = date(2024, 2, 29)  # inclusive: the season ends at end + 1 day, 00:00 UTC
    vessels: int = 300
    case: str = "dprk_russia"
    # Provider-style product: one position per vessel per interval (ITU-R M.1371 native rates
    # are far denser; the kept report is the first native one after the interval).
    product_interval_s: int = 600
    product_interval_stationary_s: int = 1800
    static_interval_s: int = 6 * 3600
    reception_loss: float = 0.05  # chance a kept report is lost (the next native one is kept)
    # Receivers: terrestrial stations see this far; beyond, only satellite passes.
    station_range_km: float = 74.0
    sat_pass_gap_h: tuple[float, float] = (0.3, 5.0)
    sat_pass_minutes: float = 12.0
    sat_detect_prob: float = 0.9
    gps_jitter_m: float = 8.0
    duplicate_rate: float = 0.002
    corrupt_rate: float = 0.0003
    # Covert shuttle.
    covert: tuple[CovertProfile, ...] = DEFAULT_COVERT
    covert_speed_kn: tuple[float, float] = (10.0, 14.0)
    covert_dwell_days: tuple[float, float] = (1.0, 3.0)
    covert_dark_nm: tuple[float, float] = (35.0, 70.0)  # AIS off within this of Rajin
    # Background traffic mix (shares of the non-covert, non-planted vessels).
    mix: tuple[tuple[str, float], ...] = (
        ("fishing", 0.45),
        ("feeder", 0.13),
        ("bulk", 0.17),
        ("tanker", 0.12),
        ("ferry", 0.03),
        ("transit", 0.10),
    )
    class_b_fishing_share: float = 0.65
    # Planted events.
    planted_encounters: int = 4
    planted_loiterers: int = 2
    planted_spoof_jumps: int = 3
    # Truth definitions (shared with event detection for scoring).
    gap_hours: float = 6.0
    loiter_speed_kn: float = 2.0
    loiter_hours: float = 2.0
    loiter_shore_nm: float = 20.0
    encounter_distance_m: float = 500.0
    encounter_hours: float = 2.0
    encounter_port_km: float = 10.0
    encounter_speed_kn: float = 2.0
    # Sightings of containers on the quay.
    sighting_gap_days: tuple[float, float] = (3.0, 9.0)
    sighting_error: float = 0.08  # relative counting error (1 sigma)

    @cached_property
    def t0(self) -> int:
        """Season start, unix seconds."""
        return utc_seconds(self.start)

    @cached_property
    def t1(self) -> int:
        """Season end (exclusive), unix seconds."""
        return utc_seconds(self.end) + 86400

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(dataclasses.asdict(self))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=1) + "\n"

    @property
    def settings_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:16]


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, date):
        return v.isoformat()
    return v


def utc_seconds(d: date) -> int:
    """Unix seconds of a date's 00:00 UTC."""
    return (d - date(1970, 1, 1)).days * 86400
