"""minigrad's random generator: one numpy ``Generator`` behind ``randn``, ``rand``, parameter init, dropout,
shuffling and ``multinomial`` (PyTorch's ``torch.random``: ``manual_seed``, ``default_generator``)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np


class _RNG:
    seed = int(np.random.SeedSequence().entropy % 2**63)
    generator = np.random.default_rng(seed)


def manual_seed(seed: int) -> np.random.Generator:
    """Seed minigrad's random generator (``randn``, ``rand``, parameter init, dropout, shuffling).

    The streams differ from PyTorch's: the same seed gives reproducible, not identical, numbers.
    """
    _RNG.seed = int(seed)
    _RNG.generator = np.random.default_rng(seed)
    return _RNG.generator


def seed() -> int:
    """Seed the generator with a fresh random number (from the operating system) and return that number."""
    new = int(np.random.SeedSequence().entropy % 2**63)
    manual_seed(new)
    return new


def initial_seed() -> int:
    """The seed the generator was last seeded with (by ``manual_seed`` or ``seed``, or at import)."""
    return _RNG.seed


def get_rng_state() -> Any:
    """The generator's state as a uint8 tensor (its numpy bit generator's state, as JSON bytes): give it to
    ``set_rng_state`` to draw the same numbers again."""
    from minigrad.tensor import Tensor

    text = json.dumps(_RNG.generator.bit_generator.state)
    return Tensor._make(np.frombuffer(text.encode(), dtype=np.uint8).copy(), False)


def set_rng_state(new_state: Any) -> None:
    """Restore a state that ``get_rng_state`` returned."""
    data = getattr(new_state, "_data", new_state)
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8:
        raise TypeError(f"expected a minigrad.ByteTensor, but got {type(new_state).__name__}")
    state = json.loads(data.tobytes().decode())
    generator = np.random.default_rng()
    generator.bit_generator.state = state
    _RNG.generator = generator


def default_generator() -> np.random.Generator:
    """The numpy ``Generator`` behind minigrad's random functions."""
    return _RNG.generator
