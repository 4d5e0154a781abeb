"""Differential fuzzing of minigrad against PyTorch (issue #20): N random programs, mismatches counted by kind.

The programs and the comparison are ``tests/fuzz/differential.py``'s; the known causes are ``tests/fuzz/known.py``'s.
Prints a table of (kind, op) counts, a few examples of each unexplained one, and one summary line:

    fuzz: 10000 cases, 812 mismatches (value 3, grad 20, ...), 0 unexplained

    python benchmarks/fuzz_differential.py [--cases 10000] [--seed 0] [--examples 2] [--ops name,name]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fuzz"))
from differential import KINDS, run_cases, torch  # noqa: E402
from known import explain  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--examples", type=int, default=2, help="examples printed per unexplained (kind, op)")
    parser.add_argument("--ops", default="", help="comma-separated row names: draw programs from those rows only")
    args = parser.parse_args(argv)
    if torch is None:
        print("fuzz: PyTorch is not importable; nothing to compare against")
        return 1
    start = time.perf_counter()
    n, found = run_cases(args.cases, args.seed, [o for o in args.ops.split(",") if o])
    by_kind = collections.Counter(m.kind for m in found)
    unexplained = [m for m in found if explain(m) is None]
    table = collections.Counter((m.kind, m.op, explain(m) or "UNEXPLAINED") for m in found)
    for (kind, op, cause), count in table.most_common():
        print(f"{count:6d}  {kind:14s} {op:22s} {cause}")
    shown = collections.Counter()
    for m in unexplained:
        if shown[(m.kind, m.op)] < args.examples:
            shown[(m.kind, m.op)] += 1
            print(m)
    kinds = ", ".join(f"{k} {by_kind[k]}" for k in KINDS if by_kind[k])
    print(f"fuzz: {n} cases, {len(found)} mismatches ({kinds or 'none'}), {len(unexplained)} unexplained, "
          f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
