"""Make the PyTorch golden fixtures for minigrad's foundation (ops, reprs, error messages).

Run from the repository root with PyTorch installed:

    python tests/golden/make_ops_fixtures.py

It writes three small files (numpy ``.npz`` packed by ``packing.pack``, no pickles) into ``tests/fixtures/``:

- ``ops_golden.npz``: for every case of ``ops_cases.CASES``: the inputs, PyTorch's output, a random cotangent,
  the gradients PyTorch backpropagates from it, and the output's ``grad_fn`` name.
- ``ops_reprs.npz``: PyTorch's ``repr`` of every ``REPR_CASES`` tensor, with ``torch.`` written ``minigrad.``.
- ``ops_errors.npz``: the exception type and message PyTorch raises for every ``ERROR_CASES`` call.

The tests read these files without PyTorch, and compare against PyTorch live when it is importable.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from golden.ops_cases import CASES, ERROR_CASES, REPR_CASES, grad_fn_name  # noqa: E402
from golden.packing import pack  # noqa: E402

FIXTURES = TESTS / "fixtures"


def cotangent(case_name: str, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """The random dL/d(output) backpropagated for a case (also stored, so tests need not rebuild it)."""
    rng = np.random.default_rng(sum(map(ord, case_name)))
    return rng.standard_normal(shape).astype(dtype)


def run_torch_case(torch, case, inputs: list[np.ndarray], cot: np.ndarray | None = None) -> dict:
    """Run one case in PyTorch on ``inputs``: output, cotangent, gradients and grad_fn name."""
    ts = [torch.tensor(a, requires_grad=True) for a in inputs]
    out = case.fn(torch, *ts)
    if cot is None:
        cot = cotangent(case.name, tuple(out.shape), np.dtype(str(out.dtype).replace("torch.", "")))
    out.backward(torch.from_numpy(cot))
    return {
        "out": out.detach().numpy().copy(),
        "cot": cot,
        "grads": [t.grad.numpy().copy() for t in ts],
        "grad_fn": grad_fn_name(out),
    }


def torch_repr(torch, rc) -> str:
    return repr(rc.make(torch, rc.data)).replace("torch.", "minigrad.")


def torch_error(torch, fn) -> tuple[str, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(torch)
    except Exception as err:  # noqa: BLE001 - recording whatever PyTorch raises is the point
        return type(err).__name__, str(err).replace("torch.", "minigrad.")
    return "", ""


def main() -> None:
    import torch

    torch.set_printoptions(profile="default")
    ops: dict = {}
    for case in CASES:
        inputs = case.make_inputs()
        res = run_torch_case(torch, case, inputs)
        for i, a in enumerate(inputs):
            ops[f"{case.name}/in{i}"] = a
            ops[f"{case.name}/grad{i}"] = res["grads"][i]
        ops[f"{case.name}/out"] = res["out"]
        ops[f"{case.name}/cot"] = res["cot"]
        ops[f"{case.name}/grad_fn"] = res["grad_fn"]

    reprs = {}
    for rc in REPR_CASES:
        reprs[f"{rc.name}/data"] = rc.data
        reprs[f"{rc.name}/repr"] = torch_repr(torch, rc)

    errors = {}
    for name, fn in ERROR_CASES.items():
        kind, msg = torch_error(torch, fn)
        if not kind:
            raise SystemExit(f"error case {name!r} did not raise in PyTorch")
        errors[f"{name}/type"] = kind
        errors[f"{name}/message"] = msg

    FIXTURES.mkdir(exist_ok=True)
    for fname, data in (("ops_golden.npz", ops), ("ops_reprs.npz", reprs), ("ops_errors.npz", errors)):
        path = FIXTURES / fname
        np.savez_compressed(path, **pack(data))
        print(f"wrote {path} ({path.stat().st_size / 1024:.1f} KB, {len(data)} entries)")
    print(f"made with torch {torch.__version__}")


if __name__ == "__main__":
    main()
