"""``Adamax``: Adam with the infinity norm of past gradients in place of their root mean square (Kingma & Ba)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.adam import _lerp_
from minigrad.optim.optimizer import Optimizer, _bump, _check_adam_args, _check_lr, _scalar_state, _zeros_like
from minigrad.tensor import Tensor


class Adamax(Optimizer):
    """Adamax, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), step ``t = 1, 2, ...`` does::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0
        m = beta1 * m + (1 - beta1) * g             first moment (a lerp towards g)
        u = max(beta2 * u, |g| + eps)               exponentially weighted infinity norm
        p = p - lr / (1 - beta1**t) * m / u

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        betas: ``(beta1, beta2)``, decay rates of ``m`` and ``u``, each in ``[0, 1)``.
        eps: added to ``|g|`` so ``u`` is never zero.
        weight_decay: L2 penalty added to the gradient.
        foreach: accepted for PyTorch compatibility and ignored.
        differentiable: accepted for PyTorch compatibility and ignored.
        capturable: accepted for PyTorch compatibility and ignored.
        maximize: ascend instead of descend.

    State per parameter: ``'step'`` (a 0-d float32 tensor), ``'exp_avg'`` (``m``) and ``'exp_inf'`` (``u``),
    tensors of the parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_adam_args(eps, betas, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        state = self.state[p]
        if not state:
            state["step"] = _scalar_state(0.0)
            state["exp_avg"] = _zeros_like(p)
            state["exp_inf"] = _zeros_like(p)
        g = -p.grad._data if group["maximize"] else p.grad._data
        state["step"]._data += 1
        if weight_decay != 0:
            g = g + weight_decay * p._data
        m, u = state["exp_avg"]._data, state["exp_inf"]._data
        _lerp_(m, g, 1 - beta1)
        u *= beta2
        np.maximum(u, np.abs(g) + eps, out=u)
        clr = lr / (1 - beta1 ** float(state["step"]._data))
        p._data += (-clr * m) / u
        _bump(p, state)
