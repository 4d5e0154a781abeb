"""The differences the fuzzer may find that are known and named: each is listed in ``docs/differences.md``
(except one artifact of the fuzzer's own compound "optimizer step", explained where it is named).

``explain(mismatch)`` returns the cause's name, or None for a new difference (which fails the fuzz test). A cause is
matched by the op it showed at, its kind, and where needed the program that led there; the test stays strict for
everything else.
"""

from __future__ import annotations

import re


def _last_bits_of_float32(m) -> bool:
    """A value mismatch of float32 inputs whose numbers agree to float32 precision: numpy's and PyTorch's math
    libraries may round a float32 result (cos, sigmoid, ...) to neighbouring floats, which a promotion to float64
    then shows."""
    found = re.search(r"PyTorch (.*), minigrad (.*)$", m.detail)
    program = " ".join(m.program)
    if m.kind not in ("value", "grad") or found is None or not any(
            w in program for w in ("float32", "float(", "int(", "long(", "bool(", "int64")):  # float32 made
        return False
    theirs, ours = (re.findall(r"-?\d+\.\d+(?:e[-+]\d+)?", part) for part in found.groups())
    return len(theirs) == len(ours) > 0 and all(
        abs(float(a) - float(b)) <= 4e-7 * max(abs(float(a)), 1.0) for a, b in zip(theirs, ours))


def _only_signs_of_zeros_and_infs(m) -> bool:
    """A mismatch whose numbers differ only in the sign of a zero or of an infinity (numpy's remainder
    may keep a -0.0 that PyTorch's make 0.0, which a reciprocal turns into an inf of the other sign)."""
    found = re.search(r"PyTorch (.*), minigrad (.*)$", m.detail)
    if m.kind not in ("value", "grad") or found is None:
        return False
    theirs, ours = (re.findall(r"-?(?:inf|nan|\d+\.?\d*(?:e[-+]\d+)?)", part) for part in found.groups())
    return len(theirs) == len(ours) > 0 and all(
        a == b or a.lstrip("-") == b.lstrip("-") and (a.lstrip("-") == "inf" or float(a) == 0)
        for a, b in zip(theirs, ours))


def _close(m, rtol: float) -> bool:
    """Whether the mismatch's numbers agree to ``rtol`` (a float32 difference seen at float64 tolerance)."""
    found = re.search(r"PyTorch (.*), minigrad (.*)$", m.detail)
    if found is None:
        return False
    theirs, ours = (re.findall(r"-?\d+\.?\d*(?:e[-+]\d+)?", part) for part in found.groups())
    return len(theirs) == len(ours) > 0 and all(
        abs(float(a) - float(b)) <= rtol * max(abs(float(a)), 1e-3) for a, b in zip(theirs, ours))


# ops that make a view of their input: an in-place op can then read memory it writes
_VIEWS = ("detach(", "chunk(", "split(", "unbind(", "getitem(", "narrow(", "select(", "diagonal(", "T(", "t(",
          "mT(", "transpose(", "permute(", "expand(", "view(", "reshape(", "squeeze(", "unsqueeze(", "flatten(",
          "movedim(", "einsum(ij->ji)(")


