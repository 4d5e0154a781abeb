"""Recurrent layers: ``RNNCell`` (one time step, you write the loop) and ``RNN`` (whole sequences).

Both compute the Elman recurrence, with ``act`` = tanh (default) or relu::

    h_t = act(x_t @ W_ih^T + b_ih + h_{t-1} @ W_hh^T + b_hh)

They are compositions of minigrad's primitives (matmul, add, select, tanh/relu, stack, cat), so the graph they
record is the unrolled loop itself: a learner can draw it and see every step. ``RNN`` makes it cheap where it can:
the input projections ``x_t @ W_ih^T`` of all time steps do not depend on ``h``, so each layer computes them in
one matmul before the loop, and the loop keeps only what depends on the previous step.

See also: PyTorch's ``torch.nn.RNNCell`` and ``torch.nn.RNN``, whose names, arguments, shapes, parameter names,
initialisation, reprs and error messages these follow.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from minigrad import ops
from minigrad._functional import cat, stack
from minigrad.autograd.scope import _Scope
from minigrad.dtypes import from_numpy_dtype, to_numpy_dtype
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import _DEFAULT_FLOAT, Tensor

# PyTorch's scalar-type names, used in its "mat1 and mat2 must have the same dtype" message.
_SCALAR_NAMES = {
    "float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}

_UNKNOWN_NONLINEARITY = "Unknown nonlinearity '{}'. Select from 'tanh' or 'relu'."


def _scalar_name(t: Tensor) -> str:
    return _SCALAR_NAMES.get(t.data.dtype.name, t.data.dtype.name)


def _check_same_dtype(a: Tensor, w: Tensor) -> None:
    """Raise PyTorch's matmul dtype error when ``a`` (an input or hidden state) and weight ``w`` differ."""
    if a.data.dtype != w.data.dtype:
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
        np_dtype = _DEFAULT_FLOAT if dtype is None else to_numpy_dtype(dtype)
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
        dtype: Any = None,
    ) -> None:
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
            hx = Tensor._make(np.zeros((input.data.shape[0], self.hidden_size), dtype=input.data.dtype), False)
        gates = input @ self.weight_ih.t()
        if self.bias_ih is not None:
            gates = gates + self.bias_ih
        recurrent = hx @ self.weight_hh.t()
        if self.bias_hh is not None:
            recurrent = recurrent + self.bias_hh
        gates = gates + recurrent
        h = gates.tanh() if self.nonlinearity == "tanh" else gates.relu()
        return h if batched else h.squeeze(0)

    def _check_forward_args(self, input: Tensor, hx: Tensor | None) -> None:
        """Raise PyTorch's errors for a bad input or hidden state (checked as PyTorch orders them)."""
        if input.ndim not in (1, 2):
            raise ValueError(f"RNNCell: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if hx is not None and hx.ndim not in (1, 2):
            raise ValueError(f"RNNCell: Expected hidden to be 1D or 2D, got {hx.ndim}D instead")
        # PyTorch adds a batch axis of one to unbatched input and hx, then checks; so do the messages.
        batched = input.ndim == 2
        in_shape = input.data.shape if batched else (1,) + input.data.shape
        if in_shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {in_shape[1]} expected {self.input_size}")
        if hx is not None:
            h_shape = hx.data.shape if batched else (1,) + hx.data.shape
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
    no bias names at all. ``G = hidden_size`` for the plain RNN, ``H_in_0 = input_size`` and
    ``H_in_k = D * hidden_size`` above it (``D = 2`` if bidirectional else 1).
    Every parameter is drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    """

    #: ``mode`` -> gates per layer (rows of ``weight_ih`` = gates * hidden_size).
    _GATES = {"RNN_TANH": 1, "RNN_RELU": 1}

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
        *,
        dtype: Any = None,
    ) -> None:
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
        if mode not in self._GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        np_dtype = _DEFAULT_FLOAT if dtype is None else to_numpy_dtype(dtype)

        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = probability
        self.bidirectional = bidirectional
        gates = self._GATES[mode] * hidden_size
        num_directions = 2 if bidirectional else 1
        #: Parameter names per (layer, direction), in registration order: ``_all_weights[k * D + d]``.
        self._all_weights: list[list[str]] = []
        for k in range(num_layers):
            layer_input = input_size if k == 0 else num_directions * hidden_size
            for d in range(num_directions):
                suffix = "_reverse" if d else ""
                names = [f"weight_ih_l{k}{suffix}", f"weight_hh_l{k}{suffix}"]
                shapes = [(gates, layer_input), (gates, hidden_size)]
                if bias:
                    names += [f"bias_ih_l{k}{suffix}", f"bias_hh_l{k}{suffix}"]
                    shapes += [(gates,), (gates,)]
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

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
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
        if input.data.dtype != weight.data.dtype:
            got, want = from_numpy_dtype(input.data.dtype), from_numpy_dtype(weight.data.dtype)
            raise ValueError(
                f"RNN input dtype ({got}) does not match weight dtype ({want}). Convert input: input.to({want}), "
                f"or convert model: model.to({got})"
            )
        shape = input.data.shape
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
            got_shape = hx.data.shape if batched else (hx.data.shape[0], 1, hx.data.shape[1])
            if tuple(got_shape) != expected:
                raise RuntimeError(f"Expected hidden size {expected}, got {list(got_shape)}")
        if steps == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        if hx is not None:
            _check_same_dtype(hx, weight)
        return batched


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
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(_UNKNOWN_NONLINEARITY.format(nonlinearity))
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, dtype=dtype
        )
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """``input (L, N, H_in)`` (or see the class doc), ``hx`` = h_0 or None -> ``(output, h_n)``."""
        batched = self._check_forward_args(input, hx)
        batch_dim = 0 if self.batch_first else 1
        if not batched:  # as in PyTorch: a batch of one, squeezed away at the end
            input = input.unsqueeze(batch_dim)
            hx = None if hx is None else hx.unsqueeze(1)
        # Internally time is axis 0; only the top layer's output is stacked straight into batch-first order.
        x = input.transpose(0, 1) if self.batch_first else input
        num_directions = 2 if self.bidirectional else 1
        finals: list[Tensor] = []
        if hx is None:  # a real zero state (not a skipped first term): every weight_hh gets a gradient, as in PyTorch
            zeros = Tensor._make(np.zeros((x.data.shape[1], self.hidden_size), dtype=x.data.dtype), False)
        module_scope = _Scope.current
        try:
            for k in range(self.num_layers):
                layer_scope = module_scope + (f"l{k}",)
                outputs = []
                for d in range(num_directions):
                    scope = layer_scope + ("reverse",) if d else layer_scope
                    _Scope.current = scope
                    h0 = zeros if hx is None else hx[k * num_directions + d]
                    steps = self._run_direction(x, self._all_weights[k * num_directions + d], h0, d == 1, scope)
                    outputs.append(steps)
                    finals.append(steps[0] if d else steps[-1])
                _Scope.current = layer_scope
                dim = 1 if self.batch_first and k == self.num_layers - 1 else 0  # steps (N, H) -> (N, L, H)
                x = stack(outputs[0], dim) if num_directions == 1 else cat(
                    [stack(outputs[0], dim), stack(outputs[1], dim)], -1
                )
                if k < self.num_layers - 1:
                    x = F.dropout(x, self.dropout, self.training)  # x itself when p = 0 or in eval mode
        finally:
            _Scope.current = module_scope
        h_n = stack(finals, 0)
        return (x, h_n) if batched else (x.squeeze(batch_dim), h_n.squeeze(1))

    def _run_direction(
        self, x: Tensor, names: list[str], h: Tensor, reverse: bool, scope: tuple[str, ...]
    ) -> list[Tensor]:
        """Run one layer in one direction over ``x`` ``(L, N, H_in)`` from the initial state ``h`` ``(N, H)``.

        Returns the hidden states in input-step order: ``L`` tensors ``(N, H)``.
        """
        p = self._parameters
        w_ih, w_hh = p[names[0]], p[names[1]]
        # One matmul projects every step's input: (L*N, H_in) @ (H_in, H); the loop adds only h_{t-1} @ W_hh^T.
        steps, batch, features = x.data.shape
        pre = x.reshape(steps * batch, features) @ w_ih.t()
        if len(names) == 4:
            pre = pre + (p[names[2]] + p[names[3]])
        pre = pre.reshape(steps, batch, w_ih.data.shape[0])
        w_hh_t = w_hh.t()
        # The loop is  h = act(pre[i] + h @ w_hh_t)  written with the primitives themselves: the Tensor operators
        # would redo their argument checks at every step, and the arguments were checked once, up front.
        act = ops.Relu if self.nonlinearity == "relu" else ops.Tanh
        # Addmm reads pre[i] and adds h @ w_hh_t in one node (AddmmBackward0), as PyTorch's addmm would.
        addmm, act = ops.Addmm.apply, act.apply
        outputs: list[Any] = [None] * steps
        for i in range(steps - 1, -1, -1) if reverse else range(steps):
            _Scope.current = scope + (f"t={i}",)
            h = act(addmm(pre, h, w_hh_t, index=i))
            outputs[i] = h
        _Scope.current = scope
        return outputs
