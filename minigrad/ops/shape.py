"""Shape and indexing primitives: reshape, transpose, permute, expand, squeeze, indexing, stack, cat, cast."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops._util import placed


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
        return np.swapaxes(a, *dims)

    @staticmethod
    def backward(ctx, g):
        return np.swapaxes(g, *ctx.dims)


class TransposeT(Transpose):
    """``t()``: the transpose of a 2-D tensor, named ``TBackward0`` like PyTorch's."""

    @classmethod
    def node_name(cls):
        return "TBackward0"


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
        return a[index]

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
