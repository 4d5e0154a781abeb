"""``minigrad.optim.lr_scheduler``: change an optimizer's learning rates as training goes on, as PyTorch does.

A scheduler owns no learning rate of its own: it rewrites ``group['lr']`` in the optimizer's ``param_groups``,
which the optimizer reads at its next ``step()``. Call it after the optimizer, once per epoch (or per batch)::

    opt = minigrad.optim.SGD(model.parameters(), lr=0.1)
    sched = minigrad.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, opt)           # calls opt.step()
        sched.step()

Most schedulers are *chainable*, like PyTorch's: each step multiplies the current ``group['lr']`` instead of
recomputing it from scratch, so two schedulers on one optimizer compose, and the floats are PyTorch's exactly.
"""

from __future__ import annotations

import functools
import math
import types
import warnings
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor

__all__ = [
    "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau",
]

_HOW_TO = "See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
_STEP_REPLACED = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make "
    "sure to call `optimizer.step()` before `lr_scheduler.step()`. " + _HOW_TO
)
_STEP_ORDER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call "
    "them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result "
    "in PyTorch skipping the first value of the learning rate schedule. " + _HOW_TO
)


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _group_values(optimizer: Optimizer, key: str) -> list[Any]:
    """``group[key]`` of every group; tensors are copied so the caller cannot change the optimizer's."""
    return [g[key].clone() if isinstance(g[key], Tensor) else g[key] for g in optimizer.param_groups]


def _set_lr(group: dict[str, Any], lr: Any) -> None:
    if isinstance(group["lr"], Tensor):  # a tensor lr is updated in place, so whoever holds it sees the change
        group["lr"].fill_(float(lr))
    else:
        group["lr"] = lr


def _track_optimizer_steps(optimizer: Optimizer) -> None:
    """Wrap ``optimizer.step`` (once) so that it leaves ``optimizer._opt_called = True`` behind.

    That is how a scheduler tells that its first ``step()`` came before any optimizer step, and warns.
    """
    if hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        return
    step = optimizer.step.__func__
    opt_ref = weakref.ref(optimizer)  # the wrapper lives on the optimizer: a strong reference would be a cycle

    @functools.wraps(step)
    def counted_step(*args: Any, **kwargs: Any) -> Any:
        opt = opt_ref()
        opt._opt_called = True
        return step(opt, *args, **kwargs)

    counted_step._wrapped_by_lr_sched = True
    optimizer.step = counted_step