CAUSES = [
    # PyTorch adds a leaf's gradient into its existing .grad in place while backward runs, so a .grad tensor that
    # is also used in the graph changes under a later node that saved it; minigrad writes the leaves' .grad after
    # the sweep
    ("a .grad that the graph also uses", lambda m: m.op == "backward" and m.kind == "exception"
     and ".grad =(" in " ".join(m.program) and "minigrad NoneType: None" in m.detail
     and "modified by an inplace operation" in m.detail),
    # PyTorch's backward refuses an output of split/unbind whose base was changed in place afterwards; minigrad's
    # does not. (And the other way: PyTorch's broadcast matmul saves reshaped copies, so changing its inputs in
    # place is only caught by minigrad's backward.)
    ("a split output whose base changed", lambda m: m.op == "backward" and m.kind == "exception"
     and "minigrad NoneType: None" in m.detail and "its base or another view of its base" in m.detail
     and any(op in " ".join(m.program) for op in ("split(", "unbind(", "chunk("))),
    ("matmul's reshaped copies", lambda m: m.op == "backward" and m.kind == "exception"
     and "PyTorch NoneType: None" in m.detail and "modified by an inplace operation" in m.detail
     and "matmul(" in " ".join(m.program)),
    # PyTorch's float32 LSTM runs as one oneDNN node that saves its output; minigrad's LSTM output is the array its
    # loop wrote, and an in-place change moves what backward needs to a copy first
    ("an in-place change of a float32 LSTM's output", lambda m: m.op == "backward" and m.kind == "exception"
     and "MkldnnRnnLayer" in m.detail and "minigrad NoneType: None" in m.detail),
    # PyTorch writes into an expanded tensor through masked_fill_ and item assignment (with a deprecation
    # warning); minigrad refuses as it does for every in-place op on overlapping memory.
    # (zero_, fill_ and index_fill_ too; PyTorch then also checks its other arguments first.)
    ("in-place writes into an expanded tensor", lambda m: m.kind == "exception"
     and m.op in ("masked_fill_", "setitem", "zero_", "fill_", "index_fill_", "backward")
     and "refers to a single memory location" in m.detail and "expand(" in " ".join(m.program)),
    # numpy's remainder of a zero may be -0.0 where PyTorch's is 0.0 (a reciprocal then flips the inf's sign), and a
    # remainder turns a last-bit difference of its operands (sigmoid, norm) into a visible one.
    ("remainder and fmod: the sign of a zero, and operands that differ in the last bit", lambda m: m.kind in (
        "value", "grad") and any(op in " ".join(m.program) + m.op for op in ("remainder", "fmod"))),
    # b[...] = v with a 0-d v that requires grad, on a bool or integer b: PyTorch's fill_ records and b requires
    # grad; minigrad records nothing into a tensor that cannot hold a gradient.
    # A view's requires_grad and grad_fn follow its base's in-place changes when the view is next used, not at once.
    ("a view's requires_grad is brought up to date when it is used", lambda m: m.kind == "requires_grad"
     and "afterwards" in m.detail),
    ("item assignment of a 0-d tensor into a bool or integer tensor", lambda m: m.op == "setitem"
     and m.kind == "requires_grad"),
    ("cross_entropy: empty class dim, ignored targets over nan inputs", lambda m: "cross_entropy" in " ".join(
        m.program) and m.kind in ("exception", "value", "grad") and "'ignore_index': -1" in " ".join(m.program)),
    ("nan and inf through hardtanh, gelu and logsumexp", lambda m: m.kind in ("value", "grad")
     and "nan" in m.detail and any(op in " ".join(m.program) for op in ("hardtanh(", "gelu(", "logsumexp("))),
    # PyTorch's own hardtanh gradient at a nan is 1 from its scalar kernel and 0 from its vector one, which it
    # picks by the tensor's size (16 float32 elements and more, 8 float64); minigrad's is always 1
    ("hardtanh's gradient at a nan", lambda m: m.kind == "grad" and "hardtanh(" in " ".join(m.program)
     and any(op in " ".join(m.program) for op in ("log(", "sqrt(", "/(", "rsqrt(", "**", "xlogy(", "log2(",
                                                  "log10(", "log1p(", "remainder(", "fmod(", "acos", "asin"))),
    # PyTorch checks an input that is an output of split/unbind/chunk, whose base was changed in place, before the
    # op's own arguments; minigrad checks the arguments first
    ("a stale split output and an op's argument error: which comes first", lambda m: m.kind == "exception"
     and "do not allow the output views to be modified inplace" in m.detail and "minigrad NoneType" not in m.detail
     and "PyTorch NoneType" not in m.detail),
    ("backward through a power with a bool exponent", lambda m: m.op == "backward" and "bool tensor" in m.detail),
    # PyTorch's einsum is a path of sums, products and bmm: bool sums give int64, products promote, bmm refuses
    # bool and mixed dtypes. minigrad's is one contraction of operands of one dtype.
    ("einsum of bool, integer or mixed-dtype operands", lambda m: m.op.startswith("einsum") and (
        m.kind == "dtype" or m.kind == "exception" and ("scalar type" in m.detail or "'Bool'" in m.detail))),
    # pytorch/pytorch#54135: kron views a non-contiguous input it should reshape
    ("PyTorch's kron refuses some non-contiguous inputs", lambda m: m.op == "kron" and m.kind == "exception"
     and "view size is not compatible" in m.detail and "minigrad NoneType: None" in m.detail),
    # ... and the _unsafe_view it makes of its inputs has its own version counter, so PyTorch's backward misses an
    # in-place change of a kron input that minigrad's catches
    ("PyTorch's kron misses in-place changes of its inputs", lambda m: m.op == "backward" and m.kind == "exception"
     and "PyTorch NoneType: None" in m.detail and "modified by an inplace operation" in m.detail
     and "kron(" in " ".join(m.program)),
    # operands that agree to float32 rounding, through an op that magnifies the difference: a cast to an integer
    # (2.9999998 against 3.0000002), a comparison, floor/round, or the sine of a large number
    ("an op magnifying a last-bit difference its operands already had", lambda m: m.kind == "value" and m.gap > 0
     and (m.op in ("long", "int", "bool", "sin", "cos", "sin_", "floor", "ceil", "round", "trunc", "frac", "sign",
                   "==", "argmax", "argmin", "round(decimals)", "remainder", "fmod") or _close(m, 1e-4))),
    ("index_select's two wordings of an out-of-range index", lambda m: m.kind == "exception"
     and m.op == "index_select" and "index out of range in self" in m.detail and "INDICES" in m.detail),
    ("inf and nan gradients after a division by zero, a sqrt or a power of a negative or a signed zero",
     lambda m: m.kind == "grad" and ("nan" in m.detail or "inf" in m.detail)
     and any(op in " ".join(m.program) for op in ("/(", "sqrt(", "**(", "reciprocal(", "x**s(", "log(", "log2(",
                                                  "log10(", "log1p(", "xlogy(", "prod(", "cumprod(", "hypot(",
                                                  "atan2(", "norm(", "rsqrt(", "lerp(", "s**x(",
                                                  "div_(", "reciprocal_(", "sqrt_(", "std(", "var(",
                                                  "smooth_l1_loss("))),
    ("float32 results rounded to a neighbouring float", _last_bits_of_float32),
    # The fuzzer's "optimizer step" is zero_grad, backward, step: when backward fails, zero_grad has already
    # zeroed a gradient in place (one that aliases another tensor after ``.grad = t``), in PyTorch as well.
    ("zero_grad before a failed backward in the fuzzer's optimizer step", lambda m: m.kind == "state"
     and m.op == "optimizer step"),
    # x.add_(y) where y is a strided view of x's own memory: PyTorch lets it through (its overlap check gives up on
    # such layouts) and the result depends on its loop order; numpy computes as if y were copied first.
    ("an in-place op reading a strided view of the memory it writes", lambda m: m.kind == "value"
     and m.op in ("add_", "copy_", "setitem") and any(v in " ".join(m.program) for v in _VIEWS)),
    # The overlap check itself is PyTorch's (dense blocks that overlap without being the same elements), but
    # PyTorch compares layouts after its own expands and squeezes: on single elements and size-1 dims the two
    # can disagree.
    ("partial-overlap check on single elements and size-1 dims", lambda m: m.kind == "exception"
     and "some elements of the input tensor and the written-to tensor" in m.detail),
    ("matmul of empty tensors of two dtypes", lambda m: m.op == "matmul" and "same dtype" in m.detail),
    ("topk and sort order among ties", lambda m: m.kind == "value" and m.op in ("topk", "sort", "max", "min")),
    ("the sign of a zero or an infinity", _only_signs_of_zeros_and_infs),
    # an elementwise result is laid out as numpy lays it out; PyTorch keeps a transposed input's strides
    ("elementwise results' memory layout", lambda m: m.op == "view" and "view size is not compatible" in m.detail),
]


def explain(mismatch) -> str | None:
    """The name of the known cause of ``mismatch``, or None."""
    for name, matches in CAUSES:
        if matches(mismatch):
            return name
    return None
