"""Reductions: sum, mean, max/min, var, and the softmax family along a dim."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function


def _expand_back(g: np.ndarray, shape: tuple, axes: tuple, keepdim: bool) -> np.ndarray:
    """Give a reduced gradient its size-1 axes back, then broadcast it over the input's shape."""
    if not keepdim:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


class Sum(Function):
    """z = sum of a over ``axes``;  dL/da = dL/dz broadcast back over the summed axes."""

    @classmethod
    def node_name(cls):
        return "SumBackward0"

    @staticmethod
    def forward(ctx, a, *, axes, keepdim=False, dtype=None):
        ctx.meta = (a.shape, axes, keepdim)
        return np.sum(a, axis=axes, keepdims=keepdim, dtype=dtype or a.dtype)

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
        return np.mean(a, axis=axes, keepdims=keepdim, dtype=a.dtype)

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
    """z = max of all elements;  dL/da = dL/dz shared evenly among the elements equal to the max."""

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
        mask = a == z
        return (mask * (g / np.asarray(mask.sum(), dtype=g.dtype))).astype(a.dtype, copy=False)


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


class Var(Function):
    """z = sum((a - mean)^2) / (n - correction);  dL/da = dL/dz * 2 (a - mean) / (n - correction)."""

    @staticmethod
    def forward(ctx, a, *, axes, correction=1, keepdim=False):
        n = 1
        for ax in axes:
            n *= a.shape[ax]
        centered = a - np.mean(a, axis=axes, keepdims=True, dtype=a.dtype)
        denom = np.asarray(max(n - correction, 0), dtype=a.dtype)
        ctx.save_for_backward(centered)
        ctx.meta = (a.shape, axes, keepdim, denom)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sum(centered * centered, axis=axes, keepdims=keepdim) / denom

    @staticmethod
    def backward(ctx, g):
        (centered,) = ctx.saved_tensors
        shape, axes, keepdim, denom = ctx.meta
        g = g if keepdim else np.expand_dims(g, axes)
        return (2 * g / denom) * centered


class Softmax(Function):
    """z = exp(a) / sum(exp(a)) along ``dim``;  dL/da = z * (dL/dz - sum(dL/dz * z))."""

    @staticmethod
    def forward(ctx, a, *, dim):
        e = np.exp(a - np.max(a, axis=dim, keepdims=True))
        z = e / np.sum(e, axis=dim, keepdims=True)
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
        shifted = a - np.max(a, axis=dim, keepdims=True)
        z = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(z)
        ctx.dim = dim
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g - np.exp(z) * np.sum(g, axis=ctx.dim, keepdims=True)
