"""dtype rules: what tensor() infers, PyTorch's promotion, and float32 staying float32 (no float64 creep)."""

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        (1.5, mg.float32),
        ([1.0, 2.0], mg.float32),
        ([[1, 2.5], [3, 4]], mg.float32),
        (3, mg.int64),
        ([1, 2, 3], mg.int64),
        (True, mg.bool),
        ([True, False], mg.bool),
        (np.array([1.0, 2.0]), mg.float64),
        (np.float64(2.5), mg.float64),
        (np.array([1.0], dtype=np.float32), mg.float32),
        (np.array([1, 2], dtype=np.int32), mg.int32),
        (np.array([1.0], dtype=np.float16), mg.float16),
        ([], mg.float32),
    ],
)
def test_tensor_infers_dtype_like_pytorch(data, dtype):
    assert mg.tensor(data).dtype == dtype


def test_explicit_dtype_wins():
    assert mg.tensor([1, 2], dtype=mg.float64).dtype == mg.float64
    assert mg.tensor(np.ones(2), dtype=mg.float32).dtype == mg.float32


@pytest.mark.parametrize("factory", [mg.zeros, mg.ones, mg.empty, mg.randn, mg.rand])
def test_factories_default_to_float32(factory):
    assert factory(2, 3).dtype == mg.float32
    assert factory(2, dtype=mg.float64).dtype == mg.float64


def test_arange_int_arguments_give_int64_float_arguments_float32():
    assert mg.arange(5).dtype == mg.int64
    assert mg.arange(0.0, 1.0, 0.25).dtype == mg.float32
    assert mg.full((2,), 3).dtype == mg.int64
    assert mg.full((2,), 3.0).dtype == mg.float32
    assert mg.full((2,), True).dtype == mg.bool


SCALARS = [2, 2.5, True, np.float64(2.5), np.float32(0.5), np.int64(3)]


@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize(
    "op",
    [
        lambda x, s: x + s, lambda x, s: s + x, lambda x, s: x - s, lambda x, s: s - x, lambda x, s: x * s,
        lambda x, s: s * x, lambda x, s: x / s, lambda x, s: s / x, lambda x, s: x ** s, lambda x, s: s ** x,
        lambda x, s: mg.where(x > 0, x, s), lambda x, s: x.clamp(min=s),
    ],
    ids=["add", "radd", "sub", "rsub", "mul", "rmul", "div", "rdiv", "pow", "rpow", "where", "clamp"],
)
def test_python_and_numpy_scalars_keep_float32(op, scalar):
    x = mg.tensor([0.5, 1.5], requires_grad=True)
    y = op(x, scalar)
    assert y.dtype == mg.float32
    y.sum().backward()
    assert x.grad is None or x.grad.dtype == mg.float32


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (mg.ones(2), mg.tensor(2.0, dtype=mg.float64), mg.float32),  # 0-d yields to a tensor with dims
        (mg.ones(2, dtype=mg.int64), mg.tensor(2.0, dtype=mg.float64), mg.float64),  # higher kind 0-d wins
        (mg.ones(2, dtype=mg.int64), mg.ones(2), mg.float32),  # not numpy's float64
        (mg.ones(2, dtype=mg.int32), mg.tensor(5), mg.int32),
        (mg.ones(2, dtype=mg.int32), mg.ones(2, dtype=mg.int64), mg.int64),
        (mg.ones(2), mg.ones(2, dtype=mg.float64), mg.float64),
        (mg.ones(2, dtype=mg.bool), mg.ones(2, dtype=mg.int32), mg.int32),
    ],
)
def test_binary_ops_promote_like_pytorch(a, b, expected):
    for op in (lambda p, q: p + q, lambda p, q: p * q, lambda p, q: q - p):
        if mg.bool in (a.dtype, b.dtype) and op(mg.ones(1), mg.ones(1)).item() == 0:
            with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):  # PyTorch refuses it
                op(a, b)
            continue
        assert op(a, b).dtype == expected


