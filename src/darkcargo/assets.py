"""Locate the browser and geography assets installed from the npm registry at set-up time.

`make setup` copies them from ``node_modules`` into ``darkcargo/web/vendor/<package>-<version>/``
(see scripts/vendor_assets.py). Nothing is ever fetched at run time.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from darkcargo.errors import DarkcargoError

VENDOR_DIR = Path(__file__).parent / "web" / "vendor"


@cache
def vendor_manifest() -> dict[str, str]:
    """Map npm package name -> versioned folder name under the vendor directory."""
    root = vendor_root()
    path = root / "manifest.json"
    if not path.exists():
        raise DarkcargoError(
            f"{path}: missing; run 'make setup' to install the browser and geography assets"
        )
    data: dict[str, str] = json.loads(path.read_text())
    return data


def vendor_root() -> Path:
    override = os.environ.get("DARKCARGO_ASSETS")
    return Path(override) if override else VENDOR_DIR


def asset_path(package: str, name: str) -> Path:
    """Path of file `name` from npm package `package`, e.g. ("world-atlas", "land-10m.json")."""
    folder = vendor_manifest().get(package)
    if folder is None:
        raise DarkcargoError(f"asset package {package!r} not vendored; run 'make setup'")
    path = vendor_root() / folder / name
    if not path.exists():
        raise DarkcargoError(f"{path}: missing asset; run 'make setup'")
    return path
