"""CFAR kernel: a constant-false-alarm-rate threshold from a clutter model fitted to each cell's
background ring, in O(N). Pure functions over arrays (no I/O).

How it works, and why:
- One pass over the pixels converts them to intensity (amplitude squared, dB to linear), masks
  no-data, zero fill and land, and sums value and value squared per cell (a square of a few
  pixels, ``cell_m`` metres). Every later step works on the cell grid, which is tens of times
  smaller than the image: that is what makes a full Sentinel-1 scene take seconds.
- Background of a cell: the square ring between the guard window and the background window
  (both in metres, rounded to whole cells), as the difference of two window sums read off
  summed-area tables of the cell grid (four look-ups per window, whatever its size). Windows are clipped at the image edges (a 64-pixel chip works: its
  ring is whatever lies inside the chip); a ring with too few valid pixels falls back to the
  whole tile's statistics.
- Clutter model, fitted by moments in each ring: gamma (shape k = mean^2/variance, the speckle
  of a k-look intensity image), K (speckle of ``looks`` looks times gamma texture of shape nu,
  with nu from the normalised variance), or log-normal (mean and deviation of ln intensity).
  The threshold is the model's (1 - pfa) quantile: mean x factor(shape) for gamma and K, with the
  factor looked up in a table made once per (model, pfa, looks).
- Censoring: cells much brighter than their ring (ships, their sidelobes) leave the statistics,
  then cells with exceedances and their neighbours do, and the threshold is computed again; so
  neighbouring ships do not hide each other and a ship does not raise its own threshold.
- The threshold is constant over a cell: the guard distance of a pixel is therefore known to
  within one cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numba
import numpy as np
import numpy.typing as npt
from scipy import special

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
B = npt.NDArray[np.bool_]

SCALE_CODES = {"intensity": 0, "amplitude": 1, "db": 2}
MODEL_CODES = {"gamma": 0, "k": 1, "lognormal": 2}
LN10_10 = math.log(10.0) / 10.0
# Shape parameters the tables cover; beyond, the nearest end is used (gamma -> exponential-like
# spiky clutter at the low end, near-Gaussian at the high end).
SHAPE_MIN, SHAPE_MAX, SHAPE_STEPS = 0.2, 400.0, 160
NU_MIN, NU_MAX, NU_STEPS = 0.3, 300.0, 48


@dataclass(frozen=True)
class CfarConfig:
    """The kernel's parameters in pixels and cells (made from a preset and a pixel size)."""

    cell: int  # cell size, pixels
    guard_cells: int  # guard half-width, cells (excluding the cell under test)
    background_cells: int  # background half-width, cells
    min_background_px: int
    model: str
    looks: float
    pfa: float
    extent_pfa: float
    precensor_factor: float
    censor_margin_cells: int

    @classmethod
    def from_metres(
        cls,
        pixel_m: float,
        *,
        cell_m: float,
        guard_m: float,
        background_m: float,
        min_background_px: int,
        clutter: str,
        looks: float,
        pfa: float,
        extent_pfa: float,
        precensor_factor: float,
        censor_margin_cells: int,
    ) -> CfarConfig:
        cell = max(1, round(cell_m / pixel_m))
        cell_size_m = cell * pixel_m
        guard = max(1, math.ceil(guard_m / cell_size_m - 0.5))
        bg = max(guard + 1, math.ceil(background_m / cell_size_m - 0.5))
        return cls(
            cell=cell,
            guard_cells=guard,
            background_cells=bg,
            min_background_px=min_background_px,
            model=clutter,
            looks=looks,
            pfa=pfa,
            extent_pfa=extent_pfa,
            precensor_factor=precensor_factor,
            censor_margin_cells=censor_margin_cells,
        )

    @property
    def halo_px(self) -> int:
        """Pixels of context a tile needs on each side for exact windows."""
        return (self.background_cells + 1) * self.cell


# -- tables of threshold factors --------------------------------------------------------------


@cache
def gamma_table(pfa: float) -> tuple[F64, F64]:
    """(ln shape, factor): a gamma intensity of shape k and mean 1 exceeds factor with prob. pfa."""
    k = np.exp(np.linspace(math.log(SHAPE_MIN), math.log(SHAPE_MAX), SHAPE_STEPS))
    factor = special.gammainccinv(k, pfa) / k
    return np.log(k), factor


