"""A recurrent layer's loop over time, run in numpy, with its per-step nodes made when looked at.

The fast twin of the lesson's loop in ``minigrad/nn/rnn.py`` (``_run_steps`` with ``rnn_step``, ``lstm_step``,
``gru_step``): the same values, gradients, nodes, names and scopes (``tests/fast/test_recurrence_equal.py``).

``rnn_steps`` (``nn.RNN``), ``gru_steps`` (``nn.GRU``) and ``lstm_steps`` (``nn.LSTM`` without ``proj_size``)
compute one layer and direction into preallocated buffers, the way a hand-written RNN does. When recording, they
make only the last step's output node (and the LSTM's last cell state's), which carries a ``Recurrence``, and,
through ``LazySteps.join``, the joined output's ``StackBackward0``. The step nodes are made when something reads
those nodes' ``parents`` (``materialize``: a drawing, ``next_functions``), exactly as the primitives would record
them through ``Function.apply`` (``ops.Addmm``, ``ops.Tanh``, ``ops.GateSigmoid``, ...): the same names, parents,
scopes, saved arrays and version checks, and after a backward freed and with their gradient norms.

The engine runs a layer whose step nodes were never made as one unit (``lazy_parents``, ``take``,
``run_lazily``): one loop, no per-node dispatch, ``weight_hh``'s gradient as one product over all steps. Once
made, the last step's node hands the whole chain to ``Recurrence.backward`` the same way when every gradient from
outside the loop has arrived; otherwise (a ``retain_grad``, an unusual graph) the engine visits the nodes one by
one, with the same result. Why: at small sizes the per-node Python cost dominated a training step
(``benchmarks/rnn_train.py``, size small).

The layer's output is the buffer the loop wrote (no copy); ``share_output`` makes it copy-on-write for the values
the steps saved from it, so changing it in place leaves backward's numbers as PyTorch's (whose output is a copy).
"""

from __future__ import annotations

import math
import weakref
from ctypes import addressof, c_char
from functools import partial
from typing import Any

import numpy as np

from minigrad.autograd.function import VersionCounter
from minigrad.autograd.grad_mode import is_grad_enabled
from minigrad.fast.graph import LazyParents, SharedVersion, StepNode, step_node
from minigrad.fast.ops import Stack
from minigrad.ops import Add, Addmm, GateAdd, GateSigmoid, GateTanh, Mm, Mul, Relu, Sigmoid, Slice, Sub, Tanh
from minigrad.tensor import Tensor


def _address(a: np.ndarray) -> int:
    """Where writable, C-contiguous ``a``'s first element is in memory. ``a.ctypes.data`` says the same but
    builds a Python-level object per call: 2.6 us against 0.3 us, paid once per step of every layer."""
    return addressof(c_char.from_buffer(a))


def _give_norms(nodes: list, squares: np.ndarray, columns: list | None = None) -> None:
    """Set each node's ``grad_norm`` from ``squares`` (steps, k), a row of squared norms per step: node ``j`` of a
    step gets column ``columns[j]`` (by default column ``j``), nodes in ``walk`` order. ``squares`` is overwritten."""
    norms = np.sqrt(squares, out=squares)
    if columns is not None:
        norms = norms[:, columns]
    for node, value in zip(nodes, norms.ravel().tolist()):
        node.grad_norm = value


def _sigmoid_(a: np.ndarray) -> None:
    """``ops.elementwise.sigmoid`` computed in place: the same operations, so the same values. e^-a may overflow
    to inf (the result is then 0, the right limit): callers run it under ``np.errstate(over="ignore")``."""
    # Not np.negative(a, out=a): numpy 2.x gets it wrong in place on a one-column float32 slice (hidden_size 1,
    # every row after the first); a product with -1 flips the same sign bits.
    np.multiply(a, -1, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)


def _sigmoid_grad(z: np.ndarray, g: np.ndarray, out: np.ndarray) -> None:
    """``Sigmoid.backward`` into ``out`` (which may be ``z`` itself): ``(1 - z) * z * g``."""
    d = np.subtract(1, z)
    d *= z
    np.multiply(d, g, out=out)


def _add_outside(dh: np.ndarray, e: np.ndarray | None, first: bool) -> np.ndarray:
    """A step's dL/dh in ``dh``, which holds the carry from the step after (unless ``first``), once the
    gradient ``e`` from outside (or None) is added: carry + e, which equals e + carry, the engine's sum, exactly."""
    if first:
        np.copyto(dh, e)
    elif e is not None:
        dh += e
    return dh


def _tanh_grad(z: np.ndarray, g: np.ndarray, out: np.ndarray) -> None:
    """``Tanh.backward`` into ``out`` (which may be ``z`` itself): ``(1 - z^2) * g``."""
    d = np.square(z)
    np.subtract(1, d, out=d)
    np.multiply(d, g, out=out)


