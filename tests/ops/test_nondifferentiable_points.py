"""Gradients at kinks and ties, where finite differences cannot decide: minigrad picks PyTorch's convention."""

import numpy as np
import pytest

import minigrad as mg


def _cases(lib):
    """(name, gradient) pairs computed with ``lib``; the expected values below are PyTorch's."""
    out = []
    x = lib.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    x.max().backward()
    out.append(("max() splits evenly between tied maxima", x.grad.tolist()))
    x.grad = None
    v, i = x.max(1)
    v.sum().backward()
    out.append(("max(dim) sends it to the first maximum", (x.grad.tolist(), i.tolist())))
    x.grad = None
    v, i = x.min(1)
    v.sum().backward()
    out.append(("min(dim) sends it to the first minimum", (x.grad.tolist(), i.tolist())))
    y = lib.tensor([0.0, -1.0, 1.0, 0.5], requires_grad=True)
    for name, f in [
        ("relu'(0) is 0", lambda t: t.relu()),
        ("abs'(0) is 0", lambda t: t.abs()),
        ("clamp passes the gradient at its bounds", lambda t: t.clamp(-1.0, 0.5)),
        ("maximum splits ties evenly", lambda t: lib.maximum(t, lib.zeros(4))),
        ("x ** 0 has zero gradient", lambda t: t ** 0.0),
    ]:
        f(y).sum().backward()
        out.append((name, y.grad.tolist()))
        y.grad = None
    z = lib.tensor([0.0, 4.0], requires_grad=True)
    z.sqrt().sum().backward()
    out.append(("sqrt'(0) is inf", z.grad.tolist()))
    b = lib.tensor([0.5, 2.0], requires_grad=True)
    (lib.tensor([0.0, 2.0]) ** b).sum().backward()
    out.append(("d(0 ** b)/db is 0", b.grad.tolist()))
    return out


EXPECTED = {
    "max() splits evenly between tied maxima": [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]],
    "max(dim) sends it to the first maximum": ([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [1, 0]),
    "min(dim) sends it to the first minimum": ([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [0, 2]),
    "relu'(0) is 0": [0.0, 0.0, 1.0, 1.0],
    "abs'(0) is 0": [0.0, -1.0, 1.0, 1.0],
    "clamp passes the gradient at its bounds": [1.0, 1.0, 0.0, 1.0],
    "maximum splits ties evenly": [0.5, 0.0, 1.0, 1.0],
    "x ** 0 has zero gradient": [0.0, 0.0, 0.0, 0.0],
    "sqrt'(0) is inf": [np.inf, 0.25],
    "d(0 ** b)/db is 0": [0.0, float(np.float32(4.0 * np.log(2.0)))],
}


@pytest.mark.parametrize(("name", "grad"), _cases(mg), ids=[n for n, _ in _cases(mg)])
def test_gradient_at_kinks_and_ties_follows_pytorch(name, grad):
    np.testing.assert_allclose(np.array(grad[0] if isinstance(grad, tuple) else grad, dtype=float),
                               np.array(EXPECTED[name][0] if isinstance(grad, tuple) else EXPECTED[name], dtype=float),
                               rtol=1e-6)
    if isinstance(grad, tuple):
        assert grad[1] == EXPECTED[name][1]


def test_gradient_at_kinks_and_ties_equals_pytorch_live():
    torch = pytest.importorskip("torch")
    mine, theirs = _cases(mg), _cases(torch)
    for (name, g), (_, t) in zip(mine, theirs):
        assert g == t, name
