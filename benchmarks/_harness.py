"""Timing helper for the benchmarks: run candidates interleaved, in rotated order, and compare their medians.

A benchmark here is a ratio against references measured in the same process and the same minutes, never an
absolute time: the machine's speed drifts (other processes, CPU clocks), and interleaving spreads that drift
over every candidate alike. Each repeat times every candidate once, starting with a different one each time.

Usage::

    timings = run_interleaved({"numpy": step_np, "torch": step_torch}, repeats=7)
    print_table("medium", timings, ratios=[("torch", "numpy")])
"""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

#: A candidate whose repeats spread wider than this (relative to the median) is flagged as noisy.
NOISY_SPREAD = 0.25


@dataclass
class Timing:
    """The samples of one candidate: ``samples[r]`` is the mean seconds per call in repeat ``r``, each sample
    being ``number`` back-to-back calls."""

    name: str
    number: int
    samples: list[float]

    @property
    def median(self) -> float:
        """Median seconds per call over the repeats."""
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        """Fastest repeat's seconds per call."""
        return min(self.samples)

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median over the repeats: how noisy this candidate's samples were."""
        return (max(self.samples) - min(self.samples)) / self.median


def _time_calls(fn: Callable[[], object], number: int) -> float:
    """Seconds per call of ``number`` back-to-back calls of ``fn``."""
    # Collect leftovers first so one candidate's garbage is not charged to the next; the collector stays on
    # while timing, since an engine that makes many Python objects pays for collection in real use too.
    gc.collect()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def run_interleaved(
    candidates: Mapping[str, Callable[[], object]],
    repeats: int = 7,
    min_sample_time: float = 0.2,
    warmup: int = 2,
) -> dict[str, Timing]:
    """Time each zero-argument callable in ``candidates``, interleaved, and return a :class:`Timing` per name.

    Each candidate is first called ``warmup`` times, then given a ``number`` of calls per sample so that one
    sample lasts at least ``min_sample_time`` seconds (judged from the fastest of three single calls). Then
    ``repeats`` rounds each take one sample of every candidate; round ``r`` starts at candidate ``r mod n``,
    so no candidate always runs first or last.
    """
    names = list(candidates)
    if not names:
        return {}
    numbers = {}
    for name in names:
        fn = candidates[name]
        for _ in range(warmup):
            fn()
        once = min(_time_calls(fn, 1) for _ in range(3))  # best of three: one stall must not set the count
        numbers[name] = max(1, math.ceil(min_sample_time / max(once, 1e-9)))
    timings = {name: Timing(name, numbers[name], []) for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            timings[name].samples.append(_time_calls(candidates[name], numbers[name]))
    return timings


def ratio(timings: Mapping[str, Timing], numerator: str, denominator: str) -> float | None:
    """``median(numerator) / median(denominator)``, or None when either was not timed."""
    if numerator not in timings or denominator not in timings:
        return None
    return timings[numerator].median / timings[denominator].median


def paired_ratio(timings: Mapping[str, Timing], numerator: str, denominator: str) -> float | None:
    """The median over rounds of ``numerator``'s sample over ``denominator``'s sample of the same round, or None
    when either was not timed. Samples of one round are taken seconds apart, so this follows the machine's drift
    better than the ratio of medians; the targets are still judged by :func:`ratio`."""
    if numerator not in timings or denominator not in timings:
        return None
    pairs = zip(timings[numerator].samples, timings[denominator].samples)
    return statistics.median(a / b for a, b in pairs)


def format_seconds(seconds: float) -> str:
    """A duration with a unit that keeps 3-4 significant digits: ``12.3 us``, ``4.56 ms``, ``1.23 s``."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def cpu_times() -> tuple[int, int] | None:
    """``(steal, total)`` CPU time of the whole machine so far, in clock ticks, from ``/proc/stat`` (Linux), or
    None where there is no such file. Steal is the time a virtual machine's CPUs waited for the host."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal (guest is inside user)
    return ticks[7], sum(ticks)


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of CPU time stolen by the host between two :func:`cpu_times` readings, or None."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def print_table(
    title: str,
    timings: Mapping[str, Timing],
    ratios: Sequence[tuple[str, str]] = (),
    file: TextIO | None = None,
) -> None:
    """Print one row per candidate (median, best, spread, total calls), then the requested ratios.

    Rows whose spread exceeds :data:`NOISY_SPREAD` end in ``noisy``: the machine was busy, so rerun.

    ``ratios`` lists ``(numerator, denominator)`` name pairs; pairs naming an untimed candidate are skipped. Each
    prints the ratio of medians and, in brackets, :func:`paired_ratio`.
    """
    out = file or sys.stdout
    print(f"== {title}", file=out)
    width = max([len(n) for n in timings] + [9])
    print(f"  {'candidate':<{width}}  {'median':>10}  {'best':>10}  {'spread':>7}  {'calls':>6}", file=out)
    for t in timings.values():
        noisy = "  noisy" if t.spread > NOISY_SPREAD else ""
        print(
            f"  {t.name:<{width}}  {format_seconds(t.median):>10}  {format_seconds(t.best):>10}"
            f"  {t.spread:>6.1%}  {t.number * len(t.samples):>6}{noisy}",
            file=out,
        )
    for num, den in ratios:
        r = ratio(timings, num, den)
        if r is not None:
            print(f"  {num}/{den} = {r:.3f}   (per-round median {paired_ratio(timings, num, den):.3f})", file=out)