def test_integer_tensor_with_python_float_gives_float32():
    x = mg.tensor([1, 2])
    assert (x * 2.5).dtype == mg.float32
    assert (x / 2).dtype == mg.float32
    assert (x + 1).dtype == mg.int64
    assert (x ** 2).dtype == mg.int64


@pytest.mark.parametrize("method", ["exp", "log", "sqrt", "reciprocal", "sin", "cos", "tanh", "sigmoid"])
def test_float_functions_of_integer_tensors_give_float32(method):
    x = mg.tensor([1, 2])
    assert getattr(x, method)().dtype == mg.float32


def test_stack_and_cat_promote_like_pytorch():
    a, b = mg.tensor([1, 2]), mg.tensor([0.5, 1.5])
    assert mg.stack([a, b]).dtype == mg.float32
    assert mg.cat([a, b]).dtype == mg.float32
    assert mg.cat([b, b.double()]).dtype == mg.float64


def test_reductions_keep_float32():
    x = mg.randn(3, 4, requires_grad=True)
    outs = [x.sum(), x.sum(0), x.mean(), x.mean((0, 1)), x.var(), x.std(1), x.max(), x.max(1)[0], x.min(),
            x.softmax(1), x.log_softmax(0)]
    for out in outs:
        assert out.dtype == mg.float32
        out.backward(mg.ones_like(out))
        assert x.grad.dtype == mg.float32


def test_integer_sums_give_int64():
    assert mg.tensor([True, True, False]).sum().dtype == mg.int64
    assert mg.tensor([1, 2], dtype=mg.int32).sum().dtype == mg.int64
    assert mg.tensor([True, True]).sum().item() == 2


def test_gradient_dtype_equals_the_tensors_dtype_for_float64_and_float32():
    for dt in (mg.float32, mg.float64):
        w = mg.randn(3, 2, dtype=dt, requires_grad=True)
        x = mg.randn(4, 3, dtype=dt)
        ((x @ w).tanh() * 0.5 + 1.0).pow(2).mean().backward()
        assert w.grad.dtype == dt


def test_backward_gradient_is_cast_to_the_outputs_dtype():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(np.array([1.0, 1.0]))  # float64 array seeding a float32 graph
    assert x.grad.dtype == mg.float32


def test_mixed_float32_float64_gradients_take_each_inputs_dtype():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], dtype=mg.float64, requires_grad=True)
    y = a * b
    assert y.dtype == mg.float64
    y.sum().backward()
    assert a.grad.dtype == mg.float32 and b.grad.dtype == mg.float64
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 4.0])


def test_dtype_objects_compare_with_numpy_dtypes_and_print_like_pytorch():
    assert mg.float32 == np.float32 and mg.float64 == np.dtype("float64")
    assert mg.float == mg.float32 and mg.double == mg.float64 and mg.long == mg.int64
    assert repr(mg.int64) == "minigrad.int64"
    assert mg.float32.is_floating_point and not mg.int64.is_floating_point


def test_maximum_minimum_of_integer_tensors_keep_the_integer_dtype():
    a, b = mg.tensor([1, 5]), mg.tensor([3, 2])
    assert mg.maximum(a, b).tolist() == [3, 5] and mg.maximum(a, b).dtype == mg.int64
    assert mg.minimum(a, b).tolist() == [1, 2] and mg.minimum(a, b).dtype == mg.int64
    assert mg.maximum(a, mg.tensor([0.5, 9.0])).dtype == mg.float32


def test_int_tensor_unary_dtype_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    for name in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "abs", "relu", "neg"):
        t = getattr(torch.tensor([1, 2]), name)()
        m = getattr(mg.tensor([1, 2]), name)()
        assert str(m.dtype) == str(t.dtype).replace("torch.", "minigrad."), name
        np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6)
