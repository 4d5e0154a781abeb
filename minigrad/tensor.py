"""``Tensor``: a numpy array, its gradient, and the node that made it, with PyTorch's methods and operators.

Every differentiable method is a thin wrapper that calls a primitive from ``minigrad.ops`` through
``Function.apply``; the engine in ``minigrad.autograd`` does the rest. ``Tensor._data`` *is* the numpy array.
"""

from __future__ import annotations

import builtins
import math
import operator
import warnings
from collections import namedtuple
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from minigrad import _device, kernels, ops
from minigrad import dtypes as _dt
from minigrad._format import tensor_repr
from minigrad.autograd import engine
from minigrad.autograd import function as _function
from minigrad.autograd import hooks as _hooks
from minigrad.autograd import views as _views
from minigrad.autograd.function import VersionCounter
from minigrad.autograd.grad_mode import GradMode
from minigrad.ops import normalize_dims, wrap_dim
from minigrad.random import default_generator

DEFAULT_FLOAT = np.dtype(np.float32)

#: Result of ``max(dim)`` / ``min(dim)``, like PyTorch's ``(values, indices)`` named tuple.
MaxMin = namedtuple("MaxMin", ["values", "indices"])


def _return_type(name: str) -> type:
    """A ``MaxMin`` that prints like PyTorch's ``torch.return_types.max(values=..., indices=...)``."""

    def __repr__(self: Any) -> str:
        return f"minigrad.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    return type(name, (MaxMin,), {"__slots__": (), "__repr__": __repr__})


_MaxResult, _MinResult = _return_type("max"), _return_type("min")
_TopkResult, _SortResult = _return_type("topk"), _return_type("sort")


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``minigrad.Size([3, 1, 2])``."""

    def __repr__(self) -> str:
        return f"minigrad.Size({list(self)})"

    def numel(self) -> int:
        """Number of elements a tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n


def to_arguments(args: tuple, kwargs: dict) -> tuple[np.dtype | None, builtins.bool]:
    """Read ``Tensor.to`` / ``Module.to`` arguments: ``(dtype, device)`` positionally in either of PyTorch's
    forms, or a tensor to match, plus the keywords. Checks the device is the CPU; returns ``(numpy dtype or None,
    copy)``."""
    kwargs = dict(kwargs)
    dtype, dev = kwargs.pop("dtype", None), kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
        dtype, dev = other._data.dtype, None
    elif rest and _device.is_device(rest[0]):
        dev = rest.pop(0)
        if rest and not isinstance(rest[0], builtins.bool):
            dtype = rest.pop(0)
    elif rest and rest[0] is not None and not isinstance(rest[0], builtins.bool):
        dtype = rest.pop(0)
    if rest:  # non_blocking, copy, as in PyTorch's positional order
        copy = rest[1] if len(rest) > 1 else copy
    _device.check_device(dev)
    return (None if dtype is None else _dt.to_numpy_dtype(dtype)), builtins.bool(copy)


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert user data to a new numpy array with PyTorch's dtype rules (Python floats -> float32)."""
    if isinstance(data, Tensor):
        arr = np.array(data._data, copy=True)
    elif isinstance(data, np.ndarray):
        arr = np.array(data, copy=True)
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        arr = np.array([to_array(x) for x in data])
    else:
        arr = np.array(data)
        if dtype is not None:
            pass  # cast once, below: going through float32 first would round float64 data
        elif arr.dtype == np.float64 and not isinstance(data, np.generic):
            arr = arr.astype(DEFAULT_FLOAT)
        elif arr.dtype.kind in "iu" and not isinstance(data, np.generic):
            arr = arr.astype(np.int64)
    if dtype is not None:
        arr = arr.astype(_dt.to_numpy_dtype(dtype), copy=False)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"can't convert data of numpy dtype {arr.dtype} to a minigrad tensor")
    return arr


_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}


def _promote(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """PyTorch's result dtype of a binary op on arrays ``a`` and ``b`` of different dtypes.

    The operand of the higher kind (bool < int < float) gives its dtype; within one kind a 0-d operand yields to
    an operand with dims: float32 (3,) + float64 0-d is float32, int64 (3,) + float64 0-d is float64.
    """
    same_standing = (a.ndim == 0) == (b.ndim == 0)
    if same_standing or _KIND_RANK[a.dtype.kind] != _KIND_RANK[b.dtype.kind]:
        return _promote_types(a.dtype, b.dtype)
    return a.dtype if b.ndim == 0 else b.dtype


def _promoted(x: Tensor, dt: np.dtype) -> Tensor:
    """``x`` cast to ``dt`` as the operand of a mixed-dtype op. The copy shares x's version counter: PyTorch
    computes in the promoted type but saves x itself, so changing x in place must still fail a backward that
    saved the copy."""
    if x._data.dtype == dt:
        return x
    y = x.to(dt)
    y._vc = x._vc
    return y


def _promote_types(da: np.dtype, db: np.dtype) -> np.dtype:
    """PyTorch's result dtype for two operands of equal standing: the higher kind wins with its own dtype
    (int64 with float32 is float32, where numpy says float64); within a kind, the wider type."""
    ra, rb = _KIND_RANK[da.kind], _KIND_RANK[db.kind]
    if ra != rb:
        return da if ra > rb else db
    return np.promote_types(da, db)


def _flat(data: Any) -> Iterator[Any]:
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            yield x


def _legacy_array(args: tuple, kwargs: dict) -> np.ndarray:
    """The array of ``Tensor(*args, **kwargs)``, PyTorch's legacy constructor: ``()``, a size (``2, 3``, a
    ``Size``, or ``size=``), a tensor (its array, shared) or data (a list or array, copied into the default
    float)."""
    kwargs = dict(kwargs)
    _device.check_device(kwargs.pop("device", None))
    if "size" in kwargs and not args:
        args = tuple(kwargs.pop("size"))
    if kwargs:
        got = ", ".join([typename(a) for a in args] + [f"{k}={typename(v)}" for k, v in kwargs.items()])
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of: "
                        "(*, device), (Tensor other), (tuple of ints size, *, device), (object data, *, device)")
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0]._data
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])
    elif len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        data = args[0]
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(data, (list, tuple, np.ndarray)):
            raise TypeError(f"new(): data must be a sequence (got {typename(data)})")
        return to_array(data, DEFAULT_FLOAT)
    for i, n in enumerate(args):
        if isinstance(n, builtins.bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f"\"type must be tuple of ints,but got {typename(n)}\"")
    if not args:
        args = (0,)
    if any(n < 0 for n in args):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(args)}: {list(args)}")
    return np.zeros(tuple(int(n) for n in args), dtype=DEFAULT_FLOAT)


