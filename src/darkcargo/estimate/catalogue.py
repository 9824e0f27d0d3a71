"""The estimate catalogue: containers, munitions, packaging and priors, loaded from TOML data.

The built-in file is ``catalogue.toml`` beside this module; a user file of the same shape adds
or overrides entries. Every parameter carries its source and a tag (OFF/TT/MED/DER/UNV) so that
each estimate can name the unverified parameters it relied on.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from darkcargo.errors import ConfigError
from darkcargo.presets import canonical_hash, read_toml

BUILTIN_CATALOGUE = Path(__file__).with_name("catalogue.toml")
TAGS: tuple[str, ...] = ("OFF", "TT", "MED", "DER", "UNV")
CONTAINER_PARAMS: tuple[str, ...] = (
    "inside_length_m",
    "inside_width_m",
    "inside_height_m",
    "tare_kg",
    "max_payload_kg",
)
COMPONENT_PARAMS: tuple[str, ...] = (
    "mass_kg",
    "per_crate",
    "crate_mass_kg",
    "crate_length_m",
    "crate_width_m",
    "crate_height_m",
)
MODEL_PARAMS: tuple[str, ...] = (
    "packing_efficiency",
    "older_box_share",
    "dunnage_kg",
    "other_cargo_share",
    "load_factor",
    "inferred_trip_share",
    "sighting_rel_error",
)


@dataclass(frozen=True)
class Param:
    """One catalogue figure: fixed, uniform, triangular or discrete, with its provenance."""

    id: str
    tag: str
    source: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    choices: tuple[float, ...] = ()
    unit: str = ""
    label: str = ""
    note: str = ""

    @property
    def unverified(self) -> bool:
        return self.tag == "UNV"

    @property
    def fixed(self) -> bool:
        return self.value is not None or (len(self.choices) == 1)

    @property
    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value the parameter can take."""
        if self.value is not None:
            return (self.value, self.value)
        if self.choices:
            return (min(self.choices), max(self.choices))
        assert self.low is not None and self.high is not None
        return (self.low, self.high)

    @property
    def central(self) -> float:
        """A representative value (the value, mode, or mid-range) for summaries."""
        if self.value is not None:
            return self.value
        if self.mode is not None:
            return self.mode
        lo, hi = self.bounds
        return (lo + hi) / 2

    def describe(self) -> str:
        """Human-readable range, e.g. '12-25 kg' or '43.56 kg'."""
        unit = f" {self.unit}" if self.unit else ""
        if self.value is not None:
            return f"{_fmt(self.value)}{unit}"
        if self.choices:
            return "{" + ", ".join(_fmt(c) for c in self.choices) + "}" + unit
        lo, hi = self.bounds
        mode = f" (mode {_fmt(self.mode)})" if self.mode is not None else ""
        return f"{_fmt(lo)}-{_fmt(hi)}{unit}{mode}"

    def distribution(self) -> str:
        if self.value is not None:
            return "fixed"
        if self.choices:
            return "choice"
        return "triangular" if self.mode is not None else "uniform"

    def sample(self, n: int, rng: np.random.Generator) -> float | np.ndarray:
        """n draws (an array), or the fixed value itself (a float) when there is no spread."""
        if self.value is not None:
            return float(self.value)
        if self.choices:
            if len(self.choices) == 1:
                return float(self.choices[0])
            return np.asarray(self.choices, dtype=np.float64)[rng.integers(0, len(self.choices), n)]
        assert self.low is not None and self.high is not None
        if self.low == self.high:
            return float(self.low)
        if self.mode is not None:
            return rng.triangular(self.low, self.mode, self.high, n)
        return rng.uniform(self.low, self.high, n)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "distribution": self.distribution()}
        for key in ("value", "low", "mode", "high"):
            v = getattr(self, key)
            if v is not None:
                out[key] = v
        if self.choices:
            out["choices"] = list(self.choices)
        out.update(unit=self.unit, tag=self.tag, source=self.source, unverified=self.unverified)
        if self.label:
            out["label"] = self.label
        if self.note:
            out["note"] = self.note
        return out


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"


@dataclass(frozen=True)
class Container:
    key: str
    name: str
    params: dict[str, Param]

    def p(self, name: str) -> Param:
        return self.params[name]


@dataclass(frozen=True)
class Component:
    name: str
    params: dict[str, Param]


@dataclass(frozen=True)
class Munition:
    key: str
    name: str
    item: str
    caliber: str
    components: tuple[Component, ...]
    aliases: tuple[str, ...] = ()
    official: str | None = None

    @property
    def quantity(self) -> str:
        """Name of the estimated quantity: rounds_152mm, rounds_122mm, rockets_122mm, ..."""
        unit = "rockets" if self.item == "rockets" else "rounds"
        return f"{unit}_{self.caliber or self.key}"

    def params(self) -> list[Param]:
        return [p for c in self.components for p in c.params.values()]


