"""Differential fuzzing of minigrad against PyTorch (issue #20): random programs run in both libraries.

A program is 1-3 input tensors (rank 0-4, float32/float64/int64/bool, values with ties and zeros, shapes that
sometimes broadcast and sometimes clash) and a chain of 1-8 ops drawn from ``OPS``, a table of what minigrad has.
Each op is written once against the shared API (``lib`` is ``torch`` or ``minigrad``), so the same call runs in
both. After every op the runner compares the results and every tensor made so far (in-place ops change them);
at the end it runs ``backward`` on a weighted sum of the last float result and compares the inputs' gradients.

A difference is reported as a ``Mismatch`` of one kind:

- ``value``, ``shape``, ``dtype``, ``requires_grad``: both ran, the results differ;
- ``grad``: the gradients of the inputs differ (or one is None);
- ``exception``: one library raised and the other did not, or they raised different exception types;
- ``raw``: minigrad let a numpy or Python internal error escape (an ``AttributeError``, numpy's own message...);
- ``state``: both raised, but the failed call left minigrad's tensors changed.

The generator draws from a ``random.Random``: hypothesis hands one over in ``test_differential.py`` (so its
profiles and seeds decide), ``benchmarks/fuzz_differential.py`` seeds its own for 10,000 cases.
"""

from __future__ import annotations

import random
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import minigrad

try:
    import torch
except ImportError:  # the fuzz tests skip; the table still imports
    torch = None

KINDS = ("value", "shape", "dtype", "requires_grad", "grad", "exception", "raw", "state")
_MINIGRAD_DIR = str(Path(minigrad.__file__).resolve().parent)
_RAW_TYPES = (AttributeError, KeyError, ZeroDivisionError, FloatingPointError, AssertionError, NameError,
              UnboundLocalError, RecursionError, OverflowError)
_TIES = (0.0, 0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0)


@dataclass
class Mismatch:
    """One difference: its ``kind`` (see ``KINDS``), the op it showed at, and a readable ``detail``."""

    kind: str
    op: str
    detail: str
    program: list = field(default_factory=list)
    gap: float = 0.0  # the largest relative difference the op's float operands already had between the libraries

    def __str__(self) -> str:
        return f"[{self.kind}] at {self.op}: {self.detail}\n  program: " + " ; ".join(self.program)


@dataclass
class Op:
    """One table row: ``run(lib, xs, p)`` on ``arity`` operands with parameters ``p = draw(rnd, shapes)``."""

    name: str
    arity: int
    run: Callable[..., Any]
    draw: Callable[[random.Random, list], dict] = lambda rnd, shapes: {}
    needs: tuple = ()  # minigrad names the op needs: the row is left out while minigrad lacks one


# ----------------------------------------------------------------------------------------------- parameter draws

def _dim(rnd: random.Random, rank: int) -> int:
    """A dim of a rank-``rank`` tensor, out of range one time in twenty (PyTorch's error is then compared)."""
    if rnd.random() < 0.05:
        return rnd.choice([rank, -rank - 1, 5])
    if rank == 0:
        return rnd.choice([0, -1])
    return rnd.randint(-rank, rank - 1)


def _dim_p(rnd, shapes):
    return {"dim": _dim(rnd, len(shapes[0]))}


def _reduce_p(rnd, shapes):
    r = len(shapes[0])
    choice = rnd.random()
    if choice < 0.3:
        return {}
    if choice < 0.8 or r < 2:
        return {"dim": _dim(rnd, r), "keepdim": rnd.random() < 0.3}
    return {"dim": tuple(rnd.sample(range(r), 2)), "keepdim": rnd.random() < 0.3}


def _two_dims(rnd, shapes):
    r = len(shapes[0])
    return {"d0": _dim(rnd, r), "d1": _dim(rnd, r)}


def _scalar(rnd, shapes):
    return {"s": rnd.choice([0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -2.5, 2])}


def _norm_p(rnd, shapes):
    p = rnd.choice([2, 2, 1, "fro", float("inf"), float("-inf"), 0, 3, "nuc"])
    r = len(shapes[0])
    if p == "nuc" and r >= 2 and rnd.random() < 0.7:  # mostly a matrix per pair of dims, as the nuclear norm needs
        return {"p": p, "dim": tuple(rnd.sample(range(-r, 0), 2)), "keepdim": rnd.random() < 0.3}
    d = _reduce_p(rnd, shapes)
    return {"p": p, **d}


