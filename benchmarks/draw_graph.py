"""How long ``minigrad.viz.draw_graph`` takes to build the drawing of a long unrolled RNN.

Issue #5's target: the drawing of a 200-step, 2-layer RNN is built "well under a second" (the DOT source,
before any rendering). Each case is built ``--repeats`` times after a backward pass; the median is printed,
with the rendering time to SVG for the collapsed drawing as a reference point.

    python benchmarks/draw_graph.py [--steps 200] [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import minigrad
from minigrad import nn
from minigrad.viz import draw_graph, pipe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    minigrad.manual_seed(0)
    rnn = nn.RNN(4, 3, num_layers=2)
    out, _ = rnn(minigrad.randn(args.steps, 1, 4))
    loss = (out[-1] ** 2).sum()
    loss.backward()
    worst = 0.0
    for label, kwargs in (("default (collapses itself above max_nodes)", {}), ("collapse='step'", {"collapse": "step"}),
                          ("every op (max_nodes=10**6)", {"max_nodes": 10**6})):
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            draw_graph(loss, **kwargs)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{args.steps} steps, 2 layers, {label:<45} build {median * 1e3:7.1f} ms")
    start = time.perf_counter()
    svg = pipe(draw_graph(loss, collapse="step"), "svg", quiet=True)
    print(f"rendering the collapsed drawing to SVG: {time.perf_counter() - start:.2f} s ({len(svg) / 1e6:.1f} MB)")
    print(f"slowest build {worst * 1e3:.0f} ms (target: well under 1 s: {'PASS' if worst < 0.5 else 'MISS'})")


if __name__ == "__main__":
    main()
