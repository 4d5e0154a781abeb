"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``, ``state_dict`` / ``load_state_dict``.

An optimizer holds ``param_groups``, a list of dicts: each has ``'params'`` (a list of tensors) and that group's
options (``lr``, ``momentum``, ...), filled from the optimizer's ``defaults`` where the group does not set them.
``state`` maps each parameter to a dict of what its update rule remembers between steps (momentum buffers,
running averages). Subclasses implement ``step``; updates work on the numpy arrays in place, so parameters keep
their identity, dtype and memory.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.autograd.grad_mode import enable_grad, no_grad
from minigrad.tensor import Tensor, typename


class _RequiredParameter:
    """Marks a default that every parameter group must set itself."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class of the optimizers.

    Args:
        params: an iterable of tensors (or of ``(name, tensor)`` pairs, as ``named_parameters()`` yields), or an
            iterable of dicts, one per parameter group, each with a ``'params'`` entry and optional per-group
            options.
        defaults: the options a group gets when it does not set them.

    Attributes:
        param_groups: list of dicts ``{'params': [tensor, ...], 'lr': ..., ...}``.
        state: ``{parameter: {name: value}}``, what each parameter's update remembers between steps.
        defaults: the default options.
    """

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + typename(params)
            )
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ---- groups ------------------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a parameter group (a dict with ``'params'`` and optional options) to ``param_groups``.

        Useful to start training layers that were frozen. Everything is checked before anything changes: on an
        error ``param_groups`` and the given dict are left as they were.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of tensors "
                "in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)

        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            group["param_names"] = names
        group["params"] = params

        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + typename(p))
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)

        seen: set[int] = set()
        for other in self.param_groups:
            seen.update(id(p) for p in other["params"])
            if ("param_names" in group) != ("param_names" in other):
                which = "with names" if "param_names" in group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will cause an "
                "error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        self.param_groups.append(group)

    # ---- gradients and steps -----------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradient of every optimized tensor: to ``None`` (default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    g = p.grad
                    g.grad_fn = None
                    g.requires_grad = False
                    g._data[...] = 0
                    g._vc.value += 1

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss when a closure is given.

        Runs ``closure``, checks every gradient first (a failed step changes nothing), then calls ``_update(p,
        group)`` without grad for each parameter that has a gradient. An optimizer defines ``_update`` (or its
        own ``step``); ``_update`` reads ``self.state[p]`` only if it keeps state, so plain SGD's stays empty.
        """
        loss = self._run_closure(closure)
        self._check_grads()
        with no_grad():
            for group in self.param_groups:
                for p in self._params_with_grad(group):
                    self._update(p, group)
        return loss

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        """Update parameter ``p`` (which has a gradient) with the options of its ``group``."""
        raise NotImplementedError

    def _run_closure(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _params_with_grad(self, group: dict[str, Any]) -> list[Tensor]:
        return [p for p in group["params"] if p.grad is not None]

    def _check_grads(self) -> None:
        """Raise before any update if a gradient cannot be applied, so a failed step changes nothing."""
        for group in self.param_groups:
            for p in self._params_with_grad(group):
                g = p.grad._data
                if g.shape != p._data.shape:
                    raise RuntimeError(
                        f"assigned grad has data of a different size: the parameter has shape {list(p._data.shape)} "
                        f"but its grad has shape {list(g.shape)}"
                    )
                if g.dtype != p._data.dtype:
                    raise RuntimeError(
                        "assigned grad has data of a different type: the parameter is "
                        f"{typename(p)} but its grad is {typename(p.grad)}"
                    )

    # ---- saving and loading ------------------------------------------------------------------------------
    #: Whether every non-scalar state tensor has its parameter's shape (checked on loading); LBFGS's do not.
    _state_has_param_shapes = True

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as ``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``.

        Parameters are replaced by their position across all groups (0, 1, ...), as PyTorch numbers them, so the
        dict can be loaded into an optimizer built over other tensors of the same shapes. Like PyTorch's, the
        state tensors are the optimizer's own (not copies).
        """
        index: dict[int, int] = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load options and state saved by ``state_dict()``.

        The groups must have the same number of parameters as this optimizer's. State tensors are copied (and
        cast to their parameter's float dtype, except the ``step`` counter), so the loaded optimizer shares no
        memory with the source. Everything is checked before anything changes.
        """
        groups = self.param_groups
        saved_groups = [_copy_plain(g) for g in state_dict["param_groups"]]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )

        by_index = {}
        for g, s in zip(groups, saved_groups):
            by_index.update(zip(s["params"], g["params"]))

        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in by_index:
                p = by_index[k]
                state[p] = {name: _copy_state_value(p, name, value, k, self._state_has_param_shapes)
                            for name, value in v.items()}
            else:
                state[k] = v

        new_groups = []
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            new_groups.append(s)
        self.state = state
        self.param_groups = new_groups

    # ---- printing ----------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _copy_plain(value: Any) -> Any:
    """A copy of nested dicts and lists of plain values (group options), so later edits are not shared."""
    if isinstance(value, list):
        return [_copy_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy_plain(v) for k, v in value.items()}
    return value


def _copy_state_value(param: Tensor, name: str, value: Any, index: Any, check_shape: bool = True) -> Any:
    """A copy of one saved state value for ``param``: float tensors take its dtype (the step counter stays), as
    PyTorch casts them. With ``check_shape``, a state tensor that is not 0-d must have the parameter's shape."""
    if isinstance(value, Tensor):
        arr = value._data
        if name != "step" and param._data.dtype.kind == "f":
            if check_shape and arr.ndim and arr.shape != param._data.shape:
                raise ValueError(
                    f"loaded state '{name}' of parameter {index} has shape {list(arr.shape)}, but the parameter has "
                    f"shape {list(param._data.shape)}"
                )
            return Tensor._make(arr.astype(param._data.dtype), False)
        return Tensor._make(arr.copy(), False)
    if isinstance(value, dict):
        return {k: _copy_state_value(param, k, v, index, check_shape) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_state_value(param, name, v, index, check_shape) for v in value)
    return value


def _check_lr(lr: Any) -> None:
    """PyTorch's first two checks of a learning rate: a tensor lr has one element, and no lr is negative."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_adam_args(eps: Any, betas: Any, weight_decay: Any) -> None:
    """The checks the Adam family (Adam, AdamW, Adamax, NAdam, RAdam) makes after the learning rate's, in
    PyTorch's order and words."""
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _zeros_like(p: Tensor) -> Tensor:
    """A state buffer of ``p``'s shape and dtype, filled with zeros (never recorded by autograd)."""
    return Tensor._make(np.zeros_like(p._data), False)


def _scalar_state(value: float) -> Tensor:
    """A 0-d float32 state tensor (a step counter, or a scalar PyTorch keeps in its default dtype)."""
    return Tensor._make(np.array(value, dtype=np.float32), False)


def _bump(p: Tensor, state: dict[str, Any]) -> None:
    """Mark ``p`` and its state tensors as changed in place (their version counters)."""
    for value in state.values():
        if isinstance(value, Tensor):
            value._vc.value += 1
    p._vc.value += 1
