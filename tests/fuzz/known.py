"""The differences the fuzzer may find that are known and named: each is listed in ``docs/differences.md``.

``explain(mismatch)`` returns the cause's name, or None for a new difference (which fails the fuzz test). A cause is
matched by the op it showed at, its kind, and where needed the program that led there; the test stays strict for
everything else.
"""

from __future__ import annotations

import re

CAUSES = [
    # PyTorch's backward of max, min, logsumexp, norm, std, pow, reciprocal, rsqrt, softmax, ... reads the op's
    # output; minigrad's reads its input (or an index), so an in-place change to that output fails PyTorch's
    # backward and not minigrad's (which then gives the gradient of the values as they were). Likewise PyTorch's
    # backward refuses an output of split/unbind whose base was changed in place afterwards.
    ("in-place change of an output that only PyTorch's backward reads", lambda m: m.op == "backward"
     and m.kind == "exception" and "minigrad NoneType: None" in m.detail and (
         "modified by an inplace operation" in m.detail or "its base or another view of its base" in m.detail)),
    # b[...] = v with a 0-d v that requires grad, on a bool or integer b: PyTorch's fill_ records and b requires
    # grad; minigrad records nothing into a tensor that cannot hold a gradient.
    # A view's requires_grad and grad_fn follow its base's in-place changes when the view is next used, not at once.
    ("a view's requires_grad is brought up to date when it is used", lambda m: m.kind == "requires_grad"
     and "afterwards" in m.detail),
    ("item assignment of a 0-d tensor into a bool or integer tensor", lambda m: m.op == "setitem"
     and m.kind == "requires_grad"),
    ("bool and integer operands of losses, pow, matmul and hardtanh", lambda m: m.kind == "exception" and m.op in (
        "l1_loss", "smooth_l1_loss", "mse_loss", "**", "hardtanh", "matmul")
     and any(w in m.detail + " ".join(m.program) for w in ("bool", "Bool", "int64", "Long"))),
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
