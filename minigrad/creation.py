"""Tensor factories (``tensor``, ``zeros``, ``randn``, ...); the global random generator is ``minigrad.random``'s."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import _device
from minigrad import dtypes as _dt
from minigrad.random import default_generator, manual_seed  # noqa: F401  (minigrad.manual_seed, as in torch)
from minigrad.tensor import DEFAULT_FLOAT, Tensor, to_array


def _shape(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _float_dtype(dtype: Any) -> np.dtype:
    return DEFAULT_FLOAT if dtype is None else _dt.to_numpy_dtype(dtype)


def _new(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(arr, False)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (number, nested lists, numpy array or Tensor).

    Python floats become float32, Python ints int64 and bools bool; numpy arrays keep their dtype.
    """
    _device.check_device(device)
    return _new(to_array(data, dtype), requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares ``array``'s memory and keeps its dtype."""
    return Tensor._make(array, False)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with 0."""
    _device.check_device(device)
    return _new(np.zeros(_shape(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with 1."""
    _device.check_device(device)
    return _new(np.ones(_shape(size), dtype=_float_dtype(dtype)), requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` with unspecified values (minigrad fills it with zeros)."""
    _device.check_device(device)
    return _new(np.zeros(_shape(size), dtype=_float_dtype(dtype)), requires_grad)


def full(size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value`` (dtype inferred from it like ``tensor``)."""
    _device.check_device(device)
    if dtype is None:
        dtype = to_array(fill_value).dtype
    return _new(np.full(_shape((size,)), fill_value, dtype=_dt.to_numpy_dtype(dtype)), requires_grad)


def zeros_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with ``input``'s shape and dtype."""
    _device.check_device(device)
    dt = input.data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)
    return _new(np.zeros(input.data.shape, dtype=dt), requires_grad)


def ones_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with ``input``'s shape and dtype."""
    _device.check_device(device)
    dt = input.data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)
    return _new(np.ones(input.data.shape, dtype=dt), requires_grad)


def full_like(
    input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, with ``input``'s shape and dtype."""
    _device.check_device(device)
    dt = input.data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)
    return _new(np.full(input.data.shape, fill_value, dtype=dt), requires_grad)


def randn(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples from the standard normal distribution, shape ``size``."""
    _device.check_device(device)
    arr = default_generator().standard_normal(_shape(size)).astype(_float_dtype(dtype))
    return _new(arr, requires_grad)


def rand(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples from the uniform distribution on [0, 1), shape ``size``."""
    _device.check_device(device)
    arr = default_generator().random(_shape(size)).astype(_float_dtype(dtype))
    return _new(arr, requires_grad)


def randint(low: int, high: Any = None, size: Any = None, dtype: Any = None, device: Any = None) -> Tensor:
    """Random integers in ``[low, high)`` of shape ``size`` (``randint(high, size)`` is allowed too)."""
    _device.check_device(device)
    if size is None:
        low, high, size = 0, low, high
    arr = default_generator().integers(low, high, size=tuple(size))
    return Tensor._make(arr.astype(np.int64 if dtype is None else _dt.to_numpy_dtype(dtype)), False)


def randperm(n: int, *, device: Any = None) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64)."""
    _device.check_device(device)
    return Tensor._make(default_generator().permutation(n).astype(np.int64), False)


def arange(
    start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None, requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 for integer arguments, else float32."""
    _device.check_device(device)
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if is_int else DEFAULT_FLOAT
    return _new(np.arange(start, end, step).astype(_dt.to_numpy_dtype(dtype)), requires_grad)


def linspace(
    start: float, end: float, steps: int, dtype: Any = None, device: Any = None, requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    _device.check_device(device)
    return _new(np.linspace(start, end, steps).astype(_float_dtype(dtype)), requires_grad)


def eye(n: int, m: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix, shape ``(n, m or n)``."""
    _device.check_device(device)
    return _new(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False) -> Tensor:
    """Draw ``num_samples`` category indices per row of ``input`` (``(n,)`` or ``(m, n)`` non-negative float
    weights), with probabilities proportional to its values: int64 ``(num_samples,)`` or ``(m, num_samples)``.
    See ``Tensor.multinomial``."""
    return input.multinomial(num_samples, replacement)

