"""Make the PyTorch golden fixtures for ``minigrad.optim`` (SGD, Adam, AdamW, RMSprop; Adadelta, Adagrad, Adamax,
NAdam, RAdam, ASGD, Rprop over a longer run; LBFGS on closures) and ``minigrad.nn.utils.clip_grad_norm_``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_optim_fixtures.py

It writes ``tests/fixtures/optim_golden.npz`` and ``tests/fixtures/clip_grad_golden.npz`` (plain arrays and JSON
strings, loadable with ``allow_pickle=False``). The inputs come from a seeded numpy generator and are stored in the
files, so the tests replay exactly what PyTorch saw. The tests import ``run_torch_optim`` and ``run_torch_clip``
from here for their live comparisons. The cases of ``OPTIM_CASES`` replay ``STEPS`` stored steps (``input__*``);
those of ``LONG_CASES`` replay ``LONG_STEPS`` others (``input_long__*``: RAdam's rectified branch starts at step 6),
listed under ``cases_long``; ``LBFGS_CASES`` (``cases_lbfgs``) run ``LBFGS.step(closure)`` on the numpy problems
in ``PROBLEMS`` through ``run_lbfgs``, which the tests call with minigrad too.
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

LONG_STEPS = 12

# The optimizers added later run longer, on their own inputs, so the cases above and their fixtures stay as they are.
LONG_CASES: dict[str, dict] = {
    "adadelta_default": {"optimizer": "Adadelta", "defaults": {}},
    "adadelta_rho_weight_decay": {"optimizer": "Adadelta", "defaults": {"lr": 0.5, "rho": 0.6, "eps": 1e-3,
                                                                        "weight_decay": 0.1}},
    "adadelta_maximize": {"optimizer": "Adadelta", "defaults": {"lr": 2.0, "maximize": True, "weight_decay": 0.05}},
    "adadelta_groups": {"optimizer": "Adadelta", "defaults": {"lr": 1.0},
                        "groups": [{"params": [0], "rho": 0.5}, {"params": [1], "lr": 0.3, "eps": 1e-4}]},
    "adagrad_default": {"optimizer": "Adagrad", "defaults": {}},
    "adagrad_lr_decay": {"optimizer": "Adagrad", "defaults": {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1,
                                                              "initial_accumulator_value": 0.2}},
    "adagrad_maximize": {"optimizer": "Adagrad", "defaults": {"lr": 0.2, "maximize": True, "eps": 1e-3}},
    "adagrad_groups": {"optimizer": "Adagrad", "defaults": {"lr": 0.1, "initial_accumulator_value": 0.5},
                       "groups": [{"params": [0], "lr_decay": 0.1},
                                  {"params": [1], "lr": 0.02, "initial_accumulator_value": 3.0}]},
    "adamax_default": {"optimizer": "Adamax", "defaults": {}},
    "adamax_weight_decay": {"optimizer": "Adamax", "defaults": {"lr": 0.05, "weight_decay": 0.1, "eps": 1e-3}},
    "adamax_maximize": {"optimizer": "Adamax", "defaults": {"lr": 0.05, "betas": [0.5, 0.8], "maximize": True}},
    "adamax_groups": {"optimizer": "Adamax", "defaults": {"lr": 0.05},
                      "groups": [{"params": [0], "betas": [0.3, 0.6]}, {"params": [1], "lr": 0.01}]},
    "nadam_default": {"optimizer": "NAdam", "defaults": {}},
    "nadam_weight_decay": {"optimizer": "NAdam", "defaults": {"lr": 0.05, "weight_decay": 0.1}},
    "nadam_decoupled": {"optimizer": "NAdam", "defaults": {"lr": 0.05, "weight_decay": 0.2,
                                                           "decoupled_weight_decay": True}},
    "nadam_momentum_decay_maximize": {"optimizer": "NAdam", "defaults": {"lr": 0.03, "momentum_decay": 0.3,
                                                                         "betas": [0.7, 0.9], "maximize": True}},
    "nadam_groups": {"optimizer": "NAdam", "defaults": {"lr": 0.05},
                     "groups": [{"params": [0], "momentum_decay": 0.1}, {"params": [1], "eps": 1e-3}]},
    "radam_default": {"optimizer": "RAdam", "defaults": {}},
    "radam_weight_decay": {"optimizer": "RAdam", "defaults": {"lr": 0.05, "weight_decay": 0.1}},
    "radam_decoupled_maximize": {"optimizer": "RAdam", "defaults": {"lr": 0.05, "weight_decay": 0.3,
                                                                    "decoupled_weight_decay": True, "maximize": True}},
    "radam_betas": {"optimizer": "RAdam", "defaults": {"lr": 0.05, "betas": [0.5, 0.95], "eps": 1e-4}},
    "radam_groups": {"optimizer": "RAdam", "defaults": {"lr": 0.05},
                     "groups": [{"params": [0], "betas": [0.8, 0.99]}, {"params": [1], "lr": 0.01}]},
    "asgd_default": {"optimizer": "ASGD", "defaults": {}},
    "asgd_averaging": {"optimizer": "ASGD", "defaults": {"lr": 0.1, "lambd": 0.01, "alpha": 0.5, "t0": 3}},
    "asgd_weight_decay_maximize": {"optimizer": "ASGD", "defaults": {"lr": 0.05, "weight_decay": 0.1,
                                                                     "maximize": True, "t0": 5}},
    "asgd_groups": {"optimizer": "ASGD", "defaults": {"lr": 0.05, "t0": 2},
                    "groups": [{"params": [0], "lambd": 0.1}, {"params": [1], "lr": 0.2, "alpha": 1.0}]},
    "rprop_default": {"optimizer": "Rprop", "defaults": {}},
    "rprop_etas_step_sizes": {"optimizer": "Rprop", "defaults": {"lr": 0.05, "etas": [0.3, 1.5],
                                                                 "step_sizes": [0.001, 0.08]}},
    "rprop_maximize": {"optimizer": "Rprop", "defaults": {"lr": 0.02, "maximize": True}},
    "rprop_groups": {"optimizer": "Rprop", "defaults": {"lr": 0.01},
                     "groups": [{"params": [0], "etas": [0.25, 1.1]},
                                {"params": [1], "lr": 0.1, "step_sizes": [0.01, 0.2]}]},
}

# LBFGS, run by ``run_lbfgs``: the problem (a PROBLEMS name), the options, and how many ``step(closure)`` calls.
# The runs stop short of convergence: at the minimum the gradients (and so the state) are round-off noise.
LBFGS_CASES: dict[str, dict] = {
    "lbfgs_quadratic_fixed": {"problem": "quadratic", "options": {"max_iter": 4}, "steps": 3},
    "lbfgs_quadratic_wolfe": {"problem": "quadratic", "options": {"line_search_fn": "strong_wolfe", "max_iter": 3},
                              "steps": 2},
    "lbfgs_rosenbrock_fixed": {"problem": "rosenbrock", "options": {"lr": 0.05, "max_iter": 6, "history_size": 4},
                               "steps": 4},
    "lbfgs_rosenbrock_wolfe": {"problem": "rosenbrock",
                               "options": {"line_search_fn": "strong_wolfe", "history_size": 5, "max_iter": 10},
                               "steps": 2},
    "lbfgs_rosenbrock_wolfe_short": {"problem": "rosenbrock",
                                     "options": {"line_search_fn": "strong_wolfe", "lr": 0.5, "max_iter": 7,
                                                 "max_eval": 9, "history_size": 2, "tolerance_change": 1e-6},
                                     "steps": 4},
    "lbfgs_tolerance_grad_stops": {"problem": "quadratic",
                                   "options": {"tolerance_grad": 1e-2, "line_search_fn": "strong_wolfe"},
                                   "steps": 3},
}
LBFGS_SHAPES = [(2, 2), (2,)]


def _quadratic(x: np.ndarray) -> tuple[float, np.ndarray]:
    """0.5 x'Ax - b'x for a fixed, badly conditioned symmetric positive definite A."""
    rng = np.random.default_rng(11)
    q, _ = np.linalg.qr(rng.standard_normal((x.size, x.size)))
    a = q @ np.diag(np.geomspace(0.5, 40.0, x.size)) @ q.T
    b = rng.standard_normal(x.size)
    return float(0.5 * x @ a @ x - b @ x), a @ x - b


def _rosenbrock(x: np.ndarray) -> tuple[float, np.ndarray]:
    """sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, minimum 0 at x = 1."""
    r = x[1:] - x[:-1] ** 2
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * r - 2 * (1 - x[:-1])
    g[1:] += 200 * r
    return float(np.sum(100 * r**2 + (1 - x[:-1]) ** 2)), g


PROBLEMS = {"quadratic": _quadratic, "rosenbrock": _rosenbrock}
LBFGS_START = {"quadratic": [1.0, -2.0, 0.5, 3.0, -1.0, 2.0], "rosenbrock": [-1.2, 1.0, -0.5, 0.8, 1.5, 0.3]}


def run_lbfgs(lib, case: dict, dtype: str) -> dict[str, object]:
    """``case["steps"]`` calls of ``lib.optim.LBFGS(...).step(closure)`` (``lib`` is torch or minigrad).

    The closure computes the loss and gradient with numpy (in float64, then cast to ``dtype``), so both libraries
    see the same numbers for the same weights. Returns the flat weights, returned losses and ``func_evals`` /
    ``n_iter`` after every step, and the final state (tensors as numpy arrays, lists stacked; ``al``'s unset
    entries are NaN); ``"state"`` is the optimizer's state dict itself, for layout checks.
    """
    start = np.array(LBFGS_START[case["problem"]], dtype=dtype)
    sizes = [int(np.prod(s)) for s in LBFGS_SHAPES]
    cuts = np.cumsum(sizes)[:-1]
    params = [lib.tensor(v.reshape(s), requires_grad=True) for v, s in zip(np.split(start, cuts), LBFGS_SHAPES)]
    opt = lib.optim.LBFGS(params, **case["options"])

    def closure():
        opt.zero_grad()
        x = np.concatenate([p.detach().numpy().reshape(-1) for p in params]).astype(np.float64)
        f, g = PROBLEMS[case["problem"]](x)
        for p, gi in zip(params, np.split(g, cuts)):
            p.grad = lib.tensor(gi.reshape(tuple(p.shape)).astype(dtype))
        return lib.tensor(np.array(f, dtype=dtype))

    out: dict[str, list] = {"x": [], "loss": [], "func_evals": [], "n_iter": []}
    for _ in range(case["steps"]):
        loss = opt.step(closure)
        out["x"].append(np.concatenate([p.detach().numpy().reshape(-1) for p in params]))
        out["loss"].append(float(loss))
        out["func_evals"].append(opt.state[params[0]]["func_evals"])
        out["n_iter"].append(opt.state[params[0]]["n_iter"])
    result: dict[str, object] = {k: np.array(v) for k, v in out.items()}
    for key, value in opt.state[params[0]].items():
        if key in ("func_evals", "n_iter"):
            continue
        if isinstance(value, list):
            rows = [np.full(() if key in ("ro", "al") else sum(sizes), np.nan) if v is None
                    else v.detach().numpy() for v in value]
            result["state_" + key] = np.stack(rows) if rows else np.zeros((0, sum(sizes)))
        else:
            result["state_" + key] = np.asarray(value.detach().numpy() if hasattr(value, "detach") else value)
    result["state"] = opt.state_dict()
    return result


# (norm_type, max_norm): with and without clipping for the 2-, inf- and 1-norms, and a 3-norm.
CLIP_CASES: dict[str, tuple[float, float]] = {
    "l2_clip": (2.0, 0.5), "l2_noclip": (2.0, 100.0),
    "inf_clip": (float("inf"), 0.3), "inf_noclip": (float("inf"), 10.0),
    "l1_clip": (1.0, 1.0), "l1_noclip": (1.0, 1000.0),
    "l3_clip": (3.0, 0.7),
}
CLIP_SHAPES = [(2, 3), (4,), (3, 1)]


def long_inputs() -> dict[str, np.ndarray]:
    """Inputs for ``LONG_CASES``: like ``optim_inputs`` over ``LONG_STEPS`` steps (gradient sizes vary, signs flip
    often for Rprop; a few parameters have no gradient at some steps)."""
    rng = np.random.default_rng(20261207)
    scale = np.array([2.0, 0.3, 1.5, 0.1, 1.0, 0.7, 3.0, 0.05, 1.2, 0.5, 0.9, 2.5])
    out: dict[str, np.ndarray] = {}
    for i, shape in enumerate(SHAPES):
        out[f"p{i}"] = rng.standard_normal(shape)
        out[f"g{i}"] = rng.standard_normal((LONG_STEPS, *shape)) * scale.reshape((LONG_STEPS,) + (1,) * len(shape))
    has_grad = np.ones((LONG_STEPS, len(SHAPES)), dtype=bool)
    has_grad[2, 1] = has_grad[7, 1] = has_grad[4, 0] = False
    out["has_grad"] = has_grad
    return out


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
        opts = {k: (tuple(v) if k in PAIRS else v) for k, v in g.items() if k != "params"}
        out.append({"params": [params[i] for i in g["params"]], **opts})
    return out


def build_defaults(case: dict) -> dict:
    return {k: (tuple(v) if k in PAIRS else v) for k, v in case["defaults"].items()}


PAIRS = ("betas", "etas", "step_sizes")  # options given as pairs: lists in JSON, tuples for the optimizers


def run_torch_optim(case: dict, inputs: dict[str, np.ndarray], dtype: str) -> dict[str, np.ndarray]:
    """Run PyTorch's optimizer over the stored steps: weights after every step and the final per-parameter state."""
    import torch

    tdt = getattr(torch, dtype)
    params = [torch.tensor(inputs[f"p{i}"], dtype=tdt, requires_grad=True) for i in range(len(SHAPES))]
    opt = getattr(torch.optim, case["optimizer"])(build_groups(case, params), **build_defaults(case))
    out: dict[str, np.ndarray] = {}
    traj: list[list[np.ndarray]] = [[] for _ in params]
    for s in range(inputs["has_grad"].shape[0]):
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
    long = long_inputs()
    arrays.update({f"input_long__{k}": v for k, v in long.items()})
    arrays["cases_long"] = np.array(json.dumps(LONG_CASES))
    for name, case in LONG_CASES.items():
        for dtype in ("float64", "float32"):
            for k, v in run_torch_optim(case, long, dtype).items():
                arrays[f"{name}__{dtype}__{k}"] = v
    import torch

    arrays["cases_lbfgs"] = np.array(json.dumps(LBFGS_CASES))
    for name, case in LBFGS_CASES.items():
        for dtype in ("float64", "float32"):
            for k, v in run_lbfgs(torch, case, dtype).items():
                if k != "state":
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
