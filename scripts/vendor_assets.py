"""Copy the browser and geography assets the package serves from node_modules into the package.

Each asset lands under a versioned folder name (``leaflet-1.9.4/``) so that the server can send
them with long cache lifetimes, and so that the package never needs a CDN.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

# package name -> files or folders inside it to copy
ASSETS: dict[str, list[str]] = {
    "leaflet": ["dist/leaflet.js", "dist/leaflet.css", "dist/images"],
    "world-atlas": ["land-10m.json", "land-50m.json", "land-110m.json"],
}


def main(node_modules: str, vendor: str) -> None:
    src_root, dst_root = Path(node_modules), Path(vendor)
    dst_root.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    for package, members in ASSETS.items():
        meta = json.loads((src_root / package / "package.json").read_text())
        folder = dst_root / f"{package}-{meta['version']}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for member in members:
            src = src_root / package / member
            dst = folder / Path(member).name
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                shutil.copy2(src, dst)
        manifest[package] = folder.name
    (dst_root / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
