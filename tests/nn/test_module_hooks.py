"""Module hooks: forward pre-hooks, forward hooks, full backward pre-hooks and full backward hooks, with PyTorch's
arguments, return-value rules, order and errors (the recorded gradients against PyTorch are in
``tests/autograd/test_hooks.py``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _linear():
    m = nn.Linear(2, 2)
    with mg.no_grad():
        m.weight.copy_(mg.tensor([[1.0, 2.0], [3.0, 4.0]]))
        m.bias.copy_(mg.tensor([0.5, -0.5]))
    return m


def test_forward_pre_hook_may_replace_the_arguments():
    m = _linear()
    seen = []
    m.register_forward_pre_hook(lambda mod, args: seen.append((mod, args)) or args[0] * 0)
    out = m(mg.ones(2))
    assert seen[0][0] is m and isinstance(seen[0][1], tuple) and seen[0][1][0].tolist() == [1.0, 1.0]
    assert out.tolist() == [0.5, -0.5]


def test_forward_hooks_with_kwargs_and_prepend_run_in_pytorchs_order():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    calls = []
    m.register_forward_pre_hook(lambda mod, args: calls.append("pre"))
    m.register_forward_pre_hook(lambda mod, args, kwargs: calls.append("pre_first") or (args, {"factor": 3.0}),
                                with_kwargs=True, prepend=True)
    m.register_forward_hook(lambda mod, args, out: calls.append("fwd") or out + 1)
    m.register_forward_hook(lambda mod, args, kwargs, out: calls.append(("fwd_kw", kwargs)), with_kwargs=True)
    out = m(mg.tensor([1.0, 2.0]), factor=2.0)
    assert calls == ["pre_first", "pre", "fwd", ("fwd_kw", {"factor": 3.0})]
    assert out.tolist() == [4.0, 7.0]


def test_forward_pre_hook_with_kwargs_must_return_a_pair():
    m = _linear()
    m.register_forward_pre_hook(lambda mod, args, kwargs: 5, with_kwargs=True)
    message = r"^forward pre-hook must return None or a tuple of \(new_args, new_kwargs\), but got 5\.$"
    with pytest.raises(RuntimeError, match=message):
        m(mg.ones(2))


def test_removing_handles_restores_plain_calls():
    m = _linear()
    calls = []
    handles = [
        m.register_forward_pre_hook(lambda *a: calls.append(1)),
        m.register_forward_hook(lambda *a: calls.append(2)),
        m.register_full_backward_pre_hook(lambda *a: calls.append(3)),
        m.register_full_backward_hook(lambda *a: calls.append(4)),
    ]
    m(mg.ones(2, requires_grad=True)).sum().backward()
    assert calls == [1, 2, 3, 4]
    for h in handles:
        h.remove()
    out = m(mg.ones(2, requires_grad=True))
    assert "BackwardHook" not in out.grad_fn.name()
    out.sum().backward()
    assert calls == [1, 2, 3, 4]


def test_backward_hook_nodes_are_named_as_in_pytorch():
    m = _linear()
    m.register_full_backward_hook(lambda *a: None)
    x = mg.ones(2, requires_grad=True)
    out = m(x)
    assert out.grad_fn.name() == "BackwardHookFunctionBackward"
    with mg.no_grad():
        assert m(x).grad_fn is None


def test_backward_hooks_see_and_replace_gradients():
    m = _linear()
    seen = []
    m.register_full_backward_pre_hook(lambda mod, go: seen.append(("pre", go[0].tolist())) or (go[0] * 2,))
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(("bwd", gi[0].tolist(), go[0].tolist())))
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] + 100,))
    x = mg.tensor([1.0, 1.0], requires_grad=True)
    m(x).sum().backward()
    # grad_output 1 doubled to 2; grad_input = 2 * W^T 1 = [8, 12]; then replaced by +100
    assert seen == [("pre", [1.0, 1.0]), ("bwd", [8.0, 12.0], [2.0, 2.0])]
    assert x.grad.tolist() == [108.0, 112.0]
    assert m.weight.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]


@pytest.mark.parametrize("kind", ["pre", "full"])
def test_backward_hooks_returning_the_wrong_number_raise(kind):
    m = _linear()
    if kind == "pre":
        m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
        message = "^Backward pre hook returned an invalid number of grad_output, got 2, but expected 1$"
    else:
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        message = "^Backward hook returned an invalid number of grad_input, got 2, but expected 1$"
    x = mg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=message):
        m(x).sum().backward()
    assert x.grad is None


def test_backward_hook_returning_a_wrong_shape_raises():
    m = _linear()
    m.register_full_backward_hook(lambda mod, gi, go: (mg.ones(3),))
    with pytest.raises(RuntimeError, match="^hook 'hook' has changed the size of value$"):
        m(mg.ones(2, requires_grad=True)).sum().backward()


def test_backward_hook_without_input_grad_fires_on_grad_output_with_a_warning():
    m = _linear()
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go[0].tolist())))
    with pytest.warns(UserWarning, match="^Full backward hook is firing when gradients are computed with respect"):
        m(mg.ones(2)).sum().backward()
    assert seen == [((None,), [1.0, 1.0])]
    m.register_full_backward_hook(lambda mod, gi, go: (mg.ones(2),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="^Backward hook for Modules where no input requires gradient should "
                                               "always return None or None for all gradients.$"):
            m(mg.ones(2)).sum().backward()


def test_grad_input_is_none_for_non_tensors_and_zeros_for_constant_tensors():
    class Mix(nn.Module):
        def forward(self, a, b, scale):
            return a * b * scale

    m = Mix()
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append([None if g is None else g.tolist() for g in gi]))
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    m(a, mg.tensor([3.0, 4.0]), 2.0).sum().backward()
    assert seen == [[[6.0, 8.0], [0.0, 0.0], None]]


def test_module_hooks_match_pytorch_for_a_two_output_module():
    torch = pytest.importorskip("torch")

    def run(lib):
        rnn = lib.nn.RNN(2, 3).double()
        with lib.no_grad():
            for p in rnn.parameters():
                p.copy_(lib.tensor(np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape))))
        seen = []
        rnn.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2, None))
        rnn.register_full_backward_hook(lambda mod, gi, go: seen.append([g.detach().numpy().copy() for g in gi]))
        x = lib.tensor(np.linspace(-1, 1, 8).reshape(4, 1, 2), requires_grad=True)
        out, h = rnn(x)
        (out.sum() + h.sum()).backward()  # the pre-hook drops h's gradient
        return seen, x.grad.numpy().copy()

    (seen_m, grad_m), (seen_t, grad_t) = run(mg), run(torch)
    np.testing.assert_allclose(grad_m, grad_t, rtol=1e-12)
    np.testing.assert_allclose(seen_m[0][0], seen_t[0][0], rtol=1e-12)
