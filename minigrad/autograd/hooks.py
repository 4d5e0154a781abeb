"""Hooks: functions a user hangs on a tensor (or a module) to look at, or replace, a gradient during backward.

A tensor's hooks are carried by what makes its gradient: a non-leaf's by the node that produced it
(``node.hooks``), a leaf's by the tensor itself (``tensor._backward_hooks``). The engine calls them when that
gradient is complete, through ``run_tensor_hooks``: in registration order, each seeing what the one before it
returned. ``RemovableHandle`` takes a hook out again; ``minigrad.nn.Module``'s hooks use it too.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.autograd import function as _function
from minigrad.dtypes import scalar_type_name


class HookDict(dict):
    """``{handle id: hook}`` in call order. Hashed by identity, so that ``live`` can hold it weakly."""

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other


#: Every tensor's and node's ``HookDict``, held weakly: when one of them is not empty, a graph may have hooks, and
#: the fast engine (``minigrad/fast/engine.py``) hands the backward over to the lesson engine.
live: weakref.WeakSet = weakref.WeakSet()


def any_live() -> bool:
    """True when some living tensor or node carries a hook."""
    # len() first: iterating a WeakSet costs a microsecond on every backward, and most programs have no hook at all.
    return len(live) > 0 and any(live)


class RemovableHandle:
    """What every ``register_*hook`` returns: ``remove()`` takes the hook out (also on leaving a ``with`` block).

    ``id`` is unique among all handles; ``extra_dict`` (optional) is another dict the hook's id is removed from."""

    next_id = 0

    def __init__(self, hooks_dict: Any, *, extra_dict: Any = None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict) if isinstance(hooks_dict, HookDict) else lambda: hooks_dict
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        self.extra_dict = extra_dict

    def remove(self) -> None:
        """Take the hook out; removing twice does nothing."""
        for d in (self.hooks_dict_ref(), self.extra_dict):
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


class NodePreHook:
    """A hook that belongs to the node rather than to its output tensor (``minigrad.nn.hooks`` uses it): it runs
    after the tensor's own hooks, whenever they were registered."""

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)

    def __call__(self, grad: Any) -> Any:
        return self.fn(grad)


def add_hook(hooks: HookDict, hook: Callable, prepend: bool = False) -> RemovableHandle:
    """Put ``hook`` into ``hooks`` (last, or first when ``prepend``) and return its handle."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        for key in [k for k in hooks if k != handle.id]:
            hooks[key] = hooks.pop(key)  # move the others behind the new one
    return handle


def new_hook_dict() -> HookDict:
    """An empty ``HookDict`` that the fast engine will notice once it holds a hook."""
    hooks = HookDict()
    live.add(hooks)
    return hooks


def run_tensor_hooks(hooks: HookDict, grad: np.ndarray) -> np.ndarray:
    """Call each hook on the gradient (as a Tensor, shape of the tensor); a hook that returns a Tensor replaces it.

    Raises PyTorch's errors when a hook returns something that is not a Tensor, or one of another shape or dtype.
    """
    T = _function.Tensor
    # A node's own pre-hooks (a module's backward hooks) run after the tensor's hooks, as in PyTorch.
    for hook in sorted(hooks.values(), key=lambda h: isinstance(h, NodePreHook)):
        out = hook(T._make(grad, False))
        if out is None:
            continue
        if not isinstance(out, T):
            raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
        name = getattr(hook, "__name__", type(hook).__name__)
        if out._data.shape != grad.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value")
        if out._data.dtype != grad.dtype:
            raise RuntimeError(
                f"hook '{name}' has changed the type of value (was minigrad.{scalar_type_name(grad.dtype)}Tensor "
                f"got minigrad.{scalar_type_name(out._data.dtype)}Tensor)"
            )
        grad = out._data
    return grad


def run_leaf_hooks(leaf: Any, grad: np.ndarray) -> np.ndarray:
    """``run_tensor_hooks`` with the hooks of ``leaf``, if it has any: the gradient to add into ``leaf.grad``."""
    hooks = getattr(leaf, "_backward_hooks", None)
    return run_tensor_hooks(hooks, grad) if hooks else grad


def run_post_accumulate_grad_hooks(leaf: Any) -> None:
    """Call ``hook(leaf)`` for each of the leaf's post-accumulate hooks, after its ``.grad`` was updated."""
    for hook in tuple(leaf._post_accumulate_grad_hooks.values()):
        out = hook(leaf)
        if out is None:
            continue
        if isinstance(out, _function.Tensor):
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")
        raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
