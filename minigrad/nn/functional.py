"""``minigrad.nn.functional``: the layers and losses as plain functions, built from the primitives in ``minigrad.ops``.

Nothing here has a backward of its own: every function composes tensor operations (matmul, log_softmax,
indexing, where, ...), so the engine differentiates it and ``gradcheck`` can check it. The modules in
``minigrad.nn`` call these functions in their ``forward``.

    >>> import minigrad.nn.functional as F
    >>> F.cross_entropy(logits, labels)          # logits (N, C), labels (N,) int64 -> scalar
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._functional import cat
from minigrad.autograd.function import raise_broadcast_error, saved_as_in_pytorch
from minigrad.autograd.grad_mode import is_grad_enabled, no_grad
from minigrad.creation import default_generator
from minigrad.dtypes import cpp_type_name, scalar_type_name
from minigrad.nn import _reduction
from minigrad.ops import wrap_dim
from minigrad.tensor import Tensor, _promote_types, _promoted, where

__all__ = [
    "linear", "tanh", "sigmoid", "relu", "softmax", "log_softmax", "dropout", "one_hot", "embedding",
    "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy",
    "batch_norm", "layer_norm", "group_norm", "rms_norm", "dropout1d", "dropout2d", "alpha_dropout",
    "leaky_relu", "elu", "gelu", "silu", "softplus", "logsigmoid", "hardtanh", "relu6", "threshold", "prelu",
    "softmin", "bilinear", "pad", "cosine_similarity", "pairwise_distance", "normalize", "smooth_l1_loss",
    "huber_loss", "kl_div", "cosine_embedding_loss", "margin_ranking_loss",
]

def _type_name(t: Tensor | np.dtype, cpp: bool = False) -> str:
    """``'Float'`` (or ``'float'`` with ``cpp=True``) for a float32 tensor or dtype, as PyTorch names it."""
    dt = t._data.dtype if isinstance(t, Tensor) else np.dtype(t)
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
    _tensor_argument("linear", "input", 1, input)
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
    di, dw = input._data.dtype, weight._data.dtype
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
    if bias._data.dtype != dw:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {_type_name(bias)} and {_type_name(dw)}"
        )


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """The bilinear map ``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``.

    Shapes: ``input1 (*, in1)``, ``input2 (*, in2)`` (same leading dims), ``weight (out, in1, in2)``, ``bias
    (out,)`` -> ``(*, out)``. Built as one matmul of ``input1`` with ``weight`` laid out as ``(in1, out * in2)``,
    then a product with ``input2`` summed over ``in2``.
    """
    dtypes = [t._data.dtype for t in (input1, input2, weight)]
    if len(set(dtypes)) > 1:
        names = ", ".join(f"{n}: {_type_name(d, True)}" for n, d in zip(("input1", "input2", "weight"), dtypes))
        raise RuntimeError(f"All tensors must have the same dtype, got {names}")
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for i in range(input1.ndim - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {i}: got {input1.shape[i]} and "
                f"{input2.shape[i]}"
            )
    if weight.ndim != 3:
        raise RuntimeError("number of dimensions must match")
    out_f, in1, in2 = weight.shape
    for name, t, want in (("input1", input1, in1), ("input2", input2, in2)):
        if t.shape[-1] != want:
            raise RuntimeError(
                f"bilinear(): {name} size does not match weight size: got {t.shape[-1]} but expected {want}"
            )
    if bias is not None and bias.shape[0] != out_f:
        raise RuntimeError(
            f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but expected {out_f}"
        )
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, 1, in2)
    w = weight.permute(1, 0, 2).reshape(in1, out_f * in2)
    out = ((x1 @ w).reshape(-1, out_f, in2) * x2).sum(2)
    if bias is not None:
        out = out + bias
    return out.reshape(*lead, out_f)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad (or, with negative amounts, crop) the last dims of ``input`` with the constant ``value`` (default 0).

    ``pad`` lists ``(left, right)`` amounts from the last dim backwards: ``(1, 2)`` pads the last dim by 1 before
    and 2 after; ``(1, 2, 0, 3)`` also pads the second-to-last by 3 after. Shape: each padded dim grows by
    ``left + right``. The gradient of the result's inner part flows back to ``input``; padding has none. Only
    ``mode='constant'`` is implemented.
    """
    if mode != "constant":
        if mode in ("reflect", "replicate", "circular"):
            raise NotImplementedError(f"minigrad's pad supports mode='constant' only, not {mode!r}")
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    for i, p in enumerate(pad):
        if not isinstance(p, (int, np.integer)):
            raise TypeError(
                f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                f"{type(p).__name__} at pos {i}"
            )
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got padding length "
            f"{len(pad)} and input of dimension {input.ndim}"
        )
    for i in range(len(pad) // 2):
        size = input.shape[input.ndim - 1 - i]
        if size + min(pad[2 * i], 0) + min(pad[2 * i + 1], 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    fill = 0 if value is None else value
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        left, right = int(pad[2 * i]), int(pad[2 * i + 1])
        if left < 0 or right < 0:  # negative amounts crop
            index = [slice(None)] * input.ndim
            index[dim] = slice(max(-left, 0), out.shape[dim] - max(-right, 0))
            out = out[tuple(index)]
        shape = list(out.shape)
        blocks = []
        for amount in (left, right):
            shape[dim] = amount
            blocks.append([_const(np.full(shape, fill), input._data.dtype)] if amount > 0 else [])
        if blocks[0] or blocks[1]:
            out = cat(blocks[0] + [out] + blocks[1], dim)
    return out


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
        np.maximum(np.zeros((), input._data.dtype), input._data, out=input._data)
        input._vc.value += 1
    return input


def _in_place(input: Tensor, compute: Any) -> Tensor:
    """Write ``compute(input)`` into ``input`` and return it, as PyTorch's ``inplace=True`` does.

    Fails on a leaf that requires grad. Otherwise, when recording, ``compute`` runs on a clone, so no node saves
    the array about to be overwritten, and the input takes the result's values and graph node; its version
    counter moves on, so a backward through an earlier op that saved the old values raises.
    """
    if is_grad_enabled() and input.requires_grad:
        if input.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        input._become(compute(input.clone()))
        return input
    with no_grad():
        out = compute(input)
    input._vc.before_write()
    np.copyto(input._data, out._data, casting="same_kind")
    input._vc.value += 1
    return input


def _as_scalar(value: float, dtype: np.dtype) -> Any:
    """``value`` rounded to a floating ``dtype``, as PyTorch's kernels compare: float32 ``0.7`` equals ``0.7``."""
    return np.asarray(value, dtype=dtype)[()] if dtype.kind == "f" else value


def _floating_only(input: Tensor, kernel: str) -> None:
    if not input.is_floating_point():
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input)}\'')


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``negative_slope * x``. Shape: any -> same.

    The gradient is 1 for ``x > 0`` and ``negative_slope`` for ``x <= 0`` (at 0 too, as in PyTorch).
    """
    _floating_only(input, "leaky_relu_cpu")

    def compute(x: Tensor) -> Tensor:
        return where(_const(x._data > 0, np.bool_), x, x * negative_slope)

    if inplace:  # PyTorch's in-place form reads its result (self) in backward
        return saved_as_in_pytorch(_in_place(input, compute), input)
    return saved_as_in_pytorch(compute(input), input)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``. Shape: any -> same. Gradient at 0: ``alpha``."""
    _floating_only(input, "elu_cpu")

    def compute(x: Tensor) -> Tensor:
        return ops.Elu.apply(x, alpha=float(alpha))  # saves x: the out-of-place form reads its input

    if inplace:  # PyTorch's in-place form reads its result (self) in backward
        return saved_as_in_pytorch(_in_place(input, compute), input)
    return compute(input)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian Error Linear Unit: ``x * Phi(x)``, ``Phi`` the standard normal CDF. Shape: any -> same.

    The exact form is ``x * 0.5 * (1 + erf(x / sqrt(2)))``; ``approximate='tanh'`` uses
    ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x ** 3)))``. One node each (``ops.Gelu``,
    ``ops.GeluTanh``), with the derivative written out, as PyTorch's ``GeluBackward0``.
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _floating_only(input, "GeluKernelImpl")
    return (ops.GeluTanh if approximate == "tanh" else ops.Gelu).apply(input)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """Sigmoid Linear Unit (swish): ``x * sigmoid(x)``. Shape: any -> same."""
    _floating_only(input, "silu_cpu")

    def compute(x: Tensor) -> Tensor:
        return ops.Silu.apply(x)

    return _in_place(input, compute) if inplace else compute(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Smooth ReLU: ``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``.

    Shape: any -> same. The gradient is ``sigmoid(beta * x)`` (1 above the threshold).
    """
    _floating_only(input, "softplus_cpu")
    return ops.Softplus.apply(input, beta=beta, threshold=_as_scalar(threshold, input._data.dtype))


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, computed stably as ``min(x, 0) - log1p(exp(-|x|))``.

    Shape: any -> same. The gradient is ``sigmoid(-x)`` (0.5 at 0).
    """
    _floating_only(input, "log_sigmoid_cpu")
    return ops.LogSigmoid.apply(input)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """Clip to ``[min_val, max_val]``. Shape: any -> same. Gradient 1 strictly inside (and at nan, as PyTorch),
    0 outside and at the ends."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input._data.dtype == np.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")

    def compute(x: Tensor) -> Tensor:
        a = x._data
        lo, hi = _as_scalar(min_val, a.dtype), _as_scalar(max_val, a.dtype)
        inside = _const(~((a <= lo) | (a >= hi)), np.bool_)  # nan is inside: it passes its gradient on
        return where(inside, x, _const(np.clip(a, lo, hi), a.dtype))

    return _in_place(input, compute) if inplace else saved_as_in_pytorch(compute(input), input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``. Shape: any -> same."""
    return hardtanh(input, 0.0, 6.0, inplace)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``value`` where ``x <= threshold``, else ``x`` (nan included). Shape: any -> same. Gradient 0 where the value
    was put, else 1."""

    def compute(x: Tensor) -> Tensor:
        a = x._data
        above = _const(~(a <= _as_scalar(threshold, a.dtype)), np.bool_)
        return where(above, x, _const(np.full(a.shape, value), a.dtype))

    return _in_place(input, compute) if inplace else saved_as_in_pytorch(compute(input), input)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """Leaky ReLU with a learned slope: ``x`` where ``x > 0``, else ``weight * x``.

    Shapes: ``input (N, C, *)`` (or any rank below 2, which has one channel); ``weight (C,)`` or ``(1,)`` (or
    0-d), one slope per channel along dim 1 -> same as input. ``weight`` gets the gradient ``sum(x * grad)``
    over the non-positive inputs.
    """
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_type_name(input)} and {_type_name(weight)}"
        )
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {channels}."
        )
    w = weight.reshape((1, n) + (1,) * (input.ndim - 2)) if input.ndim >= 2 else weight.reshape(())
    return saved_as_in_pytorch(where(_const(input._data > 0, np.bool_), input, input * w), input, weight)


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
    return x, wrap_dim(dim, x.ndim)  # the Tensor method refuses a dtype that has no kernel


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


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """``softmax(-x)`` along ``dim``: the smallest entries get the largest probabilities. Shape: any -> same.

    ``dtype`` and ``dim=None`` (deprecated, PyTorch's warning) as in ``softmax``.
    """
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return softmax(-input, dim, dtype=dtype)


# ---- dropout, one_hot, embedding ----------------------------------------------------------------------------
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the survivors by ``1 / (1 - p)`` (training only).

    Shape: any -> same. The mask comes from minigrad's global generator (``minigrad.manual_seed``). With
    ``training=False`` or ``p=0`` the input itself is returned. The gradient is the same mask times the scale.
    """
    _check_p(p)
    if not training or p == 0:
        return input
    if not input.is_floating_point():
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_name(input)}")
    keep = default_generator().random(input.shape) >= p  # each element kept with probability 1 - p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    mask = _const(keep * scale, input._data.dtype)
    return input.mul_(mask) if inplace else input * mask


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _channel_dropout(input: Tensor, p: float, inplace: bool, channel_dims: int) -> Tensor:
    """Zero whole channels: one keep/drop draw per index of the first ``channel_dims`` dims, shared by the rest."""
    if not input.is_floating_point():
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_name(input)}")
    shape = tuple(input.shape[:channel_dims]) + (1,) * (input.ndim - channel_dims)
    keep = default_generator().random(shape) >= p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    mask = _const(keep * scale, input._data.dtype)
    return input.mul_(mask) if inplace else input * mask


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels with probability ``p`` and scale the kept ones by ``1 / (1 - p)`` (training only).

    Shapes: ``(N, C, L)`` or unbatched ``(C, L)`` -> same; every ``input[n, c, :]`` is kept or zeroed as one.
    Neighbouring positions of a sequence are strongly correlated, so element-wise dropout barely regularises
    them; dropping whole channels does. With ``training=False`` or ``p=0`` the values pass unchanged.
    """
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional "
            "batch dimension (i.e. 2D or 3D inputs)."
        )
    if not training or p == 0:
        return input
    return _channel_dropout(input, p, inplace, input.ndim - 1)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels (feature maps) with probability ``p``, scaling the rest by ``1 / (1 - p)``.

    Shapes: ``(N, C, H, W)`` -> same; each ``input[n, c]`` is kept or zeroed as one. As in PyTorch, dims 0 and 1
    are always taken as batch and channel: a 3-D input is read as ``(N, C, L)`` (with PyTorch's warning), and
    other ranks warn that they are deprecated.
    """
    _check_p(p)
    nd = input.ndim
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will result in an error in a "
            "future release. To retain the behavior and silence this warning, please use dropout instead. Note that "
            "dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, "
            "W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    if not training or p == 0:
        return input
    if nd < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return _channel_dropout(input, p, inplace, 2)


