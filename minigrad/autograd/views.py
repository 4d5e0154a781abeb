"""Views and in-place writes: how a change made through one tensor reaches the graph of every tensor sharing its
memory, as in PyTorch.

A view (``x[1:]``, ``x.t()``, ``x.view(2, 3)``, ``x.expand(...)``, ...) shares its base's array and version
counter, and remembers its ``ViewInfo``: the base (the tensor that owns the memory) and the chain of view ops
that makes the view from it. Two rules follow.

- **Writing into a view writes into its base.** The base's graph becomes ``CopySlices(old base, new values of
  the view)`` and the view becomes its chain replayed on that new base (``Tensor._become`` does this).
- **Writing into a base (or into another view of it) changes what every view holds.** A view whose version
  counter has moved since its ``grad_fn`` was made replays its chain on the base before it is used again
  (``sync``, called by ``Function.apply`` and ``backward``).

``check_in_place`` raises PyTorch's errors for the in-place writes autograd forbids.
"""

from __future__ import annotations

from typing import Any

from minigrad.autograd.grad_mode import GradMode

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use "
    "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
    "you want the inplace to be tracked)."
)


class ViewInfo:
    """What makes a tensor a view.

    Attributes:
        base: the tensor that owns the memory (never itself a view).
        chain: ``((Function, attrs), ...)``: the view ops that make the view from ``base``, in order.
        version: the version counter's value when the view's ``grad_fn`` was last made.
        made_without_grad: made under ``no_grad`` (it may then not be changed in place with grad on).
        multi_output: ``(index, name)`` for one of several views returned together (``split``, ``unbind``,
            ``chunk``), which may not be changed in place when that is recorded; else None.
    """

    __slots__ = ("base", "chain", "version", "made_without_grad", "multi_output")

    def __init__(self, base: Any, chain: tuple, version: int) -> None:
        self.base = base
        self.chain = chain
        self.version = version
        self.made_without_grad = not GradMode.enabled
        self.multi_output = None


def view_info(source: Any, fn: type, attrs: dict) -> ViewInfo:
    """The ``ViewInfo`` of ``fn(source, **attrs)``, a view of ``source`` (itself a view or not)."""
    info = source._view
    if info is None:
        return ViewInfo(source, ((fn, attrs),), source._vc.value)
    view = ViewInfo(info.base, info.chain + ((fn, attrs),), source._vc.value)
    if info.multi_output is not None:  # a view of one of several outputs is refused too, under its own op's name
        view.multi_output = (0, fn.node_name().split("Backward")[0])
    view.made_without_grad = view.made_without_grad or info.made_without_grad
    return view


def replay(chain: tuple, base: Any) -> Any:
    """Make the view again from ``base``: its view ops applied in order (recorded when grad is on)."""
    t = base
    for fn, attrs in chain:
        t = fn.apply(t, **attrs)
    return t


def sync(view: Any, strict: bool = True) -> bool:
    """Give ``view`` its base's current graph if the shared memory was written since its ``grad_fn`` was made.

    One of several views returned together (``split``) cannot be given one: PyTorch's error, raised here when
    ``strict``, else left to the caller (``Function.apply`` raises it only if it records); returns whether so."""
    info = view._view
    if info.version == view._vc.value or not GradMode.enabled:
        return False
    if info.multi_output is not None and info.base.requires_grad:
        if strict:
            raise_stale(view)
        return True
    fresh = replay(info.chain, info.base)
    view.grad_fn, view.requires_grad = fresh.grad_fn, fresh.requires_grad
    info.version = view._vc.value
    return False


def raise_stale(view: Any) -> None:
    """PyTorch's error for using one of several views returned together after their base was written."""
    index, name = view._view.multi_output
    raise RuntimeError(
        f"Output {index} of {name} is a view and its base or another view of its base has been modified "
        "inplace. This view is the output of a function that returns multiple views. Such functions do not "
        "allow the output views to be modified inplace. You should replace the inplace operation by an "
        "out-of-place one."
    )


def check_in_place(t: Any, recorded: bool) -> None:
    """Raise PyTorch's error if autograd forbids changing ``t`` in place now (grad mode on; ``recorded``: the
    write will be recorded)."""
    info = t._view
    if info is None:
        if recorded and t.requires_grad and t.grad_fn is None:
            raise RuntimeError(LEAF_INPLACE)
        return
    base = info.base
    if info.made_without_grad and base.requires_grad:
        raise RuntimeError(NO_GRAD_VIEW)
    if not recorded:
        return
    if info.multi_output is not None:
        index, name = info.multi_output
        raise RuntimeError(
            f"Output {index} of {name} is a view and is being modified inplace. This view is the output of a "
            "function that returns multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one."
        )
    if base.requires_grad and base.grad_fn is None:
        raise RuntimeError("a view of " + LEAF_INPLACE)
