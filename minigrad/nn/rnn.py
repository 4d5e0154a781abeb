"""Recurrent layers: ``RNNCell`` (one time step, you write the loop) and ``RNN`` (whole sequences), and the
gated ones, ``LSTMCell``/``LSTM`` and ``GRUCell``/``GRU`` (at the end of this file).

Both compute the Elman recurrence, with ``act`` = tanh (default) or relu::

    h_t = act(x_t @ W_ih^T + b_ih + h_{t-1} @ W_hh^T + b_hh)

They are compositions of minigrad's primitives (matmul, add, select, tanh/relu, stack, cat), so the graph they
record is the unrolled loop itself: a learner can draw it and see every step. ``RNN`` makes it cheap where it can:
the input projections ``x_t @ W_ih^T`` of all time steps do not depend on ``h``, so each layer computes them in
one matmul before the loop, and the loop keeps only what depends on the previous step.

The lesson, in reading order: ``rnn_step``, ``lstm_step`` and ``gru_step`` are one step of each cell (the cells
call them, and so do the layers); ``_run_steps`` is the loop over time of one layer and direction; ``_unroll``
runs the layers and directions. The fast twin of ``_run_steps`` is ``minigrad/fast/recurrence.py`` (one numpy
loop per direction that records the same nodes, made only when looked at); a layer uses it when it is plugged in
(``minigrad.kernels``; ``MINIGRAD_FAST=0`` or ``minigrad.fast.set_enabled(False)`` turns it off).

See also: PyTorch's ``torch.nn.RNNCell`` and ``torch.nn.RNN``, whose names, arguments, shapes, parameter names,
initialisation, reprs and error messages these follow.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import warnings
from typing import Any

import numpy as np

from minigrad import kernels, ops
from minigrad._device import check_device
from minigrad._functional import cat, stack
from minigrad.autograd.scope import current_scope, scope
from minigrad.dtypes import from_numpy_dtype, to_numpy_dtype
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.nn.utils.rnn import PackedSequence
from minigrad.tensor import DEFAULT_FLOAT, Tensor

# PyTorch's scalar-type names, used in its "mat1 and mat2 must have the same dtype" message.
_SCALAR_NAMES = {
    "float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}

_UNKNOWN_NONLINEARITY = "Unknown nonlinearity '{}'. Select from 'tanh' or 'relu'."


def _scalar_name(t: Tensor) -> str:
    return _SCALAR_NAMES.get(t._data.dtype.name, t._data.dtype.name)


def _check_same_dtype(a: Tensor, w: Tensor) -> None:
    """Raise PyTorch's matmul dtype error when ``a`` (an input or hidden state) and weight ``w`` differ."""
    if a._data.dtype != w._data.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_scalar_name(a)} and {_scalar_name(w)}"
        )


def _new_parameter(shape: tuple[int, ...], dtype: np.dtype) -> Parameter:
    """An uninitialised (zero) parameter; ``reset_parameters`` draws its values."""
    return Parameter(np.zeros(shape, dtype=dtype))


def _uniform_(module: Module, bound: float) -> None:
    """Fill every parameter of ``module`` with U(-bound, bound), in registration order (minigrad's generator)."""
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


class RNNCellBase(Module):
    """What the recurrent cells share: the sizes, the parameters and their initialisation, the repr.

    Parameters (``G = num_chunks * hidden_size`` rows, one chunk per gate; the plain RNN cell has one):
        weight_ih: ``(G, input_size)``    weight_hh: ``(G, hidden_size)``
        bias_ih: ``(G,)``                  bias_hh: ``(G,)``   (both registered as ``None`` when ``bias=False``)
    All drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) like PyTorch.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, *, dtype: Any = None
    ) -> None:
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(size, int) or isinstance(size, bool):
                raise TypeError(f"{name} should be of type int, got: {type(size).__name__}")
        shape_ih = (num_chunks * hidden_size, input_size)
        for shape in (shape_ih, (num_chunks * hidden_size, hidden_size)):
            negative = [s for s in shape if s < 0]
            if negative:
                raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {list(shape)}")
        np_dtype = DEFAULT_FLOAT if dtype is None else to_numpy_dtype(dtype)
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = _new_parameter(shape_ih, np_dtype)
        self.weight_hh = _new_parameter((num_chunks * hidden_size, hidden_size), np_dtype)
        if bias:
            self.bias_ih = _new_parameter((num_chunks * hidden_size,), np_dtype)
            self.bias_hh = _new_parameter((num_chunks * hidden_size,), np_dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        _uniform_(self, 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = act(x @ W_ih^T + b_ih + h @ W_hh^T + b_hh)``, act = tanh or relu.

    Args:
        input_size: features ``H_in`` of the input ``x``.
        hidden_size: features ``H`` of the hidden state ``h``.
        bias: if False, no ``b_ih``/``b_hh`` (the names stay registered, as ``None``). Default True.
        nonlinearity: ``'tanh'`` (default) or ``'relu'``.
        device: None or the CPU (``'cpu'``, ``minigrad.device('cpu')``); minigrad has no other device.
        dtype: parameter dtype (float32 by default).

    Shapes:
        input: ``(N, H_in)`` or unbatched ``(H_in,)``.
        hx: ``(N, H)`` or ``(H,)``; zeros when omitted.
        output: ``(N, H)`` or ``(H,)``, the next hidden state.

    Parameters: ``weight_ih (H, H_in)``, ``weight_hh (H, H)``, ``bias_ih (H,)``, ``bias_hh (H,)``, all drawn
    from U(-1/sqrt(H), 1/sqrt(H)).

    Unlike PyTorch, which accepts any ``nonlinearity`` and fails at the first forward call
    (``RuntimeError: Unknown nonlinearity: ...``), an unknown one raises ``ValueError`` here, at construction.
    Unbatched input runs as a batch of one that is squeezed away at the end (``grad_fn=<SqueezeBackward1>``,
    as in PyTorch).

    Example, the loop the cell is made for::

        cell = nn.RNNCell(4, 2)
        h = minigrad.zeros(1, 2)
        for x_t in xs:               # xs: (T, 1, 4)
            h = cell(x_t, h)         # (1, 2), grad_fn=<TanhBackward0>
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        *,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        check_device(device)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(_UNKNOWN_NONLINEARITY.format(nonlinearity))
        super().__init__(input_size, hidden_size, bias, num_chunks=1, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """``input (N, H_in)`` or ``(H_in,)``, ``hx`` like the output or None -> next hidden ``(N, H)`` or ``(H,)``."""
        self._check_forward_args(input, hx)
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
            hx = None if hx is None else hx.unsqueeze(0)
        if hx is None:
            # A real zero state (not a skipped term), so weight_hh gets its (zero) gradient as in PyTorch.
            hx = Tensor._make(np.zeros((input._data.shape[0], self.hidden_size), dtype=input._data.dtype), False)
        gates = input @ self.weight_ih.t()
        if self.bias_ih is not None:
            gates = gates + self.bias_ih
        recurrent = hx @ self.weight_hh.t()
        if self.bias_hh is not None:
            recurrent = recurrent + self.bias_hh
        h = rnn_step(gates + recurrent, self.nonlinearity)
        return h if batched else h.squeeze(0)

    def _check_forward_args(self, input: Tensor, hx: Tensor | None) -> None:
        """Raise PyTorch's errors for a bad input or hidden state (checked as PyTorch orders them)."""
        if input.ndim not in (1, 2):
            raise ValueError(f"RNNCell: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if hx is not None and hx.ndim not in (1, 2):
            raise ValueError(f"RNNCell: Expected hidden to be 1D or 2D, got {hx.ndim}D instead")
        # PyTorch adds a batch axis of one to unbatched input and hx, then checks; so do the messages.
        batched = input.ndim == 2
        in_shape = input._data.shape if batched else (1,) + input._data.shape
        if in_shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {in_shape[1]} expected {self.input_size}")
        if hx is not None:
            h_shape = hx._data.shape if batched else (1,) + hx._data.shape
            if h_shape[0] != in_shape[0]:
                raise RuntimeError(f"Input batch size {in_shape[0]} doesn't match hidden0 batch size {h_shape[0]}")
            if len(h_shape) < 2:
                raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
            if h_shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden0 has inconsistent hidden_size: got {h_shape[1]}, expected {self.hidden_size}"
                )
        _check_same_dtype(input, self.weight_ih)
        if hx is not None:
            _check_same_dtype(hx, self.weight_hh)