class Recurrence:
    """What the engine needs to run one recorded layer direction's backward in one loop.

    Only the head node (the last step's output) carries it. It refers to no node: ``walk`` finds them from the
    head through their parents, so no reference cycle keeps a graph alive. The LSTM's and GRU's state buffers
    ``(L + 1, N, H)`` hold the states in the order the loop ran (the initial state first for the forward
    direction, last for the reverse one), so the states that the steps read are one contiguous block.
    """

    per_step = 0  # nodes recorded per step
    lazy: Any = None  # a _Lazy while the step nodes are not made yet (RNN only), see RNNRecurrence.materialize
    rows: Any = None  # (gradient, owned) of a lazy recurrence's joined output, during backward
    _BUFFERS: tuple = ()  # the arrays the loop wrote and backward reads, dropped by _release
    #: Which column of a step's row of squared norms each of its nodes gets, in ``walk`` order (None: in order).
    _NORM_COLUMNS: Any = None

    def __init__(self, steps: int, reverse: bool, w: np.ndarray, need: tuple) -> None:
        self.steps = steps
        self.reverse = reverse
        self.w = w  # weight_hh^T, as Addmm saved it
        self.need = need  # (initial h needs a gradient, weight_hh needs one, [initial c needs one])

    def walk(self, head: StepNode) -> tuple[list, list, list]:
        """The recorded nodes in backward order, how many users each has inside the recurrence, and whether
        it may have users outside it (a step's output)."""
        raise NotImplementedError

    def backward(self, ext: list, own: list, nodes: list, norms: bool, keep: bool) -> list:
        """Given ``ext[j]``, the gradient ``nodes[j]`` got from outside (or None; ``own[j]``: nothing else holds
        it, so it may be written over), set every node's ``grad_norm`` (when ``norms``) and return ``(parent,
        gradient, edges, norm)`` for the parents outside, the input projection's last. ``norm`` is the
        gradient's 2-norm when the loop already knows it (from its steps' norms), else None. Unless ``keep``
        (``retain_graph``), the saved arrays may be overwritten: the nodes are freed afterwards."""
        raise NotImplementedError

    def _start_lazy(self, pre: Any, h0: Any, w_t: Any, scope: tuple) -> _Lazy:
        """The ``_Lazy`` of a recurrence recorded without its step nodes, with what every kind keeps: the parents
        outside, the first product's saved ``h_0`` and the version checks the step nodes would make."""
        lazy = self.lazy = _Lazy()
        lazy.scope, lazy.pre_shape, lazy.dtype = scope, pre._data.shape, pre._data.dtype
        lazy.p_pre, lazy.p_w, lazy.w_check = _inputs(pre, w_t)
        lazy.need_pre, lazy.need_w = pre.requires_grad, w_t.requires_grad
        lazy.h0 = h0._data
        lazy.p_h0 = (h0.grad_fn or h0) if h0.requires_grad else None
        checks = [lazy.w_check] if self.steps > 1 or h0.requires_grad else []  # the products that save weight_hh
        lazy.h0_check = None
        if w_t.requires_grad:  # the first product saves h_0
            vc = h0._vc
            lazy.h0_check = (0, vc, vc.value, h0.grad_fn.fn if h0.grad_fn is not None else None)
            checks.append(lazy.h0_check)
        lazy.checks = tuple([(c[1], c[2]) for c in checks])
        lazy.joins, lazy.dim, lazy.freed, lazy.norms = [], 0, False, None
        lazy.shapes = [getattr(self, name).shape for name in self._BUFFERS]  # for _buffers once released
        return lazy

    def _lazy_head(self, head: StepNode, final: Any, last: int) -> StepNode:
        """Make ``head`` (a new node of the last step's output Function) ``final``'s node."""
        lazy = self.lazy
        head.parents = LazyParents(self, head, None)
        head.scope = lazy.scope + (_step_name(last),)
        head.shape, head.dtype = final._data.shape, lazy.dtype
        head.recurrence = self
        lazy.head = weakref.ref(head)
        final.grad_fn = head
        return head

    def lazy_parents(self, node: StepNode) -> tuple:
        """For the engine: what ``node`` (the joined output's or the last step's node) leads to when the
        recurrence runs as one unit: the last step's node, resp. the loop's parents outside. If a saved value
        was changed in place, the step nodes are made instead (the node-by-node walk then reports it)."""
        lazy = self.lazy
        if lazy is not None and all([counter.value == value for counter, value in lazy.checks]):
            parents = node.parents
            return (parents.head,) if parents.head is not None else lazy.outer
        self.materialize()
        return node.parents

    def _outside(self, final: np.ndarray | None) -> list:
        """What ``backward``'s ``ext`` would be for a lazily recorded LSTM or GRU: each step's output row of the
        joined output's gradient (``take``), plus ``final``, the last step's gradient from ``h_n``."""
        rows = (self.rows or (None, False))[0]
        self.rows = None
        ext = [None] * (self.per_step * self.steps)
        if rows is not None:
            if self.lazy.dim == 1:  # batch-first: the joined output was a copy (N, L, H)
                rows = rows.transpose(1, 0, 2)
            for k in range(self.steps):
                ext[self.per_step * k] = rows[self._time(k)]
        if final is not None:  # the engine's sum of the last step's two gradients (they commute exactly)
            ext[0] = final if ext[0] is None else ext[0] + final
        return ext

    def _release(self, lazy: _Lazy) -> None:
        """Drop the buffers, as the step nodes free their saved arrays after a backward (no ``retain_graph``)."""
        for name in self._BUFFERS:
            setattr(self, name, None)
        self.w = lazy.h0 = None
        lazy.freed = True

    def _buffers(self, lazy: _Lazy) -> list:
        """The buffers named by ``_BUFFERS``; once released, read-only stand-ins of their shapes."""
        if not lazy.freed:
            return [getattr(self, name) for name in self._BUFFERS]
        return [_placeholder(shape, lazy.dtype) for shape in lazy.shapes]

    def _begin_made(self) -> tuple | None:
        """The start of ``materialize``, which makes the step nodes the loop did not record, as the primitives
        would have recorded them (the same fields, saved arrays and version checks; freed, and with their
        gradient norms, after a backward), reuses the nodes that exist and gives the steps' output nodes to the
        joined output's node as its parents (``_made``). Returns None if they are made already, else ``(lazy,
        buffers, the last step's node or None, h_0 as the first step read it, the loop's order)``; h_0 is a state
        as ``_save_product`` takes it, with its version check as forward made it, not as h_0 is now."""
        lazy = self.lazy
        if lazy is None:
            return None
        self.lazy = None
        buffers = self._buffers(lazy)
        h0 = buffers[0][0] if lazy.freed else lazy.h0  # any row of a released buffer stands for it
        order = range(self.steps - 1, -1, -1) if self.reverse else range(self.steps)
        return lazy, buffers, lazy.head(), (h0, lazy.h0_check), order

    def _made(self, lazy: _Lazy, head: StepNode, outs: list) -> list:
        """The end of ``materialize``: ``head`` (the last step's output node) carries the
        recurrence while the graph lives; the nodes are freed and get their norms as backward left them; the
        joined output gets ``outs`` (the steps' output nodes in input-step order) as parents. Returns the nodes
        in ``walk`` order."""
        live = not lazy.freed
        head.recurrence = self if live else None
        nodes = self.walk(head)[0]
        if not live:
            for node in nodes:
                node.saved = ()
                node.freed = True
        if lazy.norms is not None:
            _give_norms(nodes, lazy.norms, self._NORM_COLUMNS)
        for ref in lazy.joins:
            join = ref()
            if join is not None:
                join.parents = tuple(outs)
        return nodes

    def take(self, node: StepNode, g: np.ndarray, owned: bool) -> None:
        """Keep ``g``, the gradient of ``node`` (the joined output's; the LSTM's final cell state's too), for
        ``run_lazily`` (``owned``: nothing else holds it)."""
        self.rows = (g, owned)

    def _time(self, k: int) -> int:
        """The time step that backward visits ``k``-th."""
        return k if self.reverse else self.steps - 1 - k

    def _read(self, buf: np.ndarray) -> np.ndarray:
        """The states the steps read from ``buf`` (L + 1, N, H), in input-step order."""
        return buf[1:] if self.reverse else buf[:-1]

    def _weight_grad(self, h_buf: np.ndarray, d_pre: np.ndarray) -> np.ndarray | None:
        """``sum_t h_{t-1}^T @ d_pre[t]`` as one product over all steps."""
        if not self.need[1]:
            return None
        read = self._read(h_buf)
        # Made transposed: w is weight_hh.t(), so weight_hh's gradient comes out C-contiguous (see _flush_outer).
        return (d_pre.reshape(-1, d_pre.shape[-1]).T @ read.reshape(-1, read.shape[-1])).T


