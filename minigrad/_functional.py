"""``minigrad.<op>(tensor, ...)``: the PyTorch-style functions over tensors.

Most of them are a ``Tensor`` method called on their first argument (``minigrad.tanh(x)`` is ``x.tanh()``): those
are made here from the table ``METHOD_FORMS``, one name per op, with the method's docstring and signature
(``self`` named ``input``). To give a new op both spellings, write the ``Tensor`` method and add its name to the
table. Below the table, the functions whose function form differs from the method (``stack``, ``cat``, ``add``
with ``alpha``, ...), written out.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.autograd.function import saved_as_in_pytorch
from minigrad.dtypes import cpp_type_name, scalar_type_name
from minigrad.ops import wrap_dim
from minigrad.tensor import Tensor, _promote_types, _promoted, matmul, maximum, minimum, to_array, where

#: ``minigrad.<name>(input, *args, **kwargs)`` is ``input.<name>(*args, **kwargs)``, by kind of op.
METHOD_FORMS = {
    "elementwise": [
        "neg", "exp", "log", "sqrt", "reciprocal", "rsqrt", "square", "sign", "abs", "sin", "cos", "tanh", "sigmoid",
        "relu", "clamp", "clip", "erf", "erfc", "erfinv", "log1p", "expm1", "log2", "log10", "exp2", "tan", "asin",
        "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh",
        "arccosh", "arctanh", "floor", "ceil", "trunc", "fix", "round", "frac", "atan2", "arctan2", "hypot",
        "remainder", "fmod", "xlogy",
    ],
    "reductions": ["sum", "mean", "max", "min", "var", "std", "argmax", "argmin", "logsumexp", "cumsum", "prod",
                   "norm"],
    "shape and indexing": [
        "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "t", "permute", "chunk", "unbind", "clone",
        "roll", "tril", "triu", "topk", "sort", "argsort", "gather", "index_select", "select", "narrow", "nonzero",
        "masked_select", "repeat_interleave", "tile", "diff", "scatter", "scatter_add", "index_add", "index_fill",
    ],
    "linear algebra": ["bmm", "mm", "addmm", "baddbmm", "outer", "ger", "addcmul", "addcdiv", "lerp"],
    "comparison and size": ["numel", "allclose", "equal", "isnan", "isinf", "isfinite", "isclose", "nan_to_num"],
    "diagonals, moving and counting": [
        "cumprod", "diag", "diagonal", "movedim", "moveaxis", "swapaxes", "tensor_split", "take", "rot90", "kron",
        "unique", "bincount",
    ],
}


def _method_form(name: str) -> Callable[..., Any]:
    """``minigrad.<name>``: calls ``Tensor.<name>`` on its first argument, which must be a tensor."""
    method = getattr(Tensor, name)

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return method(input, *args, **kwargs)

    signature = inspect.signature(method)
    first, *rest = signature.parameters.values()
    function.__signature__ = signature.replace(parameters=[first.replace(name="input"), *rest])
    function.__name__ = function.__qualname__ = name
    function.__doc__ = method.__doc__
    function.__wrapped__ = method  # documented as the method (docs/api/minigrad.md)
    return function


# The functions written out below.
__all__ = [
    "add", "sub", "mul", "div", "true_divide", "pow", "softmax", "log_softmax", "stack", "cat", "concat", "where",
    "matmul", "einsum", "tensordot", "meshgrid", "cartesian_prod", "cdist", "hstack", "vstack", "dstack",
    "atleast_1d", "atleast_2d", "atleast_3d", "searchsorted", "bucketize", "maximum", "minimum", "split",
    "is_tensor", "flip",
]

for _names in METHOD_FORMS.values():
    for _name in _names:
        globals()[_name] = _method_form(_name)
        __all__.append(_name)


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(to_array(x), False)


def add(input: Any, other: Any, alpha: Any = 1) -> Tensor:
    """input + alpha * other (broadcast)."""
    return _t(input) + (other if alpha == 1 else other * alpha)


def sub(input: Any, other: Any, alpha: Any = 1) -> Tensor:
    """input - alpha * other (broadcast)."""
    return _t(input) - (other if alpha == 1 else other * alpha)


def mul(input: Any, other: Any) -> Tensor:
    """input * other (broadcast)."""
    return _t(input) * other


def div(input: Any, other: Any) -> Tensor:
    """input / other (broadcast; true division)."""
    return _t(input) / other


true_divide = div


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent (broadcast)."""
    return _t(input) ** exponent


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Softmax along ``dim``."""
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Log-softmax along ``dim``."""
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def _sequence(tensors: Any, name: str) -> list[Tensor]:
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    ts = [_t(x) for x in tensors]
    if not ts:
        if name == "cat":
            raise ValueError("minigrad.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return ts


def _common_dtype(ts: list[Tensor]) -> list[Tensor]:
    dt = ts[0]._data.dtype
    for x in ts[1:]:
        dt = _promote_types(dt, x._data.dtype)
    return [_promoted(x, dt) for x in ts]


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """Join equally shaped tensors along a new dim ``dim``: k tensors of shape S give ``S[:dim] + (k,) + S[dim:]``."""
    ts = _sequence(tensors, "stack")
    first = ts[0]._data.shape
    wrap_dim(dim, len(first) + 1)  # the dim is checked before the sizes, as in PyTorch
    for i, x in enumerate(ts[1:], 1):
        if x._data.shape != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                f"{list(x._data.shape)} at entry {i}"
            )
    d = dim % (len(first) + 1) if -len(first) - 1 <= dim <= len(first) else wrap_dim(dim, len(first) + 1)
    return ops.Stack.apply(*_common_dtype(ts), dim=d)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """Join tensors along existing dim ``dim``; every other dim must match."""
    ts = _sequence(tensors, "cat")
    for i, x in enumerate(ts):  # checked before the dim, as PyTorch
        if x._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    empty = [x for x in ts if x._data.ndim == 1 and x._data.shape[0] == 0]  # legacy: a (0,) tensor joins anything
    only_empty = len(empty) == len(ts)
    ts = [x for x in ts if not (x._data.ndim == 1 and x._data.shape[0] == 0)] or ts[:1]
    nd = ts[0]._data.ndim
    d = 0 if only_empty else wrap_dim(dim, nd)  # nothing but (0,) tensors: any dim will do
    ref = ts[0]._data.shape
    for i, x in enumerate(ts[1:], 1):
        s = x._data.shape
        if len(s) != nd:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {nd} and {len(s)}"
            )
        for k in range(nd):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref[k]} but got size "
                    f"{s[k]} for tensor number {i} in the list."
                )
    # an empty input still counts for the dtype and the graph: reshaped to (..., 0 at dim, ...) it adds nothing
    ts += [x.reshape(ref[:d] + (0,) + ref[d + 1:]) for x in empty if ts[0] is not x]
    return ops.Cat.apply(*_common_dtype(ts), dim=d)


