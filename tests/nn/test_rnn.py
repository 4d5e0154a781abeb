"""``RNNCell`` and ``RNN``: the seed notes' snippets, parameters and init, gradients, ``h_n``, dropout and scopes.

References: a hand-written numpy recurrence, central differences (``gradcheck``), the documented equalities between
``output`` and ``h_n``, and statistics of the init and dropout draws. PyTorch comparisons are in
``test_rnn_golden.py``, bad inputs in ``test_rnn_errors.py``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.autograd import Node, current_scope


def numpy_rnn(x: np.ndarray, h0: np.ndarray, params: dict, num_layers: int, act=np.tanh) -> tuple:
    """Reference forward of a unidirectional, time-major RNN with biases: returns (output, h_n)."""
    layer_in, finals = x, []
    for k in range(num_layers):
        w_ih, w_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]
        b = params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"]
        h, outs = h0[k], []
        for x_t in layer_in:
            h = act(x_t @ w_ih.T + h @ w_hh.T + b)
            outs.append(h)
        layer_in = np.stack(outs)
        finals.append(h)
    return layer_in, np.stack(finals)


def arrays_of(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.numpy() for k, v in module.state_dict().items()}


# ---- seed note 003: an RNNCell loop, then a 2-layer RNN ----------------------------------------------------------
def test_seed003_rnncell_loop_shapes_grad_fn_and_values():
    batch_size, seq_len, input_size, hidden_size = 1, 3, 4, 2
    cell = nn.RNNCell(input_size=input_size, hidden_size=hidden_size)
    dataset = mg.randn(seq_len, batch_size, input_size)
    hidden = mg.zeros(batch_size, hidden_size)
    assert hidden.shape == (1, 2)
    p = arrays_of(cell)
    expected = np.zeros((1, 2), dtype=np.float32)
    for input in dataset:
        assert input.shape == (1, 4)
        hidden = cell(input, hidden)
        assert hidden.shape == (1, 2)
        assert repr(hidden).endswith("grad_fn=<TanhBackward0>)")
        expected = np.tanh(input.numpy() @ p["weight_ih"].T + p["bias_ih"] + expected @ p["weight_hh"].T + p["bias_hh"])
        np.testing.assert_allclose(hidden.detach().numpy(), expected, rtol=1e-6, atol=1e-6)


def test_seed003_two_layer_rnn_parameters_shapes_and_values():
    batch_size, seq_len, input_size, hidden_size, num_layers = 1, 3, 4, 2, 2
    cell = nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
    assert list(cell._parameters.keys()) == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
        "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
    ]
    inputs = mg.randn(seq_len, batch_size, input_size)
    hidden = mg.zeros(num_layers, batch_size, hidden_size)
    out, hidden_out = cell(inputs, hidden)
    assert out.shape == (3, 1, 2)
    assert hidden_out.shape == (2, 1, 2)
    assert repr(out).endswith("grad_fn=<StackBackward0>)")
    assert repr(hidden_out).endswith("grad_fn=<StackBackward0>)")
    ref_out, ref_h = numpy_rnn(inputs.numpy(), hidden.numpy(), arrays_of(cell), num_layers)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(hidden_out.detach().numpy(), ref_h, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(hidden_out.detach().numpy()[-1], out.detach().numpy()[-1])


# ---- seed note 004: parameter shapes, reprs, default h_0, cell loops, stacked cells, stack ---------------------
def test_seed004_parameter_keys_and_shapes():
    rnn = nn.RNN(100, 10)
    assert list(rnn._parameters.keys()) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert (rnn.weight_hh_l0.shape, rnn.weight_ih_l0.shape) == ((10, 10), (10, 100))
    assert (rnn.bias_hh_l0.shape, rnn.bias_ih_l0.shape) == ((10,), (10,))
    rnn = nn.RNN(100, 10, num_layers=2)
    assert list(rnn._parameters.keys()) == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
        "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
    ]
    assert (rnn.weight_hh_l0.shape, rnn.weight_ih_l0.shape) == ((10, 10), (10, 100))
    assert (rnn.weight_hh_l1.shape, rnn.weight_ih_l1.shape) == ((10, 10), (10, 10))


def test_seed004_single_layer_print_and_shapes():
    rnn = nn.RNN(input_size=100, hidden_size=20, num_layers=1)
    assert str(rnn) == "RNN(100, 20)"
    x = mg.randn(10, 3, 100)
    out, h = rnn(x, mg.zeros(1, 3, 20))
    assert (out.shape, h.shape) == ((10, 3, 20), (1, 3, 20))


def test_seed004_four_layers_without_h0():
    rnn = nn.RNN(input_size=100, hidden_size=20, num_layers=4)
    assert repr(rnn) == "RNN(100, 20, num_layers=4)"
    x = mg.randn(10, 3, 100)
    out, h = rnn(x)
    assert (out.shape, h.shape) == ((10, 3, 20), (4, 3, 20))
    out_zero_h0, h_zero_h0 = rnn(x, mg.zeros(4, 3, 20))
    np.testing.assert_array_equal(out.detach().numpy(), out_zero_h0.detach().numpy())
    np.testing.assert_array_equal(h.detach().numpy(), h_zero_h0.detach().numpy())


def test_seed004_cell_loops_stacked_cells_and_stack():
    x = mg.randn(10, 3, 100)
    cell1 = nn.RNNCell(100, 20)
    h1 = mg.zeros(3, 20)
    for xt in x:
        h1 = cell1(xt, h1)
    assert h1.shape == (3, 20)

    cell1, cell2 = nn.RNNCell(100, 30), nn.RNNCell(30, 20)
    h1, h2 = mg.zeros(3, 30), mg.zeros(3, 20)
    states = []
    for xt in x:
        h1 = cell1(xt, h1)
        h2 = cell2(h1, h2)
        states.append(h2)
    assert h2.shape == (3, 20)
    out = mg.stack(states)
    assert out.shape == (10, 3, 20)
    assert repr(out).endswith("grad_fn=<StackBackward0>)")


def test_seed002_rnn_with_given_h0():
    rnn = nn.RNN(10, 20, 2)
    output, hn = rnn(mg.randn(5, 3, 10), mg.randn(2, 3, 20))
    assert (output.shape, hn.shape) == ((5, 3, 20), (2, 3, 20))


def test_cells_in_a_loop_equal_the_rnn_with_the_same_weights():
    rnn = nn.RNN(4, 3, num_layers=2, dtype=mg.float64)
    cells = [nn.RNNCell(4, 3, dtype=mg.float64), nn.RNNCell(3, 3, dtype=mg.float64)]
    for k, cell in enumerate(cells):
        cell.load_state_dict({n: getattr(rnn, f"{n}_l{k}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    x = mg.randn(6, 2, 4, dtype=mg.float64)
    h = [mg.zeros(2, 3, dtype=mg.float64)] * 2
    tops = []
    for xt in x:
        h[0] = cells[0](xt, h[0])
        h[1] = cells[1](h[0], h[1])
        tops.append(h[1])
    out, hn = rnn(x)
    np.testing.assert_allclose(out.detach().numpy(), mg.stack(tops).detach().numpy(), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(hn.detach().numpy(), mg.stack(h).detach().numpy(), rtol=1e-13, atol=1e-13)


# ---- parameters, reprs, init, dtype ------------------------------------------------------------------------------
def test_bidirectional_parameter_order_and_input_sizes():
    rnn = nn.RNN(7, 4, num_layers=2, bidirectional=True)
    names = [n for n, _ in rnn.named_parameters()]
    expected = []
    for k in range(2):
        for suffix in ("", "_reverse"):
            expected += [f"weight_ih_l{k}{suffix}", f"weight_hh_l{k}{suffix}", f"bias_ih_l{k}{suffix}",
                         f"bias_hh_l{k}{suffix}"]
    assert names == expected
    assert rnn.weight_ih_l0.shape == (4, 7) and rnn.weight_ih_l0_reverse.shape == (4, 7)
    assert rnn.weight_ih_l1.shape == (4, 8) and rnn.weight_ih_l1_reverse.shape == (4, 8)
    assert rnn.weight_hh_l1_reverse.shape == (4, 4)
    assert [len(group) for group in rnn.all_weights] == [4, 4, 4, 4]
    assert rnn.all_weights[1][0] is rnn.weight_ih_l0_reverse


def test_bias_false_registers_no_names_in_rnn_but_none_in_cell():
    rnn = nn.RNN(3, 4, num_layers=2, bias=False)
    assert list(rnn._parameters) == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"]
    assert not hasattr(rnn, "bias_ih_l0")
    cell = nn.RNNCell(3, 4, bias=False)
    assert list(cell._parameters.items())[2:] == [("bias_ih", None), ("bias_hh", None)]
    assert cell.bias_ih is None and cell.bias_hh is None
    assert [n for n, _ in cell.named_parameters()] == ["weight_ih", "weight_hh"]
    assert list(cell.state_dict()) == ["weight_ih", "weight_hh"]


@pytest.mark.parametrize(
    "make, text",
    [
        (lambda: nn.RNNCell(3, 5), "RNNCell(3, 5)"),
        (lambda: nn.RNNCell(3, 5, bias=False, nonlinearity="relu"), "RNNCell(3, 5, bias=False, nonlinearity=relu)"),
        (lambda: nn.RNNCell(3, 5, nonlinearity="relu"), "RNNCell(3, 5, nonlinearity=relu)"),
        (lambda: nn.RNN(100, 20), "RNN(100, 20)"),
        (lambda: nn.RNN(100, 20, num_layers=4), "RNN(100, 20, num_layers=4)"),
        (lambda: nn.RNN(1, 2, dropout=0), "RNN(1, 2)"),
        (lambda: nn.RNN(1, 2, 2, dropout=1), "RNN(1, 2, num_layers=2, dropout=1.0)"),
        (lambda: nn.RNN(1, 2, nonlinearity="relu"), "RNN(1, 2)"),  # PyTorch does not print the nonlinearity either
        (lambda: nn.RNN(1, 2, 3, "relu", False, True, 0.5, True),
         "RNN(1, 2, num_layers=3, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"),
    ],
)
def test_repr_prints_only_non_default_arguments(make, text):
    assert repr(make()) == text


def test_repr_inside_a_model():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(4, 8, num_layers=2)

    assert repr(Model()) == "Model(\n  (rnn): RNN(4, 8, num_layers=2)\n)"


@pytest.mark.parametrize(
    "make, hidden",
    [(lambda: nn.RNN(50, 16, num_layers=2, bidirectional=True), 16), (lambda: nn.RNNCell(40, 25), 25)],
)
def test_init_is_uniform_within_one_over_sqrt_hidden(make, hidden):
    mg.manual_seed(3)
    module = make()
    bound = 1 / np.sqrt(hidden)
    values = np.concatenate([p.detach().numpy().ravel() for p in module.parameters()])
    assert all(p.detach().numpy().dtype == np.float32 for p in module.parameters())
    assert values.min() >= -bound and values.max() <= bound
    # U(-b, b): mean 0, variance b^2 / 3, and both ends reached.
    assert abs(values.mean()) < 0.05 * bound
    assert values.var() == pytest.approx(bound**2 / 3, rel=0.1)
    assert values.min() < -0.98 * bound and values.max() > 0.98 * bound
    # Every parameter gets its own draws (no two equal tensors).
    firsts = [p.detach().numpy().ravel()[0] for p in module.parameters()]
    assert len(set(firsts)) == len(firsts)


def test_init_follows_manual_seed_and_reset_parameters_redraws():
    mg.manual_seed(7)
    a = nn.RNN(3, 4, num_layers=2)
    mg.manual_seed(7)
    b = nn.RNN(3, 4, num_layers=2)
    for (_, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(pa.detach().numpy(), pb.detach().numpy())
    before = a.weight_hh_l1.detach().numpy().copy()
    version = a.weight_hh_l1._version
    a.reset_parameters()
    assert not np.array_equal(before, a.weight_hh_l1.detach().numpy())
    assert a.weight_hh_l1._version > version


@pytest.mark.parametrize("dtype", [mg.float64, mg.float32])
def test_dtype_argument_sets_parameter_and_output_dtype(dtype):
    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True, dtype=dtype)
    cell = nn.RNNCell(3, 4, dtype=dtype)
    assert all(p.dtype == dtype for p in rnn.parameters())
    assert all(p.dtype == dtype for p in cell.parameters())
    out, hn = rnn(mg.randn(5, 2, 3, dtype=dtype))
    assert out.dtype == dtype and hn.dtype == dtype
    assert cell(mg.randn(2, 3, dtype=dtype)).dtype == dtype


def test_module_double_converts_an_rnn_to_float64():
    rnn = nn.RNN(3, 4).double()
    out, hn = rnn(mg.randn(2, 1, 3, dtype=mg.float64))
    assert out.dtype == mg.float64 and hn.dtype == mg.float64


# ---- output and h_n ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 3])
def test_h_n_is_the_last_forward_step_and_the_first_reverse_step(batch_first, bidirectional, num_layers):
    H = 4
    rnn = nn.RNN(3, H, num_layers=num_layers, batch_first=batch_first, bidirectional=bidirectional)
    D = 2 if bidirectional else 1
    x = mg.randn(2, 5, 3) if batch_first else mg.randn(5, 2, 3)
    out, hn = rnn(x, mg.randn(D * num_layers, 2, H))
    assert out.shape == (x.shape[0], x.shape[1], D * H)
    assert hn.shape == (D * num_layers, 2, H)
    time_major = out.detach().numpy().swapaxes(0, 1) if batch_first else out.detach().numpy()
    np.testing.assert_array_equal(hn.detach().numpy()[-D], time_major[-1, :, :H])
    if bidirectional:
        np.testing.assert_array_equal(hn.detach().numpy()[-1], time_major[0, :, H:])


def test_unbatched_input_equals_a_batch_of_one():
    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True, dtype=mg.float64)
    x, h0 = mg.randn(6, 3, dtype=mg.float64), mg.randn(4, 4, dtype=mg.float64)
    out, hn = rnn(x, h0)
    assert (out.shape, hn.shape) == ((6, 8), (4, 4))
    assert out.grad_fn.name() == hn.grad_fn.name() == "SqueezeBackward1"  # PyTorch's names
    out_b, hn_b = rnn(x.unsqueeze(1), h0.unsqueeze(1))
    np.testing.assert_allclose(out.detach().numpy(), out_b.detach().numpy()[:, 0], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(hn.detach().numpy(), hn_b.detach().numpy()[:, 0], rtol=1e-14, atol=1e-14)
    np.testing.assert_array_equal(hn.detach().numpy()[-1], out.detach().numpy()[0, 4:])

    cell = nn.RNNCell(3, 4, dtype=mg.float64)
    h = cell(x[0], h0[0])
    assert h.shape == (4,)
    assert h.grad_fn.name() == "SqueezeBackward1"
    np.testing.assert_allclose(h.detach().numpy(), cell(x[0:1], h0[0:1]).detach().numpy()[0], rtol=1e-14, atol=1e-14)


def test_batch_first_equals_time_major_transposed():
    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True, dtype=mg.float64)
    rnn_bf = nn.RNN(3, 4, num_layers=2, bidirectional=True, batch_first=True, dtype=mg.float64)
    rnn_bf.load_state_dict(rnn.state_dict())
    x, h0 = mg.randn(5, 2, 3, dtype=mg.float64), mg.randn(4, 2, 4, dtype=mg.float64)
    out, hn = rnn(x, h0)
    out_bf, hn_bf = rnn_bf(x.transpose(0, 1), h0)
    np.testing.assert_allclose(out_bf.detach().numpy(), out.detach().numpy().swapaxes(0, 1), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(hn_bf.detach().numpy(), hn.detach().numpy(), rtol=1e-14, atol=1e-14)


def test_reverse_direction_reads_the_sequence_backwards():
    # The reverse half of a bidirectional layer equals a forward RNN (same weights) run on the flipped input.
    bi = nn.RNN(3, 4, bidirectional=True, dtype=mg.float64)
    fwd = nn.RNN(3, 4, dtype=mg.float64)
    fwd.load_state_dict({k.replace("_reverse", ""): v for k, v in bi.state_dict().items() if "_reverse" in k})
    x, h0 = mg.randn(5, 2, 3, dtype=mg.float64), mg.randn(2, 2, 4, dtype=mg.float64)
    out, hn = bi(x, h0)
    out_f, hn_f = fwd(mg.tensor(x.numpy()[::-1].copy()), h0[1:])
    np.testing.assert_allclose(out.detach().numpy()[:, :, 4:], out_f.detach().numpy()[::-1], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(hn.detach().numpy()[1], hn_f.detach().numpy()[0], rtol=1e-14, atol=1e-14)


def test_relu_cell_and_rnn_use_relu():
    cell = nn.RNNCell(3, 6, nonlinearity="relu")
    h = cell(mg.randn(4, 3), mg.randn(4, 6))
    assert repr(h).endswith("grad_fn=<ReluBackward0>)")
    assert (h.detach().numpy() >= 0).all() and (h.detach().numpy() == 0).any()
    out, hn = nn.RNN(3, 6, num_layers=2, nonlinearity="relu")(mg.randn(5, 4, 3))
    assert (out.detach().numpy() >= 0).all() and (hn.detach().numpy() >= 0).all()


def test_bidirectional_output_is_a_cat_of_two_stacks_like_pytorch():
    out, hn = nn.RNN(3, 4, bidirectional=True)(mg.randn(5, 2, 3))
    assert out.grad_fn.name() == "CatBackward0"
    assert [p.name() for p in out.grad_fn.parents] == ["StackBackward0", "StackBackward0"]
    assert hn.grad_fn.name() == "StackBackward0"


def test_default_state_still_gives_weight_hh_a_gradient():
    # PyTorch multiplies the zero state by W_hh too, so weight_hh.grad is zeros, not None (optimizers see it).
    cell = nn.RNNCell(3, 4, nonlinearity="relu")
    cell(mg.randn(2, 3)).sum().backward()
    np.testing.assert_array_equal(cell.weight_hh.grad.numpy(), np.zeros((4, 4), dtype=np.float32))
    rnn = nn.RNN(3, 4, bidirectional=True)
    out, hn = rnn(mg.randn(1, 2, 3))
    (out.sum() + hn.sum()).backward()
    assert all(p.grad is not None for p in rnn.parameters())
    np.testing.assert_array_equal(rnn.weight_hh_l0_reverse.grad.numpy(), np.zeros((4, 4), dtype=np.float32))


def test_long_sequence_backward_has_no_recursion_limit():
    rnn = nn.RNN(2, 3)
    x = mg.randn(3000, 1, 2, requires_grad=True)
    out, hn = rnn(x)
    hn.sum().backward()
    assert x.grad.shape == (3000, 1, 2)
    assert np.isfinite(rnn.weight_hh_l0.grad.numpy()).all()


# ---- gradcheck ---------------------------------------------------------------------------------------------------
def swapping_weights(module: nn.Module, names: list[str], with_hidden: bool):
    """A function of (input, hidden, *weights) that runs ``module`` on those weights (for gradcheck)."""

    def fn(x, h, *weights):
        for name, w in zip(names, weights):
            setattr(module, name, w)
        out = module(x, h if with_hidden else None)
        return out

    return fn


@pytest.mark.parametrize(
    "kwargs, x_shape, with_hidden",
    [
        ({}, (3, 4), True),
        ({"nonlinearity": "relu"}, (3, 4), True),
        ({"bias": False}, (3, 4), False),
        ({}, (4,), True),
    ],
)
def test_gradcheck_rnncell(kwargs, x_shape, with_hidden):
    mg.manual_seed(0)
    cell = nn.RNNCell(4, 3, dtype=mg.float64, **kwargs)
    names = [n for n, _ in cell.named_parameters()]
    x = mg.randn(*x_shape, dtype=mg.float64, requires_grad=True)
    h = mg.randn(*(x_shape[:-1] + (3,)), dtype=mg.float64, requires_grad=True)
    params = [p for _, p in cell.named_parameters()]
    assert mg.gradcheck(swapping_weights(cell, names, with_hidden), (x, h, *params))


@pytest.mark.parametrize(
    "kwargs, x_shape, with_hidden",
    [
        ({"num_layers": 2}, (4, 2, 3), True),
        ({"num_layers": 2, "bidirectional": True}, (3, 2, 3), True),
        ({"bidirectional": True, "batch_first": True, "nonlinearity": "relu"}, (2, 3, 3), False),
        ({"num_layers": 2, "bidirectional": True, "bias": False}, (3, 3), True),
    ],
)
def test_gradcheck_rnn(kwargs, x_shape, with_hidden):
    mg.manual_seed(1)
    rnn = nn.RNN(3, 2, dtype=mg.float64, **kwargs)
    names = [n for n, _ in rnn.named_parameters()]
    D = 2 if kwargs.get("bidirectional") else 1
    L = kwargs.get("num_layers", 1)
    batch = () if len(x_shape) == 2 else ((x_shape[0],) if kwargs.get("batch_first") else (x_shape[1],))
    x = mg.randn(*x_shape, dtype=mg.float64, requires_grad=True)
    h = mg.randn(D * L, *batch, 2, dtype=mg.float64, requires_grad=True)
    params = [p for _, p in rnn.named_parameters()]
    assert mg.gradcheck(swapping_weights(rnn, names, with_hidden), (x, h, *params))


# ---- dropout between layers --------------------------------------------------------------------------------------
def test_dropout_warning_for_a_single_layer():
    message = (
        "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers "
        "greater than 1, but got dropout=0.5 and num_layers=1"
    )
    with pytest.warns(UserWarning, match=re.escape(message)):
        nn.RNN(3, 4, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.RNN(3, 4, num_layers=2, dropout=0.5)
        nn.RNN(3, 4, dropout=0.0)


def test_dropout_is_off_in_eval_mode():
    rnn = nn.RNN(3, 5, num_layers=3, dropout=0.5)
    plain = nn.RNN(3, 5, num_layers=3)
    plain.load_state_dict(rnn.state_dict())
    x = mg.randn(6, 4, 3)
    rnn.eval()
    out1, hn1 = rnn(x)
    out2, hn2 = rnn(x)
    ref_out, ref_hn = plain(x)
    np.testing.assert_array_equal(out1.detach().numpy(), out2.detach().numpy())
    np.testing.assert_array_equal(out1.detach().numpy(), ref_out.detach().numpy())
    np.testing.assert_array_equal(hn1.detach().numpy(), ref_hn.detach().numpy())


def test_dropout_changes_training_outputs_but_not_the_first_layer():
    rnn = nn.RNN(3, 5, num_layers=2, dropout=0.5)
    plain = nn.RNN(3, 5, num_layers=2)
    plain.load_state_dict(rnn.state_dict())
    x = mg.randn(6, 4, 3)
    out1, hn1 = rnn(x)
    out2, _ = rnn(x)
    ref_out, ref_hn = plain(x)
    assert not np.allclose(out1.detach().numpy(), ref_out.detach().numpy())
    assert not np.allclose(out1.detach().numpy(), out2.detach().numpy())
    # Dropout sits between layers: layer 0's last state is untouched, and the top layer's output is not dropped.
    np.testing.assert_array_equal(hn1.detach().numpy()[0], ref_hn.detach().numpy()[0])
    np.testing.assert_array_equal(hn1.detach().numpy()[1], out1.detach().numpy()[-1])


def test_dropout_zeroes_a_fraction_p_and_scales_the_rest():
    # Layer 1 = relu(I x + 0 h): its output is layer 0's (non-negative, relu) output after dropout.
    p, H = 0.3, 20
    rnn = nn.RNN(3, H, num_layers=2, nonlinearity="relu", dropout=p, dtype=mg.float64)
    rnn.weight_ih_l1.detach().numpy()[...] = np.eye(H)
    for name in ("weight_hh_l1", "bias_ih_l1", "bias_hh_l1"):
        getattr(rnn, name).detach().numpy()[...] = 0
    rnn.bias_ih_l0.detach().numpy()[...] = 1.0  # keeps layer 0's outputs mostly positive
    x = mg.randn(20, 50, 3, dtype=mg.float64)
    undropped, _ = rnn.eval()(x)
    dropped, _ = rnn.train()(x)
    positive = undropped.detach().numpy() > 0
    assert positive.mean() > 0.5
    kept = dropped.detach().numpy()[positive] != 0
    np.testing.assert_allclose(dropped.detach().numpy()[positive][kept],
                               undropped.detach().numpy()[positive][kept] / (1 - p), rtol=1e-12)
    assert kept.mean() == pytest.approx(1 - p, abs=0.02)


def test_dropout_one_feeds_zeros_to_the_next_layer_and_follows_the_seed():
    rnn = nn.RNN(3, 4, num_layers=2, dropout=1, dtype=mg.float64)
    top = nn.RNN(4, 4, dtype=mg.float64)
    top.load_state_dict({k.replace("_l1", "_l0"): v for k, v in rnn.state_dict().items() if k.endswith("_l1")})
    x = mg.randn(5, 2, 3, dtype=mg.float64)
    out, hn = rnn(x)
    ref_out, _ = top(mg.zeros(5, 2, 4, dtype=mg.float64))
    np.testing.assert_allclose(out.detach().numpy(), ref_out.detach().numpy(), rtol=1e-14, atol=1e-14)

    rnn = nn.RNN(3, 4, num_layers=2, dropout=0.5)
    mg.manual_seed(11)
    a, _ = rnn(x.float())
    mg.manual_seed(11)
    b, _ = rnn(x.float())
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


# ---- scopes ------------------------------------------------------------------------------------------------------
def graph_nodes(*roots: mg.Tensor) -> list[Node]:
    seen, stack, nodes = set(), [r.grad_fn for r in roots], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(p for p in node.parents if isinstance(p, Node))
    return nodes


class Model(nn.Module):
    def __init__(self, **kwargs):
        super().__init__()
        self.rnn = nn.RNN(3, 4, **kwargs)

    def forward(self, x, h=None):
        return self.rnn(x, h)


def test_every_step_node_is_scoped_by_layer_direction_and_time():
    T = 3
    model = Model(num_layers=2, bidirectional=True)
    out, hn = model(mg.randn(T, 2, 3), mg.randn(4, 2, 4))
    assert current_scope() == ()
    nodes = graph_nodes(out, hn)
    step_nodes: dict[tuple, list[str]] = {}
    for node in nodes:
        if node.scope and node.scope[-1].startswith("t="):
            step_nodes.setdefault(node.scope, []).append(node.name())
    expected = {
        ("Model", "rnn", f"l{k}") + (("reverse",) if d else ()) + (f"t={i}",)
        for k in range(2) for d in range(2) for i in range(T)
    }
    assert set(step_nodes) == expected
    for names in step_nodes.values():
        # pre[t] + h @ W_hh^T is one fused Addmm node (see ops.Addmm), then the activation.
        assert sorted(names) == ["AddmmBackward0", "TanhBackward0"]
    # The documented example: layer 1, reverse, step 2 of the model's attribute `rnn`.
    assert ("Model", "rnn", "l1", "reverse", "t=2") in step_nodes
    # Above the steps: the projection per direction, the layer's output per layer, h_n per module.
    scopes_by_name: dict[str, set] = {}
    for node in nodes:
        scopes_by_name.setdefault(node.name(), set()).add(node.scope)
    layer_scopes = {("Model", "rnn", f"l{k}") for k in range(2)}
    direction_scopes = layer_scopes | {s + ("reverse",) for s in layer_scopes}
    # The input projection (with both biases) is an Addmm too, outside the step scopes.
    projections = {s for s in scopes_by_name["AddmmBackward0"] if not s[-1].startswith("t=")}
    assert projections == direction_scopes
    assert scopes_by_name["CatBackward0"] == layer_scopes
    assert out.grad_fn.scope == ("Model", "rnn", "l1")
    assert hn.grad_fn.scope == ("Model", "rnn")


def test_the_reverse_step_scope_names_the_input_step_it_read():
    model = Model(bidirectional=True)
    out, _ = model(mg.randn(4, 1, 3))
    reverse_stack = out.grad_fn.parents[1]
    for i, tanh in enumerate(reverse_stack.parents):
        assert tanh.name() == "TanhBackward0"
        assert tanh.scope == ("Model", "rnn", "l0", "reverse", f"t={i}")


def test_cell_nodes_carry_the_callers_scope():
    cell = nn.RNNCell(3, 4)
    with mg.autograd.scope("t=0"):
        h = cell(mg.randn(2, 3))
    assert h.grad_fn.scope == ("t=0", "RNNCell")
    assert current_scope() == ()


def test_scope_is_restored_after_forward_and_after_an_error():
    rnn = nn.RNN(3, 4)
    with mg.autograd.scope("outer"):
        rnn(mg.randn(2, 1, 3))
        assert current_scope() == ("outer",)
        with pytest.raises(RuntimeError):
            rnn(mg.randn(2, 1, 5))
        assert current_scope() == ("outer",)
    assert current_scope() == ()
