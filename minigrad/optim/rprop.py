"""``Rprop``: resilient backpropagation, which steps by the gradient's sign with per-coordinate step sizes
(Riedmiller & Braun, 1993)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer, _bump, _check_lr, _scalar_state, _zeros_like
from minigrad.tensor import Tensor


class Rprop(Optimizer):
    """Rprop, with PyTorch's update rule.

    Only the sign of each gradient entry is used. For each parameter ``p`` with gradient ``g`` (same shape as
    ``p``), one ``step()`` does, entry by entry::

        g = -g                                      if maximize
        s = g * prev                                prev: the gradient used last step (0 at first)
        size = clamp(size * etaplus,  step_sizes)   where s > 0  (same sign again: grow)
        size = clamp(size * etaminus, step_sizes)   where s < 0  (the sign flipped: shrink, and skip this step
                                                    by taking g = 0 there)
        p = p - sign(g) * size
        prev = g

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: the starting step size of every entry.
        etas: ``(etaminus, etaplus)``, the shrink and grow factors, ``0 < etaminus < 1 < etaplus``.
        step_sizes: ``(min, max)``, the bounds of a step size.
        capturable: accepted for PyTorch compatibility and ignored.
        foreach: accepted for PyTorch compatibility and ignored.
        differentiable: accepted for PyTorch compatibility and ignored.
        maximize: ascend instead of descend.

    State per parameter: ``'step'`` (a 0-d float32 tensor), ``'prev'`` and ``'step_size'``, tensors of the
    parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        etaminus, etaplus = (float(e) for e in group["etas"])
        size_min, size_max = (float(s) for s in group["step_sizes"])
        state = self.state[p]
        if not state:
            state["step"] = _scalar_state(0.0)
            state["prev"] = _zeros_like(p)
            state["step_size"] = Tensor._make(np.full_like(p._data, float(group["lr"])), False)
        g = -p.grad._data if group["maximize"] else p.grad._data
        state["step"]._data += 1
        prev, size = state["prev"]._data, state["step_size"]._data
        s = np.sign(g * prev)
        flipped = s < 0
        factor = np.where(s > 0, etaplus, np.where(flipped, etaminus, 1.0)).astype(p._data.dtype)
        size *= factor
        np.clip(size, size_min, size_max, out=size)
        g = np.where(flipped, 0, g).astype(p._data.dtype)
        p._data -= np.sign(g) * size
        prev[...] = g
        _bump(p, state)
