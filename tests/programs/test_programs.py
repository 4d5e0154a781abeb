"""Six everyday PyTorch RNN programs run unchanged on minigrad and train as they do on PyTorch (issue #17).

Each program in ``rnn_programs.py`` is one text run with ``lib=minigrad``, from PyTorch's starting weights (loaded
with ``load_state_dict``) and the same numpy data; its losses, step by step, its evaluation results and its final
parameters must be PyTorch's. References: ``tests/fixtures/programs_golden.npz`` (made by
``tests/golden/make_program_fixtures.py``) always, and PyTorch itself when it is importable.

Tolerances: float32 programs within rtol 1e-4 (losses, a few dozen steps of float32 round-off), parameters with
atol 1e-5 besides for entries near zero; the float64 program (sine waves, LBFGS) within rtol 1e-9.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from rnn_programs import LETTERS, PROGRAMS

import minigrad

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("make_program_fixtures",
                                               HERE.parent / "golden" / "make_program_fixtures.py")
make_program_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_program_fixtures)

def golden(name: str) -> dict[str, np.ndarray]:
    prefix = name + "."
    with np.load(make_program_fixtures.FIXTURE_FILE, allow_pickle=False) as data:
        return {key[len(prefix):]: data[key] for key in data.files if key.startswith(prefix)}


def initial_state(reference: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {key[len("init."):]: value for key, value in reference.items() if key.startswith("init.")}


def assert_same_run(name: str, ours: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> None:
    """Every array of PyTorch's run (but the starting weights) is reproduced: numbers closely, the rest exactly."""
    compared = [key for key in reference if not key.startswith("init.")]
    assert set(compared) <= set(ours), sorted(set(compared) - set(ours))
    double = all(v.dtype == np.float64 for k, v in reference.items() if k.startswith("final."))
    for key in compared:
        got, want = np.asarray(ours[key]), reference[key]
        assert got.shape == want.shape, (key, got.shape, want.shape)
        if want.dtype.kind == "f":
            if double:
                np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=key)
            elif key.startswith("final."):
                np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=key)
            else:
                np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-7, err_msg=key)
        else:
            np.testing.assert_array_equal(got, want, err_msg=key)


_LIVE: dict[str, dict[str, np.ndarray]] = {}


def live_torch(name: str) -> dict[str, np.ndarray]:
    """PyTorch's run of program ``name``, made once per session."""
    pytest.importorskip("torch")
    if name not in _LIVE:
        _LIVE[name] = make_program_fixtures.run_torch(name)
    return _LIVE[name]


def run_minigrad(name: str, reference: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    minigrad.manual_seed(0)
    return PROGRAMS[name](minigrad, initial_state(reference))


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_trains_as_in_the_pytorch_golden_run(name):
    reference = golden(name)
    ours = run_minigrad(name, reference)
    # The starting weights really are PyTorch's, and the run is not vacuous: PyTorch's loss went down.
    for key, value in initial_state(reference).items():
        np.testing.assert_array_equal(ours["init." + key], value)
    losses, third = reference["losses"], len(reference["losses"]) // 3
    assert losses[-third:].mean() < losses[:third].mean(), losses
    assert_same_run(name, ours, reference)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_trains_as_live_pytorch(name):
    reference = live_torch(name)
    assert_same_run(name, run_minigrad(name, reference), reference)


def test_the_golden_runs_are_todays_live_pytorch_runs():
    for name in make_program_fixtures.ALL_PROGRAMS:
        stored, live = golden(name), live_torch(name)
        assert set(stored) == set(live), name
        for key in stored:
            np.testing.assert_array_equal(stored[key], live[key], err_msg=f"{name}.{key}")


def test_sampled_names_are_well_formed():
    # multinomial draws from each library's own generator, so the names differ; they must still be names.
    out = run_minigrad("name_generator", golden("name_generator"))
    assert len(out["sampled_names"]) == 3
    for sampled in out["sampled_names"]:
        assert sampled.startswith("k") and 1 <= len(sampled) <= 11, sampled
        assert set(sampled) <= set(LETTERS), sampled
