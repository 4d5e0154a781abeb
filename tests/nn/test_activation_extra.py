"""LeakyReLU, ELU, GELU, SiLU, Softplus, Hardtanh, ReLU6, PReLU, Softmin, LogSigmoid, Threshold and their
functions: reprs, errors and warnings (stored PyTorch strings and live PyTorch), in-place forms, integer and
non-finite inputs, dtypes, and gradchecks in float64. Values and gradients (ties and thresholds included) against
PyTorch are in test_nn_golden.py (group activation_extra)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, module_gradcheck, torch_namespace, warnings_of

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

REPRS = {
    "LeakyReLU(negative_slope=0.01)": lambda L: L.nn.LeakyReLU(),
    "LeakyReLU(negative_slope=0.2, inplace=True)": lambda L: L.nn.LeakyReLU(0.2, True),
    "ELU(alpha=1.0)": lambda L: L.nn.ELU(),
    "ELU(alpha=0.5, inplace=True)": lambda L: L.nn.ELU(0.5, True),
    "GELU(approximate='none')": lambda L: L.nn.GELU(),
    "GELU(approximate='tanh')": lambda L: L.nn.GELU("tanh"),
    "SiLU()": lambda L: L.nn.SiLU(),
    "SiLU(inplace=True)": lambda L: L.nn.SiLU(True),
    "Softplus(beta=1.0, threshold=20.0)": lambda L: L.nn.Softplus(),
    "Softplus(beta=2, threshold=10)": lambda L: L.nn.Softplus(2, 10),
    "Hardtanh(min_val=-1.0, max_val=1.0)": lambda L: L.nn.Hardtanh(),
    "Hardtanh(min_val=-2, max_val=3, inplace=True)": lambda L: L.nn.Hardtanh(-2, 3, True),
    "ReLU6()": lambda L: L.nn.ReLU6(),
    "ReLU6(inplace=True)": lambda L: L.nn.ReLU6(True),
    "PReLU(num_parameters=1)": lambda L: L.nn.PReLU(),
    "PReLU(num_parameters=3)": lambda L: L.nn.PReLU(3, 0.1),
    "Softmin(dim=None)": lambda L: L.nn.Softmin(),
    "Softmin(dim=1)": lambda L: L.nn.Softmin(1),
    "LogSigmoid()": lambda L: L.nn.LogSigmoid(),
    "Threshold(threshold=0.1, value=20)": lambda L: L.nn.Threshold(0.1, 20),
    "Threshold(threshold=0.1, value=20, inplace=True)": lambda L: L.nn.Threshold(0.1, 20, True),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_and_state_dict_match_torch(text):
    pytest.importorskip("torch")
    mine, theirs = REPRS[text](MG), REPRS[text](torch_namespace())
    assert repr(mine) == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(mine.state_dict()[k].numpy(), v.numpy())


LONG = np.ones((2, 3), np.int64)
ERRORS = {
    "gelu_long": (lambda L: L.F.gelu(L.t(LONG)), "NotImplementedError",
                  "\"GeluKernelImpl\" not implemented for 'Long'"),
    "leaky_long": (lambda L: L.F.leaky_relu(L.t(LONG)), "NotImplementedError",
                   "\"leaky_relu_cpu\" not implemented for 'Long'"),
    "elu_long": (lambda L: L.nn.ELU()(L.t(LONG)), "NotImplementedError", "\"elu_cpu\" not implemented for 'Long'"),
    "silu_long": (lambda L: L.F.silu(L.t(LONG)), "NotImplementedError", "\"silu_cpu\" not implemented for 'Long'"),
    "softplus_long": (lambda L: L.F.softplus(L.t(LONG)), "NotImplementedError",
                      "\"softplus_cpu\" not implemented for 'Long'"),
    "logsigmoid_long": (lambda L: L.F.logsigmoid(L.t(LONG)), "NotImplementedError",
                        "\"log_sigmoid_cpu\" not implemented for 'Long'"),
    "softmin_long": (lambda L: L.F.softmin(L.t(LONG), 1), "NotImplementedError",
                     "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    "gelu_approximate": (lambda L: L.nn.GELU("foo")(L.t(np.ones(2))), "RuntimeError",
                         "approximate argument must be either none or tanh."),
    "hardtanh_order": (lambda L: L.F.hardtanh(L.t(np.ones(2)), 2.0, 1.0), "ValueError",
                       "min_val cannot be greater than max_val"),
    "hardtanh_module_order": (lambda L: L.nn.Hardtanh(2.0, 1.0), "AssertionError",
                              "max_val (1.0) must be greater than min_val (2.0)"),
    "prelu_channels": (lambda L: L.F.prelu(L.t(np.ones((2, 4))), L.t(np.ones(3))), "RuntimeError",
                       "Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel "
                       "size = 4."),
    "prelu_1d": (lambda L: L.nn.PReLU(4)(L.t(np.ones(4, np.float32))), "RuntimeError",
                 "Mismatch of parameter numbers and input channel size. Found parameter numbers = 4 and channel size "
                 "= 1."),
    "prelu_weight_rank": (lambda L: L.F.prelu(L.t(np.ones((2, 4))), L.t(np.ones((2, 2)))), "RuntimeError",
                          "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2"),
    "prelu_dtype": (lambda L: L.nn.PReLU(4)(L.t(np.ones((2, 4)))), "RuntimeError",
                    "prelu: Type promoting not supported. Got Double and Float"),
    "prelu_long": (lambda L: L.nn.PReLU()(L.t(LONG)), "RuntimeError",
                   "prelu: Type promoting not supported. Got Long and Float"),
    "elu_inplace_leaf": (lambda L: L.F.elu(L.t(np.ones(2), requires_grad=True), inplace=True), "RuntimeError",
                         "a leaf Variable that requires grad is being used in an in-place operation."),
    "hardtanh_inplace_leaf": (lambda L: L.nn.ReLU6(True)(L.t(np.ones(2), requires_grad=True)), "RuntimeError",
                              "a leaf Variable that requires grad is being used in an in-place operation."),
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


def test_hardtanh_deprecated_keywords_warn_as_torch():
    torch = pytest.importorskip("torch")
    for kw in ({"min_value": -2.0}, {"max_value": 3.0}):
        mine = warnings_of(lambda kw=kw: nn.Hardtanh(**kw))
        assert mine == warnings_of(lambda kw=kw: torch.nn.Hardtanh(**kw)) and len(mine) == 1
        with pytest.warns(FutureWarning):
            assert repr(nn.Hardtanh(**kw)) == repr(torch.nn.Hardtanh(**kw))


def test_softmin_implicit_dim_warns_as_torch():
    torch = pytest.importorskip("torch")
    x = np.zeros((2, 3), np.float32)
    mine = warnings_of(lambda: F.softmin(mg.tensor(x)))
    assert mine == warnings_of(lambda: torch.nn.functional.softmin(torch.tensor(x)))
    assert mine == ["Implicit dimension choice for softmin has been deprecated. Change the call to include dim=X as "
                    "an argument."]


@pytest.mark.parametrize("fn", [lambda L, x: L.F.hardtanh(x, -1, 2), lambda L, x: L.F.relu6(x),
                                lambda L, x: L.F.threshold(x, 1, 7)])
def test_integer_inputs_stay_integer_as_torch(fn):
    x = np.array([[-3, 0, 1, 2, 9]], np.int64)
    mine = fn(MG, MG.t(x))
    assert mine.dtype == mg.int64
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(mine.numpy(), fn(torch_namespace(), torch.tensor(x)).numpy())


@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply")  # silu(-inf) = -inf * 0 = nan
def test_non_finite_inputs_as_torch():
    x = np.array([-np.inf, np.inf, 0.0, -1.0])
    cases = {"elu": lambda L, t: L.F.elu(t, 0.5), "softplus": lambda L, t: L.F.softplus(t),
             "logsigmoid": lambda L, t: L.F.logsigmoid(t), "silu": lambda L, t: L.F.silu(t),
             "leaky": lambda L, t: L.F.leaky_relu(t), "hardtanh": lambda L, t: L.F.hardtanh(t)}
    expected = {"elu": [-0.5, np.inf, 0.0, 0.5 * np.expm1(-1)],
                "softplus": [0.0, np.inf, np.log(2), np.log1p(np.exp(-1))],
                "logsigmoid": [-np.inf, 0.0, -np.log(2), -np.log1p(np.e)], "leaky": [-np.inf, np.inf, 0.0, -0.01],
                "hardtanh": [-1.0, 1.0, 0.0, -1.0]}
    for name, fn in cases.items():
        got = fn(MG, mg.tensor(x)).numpy()
        if name in expected:
            np.testing.assert_allclose(got, expected[name], rtol=1e-15)
        torch = pytest.importorskip("torch")
        np.testing.assert_array_equal(got, fn(torch_namespace(), torch.tensor(x)).numpy(), err_msg=name)


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "silu", "hardtanh", "relu6", "threshold"])
def test_inplace_writes_into_a_non_leaf_and_backpropagates(name):
    calls = {"leaky_relu": lambda t: F.leaky_relu(t, 0.1, inplace=True), "elu": lambda t: F.elu(t, inplace=True),
             "silu": lambda t: F.silu(t, inplace=True), "hardtanh": lambda t: F.hardtanh(t, inplace=True),
             "relu6": lambda t: F.relu6(t, inplace=True), "threshold": lambda t: F.threshold(t, 0.2, 3.0, True)}
    plain = {"leaky_relu": lambda t: F.leaky_relu(t, 0.1), "elu": F.elu, "silu": F.silu, "hardtanh": F.hardtanh,
             "relu6": F.relu6, "threshold": lambda t: F.threshold(t, 0.2, 3.0)}
    data = np.random.default_rng(0).standard_normal((3, 4)) * 3
    x1 = mg.tensor(data, requires_grad=True)
    h = x1 * 1.0
    out = calls[name](h)
    assert out is h and h._version == 1
    x2 = mg.tensor(data, requires_grad=True)
    ref = plain[name](x2 * 1.0)
    np.testing.assert_array_equal(h.detach().numpy(), ref.detach().numpy())
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_array_equal(x1.grad.numpy(), x2.grad.numpy())
    # without grad the values are written too, and the version moves on
    y = mg.tensor(data)
    assert calls[name](y) is y and y._version == 1
    np.testing.assert_array_equal(y.numpy(), ref.detach().numpy())


def test_float32_stays_float32():
    x = mg.randn(3, 4)
    for fn in (F.gelu, F.elu, F.silu, F.softplus, F.logsigmoid, F.leaky_relu, F.hardtanh, F.relu6,
               lambda t: F.gelu(t, approximate="tanh"), lambda t: F.softmin(t, 1),
               lambda t: F.threshold(t, 0.0, 1.0), lambda t: F.prelu(t, mg.tensor([0.25]))):
        assert fn(x).dtype == mg.float32


def test_prelu_learns_one_slope_per_channel():
    m = nn.PReLU(2)
    x = mg.tensor([[-1.0, -2.0], [3.0, -4.0]])
    m(x).sum().backward()
    np.testing.assert_array_equal(m.weight.grad.numpy(), [-1.0, -6.0])  # sum of the non-positive inputs per channel


def _smooth(seed: int, shape=(3, 4)):
    # away from the kinks at 0, 1 and 6, where finite differences straddle two pieces
    x = np.random.default_rng(seed).standard_normal(shape) * 2
    x[np.abs(x) < 0.05] += 0.2
    return mg.tensor(x, requires_grad=True)


@pytest.mark.parametrize("fn", [
    F.leaky_relu, lambda t: F.elu(t, 0.7), F.gelu, lambda t: F.gelu(t, approximate="tanh"), F.silu,
    F.softplus, lambda t: F.softplus(t, 2.0, 1.0), F.logsigmoid, lambda t: F.hardtanh(t, -1.5, 1.5), F.relu6,
    lambda t: F.threshold(t, 0.5, -1.0), lambda t: F.softmin(t, 1), lambda t: F.softmin(t, 0),
], ids=lambda f: getattr(f, "__name__", "lambda"))
def test_gradcheck_functions(fn):
    assert mg.gradcheck(fn, (_smooth(1),))


def test_gradcheck_prelu_input_and_weight():
    w = mg.tensor([0.2, -0.3, 0.5], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(F.prelu, (_smooth(2, (2, 3, 2)), w))


@pytest.mark.parametrize("module", [nn.PReLU(3), nn.ELU(0.3), nn.Softplus(0.5), nn.GELU(), nn.SiLU(), nn.LogSigmoid()],
                         ids=repr)
def test_gradcheck_modules(module):
    assert module_gradcheck(module.double(), _smooth(3, (2, 3)))
