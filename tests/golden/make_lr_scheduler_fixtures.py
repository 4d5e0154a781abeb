"""Make the PyTorch golden fixture for ``minigrad.optim.lr_scheduler``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_lr_scheduler_fixtures.py

It writes ``tests/fixtures/lr_scheduler_golden.npz`` (plain arrays, and the cases and metric sequences as JSON
strings; loadable with ``allow_pickle=False``): for every case, the learning rates of a two-group SGD (lrs 0.1 and
0.02) after construction and after each of ``STEPS`` scheduler steps, ``last_epoch`` along the way, for
``ReduceLROnPlateau`` its ``best``, ``num_bad_epochs`` and ``cooldown_counter``, for ``CosineAnnealingWarmRestarts``
its ``T_cur`` and ``T_i``, and the groups' momentum where a case cycles it (``CyclicLR``, ``OneCycleLR``). The
tests import ``CASES``, ``LAMBDAS``, ``METRICS``, ``step_scheduler`` and ``run_schedule`` from here, and run
``run_schedule`` on minigrad and (live) on PyTorch.
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
    "shrink": lambda epoch: 0.9,
    "wobble": lambda epoch: 1.1 if epoch % 3 == 0 else 0.95,
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
    "multiplicative": {"scheduler": "MultiplicativeLR", "args": {"lr_lambda": "shrink"}},
    "multiplicative_list": {"scheduler": "MultiplicativeLR", "args": {"lr_lambda": ["wobble", "shrink"]}},
    "multiplicative_resume": {"scheduler": "MultiplicativeLR", "args": {"lr_lambda": "wobble", "last_epoch": 4},
                              "initial_lrs": [0.3, 0.01]},
    "constant": {"scheduler": "ConstantLR", "args": {}},
    "constant_factor": {"scheduler": "ConstantLR", "args": {"factor": 0.5, "total_iters": 8}},
    "constant_resume": {"scheduler": "ConstantLR", "args": {"factor": 0.25, "total_iters": 6, "last_epoch": 3},
                        "initial_lrs": [0.2, 0.05]},
    "linear": {"scheduler": "LinearLR", "args": {}},
    "linear_decay": {"scheduler": "LinearLR", "args": {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 20}},
    "linear_warmup": {"scheduler": "LinearLR", "args": {"start_factor": 0.05, "end_factor": 0.8, "total_iters": 10}},
    "polynomial": {"scheduler": "PolynomialLR", "args": {}},
    "polynomial_power": {"scheduler": "PolynomialLR", "args": {"total_iters": 20, "power": 0.5}},
    "polynomial_square": {"scheduler": "PolynomialLR", "args": {"total_iters": 12, "power": 2.0}},
    "sequential": {"scheduler": "SequentialLR",
                   "args": {"schedulers": [{"scheduler": "LinearLR", "args": {"start_factor": 0.1, "total_iters": 5}},
                                           {"scheduler": "CosineAnnealingLR", "args": {"T_max": 15}}],
                            "milestones": [5]}},
    "sequential_three": {"scheduler": "SequentialLR",
                         "args": {"schedulers": [{"scheduler": "ConstantLR",
                                                  "args": {"factor": 0.25, "total_iters": 3}},
                                                 {"scheduler": "ExponentialLR", "args": {"gamma": 0.9}},
                                                 {"scheduler": "StepLR", "args": {"step_size": 4, "gamma": 0.5}}],
                                  "milestones": [6, 15]}},
    "sequential_lambda": {"scheduler": "SequentialLR",
                          "args": {"schedulers": [{"scheduler": "MultiplicativeLR", "args": {"lr_lambda": "shrink"}},
                                                  {"scheduler": "LambdaLR", "args": {"lr_lambda": "warmup"}},
                                                  {"scheduler": "PolynomialLR", "args": {"total_iters": 8}}],
                                   "milestones": [4, 10]}},
    "chained": {"scheduler": "ChainedScheduler",
                "args": {"schedulers": [{"scheduler": "ConstantLR", "args": {"factor": 0.1, "total_iters": 4}},
                                        {"scheduler": "ExponentialLR", "args": {"gamma": 0.9}}]}},
    "chained_with_optimizer": {"scheduler": "ChainedScheduler", "pass_optimizer": True,
                               "args": {"schedulers": [{"scheduler": "StepLR", "args": {"step_size": 5, "gamma": 0.5}},
                                                       {"scheduler": "CosineAnnealingLR",
                                                        "args": {"T_max": 8, "eta_min": 0.001}}]}},
    "cyclic": {"scheduler": "CyclicLR", "momentum": True,
               "args": {"base_lr": 0.01, "max_lr": [0.1, 0.05], "step_size_up": 4, "step_size_down": 6}},
    "cyclic_triangular2": {"scheduler": "CyclicLR",
                           "args": {"base_lr": [0.02, 0.001], "max_lr": 0.08, "step_size_up": 3, "mode": "triangular2",
                                    "cycle_momentum": False}},
    "cyclic_exp_range": {"scheduler": "CyclicLR", "momentum": True,
                         "args": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "mode": "exp_range",
                                  "gamma": 0.95, "base_momentum": [0.7, 0.75], "max_momentum": 0.95}},
    "warm_restarts": {"scheduler": "CosineAnnealingWarmRestarts", "args": {"T_0": 5}},
    "warm_restarts_mult": {"scheduler": "CosineAnnealingWarmRestarts", "args": {"T_0": 2, "T_mult": 2,
                                                                                "eta_min": 0.001}},
    "warm_restarts_fractional": {"scheduler": "CosineAnnealingWarmRestarts", "args": {"T_0": 3, "T_mult": 2},
                                 "epochs": [0.4 * (i + 1) for i in range(30)]},
    "warm_restarts_fractional_one": {"scheduler": "CosineAnnealingWarmRestarts", "args": {"T_0": 4, "eta_min": 0.01},
                                     "epochs": [0.7 * (i + 1) for i in range(30)]},
    "one_cycle": {"scheduler": "OneCycleLR", "momentum": True, "args": {"max_lr": [0.5, 0.1], "total_steps": 30}},
    "one_cycle_three_phase_linear": {"scheduler": "OneCycleLR", "momentum": True,
                                     "args": {"max_lr": 0.3, "epochs": 6, "steps_per_epoch": 5, "three_phase": True,
                                              "anneal_strategy": "linear", "pct_start": 0.25, "div_factor": 10.0,
                                              "final_div_factor": 100.0}},
    "one_cycle_no_momentum": {"scheduler": "OneCycleLR",
                              "args": {"max_lr": 0.2, "total_steps": 40, "pct_start": 0.4, "cycle_momentum": False}},
}

RECORDED_FIELDS = ("best", "num_bad_epochs", "cooldown_counter", "T_cur", "T_i")


def build(optim: Any, make_param: Callable[[], Any], case: dict[str, Any]) -> tuple[Any, Any]:
    """A two-group SGD of ``optim`` (``torch.optim`` or ``minigrad.optim``) and the case's scheduler on it."""
    groups = [{"params": [make_param()], "lr": lr} for lr in LRS]
    for group, initial in zip(groups, case.get("initial_lrs", [])):
        group["initial_lr"] = initial
    opt = optim.SGD(groups)
    return opt, _scheduler(optim, opt, case)


