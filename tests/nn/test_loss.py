"""Losses (``mse_loss``, ``nll_loss``, ``cross_entropy`` and their modules): gradchecks in float64, reductions
against numpy, reprs, the legacy ``size_average``/``reduce`` arguments, warnings and errors (stored PyTorch strings
and live PyTorch). Values and gradients against PyTorch are in test_nn_golden.py."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, module_gradcheck, torch_namespace, warnings_of

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

RNG = np.random.default_rng(11)


def x64(*shape: int, requires_grad: bool = True) -> mg.Tensor:
    return mg.tensor(RNG.standard_normal(shape), requires_grad=requires_grad)


def labels(*shape: int, high: int) -> mg.Tensor:
    return mg.tensor(RNG.integers(0, high, shape))


# ---- gradchecks ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck_mse_input_and_target(reduction):
    assert mg.gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), (x64(3, 4), x64(3, 4)))


def test_gradcheck_mse_weighted():
    w = mg.tensor(RNG.uniform(0.5, 2.0, (3, 4)))
    assert mg.gradcheck(lambda a, b: F.mse_loss(a, b, weight=w), (x64(3, 4), x64(3, 4)))


CE_CASES = {
    "mean": ({}, (4, 5), (4,)),
    "sum": ({"reduction": "sum"}, (4, 5), (4,)),
    "none": ({"reduction": "none"}, (4, 5), (4,)),
    "weight": ({"weight": True}, (4, 5), (4,)),
    "ignore": ({"ignore_index": 1}, (6, 5), (6,)),
    "smoothing": ({"label_smoothing": 0.2, "weight": True, "ignore_index": 1}, (6, 5), (6,)),
    "smoothing_none": ({"label_smoothing": 0.2, "reduction": "none"}, (6, 5), (6,)),
    "unbatched": ({}, (5,), ()),
    "spatial": ({"weight": True}, (2, 5, 3), (2, 3)),
    "spatial_4d_none": ({"reduction": "none"}, (2, 3, 2, 2), (2, 2, 2)),
}


def _kwargs(kw: dict, n_classes: int) -> dict:
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = mg.tensor(np.linspace(0.5, 2.0, n_classes))
    return kw


@pytest.mark.parametrize("name", list(CE_CASES))
def test_gradcheck_cross_entropy(name):
    kw, in_shape, t_shape = CE_CASES[name]
    c = in_shape[0] if len(in_shape) == 1 else in_shape[1]
    target = labels(*t_shape, high=c)
    if "ignore_index" in kw:
        target.numpy().reshape(-1)[0] = kw["ignore_index"]
    kwargs = _kwargs(kw, c)
    assert mg.gradcheck(lambda x: F.cross_entropy(x, target, **kwargs), (x64(*in_shape),))


@pytest.mark.parametrize("name", list(CE_CASES))
def test_gradcheck_nll_loss(name):
    kw, in_shape, t_shape = CE_CASES[name]
    kw = {k: v for k, v in kw.items() if k != "label_smoothing"}
    c = in_shape[0] if len(in_shape) == 1 else in_shape[1]
    target = labels(*t_shape, high=c)
    kwargs = _kwargs(kw, c)
    assert mg.gradcheck(lambda x: F.nll_loss(x, target, **kwargs), (x64(*in_shape),))


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.3}, {"reduction": "none", "weight": True}])
def test_gradcheck_cross_entropy_probability_target(kw):
    p = np.exp(RNG.standard_normal((3, 4)))
    target = mg.tensor(p / p.sum(1, keepdims=True), requires_grad=True)
    kwargs = _kwargs(kw, 4)
    assert mg.gradcheck(lambda x, t: F.cross_entropy(x, t, **kwargs), (x64(3, 4), target))


@pytest.mark.parametrize("module,target", [
    (nn.MSELoss(), lambda: x64(3, 2, requires_grad=False)),
    (nn.MSELoss(reduction="none"), lambda: x64(3, 2, requires_grad=False)),
    (nn.CrossEntropyLoss(), lambda: labels(3, high=2)),
    (nn.CrossEntropyLoss(weight=mg.tensor([0.3, 2.0], dtype=mg.float64), label_smoothing=0.1, ignore_index=0),
     lambda: mg.tensor([1, 0, 1])),
    (nn.NLLLoss(reduction="sum"), lambda: labels(3, high=2)),
], ids=lambda v: repr(v) if isinstance(v, nn.Module) else "")
def test_gradcheck_loss_modules(module, target):
    assert module_gradcheck(module, x64(3, 2), target())


# ---- values against numpy --------------------------------------------------------------------------------
def test_mse_reductions_against_numpy():
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    sq = (a - b) ** 2
    np.testing.assert_allclose(F.mse_loss(mg.tensor(a), mg.tensor(b)).item(), sq.mean(), rtol=1e-14)
    np.testing.assert_allclose(F.mse_loss(mg.tensor(a), mg.tensor(b), reduction="sum").item(), sq.sum(), rtol=1e-14)
    np.testing.assert_allclose(F.mse_loss(mg.tensor(a), mg.tensor(b), reduction="none").numpy(), sq, rtol=1e-14)


@pytest.mark.parametrize("shape", [(8192,), (8193,), (16384,), (16385,), (35, 32, 64), (3, 50000)])
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-13), (np.float32, 1e-6)])
def test_mse_of_many_elements_against_numpy(shape, dtype, rtol):
    # Past 64 KiB (8192 float64 or 16384 float32 elements) the squares are summed a chunk at a time: still numpy's
    # sum, to float round-off.
    a, b = RNG.standard_normal(shape).astype(dtype), RNG.standard_normal(shape).astype(dtype)
    sq = (a.astype(np.float64) - b.astype(np.float64)) ** 2
    x = mg.tensor(a, requires_grad=True)
    mean = F.mse_loss(x, mg.tensor(b))
    total = F.mse_loss(mg.tensor(a), mg.tensor(b), reduction="sum")
    assert mean.dtype == total.dtype == x.dtype
    np.testing.assert_allclose(mean.item(), sq.mean(), rtol=rtol)
    np.testing.assert_allclose(total.item(), sq.sum(), rtol=rtol)
    mean.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (a.astype(np.float64) - b) / a.size, rtol=rtol * 10)


def test_mse_with_an_expanded_target_of_many_elements_against_numpy():
    # The expanded target is strided: its differences are made at once, then summed a chunk at a time.
    a, b = RNG.standard_normal((3, 9000)), RNG.standard_normal(9000)
    x = mg.tensor(a, requires_grad=True)
    with pytest.warns(UserWarning):
        loss = F.mse_loss(x, mg.tensor(b))
    np.testing.assert_allclose(loss.item(), ((a - b) ** 2).mean(), rtol=1e-13)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (a - b) / a.size, rtol=1e-13)


def test_mse_saves_its_inputs_so_changing_one_in_place_fails_at_backward():
    # As in PyTorch, whose MseLossBackward0 saves self and target.
    x = mg.randn(4, 3, requires_grad=True)
    pred = x * 2
    loss = F.mse_loss(pred, mg.zeros(4, 3))
    with mg.no_grad():
        pred.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_cross_entropy_against_numpy_with_weights_and_ignore():
    x, t, w = RNG.standard_normal((6, 4)), np.array([0, 3, -100, 1, 3, 2]), np.array([1.0, 0.5, 2.0, 1.5])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    keep = t != -100
    picked = -logp[np.arange(6)[keep], t[keep]] * w[t[keep]]
    got = F.cross_entropy(mg.tensor(x), mg.tensor(t), weight=mg.tensor(w))
    np.testing.assert_allclose(got.item(), picked.sum() / w[t[keep]].sum(), rtol=1e-14)


def test_every_target_ignored_gives_nan_mean_and_zero_sum():
    x, t = mg.randn(2, 3), mg.tensor([-100, -100])
    assert np.isnan(F.cross_entropy(x, t).item())
    assert F.cross_entropy(x, t, reduction="sum").item() == 0.0


def test_loss_output_dtype_follows_input():
    assert F.cross_entropy(mg.randn(2, 3), mg.tensor([0, 1])).dtype == mg.float32
    assert F.nll_loss(mg.randn(2, 3, dtype=mg.float64), mg.tensor([0, 1])).dtype == mg.float64
    assert F.mse_loss(mg.randn(2), mg.randn(2, dtype=mg.float64)).dtype == mg.float64


def test_uint8_targets_are_accepted():
    x = mg.randn(3, 4)
    t = np.array([0, 3, 1])
    np.testing.assert_allclose(F.nll_loss(x, mg.tensor(t.astype(np.uint8))).item(), F.nll_loss(x, mg.tensor(t)).item())


# ---- modules: reprs, state, legacy arguments -------------------------------------------------------------
REPRS = {
    "MSELoss()": lambda L: L.nn.MSELoss(reduction="sum"),
    "L1Loss()": lambda L: L.nn.L1Loss(),
    "BCELoss()": lambda L: L.nn.BCELoss(weight=L.t(np.ones(3, np.float32))),
    "BCEWithLogitsLoss()": lambda L: L.nn.BCEWithLogitsLoss(pos_weight=L.t(np.ones(3, np.float32))),
    "CrossEntropyLoss()": lambda L: L.nn.CrossEntropyLoss(weight=L.t(np.ones(3, np.float32)), label_smoothing=0.1),
    "NLLLoss()": lambda L: L.nn.NLLLoss(ignore_index=0),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_matches_torch(text):
    pytest.importorskip("torch")
    assert repr(REPRS[text](MG)) == repr(REPRS[text](torch_namespace()))


def test_module_attributes():
    loss = nn.CrossEntropyLoss(ignore_index=3, reduction="sum", label_smoothing=0.25)
    assert (loss.ignore_index, loss.reduction, loss.label_smoothing, loss.weight) == (3, "sum", 0.25, None)


def test_class_weight_is_a_buffer_in_the_state_dict():
    w = mg.tensor([1.0, 2.0, 3.0])
    assert list(nn.CrossEntropyLoss(weight=w).state_dict()) == ["weight"]
    assert list(nn.NLLLoss().state_dict()) == []
    assert list(nn.CrossEntropyLoss(weight=w).parameters()) == []


def test_class_weight_state_dict_matches_torch():
    pytest.importorskip("torch")
    for L in (MG, torch_namespace()):
        assert list(L.nn.NLLLoss(weight=L.t(np.ones(3))).state_dict()) == ["weight"]


LEGACY = {
    "size_average_false": ({"size_average": False}, "sum"),
    "reduce_false": ({"reduce": False}, "none"),
    "both_true": ({"size_average": True, "reduce": True}, "mean"),
}


@pytest.mark.parametrize("name", list(LEGACY))
def test_legacy_arguments(name):
    kwargs, reduction = LEGACY[name]
    message = f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead."
    loss = []
    assert warnings_of(lambda: loss.append(nn.MSELoss(**kwargs))) == [message]
    assert loss[0].reduction == reduction
    a, b = mg.randn(3), mg.randn(3)
    out = []
    assert warnings_of(lambda: out.append(F.mse_loss(a, b, **kwargs))) == [message]
    np.testing.assert_allclose(out[0].numpy(), F.mse_loss(a, b, reduction=reduction).numpy())


@pytest.mark.filterwarnings("ignore:size_average and reduce args")
@pytest.mark.parametrize("name", list(LEGACY))
def test_legacy_arguments_match_torch(name):
    torch = pytest.importorskip("torch")
    kwargs = LEGACY[name][0]
    assert warnings_of(lambda: nn.MSELoss(**kwargs)) == warnings_of(lambda: torch.nn.MSELoss(**kwargs))
    assert nn.CrossEntropyLoss(**kwargs).reduction == torch.nn.CrossEntropyLoss(**kwargs).reduction


MSE_WARNING = ("Using a target size (minigrad.Size([3])) that is different to the input size (minigrad.Size([3, 1])). "
               "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.")


def test_mse_size_mismatch_warns_and_broadcasts():
    a, b = np.arange(3.0).reshape(3, 1), np.array([1.0, 2.0, 4.0])
    out = []
    assert warnings_of(lambda: out.append(F.mse_loss(mg.tensor(a), mg.tensor(b)))) == [MSE_WARNING]
    np.testing.assert_allclose(out[0].item(), ((a - b) ** 2).mean())


def test_mse_size_warning_matches_torch():
    torch = pytest.importorskip("torch")
    a, b = np.zeros((3, 1), np.float32), np.zeros(3, np.float32)
    ours = warnings_of(lambda: F.mse_loss(mg.tensor(a), mg.tensor(b)))
    theirs = warnings_of(lambda: torch.nn.functional.mse_loss(torch.tensor(a), torch.tensor(b)))
    assert ours == [t.replace("torch.", "minigrad.") for t in theirs]


# ---- errors ----------------------------------------------------------------------------------------------
def _x(*shape):
    return np.zeros(shape, np.float32)


def _t(*values):
    return np.array(values, np.int64)


ERRORS = {
    "mse_reduction": (lambda L: L.F.mse_loss(L.t(_x(3)), L.t(_x(3)), reduction="foo"), "ValueError",
                      "foo is not a valid value for reduction"),
    "mse_broadcast": (lambda L: L.F.mse_loss(L.t(_x(3)), L.t(_x(4))), "RuntimeError",
                      "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"),
    "mse_int": (lambda L: L.F.mse_loss(L.t(_t(1, 2)), L.t(_t(1, 2))), "NotImplementedError",
                "\"mse_cpu\" not implemented for 'Long'"),
    "mse_weight_size": (lambda L: L.F.mse_loss(L.t(_x(3)), L.t(_x(3)), weight=L.t(_x(2))), "ValueError",
                        "Weights and input must have the same size."),
    "mse_weight_reduction": (lambda L: L.F.mse_loss(L.t(_x(3)), L.t(_x(3)), weight=L.t(_x(3)), reduction="x"),
                             "ValueError", "Invalid reduction mode: x. Expected one of 'none', 'mean', 'sum'."),
    "ce_reduction": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0, 4)), reduction="avg"), "ValueError",
                     "avg is not a valid value for reduction"),
    "ce_module_reduction": (lambda L: L.nn.CrossEntropyLoss(reduction="foo")(L.t(_x(3, 5)), L.t(_t(1, 0, 4))),
                            "ValueError", "foo is not a valid value for reduction"),
    "ce_target_out_of_bounds": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0, 5))), "IndexError",
                                "Target 5 is out of bounds."),
    "ce_negative_target": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0, -1))), "IndexError",
                           "Target -1 is out of bounds."),
    "ce_batch_mismatch": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0))), "ValueError",
                          "Expected input batch_size (3) to match target batch_size (2)."),
    "ce_float_target": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_x(3))), "RuntimeError",
                        "expected target dtype to be Long or Byte, but got Float"),
    "ce_int32_target": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0, 2).astype(np.int32))),
                        "RuntimeError", "expected target dtype to be Long or Byte, but got Int"),
    "ce_multi_target": (lambda L: L.F.cross_entropy(L.t(_x(2, 5)), L.t(np.zeros((2, 4), np.int64))),
                        "RuntimeError", "0D or 1D target tensor expected, multi-target not supported"),
    "ce_1d_target_size": (lambda L: L.F.cross_entropy(L.t(_x(5)), L.t(_t(2, 1))), "ValueError",
                          "For 1D input, 1D target must have size 1, but got target size: 2"),
    "ce_weight_size": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0, 4)), weight=L.t(_x(3))),
                       "RuntimeError", "weight tensor should be defined either for all 5 classes or no classes but "
                       "got weight tensor of shape: [3]"),
    "ce_weight_dtype": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0, 4)), weight=L.t(np.ones(5))),
                        "RuntimeError", "expected scalar type Float but found Double"),
    "ce_label_smoothing": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_t(1, 0, 4)), label_smoothing=1.5),
                           "RuntimeError", "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    "ce_probabilities_long": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(np.zeros((3, 5), np.int64))),
                              "RuntimeError", "Expected floating point type for target with class probabilities, "
                              "got Long"),
    "ce_probabilities_ignore_index": (lambda L: L.F.cross_entropy(L.t(_x(3, 5)), L.t(_x(3, 5)), ignore_index=1),
                                      "RuntimeError", "ignore_index is not supported for floating point target"),
    "ce_probabilities_weight": (lambda L: L.F.cross_entropy(L.t(_x(2, 5)), L.t(_x(2, 5)), weight=L.t(_x(3))),
                                "RuntimeError", "cross_entropy: weight tensor should be defined either for all 5 "
                                "classes or no classes but got weight tensor of shape: [3]"),
    "ce_spatial_target": (lambda L: L.F.cross_entropy(L.t(_x(2, 5, 4)), L.t(np.zeros((2, 3), np.int64))),
                          "RuntimeError", "Expected target size [2, 4], got [2, 3]"),
    "ce_spatial_4d_target": (lambda L: L.F.cross_entropy(L.t(_x(2, 5, 4, 3)), L.t(np.zeros((2, 4, 2), np.int64))),
                             "RuntimeError", "size mismatch (got input: [2, 5, 4, 3] , target: [2, 4, 2]"),
    "ce_int_input": (lambda L: L.F.cross_entropy(L.t(np.ones((3, 5), np.int64)), L.t(_t(1, 0, 4))),
                     "NotImplementedError", "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    "bce_input_range": (lambda L: L.F.binary_cross_entropy(L.t(np.float32([0.2, 1.5])), L.t(np.float32([0, 1]))),
                        "RuntimeError", "all elements of input should be between 0 and 1"),
    "bce_target_range": (lambda L: L.F.binary_cross_entropy(L.t(np.float32([0.2, 0.5])), L.t(np.float32([0, 2]))),
                         "RuntimeError", "all elements of target should be between 0 and 1"),
    "bce_dtype": (lambda L: L.F.binary_cross_entropy(L.t(np.float64([0.2, 0.5])), L.t(np.float32([0, 1]))),
                  "RuntimeError", "Found dtype Float but expected Double"),
    "bce_logits_weight": (lambda L: L.F.binary_cross_entropy_with_logits(L.t(_x(1, 2)), L.t(_x(1, 2)),
                                                                          weight=L.t(_x(3))),
                          "RuntimeError", "The size of tensor a (2) must match the size of tensor b (3) at "
                          "non-singleton dimension 1"),
    "bce_logits_pos_weight": (lambda L: L.F.binary_cross_entropy_with_logits(L.t(_x(1, 2)), L.t(_x(1, 2)),
                                                                              pos_weight=L.t(_x(3))),
                              "RuntimeError", "The size of tensor a (3) must match the size of tensor b (2) at "
                              "non-singleton dimension 1"),
    "l1_weight_size": (lambda L: L.F.l1_loss(L.t(_x(3)), L.t(_x(3)), weight=L.t(_x(2))), "ValueError",
                       "Weights and input must have the same size."),
    "nll_scalar_input": (lambda L: L.F.nll_loss(L.t(_x()), L.t(np.array(1))), "ValueError",
                         "Expected 1 or more dimensions (got 0)"),
    "nll_spatial_weight": (lambda L: L.F.nll_loss(L.t(_x(2, 5, 4)), L.t(np.zeros((2, 4), np.int64)),
                                                  weight=L.t(_x(3))),
                           "RuntimeError", "weight tensor should be defined either for all or no classes"),
    "nll_4d_target_dims": (lambda L: L.F.nll_loss(L.t(_x(2, 5, 4, 3)), L.t(np.zeros((2, 4), np.int64))),
                           "RuntimeError",
                           "only batches of spatial targets supported (3D tensors) but got targets of dimension: 2"),
    "nll_int_input": (lambda L: L.F.nll_loss(L.t(np.ones((2, 5), np.int64)), L.t(_t(0, 1))),
                      "NotImplementedError", "\"nll_loss_out_frame\" not implemented for 'Long'"),
    "nll_scalar_target_batched_input": (lambda L: L.F.nll_loss(L.t(_x(2, 5)), L.t(np.array(1))), "ValueError",
                                        "Expected input batch_size (2) to match target batch_size (0)."),
}


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    assert error_of(lambda: call(MG)) == error_of(lambda: call(torch_namespace()))


def test_ignored_target_may_be_out_of_range():
    x = mg.randn(3, 5)
    loss = F.nll_loss(x, mg.tensor([1, 0, 9]), ignore_index=9)
    np.testing.assert_allclose(loss.item(), -(x.numpy()[0, 1] + x.numpy()[1, 0]) / 2, rtol=1e-6)


# ---- binary cross entropies and L1 ------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck_binary_cross_entropies_and_l1(reduction):
    probs = mg.tensor(RNG.uniform(0.1, 0.9, (3, 4)), requires_grad=True)
    target = mg.tensor(RNG.uniform(0.1, 0.9, (3, 4)), requires_grad=True)
    w, pw = mg.tensor(RNG.uniform(0.5, 2.0, (4,))), mg.tensor(RNG.uniform(0.5, 3.0, (4,)))
    assert mg.gradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight=w, reduction=reduction), (probs, target))
    assert mg.gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, weight=w, pos_weight=pw,
                                                                         reduction=reduction), (x64(3, 4), target))
    assert mg.gradcheck(lambda a, b: F.l1_loss(a, b, reduction=reduction), (x64(3, 4), x64(3, 4)))


def test_binary_cross_entropy_clamps_its_logs_at_minus_100():
    # A certain, wrong answer costs 100 (PyTorch's clamp), and its gradient stays finite.
    x = mg.tensor([0.0, 1.0, 0.5], requires_grad=True)
    loss = F.binary_cross_entropy(x, mg.tensor([1.0, 0.0, 0.5]), reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [100.0, 100.0, np.log(2.0)], rtol=1e-6)
    loss.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))


def test_binary_cross_entropy_with_logits_promotes_a_float64_target():
    loss = F.binary_cross_entropy_with_logits(mg.zeros(2), mg.tensor([0.0, 1.0], dtype=mg.float64))
    assert loss.dtype == mg.float64 and loss.item() == pytest.approx(np.log(2.0), rel=1e-15)


def test_binary_cross_entropy_with_logits_is_exact_for_huge_scores():
    x = mg.tensor([-1000.0, 1000.0, -30.0, 30.0], dtype=mg.float64, requires_grad=True)
    y = mg.tensor([1.0, 0.0, 0.0, 1.0], dtype=mg.float64)
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    # No overflow at +-1000. At x = -30, y = 0 the loss is -30 + softplus(30): round-off of numbers of size 30
    # (PyTorch computes it the same way); at x = 30, y = 1 it is log1p(e^-30), exact.
    exact = np.log1p(np.exp(-30.0))
    np.testing.assert_allclose(loss.detach().numpy()[:2], [1000.0, 1000.0], rtol=1e-15)
    values = loss.detach().numpy()
    assert abs(values[2] - exact) < 30 * np.finfo(np.float64).eps and values[3] == pytest.approx(exact, rel=1e-15)
    loss.sum().backward()
    # sigmoid(x) - y: at x = 30 that is a difference of numbers near 1 (round-off 1e-16, as in PyTorch).
    np.testing.assert_allclose(x.grad.numpy(), [-1.0, 1.0, 1 / (1 + np.exp(30.0)), -1 / (1 + np.exp(30.0))],
                               rtol=1e-12, atol=np.finfo(np.float64).eps)


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_binary_cross_entropy_shape_errors_name_both_sizes():
    x, y = mg.tensor(np.float32([[0.2, 0.5]])), mg.tensor(np.float32([0, 1]))
    with pytest.raises(ValueError, match=r"Using a target size \(minigrad.Size\(\[2\]\)\) that is different to the "
                                         r"input size \(minigrad.Size\(\[1, 2\]\)\) is deprecated"):
        F.binary_cross_entropy(x, y)
    with pytest.raises(ValueError, match=r"Target size \(minigrad.Size\(\[2\]\)\) must be the same as input size "
                                         r"\(minigrad.Size\(\[1, 2\]\)\)"):
        F.binary_cross_entropy_with_logits(x, y)
    with pytest.raises(RuntimeError, match=r"Attempting to broadcast a dimension of length 3 at -1! Mismatching "
                                           r"argument at index 1 had minigrad.Size\(\[3\]\); but expected shape "
                                           r"should be broadcastable to \[1, 2\]"):
        F.binary_cross_entropy(x, mg.tensor(np.float32([[0, 1]])), weight=mg.ones(3))


def test_binary_cross_entropy_shape_errors_match_torch():
    pytest.importorskip("torch")
    cases = [
        lambda L: L.F.binary_cross_entropy(L.t(np.float32([[0.2, 0.5]])), L.t(np.float32([0, 1]))),
        lambda L: L.F.binary_cross_entropy_with_logits(L.t(np.float32([[0.2, 0.5]])), L.t(np.float32([0, 1]))),
        lambda L: L.F.binary_cross_entropy(L.t(np.float32([[0.2, 0.5]])), L.t(np.float32([[0, 1]])),
                                           weight=L.t(np.ones(3, np.float32))),
    ]
    for call in cases:
        kind, text = error_of(lambda call=call: call(torch_namespace()))
        assert error_of(lambda call=call: call(MG)) == (kind, text.replace("torch.", "minigrad."))


def test_bce_with_logits_module_keeps_its_weights_as_buffers():
    loss = nn.BCEWithLogitsLoss(pos_weight=mg.tensor([2.0, 3.0]))
    assert list(loss.state_dict()) == ["pos_weight"]
    x, y = mg.tensor([[0.3, -0.2]]), mg.tensor([[1.0, 0.0]])
    expected = F.binary_cross_entropy_with_logits(x, y, pos_weight=mg.tensor([2.0, 3.0]))
    assert loss(x, y).item() == expected.item()
