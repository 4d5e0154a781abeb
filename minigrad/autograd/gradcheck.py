"""``gradcheck``: compare the engine's gradients with central finite differences."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.autograd import function as _function
from minigrad.autograd.grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when an analytical Jacobian differs from the numerical one."""


def _outputs(fn: Callable, args: list) -> list:
    out = fn(*args)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def gradcheck(
    func: Callable,
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check ``func``'s gradients against central differences ``(f(x + eps) - f(x - eps)) / (2 eps)``.

    Args:
        func: takes the ``inputs`` and returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of arguments; tensors with ``requires_grad=True`` are checked (use float64).
        eps: the perturbation of one input element in the central difference.
        atol: the absolute tolerance of ``|analytical - numerical| <= atol + rtol * |numerical|``.
        rtol: the relative tolerance in that comparison.
        raise_exception: raise ``GradcheckError`` on a mismatch (else return False).

    For output k (``n_k`` elements) and input i (``m_i`` elements) both Jacobians are ``(m_i, n_k)`` matrices,
    built one row (numerical) and one backward pass per output element (analytical).
    Returns True when every pair matches.
    """
    T = _function.Tensor
    args = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    checked = []
    for i, a in enumerate(args):
        if isinstance(a, T) and a.requires_grad:
            if a._data.dtype != np.float64:
                warnings.warn(
                    f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                    "This check will likely fail if all the inputs are not of double precision floating point "
                    "or complex. ",
                    stacklevel=2,
                )
            checked.append(i)
    if not checked:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have "
            "requires_grad=True."
        )
    # Detached leaves that share the inputs' arrays: the caller's tensors and .grad stay untouched.
    leaves = [a.detach().requires_grad_(True) if i in checked else a for i, a in enumerate(args)]

    with no_grad():
        base = _outputs(func, leaves)
    out_ids = [k for k, o in enumerate(base) if isinstance(o, T) and o._data.dtype.kind == "f"]

    numerical = {}
    with no_grad():
        for i in checked:
            x = leaves[i]._data
            flat = x.reshape(-1)  # a view: perturbing it perturbs the input
            cols = {k: np.zeros((x.size, base[k]._data.size)) for k in out_ids}
            for j in range(x.size):
                orig = flat[j]
                flat[j] = orig + eps
                # Copied at once: an output may be a view of the input that the next step perturbs again.
                plus = [np.array(o._data, dtype=np.float64) if isinstance(o, T) else o for o in _outputs(func, leaves)]
                flat[j] = orig - eps
                minus = [np.array(o._data, dtype=np.float64) if isinstance(o, T) else o for o in _outputs(func, leaves)]
                flat[j] = orig
                for k in out_ids:
                    cols[k][j] = (plus[k] - minus[k]).reshape(-1) / (2 * eps)
            numerical[i] = cols

    with enable_grad():
        outs = _outputs(func, leaves)
    for k in out_ids:
        out = outs[k]
        n = out._data.size
        analytical = {i: np.zeros((leaves[i]._data.size, n)) for i in checked}
        if out.requires_grad:
            for m in range(n):
                seed = np.zeros(out._data.shape, dtype=out._data.dtype)
                seed.reshape(-1)[m] = 1
                for i in checked:
                    leaves[i].grad = None
                out.backward(seed, retain_graph=True)
                for i in checked:
                    g = leaves[i].grad
                    if g is not None:
                        analytical[i][:, m] = g._data.reshape(-1)
        for i in checked:
            a, num = analytical[i], numerical[i][k]
            if not np.allclose(a, num, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                dt = leaves[i]._data.dtype  # printed in the input's dtype, as PyTorch prints them
                raise GradcheckError(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{T._make(num.astype(dt), False)!r}\nanalytical:{T._make(a.astype(dt), False)!r}\n"
                )
    for i in checked:
        leaves[i].grad = None
    return True
