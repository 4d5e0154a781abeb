"""What ``Module.__call__`` does when the module has hooks (``register_forward_pre_hook`` and the others).

Forward hooks are plain calls around ``forward``. Full backward hooks need the gradients w.r.t. the module's
inputs and outputs, which no node of the module's own graph holds as a whole: ``BackwardHook`` routes the inputs
and the outputs through an identity op (``BackwardHookFunction``, drawn as ``BackwardHookFunctionBackward`` as in
PyTorch) and hangs a tensor hook on its node. The output side's hook sees grad_output (and may have the backward
pre-hooks replace it); the input side's hook sees grad_input once the module's backward is done (and may have the
backward hooks replace it).

Several tensors on one side are packed into one flat array first (``Pack``), so that one node sees all of their
gradients at once, and read back as views (``Unpack``); a tensor whose gradient never arrived is given as None.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad.autograd.function import Function
from minigrad.autograd.grad_mode import GradMode
from minigrad.autograd.hooks import NodePreHook
from minigrad.tensor import Tensor


class BackwardHookFunction(Function):
    """The identity ``y = x``; ``dL/dx = dL/dy``. Its node is where a module's backward hooks look."""

    @classmethod
    def node_name(cls) -> str:
        return "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return x.view()

    @staticmethod
    def backward(ctx: Any, grad: np.ndarray) -> np.ndarray:
        return grad


class Pack(BackwardHookFunction):
    """Several tensors as one flat array: shapes ``s_1, ..., s_k`` -> ``(n_1 + ... + n_k,)``; backward splits."""

    @staticmethod
    def forward(ctx: Any, *xs: np.ndarray) -> np.ndarray:
        ctx.shapes = [(x.shape, x.dtype) for x in xs]
        return np.concatenate([x.reshape(-1) for x in xs])

    @staticmethod
    def backward(ctx: Any, grad: np.ndarray) -> tuple:
        parts = _split(grad, ctx.shapes)
        return tuple(part.reshape(shape).astype(dtype) for part, (shape, dtype) in zip(parts, ctx.shapes))


class Unpack(BackwardHookFunction):
    """Part ``i`` of a ``Pack``ed array, in its own shape and dtype; backward puts it back in a zero array."""

    @staticmethod
    def forward(ctx: Any, flat: np.ndarray, shapes: list, i: int) -> np.ndarray:
        ctx.meta = (flat.shape, flat.dtype, shapes, i)
        shape, dtype = shapes[i]
        return _split(flat, shapes)[i].reshape(shape).astype(dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, grad: np.ndarray) -> tuple:
        size, dtype, shapes, i = ctx.meta
        out = np.zeros(size, dtype=dtype)
        _split(out, shapes)[i][...] = grad.reshape(-1)
        return out, None, None


def _split(flat: np.ndarray, shapes: list) -> list:
    """``flat`` cut into consecutive views of ``prod(shape)`` elements each."""
    ends = np.cumsum([int(np.prod(s, dtype=np.int64)) for s, _ in shapes])
    return np.split(flat, ends[:-1])


