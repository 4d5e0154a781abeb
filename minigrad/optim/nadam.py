"""``NAdam``: Adam with Nesterov momentum and a momentum schedule (Dozat, 2016)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.adam import _lerp_
from minigrad.optim.optimizer import Optimizer, _bump, _check_adam_args, _check_lr, _scalar_state, _zeros_like
from minigrad.tensor import Tensor


class NAdam(Optimizer):
    """NAdam, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), step ``t = 1, 2, ...`` does::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0 (p = p * (1 - lr * weight_decay)
                                                    instead when decoupled_weight_decay)
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))          the momentum schedule
        P = P * mu_t                                P: the product mu_1 ... mu_t, kept in float32
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        d = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - P) * g / d - lr * mu_{t+1} / (1 - P * mu_{t+1}) * m / d

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        betas: ``(beta1, beta2)``, each in ``[0, 1)``.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty.
        momentum_decay: how fast ``mu_t`` approaches ``beta1``.
        decoupled_weight_decay: shrink the weights directly (as AdamW) instead of adding to the gradient.
        foreach: accepted for PyTorch compatibility and ignored.
        capturable: accepted for PyTorch compatibility and ignored.
        differentiable: accepted for PyTorch compatibility and ignored.
        maximize: ascend instead of descend.

    State per parameter: ``'step'`` and ``'mu_product'`` (``P``), 0-d float32 tensors, and ``'exp_avg'`` and
    ``'exp_avg_sq'``, tensors of the parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_adam_args(eps, betas, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        momentum_decay = float(group["momentum_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        state = self.state[p]
        if not state:
            state["step"] = _scalar_state(0.0)
            state["mu_product"] = _scalar_state(1.0)
            state["exp_avg"] = _zeros_like(p)
            state["exp_avg_sq"] = _zeros_like(p)
        g = -p.grad._data if group["maximize"] else p.grad._data
        state["step"]._data += 1
        t = float(state["step"]._data)
        bias_correction2 = 1 - beta2 ** t
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p._data *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p._data
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        state["mu_product"]._data *= mu  # a float32 product, as PyTorch keeps it
        mu_product = float(state["mu_product"]._data)

        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(m, g, 1 - beta1)
        v *= beta2
        v += (1 - beta2) * g * g
        denom = np.sqrt(v / bias_correction2) + eps
        p._data += (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
        p._data += (-lr * mu_next) / (1.0 - mu_product * mu_next) * m / denom
        _bump(p, state)
