"""Elementwise primitives. Binary ones broadcast with numpy; ``unbroadcast`` sums each gradient back."""

from __future__ import annotations

import math
from typing import Any

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
        _, nb = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if nb else None, b)  # a only for b's gradient: an in-place a /= 2 stays valid
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.divide(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        sa, sb = ctx.shapes
        ga = unbroadcast(g / b, sa) if na else None
        gb = unbroadcast(-g * a / (b * b), sb) if nb else None
        return ga, gb


def _power(a, b):
    """numpy's ``a ** b``, with PyTorch's integer powers to negative exponents (numpy refuses them): 1 for a base
    of 1, +-1 for -1 (by parity), else 0."""
    if np.asarray(a).dtype.kind in "iub" and np.asarray(b).dtype.kind in "iu" and np.any(np.less(b, 0)):
        z = np.power(a, np.maximum(b, 0))  # (Python numbers stay weak: 2 ** int32 is int32)
        ones = np.where(np.equal(a, -1), np.where(np.equal(np.remainder(b, 2), 0), 1, -1), np.equal(a, 1))
        return np.where(np.less(b, 0), ones, z).astype(z.dtype)
    return np.power(a, b)


class Pow(Function):
    """z = a ** b;  dL/da = dL/dz * b * a^(b-1),  dL/db = dL/dz * z * log(a)."""

    broadcasts = True

    @classmethod
    def node_name(cls):
        return "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        z = _power(a, b)
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
            z = _power(base, a)
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
        if a.dtype.kind in "iub" and isinstance(exponent, (int, np.integer)) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
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
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf, log -1 = nan, silently as PyTorch
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
    """z = |a|;  dL/da = dL/dz * sign(a)  (0 at a = 0 and at a = nan, as PyTorch's sign)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.sign(np.nan_to_num(a, nan=0.0))


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
    """z = max(a, 0);  dL/da = dL/dz where a > 0 (and where a is nan, as PyTorch), else 0."""

    @staticmethod
    def forward(ctx, a):
        z = np.maximum(np.zeros((), a.dtype), a)  # a second: numpy returns it on a tie, so relu(-0.0) is -0.0
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return np.where(z <= 0, np.zeros((), g.dtype), g)  # a select, not a product: an inf gradient stays out


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
            z = np.maximum(np.asarray(min, dtype=a.dtype), z)  # z second: it is kept on a tie (-0.0 stays)
        if max is not None:
            z = np.minimum(np.asarray(max, dtype=a.dtype), z)
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
        return np.maximum(b, a) if cls.larger else np.minimum(b, a)  # a on a tie (-0.0 against 0.0), as PyTorch

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


# ---- more unary functions: each value with numpy (erf with math.erf), each derivative its textbook formula ----
# math.erf is exact to float64 round-off; numpy has no erf. Applied element by element it costs about 0.1 s per
# million elements (100x numpy's tanh), measured; fine for the sizes minigrad is read and run at.

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _elementwise(fn: Any, a: np.ndarray) -> np.ndarray:
    """``fn`` (a float -> float function of ``math``) on every element of ``a``, computed in float64 and given
    back in ``a``'s dtype and shape."""
    flat = np.asarray(a, dtype=np.float64).ravel().tolist()
    return np.array([fn(v) for v in flat], dtype=np.float64).reshape(np.shape(a)).astype(a.dtype)


def erf(a: np.ndarray) -> np.ndarray:
    """The error function ``2/sqrt(pi) * integral_0^a e^(-t^2) dt``, elementwise, in ``a``'s dtype."""
    return _elementwise(math.erf, a)


def erfc(a: np.ndarray) -> np.ndarray:
    """``1 - erf(a)``, accurate where erf is near 1, elementwise, in ``a``'s dtype."""
    return _elementwise(math.erfc, a)


def erfinv(a: np.ndarray) -> np.ndarray:
    """The inverse of erf on [-1, 1] (+-inf at +-1, nan outside), in ``a``'s dtype.

    A start accurate to about 1e-7 (M. Giles' single-precision polynomial approximation), then two Newton steps on
    ``erf(y) - a`` (each doubles the correct digits), in float64.
    """
    x = np.asarray(a, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - x) * (1.0 + x))
        central = w - 2.5
        p = np.polyval([2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                        -0.00125372503, -0.00417768164, 0.246640727, 1.50140941], central)
        tail = np.sqrt(np.where(w < 5.0, 5.0, w)) - 3.0
        q = np.polyval([-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                        -0.0076224613, 0.00943887047, 1.00167406, 2.83297682], tail)
        y = np.where(w < 5.0, p, q) * x
        for _ in range(2):
            inside = np.isfinite(y)
            err = erf(np.where(inside, y, 0.0)) - x
            y = np.where(inside, y - err / (_TWO_OVER_SQRT_PI * np.exp(-y * y)), y)
        y = np.where(np.abs(x) == 1.0, np.copysign(np.inf, x), y)
        y = np.where(np.abs(x) > 1.0, np.nan, y)
    return y.astype(np.asarray(a).dtype)


