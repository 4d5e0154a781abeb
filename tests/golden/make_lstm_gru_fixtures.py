"""Make the PyTorch golden fixtures for ``minigrad.nn.LSTMCell``, ``GRUCell``, ``LSTM`` and ``GRU``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_lstm_gru_fixtures.py

It writes ``tests/fixtures/lstm_gru_golden.npz`` (packed with ``tests/golden/packing.py``: flat arrays per dtype
and a JSON index, loadable with ``allow_pickle=False``). For every case in ``CASES`` and both float64 and float32
it stores, under ``{case}/{dtype}/{field}``:

- the inputs PyTorch saw: ``param.<name>`` (every parameter, PyTorch's names), ``x``, the given states ``hx``
  (and ``cx`` for the LSTMs) when the case passes them, and cotangents ``g.<output>`` that weight each output
  in the loss ``sum over outputs of sum(output * g.output)``;
- PyTorch's results: each output (``out``; ``hn`` for the layers; ``cn`` for LSTM's cell state, ``c`` for
  LSTMCell's), the loss's gradients ``grad.x``, ``grad.hx``, ``grad.cx``, ``grad.param.<name>``, and
  ``grad_fn.<output>``, the name of the node that made each output;

and ``{case}/config`` (the case as JSON) and ``{case}/param_names`` (PyTorch's parameter order, JSON).
Every array comes from a numpy generator seeded by the case name, so the fixtures are the same on every run.
The tests import ``CASES`` and ``run_torch`` from here for their live comparisons.
"""

from __future__ import annotations

import json
import sys
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from golden.packing import pack  # noqa: E402

FIXTURES = TESTS / "fixtures"
FIXTURE_FILE = FIXTURES / "lstm_gru_golden.npz"
DTYPES = ("float64", "float32")
CLASSES = {"lstm_cell": "LSTMCell", "gru_cell": "GRUCell", "lstm": "LSTM", "gru": "GRU"}


def _case(kind: str, input: list[int], hx: bool, **args: Any) -> dict[str, Any]:
    return {"kind": kind, "args": {"input_size": input[-1], **args}, "input": input, "hx": hx}


# kind: a key of CLASSES; args: constructor keywords; input: the input's shape; hx: pass the states or not.
CASES: dict[str, dict[str, Any]] = {}
for _kind in ("lstm_cell", "gru_cell"):
    CASES.update({
        f"{_kind}": _case(_kind, [3, 4], True, hidden_size=5),
        f"{_kind}_default_hx": _case(_kind, [3, 4], False, hidden_size=5),
        f"{_kind}_no_bias": _case(_kind, [3, 4], True, hidden_size=5, bias=False),
        f"{_kind}_unbatched": _case(_kind, [4], True, hidden_size=5),
        f"{_kind}_unbatched_default_hx": _case(_kind, [4], False, hidden_size=3),
    })
for _kind in ("lstm", "gru"):
    CASES.update({
        f"{_kind}_l1": _case(_kind, [6, 3, 4], True, hidden_size=5),
        f"{_kind}_l1_default_h0": _case(_kind, [6, 3, 4], False, hidden_size=5),
        f"{_kind}_l2": _case(_kind, [5, 3, 4], True, hidden_size=5, num_layers=2),
        f"{_kind}_l3_default_h0": _case(_kind, [4, 2, 4], False, hidden_size=3, num_layers=3),
        f"{_kind}_no_bias": _case(_kind, [5, 3, 4], True, hidden_size=5, num_layers=2, bias=False),
        f"{_kind}_batch_first": _case(_kind, [3, 5, 4], True, hidden_size=5, num_layers=2, batch_first=True),
        f"{_kind}_bidirectional": _case(_kind, [5, 3, 4], True, hidden_size=5, bidirectional=True),
        f"{_kind}_bidirectional_l2": _case(_kind, [5, 2, 4], True, hidden_size=3, num_layers=2,
                                           bidirectional=True),
        f"{_kind}_bidirectional_batch_first_default_h0": _case(_kind, [2, 5, 4], False, hidden_size=3,
                                                               num_layers=2, bidirectional=True, batch_first=True),
        f"{_kind}_unbatched": _case(_kind, [5, 4], True, hidden_size=5, num_layers=2),
        f"{_kind}_unbatched_bidirectional_default_h0": _case(_kind, [5, 4], False, hidden_size=3, num_layers=2,
                                                             bidirectional=True),
        f"{_kind}_all_options": _case(_kind, [2, 4, 3], True, hidden_size=4, num_layers=3, bias=False,
                                      batch_first=True, bidirectional=True),
    })