@dataclass(frozen=True)
class OfficialStatement:
    id: str
    date: str
    who: str
    containers: float
    equivalents: dict[str, float]
    tag: str
    source: str

    def ratio(self, key: str) -> float | None:
        rounds = self.equivalents.get(key)
        return None if rounds is None else rounds / self.containers


@dataclass(frozen=True)
class Catalogue:
    containers: dict[str, Container]
    munitions: dict[str, Munition]
    model: dict[str, Param]
    official: tuple[OfficialStatement, ...]
    sources: tuple[str, ...]
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    def container(self, key: str) -> Container:
        k = key.strip().lower().replace(" ", "")
        if k in ("20", "20'"):
            k = "20ft"
        if k in ("40", "40'"):
            k = "40ft"
        if k not in self.containers:
            raise ConfigError(
                f"unknown container {key!r}; the catalogue has {', '.join(sorted(self.containers))}"
            )
        return self.containers[k]

    def munition(self, key: str) -> Munition:
        k = key.strip().lower()
        if k in self.munitions:
            return self.munitions[k]
        for m in self.munitions.values():
            if k in (a.lower() for a in m.aliases):
                return m
        raise ConfigError(
            f"unknown munition {key!r}; the catalogue has {', '.join(sorted(self.munitions))}"
        )

    def official_ratios(self, key: str) -> list[tuple[OfficialStatement, float]]:
        """(statement, rounds per container) for every official statement giving `key`."""
        out = []
        for s in self.official:
            r = s.ratio(key)
            if r is not None:
                out.append((s, r))
        return out

    def hash(self) -> str:
        """Stable hash of the merged catalogue content (for params_hash)."""
        return canonical_hash(self.raw, compact=False)


# -- loading -----------------------------------------------------------------------------------
def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `over` into a copy of `base`. Lists are replaced, except [[official]]."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key == "official" and isinstance(value, list):
            by_id = {o.get("id"): i for i, o in enumerate(out.get("official", []))}
            merged = list(out.get("official", []))
            for entry in value:
                i = by_id.get(entry.get("id"))
                if i is None:
                    merged.append(copy.deepcopy(entry))
                else:
                    merged[i] = copy.deepcopy(entry)
            out["official"] = merged
        elif isinstance(value, Mapping) and isinstance(out.get(key), dict) and not _is_param(value):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _is_param(d: Mapping[str, Any]) -> bool:
    return any(k in d for k in ("value", "low", "high", "choices"))


def _param(where: str, pid: str, d: Any, origin: str) -> Param:
    if not isinstance(d, Mapping):
        raise ConfigError(f"{origin}: {where}: expected an inline table with value or low/high")
    tag = str(d.get("tag", "")).upper()
    if tag not in TAGS:
        raise ConfigError(f"{origin}: {where}: tag must be one of {', '.join(TAGS)}, got {tag!r}")
    if not d.get("source"):
        raise ConfigError(f"{origin}: {where}: every parameter needs a source")

    def num(key: str) -> float | None:
        v = d.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ConfigError(f"{origin}: {where}.{key}: expected a number, got {v!r}")
        return float(v)

    value, low, high, mode = num("value"), num("low"), num("high"), num("mode")
    choices_raw = d.get("choices", [])
    if not isinstance(choices_raw, list) or not all(
        isinstance(c, int | float) and not isinstance(c, bool) for c in choices_raw
    ):
        raise ConfigError(f"{origin}: {where}.choices: expected a list of numbers")
    choices = tuple(float(c) for c in choices_raw)
    kinds = (value is not None) + (low is not None or high is not None) + bool(choices)
    if kinds != 1:
        raise ConfigError(f"{origin}: {where}: give exactly one of value, low/high, or choices")
    if (low is None) != (high is None):
        raise ConfigError(f"{origin}: {where}: low and high go together")
    if low is not None and high is not None:
        if low > high:
            raise ConfigError(f"{origin}: {where}: low {low} > high {high}")
        if mode is not None and not low <= mode <= high:
            raise ConfigError(f"{origin}: {where}: mode {mode} outside [{low}, {high}]")
    lo = value if value is not None else (min(choices) if choices else low)
    if lo is not None and lo < 0:
        raise ConfigError(f"{origin}: {where}: negative values make no sense here")
    return Param(
        id=pid,
        tag=tag,
        source=str(d["source"]),
        value=value,
        low=low,
        high=high,
        mode=mode,
        choices=choices,
        unit=str(d.get("unit", "")),
        label=str(d.get("label", "")),
        note=str(d.get("note", "")),
    )


