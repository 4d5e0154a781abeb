"""The benchmark harness's bookkeeping: interleaving order, sample counts, medians and ratios (no timing asserts)."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

# benchmarks/ is a folder of scripts, not a package: load the module from its file.
_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "_harness.py"
_spec = importlib.util.spec_from_file_location("benchmarks_harness", _PATH)
harness = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = harness  # dataclasses look their module up there
_spec.loader.exec_module(harness)


def test_rounds_rotate_which_candidate_starts():
    calls = []
    candidates = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    timings = harness.run_interleaved(candidates, repeats=3, min_sample_time=0.0, warmup=0)
    # Calibration calls each candidate three times, then each round samples every candidate once (number=1).
    assert calls[:9] == list("aaabbbccc")
    assert calls[9:] == list("abc") + list("bca") + list("cab")
    assert {t.number for t in timings.values()} == {1}
    assert [len(t.samples) for t in timings.values()] == [3, 3, 3]


def test_warmup_calls_come_before_any_sample():
    calls = []
    timings = harness.run_interleaved({"a": lambda: calls.append(1)}, repeats=2, min_sample_time=0.0, warmup=4)
    assert len(calls) == 4 + 3 + 2 * timings["a"].number


def test_median_best_spread_and_ratio():
    timings = {
        "fast": harness.Timing("fast", 1, [1.0, 3.0, 2.0]),
        "slow": harness.Timing("slow", 1, [4.0, 8.0, 6.0]),
    }
    assert timings["fast"].median == 2.0
    assert timings["fast"].best == 1.0
    assert timings["fast"].spread == 1.0
    assert harness.ratio(timings, "slow", "fast") == 3.0
    assert harness.ratio(timings, "missing", "fast") is None


def test_paired_ratio_is_the_median_of_same_round_ratios():
    # Round by round: 4/1, 8/3, 6/2 -> median of (4, 2.667, 3) is 3; a drifting machine moves both samples.
    timings = {
        "fast": harness.Timing("fast", 1, [1.0, 3.0, 2.0]),
        "slow": harness.Timing("slow", 1, [4.0, 8.0, 6.0]),
    }
    assert harness.paired_ratio(timings, "slow", "fast") == 3.0
    drift = {"a": harness.Timing("a", 1, [1.0, 10.0, 100.0]), "b": harness.Timing("b", 1, [2.0, 20.0, 200.0])}
    assert harness.paired_ratio(drift, "a", "b") == 0.5
    assert harness.paired_ratio(timings, "missing", "fast") is None


def test_table_prints_each_candidate_and_only_ratios_it_can_compute():
    timings = {"numpy": harness.Timing("numpy", 2, [0.002, 0.002]), "torch": harness.Timing("torch", 2, [0.004])}
    out = io.StringIO()
    harness.print_table("demo", timings, ratios=[("torch", "numpy"), ("minigrad", "numpy")], file=out)
    text = out.getvalue()
    assert "== demo" in text
    assert "2 ms" in text and "4 ms" in text
    assert "torch/numpy = 2.000   (per-round median 2.000)" in text
    assert "minigrad" not in text


def test_steal_share_is_the_stolen_part_of_the_ticks_between_two_readings():
    assert harness.steal_share((10, 1000), (60, 2000)) == 0.05
    assert harness.steal_share(None, (60, 2000)) is None
    assert harness.steal_share((10, 1000), (10, 1000)) is None  # no time passed


def test_cpu_times_reads_steal_and_total_from_proc_stat_where_it_exists():
    if not Path("/proc/stat").exists():
        assert harness.cpu_times() is None
        return
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    steal, total = harness.cpu_times()  # read a moment after the line above: never less
    assert 0 <= steal <= total
    assert steal >= int(fields[8])
    assert total >= sum(int(v) for v in fields[1:9])
