"""The ``grad_fn`` of a loss is named as PyTorch names it, so ``print(loss)`` reads the same in both.

The names below were read from PyTorch 2.13; the live test recomputes every case with ``torch`` when it is
installed. A loss is one node (``ops.MseLoss``, ``ops.NllLoss``) whose parents are the inputs' own nodes, as in
PyTorch: ``cross_entropy`` is ``NllLossBackward0`` over ``LogSoftmaxBackward0``.
"""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, torch_namespace

RNG = np.random.default_rng(5)
X = RNG.standard_normal((3, 4)).astype(np.float32)
Y = RNG.standard_normal((3, 4)).astype(np.float32)
W = RNG.uniform(0.5, 2.0, (3, 4)).astype(np.float32)
P = RNG.uniform(0.05, 0.95, (3, 4)).astype(np.float32)
LABELS = np.array([0, 3, 1])
X4 = RNG.standard_normal((2, 4, 3, 2)).astype(np.float32)
LABELS4 = RNG.integers(0, 4, (2, 3, 2))
X3 = RNG.standard_normal((2, 4, 3)).astype(np.float32)  # (N, C, L): PyTorch views it as (N, C, 1, L)
LABELS3 = RNG.integers(0, 4, (2, 3))
X5 = RNG.standard_normal((2, 4, 3, 2, 2)).astype(np.float32)
LABELS5 = RNG.integers(0, 4, (2, 3, 2, 2))


def _grad(L, a):
    return L.t(a, requires_grad=True)


