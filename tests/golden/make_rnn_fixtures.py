"""Make the PyTorch golden fixtures for ``minigrad.nn.RNNCell`` and ``minigrad.nn.RNN``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_rnn_fixtures.py

It writes ``tests/fixtures/rnn_golden.npz`` (plain arrays and JSON strings, loadable with ``allow_pickle=False``).
For every case in ``CASES`` and both float64 and float32 it stores, under ``{case}.{dtype}.{field}``:

- the inputs PyTorch saw: ``param.<name>`` (every parameter, PyTorch's names), ``x``, ``hx`` (when the case passes
  one), and the cotangents ``g_out`` (and ``g_hn`` for ``RNN``) that weight the outputs in the loss
  ``sum(out * g_out) + sum(h_n * g_hn)``;
- PyTorch's results: ``out``, ``hn``, and the loss's gradients ``grad.x``, ``grad.hx``, ``grad.param.<name>``;
  ``grad_fn.out`` and ``grad_fn.hn``, the names of the nodes that made ``out`` and ``hn`` (string arrays).

and ``{case}.config`` (the case as JSON) and ``{case}.param_names`` (PyTorch's parameter order, JSON).
Every array comes from a numpy generator seeded by the case name, so the fixtures are the same on every run.
The tests import ``CASES`` and ``run_torch`` from here for their live comparisons.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_FILE = FIXTURES / "rnn_golden.npz"
DTYPES = ("float64", "float32")

# kind: "cell" (RNNCell) or "rnn" (RNN); args: constructor keywords; input: the input's shape; hx: pass one or not.
CASES: dict[str, dict[str, Any]] = {
    "cell_tanh": {"kind": "cell", "args": {"input_size": 4, "hidden_size": 5}, "input": [3, 4], "hx": True},
    "cell_tanh_default_hx": {"kind": "cell", "args": {"input_size": 4, "hidden_size": 5}, "input": [3, 4],
                             "hx": False},
    "cell_relu": {"kind": "cell", "args": {"input_size": 4, "hidden_size": 5, "nonlinearity": "relu"},
                  "input": [3, 4], "hx": True},
    "cell_no_bias": {"kind": "cell", "args": {"input_size": 4, "hidden_size": 5, "bias": False},
                     "input": [3, 4], "hx": True},
    "cell_no_bias_default_hx": {"kind": "cell", "args": {"input_size": 4, "hidden_size": 5, "bias": False},
                                "input": [3, 4], "hx": False},
    "cell_unbatched": {"kind": "cell", "args": {"input_size": 4, "hidden_size": 5}, "input": [4], "hx": True},
    "cell_unbatched_default_hx": {"kind": "cell", "args": {"input_size": 4, "hidden_size": 5, "nonlinearity": "relu"},
                                  "input": [4], "hx": False},
    "rnn_l1": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5}, "input": [6, 3, 4], "hx": True},
    "rnn_l1_default_h0": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5}, "input": [6, 3, 4],
                          "hx": False},
    "rnn_l2": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5, "num_layers": 2}, "input": [5, 3, 4],
               "hx": True},
    "rnn_l3_default_h0": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 3, "num_layers": 3},
                          "input": [4, 2, 4], "hx": False},
    "rnn_l4": {"kind": "rnn", "args": {"input_size": 3, "hidden_size": 4, "num_layers": 4}, "input": [4, 2, 3],
               "hx": True},
    "rnn_relu": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5, "num_layers": 2,
                                         "nonlinearity": "relu"}, "input": [5, 3, 4], "hx": True},
    "rnn_no_bias": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5, "num_layers": 2, "bias": False},
                    "input": [5, 3, 4], "hx": True},
    "rnn_batch_first": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5, "num_layers": 2,
                                                "batch_first": True}, "input": [3, 5, 4], "hx": True},
    "rnn_bidirectional": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5, "bidirectional": True},
                          "input": [5, 3, 4], "hx": True},
    "rnn_bidirectional_l2": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 3, "num_layers": 2,
                                                     "bidirectional": True}, "input": [5, 2, 4], "hx": True},
    "rnn_bidirectional_batch_first_default_h0": {
        "kind": "rnn", "args": {"input_size": 4, "hidden_size": 3, "num_layers": 2, "bidirectional": True,
                                "batch_first": True}, "input": [2, 5, 4], "hx": False},
    "rnn_unbatched": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 5, "num_layers": 2},
                      "input": [5, 4], "hx": True},
    "rnn_unbatched_bidirectional_default_h0": {
        "kind": "rnn", "args": {"input_size": 4, "hidden_size": 3, "num_layers": 2, "bidirectional": True},
        "input": [5, 4], "hx": False},
    "rnn_unbatched_batch_first": {"kind": "rnn", "args": {"input_size": 4, "hidden_size": 3, "batch_first": True},
                                  "input": [5, 4], "hx": True},
    "rnn_all_options": {"kind": "rnn", "args": {"input_size": 3, "hidden_size": 4, "num_layers": 3,
                                                "nonlinearity": "relu", "bias": False, "batch_first": True,
                                                "bidirectional": True}, "input": [2, 4, 3], "hx": True},
}


def hidden_shape(case: dict[str, Any]) -> tuple[int, ...]:
    """The shape of ``hx`` for ``case`` (PyTorch's documented shapes)."""
    args, shape = case["args"], case["input"]
    hidden = args["hidden_size"]
    if case["kind"] == "cell":
        return (shape[0], hidden) if len(shape) == 2 else (hidden,)
    layers = args.get("num_layers", 1) * (2 if args.get("bidirectional", False) else 1)
    if len(shape) == 2:
        return (layers, hidden)
    batch = shape[0] if args.get("batch_first", False) else shape[1]
    return (layers, batch, hidden)


def run_torch(name: str, dtype: str, seed_offset: int = 0) -> dict[str, np.ndarray]:
    """Build case ``name`` in PyTorch with seeded random weights and inputs; return inputs and results.

    ``seed_offset`` changes every drawn array (the live tests use fresh numbers). Returns float64 or float32
    arrays keyed as the fixture fields are (see the module docstring), plus ``param_names``.
    """
    import torch

    case = CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()) + seed_offset)
    torch_dtype = getattr(torch, dtype)
    cls = torch.nn.RNNCell if case["kind"] == "cell" else torch.nn.RNN
    module = cls(**case["args"], dtype=torch_dtype)
    names = [n for n, _ in module.named_parameters()]
    bound = 1.0 / np.sqrt(case["args"]["hidden_size"])

    arrays: dict[str, np.ndarray] = {}
    with torch.no_grad():
        for n, p in module.named_parameters():
            arrays[f"param.{n}"] = rng.uniform(-bound, bound, tuple(p.shape)).astype(dtype)
            p.copy_(torch.from_numpy(arrays[f"param.{n}"]))
    arrays["x"] = rng.standard_normal(case["input"]).astype(dtype)
    x = torch.from_numpy(arrays["x"].copy()).requires_grad_(True)
    hx = None
    if case["hx"]:
        arrays["hx"] = (0.5 * rng.standard_normal(hidden_shape(case))).astype(dtype)
        hx = torch.from_numpy(arrays["hx"].copy()).requires_grad_(True)

    if case["kind"] == "cell":
        out = module(x, hx)
        arrays["g_out"] = rng.standard_normal(tuple(out.shape)).astype(dtype)
        loss = (out * torch.from_numpy(arrays["g_out"])).sum()
    else:
        out, hn = module(x, hx)
        arrays["g_out"] = rng.standard_normal(tuple(out.shape)).astype(dtype)
        arrays["g_hn"] = rng.standard_normal(tuple(hn.shape)).astype(dtype)
        loss = (out * torch.from_numpy(arrays["g_out"])).sum() + (hn * torch.from_numpy(arrays["g_hn"])).sum()
        arrays["hn"] = hn.detach().numpy().copy()
        arrays["grad_fn.hn"] = np.array(hn.grad_fn.name())
    arrays["out"] = out.detach().numpy().copy()
    arrays["grad_fn.out"] = np.array(out.grad_fn.name())
    loss.backward()
    arrays["grad.x"] = x.grad.numpy().copy()
    if hx is not None:
        arrays["grad.hx"] = hx.grad.numpy().copy()
    for n, p in module.named_parameters():
        arrays[f"grad.param.{n}"] = p.grad.numpy().copy()
    arrays["param_names"] = np.array(json.dumps(names))
    return arrays


def main() -> None:
    out: dict[str, np.ndarray] = {}
    for name, case in CASES.items():
        out[f"{name}.config"] = np.array(json.dumps(case, sort_keys=True))
        for dtype in DTYPES:
            arrays = run_torch(name, dtype)
            out[f"{name}.param_names"] = arrays.pop("param_names")
            for field, value in arrays.items():
                out[f"{name}.{dtype}.{field}"] = value
    FIXTURES.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURE_FILE, **out)
    print(f"wrote {FIXTURE_FILE} ({len(CASES)} cases, {len(out)} arrays)")


if __name__ == "__main__":
    main()
