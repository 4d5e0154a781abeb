"""``minigrad.nn.functional``: the layers and losses as plain functions, built from the primitives in ``minigrad.ops``.

Nothing here has a backward of its own: every function composes tensor operations (matmul, log_softmax,
indexing, where, ...), so the engine differentiates it and ``gradcheck`` can check it. The modules in
``minigrad.nn`` call these functions in their ``forward``.

    >>> import minigrad.nn.functional as F
    >>> F.cross_entropy(logits, labels)          # logits (N, C), labels (N,) int64 -> scalar
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.autograd.function import raise_broadcast_error
from minigrad.autograd.grad_mode import is_grad_enabled, no_grad
from minigrad.creation import default_generator
from minigrad.dtypes import cpp_type_name, scalar_type_name
from minigrad.nn import _reduction
from minigrad.ops._util import wrap_dim
from minigrad.tensor import Tensor, where

__all__ = [
    "linear", "tanh", "sigmoid", "relu", "softmax", "log_softmax", "dropout", "one_hot", "embedding",
    "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy",
]

def _type_name(t: Tensor | np.dtype, cpp: bool = False) -> str:
    """``'Float'`` (or ``'float'`` with ``cpp=True``) for a float32 tensor or dtype, as PyTorch names it."""
    dt = t.data.dtype if isinstance(t, Tensor) else np.dtype(t)
    return cpp_type_name(dt) if cpp else scalar_type_name(dt)


def _const(array: Any, dtype: np.dtype) -> Tensor:
    """A constant tensor (no gradient) holding ``array`` in ``dtype``."""
    return Tensor._make(np.asarray(array, dtype=dtype), False)


# ---- linear -------------------------------------------------------------------------------------------------
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """The affine map ``y = input @ weight^T + bias``.

    Shapes: ``input (*, in_features)``, ``weight (out_features, in_features)``, ``bias (out_features,)`` or None
    -> ``(*, out_features)``. A 1-D input ``(in_features,)`` gives ``(out_features,)``. (A 1-D ``weight
    (in_features,)`` without bias gives ``(*)``, as in PyTorch.)

    Errors use PyTorch's words; a wrong last size names the input flattened to 2-D and ``weight^T``:
    ``mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)``.
    """
    nd, wd = input.ndim, weight.ndim
    if nd == 0 or wd == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {nd}D and {wd}D")
    if wd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {wd}D")
    if wd == 1 and bias is not None:
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    _check_linear_dtypes(input, weight, bias)
    rows = math.prod(input.shape[:-1])
    if wd == 2 and input.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]})"
        )
    if bias is not None:
        # PyTorch adds the bias to the (rows, out_features) product, so a bias that cannot expand to that shape
        # fails with expand's message; expanding a detached view reuses that exact check.
        bias.detach().expand(rows, weight.shape[0])
        if nd == 2:  # one fused node, AddmmBackward0, as PyTorch records it
            return ops.Addmm.apply(bias, input, weight.t())
        if wd == 2:  # other ranks as PyTorch too: folded to 2-D, AddmmBackward0, then ViewBackward0 back
            flat = ops.Addmm.apply(bias, input.reshape(rows, input.shape[-1]), weight.t())
            return flat.reshape(*input.shape[:-1], weight.shape[0])
    out = input @ (weight.t() if wd == 2 else weight)
    return out if bias is None else out + bias


def _check_linear_dtypes(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    di, dw = input.data.dtype, weight.data.dtype
    if bias is None:
        if di != dw:
            raise RuntimeError(
                f"expected m1 and m2 to have the same dtype, but got: {_type_name(di, True)} != "
                f"{_type_name(dw, True)}"
            )
        return
    if di != dw:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_type_name(di)} and {_type_name(dw)}"
        )
    if bias.data.dtype != dw:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {_type_name(bias)} and {_type_name(dw)}"
        )


# ---- activations --------------------------------------------------------------------------------------------
def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent, elementwise. Shape: any -> same."""
    return input.tanh()


