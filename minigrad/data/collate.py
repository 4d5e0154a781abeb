"""Collation: turn a list of samples into one batch (``default_collate``), or convert one sample (``default_convert``).

The rules follow the type of the *first* sample and recurse into containers, as PyTorch's do:

=========================  ================================================================================
sample element             batch
=========================  ================================================================================
Tensor of shape ``S``      ``stack``: a tensor of shape ``(B, *S)``
numpy array                converted to tensors (same dtype), then stacked
numpy scalar               a 1-D tensor of the scalar's dtype
float                      a float64 tensor of shape ``(B,)``
int / bool                 an int64 / bool tensor of shape ``(B,)``
str / bytes                the samples as given (a list, or a tuple inside a transposed field)
dict (Mapping)             the same keys, each value collated over the batch
namedtuple                 the same namedtuple, each field collated
tuple / list (Sequence)    transposed: field ``i`` of every sample collated together (a tuple gives a list)
=========================  ================================================================================
"""

from __future__ import annotations

import collections.abc
import copy
from typing import Any

import numpy as np

from minigrad._functional import stack
from minigrad.creation import from_numpy, tensor
from minigrad.dtypes import from_numpy_dtype
from minigrad.tensor import Tensor

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_text_array(arr: np.ndarray) -> bool:
    """Strings, bytes and Python objects: numpy arrays that cannot become tensors."""
    return arr.dtype.kind in "SaUO"


def _as_tensor(arr: np.ndarray) -> Tensor:
    """A tensor sharing ``arr``'s memory, like ``torch.as_tensor`` (raises TypeError for unsupported dtypes)."""
    from_numpy_dtype(arr.dtype)
    return from_numpy(arr)


def _is_numpy_scalar(x: Any) -> bool:
    return isinstance(x, (np.bool_, np.number))


def _rebuild(elem: Any, values: Any, convert: Any) -> Any:
    """A container like ``elem`` (a Mapping or a Sequence) holding ``convert(values)``, falling back to dict/list."""
    if isinstance(elem, collections.abc.Mapping):
        new = {key: convert(v) for key, v in values.items()}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(new)
                return clone
            return type(elem)(new)
        except TypeError:
            return new
    new = [convert(v) for v in values]
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, v in enumerate(new):
                clone[i] = v
            return clone
        return type(elem)(new)
    except TypeError:
        return new


def default_collate(batch: list[Any] | tuple[Any, ...]) -> Any:
    """Join a list of ``B`` samples into one batch, with PyTorch's ``default_collate`` rules (see module doc).

    Example::

        default_collate([(x0, 0), (x1, 1)])  # [stack([x0, x1]), tensor([0, 1])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _is_text_array(elem):
            raise TypeError(_ERR.format(elem.dtype))
        return default_collate([_as_tensor(b) for b in batch])
    if _is_numpy_scalar(elem):
        return _as_tensor(np.array(batch))
    if isinstance(elem, float):
        # Straight to float64: going through the float32 default would round the values.
        return from_numpy(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {key: [d[key] for d in batch] for key in elem}, default_collate)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = list(zip(*batch))  # tuples: a str field comes back as a tuple, as in PyTorch
        if isinstance(elem, tuple):
            return [default_collate(f) for f in fields]
        return _rebuild(elem, fields, default_collate)
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Convert one sample without batching (``DataLoader(batch_size=None)``): numpy arrays and numpy scalars
    become tensors (sharing memory), containers are converted element by element (a tuple becomes a list),
    everything else is returned unchanged."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _is_text_array(data) else _as_tensor(data)
    if _is_numpy_scalar(data):
        return _as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, dict(data), default_convert)
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, list(data), default_convert)
    return data
