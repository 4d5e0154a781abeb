"""The ``reduction`` argument of the losses: checking it, and PyTorch's deprecated ``size_average``/``reduce``."""

from __future__ import annotations

import warnings

REDUCTIONS = ("none", "mean", "sum")


def check(reduction: str) -> str:
    """Return ``reduction`` if it is ``'none'``, ``'mean'`` or ``'sum'``; else raise PyTorch's ``ValueError``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def legacy_get_string(size_average: bool | None, reduce: bool | None, emit_warning: bool = True) -> str:
    """Translate the deprecated pair ``(size_average, reduce)`` into a ``reduction`` string, with the warning.

    ``reduce=False`` means ``'none'``; otherwise ``size_average=False`` means ``'sum'``; both default to True.
    """
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        result = "none"
    elif size_average:
        result = "mean"
    else:
        result = "sum"
    if emit_warning:
        warnings.warn(
            f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.",
            stacklevel=3,
        )
    return result
