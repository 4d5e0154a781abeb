"""Flatten a model's parameters into one vector and back: ``parameters_to_vector``, ``vector_to_parameters``.

Handy for algorithms that treat all the weights as one point (line searches, weight averaging, evolution).
"""

from __future__ import annotations

from collections.abc import Iterable

from minigrad._functional import cat
from minigrad.tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """Every parameter flattened and concatenated in order: ``(sum of numel,)``.

    The result is a new tensor recorded in the graph (``cat`` of ``view(-1)``s), so gradients flow back to the
    parameters. An empty iterable raises as ``cat`` does.
    """
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Make the parameters' values consecutive slices of ``vec`` (the inverse of ``parameters_to_vector``).

    ``vec (n,)`` must hold at least the parameters' total number of elements (extra ones are ignored). As in
    PyTorch, each parameter's array becomes a view of ``vec``'s, so later writes to ``vec`` show in the
    parameters. Every slice is checked before any parameter changes.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected minigrad.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    slices = []
    pointer = 0
    for p in params:
        n = p.numel()
        slices.append(vec[pointer:pointer + n].detach().view_as(p)._data)  # raises view's error if too short
        pointer += n
    for p, arr in zip(params, slices):
        p._data = arr  # a new array, not a write into the old one: what a graph saved stays as it was
