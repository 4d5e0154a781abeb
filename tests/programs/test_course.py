"""The course's "hello" -> "ohlol" lecture (RNNCell, nn.RNN and Embedding versions) run on minigrad as written.

The programs are in ``course_programs.py``; each runs from PyTorch's starting weights and must print the same
predicted strings and reach the same losses (rtol 1e-4, float32) and final parameters as PyTorch. References:
``tests/fixtures/programs_golden.npz`` (made by ``tests/golden/make_program_fixtures.py``) always, and PyTorch
itself when it is importable.

Until issue #17 the course's text failed on two of minigrad's old differences: ``minigrad.Tensor(list of ints)``
made int64 (PyTorch makes float32) and ``Tensor.data`` was the numpy array (so ``idx.data.numpy()`` failed).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from course_programs import COURSE_PROGRAMS

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


def predictions(printed: np.ndarray) -> list[str]:
    """The predicted strings of the printed lines (the losses, printed rounded, are compared as numbers)."""
    return [re.match(r"Predicted(?: string)?: +(\w+), Epoch \[(\d+)/15\]", line).group(1, 2) for line in printed]


def assert_same_run(ours: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> None:
    assert predictions(ours["printed"]) == predictions(reference["printed"])
    np.testing.assert_allclose(ours["losses"], reference["losses"], rtol=1e-4, atol=1e-7)
    for key in reference:
        if key.startswith("final."):
            np.testing.assert_allclose(ours[key], reference[key], rtol=1e-4, atol=1e-5, err_msg=key)


@pytest.mark.parametrize("name", list(COURSE_PROGRAMS))
def test_course_code_trains_as_in_the_pytorch_golden_run(name):
    reference = golden(name)
    assert_same_run(COURSE_PROGRAMS[name](minigrad, initial_state(reference)), reference)


@pytest.mark.parametrize("name", list(COURSE_PROGRAMS))
def test_course_code_trains_as_live_pytorch(name):
    pytest.importorskip("torch")
    reference = make_program_fixtures.run_torch(name)
    assert_same_run(COURSE_PROGRAMS[name](minigrad, initial_state(reference)), reference)