class Erf(Function):
    """z = erf(a);  dL/da = dL/dz * 2/sqrt(pi) * e^(-a^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return erf(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (_TWO_OVER_SQRT_PI * np.exp(-(a * a)))


class Erfc(Function):
    """z = erfc(a) = 1 - erf(a);  dL/da = -dL/dz * 2/sqrt(pi) * e^(-a^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return erfc(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (-_TWO_OVER_SQRT_PI * np.exp(-(a * a)))


class Erfinv(Function):
    """z = erfinv(a) (erf(z) = a);  dL/da = dL/dz * sqrt(pi)/2 * e^(z^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)  # PyTorch saves the input and computes z again
        return erfinv(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        z = erfinv(a)
        with np.errstate(over="ignore"):
            return g * (np.exp(z * z) / _TWO_OVER_SQRT_PI)


class Log1p(Function):
    """z = ln(1 + a), accurate for small a;  dL/da = dL/dz / (1 + a)."""

    @classmethod
    def node_name(cls):
        return "Log1PBackward0"  # PyTorch's spelling

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return g / (a + 1)


class Expm1(Function):
    """z = e^a - 1, accurate for small a;  dL/da = dL/dz * (z + 1)."""

    @staticmethod
    def forward(ctx, a):
        z = np.expm1(a)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (z + 1)


class Log2(Function):
    """z = log2 a;  dL/da = dL/dz / (a ln 2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log2(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return g / (a * math.log(2.0))


class Log10(Function):
    """z = log10 a;  dL/da = dL/dz / (a ln 10)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log10(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return g / (a * math.log(10.0))


class Exp2(Function):
    """z = 2^a;  dL/da = dL/dz * z * ln 2."""

    @staticmethod
    def forward(ctx, a):
        z = np.exp2(a)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (z * math.log(2.0))


class Tan(Function):
    """z = tan a;  dL/da = dL/dz * (1 + z^2)."""

    @staticmethod
    def forward(ctx, a):
        z = np.tan(a)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * (1 + z * z)


class Asin(Function):
    """z = arcsin a;  dL/da = dL/dz / sqrt(1 - a^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsin(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / np.sqrt(1 - a * a)


class Acos(Function):
    """z = arccos a;  dL/da = -dL/dz / sqrt(1 - a^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arccos(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return -g / np.sqrt(1 - a * a)


class Atan(Function):
    """z = arctan a;  dL/da = dL/dz / (1 + a^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1 + a * a)


class Sinh(Function):
    """z = sinh a;  dL/da = dL/dz * cosh a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.cosh(a)


class Cosh(Function):
    """z = cosh a;  dL/da = dL/dz * sinh a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cosh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.sinh(a)


class Asinh(Function):
    """z = arsinh a;  dL/da = dL/dz / sqrt(a^2 + 1)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsinh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / np.sqrt(a * a + 1)


class Acosh(Function):
    """z = arcosh a (a >= 1);  dL/da = dL/dz / sqrt(a^2 - 1) (PyTorch's form: finite at a < -1 too)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):  # a < 1 gives nan, silently as PyTorch
            return np.arccosh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / np.sqrt(a * a - 1)


class Atanh(Function):
    """z = artanh a (|a| < 1);  dL/da = dL/dz / (1 - a^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.arctanh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return g / (1 - a * a)


class _Step(Function):
    """A piecewise constant function (floor, ceil, trunc, round);  dL/da = 0 everywhere, as PyTorch."""

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Floor(_Step):
    """z = the largest integer <= a;  dL/da = 0."""

    @staticmethod
    def forward(ctx, a):
        return np.floor(a)


class Ceil(_Step):
    """z = the smallest integer >= a;  dL/da = 0."""

    @staticmethod
    def forward(ctx, a):
        return np.ceil(a)


class Trunc(_Step):
    """z = a with its fraction dropped (toward 0);  dL/da = 0."""

    @staticmethod
    def forward(ctx, a):
        return np.trunc(a)


class Round(_Step):
    """z = a rounded to ``decimals`` places, halves to even (``round(a * 10^d) / 10^d``);  dL/da = 0.
    ``RoundBackward0`` without decimals, ``RoundBackward1`` with them, as PyTorch."""

    @classmethod
    def node_name(cls):
        return "RoundBackward0"

    @staticmethod
    def forward(ctx, a, *, decimals=0):
        return np.round(a, decimals)


class RoundDecimals(Round):
    """``round(a, decimals=d)``: the same values as ``Round``, named ``RoundBackward1`` as PyTorch."""

    @classmethod
    def node_name(cls):
        return "RoundBackward1"


class Frac(Function):
    """z = a - trunc(a) (keeps a's sign);  dL/da = dL/dz."""

    @staticmethod
    def forward(ctx, a):
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx, g):
        return g


# ---- smooth activations, one node each as in PyTorch ------------------------------------------------------------
# Written out of smaller ops (``x * sigmoid(x)``, a ``where`` of two branches), their backward would multiply a zero
# by an infinity somewhere (the branch not taken still gets a zero gradient), so an infinite or nan upstream gradient
# would come out as nan where PyTorch's formula gives a number. Each backward here is that formula.

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_KAPPA = 0.044715


class Silu(Function):
    """z = a * sigmoid(a);  dL/da = dL/dz * s (1 + a (1 - s)), s = sigmoid(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * sigmoid(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        s = sigmoid(a)
        return g * (s * (1 + a * (1 - s)))


class Gelu(Function):
    """z = a * Phi(a), Phi(a) = (1 + erf(a / sqrt 2)) / 2 the standard normal CDF;
    dL/da = dL/dz * (Phi(a) + a phi(a)), phi(a) = e^(-a^2 / 2) / sqrt(2 pi) its density."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * 0.5 * (erf(a * math.sqrt(0.5)) + 1)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        cdf = 0.5 * (erf(a * math.sqrt(0.5)) + 1)
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * a * a)
        with np.errstate(invalid="ignore"):  # -inf * 0 at a = -inf: nan, as PyTorch
            return g * (cdf + a * pdf)


class GeluTanh(Function):
    """z = a (1 + tanh u) / 2 with u = sqrt(2 / pi) (a + 0.044715 a^3) (``gelu(approximate='tanh')``);
    dL/da = dL/dz * ((1 + tanh u) / 2 + a (1 - tanh^2 u) sqrt(2 / pi) (1 + 3 * 0.044715 a^2) / 2)."""

    @classmethod
    def node_name(cls):
        return "GeluBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * 0.5 * (np.tanh((a + a * a * a * _KAPPA) * _SQRT_2_OVER_PI) + 1)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        t = np.tanh((a + a * a * a * _KAPPA) * _SQRT_2_OVER_PI)
        with np.errstate(invalid="ignore"):
            slope = 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * _KAPPA * a * a)
        return g * slope


class Elu(Function):
    """z = a where a > 0 (or nan), else alpha (e^a - 1);  dL/da = dL/dz there, else dL/dz * alpha e^a."""

    @staticmethod
    def forward(ctx, a, *, alpha):
        positive = ~(a <= 0)  # nan takes the identity branch, as in PyTorch
        neg = np.where(positive, np.zeros((), a.dtype), a)  # exp only of non-positive values: no overflow
        ctx.save_for_backward(a)
        ctx.alpha = alpha
        return np.where(positive, a, np.expm1(neg) * alpha)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        positive = ~(a <= 0)
        neg = np.where(positive, np.zeros((), a.dtype), a)
        return np.where(positive, g, g * (ctx.alpha * np.exp(neg)))


class LogSigmoid(Function):
    """z = log sigmoid(a) = min(a, 0) - log(1 + e^-|a|) (no overflow);  dL/da = dL/dz * sigmoid(-a), written
    with e = e^-|a| as 1 - e / (1 + e) for a < 0 and e / (1 + e) otherwise."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        e = np.exp(-np.abs(a))
        share = e / (1 + e)
        return g * np.where(a < 0, 1 - share, share)


class Softplus(Function):
    """z = log(1 + e^(beta a)) / beta, and a itself where beta a > threshold;
    dL/da = dL/dz * sigmoid(beta a), and dL/dz above the threshold."""

    @staticmethod
    def forward(ctx, a, *, beta, threshold):
        z = a * beta
        linear = z > threshold
        ctx.save_for_backward(a)
        ctx.meta = (beta, threshold)
        smooth = np.log1p(np.exp(np.where(linear, np.zeros((), a.dtype), z))) / beta  # exp only below: no overflow
        return np.where(linear, a, smooth)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        beta, threshold = ctx.meta
        z = a * beta
        linear = z > threshold
        e = np.exp(np.where(linear, np.zeros((), a.dtype), z))
        return np.where(linear, g, g * (e / (e + 1)))


# ---- more binary functions -------------------------------------------------------------------------------------


class Atan2(Function):
    """z = atan2(a, b), the angle of the point (b, a);  dL/da = dL/dz * b / (a^2 + b^2),
    dL/db = -dL/dz * a / (a^2 + b^2)  (both 0 at a = b = 0, as PyTorch)."""

    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            r2inv = np.reciprocal(a * a + b * b)
        r2inv = np.where(np.isinf(r2inv), np.zeros((), r2inv.dtype), r2inv)  # none at the origin, as PyTorch
        ga = unbroadcast(g * b * r2inv, np.shape(a)) if na else None
        gb = unbroadcast(-g * a * r2inv, np.shape(b)) if nb else None
        return ga, gb


class Hypot(Function):
    """z = sqrt(a^2 + b^2) without overflow;  dL/da = dL/dz * a / z,  dL/db = dL/dz * b / z."""

    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        z = np.hypot(a, b)
        na, nb = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if na else None, b if nb else None, z)  # only what a needed gradient reads
        return z

    @staticmethod
    def backward(ctx, g):
        a, b, z = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = unbroadcast(g * (a / z), np.shape(a)) if na else None
            gb = unbroadcast(g * (b / z), np.shape(b)) if nb else None
        return ga, gb


class Remainder(Function):
    """z = a - floor(a / b) * b (the sign of b, Python's ``%``);  dL/da = dL/dz,  dL/db = -dL/dz * floor(a / b).
    ``RemainderBackward1`` for a tensor ``b``, as PyTorch."""

    broadcasts = True
    variant = 1
    ufunc = staticmethod(np.remainder)
    rounding = staticmethod(np.floor)

    @classmethod
    def forward(cls, ctx, a, b):
        _, nb = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if nb else None, b if nb else None)  # only b's gradient reads them
        ctx.shapes = (np.shape(a), np.shape(b))
        return cls.ufunc(a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = unbroadcast(g, ctx.shapes[0]) if na else None
        with np.errstate(divide="ignore", invalid="ignore"):
            gb = unbroadcast(-g * cls.rounding(a / b), ctx.shapes[1]) if nb else None
        return ga, gb


class Fmod(Remainder):
    """z = a - trunc(a / b) * b (the sign of a, C's ``fmod``);  dL/da = dL/dz,  dL/db = -dL/dz * trunc(a / b).
    ``FmodBackward1`` for a tensor ``b``, as PyTorch."""

    ufunc = staticmethod(np.fmod)
    rounding = staticmethod(np.trunc)


class RemainderScalar(Function):
    """z = a % other for a number ``other`` (an option, not an input);  dL/da = dL/dz. ``RemainderBackward0``."""

    ufunc = staticmethod(np.remainder)

    @classmethod
    def node_name(cls):
        return f"{cls.__name__.removesuffix('Scalar')}Backward0"

    @classmethod
    def forward(cls, ctx, a, *, other):
        return cls.ufunc(a, other)

    @staticmethod
    def backward(ctx, g):
        return g


class FmodScalar(RemainderScalar):
    """z = fmod(a, other) for a number ``other``;  dL/da = dL/dz. ``FmodBackward0``."""

    ufunc = staticmethod(np.fmod)


class Xlogy(Function):
    """z = a * ln b, and 0 where a == 0 (unless b is nan);  dL/da = xlogy(dL/dz, b) (so 0 where dL/dz is 0, even
    at b < 0; and 0 where a == 0 and b <= 0, as PyTorch's),  dL/db = dL/dz * a / b."""

    broadcasts = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xlogy(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = unbroadcast(np.where((a == 0) & (b <= 0), 0, _xlogy(g, b)), np.shape(a)) if na else None
            gb = unbroadcast(g * a / b, np.shape(b)) if nb else None
        return ga, gb


class XlogyScalar(Function):
    """z = a * ln(other) for a number ``other`` (an option, not an input);  dL/da = xlogy(dL/dz, other), and 0
    where a == 0 if ln(other) is not finite, as PyTorch's ``XlogyBackward2``."""

    @classmethod
    def node_name(cls):
        return "XlogyBackward2"

    @staticmethod
    def forward(ctx, a, *, other):
        ctx.save_for_backward(a)
        ctx.other = other
        return _xlogy(a, other)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d = _xlogy(g, np.asarray(ctx.other, dtype=g.dtype))
        if not ctx.other > 0:  # ln(other) is -inf or nan: PyTorch gives 0 where a == 0
            d = np.where(a == 0, np.zeros((), d.dtype), d)
        return d


def _xlogy(a: np.ndarray, b: Any) -> np.ndarray:
    """``a * log(b)``, 0 where ``a == 0`` and b is not nan (so 0 * log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = a * np.log(b)
    zero = np.zeros((), dtype=z.dtype)
    return np.where((a == 0) & ~np.isnan(b), zero, z)


# ---- three-operand forms -------------------------------------------------------------------------------------


class Addcmul(Function):
    """z = a + value * b * c (broadcast);  dL/da = dL/dz,  dL/db = dL/dz * value * c,  dL/dc = dL/dz * value * b."""

    @staticmethod
    def forward(ctx, a, b, c, *, value=1):
        _, nb, nc = ctx.needs_input_grad or (False, False, False)
        ctx.save_for_backward(b if nc else None, c if nb else None)  # only what a needed gradient reads
        ctx.meta = (np.shape(a), np.shape(b), np.shape(c), value)
        return a + value * b * c

    @staticmethod
    def backward(ctx, g):
        b, c = ctx.saved_tensors
        sa, sb, sc, v = ctx.meta
        na, nb, nc = ctx.needs_input_grad
        return (unbroadcast(g, sa) if na else None,
                unbroadcast(g * v * c, sb) if nb else None,
                unbroadcast(g * v * b, sc) if nc else None)


class Addcdiv(Function):
    """z = a + value * b / c (broadcast);  dL/da = dL/dz,  dL/db = dL/dz * value / c,
    dL/dc = -dL/dz * value * b / c^2."""

    @staticmethod
    def forward(ctx, a, b, c, *, value=1):
        _, nb, nc = ctx.needs_input_grad or (False, False, False)
        ctx.save_for_backward(b if nc else None, c)  # c always, as PyTorch's AddcdivBackward0
        ctx.meta = (np.shape(a), np.shape(b), np.shape(c), value)
        return a + value * b / c

    @staticmethod
    def backward(ctx, g):
        b, c = ctx.saved_tensors
        sa, sb, sc, v = ctx.meta
        na, nb, nc = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            return (unbroadcast(g, sa) if na else None,
                    unbroadcast(g * v / c, sb) if nb else None,
                    unbroadcast(-g * v * b / (c * c), sc) if nc else None)


class Lerp(Function):
    """z = a + w * (b - a) for a number w;  dL/da = dL/dz * (1 - w),  dL/db = dL/dz * w."""

    @staticmethod
    def forward(ctx, a, b, *, weight):
        ctx.meta = (np.shape(a), np.shape(b), weight)
        return a + weight * (b - a)

    @staticmethod
    def backward(ctx, g):
        sa, sb, w = ctx.meta
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g * (1 - w), sa) if na else None, unbroadcast(g * w, sb) if nb else None)


class LerpTensor(Function):
    """z = a + w * (b - a) for a tensor w (broadcast);  dL/da = dL/dz * (1 - w),  dL/db = dL/dz * w,
    dL/dw = dL/dz * (b - a). PyTorch's ``LerpBackward1``."""

    @classmethod
    def node_name(cls):
        return "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return a + w * (b - a)

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        na, nb, nw = ctx.needs_input_grad
        return (unbroadcast(g * (1 - w), a.shape) if na else None,
                unbroadcast(g * w, b.shape) if nb else None,
                unbroadcast(g * (b - a), w.shape) if nw else None)
