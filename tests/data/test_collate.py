"""default_collate / default_convert: the batch structure, shapes, dtypes and values PyTorch's produce.

Every case has an explicit expectation; the live tests also run PyTorch's functions on the same samples.
"""

import collections

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import default_collate, default_convert

Point = collections.namedtuple("Point", ["x", "y"])


def describe(obj):
    """A library-neutral description: tensors become ('tensor', dtype name, shape, values)."""
    if hasattr(obj, "dtype") and hasattr(obj, "shape") and not isinstance(obj, np.ndarray):
        values = obj.detach().numpy() if hasattr(obj, "detach") else obj.data
        return ("tensor", str(obj.dtype).split(".")[-1], tuple(obj.shape), np.asarray(values).tolist())
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (type(obj).__name__, [describe(v) for v in obj])
    if isinstance(obj, dict):
        return {k: describe(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [describe(v) for v in obj]
    if isinstance(obj, tuple):
        return ("tuple", [describe(v) for v in obj])
    if isinstance(obj, np.ndarray):
        return ("ndarray", str(obj.dtype), obj.shape, obj.tolist())
    return obj


def _t(dtype, shape, values):
    return ("tensor", dtype, shape, values)


# (samples built for one library, expected description); `T` builds a tensor in the library under test
CASES = {
    "ints": (lambda T: [1, 2, 3], _t("int64", (3,), [1, 2, 3])),
    "floats_are_float64": (lambda T: [0.1, 2.5], _t("float64", (2,), [0.1, 2.5])),
    "bools": (lambda T: [True, False], _t("bool", (2,), [True, False])),
    "int_then_float_is_float32": (lambda T: [1, 2.5], _t("float32", (2,), [1.0, 2.5])),
    "numpy_float32_scalars": (lambda T: [np.float32(1.5), np.float32(2)], _t("float32", (2,), [1.5, 2.0])),
    "numpy_float64_scalars": (lambda T: [np.float64(0.1), np.float64(2)], _t("float64", (2,), [0.1, 2.0])),
    "numpy_int32_scalars": (lambda T: [np.int32(3), np.int32(-4)], _t("int32", (2,), [3, -4])),
    "strings": (lambda T: ["a", "bc"], ["a", "bc"]),
    "tensors_stack": (
        lambda T: [T(np.arange(6, dtype=np.float32).reshape(2, 3)), T(np.ones((2, 3), dtype=np.float32))],
        _t("float32", (2, 2, 3), [[[0, 1, 2], [3, 4, 5]], [[1, 1, 1], [1, 1, 1]]]),
    ),
    "int_tensors": (lambda T: [T(np.array(4)), T(np.array(7))], _t("int64", (2,), [4, 7])),
    "numpy_arrays_keep_dtype": (
        lambda T: [np.array([1, 2], dtype=np.int16), np.array([3, 4], dtype=np.int16)],
        _t("int16", (2, 2), [[1, 2], [3, 4]]),
    ),
    "tuples_transpose_to_a_list": (
        lambda T: [(T(np.zeros(2)), 0, "a"), (T(np.ones(2)), 1, "b")],
        [_t("float64", (2, 2), [[0, 0], [1, 1]]), _t("int64", (2,), [0, 1]), ("tuple", ["a", "b"])],
    ),
    "lists_transpose": (lambda T: [[1, 2.5], [3, 4.5]], [_t("int64", (2,), [1, 3]), _t("float64", (2,), [2.5, 4.5])]),
    "dicts_per_key": (
        lambda T: [{"x": np.zeros(2, dtype=np.float32), "label": 3}, {"x": np.ones(2, dtype=np.float32), "label": 5}],
        {"x": _t("float32", (2, 2), [[0, 0], [1, 1]]), "label": _t("int64", (2,), [3, 5])},
    ),
    "namedtuples_keep_type": (
        lambda T: [Point(1, 0.5), Point(2, 1.5)],
        ("Point", [_t("int64", (2,), [1, 2]), _t("float64", (2,), [0.5, 1.5])]),
    ),
    "nested": (
        lambda T: [({"a": [1, 2]}, 0.5), ({"a": [3, 4]}, 1.5)],
        [{"a": [_t("int64", (2,), [1, 3]), _t("int64", (2,), [2, 4])]}, _t("float64", (2,), [0.5, 1.5])],
    ),
}


def _mg_tensor(arr):
    return mg.from_numpy(np.asarray(arr))


@pytest.mark.parametrize("name", sorted(CASES))
def test_default_collate_explicit(name):
    make, expected = CASES[name]
    got = describe(default_collate(make(_mg_tensor)))
    assert got == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_default_collate_matches_pytorch_live(name):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate

    make, _ = CASES[name]
    assert describe(default_collate(make(_mg_tensor))) == describe(torch_collate(make(torch.as_tensor)))


def test_float_batch_keeps_float64_precision():
    out = default_collate([0.1, 1e-20 + 1.0])
    assert out.numpy().tolist() == [0.1, 1e-20 + 1.0]


def test_stacked_tensors_keep_the_graph():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    out = default_collate([a, b])
    (out * out).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 4.0])


def test_string_arrays_and_unknown_types_raise():
    with pytest.raises(TypeError) as info:
        default_collate([np.array(["a"]), np.array(["b"])])
    assert str(info.value) == (
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <U1"
    )
    with pytest.raises(TypeError, match="found <class 'NoneType'>$"):
        default_collate([None, None])


def test_unequal_sequences_raise():
    with pytest.raises(RuntimeError, match="^each element in list of batch should be of equal size$"):
        default_collate([[1, 2], [3]])


def test_unequal_tensor_shapes_raise_stack_error():
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0 "
                                           r"and \[3\] at entry 1"):
        default_collate([mg.zeros(2), mg.zeros(3)])


def test_error_messages_match_pytorch_live():
    pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate

    for batch, exc in [([np.array(["a"]), np.array(["b"])], TypeError), ([None, None], TypeError),
                       ([[1, 2], [3]], RuntimeError)]:
        with pytest.raises(exc) as theirs:
            torch_collate(batch)
        with pytest.raises(exc) as ours:
            default_collate(batch)
        assert str(ours.value) == str(theirs.value)


CONVERT_CASES = {
    "array_becomes_tensor": (lambda: np.arange(3, dtype=np.int32), _t("int32", (3,), [0, 1, 2])),
    "numpy_scalar": (lambda: np.float32(2.5), _t("float32", (), 2.5)),
    "python_numbers_unchanged": (lambda: 3, 3),
    "tuple_becomes_list": (lambda: (np.zeros(1), 2, "s"), [_t("float64", (1,), [0.0]), 2, "s"]),
    "dict": (lambda: {"a": np.ones(2, dtype=np.float32)}, {"a": _t("float32", (2,), [1.0, 1.0])}),
    "string_array_unchanged": (lambda: np.array(["x"]), ("ndarray", "<U1", (1,), ["x"])),
}


@pytest.mark.parametrize("name", sorted(CONVERT_CASES))
def test_default_convert_explicit(name):
    make, expected = CONVERT_CASES[name]
    assert describe(default_convert(make())) == expected


@pytest.mark.parametrize("name", sorted(CONVERT_CASES))
def test_default_convert_matches_pytorch_live(name):
    pytest.importorskip("torch")
    from torch.utils.data import default_convert as torch_convert

    make, _ = CONVERT_CASES[name]
    assert describe(default_convert(make())) == describe(torch_convert(make()))


def test_default_convert_shares_memory_with_the_array():
    arr = np.zeros(3)
    t = default_convert(arr)
    arr[0] = 5.0
    assert t.numpy()[0] == 5.0
