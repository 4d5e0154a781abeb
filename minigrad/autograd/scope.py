"""Scopes: the path of names under which graph nodes are recorded.

``Module.__call__`` pushes the module's name and the recurrent layers push ``l{k}``, ``t={i}`` and ``reverse``;
every node keeps a reference to the scope tuple current when it was made, so the drawing can cluster the graph
(a pointer per node, never a copy).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class _Scope:
    current: tuple[str, ...] = ()


def current_scope() -> tuple[str, ...]:
    """Return the scope path new nodes are recorded under, e.g. ``('rnn', 'l1', 't=3')``."""
    return _Scope.current


@contextmanager
def scope(name: str) -> Iterator[tuple[str, ...]]:
    """Record every node made inside the ``with`` block under one more scope level ``name``.

    Example::

        with scope("encoder"):
            h = (x @ w).tanh()      # h.grad_fn.scope == ("encoder",)
    """
    prev = _Scope.current
    _Scope.current = prev + (str(name),)
    try:
        yield _Scope.current
    finally:
        _Scope.current = prev
