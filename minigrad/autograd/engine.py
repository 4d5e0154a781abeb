"""The backward engine: count the users of every node, then one reverse sweep.

Read it top to bottom; it is the whole of backpropagation.

1. ``_count_users`` walks back from the root through ``node.parents`` (with a stack, never recursion, so a
   100,000-step chain is fine) and counts, for every node, how many recorded edges point at it: how many
   gradients it will receive.
2. The sweep keeps the nodes that have received all of theirs in ``ready``. It takes one, calls its
   ``fn.backward(node, grad)`` (the op's own formula, in ``minigrad/ops/``), and hands each input its part: a
   node's part is added to what that node already has, and the node becomes ready when its count reaches zero;
   a leaf's part is added to what the leaf already has. The chain rule is the ``fn.backward`` call; the sum over
   paths is the ``+``.
3. At the end every leaf that requires grad gets its total added into ``.grad``.

Hooks (``Tensor.register_hook``) ride on the sweep: a non-leaf's are kept by the node that made it and run when
that node's gradient is complete, before its ``backward``; a leaf's run when its last part arrives (as PyTorch's
``AccumulateGrad`` would), and may replace what is added into ``.grad``.

Unless ``retain_graph=True`` each node drops its saved arrays once it has run, so memory falls during backward and
a second backward through the same graph raises PyTorch's error. ``node_hooks`` lets an observer watch the sweep
(the drawings record each node's gradient norm this way). ``minigrad/fast/engine.py`` is the same sweep with the
speed tricks; ``Tensor.backward`` uses it when it is plugged in (``minigrad.kernels``).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.autograd import function as _function
from minigrad.autograd.function import FREED_MESSAGE, Node
from minigrad.autograd.hooks import run_leaf_hooks, run_post_accumulate_grad_hooks, run_tensor_hooks
from minigrad.dtypes import scalar_type_name

#: Called as ``hook(node, grad)`` for every node the sweep runs, before its backward (``add_node_hook``).
node_hooks: list[Callable[[Node, np.ndarray], None]] = []


def backward(root: Any, grad: np.ndarray, retain_graph: bool = False) -> None:
    """Backpropagate ``grad`` (an array shaped like tensor ``root``) into the ``.grad`` of the leaves."""
    if root.grad_fn is None:
        if not root.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        accumulate_leaf(root, run_leaf_hooks(root, grad))
        return
    users = _count_users(root.grad_fn)
    grads: dict[Node, np.ndarray] = {root.grad_fn: grad}  # node -> dL/d(its output), summed so far
    leaves: dict[int, list] = {}  # id(leaf) -> [leaf, dL/d(leaf) summed so far]
    ready = [root.grad_fn]
    while ready:
        node = ready.pop()
        g = grads.pop(node, None)
        if g is None:  # every user gave None (a step function's "no gradient"): nothing to pass on, but PyTorch
            check_versions(node)  # still runs the node, and so still refuses saved values changed in place
            input_grads = (None,) * len(node.parents)
        else:
            if node.hooks:  # the hooks of the tensor this node made (Tensor.register_hook): they may replace g
                g = run_tensor_hooks(node.hooks, g)
            for hook in node_hooks:
                hook(node, g)
            check_versions(node)
            if node.retained is not None and node.retained() is not None:
                node.retained().grad = _function.Tensor._make(g.copy(), False)
            input_grads = node.fn.backward(node, g)  # the chain rule: dL/d(input) from dL/d(output)
            if not isinstance(input_grads, tuple):
                input_grads = (input_grads,)
            if len(input_grads) != len(node.parents):
                raise RuntimeError(
                    f"function {node.name()} returned an incorrect number of gradients "
                    f"(expected {len(node.parents)}, got {len(input_grads)})"
                )
            if not retain_graph:
                node.saved = ()
                node.freed = True
        for i, (parent, gi) in enumerate(zip(node.parents, input_grads)):
            if parent is None:
                continue  # this input needs no gradient
            if isinstance(parent, Node):
                if gi is not None:
                    gi = checked_grad(node, i, gi, parent.shape, parent.dtype)
                    grads[parent] = gi if parent not in grads else np.asarray(grads[parent] + gi)
                users[parent] -= 1
                if users[parent] == 0:  # every user has given its part (None counts): the sum is complete
                    ready.append(parent)
            else:  # a leaf tensor
                have = leaves.get(id(parent))
                if gi is not None:
                    gi = checked_grad(node, i, gi, parent._data.shape, parent._data.dtype)
                    leaves[id(parent)] = have = [parent, gi if have is None else np.asarray(have[1] + gi)]
                users[id(parent)] -= 1
                if users[id(parent)] == 0 and have is not None:  # the leaf's whole gradient: its hooks see it now
                    have[1] = run_leaf_hooks(parent, have[1])
    for leaf, g in leaves.values():
        accumulate_leaf(leaf, g)


def _count_users(start: Node) -> dict[Any, int]:
    """For every node (and, by ``id``, every leaf) that leads to ``start``: how many edges from the nodes of this
    graph point at it."""
    users = {start: 0}
    stack = [start]
    while stack:
        node = stack.pop()
        if node.freed:
            raise RuntimeError(FREED_MESSAGE)
        for parent in node.parents:
            if isinstance(parent, Node):
                if parent not in users:
                    users[parent] = 0
                    stack.append(parent)
                users[parent] += 1
            elif parent is not None:  # a leaf: counted by id (a Tensor's == compares values)
                users[id(parent)] = users.get(id(parent), 0) + 1
    return users


def accumulate_leaf(leaf: Any, g: np.ndarray) -> None:
    """Add ``g`` into ``leaf.grad``: a new tensor the first time, never sharing another tensor's array.

    Like PyTorch's ``AccumulateGrad``, ``.grad`` is laid out in memory like the leaf's array, so the gradient of a
    contiguous parameter is contiguous (``p.grad.view(-1)`` works). Then the leaf's post-accumulate hooks run."""
    total = g if leaf.grad is None else leaf.grad._data + g
    array = np.empty_like(leaf._data, dtype=total.dtype)  # the leaf's memory order
    np.copyto(array, total)
    if leaf.grad is None:
        leaf.grad = _function.Tensor._make(array, False)
    else:
        leaf.grad._data = array
    if getattr(leaf, "_post_accumulate_grad_hooks", None):
        run_post_accumulate_grad_hooks(leaf)


