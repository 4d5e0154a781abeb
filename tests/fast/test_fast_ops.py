"""``minigrad/fast/ops.py``: every backward twin equals its lesson op's backward, and every promise the fast engine
relies on holds (a fresh array is fresh, a passed-on gradient is a view of the one received)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import ops
from minigrad.fast import ops as fast_ops

RNG = np.random.default_rng(0)


def _node(fn, *inputs, **attrs):
    """Record ``fn`` on tensors made from ``inputs`` (arrays, all requiring grad) and return its node."""
    tensors = [mg.tensor(a, requires_grad=True) if isinstance(a, np.ndarray) else a for a in inputs]
    out = fn.apply(*tensors, **attrs)
    return out.grad_fn, out


CASES = {
    ops.Index: lambda: _node(ops.Index, RNG.standard_normal((5, 3)), index=(np.array([0, 2, 2, 4]),)),
    ops.IndexSelect: lambda: _node(ops.IndexSelect, RNG.standard_normal((4, 3)), dim=1, index=np.array([2, 0, 2])),
    ops.Slice: lambda: _node(ops.Slice, RNG.standard_normal((5, 3)), index=(slice(1, 4), slice(None, None, 2))),
    ops.Select: lambda: _node(ops.Select, RNG.standard_normal((5, 3)), index=(2,)),
    ops.SliceUnsqueeze: lambda: _node(ops.SliceUnsqueeze, RNG.standard_normal((5, 3)), index=(slice(0, 2), None)),
    ops.SliceAlias: lambda: _node(ops.SliceAlias, RNG.standard_normal((5, 3)), index=(Ellipsis,)),
    ops.Gather: lambda: _node(ops.Gather, RNG.standard_normal((3, 4)), dim=1, index=np.array([[0, 0], [3, 1], [2, 2]])),
    ops.GateSigmoid: lambda: _node(ops.GateSigmoid, RNG.standard_normal((2, 8)), index=(Ellipsis, slice(2, 4))),
    ops.GateTanh: lambda: _node(ops.GateTanh, RNG.standard_normal((2, 8)), index=(Ellipsis, slice(4, 6))),
    ops.GateAdd: lambda: _node(ops.GateAdd, RNG.standard_normal((3, 2, 6)), RNG.standard_normal((2, 6)),
                               index_a=(1, Ellipsis, slice(0, 3)), index_b=(Ellipsis, slice(3, 6))),
    ops.Addmm: lambda: _node(ops.Addmm, RNG.standard_normal((4, 2, 3)), RNG.standard_normal((2, 5)),
                             RNG.standard_normal((5, 3)), index=3),
}


def test_every_twin_has_a_case():
    assert set(CASES) == set(fast_ops.SPARSE)


@pytest.mark.parametrize("fn", list(CASES), ids=lambda f: f.__name__)
def test_a_backward_twin_gives_its_lesson_ops_gradient(fn):
    node, out = CASES[fn]()
    g = RNG.standard_normal(out.shape)
    lesson = fn.backward(node, g)
    fast = fast_ops.SPARSE[fn](node, g)
    lesson = lesson if isinstance(lesson, tuple) else (lesson,)
    fast = fast if isinstance(fast, tuple) else (fast,)
    assert len(fast) == len(lesson)
    for got, want in zip(fast, lesson):
        dense = np.asarray(got)
        assert dense.shape == want.shape and dense.dtype == want.dtype
        np.testing.assert_allclose(dense, want, rtol=1e-14, atol=1e-14)


def test_addmm_promises_a_fresh_gradient_for_its_first_matrix():
    node, out = _node(ops.Addmm, RNG.standard_normal(3), RNG.standard_normal((2, 5)), RNG.standard_normal((5, 3)))
    g = RNG.standard_normal(out.shape)
    for backward in (ops.Addmm.backward, fast_ops.SPARSE[ops.Addmm]):
        grads = backward(node, g)
        for i in fast_ops.FRESH[ops.Addmm]:
            fresh = grads[i]
            assert fresh.base is None and fresh.flags.owndata
            held = [g, out.detach().numpy(), *[a for a in node.saved if isinstance(a, np.ndarray)]]
            assert not any(np.shares_memory(fresh, a) for a in held)


@pytest.mark.parametrize("fn, attrs, shape", [
    (ops.View, {"shape": (6,)}, (2, 3)), (ops.Unsqueeze, {"shape": (2, 1, 3)}, (2, 3)),
    (ops.Squeeze, {"shape": (2, 3)}, (2, 1, 3)), (ops.SqueezeDim, {"shape": (2, 3)}, (2, 1, 3)),
    (ops.SqueezeDims, {"shape": (2, 3)}, (1, 2, 1, 3)), (ops.Transpose, {"dims": (0, 2)}, (2, 3, 4)),
    (ops.TransposeT, {"dims": (0, 1)}, (2, 3)), (ops.Permute, {"dims": (2, 0, 1)}, (2, 3, 4)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_ops_that_pass_gradients_hand_on_views_of_the_gradient_they_got(fn, attrs, shape):
    assert fn in fast_ops.PASSES
    node, out = _node(fn, RNG.standard_normal(shape), **attrs)
    g = RNG.standard_normal(out.shape)
    grad = fn.backward(node, g)
    assert np.shares_memory(grad, g) and grad.base is not None
    assert not any(isinstance(v, np.ndarray) and np.shares_memory(v, g) for v in vars(node).values())


@pytest.mark.parametrize("stack", [ops.Stack, fast_ops.Stack])
def test_stack_passes_each_input_a_view_of_its_slice(stack):
    assert stack in fast_ops.PASSES
    a, b = (mg.tensor(RNG.standard_normal((2, 3)), requires_grad=True) for _ in range(2))
    out = stack.apply(a, b, dim=1)
    g = RNG.standard_normal(out.shape)
    ga, gb = stack.backward(out.grad_fn, g)
    assert np.shares_memory(ga, g) and np.shares_memory(gb, g)
    np.testing.assert_array_equal(ga, g[:, 0])
    np.testing.assert_array_equal(gb, g[:, 1])


def test_the_laid_out_stack_is_the_array_it_was_given_and_stacks_as_the_lesson_does():
    rows = RNG.standard_normal((4, 2, 3))
    steps = [mg.tensor(r, requires_grad=True) for r in rows]
    out = fast_ops.Stack.apply(*steps, dim=0, laid_out=rows)
    assert out.detach().numpy() is rows
    np.testing.assert_array_equal(out.detach().numpy(), ops.Stack.apply(*steps, dim=0).detach().numpy())
    assert out.grad_fn.name() == "StackBackward0"


def test_the_transposing_op_returns_its_2d_gradient_transposed():
    assert fast_ops.TRANSPOSES_2D == {ops.TransposeT}
    node, out = _node(ops.TransposeT, RNG.standard_normal((2, 3)), dims=(0, 1))
    g = RNG.standard_normal(out.shape)
    grad = ops.TransposeT.backward(node, g)
    assert grad.base is g and grad.strides == g.T.strides
