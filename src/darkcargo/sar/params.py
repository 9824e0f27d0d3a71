"""Radar presets: the detection, land and matching thresholds as one frozen, hashable object.

Built-in presets live in ``presets/*.toml`` (``s1``: Sentinel-1 IW GRD); a user passes their own
TOML file, optionally with ``extends = "s1"`` to override only some values. Every detection row
records the preset name and the hash of the detection and land parameters; matching records the
hash of its own section.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from darkcargo.errors import ConfigError

PRESETS_DIR = Path(__file__).parent / "presets"
BUILTIN_PRESETS = ("s1",)
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


def _hash(obj: Any) -> str:
    blob = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


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
        out: dict[str, Any] = {"name": self.name, "version": self.version}
        for section in SECTIONS:
            out[section] = dataclasses.asdict(getattr(self, section))
        return out

    @property
    def params_hash(self) -> str:
        """Hash of what decides the detections: the detect and land sections."""
        d = self.to_dict()
        return _hash(
            {"name": d["name"], "version": d["version"], "detect": d["detect"], "land": d["land"]}
        )

    @property
    def match_hash(self) -> str:
        """Hash of what decides the matching."""
        d = self.to_dict()
        return _hash({"name": d["name"], "version": d["version"], "match": d["match"]})

    def with_values(self, **overrides: Any) -> SarPreset:
        """A copy with some detection values changed (e.g. pfa from the command line); the hash
        changes with them, so rows always say what produced them."""
        return dataclasses.replace(self, detect=dataclasses.replace(self.detect, **overrides))


def _coerce(path: str, section: str, cls: type, values: dict[str, Any]) -> Any:
    names = {f.name: f for f in fields(cls)}
    unknown = set(values) - set(names)
    if unknown:
        raise ConfigError(f"{path}: [{section}] has unknown keys {sorted(unknown)}")
    missing = set(names) - set(values)
    if missing:
        raise ConfigError(f"{path}: [{section}] is missing {sorted(missing)}")
    kwargs: dict[str, Any] = {}
    for name, f in names.items():
        v = values[name]
        kind = str(f.type)
        try:
            if kind == "bool":
                if not isinstance(v, bool):
                    raise TypeError
                kwargs[name] = v
                continue
            if isinstance(v, bool):
                raise TypeError
            if kind == "int":
                if int(v) != v:
                    raise TypeError
                kwargs[name] = int(v)
            elif kind == "str":
                if not isinstance(v, str):
                    raise TypeError
                kwargs[name] = v
            else:
                kwargs[name] = float(v)
        except (TypeError, ValueError):
            raise ConfigError(f"{path}: [{section}] {name} = {v!r} is not a {kind}") from None
    return cls(**kwargs)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such preset file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _preset_path(name_or_path: str) -> Path:
    if name_or_path in BUILTIN_PRESETS:
        return PRESETS_DIR / f"{name_or_path}.toml"
    path = Path(name_or_path)
    if path.suffix != ".toml":
        raise ConfigError(
            f"{name_or_path}: not a built-in radar preset ({', '.join(BUILTIN_PRESETS)}) or a .toml file"
        )
    return path


def _resolve(path: Path, depth: int = 0) -> dict[str, Any]:
    if depth > 4:
        raise ConfigError(f"{path}: 'extends' chain too deep")
    data = _read_toml(path)
    base_name = data.get("preset", {}).get("extends")
    if not base_name:
        return data
    merged = _resolve(_preset_path(str(base_name)), depth + 1)
    for key, value in data.items():
        merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
    return merged


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
    path = _preset_path(str(name_or_path))
    data = _resolve(path)
    head = data.get("preset", {})
    if "name" not in head:
        raise ConfigError(f"{path}: [preset] needs a name")
    extra = set(data) - set(SECTIONS) - {"preset"}
    if extra:
        raise ConfigError(f"{path}: unknown sections {sorted(extra)}")
    sections = {s: _coerce(str(path), s, cls, data.get(s, {})) for s, cls in SECTIONS.items()}
    preset = SarPreset(
        name=str(head["name"]),
        version=int(head.get("version", 1)),
        description=str(head.get("description", "")),
        source=str(path),
        **sections,
    )
    _validate(str(path), preset)
    return preset