class RNNRecurrence(Recurrence):
    """``h_t = act(pre[t] + h_{t-1} @ w)``: per step an ``AddmmBackward0`` and a ``TanhBackward0``
    (``ReluBackward0``) node. The outputs ``h (L, N, H)`` were written over ``pre``, in input-step order.
    ``h0_zero``: the forward found ``h0`` all zeros (the first Addmm's version check keeps it so)."""

    per_step = 2
    _BUFFERS = ("h", "h0")
    _NORM_COLUMNS = None  # a step's nodes in walk order (activation, Addmm) get its columns in that order

    def __init__(self, steps: int, reverse: bool, w: np.ndarray, need: tuple, h: np.ndarray, h0: np.ndarray,
                 relu: bool, h0_zero: bool = False) -> None:
        super().__init__(steps, reverse, w, need)
        self.h, self.h0, self.relu, self.h0_zero = h, h0, relu, h0_zero

    def walk(self, head: StepNode) -> tuple[list, list, list]:
        nodes = []
        node = head
        for _ in range(self.steps):
            mm = node.parents[0]
            nodes += (node, mm)
            node = mm.parents[1]
        inside = [1] * len(nodes)
        inside[0] = 0
        return nodes, inside, [True, False] * self.steps

    def backward(self, ext: list, own: list, nodes: list, norms: bool, keep: bool) -> list:
        table, (carry, d_w, d_pre, d_norm) = self._loop(ext[::2], self._owned_rows(ext, own), norms)
        if norms:
            _give_norms(nodes, table)
        last = nodes[-1]
        return [
            (last.parents[1], carry, 1, None),
            (last.parents[2], d_w, self.steps, None),
            (last.parents[0], d_pre, self.steps, d_norm),
        ]

    def _loop(self, ext: list, d_pre: np.ndarray | None, norms: bool) -> tuple:
        """BPTT over the steps, ``ext[k]`` being the gradient from outside of the output visited ``k``-th (or
        None), into ``d_pre`` (a free ``(L, N, H)`` array, or None for a new one). Returns the squared norms
        ``(steps, 2)`` in walk order (activation, Addmm) when ``norms`` (else None), and the gradients of
        ``h_0``, ``weight_hh^T``, ``pre`` with the norm of the last."""
        steps, outputs, relu = self.steps, self.h, self.relu
        w_back = self.w.T
        if d_pre is None:
            d_pre = np.empty_like(outputs)
        carry = None  # dL/dh_t through step t + 1's Addmm: g @ w^T, as Addmm.backward gives it
        last = steps if self.need[0] else steps - 1  # steps whose d_pre goes on to the step before
        order = range(steps) if self.reverse else range(steps - 1, -1, -1)  # the time step visited k-th
        dh_squares = np.empty(steps) if norms else None
        for k, t in enumerate(order):
            e = ext[k]
            d, y = d_pre[t], outputs[t]
            if carry is None:
                dh = e
            elif e is None:
                dh = carry
            else:  # e + carry, as the engine adds them; into d_pre[t], which may be e's own array
                dh = np.add(e, carry, out=d)
            if norms:  # before d_pre[t], which may be dh's array, is written
                dh_squares[k] = np.vdot(dh, dh)
            if relu:  # as Relu.backward: g * (z > 0)
                np.multiply(dh, y > 0, out=d)
            else:
                _tanh_grad(y, dh, d)
            if k < last:
                carry = d @ w_back
        d_norm = table = None
        if norms:  # each d_pre[t] is final now: the step products' (Addmm nodes') norms in one pass
            rows = d_pre.reshape(steps, 1, -1)
            squares = np.matmul(rows, rows.transpose(0, 2, 1)).reshape(steps)  # row dots, in time order
            d_norm = math.sqrt(float(squares.sum(dtype=np.float64)))  # the projection's gradient is d_pre itself
            table = np.empty((steps, 2))  # in node order: step k's activation, then its Addmm
            table[:, 0] = dh_squares
            table[:, 1] = squares if self.reverse else squares[::-1]
        d_w = None
        if self.need[1]:  # sum_t h_{t-1}^T @ d_pre[t]: h_{t-1} is outputs[t -+ 1], or h_0 at the first step
            hidden = outputs.shape[-1]
            read, grads, first = (outputs[1:], d_pre[:-1], -1) if self.reverse else (outputs[:-1], d_pre[1:], 0)
            d_w = (grads.reshape(-1, hidden).T @ read.reshape(-1, hidden)).T  # transposed: as _weight_grad
            if not self.h0_zero:  # a zero h_0 adds nothing
                d_w += self.h0.T @ d_pre[first]
        return table, (carry if self.need[0] else None, d_w, d_pre, d_norm)

    # ---- recorded without its step nodes ----------------------------------------------------------------------
    # The forward makes only the last step's node (the final state's grad_fn) and the joined output's
    # StackBackward0; the 2 L step nodes are made on first use of either one's ``parents`` (a drawing,
    # ``next_functions``), exactly as the loop would have recorded them. Backward runs the loop without them.

    def record_lazily(self, pre: Any, h0: Any, w_t: Any, final: Any, last: int, scope: tuple) -> StepNode:
        """Remember what the step nodes would hold, and make ``final``'s node (step ``last``'s activation)."""
        lazy = self._start_lazy(pre, h0, w_t, scope)
        lazy.act_fn = Relu if self.relu else Tanh
        lazy.outer = (lazy.p_h0, lazy.p_w, lazy.p_pre)  # the loop's parents outside, in run_lazily's order
        lazy.final_vc = final._vc
        lazy.mm_shape = final._data.shape
        return self._lazy_head(step_node(lazy.act_fn, (True,)), final, last)

    def run_lazily(self, head: StepNode, final: np.ndarray | None, owned: bool, norms: bool, keep: bool) -> list:
        """The backward of the whole recurrence recorded lazily: ``final`` (or None) is what the last step's output
        got from outside, the joined output's gradient came through ``take``. Returns ``(parent, gradient,
        1, norm)`` for the loop's parents outside, as ``backward`` does (one edge each, as the engine counted)."""
        lazy = self.lazy
        rows, rows_owned = self.rows or (None, False)
        self.rows = None
        order = range(self.steps) if self.reverse else range(self.steps - 1, -1, -1)
        ext = [None] * self.steps
        d_pre = None
        if rows is not None:
            if lazy.dim == 1:  # batch-first: the joined output was a copy (N, L, H)
                rows, rows_owned = rows.transpose(1, 0, 2), False
            if rows_owned and rows.flags.c_contiguous and rows.flags.writeable:
                d_pre = rows  # as _owned_rows: each step's d_pre replaces its row once read
            ext = [rows[t] for t in order]
        if final is not None:  # the last step's output is also h_n's: the engine's sum of its two gradients
            e = ext[0]
            if e is None:
                ext[0] = final
            elif d_pre is not None:
                np.add(e, final, out=e)
            else:
                ext[0] = e + final
        table, (carry, d_w, d_pre, d_norm) = self._loop(ext, d_pre, norms)
        if norms:
            lazy.norms = table
            head.grad_norm = math.sqrt(table[0, 0])
        if not keep:
            self._release(lazy)
        return [(lazy.p_h0, carry, 1, None), (lazy.p_w, d_w, 1, None), (lazy.p_pre, d_pre, 1, d_norm)]

    def materialize(self) -> None:
        """Make the step nodes the loop did not record (an ``AddmmBackward0`` and the activation per step); see
        ``Recurrence._begin_made``."""
        begun = self._begin_made()
        if begun is None:
            return
        lazy, (buf, _), head, h, order = begun
        outs: list = [None] * self.steps
        p_h, act = lazy.p_h0, None
        for n, i in enumerate(order):
            last = n == self.steps - 1
            step = lazy.scope + (_step_name(i),)
            mm = _step_product(lazy, i, step, h, p_h, self.w)
            vc = lazy.final_vc if last else VersionCounter()  # the step output's counter
            act = _node(lazy.act_fn, (mm,), step, buf[i], (buf[i],))
            act.version_checks = ((0, vc, 0, lazy.act_fn),)
            if last:
                act = _become(head, act)
            outs[i] = act
            h, p_h = (buf[i], (0, vc, 0, lazy.act_fn)), act
        self._made(lazy, act, outs)

    def _owned_rows(self, ext: list, own: list) -> np.ndarray | None:
        """The array ``(L, N, H)`` whose row ``t`` is step ``t``'s outside gradient, when those rows are one
        array that nothing else holds (the usual case: the slices ``StackBackward0`` cut from the gradient of
        the layer's output): then each step's ``d_pre`` can replace its row once read, as a hand-written
        backward reuses its buffer. Else None."""
        rows = ext[::2]
        if not all(own[::2]) or any(type(r) is not np.ndarray for r in rows):
            return None
        base = rows[0].base
        shape = self.h.shape
        if base is None or base.size != self.h.size or not base.flags.c_contiguous or base.dtype != self.h.dtype:
            return None
        if not base.flags.writeable:
            return None
        row_bytes = rows[0].nbytes
        at = _address(base) + (0 if self.reverse else (self.steps - 1) * row_bytes)  # where row 0 must start
        step = row_bytes if self.reverse else -row_bytes
        row_shape = shape[1:]
        for r in rows:
            if r.base is not base or r.shape != row_shape or not r.flags.c_contiguous or _address(r) != at:
                return None
            at += step
        return base.reshape(shape)