def _index_p(rnd, shapes):
    shape = shapes[0]
    if not shape or rnd.random() < 0.05:
        return {"key": rnd.choice([0, slice(1, None), Ellipsis])}
    n = shape[0]
    return {"key": rnd.choice([rnd.randint(-n, n - 1) if n else 0, slice(1, None), slice(None, None, 2),
                               (Ellipsis, 0) if shape[-1] else Ellipsis, slice(0, 1)])}


def _split_p(rnd, shapes):
    r = len(shapes[0])
    size = rnd.choice([1, 2, 3, 0]) if rnd.random() < 0.9 else [1, 1]
    return {"size": size, "dim": _dim(rnd, r)}


def _reshape_p(rnd, shapes):
    n = int(np.prod(shapes[0], dtype=np.int64))
    options = [(-1,), (n,), (1, -1), (-1, 1)]
    if n % 2 == 0 and n:
        options.append((2, -1))
    options.append((n + 1,))  # a clash
    return {"shape": rnd.choice(options)}


def _perm_p(rnd, shapes):
    perm = list(range(len(shapes[0])))
    rnd.shuffle(perm)
    return {"perm": tuple(perm)}


def _expand_p(rnd, shapes):
    shape = list(shapes[0])
    new = [2] + [(3 if s == 1 and rnd.random() < 0.5 else s) for s in shape]
    return {"shape": tuple(new)}


def _topk_p(rnd, shapes):
    r = len(shapes[0])
    return {"k": rnd.choice([1, 2]), "dim": _dim(rnd, r) if r else -1}


def _loss_p(rnd, shapes):
    return {"reduction": rnd.choice(["mean", "sum", "none"])}


def _ce_p(rnd, shapes):
    shape = shapes[0]
    classes = shape[1] if len(shape) > 1 else (shape[0] if shape else 1)
    tshape = (shape[0],) + tuple(shape[2:]) if len(shape) > 1 else ()
    target = np.array([rnd.randint(-1, max(classes - 1, 0)) for _ in range(int(np.prod(tshape, dtype=int)))])
    return {"target": target.reshape(tshape), "reduction": rnd.choice(["mean", "sum", "none"]),
            "ignore_index": rnd.choice([-100, -1])}


def _layer_p(rnd, shapes):
    shape = shapes[0]
    features = shape[-1] if shape and rnd.random() < 0.85 else rnd.randint(1, 3)
    return {"in": features, "out": rnd.choice([1, 2, 3]), "as_list": rnd.random() < 0.05}


def _rnn_p(rnd, shapes):
    shape = shapes[0]
    features = shape[-1] if shape and rnd.random() < 0.9 else 2
    return {"in": features, "hidden": rnd.choice([1, 2]), "kind": rnd.choice(["RNN", "LSTM", "GRU"]),
            "state": rnd.random() < 0.3}


def _opt_p(rnd, shapes):
    return {"kind": rnd.choice(["SGD", "Adam", "RMSprop", "Adagrad"]), "lr": rnd.choice([0.1, 0.01, -1.0]),
            "set_to_none": rnd.random() < 0.5}


# --------------------------------------------------------------------------------------------------- op bodies

def _fill_weights(module, lib) -> None:
    """The same deterministic weights in both libraries: a cosine ramp over each parameter, in order."""
    with lib.no_grad():
        for k, p in enumerate(module.parameters()):
            n = int(np.prod(tuple(p.shape), dtype=int))
            values = (np.cos(np.arange(n) + k) * 0.5).reshape(tuple(p.shape))
            p.copy_(lib.tensor(values, dtype=p.dtype))


def _linear(lib, xs, p):
    layer = lib.nn.Linear(p["in"], p["out"])
    _fill_weights(layer, lib)
    x = xs[0]
    if p["as_list"]:
        return layer(x.tolist())
    if x.is_floating_point() and x.dtype != layer.weight.dtype:
        layer = layer.to(x.dtype)
    return layer(x)


def _embedding(lib, xs, p):
    layer = lib.nn.Embedding(4, 2)
    _fill_weights(layer, lib)
    return layer(xs[0].tolist() if p["as_list"] else xs[0])


