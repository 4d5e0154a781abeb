"""``roll`` (function and method): values and gradients against numpy, gradcheck, PyTorch's node name and errors
(checked live when torch is installed), and a failed call changing nothing."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

X = np.arange(24.0).reshape(2, 3, 4)
CALLS = {  # name -> (minigrad/torch call, the same roll in numpy)
    "flattened": (lambda L, x: L.roll(x, 5), lambda a: np.roll(a.reshape(-1), 5).reshape(a.shape)),
    "one dim": (lambda L, x: x.roll(1, 1), lambda a: np.roll(a, 1, axis=1)),
    "negative dim": (lambda L, x: x.roll(shifts=-2, dims=-1), lambda a: np.roll(a, -2, axis=-1)),
    "two dims": (lambda L, x: x.roll((1, -1), (0, 2)), lambda a: np.roll(a, (1, -1), axis=(0, 2))),
    "past the size": (lambda L, x: L.roll(x, 7, 1), lambda a: np.roll(a, 7, axis=1)),
}


def _lib(name):
    return pytest.importorskip("torch") if name == "torch" else mg


@pytest.mark.parametrize("case", list(CALLS))
def test_values_and_gradient_against_numpy(case):
    call, reference = CALLS[case]
    x = mg.tensor(X, requires_grad=True)
    out = call(mg, x)
    np.testing.assert_array_equal(out.detach().numpy(), reference(X))
    g = np.random.default_rng(3).standard_normal(X.shape)
    out.backward(mg.tensor(g))
    # roll moves each element once: the gradient is g moved back, so <g, roll(v)> = <grad, v> for every v.
    v = np.random.default_rng(4).standard_normal(X.shape)
    np.testing.assert_allclose(np.vdot(g, reference(v)), np.vdot(x.grad.numpy(), v), rtol=1e-12)


@pytest.mark.parametrize("case", list(CALLS))
def test_gradcheck(case):
    call, _ = CALLS[case]
    assert mg.gradcheck(lambda x: call(mg, x), (mg.tensor(X / 10, requires_grad=True),))


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_node_name_and_same_values_as_pytorch(lib):
    L = _lib(lib)
    out = (L.tensor(X, requires_grad=True) * 1).roll((1, -1), (0, 2))
    assert out.grad_fn.name() == "RollBackward0"
    np.testing.assert_array_equal(out.detach().numpy(), np.roll(X, (1, -1), axis=(0, 2)))


ERRORS = {
    "two shifts, no dims": (lambda L, x: x.roll((1, 2)), RuntimeError,
                            "shifts and dimensions must align. shifts: 2, dims:0"),
    "two shifts, one dim": (lambda L, x: x.roll((1, 2), 0), RuntimeError,
                            "shifts and dimensions must align. shifts: 2, dims:1"),
    "dim out of range": (lambda L, x: x.roll(1, 3), IndexError,
                         "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    "no shifts": (lambda L, x: x.roll([], []), RuntimeError, "`shifts` required"),
    "0-dim with a dim": (lambda L, x: L.roll(L.tensor(5.0), 1, 0), IndexError,
                         "Dimension specified as 0 but tensor has no dimensions"),
}


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_in_pytorchs_words(lib, case):
    L = _lib(lib)
    call, kind, message = ERRORS[case]
    x = L.tensor(X.copy())
    with pytest.raises(kind) as info:
        call(L, x)
    assert str(info.value).strip("'\"") == message
    np.testing.assert_array_equal(x.numpy(), X)
