"""Reductions: sum, mean, max/min, var, and the softmax family along a dim.

``np.add.reduce`` is ``np.sum`` (``np.multiply.accumulate`` is ``np.cumprod``, and so on) without numpy's Python
wrapper around it: called directly, numpy's warning about ``inf - inf`` comes from minigrad's own code, where
minigrad hides it (PyTorch computes the nan silently), instead of from numpy's wrapper, where the user would see it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import kernels
from minigrad.autograd.function import Function
from minigrad.ops.elementwise import sigmoid


def _expand_back(g: np.ndarray, shape: tuple, axes: tuple, keepdim: bool) -> np.ndarray:
    """Give a reduced gradient its size-1 axes back, then broadcast it over the input's shape."""
    if not keepdim:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


def _c(a: np.ndarray) -> np.ndarray:
    """A reduction's result in row-major order, as PyTorch's is, whatever the input's layout (so ``view`` works)."""
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


class Sum(Function):
    """z = sum of a over ``axes``;  dL/da = dL/dz broadcast back over the summed axes."""

    @classmethod
    def node_name(cls):
        return "SumBackward0"

    @staticmethod
    def forward(ctx, a, *, axes, keepdim=False, dtype=None):
        ctx.meta = (a.shape, axes, keepdim)
        return _c(np.add.reduce(a, axis=axes, keepdims=keepdim, dtype=dtype or a.dtype))

    @staticmethod
    def backward(ctx, g):
        shape, axes, keepdim = ctx.meta
        return _expand_back(g, shape, axes, keepdim)


class SumDim(Sum):
    """``sum(dim=...)``: the same primitive, named ``SumBackward1`` like PyTorch's dim overload."""

    @classmethod
    def node_name(cls):
        return "SumBackward1"


class Mean(Function):
    """z = mean of a over ``axes``;  dL/da = dL/dz / n broadcast back (n = number of elements averaged)."""

    @classmethod
    def node_name(cls):
        return "MeanBackward0"

    @staticmethod
    def forward(ctx, a, *, axes, keepdim=False):
        n = 1
        for ax in axes:
            n *= a.shape[ax]
        ctx.meta = (a.shape, axes, keepdim, n)
        return _c(_mean(a, axes, keepdim))

    @staticmethod
    def backward(ctx, g):
        shape, axes, keepdim, n = ctx.meta
        return _expand_back(g / np.asarray(n, dtype=g.dtype), shape, axes, keepdim)


class MeanDim(Mean):
    """``mean(dim=...)``, named ``MeanBackward1``."""

    @classmethod
    def node_name(cls):
        return "MeanBackward1"


class MaxAll(Function):
    """z = max of all elements;  dL/da = dL/dz shared evenly among the elements equal to the max (the nan ones, if
    the max is nan), and exactly 0 elsewhere, as PyTorch's."""

    @classmethod
    def node_name(cls):
        return "MaxBackward1"

    @staticmethod
    def forward(ctx, a, *, largest=True):
        if a.size == 0:
            raise RuntimeError(
                "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction "
                "dim with the 'dim' argument."
            )
        z = np.max(a) if largest else np.min(a)
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        mask = np.isnan(a) if np.isnan(z) else a == z
        share = np.where(mask, g / np.asarray(mask.sum(), dtype=g.dtype), np.zeros((), a.dtype))
        return share.astype(a.dtype, copy=False)


class MinAll(MaxAll):
    """z = min of all elements; gradient shared evenly among the minima."""

    @classmethod
    def node_name(cls):
        return "MinBackward1"


class MaxDim(Function):
    """z = a's maximum along ``dim`` (picked by ``index``);  dL/da = dL/dz scattered to the picked positions."""

    @classmethod
    def node_name(cls):
        return "MaxBackward0"

    @staticmethod
    def forward(ctx, a, *, dim, keepdim, index):
        idx = np.expand_dims(index, dim)
        ctx.meta = (a.shape, a.dtype, dim, keepdim, idx)
        z = np.take_along_axis(a, idx, axis=dim)
        return z if keepdim else np.squeeze(z, axis=dim)

    @staticmethod
    def backward(ctx, g):
        shape, dtype, dim, keepdim, idx = ctx.meta
        out = np.zeros(shape, dtype=dtype)
        np.put_along_axis(out, idx, g if keepdim else np.expand_dims(g, dim), axis=dim)
        return out