class Tensor:
    """An n-dimensional array that records the operations made on it, for reverse-mode autograd.

    Create one with ``minigrad.tensor(data, dtype=None, requires_grad=False)`` or the factories (``zeros``,
    ``randn``, ...). The legacy constructor works as in PyTorch: ``Tensor(data)`` copies a list or array into the
    default float dtype (float32), ``Tensor(2, 3)`` or ``Tensor(size)`` makes an uninitialized ``(2, 3)`` tensor
    (minigrad fills it with zeros), ``Tensor()`` is empty, and ``Tensor(t)`` of a tensor shares ``t``'s array.

    Attributes:
        data: a Tensor sharing this one's array, outside the graph (as ``tensor.data`` in PyTorch).
        requires_grad: whether operations on this tensor are recorded.
        grad: after ``backward()``, a Tensor of the same shape holding dL/d(this), on leaves (and on tensors
            that called ``retain_grad()``).
        grad_fn: the node that made this tensor (``None`` for leaves).
    """

    # _data: the numpy array itself (shape ``shape``); the rooms below the user read and write it.
    # _backward_hooks, _post_accumulate_grad_hooks: a leaf's hooks (register_hook...), set only when one is added.
    # _grad: what the ``grad`` property reads and checks on assignment.
    # _view: a ViewInfo (autograd/views.py) when this tensor is a view of another's memory, else None.
    __slots__ = (
        "_data", "requires_grad", "_grad", "grad_fn", "_vc", "_view", "_backward_hooks", "_post_accumulate_grad_hooks",
        "__weakref__",
    )
    # numpy must hand mixed expressions (ndarray + Tensor) to Tensor's reflected operators.
    __array_ufunc__ = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._data = _legacy_array(args, kwargs)
        self._grad = None
        self.grad_fn = None
        self._vc = VersionCounter()
        self._view = None
        self.requires_grad = False
        if len(args) == 1 and isinstance(args[0], Tensor):  # Tensor(t) is t's array under a new name
            self._vc = args[0]._vc

    @classmethod
    def _make(cls, data: np.ndarray, requires_grad: bool) -> Tensor:
        """Wrap an array without copying or checking (the engine's fast path)."""
        t = object.__new__(cls)
        t._data = data if type(data) is np.ndarray else np.array(data)  # numpy gives 0-d results as scalars
        t.requires_grad = requires_grad
        t._grad = None
        t.grad_fn = None
        t._vc = VersionCounter()
        t._view = None
        return t

    # ---- basic attributes ---------------------------------------------------------------------------------
    @property
    def data(self) -> Tensor:
        """A tensor sharing this one's array that records nothing and requires no grad.

        Changing it in place changes this tensor without autograd knowing (its version counter is its own), which
        is what optimizers and initializers want: ``p.data.add_(g, alpha=-lr)``, ``p.data.zero_()``. Assigning
        ``t.data = other`` makes ``t`` use ``other``'s array (any shape), keeping ``t``'s graph and flags.
        """
        return Tensor._make(self._data, False)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {typename(value)}")
        self._data = value._data

    @property
    def shape(self) -> Size:
        """The shape, as a ``minigrad.Size``."""
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        """The shape (``dim=None``) or the size of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        """Number of dimensions."""
        return self._data.ndim

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self._data.ndim

    @property
    def dtype(self) -> _dt.dtype:
        """The element type, e.g. ``minigrad.float32``."""
        return _dt.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> _device.device:
        """Where the tensor lives: always ``device(type='cpu')``."""
        return _device.CPU

    @property
    def is_cuda(self) -> bool:
        """False: minigrad's tensors are all on the CPU."""
        return False

    def cpu(self) -> Tensor:
        """Self: the tensor is on the CPU already (so ``t.cpu().numpy()`` works as in PyTorch)."""
        return self

    def cuda(self, device: Any = None, non_blocking: builtins.bool = False) -> Tensor:
        """Raises ``RuntimeError``: minigrad runs on the CPU only."""
        raise RuntimeError("minigrad runs on the CPU only, got device='cuda'")

    def numel(self) -> int:
        """Number of elements."""
        return self._data.size

    def element_size(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        """True for float16/32/64 tensors."""
        return self._data.dtype.kind == "f"

    @property
    def is_leaf(self) -> bool:
        """True for tensors not made by a recorded operation (user-created tensors and parameters)."""
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's array has seen."""
        return self._vc.value

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists."""
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared, not copied)."""
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return tensor_repr(self)

    def __str__(self) -> str:
        return self.__repr__()

    # ---- autograd -----------------------------------------------------------------------------------------
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place on a leaf; returns self."""
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Ask backward to fill ``.grad`` on this non-leaf tensor too."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            engine.retain(self.grad_fn, self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _hooks.RemovableHandle:
        """Call ``hook(grad)`` during backward with dL/d(self) (a Tensor of ``self.shape``), once it is complete.

        If ``hook`` returns a Tensor (same shape and dtype), that replaces the gradient: what flows on to the
        inputs of the op that made ``self`` or, on a leaf, what is added into ``.grad``. A leaf's hook sees the
        whole gradient of one backward, before it is accumulated. Several hooks run in the order they were
        registered. Returns a handle whose ``remove()`` takes the hook out.

        See also: docs/concepts/autograd.md, "Hooks".
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        owner = self.grad_fn
        if owner is None:
            if getattr(self, "_backward_hooks", None) is None:
                self._backward_hooks = _hooks.new_hook_dict()
            return _hooks.add_hook(self._backward_hooks, hook)
        if owner.hooks is None:
            owner.hooks = _hooks.new_hook_dict()
        return _hooks.add_hook(owner.hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> _hooks.RemovableHandle:
        """On a leaf: call ``hook(self)`` after backward has added this backward's gradient into ``self.grad``.

        The hook must return None (it may change ``self`` or ``self.grad`` in place, e.g. an optimizer step per
        parameter). Returns a handle whose ``remove()`` takes the hook out.
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if getattr(self, "_post_accumulate_grad_hooks", None) is None:
            self._post_accumulate_grad_hooks = _hooks.new_hook_dict()
        return _hooks.add_hook(self._post_accumulate_grad_hooks, hook)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor that called ``retain_grad()``."""
        return self.grad_fn is not None and self.grad_fn.retained is not None

    def backward(self, gradient: Any = None, retain_graph: bool = False) -> None:
        """Compute dL/dx for every leaf x that requires grad, adding it into ``x.grad``.

        Args:
            gradient: dL/d(self), shape ``self.shape``; may be omitted only for a one-element tensor.
            retain_graph: keep the saved arrays so the graph can be backpropagated again.
        """
        if self._view is not None:
            _views.sync(self)  # a view whose base was written since: backpropagate through the base's new graph
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = np.ones(self._data.shape, dtype=self._data.dtype)
        else:
            g = gradient._data if isinstance(gradient, Tensor) else np.asarray(gradient)
            if g.shape != self._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[0] has a shape of {Size(g.shape)!r} and output[0] has a "
                    f"shape of {self.shape!r}."
                )
            g = g.astype(self._data.dtype, copy=False)
        # The lesson's engine, or the fast floor's twin of it when that is plugged in and on (minigrad.kernels).
        run = kernels.get("backward") or engine.backward
        run(self, g, retain_graph=retain_graph)

    @property
    def grad(self) -> Tensor | None:
        """The gradient that ``backward`` accumulated into this tensor (None until then), same shape and dtype.
        Assigning checks what PyTorch checks: a Tensor or None, of this tensor's shape and dtype, not itself."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor "
                                   f"of size '{list(self._data.shape)}'. Please ensure that the gradient and the "
                                   "tensor are the same size")
            if value._data.dtype != self._data.dtype:
                got = _dt.cpp_type_name(value._data.dtype)
                raise RuntimeError(f"attempting to assign a gradient with dtype '{got}'"
                                   f" to a tensor with grad_dtype '{_dt.scalar_type_name(self._data.dtype)}'. The "
                                   "gradient must match the tensor's grad_dtype (defaults to the tensor's dtype).")
        self._grad = value

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's array (and version counter), cut from the graph."""
        t = Tensor._make(self._data, False)
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place; returns self."""
        self.grad_fn = None
        self.requires_grad = False
        return self

    def clone(self) -> Tensor:
        """A copy with its own array (differentiable)."""
        return ops.Clone.apply(self)

    def contiguous(self) -> Tensor:
        """Self if its array is C-contiguous, else a contiguous copy (differentiable), so ``view`` works after it."""
        if self._data.flags.c_contiguous:
            return self
        return ops.Clone.apply(self)

    # ---- dtype conversions --------------------------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """The tensor converted to a dtype and moved to a device, as PyTorch's ``to``.

        Forms: ``to(dtype)``, ``to(device, dtype=None)``, ``to(other)`` (``other``'s dtype and device), with the
        keywords ``dtype``, ``device``, ``copy`` (a new tensor even when nothing changes) and ``non_blocking``
        (ignored). The device must be the CPU. Returns self when nothing changes; a change between floating
        dtypes is differentiable. Shape: unchanged.
        """
        np_dtype, copy = to_arguments(args, kwargs)
        if np_dtype is None or np_dtype == self._data.dtype:
            return ops.Clone.apply(self) if copy else self
        return ops.ToCopy.apply(self, dtype=np_dtype)

    def double(self) -> Tensor:
        """``to(minigrad.float64)``."""
        return self.to(np.float64)

    def float(self) -> Tensor:
        """``to(minigrad.float32)``."""
        return self.to(np.float32)

    def half(self) -> Tensor:
        """``to(minigrad.float16)``."""
        return self.to(np.float16)

    def long(self) -> Tensor:
        """``to(minigrad.int64)``."""
        return self.to(np.int64)

    def int(self) -> Tensor:
        """``to(minigrad.int32)``."""
        return self.to(np.int32)

    def bool(self) -> Tensor:
        """``to(minigrad.bool)``."""
        return self.to(np.bool_)

    def type_as(self, other: Tensor) -> Tensor:
        """This tensor converted to ``other``'s dtype."""
        return self.to(other._data.dtype)

    # ---- sizes, strides, type names and new tensors (#17) -------------------------------------------------
    def nelement(self) -> int:
        """Number of elements (``numel``)."""
        return self._data.size

    def ndimension(self) -> int:
        """Number of dimensions (``dim``)."""
        return self._data.ndim

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True when the elements lie in memory in row-major order without gaps (a transpose is not)."""
        return builtins.bool(self._data.flags.c_contiguous)

    def stride(self, dim: int | None = None) -> Any:
        """The step in elements between neighbours along each dim (a tuple), or along ``dim`` (an int)."""
        steps = tuple(st // self._data.itemsize for st in self._data.strides)
        return steps if dim is None else steps[wrap_dim(dim, self._data.ndim)]

    def type(self, dtype: Any = None, non_blocking: builtins.bool = False, **kwargs: Any) -> Any:
        """Without ``dtype``: the type string, e.g. ``'minigrad.FloatTensor'``. With a dtype, a legacy tensor type
        (``minigrad.LongTensor``) or its name (``'minigrad.LongTensor'``; ``'torch.LongTensor'`` too): the tensor
        converted to it (self when it has that dtype already)."""
        if dtype is None:
            return typename(self)
        if isinstance(dtype, str):
            name = dtype.removeprefix("torch.").removeprefix("minigrad.")
            if name not in _dt.TENSOR_TYPES or dtype == name:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = _dt.TENSOR_TYPES[name]
        return self.to(getattr(dtype, "dtype", dtype))

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: builtins.bool = False) -> Tensor:
        """A new tensor holding a copy of ``data``, with self's dtype unless ``dtype`` is given."""
        _device.check_device(device)
        arr = to_array(data, self._data.dtype if dtype is None else dtype)
        _check_factory_grad(arr.dtype, requires_grad)
        return Tensor._make(arr, builtins.bool(requires_grad))

    def _new(self, size: tuple, fill: Any, dtype: Any, device: Any, requires_grad: builtins.bool) -> Tensor:
        _device.check_device(device)
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        dt = self._data.dtype if dtype is None else _dt.to_numpy_dtype(dtype)
        _check_factory_grad(dt, requires_grad)
        data = np.empty(size, dtype=dt) if fill is None else np.full(size, fill, dtype=dt)
        return Tensor._make(data, builtins.bool(requires_grad))

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: builtins.bool = False) -> Tensor:
        """Zeros of shape ``size``, with self's dtype unless ``dtype`` is given."""
        return self._new(size, 0, dtype, device, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: builtins.bool = False) -> Tensor:
        """Ones of shape ``size``, with self's dtype unless ``dtype`` is given."""
        return self._new(size, 1, dtype, device, requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: builtins.bool = False) -> Tensor:
        """An uninitialised tensor of shape ``size``, with self's dtype unless ``dtype`` is given."""
        return self._new(size, None, dtype, device, requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: builtins.bool = False) -> Tensor:
        """``fill_value`` everywhere in shape ``size``, with self's dtype unless ``dtype`` is given."""
        return self._new((tuple(size),), fill_value, dtype, device, requires_grad)

    # ---- arithmetic ---------------------------------------------------------------------------------------
    def _operand(self, other: Any) -> Tensor:
        """Turn a Python number, numpy array or list into a Tensor that combines with self like PyTorch."""
        if isinstance(other, Tensor):
            return other
        # Numbers, numpy scalars included, are "wrapped numbers": they take the tensor's dtype unless they are
        # of a higher kind (bool < int < float), so x * np.float64(2) stays float32 as in PyTorch.
        if isinstance(other, (builtins.bool, builtins.int, builtins.float, np.bool_, np.integer, np.floating)):
            kind = self._data.dtype.kind
            if isinstance(other, (builtins.bool, np.bool_)):
                dt = self._data.dtype
            elif isinstance(other, (builtins.int, np.integer)):
                dt = self._data.dtype if kind != "b" else np.dtype(np.int64)
            else:
                dt = self._data.dtype if kind == "f" else DEFAULT_FLOAT
            return Tensor._make(np.asarray(other, dtype=dt), False)
        if isinstance(other, np.ndarray):
            return Tensor._make(other, False)
        return Tensor._make(to_array(other), False)

    def _pair(self, other: Any, reverse: builtins.bool = False) -> tuple[Tensor, Tensor]:
        b = self._operand(other)
        a = self
        da, db = a._data.dtype, b._data.dtype
        if da is not db and da != db:
            dt = _promote(a._data, b._data)
            a, b = _promoted(a, dt), _promoted(b, dt)
        return (b, a) if reverse else (a, b)

    def __add__(self, other: Any) -> Tensor:
        return ops.Add.apply(*self._pair(other))

    def __radd__(self, other: Any) -> Tensor:
        return ops.Add.apply(*self._pair(other))  # self first, as PyTorch records ``1 + x``: the same sum

    def __sub__(self, other: Any) -> Tensor:
        _no_bool_subtraction(self, other)
        return ops.Sub.apply(*self._pair(other))

    def __rsub__(self, other: Any) -> Tensor:
        _no_bool_subtraction(self, other)
        a, b = self._pair(other)
        if _is_number(other):  # RsubBackward1: the number is no input
            return ops.Rsub.apply(a, other=b._data)
        return ops.RsubTensor.apply(a, b)

    def __mul__(self, other: Any) -> Tensor:
        return ops.Mul.apply(*self._pair(other))

    def __rmul__(self, other: Any) -> Tensor:
        return ops.Mul.apply(*self._pair(other))  # self first, as PyTorch records ``2 * x``: the same product

    def __truediv__(self, other: Any) -> Tensor:
        a, b = self._pair(other)
        return _true_divide(a, b)

    def __rtruediv__(self, other: Any) -> Tensor:
        if _is_number(other):  # as PyTorch: x.reciprocal() * number (the same values, to the last bit)
            return self.reciprocal() * other
        a, b = self._pair(other, True)
        return _true_divide(a, b)

    def __pow__(self, other: Any) -> Tensor:
        if isinstance(other, (builtins.int, builtins.float)) and not isinstance(other, builtins.bool):
            if self._data.dtype.kind != "f" and isinstance(other, builtins.float):
                return ops.PowScalar.apply(self.to(DEFAULT_FLOAT), exponent=other)
            if self._data.dtype.kind == "b":  # a bool tensor to an integer power is int64, as in PyTorch
                return ops.PowScalar.apply(self.to(np.int64), exponent=other)
            return ops.PowScalar.apply(self, exponent=other)
        if self._data.dtype == np.bool_:
            if isinstance(other, (builtins.bool, np.bool_)):  # b ** True is b, b ** False all True: still bool
                return Tensor._make(np.power(self._data, other).astype(np.bool_), False)
            if isinstance(other, Tensor) and other._data.dtype == np.bool_:
                raise NotImplementedError('"pow" not implemented for \'Bool\'')
        return ops.Pow.apply(*self._pair(other))

    def __rpow__(self, other: Any) -> Tensor:
        if self._data.dtype == np.bool_ and isinstance(other, (builtins.bool, np.bool_)):
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        if _is_number(other):  # PowBackward2: the base is no input
            a, b = self._pair(other)
            return ops.RPow.apply(a, base=b._data.item())
        return ops.Pow.apply(*self._pair(other, True))

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(self._operand(other), self)

    def index_select(self, dim: int, index: Any) -> Tensor:
        """The slices of self at ``index`` (a 1-D int32/int64 tensor) along ``dim``, in that order (repeats
        allowed). Shape: self's, with ``len(index)`` at ``dim``."""
        idx = index._data if isinstance(index, Tensor) else np.asarray(index)
        if idx.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        d = wrap_dim(dim, self._data.ndim)  # the dim is checked first, as in PyTorch
        if idx.dtype not in (np.int32, np.int64):
            raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
        idx = idx.reshape(-1)
        if self._data.ndim == 0:  # a scalar is one slice: the index must be that one
            if idx.size != 1:
                raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
            return self.reshape(1).index_select(0, index).reshape(())
        size = self._data.shape[d]
        if size == 0 and idx.size and self._data.ndim > 1:  # (a 1-D tensor goes the out-of-range way below)
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        bad = idx[(idx < 0) | (idx >= size)]
        if bad.size:
            # PyTorch's CPU kernels word this two ways: dim 1, and any dim of an empty self of 2-D and up, have
            # their own loop
            if self._data.ndim == 1 or (d != 1 and self._data.size):
                raise IndexError("index out of range in self")
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(bad[0])} axis_dim={size}")
        return _reads(ops.IndexSelect.apply(self, dim=d, index=idx.astype(np.intp)), index)

    def bmm(self, mat2: Tensor) -> Tensor:
        """Batched matrix product ``(b, n, k) @ (b, k, m) -> (b, n, m)``: both 3-D, the same batch and dtype."""
        if self._data.ndim != 3 or mat2._data.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor" if self._data.ndim != 3 else "batch2 must be a 3D tensor")
        want = [self._data.shape[0], self._data.shape[2]]
        if list(mat2._data.shape[:2]) != want:
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: {want} but got: "
                f"{list(mat2._data.shape[:2])}."
            )
        if self._data.dtype != mat2._data.dtype:
            raise RuntimeError(
                f"expected scalar type {_dt.scalar_type_name(self._data.dtype)} but found "
                f"{_dt.scalar_type_name(mat2._data.dtype)}"
            )
        return matmul(self, mat2)

    def __neg__(self) -> Tensor:
        """``-self``, elementwise (``neg``)."""
        return self.neg()

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    def add(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """self + alpha * other (broadcast)."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """self - alpha * other (broadcast)."""
        return self - (other if alpha == 1 else other * alpha)

    mul = __mul__
    div = __truediv__
    pow = __pow__
    matmul = __matmul__
    def neg(self) -> Tensor:
        """``-self``, elementwise; the same shape and dtype."""
        if self._data.dtype.kind == "b":
            raise RuntimeError(_NEGATE_BOOL)
        return ops.Neg.apply(self)

    # ---- comparisons (bool tensors, never recorded) ------------------------------------------------------
    def _compare(self, other: Any, fn: Any) -> Tensor:
        a, b = self._data, (other._data if isinstance(other, Tensor) else other)
        if isinstance(other, Tensor) and a.dtype != b.dtype:  # compared in the promoted dtype, as PyTorch compares
            common = _promote(a, b)
            a, b = a.astype(common, copy=False), b.astype(common, copy=False)
        try:
            return Tensor._make(fn(a, b), False)
        except ValueError as err:
            _function.raise_broadcast_error(self._data, b, err)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self) -> Tensor:
        return Tensor._make(np.invert(self._data), False)

    def __and__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_and)

    def __or__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_or)

    def equal(self, other: Tensor) -> builtins.bool:
        """True when both tensors have the same shape and elements."""
        return self._data.shape == other._data.shape and builtins.bool(np.array_equal(self._data, other._data))

    def allclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08) -> builtins.bool:
        """Elementwise ``|self - other| <= atol + rtol * |other|`` for every element."""
        return builtins.bool(np.allclose(self._data, np.asarray(other), rtol=rtol, atol=atol))

    # ---- elementwise functions ---------------------------------------------------------------------------
    def _floating(self) -> Tensor:
        """Self, or self converted to float32 when it holds integers or bools (PyTorch's rule for exp, log, ...)."""
        return self if self._data.dtype.kind == "f" else self.to(DEFAULT_FLOAT)

    def exp(self) -> Tensor:
        """e ** self, elementwise."""
        return ops.Exp.apply(self._floating())

    def reciprocal(self) -> Tensor:
        """1 / self, elementwise (integers give the default float dtype, as in PyTorch)."""
        return ops.Reciprocal.apply(self._floating())

    def log(self) -> Tensor:
        """Natural logarithm, elementwise."""
        return ops.Log.apply(self._floating())

    def sqrt(self) -> Tensor:
        """Square root, elementwise."""
        return ops.Sqrt.apply(self._floating())

    def rsqrt(self) -> Tensor:
        """1 / sqrt(self), elementwise (integers give the default float dtype)."""
        return ops.Rsqrt.apply(self._floating())

    def square(self) -> Tensor:
        """self ** 2, elementwise (``PowBackward0``, as in PyTorch)."""
        return self ** 2

    def sign(self) -> Tensor:
        """-1, 0 or 1 by the sign of each element, same dtype (a bool tensor's sign is itself); its gradient is 0."""
        return self.clone() if self._data.dtype.kind == "b" else ops.Sign.apply(self)

    def abs(self) -> Tensor:
        """Absolute value, elementwise."""
        if self._data.dtype.kind == "b":
            raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
        return ops.Abs.apply(self)

    def sin(self) -> Tensor:
        """Sine, elementwise."""
        return ops.Sin.apply(self._floating())

    def cos(self) -> Tensor:
        """Cosine, elementwise."""
        return ops.Cos.apply(self._floating())

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise."""
        return ops.Tanh.apply(self._floating())

    def sigmoid(self) -> Tensor:
        """Logistic sigmoid 1 / (1 + exp(-x)), elementwise."""
        return ops.Sigmoid.apply(self._floating())

    def relu(self) -> Tensor:
        """max(x, 0), elementwise."""
        if self._data.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        return ops.Relu.apply(self)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit every element to ``[min, max]`` (either bound may be None; a bound may be a tensor, which
        broadcasts and gets the gradient where it binds). The result dtype follows PyTorch's promotion: an
        integer or bool tensor clamped by a float gives float32, a bool tensor clamped by an int gives int64."""
        if min is None and max is None:
            raise RuntimeError("minigrad.clamp: At least one of 'min' or 'max' must not be None")
        dt = self._data.dtype
        for bound in (min, max):
            if isinstance(bound, Tensor):
                dt = _promote(np.empty(self._data.shape, dt), bound._data)
            elif dt.kind != "f" and isinstance(bound, (builtins.float, np.floating)):
                dt = DEFAULT_FLOAT
            elif dt.kind == "b" and isinstance(bound, (builtins.int, np.integer)) and type(bound) is not builtins.bool:
                dt = np.dtype(np.int64)
        src = self if dt == self._data.dtype else self.to(dt)
        if src._data.dtype.kind == "b" and not isinstance(min, Tensor) and not isinstance(max, Tensor):
            which = "clamp_min_" if max is None else "clamp_max_" if min is None else "clamp_"
            raise NotImplementedError(f'"{which}scalar_cpu" not implemented for \'Bool\'')
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            for bound in (min, max):
                if isinstance(bound, Tensor):
                    try:
                        np.broadcast_shapes(self._data.shape, bound._data.shape)
                    except ValueError as err:
                        _function.raise_broadcast_error(self._data, bound._data, err)
            z = src
            # Where a nan meets the bound the value is nan and neither side gets a gradient, as in PyTorch.
            if min is not None:
                lo = _promoted(src._operand(min), dt)
                z = _clamp_side(z, lo, z._data >= lo._data, z._data < lo._data)
            if max is not None:
                hi = _promoted(src._operand(max), dt)
                z = _clamp_side(z, hi, z._data <= hi._data, z._data > hi._data)
            return _function.saved_as_in_pytorch(z, self, *[b for b in (min, max) if isinstance(b, Tensor)])
        return ops.Clamp.apply(src, min=min, max=max)

    clip = clamp

    # ---- more elementwise functions (floating results; integers and bools give float32, as PyTorch) -------------
    def erf(self) -> Tensor:
        """The error function ``2/sqrt(pi) * integral_0^x e^(-t^2) dt``, elementwise. Shape: same."""
        return ops.Erf.apply(self._floating())

    def erfc(self) -> Tensor:
        """``1 - erf(x)``, accurate where erf is close to 1. Shape: same."""
        return ops.Erfc.apply(self._floating())

    def erfinv(self) -> Tensor:
        """The inverse error function on [-1, 1] (+-inf at +-1, nan outside). Shape: same."""
        return ops.Erfinv.apply(self._floating())

    def log1p(self) -> Tensor:
        """``log(1 + x)``, accurate for small x. Shape: same."""
        return ops.Log1p.apply(self._floating())

    def expm1(self) -> Tensor:
        """``exp(x) - 1``, accurate for small x. Shape: same."""
        return ops.Expm1.apply(self._floating())

    def log2(self) -> Tensor:
        """Base-2 logarithm, elementwise. Shape: same."""
        return ops.Log2.apply(self._floating())

    def log10(self) -> Tensor:
        """Base-10 logarithm, elementwise. Shape: same."""
        return ops.Log10.apply(self._floating())

    def exp2(self) -> Tensor:
        """``2 ** x``, elementwise. Shape: same."""
        return ops.Exp2.apply(self._floating())

    def tan(self) -> Tensor:
        """Tangent, elementwise. Shape: same."""
        return ops.Tan.apply(self._floating())

    def asin(self) -> Tensor:
        """Arcsine (nan outside [-1, 1]), elementwise. Shape: same."""
        return ops.Asin.apply(self._floating())

    def acos(self) -> Tensor:
        """Arccosine (nan outside [-1, 1]), elementwise. Shape: same."""
        return ops.Acos.apply(self._floating())

    def atan(self) -> Tensor:
        """Arctangent, elementwise. Shape: same."""
        return ops.Atan.apply(self._floating())

    def sinh(self) -> Tensor:
        """Hyperbolic sine, elementwise. Shape: same."""
        return ops.Sinh.apply(self._floating())

    def cosh(self) -> Tensor:
        """Hyperbolic cosine, elementwise. Shape: same."""
        return ops.Cosh.apply(self._floating())

    def asinh(self) -> Tensor:
        """Inverse hyperbolic sine, elementwise. Shape: same."""
        return ops.Asinh.apply(self._floating())

    def acosh(self) -> Tensor:
        """Inverse hyperbolic cosine (nan below 1), elementwise. Shape: same."""
        return ops.Acosh.apply(self._floating())

    def atanh(self) -> Tensor:
        """Inverse hyperbolic tangent (+-inf at +-1, nan outside), elementwise. Shape: same."""
        return ops.Atanh.apply(self._floating())

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def _step(self, fn: type, kernel: str, **attrs: Any) -> Tensor:
        """floor/ceil/trunc/round: an integer tensor is its own answer (a copy), bools are refused, as PyTorch."""
        kind = self._data.dtype.kind
        if kind == "b":
            raise NotImplementedError(f'"{kernel}_vml_cpu" not implemented for \'Bool\'')
        if kind != "f":
            return Tensor._make(self._data.copy(), False)
        return fn.apply(self, **attrs)

    def floor(self) -> Tensor:
        """The largest integer <= x, elementwise, same dtype; its gradient is 0. Shape: same."""
        return self._step(ops.Floor, "floor")

    def ceil(self) -> Tensor:
        """The smallest integer >= x, elementwise, same dtype; its gradient is 0. Shape: same."""
        return self._step(ops.Ceil, "ceil")

    def trunc(self) -> Tensor:
        """x rounded toward 0, elementwise, same dtype; its gradient is 0. Shape: same."""
        return self._step(ops.Trunc, "trunc")

    fix = trunc

    def round(self, *, decimals: int = 0) -> Tensor:
        """x rounded to ``decimals`` places (halves to even), same dtype; its gradient is 0. Shape: same."""
        if not isinstance(decimals, (builtins.int, np.integer)) or isinstance(decimals, builtins.bool):
            raise TypeError(f"round(): argument 'decimals' must be int, not {type(decimals).__name__}")
        if decimals == 0:
            return self._step(ops.Round, "round")
        if self._data.dtype.kind != "f":
            raise NotImplementedError(f'"round_cpu" not implemented for \'{_dt.scalar_type_name(self._data.dtype)}\'')
        return ops.RoundDecimals.apply(self, decimals=builtins.int(decimals))

    def frac(self) -> Tensor:
        """``x - trunc(x)``: the fractional part with x's sign (floating tensors only). Shape: same."""
        if self._data.dtype.kind != "f":
            raise NotImplementedError(f'"frac_cpu" not implemented for \'{_dt.scalar_type_name(self._data.dtype)}\'')
        return ops.Frac.apply(self)

    def atan2(self, other: Any) -> Tensor:
        """The angle of the point ``(other, self)`` in (-pi, pi], elementwise (broadcast); integers give float32."""
        _tensor_argument("atan2", other)
        a, b = self._pair(other)
        a, b = a._floating(), b._floating()
        return ops.Atan2.apply(a, b)

    arctan2 = atan2

    def hypot(self, other: Any) -> Tensor:
        """``sqrt(self^2 + other^2)`` without overflow, elementwise (broadcast; floating tensors only)."""
        _tensor_argument("hypot", other)
        a, b = self._pair(other)
        if a._data.dtype.kind != "f":
            raise NotImplementedError(f'"hypot_cpu" not implemented for \'{_dt.scalar_type_name(a._data.dtype)}\'')
        return ops.Hypot.apply(a, b)

    def _modulo(self, other: Any, tensor_op: type, scalar_op: type, kernel: str) -> Tensor:
        a, b = self._pair(other)
        if a._data.dtype.kind == "b":
            raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'Bool\'')
        if a._data.dtype.kind in "iu" and (b._data == 0).any():
            try:
                shape = np.broadcast_shapes(a._data.shape, b._data.shape)
            except ValueError as err:
                _function.raise_broadcast_error(a._data, b._data, err)
            if math.prod(shape):  # an empty result divides nothing
                raise RuntimeError("ZeroDivisionError")
        if _is_number(other):
            return scalar_op.apply(a, other=b._data)
        return tensor_op.apply(a, b)

    def remainder(self, other: Any) -> Tensor:
        """``self - floor(self / other) * other``: the remainder with ``other``'s sign, as Python's ``%``
        (broadcast; integers stay integers, dividing them by 0 raises). Shape: the broadcast shape."""
        return self._modulo(other, ops.Remainder, ops.RemainderScalar, "remainder")

    def fmod(self, other: Any) -> Tensor:
        """``self - trunc(self / other) * other``: the remainder with self's sign, as C's ``fmod`` (broadcast;
        integers stay integers, dividing them by 0 raises). Shape: the broadcast shape."""
        return self._modulo(other, ops.Fmod, ops.FmodScalar, "fmod")

    def __mod__(self, other: Any) -> Tensor:
        return self.remainder(other)

    def xlogy(self, other: Any) -> Tensor:
        """``self * log(other)``, and 0 where self is 0 (unless other is nan); integers give float32.
        Shape: the broadcast shape."""
        a, b = self._pair(other)
        a, b = a._floating(), b._floating()
        if _is_number(other):
            return ops.XlogyScalar.apply(a, other=b._data)
        return ops.Xlogy.apply(a, b)

    # ---- reductions --------------------------------------------------------------------------------------
    def sum(self, dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None) -> Tensor:
        """Sum over ``dim`` (int or tuple; all dims when None). Shape: reduced dims removed unless keepdim."""
        _check_keepdim_has_dim("sum", dim, keepdim)
        axes = normalize_dims(_all_if_empty(dim), self._data.ndim)
        if self._data.ndim == 0:
            axes = ()
        np_dtype = _dt.to_numpy_dtype(dtype) if dtype is not None else None
        if np_dtype is None and self._data.dtype.kind in "bi":
            np_dtype = np.dtype(np.int64)
        fn = ops.Sum if dim is None else ops.SumDim
        return fn.apply(self, axes=axes, keepdim=keepdim, dtype=np_dtype)

    def logsumexp(self, dim: Any, keepdim: builtins.bool = False) -> Tensor:
        """log(sum(exp(self))) over ``dim`` (int or tuple), without overflow. Shape: reduced dims removed unless
        keepdim. Integers give the default float dtype."""
        x = self._floating()
        axes = () if x._data.ndim == 0 else normalize_dims(dim, x._data.ndim)
        _check_0d_dims(x, dim)
        return ops.Logsumexp.apply(x, dims=axes, keepdim=keepdim)

    def prod(self, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None) -> Tensor:
        """The product of all elements (a 0-d tensor), or along ``dim`` (``keepdim`` keeps it as size 1).
        Integers and bools give int64. The gradient of an element is the product of the others (exact with
        zeros)."""
        src = self if dtype is None else self.to(dtype)
        if src._data.dtype.kind in "biu":
            src = src.to(np.int64)
        if dim is None or src._data.ndim == 0:
            if dim is not None:
                wrap_dim(dim, 0)
            return ops.Prod.apply(src)
        return ops.ProdDim.apply(src, dim=wrap_dim(dim, src._data.ndim), keepdim=builtins.bool(keepdim))

    def tril(self, diagonal: int = 0) -> Tensor:
        """A copy with the elements above diagonal ``diagonal`` of the last two dims set to 0. Shape: as self
        (at least 2-D)."""
        return self._triangle(ops.Tril, "tril", diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        """A copy with the elements below diagonal ``diagonal`` of the last two dims set to 0. Shape: as self
        (at least 2-D)."""
        return self._triangle(ops.Triu, "triu", diagonal)

    def _triangle(self, fn: Any, name: str, diagonal: int) -> Tensor:
        if self._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return fn.apply(self, diagonal=operator.index(diagonal))

    def mean(self, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None) -> Tensor:
        """Mean over ``dim`` (int or tuple; all dims when None); floating point tensors only (or give ``dtype``)."""
        _check_keepdim_has_dim("mean", dim, keepdim)
        if dtype is not None:
            return self.to(dtype).mean(dim, keepdim)
        if self._data.dtype.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
                f"dtype. Got: {_dt.scalar_type_name(self._data.dtype)}"
            )
        axes = normalize_dims(_all_if_empty(dim), self._data.ndim)  # checks dim even for a 0-d tensor
        axes = () if self._data.ndim == 0 else axes
        fn = ops.Mean if dim is None else ops.MeanDim
        return fn.apply(self, axes=axes, keepdim=keepdim)

    def _extreme(self, dim: Any, keepdim: builtins.bool, largest: builtins.bool) -> Any:
        if dim is None:
            return (ops.MaxAll if largest else ops.MinAll).apply(self, largest=largest)
        d = wrap_dim(dim, self._data.ndim)
        a = self._data if self._data.ndim else self._data.reshape(1)
        if a.shape[d] == 0:
            name = "max" if largest else "min"
            raise IndexError(
                f"{name}(): Expected reduction dim {d} to have non-zero size."
            )
        index = np.argmax(a, axis=d) if largest else np.argmin(a, axis=d)
        src = self if self._data.ndim else self.reshape(1)
        values = (ops.MaxDim if largest else ops.MinDim).apply(src, dim=d, keepdim=keepdim, index=index)
        if self._data.ndim == 0:
            values = values.reshape(())
            index = index.reshape(())
        elif keepdim:
            index = np.expand_dims(index, d)
        result = _MaxResult if largest else _MinResult
        indices = Tensor._make(index.astype(np.int64), False)
        return result(_function.saved_as_in_pytorch(values, indices), indices)  # PyTorch's node saves the indices

    def max(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """Largest element (``dim=None``), or ``(values, indices)`` along ``dim``; or elementwise max with a tensor."""
        if isinstance(dim, Tensor):
            return maximum(self, dim)
        return self._extreme(dim, keepdim, True)

    def min(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """Smallest element (``dim=None``), or ``(values, indices)`` along ``dim``."""
        if isinstance(dim, Tensor):
            return minimum(self, dim)
        return self._extreme(dim, keepdim, False)

    def all(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """True where every element (along ``dim``) is nonzero; a bool tensor, never recorded."""
        axis = None if dim is None else wrap_dim(dim, self._data.ndim)
        return Tensor._make(np.asarray(np.all(self._data, axis=axis, keepdims=keepdim)), False)

    def any(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """True where some element (along ``dim``) is nonzero; a bool tensor, never recorded."""
        axis = None if dim is None else wrap_dim(dim, self._data.ndim)
        return Tensor._make(np.asarray(np.any(self._data, axis=axis, keepdims=keepdim)), False)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """The p-norm over ``dim`` (int or tuple; all elements when None): p = 2 or ``'fro'`` (default), 1, any
        other number (``sum(|x| ** p) ** (1 / p)``; p = 0 counts the nonzero elements), ``inf`` or ``-inf``
        (the largest or smallest ``|x|``); or ``'nuc'``, the nuclear norm (the sum of the singular values) of the
        matrices in the two dims ``dim`` (default: the two dims of a 2-D tensor).

        Differentiable, with PyTorch's subgradients: 0 at a zero norm, and a max (min) shared evenly among tied
        elements. Shape: ``dim`` removed unless keepdim.
        """
        if p == "nuc" or (p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2):
            return self._matrix_norm(p, list(range(self._data.ndim)) if dim is None else dim, keepdim)
        if isinstance(p, str) and p != "fro":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                               f"Got {_dt.scalar_type_name(self._data.dtype)}")
        _check_0d_dims(self, dim)
        out = self._norm(p, dim, keepdim)
        return _function.saved_as_in_pytorch(out, self, out)  # what PyTorch's LinalgVectorNormBackward0 reads

    def _matrix_norm(self, p: str, dim: Any, keepdim: builtins.bool) -> Tensor:
        """``norm(p='nuc')``: the sum of the singular values of the ``(dim[0], dim[1])`` matrices, with PyTorch's
        checks (``linalg.matrix_norm``). A 'fro' over more than two dims gets here only for the error."""
        name = "linalg.matrix_norm"
        if self._data.ndim < 2:
            raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                               f"Got {_dt.scalar_type_name(self._data.dtype)}")
        if self._data.dtype == np.float16:
            raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")
        dims = list(dim) if isinstance(dim, (tuple, list)) else [dim]
        if len(dims) != 2:
            raise RuntimeError(f"{name}: dim must be a 2-tuple. Got {' '.join(str(d) for d in dims)}")
        rows, cols = (wrap_dim(d, self._data.ndim) for d in dims)
        if rows == cols:
            raise RuntimeError(f"{name}: dims must be different. Got ({rows}, {cols})")
        s = ops.SingularValues.apply(self.movedim((rows, cols), (-2, -1)))
        out = s.sum(-1, keepdim)
        return out.unsqueeze(-1).movedim((-2, -1), (rows, cols)) if keepdim else out

    def _norm(self, p: Any, dim: Any, keepdim: builtins.bool) -> Tensor:
        if dim is None and keepdim:  # sum() takes keepdim only with a dim
            dim = tuple(range(self._data.ndim))
        if p in ("fro", 2, 2.0):
            return ops.Sqrt.apply((self * self).sum(dim, keepdim), zero_at_zero=True)
        if p in (1, 1.0):
            return self.abs().sum(dim, keepdim)
        axes = tuple(range(self._data.ndim)) if dim is None or self._data.ndim == 0 else normalize_dims(dim,
                                                                                                self._data.ndim)
        if p == 0:  # a count of the nonzero elements
            return ops.NormZero.apply(self, axes=axes, keepdim=keepdim)
        if (p < 0 or p == float("inf")) and self._data.size == 0:  # a max, min or 1 / sum of 1 / x: no identity
            why = "because the operation does not have an identity"
            if dim is None:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on an empty tensor {why}")
            for d in dim if isinstance(dim, (tuple, list)) else (dim,):
                if self._data.shape[wrap_dim(d, self._data.ndim)] == 0:  # PyTorch names the dim as it was given
                    raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on the dimension {d}"
                                       f"{why.replace('because', 'because this dimension is empty and')}")
        if p in (float("inf"), float("-inf")):
            return ops.NormInf.apply(self.abs(), axes=axes, keepdim=keepdim, largest=p > 0)
        return ops.NormP.apply(self, p=float(p), axes=axes, keepdim=keepdim)

    def argmax(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """Index of the largest element (of the flattened tensor when ``dim`` is None)."""
        if self._data.dtype.kind == "b":
            raise RuntimeError("argmax(): does not support bool input")
        if dim is None and self._data.size == 0:
            raise IndexError("argmax(): Expected reduction dim to be specified for input.numel() == 0.")
        if dim is None:
            return Tensor._make(np.asarray(np.argmax(self._data), dtype=np.int64), False)
        d = wrap_dim(dim, self._data.ndim)
        if self._data.ndim and self._data.shape[d] == 0:
            raise IndexError(f"argmax(): Expected reduction dim {d} to have non-zero size.")
        idx = np.argmax(self._data, axis=d, keepdims=keepdim)
        return Tensor._make(idx.astype(np.int64), False)

    def argmin(self, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """Index of the smallest element (of the flattened tensor when ``dim`` is None)."""
        if self._data.dtype.kind == "b":
            raise RuntimeError("argmin(): does not support bool input")
        if dim is None and self._data.size == 0:
            raise IndexError("argmin(): Expected reduction dim to be specified for input.numel() == 0.")
        if dim is None:
            return Tensor._make(np.asarray(np.argmin(self._data), dtype=np.int64), False)
        d = wrap_dim(dim, self._data.ndim)
        if self._data.ndim and self._data.shape[d] == 0:
            raise IndexError(f"argmin(): Expected reduction dim {d} to have non-zero size.")
        idx = np.argmin(self._data, axis=d, keepdims=keepdim)
        return Tensor._make(idx.astype(np.int64), False)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: builtins.bool = False, *,
            correction: Any = None) -> Tensor:
        """Variance over ``dim``, dividing by ``N - correction`` (default 1; ``unbiased=False`` means 0).

        ``N - correction <= 0`` gives inf or nan, with PyTorch's warning. Shape: ``dim`` removed unless keepdim."""
        return self._variance(dim, unbiased, keepdim, correction, "var")

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: builtins.bool = False, *,
            correction: Any = None) -> Tensor:
        """Standard deviation: ``var(...).sqrt()``."""
        return ops.Sqrt.apply(self._variance(dim, unbiased, keepdim, correction, "std"), zero_at_zero=True)

    def _variance(self, dim: Any, unbiased: Any, keepdim: builtins.bool, correction: Any, name: str) -> Tensor:
        if self._data.dtype.kind != "f":
            raise RuntimeError("std and var only support floating point and complex dtypes")
        if correction is None:
            correction = 0 if unbiased is False else 1
        axes = () if self._data.ndim == 0 else normalize_dims(dim, self._data.ndim)
        _check_0d_dims(self, dim)
        if math.prod(self._data.shape[ax] for ax in axes) - correction <= 0:
            warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                          "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
        return ops.Var.apply(self, axes=axes, correction=correction, keepdim=keepdim)

    def softmax(self, dim: int) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim``; same shape. Floating point tensors only."""
        return _softmax_family(self, dim, "softmax", ops.Softmax)

    def log_softmax(self, dim: int) -> Tensor:
        """log(softmax(x)) along ``dim``, computed stably; same shape. Floating point tensors only."""
        return _softmax_family(self, dim, "log_softmax", ops.LogSoftmax)

    # ---- shape -------------------------------------------------------------------------------------------
    def _infer_shape(self, shape: tuple, name: str = "reshape") -> tuple:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
            shape = tuple(shape[0])
        for s in shape:  # 2.5 is no size: PyTorch refuses it rather than rounding
            if not isinstance(s, (builtins.int, np.integer)):
                raise TypeError(f"{name}(): argument '{'shape' if name == 'reshape' else 'size'}' must be tuple of "
                                f"ints, but found element of type {type(s).__name__}")
        shape = tuple(builtins.int(s) for s in shape)
        n = self._data.size
        if shape.count(-1) > 1:
            raise RuntimeError("only one dimension can be inferred")
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if -1 in shape:
            if known == 0 or n % known:
                raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
            shape = tuple(n // known if s == -1 else s for s in shape)
        elif known != n:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
        return shape

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (one entry may be -1)."""
        return ops.View.apply(self, shape=self._infer_shape(shape))

    def view(self, *shape: Any) -> Tensor:
        """Like ``reshape``, but only where no copy is needed (PyTorch's rule for ``view``)."""
        new = self._infer_shape(shape, "view")
        try:
            return ops.View.apply(self, shape=new, copy=False)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                "across two contiguous subspaces). Use .reshape(...) instead."
            ) from None

    def view_as(self, other: Tensor) -> Tensor:
        """``view(other.shape)``."""
        return self.view(other._data.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        """``reshape(other.shape)``."""
        return self.reshape(other._data.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dims ``start_dim..end_dim`` into one."""
        nd = self._data.ndim
        if nd == 0:
            return self.reshape(1)
        s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e:
            return self
        shp = self._data.shape
        return self.reshape(shp[:s] + (-1,) + shp[e + 1:]) if self._data.size else self.reshape(
            shp[:s] + (builtins.int(np.prod(shp[s:e + 1])),) + shp[e + 1:])

    def squeeze(self, dim: Any = None) -> Tensor:
        """Remove size-1 dims (all of them, or those in ``dim`` that have size 1)."""
        shp = self._data.shape
        if dim is None:
            new = tuple(s for s in shp if s != 1)
            fn = ops.Squeeze
        else:
            axes = normalize_dims(dim, self._data.ndim)
            new = tuple(s for i, s in enumerate(shp) if not (i in axes and s == 1))
            fn = ops.SqueezeDims if isinstance(dim, (tuple, list)) else ops.SqueezeDim
        return fn.apply(self, shape=new)

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a size-1 dim at ``dim`` (``-ndim-1 <= dim <= ndim``)."""
        nd = self._data.ndim
        if not -nd - 1 <= dim <= nd:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-nd - 1}, {nd}], but got {dim})"
            )
        d = dim % (nd + 1)
        shp = self._data.shape
        return ops.Unsqueeze.apply(self, shape=shp[:d] + (1,) + shp[d:])

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap dims ``dim0`` and ``dim1``."""
        nd = self._data.ndim
        return ops.Transpose.apply(self, dims=(wrap_dim(dim0, nd), wrap_dim(dim1, nd)))

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        """Alias of ``transpose``."""
        return self.transpose(axis0, axis1)

    def t(self) -> Tensor:
        """Transpose of a tensor with at most 2 dims."""
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return ops.TransposeT.apply(self, dims=(0, 1))  # a view even of a 0-d or 1-D tensor, as in PyTorch

    @property
    def T(self) -> Tensor:
        """All dims reversed (the matrix transpose for 2-D tensors)."""
        return ops.Permute.apply(self, dims=tuple(range(self._data.ndim - 1, -1, -1)))  # a view, whatever the ndim

    @property
    def mT(self) -> Tensor:
        """The last two dims swapped (a batch of matrices transposed); a 0-d tensor is returned as it is."""
        if self._data.ndim == 1:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
        return self if self._data.ndim == 0 else self.transpose(-2, -1)

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the dims: output dim i is input dim ``dims[i]``."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        elif not dims:
            raise TypeError('permute() missing 1 required positional arguments: "dims"')
        nd = self._data.ndim
        if len(dims) != nd:
            raise RuntimeError(
                "permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
                f"the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to len(dims) = {len(dims)}"
            )
        wrapped = tuple(wrap_dim(d, nd) for d in dims)
        if len(set(wrapped)) != nd:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return ops.Permute.apply(self, dims=wrapped)

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to ``sizes`` without copying (-1 keeps a dim's size)."""
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        shp = self._data.shape
        if len(sizes) < len(shp):
            raise RuntimeError(
                f"expand(minigrad.{_dt.scalar_type_name(self._data.dtype)}Tensor{{{list(shp)}}}, "
                f"size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be greater or equal to the "
                f"number of dimensions in the tensor ({len(shp)})"
            )
        lead = len(sizes) - len(shp)
        target = []
        for i, s in enumerate(sizes):
            if i < lead:
                if s < 0:
                    raise RuntimeError(
                        f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}"
                    )
                target.append(s)
                continue
            cur = shp[i - lead]
            if s == -1:
                s = cur
            elif cur != s and cur != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton "
                    f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shp)}"
                )
            target.append(s)
        return ops.Expand.apply(self, shape=tuple(target))

    def expand_as(self, other: Tensor) -> Tensor:
        """``expand(other.shape)``."""
        return self.expand(other._data.shape)

    def split(self, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the sizes in a list."""
        if self._data.ndim == 0:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        d = wrap_dim(dim, self._data.ndim)
        n = self._data.shape[d]
        if isinstance(split_size, builtins.int):
            if split_size < 0:
                raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
            if split_size == 0:
                if n:
                    raise RuntimeError(
                        f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
                return _multi_output([self[(slice(None),) * (d + 1)]], "Split")  # the whole (empty) tensor, a view
            if n == 0:  # one empty piece, as PyTorch gives
                return _multi_output([self[(slice(None),) * d + (slice(0, 0),)]], "Split")
            sizes = [split_size] * (n // split_size) + ([n % split_size] if n % split_size else [])
        else:
            sizes = list(split_size)
            if sum(sizes) != n or any(s < 0 for s in sizes):
                raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                                   f"size at dimension {d}), but got split_sizes={sizes}")
        out, start = [], 0
        for s in sizes:
            idx = (slice(None),) * d + (slice(start, start + s),)
            out.append(self[idx])
            start += s
        return _multi_output(out, "Split" if isinstance(split_size, builtins.int) else "SplitWithSizes")

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """Split into ``chunks`` nearly equal pieces along ``dim``."""
        if self._data.ndim == 0:
            raise RuntimeError("chunk expects at least a 1-dimensional tensor")
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        d = wrap_dim(dim, self._data.ndim)
        n = self._data.shape[d]
        if n == 0:  # PyTorch gives ``chunks`` empty pieces
            return _multi_output([self[(slice(None),) * d + (slice(0, 0),)] for _ in range(chunks)], "SplitWithSizes")
        return self.split(-(-n // chunks), dim)

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim``, each without that dim."""
        if self._data.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = wrap_dim(dim, self._data.ndim)
        return _multi_output([self[(slice(None),) * d + (i,)] for i in range(self._data.shape[d])], "Unbind")

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """Shift the elements ``shifts`` places along ``dims``, wrapping around; a copy of the same shape.

        Args:
            shifts: an int, or a tuple of ints, one per dim in ``dims``.
            dims: an int or a tuple of ints; None shifts the flattened tensor and restores its shape.
        """
        shift_list = [int(s) for s in shifts] if isinstance(shifts, (tuple, list)) else [int(shifts)]
        if dims is None:
            if len(shift_list) != 1:
                raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shift_list)}, dims:0")
            return ops.Roll.apply(self, shifts=shift_list[0], dims=None)
        dim_list = list(dims) if isinstance(dims, (tuple, list)) else [dims]
        if not shift_list:
            raise RuntimeError("`shifts` required")
        if len(shift_list) != len(dim_list):
            raise RuntimeError(
                f"shifts and dimensions must align. shifts: {len(shift_list)}, dims:{len(dim_list)}"
            )
        if self.ndim == 0:
            raise IndexError(f"Dimension specified as {dim_list[0]} but tensor has no dimensions")
        axes = tuple(wrap_dim(d, self.ndim) for d in dim_list)
        return ops.Roll.apply(self, shifts=tuple(shift_list), dims=axes)

    def flip(self, *dims: Any) -> Tensor:
        """Reverse the order of the elements along each of ``dims`` (int, or a list/tuple of ints); a copy.

        Args:
            dims: the dims to reverse, as ``flip(0, 1)`` or ``flip((0, 1))``.

        Returns:
            A tensor of the same shape and dtype.
        """
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        if not dims:
            raise TypeError('flip() missing 1 required positional arguments: "dims"')
        axes = normalize_dims(dims, self._data.ndim)
        return ops.Flip.apply(self, dims=axes if self._data.ndim else ())

    def repeat(self, *sizes: Any) -> Tensor:
        """Tile the tensor: ``sizes[i]`` copies along dim i (a copy, unlike ``expand``).

        Args:
            sizes: the number of copies per dim, as ``repeat(2, 3)`` or ``repeat((2, 3))``; at least
                ``self.dim()`` of them. Extra leading sizes add leading dims.

        Returns:
            A tensor of shape ``(sizes[0] * s_0, ...)``, where ``s`` is the shape padded with leading 1s.
        """
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        sizes = tuple(builtins.int(n) for n in sizes)
        shp = self._data.shape
        if len(sizes) < len(shp):
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
            )
        padded = (1,) * (len(sizes) - len(shp)) + shp
        target = [n * s for n, s in zip(sizes, padded)]
        negative = [n for n in target if n < 0]
        if negative:
            raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {target}")
        return ops.Repeat.apply(self, repeats=sizes)

    def cumsum(self, dim: int, *, dtype: Any = None) -> Tensor:
        """Cumulative sum along ``dim``: ``out[i] = self[0] + ... + self[i]``.

        Args:
            dim: the dim to sum along.
            dtype: the output dtype; by default integer and bool tensors give int64, floats keep theirs.

        Returns:
            A tensor of the same shape.
        """
        d = wrap_dim(dim, self._data.ndim)
        if dtype is not None:
            np_dtype = _dt.to_numpy_dtype(dtype)
        else:
            np_dtype = np.dtype(np.int64) if self._data.dtype.kind in "biu" else self._data.dtype
        return ops.Cumsum.apply(self, dim=d, dtype=np_dtype)

    def _along(self, dim: int) -> tuple[int, np.ndarray]:
        """``dim`` wrapped, and the data with at least one dim (a 0-d tensor acts like one element)."""
        return wrap_dim(dim, self._data.ndim), (self._data if self._data.ndim else self._data.reshape(1))

    def _picked(self, fn: type, d: int, order: np.ndarray, result: type) -> Any:
        if self._data.ndim == 0:
            order = order.reshape(())
        values = fn.apply(self, dim=d, order=order)
        indices = Tensor._make(order.astype(np.int64), False)
        return result(_function.saved_as_in_pytorch(values, indices), indices)  # PyTorch's node saves the indices

    def sort(self, dim: int = -1, descending: builtins.bool = False, *, stable: builtins.bool = False) -> Any:
        """Sort along ``dim``; ties keep their original order (minigrad's sort is always stable).

        Args:
            dim: the dim to sort along.
            descending: largest first when True.
            stable: accepted for PyTorch's signature; every sort here is stable.

        Returns:
            A named tuple ``(values, indices)``, both of the input's shape: the sorted values (differentiable)
            and the int64 positions they came from, so that ``values == self.gather(dim, indices)``.
        """
        d, a = self._along(dim)
        return self._picked(ops.Sort, d, _sort_order(a, d, descending), _SortResult)

    def argsort(self, dim: int = -1, descending: builtins.bool = False, *, stable: builtins.bool = False) -> Tensor:
        """The int64 indices that sort the tensor along ``dim``: ``sort(dim, descending).indices``.

        Args:
            dim: the dim to sort along.
            descending: largest first when True.
            stable: accepted for PyTorch's signature; every sort here is stable.

        Returns:
            An int64 tensor of the input's shape (never recorded for autograd).
        """
        d, a = self._along(dim)
        return Tensor._make(_sort_order(a, d, descending).reshape(self._data.shape).astype(np.int64), False)

    def topk(self, k: int, dim: int = -1, largest: builtins.bool = True, sorted: builtins.bool = True) -> Any:
        """The ``k`` largest (or smallest) elements along ``dim``.

        Args:
            k: how many elements to keep, ``0 <= k <= self.size(dim)``.
            dim: the dim to select along.
            largest: the largest elements when True, else the smallest.
            sorted: accepted for PyTorch's signature; the elements always come in sorted order (largest first
                when ``largest``), which is one of the orders PyTorch allows for ``sorted=False``.

        Returns:
            A named tuple ``(values, indices)``, both of the input's shape with ``dim`` of size ``k``: the
            values (differentiable) and their int64 positions along ``dim``.
        """
        d, a = self._along(dim)
        if not 0 <= k <= a.shape[d]:
            raise RuntimeError("selected index k out of range")
        if a.dtype.kind == "b":
            raise RuntimeError("topk does not support bool dtypes on CPU")
        order = np.take(_sort_order(a, d, largest), np.arange(k), axis=d)
        return self._picked(ops.Topk, d, order, _TopkResult)

    def gather(self, dim: int, index: Tensor) -> Tensor:
        """Pick values along ``dim`` by ``index``: ``out[i][j] = self[i][index[i][j]]`` for ``dim=1``.

        Args:
            dim: the dim to pick along.
            index: an int64 tensor with as many dims as ``self``; along every other dim d,
                ``index.size(d) <= self.size(d)``.

        Returns:
            A tensor of ``index``'s shape and ``self``'s dtype; the gradient adds up at repeated indices.
        """
        nd = self._data.ndim
        d = wrap_dim(dim, nd)
        idx = index._data if isinstance(index, Tensor) else np.asarray(index)
        if idx.dtype not in (np.int32, np.int64):
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        if idx.ndim != nd and max(idx.ndim, 1) != max(nd, 1):
            raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
        shp = self._data.shape or (1,)
        ishp = idx.shape or (1,)
        for ax, (n, m) in enumerate(zip(ishp, shp)):
            if ax != d and n > m:
                raise RuntimeError(
                    f"Size does not match at dimension {ax} expected index {list(ishp)} to be no larger than "
                    f"self {list(shp)} apart from dimension {d}"
                )
        bad = (idx < 0) | (idx >= shp[d])
        if bad.any():
            raise RuntimeError(f"index {idx[bad].flat[0]} is out of bounds for dimension {d} with size {shp[d]}")
        return _reads(ops.Gather.apply(self, dim=d, index=idx), self, index)

    def multinomial(self, num_samples: int, replacement: builtins.bool = False) -> Tensor:
        """Draw ``num_samples`` category indices per row, with probabilities proportional to this tensor's values.

        The weights need not sum to 1. Without replacement each index appears at most once per row, and the draws
        are successive: the first from all the weights, the next from the weights left. minigrad draws from its own
        generator (``manual_seed``): the same distribution as PyTorch's, not the same numbers.

        This tensor holds non-negative float weights, ``(n,)`` for one distribution or ``(m, n)`` for ``m`` of them.

        Args:
            num_samples: how many indices to draw per row (at most ``n`` without replacement).
            replacement: draw with replacement when True.

        Returns:
            int64 ``(num_samples,)`` for a 1-D input, ``(m, num_samples)`` for a 2-D one; never recorded.
        """
        p = self._data
        if p.dtype.kind != "f":
            raise RuntimeError(
                f"multinomial only supports floating-point dtypes for input, got: {_dt.scalar_type_name(p.dtype)}"
            )
        if p.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if not replacement and num_samples > p.shape[-1]:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        if num_samples <= 0:
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
        if not np.isfinite(rows).all() or (rows < 0).any():
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        totals = rows.sum(axis=1, keepdims=True)
        if (totals <= 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        gen = default_generator()
        if replacement:
            # Inverse CDF: each uniform draw lands in the bin of one category.
            cdf = np.cumsum(rows / totals, axis=1)
            u = gen.random((rows.shape[0], num_samples))
            out = np.stack([np.searchsorted(c, x, side="right") for c, x in zip(cdf, u)])
            out = np.minimum(out, rows.shape[1] - 1)  # guard against round-off in the last cdf entry
        else:
            # Exponential races: the categories in order of E_i / p_i are successive draws without replacement.
            with np.errstate(divide="ignore", invalid="ignore"):
                keys = gen.standard_exponential(rows.shape) / rows
            out = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
        return Tensor._make(out.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64), False)

    # ---- selecting, tiling and products (#17) ---------------------------------------------------------------
    def select(self, dim: int, index: int) -> Tensor:
        """The slice at ``index`` along ``dim``, that dim removed (a view, ``SelectBackward0``)."""
        if self._data.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        d = wrap_dim(dim, self._data.ndim)
        n = self._data.shape[d]
        if not -n <= index < n:
            raise IndexError(
                f"select(): index {index} out of range for tensor of size {list(self._data.shape)} at dimension {d}"
            )
        return self[(slice(None),) * d + (index,)]

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        """The ``length`` slices from ``start`` along ``dim`` (a view, ``SliceBackward0``)."""
        if self._data.ndim == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        d = wrap_dim(dim, self._data.ndim)
        n = self._data.shape[d]
        if not -n <= start <= n:
            raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
        start = start % n if start < 0 else start
        if length < 0 or start + length > n:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def nonzero(self, *, as_tuple: builtins.bool = False) -> Any:
        """The indices of the nonzero elements: an int64 tensor ``(n, ndim)``, one row per element in row-major
        order, or with ``as_tuple`` one 1-D int64 tensor per dim (a 0-d tensor counts as 1-D there)."""
        if as_tuple:
            return tuple(Tensor._make(i.astype(np.int64), False) for i in np.nonzero(np.atleast_1d(self._data)))
        return Tensor._make(np.argwhere(self._data).astype(np.int64), False)

    def masked_select(self, mask: Any) -> Tensor:
        """The elements where the bool ``mask`` is True, as a 1-D tensor in row-major order (self and ``mask``
        broadcast together first)."""
        m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
        if m.dtype != np.bool_:
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        try:
            shape = np.broadcast_shapes(self._data.shape, m.shape)
        except ValueError as err:
            _function.raise_broadcast_error(m, self._data, err)  # PyTorch names the mask first
        a = self if shape == self._data.shape else self.expand(shape)
        return _reads(ops.MaskedSelect.apply(a, mask=np.broadcast_to(m, shape)), self, mask)

    def repeat_interleave(self, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
                          ) -> Tensor:
        """Each element (``dim=None``: of the flattened tensor) or each slice along ``dim`` repeated
        ``repeats`` times in place: ``[a, b]`` twice is ``[a, a, b, b]``. ``repeats`` is an int or a 1-D tensor
        (one count per slice). Without ``repeats``, self holds the counts and the result repeats their indices."""
        if repeats is None:
            counts = self._data
            return Tensor._make(np.repeat(np.arange(counts.size, dtype=np.int64), counts), False)
        if dim is not None and self._data.ndim == 0:  # PyTorch's own message for any dim of a 0-d tensor
            raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
        src = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else wrap_dim(dim, src._data.ndim)
        r = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
        if r.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if r.dtype.kind not in "iu":
            raise RuntimeError("repeats has to be Long tensor")
        if (r < 0).any():
            raise RuntimeError("Repeats must be non-negative")
        n = src._data.shape[d] if src._data.ndim else 1
        if r.ndim == 1 and r.size not in (1, n):
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got repeats.size(0) = {r.size} and "
                f"input.size({d}) = {n}"
            )
        index = np.repeat(np.arange(n, dtype=np.int64), np.broadcast_to(r.reshape(-1), (n,)))
        return src.index_select(d, index)

    def tile(self, *dims: Any) -> Tensor:
        """The tensor repeated ``dims[i]`` times along dim i; fewer dims than self has are padded with 1s in
        front (``repeat`` wants at least self's number)."""
        reps = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        reps = (1,) * (self._data.ndim - len(reps)) + tuple(reps)
        return self.repeat(*reps)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        """The ``n``-th forward difference ``x[i + 1] - x[i]`` along ``dim`` (``prepend``/``append`` joined
        first); bools give ``x[i + 1] != x[i]``. Shape: self's with ``n`` fewer along ``dim``."""
        if self._data.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        d = wrap_dim(dim, self._data.ndim)
        parts = [p if isinstance(p, Tensor) else None for p in (prepend, append)]
        out = self
        if prepend is not None or append is not None:
            pieces = [p for p in (parts[0], self, parts[1]) if p is not None]
            out = ops.Cat.apply(*pieces, dim=d)
        if n < 0:
            raise RuntimeError(f"order must be non-negative but got {n}")
        if n == 0:
            return out.clone()
        for _ in range(n):
            size = out._data.shape[d]
            if size == 0:  # PyTorch hands back the (empty) tensor itself
                return out
            hi = out[(slice(None),) * d + (slice(1, size),)]
            lo = out[(slice(None),) * d + (slice(0, max(size - 1, 0)),)]
            out = (hi != lo) if out._data.dtype == np.bool_ else hi - lo
        return out

    def outer(self, vec2: Tensor) -> Tensor:
        """The outer product of two 1-D tensors: ``(n,)`` and ``(m,)`` give ``(n, m)`` with ``self[i] * vec2[j]``."""
        for name, v in (("self", self), ("vec2", vec2)):
            if v._data.ndim != 1:
                raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
        return self.reshape(-1, 1) * vec2

    ger = outer

    def mm(self, mat2: Tensor) -> Tensor:
        """2-D matrix product ``(n, k) @ (k, m) -> (n, m)`` (``MmBackward0``)."""
        if self._data.ndim != 2 or mat2._data.ndim != 2:
            raise RuntimeError("self must be a matrix" if self._data.ndim != 2 else "mat2 must be a matrix")
        return matmul(self, mat2)

    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * (mat1 @ mat2)``: mat1 ``(n, k)``, mat2 ``(k, m)``, self broadcast to ``(n, m)``;
        one ``AddmmBackward0`` node."""
        for name, m in (("mat1", mat1), ("mat2", mat2)):
            if m._data.ndim != 2:
                raise RuntimeError(f"{name} must be a matrix, got {m._data.ndim}-D tensor")
        (n, k), (k2, m) = mat1._data.shape, mat2._data.shape
        if k != k2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
        if self._data.shape != (n, m):
            self.expand(n, m)  # PyTorch's error when self does not broadcast to the product's shape
        c = self if beta == 1 else self * beta
        a = mat1 if alpha == 1 else mat1 * alpha
        return ops.Addmm.apply(c, a, mat2)

    def baddbmm(self, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * bmm(batch1, batch2)``: batch1 ``(b, n, k)``, batch2 ``(b, k, m)``, self
        broadcast to ``(b, n, m)``."""
        prod = batch1.bmm(batch2)
        return (self if beta == 1 else self * beta) + (prod if alpha == 1 else prod * alpha)

    def _three(self, t1: Any, t2: Any) -> tuple[Tensor, Tensor, Tensor]:
        a, b = self._pair(t1)
        a, c = a._pair(t2)
        b = b if b._data.dtype == a._data.dtype else b.to(a._data.dtype)
        return a, b, c

    def addcmul(self, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
        """``self + value * tensor1 * tensor2`` (all three broadcast), one node. For integer tensors ``value`` is
        taken as an integer, as PyTorch does (0.5 counts as 0)."""
        a, b, c = self._three(tensor1, tensor2)
        shape = a._data.shape
        for other in (b._data, c._data):  # PyTorch's message names the first pair that fails
            try:
                shape = np.broadcast_shapes(shape, other.shape)
            except ValueError as err:
                _function.raise_broadcast_error(np.empty(shape, dtype=np.bool_), other, err)
        kind = a._data.dtype.kind
        if kind == "b":
            raise NotImplementedError('"addcmul_cpu_out" not implemented for \'Bool\'')
        return ops.Addcmul.apply(a, b, c, value=builtins.int(value) if kind in "iu" else value)

    def addcdiv(self, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
        """``self + value * tensor1 / tensor2`` (all three broadcast), one node."""
        kinds = {getattr(t, "_data", np.asarray(t)).dtype.kind for t in (tensor1, tensor2)}
        if kinds <= {"b", "i", "u"}:
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
                "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented "
                "as (input + value * minigrad.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
                "latter implementation: (input + value * tensor1 / tensor2), for all dtypes."
            )
        a, b, c = self._three(tensor1, tensor2)
        return ops.Addcdiv.apply(a, b, c, value=value)

    def lerp(self, end: Tensor, weight: Any) -> Tensor:
        """``self + weight * (end - self)``: a number ``weight`` or a tensor (all broadcast); self, ``end`` and a
        tensor ``weight`` share one floating dtype."""
        is_tensor = isinstance(weight, Tensor)
        if self._data.dtype.kind != "f":
            kernel = "lerp_kernel_tensor" if is_tensor else "lerp_kernel_scalar"
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_dt.scalar_type_name(self._data.dtype)}\'')
        for name, other in (("end", end), ("weight", weight if is_tensor else None)):
            if other is not None and other._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"expected dtype {_dt.cpp_type_name(self._data.dtype)} for `{name}` but got dtype "
                    f"{_dt.cpp_type_name(other._data.dtype)}"
                )
        if is_tensor:
            return ops.LerpTensor.apply(self, end, weight)
        return ops.Lerp.apply(self, end, weight=weight)

    def _scatter_index(self, name: str, dim: int, index: Any, src: Any) -> tuple[int, np.ndarray]:
        """Check a scatter's index as PyTorch does: int64, self's number of dims, no larger than self (but
        along ``dim``) and than ``src``, and in bounds along ``dim``."""
        d = wrap_dim(dim, self._data.ndim)
        idx = index._data if isinstance(index, Tensor) else np.asarray(index)
        if idx.dtype not in (np.int32, np.int64):
            raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
        if idx.ndim != self._data.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
        too_big = any(ax != d and n > m for ax, (n, m) in enumerate(zip(idx.shape, self._data.shape)))
        if src is not None and (too_big or any(n > m for n, m in zip(idx.shape, src._data.shape))):
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self {list(self._data.shape)} apart from "
                f"dimension {d} and to be no larger size than src {list(src._data.shape)}"
            )
        if too_big:
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self {list(self._data.shape)} apart from "
                f"dimension {d}"
            )
        size = self._data.shape[d] if self._data.ndim else 1
        bad = (idx < 0) | (idx >= size)
        if bad.any():
            raise RuntimeError(f"index {idx[bad].flat[0]} is out of bounds for dimension {d} with size {size}")
        return d, idx

    def scatter(self, dim: int, index: Tensor, src: Any = None, *, value: Any = None, reduce: str | None = None
                ) -> Tensor:
        """A copy of self with ``src[i][j]`` written at ``[index[i][j]][j]`` (dim 0; ``index`` picks along
        ``dim``), or a number ``value`` written at every indexed place. ``index`` (int64) has self's number of
        dims and is no larger than self except along ``dim``; ``src``'s leading block of index's shape is used.

        ``reduce="add"`` or ``"multiply"`` combines instead of writing; as in PyTorch that form has no gradient
        (``grad_fn`` is ``NotImplemented`` and backward through it raises)."""
        if src is None:
            src = value
        if reduce is not None and reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if isinstance(src, Tensor):
            d, idx = self._scatter_index("scatter", dim, index, src)
            if src._data.dtype != self._data.dtype:
                raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
            if reduce is not None:
                return _reads(ops.ScatterReduce.apply(self, src, dim=d, index=idx, reduce=reduce), index)
            return _reads(ops.Scatter.apply(self, src, dim=d, index=idx), index)
        d, idx = self._scatter_index("scatter", dim, index, None)
        filled = np.asarray(src, dtype=self._data.dtype)
        if reduce is not None:
            values = Tensor._make(np.broadcast_to(filled, idx.shape), False)
            return _reads(ops.ScatterReduce.apply(self, values, dim=d, index=idx, reduce=reduce), index)
        return _reads(ops.ScatterValue.apply(self, dim=d, index=idx, value=filled), index)

    def scatter_add(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        """A copy of self with ``src[i][j]`` added at ``[index[i][j]][j]`` (dim 0), repeats adding up."""
        d, idx = self._scatter_index("scatter_add", dim, index, src)
        if src._data.dtype != self._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        return _reads(ops.ScatterAdd.apply(self, src, dim=d, index=idx), index)

    def _index_vector(self, name: str, dim: int, index: Any) -> tuple[int, np.ndarray]:
        d = wrap_dim(dim, self._data.ndim)
        idx = index._data if isinstance(index, Tensor) else np.asarray(index)
        if name == "index_fill_" and idx.dtype != np.int64:
            raise IndexError("index_fill_(): Expected dtype int64 for index.")
        if idx.dtype not in (np.int32, np.int64):
            raise IndexError(f"{name}(): Expected dtype int32/int64 for index")
        if idx.ndim > 1:
            raise IndexError(
                f"{name}(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: "
                f"{_dt.scalar_type_name(idx.dtype)} and size: {list(idx.shape)}"
            )
        size = self._data.shape[d] if self._data.ndim else 1
        idx = idx.reshape(-1)
        if name == "index_fill_" and 0 in self._data.shape[:d] + self._data.shape[d + 1:]:
            return d, idx[:0]  # no slice to fill: PyTorch looks at no index
        bad = (idx < -size) | (idx >= size)
        if bad.any():
            raise RuntimeError(f"index {idx[bad][0]} is out of bounds for dimension {d} with size {size}")
        return d, idx % max(size, 1)

    def index_add(self, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        """A copy of self with ``alpha * source``'s slices added at the slices ``index`` (1-D) along ``dim``;
        ``source`` has self's shape with ``len(index)`` at ``dim``."""
        d, idx = self._index_vector("index_add_", dim, index)
        want = self._data.shape[:d] + (idx.size,) + self._data.shape[d + 1:]
        if source._data.shape != want:
            raise RuntimeError(
                "source tensor shape must match self tensor shape, excluding the specified dimension. Got "
                f"self.shape = {list(self._data.shape)} source.shape = {list(source._data.shape)}"
            )
        return _reads(ops.IndexAdd.apply(self, source, dim=d, index=idx, alpha=alpha), index, source)

    def index_fill(self, dim: int, index: Tensor, value: Any) -> Tensor:
        """A copy of self with ``value`` (a number or a 0-d tensor, which then gets a gradient) in the slices
        ``index`` (1-D) along ``dim``."""
        d, idx = self._index_vector("index_fill_", dim, index)
        if self._data.ndim == 0:  # a 0-d tensor is filled as its one-element vector
            return self.reshape(1).index_fill(0, index, value).reshape(())
        if isinstance(value, Tensor):
            if value._data.ndim:
                raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value._data.ndim} dimension(s).")
            return _reads(ops.IndexFillTensor.apply(self, value, dim=d, index=idx), index)
        return _reads(ops.IndexFill.apply(self, dim=d, index=idx, value=np.asarray(value, dtype=self._data.dtype)),
                      index)

    # ---- tests for special values, diagonals, rotations and counting (#17) ------------------------------------
    def isnan(self) -> Tensor:
        """True where an element is nan (a bool tensor of self's shape)."""
        return Tensor._make(np.isnan(self._data), False)

    def isinf(self) -> Tensor:
        """True where an element is +inf or -inf (a bool tensor of self's shape)."""
        return Tensor._make(np.isinf(self._data), False)

    def isfinite(self) -> Tensor:
        """True where an element is neither nan nor infinite (a bool tensor of self's shape)."""
        return Tensor._make(np.isfinite(self._data), False)

    def isclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: builtins.bool = False
                ) -> Tensor:
        """Elementwise ``|self - other| <= atol + rtol * |other|`` (broadcast; one dtype), a bool tensor."""
        b = other._data if isinstance(other, Tensor) else np.asarray(other)
        if b.dtype != self._data.dtype:
            raise RuntimeError(f"{_dt.scalar_type_name(self._data.dtype)} did not match "
                               f"{_dt.scalar_type_name(b.dtype)}")
        try:
            return Tensor._make(np.isclose(self._data, b, rtol=rtol, atol=atol, equal_nan=equal_nan), False)
        except ValueError as err:
            _function.raise_broadcast_error(self._data, b, err)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
        """nan replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (default: the dtype's largest and
        smallest finite values). The gradient passes where the element was finite and is 0 elsewhere."""
        if self._data.dtype.kind != "f":
            return Tensor._make(self._data.copy(), False)
        info = np.finfo(self._data.dtype)
        hi = info.max if posinf is None else posinf
        lo = info.min if neginf is None else neginf
        fill = np.where(np.isnan(self._data), nan, np.where(self._data > 0, hi, lo)).astype(self._data.dtype)
        return _reads(where(Tensor._make(np.isfinite(self._data), False), self, Tensor._make(fill, False)), self)

    def cumprod(self, dim: int, *, dtype: Any = None) -> Tensor:
        """Running products along ``dim``: ``out[i] = self[0] * ... * self[i]``. Integers and bools give int64.
        The gradient is exact with zeros. Shape: same."""
        src = self if dtype is None else self.to(dtype)
        if src._data.dtype.kind in "biu" and dtype is None:
            src = src.to(np.int64)
        if src._data.ndim == 0:
            wrap_dim(dim, 0)
            return ops.Cumprod.apply(src.reshape(1), dim=0).reshape(())
        return ops.Cumprod.apply(src, dim=wrap_dim(dim, src._data.ndim))

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The diagonal ``offset`` (above the main one for offset > 0) of the (dim1, dim2) planes, as a new last
        dim: ``(n, m)`` gives ``(min(n, m - offset),)`` for offset >= 0."""
        nd = self._data.ndim
        d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return ops.Diagonal.apply(self, offset=offset, dim1=d1, dim2=d2)

    def diag(self, diagonal: int = 0) -> Tensor:
        """A 1-D ``(n,)`` tensor gives the square matrix with it on the diagonal ``diagonal``; a 2-D one gives that
        diagonal of it (1-D)."""
        if self._data.ndim == 1:
            return ops.DiagEmbed.apply(self, offset=diagonal)
        if self._data.ndim == 2:
            return self.diagonal(diagonal)
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{self._data.ndim}D")

    def movedim(self, source: Any, destination: Any) -> Tensor:
        """The dims ``source`` moved to the places ``destination`` (ints or sequences), the others in order."""
        nd = self._data.ndim
        given = [list((d,) if isinstance(d, builtins.int) else d) for d in (source, destination)]
        if len(given[0]) != len(given[1]):
            raise RuntimeError(
                f"movedim: Invalid source or destination dims: source ({given[0]} dims) should contain the same "
                f"number of dims as destination ({given[1]} dims)"
            )
        src, dst = ([wrap_dim(d, nd) for d in g] for g in given)
        for name, dims, orig in (("source", src, given[0]), ("destination", dst, given[1])):
            if len(set(dims)) != len(dims):
                raise RuntimeError(f"movedim: repeated dim in `{name}` ({orig})")
        if nd == 0:  # dims 0 and -1 name the 0-d tensor's only "place"
            return self.view(())
        order = [d for d in range(nd) if d not in src]
        for s_, d_ in sorted(zip(dst, src)):
            order.insert(s_, d_)
        return self.permute(*order)

    moveaxis = movedim

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Split along ``dim`` into ``n`` nearly equal parts (the first ``size % n`` one longer), or at the given
        indices (a list or tuple). Each part is a view."""
        d = wrap_dim(dim, self._data.ndim)
        size = self._data.shape[d]
        if isinstance(indices_or_sections, (builtins.int, np.integer)):
            n = builtins.int(indices_or_sections)
            if n <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {n}")
            q, r = divmod(size, n)
            bounds = [i * q + min(i, r) for i in range(n + 1)]
        else:
            cuts = [builtins.int(i) for i in indices_or_sections]
            bounds = [0, *cuts, size]
        return tuple(self[(slice(None),) * d + (slice(lo, max(lo, hi)),)]
                     for lo, hi in zip(bounds[:-1], bounds[1:]))

    def take(self, index: Tensor) -> Tensor:
        """The elements of the flattened self at ``index`` (int64, any shape): a tensor of index's shape."""
        idx = index._data if isinstance(index, Tensor) else np.asarray(index)
        if idx.dtype != np.int64:
            raise RuntimeError(f"take(): Expected a long tensor for index, but got {_dt.scalar_type_name(idx.dtype)}")
        n = self._data.size
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            raise IndexError(f"out of range: tried to access index {idx[bad].flat[0]} on a tensor of {n} elements.")
        return _reads(self.reshape(-1)[Tensor._make(idx % max(n, 1), False)], self, index)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Tensor:
        """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first dim toward the second."""
        dims = list(dims)
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        nd = self._data.ndim
        if nd < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
        d0, d1 = wrap_dim(dims[0], nd), wrap_dim(dims[1], nd)
        if d0 == d1:
            raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
        k = k % 4
        if k == 1:
            return self.flip(d1).transpose(d0, d1)
        if k == 2:
            return self.flip(d0, d1)
        if k == 3:
            return self.flip(d0).transpose(d0, d1)
        return self.clone()

    def kron(self, other: Tensor) -> Tensor:
        """The Kronecker product: blocks ``self[i, j] * other``; shapes ``(a, b)`` and ``(c, d)`` give
        ``(a * c, b * d)`` (the fewer dims are padded with 1s in front)."""
        nd = max(self._data.ndim, other._data.ndim)
        a = self.reshape((1,) * (nd - self._data.ndim) + tuple(self._data.shape))
        b = other.reshape((1,) * (nd - other._data.ndim) + tuple(other._data.shape))
        # dims interleaved: a's dim i before b's dim i, so the product's blocks are a's elements times b
        ia = tuple(x for n in a._data.shape for x in (n, 1))
        ib = tuple(x for n in b._data.shape for x in (1, n))
        out = a.reshape(ia) * b.reshape(ib)
        return out.reshape(tuple(p * q for p, q in zip(a._data.shape, b._data.shape)))

    def unique(self, sorted: builtins.bool = True, return_inverse: builtins.bool = False,
               return_counts: builtins.bool = False, dim: int | None = None) -> Any:
        """The distinct elements in ascending order (1-D), or with ``dim`` the distinct slices along it; with
        ``return_inverse`` also where each element went (self's shape), with ``return_counts`` how often each
        occurs. Not differentiable."""
        axis = None if dim is None else wrap_dim(dim, self._data.ndim)
        values, inverse, counts = np.unique(self._data, return_inverse=True, return_counts=True, axis=axis)
        out = [Tensor._make(values, False)]
        if return_inverse:
            inv_shape = self._data.shape if axis is None else (self._data.shape[axis],)
            out.append(Tensor._make(inverse.reshape(inv_shape).astype(np.int64), False))
        if return_counts:
            out.append(Tensor._make(counts.astype(np.int64), False))
        return out[0] if len(out) == 1 else tuple(out)

    def bincount(self, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
        """How often each of 0, 1, ... occurs in this 1-D non-negative integer tensor (at least ``minlength``
        bins); with ``weights`` (same length), the sum of the weights per value instead."""
        if self._data.dtype.kind not in "iu":
            name = _dt.scalar_type_name(self._data.dtype)
            raise NotImplementedError(f'"bincount_cpu" not implemented for \'{name}\'')
        if self._data.ndim != 1:
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        if (self._data < 0).any():
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        if minlength < 0:
            raise RuntimeError("minlength should be >= 0")
        if weights is None:
            return Tensor._make(np.bincount(self._data, minlength=minlength).astype(np.int64), False)
        w = weights._data
        if w.shape != self._data.shape:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        out_dtype = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
        return Tensor._make(np.bincount(self._data, weights=w, minlength=minlength).astype(out_dtype), False)

    # ---- indexing ----------------------------------------------------------------------------------------
    def __getitem__(self, index: Any) -> Tensor:
        idx, kind = _convert_index(index)
        try:
            if kind == "advanced":  # PyTorch's IndexBackward0 saves the index tensors
                return _reads(ops.Index.apply(self, index=idx), *(index if type(index) is tuple else (index,)))
            if kind == "select":
                return ops.Select.apply(self, index=idx)
            return _basic_index_op(idx).apply(self, index=idx)
        except IndexError as err:
            raise IndexError(_index_error_message(err, self._data, idx)) from None

    def __setitem__(self, index: Any, value: Any) -> None:
        idx, _ = _convert_index(index)
        try:
            target = self._data[idx]
        except IndexError as err:
            raise IndexError(_index_error_message(err, self._data, idx)) from None
        v = value._data if isinstance(value, Tensor) else value
        _check_expandable(value, np.shape(target))
        if isinstance(v, np.ndarray) and v.ndim > np.ndim(target):  # leading size-1 dims dropped, as PyTorch
            v = v.reshape(v.shape[v.ndim - np.ndim(target):])
        if isinstance(value, Tensor) and isinstance(target, np.ndarray):
            _check_no_partial_overlap(v, target)
        if self._setitem_recorded(value):
            mask = np.zeros(self._data.shape, dtype=bool)
            mask[idx] = True
            full = np.zeros(self._data.shape, dtype=self._data.dtype)
            full[idx] = v
            src = value if isinstance(value, Tensor) else None
            if src is not None:
                src = _scatter_into(src, idx, self._data.shape)
            else:
                src = Tensor._make(full, False)
            new = where(Tensor._make(mask, False), src, self)
            self._become(new)
        else:
            self._vc.before_write()
            self._data[idx] = v
            self._vc.value += 1

    def _setitem_recorded(self, value: Any) -> builtins.bool:
        """``_recorded_in_place`` for ``self[index] = value``, with PyTorch's wording for a leaf (the write goes
        through a view of it)."""
        try:
            return self._recorded_in_place(value)
        except RuntimeError as err:
            if str(err) == _views.LEAF_INPLACE:
                raise RuntimeError("a view of " + _views.LEAF_INPLACE) from None
            raise

    # ---- in-place ops ------------------------------------------------------------------------------------
    def _recorded_in_place(self, *others: Any, writing: builtins.bool = True) -> builtins.bool:
        """Whether an in-place op on self with operands ``others`` is recorded; first raises PyTorch's error if
        autograd forbids the write (a leaf that requires grad, views made under no_grad, ...) or, when ``writing``,
        if self's elements share memory."""
        if writing and not self._data.flags.writeable:
            self._make_writable()
        if not GradMode.enabled:
            return False
        if self._view is not None:
            _views.sync(self)
        recorded = self.requires_grad or (self._data.dtype.kind == "f" and any(
            isinstance(o, Tensor) and o.requires_grad for o in others))  # an int or bool tensor takes no gradient
        _views.check_in_place(self, recorded)
        return recorded

    def _make_writable(self) -> None:
        """numpy hands out some arrays read-only (broadcasts, and 0-d results made from numpy scalars): raise
        PyTorch's error for an expanded tensor, whose elements share memory; give any other a writable array."""
        arr = self._data
        if any(stride == 0 and n > 1 for stride, n in zip(arr.strides, arr.shape)):
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers to a single "
                "memory location. Please clone() the tensor before performing the operation.")
        try:  # a view of a broadcast: numpy marks it read-only, though no element of it is seen twice
            arr.flags.writeable = True
        except ValueError:  # memory that was read-only to begin with
            pass
        # A 0-d result made from a numpy scalar shares its memory with nobody: a writable copy changes nothing.
        if not self._data.flags.writeable and self._view is None and arr.ndim == 0:
            self._data = np.array(arr)

    def _become(self, new: Tensor) -> None:
        """Take ``new``'s values in place (same array object) and its place in the graph. When self is a view,
        its base's graph becomes ``CopySlices(old base, new)`` and self is its view chain replayed on that."""
        if new._data.dtype != self._data.dtype:  # float32 += float64 stays float32: so must the graph's output
            new = new.to(_dt.from_numpy_dtype(self._data.dtype))
        node = new.grad_fn
        if node is not None and node.saved and any(a is self._data for a in node.saved):
            _keep_own_copy(node, self._data)  # the op saved the values about to be overwritten
        self._vc.before_write()
        np.copyto(self._data, new._data, casting="same_kind")
        self._vc.value += 1
        if node is not None and node.saved and any(a is new._data for a in node.saved):
            _saved_output_is_self(node, new._data, self)
        if node is not None and node.version_checks:
            _checks_follow_self(node, self, new)
        info = self._view
        if info is None:
            self.grad_fn = new.grad_fn
            self.requires_grad = new.requires_grad
            return
        base = info.base
        numbering = Tensor._make(np.arange(base._data.size).reshape(base._data.shape), False)
        positions = _views.replay(info.chain, numbering)._data  # which of base's elements the view covers
        written = ops.CopySlices.apply(base, new, positions=positions)
        base.grad_fn, base.requires_grad = written.grad_fn, written.requires_grad
        _views.sync(self)

    def _check_writable_shape(self, other: np.ndarray) -> None:
        """An in-place op with operand ``other`` keeps self's shape: ``other`` must broadcast to it, with
        PyTorch's errors otherwise."""
        try:
            out_shape = np.broadcast_shapes(self._data.shape, other.shape)
        except ValueError as err:
            _function.raise_broadcast_error(self._data, other, err)
        if out_shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(out_shape)}"
            )

    def _inplace(self, method: str, other: Any, ufunc: Any) -> Tensor:
        b = self._operand(other)
        self._check_writable_shape(b._data)
        res = _promote(self._data, b._data)
        _check_no_partial_overlap(b._data, self._data)
        if method == "__truediv__" and res.kind != "f":
            res = np.dtype(DEFAULT_FLOAT)  # true division of integers gives floats
        if _KIND_RANK[res.kind] > _KIND_RANK[self._data.dtype.kind]:
            raise RuntimeError(
                f"result type {_dt.scalar_type_name(res)} can't be cast to the desired output type "
                f"{_dt.scalar_type_name(self._data.dtype)}"
            )
        if self._recorded_in_place(b):
            self._become(getattr(self, method)(b))
        else:
            self._vc.before_write()
            ufunc(self._data, b._data, out=self._data, casting="unsafe")
            self._vc.value += 1
        return self

    def add_(self, other: Any, alpha: Any = 1) -> Tensor:
        """self += alpha * other, in place."""
        return self._inplace("__add__", other if alpha == 1 else other * alpha, np.add)

    def sub_(self, other: Any, alpha: Any = 1) -> Tensor:
        """self -= alpha * other, in place."""
        return self._inplace("__sub__", other if alpha == 1 else other * alpha, np.subtract)

    def mul_(self, other: Any) -> Tensor:
        """self *= other, in place."""
        return self._inplace("__mul__", other, np.multiply)

    def div_(self, other: Any) -> Tensor:
        """self /= other, in place."""
        return self._inplace("__truediv__", other, np.divide)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def zero_(self) -> Tensor:
        """Set every element to 0 in place (recorded as ``ZeroBackward0``: no gradient flows to the old values)."""
        if self._recorded_in_place():
            self._become(ops.Zero.apply(self, value=0))
            return self
        return self._fill_unrecorded(0)

    def fill_(self, value: Any) -> Tensor:
        """Set every element to the number ``value`` in place (recorded as ``FillBackward0``)."""
        if isinstance(value, Tensor):
            value = value._data
        if self._recorded_in_place():
            self._become(ops.Fill.apply(self, value=value))
            return self
        return self._fill_unrecorded(value)

    def _fill_unrecorded(self, value: Any) -> Tensor:
        self._vc.before_write()
        self._data[...] = value
        self._vc.value += 1
        return self

    def copy_(self, src: Any) -> Tensor:
        """Copy ``src``'s values (broadcast to self's shape) into self, in place."""
        if src is self:  # nothing to copy, but PyTorch counts the write (and may record it)
            if self._recorded_in_place(src, writing=False) and self._data.flags.writeable:
                self._become(ops.Copy.apply(self, self))
            else:
                self._vc.value += 1
            return self
        s = src._data if isinstance(src, Tensor) else np.asarray(src)
        recorded = self._recorded_in_place(src)
        _check_no_partial_overlap(s, self._data)
        self._check_writable_shape(s)
        if recorded:
            self._become(ops.Copy.apply(self, src if isinstance(src, Tensor) else Tensor._make(s, False)))
            return self
        self._vc.before_write()
        np.copyto(self._data, s, casting="unsafe")
        self._vc.value += 1
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit every element to ``[min, max]`` in place."""
        if min is None and max is None:
            raise RuntimeError("minigrad.clamp: At least one of 'min' or 'max' must not be None")
        if self._data.dtype == np.bool_:  # PyTorch clamps bools as int64, which cannot go back in place
            self.clamp(min, max)  # its errors first (no bound given, ...)
            raise RuntimeError("result type Long can't be cast to the desired output type bool")
        if self._recorded_in_place(min, max):
            self._become(self.clamp(min, max))
            return self
        self._vc.before_write()
        if min is not None:  # self second: it is kept on a tie, so -0.0 stays -0.0 as in PyTorch
            np.maximum(min, self._data, out=self._data)
        if max is not None:
            np.minimum(max, self._data, out=self._data)
        self._vc.value += 1
        return self

    def where(self, condition: Any, y: Any) -> Tensor:
        """``minigrad.where(condition, self, y)``: this tensor where ``condition`` is True, else ``y`` (all three
        broadcast; the result has their broadcast shape)."""
        return where(condition, self, y)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """A copy with ``value`` where the bool ``mask`` is True. Shapes: self and ``mask`` broadcast together
        (the result has the broadcast shape); ``value`` is a number or a 0-dim tensor (which gets a gradient: the
        sum of the result's gradient where ``mask`` is True), taken in self's dtype."""
        m, v = self._fill_args(mask, value)
        try:
            shape = np.broadcast_shapes(m.shape, self._data.shape)
        except ValueError as err:
            _function.raise_broadcast_error(m, self._data, err)  # PyTorch expands the mask first
        a = self if shape == self._data.shape else self.expand(shape)
        return _reads(_masked_fill(a, m, v, shape), mask)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        """Set self to ``value`` where the bool ``mask`` (broadcast to self's shape) is True, in place."""
        m, v = self._fill_args(mask, value)
        self._check_writable_shape(m)
        shape = self._data.shape
        is_tensor = isinstance(v, Tensor)
        if self._recorded_in_place(v):
            self._become(_masked_fill(self, m, v, shape))
            return self
        self._vc.before_write()
        np.copyto(self._data, v._data if is_tensor else v, where=np.broadcast_to(m, shape))
        self._vc.value += 1
        return self

    def _fill_args(self, mask: Any, value: Any) -> tuple[np.ndarray, Any]:
        """``masked_fill``'s mask as a bool array and its value in self's dtype (a 0-dim tensor when given as a
        tensor, else a 0-d array), with PyTorch's errors for a non-bool mask or a value tensor with dimensions."""
        m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(
                f"masked_fill_ only supports boolean masks, but got mask with dtype {_dt.cpp_type_name(m.dtype)}"
            )
        if isinstance(value, Tensor):
            if value.ndim != 0:
                raise RuntimeError(
                    "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                    f"{value.ndim} dimension(s)."
                )
            v = value if value._data.dtype == self._data.dtype else value.to(self.dtype)
        else:
            v = np.asarray(value).astype(self._data.dtype)
        return m, v


    # ---- more in-place ops (#17) ------------------------------------------------------------------------------
    def _in_place_as(self, new: Tensor) -> Tensor:
        """Take the out-of-place result ``new`` (already checked) into self: recorded when grad is on."""
        if self._recorded_in_place(new):
            self._become(new)
        else:
            self._vc.before_write()
            np.copyto(self._data, new._data, casting="unsafe")
            self._vc.value += 1
        return self

    def scatter_(self, dim: int, index: Tensor, src: Any = None, *, value: Any = None, reduce: str | None = None
                 ) -> Tensor:
        """``scatter`` in place."""
        self._recorded_in_place()  # PyTorch's errors about self come first
        return self._in_place_as(self.scatter(dim, index, src, value=value, reduce=reduce))

    def scatter_add_(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        """``scatter_add`` in place."""
        self._recorded_in_place()  # PyTorch's errors about self come first
        return self._in_place_as(self.scatter_add(dim, index, src))

    def index_add_(self, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        """``index_add`` in place: ``alpha * source``'s slices added at ``index`` along ``dim``."""
        self._recorded_in_place()  # PyTorch's errors about self come first
        return self._in_place_as(self.index_add(dim, index, source, alpha=alpha))

    def index_fill_(self, dim: int, index: Tensor, value: Any) -> Tensor:
        """``index_fill`` in place: ``value`` in the slices ``index`` along ``dim``."""
        self._recorded_in_place()  # PyTorch's errors about self come first
        return self._in_place_as(self.index_fill(dim, index, value))

    def fill_diagonal_(self, fill_value: Any, wrap: builtins.bool = False) -> Tensor:
        """Write ``fill_value`` on the main diagonal in place (every dim of one length when more than 2; a tall
        matrix with ``wrap`` starts the diagonal again every ``cols + 1`` rows, as numpy's ``fill_diagonal``)."""
        if self._data.ndim < 2:
            raise RuntimeError("dimensions must larger than 1")
        if self._data.ndim > 2 and len(set(self._data.shape)) != 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        mask = np.zeros(self._data.shape, dtype=bool)
        np.fill_diagonal(mask, True, wrap=wrap)
        return self.masked_fill_(Tensor._make(mask, False), fill_value)

    def _random_fill(self, values: np.ndarray) -> Tensor:
        if self._recorded_in_place():
            self._become(Tensor._make(np.asarray(values, dtype=self._data.dtype), False))
            return self
        self._vc.before_write()
        np.copyto(self._data, values, casting="unsafe")
        self._vc.value += 1
        return self

    def _float_kernel(self, kernel: str) -> None:
        if self._data.dtype.kind != "f":
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_dt.scalar_type_name(self._data.dtype)}\'')

    def uniform_(self, a: Any = 0.0, b: Any = 1.0, *, generator: Any = None) -> Tensor:
        """Fill in place with numbers drawn uniformly from ``[a, b)`` (floating tensors only)."""
        self._float_kernel("check_uniform_bounds")
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
        rng = generator or default_generator()
        return self._random_fill(rng.uniform(a, b, self._data.shape))

    def normal_(self, mean: Any = 0.0, std: Any = 1.0, *, generator: Any = None) -> Tensor:
        """Fill in place with numbers drawn from the normal distribution ``N(mean, std^2)`` (floating only)."""
        self._float_kernel("normal_kernel_cpu")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        rng = generator or default_generator()
        return self._random_fill(rng.normal(mean, std, self._data.shape))

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Tensor:
        """Fill in place with 1 (probability ``p``, a number or a tensor broadcast to self) or 0."""
        prob = p._data if isinstance(p, Tensor) else np.asarray(p, dtype=np.float64)
        if ((prob < 0) | (prob > 1)).any():
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        rng = generator or default_generator()
        return self._random_fill(rng.random(self._data.shape) < prob)

    def random_(self, from_: Any = 0, to: Any = None, *, generator: Any = None) -> Tensor:
        """Fill in place with integers drawn uniformly from ``[from_, to)`` (``random_(to)`` for ``[0, to)``;
        without bounds, from 0 to the largest integer the dtype holds exactly)."""
        if to is None and from_ != 0:
            from_, to = 0, from_
        if to is None:
            dt = self._data.dtype
            to = 2 ** (np.finfo(dt).nmant + 1) + 1 if dt.kind == "f" else (2 if dt.kind == "b" else
                                                                          np.iinfo(dt).max)
        if from_ >= to:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}"
            )
        rng = generator or default_generator()
        return self._random_fill(rng.integers(from_, to, self._data.shape))

    def _view_in_place(self, new: Tensor) -> Tensor:
        """An in-place shape change: self takes the view ``new`` of its own array (and, when recorded, its node)."""
        if GradMode.enabled and self.requires_grad and self.grad_fn is None:
            raise RuntimeError(_LEAF_INPLACE)
        self._data = new._data
        if GradMode.enabled and self.requires_grad:
            self.grad_fn = new.grad_fn
        return self

    def unsqueeze_(self, dim: int) -> Tensor:
        """``unsqueeze`` in place: self gets a new dim of size 1 at ``dim``."""
        return self._view_in_place(self.unsqueeze(dim))

    def squeeze_(self, dim: Any = None) -> Tensor:
        """``squeeze`` in place: self loses its size-1 dims (or ``dim``, if size 1)."""
        return self._view_in_place(self.squeeze(dim))

    def t_(self) -> Tensor:
        """``t`` in place (at most 2 dims)."""
        return self._view_in_place(self.t())

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        """``transpose`` in place: dims ``dim0`` and ``dim1`` swap."""
        return self._view_in_place(self.transpose(dim0, dim1))

