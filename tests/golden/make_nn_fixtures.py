"""Make the PyTorch golden fixtures for ``minigrad.nn``'s layers, activations, losses and ``Embedding``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_nn_fixtures.py [group ...]

It writes one small archive per group in ``GROUPS`` to ``tests/fixtures/nn_<group>.npz`` (plain arrays and JSON
strings, loadable with ``allow_pickle=False``). For every case and both float64 and float32 it stores, under
``{case}.{dtype}.{field}``:

- the inputs PyTorch saw: ``in.<name>`` (tensors passed to the call), ``param.<key>`` (the module's state dict,
  PyTorch's keys) and the cotangent ``g_out`` that weights the output in the loss ``sum(out * g_out)``;
- PyTorch's results: ``out``, the loss's gradients ``grad.in.<name>`` (inputs marked ``grad``) and
  ``grad.param.<name>`` (every parameter), and ``after.param.<key>`` (the state dict after the call, which
  ``Embedding(max_norm=...)`` changes in place);

and ``{case}.config``, the case as JSON. A module case may add ``"eval": true`` (called in eval mode) and
``"calls": n`` (called ``n`` times on the same inputs, e.g. to move running statistics; the last output counts).
A function case may list in ``"mutates"`` the inputs it changes in place; their values after the call are
stored as ``after.in.<name>``. Buffers are drawn too: positive floats (running variances, class weights) and
small int64 counts. Arrays come from a numpy generator seeded by the case name, so the fixtures are the same on
every run. The tests import ``CASES`` and ``run_torch`` from here for live comparisons.

A case is either ``{"module": spec, "call": [input names]}`` with ``spec = [class name, keyword args]`` (for
``Sequential`` the args are a list of specs; an arg ``{"zeros": shape}`` becomes a zero tensor, e.g. a loss's
class weights, which ``param.*`` then fills), or ``{"fn": name in nn.functional, "call": [...], "tensor_kwargs":
[...], "kwargs": {...}}``. ``inputs`` describes each input: ``shape``; ``kind`` ``normal`` (default), ``index``
(int64 in ``[0, high)``), with ``set`` = ``[[flat position, value], ...]`` overrides (ignored targets, ties),
``prob`` (positive, summing to 1 along ``dim``), ``positive``, ``unit`` (in
(0, 1)) or ``sign`` (1 or -1); and ``grad`` (its gradient is checked).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DTYPES = ("float64", "float32")
GROUPS = ("linear", "activation", "loss", "embedding", "norm", "activation_extra", "similarity", "loss_extra")


def _x(shape: list[int], grad: bool = True) -> dict[str, Any]:
    return {"shape": shape, "grad": grad}


def _idx(shape: list[int], high: int, set_: list | None = None) -> dict[str, Any]:
    return {"shape": shape, "kind": "index", "high": high, "set": set_ or []}


def _lin(i: int, o: int, bias: bool = True) -> list:
    return ["Linear", {"in_features": i, "out_features": o, "bias": bias}]


def _norm(module: list, shape: list[int], **extra: Any) -> dict[str, Any]:
    return {"group": "norm", "module": module, "call": ["input"], "inputs": {"input": _x(shape)}, **extra}


def _bn(name: str, c: int, **kwargs: Any) -> list:
    return [name, {"num_features": c, **kwargs}]


NORM_CASES: dict[str, dict[str, Any]] = {
    "batchnorm1d_2d_train": _norm(_bn("BatchNorm1d", 3), [5, 3]),
    "batchnorm1d_3d_train": _norm(_bn("BatchNorm1d", 3), [4, 3, 5]),
    "batchnorm1d_3d_eval": _norm(_bn("BatchNorm1d", 3), [4, 3, 5], eval=True),
    "batchnorm1d_2d_eval_batch_of_one": _norm(_bn("BatchNorm1d", 4), [1, 4], eval=True),
    "batchnorm1d_cumulative_three_calls": _norm(_bn("BatchNorm1d", 3, momentum=None), [6, 3], calls=3),
    "batchnorm1d_momentum_two_calls": _norm(_bn("BatchNorm1d", 2, momentum=0.3, eps=1e-3), [3, 2, 4], calls=2),
    "batchnorm1d_no_affine": _norm(_bn("BatchNorm1d", 3, affine=False), [5, 3]),
    "batchnorm1d_no_bias": _norm(_bn("BatchNorm1d", 3, bias=False), [5, 3, 2]),
    "batchnorm1d_untracked_train": _norm(_bn("BatchNorm1d", 3, track_running_stats=False), [5, 3]),
    "batchnorm1d_untracked_eval": _norm(_bn("BatchNorm1d", 3, track_running_stats=False), [5, 3, 2], eval=True),
    "batchnorm1d_two_values_per_channel": _norm(_bn("BatchNorm1d", 3), [1, 3, 2]),
    "batchnorm2d_train": _norm(_bn("BatchNorm2d", 3), [2, 3, 4, 5]),
    "batchnorm2d_eval": _norm(_bn("BatchNorm2d", 3), [2, 3, 2, 2], eval=True),
    "batchnorm2d_cumulative": _norm(_bn("BatchNorm2d", 2, momentum=None, affine=False), [2, 2, 3, 3], calls=2),
    "functional_batch_norm_train": {
        "group": "norm", "fn": "batch_norm", "call": ["input", "running_mean", "running_var", "weight", "bias"],
        "kwargs": {"training": True, "momentum": 0.2}, "mutates": ["running_mean", "running_var"],
        "inputs": {"input": _x([4, 3, 2]), "running_mean": _x([3], False),
                   "running_var": {"shape": [3], "kind": "positive"}, "weight": _x([3]), "bias": _x([3])}},
    "functional_batch_norm_eval": {
        "group": "norm", "fn": "batch_norm", "call": ["input", "running_mean", "running_var", "weight", "bias"],
        "inputs": {"input": _x([4, 3]), "running_mean": _x([3], False),
                   "running_var": {"shape": [3], "kind": "positive"}, "weight": _x([3]), "bias": _x([3])}},
    "functional_batch_norm_no_stats": {"group": "norm", "fn": "batch_norm", "call": ["input"],
                                       "kwargs": {"running_mean": None, "running_var": None, "training": True},
                                       "inputs": {"input": _x([3, 2, 4])}},
    "layernorm_last": _norm(["LayerNorm", {"normalized_shape": 4}], [2, 3, 4]),
    "layernorm_two_dims": _norm(["LayerNorm", {"normalized_shape": [3, 4], "eps": 1e-3}], [2, 3, 4]),
    "layernorm_no_affine": _norm(["LayerNorm", {"normalized_shape": [4], "elementwise_affine": False}], [5, 4]),
    "layernorm_no_bias": _norm(["LayerNorm", {"normalized_shape": [4], "bias": False}], [4]),
    "functional_layer_norm": {"group": "norm", "fn": "layer_norm", "call": ["input"],
                              "kwargs": {"normalized_shape": [5]},
                              "tensor_kwargs": ["weight", "bias"],
                              "inputs": {"input": _x([3, 5]), "weight": _x([5]), "bias": _x([5])}},
    "groupnorm": _norm(["GroupNorm", {"num_groups": 2, "num_channels": 4}], [3, 4, 5]),
    "groupnorm_2d_input": _norm(["GroupNorm", {"num_groups": 2, "num_channels": 8}], [2, 8]),
    "groupnorm_one_group_4d": _norm(["GroupNorm", {"num_groups": 1, "num_channels": 2, "eps": 1e-3}], [2, 2, 3, 2]),
    "groupnorm_no_affine": _norm(["GroupNorm", {"num_groups": 4, "num_channels": 4, "affine": False}], [2, 4, 3]),
    "functional_group_norm": {"group": "norm", "fn": "group_norm", "call": ["input"], "kwargs": {"num_groups": 2},
                              "tensor_kwargs": ["weight", "bias"],
                              "inputs": {"input": _x([2, 4, 3]), "weight": _x([4]), "bias": _x([4])}},
    "rmsnorm": _norm(["RMSNorm", {"normalized_shape": 4}], [2, 3, 4]),
    "rmsnorm_eps_two_dims": _norm(["RMSNorm", {"normalized_shape": [3, 4], "eps": 1e-4}], [2, 3, 4]),
    "rmsnorm_no_affine": _norm(["RMSNorm", {"normalized_shape": [5], "elementwise_affine": False}], [5]),
    "functional_rms_norm": {"group": "norm", "fn": "rms_norm", "call": ["input"], "kwargs": {"normalized_shape": [4]},
                            "tensor_kwargs": ["weight"], "inputs": {"input": _x([3, 4]), "weight": _x([4])}},
}

def _xs(shape: list[int], values: list[float], grad: bool = True) -> dict[str, Any]:
    """A normal input whose first elements are ``values`` (kinks, ties, thresholds, far tails)."""
    return {"shape": shape, "grad": grad, "set": [[i, v] for i, v in enumerate(values)]}


def _act(fn: str, values: list[float], shape: list[int] | None = None, **kwargs: Any) -> dict[str, Any]:
    return {"group": "activation_extra", "fn": fn, "call": ["input"], "kwargs": kwargs,
            "inputs": {"input": _xs(shape or [3, 5], values)}}


def _act_module(spec: list, values: list[float], shape: list[int] | None = None) -> dict[str, Any]:
    return {"group": "activation_extra", "module": spec, "call": ["input"],
            "inputs": {"input": _xs(shape or [3, 5], values)}}


ACTIVATION_CASES: dict[str, dict[str, Any]] = {
    "leaky_relu": _act("leaky_relu", [0.0, -0.0, 1e-3]),
    "leaky_relu_slope": _act("leaky_relu", [0.0, -2.0], negative_slope=0.2),
    "leaky_relu_module": _act_module(["LeakyReLU", {"negative_slope": 0.3}], [0.0]),
    "elu": _act("elu", [0.0, -30.0, 30.0, -1e-4]),
    "elu_alpha_module": _act_module(["ELU", {"alpha": 0.7}], [0.0, -5.0]),
    "gelu": _act("gelu", [0.0, -10.0, 10.0, -40.0, 3.0]),
    "gelu_tanh": _act("gelu", [0.0, -10.0, 10.0], approximate="tanh"),
    "gelu_module": _act_module(["GELU", {}], [0.0], [2, 3, 4]),
    "gelu_tanh_module": _act_module(["GELU", {"approximate": "tanh"}], [0.0], [2, 3, 4]),
    "silu": _act("silu", [0.0, -30.0, 30.0]),
    "silu_module": _act_module(["SiLU", {}], [0.0]),
    "softplus": _act("softplus", [0.0, 20.0, 21.0, -50.0, 19.5]),
    "softplus_beta_threshold": _act("softplus", [2.5, 3.0, -40.0, 0.0, 2.4], beta=2.0, threshold=5.0),
    "softplus_module": _act_module(["Softplus", {"beta": 0.5, "threshold": 3}], [6.0, 7.0, -3.0]),
    "logsigmoid": _act("logsigmoid", [0.0, -50.0, 50.0, 800.0, -800.0]),
    "logsigmoid_module": _act_module(["LogSigmoid", {}], [0.0]),
    "hardtanh": _act("hardtanh", [-1.0, 1.0, 0.0, 2.0, -2.0]),
    "hardtanh_bounds": _act("hardtanh", [-0.5, 0.7, 0.69, 0.71, -0.51], min_val=-0.5, max_val=0.7),
    "hardtanh_module": _act_module(["Hardtanh", {"min_val": -0.2, "max_val": 0.3}], [-0.2, 0.3]),
    "relu6": _act("relu6", [0.0, 6.0, 6.5, -1.0, 5.9]),
    "relu6_module": _act_module(["ReLU6", {}], [0.0, 6.0, 7.0]),
    "threshold": _act("threshold", [1.0, 1.1, 0.9], threshold=1.0, value=5.0),
    "threshold_module": _act_module(["Threshold", {"threshold": 0.1, "value": -2.0}], [0.1, 0.0]),
    "prelu_channels": {"group": "activation_extra", "fn": "prelu", "call": ["input", "weight"],
                       "inputs": {"input": _xs([2, 3, 4], [0.0, -1.0]), "weight": _x([3])}},
    "prelu_shared": {"group": "activation_extra", "fn": "prelu", "call": ["input", "weight"],
                     "inputs": {"input": _xs([5], [0.0]), "weight": _x([1])}},
    "prelu_module": _act_module(["PReLU", {"num_parameters": 3}], [0.0, -1.0], [2, 3]),
    "prelu_module_shared_4d": _act_module(["PReLU", {}], [0.0], [2, 2, 2, 3]),
    "softmin_dim1": _act("softmin", [0.0, 0.0], dim=1),
    "softmin_dim0": _act("softmin", [], [2, 3, 4], dim=0),
    "softmin_module": _act_module(["Softmin", {"dim": -1}], [1.0, 1.0]),
}

def _two(fn: str, a: dict, b: dict, module: list | None = None, **kwargs: Any) -> dict[str, Any]:
    case: dict[str, Any] = {"group": "similarity", "call": ["x1", "x2"], "inputs": {"x1": a, "x2": b}}
    if module is not None:
        case["module"] = module
    else:
        case.update(fn=fn, kwargs=kwargs)
    return case


ZERO_ROW = _xs([3, 4], [0.0, 0.0, 0.0, 0.0])
SIMILARITY_CASES: dict[str, dict[str, Any]] = {
    "bilinear_2d": {"group": "similarity", "module": ["Bilinear", {"in1_features": 2, "in2_features": 3,
                                                                   "out_features": 4}],
                    "call": ["x1", "x2"], "inputs": {"x1": _x([5, 2]), "x2": _x([5, 3])}},
    "bilinear_3d_no_bias": {"group": "similarity",
                            "module": ["Bilinear", {"in1_features": 3, "in2_features": 2, "out_features": 2,
                                                    "bias": False}],
                            "call": ["x1", "x2"], "inputs": {"x1": _x([2, 3, 3]), "x2": _x([2, 3, 2])}},
    "bilinear_1d": {"group": "similarity", "module": ["Bilinear", {"in1_features": 2, "in2_features": 2,
                                                                   "out_features": 3}],
                    "call": ["x1", "x2"], "inputs": {"x1": _x([2]), "x2": _x([2])}},
    "functional_bilinear": {"group": "similarity", "fn": "bilinear", "call": ["x1", "x2", "weight", "bias"],
                            "inputs": {"x1": _x([4, 3]), "x2": _x([4, 2]), "weight": _x([5, 3, 2]),
                                       "bias": _x([5])}},
    "cosine_similarity": _two("cosine_similarity", _x([3, 4]), _x([3, 4])),
    "cosine_similarity_broadcast_last": _two("cosine_similarity", _x([2, 3, 4]), _x([4]), dim=-1),
    "cosine_similarity_zero_row": _two("cosine_similarity", ZERO_ROW, _x([3, 4])),
    "cosine_similarity_module": _two("", _x([4, 3, 2]), _x([4, 3, 2]), ["CosineSimilarity", {"dim": 0}]),
    "pairwise_distance": _two("pairwise_distance", _x([3, 4]), _x([3, 4])),
    "pairwise_distance_p1_keepdim": _two("pairwise_distance", _x([3, 4]), _x([3, 4]), p=1.0, keepdim=True),
    "pairwise_distance_p3": _two("pairwise_distance", _x([2, 3, 4]), _x([3, 4]), p=3.0),
    "pairwise_distance_inf": _two("pairwise_distance", _x([3, 4]), _x([3, 4]), p=float("inf")),
    "pairwise_distance_1d": _two("pairwise_distance", _x([5]), _x([5])),
    "pairwise_distance_module": _two("", _x([3, 4]), _x([3, 4]), ["PairwiseDistance", {"p": 1.5, "eps": 1e-3}]),
    "normalize": {"group": "similarity", "fn": "normalize", "call": ["input"], "inputs": {"input": ZERO_ROW}},
    "normalize_p1_dim0": {"group": "similarity", "fn": "normalize", "call": ["input"],
                          "kwargs": {"p": 1.0, "dim": 0}, "inputs": {"input": _x([3, 4])}},
    "normalize_p3_last": {"group": "similarity", "fn": "normalize", "call": ["input"],
                          "kwargs": {"p": 3.0, "dim": -1}, "inputs": {"input": _x([2, 3, 4])}},
    "pad_last": {"group": "similarity", "fn": "pad", "call": ["input"], "kwargs": {"pad": [1, 2]},
                 "inputs": {"input": _x([2, 3])}},
    "pad_two_dims_value": {"group": "similarity", "fn": "pad", "call": ["input"],
                           "kwargs": {"pad": [1, 0, 0, 3], "value": 0.5}, "inputs": {"input": _x([2, 3, 2])}},
    "pad_crop": {"group": "similarity", "fn": "pad", "call": ["input"], "kwargs": {"pad": [-1, 2, 1, -1]},
                 "inputs": {"input": _x([3, 4])}},
    "unflatten": {"group": "similarity", "module": ["Unflatten", {"dim": 1, "unflattened_size": [2, -1]}],
                  "call": ["x1"], "inputs": {"x1": _x([3, 6])}},
}

def _loss(fn: str, shape: list[int], target: dict | None = None, module: list | None = None,
          **kwargs: Any) -> dict[str, Any]:
    case: dict[str, Any] = {"group": "loss_extra", "call": ["input", "target"],
                            "inputs": {"input": _xs(shape, [1.0, 0.0, -0.5, 3.0]),
                                       "target": target or _xs(shape, [0.0, 0.0, 0.0, 0.0])}}
    if module is not None:
        case["module"] = module
    else:
        case.update(fn=fn, kwargs=kwargs)
    return case


PROB = {"shape": [3, 4], "kind": "prob", "dim": 1, "grad": True}
SIGN3 = {"shape": [3], "kind": "sign"}
WEIGHTED = {"input": _xs([3, 4], [1.0, 0.0, -0.5, 3.0]), "target": _xs([3, 4], [0.0] * 4),
            "weight": {"shape": [3, 4], "kind": "positive"}}
LOSS_CASES: dict[str, dict[str, Any]] = {
    # the first input elements minus a zero target: an error of exactly beta/delta, 0, -0.5 and 3
    "smooth_l1_mean": _loss("smooth_l1_loss", [3, 4]),
    "smooth_l1_beta_sum": _loss("smooth_l1_loss", [3, 4], beta=0.5, reduction="sum"),
    "smooth_l1_beta_zero": _loss("smooth_l1_loss", [3, 4], beta=0.0),
    "smooth_l1_none": _loss("smooth_l1_loss", [2, 3, 2], beta=3.0, reduction="none"),
    "smooth_l1_module": _loss("", [5], module=["SmoothL1Loss", {"beta": 0.2, "reduction": "sum"}]),
    "huber_mean": _loss("huber_loss", [3, 4]),
    "huber_delta_none": _loss("huber_loss", [3, 4], delta=0.5, reduction="none"),
    "huber_weight_mean": {**_loss("huber_loss", [3, 4], delta=2.0), "tensor_kwargs": ["weight"],
                          "inputs": WEIGHTED},
    "huber_weight_sum": {**_loss("huber_loss", [3, 4], reduction="sum"), "tensor_kwargs": ["weight"],
                         "inputs": WEIGHTED},
    "huber_module": _loss("", [4, 2], module=["HuberLoss", {"delta": 3.0, "reduction": "sum"}]),
    "kl_div_batchmean": _loss("kl_div", [3, 4], PROB, reduction="batchmean"),
    "kl_div_sum_zero_target": _loss("kl_div", [3, 4], {"shape": [3, 4], "kind": "prob", "dim": 1,
                                                       "set": [[0, 0.0], [5, 0.0]]}, reduction="sum"),
    "kl_div_none": _loss("kl_div", [3, 4], PROB, reduction="none"),
    "kl_div_log_target": _loss("kl_div", [3, 4], _x([3, 4]), reduction="batchmean", log_target=True),
    "kl_div_module": _loss("", [2, 5], {"shape": [2, 5], "kind": "prob", "dim": 1},
                           module=["KLDivLoss", {"reduction": "batchmean"}]),
    "cosine_embedding": {"group": "loss_extra", "fn": "cosine_embedding_loss", "call": ["x1", "x2", "target"],
                         "inputs": {"x1": _x([3, 4]), "x2": _x([3, 4]), "target": SIGN3}},
    "cosine_embedding_margin_none": {"group": "loss_extra", "fn": "cosine_embedding_loss",
                                     "call": ["x1", "x2", "target"], "kwargs": {"margin": -0.2, "reduction": "none"},
                                     "inputs": {"x1": _x([5, 3]), "x2": _x([5, 3]),
                                                "target": {"shape": [5], "kind": "sign"}}},
    "cosine_embedding_unbatched": {"group": "loss_extra", "fn": "cosine_embedding_loss",
                                   "call": ["x1", "x2", "target"],
                                   "inputs": {"x1": _x([4]), "x2": _x([4]), "target": {"shape": [], "kind": "sign"}}},
    "cosine_embedding_module": {"group": "loss_extra", "module": ["CosineEmbeddingLoss", {"margin": 0.1,
                                                                                          "reduction": "sum"}],
                                "call": ["x1", "x2", "target"],
                                "inputs": {"x1": _x([4, 3]), "x2": _x([4, 3]),
                                           "target": {"shape": [4], "kind": "sign"}}},
    "margin_ranking": {"group": "loss_extra", "fn": "margin_ranking_loss", "call": ["x1", "x2", "target"],
                       "inputs": {"x1": _x([6]), "x2": _x([6]), "target": {"shape": [6], "kind": "sign"}}},
    "margin_ranking_margin_none": {"group": "loss_extra", "fn": "margin_ranking_loss",
                                   "call": ["x1", "x2", "target"], "kwargs": {"margin": 0.3, "reduction": "none"},
                                   "inputs": {"x1": _x([2, 3]), "x2": _x([2, 3]),
                                              "target": {"shape": [2, 3], "kind": "sign"}}},
    "margin_ranking_module": {"group": "loss_extra", "module": ["MarginRankingLoss", {"margin": 0.5,
                                                                                      "reduction": "sum"}],
                              "call": ["x1", "x2", "target"],
                              "inputs": {"x1": _x([5]), "x2": _x([5]), "target": {"shape": [5], "kind": "sign"}}},
}

CASES: dict[str, dict[str, Any]] = {
    # ---- Linear and containers ----
    "linear_2d": {"group": "linear", "module": _lin(5, 4), "call": ["input"], "inputs": {"input": _x([3, 5])}},
    "linear_1d": {"group": "linear", "module": _lin(5, 4), "call": ["input"], "inputs": {"input": _x([5])}},
    "linear_3d": {"group": "linear", "module": _lin(5, 4), "call": ["input"], "inputs": {"input": _x([2, 3, 5])}},
    "linear_no_bias_2d": {"group": "linear", "module": _lin(5, 4, False), "call": ["input"],
                          "inputs": {"input": _x([3, 5])}},
    "linear_no_bias_1d": {"group": "linear", "module": _lin(5, 4, False), "call": ["input"],
                          "inputs": {"input": _x([5])}},
    "linear_no_bias_3d": {"group": "linear", "module": _lin(5, 4, False), "call": ["input"],
                          "inputs": {"input": _x([2, 3, 5])}},
    "functional_linear": {"group": "linear", "fn": "linear", "call": ["input", "weight", "bias"],
                          "inputs": {"input": _x([2, 3, 5]), "weight": _x([4, 5]), "bias": _x([4])}},
    "sequential_mlp": {"group": "linear", "module": ["Sequential", [_lin(4, 6), ["Tanh", {}], _lin(6, 5),
                                                                  ["ReLU", {}], _lin(5, 3, False),
                                                                  ["Sigmoid", {}]]],
                       "call": ["input"], "inputs": {"input": _x([7, 4])}},
    "sequential_flatten_softmax": {"group": "linear", "module": ["Sequential", [["Flatten", {}], _lin(6, 4),
                                                                              ["Identity", {}],
                                                                              ["LogSoftmax", {"dim": 1}]]],
                                   "call": ["input"], "inputs": {"input": _x([3, 2, 3])}},
    # ---- activations and softmax ----
    "softmax_dim0": {"group": "activation", "fn": "softmax", "call": ["input"], "kwargs": {"dim": 0},
                     "inputs": {"input": _x([2, 3, 4])}},
    "softmax_dim1": {"group": "activation", "fn": "softmax", "call": ["input"], "kwargs": {"dim": 1},
                     "inputs": {"input": _x([2, 3, 4])}},
    "softmax_dim_last": {"group": "activation", "fn": "softmax", "call": ["input"], "kwargs": {"dim": -1},
                         "inputs": {"input": _x([2, 3, 4])}},
    "log_softmax_dim0": {"group": "activation", "fn": "log_softmax", "call": ["input"], "kwargs": {"dim": 0},
                         "inputs": {"input": _x([2, 3, 4])}},
    "log_softmax_dim1": {"group": "activation", "fn": "log_softmax", "call": ["input"], "kwargs": {"dim": 1},
                         "inputs": {"input": _x([2, 3, 4])}},
    "log_softmax_dim_last": {"group": "activation", "fn": "log_softmax", "call": ["input"], "kwargs": {"dim": -1},
                             "inputs": {"input": _x([2, 3, 4])}},
    "softmax_module": {"group": "activation", "module": ["Softmax", {"dim": 1}], "call": ["input"],
                       "inputs": {"input": _x([3, 5])}},
    "tanh_module": {"group": "activation", "module": ["Tanh", {}], "call": ["input"], "inputs": {"input": _x([3, 4])}},
    "relu_module": {"group": "activation", "module": ["ReLU", {}], "call": ["input"], "inputs": {"input": _x([3, 4])}},
    "sigmoid_module": {"group": "activation", "module": ["Sigmoid", {}], "call": ["input"],
                       "inputs": {"input": _x([3, 4])}},
    # ---- losses ----
    "mse_mean": {"group": "loss", "fn": "mse_loss", "call": ["input", "target"], "kwargs": {"reduction": "mean"},
                 "inputs": {"input": _x([3, 4]), "target": _x([3, 4])}},
    "mse_sum": {"group": "loss", "fn": "mse_loss", "call": ["input", "target"], "kwargs": {"reduction": "sum"},
                "inputs": {"input": _x([3, 4]), "target": _x([3, 4])}},
    "mse_none": {"group": "loss", "fn": "mse_loss", "call": ["input", "target"], "kwargs": {"reduction": "none"},
                 "inputs": {"input": _x([3, 4]), "target": _x([3, 4])}},
    "mse_weight": {"group": "loss", "fn": "mse_loss", "call": ["input", "target"], "tensor_kwargs": ["weight"],
                   "inputs": {"input": _x([3, 4]), "target": _x([3, 4]),
                              "weight": {"shape": [3, 4], "kind": "positive"}}},
    "mse_module": {"group": "loss", "module": ["MSELoss", {"reduction": "sum"}], "call": ["input", "target"],
                   "inputs": {"input": _x([5]), "target": _x([5])}},
    "l1_mean": {"group": "loss", "fn": "l1_loss", "call": ["input", "target"],
                "inputs": {"input": _x([3, 4]), "target": _x([3, 4])}},
    "l1_none_weight": {"group": "loss", "fn": "l1_loss", "call": ["input", "target"], "tensor_kwargs": ["weight"],
                       "kwargs": {"reduction": "none"},
                       "inputs": {"input": _x([3, 4]), "target": _x([3, 4]),
                                  "weight": {"shape": [3, 4], "kind": "positive"}}},
    "l1_module": {"group": "loss", "module": ["L1Loss", {"reduction": "sum"}], "call": ["input", "target"],
                  "inputs": {"input": _x([5]), "target": _x([5])}},
    "bce_mean": {"group": "loss", "fn": "binary_cross_entropy", "call": ["input", "target"],
                 "inputs": {"input": {"shape": [3, 4], "kind": "unit", "grad": True},
                            "target": {"shape": [3, 4], "kind": "unit", "grad": True}}},
    "bce_weight_none": {"group": "loss", "fn": "binary_cross_entropy", "call": ["input", "target"],
                        "tensor_kwargs": ["weight"], "kwargs": {"reduction": "none"},
                        "inputs": {"input": {"shape": [3, 4], "kind": "unit", "grad": True},
                                   "target": {"shape": [3, 4], "kind": "unit"},
                                   "weight": {"shape": [4], "kind": "positive"}}},
    "bce_module": {"group": "loss", "module": ["BCELoss", {"weight": {"zeros": [4]}, "reduction": "sum"}],
                   "call": ["input", "target"],
                   "inputs": {"input": {"shape": [2, 4], "kind": "unit", "grad": True},
                              "target": {"shape": [2, 4], "kind": "unit"}}},
    "bce_logits_mean": {"group": "loss", "fn": "binary_cross_entropy_with_logits", "call": ["input", "target"],
                        "inputs": {"input": _x([3, 4]), "target": {"shape": [3, 4], "kind": "unit", "grad": True}}},
    "bce_logits_pos_weight_sum": {"group": "loss", "fn": "binary_cross_entropy_with_logits",
                                  "call": ["input", "target"], "tensor_kwargs": ["pos_weight"],
                                  "kwargs": {"reduction": "sum"},
                                  "inputs": {"input": _x([3, 4]),
                                             "target": {"shape": [3, 4], "kind": "unit", "grad": True},
                                             "pos_weight": {"shape": [4], "kind": "positive"}}},
    "bce_logits_weights_none": {"group": "loss", "fn": "binary_cross_entropy_with_logits",
                                "call": ["input", "target"], "tensor_kwargs": ["weight", "pos_weight"],
                                "kwargs": {"reduction": "none"},
                                "inputs": {"input": _x([2, 3, 4]), "target": {"shape": [2, 3, 4], "kind": "unit"},
                                           "weight": {"shape": [3, 1], "kind": "positive"},
                                           "pos_weight": {"shape": [4], "kind": "positive"}}},
    "bce_logits_module": {"group": "loss", "module": ["BCEWithLogitsLoss", {"pos_weight": {"zeros": [3]}}],
                          "call": ["input", "target"],
                          "inputs": {"input": _x([4, 3]), "target": {"shape": [4, 3], "kind": "unit"}}},
    "ce_mean": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                "inputs": {"input": _x([4, 5]), "target": _idx([4], 5)}},
    "ce_sum": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"], "kwargs": {"reduction": "sum"},
               "inputs": {"input": _x([4, 5]), "target": _idx([4], 5)}},
    "ce_none": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"], "kwargs": {"reduction": "none"},
                "inputs": {"input": _x([4, 5]), "target": _idx([4], 5)}},
    "ce_weight": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"], "tensor_kwargs": ["weight"],
                  "inputs": {"input": _x([6, 5]), "target": _idx([6], 5),
                             "weight": {"shape": [5], "kind": "positive"}}},
    "ce_ignore_default": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                          "inputs": {"input": _x([6, 5]), "target": _idx([6], 5, [[1, -100], [4, -100]])}},
    "ce_ignore_index_weight": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                               "tensor_kwargs": ["weight"], "kwargs": {"ignore_index": 2},
                               "inputs": {"input": _x([6, 5]), "target": _idx([6], 5, [[0, 2], [3, 2]]),
                                          "weight": {"shape": [5], "kind": "positive"}}},
    "ce_ignore_none": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                       "kwargs": {"ignore_index": 0, "reduction": "none"},
                       "inputs": {"input": _x([6, 5]), "target": _idx([6], 5, [[2, 0]])}},
    "ce_label_smoothing": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                           "kwargs": {"label_smoothing": 0.2},
                           "inputs": {"input": _x([4, 5]), "target": _idx([4], 5)}},
    "ce_label_smoothing_weight_ignore": {
        "group": "loss", "fn": "cross_entropy", "call": ["input", "target"], "tensor_kwargs": ["weight"],
        "kwargs": {"label_smoothing": 0.1, "ignore_index": 1},
        "inputs": {"input": _x([6, 5]), "target": _idx([6], 5, [[0, 1]]),
                   "weight": {"shape": [5], "kind": "positive"}}},
    "ce_label_smoothing_none": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                                "kwargs": {"label_smoothing": 0.3, "reduction": "none"},
                                "inputs": {"input": _x([4, 5]), "target": _idx([4], 5, [[1, -100]])}},
    "ce_probabilities": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                         "inputs": {"input": _x([4, 5]), "target": {"shape": [4, 5], "kind": "prob", "dim": 1,
                                                                    "grad": True}}},
    "ce_probabilities_weight_smoothing_none": {
        "group": "loss", "fn": "cross_entropy", "call": ["input", "target"], "tensor_kwargs": ["weight"],
        "kwargs": {"label_smoothing": 0.1, "reduction": "none"},
        "inputs": {"input": _x([4, 5]), "target": {"shape": [4, 5], "kind": "prob", "dim": 1},
                   "weight": {"shape": [5], "kind": "positive"}}},
    "ce_unbatched": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                     "inputs": {"input": _x([5]), "target": _idx([], 5)}},
    "ce_spatial_none": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                        "kwargs": {"reduction": "none"},
                        "inputs": {"input": _x([2, 4, 3, 2]), "target": _idx([2, 3, 2], 4, [[5, -100]])}},
    "ce_spatial_weight_mean": {"group": "loss", "fn": "cross_entropy", "call": ["input", "target"],
                               "tensor_kwargs": ["weight"],
                               "inputs": {"input": _x([2, 4, 3]), "target": _idx([2, 3], 4, [[0, -100]]),
                                          "weight": {"shape": [4], "kind": "positive"}}},
    "ce_module": {"group": "loss", "module": ["CrossEntropyLoss", {"weight": {"zeros": [5]}, "ignore_index": 3,
                                                                   "label_smoothing": 0.05}],
                  "call": ["input", "target"],
                  "inputs": {"input": _x([6, 5]), "target": _idx([6], 5, [[2, 3]])}},
    "nll_mean": {"group": "loss", "fn": "nll_loss", "call": ["input", "target"],
                 "inputs": {"input": _x([4, 5]), "target": _idx([4], 5)}},
    "nll_sum_weight": {"group": "loss", "fn": "nll_loss", "call": ["input", "target"], "tensor_kwargs": ["weight"],
                       "kwargs": {"reduction": "sum"},
                       "inputs": {"input": _x([6, 5]), "target": _idx([6], 5),
                                  "weight": {"shape": [5], "kind": "positive"}}},
    "nll_none_ignore": {"group": "loss", "fn": "nll_loss", "call": ["input", "target"],
                        "kwargs": {"reduction": "none", "ignore_index": 4},
                        "inputs": {"input": _x([6, 5]), "target": _idx([6], 5, [[1, 4]])}},
    "nll_weight_ignore_mean": {"group": "loss", "fn": "nll_loss", "call": ["input", "target"],
                               "tensor_kwargs": ["weight"], "kwargs": {"ignore_index": 0},
                               "inputs": {"input": _x([6, 5]), "target": _idx([6], 5, [[1, 0], [2, 0]]),
                                          "weight": {"shape": [5], "kind": "positive"}}},
    "nll_spatial": {"group": "loss", "fn": "nll_loss", "call": ["input", "target"],
                    "inputs": {"input": _x([2, 4, 3]), "target": _idx([2, 3], 4)}},
    "nll_module": {"group": "loss", "module": ["NLLLoss", {"weight": {"zeros": [5]}, "reduction": "mean"}],
                   "call": ["input", "target"], "inputs": {"input": _x([4, 5]), "target": _idx([4], 5)}},
    # ---- Embedding ----
    "embedding": {"group": "embedding", "module": ["Embedding", {"num_embeddings": 7, "embedding_dim": 3}],
                  "call": ["input"], "inputs": {"input": _idx([2, 4], 7, [[0, 5], [3, 5], [6, 5]])}},
    "embedding_padding_idx": {"group": "embedding",
                              "module": ["Embedding", {"num_embeddings": 7, "embedding_dim": 3, "padding_idx": 2}],
                              "call": ["input"], "inputs": {"input": _idx([3, 4], 7, [[0, 2], [5, 2], [7, 1]])}},
    "embedding_max_norm": {"group": "embedding",
                           "module": ["Embedding", {"num_embeddings": 6, "embedding_dim": 4, "max_norm": 1.5}],
                           "call": ["input"], "inputs": {"input": _idx([5], 6)}},
    "embedding_scale_grad_by_freq": {
        "group": "embedding",
        "module": ["Embedding", {"num_embeddings": 6, "embedding_dim": 2, "scale_grad_by_freq": True,
                                 "padding_idx": 0}],
        "call": ["input"], "inputs": {"input": _idx([2, 5], 6, [[0, 3], [1, 3], [2, 3], [4, 0]])}},
    "embedding_1d_input": {"group": "embedding", "module": ["Embedding", {"num_embeddings": 5, "embedding_dim": 3}],
                           "call": ["input"], "inputs": {"input": _idx([6], 5)}},
    **NORM_CASES,
    **ACTIVATION_CASES,
    **SIMILARITY_CASES,
    **LOSS_CASES,
}


def make_input(spec: dict[str, Any], dtype: str, rng: np.random.Generator) -> np.ndarray:
    """Draw one input array as ``spec`` describes (see the module docstring)."""
    shape = tuple(spec["shape"])
    kind = spec.get("kind", "normal")
    if kind == "index":
        arr = rng.integers(0, spec["high"], shape).astype(np.int64)
        flat = arr.reshape(-1)
        for pos, value in spec.get("set", []):
            flat[pos] = value
        return flat.reshape(shape)
    if "set" in spec:  # a float input with some exact values (ties, kinks, thresholds)
        arr = make_input({k: v for k, v in spec.items() if k != "set"}, dtype, rng)
        flat = arr.reshape(-1)
        for pos, value in spec["set"]:
            flat[pos] = value
        return flat.reshape(shape)
    if kind == "prob":
        e = np.exp(rng.standard_normal(shape))
        return (e / e.sum(axis=spec["dim"], keepdims=True)).astype(dtype)
    if kind == "positive":
        return rng.uniform(0.2, 2.0, shape).astype(dtype)
    if kind == "sign":  # labels of the pairwise losses: 1 or -1
        return rng.choice([-1.0, 1.0], shape).astype(dtype)
    if kind == "unit":  # probabilities and binary targets, away from 0 and 1
        return rng.uniform(0.05, 0.95, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def build_torch_module(spec: list, torch_dtype: Any) -> Any:
    import torch

    name, args = spec
    if name == "Sequential":
        return torch.nn.Sequential(*[build_torch_module(s, torch_dtype) for s in args])
    kwargs = {k: torch.zeros(v["zeros"], dtype=torch_dtype) if isinstance(v, dict) else v for k, v in args.items()}
    return getattr(torch.nn, name)(**kwargs).to(torch_dtype)


def run_torch(name: str, dtype: str, seed_offset: int = 0) -> dict[str, np.ndarray]:
    """Run case ``name`` in PyTorch on seeded random inputs (and weights); return inputs and results.

    ``seed_offset`` changes every drawn array (the live tests use fresh numbers). Returns arrays keyed as the
    fixture fields are (see the module docstring).
    """
    import torch

    case = CASES[name]
    rng = np.random.default_rng(zlib.crc32(f"{name}.{dtype}".encode()) + seed_offset)
    torch_dtype = getattr(torch, dtype)
    arrays: dict[str, np.ndarray] = {}
    tensors: dict[str, Any] = {}
    for key, spec in case["inputs"].items():
        arrays[f"in.{key}"] = make_input(spec, dtype, rng)
        t = torch.from_numpy(arrays[f"in.{key}"].copy())
        tensors[key] = t.requires_grad_(True) if spec.get("grad") else t

    if "module" in case:
        module = build_torch_module(case["module"], torch_dtype)
        params = {k for k, _ in module.named_parameters()}
        with torch.no_grad():
            for key, value in module.state_dict().items():
                if not value.is_floating_point():  # a count, e.g. BatchNorm's num_batches_tracked
                    arrays[f"param.{key}"] = rng.integers(0, 5, tuple(value.shape)).astype(np.int64)
                else:
                    # Buffers are positive: class weights and running variances (a running mean may be too).
                    kind = "normal" if key in params else "positive"
                    arrays[f"param.{key}"] = make_input({"shape": list(value.shape), "kind": kind}, dtype, rng)
                value.copy_(torch.from_numpy(arrays[f"param.{key}"]))
        if case.get("eval"):
            module.eval()
        for _ in range(case.get("calls", 1)):
            out = module(*[tensors[k] for k in case["call"]])
    else:
        fn = getattr(torch.nn.functional, case["fn"])
        kwargs = dict(case.get("kwargs", {}))
        kwargs.update({k: tensors[k] for k in case.get("tensor_kwargs", [])})
        out = fn(*[tensors[k] for k in case["call"]], **kwargs)
        module = None

    arrays["g_out"] = rng.standard_normal(tuple(out.shape)).astype(dtype)
    arrays["out"] = out.detach().numpy().copy()
    out.backward(torch.from_numpy(arrays["g_out"]))
    for key, spec in case["inputs"].items():
        if spec.get("grad"):
            arrays[f"grad.in.{key}"] = tensors[key].grad.numpy().copy()
    for key in case.get("mutates", []):
        arrays[f"after.in.{key}"] = tensors[key].detach().numpy().copy()
    if module is not None:
        for key, p in module.named_parameters():
            arrays[f"grad.param.{key}"] = p.grad.numpy().copy()
        for key, value in module.state_dict().items():
            arrays[f"after.param.{key}"] = value.numpy().copy()
    return arrays


def main(groups: list[str]) -> None:
    """Write the fixtures of ``groups`` (all of ``GROUPS`` when empty)."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for group in groups or GROUPS:
        out: dict[str, np.ndarray] = {}
        names = [n for n, c in CASES.items() if c["group"] == group]
        for name in names:
            out[f"{name}.config"] = np.array(json.dumps(CASES[name], sort_keys=True))
            for dtype in DTYPES:
                for field, value in run_torch(name, dtype).items():
                    out[f"{name}.{dtype}.{field}"] = value
        path = FIXTURES / f"nn_{group}.npz"
        np.savez_compressed(path, **out)
        print(f"wrote {path} ({len(names)} cases, {len(out)} arrays)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
