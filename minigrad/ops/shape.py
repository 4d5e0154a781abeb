"""Shape and indexing primitives: reshape, transpose, permute, expand, squeeze, indexing, stack, cat, cast."""

from __future__ import annotations

import math

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops._util import placed, unbroadcast


class View(Function):
    """z = a reshaped to ``shape`` (same elements, same order);  dL/da = dL/dz reshaped back."""

    is_view = True

    @staticmethod
    def forward(ctx, a, *, shape, copy=None):
        ctx.in_shape = a.shape
        return np.reshape(a, shape, copy=copy)

    @staticmethod
    def backward(ctx, g):
        return np.reshape(g, ctx.in_shape)


class Unsqueeze(View):
    """z = a with a new size-1 axis;  dL/da = dL/dz with that axis removed."""


class Squeeze(View):
    """z = a without (some of) its size-1 axes;  dL/da = dL/dz reshaped back."""


class SqueezeDim(Squeeze):
    """``squeeze(dim)`` for one dim, named ``SqueezeBackward1`` like PyTorch's overload."""

    @classmethod
    def node_name(cls):
        return "SqueezeBackward1"


class SqueezeDims(Squeeze):
    """``squeeze(dims)`` for a tuple of dims, named ``SqueezeBackward2``."""

    @classmethod
    def node_name(cls):
        return "SqueezeBackward2"


class Transpose(Function):
    """z = a with axes ``d0`` and ``d1`` swapped;  dL/da = dL/dz swapped back."""

    is_view = True

    @staticmethod
    def forward(ctx, a, *, dims):
        ctx.dims = dims
        return np.swapaxes(a, *dims) if a.ndim else a.view()  # a 0-d tensor's transpose(0, -1) is a view of it

    @staticmethod
    def backward(ctx, g):
        return np.swapaxes(g, *ctx.dims) if g.ndim else g


class TransposeT(Transpose):
    """``t()``: the transpose of a 2-D tensor, named ``TBackward0`` like PyTorch's; of a 0-d or 1-D tensor, a
    view of it as it is (dL/da = dL/dz)."""

    @classmethod
    def node_name(cls):
        return "TBackward0"

    @staticmethod
    def forward(ctx, a, *, dims):
        ctx.dims = dims if a.ndim == 2 else None
        return np.swapaxes(a, *dims) if a.ndim == 2 else a.view()

    @staticmethod
    def backward(ctx, g):
        return g if ctx.dims is None else np.swapaxes(g, *ctx.dims)


class Permute(Function):
    """z = a with its axes reordered by ``dims``;  dL/da = dL/dz with the inverse order."""

    is_view = True

    @staticmethod
    def forward(ctx, a, *, dims):
        ctx.dims = dims
        return np.transpose(a, dims)

    @staticmethod
    def backward(ctx, g):
        return np.transpose(g, np.argsort(ctx.dims))


class Expand(Function):
    """z = a broadcast to ``shape`` (no copy);  dL/da = dL/dz summed over the stretched and added axes."""

    is_view = True

    @staticmethod
    def forward(ctx, a, *, shape):
        ctx.in_shape = a.shape
        if tuple(shape) == a.shape:  # nothing stretched: a plain view, writable like PyTorch's
            return a.view()
        if math.prod(shape) == a.size:  # only new leading dims of size 1: still no element seen twice
            return a.reshape(shape)
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        from minigrad.ops._util import unbroadcast

        return unbroadcast(g, ctx.in_shape)


class Index(Function):
    """z = a[index];  dL/da = zeros with dL/dz added at the indexed positions (repeats accumulate)."""

    @classmethod
    def node_name(cls):
        return "IndexBackward0"

    @staticmethod
    def forward(ctx, a, *, index):
        ctx.meta = (a.shape, a.dtype, index)
        return a[index]

    @staticmethod
    def backward(ctx, g):
        shape, dtype, index = ctx.meta
        return placed(shape, dtype, index, g, repeats=True)


class IndexPut(Index):
    """z = zeros(shape) with z[index] = a (what ``x[index] = a`` records for ``a``);  dL/da = dL/dz[index]."""

    @classmethod
    def node_name(cls):
        return "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, *, index, shape):
        ctx.index = index
        out = np.zeros(shape, dtype=a.dtype)
        out[index] = a
        return out

    @staticmethod
    def backward(ctx, g):
        return g[ctx.index]