def _build(raw: dict[str, Any], origin: str, sources: tuple[str, ...]) -> Catalogue:
    containers: dict[str, Container] = {}
    for key, c in raw.get("containers", {}).items():
        params = {
            name: _param(f"containers.{key}.{name}", f"container.{key}.{name}", c[name], origin)
            for name in c
            if isinstance(c[name], Mapping)
        }
        missing = [p for p in CONTAINER_PARAMS if p not in params]
        if missing:
            raise ConfigError(f"{origin}: containers.{key}: missing {', '.join(missing)}")
        containers[key.lower()] = Container(
            key=key.lower(), name=str(c.get("name", key)), params=params
        )

    model = {
        name: _param(f"model.{name}", name, d, origin) for name, d in raw.get("model", {}).items()
    }
    missing = [p for p in MODEL_PARAMS if p not in model]
    if missing:
        raise ConfigError(f"{origin}: [model]: missing {', '.join(missing)}")
    shares = (
        "packing_efficiency",
        "older_box_share",
        "other_cargo_share",
        "load_factor",
        "inferred_trip_share",
    )
    for share in shares:
        if model[share].bounds[1] > 1:
            raise ConfigError(f"{origin}: model.{share}: a share cannot exceed 1")

    munitions: dict[str, Munition] = {}
    for key, m in raw.get("munitions", {}).items():
        comps = []
        raw_comps = m.get("components", [])
        if not raw_comps:
            raise ConfigError(f"{origin}: munitions.{key}: needs at least one [[components]] entry")
        for i, comp in enumerate(raw_comps):
            cname = str(comp.get("name", f"component{i}"))
            where = f"munitions.{key}.components[{i}]"
            params = {
                name: _param(f"{where}.{name}", f"{key}.{cname}.{name}", comp[name], origin)
                for name in comp
                if isinstance(comp[name], Mapping)
            }
            missing = [p for p in COMPONENT_PARAMS if p not in params]
            if missing:
                raise ConfigError(f"{origin}: {where} ({cname}): missing {', '.join(missing)}")
            if params["per_crate"].bounds[0] < 1:
                raise ConfigError(f"{origin}: {where}.per_crate: at least 1 round per crate")
            if "length_m" in params and (
                params["crate_length_m"].bounds[0] < params["length_m"].bounds[1]
                and max(params["crate_width_m"].bounds[0], params["crate_height_m"].bounds[0])
                < params["length_m"].bounds[1]
            ):
                raise ConfigError(f"{origin}: {where}: the crate is shorter than the item it holds")
            comps.append(Component(name=cname, params=params))
        munitions[key.lower()] = Munition(
            key=key.lower(),
            name=str(m.get("name", key)),
            item=str(m.get("item", "rounds")),
            caliber=str(m.get("caliber", "")),
            components=tuple(comps),
            aliases=tuple(str(a) for a in m.get("aliases", ())),
            official=m.get("official"),
        )

    official = []
    for i, o in enumerate(raw.get("official", [])):
        where = f"official[{i}]"
        try:
            containers_n = float(o["containers"])
            eq = {str(k): float(v) for k, v in o.get("equivalents", {}).items()}
            stmt = OfficialStatement(
                id=str(o.get("id", f"official-{i}")),
                date=str(o["date"]),
                who=str(o["who"]),
                containers=containers_n,
                equivalents=eq,
                tag=str(o.get("tag", "OFF")),
                source=str(o["source"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"{origin}: {where}: {exc!r} (needs date, who, containers, source)"
            ) from exc
        if containers_n <= 0:
            raise ConfigError(f"{origin}: {where}.containers must be positive")
        official.append(stmt)

    return Catalogue(
        containers=containers,
        munitions=munitions,
        model=model,
        official=tuple(official),
        sources=sources,
        raw=raw,
    )


@cache
def _builtin_raw() -> dict[str, Any]:
    return read_toml(BUILTIN_CATALOGUE, "catalogue")


def load_catalogue(*overrides: str | Path | None) -> Catalogue:
    """The built-in catalogue, with each user file (if any) merged over it in order."""
    raw = _builtin_raw()
    sources = [str(BUILTIN_CATALOGUE)]
    origin = str(BUILTIN_CATALOGUE)
    for o in overrides:
        if o is None:
            continue
        path = Path(o)
        raw = _merge(raw, read_toml(path, "catalogue"))
        sources.append(str(path))
        origin = str(path)
    return _build(raw, origin, tuple(sources))
