"""``minigrad.save`` / ``minigrad.load``: state dicts in a numpy ``.npz`` archive that loading can never execute.

PyTorch's ``torch.save`` pickles, and unpickling a file can run any code it names. minigrad stores tensors,
arrays, numbers, strings and their lists, tuples and dicts (a state dict, a checkpoint) as numeric arrays (each an
``.npy`` entry, written and read with ``allow_pickle=False``) plus, for anything but a flat ``{name: tensor}``
dict, a JSON description of the nesting. Neither format can carry code.

Anything else (``minigrad.save(model)``, a whole module, as ``torch.save`` allows) is pickled into the archive.
``load`` then refuses it by default (``weights_only=True``, PyTorch's default since 2.6, with PyTorch's error)
and runs nothing; ``load(f, weights_only=False)`` unpickles it, for files you trust.

A flat state dict ``{"fc.weight": tensor, ...}`` is stored one entry per key, so ``numpy.load(path)["fc.weight"]``
works too; an archive written by ``numpy.savez`` loads back as such a dict.
"""

from __future__ import annotations

import json
import os
import pickle
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from minigrad.tensor import Tensor

__all__ = ["save", "load"]

# The entry holding the JSON description of a nested object; its absence means "flat dict of tensors".
_STRUCTURE = "__minigrad_structure__"
# The entry holding a pickled object (a whole module), and the one naming its class for load's refusal.
_PICKLE = "__minigrad_pickle__"
_PICKLED_CLASS = "__minigrad_pickled_class__"


class _NotPlain(TypeError):
    """``obj`` holds something the plain format cannot store: ``save`` pickles it instead."""


def _is_flat_state_dict(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and all(isinstance(k, str) and k != _STRUCTURE for k in obj)
        and all(isinstance(v, Tensor) for v in obj.values())
    )


def _numeric(arr: np.ndarray, where: str) -> np.ndarray:
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"minigrad.save can only store numeric arrays, but {where} has numpy dtype {arr.dtype}")
    return arr


