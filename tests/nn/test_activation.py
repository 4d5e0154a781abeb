"""Activation modules and functions: reprs, softmax's implicit dim, in-place ReLU, errors (stored PyTorch strings and
live PyTorch) and gradchecks in float64. Values against PyTorch are in test_nn_golden.py."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, torch_namespace, warnings_of

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

REPRS = {
    "Tanh()": lambda L: L.nn.Tanh(),
    "Sigmoid()": lambda L: L.nn.Sigmoid(),
    "ReLU()": lambda L: L.nn.ReLU(),
    "ReLU(inplace=True)": lambda L: L.nn.ReLU(inplace=True),
    "Softmax(dim=None)": lambda L: L.nn.Softmax(),
    "Softmax(dim=1)": lambda L: L.nn.Softmax(dim=1),
    "Softmax(dim=-1)": lambda L: L.nn.Softmax(-1),
    "LogSoftmax(dim=1)": lambda L: L.nn.LogSoftmax(1),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_matches_torch(text):
    pytest.importorskip("torch")
    assert repr(REPRS[text](MG)) == repr(REPRS[text](torch_namespace()))


IMPLICIT = "Implicit dimension choice for {} has been deprecated. Change the call to include dim=X as an argument."


@pytest.mark.parametrize("shape,dim", [((4,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_without_dim_warns_and_picks_pytorchs_dim(shape, dim, name):
    x = mg.randn(*shape, dtype=mg.float64)
    fn = getattr(F, name)
    with pytest.warns(UserWarning) as record:
        y = fn(x)
    assert [str(w.message) for w in record] == [IMPLICIT.format(name)]
    np.testing.assert_array_equal(y.numpy(), fn(x, dim).numpy())


def test_softmax_module_without_dim_warns_at_the_callers_line():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax") as record:
        nn.Softmax()(mg.randn(2, 3))
    assert record[0].filename == __file__


def test_implicit_dim_warning_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.zeros((2, 3), np.float32)
    assert warnings_of(lambda: F.log_softmax(mg.tensor(x))) == \
        warnings_of(lambda: torch.nn.functional.log_softmax(torch.tensor(x)))


def test_softmax_dtype_argument_casts_first():
    x = mg.randn(2, 3)
    y = F.softmax(x, 1, dtype=mg.float64)
    assert y.dtype == mg.float64
    np.testing.assert_allclose(y.numpy(), F.softmax(x.double(), 1).numpy())


ERRORS = {
    "softmax_dim": (lambda L: L.F.softmax(L.t(np.zeros((2, 3))), 2), "IndexError",
                    "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "softmax_int_last": (lambda L: L.F.softmax(L.t(np.ones((2, 3), np.int64)), 1), "NotImplementedError",
                         "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    "softmax_int_first": (lambda L: L.F.softmax(L.t(np.ones((2, 3), np.int64)), 0), "NotImplementedError",
                          "\"softmax_kernel_impl\" not implemented for 'Long'"),
    "log_softmax_int": (lambda L: L.F.log_softmax(L.t(np.ones((2, 3), np.int64)), 1), "NotImplementedError",
                        "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    "relu_inplace_leaf": (lambda L: L.F.relu(L.t(np.ones(3), requires_grad=True), inplace=True), "RuntimeError",
                          "a leaf Variable that requires grad is being used in an in-place operation."),
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


def test_relu_inplace_overwrites_and_backpropagates():
    x = mg.tensor([-1.0, 0.0, 2.0, -3.0, 4.0], dtype=mg.float64, requires_grad=True)
    y = x * 1.0
    z = F.relu(y, inplace=True)
    assert z is y
    np.testing.assert_array_equal(y.detach().numpy(), [0.0, 0.0, 2.0, 0.0, 4.0])
    assert y.grad_fn.name() == "ReluBackward0"
    (y * mg.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=mg.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 3.0, 0.0, 5.0])  # 0 at x == 0, as PyTorch


def test_relu_inplace_without_grad_bumps_version():
    x = mg.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x
    np.testing.assert_array_equal(x.numpy(), [0.0, 2.0])
    assert x._version == 1


def test_relu_inplace_on_a_saved_output_fails_at_backward():
    x = mg.randn(4, requires_grad=True)
    y = x.tanh()  # tanh saves its output for backward
    F.relu(y, inplace=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_relu_int_tensor():
    np.testing.assert_array_equal(F.relu(mg.tensor([-1, 2])).numpy(), [0, 2])


@pytest.mark.parametrize("module", [nn.Tanh(), nn.Sigmoid(), nn.ReLU(), nn.Softmax(dim=0), nn.Softmax(dim=1),
                                    nn.LogSoftmax(dim=0), nn.LogSoftmax(dim=-1)], ids=repr)
def test_gradcheck_modules(module):
    x = mg.tensor(np.random.default_rng(3).standard_normal((3, 4)) + 0.05, requires_grad=True)  # away from relu's kink
    assert mg.gradcheck(module, (x,))


@pytest.mark.parametrize("fn", [F.tanh, F.sigmoid, F.relu, lambda x: F.softmax(x, 1), lambda x: F.log_softmax(x, 0)])
def test_gradcheck_functions(fn):
    x = mg.tensor(np.random.default_rng(4).standard_normal((2, 3, 2)) + 0.05, requires_grad=True)
    assert mg.gradcheck(fn, (x,))


def test_gradcheck_inplace_relu():
    x = mg.tensor(np.random.default_rng(5).standard_normal((3, 3)) + 0.05, requires_grad=True)
    assert mg.gradcheck(lambda x: F.relu(x * 2.0, inplace=True), (x,))
