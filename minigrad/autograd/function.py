"""``Function`` and its node: how one differentiable operation is defined and recorded.

A ``Function`` subclass pairs ``forward(ctx, *arrays, **attrs)`` with ``backward(ctx, grad)``, both on numpy
arrays. ``Function.apply`` runs the forward and, when grad mode is on and an input requires grad, records a
``Node``: the op's ``ctx``, which holds what backward needs (saved arrays, parents, the scope) and nothing else.
The same class is the extension point for users::

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    y = Cube.apply(t)          # y.grad_fn is <CubeBackward>
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.autograd import views
from minigrad.autograd.grad_mode import GradMode
from minigrad.autograd.scope import _Scope

# Set by minigrad.tensor at import time: the engine is below the Tensor class, so it is told the class rather
# than importing it (no import cycle).
Tensor: Any = None


class VersionCounter:
    """How many times a tensor's array has been changed in place; views share their base's counter.

    Whatever writes into a tensor's array calls ``before_write()`` first and adds 1 to ``value`` after.
    """

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def before_write(self) -> None:
        """Called just before the tensor's array (or a view's) is written. A plain counter has nothing to do; the
        fast floor's copy-on-write counter (``minigrad.fast.graph.SharedVersion``) moves saved values away first."""


class Node:
    """A recorded operation, also the ``ctx`` that its ``forward`` and ``backward`` receive.

    Attributes:
        fn: the ``Function`` subclass.
        parents: one entry per positional input of ``apply``: the input's ``Node``, the leaf ``Tensor`` that
            collects the gradient, or ``None`` when that input needs no gradient.
        needs_input_grad: tuple of bools, one per positional input.
        saved: arrays saved by ``save_for_backward`` (``None`` once freed by backward).
        scope: the scope path current when the node was made.
        shape, dtype: shape and numpy dtype of the output.
        version_checks: ``(index in saved, version counter, its value when saved, Function that made it)`` for
            each saved array that is a tensor's own: backward raises if the tensor was changed in place since
            (``(dtype, shape)`` in place of the index for a tensor checked without being saved: see
            ``saved_as_in_pytorch``).
        freed: True once backward has run the node without ``retain_graph`` (its saved arrays are gone).
        retained: a weak reference to the output tensor when it asked ``retain_grad()``, else None.
        hooks: the hooks registered on the output tensor (``Tensor.register_hook``), a ``{id: hook}`` dict in call
            order, or None; the engine runs them on dL/d(output) before ``backward``.
        grad_norm: after a backward pass, the 2-norm of dL/d(output) (what drawings colour by), else None. The
            engine does not set it: ``minigrad.viz`` records it through ``autograd.engine.add_node_hook``.
    Ops may also set other attributes on ``ctx`` in ``forward``: ``meta`` and ``shapes`` are slots (most ops
    keep their options there), anything else goes into a per-node dict made only when used.
    """

    __slots__ = (
        "fn", "parents", "needs_input_grad", "saved", "version_checks", "scope", "shape", "dtype",
        "freed", "retained", "grad_norm", "hooks", "meta", "shapes", "__dict__", "__weakref__",
    )

    def __init__(self, fn: type, needs_input_grad: tuple, parents: tuple = ()) -> None:
        self.fn = fn
        self.parents = parents
        self.needs_input_grad = needs_input_grad
        self.saved: tuple = ()
        self.version_checks: tuple = ()
        self.scope = _Scope.current
        self.freed = False
        self.retained = None
        self.grad_norm = None
        self.hooks = None

    # -- the ctx API ---------------------------------------------------------------------------------
    def save_for_backward(self, *arrays: Any) -> None:
        """Keep ``arrays`` (numpy arrays or Python values) for ``backward``; read them as ``saved_tensors``."""
        self.saved = arrays

    @property
    def saved_tensors(self) -> tuple:
        """The arrays given to ``save_for_backward``, in order."""
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        return self.saved

    def name(self) -> str:
        """The PyTorch-style name, e.g. ``'TanhBackward0'``."""
        return self.fn.node_name()

    @property
    def next_functions(self) -> tuple:
        """``(parent, 0)`` pairs like PyTorch's: parent nodes, leaf tensors (for AccumulateGrad) or ``None``."""
        return tuple((p, 0) for p in self.parents)

    def __repr__(self) -> str:
        return f"<{self.fn.node_name()} object at {hex(id(self))}>"


class _NoRecordCtx:
    """The ``ctx`` given to ``forward`` when nothing is recorded: saving is a no-op."""

    __slots__ = ("__dict__",)
    needs_input_grad: tuple = ()

    def save_for_backward(self, *arrays: Any) -> None:
        pass


_NO_RECORD = _NoRecordCtx()

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)