_LEAF_INPLACE = _views.LEAF_INPLACE

# The in-place forms made from their out-of-place op: ``x.exp_()`` is ``x.exp()`` taken into x (recorded, when grad
# is on, as that op's node; see Tensor._in_place_as).
IN_PLACE_FORMS = (
    "abs", "acos", "acosh", "addcdiv", "addcmul", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "clip", "cos", "cosh", "cumprod", "cumsum", "erf",
    "erfc", "erfinv", "exp", "exp2", "expm1", "fix", "floor", "fmod", "frac", "hypot", "lerp", "log", "log10",
    "log1p", "log2", "nan_to_num", "neg", "pow", "reciprocal", "relu", "remainder", "round", "rsqrt", "sigmoid",
    "sign", "sin", "sinh", "sqrt", "square", "tan", "tanh", "tril", "triu", "trunc", "xlogy",
)


def _in_place_form(name: str) -> Callable[..., Tensor]:
    out_of_place = getattr(Tensor, name)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        self._recorded_in_place()  # PyTorch's errors about self come first
        new = out_of_place(self, *args, **kwargs)
        if new._data.shape != self._data.shape:
            raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                               f"{list(new._data.shape)}")
        if _KIND_RANK[new._data.dtype.kind] > _KIND_RANK[self._data.dtype.kind]:
            raise RuntimeError(f"result type {_dt.scalar_type_name(new._data.dtype)} can't be cast to the desired "
                               f"output type {_dt.scalar_type_name(self._data.dtype)}")
        return self._in_place_as(new)

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"``{name}`` in place: self takes the values (and, when recorded, the node) of ``self.{name}()``."
    return method


