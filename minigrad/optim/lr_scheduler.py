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

import bisect
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
    "LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",
    "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau",
]

_HOW_TO = "See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
_STEP_REPLACED = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make "
    "sure to call `optimizer.step()` before `lr_scheduler.step()`. " + _HOW_TO
)
_EPOCH_DEPRECATED = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please "
    "use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. Please open an issue if you are "
    "unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."
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
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and take the initial step (``SequentialLR`` calls it again at its start)."""
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

    def step(self, epoch: int | None = None) -> None:
        """Move to the next epoch: ``last_epoch += 1``, then set every group's ``'lr'`` to ``get_lr()``'s value.

        Warns (``UserWarning``, as PyTorch) when the first call comes before any ``optimizer.step()``. Passing
        ``epoch`` is deprecated, as in PyTorch (it warns): it jumps to that epoch, using the closed form of the
        schedule where the scheduler has one. A step that raises leaves the scheduler and the optimizer as they
        were.
        """
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(_STEP_REPLACED, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_STEP_ORDER, UserWarning, stacklevel=2)
        if epoch is not None:
            warnings.warn(_EPOCH_DEPRECATED, UserWarning, stacklevel=2)
        self._step_count += 1
        try:
            self._update_lr(epoch)
        except BaseException:
            self._step_count -= 1
            raise

    def _update_lr(self, epoch: int | None = None) -> None:
        """Move to ``epoch`` (default: the next one) and write its learning rates into the groups."""
        last_epoch = self.last_epoch
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        except BaseException:
            self.last_epoch = last_epoch
            raise
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

    def _get_closed_form_lr(self) -> list[Any]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[Any]:
        passed = bisect.bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base_lr * self.gamma ** passed for base_lr in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[Any]:
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[Any]:
        return [
            self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            for base_lr in self.base_lrs
        ]


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


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """``value`` once per param group: a list or tuple must have one entry per group; tensors are copied."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. {name} has {len(value)} values, "
                f"param_groups has {len(optimizer.param_groups)}."
            )
    else:
        value = [value] * len(optimizer.param_groups)
    return [v.clone() if isinstance(v, Tensor) else v for v in value]


def _saved_callables(fns: list[Any]) -> list[Any]:
    """What ``state_dict`` keeps of user functions: a callable object's attributes, ``None`` for a function."""
    return [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy() for fn in fns]


