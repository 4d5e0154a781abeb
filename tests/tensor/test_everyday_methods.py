"""The everyday Tensor methods of #17 that the op table (tests/golden/ops_cases.py) cannot hold: in-place forms,
random fills, attributes, ``new_*``, ``type``, ``nonzero`` and ``prod``'s gradient at zeros. Each against numpy
or fixed numbers, and against PyTorch live when it is installed."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

X = np.random.default_rng(5).standard_normal((3, 4))


def _torch():
    return pytest.importorskip("torch")


def test_prod_gradient_with_one_zero_and_with_two():
    x = mg.tensor([2.0, 0.0, 3.0], dtype=mg.float64, requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 6.0, 0.0]
    y = mg.tensor([[0.0, 5.0, 0.0], [1.0, 2.0, 4.0]], dtype=mg.float64, requires_grad=True)
    y.prod(1).sum().backward()
    assert y.grad.tolist() == [[0.0, 0.0, 0.0], [8.0, 4.0, 2.0]]


def test_prod_of_integers_and_bools_is_int64():
    assert mg.tensor([2, 3], dtype=mg.int32).prod().dtype == mg.int64
    assert mg.tensor([[True, False]]).prod(1).tolist() == [0]
    assert mg.tensor([1.5, 2.0]).prod(dtype=mg.float64).dtype == mg.float64


def test_nonzero_matches_numpy_in_both_forms():
    a = np.array([[0, 1, 0], [2, 0, 3]])
    t = mg.tensor(a)
    assert t.nonzero().tolist() == np.argwhere(a).tolist() and t.nonzero().dtype == mg.int64
    rows, cols = mg.nonzero(t, as_tuple=True)
    assert (rows.tolist(), cols.tolist()) == tuple(i.tolist() for i in np.nonzero(a))
    assert mg.tensor(3).nonzero().shape == (1, 0) and mg.tensor(0).nonzero(as_tuple=True)[0].tolist() == []


def test_repeat_interleave_of_counts_alone():
    assert mg.repeat_interleave(mg.tensor([2, 0, 1])).tolist() == [0, 0, 2]


@pytest.mark.parametrize("op", ["index_add_", "index_fill_", "scatter_", "scatter_add_", "fill_diagonal_"])
def test_in_place_forms_match_pytorch_values_and_gradients(op):
    torch = _torch()

    def run(lib, x):
        y = x * 1.0  # a non-leaf: in-place ops on it are recorded
        src = lib.tensor(np.arange(12.0).reshape(3, 4) / 7, requires_grad=True)
        if op == "index_add_":
            y.index_add_(0, lib.tensor([2, 0, 2]), src, alpha=0.5)
        elif op == "index_fill_":
            y.index_fill_(1, lib.tensor([1, 3]), -2.0)
        elif op == "scatter_":
            y.scatter_(1, lib.tensor([[3, 1], [0, 2], [1, 0]]), src[:, :2])
        elif op == "scatter_add_":
            y.scatter_add_(0, lib.tensor([[0, 0, 2, 1]]), src[:1])
        else:
            y.fill_diagonal_(7.0)
        (y * lib.tensor(X)).sum().backward()
        return y, src

    a, b = mg.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    (ya, sa), (yb, sb) = run(mg, a), run(torch, b)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-15)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-15)
    if sb.grad is not None:
        np.testing.assert_allclose(sa.grad.numpy(), sb.grad.numpy(), rtol=1e-15)
    assert ya._version > 0


def test_in_place_forms_under_no_grad_write_into_the_same_array():
    x = mg.zeros(3, 3)
    arr = x.numpy()
    x.index_add_(0, mg.tensor([1]), mg.ones(1, 3)).index_fill_(1, mg.tensor([0]), 5.0).fill_diagonal_(-1.0)
    assert x.numpy() is arr and x.tolist() == [[-1.0, 0.0, 0.0], [5.0, -1.0, 1.0], [5.0, 0.0, -1.0]]


@pytest.mark.parametrize("shape, wrap", [((3, 3), False), ((7, 3), True), ((7, 3), False), ((2, 5), False),
                                         ((3, 3, 3), False)])
def test_fill_diagonal_matches_pytorch(shape, wrap):
    torch = _torch()
    a, b = mg.zeros(*shape), torch.zeros(*shape)
    np.testing.assert_array_equal(a.fill_diagonal_(1.0, wrap=wrap).numpy(), b.fill_diagonal_(1.0, wrap=wrap).numpy())


@pytest.mark.parametrize("op, args", [("unsqueeze_", (1,)), ("squeeze_", ()), ("squeeze_", (0,)), ("t_", ()),
                                      ("transpose_", (0, 1))])
def test_in_place_shape_changes_match_pytorch(op, args):
    torch = _torch()
    data = X[None]
    if op in ("t_", "transpose_", "unsqueeze_"):
        data = X
    a, b = mg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    ya, yb = a * 2, b * 2
    assert getattr(ya, op)(*args) is ya
    getattr(yb, op)(*args)
    assert tuple(ya.shape) == tuple(yb.shape) and ya.stride() == yb.stride()
    w = np.random.default_rng(0).standard_normal(tuple(yb.shape))
    (ya * mg.tensor(w)).sum().backward()
    (yb * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy())


def test_random_fills_keep_dtype_and_array_and_follow_the_seed():
    x = mg.empty(2000, dtype=mg.float64)
    arr = x.numpy()
    mg.manual_seed(3)
    first = x.uniform_(-2, 3).tolist()
    assert x.numpy() is arr and x.dtype == mg.float64 and -2 <= min(first) and max(first) < 3
    mg.manual_seed(3)
    assert x.uniform_(-2, 3).tolist() == first
    x.normal_(1.0, 0.5)
    assert abs(x.numpy().mean() - 1.0) < 0.05 and abs(x.numpy().std() - 0.5) < 0.05
    x.bernoulli_(0.25)
    assert set(np.unique(x.numpy())) <= {0.0, 1.0} and abs(x.numpy().mean() - 0.25) < 0.05
    i = mg.zeros(2000, dtype=mg.int64).random_(3, 7)
    assert set(np.unique(i.numpy())) == {3, 4, 5, 6} and i.dtype == mg.int64
    assert set(np.unique(mg.zeros(500).random_(4).numpy())) == {0.0, 1.0, 2.0, 3.0}
    assert x.uniform_()._version == 5


def test_attributes_match_pytorch():
    torch = _torch()
    for make in (lambda lib: lib.ones(2, 3, 4), lambda lib: lib.ones(2, 3, 4).transpose(0, 2),
                 lambda lib: lib.ones(3, 4)[:, ::2], lambda lib: lib.ones(()), lambda lib: lib.ones(3, 1).expand(3, 5)):
        a, b = make(mg), make(torch)
        assert a.stride() == b.stride() and a.is_contiguous() == b.is_contiguous()
        assert a.nelement() == b.nelement() and a.ndimension() == b.ndimension()
        if a.ndim:
            assert a.stride(-1) == b.stride(-1)


@pytest.mark.parametrize("call", [
    lambda t, lib: t.new_zeros(2, 3), lambda t, lib: t.new_ones((2,)), lambda t, lib: t.new_full((2, 2), 3),
    lambda t, lib: t.new_empty(0, 2), lambda t, lib: t.new_tensor([1, 2]),
    lambda t, lib: t.new_zeros(2, dtype=lib.int32), lambda t, lib: t.new_ones(1, requires_grad=True),
    lambda t, lib: t.new_tensor([[1.5]], dtype=lib.float32, requires_grad=True),
])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_new_constructors_match_pytorch(call, dtype):
    torch = _torch()
    try:
        b = call(torch.ones(1, dtype=getattr(torch, dtype)), torch)
    except RuntimeError as err:
        with pytest.raises(RuntimeError, match=str(err)):
            call(mg.ones(1, dtype=getattr(mg, dtype)), mg)
        return
    a = call(mg.ones(1, dtype=getattr(mg, dtype)), mg)
    assert str(a.dtype) == str(b.dtype).replace("torch", "minigrad") and tuple(a.shape) == tuple(b.shape)
    assert a.requires_grad == b.requires_grad and a.is_leaf
    if b.numel() and call.__code__.co_names[-1] != "new_empty":
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_type_names_and_conversions():
    x = mg.ones(2)
    assert x.type() == "minigrad.FloatTensor" and mg.tensor([1]).type() == "minigrad.LongTensor"
    assert x.type(mg.int32).dtype == mg.int32
    assert x.type("minigrad.DoubleTensor").dtype == mg.float64 and x.type("torch.ByteTensor").dtype == mg.uint8
    assert x.type("torch.FloatTensor") is x
    with pytest.raises(ValueError, match="^invalid type: 'minigrad.NoTensor'$"):
        x.type("minigrad.NoTensor")


def test_select_and_narrow_are_views_of_the_array():
    x = mg.tensor(X)
    assert np.shares_memory(x.select(1, 0).numpy(), x.numpy())
    assert np.shares_memory(x.narrow(0, 1, 2).numpy(), x.numpy())
    np.testing.assert_array_equal(x.narrow(1, -3, 2).numpy(), X[:, 1:3])


def test_einsum_matches_numpy_and_keeps_float32():
    a, b = np.random.default_rng(1).standard_normal((2, 3, 4)), np.random.default_rng(2).standard_normal((4, 5))
    np.testing.assert_allclose(mg.einsum("bij,jk->bki", mg.tensor(a), mg.tensor(b)).numpy(),
                               np.einsum("bij,jk->bki", a, b), rtol=1e-6)
    x = mg.tensor(a, dtype=mg.float32, requires_grad=True)
    out = mg.einsum("bii->b", x[:, :, :3])
    out.sum().backward()
    assert out.dtype == mg.float32 and x.grad.dtype == mg.float32
    assert x.grad.numpy()[:, :, 3].sum() == 0 and x.grad.numpy()[0].trace() == 3


def test_where_method_is_the_function_with_self_as_input():
    x = mg.tensor(X, requires_grad=True)
    y = x.where(x > 0, -1.0)
    np.testing.assert_array_equal(y.detach().numpy(), np.where(X > 0, X, -1.0))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (X > 0).astype(np.float64))
    assert type(y.grad_fn).__name__ == "WhereBackward0"


def test_where_method_matches_live_pytorch():
    torch = _torch()
    got = []
    for lib in (mg, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x.where(x < 0.5, lib.tensor(2.0, dtype=lib.float64))
        (y * y).sum().backward()
        got.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(got[0][0], got[1][0], rtol=1e-12)
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-12)


SCATTER_INDEX = np.array([[0, 1, 0, 2], [1, 0, 0, 2]])


def _scatter_by_loop(a, index, src, reduce):
    out = a.copy()
    for i in range(index.shape[0]):
        for j in range(index.shape[1]):
            if reduce == "add":
                out[index[i, j], j] += src[i, j]
            else:
                out[index[i, j], j] *= src[i, j]
    return out


@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.parametrize("src_kind", ["tensor", "value"])
def test_scatter_with_reduce_combines_repeats_and_has_no_gradient(reduce, src_kind):
    a = X[:3].copy()
    src = np.arange(1.0, 9.0).reshape(2, 4) / 4 if src_kind == "tensor" else np.full((2, 4), 1.5)
    x = mg.tensor(a, dtype=mg.float64, requires_grad=True)
    given = mg.tensor(src) if src_kind == "tensor" else 1.5
    y = x.scatter(0, mg.tensor(SCATTER_INDEX), given, reduce=reduce)
    np.testing.assert_allclose(y.detach().numpy(), _scatter_by_loop(a, SCATTER_INDEX, src, reduce), rtol=1e-15)
    assert type(y.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="^derivative for aten::scatter is not implemented$"):
        y.sum().backward()
    z = mg.tensor(a).scatter_(0, mg.tensor(SCATTER_INDEX), given, reduce=reduce)
    np.testing.assert_allclose(z.numpy(), _scatter_by_loop(a.astype(np.float32), SCATTER_INDEX, src, reduce),
                               rtol=1e-6)


def test_scatter_with_an_unknown_reduce_raises_and_changes_nothing():
    x = mg.tensor(X[:3].copy())
    with pytest.raises(RuntimeError, match=r"^reduce argument must be either add or multiply\.$"):
        x.scatter_(0, mg.tensor(SCATTER_INDEX), 2.0, reduce="sum")
    np.testing.assert_array_equal(x.numpy(), X[:3])


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")  # PyTorch's deprecation notice
@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_reduce_matches_live_pytorch(reduce):
    torch = _torch()
    got = []
    for lib in (mg, torch):
        x = lib.tensor(X[:3], requires_grad=True)
        y = x.scatter(0, lib.tensor(SCATTER_INDEX), lib.tensor(X[1:3] * 2), reduce=reduce)
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
            y.sum().backward()
        got.append(y.detach().numpy())
    np.testing.assert_allclose(got[0], got[1], rtol=1e-12)


def test_index_fill_with_a_0d_tensor_value_gives_it_the_filled_gradient_sum():
    x = mg.tensor(X, requires_grad=True)
    v = mg.tensor(0.25, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda a, b: a.index_fill(1, mg.tensor([0, 3]), b), (x, v))
    y = x.index_fill(1, mg.tensor([0, 3]), v)
    assert type(y.grad_fn).__name__ == "IndexFillBackward1"
    weights = np.arange(12.0).reshape(3, 4)
    (y * mg.tensor(weights)).sum().backward()
    assert v.grad.dtype == mg.float64 and v.grad.item() == weights[:, [0, 3]].sum()
    with pytest.raises(RuntimeError, match=r"only supports a 0-dimensional value tensor, but got tensor with 1 "):
        x.index_fill(1, mg.tensor([0]), mg.tensor([1.0]))


def test_index_fill_with_a_0d_tensor_value_matches_live_pytorch():
    torch = _torch()
    got = []
    for lib in (mg, torch):
        x = lib.tensor(X, dtype=lib.float32, requires_grad=True)
        v = lib.tensor(-1.5, requires_grad=True)
        y = x * 1.0
        y.index_fill_(0, lib.tensor([2, 0]), v)
        (y * y).sum().backward()
        got.append((y.detach().numpy(), x.grad.numpy(), v.grad.numpy()))
    for ours, theirs in zip(*got):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