class Function:
    """Base class of every differentiable operation (built-in or user-defined).

    Subclasses define two static methods on numpy arrays:

    - ``forward(ctx, *inputs, **attrs) -> ndarray``: positional ``inputs`` are the arrays of the tensors passed to
      ``apply`` (other positional values pass through unchanged); keyword ``attrs`` are non-differentiable options.
    - ``backward(ctx, grad) -> ndarray | tuple``: given ``dL/d(output)`` (same shape as the output), return one
      gradient per positional input (``None`` where not needed), each with its input's shape.

    ``apply`` returns a ``Tensor``. The engine checks every gradient's shape and dtype kind and names the
    Function and input when one is wrong.
    """

    #: Index appended to the node name, as PyTorch does (``SumBackward0`` vs ``SumBackward1``).
    variant: int = 0
    #: True for ops whose output may be a view of input 0 (they share its version counter).
    is_view: bool = False
    #: True for elementwise binary ops, whose numpy broadcast error is re-raised in PyTorch's words.
    broadcasts: bool = False

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Function subclasses must implement forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        raise NotImplementedError("Function subclasses must implement backward(ctx, grad)")

    @classmethod
    def node_name(cls) -> str:
        """PyTorch-style node name: the class name + ``Backward`` + the variant index for minigrad's own ops
        (``TanhBackward0``), without an index for user-defined Functions (``CubeBackward``), as in PyTorch."""
        if cls.__module__.startswith("minigrad."):
            return f"{cls.__name__}Backward{cls.variant}"
        return f"{cls.__name__}Backward"

    @classmethod
    def node_class(cls) -> type:
        """The class of this op's nodes: a ``Node`` subclass named like them, so that ``type(y.grad_fn).__name__``
        is ``'TanhBackward0'`` as in PyTorch. Made once per Function."""
        made = cls.__dict__.get("_node_class")
        if made is None:
            made = type(cls.node_name(), (Node,), {"__slots__": ()})
            cls._node_class = made
        return made

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._node_class = None  # each Function its own node class, made on first use (node_class)

    @classmethod
    def apply(cls, *inputs: Any, **attrs: Any) -> Any:
        """Run ``forward`` on the inputs' arrays and record a node if any input requires grad.

        Shapes: as the subclass documents. Returns a new ``Tensor``.
        """
        T = Tensor
        arrays = []
        needs = []
        stale = None
        for x in inputs:
            if isinstance(x, T):
                view = x._view
                if view is not None and view.version != x._vc.value and views.sync(x, strict=False):
                    stale = x  # its base was written since its grad_fn was made, and it cannot follow
                arrays.append(x._data)
                needs.append(x.requires_grad)
            else:
                arrays.append(x)
                needs.append(False)
        record = GradMode.enabled and True in needs
        ctx = (cls._node_class or cls.node_class())(cls, tuple(needs)) if record else _NO_RECORD
        try:
            out = cls.forward(ctx, *arrays, **attrs)
        except ValueError as err:
            if cls.broadcasts:
                raise_broadcast_error(arrays[0], arrays[1], err)
            raise
        if type(out) is not np.ndarray:
            scalar, out = out, np.array(out)  # a numpy scalar: a writable 0-d array
            if record and ctx.saved:  # the op saved its output: keep the array the result holds (see _version_checks)
                ctx.saved = tuple(out if a is scalar else a for a in ctx.saved)
        result = T._make(out, record := record and out.dtype.kind in "fc")  # int/bool results need no grad
        if record and stale is not None:
            views.raise_stale(stale)
        if cls.is_view and out.base is not None and isinstance(inputs[0], T) and (
                out.size == 0 or np.may_share_memory(out, arrays[0])):  # an empty view shares no bytes, still a view
            result._vc = inputs[0]._vc
            result._view = views.view_info(inputs[0], cls, attrs)
        if record:
            ctx.parents = tuple([(x.grad_fn or x) if need else None for x, need in zip(inputs, needs)])
            ctx.shape = out.shape
            ctx.dtype = out.dtype
            if ctx.saved:
                ctx.version_checks = _version_checks(ctx.saved, inputs, result, cls)
            result.grad_fn = ctx
        return result


def _version_checks(saved: tuple, inputs: tuple, result: Any, fn: type) -> tuple:
    """For each saved array that is a tensor's own array: (index in saved, its version counter, the version,
    the Function that made that tensor or None for a leaf), for the error message.

    Only counters are kept, never tensors, so a node does not keep its output alive (no reference cycle).
    """
    T = Tensor
    out = result._data
    checks = []
    for i, a in enumerate(saved):
        if a is None:
            continue
        for x in inputs:
            if isinstance(x, T) and x._data is a:
                vc = x._vc
                checks.append((i, vc, vc.value, x.grad_fn.fn if x.grad_fn is not None else None))
                break
        else:
            if a is out:
                vc = result._vc
                checks.append((i, vc, vc.value, fn))
    return tuple(checks)


def saved_as_in_pytorch(out: Any, *tensors: Any) -> Any:
    """For an op built from smaller ones (``norm`` is ``sqrt(sum(x * x))``): make ``out``'s node check at backward
    that ``tensors`` (the op's input, or ``out`` itself) are as they are now. They are what PyTorch's one node for
    the op saves, so changing one of them in place fails backward here as it fails there. Returns ``out``."""
    node = out.grad_fn
    if node is not None:
        node.version_checks += tuple(
            ((t._data.dtype, t._data.shape), t._vc, t._vc.value, node.fn if t is out else
             t.grad_fn.fn if t.grad_fn is not None else None) for t in tensors)
    return out


def raise_broadcast_error(a: Any, b: Any, err: Exception) -> None:
    """Re-raise numpy's broadcast failure with PyTorch's message, naming both sizes and the dimension."""
    sa, sb = np.shape(a), np.shape(b)
    n = max(len(sa), len(sb))
    pa = (1,) * (n - len(sa)) + tuple(sa)
    pb = (1,) * (n - len(sb)) + tuple(sb)
    for dim in range(n - 1, -1, -1):
        if pa[dim] != pb[dim] and pa[dim] != 1 and pb[dim] != 1:
            raise RuntimeError(
                f"The size of tensor a ({pa[dim]}) must match the size of tensor b ({pb[dim]}) "
                f"at non-singleton dimension {dim}"
            ) from None
    raise err
