"""The hand-written numpy LSTM and GRU steps that the benchmarks time must be right, or their ratios mean nothing.

Checked two independent ways: central finite differences in float64 (always run) and PyTorch's autograd on
the same weights (live, only when ``torch`` is importable).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

# benchmarks/ is a folder of scripts, not a package: load the module from its file.
_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "numpy_lstm_gru.py"
_spec = importlib.util.spec_from_file_location("benchmarks_numpy_lstm_gru", _PATH)
lg = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = lg  # registered like any imported module
_spec.loader.exec_module(lg)

CELLS = ["lstm", "gru"]
# Small problems: two layers with I != H, one layer, a single time step, and three layers.
CASES = [
    lg.Sizes(T=3, B=2, I=3, H=4, L=2),
    lg.Sizes(T=5, B=1, I=4, H=4, L=1),
    lg.Sizes(T=1, B=2, I=3, H=2, L=1),
    lg.Sizes(T=4, B=3, I=2, H=3, L=3),
]
IDS = ["T{}B{}I{}H{}L{}".format(*s) for s in CASES]


def _problem(cell, sizes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    params = lg.init_params(sizes, rng, dtype, cell=cell)
    x, y = lg.make_data(sizes, rng, dtype)
    return params, x, y


def _loss(params, x, y):
    return lg.forward(params, x, y)[0]


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


@pytest.mark.parametrize("sizes", CASES, ids=IDS)
@pytest.mark.parametrize("cell", CELLS)
def test_gradients_match_central_finite_differences_in_float64(cell, sizes):
    params, x, y = _problem(cell, sizes, np.float64)
    grads = lg.backward(params, lg.forward(params, x, y)[1])
    assert list(grads) == list(params)
    eps = 1e-6
    for name, p in params.items():
        assert grads[name].shape == p.shape, name
        numeric = np.empty_like(p)
        for i in np.ndindex(p.shape):
            saved = p[i]
            p[i] = saved + eps
            up = _loss(params, x, y)
            p[i] = saved - eps
            down = _loss(params, x, y)
            p[i] = saved
            numeric[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-9, err_msg=f"{cell} {name}")


def test_lstm_loss_matches_a_hand_computed_two_step_cell():
    sizes = lg.Sizes(T=2, B=2, I=3, H=2, L=1)
    params, x, y = _problem("lstm", sizes, np.float64, seed=1)
    w_ih, w_hh = params["rnn.weight_ih_l0"], params["rnn.weight_hh_l0"]
    b = params["rnn.bias_ih_l0"] + params["rnn.bias_hh_l0"]
    h = c = np.zeros((2, 2))
    preds = []
    for t in range(2):
        a = x[t] @ w_ih.T + h @ w_hh.T + b
        i, f, g, o = _sigmoid(a[:, 0:2]), _sigmoid(a[:, 2:4]), np.tanh(a[:, 4:6]), _sigmoid(a[:, 6:8])
        c = f * c + i * g
        h = o * np.tanh(c)
        preds.append(h @ params["head.weight"].T + params["head.bias"])
    expected = np.mean((np.stack(preds) - y) ** 2)
    assert _loss(params, x, y) == pytest.approx(expected, rel=1e-13)


def test_gru_loss_matches_a_hand_computed_two_step_cell():
    sizes = lg.Sizes(T=2, B=2, I=3, H=2, L=1)
    params, x, y = _problem("gru", sizes, np.float64, seed=1)
    w_ih, w_hh = params["rnn.weight_ih_l0"], params["rnn.weight_hh_l0"]
    b_ih, b_hh = params["rnn.bias_ih_l0"], params["rnn.bias_hh_l0"]
    h = np.zeros((2, 2))
    preds = []
    for t in range(2):
        gi, gh = x[t] @ w_ih.T + b_ih, h @ w_hh.T + b_hh
        r = _sigmoid(gi[:, 0:2] + gh[:, 0:2])
        z = _sigmoid(gi[:, 2:4] + gh[:, 2:4])
        n = np.tanh(gi[:, 4:6] + r * gh[:, 4:6])
        h = (1 - z) * n + z * h
        preds.append(h @ params["head.weight"].T + params["head.bias"])
    expected = np.mean((np.stack(preds) - y) ** 2)
    assert _loss(params, x, y) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("cell", CELLS)
def test_forward_and_backward_leave_params_and_data_unchanged(cell):
    params, x, y = _problem(cell, CASES[0], np.float32)
    before = {k: v.copy() for k, v in params.items()}
    x0, y0 = x.copy(), y.copy()
    lg.backward(params, lg.forward(params, x, y)[1])
    for name in params:
        np.testing.assert_array_equal(params[name], before[name], err_msg=name)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize("cell", CELLS)
def test_train_step_returns_the_loss_before_the_update_and_applies_plain_sgd(cell):
    params, x, y = _problem(cell, CASES[0], np.float32)
    loss, cache = lg.forward(params, x, y)
    grads = lg.backward(params, cache)
    expected = {k: v - np.float32(0.1) * grads[k] for k, v in params.items()}
    assert lg.train_step(params, x, y, lr=0.1) == loss
    for name in params:
        np.testing.assert_allclose(params[name], expected[name], rtol=0, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("cell", CELLS)
def test_float32_stays_float32(cell):
    params, x, y = _problem(cell, CASES[0], np.float32)
    loss, cache = lg.forward(params, x, y)
    assert cache["diff"].dtype == np.float32
    assert all(v.dtype == np.float32 for layer in cache["layers"] for v in layer.values())
    grads = lg.backward(params, cache)
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


@pytest.mark.parametrize("cell, gates", [("lstm", 4), ("gru", 3)])
def test_param_shapes_and_order_follow_pytorch_layout(cell, gates):
    params = lg.init_params(lg.Sizes(T=2, B=1, I=3, H=5, L=2), np.random.default_rng(0), cell=cell)
    G = gates * 5
    assert {k: v.shape for k, v in params.items()} == {
        "rnn.weight_ih_l0": (G, 3), "rnn.weight_hh_l0": (G, 5), "rnn.bias_ih_l0": (G,), "rnn.bias_hh_l0": (G,),
        "rnn.weight_ih_l1": (G, 5), "rnn.weight_hh_l1": (G, 5), "rnn.bias_ih_l1": (G,), "rnn.bias_hh_l1": (G,),
        "head.weight": (3, 5), "head.bias": (3,),
    }
    assert list(params) == lg.param_names(2)
    assert lg.cell_of(params) == cell


def _torch_model(torch, cell, sizes, params, dtype):
    model = torch.nn.Module()
    model.rnn = getattr(torch.nn, cell.upper())(sizes.I, sizes.H, num_layers=sizes.L)
    model.head = torch.nn.Linear(sizes.H, sizes.I)
    model.to(dtype)
    model.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
    return model


@pytest.mark.parametrize("dtype, rtol, atol", [("float64", 1e-12, 1e-14), ("float32", 1e-5, 1e-6)])
@pytest.mark.parametrize("sizes", CASES, ids=IDS)
@pytest.mark.parametrize("cell", CELLS)
def test_loss_gradients_and_sgd_step_match_pytorch(cell, sizes, dtype, rtol, atol):
    torch = pytest.importorskip("torch")
    params, x, y = _problem(cell, sizes, np.dtype(dtype))
    model = _torch_model(torch, cell, sizes, params, getattr(torch, dtype))
    out, _ = model.rnn(torch.tensor(x))
    loss_t = torch.nn.functional.mse_loss(model.head(out), torch.tensor(y))
    loss_t.backward()

    loss, cache = lg.forward(params, x, y)
    grads = lg.backward(params, cache)
    assert loss == pytest.approx(loss_t.item(), rel=rtol)
    named = dict(model.named_parameters())
    assert list(named) == list(params)
    for name, p in named.items():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=rtol, atol=atol, err_msg=name)

    torch.optim.SGD(model.parameters(), lr=0.5).step()
    lg.sgd_update(params, grads, lr=0.5)
    for name, p in named.items():
        np.testing.assert_allclose(params[name], p.detach().numpy(), rtol=rtol, atol=atol, err_msg=name)
