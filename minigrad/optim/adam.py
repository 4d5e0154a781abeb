"""``Adam``: adaptive moment estimation (Kingma & Ba), with optional AMSGrad and decoupled weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer, _check_adam_args
from minigrad.tensor import Tensor


class Adam(Optimizer):
    """Adam, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), step ``t = 1, 2, ...`` does::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0 (p = p * (1 - lr * weight_decay)
                                                    instead when decoupled_weight_decay, as AdamW)
        m = beta1 * m + (1 - beta1) * g             first moment (a lerp towards g)
        v = beta2 * v + (1 - beta2) * g * g         second moment
        v_max = max(v_max, v); use v_max for v      if amsgrad
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        betas: ``(beta1, beta2)``, decay rates of the two running averages, each in ``[0, 1)``.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty.
        amsgrad: use the maximum of past second moments (the AMSGrad variant).
        maximize: ascend instead of descend.
        decoupled_weight_decay: decay the weights directly (AdamW) instead of adding to the gradient.

    State per parameter: ``'step'`` (a 0-d float32 tensor counting this parameter's updates), ``'exp_avg'`` and
    ``'exp_avg_sq'`` (and ``'max_exp_avg_sq'`` with amsgrad), tensors of the parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        _check_adam_args(eps, betas, weight_decay)
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {
            "lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
            "maximize": maximize, "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        state = self.state[p]
        if not state:
            state["step"] = Tensor._make(np.zeros((), dtype=np.float32), False)
            state["exp_avg"] = Tensor._make(np.zeros_like(p._data), False)
            state["exp_avg_sq"] = Tensor._make(np.zeros_like(p._data), False)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = Tensor._make(np.zeros_like(p._data), False)
        g = p.grad._data
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p._data *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p._data

        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(m, g, 1 - beta1)
        v *= beta2
        v += (1 - beta2) * g * g

        t = float(state["step"]._data)
        step_size = lr / (1 - beta1 ** t)
        bias_correction2_sqrt = (1 - beta2 ** t) ** 0.5
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"]._data
            np.maximum(v_max, v, out=v_max)
            v = v_max
        denom = np.sqrt(v) / bias_correction2_sqrt + eps
        p._data += (-step_size * m) / denom

        for name in state:
            state[name]._vc.value += 1
        p._vc.value += 1


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start += weight * (end - start), in place, written from whichever end is nearer (PyTorch's lerp)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter): Adam whose weight decay shrinks the weights directly, ``p = p * (1 - lr *
    weight_decay)`` before the moment update, instead of adding ``weight_decay * p`` to the gradient; PyTorch's
    ``optim.AdamW``, whose ``weight_decay`` defaults to ``1e-2``.

    The same as ``Adam(..., decoupled_weight_decay=True)``, which its ``defaults`` and ``repr`` show. Parameters
    ``(*)`` of any shape; the state per parameter is Adam's (``'step'``, ``'exp_avg'``, ``'exp_avg_sq'``, and
    ``'max_exp_avg_sq'`` with amsgrad).
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