#: SELU's negative saturation value, ``-scale * alpha``: where AlphaDropout sends dropped units.
_SELU_SATURATION = 1.7580993408473766


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for self-normalising (SELU) networks: keeps the mean and variance of its input (training only).

    Each element is dropped with probability ``p`` and set to SELU's saturation value ``-1.7581``; then all are
    mapped by ``a * x + b`` with ``a, b`` chosen so that a zero-mean, unit-variance input stays so. Note the
    default ``training=False``, as in PyTorch. Shape: any -> same. ``p=1`` gives zeros.
    """
    _check_p(p)
    if not training or p == 0:
        return input
    if not input.is_floating_point():
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_name(input)}")
    dtype = input._data.dtype
    if p == 1:
        zero = _const(0.0, dtype)
        return input.mul_(zero) if inplace else input * zero
    keep = (default_generator().random(input.shape) >= p).astype(np.float64)
    alpha = _SELU_SATURATION
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    scale = _const(keep * a, dtype)
    shift = _const((keep - 1) * alpha * a + alpha * a * p, dtype)
    if inplace:
        return input.mul_(scale).add_(shift)
    return input * scale + shift


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices to one-hot rows: ``out[..., c] = 1`` where ``tensor[...] == c``, else 0.

    Shapes: ``tensor (*)`` int64 -> ``(*, num_classes)`` int64. ``num_classes=-1`` uses ``max(tensor) + 1``.
    """
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._data
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
    _tensor_argument("embedding", "indices", 2, input)
    n = weight.shape[0] if weight.ndim else 0
    if padding_idx is not None:
        if padding_idx >= n or padding_idx < -n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % n
    if sparse:
        raise NotImplementedError("minigrad has no sparse gradients; use sparse=False")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = input._data
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
        factor = np.ones(idx.shape, dtype=weight._data.dtype)
        _, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
        factor = factor / counts[inverse.reshape(idx.shape)]
        if padding_idx is not None:
            factor[idx == padding_idx] = 0
        # Scale only the gradient: (out - frozen) is exactly 0 forward, and has gradient 1 backward.
        frozen = out.detach()
        return frozen + (out - frozen) * _const(factor[..., None], weight._data.dtype)
    if padding_idx is not None:
        # Same values, but positions holding padding_idx take theirs from a detached copy: no gradient flows.
        pad = _const((idx == padding_idx)[..., None], np.bool_)
        return where(pad, out.detach(), out)
    return out


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without recording, each row in ``idx`` whose norm exceeds ``max_norm``."""
    rows = np.unique(idx)
    with no_grad():
        w = weight._data[rows]
        norms = np.linalg.norm(w.astype(np.float64), ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight._data[rows] = (w * scale[:, None]).astype(weight._data.dtype)
        weight._vc.value += 1


# ---- losses -------------------------------------------------------------------------------------------------
def _legacy(size_average: Any, reduce: Any, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return _reduction.legacy_get_string(size_average, reduce)
    return reduction


def _tensor_argument(fn: str, name: str, position: int, value: Any) -> None:
    """PyTorch's TypeError for a list or number where a function takes a tensor (no silent conversion)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")