concat = cat


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products over the letters the ``equation`` names, as numpy's ``einsum``: ``'ij,jk->ik'`` is a matrix
    product, ``'bij->bji'`` a transpose, ``'ii'`` a trace; ``...`` stands for the dims not named. The operands
    (one tensor per term, or one list of them) must share a dtype. Differentiable in every operand."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ts = [_t(x) for x in operands]
    _check_einsum_letters(equation)
    terms = equation.replace(" ", "").partition("->")[0].split(",")
    if len(ts) != len(terms):
        more = "more" if len(ts) > len(terms) else "fewer"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the equation")
    for i, (term, x) in enumerate(zip(terms, ts)):
        named = len(term.replace("...", ""))
        if ("..." in term and named > x.ndim) or ("..." not in term and named != x.ndim):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) "
                + ("is more than" if "..." in term else "does not match")
                + f" the number of dimensions ({x.ndim}) for operand {i}"
                + ("" if "..." in term else " and no ellipsis was given")
            )
    expanded, out = ops.einsum_subscripts(equation, [x.ndim for x in ts])
    for c in out:
        if c not in "".join(expanded):
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input operand")
        if out.count(c) > 1:
            raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    size: dict = {}
    for i, (term, x) in enumerate(zip(expanded, ts)):
        own: dict = {}
        for c, n in zip(term, x.shape):
            if own.setdefault(c, n) != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the sizes don't match, "
                                   f"{n} != {own[c]}")
            seen = size.setdefault(c, n)
            if seen != n and 1 not in (seen, n):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not broadcast "
                                   f"with previously seen size {seen}")
            size[c] = n if seen == 1 else seen
    if len(ts) == 1 and set(expanded[0]) == set(out):
        return _einsum_view(ts[0], expanded[0], out)
    for x in ts[1:]:
        if x._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(
                f"expected scalar type {scalar_type_name(ts[0]._data.dtype)} "
                f"but found {scalar_type_name(x._data.dtype)}"
            )
    return ops.Einsum.apply(*ts, equation=equation)