for _name in IN_PLACE_FORMS:
    if not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", _in_place_form(_name))


def _clamp_side(z: Tensor, bound: Tensor, keep: np.ndarray, bind: np.ndarray) -> Tensor:
    """``z`` where ``keep``, ``bound`` where ``bind``, nan where neither (a nan on either side)."""
    nan = Tensor._make(np.full(np.broadcast_shapes(keep.shape, bind.shape), np.nan, z._data.dtype), False)
    return where(Tensor._make(np.asarray(keep), False), z, where(Tensor._make(np.asarray(bind), False), bound, nan))


def _check_no_partial_overlap(src: np.ndarray, dst: np.ndarray) -> None:
    """PyTorch refuses to write ``src`` into ``dst`` when both are dense blocks of memory that overlap without
    being the very same elements (layouts too tangled to tell are let through, as there)."""
    if src is dst or src.size == 0 or dst.size == 0 or not np.may_share_memory(src, dst):
        return
    if not (_dense(src) and _dense(dst)):
        return
    start_s, start_d = src.__array_interface__["data"][0], dst.__array_interface__["data"][0]
    if start_s == start_d and src.shape == dst.shape and src.strides == dst.strides:
        return  # the very same elements
    if start_s < start_d + dst.nbytes and start_d < start_s + src.nbytes:
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                           "refer to a single memory location. Please clone() the tensor before performing the "
                           "operation.")


