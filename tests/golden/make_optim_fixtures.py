"""Make the PyTorch golden fixtures for ``minigrad.optim`` (SGD, Adam, AdamW, RMSprop) and
``minigrad.nn.utils.clip_grad_norm_``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_optim_fixtures.py

It writes ``tests/fixtures/optim_golden.npz`` and ``tests/fixtures/clip_grad_golden.npz`` (plain arrays and JSON
strings, loadable with ``allow_pickle=False``). The inputs come from a seeded numpy generator and are stored in the
files, so the tests replay exactly what PyTorch saw. The tests import ``run_torch_optim`` and ``run_torch_clip``
from here for their live comparisons.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

STEPS = 5
SHAPES = [(3, 4), (4,)]

# Each case: optimizer name, constructor defaults, and the groups as lists of parameter indices with their options.
OPTIM_CASES: dict[str, dict] = {
    "sgd_plain": {"optimizer": "SGD", "defaults": {"lr": 0.1}},
    "sgd_momentum": {"optimizer": "SGD", "defaults": {"lr": 0.1, "momentum": 0.9}},
    "sgd_nesterov": {"optimizer": "SGD", "defaults": {"lr": 0.05, "momentum": 0.9, "nesterov": True,
                                                      "weight_decay": 0.01}},
    "sgd_weight_decay": {"optimizer": "SGD", "defaults": {"lr": 0.1, "weight_decay": 0.1}},
    "sgd_dampening": {"optimizer": "SGD", "defaults": {"lr": 0.1, "momentum": 0.8, "dampening": 0.3}},
    "sgd_maximize": {"optimizer": "SGD", "defaults": {"lr": 0.1, "momentum": 0.5, "maximize": True}},
    "sgd_groups": {"optimizer": "SGD", "defaults": {"lr": 0.01},
                   "groups": [{"params": [0], "lr": 0.1, "momentum": 0.9}, {"params": [1]}]},
    "adam_default": {"optimizer": "Adam", "defaults": {}},
    "adam_lr": {"optimizer": "Adam", "defaults": {"lr": 0.05}},
    "adam_weight_decay": {"optimizer": "Adam", "defaults": {"lr": 0.05, "weight_decay": 0.1}},
    "adam_amsgrad": {"optimizer": "Adam", "defaults": {"lr": 0.05, "betas": [0.8, 0.9], "amsgrad": True}},
    "adam_small_beta1": {"optimizer": "Adam", "defaults": {"lr": 0.05, "betas": [0.3, 0.6], "eps": 1e-3}},
    "adam_maximize": {"optimizer": "Adam", "defaults": {"lr": 0.05, "maximize": True}},
    "adam_decoupled": {"optimizer": "Adam", "defaults": {"lr": 0.05, "weight_decay": 0.2,
                                                         "decoupled_weight_decay": True}},
    "adam_groups": {"optimizer": "Adam", "defaults": {"lr": 0.05},
                    "groups": [{"params": [0]}, {"params": [1], "lr": 0.01, "betas": [0.5, 0.9], "amsgrad": True}]},
    "adamw_default": {"optimizer": "AdamW", "defaults": {"lr": 0.05}},  # weight_decay defaults to 1e-2
    "adamw_amsgrad": {"optimizer": "AdamW", "defaults": {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}},
    "adamw_maximize": {"optimizer": "AdamW", "defaults": {"lr": 0.05, "weight_decay": 0.2, "maximize": True}},
    "adamw_groups": {"optimizer": "AdamW", "defaults": {"lr": 0.05},
                     "groups": [{"params": [0], "weight_decay": 0.5}, {"params": [1], "weight_decay": 0.0}]},
    "rmsprop_default": {"optimizer": "RMSprop", "defaults": {}},
    "rmsprop_centered": {"optimizer": "RMSprop", "defaults": {"lr": 0.05, "alpha": 0.7, "centered": True}},
    "rmsprop_momentum": {"optimizer": "RMSprop", "defaults": {"lr": 0.02, "momentum": 0.9, "eps": 1e-3}},
    "rmsprop_weight_decay_maximize": {"optimizer": "RMSprop", "defaults": {"lr": 0.03, "weight_decay": 0.2,
                                                                           "maximize": True, "centered": True,
                                                                           "momentum": 0.5}},
    "rmsprop_groups": {"optimizer": "RMSprop", "defaults": {"lr": 0.01},
                       "groups": [{"params": [0], "momentum": 0.8}, {"params": [1], "alpha": 0.5, "centered": True}]},
}

# (norm_type, max_norm): with and without clipping for the 2-, inf- and 1-norms, and a 3-norm.
CLIP_CASES: dict[str, tuple[float, float]] = {
    "l2_clip": (2.0, 0.5), "l2_noclip": (2.0, 100.0),
    "inf_clip": (float("inf"), 0.3), "inf_noclip": (float("inf"), 10.0),
    "l1_clip": (1.0, 1.0), "l1_noclip": (1.0, 1000.0),
    "l3_clip": (3.0, 0.7),
}
CLIP_SHAPES = [(2, 3), (4,), (3, 1)]


def optim_inputs() -> dict[str, np.ndarray]:
    """Initial weights, per-step gradients (magnitudes vary, so AMSGrad's max matters) and which grads exist."""
    rng = np.random.default_rng(20240601)
    scale = np.array([2.0, 0.3, 1.5, 0.1, 1.0])
    out: dict[str, np.ndarray] = {}
    for i, shape in enumerate(SHAPES):
        out[f"p{i}"] = rng.standard_normal(shape)
        out[f"g{i}"] = rng.standard_normal((STEPS, *shape)) * scale.reshape((STEPS,) + (1,) * len(shape))
    has_grad = np.ones((STEPS, len(SHAPES)), dtype=bool)
    has_grad[2, 1] = False  # parameter 1 has no grad at step 2: it must be skipped
    has_grad[4, 0] = False
    out["has_grad"] = has_grad
    return out


def clip_inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {f"g{i}": rng.standard_normal(shape) * (i + 1) for i, shape in enumerate(CLIP_SHAPES)}


def build_groups(case: dict, params: list) -> list[dict]:
    """The ``params`` argument for the optimizer: groups with their options, or one plain list."""
    groups = case.get("groups")
    if groups is None:
        return list(params)
    out = []
    for g in groups:
        opts = {k: (tuple(v) if k == "betas" else v) for k, v in g.items() if k != "params"}
        out.append({"params": [params[i] for i in g["params"]], **opts})
    return out


def build_defaults(case: dict) -> dict:
    return {k: (tuple(v) if k == "betas" else v) for k, v in case["defaults"].items()}


def run_torch_optim(case: dict, inputs: dict[str, np.ndarray], dtype: str) -> dict[str, np.ndarray]:
    """Run PyTorch's optimizer over the stored steps: weights after every step and the final per-parameter state."""
    import torch

    tdt = getattr(torch, dtype)
    params = [torch.tensor(inputs[f"p{i}"], dtype=tdt, requires_grad=True) for i in range(len(SHAPES))]
    opt = getattr(torch.optim, case["optimizer"])(build_groups(case, params), **build_defaults(case))
    out: dict[str, np.ndarray] = {}
    traj: list[list[np.ndarray]] = [[] for _ in params]
    for s in range(STEPS):
        opt.zero_grad()
        for i, p in enumerate(params):
            if inputs["has_grad"][s, i]:
                p.grad = torch.tensor(inputs[f"g{i}"][s], dtype=tdt)
        opt.step()
        for i, p in enumerate(params):
            traj[i].append(p.detach().numpy().copy())
    for i, p in enumerate(params):
        out[f"traj{i}"] = np.stack(traj[i])
        for key, value in opt.state[p].items():
            out[f"state{i}_{key}"] = value.detach().numpy().copy()
    return out


def run_torch_clip(norm_type: float, max_norm: float, grads: list[np.ndarray], dtype: str) -> dict[str, np.ndarray]:
    """PyTorch's ``clip_grad_norm_`` on parameters holding ``grads`` (plus one parameter without a grad)."""
    import torch

    tdt = getattr(torch, dtype)
    params = []
    for g in grads:
        p = torch.zeros(g.shape, dtype=tdt, requires_grad=True)
        p.grad = torch.tensor(g, dtype=tdt)
        params.append(p)
    params.append(torch.zeros(2, dtype=tdt, requires_grad=True))
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    out = {"total_norm": total.detach().numpy().copy()}
    for i, p in enumerate(params[:-1]):
        out[f"grad{i}"] = p.grad.numpy().copy()
    return out


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    inputs = optim_inputs()
    arrays: dict[str, np.ndarray] = {f"input__{k}": v for k, v in inputs.items()}
    arrays["cases"] = np.array(json.dumps(OPTIM_CASES))
    for name, case in OPTIM_CASES.items():
        for dtype in ("float64", "float32"):
            for k, v in run_torch_optim(case, inputs, dtype).items():
                arrays[f"{name}__{dtype}__{k}"] = v
    np.savez_compressed(FIXTURES / "optim_golden.npz", **arrays)

    grads = clip_inputs()
    clip: dict[str, np.ndarray] = {f"input__{k}": v for k, v in grads.items()}
    clip["cases"] = np.array(json.dumps({k: list(v) for k, v in CLIP_CASES.items()}))
    glist = [grads[f"g{i}"] for i in range(len(CLIP_SHAPES))]
    for name, (norm_type, max_norm) in CLIP_CASES.items():
        for dtype in ("float64", "float32"):
            for k, v in run_torch_clip(norm_type, max_norm, glist, dtype).items():
                clip[f"{name}__{dtype}__{k}"] = v
    np.savez_compressed(FIXTURES / "clip_grad_golden.npz", **clip)
    print(f"wrote {FIXTURES / 'optim_golden.npz'} and {FIXTURES / 'clip_grad_golden.npz'}")


if __name__ == "__main__":
    main()
