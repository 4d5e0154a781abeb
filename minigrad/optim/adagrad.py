"""``Adagrad``: per-coordinate steps shrinking with the sum of all past squared gradients (Duchi et al., 2011)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.optim.optimizer import Optimizer, _bump, _check_lr, _scalar_state
from minigrad.tensor import Tensor


class Adagrad(Optimizer):
    """Adagrad, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (same shape as ``p``), step ``t = 1, 2, ...`` does::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g                               s starts at initial_accumulator_value
        p = p - clr * g / (sqrt(s) + eps)

    Args:
        params: tensors to optimize, or dicts defining parameter groups (see ``Optimizer``).
        lr: learning rate.
        lr_decay: how fast the learning rate decays with the step count.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: the starting value of every ``s``. As in PyTorch, the constructor's value is
            used for every group (a group's own ``initial_accumulator_value`` is only recorded).
        eps: added to the denominator for numerical stability.
        foreach: accepted for PyTorch compatibility and ignored.
        differentiable: accepted for PyTorch compatibility and ignored.
        fused: accepted for PyTorch compatibility and ignored (``fused=True`` with ``differentiable`` or
            ``foreach`` raises, as in PyTorch).
        maximize: ascend instead of descend.

    State per parameter, created by the constructor (so it is there before the first step): ``'step'`` (a 0-d
    float32 tensor counting updates) and ``'sum'`` (``s``), a tensor of the parameter's shape.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {
            "lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value, "maximize": maximize,
        }
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, initial_accumulator_value)

    def _init_state(self, p: Tensor, initial_accumulator_value: float) -> None:
        state = self.state[p]
        state["step"] = _scalar_state(0.0)
        state["sum"] = Tensor._make(np.full_like(p._data, initial_accumulator_value), False)

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        # float() keeps a numpy float64 option from promoting a float32 parameter.
        lr, lr_decay, eps, weight_decay = (float(group[k]) for k in ("lr", "lr_decay", "eps", "weight_decay"))
        state = self.state[p]
        if not state:  # a parameter added later with add_param_group: PyTorch fills it from the defaults
            self._init_state(p, self.defaults["initial_accumulator_value"])
        state["step"]._data += 1
        t = float(state["step"]._data)
        g = -p.grad._data if group["maximize"] else p.grad._data
        if weight_decay != 0:
            g = g + weight_decay * p._data
        clr = lr / (1 + (t - 1) * lr_decay)
        s = state["sum"]._data
        s += g * g
        p._data += (-clr * g) / (np.sqrt(s) + eps)
        _bump(p, state)
