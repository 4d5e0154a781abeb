"""``minigrad.<op>(tensor, ...)`` functions: the PyTorch-style free functions over Tensor methods."""

from __future__ import annotations

from typing import Any

from minigrad import ops
from minigrad.ops._util import wrap_dim
from minigrad.tensor import Tensor, _promote_types, matmul, maximum, minimum, to_array, where

__all__ = [
    "add", "sub", "mul", "div", "true_divide", "pow", "neg", "exp", "log", "sqrt", "reciprocal", "rsqrt", "square",
    "sign", "abs", "sin", "cos", "tanh", "logsumexp", "tril", "triu",
    "sigmoid", "relu", "clamp", "clip", "sum", "mean", "max", "min", "var", "std", "argmax", "argmin", "softmax",
    "log_softmax", "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "permute", "stack", "cat",
    "concat", "where", "matmul", "mm", "bmm", "maximum", "minimum", "split", "chunk", "unbind", "clone", "numel",
    "is_tensor", "allclose", "equal", "t", "flip", "roll", "cumsum", "topk", "sort", "argsort", "gather",
    "index_select",
]


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


def neg(input: Tensor) -> Tensor:
    """-input."""
    return -input


def exp(input: Tensor) -> Tensor:
    """e ** input, elementwise."""
    return input.exp()


def log(input: Tensor) -> Tensor:
    """Natural log, elementwise."""
    return input.log()


def sqrt(input: Tensor) -> Tensor:
    """Square root, elementwise."""
    return input.sqrt()


def reciprocal(input: Tensor) -> Tensor:
    """``1 / input``, elementwise (integers give the default float dtype)."""
    return input.reciprocal()


def rsqrt(input: Tensor) -> Tensor:
    """``1 / sqrt(input)``, elementwise."""
    return input.rsqrt()


def square(input: Tensor) -> Tensor:
    """``input ** 2``, elementwise."""
    return input.square()


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of each element; its gradient is 0."""
    return input.sign()


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim`` (int or tuple), without overflow."""
    return input.logsumexp(dim, keepdim)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input`` with the elements above diagonal ``diagonal`` of its last two dims set to 0."""
    return input.tril(diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input`` with the elements below diagonal ``diagonal`` of its last two dims set to 0."""
    return input.triu(diagonal)


def abs(input: Tensor) -> Tensor:
    """Absolute value, elementwise."""
    return input.abs()


def sin(input: Tensor) -> Tensor:
    """Sine, elementwise."""
    return input.sin()


def cos(input: Tensor) -> Tensor:
    """Cosine, elementwise."""
    return input.cos()


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent, elementwise."""
    return input.tanh()


def sigmoid(input: Tensor) -> Tensor:
    """Logistic sigmoid, elementwise."""
    return input.sigmoid()


def relu(input: Tensor) -> Tensor:
    """max(input, 0), elementwise."""
    return input.relu()


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit every element to [min, max]."""
    return input.clamp(min, max)


clip = clamp


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """Sum over ``dim`` (all dims when None)."""
    return input.sum(dim, keepdim, dtype=dtype)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Mean over ``dim`` (all dims when None)."""
    return input.mean(dim, keepdim)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """Largest element, ``(values, indices)`` along ``dim``, or the elementwise max of two tensors."""
    return input.max(dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """Smallest element, ``(values, indices)`` along ``dim``, or the elementwise min of two tensors."""
    return input.min(dim, keepdim)


def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Variance over ``dim`` with Bessel's correction by default."""
    return input.var(dim, unbiased, keepdim, correction=correction)


def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Standard deviation over ``dim``."""
    return input.std(dim, unbiased, keepdim, correction=correction)


def argmax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (along ``dim``)."""
    return input.argmax(dim, keepdim)


def argmin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element (along ``dim``)."""
    return input.argmin(dim, keepdim)


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Softmax along ``dim``."""
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Log-softmax along ``dim``."""
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def reshape(input: Tensor, shape: Any) -> Tensor:
    """``input.reshape(shape)``."""
    return input.reshape(shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """``input.flatten(start_dim, end_dim)``."""
    return input.flatten(start_dim, end_dim)


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """``input.squeeze(dim)``."""
    return input.squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """``input.unsqueeze(dim)``."""
    return input.unsqueeze(dim)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input.transpose(dim0, dim1)``."""
    return input.transpose(dim0, dim1)


def t(input: Tensor) -> Tensor:
    """``input.t()``."""
    return input.t()


