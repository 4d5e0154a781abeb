"""``RAdam``: Adam whose adaptive step is switched on gradually, once its variance is trustworthy (Liu et al.)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.adam import _lerp_
from minigrad.optim.optimizer import Optimizer, _bump, _check_adam_args, _check_lr, _scalar_state, _zeros_like
from minigrad.tensor import Tensor


class RAdam(Optimizer):
    """RAdam (rectified Adam), with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), step ``t = 1, 2, ...`` does::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0 (p = p * (1 - lr * weight_decay)
                                                    instead when decoupled_weight_decay)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:   (the variance estimate is usable)
            r = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
            p = p - m_hat * lr * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
        else:           (plain momentum SGD)
            p = p - m_hat * lr

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        betas: ``(beta1, beta2)``, each in ``[0, 1)``.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty.
        decoupled_weight_decay: shrink the weights directly (as AdamW) instead of adding to the gradient.
        foreach: accepted for PyTorch compatibility and ignored.
        capturable: accepted for PyTorch compatibility and ignored.
        differentiable: accepted for PyTorch compatibility and ignored.
        maximize: ascend instead of descend.

    State per parameter: ``'step'`` (a 0-d float32 tensor), ``'exp_avg'`` (``m``) and ``'exp_avg_sq'`` (``v``),
    tensors of the parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_adam_args(eps, betas, weight_decay)
        defaults = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        state = self.state[p]
        if not state:
            state["step"] = _scalar_state(0.0)
            state["exp_avg"] = _zeros_like(p)
            state["exp_avg_sq"] = _zeros_like(p)
        g = -p.grad._data if group["maximize"] else p.grad._data
        state["step"]._data += 1
        t = float(state["step"]._data)
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p._data *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p._data
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(m, g, 1 - beta1)
        v *= beta2
        v += (1 - beta2) * g * g

        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        m_hat = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = (bias_correction2 ** 0.5) / (np.sqrt(v) + eps)
            p._data -= m_hat * lr * adaptive_lr * rect
        else:
            p._data -= m_hat * lr
        _bump(p, state)
