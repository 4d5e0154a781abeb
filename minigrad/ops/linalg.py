"""Matrix products: ``matmul`` with numpy's rules for 1-D, 2-D and batched (broadcast) operands."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function, raise_broadcast_error
from minigrad.ops._util import placed, unbroadcast


class MatMul(Function):
    """z = a @ b;  dL/da = dL/dz @ b^T,  dL/db = a^T @ dL/dz  (^T swaps the last two axes only).

    1-D operands are promoted for the backward (a as a row, b as a column) and batch axes that broadcasting
    added or stretched are summed back with ``unbroadcast``.
    """

    @classmethod
    def node_name(cls):
        return "MatmulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        na, nb = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if nb else None, b if na else None)
        ctx.shapes = (a.shape, b.shape)
        if a.ndim > 2 and b.ndim == 2:
            # One (batch*n, k) @ (k, m) product: a single large BLAS call instead of one per batch entry.
            return np.matmul(a.reshape(-1, a.shape[-1]), b).reshape(a.shape[:-1] + (b.shape[-1],))
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        if len(sb) == 1:
            g = np.expand_dims(g, -1)
            b = b[:, None] if b is not None else None
        if len(sa) == 1:
            g = np.expand_dims(g, -2)
            a = a[None, :] if a is not None else None
        ga = gb = None
        if na:
            ga = g @ np.swapaxes(b, -1, -2)
            ga = unbroadcast(ga, (1,) * (len(sa) == 1) + sa).reshape(sa)
        if nb:
            if len(sb) == 2 and a.ndim > 2:
                # A matrix shared by a batch (a Linear layer on (T, N, H)): sum over the batch inside one
                # matmul, (k, batch*n) @ (batch*n, m), instead of a (batch, k, m) stack summed afterwards.
                k = a.shape[-1]
                gb = a.reshape(-1, k).T @ g.reshape(-1, g.shape[-1])
            else:
                gb = np.swapaxes(a, -1, -2) @ g
            gb = unbroadcast(gb, sb + (1,) * (len(sb) == 1)).reshape(sb)
        return ga, gb


class Mm(MatMul):
    """2-D @ 2-D, named ``MmBackward0``."""

    @classmethod
    def node_name(cls):
        return "MmBackward0"


class Mv(MatMul):
    """2-D @ 1-D, named ``MvBackward0``."""

    @classmethod
    def node_name(cls):
        return "MvBackward0"


class Dot(MatMul):
    """1-D @ 1-D, named ``DotBackward0``."""

    @classmethod
    def node_name(cls):
        return "DotBackward0"


class Bmm(MatMul):
    """Batched @ batched (3-D, same batch), named ``BmmBackward0``."""

    @classmethod
    def node_name(cls):
        return "BmmBackward0"


def pick_matmul(sa: tuple, sb: tuple) -> type:
    """Return the MatMul variant for operand shapes ``sa`` and ``sb``, or raise PyTorch's size error.

    The errors follow the route PyTorch's matmul takes: dot (1-D @ 1-D), mv (a 2-D or folded batch @ 1-D),
    mm (2-D or a batch folded into rows @ 2-D), else the batch dims broadcast and a bmm of the flattened batch.
    """
    if len(sa) == 0 or len(sb) == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and {len(sb)}D"
        )
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if len(sb) <= 2:
        if k_a != k_b:
            rows = int(np.prod(sa[:-1])) if len(sa) > 1 else 1
            if len(sa) == 1 and len(sb) == 1:
                raise RuntimeError(
                    f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same "
                    f"number of elements, but got {sa[0]} and {sb[0]} elements respectively"
                )
            if len(sb) == 1:
                raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_a}), vec ({sb[0]})")
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {sb[0]}x{sb[1]})")
    else:
        # Batched: the batch dims broadcast first, then the inner sizes must agree.
        batch_a, batch_b = sa[:-2], sb[:-2]
        try:
            batch = np.broadcast_shapes(batch_a, batch_b)
        except ValueError as err:
            zero = np.zeros(())
            raise_broadcast_error(np.broadcast_to(zero, batch_a), np.broadcast_to(zero, batch_b), err)
        if k_a != k_b:
            n = int(np.prod(batch))
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k_a}] but got: [{n}, {k_b}]."
            )
    if len(sa) == 2 and len(sb) == 2:
        return Mm
    if len(sa) == 1 and len(sb) == 1:
        return Dot
    if len(sa) == 2 and len(sb) == 1:
        return Mv
    if len(sa) == 3 and len(sb) == 3 and sa[0] == sb[0]:
        return Bmm
    return MatMul


class Addmm(Function):
    """z = c + a @ b for 2-D a, b (c broadcast), or z = c[index] + a @ b when ``index`` is given;
    dL/dc = dL/dz (summed back to c's shape, or placed at ``index``),  dL/da = dL/dz @ b^T,  dL/db = a^T @ dL/dz.

    PyTorch's ``addmm`` (``AddmmBackward0``), which ``Linear`` records. With ``index`` it also reads one time step
    of a recurrent layer's input projections: ``pre[t] + h @ W_hh^T`` is one node, as a drawn step shows it.
    """

    @classmethod
    def node_name(cls):
        return "AddmmBackward0"

    @staticmethod
    def forward(ctx, c, a, b, *, index=None):
        nc, na, nb = ctx.needs_input_grad or (False, False, False)
        ctx.save_for_backward(a if nb else None, b if na else None)
        ctx.meta = (c.shape, c.dtype, index)
        out = a @ b  # a fresh array: add the bias into it rather than make another
        out += c if index is None else c[index]
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        nc, na, nb = ctx.needs_input_grad
        shape, dtype, index = ctx.meta
        gc = None
        if nc:
            gc = unbroadcast(g, shape) if index is None else placed(shape, dtype, index, g)
        return gc, (g @ b.T if na else None), (a.T @ g if nb else None)


def einsum_subscripts(equation: str, ndims: list[int]) -> tuple[list[str], str]:
    """Each operand's subscripts and the output's, letters only: ``...`` becomes fresh capital letters (aligned
    from the right, as broadcasting aligns), and an equation without ``->`` gets PyTorch's implicit output (the
    ellipsis dims, then the letters used once, in alphabetical order)."""
    lhs, arrow, out = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    widest = max((n - len(t.replace("...", "")) for t, n in zip(terms, ndims) if "..." in t), default=0)
    fresh = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:widest]
    expanded = [t.replace("...", fresh[widest - (n - len(t.replace("...", ""))):]) for t, n in zip(terms, ndims)]
    if arrow:
        out = out.replace("...", fresh)
    else:
        letters = "".join(expanded)
        out = fresh + "".join(sorted(c for c in set(letters) if c.islower() and letters.count(c) == 1))
    return expanded, out


class Einsum(Function):
    """z = einsum(equation, *operands) (numpy's ``einsum``);  dL/d(operand k) = an einsum of dL/dz with the other
    operands back to operand k's subscripts. A letter repeated in operand k (a diagonal, ``'ii'``) is written
    with a fresh letter and an identity matrix tying the two; a letter summed over in operand k alone is
    broadcast back (each of its elements gets the same gradient)."""

    @staticmethod
    def forward(ctx, *arrays, equation):
        ctx.save_for_backward(*arrays)
        ctx.subscripts = einsum_subscripts(equation, [a.ndim for a in arrays])
        return np.asarray(np.einsum(equation, *arrays))

    @staticmethod
    def backward(ctx, g):
        arrays = ctx.saved_tensors
        terms, out = ctx.subscripts
        size: dict = {}
        for t, a in zip(terms, arrays):  # a letter of size 1 in one operand broadcasts against the others
            for c, n in zip(t, a.shape):
                size[c] = n if size.get(c, 1) == 1 else size[c]
        spare = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in size)
        grads = []
        for k, (term, a) in enumerate(zip(terms, arrays)):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            subs, ops_ = [out], [g]
            subs += [t for j, t in enumerate(terms) if j != k]
            ops_ += [x for j, x in enumerate(arrays) if j != k]
            target = ""
            for c in term:  # a second c becomes a fresh letter tied to c by an identity matrix
                if c in target:
                    f = next(spare)
                    size[f] = size[c]
                    subs.append(c + f)
                    ops_.append(np.eye(size[c], dtype=g.dtype))
                    c = f
                target += c
            have = set("".join(subs))
            kept = "".join(c for c in target if c in have)
            part = np.einsum(",".join(subs) + "->" + kept, *ops_)
            dims = iter(part.shape)
            part = part.reshape([next(dims) if c in have else 1 for c in target])
            widened = tuple(i for i, n in enumerate(a.shape) if n == 1 and part.shape[i] != 1)
            part = part.sum(axis=widened, keepdims=True) if widened else part  # undo the broadcast of size-1 dims
            grads.append(np.ascontiguousarray(np.broadcast_to(part, a.shape)).astype(a.dtype, copy=False))
        return tuple(grads)


class _LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input: PyTorch's ``torch.linalg.LinAlgError``, whose class has this
    name. A RuntimeError, so ``except RuntimeError`` catches it, as in PyTorch."""


class SingularValues(Function):
    """s = the singular values of each matrix of ``a (..., m, n)``, largest first: ``(..., min(m, n))``.

    With the thin SVD ``a = U diag(s) Vh``:  dL/da = U diag(dL/ds) Vh. (The singular vectors are not outputs,
    so of the full SVD backward only this term is left.) PyTorch names the node ``LinalgSvdBackward0``.
    """

    @classmethod
    def node_name(cls):
        return "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a):
        try:
            u, s, vh = np.linalg.svd(a, full_matrices=False)
        except np.linalg.LinAlgError:  # LAPACK fails on a nan (an inf only makes nan values): PyTorch's words
            raise _LinAlgError("linalg.svd: The algorithm failed to converge because the input matrix contained "
                               "non-finite values.") from None
        ctx.save_for_backward(u, vh)
        return s

    @staticmethod
    def backward(ctx, g):
        u, vh = ctx.saved_tensors
        return (u * g[..., None, :]) @ vh