def _rnn(lib, xs, p):
    layer = getattr(lib.nn, p["kind"])(p["in"], p["hidden"])
    x = xs[0]
    if x.is_floating_point() and x.dtype != lib.float32:
        layer = layer.to(x.dtype)
    _fill_weights(layer, lib)
    if p["state"]:
        h = lib.zeros(1, p["hidden"], dtype=lib.float64) + 0.1
        out = layer(x, (h, h) if p["kind"] == "LSTM" else h)
    else:
        out = layer(x)
    return out[0]


def _optimizer(lib, xs, p):
    x = xs[0]
    opt = getattr(lib.optim, p["kind"])([x], lr=p["lr"])
    opt.zero_grad(set_to_none=p["set_to_none"])
    (x * x).sum().backward()
    opt.step()
    return x


def _assign_grad(lib, xs, p):
    xs[0].grad = xs[1]
    return xs[0].grad


def _setitem(lib, xs, p):
    xs[0][p["key"]] = xs[1] if p["tensor"] else p["s"]
    return xs[0]


def _where(lib, xs, p):
    return lib.where(xs[0] > 0, xs[0], xs[1])


def _index_select(lib, xs, p):
    return xs[0].index_select(p["dim"], lib.tensor(p["index"]))


def _mse_int_target(lib, xs, p):
    return lib.nn.MSELoss()(xs[0], xs[0].detach().long())


def _ce(lib, xs, p):
    return lib.nn.functional.cross_entropy(xs[0], lib.tensor(p["target"], dtype=lib.int64),
                                           reduction=p["reduction"], ignore_index=p["ignore_index"])


def _F(name):
    return lambda lib, xs, p: getattr(lib.nn.functional, name)(*xs, **p)


def _m(name):
    """The method ``x.name(**p)`` (on the first operand; the others are positional arguments)."""
    return lambda lib, xs, p: getattr(xs[0], name)(*xs[1:], **p)


def _unary(name):
    return Op(name, 1, _m(name), needs=(name,))


