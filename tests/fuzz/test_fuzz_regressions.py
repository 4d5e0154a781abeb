"""Regression tests for the causes the differential fuzzer (issue #20, ``tests/fuzz/``) found: one test per
cause, named after it, each against an independent reference (PyTorch's value written out, a float64 run, or the
math of the case)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import kernels, nn


@pytest.mark.parametrize("fast", [True, False])
def test_float32_lstm_hidden_size_1_is_right_for_every_batch_row(fast):
    # numpy's in-place negative on a one-column float32 slice was wrong after the first row (the fast loop's sigmoid)
    was = kernels.set_enabled(fast)
    try:
        lstm = nn.LSTM(3, 1)
        for p in lstm.parameters():
            p.detach().numpy()[...] = 0.3
        x = np.arange(18).reshape(3, 2, 3) / 9
        out32, _ = lstm(mg.tensor(x.astype(np.float32)))
        out64, _ = lstm.double()(mg.tensor(x))
    finally:
        kernels.set_enabled(was)
    np.testing.assert_allclose(out32.detach().numpy()[-1, :, 0], [0.8397, 0.8890], atol=1e-4)  # PyTorch 2.13's values
    np.testing.assert_allclose(out32.detach().numpy(), out64.detach().numpy(), rtol=1e-5)


def _grad(f, values, dtype=np.float64):
    x = mg.tensor(np.array(values, dtype=dtype), requires_grad=True)
    f(x).sum().backward()
    return x.grad.numpy()


@pytest.mark.parametrize("cast", ["long", "int", "bool"])
def test_integer_and_bool_casts_of_a_tensor_that_requires_grad_do_not_require_grad(cast):
    y = getattr(mg.tensor([1.5, -2.0], requires_grad=True), cast)()
    assert y.requires_grad is False and y.grad_fn is None


def test_mse_and_l1_loss_of_float32_input_and_int64_target_are_float32():
    x, t = mg.tensor([1.5, 2.0], requires_grad=True), mg.tensor([1, 2])
    assert nn.MSELoss()(x, t).dtype == mg.float32
    assert nn.functional.l1_loss(x, t).dtype == mg.float32


def test_bool_square_and_integer_power_are_int64_and_bool_clamp_follows_pytorch():
    b = mg.tensor([True, False])
    assert b.square().dtype == mg.int64 and (b ** 3).dtype == mg.int64
    assert b.clamp(min=0).dtype == mg.int64 and b.clamp(min=0.5).dtype == mg.float32
    with pytest.raises(NotImplementedError, match="clamp_min_scalar_cpu"):
        b.clamp(min=True)


def test_clamp_by_tensor_bounds_promotes_and_gives_each_bound_its_gradient():
    assert mg.tensor([1, 2]).clamp(min=mg.tensor([0.5, 3.0])).tolist() == [1.0, 3.0]
    x = mg.tensor([1.0, 2.0, 4.0], requires_grad=True)
    lo = mg.tensor([0.0, 3.0, 0.0], requires_grad=True)
    y = x.clamp(min=lo, max=mg.tensor(3.5))
    y.sum().backward()
    assert y.tolist() == [1.0, 3.0, 3.5]
    assert x.grad.tolist() == [1.0, 0.0, 0.0] and lo.grad.tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize("f, values", [
    (lambda x: x.std(), [[2.0, 2.0], [2.0, 2.0]]), (lambda x: x.std(dim=1), [[2.0, 2.0], [-1.0, -1.0]]),
    (lambda x: x.norm(), [[0.0, 0.0], [0.0, 0.0]]), (lambda x: x.norm(dim=1), [[0.0, 0.0], [0.0, 0.0]]),
], ids=["std", "std_dim", "norm", "norm_dim"])
def test_std_and_norm_at_equal_or_zero_values_have_gradient_0_not_nan(f, values):
    # PyTorch's subgradient: sqrt's infinite slope times a zero inner gradient is taken as 0
    np.testing.assert_array_equal(_grad(f, values), 0)


def test_cross_entropy_mean_with_every_target_ignored_has_zero_gradients():
    x = mg.tensor([[1.0, 2.0], [0.0, 3.0]], requires_grad=True)
    loss = nn.functional.cross_entropy(x, mg.tensor([-100, -100]))
    loss.backward()
    assert np.isnan(loss.item())
    np.testing.assert_array_equal(x.grad.numpy(), 0)


@pytest.mark.parametrize("p", [float("inf"), float("-inf")])
def test_inf_norm_over_a_dim_shares_the_gradient_among_tied_extremes(p):
    g = _grad(lambda x: x.norm(p, dim=(1,)), [[2.0, -2.0, 1.0], [1.0, 1.0, 1.0]])
    expected = [[0.5, -0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]] if p > 0 else [[0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3]]
    np.testing.assert_allclose(g, expected)


@pytest.mark.parametrize("p, expected", [(0, 2.0), (3, 9 ** (1 / 3)), (float("-inf"), 0.0)])
def test_norm_takes_p_0_3_and_minus_inf(p, expected):
    np.testing.assert_allclose(mg.tensor([1.0, -2.0, 0.0]).norm(p).item(), expected)


def test_pow_gradient_for_the_base_is_0_where_the_exponent_is_0_even_at_base_0():
    a = mg.tensor([0.0, 2.0], requires_grad=True)
    (a ** mg.tensor([0.0, 0.5])).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [0.0, 0.5 * 2.0 ** -0.5])


def test_clamp_by_a_tensor_propagates_nan_and_keeps_the_dimensioned_operands_dtype():
    x = mg.tensor([1.0, float("nan"), 0.0])
    assert np.isnan(x.clamp(min=mg.tensor([0.0, 0.0, float("nan")])).numpy()[1:]).all()
    assert mg.tensor([1.0, 2.0]).clamp(min=mg.tensor(1.5, dtype=mg.float64)).dtype == mg.float32


# ---- errors: PyTorch's exception type and words (the messages are PyTorch 2.13's) ------------------------------

ERRORS = [
    ("1-D mT", lambda: mg.ones(3).mT, RuntimeError, "tensor.mT is only supported on matrices or batches of matrices"),
    ("split(0)", lambda: mg.ones(2, 3).split(0), RuntimeError, "split_size can only be 0 if dimension size is 0"),
    ("split sizes", lambda: mg.ones(2, 3).split([1, 1], 1), RuntimeError,
     "split_with_sizes expects split_sizes to sum exactly to 3"),
    ("chunk(0)", lambda: mg.ones(2).chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0, got: 0"),
    ("0-d chunk", lambda: mg.tensor(2.0).chunk(1), RuntimeError, "chunk expects at least a 1-dimensional tensor"),
    ("0-d split", lambda: mg.tensor(2.0).split(1), RuntimeError, "split expects at least a 1-dimensional tensor"),
    ("0-d unbind", lambda: mg.tensor(2.0).unbind(), IndexError,
     "Dimension specified as 0 but tensor has no dimensions"),
    ("index_select range", lambda: mg.ones(2, 3).index_select(0, mg.tensor([5])), IndexError,
     "index out of range in self"),
    ("index_select 0-d", lambda: mg.tensor(2.0).index_select(0, mg.tensor([0, 1])), RuntimeError,
     "Index to scalar can have only 1 value, got 2 value(s)"),
    ("view(2.5)", lambda: mg.ones(2, 3).view(2.5), TypeError, "must be tuple of ints"),
    ("sum(keepdim=True)", lambda: mg.ones(2).sum(keepdim=True), TypeError, "received an invalid combination"),
    ("permute()", lambda: mg.ones(2).permute(), TypeError, 'missing 1 required positional arguments: "dims"'),
    ("int softmax", lambda: mg.tensor([1, 2]).softmax(0), NotImplementedError,
     "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    ("bool log_softmax", lambda: mg.tensor([[True]]).log_softmax(0), NotImplementedError,
     "\"log_softmax_kernel_impl\" not implemented for 'Bool'"),
    ("int cross entropy", lambda: nn.functional.cross_entropy(mg.tensor([[1, 2]]), mg.tensor([0])),
     NotImplementedError, "not implemented for 'Long'"),
    ("bool abs", lambda: mg.tensor([True]).abs(), NotImplementedError, "\"abs_cpu\" not implemented for 'Bool'"),
    ("bool relu", lambda: mg.tensor([True]).relu(), RuntimeError, "Boolean inputs not supported for relu"),
    ("bool minus", lambda: -mg.tensor([True]), RuntimeError, "Negation, the `-` operator, on a bool tensor"),
    ("bool - bool", lambda: mg.tensor([True]) - mg.tensor([False]), RuntimeError, "with two bool tensors"),
    ("float - bool", lambda: mg.ones(1) - mg.tensor([True]), RuntimeError, "with a bool tensor is not supported"),
    ("bool argmax", lambda: mg.tensor([True]).argmax(), RuntimeError, "argmax(): does not support bool input"),
    ("bool argmin", lambda: mg.tensor([True]).argmin(), RuntimeError, "argmin(): does not support bool input"),
    ("bool topk", lambda: mg.tensor([True]).topk(1), RuntimeError, "topk does not support bool dtypes on CPU"),
    ("int norm", lambda: mg.tensor([1, 2]).norm(), RuntimeError, "Expected a floating point or complex tensor"),
    ("argmin of empty dim", lambda: mg.ones(2, 0).argmin(1), IndexError,
     "argmin(): Expected reduction dim 1 to have non-zero size."),
    ("Linear of a list", lambda: nn.Linear(1, 2)([[0.5]]), TypeError,
     "linear(): argument 'input' (position 1) must be Tensor, not list"),
    ("Embedding of a list", lambda: nn.Embedding(3, 2)([0, 1]), TypeError,
     "embedding(): argument 'indices' (position 2) must be Tensor, not list"),
    ("stack checks the dim first", lambda: mg.stack([mg.ones(2), mg.ones(())], dim=5), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 5)"),
    ("0-d norm dim", lambda: mg.tensor(1.0).norm(float("-inf"), dim=5), IndexError, "Dimension out of range"),
    ("int norm before the dim", lambda: mg.tensor(2).norm(float("inf"), dim=5), RuntimeError,
     "Expected a floating point or complex tensor as input. Got Long"),
    ("0-d std dim", lambda: mg.tensor(1.0).std(dim=5), IndexError, "Dimension out of range"),
    ("clamp by a clashing tensor", lambda: mg.ones(2, 2).clamp(min=mg.ones(4)), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 1"),
]


@pytest.mark.parametrize("call, kind, words", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_calls_raise_pytorchs_exception_type_and_words(call, kind, words):
    with pytest.raises(Exception) as err:
        call()
    assert type(err.value) is kind and words in str(err.value)


@pytest.mark.parametrize("value, kind, words", [
    ([1.0, 2.0], TypeError, "assigned grad expected to be a Tensor or None but got grad of type list"),
    (mg.ones(3), RuntimeError, "attempting to assign a gradient of size '[3]' to a tensor of size '[2]'"),
    (mg.ones(2, dtype=mg.float64), RuntimeError, "attempting to assign a gradient with dtype 'double'"),
], ids=["list", "shape", "dtype"])
def test_assigning_grad_checks_type_shape_and_dtype_and_changes_nothing(value, kind, words):
    x = mg.ones(2, requires_grad=True)
    x.grad = mg.full((2,), 7.0)
    with pytest.raises(kind, match=re.escape(words)):
        x.grad = value
    assert x.grad.tolist() == [7.0, 7.0]
    with pytest.raises(RuntimeError, match="can't assign Variable as its own grad"):
        x.grad = x
    x.grad = None
    assert x.grad is None


def test_zero_grad_without_none_cannot_fail_halfway_after_a_bad_grad_is_refused():
    a, b = mg.ones(2, requires_grad=True), mg.ones(3, requires_grad=True)
    a.grad, b.grad = mg.ones(2), mg.ones(3)
    with pytest.raises(RuntimeError):
        b.grad = mg.ones(2)
    mg.optim.SGD([a, b], lr=0.1).zero_grad(set_to_none=False)
    assert a.grad.tolist() == [0.0, 0.0] and b.grad.tolist() == [0.0, 0.0, 0.0]


def test_0d_mT_is_the_tensor_and_a_reduction_result_is_contiguous():
    assert mg.tensor(2.0).mT.item() == 2.0
    with pytest.warns(UserWarning, match="degrees of freedom"):  # dim 0 has one element, as PyTorch warns
        assert mg.ones(2, 2, 1).T.var(dim=0).view(-1).shape == (4,)
    assert mg.ones(2, 2, 1).T.sum(dim=0).view(-1).shape == (4,)


def test_cat_with_an_empty_input_that_requires_grad_keeps_requires_grad():
    e = mg.ones(0, requires_grad=True)
    y = mg.cat([e, mg.ones(2, 2)])
    assert y.requires_grad and y.shape == (2, 2)
    y.sum().backward()
    assert e.grad.shape == (0,)


def test_softmax_and_logsumexp_over_an_empty_dim_and_sign_of_bool_and_nan():
    assert mg.ones(2, 0).softmax(1).shape == (2, 0)
    assert mg.ones(2, 0).logsumexp(1).tolist() == [float("-inf")] * 2
    assert mg.tensor([True, False]).sign().tolist() == [True, False]
    assert mg.tensor([float("nan"), -2.0]).sign().tolist() == [0.0, -1.0]


def test_mse_loss_of_empty_tensors_backward_has_an_empty_gradient():
    x = mg.ones(0, requires_grad=True)
    with np.errstate(invalid="ignore"):  # the mean of nothing is nan, as in PyTorch
        nn.functional.mse_loss(x, mg.ones(0)).backward()
    assert x.grad.shape == (0,)


def test_split_of_an_empty_dim_by_0_and_inf_norm_over_a_tuple_and_on_0d():
    assert [p.shape for p in mg.ones(0).split(0)] == [(0,)]
    assert mg.ones(2, 2).norm(float("inf"), (0,)).tolist() == [1.0, 1.0]
    assert mg.tensor(-3.0).norm(float("inf"), 0).item() == 3.0


def test_comparison_of_mixed_dtypes_is_made_in_the_promoted_dtype():
    # float32 (dims) against float64 0-d compares in float32, as PyTorch promotes
    v = 1.0000001
    assert (mg.tensor([v], dtype=mg.float32) == mg.tensor(v, dtype=mg.float64)).tolist() == [True]


def test_chunk_of_an_empty_dim_gives_chunks_empty_pieces():
    assert [p.shape for p in mg.ones(0, 3).chunk(2, 0)] == [(0, 3), (0, 3)]


def test_relu_and_clamp_backward_keep_an_infinite_gradient_out_where_they_block():
    x = mg.tensor([0.0, -1.0, 4.0], requires_grad=True)
    x.clamp(min=1.0, max=0.0).relu().sqrt().sum().backward()  # sqrt'(0) = inf meets a zero slope
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])


def test_in_place_on_an_expand_that_stretches_nothing_works_and_on_a_stretched_one_raises_pytorchs_error():
    base = mg.ones(3)
    base.expand(3).mul_(5)  # a plain view of the same memory, as in PyTorch
    assert base.tolist() == [5.0, 5.0, 5.0]
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single"):
        mg.ones(1).expand(4).mul_(2)


# ---- causes found once the fuzzer followed programs through in-place ops (this stop) ------------------------------
SETITEM_ERRORS = [
    # (tensor, key, value, PyTorch 2.13's exception and message)
    (lambda: mg.ones(3, 2), ..., lambda: mg.ones(1, 1, 2), None),
    (lambda: mg.tensor([-3, -2]), slice(1, None), lambda: mg.tensor([1, 2]), (
        RuntimeError, "The expanded size of the tensor (1) must match the existing size (2) at non-singleton "
                      "dimension 0.  Target sizes: [1].  Tensor sizes: [2]")),
    (lambda: mg.tensor(1.0), ..., lambda: mg.ones(3, 2), (
        RuntimeError, "expand(minigrad.FloatTensor{[3, 2]}, size=[]): the number of sizes provided (0) must be "
                      "greater or equal to the number of dimensions in the tensor (2)")),
    (lambda: mg.tensor(1.0, requires_grad=True), slice(1, None), lambda: 2.0, (
        IndexError, "slice() cannot be applied to a 0-dim tensor.")),
    (lambda: mg.tensor(1.0), 0, lambda: 2.0, (
        IndexError, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python")),
]


@pytest.mark.parametrize("case", range(len(SETITEM_ERRORS)))
def test_item_assignment_checks_the_index_and_the_value_shape_as_pytorch(case):
    make, key, value, expected = SETITEM_ERRORS[case]
    t = make()
    before = t.detach().numpy().copy()
    if expected is None:
        t[key] = value()
        assert np.all(t.detach().numpy() == 1)
        return
    with pytest.raises(expected[0]) as err:
        t[key] = value()
    assert str(err.value).startswith(expected[1])
    np.testing.assert_array_equal(t.detach().numpy(), before)


def test_writes_into_overlapping_memory_raise_pytorchs_error():
    a = mg.arange(4.0)
    with pytest.raises(RuntimeError, match="some elements of the input tensor and the written-to tensor refer"):
        a[:3].copy_(a[1:])
    b = mg.tensor(3.0)
    with pytest.raises(RuntimeError, match="some elements of the input tensor and the written-to tensor refer"):
        b.unsqueeze(-1).add_(b)
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0] and b.item() == 3.0


def test_copying_a_tensor_onto_itself_counts_as_a_write():
    x = mg.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    y.copy_(y)  # PyTorch bumps the version: exp's saved output no longer checks out
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    z = mg.tensor([1, 2]).expand(2, 2)
    z.copy_(z)  # an expanded tensor onto itself: no write, no error


def test_dividing_an_integer_tensor_in_place_raises_pytorchs_error():
    x = mg.tensor([3, -3])
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
        x.div_(2)
    assert x.tolist() == [3, -3]


def test_clamp_in_place_needs_a_bound_and_refuses_bools():
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        mg.ones(2).clamp_()
    with pytest.raises(RuntimeError, match="^result type Long can't be cast to the desired output type bool$"):
        mg.tensor([True]).clamp_(0)


def test_t_and_T_of_a_vector_or_scalar_are_views_not_the_tensor():
    x = mg.tensor([2.0, 3.0], requires_grad=True)
    for view, name in ((x.t(), "TBackward0"), (x.T, "PermuteBackward0"), (mg.tensor(1.0, requires_grad=True).t(),
                                                                          "TBackward0")):
        assert view is not x and type(view.grad_fn).__name__ == name
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        mg.optim.SGD([x.T], lr=0.1)


def test_elu_takes_the_identity_branch_at_nan():
    x = mg.tensor([float("nan"), -1.0, 2.0], requires_grad=True)
    nn.functional.elu(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, np.exp(-1.0), 1.0], rtol=1e-6)  # PyTorch 2.13: 1 at nan


def test_the_zero_norm_counts_nan_as_nonzero():
    assert mg.tensor([float("nan"), 0.0, 2.0]).norm(p=0).item() == 2.0


def test_the_zero_norm_gives_no_gradient_not_a_zero_one():
    # PyTorch: the count's backward returns no gradient, so x.grad stays None unless another path reaches x
    x = mg.tensor([[1.0, 0.0], [3.0, 0.0]], requires_grad=True)
    y = x.norm(0, dim=1)
    assert y.grad_fn.name() == "LinalgVectorNormBackward0" and y.tolist() == [1.0, 1.0]
    y.sum().backward()
    assert x.grad is None
    (x.norm(0) + x.sum()).backward()
    assert x.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_empty_views_are_views():
    x = mg.tensor([0.5], dtype=mg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[1:].mul_(10)
    y = mg.zeros(0, 2, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="Output 0 of SplitWithSizes is a view"):
        y.chunk(2, dim=0)[0].fill_(2.0)


def test_results_made_from_numpy_scalars_can_be_written_in_place():
    idx = mg.tensor(-0.7).exp().argmin(dim=-1)
    idx.zero_()
    assert idx.item() == 0
    values, indices = mg.tensor([0, 3, -2]).max(dim=-1)
    indices.fill_(1)
    assert indices.item() == 1


def test_relu_hardtanh_and_clamp_by_a_tensor_treat_nan_as_pytorch():
    # PyTorch 2.13: relu and hardtanh pass the gradient on at nan; clamp by a tensor gives none to either side
    x = mg.tensor([float("nan"), -1.0, 0.5], requires_grad=True)
    (x.relu() + nn.functional.hardtanh(x)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0, 2.0])
    y = mg.tensor([0.5, float("nan"), 0.2, 3.0], requires_grad=True)
    lo = mg.tensor([float("nan"), 0.0, 1.0, 0.1], requires_grad=True)
    z = y.clamp(min=lo)
    z.sum().backward()
    np.testing.assert_array_equal(z.detach().numpy(), [np.nan, np.nan, 1.0, 3.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(lo.grad.numpy(), [0.0, 0.0, 1.0, 0.0])


def test_gradients_of_0d_leaves_stay_arrays_across_steps():
    x = mg.tensor(2.45, requires_grad=True)
    for kind in ("SGD", "Adam", "Adam"):
        opt = getattr(mg.optim, kind)([x], lr=0.01)
        opt.zero_grad(set_to_none=False)
        (x * x).sum().backward()
        opt.step()
        assert type(x.grad.numpy()) is np.ndarray and type(x.detach().numpy()) is np.ndarray


def test_an_in_place_op_of_a_wider_operand_keeps_the_tensors_dtype_in_the_graph():
    x0 = mg.tensor([[2.0, 1.0]], requires_grad=True)
    x1 = mg.tensor([[2.0, -1.0]], dtype=mg.float64, requires_grad=True)
    x2 = x0.log()
    x2.add_(x1)
    (x2[..., 0] * 3).sum().backward()  # PyTorch 2.13: x0.grad [[1.5, 0]], x1.grad [[3, 0]] (float64)
    assert x2.dtype == mg.float32 and x1.grad.dtype == mg.float64
    np.testing.assert_array_equal(x0.grad.numpy(), [[1.5, 0.0]])
    np.testing.assert_array_equal(x1.grad.numpy(), [[3.0, 0.0]])


def test_a_split_output_whose_base_was_written_is_refused_only_where_it_would_record():
    x = mg.tensor([[0.0, -1.0]], requires_grad=True)
    (a,) = x.split(2, dim=0)
    with mg.no_grad():
        x.mul_(2)
    assert a.long().tolist() == [[0, -2]]  # an integer result records nothing: no error, as in PyTorch
    with pytest.raises(RuntimeError, match="Output 0 of Split is a view and its base or another view of its base"):
        a * 2.0
    empty = mg.zeros(0, requires_grad=True) * 1
    (piece,) = empty.split(0)
    assert piece is not empty and piece._view is not None


def test_cat_of_nothing_but_empty_vectors_takes_any_dim_and_mean_checks_dim_on_0d():
    x = mg.tensor([], requires_grad=True)
    assert mg.cat([x, x], dim=5).shape == (0,)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-1, 0\], but got 5"):
        mg.tensor(3.0).mean(dim=5)


def test_index_fill_of_a_0d_tensor_fills_its_one_element():
    assert mg.tensor(1.0).index_fill(-1, mg.tensor([0]), 2.0).item() == 2.0
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        mg.tensor(1.0, requires_grad=True).index_fill_(0, mg.tensor([0]), 2.0)


def test_fmod_by_a_constant_tensor_saves_nothing_an_in_place_change_could_spoil():
    a = mg.tensor([2.2, 0.0], requires_grad=True)
    b = mg.tensor([0.9, -1.5])
    z = mg.fmod(a, b)
    b.mul_(2)  # PyTorch's FmodBackward saves nothing when b needs no gradient
    z.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0])


def test_integer_powers_to_negative_exponents_follow_pytorch():
    # PyTorch 2.13: a tensor exponent gives C's integer results (1, +-1 or 0); a negative number exponent raises
    assert (3 ** mg.tensor(-1)).item() == 0
    got = mg.tensor([5, -5, 1, -1, 0]) ** mg.tensor([-1, -1, -7, -7, -3])
    assert got.tolist() == [0, 0, 1, -1, 0] and got.dtype == mg.int64
    assert ((-1) ** mg.tensor([-1, -2])).tolist() == [-1, 1]
    assert (2 ** mg.tensor([-1, 3], dtype=mg.int32)).dtype == mg.int32
    with pytest.raises(RuntimeError, match=r"^Integers to negative integer powers are not allowed\.$"):
        mg.tensor(2) ** -1


def test_addcmul_of_integers_takes_value_as_an_integer_and_checks_shapes_as_pytorch():
    a = mg.tensor([[-2, -2], [-2, 0]])
    got = a.addcmul(a, a, value=0.5)  # PyTorch 2.13: int64 [[-2, -2], [-2, 0]] (0.5 is taken as 0)
    assert got.dtype == mg.int64 and got.tolist() == [[-2, -2], [-2, 0]]
    assert a.addcmul(a, a, value=-1.5).tolist() == [[-6, -6], [-6, 0]]
    with pytest.raises(RuntimeError, match=r"^The size of tensor a \(3\) must match the size of tensor b \(2\) at "
                                           r"non-singleton dimension 0$"):
        mg.ones(3).addcmul(mg.ones(2), mg.ones(3))
    with pytest.raises(NotImplementedError, match="\"addcmul_cpu_out\" not implemented for 'Bool'"):
        mg.tensor([True]).addcmul(mg.tensor([True]), mg.tensor([True]))


def test_movedim_of_a_0d_tensor_and_repeated_dims_follow_pytorch():
    x = mg.tensor(1.5, requires_grad=True)
    y = x.movedim(0, -1)
    assert y.shape == () and y.item() == 1.5 and y.requires_grad
    with pytest.raises(RuntimeError, match=r"^movedim: repeated dim in `source` \(\[0, 0\]\)$"):
        mg.ones(2, 3, 1).movedim((0, 0), (1, 2))
    with pytest.raises(RuntimeError, match=r"^movedim: repeated dim in `destination` \(\[1, 1\]\)$"):
        mg.ones(2, 3, 1).movedim((0, 1), (1, 1))


@pytest.mark.parametrize("dim", [0, -1, 1])
def test_repeat_interleave_with_a_dim_of_a_0d_tensor_raises_pytorchs_index_error(dim):
    # PyTorch 2.13 names dim 1 whatever dim is given
    with pytest.raises(IndexError, match=r"expected to be in range of \[-1, 0\], but got 1\)$"):
        mg.tensor(1.5).repeat_interleave(2, dim=dim)
    assert mg.tensor(1.5).repeat_interleave(2).tolist() == [1.5, 1.5]


def test_cdist_checks_dtypes_as_pytorch_and_keeps_nan():
    f32, f64 = mg.zeros(2, 3), mg.zeros(2, 3, dtype=mg.float64)
    with pytest.raises(RuntimeError, match=r"^expected scalar type Float but found Double$"):
        mg.cdist(f32, f64)
    with pytest.raises(RuntimeError, match=r"^expected m1 and m2 to have the same dtype, but got: float != double$"):
        mg.cdist(mg.zeros(30, 3), mg.zeros(30, 3, dtype=mg.float64))  # PyTorch's matmul path past 25 rows
    empty = mg.cdist(mg.zeros(0, 3), mg.zeros(2, 3, dtype=mg.float64))  # an empty result checks nothing
    assert empty.shape == (0, 2) and empty.dtype == mg.float32
    inf = float("inf")
    assert np.isnan(mg.cdist(mg.tensor([[inf, 1.0]]), mg.tensor([[inf, 1.0]])).item())  # inf - inf


def test_einsum_broadcasts_size_1_subscripts_and_its_gradient_sums_them_back():
    a = np.arange(2.0).reshape(2, 1) + 1
    b = np.arange(6.0).reshape(2, 3)
    x, y = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    z = mg.einsum("ij,jk->ik", x, y)  # j is 1 in x, 2 in y: x's column meets each row of y
    np.testing.assert_allclose(z.detach().numpy(), a * b.sum(0))
    (z * z).sum().backward()
    g = 2 * a * b.sum(0)
    np.testing.assert_allclose(x.grad.numpy(), (g * b.sum(0)).sum(1, keepdims=True))
    np.testing.assert_allclose(y.grad.numpy(), np.broadcast_to((g * a).sum(0), (2, 3)))


@pytest.mark.parametrize("equation, shape, message", [
    ("ij,jk->ik", [(2, 3), (2, 3)], "subscript j has size 2 for operand 1 which does not broadcast with previously "
                                    "seen size 3"),
    ("ii->i", [(3, 2)], "subscript i is repeated for operand 0 but the sizes don't match, 2 != 3"),
    ("ij->ik", [(2, 3)], "output subscript k does not appear in the equation for any input operand"),
    ("ij->ii", [(2, 3)], "output subscript i appears more than once in the output"),
    ("i#->i", [(2, 3)], r"invalid subscript given at index 1 in the equation string, subscripts must be in \[a-zA-Z\]"),
    ("i.j->i", [(2, 3)], "found '.' for operand 0 that is not part of any ellipsis"),
    ("ij->i.", [(2, 3)], r"found '.' for output that is not part of any ellipsis \(...\)"),
])
def test_einsum_bad_equations_raise_pytorchs_errors(equation, shape, message):
    # the messages are PyTorch 2.13's; numpy's own ValueErrors used to escape
    with pytest.raises(RuntimeError, match="^einsum\\(\\): " + message + "$"):
        mg.einsum(equation, *[mg.ones(*s) for s in shape])


@pytest.mark.parametrize("equation, shape, expected", [
    ("ij->ji", (2, 3), lambda a: a.T), ("ii->i", (3, 3), np.diagonal), ("iij->ji", (3, 3, 2), np.diagonal)])
def test_einsum_that_sums_nothing_is_a_view_as_in_pytorch(equation, shape, expected):
    a = np.arange(float(np.prod(shape))).reshape(shape)
    x = mg.tensor(a, requires_grad=True)
    v = mg.einsum(equation, x)
    np.testing.assert_array_equal(v.detach().numpy(), expected(a))
    assert type(v.grad_fn).__name__ == "PermuteBackward0"
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        v.mul_(2)
    b = x * 1
    mg.einsum(equation, b).mul_(10)  # writes through to b
    b.sum().backward()
    assert x.grad.sum().item() == a.size + 9 * expected(a).size


def test_diff_along_an_empty_dim_returns_the_tensor_itself_and_checks_the_order():
    x = mg.zeros(1, 0, requires_grad=True)
    assert x.diff(dim=1) is x  # PyTorch 2.13 hands back self (a leaf that requires grad)
    assert x.diff(dim=0).shape == (0, 0)
    y = mg.tensor([1.0, 4.0, 9.0])
    assert y.diff(n=0).tolist() == [1.0, 4.0, 9.0] and y.diff(n=0) is not y
    assert y.diff(n=5).shape == (0,)
    with pytest.raises(RuntimeError, match=r"^order must be non-negative but got -1$"):
        y.diff(n=-1)


def test_an_in_place_change_of_an_operand_promoted_for_a_mixed_dtype_op_fails_backward():
    # PyTorch computes float64 * float32 in float64 but saves the float32 operand itself
    x = mg.ones(3, dtype=mg.float64, requires_grad=True)
    for other in (mg.full((), 0.5), mg.full((1,), 0.5), mg.tensor([1, 2, 3])):
        z = x * other
        other.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation.*is at version 1; expected "
                                               "version 0"):
            z.sum().backward()


def test_transpose_of_a_0d_tensor_is_a_view_not_the_tensor_itself():
    x = mg.tensor(0.5, requires_grad=True)
    y = x.transpose(0, -1)
    assert y is not x and y.grad_fn is not None and not y.is_leaf
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        mg.optim.SGD([y], lr=0.1)


def test_integer_remainder_by_zero_raises_only_when_something_is_divided():
    assert mg.zeros(3, 0, dtype=mg.int64).remainder(mg.tensor(0)).shape == (3, 0)
    with pytest.raises(RuntimeError, match=r"^ZeroDivisionError$"):
        mg.tensor([1, 2]).remainder(0)
    with pytest.raises(RuntimeError, match="The size of tensor a \\(2\\) must match the size of tensor b \\(3\\)"):
        mg.zeros(2, dtype=mg.int64).remainder(mg.zeros(3, dtype=mg.int64))  # the shapes are checked first


def test_index_fill_of_a_tensor_empty_in_another_dim_looks_at_no_index():
    assert mg.zeros(0, 0, 3).index_fill_(1, mg.tensor([0]), 1.0).shape == (0, 0, 3)
    with pytest.raises(RuntimeError, match="index 0 is out of bounds for dimension 1 with size 0"):
        mg.zeros(2, 0).index_fill_(1, mg.tensor([0]), 1.0)  # PyTorch: an internal setStorage error


def test_cat_promotes_over_empty_1d_inputs_too():
    assert mg.cat([mg.ones(2, 2, dtype=mg.bool), mg.zeros(0)]).dtype == mg.float32
    assert mg.cat([mg.ones(2, dtype=mg.int64), mg.zeros(0, dtype=mg.float64)]).dtype == mg.float64


@pytest.mark.parametrize("f", [lambda x: x.relu(), lambda x: x.clamp(min=0), lambda x: x.clamp(-1, 0),
                               lambda x: mg.maximum(x, mg.zeros_like(x)), lambda x: x.clone().clamp_(min=0),
                               lambda x: x.clone().relu_()])
def test_relu_clamp_and_maximum_keep_a_negative_zero_as_pytorch(f):
    got = f(mg.tensor([-0.0, 0.0, -1.0]))
    assert np.signbit(got.numpy()).tolist()[:2] == [True, False]  # 1 / result: -inf, inf in PyTorch 2.13


def test_abs_has_gradient_0_at_nan_as_pytorchs_sign():
    x = mg.tensor([float("nan"), 0.0, -2.0], requires_grad=True)
    x.abs().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, -1.0]


@pytest.mark.parametrize("scalar", [False, True])
def test_xlogy_passes_a_zero_gradient_through_the_log_of_a_negative_number(scalar):
    # PyTorch's dL/dx is xlogy(dL/dz, y): 0 where dL/dz is 0, though log(y) is nan
    x = mg.tensor([-2.0, 3.0], requires_grad=True)
    y = mg.tensor([-1.5, -1.5], requires_grad=True)
    z = x.xlogy(-1.5 if scalar else y)
    z.backward(mg.tensor([0.0, 1.0]))
    assert x.grad.tolist()[0] == 0.0 and np.isnan(x.grad.tolist()[1])


def test_cumprod_gradient_leaves_out_terms_whose_product_holds_a_zero():
    # PyTorch: d out_j / d x_i for j past a zero is exactly 0, so an infinite upstream gradient there adds nothing
    x = mg.tensor([1.0, -0.5, 0.0, 1.0], dtype=mg.float64, requires_grad=True)
    x.cumprod(0).backward(mg.tensor([float("inf"), -2.0, 1.0, float("inf")], dtype=mg.float64))
    assert x.grad.tolist() == [float("inf"), -2.0, float("-inf"), 0.0]
    y = mg.tensor([0.0, 0.0, 1.0, 2.0], dtype=mg.float64, requires_grad=True)
    y.cumprod(0).backward(mg.tensor([-2.0, float("nan"), 0.0, 1.0], dtype=mg.float64))
    assert y.grad.tolist() == [-2.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("loss, name", [(nn.functional.smooth_l1_loss, "SmoothL1LossBackward0"),
                                        (nn.functional.huber_loss, "HuberLossBackward0")])
def test_smooth_l1_and_huber_are_one_node_whose_gradient_stays_finite_at_infinite_differences(loss, name):
    # as a where() of two branches, the branch not taken would pass 0 * inf = nan
    x = mg.tensor([float("-inf"), 0.5, 3.0], requires_grad=True)
    y = mg.tensor([0.0, 0.0, float("inf")], requires_grad=True)
    z = loss(x, y, reduction="sum")
    assert z.grad_fn.name() == name and z.item() == float("inf")
    z.backward()
    assert x.grad.tolist() == [-1.0, 0.5, -1.0] and y.grad.tolist() == [1.0, -0.5, 1.0]


def test_max_and_min_of_everything_share_the_gradient_among_the_nans_and_give_the_rest_exactly_0():
    x = mg.tensor([1.0, float("nan"), 3.0, float("nan")], requires_grad=True)
    x.max().backward(mg.tensor(4.0))
    assert x.grad.tolist() == [0.0, 2.0, 0.0, 2.0]
    y = mg.tensor([0.5, -1.0, -30.0], requires_grad=True)
    y.min().backward(mg.tensor(float("nan")))  # PyTorch: nan only where the min is
    g = y.grad.tolist()
    assert g[:2] == [0.0, 0.0] and np.isnan(g[2])


def test_the_inf_norm_of_a_nan_sends_the_gradient_to_the_nan():
    x = mg.tensor([float("nan"), -2.0], requires_grad=True)
    x.norm(float("inf")).backward()
    assert x.grad.tolist() == [0.0, -0.0]  # sign(nan) is 0, as PyTorch's sgn


def test_prod_with_two_zeros_has_gradient_exactly_0():
    x = mg.tensor([float("nan"), 0.0, float("-inf"), 0.0], requires_grad=True)
    x.prod().backward(mg.tensor(float("nan")))
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_threshold_keeps_nan_and_normalize_keeps_a_nan_norm():
    x = mg.tensor([float("nan"), -2.0, 30.0], requires_grad=True)
    y = nn.functional.threshold(x, 0.5, -1.0)
    assert np.isnan(y.tolist()[0]) and y.tolist()[1:] == [-1.0, 30.0]
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0]
    assert np.isnan(nn.functional.normalize(mg.tensor([float("nan"), -1.0]), dim=0).numpy()).all()


def test_acosh_gradient_is_finite_below_minus_1_and_bce_refuses_nan():
    x = mg.tensor([-30.0, 2.0], dtype=mg.float64, requires_grad=True)
    x.acosh().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / np.sqrt(np.array([899.0, 3.0])), rtol=1e-14)
    with pytest.raises(RuntimeError, match="^all elements of input should be between 0 and 1$"):
        nn.functional.binary_cross_entropy(mg.tensor([float("nan")]), mg.tensor([1.0]))
    with pytest.raises(RuntimeError, match="^all elements of target should be between 0 and 1$"):
        nn.functional.binary_cross_entropy(mg.tensor([0.5]), mg.tensor([float("nan")]))


def test_a_step_function_that_gives_no_gradient_does_not_hold_back_the_other_paths():
    # norm(p=0) passes None, not zeros: y's other user still completes y's gradient, in both engines
    x = mg.tensor([3.0, -1.5], requires_grad=True)
    y = x * 1
    ((y * 2).norm(0) + (y * 3).sum()).backward()
    assert x.grad.tolist() == [3.0, 3.0]
    z = mg.tensor(-1.5, requires_grad=True)
    r = z.reshape(1)
    (r.norm(0) + r * 2).sum().backward()
    assert z.grad.item() == 2.0


@pytest.mark.parametrize("call, name", [
    (lambda L: L.ones(0).var(), "var"), (lambda L: L.ones(3).var(correction=3), "var"),
    (lambda L: L.tensor(1.0).var(), "var"), (lambda L: L.ones(2, 3).var(0, correction=2), "var"),
    (lambda L: L.tensor([1.0]).std(), "std"),
])
def test_var_and_std_with_no_degrees_of_freedom_warn_as_pytorch(call, name):
    message = (f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
               "(input numel divided by output numel).")
    with pytest.warns(UserWarning, match="^" + re.escape(message) + "$"):
        call(mg)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mg.ones(2, 3).std(1), mg.ones(1, 3).var(0, unbiased=False), mg.ones(3).var(correction=2.5)
    torch = pytest.importorskip("torch")
    with pytest.warns(UserWarning, match="^" + re.escape(message)):
        call(torch)


def test_a_node_no_gradient_reaches_still_refuses_saved_values_changed_in_place():
    # PyTorch runs it anyway: exp2 saved its output, which zero_ changed
    x = mg.tensor([2.5], requires_grad=True)
    y = x.exp2()
    y.zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.norm(0).backward()


def test_an_empty_batched_product_is_in_the_second_operands_dtype():
    assert (mg.ones(1, 1, 1, 1) @ mg.ones(0, 1, 1, 1, dtype=mg.float64)).dtype == mg.float64
    with pytest.raises(RuntimeError, match="^Autograd not support dtype: Bool$"):
        mg.ones(3, 0, 2, requires_grad=True) @ mg.ones(1, 2, 2, dtype=mg.bool)


def test_softmax_of_an_empty_bool_or_integer_tensor_returns_it_and_index_select_of_an_empty_dim_refuses():
    for x in (mg.ones(0, 3, dtype=mg.int64), mg.ones(2, 0, dtype=mg.bool)):
        for out in (x.softmax(1), x.log_softmax(-1), nn.functional.softmax(x, 0)):
            assert out.dtype == x.dtype and out.shape == x.shape
    assert nn.functional.softmin(mg.ones(0, 3, dtype=mg.int64), 1).shape == (0, 3)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        mg.ones(2, 3, dtype=mg.int64).softmax(1)
    with pytest.raises(RuntimeError, match="^index_select\\(\\): self indexing axis dim should be positive$"):
        mg.ones(0, 3).index_select(0, mg.tensor([0]))


def test_cat_refuses_a_0d_input_by_its_position_before_it_checks_the_dim():
    with pytest.raises(RuntimeError, match="^zero-dimensional tensor \\(at position 1\\) cannot be concatenated$"):
        mg.cat([mg.ones(0), mg.tensor(0.5)], 5)


@pytest.mark.parametrize("shape, dim, error", [
    ((2, 3), 0, IndexError), ((2, 3), 1, RuntimeError), ((2, 0, 3), 2, RuntimeError), ((0,), 0, IndexError),
    ((2, 3, 4), 2, IndexError), ((0, 3), 1, RuntimeError),
])
def test_index_select_out_of_range_takes_the_wording_of_pytorchs_kernel(shape, dim, error):
    words = "index out of range in self" if error is IndexError else "INDICES element is out of DATA bounds"
    with pytest.raises(error, match=words):
        mg.ones(*shape).index_select(dim, mg.tensor([5]))
