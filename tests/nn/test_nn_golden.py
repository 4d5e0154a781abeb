"""Layers, activations, losses and ``Embedding`` against PyTorch: outputs and every gradient.

References: ``tests/fixtures/nn_<group>.npz`` (made by ``tests/golden/make_nn_fixtures.py``) always, and PyTorch
itself, on fresh random numbers, when ``torch`` is importable. Module weights go into minigrad through a strict
``load_state_dict`` of PyTorch's state dict as numpy arrays, so matching keys and shapes are part of every check.
Tolerances: 1e-10 in float64, 1e-5 in float32.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("make_nn_fixtures", HERE.parent / "golden" / "make_nn_fixtures.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

TOLERANCE = {"float64": 1e-10, "float32": 1e-5}
PARAMS = [(name, dtype) for name in golden.CASES for dtype in golden.DTYPES]


@pytest.fixture(scope="module")
def fixtures() -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for group in golden.GROUPS:
        with np.load(golden.FIXTURES / f"nn_{group}.npz", allow_pickle=False) as data:
            out[group] = {k: data[k] for k in data.files}
    return out


def case_arrays(data: dict[str, np.ndarray], name: str, dtype: str) -> dict[str, np.ndarray]:
    prefix = f"{name}.{dtype}."
    return {k[len(prefix):]: v for k, v in data.items() if k.startswith(prefix)}


def build_module(spec: list, dtype: Any) -> nn.Module:
    name, args = spec
    if name == "Sequential":
        return nn.Sequential(*[build_module(s, dtype) for s in args])
    kwargs = {k: mg.zeros(v["zeros"], dtype=dtype) if isinstance(v, dict) else v for k, v in args.items()}
    return getattr(nn, name)(**kwargs).to(dtype)


def run_minigrad(name: str, dtype: str, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Run the case in minigrad on the fixture's inputs and weights; backward of ``sum(out * g_out)``."""
    case = golden.CASES[name]
    tensors = {
        key: mg.tensor(arrays[f"in.{key}"], requires_grad=bool(spec.get("grad")))
        for key, spec in case["inputs"].items()
    }
    module = None
    if "module" in case:
        module = build_module(case["module"], getattr(mg, dtype))
        state = {k[len("param."):]: v for k, v in arrays.items() if k.startswith("param.")}
        module.load_state_dict(state)  # strict: PyTorch's keys and shapes exactly
        if case.get("eval"):
            module.eval()
        for _ in range(case.get("calls", 1)):
            out = module(*[tensors[k] for k in case["call"]])
    else:
        kwargs = dict(case.get("kwargs", {}))
        kwargs.update({k: tensors[k] for k in case.get("tensor_kwargs", [])})
        out = getattr(F, case["fn"])(*[tensors[k] for k in case["call"]], **kwargs)
    results = {"out": out.detach().numpy().copy()}
    out.backward(mg.tensor(arrays["g_out"]))
    for key, spec in case["inputs"].items():
        if spec.get("grad"):
            results[f"grad.in.{key}"] = tensors[key].grad.numpy()
    for key in case.get("mutates", []):
        results[f"after.in.{key}"] = tensors[key].numpy()
    if module is not None:
        for key, p in module.named_parameters():
            results[f"grad.param.{key}"] = p.grad.numpy()
        for key, value in module.state_dict().items():
            results[f"after.param.{key}"] = value.numpy()
    return results


def assert_matches(expected: dict[str, np.ndarray], got: dict[str, np.ndarray], dtype: str) -> None:
    fields = sorted(k for k in expected if k in ("out",) or k.startswith(("grad.", "after.")))
    assert sorted(got) == fields  # same outputs, same gradients, same parameter names
    tol = TOLERANCE[dtype]
    for field in fields:
        want, have = expected[field], got[field]
        assert have.dtype == want.dtype, field
        assert have.shape == want.shape, field
        np.testing.assert_allclose(have, want, rtol=tol, atol=tol, err_msg=field)


def test_fixture_config_is_the_scripts(fixtures):
    for name, case in golden.CASES.items():
        stored = json.loads(str(fixtures[case["group"]][f"{name}.config"]))
        assert stored == json.loads(json.dumps(case, sort_keys=True)), name


@pytest.mark.parametrize("name,dtype", PARAMS)
def test_matches_pytorch_fixture(fixtures, name, dtype):
    arrays = case_arrays(fixtures[golden.CASES[name]["group"]], name, dtype)
    assert_matches(arrays, run_minigrad(name, dtype, arrays), dtype)


@pytest.mark.parametrize("name,dtype", PARAMS)
def test_matches_pytorch_live(name, dtype):
    pytest.importorskip("torch")
    arrays = golden.run_torch(name, dtype, seed_offset=1)
    assert_matches(arrays, run_minigrad(name, dtype, arrays), dtype)
