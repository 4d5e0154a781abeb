"""Gradient clipping: rescale gradients whose joint norm is too large (``clip_grad_norm_``), or clamp them.

Recurrent networks need this most: backpropagating through many time steps can make gradients explode.
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad.tensor import Tensor

_TensorOrTensors = Tensor | Iterable[Tensor]


def _vector_norm(x: np.ndarray, norm_type: float) -> np.ndarray:
    """The p-norm of all of ``x``'s elements as one vector (a 0-d array of ``x``'s dtype)."""
    a = np.abs(x)
    if norm_type == np.inf:
        return a.max(initial=0)
    if norm_type == -np.inf:
        return a.min()
    if norm_type == 0:
        return np.asarray(np.count_nonzero(x), dtype=x.dtype)
    if norm_type == 1:
        return np.asarray(a.sum(), dtype=x.dtype)
    if norm_type == 2:
        return np.sqrt(np.sum(a * a))
    return np.asarray(np.sum(a ** norm_type) ** (1.0 / norm_type), dtype=x.dtype)


def get_total_norm(
    tensors: _TensorOrTensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach: Any = None
) -> Tensor:
    """The p-norm of all elements of ``tensors`` taken together, as if flattened into one vector.

    Computed as the norm of the per-tensor norms. Returns a 0-d tensor (the tensors' dtype; float32 0 for an
    empty list). ``foreach`` is accepted for PyTorch compatibility and ignored.
    """
    ts = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not ts:
        return Tensor._make(np.zeros((), dtype=np.float32), False)
    norms = [_vector_norm(t._data, norm_type) for t in ts]
    dtype = np.result_type(*norms)
    total = _vector_norm(np.stack(norms).astype(dtype, copy=False), norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return Tensor._make(np.asarray(total, dtype=dtype), False)


def clip_grads_with_norm_(
    parameters: _TensorOrTensors, max_norm: float, total_norm: Tensor, foreach: Any = None
) -> None:
    """Scale every ``p.grad`` in place by ``min(1, max_norm / (total_norm + 1e-6))``.

    ``total_norm`` is a 0-d tensor, usually from ``get_total_norm``. ``foreach`` is ignored.
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    total = total_norm._data if isinstance(total_norm, Tensor) else np.asarray(total_norm)
    coef = np.minimum(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        # Always multiply (by 1 when no clipping is needed), as PyTorch does: nan/inf norms spread to the grads
        # (silently: inf * 0 is nan by design here).
        with np.errstate(invalid="ignore"):
            g._data *= coef.astype(g._data.dtype)
        g._vc.value += 1


def clip_grad_norm_(
    parameters: _TensorOrTensors,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: Any = None,
) -> Tensor:
    """Rescale the gradients of ``parameters`` in place so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients together, as if concatenated into one vector; each gradient is
    multiplied by ``max_norm / (total_norm + 1e-6)`` when that is below 1. Parameters whose ``grad`` is None
    are skipped.

    Args:
        parameters: a tensor or an iterable of tensors (e.g. ``model.parameters()``).
        max_norm: largest allowed norm.
        norm_type: the p of the p-norm; ``float('inf')`` for the largest absolute value.
        error_if_nonfinite: raise ``RuntimeError`` (changing nothing) when the total norm is nan or inf.
        foreach: accepted for PyTorch compatibility and ignored.

    Returns:
        The total norm of the gradients before clipping, a 0-d tensor.

    Example::

        loss.backward()
        minigrad.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total_norm)
    return total_norm


def clip_grad_value_(parameters: _TensorOrTensors, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient of ``parameters`` in place to ``[-clip_value, clip_value]``."""
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    clip_value = float(clip_value)
    for p in params:
        if p.grad is not None:
            np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)
            p.grad._vc.value += 1
