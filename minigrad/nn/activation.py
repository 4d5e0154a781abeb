"""Activation modules (``Tanh``, ``ReLU``, ``GELU``, ``PReLU``, ``Softmax``, ...). Each calls its functional form."""

from __future__ import annotations

import warnings
from typing import Any

from minigrad.nn import functional as F
from minigrad.nn.linear import _new_param
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class Tanh(Module):
    """Hyperbolic tangent, elementwise. Shape: any -> same."""

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.tanh(input)``."""
        return F.tanh(input)


class Sigmoid(Module):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, elementwise. Shape: any -> same."""

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.sigmoid(input)``."""
        return F.sigmoid(input)


class ReLU(Module):
    """``max(x, 0)``, elementwise. Shape: any -> same.

    Args:
        inplace: overwrite the input with the result (see ``functional.relu``).
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.relu(input, inplace)``."""
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Softmax(Module):
    """Softmax along ``dim``: every slice along ``dim`` becomes non-negative and sums to 1. Shape: any -> same.

    Args:
        dim: the dimension to normalise (None is deprecated: PyTorch's implicit choice, with its warning).
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.softmax(input, dim)``."""
        # _stacklevel 5 points the implicit-dim warning at the caller of the module.
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, computed stably. Shape: any -> same.

    Args:
        dim: the dimension to normalise (None as in ``Softmax``).
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.log_softmax(input, dim)``."""
        return F.log_softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


def _inplace_repr(text: str, inplace: bool) -> str:
    return f"{text}, inplace=True" if inplace else text


class LeakyReLU(Module):
    """``x`` where ``x > 0``, else ``negative_slope * x``. Shape: any -> same.

    Args:
        negative_slope: the slope for non-positive inputs.
        inplace: overwrite the input with the result.
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.leaky_relu``."""
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(f"negative_slope={self.negative_slope}", self.inplace)


class ELU(Module):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``. Shape: any -> same.

    Args:
        alpha: the value approached as ``x -> -inf`` is ``-alpha``.
        inplace: overwrite the input with the result.
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.elu``."""
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(f"alpha={self.alpha}", self.inplace)


class GELU(Module):
    """``x * Phi(x)``, ``Phi`` the standard normal CDF (``approximate='tanh'``: its tanh approximation).

    Shape: any -> same. An unknown ``approximate`` is accepted here and rejected when called, as in PyTorch.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.gelu``."""
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)`` (swish). Shape: any -> same.

    Args:
        inplace: overwrite the input with the result.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.silu``."""
        return F.silu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``. Shape: any -> same.

    Args:
        beta: sharpness (larger is closer to ReLU).
        threshold: above ``beta * x > threshold`` the output is ``x``.
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.softplus``."""
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """Clip to ``[min_val, max_val]``. Shape: any -> same.

    Args:
        min_val: lower end.
        max_val: upper end (must not be below ``min_val``).
        inplace: overwrite the input with the result.
        min_value: deprecated name of ``min_val`` (warns).
        max_value: deprecated name of ``max_val`` (warns).
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        if max_val <= min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.hardtanh``."""
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(f"min_val={self.min_val}, max_val={self.max_val}", self.inplace)


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``. Shape: any -> same.

    Args:
        inplace: overwrite the input with the result.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class PReLU(Module):
    """Leaky ReLU with a learned slope per channel: ``x`` where ``x > 0``, else ``weight * x``.

    Args:
        num_parameters: 1 (one slope shared by all channels) or the number of channels ``C`` (dim 1 of the input).
        init: the initial slope.
        device: None or ``'cpu'``.
        dtype: the parameter's dtype (default float32).

    Shapes: ``(N, C, *)`` or any -> same. Parameter ``weight (num_parameters,)`` filled with ``init``.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = _new_param((num_parameters,), device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Fill ``weight`` with ``init``."""
        self.weight._data[...] = self.init

    def forward(self, input: Tensor) -> Tensor:
        """``(N, C, *)`` -> same: ``F.prelu(input, weight)``."""
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softmin(Module):
    """``softmax(-x)`` along ``dim``. Shape: any -> same.

    Args:
        dim: the dimension to normalise (None as in ``Softmax``).
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.softmin(input, dim)``."""
        return F.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSigmoid(Module):
    """``log(sigmoid(x))``, computed stably. Shape: any -> same."""

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.logsigmoid``."""
        return F.logsigmoid(input)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``. Shape: any -> same.

    Args:
        threshold: inputs at or below it are replaced.
        value: what they are replaced by.
        inplace: overwrite the input with the result.
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.threshold``."""
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(f"threshold={self.threshold}, value={self.value}", self.inplace)
