"""The fast engine: the lesson's sweep (``minigrad/autograd/engine.py``) with the speed tricks that make a
small training step cost what a hand-written numpy one does. It computes the same gradients (to round-off: it may
add in another order), frees the same arrays and raises the same errors; ``tests/fast/`` runs both on the same
graphs. What it adds to the lesson:

- A recurrent layer recorded by ``fast.recurrence`` runs as one unit: the count pass asks the recurrence which
  nodes outside it its steps lead to (``LazyParents``), and the last step's node runs the whole loop's backward
  in numpy (``_run_lazily``, ``_run_recurrence``), its step nodes never made unless something looked at them.
- Gradients the engine made itself are ``owned``: later ones are added into them in place, and a leaf takes one
  as its ``.grad`` without a copy (``fast.ops.FRESH``, ``fast.ops.PASSES`` say which ops hand such arrays on).
- ``IndexedGrad`` (indexing, gates) is added into the input's gradient in place, and ``OuterGrad`` pairs (a
  weight used at every time step) are multiplied out in batches of rows (``OUTER_ROWS``), not once per step.
- Gradient norms for drawings (``autograd.engine.record_grad_norm``) reuse the norm of an array already measured
  (a reshape has the same norm), and a recurrence hands over the norms of its steps from one product.

Any other node hook (a user's, a replay's) needs every node's real gradient, and a tensor's hooks
(``Tensor.register_hook``) may replace one: the lesson engine runs then.
"""

from __future__ import annotations

import math
from itertools import compress
from typing import Any

import numpy as np

from minigrad.autograd import engine as lesson
from minigrad.autograd import function as _function
from minigrad.autograd.engine import check_versions, checked_grad, record_grad_norm
from minigrad.autograd.function import FREED_MESSAGE, Node
from minigrad.autograd.hooks import any_live
from minigrad.fast.graph import IndexedGrad, LazyParents, OuterGrad, StepNode
from minigrad.fast.ops import FRESH, PASSES, SPARSE, TRANSPOSES_2D