class RNNBase(Module):
    """What the multi-layer recurrent modules share: arguments, parameter registration, init, checks, repr.

    For layer ``k`` and direction suffix ``''`` (forward) or ``'_reverse'`` (bidirectional only), it registers,
    in this order (PyTorch's): ``weight_ih_l{k}{suffix}`` ``(G, H_in_k)``, ``weight_hh_l{k}{suffix}`` ``(G, H)``,
    and with ``bias=True`` ``bias_ih_l{k}{suffix}`` and ``bias_hh_l{k}{suffix}`` ``(G,)``; with ``bias=False``
    no bias names at all; with ``proj_size = P > 0`` (LSTM only) then ``weight_hr_l{k}{suffix}`` ``(P, H)``, and
    ``weight_hh`` is ``(G, P)``. ``G = hidden_size`` for the plain RNN (``4 *`` for LSTM, ``3 *`` for GRU),
    ``H_in_0 = input_size`` and ``H_in_k = D * H_out`` above it (``D = 2`` if bidirectional else 1,
    ``H_out = P`` or ``hidden_size``).
    Every parameter is drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    """

    #: ``mode`` -> gates per layer (rows of ``weight_ih`` = gates * hidden_size).
    _GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        *,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        check_device(device)
        # Every argument is checked before anything is built or drawn, in PyTorch's order.
        probability = float(dropout)  # TypeError for None, as in PyTorch
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                stacklevel=3,
            )
        for name, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(size, int) or isinstance(size, bool):
                raise TypeError(f"{name} should be of type int, got: {type(size).__name__}")
            if size <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if not isinstance(num_layers, int) or isinstance(num_layers, bool):
            raise TypeError(f"num_layers should be of type int, got: {type(num_layers).__name__}")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if not isinstance(proj_size, int) or isinstance(proj_size, bool):
            raise TypeError(f"proj_size should be of type int, got: {type(proj_size).__name__}")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in self._GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        np_dtype = DEFAULT_FLOAT if dtype is None else to_numpy_dtype(dtype)

        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = probability
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gates = self._GATES[mode] * hidden_size
        # With projections (LSTM only) the hidden state h has proj_size features; the cell state keeps hidden_size.
        real_hidden = proj_size if proj_size > 0 else hidden_size
        num_directions = 2 if bidirectional else 1
        #: Parameter names per (layer, direction), in registration order: ``_all_weights[k * D + d]``.
        self._all_weights: list[list[str]] = []
        for k in range(num_layers):
            layer_input = input_size if k == 0 else num_directions * real_hidden
            for d in range(num_directions):
                suffix = "_reverse" if d else ""
                names = [f"weight_ih_l{k}{suffix}", f"weight_hh_l{k}{suffix}"]
                shapes = [(gates, layer_input), (gates, real_hidden)]
                if bias:
                    names += [f"bias_ih_l{k}{suffix}", f"bias_hh_l{k}{suffix}"]
                    shapes += [(gates,), (gates,)]
                if proj_size > 0:
                    names.append(f"weight_hr_l{k}{suffix}")
                    shapes.append((proj_size, hidden_size))
                for name, shape in zip(names, shapes):
                    setattr(self, name, _new_parameter(shape, np_dtype))
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        _uniform_(self, 1.0 / math.sqrt(self.hidden_size))

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction: ``[[w_ih, w_hh, b_ih, b_hh], ...]``."""
        return [[self._parameters[n] for n in names] for names in self._all_weights]

    def _state_weight(self) -> Parameter:
        """``weight_hh_l0``: the weight the given states meet first, whose dtype they must have."""
        return self._parameters[self._all_weights[0][1]]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _check_forward_args(self, input: Tensor, hx: Tensor | None) -> bool:
        """Raise PyTorch's error for a bad input or ``hx``, in PyTorch's order; return whether input is batched."""
        if input.ndim not in (2, 3):
            raise ValueError(f"RNN: Expected input to be 2D or 3D, got {input.ndim}D tensor instead")
        batched = input.ndim == 3
        if hx is not None and hx.ndim != input.ndim:
            if batched:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.ndim}-D tensor")
            raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.ndim}-D tensor")
        weight = self._parameters[self._all_weights[0][0]]
        if input._data.dtype != weight._data.dtype:
            got, want = from_numpy_dtype(input._data.dtype), from_numpy_dtype(weight._data.dtype)
            raise ValueError(
                f"RNN input dtype ({got}) does not match weight dtype ({want}). Convert input: input.to({want}), "
                f"or convert model: model.to({got})"
            )
        shape = input._data.shape
        if shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {shape[-1]}"
            )
        if batched:
            steps, batch = (shape[1], shape[0]) if self.batch_first else (shape[0], shape[1])
        else:
            steps, batch = shape[0], 1
        if hx is not None:
            expected = (self.num_layers * (2 if self.bidirectional else 1), batch, self.hidden_size)
            got_shape = hx._data.shape if batched else (hx._data.shape[0], 1, hx._data.shape[1])
            if tuple(got_shape) != expected:
                raise RuntimeError(f"Expected hidden size {expected}, got {list(got_shape)}")
        if steps == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        if hx is not None:
            _check_same_dtype(hx, weight)
        return batched

    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple[PackedSequence, Any]:
        """Run over a ``PackedSequence`` (``data (sum(lengths), H_in)``); return the output packed the same way and
        the final states ``(D * num_layers, B, H_out)`` in the caller's batch order (``(h_n, c_n)`` for LSTM).

        At step ``t`` only the first ``batch_sizes[t]`` sorted sequences run, so each sequence's final state is
        its own last step (its first step for the reverse direction) and padding never reaches a gradient.
        """
        sizes = [int(n) for n in packed.batch_sizes._data]
        lstm = self.mode == "LSTM"
        states = [] if hx is None else (list(hx) if lstm else [hx])
        self._check_packed_args(packed.data, sizes[0], states)
        if lstm and states:
            states[1] = _cell_state(states[1], self._state_weight())
        count = self.num_layers * (2 if self.bidirectional else 1)
        if hx is None:
            zero = _zeros(sizes[0], self.proj_size or self.hidden_size, packed.data)
            initial = [(zero, _zeros(sizes[0], self.hidden_size, packed.data)) if lstm else (zero,)] * count
        else:
            if packed.sorted_indices is not None:  # the user's states are in the original batch order
                order = (slice(None), packed.sorted_indices._data)
                states = [ops.Index.apply(s, index=order) for s in states]
            initial = [tuple(s[j] for s in states) for j in range(count)]
        def run_direction(x: Tensor, names: list[str], state: tuple, reverse: bool) -> Any:
            return self._run_packed_direction(x, sizes, names, state, reverse)

        # Each direction's steps (shrinking batches) concatenate back into packed layout.
        x, finals = _unroll(self, packed.data, initial, run_direction, join=lambda steps, k: cat(steps, 0))
        result = []
        for part in range(len(finals[0])):
            h = stack([f[part] for f in finals], 0)
            if packed.unsorted_indices is not None:
                h = ops.Index.apply(h, index=(slice(None), packed.unsorted_indices._data))
            result.append(h)
        out = PackedSequence(x, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
        return out, (tuple(result) if lstm else result[0])

    def _check_packed_args(self, data: Tensor, batch: int, states: list[Tensor]) -> None:
        """PyTorch's checks of a packed input's data ``(sum(lengths), H_in)`` and the given states."""
        if data.ndim != 2:
            raise RuntimeError(f"input must have 2 dimensions, got {data.ndim}")
        _check_layer_input(self, data)
        layers = self.num_layers * (2 if self.bidirectional else 1)
        sizes = (self.proj_size or self.hidden_size, self.hidden_size)
        for idx, s in enumerate(states):
            expected = (layers, batch, sizes[idx])
            if tuple(s._data.shape) != expected:
                which = f"hidden[{idx}]" if self.mode == "LSTM" else "hidden"
                raise RuntimeError(f"Expected {which} size {expected}, got {list(s._data.shape)}")
            weight = self._state_weight()
            if idx == 0:
                _check_same_dtype(s, weight)
            else:
                _check_state_dtype(s, weight, 1)

    def _run_packed_direction(
        self,
        x: Tensor,
        sizes: list[int],
        names: list[str],
        state: tuple[Tensor, ...],
        reverse: bool,
    ) -> tuple[list[Tensor], tuple[Tensor, ...]]:
        """One layer, one direction over packed rows ``x (sum(sizes), H_in)``, from ``state`` (rows in sorted
        batch order): the outputs of every step (step ``t``: ``(sizes[t], H_out)``) and the final state tuple."""
        p = self._parameters
        w_ih_t, w_hh_t = p[names[0]].t(), p[names[1]].t()
        gru, lstm = self.mode == "GRU", self.mode == "LSTM"
        pre = x @ w_ih_t
        if self.bias:  # GRU keeps b_hh apart: b_hn sits inside the reset product
            pre = pre + (p[names[2]] if gru else p[names[2]] + p[names[3]])
        b_hh = p[names[3]] if gru and self.bias else None
        w_hr_t = p[names[-1]].t() if self.proj_size > 0 else None
        act = ops.Relu.apply if self.mode == "RNN_RELU" else ops.Tanh.apply
        addmm, mm, rows_of = ops.Addmm.apply, ops.Mm.apply, ops.Slice.apply
        offsets = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        # The running state holds the sequences still active; forward, the finished ones are set aside, longest
        # last; in reverse, the sequences join as their last step comes up (they start from the given state).
        cur = sizes[-1] if reverse else sizes[0]
        running = [rows_of(s, index=(slice(0, cur),)) if reverse else s for s in state]
        finished: list[list[Tensor]] = []
        outputs: list[Any] = [None] * len(sizes)
        for t in range(len(sizes) - 1, -1, -1) if reverse else range(len(sizes)):
            n = sizes[t]
            if n < cur:
                finished.append([rows_of(s, index=(slice(n, cur),)) for s in running])
                running = [rows_of(s, index=(slice(0, n),)) for s in running]
            elif n > cur:
                running = [cat([r, rows_of(s, index=(slice(cur, n),))], 0) for r, s in zip(running, state)]
            cur = n
            rows = slice(offsets[t], offsets[t] + n)
            with scope(f"t={t}"):
                if lstm:
                    h, c = lstm_step(addmm(pre, running[0], w_hh_t, index=rows), running[1], self.hidden_size)
                    if w_hr_t is not None:
                        h = mm(h, w_hr_t)
                    running = [h, c]
                elif gru:
                    h = running[0]
                    gh = mm(h, w_hh_t) if b_hh is None else addmm(b_hh, h, w_hh_t)
                    running = [gru_step(pre, gh, h, self.hidden_size, (rows,))]
                else:
                    running = [act(addmm(pre, running[0], w_hh_t, index=rows))]
            outputs[t] = running[0]
        if finished:
            running = [cat([r] + [f[i] for f in reversed(finished)], 0) for i, r in enumerate(running)]
        return outputs, tuple(running)


class RNN(RNNBase):
    """A multi-layer Elman RNN over whole sequences, optionally bidirectional.

    Layer ``k`` computes, for every time step ``t`` (``x_t`` is the input for ``k = 0``, else the output of
    layer ``k - 1``, with dropout applied in training mode when ``dropout > 0``)::

        h_t = act(x_t @ W_ih^T + b_ih + h_{t-1} @ W_hh^T + b_hh)        act = tanh or relu

    Args:
        input_size: features ``H_in`` of the input.
        hidden_size: features ``H`` of the hidden state.
        num_layers: stacked layers (default 1); layers above the first take ``D * H`` features.
        nonlinearity: ``'tanh'`` (default) or ``'relu'``.
        bias: if False, no ``b_ih``/``b_hh`` parameters are registered (default True).
        batch_first: if True, input and output are ``(N, L, ...)`` instead of ``(L, N, ...)``; ``h_0`` and
            ``h_n`` are not affected.
        dropout: probability of zeroing each output of every layer but the last, in training mode only.
        bidirectional: if True, each layer also runs from the last step to the first (``D = 2``).
        device: None or the CPU (``'cpu'``, ``minigrad.device('cpu')``); minigrad has no other device.
        dtype: parameter dtype (float32 by default).

    Shapes (``L`` sequence length, ``N`` batch, ``D`` directions):
        input: ``(L, N, H_in)``, ``(N, L, H_in)`` with ``batch_first``, or unbatched ``(L, H_in)``.
        h_0: ``(D * num_layers, N, H)`` or unbatched ``(D * num_layers, H)``; zeros when omitted.
        output: ``(L, N, D * H)`` (``(N, L, D * H)`` with ``batch_first``; unbatched ``(L, D * H)``): the top
            layer's hidden state at every step; for ``D = 2`` the forward direction's features come first and
            the reverse direction's ``output[t]`` is its state after reading steps ``L-1 .. t``.
        h_n: ``(D * num_layers, N, H)`` (unbatched ``(D * num_layers, H)``): every layer's and direction's last
            state, ordered ``l0, l0_reverse, l1, ...``. So ``h_n[-D]`` is ``output[-1, :, :H]`` and, for
            ``D = 2``, ``h_n[-1]`` is ``output[0, :, H:]``.

    Parameters: see ``RNNBase`` (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ...).

    ``input`` may also be a ``PackedSequence`` (``minigrad.nn.utils.rnn``; likewise for ``LSTM`` and ``GRU``):
    the output is then packed the same way, ``h_0`` and ``h_n`` are in the caller's batch order, and each
    sequence's ``h_n`` is its own last step (first step for the reverse direction); padding is never computed.

    ``output`` comes from ``stack`` (``StackBackward0``; ``CatBackward0`` of two stacks when bidirectional) and
    ``h_n`` from ``stack``, as in PyTorch; unbatched input runs as a batch of one that is squeezed away
    (``SqueezeBackward1``). One difference: with ``batch_first``, PyTorch transposes a time-major result at the
    end (``TransposeBackward1``), while minigrad stacks the steps straight into ``(N, L, H)``.

    Graph scopes (what ``minigrad.viz`` groups by): inside the module's own scope, every node is recorded under
    ``l{k}`` (layer), then ``reverse`` for the backward direction, then ``t={i}`` for the time step, where ``i``
    is the index of the input step (the reverse direction counts down from ``L-1``). The input projection of
    a direction sits at the direction level, the layer's stacked output (and its dropout) at the layer level,
    and ``h_n`` at the module level. E.g. the module stored as ``model.rnn`` makes layer 1, reverse, step 2
    under ``(..., 'rnn', 'l1', 'reverse', 't=2')``.

    Example::

        rnn = nn.RNN(10, 20, num_layers=2)
        output, h_n = rnn(minigrad.randn(5, 3, 10))      # (5, 3, 20), (2, 3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        check_device(device)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(_UNKNOWN_NONLINEARITY.format(nonlinearity))
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, dtype=dtype
        )
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """``input (L, N, H_in)`` (or see the class doc), ``hx`` = h_0 or None -> ``(output, h_n)``."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        batched = self._check_forward_args(input, hx)
        batch_dim = 0 if self.batch_first else 1
        if not batched:  # as in PyTorch: a batch of one, squeezed away at the end
            input = input.unsqueeze(batch_dim)
            hx = None if hx is None else hx.unsqueeze(1)
        # Internally time is axis 0; only the top layer's output is stacked straight into batch-first order.
        x = input.transpose(0, 1) if self.batch_first else input
        count = self.num_layers * (2 if self.bidirectional else 1)
        if hx is None:  # a real zero state (not a skipped first term): every weight_hh gets a gradient, as in PyTorch
            initial = [(_zeros(x._data.shape[1], self.hidden_size, x),)] * count
        else:
            initial = [(hx[j],) for j in range(count)]
        out, finals = _unroll(self, x, initial, self._run_direction)
        h_n = stack([f[0] for f in finals], 0)
        return (out, h_n) if batched else (out.squeeze(batch_dim), h_n.squeeze(1))

    def _run_direction(
        self, x: Tensor, names: list[str], state: tuple[Tensor], reverse: bool
    ) -> tuple[list[Tensor], tuple[Tensor]]:
        """One layer, one direction over ``x (L, N, H_in)`` from ``state = (h,)`` ``(N, H)``: the ``L`` hidden
        states in input-step order, and the final ``(h,)``."""
        p = self._parameters
        # One matmul projects every step's input (both biases added once); the loop adds only h_{t-1} @ W_hh^T.
        bias = p[names[2]] + p[names[3]] if len(names) == 4 else None
        pre = _gates_in(x, p[names[0]], bias)
        w_hh_t = p[names[1]].t()
        fast = kernels.get("rnn_steps")
        if fast is not None:
            outputs, h = fast(pre, state[0], w_hh_t, reverse=reverse, relu=self.nonlinearity == "relu",
                              scope=current_scope())
            return outputs, (h,)

        def step(i: int, state: tuple[Tensor]) -> tuple[Tensor]:
            # h = act(pre[i] + h @ W_hh^T): one AddmmBackward0 and one TanhBackward0 (ReluBackward0) node.
            return (rnn_step(ops.Addmm.apply(pre, state[0], w_hh_t, index=i), self.nonlinearity),)

        return _run_steps(step, state, x._data.shape[0], reverse)


# ---- LSTM and GRU -------------------------------------------------------------------------------------------------
# The gated cells below are written with the primitives (``ops.X.apply``), like RNN's loop: their arguments are
# checked once, up front. Each gate is computed under its own scope (``gate=i`` ...; the LSTM's cell-state update
# under ``state=c``), so a drawing of one step shows the gates labelled and the cell-state path between steps.


def _gate(k: int, size: int, prefix: tuple = ()) -> tuple:
    """The index of gate ``k`` in a gate tensor ``(..., G)``: features ``k*size .. (k+1)*size``, after ``prefix``."""
    return prefix + (Ellipsis, slice(k * size, (k + 1) * size))


def rnn_step(gates: Tensor, nonlinearity: str = "tanh") -> Tensor:
    """One Elman RNN step from the summed pre-activations ``gates = x @ W_ih^T + b_ih + h @ W_hh^T + b_hh``
    ``(N, H)``: ``h' = tanh(gates)`` (or ``relu``), ``(N, H)``."""
    return ops.Tanh.apply(gates) if nonlinearity == "tanh" else ops.Relu.apply(gates)


