"""Per-op overhead of minigrad against PyTorch CPU on tiny tensors, and one 100,000-op chain.

Tiny tensors make the arithmetic free, so what is timed is each framework's bookkeeping: building the node
(forward) and running the engine over it (backward). Each case is timed as forward alone and as forward +
backward, interleaved with PyTorch in one process (``_harness.run_interleaved``), and printed as ratios.

Target (issue #3): a tiny-tensor op's forward + backward costs no more than PyTorch's (ratio <= 1.0).

    python benchmarks/overhead.py [--repeats 7] [--chain 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import ratio, run_interleaved  # noqa: E402

import minigrad as mg  # noqa: E402

try:
    import torch
except ImportError:  # the benchmark still reports minigrad's own numbers
    torch = None


def _cases(lib):
    """(name, forward, forward+backward) triples on (2, 3) float32 tensors for the library ``lib``."""
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((2, 3)).astype(np.float32)
    b_np = rng.standard_normal((2, 3)).astype(np.float32)
    w_np = rng.standard_normal((3, 3)).astype(np.float32)
    if lib == "minigrad":
        a = mg.tensor(a_np, requires_grad=True)
        b = mg.tensor(b_np, requires_grad=True)
        w = mg.tensor(w_np, requires_grad=True)
        ones = mg.ones_like
    else:
        a = torch.tensor(a_np, requires_grad=True)
        b = torch.tensor(b_np, requires_grad=True)
        w = torch.tensor(w_np, requires_grad=True)
        ones = torch.ones_like
    ops = {
        "add": lambda: a + b,
        "mul": lambda: a * b,
        "tanh": lambda: a.tanh(),
        "matmul": lambda: a @ w,
        "sum(dim=1)": lambda: a.sum(dim=1),
        "getitem": lambda: a[0],
    }
    out = []
    for name, fwd in ops.items():
        seed = ones(fwd().detach())  # dL/dy, made once so only the engine is timed

        def both(fwd=fwd, seed=seed):
            y = fwd()
            y.backward(seed)
            a.grad = b.grad = w.grad = None

        out.append((name, fwd, both))
    return out


def _chain(lib, n):
    """Forward and backward seconds of ``y = y * 1.0 + 0.0`` repeated ``n // 2`` times (n ops)."""
    x = mg.tensor([1.0], requires_grad=True) if lib == "minigrad" else torch.tensor([1.0], requires_grad=True)
    t0 = time.perf_counter()
    y = x
    for _ in range(n // 2):
        y = y * 1.0 + 0.0
    t1 = time.perf_counter()
    y.sum().backward()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--chain", type=int, default=100_000)
    args = parser.parse_args()
    libs = ["minigrad"] + (["torch"] if torch is not None else [])
    if torch is not None:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    cases = {lib: _cases(lib) for lib in libs}
    print(f"{'op':<12} {'phase':<10}" + "".join(f"{lib:>12}" for lib in libs) + "   ratio mg/torch")
    worst = 0.0
    for i, (name, _, _) in enumerate(cases["minigrad"]):
        for phase, k in (("fwd", 1), ("fwd+bwd", 2)):
            cands = {lib: cases[lib][i][k] for lib in libs}
            t = run_interleaved(cands, repeats=args.repeats, min_sample_time=0.05)
            r = ratio(t, "minigrad", "torch")
            if r is not None and phase == "fwd+bwd":
                worst = max(worst, r)
            cells = "".join(f"{t[lib].median * 1e6:>10.1f}us" for lib in libs)
            print(f"{name:<12} {phase:<10}{cells}   {'' if r is None else f'{r:.2f}'}")
    for lib in libs:
        f, b = _chain(lib, args.chain)
        print(f"chain of {args.chain} ops, {lib:<8}: forward {f:.3f}s, backward {b:.3f}s")
    if torch is not None:
        verdict = "PASS" if worst <= 1.0 else "MISS"
        print(f"worst tiny-op fwd+bwd ratio minigrad/torch: {worst:.2f} (target <= 1.00: {verdict})")


if __name__ == "__main__":
    main()
