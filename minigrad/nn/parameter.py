"""``Parameter``: a leaf tensor that a ``Module`` registers as one of its weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.autograd.function import VersionCounter
from minigrad.tensor import Tensor, to_array


class Parameter(Tensor):
    """A Tensor that is a module's learnable weight: assigning one to a Module attribute registers it.

    ``Parameter(data, requires_grad=True)``: ``data`` is a Tensor or array-like (its values are used directly when it
    is a Tensor or numpy array, as PyTorch does). Shape and dtype are ``data``'s.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            arr = np.zeros((0,), dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = data._data
        elif isinstance(data, np.ndarray):
            arr = data
        else:
            arr = to_array(data)
        self._data = arr
        self.grad = None
        self.grad_fn = None
        self._vc = data._vc if isinstance(data, Tensor) else VersionCounter()
        self._view = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        from minigrad._format import tensor_repr

        body = tensor_repr(Tensor._make(self._data, False))
        return "Parameter containing:\n" + body[:-1] + (", requires_grad=True)" if self.requires_grad else ")")
