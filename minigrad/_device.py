"""``minigrad.device``: PyTorch's device vocabulary, for a library that runs on the CPU only (with ``minigrad.cuda``).

Tutorial code picks a device and moves everything to it::

    device = minigrad.device("cuda" if minigrad.cuda.is_available() else "cpu")   # device(type='cpu')
    model.to(device); x = x.to(device); h0 = minigrad.zeros(2, 3, device=x.device)
    prediction.cpu().detach().numpy()

All of this runs unchanged: every tensor is on ``device(type='cpu')``, moving to the CPU is a no-op, and moving
to any other device raises ``RuntimeError: minigrad runs on the CPU only, got device='cuda'``.
"""

from __future__ import annotations

import re
from typing import Any

#: The device types PyTorch knows, in the order its error message lists them.
_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla", "lazy",
    "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)


class device:  # noqa: N801  (PyTorch's name)
    """A device: ``device("cpu")``, ``device("cpu:0")``, ``device("cuda", 1)``.

    Args:
        type: a device type (``"cpu"``, ``"cuda"``, ...), optionally with ``":<index>"``, or a ``device``.
        index: the device index, a non-negative int (only when ``type`` has none).

    Any of PyTorch's device types can be named (so that ``device("cuda" if ... else "cpu")`` works), but
    minigrad puts tensors on ``cpu`` only. ``repr`` and ``str`` are PyTorch's: ``device(type='cpu')``, ``'cpu'``.
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002  (PyTorch's argument name)
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, str):
            kind, sep, rest = type.partition(":")
            if kind not in _TYPES:
                raise RuntimeError(
                    f"Expected one of {', '.join(_TYPES)} device type at start of device string: {type}"
                )
            if sep:
                if not re.fullmatch(r"0|[1-9][0-9]*", rest) or index is not None:
                    raise RuntimeError(f"Invalid device string: '{type}'")
                index = int(rest)
            type = kind
        else:
            raise TypeError(f"device() received an invalid combination of arguments - got ({type!r})")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


#: The one device minigrad's tensors live on.
CPU = device("cpu")


def is_device(value: Any) -> bool:
    """Whether ``value`` names a device (a ``device``, or a string like ``'cpu'`` or ``'cuda:0'``) rather than a
    dtype: what ``Tensor.to`` and ``Module.to`` use to read their positional argument."""
    if isinstance(value, device):
        return True
    return isinstance(value, str) and value.partition(":")[0] in _TYPES


def check_device(value: Any) -> None:
    """Accept ``None``, ``'cpu'`` (with any index) or ``device('cpu')``; raise for any other device."""
    if value is None:
        return
    if device(value).type != "cpu":
        raise RuntimeError(f"minigrad runs on the CPU only, got device={value!r}")