def lstm_step(gates: Tensor, c: Tensor, hidden: int) -> tuple[Tensor, Tensor]:
    """One LSTM step from the summed pre-activations ``gates (N, 4H)`` (order i, f, g, o) and ``c (N, H)``.

    ``c' = f * c + i * g``, ``h' = o * tanh(c')``; returns ``(h', c')``, both ``(N, H)``. Each gate reads its slice
    of ``gates`` and activates it in one node (``ops.GateSigmoid``, ``ops.GateTanh``), under its own scope.
    """
    sigmoid, tanh, mul = ops.GateSigmoid.apply, ops.GateTanh.apply, ops.Mul.apply
    with scope("gate=i"):
        i = sigmoid(gates, index=_gate(0, hidden))
    with scope("gate=f"):
        f = sigmoid(gates, index=_gate(1, hidden))
    with scope("gate=g"):
        g = tanh(gates, index=_gate(2, hidden))
    with scope("gate=o"):
        o = sigmoid(gates, index=_gate(3, hidden))
    with scope("state=c"):
        c = ops.Add.apply(mul(f, c), mul(i, g))
    return mul(o, ops.Tanh.apply(c)), c


def gru_step(gi: Tensor, gh: Tensor, h: Tensor, hidden: int, prefix: tuple = ()) -> Tensor:
    """One GRU update: ``gi`` holds the input projections (``gi[prefix]`` is ``(N, 3H)``, order r, z, n, with
    ``b_ih``), ``gh = h @ W_hh^T + b_hh`` ``(N, 3H)``, ``h (N, H)``. ``b_hn`` stays inside the reset product::

        r = sigmoid(gi_r + gh_r)    z = sigmoid(gi_z + gh_z)    n = tanh(gi_n + r * gh_n)
        h' = (1 - z) * n + z * h    computed as  n + z * (h - n)

    The sums read their slices of ``gi`` and ``gh`` in one node each (``ops.GateAdd``).
    """
    sigmoid, add, gate_add, mul = ops.Sigmoid.apply, ops.Add.apply, ops.GateAdd.apply, ops.Mul.apply
    with scope("gate=r"):
        r = sigmoid(gate_add(gi, gh, index_a=_gate(0, hidden, prefix), index_b=_gate(0, hidden)))
    with scope("gate=z"):
        z = sigmoid(gate_add(gi, gh, index_a=_gate(1, hidden, prefix), index_b=_gate(1, hidden)))
    with scope("gate=n"):
        reset = mul(r, ops.Slice.apply(gh, index=_gate(2, hidden)))
        n = ops.Tanh.apply(gate_add(gi, reset, index_a=_gate(2, hidden, prefix)))
    return add(mul(ops.Sub.apply(h, n), z), n)


