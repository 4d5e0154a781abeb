"""SmoothL1Loss, HuberLoss, KLDivLoss, CosineEmbeddingLoss, MarginRankingLoss and their functions: reprs and
options, errors and warnings (stored PyTorch strings and live PyTorch), the legacy arguments, edge cases and
gradchecks in float64. Values and gradients against PyTorch are in test_nn_golden.py (group loss_extra)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, module_gradcheck, torch_namespace, warnings_of

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

MODULES = {
    "SmoothL1Loss": lambda L: L.nn.SmoothL1Loss(beta=0.5),
    "HuberLoss": lambda L: L.nn.HuberLoss(reduction="sum", delta=2.0),
    "KLDivLoss": lambda L: L.nn.KLDivLoss(reduction="batchmean", log_target=True),
    "CosineEmbeddingLoss": lambda L: L.nn.CosineEmbeddingLoss(margin=0.5),
    "MarginRankingLoss": lambda L: L.nn.MarginRankingLoss(0.1, reduction="none"),
}
OPTIONS = ("reduction", "beta", "delta", "log_target", "margin")


@pytest.mark.parametrize("name", list(MODULES))
def test_repr_and_options_match_torch(name):
    mine = MODULES[name](MG)
    assert repr(mine) == f"{name}()"
    pytest.importorskip("torch")
    theirs = MODULES[name](torch_namespace())
    assert repr(mine) == repr(theirs)
    for option in OPTIONS:
        assert getattr(mine, option, None) == getattr(theirs, option, None), option


X = np.ones((3, 4), np.float32)
ERRORS = {
    "smooth_l1_beta": (lambda L: L.F.smooth_l1_loss(L.t(X), L.t(X), beta=-1.0), "RuntimeError",
                       "smooth_l1_loss does not support negative values for beta."),
    "smooth_l1_reduction": (lambda L: L.F.smooth_l1_loss(L.t(X), L.t(X), reduction="foo"), "ValueError",
                            "foo is not a valid value for reduction"),
    "smooth_l1_long": (lambda L: L.F.smooth_l1_loss(L.t(X.astype(np.int64)), L.t(X.astype(np.int64))),
                       "NotImplementedError", "\"smooth_l1_cpu\" not implemented for 'Long'"),
    "huber_delta": (lambda L: L.nn.HuberLoss(delta=0.0)(L.t(X), L.t(X)), "RuntimeError",
                    "huber_loss does not support non-positive values for delta."),
    "huber_weight": (lambda L: L.F.huber_loss(L.t(X), L.t(X), weight=L.t(np.ones(4, np.float32))), "ValueError",
                     "Weights and input must have the same size."),
    "huber_long": (lambda L: L.F.huber_loss(L.t(X.astype(np.int64)), L.t(X.astype(np.int64))),
                   "NotImplementedError", "\"huber_cpu\" not implemented for 'Long'"),
    "huber_long_float": (lambda L: L.F.huber_loss(L.t(X.astype(np.int64)), L.t(X)), "RuntimeError",
                         "result type Float can't be cast to the desired output type Long"),
    "kl_long": (lambda L: L.F.kl_div(L.t(X), L.t(X.astype(np.int64)), reduction="sum"), "RuntimeError",
                "kl_div: Integral inputs not supported."),
    "kl_reduction": (lambda L: L.F.kl_div(L.t(X), L.t(X), reduction="foo"), "ValueError",
                     "foo is not a valid value for reduction"),
    "cos_emb_target_rank": (lambda L: L.F.cosine_embedding_loss(L.t(X), L.t(X), L.t(np.ones((3, 1)))),
                            "RuntimeError", "0D or 1D target tensor expected, multi-target not supported"),
    "cos_emb_input_rank": (lambda L: L.F.cosine_embedding_loss(L.t(np.ones((2, 3, 4))), L.t(np.ones((2, 3, 4))),
                                                               L.t(np.ones(2))), "RuntimeError",
                           "1D target tensor expects 2D input tensors, but found inputs with sizes [2, 3, 4] and "
                           "[2, 3, 4]."),
    "cos_emb_unbatched_rank": (lambda L: L.F.cosine_embedding_loss(L.t(X), L.t(X), L.t(np.array(1.0))),
                               "RuntimeError", "0D target tensor expects 1D input tensors, but found inputs with "
                               "sizes [3, 4] and [3, 4]."),
    "cos_emb_target_size": (lambda L: L.nn.CosineEmbeddingLoss()(L.t(X), L.t(X), L.t(np.ones(4, np.float32))),
                            "RuntimeError", "The size of tensor a (4) must match the size of tensor b (3) at "
                            "non-singleton dimension 0"),
    "margin_rank_dims": (lambda L: L.F.margin_ranking_loss(L.t(np.ones(3)), L.t(np.ones((3, 1))), L.t(np.ones(3))),
                         "RuntimeError", "margin_ranking_loss : All input tensors should have same dimension but got "
                         "sizes: input1: minigrad.Size([3]), input2: minigrad.Size([3, 1]), target: "
                         "minigrad.Size([3]) "),
    "margin_rank_sizes": (lambda L: L.nn.MarginRankingLoss()(L.t(np.ones(3)), L.t(np.ones(4)), L.t(np.ones(3))),
                          "RuntimeError",
                          "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"),
    "margin_rank_target": (lambda L: L.F.margin_ranking_loss(L.t(np.ones(3)), L.t(np.ones(3)), L.t(np.ones(4))),
                           "RuntimeError",
                           "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 0"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    kind, message = error_of(lambda: call(torch_namespace()))
    assert error_of(lambda: call(MG)) == (kind, message.replace("torch.", "minigrad."))


WARNS = {
    "kl_mean": lambda L: L.F.kl_div(L.t(X), L.t(X)),
    "kl_module_mean": lambda L: L.nn.KLDivLoss()(L.t(X), L.t(X)),
    "smooth_l1_broadcast": lambda L: L.F.smooth_l1_loss(L.t(X), L.t(np.ones(4, np.float32))),
    "huber_broadcast": lambda L: L.F.huber_loss(L.t(X), L.t(np.ones(4, np.float32))),
    "legacy": lambda L: L.nn.SmoothL1Loss(size_average=False),
    "kl_legacy": lambda L: L.F.kl_div(L.t(X), L.t(X), reduce=False),
}


@pytest.mark.parametrize("name", list(WARNS))
def test_warnings_match_torch(name):
    mine = warnings_of(lambda: WARNS[name](MG))
    assert len(mine) == 1
    pytest.importorskip("torch")
    assert mine == [w.replace("torch.", "minigrad.") for w in warnings_of(lambda: WARNS[name](torch_namespace()))]


def test_legacy_arguments_pick_the_reduction():
    with pytest.warns(UserWarning):
        assert nn.SmoothL1Loss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning):
        assert nn.MarginRankingLoss(reduce=False).reduction == "none"


def test_smooth_l1_and_huber_against_numpy():
    d = np.array([-3.0, -1.0, -0.2, 0.0, 0.5, 1.0, 2.5])
    x, t = mg.tensor(d), mg.zeros(7, dtype=mg.float64)
    for beta in (0.5, 1.0, 2.0):
        want = np.where(np.abs(d) < beta, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta)
        np.testing.assert_allclose(F.smooth_l1_loss(x, t, reduction="none", beta=beta).numpy(), want, rtol=1e-15)
        np.testing.assert_allclose(F.huber_loss(x, t, reduction="none", delta=beta).numpy(), want * beta, rtol=1e-15)
    np.testing.assert_allclose(F.smooth_l1_loss(x, t, beta=0.0).numpy(), np.abs(d).mean())


def test_kl_div_of_equal_distributions_is_zero_and_batchmean_divides_by_batch():
    p = mg.tensor([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]], dtype=mg.float64)
    logp = mg.tensor(np.log(np.maximum(p.numpy(), 1e-300)))
    np.testing.assert_allclose(F.kl_div(logp, p, reduction="sum").numpy(), 0.0, atol=1e-15)
    q = mg.tensor(np.log([[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]))
    total = F.kl_div(q, p, reduction="sum").item()
    assert F.kl_div(q, p, reduction="batchmean").item() == pytest.approx(total / 2, rel=1e-15)
    log_t = F.kl_div(q, mg.tensor(np.log([[0.2, 0.8, 1e-300], [0.5, 0.25, 0.25]])), reduction="sum", log_target=True)
    assert log_t.item() == pytest.approx(total, rel=1e-12)


def test_cosine_embedding_loss_cases():
    a = mg.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 0.0]], dtype=mg.float64)
    b = mg.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]], dtype=mg.float64)
    out = F.cosine_embedding_loss(a, b, mg.tensor([1.0, -1.0, -1.0, 0.0]), margin=0.5, reduction="none")
    # 1e-12 is added to each squared norm, so identical vectors give 1 - cos = 1e-12, not 0
    np.testing.assert_allclose(out.numpy(), [1e-12, 0.0, np.sqrt(0.5) - 0.5, 0.0], rtol=1e-3, atol=1e-15)


def test_margin_ranking_loss_is_zero_when_ranked_with_margin():
    x1, x2 = mg.tensor([3.0, 0.0]), mg.tensor([1.0, 2.0])
    np.testing.assert_allclose(F.margin_ranking_loss(x1, x2, mg.tensor([1.0, -1.0]), margin=1.0,
                                                     reduction="none").numpy(), [0.0, 0.0])
    np.testing.assert_allclose(F.margin_ranking_loss(x1, x2, mg.tensor([-1.0, 1.0]), margin=1.0,
                                                     reduction="none").numpy(), [3.0, 3.0])


def _x(*shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape) * 2, requires_grad=True)


@pytest.mark.parametrize("fn", [
    lambda a, b: F.smooth_l1_loss(a, b), lambda a, b: F.smooth_l1_loss(a, b, beta=0.3, reduction="sum"),
    lambda a, b: F.huber_loss(a, b, delta=0.7), lambda a, b: F.huber_loss(a, b, reduction="none"),
    lambda a, b: F.kl_div(F.log_softmax(a, 1), F.softmax(b, 1), reduction="batchmean"),
    lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True),
    lambda a, b: F.cosine_embedding_loss(a, b, mg.tensor([1.0, -1.0, -1.0]), margin=-0.5),
    lambda a, b: F.margin_ranking_loss(a, b, mg.tensor([[1.0] * 4, [-1.0] * 4, [1.0] * 4]), margin=0.1),
], ids=["smooth_l1", "smooth_l1_beta", "huber", "huber_none", "kl", "kl_log_target", "cos_emb", "margin_rank"])
def test_gradcheck(fn):
    assert mg.gradcheck(fn, (_x(3, 4), _x(3, 4, seed=1)))


def test_gradcheck_modules():
    assert module_gradcheck(nn.HuberLoss(delta=0.5), _x(5), mg.tensor(np.zeros(5)))
    assert module_gradcheck(nn.SmoothL1Loss(beta=2.0), _x(5), mg.tensor(np.ones(5)))
