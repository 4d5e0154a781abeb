"""Bad arguments and inputs to ``LSTMCell``, ``GRUCell``, ``LSTM`` and ``GRU`` fail with PyTorch's messages and
change nothing.

The expected texts were read off PyTorch 2.13 (``minigrad`` spelled where PyTorch prints ``torch``), and are
compared with live PyTorch when it is importable. After each failure, every parameter, gradient and version
counter, the inputs, the random generator and the scope are checked to be as they were.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from nn_test_utils import as_minigrad_text, error_of

import minigrad as mg
from minigrad import nn
from minigrad.autograd import current_scope


def generator_state() -> dict:
    return mg.default_generator().bit_generator.state


def snapshot(*tensors: mg.Tensor, module: nn.Module) -> list:
    items = list(tensors) + [p for _, p in module.named_parameters()]
    return [(t.detach().numpy().copy(), t._version, None if t.grad is None else t.grad.numpy().copy(), t.grad_fn)
            for t in items]


def assert_unchanged(before: list, after: list) -> None:
    assert len(before) == len(after)
    for (data0, v0, g0, fn0), (data1, v1, g1, fn1) in zip(before, after):
        np.testing.assert_array_equal(data0, data1)
        assert v0 == v1 and fn0 is fn1
        assert (g0 is None) == (g1 is None)
        if g0 is not None:
            np.testing.assert_array_equal(g0, g1)


def trained(module: nn.Module) -> nn.Module:
    """The module with gradients present, which a failed call must leave untouched."""
    for p in module.parameters():
        p.grad = mg.ones(*p.shape, dtype=p.dtype)
    return module


def make_states(shapes, lstm: bool, lib, dtype=None):
    """``None``, one tensor, or (for the LSTMs) a tuple of tensors of the given shapes (ones, so both libraries
    see the same values)."""
    if shapes is None:
        return None
    states = tuple(lib.ones(*s) if dtype is None else lib.ones(*s, dtype=dtype) for s in shapes)
    return states if lstm else states[0]


# ---- constructors ------------------------------------------------------------------------------------------------
# (class name, args, kwargs, error, message)
CONSTRUCTOR_ERRORS = [
    ("LSTM", (10, 20), {"proj_size": -1}, ValueError,
     "proj_size should be a positive integer or zero to disable projections"),
    ("LSTM", (10, 20), {"proj_size": 20}, ValueError, "proj_size has to be smaller than hidden_size"),
    ("LSTM", (10, 20), {"proj_size": 25}, ValueError, "proj_size has to be smaller than hidden_size"),
    ("GRU", (10, 20), {"proj_size": 2}, ValueError, "proj_size argument is only supported for LSTM, not RNN or GRU"),
    ("GRU", (10, 20), {"proj_size": 0}, ValueError, "proj_size argument is only supported for LSTM, not RNN or GRU"),
    ("LSTM", (10, 20), {"num_layers": 0}, ValueError, "num_layers must be greater than zero"),
    ("GRU", (10, 0), {}, ValueError, "hidden_size must be greater than zero"),
    ("LSTM", (0, 20), {}, ValueError, "input_size must be greater than zero"),
    ("GRU", (10, 20), {"num_layers": 2, "dropout": 1.5}, ValueError,
     "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
    ("LSTM", (10, 20), {"bias": 0}, TypeError, "bias should be of type bool, got: int"),
    ("GRU", (10, 20), {"batch_first": 1}, TypeError, "batch_first should be of type bool, got: int"),
    ("LSTM", (10.0, 20), {}, TypeError, "input_size should be of type int, got: float"),
    ("LSTMCell", (-1, 5), {}, RuntimeError, "Trying to create tensor with negative dimension -1: [20, -1]"),
    ("GRUCell", (3, -5), {}, RuntimeError, "Trying to create tensor with negative dimension -15: [-15, 3]"),
]


@pytest.mark.parametrize("name, args, kwargs, error, message", CONSTRUCTOR_ERRORS)
def test_bad_constructor_arguments_raise_pytorchs_error_and_draw_nothing(name, args, kwargs, error, message):
    mg.manual_seed(5)
    state = generator_state()
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        getattr(nn, name)(*args, **kwargs)
    assert generator_state() == state


@pytest.mark.parametrize("name, args, kwargs, error, message", CONSTRUCTOR_ERRORS)
def test_constructor_messages_match_live_pytorch(name, args, kwargs, error, message):
    torch = pytest.importorskip("torch")
    assert error_of(lambda: getattr(torch.nn, name)(*args, **kwargs)) == (error.__name__, message)


def test_proj_size_of_the_wrong_type_is_a_type_error():
    # PyTorch fails later, inside torch.empty, with a message about sizes; minigrad names the argument.
    with pytest.raises(TypeError, match=r"^proj_size should be of type int, got: float$"):
        nn.LSTM(10, 20, proj_size=2.0)


def test_gru_rejects_other_unknown_keywords():
    with pytest.raises(TypeError, match="unexpected keyword argument 'nonlinearity'"):
        nn.GRU(3, 4, nonlinearity="relu")


# ---- cells -------------------------------------------------------------------------------------------------------
# (cell, x shape, state shapes, error, message); the cells are built as cell(3, 5).
CELL_INPUT_ERRORS = [
    ("LSTMCell", (2, 2, 3), None, ValueError, "LSTMCell: Expected input to be 1D or 2D, got 3D instead"),
    ("LSTMCell", (2, 3), [(1, 2, 5), (2, 5)], ValueError, "LSTMCell: Expected hx[0] to be 1D or 2D, got 3D instead"),
    ("LSTMCell", (2, 3), [(2, 5), (1, 2, 5)], ValueError, "LSTMCell: Expected hx[1] to be 1D or 2D, got 3D instead"),
    ("LSTMCell", (2, 3), [(2, 5)], RuntimeError, "lstm_cell expects two hidden states"),
    ("LSTMCell", (2, 4), None, RuntimeError, "input has inconsistent input_size: got 4 expected 3"),
    ("LSTMCell", (4,), None, RuntimeError, "input has inconsistent input_size: got 4 expected 3"),
    ("LSTMCell", (2, 3), [(2, 6), (2, 5)], RuntimeError, "hidden0 has inconsistent hidden_size: got 6, expected 5"),
    ("LSTMCell", (2, 3), [(2, 5), (2, 6)], RuntimeError, "hidden1 has inconsistent hidden_size: got 6, expected 5"),
    ("LSTMCell", (3,), [(5,), (6,)], RuntimeError, "hidden1 has inconsistent hidden_size: got 6, expected 5"),
    ("LSTMCell", (3,), [(2, 5), (2, 5)], RuntimeError, "hidden0 has inconsistent hidden_size: got 2, expected 5"),
    ("LSTMCell", (3,), [(5,), (2, 5)], RuntimeError, "hidden1 has inconsistent hidden_size: got 2, expected 5"),
    ("LSTMCell", (2, 3), [(3, 5), (2, 5)], RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 3"),
    ("LSTMCell", (2, 3), [(2, 5), (3, 5)], RuntimeError, "Input batch size 2 doesn't match hidden1 batch size 3"),
    ("LSTMCell", (5, 3), [(5,), (5,)], IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ("GRUCell", (2, 2, 3), None, ValueError, "GRUCell: Expected input to be 1D or 2D, got 3D instead"),
    ("GRUCell", (2, 3), [(1, 2, 5)], ValueError, "GRUCell: Expected hidden to be 1D or 2D, got 3D instead"),
    ("GRUCell", (2, 4), None, RuntimeError, "input has inconsistent input_size: got 4 expected 3"),
    ("GRUCell", (3,), [(6,)], RuntimeError, "hidden0 has inconsistent hidden_size: got 6, expected 5"),
    ("GRUCell", (2, 3), [(3, 5)], RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 3"),
    ("GRUCell", (2, 3), [(5,)], RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 5"),
    ("GRUCell", (5, 3), [(5,)], IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
]


@pytest.mark.parametrize("name, x_shape, h_shapes, error, message", CELL_INPUT_ERRORS)
def test_cell_rejects_bad_shapes_with_pytorchs_message_and_changes_nothing(name, x_shape, h_shapes, error, message):
    cell = trained(getattr(nn, name)(3, 5))
    x = mg.randn(*x_shape, requires_grad=True)
    hx = make_states(h_shapes, name == "LSTMCell", mg)
    states = () if hx is None else (hx if isinstance(hx, tuple) else (hx,))
    before = snapshot(x, *states, module=cell)
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        cell(x, hx)
    assert_unchanged(before, snapshot(x, *states, module=cell))
    assert current_scope() == ()


@pytest.mark.parametrize("name, x_shape, h_shapes, error, message", CELL_INPUT_ERRORS)
def test_cell_messages_match_live_pytorch(name, x_shape, h_shapes, error, message):
    torch = pytest.importorskip("torch")
    hx = make_states(h_shapes, name == "LSTMCell", torch)
    assert error_of(lambda: getattr(torch.nn, name)(3, 5)(torch.ones(*x_shape), hx)) == (error.__name__, message)


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell"])
def test_cell_rejects_a_dtype_mismatch(name):
    cell = trained(getattr(nn, name)(3, 5))
    message = "mat1 and mat2 must have the same dtype, but got Double and Float"
    before = snapshot(module=cell)
    with pytest.raises(RuntimeError, match="^" + re.escape(message) + "$"):
        cell(mg.ones(2, 3, dtype=mg.float64))
    with pytest.raises(RuntimeError, match="^" + re.escape(message) + "$"):
        cell(mg.ones(2, 3), make_states([(2, 5), (2, 5)] if name == "LSTMCell" else [(2, 5)],
                                        name == "LSTMCell", mg, mg.float64))
    assert_unchanged(before, snapshot(module=cell))


def test_lstm_cell_state_of_another_float_dtype_promotes_as_pytorch():
    # PyTorch 2.13, every weight 0.3, x = ones(1, 3), h = 0, c = 0.5 in float64: h and c come out float64
    cell = nn.LSTMCell(3, 2)
    for p in cell.parameters():
        p.detach().numpy()[...] = 0.3
    h, c = cell(mg.ones(1, 3), (mg.zeros(1, 2), mg.full((1, 2), 0.5, dtype=mg.float64)))
    assert h.dtype == c.dtype == mg.float64
    np.testing.assert_allclose(h.detach().numpy(), [[0.6683, 0.6683]], atol=1e-4)
    np.testing.assert_allclose(c.detach().numpy(), [[1.1488, 1.1488]], atol=1e-4)


# ---- layers ------------------------------------------------------------------------------------------------------
# (class, kwargs, x shape, state shapes, error, message); the layers are built as cls(10, 20, 2, **kwargs).
LAYER_INPUT_ERRORS = [
    ("LSTM", {}, (5,), None, ValueError, "LSTM: Expected input to be 2D or 3D, got 1D instead"),
    ("LSTM", {}, (1, 2, 3, 10), None, ValueError, "LSTM: Expected input to be 2D or 3D, got 4D instead"),
    ("LSTM", {}, (5, 3, 11), None, RuntimeError, "input.size(-1) must be equal to input_size. Expected 10, got 11"),
    ("LSTM", {}, (5, 11), None, RuntimeError, "input.size(-1) must be equal to input_size. Expected 10, got 11"),
    ("LSTM", {}, (5, 3, 10), [(1, 3, 20), (2, 3, 20)], RuntimeError,
     "Expected hidden[0] size (2, 3, 20), got [1, 3, 20]"),
    ("LSTM", {}, (5, 3, 10), [(2, 3, 20), (1, 3, 20)], RuntimeError,
     "Expected hidden[1] size (2, 3, 20), got [1, 3, 20]"),
    ("LSTM", {}, (5, 3, 10), [(2, 3, 20), (2, 3, 21)], RuntimeError,
     "Expected hidden[1] size (2, 3, 20), got [2, 3, 21]"),
    ("LSTM", {}, (5, 3, 10), [(3, 20), (2, 3, 20)], RuntimeError,
     "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 3-D) tensors"),
    ("LSTM", {}, (5, 3, 10), [(2, 3, 20), (3, 20)], RuntimeError,
     "For batched 3-D input, hx and cx should also be 3-D but got (3-D, 2-D) tensors"),
    ("LSTM", {}, (5, 10), [(2, 3, 20), (2, 20)], RuntimeError,
     "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 2-D) tensors"),
    ("LSTM", {}, (5, 10), [(1, 20), (2, 20)], RuntimeError, "Expected hidden[0] size (2, 1, 20), got [1, 1, 20]"),
    ("LSTM", {}, (5, 10), [(2, 20), (2, 3)], RuntimeError, "Expected hidden[1] size (2, 1, 20), got [2, 1, 3]"),
    ("LSTM", {"batch_first": True}, (3, 5, 10), [(2, 5, 20), (2, 3, 20)], RuntimeError,
     "Expected hidden[0] size (2, 3, 20), got [2, 5, 20]"),
    ("LSTM", {"bidirectional": True}, (5, 3, 10), [(2, 3, 20), (4, 3, 20)], RuntimeError,
     "Expected hidden[0] size (4, 3, 20), got [2, 3, 20]"),
    ("LSTM", {"proj_size": 4}, (5, 3, 10), [(2, 3, 20), (2, 3, 20)], RuntimeError,
     "Expected hidden[0] size (2, 3, 4), got [2, 3, 20]"),
    ("LSTM", {"proj_size": 4}, (5, 3, 10), [(2, 3, 4), (2, 3, 4)], RuntimeError,
     "Expected hidden[1] size (2, 3, 20), got [2, 3, 4]"),
    ("LSTM", {}, (5, 3, 10), [(2, 3, 20)] * 3, RuntimeError, "lstm expects two hidden states"),
    ("LSTM", {}, (0, 3, 10), None, RuntimeError, "Expected sequence length to be larger than 0 in RNN"),
    ("LSTM", {}, (0, 10), None, RuntimeError, "Expected sequence length to be larger than 0 in RNN"),
    ("LSTM", {}, (0, 3, 10), [(1, 3, 20), (2, 3, 20)], RuntimeError,
     "Expected hidden[0] size (2, 3, 20), got [1, 3, 20]"),
    ("GRU", {}, (5,), None, ValueError, "GRU: Expected input to be 2D or 3D, got 1D instead"),
    ("GRU", {}, (5, 3, 11), None, RuntimeError, "input.size(-1) must be equal to input_size. Expected 10, got 11"),
    ("GRU", {}, (5, 3, 10), [(1, 3, 20)], RuntimeError, "Expected hidden size (2, 3, 20), got [1, 3, 20]"),
    ("GRU", {}, (5, 3, 10), [(3, 20)], RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    ("GRU", {}, (5, 10), [(2, 3, 20)], RuntimeError,
     "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    ("GRU", {}, (5, 10), [(1, 20)], RuntimeError, "Expected hidden size (2, 1, 20), got [1, 1, 20]"),
    ("GRU", {"bidirectional": True}, (5, 3, 10), [(2, 3, 20)], RuntimeError,
     "Expected hidden size (4, 3, 20), got [2, 3, 20]"),
    ("GRU", {}, (0, 3, 10), None, RuntimeError, "Expected sequence length to be larger than 0 in RNN"),
]


@pytest.mark.parametrize("name, kwargs, x_shape, h_shapes, error, message", LAYER_INPUT_ERRORS)
def test_layer_rejects_bad_inputs_with_pytorchs_message_and_changes_nothing(name, kwargs, x_shape, h_shapes, error,
                                                                           message):
    module = trained(getattr(nn, name)(10, 20, 2, dropout=0.5, **kwargs))
    x = mg.randn(*x_shape, requires_grad=True)
    hx = make_states(h_shapes, name == "LSTM", mg)
    states = () if hx is None else (hx if isinstance(hx, tuple) else (hx,))
    before = snapshot(x, *states, module=module)
    state = generator_state()
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        module(x, hx)
    assert_unchanged(before, snapshot(x, *states, module=module))
    assert generator_state() == state
    assert current_scope() == ()


@pytest.mark.parametrize("name, kwargs, x_shape, h_shapes, error, message", LAYER_INPUT_ERRORS)
def test_layer_messages_match_live_pytorch(name, kwargs, x_shape, h_shapes, error, message):
    torch = pytest.importorskip("torch")
    hx = make_states(h_shapes, name == "LSTM", torch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # oneDNN's note about projections
        got = error_of(lambda: getattr(torch.nn, name)(10, 20, 2, **kwargs)(torch.ones(*x_shape), hx))
    assert got == (error.__name__, message)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_layer_rejects_an_input_dtype_mismatch_like_pytorch(name):
    module = trained(getattr(nn, name)(10, 20, 2))
    before = snapshot(module=module)
    message = ("RNN input dtype (minigrad.float64) does not match weight dtype (minigrad.float32). Convert input: "
               "input.to(minigrad.float32), or convert model: model.to(minigrad.float64)")
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        module(mg.ones(5, 3, 10, dtype=mg.float64))
    assert_unchanged(before, snapshot(module=module))
    torch = pytest.importorskip("torch")
    got = error_of(lambda: getattr(torch.nn, name)(10, 20, 2)(torch.ones(5, 3, 10, dtype=torch.float64)))
    assert got == ("ValueError", message.replace("minigrad.", "torch."))
    assert as_minigrad_text(got[1]) == message


def test_layer_rejects_states_of_another_dtype():
    lstm, gru = nn.LSTM(10, 20), nn.GRU(10, 20)
    x = mg.ones(5, 3, 10)
    h64, h32 = mg.ones(1, 3, 20, dtype=mg.float64), mg.ones(1, 3, 20)
    matmul = "^mat1 and mat2 must have the same dtype, but got Double and Float$"
    with pytest.raises(RuntimeError, match=matmul):
        gru(x, h64)
    with pytest.raises(RuntimeError, match=matmul):
        lstm(x, (h64, h32))
    for run in (x, nn.utils.rnn.pack_padded_sequence(x, [5, 5, 5])):  # a float64 layer would promote (LSTM tests)
        with pytest.raises(RuntimeError, match=r"^Expected hidden\[1\] to have dtype Float, but got Double$"):
            lstm(run, (h32, h64))