@cache
def k_table(pfa: float, looks: float) -> tuple[F64, F64]:
    """(ln nu, factor) for K intensity (gamma speckle of `looks` x gamma texture of shape nu),
    mean 1; the last entry (nu -> infinity) is the pure speckle's gamma factor."""
    nu = np.exp(np.linspace(math.log(NU_MIN), math.log(NU_MAX), NU_STEPS))
    # texture tau ~ Gamma(nu, 1/nu) on a log grid; survival S(t) = E[Q(L, L t / tau)]
    u = np.linspace(math.log(1e-7), math.log(1e4), 3000)
    tau = np.exp(u)
    du = u[1] - u[0]
    logp = (
        nu[:, None] * np.log(nu[:, None])
        + (nu[:, None] - 1) * u[None, :]
        - nu[:, None] * tau[None, :]
        - special.gammaln(nu)[:, None]
    )
    w = np.exp(logp + u[None, :]) * du  # p(tau) dtau with dtau = tau du
    w /= w.sum(axis=1, keepdims=True)
    t = np.exp(np.linspace(math.log(1.0), math.log(1e5), 700))
    q = special.gammaincc(looks, looks * t[:, None] / tau[None, :])  # (t, tau)
    surv = w @ q.T  # (nu, t)
    target = math.log(pfa)
    factor = np.empty(len(nu))
    for i in range(len(nu)):
        ls = np.log(np.maximum(surv[i], 1e-300))
        # survival decreases with t: interpolate ln t at ln S = ln pfa
        factor[i] = math.exp(float(np.interp(-target, -ls, np.log(t))))
    return np.log(nu), factor


def gamma_factor(shape: F64, pfa: float) -> F64:
    x, f = gamma_table(pfa)
    return np.interp(np.log(np.clip(shape, SHAPE_MIN, SHAPE_MAX)), x, f)


def k_factor(cv2: F64, looks: float, pfa: float) -> F64:
    """Factor for K clutter whose normalised variance is cv2 (speckle of `looks` looks)."""
    x, f = k_table(pfa, looks)
    inv_nu = (cv2 + 1.0) / (1.0 + 1.0 / looks) - 1.0
    nu = np.where(inv_nu > 1.0 / NU_MAX, 1.0 / np.maximum(inv_nu, 1e-12), NU_MAX)
    out = np.interp(np.log(np.clip(nu, NU_MIN, NU_MAX)), x, f)
    pure = float(special.gammainccinv(looks, pfa) / looks)
    return np.where(inv_nu > 1.0 / NU_MAX, out, pure)


# -- compiled passes over the pixels -----------------------------------------------------------


