"""Benchmark qcode.agreement against the ``krippendorff`` package, measured in the same run.

Run from the repository root:

    .venv/bin/python bench/bench_agreement.py            # full size (10 coders × 100,000 units)
    .venv/bin/python bench/bench_agreement.py --quick    # a tenth of the size, for a smoke test

Prints one row per task: best-of-N wall time for qcode, for the baseline where one exists, and
their ratio (qcode / baseline; below 1 means qcode is faster). Targets: alpha no slower than
the ``krippendorff`` package; a 1,000-replicate bootstrap of alpha on 2 coders × 10,000 units
within 5 s. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qcode.agreement import (
    bootstrap_alpha,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
)


def reliability_data(n_coders: int, n_units: int, seed: int = 0) -> np.ndarray:
    """Five-point codes, 70% agreement with a true value, 10% missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_units)
    noise = rng.integers(1, 6, (n_coders, n_units))
    data = np.where(rng.random((n_coders, n_units)) < 0.7, truth, noise).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    return data


def best_of(repeats: int, f: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = f()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    parser.add_argument("--repeats", type=int, default=5, help="best of N runs (default 5)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    big = reliability_data(10, 100_000 // scale)
    small = reliability_data(2, 10_000 // scale, seed=1)
    try:
        import krippendorff
    except ImportError:  # the baseline is a test dependency: pip install -e '.[test]'
        krippendorff = None

    rows: list[tuple[str, float, float | None, str]] = []
    for level in ("nominal", "interval"):
        ours_t, ours = best_of(args.repeats, lambda lv=level: krippendorff_alpha(big, lv))
        base_t: float | None = None
        check = f"alpha={float(ours):.6f}"
        if krippendorff is not None:
            base_t, theirs = best_of(args.repeats, lambda lv=level: krippendorff.alpha(
                reliability_data=big, level_of_measurement=lv))  # fmt: skip
            check += f", |diff|={abs(float(ours) - theirs):.1e}"
        rows.append((f"krippendorff_alpha {level} 10x{big.shape[1]:,}", ours_t, base_t, check))
    for f in (fleiss_kappa, gwet_ac1):
        t, r = best_of(args.repeats, lambda f=f: f(big))
        rows.append((f"{f.__name__} 10x{big.shape[1]:,}", t, None, f"value={float(r):.6f}"))
    t, boot = best_of(max(1, args.repeats // 2),
                      lambda: bootstrap_alpha(small, n_boot=1000, seed=2007))  # fmt: skip
    rows.append((f"bootstrap_alpha 1000x 2x{small.shape[1]:,}", t, None,
                 f"95% CI [{boot.low:.4f}, {boot.high:.4f}]"))  # fmt: skip

    baseline = "not installed"
    if krippendorff is not None:
        from importlib.metadata import version

        baseline = version("krippendorff")
    print(f"numpy {np.__version__}; baseline: krippendorff {baseline}")
    print(f"{'task':<40} {'qcode s':>9} {'baseline s':>11} {'ratio':>7}  check")
    for name, ours_t, base_t, check in rows:
        base = f"{base_t:11.4f}" if base_t is not None else f"{'-':>11}"
        ratio = f"{ours_t / base_t:7.2f}" if base_t else f"{'-':>7}"
        print(f"{name:<40} {ours_t:9.4f} {base} {ratio}  {check}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
