"""Elementwise primitives. Binary ones broadcast with numpy; ``unbroadcast`` sums each gradient back."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops._util import placed, unbroadcast


class Add(Function):
    """z = a + b;  dL/da = dL/dz,  dL/db = dL/dz  (each summed back to its operand's shape)."""

    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.add(a, b)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g, sa) if na else None, unbroadcast(g, sb) if nb else None)


class Sub(Function):
    """z = a - b;  dL/da = dL/dz,  dL/db = -dL/dz."""

    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.subtract(a, b)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g, sa) if na else None, unbroadcast(-g, sb) if nb else None)


class Rsub(Function):
    """z = other - a for a number ``other`` (``number - tensor``);  dL/da = -dL/dz. PyTorch's scalar overload,
    ``RsubBackward1``: the number is an option, not an input, so ``next_functions`` lists the tensor alone."""

    @classmethod
    def node_name(cls):
        return "RsubBackward1"

    @staticmethod
    def forward(ctx, a, *, other):
        return np.subtract(other, a)

    @staticmethod
    def backward(ctx, g):
        return np.negative(g)


class RsubTensor(Function):
    """z = b - a (``array - tensor``, reaching the tensor's ``__rsub__``);  dL/da = -dL/dz,  dL/db = dL/dz.
    PyTorch's ``RsubBackward0``: the tensor first, as ``torch.rsub(self, other)`` records it."""

    broadcasts = True

    @classmethod
    def node_name(cls):
        return "RsubBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.subtract(b, a)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(-g, sa) if na else None, unbroadcast(g, sb) if nb else None)


class Mul(Function):
    """z = a * b;  dL/da = dL/dz * b,  dL/db = dL/dz * a."""

    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        na, nb = ctx.needs_input_grad or (False, False)
        # Save only what a needed gradient uses: b for a's, a for b's.
        ctx.save_for_backward(a if nb else None, b if na else None)
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        sa, sb = ctx.shapes
        return (unbroadcast(g * b, sa) if na else None, unbroadcast(g * a, sb) if nb else None)


