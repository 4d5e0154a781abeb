"""Addmm, the fused ``c + a @ b`` (optionally ``c[index] + a @ b``) node that recurrent layers use per step."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import ops


def _t(rng, *shape):
    return mg.tensor(rng.standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("c_shape", [(3, 5), (5,), (1, 5)])
def test_addmm_gradcheck_with_broadcast_c(c_shape):
    rng = np.random.default_rng(0)
    c, a, b = _t(rng, *c_shape), _t(rng, 3, 4), _t(rng, 4, 5)
    assert mg.gradcheck(lambda c, a, b: ops.Addmm.apply(c, a, b), (c, a, b))


def test_addmm_with_index_reads_one_slice_and_gradchecks():
    rng = np.random.default_rng(1)
    c, a, b = _t(rng, 6, 3, 5), _t(rng, 3, 4), _t(rng, 4, 5)
    z = ops.Addmm.apply(c, a, b, index=2)
    np.testing.assert_allclose(z.detach().numpy(), c.detach().numpy()[2] + a.detach().numpy() @ b.detach().numpy())
    assert z.grad_fn.name() == "AddmmBackward0"
    assert mg.gradcheck(lambda c, a, b: ops.Addmm.apply(c, a, b, index=2), (c, a, b))


def test_addmm_indexed_gradients_of_several_steps_accumulate_into_one_array():
    rng = np.random.default_rng(2)
    c, a, b = _t(rng, 4, 2, 3), _t(rng, 2, 3), _t(rng, 3, 3)
    total = sum((ops.Addmm.apply(c, a, b, index=i) * float(i + 1)).sum() for i in (0, 1, 3))
    total.backward()
    expected = np.zeros((4, 2, 3))
    for i in (0, 1, 3):
        expected[i] = i + 1
    np.testing.assert_allclose(c.grad.numpy(), expected)
    np.testing.assert_allclose(b.grad.numpy(), a.detach().numpy().T @ np.full((2, 3), 1 + 2 + 4.0))


@pytest.mark.parametrize("steps, batch", [(1, 4), (3, 4), (50, 5), (40, 200)])
def test_addmm_matrix_gradient_collected_over_steps_equals_the_per_step_products(steps, batch):
    # The fast engine takes dL/db from Addmm as an OuterGrad and multiplies the steps' pairs in batches of
    # engine.OUTER_ROWS rows (a flush mid-way, a remainder at the end, or one pair per flush when batch is
    # large). The reference is the same recurrence written with @ and +, whose MatMul multiplies every step out.
    from minigrad.fast import engine

    assert engine.OUTER_ROWS == 128  # the cases above: 12 rows (one flush at the end), 250 (one mid-way), 200 a step
    rng = np.random.default_rng(steps)
    pre_np, w_np = rng.standard_normal((steps, batch, 3)), rng.standard_normal((3, 3)) * 0.5
    h0_np, r = rng.standard_normal((batch, 3)), rng.standard_normal((steps, batch, 3))

    def run(fused):
        pre, w, h = (mg.tensor(a, requires_grad=True) for a in (pre_np, w_np, h0_np))
        wt, state, loss = w.t(), h, 0.0
        for i in range(steps):
            z = ops.Addmm.apply(pre, state, wt, index=i) if fused else pre[i] + state @ wt
            state = z.tanh()
            loss = loss + (state * mg.tensor(r[i])).sum()
        loss.backward()
        return pre.grad.numpy(), w.grad.numpy(), h.grad.numpy()

    for got, want in zip(run(True), run(False)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