def backward(root: Any, grad: np.ndarray, retain_graph: bool = False) -> None:
    """Backpropagate ``grad`` (an array shaped like ``root``) from tensor ``root`` into the leaves' ``.grad``."""
    hooks = lesson.node_hooks
    if (hooks and (len(hooks) > 1 or hooks[0] is not record_grad_norm)) or any_live():
        lesson.backward(root, grad, retain_graph)
        return
    if root.grad_fn is None:
        if not root.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        _accumulate_leaf(root, grad, owned=False)
        return

    start: Node = root.grad_fn
    # Pass 1: count, for every node, how many recorded uses of its output lie between it and the root.
    pending: dict[Node, int] = {start: 0}
    stack = [start]
    while stack:
        node = stack.pop()
        if node.freed:
            raise RuntimeError(FREED_MESSAGE)
        parents = node.parents
        if type(parents) is LazyParents:  # a recurrence recorded without its step nodes: one unit, see below
            parents = parents.rec.lazy_parents(node)
        for parent in parents:
            if isinstance(parent, Node):
                if parent in pending:
                    pending[parent] += 1
                else:
                    pending[parent] = 1
                    stack.append(parent)

    # Pass 2: a node is ready when all its users have passed their gradient; run ready nodes one by one.
    grads: dict[Any, Any] = {start: grad}  # node, or id(leaf), -> its gradient so far
    leaves: dict[int, Any] = {}  # id(leaf) -> leaf
    owned: set = set()  # keys whose gradient array the engine made itself, so it may add into it in place
    outer: dict[Any, list] = {}  # key -> [rows, [a, ...], [g, ...]]: OuterGrads not multiplied out yet
    record_norms = bool(hooks)
    norm_of = [None, 0.0]  # [array, its norm]: the last full gradient array measured
    ndarray = np.ndarray
    vdot, sqrt = np.vdot, math.sqrt
    ready = [start]
    while ready:
        node = ready.pop()
        if (node not in grads and not (outer and node in outer) and not isinstance(node, StepNode)
                and type(node.parents) is not LazyParents):  # every user gave None: no gradient reached it
            _pass_nothing(node, pending, ready)  # (a recurrence's nodes take a missing gradient as theirs)
            continue
        if isinstance(node, StepNode) and node.recurrence is not None:
            if type(node.parents) is LazyParents:  # the last step's node: the whole loop, its step nodes never made
                norm_of = _run_lazily(node, grads, owned, outer, pending, ready, leaves, retain_graph, record_norms)
                continue
            ran = _run_recurrence(node, grads, owned, outer, pending, ready, leaves, retain_graph, record_norms)
            if ran is not None:
                norm_of = ran  # it may have written over gradient arrays; it may know the next node's norm
                continue
            if not retain_graph:  # node by node from here: its buffers go as the nodes free their arrays
                node.recurrence = None
        if outer and node in outer:
            _flush_outer(grads, owned, node, outer.pop(node))
            norm_of[0] = None  # the flush may have added into an array measured before
        g = grads.pop(node)
        g_owned = node in owned
        owned.discard(node)
        if record_norms:
            owner = _owner(g)
            if owner is norm_of[0] and g.size == owner.size:
                node.grad_norm = norm_of[1]  # the last gradient measured, or a reshape of it (View): the same norm
            else:
                whole = g.size == owner.size
                # A gradient laid out transposed (a weight's, from t()) is measured in memory order: vdot would copy it.
                flat = g if g.flags.c_contiguous or not whole else owner.reshape(-1, order="A")
                node.grad_norm = sqrt(float(vdot(flat, flat)))
                norm_of[0] = owner if whole else None
                norm_of[1] = node.grad_norm
        for check in node.version_checks:
            if check[1].value != check[2]:
                check_versions(node)
        if node.retained is not None:
            kept = node.retained()
            if kept is not None:
                kept.grad = _function.Tensor._make(g.copy(), False)
        parents = node.parents
        if type(parents) is LazyParents:  # a lazy recurrence's joined output or final state: its gradient goes to
            parents.rec.take(node, g, g_owned)  # the loop whole
            if not retain_graph:
                node.freed = True
            head = parents.head
            pending[head] -= 1
            if pending[head] == 0:
                ready.append(head)
            continue
        fn = node.fn
        in_grads = SPARSE.get(fn, fn.backward)(node, g)
        if type(in_grads) is not tuple:
            in_grads = (in_grads,)
        if len(in_grads) != len(parents):
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients "
                f"(expected {len(parents)}, got {len(in_grads)})"
            )
        if not retain_graph:
            node.saved = ()
            node.freed = True
        fresh, passes = FRESH.get(fn, ()), g_owned and fn in PASSES
        for i in range(len(parents)):
            parent = parents[i]
            gi = in_grads[i]
            if parent is None:
                continue
            if gi is None:  # no gradient along this edge (a step function's): the parent waits for one user less
                if isinstance(parent, Node):
                    _pass_nothing_to(parent, pending, ready)
                continue
            if isinstance(parent, Node):
                key = parent
                shape, dtype = parent.shape, parent.dtype
            else:
                key = id(parent)
                leaves[key] = parent
                shape, dtype = parent._data.shape, parent._data.dtype
            if type(gi) is not ndarray or gi.shape != shape or gi.dtype != dtype:
                gi = _checked(node, i, gi, shape, dtype)
            if key not in grads and type(gi) is ndarray:
                grads[key] = gi  # the common case: the first gradient to arrive, stored as it is
                if passes or i in fresh:
                    owned.add(key)  # nothing else holds it: a leaf may take it as its .grad without a copy
            elif type(gi) is OuterGrad:
                _defer_outer(grads, owned, outer, key, gi)
            else:
                _add(grads, owned, key, gi)
            if key is parent:
                pending[parent] -= 1
                if pending[parent] == 0:
                    ready.append(parent)
    for key, entry in outer.items():
        _flush_outer(grads, owned, key, entry)
    for key, leaf in leaves.items():
        _accumulate_leaf(leaf, grads[key], key in owned)


def _pass_nothing(node: Node, pending: dict, ready: list) -> None:
    """A node that no gradient reached (each of its users gave None) passes none on to its parents. Its saved
    values are still checked, as PyTorch runs such a node too."""
    check_versions(node)
    for parent in node.parents:
        if isinstance(parent, Node):
            _pass_nothing_to(parent, pending, ready)


def _pass_nothing_to(parent: Node, pending: dict, ready: list) -> None:
    pending[parent] -= 1
    if pending[parent] == 0:  # all its users have given their part (None counts)
        ready.append(parent)


