"""The everyday functions of #17 that give no gradient (tests for special values, counting, searching), the
factories ``*_like``/``logspace``/``normal``/``bernoulli``/``as_tensor``, the generator's state, printing options,
``inference_mode``, the legacy typed constructors and the default dtype and device: against numpy, properties,
and PyTorch live when it is installed. The differentiable ones are in the op table (tests/golden/ops_cases.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg

SPECIAL = [0.0, -1.5, np.inf, -np.inf, np.nan, 1e-9, 3.0]


def _torch():
    return pytest.importorskip("torch")


def _same(a, b):
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("call", [
    lambda lib, x: x.isnan(), lambda lib, x: lib.isinf(x), lambda lib, x: x.isfinite(),
    lambda lib, x: lib.isclose(x, x + 1e-6), lambda lib, x: x.isclose(x, equal_nan=True),
    lambda lib, x: x.nan_to_num(), lambda lib, x: lib.nan_to_num(x, nan=1.0, posinf=2.0),
    lambda lib, x: x.unique(), lambda lib, x: x.cumprod(0),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_values_match_pytorch(call, dtype):
    torch = _torch()
    _same(call(mg, mg.tensor(SPECIAL, dtype=getattr(mg, dtype))), call(torch, torch.tensor(SPECIAL,
                                                                                          dtype=getattr(torch, dtype))))


def test_integer_inputs_match_pytorch():
    torch = _torch()
    data = [[3, 1, 3], [0, 2, 2]]
    for call in (lambda lib, x: x.isnan(), lambda lib, x: x.isclose(x + 1), lambda lib, x: x.nan_to_num(),
                 lambda lib, x: x.cumprod(1), lambda lib, x: x.diag(), lambda lib, x: lib.kron(x, x),
                 lambda lib, x: x.rot90(), lambda lib, x: x.take(lib.tensor([0, 5])),
                 lambda lib, x: lib.cartesian_prod(x[0], x[1]), lambda lib, x: lib.hstack([x, x])):
        _same(call(mg, mg.tensor(data)), call(torch, torch.tensor(data)))


def test_unique_with_inverse_counts_and_dim_match_pytorch():
    torch = _torch()
    data = [[1, 3], [2, 2], [1, 3]]
    for kwargs in ({}, {"return_inverse": True}, {"return_counts": True},
                   {"return_inverse": True, "return_counts": True, "dim": 0}, {"dim": 1}):
        got, want = mg.tensor(data).unique(**kwargs), torch.tensor(data).unique(**kwargs)
        for a, b in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            _same(a, b)


@pytest.mark.parametrize("kwargs", [{}, {"minlength": 7}, {"weights": "float32"}, {"weights": "float64"},
                                    {"weights": "int64"}])
def test_bincount_matches_pytorch(kwargs):
    torch = _torch()
    x = [1, 1, 4, 0, 4, 4]
    w = kwargs.pop("weights", None)
    if w:
        kwargs_m = {**kwargs, "weights": mg.tensor([0.5, 1, 2, 3, 4, 5], dtype=getattr(mg, w))}
        kwargs_t = {**kwargs, "weights": torch.tensor([0.5, 1, 2, 3, 4, 5], dtype=getattr(torch, w))}
    else:
        kwargs_m = kwargs_t = kwargs
    _same(mg.bincount(mg.tensor(x), **kwargs_m), torch.bincount(torch.tensor(x), **kwargs_t))


@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_and_bucketize_match_pytorch(right):
    torch = _torch()
    seq, vals = [1.0, 2.0, 2.0, 5.0], [[0.5, 2.0], [5.0, 9.0]]
    _same(mg.searchsorted(mg.tensor(seq), mg.tensor(vals), right=right),
          torch.searchsorted(torch.tensor(seq), torch.tensor(vals), right=right))
    _same(mg.bucketize(mg.tensor(vals), mg.tensor(seq), right=right, out_int32=True),
          torch.bucketize(torch.tensor(vals), torch.tensor(seq), right=right, out_int32=True))
    rows = [[1.0, 3.0, 5.0], [0.0, 0.5, 0.7]]
    _same(mg.searchsorted(mg.tensor(rows), mg.tensor([[3.0], [0.6]]), side="right" if right else "left"),
          torch.searchsorted(torch.tensor(rows), torch.tensor([[3.0], [0.6]]), side="right" if right else "left"))


def test_searchsorted_with_sorter_matches_numpy():
    seq = np.array([5.0, 1.0, 3.0])
    order = np.argsort(seq)
    got = mg.searchsorted(mg.tensor(seq), mg.tensor([2.0, 4.0]), sorter=mg.tensor(order))
    assert got.tolist() == np.searchsorted(seq, [2.0, 4.0], sorter=order).tolist()


def test_meshgrid_warns_without_indexing_and_matches_pytorch():
    torch = _torch()
    a, b = [1, 2, 3], [4, 5]
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        mg.meshgrid(mg.tensor(a), mg.tensor(b))
    for indexing in ("ij", "xy"):
        for x, y in zip(mg.meshgrid(mg.tensor(a), mg.tensor(b), indexing=indexing),
                        torch.meshgrid(torch.tensor(a), torch.tensor(b), indexing=indexing)):
            _same(x, y)


def test_logspace_matches_pytorch():
    torch = _torch()
    for args, kwargs in (((0, 3, 4), {}), ((-1.0, 1.0, 5), {"base": 2.0}), ((1, 2, 3), {"dtype": "float64"})):
        kw_m = {k: getattr(mg, v) if k == "dtype" else v for k, v in kwargs.items()}
        kw_t = {k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()}
        a, b = mg.logspace(*args, **kw_m), torch.logspace(*args, **kw_t)
        assert str(a.dtype)[-7:] == str(b.dtype)[-7:]
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_like_factories_keep_shape_and_dtype():
    x = mg.ones(2, 3, dtype=mg.float64)
    for made in (mg.empty_like(x), mg.rand_like(x), mg.randn_like(x), mg.randint_like(x, 5),
                 mg.randint_like(x, 2, 4)):
        assert made.shape == (2, 3) and made.dtype == mg.float64 and not made.requires_grad
    assert set(np.unique(mg.randint_like(mg.zeros(200, dtype=mg.int32), 2, 4).numpy())) == {2, 3}
    assert mg.rand_like(x, dtype=mg.float32).dtype == mg.float32 and mg.rand_like(x, requires_grad=True).requires_grad
    with pytest.raises(NotImplementedError, match="\"normal_kernel_cpu\" not implemented for 'Long'"):
        mg.randn_like(mg.tensor([1]))


def test_normal_and_bernoulli_draw_what_they_say():
    mg.manual_seed(0)
    x = mg.normal(2.0, 0.5, (4000,))
    assert x.dtype == mg.float32 and abs(float(x.mean()) - 2.0) < 0.05 and abs(float(x.std()) - 0.5) < 0.05
    y = mg.normal(mg.tensor([0.0, 100.0], dtype=mg.float64), mg.tensor([1e-9, 1e-9], dtype=mg.float64))
    assert y.dtype == mg.float64 and np.allclose(y.numpy(), [0.0, 100.0])
    p = mg.tensor([0.0, 1.0, 0.5]).expand(3000, 3)
    b = mg.bernoulli(p)
    assert b.dtype == mg.float32 and b[:, 0].sum().item() == 0 and b[:, 1].sum().item() == 3000
    assert abs(b[:, 2].mean().item() - 0.5) < 0.05


def test_as_tensor_shares_memory_where_it_can():
    a = np.arange(3.0)
    t = mg.as_tensor(a)
    assert np.shares_memory(t.numpy(), a) and t.dtype == mg.float64
    assert not np.shares_memory(mg.as_tensor(a, dtype=mg.float32).numpy(), a)
    x = mg.ones(2)
    assert mg.as_tensor(x) is x and mg.as_tensor([1.5]).dtype == mg.float32


def test_generator_state_round_trips_and_seeds_are_remembered():
    mg.manual_seed(123)
    assert mg.initial_seed() == 123
    state = mg.get_rng_state()
    assert state.dtype == mg.uint8 and state.ndim == 1
    first = mg.randn(5).tolist()
    mg.set_rng_state(state)
    assert mg.randn(5).tolist() == first
    s = mg.seed()
    assert mg.initial_seed() == s
    with pytest.raises(TypeError):
        mg.set_rng_state([1, 2])


def test_set_printoptions_matches_pytorch():
    torch = _torch()
    data = np.array([[1.0 / 3, 2000.5], [1e-3, -7.25]])
    try:
        for kwargs in ({"precision": 2}, {"sci_mode": True}, {"sci_mode": False}, {"profile": "short"},
                       {"threshold": 3, "edgeitems": 1}, {"linewidth": 30}):
            mg.set_printoptions(**kwargs)
            torch.set_printoptions(**kwargs)
            for x in (data, np.arange(10.0) / 3):
                assert repr(mg.tensor(x)) == repr(torch.tensor(x)).replace("torch.", "minigrad.")
            mg.set_printoptions(profile="default", sci_mode=None)
            torch.set_printoptions(profile="default", sci_mode=None)
    finally:
        mg.set_printoptions(profile="default", sci_mode=None)
        torch.set_printoptions(profile="default", sci_mode=None)


def test_inference_mode_records_nothing_inside():
    x = mg.ones(2, requires_grad=True)
    with mg.inference_mode():
        assert (x * 2).grad_fn is None
    with mg.inference_mode(False):
        assert (x * 2).grad_fn is not None

    @mg.inference_mode()
    def f(t):
        return t * 2

    @mg.inference_mode
    def g(t):
        return t * 2

    assert f(x).grad_fn is None and g(x).grad_fn is None and (x * 2).grad_fn is not None


def test_legacy_typed_constructors_and_isinstance():
    torch = _torch()
    for name in ("FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor", "ByteTensor"):
        a, b = getattr(mg, name)([1, 0, 2]), getattr(torch, name)([1, 0, 2])
        _same(a, b)
        assert isinstance(a, getattr(mg, name)) and isinstance(a, mg.Tensor)
        assert getattr(mg, name)(2, 3).shape == (2, 3) and getattr(mg, name)().shape == (0,)
        assert a.type() == b.type().replace("torch.", "minigrad.")
    assert not isinstance(mg.ones(2), mg.LongTensor) and mg.ones(2).type(mg.LongTensor).dtype == mg.int64


def test_default_dtype_reaches_factories_layers_and_printing():
    assert mg.get_default_dtype() == mg.float32
    try:
        mg.set_default_dtype(mg.float64)
        assert mg.get_default_dtype() == mg.float64
        assert mg.tensor([1.5]).dtype == mg.float64 and mg.zeros(2).dtype == mg.float64
        assert mg.nn.Linear(2, 2).weight.dtype == mg.float64 and mg.tensor([1]).float().dtype == mg.float32
        assert repr(mg.tensor([1.5])) == "tensor([1.5000])"
        assert repr(mg.tensor([1.5], dtype=mg.float32)) == "tensor([1.5000], dtype=minigrad.float32)"
        with pytest.raises(TypeError, match="^only floating-point types are supported as the default type$"):
            mg.set_default_dtype(mg.int64)
        assert mg.get_default_dtype() == mg.float64
    finally:
        mg.set_default_dtype(mg.float32)
    assert mg.tensor([1.5]).dtype == mg.float32 and repr(mg.tensor([1.5])) == "tensor([1.5000])"


def test_default_device_is_the_cpu():
    assert mg.get_default_device() == mg.device("cpu")
    mg.set_default_device("cpu")
    mg.set_default_device(None)
    with pytest.raises(RuntimeError, match="CPU only"):
        mg.set_default_device("cuda")


def test_set_default_dtype_matches_pytorch_for_factories():
    torch = _torch()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.set_default_dtype(torch.float64)
        mg.set_default_dtype(mg.float64)
        for call in (lambda lib: lib.tensor([1.5, 2]), lambda lib: lib.arange(0.0, 1.0, 0.5),
                     lambda lib: lib.linspace(0, 1, 3), lambda lib: lib.tensor([1, 2]) / 2):
            a, b = call(mg), call(torch)
            assert str(a.dtype)[-7:] == str(b.dtype)[-7:]
    finally:
        torch.set_default_dtype(torch.float32)
        mg.set_default_dtype(mg.float32)
