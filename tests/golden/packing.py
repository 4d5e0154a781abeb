"""Pack many small named arrays into a few, so a fixture file stays small (one zip entry per dtype).

``pack({"a/out": array, "a/name": "MulBackward0"})`` gives a dict for ``numpy.savez_compressed``: one flat
array per dtype (``data_float64``, ...) and ``index``, a JSON string that maps each name to
``[dtype, offset, shape]`` or to a string value. ``unpack`` reverses it. No pickles.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np


def pack(items: dict[str, Any]) -> dict[str, np.ndarray]:
    """Group the arrays of ``items`` by dtype into flat arrays, strings into the JSON index."""
    index: dict[str, Any] = {}
    chunks: dict[str, list[np.ndarray]] = {}
    sizes: dict[str, int] = {}
    for key, value in items.items():
        if isinstance(value, str):
            index[key] = value
            continue
        a = np.asarray(value)
        dt = a.dtype.name
        index[key] = [dt, sizes.get(dt, 0), list(a.shape)]
        chunks.setdefault(dt, []).append(a.ravel())
        sizes[dt] = sizes.get(dt, 0) + a.size
    out = {f"data_{dt}": np.concatenate(parts) for dt, parts in chunks.items()}
    out["index"] = np.array(json.dumps(index))
    return out


def unpack(npz: Any) -> dict[str, Any]:
    """The ``items`` given to ``pack``, from the loaded ``.npz`` (arrays are copies, strings are str)."""
    index = json.loads(str(npz["index"]))
    flat = {name[5:]: npz[name] for name in npz.files if name.startswith("data_")}
    items: dict[str, Any] = {}
    for key, entry in index.items():
        if isinstance(entry, str):
            items[key] = entry
            continue
        dt, offset, shape = entry
        n = int(np.prod(shape, dtype=np.int64))
        items[key] = flat[dt][offset:offset + n].reshape(shape).copy()
    return items


def load(path: Any) -> dict[str, Any]:
    """``unpack`` of the fixture file at ``path``."""
    with np.load(path, allow_pickle=False) as npz:
        return unpack(npz)
