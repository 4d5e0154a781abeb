"""Bad arguments and inputs to ``RNNCell`` and ``RNN`` fail with PyTorch's messages and change nothing.

The expected texts were read off PyTorch 2.13 (``minigrad`` spelled where PyTorch prints ``torch``). After each
failure, every parameter, gradient and version counter, the inputs, the random generator and the scope are checked
to be as they were.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.autograd import current_scope


def generator_state() -> dict:
    return mg.default_generator().bit_generator.state


def snapshot(*tensors: mg.Tensor, module: nn.Module | None = None) -> list:
    items = list(tensors) + ([] if module is None else [p for _, p in module.named_parameters()])
    return [
        (t.detach().numpy().copy(), t._version, None if t.grad is None else t.grad.numpy().copy(), t.grad_fn)
        for t in items
    ]


def assert_unchanged(before: list, *tensors: mg.Tensor, module: nn.Module | None = None) -> None:
    after = snapshot(*tensors, module=module)
    assert len(before) == len(after)
    for (data0, v0, g0, fn0), (data1, v1, g1, fn1) in zip(before, after):
        np.testing.assert_array_equal(data0, data1)
        assert v0 == v1 and fn0 is fn1
        assert (g0 is None) == (g1 is None)
        if g0 is not None:
            np.testing.assert_array_equal(g0, g1)


def trained(module: nn.Module) -> nn.Module:
    """The module after one backward, so that gradients exist and must survive a failed call untouched."""
    for p in module.parameters():
        p.grad = mg.ones(*p.shape, dtype=p.dtype)
    return module


# ---- constructors ------------------------------------------------------------------------------------------------
CONSTRUCTOR_ERRORS = [
    (lambda: nn.RNNCell(3, 5, nonlinearity="sigmoid"), ValueError,
     "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."),
    (lambda: nn.RNNCell(-1, 5), RuntimeError, "Trying to create tensor with negative dimension -1: [5, -1]"),
    (lambda: nn.RNNCell(3, -5), RuntimeError, "Trying to create tensor with negative dimension -5: [-5, 3]"),
    (lambda: nn.RNNCell(3.0, 5), TypeError, "input_size should be of type int, got: float"),
    (lambda: nn.RNN(10, 20, nonlinearity="sigmoid"), ValueError,
     "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."),
    (lambda: nn.RNN(10, 20, 2, "gelu"), ValueError, "Unknown nonlinearity 'gelu'. Select from 'tanh' or 'relu'."),
    (lambda: nn.RNN(10, 20, num_layers=2, dropout=1.5), ValueError,
     "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
    (lambda: nn.RNN(10, 20, num_layers=2, dropout=-0.1), ValueError,
     "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
    (lambda: nn.RNN(10, 20, num_layers=2, dropout=True), ValueError,
     "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
    (lambda: nn.RNN(10, 20, num_layers=2, dropout="0.5"), ValueError,
     "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
    (lambda: nn.RNN(10, 20, num_layers=2, dropout=None), TypeError,
     "float() argument must be a string or a real number, not 'NoneType'"),
    (lambda: nn.RNN(10, 20, bias=0), TypeError, "bias should be of type bool, got: int"),
    (lambda: nn.RNN(10, 20, batch_first=1), TypeError, "batch_first should be of type bool, got: int"),
    (lambda: nn.RNN(0, 20), ValueError, "input_size must be greater than zero"),
    (lambda: nn.RNN(10, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda: nn.RNN(10, -1), ValueError, "hidden_size must be greater than zero"),
    (lambda: nn.RNN(10, 20, num_layers=0), ValueError, "num_layers must be greater than zero"),
    (lambda: nn.RNN(10, 20, num_layers=-1), ValueError, "num_layers must be greater than zero"),
    (lambda: nn.RNN(10.0, 20), TypeError, "input_size should be of type int, got: float"),
    (lambda: nn.RNN(10, 2.5), TypeError, "hidden_size should be of type int, got: float"),
]


@pytest.mark.parametrize("make, error, message", CONSTRUCTOR_ERRORS)
def test_bad_constructor_arguments_raise_pytorchs_error_and_draw_nothing(make, error, message):
    mg.manual_seed(5)
    state = generator_state()
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        make()
    assert generator_state() == state


def test_cell_with_unknown_nonlinearity_fails_at_construction_not_at_forward():
    # PyTorch builds the cell and fails only in forward ("Unknown nonlinearity: sigmoid"); minigrad fails early.
    with pytest.raises(ValueError, match="'sigmoid'"):
        nn.RNNCell(3, 5, nonlinearity="sigmoid")


def test_an_empty_cell_is_allowed_like_in_pytorch():
    cell = nn.RNNCell(0, 5)
    assert cell.weight_ih.shape == (5, 0)
    assert cell(mg.zeros(2, 0)).shape == (2, 5)


# ---- RNNCell.forward ---------------------------------------------------------------------------------------------
CELL_INPUT_ERRORS = [
    ((2, 2, 3), None, ValueError, "RNNCell: Expected input to be 1D or 2D, got 3D instead"),
    ((), None, ValueError, "RNNCell: Expected input to be 1D or 2D, got 0D instead"),
    ((2, 3), (1, 2, 5), ValueError, "RNNCell: Expected hidden to be 1D or 2D, got 3D instead"),
    ((2, 4), None, RuntimeError, "input has inconsistent input_size: got 4 expected 3"),
    ((4,), None, RuntimeError, "input has inconsistent input_size: got 4 expected 3"),
    ((2, 3), (2, 6), RuntimeError, "hidden0 has inconsistent hidden_size: got 6, expected 5"),
    ((3,), (6,), RuntimeError, "hidden0 has inconsistent hidden_size: got 6, expected 5"),
    ((3,), (2, 5), RuntimeError, "hidden0 has inconsistent hidden_size: got 2, expected 5"),
    ((2, 3), (3, 5), RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 3"),
    ((2, 3), (5,), RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 5"),
    ((5, 3), (5,), IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
]


@pytest.mark.parametrize("x_shape, h_shape, error, message", CELL_INPUT_ERRORS)
def test_cell_rejects_bad_shapes_with_pytorchs_message_and_changes_nothing(x_shape, h_shape, error, message):
    cell = trained(nn.RNNCell(3, 5))
    x = mg.randn(*x_shape, requires_grad=True)
    h = None if h_shape is None else mg.randn(*h_shape, requires_grad=True)
    tensors = (x,) if h is None else (x, h)
    before = snapshot(*tensors, module=cell)
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        cell(x, h)
    assert_unchanged(before, *tensors, module=cell)
    assert current_scope() == ()


@pytest.mark.parametrize(
    "x_dtype, h_dtype, message",
    [
        (mg.float64, None, "mat1 and mat2 must have the same dtype, but got Double and Float"),
        (mg.int32, None, "mat1 and mat2 must have the same dtype, but got Int and Float"),
        (mg.float32, mg.float64, "mat1 and mat2 must have the same dtype, but got Double and Float"),
        (mg.float64, mg.float64, "mat1 and mat2 must have the same dtype, but got Double and Float"),
    ],
)
def test_cell_rejects_a_dtype_mismatch(x_dtype, h_dtype, message):
    cell = trained(nn.RNNCell(3, 5))
    x = mg.tensor(np.ones((2, 3)), dtype=x_dtype)
    h = None if h_dtype is None else mg.tensor(np.ones((2, 5)), dtype=h_dtype)
    before = snapshot(module=cell)
    with pytest.raises(RuntimeError, match="^" + re.escape(message) + "$"):
        cell(x, h)
    assert_unchanged(before, module=cell)


# ---- RNN.forward -------------------------------------------------------------------------------------------------
RNN_INPUT_ERRORS = [
    ({}, (5,), None, ValueError, "RNN: Expected input to be 2D or 3D, got 1D tensor instead"),
    ({}, (1, 2, 3, 10), None, ValueError, "RNN: Expected input to be 2D or 3D, got 4D tensor instead"),
    ({}, (5, 3, 11), None, RuntimeError, "input.size(-1) must be equal to input_size. Expected 10, got 11"),
    ({}, (5, 11), None, RuntimeError, "input.size(-1) must be equal to input_size. Expected 10, got 11"),
    ({}, (5, 3, 10), (1, 3, 20), RuntimeError, "Expected hidden size (2, 3, 20), got [1, 3, 20]"),
    ({}, (5, 3, 10), (2, 3, 21), RuntimeError, "Expected hidden size (2, 3, 20), got [2, 3, 21]"),
    ({}, (5, 3, 10), (2, 4, 20), RuntimeError, "Expected hidden size (2, 3, 20), got [2, 4, 20]"),
    ({}, (5, 10), (1, 20), RuntimeError, "Expected hidden size (2, 1, 20), got [1, 1, 20]"),
    ({}, (5, 10), (2, 3), RuntimeError, "Expected hidden size (2, 1, 20), got [2, 1, 3]"),
    ({"bidirectional": True}, (5, 3, 10), (2, 3, 20), RuntimeError,
     "Expected hidden size (4, 3, 20), got [2, 3, 20]"),
    ({"batch_first": True}, (3, 5, 10), (2, 5, 20), RuntimeError, "Expected hidden size (2, 3, 20), got [2, 5, 20]"),
    ({}, (5, 3, 10), (3, 20), RuntimeError, "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    ({}, (5, 3, 10), (2, 3, 20, 1), RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 4-D tensor"),
    ({}, (5, 10), (2, 3, 20), RuntimeError, "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    ({}, (5, 10), (20,), RuntimeError, "For unbatched 2-D input, hx should also be 2-D but got 1-D tensor"),
    ({}, (0, 3, 10), None, RuntimeError, "Expected sequence length to be larger than 0 in RNN"),
    ({}, (0, 10), None, RuntimeError, "Expected sequence length to be larger than 0 in RNN"),
    ({"batch_first": True}, (3, 0, 10), None, RuntimeError, "Expected sequence length to be larger than 0 in RNN"),
    ({}, (0, 3, 10), (1, 3, 20), RuntimeError, "Expected hidden size (2, 3, 20), got [1, 3, 20]"),
]


@pytest.mark.parametrize("kwargs, x_shape, h_shape, error, message", RNN_INPUT_ERRORS)
def test_rnn_rejects_bad_inputs_with_pytorchs_message_and_changes_nothing(kwargs, x_shape, h_shape, error, message):
    rnn = trained(nn.RNN(10, 20, 2, **kwargs))
    x = mg.randn(*x_shape, requires_grad=True)
    h = None if h_shape is None else mg.randn(*h_shape, requires_grad=True)
    tensors = (x,) if h is None else (x, h)
    before = snapshot(*tensors, module=rnn)
    state = generator_state()
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        rnn(x, h)
    assert_unchanged(before, *tensors, module=rnn)
    assert generator_state() == state
    assert current_scope() == ()


@pytest.mark.parametrize(
    "x_dtype, h_dtype, error, message",
    [
        (mg.float64, None, ValueError,
         "RNN input dtype (minigrad.float64) does not match weight dtype (minigrad.float32). Convert input: "
         "input.to(minigrad.float32), or convert model: model.to(minigrad.float64)"),
        (mg.int32, None, ValueError,
         "RNN input dtype (minigrad.int32) does not match weight dtype (minigrad.float32). Convert input: "
         "input.to(minigrad.float32), or convert model: model.to(minigrad.int32)"),
        (mg.float32, mg.float64, RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float"),
        (mg.float32, mg.int32, RuntimeError, "mat1 and mat2 must have the same dtype, but got Int and Float"),
    ],
)
def test_rnn_rejects_a_dtype_mismatch(x_dtype, h_dtype, error, message):
    rnn = trained(nn.RNN(10, 20, 2, dropout=0.5))
    x = mg.tensor(np.ones((5, 3, 10)), dtype=x_dtype)
    h = None if h_dtype is None else mg.tensor(np.ones((2, 3, 20)), dtype=h_dtype)
    before = snapshot(module=rnn)
    state = generator_state()
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        rnn(x, h)
    assert_unchanged(before, module=rnn)
    assert generator_state() == state


def test_dtype_check_comes_before_the_size_check_like_pytorch():
    with pytest.raises(ValueError, match="RNN input dtype"):
        nn.RNN(10, 20)(mg.ones(5, 3, 11, dtype=mg.float64))
