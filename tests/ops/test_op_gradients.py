"""Every differentiable op against finite differences: gradcheck, and a random cotangent backpropagated.

The cases (tests/golden/ops_cases.py) cover each op over several shapes: broadcast, 0-d and empty ones.
"""

import functools

import numpy as np
import pytest
from golden.ops_cases import CASES
from gradtools import assert_vjp_matches_finite_differences

import minigrad as mg

IDS = [c.name for c in CASES]


def _float64_inputs(case):
    return [a.astype(np.float64) for a in case.make_inputs(seed_offset=1)]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradcheck_passes(case):
    inputs = [mg.tensor(a, requires_grad=True) for a in _float64_inputs(case)]
    assert mg.gradcheck(functools.partial(case.fn, mg), tuple(inputs))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_random_cotangent_gradient_matches_finite_differences(case):
    assert_vjp_matches_finite_differences(functools.partial(case.fn, mg), _float64_inputs(case), seed=3)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output_and_gradients_keep_float32(case):
    inputs = [mg.tensor(a.astype(np.float32), requires_grad=True) for a in case.make_inputs()]
    out = case.fn(mg, *inputs)
    assert out.dtype == mg.float32
    out.backward(mg.ones_like(out))
    for x in inputs:
        assert x.grad is None or x.grad.dtype == mg.float32


@pytest.mark.parametrize("which", ["lesson", "fast"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_node_in_a_float32_graph_computes_float64(case, which, monkeypatch):
    from minigrad import kernels
    from minigrad.autograd import engine
    from minigrad.fast import engine as fast_engine
    from minigrad.fast.graph import IndexedGrad, OuterGrad

    inputs = [mg.tensor(a.astype(np.float32), requires_grad=True) for a in case.make_inputs()]
    out = case.fn(mg, *inputs)
    stack, seen = [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, mg.autograd.Node) or id(node) in seen:
            continue
        seen.add(id(node))
        assert node.dtype == np.float32, f"{node.name()} outputs {node.dtype}"
        stack.extend(node.parents)
    # Each backward (the lesson's formulas, or the fast floor's twins) must hand the engine float32 gradients:
    # the engine's cast must not be what saves us. The spy wraps every backward the engine calls.
    returned = []

    def dtypes_of(g):
        if isinstance(g, IndexedGrad):  # the fast twins of indexing ops hand back values + where they go
            return [g.values.dtype, np.dtype(g.dtype)]
        if isinstance(g, OuterGrad):
            return [g.a.dtype, g.g.dtype, np.dtype(g.dtype)]
        return [np.asarray(g).dtype]

    def spied(backward):
        def run(node, g):
            grads = backward(node, g)
            for gi in grads if isinstance(grads, tuple) else (grads,):
                if gi is not None:
                    returned.extend((node.name(), dt) for dt in dtypes_of(gi))
            return grads

        return run

    class Twins(dict):
        def get(self, fn, default=None):
            return spied(dict.get(self, fn, default))

    if which == "lesson":
        original = engine.checked_grad

        def check(node, i, g, shape, dtype):
            returned.extend((node.name(), dt) for dt in dtypes_of(g))
            return original(node, i, g, shape, dtype)

        monkeypatch.setattr(engine, "checked_grad", check)
    else:
        monkeypatch.setattr(fast_engine, "SPARSE", Twins(fast_engine.SPARSE))
    monkeypatch.setattr(kernels, "_ON", [which == "fast"])
    out.backward(mg.ones_like(out))
    assert returned, "the spy saw no gradient: it watches the wrong engine"
    assert all(dt == np.float32 for _, dt in returned), returned


def test_gradient_summed_over_wrong_axis_is_caught_by_random_cotangent():
    # A deliberately wrong backward (transposes a square gradient) passes an all-ones check but not ours.
    class WrongTranspose(mg.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2).T

    x = np.arange(4.0).reshape(2, 2)
    t = mg.tensor(x, requires_grad=True)
    WrongTranspose.apply(t).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), np.full((2, 2), 2.0))  # all-ones cotangent: looks right
    with pytest.raises(AssertionError):
        assert_vjp_matches_finite_differences(WrongTranspose.apply, [x])


def test_comparisons_return_bool_tensors_and_record_nothing():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = mg.tensor([0.5, 0.5, 4.0], requires_grad=True)
    for out in (x > y, x >= y, x < y, x <= y, x == y, x != y, x > 0, 0.5 < x, x.eq(y), x.gt(0.0)):
        assert out.dtype == mg.bool
        assert out.grad_fn is None and not out.requires_grad
    np.testing.assert_array_equal((x > y).numpy(), [True, False, False])
    np.testing.assert_array_equal((x == mg.tensor([1.0, 0.0, 3.0])).numpy(), [True, False, True])


# numpy arrays on either side of an operator (PyTorch refuses these with tensors requiring grad, so the
# reference is numpy plus finite differences).
_K = np.array([[0.5, -1.5, 2.0]])
NUMPY_OPERAND = {
    "ndarray + tensor": (lambda x: _K + x, lambda a: _K + a),
    "tensor + ndarray": (lambda x: x + _K, lambda a: a + _K),
    "ndarray - tensor": (lambda x: _K - x, lambda a: _K - a),
    "tensor - ndarray": (lambda x: x - _K, lambda a: a - _K),
    "ndarray * tensor": (lambda x: _K * x, lambda a: _K * a),
    "ndarray / tensor": (lambda x: _K / x, lambda a: _K / a),
    "tensor / ndarray": (lambda x: x / _K, lambda a: a / _K),
    "ndarray ** tensor": (lambda x: np.abs(_K) ** x, lambda a: np.abs(_K) ** a),
    "tensor ** ndarray": (lambda x: x ** _K, lambda a: a ** _K),
    "ndarray @ tensor": (lambda x: _K @ x.T, lambda a: _K @ a.T),
    "tensor @ ndarray": (lambda x: x @ _K.T, lambda a: a @ _K.T),
    "scalar ndarray * tensor": (lambda x: np.float64(3.0) * x, lambda a: 3.0 * a),
}


@pytest.mark.parametrize("name", list(NUMPY_OPERAND))
def test_numpy_operands_on_either_side_give_numpys_values_and_finite_difference_gradients(name):
    mg_fn, np_fn = NUMPY_OPERAND[name]
    a = np.random.default_rng(2).uniform(0.5, 2.0, (2, 3))
    out = mg_fn(mg.tensor(a, requires_grad=True))
    assert isinstance(out, mg.Tensor) and out.grad_fn is not None
    np.testing.assert_allclose(out.detach().numpy(), np_fn(a), rtol=1e-12)
    assert_vjp_matches_finite_differences(mg_fn, [a])


@pytest.mark.parametrize(
    "op",
    [lambda s, x: s + x, lambda s, x: s - x, lambda s, x: s * x, lambda s, x: s / x, lambda s, x: s ** x],
    ids=["radd", "rsub", "rmul", "rdiv", "rpow"],
)
@pytest.mark.parametrize("scalar", [2, 0.5, np.float64(1.5)], ids=repr)
def test_reflected_operators_with_scalars_match_finite_differences(op, scalar):
    a = np.random.default_rng(4).uniform(0.5, 2.0, (2, 3))
    np.testing.assert_allclose(op(scalar, mg.tensor(a)).numpy(), op(scalar, a), rtol=1e-12)
    assert_vjp_matches_finite_differences(lambda x: op(scalar, x), [a])