class Div(Function):
    """z = a / b;  dL/da = dL/dz / b,  dL/db = -dL/dz * a / b^2."""

    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.divide(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = unbroadcast(g / b, np.shape(a)) if na else None
        gb = unbroadcast(-g * a / (b * b), np.shape(b)) if nb else None
        return ga, gb


class Pow(Function):
    """z = a ** b;  dL/da = dL/dz * b * a^(b-1),  dL/db = dL/dz * z * log(a)."""

    broadcasts = True

    @classmethod
    def node_name(cls):
        return "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        z = np.power(a, b)
        ctx.save_for_backward(a, b, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, b, z = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = None
        if na:  # 0 where b == 0 (z is the constant 1 there), as PyTorch takes it, even at a == 0
            with np.errstate(divide="ignore", invalid="ignore"):
                ga = unbroadcast(np.where(b == 0, 0, g * b * np.power(a, b - 1)).astype(z.dtype), np.shape(a))
        gb = None
        if nb:
            # d(a^b)/db = a^b log a; taken as 0 where a == 0, as PyTorch does.
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = np.where((a == 0) & (b >= 0), 0, g * z * np.log(a)).astype(z.dtype)
            gb = unbroadcast(gb, np.shape(b))
        return ga, gb


class RPow(Function):
    """z = base ** a for a number ``base`` (``number ** tensor``);  dL/da = dL/dz * z * log(base) (0 for a zero
    base, as PyTorch). PyTorch's ``PowBackward2``: the base is an option, so ``next_functions`` lists the tensor
    alone."""

    @classmethod
    def node_name(cls):
        return "PowBackward2"

    @staticmethod
    def forward(ctx, a, *, base):
        with np.errstate(divide="ignore"):  # 0 ** -x is inf, silently as in PyTorch
            z = np.power(base, a)
        ctx.save_for_backward(a, z)
        ctx.base = base
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            d = z * float(np.log(ctx.base))  # a Python float: computed in z's dtype, as PyTorch's scalar
            if ctx.base == 0:  # 0 ** a: no gradient where a >= 0, as PyTorch
                d = np.where(a >= 0, np.zeros((), z.dtype), d)
            return g * d


class Reciprocal(Function):
    """z = 1 / a;  dL/da = -dL/dz * (z * z), in PyTorch's order."""

    @staticmethod
    def forward(ctx, a):
        z = np.reciprocal(a)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return np.negative(g) * (z * z)


class PowScalar(Function):
    """z = a ** p for a Python number p;  dL/da = dL/dz * p * a^(p-1)."""

    @classmethod
    def node_name(cls):
        return "PowBackward0"

    @staticmethod
    def forward(ctx, a, *, exponent):
        ctx.save_for_backward(a)
        ctx.exponent = exponent
        return np.power(a, np.asarray(exponent, dtype=a.dtype))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        p = ctx.exponent
        if p == 0:
            return np.zeros_like(a)
        return g * (p * np.power(a, np.asarray(p - 1, dtype=a.dtype))).astype(a.dtype)


class Neg(Function):
    """z = -a;  dL/da = -dL/dz."""

    @staticmethod
    def forward(ctx, a):
        return np.negative(a)

    @staticmethod
    def backward(ctx, g):
        return -g


class Rsqrt(Function):
    """z = 1 / sqrt(a);  dL/da = -0.5 * dL/dz * z^3, in PyTorch's order."""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 -> inf, negative -> nan, as PyTorch
            z = np.reciprocal(np.sqrt(a))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return (-0.5 * g) * (z * z * z)


class Sign(Function):
    """z = sign(a) (-1, 0 or 1; 0 for nan, as PyTorch says);  dL/da = 0 everywhere, as PyTorch."""

    @staticmethod
    def forward(ctx, a):
        return np.sign(np.nan_to_num(a, nan=0.0) if a.dtype.kind == "f" else a)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Exp(Function):
    """z = e^a;  dL/da = dL/dz * z."""

    @staticmethod
    def forward(ctx, a):
        z = np.exp(a)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * z


class Log(Function):
    """z = ln a;  dL/da = dL/dz / a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):  # log'(0) is inf, silently, as in PyTorch
            return g / a


class Sqrt(Function):
    """z = sqrt(a);  dL/da = dL/dz / (2 z). With ``zero_at_zero`` (the last step of ``std`` and ``norm``) the
    gradient is 0 where z = 0: PyTorch's subgradient of a standard deviation or a norm at equal or zero values."""

    @staticmethod
    def forward(ctx, a, *, zero_at_zero=False):
        z = np.sqrt(a)
        ctx.save_for_backward(z)
        ctx.zero_at_zero = zero_at_zero
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):  # sqrt'(0) is inf, silently, as in PyTorch
            d = g / (2 * z)
        return np.where(z == 0, np.zeros((), d.dtype), d) if ctx.zero_at_zero else d


class Abs(Function):
    """z = |a|;  dL/da = dL/dz * sign(a)  (0 at a = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.sign(a)


class Sin(Function):
    """z = sin a;  dL/da = dL/dz * cos a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.cos(a)


class Cos(Function):
    """z = cos a;  dL/da = -dL/dz * sin a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * np.sin(a)


class Tanh(Function):
    """z = tanh a;  dL/da = dL/dz * (1 - z^2)."""

    @staticmethod
    def forward(ctx, a):
        z = np.tanh(a)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (1 - z * z)


def sigmoid(a: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^-a)`` as a new array of ``a``'s shape and dtype (also for 0-d input), computed in place.

    e^-a overflows to inf for a below about -88 (float32); 1 / (1 + inf) = 0 is then the right limit (the exact
    value there is subnormal, under 1.2e-38).
    """
    z = np.negative(a, out=np.empty_like(a))
    with np.errstate(over="ignore"):
        np.exp(z, out=z)
    z += 1
    np.reciprocal(z, out=z)
    return z


class Sigmoid(Function):
    """z = 1 / (1 + e^-a);  dL/da = dL/dz * z * (1 - z)."""

    @staticmethod
    def forward(ctx, a):
        z = sigmoid(a)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return (1 - z) * z * g


# ---- gates: an activation (or a sum) of slices, in one node ---------------------------------------------------
# A recurrent cell reads each gate out of one summed pre-activation tensor. Reading a slice and activating it are
# one node here, named after the activation (in PyTorch's graph the slicing is one split node for all gates), so
# a drawn LSTM step shows its four gates, not four slices besides.


class _Gate(Function):
    """z = act(a[index]) in one node named after ``act``;  dL/da = act's gradient placed at ``index``."""

    act: type = Function

    @classmethod
    def node_name(cls):
        return cls.act.node_name()

    @classmethod
    def forward(cls, ctx, a, *, index):
        ctx.meta = (a.shape, a.dtype, index)
        return cls.act.forward(ctx, a[index])

    @classmethod
    def backward(cls, ctx, g):
        shape, dtype, index = ctx.meta
        return placed(shape, dtype, index, cls.act.backward(ctx, g))


class GateSigmoid(_Gate):
    """z = sigmoid(a[index]), one ``SigmoidBackward0`` node;  dL/da = dL/dz * z * (1 - z) placed at ``index``."""

    act = Sigmoid


class GateTanh(_Gate):
    """z = tanh(a[index]), one ``TanhBackward0`` node;  dL/da = dL/dz * (1 - z^2) placed at ``index``."""

    act = Tanh


class GateAdd(Function):
    """z = a[index_a] + b[index_b] for slices of the same shape (an index of None takes the whole input), one
    ``AddBackward0`` node;  each input's gradient is dL/dz placed at its index."""

    @classmethod
    def node_name(cls):
        return "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, *, index_a=None, index_b=None):
        ctx.meta = (a.shape, a.dtype, index_a, b.shape, b.dtype, index_b)
        return np.add(a if index_a is None else a[index_a], b if index_b is None else b[index_b])

    @staticmethod
    def backward(ctx, g):
        sa, da, ia, sb, db, ib = ctx.meta
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:
            ga = g if ia is None else placed(sa, da, ia, g)
        if nb:
            gb = g if ib is None else placed(sb, db, ib, g)
        return ga, gb


class Relu(Function):
    """z = max(a, 0);  dL/da = dL/dz where a > 0, else 0."""

    @staticmethod
    def forward(ctx, a):
        z = np.maximum(a, 0)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return np.where(z > 0, g, np.zeros((), g.dtype))  # a select, not a product: an inf gradient stays out


class Clamp(Function):
    """z = min(max(a, lo), hi);  dL/da = dL/dz where lo <= a <= hi, else 0."""

    variant = 1

    @staticmethod
    def forward(ctx, a, *, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("minigrad.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(a)
        ctx.bounds = (min, max)
        z = a
        if min is not None:
            z = np.maximum(z, np.asarray(min, dtype=a.dtype))
        if max is not None:
            z = np.minimum(z, np.asarray(max, dtype=a.dtype))
        return z

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        mask = np.ones(a.shape, dtype=bool)
        if lo is not None:
            mask &= a >= lo
        if hi is not None:
            mask &= a <= hi
        return np.where(mask, g, np.zeros((), g.dtype))  # a select, not a product: an inf gradient stays out


class MaskedFill(Function):
    """z = v where ``mask`` else a (``mask`` of a's shape; ``v`` a 0-d array of a's dtype, given as a second input
    when it is a tensor, else as the keyword ``value``, so that a number is no input of the node, as in PyTorch);
    dL/da = dL/dz where not mask,  dL/dv = the sum of dL/dz where mask."""

    @classmethod
    def node_name(cls):
        return "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, a, *v, mask, value=None):
        ctx.save_for_backward(mask)
        return np.where(mask, v[0] if v else value, a)

    @staticmethod
    def backward(ctx, g):
        (mask,) = ctx.saved_tensors
        zero = np.zeros((), dtype=g.dtype)
        ga = np.where(mask, zero, g) if ctx.needs_input_grad[0] else None
        if len(ctx.needs_input_grad) == 1:
            return ga
        gv = np.asarray(np.sum(g, where=mask, dtype=g.dtype)) if ctx.needs_input_grad[1] else None
        return ga, gv


class Maximum(Function):
    """z = max(a, b) elementwise (NaN wins);  dL/da = dL/dz where a > b, dL/db where b > a, and half to each where
    they are equal, as PyTorch's ``MaximumBackward0``."""

    broadcasts = True
    larger = True  # Minimum: the smaller operand gets the gradient

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b) if cls.larger else np.minimum(a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        split = np.where(a == b, g / 2, g)
        zero = np.zeros((), dtype=g.dtype)
        a_wins = (a > b) if cls.larger else (a < b)
        b_wins = (a < b) if cls.larger else (a > b)
        ga = unbroadcast(np.where(b_wins, zero, split), np.shape(a)) if na else None
        gb = unbroadcast(np.where(a_wins, zero, split), np.shape(b)) if nb else None
        return ga, gb


class Minimum(Maximum):
    """z = min(a, b) elementwise (NaN wins);  the gradient as ``Maximum``'s with the smaller operand winning."""

    larger = False


class Where(Function):
    """z = cond ? a : b;  dL/da = dL/dz where cond,  dL/db = dL/dz elsewhere. ``cond`` is an option, not an input:
    ``next_functions`` lists a and b, as PyTorch's ``WhereBackward0``."""

    @staticmethod
    def forward(ctx, a, b, *, cond):
        ctx.cond = cond
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond = ctx.cond
        na, nb = ctx.needs_input_grad
        sa, sb = ctx.shapes
        zero = np.zeros((), dtype=g.dtype)
        ga = unbroadcast(np.where(cond, g, zero), sa) if na else None
        gb = unbroadcast(np.where(cond, zero, g), sb) if nb else None
        return ga, gb
