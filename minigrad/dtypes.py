"""dtypes: thin named wrappers around numpy dtypes, printed the PyTorch way (``minigrad.float32``)."""

from __future__ import annotations

from typing import Any

import numpy as np


class dtype:
    """A tensor element type. ``minigrad.float32 == numpy.float32`` holds, and ``repr`` is ``minigrad.float32``."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize")

    def __init__(self, name: str, np_dtype: Any) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dtype):
            return self.np == other.np
        try:
            return self.np == np.dtype(other)  # type: ignore[arg-type]
        except TypeError:
            return NotImplemented

    def __hash__(self) -> int:
        return hash(self.np)


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

_BY_NUMPY = {d.np: d for d in (float16, float32, float64, int8, uint8, int16, int32, int64, bool)}


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """The minigrad dtype of a numpy dtype (raises ``TypeError`` for types minigrad does not support)."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        raise TypeError(f"minigrad does not support numpy dtype {np_dtype}") from None


def to_numpy_dtype(d: Any) -> np.dtype:
    """Accept a minigrad dtype, a numpy dtype or anything ``numpy.dtype`` understands."""
    if isinstance(d, dtype):
        return d.np
    return np.dtype(d)


# PyTorch's names for the element types inside error messages: the scalar type ("Float", as in
# "result type Float can't be cast ...", "FloatTensor") and the C++ type ("float != double").
_SCALAR_NAMES = {
    np.dtype(np.float16): ("Half", "c10::Half"),
    np.dtype(np.float32): ("Float", "float"),
    np.dtype(np.float64): ("Double", "double"),
    np.dtype(np.int8): ("Char", "signed char"),
    np.dtype(np.uint8): ("Byte", "unsigned char"),
    np.dtype(np.int16): ("Short", "short int"),
    np.dtype(np.int32): ("Int", "int"),
    np.dtype(np.int64): ("Long", "long int"),
    np.dtype(np.bool_): ("Bool", "bool"),
}


def scalar_type_name(np_dtype: Any) -> str:
    """PyTorch's scalar type name of a dtype as its error messages print it: float32 -> ``'Float'``."""
    return _SCALAR_NAMES[np.dtype(to_numpy_dtype(np_dtype))][0]


def cpp_type_name(np_dtype: Any) -> str:
    """The C++ element type name PyTorch prints in some errors: float32 -> ``'float'``, int64 -> ``'long int'``."""
    return _SCALAR_NAMES[np.dtype(to_numpy_dtype(np_dtype))][1]


#: PyTorch's legacy tensor type names (``'FloatTensor'``), each with its dtype: what ``Tensor.type`` reads and prints.
TENSOR_TYPES = {f"{names[0]}Tensor": _BY_NUMPY[np_dtype] for np_dtype, names in _SCALAR_NAMES.items()}
