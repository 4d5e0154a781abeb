"""Dropout layers: ``Dropout`` (elements), ``Dropout1d``/``Dropout2d`` (whole channels), ``AlphaDropout`` (SELU)."""

from __future__ import annotations

from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class Dropout(Module):
    """In training mode, zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    In eval mode (``model.eval()``) it returns its input unchanged, so the expected activation is the same in
    both modes. Shape: any -> same.

    Args:
        p: probability of zeroing an element, in [0, 1].
        inplace: overwrite the input.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.dropout(input, p, self.training, inplace)``."""
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """In training mode, zero whole channels with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Shapes: ``(N, C, L)`` or ``(C, L)`` -> same; each ``input[n, c, :]`` is kept or zeroed as one.
    Identity in eval mode. Args as in ``Dropout``.
    """

    def forward(self, input: Tensor) -> Tensor:
        """``(N, C, L)`` -> same: ``F.dropout1d(input, p, self.training, inplace)``."""
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(Dropout):
    """In training mode, zero whole feature maps with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Shapes: ``(N, C, H, W)`` -> same; each ``input[n, c]`` is kept or zeroed as one (other ranks as
    ``F.dropout2d``). Identity in eval mode. Args as in ``Dropout``.
    """

    def forward(self, input: Tensor) -> Tensor:
        """``(N, C, H, W)`` -> same: ``F.dropout2d(input, p, self.training, inplace)``."""
        return F.dropout2d(input, self.p, self.training, self.inplace)


class AlphaDropout(Dropout):
    """Dropout that keeps a zero-mean, unit-variance input so (for SELU networks); see ``F.alpha_dropout``.

    Shape: any -> same. Identity in eval mode. Args as in ``Dropout``.
    """

    def forward(self, input: Tensor) -> Tensor:
        """Any shape -> same: ``F.alpha_dropout(input, p, self.training)``."""
        return F.alpha_dropout(input, self.p, self.training)