def _zeros(batch: int, size: int, like: Tensor) -> Tensor:
    """A zero state ``(batch, size)`` with ``like``'s dtype, a real tensor so every ``weight_hh`` gets a gradient."""
    return Tensor._make(np.zeros((batch, size), dtype=like._data.dtype), False)


def _check_cell_args(
    cell: RNNCellBase, input: Tensor, hiddens: list[Tensor], hidden_names: list[str]
) -> None:
    """PyTorch's shape and dtype errors of a gated cell, in PyTorch's order (after the ``ndim`` checks).

    ``hiddens`` are the given states, ``hidden_names`` their names in the messages (``hidden0``, ``hidden1``).
    """
    batched = input.ndim == 2
    in_shape = input._data.shape if batched else (1,) + input._data.shape
    if in_shape[1] != cell.input_size:
        raise RuntimeError(f"input has inconsistent input_size: got {in_shape[1]} expected {cell.input_size}")
    for name, hx in zip(hidden_names, hiddens):
        h_shape = hx._data.shape if batched else (1,) + hx._data.shape
        if h_shape[0] != in_shape[0]:
            raise RuntimeError(f"Input batch size {in_shape[0]} doesn't match {name} batch size {h_shape[0]}")
        if len(h_shape) < 2:
            raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
        if h_shape[1] != cell.hidden_size:
            raise RuntimeError(f"{name} has inconsistent hidden_size: got {h_shape[1]}, expected {cell.hidden_size}")
    _check_same_dtype(input, cell.weight_ih)
    if hiddens:
        _check_same_dtype(hiddens[0], cell.weight_hh)  # c (hiddens[1]) may differ: the cell promotes, as PyTorch's


