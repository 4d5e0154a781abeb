"""Values and gradients at special points (0, -0, +-inf, nan, large), under special upstream gradients (0, inf,
nan), against PyTorch live: drawn at random, one small vector per draw, each function differentiated with a
cotangent that holds those values. Gradients here are where a formula written out of smaller ops turns 0 * inf into
nan, or a mask misses a nan; PyTorch's single-node formulas are the reference.

Left out, each documented in docs/differences.md: a power (or square root) of -0.0, whose infinite slope may take
the other sign; float32 gelu of +inf (PyTorch's vectorised kernel gives nan); ties between 0.0 and -0.0 in topk and
sort; a nan upstream gradient into a zero 2-norm or cosine similarity, and the variance of one nan.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg

VALUES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 30.0, -30.0, float("inf"), float("-inf"), float("nan")]
COTANGENTS = [1.0, 0.0, -2.0, float("inf"), float("nan")]


def F(lib):
    return lib.nn.functional


FUNCTIONS = {
    "abs": lambda L, x: x.abs(), "exp": lambda L, x: x.exp(), "log": lambda L, x: x.log(),
    "sqrt": lambda L, x: x.sqrt(), "rsqrt": lambda L, x: x.rsqrt(), "sigmoid": lambda L, x: x.sigmoid(),
    "tanh": lambda L, x: x.tanh(), "relu": lambda L, x: x.relu(), "sin": lambda L, x: x.sin(),
    "log1p": lambda L, x: x.log1p(), "expm1": lambda L, x: x.expm1(), "reciprocal": lambda L, x: x.reciprocal(),
    "square": lambda L, x: x.square(), "cube": lambda L, x: x ** 3, "pow0": lambda L, x: x ** 0,
    "rpow": lambda L, x: 2 ** x, "atan": lambda L, x: x.atan(), "asin": lambda L, x: x.asin(),
    "sinh": lambda L, x: x.sinh(), "cosh": lambda L, x: x.cosh(), "erf": lambda L, x: x.erf(),
    "log2": lambda L, x: x.log2(), "sign": lambda L, x: x.sign(), "clamp": lambda L, x: x.clamp(-1, 1),
    "clamp_min": lambda L, x: x.clamp(min=0.5), "frac": lambda L, x: x.frac(), "erfinv": lambda L, x: x.erfinv(),
    "acosh": lambda L, x: x.acosh(), "atanh": lambda L, x: x.atanh(), "xlogy_self": lambda L, x: x.xlogy(x),
    "silu": lambda L, x: F(L).silu(x), "gelu_tanh": lambda L, x: F(L).gelu(x, approximate="tanh"),
    "elu": lambda L, x: F(L).elu(x), "leaky_relu": lambda L, x: F(L).leaky_relu(x, 0.1),
    "softplus": lambda L, x: F(L).softplus(x), "logsigmoid": lambda L, x: F(L).logsigmoid(x),
    "hardtanh": lambda L, x: F(L).hardtanh(x), "relu6": lambda L, x: F(L).relu6(x),
    "threshold": lambda L, x: F(L).threshold(x, 0.5, -1.0),
    "max": lambda L, x: x.max(), "min": lambda L, x: x.min(), "max_dim": lambda L, x: x.max(0)[0],
    "norm3": lambda L, x: x.norm(3), "norm_inf": lambda L, x: x.norm(float("inf")),
    "norm_minus_inf": lambda L, x: x.norm(float("-inf")), "norm1": lambda L, x: x.norm(1),
    "std": lambda L, x: x.std(), "prod": lambda L, x: x.prod(), "cumprod": lambda L, x: x.cumprod(0),
    "logsumexp": lambda L, x: x.logsumexp(0), "softmax": lambda L, x: x.softmax(0),
    "log_softmax": lambda L, x: x.log_softmax(0), "cumsum": lambda L, x: x.cumsum(0), "mean": lambda L, x: x.mean(),
    "sort": lambda L, x: x.sort()[0], "normalize": lambda L, x: F(L).normalize(x, dim=0),
    "layer_norm": lambda L, x: F(L).layer_norm(x, (x.shape[0],)),
    "bce_with_logits": lambda L, x: F(L).binary_cross_entropy_with_logits(x, x.detach() * 0 + 1, reduction="none"),
    "mse": lambda L, x: F(L).mse_loss(x, x.detach() * 0, reduction="none"),
    "l1": lambda L, x: F(L).l1_loss(x, x.detach() * 0, reduction="none"),
    "smooth_l1": lambda L, x: F(L).smooth_l1_loss(x, x.detach() * 0 + 0.5, reduction="none"),
    "huber": lambda L, x: F(L).huber_loss(x, x.detach() * 0 - 0.5, reduction="sum", delta=2.0),
    "kl_div": lambda L, x: F(L).kl_div(x, x.detach() * 0 + 0.5, reduction="none"),
    "maximum": lambda L, x: L.maximum(x, x.detach() * 0), "minimum": lambda L, x: L.minimum(x, x.detach() * 0 + 1),
    "where": lambda L, x: L.where(x > 0, x, x * 2), "atan2": lambda L, x: L.atan2(x, x.detach() * 0 + 1),
    "remainder": lambda L, x: x.remainder(1.5), "fmod": lambda L, x: x.fmod(1.5),
    "lerp": lambda L, x: x.lerp(x.detach() * 0 + 1, 0.5),
    "cdist": lambda L, x: L.cdist(x.reshape(-1, 1), x.detach().reshape(-1, 1) * 0),
}


def _run(lib, fn, values, cotangent, dtype):
    x = lib.tensor(values.astype(dtype), requires_grad=True)
    try:
        with warnings.catch_warnings():  # std of one element warns in both (tested in tests/fuzz)
            warnings.simplefilter("ignore", UserWarning)
            y = fn(lib, x)
        (y * lib.tensor(np.resize(cotangent, tuple(y.shape)).astype(dtype))).sum().backward()
    except Exception as err:  # the same failure in both is agreement
        return type(err).__name__
    return y.detach().numpy(), None if x.grad is None else x.grad.numpy()


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_values_and_gradients_at_special_points_match_live_pytorch(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(map(ord, name)))
    for _ in range(60):
        n = int(rng.integers(1, 5))
        values, cotangent = rng.choice(VALUES, size=n), rng.choice(COTANGENTS, size=n)
        dtype = "float64" if rng.random() < 0.7 else "float32"
        got = _run(mg, FUNCTIONS[name], values, cotangent, dtype)
        want = _run(torch, FUNCTIONS[name], values, cotangent, dtype)
        case = f"{name}: x={values.tolist()} cotangent={cotangent.tolist()} {dtype}"
        if isinstance(want, str) or isinstance(got, str):
            assert got == want, case
            continue
        np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-6, err_msg=case)
        assert (got[1] is None) == (want[1] is None), case
        if want[1] is not None:
            np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6, err_msg=case)