class MinDim(MaxDim):
    """Minimum along ``dim``, named ``MinBackward0``."""

    @classmethod
    def node_name(cls):
        return "MinBackward0"


class NormInf(Function):
    """z = the largest (or smallest) element of a over ``axes`` (``a`` is ``|x|``: the inf or -inf norm);
    dL/da = dL/dz shared evenly among the elements tied at the extreme (or nan), as PyTorch shares it."""

    @classmethod
    def node_name(cls):
        return "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, *, axes, keepdim, largest):
        m = (np.max if largest else np.min)(a, axis=axes, keepdims=True)
        tied = ((a == m) | np.isnan(a)).astype(a.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            ctx.meta = (tied / np.sum(tied, axis=axes, keepdims=True), axes, keepdim)
        return _c(m if keepdim else np.squeeze(m, axis=axes))

    @staticmethod
    def backward(ctx, g):
        share, axes, keepdim = ctx.meta
        return share * (g if keepdim else np.expand_dims(g, axes))


class NormP(Function):
    """z = (sum of |a|^p over ``axes``)^(1/p), for p other than 0, 1, 2 and +-inf;
    dL/da = dL/dz * sign(a) |a|^(p-1) / z^(p-1), with PyTorch's subgradients: 0 where z = 0 (p >= 1), and 0
    where a = 0 (p < 1, where |a|^(p-1) is infinite; there the formula is written with z^(1-p))."""

    @classmethod
    def node_name(cls):
        return "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, *, p, axes, keepdim):
        with np.errstate(divide="ignore"):
            z = np.sum(np.abs(a) ** p, axis=axes, keepdims=True) ** (1.0 / p)
        ctx.save_for_backward(a, z)
        ctx.meta = (p, axes, keepdim)
        return _c(z if keepdim else np.squeeze(z, axis=axes))

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        p, axes, keepdim = ctx.meta
        g = g if keepdim else np.expand_dims(g, axes)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.sign(a) * np.abs(a) ** (p - 1)
            if p < 1:
                return np.where(a == 0, 0, slope) * g * z ** (1 - p)
            return slope * np.where(z == 0, 0, g / z ** (p - 1))


class NormZero(Function):
    """z = the count of the nonzero elements of a over ``axes`` (the "0-norm"). A step function: PyTorch's backward
    gives no gradient at all (the input's ``.grad`` stays None), not a zero one, and so does this one."""

    @classmethod
    def node_name(cls):
        return "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, *, axes, keepdim):
        return _c(np.sum(a != 0, axis=axes, keepdims=keepdim).astype(a.dtype))

    @staticmethod
    def backward(ctx, g):
        return None


class Var(Function):
    """z = sum((a - mean)^2) / (n - correction);  dL/da = dL/dz * 2 (a - mean) / (n - correction)."""

    @staticmethod
    def forward(ctx, a, *, axes, correction=1, keepdim=False):
        n = 1
        for ax in axes:
            n *= a.shape[ax]
        centered = a - _mean(a, axes, True)
        denom = np.asarray(max(n - correction, 0), dtype=a.dtype)
        ctx.save_for_backward(a)  # a itself, as PyTorch: changing it in place fails backward
        ctx.meta = (a.shape, axes, keepdim, denom)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _c(np.sum(centered * centered, axis=axes, keepdims=keepdim) / denom)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        shape, axes, keepdim, denom = ctx.meta
        g = g if keepdim else np.expand_dims(g, axes)
        return (2 * g / denom) * (a - _mean(a, axes, True))


class Softmax(Function):
    """z = exp(a) / sum(exp(a)) along ``dim``;  dL/da = z * (dL/dz - sum(dL/dz * z))."""

    @staticmethod
    def forward(ctx, a, *, dim):
        e = np.exp(a - np.max(a, axis=dim, keepdims=True, initial=-np.inf))
        z = _c(e / np.sum(e, axis=dim, keepdims=True))
        ctx.save_for_backward(z)
        ctx.dim = dim
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return z * (g - np.sum(g * z, axis=ctx.dim, keepdims=True))


class LogSoftmax(Function):
    """z = a - log(sum(exp(a))) along ``dim``;  dL/da = dL/dz - exp(z) * sum(dL/dz)."""

    @staticmethod
    def forward(ctx, a, *, dim):
        shifted = a - np.max(a, axis=dim, keepdims=True, initial=-np.inf)
        z = _c(shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True)))
        ctx.save_for_backward(z)
        ctx.dim = dim
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g - np.exp(z) * np.sum(g, axis=ctx.dim, keepdims=True)


