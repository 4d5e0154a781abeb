"""``LSTMCell``, ``GRUCell``, ``LSTM`` and ``GRU`` against PyTorch: every output, final state and gradient.

References: ``tests/fixtures/lstm_gru_golden.npz`` (made by ``tests/golden/make_lstm_gru_fixtures.py``) always, and
PyTorch itself, on fresh random numbers, when ``torch`` is importable. Weights go into minigrad through a strict
``load_state_dict`` of PyTorch's parameter arrays, so PyTorch's names, order, shapes and gate layout (LSTM
``i, f, g, o``; GRU ``r, z, n`` with ``b_hn`` inside the reset product) are part of every check, and so are the
``grad_fn`` names of the outputs.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
_spec = importlib.util.spec_from_file_location("make_lstm_gru_fixtures", TESTS / "golden" / "make_lstm_gru_fixtures.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

from golden.packing import load  # noqa: E402

TOLERANCE = {"float64": 1e-10, "float32": 1e-5}


@pytest.fixture(scope="module")
def fixture_items():
    return load(golden.FIXTURE_FILE)


def case_arrays(items: dict, name: str, dtype: str) -> dict:
    prefix = f"{name}/{dtype}/"
    return {k[len(prefix):]: v for k, v in items.items() if k.startswith(prefix)}


def run_minigrad(name: str, dtype: str, arrays: dict) -> tuple[dict, list[str]]:
    """Build the case in minigrad, load PyTorch's weights, run forward and backward of the fixture's loss."""
    case = golden.CASES[name]
    kind = case["kind"]
    module = getattr(nn, golden.CLASSES[kind])(**case["args"], dtype=getattr(mg, dtype))
    module.load_state_dict({k[len("param."):]: v for k, v in arrays.items() if k.startswith("param.")})
    x = mg.tensor(arrays["x"], requires_grad=True)
    states = {k: mg.tensor(arrays[k], requires_grad=True) for k in ("hx", "cx") if k in arrays}
    hx = None
    if states:
        hx = (states["hx"], states["cx"]) if kind.startswith("lstm") else states["hx"]
    outputs = golden.flatten(module(x, hx))
    results: dict = {}
    loss = None
    for key, out in zip(golden.output_names(kind), outputs, strict=True):
        term = (out * mg.tensor(arrays[f"g.{key}"])).sum()
        loss = term if loss is None else loss + term
        results[key] = out.detach().numpy()
        results[f"grad_fn.{key}"] = out.grad_fn.name()
    loss.backward()
    results["grad.x"] = x.grad.numpy()
    for key, state in states.items():
        results[f"grad.{key}"] = state.grad.numpy()
    for n, p in module.named_parameters():
        results[f"grad.param.{n}"] = p.grad.numpy()
    return results, [n for n, _ in module.named_parameters()]


def expected_grad_fn(name: str, key: str, torch_name: str) -> str:
    """PyTorch's node name, except where PyTorch's layer output comes from a fused or reordered kernel:
    float32 LSTM runs oneDNN (``MkldnnRnnLayerBackward0``), and a batched batch_first output is a transpose of a
    time-major one (``TransposeBackward0``/``1``). minigrad stacks the steps (straight into ``(N, L, H)`` when
    batch_first), so its output ends in the stack, or in the cat of two stacks when bidirectional."""
    case = golden.CASES[name]
    if key == "grad_fn.out" and torch_name in ("MkldnnRnnLayerBackward0", "TransposeBackward0", "TransposeBackward1"):
        assert case["kind"] in ("lstm", "gru") and len(case["input"]) == 3
        if torch_name.startswith("Transpose"):
            assert case["args"].get("batch_first")
        return "CatBackward0" if case["args"].get("bidirectional") else "StackBackward0"
    return torch_name


def assert_matches(name: str, results: dict, expected: dict, dtype: str) -> None:
    names = {k for k in expected if k.startswith("grad_fn.")}
    assert {k: results.pop(k) for k in names} == {k: expected_grad_fn(name, k, expected[k]) for k in names}
    wanted = {k for k in expected if k in ("out", "c", "hn", "cn") or k.startswith("grad.")}
    assert set(results) == wanted
    tol = TOLERANCE[dtype]
    for key in sorted(wanted):
        got = results[key]
        assert got.dtype == np.dtype(dtype), key
        assert got.shape == expected[key].shape, key
        np.testing.assert_allclose(got, expected[key], rtol=tol, atol=tol, err_msg=key)


def test_fixture_file_holds_every_case_of_the_script(fixture_items):
    assert {k.split("/")[0] for k in fixture_items} == set(golden.CASES)
    for name, case in golden.CASES.items():
        assert json.loads(fixture_items[f"{name}/config"]) == case, f"{name}: re-run the golden script"


def test_the_cases_cover_every_kind_and_option():
    kinds = {case["kind"] for case in golden.CASES.values()}
    assert kinds == {"lstm_cell", "gru_cell", "lstm", "gru"}
    for kind in ("lstm", "gru"):
        args = [c["args"] for c in golden.CASES.values() if c["kind"] == kind]
        assert {a.get("num_layers", 1) for a in args} >= {1, 2, 3}
        for option in ("bidirectional", "batch_first"):
            assert any(a.get(option) for a in args)
        assert any(a.get("bias") is False for a in args)


@pytest.mark.parametrize("dtype", golden.DTYPES)
@pytest.mark.parametrize("name", list(golden.CASES))
def test_matches_pytorch_fixture(fixture_items, name, dtype):
    arrays = case_arrays(fixture_items, name, dtype)
    results, names = run_minigrad(name, dtype, arrays)
    assert names == json.loads(fixture_items[f"{name}/param_names"])
    assert_matches(name, results, arrays, dtype)


@pytest.mark.parametrize("dtype", golden.DTYPES)
@pytest.mark.parametrize("name", list(golden.CASES))
def test_matches_live_pytorch(name, dtype):
    pytest.importorskip("torch")
    arrays = golden.run_torch(name, dtype, seed_offset=1000)
    results, names = run_minigrad(name, dtype, arrays)
    assert names == json.loads(arrays["param_names"])
    assert_matches(name, results, arrays, dtype)


@pytest.mark.parametrize("packed", [False, True])
def test_a_float64_lstm_with_a_float32_cell_state_matches_live_pytorch(packed):
    torch = pytest.importorskip("torch")
    ref = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, dtype=torch.float64)
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True, dtype=mg.float64)
    module.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    x, h0, c0 = np.random.randn(5, 2, 3), np.random.randn(4, 2, 4), np.random.randn(4, 2, 4).astype(np.float32)
    got, want = {}, {}
    for lib, store, model in ((mg, got, module), (torch, want, ref)):
        c = lib.tensor(c0, requires_grad=True)
        xs = lib.tensor(x)
        run = lib.nn.utils.rnn.pack_padded_sequence(xs, [5, 3]) if packed else xs
        out, (h_n, c_n) = model(run, (lib.tensor(h0), c))
        out = out.data if packed else out
        (out.sin().sum() + c_n.cos().sum()).backward()
        store.update(out=out, c_n=c_n, c_grad=c.grad, w_grad=model.weight_hh_l1_reverse.grad)
    for key in want:
        assert str(got[key].dtype) == str(want[key].dtype).replace("torch", "minigrad"), key
        tol = TOLERANCE[str(want[key].dtype).removeprefix("torch.")]
        np.testing.assert_allclose(got[key].detach().numpy(), want[key].detach().numpy(), rtol=tol, atol=tol,
                                   err_msg=key)