def _same_float_dtype(*ts: Tensor) -> list[Tensor]:
    """Convert the tensors to their common dtype (differentiably), as PyTorch's type promotion does."""
    dt = functools.reduce(_promote_types, [t._data.dtype for t in ts])  # float32 with int64 is float32, not numpy's
    return [_promoted(t, dt) for t in ts]


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
            raise_broadcast_error(input._data, target._data, err)
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
    input, target = _expand_pair(input, target)  # as PyTorch: so a 0-d operand's dtype counts in the promotion
    errors = (input - target).abs()  # the subtraction promotes, and refuses bool, as PyTorch's
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        errors = errors * weight.to(errors._data.dtype)
        if reduction == "mean":
            return errors.sum() / weight.to(errors._data.dtype).sum()
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
    if not logits and target._data.dtype != input._data.dtype:  # the logits version promotes instead
        raise RuntimeError(f"Found dtype {_type_name(target)} but expected {_type_name(input)}")
    if weight is not None:
        try:
            np.broadcast_shapes(weight._data.shape, input._data.shape)
        except ValueError as err:
            if logits:
                raise_broadcast_error(input._data, weight._data, err)
            shape, have = input._data.shape, weight._data.shape
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
    x, y = input._data, target._data
    if not np.all((x >= 0) & (x <= 1)):  # nan is not between 0 and 1 either
        raise RuntimeError("all elements of input should be between 0 and 1")
    if not np.all((y >= 0) & (y <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    w = None if weight is None else np.broadcast_to(weight._data.astype(x.dtype), x.shape)
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
    dtype, shape = input._data.dtype, input._data.shape
    w = None if weight is None else np.broadcast_to(weight._data.astype(dtype), shape)
    if pos_weight is not None:
        try:
            p = np.broadcast_to(pos_weight._data.astype(dtype), shape)
        except ValueError as err:
            raise_broadcast_error(pos_weight._data, input._data, err)
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
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_name(target)}")
    if not input.is_floating_point():
        raise NotImplementedError(f'"nll_loss_out_frame" not implemented for \'{_type_name(input)}\'')
    if weight is not None and weight._data.dtype != input._data.dtype:
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
    w = weight._data[safe] if weight is not None else np.ones(t.shape, dtype=dtype)
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
    dtype = input._data.dtype
    n_classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    t = target._data.reshape(-1).astype(np.int64)
    safe, w = _target_weights(t, weight, ignore_index, n_classes, dtype)
    if input.ndim in (1, 2, 4):
        loss = ops.NllLoss2d if input.ndim == 4 else ops.NllLoss  # PyTorch's two names
        out_shape = () if input.ndim == 1 else tuple(target.shape)
        return saved_as_in_pytorch(loss.apply(input, index=safe, weight=w, reduction=reduction, out_shape=out_shape),
                                   input, target)
    # (N, C, d1) or (N, C, d1, ..., dk) with k > 2: PyTorch views the input as (N, C, 1, d1 * ... * dk) for its
    # 2-D loss and, with reduction='none', views the result back: ViewBackward0 nodes on both sides, as here.
    n = input.shape[0]
    flat = input.reshape(n, n_classes, 1, -1) if input.numel() > 0 else input.reshape(n, n_classes, 0, 0)
    out_shape = (n, flat.shape[2], flat.shape[3])
    out = saved_as_in_pytorch(ops.NllLoss2d.apply(flat, index=safe, weight=w, reduction=reduction,
                                                  out_shape=out_shape), input, target)
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
    ignored = (target._data == ignore_index).reshape(smooth.shape)
    smooth = smooth.masked_fill(_const(ignored, np.bool_), 0.0)
    if reduction == "mean":
        t = target._data.reshape(-1)
        kept = t[t != ignore_index]
        denom = weight._data[kept].sum() if weight is not None else kept.size
        with np.errstate(invalid="ignore", divide="ignore"):
            smooth = smooth.sum() / _const(denom, smooth._data.dtype)
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
        terms = terms * weight.reshape(shape).to(terms._data.dtype)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    return -terms.sum() / (input.numel() // max(n_classes, 1))


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _expand_pair(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """Broadcast ``input`` and ``target`` to one shape, with PyTorch's error if they cannot be."""
    try:
        shape = np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError as err:
        raise_broadcast_error(input._data, target._data, err)
    return tuple(t if t.shape == shape else t.expand(shape) for t in (input, target))


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """``0.5 * d ** 2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``, with ``d = input - target``.

    Quadratic near 0 and linear beyond ``beta``, so outliers pull with a bounded gradient. ``beta=0`` is
    ``l1_loss``. Shapes: ``input (*)``, ``target (*)`` -> scalar, or ``(*)`` with ``reduction='none'``.
    """
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    _warn_if_broadcast(input, target)
    input, target = _expand_pair(input, target)
    input, target = _same_float_dtype(input, target)  # PyTorch promotes first: an integer input with a float target
    if not input.is_floating_point():
        raise NotImplementedError(f'"smooth_l1_cpu" not implemented for \'{_type_name(input)}\'')
    return ops.SmoothL1Loss.apply(input, target, beta=float(beta), reduction=reduction)


def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """``0.5 * d ** 2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``, with ``d = input - target``.

    ``smooth_l1_loss`` times ``delta`` (with ``beta = delta``). ``weight`` (input's shape) multiplies each term;
    ``'mean'`` then averages the weighted terms. Shapes: ``(*)``, ``(*)`` -> scalar, or ``(*)`` with ``'none'``.
    """
    reduction = _reduction.check(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None and weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    _warn_if_broadcast(input, target)
    input, target = _expand_pair(input, target)
    common = _promote_types(input._data.dtype, target._data.dtype)  # the result is written in input's dtype
    if not np.can_cast(common, input._data.dtype, casting="same_kind"):
        raise RuntimeError(f"result type {_type_name(common)} can't be cast to the desired output type "
                           f"{_type_name(input)}")
    if common.kind != "f":
        raise NotImplementedError(f'"huber_cpu" not implemented for \'{_type_name(common)}\'')
    out_dtype = input._data.dtype
    input, target = _same_float_dtype(input, target)
    # with a weight, as PyTorch: the terms ('none'), weighted, then reduced
    loss = ops.HuberLoss.apply(input, target, delta=float(delta), reduction=reduction if weight is None else "none")
    if loss._data.dtype != out_dtype:  # a float32 input with a float64 target: float32, as PyTorch
        loss = loss.to(out_dtype)
    return loss if weight is None else _reduce(loss * weight.to(loss._data.dtype), reduction)


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence ``target * (log(target) - input)`` pointwise, ``input`` being log-probabilities.

    With ``log_target=True`` the target is given as log-probabilities too: ``exp(target) * (target - input)``.
    A zero target contributes 0. ``reduction='batchmean'`` divides the sum by the batch size ``input.shape[0]``
    (the divergence per sample); ``'mean'`` divides by the number of elements (PyTorch warns about it).
    Shapes: ``input (*)``, ``target (*)`` -> scalar, or ``(*)`` with ``'none'``.
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction.legacy_get_string(size_average, reduce)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' "
            "divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed "
            "to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    if reduction != "batchmean":
        _reduction.check(reduction)
    if not input.is_floating_point() or not target.is_floating_point():
        raise RuntimeError("kl_div: Integral inputs not supported.")
    input, target = _same_float_dtype(input, target)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        zero = _const(target._data == 0, np.bool_)
        with np.errstate(invalid="ignore"):
            # xlogy(t, t): 0 where t is 0 (the log of 1 stands in, so no -inf meets the 0)
            t_log_t = where(zero, 0.0, target * where(zero, 1.0, target).log())
        loss = t_log_t - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim != 0 else total
    return _reduce(loss, reduction)


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Pull pairs together or push them apart by their cosine: ``1 - cos`` where ``target == 1``, and
    ``max(0, cos - margin)`` where ``target == -1`` (0 for any other target value).

    Shapes: ``input1 (N, D)``, ``input2 (N, D)``, ``target (N,)`` of 1 and -1 -> scalar, or ``(N,)`` with
    ``'none'``; unbatched ``(D,)``, ``(D,)``, ``()`` -> scalar. The cosine uses ``|x|^2 + 1e-12`` under the root.
    """
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    t_dim = target.ndim
    if t_dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if t_dim == 1 and (input1.ndim != 2 or input2.ndim != 2):
        raise RuntimeError(
            f"1D target tensor expects 2D input tensors, but found inputs with sizes {list(input1.shape)} and "
            f"{list(input2.shape)}."
        )
    if t_dim == 0 and (input1.ndim != 1 or input2.ndim != 1):
        raise RuntimeError(
            f"0D target tensor expects 1D input tensors, but found inputs with sizes {list(input1.shape)} and "
            f"{list(input2.shape)}."
        )
    prod = input1 * input2
    cos = prod.sum(t_dim) / (((input1 * input1).sum(t_dim) + 1e-12) * ((input2 * input2).sum(t_dim) + 1e-12)).sqrt()
    if not cos.is_floating_point():
        cos = cos.float()
    raw = cos - float(margin)
    neg = where(_const(raw._data >= 0, np.bool_), raw, 0.0)
    t = target._data
    out = where(_const(t == 1, np.bool_), 1.0 - cos, 0.0) + where(_const(t == -1, np.bool_), neg, 0.0)
    return _reduce(out, reduction)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``: ``target = 1`` asks ``input1`` to rank above ``input2`` by
    at least ``margin``, ``-1`` the other way round.

    Shapes: ``input1``, ``input2``, ``target`` of one rank, broadcastable -> scalar, or the broadcast shape with
    ``'none'``.
    """
    reduction = _reduction.check(_legacy(size_average, reduce, reduction))
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
            f"{input1.shape!r}, input2: {input2.shape!r}, target: {target.shape!r} "
        )
    raw = -target * (input1 - input2) + float(margin)
    return _reduce(where(_const(raw._data >= 0, np.bool_), raw, 0.0), reduction)


# ---- normalization ------------------------------------------------------------------------------------------
def _check_norm_dtypes(input: Tensor, params: list[Tensor | None], kernel: str) -> None:
    """PyTorch's CPU dtype checks of the normalization kernels: a floating input, and parameters of its dtype."""
    if not input.is_floating_point():
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input)}\'')
    for p in params:
        if p is not None and p._data.dtype != input._data.dtype:
            if input._data.dtype == np.float32:
                raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _verify_batch_size(shape: tuple[int, ...], as_size: bool = True) -> None:
    """Batch statistics need two or more values per channel: PyTorch's ``ValueError`` otherwise."""
    if math.prod(shape[:1] + shape[2:]) == 1:
        size = f"minigrad.Size({list(shape)})" if as_size else str(list(shape))  # group_norm prints a list
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-05,
) -> Tensor:
    """Normalise each channel (dim 1) to zero mean and unit variance, then scale by ``weight`` and shift by ``bias``.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, with ``mean`` and the biased ``var`` taken over every
    dim but the channel dim. Shapes: ``input (N, C, *)``; ``running_mean``, ``running_var``, ``weight``, ``bias``
    ``(C,)`` -> ``(N, C, *)``.

    With ``training=True`` the statistics are the batch's, and the running buffers (if given) are updated in
    place, without gradient: ``running = (1 - momentum) * running + momentum * batch``, where the variance fed
    to the running average is the unbiased one (``* n / (n - 1)``, ``n`` values per channel). With
    ``training=False`` the running statistics are used as constants. The gradient flows through the batch
    statistics (it is built from ``mean``, ``sub``, ``mul`` and ``rsqrt``).
    """
    if momentum is None:  # the module turns momentum=None into a cumulative factor; the function needs a number
        raise TypeError("batch_norm(): argument 'momentum' (position 7) must be float, not NoneType")
    if eps < 0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    shape = tuple(input.shape)
    if training:
        _verify_batch_size(shape)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    channels = shape[1] if len(shape) > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    _check_norm_dtypes(input, [weight, bias, running_mean, running_var], "batch_norm")
    if not training:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
    axes = (0, *range(2, input.ndim))
    view = (1, channels) + (1,) * (input.ndim - 2)  # a (C,) vector that broadcasts along dim 1
    if training:
        mean = input.mean(axes, keepdim=True)
        centered = input - mean
        var = (centered * centered).mean(axes, keepdim=True)  # biased: the batch is the whole population
        if running_mean is not None:
            _update_running_stats(running_mean, running_var, mean._data, var._data, input.numel() // max(channels, 1),
                                  momentum)
    else:
        centered = input - running_mean.detach().reshape(view)
        var = running_var.detach().reshape(view)
    out = centered * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out