class Slice(Function):
    """z = a[index] with basic indexing (ints, slices, None, ...): a view;  dL/da = zeros with dL/dz in place."""

    is_view = True

    @classmethod
    def node_name(cls):
        return "SliceBackward0"

    @staticmethod
    def forward(ctx, a, *, index):
        ctx.meta = (a.shape, a.dtype, index)
        out = a[index]
        if not isinstance(out, np.ndarray):  # numpy gives a copied scalar for a full integer index: ask for a view
            out = a[(*index, Ellipsis) if isinstance(index, tuple) else (index, Ellipsis)]
        return out

    @staticmethod
    def backward(ctx, g):
        shape, dtype, index = ctx.meta
        return placed(shape, dtype, index, g)


class Select(Slice):
    """z = a[i] for one integer i, named ``SelectBackward0`` like PyTorch."""

    @classmethod
    def node_name(cls):
        return "SelectBackward0"


class SliceUnsqueeze(Slice):
    """Basic indexing whose last item is ``None``: PyTorch's last step is an unsqueeze (``UnsqueezeBackward0``)."""

    @classmethod
    def node_name(cls):
        return "UnsqueezeBackward0"


class SliceAlias(Slice):
    """``x[...]``: the whole tensor, named ``AliasBackward0`` like PyTorch's."""

    @classmethod
    def node_name(cls):
        return "AliasBackward0"


class Stack(Function):
    """z = the inputs stacked along a new axis ``dim``;  each input's gradient is its slice of dL/dz."""

    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        lead = (slice(None),) * ctx.dim  # views into g, not copies
        return tuple(g[lead + (i,)] if need else None for i, need in enumerate(ctx.needs_input_grad))


class Tril(Function):
    """z = a with the elements above diagonal ``diagonal`` of its last two dims set to 0 (``Triu``: below it);
    dL/da = dL/dz masked the same way."""

    upper = False

    @classmethod
    def forward(cls, ctx, a, *, diagonal):
        ctx.diagonal = diagonal
        return cls._mask(a, diagonal)

    @classmethod
    def backward(cls, ctx, g):
        return cls._mask(g, ctx.diagonal)

    @classmethod
    def _mask(cls, a, diagonal):
        return np.triu(a, diagonal) if cls.upper else np.tril(a, diagonal)


class Triu(Tril):
    """z = a with the elements below diagonal ``diagonal`` of its last two dims set to 0; see ``Tril``."""

    upper = True


class Cat(Function):
    """z = the inputs joined along axis ``dim``;  each input's gradient is its section of dL/dz."""

    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        ctx.bounds = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        parts = np.split(g, ctx.bounds, axis=ctx.dim)
        return tuple(p if need else None for p, need in zip(parts, ctx.needs_input_grad))


class ToCopy(Function):
    """z = a converted to another dtype;  dL/da = dL/dz converted back to a's dtype."""

    @staticmethod
    def forward(ctx, a, *, dtype):
        ctx.in_dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.in_dtype)


class Clone(Function):
    """z = a copy of a;  dL/da = dL/dz."""

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class Flip(Function):
    """z = a with the order of its elements reversed along ``dims``;  dL/da = dL/dz flipped back."""

    @staticmethod
    def forward(ctx, a, *, dims):
        ctx.dims = dims
        return np.array(np.flip(a, dims))  # a copy, as PyTorch's flip makes (a numpy view would alias a)

    @staticmethod
    def backward(ctx, g):
        return np.asarray(np.flip(g, ctx.dims))


class Roll(Function):
    """z = a with its elements shifted ``shifts[i]`` places along ``dims[i]``, wrapping around (``dims`` None:
    along the flattened array);  dL/da = dL/dz shifted back."""

    @staticmethod
    def forward(ctx, a, *, shifts, dims):
        ctx.meta = (shifts, dims)
        return np.roll(a, shifts, axis=dims)  # axis None: numpy rolls the flattened array and restores the shape

    @staticmethod
    def backward(ctx, g):
        shifts, dims = ctx.meta
        return np.roll(g, np.negative(shifts), axis=dims)


