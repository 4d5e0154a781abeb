"""PyTorch-style printing of tensors: 4 decimals, scientific notation for wide ranges, summarised above 1000
elements, with the ``dtype=``, ``grad_fn=`` and ``requires_grad=`` suffixes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

LINEWIDTH = 80
THRESHOLD = 1000
EDGEITEMS = 3
PRECISION = 4
DEFAULT_DTYPE = np.dtype(np.float32)  # the dtype a repr leaves unnamed, with int64 and bool (set_default_dtype)
SCI_MODE = None  # None: chosen per tensor; True or False: always or never scientific (set_printoptions)
_NAME_EXTRA = len("minigrad.") - len("torch.")


class _Formatter:
    """Chooses one format for every element so the columns line up.

    As in PyTorch, the mode and the width come from the finite non-zero values only: zeros, nan and inf are
    printed in that format and padded to that width, never widening it.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.kind = values.dtype.kind
        self.mode = "str"
        self.width = 1
        if self.kind != "f":
            self.width = max((len(str(v)) for v in values.ravel().tolist()), default=1)
            return
        self.mode = "int"
        shown = values[np.isfinite(values) & (values != 0)].astype(np.float64)
        if shown.size == 0:
            return
        lo, hi = np.abs(shown).min(), np.abs(shown).max()
        if np.all(shown == np.ceil(shown)):
            if hi / lo > 1000.0 or hi > 1e8:
                self.mode = "sci"
        elif hi / lo > 1000.0 or hi > 1e8 or lo < 1e-4:
            self.mode = "sci"
        else:
            self.mode = "fixed"
        if SCI_MODE is not None:
            self.mode = "sci" if SCI_MODE else "fixed"
        self.width = max(len(self._raw(v)) for v in shown.tolist())

    def _raw(self, v: Any) -> str:
        if self.kind != "f":
            return str(v)
        if self.mode == "int":
            return f"{v:.0f}" + ("." if math.isfinite(v) else "")
        if self.mode == "sci":
            return f"{v:.{PRECISION}e}"
        return f"{v:.{PRECISION}f}"

    def format(self, v: Any) -> str:
        return self._raw(v).rjust(self.width)


def _summary(a: np.ndarray) -> np.ndarray:
    """The elements shown when summarising: the first and last EDGEITEMS along every dim."""
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * EDGEITEMS:
        a = np.concatenate([a[:EDGEITEMS], a[-EDGEITEMS:]])
    return np.stack([_summary(x) for x in a]) if a.ndim > 1 else a


def _body(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        vals = a.tolist()
        if summarize and len(vals) > 2 * EDGEITEMS:
            items = [fmt.format(v) for v in vals[:EDGEITEMS]] + [" ..."]
            items += [fmt.format(v) for v in vals[-EDGEITEMS:]]
        else:
            items = [fmt.format(v) for v in vals]
        per_line = max(1, int(math.floor((LINEWIDTH - indent) / (fmt.width + 2))))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"
    n = a.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        parts = [_body(a[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)] + ["..."]
        parts += [_body(a[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)]
    else:
        parts = [_body(a[i], indent + 1, summarize, fmt) for i in range(n)]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def tensor_repr(t: Any, prefix: str = "tensor(") -> str:
    """``repr`` of a Tensor, laid out as PyTorch lays it out."""
    a = t._data
    indent = len(prefix)
    suffixes = []
    if a.size == 0:
        body = "[]"
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != DEFAULT_DTYPE:
            suffixes.append(f"dtype=minigrad.{a.dtype}")
    else:
        summarize = a.size > THRESHOLD
        fmt = _Formatter(_summary(a) if summarize else a)
        body = _body(a, indent, summarize, fmt)
        if a.dtype not in (DEFAULT_DTYPE, np.int64, np.bool_):
            suffixes.append(f"dtype=minigrad.{a.dtype}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    out = [prefix + body]
    last = len(out[0]) - out[0].rfind("\n") + 1
    for s in suffixes:
        # Measure "dtype=minigrad.float64" as PyTorch measures "dtype=torch.float64", so lines break where
        # PyTorch breaks them.
        n = len(s) - s.count("minigrad.") * _NAME_EXTRA
        if last + n + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + s)
            last = indent + n
        else:
            out.append(", " + s)
            last += n + 2
    out.append(")")
    return "".join(out)


_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """How tensors print, as PyTorch's ``set_printoptions``: ``precision`` digits after the point (4),
    ``threshold`` elements above which a tensor is summarised (1000), ``edgeitems`` kept at each end of a
    summarised dim (3), ``linewidth`` characters per line (80), a ``profile`` ('default', 'short', 'full') that
    sets the first four, and ``sci_mode`` (True/False: always/never scientific; None: chosen per tensor)."""
    global PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH, SCI_MODE
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"Unknown profile {profile!r}: choose 'default', 'short' or 'full'")
        PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = _PROFILES[profile]
    PRECISION = PRECISION if precision is None else precision
    THRESHOLD = THRESHOLD if threshold is None else threshold
    EDGEITEMS = EDGEITEMS if edgeitems is None else edgeitems
    LINEWIDTH = LINEWIDTH if linewidth is None else linewidth
    SCI_MODE = sci_mode