def _update_running_stats(running_mean: Tensor, running_var: Tensor, mean: np.ndarray, var: np.ndarray, n: int,
                          momentum: float) -> None:
    """Move the running averages towards this batch's statistics, in place and without recording."""
    dtype = running_mean._data.dtype
    unbiased = var.reshape(-1) * (n / (n - 1)) if n > 1 else np.full(var.size, np.nan)
    for buf, batch in ((running_mean, mean.reshape(-1)), (running_var, unbiased)):
        buf._vc.before_write()
        new = (1 - momentum) * buf._data.reshape(-1) + momentum * batch
        buf._data[...] = new.reshape(buf._data.shape).astype(dtype)
        buf._vc.value += 1


def _normalized_shape(normalized_shape: Any) -> tuple[int, ...]:
    if isinstance(normalized_shape, (int, np.integer)):
        return (int(normalized_shape),)
    return tuple(int(s) for s in normalized_shape)


def _check_normalized_shape(input: Tensor, shape: tuple[int, ...], weight: Tensor | None,
                            bias: Tensor | None, rms: bool = False) -> None:
    """PyTorch's checks of ``layer_norm``/``rms_norm``: the trailing dims of ``input`` are ``shape``."""
    if not shape:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got "
            "normalized_shape = []"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                f"{list(t.shape)} and normalized_shape = {list(shape)}"
            )
    if tuple(input.shape[input.ndim - len(shape):]) != shape or input.ndim < len(shape):
        star = "[*" + ", ".join(map(str, shape)) + "]" if rms else "[*, " + ", ".join(map(str, shape)) + "]"
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape {star}, but got input of "
            f"size{list(input.shape)}"
        )


