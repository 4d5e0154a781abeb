"""``nn.init``: fan rules and gains (stored values and live PyTorch), the sampled distributions (bounds, standard
deviations and shapes against PyTorch's formulas, on samples large enough to be stable), in-place semantics, and
errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_test_utils import MG, error_of, torch_namespace, warnings_of

import minigrad as mg
from minigrad import nn
from minigrad.nn import init

SHAPE = (300, 400)  # fan_in 400, fan_out 300: 120,000 samples
FAN_IN, FAN_OUT = 400, 300


def ks_statistic(sample: np.ndarray, cdf) -> float:
    """Kolmogorov-Smirnov distance between the sample's empirical CDF and ``cdf``."""
    x = np.sort(sample.reshape(-1).astype(np.float64))
    n = x.size
    f = cdf(x)
    return float(max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n)))


def uniform_cdf(lo: float, hi: float):
    return lambda x: np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def normal_cdf(std: float):
    erf = np.vectorize(math.erf)
    return lambda x: 0.5 * (1.0 + erf(x / (std * math.sqrt(2.0))))


# At n = 120,000 a correct sampler gives a KS distance near 0.003; 0.01 is far out in the tail (p < 1e-9), while
# a wrong scale (fan_out for fan_in: a factor 1.15 on the bound) gives about 0.07.
KS_LIMIT = 0.01


def assert_uniform(w: np.ndarray, bound: float) -> None:
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.999 * bound  # 120,000 draws reach the edge
    assert ks_statistic(w, uniform_cdf(-bound, bound)) < KS_LIMIT


def assert_normal(w: np.ndarray, std: float) -> None:
    assert abs(w.std() / std - 1) < 0.02
    assert abs(w.mean()) < 0.02 * std
    assert ks_statistic(w, normal_cdf(std)) < KS_LIMIT


@pytest.fixture(autouse=True)
def seeded():
    mg.manual_seed(1234)


# ---- gains and fans --------------------------------------------------------------------------------------
GAINS = {
    ("linear", None): 1, ("conv2d", None): 1, ("sigmoid", None): 1, ("tanh", None): 5 / 3,
    ("relu", None): math.sqrt(2), ("leaky_relu", None): math.sqrt(2 / (1 + 0.01**2)),
    ("leaky_relu", 0.2): math.sqrt(2 / 1.04), ("leaky_relu", 1): 1.0, ("selu", None): 0.75,
}


