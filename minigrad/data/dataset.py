"""Datasets: ``Dataset`` (the interface), ``TensorDataset``, ``Subset``, ``ConcatDataset`` and ``random_split``.

A map-style dataset is anything with ``__getitem__(index)`` and ``__len__()``: ``DataLoader`` asks it for the
samples ``0 .. len - 1`` and collates them into batches.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from minigrad.creation import default_generator
from minigrad.tensor import Tensor


class Dataset:
    """A map-style dataset: subclass it and define ``__getitem__(index)`` (and ``__len__`` for ``DataLoader``).

    ``dataset_a + dataset_b`` is a ``ConcatDataset`` of the two.
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are slices of tensors along their first dimension.

    ``TensorDataset(x, y)`` with ``x`` of shape ``(N, *)`` and ``y`` of shape ``(N, *)``: item ``i`` is the tuple
    ``(x[i], y[i])`` and the length is ``N``. Every tensor must have the same first dimension ``N``.
    """

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset):
    """The items of ``dataset`` at ``indices``, in that order: ``Subset(ds, [4, 1])[0] is ds[4]``."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after the other: index ``len(a) + i`` of ``ConcatDataset([a, b])`` is ``b[i]``."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        # cumulative_sizes[k] = number of items in datasets[0..k]; bisect finds the dataset holding an index.
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        k = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[k - 1] if k > 0 else 0
        return self.datasets[k][idx - start]


def random_split(
    dataset: Any, lengths: Sequence[int | float], generator: np.random.Generator | None = None
) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping ``Subset``s of the given ``lengths``.

    ``lengths`` are item counts summing to ``len(dataset)``, or fractions summing to 1 (each split then gets
    ``floor(frac * len)`` items and the leftover items go one by one to the first splits). The permutation
    comes from ``generator`` (a ``numpy.random.Generator``), by default minigrad's global one, so
    ``minigrad.manual_seed`` makes the split reproducible.
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.",
                              stacklevel=2)
        lengths = sizes
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    gen = default_generator() if generator is None else generator
    order = gen.permutation(n).tolist()
    return [
        Subset(dataset, order[end - size:end])
        for end, size in zip(itertools.accumulate(lengths), lengths)
    ]
