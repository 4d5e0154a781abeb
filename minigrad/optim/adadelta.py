"""``Adadelta``: steps sized by a running ratio of past update and gradient magnitudes (Zeiler, 2012)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer, _bump, _check_lr, _scalar_state, _zeros_like
from minigrad.tensor import Tensor


class Adadelta(Optimizer):
    """Adadelta, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), one ``step()`` does::

        g = -g                                          if maximize
        g = g + weight_decay * p                        if weight_decay != 0
        v = rho * v + (1 - rho) * g * g                 running mean of squared gradients
        delta = sqrt(u + eps) / sqrt(v + eps) * g       u: running mean of squared updates
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: scales ``delta`` before it is applied.
        rho: decay rate of the two running averages, in ``[0, 1]``.
        eps: added inside both square roots (it also sets the size of the very first steps).
        weight_decay: L2 penalty added to the gradient.
        foreach: accepted for PyTorch compatibility and ignored.
        capturable: accepted for PyTorch compatibility and ignored.
        differentiable: accepted for PyTorch compatibility and ignored.
        maximize: ascend instead of descend.

    State per parameter: ``'step'`` (a 0-d float32 tensor counting updates), ``'square_avg'`` (``v``) and
    ``'acc_delta'`` (``u``), tensors of the parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, rho, eps, weight_decay = (float(group[k]) for k in ("lr", "rho", "eps", "weight_decay"))
        state = self.state[p]
        if not state:
            state["step"] = _scalar_state(0.0)
            state["square_avg"] = _zeros_like(p)
            state["acc_delta"] = _zeros_like(p)
        state["step"]._data += 1
        g = -p.grad._data if group["maximize"] else p.grad._data
        if weight_decay != 0:
            g = g + weight_decay * p._data
        v, u = state["square_avg"]._data, state["acc_delta"]._data
        v *= rho
        v += (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        p._data -= lr * delta
        _bump(p, state)