def _check_state_dtype(c: Tensor, weight: Tensor, index: int) -> None:
    """A float32 LSTM layer's cell state must be float32. PyTorch has no message of its own for this (its float32
    layer fails inside oneDNN: "get_mkldnn_dtype: unsupported data type"), so minigrad says plainly what is wrong.
    A float64 layer takes a cell state of any dtype and promotes it, as PyTorch's does (``_cell_state``)."""
    if c._data.dtype != weight._data.dtype and weight._data.dtype == np.float32:
        raise RuntimeError(
            f"Expected hidden[{index}] to have dtype {_scalar_name(weight)}, but got {_scalar_name(c)}"
        )


def _cell_state(c: Tensor, weight: Tensor) -> Tensor:
    """``c_0`` in the weights' dtype: a float64 layer promotes a cell state of another dtype (a recorded cast, so
    its gradient comes back in ``c_0``'s own dtype), as PyTorch's cell does."""
    return c if c._data.dtype == weight._data.dtype else c.to(weight.dtype)


def _gates_in(x: Tensor, w_ih: Parameter, bias: Tensor | None) -> Tensor:
    """Every step's input projection in one matmul: ``x (L, N, H_in)`` -> ``(L, N, G)``, plus ``bias``."""
    steps, batch, features = x._data.shape
    flat = x.reshape(steps * batch, features)
    # With a bias, one AddmmBackward0 node: the bias is added into the product, not into a copy of it.
    pre = flat @ w_ih.t() if bias is None else ops.Addmm.apply(bias, flat, w_ih.t())
    return pre.reshape(steps, batch, w_ih._data.shape[0])


def _run_steps(step: Any, state: tuple[Tensor, ...], steps: int, reverse: bool) -> tuple[list[Tensor], tuple]:
    """The loop over time of one layer and direction: ``state = step(i, state)`` for every time step ``i`` (from
    the last to the first when ``reverse``), each under the scope ``t={i}``. Returns the outputs (``state[0]`` after
    each step) in input-step order, and the final state tuple. This is backprop through time's forward half: the
    graph it records is the unrolled loop, which backward walks in reverse."""
    outputs: list[Any] = [None] * steps
    for i in range(steps - 1, -1, -1) if reverse else range(steps):
        with scope(f"t={i}"):
            state = step(i, state)
        outputs[i] = state[0]
    return outputs, state