def _dense(a: np.ndarray) -> builtins.bool:
    """Whether ``a``'s elements fill one block of memory with no gaps and no repeats, in some order of its dims."""
    expected = a.itemsize
    for stride, n in sorted((abs(st), n) for st, n in zip(a.strides, a.shape) if n != 1):
        if stride != expected:
            return False
        expected *= n
    return True


def _check_expandable(value: Any, shape: tuple) -> None:
    """``self[index] = value`` expands ``value`` (its leading size-1 dims dropped) to the indexed ``shape``:
    PyTorch's errors when it cannot."""
    if not isinstance(value, (Tensor, np.ndarray)):
        return
    vshape = tuple(np.shape(value))
    while vshape and vshape[0] == 1 and len(vshape) > len(shape):
        vshape = vshape[1:]
    if len(vshape) > len(shape):
        name = typename(value) if isinstance(value, Tensor) else "minigrad.Tensor"
        raise RuntimeError(f"expand({name}{{{list(vshape)}}}, size={list(shape)}): the number of sizes provided "
                           f"({len(shape)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({len(vshape)})")
    offset = len(shape) - len(vshape)
    for i, n in enumerate(vshape):
        if n != 1 and n != shape[offset + i]:
            raise RuntimeError(f"The expanded size of the tensor ({shape[offset + i]}) must match the existing size "
                               f"({n}) at non-singleton dimension {offset + i}.  Target sizes: {list(shape)}.  "
                               f"Tensor sizes: {list(vshape)}")


