"""Make the PyTorch golden fixtures for packed sequences through ``RNN``, ``LSTM`` and ``GRU``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_packed_fixtures.py

It writes ``tests/fixtures/packed_golden.npz`` (packed with ``tests/golden/packing.py``, loadable with
``allow_pickle=False``). Each case pads a batch of random sequences of the case's ``lengths`` (unsorted, with
ties, unless the case says otherwise), packs it with ``pack_padded_sequence``, runs the layer and takes the loss
``sum(out.data * g.out) + sum(h_n * g.hn) (+ sum(c_n * g.cn))``. Stored under ``{case}/{field}``, float64:

- inputs: ``x`` (the padded batch, padding filled with noise), ``param.<name>`` (PyTorch's names), ``hx``/``cx``
  when the case passes states, the cotangents ``g.out``, ``g.hn``, ``g.cn``;
- PyTorch's results: ``out`` (the packed output's data), ``batch_sizes``, ``sorted_indices`` and
  ``unsorted_indices`` (int64; absent for an already sorted batch), ``hn``, ``cn``, and the gradients
  ``grad.x``, ``grad.hx``, ``grad.cx``, ``grad.param.<name>``;

and ``{case}/config`` (the case as JSON). Arrays come from a numpy generator seeded by the case name, so the
file is the same on every run. The tests import ``CASES`` and ``run_torch`` from here for live comparisons.
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

FIXTURE_FILE = TESTS / "fixtures" / "packed_golden.npz"


def _case(kind: str, lengths: list[int], hx: bool, enforce_sorted: bool = False, **args: Any) -> dict[str, Any]:
    return {"kind": kind, "lengths": lengths, "hx": hx, "enforce_sorted": enforce_sorted,
            "args": {"input_size": 3, "hidden_size": 4, **args}}


# kind: RNN, LSTM or GRU; lengths: one per sequence (the batch); hx: pass initial states or not.
CASES: dict[str, dict[str, Any]] = {
    "rnn_tanh": _case("RNN", [3, 5, 2, 5], True),
    "rnn_relu_l2_bidirectional_batch_first": _case("RNN", [2, 4, 1], False, num_layers=2, nonlinearity="relu",
                                                   bidirectional=True, batch_first=True),
    "rnn_sorted": _case("RNN", [4, 4, 2, 1], True, enforce_sorted=True, bidirectional=True),
    "lstm_bidirectional": _case("LSTM", [3, 5, 2, 5], True, bidirectional=True),
    "lstm_l2_batch_first_proj": _case("LSTM", [1, 4, 3], True, num_layers=2, batch_first=True, proj_size=2),
    "lstm_l2_bidirectional_default_hx": _case("LSTM", [2, 3, 3, 1, 4], False, num_layers=2, bidirectional=True),
    "gru": _case("GRU", [4, 1, 3], True),
    "gru_l2_bidirectional_batch_first": _case("GRU", [2, 5, 5, 3], True, num_layers=2, bidirectional=True,
                                              batch_first=True),
    "gru_no_bias_sorted": _case("GRU", [5, 3, 3, 1], False, enforce_sorted=True, bias=False),
}


def state_shapes(case: dict[str, Any]) -> list[tuple[int, ...]]:
    """``[h_0 shape]`` or, for LSTM, ``[h_0 shape, c_0 shape]``."""
    args = case["args"]
    layers = args.get("num_layers", 1) * (2 if args.get("bidirectional", False) else 1)
    batch = len(case["lengths"])
    h = (layers, batch, args.get("proj_size", 0) or args["hidden_size"])
    return [h, (layers, batch, args["hidden_size"])] if case["kind"] == "LSTM" else [h]


def input_shape(case: dict[str, Any]) -> tuple[int, int, int]:
    """The padded input's shape: ``(T, B, H_in)``, or ``(B, T, H_in)`` with ``batch_first``."""
    steps, batch = max(case["lengths"]), len(case["lengths"])
    lead = (batch, steps) if case["args"].get("batch_first", False) else (steps, batch)
    return lead + (case["args"]["input_size"],)


def run_torch(name: str, seed_offset: int = 0) -> dict[str, Any]:
    """Run case ``name`` in PyTorch (float64) on seeded random weights and inputs; return inputs and results
    keyed as the fixture fields (see the module docstring). ``seed_offset`` draws fresh numbers."""
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    case = CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()) + seed_offset)
    module = getattr(torch.nn, case["kind"])(**case["args"], dtype=torch.float64)
    bound = 1.0 / np.sqrt(case["args"]["hidden_size"])
    arrays: dict[str, Any] = {}
    with torch.no_grad():
        for n, p in module.named_parameters():
            arrays[f"param.{n}"] = rng.uniform(-bound, bound, tuple(p.shape))
            p.copy_(torch.from_numpy(arrays[f"param.{n}"]))
    arrays["x"] = rng.standard_normal(input_shape(case))
    x = torch.from_numpy(arrays["x"].copy()).requires_grad_(True)
    states = []
    if case["hx"]:
        for key, shape in zip(("hx", "cx"), state_shapes(case)):
            arrays[key] = 0.5 * rng.standard_normal(shape)
            states.append(torch.from_numpy(arrays[key].copy()).requires_grad_(True))
    hx = None if not states else (tuple(states) if case["kind"] == "LSTM" else states[0])
    packed = pack_padded_sequence(
        x, case["lengths"], batch_first=case["args"].get("batch_first", False), enforce_sorted=case["enforce_sorted"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "LSTM with projections is not supported with oneDNN"
        out, hn = module(packed, hx)
    results = {"out": out.data, "hn": hn[0] if case["kind"] == "LSTM" else hn}
    if case["kind"] == "LSTM":
        results["cn"] = hn[1]
    loss = 0
    for key, value in results.items():
        arrays[f"g.{key}"] = rng.standard_normal(tuple(value.shape))
        loss = loss + (value * torch.from_numpy(arrays[f"g.{key}"])).sum()
    loss.backward()
    for key, value in results.items():
        arrays[key] = value.detach().numpy().copy()
    arrays["batch_sizes"] = out.batch_sizes.numpy().astype(np.int64)
    if out.sorted_indices is not None:
        arrays["sorted_indices"] = out.sorted_indices.numpy().astype(np.int64)
        arrays["unsorted_indices"] = out.unsorted_indices.numpy().astype(np.int64)
    arrays["grad.x"] = x.grad.numpy().copy()
    for key, t in zip(("hx", "cx"), states):
        arrays[f"grad.{key}"] = t.grad.numpy().copy()
    for n, p in module.named_parameters():
        arrays[f"grad.param.{n}"] = p.grad.numpy().copy()
    return arrays


def main() -> None:
    items: dict[str, Any] = {}
    for name, case in CASES.items():
        items[f"{name}/config"] = json.dumps(case)
        for key, value in run_torch(name).items():
            items[f"{name}/{key}"] = value
    FIXTURE_FILE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURE_FILE, **pack(items))
    print(f"wrote {FIXTURE_FILE} ({FIXTURE_FILE.stat().st_size} bytes, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
