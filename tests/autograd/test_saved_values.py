"""Which values a backward reads, as PyTorch: an op's node fails backward when a value it saved was changed in
place since, and runs when the change was to something it does not read.

For each op, ``y = op(t)`` with ``t`` a non-leaf, then either ``y`` (the result) or ``t`` (the input) is changed in
place (``mul_(1.0)``: the values stay, the version moves) before ``y.sum().backward()``. PyTorch 2.13's outcome is
written out below (``raises`` its "modified by an inplace operation" error, or ``runs``), and compared with live
PyTorch when it is importable. ``exp`` reads its result, ``sin`` its input, ``max()`` both, ``cumsum`` neither.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad

try:
    import torch
except ImportError:
    torch = None

# name: (the op on t, with L the library; PyTorch's outcome after changing the result, after changing the input)
OPS = {
    "exp": (lambda t, L: t.exp(), "raises", "runs"),
    "exp2": (lambda t, L: t.exp2(), "raises", "runs"),
    "expm1": (lambda t, L: t.expm1(), "raises", "runs"),
    "log": (lambda t, L: t.log(), "runs", "raises"),
    "sqrt": (lambda t, L: t.sqrt(), "raises", "runs"),
    "rsqrt": (lambda t, L: t.rsqrt(), "raises", "runs"),
    "reciprocal": (lambda t, L: t.reciprocal(), "raises", "runs"),
    "sigmoid": (lambda t, L: t.sigmoid(), "raises", "runs"),
    "tanh": (lambda t, L: t.tanh(), "raises", "runs"),
    "tan": (lambda t, L: t.tan(), "raises", "runs"),
    "relu": (lambda t, L: t.relu(), "raises", "runs"),
    "sin": (lambda t, L: t.sin(), "runs", "raises"),
    "erf": (lambda t, L: t.erf(), "runs", "raises"),
    "erfinv": (lambda t, L: (t * 0.1).erfinv(), "runs", "runs"),
    "abs": (lambda t, L: t.abs(), "runs", "raises"),
    "t ** 2": (lambda t, L: t ** 2, "runs", "raises"),
    "t ** 2.5": (lambda t, L: t ** 2.5, "runs", "raises"),
    "t ** tensor": (lambda t, L: t ** (t.detach() * 0 + 2), "raises", "raises"),
    "2 ** t": (lambda t, L: 2 ** t, "raises", "raises"),
    "square": (lambda t, L: t.square(), "runs", "raises"),
    "max()": (lambda t, L: t.max(), "raises", "raises"),
    "min()": (lambda t, L: t.min(), "raises", "raises"),
    "max(dim)": (lambda t, L: t.max(1)[0], "runs", "runs"),
    "logsumexp": (lambda t, L: t.logsumexp(1), "raises", "raises"),
    "norm": (lambda t, L: t.norm(), "raises", "raises"),
    "norm(p=1)": (lambda t, L: t.norm(p=1), "raises", "raises"),
    "norm(p=inf)": (lambda t, L: t.norm(p=float("inf")), "raises", "raises"),
    "norm(dim=1)": (lambda t, L: t.norm(dim=1), "raises", "raises"),
    "norm(p=3)": (lambda t, L: t.norm(p=3), "raises", "raises"),
    "std": (lambda t, L: t.std(), "raises", "raises"),
    "std(1)": (lambda t, L: t.std(1), "raises", "raises"),
    "var": (lambda t, L: t.var(), "runs", "raises"),
    "softmax": (lambda t, L: t.softmax(1), "raises", "runs"),
    "log_softmax": (lambda t, L: t.log_softmax(1), "raises", "runs"),
    "softmin": (lambda t, L: L.nn.functional.softmin(t, 1), "raises", "runs"),
    "prod": (lambda t, L: t.prod(), "raises", "raises"),
    "prod(1)": (lambda t, L: t.prod(1), "raises", "raises"),
    "cumprod": (lambda t, L: t.cumprod(1), "raises", "raises"),
    "cumsum": (lambda t, L: t.cumsum(1), "runs", "runs"),
    "mean": (lambda t, L: t.mean(), "runs", "runs"),
    "sum": (lambda t, L: t.sum(), "runs", "runs"),
    "hypot": (lambda t, L: t.hypot(t * 2), "raises", "raises"),
    "atan2": (lambda t, L: t.atan2(t * 2 + 1), "runs", "raises"),
    "elu": (lambda t, L: L.nn.functional.elu(t), "runs", "raises"),
    "gelu": (lambda t, L: L.nn.functional.gelu(t), "runs", "raises"),
    "gelu(tanh)": (lambda t, L: L.nn.functional.gelu(t, approximate="tanh"), "runs", "raises"),
    "silu": (lambda t, L: L.nn.functional.silu(t), "runs", "raises"),
    "softplus": (lambda t, L: L.nn.functional.softplus(t), "runs", "raises"),
    "leaky_relu": (lambda t, L: L.nn.functional.leaky_relu(t), "runs", "raises"),
    "hardtanh": (lambda t, L: L.nn.functional.hardtanh(t), "runs", "raises"),
    "relu6": (lambda t, L: L.nn.functional.relu6(t), "runs", "raises"),
    "threshold": (lambda t, L: L.nn.functional.threshold(t, 0.5, 0.0), "runs", "raises"),
    "prelu": (lambda t, L: L.nn.functional.prelu(t, t.detach()[0, :1] * 0 + 0.25), "runs", "raises"),
    "logsigmoid": (lambda t, L: L.nn.functional.logsigmoid(t), "runs", "raises"),
    "clamp": (lambda t, L: t.clamp(0, 1), "runs", "raises"),
    "sinh": (lambda t, L: t.sinh(), "runs", "raises"),
    "cosh": (lambda t, L: t.cosh(), "runs", "raises"),
    "asinh": (lambda t, L: t.asinh(), "runs", "raises"),
    "atan": (lambda t, L: t.atan(), "runs", "raises"),
    "log1p": (lambda t, L: t.log1p(), "runs", "raises"),
    "log2": (lambda t, L: t.log2(), "runs", "raises"),
    "erfc": (lambda t, L: t.erfc(), "runs", "raises"),
    "mul": (lambda t, L: t * t, "runs", "raises"),
    "div": (lambda t, L: t / (t + 3), "runs", "raises"),
    "xlogy": (lambda t, L: t.xlogy(t + 3), "runs", "raises"),
    "lerp": (lambda t, L: t.lerp(t * 2, 0.3), "runs", "runs"),
    "where": (lambda t, L: L.where(t > 0.5, t, t * 2), "runs", "runs"),
    "sort": (lambda t, L: t.sort(1)[0], "runs", "runs"),
    "topk": (lambda t, L: t.topk(2, 1)[0], "runs", "runs"),
    "maximum": (lambda t, L: L.maximum(t, t.detach() * 0 + 0.5), "runs", "raises"),
    "matmul": (lambda t, L: t @ t.T, "runs", "raises"),
    "linear": (lambda t, L: L.nn.functional.linear(t, t[:2]), "runs", "raises"),
    "sign": (lambda t, L: t.sign(), "runs", "runs"),
    "frac": (lambda t, L: t.frac(), "runs", "runs"),
    "addcdiv": (lambda t, L: t.addcdiv(t, t + 3), "runs", "raises"),
    "addcmul": (lambda t, L: t.addcmul(t, t), "runs", "raises"),
    "mse_loss": (lambda t, L: L.nn.functional.mse_loss(t, t.detach() * 0), "runs", "raises"),
    "l1_loss": (lambda t, L: L.nn.functional.l1_loss(t, t.detach() * 0), "runs", "runs"),
    "smooth_l1_loss": (lambda t, L: L.nn.functional.smooth_l1_loss(t, t.detach() * 0), "runs", "raises"),
    "cross_entropy": (lambda t, L: L.nn.functional.cross_entropy(t, L.tensor([0, 1])), "runs", "runs"),
    "nll_loss": (lambda t, L: L.nn.functional.nll_loss(t, L.tensor([0, 1])), "runs", "raises"),
    "binary_cross_entropy": (lambda t, L: L.nn.functional.binary_cross_entropy(t.sigmoid(), t.detach() * 0 + 0.5),
                             "runs", "runs"),
    "kl_div": (lambda t, L: L.nn.functional.kl_div(t.log_softmax(1), t.detach().softmax(1), reduction="batchmean"),
               "runs", "runs"),
    "cdist": (lambda t, L: L.cdist(t, t.detach() * 0 + 1), "raises", "raises"),
    "normalize": (lambda t, L: L.nn.functional.normalize(t), "runs", "raises"),
    "cosine_similarity": (lambda t, L: L.nn.functional.cosine_similarity(t, t.detach() + 1), "runs", "raises"),
    "layer_norm": (lambda t, L: L.nn.functional.layer_norm(t, (3,)), "runs", "raises"),
}

# the in-place forms: y is t itself, changed once more in place afterwards
IN_PLACE = {
    "cumprod_": (lambda t, L: t.cumprod_(1), "raises"),
    "exp_": (lambda t, L: t.exp_(), "raises"),
    "sqrt_": (lambda t, L: t.sqrt_(), "raises"),
    "reciprocal_": (lambda t, L: t.reciprocal_(), "raises"),
    "sigmoid_": (lambda t, L: t.sigmoid_(), "raises"),
    "tanh_": (lambda t, L: t.tanh_(), "raises"),
    "relu_": (lambda t, L: t.relu_(), "raises"),
    "pow_": (lambda t, L: t.pow_(2), "runs"),
    "clamp_": (lambda t, L: t.clamp_(0, 1), "runs"),
    "elu(inplace=True)": (lambda t, L: L.nn.functional.elu(t, inplace=True), "raises"),
    "leaky_relu(inplace=True)": (lambda t, L: L.nn.functional.leaky_relu(t, inplace=True), "raises"),
    "hardtanh(inplace=True)": (lambda t, L: L.nn.functional.hardtanh(t, inplace=True), "runs"),
    "relu6(inplace=True)": (lambda t, L: L.nn.functional.relu6(t, inplace=True), "runs"),
    "threshold(inplace=True)": (lambda t, L: L.nn.functional.threshold(t, 0.5, 0.0, inplace=True), "runs"),
}


# Ops with a second operand u, an int64 index i ([0, 2]) and a bool mask m: which of t, u, i, m and the result y,
# changed in place, makes PyTorch 2.13's backward fail ("R") or not ("-"). (kron is left out: PyTorch's views of
# its inputs miss their changes, pytorch/pytorch#54135, and minigrad's do not.)
WITH_OPERANDS = {
    "index_add": (lambda t, u, i, m, L: t.index_add(1, i, u[:, :2]), "-RR--"),
    "index_add(alpha)": (lambda t, u, i, m, L: t.index_add(1, i, u[:, :2], alpha=2), "-RR--"),
    "index_fill": (lambda t, u, i, m, L: t.index_fill(1, i, 2.0), "--R--"),
    "index_select": (lambda t, u, i, m, L: t.index_select(1, i), "--R--"),
    "masked_select": (lambda t, u, i, m, L: t.masked_select(m), "R--R-"),
    "masked_fill": (lambda t, u, i, m, L: t.masked_fill(m, 2.0), "---R-"),
    "take": (lambda t, u, i, m, L: t.take(i), "R-R--"),
    "gather": (lambda t, u, i, m, L: t.gather(1, i.expand(2, 2)), "R-R--"),
    "scatter": (lambda t, u, i, m, L: t.scatter(1, i.expand(2, 2), u[:, :2]), "--R--"),
    "scatter_add": (lambda t, u, i, m, L: t.scatter_add(1, i.expand(2, 2), u[:, :2]), "--R--"),
    "addcmul": (lambda t, u, i, m, L: t.addcmul(u, u), "-R---"),
    "addcmul2": (lambda t, u, i, m, L: u.addcmul(t, u), "RR---"),
    "addcdiv": (lambda t, u, i, m, L: t.addcdiv(u, u + 3), "-R---"),
    "addcdiv2": (lambda t, u, i, m, L: u.addcdiv(t, u + 3), "R----"),
    "lerp(t,u,w)": (lambda t, u, i, m, L: t.lerp(u, u * 0 + 0.3), "RR---"),
    "lerp(u,t,w)": (lambda t, u, i, m, L: u.lerp(t, t * 0 + 0.3), "RR---"),
    "where": (lambda t, u, i, m, L: L.where(m, t, u), "---R-"),
    "where2": (lambda t, u, i, m, L: L.where(m, u, t), "---R-"),
    "getitem[i]": (lambda t, u, i, m, L: t[:, i], "--R--"),
    "getitem[m]": (lambda t, u, i, m, L: t[m], "---R-"),
    "repeat_interleave": (lambda t, u, i, m, L: t.repeat_interleave(2, dim=1), "-----"),
    "diff": (lambda t, u, i, m, L: t.diff(), "-----"),
    "cat": (lambda t, u, i, m, L: L.cat([t, u]), "-----"),
    "stack": (lambda t, u, i, m, L: L.stack([t, u]), "-----"),
    "mul(u)": (lambda t, u, i, m, L: t * u, "RR---"),
    "div(u)": (lambda t, u, i, m, L: t / (u + 3), "R----"),
    "u/t": (lambda t, u, i, m, L: u / (t + 3), "-R---"),
    "pow(t,u)": (lambda t, u, i, m, L: t ** u, "RR--R"),
    "pow(u,t)": (lambda t, u, i, m, L: u ** t, "RR--R"),
    "atan2(t,u)": (lambda t, u, i, m, L: t.atan2(u), "RR---"),
    "atan2(u,t)": (lambda t, u, i, m, L: u.atan2(t), "RR---"),
    "hypot(u,t)": (lambda t, u, i, m, L: u.hypot(t), "RR--R"),
    "maximum(u,t)": (lambda t, u, i, m, L: L.maximum(u, t), "RR---"),
    "fmod(t,u)": (lambda t, u, i, m, L: t.fmod(u + 3), "R----"),
    "remainder(t,u)": (lambda t, u, i, m, L: t.remainder(u + 3), "R----"),
    "xlogy(u,t)": (lambda t, u, i, m, L: u.xlogy(t + 3), "-R---"),
    "matmul(t,u.T)": (lambda t, u, i, m, L: t @ u.T, "RR---"),
    "mse(t,u)": (lambda t, u, i, m, L: L.nn.functional.mse_loss(t, u), "RR---"),
    "l1(t,u)": (lambda t, u, i, m, L: L.nn.functional.l1_loss(t, u), "-----"),
    "smoothl1(t,u)": (lambda t, u, i, m, L: L.nn.functional.smooth_l1_loss(t, u), "RR---"),
    "huber(t,u)": (lambda t, u, i, m, L: L.nn.functional.huber_loss(t, u), "RR---"),
    "bce(t,u)": (lambda t, u, i, m, L: L.nn.functional.binary_cross_entropy(t.sigmoid(), u.sigmoid()), "-----"),
    "bcewl(t,u)": (lambda t, u, i, m, L: L.nn.functional.binary_cross_entropy_with_logits(t, u.sigmoid()), "R----"),
    "kl(t,u)": (lambda t, u, i, m, L: L.nn.functional.kl_div(t, u, reduction="sum"), "RR---"),
    "linear(t,u)": (lambda t, u, i, m, L: L.nn.functional.linear(t, u), "RR---"),
    "clamp(t,u)": (lambda t, u, i, m, L: t.clamp(min=u), "RR---"),
    "clamp(u,t)": (lambda t, u, i, m, L: u.clamp(max=t), "RR---"),
    "cross_entropy(prob)": (lambda t, u, i, m, L: L.nn.functional.cross_entropy(t, u.softmax(1)), "-----"),
    "cosine_sim": (lambda t, u, i, m, L: L.nn.functional.cosine_similarity(t, u), "RR---"),
    "pairwise_distance": (lambda t, u, i, m, L: L.nn.functional.pairwise_distance(t, u), "----R"),
    "tril": (lambda t, u, i, m, L: t[:, :2].tril(), "-----"),
    "roll": (lambda t, u, i, m, L: t.roll(1, 1), "-----"),
    "flip": (lambda t, u, i, m, L: t.flip(1), "-----"),
    "repeat": (lambda t, u, i, m, L: t.repeat(2, 1), "-----"),
    "nan_to_num": (lambda t, u, i, m, L: t.nan_to_num(), "R----"),
    "outer": (lambda t, u, i, m, L: L.outer(t[0], u[0]), "RR---"),
    "einsum": (lambda t, u, i, m, L: L.einsum("ij,kj->ik", t, u), "RR---"),
    "bmm": (lambda t, u, i, m, L: L.bmm(t[None], u.T[None]), "RR---"),
    "addmm": (lambda t, u, i, m, L: L.addmm(t[:, :2], t, u.T), "RR---"),
    "baddbmm": (lambda t, u, i, m, L: L.baddbmm(t[None, :, :2], t[None], u.T[None]), "RR---"),
    "softmax(t)*u": (lambda t, u, i, m, L: t.softmax(1) * u, "-R---"),
}


def outcome(lib, op, change: str) -> str:
    """``op`` on a non-leaf, ``change`` ('result' or 'input') changed in place, then backward: raises or runs."""
    x = lib.tensor(np.array([[0.3, 0.7, 1.2], [0.9, 0.2, 0.5]]), requires_grad=True)
    t = x * 1
    y = op(t, lib)
    (y if change == "result" else t).mul_(1.0)
    try:
        y.sum().backward()
    except RuntimeError as err:
        assert "modified by an inplace operation" in str(err)
        return "raises"
    return "runs"


@pytest.mark.parametrize("name", OPS)
def test_a_change_in_place_fails_backward_exactly_where_pytorchs_does(name):
    op, after_result, after_input = OPS[name]
    assert (outcome(minigrad, op, "result"), outcome(minigrad, op, "input")) == (after_result, after_input)


@pytest.mark.parametrize("name", IN_PLACE)
def test_the_result_of_an_in_place_form_is_read_as_in_pytorch(name):
    op, expected = IN_PLACE[name]
    assert outcome(minigrad, op, "result") == expected


@pytest.mark.skipif(torch is None, reason="live comparison with PyTorch")
def test_the_written_out_outcomes_are_pytorchs():
    for name, (op, after_result, after_input) in OPS.items():
        assert (outcome(torch, op, "result"), outcome(torch, op, "input")) == (after_result, after_input), name
    for name, (op, expected) in IN_PLACE.items():
        assert outcome(torch, op, "result") == expected, name


def test_the_message_names_the_tensor_and_its_version():
    t = minigrad.tensor([[0.3, 0.7]], requires_grad=True) * 1
    y = t.norm()
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match=r"\[minigrad.FloatTensor \[\]\], which is output 0 of Sqrt, is at "
                                           r"version 1; expected version 0 instead"):
        y.backward()


def outcomes_with_operands(lib, op) -> str:
    """``op(t, u, i, m)``; then each of t, u, i, m, y in turn changed in place before backward: 'R' or '-'."""
    found = ""
    for which in "tuimy":
        x = lib.tensor(np.array([[0.3, 0.7, 1.2], [0.9, 0.2, 0.5]]), requires_grad=True)
        w = lib.tensor(np.array([[0.6, 0.1, 0.4], [0.2, 0.8, 0.3]]), requires_grad=True)
        t, u, i = x * 1, w * 1, lib.tensor([0, 2])
        m = t.detach() > 0.4
        y = op(t, u, i, m, lib)
        changed = {"t": t, "u": u, "i": i, "m": m, "y": y}[which]
        if changed.dtype == lib.bool:
            changed.fill_(True)
        else:
            changed.mul_(1)
        try:
            y.sum().backward()
            found += "-"
        except RuntimeError as err:
            assert "modified by an inplace operation" in str(err)
            found += "R"
    return found


@pytest.mark.parametrize("name", WITH_OPERANDS)
def test_indices_masks_and_second_operands_are_checked_where_pytorch_checks_them(name):
    op, expected = WITH_OPERANDS[name]
    assert outcomes_with_operands(minigrad, op) == expected


@pytest.mark.skipif(torch is None, reason="live comparison with PyTorch")
def test_the_written_out_outcomes_with_operands_are_pytorchs():
    for name, (op, expected) in WITH_OPERANDS.items():
        assert outcomes_with_operands(torch, op) == expected, name
