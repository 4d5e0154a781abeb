"""``RMSprop``: divide each step by a running root mean square of the gradients (Hinton's lecture 6e)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.adam import _lerp_
from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor


class RMSprop(Optimizer):
    """RMSprop, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), one ``step()`` does::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0
        v = alpha * v + (1 - alpha) * g * g         running mean of the squared gradient
        a = sqrt(v - m * m) + eps                   centered, where m = lerp(m, g, 1 - alpha), the mean gradient
        a = sqrt(v) + eps                           otherwise
        buf = momentum * buf + g / a;  p = p - lr * buf       if momentum > 0
        p = p - lr * g / a                                    otherwise

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        alpha: smoothing constant of the running averages.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor (0 turns momentum off).
        centered: divide by an estimate of the gradient's variance instead of its raw second moment.
        maximize: ascend instead of descend.

    State per parameter: ``'step'`` (a 0-d float32 tensor counting updates), ``'square_avg'``, and
    ``'momentum_buffer'`` (when ``momentum > 0``) and ``'grad_avg'`` (when centered), tensors of the parameter's
    shape.

    Example::

        opt = minigrad.optim.RMSprop(model.parameters(), lr=1e-3)
        opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        for value, name in ((lr, "learning rate"), (eps, "epsilon value"), (momentum, "momentum value"),
                            (weight_decay, "weight_decay value"), (alpha, "alpha value")):
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = {
            "lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
            "weight_decay": weight_decay, "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        weight_decay, momentum = float(group["weight_decay"]), float(group["momentum"])
        if not state:
            state["step"] = Tensor._make(np.zeros((), dtype=np.float32), False)
            state["square_avg"] = Tensor._make(np.zeros_like(p._data), False)
            if momentum > 0:
                state["momentum_buffer"] = Tensor._make(np.zeros_like(p._data), False)
            if group["centered"]:
                state["grad_avg"] = Tensor._make(np.zeros_like(p._data), False)
        g = p.grad._data
        if group["maximize"]:
            g = -g
        state["step"]._data += 1
        if weight_decay != 0:
            g = g + weight_decay * p._data
        v = state["square_avg"]._data
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            m = state["grad_avg"]._data
            _lerp_(m, g, 1 - alpha)
            avg = np.sqrt(v - m * m)
        else:
            avg = np.sqrt(v)
        avg += eps
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += g / avg
            p._data -= lr * buf
        else:
            p._data -= lr * (g / avg)
        for value in state.values():
            value._vc.value += 1
        p._vc.value += 1
