"""The Tensor API: attributes, conversions, autograd flags and iteration, as PyTorch defines them."""

import numpy as np
import pytest

import minigrad as mg


@pytest.fixture
def x():
    return mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_shape_is_a_size_tuple(x):
    assert x.shape == (2, 3) and isinstance(x.shape, tuple) and isinstance(x.shape, mg.Size)
    assert x.size() == mg.Size([2, 3])
    assert x.shape.numel() == 6


def test_size_of_one_dim_accepts_negative_dims(x):
    assert x.size(0) == 2 and x.size(1) == 3 and x.size(-1) == 3 and x.size(-2) == 2


def test_size_of_a_dim_out_of_range_raises_index_error(x):
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        x.size(2)


def test_dim_ndim_numel(x):
    assert x.dim() == 2 and x.ndim == 2 and x.numel() == 6
    assert mg.tensor(3.0).dim() == 0 and mg.tensor(3.0).numel() == 1
    assert mg.zeros(0, 3).numel() == 0


def test_dtype_property(x):
    assert x.dtype == mg.float32 and x.double().dtype == mg.float64


def test_item_returns_python_numbers():
    assert mg.tensor([2.5]).item() == 2.5 and type(mg.tensor([2.5]).item()) is float
    assert type(mg.tensor(3).item()) is int and type(mg.tensor(True).item()) is bool
    assert mg.tensor([[7.0]]).item() == 7.0


def test_item_of_many_elements_raises(x):
    with pytest.raises(RuntimeError, match="a Tensor with 6 elements cannot be converted to Scalar"):
        x.item()


def test_numpy_shares_memory_and_refuses_tensors_requiring_grad(x):
    a = x.numpy()
    a[0, 0] = 10.0
    assert x[0, 0].item() == 10.0
    w = mg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        w.numpy()
    assert isinstance(w.detach().numpy(), np.ndarray)


def test_tolist(x):
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert mg.tensor(2.5).tolist() == 2.5
    assert mg.tensor([1, 2]).tolist() == [1, 2] and type(mg.tensor([1, 2]).tolist()[0]) is int


def test_detach_shares_data_and_leaves_the_graph():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.numpy(), y.detach().numpy())
    d.numpy()[0] = 9.0
    assert y[0].item() == 9.0


def test_requires_grad_flag_and_is_leaf():
    w = mg.tensor([1.0, 2.0])
    assert not w.requires_grad and w.is_leaf
    assert w.requires_grad_() is w and w.requires_grad
    y = w * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    assert w.requires_grad_(False) is w and not w.requires_grad


def test_requires_grad_false_on_non_leaf_raises():
    y = mg.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


def test_only_floating_tensors_can_require_grad():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        mg.tensor([1, 2], requires_grad=True)


def test_retain_grad_fills_grad_of_a_non_leaf():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    h = w * 3
    h.retain_grad()
    out = h * h
    assert h.retains_grad and not out.retains_grad and not w.retains_grad
    g = np.array([1.0, -2.0], dtype=np.float32)
    out.backward(mg.tensor(g))
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.detach().numpy() * g)
    np.testing.assert_allclose(w.grad.numpy(), 2 * h.detach().numpy() * g * 3)
    assert out.grad is None


def test_retain_grad_on_leaf_is_a_no_op_and_on_no_grad_tensor_raises():
    w = mg.tensor([1.0], requires_grad=True)
    w.retain_grad()
    (w * 2).sum().backward()
    assert w.grad.item() == 2.0
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        mg.tensor([1.0]).retain_grad()


