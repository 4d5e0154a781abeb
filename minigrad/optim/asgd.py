"""``ASGD``: SGD with a decaying step size that also keeps a running average of the iterates (Polyak & Juditsky)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer, _bump, _check_lr, _scalar_state, _zeros_like
from minigrad.tensor import Tensor


class ASGD(Optimizer):
    """Averaged stochastic gradient descent, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), step ``t = 1, 2, ...`` does::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0
        p = p * (1 - lambd * eta)                   eta starts at lr
        p = p - eta * g
        ax = p                                      while mu == 1, else  ax = ax + (p - ax) * mu
        eta = lr / (1 + lambd * lr * t) ** alpha    for the next step
        mu = 1 / max(1, t - t0)                     averaging starts after t0 steps

    ``ax``, the average, is what ASGD's theory promises to converge; the parameter itself keeps taking SGD steps.
    Like PyTorch, ``eta`` and ``mu`` are float32 scalars, so a float64 run sees them rounded to float32.

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        lambd: decay term.
        alpha: power of the step-size decay.
        t0: the step at which averaging starts.
        weight_decay: L2 penalty added to the gradient.
        foreach: accepted for PyTorch compatibility and ignored.
        differentiable: accepted for PyTorch compatibility and ignored.
        capturable: accepted for PyTorch compatibility and ignored.
        maximize: ascend instead of descend.

    State per parameter: ``'step'``, ``'eta'`` and ``'mu'`` (0-d float32 tensors) and ``'ax'``, a tensor of the
    parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay, "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, lambd, alpha = float(group["lr"]), float(group["lambd"]), float(group["alpha"])
        t0, weight_decay = float(group["t0"]), float(group["weight_decay"])
        state = self.state[p]
        if not state:
            state["step"] = _scalar_state(0.0)
            state["eta"] = _scalar_state(lr)
            state["mu"] = _scalar_state(1.0)
            state["ax"] = _zeros_like(p)
        g = -p.grad._data if group["maximize"] else p.grad._data
        state["step"]._data += 1
        if weight_decay != 0:
            g = g + weight_decay * p._data
        eta = float(state["eta"]._data)
        p._data *= 1 - lambd * eta
        p._data -= eta * g
        ax, mu = state["ax"]._data, state["mu"]._data
        if float(mu) != 1:
            ax += (p._data - ax) * mu
        else:
            ax[...] = p._data
        t = float(state["step"]._data)
        # PyTorch makes both as float32 scalars, so they are float32-rounded even when a loaded state is float64
        state["eta"]._data[...] = np.float32(lr / ((1 + lambd * lr * t) ** alpha))
        state["mu"]._data[...] = np.float32(1 / max(1, t - t0))
        _bump(p, state)
