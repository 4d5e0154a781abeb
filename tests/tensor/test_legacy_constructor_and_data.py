"""``Tensor(...)``, PyTorch's legacy constructor, and ``Tensor.data``, a tensor sharing the array (issue #17).

Each case's expected result was read off PyTorch 2.13 and is written beside it; ``test_..._as_live_pytorch`` checks
the same table against PyTorch itself when it is importable.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad


def _torch():
    return pytest.importorskip("torch")


# (arguments as a function of the library, expected (dtype name, shape) or (exception type, message start))
CONSTRUCTOR_CASES = {
    "list of ints": (lambda lib: lib.Tensor([1, 2]), ("float32", (2,))),
    "nested list of ints": (lambda lib: lib.Tensor([[1, 0], [0, 1]]), ("float32", (2, 2))),
    "list of bools": (lambda lib: lib.Tensor([True, False]), ("float32", (2,))),
    "int64 numpy array": (lambda lib: lib.Tensor(np.array([1, 2])), ("float32", (2,))),
    "float64 numpy array": (lambda lib: lib.Tensor(np.array([1.5, 2.0])), ("float32", (2,))),
    "two sizes": (lambda lib: lib.Tensor(2, 3), ("float32", (2, 3))),
    "one size": (lambda lib: lib.Tensor(3), ("float32", (3,))),
    "a Size": (lambda lib: lib.Tensor(lib.Size([2, 3])), ("float32", (2, 3))),
    "size keyword": (lambda lib: lib.Tensor(size=(4, 1)), ("float32", (4, 1))),
    "a tuple is data": (lambda lib: lib.Tensor((2, 3)), ("float32", (2,))),
    "nothing": (lambda lib: lib.Tensor(), ("float32", (0,))),
    "an int64 tensor": (lambda lib: lib.Tensor(lib.tensor([1, 2])), ("int64", (2,))),
    "a 0-d tensor": (lambda lib: lib.Tensor(lib.tensor(3.0)), ("float32", ())),
    "a float": (lambda lib: lib.Tensor(2.5), (TypeError, "new(): data must be a sequence (got float)")),
    "a numpy float": (lambda lib: lib.Tensor(np.float64(2.0)),
                      (TypeError, "new(): data must be a sequence (got numpy.float64)")),
    "a string": (lambda lib: lib.Tensor("a"), (TypeError, "new(): invalid data type 'str'")),
    "a negative size": (lambda lib: lib.Tensor(-1),
                        (RuntimeError, "Trying to create tensor with negative dimension -1: [-1]")),
    "a list among sizes": (lambda lib: lib.Tensor(2, [3]),
                           (TypeError, "new(): argument 'size' failed to unpack the object at pos 2")),
    "requires_grad": (lambda lib: lib.Tensor(2, 3, requires_grad=True),
                      (TypeError, "new() received an invalid combination of arguments")),
    "ragged data": (lambda lib: lib.Tensor([[1, 2], [3]]), (ValueError, "")),
}


def _outcome(make, lib):
    try:
        t = make(lib)
    except Exception as e:  # noqa: BLE001 (the type is the result)
        return type(e), str(e)
    return str(t.dtype).split(".")[-1], tuple(t.shape)


def _assert_outcome(got, expected):
    if isinstance(expected[0], type):
        assert got[0] is expected[0], got
        assert got[1].startswith(expected[1]), got
    else:
        assert got == expected


@pytest.mark.parametrize("case", list(CONSTRUCTOR_CASES))
def test_the_legacy_constructor_makes_what_pytorch_makes(case):
    make, expected = CONSTRUCTOR_CASES[case]
    _assert_outcome(_outcome(make, minigrad), expected)


@pytest.mark.parametrize("case", list(CONSTRUCTOR_CASES))
def test_the_legacy_constructor_table_is_live_pytorchs(case):
    make, expected = CONSTRUCTOR_CASES[case]
    _assert_outcome(_outcome(make, _torch()), expected)


def test_the_legacy_constructor_copies_data_and_shares_a_tensor():
    array = np.array([1.0, 2.0], dtype=np.float32)
    copied = minigrad.Tensor(array)
    array[0] = 9.0
    assert copied.tolist() == [1.0, 2.0]
    base = minigrad.tensor([1.0, 2.0])
    alias = minigrad.Tensor(base)
    alias[0] = 5.0
    assert base.tolist() == [5.0, 2.0]
    assert minigrad.Tensor(2, 2).tolist() == [[0.0, 0.0], [0.0, 0.0]]  # unspecified in PyTorch; zeros here


def test_the_legacy_constructor_follows_the_default_dtype():
    minigrad.set_default_dtype(minigrad.float64)
    try:
        assert minigrad.Tensor([1, 2]).dtype == minigrad.float64
        assert minigrad.Tensor(2).dtype == minigrad.float64
    finally:
        minigrad.set_default_dtype(minigrad.float32)
    assert minigrad.Tensor([1, 2]).dtype == minigrad.float32


def test_data_is_a_tensor_on_the_same_array_outside_the_graph():
    x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    d = x.data
    assert type(d) is minigrad.Tensor
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 10.0
    d.add_(1.0)
    assert x.tolist() == [11.0, 3.0, 4.0]
    assert x.requires_grad and x.grad_fn is None
    w = minigrad.nn.Parameter(minigrad.ones(2))
    assert type(w.data) is minigrad.Tensor  # as PyTorch: not a Parameter


def test_the_pytorch_idioms_on_data_work():
    lin = minigrad.nn.Linear(3, 2)
    lin.weight.data.zero_()
    lin.bias.data.copy_(minigrad.tensor([1.0, -1.0]))
    lin.bias.data.add_(minigrad.ones(2), alpha=0.5)
    assert np.all(lin.weight.detach().numpy() == 0)
    assert lin.bias.tolist() == [1.5, -0.5]
    lin.weight.data.normal_(0.0, 0.01)
    assert lin.weight.detach().numpy().std() > 0
    _, idx = minigrad.tensor([[0.1, 0.9], [0.8, 0.2]]).max(dim=1)
    assert idx.data.numpy().tolist() == [1, 0]


def test_a_change_through_data_is_not_seen_by_the_version_check():
    # y saves its output for backward; a write through .data is outside autograd, so backward runs on the new
    # values as in PyTorch (where y.data has its own version counter).
    x = minigrad.tensor([0.0, 1.0], requires_grad=True)
    y = x.exp()
    y.data.mul_(2.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([0.0, 1.0]), rtol=1e-6)


def test_a_change_through_data_matches_live_pytorch():
    torch = _torch()
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([0.0, 1.0, -2.0], requires_grad=True)
        y = x.tanh()
        y.data.mul_(0.5)
        (y * y).sum().backward()
        results.append(x.grad.detach().numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_assigning_data_takes_a_tensor_of_any_shape_and_refuses_an_array():
    x = minigrad.ones(3, requires_grad=True)
    x.data = minigrad.zeros(5, dtype=minigrad.float64)
    assert x.shape == (5,) and x.dtype == minigrad.float64 and x.requires_grad
    with pytest.raises(TypeError, match="^Variable data has to be a tensor, but got numpy.ndarray$"):
        x.data = np.zeros(2)
    assert x.shape == (5,)


def test_assigning_data_matches_live_pytorch():
    torch = _torch()
    for lib in (minigrad, torch):
        x = lib.ones(3, requires_grad=True)
        x.data = lib.zeros(5, dtype=lib.float64)
        assert tuple(x.shape) == (5,) and x.dtype == lib.float64 and x.requires_grad
        with pytest.raises(TypeError, match="^Variable data has to be a tensor, but got numpy.ndarray$"):
            x.data = np.zeros(2)
