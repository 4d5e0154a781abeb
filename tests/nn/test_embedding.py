"""``Embedding`` and ``F.embedding``: lookup, padding rows, max_norm, gradient scaling, ``from_pretrained``, reprs,
errors (stored PyTorch strings and live PyTorch) and gradchecks in float64. Values against PyTorch are in
test_nn_golden.py."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, module_gradcheck, torch_namespace

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn


def test_lookup_shapes_and_values():
    emb = nn.Embedding(10, 3)
    idx = np.array([[1, 2, 4, 5], [4, 3, 2, 9]])
    out = emb(mg.tensor(idx))
    assert tuple(out.shape) == (2, 4, 3)
    np.testing.assert_array_equal(out.detach().numpy(), emb.weight.detach().numpy()[idx])
    assert tuple(emb(mg.tensor(1)).shape) == (3,)
    assert tuple(emb(mg.tensor(np.zeros(0, np.int64))).shape) == (0, 3)


def test_int32_indices():
    emb = nn.Embedding(5, 2)
    picked = emb(mg.tensor([1, 4], dtype=mg.int32)).detach().numpy()
    np.testing.assert_array_equal(picked, emb.weight.detach().numpy()[[1, 4]])


def test_gradient_accumulates_repeated_rows():
    emb = nn.Embedding(4, 2, dtype=mg.float64)
    emb(mg.tensor([[1, 1, 2], [0, 1, 3]])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[1, 1], [3, 3], [1, 1], [1, 1]])


def test_padding_row_is_zero_at_init_and_gets_no_gradient():
    emb = nn.Embedding(5, 2, padding_idx=1)
    np.testing.assert_array_equal(emb.weight.detach().numpy()[1], [0, 0])
    with mg.no_grad():
        emb.weight.detach().numpy()[1] = 7.0  # a non-zero padding row is still returned as is
    out = emb(mg.tensor([[1, 1, 2], [0, 1, 4]]))
    np.testing.assert_array_equal(out.detach().numpy()[0, 0], [7, 7])
    out.backward(mg.ones(2, 3, 2))
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[1, 1], [0, 0], [1, 1], [0, 0], [1, 1]])


def test_negative_padding_idx_counts_from_the_end():
    assert nn.Embedding(10, 3, padding_idx=-1).padding_idx == 9


def test_scale_grad_by_freq():
    emb = nn.Embedding(5, 2, scale_grad_by_freq=True)
    out = emb(mg.tensor([[1, 1, 2], [0, 1, 4]]))
    np.testing.assert_array_equal(out.detach().numpy(), emb.weight.detach().numpy()[[[1, 1, 2], [0, 1, 4]]])
    out.backward(mg.ones(2, 3, 2))
    np.testing.assert_allclose(emb.weight.grad.numpy(), [[1, 1], [1, 1], [1, 1], [0, 0], [1, 1]], rtol=1e-6)


def test_max_norm_renormalises_looked_up_rows_in_place():
    table = mg.tensor([[3.0, 4.0], [1.0, 0.0], [6.0, 8.0]])
    emb = nn.Embedding.from_pretrained(table, max_norm=2.0)
    out = emb(mg.tensor([0, 0, 1]))
    np.testing.assert_allclose(out.numpy()[0], [1.2, 1.6], rtol=1e-6)
    np.testing.assert_allclose(emb.weight.numpy(), [[1.2, 1.6], [1.0, 0.0], [6.0, 8.0]], rtol=1e-6)  # row 2 unused
    assert emb.weight._version == table._version == 1


def test_from_pretrained_shares_memory_and_freezes():
    table = mg.randn(4, 3)
    emb = nn.Embedding.from_pretrained(table)
    assert emb.weight.numpy() is table.numpy()
    assert not emb.weight.requires_grad
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    assert (emb.num_embeddings, emb.embedding_dim) == (4, 3)


def test_state_dict_key_matches_torch():
    torch = pytest.importorskip("torch")
    assert list(nn.Embedding(3, 2).state_dict()) == list(torch.nn.Embedding(3, 2).state_dict()) == ["weight"]


REPRS = {
    "Embedding(10, 3)": lambda L: L.nn.Embedding(10, 3),
    "Embedding(10, 3, padding_idx=0)": lambda L: L.nn.Embedding(10, 3, padding_idx=0),
    "Embedding(10, 3, padding_idx=9)": lambda L: L.nn.Embedding(10, 3, padding_idx=-1),
    "Embedding(10, 3, max_norm=1.0)": lambda L: L.nn.Embedding(10, 3, max_norm=1.0),
    "Embedding(10, 3, max_norm=1.0, norm_type=1.0)": lambda L: L.nn.Embedding(10, 3, max_norm=1.0, norm_type=1.0),
    "Embedding(10, 3, scale_grad_by_freq=True)": lambda L: L.nn.Embedding(10, 3, scale_grad_by_freq=True),
    "Embedding(3, 2)": lambda L: L.nn.Embedding.from_pretrained(L.t(np.ones((3, 2), np.float32))),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_matches_torch(text):
    pytest.importorskip("torch")
    assert repr(REPRS[text](MG)) == repr(REPRS[text](torch_namespace()))


ERRORS = {
    "padding_too_big": (lambda L: L.nn.Embedding(10, 3, padding_idx=10), "AssertionError",
                        "Padding_idx must be within num_embeddings"),
    "padding_too_small": (lambda L: L.nn.Embedding(10, 3, padding_idx=-11), "AssertionError",
                          "Padding_idx must be within num_embeddings"),
    "functional_padding": (lambda L: L.F.embedding(L.t(np.array([1])), L.t(np.ones((3, 2))), padding_idx=5),
                           "AssertionError", "Padding_idx must be within num_embeddings"),
    "index_too_big": (lambda L: L.nn.Embedding(10, 3)(L.t(np.array([10]))), "IndexError",
                      "index out of range in self"),
    "negative_index": (lambda L: L.nn.Embedding(10, 3)(L.t(np.array([-1]))), "IndexError",
                       "index out of range in self"),
    "float_indices": (lambda L: L.nn.Embedding(10, 3)(L.t(np.array([1.0], np.float32))), "RuntimeError",
                      "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                      "but got minigrad.FloatTensor instead (while checking arguments for embedding)"),
    "byte_indices": (lambda L: L.nn.Embedding(10, 3)(L.t(np.array([1], np.uint8))), "RuntimeError",
                     "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                     "but got minigrad.ByteTensor instead (while checking arguments for embedding)"),
    "weight_1d": (lambda L: L.F.embedding(L.t(np.array([1])), L.t(np.ones(3))), "RuntimeError",
                  "'weight' must be 2-D"),
    "pretrained_1d": (lambda L: L.nn.Embedding.from_pretrained(L.t(np.ones(3))), "AssertionError",
                      "Embeddings parameter is expected to be 2-dimensional"),
    "weight_shape": (lambda L: L.nn.Embedding(3, 2, _weight=L.t(np.ones((3, 3)))), "AssertionError",
                     "Shape of weight does not match num_embeddings and embedding_dim"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    assert error_of(lambda: call(MG)) == tuple(map(lambda s: s.replace("torch.", "minigrad."),
                                                   error_of(lambda: call(torch_namespace()))))


def test_sparse_gradients_are_refused():
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(3, 2, sparse=True)


def test_out_of_range_index_changes_nothing():
    emb = nn.Embedding(3, 2, max_norm=0.1)
    before, version = emb.weight.detach().numpy().copy(), emb.weight._version
    with pytest.raises(IndexError):
        emb(mg.tensor([0, 3]))
    np.testing.assert_array_equal(emb.weight.detach().numpy(), before)
    assert emb.weight._version == version


# padding_idx and scale_grad_by_freq change the gradient on purpose (it is no longer the derivative), so only the
# plain lookup is gradchecked; those two are checked above and against PyTorch in test_nn_golden.py.
def test_gradcheck():
    emb = nn.Embedding(5, 3, dtype=mg.float64)
    assert module_gradcheck(emb, mg.tensor([[0, 2, 2], [4, 1, 2]]))


def test_gradcheck_functional():
    idx = mg.tensor([3, 0, 3])  # row 1 unused: its gradient must be 0
    weight = mg.randn(4, 2, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda w: F.embedding(idx, w), (weight,))
