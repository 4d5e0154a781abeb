"""``Flatten`` (merge a range of dimensions into one) and ``Unflatten`` (split one dimension into several)."""

from __future__ import annotations

import math
from typing import Any

from minigrad.nn.module import Module
from minigrad.ops import wrap_dim
from minigrad.tensor import Tensor


class Flatten(Module):
    """Merge dims ``start_dim..end_dim`` into one (by default all but the batch dim).

    Shapes: ``(N, d1, ..., dk) -> (N, d1 * ... * dk)`` with the defaults ``start_dim=1, end_dim=-1``.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        """``(N, d1, ..., dk) -> (N, d1 * ... * dk)`` with the defaults: ``input.flatten(start_dim, end_dim)``."""
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into the sizes ``unflattened_size`` (one of them may be -1, inferred).

    Shapes: ``(*, d, *)`` -> ``(*, *unflattened_size, *)`` where the sizes multiply to ``d``; e.g.
    ``Unflatten(1, (2, 3))`` turns ``(N, 6)`` into ``(N, 2, 3)``, undoing ``Flatten``.
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(
                f"unflattened_size must be a tuple of ints, but found type {type(unflattened_size).__name__}"
            )
        for i, s in enumerate(unflattened_size):
            if not isinstance(s, int):
                raise TypeError(
                    f"unflattened_size must be tuple of ints, but found element of type {type(s).__name__} at pos {i}"
                )
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        """``(*, d, *)`` -> ``(*, *unflattened_size, *)``: a reshape."""
        sizes = list(self.unflattened_size)
        d = wrap_dim(self.dim, input.ndim)
        if not sizes:
            raise RuntimeError("unflatten: sizes must be non-empty")
        length = input.shape[d]
        known = math.prod(s for s in sizes if s != -1)
        if sizes.count(-1) == 1 and known and length % known == 0:
            sizes[sizes.index(-1)] = length // known
        elif sizes.count(-1) > 1:
            raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be inferred")
        if math.prod(sizes) != length or -1 in sizes:
            raise RuntimeError(
                f"unflatten: Provided sizes {list(self.unflattened_size)} don't multiply up to the size of dim {d} "
                f"({length}) in the input tensor"
            )
        return input.reshape(*input.shape[:d], *sizes, *input.shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