OPS: list[Op] = [
    # elementwise math
    *[_unary(n) for n in ("neg", "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "relu",
                          "square", "sign", "reciprocal")],
    # ... and those of #17
    *[_unary(n) for n in ("erf", "erfc", "log1p", "expm1", "floor", "ceil", "trunc", "frac", "round", "sinh", "cosh",
                          "asinh", "atan", "exp2", "log2", "log10", "sin_", "exp_", "relu_", "sigmoid_", "tanh_",
                          "sqrt_", "abs_", "neg_", "square_", "reciprocal_")],
    *[Op(n, 2, _m(n), needs=(n,)) for n in ("remainder", "fmod", "hypot", "atan2", "xlogy", "lerp")],
    Op("round(decimals)", 1, lambda lib, xs, p: xs[0].round(decimals=p["d"]), lambda rnd, s: {"d": rnd.choice([-1,
                                                                                                              1, 2])}),
    Op("prod", 1, _m("prod"), lambda rnd, s: {} if rnd.random() < 0.4 else _dim_p(rnd, s), needs=("prod",)),
    Op("cumprod", 1, _m("cumprod"), _dim_p, needs=("cumprod",)),
    Op("narrow", 1, lambda lib, xs, p: xs[0].narrow(p["dim"], 0, 1), _dim_p, needs=("narrow",)),
    Op("select", 1, lambda lib, xs, p: xs[0].select(p["dim"], 0), _dim_p, needs=("select",)),
    Op("diagonal", 1, _m("diagonal"), needs=("diagonal",)),
    Op("x.where", 2, lambda lib, xs, p: xs[0].where(xs[0] > 0, xs[1]), needs=("where",)),
    Op("index_fill_", 1, lambda lib, xs, p: xs[0].index_fill_(p["dim"], lib.tensor([0]), -1.5), _dim_p,
       needs=("index_fill_",)),
    # ... and the rest of #17's (indexing, repeating, pairwise)
    Op("scatter_add", 1, lambda lib, xs, p: xs[0].scatter_add(p["dim"], lib.zeros_like(xs[0], dtype=lib.int64),
                                                             xs[0]), _dim_p, needs=("scatter_add",)),
    Op("index_add", 1, lambda lib, xs, p: xs[0].index_add(p["dim"], lib.tensor([0]), xs[0].narrow(p["dim"], 0, 1),
                                                          alpha=2), _dim_p, needs=("index_add",)),
    Op("masked_select", 2, lambda lib, xs, p: xs[0].masked_select(xs[1] > 0), needs=("masked_select",)),
    Op("tile", 1, lambda lib, xs, p: xs[0].tile(p["reps"]), lambda rnd, s: {"reps": rnd.choice([(2,), (1, 2),
                                                                                                (2, 1, 1), ()])},
       needs=("tile",)),
    Op("repeat_interleave", 1, _m("repeat_interleave"),
       lambda rnd, s: {"repeats": rnd.choice([0, 1, 2]), **({} if rnd.random() < 0.3 else _dim_p(rnd, s))},
       needs=("repeat_interleave",)),
    Op("diff", 1, _m("diff"), _dim_p, needs=("diff",)),
    Op("outer", 2, lambda lib, xs, p: lib.outer(xs[0], xs[1]), needs=("outer",)),
    Op("kron", 2, lambda lib, xs, p: lib.kron(xs[0], xs[1]), needs=("kron",)),
    Op("movedim", 1, lambda lib, xs, p: xs[0].movedim(p["d0"], p["d1"]), _two_dims, needs=("movedim",)),
    Op("rot90", 1, lambda lib, xs, p: xs[0].rot90(p["k"], (p["d0"], p["d1"])),
       lambda rnd, s: {"k": rnd.choice([1, 2, -1]), **_two_dims(rnd, s)}, needs=("rot90",)),
    Op("take", 1, lambda lib, xs, p: xs[0].take(lib.tensor(p["index"])),
       lambda rnd, s: {"index": [rnd.randint(-2, 2) for _ in range(rnd.randint(0, 3))]}, needs=("take",)),
    Op("cdist", 2, lambda lib, xs, p: lib.cdist(xs[0], xs[1]), needs=("cdist",)),
    Op("einsum(ij->ji)", 1, lambda lib, xs, p: lib.einsum("ij->ji", xs[0]), needs=("einsum",)),
    Op("einsum(mm)", 2, lambda lib, xs, p: lib.einsum("ij,jk->ik", xs[0], xs[1]), needs=("einsum",)),
    Op("addcmul", 2, lambda lib, xs, p: xs[0].addcmul(xs[1], xs[1], value=p["s"]), _scalar, needs=("addcmul",)),
    Op("nan_to_num", 1, lambda lib, xs, p: (1 / xs[0]).nan_to_num(posinf=p["s"]), _scalar, needs=("nan_to_num",)),
    Op("-x", 1, lambda lib, xs, p: -xs[0]),
    Op("x**s", 1, lambda lib, xs, p: xs[0] ** p["s"], _scalar),
    Op("s**x", 1, lambda lib, xs, p: p["s"] ** xs[0], _scalar),
    Op("x+s", 1, lambda lib, xs, p: xs[0] + p["s"], _scalar),
    Op("s/x", 1, lambda lib, xs, p: p["s"] / xs[0], _scalar),
    Op("clamp", 1, lambda lib, xs, p: xs[0].clamp(**p),
       lambda rnd, s: rnd.choice([{"min": -0.5, "max": 1.0}, {"min": 0.0}, {"max": 0}, {"min": 1, "max": 0}])),
    Op("clamp(tensor)", 2, lambda lib, xs, p: xs[0].clamp(min=xs[1]), needs=("clamp",)),
    Op("softmax", 1, _m("softmax"), _dim_p),
    Op("log_softmax", 1, _m("log_softmax"), _dim_p),
    Op("cumsum", 1, _m("cumsum"), _dim_p),
    *[Op(n, 1, _F(n), needs=()) for n in ("gelu", "silu", "softplus", "leaky_relu", "elu", "hardtanh")],
    Op("+", 2, lambda lib, xs, p: xs[0] + xs[1]),
    Op("-", 2, lambda lib, xs, p: xs[0] - xs[1]),
    Op("*", 2, lambda lib, xs, p: xs[0] * xs[1]),
    Op("/", 2, lambda lib, xs, p: xs[0] / xs[1]),
    Op("**", 2, lambda lib, xs, p: xs[0] ** xs[1]),
    Op("maximum", 2, lambda lib, xs, p: lib.maximum(xs[0], xs[1])),
    Op("minimum", 2, lambda lib, xs, p: lib.minimum(xs[0], xs[1])),
    Op("where", 2, _where),
    Op("matmul", 2, lambda lib, xs, p: xs[0] @ xs[1]),
    Op("==", 2, lambda lib, xs, p: xs[0] == xs[1]),
    # reductions
    *[Op(n, 1, _m(n), _reduce_p, needs=(n,)) for n in ("sum", "mean", "var", "std", "logsumexp")],
    Op("max", 1, _m("max"), lambda rnd, s: {} if rnd.random() < 0.4 else _dim_p(rnd, s)),
    Op("min", 1, _m("min"), lambda rnd, s: {} if rnd.random() < 0.4 else _dim_p(rnd, s)),
    Op("argmax", 1, _m("argmax"), lambda rnd, s: {} if rnd.random() < 0.4 else _dim_p(rnd, s)),
    Op("argmin", 1, _m("argmin"), lambda rnd, s: {} if rnd.random() < 0.4 else _dim_p(rnd, s)),
    Op("norm", 1, _m("norm"), _norm_p),
    Op("topk", 1, _m("topk"), _topk_p),
    Op("sort", 1, _m("sort"), _dim_p),
    Op("all", 1, _m("all")),
    # shape and indexing
    Op("reshape", 1, lambda lib, xs, p: xs[0].reshape(*p["shape"]), _reshape_p),
    Op("view", 1, lambda lib, xs, p: xs[0].view(*p["shape"]), _reshape_p),
    Op("t", 1, _m("t")),
    Op("T", 1, lambda lib, xs, p: xs[0].T),
    Op("mT", 1, lambda lib, xs, p: xs[0].mT),
    Op("transpose", 1, lambda lib, xs, p: xs[0].transpose(p["d0"], p["d1"]), _two_dims),
    Op("permute", 1, lambda lib, xs, p: xs[0].permute(*p["perm"]), _perm_p),
    Op("squeeze", 1, _m("squeeze"), lambda rnd, s: {} if rnd.random() < 0.3 else _dim_p(rnd, s)),
    Op("unsqueeze", 1, _m("unsqueeze"), lambda rnd, s: {"dim": _dim(rnd, len(s[0]) + 1)}),
    Op("flatten", 1, _m("flatten")),
    Op("expand", 1, lambda lib, xs, p: xs[0].expand(*p["shape"]), _expand_p),
    Op("cat", 2, lambda lib, xs, p: lib.cat(xs, **p), _dim_p),
    Op("stack", 2, lambda lib, xs, p: lib.stack(xs, **p), _dim_p),
    Op("split", 1, lambda lib, xs, p: xs[0].split(p["size"], p["dim"]), _split_p),
    Op("chunk", 1, lambda lib, xs, p: xs[0].chunk(p["size"], p["dim"]) if isinstance(p["size"], int) else (),
       _split_p),
    Op("unbind", 1, _m("unbind"), _dim_p),
    Op("getitem", 1, lambda lib, xs, p: xs[0][p["key"]], _index_p),
    Op("index_select", 1, _index_select,
       lambda rnd, s: {**_dim_p(rnd, s), "index": [rnd.randint(0, 3) for _ in range(rnd.randint(0, 3))]}),
    Op("flip", 1, lambda lib, xs, p: xs[0].flip(p["dim"]), _dim_p),
    Op("contiguous", 1, _m("contiguous")),
    Op("clone", 1, _m("clone")),
    Op("detach", 1, _m("detach")),
    # in place
    Op("add_", 2, _m("add_")),
    Op("mul_(s)", 1, lambda lib, xs, p: xs[0].mul_(p["s"]), _scalar),
    Op("sub_(s)", 1, lambda lib, xs, p: xs[0].sub_(p["s"]), _scalar),
    Op("div_(s)", 1, lambda lib, xs, p: xs[0].div_(p["s"]), _scalar),
    Op("zero_", 1, _m("zero_")),
    Op("fill_", 1, lambda lib, xs, p: xs[0].fill_(p["s"]), _scalar),
    Op("clamp_", 1, lambda lib, xs, p: xs[0].clamp_(min=0)),
    Op("copy_", 2, _m("copy_")),
    Op("setitem", 2, _setitem, lambda rnd, s: {**_index_p(rnd, s), **_scalar(rnd, s), "tensor": rnd.random() < .5}),
    Op("view.mul_", 1, lambda lib, xs, p: xs[0][p["key"]].mul_(10), _index_p),
    Op("masked_fill_", 1, lambda lib, xs, p: xs[0].masked_fill_(xs[0] > 0, 0.0)),
    # casts
    *[Op(n, 1, _m(n)) for n in ("float", "double", "long", "int", "bool")],
    # losses
    *[Op(n, 2, lambda lib, xs, p, n=n: getattr(lib.nn.functional, n)(xs[0], xs[1], **p), _loss_p)
      for n in ("mse_loss", "l1_loss", "smooth_l1_loss")],
    Op("MSELoss(long target)", 1, _mse_int_target),
    Op("cross_entropy", 1, _ce, _ce_p),
    # layers with their inputs, good and bad
    Op("Linear", 1, _linear, _layer_p),
    Op("Embedding", 1, _embedding, lambda rnd, s: {"as_list": rnd.random() < 0.2}),
    Op("RNN/LSTM/GRU", 1, _rnn, _rnn_p),
    # optimizers and gradients
    Op("optimizer step", 1, _optimizer, _opt_p),
    Op(".grad =", 2, _assign_grad),
]
OPS = [op for op in OPS if all(hasattr(minigrad.Tensor, n) or hasattr(minigrad, n) for n in op.needs)]


