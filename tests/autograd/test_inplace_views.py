"""In-place ops and views, as PyTorch's autograd defines them (issue #20).

Each program runs on minigrad and is compared with what PyTorch 2.13 gave for it (written beside it), and with
PyTorch itself when it is importable. A hypothesis test then draws view chains and in-place ops at random and
compares values and gradients with live PyTorch.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad


def _torch():
    return pytest.importorskip("torch")


def _leaf(lib, values):
    return lib.tensor(values, dtype=lib.float64, requires_grad=True)


def zero_is_recorded(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    v = x * 2
    v.zero_()
    v.sum().backward()
    return x.grad


def fill_is_recorded(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    v = x * 2
    v[1:].fill_(7.0)
    (v * v).sum().backward()
    return x.grad


def copy_into_a_detached_tensor_requires_grad(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    y = x.detach().copy_(x * 3)
    y.sum().backward()
    return x.grad


def copy_through_a_slice_of_a_fresh_tensor(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    b = lib.zeros(4, dtype=lib.float64)
    b[1:].copy_(x * x)
    (b * lib.arange(4.0, dtype=lib.float64)).sum().backward()
    return x.grad


def mul_through_a_slice(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    b = x * 1
    b[1:].mul_(10)
    b.sum().backward()
    return x.grad


def mul_through_a_transpose_by_a_tensor(lib):
    x = _leaf(lib, [[1.0, 2.0], [3.0, 4.0]])
    b = x * 1
    b.t().mul_(lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64))
    (b * b).sum().backward()
    return x.grad


def a_view_sees_its_base_written(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    b = x * 1
    v = b[1:]
    b.mul_(2)
    (v * v).sum().backward()
    return x.grad


def one_view_written_another_read(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    b = x * 1
    b.view(3, 1).add_(1)
    w = b[:2]
    (w * w).sum().backward()
    return x.grad


def a_select_of_a_vector_is_a_view(lib):
    x = lib.tensor([1.0, 2.0, 3.0])
    x[0].sub_(5)
    return x


def view_of_a_view_written_with_a_tensor_that_requires_grad(lib):
    x = _leaf(lib, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    s = _leaf(lib, [0.5, -1.0])
    b = x * 2
    b[:, 1:][:, 0].mul_(s)
    b.sum().backward()
    return x.grad, s.grad


def an_in_place_op_keeps_what_it_saved(lib):
    x = _leaf(lib, [0.5, 1.5, -2.0])
    y = x * 1
    y.pow_(3)
    y.sum().backward()
    return x.grad


def divide_a_mean_in_place(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    v = x.mean()
    v.div_(2)
    v.backward()
    return x.grad


def unary_in_place_forms(lib):
    x = _leaf(lib, [0.25, 0.5, 0.75])
    y = x * 1
    y.exp_()
    y.sqrt_()
    y.tanh_()
    y.sum().backward()
    return y, x.grad


def unary_in_place_forms_saving_inputs(lib):
    x = _leaf(lib, [0.25, 0.5, 0.75])
    y = x * 1
    y.sin_()
    y.log1p_()
    y.mul_(2)
    y.sum().backward()
    return y, x.grad


def in_place_on_a_view_of_a_leaf(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    x[0].sub_(5)


def in_place_on_a_view_made_under_no_grad(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    with lib.no_grad():
        v = x[1:]
    v.mul_(2)


def in_place_on_an_output_of_split(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    _, b = (x * 1).split([1, 2])
    b.mul_(2)


def in_place_on_an_output_of_unbind(lib):
    x = _leaf(lib, [[1.0, 2.0], [3.0, 4.0]])
    _, b = (x * 1).unbind()
    b.add_(1)


def zero_an_output_that_backward_needs(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    y = x.exp()
    y.zero_()
    y.sum().backward()


def views_under_no_grad_of_a_tensor_without_grad(lib):
    x = lib.tensor([1.0, 2.0, 3.0])
    with lib.no_grad():
        v = x[1:]
    v.mul_(2)
    return x


def a_leaf_changed_through_a_view_under_no_grad(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    with lib.no_grad():
        x[:2].mul_(2)
    (x * x).sum().backward()
    return x.grad


# name -> (program, PyTorch 2.13's result: arrays, or (exception type, message start))
PROGRAMS = {
    "zero_ is recorded": (zero_is_recorded, [[0.0, 0.0, 0.0]]),
    "fill_ is recorded": (fill_is_recorded, [[8.0, 0.0, 0.0]]),
    "copy_ into a detached tensor": (copy_into_a_detached_tensor_requires_grad, [[3.0, 3.0, 3.0]]),
    "copy_ through a slice of a fresh tensor": (copy_through_a_slice_of_a_fresh_tensor, [[2.0, 8.0, 18.0]]),
    "mul_ through a slice": (mul_through_a_slice, [[1.0, 10.0, 10.0]]),
    "mul_ through a transpose": (mul_through_a_transpose_by_a_tensor, [[[2.0, 36.0], [24.0, 128.0]]]),
    "a view sees its base written": (a_view_sees_its_base_written, [[0.0, 16.0, 24.0]]),
    "one view written, another read": (one_view_written_another_read, [[4.0, 6.0, 0.0]]),
    "x[0] of a vector is a view": (a_select_of_a_vector_is_a_view, [[-4.0, 2.0, 3.0]]),
    "a view of a view written by a tensor": (view_of_a_view_written_with_a_tensor_that_requires_grad, [
        [[2.0, 1.0, 2.0], [2.0, -2.0, 2.0]], [4.0, 10.0]]),
    "an in-place op keeps what it saved": (an_in_place_op_keeps_what_it_saved, [[0.75, 6.75, 12.0]]),
    "a mean divided in place": (divide_a_mean_in_place, [[1 / 6, 1 / 6, 1 / 6]]),
    "unary in-place forms": (unary_in_place_forms, (
        RuntimeError, "one of the variables needed for gradient computation has been modified by an inplace")),
    "unary in-place forms that save their input": (unary_in_place_forms_saving_inputs, None),
    "a view of a leaf": (in_place_on_a_view_of_a_leaf, (
        RuntimeError, "a view of a leaf Variable that requires grad is being used in an in-place operation.")),
    "a view made under no_grad": (in_place_on_a_view_made_under_no_grad, (
        RuntimeError, "A view was created in no_grad mode and is being modified inplace with grad mode enabled.")),
    "an output of split": (in_place_on_an_output_of_split, (
        RuntimeError, "Output 1 of SplitWithSizes is a view and is being modified inplace.")),
    "an output of unbind": (in_place_on_an_output_of_unbind, (
        RuntimeError, "Output 1 of Unbind is a view and is being modified inplace.")),
    "zero_ of an output backward needs": (zero_an_output_that_backward_needs, (
        RuntimeError, "one of the variables needed for gradient computation has been modified by an inplace")),
    "a no_grad view of a tensor without grad": (views_under_no_grad_of_a_tensor_without_grad, [[1.0, 4.0, 6.0]]),
    "a leaf changed through a view under no_grad": (a_leaf_changed_through_a_view_under_no_grad,
                                                     [[4.0, 8.0, 6.0]]),
}


def _run(program, lib):
    try:
        out = program(lib)
    except RuntimeError as err:
        return RuntimeError, str(err)
    outs = out if isinstance(out, tuple) else (out,)
    return [np.asarray(o.detach().numpy(), dtype=np.float64) for o in outs]


def _assert_same(got, expected):
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and got[0] is expected[0], got
        assert got[1].replace("minigrad.", "torch.").startswith(expected[1]), got[1]
        return
    assert not isinstance(got, tuple), got
    assert len(got) == len(expected)
    for ours, theirs in zip(got, expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("name", [n for n, (_, expected) in PROGRAMS.items() if expected is not None])
def test_in_place_program_gives_what_pytorch_gave(name):
    program, expected = PROGRAMS[name]
    _assert_same(_run(program, minigrad), expected)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_in_place_program_matches_live_pytorch(name):
    torch = _torch()
    program, expected = PROGRAMS[name]
    theirs = _run(program, torch)
    if expected is not None:
        _assert_same(theirs, expected)  # the stored result is still PyTorch's
    if isinstance(theirs, tuple):  # the same error, up to PyTorch's hint about anomaly detection
        theirs = (theirs[0], theirs[1].split(" Hint:")[0])
    _assert_same(_run(program, minigrad), theirs)


def test_unary_in_place_forms_follow_the_chain_rule():
    y, grad = _run(unary_in_place_forms_saving_inputs, minigrad)
    x = np.array([0.25, 0.5, 0.75])
    np.testing.assert_allclose(y, 2 * np.log1p(np.sin(x)), rtol=1e-14)
    np.testing.assert_allclose(grad, 2 * np.cos(x) / (1 + np.sin(x)), rtol=1e-12)


def test_a_failed_in_place_write_changes_nothing():
    x = _leaf(minigrad, [1.0, 2.0, 3.0])
    b = x * 1
    parts = b.split([1, 2])
    before = (b.detach().numpy().copy(), b._version, b.grad_fn)
    with pytest.raises(RuntimeError, match="Output 1 of SplitWithSizes"):
        parts[1].mul_(2)
    assert np.array_equal(b.detach().numpy(), before[0]) and b._version == before[1] and b.grad_fn is before[2]


# ---- random view chains, then one in-place op, then a loss: values and gradients against live PyTorch ----------
VIEWS = {
    "slice": lambda t: t[1:] if t.shape[0] > 1 else t[:],
    "select": lambda t: t[0] if t.dim() > 1 else t[:1],
    "t": lambda t: t.t() if t.dim() == 2 else t,
    "view": lambda t: t.view(-1) if t.is_contiguous() else t,
    "unsqueeze": lambda t: t.unsqueeze(0),
    "transpose": lambda t: t.transpose(0, -1),
    "narrow": lambda t: t.narrow(-1, 0, 1),
    "diagonal": lambda t: t.diagonal() if t.dim() == 2 else t,
    "permute": lambda t: t.permute(*reversed(range(t.dim()))),
    "ellipsis": lambda t: t[..., :1],
    "advanced index (a copy)": lambda t: t[[0]],
    "expand": lambda t: t.unsqueeze(0).expand(2, *t.shape),
    "squeeze": lambda t: t.unsqueeze(0).squeeze(0),
}
IN_PLACE = {
    "mul_": lambda v, lib, s: v.mul_(s),
    "add_": lambda v, lib, s: v.add_(s * s),
    "zero_": lambda v, lib, s: v.zero_(),
    "fill_": lambda v, lib, s: v.fill_(0.5),
    "copy_": lambda v, lib, s: v.copy_(s.expand_as(v) if s.dim() == 0 else s),
    "exp_": lambda v, lib, s: v.exp_(),
    "clamp_": lambda v, lib, s: v.clamp_(-0.5, 0.5),
    "setitem": lambda v, lib, s: v.__setitem__(..., s),
}


def _random_program(lib, values, scale, chain, op, write_base_after):
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    s = lib.tensor(scale, dtype=lib.float64, requires_grad=True)
    b = x.sin()
    v = b
    for name in chain:
        v = VIEWS[name](v)
    IN_PLACE[op](v, lib, s)
    if write_base_after:
        b.mul_(2)
    loss = (b * b).sum() + (v * 3).sum()
    loss.backward()
    return [b.detach().numpy(), v.detach().numpy(), x.grad.numpy(),
            np.zeros(()) if s.grad is None else s.grad.numpy()]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    values=st.lists(st.floats(-2, 2, allow_nan=False, width=32), min_size=6, max_size=6),
    scale=st.floats(-2, 2, allow_nan=False, width=32),
    chain=st.lists(st.sampled_from(sorted(VIEWS)), min_size=1, max_size=3),
    op=st.sampled_from(sorted(IN_PLACE)),
    write_base_after=st.booleans(),
)
def test_random_view_chains_written_in_place_match_live_pytorch(values, scale, chain, op, write_base_after):
    torch = _torch()
    data = np.array(values, dtype=np.float64).reshape(2, 3)
    got = {}
    for lib in (minigrad, torch):
        try:
            got[lib.__name__] = _random_program(lib, data, scale, chain, op, write_base_after)
        except RuntimeError as err:
            got[lib.__name__] = type(err)
    ours, theirs = got["minigrad"], got["torch"]
    if isinstance(theirs, type) or isinstance(ours, type):
        assert ours == theirs, (ours, theirs)
        return
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
