"""``Linear`` (the affine layer) and ``Identity``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import dtypes as _dt
from minigrad._device import check_device
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _new_param(shape: tuple, device: Any, dtype: Any) -> Parameter:
    """A zero-filled Parameter for a layer to initialise (``device`` may only be None or ``'cpu'``)."""
    check_device(device)
    if any(s < 0 for s in shape):
        bad = next(s for s in shape if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list(shape)}")
    np_dtype = DEFAULT_FLOAT if dtype is None else _dt.to_numpy_dtype(dtype)
    return Parameter(np.zeros(shape, dtype=np_dtype))


class Identity(Module):
    """Returns its input unchanged. Any constructor arguments are accepted and ignored. Shape: any -> same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        """Return ``input`` itself."""
        return input


class Linear(Module):
    """The affine layer ``y = x @ weight^T + bias``.

    Args:
        in_features: size of each input sample's last dimension.
        out_features: size of each output sample's last dimension.
        bias: if False, ``bias`` is registered as None and no bias is added.
        device: None or ``'cpu'`` (accepted like PyTorch's factory argument).
        dtype: the parameters' dtype (default float32).

    Shapes: input ``(*, in_features)`` -> output ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, drawn from ``U(-k, k)`` with ``k = 1/sqrt(in_features)``
            (PyTorch's ``kaiming_uniform_(a=sqrt(5))``).
        bias: ``(out_features,)``, drawn from ``U(-k, k)``; None when ``bias=False``.

    Example::

        >>> m = nn.Linear(20, 30)
        >>> m(minigrad.randn(128, 20)).shape
        minigrad.Size([128, 30])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = _new_param((out_features, in_features), device, dtype)
        if bias:
            self.bias = _new_param((out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights (and bias) from minigrad's global generator, as PyTorch initialises them."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        """``(*, in_features) -> (*, out_features)``: ``F.linear(input, weight, bias)``."""
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        """``in_features=.., out_features=.., bias=..``."""
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