def _scheduler(optim: Any, opt: Any, case: dict[str, Any]) -> Any:
    """The case's scheduler on ``opt`` (the inner schedulers of a SequentialLR or ChainedScheduler first)."""
    args = dict(case["args"])
    if "lr_lambda" in args:
        names = args["lr_lambda"]
        args["lr_lambda"] = [LAMBDAS[n] for n in names] if isinstance(names, list) else LAMBDAS[names]
    if "schedulers" in args:
        args["schedulers"] = [_scheduler(optim, opt, inner) for inner in args["schedulers"]]
    cls = getattr(optim.lr_scheduler, case["scheduler"])
    if case["scheduler"] == "ChainedScheduler":
        return cls(**args, **({"optimizer": opt} if case.get("pass_optimizer") else {}))
    return cls(opt, **args)


def record(opt: Any, sched: Any, out: dict[str, list], case: dict[str, Any]) -> None:
    out["lrs"].append([float(g["lr"]) for g in opt.param_groups])
    # A ChainedScheduler has no last_epoch of its own: its last scheduler's stands in.
    out["last_epoch"].append(getattr(sched, "last_epoch", None) if hasattr(sched, "last_epoch")
                             else sched._schedulers[-1].last_epoch)
    if case.get("momentum"):
        out.setdefault("momentum", []).append([float(g["momentum"]) for g in opt.param_groups])
    for field in RECORDED_FIELDS:
        if hasattr(sched, field):
            out.setdefault(field, []).append(getattr(sched, field))


def run_schedule(optim: Any, make_param: Callable[[], Any], case: dict[str, Any],
                 steps: int = STEPS) -> dict[str, np.ndarray]:
    """Build the case, then ``steps`` times ``opt.step(); sched.step(...)``: what was recorded after each step.

    ``lrs`` has shape ``(steps + 1, 2)`` (row 0: right after construction).
    """
    opt, sched = build(optim, make_param, case)
    out: dict[str, list] = {"lrs": [], "last_epoch": []}
    record(opt, sched, out, case)
    for i in range(steps):
        opt.step()
        step_scheduler(sched, case, i)
        record(opt, sched, out, case)
    return {k: np.array(v) for k, v in out.items()}


def step_scheduler(sched: Any, case: dict[str, Any], i: int) -> None:
    """The scheduler's step ``i``: with that step's metric or (fractional) epoch when the case gives them."""
    if "metrics" in case:
        sched.step(METRICS[case["metrics"]][i])
    elif "epochs" in case:
        sched.step(case["epochs"][i])
    else:
        sched.step()


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