# ---- losses: named as PyTorch names them, so a printed loss reads grad_fn=<MseLossBackward0> as it does there --


def _mean(a: np.ndarray, axis: Any = None, keepdims: bool = False) -> Any:
    """``np.mean`` in a's dtype; of nothing, nan as in PyTorch, without numpy's "Mean of empty slice" warning."""
    if a.size:
        total = np.add.reduce(a, axis=axis, keepdims=keepdims, dtype=a.dtype)
        return total / np.asarray(a.size // max(np.size(total), 1), dtype=a.dtype)
    with np.errstate(invalid="ignore"):  # 0 / 0
        return np.sum(a, axis=axis, keepdims=keepdims, dtype=a.dtype) / np.asarray(0, dtype=a.dtype)


def _reduced(losses: np.ndarray, reduction: str, weight: np.ndarray | None = None) -> np.ndarray:
    """Elementwise ``losses`` (times ``weight`` when given) reduced by 'mean', 'sum' or 'none', in their dtype."""
    if weight is not None:
        losses = losses * weight
    if reduction == "mean":
        return _mean(losses)
    if reduction == "sum":
        return np.sum(losses, dtype=losses.dtype)
    return losses


def _per_element(g: np.ndarray, reduction: str, n: int, weight: np.ndarray | None = None) -> np.ndarray:
    """dL/d(each of the ``n`` elementwise losses) from the gradient ``g`` of the reduced, ``weight``-ed loss."""
    scale = g / np.asarray(n, dtype=g.dtype) if reduction == "mean" else g
    return scale if weight is None else scale * weight


class MseLoss(Function):
    """z = reduce((a - b)^2) with ``reduction`` 'mean', 'sum' or 'none' (a, b of one shape);
    dL/da = dL/dz * 2 (a - b) (divided by the element count for 'mean'),  dL/db = -dL/da.

    Saves ``a`` and ``b`` themselves, as PyTorch does (so changing either in place before backward is an error),
    and takes ``a - b`` again in backward: the mean needs no array of differences at all."""

    @classmethod
    def node_name(cls):
        return "MseLossBackward0"

    @staticmethod
    def forward(ctx, a, b, *, reduction):
        ctx.save_for_backward(a, b)
        ctx.reduction = reduction
        if reduction == "none":
            return np.square(a - b)
        # The fast floor's twin sums the squares a chunk at a time, without an array of all of them (the same sum).
        faster = kernels.get("sum_of_squared_differences")
        total = faster(a, b) if faster is not None else np.sum(np.square(a - b), dtype=a.dtype)
        return total / np.asarray(a.size, dtype=total.dtype) if reduction == "mean" else total

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        scale = 2.0 / max(a.size, 1) if ctx.reduction == "mean" else 2.0  # an empty input has an empty gradient
        ga = (a - b) * (g * np.asarray(scale, dtype=g.dtype))
        na, nb = ctx.needs_input_grad
        return (ga if na else None), (np.negative(ga) if nb else None)


class SmoothL1Loss(Function):
    """z = reduce(l) with l = 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, for d = a - b (one shape);
    dL/da = dL/dz * clamp(d / beta, -1, 1) (over the element count for 'mean'),  dL/db = -dL/da.

    One node, as in PyTorch: written as a ``where`` of two branches, the branch not taken would still get a
    zero gradient, and 0 times an infinite ``d`` would make a nan."""

    @classmethod
    def node_name(cls):
        return "SmoothL1LossBackward0"

    @staticmethod
    def forward(ctx, a, b, *, beta, reduction):
        ctx.save_for_backward(a, b)
        ctx.meta = (beta, reduction)
        d = a - b
        with np.errstate(invalid="ignore"):
            loss = np.where(np.abs(d) < beta, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta)
        return _reduced(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        beta, reduction = ctx.meta
        g = _per_element(g, reduction, a.size)
        with np.errstate(invalid="ignore"):
            ga = np.clip((a - b) / beta, -1, 1) * g
        na, nb = ctx.needs_input_grad
        return (ga if na else None), (np.negative(ga) if nb else None)


class HuberLoss(SmoothL1Loss):
    """z = reduce(l) with l = 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), for d = a - b: delta times
    the smooth L1 loss with beta = delta, and so is its gradient (dL/da = dL/dz * clamp(d, -delta, delta))."""

    @classmethod
    def node_name(cls):
        return "HuberLossBackward0"

    @staticmethod
    def forward(ctx, a, b, *, delta, reduction):
        return delta * SmoothL1Loss.forward(ctx, a, b, beta=delta, reduction=reduction)

    @staticmethod
    def backward(ctx, g):
        delta = ctx.meta[0]
        return tuple(None if grad is None else delta * grad for grad in SmoothL1Loss.backward(ctx, g))


class NllLoss(Function):
    """Negative log likelihood of log-probabilities ``a`` ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``: per target,
    ``-weight[t] * a[n, t, ...]``, then reduced. ``index`` are the flattened targets (an ignored one points at class
    0 with weight 0), ``weight`` each target's weight; 'mean' divides by ``weight.sum()``.
    dL/da is ``-weight * dL/dz`` (divided likewise) at each target, 0 elsewhere."""

    @classmethod
    def node_name(cls):
        return "NllLossBackward0"

    @staticmethod
    def forward(ctx, a, *, index, weight, reduction, out_shape):
        rows = _classes_last(a)
        losses = -weight * rows[np.arange(index.shape[0]), index]
        ctx.meta = (a.shape, index, weight, reduction, out_shape)
        if reduction == "none":
            return losses.reshape(out_shape)
        total = np.sum(losses, dtype=a.dtype)
        if reduction == "sum":
            return total
        with np.errstate(invalid="ignore", divide="ignore"):  # every target ignored: 0 / 0 = nan, as in PyTorch
            return np.asarray(total / np.sum(weight, dtype=a.dtype))

    @staticmethod
    def backward(ctx, g):
        shape, index, weight, reduction, out_shape = ctx.meta
        if reduction == "none":
            coef = -weight * g.reshape(-1)
        elif reduction == "sum":
            coef = -weight * g
        else:  # every target ignored: the loss is nan, but PyTorch's gradient is 0, not nan
            total = np.sum(weight, dtype=g.dtype)
            coef = -weight * (g / total) if total != 0 else np.zeros_like(weight, dtype=g.dtype)
        n = index.shape[0]
        classes = shape[0] if len(shape) == 1 else shape[1]
        rows = np.zeros((n, classes), dtype=g.dtype)
        rows[np.arange(n), index] = coef  # one target per row: no repeats to accumulate
        if len(shape) == 1:
            return rows.reshape(shape)
        spatial = (shape[0],) + shape[2:] + (classes,)
        return np.moveaxis(rows.reshape(spatial), -1, 1)


class NllLoss2d(NllLoss):
    """``NllLoss`` of an input with spatial dims ``(N, C, d1, ...)``, named ``NllLoss2DBackward0`` as in PyTorch."""

    @classmethod
    def node_name(cls):
        return "NllLoss2DBackward0"


def _classes_last(a: np.ndarray) -> np.ndarray:
    """``(N, C, d1, ..., dk) -> (N * d1 * ... * dk, C)``; ``(N, C)`` stays, ``(C,)`` becomes ``(1, C)``."""
    if a.ndim == 1:
        return a.reshape(1, -1)
    if a.ndim > 2:
        a = np.moveaxis(a, 1, -1)
    return a.reshape(-1, a.shape[-1])


class BinaryCrossEntropy(Function):
    """Binary cross entropy of probabilities ``x`` and targets ``y`` (same shape), ``w`` an optional weight
    (broadcast, no gradient): ``-w (y log x + (1 - y) log(1 - x))``, each log clamped at -100 as in PyTorch, then
    reduced. dL/dx = w (x - y) / max(x (1 - x), 1e-12),  dL/dy = w (log(1 - x) - log x) (clamped logs)."""

    @classmethod
    def node_name(cls):
        return "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, y, w, *, reduction):
        with np.errstate(divide="ignore"):  # log 0 = -inf, clamped at -100 just below
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log(1 - x), -100)
        ctx.save_for_backward(x, y, w, log_x, log_1mx)
        ctx.reduction = reduction
        return _reduced(-(y * log_x + (1 - y) * log_1mx), reduction, w)

    @staticmethod
    def backward(ctx, g):
        x, y, w, log_x, log_1mx = ctx.saved_tensors
        scale = _per_element(g, ctx.reduction, x.size, w)
        na, nb = ctx.needs_input_grad[:2]
        gx = scale * (x - y) / np.maximum(x * (1 - x), np.asarray(1e-12, dtype=x.dtype)) if na else None
        gy = scale * (log_1mx - log_x) if nb else None
        return gx, gy, None


class BinaryCrossEntropyWithLogits(Function):
    """Binary cross entropy of logits ``x`` and targets ``y`` (same shape), computed without forming sigmoid(x):
    ``w ((1 - y) x + (1 + (p - 1) y) softplus(-x))``, ``w`` an optional weight and ``p`` the optional
    ``pos_weight`` (both broadcast, no gradient), then reduced.
    dL/dx = w (sigmoid(x) (1 + (p - 1) y) - p y),  dL/dy = w ((p - 1) softplus(-x) - x)."""

    @classmethod
    def node_name(cls):
        return "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, y, w, p, *, reduction):
        softplus = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))  # log(1 + e^-x), never overflowing
        log_weight = 1 if p is None else 1 + (p - 1) * y
        ctx.save_for_backward(x, y, w, p, softplus)
        ctx.reduction = reduction
        return _reduced((1 - y) * x + log_weight * softplus, reduction, w)

    @staticmethod
    def backward(ctx, g):
        x, y, w, p, softplus = ctx.saved_tensors
        scale = _per_element(g, ctx.reduction, x.size, w)
        na, nb = ctx.needs_input_grad[:2]
        gx = gy = None
        if na:
            s = sigmoid(x)
            gx = scale * (s - y if p is None else s * (1 + (p - 1) * y) - p * y)
        if nb:
            gy = scale * (-x if p is None else (p - 1) * softplus - x)
        return gx, gy, None, None