class BackwardHook:
    """One call's full backward hooks: wraps the inputs and outputs, and calls the hooks from their nodes."""

    def __init__(self, module: Any, user_hooks: list, user_pre_hooks: list) -> None:
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs: tuple | None = None
        self.n_inputs = 0
        self.input_index: list | None = None
        self.input_zeros: list = []
        self.output_index: list | None = None

    def _wrap(self, values: tuple, on_grad: Any) -> tuple[tuple, list | None]:
        """Route the tensors among ``values`` that require grad through the identity; ``on_grad(grads)`` is called
        with their gradients (a list, None for one that got none) and returns replacements or None."""
        index = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
        if not index or not GradMode.enabled:
            return values, None
        tensors = [values[i] for i in index]
        if len(tensors) == 1:
            flat = BackwardHookFunction.apply(tensors[0])
            new, seen, shapes = [flat], [True], [(flat._data.shape, flat._data.dtype)]
        else:
            flat = Pack.apply(*tensors)
            shapes = flat.grad_fn.shapes
            new = [Unpack.apply(flat, shapes, i) for i in range(len(tensors))]
            seen = [False] * len(tensors)
            for i, t in enumerate(new):
                t.register_hook(lambda g, i=i: seen.__setitem__(i, True))

        def hook(g: Tensor) -> Tensor | None:
            parts = _split(g._data, shapes)
            grads = [Tensor._make(p.reshape(s), False) if ok else None for p, (s, _), ok in zip(parts, shapes, seen)]
            if len(seen) > 1:
                seen[:] = [False] * len(seen)
            out = on_grad(grads)
            if out is None:
                return None
            array = np.zeros_like(g._data)
            for part, o, (shape, _) in zip(_split(array, shapes), out, shapes):
                if o is not None:
                    if tuple(o.shape) != shape:
                        raise RuntimeError("hook 'hook' has changed the size of value")
                    part[...] = o._data.reshape(part.shape)
            return Tensor._make(array, False)

        flat.register_hook(NodePreHook(hook))
        values = list(values)
        for i, t in zip(index, new):
            values[i] = t
        return tuple(values), index

    def setup_input_hook(self, args: tuple) -> tuple:
        """Wrap the positional inputs; their node calls the backward hooks with grad_input and grad_output."""
        self.n_inputs = len(args)
        self.input_zeros = [(i, a._data.shape, a._data.dtype) for i, a in enumerate(args) if isinstance(a, Tensor)]
        args, self.input_index = self._wrap(args, self._on_grad_input)
        return args

    def setup_output_hook(self, result: Any) -> Any:
        """Wrap the output (a Tensor, or the Tensors at the top of a tuple); their node sees grad_output."""
        is_tuple = isinstance(result, tuple)
        outputs = result if is_tuple else (result,)
        self.n_outputs = len(outputs)
        outputs, self.output_index = self._wrap(outputs, self._on_grad_output)
        return outputs if is_tuple else outputs[0]

    def _on_grad_output(self, grads: list) -> list | None:
        self.grad_outputs = _with_none(self.output_index, grads, self.n_outputs)
        for pre_hook in self.user_pre_hooks:
            out = pre_hook(self.module, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(self.grad_outputs):
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, got "
                    f"{len(out)}, but expected {len(self.grad_outputs)}"
                )
            self.grad_outputs = tuple(out)
        replaced = [self.grad_outputs[i] for i in self.output_index] if self.user_pre_hooks else None
        if self.input_index is None:  # no input requires grad: the backward hooks run now, with grad_input None
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to module outputs since no "
                "inputs require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                "#torch.nn.Module.register_full_backward_hook for more details.",
                stacklevel=2,
            )
            grad_inputs = (None,) * self.n_inputs
            for hook in self.user_hooks:
                out = hook(self.module, grad_inputs, self.grad_outputs)
                if out is not None and not (isinstance(out, tuple) and all(o is None for o in out)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should always return None or "
                        "None for all gradients."
                    )
            self.grad_outputs = None
        return replaced

    def _on_grad_input(self, grads: list) -> list | None:
        if self.grad_outputs is None:  # the output's gradient never arrived: PyTorch calls no hook then
            return None
        res = list(_with_none(self.input_index, grads, self.n_inputs))
        for i, shape, dtype in self.input_zeros:  # a tensor input that got no gradient: zeros, as PyTorch gives
            if res[i] is None:
                res[i] = Tensor._make(np.zeros(shape, dtype=dtype), False)
        res = tuple(res)
        changed = False
        for hook in self.user_hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError(
                    f"Backward hook returned an invalid number of grad_input, got {len(out)}, but expected {len(res)}"
                )
            res, changed = tuple(out), True
        self.grad_outputs = None
        return [res[i] for i in self.input_index] if changed else None


def _with_none(index: list | None, grads: list, n: int) -> tuple:
    """A tuple of ``n`` entries: ``grads`` at the positions ``index``, None elsewhere."""
    out: list = [None] * n
    for i, g in zip(index or [], grads):
        out[i] = g
    return tuple(out)


def call_with_hooks(module: Any, args: tuple, kwargs: dict) -> Any:
    """``module(*args, **kwargs)`` with its hooks, in PyTorch's order: forward pre-hooks (which may replace the
    arguments), the backward hooks' input wrapping, ``forward``, forward hooks (which may replace the output),
    the backward hooks' output wrapping."""
    d = module.__dict__
    pre_hooks, fwd_hooks = d.get("_forward_pre_hooks") or {}, d.get("_forward_hooks") or {}
    pre_kw, fwd_kw = d.get("_forward_pre_hooks_with_kwargs") or {}, d.get("_forward_hooks_with_kwargs") or {}
    bw_hooks, bw_pre_hooks = d.get("_backward_hooks") or {}, d.get("_backward_pre_hooks") or {}
    bw = None
    if bw_hooks or bw_pre_hooks:
        bw = BackwardHook(module, list(bw_hooks.values()), list(bw_pre_hooks.values()))
    for key, hook in tuple(pre_hooks.items()):
        if key in pre_kw:
            out = hook(module, args, kwargs)
            if out is not None:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(
                        f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {out}."
                    )
                args, kwargs = out
        else:
            out = hook(module, args)
            if out is not None:
                args = out if isinstance(out, tuple) else (out,)
    if bw is not None:
        args = bw.setup_input_hook(args)
    result = module.forward(*args, **kwargs)
    for key, hook in tuple(fwd_hooks.items()):
        out = hook(module, args, kwargs, result) if key in fwd_kw else hook(module, args, result)
        if out is not None:
            result = out
    if bw is not None:
        if not isinstance(result, (Tensor, tuple)):
            warnings.warn(
                "For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but "
                f"received {type(result)}",
                stacklevel=2,
            )
        result = bw.setup_output_hook(result)
    return result
