"""SGD, Adam, AdamW and RMSprop against PyTorch: the same weights and gradients give the same weights and state,
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
            traj[i].append(p.data.copy())
    out = {}
    for i, p in enumerate(params):
        out[f"traj{i}"] = np.stack(traj[i])
        for key, value in opt.state[p].items():
            out[f"state{i}_{key}"] = value.data.copy()
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
