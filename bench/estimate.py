"""Benchmark: the vectorised packing Monte Carlo against a per-draw Python loop.

Prints the time for 1M draws of the 152 mm packing model (sampling + kernel), for a whole
`estimate_from_counts` call (with official ratio, quantiles and sensitivity), and the draws per
second of a plain-Python loop over the same model (measured on fewer draws), then the ratio.

    .venv/bin/python bench/estimate.py [--draws 1000000] [--loop-draws 20000]
"""

from __future__ import annotations

import argparse
import math
import random
import time

import numpy as np

from darkcargo.estimate.catalogue import load_catalogue
from darkcargo.estimate.montecarlo import estimate_from_counts, sample_packing


def python_loop(n: int, seed: int) -> list[float]:
    """The same 152 mm model, one draw at a time in pure Python (the peer)."""
    cat = load_catalogue()
    m = cat.munition("152mm")
    box = cat.container("20ft").params
    L, W, H = (box[k].value for k in ("inside_length_m", "inside_width_m", "inside_height_m"))
    assert L is not None and W is not None and H is not None
    payload, tare, older = 28_180.0, 2_300.0, 24_000.0
    rnd = random.Random(seed)
    model = cat.model

    def u(p: object) -> float:
        lo, hi = p.bounds  # type: ignore[attr-defined]
        return lo if lo == hi else rnd.uniform(lo, hi)

    out = []
    for _ in range(n):
        share = u(model["older_box_share"])
        pay = (1 - share) * payload + share * (older - tare) - u(model["dunnage_kg"])
        eff = u(model["packing_efficiency"])
        mass = vol = geo_share = 0.0
        for c in m.components:
            p = c.params
            per = u(p["per_crate"])
            cl, cw, ch = u(p["crate_length_m"]), u(p["crate_width_m"]), u(p["crate_height_m"])
            mass += u(p["mass_kg"]) + u(p["crate_mass_kg"]) / per
            vol += cl * cw * ch / per
            best = 0
            for a, b, cc in (
                (cl, cw, ch),
                (cl, ch, cw),
                (cw, cl, ch),
                (cw, ch, cl),
                (ch, cl, cw),
                (ch, cw, cl),
            ):
                best = max(best, math.floor(L / a) * math.floor(W / b) * math.floor(H / cc))
            geo_share += math.inf if best == 0 else 1 / (best * per)
        rounds = math.floor(min(pay / mass, eff * L * W * H / vol, 1 / geo_share))
        out.append(rounds * (1 - u(model["other_cargo_share"])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--loop-draws", type=int, default=20_000)
    args = ap.parse_args()
    cat = load_catalogue()
    m, box = cat.munition("152mm"), cat.container("20ft")
    sample_packing(cat, m, box, 1000, np.random.default_rng(0))  # warm up
    estimate_from_counts(6700, "152mm", draws=1000)

    t = time.perf_counter()
    s = sample_packing(cat, m, box, args.draws, np.random.default_rng(1))
    t_kernel = time.perf_counter() - t
    t = time.perf_counter()
    res = estimate_from_counts(6700, "152mm", draws=args.draws, seed=1)
    t_full = time.perf_counter() - t
    t = time.perf_counter()
    python_loop(args.loop_draws, 1)
    t_loop = time.perf_counter() - t

    vec_rate = args.draws / t_kernel
    loop_rate = args.loop_draws / t_loop
    print(f"packing model, {args.draws:,} draws (sample + kernel): {t_kernel:.3f} s")
    print(f"  rounds per box p50 {np.median(s.packing.rounds):.0f}")
    print(
        f"estimate_from_counts(6700, 152mm), {args.draws:,} draws, with official ratio, "
        f"quantiles and sensitivity: {t_full:.3f} s (p50 {res.p50:,.0f})"
    )
    print(f"pure-Python loop, {args.loop_draws:,} draws: {t_loop:.3f} s ({loop_rate:,.0f} draws/s)")
    print(f"vectorised: {vec_rate:,.0f} draws/s")
    print(f"ratio vectorised / pure-Python loop: {vec_rate / loop_rate:.0f}x")


if __name__ == "__main__":
    main()
