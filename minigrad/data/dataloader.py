"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches, collated into tensors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from minigrad.data.collate import default_collate, default_convert
from minigrad.data.sampler import BatchSampler, RandomSampler, SequentialSampler

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset")


class DataLoader:
    """Iterate over ``dataset`` in batches: each pass picks indices (in order, or shuffled), fetches the samples
    ``dataset[i]`` and joins each batch with ``collate_fn``.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``), e.g. ``TensorDataset(x, y)``.
        batch_size: samples per batch; ``None`` turns batching off (each sample is converted with
            ``default_convert`` and yielded alone).
        shuffle: visit the indices in a new random order every pass (minigrad's global generator, or
            ``generator``; ``minigrad.manual_seed`` makes it reproducible).
        sampler: an iterable of indices to use instead of the default order (excludes ``shuffle``).
        batch_sampler: an iterable of index lists (excludes ``batch_size``, ``shuffle``, ``sampler``, ``drop_last``).
        num_workers: accepted for compatibility; minigrad always loads in the calling process.
        collate_fn: joins a list of samples into a batch (default ``default_collate``).
        drop_last: drop the last batch when it has fewer than ``batch_size`` samples.
        generator: a ``numpy.random.Generator`` for shuffling.

    With ``TensorDataset(x, y)``, ``x`` of shape ``(N, *)``, each batch is ``[x_batch, y_batch]`` of shapes
    ``(batch_size, *)`` (the last one smaller unless ``drop_last``). ``len(loader)`` is the number of batches.

    Example::

        loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
        for xb, yb in loader:
            ...
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Iterable[int] | None = None,
        batch_sampler: Iterable[list[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self._initialized = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_initialized") and name in _FROZEN:
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(name, value)

    def __iter__(self) -> Iterator[Any]:
        if self.batch_sampler is None:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
        else:
            for indices in self.batch_sampler:
                yield self.collate_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        """Number of batches in one pass (of samples when ``batch_size=None``)."""
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)  # type: ignore[arg-type]