def permute(input: Tensor, dims: Any) -> Tensor:
    """``input.permute(dims)``."""
    return input.permute(dims)


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
    dt = ts[0].data.dtype
    for x in ts[1:]:
        dt = _promote_types(dt, x.data.dtype)
    return [x if x.data.dtype == dt else x.to(dt) for x in ts]


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """Join equally shaped tensors along a new dim ``dim``: k tensors of shape S give ``S[:dim] + (k,) + S[dim:]``."""
    ts = _sequence(tensors, "stack")
    first = ts[0].data.shape
    for i, x in enumerate(ts[1:], 1):
        if x.data.shape != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                f"{list(x.data.shape)} at entry {i}"
            )
    d = dim % (len(first) + 1) if -len(first) - 1 <= dim <= len(first) else wrap_dim(dim, len(first) + 1)
    return ops.Stack.apply(*_common_dtype(ts), dim=d)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """Join tensors along existing dim ``dim``; every other dim must match."""
    ts = _sequence(tensors, "cat")
    ts = [x for x in ts if not (x.data.ndim == 1 and x.data.shape[0] == 0)] or ts[:1]
    nd = ts[0].data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, nd)
    ref = ts[0].data.shape
    for i, x in enumerate(ts[1:], 1):
        s = x.data.shape
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
    return ops.Cat.apply(*_common_dtype(ts), dim=d)


concat = cat


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """2-D matrix product ``(n, k) @ (k, m) -> (n, m)``."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    return matmul(input, mat2)


def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """``input.index_select(dim, index)``: the slices at ``index`` (1-D) along ``dim``."""
    return input.index_select(dim, index)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product ``(b, n, k) @ (b, k, m) -> (b, n, m)``; see ``Tensor.bmm``."""
    return input.bmm(mat2)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor.split(split_size_or_sections, dim)``."""
    return tensor.split(split_size_or_sections, dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input.chunk(chunks, dim)``."""
    return input.chunk(chunks, dim)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """``input.unbind(dim)``."""
    return input.unbind(dim)


def clone(input: Tensor) -> Tensor:
    """A differentiable copy."""
    return input.clone()


def numel(input: Tensor) -> int:
    """Number of elements."""
    return input.numel()


def is_tensor(obj: Any) -> bool:
    """True for a minigrad Tensor."""
    return isinstance(obj, Tensor)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08) -> bool:
    """True when every element satisfies ``|input - other| <= atol + rtol * |other|``."""
    return input.allclose(other, rtol, atol)


def equal(input: Tensor, other: Tensor) -> bool:
    """True when shapes and elements are equal."""
    return input.equal(other)


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


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift the elements along ``dims``, wrapping around; same shape (see ``Tensor.roll``).

    Args:
        input: a tensor of any shape.
        shifts: an int or a tuple of ints, one per dim in ``dims``.
        dims: an int, a tuple of ints, or None (the flattened tensor).
    """
    return input.roll(shifts, dims)


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Cumulative sum along ``dim``; same shape (see ``Tensor.cumsum``).

    Args:
        input: a tensor of any shape.
        dim: the dim to sum along.
        dtype: the output dtype (int64 for integer and bool inputs by default).
    """
    return input.cumsum(dim, dtype=dtype)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """``(values, indices)`` of the ``k`` largest (or smallest) elements along ``dim`` (see ``Tensor.topk``).

    Args:
        input: a tensor of any shape.
        k: how many elements to keep; ``dim`` has size ``k`` in both outputs.
        dim: the dim to select along.
        largest: the largest elements when True, else the smallest.
        sorted: accepted for PyTorch's signature; the elements always come sorted.
    """
    return input.topk(k, dim, largest, sorted)


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Any:
    """``(values, indices)`` of ``input`` sorted along ``dim``, both of its shape (see ``Tensor.sort``).

    Args:
        input: a tensor of any shape.
        dim: the dim to sort along.
        descending: largest first when True.
        stable: accepted for PyTorch's signature; every sort here is stable.
    """
    return input.sort(dim, descending, stable=stable)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """The int64 indices that sort ``input`` along ``dim``, of its shape (see ``Tensor.argsort``).

    Args:
        input: a tensor of any shape.
        dim: the dim to sort along.
        descending: largest first when True.
        stable: accepted for PyTorch's signature; every sort here is stable.
    """
    return input.argsort(dim, descending, stable=stable)


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """Values of ``input`` picked along ``dim`` by ``index``; ``index``'s shape (see ``Tensor.gather``).

    Args:
        input: a tensor of any shape.
        dim: the dim to pick along.
        index: an int64 tensor with as many dims as ``input``.
        sparse_grad: accepted for PyTorch's signature; gradients are always dense.
    """
    return input.gather(dim, index)