class LSTMRecurrence(Recurrence):
    """An LSTM layer direction: per step the ten nodes of ``nn.rnn.lstm_step`` (Addmm, four gates, ``f * c``,
    ``i * g``, their sum ``c``, ``tanh(c)`` and ``h = o * tanh(c)``)."""

    per_step = 10
    _BUFFERS = ("h", "c", "gates", "tanh_c")  # what the loop wrote and backward reads (see _buffers)
    #: Users inside the recurrence of each node of a step, in ``walk`` order (h, o, tanh c, c, f*c, i*g, i, g, f,
    #: Addmm): h feeds the next step's Addmm, c the next step's f*c and this step's tanh, the Addmm four gates.
    _INSIDE = (1, 1, 1, 2, 1, 1, 1, 1, 1, 4)

    def __init__(self, steps: int, reverse: bool, w: np.ndarray, need: tuple, h: np.ndarray, c: np.ndarray,
                 gates: np.ndarray, tanh_c: np.ndarray) -> None:
        super().__init__(steps, reverse, w, need)
        self.h, self.c, self.gates, self.tanh_c = h, c, gates, tanh_c

    def walk(self, head: StepNode) -> tuple[list, list, list]:
        nodes = []
        h = head
        for _ in range(self.steps):
            o, tc = h.parents
            c = tc.parents[0]
            fc, ig = c.parents
            i, g = ig.parents
            f = fc.parents[0]
            mm = i.parents[0]
            nodes += (h, o, tc, c, fc, ig, i, g, f, mm)
            h = mm.parents[1]
        inside = list(self._INSIDE) * self.steps
        inside[0] = 0  # the head: ready
        inside[3] = 1  # the last c feeds no next step
        outside = [True, False, False, True, False, False, False, False, False, False] * self.steps
        return nodes, inside, outside

    #: Which of a step's squared norms (columns: dh, g_o, g_tc, dc, g_i, g_g, g_f, the gates' row) each of its
    #: nodes gets, in ``walk`` order (h, o, tanh c, c, f*c, i*g, i, g, f, Addmm): c, f*c and i*g all pass on dc.
    _NORM_COLUMNS = [0, 1, 2, 3, 3, 3, 4, 5, 6, 7]

    def backward(self, ext: list, own: list, nodes: list, norms: bool, keep: bool) -> list:
        table, grads = self._loop(ext, norms, keep)
        if norms:
            _give_norms(nodes, table, self._NORM_COLUMNS)
        last = nodes[-1]
        c0_parent = nodes[-6].parents[1]  # the first step's f * c reads c_0
        parents = (last.parents[1], last.parents[2], c0_parent, last.parents[0])
        return self._results(parents, grads, (1, self.steps, 1, self.steps))

    def _results(self, parents: tuple, grads: tuple, edges: tuple) -> list:
        """``(parent, gradient, edges, norm)`` for h_0, weight_hh^T, c_0 and the input projections."""
        carry_h, d_gates, carry_c, proj_norm = grads
        return [
            (parents[0], carry_h, edges[0], None),
            (parents[1], self._weight_grad(self.h, d_gates), edges[1], None),
            (parents[2], carry_c, edges[2], None),
            (parents[3], d_gates, edges[3], proj_norm),
        ]

    def _loop(self, ext: list, norms: bool, keep: bool) -> tuple:
        """BPTT over the steps, ``ext`` as for ``backward``. Returns the squared norms ``(steps, 8)`` (columns as
        ``_NORM_COLUMNS`` says; None without ``norms``) and the gradients of h_0, the gates, c_0 and the gates'
        norm."""
        steps, w = self.steps, self.w
        w_back = w.T
        hidden = self.c.shape[-1]
        c_read = self._read(self.c)
        # Each step's gate gradients replace its gates once read, unless the graph is kept for another backward.
        d_gates = np.empty_like(self.gates) if keep else self.gates
        # One step's (N, H) gradients, reused by every step: dh, g_o, g_tc, dc, g_i, g_g, g_f, then g_c. The first
        # seven side by side give their squared norms in one product. dh holds the carry from the step after.
        scratch = np.empty((8,) + self.tanh_c.shape[1:], dtype=self.tanh_c.dtype)
        s_dh, s_go, s_gtc, s_dc, s_gi, s_gg, s_gf, s_gc = scratch
        rows = scratch[:7].reshape(7, 1, -1)
        cols = rows.transpose(0, 2, 1)
        carries = np.empty((2,) + s_dc.shape, dtype=s_dc.dtype)  # dc * f, alternately: the next step reads it
        table = np.empty((steps, 8)) if norms else None  # squared norms, one row per step (_NORM_COLUMNS)
        carry_h = carry_c = None  # through step t + 1's Addmm (in s_dh until the last step) and f * c
        for k in range(steps):
            t = self._time(k)
            base = self.per_step * k
            a, tc, dg = self.gates[t], self.tanh_c[t], d_gates[t]
            i, f, g, o = (a[:, j * hidden:(j + 1) * hidden] for j in range(4))
            di, df, dgg, do = (dg[:, j * hidden:(j + 1) * hidden] for j in range(4))
            dh = _add_outside(s_dh, ext[base], k == 0)
            np.multiply(dh, tc, out=s_go)  # h = o * tanh(c), as Mul.backward
            np.multiply(dh, o, out=s_gtc)
            _tanh_grad(tc, s_gtc, s_gc)
            e_c = ext[base + 3]
            if e_c is None:
                np.copyto(s_dc, s_gc)
            else:
                np.add(e_c, s_gc, out=s_dc)
            if carry_c is not None:
                s_dc += carry_c  # (e_c + g_c) + carry, the engine's order
            dc = s_dc
            np.multiply(dc, g, out=s_gi)  # i * g
            np.multiply(dc, i, out=s_gg)
            np.multiply(dc, c_read[t], out=s_gf)  # f * c_{t-1}
            if k < steps - 1:
                carry_c = np.multiply(dc, f, out=carries[k % 2])
            elif self.need[2]:
                carry_c = dc * f  # c_0's gradient: its own array
            _sigmoid_grad(i, s_gi, di)
            _sigmoid_grad(f, s_gf, df)
            _tanh_grad(g, s_gg, dgg)
            _sigmoid_grad(o, s_go, do)
            if norms:
                table[k, :7] = np.matmul(rows, cols).reshape(7)
                table[k, 7] = np.vdot(dg, dg)
            if k < steps - 1:
                np.matmul(dg, w_back, out=s_dh)  # the next step's carry, where its dh is made
            elif self.need[0]:
                carry_h = dg @ w_back  # h_0's gradient: its own array
        proj_norm = None
        if norms:
            proj_norm = math.sqrt(float(table[:, 7].sum()))  # the steps' gate rows side by side: d_gates
        return table, (carry_h if self.need[0] else None, d_gates, carry_c if self.need[2] else None, proj_norm)

    # ---- recorded without its step nodes (as RNNRecurrence's) ------------------------------------------------

    def record_lazily(self, pre: Any, h0: Any, c0: Any, w_t: Any, final_h: Any, final_c: Any, last: int,
                      scope: tuple) -> StepNode:
        """Remember what the step nodes would hold, and make the final states' nodes (step ``last``'s ``h`` and
        ``c``): ``final_c``'s takes its gradient to the loop as the joined output's does."""
        lazy = self._start_lazy(pre, h0, w_t, scope)
        lazy.c0 = c0._data
        lazy.p_c0 = (c0.grad_fn or c0) if c0.requires_grad else None
        lazy.c0_check = None
        if c0.requires_grad:  # the first f * c saves c_0
            vc = c0._vc
            lazy.c0_check = (1, vc, vc.value, c0.grad_fn.fn if c0.grad_fn is not None else None)
            lazy.checks += ((vc, vc.value),)
        lazy.outer = (lazy.p_h0, lazy.p_w, lazy.p_c0, lazy.p_pre)  # run_lazily's order
        head = self._lazy_head(step_node(Mul, (True, True)), final_h, last)
        c_node = step_node(Add, (True, True))
        c_node.parents = LazyParents(self, c_node, head)
        c_node.scope = head.scope + ("state=c",)
        c_node.shape, c_node.dtype = final_c._data.shape, lazy.dtype
        lazy.c_node = weakref.ref(c_node)
        final_c.grad_fn = c_node
        lazy.c_final, lazy.h_unused = None, False
        return head

    def take(self, node: StepNode, g: np.ndarray, owned: bool) -> None:
        if node is self.lazy.c_node():
            self.lazy.c_final = g
        else:
            self.rows = (g, owned)

    def run_lazily(self, head: StepNode, final: np.ndarray | None, owned: bool, norms: bool, keep: bool) -> list:
        """As ``RNNRecurrence.run_lazily``: the whole backward, the step nodes not made."""
        lazy = self.lazy
        ext = self._outside(final)
        ext[3], lazy.c_final = lazy.c_final, None  # the last c's gradient from outside (c_n's)
        lazy.h_unused = ext[0] is None  # only c_n was used: the last h, o and tanh(c) get no gradient
        if lazy.h_unused:
            ext[0] = np.zeros(head.shape, dtype=lazy.dtype)  # which adds nothing to dc
        table, grads = self._loop(ext, norms, keep)
        if norms:
            lazy.norms = table
            head.grad_norm = None if lazy.h_unused else math.sqrt(table[0, self._NORM_COLUMNS[0]])
            c_node = lazy.c_node()
            if c_node is not None:
                c_node.grad_norm = math.sqrt(table[0, self._NORM_COLUMNS[3]])
        results = self._results(lazy.outer, grads, (1, 1, 1, 1))
        if not keep:
            self._release(lazy)
            lazy.c0 = None
        return results

    def materialize(self) -> None:
        """Make the step nodes (``_lstm_step_nodes`` for every step); see ``Recurrence._begin_made``."""
        begun = self._begin_made()
        if begun is None:
            return
        lazy, (h_buf, c_buf, gates, tanh_c), head, h, order = begun
        c_prev = c_buf[0] if lazy.freed else lazy.c0  # c_0 as the first step read it
        p_h, p_c, c_check, c_last = lazy.p_h0, lazy.p_c0, lazy.c0_check, lazy.c_node()
        outs: list = [None] * self.steps
        node = None
        for n, i in enumerate(order):
            write = _rows(i, self.reverse)[0]
            bufs = (gates[i], c_prev, c_buf[write], tanh_c[i], h_buf[write])
            node, c_node, tc_node = _lstm_step_nodes(lazy, i, h, p_h, p_c, c_check, self.w, bufs)
            if n == self.steps - 1:
                c_node = _become(c_last, c_node)
                tc_node.parents = (c_node,)
                node = _become(head, node)
            outs[i] = node
            h, p_h = (bufs[4], (0, VersionCounter(), 0, node.fn)), node
            c_prev, p_c, c_check = bufs[2], c_node, None
        nodes = self._made(lazy, node, outs)
        if lazy.norms is not None and lazy.h_unused:  # as node by node, which never visits them
            for node in nodes[:3]:
                node.grad_norm = None


