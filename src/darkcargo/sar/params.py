"""Radar presets: the detection, land and matching thresholds as one frozen, hashable object.

Built-in presets live in ``presets/*.toml`` (``s1``: Sentinel-1 IW GRD); a user passes their own
TOML file, optionally with ``extends = "s1"`` to override only some values. Every detection row
records the preset name and the hash of the detection and land parameters; matching records the
hash of its own section.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from darkcargo.errors import ConfigError
from darkcargo.presets import PresetFiles, canonical_hash, preset_dict

PRESETS_DIR = Path(__file__).parent / "presets"
BUILTIN_PRESETS = ("s1",)
FILES = PresetFiles(PRESETS_DIR, BUILTIN_PRESETS, "radar preset")
CLUTTER_MODELS = ("gamma", "k", "lognormal")


@dataclass(frozen=True)
class DetectParams:
    pfa: float
    clutter: str
    looks: float
    cell_m: float
    guard_m: float
    background_m: float
    min_background_px: int
    precensor_factor: float
    censor_margin_cells: int
    extent_pfa: float
    min_area_m2: float
    max_length_m: float
    tile_px: int
    sidelobe_m: float
    sidelobe_db: float
    vv_confirm_db: float
    require_vv: bool


@dataclass(frozen=True)
class LandParams:
    resolution: str
    buffer_m: float
    port_buffer_m: float
    near_shore_m: float


@dataclass(frozen=True)
class MatchParams:
    max_gap_s: float
    base_gate_m: float
    gate_per_travel: float
    gate_per_shift: float
    platform_velocity_mps: float
    orbit_height_m: float
    default_incidence_deg: float
    length_weight: float
    length_tolerance: float
    register_min_matches: int
    register_max_m: float


SECTIONS: dict[str, type] = {"detect": DetectParams, "land": LandParams, "match": MatchParams}


@dataclass(frozen=True)
class SarPreset:
    """Every radar-stage parameter of one preset. Frozen; the hashes are stable across runs."""

    name: str
    version: int
    description: str
    detect: DetectParams
    land: LandParams
    match: MatchParams
    source: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return preset_dict(self, SECTIONS)

    @property
    def params_hash(self) -> str:
        """Hash of what decides the detections: the detect and land sections."""
        return canonical_hash(preset_dict(self, ("detect", "land")))

    @property
    def match_hash(self) -> str:
        """Hash of what decides the matching."""
        return canonical_hash(preset_dict(self, ("match",)))

    def with_values(self, **overrides: Any) -> SarPreset:
        """A copy with some detection values changed (e.g. pfa from the command line); the hash
        changes with them, so rows always say what produced them."""
        return dataclasses.replace(self, detect=dataclasses.replace(self.detect, **overrides))


def _validate(path: str, p: SarPreset) -> None:
    d, land = p.detect, p.land
    problems = []
    if not 0.0 < d.pfa < 0.1:
        problems.append(f"pfa = {d.pfa} must be in (0, 0.1)")
    if not d.pfa <= d.extent_pfa < 0.5:
        problems.append(f"extent_pfa = {d.extent_pfa} must be in [pfa, 0.5)")
    if d.clutter not in CLUTTER_MODELS:
        problems.append(f"clutter = {d.clutter!r} must be one of {', '.join(CLUTTER_MODELS)}")
    if not 0 < d.guard_m < d.background_m:
        problems.append("need 0 < guard_m < background_m")
    if d.cell_m <= 0 or d.tile_px < 64 or d.looks <= 0:
        problems.append("cell_m and looks must be positive, tile_px at least 64")
    if land.resolution not in ("10m", "50m", "110m"):
        problems.append(f"land resolution {land.resolution!r} must be 10m, 50m or 110m")
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))


def load_sar_preset(name_or_path: str | Path = "s1") -> SarPreset:
    """Load a built-in radar preset by name or a user TOML file; ConfigError names the file."""
    preset = SarPreset(**FILES.load(name_or_path, SECTIONS))
    _validate(preset.source, preset)
    return preset