# ------------------------------------------------------------------------------------------------------- inputs

def _draw_shape(rnd: random.Random) -> tuple:
    rank = rnd.choice([0, 1, 1, 2, 2, 2, 3, 4])
    return tuple(rnd.choice([1, 2, 2, 3, 3, 0] if rnd.random() < 0.1 else [1, 2, 2, 3]) for _ in range(rank))


def _partner(rnd: random.Random, shape: tuple) -> tuple:
    """Another input's shape: the same, one that broadcasts with ``shape``, or (rarely) one that clashes."""
    choice = rnd.random()
    if choice < 0.4:
        return shape
    if choice < 0.8 and shape:
        tail = list(shape[rnd.randint(0, len(shape)):])
        return tuple(1 if rnd.random() < 0.3 else s for s in tail)
    return _draw_shape(rnd)


def _draw_values(rnd: random.Random, shape: tuple, dtype: str) -> np.ndarray:
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return np.array([rnd.random() < 0.5 for _ in range(n)], dtype=bool).reshape(shape)
    if dtype == "int64":
        return np.array([rnd.randint(-3, 3) for _ in range(n)], dtype=np.int64).reshape(shape)
    ties = rnd.random() < 0.4
    values = [rnd.choice(_TIES) if ties or rnd.random() < 0.2 else rnd.gauss(0, 1.5) for _ in range(n)]
    return np.array(values, dtype=dtype).reshape(shape)


