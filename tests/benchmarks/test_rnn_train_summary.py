"""``rnn_train.py --processes``: the verdict over several processes is the median of their ratios, per target."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "rnn_train.py"
_spec = importlib.util.spec_from_file_location("benchmarks_rnn_train", _PATH)
rnn_train = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = rnn_train
_spec.loader.exec_module(rnn_train)


@pytest.fixture(autouse=True)
def fast_floor_targets(monkeypatch):
    """The targets of the fast floor (the suite also runs with MINIGRAD_FAST=0, which would pick the lesson's)."""
    monkeypatch.setenv("MINIGRAD_FAST", "1")


def test_each_target_is_judged_by_the_median_of_the_processes_ratios():
    reports = [
        {"rnn hello": 0.80, "rnn small": 1.30},
        {"rnn hello": 0.90, "rnn small": 1.20},
        {"rnn hello": 1.20, "rnn small": 1.10},
    ]
    lines = rnn_train.summarize(reports, ("rnn",))
    assert len(lines) == 3
    hello, small, medium = lines
    assert "0.900  PASS" in hello and "(processes: 0.800 0.900 1.200)" in hello  # one slow process does not decide
    assert "1.200  PASS" in small and "(processes: 1.300 1.200 1.100)" in small
    assert medium.endswith("not measured")


def test_a_median_over_the_limit_misses_and_the_limit_itself_passes():
    reports = [{"gru small": 1.25, "gru medium": 1.26}, {"gru small": 1.25, "gru medium": 1.30}]
    small, medium = rnn_train.summarize(reports, ("gru",))
    assert "1.250  PASS" in small
    assert "1.280  MISS" in medium


def test_only_the_cells_asked_for_are_listed():
    lines = rnn_train.summarize([{"rnn small": 1.0, "lstm small": 1.0}], ("lstm",))
    assert [line.split()[0] for line in lines] == ["lstm", "lstm"]


def test_one_process_prints_its_ratio_alone():
    hello, small, medium = rnn_train.summarize([{"rnn hello": 0.8, "rnn small": 1.3}], ("rnn",))
    assert hello == "  rnn  hello   minigrad/torch <= 1.00: 0.800  PASS"
    assert small == "  rnn  small   minigrad/numpy <= 1.25: 1.300  MISS"
    assert medium == "  rnn  medium  minigrad/numpy <= 1.10: not measured"


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_with_the_fast_floor_off_small_is_judged_against_the_lesson_limit_and_medium_reported(monkeypatch, value):
    monkeypatch.setenv("MINIGRAD_FAST", value)
    small, medium = rnn_train.summarize([{"rnn small": 3.1, "rnn medium": 3.1}], ("rnn",))
    assert small == "  rnn  small   minigrad/numpy <= 3.00: 3.100  MISS"
    assert medium == "  rnn  medium  minigrad/numpy (no target): 3.100"
