"""clip_grad_norm_ (and clip_grad_value_) against PyTorch: the returned total norm and the rescaled gradients.

References: tests/fixtures/clip_grad_golden.npz (made by tests/golden/make_optim_fixtures.py), live PyTorch when
importable, and numpy.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import Parameter
from minigrad.nn.utils import clip_grad_norm_, clip_grad_value_, get_total_norm

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "golden" / "make_optim_fixtures.py"
FIXTURE = HERE.parent / "fixtures" / "clip_grad_golden.npz"
CASE_NAMES = ["l2_clip", "l2_noclip", "inf_clip", "inf_noclip", "l1_clip", "l1_noclip", "l3_clip"]
TOL = {"float64": {"rtol": 1e-10, "atol": 1e-10}, "float32": {"rtol": 1e-5, "atol": 1e-6}}


@pytest.fixture(scope="module")
def golden():
    with np.load(FIXTURE, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _grads(golden):
    n = sum(k.startswith("input__g") for k in golden)
    return [golden[f"input__g{i}"] for i in range(n)]


def run_minigrad(norm_type, max_norm, grads, dtype):
    params = []
    for g in grads:
        p = Parameter(mg.zeros(*g.shape, dtype=getattr(mg, dtype)))
        p.grad = mg.from_numpy(g.astype(dtype))
        params.append(p)
    params.append(Parameter(mg.zeros(2, dtype=getattr(mg, dtype))))  # no grad: skipped
    total = clip_grad_norm_(params, max_norm, norm_type=norm_type)
    out = {"total_norm": total.numpy()}
    for i, p in enumerate(params[:-1]):
        out[f"grad{i}"] = p.grad.numpy()
    assert params[-1].grad is None
    return out


def test_fixture_lists_every_case(golden):
    assert sorted(json.loads(str(golden["cases"]))) == sorted(CASE_NAMES)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_matches_pytorch_fixture(golden, name, dtype):
    norm_type, max_norm = json.loads(str(golden["cases"]))[name]
    got = run_minigrad(norm_type, max_norm, _grads(golden), dtype)
    prefix = f"{name}__{dtype}__"
    expected = {k[len(prefix):]: v for k, v in golden.items() if k.startswith(prefix)}
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        assert got[key].dtype == value.dtype and got[key].shape == value.shape, key
        np.testing.assert_allclose(got[key], value, err_msg=key, **TOL[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_matches_pytorch_live(golden, name, dtype):
    pytest.importorskip("torch")
    spec = importlib.util.spec_from_file_location("make_optim_fixtures", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    norm_type, max_norm = script.CLIP_CASES[name]
    expected = script.run_torch_clip(norm_type, max_norm, _grads(golden), dtype)
    got = run_minigrad(norm_type, max_norm, _grads(golden), dtype)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, err_msg=key, **TOL[dtype])


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, float("inf")])
def test_total_norm_is_the_norm_of_all_entries_concatenated(rng, norm_type):
    grads = [rng.standard_normal(s) for s in [(3, 4), (5,), (2, 2, 2)]]
    flat = np.concatenate([g.ravel() for g in grads])
    expected = np.linalg.norm(flat, ord=norm_type)
    got = get_total_norm([mg.from_numpy(g) for g in grads], norm_type)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


def test_clipped_norm_equals_max_norm_and_direction_is_kept(rng):
    grads = [rng.standard_normal(s) * 10 for s in [(3, 4), (5,)]]
    params = [Parameter(mg.zeros(*g.shape, dtype=mg.float64)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = mg.from_numpy(g.copy())
    versions = [p.grad._version for p in params]
    total = clip_grad_norm_(params, 1.0)
    new = np.concatenate([p.grad.numpy().ravel() for p in params])
    old = np.concatenate([g.ravel() for g in grads])
    assert total.item() == pytest.approx(np.linalg.norm(old), rel=1e-12)
    np.testing.assert_allclose(np.linalg.norm(new), 1.0 / (1.0 + 1e-6 / total.item()), rtol=1e-12)
    np.testing.assert_allclose(new, old * (1.0 / (total.item() + 1e-6)), rtol=1e-12)
    assert all(p.grad._version > v for p, v in zip(params, versions))


def test_returns_a_0d_tensor_in_grad_dtype_and_accepts_one_tensor():
    p = Parameter(mg.zeros(3))
    p.grad = mg.tensor([3.0, 4.0, 0.0])
    total = clip_grad_norm_(p, 10.0)
    assert isinstance(total, mg.Tensor) and total.shape == () and total.dtype == mg.float32
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_array_equal(p.grad.numpy(), np.array([3.0, 4.0, 0.0], dtype=np.float32))


def test_no_gradients_gives_zero_norm():
    p = Parameter(mg.zeros(3))
    total = clip_grad_norm_([p], 1.0)
    assert total.dtype == mg.float32 and total.item() == 0.0
    assert p.grad is None


def test_empty_generator_warns_like_pytorch():
    with pytest.warns(UserWarning, match="`parameters` is an empty generator, no gradient clipping will occur."):
        clip_grad_norm_((p for p in []), 1.0)


def test_nonfinite_norm_raises_when_asked_and_changes_nothing():
    p = Parameter(mg.zeros(2, dtype=mg.float64))
    p.grad = mg.from_numpy(np.array([np.inf, 1.0]))
    with pytest.raises(RuntimeError) as info:
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert str(info.value) == (
        "The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To "
        "disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
    )
    np.testing.assert_array_equal(p.grad.numpy(), [np.inf, 1.0])


def test_nonfinite_norm_without_error_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    for bad in ([np.nan, 1.0], [np.inf, 1.0]):
        tp = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        tp.grad = torch.tensor(bad, dtype=torch.float64)
        t_total = torch.nn.utils.clip_grad_norm_([tp], 1.0)
        p = Parameter(mg.zeros(2, dtype=mg.float64))
        p.grad = mg.from_numpy(np.array(bad))
        total = clip_grad_norm_([p], 1.0)
        np.testing.assert_array_equal(total.numpy(), t_total.numpy())
        np.testing.assert_array_equal(p.grad.numpy(), tp.grad.numpy())


def test_nonfinite_error_message_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    tp = torch.zeros(2, requires_grad=True)
    tp.grad = torch.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.utils.clip_grad_norm_([tp], 1.0, norm_type="inf", error_if_nonfinite=True)
    p = Parameter(mg.zeros(2))
    p.grad = mg.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError) as ours:
        clip_grad_norm_([p], 1.0, norm_type="inf", error_if_nonfinite=True)
    assert str(ours.value) == str(theirs.value)


def test_mixed_dtypes_match_pytorch_live(rng):
    torch = pytest.importorskip("torch")
    g32, g64 = rng.standard_normal(4).astype(np.float32), rng.standard_normal(3)
    tps = [torch.zeros(4, requires_grad=True), torch.zeros(3, dtype=torch.float64, requires_grad=True)]
    tps[0].grad, tps[1].grad = torch.tensor(g32), torch.tensor(g64)
    t_total = torch.nn.utils.clip_grad_norm_(tps, 0.5)
    ps = [Parameter(mg.zeros(4)), Parameter(mg.zeros(3, dtype=mg.float64))]
    ps[0].grad, ps[1].grad = mg.from_numpy(g32.copy()), mg.from_numpy(g64.copy())
    total = clip_grad_norm_(ps, 0.5)
    assert str(total.dtype).split(".")[1] == str(t_total.dtype).split(".")[1]
    np.testing.assert_allclose(total.numpy(), t_total.numpy(), rtol=1e-6)
    for p, tp in zip(ps, tps):
        assert p.grad.numpy().dtype == tp.grad.numpy().dtype
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-6)


def test_clip_grad_value_clamps_every_gradient(rng):
    g = rng.standard_normal((4, 3)) * 3
    p = Parameter(mg.zeros(4, 3, dtype=mg.float64))
    p.grad = mg.from_numpy(g.copy())
    clip_grad_value_([p], 1.5)
    np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -1.5, 1.5))


def test_reachable_as_nn_utils():
    import minigrad.nn as nn

    assert nn.utils.clip_grad_norm_ is clip_grad_norm_