def _saved_output_is_self(node: Any, output: np.ndarray, t: Tensor) -> None:
    """``node`` (an in-place op's) saved its output: that output is ``t`` now, so a later change to ``t`` in place
    must fail its backward with PyTorch's error, as when PyTorch saves the result of an in-place op."""
    slots = [i for i, a in enumerate(node.saved) if a is output]
    node.saved = tuple(t._data if i in slots else a for i, a in enumerate(node.saved))
    kept = tuple(c for c in node.version_checks if c[0] not in slots)
    node.version_checks = kept + tuple((i, t._vc, t._vc.value, node.fn) for i in slots)


def _reads(out: Tensor, *tensors: Any) -> Tensor:
    """``saved_as_in_pytorch`` for the tensors among ``tensors`` (an index or a mask may also be a list)."""
    kept = [t for t in tensors if isinstance(t, Tensor)]
    return _function.saved_as_in_pytorch(out, *kept) if kept else out


def _checks_follow_self(node: Any, t: Tensor, new: Tensor) -> None:
    """The checks ``saved_as_in_pytorch`` put on ``node``, whose output ``new`` was just taken into ``t`` in
    place: t's old values are no longer anyone's (PyTorch saves an in-place op's original self as its own), and
    the output is t now, checked at t's new version."""
    checks = []
    for c in node.version_checks:
        if isinstance(c[0], int) or (c[1] is not t._vc and c[1] is not new._vc):
            checks.append(c)
        elif c[1] is new._vc:
            checks.append((c[0], t._vc, t._vc.value, c[3]))
    node.version_checks = tuple(checks)


