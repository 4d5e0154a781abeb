"""Distances between vectors: ``CosineSimilarity`` and ``PairwiseDistance``."""

from __future__ import annotations

from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class CosineSimilarity(Module):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (see ``F.cosine_similarity``).

    Args:
        dim: the dimension holding the vectors.
        eps: smallest norm used in the division.

    Shapes: ``x1``, ``x2`` broadcastable -> the broadcast shape without ``dim``.
    """

    def __init__(self, dim: int = 1, eps: float = 1e-08) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """``(*, D, *)``, ``(*, D, *)`` -> ``(*, *)``: ``F.cosine_similarity``."""
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """The ``p``-norm distance ``|x1 - x2 + eps|_p`` along the last dim (see ``F.pairwise_distance``).

    Args:
        p: the norm's order.
        eps: added to the difference, so equal vectors have a non-zero distance with a gradient.
        keepdim: keep the last dim, of size 1.

    Shapes: ``(*, D)``, ``(*, D)`` -> ``(*)``, or ``(*, 1)`` with ``keepdim``.
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-06, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        """``(*, D)``, ``(*, D)`` -> ``(*)``: ``F.pairwise_distance``."""
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
