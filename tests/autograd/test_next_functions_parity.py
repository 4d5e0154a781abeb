"""``grad_fn.next_functions`` lists what PyTorch's lists: the same node names, in the same order, with ``None``
where PyTorch has ``None`` (minigrad puts a leaf itself where PyTorch puts its ``AccumulateGrad``, see
docs/differences.md). The expected structures were read from PyTorch 2.13 and are stored here; the same
expressions are also compared live when ``torch`` is installed. Values and gradients of the reflected operators
are checked against numpy, finite differences and live PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck

A = np.random.default_rng(0).standard_normal((3, 4))
C = np.random.default_rng(1).standard_normal((3, 4))
V = np.random.default_rng(2).standard_normal(4)

#: name -> (expression on a library L and tensors a, c (3, 4), v (4,), all requiring grad; PyTorch's structure:
#: the node's name and, per next_functions entry, "leaf", None or the parent node's name)
CASES = {
    "2 * a": (lambda L, a, c, v: 2 * a, ("MulBackward0", ("leaf", None))),
    "a * 2": (lambda L, a, c, v: a * 2, ("MulBackward0", ("leaf", None))),
    "1 + a": (lambda L, a, c, v: 1 + a, ("AddBackward0", ("leaf", None))),
    "1 - a": (lambda L, a, c, v: 1 - a, ("RsubBackward1", ("leaf",))),
    "a - 1": (lambda L, a, c, v: a - 1, ("SubBackward0", ("leaf", None))),
    "array - a": (lambda L, a, c, v: a.__rsub__(L.ones(3, 4, dtype=L.float64)), ("RsubBackward0", ("leaf", None))),
    "2 / a": (lambda L, a, c, v: 2 / a, ("MulBackward0", ("ReciprocalBackward0", None))),
    "a / 2": (lambda L, a, c, v: a / 2, ("DivBackward0", ("leaf", None))),
    "2 ** a": (lambda L, a, c, v: 2 ** a, ("PowBackward2", ("leaf",))),
    "a ** 2": (lambda L, a, c, v: a ** 2, ("PowBackward0", ("leaf",))),
    "a.reciprocal()": (lambda L, a, c, v: a.reciprocal(), ("ReciprocalBackward0", ("leaf",))),
    "where(a > 0, a, c * 2)": (lambda L, a, c, v: L.where(a > 0, a, c * 2),
                               ("WhereBackward0", ("leaf", "MulBackward0"))),
    "where(a > 0, a, 0.0)": (lambda L, a, c, v: L.where(a > 0, a, 0.0), ("WhereBackward0", ("leaf", None))),
    "maximum(a, c)": (lambda L, a, c, v: L.maximum(a, c), ("MaximumBackward0", ("leaf", "leaf"))),
    "minimum(a, 2 * c)": (lambda L, a, c, v: L.minimum(a, 2 * c), ("MinimumBackward0", ("leaf", "MulBackward0"))),
    "max(a, v)": (lambda L, a, c, v: L.max(a, v), ("MaximumBackward0", ("leaf", "leaf"))),
    "a + v": (lambda L, a, c, v: a + v, ("AddBackward0", ("leaf", "leaf"))),
    "a @ v": (lambda L, a, c, v: a @ v, ("MvBackward0", ("leaf", "leaf"))),
    "softmax": (lambda L, a, c, v: L.softmax(a, 1), ("SoftmaxBackward0", ("leaf",))),
    "cat": (lambda L, a, c, v: L.cat([a, c], 0), ("CatBackward0", ("leaf", "leaf"))),
    "mse_loss": (lambda L, a, c, v: L.nn.functional.mse_loss(a, c), ("MseLossBackward0", ("leaf", "leaf"))),
}


def _structure(fn, is_leaf):
    def name(p):
        return None if p is None else "leaf" if is_leaf(p) else p.name()

    return fn.name(), tuple(name(p) for p, _ in fn.next_functions)


def _inputs(lib):
    return [lib.tensor(x, requires_grad=True) for x in (A, C, V)]


@pytest.mark.parametrize("case", CASES)
def test_next_functions_are_pytorchs(case):
    expr, expected = CASES[case]
    out = expr(mg, *_inputs(mg))
    assert _structure(out.grad_fn, lambda p: isinstance(p, mg.Tensor)) == expected


@pytest.mark.parametrize("case", CASES)
def test_the_stored_structures_are_what_pytorch_records(case):
    torch = pytest.importorskip("torch")
    expr, expected = CASES[case]
    out = expr(torch, *_inputs(torch))
    assert _structure(out.grad_fn, lambda p: type(p).__name__ == "AccumulateGrad") == expected


def test_a_number_over_a_tensor_is_its_reciprocal_times_the_number_to_the_last_bit():
    x = np.array([1.0, 2.0, 3.0, 7.0, -0.3], dtype=np.float32)
    got = (3 / mg.tensor(x)).numpy()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.reciprocal(x) * np.float32(3))  # PyTorch's way, not 3 / x ...
    assert not np.array_equal(np.float32(3) / x, got)  # ... which differs in the last bit for 7


@pytest.mark.parametrize("expr", [lambda x: 1 - x, lambda x: 2.5 ** x, lambda x: 0.5 ** x, lambda x: 3 / x,
                                  lambda x: x.reciprocal(), lambda x: mg.where(x > 0, x, 0.0),
                                  lambda x: (x * 1).__rsub__(mg.ones(3, 4, dtype=mg.float64))])
def test_reflected_operators_pass_gradcheck(expr):
    x = mg.tensor(A + np.sign(A), requires_grad=True)  # away from 0, where 3 / x and where() would jump
    assert gradcheck(expr, (x,))


@pytest.mark.parametrize("base", [2.0, 0.5, 0.0])
def test_number_to_a_tensor_power_matches_pytorch_with_a_zero_base(base):
    torch = pytest.importorskip("torch")
    x = np.array([-1.5, 0.0, 0.5, 2.0])
    got, want = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (base ** got).sum().backward()
    (base ** want).sum().backward()
    np.testing.assert_array_equal((base ** got).detach().numpy(), (base ** want).detach().numpy())
    np.testing.assert_array_equal(got.grad.numpy(), want.grad.numpy())


def test_reciprocal_and_reflected_division_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.array([1.0, 2.0, 3.0, 7.0, -0.3], dtype=np.float32)
    got, want = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (3 / got).sum().backward()
    (3 / want).sum().backward()
    np.testing.assert_array_equal((3 / got).detach().numpy(), (3 / want).detach().numpy())
    np.testing.assert_array_equal(got.grad.numpy(), want.grad.numpy())


def test_reciprocal_is_a_function_too_and_agrees_with_numpy():
    x = np.array([[0.5, -2.0], [4.0, 3.0]])
    np.testing.assert_array_equal(mg.reciprocal(mg.tensor(x)).numpy(), np.reciprocal(x))
    np.testing.assert_array_equal(mg.tensor(x).reciprocal().numpy(), np.reciprocal(x))


# maximum / minimum: values are numpy's own (bit for bit, NaN wins); the gradient goes to the larger (smaller)
# operand, half to each on a tie, and on through a NaN to both, as PyTorch's derivative formula says.
TIE_A = np.array([0.1, 0.3, 2.0, -1.0, 5.0, np.nan])
TIE_B = np.array([0.3, 0.1, 2.0, -1.0, np.nan, 1.0])
WEIGHTS = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])


@pytest.mark.parametrize("name,pick", [("maximum", np.maximum), ("minimum", np.minimum)])
def test_maximum_and_minimum_values_and_gradients(name, pick):
    a, b = mg.tensor(TIE_A, requires_grad=True), mg.tensor(TIE_B, requires_grad=True)
    z = getattr(mg, name)(a, b)
    np.testing.assert_array_equal(z.detach().numpy(), pick(TIE_A, TIE_B))  # (0.1 + 0.3 + 0.2) / 2 would not be 0.3
    (z * mg.tensor(WEIGHTS)).sum().backward()
    a_wins = TIE_A > TIE_B if name == "maximum" else TIE_A < TIE_B
    b_wins = TIE_B > TIE_A if name == "maximum" else TIE_B < TIE_A
    share = np.where(TIE_A == TIE_B, WEIGHTS / 2, WEIGHTS)
    np.testing.assert_array_equal(a.grad.numpy(), np.where(b_wins, 0.0, share))
    np.testing.assert_array_equal(b.grad.numpy(), np.where(a_wins, 0.0, share))


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_match_pytorch_with_ties_nan_and_broadcasting(name):
    torch = pytest.importorskip("torch")
    got = []
    for lib in (mg, torch):
        a = lib.tensor(np.stack([TIE_A, TIE_B]), requires_grad=True)
        b = lib.tensor(TIE_B, requires_grad=True)
        z = getattr(lib, name)(a, b)
        (z * lib.tensor(WEIGHTS)).sum().backward()
        got.append([np.asarray(t.detach().numpy()) for t in (z, a.grad, b.grad)])
    for mine, theirs in zip(*got):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_pass_gradcheck_away_from_ties(name):
    a = mg.tensor(A, requires_grad=True)
    c = mg.tensor(C, requires_grad=True)
    assert gradcheck(getattr(mg, name), (a, c))


def test_maximum_of_integers_keeps_the_dtype():
    z = mg.maximum(mg.tensor([1, 5, 3]), mg.tensor([4, 2, 3]))
    assert z.dtype == mg.int64 and z.tolist() == [4, 5, 3] and z.grad_fn is None