def _multi_output(views: list, name: str) -> tuple:
    """Mark views returned together by ``name`` (``split``, ``unbind``): autograd refuses to record an in-place
    change to one of them, as PyTorch does."""
    for i, v in enumerate(views):
        if v._view is not None:
            v._view.multi_output = (i, name)
    return tuple(views)


def _keep_own_copy(node: Any, array: np.ndarray) -> None:
    """``node`` saved ``array``, which an in-place op is about to overwrite with the node's own output: give it a
    private copy instead (PyTorch saves the original self of an in-place op the same way)."""
    slots = {i for i, a in enumerate(node.saved) if a is array}
    node.saved = tuple(a.copy() if i in slots else a for i, a in enumerate(node.saved))
    node.version_checks = tuple(c for c in node.version_checks if c[0] not in slots)


def typename(obj: Any) -> str:
    """PyTorch's ``typename`` as its messages print it: ``minigrad.FloatTensor`` for a float32 tensor, ``int`` for
    a builtin, else the qualified class name (``minigrad.nn.linear.Linear``)."""
    if isinstance(obj, Tensor):
        try:
            return f"minigrad.{_dt.scalar_type_name(obj._data.dtype)}Tensor"
        except KeyError:  # a dtype PyTorch has no tensor type name for
            return "minigrad.Tensor"
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _masked_fill(a: Tensor, mask: np.ndarray, v: Any, shape: tuple) -> Tensor:
    """``ops.MaskedFill`` of ``a`` (of ``shape``): a value tensor is the node's second input, a number is not
    an input at all, so ``next_functions`` lists what PyTorch's lists."""
    m = np.broadcast_to(mask, shape)
    if isinstance(v, Tensor):
        return ops.MaskedFill.apply(a, v, mask=m)
    return ops.MaskedFill.apply(a, mask=m, value=v)