@dataclass
class Input:
    values: np.ndarray
    requires_grad: bool

    def make(self, lib):
        return lib.tensor(self.values.copy(), requires_grad=self.requires_grad)


def draw_inputs(rnd: random.Random) -> list[Input]:
    """1-3 inputs: mostly float (float32 or float64), sometimes int64 or bool; float ones often need grads."""
    shape = _draw_shape(rnd)
    inputs = []
    for k in range(rnd.choice([1, 2, 2, 3])):
        dtype = rnd.choice(["float32", "float32", "float64", "float64", "int64", "bool"])
        values = _draw_values(rnd, shape if k == 0 else _partner(rnd, shape), dtype)
        inputs.append(Input(values, dtype.startswith("float") and rnd.random() < 0.8))
    return inputs


# ------------------------------------------------------------------------------------------------- comparisons

def _np(t) -> np.ndarray:
    if torch is not None and isinstance(t, torch.Tensor):
        return t.detach().numpy()
    return np.asarray(t.detach().numpy())


def _tol(dtype: str) -> dict:
    return {"rtol": 2e-3, "atol": 1e-4} if dtype in ("float32", "float16") else {"rtol": 1e-6, "atol": 1e-9}


def _dtype(t) -> str:
    return str(t.dtype).split(".")[-1]


def _same_values(a: np.ndarray, b: np.ndarray, dtype: str) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        a, b = a.astype(np.float64), b.astype(np.float64)
        big = np.isfinite(a) & (np.abs(a) > 1e30)  # overflow-prone chains: compare order of magnitude only
        return bool(np.allclose(np.where(big, 1.0, a), np.where(big, 1.0, b), equal_nan=True, **_tol(dtype)))
    return bool(np.array_equal(a, b))