class MultiplicativeLR(LRScheduler):
    """Multiply each group's learning rate by a function of the epoch, every epoch: ``lr = lr * lr_lambda(epoch)``.

    So ``lr_t = base_lr * lr_lambda(1) * ... * lr_lambda(t)`` when nothing else changes the rate.

    Args:
        optimizer: the optimizer.
        lr_lambda: a function ``epoch -> factor`` for every group, or a list (or tuple) of them, one per group.
        last_epoch: see ``LRScheduler``.

    ``state_dict()`` saves each ``lr_lambda`` as ``LambdaLR`` does (a callable object's attributes, else ``None``).

    Example::

        sched = MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.95)   # 5% less every epoch
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
            lambdas = list(lr_lambda)
        else:
            lambdas = [lr_lambda] * n
        for fn in lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        self.optimizer = optimizer
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times ``lr_lambda(last_epoch)`` (unchanged at the initial step)."""
        self._warn_unless_in_step()
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        return [g["lr"] * fn(self.last_epoch) for fn, g in zip(self.lr_lambdas, self.optimizer.param_groups,
                                                                 strict=True)]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state, with ``'lr_lambdas'``: a callable object's ``__dict__``, ``None`` for a function."""
        state = {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = _saved_callables(self.lr_lambdas)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from ``state_dict()``; saved callable objects get their attributes back."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                fn.__dict__.update(attrs)


class ConstantLR(LRScheduler):
    """Multiply each group's learning rate by ``factor`` for the first ``total_iters`` epochs, then restore it.

    ``lr = base_lr * factor`` for epochs ``0 .. total_iters - 1`` and ``base_lr`` from then on (a warm-up at a
    constant low rate). Chainable: the factor is applied to, and later removed from, the current rate.

    Args:
        optimizer: the optimizer.
        factor: the multiplier, in ``[0, 1]``.
        total_iters: how many epochs it applies.
        last_epoch: see ``LRScheduler``.
    """

    def __init__(
        self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times ``factor`` at epoch 0, divided by it at ``total_iters``, else unchanged."""
        self._warn_unless_in_step()
        if self.last_epoch == 0:
            return [g["lr"] * self.factor for g in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return _group_values(self.optimizer, "lr")
        return [g["lr"] * (1.0 / self.factor) for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        return [
            base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
            for base_lr in self.base_lrs
        ]


class LinearLR(LRScheduler):
    """Scale each group's learning rate by a factor going linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` epochs, then keep it.

    ``lr = base_lr * (start_factor + (end_factor - start_factor) * min(epoch, total_iters) / total_iters)``
    when nothing else changes the rate; computed chainably, each step multiplying the current rate by the ratio
    of consecutive factors.

    Args:
        optimizer: the optimizer.
        start_factor: the factor at epoch 0, in ``(0, 1]``.
        end_factor: the factor from ``total_iters`` on, in ``[0, 1]``.
        total_iters: epochs the change takes.
        last_epoch: see ``LRScheduler``.

    Example::

        warmup = LinearLR(opt, start_factor=0.1, total_iters=10)   # from lr / 10 up to lr over 10 epochs
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times ``start_factor`` at epoch 0, then times the next ratio of factors."""
        self._warn_unless_in_step()
        if self.last_epoch == 0:
            return [g["lr"] * self.start_factor for g in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_values(self.optimizer, "lr")
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change)
        return [g["lr"] * ratio for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        change = self.end_factor - self.start_factor
        return [
            base_lr * (self.start_factor + change * min(self.total_iters, self.last_epoch) / self.total_iters)
            for base_lr in self.base_lrs
        ]


class PolynomialLR(LRScheduler):
    """Decay each group's learning rate to 0 over ``total_iters`` epochs along a polynomial.

    ``lr = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power`` when nothing else changes the rate;
    computed chainably, each step multiplying the current rate by the ratio of consecutive values.

    Args:
        optimizer: the optimizer.
        total_iters: epochs until the rate reaches 0.
        power: the polynomial's power (1 is a straight line).
        last_epoch: see ``LRScheduler``.
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times the next decay ratio (unchanged at the initial step and after ``total_iters``)."""
        self._warn_unless_in_step()
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_values(self.optimizer, "lr")
        decay = ((1.0 - self.last_epoch / self.total_iters) / (1.0 - (self.last_epoch - 1) / self.total_iters))
        decay = decay ** self.power
        return [g["lr"] * decay for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        return [
            base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
            for base_lr in self.base_lrs
        ]


def _check_schedulers(owner: str, optimizer: Any, schedulers: Any) -> None:
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{owner} at index {i} should have `optimizer` as its attribute.")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(
                f"{owner} does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be "
                f"specified when calling `step`, but got one at index {i} in the given schedulers sequence."
            )
        if optimizer != scheduler.optimizer:
            raise ValueError(
                f"{owner} expects all schedulers to belong to the same optimizer, but got scheduler "
                f"{scheduler.__class__.__name__} at index {i} has {scheduler.optimizer}, which is different from "
                f"{optimizer.__class__.__name__}."
            )


class SequentialLR(LRScheduler):
    """Hand the schedule over from one scheduler to the next at given epochs.

    ``schedulers[0]`` runs until epoch ``milestones[0]``, then ``schedulers[1]`` starts from its own epoch 0
    (with the closed form of its schedule where it has one), and so on. Typical use: a warm-up, then a decay.

    Args:
        optimizer: the optimizer all the schedulers act on.
        schedulers: the schedulers, in order (none may be a ``ReduceLROnPlateau``).
        milestones: the epochs at which the next scheduler takes over, one fewer than ``schedulers``.
        last_epoch: see ``LRScheduler``.

    Construction undoes the initial step each scheduler took when it was built, puts every group back at its
    ``initial_lr`` and takes the first scheduler's initial step again. ``state_dict()`` holds the inner
    schedulers' state dicts under ``'_schedulers'``.

    Example::

        warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
        decay = CosineAnnealingLR(opt, T_max=95)
        sched = SequentialLR(opt, schedulers=[warmup, decay], milestones=[5])
    """

    def __init__(
        self, optimizer: Optimizer, schedulers: list[LRScheduler], milestones: list[int], last_epoch: int = -1
    ) -> None:
        owner = type(self).__name__
        if len(schedulers) < 1:
            raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
        _check_schedulers(owner, optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more than the number of "
                f"milestone points, but got number of schedulers {len(schedulers)} and the number of milestones "
                f"to be equal to {len(milestones)}"
            )
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            _set_lr(group, group["initial_lr"])
        self.recursive_undo()
        first = self._schedulers[bisect.bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def recursive_undo(self, sched: Any = None) -> None:
        """Take back the initial step of every (nested) scheduler: ``last_epoch -= 1``."""
        scheds = self if sched is None else sched
        if hasattr(scheds, "_schedulers"):
            for s in scheds._schedulers:
                self.recursive_undo(s)
        elif hasattr(scheds, "last_epoch"):
            scheds.last_epoch -= 1

    def step(self) -> None:  # type: ignore[override]
        """Step the scheduler in charge of the next epoch (one taking over starts from its epoch 0)."""
        self.last_epoch += 1
        idx = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The state, with the inner schedulers' ``state_dict()`` under ``'_schedulers'``."""
        state = {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from ``state_dict()``, the inner schedulers' too."""
        state = dict(state_dict)
        saved = state.pop("_schedulers")
        self.__dict__.update(state)
        for scheduler, s in zip(self._schedulers, saved):
            scheduler.load_state_dict(s)


class ChainedScheduler(LRScheduler):
    """Step several chainable schedulers together: one ``step()`` steps each in turn, so their factors multiply.

    Args:
        schedulers: the schedulers (none may be a ``ReduceLROnPlateau``), all on one optimizer.
        optimizer: that optimizer (default: the first scheduler's).

    ``state_dict()`` holds the inner schedulers' state dicts under ``'_schedulers'``.

    Example::

        sched = ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2), ExponentialLR(opt, gamma=0.9)])
    """

    def __init__(self, schedulers: list[LRScheduler], optimizer: Optimizer | None = None) -> None:
        owner = type(self).__name__
        if len(schedulers) < 1:
            raise ValueError(f"{owner} expects at least one scheduler to be chained, but got no scheduler.")
        optimizer = optimizer or schedulers[0].optimizer
        _check_schedulers(owner, optimizer, schedulers)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = _group_values(self._schedulers[-1].optimizer, "lr")

    def step(self) -> None:  # type: ignore[override]
        """Step every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _group_values(self._schedulers[-1].optimizer, "lr")

    state_dict = SequentialLR.state_dict
    load_state_dict = SequentialLR.load_state_dict


class CyclicLR(LRScheduler):
    """Cycle each group's learning rate between ``base_lr`` and ``max_lr`` (Smith's cyclical learning rates),
    stepping once per batch.

    A cycle rises for ``step_size_up`` steps and falls for ``step_size_down``. At step ``t``, with ``cycle =
    floor(1 + t / (up + down))`` and ``x`` the position inside the cycle (0 to 1), the height is ``x / r`` on
    the way up and ``(x - 1) / (r - 1)`` on the way down (``r = up / (up + down)``), and::

        lr = base_lr + (max_lr - base_lr) * height * scale

    where ``scale`` is 1 (``'triangular'``), ``1 / 2 ** (cycle - 1)`` (``'triangular2'``), ``gamma ** t``
    (``'exp_range'``) or ``scale_fn(cycle or t)``. With ``cycle_momentum`` the momentum (or Adam's ``beta1``)
    moves the opposite way between ``max_momentum`` and ``base_momentum``.

    Args:
        optimizer: the optimizer.
        base_lr: the lower rate, for all groups or one per group (written into the groups at construction).
        max_lr: the upper rate, for all groups or one per group.
        step_size_up: steps of the rising half.
        step_size_down: steps of the falling half (default: ``step_size_up``).
        mode: ``'triangular'``, ``'triangular2'`` or ``'exp_range'`` (ignored when ``scale_fn`` is given).
        gamma: the base of ``'exp_range'``.
        scale_fn: a custom scale function of one argument (with values in ``[0, 1]``).
        scale_mode: ``'cycle'`` or ``'iterations'``: what ``scale_fn`` is a function of.
        cycle_momentum: cycle the momentum too (the optimizer needs ``momentum`` or ``betas``).
        base_momentum: the lower momentum, for all groups or one per group.
        max_momentum: the upper momentum, for all groups or one per group.
        last_epoch: the index of the last batch (see ``LRScheduler``).

    Example::

        sched = CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=200)
        for batch in loader:
            train_batch(batch); opt.step(); sched.step()
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float = 0.8,
        max_momentum: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        # Every check comes before the optimizer's groups are written to.
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if mode not in ["triangular", "triangular2", "exp_range"] and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            max_momentums = _per_group("max_momentum", optimizer, max_momentum)
        self.optimizer = optimizer
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                _set_lr(group, lr)
        self.max_lrs = max_lrs
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = base_momentums
            self.max_momentums = max_momentums
            if last_epoch == -1:
                for m_momentum, b_momentum, group in zip(max_momentums, base_momentums, optimizer.param_groups,
                                                         strict=True):
                    _set_momentum(group, m_momentum, self.use_beta1)
                    group["max_momentum"] = m_momentum
                    group["base_momentum"] = b_momentum
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self) -> None:
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref = self._triangular_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref = self._triangular2_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "exp_range":
            self._scale_fn_ref = functools.partial(self._exp_range_scale_fn, self.gamma)
            self.scale_mode = "iterations"

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at ``x`` (a cycle number or a step, as ``scale_mode`` says)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    @staticmethod
    def _triangular_scale_fn(x: float) -> float:
        return 1.0

    @staticmethod
    def _triangular2_scale_fn(x: float) -> float:
        return 1 / (2.0 ** (x - 1))

    @staticmethod
    def _exp_range_scale_fn(gamma: float, x: float) -> float:
        return gamma ** x

    def get_lr(self) -> list[Any]:
        """The rates at step ``last_epoch`` (and, with ``cycle_momentum``, writes the momenta into the groups)."""
        self._warn_unless_in_step()
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * height * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs, strict=True)]
        if self.cycle_momentum:
            momenta = [max_m - (max_m - base_m) * height * scale
                       for base_m, max_m in zip(self.base_momentums, self.max_momentums, strict=True)]
            for group, momentum in zip(self.optimizer.param_groups, momenta, strict=True):
                _set_momentum(group, momentum, self.use_beta1)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """The state without the scale functions; a custom ``scale_fn`` that is a callable object is saved as its
        attributes under ``'_scale_fn_custom'`` (``None`` for a function)."""
        state = super().state_dict()
        state.pop("_scale_fn_ref", None)
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None if fn is None else _saved_callables([fn])[0]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from ``state_dict()`` (a saved callable ``scale_fn`` gets its attributes back)."""
        state = dict(state_dict)
        fn = state.pop("_scale_fn_custom")
        super().load_state_dict(state)
        if fn is not None:
            self._scale_fn_custom.__dict__.update(fn)
        self._init_scale_fn()


def _set_momentum(group: dict[str, Any], momentum: Any, use_beta1: bool) -> None:
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter): the rate falls from ``base_lr`` to
    ``eta_min`` along half a cosine over ``T_i`` epochs, then jumps back up; ``T_i`` starts at ``T_0`` and is
    multiplied by ``T_mult`` after each restart.

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``, ``T_cur`` counting the epochs
    since the last restart. ``step(epoch)`` accepts a fractional epoch (``epoch + i / batches_per_epoch``), so it
    can be stepped once per batch.

    Args:
        optimizer: the optimizer.
        T_0: epochs until the first restart (a positive int).
        T_mult: the growth of the period after each restart (an int >= 1).
        eta_min: the lowest rate.
        last_epoch: see ``LRScheduler``.

    Attributes:
        T_i: the current period. T_cur: epochs since the last restart (a float after a fractional ``step``).
    """

    def __init__(
        self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The rates at ``T_cur`` in the current period."""
        self._warn_unless_in_step()
        return [
            self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
            for base_lr in self.base_lrs
        ]

    def step(self, epoch: float | None = None) -> None:
        """Move one epoch on, or to ``epoch`` (any non-negative number: the period and position are worked out
        from it), and set the rates. Unlike the other schedulers' ``step``, this one does not warn."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            T_cur, T_i = self.T_cur + 1, self.T_i
            if T_cur >= T_i:
                T_cur, T_i = T_cur % T_i, T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"Expected non-negative epoch, but got {epoch}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    T_cur, T_i = epoch % self.T_0, self.T_i
                else:
                    n = int(math.log((epoch / self.T_0 * (self.T_mult - 1) + 1), self.T_mult))
                    T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                    T_i = self.T_0 * self.T_mult ** n
            else:
                T_cur, T_i = epoch, self.T_0
        self.T_cur, self.T_i = T_cur, T_i
        self.last_epoch = math.floor(epoch)
        self._get_lr_called_within_step = True
        try:
            values = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            _set_lr(group, lr)
        self._last_lr = _group_values(self.optimizer, "lr")


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin): the rate climbs from ``max_lr / div_factor`` to ``max_lr``, then
    anneals down to ``initial_lr / final_div_factor``, over ``total_steps`` batches; not chainable.

    Two phases by default (up for ``pct_start`` of the steps, then down to the minimum); with ``three_phase``
    the rate goes up, back down to the initial rate symmetrically, then down to the minimum. Each phase anneals
    with half a cosine (``'cos'``) or a straight line (``'linear'``). With ``cycle_momentum`` the momentum (or
    Adam's ``beta1``) moves the opposite way between ``max_momentum`` and ``base_momentum``.

    Args:
        optimizer: the optimizer.
        max_lr: the peak rate, for all groups or one per group.
        total_steps: the number of steps in the cycle; or give ``epochs`` and ``steps_per_epoch``.
        epochs: epochs of training (with ``steps_per_epoch``).
        steps_per_epoch: batches per epoch (with ``epochs``).
        pct_start: the fraction of the steps spent climbing (a float in ``[0, 1]``).
        anneal_strategy: ``'cos'`` or ``'linear'``.
        cycle_momentum: cycle the momentum too (the optimizer needs ``momentum`` or ``betas``).
        base_momentum: the momentum at the peak rate, for all groups or one per group.
        max_momentum: the momentum at the start and end, for all groups or one per group.
        div_factor: ``initial_lr = max_lr / div_factor``.
        final_div_factor: ``min_lr = initial_lr / final_div_factor``.
        three_phase: use the three-phase schedule.
        last_epoch: the index of the last batch (see ``LRScheduler``).

    Each group gets ``'initial_lr'``, ``'max_lr'`` and ``'min_lr'`` (and ``'max_momentum'``, ``'base_momentum'``)
    entries. Stepping past ``total_steps`` raises ``ValueError`` and changes nothing.

    Example::

        sched = OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=len(loader))
        for epoch in range(10):
            for batch in loader:
                train_batch(batch); opt.step(); sched.step()
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        # Every check comes before the optimizer's groups are written to.
        if total_steps is not None:
            if total_steps <= 0 or not isinstance(total_steps, int):
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError(f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}")
            steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if three_phase:
            phases = [
                {"end_step": float(pct_start * steps) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": float(2 * pct_start * steps) - 2, "start_lr": "max_lr", "end_lr": "initial_lr",
                 "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
                {"end_step": steps - 1, "start_lr": "initial_lr", "end_lr": "min_lr",
                 "start_momentum": "max_momentum", "end_momentum": "max_momentum"},
            ]
        else:
            phases = [
                {"end_step": float(pct_start * steps) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": steps - 1, "start_lr": "max_lr", "end_lr": "min_lr",
                 "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
            ]
        if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            base_momentums = _per_group("base_momentum", optimizer, base_momentum)
        self.optimizer = optimizer
        self.total_steps = steps
        self._schedule_phases = phases
        self._anneal_func_type = anneal_strategy
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs, strict=True):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = "betas" in optimizer.defaults
            if last_epoch == -1:
                for m_momentum, b_momentum, group in zip(max_momentums, base_momentums, optimizer.param_groups,
                                                         strict=True):
                    _set_momentum(group, m_momentum, self.use_beta1)
                    group["max_momentum"] = m_momentum
                    group["base_momentum"] = b_momentum
        super().__init__(optimizer, last_epoch)

    def _anneal_func(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return self._annealing_cos(start, end, pct)
        return self._annealing_linear(start, end, pct)

    @staticmethod
    def _annealing_cos(start: float, end: float, pct: float) -> float:
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    @staticmethod
    def _annealing_linear(start: float, end: float, pct: float) -> float:
        return (end - start) * pct + start

    def get_lr(self) -> list[Any]:
        """The rates at step ``last_epoch`` (and, with ``cycle_momentum``, writes the momenta into the groups)."""
        self._warn_unless_in_step()
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(
                f"Tried to step {step_num} times. The specified number of total steps is {self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step_num <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (step_num - start_step) / (end_step - start_step)
                    lr = self._anneal_func(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    if self.cycle_momentum:
                        momentum = self._anneal_func(group[phase["start_momentum"]], group[phase["end_momentum"]],
                                                     pct)
                    break
                start_step = phase["end_step"]
            lrs.append(lr)
            if self.cycle_momentum:
                _set_momentum(group, momentum, self.use_beta1)
        return lrs
