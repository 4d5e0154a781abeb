"""``Linear``, ``F.linear``, ``Identity`` and ``Flatten``: parameters and their names, reprs, shapes, errors (stored
PyTorch strings and live PyTorch) and gradchecks in float64. Values against PyTorch are in test_nn_golden.py."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, module_gradcheck, torch_namespace

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn


def test_parameters_shapes_names_and_dtype():
    layer = nn.Linear(100, 10)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [("weight", (10, 100)), ("bias", (10,))]
    assert layer.weight.dtype == mg.float32 and layer.weight.requires_grad and layer.weight.is_leaf
    assert (layer.in_features, layer.out_features) == (100, 10)
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_bias_false_registers_none():
    layer = nn.Linear(3, 4, bias=False)
    assert layer.bias is None
    assert list(layer._parameters) == ["weight", "bias"]
    assert list(layer.state_dict()) == ["weight"]
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    for bias in (True, False):
        ours, theirs = nn.Linear(3, 4, bias=bias), torch.nn.Linear(3, 4, bias=bias)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert list(ours._parameters) == list(theirs._parameters)


def test_dtype_argument():
    layer = nn.Linear(3, 4, dtype=mg.float64)
    assert layer.weight.dtype == mg.float64 and layer.bias.dtype == mg.float64
    assert layer(mg.randn(2, 3, dtype=mg.float64)).dtype == mg.float64


@pytest.mark.parametrize("shape,out", [((5,), (4,)), ((2, 5), (2, 4)), ((3, 2, 5), (3, 2, 4)),
                                       ((2, 1, 3, 5), (2, 1, 3, 4))])
def test_output_shape(shape, out):
    assert tuple(nn.Linear(5, 4)(mg.randn(*shape)).shape) == out


def test_forward_is_x_times_weight_transposed_plus_bias():
    layer = nn.Linear(5, 4, dtype=mg.float64)
    x = np.random.default_rng(0).standard_normal((3, 5))
    expected = x @ layer.weight.detach().numpy().T + layer.bias.detach().numpy()
    np.testing.assert_allclose(layer(mg.tensor(x)).detach().numpy(), expected, rtol=1e-14, atol=1e-14)


#: input shape -> (grad_fn of Linear(5, 4) with bias, the name of that node's first parent), read from PyTorch 2.13.
#: Any rank but 2 is folded to 2-D around one addmm, so the bias is added inside the product.
GRAPH_NAMES = {
    (5,): ("ViewBackward0", "AddmmBackward0"),
    (2, 5): ("AddmmBackward0", None),
    (3, 2, 5): ("ViewBackward0", "AddmmBackward0"),
    (2, 1, 3, 5): ("ViewBackward0", "AddmmBackward0"),
}


def _graph_names(L, shape):
    L.lib.manual_seed(0)
    y = L.nn.Linear(5, 4)(L.t(np.ones(shape, dtype=np.float32)))
    first = y.grad_fn.next_functions[0][0]
    return y.grad_fn.name(), (first.name() if first is not None and "AddmmBackward0" != y.grad_fn.name() else None)


@pytest.mark.parametrize("shape", list(GRAPH_NAMES))
def test_graph_node_names_are_pytorchs(shape):
    assert _graph_names(MG, shape) == GRAPH_NAMES[shape]


@pytest.mark.parametrize("shape", list(GRAPH_NAMES))
def test_graph_node_names_match_torch(shape):
    pytest.importorskip("torch")
    assert _graph_names(MG, shape) == _graph_names(torch_namespace(), shape)


REPRS = {
    "Linear(in_features=100, out_features=10, bias=True)": lambda L: L.nn.Linear(100, 10),
    "Linear(in_features=3, out_features=4, bias=False)": lambda L: L.nn.Linear(3, 4, bias=False),
    "Identity()": lambda L: L.nn.Identity(54, unused_argument1=0.1),
    "Flatten(start_dim=1, end_dim=-1)": lambda L: L.nn.Flatten(),
    "Flatten(start_dim=0, end_dim=2)": lambda L: L.nn.Flatten(0, 2),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_matches_torch(text):
    pytest.importorskip("torch")
    assert repr(REPRS[text](MG)) == repr(REPRS[text](torch_namespace()))


ERRORS = {
    "last_size_2d": (lambda L: L.nn.Linear(3, 4)(L.t(np.zeros((2, 5), np.float32))), "RuntimeError",
                     "mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)"),
    "last_size_3d": (lambda L: L.nn.Linear(3, 4)(L.t(np.zeros((2, 3, 5), np.float32))), "RuntimeError",
                     "mat1 and mat2 shapes cannot be multiplied (6x5 and 3x4)"),
    "last_size_1d": (lambda L: L.nn.Linear(3, 4)(L.t(np.zeros(5, np.float32))), "RuntimeError",
                     "mat1 and mat2 shapes cannot be multiplied (1x5 and 3x4)"),
    "functional_no_bias": (lambda L: L.F.linear(L.t(np.zeros((2, 5))), L.t(np.zeros((4, 3)))), "RuntimeError",
                           "mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)"),
    "scalar_input": (lambda L: L.F.linear(L.t(np.zeros(())), L.t(np.zeros((4, 3)))), "RuntimeError",
                     "both arguments to linear need to be at least 1D, but they are 0D and 2D"),
    "bias_size": (lambda L: L.F.linear(L.t(np.zeros((2, 3))), L.t(np.zeros((4, 3))), L.t(np.zeros(5))),
                  "RuntimeError", "The expanded size of the tensor (4) must match the existing size (5) at "
                  "non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [5]"),
    "bias_size_3d": (lambda L: L.F.linear(L.t(np.zeros((5, 2, 3))), L.t(np.zeros((4, 3))), L.t(np.zeros(5))),
                     "RuntimeError", "The expanded size of the tensor (4) must match the existing size (5) at "
                     "non-singleton dimension 1.  Target sizes: [10, 4].  Tensor sizes: [5]"),
    "dtype_no_bias": (lambda L: L.F.linear(L.t(np.zeros((2, 3), np.float32)), L.t(np.zeros((4, 3)))),
                      "RuntimeError", "expected m1 and m2 to have the same dtype, but got: float != double"),
    "dtype_input_module": (lambda L: L.nn.Linear(3, 4)(L.t(np.zeros((2, 3), np.int64))), "RuntimeError",
                           "mat1 and mat2 must have the same dtype, but got Long and Float"),
    "dtype_bias": (lambda L: L.F.linear(L.t(np.zeros((2, 3), np.float32)), L.t(np.zeros((4, 3), np.float32)),
                                        L.t(np.zeros(4))),
                   "RuntimeError", "self and mat2 must have the same dtype, but got Double and Float"),
    "weight_3d": (lambda L: L.F.linear(L.t(np.zeros((2, 3))), L.t(np.zeros((2, 4, 3)))), "RuntimeError",
                  "t() expects a tensor with <= 2 dimensions, but self is 3D"),
    "negative_features": (lambda L: L.nn.Linear(-1, 4), "RuntimeError",
                          "Trying to create tensor with negative dimension -1: [4, -1]"),
    "flatten_1d": (lambda L: L.nn.Flatten()(L.t(np.zeros(2))), "IndexError",
                   "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
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


def test_failed_call_changes_nothing():
    layer = nn.Linear(3, 4)
    before = {k: v.numpy().copy() for k, v in layer.state_dict().items()}
    with pytest.raises(RuntimeError):
        layer(mg.randn(2, 5))
    for k, v in layer.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
        assert v.grad is None


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 2, 3)])
def test_gradcheck_linear_module(bias, shape):
    layer = nn.Linear(3, 2, bias=bias, dtype=mg.float64)
    x = mg.randn(*shape, dtype=mg.float64, requires_grad=True)
    assert module_gradcheck(layer, x)


def test_gradcheck_functional_linear():
    x = mg.randn(2, 3, 4, dtype=mg.float64, requires_grad=True)
    w = mg.randn(5, 4, dtype=mg.float64, requires_grad=True)
    b = mg.randn(5, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(F.linear, (x, w, b))
    assert mg.gradcheck(lambda x, w: F.linear(x, w), (x, w))


def test_one_d_weight_gives_dot_product():
    x, w = mg.randn(2, 3, dtype=mg.float64), mg.randn(3, dtype=mg.float64)
    np.testing.assert_allclose(F.linear(x, w).numpy(), x.numpy() @ w.numpy())


def test_identity_returns_its_input():
    x = mg.randn(2, 3)
    assert nn.Identity()(x) is x
    assert list(nn.Identity(3, a=1).parameters()) == []


def test_flatten_shapes_and_gradient():
    x = mg.randn(2, 3, 4, dtype=mg.float64, requires_grad=True)
    assert tuple(nn.Flatten()(x).shape) == (2, 12)
    assert tuple(nn.Flatten(0, 1)(x).shape) == (6, 4)
    assert mg.gradcheck(nn.Flatten(), (x,))
