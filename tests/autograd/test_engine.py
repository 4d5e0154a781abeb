"""The backward engine: accumulation, freeing, errors, deep chains, version counters."""

import gc
import weakref

import numpy as np
import pytest

import minigrad as mg


def test_gradient_accumulates_over_backward_calls():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2 * 1 + 3, 2 * 2 + 3])


def test_node_used_twice_accumulates():
    x = mg.tensor([1.5, -2.0], dtype=mg.float64, requires_grad=True)
    y = x * x * x  # x feeds two nodes
    y.backward(mg.tensor([1.0, 1.0], dtype=mg.float64))
    np.testing.assert_allclose(x.grad.numpy(), 3 * x.detach().numpy() ** 2)


def test_second_backward_through_freed_graph_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_retain_graph_allows_second_backward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])


def test_non_scalar_backward_needs_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2.0).backward()
    assert x.grad is None


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        mg.tensor([1.0]).sum().backward()


def test_chain_of_100k_ops_backprops_iteratively():
    x = mg.tensor(1.0, dtype=mg.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_inplace_change_of_saved_array_raises_at_backward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    z = y.tanh()  # saves its output
    w = z * z  # saves z
    with mg.no_grad():
        z.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises_and_changes_nothing():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w.add_(1.0)
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 2.0])


def test_inplace_broadcast_to_bigger_shape_fails_with_pytorch_words():
    a = mg.zeros(1, 3, 1)
    b = mg.zeros(3, 3, 7)
    msg = r"output with shape \[1, 3, 1\] doesn't match the broadcast shape \[3, 3, 7\]"
    with pytest.raises(RuntimeError, match=msg):
        a.add_(b)


def test_sgd_style_update_under_no_grad():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with mg.no_grad():
        w -= 0.5 * w.grad
    np.testing.assert_allclose(w.detach().numpy(), [0.0, 0.0])
    assert w.is_leaf and w.requires_grad


def test_graph_is_freed_after_backward():
    x = mg.randn(100, requires_grad=True)
    y = x.tanh()
    ref = weakref.ref(y.grad_fn)
    y.sum().backward()
    del y
    gc.collect()
    assert ref() is None


def test_wrong_gradient_shape_from_custom_function_names_it():
    class Bad(mg.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum(axis=0)

    x = mg.randn(3, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Function BadBackward returned an invalid gradient at index 0 - got \[2\]"):
        Bad.apply(x).sum().backward()
    assert x.grad is None


def test_no_grad_records_nothing_and_works_as_decorator():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        y = x * 2.0
    assert y.grad_fn is None and not y.requires_grad

    @mg.no_grad()
    def f(t):
        return t * 2.0

    assert f(x).grad_fn is None
    with mg.no_grad():
        with mg.enable_grad():
            assert (x * 2.0).grad_fn is not None


def test_retain_grad_on_intermediate():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), 2 * y.detach().numpy())


def test_grad_norms_of_reshaped_transposed_and_shared_gradients_are_their_own():
    # Each node's grad_norm is the 2-norm of dL/d(its output), computed here with numpy. Reshapes hand on a view
    # of the same gradient (the engine reuses its norm); a transpose, a slice and a sum do not.
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((4, 6)), requires_grad=True)
    w = rng.standard_normal((3, 8))
    a = x * 2.0                       # dL/da = reshape(w_full) (see below)
    b = a.reshape(3, 8)               # dL/db = w + 1 (from the two uses below)
    c = b.t()                         # dL/dc = w.T
    d = b[:, :4]                      # dL/dd = ones
    loss = (c * mg.tensor(w.T)).sum() + d.sum()
    loss.backward()
    g_b = w.copy()
    g_b[:, :4] += 1
    expected = {
        "MulBackward0": np.linalg.norm(g_b), "ViewBackward0": np.linalg.norm(g_b),
        "TBackward0": np.linalg.norm(w), "SliceBackward0": np.linalg.norm(np.ones((3, 4))),
    }
    got = {}
    for node in (a.grad_fn, b.grad_fn, c.grad_fn, d.grad_fn):
        got[node.name()] = node.grad_norm
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-12), name


@pytest.mark.parametrize("linear_first", [True, False])
def test_grad_norm_of_a_gradient_added_into_after_a_reshape_counts_the_addition(linear_first):
    # a's gradient arrives as a reshape of the Linear's input gradient (an array nothing else holds, which the
    # engine may add into) and from a second use, in either order. Its norm and .grad are of the sum.
    rng = np.random.default_rng(1)
    x = mg.tensor(rng.standard_normal((2, 6)), requires_grad=True)
    lin = mg.nn.Linear(3, 2, dtype=mg.float64)
    a = x * 1.0
    b = a.reshape(4, 3)
    w2 = rng.standard_normal((2, 6))
    first, second = lin(b).sum(), (a * mg.tensor(w2)).sum()
    loss = first + second if linear_first else second + first
    loss.backward()
    g_b = np.ones((4, 2)) @ lin.weight.detach().numpy()  # d(sum of lin(b))/db
    expected = g_b.reshape(2, 6) + w2
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)
    assert a.grad_fn.grad_norm == pytest.approx(np.linalg.norm(expected), rel=1e-12)
    assert b.grad_fn.grad_norm == pytest.approx(np.linalg.norm(g_b), rel=1e-12)


@pytest.mark.parametrize("layer", ["Linear", "RNN"])
def test_grad_norm_of_a_weights_transpose_is_the_weights_gradient_norm(layer):
    # w.t()'s gradient is made transposed in memory (so w.grad is contiguous); its norm is still that of w.grad.
    rng = np.random.default_rng(3)
    if layer == "Linear":
        model = mg.nn.Linear(3, 4, dtype=mg.float64)
        out = model(mg.tensor(rng.standard_normal((5, 3))))
        t_node = out.grad_fn.next_functions[2][0]
        weight = model.weight
    else:
        model = mg.nn.RNN(3, 4, dtype=mg.float64)
        out = model(mg.tensor(rng.standard_normal((6, 2, 3))))[0]
        last_mm = out.grad_fn.next_functions[-1][0].next_functions[0][0]  # the last step's AddmmBackward0
        t_node = last_mm.next_functions[2][0]
        weight = model.weight_hh_l0
    (out * mg.tensor(rng.standard_normal(out.shape))).sum().backward()
    assert t_node.name() == "TBackward0"
    assert weight.grad.numpy().flags.c_contiguous
    assert t_node.grad_norm == pytest.approx(np.linalg.norm(weight.grad.numpy()), rel=1e-12)
