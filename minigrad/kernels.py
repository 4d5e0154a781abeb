"""Where the speed-ups plug in: a table of named kernels, and the one switch that turns them all off.

minigrad is written twice over, on purpose. The code a learner reads (``minigrad/autograd/``, ``minigrad/ops/``,
``minigrad/nn/``) is the lesson: a plain engine, plain formulas, a recurrent layer that is a loop of its cell.
``minigrad/fast/`` holds everything that exists only for speed, and it plugs into the lesson through this table:
a lesson room asks ``kernels.get(name)`` and, when a kernel is registered and the switch is on, calls it instead
of its own plain code. Every kernel computes what the plain code computes (``tests/fast/`` checks that).

The lesson never imports ``minigrad.fast``; ``import minigrad`` does, at the end, and the fast floor registers its
kernels then. The switch:

- the environment variable ``MINIGRAD_FAST=0``, read when minigrad is imported, starts with it off;
- ``minigrad.fast.set_enabled(False)`` / ``set_enabled(True)`` turns it off and on at run time (a graph recorded
  with it on can be backpropagated with it off, and the other way round).

Names in use: ``"backward"`` (the engine), ``"rnn_steps"``, ``"lstm_steps"``, ``"gru_steps"`` (one direction of
a recurrent layer), ``"sum_of_squared_differences"`` (``MseLoss``'s sum).
"""

from __future__ import annotations

import os
from typing import Any

_TABLE: dict[str, Any] = {}
_ON = [os.environ.get("MINIGRAD_FAST", "1").strip().lower() not in ("0", "false", "off", "no")]


def register(name: str, kernel: Any) -> None:
    """Plug ``kernel`` in under ``name`` (the fast floor calls this when it is imported)."""
    _TABLE[name] = kernel


def get(name: str) -> Any:
    """The kernel registered under ``name``, or ``None`` when there is none or the switch is off."""
    return _TABLE.get(name) if _ON[0] else None


def set_enabled(on: bool) -> bool:
    """Turn every registered kernel on or off; returns the previous setting."""
    previous = _ON[0]
    _ON[0] = bool(on)
    return previous


def is_enabled() -> bool:
    """Whether registered kernels are used (``MINIGRAD_FAST`` at import, then ``set_enabled``)."""
    return _ON[0]
