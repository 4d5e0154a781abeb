"""minigrad's random generator: one numpy ``Generator`` behind ``randn``, ``rand``, parameter init, dropout,
shuffling and ``multinomial`` (PyTorch's ``torch.random``: ``manual_seed``, ``default_generator``)."""

from __future__ import annotations

import numpy as np


class _RNG:
    generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed minigrad's random generator (``randn``, ``rand``, parameter init, dropout, shuffling).

    The streams differ from PyTorch's: the same seed gives reproducible, not identical, numbers.
    """
    _RNG.generator = np.random.default_rng(seed)
    return _RNG.generator


def default_generator() -> np.random.Generator:
    """The numpy ``Generator`` behind minigrad's random functions."""
    return _RNG.generator