class GRURecurrence(Recurrence):
    """A GRU layer direction: per step the twelve nodes of ``nn.rnn.gru_step`` and the ``gh = h @ W_hh^T + b_hh``
    before it (r and z: a sum and a sigmoid each; n: a slice of ``gh``, ``r * gh_n``, a sum and a tanh; then
    ``h' = (h - n) * z + n``)."""

    per_step = 12
    _BUFFERS = ("h", "hn", "gates", "diff")
    #: Users inside of each node of a step, in ``walk`` order (h', (h - n) * z, h - n, n, the n sum, r * gh_n,
    #: the slice gh_n, z, the z sum, r, the r sum, gh): h' feeds the next step's gh and h - n, n feeds h - n
    #: and h', gh feeds the r and z sums and the slice.
    _INSIDE = (2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 3)

    def __init__(self, steps: int, reverse: bool, w: np.ndarray, need: tuple, h: np.ndarray, hn: np.ndarray,
                 gates: np.ndarray, diff: np.ndarray, bias: bool) -> None:
        super().__init__(steps, reverse, w, need)
        self.h, self.hn, self.gates, self.diff, self.bias = h, hn, gates, diff, bias  # gates: r | z | n

    def walk(self, head: StepNode) -> tuple[list, list, list]:
        nodes = []
        h = head
        for _ in range(self.steps):
            mul_dz, tanh_n = h.parents
            sub, sig_z = mul_dz.parents
            add_n = tanh_n.parents[0]
            mul_r = add_n.parents[1]
            sig_r, piece = mul_r.parents
            add_z, add_r = sig_z.parents[0], sig_r.parents[0]
            gh = piece.parents[0]
            nodes += (h, mul_dz, sub, tanh_n, add_n, mul_r, piece, sig_z, add_z, sig_r, add_r, gh)
            h = sub.parents[0]
        inside = list(self._INSIDE) * self.steps
        inside[0] = 0  # the head: ready
        return nodes, inside, ([True] + [False] * 11) * self.steps

    #: Which of a step's squared norms (columns: dh, g_diff, g_n, g_z, g_r, the n sum's, gh_n's, the z sum's, the r
    #: sum's) each of its nodes gets, in ``walk`` order; gh's is computed from its three parts (last column).
    _NORM_COLUMNS = [0, 0, 1, 2, 5, 5, 6, 3, 7, 4, 8, 9]

    def backward(self, ext: list, own: list, nodes: list, norms: bool, keep: bool) -> list:
        table, grads = self._loop(ext, norms, keep)
        if norms:
            _give_norms(nodes, table, self._NORM_COLUMNS)
        gh_node = nodes[-1]
        h0_parent = nodes[-10].parents[0]  # the first step's h - n reads h_0, as its gh product does
        # Every step's three sums read the input projections.
        parents = (h0_parent, gh_node.parents[-1], gh_node.parents[0] if self.bias else None, nodes[-8].parents[0])
        return self._results(parents, grads, (2, self.steps, self.steps, 3 * self.steps))

    def _results(self, parents: tuple, grads: tuple, edges: tuple) -> list:
        """``(parent, gradient, edges, norm)`` for h_0, weight_hh^T, b_hh (if any) and the input projections."""
        carry, d_gh, d_gi, proj_norm = grads
        results = [(parents[0], carry, edges[0], None), (parents[1], self._weight_grad(self.h, d_gh), edges[1], None)]
        if self.bias:
            results.append((parents[2], d_gh.reshape(-1, d_gh.shape[-1]).sum(0), edges[2], None))
        results.append((parents[3], d_gi, edges[3], proj_norm))
        return results

    def _loop(self, ext: list, norms: bool, keep: bool) -> tuple:
        """BPTT over the steps, ``ext`` as for ``backward``. Returns the squared norms ``(steps, 10)`` (columns as
        ``_NORM_COLUMNS`` says; None without ``norms``) and the gradients of h_0, gh and the input projections
        with the latter's norm."""
        steps, w = self.steps, self.w
        w_back = w.T
        hidden = self.diff.shape[-1]
        d_gh = np.empty_like(self.gates)
        # Each step's gradients replace its gates once read, unless the graph is kept for another backward.
        d_gi = np.empty_like(self.gates) if keep else self.gates
        # One step's (N, H) gradients, reused by every step: dh, g_diff, g_n, g_z, g_r, then the n sum's, gh_n's,
        # the z sum's and the r sum's, which are copied into their column blocks of d_gi and d_gh. Side by side
        # they give their squared norms in one product. dh holds the carry from the step after.
        scratch = np.empty((9,) + self.diff.shape[1:], dtype=self.diff.dtype)
        s_dh, s_gdiff, s_gn, s_gz, s_gr, s_an, s_ghn, s_az, s_ar = scratch
        rows = scratch.reshape(9, 1, -1)
        cols = rows.transpose(0, 2, 1)
        table = np.empty((steps, 10)) if norms else None  # squared norms, one row per step (_NORM_COLUMNS)
        carry = None  # dL/dh_t from step t + 1 (in s_dh until the last step): through its gh product and h - n
        for k in range(steps):
            t = self._time(k)
            base = self.per_step * k
            gates = self.gates[t]
            r, z, n = gates[:, :hidden], gates[:, hidden: 2 * hidden], gates[:, 2 * hidden:]
            diff, gh_n = self.diff[t], self.hn[t]
            dgh, dgi = d_gh[t], d_gi[t]
            dh = _add_outside(s_dh, ext[base], k == 0)
            np.multiply(dh, z, out=s_gdiff)  # (h - n) * z, as Mul.backward
            np.multiply(dh, diff, out=s_gz)
            np.subtract(dh, s_gdiff, out=s_gn)  # n feeds h' (dh) and h - n (-g_diff): the sum the engine makes
            _tanh_grad(n, s_gn, s_an)
            np.multiply(s_an, gh_n, out=s_gr)  # r * gh_n
            np.multiply(s_an, r, out=s_ghn)
            _sigmoid_grad(z, s_gz, s_az)
            _sigmoid_grad(r, s_gr, s_ar)
            dgi[:, :hidden] = s_ar
            dgi[:, hidden: 2 * hidden] = s_az
            dgi[:, 2 * hidden:] = s_an
            dgh[:, : 2 * hidden] = dgi[:, : 2 * hidden]
            dgh[:, 2 * hidden:] = s_ghn
            if norms:
                table[k, :9] = np.matmul(rows, cols).reshape(9)
            if k < steps - 1:
                np.matmul(dgh, w_back, out=s_dh)  # the next step's carry, where its dh is made
                s_dh += s_gdiff
            elif self.need[0]:
                carry = dgh @ w_back + s_gdiff  # h_0's gradient: its own array
        proj_norm = None
        if norms:
            table[:, 9] = table[:, 6] + table[:, 7] + table[:, 8]  # gh's gradient: gh_n's, z's and r's side by side
            proj_norm = math.sqrt(float((table[:, 5] + table[:, 7] + table[:, 8]).sum()))  # d_gi's rows: r | z | n
        return table, (carry if self.need[0] else None, d_gh, d_gi, proj_norm)


    # ---- recorded without its step nodes (as RNNRecurrence's) ------------------------------------------------

    def record_lazily(self, pre: Any, h0: Any, w_t: Any, b_hh: Any, final: Any, last: int, scope: tuple) -> StepNode:
        """Remember what the step nodes would hold, and make ``final``'s node (step ``last``'s ``h'``)."""
        lazy = self._start_lazy(pre, h0, w_t, scope)
        lazy.w_shape = w_t._data.shape
        need_b = b_hh is not None and b_hh.requires_grad
        lazy.p_b = (b_hh.grad_fn or b_hh) if need_b else None
        lazy.b_meta = None if b_hh is None else (b_hh._data.shape, b_hh._data.dtype, None)
        lazy.outer = (lazy.p_h0, lazy.p_w, lazy.p_b, lazy.p_pre)  # run_lazily's order
        return self._lazy_head(step_node(Add, (True, True)), final, last)

    def run_lazily(self, head: StepNode, final: np.ndarray | None, owned: bool, norms: bool, keep: bool) -> list:
        """As ``RNNRecurrence.run_lazily``: the whole backward, the step nodes not made."""
        lazy = self.lazy
        ext = self._outside(final)
        table, grads = self._loop(ext, norms, keep)
        if norms:
            lazy.norms = table
            head.grad_norm = math.sqrt(table[0, self._NORM_COLUMNS[0]])
        results = self._results(lazy.outer, grads, (1, 1, 1, 1))
        if not keep:
            self._release(lazy)
        return results

    def materialize(self) -> None:
        """Make the step nodes (``_gru_step_nodes`` for every step); see ``Recurrence._begin_made``."""
        begun = self._begin_made()
        if begun is None:
            return
        lazy, (h_buf, hn, gates, diff), head, h, order = begun
        hidden = hn.shape[-1]
        outs: list = [None] * self.steps
        p_h, node = lazy.p_h0, None
        for n, i in enumerate(order):
            write = _rows(i, self.reverse)[0]
            bufs = (gates[i, :, : 2 * hidden], gates[i, :, 2 * hidden:], hn[i], diff[i], h_buf[write])
            node = _gru_step_nodes(lazy, i, h, p_h, self.w, bufs)
            if n == self.steps - 1:
                node = _become(head, node)
            outs[i] = node
            h, p_h = (bufs[4], (0, VersionCounter(), 0, node.fn)), node
        self._made(lazy, node, outs)