class Repeat(Function):
    """z = a tiled ``repeats`` times along each dim;  dL/da = dL/dz summed over the copies.

    ``repeats`` may be longer than ``a.ndim``: ``a`` is then viewed with leading size-1 dims first.
    """

    @staticmethod
    def forward(ctx, a, *, repeats):
        ctx.meta = (a.shape, repeats)
        return np.tile(a, repeats)

    @staticmethod
    def backward(ctx, g):
        in_shape, repeats = ctx.meta
        padded = (1,) * (len(repeats) - len(in_shape)) + in_shape
        # Output dim i holds repeats[i] copies of padded[i] elements: split it in two, sum over the copies.
        split = tuple(n for pair in zip(repeats, padded) for n in pair)
        summed = g.reshape(split).sum(axis=tuple(range(0, 2 * len(repeats), 2)))
        return summed.reshape(in_shape)


def _gather_index(index: np.ndarray, dim: int) -> tuple:
    """A full advanced index that picks ``index`` along ``dim`` and position i along every other axis i.

    ``a[_gather_index(index, dim)]`` is PyTorch's ``gather``: ``out[i][j] = a[i][index[i][j]]`` for ``dim=1``.
    """
    return tuple(
        index if ax == dim else np.arange(n).reshape((-1,) + (1,) * (index.ndim - ax - 1))
        for ax, n in enumerate(index.shape)
    )


class Gather(Function):
    """z = a picked along ``dim`` by ``index`` (``z[i][j] = a[i][index[i][j]]`` for dim 1);  dL/da = dL/dz
    added at the picked positions (an index picked twice gets both gradients)."""

    @staticmethod
    def forward(ctx, a, *, dim, index):
        if a.ndim == 0:  # one element, and the only valid index is 0: z is a copied into index's shape
            ctx.meta = None
            return np.full(index.shape, a, dtype=a.dtype)
        picks = _gather_index(index, dim)
        ctx.meta = (a.shape, a.dtype, picks)
        return a[picks]

    @staticmethod
    def backward(ctx, g):
        if ctx.meta is None:
            return g.sum().reshape(())
        shape, dtype, picks = ctx.meta
        return placed(shape, dtype, picks, g, repeats=True)


class IndexSelect(Index):
    """z = a's slices at ``index`` (1-D) along ``dim``;  dL/da = dL/dz added back at those slices (a slice picked
    twice gets both gradients), as ``Index``."""

    @classmethod
    def node_name(cls):
        return "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, a, *, dim, index):
        return Index.forward(ctx, a, index=(slice(None),) * dim + (index,))


class Sort(Function):
    """z = a's values reordered along ``dim`` by ``order`` (computed by the caller);  dL/da = dL/dz put back
    where each value came from."""

    @staticmethod
    def forward(ctx, a, *, dim, order):
        return Gather.forward(ctx, a, dim=dim, index=order)

    @staticmethod
    def backward(ctx, g):
        return Gather.backward(ctx, g)


class Topk(Sort):
    """z = the ``k`` values of a along ``dim`` chosen by ``order``;  dL/da = dL/dz at their positions, 0 elsewhere."""


def _leading_block(shape: tuple) -> tuple:
    """The index of the leading block ``[:shape[0], :shape[1], ...]``: the part of ``src`` that ``scatter`` uses."""
    return tuple(slice(0, n) for n in shape)


class Scatter(Function):
    """z = a with ``z[index[i][j]][j] = src[i][j]`` (for dim 0; ``index`` picks along ``dim``);  dL/da = dL/dz
    with zeros where z was overwritten,  dL/dsrc = dL/dz read at the written positions (in src's leading block
    of index's shape). Repeated indices: one of the writes wins, as PyTorch leaves unspecified."""

    @staticmethod
    def forward(ctx, a, src, *, dim, index):
        picks = _gather_index(index, dim)
        ctx.meta = (picks, src.shape, _leading_block(index.shape))
        out = a.copy()
        out[picks] = src[_leading_block(index.shape)]
        return out

    @staticmethod
    def backward(ctx, g):
        picks, src_shape, block = ctx.meta
        na, ns = ctx.needs_input_grad
        ga = gs = None
        if na:
            ga = g.copy()
            ga[picks] = 0
        if ns:
            gs = np.zeros(src_shape, dtype=g.dtype)
            gs[block] = g[picks]
        return ga, gs