def _run_recurrence(
    head: Node, grads: dict, owned: set, outer: dict, pending: dict, ready: list, leaves: dict,
    retain_graph: bool, record_norms: bool,
) -> list | None:
    """Run the backward of the recorded recurrence whose last step is ``head`` in one loop (``ops.recurrence``),
    if every gradient from outside it has arrived. Return None if it did not run, else the engine's norm memo
    ``[array, norm]``: the gradient it handed last, when that completes a node that runs next and the loop knew
    its norm, else ``[None, 0.0]``.

    ``walk`` lists the recurrence's nodes (found from ``head`` through parents), how many of their users are
    inside it, and which of them may also be used outside. When one of them still waits for a gradient from
    outside, got one it should not have, or wants its gradient kept (``retain_grad``), nothing happens here and
    the engine visits the nodes one by one instead.
    """
    rec = head.recurrence
    nodes, inside, outside = rec.walk(head)
    waiting = pending.get
    # All checks before any change, so a failed one leaves the gradients as they were. A changed saved value raises
    # here what the node-by-node walk would raise on reaching that node.
    for node, users, may in zip(nodes, inside, outside):
        if waiting(node) != users or node.retained is not None or (not may and node in grads):
            return None
        for check in node.version_checks:
            if check[1].value != check[2]:
                check_versions(node)
    count = len(nodes)
    ext, own = [None] * count, [False] * count
    for j in compress(range(count), outside):  # only these may hold a gradient from outside (checked above)
        node = nodes[j]
        if outer and node in outer:
            _flush_outer(grads, owned, node, outer.pop(node))
        g = grads.pop(node, None)
        if g is not None:
            ext[j] = g
            if node in owned:
                own[j] = True
                owned.discard(node)
    results = rec.backward(ext, own, nodes, record_norms, retain_graph)
    if not retain_graph:
        head.recurrence = None
        for node in nodes:
            node.saved = ()
            node.freed = True
    return _hand_on(results, grads, owned, pending, ready, leaves)


def _run_lazily(
    head: Node, grads: dict, owned: set, outer: dict, pending: dict, ready: list, leaves: dict,
    retain_graph: bool, record_norms: bool,
) -> list:
    """Run the backward of a recurrence recorded without its step nodes, ``head`` being its last step's node
    (ready: the joined output, if it was used, has handed its gradient over). Returns the norm memo, as
    ``_run_recurrence``."""
    if outer and head in outer:
        _flush_outer(grads, owned, head, outer.pop(head))
    final = grads.pop(head, None)
    final_owned = head in owned
    owned.discard(head)
    rec = head.recurrence
    results = rec.run_lazily(head, final, final_owned, record_norms, retain_graph)
    if not retain_graph:
        head.freed = True
        head.recurrence = None
    return _hand_on(results, grads, owned, pending, ready, leaves)


def _hand_on(results: list, grads: dict, owned: set, pending: dict, ready: list, leaves: dict) -> list:
    """Give a recurrence's results to the parents outside it. Returns the engine's norm memo ``[array, norm]``:
    the gradient handed last, when that completes a node that runs next and the loop knew its norm."""
    memo = [None, 0.0]
    # (a node or leaf outside, its gradient, how many recorded edges lead to it, its norm if the loop knows it)
    for parent, g, edges, norm in results:
        if parent is None or g is None:
            continue
        if isinstance(parent, Node):
            key = parent
        else:
            key = id(parent)
            leaves[key] = parent
        whole = key not in grads  # g is all of key's gradient so far
        if whole:
            grads[key] = g  # made by the recurrence: the engine's own
            owned.add(key)
        else:
            _add(grads, owned, key, g)
        if key is parent:
            pending[parent] -= edges
            if pending[parent] == 0:
                ready.append(parent)  # runs next (unless a later result is also ready): its gradient is final
                owner = _owner(g)
                known = whole and norm is not None and owner.size == g.size
                memo = [owner, norm] if known else [None, 0.0]
    return memo


def _owner(g: np.ndarray) -> np.ndarray:
    """The array whose memory ``g`` is: its base, or ``g`` itself when it owns its memory (or a non-numpy buffer
    does). A reshape or transpose of a measured gradient has the same owner, and so the same norm."""
    base = g.base
    return base if type(base) is np.ndarray else g


#: How many rows (time steps x batch) of ``OuterGrad`` pairs a gradient collects before one product of them all.
#: 128 rows make the product efficient; more only costs memory (benchmarks/rnn_train.py, small and medium).
OUTER_ROWS = 128


