"""Batch normalization: ``BatchNorm1d`` and ``BatchNorm2d``, with running statistics kept as buffers."""

from __future__ import annotations

from typing import Any

from minigrad._device import check_device
from minigrad.creation import ones, tensor, zeros
from minigrad.dtypes import int64
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.linear import _new_param
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class _BatchNorm(Module):
    """What ``BatchNorm1d`` and ``BatchNorm2d`` share; they differ only in the input ranks they accept.

    Args:
        num_features: ``C``, the size of the channel dim (dim 1).
        eps: added to the variance before the square root.
        momentum: weight of the current batch in the running averages; ``None`` makes them plain (cumulative)
            averages over every batch seen, ``1 / num_batches_tracked``.
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros).
        track_running_stats: keep ``running_mean`` (zeros), ``running_var`` (ones) and ``num_batches_tracked``
            (int64 0) as buffers and use them in eval mode; if False the buffers are None and batch statistics
            are used in both modes.
        device: None or ``'cpu'``.
        dtype: the dtype of the parameters and running statistics (default float32).
        bias: with ``affine``, whether to learn ``bias`` too (keyword only).

    In training mode each call normalises with the batch's statistics and moves the running statistics towards
    them (the variance unbiased, as in PyTorch); in eval mode it normalises with the running statistics.
    """

    _ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-05, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = _new_param((num_features,), device, dtype)
            if bias:
                self.bias = _new_param((num_features,), device, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            check_device(device)
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean back to 0, running variance to 1, batch count to 0 (in place)."""
        if self.track_running_stats:
            for buf, value in ((self.running_mean, 0), (self.running_var, 1), (self.num_batches_tracked, 0)):
                buf._vc.before_write()
                buf._data[...] = value
                buf._vc.value += 1

    def reset_parameters(self) -> None:
        """Reset the running statistics, and ``weight`` to ones and ``bias`` to zeros."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._ranks:
            expected = " or ".join(f"{r}D" for r in self._ranks)
            raise ValueError(f"expected {expected} input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        """``(N, C, *) -> (N, C, *)``: ``F.batch_norm`` with batch statistics (training) or running ones (eval)."""
        self._check_input_dim(input)
        counting = self.training and self.track_running_stats and self.num_batches_tracked is not None
        if counting and self.momentum is None:
            factor = 1.0 / (int(self.num_batches_tracked._data) + 1)  # the average over every batch so far
        else:
            factor = 0.0 if self.momentum is None else self.momentum
        # Batch statistics while training, and whenever there are no running statistics to use.
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        out = F.batch_norm(input, self.running_mean if keep else None, self.running_var if keep else None,
                           self.weight, self.bias, use_batch, factor, self.eps)
        if counting:  # counted only once the call has succeeded, so a failed call changes no buffer
            self.num_batches_tracked._vc.before_write()
            self.num_batches_tracked._data[...] += 1
            self.num_batches_tracked._vc.value += 1
        return out

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization over a 2-D ``(N, C)`` or 3-D ``(N, C, L)`` input: each channel gets zero mean and unit
    variance over the batch (and ``L``), then ``* weight + bias``. Arguments as in ``_BatchNorm``.

    Shapes: ``(N, C)`` -> ``(N, C)``; ``(N, C, L)`` -> ``(N, C, L)``. Parameters ``weight``, ``bias`` and buffers
    ``running_mean``, ``running_var`` are ``(C,)``; ``num_batches_tracked`` is a 0-d int64 tensor.

    Example::

        >>> bn = nn.BatchNorm1d(3)
        >>> bn(minigrad.randn(8, 3)).shape           # training mode: batch statistics, running ones updated
        minigrad.Size([8, 3])
    """

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization over a 4-D ``(N, C, H, W)`` input: statistics per channel over ``N``, ``H`` and ``W``.
    Arguments, parameters and buffers as in ``BatchNorm1d``. Shape: ``(N, C, H, W)`` -> same."""

    _ranks = (4,)