class ScatterValue(Function):
    """z = a with ``value`` written where ``index`` picks along ``dim``;  dL/da = dL/dz with zeros there.
    PyTorch's ``ScatterBackward1``."""

    @classmethod
    def node_name(cls):
        return "ScatterBackward1"

    @staticmethod
    def forward(ctx, a, *, dim, index, value):
        ctx.picks = _gather_index(index, dim)
        out = a.copy()
        out[ctx.picks] = value
        return out

    @staticmethod
    def backward(ctx, g):
        ga = g.copy()
        ga[ctx.picks] = 0
        return ga


class ScatterAdd(Function):
    """z = a with ``src[i][j]`` added at ``[index[i][j]][j]`` (for dim 0; repeats add up);  dL/da = dL/dz,
    dL/dsrc = dL/dz read at the positions each src element was added to."""

    @staticmethod
    def forward(ctx, a, src, *, dim, index):
        picks = _gather_index(index, dim)
        ctx.meta = (picks, src.shape, _leading_block(index.shape))
        out = a.copy()
        np.add.at(out, picks, src[_leading_block(index.shape)])
        return out

    @staticmethod
    def backward(ctx, g):
        picks, src_shape, block = ctx.meta
        na, ns = ctx.needs_input_grad
        gs = None
        if ns:
            gs = np.zeros(src_shape, dtype=g.dtype)
            gs[block] = g[picks]
        return (g if na else None), gs


class ScatterReduce(Function):
    """z = a with each ``src[i][j]`` combined into ``z[index[i][j]][j]`` (for dim 0) by ``reduce``: ``"add"``
    adds, ``"multiply"`` multiplies (repeats combine in turn). PyTorch has no derivative for this form of
    ``scatter``: its node is ``NotImplemented``, and backward through it raises PyTorch's error."""

    @classmethod
    def node_name(cls):
        return "NotImplemented"

    @staticmethod
    def forward(ctx, a, src, *, dim, index, reduce):
        out = a.copy()
        combine = np.add if reduce == "add" else np.multiply
        combine.at(out, _gather_index(index, dim), src[_leading_block(index.shape)])
        return out

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::scatter is not implemented")


class IndexAdd(Function):
    """z = a with ``alpha * source``'s slices added at the slices ``index`` along ``dim`` (repeats add up);
    dL/da = dL/dz,  dL/dsource = alpha * dL/dz's slices at ``index``."""

    @staticmethod
    def forward(ctx, a, source, *, dim, index, alpha=1):
        where = (slice(None),) * dim + (index,)
        ctx.meta = (where, alpha)
        out = a.copy()
        np.add.at(out, where, source if alpha == 1 else source * alpha)
        return out

    @staticmethod
    def backward(ctx, g):
        where, alpha = ctx.meta
        na, ns = ctx.needs_input_grad
        gs = None
        if ns:
            gs = g[where] if alpha == 1 else g[where] * alpha
        return (g if na else None), gs


class IndexFill(Function):
    """z = a with ``value`` in the slices ``index`` along ``dim``;  dL/da = dL/dz with zeros in those slices."""

    @staticmethod
    def forward(ctx, a, *, dim, index, value):
        ctx.where = (slice(None),) * dim + (index,)
        out = a.copy()
        out[ctx.where] = value
        return out

    @staticmethod
    def backward(ctx, g):
        ga = g.copy()
        ga[ctx.where] = 0
        return ga


class IndexFillTensor(Function):
    """z = a with the 0-d ``v`` in the slices ``index`` along ``dim``;  dL/da = dL/dz with zeros in those
    slices,  dL/dv = the sum of dL/dz over them. PyTorch's ``IndexFillBackward1``."""

    @classmethod
    def node_name(cls):
        return "IndexFillBackward1"

    @staticmethod
    def forward(ctx, a, v, *, dim, index):
        ctx.where = (slice(None),) * dim + (index,)
        ctx.v_dtype = v.dtype
        out = a.copy()
        out[ctx.where] = v
        return out

    @staticmethod
    def backward(ctx, g):
        ga = g.copy()
        ga[ctx.where] = 0
        return ga, g[ctx.where].sum().astype(ctx.v_dtype)


class MaskedSelect(Function):
    """z = the elements of a where ``mask`` is True, as a 1-D array in row-major order (a and mask of one
    shape);  dL/da = dL/dz placed back at those positions, zeros elsewhere."""

    @staticmethod
    def forward(ctx, a, *, mask):
        ctx.meta = (a.shape, a.dtype, mask)
        return a[mask]

    @staticmethod
    def backward(ctx, g):
        shape, dtype, mask = ctx.meta
        return placed(shape, dtype, mask, g)