def sigmoid(input: Tensor) -> Tensor:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, elementwise. Shape: any -> same."""
    return input.sigmoid()


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``, elementwise (gradient 0 at x <= 0). Shape: any -> same.

    With ``inplace=True`` the result is written into ``input`` (which is returned); like PyTorch this fails on a
    leaf that requires grad, and a later backward through an op that saved the old values raises.
    """
    if not inplace:
        return input.relu()
    if is_grad_enabled() and input.requires_grad:
        if input.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        # Take the out-of-place result's values and graph node; bumps the version counter.
        input._become(input.relu())
    else:
        input._vc.before_write()
        np.maximum(input.data, 0, out=input.data)
        input._vc.value += 1
    return input


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
        "argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_input(name: str, input: Tensor, dim: int | None, stacklevel: int, dtype: Any) -> tuple[Tensor, int]:
    if dim is None:
        dim = _softmax_dim(name, input.ndim, stacklevel + 1)
    x = input if dtype is None else input.to(dtype)
    d = wrap_dim(dim, x.ndim)
    if not x.is_floating_point():
        kernel = f"{name}_lastdim_kernel_impl" if d == max(x.ndim - 1, 0) else f"{name}_kernel_impl"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(x)}\'')
    return x, d


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``: each slice along ``dim`` becomes a probability vector.

    Shape: any -> same. ``dtype`` casts the input first. ``dim=None`` is deprecated (PyTorch's warning) and
    picks 0 for 0-, 1- and 3-D inputs, else 1.
    """
    x, d = _softmax_input("softmax", input, dim, _stacklevel, dtype)
    return x.softmax(d)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """``x - log(sum(exp(x)))`` along ``dim``, computed stably (the log of ``softmax``).

    Shape: any -> same. ``dtype`` and ``dim=None`` as in ``softmax``.
    """
    x, d = _softmax_input("log_softmax", input, dim, _stacklevel, dtype)
    return x.log_softmax(d)


# ---- dropout, one_hot, embedding ----------------------------------------------------------------------------
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the survivors by ``1 / (1 - p)`` (training only).

    Shape: any -> same. The mask comes from minigrad's global generator (``minigrad.manual_seed``). With
    ``training=False`` or ``p=0`` the input itself is returned. The gradient is the same mask times the scale.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if not input.is_floating_point():
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_name(input)}")
    keep = default_generator().random(input.shape) >= p  # each element kept with probability 1 - p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    mask = _const(keep * scale, input.data.dtype)
    return input.mul_(mask) if inplace else input * mask


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices to one-hot rows: ``out[..., c] = 1`` where ``tensor[...] == c``, else 0.

    Shapes: ``tensor (*)`` int64 -> ``(*, num_classes)`` int64. ``num_classes=-1`` uses ``max(tensor) + 1``.
    """
    if tensor.data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor.data
    if idx.size == 0:
        if num_classes == -1 or num_classes < 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if idx.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(idx.max()) + 1
        elif idx.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._make(out, False)


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Look up rows of ``weight``: ``out[...] = weight[input[...]]``.

    Shapes: ``input (*)`` int64 or int32 indices in ``[0, num_embeddings)``; ``weight (num_embeddings,
    embedding_dim)`` -> ``(*, embedding_dim)``. The gradient of ``weight`` adds up the output gradients of every
    position that looked a row up.

    Args:
        padding_idx: that row gets no gradient (a negative value counts from the end).
        max_norm: before the lookup, rescale (in place, without gradient) every looked-up row whose
            ``norm_type``-norm exceeds ``max_norm`` to norm ``max_norm``.
        scale_grad_by_freq: divide each row's gradient by how often it occurs in ``input``.
        sparse: must be False (minigrad has no sparse gradients).
    """
    n = weight.shape[0] if weight.ndim else 0
    if padding_idx is not None:
        if padding_idx >= n or padding_idx < -n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % n
    if sparse:
        raise NotImplementedError("minigrad has no sparse gradients; use sparse=False")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = input.data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but "
            f"got minigrad.{_type_name(input)}Tensor instead (while checking arguments for embedding)"
        )
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    out = weight[input]
    if scale_grad_by_freq:
        factor = np.ones(idx.shape, dtype=weight.data.dtype)
        _, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
        factor = factor / counts[inverse.reshape(idx.shape)]
        if padding_idx is not None:
            factor[idx == padding_idx] = 0
        # Scale only the gradient: (out - frozen) is exactly 0 forward, and has gradient 1 backward.
        frozen = out.detach()
        return frozen + (out - frozen) * _const(factor[..., None], weight.data.dtype)
    if padding_idx is not None:
        # Same values, but positions holding padding_idx take theirs from a detached copy: no gradient flows.
        pad = _const((idx == padding_idx)[..., None], np.bool_)
        return where(pad, out.detach(), out)
    return out


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without recording, each row in ``idx`` whose norm exceeds ``max_norm``."""
    rows = np.unique(idx)
    with no_grad():
        w = weight.data[rows]
        norms = np.linalg.norm(w.astype(np.float64), ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight.data[rows] = (w * scale[:, None]).astype(weight.data.dtype)
        weight._vc.value += 1


# ---- losses -------------------------------------------------------------------------------------------------
def _legacy(size_average: Any, reduce: Any, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return _reduction.legacy_get_string(size_average, reduce)
    return reduction


def _same_float_dtype(*ts: Tensor) -> list[Tensor]:
    """Convert the tensors to their common dtype (differentiably), as PyTorch's type promotion does."""
    dt = np.result_type(*[t.data.dtype for t in ts])
    return [t if t.data.dtype == dt else t.to(dt) for t in ts]


def _warn_if_broadcast(input: Tensor, target: Tensor) -> None:
    """PyTorch's warning when a regression loss's target has another shape than its input (they broadcast)."""
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape!r}) that is different to the input size ({input.shape!r}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error: ``(input - target) ** 2``, then averaged (``'mean'``), summed or kept (``'none'``).

    Shapes: ``input (*)``, ``target (*)`` (same shape; broadcasting works but warns, as in PyTorch) -> scalar, or
    the broadcast shape with ``reduction='none'``. ``weight`` (input's shape) multiplies each squared error and
    ``'mean'`` then divides by ``weight.sum()``. Both input and target may require grad.
    """
    _warn_if_broadcast(input, target)
    reduction = _legacy(size_average, reduce, reduction)
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        input, target, weight = _same_float_dtype(input, target, weight)
        weighted = (input - target) ** 2 * weight
        if reduction == "none":
            return weighted
        if reduction == "sum":
            return weighted.sum()
        if reduction == "mean":
            return weighted.sum() / weight.sum()
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    _reduction.check(reduction)
    input, target = _same_float_dtype(input, target)
    if not input.is_floating_point():
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{_type_name(input)}\'')
    if target.shape != input.shape:  # broadcast both first, as PyTorch does (its warning was given above)
        try:
            shape = np.broadcast_shapes(input.shape, target.shape)
        except ValueError as err:
            raise_broadcast_error(input.data, target.data, err)
        if input.shape != shape:
            input = input.expand(shape)
        if target.shape != shape:
            target = target.expand(shape)
    return ops.MseLoss.apply(input, target, reduction=reduction)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean absolute error: ``|input - target|``, then averaged (``'mean'``), summed or kept (``'none'``).

    Shapes: ``input (*)``, ``target (*)`` (same shape; broadcasting works but warns) -> scalar, or the broadcast
    shape with ``reduction='none'``. ``weight`` (input's shape) multiplies each error and ``'mean'`` then divides
    by ``weight.sum()``. Built from ``sub``, ``abs`` and the reduction, as PyTorch builds it (its ``grad_fn`` is
    ``MeanBackward0``, ``SumBackward0`` or ``AbsBackward0``).
    """
    _warn_if_broadcast(input, target)
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    input, target = _same_float_dtype(input, target)
    errors = (input - target).abs()
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        errors = errors * weight.to(errors.data.dtype)
        if reduction == "mean":
            return errors.sum() / weight.to(errors.data.dtype).sum()
    if reduction == "mean":
        return errors.mean()
    return errors.sum() if reduction == "sum" else errors


def _check_binary(input: Tensor, target: Tensor, weight: Tensor | None, logits: bool) -> None:
    """PyTorch's shape, weight and dtype checks of the two binary cross entropies, in its words."""
    if target.shape != input.shape:
        if logits:
            raise ValueError(f"Target size ({target.shape!r}) must be the same as input size ({input.shape!r})")
        raise ValueError(
            f"Using a target size ({target.shape!r}) that is different to the input size ({input.shape!r}) is "
            "deprecated. Please ensure they have the same size."
        )
    if not input.is_floating_point():
        raise NotImplementedError(f'"binary_cross_entropy" not implemented for \'{_type_name(input)}\'')
    if not logits and target.data.dtype != input.data.dtype:  # the logits version promotes instead
        raise RuntimeError(f"Found dtype {_type_name(target)} but expected {_type_name(input)}")
    if weight is not None:
        try:
            np.broadcast_shapes(weight.data.shape, input.data.shape)
        except ValueError as err:
            if logits:
                raise_broadcast_error(input.data, weight.data, err)
            shape, have = input.data.shape, weight.data.shape
            dim = next(d for d in range(-1, -len(have) - 1, -1)
                       if have[d] != 1 and (-d > len(shape) or have[d] != shape[d]))
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {have[dim]} at {dim}! Mismatching argument at index "
                f"1 had {weight.shape!r}; but expected shape should be broadcastable to {list(shape)}"
            ) from None


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross entropy of probabilities: ``-weight * (target * log(input) + (1 - target) * log(1 - input))``.

    Shapes: ``input (*)`` in [0, 1] (e.g. after ``sigmoid``), ``target (*)`` in [0, 1], same shape and dtype;
    ``weight`` broadcasts to ``(*)`` (no gradient) -> scalar, or ``(*)`` with ``reduction='none'``. Each log is
    clamped at -100, as in PyTorch, so a certain wrong answer costs 100, not infinity. Prefer
    ``binary_cross_entropy_with_logits`` on the scores before ``sigmoid``: it is exact where this one rounds.
    """
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    _check_binary(input, target, weight, logits=False)
    x, y = input.data, target.data
    if np.any((x < 0) | (x > 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if np.any((y < 0) | (y > 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    w = None if weight is None else np.broadcast_to(weight.data.astype(x.dtype), x.shape)
    return ops.BinaryCrossEntropy.apply(input, target, w, reduction=reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross entropy of scores (logits), ``binary_cross_entropy(sigmoid(input), target)`` computed stably.

    Shapes: ``input (*)`` any real scores, ``target (*)`` in [0, 1], same shape and dtype; ``weight`` broadcasts
    to ``(*)``; ``pos_weight`` broadcasts along the last dim (one weight per class for the positive term, > 1
    favours recall) -> scalar, or ``(*)`` with ``reduction='none'``. Neither weight gets a gradient.
    """
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    _check_binary(input, target, weight, logits=True)
    input, target = _same_float_dtype(input, target)
    dtype, shape = input.data.dtype, input.data.shape
    w = None if weight is None else np.broadcast_to(weight.data.astype(dtype), shape)
    if pos_weight is not None:
        try:
            p = np.broadcast_to(pos_weight.data.astype(dtype), shape)
        except ValueError as err:
            raise_broadcast_error(pos_weight.data, input.data, err)
    else:
        p = None
    return ops.BinaryCrossEntropyWithLogits.apply(input, target, w, p, reduction=reduction)


def _check_nll(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """PyTorch's argument checks for ``nll_loss``, in its order and words."""
    nd = input.ndim
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    n_target = target.shape[0] if target.ndim else 0
    if nd != 1 and input.shape[0] != n_target:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({n_target}).")
    n_classes = input.shape[0] if nd == 1 else input.shape[1]
    weight_ok = weight is None or (weight.ndim == 1 and weight.numel() == n_classes)
    if nd <= 2:
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if nd == 1 and target.ndim == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
        if not weight_ok:
            raise RuntimeError(
                f"weight tensor should be defined either for all {n_classes} classes or no classes but got weight "
                f"tensor of shape: {list(weight.shape)}"
            )
    else:
        if nd == 4 and target.ndim != 3:
            raise RuntimeError(
                f"only batches of spatial targets supported (3D tensors) but got targets of dimension: {target.ndim}"
            )
        if target.shape[1:] != input.shape[2:]:
            if nd == 4:
                raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
            raise RuntimeError(
                f"Expected target size {[input.shape[0], *input.shape[2:]]}, got {list(target.shape)}"
            )
        if not weight_ok:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
    if target.data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_name(target)}")
    if not input.is_floating_point():
        raise NotImplementedError(f'"nll_loss_out_frame" not implemented for \'{_type_name(input)}\'')
    if weight is not None and weight.data.dtype != input.data.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input)} but found {_type_name(weight)}")


