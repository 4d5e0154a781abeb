"""The table of op cases shared by the PyTorch golden script and the tests.

Each case is a function ``fn(lib, *tensors)`` written once against the API that minigrad and PyTorch share, so
the same code runs with ``lib = torch`` (to make the fixtures) and ``lib = minigrad`` (to test). Inputs are made
by ``make_inputs`` from a seed derived from the case name, so the golden script and the tests agree on them.

Input kinds keep every case away from the points where a derivative jumps (|x| = 0 for abs and relu, ties for
max/min, the bounds of clamp), so central differences are exact up to round-off:

- ``n``: standard normal;  ``p``: positive, in [0.5, 2];  ``a``: away from 0, |x| in [0.3, 2];
- ``c``: away from the clamp bounds +-0.5 used below.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    """One op applied to float inputs of the given shapes and kinds."""

    name: str
    fn: Callable[..., Any]
    shapes: tuple
    kinds: str = ""
    dtype: str = "float64"
    #: Why minigrad's ``grad_fn`` name deliberately differs from PyTorch's ("" when it matches).
    name_differs: str = ""
    tags: tuple = field(default=())

    def make_inputs(self, seed_offset: int = 0) -> list[np.ndarray]:
        """The case's input arrays, the same on every run (seeded by the case name)."""
        rng = np.random.default_rng(zlib.crc32(self.name.encode()) + seed_offset)
        kinds = self.kinds or "n" * len(self.shapes)
        return [_draw(rng, shape, kind).astype(self.dtype) for shape, kind in zip(self.shapes, kinds)]


def _draw(rng: np.random.Generator, shape: tuple, kind: str) -> np.ndarray:
    if kind == "n":
        return rng.standard_normal(shape)
    if kind == "p":
        return rng.uniform(0.5, 2.0, shape)
    if kind == "a":
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape)
    if kind == "c":
        # Values in [-1.5, 1.5] at least 0.1 away from the clamp bounds -0.5 and 0.5.
        x = rng.uniform(-1.5, 1.5, shape)
        near = np.abs(np.abs(x) - 0.5) < 0.1
        return np.where(near, x * 1.5, x)
    if kind == "u":  # inside (-1, 1), away from its ends: asin, acos, atanh, erfinv
        return rng.uniform(-0.9, 0.9, shape)
    if kind == "g":  # above 1: acosh
        return rng.uniform(1.5, 3.0, shape)
    if kind == "f":  # at least 0.15 from every integer: floor, ceil, round, frac
        return rng.integers(-3, 4, shape) + rng.uniform(0.15, 0.85, shape)
    if kind == "w":  # a divisor of |x| in [2.2, 2.4]: an "a" input divided by it is never near an integer
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(2.2, 2.4, shape)
    raise ValueError(kind)


# Shape pairs for the binary elementwise ops: same, broadcast both ways, 0-d, and empty.
BINARY_SHAPES = {
    "same": ((2, 3), (2, 3)),
    "row": ((2, 3), (3,)),
    "col": ((3, 1), (1, 4)),
    "lead": ((4, 1, 3), (2, 1)),
    "scalar_right": ((2, 3), ()),
    "scalar_left": ((), (2, 3)),
    "both_0d": ((), ()),
    "empty": ((0, 3), (3,)),
    "empty_bcast": ((2, 0), (1, 0)),
}
_BINARY = {
    "add": (lambda lib, a, b: a + b, "nn", "AddBackward0"),
    "sub": (lambda lib, a, b: a - b, "nn", "SubBackward0"),
    "mul": (lambda lib, a, b: a * b, "nn", "MulBackward0"),
    "div": (lambda lib, a, b: a / b, "na", "DivBackward0"),
    "pow": (lambda lib, a, b: a ** b, "pn", "PowBackward1"),
    "atan2": (lambda lib, a, b: a.atan2(b), "nn", "Atan2Backward0"),
    "hypot": (lambda lib, a, b: lib.hypot(a, b), "nn", "HypotBackward0"),
    "remainder": (lambda lib, a, b: a.remainder(b), "aw", "RemainderBackward1"),
    "fmod": (lambda lib, a, b: lib.fmod(a, b), "aw", "FmodBackward1"),
    "xlogy": (lambda lib, a, b: a.xlogy(b), "np", "XlogyBackward0"),
}

_UNARY = {
    "neg": (lambda lib, x: -x, "n"),
    "exp": (lambda lib, x: x.exp(), "n"),
    "log": (lambda lib, x: x.log(), "p"),
    "sqrt": (lambda lib, x: x.sqrt(), "p"),
    "abs": (lambda lib, x: x.abs(), "a"),
    "tanh": (lambda lib, x: x.tanh(), "n"),
    "sigmoid": (lambda lib, x: x.sigmoid(), "n"),
    "relu": (lambda lib, x: x.relu(), "a"),
    "sin": (lambda lib, x: x.sin(), "n"),
    "cos": (lambda lib, x: x.cos(), "n"),
    "fn_exp": (lambda lib, x: lib.exp(x), "n"),
    "fn_log": (lambda lib, x: lib.log(x), "p"),
    "fn_sqrt": (lambda lib, x: lib.sqrt(x), "p"),
    "fn_abs": (lambda lib, x: lib.abs(x), "a"),
    "fn_tanh": (lambda lib, x: lib.tanh(x), "n"),
    "fn_sigmoid": (lambda lib, x: lib.sigmoid(x), "n"),
    "fn_relu": (lambda lib, x: lib.relu(x), "a"),
    "erf": (lambda lib, x: x.erf(), "n"),
    "erfc": (lambda lib, x: lib.erfc(x), "n"),
    "erfinv": (lambda lib, x: x.erfinv(), "u"),
    "log1p": (lambda lib, x: x.log1p(), "p"),
    "expm1": (lambda lib, x: lib.expm1(x), "n"),
    "log2": (lambda lib, x: x.log2(), "p"),
    "log10": (lambda lib, x: lib.log10(x), "p"),
    "exp2": (lambda lib, x: x.exp2(), "n"),
    "tan": (lambda lib, x: x.tan(), "u"),
    "asin": (lambda lib, x: x.asin(), "u"),
    "acos": (lambda lib, x: lib.acos(x), "u"),
    "atan": (lambda lib, x: x.atan(), "n"),
    "sinh": (lambda lib, x: x.sinh(), "n"),
    "cosh": (lambda lib, x: lib.cosh(x), "n"),
    "asinh": (lambda lib, x: x.asinh(), "n"),
    "acosh": (lambda lib, x: x.acosh(), "g"),
    "atanh": (lambda lib, x: lib.atanh(x), "u"),
    "floor": (lambda lib, x: x.floor(), "f"),
    "ceil": (lambda lib, x: lib.ceil(x), "f"),
    "trunc": (lambda lib, x: x.trunc(), "f"),
    "round": (lambda lib, x: lib.round(x), "f"),
    "frac": (lambda lib, x: x.frac(), "f"),
}
UNARY_SHAPES = {"2d": (2, 3), "0d": (), "empty": (0, 3), "3d": (2, 1, 3)}


