"""``Module``: the base of every layer. Parameters and sub-modules are kept in plain dicts, in definition order."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from minigrad.autograd.hooks import HookDict, RemovableHandle, add_hook
from minigrad.autograd.scope import scope
from minigrad.dtypes import from_numpy_dtype
from minigrad.nn import hooks as _module_hooks
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor, to_arguments, typename


class _IncompatibleKeys(tuple):
    """``(missing_keys, unexpected_keys)`` as returned by ``load_state_dict``."""

    @property
    def missing_keys(self) -> list[str]:
        return self[0]

    @property
    def unexpected_keys(self) -> list[str]:
        return self[1]

    def __repr__(self) -> str:
        if not self[0] and not self[1]:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self[0]}, unexpected_keys={self[1]})"


class Module:
    """Base class of layers and models.

    Assigning a ``Parameter`` to an attribute registers it in ``_parameters``; assigning a ``Module`` registers
    it in ``_modules``. Calling the module runs ``forward`` with the module's name pushed as the graph scope
    (its attribute path in the parent, e.g. ``rnn`` or ``layers.0``; the class name for the outermost module),
    so drawings group every node by the module that made it.
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_scope_name", None)
        object.__setattr__(self, "training", True)

    # ---- registration ------------------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self.__dict__.pop(name, None)
            self._modules.pop(name, None)
            self._buffers.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self.__dict__.pop(name, None)
            params.pop(name, None)
            self._buffers.pop(name, None)
            self._modules[name] = value
            self._adopt(name, value)
        elif params is not None and name in params:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' (minigrad.nn.Parameter or "
                    "None expected)"
                )
            params[name] = value
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' (minigrad.Tensor or None "
                    "expected)"
                )
            self._buffers[name] = value
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' (minigrad.nn.Module or "
                    "None expected)"
                )
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            table = d.get(store)
            if table is not None and name in table:
                return table[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        self._non_persistent_buffers_set.discard(name)
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or ``None``, which keeps the name with no tensor) under ``name``."""
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' (minigrad.nn.Parameter or "
                "None required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a non-learnable tensor (e.g. running statistics) under ``name``.

        A buffer moves with ``.double()``/``.to()``, is listed by ``named_buffers`` and, if ``persistent``, is
        saved in and loaded from the state dict. Assigning a tensor (or None) to the attribute later replaces it.
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{typename(tensor)}' object to buffer '{name}' (minigrad Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a child under ``name``, with PyTorch's checks of the module and the name."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f"module name can't contain \".\", got: {name}")
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module
        if module is not None:
            self._adopt(name, module)

    register_module = add_module

    #: True for containers that are never called themselves (ModuleList): their children's scope names carry the
    #: container's name (``layers.0``), since no ``__call__`` of the container pushes it.
    _scope_transparent = False

    def _adopt(self, name: str, child: Module, rename: bool = False) -> None:
        """Give ``child`` its scope name ``name`` (kept if it already has one, unless ``rename``)."""
        if child.__dict__.get("_scope_name") and not rename:
            return
        prefix = self.__dict__.get("_scope_name") if self._scope_transparent else None
        child.__dict__["_scope_name"] = f"{prefix}.{name}" if prefix else name
        if child._scope_transparent:
            for n, c in child._modules.items():
                if c is not None:
                    child._adopt(n, c, rename=True)

    # ---- traversal ---------------------------------------------------------------------------------------
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(path, module)`` for this module and every descendant, depth first, each module once."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            path, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield path, m
            children = [(f"{path}.{n}" if path else n, c) for n, c in m._modules.items() if c is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every descendant."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """``(name, child)`` for the direct children."""
        for n, c in self._modules.items():
            if c is not None:
                yield n, c

    def children(self) -> Iterator[Module]:
        """The direct children."""
        for _, c in self.named_children():
            yield c

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(dotted.name, parameter)`` in definition order, each parameter once."""
        seen = set()
        mods = self.named_modules(prefix) if recurse else [(prefix, self)]
        for path, m in mods:
            for n, p in m._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{path}.{n}" if path else n), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, in definition order."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """``(dotted.name, buffer)`` for every registered buffer (of descendants too unless ``recurse=False``)."""
        seen = set()
        mods = self.named_modules(prefix) if recurse else [(prefix, self)]
        for path, m in mods:
            for n, b in m._buffers.items():
                if b is None or id(b) in seen:
                    continue
                seen.add(id(b))
                yield (f"{path}.{n}" if path else n), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every registered buffer."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ---- modes and dtypes ---------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active) on this module and its descendants; returns self."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient (to None by default, as PyTorch does)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._data = np.zeros_like(p.grad._data)

    def _cast(self, dtype: Any) -> Module:
        for m in self.modules():
            for p in m._parameters.values():
                if p is not None and p._data.dtype.kind == "f":
                    p._data = p._data.astype(dtype)
                    if p.grad is not None:
                        p.grad._data = p.grad._data.astype(dtype)
            for b in m._buffers.values():
                if b is not None and b._data.dtype.kind == "f":
                    b._data = b._data.astype(dtype)
        return self

    def double(self) -> Module:
        """Convert floating point parameters and buffers to float64 in place; returns self."""
        return self._cast(np.float64)

    def float(self) -> Module:
        """Convert floating point parameters and buffers to float32 in place; returns self."""
        return self._cast(np.float32)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Convert floating point parameters and buffers to a dtype, in place; returns self.

        Takes ``Tensor.to``'s forms: ``to(dtype)``, ``to(device, dtype=None)``, ``to(tensor)``, keywords
        ``dtype``, ``device``, ``non_blocking``. The device must be the CPU (where everything already is).
        """
        dtype, _ = to_arguments(args, kwargs)
        if dtype is None:
            return self
        if dtype.kind != "f":
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype="
                f"{from_numpy_dtype(dtype)}"
            )
        return self._cast(dtype)

    def cpu(self) -> Module:
        """Self: parameters and buffers are on the CPU already."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Raises ``RuntimeError``: minigrad runs on the CPU only."""
        raise RuntimeError("minigrad runs on the CPU only, got device='cuda'")

    def apply(self, fn: Any) -> Module:
        """Call ``fn`` on every descendant and then on self; returns self."""
        for m in reversed(list(self.modules())):
            fn(m)
        return self

    # ---- state dict --------------------------------------------------------------------------------------
    def state_dict(self, prefix: str = "") -> OrderedDict[str, Tensor]:
        """Every parameter and buffer by dotted name (PyTorch's keys), as detached tensors sharing memory."""
        out: OrderedDict[str, Tensor] = OrderedDict()
        for path, m in self.named_modules():
            base = f"{prefix}{path}." if path else prefix
            for n, p in m._parameters.items():
                if p is not None:
                    out[base + n] = p.detach()
            for n, b in m._buffers.items():
                if b is not None and n not in m._non_persistent_buffers_set:
                    out[base + n] = b.detach()
        return out

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` (minigrad tensors or numpy arrays, keyed like ``state_dict()``).

        Checks everything before copying anything: with ``strict=True`` a missing or unexpected key raises, and
        a shape mismatch always raises, naming the key and both shapes; on error no parameter changes.
        Returns ``(missing_keys, unexpected_keys)``.
        """
        own: dict[str, Tensor] = {}
        for path, m in self.named_modules():
            base = f"{path}." if path else ""
            persistent = [(n, b) for n, b in m._buffers.items() if n not in m._non_persistent_buffers_set]
            for n, p in list(m._parameters.items()) + persistent:
                if p is not None:
                    own[base + n] = p
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            # PyTorch's order: missing keys, then unexpected keys, then size mismatches.
            if missing:
                errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        values = {}
        for k, p in own.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            arr = v._data if isinstance(v, Tensor) else np.asarray(v)
            if arr.dtype.kind not in "fiub":
                errors.append(
                    f'While copying the parameter named "{k}", expected minigrad.Tensor or Tensor-like object from '
                    f"checkpoint but received {type(v)}"
                )
                continue
            if arr.shape != p._data.shape:
                errors.append(
                    f"size mismatch for {k}: copying a param with shape {_size(arr.shape)} from checkpoint, the "
                    f"shape in current model is {_size(p._data.shape)}."
                )
            values[k] = arr
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors)
            )
        for k, arr in values.items():
            p = own[k]
            np.copyto(p._data, arr, casting="unsafe")
            p._vc.value += 1
        return _IncompatibleKeys((missing, unexpected))

    # ---- calling -----------------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Every node the forward records is under this module's scope; as the owner of an outermost scope, the
        # module lets a drawing name its parameters by itself (autograd.scope.scope_owner).
        with scope(self._scope_name or type(self).__name__, owner=self):
            d = self.__dict__
            if d.get("_forward_pre_hooks") or d.get("_forward_hooks") or d.get("_backward_hooks") or d.get(
                "_backward_pre_hooks"
            ):
                return _module_hooks.call_with_hooks(self, args, kwargs)
            return self.forward(*args, **kwargs)

    # ---- hooks (see minigrad/nn/hooks.py) -----------------------------------------------------------------
    def _hook_dict(self, name: str) -> HookDict:
        """The module's ``{handle id: hook}`` dict ``name``, made on first use."""
        d = self.__dict__
        if name not in d:
            object.__setattr__(self, name, HookDict())
        return d[name]

    def _add_hook(self, name: str, hook: Callable, prepend: bool, kwargs_name: str | None = None) -> RemovableHandle:
        handle = add_hook(self._hook_dict(name), hook, prepend)
        if kwargs_name is not None:
            self._hook_dict(kwargs_name)[handle.id] = True
            handle.extra_dict = self._hook_dict(kwargs_name)
        return handle

    def register_forward_pre_hook(
        self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` (``hook(module, args, kwargs)`` with ``with_kwargs``) before each ``forward``.

        ``args`` is the tuple of positional inputs. The hook may return None, or new positional inputs (a tuple,
        or one value that is wrapped into a tuple); with ``with_kwargs`` it returns None or ``(args, kwargs)``.
        Hooks run in registration order, a ``prepend`` hook before the others. Returns a ``RemovableHandle``.
        """
        kwargs_name = "_forward_pre_hooks_with_kwargs" if with_kwargs else None
        return self._add_hook("_forward_pre_hooks", hook, prepend, kwargs_name)

    def register_forward_hook(
        self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` (``hook(module, args, kwargs, output)`` with ``with_kwargs``) after
        each ``forward``. A hook that returns something other than None replaces the output (the next hook sees
        the new one). Order and ``prepend`` as ``register_forward_pre_hook``. Returns a ``RemovableHandle``.
        """
        return self._add_hook("_forward_hooks", hook, prepend, "_forward_hooks_with_kwargs" if with_kwargs else None)

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` during backward, once the gradients w.r.t. the module's outputs are
        known and before they flow into the module.

        ``grad_output`` is a tuple with one entry per output (one entry for a single Tensor output): a Tensor of
        that output's shape, or None for an output that is not a Tensor or got no gradient. The hook may return
        None or a tuple of the same length that replaces ``grad_output``. Returns a ``RemovableHandle``.
        """
        return self._add_hook("_backward_pre_hooks", hook, prepend)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` during backward, once the gradients w.r.t. the module's
        positional inputs are computed.

        ``grad_input`` has one entry per positional input: a Tensor of that input's shape, or None for an input
        that is not a Tensor or does not require grad; ``grad_output`` is as in ``register_full_backward_pre_hook``.
        The hook may return None or a tuple of the same length as ``grad_input`` that replaces it. If no input
        requires grad, the hook runs when ``grad_output`` is known, with every ``grad_input`` None (and a warning).
        Returns a ``RemovableHandle``.
        """
        return self._add_hook("_backward_hooks", hook, prepend)

    # ---- printing ----------------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr`` (override in layers)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = []
        for name, child in self._modules.items():
            child_repr = repr(child).replace("\n", "\n  ")
            child_lines.append(f"({name}): {child_repr}")
        head = type(self).__name__ + "("
        if len(extra_lines) <= 1 and not child_lines:  # one line: Linear(in_features=2, ...)
            return head + extra + ")"
        return head + "\n  " + "\n  ".join(extra_lines + child_lines) + "\n)"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules) | set(self._buffers))


def _size(shape: tuple) -> str:
    return f"minigrad.Size({list(shape)})"
