"""``F.one_hot``: values against numpy, shapes and dtype, and errors (stored PyTorch strings and live PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, torch_namespace

import minigrad as mg
import minigrad.nn.functional as F


def test_values_match_rows_of_the_identity():
    idx = np.array([[0, 2], [1, 4]])
    out = F.one_hot(mg.tensor(idx), 6)
    assert out.dtype == mg.int64 and tuple(out.shape) == (2, 2, 6)
    np.testing.assert_array_equal(out.numpy(), np.eye(6, dtype=np.int64)[idx])


def test_num_classes_defaults_to_max_plus_one():
    assert tuple(F.one_hot(mg.tensor([0, 2, 1])).shape) == (3, 3)
    np.testing.assert_array_equal(F.one_hot(mg.tensor(2), 4).numpy(), [0, 0, 1, 0])
    assert tuple(F.one_hot(mg.tensor(np.zeros(0, np.int64)), 3).shape) == (0, 3)


def test_hello_to_one_hot_inputs():
    # The seed notes' example: the characters of "hello" as indices into "ehlo", one-hot encoded.
    vocab = "ehlo"
    x = F.one_hot(mg.tensor([vocab.index(c) for c in "hello"]), len(vocab))
    assert x.tolist() == [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]


ERRORS = {
    "float": (lambda L: L.F.one_hot(L.t(np.array([0.0, 1.0])), 5), "RuntimeError",
              "one_hot is only applicable to index tensor of type LongTensor."),
    "int32": (lambda L: L.F.one_hot(L.t(np.array([0, 1], np.int32)), 5), "RuntimeError",
              "one_hot is only applicable to index tensor of type LongTensor."),
    "negative": (lambda L: L.F.one_hot(L.t(np.array([0, -2, 1])), 5), "RuntimeError",
                 "Class values must be non-negative."),
    "negative_inferred": (lambda L: L.F.one_hot(L.t(np.array([-1, 2]))), "RuntimeError",
                          "Class values must be non-negative."),
    "too_big": (lambda L: L.F.one_hot(L.t(np.array([0, 7, 1])), 5), "RuntimeError",
                "Class values must be smaller than num_classes."),
    "zero_classes": (lambda L: L.F.one_hot(L.t(np.array([0, 1])), 0), "RuntimeError",
                     "Class values must be smaller than num_classes."),
    "empty_inferred": (lambda L: L.F.one_hot(L.t(np.zeros(0, np.int64))), "RuntimeError",
                       "Can not infer total number of classes from empty tensor."),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    assert error_of(lambda: call(MG)) == error_of(lambda: call(torch_namespace()))


def test_matches_torch_live():
    torch = pytest.importorskip("torch")
    idx = np.random.default_rng(0).integers(0, 7, (3, 4))
    np.testing.assert_array_equal(F.one_hot(mg.tensor(idx)).numpy(),
                                  torch.nn.functional.one_hot(torch.tensor(idx)).numpy())