def _placeholder(shape: tuple, dtype: Any) -> np.ndarray:
    """A read-only array of ``shape`` that takes no memory: stands for a freed buffer while freed nodes are made."""
    return np.broadcast_to(np.zeros((), dtype), shape)


def _become(node: StepNode | None, other: StepNode) -> StepNode:
    """Give ``node`` (made early, so that others could refer to it) the fields ``other`` was recorded with, and
    return it; ``other`` itself when there is no such node (nothing kept it alive)."""
    if node is None:
        return other
    for name in ("fn", "parents", "needs_input_grad", "saved", "version_checks", "scope", "shape", "dtype", "meta",
                 "shapes"):
        if hasattr(other, name):
            setattr(node, name, getattr(other, name))
    return node


class _Lazy:
    """What a lazily recorded recurrence's step nodes would hold (see ``Recurrence._start_lazy``)."""


class LazySteps:
    """A layer direction's outputs recorded lazily (``rnn_steps``): ``stacked`` (L, N, H) is the buffer the loop
    wrote, ``head`` the last step's node; ``join`` makes the joined output."""

    def __init__(self, rec: RNNRecurrence, stacked: np.ndarray, head: StepNode) -> None:
        self.rec, self.stacked, self.head = rec, stacked, head

    def join(self, dim: int, caller_owns: bool) -> Any:
        """``Stack.apply(*steps, dim=dim)`` of the step outputs: the buffer itself for ``dim=0``, a copy (N, L, H)
        for ``dim=1``; its ``StackBackward0`` gets the step nodes as parents when they are made. ``caller_owns``:
        the result is the layer's output, which the caller may change in place (see ``share_output``)."""
        rows = self.stacked
        value = rows if dim == 0 else np.stack(list(rows), axis=1)
        node = step_node(Stack, (True,) * len(rows))
        node.dim = dim
        node.parents = LazyParents(self.rec, node, self.head)
        node.shape, node.dtype = value.shape, value.dtype
        lazy = self.rec.lazy
        lazy.joins.append(weakref.ref(node))
        lazy.dim = dim
        out = Tensor._make(value, True)
        out.grad_fn = node
        if caller_owns and dim == 0:
            share_output(out, self)
        return out


class Steps(list):
    """A layer direction's outputs, one Tensor ``(N, H)`` per step in input-step order, with ``stacked``: the
    array ``(L, N, H)`` whose rows are their arrays (the buffer the loop wrote), so joining them needs no copy,
    and ``head``: the last step's node, which carries the ``Recurrence`` (None when nothing was recorded)."""

    stacked: Any = None
    head: Any = None

    def join(self, dim: int, caller_owns: bool) -> Any:
        """The steps stacked along ``dim``: for ``dim=0`` the buffer they are the rows of, without a copy
        (``StackBackward0`` all the same); ``caller_owns`` as in ``LazySteps.join``."""
        if self.stacked is None or dim != 0:
            return Stack.apply(*self, dim=dim)
        out = Stack.apply(*self, dim=0, laid_out=self.stacked)
        if caller_owns:
            share_output(out, self)
        return out


def share_output(out: Any, steps: Steps) -> None:
    """Let ``out``, the layer's output joined from ``steps`` without a copy (its array is ``steps.stacked``), be
    changed in place as a copy could be: before its first in-place write, the values that the recorded steps
    saved from that array move to a copy of it (``SharedVersion``). Nothing is copied when nothing writes."""
    if steps.head is not None:
        out._vc = SharedVersion(partial(_move_saved, weakref.ref(steps.head), steps.stacked))


def _move_saved(head_ref: Any, array: np.ndarray) -> None:
    """Point every saved view of ``array``'s memory in the recurrence ending at ``head_ref()`` (its nodes' saved
    arrays and the ``Recurrence``'s buffers) at the same place in a copy. Nothing to do once backward has run."""
    head = head_ref()
    if head is None or head.freed or head.recurrence is None:
        return
    rec = head.recurrence
    base = array if array.base is None else array.base
    copy = base.copy()
    start = base.ctypes.data

    def moved(a: Any) -> Any:
        if type(a) is not np.ndarray or (a is not base and a.base is not base):
            return a
        return np.ndarray(a.shape, a.dtype, buffer=copy, offset=a.ctypes.data - start, strides=a.strides)

    if rec.lazy is None:  # the step nodes are made: their saved views move too
        for node in rec.walk(head)[0]:
            if node.saved:
                node.saved = tuple([moved(a) for a in node.saved])
    for name, value in vars(rec).items():
        setattr(rec, name, moved(value))


def _unrecorded(stacked: np.ndarray, last: int) -> tuple:
    """What a loop that records nothing returns: a ``Steps`` of tensors over the rows of ``stacked`` (L, N, H), and
    the one of step ``last`` (the final state)."""
    outputs = Steps([Tensor._make(row, False) for row in stacked])
    outputs.stacked = stacked
    return outputs, outputs[last]


def _records(pre: Any, h0: Any, w_t: Any) -> bool:
    """Whether the loop records nodes: grad mode is on and one of its inputs needs a gradient."""
    return is_grad_enabled() and (pre.requires_grad or w_t.requires_grad or h0.requires_grad)


def _setup(pre: Any, h0: Any, w_t: Any, hidden: int, reverse: bool) -> tuple:
    """Shared start of the LSTM and GRU loops: the state buffer with ``h0`` in place, and whether to record."""
    steps, batch = pre._data.shape[:2]
    h = np.empty((steps + 1, batch, hidden), dtype=pre._data.dtype)
    h[steps if reverse else 0] = h0._data
    return steps, h, _records(pre, h0, w_t)


def _rows(i: int, reverse: bool) -> tuple[int, int]:
    """(row written, row read) of step ``i`` in a state buffer (L + 1, N, H)."""
    return (i, i + 1) if reverse else (i + 1, i)


