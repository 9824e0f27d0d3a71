"""The infer stage's preset: every threshold and score weight, from a versioned TOML file.

The built-in preset is ``presets/infer.toml``; a user passes their own file, optionally with
``extends = "infer"`` under ``[preset]`` to override only some values. The hash of the resolved
parameters is written on every port call and shipment the stage makes.
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
BUILTIN = ("infer",)
DEFAULT_PRESET = "infer"


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
        out: dict[str, Any] = {"name": self.name, "version": self.version}
        for section in SECTIONS:
            out[section] = dataclasses.asdict(getattr(self, section))
        return out

    @property
    def params_hash(self) -> str:
        """First 16 hex digits of SHA-256 over the canonical JSON of the parameters."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def replace(self, section: str, **values: Any) -> InferParams:
        """A copy with some values of one section changed (e.g. --max-speed on the CLI)."""
        new = dataclasses.replace(getattr(self, section), **values)
        return dataclasses.replace(self, **{section: new})


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
        ok = isinstance(v, bool) if kind == "bool" else not isinstance(v, bool)
        if kind == "int":
            ok = ok and isinstance(v, int)
        elif kind == "float":
            ok = ok and isinstance(v, int | float)
        if not ok:
            raise ConfigError(f"{path}: [{section}] {name} = {v!r} is not a {kind}")
        kwargs[name] = float(v) if kind == "float" else v
    return cls(**kwargs)


def _path(name_or_path: str) -> Path:
    if name_or_path in BUILTIN:
        return PRESETS_DIR / f"{name_or_path}.toml"
    path = Path(name_or_path)
    if path.suffix != ".toml":
        raise ConfigError(
            f"{name_or_path}: not a built-in infer preset ({', '.join(BUILTIN)}) or a .toml file"
        )
    return path


def _resolve(path: Path, depth: int = 0) -> dict[str, Any]:
    if depth > 4:
        raise ConfigError(f"{path}: 'extends' chain too deep")
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such preset file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    base = data.get("preset", {}).get("extends")
    if not base:
        return data
    merged = _resolve(_path(str(base)), depth + 1)
    for key, value in data.items():
        merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
    return merged


def load_infer_preset(name_or_path: str | Path | None = None) -> InferParams:
    """Load the built-in preset by name or a user TOML file; ConfigError names the file."""
    path = _path(str(name_or_path or DEFAULT_PRESET))
    data = _resolve(path)
    head = data.get("preset", {})
    if "name" not in head:
        raise ConfigError(f"{path}: [preset] needs a name")
    extra = set(data) - set(SECTIONS) - {"preset"}
    if extra:
        raise ConfigError(f"{path}: unknown sections {sorted(extra)}")
    sections = {s: _coerce(str(path), s, cls, data.get(s, {})) for s, cls in SECTIONS.items()}
    return InferParams(
        name=str(head["name"]),
        version=int(head.get("version", 1)),
        description=str(head.get("description", "")),
        source=str(path),
        **sections,
    )
