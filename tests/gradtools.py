"""Reference gradients for the tests: central finite differences of a random projection of the output.

Backpropagating a random cotangent ``g`` (not ``ones``) computes ``d<g, f(x)>/dx``; a gradient summed over the
wrong axis or transposed changes that number, where with ``g = ones`` it could hide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import minigrad as mg


def numerical_vjp(f: Callable[..., Any], arrays: Sequence[np.ndarray], cot: np.ndarray, i: int,
                  eps: float = 1e-6) -> np.ndarray:
    """d<cot, f(*arrays)>/d(arrays[i]) by central differences; ``f`` takes and returns minigrad tensors."""
    xs = [np.array(a, dtype=np.float64, copy=True) for a in arrays]
    grad = np.zeros_like(xs[i])
    flat, gflat = xs[i].reshape(-1), grad.reshape(-1)

    def project() -> float:
        with mg.no_grad():
            out = f(*[mg.tensor(x) for x in xs])
        return float(np.sum(cot * out.numpy().astype(np.float64)))

    for j in range(flat.size):
        orig = flat[j]
        flat[j] = orig + eps
        plus = project()
        flat[j] = orig - eps
        minus = project()
        flat[j] = orig
        gflat[j] = (plus - minus) / (2 * eps)
    return grad


def backprop_random_cotangent(f: Callable[..., Any], arrays: Sequence[np.ndarray],
                              seed: int = 0) -> tuple[Any, np.ndarray, list[Any]]:
    """Run ``f`` on leaves made from ``arrays`` (requiring grad), backpropagate a random cotangent.

    Returns ``(output, cotangent, leaves)``; each leaf's ``.grad`` holds its gradient.
    """
    leaves = [mg.tensor(a, requires_grad=True) for a in arrays]
    out = f(*leaves)
    cot = np.random.default_rng(seed).standard_normal(out.detach().numpy().shape).astype(out.detach().numpy().dtype)
    out.backward(mg.tensor(cot))
    return out, cot, leaves


def assert_vjp_matches_finite_differences(f: Callable[..., Any], arrays: Sequence[np.ndarray], seed: int = 0,
                                          rtol: float = 1e-6, atol: float = 1e-7) -> None:
    """Every leaf's gradient from a random cotangent equals the finite-difference one (float64 inputs)."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    _, cot, leaves = backprop_random_cotangent(f, arrays, seed)
    for i, leaf in enumerate(leaves):
        expected = numerical_vjp(f, arrays, cot, i)
        got = np.zeros_like(expected) if leaf.grad is None else leaf.grad.numpy()
        assert got.shape == expected.shape, f"input {i}: gradient shape {got.shape}, expected {expected.shape}"
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")