def _compare_tensor(t, m, op: str) -> Mismatch | None:
    """The first difference between torch tensor ``t`` and minigrad tensor ``m`` (shape, dtype, flag, values)."""
    if not isinstance(m, minigrad.Tensor):
        return Mismatch("value", op, f"minigrad returned {type(m).__name__}, PyTorch a Tensor")
    if tuple(t.shape) != tuple(m.shape):
        return Mismatch("shape", op, f"PyTorch {tuple(t.shape)}, minigrad {tuple(m.shape)}")
    if _dtype(t) != _dtype(m):
        return Mismatch("dtype", op, f"PyTorch {_dtype(t)}, minigrad {_dtype(m)}")
    if t.requires_grad != m.requires_grad:
        return Mismatch("requires_grad", op, f"PyTorch {t.requires_grad}, minigrad {m.requires_grad}")
    if not _same_values(_np(t), _np(m), _dtype(t)):
        return Mismatch("value", op, f"PyTorch {_np(t).tolist()}, minigrad {_np(m).tolist()}")
    return None


def _gap(ts: list, ms: list) -> float:
    """The largest relative difference between the libraries' float operands (they agree within tolerance, or
    the run would have stopped; an op like a cast or a sine of a large number can magnify what is left)."""
    worst = 0.0
    for t, m in zip(ts, ms):
        if t.is_floating_point() and isinstance(m, minigrad.Tensor) and tuple(t.shape) == tuple(m.shape):
            a, b = _np(t).astype(np.float64), _np(m).astype(np.float64)
            ok = np.isfinite(a) & np.isfinite(b)
            if ok.any():
                worst = max(worst, float(np.max(np.abs(a[ok] - b[ok]) / np.maximum(np.abs(a[ok]), 1e-30))))
    return worst


def _tensors(result) -> list:
    if isinstance(result, (tuple, list)):
        return [r for r in result if hasattr(r, "shape")]
    return [result] if hasattr(result, "shape") else []


def _is_raw(error: BaseException) -> bool:
    """Whether minigrad's ``error`` escaped from numpy or Python internals rather than being raised on purpose."""
    if isinstance(error, _RAW_TYPES) or type(error).__module__.startswith("numpy"):
        return True
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and not frames[-1].filename.startswith(_MINIGRAD_DIR) and "fuzz" not in frames[-1].filename


def _builtin_base(error: BaseException) -> type:
    for cls in type(error).__mro__:
        if cls.__module__ == "builtins":
            return cls
    return Exception


def _compare_errors(te: BaseException | None, me: BaseException | None, op: str) -> Mismatch | None:
    if me is not None and _is_raw(me):
        return Mismatch("raw", op, f"minigrad {type(me).__name__}: {me}; PyTorch {type(te).__name__}: {te}")
    if te is None and me is None:
        return None
    if te is None or me is None or not isinstance(me, _builtin_base(te)):
        return Mismatch("exception", op, f"PyTorch {type(te).__name__}: {te}; minigrad {type(me).__name__}: {me}")
    return None


def _call(fn, *args):
    try:
        return fn(*args), None
    except Exception as e:  # noqa: BLE001 - every failure is part of the comparison
        return None, e


# ------------------------------------------------------------------------------------------------------ runner