def _unroll(
    module: RNNBase, x: Tensor, initial: list[tuple[Tensor, ...]], run_direction: Any, join: Any = None
) -> tuple[Tensor, list[tuple[Tensor, ...]]]:
    """Run every layer and direction of ``module`` over time-major ``x (L, N, H_in)``.

    ``initial[k * D + d]`` is the state tuple layer ``k``, direction ``d`` starts from; ``run_direction(x, names,
    state, reverse)`` returns that direction's outputs (in input-step order) and its final state tuple.
    ``join(outputs, k)`` makes one direction's outputs of layer ``k`` into a tensor; by default they are stacked
    along time, straight into batch-first order for the top layer when ``batch_first`` (packed batches
    concatenate instead). Returns the top layer's output (``(N, L, D * H_out)`` when ``batch_first``, else
    ``(L, N, D * H_out)``) and the final states in ``initial``'s order. Scopes are RNN's: ``l{k}``, ``reverse``,
    ``t={i}``.
    """
    top = module.num_layers - 1
    if join is None:

        def join(outputs: list[Tensor], k: int) -> Tensor:
            dim = 1 if module.batch_first and k == top else 0  # batch-first: steps (N, H) -> (N, L, H)
            if hasattr(outputs, "join"):
                # A fast kernel's steps stack themselves without a copy where they can; the output of a
                # one-direction top layer is the caller's, who may change it in place.
                return outputs.join(dim, caller_owns=k == top and not module.bidirectional)
            return ops.Stack.apply(*outputs, dim=dim)

    num_directions = 2 if module.bidirectional else 1
    finals: list[tuple[Tensor, ...]] = []
    for k in range(module.num_layers):
        outputs = []
        with scope(f"l{k}"):
            for d in range(num_directions):
                j = k * num_directions + d
                with scope("reverse") if d else contextlib.nullcontext():
                    steps, final = run_direction(x, module._all_weights[j], initial[j], d == 1)
                outputs.append(steps)
                finals.append(final)
            joined = [join(o, k) for o in outputs]
            x = joined[0] if num_directions == 1 else cat(joined, -1)
            if k < top:
                x = F.dropout(x, module.dropout, module.training)
    return x, finals


def _check_layer_input(module: RNNBase, input: Tensor) -> tuple[int, int]:
    """RNNBase's input checks (dtype, then features), as PyTorch's ``check_input``; returns ``(steps, batch)``."""
    weight = module._parameters[module._all_weights[0][0]]
    if input._data.dtype != weight._data.dtype:
        got, want = from_numpy_dtype(input._data.dtype), from_numpy_dtype(weight._data.dtype)
        raise ValueError(
            f"RNN input dtype ({got}) does not match weight dtype ({want}). Convert input: input.to({want}), "
            f"or convert model: model.to({got})"
        )
    shape = input._data.shape
    if shape[-1] != module.input_size:
        raise RuntimeError(
            f"input.size(-1) must be equal to input_size. Expected {module.input_size}, got {shape[-1]}"
        )
    if input.ndim == 2:
        return shape[0], 1
    return (shape[1], shape[0]) if module.batch_first else (shape[0], shape[1])


