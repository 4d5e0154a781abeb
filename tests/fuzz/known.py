"""The differences the fuzzer may find that are known and named: each is listed in ``docs/differences.md``.

``explain(mismatch)`` returns the cause's name, or None for a new difference (which fails the fuzz test). A cause is
matched by the op it showed at, its kind, and where needed the program that led there; the test stays strict for
everything else.
"""

from __future__ import annotations

import re

INPLACE = ("add_", "mul_(s)", "sub_(s)", "div_(s)", "zero_", "fill_", "clamp_", "copy_", "setitem", "view.mul_",
           "masked_fill_", "optimizer step")


def _after_inplace(m) -> bool:
    return any(step.split("(")[0] in INPLACE or step.startswith(("mul_(", "sub_(", "div_(")) for step in m.program)


CAUSES = [
    # In-place autograd through views (version counters shared by views, in-place ops recorded as nodes, views
    # rebasing their base's graph, PyTorch's errors for views of leaves and multi-output views) is not built.
    # Once an in-place op ran, later values may differ through it: the program is held to no account after it.
    ("in-place ops and views", lambda m: m.op in INPLACE or _after_inplace(m)),
    # Bool and integer operands of a few ops: minigrad converts (or refuses) where PyTorch does the other.
    ("bool and integer operands of losses, pow, matmul and hardtanh", lambda m: m.kind == "exception" and m.op in (
        "l1_loss", "smooth_l1_loss", "mse_loss", "**", "hardtanh", "matmul")
     and any(w in m.detail + " ".join(m.program) for w in ("bool", "Bool", "int64", "Long"))),
    # t() and T of a 0-d or 1-D tensor return the tensor itself, where PyTorch returns a new view of it.
    ("t() and T of a 0-d or 1-D tensor are the tensor itself", lambda m: m.op == ".grad ="
     and "its own grad" in m.detail),
    ("cross_entropy: empty class dim, ignored targets over nan inputs", lambda m: "cross_entropy" in " ".join(
        m.program) and m.kind in ("exception", "value", "grad") and "'ignore_index': -1" in " ".join(m.program)),
    ("nan and inf through hardtanh, gelu and logsumexp", lambda m: m.kind in ("value", "grad")
     and "nan" in m.detail and any(op in " ".join(m.program) for op in ("hardtanh(", "gelu(", "logsumexp("))),
    ("backward through an integer or bool power", lambda m: m.op == "backward" and "bool tensor" in m.detail),
    ("the nuclear norm is not built", lambda m: m.op == "norm" and "'nuc'" in m.detail),
    ("index_select's two wordings of an out-of-range index", lambda m: m.kind == "exception"
     and m.op == "index_select" and "index out of range in self" in m.detail and "INDICES" in m.detail),
    ("softmax of an empty bool or integer tensor", lambda m: m.kind == "exception" and m.op in (
        "softmax", "log_softmax") and "not implemented for" in m.detail and "NoneType" in m.detail),
    ("integer powers with negative exponents", lambda m: m.kind == "exception" and m.op in ("s**x", "**", "x**s")
     and "negative integer powers" in m.detail),
    ("cat checks the dim before 0-d inputs", lambda m: m.kind == "exception" and m.op in ("cat", "stack")
     and "zero-dimensional" in m.detail),
    ("p=0 norm has a zero gradient, PyTorch None", lambda m: m.kind == "grad"
     and re.search(r"'p': 0[,}]", " ".join(m.program)) is not None),
    ("inf and nan gradients after a division by zero, a sqrt or a power of a negative or a signed zero",
     lambda m: m.kind == "grad" and ("nan" in m.detail or "inf" in m.detail)
     and any(op in " ".join(m.program) for op in ("/(", "sqrt(", "**(", "reciprocal(", "x**s("))),
    ("matmul of empty tensors of two dtypes", lambda m: m.op == "matmul" and "same dtype" in m.detail),
    ("topk and sort order among ties", lambda m: m.kind == "value" and m.op in ("topk", "sort")),
    ("index_select of an empty tensor", lambda m: m.op == "index_select" and "axis dim should be positive" in m.detail),
    # an elementwise result is laid out as numpy lays it out; PyTorch keeps a transposed input's strides
    ("elementwise results' memory layout", lambda m: m.op == "view" and "view size is not compatible" in m.detail),
]


def explain(mismatch) -> str | None:
    """The name of the known cause of ``mismatch``, or None."""
    for name, matches in CAUSES:
        if matches(mismatch):
            return name
    return None