def _defer_outer(grads: dict, owned: set, outer: dict, key: Any, g: OuterGrad) -> None:
    """Collect the pair of ``g`` for ``key``; multiply the collected pairs out once they reach ``OUTER_ROWS`` rows."""
    entry = outer.get(key)
    if entry is None:
        entry = outer[key] = [0, [], []]
    entry[0] += g.a.shape[0]
    entry[1].append(g.a)
    entry[2].append(g.g)
    if entry[0] >= OUTER_ROWS:
        del outer[key]
        _flush_outer(grads, owned, key, entry)


def _flush_outer(grads: dict, owned: set, key: Any, entry: list) -> None:
    """Add ``sum(a_i^T @ g_i)`` over the collected pairs into ``grads[key]``, as one product of stacked rows."""
    _, a, g = entry
    a = a[0] if len(a) == 1 else np.concatenate(a)
    g = g[0] if len(g) == 1 else np.concatenate(g)
    if isinstance(key, Node) and key.fn in TRANSPOSES_2D:
        product = (g.T @ a).T  # w.t()'s gradient: transposed back, w's is then C-contiguous, as w is
    else:
        product = a.T @ g
    if key in grads:
        _add(grads, owned, key, product)
    else:
        grads[key] = product  # a new array: the engine's own
        owned.add(key)


def _add(grads: dict, owned: set, key: Any, g: Any) -> None:
    """Add gradient ``g`` (an array or an ``IndexedGrad``) into ``grads[key]``.

    The first dense gradient is stored as it is (it may be another node's array, so it is never written to); the
    second makes a new array that the engine owns, and later ones are added into that array in place. An
    ``IndexedGrad`` (from indexing ops) is added into an owned zero array, so a tensor read one time step at a
    time costs one gradient array, not one per step.
    """
    have = grads.get(key)
    if type(g) is IndexedGrad:
        if have is None:
            have = np.zeros(g.shape, dtype=g.dtype)
        elif key not in owned:
            have = np.array(have, copy=True)
        grads[key] = have
        owned.add(key)
        g.add_into(have)
    elif have is None:
        grads[key] = g
    elif key in owned:
        np.add(have, g, out=have)
    else:
        grads[key] = np.asarray(have + g)  # asarray: 0-d sums come back as numpy scalars
        owned.add(key)


def _accumulate_leaf(leaf: Any, g: np.ndarray, owned: bool) -> None:
    """Add ``g`` into ``leaf.grad`` (a new Tensor the first time; never aliasing another tensor's array).

    ``.grad`` is laid out in memory like the leaf's array, as PyTorch's ``AccumulateGrad`` gives ``.grad`` its
    variable's strides: a contiguous parameter gets a contiguous gradient, so ``p.grad.view(-1)`` works.
    """
    data = leaf._data
    # Straight into the slot behind the ``grad`` property: the engine's gradient has the leaf's shape and dtype
    # already, so the checks a user's assignment gets (Tensor.grad's setter) would only cost time.
    have = leaf._grad
    if have is None:
        leaf._grad = _function.Tensor._make(g if owned and _laid_out_like(g, data) else _copy_like(g, data), False)
    else:
        total = have._data + g
        if type(total) is not np.ndarray:  # numpy adds two 0-d arrays into a scalar
            total = np.array(total)
        have._data = total if _laid_out_like(total, data) else _copy_like(total, data)


def _laid_out_like(g: np.ndarray, data: np.ndarray) -> bool:
    return (g.flags.c_contiguous and data.flags.c_contiguous) or g.strides == data.strides


def _copy_like(g: np.ndarray, data: np.ndarray) -> np.ndarray:
    """A copy of ``g`` in ``data``'s memory order (numpy's ``order='K'``; C order for a strided ``data``)."""
    out = np.empty_like(data, dtype=g.dtype)
    np.copyto(out, g)
    return out


def _checked(node: Node, i: int, g: Any, shape: tuple, dtype: np.dtype) -> Any:
    """``autograd.engine.checked_grad``, letting an ``IndexedGrad`` or ``OuterGrad`` of the right shape through."""
    if type(g) is IndexedGrad or type(g) is OuterGrad:
        if g.shape != shape or g.dtype != dtype:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got {list(g.shape)} "
                f"but expected shape compatible with {list(shape)}"
            )
        return g
    return checked_grad(node, i, g, shape, dtype)
