"""Detector presets: versioned TOML files turned into one frozen, hashable parameter object.

A preset names every threshold of every detector. Built-in presets live in ``presets/*.toml``
(``gfw`` reproduces Global Fishing Watch's published definitions, ``sensitive`` is for near-shore
legs); a user passes their own file, optionally ``extends = "gfw"`` to override only some values.
The hash of the resolved parameters is recorded on every row the detectors write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from darkcargo.errors import ConfigError
from darkcargo.presets import PresetFiles, canonical_hash, preset_dict

PRESETS_DIR = Path(__file__).parent / "presets"
BUILTIN_PRESETS = ("gfw", "sensitive", "gpsdio", "gfw-pipe-tests")
FILES = PresetFiles(PRESETS_DIR, BUILTIN_PRESETS)


@dataclass(frozen=True)
class ValidityParams:
    max_sog_kn: float
    sog_not_available: tuple[float, ...]


@dataclass(frozen=True)
class SegmentParams:
    max_hours: float
    max_speed_kn: float
    buffer_hours: float
    penalty_hours: float
    hours_exp: float
    track_max_speed_kn: float
    ambiguity_factor: float
    ambiguity_min_points: int
    noise_max_points: int
    noise_max_hours: float
    shared_min_points: int
    shared_min_hours: float


@dataclass(frozen=True)
class PortCallParams:
    hysteresis_km: float
    stop_max_kn: float
    move_min_kn: float
    gap_hours: float
    min_confidence_reported: float
    stop_min_hours: float
    stay_tolerance_km: float
    ais_off_max_kn: float
    leave_max_speed_kn: float
    stray_max_positions: int
    stray_max_hours: float
    report_presence: bool
    sparse_max_prior_positions: int
    sparse_prior_hours: float
    max_silence_hours: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence_reported <= 1.0:
            raise ConfigError(
                f"[port_call] min_confidence_reported = {self.min_confidence_reported} is not on "
                "the 0-1 confidence scale (GFW's levels 3 and 4 are 0.75 and 1.0)"
            )


@dataclass(frozen=True)
class GapParams:
    min_hours: float
    disabling_min_hours: float
    disabling_min_shore_nm: float
    disabling_prior_hours: float
    disabling_min_prior_positions: int
    sparse_max_prior_positions: int
    coastal_nm: float
    near_shore_mode: bool
    reach_max_speed_kn: float
    reach_min_dwell_hours: float
    name_port_within_km: float


@dataclass(frozen=True)
class StopParams:
    max_radius_km: float
    min_hours: float
    max_median_speed_kn: float
    max_gap_hours: float
    stray_max_positions: int
    stray_max_hours: float


@dataclass(frozen=True)
class EncounterParams:
    max_distance_m: float
    min_hours: float
    max_median_speed_kn: float
    min_port_distance_km: float
    slot_minutes: float
    max_interp_gap_hours: float
    merge_hours: float
    candidate_max_speed_kn: float
    per_direction: bool  # one record per direction (GFW pipe-encounters), else one per pair
    near_shore_km: float  # nearer the shore than this: maybe two berths in an unlisted harbour


@dataclass(frozen=True)
class LoiteringParams:
    max_mean_speed_kn: float
    min_hours: float
    min_shore_nm: float
    max_gap_hours: float


@dataclass(frozen=True)
class IdentityParams:
    fields: tuple[str, ...]
    min_repeats: int
    revert_hours: float


@dataclass(frozen=True)
class SpoofParams:
    max_speed_kn: float
    min_distance_km: float


SECTIONS: dict[str, type] = {
    "validity": ValidityParams,
    "segment": SegmentParams,
    "port_call": PortCallParams,
    "gap": GapParams,
    "stop": StopParams,
    "encounter": EncounterParams,
    "loitering": LoiteringParams,
    "identity": IdentityParams,
    "spoof": SpoofParams,
}


@dataclass(frozen=True)
class Preset:
    """All detector parameters of one preset. Frozen; `params_hash` is stable across runs."""

    name: str
    version: int
    description: str
    validity: ValidityParams
    segment: SegmentParams
    port_call: PortCallParams
    gap: GapParams
    stop: StopParams
    encounter: EncounterParams
    loitering: LoiteringParams
    identity: IdentityParams
    spoof: SpoofParams
    source: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The parameters (not the description or source path) as plain JSON-able data."""
        return preset_dict(self, SECTIONS)

    @property
    def params_hash(self) -> str:
        """First 16 hex digits of SHA-256 over the canonical JSON of the parameters."""
        return canonical_hash(self.to_dict())


def load_preset(name_or_path: str | Path = "gfw") -> Preset:
    """Load a built-in preset by name or a user TOML file; raises ConfigError naming the file."""
    return Preset(**FILES.load(name_or_path, SECTIONS))
