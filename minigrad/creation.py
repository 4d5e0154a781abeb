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
    dt = input._data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)
    return _new(np.zeros(input._data.shape, dtype=dt), requires_grad)


def ones_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with ``input``'s shape and dtype."""
    _device.check_device(device)
    dt = input._data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)
    return _new(np.ones(input._data.shape, dtype=dt), requires_grad)


def full_like(
    input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, with ``input``'s shape and dtype."""
    _device.check_device(device)
    dt = input._data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)
    return _new(np.full(input._data.shape, fill_value, dtype=dt), requires_grad)


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



def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``: ``steps`` values evenly spaced on a log scale."""
    _device.check_device(device)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    exponents = np.linspace(start, end, steps)
    return _new((np.float64(base) ** exponents).astype(_float_dtype(dtype)), requires_grad)


def _like(input: Tensor, dtype: Any) -> np.dtype:
    return input._data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)


def empty_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (minigrad fills it with zeros) of ``input``'s shape and dtype."""
    _device.check_device(device)
    return _new(np.zeros(input._data.shape, dtype=_like(input, dtype)), requires_grad)


def rand_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1) of ``input``'s shape and dtype (a floating dtype)."""
    _device.check_device(device)
    dt = _like(input, dtype)
    if dt.kind != "f":
        raise NotImplementedError(f'"check_uniform_bounds" not implemented for \'{_dt.scalar_type_name(dt)}\'')
    return _new(default_generator().random(input._data.shape).astype(dt), requires_grad)


def randn_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples of ``input``'s shape and dtype (a floating dtype)."""
    _device.check_device(device)
    dt = _like(input, dtype)
    if dt.kind != "f":
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for \'{_dt.scalar_type_name(dt)}\'')
    return _new(default_generator().standard_normal(input._data.shape).astype(dt), requires_grad)


def randint_like(input: Tensor, low: int = 0, high: Any = None, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
    """Random integers in ``[low, high)`` (``randint_like(input, high)`` for ``[0, high)``) of ``input``'s shape
    and dtype."""
    _device.check_device(device)
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    arr = default_generator().integers(low, high, size=input._data.shape).astype(_like(input, dtype))
    return _new(arr, requires_grad)


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Any = None, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal samples: ``mean`` and ``std`` numbers with a ``size``, or tensors (broadcast together; each
    element drawn with its own mean and std). Not differentiable in mean or std."""
    _device.check_device(device)
    rng = generator or default_generator()
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if isinstance(std, Tensor) and (s < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not isinstance(std, Tensor) and s < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s}")
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = ref._data.dtype if ref._data.dtype.kind == "f" else DEFAULT_FLOAT
        return _new((m + s * rng.standard_normal(shape)).astype(dt), requires_grad)
    if size is None:
        raise TypeError("normal() missing 1 required positional argument: \"size\"")
    return _new(rng.normal(m, s, _shape(tuple(size))).astype(_float_dtype(dtype)), requires_grad)


def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:
    """0 or 1 for each element, 1 with the probability in ``input`` (or the number ``p``); ``input``'s shape
    and dtype."""
    prob = input._data if p is None else np.asarray(p)
    if ((prob < 0) | (prob > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
                           "be improved?  If so, please report an enhancement request to PyTorch.)")
    rng = generator or default_generator()
    return Tensor._make((rng.random(input._data.shape) < prob).astype(input._data.dtype), False)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory where it can: a tensor of that dtype is returned as it is, a numpy
    array of that dtype is wrapped without a copy; anything else is copied as ``tensor`` copies."""
    _device.check_device(device)
    want = None if dtype is None else _dt.to_numpy_dtype(dtype)
    if isinstance(data, Tensor):
        return data if want is None or want == data._data.dtype else data.to(want)
    if isinstance(data, np.ndarray) and (want is None or want == data.dtype) and data.dtype.kind in "fiub":
        return Tensor._make(data, False)
    return _new(to_array(data, dtype), False)
