"""sort, argsort, topk and gather beyond the case table: indices, named tuples, ties, and live PyTorch checks.

The table (tests/golden/ops_cases.py) checks the differentiable values; here the int64 index outputs, the
result types and orders with ties are compared with numpy and, when installed, with PyTorch.
"""

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(11)
X = RNG.standard_normal((3, 5))
TIES = np.array([[2.0, 1.0, 2.0, 0.0, 1.0], [3.0, 3.0, 3.0, -1.0, 3.0]])


def test_sort_indices_reorder_the_input_to_the_values():
    values, indices = mg.tensor(X).sort(1, descending=True)
    assert indices.dtype == mg.int64 and indices.shape == X.shape
    np.testing.assert_array_equal(np.take_along_axis(X, indices.numpy(), 1), values.numpy())
    np.testing.assert_array_equal(values.numpy(), -np.sort(-X, axis=1))


def test_topk_returns_named_tuple_with_values_and_indices():
    res = mg.topk(mg.tensor(X), 2, dim=0, largest=False)
    assert res.values is res[0] and res.indices is res[1]
    assert type(res).__name__ == "topk" and repr(res).startswith("minigrad.return_types.topk(\nvalues=")
    np.testing.assert_array_equal(res.values.numpy(), np.sort(X, axis=0)[:2])
    np.testing.assert_array_equal(res.indices.numpy(), np.argsort(X, axis=0)[:2])
    assert res.indices.dtype == mg.int64 and not res.indices.requires_grad


def test_argsort_gives_sorts_indices_and_records_nothing():
    x = mg.tensor(X, requires_grad=True)
    out = mg.argsort(x, 0, descending=True)
    assert out.grad_fn is None and out.dtype == mg.int64
    np.testing.assert_array_equal(out.numpy(), x.sort(0, descending=True).indices.numpy())


@pytest.mark.parametrize("descending", [False, True])
def test_sort_keeps_ties_in_their_original_order(descending):
    idx = mg.tensor(TIES).sort(1, descending=descending).indices.numpy()
    keys = -TIES if descending else TIES
    np.testing.assert_array_equal(idx, np.argsort(keys, axis=1, kind="stable"))


def test_gather_gradient_adds_up_at_repeated_indices():
    x = mg.tensor(X, requires_grad=True)
    index = mg.tensor([[4, 4, 4], [0, 1, 0], [2, 2, 3]])
    x.gather(1, index).sum().backward()
    expected = np.zeros_like(X)
    np.add.at(expected, (np.arange(3)[:, None], index.numpy()), 1.0)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_sort_and_topk_values_are_not_views_of_the_input():
    x = mg.tensor(X.copy())
    values = x.sort(1).values
    x.numpy()[:] = 0.0
    assert values.numpy().any()


@pytest.mark.parametrize("descending", [False, True])
def test_stable_sort_with_ties_matches_pytorch_live(descending):
    torch = pytest.importorskip("torch")
    ref = torch.sort(torch.tensor(TIES), dim=1, descending=descending, stable=True)
    mine = mg.sort(mg.tensor(TIES), dim=1, descending=descending, stable=True)
    np.testing.assert_array_equal(mine.values.numpy(), ref.values.numpy())
    np.testing.assert_array_equal(mine.indices.numpy(), ref.indices.numpy())
    np.testing.assert_array_equal(
        mg.argsort(mg.tensor(TIES), dim=1, descending=descending, stable=True).numpy(),
        torch.argsort(torch.tensor(TIES), dim=1, descending=descending, stable=True).numpy(),
    )


@pytest.mark.parametrize("k,dim,largest", [(1, -1, True), (3, 1, False), (2, 0, True), (5, 1, True)])
def test_topk_indices_and_repr_match_pytorch_live(k, dim, largest):
    torch = pytest.importorskip("torch")
    ref = torch.tensor(X).topk(k, dim, largest)
    mine = mg.tensor(X).topk(k, dim, largest)
    np.testing.assert_array_equal(mine.indices.numpy(), ref.indices.numpy())
    np.testing.assert_array_equal(mine.values.numpy(), ref.values.numpy())
    assert repr(mine) == repr(ref).replace("torch.", "minigrad.")


def test_sort_repr_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    data = X.astype(np.float32)
    ref = torch.tensor(data, requires_grad=True).sort(0)
    assert repr(mg.tensor(data, requires_grad=True).sort(0)) == repr(ref).replace("torch.", "minigrad.")


def test_topk_unsorted_holds_the_same_elements_as_pytorch_live():
    torch = pytest.importorskip("torch")
    ref = torch.tensor(X).topk(3, sorted=False)
    mine = mg.tensor(X).topk(3, sorted=False)
    np.testing.assert_array_equal(np.sort(mine.indices.numpy(), 1), np.sort(ref.indices.numpy(), 1))


def test_gather_with_integer_input_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    index = np.array([[3, 0], [1, 1], [0, 2]])
    ref = torch.gather(torch.tensor(a), 1, torch.tensor(index))
    mine = mg.gather(mg.tensor(a), 1, mg.tensor(index))
    assert mine.dtype == mg.int64
    np.testing.assert_array_equal(mine.numpy(), ref.numpy())


def test_the_flip_function_wants_a_sequence_of_dims_as_in_pytorch():
    x = mg.arange(4.0)
    assert mg.flip(x, [0]).tolist() == [3.0, 2.0, 1.0, 0.0] == x.flip(0).tolist()
    with pytest.raises(TypeError, match=r"^flip\(\): argument 'dims' \(position 2\) must be tuple of ints, not int$"):
        mg.flip(x, 0)