class LSTMCell(RNNCellBase):
    """One step of an LSTM: input gate ``i``, forget gate ``f``, cell candidate ``g``, output gate ``o``::

        i = sigmoid(x W_ii^T + b_ii + h W_hi^T + b_hi)      f = sigmoid(... _if ... _hf)
        g = tanh(x W_ig^T + b_ig + h W_hg^T + b_hg)         o = sigmoid(... _io ... _ho)
        c' = f * c + i * g                                  h' = o * tanh(c')

    Args:
        input_size: features ``H_in`` of the input ``x``.
        hidden_size: features ``H`` of the states ``h`` and ``c``.
        bias: if False, no ``b_ih``/``b_hh`` (the names stay registered, as ``None``). Default True.
        device: None or the CPU (``'cpu'``, ``minigrad.device('cpu')``); minigrad has no other device.
        dtype: parameter dtype (float32 by default).

    Shapes:
        input: ``(N, H_in)`` or unbatched ``(H_in,)``.
        hx: a tuple ``(h, c)`` of ``(N, H)`` (or ``(H,)``) tensors; both zeros when omitted.
        output: the tuple ``(h', c')``, shaped like ``hx``.

    Parameters: ``weight_ih (4H, H_in)``, ``weight_hh (4H, H)``, ``bias_ih (4H,)``, ``bias_hh (4H,)``, the rows
    of each holding the gates in the order ``i, f, g, o`` (PyTorch's layout, so its state dicts load as they
    are); all drawn from U(-1/sqrt(H), 1/sqrt(H)).

    Graph: ``h'`` comes from ``MulBackward0`` and ``c'`` from ``AddBackward0`` as in PyTorch
    (``SqueezeBackward1`` when unbatched). Inside the cell's scope each gate is recorded under ``gate=i``,
    ``gate=f``, ``gate=g``, ``gate=o``, and the cell-state update ``f * c + i * g`` under ``state=c``.

    Example::

        cell = nn.LSTMCell(10, 20)
        h, c = minigrad.zeros(3, 20), minigrad.zeros(3, 20)
        for x_t in minigrad.randn(6, 3, 10):
            h, c = cell(x_t, (h, c))        # (3, 20), (3, 20)
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, *, device: Any = None, dtype: Any = None
    ) -> None:
        check_device(device)
        super().__init__(input_size, hidden_size, bias, num_chunks=4, dtype=dtype)

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        """``input (N, H_in)`` or ``(H_in,)``, ``hx = (h, c)`` or None -> ``(h', c')``, each ``(N, H)`` or ``(H,)``."""
        if input.ndim not in (1, 2):
            raise ValueError(f"LSTMCell: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.ndim not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got {value.ndim}D instead")
            if len(hx) != 2:
                raise RuntimeError("lstm_cell expects two hidden states")
        _check_cell_args(self, input, [] if hx is None else list(hx), ["hidden0", "hidden1"])
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
            hx = None if hx is None else (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        if hx is None:
            zeros = _zeros(input._data.shape[0], self.hidden_size, input)
            hx = (zeros, zeros)
        h, c = hx
        gates = input @ self.weight_ih.t()
        if self.bias_ih is not None:
            gates = gates + self.bias_ih
        recurrent = h @ self.weight_hh.t()
        if self.bias_hh is not None:
            recurrent = recurrent + self.bias_hh
        h, c = lstm_step(gates + recurrent, c, self.hidden_size)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One step of a GRU: reset gate ``r``, update gate ``z``, new gate ``n``::

        r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
        z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))       (b_hn inside the reset product)
        h' = (1 - z) * n + z * h

    Args:
        input_size: features ``H_in`` of the input ``x``.
        hidden_size: features ``H`` of the hidden state ``h``.
        bias: if False, no ``b_ih``/``b_hh`` (the names stay registered, as ``None``). Default True.
        device: None or the CPU (``'cpu'``, ``minigrad.device('cpu')``); minigrad has no other device.
        dtype: parameter dtype (float32 by default).

    Shapes:
        input: ``(N, H_in)`` or unbatched ``(H_in,)``.
        hx: ``(N, H)`` or ``(H,)``; zeros when omitted.
        output: ``(N, H)`` or ``(H,)``, the next hidden state.

    Parameters: ``weight_ih (3H, H_in)``, ``weight_hh (3H, H)``, ``bias_ih (3H,)``, ``bias_hh (3H,)``, rows in
    the gate order ``r, z, n`` (PyTorch's layout); all drawn from U(-1/sqrt(H), 1/sqrt(H)).

    Graph: the output comes from ``AddBackward0`` (``SqueezeBackward1`` when unbatched) as in PyTorch; each
    gate is recorded under ``gate=r``, ``gate=z``, ``gate=n`` inside the cell's scope.

    Example::

        cell = nn.GRUCell(10, 20)
        h = minigrad.zeros(3, 20)
        for x_t in minigrad.randn(6, 3, 10):
            h = cell(x_t, h)                # (3, 20)
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, *, device: Any = None, dtype: Any = None
    ) -> None:
        check_device(device)
        super().__init__(input_size, hidden_size, bias, num_chunks=3, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """``input (N, H_in)`` or ``(H_in,)``, ``hx`` like the output or None -> next hidden ``(N, H)`` or ``(H,)``."""
        if input.ndim not in (1, 2):
            raise ValueError(f"GRUCell: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if hx is not None and hx.ndim not in (1, 2):
            raise ValueError(f"GRUCell: Expected hidden to be 1D or 2D, got {hx.ndim}D instead")
        _check_cell_args(self, input, [] if hx is None else [hx], ["hidden0"])
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
            hx = None if hx is None else hx.unsqueeze(0)
        if hx is None:
            hx = _zeros(input._data.shape[0], self.hidden_size, input)
        gi = input @ self.weight_ih.t()
        if self.bias_ih is not None:
            gi = gi + self.bias_ih
        gh = hx @ self.weight_hh.t()
        if self.bias_hh is not None:
            gh = gh + self.bias_hh
        h = gru_step(gi, gh, hx, self.hidden_size)
        return h if batched else h.squeeze(0)


class LSTM(RNNBase):
    """A multi-layer LSTM over whole sequences, optionally bidirectional, optionally with projections.

    Layer ``k`` runs the ``LSTMCell`` recurrence over the steps of its input (the sequence for ``k = 0``, else
    layer ``k - 1``'s output, with dropout in training mode when ``dropout > 0``). With ``proj_size = P > 0``
    the hidden state is projected after every step, ``h_t = (o_t * tanh(c_t)) @ W_hr^T``, so ``h`` has ``P``
    features (and ``weight_hh`` is ``(4H, P)``) while ``c`` keeps ``H``.

    Args:
        input_size: features ``H_in`` of the input.
        hidden_size: features ``H`` of the cell state (and of ``h`` without projections).
        num_layers: stacked layers (default 1); layers above the first take ``D * H_out`` features.
        bias: if False, no ``b_ih``/``b_hh`` parameters are registered (default True).
        batch_first: if True, input and output are ``(N, L, ...)``; the states are not affected.
        dropout: probability of zeroing each output of every layer but the last, in training mode only.
        bidirectional: if True, each layer also runs from the last step to the first (``D = 2``).
        proj_size: ``P``, features of the projected ``h`` (default 0: no projection); must be below ``H``.
        device: None or the CPU (``'cpu'``, ``minigrad.device('cpu')``); minigrad has no other device.
        dtype: parameter dtype (float32 by default).

    Shapes (``L`` sequence length, ``N`` batch, ``D`` directions, ``H_out = P if P > 0 else H``):
        input: ``(L, N, H_in)``, ``(N, L, H_in)`` with ``batch_first``, or unbatched ``(L, H_in)``.
        hx: a tuple ``(h_0, c_0)``: ``h_0 (D * num_layers, N, H_out)``, ``c_0 (D * num_layers, N, H)``
            (unbatched: without the ``N`` axis); zeros when omitted.
        output: ``(L, N, D * H_out)`` (``(N, L, D * H_out)`` with ``batch_first``; unbatched ``(L, D * H_out)``).
        ``(h_n, c_n)``: ``h_n (D * num_layers, N, H_out)`` and ``c_n (D * num_layers, N, H)``, ordered
        ``l0, l0_reverse, l1, ...``; ``h_n[-D]`` is ``output[-1, :, :H_out]``.

    Parameters, per layer ``k`` and direction suffix (``''`` or ``'_reverse'``), in PyTorch's order:
    ``weight_ih_l{k}`` ``(4H, H_in_k)``, ``weight_hh_l{k}`` ``(4H, H_out)``, ``bias_ih_l{k}``, ``bias_hh_l{k}``
    ``(4H,)`` (with ``bias``), ``weight_hr_l{k}`` ``(P, H)`` (with ``proj_size``); gate rows ``i, f, g, o``; all
    drawn from U(-1/sqrt(H), 1/sqrt(H)).

    Graph scopes are ``RNN``'s (``l{k}``, ``reverse``, ``t={i}``) and, inside a step, ``LSTMCell``'s gate
    scopes (the projection at the step's level). ``output`` and the states come from ``stack``
    (``CatBackward0`` for a bidirectional output, ``SqueezeBackward1`` when unbatched). PyTorch's float32
    output names its fused oneDNN node (``MkldnnRnnLayerBackward0``) and its batch-first output a transpose.

    Example::

        lstm = nn.LSTM(10, 20, num_layers=2)
        output, (h_n, c_n) = lstm(minigrad.randn(5, 3, 10))    # (5, 3, 20), (2, 3, 20), (2, 3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        *,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        check_device(device)
        super().__init__(
            "LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, proj_size,
            dtype=dtype,
        )

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """``input (L, N, H_in)`` (or see the class doc), ``hx = (h_0, c_0)`` or None -> ``(output, (h_n, c_n))``."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        batched = self._check_forward_args(input, hx)
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            hx = None if hx is None else (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        x = input.transpose(0, 1) if self.batch_first else input
        count = self.num_layers * (2 if self.bidirectional else 1)
        if hx is None:
            batch = x._data.shape[1]
            zero = (_zeros(batch, self.proj_size or self.hidden_size, x), _zeros(batch, self.hidden_size, x))
            initial = [zero] * count
        else:
            c_0 = _cell_state(hx[1], self._state_weight())
            initial = [(hx[0][j], c_0[j]) for j in range(count)]
        out, finals = _unroll(self, x, initial, self._run_direction)
        h_n = stack([f[0] for f in finals], 0)
        c_n = stack([f[1] for f in finals], 0)
        if not batched:
            return out.squeeze(batch_dim), (h_n.squeeze(1), c_n.squeeze(1))
        return out, (h_n, c_n)

    def _check_forward_args(self, input: Tensor, hx: tuple[Tensor, Tensor] | None) -> bool:
        """Raise PyTorch's error for a bad input or ``hx``, in PyTorch's order; return whether input is batched."""
        if input.ndim not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.ndim}D instead")
        batched = input.ndim == 3
        if hx is not None:
            want = 3 if batched else 2
            if hx[0].ndim != want or hx[1].ndim != want:
                kind = "batched 3-D" if batched else "unbatched 2-D"
                raise RuntimeError(
                    f"For {kind} input, hx and cx should also be {want}-D but got ({hx[0].ndim}-D, "
                    f"{hx[1].ndim}-D) tensors"
                )
        steps, batch = _check_layer_input(self, input)
        if hx is not None:
            layers = self.num_layers * (2 if self.bidirectional else 1)
            sizes = (self.proj_size or self.hidden_size, self.hidden_size)
            for idx in range(2):
                expected = (layers, batch, sizes[idx])
                shape = hx[idx]._data.shape
                got = shape if batched else (shape[0], 1, shape[1])
                if tuple(got) != expected:
                    raise RuntimeError(f"Expected hidden[{idx}] size {expected}, got {list(got)}")
            if len(hx) != 2:
                raise RuntimeError("lstm expects two hidden states")
        if steps == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        if hx is not None:
            weight = self._state_weight()
            _check_same_dtype(hx[0], weight)
            _check_state_dtype(hx[1], weight, 1)
        return batched

    def _run_direction(
        self, x: Tensor, names: list[str], state: tuple[Tensor, Tensor], reverse: bool
    ) -> tuple[list[Tensor], tuple[Tensor, Tensor]]:
        """One layer, one direction over ``x (L, N, H_in)`` from ``state = (h, c)``: the ``L`` outputs ``h``
        ``(N, H_out)`` in input-step order, and the final ``(h, c)``."""
        p = self._parameters
        bias = p[names[2]] + p[names[3]] if self.bias else None
        pre = _gates_in(x, p[names[0]], bias)
        w_hh_t = p[names[1]].t()
        w_hr_t = p[names[-1]].t() if self.proj_size > 0 else None
        fast = kernels.get("lstm_steps")
        if fast is not None and w_hr_t is None:
            outputs, h, c = fast(pre, state[0], state[1], w_hh_t, reverse=reverse, scope=current_scope())
            return outputs, (h, c)

        def step(i: int, state: tuple[Tensor, Tensor]) -> tuple[Tensor, Tensor]:
            h, c = lstm_step(ops.Addmm.apply(pre, state[0], w_hh_t, index=i), state[1], self.hidden_size)
            return (h if w_hr_t is None else ops.Mm.apply(h, w_hr_t)), c  # the projection, with proj_size

        return _run_steps(step, state, x._data.shape[0], reverse)


class GRU(RNNBase):
    """A multi-layer GRU over whole sequences, optionally bidirectional.

    Layer ``k`` runs the ``GRUCell`` recurrence (gates ``r, z, n``, with ``b_hn`` inside the reset product)
    over the steps of its input (the sequence for ``k = 0``, else layer ``k - 1``'s output, with dropout in
    training mode when ``dropout > 0``).

    Args:
        input_size: features ``H_in`` of the input.
        hidden_size: features ``H`` of the hidden state.
        num_layers: stacked layers (default 1); layers above the first take ``D * H`` features.
        bias: if False, no ``b_ih``/``b_hh`` parameters are registered (default True).
        batch_first: if True, input and output are ``(N, L, ...)``; ``h_0``/``h_n`` are not affected.
        dropout: probability of zeroing each output of every layer but the last, in training mode only.
        bidirectional: if True, each layer also runs from the last step to the first (``D = 2``).
        device: None or the CPU (``'cpu'``, ``minigrad.device('cpu')``); minigrad has no other device.
        dtype: parameter dtype (float32 by default).

    ``proj_size`` is LSTM's only: passing it raises PyTorch's ``ValueError``.

    Shapes: as ``RNN``'s: input ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``, unbatched
    ``(L, H_in)``), ``h_0``/``h_n`` ``(D * num_layers, N, H)``, output ``(L, N, D * H)``.

    Parameters: as ``RNN``'s names and order, with ``3H`` rows (gates ``r, z, n``): ``weight_ih_l{k}``
    ``(3H, H_in_k)``, ``weight_hh_l{k}`` ``(3H, H)``, ``bias_ih_l{k}``, ``bias_hh_l{k}`` ``(3H,)``; all drawn
    from U(-1/sqrt(H), 1/sqrt(H)).

    Graph scopes are ``RNN``'s (``l{k}``, ``reverse``, ``t={i}``) and, inside a step, ``gate=r``, ``gate=z``,
    ``gate=n``. ``output`` and ``h_n`` come from ``stack`` (``CatBackward0`` bidirectional, ``SqueezeBackward1``
    unbatched); PyTorch's batch-first output is a transpose of a time-major one instead.

    Example::

        gru = nn.GRU(10, 20, num_layers=2)
        output, h_n = gru(minigrad.randn(5, 3, 10))    # (5, 3, 20), (2, 3, 20)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        device: Any = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        check_device(device)
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if kwargs:
            raise TypeError(f"GRU.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, dtype=dtype
        )

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """``input (L, N, H_in)`` (or see the class doc), ``hx`` = h_0 or None -> ``(output, h_n)``."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        batched = self._check_forward_args(input, hx)
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            hx = None if hx is None else hx.unsqueeze(1)
        x = input.transpose(0, 1) if self.batch_first else input
        count = self.num_layers * (2 if self.bidirectional else 1)
        if hx is None:
            initial = [(_zeros(x._data.shape[1], self.hidden_size, x),)] * count
        else:
            initial = [(hx[j],) for j in range(count)]
        out, finals = _unroll(self, x, initial, self._run_direction)
        h_n = stack([f[0] for f in finals], 0)
        return (out, h_n) if batched else (out.squeeze(batch_dim), h_n.squeeze(1))

    def _check_forward_args(self, input: Tensor, hx: Tensor | None) -> bool:
        """``RNNBase``'s checks, with GRU's own words for an input of the wrong rank."""
        if input.ndim not in (2, 3):
            raise ValueError(f"GRU: Expected input to be 2D or 3D, got {input.ndim}D instead")
        return super()._check_forward_args(input, hx)

    def _run_direction(
        self, x: Tensor, names: list[str], state: tuple[Tensor], reverse: bool
    ) -> tuple[list[Tensor], tuple[Tensor]]:
        """One layer, one direction over ``x (L, N, H_in)`` from ``state = (h,)``: the ``L`` hidden states
        ``(N, H)`` in input-step order, and the final ``(h,)``."""
        p = self._parameters
        pre = _gates_in(x, p[names[0]], p[names[2]] if self.bias else None)  # b_ih only: b_hn must stay apart
        w_hh_t, b_hh = p[names[1]].t(), (p[names[3]] if self.bias else None)
        fast = kernels.get("gru_steps")
        if fast is not None:
            outputs, h = fast(pre, state[0], w_hh_t, b_hh, reverse=reverse, scope=current_scope())
            return outputs, (h,)

        def step(i: int, state: tuple[Tensor]) -> tuple[Tensor]:
            h = state[0]
            gh = ops.Mm.apply(h, w_hh_t) if b_hh is None else ops.Addmm.apply(b_hh, h, w_hh_t)  # h @ W_hh^T + b_hh
            return (gru_step(pre, gh, h, self.hidden_size, (i,)),)

        return _run_steps(step, state, x._data.shape[0], reverse)
