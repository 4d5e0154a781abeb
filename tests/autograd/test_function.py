"""Custom Functions: ctx.save_for_backward / saved_tensors / needs_input_grad, naming, and the engine's checks."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


class ScaledMul(Function):
    """z = k * a * b with a non-tensor k passed positionally."""

    seen_needs = None

    @staticmethod
    def forward(ctx, a, b, k):
        ScaledMul.seen_needs = ctx.needs_input_grad
        ctx.save_for_backward(a, b)
        ctx.k = k
        return k * a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db, _ = ctx.needs_input_grad
        return (g * ctx.k * b if da else None, g * ctx.k * a if db else None, None)


def test_custom_function_forward_backward_and_gradcheck():
    x = mg.tensor([1.0, -2.0, 0.5], dtype=mg.float64, requires_grad=True)
    y = Cube.apply(x)
    assert isinstance(y, mg.Tensor) and y.tolist() == [1.0, -8.0, 0.125]
    y.backward(mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64))
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 24.0, 2.25])
    assert mg.gradcheck(Cube.apply, (mg.tensor([0.3, 1.7], dtype=mg.float64, requires_grad=True),))


def test_forward_receives_numpy_arrays_and_returns_a_tensor():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            seen["type"] = type(x)
            return x + 1

        @staticmethod
        def backward(ctx, g):
            return g

    out = Probe.apply(mg.tensor([1.0]))
    assert seen["type"] is np.ndarray and out.tolist() == [2.0]


def test_custom_node_is_named_like_pytorch_custom_functions():
    y = Cube.apply(mg.tensor([1.0], requires_grad=True))
    assert y.grad_fn.name() == "CubeBackward"
    assert repr(y) == "tensor([1.], grad_fn=<CubeBackward>)"


def test_needs_input_grad_says_which_inputs_require_grad():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0])
    y = ScaledMul.apply(a, b, 2.0)
    assert ScaledMul.seen_needs == (True, False, False)
    y.sum().backward()
    assert a.grad.tolist() == [6.0, 8.0] and b.grad is None


def test_non_tensor_arguments_pass_through_unchanged():
    a = mg.tensor([1.0], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([2.0], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda p, q: ScaledMul.apply(p, q, 3.0), (a, b))


def test_nothing_is_recorded_when_no_input_requires_grad():
    y = Cube.apply(mg.tensor([2.0]))
    assert y.grad_fn is None and not y.requires_grad


def test_saved_tensors_are_freed_after_backward():
    x = mg.tensor([2.0], requires_grad=True)
    y = Cube.apply(x)
    node = y.grad_fn
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        _ = node.saved_tensors


def test_saved_tensors_survive_backward_with_retain_graph():
    x = mg.tensor([2.0], requires_grad=True)
    y = Cube.apply(x)
    y.backward(retain_graph=True)
    assert y.grad_fn.saved_tensors[0].tolist() == [2.0]
    y.backward()
    assert x.grad.tolist() == [24.0]


def test_wrong_gradient_shape_names_function_index_and_both_shapes():
    class BadShape(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g.sum(axis=0)

    a = mg.randn(3, 2, requires_grad=True)
    b = mg.randn(3, 2, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        BadShape.apply(a, b).sum().backward()
    assert str(info.value) == (
        "Function BadShapeBackward returned an invalid gradient at index 1 - got [2] but expected shape "
        "compatible with [3, 2]"
    )
    assert a.grad is None and b.grad is None


def test_wrong_gradient_dtype_kind_names_function_and_index():
    class IntGrad(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g.astype(np.int64)

    a = mg.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Function IntGradBackward returned an invalid gradient at index 0 - "
                                           r"expected dtype float32 \(kind 'f'\) but got int64"):
        IntGrad.apply(a).sum().backward()
    assert a.grad is None


def test_gradient_of_same_kind_other_width_is_cast_to_the_inputs_dtype():
    class WideGrad(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2).astype(np.float64)

    a = mg.randn(3, requires_grad=True)
    WideGrad.apply(a).sum().backward()
    assert a.grad.dtype == mg.float32 and a.grad.tolist() == [2.0, 2.0, 2.0]


def test_wrong_number_of_gradients_raises():
    class TwoGrads(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match=r"function TwoGradsBackward returned an incorrect number of gradients "
                                           r"\(expected 1, got 2\)"):
        TwoGrads.apply(mg.randn(2, requires_grad=True)).sum().backward()


def test_custom_function_names_match_pytorch_live():
    torch = pytest.importorskip("torch")

    class Cube(torch.autograd.Function):  # same class name: PyTorch names the node after it
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    t = Cube.apply(torch.tensor([1.0], requires_grad=True))
    m = globals()["Cube"].apply(mg.tensor([1.0], requires_grad=True))
    assert repr(m) == repr(t)
