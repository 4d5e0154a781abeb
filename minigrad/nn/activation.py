"""Activation modules: ``Tanh``, ``Sigmoid``, ``ReLU``, ``Softmax``, ``LogSoftmax``. Each calls its functional form."""

from __future__ import annotations

from minigrad.nn import functional as F
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