def test_backward_with_gradient_seeds_the_vector_jacobian_product():
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w * w
    y.backward(mg.tensor([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(w.grad.numpy(), [2.0, 0.0, -6.0])


def test_backward_on_one_element_tensor_needs_no_gradient():
    w = mg.tensor([2.0], requires_grad=True)
    (w * 3).backward()
    assert w.grad.tolist() == [3.0]


def test_backward_gradient_of_wrong_shape_raises_and_changes_nothing():
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w * 2
    shape_error = r"Mismatch in shape: grad_output\[0\] has a shape of minigrad.Size\(\[2\]\)"
    with pytest.raises(RuntimeError, match=shape_error):
        y.backward(mg.ones(2))
    assert w.grad is None
    y.backward(mg.ones(3))
    assert w.grad.tolist() == [2.0, 2.0, 2.0]


def test_backward_retain_graph_then_second_call_adds():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=False)
    assert w.grad.tolist() == [4.0, 8.0]
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()
    assert w.grad.tolist() == [4.0, 8.0]


def test_backward_on_a_leaf_accumulates_the_gradient_itself():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    w.backward(mg.tensor([3.0, 4.0]))
    assert w.grad.tolist() == [3.0, 4.0]


def test_double_float_and_to_convert_and_are_differentiable():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    d = w.double()
    assert d.dtype == mg.float64 and d.grad_fn.name() == "ToCopyBackward0"
    assert d.float().dtype == mg.float32
    assert w.to(mg.float64).dtype == mg.float64
    assert w.to(mg.float32) is w and w.float() is w
    (d * d).sum().backward()
    assert w.grad.dtype == mg.float32 and w.grad.tolist() == [2.0, 4.0]


def test_to_integer_dtypes_truncates_like_pytorch():
    t = mg.tensor([1.7, -1.7])
    assert t.long().tolist() == [1, -1] and t.long().dtype == mg.int64
    assert t.int().dtype == mg.int32 and t.bool().tolist() == [True, True]


def test_len_and_iteration_go_over_the_first_dim(x):
    assert len(x) == 2
    rows = list(x)
    assert len(rows) == 2 and rows[1].tolist() == [4.0, 5.0, 6.0]


def test_len_and_iteration_of_0d_tensor_raise():
    t = mg.tensor(1.0)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(t)
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(t)


def test_iteration_is_differentiable():
    w = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    total = None
    for k, row in enumerate(w):
        total = row.sum() * (k + 1) if total is None else total + row.sum() * (k + 1)
    total.backward()
    assert w.grad.tolist() == [[1.0, 1.0], [2.0, 2.0]]


def test_python_number_conversions():
    assert float(mg.tensor([2.5])) == 2.5 and int(mg.tensor([2.7])) == 2
    assert bool(mg.tensor([0.0])) is False
    assert [10, 20, 30][mg.tensor(1)] == 20
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(mg.tensor([1.0, 2.0]))


def test_clone_is_a_differentiable_copy():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    c = w.clone()
    assert c.grad_fn.name() == "CloneBackward0" and not np.shares_memory(c.detach().numpy(), w.detach().numpy())
    (c * 3).sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


def test_tensor_copies_its_data():
    a = np.ones(2, dtype=np.float32)
    t = mg.tensor(a)
    t.numpy()[0] = 5.0
    assert a[0] == 1.0
    shared = mg.from_numpy(a)
    shared.numpy()[0] = 5.0
    assert a[0] == 5.0


def test_t_and_T_and_mT_transpose():
    m = mg.arange(6).reshape(2, 3)
    assert m.t().shape == (3, 2) and m.T.shape == (3, 2) and m.t().tolist() == [[0, 3], [1, 4], [2, 5]]
    assert mg.ones(3).t().shape == (3,)
    assert mg.ones(2, 3, 4).mT.shape == (2, 4, 3)


def test_max_min_with_dim_return_values_and_indices():
    m = mg.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    values, indices = m.max(1)
    assert values.tolist() == [5.0, 6.0] and indices.tolist() == [1, 2] and indices.dtype == mg.int64
    assert m.min(0, keepdim=True).indices.tolist() == [[0, 1, 0]]
    assert m.argmax().item() == 5 and m.argmin(1).tolist() == [0, 1]


def test_split_chunk_unbind():
    m = mg.arange(10).reshape(2, 5)
    assert [p.shape[1] for p in m.split(2, 1)] == [2, 2, 1]
    assert [p.shape[1] for p in m.split([1, 4], 1)] == [1, 4]
    assert [p.shape[1] for p in m.chunk(2, 1)] == [3, 2]
    assert [r.tolist() for r in m.unbind(0)] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


def test_masked_fill_and_where_pick_elementwise():
    m = mg.tensor([[1.0, -2.0], [-3.0, 4.0]])
    assert m.masked_fill(m < 0, 0.0).tolist() == [[1.0, 0.0], [0.0, 4.0]]
    assert mg.where(m > 0, m, -m).tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_in_place_ops_under_no_grad_bump_the_version():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        w.mul_(2.0)
        w.add_(mg.tensor([1.0, 1.0]), alpha=0.5)
        w -= 1.0
        w.clamp_(0.0, 2.0)
    assert w.tolist() == [1.5, 2.0] and w._version == 4 and w.is_leaf and w.requires_grad


def test_setitem_writes_and_fill_zero_reset():
    t = mg.zeros(2, 3)
    t[0, 1] = 5.0
    t[1] = mg.tensor([1.0, 2.0, 3.0])
    assert t.tolist() == [[0.0, 5.0, 0.0], [1.0, 2.0, 3.0]]
    assert t.zero_().tolist() == [[0.0] * 3] * 2 and t.fill_(2.0).sum().item() == 12.0


def test_setitem_on_a_non_leaf_is_differentiable():
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = mg.tensor([10.0], requires_grad=True)
    y = w * 2
    y[1:2] = v * 3
    y.backward(mg.tensor([1.0, 1.0, 1.0]))
    assert w.grad.tolist() == [2.0, 0.0, 2.0] and v.grad.tolist() == [3.0]


def test_getitem_with_negative_step_is_refused_like_pytorch():
    with pytest.raises(ValueError, match="step must be greater than zero"):
        mg.arange(4)[::-1]


def test_index_out_of_range_names_the_dimension():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 1 with size 3"):
        mg.ones(2, 3)[0, 5]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        mg.ones(2, 3)[0, 0, 0]
