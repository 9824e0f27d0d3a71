"""Estimate results: quantiles of a distribution, with the inputs, assumptions and sensitivity
that produced them. One result per (quantity, method); methods are never mixed silently."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

# Rank correlations are computed on at most this many draws (ranking 1M draws per input would
# cost more than the simulation itself; 50k draws pin rho to about +-0.005).
SENSITIVITY_SAMPLE = 50_000
QUANTILES = (0.05, 0.50, 0.95)


@dataclass(frozen=True)
class Sensitivity:
    """Spearman rank correlation of one input's draws with the output's draws."""

    param: str
    label: str
    rho: float
    range: str = ""
    unverified: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "param": self.param,
            "label": self.label,
            "rho": round(self.rho, 4),
            "range": self.range,
            "unverified": self.unverified,
        }


@dataclass(frozen=True)
class EstimateResult:
    """A distribution of one quantity by one method, summarised by p05/p50/p95."""

    quantity: str
    method: str
    p05: float
    p50: float
    p95: float
    mean: float
    unit: str = ""
    item: str = ""
    caliber: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    sensitivity: tuple[Sensitivity, ...] = ()
    binding: dict[str, float] | None = None
    params_hash: str = ""
    draws: int = 0
    seed: int | None = None
    period_start: datetime | None = None
    period_end: datetime | None = None
    companions: tuple[EstimateResult, ...] = ()
    samples: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def estimate_id(self) -> str:
        key = json.dumps(
            [
                self.quantity,
                self.method,
                str(self.period_start),
                str(self.period_end),
                self.params_hash,
            ]
        )
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def flat(self) -> list[EstimateResult]:
        """This result followed by its companions (official ratio, per-container figures...)."""
        out = [self]
        for c in self.companions:
            out.extend(c.flat())
        return out

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (without companions or samples)."""
        return {
            "estimate_id": self.estimate_id,
            "quantity": self.quantity,
            "method": self.method,
            "p05": self.p05,
            "p50": self.p50,
            "p95": self.p95,
            "mean": self.mean,
            "unit": self.unit,
            "item": self.item,
            "caliber": self.caliber,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "inputs": self.inputs,
            "assumptions": list(self.assumptions),
            "unverified": list(self.unverified),
            "sensitivity": [s.as_dict() for s in self.sensitivity],
            "binding": self.binding,
            "params_hash": self.params_hash,
            "draws": self.draws,
            "seed": self.seed,
        }


def rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged (as scipy.stats.rankdata, without importing scipy)."""
    a = np.asarray(values)
    order = np.argsort(a, kind="stable")
    s = a[order]
    first = np.empty(a.size, dtype=bool)
    if a.size:
        first[0] = True
        first[1:] = s[1:] != s[:-1]
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, a.size))
    avg = starts + (counts + 1) / 2.0
    ranks = np.empty(a.size, dtype=np.float64)
    ranks[order] = avg[group]
    return ranks


def quantiles(samples: np.ndarray | float) -> tuple[float, float, float, float]:
    """(p05, p50, p95, mean) of the draws."""
    arr = np.asarray(samples, dtype=np.float64)
    if arr.ndim == 0 or arr.size == 1:
        v = float(arr.reshape(-1)[0])
        return v, v, v, v
    q = np.quantile(arr, QUANTILES)
    return float(q[0]), float(q[1]), float(q[2]), float(arr.mean())


def rank_sensitivity(
    output: np.ndarray,
    inputs: dict[str, tuple[np.ndarray | float, str, str, bool]],
    max_draws: int = SENSITIVITY_SAMPLE,
) -> tuple[Sensitivity, ...]:
    """Spearman rho of each varying input with the output, largest |rho| first.

    `inputs` maps a parameter id to (draws, label, range text, unverified). Inputs with no
    spread (fixed values) are left out: they cannot drive any of the spread.
    """
    out = np.asarray(output, dtype=np.float64)
    if out.ndim == 0 or out.size < 3:
        return ()
    m = min(out.size, max_draws)
    out_r = rankdata(out[:m])
    if np.ptp(out_r) == 0:
        return ()
    out_r = (out_r - out_r.mean()) / out_r.std()
    res = []
    for pid, (draws, label, rng_text, unv) in inputs.items():
        arr = np.asarray(draws, dtype=np.float64)
        if arr.ndim == 0 or arr.size != out.size:
            continue
        r = rankdata(arr[:m])
        sd = r.std()
        if sd == 0:
            continue
        rho = float(np.mean((r - r.mean()) / sd * out_r))
        res.append(Sensitivity(pid, label, rho, rng_text, unv))
    res.sort(key=lambda s: -abs(s.rho))
    return tuple(res)


def params_hash(obj: Any) -> str:
    """Short stable hash of the parameters (and options) that produced a result."""
    blob = json.dumps(obj, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