def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-05,
) -> Tensor:
    """Normalise over the trailing dims ``normalized_shape`` of each sample, then ``* weight + bias``.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, statistics (biased variance) over the last
    ``len(normalized_shape)`` dims. Shapes: ``input (*, *normalized_shape)``; ``weight``, ``bias``
    ``normalized_shape`` -> same as input. Unlike ``batch_norm`` it keeps no running statistics and works the
    same in training and evaluation.
    """
    shape = _normalized_shape(normalized_shape)
    _check_normalized_shape(input, shape, weight, bias)
    _check_norm_dtypes(input, [weight, bias], "LayerNormKernelImpl")
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    centered = input - input.mean(axes, keepdim=True)
    var = (centered * centered).mean(axes, keepdim=True)
    out = centered * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return saved_as_in_pytorch(out, *[t for t in (input, weight, bias) if t is not None])


def rms_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """Divide by the root mean square over the trailing dims ``normalized_shape``, then ``* weight``.

    ``y = x / sqrt(mean(x ** 2) + eps) * weight``; no centring and no bias. ``eps=None`` takes the machine epsilon
    of the input's dtype (``finfo(dtype).eps``). Shapes: ``input (*, *normalized_shape)``, ``weight
    normalized_shape`` -> same as input, in the input's dtype.
    """
    shape = _normalized_shape(normalized_shape)
    _check_normalized_shape(input, shape, weight, None, rms=True)
    if not input.is_floating_point():
        raise NotImplementedError(f'"rms_norm" not implemented for \'{_type_name(input)}\'')
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    out = input * ((input * input).mean(axes, keepdim=True) + eps).rsqrt()
    if weight is not None:
        out = out * weight
    return out.to(input._data.dtype)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-05,
) -> Tensor:
    """Split the channels (dim 1) into ``num_groups`` groups and normalise each group of each sample.

    Statistics (biased variance) are over the group's channels and all the trailing dims; then each channel is
    scaled by ``weight`` and shifted by ``bias``. Shapes: ``input (N, C, *)`` with ``C`` divisible by
    ``num_groups``; ``weight``, ``bias`` ``(C,)`` -> ``(N, C, *)``. Same in training and evaluation.
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    shape = tuple(input.shape)
    _verify_batch_size((shape[0] * shape[1] // num_groups, num_groups, *shape[2:]), as_size=False)
    channels = shape[1]
    if channels % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{list(shape)} and num_groups={num_groups}"
        )
    # PyTorch names the weight's shape in both messages ([0] when there is no weight).
    weight_shape = list(weight.shape) if weight is not None else [0]
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != channels):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in input, but got {name} "
                f"of shape {weight_shape} and input of shape {list(shape)}"
            )
    _check_norm_dtypes(input, [weight, bias], "GroupNormKernelImpl")
    n = shape[0]
    grouped = input.reshape(n, num_groups, -1)
    centered = grouped - grouped.mean(2, keepdim=True)
    var = (centered * centered).mean(2, keepdim=True)
    out = (centered * (var + eps).rsqrt()).reshape(shape)
    view = (1, channels) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out



# ---- distances ----------------------------------------------------------------------------------------------
def _vector_norm(x: Tensor, p: float, dim: int, keepdim: bool) -> Tensor:
    """The ``p``-norm along ``dim``, with PyTorch's gradient of 0 where the norm is 0 (not ``0 / 0``)."""
    p = float(p)
    a = x.abs()
    if p == math.inf:
        return a.max(dim, keepdim)[0]
    if p == -math.inf:
        return a.min(dim, keepdim)[0]
    if p == 0:  # how many entries are non-zero: a count, whose gradient is 0
        count = _const((x._data != 0).sum(dim, keepdims=keepdim), x._data.dtype)
        return count + (a * 0.0).sum(dim, keepdim)
    if p == 1:
        return a.sum(dim, keepdim)
    total = (x * x).sum(dim, keepdim) if p == 2 else (a ** p).sum(dim, keepdim)
    zero = _const(total._data == 0, np.bool_)
    # The root of 0 has an infinite slope: take it of 1 there, then put the 0 back (where passes it no gradient).
    root = where(zero, 1.0, total)
    root = root.sqrt() if p == 2 else root ** (1.0 / p)
    return where(zero, 0.0, root)


