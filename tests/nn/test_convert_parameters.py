"""``nn.utils.parameters_to_vector`` and ``vector_to_parameters``: round trip, shared memory, gradients through the
vector, and errors (stored PyTorch strings and live PyTorch) that change no parameter."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, as_minigrad_text, error_of, torch_namespace

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import parameters_to_vector, vector_to_parameters


def test_round_trip_and_order():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    v = parameters_to_vector(m.parameters())
    assert v.shape == (6 + 3 + 3 + 3,)
    np.testing.assert_array_equal(v.detach().numpy()[:6], m[0].weight.detach().numpy().reshape(-1))
    np.testing.assert_array_equal(v.detach().numpy()[-3:], m[1].bias.detach().numpy())
    vector_to_parameters(mg.arange(15.0), m.parameters())
    np.testing.assert_array_equal(m[0].weight.detach().numpy(), np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(m[1].bias.detach().numpy(), [12.0, 13.0, 14.0])
    np.testing.assert_array_equal(parameters_to_vector(m.parameters()).detach().numpy(), np.arange(15.0))


def test_parameters_share_the_vectors_memory_and_stay_the_same_objects():
    m = nn.Linear(2, 2)
    w = m.weight
    vec = mg.zeros(6)
    vector_to_parameters(vec, m.parameters())
    assert m.weight is w
    vec.numpy()[0] = 5.0
    assert m.weight.detach().numpy()[0, 0] == 5.0


def test_gradient_flows_through_the_vector():
    m = nn.Linear(3, 2)
    (parameters_to_vector(m.parameters()) * mg.arange(8.0)).sum().backward()
    np.testing.assert_array_equal(m.weight.grad.numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.bias.grad.numpy(), [6.0, 7.0])


def test_matches_torch():
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(0).standard_normal(40).astype(np.float32)
    outs = []
    for L in (MG, torch_namespace()):
        L.lib.manual_seed(0)
        m = L.nn.Sequential(L.nn.Linear(3, 4), L.nn.LayerNorm(4), L.nn.Linear(4, 2))
        L.nn.utils.vector_to_parameters(L.t(values), m.parameters())
        outs.append(L.nn.utils.parameters_to_vector(m.parameters()).detach().numpy())
    np.testing.assert_array_equal(outs[0], outs[1])
    assert torch is not None


ERRORS = {
    "short": (lambda L: L.nn.utils.vector_to_parameters(L.t(np.ones(3, np.float32)), L.nn.Linear(2, 3).parameters()),
              "RuntimeError", "shape '[3, 2]' is invalid for input of size 3"),
    "not_tensor": (lambda L: L.nn.utils.vector_to_parameters([1, 2], L.nn.Linear(2, 3).parameters()), "TypeError",
                   "expected minigrad.Tensor, but got: list"),
    "empty": (lambda L: L.nn.utils.parameters_to_vector([]), "ValueError",
              "minigrad.cat(): expected a non-empty list of Tensors"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    kind, message = error_of(lambda: ERRORS[name][0](torch_namespace()))
    assert error_of(lambda: ERRORS[name][0](MG)) == (kind, as_minigrad_text(message))


def test_too_short_vector_changes_no_parameter():
    m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    before = [p.detach().numpy().copy() for p in m.parameters()]
    with pytest.raises(RuntimeError):
        vector_to_parameters(mg.zeros(8), m.parameters())  # enough for the first layer only
    for p, b in zip(m.parameters(), before):
        np.testing.assert_array_equal(p.detach().numpy(), b)
