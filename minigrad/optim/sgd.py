"""``SGD``: stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor


class SGD(Optimizer):
    """Stochastic gradient descent, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), one ``step()`` does::

        g = -g                              if maximize
        g = g + weight_decay * p            if weight_decay != 0
        if momentum != 0:
            buf = g                         on the first step, else
            buf = momentum * buf + (1 - dampening) * g
            g = g + momentum * buf          if nesterov, else  g = buf
        p = p - lr * g

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        momentum: momentum factor (0 turns momentum off).
        dampening: dampening for momentum.
        weight_decay: L2 penalty added to the gradient.
        nesterov: use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
        maximize: ascend instead of descend.

    State per parameter (when ``momentum != 0``): ``'momentum_buffer'``, a tensor of the parameter's shape.

    Example::

        opt = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
            "nesterov": nesterov, "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, momentum = float(group["lr"]), float(group["momentum"])
        dampening, weight_decay = float(group["dampening"]), float(group["weight_decay"])
        g = p.grad._data
        if group["maximize"]:
            g = -g
        if weight_decay != 0:
            g = g + weight_decay * p._data
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = Tensor._make(np.array(g, copy=True), False)
                state["momentum_buffer"] = buf
            else:
                b = buf._data
                b *= momentum
                b += (1 - dampening) * g
                buf._vc.value += 1
            g = g + momentum * buf._data if group["nesterov"] else buf._data
        p._data -= lr * g
        p._vc.value += 1
