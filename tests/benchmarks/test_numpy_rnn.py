"""The hand-written numpy RNN step that the benchmarks time must be right, or their ratios mean nothing.

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
_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "numpy_rnn.py"
_spec = importlib.util.spec_from_file_location("benchmarks_numpy_rnn", _PATH)
nr = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = nr  # registered like any imported module
_spec.loader.exec_module(nr)

# Small problems: two layers with I != H, one layer, a single time step, and three layers.
CASES = [
    nr.Sizes(T=3, B=2, I=3, H=4, L=2),
    nr.Sizes(T=5, B=1, I=4, H=4, L=1),
    nr.Sizes(T=1, B=2, I=3, H=2, L=1),
    nr.Sizes(T=4, B=3, I=2, H=3, L=3),
]
IDS = ["T{}B{}I{}H{}L{}".format(*s) for s in CASES]


def _problem(sizes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    params = nr.init_params(sizes, rng, dtype)
    x, y = nr.make_data(sizes, rng, dtype)
    return params, x, y


def _loss(params, x, y):
    return nr.forward(params, x, y)[0]


@pytest.mark.parametrize("sizes", CASES, ids=IDS)
def test_gradients_match_central_finite_differences_in_float64(sizes):
    params, x, y = _problem(sizes, np.float64)
    loss, cache = nr.forward(params, x, y)
    grads = nr.backward(params, cache)
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
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-9, err_msg=name)


def test_loss_is_mean_squared_error_of_the_head_on_a_hand_computed_one_step_rnn():
    sizes = nr.Sizes(T=1, B=2, I=3, H=2, L=1)
    params, x, y = _problem(sizes, np.float64, seed=1)
    h = np.tanh(
        x[0] @ params["rnn.weight_ih_l0"].T + params["rnn.bias_ih_l0"] + params["rnn.bias_hh_l0"]
    )
    pred = h @ params["head.weight"].T + params["head.bias"]
    expected = np.mean((pred - y[0]) ** 2)
    assert _loss(params, x, y) == pytest.approx(expected, rel=1e-14)


def test_forward_and_backward_leave_params_and_data_unchanged():
    params, x, y = _problem(CASES[0], np.float32)
    before = {k: v.copy() for k, v in params.items()}
    x0, y0 = x.copy(), y.copy()
    nr.backward(params, nr.forward(params, x, y)[1])
    for name in params:
        np.testing.assert_array_equal(params[name], before[name], err_msg=name)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_train_step_returns_the_loss_before_the_update_and_applies_plain_sgd():
    params, x, y = _problem(CASES[0], np.float32)
    loss, cache = nr.forward(params, x, y)
    grads = nr.backward(params, cache)
    expected = {k: v - np.float32(0.1) * grads[k] for k, v in params.items()}
    assert nr.train_step(params, x, y, lr=0.1) == loss
    for name in params:
        np.testing.assert_allclose(params[name], expected[name], rtol=0, atol=1e-7, err_msg=name)


def test_float32_stays_float32():
    params, x, y = _problem(CASES[0], np.float32)
    loss, cache = nr.forward(params, x, y)
    assert cache["diff"].dtype == np.float32
    assert all(h.dtype == np.float32 for h in cache["outputs"])
    grads = nr.backward(params, cache)
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


def test_param_shapes_and_order_follow_pytorch_layout():
    params = nr.init_params(nr.Sizes(T=2, B=1, I=3, H=5, L=2), np.random.default_rng(0))
    assert {k: v.shape for k, v in params.items()} == {
        "rnn.weight_ih_l0": (5, 3), "rnn.weight_hh_l0": (5, 5), "rnn.bias_ih_l0": (5,), "rnn.bias_hh_l0": (5,),
        "rnn.weight_ih_l1": (5, 5), "rnn.weight_hh_l1": (5, 5), "rnn.bias_ih_l1": (5,), "rnn.bias_hh_l1": (5,),
        "head.weight": (3, 5), "head.bias": (3,),
    }
    assert list(params) == nr.param_names(2)


def _torch_model(torch, sizes, params, dtype):
    model = torch.nn.Module()
    model.rnn = torch.nn.RNN(sizes.I, sizes.H, num_layers=sizes.L)
    model.head = torch.nn.Linear(sizes.H, sizes.I)
    model.to(dtype)
    model.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
    return model


@pytest.mark.parametrize("dtype, rtol, atol", [("float64", 1e-12, 1e-14), ("float32", 1e-5, 1e-6)])
@pytest.mark.parametrize("sizes", CASES, ids=IDS)
def test_loss_gradients_and_sgd_step_match_pytorch(sizes, dtype, rtol, atol):
    torch = pytest.importorskip("torch")
    params, x, y = _problem(sizes, np.dtype(dtype))
    model = _torch_model(torch, sizes, params, getattr(torch, dtype))
    out, _ = model.rnn(torch.tensor(x))
    loss_t = torch.nn.functional.mse_loss(model.head(out), torch.tensor(y))
    loss_t.backward()

    loss, cache = nr.forward(params, x, y)
    grads = nr.backward(params, cache)
    assert loss == pytest.approx(loss_t.item(), rel=rtol)
    named = dict(model.named_parameters())
    assert list(named) == list(params)
    for name, p in named.items():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=rtol, atol=atol, err_msg=name)

    torch.optim.SGD(model.parameters(), lr=0.5).step()
    nr.sgd_update(params, grads, lr=0.5)
    for name, p in named.items():
        np.testing.assert_allclose(params[name], p.detach().numpy(), rtol=rtol, atol=atol, err_msg=name)
