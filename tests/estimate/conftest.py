"""Fixtures for estimate tests: user catalogue files written on the fly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

BARE_152 = """
[model]
packing_efficiency = { value = 1.0, tag = "UNV", source = "test" }
[munitions.152mm]
name = "bare 152 mm: projectile and charge, no packaging"
item = "shells"
caliber = "152mm"
official = "152mm"
[[munitions.152mm.components]]
name = "projectile"
mass_kg = { value = 43.56, unit = "kg", tag = "OFF", source = "test" }
per_crate = { value = 1, tag = "UNV", source = "test" }
crate_mass_kg = { value = 0, unit = "kg", tag = "UNV", source = "test" }
crate_length_m = { value = 0.70, tag = "UNV", source = "test" }
crate_width_m = { value = 0.16, tag = "UNV", source = "test" }
crate_height_m = { value = 0.16, tag = "UNV", source = "test" }
"""

BARE_CHARGE = """
[[munitions.152mm.components]]
name = "charge"
mass_kg = { value = 8.185, unit = "kg", tag = "OFF", source = "test" }
per_crate = { value = 1, tag = "UNV", source = "test" }
crate_mass_kg = { value = 0, unit = "kg", tag = "UNV", source = "test" }
crate_length_m = { value = 0.50, tag = "UNV", source = "test" }
crate_width_m = { value = 0.16, tag = "UNV", source = "test" }
crate_height_m = { value = 0.16, tag = "UNV", source = "test" }
"""


@pytest.fixture
def write_catalogue(tmp_path: Path) -> Callable[[str], Path]:
    """Write a user catalogue TOML and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"catalogue{next(counter)}.toml"
        path.write_text(text)
        return path

    return write
