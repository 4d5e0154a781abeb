"""Scopes: the path of names under which graph nodes are recorded.

``Module.__call__`` pushes the module's name and the recurrent layers push ``l{k}``, ``t={i}`` and ``reverse``;
every node keeps a reference to the scope tuple current when it was made, so the drawing can cluster the graph
(a pointer per node, never a copy).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Scope:
    current: tuple[str, ...] = ()


#: The object that opened each outermost scope, by name (weakly: it goes when its owner goes).
_OWNERS: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()


def scope_owner(name: str) -> Any:
    """The object that last opened the outermost scope ``name`` with ``scope(name, owner=...)``, or None.

    A drawing finds a model's parameter names this way: ``Module.__call__`` opens its scope with itself as owner.
    """
    return _OWNERS.get(name)


def current_scope() -> tuple[str, ...]:
    """Return the scope path new nodes are recorded under, e.g. ``('rnn', 'l1', 't=3')``."""
    return _Scope.current


@contextmanager
def scope(name: str, owner: Any = None) -> Iterator[tuple[str, ...]]:
    """Record every node made inside the ``with`` block under one more scope level ``name``.

    ``owner``: the object the scope stands for (a module); remembered for an outermost scope (``scope_owner``).

    Example::

        with scope("encoder"):
            h = (x @ w).tanh()      # h.grad_fn.scope == ("encoder",)
    """
    prev = _Scope.current
    if owner is not None and not prev:
        _OWNERS[str(name)] = owner
    _Scope.current = prev + (str(name),)
    try:
        yield _Scope.current
    finally:
        _Scope.current = prev
