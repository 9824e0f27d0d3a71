"""The infer stage's preset: every threshold and score weight, from a versioned TOML file.

The built-in preset is ``presets/infer.toml``; a user passes their own file, optionally with
``extends = "infer"`` under ``[preset]`` to override only some values. The hash of the resolved
parameters is written on every port call and shipment the stage makes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from darkcargo.errors import ConfigError
from darkcargo.presets import PresetFiles, canonical_hash, preset_dict

PRESETS_DIR = Path(__file__).parent / "presets"
BUILTIN = ("infer",)
DEFAULT_PRESET = "infer"
FILES = PresetFiles(PRESETS_DIR, BUILTIN, "infer preset")


@dataclass(frozen=True)
class VesselParams:
    include_suspicious: bool
    suspicious_origin_calls: int
    suspicious_off_near_origin_nm: float


@dataclass(frozen=True)
class SpeedParams:
    default_top_kn: float
    top_quantile: float
    top_margin: float
    min_top_kn: float
    max_top_kn: float
    underway_min_kn: float
    min_samples: int
    default_typical_kn: float
    typical_quantile: float


@dataclass(frozen=True)
class ReachParams:
    min_dwell_hours: float
    in_port_km: float
    max_gap_days: float
    max_snap_km: float
    heading_min_kn: float
    draught_change_m: float
    long_stay_hours: float


@dataclass(frozen=True)
class RadarParams:
    length_tolerance_m: float
    length_tolerance_share: float
    port_margin_km: float
    scene_margin_hours: float
    fix_margin_hours: float


@dataclass(frozen=True)
class SightingParams:
    window_hours: float
    quay_drop_min: float


@dataclass(frozen=True)
class ScoreParams:
    """Weights of the named terms of a candidate call's logit (see the preset file)."""

    base: float
    no_call: float
    watched: float
    origin_port: float
    history: float
    pattern: float
    idle: float
    heading: float
    detour: float
    approach: float
    top_speed_only: float
    long_silence: float
    same_port_stay: float
    radar_target: float
    radar_vessel: float
    radar_absent: float
    sighting_vessel: float
    sighting_elsewhere: float
    quay_drop: float
    draught_change: float
    min_confidence: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"[score] min_confidence = {self.min_confidence} is not in 0-1")


SECTIONS: dict[str, type] = {
    "vessels": VesselParams,
    "speed": SpeedParams,
    "reach": ReachParams,
    "radar": RadarParams,
    "sightings": SightingParams,
    "score": ScoreParams,
}


@dataclass(frozen=True)
class InferParams:
    """All parameters of one infer preset. Frozen; `params_hash` is stable across runs."""

    name: str
    version: int
    description: str
    vessels: VesselParams
    speed: SpeedParams
    reach: ReachParams
    radar: RadarParams
    sightings: SightingParams
    score: ScoreParams
    source: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return preset_dict(self, SECTIONS)

    @property
    def params_hash(self) -> str:
        """First 16 hex digits of SHA-256 over the canonical JSON of the parameters."""
        return canonical_hash(self.to_dict())

    def replace(self, section: str, **values: Any) -> InferParams:
        """A copy with some values of one section changed (e.g. --max-speed on the CLI)."""
        new = dataclasses.replace(getattr(self, section), **values)
        return dataclasses.replace(self, **{section: new})


def load_infer_preset(name_or_path: str | Path | None = None) -> InferParams:
    """Load the built-in preset by name or a user TOML file; ConfigError names the file."""
    return InferParams(**FILES.load(name_or_path or DEFAULT_PRESET, SECTIONS))
