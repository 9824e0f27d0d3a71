"""From CFAR exceedances to targets: clustering, extent, size, orientation and score.

Exceedances are sparse, so only the neighbourhoods of cells holding them are visited: cells with
exceedances are grouped (scipy.ndimage.label on the cell grid), and in each group's window a
target's extent is the 8-connected set of pixels above the lower extent threshold that holds at
least one exceedance (hysteresis: the core says "something is here", the extent says how big).

Size from second moments of the extent (pixel offsets in metres): a uniform bar of length L has
variance L^2 / 12 along its axis, so L = sqrt(12 l1 + p^2) and W = sqrt(12 l2 + p^2) with l1 >= l2
the covariance's eigenvalues and p the pixel size (the "+ p^2" makes a run of n pixels measure
n pixels). Radar smears a ship over its resolution cell (~20 m for Sentinel-1 IW), so widths
under ~20 m are not resolved. Score: peak intensity over the background mean, in dB (the
target's signal-to-clutter ratio).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from darkcargo.sar.cfar import CfarConfig, CfarResult

F64 = npt.NDArray[np.float64]
EIGHT = np.ones((3, 3), dtype=bool)


@dataclass
class Targets:
    """One entry per target; rows/cols are continuous pixel coordinates in the tile."""

    row: F64
    col: F64
    pixels: npt.NDArray[np.int32]
    length_m: F64
    width_m: F64
    axis_dr: F64  # unit vector of the long axis, in pixels (row, col)
    axis_dc: F64
    peak: F64  # peak intensity
    background: F64  # background mean at the peak
    scr_db: F64
    r_lo: npt.NDArray[np.int64]  # the extent's bounding box, pixels [lo, hi)
    r_hi: npt.NDArray[np.int64]
    c_lo: npt.NDArray[np.int64]
    c_hi: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def empty(cls) -> Targets:
        z, zi = np.zeros(0), np.zeros(0, np.int64)
        return cls(z, z, np.zeros(0, np.int32), z, z, z, z, z, z, z, zi, zi, zi, zi)

    def take(self, idx: npt.NDArray[np.int64] | npt.NDArray[np.bool_]) -> Targets:
        return Targets(**{k: getattr(self, k)[idx] for k in self.__dataclass_fields__})

    @classmethod
    def concat(cls, parts: list[Targets]) -> Targets:
        if not parts:
            return cls.empty()
        return cls(
            **{k: np.concatenate([getattr(p, k) for p in parts]) for k in cls.__dataclass_fields__}
        )


def find_targets(res: CfarResult, cfg: CfarConfig, pixel_m: tuple[float, float]) -> Targets:
    """Targets from one tile's CFAR result (pixel_m = row spacing, column spacing in metres)."""
    nb0, nb1 = res.stats.thr.shape
    hit = res.cell_hits > 0
    if not hit.any():
        return Targets.empty()
    groups, _ = ndimage.label(_grow(hit), structure=EIGHT)
    parts: list[Targets] = []
    for sl in ndimage.find_objects(groups):
        if sl is None:
            continue
        b0 = max(sl[0].start - 1, 0)
        b1 = min(sl[0].stop + 1, nb0)
        a0 = max(sl[1].start - 1, 0)
        a1 = min(sl[1].stop + 1, nb1)
        parts.append(_window_targets(res, cfg, pixel_m, b0, b1, a0, a1))
    return Targets.concat(parts)


def _grow(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The mask grown by one cell (8-connected), by shifted ORs."""
    g = mask.copy()
    g[1:, :] |= mask[:-1, :]
    g[:-1, :] |= mask[1:, :]
    out = g.copy()
    out[:, 1:] |= g[:, :-1]
    out[:, :-1] |= g[:, 1:]
    return out


def _window_targets(
    res: CfarResult,
    cfg: CfarConfig,
    pixel_m: tuple[float, float],
    b0: int,
    b1: int,
    a0: int,
    a1: int,
) -> Targets:
    c = cfg.cell
    r0, c0 = b0 * c, a0 * c
    sub = res.intensity[r0 : b1 * c, c0 : a1 * c]
    core = res.mask[r0 : b1 * c, c0 : a1 * c]
    thr_e = np.repeat(np.repeat(res.stats.thr_extent[b0:b1, a0:a1], c, axis=0), c, axis=1)
    extent = (sub > thr_e) | core
    lab, n = ndimage.label(extent, structure=EIGHT)
    if n == 0:
        return Targets.empty()
    # labels holding at least one exceedance
    has_core = np.zeros(n + 1, dtype=bool)
    has_core[np.unique(lab[core])] = True
    has_core[0] = False
    rr, cc = np.nonzero(lab)
    ll = lab[rr, cc]
    keep = has_core[ll]
    rr, cc, ll = rr[keep], cc[keep], ll[keep]
    if ll.size == 0:
        return Targets.empty()
    ids, inv = np.unique(ll, return_inverse=True)
    m = len(ids)
    dy, dx = pixel_m
    y = (rr + 0.5) * dy
    x = (cc + 0.5) * dx
    cnt = np.bincount(inv, minlength=m).astype(np.float64)
    my = np.bincount(inv, y, m) / cnt
    mx = np.bincount(inv, x, m) / cnt
    oy, ox = y - my[inv], x - mx[inv]
    syy = np.bincount(inv, oy * oy, m) / cnt
    sxx = np.bincount(inv, ox * ox, m) / cnt
    sxy = np.bincount(inv, oy * ox, m) / cnt
    tr, det = syy + sxx, syy * sxx - sxy * sxy
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0.0))
    l1, l2 = tr / 2 + disc, np.maximum(tr / 2 - disc, 0.0)
    p2 = dy * dx
    length = np.sqrt(12 * l1 + p2)
    width = np.sqrt(12 * l2 + p2)
    # long axis direction in metres (y along rows, x along columns), then in pixels
    theta = 0.5 * np.arctan2(2 * sxy, syy - sxx)  # angle from the row axis
    vy, vx = np.cos(theta) / dy, np.sin(theta) / dx
    norm = np.hypot(vy, vx)
    val = sub[rr, cc].astype(np.float64)
    peak = np.full(m, -np.inf)
    np.maximum.at(peak, inv, val)
    # background mean of the cell holding each target's peak pixel
    is_peak = val >= peak[inv]
    first = np.full(m, -1, dtype=np.int64)
    idx = np.nonzero(is_peak)[0]
    first[inv[idx[::-1]]] = idx[::-1]
    pr, pc = rr[first], cc[first]
    bg = res.stats.mean[b0 + pr // c, a0 + pc // c]
    with np.errstate(divide="ignore", invalid="ignore"):
        scr = 10 * np.log10(peak / bg)
    box = []
    for v, fill, op in (
        (rr, rr.max(), np.minimum),
        (rr, 0, np.maximum),
        (cc, cc.max(), np.minimum),
        (cc, 0, np.maximum),
    ):
        out = np.full(m, fill, dtype=np.int64)
        op.at(out, inv, v)
        box.append(out)
    return Targets(
        row=my / dy + r0,
        col=mx / dx + c0,
        pixels=cnt.astype(np.int32),
        length_m=length,
        width_m=width,
        axis_dr=vy / norm,
        axis_dc=vx / norm,
        peak=peak,
        background=bg,
        scr_db=scr,
        r_lo=box[0] + r0,
        r_hi=box[1] + r0 + 1,
        c_lo=box[2] + c0,
        c_hi=box[3] + c0 + 1,
    )
