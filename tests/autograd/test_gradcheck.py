"""gradcheck: True for right gradients, GradcheckError (a RuntimeError) with both Jacobians for wrong ones."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function


class BrokenMul(Function):
    """z = a * b with a backward that doubles b's gradient (a's is right)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, 2 * g * a


def _inputs():
    a = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([3.0, 4.0], dtype=mg.float64, requires_grad=True)
    return a, b


def test_gradcheck_returns_true_for_right_gradients():
    a, b = _inputs()
    assert mg.gradcheck(lambda p, q: (p * q).tanh() + p / q, (a, b)) is True


def test_gradcheck_accepts_a_single_tensor_and_multiple_outputs():
    x = mg.tensor([0.5, -1.0], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda t: t.exp(), x)
    assert mg.gradcheck(lambda t: (t.sin(), t * t, t.sum()), (x,))


def test_broken_backward_raises_gradcheck_error_with_both_jacobians():
    a, b = _inputs()
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(BrokenMul.apply, (a, b))
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 1,\n")
    assert message == (
        "Jacobian mismatch for output 0 with respect to input 1,\n"
        "numerical:tensor([[1.0000, 0.0000],\n        [0.0000, 2.0000]], dtype=minigrad.float64)\n"
        "analytical:tensor([[2., 0.],\n        [0., 4.]], dtype=minigrad.float64)\n"
    )


def test_broken_backward_message_matches_pytorch_live():
    torch = pytest.importorskip("torch")

    class BrokenMul(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, 2 * g * a

    ta = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="^Jacobian mismatch") as expected:
        torch.autograd.gradcheck(BrokenMul.apply, (ta, tb))
    with pytest.raises(mg.GradcheckError) as got:
        mg.gradcheck(globals()["BrokenMul"].apply, _inputs())
    assert str(got.value) == str(expected.value).replace("torch.", "minigrad.")


def test_raise_exception_false_returns_false():
    assert mg.gradcheck(BrokenMul.apply, _inputs(), raise_exception=False) is False


def test_gradcheck_leaves_inputs_and_their_grads_untouched():
    a, b = _inputs()
    a.grad = mg.tensor([7.0, 7.0], dtype=mg.float64)
    before = (a.detach().numpy().copy(), b.detach().numpy().copy())
    mg.gradcheck(lambda p, q: p * q, (a, b))
    mg.gradcheck(BrokenMul.apply, (a, b), raise_exception=False)
    assert np.array_equal(a.detach().numpy(), before[0]) and np.array_equal(b.detach().numpy(), before[1])
    assert a.grad.tolist() == [7.0, 7.0] and b.grad is None


def test_gradcheck_handles_outputs_that_are_views_of_the_input():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda t: t.reshape(4), (x,))
    assert mg.gradcheck(lambda t: t.T, (x,))
    assert mg.gradcheck(lambda t: t[1], (x,))


def test_gradcheck_warns_for_non_float64_input():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision floating point"):
        mg.gradcheck(lambda t: t * 2, (x,), raise_exception=False)


def test_gradcheck_does_not_warn_for_float64():
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.gradcheck(lambda t: t * 2, (x,))


def test_gradcheck_without_inputs_requiring_grad_raises_value_error():
    with pytest.raises(ValueError) as info:
        mg.gradcheck(lambda t: t * 2, (mg.tensor([1.0], dtype=mg.float64),))
    assert str(info.value) == (
        "gradcheck expects at least one input tensor to require gradient, but none of them have "
        "requires_grad=True."
    )


def test_gradcheck_ignores_inputs_not_requiring_grad():
    a = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    c = mg.tensor([5.0, 6.0], dtype=mg.float64)
    assert mg.gradcheck(lambda p, q: p * q, (a, c))