def run_program(rnd: random.Random) -> list[Mismatch]:
    """Draw one program from ``rnd``, run it in both libraries; the mismatches (the first one ends the run)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _run(rnd)


def _run(rnd: random.Random) -> list[Mismatch]:
    inputs = draw_inputs(rnd)
    program = [f"x{k} = tensor({i.values.tolist()}, dtype={i.values.dtype}, requires_grad={i.requires_grad})"
               + ("" if i.values.size else f".reshape{i.values.shape}") for k, i in enumerate(inputs)]
    pool_t, pool_m = [i.make(torch) for i in inputs], [i.make(minigrad) for i in inputs]
    leaves = list(range(len(inputs)))

    def found(m: Mismatch) -> list[Mismatch]:
        m.program = program
        return [m]

    for _ in range(rnd.randint(1, 8)):
        op = rnd.choice(OPS)
        floats = [k for k, t in enumerate(pool_t) if t.is_floating_point()]
        picks = [rnd.choice(floats) if floats and rnd.random() < 0.8 else rnd.randrange(len(pool_t))
                 for _ in range(op.arity)]
        params = op.draw(rnd, [tuple(pool_t[k].shape) for k in picks])
        program.append(f"{op.name}({', '.join(f'x{k}' for k in picks)}; {params})")
        before = [_np(m).copy() for m in pool_m]
        rt, te = _call(op.run, torch, [pool_t[k] for k in picks], params)
        rm, me = _call(op.run, minigrad, [pool_m[k] for k in picks], params)
        mismatch = _compare_errors(te, me, op.name)
        if mismatch:
            return found(mismatch)
        if te is not None:  # both failed: minigrad's call must have changed nothing
            for k, m in enumerate(pool_m):
                if not np.array_equal(before[k], _np(m), equal_nan=True):
                    return found(Mismatch("state", op.name, f"x{k} changed by a failed call: {te}"))
            continue
        gap = _gap([pool_t[k] for k in picks], [pool_m[k] for k in picks])
        outs_t, outs_m = _tensors(rt), _tensors(rm)
        if len(outs_t) != len(outs_m):
            return found(Mismatch("value", op.name, f"PyTorch {len(outs_t)} results, minigrad {len(outs_m)}"))
        for t, m in zip(outs_t, outs_m):
            mismatch = _compare_tensor(t, m, op.name)
            if mismatch:
                mismatch.gap = gap
                return found(mismatch)
        for k, (t, m) in enumerate(zip(pool_t, pool_m)):  # in-place ops change what was made before
            mismatch = _compare_tensor(t, m, op.name)
            if mismatch:
                mismatch.detail = f"x{k} afterwards: {mismatch.detail}"
                return found(mismatch)
        pool_t += outs_t[:3]
        pool_m += outs_m[:3]
    return found(m) if (m := _compare_backward(pool_t, pool_m, leaves, rnd)) else []


def _compare_backward(pool_t: list, pool_m: list, leaves: list, rnd: random.Random) -> Mismatch | None:
    """``backward`` of ``(y * w).sum()`` for the last float result ``y`` that requires grad; the leaves' grads."""
    last = [k for k, t in enumerate(pool_t) if t.requires_grad and t.is_floating_point()]
    if not last:
        return None
    y_t, y_m = pool_t[last[-1]], pool_m[last[-1]]
    w = np.array([rnd.choice([1.0, -0.5, 2.0, 0.25]) for _ in range(y_t.numel())]).reshape(tuple(y_t.shape))
    _, te = _call(lambda: (y_t * torch.tensor(w, dtype=y_t.dtype)).sum().backward())
    _, me = _call(lambda: (y_m * minigrad.tensor(w, dtype=y_m.dtype)).sum().backward())
    mismatch = _compare_errors(te, me, "backward")
    if mismatch or te is not None:
        return mismatch
    # a float64 leaf's gradient that flowed through float32 ops is only as accurate as float32
    single = any(t.dtype == torch.float32 for t in pool_t)
    for k in leaves:
        gt, gm = pool_t[k].grad, pool_m[k].grad
        if (gt is None) != (gm is None):
            return Mismatch("grad", "backward", f"x{k}.grad: PyTorch {gt}, minigrad {gm}")
        if gt is not None and not _same_values(_np(gt), _np(gm), "float32" if single else _dtype(gt)):
            return Mismatch("grad", "backward", f"x{k}.grad: PyTorch {_np(gt).tolist()}, minigrad {_np(gm).tolist()}")
    return None


def run_cases(n: int, seed: int = 0, ops: list[str] | None = None) -> tuple[int, list[Mismatch]]:
    """``n`` programs from one seeded generator: (cases run, every mismatch found). ``ops`` narrows the table to
    the rows of those names (to look at a few ops closely)."""
    global OPS
    table = OPS
    if ops:
        unknown = set(ops) - {op.name for op in table}
        if unknown:
            raise ValueError(f"no fuzz rows named {sorted(unknown)}")
        OPS = [op for op in table if op.name in ops]
    try:
        rnd = random.Random(seed)
        found: list[Mismatch] = []
        for _ in range(n):
            found += run_program(random.Random(rnd.getrandbits(64)))
        return n, found
    finally:
        OPS = table