def _diagonal_index(shape: tuple, offset: int, dim1: int, dim2: int) -> tuple:
    """The advanced index of the diagonal ``offset`` of the (dim1, dim2) planes of an array of ``shape``."""
    n1, n2 = shape[dim1], shape[dim2]
    start1, start2 = max(-offset, 0), max(offset, 0)
    length = max(min(n1 - start1, n2 - start2), 0)
    steps = np.arange(length)
    index = [slice(None)] * len(shape)
    index[dim1], index[dim2] = steps + start1, steps + start2
    return tuple(index)


class Diagonal(Function):
    """z = the diagonal ``offset`` of a's (dim1, dim2) planes, as the last dim;  dL/da = zeros with dL/dz on that
    diagonal. A view, as in PyTorch."""

    is_view = True

    @staticmethod
    def forward(ctx, a, *, offset, dim1, dim2):
        ctx.meta = (a.shape, a.dtype, offset, dim1, dim2)
        out = np.diagonal(a, offset, dim1, dim2)
        out.flags.writeable = a.flags.writeable  # numpy hands out its diagonal views read-only
        return out

    @staticmethod
    def backward(ctx, g):
        shape, dtype, offset, dim1, dim2 = ctx.meta
        out = np.zeros(shape, dtype=dtype)
        # With the two dims moved to the front (a view of out), the diagonal's index puts its steps first.
        moved = np.moveaxis(out, (dim1, dim2), (0, 1))
        moved[_diagonal_index(moved.shape, offset, 0, 1)] = np.moveaxis(g, -1, 0)
        return out


class DiagEmbed(Function):
    """z = a square matrix with the 1-D a on its diagonal ``offset`` and zeros elsewhere;  dL/da = dL/dz's
    diagonal ``offset``. What ``diag`` of a vector records (``DiagEmbedBackward0``)."""

    @staticmethod
    def forward(ctx, a, *, offset):
        n = a.shape[0] + abs(offset)
        ctx.offset = offset
        out = np.zeros((n, n), dtype=a.dtype)
        out[_diagonal_index((n, n), offset, 0, 1)] = a
        return out

    @staticmethod
    def backward(ctx, g):
        return np.diagonal(g, ctx.offset).copy()


# ---- what in-place writes record (Tensor.fill_, zero_, copy_, and any in-place op on a view) ---------------------
class Fill(Function):
    """z = ``value`` everywhere, in a's shape and dtype;  dL/da = 0 (every value of a was overwritten)."""

    @classmethod
    def node_name(cls):
        return "FillBackward0"

    @staticmethod
    def forward(ctx, a, *, value):
        return np.full(a.shape, value, dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Zero(Fill):
    """z = 0 in a's shape and dtype;  dL/da = 0. PyTorch's ``ZeroBackward0``."""

    @classmethod
    def node_name(cls):
        return "ZeroBackward0"


class Copy(Function):
    """z = src broadcast to a's shape, in a's dtype;  dL/da = 0,  dL/dsrc = dL/dz summed back to src's shape."""

    @classmethod
    def node_name(cls):
        return "CopyBackwards"

    @staticmethod
    def forward(ctx, a, src):
        ctx.src = (src.shape, src.dtype)
        return np.broadcast_to(src, a.shape).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        shape, dtype = ctx.src
        gs = unbroadcast(g, shape).astype(dtype, copy=False) if dtype.kind == "f" else None
        return np.zeros_like(g), gs


class CopySlices(Function):
    """base, written through one of its views: z = base with ``src`` at ``positions`` (the flat indices of base
    that the view covers; the values are already in base's memory, so forward only returns base);
    dL/dbase = dL/dz with zeros at those positions (overwritten),  dL/dsrc = dL/dz read at them."""

    @staticmethod
    def forward(ctx, base, src, *, positions):
        ctx.positions = positions
        return base

    @staticmethod
    def backward(ctx, g):
        flat = np.array(g, order="C").reshape(-1)
        g_src = flat[ctx.positions]
        flat[ctx.positions] = 0
        return flat.reshape(g.shape), g_src
