"""``RNNCell`` and ``RNN`` against PyTorch: outputs, ``h_n`` and every gradient, for the cases of the golden script.

References: ``tests/fixtures/rnn_golden.npz`` (made by ``tests/golden/make_rnn_fixtures.py``) always, and PyTorch
itself, on fresh random numbers, when ``torch`` is importable. Weights go into minigrad through
``load_state_dict`` from PyTorch's parameter arrays, so matching names and shapes are part of every check, and so
are the ``grad_fn`` names of the outputs.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("make_rnn_fixtures", HERE.parent / "golden" / "make_rnn_fixtures.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

TOLERANCE = {"float64": 1e-10, "float32": 1e-5}


@pytest.fixture(scope="module")
def fixture_file():
    with np.load(golden.FIXTURE_FILE, allow_pickle=False) as data:
        yield {k: data[k] for k in data.files}


def case_arrays(data: dict, name: str, dtype: str) -> dict[str, np.ndarray]:
    prefix = f"{name}.{dtype}."
    return {k[len(prefix):]: v for k, v in data.items() if k.startswith(prefix)}


def run_minigrad(name: str, dtype: str, arrays: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], list[str]]:
    """Build the case in minigrad, load PyTorch's weights, run forward and backward of the fixture's loss."""
    case = golden.CASES[name]
    cls = nn.RNNCell if case["kind"] == "cell" else nn.RNN
    module = cls(**case["args"], dtype=getattr(mg, dtype))
    params = {k[len("param."):]: v for k, v in arrays.items() if k.startswith("param.")}
    module.load_state_dict(params)  # strict: the names must be PyTorch's exactly
    x = mg.tensor(arrays["x"], requires_grad=True)
    hx = mg.tensor(arrays["hx"], requires_grad=True) if "hx" in arrays else None
    results: dict[str, np.ndarray] = {}
    if case["kind"] == "cell":
        out = module(x, hx)
        loss = (out * mg.tensor(arrays["g_out"])).sum()
    else:
        out, hn = module(x, hx)
        loss = (out * mg.tensor(arrays["g_out"])).sum() + (hn * mg.tensor(arrays["g_hn"])).sum()
        results["hn"] = hn.detach().numpy()
        results["grad_fn.hn"] = hn.grad_fn.name()
    results["out"] = out.detach().numpy()
    results["grad_fn.out"] = out.grad_fn.name()
    loss.backward()
    results["grad.x"] = x.grad.numpy()
    if hx is not None:
        results["grad.hx"] = hx.grad.numpy()
    for n, p in module.named_parameters():
        results[f"grad.param.{n}"] = p.grad.numpy()
    return results, [n for n, _ in module.named_parameters()]


def expected_grad_fn(name: str, key: str, torch_name: str) -> str:
    """PyTorch's node name, except for a batched batch_first output: PyTorch runs time-major and transposes at
    the end (``TransposeBackward1``, an overload minigrad has no node for); minigrad stacks the steps straight
    into ``(N, L, H)``, so its output ends in the stack (or, bidirectional, the cat of two stacks)."""
    case = golden.CASES[name]
    if key == "grad_fn.out" and torch_name == "TransposeBackward1":
        assert case["args"].get("batch_first") and len(case["input"]) == 3
        return "CatBackward0" if case["args"].get("bidirectional") else "StackBackward0"
    return torch_name


def assert_matches(name: str, results: dict, expected: dict, dtype: str) -> None:
    names = {k for k in expected if k.startswith("grad_fn.")}
    assert {k: results.pop(k) for k in names} == {k: expected_grad_fn(name, k, str(expected[k])) for k in names}
    wanted = {k for k in expected if k in ("out", "hn") or k.startswith("grad.")}
    assert set(results) == wanted
    tol = TOLERANCE[dtype]
    for key in sorted(wanted):
        got = results[key]
        assert got.dtype == np.dtype(dtype), key
        assert got.shape == expected[key].shape, key
        np.testing.assert_allclose(got, expected[key], rtol=tol, atol=tol, err_msg=key)


def test_fixture_file_holds_every_case_of_the_script(fixture_file):
    for name, case in golden.CASES.items():
        assert json.loads(str(fixture_file[f"{name}.config"])) == case, f"{name}: re-run the golden script"


@pytest.mark.parametrize("dtype", golden.DTYPES)
@pytest.mark.parametrize("name", list(golden.CASES))
def test_matches_pytorch_fixture(fixture_file, name, dtype):
    arrays = case_arrays(fixture_file, name, dtype)
    results, names = run_minigrad(name, dtype, arrays)
    assert names == json.loads(str(fixture_file[f"{name}.param_names"]))
    assert_matches(name, results, arrays, dtype)


@pytest.mark.parametrize("dtype", golden.DTYPES)
@pytest.mark.parametrize("name", list(golden.CASES))
def test_matches_live_pytorch(name, dtype):
    pytest.importorskip("torch")
    arrays = golden.run_torch(name, dtype, seed_offset=1000)
    results, names = run_minigrad(name, dtype, arrays)
    assert names == json.loads(str(arrays["param_names"]))
    assert_matches(name, results, arrays, dtype)
