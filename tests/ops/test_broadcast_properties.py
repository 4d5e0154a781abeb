"""Hypothesis properties: broadcasting against numpy's shapes and PyTorch's error rule; random expressions'
gradients against finite differences."""

import numpy as np
import pytest
from gradtools import assert_vjp_matches_finite_differences
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import minigrad as mg

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BINARY_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "maximum": lambda a, b: mg.maximum(a, b),
    "where": lambda a, b: mg.where(a > 0, a, b),
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
}

pairs = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=4)
any_shape = array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4)


def pytorch_broadcast_error(sa, sb):
    """PyTorch's rule, written out: align the shapes on the right; the first pair from the right where the
    sizes differ and neither is 1 is named (``None`` when the shapes broadcast)."""
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for d in reversed(range(n)):
        if pa[d] != pb[d] and 1 not in (pa[d], pb[d]):
            return (
                f"The size of tensor a ({pa[d]}) must match the size of tensor b ({pb[d]}) "
                f"at non-singleton dimension {d}"
            )
    return None


def summed_back(g, shape):
    """Reference for a broadcast operand's gradient: add every output element into the input element it read."""
    source = np.broadcast_to(np.arange(int(np.prod(shape))).reshape(shape), g.shape)
    return np.bincount(source.ravel(), weights=g.ravel(), minlength=int(np.prod(shape))).reshape(shape)


@FAST
@given(shapes=pairs, op=st.sampled_from(sorted(BINARY_OPS)))
def test_broadcast_result_shape_equals_numpys(shapes, op):
    sa, sb = shapes.input_shapes
    rng = np.random.default_rng(0)
    a = mg.tensor(rng.uniform(0.5, 2.0, sa))
    b = mg.tensor(rng.uniform(0.5, 2.0, sb))
    out = BINARY_OPS[op](a, b)
    assert out.shape == np.broadcast_shapes(sa, sb) == shapes.result_shape


@FAST
@given(shapes=pairs, op=st.sampled_from(["add", "sub", "mul"]))
def test_broadcast_gradients_sum_back_to_each_operand(shapes, op):
    sa, sb = shapes.input_shapes
    rng = np.random.default_rng(1)
    a_np, b_np = rng.standard_normal(sa), rng.standard_normal(sb)
    a, b = mg.tensor(a_np, requires_grad=True), mg.tensor(b_np, requires_grad=True)
    out = BINARY_OPS[op](a, b)
    g = rng.standard_normal(out.shape)
    out.backward(mg.tensor(g))
    da = {"add": g, "sub": g, "mul": g * b_np}[op]
    db = {"add": g, "sub": -g, "mul": g * a_np}[op]
    assert a.grad.shape == sa and b.grad.shape == sb
    np.testing.assert_allclose(a.grad.numpy(), summed_back(np.broadcast_to(da, g.shape), sa), atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), summed_back(np.broadcast_to(db, g.shape), sb), atol=1e-12)


@st.composite
def clashing_shapes(draw):
    """Two shapes that do not broadcast: made so (two sizes over 1 that differ at one aligned position), rather
    than filtered from random pairs, which most often broadcast."""
    sa = list(draw(array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)))
    sb = list(draw(array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)))
    k = draw(st.integers(1, min(len(sa), len(sb))))  # the clash, counted from the right
    sa[-k], sb[-k] = draw(st.lists(st.integers(2, 5), min_size=2, max_size=2, unique=True))
    return tuple(sa), tuple(sb)


@FAST
@given(shapes=clashing_shapes(), op=st.sampled_from(sorted(BINARY_OPS)))
def test_non_broadcastable_shapes_raise_pytorchs_error(shapes, op):
    sa, sb = shapes
    expected = pytorch_broadcast_error(sa, sb)
    assert expected is not None
    a = mg.ones(sa, requires_grad=True)
    b = mg.ones(sb, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        BINARY_OPS[op](a, b)
    assert str(info.value) == expected
    assert a.grad is None and b.grad is None
    assert np.all(a.detach().numpy() == 1) and np.all(b.detach().numpy() == 1)


@settings(max_examples=25, deadline=None)
@given(sa=any_shape, sb=any_shape)
def test_broadcast_error_rule_agrees_with_pytorch_live(sa, sb):
    torch = pytest.importorskip("torch")
    expected = pytorch_broadcast_error(sa, sb)
    try:
        torch.empty(sa) + torch.empty(sb)
        torch_message = None
    except RuntimeError as err:
        torch_message = str(err)
    assert expected == torch_message
    if expected is not None:
        with pytest.raises(RuntimeError, match="^" + expected.replace("(", r"\(").replace(")", r"\)") + "$"):
            mg.empty(sa) + mg.empty(sb)


# ---- random expressions ------------------------------------------------------------------------------------
UNARY = {
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "sin": lambda x: x.sin(),
    "exp_small": lambda x: (x * 0.3).exp(),
    "square": lambda x: x * x,
    "softplus_like": lambda x: (x.exp() + 1.0).log(),
    "sqrt_pos": lambda x: (x * x + 1.0).sqrt(),
    "neg": lambda x: -x,
    "scale": lambda x: 2.5 * x - 1.0,
    "softmax_last": lambda x: x.softmax(-1) if x.ndim else x,
    "log_softmax_last": lambda x: x.log_softmax(-1) if x.ndim else x,
    "mean_keep_last": lambda x: x.mean(-1, keepdim=True) if x.ndim else x,
    "sum_keep_first": lambda x: x.sum(0, keepdim=True) if x.ndim else x,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "safe_div": lambda a, b: a / (b * b + 1.0),
    "rpow": lambda a, b: (a * a + 0.5) ** (b * 0.5),
}
FINAL = {
    "identity": lambda x: x,
    "sum": lambda x: x.sum(),
    "mean_dim0": lambda x: x.mean(0) if x.ndim else x,
    "var_last": lambda x: x.var(-1) if x.ndim and x.shape[-1] > 1 else x,
}


@st.composite
def programs(draw):
    """A straight-line program over inputs x and y: each step applies an op to earlier values (reuse allowed)."""
    steps = []
    for k in range(draw(st.integers(1, 5))):
        n_values = 2 + k
        if draw(st.booleans()):
            steps.append(("u", draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, n_values - 1))))
        else:
            i, j = draw(st.integers(0, n_values - 1)), draw(st.integers(0, n_values - 1))
            steps.append(("b", draw(st.sampled_from(sorted(BINARY))), i, j))
    return steps, draw(st.sampled_from(sorted(FINAL)))


def run_program(program, x, y):
    steps, final = program
    values = [x, y]
    for step in steps:
        if step[0] == "u":
            values.append(UNARY[step[1]](values[step[2]]))
        else:
            values.append(BINARY[step[1]](values[step[2]], values[step[3]]))
    # Every input takes part, so each gets a gradient to compare.
    return FINAL[final](values[-1] + 0.0 * (x.sum() + y.sum()))


@settings(max_examples=40, deadline=None)
@given(program=programs(), shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       seed=st.integers(0, 2**16))
def test_random_expression_gradients_match_finite_differences(program, shapes, seed):
    sa, sb = shapes.input_shapes
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1.5, 1.5, sa), rng.uniform(-1.5, 1.5, sb)
    assert_vjp_matches_finite_differences(lambda a, b: run_program(program, a, b), [x, y], seed=seed,
                                          rtol=1e-5, atol=1e-6)