class LRScheduler:
    """Base class of the learning-rate schedulers.

    On construction it records each group's starting learning rate as ``group['initial_lr']`` (kept if already
    there), copies them to ``base_lrs``, and takes the initial step, which sets ``last_epoch`` to
    ``last_epoch + 1`` (0 for a fresh scheduler) and writes the first learning rates into the groups. Each
    ``step()`` then adds 1 to ``last_epoch`` and writes the rates ``get_lr()`` computes.

    Subclasses implement ``get_lr()``.

    Args:
        optimizer: the optimizer whose ``param_groups`` learning rates are scheduled.
        last_epoch: index of the last epoch seen; ``-1`` starts a new schedule. Any other value resumes one and
            needs ``'initial_lr'`` in every group (the optimizer's ``state_dict`` carries it).

    Attributes:
        optimizer: the optimizer.
        base_lrs: list of each group's ``initial_lr``, one entry per param group.
        last_epoch: the number of ``step()`` calls since the schedule started (0 right after construction).

    Raises:
        TypeError: ``optimizer`` is not an ``Optimizer``.
        KeyError: ``last_epoch != -1`` and a group has no ``'initial_lr'``.
    """

    # Flags for the duration of the initial step and of get_lr() inside step() (instance copies appear once set).
    _is_initial = False
    _get_lr_called_within_step = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                lr = group["lr"]
                group.setdefault("initial_lr", lr.clone() if isinstance(lr, Tensor) else lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler with "
                        "last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume training from a "
                        "checkpoint but haven't properly loaded the optimizer state\n2. You're using last_epoch >= 0 "
                        "for a fresh training run (not recommended)"
                    )
        self.base_lrs: list[Any] = _group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _track_optimizer_steps(optimizer)
        self._step_count = 0
        # The initial step only moves to the first epoch: chainable schedules keep the current lrs there.
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[Any]:
        """The learning rates for ``last_epoch``, one per param group (called by ``step()``; read
        ``get_last_lr()`` instead)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[Any]:
        """The learning rates the last ``step()`` set, one per param group (a tensor lr is copied, not shared)."""
        return self._last_lr

    def step(self) -> None:
        """Move to the next epoch: ``last_epoch += 1``, then set every group's ``'lr'`` to ``get_lr()``'s value.

        Warns (``UserWarning``, as PyTorch) when the first call comes before any ``optimizer.step()``.
        """
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(_STEP_REPLACED, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_STEP_ORDER, UserWarning, stacklevel=2)
        self._step_count += 1
        self.last_epoch += 1
        self._get_lr_called_within_step = True
        try:
            values = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            _set_lr(group, lr)
        self._last_lr: list[Any] = _group_values(self.optimizer, "lr")

    def _warn_unless_in_step(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                UserWarning, stacklevel=3,
            )

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state: every attribute except the optimizer (save the optimizer's state too)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state returned by ``state_dict()``."""
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    """Scale each group's initial learning rate by a function of the epoch: ``lr = base_lr * lr_lambda(epoch)``.

    Args:
        optimizer: the optimizer.
        lr_lambda: a function ``epoch -> factor`` used for every group, or a list (or tuple) of such functions,
            one per param group.
        last_epoch: see ``LRScheduler``.

    ``state_dict()`` saves an ``lr_lambda`` that is a callable object as its attributes (``__dict__``), and
    ``None`` for a plain function or lambda, which cannot be saved: pass the same functions when rebuilding.

    Example::

        warmup = LambdaLR(opt, lr_lambda=lambda epoch: min(1.0, (epoch + 1) / 5))   # 5 epochs of warm-up
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """``base_lr * lr_lambda(last_epoch)`` for each group."""
        self._warn_unless_in_step()
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True)]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state, with ``'lr_lambdas'``: a callable object's ``__dict__``, ``None`` for a function."""
        state = {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy() for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from ``state_dict()``; saved callable objects get their attributes back."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                fn.__dict__.update(attrs)


class StepLR(LRScheduler):
    """Multiply each group's learning rate by ``gamma`` every ``step_size`` epochs.

    ``lr = base_lr * gamma ** (epoch // step_size)`` when nothing else changes the rate; computed by multiplying
    the current ``group['lr']`` by ``gamma`` at epochs ``step_size``, ``2 * step_size``, ...

    Args:
        optimizer: the optimizer.
        step_size: period of the decay, in epochs.
        gamma: the factor.
        last_epoch: see ``LRScheduler``.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times ``gamma`` at a nonzero multiple of ``step_size``, else unchanged."""
        self._warn_unless_in_step()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class MultiStepLR(LRScheduler):
    """Multiply each group's learning rate by ``gamma`` when the epoch reaches a milestone.

    ``lr = base_lr * gamma ** (number of milestones <= epoch)`` when nothing else changes the rate. A milestone
    listed twice multiplies by ``gamma ** 2``.

    Args:
        optimizer: the optimizer.
        milestones: epoch indices (kept as a ``collections.Counter``).
        gamma: the factor.
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times ``gamma ** count`` at a milestone listed ``count`` times, else unchanged."""
        self._warn_unless_in_step()
        if self.last_epoch not in self.milestones:
            return _group_values(self.optimizer, "lr")
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]


