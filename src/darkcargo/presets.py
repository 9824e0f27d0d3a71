"""Versioned presets: TOML files of typed sections, read into frozen dataclasses and hashed.

Every stage with thresholds (events, sar, shipments, sanctions) keeps its own dataclasses and
preset files; this module holds what they share. A preset is a built-in name or a user's .toml
file whose ``[preset]`` table may say ``extends = "<name or file>"`` to override only some values.
Each section is checked against its dataclass by the field types, every error is one line naming
the file, the section and the key, and the hash of the resolved values is recorded on the rows a
stage writes (so the same values must always give the same hash).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkcargo.errors import ConfigError

MAX_EXTENDS = 4  # a longer `extends` chain is taken for a loop


def read_toml(path: Path, what: str = "preset") -> dict[str, Any]:
    """The file's tables; a missing file or bad TOML is a ConfigError naming the file."""
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what} file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def canonical_hash(data: Any, *, compact: bool = True) -> str:
    """First 16 hex digits of SHA-256 over the canonical JSON (sorted keys) of `data`.

    ``compact=False`` keeps the ``", "``/``": "`` separators that some hashes were first taken
    with: those hashes are on stored rows, so each keeps the form it started with."""
    separators = (",", ":") if compact else (", ", ": ")
    blob = json.dumps(data, sort_keys=True, separators=separators, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def preset_dict(preset: Any, sections: Iterable[str]) -> dict[str, Any]:
    """A preset's name, version and section values (not its description or source): what its
    hash is taken over."""
    out: dict[str, Any] = {"name": preset.name, "version": preset.version}
    for section in sections:
        out[section] = dataclasses.asdict(getattr(preset, section))
    return out


def _type_name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint)


def _typed(hint: Any, v: Any) -> Any:
    """`v` as a value of `hint` (bool, int, float, str or tuple[X, ...]); TypeError if it is not.
    TOML has typed values, so nothing is parsed from text: a bool is never a number, an int
    takes whole numbers and a float any number."""
    if hint is bool:
        if isinstance(v, bool):
            return v
    elif isinstance(v, bool):
        pass
    elif hint is int:
        if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
            return int(v)
    elif hint is float:
        if isinstance(v, int | float):
            return float(v)
    elif hint is str:
        if isinstance(v, str):
            return v
    elif typing.get_origin(hint) is tuple:
        if isinstance(v, list):
            return tuple(_typed(typing.get_args(hint)[0], x) for x in v)
    else:
        raise NotImplementedError(f"a preset field of type {_type_name(hint)}")
    raise TypeError


def coerce_section(path: str | Path, section: str, cls: type, values: Any) -> Any:
    """One `[section]` table as a `cls` dataclass, each value checked against its field's type.
    Keys without a default are required; an error is one line naming file, section and key."""
    if not isinstance(values, Mapping):
        raise ConfigError(f"{path}: [{section}] must be a table of values")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(values) - set(fields)
    if unknown:
        raise ConfigError(f"{path}: [{section}] has unknown keys {sorted(unknown)}")
    missing = {
        n
        for n, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    } - set(values)
    if missing:
        raise ConfigError(f"{path}: [{section}] is missing {sorted(missing)}")
    kwargs: dict[str, Any] = {}
    for name in fields:
        if name not in values:
            continue
        v, hint = values[name], hints[name]
        try:
            kwargs[name] = _typed(hint, v)
        except TypeError:
            raise ConfigError(
                f"{path}: [{section}] {name} = {v!r} is not a {_type_name(hint)}"
            ) from None
    try:
        return cls(**kwargs)
    except ConfigError as exc:  # a range check of the dataclass itself
        raise ConfigError(f"{path}: {exc}") from None


def check_sections(path: Path, data: Mapping[str, Any], sections: Iterable[str]) -> None:
    """A table of the file that no section of the preset reads is an error (a typo)."""
    extra = set(data) - set(sections) - {"preset"}
    if extra:
        raise ConfigError(f"{path}: unknown sections {sorted(extra)}")


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` on `base`, table by table and key by key."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class PresetFiles:
    """Where one stage's presets come from: its folder of built-in files and their names."""

    directory: Path
    builtin: tuple[str, ...]
    label: str = "preset"  # said in errors: "not a built-in radar preset (s1) or a .toml file"

    def path(self, name_or_path: str | Path) -> Path:
        """A built-in name's file, or the user's own .toml file."""
        name = str(name_or_path)
        if name in self.builtin:
            return self.directory / f"{name}.toml"
        path = Path(name)
        if path.suffix != ".toml":
            raise ConfigError(
                f"{name}: not a built-in {self.label} ({', '.join(self.builtin)}) or a .toml file"
            )
        return path

    def resolve(self, path: Path, depth: int = 0) -> dict[str, Any]:
        """The file's tables with its `extends` chain applied (a path there is taken from the
        working directory, as on the command line)."""
        if depth > MAX_EXTENDS:
            raise ConfigError(f"{path}: 'extends' chain too deep")
        data = read_toml(path, self.label)
        head = data.get("preset", {})
        if not isinstance(head, Mapping):
            raise ConfigError(f"{path}: [preset] must be a table (name, version, description)")
        base = head.get("extends")
        if not base:
            return data
        return _merge(self.resolve(self.path(str(base)), depth + 1), data)

    def load(self, name_or_path: str | Path, sections: Mapping[str, type]) -> dict[str, Any]:
        """The keyword arguments of a stage's preset dataclass: name, version, description,
        source and one checked dataclass per section."""
        path = self.path(name_or_path)
        data = self.resolve(path)
        head = data.get("preset", {})
        if "name" not in head:
            raise ConfigError(f"{path}: [preset] needs a name")
        check_sections(path, data, sections)
        return {
            "name": str(head["name"]),
            "version": int(head.get("version", 1)),
            "description": str(head.get("description", "")),
            "source": str(path),
            **{s: coerce_section(path, s, cls, data.get(s, {})) for s, cls in sections.items()},
        }