def _sort_order(a: np.ndarray, d: int, descending: builtins.bool) -> np.ndarray:
    """The positions that sort ``a`` along ``d``, ties in their original order (both directions)."""
    if not descending:
        return np.argsort(a, axis=d, kind="stable")
    # Sorting the reversed array and reversing back keeps equal elements in their original order.
    rev = np.argsort(np.flip(a, d), axis=d, kind="stable")
    return np.flip(a.shape[d] - 1 - rev, d)


def _all_if_empty(dim: Any) -> Any:
    """PyTorch reads an empty dim list in sum/mean as "every dim"."""
    return None if isinstance(dim, (tuple, list)) and len(dim) == 0 else dim


def _convert_index(index: Any) -> tuple[Any, str]:
    """Turn Tensor / list indices into numpy ones and classify: 'select', 'basic' or 'advanced'."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    advanced = False
    for it in items:
        if isinstance(it, Tensor):
            it = it._data
            advanced = True
        elif isinstance(it, (list, np.ndarray)):
            it = np.asarray(it)
            advanced = True
        elif isinstance(it, (builtins.bool, np.bool_)):
            advanced = True
        elif isinstance(it, slice) and it.step is not None and it.step <= 0:
            # numpy would reverse; PyTorch refuses, and minigrad follows PyTorch.
            raise ValueError("step must be greater than zero")
        out.append(it)
    idx = tuple(out) if isinstance(index, tuple) else out[0]
    if advanced:
        return idx, "advanced"
    if all(isinstance(it, (builtins.int, np.integer)) for it in out):
        return idx, "select"
    return idx, "basic"


def _basic_index_op(idx: Any) -> type:
    """The Slice primitive named after PyTorch's last step for this index: select for an int, unsqueeze for
    None, slice for a slice; a lone Ellipsis is an alias."""
    items = [it for it in (idx if isinstance(idx, tuple) else (idx,)) if it is not Ellipsis]
    if not items:
        return ops.SliceAlias
    last = items[-1]
    if last is None:
        return ops.SliceUnsqueeze
    if isinstance(last, (builtins.int, np.integer)):
        return ops.Select
    return ops.Slice


def _index_error_message(err: IndexError, data: np.ndarray, idx: Any) -> str:
    """numpy's indexing error in PyTorch's words ("dimension", "tensor", the mask's shape)."""
    msg = str(err)
    if msg.startswith("too many indices") and data.ndim == 0:
        first = next((i for i in (idx if isinstance(idx, tuple) else (idx,)) if i is not None and i is not Ellipsis),
                     None)
        if isinstance(first, slice):
            return "slice() cannot be applied to a 0-dim tensor."
        if isinstance(first, (builtins.int, np.integer)):
            return ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
                    "convert a 0-dim tensor to a number")
    if msg.startswith("too many indices"):
        return f"too many indices for tensor of dimension {data.ndim}"
    if msg.startswith("boolean index did not match"):
        items = idx if isinstance(idx, tuple) else (idx,)
        mask = next(it for it in items if isinstance(it, np.ndarray) and it.dtype == np.bool_)
        k = next(i for i, (m, d) in enumerate(zip(mask.shape, data.shape)) if m != d)
        return (
            f"The shape of the mask {list(mask.shape)} at index {k} does not match the shape of the indexed "
            f"tensor {list(data.shape)} at index {k}"
        )
    return msg.replace(" for axis ", " for dimension ")


def _scatter_into(src: Tensor, idx: Any, shape: tuple) -> Tensor:
    """A tensor of ``shape`` holding ``src`` (broadcast) at ``idx`` and 0 elsewhere, differentiable in ``src``."""
    probe = np.zeros(shape, dtype=bool)
    target_shape = probe[idx].shape
    extra = src._data.ndim - len(target_shape)
    if extra > 0:  # leading dims of size 1 (checked by _check_expandable) are dropped, as PyTorch does
        src = src.reshape(src._data.shape[extra:])
    moved = src.expand(target_shape) if src._data.shape != target_shape else src
    return ops.IndexPut.apply(moved, index=idx, shape=shape)


def _check_factory_grad(dtype: np.dtype, requires_grad: Any) -> None:
    """PyTorch's error for a factory asked for an integer or bool tensor that requires grad."""
    if requires_grad and dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")


def _tensor_argument(name: str, other: Any) -> None:
    """PyTorch's TypeError for a method whose ``other`` must be a tensor."""
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")


def _is_number(x: Any) -> bool:
    """A Python or numpy number (a "wrapped number" in PyTorch's words), not a tensor or an array."""
    return isinstance(x, (builtins.bool, builtins.int, builtins.float, np.bool_, np.integer, np.floating))


def _true_divide(a: Tensor, b: Tensor) -> Tensor:
    if a._data.dtype.kind != "f" and b._data.dtype.kind != "f":
        a, b = a.to(DEFAULT_FLOAT), b.to(DEFAULT_FLOAT)
    return ops.Div.apply(a, b)


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with numpy's rules: 1-D @ 1-D is a dot product, 2-D @ 2-D a matrix product, and
    batched operands ``(*, n, k) @ (*, k, m) -> (*, n, m)`` broadcast their batch dims."""
    if not isinstance(a, Tensor):
        a = Tensor._make(to_array(a), False)
    if not isinstance(b, Tensor):
        b = Tensor._make(to_array(b), False)
    da, db = a._data.dtype, b._data.dtype
    dot = a._data.ndim == 1 and b._data.ndim == 1
    if dot and da != db:  # PyTorch's dot checks the dtypes first, its other routes the sizes
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_dt.scalar_type_name(da)} "
                           f"and {_dt.scalar_type_name(db)}")
    fn = ops.pick_matmul(a._data.shape, b._data.shape)
    route = "dot" if dot else "mv" if b._data.ndim == 1 else "mm" if b._data.ndim == 2 else "bmm"
    if route == "bmm":
        sa, sb = a._data.shape, b._data.shape
        rows = sa[-2:-1] if len(sa) >= 2 else ()
        if 0 in np.broadcast_shapes(sa[:-2], sb[:-2]) + rows + sb[-1:]:
            # nothing to compute: PyTorch checks no dtypes and gives an empty result in b's dtype
            if db.kind != "f" and a.requires_grad and GradMode.enabled:
                raise RuntimeError(f"Autograd not support dtype: {_dt.scalar_type_name(db)}")
            return fn.apply(a if da == db else a.to(db), b)
        if da == np.bool_:  # bmm refuses a bool first operand before it compares dtypes
            raise NotImplementedError('"bmm" not implemented for \'Bool\'')
    if da != db:  # in the words of the kernel PyTorch's matmul picks for these shapes
        na, nb = _dt.scalar_type_name(da), _dt.scalar_type_name(db)
        if route == "mv":
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {nb}, {na}, and {nb}")
        if route == "bmm":
            raise RuntimeError(f"expected scalar type {na} but found {nb}")
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_dt.cpp_type_name(da)} != "
                           f"{_dt.cpp_type_name(db)}")
    if da == np.bool_ and (dot or (a._data.size and b._data.size)):
        kernel = {"dot": "dot", "mv": "addmv_impl_cpu", "mm": "addmm_impl_cpu_", "bmm": "bmm"}[route]
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    return fn.apply(a, b)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """Elementwise ``input`` where ``condition`` is True, else ``other`` (all three broadcast)."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{_dt.scalar_type_name(cond.dtype)}"
        )
    if not isinstance(input, Tensor):
        input = other._operand(input) if isinstance(other, Tensor) else Tensor._make(to_array(input), False)
    if not isinstance(other, Tensor):
        other = input._operand(other)
    input, other = input._pair(other)
    try:
        np.broadcast_shapes(cond.shape, input._data.shape, other._data.shape)
    except ValueError:
        try:
            np.broadcast_shapes(cond.shape, input._data.shape)
        except ValueError as err:
            _function.raise_broadcast_error(cond, input._data, err)
        _function.raise_broadcast_error(np.broadcast_shapes(cond.shape, input._data.shape) and
                                         np.empty(np.broadcast_shapes(cond.shape, input._data.shape)),
                                         other._data, ValueError())
    return _reads(ops.Where.apply(input, other, cond=cond), condition)


def maximum(a: Tensor, b: Tensor) -> Tensor:
    """Elementwise maximum (gradient to the larger operand; split evenly on ties)."""
    a, b = a._pair(b)
    return ops.Maximum.apply(a, b)


def minimum(a: Tensor, b: Tensor) -> Tensor:
    """Elementwise minimum (gradient to the smaller operand; split evenly on ties)."""
    a, b = a._pair(b)
    return ops.Minimum.apply(a, b)


_function.Tensor = Tensor


_NEGATE_BOOL = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
                "use the `~` or `logical_not()` operator instead.")


def _no_bool_subtraction(a: Tensor, other: Any) -> None:
    """``a - other`` with a bool tensor is refused, as PyTorch refuses it (xor or not is what was meant)."""
    b = other if isinstance(other, Tensor) else np.asarray(other)
    if a._data.dtype.kind == "b" and np.asarray(b._data).dtype.kind == "b":
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if a._data.dtype.kind == "b" or (isinstance(other, Tensor) and other._data.dtype.kind == "b"):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


def _softmax_family(x: Tensor, dim: int, name: str, fn: type) -> Tensor:
    """``fn`` (Softmax or LogSoftmax) along ``dim``. PyTorch's kernels exist for floating point dtypes only (its
    name differs for the last dim); an empty tensor of another dtype reaches no kernel and comes back as it is."""
    d = wrap_dim(dim, x._data.ndim)
    if x._data.dtype.kind != "f":
        if x._data.size == 0:
            return Tensor._make(x._data.copy(), False)
        kernel = f"{name}_lastdim_kernel_impl" if d == max(x._data.ndim - 1, 0) else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dt.scalar_type_name(x._data.dtype)}'")
    return fn.apply(x, dim=d)


def _check_keepdim_has_dim(name: str, dim: Any, keepdim: bool) -> None:
    """PyTorch has no ``sum(keepdim=True)`` without a dim: its argument parser refuses the call (TypeError)."""
    if dim is None and keepdim:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (keepdim=bool, ), but "
                        "expected one of: (*, dtype = None), "
                        "(tuple of ints dim, bool keepdim = False, *, dtype = None)")


def _check_0d_dims(x: Tensor, dim: Any) -> None:
    """A 0-d tensor takes dim 0 or -1 only (PyTorch's range check, which the reductions skip for 0-d)."""
    if x._data.ndim == 0 and dim is not None:
        for d in (dim if isinstance(dim, (tuple, list)) else (dim,)):
            wrap_dim(d, 0)