def _cases() -> list[Case]:
    cases = []
    for op, (fn, kinds, _) in _BINARY.items():
        for tag, shapes in BINARY_SHAPES.items():
            cases.append(Case(f"{op}-{tag}", fn, shapes, kinds, tags=("binary",)))
    for op, (fn, kind) in _UNARY.items():
        for tag, shape in UNARY_SHAPES.items():
            cases.append(Case(f"{op}-{tag}", fn, (shape,), kind, tags=("unary",)))

    def c(name: str, fn: Callable, *shapes: tuple, kinds: str = "", **kw: Any) -> None:
        cases.append(Case(name, fn, shapes, kinds, **kw))

    # Operators with Python scalars, both sides (reflected), and unary minus.
    c("radd-scalar", lambda lib, x: 2.5 + x, (2, 3))
    c("add-int-scalar", lambda lib, x: x + 2, (2, 3))
    c("rsub-scalar", lambda lib, x: 2.5 - x, (2, 3))
    c("sub-scalar", lambda lib, x: x - 1.5, (2, 3))
    c("rmul-scalar", lambda lib, x: 3.0 * x, (2, 3))
    c("mul-int-scalar", lambda lib, x: x * 3, (2, 3))
    c("rdiv-scalar", lambda lib, x: 2.0 / x, (2, 3), kinds="a",
      name_differs="PyTorch computes 2 / x as reciprocal * 2 (MulBackward0)")
    c("div-scalar", lambda lib, x: x / 4.0, (2, 3))
    c("pow-2", lambda lib, x: x ** 2, (2, 3))
    c("pow-3-0d", lambda lib, x: x ** 3, ())
    c("pow-half", lambda lib, x: x ** 0.5, (2, 3), kinds="p")
    c("pow-neg", lambda lib, x: x ** -1.5, (2, 3), kinds="p")
    c("pow-0", lambda lib, x: x ** 0, (2, 3))
    c("rpow-scalar", lambda lib, x: 2.0 ** x, (2, 3))
    c("neg-op-0d", lambda lib, x: -x, ())

    # Reductions.
    for op in ("sum", "mean"):
        c(f"{op}-all", lambda lib, x, op=op: getattr(x, op)(), (2, 3, 4))
        c(f"{op}-dim1", lambda lib, x, op=op: getattr(x, op)(1), (2, 3, 4))
        c(f"{op}-dim-neg-keepdim", lambda lib, x, op=op: getattr(x, op)(-1, keepdim=True), (2, 3, 4))
        c(f"{op}-dims-tuple", lambda lib, x, op=op: getattr(x, op)((0, 2)), (2, 3, 4))
        c(f"{op}-dims-tuple-keepdim", lambda lib, x, op=op: getattr(x, op)((0, -1), keepdim=True), (2, 3, 4))
        c(f"{op}-0d", lambda lib, x, op=op: getattr(x, op)(), ())
        c(f"{op}-fn", lambda lib, x, op=op: getattr(lib, op)(x, 0), (3, 2))
    c("sum-empty", lambda lib, x: x.sum(), (0, 3))
    c("sum-empty-dim0", lambda lib, x: x.sum(0), (0, 3))
    c("mean-empty-dim1", lambda lib, x: x.mean(1), (0, 3))
    for op in ("max", "min"):
        c(f"{op}-all", lambda lib, x, op=op: getattr(x, op)(), (3, 4))
        c(f"{op}-dim1", lambda lib, x, op=op: getattr(x, op)(1)[0], (3, 4))
        c(f"{op}-dim0-values", lambda lib, x, op=op: getattr(x, op)(0).values, (3, 4))
        c(f"{op}-dim-keepdim", lambda lib, x, op=op: getattr(x, op)(-1, keepdim=True)[0], (2, 3, 4))
        c(f"{op}-0d", lambda lib, x, op=op: getattr(x, op)(), ())
        c(f"{op}-fn", lambda lib, x, op=op: getattr(lib, op)(x), (2, 3))
    c("var-all", lambda lib, x: x.var(), (3, 4))
    c("var-dim1", lambda lib, x: x.var(1), (3, 4))
    c("var-dims-keepdim", lambda lib, x: x.var((0, 2), keepdim=True), (2, 3, 4))
    c("var-unbiased-false", lambda lib, x: x.var(0, unbiased=False), (3, 4))
    c("var-correction0", lambda lib, x: x.var(1, correction=0), (3, 4))
    c("var-fn", lambda lib, x: lib.var(x, -1), (3, 4))
    c("std-dim", lambda lib, x: x.std(1), (3, 4), name_differs="minigrad computes std as var().sqrt()")
    for d in (0, 1, -1):
        c(f"softmax-dim{d}", lambda lib, x, d=d: x.softmax(d), (3, 4))
        c(f"log_softmax-dim{d}", lambda lib, x, d=d: x.log_softmax(d), (3, 4))
    c("softmax-fn-3d", lambda lib, x: lib.softmax(x, dim=1), (2, 3, 4))
    c("log_softmax-fn-3d", lambda lib, x: lib.log_softmax(x, dim=1), (2, 3, 4))
    c("softmax-large", lambda lib, x: (x * 1000.0).softmax(-1), (2, 5))
    c("log_softmax-large", lambda lib, x: (x * 1000.0).log_softmax(-1), (2, 5))

    # More elementwise forms: numbers as the second operand, rounding to decimals, aliases, compositions.
    c("remainder-scalar", lambda lib, x: x.remainder(2.3), (2, 3), kinds="a")
    c("remainder-op-int", lambda lib, x: x % 3, (2, 3), kinds="a")
    c("fmod-scalar", lambda lib, x: lib.fmod(x, 2.3), (2, 3), kinds="a")
    c("xlogy-scalar", lambda lib, x: x.xlogy(2.5), (2, 3))
    c("round-decimals", lambda lib, x: x.round(decimals=1), (2, 3), kinds="f")
    c("round-decimals-neg", lambda lib, x: lib.round(x * 100, decimals=-1), (2, 3), kinds="f")
    c("arcsin-alias", lambda lib, x: lib.arcsin(x) + x.arctanh(), (2, 3), kinds="u")
    c("arctan2-alias", lambda lib, a, b: lib.arctan2(a, b), (2, 3), (3,))
    c("compose-gelu-erf", lambda lib, x: x * 0.5 * (1 + (x * 0.7071067811865476).erf()), (3, 4))
    c("compose-log1p-expm1", lambda lib, x: x.expm1().log1p() + x.exp2().log2(), (3, 4), kinds="p")

    # Products, selections, scatters and tiling (#17).
    zeros = [[1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
    c("prod", lambda lib, x: x.prod(), (3, 4))
    c("prod-dim", lambda lib, x: x.prod(1), (3, 4))
    c("prod-keepdim-fn", lambda lib, x: lib.prod(x, 0, keepdim=True), (3, 4))
    c("prod-neg-dim-3d", lambda lib, x: x.prod(-2), (2, 3, 4))
    c("prod-0d", lambda lib, x: x.prod(), ())
    c("prod-empty-dim", lambda lib, x: x.prod(0), (0, 3))
    c("prod-zeros-dim", lambda lib, x: (x * lib.tensor(zeros, dtype=x.dtype)).prod(1), (3, 4))
    c("prod-zeros-all", lambda lib, x: (x * lib.tensor(zeros[0], dtype=x.dtype)).prod(), (4,))
    c("masked_select", lambda lib, x: x.masked_select(x > 0), (3, 4), kinds="a")
    c("masked_select-bcast-fn", lambda lib, x: lib.masked_select(x, lib.tensor([True, False, True])), (2, 3))
    c("repeat_interleave-int", lambda lib, x: x.repeat_interleave(2), (2, 3),
      name_differs="minigrad repeats with index_select; PyTorch expands and views")
    c("repeat_interleave-dim", lambda lib, x: x.repeat_interleave(3, dim=1), (2, 3),
      name_differs="minigrad repeats with index_select; PyTorch expands and views")
    c("repeat_interleave-tensor", lambda lib, x: lib.repeat_interleave(x, lib.tensor([1, 0, 2]), dim=0), (3, 2))
    c("tile", lambda lib, x: x.tile((2, 1, 2)), (2, 3))
    c("tile-fn-short", lambda lib, x: lib.tile(x, (2,)), (2, 3))
    c("diff", lambda lib, x: x.diff(), (3, 4))
    c("diff-n2-dim0", lambda lib, x: lib.diff(x, n=2, dim=0), (4, 3))
    c("diff-prepend-append", lambda lib, x, p: x.diff(dim=1, prepend=p, append=p), (3, 4), (3, 1))
    c("outer", lambda lib, a, b: a.outer(b), (3,), (4,))
    c("outer-fn", lambda lib, a, b: lib.outer(a, b), (2,), (3,))
    einsum = "PyTorch's einsum is views, permutes and a bmm or sum"
    c("einsum-matmul", lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), (2, 3), (3, 4), name_differs=einsum)
    c("einsum-batch-list", lambda lib, a, b: lib.einsum("bij,bjk->bik", [a, b]), (2, 2, 3), (2, 3, 4),
      name_differs=einsum)
    c("einsum-trace", lambda lib, a: lib.einsum("ii", a), (3, 3), name_differs=einsum)
    c("einsum-diag", lambda lib, a: lib.einsum("ii->i", a), (3, 3), name_differs=einsum)
    c("einsum-sum-out", lambda lib, a, b: lib.einsum("ij,j->", a, b), (2, 3), (3,), name_differs=einsum)
    c("einsum-outer-implicit", lambda lib, a, b: lib.einsum("i,j", a, b), (2,), (3,), name_differs=einsum)
    c("einsum-ellipsis", lambda lib, a, b: lib.einsum("...ij,jk->...ik", a, b), (2, 2, 3), (3, 2),
      name_differs=einsum)
    c("einsum-transpose", lambda lib, a: lib.einsum("abc->cab", a), (2, 3, 4), name_differs=einsum)
    c("einsum-three", lambda lib, a, b, d: lib.einsum("ij,jk,kl->il", a, b, d), (2, 3), (3, 2), (2, 2),
      name_differs=einsum)
    c("einsum-summed-alone", lambda lib, a, b: lib.einsum("ij,k->ik", a, b), (2, 3), (4,), name_differs=einsum)
    c("mm-method", lambda lib, a, b: a.mm(b), (2, 3), (3, 4))
    c("addmm", lambda lib, c_, a, b: c_.addmm(a, b), (2, 4), (2, 3), (3, 4))
    c("addmm-bcast-fn", lambda lib, c_, a, b: lib.addmm(c_, a, b), (4,), (2, 3), (3, 4))
    c("addmm-beta-alpha", lambda lib, c_, a, b: c_.addmm(a, b, beta=0.5, alpha=2.0), (2, 4), (2, 3), (3, 4))
    c("baddbmm", lambda lib, c_, a, b: c_.baddbmm(a, b, beta=0.5, alpha=-1.5), (2, 2, 4), (2, 2, 3), (2, 3, 4),
      name_differs="minigrad composes baddbmm from bmm, mul and add")
    c("addcmul", lambda lib, x, a, b: x.addcmul(a, b, value=0.5), (2, 3), (2, 3), (3,))
    c("addcmul-fn", lambda lib, x, a, b: lib.addcmul(x, a, b), (2, 1), (3,), (2, 3))
    c("addcdiv", lambda lib, x, a, b: x.addcdiv(a, b, value=-2.0), (2, 3), (2, 3), (2, 3), kinds="nna")
    c("lerp", lambda lib, a, b: a.lerp(b, 0.3), (2, 3), (2, 3))
    c("lerp-tensor-weight", lambda lib, a, b, w: lib.lerp(a, b, w), (2, 3), (3,), (2, 3))
    idx = [[0, 2], [1, 0], [3, 1]]
    c("scatter", lambda lib, x, s: x.scatter(1, lib.tensor(idx), s), (3, 4), (3, 2))
    c("scatter-value", lambda lib, x: x.scatter(1, lib.tensor(idx), 2.5), (3, 4))
    c("scatter-fn-dim0", lambda lib, x, s: lib.scatter(x, 0, lib.tensor([[2, 0, 1]]), s), (3, 3), (1, 3))
    c("scatter_add-repeats", lambda lib, x, s: x.scatter_add(1, lib.tensor([[0, 0], [1, 1], [3, 3]]), s),
      (3, 4), (3, 2))
    c("scatter_add-fn", lambda lib, x, s: lib.scatter_add(x, 0, lib.tensor([[1, 1, 0], [0, 1, 2]]), s), (3, 3),
      (2, 3))
    c("index_add", lambda lib, x, s: x.index_add(0, lib.tensor([2, 0, 2]), s), (3, 4), (3, 4))
    c("index_add-alpha-fn", lambda lib, x, s: lib.index_add(x, 1, lib.tensor([1, 3]), s, alpha=-0.5), (3, 4),
      (3, 2))
    c("index_fill", lambda lib, x: x.index_fill(1, lib.tensor([0, 2]), -1.5), (3, 4))
    c("select", lambda lib, x: x.select(1, 2), (3, 4))
    c("select-neg-fn", lambda lib, x: lib.select(x, 0, -1), (3, 4))
    c("narrow", lambda lib, x: x.narrow(1, 1, 2), (3, 4))
    c("narrow-fn-neg-start", lambda lib, x: lib.narrow(x, 0, -2, 2), (3, 4))

    # Diagonals, rotations, stacking and distances (#17).
    composed = "minigrad composes it from flip/transpose/reshape/index/where/cat; PyTorch has a node of its own"
    c("cumprod", lambda lib, x: x.cumprod(1), (3, 4))
    c("cumprod-fn-dim0", lambda lib, x: lib.cumprod(x, 0), (3, 2, 2))
    c("cumprod-zeros", lambda lib, x: (x * lib.tensor(zeros, dtype=x.dtype)).cumprod(-1), (3, 4))
    c("cumprod-0d", lambda lib, x: x.cumprod(0), (), name_differs="minigrad reshapes a 0-d input to (1,) and back")
    c("diag-matrix", lambda lib, x: x.diag(), (3, 4), name_differs="PyTorch's diag is diagonal(...).clone()")
    c("diag-vector-offset", lambda lib, x: lib.diag(x, -1), (3,))
    c("diagonal", lambda lib, x: x.diagonal(), (3, 4))
    c("diagonal-offset-dims", lambda lib, x: lib.diagonal(x, 1, 2, 0), (3, 2, 4))
    c("diagonal-neg-offset", lambda lib, x: x.diagonal(-1, -1, -2), (2, 4, 3))
    c("movedim", lambda lib, x: x.movedim(0, -1), (2, 3, 4))
    c("movedim-fn-seq", lambda lib, x: lib.movedim(x, (0, 1), (2, 0)), (2, 3, 4))
    c("swapaxes-fn", lambda lib, x: lib.swapaxes(x, 0, 2), (2, 3, 4))
    c("tensor_split-sections", lambda lib, x: x.tensor_split(3, dim=1)[1], (2, 7))
    c("tensor_split-indices-fn", lambda lib, x: lib.tensor_split(x, [1, 4])[2], (5, 2))
    c("take", lambda lib, x: x.take(lib.tensor([[0, 5], [11, -1]])), (3, 4), name_differs=composed)
    c("rot90", lambda lib, x: x.rot90(), (3, 4), name_differs=composed)
    c("rot90-k2-fn", lambda lib, x: lib.rot90(x, 2, [1, 2]), (2, 3, 4), name_differs=composed)
    c("rot90-k-neg", lambda lib, x: x.rot90(-1, (0, 1)), (3, 4), name_differs=composed)
    c("kron", lambda lib, a, b: a.kron(b), (2, 3), (2, 2), name_differs=composed)
    c("kron-fn-ranks", lambda lib, a, b: lib.kron(a, b), (3,), (2, 2), name_differs=composed)
    c("nan_to_num", lambda lib, x: (x.log()).nan_to_num(), (3, 4), kinds="a", name_differs=composed)
    c("nan_to_num-fn", lambda lib, x: lib.nan_to_num(x.log(), 1.0, 2.0, -2.0), (2, 3), kinds="a",
      name_differs=composed)
    c("tensordot", lambda lib, a, b: lib.tensordot(a, b), (2, 3, 4), (3, 4, 2), name_differs=composed)
    c("tensordot-pairs", lambda lib, a, b: lib.tensordot(a, b, ([0, 2], [2, 0])), (2, 3, 4), (4, 3, 2),
      name_differs=composed)
    c("meshgrid-ij", lambda lib, a, b: lib.stack(lib.meshgrid(a, b, indexing="ij"), -1), (3,), (2,))
    c("meshgrid-xy", lambda lib, a, b, d: lib.stack(lib.meshgrid(a, b, d, indexing="xy")), (3,), (2,), (2,))
    c("cartesian_prod", lambda lib, a, b: lib.cartesian_prod(a, b), (3,), (2,))
    c("cdist", lambda lib, a, b: lib.cdist(a, b), (3, 2), (4, 2), name_differs=composed)
    c("cdist-p1-batch", lambda lib, a, b: lib.cdist(a, b, p=1), (2, 3, 2), (2, 4, 2), kinds="na",
      name_differs=composed)
    c("cdist-p3", lambda lib, a, b: lib.cdist(a, b, p=3.0), (3, 2), (2, 2), name_differs=composed)
    c("cdist-inf", lambda lib, a, b: lib.cdist(a, b, p=float("inf")), (3, 2), (4, 2), name_differs=composed)
    c("hstack", lambda lib, a, b: lib.hstack([a, b]), (2, 3), (2, 1))
    c("hstack-1d", lambda lib, a, b: lib.hstack((a, b)), (3,), ())
    c("vstack", lambda lib, a, b: lib.vstack([a, b]), (3,), (2, 3))
    c("dstack", lambda lib, a, b: lib.dstack([a, b]), (2, 3), (2, 3, 2))

    # Shape ops.
    c("reshape", lambda lib, x: x.reshape(3, 2), (2, 3))
    c("reshape-infer", lambda lib, x: x.reshape(-1, 4), (2, 3, 4))
    c("reshape-tuple", lambda lib, x: x.reshape((4, 6)), (2, 3, 4))
    c("reshape-0d-to-1", lambda lib, x: x.reshape(1), ())
    c("reshape-empty", lambda lib, x: x.reshape(3, 0), (0, 3))
    c("reshape-fn", lambda lib, x: lib.reshape(x, (6,)), (2, 3))
    c("view", lambda lib, x: x.view(6), (2, 3))
    c("view-infer", lambda lib, x: x.view(2, -1), (2, 3, 4))
    c("flatten", lambda lib, x: x.flatten(), (2, 3, 4))
    c("flatten-1", lambda lib, x: x.flatten(1), (2, 3, 4))
    c("flatten-0-1", lambda lib, x: x.flatten(0, 1), (2, 3, 4))
    c("flatten-fn", lambda lib, x: lib.flatten(x, 1), (2, 3, 4))
    c("squeeze", lambda lib, x: x.squeeze(), (2, 1, 3, 1))
    c("squeeze-dim", lambda lib, x: x.squeeze(1), (2, 1, 3))
    c("squeeze-dim-not-one", lambda lib, x: x.squeeze(0), (2, 1, 3))
    c("squeeze-dims", lambda lib, x: x.squeeze((0, 2)), (1, 3, 1))
    c("unsqueeze0", lambda lib, x: x.unsqueeze(0), (2, 3))
    c("unsqueeze-neg", lambda lib, x: x.unsqueeze(-1), (2, 3))
    c("unsqueeze-0d", lambda lib, x: x.unsqueeze(0), ())
    c("unsqueeze-fn", lambda lib, x: lib.unsqueeze(x, 1), (2, 3))
    c("transpose", lambda lib, x: x.transpose(0, 2), (2, 3, 4))
    c("transpose-neg", lambda lib, x: x.transpose(-1, -2), (2, 3, 4))
    c("transpose-fn", lambda lib, x: lib.transpose(x, 0, 1), (2, 3))
    c("t", lambda lib, x: x.t(), (2, 3))
    c("permute", lambda lib, x: x.permute(2, 0, 1), (2, 3, 4))
    c("permute-tuple", lambda lib, x: x.permute((1, 2, 0)), (2, 3, 4))
    c("permute-fn", lambda lib, x: lib.permute(x, (1, 0, 2)), (2, 3, 4))
    c("T-2d", lambda lib, x: x.T, (2, 3))
    c("expand", lambda lib, x: x.expand(3, 2, 4), (2, 1))
    c("expand-minus1", lambda lib, x: x.expand(-1, 4), (3, 1))
    c("expand-same", lambda lib, x: x.expand(2, 3), (2, 3))
    c("expand-0d", lambda lib, x: x.expand(2, 3), ())
    c("expand-tuple", lambda lib, x: x.expand((2, 3, 2)), (3, 1))

    # Indexing: ints, slices with steps, None, Ellipsis, integer arrays (with repeats), boolean masks.
    c("getitem-int", lambda lib, x: x[1], (3, 4))
    c("getitem-neg-int", lambda lib, x: x[-1], (3, 4))
    c("getitem-int-int", lambda lib, x: x[1, 2], (3, 4))
    c("getitem-slice", lambda lib, x: x[1:], (3, 4))
    c("getitem-slice-step", lambda lib, x: x[:, ::2], (3, 4))
    c("getitem-slice-step3", lambda lib, x: x[::2, 1::3], (5, 7))
    c("getitem-int-slice", lambda lib, x: x[1, 1:3], (3, 4))
    c("getitem-none", lambda lib, x: x[None], (3, 4))
    c("getitem-slice-none", lambda lib, x: x[:, None, 1:], (3, 4))
    c("getitem-int-none", lambda lib, x: x[1, :, None], (3, 4))
    c("getitem-ellipsis", lambda lib, x: x[..., 1:], (2, 3, 4))
    c("getitem-ellipsis-int", lambda lib, x: x[..., 1], (2, 3, 4))
    c("getitem-full-slice", lambda lib, x: x[:], (2, 3))
    c("getitem-ellipsis-only", lambda lib, x: x[...], (2, 3))
    c("getitem-int-array", lambda lib, x: x[lib.tensor([2, 0, 2])], (3, 4))
    c("getitem-int-list", lambda lib, x: x[[0, 2, 0, 1]], (3, 4))
    c("getitem-int-array-dim1", lambda lib, x: x[:, lib.tensor([3, 3, 0])], (3, 4))
    c("getitem-two-arrays", lambda lib, x: x[lib.tensor([0, 2, 2]), lib.tensor([1, 1, 3])], (3, 4))
    c("getitem-int-array-2d", lambda lib, x: x[lib.tensor([[0, 1], [1, 0]])], (3, 4))
    c("getitem-bool-mask", lambda lib, x: x[x > 0], (3, 4), kinds="a")
    c("getitem-bool-rows", lambda lib, x: x[lib.tensor([True, False, True])], (3, 4))
    c("getitem-bool-mask-2d-of-3d", lambda lib, x: x[lib.tensor([[True, False], [False, True]])], (2, 2, 3))
    c("getitem-0d-ellipsis", lambda lib, x: x[...], ())

    # Joining and selecting.
    c("stack", lambda lib, a, b: lib.stack([a, b]), (2, 3), (2, 3))
    c("stack-dim1", lambda lib, a, b, d: lib.stack((a, b, d), dim=1), (2, 3), (2, 3), (2, 3))
    c("stack-neg", lambda lib, a, b: lib.stack([a, b], -1), (2, 3), (2, 3))
    c("stack-0d", lambda lib, a, b: lib.stack([a, b]), (), ())
    c("cat", lambda lib, a, b: lib.cat([a, b]), (2, 3), (1, 3))
    c("cat-dim1", lambda lib, a, b, d: lib.cat((a, b, d), dim=1), (2, 3), (2, 1), (2, 2))
    c("cat-neg", lambda lib, a, b: lib.cat([a, b], -1), (2, 2, 3), (2, 2, 1))
    c("cat-empty-part", lambda lib, a, b: lib.cat([a, b]), (0, 3), (2, 3))
    c("where", lambda lib, x, y: lib.where(x > 0, x, y), (2, 3), (2, 3), kinds="an")
    c("where-bcast", lambda lib, x, y: lib.where(x > 0, x, y), (2, 3), (3,), kinds="an")
    c("where-bcast-cond", lambda lib, x, y: lib.where(lib.tensor([True, False, True]), x, y), (2, 3), (2, 1))
    c("where-scalar", lambda lib, x: lib.where(x > 0, x, 0.0), (2, 3), kinds="a")
    c("clamp", lambda lib, x: x.clamp(-0.5, 0.5), (3, 4), kinds="c")
    c("clamp-min", lambda lib, x: x.clamp(min=-0.5), (3, 4), kinds="c")
    c("clamp-max", lambda lib, x: x.clamp(max=0.5), (3, 4), kinds="c")
    c("clamp-fn", lambda lib, x: lib.clamp(x, -0.5, 0.5), (3, 4), kinds="c")
    c("clamp-0d", lambda lib, x: x.clamp(-0.5, 0.5), (), kinds="c")
    c("maximum", lambda lib, a, b: lib.maximum(a, b), (2, 3), (2, 3),
      name_differs="minigrad composes maximum from add, sub and abs")
    c("minimum", lambda lib, a, b: lib.minimum(a, b), (2, 3), (3,),
      name_differs="minigrad composes minimum from add, sub and abs")

    # Matrix products: 1-D, 2-D and batched (broadcast) operands.
    batched = "PyTorch folds batched matmul into bmm + views (UnsafeViewBackward0 and friends)"
    c("matmul-1d-1d", lambda lib, a, b: a @ b, (3,), (3,))
    c("matmul-2d-1d", lambda lib, a, b: a @ b, (2, 3), (3,))
    c("matmul-1d-2d", lambda lib, a, b: a @ b, (3,), (3, 4), name_differs=batched)
    c("matmul-2d-2d", lambda lib, a, b: a @ b, (2, 3), (3, 4))
    c("matmul-3d-3d", lambda lib, a, b: a @ b, (2, 2, 3), (2, 3, 4), name_differs=batched)
    c("matmul-3d-2d", lambda lib, a, b: a @ b, (2, 2, 3), (3, 4), name_differs=batched)
    c("matmul-2d-3d", lambda lib, a, b: a @ b, (2, 3), (4, 3, 2), name_differs=batched)
    c("matmul-1d-3d", lambda lib, a, b: a @ b, (3,), (2, 3, 4), name_differs=batched)
    c("matmul-3d-1d", lambda lib, a, b: a @ b, (2, 4, 3), (3,), name_differs=batched)
    c("matmul-bcast-4d", lambda lib, a, b: a @ b, (2, 1, 2, 3), (3, 3, 4), name_differs=batched)
    c("matmul-bcast-batch1", lambda lib, a, b: a @ b, (1, 2, 3), (4, 3, 2), name_differs=batched)
    c("matmul-fn", lambda lib, a, b: lib.matmul(a, b), (2, 3), (3, 4))
    c("mm-fn", lambda lib, a, b: lib.mm(a, b), (2, 3), (3, 4))
    c("matmul-empty-k", lambda lib, a, b: a @ b, (2, 0), (0, 4))

    # 0-d and empty operands of the shape ops, reductions and selections.
    c("sum-0d-dim", lambda lib, x: x.sum(0), ())
    c("mean-0d-dim-keepdim", lambda lib, x: x.mean(-1, keepdim=True), ())
    c("softmax-0d", lambda lib, x: x.softmax(0), ())
    c("log_softmax-0d", lambda lib, x: x.log_softmax(-1), ())
    c("softmax-empty", lambda lib, x: x.softmax(1), (0, 3))
    c("log_softmax-empty", lambda lib, x: x.log_softmax(0), (2, 0))
    c("max-dim-empty", lambda lib, x: x.max(1)[0], (0, 3))
    c("transpose-empty", lambda lib, x: x.transpose(0, 2), (0, 2, 3))
    c("permute-empty", lambda lib, x: x.permute(1, 2, 0), (2, 0, 3))
    c("expand-empty", lambda lib, x: x.expand(0, 4), (0, 1))
    c("squeeze-empty", lambda lib, x: x.squeeze(), (0, 1))
    c("unsqueeze-empty", lambda lib, x: x.unsqueeze(1), (0, 3))
    c("flatten-empty", lambda lib, x: x.flatten(), (2, 0, 3))
    c("view-0d", lambda lib, x: x.view(1, 1), ())
    c("getitem-empty-slice", lambda lib, x: x[2:2], (3, 4))
    c("getitem-empty-int-array", lambda lib, x: x[lib.tensor([], dtype=lib.int64)], (3, 4))
    c("stack-empty", lambda lib, a, b: lib.stack([a, b], 1), (0, 3), (0, 3))
    c("cat-empty", lambda lib, a, b: lib.cat([a, b], 1), (0, 3), (0, 2))
    c("where-0d", lambda lib, x, y: lib.where(x > 0, x, y), (), (), kinds="an")
    c("clamp-empty", lambda lib, x: x.clamp(-0.5, 0.5), (0, 2), kinds="c")
    c("matmul-empty-batch", lambda lib, a, b: a @ b, (0, 2, 3), (3, 4), name_differs=batched)

    # Reordering, tiling, scanning and picking along a dim. Sorting cases use normal inputs: no ties.
    c("flip-dim0", lambda lib, x: x.flip(0), (3, 4))
    c("flip-dims", lambda lib, x: x.flip(0, 2), (2, 3, 4))
    c("flip-tuple-neg", lambda lib, x: x.flip((-1,)), (2, 3, 4))
    c("flip-fn", lambda lib, x: lib.flip(x, [0, 1]), (3, 4))
    c("flip-0d", lambda lib, x: x.flip(0), ())
    c("flip-empty", lambda lib, x: x.flip(1), (0, 3))
    c("repeat", lambda lib, x: x.repeat(2, 3), (2, 3))
    c("repeat-lead", lambda lib, x: x.repeat(2, 1, 2), (3, 2))
    c("repeat-tuple", lambda lib, x: x.repeat((1, 2)), (2, 3))
    c("repeat-0d", lambda lib, x: x.repeat(3, 2), ())
    c("repeat-ones", lambda lib, x: x.repeat(1, 1), (2, 3))
    c("repeat-zero", lambda lib, x: x.repeat(0, 2), (2, 3))
    c("repeat-empty", lambda lib, x: x.repeat(2, 2), (0, 3))
    c("cumsum-dim0", lambda lib, x: x.cumsum(0), (3, 4))
    c("cumsum-dim-neg", lambda lib, x: x.cumsum(-1), (2, 3, 4))
    c("cumsum-fn", lambda lib, x: lib.cumsum(x, 1), (3, 4))
    c("cumsum-0d", lambda lib, x: x.cumsum(0), ())
    c("cumsum-empty", lambda lib, x: x.cumsum(1), (0, 3))
    c("topk", lambda lib, x: x.topk(2).values, (3, 5))
    c("topk-smallest-dim0", lambda lib, x: x.topk(2, dim=0, largest=False)[0], (4, 3))
    c("topk-3d", lambda lib, x: x.topk(3, 1).values, (2, 4, 3))
    c("topk-fn", lambda lib, x: lib.topk(x, 3, -1).values, (3, 4))
    c("topk-all", lambda lib, x: x.topk(4)[0], (2, 4))
    c("topk-k0", lambda lib, x: x.topk(0).values, (2, 4))
    c("topk-0d", lambda lib, x: x.topk(1).values, ())
    c("sort", lambda lib, x: x.sort().values, (3, 4))
    c("sort-descending-dim0", lambda lib, x: x.sort(0, descending=True)[0], (4, 3))
    c("sort-3d", lambda lib, x: x.sort(1).values, (2, 4, 3))
    c("sort-fn", lambda lib, x: lib.sort(x, dim=1, descending=True).values, (3, 4))
    c("sort-0d", lambda lib, x: x.sort().values, ())
    c("sort-empty", lambda lib, x: x.sort(0).values, (0, 3))
    c("gather-dim1-repeats", lambda lib, x: x.gather(1, lib.tensor([[0, 0, 3], [1, 2, 1], [3, 0, 0]])), (3, 4))
    c("gather-dim0-smaller", lambda lib, x: x.gather(0, lib.tensor([[2, 0], [2, 2]])), (3, 4))
    c("gather-fn-neg", lambda lib, x: lib.gather(x, -1, lib.tensor([[[1], [0]], [[2], [2]]])), (2, 2, 3))
    c("gather-int32", lambda lib, x: x.gather(0, lib.tensor([[1, 0, 1]], dtype=lib.int32)), (2, 3))
    c("gather-0d", lambda lib, x: x.gather(0, lib.tensor(0)), ())
    c("gather-empty-index", lambda lib, x: x.gather(1, lib.zeros(3, 0, dtype=lib.int64)), (3, 4))
    c("compose-sort-cumsum-flip", lambda lib, x: (x.sort(1).values.cumsum(1) * x.flip(1)).repeat(2, 1), (3, 4))
    c("compose-topk-gather", lambda lib, x: x.gather(1, x.argsort(1)[:, :2]) + x.topk(2, 1, largest=False)[0],
      (3, 4))

    # The nuclear norm: the sum of singular values, through numpy's SVD (distinct singular values: normal inputs).
    c("norm-nuc", lambda lib, x: x.norm(p="nuc"), (3, 4))
    c("norm-nuc-tall", lambda lib, x: x.norm("nuc"), (5, 2))
    c("norm-nuc-dims", lambda lib, x: x.norm(p="nuc", dim=(2, 0)), (2, 3, 4))
    c("norm-nuc-dims-keepdim", lambda lib, x: x.norm(p="nuc", dim=(-1, 1), keepdim=True), (2, 3, 4))
    c("norm-nuc-fn", lambda lib, x: lib.norm(x, "nuc"), (4, 4))
    c("norm-fro-fn", lambda lib, x: lib.norm(x, dim=1), (3, 4),
      name_differs="the 2-norm is the square root of a sum of squares (SqrtBackward0)")

    # A few compositions, so gradients flow through several nodes and accumulate.
    c("compose-mlp", lambda lib, x, w, b: ((x @ w + b).tanh() ** 2).mean(), (4, 3), (3, 5), (5,))
    c("compose-reuse", lambda lib, x: x * x.exp() - x.sigmoid() * x, (2, 3))
    c("compose-softmax-ce", lambda lib, x: -(x.log_softmax(1)[lib.tensor([0, 1, 2]), lib.tensor([1, 0, 2])]).mean(),
      (3, 4))

    # float32 cases: results and gradients stay float32 and match PyTorch's float32 numbers.
    f32 = {"dtype": "float32", "tags": ("float32",)}
    c("f32-mul-scalar", lambda lib, x: x * 0.1 + 1.5, (3, 4), **f32)
    c("f32-div-rdiv", lambda lib, x: 1.0 / (x / 3.0), (3, 4), kinds="a", **f32,
      name_differs="PyTorch computes 1 / x as reciprocal * 1 (MulBackward0)")
    c("f32-pow", lambda lib, x: x ** 2.5, (3, 4), kinds="p", **f32)
    c("f32-sum-mean", lambda lib, x: x.sum(0) + x.mean(), (3, 4), **f32)
    c("f32-var", lambda lib, x: x.var(1), (3, 4), **f32)
    c("f32-softmax", lambda lib, x: x.softmax(-1), (3, 4), **f32)
    c("f32-log_softmax", lambda lib, x: x.log_softmax(0), (3, 4), **f32)
    c("f32-tanh-sigmoid", lambda lib, x: x.tanh() * x.sigmoid(), (3, 4), **f32)
    c("f32-matmul", lambda lib, a, b: a @ b, (3, 4), (4, 2), **f32)
    c("f32-bmm-bcast", lambda lib, a, b: a @ b, (2, 3, 4), (4, 2), **f32, name_differs=batched)
    c("f32-exp-log-sqrt", lambda lib, x: x.exp() + x.log() + x.sqrt(), (3, 4), kinds="p", **f32)
    c("f32-broadcast-add", lambda lib, a, b: a + b, (3, 1), (4,), **f32)
    c("f32-max-dim", lambda lib, x: x.max(1)[0], (3, 4), **f32)
    c("f32-flip-repeat-cumsum", lambda lib, x: x.flip(1).repeat(2, 1).cumsum(0), (3, 4), **f32)
    c("f32-topk-sort", lambda lib, x: x.topk(2, 0)[0] + x.sort(0, descending=True).values[:2], (3, 4), **f32)
    c("f32-gather", lambda lib, x: x.gather(1, lib.tensor([[0, 0], [3, 1], [2, 2]])), (3, 4), **f32)
    c("f32-mlp", lambda lib, x, w, b: ((x @ w + b).relu() * 2).sum(), (4, 3), (3, 5), (5,), **f32)
    c("f32-norm-nuc", lambda lib, x: x.norm(p="nuc", dim=(0, 2)), (3, 2, 4), **f32)
    return cases


CASES: list[Case] = _cases()
CASES_BY_NAME: dict[str, Case] = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "case names must be unique"


def grad_fn_name(out: Any) -> str:
    """The node name of a minigrad or PyTorch output, e.g. ``'MulBackward0'`` ('' for none)."""
    fn = out.grad_fn
    if fn is None:
        return ""
    name = fn.name()
    return name.rsplit("::", 1)[-1]


# ---- reprs ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReprCase:
    """A tensor to print: ``make(lib, data)`` builds it from the stored numpy array ``data``."""

    name: str
    data: Any
    make: Callable[..., Any]


def _plain(lib: Any, a: np.ndarray) -> Any:
    return lib.tensor(a)


def _repr_cases() -> list[ReprCase]:
    rng = np.random.default_rng(1234)
    r = []

    def add(name: str, data: Any, make: Callable = _plain) -> None:
        r.append(ReprCase(name, np.asarray(data), make))

    add("int64", np.array([1, -20, 300], dtype=np.int64))
    add("int64-2d", np.arange(12, dtype=np.int64).reshape(3, 4) - 5)
    add("int32", np.array([7, 8], dtype=np.int32))
    add("bool", np.array([True, False, True]))
    add("bool-2d", np.array([[True, False], [False, False]]))
    add("float32", np.array([1.5, -2.25, 3.125], dtype=np.float32))
    add("float64", np.array([1.5, -2.25, 3.0], dtype=np.float64))
    add("float64-random", rng.standard_normal((3, 4)))
    add("float32-random", rng.standard_normal((2, 5)).astype(np.float32))
    add("float16", np.array([0.5, 1.25], dtype=np.float16))
    add("0d-float", np.array(3.5, dtype=np.float32))
    add("0d-int", np.array(-7, dtype=np.int64))
    add("0d-float64", np.array(0.125, dtype=np.float64))
    add("0d-bool", np.array(True))
    add("empty", np.zeros(0, dtype=np.float32))
    add("empty-int", np.zeros(0, dtype=np.int64))
    add("empty-float64", np.zeros(0, dtype=np.float64))
    add("empty-0x3", np.zeros((0, 3), dtype=np.float32))
    add("empty-2x0-int", np.zeros((2, 0), dtype=np.int64))
    add("sci-large", np.array([1e10, 1.0, -2.5], dtype=np.float32))
    add("sci-small", np.array([1e-5, 0.5, 1.0], dtype=np.float32))
    add("sci-ratio", np.array([0.5, 1000.5], dtype=np.float64))
    add("sci-int-valued-ratio", np.arange(0, 3000, 1100, dtype=np.float32))
    add("int-valued-floats", np.array([[1.0, -2.0], [30.0, 0.0]], dtype=np.float32))
    add("int-valued-large", np.array([1.0, 2.0, 1e9], dtype=np.float32))
    add("zeros", np.zeros((2, 3), dtype=np.float32))
    add("neg-zero", np.array([-0.0, 1.0], dtype=np.float32))
    add("nan-inf", np.array([np.nan, 1.5, np.inf, -np.inf], dtype=np.float32))
    add("nan-only", np.array([np.nan, np.nan], dtype=np.float32))
    add("large-values", np.array([123456.789, 1.5], dtype=np.float64))
    add("summarised-1d", np.arange(1500, dtype=np.int64))
    add("summarised-2d", (np.arange(2000, dtype=np.float32).reshape(40, 50) / 7).astype(np.float32))
    add("summarised-3d", np.arange(1100, dtype=np.float32).reshape(11, 10, 10))
    add("summarised-random", rng.standard_normal((30, 40)))
    add("wide-row", (np.arange(40, dtype=np.float32) / 3).astype(np.float32))
    add("wide-int-row", np.arange(60, dtype=np.int64) * 1001)
    add("wide-2d", np.arange(60, dtype=np.float64).reshape(2, 30) / 9)
    add("3d-blank-lines", (np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 5).astype(np.float32))
    add("4d", np.arange(16, dtype=np.int64).reshape(2, 2, 2, 2))
    add("requires-grad", np.array([1.0, 2.0], dtype=np.float32), lambda lib, a: lib.tensor(a, requires_grad=True))
    add("requires-grad-float64", np.array([[1.0, 2.5]], dtype=np.float64),
        lambda lib, a: lib.tensor(a, requires_grad=True))
    add("requires-grad-0d", np.array(1.5, dtype=np.float32), lambda lib, a: lib.tensor(a, requires_grad=True))
    add("requires-grad-empty", np.zeros((0, 2), dtype=np.float32), lambda lib, a: lib.tensor(a, requires_grad=True))
    add("grad-fn-tanh", np.array([0.5, -1.0], dtype=np.float32),
        lambda lib, a: lib.tensor(a, requires_grad=True).tanh())
    add("grad-fn-mul", np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
        lambda lib, a: lib.tensor(a, requires_grad=True) * 2)
    add("grad-fn-sum-0d", np.array([1.0, 2.0], dtype=np.float64),
        lambda lib, a: lib.tensor(a, requires_grad=True).sum())
    add("grad-fn-wraps", rng.standard_normal(6) * 1e4,
        lambda lib, a: lib.tensor(a, requires_grad=True) * 2)
    add("requires-grad-wraps", rng.standard_normal(6) * 1e4,
        lambda lib, a: lib.tensor(a, requires_grad=True))
    add("grad-fn-wide", np.arange(30, dtype=np.float64) / 7,
        lambda lib, a: lib.tensor(a, requires_grad=True).sum(0, keepdim=True) * lib.ones(8, dtype=lib.float64))
    add("grad-fn-3d", np.arange(12, dtype=np.float32).reshape(2, 3, 2) / 4,
        lambda lib, a: lib.tensor(a, requires_grad=True).exp())
    add("detached", np.array([1.0, 2.0], dtype=np.float32),
        lambda lib, a: (lib.tensor(a, requires_grad=True) * 2).detach())
    add("no-grad-result", np.array([1.0, 2.0], dtype=np.float32), _no_grad_double)
    return r


def _no_grad_double(lib: Any, a: np.ndarray) -> Any:
    x = lib.tensor(a, requires_grad=True)
    with lib.no_grad():
        return x * 2


REPR_CASES: list[ReprCase] = _repr_cases()


# ---- error messages ---------------------------------------------------------------------------------------
def _err_cases() -> dict[str, Callable[..., Any]]:
    """Calls that must fail with PyTorch's exception type and message; each takes ``lib``."""

    def backward_twice(lib: Any) -> None:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()

    def non_scalar_backward(lib: Any) -> None:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).backward()

    def leaf_inplace(lib: Any) -> None:
        lib.tensor([1.0, 2.0], requires_grad=True).add_(1.0)

    def leaf_inplace_mul(lib: Any) -> None:
        lib.tensor([1.0, 2.0], requires_grad=True).mul_(2.0)

    def no_grad_backward(lib: Any) -> None:
        lib.tensor([1.0, 2.0]).sum().backward()

    def saved_modified(lib: Any) -> None:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        with lib.no_grad():
            y.mul_(2.0)
        y.sum().backward()

    return {
        "broadcast-add": lambda lib: lib.empty(5, 2, 4, 1) + lib.empty(3, 1, 1),
        "broadcast-mul": lambda lib: lib.ones(2, 3) * lib.ones(3, 2),
        "broadcast-sub-3d": lambda lib: lib.ones(4, 3, 2) - lib.ones(4, 2),
        "broadcast-div": lambda lib: lib.ones(3) / lib.ones(4),
        "broadcast-pow": lambda lib: lib.ones(2, 5) ** lib.ones(3, 1, 4),
        "broadcast-where": lambda lib: lib.where(lib.ones(3, dtype=lib.bool), lib.ones(3), lib.ones(2)),
        "broadcast-eq": lambda lib: lib.ones(3) == lib.ones(2),
        "matmul-2d": lambda lib: lib.ones(2, 5) @ lib.ones(3, 4),
        "matmul-3d": lambda lib: lib.ones(2, 2, 5) @ lib.ones(2, 3, 4),
        "matmul-1d-1d": lambda lib: lib.ones(3) @ lib.ones(4),
        "matmul-2d-1d": lambda lib: lib.ones(2, 3) @ lib.ones(4),
        "matmul-1d-2d": lambda lib: lib.ones(3) @ lib.ones(4, 2),
        "matmul-0d": lambda lib: lib.ones(()) @ lib.ones(3),
        "matmul-dtype": lambda lib: lib.ones(2, 3) @ lib.ones(3, 2, dtype=lib.float64),
        "reshape-invalid": lambda lib: lib.ones(2, 3).reshape(4, 2),
        "reshape-infer-invalid": lambda lib: lib.ones(2, 3).reshape(-1, 4),
        "reshape-two-infer": lambda lib: lib.ones(2, 3).reshape(-1, -1),
        "view-invalid": lambda lib: lib.ones(2, 3).view(5),
        "view-non-contiguous": lambda lib: lib.ones(2, 3).t().view(6),
        "inplace-broadcast": lambda lib: lib.zeros(1, 3, 1).add_(lib.zeros(3, 3, 7)),
        "inplace-broadcast-mul": lambda lib: lib.zeros(3).mul_(lib.zeros(2, 3)),
        "inplace-int-float": lambda lib: lib.zeros(3, dtype=lib.int64).add_(1.5),
        "backward-twice": backward_twice,
        "non-scalar-backward": non_scalar_backward,
        "leaf-inplace-add": leaf_inplace,
        "leaf-inplace-mul": leaf_inplace_mul,
        "backward-no-grad": no_grad_backward,
        "expand-mismatch": lambda lib: lib.ones(2, 3).expand(4, 3),
        "expand-too-few": lambda lib: lib.ones(2, 3).expand(3),
        "expand-negative-lead": lambda lib: lib.ones(3).expand(-1, 3),
        "cat-sizes": lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]),
        "cat-dims": lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3)]),
        "cat-0d": lambda lib: lib.cat([lib.ones(()), lib.ones(())]),
        "cat-empty-list": lambda lib: lib.cat([]),
        "stack-sizes": lambda lib: lib.stack([lib.ones(2, 3), lib.ones(2, 3), lib.ones(3, 2)]),
        "stack-empty-list": lambda lib: lib.stack([]),
        "dim-out-of-range": lambda lib: lib.ones(2, 3).sum(2),
        "dim-out-of-range-neg": lambda lib: lib.ones(2, 3).softmax(-3),
        "unsqueeze-out-of-range": lambda lib: lib.ones(2, 3).unsqueeze(3),
        "transpose-out-of-range": lambda lib: lib.ones(2, 3).transpose(0, 2),
        "permute-wrong-length": lambda lib: lib.ones(2, 3).permute(1, 0, 2),
        "permute-repeated": lambda lib: lib.ones(2, 3).permute(1, 1),
        "mean-int": lambda lib: lib.ones(3, dtype=lib.int64).mean(),
        "requires-grad-int": lambda lib: lib.ones(3, dtype=lib.int64).requires_grad_(),
        "item-many": lambda lib: lib.ones(3).item(),
        "bool-many": lambda lib: bool(lib.ones(3)),
        "numpy-requires-grad": lambda lib: lib.ones(3, requires_grad=True).numpy(),
        "max-empty": lambda lib: lib.ones(0).max(),
        "saved-tensor-modified": saved_modified,
        "backward-gradient-shape": lambda lib: (lib.ones(3, requires_grad=True) * 2).backward(lib.ones(2)),
        "clamp-no-bounds": lambda lib: lib.ones(3).clamp(),
        "index-out-of-range": lambda lib: lib.ones(2, 3)[2],
        "t-3d": lambda lib: lib.ones(2, 3, 4).t(),
        "where-non-bool": lambda lib: lib.where(lib.ones(3), lib.ones(3), lib.ones(3)),
        "flip-dim-out-of-range": lambda lib: lib.ones(2, 3).flip(2),
        "flip-repeated-dims": lambda lib: lib.ones(2, 3).flip(0, -2),
        "flip-no-dims": lambda lib: lib.ones(2, 3).flip(),
        "repeat-too-few": lambda lib: lib.ones(2, 3).repeat(2),
        "repeat-negative": lambda lib: lib.ones(2, 3).repeat(2, -1),
        "cumsum-dim-out-of-range": lambda lib: lib.ones(2, 3).cumsum(-3),
        "topk-k-too-large": lambda lib: lib.ones(2, 3).topk(4),
        "topk-k-negative": lambda lib: lib.ones(2, 3).topk(-1),
        "topk-k-too-large-dim0": lambda lib: lib.topk(lib.ones(2, 3), 3, dim=0),
        "topk-0d-k2": lambda lib: lib.ones(()).topk(2),
        "topk-dim-out-of-range": lambda lib: lib.ones(2, 3).topk(1, dim=2),
        "sort-dim-out-of-range": lambda lib: lib.ones(2, 3).sort(2),
        "argsort-dim-out-of-range": lambda lib: lib.argsort(lib.ones(2, 3), -3),
        "gather-index-ndim": lambda lib: lib.ones(2, 3).gather(0, lib.zeros(2, dtype=lib.int64)),
        "gather-index-float": lambda lib: lib.ones(2, 3).gather(0, lib.zeros(2, 3)),
        "gather-index-too-large": lambda lib: lib.ones(2, 3).gather(0, lib.zeros(2, 4, dtype=lib.int64)),
        "gather-index-too-large-dim0": lambda lib: lib.gather(lib.ones(2, 3), 1, lib.zeros(3, 3, dtype=lib.int64)),
        "gather-out-of-bounds": lambda lib: lib.ones(2, 3).gather(1, lib.full((2, 3), 5, dtype=lib.int64)),
        "gather-negative-index": lambda lib: lib.ones(2, 3).gather(1, lib.full((2, 3), -1, dtype=lib.int64)),
        "gather-dim-out-of-range": lambda lib: lib.ones(2, 3).gather(2, lib.zeros(2, 3, dtype=lib.int64)),
        "multinomial-too-many": lambda lib: lib.multinomial(lib.tensor([0.2, 0.3, 0.5]), 4),
        "multinomial-zero-samples": lambda lib: lib.multinomial(lib.tensor([0.2, 0.8]), 0, True),
        "multinomial-3d": lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1),
        "multinomial-0d": lambda lib: lib.ones(()).multinomial(1),
        "multinomial-zero-sum": lambda lib: lib.multinomial(lib.tensor([[0.0, 1.0], [0.0, 0.0]]), 1),
        "multinomial-negative": lambda lib: lib.multinomial(lib.tensor([-1.0, 2.0]), 1),
        "multinomial-nan": lambda lib: lib.multinomial(lib.tensor([float("nan"), 2.0]), 1, True),
        "multinomial-inf": lambda lib: lib.tensor([float("inf"), 2.0]).multinomial(1),
        "multinomial-int": lambda lib: lib.multinomial(lib.tensor([1, 2]), 1),
        "frac-int": lambda lib: lib.tensor([1, 2]).frac(),
        "frac-bool": lambda lib: lib.frac(lib.tensor([True])),
        "floor-bool": lambda lib: lib.tensor([True]).floor(),
        "ceil-bool": lambda lib: lib.ceil(lib.tensor([True])),
        "trunc-bool": lambda lib: lib.tensor([True]).trunc(),
        "round-bool": lambda lib: lib.tensor([True]).round(),
        "round-decimals-int": lambda lib: lib.tensor([1, 2]).round(decimals=1),
        "round-decimals-float": lambda lib: lib.tensor([1.5]).round(decimals=1.5),
        "hypot-int": lambda lib: lib.hypot(lib.tensor([1, 2]), lib.tensor([3, 4])),
        "hypot-bcast": lambda lib: lib.ones(2, 3).hypot(lib.ones(2)),
        "remainder-int-by-zero": lambda lib: lib.tensor([1, 2]).remainder(lib.tensor([1, 0])),
        "remainder-int-by-zero-scalar": lambda lib: lib.tensor([1, 2]) % 0,
        "fmod-int-by-zero": lambda lib: lib.fmod(lib.tensor([1, 2]), 0),
        "remainder-bool": lambda lib: lib.tensor([True]).remainder(lib.tensor([True])),
        "atan2-bcast": lambda lib: lib.ones(2, 3).atan2(lib.ones(4)),
        "erf-not-tensor": lambda lib: lib.erf([1.0]),
        "prod-dim-out-of-range": lambda lib: lib.ones(2, 3).prod(2),
        "masked_select-not-bool": lambda lib: lib.ones(2, 3).masked_select(lib.ones(2, 3)),
        "masked_select-bcast": lambda lib: lib.ones(2, 3).masked_select(lib.ones(4) > 0),
        "repeat_interleave-size": lambda lib: lib.ones(2, 3).repeat_interleave(lib.tensor([1, 2]), dim=1),
        "repeat_interleave-negative": lambda lib: lib.ones(2).repeat_interleave(-1),
        "repeat_interleave-2d": lambda lib: lib.ones(2).repeat_interleave(lib.ones(2, 2, dtype=lib.int64)),
        "diff-0d": lambda lib: lib.ones(()).diff(),
        "outer-2d": lambda lib: lib.ones(2, 3).outer(lib.ones(2)),
        "einsum-more-operands": lambda lib: lib.einsum("ij->i", lib.ones(2, 2), lib.ones(2)),
        "einsum-fewer-operands": lambda lib: lib.einsum("ij,j->i", lib.ones(2, 2)),
        "einsum-subscripts": lambda lib: lib.einsum("ijk->i", lib.ones(2, 2)),
        "mm-1d": lambda lib: lib.ones(2).mm(lib.ones(2, 2)),
        "addmm-mat1-1d": lambda lib: lib.ones(2, 2).addmm(lib.ones(2), lib.ones(2, 2)),
        "addmm-inner": lambda lib: lib.ones(2, 4).addmm(lib.ones(2, 3), lib.ones(2, 4)),
        "addmm-self-shape": lambda lib: lib.ones(3, 4).addmm(lib.ones(2, 3), lib.ones(3, 4)),
        "scatter-index-float": lambda lib: lib.ones(2, 3).scatter(0, lib.zeros(2, 3), 1.0),
        "scatter-index-ndim": lambda lib: lib.ones(2, 3).scatter(0, lib.zeros(3, dtype=lib.int64), 1.0),
        "scatter-index-too-big": lambda lib: lib.ones(2, 3).scatter(0, lib.zeros(2, 4, dtype=lib.int64), 1.0),
        "scatter-src-too-small": lambda lib: lib.ones(2, 3).scatter(0, lib.zeros(2, 3, dtype=lib.int64),
                                                                    lib.ones(1, 3)),
        "scatter-out-of-bounds": lambda lib: lib.ones(2, 3).scatter(1, lib.full((2, 3), 3, dtype=lib.int64), 1.0),
        "scatter-dtype": lambda lib: lib.ones(2, 3).scatter(0, lib.zeros(2, 3, dtype=lib.int64),
                                                            lib.ones(2, 3, dtype=lib.float64)),
        "scatter_add-out-of-bounds": lambda lib: lib.ones(2, 3).scatter_add(0, lib.full((1, 3), -1, dtype=lib.int64),
                                                                            lib.ones(2, 3)),
        "index_add-shape": lambda lib: lib.ones(3, 4).index_add(0, lib.tensor([0, 1]), lib.ones(2, 5)),
        "index_add-index-2d": lambda lib: lib.ones(3, 4).index_add(0, lib.tensor([[0, 1]]), lib.ones(2, 4)),
        "index_add-out-of-range": lambda lib: lib.ones(3, 4).index_add(0, lib.tensor([0, 3]), lib.ones(2, 4)),
        "index_fill-index-float": lambda lib: lib.ones(3, 4).index_fill(0, lib.tensor([0.0]), 1.0),
        "select-out-of-range": lambda lib: lib.ones(3, 4).select(1, 4),
        "select-0d": lambda lib: lib.ones(()).select(0, 0),
        "narrow-too-long": lambda lib: lib.ones(3, 4).narrow(1, 2, 3),
        "narrow-start": lambda lib: lib.ones(3, 4).narrow(1, 5, 0),
        "type-bad-string": lambda lib: lib.ones(2).type("minigrad.NoSuchTensor"),
        "type-bare-string": lambda lib: lib.ones(2).type("int"),
        "uniform-int": lambda lib: lib.zeros(2, dtype=lib.int64).uniform_(),
        "uniform-bounds": lambda lib: lib.zeros(2).uniform_(2, 1),
        "normal-int": lambda lib: lib.zeros(2, dtype=lib.int64).normal_(),
        "normal-negative-std": lambda lib: lib.zeros(2).normal_(0, -1),
        "random-bounds": lambda lib: lib.zeros(2).random_(3, 3),
        "bernoulli-p": lambda lib: lib.zeros(2).bernoulli_(1.5),
        "fill_diagonal-1d": lambda lib: lib.zeros(2).fill_diagonal_(1.0),
        "fill_diagonal-unequal": lambda lib: lib.zeros(2, 3, 2).fill_diagonal_(1.0),
        "leaf-uniform_": lambda lib: lib.zeros(2, requires_grad=True).uniform_(),
        "leaf-unsqueeze_": lambda lib: lib.zeros(2, requires_grad=True).unsqueeze_(0),
        "cumprod-dim": lambda lib: lib.ones(2).cumprod(1),
        "diagonal-1d": lambda lib: lib.ones(3).diagonal(),
        "diagonal-same-dims": lambda lib: lib.ones(3, 3).diagonal(0, 1, 1),
        "diag-3d": lambda lib: lib.ones(2, 2, 2).diag(),
        "movedim-lengths": lambda lib: lib.ones(2, 3).movedim((0, 1), (1,)),
        "tensor_split-zero": lambda lib: lib.ones(4).tensor_split(0),
        "take-out-of-range": lambda lib: lib.ones(2, 2).take(lib.tensor([4])),
        "take-int32": lambda lib: lib.ones(2, 2).take(lib.tensor([1], dtype=lib.int32)),
        "rot90-one-dim": lambda lib: lib.ones(2, 2).rot90(1, [0]),
        "rot90-same-dims": lambda lib: lib.ones(2, 2).rot90(1, [1, 1]),
        "rot90-1d": lambda lib: lib.ones(2).rot90(),
        "isclose-bcast": lambda lib: lib.ones(2, 3).isclose(lib.ones(4)),
        "tensordot-sizes": lambda lib: lib.tensordot(lib.ones(2, 3), lib.ones(4, 2), ([1], [0])),
        "tensordot-lengths": lambda lib: lib.tensordot(lib.ones(2, 3), lib.ones(3, 2), ([1], [0, 1])),
        "meshgrid-indexing": lambda lib: lib.meshgrid(lib.ones(2), indexing="ji"),
        "cdist-columns": lambda lib: lib.cdist(lib.ones(2, 3), lib.ones(2, 4)),
        "cdist-negative-p": lambda lib: lib.cdist(lib.ones(2, 3), lib.ones(2, 3), p=-1.0),
        "cdist-1d": lambda lib: lib.cdist(lib.ones(3), lib.ones(2, 3)),
        "bincount-negative": lambda lib: lib.tensor([1, -1]).bincount(),
        "bincount-float": lambda lib: lib.bincount(lib.tensor([1.0])),
        "bincount-2d": lambda lib: lib.bincount(lib.ones(2, 2, dtype=lib.int64)),
        "bincount-weights": lambda lib: lib.tensor([1, 2]).bincount(lib.ones(3)),
        "searchsorted-side": lambda lib: lib.searchsorted(lib.ones(3), lib.ones(2), side="middle"),
        "searchsorted-shapes": lambda lib: lib.searchsorted(lib.ones(2, 3), lib.ones(3, 2)),
        "bucketize-2d-boundaries": lambda lib: lib.bucketize(lib.ones(2), lib.ones(2, 2)),
        "set_default_dtype-int": lambda lib: lib.set_default_dtype(lib.int64),
        "randint_like-bounds": lambda lib: lib.randint_like(lib.ones(2), 3, 3),
        "normal-fn-negative-std": lambda lib: lib.normal(lib.zeros(2), -lib.ones(2)),
        "addcdiv-integers": lambda lib: lib.ones(2).addcdiv(lib.tensor([1]), lib.tensor([2])),
        "lerp-int": lambda lib: lib.tensor([1, 2]).lerp(lib.tensor([1, 2]), 0.5),
        "lerp-int-tensor-weight": lambda lib: lib.lerp(lib.tensor([1]), lib.tensor([1]), lib.tensor([1])),
        "lerp-end-dtype": lambda lib: lib.ones(2).lerp(lib.ones(2, dtype=lib.float64), 0.5),
        "lerp-weight-dtype": lambda lib: lib.ones(2).lerp(lib.ones(2), lib.ones(2, dtype=lib.float64)),
        "cdist-int": lambda lib: lib.cdist(lib.ones(1, 2), lib.ones(1, 2, dtype=lib.int64)),
        "tensordot-dtypes": lambda lib: lib.tensordot(lib.ones(2), lib.ones(2, dtype=lib.float64), 1),
        "einsum-dtypes": lambda lib: lib.einsum("i,i->", lib.ones(2), lib.ones(2, dtype=lib.float64)),
        "cartesian_prod-dtypes": lambda lib: lib.cartesian_prod(lib.ones(2), lib.tensor([1, 2])),
        "isclose-dtypes": lambda lib: lib.tensor([1, 2]).isclose(lib.ones(2)),
        "bincount-bool": lambda lib: lib.tensor([True]).bincount(),
        "leaf-index_add_": lambda lib: lib.zeros(2, requires_grad=True).index_add_(0, lib.tensor([0]), lib.ones(1)),
        "norm-nuc-1d": lambda lib: lib.ones(3).norm(p="nuc"),
        "norm-nuc-3d-no-dim": lambda lib: lib.ones(2, 3, 4).norm(p="nuc"),
        "norm-nuc-one-dim": lambda lib: lib.ones(2, 3, 4).norm(p="nuc", dim=2),
        "norm-nuc-same-dims": lambda lib: lib.ones(2, 3).norm(p="nuc", dim=(0, -2)),
        "norm-nuc-dim-range": lambda lib: lib.ones(2, 3).norm(p="nuc", dim=(0, 7)),
        "norm-nuc-int": lambda lib: lib.ones(2, 3, dtype=lib.int64).norm(p="nuc"),
        "norm-nuc-half": lambda lib: lib.ones(2, 3, dtype=lib.float16).norm(p="nuc"),
        "norm-fro-three-dims": lambda lib: lib.ones(2, 3, 4).norm(p="fro", dim=(0, 1, 2)),
        "norm-unknown-order": lambda lib: lib.ones(2, 3).norm(p="abc"),
        "nuc-non-finite": lambda lib: lib.tensor([[1.0, float("nan")], [0.0, 1.0]]).norm(p="nuc"),
        "norm-minus-1-empty": lambda lib: lib.ones(0, 2).norm(-1),
        "norm-inf-empty-dim": lambda lib: lib.ones(0, 2).norm(float("inf"), dim=-2),
        "matmul-dot-dtypes": lambda lib: lib.ones(3) @ lib.ones(3, dtype=lib.float64),
        "matmul-mv-dtypes": lambda lib: lib.ones(2, 3) @ lib.ones(3, dtype=lib.float64),
        "matmul-bmm-dtypes": lambda lib: lib.ones(2, 2, 3) @ lib.ones(2, 3, 2, dtype=lib.float64),
        "matmul-dot-bool": lambda lib: lib.ones(3, dtype=lib.bool) @ lib.ones(3, dtype=lib.bool),
        "matmul-mv-bool": lambda lib: lib.ones(2, 3, dtype=lib.bool) @ lib.ones(3, dtype=lib.bool),
        "matmul-mm-bool": lambda lib: lib.ones(2, 3, dtype=lib.bool) @ lib.ones(3, 2, dtype=lib.bool),
        "matmul-bmm-bool": lambda lib: lib.ones(3, dtype=lib.bool) @ lib.ones(2, 3, 2),
        "pow-bool-bool": lambda lib: lib.ones(3, dtype=lib.bool) ** lib.ones(3, dtype=lib.bool),
        "rpow-bool": lambda lib: True ** lib.ones(3, dtype=lib.bool),
        "hardtanh-bool": lambda lib: lib.nn.functional.hardtanh(lib.ones(3, dtype=lib.bool)),
        "l1_loss-bool": lambda lib: lib.nn.functional.l1_loss(lib.ones(3), lib.ones(3, dtype=lib.bool)),
        "smooth_l1-int32-int64": lambda lib: lib.nn.functional.smooth_l1_loss(lib.ones(3, dtype=lib.int32),
                                                                              lib.ones(3, dtype=lib.int64)),
        "huber-bool-int": lambda lib: lib.nn.functional.huber_loss(lib.ones(3, dtype=lib.bool),
                                                                   lib.ones(3, dtype=lib.int64)),
        "huber-int-double": lambda lib: lib.nn.functional.huber_loss(lib.ones(3, dtype=lib.int64),
                                                                     lib.ones(3, dtype=lib.float64)),
        "huber-int32-int64": lambda lib: lib.nn.functional.huber_loss(lib.ones(3, dtype=lib.int32),
                                                                      lib.ones(3, dtype=lib.int64)),
        "bce-nan": lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([float("nan")]), lib.ones(1)),
    }


ERROR_CASES: dict[str, Callable[..., Any]] = _err_cases()
