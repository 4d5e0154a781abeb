"""Faster backward formulas for some primitives, and the promises the fast engine may rely on.

Each entry computes what its lesson twin in ``minigrad/ops/`` computes, in a form the fast engine
(``fast/engine.py``) handles with less work; ``tests/fast/test_fast_ops.py`` checks each against its twin.

- ``SPARSE``: the indexing ops and the gate ops return an ``IndexedGrad`` (values and where they go) instead of a
  mostly-zero array, and ``Addmm`` its matrix operand's gradient as an ``OuterGrad`` (``a``, ``g``) instead of
  ``a^T @ g``. The engine adds the first into the input's gradient in place, and multiplies the pairs of the
  second in batches of time steps, the way a hand-written BPTT does one product over all steps.
- ``FRESH``: inputs whose gradient the op's backward always returns as a new array nothing else holds
  (``Addmm``'s ``g @ b^T``): the engine may add into it, or hand it to a leaf as its ``.grad``, without a copy.
- ``PASSES``: ops whose backward only hands on views of its gradient, one part per input, and keeps nothing: a
  gradient that nothing else holds stays so.
- ``TRANSPOSES_2D``: ``t()``: the engine multiplies an ``OuterGrad`` for it out already transposed, so that the
  weight behind it gets a C-contiguous gradient without a copy.
- ``Stack``: ``ops.Stack`` that may be handed the stacked array it would make (``laid_out``): a recurrent
  layer's steps were computed straight into the rows of one buffer.
- ``sum_of_squared_differences``: ``MseLoss``'s sum of squares, a chunk at a time in a scratch array that stays
  in cache (measured: 131 us down to 79 us for the 71,680 elements of ``benchmarks/rnn_train.py``'s small step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import ops
from minigrad.fast.graph import IndexedGrad, OuterGrad


def _index(ctx: Any, g: np.ndarray) -> IndexedGrad:
    shape, dtype, index = ctx.meta
    return IndexedGrad(shape, dtype, index, g, repeats=True)


def _slice(ctx: Any, g: np.ndarray) -> IndexedGrad:
    shape, dtype, index = ctx.meta
    return IndexedGrad(shape, dtype, index, g)


def _gather(ctx: Any, g: np.ndarray) -> Any:
    if ctx.meta is None:
        return ops.Gather.backward(ctx, g)
    shape, dtype, picks = ctx.meta
    return IndexedGrad(shape, dtype, picks, g, repeats=True)


def _gate(act: type) -> Any:
    def backward(ctx: Any, g: np.ndarray) -> IndexedGrad:
        shape, dtype, index = ctx.meta
        return IndexedGrad(shape, dtype, index, act.backward(ctx, g))

    return backward


def _gate_add(ctx: Any, g: np.ndarray) -> tuple:
    sa, da, ia, sb, db, ib = ctx.meta
    na, nb = ctx.needs_input_grad
    ga = (g if ia is None else IndexedGrad(sa, da, ia, g)) if na else None
    gb = (g if ib is None else IndexedGrad(sb, db, ib, g)) if nb else None
    return ga, gb


def _addmm(ctx: Any, g: np.ndarray) -> tuple:
    a, b = ctx.saved_tensors
    nc, na, nb = ctx.needs_input_grad
    shape, dtype, index = ctx.meta
    gc = None
    if nc:
        gc = ops.unbroadcast(g, shape) if index is None else IndexedGrad(shape, dtype, index, g)
    return gc, (g @ b.T if na else None), (OuterGrad(a, g) if nb else None)


SPARSE: dict[type, Any] = {
    ops.Index: _index,
    ops.IndexSelect: _index,
    ops.Slice: _slice,
    ops.Select: _slice,
    ops.SliceUnsqueeze: _slice,
    ops.SliceAlias: _slice,
    ops.Gather: _gather,
    ops.GateSigmoid: _gate(ops.Sigmoid),
    ops.GateTanh: _gate(ops.Tanh),
    ops.GateAdd: _gate_add,
    ops.Addmm: _addmm,
}

FRESH: dict[type, tuple] = {ops.Addmm: (1,)}

TRANSPOSES_2D = frozenset({ops.TransposeT})


class Stack(ops.Stack):
    """``ops.Stack`` (``StackBackward0``, same backward) that takes ``laid_out``: the array the inputs already are
    the rows of, returned as the output without stacking again (a recurrent layer's buffer)."""

    @staticmethod
    def forward(ctx: Any, *arrays: np.ndarray, dim: int, laid_out: np.ndarray | None = None) -> np.ndarray:
        if laid_out is None:
            return ops.Stack.forward(ctx, *arrays, dim=dim)
        ctx.dim = dim
        return laid_out


PASSES = frozenset({
    ops.View, ops.Unsqueeze, ops.Squeeze, ops.SqueezeDim, ops.SqueezeDims, ops.Transpose, ops.TransposeT,
    ops.Permute, ops.Stack, Stack,
})


#: Bytes of differences squared at a time by ``sum_of_squared_differences``: a 64 KiB scratch array, which the
#: allocator hands back warm for the next chunk, where an array of all the differences would be fresh memory.
SQUARE_CHUNK_BYTES = 65536


def sum_of_squared_differences(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``sum((a - b) ** 2)`` in ``a``'s dtype (a 0-d array), 64 KiB of differences at a time: the fast twin of the
    sum in ``ops.MseLoss.forward`` (``np.sum(np.square(a - b))``).

    Each chunk is summed pairwise by numpy, as one ``np.sum`` of every square would be, and the chunk sums are
    added in order in float64: the result differs from that one ``np.sum`` by float round-off only.
    """
    n = SQUARE_CHUNK_BYTES // a.itemsize
    if a.size <= n or not (a.flags.c_contiguous and b.flags.c_contiguous):
        diff = np.subtract(a, b).reshape(-1)  # small, or strided (an expanded target): the differences at once
        if diff.size <= n:
            return np.sum(np.multiply(diff, diff, out=diff), dtype=diff.dtype)
        a, b = diff, None
    else:
        a, b = a.reshape(-1), b.reshape(-1)
    scratch = np.empty(n, dtype=a.dtype)
    total_of = np.add.reduce
    total = 0.0
    for i in range(0, a.size, n):
        x = a[i:i + n]
        sq = scratch[: x.size]
        if b is None:
            np.multiply(x, x, out=sq)
        else:
            np.subtract(x, b[i:i + n], out=sq)
            np.multiply(sq, sq, out=sq)
        total += float(total_of(sq))
    return np.asarray(total, dtype=a.dtype)
