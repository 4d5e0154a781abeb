"""Helpers shared by the primitives."""

from __future__ import annotations

import numpy as np


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` back to ``shape``: over the leading axes broadcasting added, and the size-1 axes it stretched.

    Example: an operand of shape ``(3, 1)`` added to one of shape ``(2, 3, 4)`` gets a gradient of shape
    ``(2, 3, 4)``; summing axis 0 and then axis 2 (keeping it) gives back ``(3, 1)``.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = np.add.reduce(grad, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = np.add.reduce(grad, axis=stretched, keepdims=True)  # np.sum, its warnings minigrad's (ops/reduce.py)
    return grad


def placed(shape: tuple, dtype: np.dtype, index: object, values: np.ndarray, repeats: bool = False) -> np.ndarray:
    """A zero array of ``shape`` and ``dtype`` with ``values`` added at ``index``: the gradient of reading
    ``a[index]``. With ``repeats`` (advanced indexing) an index that appears twice gets both values."""
    out = np.zeros(shape, dtype=dtype)
    if repeats:
        np.add.at(out, index, values)
    else:
        out[index] += values
    return out


def normalize_dims(dim, ndim: int) -> tuple:
    """Turn ``dim`` (None, int or tuple, negatives allowed) into a sorted tuple of axes, with PyTorch's error."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        w = wrap_dim(d, ndim)
        if w in out:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        out.append(w)
    return tuple(sorted(out))


def wrap_dim(d: int, ndim: int) -> int:
    """Wrap a possibly negative dim into ``[0, ndim)``; 0-d tensors accept -1 and 0, as in PyTorch."""
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return d % n
