"""Every optimizer against PyTorch: the same weights and gradients give the same weights and state,
step by step.

References: tests/fixtures/optim_golden.npz (made by tests/golden/make_optim_fixtures.py) and, when torch is
importable, a live run of PyTorch on the same inputs.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import Parameter

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "golden" / "make_optim_fixtures.py"
FIXTURE = HERE.parent / "fixtures" / "optim_golden.npz"

CASE_NAMES = [
    "sgd_plain", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay", "sgd_dampening", "sgd_maximize", "sgd_groups",
    "adam_default", "adam_lr", "adam_weight_decay", "adam_amsgrad", "adam_small_beta1", "adam_maximize",
    "adam_decoupled", "adam_groups", "adamw_default", "adamw_amsgrad", "adamw_maximize", "adamw_groups",
    "rmsprop_default", "rmsprop_centered", "rmsprop_momentum", "rmsprop_weight_decay_maximize", "rmsprop_groups",
]
TOL = {"float64": {"rtol": 1e-10, "atol": 1e-10}, "float32": {"rtol": 1e-5, "atol": 1e-5}}
LONG_TOL = {"float64": {"rtol": 1e-12, "atol": 1e-14}, "float32": {"rtol": 1e-5, "atol": 1e-6}}
# LBFGS: relative to each array's largest entry (entries near 0 carry the round-off of the large ones). Its state
# passes through up to 25 closure calls of an ill-conditioned problem, and PyTorch's add_ rounds once (a fused
# multiply-add) where numpy rounds twice: float64 agrees to ~2e-12 of the scale. In float32 the two libraries' sums
# and dot products round differently and Rosenbrock with line search amplifies it past 1e-4, so float32 is compared
# on the cases where PyTorch's float32 run is reproducible to 3e-5: the fixed-step ones and the quadratic with
# line search (not where the gradient has shrunk to its tolerance, whose float32 state is mostly cancellation).
LBFGS_TOL = {"float64": 1e-11, "float32": 3e-5}
LBFGS_FLOAT32_CASES = ["lbfgs_quadratic_fixed", "lbfgs_quadratic_wolfe", "lbfgs_rosenbrock_fixed"]


def _golden_script():
    spec = importlib.util.spec_from_file_location("make_optim_fixtures", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def golden():
    with np.load(FIXTURE, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _inputs(golden):
    return {k[len("input__"):]: v for k, v in golden.items() if k.startswith("input__")}


def _groups(case, params):
    if "groups" not in case:
        return list(params)
    out = []
    for g in case["groups"]:
        opts = {k: (tuple(v) if k == "betas" else v) for k, v in g.items() if k != "params"}
        out.append({"params": [params[i] for i in g["params"]], **opts})
    return out


def run_minigrad(case, inputs, dtype):
    """Replay the stored steps with minigrad: weights after every step, final state, and the parameters."""
    n = inputs["has_grad"].shape[1]
    params = [Parameter(mg.from_numpy(inputs[f"p{i}"].astype(dtype))) for i in range(n)]
    defaults = {k: (tuple(v) if k == "betas" else v) for k, v in case["defaults"].items()}
    opt = getattr(mg.optim, case["optimizer"])(_groups(case, params), **defaults)
    traj = [[] for _ in params]
    for s in range(inputs["has_grad"].shape[0]):
        opt.zero_grad()
        for i, p in enumerate(params):
            if inputs["has_grad"][s, i]:
                p.grad = mg.from_numpy(inputs[f"g{i}"][s].astype(dtype))
        opt.step()
        for i, p in enumerate(params):
            traj[i].append(p.detach().numpy().copy())
    out = {}
    for i, p in enumerate(params):
        out[f"traj{i}"] = np.stack(traj[i])
        for key, value in opt.state[p].items():
            out[f"state{i}_{key}"] = value.numpy().copy()
    return out, params, opt


def test_fixture_lists_every_case(golden):
    assert sorted(json.loads(str(golden["cases"]))) == sorted(CASE_NAMES)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_matches_pytorch_fixture(golden, name, dtype):
    case = json.loads(str(golden["cases"]))[name]
    got, params, _ = run_minigrad(case, _inputs(golden), dtype)
    prefix = f"{name}__{dtype}__"
    expected = {k[len(prefix):]: v for k, v in golden.items() if k.startswith(prefix)}
    assert sorted(got) == sorted(expected)  # same state entries as PyTorch, e.g. no momentum buffer for plain SGD
    for key, value in expected.items():
        assert got[key].dtype == value.dtype, key
        np.testing.assert_allclose(got[key], value, err_msg=key, **TOL[dtype])
    for p in params:
        assert p.dtype == getattr(mg, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_matches_pytorch_live(golden, name, dtype):
    pytest.importorskip("torch")
    script = _golden_script()
    case = script.OPTIM_CASES[name]
    inputs = _inputs(golden)
    expected = script.run_torch_optim(case, inputs, dtype)
    got, _, _ = run_minigrad(case, inputs, dtype)
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, err_msg=key, **TOL[dtype])


def test_grad_none_step_leaves_parameter_and_adam_counter(golden):
    case = json.loads(str(golden["cases"]))["adam_lr"]
    inputs = _inputs(golden)
    got, _, _ = run_minigrad(case, inputs, "float64")
    # parameter 1 has no gradient at step 2: unchanged there, and its step counter is one behind parameter 0's
    np.testing.assert_array_equal(got["traj1"][2], got["traj1"][1])
    assert float(got["state1_step"]) == inputs["has_grad"][:, 1].sum() == 4


# ---- Adadelta, Adagrad, Adamax, NAdam, RAdam, ASGD, Rprop: a longer run on their own inputs -------------------
LONG_CASE_NAMES = list(_golden_script().LONG_CASES)


def _long_inputs(golden):
    return {k[len("input_long__"):]: v for k, v in golden.items() if k.startswith("input_long__")}


def _pairs_as_tuples(case):
    """The case with its pair options (betas, etas, step_sizes) as tuples, as the optimizers are given them."""
    script = _golden_script()
    out = {"optimizer": case["optimizer"], "defaults": script.build_defaults(case)}
    if "groups" in case:
        out["groups"] = [{k: (tuple(v) if k in script.PAIRS else v) for k, v in g.items()} for g in case["groups"]]
    return out


def test_fixture_lists_every_long_case(golden):
    assert json.loads(str(golden["cases_long"])) == _golden_script().LONG_CASES
    assert {c["optimizer"] for c in _golden_script().LONG_CASES.values()} == {
        "Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", LONG_CASE_NAMES)
def test_long_cases_match_pytorch_fixture(golden, name, dtype):
    case = _pairs_as_tuples(json.loads(str(golden["cases_long"]))[name])
    got, params, _ = run_minigrad(case, _long_inputs(golden), dtype)
    prefix = f"{name}__{dtype}__"
    expected = {k[len(prefix):]: v for k, v in golden.items() if k.startswith(prefix)}
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        assert got[key].dtype == value.dtype, key
        np.testing.assert_allclose(got[key], value, err_msg=key, **LONG_TOL[dtype])
    for p in params:
        assert p.dtype == getattr(mg, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", LONG_CASE_NAMES)
def test_long_cases_match_pytorch_live(golden, name, dtype):
    pytest.importorskip("torch")
    script = _golden_script()
    case = script.LONG_CASES[name]
    inputs = _long_inputs(golden)
    expected = script.run_torch_optim(case, inputs, dtype)
    got, _, _ = run_minigrad(_pairs_as_tuples(case), inputs, dtype)
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, err_msg=key, **LONG_TOL[dtype])


# ---- LBFGS, driven by a closure ---------------------------------------------------------------------------
LBFGS_CASE_NAMES = list(_golden_script().LBFGS_CASES)


def test_fixture_lists_every_lbfgs_case(golden):
    assert json.loads(str(golden["cases_lbfgs"])) == _golden_script().LBFGS_CASES


def _lbfgs_params():
    return [pytest.param(name, dtype, id=f"{name}-{dtype}") for dtype in ("float64", "float32")
            for name in LBFGS_CASE_NAMES if dtype == "float64" or name in LBFGS_FLOAT32_CASES]


def _assert_close_to_scale(got, expected, rel, key):
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert got.shape == expected.shape, key
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected), err_msg=key)  # al's unset entries
    scale = np.nanmax(np.abs(expected)) if expected.size else 0.0
    np.testing.assert_allclose(np.nan_to_num(got), np.nan_to_num(expected), rtol=0, atol=rel * scale, err_msg=key)


@pytest.mark.parametrize("name, dtype", _lbfgs_params())
def test_lbfgs_matches_pytorch_fixture(golden, name, dtype):
    got = _golden_script().run_lbfgs(mg, json.loads(str(golden["cases_lbfgs"]))[name], dtype)
    got.pop("state")
    prefix = f"{name}__{dtype}__"
    expected = {k[len(prefix):]: v for k, v in golden.items() if k.startswith(prefix)}
    assert sorted(got) == sorted(expected)
    for key in ("func_evals", "n_iter"):  # the same number of closure calls and iterations, step by step
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
    for key, value in expected.items():
        _assert_close_to_scale(got[key], value, LBFGS_TOL[dtype], key)


@pytest.mark.parametrize("name, dtype", _lbfgs_params())
def test_lbfgs_matches_pytorch_live(name, dtype):
    torch = pytest.importorskip("torch")
    script = _golden_script()
    case = script.LBFGS_CASES[name]
    expected = script.run_lbfgs(torch, case, dtype)
    got = script.run_lbfgs(mg, case, dtype)
    theirs, ours = expected.pop("state"), got.pop("state")
    assert ours["param_groups"] == theirs["param_groups"]
    assert list(ours["state"]) == list(theirs["state"]) == [0]
    for key, value in theirs["state"][0].items():  # same keys in the same order, and the same kinds of value
        mine = ours["state"][0][key]
        assert type(mine).__name__ == type(value).__name__ or (
            isinstance(mine, mg.Tensor) and isinstance(value, torch.Tensor)), key
        if isinstance(value, list):
            assert [type(v) is type(None) for v in mine] == [v is None for v in value], key
    assert list(ours["state"][0]) == list(theirs["state"][0])
    assert sorted(got) == sorted(expected)
    for key in ("func_evals", "n_iter"):
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
    for key, value in expected.items():
        _assert_close_to_scale(got[key], value, LBFGS_TOL[dtype], key)