def checked_grad(node: Node, i: int, g: Any, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """``g`` as an array of the input's dtype, or PyTorch's error naming the Function, the input and the shapes.

    Catching a wrong gradient here names the op that made it, not an op three steps later."""
    g = np.asarray(g)
    if g.shape != shape:
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index {i} - got {list(g.shape)} "
            f"but expected shape compatible with {list(shape)}"
        )
    if g.dtype != dtype:
        if g.dtype.kind != dtype.kind:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - expected dtype "
                f"{dtype} (kind '{dtype.kind}') but got {g.dtype}"
            )
        g = g.astype(dtype)
    return g


def check_versions(node: Node) -> None:
    """Raise PyTorch's error if an array ``node`` saved for backward was changed in place since."""
    for i, counter, version, maker in node.version_checks:
        if counter.value != version:
            dtype, shape = (node.saved[i].dtype, node.saved[i].shape) if isinstance(i, int) else i
            made_by = "" if maker is None else f", which is output 0 of {maker.node_name().rsplit('Backward', 1)[0]},"
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: [minigrad.{scalar_type_name(dtype)}Tensor {list(shape)}]{made_by} is at version "
                f"{counter.value}; expected version {version} instead. Hint: the operation that failed was "
                f"{node.name()}; compute the value out of place (e.g. x = x + 1 instead of x += 1) or clone() it "
                "before changing it."
            )


def retain(node: Node, tensor: Any) -> None:
    """Make backward write the gradient of ``tensor`` (the output of ``node``) into ``tensor.grad``."""
    node.retained = weakref.ref(tensor)


def record_grad_norm(node: Node, grad: np.ndarray) -> None:
    """The node hook drawings use (``minigrad.viz`` adds it): ``node.grad_norm = ||grad||``, the 2-norm."""
    flat = grad.reshape(-1)
    node.grad_norm = math.sqrt(float(np.vdot(flat, flat)))


class HookHandle:
    """What ``add_node_hook`` returns: ``remove()`` takes the hook out again."""

    def __init__(self, hooks: list, hook: Any) -> None:
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def add_node_hook(hook: Callable[[Node, np.ndarray], None]) -> HookHandle:
    """Call ``hook(node, grad)`` for every node that backward runs, with dL/d(node's output), before it runs."""
    node_hooks.append(hook)
    return HookHandle(node_hooks, hook)