#: case -> (the loss of namespace L, its grad_fn name, the names of that node's parents, or None to skip them).
CASES = {
    "mse_mean": (lambda L: L.F.mse_loss(_grad(L, X), _grad(L, Y)), "MseLossBackward0", None),
    "mse_sum": (lambda L: L.F.mse_loss(_grad(L, X), L.t(Y), reduction="sum"), "MseLossBackward0", None),
    "mse_none": (lambda L: L.F.mse_loss(_grad(L, X), L.t(Y), reduction="none"), "MseLossBackward0", None),
    "mse_module": (lambda L: L.nn.MSELoss()(_grad(L, X).tanh(), L.t(Y)), "MseLossBackward0", ["TanhBackward0"]),
    "mse_broadcast_target": (lambda L: L.F.mse_loss(_grad(L, X).tanh(), _grad(L, Y[0]).tanh()),
                             "MseLossBackward0", ["TanhBackward0", "ExpandBackward0"]),
    "mse_weighted_mean": (lambda L: L.F.mse_loss(_grad(L, X), L.t(Y), weight=L.t(W)), "DivBackward0", None),
    "mse_weighted_none": (lambda L: L.F.mse_loss(_grad(L, X), L.t(Y), weight=L.t(W), reduction="none"),
                          "MulBackward0", None),
    "l1_mean": (lambda L: L.F.l1_loss(_grad(L, X), L.t(Y)), "MeanBackward0", ["AbsBackward0"]),
    "l1_none": (lambda L: L.nn.L1Loss(reduction="none")(_grad(L, X), L.t(Y)), "AbsBackward0", ["SubBackward0"]),
    "bce": (lambda L: L.F.binary_cross_entropy(_grad(L, X).sigmoid(), L.t(P)), "BinaryCrossEntropyBackward0",
            ["SigmoidBackward0"]),
    "bce_module_none": (lambda L: L.nn.BCELoss(reduction="none")(_grad(L, X).sigmoid(), L.t(P)),
                        "BinaryCrossEntropyBackward0", ["SigmoidBackward0"]),
    "bce_logits": (lambda L: L.F.binary_cross_entropy_with_logits(_grad(L, X).tanh(), L.t(P)),
                   "BinaryCrossEntropyWithLogitsBackward0", ["TanhBackward0"]),
    "bce_logits_module": (lambda L: L.nn.BCEWithLogitsLoss(pos_weight=L.t(W[0]))(_grad(L, X), L.t(P)),
                          "BinaryCrossEntropyWithLogitsBackward0", None),
    "nll_mean": (lambda L: L.F.nll_loss(_grad(L, X).log_softmax(1), L.t(LABELS)), "NllLossBackward0",
                 ["LogSoftmaxBackward0"]),
    "nll_none": (lambda L: L.F.nll_loss(_grad(L, X).log_softmax(1), L.t(LABELS), reduction="none"),
                 "NllLossBackward0", ["LogSoftmaxBackward0"]),
    "nll_weighted_sum": (lambda L: L.F.nll_loss(_grad(L, X).log_softmax(1), L.t(LABELS), weight=L.t(W[0]),
                                                reduction="sum"), "NllLossBackward0", ["LogSoftmaxBackward0"]),
    "nll_unbatched": (lambda L: L.F.nll_loss(_grad(L, X[0]).log_softmax(0), L.t(2)), "NllLossBackward0",
                      ["LogSoftmaxBackward0"]),
    "cross_entropy": (lambda L: L.F.cross_entropy(_grad(L, X), L.t(LABELS)), "NllLossBackward0",
                      ["LogSoftmaxBackward0"]),
    "cross_entropy_module_ignore": (lambda L: L.nn.CrossEntropyLoss(ignore_index=3)(_grad(L, X), L.t(LABELS)),
                                    "NllLossBackward0", ["LogSoftmaxBackward0"]),
    "cross_entropy_4d": (lambda L: L.F.cross_entropy(_grad(L, X4), L.t(LABELS4)), "NllLoss2DBackward0", None),
    "nll_4d_none": (lambda L: L.F.nll_loss(_grad(L, X4).log_softmax(1), L.t(LABELS4), reduction="none"),
                    "NllLoss2DBackward0", ["LogSoftmaxBackward0"]),
    "cross_entropy_3d": (lambda L: L.F.cross_entropy(_grad(L, X3), L.t(LABELS3)), "NllLoss2DBackward0",
                         ["ViewBackward0"]),
    "cross_entropy_3d_none": (lambda L: L.F.cross_entropy(_grad(L, X3), L.t(LABELS3), reduction="none"),
                              "ViewBackward0", ["NllLoss2DBackward0"]),
    "nll_5d": (lambda L: L.F.nll_loss(_grad(L, X5).log_softmax(1), L.t(LABELS5)), "NllLoss2DBackward0",
               ["ViewBackward0"]),
}


def _names(loss) -> tuple[str, list[str]]:
    fn = loss.grad_fn
    parents = [type(p).__name__ if p.__class__.__name__ == "AccumulateGrad" else p.name()
               for p, _ in fn.next_functions if p is not None and hasattr(p, "name")]
    return fn.name(), parents


@pytest.mark.filterwarnings("ignore:Using a target size")  # the broadcast case warns, as in PyTorch
@pytest.mark.parametrize("case", list(CASES))
def test_loss_node_name_and_parents(case):
    make, name, parents = CASES[case]
    got_name, got_parents = _names(make(MG))
    assert got_name == name
    if parents is not None:
        assert got_parents == parents


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("case", list(CASES))
def test_loss_node_name_and_parents_match_torch(case):
    pytest.importorskip("torch")
    make, _, parents = CASES[case]
    got_name, got_parents = _names(make(MG))
    want_name, want_parents = _names(make(torch_namespace()))
    assert got_name == want_name
    if parents is not None:
        assert got_parents == want_parents


def test_a_printed_loss_reads_as_in_pytorch():
    loss = MG.F.cross_entropy(_grad(MG, X), MG.t(LABELS))
    assert repr(loss).endswith(", grad_fn=<NllLossBackward0>)")
    assert repr(MG.F.mse_loss(_grad(MG, X), MG.t(Y))).endswith(", grad_fn=<MseLossBackward0>)")
