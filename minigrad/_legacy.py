"""PyTorch's older spellings kept for code that still uses them: the typed tensor constructors
(``minigrad.LongTensor([1, 2])``, also good in ``isinstance``), the default floating dtype and the default device.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad import _device, _format
from minigrad import dtypes as _dt
from minigrad.tensor import Tensor, to_array


class _TensorTypeMeta(type):
    """``isinstance(t, minigrad.FloatTensor)`` is True for a float32 tensor: the check reads the dtype."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.np

    def __repr__(cls) -> str:
        return f"<class 'minigrad.{cls.__name__}'>"


class _TensorType(metaclass=_TensorTypeMeta):
    """A legacy typed constructor: ``T(data)`` copies a list or array, ``T(2, 3)`` makes a tensor of that size
    (filled with zeros) and ``T()`` an empty one, always of ``T.dtype``."""

    dtype: _dt.dtype

    def __new__(cls, *args: Any, device: Any = None) -> Tensor:  # type: ignore[misc]
        _device.check_device(device)
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            data = args[0]
            if isinstance(data, Tensor) and data._data.dtype != cls.dtype.np:
                raise TypeError(f"expected {cls.dtype!r} (got {data.dtype!r})")
            return Tensor._make(to_array(data, cls.dtype), False)
        size = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        return Tensor._make(np.zeros(tuple(int(n) for n in size) or (0,), dtype=cls.dtype.np), False)


def _tensor_type(name: str, dtype: _dt.dtype) -> type:
    return _TensorTypeMeta(name, (_TensorType,), {"dtype": dtype, "__doc__": f"A {dtype!r} tensor (legacy name)."})


FloatTensor = _tensor_type("FloatTensor", _dt.float32)
DoubleTensor = _tensor_type("DoubleTensor", _dt.float64)
HalfTensor = _tensor_type("HalfTensor", _dt.float16)
LongTensor = _tensor_type("LongTensor", _dt.int64)
IntTensor = _tensor_type("IntTensor", _dt.int32)
ShortTensor = _tensor_type("ShortTensor", _dt.int16)
CharTensor = _tensor_type("CharTensor", _dt.int8)
ByteTensor = _tensor_type("ByteTensor", _dt.uint8)
BoolTensor = _tensor_type("BoolTensor", _dt.bool)


def get_default_dtype() -> _dt.dtype:
    """The dtype Python floats and the float factories (``zeros``, ``randn``, layers' parameters) give."""
    return _dt.from_numpy_dtype(_format.DEFAULT_DTYPE)


def set_default_dtype(d: Any) -> None:
    """Make ``d`` (a floating dtype: ``minigrad.float32``, ``float64`` or ``float16``) the default floating
    dtype, as PyTorch 2.13 allows."""
    try:
        np_dtype = _dt.to_numpy_dtype(d)
    except TypeError:
        np_dtype = None
    if np_dtype is None or np_dtype.kind != "f":
        raise TypeError("only floating-point types are supported as the default type")
    _format.DEFAULT_DTYPE = np_dtype
    # Every module that reads the default took it by name (``from minigrad.tensor import DEFAULT_FLOAT``).
    for name, module in list(sys.modules.items()):
        if name.startswith("minigrad") and hasattr(module, "DEFAULT_FLOAT"):
            module.DEFAULT_FLOAT = np_dtype


def get_default_device() -> _device.device:
    """The device new tensors are made on: always the CPU."""
    return _device.CPU


def set_default_device(device: Any) -> None:
    """Accepts the CPU only (``'cpu'``, ``minigrad.device('cpu')`` or None); anything else raises."""
    if device is not None:
        _device.check_device(device)