class Logsumexp(Function):
    """z = log(sum(exp(a))) over ``dims``, shifted by the max so that it cannot overflow;
    dL/da = dL/dz * exp(a - z) (z broadcast back over ``dims``)."""

    @staticmethod
    def forward(ctx, a, *, dims, keepdim):
        m = np.max(a, axis=dims, keepdims=True, initial=-np.inf)
        m = np.where(np.isinf(m), np.zeros((), a.dtype), m)  # all -inf (or an inf): shift by 0, as PyTorch
        with np.errstate(divide="ignore"):
            z = np.log(np.sum(np.exp(a - m), axis=dims, keepdims=True)) + m
        z = _c(z if keepdim else np.squeeze(z, axis=dims))
        ctx.save_for_backward(a, z)  # the output itself: changing it in place fails backward, as in PyTorch
        ctx.meta = (dims, keepdim)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        dims, keepdim = ctx.meta
        if not keepdim:
            g, z = np.expand_dims(g, dims), np.expand_dims(z, dims)
        return g * np.exp(a - z)


class Cumsum(Function):
    """z_i = a_0 + ... + a_i along ``dim``;  dL/da_i = dL/dz_i + ... + dL/dz_n (a cumulative sum from the end)."""

    @staticmethod
    def forward(ctx, a, *, dim, dtype):
        ctx.meta = (dim, a.dtype)
        return _c(np.cumsum(a.reshape(a.shape or (1,)), axis=dim, dtype=dtype).reshape(a.shape))  # 0-d: one element

    @staticmethod
    def backward(ctx, g):
        dim, dtype = ctx.meta
        if g.ndim == 0:
            return g.astype(dtype, copy=False)
        return np.flip(np.cumsum(np.flip(g, dim), axis=dim), dim).astype(dtype, copy=False)


