"""``LSTMCell``, ``GRUCell``, ``LSTM`` and ``GRU``: equations, parameters and init, reprs, states, gradients,
dropout and the scopes a drawing groups by.

References: hand-written numpy cells (PyTorch's documented equations and gate layout), central differences
(``gradcheck``), the documented equalities between ``output`` and the final states, and statistics of the init
draws. PyTorch comparisons are in ``test_lstm_gru_golden.py``, bad inputs in ``test_lstm_gru_errors.py``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from nn_test_utils import module_gradcheck

import minigrad as mg
from minigrad import nn
from minigrad.autograd import Node, current_scope

F64 = mg.float64


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def numpy_lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh, w_hr=None):
    """PyTorch's documented LSTM step, gate rows i, f, g, o."""
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, g, o = np.split(gates, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h = sigmoid(o) * np.tanh(c)
    return (h if w_hr is None else h @ w_hr.T), c


def numpy_gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    """PyTorch's documented GRU step, gate rows r, z, n, with b_hn inside the reset product."""
    gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
    (i_r, i_z, i_n), (h_r, h_z, h_n) = np.split(gi, 3, axis=-1), np.split(gh, 3, axis=-1)
    r, z = sigmoid(i_r + h_r), sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def numpy_layers(kind: str, x, states, p: dict, num_layers: int, proj: bool = False):
    """Unidirectional, time-major LSTM or GRU with biases: returns (output, final states per layer)."""
    finals = []
    for k in range(num_layers):
        w = [p[f"{n}_l{k}"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        state, outs = [s[k] for s in states], []
        for x_t in x:
            if kind == "lstm":
                state = list(numpy_lstm_cell(x_t, *state, *w, p[f"weight_hr_l{k}"] if proj else None))
            else:
                state = [numpy_gru_cell(x_t, state[0], *w)]
            outs.append(state[0])
        x = np.stack(outs)
        finals.append(state)
    return x, [np.stack([f[j] for f in finals]) for j in range(len(states))]


def arrays_of(module: nn.Module) -> dict:
    return {k: v.numpy() for k, v in module.state_dict().items()}


# ---- the equations and the gate layout --------------------------------------------------------------------------
@pytest.mark.parametrize("batched", [True, False])
def test_lstm_cell_follows_the_documented_equations(batched):
    cell = nn.LSTMCell(4, 3, dtype=F64)
    shape = (5,) if batched else ()
    x, h, c = (mg.randn(*shape, n, dtype=F64) for n in (4, 3, 3))
    h1, c1 = cell(x, (h, c))
    ref_h, ref_c = numpy_lstm_cell(x.numpy(), h.numpy(), c.numpy(), *arrays_of(cell).values())
    np.testing.assert_allclose(h1.detach().numpy(), ref_h,
                                   rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(c1.detach().numpy(), ref_c,
                                   rtol=1e-13, atol=1e-13)
    assert (h1.shape, c1.shape) == (shape + (3,), shape + (3,))


@pytest.mark.parametrize("batched", [True, False])
def test_gru_cell_follows_the_documented_equations(batched):
    cell = nn.GRUCell(4, 3, dtype=F64)
    shape = (5,) if batched else ()
    x, h = mg.randn(*shape, 4, dtype=F64), mg.randn(*shape, 3, dtype=F64)
    out = cell(x, h)
    np.testing.assert_allclose(out.detach().numpy(), numpy_gru_cell(x.numpy(), h.numpy(), *arrays_of(cell).values()),
                               rtol=1e-13, atol=1e-13)


def test_lstm_gate_rows_are_i_f_g_o():
    # Zero weights; the biases alone set the gates: i = f = o = sigmoid(0) = 1/2 except the row block chosen.
    cell = nn.LSTMCell(2, 1, dtype=F64)
    for p in cell.parameters():
        p.detach().numpy()[...] = 0
    c0 = mg.tensor(np.array([[0.8]]))
    cell.bias_ih.detach().numpy()[1] = 50.0   # forget gate saturated at 1: c' = c + i * g
    cell.bias_ih.detach().numpy()[2] = 0.3    # cell candidate g = tanh(0.3)
    cell.bias_ih.detach().numpy()[3] = -50.0  # output gate closed: h' = 0
    h1, c1 = cell(mg.zeros(1, 2, dtype=F64), (mg.zeros(1, 1, dtype=F64), c0))
    np.testing.assert_allclose(c1.detach().numpy(), [[0.8 + 0.5 * np.tanh(0.3)]], rtol=1e-12)
    np.testing.assert_allclose(h1.detach().numpy(), [[0.0]], atol=1e-20)


def test_gru_b_hn_sits_inside_the_reset_product():
    # With the reset gate shut (r = 0), b_hn cannot reach n, but b_in can.
    cell = nn.GRUCell(1, 1, dtype=F64)
    for p in cell.parameters():
        p.detach().numpy()[...] = 0
    cell.bias_hh.detach().numpy()[0] = -60.0  # r = sigmoid(-60) ~ 0
    cell.bias_hh.detach().numpy()[2] = 5.0    # b_hn
    h = cell(mg.zeros(1, 1, dtype=F64), mg.zeros(1, 1, dtype=F64))
    np.testing.assert_allclose(h.detach().numpy(), [[0.5 * np.tanh(5.0 * sigmoid(-60.0))]], rtol=1e-12)
    cell.bias_ih.detach().numpy()[2] = 5.0    # b_in
    h = cell(mg.zeros(1, 1, dtype=F64), mg.zeros(1, 1, dtype=F64))
    assert h.detach().numpy()[0, 0] == pytest.approx(0.5 * np.tanh(5.0 + 5.0 * sigmoid(-60.0)), rel=1e-12)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 3])
def test_layers_follow_the_cell_equations(kind, num_layers):
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    module = cls(3, 4, num_layers=num_layers, dtype=F64)
    x = mg.randn(6, 2, 3, dtype=F64)
    states = [mg.randn(num_layers, 2, 4, dtype=F64) for _ in range(2 if kind == "lstm" else 1)]
    out, final = module(x, tuple(states) if kind == "lstm" else states[0])
    ref_out, ref_final = numpy_layers(kind, x.numpy(), [s.numpy() for s in states], arrays_of(module), num_layers)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-12, atol=1e-12)
    for got, want in zip(final if kind == "lstm" else (final,), ref_final, strict=True):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("c_dtype", [mg.float32, mg.float16, mg.int64])
@pytest.mark.parametrize("packed", [False, True])
def test_a_float64_lstm_promotes_a_cell_state_of_another_dtype(c_dtype, packed):
    # PyTorch's float64 LSTM multiplies c_0 by the forget gate, which promotes; the gradient comes back in c_0's
    # own dtype. (A float32 layer refuses: test_lstm_gru_errors.py.)
    module = nn.LSTM(3, 4, num_layers=2, dtype=F64)
    x, h0 = mg.randn(5, 2, 3, dtype=F64), mg.randn(2, 2, 4, dtype=F64)
    c0 = (mg.randn(2, 2, 4) * 3).to(c_dtype).requires_grad_(c_dtype != mg.int64)
    run = nn.utils.rnn.pack_padded_sequence(x, [5, 5]) if packed else x
    out, (h_n, c_n) = module(run, (h0, c0))
    out = out.data if packed else out
    c64 = c0.detach().numpy().astype(np.float64)
    ref_out, (ref_h, ref_c) = numpy_layers("lstm", x.numpy(), [h0.numpy(), c64], arrays_of(module), 2)
    assert out.dtype == h_n.dtype == c_n.dtype == F64
    np.testing.assert_allclose(out.detach().numpy().reshape(ref_out.shape), ref_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c_n.detach().numpy(), ref_c, rtol=1e-12, atol=1e-12)
    if c0.requires_grad:
        (out.sum() + c_n.sum()).backward()
        c0_64 = mg.tensor(c64, requires_grad=True)
        out2, (_, c_n2) = module(x, (h0, c0_64))
        (out2.sum() + c_n2.sum()).backward()
        assert c0.grad.dtype == c_dtype
        np.testing.assert_array_equal(c0.grad.numpy(), c0_64.grad.numpy().astype(c0.grad.numpy().dtype))


def test_lstm_with_projection_follows_the_equations():
    lstm = nn.LSTM(3, 5, num_layers=2, proj_size=2, dtype=F64)
    x = mg.randn(4, 2, 3, dtype=F64)
    h0, c0 = mg.randn(2, 2, 2, dtype=F64), mg.randn(2, 2, 5, dtype=F64)
    out, (hn, cn) = lstm(x, (h0, c0))
    assert (out.shape, hn.shape, cn.shape) == ((4, 2, 2), (2, 2, 2), (2, 2, 5))
    ref_out, (ref_h, ref_c) = numpy_layers("lstm", x.numpy(), [h0.numpy(), c0.numpy()], arrays_of(lstm), 2, proj=True)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hn.detach().numpy(), ref_h, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cn.detach().numpy(), ref_c, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_cells_in_a_loop_equal_the_layer_with_the_same_weights(kind):
    layer = (nn.LSTM if kind == "lstm" else nn.GRU)(4, 3, num_layers=2, dtype=F64)
    cell_cls = nn.LSTMCell if kind == "lstm" else nn.GRUCell
    cells = [cell_cls(4, 3, dtype=F64), cell_cls(3, 3, dtype=F64)]
    for k, cell in enumerate(cells):
        cell.load_state_dict({n: getattr(layer, f"{n}_l{k}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    x = mg.randn(5, 2, 4, dtype=F64)
    zero = mg.zeros(2, 3, dtype=F64)
    states = [(zero, zero), (zero, zero)] if kind == "lstm" else [zero, zero]
    tops = []
    for x_t in x:
        states[0] = cells[0](x_t, states[0])
        states[1] = cells[1](states[0][0] if kind == "lstm" else states[0], states[1])
        tops.append(states[1][0] if kind == "lstm" else states[1])
    out, final = layer(x)
    np.testing.assert_allclose(out.detach().numpy(), mg.stack(tops).detach().numpy(),
                                   rtol=1e-13, atol=1e-13)
    if kind == "lstm":
        np.testing.assert_allclose(final[0].detach().numpy(), mg.stack([s[0] for s in states]).detach().numpy(),
                                   rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(final[1].detach().numpy(), mg.stack([s[1] for s in states]).detach().numpy(),
                                   rtol=1e-13, atol=1e-13)
    else:
        np.testing.assert_allclose(final.detach().numpy(), mg.stack(states).detach().numpy(),
                                   rtol=1e-13, atol=1e-13)


# ---- parameters, reprs, init, dtype ------------------------------------------------------------------------------
def test_cell_parameter_shapes_and_bias_false_keeps_none_names():
    lstm, gru = nn.LSTMCell(3, 5), nn.GRUCell(3, 5)
    assert [(n, p.shape) for n, p in lstm.named_parameters()] == [
        ("weight_ih", (20, 3)), ("weight_hh", (20, 5)), ("bias_ih", (20,)), ("bias_hh", (20,))]
    assert [(n, p.shape) for n, p in gru.named_parameters()] == [
        ("weight_ih", (15, 3)), ("weight_hh", (15, 5)), ("bias_ih", (15,)), ("bias_hh", (15,))]
    for cell in (nn.LSTMCell(3, 5, bias=False), nn.GRUCell(3, 5, False)):
        assert list(cell._parameters.items())[2:] == [("bias_ih", None), ("bias_hh", None)]
        assert list(cell.state_dict()) == ["weight_ih", "weight_hh"]


def test_layer_parameter_order_with_projection_bidirectional_and_no_bias():
    lstm = nn.LSTM(7, 4, num_layers=2, bidirectional=True, proj_size=3)
    expected = []
    for k in range(2):
        for s in ("", "_reverse"):
            expected += [(f"weight_ih_l{k}{s}", (16, 7 if k == 0 else 6)), (f"weight_hh_l{k}{s}", (16, 3)),
                         (f"bias_ih_l{k}{s}", (16,)), (f"bias_hh_l{k}{s}", (16,)), (f"weight_hr_l{k}{s}", (3, 4))]
    assert [(n, p.shape) for n, p in lstm.named_parameters()] == expected
    assert [len(g) for g in lstm.all_weights] == [5, 5, 5, 5]
    assert lstm.all_weights[3][4] is lstm.weight_hr_l1_reverse
    lstm = nn.LSTM(7, 4, num_layers=2, bias=False, proj_size=1)
    assert list(lstm._parameters) == ["weight_ih_l0", "weight_hh_l0", "weight_hr_l0",
                                      "weight_ih_l1", "weight_hh_l1", "weight_hr_l1"]
    gru = nn.GRU(7, 4, num_layers=2, bidirectional=True)
    assert [(n, p.shape) for n, p in gru.named_parameters()][:5] == [
        ("weight_ih_l0", (12, 7)), ("weight_hh_l0", (12, 4)), ("bias_ih_l0", (12,)), ("bias_hh_l0", (12,)),
        ("weight_ih_l0_reverse", (12, 7))]
    assert gru.weight_ih_l1.shape == (12, 8)
    assert list(nn.GRU(3, 4, bias=False)._parameters) == ["weight_ih_l0", "weight_hh_l0"]


@pytest.mark.parametrize(
    "make, text",
    [
        (lambda: nn.LSTMCell(3, 5), "LSTMCell(3, 5)"),
        (lambda: nn.LSTMCell(3, 5, bias=False), "LSTMCell(3, 5, bias=False)"),
        (lambda: nn.GRUCell(3, 5, False), "GRUCell(3, 5, bias=False)"),
        (lambda: nn.LSTM(10, 20), "LSTM(10, 20)"),
        (lambda: nn.LSTM(3, 5, proj_size=2, num_layers=2), "LSTM(3, 5, proj_size=2, num_layers=2)"),
        (lambda: nn.LSTM(3, 5, 2, False, True, 0.5, True, 1),
         "LSTM(3, 5, proj_size=1, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"),
        (lambda: nn.GRU(10, 20, num_layers=4), "GRU(10, 20, num_layers=4)"),
        (lambda: nn.GRU(3, 5, 2, False, True, 0.5, True),
         "GRU(3, 5, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"),
        (lambda: nn.GRU(1, 2, dropout=0), "GRU(1, 2)"),
    ],
)
def test_repr_prints_only_non_default_arguments(make, text):
    assert repr(make()) == text


def test_reprs_match_live_pytorch():
    torch = pytest.importorskip("torch")
    cases = [("LSTMCell", (3, 5), {"bias": False}), ("GRUCell", (3, 5), {}),
             ("LSTM", (3, 5), {"num_layers": 2, "proj_size": 2, "dropout": 0.25, "batch_first": True}),
             ("GRU", (3, 5), {"bidirectional": True, "bias": False})]
    for name, args, kwargs in cases:
        assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


@pytest.mark.parametrize(
    "make, hidden",
    [(lambda: nn.LSTM(30, 16, num_layers=2, bidirectional=True, proj_size=8), 16), (lambda: nn.GRU(30, 25), 25),
     (lambda: nn.LSTMCell(40, 25), 25), (lambda: nn.GRUCell(40, 36), 36)],
)
def test_init_is_uniform_within_one_over_sqrt_hidden(make, hidden):
    mg.manual_seed(3)
    module = make()
    bound = 1 / np.sqrt(hidden)
    for name, p in module.named_parameters():
        assert p.dtype == mg.float32
        assert p.detach().numpy().min() >= -bound and p.detach().numpy().max() <= bound, name
    values = np.concatenate([p.detach().numpy().ravel() for p in module.parameters()])
    assert abs(values.mean()) < 0.05 * bound
    assert values.var() == pytest.approx(bound**2 / 3, rel=0.1)
    assert values.min() < -0.98 * bound and values.max() > 0.98 * bound
    firsts = [p.detach().numpy().ravel()[0] for p in module.parameters()]
    assert len(set(firsts)) == len(firsts)


def test_a_pytorch_state_dict_loads_directly():
    torch = pytest.importorskip("torch")
    for t_module, m_module in [
        (torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2), nn.LSTM(3, 5, 2, bidirectional=True,
                                                                                     proj_size=2)),
        (torch.nn.GRU(3, 5, bias=False), nn.GRU(3, 5, bias=False)),
        (torch.nn.LSTMCell(3, 5), nn.LSTMCell(3, 5)), (torch.nn.GRUCell(3, 5), nn.GRUCell(3, 5)),
    ]:
        state = {k: v.numpy() for k, v in t_module.state_dict().items()}
        m_module.load_state_dict(state)
        assert list(m_module.state_dict()) == list(state)
        for k, v in m_module.state_dict().items():
            np.testing.assert_array_equal(v.numpy(), state[k])


@pytest.mark.parametrize("dtype", [mg.float64, mg.float32])
def test_dtype_argument_sets_parameter_and_output_dtype(dtype):
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2, dtype=dtype)
    out, (hn, cn) = lstm(mg.randn(5, 2, 3, dtype=dtype))
    assert all(p.dtype == dtype for p in lstm.parameters())
    assert out.dtype == hn.dtype == cn.dtype == dtype
    out, hn = nn.GRU(3, 4, dtype=dtype)(mg.randn(5, 2, 3, dtype=dtype))
    assert out.dtype == hn.dtype == dtype
    h, c = nn.LSTMCell(3, 4, dtype=dtype)(mg.randn(2, 3, dtype=dtype))
    assert h.dtype == c.dtype == nn.GRUCell(3, 4, dtype=dtype)(mg.randn(2, 3, dtype=dtype)).dtype == dtype


# ---- states and shapes -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("proj_size", [0, 2])
def test_lstm_h_n_is_the_last_forward_step_and_the_first_reverse_step(batch_first, bidirectional, proj_size):
    H, D, L = 4, 2 if bidirectional else 1, 2
    lstm = nn.LSTM(3, H, num_layers=L, batch_first=batch_first, bidirectional=bidirectional, proj_size=proj_size)
    out_size = proj_size or H
    x = mg.randn(2, 5, 3) if batch_first else mg.randn(5, 2, 3)
    out, (hn, cn) = lstm(x, (mg.randn(D * L, 2, out_size), mg.randn(D * L, 2, H)))
    assert out.shape == (x.shape[0], x.shape[1], D * out_size)
    assert (hn.shape, cn.shape) == ((D * L, 2, out_size), (D * L, 2, H))
    time_major = out.detach().numpy().swapaxes(0, 1) if batch_first else out.detach().numpy()
    np.testing.assert_array_equal(hn.detach().numpy()[-D], time_major[-1, :, :out_size])
    if bidirectional:
        np.testing.assert_array_equal(hn.detach().numpy()[-1], time_major[0, :, out_size:])


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_unbatched_input_equals_a_batch_of_one(kind):
    module = (nn.LSTM if kind == "lstm" else nn.GRU)(3, 4, num_layers=2, bidirectional=True, dtype=F64)
    x = mg.randn(6, 3, dtype=F64)
    states = [mg.randn(4, 4, dtype=F64) for _ in range(2 if kind == "lstm" else 1)]
    pack = (lambda s: tuple(s)) if kind == "lstm" else (lambda s: s[0])
    out, final = module(x, pack(states))
    out_b, final_b = module(x.unsqueeze(1), pack([s.unsqueeze(1) for s in states]))
    finals, finals_b = (final, final_b) if kind == "lstm" else ((final,), (final_b,))
    assert out.shape == (6, 8) and out.grad_fn.name() == "SqueezeBackward1"
    np.testing.assert_allclose(out.detach().numpy(), out_b.detach().numpy()[:, 0], rtol=1e-14, atol=1e-14)
    for f, fb in zip(finals, finals_b, strict=True):
        assert f.shape == (4, 4) and f.grad_fn.name() == "SqueezeBackward1"
        np.testing.assert_allclose(f.detach().numpy(), fb.detach().numpy()[:, 0], rtol=1e-14, atol=1e-14)


def test_default_states_are_zeros_and_still_give_weight_hh_a_gradient():
    for module, zeros in [(nn.LSTM(3, 4, num_layers=2, proj_size=2), (mg.zeros(2, 5, 2), mg.zeros(2, 5, 4))),
                          (nn.GRU(3, 4, num_layers=2), mg.zeros(2, 5, 4))]:
        x = mg.randn(4, 5, 3)
        out, final = module(x)
        out_zero, _ = module(x, zeros)
        np.testing.assert_array_equal(out.detach().numpy(), out_zero.detach().numpy())
        out.sum().backward()
        assert all(p.grad is not None for p in module.parameters())
    for cell in (nn.LSTMCell(3, 4), nn.GRUCell(3, 4)):
        out = cell(mg.randn(2, 3))
        (out[0] if isinstance(out, tuple) else out).sum().backward()
        np.testing.assert_array_equal(cell.weight_hh.grad.numpy(), np.zeros(cell.weight_hh.shape, dtype=np.float32))


def test_cell_output_nodes_are_named_like_pytorchs():
    h, c = nn.LSTMCell(3, 4)(mg.randn(2, 3))
    assert (h.grad_fn.name(), c.grad_fn.name()) == ("MulBackward0", "AddBackward0")
    assert nn.GRUCell(3, 4)(mg.randn(2, 3)).grad_fn.name() == "AddBackward0"


def test_long_sequence_backward_has_no_recursion_limit():
    for module in (nn.LSTM(2, 3), nn.GRU(2, 3)):
        x = mg.randn(2000, 1, 2, requires_grad=True)
        out, _ = module(x)
        out[-1].sum().backward()
        assert x.grad.shape == (2000, 1, 2)
        assert np.isfinite(module.weight_hh_l0.grad.numpy()).all()


# ---- gradcheck ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [nn.LSTMCell, nn.GRUCell])
@pytest.mark.parametrize("bias, x_shape, with_state", [(True, (3, 4), True), (False, (3, 4), False),
                                                       (True, (4,), True)])
def test_gradcheck_cells(cls, bias, x_shape, with_state):
    mg.manual_seed(0)
    cell = cls(4, 3, bias=bias, dtype=F64)
    x = mg.randn(*x_shape, dtype=F64, requires_grad=True)
    if not with_state:
        assert module_gradcheck(cell, x)
        return
    states = [mg.randn(*x_shape[:-1], 3, dtype=F64, requires_grad=True) for _ in range(2 if cls is nn.LSTMCell
                                                                                      else 1)]
    if cls is nn.LSTMCell:
        wrapper = _Wrap(cell, lambda m, x, h, c: m(x, (h, c)))
    else:
        wrapper = _Wrap(cell, lambda m, x, h: m(x, h))
    assert module_gradcheck(wrapper, x, *states)


class _Wrap(nn.Module):
    """Calls ``fn(module, *inputs)`` and concatenates a tuple result, so gradcheck sees every output."""

    def __init__(self, module, fn):
        super().__init__()
        self.inner = module
        self.fn = fn

    def forward(self, *inputs):
        out = self.fn(self.inner, *inputs)
        if isinstance(out, tuple):
            flat = [t for item in out for t in (item if isinstance(item, tuple) else (item,))]
            return mg.cat([t.reshape(-1) for t in flat])
        return out


_LAYER_GRADCHECKS = [
    ({"num_layers": 2}, (4, 2, 3), True),
    ({"num_layers": 2, "bidirectional": True}, (3, 2, 3), True),
    ({"bidirectional": True, "batch_first": True}, (2, 3, 3), False),
    ({"num_layers": 2, "bidirectional": True, "bias": False}, (3, 3), True),
]


@pytest.mark.parametrize(
    "cls, kwargs, x_shape, with_state",
    [(cls, *case) for cls in (nn.LSTM, nn.GRU) for case in _LAYER_GRADCHECKS]
    + [(nn.LSTM, {"num_layers": 2, "proj_size": 2}, (3, 2, 3), True),
       (nn.LSTM, {"proj_size": 1, "bidirectional": True}, (3, 3), False)],
)
def test_gradcheck_layers(cls, kwargs, x_shape, with_state):
    mg.manual_seed(1)
    module = cls(3, 3, dtype=F64, **kwargs)
    D, L = (2 if kwargs.get("bidirectional") else 1), kwargs.get("num_layers", 1)
    batch = () if len(x_shape) == 2 else ((x_shape[0],) if kwargs.get("batch_first") else (x_shape[1],))
    x = mg.randn(*x_shape, dtype=F64, requires_grad=True)
    if not with_state:
        assert module_gradcheck(_Wrap(module, lambda m, x: m(x)), x)
        return
    h = mg.randn(D * L, *batch, kwargs.get("proj_size") or 3, dtype=F64, requires_grad=True)
    if cls is nn.LSTM:
        c = mg.randn(D * L, *batch, 3, dtype=F64, requires_grad=True)
        assert module_gradcheck(_Wrap(module, lambda m, x, h, c: m(x, (h, c))), x, h, c)
    else:
        assert module_gradcheck(_Wrap(module, lambda m, x, h: m(x, h)), x, h)


# ---- dropout between layers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
def test_dropout_warning_and_eval_mode(cls):
    message = ("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
               "num_layers greater than 1, but got dropout=0.5 and num_layers=1")
    with pytest.warns(UserWarning, match=re.escape(message)):
        cls(3, 4, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        module = cls(3, 5, num_layers=3, dropout=0.5)
    plain = cls(3, 5, num_layers=3)
    plain.load_state_dict(module.state_dict())
    x = mg.randn(6, 4, 3)
    trained_out = module(x)[0]
    ref = plain(x)[0]
    assert not np.allclose(trained_out.detach().numpy(), ref.detach().numpy())
    module.eval()
    np.testing.assert_array_equal(module(x)[0].detach().numpy(), ref.detach().numpy())


# ---- scopes and the drawing's gate clusters ----------------------------------------------------------------------
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
    def __init__(self, layer):
        super().__init__()
        self.rnn = layer

    def forward(self, x):
        return self.rnn(x)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_every_step_and_gate_is_scoped_by_layer_direction_time_and_gate(kind):
    T = 3
    layer = nn.LSTM(3, 4, num_layers=2, bidirectional=True) if kind == "lstm" else nn.GRU(3, 4, 2,
                                                                                        bidirectional=True)
    out, final = Model(layer)(mg.randn(T, 2, 3))
    assert current_scope() == ()
    roots = (out, *final) if kind == "lstm" else (out, final)
    scopes = {n.scope for n in graph_nodes(*roots)}
    gates = ("gate=i", "gate=f", "gate=g", "gate=o", "state=c") if kind == "lstm" else ("gate=r", "gate=z",
                                                                                        "gate=n")
    steps = {("Model", "rnn", f"l{k}") + (("reverse",) if d else ()) + (f"t={i}",)
             for k in range(2) for d in range(2) for i in range(T)}
    assert {s for s in scopes if s[-1].startswith("t=")} == steps
    assert {s for s in scopes if s[-1] in gates} == {s + (g,) for s in steps for g in gates}


def test_lstm_gate_nodes():
    h, c = nn.LSTMCell(3, 4)(mg.randn(2, 3), (mg.randn(2, 4), mg.randn(2, 4)))
    by_scope: dict[tuple, list[str]] = {}
    for n in graph_nodes(h, c):
        by_scope.setdefault(n.scope, []).append(n.name())
    # Each gate reads its slice of the summed pre-activations and activates it in one node (ops.GateSigmoid).
    assert by_scope[("LSTMCell", "gate=i")] == ["SigmoidBackward0"]
    assert by_scope[("LSTMCell", "gate=g")] == ["TanhBackward0"]
    assert sorted(by_scope[("LSTMCell", "state=c")]) == ["AddBackward0", "MulBackward0", "MulBackward0"]
    assert c.grad_fn.scope == ("LSTMCell", "state=c")
    assert h.grad_fn.scope == ("LSTMCell",)
    assert current_scope() == ()


def test_the_cell_state_flows_from_step_to_step_through_the_state_scope():
    lstm = nn.LSTM(2, 3)
    _, (_, c_n) = lstm(mg.randn(3, 1, 2))
    add = c_n.grad_fn.parents[0]  # stack <- the last step's c
    assert add.scope == ("LSTM", "l0", "t=2", "state=c")
    forget_product = [p for p in add.parents if p.name() == "MulBackward0"]
    previous = {q.scope for m in forget_product for q in m.parents if isinstance(q, Node)}
    assert ("LSTM", "l0", "t=1", "state=c") in previous