def _check_einsum_letters(equation: str) -> None:
    """PyTorch's errors for a character that is not a subscript: anything but letters, commas, one ``->`` and
    whole ellipses."""
    arrow = equation.find("->")
    for i, c in enumerate(equation):
        if not (c.isascii() and c.isalpha()) and c not in " ,." and not (arrow >= 0 and i in (arrow, arrow + 1)):
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts "
                               "must be in [a-zA-Z]")
    lhs, _, rhs = equation.replace(" ", "").partition("->")
    for k, term in enumerate(lhs.split(",") + ([rhs] if arrow >= 0 else [])):
        who = "output" if k == len(lhs.split(",")) else f"operand {k}"
        rest = term.replace("...", "", 1)
        if "." in rest:
            if "..." not in term or term.find(".") < term.find("..."):
                end = "(...)" if who == "output" else ""
                raise RuntimeError(f"einsum(): found '.' for {who} that is not part of any ellipsis {end}".rstrip())
            raise RuntimeError(f"einsum(): found '.' for {who} " + (
                "but an ellipsis (...) was already found" if who == "output" else "for which an ellipsis was "
                                                                                   "already found"))


def _einsum_view(x: Tensor, term: str, out: str) -> Tensor:
    """A one-operand einsum that sums nothing is a view, as in PyTorch: a diagonal for each repeated letter
    (``'ii->i'``), then a permute to the output's order (``'ij->ji'``)."""
    letters = list(term)
    while len(set(letters)) != len(letters):
        c = next(c for c in letters if letters.count(c) > 1)
        i = letters.index(c)
        j = letters.index(c, i + 1)
        x = x.diagonal(0, i, j)  # the diagonal becomes the last dim
        letters = [c_ for k, c_ in enumerate(letters) if k not in (i, j)] + [c]
    return x.permute(*[letters.index(c) for c in out])


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor.split(split_size_or_sections, dim)``."""
    return tensor.split(split_size_or_sections, dim)


def is_tensor(obj: Any) -> bool:
    """True for a minigrad Tensor."""
    return isinstance(obj, Tensor)


# Re-exported here so ``minigrad.where`` etc. live beside the other functions.
where = where
matmul = matmul
maximum = maximum
minimum = minimum


def flip(input: Tensor, dims: Any) -> Tensor:
    """Reverse the order of the elements along each of ``dims``; same shape (see ``Tensor.flip``).

    Args:
        input: a tensor of any shape.
        dims: a list or tuple of dims to reverse.
    """
    if not isinstance(dims, (tuple, list)):  # the method takes flip(0); the function wants a sequence
        raise TypeError(f"flip(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}")
    return input.flip(tuple(dims))




def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Sum of products over pairs of dims: ``dims=k`` pairs a's last k dims with b's first k, ``dims=([...],
    [...])`` names the pairs. Shape: a's other dims then b's other dims. Made of permute, reshape and matmul."""
    if isinstance(dims, (int,)) or (isinstance(dims, Tensor) and dims.ndim == 0):
        k = int(dims)
        if k < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={k}")
        da, db = list(range(a.ndim - k, a.ndim)), list(range(k))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    da, db = [wrap_dim(d, a.ndim) for d in da], [wrap_dim(d, b.ndim) for d in db]
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {x} and second has "
                f"size {b.shape[y]} in dim {y}"
            )
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    free_a = [d for d in range(a.ndim) if d not in da]
    free_b = [d for d in range(b.ndim) if d not in db]
    n = 1
    for d in da:
        n *= a.shape[d]
    left = a.permute(*free_a, *da).reshape(-1, n)
    right = b.permute(*db, *free_b).reshape(n, -1)
    return (left @ right).reshape(*[a.shape[d] for d in free_a], *[b.shape[d] for d in free_b])


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Grids from 1-D tensors of sizes n1, n2, ...: each output has shape ``(n1, n2, ...)`` and varies along its
    own dim (``indexing='ij'``); ``'xy'`` swaps the first two dims. Without ``indexing`` PyTorch warns and uses
    'ij'."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "minigrad.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
            UserWarning, stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"minigrad.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    ts = [_t(x) for x in tensors]
    for x in ts:
        if x.ndim > 1:
            raise RuntimeError(f"minigrad.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {x!r}")
    if any(x._data.dtype != ts[0]._data.dtype for x in ts):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    ts = [x.reshape(-1) for x in ts]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    sizes = [x.shape[0] for x in ts]
    out = [x.reshape(*[-1 if j == i else 1 for j in range(len(ts))]).expand(*sizes) for i, x in enumerate(ts)]
    if swap:  # the grids of the swapped inputs, handed back in the callers' order
        out[0], out[1] = out[1], out[0]
    return tuple(out)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-D tensor, in order: ``(n1 * n2 * ..., k)`` for k tensors
    (a single tensor is returned as it is)."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"
          ) -> Tensor:
    """Distances between every row of ``x1`` ``(*, P, M)`` and every row of ``x2`` ``(*, R, M)``: ``(*, P, R)``,
    the p-norm of their difference (p >= 0; inf for the largest difference). The gradient at a zero distance
    is 0."""
    for name, x in (("X1", x1), ("X2", x2)):
        if not x.is_floating_point():
            kind = scalar_type_name(x._data.dtype)
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {kind}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    diff = (x1.unsqueeze(-2) - x2.unsqueeze(-3)).abs()  # (*, P, R, M); raises PyTorch's batch-broadcast error
    if x1._data.dtype != x2._data.dtype and diff._data.size:  # empty results skip PyTorch's kernels and the check
        a, b = (scalar_type_name(x._data.dtype) for x in (x1, x2))
        if p == 2 and compute_mode != "donot_use_mm_for_euclid_dist" and (
                compute_mode == "use_mm_for_euclid_dist" or x1.shape[-2] > 25 or x2.shape[-2] > 25):
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {cpp_type_name(x1._data.dtype)}"
                               f" != {cpp_type_name(x2._data.dtype)}")
        raise RuntimeError(f"expected scalar type {a} but found {b}")
    diff = diff.to(x1.dtype)
    if p == 0:
        out = (diff != 0).sum(-1).to(x1.dtype)
    elif p == float("inf"):
        out = diff.max(-1)[0]
    elif p == 1:
        out = diff.sum(-1)
    else:
        total = (diff ** p).sum(-1)
        positive = Tensor._make(total._data != 0, False)  # nan (inf - inf) stays nan
        safe = where(positive, total, 1.0)  # no inf * 0 in the gradient at a zero distance
        out = where(positive, safe ** (1.0 / p), 0.0)
    return saved_as_in_pytorch(out, x1, x2, out)  # PyTorch's CdistBackward0 reads both inputs and the result


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least one dim (a 0-d tensor becomes shape (1,)); one tensor in, one out."""
    out = tuple(_t(x) if _t(x).ndim >= 1 else _t(x).reshape(1) for x in _unpack(tensors))
    return out[0] if len(out) == 1 else out


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least two dims: 0-d becomes (1, 1), (n,) becomes (1, n)."""
    out = tuple(x if x.ndim >= 2 else x.reshape(1, -1) for x in map(_t, _unpack(tensors)))
    return out[0] if len(out) == 1 else out


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least three dims: 0-d becomes (1, 1, 1), (n,) (1, n, 1), (m, n) (m, n, 1)."""
    def lift(x: Tensor) -> Tensor:
        if x.ndim == 0:
            return x.reshape(1, 1, 1)
        if x.ndim == 1:
            return x.reshape(1, -1, 1)
        return x.unsqueeze(-1) if x.ndim == 2 else x

    out = tuple(lift(_t(x)) for x in _unpack(tensors))
    return out[0] if len(out) == 1 else out


def _unpack(tensors: tuple) -> tuple:
    return tuple(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors


def hstack(tensors: Any) -> Tensor:
    """Join along dim 1 (along dim 0 for 1-D tensors), after ``atleast_1d``."""
    ts = _sequence(tensors, "hstack")
    ts = [atleast_1d(x) for x in ts]
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """Join along dim 0, after ``atleast_2d`` (1-D tensors become rows)."""
    return cat([atleast_2d(x) for x in _sequence(tensors, "vstack")], 0)


def dstack(tensors: Any) -> Tensor:
    """Join along dim 2, after ``atleast_3d``."""
    return cat([atleast_3d(x) for x in _sequence(tensors, "dstack")], 2)


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """Where each value of ``input`` would go in ``sorted_sequence`` (1-D, or one sorted row per leading index
    of ``input``) to keep it sorted: the first such place, or with ``right``/``side='right'`` the last. int64
    (int32 with ``out_int32``), of input's shape."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"minigrad.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("minigrad.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    vals = input._data if isinstance(input, Tensor) else np.asarray(input)
    how = "right" if right else "left"
    if seq.ndim == 1:
        out = np.searchsorted(seq, vals, side=how)
    else:
        if seq.shape[:-1] != vals.shape[:-1]:
            raise RuntimeError(
                "minigrad.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                f"{list(seq.shape)} and input value tensor {list(vals.shape)}"
            )
        rows_s, rows_v = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(r, v, side=how) for r, v in zip(rows_s, rows_v)]).reshape(vals.shape)
    return Tensor._make(np.asarray(out).astype(np.int32 if out_int32 else np.int64), False)


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each value among the 1-D sorted ``boundaries``: i with ``boundaries[i-1] < x <=
    boundaries[i]`` (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``). int64, of input's shape."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