CASES.update({
    "lstm_proj": _case("lstm", [5, 3, 4], True, hidden_size=5, proj_size=2),
    "lstm_proj_l2_bidirectional": _case("lstm", [4, 2, 4], True, hidden_size=4, proj_size=3, num_layers=2,
                                        bidirectional=True),
    "lstm_proj_default_h0_batch_first": _case("lstm", [2, 4, 3], False, hidden_size=4, proj_size=1,
                                              num_layers=2, batch_first=True),
    "lstm_proj_unbatched_no_bias": _case("lstm", [4, 3], True, hidden_size=4, proj_size=2, num_layers=2,
                                         bias=False),
})


def state_shapes(case: dict[str, Any]) -> list[tuple[int, ...]]:
    """The shapes of the states a case passes: ``[hx]`` or, for the LSTMs, ``[hx, cx]`` (PyTorch's shapes)."""
    args, shape, kind = case["args"], case["input"], case["kind"]
    hidden = args["hidden_size"]
    if kind.endswith("cell"):
        one = (shape[0], hidden) if len(shape) == 2 else (hidden,)
        return [one, one] if kind == "lstm_cell" else [one]
    layers = args.get("num_layers", 1) * (2 if args.get("bidirectional", False) else 1)
    lead = (layers,) if len(shape) == 2 else (layers, shape[0] if args.get("batch_first", False) else shape[1])
    h = lead + (args.get("proj_size", 0) or hidden,)
    return [h, lead + (hidden,)] if kind == "lstm" else [h]


def output_names(kind: str) -> list[str]:
    """The names of a kind's outputs, in the order the module returns them (flattened)."""
    return {"lstm_cell": ["out", "c"], "gru_cell": ["out"], "lstm": ["out", "hn", "cn"], "gru": ["out", "hn"]}[kind]


def flatten(result: Any) -> list[Any]:
    """``(out, (h_n, c_n))`` -> ``[out, h_n, c_n]``; a single tensor -> ``[it]``."""
    if not isinstance(result, tuple):
        return [result]
    return [t for item in result for t in flatten(item)]


def run_torch(name: str, dtype: str, seed_offset: int = 0) -> dict[str, Any]:
    """Build case ``name`` in PyTorch with seeded random weights and inputs; return inputs and results.

    ``seed_offset`` changes every drawn array (the live tests use fresh numbers). Returns float64 or float32
    arrays and node names keyed as the fixture fields are (see the module docstring), plus ``param_names``.
    """
    import torch

    case = CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()) + seed_offset)
    module = getattr(torch.nn, CLASSES[case["kind"]])(**case["args"], dtype=getattr(torch, dtype))
    bound = 1.0 / np.sqrt(case["args"]["hidden_size"])
    arrays: dict[str, Any] = {}
    with torch.no_grad():
        for n, p in module.named_parameters():
            arrays[f"param.{n}"] = rng.uniform(-bound, bound, tuple(p.shape)).astype(dtype)
            p.copy_(torch.from_numpy(arrays[f"param.{n}"]))
    arrays["x"] = rng.standard_normal(case["input"]).astype(dtype)
    x = torch.from_numpy(arrays["x"].copy()).requires_grad_(True)
    states = []
    if case["hx"]:
        for key, shape in zip(("hx", "cx"), state_shapes(case)):
            arrays[key] = (0.5 * rng.standard_normal(shape)).astype(dtype)
            states.append(torch.from_numpy(arrays[key].copy()).requires_grad_(True))
    hx = None if not states else (tuple(states) if case["kind"].startswith("lstm") else states[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "LSTM with projections is not supported with oneDNN"
        outputs = flatten(module(x, hx))
    loss = 0
    for key, out in zip(output_names(case["kind"]), outputs):
        arrays[f"g.{key}"] = rng.standard_normal(tuple(out.shape)).astype(dtype)
        loss = loss + (out * torch.from_numpy(arrays[f"g.{key}"])).sum()
        arrays[key] = out.detach().numpy().copy()
        arrays[f"grad_fn.{key}"] = out.grad_fn.name()
    loss.backward()
    arrays["grad.x"] = x.grad.numpy().copy()
    for key, state in zip(("hx", "cx"), states):
        arrays[f"grad.{key}"] = state.grad.numpy().copy()
    for n, p in module.named_parameters():
        arrays[f"grad.param.{n}"] = p.grad.numpy().copy()
    arrays["param_names"] = json.dumps([n for n, _ in module.named_parameters()])
    return arrays


def main() -> None:
    items: dict[str, Any] = {}
    for name, case in CASES.items():
        items[f"{name}/config"] = json.dumps(case, sort_keys=True)
        for dtype in DTYPES:
            arrays = run_torch(name, dtype)
            items[f"{name}/param_names"] = arrays.pop("param_names")
            for field, value in arrays.items():
                items[f"{name}/{dtype}/{field}"] = value
    FIXTURES.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURE_FILE, **pack(items))
    print(f"wrote {FIXTURE_FILE} ({len(CASES)} cases, {len(items)} entries)")


if __name__ == "__main__":
    main()