@pytest.mark.parametrize("nonlinearity,param", list(GAINS))
def test_calculate_gain_table(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(GAINS[(nonlinearity, param)], rel=1e-15)


@pytest.mark.parametrize("nonlinearity,param", list(GAINS))
def test_calculate_gain_matches_torch(nonlinearity, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


FANS = {(3, 4): (4, 3), (3, 4, 5): (20, 15), (2, 3, 4, 5): (60, 40), (3, 0): (0, 3)}


@pytest.mark.parametrize("shape", list(FANS))
def test_fan_in_and_fan_out(shape):
    assert init._calculate_fan_in_and_fan_out(mg.zeros(*shape)) == FANS[shape]


@pytest.mark.parametrize("shape", list(FANS))
def test_fans_match_torch(shape):
    torch = pytest.importorskip("torch")
    assert init._calculate_fan_in_and_fan_out(mg.zeros(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))


# ---- errors and warnings ---------------------------------------------------------------------------------
ERRORS = {
    "fan_1d": (lambda L: L.nn.init.xavier_uniform_(L.t(np.zeros(3))), "ValueError",
               "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"),
    "kaiming_1d": (lambda L: L.nn.init.kaiming_normal_(L.t(np.zeros(3))), "ValueError",
                   "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"),
    "bad_mode": (lambda L: L.nn.init.kaiming_uniform_(L.t(np.zeros((3, 4))), mode="fan_avg"), "ValueError",
                 "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']"),
    "bad_nonlinearity": (lambda L: L.nn.init.calculate_gain("gelu"), "ValueError", "Unsupported nonlinearity gelu"),
    "bad_slope": (lambda L: L.nn.init.calculate_gain("leaky_relu", "a"), "ValueError",
                  "negative_slope a not a valid number"),
    "bool_slope": (lambda L: L.nn.init.calculate_gain("leaky_relu", True), "ValueError",
                   "negative_slope True not a valid number"),
    "uniform_reversed": (lambda L: L.nn.init.uniform_(L.t(np.zeros(2)), 1.5, 0.0), "RuntimeError",
                         "uniform_ expects to return a [from, to) range, but found from=1.5 > to=0"),
    "normal_negative_std": (lambda L: L.nn.init.normal_(L.t(np.zeros(2)), 0.0, -1.0), "RuntimeError",
                            "normal expects std >= 0.0, but found std -1"),
    "uniform_int": (lambda L: L.nn.init.uniform_(L.t(np.zeros(2, dtype=np.int64))), "NotImplementedError",
                    "\"check_uniform_bounds\" not implemented for 'Long'"),
    "normal_int": (lambda L: L.nn.init.normal_(L.t(np.zeros(2, dtype=np.int64))), "NotImplementedError",
                   "\"normal_kernel_cpu\" not implemented for 'Long'"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    assert error_of(lambda: call(MG)) == error_of(lambda: call(torch_namespace()))


@pytest.mark.parametrize("fn", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_on_zero_elements_warns_and_changes_nothing(fn):
    t = mg.zeros(0, 3)
    messages = warnings_of(lambda: getattr(init, fn)(t))
    assert messages == ["Initializing zero-element tensors is a no-op"]
    assert t._version == 0


def test_zero_element_warning_matches_torch():
    torch = pytest.importorskip("torch")
    assert warnings_of(lambda: init.kaiming_uniform_(mg.zeros(0, 3))) == \
        warnings_of(lambda: torch.nn.init.kaiming_uniform_(torch.zeros(0, 3)))


# ---- distributions ---------------------------------------------------------------------------------------
def test_uniform_bounds_and_shape():
    w = init.uniform_(mg.zeros(*SHAPE), -0.5, 2.0).numpy()
    assert w.min() >= -0.5 and w.max() < 2.0
    assert ks_statistic(w, uniform_cdf(-0.5, 2.0)) < KS_LIMIT


def test_normal_mean_and_std():
    w = init.normal_(mg.zeros(*SHAPE, dtype=mg.float64), mean=3.0, std=0.5).numpy()
    assert abs(w.mean() - 3.0) < 0.01
    assert_normal(w - 3.0, 0.5)


def test_constant_zeros_ones():
    t = mg.zeros(3, 4)
    assert np.all(init.constant_(t, 2.5).numpy() == 2.5)
    assert np.all(init.ones_(t).numpy() == 1)
    assert np.all(init.zeros_(t).numpy() == 0)


@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier_uniform_bound(gain):
    w = init.xavier_uniform_(mg.zeros(*SHAPE), gain=gain).numpy()
    assert_uniform(w, gain * math.sqrt(6.0 / (FAN_IN + FAN_OUT)))


def test_xavier_normal_std():
    w = init.xavier_normal_(mg.zeros(*SHAPE), gain=2.0).numpy()
    assert_normal(w, 2.0 * math.sqrt(2.0 / (FAN_IN + FAN_OUT)))


@pytest.mark.parametrize("mode,fan", [("fan_in", FAN_IN), ("fan_out", FAN_OUT)])
@pytest.mark.parametrize("nonlinearity,a", [("leaky_relu", 0.0), ("leaky_relu", math.sqrt(5)), ("relu", 0.0),
                                            ("tanh", 0.0)])
def test_kaiming_uniform_bound(mode, fan, nonlinearity, a):
    w = init.kaiming_uniform_(mg.zeros(*SHAPE), a=a, mode=mode, nonlinearity=nonlinearity).numpy()
    gain = math.sqrt(2 / (1 + a * a)) if nonlinearity == "leaky_relu" else GAINS[(nonlinearity, None)]
    assert_uniform(w, math.sqrt(3.0) * gain / math.sqrt(fan))


@pytest.mark.parametrize("mode,fan", [("fan_in", FAN_IN), ("fan_out", FAN_OUT)])
def test_kaiming_normal_std(mode, fan):
    w = init.kaiming_normal_(mg.zeros(*SHAPE), mode=mode, nonlinearity="relu").numpy()
    assert_normal(w, math.sqrt(2.0) / math.sqrt(fan))


def test_kaiming_uses_receptive_field_for_fans():
    w = init.kaiming_uniform_(mg.zeros(60, 50, 2, 2), nonlinearity="relu").numpy()  # fan_in = 50 * 4
    assert_uniform(w, math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(200))


def test_linear_default_init_bounds_are_one_over_sqrt_fan_in():
    layer = nn.Linear(FAN_IN, FAN_OUT)
    assert_uniform(layer.weight.detach().numpy(), 1 / math.sqrt(FAN_IN))
    bias = np.concatenate([nn.Linear(FAN_IN, FAN_OUT).bias.detach().numpy() for _ in range(200)])
    assert_uniform(bias, 1 / math.sqrt(FAN_IN))


def test_embedding_default_init_is_standard_normal():
    assert_normal(nn.Embedding(1000, 120).weight.detach().numpy(), 1.0)


INIT_CALLS = {
    "xavier_uniform_": lambda I, t: I.xavier_uniform_(t),
    "xavier_normal_": lambda I, t: I.xavier_normal_(t),
    "kaiming_uniform_": lambda I, t: I.kaiming_uniform_(t, a=math.sqrt(5)),
    "kaiming_normal_fan_out": lambda I, t: I.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
}


@pytest.mark.parametrize("name", list(INIT_CALLS))
def test_distributions_match_torch_statistics(name):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    ours = INIT_CALLS[name](init, mg.zeros(*SHAPE)).numpy()
    theirs = INIT_CALLS[name](torch.nn.init, torch.zeros(*SHAPE)).numpy()
    assert abs(ours.std() / theirs.std() - 1) < 0.02
    assert abs(np.abs(ours).max() / np.abs(theirs).max() - 1) < (0.002 if "uniform" in name else 0.25)


def test_linear_init_matches_torch_statistics():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    ours = [nn.Linear(FAN_IN, FAN_OUT) for _ in range(50)]  # 50 x 300 bias samples for a stable std
    theirs = [torch.nn.Linear(FAN_IN, FAN_OUT) for _ in range(50)]
    for name in ("weight", "bias"):
        a = np.concatenate([getattr(m, name).detach().numpy().reshape(-1) for m in ours])
        b = np.concatenate([getattr(m, name).detach().numpy().reshape(-1) for m in theirs])
        assert abs(np.abs(a).max() / np.abs(b).max() - 1) < 0.01
        assert abs(a.std() / b.std() - 1) < 0.05


# ---- in-place semantics ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fill", [
    lambda t: init.uniform_(t), lambda t: init.normal_(t), lambda t: init.constant_(t, 0.3), lambda t: init.zeros_(t),
    lambda t: init.ones_(t), lambda t: init.xavier_uniform_(t), lambda t: init.xavier_normal_(t),
    lambda t: init.kaiming_uniform_(t), lambda t: init.kaiming_normal_(t),
])
def test_fills_parameter_in_place_without_recording(fill):
    p = nn.Parameter(mg.zeros(4, 3))
    array = p.detach().numpy()
    assert fill(p) is p
    assert p.detach().numpy() is array  # same array, written in place
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    assert p._version == 1
    assert p.detach().numpy().dtype == np.float32


def test_float64_tensor_keeps_dtype():
    t = mg.zeros(5, 5, dtype=mg.float64)
    init.kaiming_uniform_(t)
    assert t.numpy().dtype == np.float64


def test_manual_seed_makes_init_reproducible():
    mg.manual_seed(7)
    a = nn.Linear(6, 4)
    mg.manual_seed(7)
    b = nn.Linear(6, 4)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    np.testing.assert_array_equal(a.bias.detach().numpy(), b.bias.detach().numpy())
    assert not np.array_equal(a.weight.detach().numpy(), nn.Linear(6, 4).weight.detach().numpy())


def test_explicit_generator_is_used():
    a = init.normal_(mg.zeros(3, 3), generator=np.random.default_rng(5)).numpy()
    b = init.normal_(mg.zeros(3, 3), generator=np.random.default_rng(5)).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a, np.random.default_rng(5).normal(0.0, 1.0, (3, 3)).astype(np.float32))
