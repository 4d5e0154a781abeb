"""A plain RNN layer's recurrence, run in one numpy loop while recording PyTorch's per-step nodes.

``rnn_steps`` computes ``h_t = act(pre[t] + h_{t-1} @ w_t)`` for every step of one layer and direction into one
buffer, the way a hand-written RNN does, and records for each step exactly the nodes that ``ops.Addmm`` and
``ops.Tanh`` (or ``ops.Relu``) would record through ``Function.apply``: the same names, parents, scopes, saved
arrays and version checks. Drawings, ``next_functions`` and the per-node backward see no difference.

The last step's activation node also carries a ``Recurrence``. When every external gradient of the steps has
arrived, the engine hands the whole chain to ``Recurrence.backward`` (one loop, no per-node dispatch, and the
weight gradient as one product over all steps) instead of visiting the ``2 L`` nodes one by one; otherwise (a
``retain_grad`` or an unusual graph) it visits them one by one, with the same result. Why: at small sizes the
per-node Python cost dominated a training step (``benchmarks/rnn_train.py``, size small).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.autograd import function as _function
from minigrad.autograd.function import Node
from minigrad.autograd.grad_mode import _GradMode
from minigrad.autograd.scope import _Scope
from minigrad.ops.elementwise import Relu, Tanh
from minigrad.ops.linalg import Addmm


class Recurrence:
    """The arrays of one recorded recurrence, for its one-loop backward.

    ``buf`` is ``(L + 1, N, H)``: the initial state and the ``L`` outputs, in the order the loop ran (the initial
    state first for the forward direction, last for the reverse one), so that the states each step read are one
    contiguous block. Nothing here refers to a node: the engine finds the nodes from the head (the last step's
    activation) through their parents, so no reference cycle keeps the graph alive.
    """

    __slots__ = ("steps", "buf", "w", "reverse", "relu", "need_h0", "need_w")

    def __init__(self, steps: int, buf: np.ndarray, w: np.ndarray, reverse: bool, relu: bool,
                 need_h0: bool, need_w: bool) -> None:
        self.steps = steps
        self.buf = buf
        self.w = w
        self.reverse = reverse
        self.relu = relu
        self.need_h0 = need_h0
        self.need_w = need_w

    def backward(self, ext: list, acts: list, addmms: list, norms: bool) -> tuple:
        """Backpropagate through every step, last step first.

        ``ext[k]`` is the gradient ``(N, H)`` that step ``acts[k]``'s output received from outside the recurrence
        (None for none); ``acts`` and ``addmms`` are the steps' nodes in backward order. Returns ``(d_pre (L, N, H),
        d_h0 (N, H) or None, d_w (H, H) or None)``: the gradients of the pre-activations, the initial state and
        ``w``. With ``norms``, sets each node's ``grad_norm`` as the engine would.
        """
        steps, buf, w, reverse = self.steps, self.buf, self.w, self.reverse
        outputs = buf[:steps] if reverse else buf[1:]
        d_pre = np.empty_like(outputs)
        vdot, sqrt = np.vdot, math.sqrt
        carry = None  # dL/dh from the step after (in time) through its Addmm: g @ w^T, as Addmm.backward gives
        for k in range(steps):
            i = k if reverse else steps - 1 - k
            g = ext[k]
            if carry is None:
                dh = np.zeros_like(outputs[i]) if g is None else g
            else:
                dh = carry if g is None else g + carry
            d = d_pre[i]
            y = outputs[i]
            if self.relu:  # as Relu.backward: g * (z > 0)
                np.multiply(dh, y > 0, out=d)
            else:  # as Tanh.backward: (1 - z^2) * g
                np.square(y, out=d)
                np.subtract(1, d, out=d)
                np.multiply(d, dh, out=d)
            if norms:
                acts[k].grad_norm = sqrt(float(vdot(dh, dh)))
                addmms[k].grad_norm = sqrt(float(vdot(d, d)))
            if k < steps - 1 or self.need_h0:
                carry = d @ w.T
        d_w = None
        if self.need_w:  # sum over steps of h_prev^T @ d_pre: the states read are buf's first (or last) L rows
            read = buf[1:] if reverse else buf[:steps]
            n = read.shape[-1]
            d_w = read.reshape(-1, n).T @ d_pre.reshape(-1, d_pre.shape[-1])
        return d_pre, (carry if self.need_h0 else None), d_w


def rnn_steps(pre: Any, h0: Any, w_t: Any, *, reverse: bool, relu: bool, scope: tuple) -> tuple[list, Any]:
    """One plain RNN layer and direction: ``h_t = act(pre[t] + h_{t-1} @ w_t)`` for ``t`` over ``pre (L, N, H)``.

    ``h0 (N, H)`` is the initial state, ``w_t (H, H)`` is ``weight_hh.t()``, ``act`` is tanh or ReLU, and the
    reverse direction runs from the last step to the first. Each step's nodes are recorded under ``scope +
    ('t={i}',)``. Returns the ``L`` outputs ``(N, H)`` in input-step order and the final state (a Tensor).
    """
    T = _function.Tensor
    pre_a, w = pre.data, w_t.data
    steps, batch, hidden = pre_a.shape
    dtype = pre_a.dtype
    buf = np.empty((steps + 1, batch, hidden), dtype=dtype)
    need_pre, need_w = pre.requires_grad, w_t.requires_grad
    record = _GradMode.enabled and (need_pre or need_w or h0.requires_grad)
    act_fn = Relu if relu else Tanh
    buf[steps if reverse else 0] = h0.data
    p_pre = (pre.grad_fn or pre) if need_pre else None
    p_w = (w_t.grad_fn or w_t) if need_w else None
    w_check = (1, w_t._vc, w_t._vc.value, w_t.grad_fn.fn if w_t.grad_fn is not None else None)
    meta_shape = pre_a.shape
    outputs: list[Any] = [None] * steps
    h = h0
    node = None
    for i in range(steps - 1, -1, -1) if reverse else range(steps):
        y = buf[i] if reverse else buf[i + 1]
        np.matmul(buf[i + 1] if reverse else buf[i], w, out=y)
        y += pre_a[i]
        if relu:
            np.maximum(y, 0, out=y)
        else:
            np.tanh(y, out=y)
        out = T._make(y, record)
        if record:
            need_h = h.requires_grad
            step_scope = scope + (f"t={i}",)
            mm = Node(Addmm, (need_pre, need_h, need_w), (p_pre, (h.grad_fn or h) if need_h else None, p_w))
            mm.scope = step_scope
            mm.shape = y.shape
            mm.dtype = dtype
            mm.meta = (meta_shape, dtype, i)
            mm.saved = (h.data if need_w else None, w if need_h else None)  # what Addmm.forward saves
            checks = []
            if need_w:
                vc = h._vc
                checks.append((0, vc, vc.value, h.grad_fn.fn if h.grad_fn is not None else None))
            if need_h:
                checks.append(w_check)
            mm._checks = tuple(checks)
            node = Node(act_fn, (True,), (mm,))
            node.scope = step_scope
            node.shape = y.shape
            node.dtype = dtype
            node.saved = (y,)
            node._checks = ((0, out._vc, 0, act_fn),)
            out.grad_fn = node
        outputs[i] = h = out
    if record:
        node.recurrence = Recurrence(steps, buf, w, reverse, relu, h0.requires_grad, need_w)
    _Scope.current = scope
    return outputs, h
