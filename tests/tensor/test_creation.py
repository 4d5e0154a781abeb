"""Factories: tensor, zeros, ones, empty, full, randn, rand, arange, *_like, manual_seed."""

import numpy as np
import pytest

import minigrad as mg


def test_tensor_from_nested_lists_numbers_and_tensors():
    assert mg.tensor([[1, 2], [3, 4]]).shape == (2, 2)
    assert mg.tensor(5.0).shape == ()
    assert mg.tensor([mg.tensor(1.0), mg.tensor(2.0)]).tolist() == [1.0, 2.0]
    t = mg.tensor([1.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf


def test_zeros_ones_accept_varargs_tuples_and_lists():
    assert mg.zeros(2, 3).shape == mg.zeros((2, 3)).shape == mg.zeros([2, 3]).shape == (2, 3)
    assert mg.ones(2, 3).sum().item() == 6.0 and mg.zeros(2, 3).sum().item() == 0.0
    assert mg.zeros(()).shape == () and mg.zeros(0).shape == (0,)
    assert mg.ones(2, requires_grad=True).requires_grad
    assert mg.ones(2, dtype=mg.int64).tolist() == [1, 1]


def test_empty_has_the_requested_shape_and_dtype():
    assert mg.empty(5, 3, 4, 1).shape == (5, 3, 4, 1)
    assert mg.empty(2, dtype=mg.float64).dtype == mg.float64
    assert mg.empty((3, 0)).shape == (3, 0)


def test_full_fills_and_infers_dtype_from_the_value():
    t = mg.full((2, 2), 1.5)
    assert t.tolist() == [[1.5, 1.5], [1.5, 1.5]] and t.dtype == mg.float32
    assert mg.full([3], 7).dtype == mg.int64
    assert mg.full((2,), 3, dtype=mg.float64).tolist() == [3.0, 3.0]
    assert mg.full((2,), 3.0, requires_grad=True).requires_grad


def test_zeros_like_ones_like_copy_shape_and_dtype():
    ref = mg.tensor([[1, 2, 3]])
    z = mg.zeros_like(ref)
    assert z.shape == (1, 3) and z.dtype == mg.int64 and z.tolist() == [[0, 0, 0]]
    o = mg.ones_like(mg.randn(2, dtype=mg.float64))
    assert o.dtype == mg.float64 and o.tolist() == [1.0, 1.0]
    assert mg.ones_like(ref, dtype=mg.float32).dtype == mg.float32
    w = mg.ones(2, requires_grad=True)
    assert not mg.zeros_like(w).requires_grad and mg.zeros_like(w, requires_grad=True).requires_grad


def test_randn_is_standard_normal():
    mg.manual_seed(0)
    s = mg.randn(20000).numpy().astype(np.float64)
    assert abs(s.mean()) < 0.03 and abs(s.std() - 1.0) < 0.03
    assert mg.randn(2, 3).shape == mg.randn((2, 3)).shape == (2, 3)


def test_rand_is_uniform_on_zero_one():
    mg.manual_seed(0)
    s = mg.rand(20000).numpy()
    assert s.min() >= 0.0 and s.max() < 1.0 and abs(s.mean() - 0.5) < 0.01


def test_manual_seed_same_seed_gives_same_numbers():
    mg.manual_seed(123)
    a = (mg.randn(5), mg.rand(3), mg.randint(0, 10, (4,)), mg.randperm(6))
    mg.manual_seed(123)
    b = (mg.randn(5), mg.rand(3), mg.randint(0, 10, (4,)), mg.randperm(6))
    for p, q in zip(a, b):
        assert p.equal(q)
    mg.manual_seed(124)
    assert not mg.randn(5).equal(a[0])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((5,), [0, 1, 2, 3, 4]),
        ((2, 8, 2), [2, 4, 6]),
        ((5, 0, -2), [5, 3, 1]),
        ((0.0, 1.0, 0.25), [0.0, 0.25, 0.5, 0.75]),
        ((3.0,), [0.0, 1.0, 2.0]),
    ],
)
def test_arange_values(args, expected):
    assert mg.arange(*args).tolist() == expected


def test_arange_dtype_argument():
    assert mg.arange(3, dtype=mg.float64).dtype == mg.float64


def test_eye_and_linspace():
    assert mg.eye(2, 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    np.testing.assert_allclose(mg.linspace(0, 1, 5).numpy(), [0.0, 0.25, 0.5, 0.75, 1.0])
