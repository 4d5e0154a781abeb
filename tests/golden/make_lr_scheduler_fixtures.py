"""Make the PyTorch golden fixture for ``minigrad.optim.lr_scheduler``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_lr_scheduler_fixtures.py

It writes ``tests/fixtures/lr_scheduler_golden.npz`` (plain arrays, and the cases and metric sequences as JSON
strings; loadable with ``allow_pickle=False``): for every case, the learning rates of a two-group SGD (lrs 0.1 and
0.02) after construction and after each of ``STEPS`` scheduler steps, ``last_epoch`` along the way, and for
``ReduceLROnPlateau`` its ``best``, ``num_bad_epochs`` and ``cooldown_counter``. The tests import ``CASES``,
``LAMBDAS``, ``METRICS`` and ``run_schedule`` from here, and run ``run_schedule`` on minigrad and (live) on PyTorch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

STEPS = 30
LRS = [0.1, 0.02]

# lr_lambda functions by name (functions cannot go into JSON).
LAMBDAS: dict[str, Callable[[int], float]] = {
    "power": lambda epoch: 0.95**epoch,
    "warmup": lambda epoch: min(1.0, (epoch + 1) / 5),
    "stairs": lambda epoch: 0.5 ** (epoch // 7),
}

# Metric sequences fed to ReduceLROnPlateau, one value per step: improvements, plateaus, near-misses of the threshold.
METRICS = {
    "loss": [1.0, 0.8, 0.7, 0.7, 0.71, 0.69995, 0.72, 0.6, 0.6, 0.6, 0.6, 0.6, 0.55, 0.56, 0.57,
             0.58, 0.59, 0.5, 0.5, 0.49999, 0.5, 0.5, 0.5, 0.5, 0.45, 0.45, 0.46, 0.47, 0.48, 0.49],
    "accuracy": [0.1, 0.3, 0.5, 0.52, 0.53, 0.53, 0.6, 0.6, 0.61, 0.6, 0.7, 0.7, 0.7, 0.7, 0.72,
                 0.75, 0.75, 0.74, 0.73, 0.8, 0.8, 0.8, 0.8, 0.81, 0.82, 0.9, 0.9, 0.89, 0.9, 0.9],
    "flat": [1.0] * 30,
}

# Each case: the scheduler, its arguments (lr_lambda by LAMBDAS name), optional 'initial_lrs' written into the
# groups (needed to resume with last_epoch >= 0) and, for ReduceLROnPlateau, the METRICS sequence.
CASES: dict[str, dict[str, Any]] = {
    "step": {"scheduler": "StepLR", "args": {"step_size": 7}},
    "step_gamma": {"scheduler": "StepLR", "args": {"step_size": 3, "gamma": 0.7}},
    "step_resume": {"scheduler": "StepLR", "args": {"step_size": 4, "gamma": 0.5, "last_epoch": 5},
                    "initial_lrs": [0.4, 0.05]},
    "multistep": {"scheduler": "MultiStepLR", "args": {"milestones": [3, 8, 8, 20], "gamma": 0.3}},
    "multistep_zero": {"scheduler": "MultiStepLR", "args": {"milestones": [12, 0]}},
    "exponential": {"scheduler": "ExponentialLR", "args": {"gamma": 0.9}},
    "exponential_resume": {"scheduler": "ExponentialLR", "args": {"gamma": 0.8, "last_epoch": 3},
                           "initial_lrs": [0.3, 0.03]},
    "lambda_one": {"scheduler": "LambdaLR", "args": {"lr_lambda": "power"}},
    "lambda_list": {"scheduler": "LambdaLR", "args": {"lr_lambda": ["warmup", "stairs"]}},
    "lambda_resume": {"scheduler": "LambdaLR", "args": {"lr_lambda": "warmup", "last_epoch": 2},
                      "initial_lrs": [0.5, 0.05]},
    "cosine": {"scheduler": "CosineAnnealingLR", "args": {"T_max": 10}},
    "cosine_eta_min": {"scheduler": "CosineAnnealingLR", "args": {"T_max": 7, "eta_min": 0.005}},
    "cosine_long": {"scheduler": "CosineAnnealingLR", "args": {"T_max": 40, "eta_min": 1e-4}},
    "cosine_resume": {"scheduler": "CosineAnnealingLR", "args": {"T_max": 10, "eta_min": 0.001, "last_epoch": 4},
                      "initial_lrs": [0.2, 0.04]},
    "plateau_default": {"scheduler": "ReduceLROnPlateau", "args": {}, "metrics": "flat"},
    "plateau_min_rel": {"scheduler": "ReduceLROnPlateau", "args": {"patience": 2}, "metrics": "loss"},
    "plateau_cooldown_min_lr": {"scheduler": "ReduceLROnPlateau",
                                "args": {"factor": 0.5, "patience": 1, "cooldown": 2, "min_lr": [0.01, 0.001]},
                                "metrics": "loss"},
    "plateau_min_abs": {"scheduler": "ReduceLROnPlateau",
                        "args": {"threshold_mode": "abs", "threshold": 0.02, "patience": 1, "factor": 0.3},
                        "metrics": "loss"},
    "plateau_max_abs": {"scheduler": "ReduceLROnPlateau",
                        "args": {"mode": "max", "threshold_mode": "abs", "threshold": 0.05, "patience": 0,
                                 "min_lr": 0.005},
                        "metrics": "accuracy"},
    "plateau_max_rel": {"scheduler": "ReduceLROnPlateau",
                        "args": {"mode": "max", "threshold": 0.1, "patience": 1, "cooldown": 1, "factor": 0.2},
                        "metrics": "accuracy"},
    "plateau_eps": {"scheduler": "ReduceLROnPlateau",
                    "args": {"factor": 0.9, "patience": 0, "eps": 0.002, "min_lr": 0.015}, "metrics": "loss"},
}

PLATEAU_FIELDS = ("best", "num_bad_epochs", "cooldown_counter")


def build(optim: Any, make_param: Callable[[], Any], case: dict[str, Any]) -> tuple[Any, Any]:
    """A two-group SGD of ``optim`` (``torch.optim`` or ``minigrad.optim``) and the case's scheduler on it."""
    groups = [{"params": [make_param()], "lr": lr} for lr in LRS]
    for group, initial in zip(groups, case.get("initial_lrs", [])):
        group["initial_lr"] = initial
    opt = optim.SGD(groups)
    args = dict(case["args"])
    if "lr_lambda" in args:
        names = args["lr_lambda"]
        args["lr_lambda"] = [LAMBDAS[n] for n in names] if isinstance(names, list) else LAMBDAS[names]
    return opt, getattr(optim.lr_scheduler, case["scheduler"])(opt, **args)


