"""The fast floor's graph pieces: what a node, a gradient and a version counter may be on the fast path.

None of these is needed to understand backprop; each exists so that ``minigrad/fast/engine.py`` and
``minigrad/fast/recurrence.py`` can skip work. The lesson engine (``minigrad/autograd/engine.py``) still runs any
graph they make: a ``LazyParents`` makes the real parents when iterated, ``IndexedGrad`` and ``OuterGrad`` turn
into plain arrays under ``np.asarray``, a ``StepNode`` is a ``Node``.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from minigrad.autograd.function import Node, VersionCounter


class StepNode(Node):
    """A ``Node`` made by a fast recurrent loop (``fast.recurrence``) instead of ``Function.apply``.

    ``recurrence``: on the last step of a recorded RNN, LSTM or GRU layer direction, what the fast engine needs to
    run the whole recurrence's backward in one loop; else None."""

    __slots__ = ("recurrence",)

    def __init__(self, fn: type, needs_input_grad: tuple, parents: tuple = ()) -> None:
        super().__init__(fn, needs_input_grad, parents)
        self.recurrence = None


_STEP_CLASSES: dict[type, type] = {}


def step_node(fn: type, needs_input_grad: tuple, parents: tuple = ()) -> StepNode:
    """A ``StepNode`` of ``fn``, of a class named like ``fn``'s nodes (``TanhBackward0``), as ``Function.apply``
    makes them (``Function.node_class``)."""
    kind = _STEP_CLASSES.get(fn)
    if kind is None:
        kind = _STEP_CLASSES[fn] = type(fn.node_name(), (StepNode,), {"__slots__": ()})
    return kind(fn, needs_input_grad, parents)


class SharedVersion(VersionCounter):
    """The counter of an output whose array is also read by its own graph's saved values (a recurrent layer's
    top output is the buffer its loop wrote, see ``fast.recurrence``): before the first write, ``release()``
    moves those saved values to a copy, so that changing the output in place leaves backward's numbers alone,
    as when the output is a copy. The copy is made only if the output is written while the graph lives."""

    __slots__ = ("release",)

    def __init__(self, release: Any) -> None:
        self.value = 0
        self.release = release

    def before_write(self) -> None:
        release, self.release = self.release, None
        if release is not None:
            release()

    def __reduce__(self) -> tuple:
        # A copy or a pickle of the tensor has its own array, which no graph reads: a plain counter.
        return _plain_counter, (self.value,)


def _plain_counter(value: int) -> VersionCounter:
    """A ``VersionCounter`` at ``value`` (how a ``SharedVersion`` is copied and pickled)."""
    counter = VersionCounter()
    counter.value = value
    return counter



class LazyParents:
    """``parents`` of a node whose parents are nodes not made yet: a recurrence recorded without its step nodes
    (``fast.recurrence``) gives it to its joined output's ``StackBackward0``, its last step's node (and the LSTM's
    last cell state's node). Any use makes them (``rec.materialize()``), which replaces this object with the real
    tuple, and answers from that; the fast engine asks ``rec.lazy_parents(node)`` instead. ``head`` is the last step's
    output node (None on that node itself): the others keep it alive, as their real parents would."""

    __slots__ = ("rec", "node", "head")

    def __init__(self, rec: Any, node: Node, head: Node | None) -> None:
        self.rec, self.node, self.head = rec, weakref.ref(node), head

    def _real(self) -> tuple:
        self.rec.materialize()
        node = self.node()
        return () if node is None else node.parents

    def __iter__(self) -> Any:
        return iter(self._real())

    def __len__(self) -> int:
        return len(self._real())

    def __getitem__(self, i: Any) -> Any:
        return self._real()[i]

    def __eq__(self, other: object) -> bool:
        return self._real() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._real())


class IndexedGrad:
    """A gradient that is zero except at ``index``: what indexing ops return from ``backward``.

    ``values`` belong at ``index`` of a zero array of ``shape`` and ``dtype``; the fast engine adds them straight into
    the input's gradient instead of building a mostly-zero array per use. ``repeats=True`` (advanced indexing)
    adds values whose indices repeat, like ``numpy.add.at``.
    """

    __slots__ = ("shape", "dtype", "index", "values", "repeats")

    def __init__(self, shape: tuple, dtype: Any, index: Any, values: np.ndarray, repeats: bool = False) -> None:
        self.shape = shape
        self.dtype = dtype
        self.index = index
        self.values = values
        self.repeats = repeats

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """The dense gradient (zeros but at ``index``), for code that wants a plain array."""
        out = np.zeros(self.shape, dtype=self.dtype)
        self.add_into(out)
        return out if dtype is None else out.astype(dtype)

    def add_into(self, out: np.ndarray) -> None:
        """``out[index] += values`` (accumulating repeated indices when ``repeats``)."""
        if self.repeats:
            np.add.at(out, self.index, self.values)
            return
        view = out[self.index]  # basic indexing: a view, added into in place (``out[i] += v`` writes twice)
        if type(view) is np.ndarray:
            np.add(view, self.values, out=view)
        else:  # a single element
            out[self.index] += self.values


class OuterGrad:
    """A gradient ``a^T @ g`` not multiplied out yet: what ``Addmm`` returns for its matrix operand.

    ``a`` is ``(n, k)`` and ``g`` ``(n, m)``; the gradient is ``(k, m)`` of ``dtype``. A recurrent layer uses the
    same matrix at every time step, and one small product per step is slow when ``n`` (the batch) is small: the
    engine collects the pairs a gradient receives and multiplies them in batches of steps (rows stacked), the
    way a hand-written BPTT does one product over all steps.
    """

    __slots__ = ("a", "g", "shape", "dtype")

    def __init__(self, a: np.ndarray, g: np.ndarray) -> None:
        self.a = a
        self.g = g
        self.shape = (a.shape[1], g.shape[1])
        self.dtype = g.dtype

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """The product ``a^T @ g``, for code that wants a plain array."""
        out = self.a.T @ self.g
        return out if dtype is None else out.astype(dtype)