def _save_product(node: StepNode, h: tuple, w: np.ndarray, w_check: tuple) -> None:
    """Save what ``Addmm`` and ``Mm`` save for ``h @ w`` (``h`` if ``w`` needs a gradient, ``w`` if ``h`` does),
    with the version checks ``apply`` would add. ``h`` is a state as a step read it: ``(array, version check)``,
    the check as forward would have made it for the tensor the array was."""
    need_h, need_w = node.needs_input_grad[-2:]
    data, h_check = h
    node.saved = (data if need_w else None, w if need_h else None)
    checks = []
    if need_w:
        checks.append(h_check)
    if need_h:
        checks.append(w_check)
    node.version_checks = tuple(checks)


def _node(fn: type, parents: tuple, scope: tuple, y: np.ndarray, saved: tuple = (), meta: Any = None,
          shapes: Any = None) -> StepNode:
    """A node as ``fn.apply`` records it when the non-None parents need a gradient; ``meta`` and ``shapes`` are
    the ctx fields its ``forward`` would set."""
    node = step_node(fn, tuple([p is not None for p in parents]), parents)
    node.scope = scope
    node.shape = y.shape
    node.dtype = y.dtype
    node.saved = saved
    if meta is not None:
        node.meta = meta
    if shapes is not None:
        node.shapes = shapes
    return node


_STEP_NAMES: dict[int, str] = {}


def _step_name(i: int) -> str:
    """``'t={i}'``, the scope name of time step ``i``; made once per ``i`` for all layers and calls."""
    name = _STEP_NAMES.get(i)
    if name is None:
        name = _STEP_NAMES[i] = f"t={i}"
    return name


def _inputs(pre: Any, w_t: Any) -> tuple:
    """Parents and version check shared by every step's Addmm."""
    p_pre = (pre.grad_fn or pre) if pre.requires_grad else None
    p_w = (w_t.grad_fn or w_t) if w_t.requires_grad else None
    w_check = (1, w_t._vc, w_t._vc.value, w_t.grad_fn.fn if w_t.grad_fn is not None else None)
    return p_pre, p_w, w_check


def rnn_steps(pre: Any, h0: Any, w_t: Any, *, reverse: bool, relu: bool, scope: tuple) -> tuple[Any, Any]:
    """One plain RNN layer and direction: ``h_t = act(pre[t] + h_{t-1} @ w_t)`` for ``t`` over ``pre (L, N, H)``.

    ``h0 (N, H)`` is the initial state, ``w_t (H, H)`` is ``weight_hh.t()``, ``act`` is tanh or ReLU, and the
    reverse direction runs from the last step to the first. The outputs are written over ``pre``'s array (the
    layer's own temporary, which no node saves), as a hand-written RNN does. Returns the outputs and the final
    state (a Tensor). When recording, the outputs are a ``LazySteps``: the step nodes (an ``AddmmBackward0`` and
    a ``TanhBackward0`` / ``ReluBackward0`` per step, under ``scope + ('t={i}',)``) are made only when something
    looks at them (``RNNRecurrence.materialize``); else a ``Steps`` list of the ``L`` outputs ``(N, H)``.
    """
    pre_a, w = pre._data, w_t._data
    steps = pre_a.shape[0]
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    h = h0._data
    # A zero h_0 (the default) adds nothing to the first step, as a hand-written RNN knows; it is still recorded.
    skip = h0_zero = not h.any()
    for i in order:
        y = pre_a[i]
        if skip:
            skip = False
        else:
            y += h @ w  # (h @ w) + pre[i], as Addmm adds: the same sum
        if relu:
            np.maximum(y, 0, out=y)
        else:
            np.tanh(y, out=y)
        h = y
    T = Tensor
    if not _records(pre, h0, w_t):
        return _unrecorded(pre_a, order[-1])
    rec = RNNRecurrence(steps, reverse, w, (h0.requires_grad, w_t.requires_grad), pre_a, h0._data, relu, h0_zero)
    final = T._make(h, True)
    head = rec.record_lazily(pre, h0, w_t, final, order[-1], scope)
    return LazySteps(rec, pre_a, head), final


def lstm_steps(pre: Any, h0: Any, c0: Any, w_t: Any, *, reverse: bool, scope: tuple) -> tuple[Any, Any, Any]:
    """One LSTM layer and direction (no projection) over ``pre (L, N, 4H)``, the summed input projections.

    ``h0``, ``c0`` are ``(N, H)``, ``w_t (H, 4H)`` is ``weight_hh.t()``. Each step computes, with gates i, f, g, o
    read from ``pre[t] + h_{t-1} @ w_t``::

        c_t = f * c_{t-1} + i * g        h_t = o * tanh(c_t)

    Returns the outputs and the final ``h`` and ``c`` (Tensors). When recording, the outputs are a ``LazySteps``:
    the nodes of ``nn.rnn.lstm_step`` under its scopes (``t={i}``, ``gate=i``, ..., ``state=c``; made by
    ``_lstm_step_nodes``) are made only when something looks at them (``LSTMRecurrence.materialize``); else a
    ``Steps`` list of the ``L`` outputs ``(N, H)``.
    """
    pre_a, w = pre._data, w_t._data
    hidden = pre_a.shape[2] // 4
    steps, h_buf, record = _setup(pre, h0, w_t, hidden, reverse)
    record = record or (is_grad_enabled() and c0.requires_grad)
    c_buf = np.empty_like(h_buf)
    c_buf[steps if reverse else 0] = c0._data
    gates = pre_a  # the gates are activated in place: pre is the layer's own temporary, which no node saves
    tanh_c = np.empty_like(h_buf[1:])
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    c_prev = c0._data  # the first step reads the caller's own c_0
    with np.errstate(over="ignore"):  # e^-a in the sigmoids may overflow to inf: the limit, 0, is right
        for i in order:
            write, read = _rows(i, reverse)
            a = gates[i]
            a += h_buf[read] @ w  # (h @ w) + pre[i], as Addmm adds: the same sum
            _sigmoid_(a[:, : 2 * hidden])  # i and f are adjacent
            np.tanh(a[:, 2 * hidden: 3 * hidden], out=a[:, 2 * hidden: 3 * hidden])
            _sigmoid_(a[:, 3 * hidden:])
            c_new = c_buf[write]
            np.multiply(a[:, hidden: 2 * hidden], c_prev, out=c_new)
            c_new += a[:, :hidden] * a[:, 2 * hidden: 3 * hidden]
            tc = tanh_c[i]
            np.tanh(c_new, out=tc)
            np.multiply(a[:, 3 * hidden:], tc, out=h_buf[write])
            c_prev = c_new
    T = Tensor
    stacked = h_buf[:-1] if reverse else h_buf[1:]
    last = _rows(order[-1], reverse)[0]
    if not record:
        return *_unrecorded(stacked, order[-1]), T._make(c_buf[last], False)
    rec = LSTMRecurrence(steps, reverse, w, (h0.requires_grad, w_t.requires_grad, c0.requires_grad), h_buf, c_buf,
                         gates, tanh_c)
    final_h, final_c = T._make(h_buf[last], True), T._make(c_buf[last], True)
    head = rec.record_lazily(pre, h0, c0, w_t, final_h, final_c, order[-1], scope)
    return LazySteps(rec, stacked, head), final_h, final_c


def _step_product(lazy: Any, i: int, step: tuple, h: Any, p_h: Any, w: Any) -> StepNode:
    """The ``AddmmBackward0`` of ``pre[i] + h @ w_t`` at step ``i``, as ``ops.Addmm.apply(pre, h, w_t, index=i)``
    records it, from the state ``h`` (see ``_save_product``) and its parent ``p_h`` (None if it needs no gradient)."""
    mm = step_node(Addmm, (lazy.need_pre, p_h is not None, lazy.need_w), (lazy.p_pre, p_h, lazy.p_w))
    mm.scope, mm.shape, mm.dtype = step, (lazy.pre_shape[1], lazy.pre_shape[2]), lazy.dtype
    mm.meta = (lazy.pre_shape, lazy.dtype, i)
    _save_product(mm, h, w, lazy.w_check)
    return mm


