"""The gate primitives of recurrent cells: an activation (or a sum) of slices recorded as one node."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import ops


def _t(rng, *shape):
    return mg.tensor(rng.standard_normal(shape), requires_grad=True)


def _sigmoid(x):  # the textbook formula, in float64
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize("k", range(4))
def test_gate_sigmoid_and_tanh_read_their_slice_and_gradcheck(k):
    rng = np.random.default_rng(k)
    gates = _t(rng, 3, 8)
    index = (Ellipsis, slice(2 * k, 2 * k + 2))
    s = ops.GateSigmoid.apply(gates, index=index)
    t = ops.GateTanh.apply(gates, index=index)
    np.testing.assert_allclose(s.detach().numpy(), _sigmoid(gates.detach().numpy()[:, 2 * k:2 * k + 2]), rtol=1e-15)
    np.testing.assert_allclose(t.detach().numpy(), np.tanh(gates.detach().numpy()[:, 2 * k:2 * k + 2]), rtol=1e-15)
    assert (s.grad_fn.name(), t.grad_fn.name()) == ("SigmoidBackward0", "TanhBackward0")
    assert s.grad_fn.parents == (gates,)
    assert mg.gradcheck(lambda a: ops.GateSigmoid.apply(a, index=index), (gates,))
    assert mg.gradcheck(lambda a: ops.GateTanh.apply(a, index=index), (gates,))


def test_gate_gradients_of_all_four_slices_add_up_in_the_one_input():
    rng = np.random.default_rng(4)
    gates = _t(rng, 2, 8)
    outs = [ops.GateSigmoid.apply(gates, index=(Ellipsis, slice(2 * k, 2 * k + 2))) for k in range(4)]
    sum(o.sum() * float(k + 1) for k, o in enumerate(outs)).backward()
    z = _sigmoid(gates.detach().numpy())
    weight = np.repeat(np.arange(1.0, 5.0), 2)
    np.testing.assert_allclose(gates.grad.numpy(), weight * z * (1 - z), rtol=1e-14)


def test_gate_add_reads_slices_of_both_inputs_or_a_whole_one_and_gradchecks():
    rng = np.random.default_rng(5)
    gi, gh, r = _t(rng, 4, 3, 6), _t(rng, 3, 6), _t(rng, 3, 2)
    ia, ib = (1, Ellipsis, slice(2, 4)), (Ellipsis, slice(2, 4))
    z = ops.GateAdd.apply(gi, gh, index_a=ia, index_b=ib)
    np.testing.assert_array_equal(z.detach().numpy(), gi.detach().numpy()[1, :, 2:4] + gh.detach().numpy()[:, 2:4])
    assert z.grad_fn.name() == "AddBackward0"
    assert mg.gradcheck(lambda a, b: ops.GateAdd.apply(a, b, index_a=ia, index_b=ib), (gi, gh))
    assert mg.gradcheck(lambda a, b: ops.GateAdd.apply(a, b, index_a=ia), (gi, r))
    w = ops.GateAdd.apply(gi, r, index_a=ia)
    w.backward(mg.ones_like(w))
    assert r.grad.shape == (3, 2) and np.all(r.grad.numpy() == 1.0)
    expected = np.zeros((4, 3, 6))
    expected[1, :, 2:4] = 1.0
    np.testing.assert_array_equal(gi.grad.numpy(), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_exact_and_quiet_at_the_extremes(dtype):
    x = np.array([-1000.0, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1000.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from exp(-x)
        y = mg.tensor(x).sigmoid().numpy()
    assert y.dtype == dtype
    reference = _sigmoid(x.astype(np.longdouble)).astype(dtype)  # no overflow in extended precision
    # Exact to round-off down to the smallest normal number; a subnormal result (float32 below about -87) is 0.
    np.testing.assert_allclose(y, reference, rtol=4 * np.finfo(dtype).eps, atol=np.finfo(dtype).tiny)
    assert mg.tensor(np.float64(2.0)).sigmoid().item() == pytest.approx(_sigmoid(2.0), rel=1e-15)
