"""Variable-length sequences for the recurrent layers: pad them into one tensor, or pack them without padding.

A batch of sequences of different lengths can be stored two ways:

- padded: one tensor ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``), the short sequences filled up to
  ``T = max length`` with a padding value, plus their ``lengths``;
- packed (``PackedSequence``): the sequences sorted longest first, then their steps stored time-major with no
  padding at all: ``data`` holds step 0 of every sequence, then step 1 of every sequence still running, and so
  on; ``batch_sizes[t]`` says how many sequences are still running at step ``t``.

``RNN``, ``LSTM`` and ``GRU`` accept a ``PackedSequence``: at step ``t`` they run only the first
``batch_sizes[t]`` (sorted) sequences, so padding never enters a hidden state or a gradient.

Every function here is a composition of indexing and ``cat``, so gradients flow back to the padded or packed
data. See also: PyTorch's ``torch.nn.utils.rnn``, whose names, arguments, results and error messages these follow.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._functional import cat
from minigrad.tensor import Tensor

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence", "pack_sequence"]

_UNSORTED = (
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
    "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do "
    "not need ONNX exportability."
)


def _int64(values: Any) -> Tensor:
    return Tensor._make(np.asarray(values, dtype=np.int64), False)


def _invert_permutation(perm: Tensor | None) -> Tensor | None:
    if perm is None:
        return None
    inverse = np.empty_like(perm._data)
    inverse[perm._data] = np.arange(perm._data.size, dtype=perm._data.dtype)
    return _int64(inverse)


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """A batch of variable-length sequences, packed time-major without padding (a named tuple).

    Fields:
        data: ``(sum(lengths), *)``: step 0 of every sequence (longest first), then step 1 of the sequences
            still running, and so on.
        batch_sizes: int64 ``(T,)``: how many sequences are running at step ``t`` (non-increasing).
        sorted_indices: int64 ``(B,)`` or None: ``sorted_indices[j]`` is the original batch index of the ``j``-th
            longest sequence; None when the batch was already sorted.
        unsorted_indices: int64 ``(B,)`` or None: its inverse, computed from ``sorted_indices`` when omitted.

    Build one with ``pack_padded_sequence`` or ``pack_sequence``, not by hand.
    """

    __slots__ = ()

    def __new__(
        cls,
        data: Tensor,
        batch_sizes: Tensor | None = None,
        sorted_indices: Tensor | None = None,
        unsorted_indices: Tensor | None = None,
    ) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = _invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)


def _lengths_array(lengths: Any) -> np.ndarray:
    """``lengths`` (a list, numpy array or int64 Tensor) as a 1-D numpy int64 array, with PyTorch's error."""
    array = np.asarray(lengths._data if isinstance(lengths, Tensor) else lengths)
    if array.ndim != 1:
        raise RuntimeError(
            f"'lengths' argument should be a 1D CPU int64 tensor, but got {array.ndim}D cpu Long tensor"
        )
    return array.astype(np.int64)


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch: ``input (T, B, *)`` (``(B, T, *)`` with ``batch_first``) and ``lengths (B,)``.

    With ``enforce_sorted=True`` the lengths must be non-increasing (and ``sorted_indices`` is None); otherwise the
    batch is sorted longest first (ties keep their order) and the permutation is stored in the result.
    Returns a ``PackedSequence`` whose ``data`` is ``(sum(lengths), *)``; the padding steps are left out.
    """
    lens = _lengths_array(lengths)
    x = input.transpose(0, 1) if batch_first else input
    batch = x._data.shape[1]
    if enforce_sorted:
        order = np.arange(lens.size, dtype=np.int64)
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable").astype(np.int64)
        sorted_indices = _int64(order)
    if lens.size != batch:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} (batch_size={batch})"
        )
    sorted_lens = lens[order]
    if enforce_sorted and np.any(sorted_lens[1:] > sorted_lens[:-1]):
        raise RuntimeError(_UNSORTED)
    if np.any(sorted_lens <= 0):
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"
        )
    steps = int(sorted_lens[0])
    batch_sizes = np.array([(sorted_lens > t).sum() for t in range(steps)], dtype=np.int64)
    # Row r of the packed data is x[time[r], order[slot[r]]]: step t of the first batch_sizes[t] sorted sequences.
    time = np.repeat(np.arange(steps), batch_sizes)
    slot = np.concatenate([np.arange(n) for n in batch_sizes])
    data = ops.Index.apply(x, index=(time, order[slot]))
    return PackedSequence(data, _int64(batch_sizes), sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: returns ``(padded, lengths)``, in the original batch order.

    ``padded`` is ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``), ``T`` the longest length or ``total_length``
    when given (it may not be shorter), the steps past each sequence's end filled with ``padding_value``;
    ``lengths`` is an int64 ``(B,)`` tensor.
    """
    data = sequence.data
    sizes = np.asarray(sequence.batch_sizes._data, dtype=np.int64)
    steps, batch = sizes.size, int(sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {steps}"
            )
        steps_out = total_length
    else:
        steps_out = steps
    sorted_lens = np.array([(sizes > j).sum() for j in range(batch)], dtype=np.int64)
    slot = np.arange(batch) if sequence.unsorted_indices is None else sequence.unsorted_indices._data
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    pad_row = data._data.shape[0]
    # idx[t, b]: the packed row holding step t of (original) sequence b, or the extra padding row past its end.
    idx = np.full((steps_out, batch), pad_row, dtype=np.int64)
    t = np.arange(steps)[:, None]
    running = t < sorted_lens[slot][None, :]
    idx[:steps] = np.where(running, offsets[:steps, None] + slot[None, :], pad_row)
    pad = Tensor._make(np.full((1,) + data._data.shape[1:], padding_value, dtype=data._data.dtype), False)
    padded = ops.Index.apply(cat([data, pad], 0), index=(idx.T if batch_first else idx,))
    return padded, _int64(sorted_lens[slot])


def pad_sequence(
    sequences: Sequence[Tensor] | Tensor,
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences ``(L_i, *)`` into one padded tensor ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``).

    ``T = max L_i``; each sequence is padded with ``padding_value`` after its end (``padding_side='right'``) or
    before its start (``'left'``).
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    seqs = [sequences[i] for i in range(sequences._data.shape[0])] if isinstance(sequences, Tensor) else list(sequences)
    lens = np.array([s._data.shape[0] for s in seqs], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)])[:-1]
    steps = int(lens.max())
    first = seqs[0]._data
    pad_row = int(lens.sum())
    t = np.arange(steps)[:, None]
    shift = 0 if padding_side == "right" else (steps - lens)[None, :]  # leading pad steps per sequence (left)
    inside = (t >= shift) & (t < shift + lens[None, :])
    idx = np.where(inside, starts[None, :] + t - shift, pad_row)
    pad = Tensor._make(np.full((1,) + first.shape[1:], padding_value, dtype=first.dtype), False)
    return ops.Index.apply(cat(seqs + [pad], 0), index=(idx.T if batch_first else idx,))


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (longest first unless ``enforce_sorted=False``) into a
    ``PackedSequence``: ``pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=...)``."""
    lengths = [s._data.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
