"""Loss modules (``MSELoss``, ``L1Loss``, ``SmoothL1Loss``, ``HuberLoss``, ``BCELoss``, ``BCEWithLogitsLoss``,
``NLLLoss``, ``CrossEntropyLoss``, ``KLDivLoss``, ``CosineEmbeddingLoss``, ``MarginRankingLoss``): each keeps its
options and calls its functional."""

from __future__ import annotations

from minigrad.nn import _reduction
from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class _Loss(Module):
    """Base of the losses: holds ``reduction`` (``'none'``, ``'mean'`` or ``'sum'``), translating the deprecated
    ``size_average`` / ``reduce`` arguments with PyTorch's warning."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = _reduction.legacy_get_string(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with an optional per-class ``weight (C,)``, kept as a buffer (so it is in ``state_dict``)."""

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error ``(input - target) ** 2``, reduced by ``reduction``.

    Shapes: input ``(*)``, target ``(*)`` same shape -> scalar, or ``(*)`` with ``reduction='none'``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(*)``, ``(*)`` -> scalar (or ``(*)``): ``F.mse_loss``."""
        return F.mse_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log likelihood of log-probabilities: ``-weight[t] * input[n, t]`` for target ``t = target[n]``.

    Args:
        weight: optional ``(C,)`` class weights.
        size_average: deprecated (see ``reduction``).
        ignore_index: targets with this value contribute nothing.
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'`` (divides by the total weight of non-ignored targets), ``'sum'`` or ``'none'``.

    Shapes: input ``(N, C)``/``(C,)``/``(N, C, d1, ..., dk)``; target ``(N,)``/``()``/``(N, d1, ..., dk)`` int64
    -> scalar, or the target's shape with ``reduction='none'``.
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None, ignore_index: int = -100,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(N, C)``, ``(N,)`` -> scalar (or ``(N,)``): ``F.nll_loss`` with this loss's options."""
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of unnormalised scores (logits): ``nll_loss(log_softmax(input, 1), target)``.

    Args:
        weight: optional ``(C,)`` class weights.
        size_average: deprecated (see ``reduction``).
        ignore_index: class-index targets with this value are skipped.
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
        label_smoothing: in [0, 1]; mixes the target with the uniform distribution over the classes.

    Shapes: input ``(N, C)``/``(C,)``/``(N, C, d1, ..., dk)``; target class indices ``(N,)``/``()``/``(N, d1, ...,
    dk)`` int64, or class probabilities of the input's shape -> scalar, or per sample with ``reduction='none'``.
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None, ignore_index: int = -100,
                 reduce: bool | None = None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(N, C)``, ``(N,)`` -> scalar (or ``(N,)``): ``F.cross_entropy`` with this loss's options."""
        return F.cross_entropy(
            input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class L1Loss(_Loss):
    """Mean absolute error ``|input - target|``, reduced by ``reduction``.

    Shapes: input ``(*)``, target ``(*)`` same shape -> scalar, or ``(*)`` with ``reduction='none'``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(*)``, ``(*)`` -> scalar (or ``(*)``): ``F.l1_loss``."""
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities (after a ``sigmoid``) against targets in [0, 1].

    Args:
        weight: optional weight, broadcast to the input's shape (a buffer, so it is in ``state_dict``).
        size_average: deprecated (see ``reduction``).
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.

    Shapes: input ``(*)`` in [0, 1], target ``(*)`` same shape -> scalar, or ``(*)`` with ``reduction='none'``.
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(*)``, ``(*)`` -> scalar (or ``(*)``): ``F.binary_cross_entropy`` with this loss's options."""
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """``sigmoid`` and binary cross entropy in one stable step, on raw scores (logits).

    Args:
        weight: optional weight, broadcast to the input's shape.
        size_average: deprecated (see ``reduction``).
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
        pos_weight: optional weight of the positive term, broadcast along the last dim (one per class).

    ``weight`` and ``pos_weight`` are buffers (in ``state_dict`` when given). Shapes: input ``(*)`` scores,
    target ``(*)`` in [0, 1] -> scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(*)``, ``(*)`` -> scalar (or ``(*)``): ``F.binary_cross_entropy_with_logits`` with these options."""
        return F.binary_cross_entropy_with_logits(input, target, self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class SmoothL1Loss(_Loss):
    """Quadratic for errors below ``beta``, linear above: see ``F.smooth_l1_loss``.

    Args:
        size_average: deprecated (see ``reduction``).
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
        beta: where the quadratic part ends (0 makes it ``L1Loss``).

    Shapes: input ``(*)``, target ``(*)`` -> scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(*)``, ``(*)`` -> scalar (or ``(*)``): ``F.smooth_l1_loss``."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Quadratic for errors below ``delta``, then linear with slope ``delta``: see ``F.huber_loss``.

    Args:
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
        delta: where the quadratic part ends (positive).

    Shapes: input ``(*)``, target ``(*)`` -> scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(*)``, ``(*)`` -> scalar (or ``(*)``): ``F.huber_loss``."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of ``target`` from log-probabilities ``input``: see ``F.kl_div``.

    Args:
        size_average: deprecated (see ``reduction``).
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'`` (warns), ``'batchmean'`` (the divergence per sample), ``'sum'`` or ``'none'``.
        log_target: the target is given as log-probabilities.

    Shapes: input ``(*)``, target ``(*)`` -> scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``(*)``, ``(*)`` -> scalar (or ``(*)``): ``F.kl_div``."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(_Loss):
    """``1 - cos(x1, x2)`` for pairs labelled 1, ``max(0, cos - margin)`` for pairs labelled -1.

    Args:
        margin: in [-1, 1]; dissimilar pairs stop costing below this cosine.
        size_average: deprecated (see ``reduction``).
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.

    Shapes: ``(N, D)``, ``(N, D)``, target ``(N,)`` -> scalar, or ``(N,)`` with ``reduction='none'``.
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        """``(N, D)``, ``(N, D)``, ``(N,)`` -> scalar (or ``(N,)``): ``F.cosine_embedding_loss``."""
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """``max(0, -target * (x1 - x2) + margin)``: rank ``x1`` above ``x2`` where ``target`` is 1, below where -1.

    Args:
        margin: how far apart the ranked scores must be.
        size_average: deprecated (see ``reduction``).
        reduce: deprecated (see ``reduction``).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.

    Shapes: ``(N,)``, ``(N,)``, ``(N,)`` (or 0-d) -> scalar, or ``(N,)`` with ``reduction='none'``.
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        """``(N,)``, ``(N,)``, ``(N,)`` -> scalar (or ``(N,)``): ``F.margin_ranking_loss``."""
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)