def _product_of_others(a: np.ndarray, axis: int) -> np.ndarray:
    """For every element, the product of the other elements along ``axis``: the exclusive products from the left
    times those from the right. No division, so zeros are handled exactly (one zero: only it gets a nonzero
    value; two zeros: every value is 0), as PyTorch's gradient of ``prod``."""
    one = np.ones_like(np.take(a, [0], axis=axis))
    left = np.multiply.accumulate(np.concatenate([one, np.take(a, np.arange(a.shape[axis] - 1), axis=axis)], axis),
                                  axis)
    flipped = np.flip(a, axis)
    right = np.multiply.accumulate(
        np.concatenate([one, np.take(flipped, np.arange(a.shape[axis] - 1), axis=axis)], axis), axis)
    return left * np.flip(right, axis)


class Prod(Function):
    """z = the product of all elements of a;  dL/da_i = dL/dz * (the product of the other elements): z / a_i
    when no element is 0 (PyTorch's formula, which reads the output), else counted out exactly; with two zeros or
    more, every product of the others holds a zero, and the gradient is exactly 0 (as PyTorch's)."""

    @staticmethod
    def forward(ctx, a):
        z = np.asarray(np.multiply.reduce(a, axis=None), dtype=a.dtype)
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        if a.size == 0 or np.count_nonzero(a == 0) > 1:
            return np.zeros_like(a)
        if a.all():
            return g * (z / a)
        return (g * _product_of_others(a.reshape(-1), 0)).reshape(a.shape)


