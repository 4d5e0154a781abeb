"""``rsqrt``, ``square``, ``sign``, ``logsumexp``, ``tril`` and ``triu``: values against numpy, gradients by
gradcheck, node names and errors as PyTorch's (stored, and compared live when ``torch`` is installed)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck

X = np.random.default_rng(3).standard_normal((3, 4))
POS = np.abs(X) + 0.5


def _max_shifted_logsumexp(x, axis, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


#: name -> (call on a library's tensor, numpy reference on an array, input, PyTorch's grad_fn name)
CASES = {
    "rsqrt": (lambda t: t.rsqrt(), lambda a: 1 / np.sqrt(a), POS, "RsqrtBackward0"),
    "square": (lambda t: t.square(), lambda a: a * a, X, "PowBackward0"),
    "sign": (lambda t: t.sign(), np.sign, X, "SignBackward0"),
    "logsumexp(1)": (lambda t: t.logsumexp(1), lambda a: _max_shifted_logsumexp(a, 1), X, "LogsumexpBackward0"),
    "logsumexp((0, 1), keepdim)": (lambda t: t.logsumexp((0, 1), keepdim=True),
                                   lambda a: _max_shifted_logsumexp(a, (0, 1), True), X, "LogsumexpBackward0"),
    "tril": (lambda t: t.tril(), np.tril, X, "TrilBackward0"),
    "tril(1)": (lambda t: t.tril(1), lambda a: np.tril(a, 1), X, "TrilBackward0"),
    "triu(-1)": (lambda t: t.triu(-1), lambda a: np.triu(a, -1), X, "TriuBackward0"),
}


@pytest.mark.parametrize("case", CASES)
def test_values_and_node_names(case):
    call, reference, x, name = CASES[case]
    out = call(mg.tensor(x, requires_grad=True))
    np.testing.assert_allclose(out.detach().numpy(), reference(x), rtol=1e-15, atol=1e-15)
    assert out.grad_fn.name() == name


@pytest.mark.parametrize("case", CASES)
def test_gradients_pass_gradcheck(case):
    call, _, x, _ = CASES[case]
    assert gradcheck(call, (mg.tensor(x, requires_grad=True),))


@pytest.mark.parametrize("case", CASES)
def test_values_gradients_and_names_match_pytorch(case):
    torch = pytest.importorskip("torch")
    call, _, x, name = CASES[case]
    w = np.random.default_rng(4).standard_normal(call(torch.tensor(x)).shape)
    got, want = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a, b = call(got), call(want)
    (a * mg.tensor(w)).sum().backward()
    (b * torch.tensor(w)).sum().backward()
    assert b.grad_fn.name() == name
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(got.grad.numpy(), want.grad.numpy(), rtol=1e-13, atol=1e-15)


def test_logsumexp_does_not_overflow_and_keeps_infinities():
    big = mg.tensor([[1000.0, 1000.0], [-np.inf, -np.inf]])
    np.testing.assert_allclose(big.logsumexp(1).numpy(), [1000.0 + np.log(2.0), -np.inf])
    assert mg.logsumexp(mg.tensor([1, 2, 3]), 0).dtype == mg.float32  # integers: the default float dtype


def test_sign_keeps_the_dtype_and_rsqrt_of_integers_is_float():
    assert mg.tensor([-2, 0, 3]).sign().tolist() == [-1, 0, 1] and mg.tensor([-2, 0, 3]).sign().dtype == mg.int64
    assert mg.tensor([4]).rsqrt().dtype == mg.float32


@pytest.mark.parametrize("name", ["tril", "triu"])
def test_tril_and_triu_need_two_dims_in_pytorchs_words(name):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=f"^{name}: input tensor must have at least 2 dimensions$"):
        getattr(x, name)()
    assert x.grad is None


def test_the_functions_are_the_methods():
    x = mg.tensor(POS)
    for name in ("rsqrt", "square", "sign"):
        np.testing.assert_array_equal(getattr(mg, name)(x).numpy(), getattr(x, name)().numpy())
    np.testing.assert_array_equal(mg.logsumexp(x, 0).numpy(), x.logsumexp(0).numpy())
    np.testing.assert_array_equal(mg.tril(x, -1).numpy(), x.tril(-1).numpy())
    np.testing.assert_array_equal(mg.triu(x, 2).numpy(), x.triu(2).numpy())


# ---- bmm ----------------------------------------------------------------------------------------------------------
def test_bmm_is_the_batched_product_and_records_bmmbackward0():
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4, 5))
    out = mg.bmm(mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True))
    np.testing.assert_allclose(out.detach().numpy(), a @ b, rtol=1e-14)
    assert out.grad_fn.name() == "BmmBackward0"
    assert gradcheck(mg.bmm, (mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)))
    np.testing.assert_array_equal(mg.tensor(a).bmm(mg.tensor(b)).numpy(), out.detach().numpy())


SIZE_MESSAGE = "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: "
BMM_ERRORS = [  # (shape of input, shape and dtype of mat2, PyTorch's message)
    ((3, 4), (4, 5), np.float32, "batch1 must be a 3D tensor"),
    ((2, 3, 4), (4, 5), np.float32, "batch2 must be a 3D tensor"),
    ((2, 3, 4), (2, 5, 6), np.float32, SIZE_MESSAGE + "[2, 5]."),
    ((2, 3, 4), (3, 4, 5), np.float32, SIZE_MESSAGE + "[3, 4]."),
    ((2, 3, 4), (2, 4, 5), np.float64, "expected scalar type Float but found Double"),
]


@pytest.mark.parametrize("sa,sb,dtype,message", BMM_ERRORS)
def test_bmm_errors_are_pytorchs(sa, sb, dtype, message):
    a = mg.zeros(*sa, requires_grad=True)
    b = mg.tensor(np.zeros(sb, dtype=dtype))
    with pytest.raises(Exception) as err:
        mg.bmm(a, b)
    assert type(err.value) is RuntimeError and str(err.value) == message and a.grad is None


@pytest.mark.parametrize("sa,sb,dtype,message", BMM_ERRORS)
def test_the_stored_bmm_errors_are_what_pytorch_says(sa, sb, dtype, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as err:
        torch.bmm(torch.zeros(*sa), torch.tensor(np.zeros(sb, dtype=dtype)))
    assert type(err.value) is RuntimeError and str(err.value) == message


# ---- index_select -------------------------------------------------------------------------------------------------
def test_index_select_picks_slices_and_adds_repeated_gradients_back():
    index = np.array([2, 0, 2])
    x = mg.tensor(X, requires_grad=True)
    out = x.index_select(1, mg.tensor(index))
    np.testing.assert_array_equal(out.detach().numpy(), np.take(X, index, axis=1))
    assert out.grad_fn.name() == "IndexSelectBackward0" and len(out.grad_fn.next_functions) == 1
    w = np.random.default_rng(6).standard_normal(out.shape)
    (out * mg.tensor(w)).sum().backward()
    expected = np.zeros_like(X)
    np.add.at(expected, (slice(None), index), w)  # column 2 picked twice: both gradients
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    assert gradcheck(lambda t: mg.index_select(t, 0, mg.tensor([1, 1, 0])), (mg.tensor(X, requires_grad=True),))


INDEX_ERRORS = [  # (dim, index, PyTorch's exception and message)
    (1, np.array([[0, 1]]), IndexError, "index_select(): Index is supposed to be a vector"),
    (1, np.array([0.0, 1.0]), RuntimeError, "index_select(): Expected dtype int32 or int64 for index"),
    (1, np.array([0, 5]), RuntimeError, "INDICES element is out of DATA bounds, id=5 axis_dim=4"),
    (1, np.array([-1]), RuntimeError, "INDICES element is out of DATA bounds, id=-1 axis_dim=4"),
    (0, np.array([4]), IndexError, "index out of range in self"),
    (2, np.array([0]), IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
]


@pytest.mark.parametrize("dim,index,kind,message", INDEX_ERRORS)
def test_index_select_errors_are_pytorchs(dim, index, kind, message):
    x = mg.tensor(X, requires_grad=True)
    with pytest.raises(Exception) as err:
        x.index_select(dim, mg.tensor(index))
    assert type(err.value) is kind and str(err.value) == message and x.grad is None


@pytest.mark.parametrize("dim,index,kind,message", INDEX_ERRORS)
def test_the_stored_index_select_errors_are_what_pytorch_says(dim, index, kind, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as err:
        torch.tensor(X).index_select(dim, torch.tensor(index))
    assert type(err.value) is kind and str(err.value) == message


def test_index_select_matches_pytorch_with_a_zero_d_index():
    torch = pytest.importorskip("torch")
    got = mg.tensor(X).index_select(0, mg.tensor(1))
    want = torch.tensor(X).index_select(0, torch.tensor(1))
    assert tuple(got.shape) == tuple(want.shape) == (1, 4)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
