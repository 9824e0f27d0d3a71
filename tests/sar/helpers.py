"""Synthetic radar images for the tests: gamma speckle around a mean, with bright rectangles."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

LOOKS = 4.4
SEA = 0.005  # sigma0 of the sea (-23 dB)


def speckle(shape: tuple[int, int], seed: int = 0, mean: float = SEA) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.gamma(LOOKS, 1.0 / LOOKS, size=shape) * mean).astype(np.float32)


def add_ship(
    a: np.ndarray, row: int, col: int, length_px: int, width_px: int, scr_db: float = 18.0
) -> None:
    """A bright rectangle (length along rows) whose mean is scr_db above the sea, speckled."""
    rng = np.random.default_rng(row * 7919 + col)
    h0, w0 = row - length_px // 2, col - width_px // 2
    patch = rng.gamma(LOOKS, 1.0 / LOOKS, size=(length_px, width_px)) * SEA * 10 ** (scr_db / 10)
    a[h0 : h0 + length_px, w0 : w0 + width_px] = patch


def write_geotiff(
    path: Path,
    data: np.ndarray,
    *,
    transform: Any = None,
    crs: str | None = None,
    gcps: Any = None,
    tags: dict[str, str] | None = None,
    descriptions: list[str] | None = None,
    nodata: float | None = None,
) -> Path:
    import rasterio

    arr = data if data.ndim == 3 else data[None]
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": arr.shape[2],
        "height": arr.shape[1],
        "count": arr.shape[0],
        "dtype": str(arr.dtype),
    }
    if transform is not None:
        profile.update(transform=transform, crs=crs)
    if nodata is not None:
        profile["nodata"] = nodata
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plain images have no georeference, on purpose
        ds = rasterio.open(path, "w", **profile)
    with ds:
        ds.write(arr)
        if gcps is not None:
            ds.gcps = gcps
        if tags:
            ds.update_tags(**tags)
        for i, d in enumerate(descriptions or []):
            ds.set_band_description(i + 1, d)
    return path
