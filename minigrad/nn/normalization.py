"""Per-sample normalization layers: ``LayerNorm``, ``GroupNorm`` and ``RMSNorm`` (no running statistics)."""

from __future__ import annotations

from typing import Any

from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.linear import _new_param
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class LayerNorm(Module):
    """Normalise each sample over its trailing dims ``normalized_shape``, then ``* weight + bias``.

    Args:
        normalized_shape: the trailing shape to normalise over (an int means ``(int,)``).
        eps: added to the variance before the square root.
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros), each of shape ``normalized_shape``.
        bias: with ``elementwise_affine``, whether to learn ``bias`` too.
        device: None or ``'cpu'``.
        dtype: the parameters' dtype (default float32).

    Shapes: ``(*, *normalized_shape)`` -> same. The same in training and eval mode.

    Example::

        >>> ln = nn.LayerNorm(16)
        >>> ln(minigrad.randn(4, 10, 16)).shape
        minigrad.Size([4, 10, 16])
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-05, elementwise_affine: bool = True, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = F._normalized_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = _new_param(self.normalized_shape, device, dtype)
            if bias:
                self.bias = _new_param(self.normalized_shape, device, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``weight`` to ones and ``bias`` to zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        """``(*, *normalized_shape)`` -> same: ``F.layer_norm``."""
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Split the ``num_channels`` channels into ``num_groups`` groups and normalise each group of each sample.

    Args:
        num_groups: how many groups; must divide ``num_channels``.
        num_channels: ``C``, the size of dim 1.
        eps: added to the variance before the square root.
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros), each ``(C,)``.
        device: None or ``'cpu'``.
        dtype: the parameters' dtype (default float32).
        bias: with ``affine``, whether to learn ``bias`` too (keyword only).

    Shapes: ``(N, C, *)`` -> same. The same in training and eval mode.
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-05, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if affine:
            self.weight = _new_param((num_channels,), device, dtype)
            if bias:
                self.bias = _new_param((num_channels,), device, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``weight`` to ones and ``bias`` to zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        """``(N, C, *)`` -> same: ``F.group_norm``."""
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """Divide each sample by its root mean square over the trailing dims ``normalized_shape``, then ``* weight``.

    Args:
        normalized_shape: the trailing shape to normalise over (an int means ``(int,)``).
        eps: added to the mean square; None takes the input dtype's machine epsilon.
        elementwise_affine: learn ``weight`` (ones) of shape ``normalized_shape``.
        device: None or ``'cpu'``.
        dtype: the parameter's dtype (default float32).

    Shapes: ``(*, *normalized_shape)`` -> same.
    """

    def __init__(self, normalized_shape: Any, eps: float | None = None, elementwise_affine: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = F._normalized_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = _new_param(self.normalized_shape, device, dtype)
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``weight`` to ones."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, input: Tensor) -> Tensor:
        """``(*, *normalized_shape)`` -> same: ``F.rms_norm``."""
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
