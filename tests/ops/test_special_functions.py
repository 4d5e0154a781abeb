"""erf, log1p, the inverse and hyperbolic trigonometric functions, rounding and remainders: values against
``math``/numpy, special points (0, +-1, +-inf, nan), integer and bool inputs, and the same against PyTorch live.
The op table (tests/golden/ops_cases.py) checks their values, gradients and node names on ordinary inputs."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

UNARY = ["erf", "erfc", "erfinv", "log1p", "expm1", "log2", "log10", "exp2", "tan", "asin", "acos", "atan", "sinh",
         "cosh", "asinh", "acosh", "atanh", "floor", "ceil", "trunc", "round", "frac"]
SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-10, 30.0, -30.0, np.inf, -np.inf, np.nan])


def test_erf_and_erfc_equal_math_to_the_last_bit():
    x = np.linspace(-7, 7, 2001)
    np.testing.assert_array_equal(mg.tensor(x).erf().numpy(), [math.erf(v) for v in x])
    np.testing.assert_array_equal(mg.erfc(mg.tensor(x)).numpy(), [math.erfc(v) for v in x])


def test_erfinv_inverts_erf():
    x = np.linspace(-0.999, 0.999, 1001)
    y = mg.tensor(x).erfinv()
    np.testing.assert_allclose(y.erf().numpy(), x, rtol=0, atol=4e-16)
    np.testing.assert_array_equal(mg.tensor([1.0, -1.0, 1.5, -2.0]).erfinv().numpy(), [np.inf, -np.inf, np.nan, np.nan])


def test_log1p_and_expm1_keep_small_arguments_exact():
    x = mg.tensor([1e-20, -1e-18], dtype=mg.float64)
    np.testing.assert_array_equal(x.log1p().numpy(), [1e-20, -1e-18])
    np.testing.assert_array_equal(x.expm1().numpy(), [1e-20, -1e-18])


def test_rounding_keeps_integers_and_refuses_frac_of_integers():
    x = mg.tensor([3, -4], dtype=mg.int32)
    for name in ("floor", "ceil", "trunc", "round"):
        out = getattr(x, name)()
        assert out.dtype == mg.int32 and out.tolist() == [3, -4]
        assert out.numpy() is not x.numpy()
    with pytest.raises(NotImplementedError, match="\"frac_cpu\" not implemented for 'Int'"):
        x.frac()


def test_round_halves_to_even_and_rounds_to_decimals():
    assert mg.tensor([0.5, 1.5, 2.5, -0.5]).round().tolist() == [0.0, 2.0, 2.0, -0.0]
    np.testing.assert_array_equal(mg.tensor([1.25, 0.125], dtype=mg.float64).round(decimals=2).numpy(), [1.25, 0.12])
    np.testing.assert_array_equal(mg.round(mg.tensor([1234.5, 1250.0]), decimals=-2).numpy(), [1200.0, 1200.0])


def test_remainder_takes_the_divisors_sign_and_fmod_the_dividends():
    a, b = mg.tensor([5, -5, 5, -5]), mg.tensor([3, 3, -3, -3])
    assert a.remainder(b).tolist() == [2, 1, -1, -2] == [p % q for p, q in zip(a.tolist(), b.tolist())]
    assert a.fmod(b).tolist() == [math.fmod(p, q) for p, q in zip(a.tolist(), b.tolist())]
    assert (a % 3).dtype == mg.int64 and (a % 2.5).dtype == mg.float32


def test_xlogy_is_zero_where_x_is_zero_and_its_x_gradient_is_log_y_unless_y_is_not_positive():
    # PyTorch 2.13's values: d/dx at x == 0 is ln(y) for y > 0, and 0 for y <= 0
    x = mg.tensor([0.0, 0.0, 2.0, 0.0], dtype=mg.float64, requires_grad=True)
    y = mg.tensor([0.0, 3.0, 3.0, np.nan], dtype=mg.float64, requires_grad=True)
    out = x.xlogy(y)
    np.testing.assert_array_equal(out.detach().numpy(), [0.0, 0.0, 2 * math.log(3.0), np.nan])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, math.log(3.0), math.log(3.0), np.nan])
    np.testing.assert_array_equal(y.grad.numpy(), [np.nan, 0.0, 2 / 3, np.nan])


@pytest.mark.parametrize("fn, name, slope", [
    (F.gelu, "GeluBackward0", lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2))) + x * math.exp(-x * x / 2)
     / math.sqrt(2 * math.pi)),
    (lambda t: F.gelu(t, approximate="tanh"), "GeluBackward0", None),
    (F.silu, "SiluBackward0", lambda x: (1 / (1 + math.exp(-x))) * (1 + x * (1 - 1 / (1 + math.exp(-x))))),
    (F.elu, "EluBackward0", lambda x: 1.0 if x > 0 else math.exp(x)),
    (F.logsigmoid, "LogSigmoidBackward0", lambda x: 1 / (1 + math.exp(x))),
    (F.softplus, "SoftplusBackward0", lambda x: 1 / (1 + math.exp(-x))),
])
def test_smooth_activations_are_one_node_whose_gradient_stays_finite_under_an_infinite_one(fn, name, slope):
    # as PyTorch's: composed of smaller ops, the branch or factor not taken would turn 0 * inf into nan
    x = mg.tensor([-30.0, -1.0, 0.0, 0.5], dtype=mg.float64, requires_grad=True)
    y = fn(x)
    assert y.grad_fn.name() == name
    y.backward(mg.tensor([1.0, 1.0, float("inf"), 1.0], dtype=mg.float64))
    g = x.grad.numpy()
    assert g[2] in (float("inf"), float("-inf"))  # the slope at 0 is nonzero for each of them
    if slope is not None:
        np.testing.assert_allclose(g[[0, 1, 3]], [slope(v) for v in (-30.0, -1.0, 0.5)], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("fn", [F.gelu, F.softplus, F.logsigmoid, F.elu, lambda t: F.softplus(t, beta=2.0)])
def test_activation_gradients_pass_gradcheck(fn):
    x = mg.tensor(np.random.default_rng(0).standard_normal((3, 4)) * 3, requires_grad=True)
    assert mg.gradcheck(fn, (x,))


# ---- against PyTorch, live ------------------------------------------------------------------------------------
def _same(a, b):
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    # float32: PyTorch's vectorised kernels and numpy's may differ by an ulp or two
    rtol = 1e-15 if a.detach().numpy().dtype == np.float64 else 2.5e-7
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", UNARY)
def test_special_points_match_pytorch(name):
    torch = pytest.importorskip("torch")
    with np.errstate(all="ignore"):
        _same(getattr(mg.tensor(SPECIAL), name)(), getattr(torch.tensor(SPECIAL), name)())


@pytest.mark.parametrize("name", [n for n in UNARY if n != "frac"])
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
def test_integer_and_bool_inputs_match_pytorch(name, dtype):
    torch = pytest.importorskip("torch")
    data = [True, False] if dtype == "bool" else [0, 1, -1, 3]
    args = (getattr(mg, dtype),), (getattr(torch, dtype),)
    try:
        want = getattr(torch.tensor(data, dtype=args[1][0]), name)()
    except NotImplementedError as err:
        with pytest.raises(NotImplementedError, match=f"^{re.escape(str(err))}$"):
            getattr(mg.tensor(data, dtype=args[0][0]), name)()
        return
    with np.errstate(all="ignore"):
        _same(getattr(mg.tensor(data, dtype=args[0][0]), name)(), want)


@pytest.mark.parametrize("name", ["atan2", "hypot", "remainder", "fmod", "xlogy"])
@pytest.mark.parametrize("other", ["tensor", 2, -1.5, 0.0])
def test_binary_functions_with_special_operands_match_pytorch(name, other):
    torch = pytest.importorskip("torch")
    a = np.array([0.0, -0.0, 1.0, -3.5, np.inf, -np.inf, np.nan, 7.25])
    b = np.array([0.0, 1.0, -0.0, 2.0, 3.0, np.inf, 1.0, -np.inf])
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    o, to = (mg.tensor(b), torch.tensor(b)) if other == "tensor" else (other, other)
    if name in ("atan2", "hypot") and other != "tensor":
        with pytest.raises(TypeError) as err:
            getattr(tx, name)(to)
        with pytest.raises(TypeError, match=f"^{re.escape(str(err.value))}$"):
            getattr(x, name)(o)
        return
    with np.errstate(all="ignore"):
        got, want = getattr(x, name)(o), getattr(tx, name)(to)
        _same(got, want)
        assert got.grad_fn.name() == want.grad_fn.name()
        got.sum().backward()
        want.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-15, equal_nan=True)


@pytest.mark.parametrize("name", ["remainder", "fmod", "atan2", "xlogy"])
def test_integer_binary_functions_match_pytorch(name):
    torch = pytest.importorskip("torch")
    a, b = [7, -7, 7, -7, 0], [3, 3, -3, -3, 5]
    for other in (b, 2, 2.5) if name not in ("atan2", "hypot") else (b,):
        mo, to = (mg.tensor(other), torch.tensor(other)) if isinstance(other, list) else (other, other)
        _same(getattr(mg.tensor(a), name)(mo), getattr(torch.tensor(a), name)(to))


def test_float32_erf_gelu_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal(1000).astype(np.float32) * 4
    np.testing.assert_allclose(mg.tensor(x).erf().numpy(), torch.tensor(x).erf().numpy(), rtol=0, atol=1.2e-7)
    # For x << 0, 1 + erf(x) cancels: an ulp of float32 erf (PyTorch's differs from the rounded exact one)
    # becomes an absolute error of about |x| * 1e-7 in gelu.
    np.testing.assert_allclose(F.gelu(mg.tensor(x)).numpy(), torch.nn.functional.gelu(torch.tensor(x)).numpy(),
                               rtol=2.5e-7, atol=1e-6)
