"""``Tensor.masked_fill`` and ``masked_fill_``: values and gradients against numpy, gradchecks, PyTorch's node name
and errors (checked live when torch is installed), and a failed call changing nothing."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(11)
X = RNG.standard_normal((2, 3))
MASK = X > 0.2
G = RNG.standard_normal((2, 3))


def _lib(name):
    if name == "torch":
        return pytest.importorskip("torch")
    return mg


@pytest.mark.parametrize("inplace", [False, True])
def test_values_and_gradients_against_numpy(inplace):
    x = mg.tensor(X, requires_grad=True)
    v = mg.tensor(-2.5, dtype=mg.float64, requires_grad=True)
    y = x * 1.0
    out = y.masked_fill_(mg.tensor(MASK), v) if inplace else y.masked_fill(mg.tensor(MASK), v)
    if inplace:
        assert out is y
    np.testing.assert_array_equal(out.detach().numpy(), np.where(MASK, -2.5, X))
    out.backward(mg.tensor(G))
    np.testing.assert_allclose(x.grad.numpy(), np.where(MASK, 0.0, G), rtol=1e-15)
    np.testing.assert_allclose(v.grad.numpy(), G[MASK].sum(), rtol=1e-14)


def test_mask_broadcasts_and_the_result_takes_the_broadcast_shape():
    x = mg.tensor(X[0], requires_grad=True)  # (3,) against a (2, 3) mask
    out = x.masked_fill(mg.tensor(MASK), 7.0)
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out.detach().numpy(), np.where(MASK, 7.0, np.broadcast_to(X[0], (2, 3))))
    out.backward(mg.tensor(G))
    np.testing.assert_allclose(x.grad.numpy(), np.where(MASK, 0.0, G).sum(0), rtol=1e-14)


def test_gradcheck():
    mask = mg.tensor(MASK)
    assert mg.gradcheck(lambda a, v: a.masked_fill(mask, v), (mg.tensor(X, requires_grad=True),
                                                             mg.tensor(0.3, dtype=mg.float64, requires_grad=True)))


def test_value_is_taken_in_the_tensors_dtype():
    ints = mg.tensor([1, 2, 3]).masked_fill(mg.tensor([True, False, True]), 2.7)
    assert ints.dtype == mg.int64 and ints.tolist() == [2, 2, 2]
    x = mg.tensor(X.astype(np.float32))
    v = mg.tensor(0.5, dtype=mg.float64, requires_grad=True)
    assert x.masked_fill(mg.tensor(MASK), v).dtype == mg.float32


def test_in_place_without_grad_writes_the_array_and_counts_a_version():
    x = mg.tensor(X.copy())
    array, version = x.numpy(), x._version
    assert x.masked_fill_(mg.tensor(MASK), 0.0) is x
    assert x.numpy() is array and x._version == version + 1
    np.testing.assert_array_equal(x.numpy(), np.where(MASK, 0.0, X))


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_node_name(lib):
    L = _lib(lib)
    y = L.tensor(X, requires_grad=True) * 1
    assert y.masked_fill(L.tensor(MASK), 0.0).grad_fn.name() == "MaskedFillBackward0"
    assert y.masked_fill_(L.tensor(MASK), 0.0).grad_fn.name() == "MaskedFillBackward0"


ERRORS = {
    "int mask": (lambda L, x: x.masked_fill(L.tensor(MASK.astype(np.int64)), 1.0),
                 "masked_fill_ only supports boolean masks, but got mask with dtype long int"),
    "value with dims": (lambda L, x: x.masked_fill(L.tensor(MASK), L.ones(2, dtype=L.float64)),
                        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)."),
    "mask does not broadcast": (lambda L, x: x.masked_fill(L.ones(4, dtype=L.bool), 1.0),
                                "The size of tensor a (4) must match the size of tensor b (3) at non-singleton "
                                "dimension 1"),
    "in place, mask does not broadcast": (lambda L, x: x.masked_fill_(L.ones(4, dtype=L.bool), 1.0),
                                          "The size of tensor a (3) must match the size of tensor b (4) at "
                                          "non-singleton dimension 1"),
    "in place, mask is larger": (lambda L, x: x[0].masked_fill_(L.tensor(MASK), 1.0),
                                 "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    "in place on a leaf": (lambda L, x: L.tensor(X, requires_grad=True).masked_fill_(L.tensor(MASK), 1.0),
                           "a leaf Variable that requires grad is being used in an in-place operation."),
}


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_in_pytorchs_words_and_nothing_changes(lib, case):
    L = _lib(lib)
    make, message = ERRORS[case]
    x = L.tensor(X.copy())
    with pytest.raises(RuntimeError) as info:
        make(L, x)
    assert str(info.value) == message
    np.testing.assert_array_equal(x.numpy(), X)
    assert x._version == 0


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_a_filled_number_is_not_an_input_of_the_node_but_a_value_tensor_is(lib):
    L = _lib(lib)
    y = L.tensor(X, requires_grad=True) * 1
    mask = L.tensor(MASK)
    counts = [len(y.masked_fill(mask, v).grad_fn.next_functions)
              for v in (0.5, L.tensor(0.5, dtype=L.float64), L.tensor(0.5, dtype=L.float64, requires_grad=True))]
    assert counts == [1, 2, 2]