def _target_weights(t: np.ndarray, weight: Tensor | None, ignore_index: int, n_classes: int, dtype: Any):
    """For flat targets ``t``: the indices to gather (ignored ones become 0) and each target's weight (0 if ignored).

    Raises PyTorch's ``IndexError`` for a target outside ``[0, n_classes)`` that is not ``ignore_index``.
    """
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {t[bad][0]} is out of bounds.")
    safe = np.where(valid, t, 0).astype(np.int64)
    w = weight.data[safe] if weight is not None else np.ones(t.shape, dtype=dtype)
    return safe, (w * valid).astype(dtype)


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood: ``loss[n] = -weight[t] * input[n, t]`` with ``t = target[n]``.

    ``input`` holds log-probabilities (e.g. from ``log_softmax``). Shapes: ``input (N, C)`` with ``target (N,)``;
    ``(C,)`` with ``()``; or ``(N, C, d1, ..., dk)`` with ``(N, d1, ..., dk)``; ``weight (C,)`` (optional, no
    gradient). Targets equal to ``ignore_index`` contribute 0. ``'none'`` gives the target's shape (a scalar for
    a 1-D input); ``'sum'`` sums; ``'mean'`` divides the sum by the total weight of the non-ignored targets.
    """
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    _check_nll(input, target, weight)
    dtype = input.data.dtype
    n_classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    t = target.data.reshape(-1).astype(np.int64)
    safe, w = _target_weights(t, weight, ignore_index, n_classes, dtype)
    if input.ndim in (1, 2, 4):
        loss = ops.NllLoss2d if input.ndim == 4 else ops.NllLoss  # PyTorch's two names
        out_shape = () if input.ndim == 1 else tuple(target.shape)
        return loss.apply(input, index=safe, weight=w, reduction=reduction, out_shape=out_shape)
    # (N, C, d1) or (N, C, d1, ..., dk) with k > 2: PyTorch views the input as (N, C, 1, d1 * ... * dk) for its
    # 2-D loss and, with reduction='none', views the result back: ViewBackward0 nodes on both sides, as here.
    n = input.shape[0]
    flat = input.reshape(n, n_classes, 1, -1) if input.numel() > 0 else input.reshape(n, n_classes, 0, 0)
    out_shape = (n, flat.shape[2], flat.shape[3])
    out = ops.NllLoss2d.apply(flat, index=safe, weight=w, reduction=reduction, out_shape=out_shape)
    return out.reshape(tuple(target.shape)) if reduction == "none" else out


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross entropy between logits and targets: ``nll_loss(log_softmax(input, class_dim), target)``.

    Shapes: ``input (N, C)``, ``(C,)`` or ``(N, C, d1, ..., dk)`` (unnormalised scores; the class dim is 1, or 0
    for a 1-D input). ``target`` is either class indices (int64, shaped as for ``nll_loss``, with
    ``ignore_index``) or, when it has the input's shape, class probabilities (floating point). ``weight (C,)``
    rescales each class. ``label_smoothing`` in [0, 1] mixes the target with the uniform distribution over the C
    classes. Output: scalar, or per sample ``(N, d1, ..., dk)`` with ``reduction='none'``.
    """
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    class_dim = 0 if input.ndim == 1 else 1
    if input.shape == target.shape:
        if not target.is_floating_point():
            raise RuntimeError(
                f"Expected floating point type for target with class probabilities, got {_type_name(target)}"
            )
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing, class_dim)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    logp = log_softmax(input, class_dim)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0.0:
        return nll
    # The uniform part of the smoothed target: -sum_c weight[c] * logp[c] / C per sample.
    n_classes = input.shape[class_dim]
    if weight is not None:
        shape = [1] * logp.ndim
        shape[class_dim] = n_classes
        smooth = -(logp * weight.reshape(shape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    ignored = (target.data == ignore_index).reshape(smooth.shape)
    smooth = smooth.masked_fill(_const(ignored, np.bool_), 0.0)
    if reduction == "mean":
        t = target.data.reshape(-1)
        kept = t[t != ignore_index]
        denom = weight.data[kept].sum() if weight is not None else kept.size
        with np.errstate(invalid="ignore", divide="ignore"):
            smooth = smooth.sum() / _const(denom, smooth.data.dtype)
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(
    input: Tensor, target: Tensor, weight: Tensor | None, reduction: str, label_smoothing: float, class_dim: int
) -> Tensor:
    """Cross entropy with a probability target of the input's shape: ``-sum_c weight[c] * target[c] * logp[c]``."""
    n_classes = input.shape[class_dim]
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {n_classes} classes or no classes but "
            f"got weight tensor of shape: {list(weight.shape)}"
        )
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    input, target = _same_float_dtype(input, target)
    logp = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        shape = [1] * logp.ndim
        shape[class_dim] = n_classes
        terms = terms * weight.reshape(shape).to(terms.data.dtype)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    return -terms.sum() / (input.numel() // max(n_classes, 1))
