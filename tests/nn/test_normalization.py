"""BatchNorm1d/2d, LayerNorm, GroupNorm, RMSNorm and their functional forms: reprs, parameter and buffer names,
running statistics, train vs eval, errors (stored PyTorch strings and live PyTorch), failed calls that change
nothing, and gradchecks in float64. Values and gradients against PyTorch are in test_nn_golden.py (group norm)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, as_minigrad_text, error_of, module_gradcheck, torch_namespace

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

REPRS = {
    "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)":
        lambda L: L.nn.BatchNorm1d(3),
    "BatchNorm1d(4, eps=0.001, momentum=None, affine=False, bias=False, track_running_stats=False)":
        lambda L: L.nn.BatchNorm1d(4, 1e-3, None, False, False),
    "BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=False, track_running_stats=True)":
        lambda L: L.nn.BatchNorm1d(2, bias=False),
    "BatchNorm2d(8, eps=1e-05, momentum=0.5, affine=True, bias=True, track_running_stats=True)":
        lambda L: L.nn.BatchNorm2d(8, momentum=0.5),
    "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)": lambda L: L.nn.LayerNorm(4),
    "LayerNorm((3, 4), eps=0.001, elementwise_affine=False, bias=False)":
        lambda L: L.nn.LayerNorm([3, 4], eps=1e-3, elementwise_affine=False),
    "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=False)": lambda L: L.nn.LayerNorm((4,), bias=False),
    "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)": lambda L: L.nn.GroupNorm(2, 4),
    "GroupNorm(1, 3, eps=1e-05, affine=False, bias=False)": lambda L: L.nn.GroupNorm(1, 3, affine=False),
    "RMSNorm((4,), eps=None, elementwise_affine=True)": lambda L: L.nn.RMSNorm(4),
    "RMSNorm((2, 3), eps=1e-06, elementwise_affine=False)":
        lambda L: L.nn.RMSNorm([2, 3], eps=1e-6, elementwise_affine=False),
    "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): BatchNorm1d(3, eps=1e-05, "
    "momentum=0.1, affine=True, bias=True, track_running_stats=True)\n  (2): ReLU()\n)":
        lambda L: L.nn.Sequential(L.nn.Linear(2, 3), L.nn.BatchNorm1d(3), L.nn.ReLU()),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_and_state_dict_keys_match_torch(text):
    pytest.importorskip("torch")
    mine, theirs = REPRS[text](MG), REPRS[text](torch_namespace())
    assert repr(mine) == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in mine.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    for (key, a), (_, b) in zip(mine.state_dict().items(), theirs.state_dict().items()):
        if "Linear" in text and key.startswith("0."):
            continue  # Linear's weights are random
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert a.numpy().dtype == b.numpy().dtype


def test_batchnorm_buffers_and_initial_values():
    bn = nn.BatchNorm1d(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(3, np.float32))
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(3, np.float32))
    assert bn.num_batches_tracked.dtype == mg.int64 and bn.num_batches_tracked.shape == ()
    assert not bn.running_mean.requires_grad
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    untracked = nn.BatchNorm1d(3, track_running_stats=False)
    assert untracked.running_mean is None and list(untracked.state_dict()) == ["weight", "bias"]
    assert nn.BatchNorm1d(3, dtype=mg.float64).running_var.dtype == mg.float64


def test_batchnorm_double_converts_running_stats_but_not_the_count():
    bn = nn.BatchNorm2d(2).double()
    assert bn.running_mean.dtype == mg.float64 and bn.weight.dtype == mg.float64
    assert bn.num_batches_tracked.dtype == mg.int64


def test_batchnorm_train_updates_running_stats_with_unbiased_variance():
    x = np.random.default_rng(0).standard_normal((6, 3))
    bn = nn.BatchNorm1d(3, momentum=0.25).double()
    y = bn(mg.tensor(x))
    np.testing.assert_allclose(y.detach().numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.25 * x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.75 + 0.25 * x.var(0, ddof=1), rtol=1e-12)
    assert int(bn.num_batches_tracked.item()) == 1


def test_batchnorm_momentum_none_is_the_plain_average_of_batches():
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((4, 2, 3)) for _ in range(3)]
    bn = nn.BatchNorm1d(2, momentum=None).double()
    for b in batches:
        bn(mg.tensor(b))
    means = [b.mean((0, 2)) for b in batches]
    variances = [b.var((0, 2), ddof=1) for b in batches]
    np.testing.assert_allclose(bn.running_mean.numpy(), np.mean(means, 0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), np.mean(variances, 0), rtol=1e-12)
    assert int(bn.num_batches_tracked.item()) == 3


def test_batchnorm_eval_uses_running_stats_and_changes_no_buffer():
    bn = nn.BatchNorm1d(3).double()
    bn.running_mean.numpy()[:] = [1.0, -2.0, 0.5]
    bn.running_var.numpy()[:] = [4.0, 0.25, 1.0]
    before = {k: v.numpy().copy() for k, v in bn.state_dict().items()}
    x = np.random.default_rng(2).standard_normal((1, 3))  # a batch of one is fine in eval mode
    y = bn.eval()(mg.tensor(x))
    np.testing.assert_allclose(y.detach().numpy(), (x - [1.0, -2.0, 0.5]) / np.sqrt(np.array([4.0, 0.25, 1.0]) + 1e-5))
    for k, v in bn.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])


def test_batchnorm_untracked_uses_batch_stats_in_eval_too():
    x = mg.randn(5, 3, dtype=mg.float64)
    bn = nn.BatchNorm1d(3, track_running_stats=False).double()
    np.testing.assert_allclose(bn.eval()(x).detach().numpy(), bn.train()(x).detach().numpy(), rtol=0, atol=0)


def test_batchnorm_running_stats_load_from_state_dict():
    src = nn.BatchNorm1d(2)
    src(mg.randn(4, 2))
    dst = nn.BatchNorm1d(2)
    dst.load_state_dict(src.state_dict())
    np.testing.assert_array_equal(dst.running_var.numpy(), src.running_var.numpy())
    assert int(dst.num_batches_tracked.item()) == 1


def test_batchnorm_update_bumps_the_buffers_version():
    bn = nn.BatchNorm1d(2)
    versions = (bn.running_mean._version, bn.running_var._version)
    bn(mg.randn(3, 2))
    assert (bn.running_mean._version, bn.running_var._version) == (versions[0] + 1, versions[1] + 1)


def test_batchnorm_buffers_get_no_gradient():
    bn = nn.BatchNorm1d(2)
    x = mg.randn(4, 2, requires_grad=True)
    bn(x).pow(2).sum().backward()
    assert bn.running_mean.grad is None and bn.weight.grad is not None and x.grad is not None


def test_batchnorm_output_has_zero_mean_unit_variance_per_channel():
    x = mg.tensor(np.random.default_rng(3).standard_normal((8, 4, 5)) * 3 + 2)
    y = nn.BatchNorm1d(4).double()(x).detach().numpy()
    np.testing.assert_allclose(y.mean((0, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var((0, 2)), 1, rtol=1e-4)


def test_layernorm_and_groupnorm_ignore_train_and_eval():
    x = mg.randn(2, 4, 3, dtype=mg.float64)
    for m in (nn.LayerNorm(3).double(), nn.GroupNorm(2, 4).double(), nn.RMSNorm(3).double()):
        np.testing.assert_array_equal(m.train()(x).detach().numpy(), m.eval()(x).detach().numpy())


def test_constant_input_normalises_to_zero():
    x = mg.full((3, 4), 2.5, dtype=mg.float64)
    np.testing.assert_array_equal(F.layer_norm(x, [4]).numpy(), np.zeros((3, 4)))
    np.testing.assert_array_equal(F.batch_norm(x, None, None, training=True).numpy(), np.zeros((3, 4)))


def test_rms_norm_default_eps_is_the_dtypes_epsilon():
    x = mg.tensor([[1e-9, -1e-9]], dtype=mg.float64)
    expected = x.numpy() / np.sqrt(1e-18 + np.finfo(np.float64).eps)
    np.testing.assert_allclose(F.rms_norm(x, [2]).numpy(), expected, rtol=1e-12)
    assert F.rms_norm(x.float(), [2]).dtype == mg.float32


X23 = np.arange(6.0).reshape(2, 3)
X234 = np.arange(24.0).reshape(2, 3, 4)
ERRORS = {
    "bn1d_rank": (lambda L: L.nn.BatchNorm1d(3)(L.t(np.zeros((2, 3, 4, 5)))), "ValueError",
                  "expected 2D or 3D input (got 4D input)"),
    "bn2d_rank": (lambda L: L.nn.BatchNorm2d(3)(L.t(np.zeros((2, 3, 4)))), "ValueError",
                  "expected 4D input (got 3D input)"),
    "bn_batch_of_one": (lambda L: L.nn.BatchNorm1d(3)(L.t(np.zeros((1, 3)))), "ValueError",
                        "Expected more than 1 value per channel when training, got input size minigrad.Size([1, 3])"),
    "bn_channels": (lambda L: L.nn.BatchNorm1d(3)(L.t(np.zeros((2, 4), np.float32))), "RuntimeError",
                    "running_mean should contain 4 elements not 3"),
    "bn_untracked_channels": (lambda L: L.nn.BatchNorm1d(3, track_running_stats=False)(
        L.t(np.zeros((2, 4), np.float32))), "RuntimeError", "weight should contain 4 elements not 3"),
    "bn_mixed_dtype": (lambda L: L.nn.BatchNorm1d(3)(L.t(X23)), "RuntimeError",
                       "mixed dtype (CPU): all inputs must share same datatype."),
    "bn_int": (lambda L: L.nn.BatchNorm1d(3)(L.t(np.ones((2, 3), np.int64))), "NotImplementedError",
               "\"batch_norm\" not implemented for 'Long'"),
    "f_bn_eval_no_stats": (lambda L: L.F.batch_norm(L.t(X23), None, None), "RuntimeError",
                           "running_mean must be defined in evaluation mode"),
    "f_bn_one_stat": (lambda L: L.F.batch_norm(L.t(X23), L.t(np.zeros(3)), None, training=True), "ValueError",
                      "running_mean and running_var must either both be None or neither be None"),
    "f_bn_var_size": (lambda L: L.F.batch_norm(L.t(X23), L.t(np.zeros(3)), L.t(np.ones(4))), "RuntimeError",
                      "running_var should contain 3 elements not 4"),
    "f_bn_bias_size": (lambda L: L.F.batch_norm(L.t(X23), None, None, None, L.t(np.ones(2)), True), "RuntimeError",
                       "bias should contain 3 elements not 2"),
    "f_bn_param_dtype": (lambda L: L.F.batch_norm(L.t(X23.astype(np.float32)), None, None, L.t(np.ones(3)), None,
                                                  True), "RuntimeError",
                         "mixed dtype (CPU): expect parameter to have scalar type of Float"),
    "f_bn_momentum_none": (lambda L: L.F.batch_norm(L.t(X23), L.t(np.zeros(3)), L.t(np.ones(3)), training=True,
                                                    momentum=None), "TypeError",
                           "batch_norm(): argument 'momentum' (position 7) must be float, not NoneType"),
    "f_bn_eps": (lambda L: L.F.batch_norm(L.t(X23), L.t(np.zeros(3)), L.t(np.ones(3)), eps=-1.0), "ValueError",
                 "batch_norm eps must be non-negative, but got -1.0"),
    "ln_shape": (lambda L: L.nn.LayerNorm(5)(L.t(X234.astype(np.float32))), "RuntimeError",
                 "Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 3, 4]"),
    "ln_two_dims": (lambda L: L.F.layer_norm(L.t(X234), [2, 4]), "RuntimeError",
                    "Given normalized_shape=[2, 4], expected input with shape [*, 2, 4], but got input of "
                    "size[2, 3, 4]"),
    "ln_weight": (lambda L: L.F.layer_norm(L.t(X234), [4], L.t(np.ones(3))), "RuntimeError",
                  "Expected weight to be of same shape as normalized_shape, but got weight of shape [3] and "
                  "normalized_shape = [4]"),
    "ln_bias": (lambda L: L.F.layer_norm(L.t(X234), [4], None, L.t(np.ones(3))), "RuntimeError",
                "Expected bias to be of same shape as normalized_shape, but got bias of shape [3] and "
                "normalized_shape = [4]"),
    "ln_empty_shape": (lambda L: L.F.layer_norm(L.t(X234), []), "RuntimeError",
                       "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                       "element, but got normalized_shape = []"),
    "ln_int": (lambda L: L.F.layer_norm(L.t(np.ones((2, 4), np.int64)), [4]), "NotImplementedError",
               "\"LayerNormKernelImpl\" not implemented for 'Long'"),
    "ln_mixed": (lambda L: L.F.layer_norm(L.t(X234), [4], L.t(np.ones(4, np.float32))), "RuntimeError",
                 "mixed dtype (CPU): all inputs must share same datatype."),
    "gn_groups": (lambda L: L.nn.GroupNorm(3, 4), "ValueError", "num_channels (4) must be divisible by num_groups (3)"),
    "gn_zero_groups": (lambda L: L.nn.GroupNorm(0, 4), "ZeroDivisionError", "integer modulo by zero"),
    "gn_channels": (lambda L: L.nn.GroupNorm(2, 4)(L.t(np.zeros((2, 6, 3), np.float32))), "RuntimeError",
                    "Expected weight to be a vector of size equal to the number of channels in input, but got weight "
                    "of shape [4] and input of shape [2, 6, 3]"),
    "gn_bias_no_weight": (lambda L: L.F.group_norm(L.t(np.zeros((2, 6, 3))), 3, None, L.t(np.ones(5))),
                          "RuntimeError", "Expected bias to be a vector of size equal to the number of channels in "
                          "input, but got bias of shape [0] and input of shape [2, 6, 3]"),
    "gn_rank": (lambda L: L.nn.GroupNorm(2, 4)(L.t(np.zeros(4, np.float32))), "RuntimeError",
                "Expected at least 2 dimensions for input tensor but received 1"),
    "gn_divisible": (lambda L: L.F.group_norm(L.t(np.zeros((2, 6, 3))), 4), "RuntimeError",
                     "Expected number of channels in input to be divisible by num_groups, but got input of shape "
                     "[2, 6, 3] and num_groups=4"),
    "gn_one_value": (lambda L: L.F.group_norm(L.t(np.zeros((1, 6))), 6), "ValueError",
                     "Expected more than 1 value per channel when training, got input size [1, 6]"),
    "gn_int": (lambda L: L.F.group_norm(L.t(np.ones((2, 6, 3), np.int64)), 3), "NotImplementedError",
               "\"GroupNormKernelImpl\" not implemented for 'Long'"),
    "rms_shape": (lambda L: L.nn.RMSNorm(5)(L.t(X234.astype(np.float32))), "RuntimeError",
                  "Given normalized_shape=[5], expected input with shape [*5], but got input of size[2, 3, 4]"),
    "rms_weight": (lambda L: L.F.rms_norm(L.t(X234), [4], L.t(np.ones(3))), "RuntimeError",
                   "Expected weight to be of same shape as normalized_shape, but got weight of shape [3] and "
                   "normalized_shape = [4]"),
    "rms_int": (lambda L: L.F.rms_norm(L.t(np.ones((2, 4), np.int64)), [4]), "NotImplementedError",
                "\"rms_norm\" not implemented for 'Long'"),
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
    assert error_of(lambda: call(MG)) == (kind, as_minigrad_text(message))


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1), (2, 4)])
def test_failed_batchnorm_call_changes_no_buffer_parameter_or_gradient(shape):
    bn = nn.BatchNorm1d(3)
    bn(mg.randn(4, 3)).sum().backward()
    before = {k: v.numpy().copy() for k, v in bn.state_dict().items()}
    versions = [b._version for b in bn.buffers()]
    grads = [p.grad.numpy().copy() for p in bn.parameters()]
    with pytest.raises((ValueError, RuntimeError)):
        bn(mg.randn(*shape))
    for k, v in bn.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    assert [b._version for b in bn.buffers()] == versions
    for p, g in zip(bn.parameters(), grads):
        np.testing.assert_array_equal(p.grad.numpy(), g)


def _x(*shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("make,shape", [
    (lambda: nn.BatchNorm1d(3), (4, 3)),
    (lambda: nn.BatchNorm1d(3), (2, 3, 3)),
    (lambda: nn.BatchNorm1d(3, affine=False), (1, 3, 2)),
    (lambda: nn.BatchNorm2d(2), (2, 2, 2, 2)),
    (lambda: nn.BatchNorm1d(3).eval(), (2, 3)),
    (lambda: nn.LayerNorm([2, 3]), (2, 2, 3)),
    (lambda: nn.LayerNorm(3, bias=False), (3,)),
    (lambda: nn.GroupNorm(2, 4), (2, 4, 3)),
    (lambda: nn.GroupNorm(1, 3, affine=False), (2, 3)),
    (lambda: nn.RMSNorm(3), (2, 3)),
    (lambda: nn.RMSNorm([2, 3], eps=1e-3), (2, 2, 3)),
], ids=lambda v: str(v) if isinstance(v, tuple) else "")
def test_gradcheck_modules(make, shape):
    module = make().double()
    for p in module.parameters():  # away from ones and zeros, so every term of the gradient shows
        p.detach().numpy()[...] = np.random.default_rng(7).uniform(0.5, 1.5, p.shape)
    assert module_gradcheck(module, _x(*shape))


def test_gradcheck_functional_batch_norm_with_weight_and_bias_as_inputs():
    args = (_x(3, 2, 2), _x(2, seed=1), _x(2, seed=2))
    assert mg.gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), args)
