"""minigrad against PyTorch: outputs, gradients, dtypes and grad_fn names of every op case, and error texts.

The committed fixtures (made by tests/golden/make_ops_fixtures.py) are always checked; the ``live`` tests run
the same cases through PyTorch when it is importable.
"""

from pathlib import Path

import numpy as np
import pytest
from golden.make_ops_fixtures import cotangent, run_torch_case, torch_error
from golden.ops_cases import CASES, ERROR_CASES
from golden.packing import load

import minigrad as mg

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDEN = load(FIXTURES / "ops_golden.npz")
ERRORS = load(FIXTURES / "ops_errors.npz")
IDS = [c.name for c in CASES]
# Cases whose grad_fn name minigrad deliberately does not copy; each case says why (``name_differs``).
NAMED_CASES = [c for c in CASES if not c.name_differs]


def _tol(dtype):
    return {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 1e-5, "atol": 1e-6}


def _run_minigrad(case, inputs, cot=None):
    leaves = [mg.tensor(a, requires_grad=True) for a in inputs]
    out = case.fn(mg, *leaves)
    if cot is None:
        cot = cotangent(case.name, out.data.shape, out.data.dtype)
    out.backward(mg.tensor(cot))
    return out, leaves


def _assert_matches(case, out, leaves, ref_out, ref_grads):
    tol = _tol(np.dtype(case.dtype))
    assert out.detach().numpy().dtype == ref_out.dtype, "output dtype"
    assert out.shape == ref_out.shape, "output shape"
    np.testing.assert_allclose(out.detach().numpy(), ref_out, **tol, err_msg="output")
    for i, (leaf, ref) in enumerate(zip(leaves, ref_grads)):
        assert leaf.grad is not None, f"input {i} got no gradient"
        assert leaf.grad.dtype == leaf.dtype, f"gradient {i} dtype"
        assert leaf.grad.numpy().dtype == ref.dtype and leaf.grad.shape == ref.shape, f"gradient {i} dtype/shape"
        np.testing.assert_allclose(leaf.grad.numpy(), ref, **tol, err_msg=f"gradient of input {i}")


def test_fixture_holds_every_case():
    assert {k.split("/")[0] for k in GOLDEN} == {c.name for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output_and_gradients_match_pytorch_fixture(case):
    n = len(case.shapes)
    inputs = [GOLDEN[f"{case.name}/in{i}"] for i in range(n)]
    out, leaves = _run_minigrad(case, inputs, GOLDEN[f"{case.name}/cot"])
    _assert_matches(case, out, leaves, GOLDEN[f"{case.name}/out"], [GOLDEN[f"{case.name}/grad{i}"] for i in range(n)])


@pytest.mark.parametrize("case", NAMED_CASES, ids=[c.name for c in NAMED_CASES])
def test_grad_fn_name_matches_pytorch_fixture(case):
    inputs = [mg.tensor(a, requires_grad=True) for a in case.make_inputs()]
    assert case.fn(mg, *inputs).grad_fn.name() == GOLDEN[f"{case.name}/grad_fn"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output_gradients_and_name_match_pytorch_live(case):
    torch = pytest.importorskip("torch")
    inputs = case.make_inputs(seed_offset=7)  # fresh inputs, not the fixture's
    ref = run_torch_case(torch, case, inputs)
    out, leaves = _run_minigrad(case, inputs, ref["cot"])
    _assert_matches(case, out, leaves, ref["out"], ref["grads"])
    if not case.name_differs:
        assert out.grad_fn.name() == ref["grad_fn"]


def _raised(fn, lib):
    try:
        fn(lib)
    except Exception as err:  # noqa: BLE001 - the exception is what is compared
        return type(err).__name__, str(err)
    return "", ""


def _comparable(message):
    # PyTorch's in-place hint points to its anomaly mode, which minigrad does not have; minigrad's hint names
    # the failing op instead. Everything before "Hint:" must be identical.
    return message.split(" Hint:")[0]


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_error_type_and_message_match_pytorch_fixture(name):
    kind, message = _raised(ERROR_CASES[name], mg)
    assert kind == ERRORS[f"{name}/type"]
    assert _comparable(message) == _comparable(ERRORS[f"{name}/message"])


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_error_type_and_message_match_pytorch_live(name):
    torch = pytest.importorskip("torch")
    kind, message = torch_error(torch, ERROR_CASES[name])
    mine = _raised(ERROR_CASES[name], mg)
    assert mine[0] == kind
    assert _comparable(mine[1]) == _comparable(message)