class ProdDim(Function):
    """z = the product along ``dim``;  dL/da_i = dL/dz * (the product of the other elements of its slice)."""

    @classmethod
    def node_name(cls):
        return "ProdBackward1"

    @staticmethod
    def forward(ctx, a, *, dim, keepdim=False):
        z = np.prod(a, axis=dim, keepdims=keepdim)
        ctx.save_for_backward(a, z)
        ctx.meta = (dim, keepdim)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        dim, keepdim = ctx.meta
        if a.shape[dim] == 0:
            return np.zeros_like(a)
        if not keepdim:
            g, z = np.expand_dims(g, dim), np.expand_dims(z, dim)
        if a.all():  # no zero anywhere: z / a, as PyTorch
            return g * (z / a)
        return g * _product_of_others(a, dim)


def _sum_from_end(w: np.ndarray, axis: int) -> np.ndarray:
    """The sums of w from each position to the end of ``axis``: ``[w0 + w1 + w2, w1 + w2, w2]``."""
    return np.flip(np.add.accumulate(np.flip(w, axis), axis=axis), axis)


class Cumprod(Function):
    """z_j = a_0 * ... * a_j along ``dim``;  dL/da_i = sum over j >= i of g_j * (z_j without the factor a_i).

    With no zero in a, that is (sum over j >= i of g_j z_j) / a_i. With zeros (f the first, s the second or the
    end), every term whose product holds a zero is exactly 0: before f, the same formula summed over j < f; at f,
    (a_0 ... a_(f-1)) * (g_f + sum over f < j < s of g_j a_(f+1) ... a_j); after f, 0. These are PyTorch's
    formulas, so an inf or nan in g past a zero stays out of the elements before it, as there."""

    @staticmethod
    def forward(ctx, a, *, dim):
        with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 = nan, silently as PyTorch
            z = np.multiply.accumulate(a if a.ndim else a.reshape(1), axis=dim)
        ctx.save_for_backward(a, z)
        ctx.dim = dim
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        if a.size <= 1 or a.shape[ctx.dim] == 1:
            return g
        if a.all():  # no zero: the sum from the end of g * z, over a (PyTorch's formula, which reads the output)
            return _sum_from_end(g * z, ctx.dim) / a
        a, z, g = (np.moveaxis(x, ctx.dim, 0) for x in (a, z, g))
        zero = np.zeros((), a.dtype)
        zeros_so_far = np.cumsum(a == 0, axis=0)
        before = zeros_so_far == 0  # i < f
        at_first = (zeros_so_far == 1) & (a == 0)  # i = f
        between = (zeros_so_far == 1) & (a != 0)  # f < j < s
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            grad = np.where(before, _sum_from_end(np.where(before, z * g, zero), 0) / a, zero)
            first = np.argmax(at_first, axis=0)  # f in each slice (0 where a slice has no zero: masked below)
            up_to_first = np.where(first > 0, np.take_along_axis(z, np.maximum(first - 1, 0)[None], 0)[0], 1)
            tail = np.sum(np.where(zeros_so_far == 1, g, zero) * np.cumprod(np.where(between, a, 1), axis=0), axis=0)
            grad = np.where(at_first, up_to_first * tail, grad)
        return np.moveaxis(grad, 0, ctx.dim)