def _encode(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """A JSON-able description of ``obj``; tensors and arrays go into ``arrays`` under fresh entry names."""
    if isinstance(obj, Tensor):
        name = str(len(arrays))
        arrays[name] = _numeric(obj._data, "a tensor")
        return {"tensor": name, "requires_grad": obj.requires_grad}
    if isinstance(obj, np.ndarray):
        name = str(len(arrays))
        arrays[name] = _numeric(obj, "an array")
        return {"ndarray": name}
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        items = [[_encode(k, arrays), _encode(v, arrays)] for k, v in obj.items()]
        return {"dict": items, "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, (list, tuple)):
        return {type(obj).__name__: [_encode(v, arrays) for v in obj]}
    raise _NotPlain(type(obj).__name__)


def save(obj: Any, f: str | os.PathLike | IO[bytes]) -> None:
    """Write ``obj`` (usually ``model.state_dict()``) to the path or binary file ``f`` as an ``.npz`` archive.

    ``obj`` may be a tensor, a numpy array, a number, a string, None, or lists/tuples/dicts (keys of those
    scalar types) nesting them, e.g. ``{"model": model.state_dict(), "epoch": 3}``: those load back with the
    default, safe ``load``. Anything else, such as a whole module (``minigrad.save(model, f)``, as ``torch.save``
    does), is pickled into the archive; loading it needs ``load(f, weights_only=False)``, which runs the pickle's
    code, so do it only for files you trust. The file is written exactly at ``f`` (no extension is added).
    """
    if _is_flat_state_dict(obj):
        arrays = {k: _numeric(v._data, f"entry {k!r}") for k, v in obj.items()}
    else:
        arrays = {}
        try:
            structure = json.dumps(_encode(obj, arrays))
            arrays[_STRUCTURE] = np.frombuffer(structure.encode("utf-8"), dtype=np.uint8)
        except _NotPlain:
            kind = type(obj)
            arrays = {
                _PICKLE: np.frombuffer(pickle.dumps(obj), dtype=np.uint8),
                _PICKLED_CLASS: np.frombuffer(f"{kind.__module__}.{kind.__qualname__}".encode(), dtype=np.uint8),
            }
    fh = open(f, "wb") if isinstance(f, (str, os.PathLike)) else f
    try:
        with zipfile.ZipFile(fh, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, arr in arrays.items():
                with zf.open(name + ".npy", "w", force_zip64=True) as entry:
                    np.lib.format.write_array(entry, np.asarray(arr), allow_pickle=False)
    finally:
        if fh is not f:
            fh.close()


def _decode(node: Any, arrays: Any) -> Any:
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if not isinstance(node, dict):
        raise ValueError("corrupt minigrad archive: unexpected JSON value in the structure")
    if "tensor" in node:
        t = Tensor._make(arrays[node["tensor"]], False)
        return t.requires_grad_(True) if node.get("requires_grad") else t
    if "ndarray" in node:
        return arrays[node["ndarray"]]
    if "dict" in node:
        out = OrderedDict() if node.get("ordered") else {}
        for k, v in node["dict"]:
            key = _decode(k, arrays)
            if isinstance(key, list):
                raise ValueError("corrupt minigrad archive: a dict key is a list")
            out[key] = _decode(v, arrays)
        return out
    if "list" in node:
        return [_decode(v, arrays) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, arrays) for v in node["tuple"])
    raise ValueError(f"corrupt minigrad archive: unknown node {sorted(node)}")


class _Entries:
    """The archive's entries, each checked to be a numeric ``.npy`` array (numpy hands other members over as raw
    bytes, e.g. the pickle inside a ``torch.save`` file)."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def __getitem__(self, name: str) -> np.ndarray:
        value = self._data[name]
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiub":
            raise ValueError(
                f"minigrad.load: archive member {name!r} is not a numeric .npy array; minigrad reads only archives "
                "written by minigrad.save or numpy.savez (not torch.save files)"
            )
        return np.array(value)


def load(f: str | os.PathLike | IO[bytes], map_location: Any = None, *, weights_only: bool = True) -> Any:
    """Read what ``save`` wrote: a flat state dict comes back as an ``OrderedDict`` of tensors.

    The file is read with ``numpy.load(..., allow_pickle=False)``: nothing in it runs. An object that ``save``
    pickled (a whole module) raises PyTorch's ``pickle.UnpicklingError`` ("Weights only load failed...") unless
    ``weights_only=False``, which unpickles it: that can run code from the file, so use it only for files you
    trust. A pickle file of another kind (``torch.save``'s) raises ``ValueError``. ``map_location``: None or
    ``'cpu'`` only.
    """
    if map_location is not None and str(map_location) != "cpu":
        raise RuntimeError(f"minigrad runs on the CPU only, got map_location={map_location!r}")
    try:
        data = np.load(f, allow_pickle=False)
        if isinstance(data, np.ndarray):  # a single .npy file
            return Tensor._make(data, False)
        with data:
            arrays = _Entries(data)
            if _PICKLE in data.files:
                return _unpickle(arrays, weights_only)
            if _STRUCTURE not in data.files:
                return OrderedDict((k, Tensor._make(arrays[k], False)) for k in data.files)
            structure = json.loads(bytes(arrays[_STRUCTURE]).decode("utf-8"))
            return _decode(structure, arrays)
    except ValueError as err:
        if "pickle" not in str(err):
            raise
        raise ValueError(
            f"minigrad.load refuses this file: it holds pickled Python objects, and minigrad never unpickles "
            f"(unpickling can run code from the file). numpy said: {err}"
        ) from None


def _unpickle(arrays: _Entries, weights_only: bool) -> Any:
    """The object ``save`` pickled, if ``weights_only`` is False; else PyTorch's refusal, having run nothing."""
    if weights_only:
        name = bytes(arrays[_PICKLED_CLASS]).decode("utf-8")
        raise pickle.UnpicklingError(
            "Weights only load failed. This file can still be loaded, to do so you have two options, do those "
            "steps only if you trust the source of the checkpoint. \n\t(1) Re-running `minigrad.load` with "
            "`weights_only` set to `False` will likely succeed, but it can result in arbitrary code execution. Do "
            "it only if you got the file from a trusted source.\n\t(2) Alternatively, save and load the state dict "
            "(`minigrad.save(model.state_dict(), f)`, then `model.load_state_dict(minigrad.load(f))`), which "
            f"loads with `weights_only=True`.\n\tWeightsUnpickler error: Unsupported global: GLOBAL {name} was "
            "not an allowed global by default."
        )
    return pickle.loads(bytes(arrays[_PICKLE]))
