"""``minigrad.<op>(tensor, ...)``: the PyTorch-style functions over tensors.

Most of them are a ``Tensor`` method called on their first argument (``minigrad.tanh(x)`` is ``x.tanh()``): those
are made here from the table ``METHOD_FORMS``, one name per op, with the method's docstring and signature
(``self`` named ``input``). To give a new op both spellings, write the ``Tensor`` method and add its name to the
table. Below the table, the functions whose function form differs from the method (``stack``, ``cat``, ``add``
with ``alpha``, ...), written out.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from minigrad import ops
from minigrad.ops import wrap_dim
from minigrad.tensor import Tensor, _promote_types, matmul, maximum, minimum, to_array, where

#: ``minigrad.<name>(input, *args, **kwargs)`` is ``input.<name>(*args, **kwargs)``, by kind of op.
METHOD_FORMS = {
    "elementwise": [
        "neg", "exp", "log", "sqrt", "reciprocal", "rsqrt", "square", "sign", "abs", "sin", "cos", "tanh", "sigmoid",
        "relu", "clamp", "clip",
    ],
    "reductions": ["sum", "mean", "max", "min", "var", "std", "argmax", "argmin", "logsumexp", "cumsum"],
    "shape and indexing": [
        "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "t", "permute", "chunk", "unbind", "clone",
        "roll", "tril", "triu", "topk", "sort", "argsort", "gather", "index_select",
    ],
    "linear algebra": ["bmm"],
    "comparison and size": ["numel", "allclose", "equal"],
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
    "matmul", "mm", "maximum", "minimum", "split", "is_tensor", "flip",
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
    dt = ts[0].data.dtype
    for x in ts[1:]:
        dt = _promote_types(dt, x.data.dtype)
    return [x if x.data.dtype == dt else x.to(dt) for x in ts]


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """Join equally shaped tensors along a new dim ``dim``: k tensors of shape S give ``S[:dim] + (k,) + S[dim:]``."""
    ts = _sequence(tensors, "stack")
    first = ts[0].data.shape
    wrap_dim(dim, len(first) + 1)  # the dim is checked before the sizes, as in PyTorch
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
    empty = [x for x in ts if x.data.ndim == 1 and x.data.shape[0] == 0]  # legacy: a (0,) tensor joins anything
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
    # an empty input that requires grad still joins the graph: reshaped to (..., 0 at dim, ...) it adds nothing
    ts += [x.reshape(ref[:d] + (0,) + ref[d + 1:]) for x in empty if x.requires_grad and ts[0] is not x]
    return ops.Cat.apply(*_common_dtype(ts), dim=d)


concat = cat


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """2-D matrix product ``(n, k) @ (k, m) -> (n, m)``."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    return matmul(input, mat2)


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