def _broadcast_pair(x1: Tensor, x2: Tensor) -> tuple[Tensor, Tensor]:
    try:
        shape = np.broadcast_shapes(x1._data.shape, x2._data.shape)
    except ValueError as err:
        raise_broadcast_error(x1._data, x2._data, err)
    x1, x2 = x1._pair(x2)
    return (x1 if x1.shape == shape else x1.expand(shape)), (x2 if x2.shape == shape else x2.expand(shape))


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``: ``sum(x1 * x2) / (|x1| * |x2|)``.

    Shapes: ``x1``, ``x2`` broadcastable -> the broadcast shape without ``dim``. Each vector is divided by its norm
    first (kept at least ``eps``, a clamp that passes the norm's gradient through, as PyTorch's), so the result
    stays in [-1, 1]; a zero vector gives 0.
    """
    dt = np.result_type(x1._data.dtype, x2._data.dtype)
    if dt.kind != "f":
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {_type_name(dt)}")
    x1, x2 = _broadcast_pair(x1, x2)
    d = wrap_dim(dim, x1.ndim)
    n1, n2 = _vector_norm(x1, 2, d, True), _vector_norm(x2, 2, d, True)
    # Raise the norms to eps without recording: the values change, the gradient stays the norm's.
    n1 = n1 + _const(np.maximum(n1._data, eps) - n1._data, n1._data.dtype)
    n2 = n2 + _const(np.maximum(n2._data, eps) - n2._data, n2._data.dtype)
    return ((x1 / n1) * (x2 / n2)).sum(d)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """The ``p``-norm distance ``|x1 - x2 + eps|_p`` along the last dim.

    Shapes: ``x1 (*, D)``, ``x2 (*, D)`` (broadcastable) -> ``(*)``, or ``(*, 1)`` with ``keepdim``. ``eps`` keeps
    the distance of equal vectors away from 0, where the 2-norm has no gradient.
    """
    diff = x1 - x2 + eps
    out = _vector_norm(diff, p, max(x1.ndim, x2.ndim) - 1, keepdim)
    return saved_as_in_pytorch(out, out)  # PyTorch's norm node reads its result


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Tensor:
    """Divide by the ``p``-norm along ``dim`` (at least ``eps``): ``input / max(|input|_p, eps)``.

    Shape: any -> same; each slice along ``dim`` gets norm 1 (a zero slice stays 0). ``out`` must be None.
    """
    if out is not None:
        raise NotImplementedError("minigrad's normalize has no out= argument")
    if not input.is_floating_point():
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_type_name(input)}"
        )
    d = wrap_dim(dim, input.ndim)
    norm = _vector_norm(input, p, d, True)
    big = _const(~(norm._data < eps), np.bool_)  # a nan norm is kept, as PyTorch's clamp_min keeps it
    return input / where(big, norm, _const(np.full(norm.shape, eps), norm._data.dtype))
