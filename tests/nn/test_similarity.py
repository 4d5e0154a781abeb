"""``Unflatten``, ``Bilinear``, ``CosineSimilarity``, ``PairwiseDistance`` and ``F.bilinear``, ``F.cosine_similarity``,
``F.pairwise_distance``, ``F.normalize``, ``F.pad``: reprs and parameter names, initialisation, errors (stored PyTorch
strings and live PyTorch), zero vectors, and gradchecks in float64. Values and gradients against PyTorch are in
test_nn_golden.py (group similarity)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, error_of, module_gradcheck, torch_namespace

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

REPRS = {
    "Unflatten(dim=1, unflattened_size=(2, 3))": lambda L: L.nn.Unflatten(1, (2, 3)),
    "Unflatten(dim=-1, unflattened_size=[2, -1])": lambda L: L.nn.Unflatten(-1, [2, -1]),
    "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)": lambda L: L.nn.Bilinear(2, 3, 4),
    "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)": lambda L: L.nn.Bilinear(2, 3, 4, False),
    "CosineSimilarity()": lambda L: L.nn.CosineSimilarity(0, 1e-6),
    "PairwiseDistance()": lambda L: L.nn.PairwiseDistance(1, 1e-3, True),
}


@pytest.mark.parametrize("text", list(REPRS))
def test_repr(text):
    assert repr(REPRS[text](MG)) == text


@pytest.mark.parametrize("text", list(REPRS))
def test_repr_and_parameter_shapes_match_torch(text):
    pytest.importorskip("torch")
    mine, theirs = REPRS[text](MG), REPRS[text](torch_namespace())
    assert repr(mine) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


def test_bilinear_init_is_uniform_within_one_over_sqrt_in1():
    mg.manual_seed(0)
    m = nn.Bilinear(16, 3, 50)
    bound = 1 / 4
    for p in (m.weight, m.bias):
        assert np.abs(p.detach().numpy()).max() <= bound and np.abs(p.detach().numpy()).max() > 0.9 * bound


def test_bilinear_equals_the_einsum():
    m = nn.Bilinear(3, 2, 4).double()
    x1, x2 = np.random.default_rng(0).standard_normal((2, 5, 3)), np.random.default_rng(1).standard_normal((2, 5, 2))
    want = np.einsum("bni,oij,bnj->bno", x1, m.weight.detach().numpy(), x2) + m.bias.detach().numpy()
    np.testing.assert_allclose(m(mg.tensor(x1), mg.tensor(x2)).detach().numpy(), want, rtol=1e-12)


def test_zero_vectors():
    x = mg.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
    other = mg.tensor([[1.0, 0.0], [0.0, 0.0]])
    cos = F.cosine_similarity(x, other)
    np.testing.assert_array_equal(cos.detach().numpy(), [0.0, 0.0])
    cos.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1e8, 0.0], [0.0, 0.0]])  # 1 / eps, as PyTorch
    y = mg.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
    n = F.normalize(y)
    np.testing.assert_allclose(n.detach().numpy(), [[0.0, 0.0], [0.6, 0.8]])
    n.sum().backward()
    assert np.isfinite(y.grad.numpy()).all()


def test_pairwise_distance_of_equal_vectors_is_eps_times_root_d():
    x = mg.ones(3, 4, dtype=mg.float64, requires_grad=True)
    d = F.pairwise_distance(x, x.detach())
    np.testing.assert_allclose(d.detach().numpy(), np.full(3, 2e-6), rtol=1e-9)
    d.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 4), 0.5), rtol=1e-9)


def test_pairwise_distance_p0_counts_non_zero_differences():
    a = mg.tensor([[1.0, 2.0, 3.0]])
    assert F.pairwise_distance(a, a, p=0, eps=0.0).item() == 0
    assert F.pairwise_distance(a, mg.tensor([[1.0, 0.0, 0.0]]), p=0, eps=0.0).item() == 2


def test_pad_then_crop_gives_the_input_back_and_gradient_ignores_the_border():
    x = mg.randn(2, 3, 4, requires_grad=True)
    y = F.pad(x, (1, 2, 3, 0), value=9.0)
    assert y.shape == (2, 6, 7)
    assert (y.detach().numpy()[:, :3, :] == 9).all() and (y.detach().numpy()[:, :, 0] == 9).all()
    back = F.pad(y, (-1, -2, -3, 0))
    np.testing.assert_array_equal(back.detach().numpy(), x.detach().numpy())
    (y * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3, 4), 2.0))


def test_pad_keeps_integer_dtype_as_torch():
    x = np.arange(6).reshape(2, 3)
    mine = F.pad(mg.tensor(x), (1, 1), value=2.5)
    assert mine.dtype == mg.int64
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(mine.numpy(), torch.nn.functional.pad(torch.tensor(x), (1, 1), value=2.5).numpy())


X34 = np.ones((3, 4), np.float32)
ERRORS = {
    "unflatten_sizes": (lambda L: L.nn.Unflatten(1, (2, 3))(L.t(np.ones((4, 5)))), "RuntimeError",
                        "unflatten: Provided sizes [2, 3] don't multiply up to the size of dim 1 (5) in the input "
                        "tensor"),
    "unflatten_inferred": (lambda L: L.nn.Unflatten(1, (2, -1))(L.t(np.ones((4, 5)))), "RuntimeError",
                           "unflatten: Provided sizes [2, -1] don't multiply up to the size of dim 1 (5) in the input "
                           "tensor"),
    "unflatten_empty": (lambda L: L.nn.Unflatten(1, ())(L.t(np.ones((4, 6)))), "RuntimeError",
                        "unflatten: sizes must be non-empty"),
    "unflatten_dim": (lambda L: L.nn.Unflatten(3, (2, 3))(L.t(np.ones((4, 6)))), "IndexError",
                      "Dimension out of range (expected to be in range of [-2, 1], but got 3)"),
    "unflatten_int": (lambda L: L.nn.Unflatten(1, 6), "TypeError",
                      "unflattened_size must be a tuple of ints, but found type int"),
    "unflatten_float": (lambda L: L.nn.Unflatten(1, (2.0, 3)), "TypeError",
                        "unflattened_size must be tuple of ints, but found element of type float at pos 0"),
    "bilinear_batch": (lambda L: L.nn.Bilinear(2, 3, 4)(L.t(np.ones((5, 2), np.float32)),
                                                        L.t(np.ones((4, 3), np.float32))), "RuntimeError",
                       "bilinear(): input batch dimensions do not match at dim 0: got 5 and 4"),
    "bilinear_in1": (lambda L: L.nn.Bilinear(2, 3, 4)(L.t(np.ones((5, 3), np.float32)),
                                                      L.t(np.ones((5, 3), np.float32))), "RuntimeError",
                     "bilinear(): input1 size does not match weight size: got 3 but expected 2"),
    "bilinear_in2": (lambda L: L.nn.Bilinear(2, 3, 4)(L.t(np.ones((5, 2), np.float32)),
                                                      L.t(np.ones((5, 2), np.float32))), "RuntimeError",
                     "bilinear(): input2 size does not match weight size: got 2 but expected 3"),
    "bilinear_rank": (lambda L: L.F.bilinear(L.t(np.ones((5, 1, 2))), L.t(np.ones((5, 3))), L.t(np.ones((4, 2, 3)))),
                      "RuntimeError", "bilinear(): input dimensions do not match: got 3 and 2"),
    "bilinear_bias": (lambda L: L.F.bilinear(L.t(np.ones((5, 2))), L.t(np.ones((5, 3))), L.t(np.ones((4, 2, 3))),
                                             L.t(np.ones(3))), "RuntimeError",
                      "bilinear(): bias size does not match weight size: got 3 but expected 4"),
    "bilinear_dtype": (lambda L: L.F.bilinear(L.t(np.ones((5, 2))), L.t(X34), L.t(np.ones((4, 2, 3), np.float32))),
                       "RuntimeError", "All tensors must have the same dtype, got input1: double, input2: float, "
                       "weight: float"),
    "cosine_broadcast": (lambda L: L.F.cosine_similarity(L.t(X34), L.t(np.ones((3, 5)))), "RuntimeError",
                         "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1"),
    "cosine_dim": (lambda L: L.nn.CosineSimilarity(2)(L.t(X34), L.t(X34)), "IndexError",
                   "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "cosine_long": (lambda L: L.F.cosine_similarity(L.t(np.ones((3, 4), np.int64)), L.t(np.ones(4, np.int64))),
                    "RuntimeError", "expected common dtype to be floating point, yet common dtype is Long"),
    "pairwise_broadcast": (lambda L: L.F.pairwise_distance(L.t(X34), L.t(np.ones((3, 5)))), "RuntimeError",
                           "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1"),
    "normalize_dim": (lambda L: L.F.normalize(L.t(X34), dim=2), "IndexError",
                      "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    "normalize_long": (lambda L: L.F.normalize(L.t(np.ones((3, 4), np.int64))), "RuntimeError",
                       "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"),
    "pad_odd": (lambda L: L.F.pad(L.t(X34), (1, 2, 3)), "RuntimeError", "Padding length must be divisible by 2"),
    "pad_long": (lambda L: L.F.pad(L.t(X34), (1, 2, 3, 4, 5, 6)), "RuntimeError",
                 "Padding length should be less than or equal to two times the input dimension but got padding "
                 "length 6 and input of dimension 2"),
    "pad_crop_too_much": (lambda L: L.F.pad(L.t(X34), (-1, -4)), "RuntimeError",
                          "narrow(): length must be non-negative."),
    "pad_float": (lambda L: L.F.pad(L.t(X34), (1.5, 2)), "TypeError",
                  "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type float at pos 0"),
    "pad_mode": (lambda L: L.F.pad(L.t(X34), (1, 2), mode="foo"), "NotImplementedError",
                 "Unrecognised padding mode foo"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    assert error_of(lambda: call(MG)) == error_of(lambda: call(torch_namespace()))


def _x(*shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("fn,args", [
    (lambda a, b: F.cosine_similarity(a, b), ((3, 4), (3, 4))),
    (lambda a, b: F.cosine_similarity(a, b, dim=-1), ((2, 3, 4), (4,))),
    (lambda a, b: F.pairwise_distance(a, b), ((3, 4), (3, 4))),
    (lambda a, b: F.pairwise_distance(a, b, p=3.0, keepdim=True), ((3, 4), (3, 4))),
    (lambda a, b: F.pairwise_distance(a, b, p=float("inf")), ((3, 4), (3, 4))),
    (lambda a, b: F.normalize(a * b), ((3, 4), (3, 4))),
    (lambda a, b: F.normalize(a, p=1.5, dim=0) + b, ((3, 4), (4,))),
    (lambda a, b: F.pad(a, (1, -1, 2, 0), value=0.5) * b, ((2, 3), (4, 3))),
], ids=["cos", "cos_broadcast", "pairwise", "pairwise_p3", "pairwise_inf", "normalize", "normalize_p", "pad"])
def test_gradcheck_functions(fn, args):
    assert mg.gradcheck(fn, (_x(*args[0]), _x(*args[1], seed=1)))


def test_gradcheck_bilinear_module_and_function():
    assert module_gradcheck(nn.Bilinear(3, 2, 4).double(), _x(5, 3), _x(5, 2, seed=1))
    assert mg.gradcheck(F.bilinear, (_x(2, 3), _x(2, 2, seed=1), _x(4, 3, 2, seed=2), _x(4, seed=3)))


def test_gradcheck_unflatten():
    assert mg.gradcheck(nn.Unflatten(1, (2, -1)), (_x(3, 6),))