def _lstm_step_nodes(lazy: Any, i: int, h: tuple, p_h: Any, p_c: Any, c_check: Any, w: Any, bufs: tuple) -> tuple:
    """The ten nodes ``nn.rnn.lstm_step`` records for step ``i``, from the state ``h`` it read (see
    ``_save_product``), the parents ``p_h``, ``p_c`` of ``h`` and ``c`` (None if they need no gradient), the
    version check of ``c_0`` for the first step (else None), ``weight_hh^T`` and the step's arrays ``(gates,
    c_{t-1}, c_t, tanh(c_t), h_t)``. Returns the nodes of ``h_t``, ``c_t`` and ``tanh(c_t)``."""
    a, c_prev, c_new, tc, y = bufs
    hidden = c_new.shape[-1]
    index = [(Ellipsis, slice(j * hidden, (j + 1) * hidden)) for j in range(4)]
    gi, gf, gg, go = (a[idx] for idx in index)
    step = lazy.scope + (_step_name(i),)
    mm = _step_product(lazy, i, step, h, p_h, w)
    meta = (a.shape, a.dtype)
    n_i, n_f, n_g, n_o = [
        _node(fn, (mm,), step + (f"gate={name}",), z, (z,), meta=meta + (idx,))
        for fn, name, z, idx in zip((GateSigmoid, GateSigmoid, GateTanh, GateSigmoid), "ifgo", (gi, gf, gg, go), index)
    ]
    state = step + ("state=c",)
    shapes = (gi.shape, gi.shape)
    fc = _node(Mul, (n_f, p_c), state, c_new, (gf if p_c is not None else None, c_prev), shapes=shapes)
    if c_check is not None:  # f * c_0 saved the caller's c_0
        fc.version_checks = (c_check,)
    ig = _node(Mul, (n_i, n_g), state, c_new, (gi, gg), shapes=shapes)
    c_node = _node(Add, (fc, ig), state, c_new, shapes=shapes)
    tc_node = _node(Tanh, (c_node,), step, tc, (tc,))
    return _node(Mul, (n_o, tc_node), step, y, (go, tc), shapes=shapes), c_node, tc_node


def gru_steps(pre: Any, h0: Any, w_t: Any, b_hh: Any, *, reverse: bool, scope: tuple) -> tuple[Any, Any]:
    """One GRU layer and direction over ``pre (L, N, 3H)``, the input projections with ``b_ih`` (gates r, z, n).

    ``h0 (N, H)``, ``w_t (H, 3H)`` is ``weight_hh.t()`` and ``b_hh (3H,)`` (or None) stays in ``gh``, so that
    ``b_hn`` is inside the reset product::

        gh = h_{t-1} @ w_t + b_hh     r = sigmoid(pre_r + gh_r)     z = sigmoid(pre_z + gh_z)
        n = tanh(pre_n + r * gh_n)    h_t = (h_{t-1} - n) * z + n

    Returns the outputs and the final state (a Tensor). When recording, the outputs are a ``LazySteps``: the
    nodes of ``nn.rnn.gru_step`` under its scopes (``_gru_step_nodes``) are made only when something looks at
    them (``GRURecurrence.materialize``); else a ``Steps`` list of the ``L`` outputs ``(N, H)``.
    """
    pre_a, w = pre._data, w_t._data
    hidden = pre_a.shape[2] // 3
    steps, h_buf, record = _setup(pre, h0, w_t, hidden, reverse)
    if b_hh is not None:
        record = record or (is_grad_enabled() and b_hh.requires_grad)
    hn_buf = np.empty_like(h_buf[1:])  # gh's n part, which r * gh_n saves; the rest of gh is used at once
    diff_buf = np.empty_like(h_buf[1:])
    # r, z and n are computed in place in pre (the layer's own temporary, which no node saves), as r | z | n.
    rz_buf, n_buf = pre_a[:, :, : 2 * hidden], pre_a[:, :, 2 * hidden:]
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    h_prev = h0._data  # the first step reads the caller's own h_0
    with np.errstate(over="ignore"):  # e^-a in the sigmoids may overflow to inf: the limit, 0, is right
        for i in order:
            write, read = _rows(i, reverse)
            rz, n, diff, y = rz_buf[i], n_buf[i], diff_buf[i], h_buf[write]
            gh = h_buf[read] @ w
            if b_hh is not None:
                gh += b_hh._data
            rz += gh[:, : 2 * hidden]  # pre + gh, as GateAdd adds
            _sigmoid_(rz)
            r = rz[:, :hidden]
            gh_n = hn_buf[i]
            gh_n[...] = gh[:, 2 * hidden:]
            n += r * gh_n
            np.tanh(n, out=n)
            np.subtract(h_prev, n, out=diff)
            np.multiply(diff, rz[:, hidden:], out=y)
            y += n
            h_prev = y
    T = Tensor
    stacked = h_buf[:-1] if reverse else h_buf[1:]
    if not record:
        return _unrecorded(stacked, order[-1])
    rec = GRURecurrence(steps, reverse, w, (h0.requires_grad, w_t.requires_grad), h_buf, hn_buf, pre_a, diff_buf,
                        b_hh is not None)
    final = T._make(stacked[order[-1]], True)
    head = rec.record_lazily(pre, h0, w_t, b_hh, final, order[-1], scope)
    return LazySteps(rec, stacked, head), final


def _gru_step_nodes(lazy: Any, i: int, h: tuple, p_h: Any, w: Any, bufs: tuple) -> StepNode:
    """The twelve nodes ``nn.rnn.gru_step`` records for step ``i`` (and its ``gh`` product), from the state ``h``
    it read (see ``_save_product``) and its parent ``p_h`` (None if it needs no gradient), ``weight_hh^T`` and the
    buffers ``(rz, n, gh_n, diff, y)`` of the step. Returns the step's output node."""
    rz, n, gh_n, diff, y = bufs
    hidden = n.shape[-1]
    r, z = rz[:, :hidden], rz[:, hidden:]
    cut = [slice(j * hidden, (j + 1) * hidden) for j in range(3)]
    step = lazy.scope + (_step_name(i),)
    need_h, need_w, p_pre, p_w, p_b = p_h is not None, lazy.need_w, lazy.p_pre, lazy.p_w, lazy.p_b
    dtype, gh_shape, pre_shape = lazy.dtype, (n.shape[0], 3 * hidden), lazy.pre_shape
    if lazy.b_meta is None:
        mm = step_node(Mm, (need_h, need_w), (p_h, p_w))
        mm.shapes = (n.shape, lazy.w_shape)
    else:
        mm = step_node(Addmm, (p_b is not None, need_h, need_w), (p_b, p_h, p_w))
        mm.meta = lazy.b_meta
    mm.scope, mm.shape, mm.dtype = step, gh_shape, dtype
    _save_product(mm, h, w, lazy.w_check)
    sums = []
    for name, j, z_j in (("r", 0, r), ("z", 1, z)):
        gate = step + (f"gate={name}",)
        added = _node(GateAdd, (p_pre, mm), gate, z_j,
                      meta=(pre_shape, dtype, (i, Ellipsis, cut[j]), gh_shape, dtype, (Ellipsis, cut[j])))
        sums.append((added, _node(Sigmoid, (added,), gate, z_j, (z_j,))))
    (add_r, sig_r), (add_z, sig_z) = sums
    gate = step + ("gate=n",)
    piece = _node(Slice, (mm,), gate, gh_n, meta=(gh_shape, dtype, (Ellipsis, cut[2])))
    mul_r = _node(Mul, (sig_r, piece), gate, gh_n, (r, gh_n), shapes=(r.shape, gh_n.shape))
    add_n = _node(GateAdd, (p_pre, mul_r), gate, n,
                  meta=(pre_shape, dtype, (i, Ellipsis, cut[2]), n.shape, n.dtype, None))
    tanh_n = _node(Tanh, (add_n,), gate, n, (n,))
    sub = _node(Sub, (p_h, tanh_n), step, diff, shapes=(n.shape, n.shape))
    mul_dz = _node(Mul, (sub, sig_z), step, y, (diff, z), shapes=(diff.shape, z.shape))
    return _node(Add, (mul_dz, tanh_n), step, y, shapes=(y.shape, n.shape))