class ExponentialLR(LRScheduler):
    """Multiply each group's learning rate by ``gamma`` every epoch: ``lr = base_lr * gamma ** epoch``.

    Args:
        optimizer: the optimizer.
        gamma: the factor.
        last_epoch: see ``LRScheduler``.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times ``gamma`` (unchanged at the initial step)."""
        self._warn_unless_in_step()
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class CosineAnnealingLR(LRScheduler):
    """Anneal each group's learning rate from ``base_lr`` down to ``eta_min`` along half a cosine over ``T_max``
    epochs (and back up over the next ``T_max``, and so on: there are no restarts).

    The target is ``eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2`` at epoch ``t``. Like PyTorch,
    it is reached recursively from the current ``lr``, so changes made by others carry on::

        lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi * t / T_max)) / (1 + cos(pi * (t - 1) / T_max))

    and, one epoch past each minimum (where that ratio is 0/0),
    ``lr_t = lr_{t-1} + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2``.

    Args:
        optimizer: the optimizer.
        T_max: epochs from the maximum to the minimum.
        eta_min: the minimum learning rate.
        last_epoch: see ``LRScheduler``.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The next lrs by the recursion above (unchanged at the initial step)."""
        self._warn_unless_in_step()
        groups = self.optimizer.param_groups
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if (t - 1 - T) % (2 * T) == 0:
            return [
                g["lr"] + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base_lr, g in zip(self.base_lrs, groups, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (g["lr"] - eta_min) + eta_min for g in groups]


class ReduceLROnPlateau(LRScheduler):
    """Divide the learning rates when a watched metric stops improving.

    Each ``step(metrics)`` compares the metric with the best seen so far. It improves on ``best`` when it is below
    ``best * (1 - threshold)`` (mode ``'min'``, threshold_mode ``'rel'``), below ``best - threshold`` (``'min'``,
    ``'abs'``), above ``best * (1 + threshold)`` (``'max'``, ``'rel'``) or above ``best + threshold`` (``'max'``,
    ``'abs'``). Otherwise ``num_bad_epochs`` grows; once it exceeds ``patience``, every group's rate becomes
    ``max(lr * factor, min_lr)`` (a change smaller than ``eps`` is skipped), and the next ``cooldown`` epochs
    count no bad epochs.

    Args:
        optimizer: the optimizer.
        mode: ``'min'`` (lower is better, e.g. a loss) or ``'max'`` (higher is better, e.g. an accuracy).
        factor: the multiplier, ``< 1``.
        patience: bad epochs tolerated before reducing.
        threshold: how much better a metric must be to count as an improvement.
        threshold_mode: ``'rel'`` (a fraction of ``best``) or ``'abs'``.
        cooldown: epochs after a reduction during which bad epochs are not counted.
        min_lr: the lowest rate, for all groups or a list with one per param group.
        eps: smallest change of a rate worth making.

    Attributes:
        best: the best metric so far (``inf`` in mode ``'min'`` before the first step).
        num_bad_epochs: epochs since the last improvement (reset by a reduction and in cooldown).
        cooldown_counter: epochs of cooldown left.
        last_epoch: the number of ``step(metrics)`` calls.

    Unlike the other schedulers it takes no initial step, sets no ``initial_lr`` and has no ``base_lrs``.

    Example::

        sched = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
        for epoch in range(100):
            train_one_epoch(model, opt)
            sched.step(validation_loss(model))
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        self.factor = factor
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"expected {n} min_lrs, got {len(min_lr)}")
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * n
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = _group_values(optimizer, "lr")
        self._init_is_better(mode, threshold, threshold_mode)
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in {"min", "max"}:
            raise ValueError("mode " + mode + " is unknown!")
        if threshold_mode not in {"rel", "abs"}:
            raise ValueError("threshold mode " + threshold_mode + " is unknown!")
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    @property
    def in_cooldown(self) -> bool:
        """Whether a reduction happened less than ``cooldown`` epochs ago."""
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return a > (best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold)

    def step(self, metrics: Any) -> None:  # type: ignore[override]
        """Count one epoch with metric ``metrics`` (a number or a one-element tensor); reduce the lrs if due."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _group_values(self.optimizer, "lr")

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"The number of param groups in the `optimizer` ({len(groups)}) differs from when "
                    f"`ReduceLROnPlateau` was initialized ({len(self.min_lrs)}), usually due to a new param group "
                    "being added to the optimizer. Please modify the `min_lrs` field to match the length of the "
                    "`optimizer` param groups."
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                _set_lr(group, new_lr)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from ``state_dict()`` (the mode and threshold are checked again)."""
        self.__dict__.update(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)