def record(opt: Any, sched: Any, out: dict[str, list]) -> None:
    out["lrs"].append([float(g["lr"]) for g in opt.param_groups])
    out["last_epoch"].append(sched.last_epoch)
    for field in PLATEAU_FIELDS:
        if hasattr(sched, field):
            out.setdefault(field, []).append(getattr(sched, field))


def run_schedule(optim: Any, make_param: Callable[[], Any], case: dict[str, Any],
                 steps: int = STEPS) -> dict[str, np.ndarray]:
    """Build the case, then ``steps`` times ``opt.step(); sched.step(...)``: what was recorded after each step.

    ``lrs`` has shape ``(steps + 1, 2)`` (row 0: right after construction).
    """
    opt, sched = build(optim, make_param, case)
    out: dict[str, list] = {"lrs": [], "last_epoch": []}
    record(opt, sched, out)
    metrics = METRICS.get(case.get("metrics", ""), [])
    for i in range(steps):
        opt.step()
        if "metrics" in case:
            sched.step(metrics[i])
        else:
            sched.step()
        record(opt, sched, out)
    return {k: np.array(v) for k, v in out.items()}


def run_torch(case: dict[str, Any]) -> dict[str, np.ndarray]:
    import torch

    return run_schedule(torch.optim, lambda: torch.zeros(2, requires_grad=True), case)


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    arrays = {"cases": np.array(json.dumps(CASES)), "metrics": np.array(json.dumps(METRICS))}
    for name, case in CASES.items():
        for key, value in run_torch(case).items():
            arrays[f"{name}__{key}"] = value
    path = FIXTURES / "lr_scheduler_golden.npz"
    np.savez_compressed(path, **arrays)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