@numba.njit(cache=True, nogil=True, fastmath=False)
def _prepare(
    raw: np.ndarray,
    scale: int,
    has_nodata: bool,
    nodata: float,
    land: np.ndarray,
    has_land: bool,
    cell: int,
    log_domain: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    h, w = raw.shape
    nb0 = (h + cell - 1) // cell
    nb1 = (w + cell - 1) // cell
    out = np.zeros((nb0 * cell, nb1 * cell), dtype=np.float32)
    s1 = np.zeros((nb0, nb1), dtype=np.float64)
    s2 = np.zeros((nb0, nb1), dtype=np.float64)
    n = np.zeros((nb0, nb1), dtype=np.int32)
    for i in range(h):
        bi = i // cell
        for bj in range(nb1):
            j0 = bj * cell
            j1 = min(j0 + cell, w)
            a1 = 0.0
            a2 = 0.0
            c = 0
            for j in range(j0, j1):
                v = float(raw[i, j])
                if not np.isfinite(v):
                    continue
                if has_nodata and v == nodata:
                    continue
                if has_land and land[i, j]:
                    continue
                if scale == 1:
                    x = v * v
                elif scale == 2:
                    x = math.exp(v * 0.23025850929940458)
                else:
                    x = v
                if not x > 0.0:
                    continue
                out[i, j] = x
                y = math.log(x) if log_domain else x
                a1 += y
                a2 += y * y
                c += 1
            s1[bi, bj] += a1
            s2[bi, bj] += a2
            n[bi, bj] += c
    return out, s1, s2, n


@numba.njit(cache=True, nogil=True)
def _exceed(
    inten: np.ndarray,
    thr: np.ndarray,
    cell: int,
    flags: np.ndarray,
    mask: np.ndarray,
    hits: np.ndarray,
) -> None:
    """In flagged cells only: set mask where intensity > the cell's threshold, and count the
    cell's exceedances into hits."""
    nb0, nb1 = thr.shape
    for bi in range(nb0):
        for bj in range(nb1):
            if not flags[bi, bj]:
                continue
            t = thr[bi, bj]
            c = 0
            for i in range(bi * cell, (bi + 1) * cell):
                for j in range(bj * cell, (bj + 1) * cell):
                    hit = inten[i, j] > t
                    mask[i, j] = hit
                    c += hit
            hits[bi, bj] = c


# -- statistics on the cell grid ---------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def _sats(
    s1: np.ndarray, s2: np.ndarray, n: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Summed-area tables of s1, s2 and n over the cells in `keep` (one row and column of zeros
    in front, so a window's sum is four look-ups)."""
    h, w = s1.shape
    t1 = np.zeros((h + 1, w + 1))
    t2 = np.zeros((h + 1, w + 1))
    tn = np.zeros((h + 1, w + 1))
    for i in range(h):
        a1 = 0.0
        a2 = 0.0
        an = 0.0
        for j in range(w):
            if keep[i, j]:
                a1 += s1[i, j]
                a2 += s2[i, j]
                an += n[i, j]
            t1[i + 1, j + 1] = t1[i, j + 1] + a1
            t2[i + 1, j + 1] = t2[i, j + 1] + a2
            tn[i + 1, j + 1] = tn[i, j + 1] + an
    return t1, t2, tn


@numba.njit(cache=True, nogil=True, inline="always")
def _ring(t: np.ndarray, i: int, j: int, h: int, w: int, guard: int, bg: int) -> float:
    """A cell's ring sum: background window minus guard window, both clipped at the edges."""
    oi0, oi1 = max(i - bg, 0), min(i + bg + 1, h)
    oj0, oj1 = max(j - bg, 0), min(j + bg + 1, w)
    gi0, gi1 = max(i - guard, 0), min(i + guard + 1, h)
    gj0, gj1 = max(j - guard, 0), min(j + guard + 1, w)
    outer = t[oi1, oj1] - t[oi0, oj1] - t[oi1, oj0] + t[oi0, oj0]
    inner = t[gi1, gj1] - t[gi0, gj1] - t[gi1, gj0] + t[gi0, gj0]
    return float(outer - inner)


@numba.njit(cache=True, nogil=True)
def _ring_mean(t1: np.ndarray, tn: np.ndarray, guard: int, bg: int, min_px: float) -> np.ndarray:
    """Mean of the value over each cell's ring; the tile's mean where the ring has fewer than
    min_px valid pixels (as the thresholds do); NaN when the tile has none."""
    h, w = t1.shape[0] - 1, t1.shape[1] - 1
    out = np.full((h, w), np.nan)
    total = t1[h, w] / tn[h, w] if tn[h, w] > 0.5 else np.nan
    for i in range(h):
        for j in range(w):
            rn = _ring(tn, i, j, h, w, guard, bg)
            if rn < min_px:
                out[i, j] = total
            else:
                out[i, j] = _ring(t1, i, j, h, w, guard, bg) / rn
    return out


@dataclass
class CellStats:
    """Background statistics and thresholds per cell."""

    mean: F64  # background mean intensity (for the score)
    thr: F32  # detection threshold (intensity)
    thr_extent: F32  # extent threshold (intensity)
    ring_px: F64  # valid pixels the ring had (0 where the tile's statistics were used)


@numba.njit(cache=True, nogil=True, inline="always")
def _lut(x: float, x0: float, dx: float, table: np.ndarray) -> float:
    """Linear interpolation in a table sampled uniformly from x0 in steps of dx (clamped)."""
    u = (x - x0) / dx
    last = table.shape[0] - 1
    if u <= 0.0:
        return float(table[0])
    if u >= last:
        return float(table[last])
    k = int(u)
    f = u - k
    return float(table[k] * (1.0 - f) + table[k + 1] * f)


@numba.njit(cache=True, nogil=True)
def _thresholds(
    t1: np.ndarray,
    t2: np.ndarray,
    tn: np.ndarray,
    guard: int,
    bg: int,
    min_px: float,
    model: int,
    x0: float,
    dx: float,
    fac: np.ndarray,
    fac_e: np.ndarray,
    pure: float,
    pure_e: float,
    looks: float,
    z: float,
    ze: float,
    only: np.ndarray,
    mean: np.ndarray,
    thr: np.ndarray,
    thr_e: np.ndarray,
    ring_px: np.ndarray,
) -> None:
    """Per cell (only where `only` is set, or everywhere when it is empty): background mean,
    detection and extent thresholds and ring size, written into the given arrays, from the
    ring's moments (the whole tile's when the ring has fewer than min_px valid pixels)."""
    h, w = t1.shape[0] - 1, t1.shape[1] - 1
    every = only.shape[0] == 0
    tot1, tot2, totn = t1[h, w], t2[h, w], tn[h, w]
    inv_nu_max = 1.0 / NU_MAX
    # clipped window edges per column, computed once
    oj0 = np.empty(w, np.int64)
    oj1 = np.empty(w, np.int64)
    gj0 = np.empty(w, np.int64)
    gj1 = np.empty(w, np.int64)
    for j in range(w):
        oj0[j], oj1[j] = max(j - bg, 0), min(j + bg + 1, w)
        gj0[j], gj1[j] = max(j - guard, 0), min(j + guard + 1, w)
    for i in range(h):
        oi0, oi1 = max(i - bg, 0), min(i + bg + 1, h)
        gi0, gi1 = max(i - guard, 0), min(i + guard + 1, h)
        for j in range(w):
            if not every and not only[i, j]:
                continue
            mean[i, j] = np.nan
            thr[i, j] = np.inf
            thr_e[i, j] = np.inf
            ring_px[i, j] = 0.0
            a0, a1, b0, b1 = oj0[j], oj1[j], gj0[j], gj1[j]
            n = (tn[oi1, a1] - tn[oi0, a1] - tn[oi1, a0] + tn[oi0, a0]) - (
                tn[gi1, b1] - tn[gi0, b1] - tn[gi1, b0] + tn[gi0, b0]
            )
            if n < min_px:
                r1, r2, n = tot1, tot2, totn
            else:
                r1 = (t1[oi1, a1] - t1[oi0, a1] - t1[oi1, a0] + t1[oi0, a0]) - (
                    t1[gi1, b1] - t1[gi0, b1] - t1[gi1, b0] + t1[gi0, b0]
                )
                r2 = (t2[oi1, a1] - t2[oi0, a1] - t2[oi1, a0] + t2[oi0, a0]) - (
                    t2[gi1, b1] - t2[gi0, b1] - t2[gi1, b0] + t2[gi0, b0]
                )
                ring_px[i, j] = n
            if not n > 1.0:
                continue
            m = r1 / n
            var = max(r2 / n - m * m, 0.0)
            if model == 2:  # log-normal: moments of ln I
                sd = math.sqrt(var)
                mean[i, j] = math.exp(m + 0.5 * var)
                thr[i, j] = math.exp(m + z * sd)
                thr_e[i, j] = math.exp(m + ze * sd)
                continue
            mean[i, j] = m
            if not m > 0.0:
                continue
            cv2 = var / (m * m)
            if model == 1:  # K: speckle of `looks` looks x gamma texture of shape nu
                inv_nu = (cv2 + 1.0) / (1.0 + 1.0 / looks) - 1.0
                if inv_nu > inv_nu_max:
                    x = -math.log(inv_nu)
                    f, fe = _lut(x, x0, dx, fac), _lut(x, x0, dx, fac_e)
                else:
                    f, fe = pure, pure_e
            else:  # gamma of fitted shape
                x = math.log(1.0 / cv2) if cv2 > 0.0 else math.log(SHAPE_MAX)
                f, fe = _lut(x, x0, dx, fac), _lut(x, x0, dx, fac_e)
            thr[i, j] = m * f
            thr_e[i, j] = m * fe


def cell_stats(
    s1: F64,
    s2: F64,
    n: npt.NDArray[np.int32],
    keep: B,
    cfg: CfarConfig,
    update: tuple[CellStats, B] | None = None,
) -> CellStats:
    """Thresholds per cell from the ring's statistics over cells in `keep` (not censored).
    With update = (earlier statistics, cells), only those cells are computed again (the others
    keep their values: their rings did not change)."""
    t1, t2, tn = _sats(s1, s2, n, keep)
    if cfg.model == "k":
        x, f = k_table(cfg.pfa, cfg.looks)
        _, fe = k_table(cfg.extent_pfa, cfg.looks)
        pure = float(special.gammainccinv(cfg.looks, cfg.pfa) / cfg.looks)
        pure_e = float(special.gammainccinv(cfg.looks, cfg.extent_pfa) / cfg.looks)
    else:
        x, f = gamma_table(cfg.pfa)
        _, fe = gamma_table(cfg.extent_pfa)
        pure = pure_e = 0.0
    if update is None:
        h, w = s1.shape
        out = CellStats(
            mean=np.full((h, w), np.nan),
            thr=np.full((h, w), np.inf, dtype=np.float32),
            thr_extent=np.full((h, w), np.inf, dtype=np.float32),
            ring_px=np.zeros((h, w)),
        )
        only = np.zeros((0, 0), dtype=np.bool_)
    else:
        prev, only = update
        out = CellStats(
            prev.mean.copy(), prev.thr.copy(), prev.thr_extent.copy(), prev.ring_px.copy()
        )
    _thresholds(
        t1,
        t2,
        tn,
        cfg.guard_cells,
        cfg.background_cells,
        float(cfg.min_background_px),
        MODEL_CODES[cfg.model],
        float(x[0]),
        float(x[1] - x[0]),
        f,
        fe,
        pure,
        pure_e,
        cfg.looks,
        float(special.ndtri(1.0 - cfg.pfa)),
        float(special.ndtri(1.0 - cfg.extent_pfa)),
        only,
        out.mean,
        out.thr,
        out.thr_extent,
        out.ring_px,
    )
    return out


def _dilate(mask: B, r: int) -> B:
    """Grow a cell mask by r cells (8-connected), by shifted ORs."""
    if r <= 0 or not mask.any():
        return mask
    out = mask.copy()
    for _ in range(r):
        grown = out.copy()
        grown[1:, :] |= out[:-1, :]
        grown[:-1, :] |= out[1:, :]
        g2 = grown.copy()
        g2[:, 1:] |= grown[:, :-1]
        g2[:, :-1] |= grown[:, 1:]
        out = g2
    return out


@dataclass
class CfarResult:
    """Intensity (padded to whole cells; 0 = masked), exceedances and per-cell statistics."""

    intensity: F32
    mask: B
    stats: CellStats
    cell_valid: npt.NDArray[np.int32]  # valid pixels per cell
    cell_hits: npt.NDArray[np.int32]  # exceedances per cell
    censored_cells: int


def cfar(
    raw: np.ndarray,
    cfg: CfarConfig,
    *,
    scale: str = "intensity",
    nodata: float | None = None,
    land: npt.NDArray[np.bool_] | None = None,
) -> CfarResult:
    """Run the CFAR on one tile (any numeric dtype); returns exceedances and statistics."""
    log_domain = cfg.model == "lognormal"
    has_land = land is not None
    land_arr = np.ascontiguousarray(land, dtype=np.bool_) if has_land else np.zeros((1, 1), bool)
    inten, s1, s2, n = _prepare(
        np.ascontiguousarray(raw),
        SCALE_CODES[scale],
        nodata is not None and math.isfinite(nodata),
        float(nodata) if nodata is not None and math.isfinite(nodata) else 0.0,
        land_arr,
        has_land,
        cfg.cell,
        log_domain,
    )
    keep = n > 0
    # 1. cells far brighter than their uncensored ring's mean leave the statistics
    t1, _, tn = _sats(s1, s2, n, keep)
    ring_mean = _ring_mean(  # of ln I for the log-normal model
        t1, tn, cfg.guard_cells, cfg.background_cells, float(cfg.min_background_px)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        cm = s1 / np.maximum(n, 1)
    bright = (
        keep & (cm > ring_mean + math.log(cfg.precensor_factor))
        if log_domain
        else (keep & (cm > cfg.precensor_factor * ring_mean))
    )
    st = cell_stats(s1, s2, n, keep & ~_dilate(bright, cfg.censor_margin_cells), cfg)
    # 2. exceedances; cells holding them (and their neighbours) leave the statistics; again
    mask = np.zeros(inten.shape, dtype=np.bool_)
    hits = np.zeros(st.thr.shape, dtype=np.int32)
    _exceed(inten, st.thr, cfg.cell, keep, mask, hits)
    hit_cells = hits > 0
    censor0 = _dilate(bright, cfg.censor_margin_cells)
    censor = _dilate(hit_cells | bright, cfg.censor_margin_cells)
    if hit_cells.any():
        # only rings that hold a newly censored cell change; cells whose ring fell back to the
        # tile's statistics change too
        changed = _dilate(censor & ~censor0, cfg.background_cells) | (st.ring_px == 0)
        st2 = cell_stats(s1, s2, n, keep & ~censor, cfg, update=(st, changed))
        flags = keep & (st2.thr != st.thr)
        if flags.any():
            _exceed(inten, st2.thr, cfg.cell, flags, mask, hits)
        st = st2
    return CfarResult(
        intensity=inten,
        mask=mask,
        stats=st,
        cell_valid=n,
        cell_hits=hits,
        censored_cells=int(censor.sum()),
    )
