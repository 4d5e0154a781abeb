"""``.grad`` is laid out in memory like its tensor, as PyTorch's AccumulateGrad lays it out: a contiguous
parameter's gradient is contiguous (so ``p.grad.view(-1)`` works), a transposed leaf's gradient is transposed the
same way. Values are checked against numpy; the layout against live PyTorch when it is installed."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

MODELS = {  # name -> (build the layer, call it on the library's input, input shape)
    "Linear": (lambda L: L.nn.Linear(3, 4), lambda m, x: m(x), (5, 3)),
    "Linear on 3-D input": (lambda L: L.nn.Linear(3, 4), lambda m, x: m(x), (2, 5, 3)),
    "RNNCell": (lambda L: L.nn.RNNCell(3, 4), lambda m, x: m(x), (5, 3)),
    "RNN, 2 layers": (lambda L: L.nn.RNN(3, 4, num_layers=2), lambda m, x: m(x)[0], (6, 2, 3)),
    "RNN, bidirectional": (lambda L: L.nn.RNN(3, 4, bidirectional=True), lambda m, x: m(x)[0], (6, 2, 3)),
    "LSTM": (lambda L: L.nn.LSTM(3, 4, num_layers=2), lambda m, x: m(x)[0], (6, 2, 3)),
    "GRU": (lambda L: L.nn.GRU(3, 4), lambda m, x: m(x)[0], (6, 2, 3)),
}


def _run(lib, name, times=1):
    build, call, shape = MODELS[name]
    lib.manual_seed(0)
    model = build(lib)
    x = lib.tensor(np.random.default_rng(1).standard_normal(shape).astype(np.float32))
    for _ in range(times):
        call(model, x).pow(2).sum().backward()
    return model


@pytest.mark.parametrize("name", list(MODELS))
def test_parameters_get_contiguous_gradients_that_view_works_on(name):
    model = _run(mg, name)
    for pname, p in model.named_parameters():
        g = p.grad
        assert g.numpy().flags.c_contiguous, pname
        np.testing.assert_array_equal(g.view(-1).numpy(), np.reshape(g.numpy(), -1))


@pytest.mark.parametrize("name", ["Linear", "RNN, 2 layers", "GRU"])
def test_accumulated_gradients_stay_contiguous_and_add_up(name):
    once = {n: p.grad.numpy().copy() for n, p in _run(mg, name).named_parameters()}
    twice = _run(mg, name, times=2)
    for pname, p in twice.named_parameters():
        assert p.grad.numpy().flags.c_contiguous, pname
        np.testing.assert_allclose(p.grad.numpy(), 2 * once[pname], rtol=1e-12)


@pytest.mark.parametrize("name", list(MODELS))
def test_parameter_gradients_are_contiguous_in_pytorch_too(name):
    torch = pytest.importorskip("torch")
    model = _run(torch, name)
    assert all(p.grad.is_contiguous() for p in model.parameters())


USES = {  # how a leaf of shape (3, 4) is used -> d(sum)/d(leaf) in numpy
    "w.t() in a product": (lambda L, w, x: x @ w.t(), lambda w, x: np.ones((5, 3)).T @ x),
    "w in a product": (lambda L, w, x: x[:, :3] @ w, lambda w, x: x[:, :3].T @ np.ones((5, 4))),
    "w.t() in linear": (lambda L, w, x: L.nn.functional.linear(x, w), lambda w, x: np.ones((5, 3)).T @ x),
    "elementwise": (lambda L, w, x: w * 2, lambda w, x: np.full((3, 4), 2.0)),
}


def _leaf(lib, transposed):
    a = np.arange(12.0).reshape(4, 3) / 7
    if transposed:  # a (3, 4) leaf whose memory is in column order: the transpose of a (4, 3) tensor
        return lib.tensor(a).t().detach().requires_grad_()
    return lib.tensor(a.T.copy(), requires_grad=True)


def _strides(t):
    """Strides in elements, as PyTorch's ``stride()`` gives them."""
    if hasattr(t, "stride"):
        return tuple(t.stride())
    return tuple(s // t.data.itemsize for s in t.data.strides)


@pytest.mark.parametrize("transposed", [False, True], ids=["contiguous leaf", "transposed leaf"])
@pytest.mark.parametrize("use", list(USES))
def test_a_leafs_gradient_has_the_leafs_strides(use, transposed):
    call, reference = USES[use]
    x_np = np.random.default_rng(2).standard_normal((5, 4))
    w = _leaf(mg, transposed)
    call(mg, w, mg.tensor(x_np)).sum().backward()
    assert _strides(w.grad) == _strides(w)
    np.testing.assert_allclose(w.grad.numpy(), reference(w.detach().numpy(), x_np), rtol=1e-12)


@pytest.mark.parametrize("transposed", [False, True], ids=["contiguous leaf", "transposed leaf"])
@pytest.mark.parametrize("use", list(USES))
def test_a_leafs_gradient_strides_match_pytorch(use, transposed):
    torch = pytest.importorskip("torch")
    call = USES[use][0]
    x_np = np.random.default_rng(2).standard_normal((5, 4))
    got = {}
    for lib in (mg, torch):
        w = _leaf(lib, transposed)
        call(lib, w, lib.tensor(x_np)).sum().backward()
        got[lib.__name__] = (_strides(w), _strides(w.grad))
    assert got["minigrad"] == got["torch"]


@pytest.mark.parametrize("name", list(MODELS))
def test_no_two_gradients_share_memory(name):
    # The engine hands a leaf the gradient array it made (no copy) only when nothing else holds that array.
    build, call, shape = MODELS[name]
    model = build(mg)
    x = mg.tensor(np.random.default_rng(1).standard_normal(shape).astype(np.float32), requires_grad=True)
    out = call(model, x)
    out.retain_grad()
    out.pow(2).sum().backward()
    arrays = [("input", x.detach().numpy()), ("input.grad", x.grad.numpy()),
              ("output", out.detach().numpy()), ("output.grad", out.grad.numpy())]
    arrays += [(n, p.detach().numpy()) for n, p in model.named_parameters()]
    arrays += [(n + ".grad", p.grad.numpy()) for n, p in model.named_parameters()]
    for i, (name_a, a) in enumerate(arrays):
        for name_b, b in arrays[i + 1:]:
            assert not np.shares_memory(a, b), (name_a, name_b)


def test_leaves_stacked_together_get_separate_gradients():
    xs = [mg.tensor(np.full((2, 3), float(k)), requires_grad=True) for k in range(4)]
    (mg.stack(xs) * mg.tensor(np.arange(4.0).reshape(4, 1, 1))).sum().backward()
    for k, x in enumerate(xs):
        np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), float(k)))
    xs[0].grad.data += 1  # one leaf's gradient changed in place leaves the others alone
    for k, x in enumerate(xs[1:], 1):
        np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), float(k)))
