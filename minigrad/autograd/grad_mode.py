"""Grad mode: whether new operations are recorded for backward.

``no_grad`` and ``enable_grad`` work as context managers and as decorators, like PyTorch's. The mode is one
process-wide flag (PyTorch keeps one per thread; minigrad keeps the engine single-threaded and simple).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class GradMode:
    # A class attribute is the cheapest flag to read on every op.
    enabled: bool = True


def is_grad_enabled() -> bool:
    """Return True when operations are being recorded for backward."""
    return GradMode.enabled


class _GradModeContext:
    """Base of the grad-mode switches: sets the mode on enter, restores it on exit."""

    mode: bool

    def __enter__(self) -> None:
        self._prev = GradMode.enabled
        GradMode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        GradMode.enabled = self._prev

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Context manager and decorator under which nothing is recorded for backward.

    Results computed inside have ``requires_grad=False`` and no ``grad_fn``. Use it for optimizer updates and
    evaluation::

        with minigrad.no_grad():
            w -= lr * w.grad
    """

    mode = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that turns recording back on inside a ``no_grad`` block."""

    mode = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode to ``mode``; usable as a function call, a context manager or a decorator."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._prev = GradMode.enabled
        GradMode.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: F) -> F:
        GradMode.enabled = self._prev
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class inference_mode(_GradModeContext):
    """``no_grad`` under PyTorch's newer name: with ``mode=True`` (the default) nothing is recorded inside;
    ``inference_mode(False)`` records as usual. A context manager and a decorator."""

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # used bare, as ``@inference_mode``
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode

    def __call__(self, fn: F) -> F:
        inference = not self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(inference):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
