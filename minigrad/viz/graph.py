"""The drawing's model: which boxes, arrows and clusters a recorded graph is drawn as (no DOT here).

``build_graph(*roots)`` walks back from the roots through ``Node.parents`` (with a queue, never recursion: a
200-step sequence is thousands of nodes deep) and turns what it finds into a :class:`GraphModel`:

- one ``op`` node per recorded operation, named as in ``grad_fn`` (``TanhBackward0``) with its output's shape;
- one node per leaf tensor that collects a gradient: a ``param`` (named by its module path, ``rnn.weight_hh_l1``)
  or an ``input``; and one ``output`` node per root;
- clusters from the scopes the nodes were recorded under: a module (``rnn``), a layer (``l1`` -> "layer 1"), a
  direction (``reverse``) and a time step (``t=2``);
- optionally, whole clusters collapsed into single ``group`` nodes (``collapse="step"`` or ``"module"``).

``minigrad.viz.dot`` turns the model into DOT. Nothing here changes the graph, a gradient or a tensor.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from minigrad.autograd.function import Node
from minigrad.autograd.scope import scope_owner
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor

__all__ = [
    "COLLAPSE_MODES",
    "Cluster",
    "DrawEdge",
    "DrawNode",
    "GraphModel",
    "build_graph",
    "scope_kind",
    "scope_label",
    "shape_text",
]

#: What ``collapse`` accepts, finest first: the automatic collapse tries them in this order.
COLLAPSE_MODES = ("step", "module")

#: ``collapse="step"`` draws at most this many boxes per sequence of steps by default; the middle ones fold.
MAX_STEPS = 12

#: In a collapsed drawing, one node feeding (or fed by) more clusters than this gets one summarising arrow.
FAN_LIMIT = 3

#: An arrow from one layer into another is drawn only when the layers have at most this many steps and one of
#: its ends sits inside a step; else (across longer layers, or from the end of one layer to the start of the next,
#: an arrow that would run back over the whole layer) the tail says "to layer 1" and a stub "from layer 0"
#: feeds the head.
LONG_LAYER = 12

#: Gate clusters inside a step, in the order PyTorch stacks the gates in ``weight_ih`` (LSTM i, f, g, o then
#: the cell-state update c; GRU r, z, n).
GATE_ORDER = ("i", "f", "g", "o", "c", "r", "z", "n")

_STEP = re.compile(r"t=(-?\d+)")
_LAYER = re.compile(r"l(\d+)")
_GATE = re.compile(r"(gate|state)=(\w+)")


def scope_kind(name: str) -> str:
    """What a scope name stands for: ``'step'`` (``t=3``), ``'layer'`` (``l1``), ``'direction'`` (``reverse``),
    ``'gate'`` (a gated cell's ``gate=i`` or its cell-state update ``state=c``) or ``'module'`` (anything else:
    ``rnn``, ``Model``, ``layers.0``, a user's ``scope("encoder")``)."""
    if _STEP.fullmatch(name):
        return "step"
    if _GATE.fullmatch(name):
        return "gate"
    if _LAYER.fullmatch(name):
        return "layer"
    if name == "reverse":
        return "direction"
    return "module"


def scope_label(name: str) -> str:
    """The cluster title for a scope name: ``l1`` -> ``layer 1``, ``gate=i`` -> ``gate i``, ``state=c`` ->
    ``cell state c``; other names are shown as they are."""
    m = _LAYER.fullmatch(name)
    if m:
        return f"layer {m.group(1)}"
    m = _GATE.fullmatch(name)
    if m:
        return f"gate {m.group(2)}" if m.group(1) == "gate" else f"cell state {m.group(2)}"
    return name


@dataclass
class DrawNode:
    """One box of the drawing.

    Attributes:
        id: the DOT node id.
        kind: ``'op'``, ``'param'``, ``'input'``, ``'output'``, ``'group'`` (a collapsed cluster), ``'more'``
            (what the size limit left out) or ``'link'`` (the far end of an arrow from another layer).
        title: the op's name (``TanhBackward0``), the tensor's name, or the collapsed cluster's title.
        cluster: the scope path of the cluster it is drawn in (``()`` for the top level).
        shape: the shape of the tensor it stands for (``None`` for ``group`` and ``more``).
        dtype: that tensor's dtype name.
        grad_norm: ``||dL/d(tensor)||`` after backward (for a group: the largest over the tensors leaving it).
        name: the user's or module's name for the tensor, when it has one.
        lines: further text lines (values, a group's input and output shapes).
        steps: how many time steps the box stands for (a folded run of steps: more than one).
    """

    id: str
    kind: str
    title: str
    cluster: tuple[str, ...] = ()
    shape: tuple[int, ...] | None = None
    dtype: str | None = None
    grad_norm: float | None = None
    name: str | None = None
    lines: list[str] = field(default_factory=list)
    steps: int = 1


@dataclass
class DrawEdge:
    """An arrow ``tail -> head`` (the direction data flows). ``constraint=False`` leaves it out of the layout's
    ranking (used between layers, so the steps of all layers line up); ``label`` summarises several arrows."""

    tail: str
    head: str
    constraint: bool = True
    label: str = ""


@dataclass
class Cluster:
    """A box around the nodes of one scope: ``path`` is the scope path, ``kind`` what :func:`scope_kind` says of
    its last name, ``nodes`` the ids drawn directly inside it, ``children`` the clusters inside it, in order."""

    path: tuple[str, ...]
    label: str
    kind: str
    nodes: list[str] = field(default_factory=list)
    children: list[Cluster] = field(default_factory=list)


@dataclass
class GraphModel:
    """Everything the DOT writer needs.

    Attributes:
        nodes: drawn nodes by id, in the order they are declared (inputs to outputs).
        edges: the arrows.
        root: the top level: a cluster with no box whose ``children`` are the outermost clusters.
        title: a one-line description (counts of ops and parameters).
        notes: sentences for the title block (why the drawing is collapsed, how to get gradient colours).
        grad_range: ``(smallest, largest)`` positive gradient norm drawn, or ``None`` when there are none.
        collapse: the collapse mode used (``None``, ``"step"`` or ``"module"``).
        op_count: how many recorded operations led to the roots (drawn or not).
        op_boxes: for every recorded node, the id of the box that stands for it (itself, its step or module
            group, a folded run of steps, the ``more`` box), or None when it is left out.
        leaf_boxes: the same for every leaf tensor, by ``id(tensor)``.
    """

    nodes: dict[str, DrawNode]
    edges: list[DrawEdge]
    root: Cluster
    title: str
    notes: list[str]
    grad_range: tuple[float, float] | None
    collapse: str | None
    op_count: int
    op_boxes: dict[Node, str | None] = field(default_factory=dict)
    leaf_boxes: dict[int, str | None] = field(default_factory=dict)


# ---- walking the recorded graph ----------------------------------------------------------------------------


def _flatten_roots(roots: tuple) -> list[Tensor]:
    """Accept tensors and tuples or lists of tensors (``draw_graph(rnn(x))`` draws both ``output`` and ``h_n``)."""
    out: list[Tensor] = []
    stack = list(reversed(roots))
    while stack:
        r = stack.pop()
        if isinstance(r, (tuple, list)):
            stack.extend(reversed(r))
        elif isinstance(r, Tensor):
            out.append(r)
        else:
            raise TypeError(f"draw_graph() expects tensors (or tuples of tensors), got {type(r).__name__}")
    if not out:
        raise ValueError("draw_graph() needs at least one tensor to draw the graph that led to it")
    return out


def _walk(starts: list[Node]) -> list[Node]:
    """Every node that led to ``starts``, each after all the nodes that use its output (outputs first).

    Breadth-first from the outputs, so a prefix of the list holds the nodes nearest the outputs.
    """
    users: dict[Node, int] = {n: 0 for n in starts}
    stack = list(users)
    while stack:
        node = stack.pop()
        for p in node.parents:
            if isinstance(p, Node):
                if p in users:
                    users[p] += 1
                else:
                    users[p] = 1
                    stack.append(p)
    ready = deque(n for n in dict.fromkeys(starts) if users[n] == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for p in node.parents:
            if isinstance(p, Node):
                users[p] -= 1
                if users[p] == 0:
                    ready.append(p)
    return order


def _user_names(params: Any) -> dict[int, str]:
    """``id(tensor) -> name`` from a mapping or an iterable of ``(name, tensor)`` pairs."""
    if params is None:
        return {}
    pairs = params.items() if isinstance(params, Mapping) else params
    names: dict[int, str] = {}
    for item in pairs:
        try:
            name, t = item
        except (TypeError, ValueError):
            raise TypeError("params must map names to tensors, e.g. dict(model.named_parameters())") from None
        if not isinstance(t, Tensor):
            raise TypeError(f"params['{name}'] is a {type(t).__name__}, not a Tensor")
        names.setdefault(id(t), str(name))
    return names


def _module_names(top_scopes: Iterable[str], leaf_ids: set[int]) -> tuple[dict[int, str], dict[tuple, str]]:
    """Names found from the outermost modules that made the graph (``autograd.scope.scope_owner``).

    Returns ``id(parameter) -> dotted name`` for the parameters among ``leaf_ids`` (prefixed by the module's
    scope name when several outermost modules own some), and ``scope path -> class name`` for cluster titles.
    """
    found: dict[str, dict[int, str]] = {}
    classes: dict[tuple, str] = {}
    for top in top_scopes:
        module = scope_owner(top)
        if not isinstance(module, Module):
            continue
        own = {id(p): n for n, p in module.named_parameters() if id(p) in leaf_ids}
        if own:
            found[top] = own
        stack: list[tuple[tuple, Module]] = [((top,), module)]
        while stack:
            path, m = stack.pop()
            classes.setdefault(path, type(m).__name__)
            # A container that is never called (ModuleList) pushes no scope: its children sit beside it.
            base = path[:-1] if getattr(m, "_scope_transparent", False) else path
            for child_name, child in m._modules.items():
                if child is not None:
                    stack.append((base + (child.__dict__.get("_scope_name") or child_name,), child))
    names: dict[int, str] = {}
    for top, own in found.items():
        for pid, n in own.items():
            names.setdefault(pid, f"{top}.{n}" if len(found) > 1 else n)
    return names, classes


def _stable_leaf_order(
    leaves: dict[int, Tensor], module_names: dict[int, str], user_names: dict[int, str]
) -> dict[int, Tensor]:
    """Leaves in the order a reader expects: inputs first (as met), then parameters as ``named_parameters()``
    lists them (or as the user's ``params`` lists them), then any other parameter as met.

    The walk meets leaves in whatever order the ops happen to hold them, which shuffles a layer's parameters.
    """
    module_rank = {key: i for i, key in enumerate(module_names)}
    user_rank = {key: i for i, key in enumerate(user_names)}

    def rank(item: tuple[int, int]) -> tuple:
        pos, key = item
        if not (isinstance(leaves[key], Parameter) or key in module_names):
            return (0, pos)
        if key in module_rank:
            return (1, module_rank[key])
        if key in user_rank:
            return (2, user_rank[key])
        return (3, pos)

    ordered = sorted(enumerate(leaves), key=rank)
    return {key: leaves[key] for _, key in ordered}


def _common_prefix(a: tuple, b: tuple) -> tuple:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


def _norm(t: Tensor | None) -> float | None:
    if t is None:
        return None
    return float(np.linalg.norm(np.asarray(t._data, dtype=np.float64)))


def _fmt(v: float) -> str:
    """A number in at most 4 significant digits, scientific outside [1e-3, 1e4)."""
    if v == 0 or (1e-3 <= abs(v) < 1e4):
        return f"{v:.4g}"
    return f"{v:.2e}"


def _values(t: Tensor) -> str:
    """A tensor's values in a few characters: all of them when small, else mean and spread."""
    a = np.asarray(t._data)
    if a.dtype.kind not in "fiub":
        return ""
    if a.size <= 4:
        flat = [_fmt(float(v)) for v in a.reshape(-1)]
        return flat[0] if a.ndim == 0 else "[" + ", ".join(flat) + "]"
    f = a.astype(np.float64)
    return f"mean {_fmt(float(f.mean()))}, std {_fmt(float(f.std()))}"


def _grad_text(t: Tensor | None, norm: float | None) -> str | None:
    """``grad -6`` for a held one-element tensor whose gradient we know, else ``|grad| 0.3`` (a norm)."""
    if t is not None and t.grad is not None and t._data.size == 1:
        return f"grad {_fmt(float(np.asarray(t.grad._data).reshape(-1)[0]))}"
    if norm is None:
        return None
    return f"|grad| {_fmt(norm)}"


# ---- collapsing ----------------------------------------------------------------------------------------------


def _collapse_key(scope: tuple[str, ...], mode: str, module_parents: set[tuple]) -> tuple[str, ...] | None:
    """The scope path of the cluster a node with ``scope`` is folded into, or None if it stays a node."""
    if mode == "step":
        for i, name in enumerate(scope):
            if scope_kind(name) == "step":
                return scope[: i + 1]
        return None
    deepest = None
    for i, name in enumerate(scope):
        if scope_kind(name) == "module":
            deepest = i
    if deepest is None:
        return None
    key = scope[: deepest + 1]
    return None if key in module_parents else key


def _module_parents(scopes: Iterable[tuple[str, ...]]) -> set[tuple]:
    """Module scopes that contain another module scope (``collapse="module"`` folds only innermost modules)."""
    parents = set()
    for scope in scopes:
        last = None
        for i, name in enumerate(scope):
            if scope_kind(name) == "module":
                if last is not None:
                    parents.add(scope[: last + 1])
                last = i
    return parents


def shape_text(shape: tuple | None) -> str:
    """How a shape is written in the drawing: ``(1, 3)``, ``(3,)``, or ``scalar`` for a 0-d tensor."""
    if shape is None:
        return ""
    return "scalar" if len(shape) == 0 else str(tuple(int(s) for s in shape))


# ---- the builder ---------------------------------------------------------------------------------------------


def build_graph(
    *roots: Any,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    show_data: bool = False,
    show_grad: bool = True,
    group: bool = True,
    collapse: str | None = None,
    max_nodes: int = 500,
    max_steps: int | None = MAX_STEPS,
) -> GraphModel:
    """Build the drawing's model of everything that led to ``roots``; arguments as in ``draw_graph``."""
    if collapse is not None and collapse not in COLLAPSE_MODES:
        raise ValueError(f"collapse must be None, 'step' or 'module', got {collapse!r}")
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    if max_steps is not None and (not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 3):
        raise ValueError(f"max_steps must be None or an int >= 3 (first steps, one folded box, last steps), "
                         f"got {max_steps!r}")
    tensors = _flatten_roots(roots)
    if params is not None and not isinstance(params, Mapping):
        params = list(params)  # read twice below; named_parameters() is a generator
    user_names = _user_names(params)
    order = _walk([t.grad_fn for t in tensors if t.grad_fn is not None])
    ops = order[::-1]  # inputs first

    leaves: dict[int, Tensor] = {}
    for node in ops:
        for p in node.parents:
            if p is not None and not isinstance(p, Node):
                leaves.setdefault(id(p), p)
    for t in tensors:
        if t.grad_fn is None:
            leaves.setdefault(id(t), t)
    top_scopes = dict.fromkeys(n.scope[0] for n in ops if n.scope)
    module_names, classes = _module_names(top_scopes, set(leaves))
    leaves = _stable_leaf_order(leaves, module_names, user_names)
    # A tensor the user named that is not a leaf names the op that made it.
    named_tensors = {}
    if params is not None:
        pairs = params.items() if isinstance(params, Mapping) else params
        for _, t in pairs:
            if isinstance(t, Tensor) and t.grad_fn is not None:
                named_tensors.setdefault(t.grad_fn, t)
    for t in tensors:
        # An output's name and values go on its output box, not on the op that made it.
        named_tensors.pop(t.grad_fn, None)

    backpropagated = any(n.grad_norm is not None for n in ops) or any(t.grad is not None for t in tensors)
    show_norms = show_grad and backpropagated

    # -- op nodes
    nodes: dict[str, DrawNode] = {}
    op_id: dict[Node, str] = {}
    for i, node in enumerate(ops):
        held = named_tensors.get(node)
        name = user_names.get(id(held)) if held is not None else None
        dn = DrawNode(
            id=f"op{i}", kind="op", title=node.name(), cluster=node.scope, shape=tuple(node.shape),
            dtype=str(node.dtype), grad_norm=node.grad_norm if show_norms else None, name=name,
        )
        if show_data and held is not None and name is not None:
            dn.lines.append(f"data {_values(held)}")
        if show_norms:
            text = _grad_text(held if name is not None else None, node.grad_norm)
            if text:
                dn.lines.append(text)
        op_id[node] = dn.id
        nodes[dn.id] = dn

    # -- leaf nodes: parameters sit in the innermost cluster holding all their users, inputs at the top level
    leaf_id: dict[int, str] = {}
    placement: dict[int, tuple] = {}
    for node in ops:
        for p in node.parents:
            if p is not None and not isinstance(p, Node):
                key = id(p)
                placement[key] = node.scope if key not in placement else _common_prefix(placement[key], node.scope)
    leaf_nodes = []
    for i, (key, t) in enumerate(leaves.items()):
        name = user_names.get(key) or module_names.get(key)
        is_param = isinstance(t, Parameter) or key in module_names
        kind = "param" if is_param else "input"
        norm = _norm(t.grad) if show_norms else None
        dn = DrawNode(
            id=f"leaf{i}", kind=kind, title=name or ("parameter" if is_param else "input"),
            cluster=placement.get(key, ()) if is_param else (), shape=tuple(t._data.shape), dtype=str(t._data.dtype),
            grad_norm=norm, name=name,
        )
        if show_data:
            dn.lines.append(f"data {_values(t)}")
        if show_norms:
            text = _grad_text(t, norm)
            if text:
                dn.lines.append(text)
        leaf_id[key] = dn.id
        leaf_nodes.append(dn)

    # -- output nodes, one per root
    out_nodes = []
    edges_out = []
    for i, t in enumerate(tensors):
        name = user_names.get(id(t))
        title = name or ("output" if len(tensors) == 1 else f"output {i}")
        source = op_id[t.grad_fn] if t.grad_fn is not None else leaf_id[id(t)]
        norm = None
        if show_norms:
            norm = t.grad_fn.grad_norm if t.grad_fn is not None else _norm(t.grad)
        dn = DrawNode(
            id=f"out{i}", kind="output", title=title, shape=tuple(t._data.shape), dtype=str(t._data.dtype),
            grad_norm=norm, name=name,
        )
        if show_data:
            dn.lines.append(f"data {_values(t)}")
        out_nodes.append(dn)
        edges_out.append((source, dn.id))

    # Logical scope of each drawn node, used for collapsing and for the between-layers rule.
    scope_of: dict[str, tuple] = {dn.id: dn.cluster for dn in nodes.values()}
    for dn in leaf_nodes:
        scope_of[dn.id] = dn.cluster
    for dn in out_nodes:
        scope_of[dn.id] = ()

    raw_edges: list[tuple[str, str]] = []
    for node in ops:
        head = op_id[node]
        for p in node.parents:
            if p is None:
                continue
            raw_edges.append((op_id[p] if isinstance(p, Node) else leaf_id[id(p)], head))
    raw_edges.extend(edges_out)
    # Arrows from leaves in the leaves' order (dot keeps it when nothing else decides), the rest as recorded.
    leaf_rank = {dn.id: i for i, dn in enumerate(leaf_nodes)}
    raw_edges.sort(key=lambda e: (0, leaf_rank[e[0]]) if e[0] in leaf_rank else (1, 0))

    # Declaration order: leaves, then ops inputs-first, then outputs.
    all_nodes = {d.id: d for d in [*leaf_nodes, *nodes.values(), *out_nodes]}

    # The requested drawing, else the next coarser collapse, until it fits in max_nodes.
    levels = [collapse, *COLLAPSE_MODES[COLLAPSE_MODES.index(collapse) + 1 if collapse else 0:]]
    notes: list[str] = []
    drawn, drawn_edges, drawn_scope, mode = all_nodes, raw_edges, scope_of, None
    fold_notes: list[str] = []
    moved: dict[str, str] = {}  # a node's id -> the id of the box it went into (a group, a folded run)
    for level in levels:
        if level is not None:
            folded = _collapse(all_nodes, raw_edges, scope_of, level, op_id, ops, classes)
            if folded[0] is all_nodes:
                continue  # no cluster of this kind to fold
            drawn, drawn_edges, drawn_scope, moved = folded
            fold_notes = []
            if level == "step" and max_steps is not None:
                drawn, drawn_edges, drawn_scope, fold_notes, runs = _fold_steps(
                    drawn, drawn_edges, drawn_scope, max_steps
                )
                moved = {nid: runs.get(box, box) for nid, box in moved.items()}
            mode = level
        if len(drawn) <= max_nodes:
            break
    if mode is not None and mode != collapse:
        notes.append(
            f"Collapsed by {'time step' if mode == 'step' else 'module'} automatically: the full drawing has "
            f"{len(all_nodes):,} nodes, more than max_nodes={max_nodes:,}."
        )
    notes.extend(fold_notes)
    if len(drawn) > max_nodes:
        drawn, drawn_edges = _truncate(drawn, drawn_edges, max_nodes)
        notes.append(
            f"Showing the {max_nodes - 1:,} nodes nearest the output{'s' if len(tensors) > 1 else ''}, "
            f"of {len(all_nodes):,} (max_nodes={max_nodes:,})."
        )
    if show_grad and not backpropagated:
        notes.append("No gradients yet: call backward() to colour the drawing by gradient norm.")
    unreached = [t for t in tensors if t.grad_fn is not None and t.grad_fn.grad_norm is None]
    if show_norms and unreached:
        # Typically draw_graph(out[-1]) after out[-1].sum().backward(): the second out[-1] is a new op.
        which = "An output was" if len(tensors) == 1 else f"{len(unreached)} of the outputs were"
        notes.append(
            f"{which} made by an op backward() did not run through, so it has no gradient: draw the tensor "
            f"backward() started from (indexing again, as in out[-1], records a new op)."
        )

    edges = _finish_edges(drawn_edges, drawn, drawn_scope, summarise=mode is not None)
    if not group:
        for dn in drawn.values():
            dn.cluster = ()
    root = _clusters(drawn, classes)

    norms = [
        d.grad_norm for d in drawn.values()
        if d.grad_norm is not None and d.grad_norm > 0 and math.isfinite(d.grad_norm)
    ]
    n_params = sum(1 for d in leaf_nodes if d.kind == "param")
    n_inputs = len(leaf_nodes) - n_params
    parts = [f"{len(ops):,} op{'s' if len(ops) != 1 else ''}"]
    if n_params:
        weights = sum(int(np.prod(d.shape)) for d in leaf_nodes if d.kind == "param")
        parts.append(f"{n_params} parameter{'s' if n_params != 1 else ''} ({weights:,} weights)")
    if n_inputs:
        parts.append(f"{n_inputs} input{'s' if n_inputs != 1 else ''} requiring grad")
    more = "more" if "more" in drawn else None

    def box(nid: str) -> str | None:
        nid = moved.get(nid, nid)
        return nid if nid in drawn else more

    return GraphModel(
        nodes=drawn,
        edges=edges,
        root=root,
        title=", ".join(parts),
        notes=notes,
        grad_range=(min(norms), max(norms)) if norms else None,
        collapse=mode,
        op_count=len(ops),
        op_boxes={node: box(nid) for node, nid in op_id.items()},
        leaf_boxes={key: box(nid) for key, nid in leaf_id.items()},
    )


def _collapse(
    nodes: dict[str, DrawNode],
    edges: list[tuple[str, str]],
    scope_of: dict[str, tuple],
    mode: str,
    op_id: dict[Node, str],
    ops: list[Node],
    classes: dict[tuple, str],
) -> tuple[dict[str, DrawNode], list[tuple[str, str]], dict[str, tuple], dict[str, str]]:
    """Fold every op inside a collapsible cluster into one ``group`` node labelled with its in/out shapes.
    Returns the new nodes, edges and scopes, and each folded op's group id."""
    parents = _module_parents(n.scope for n in ops) if mode == "module" else set()
    group_of: dict[str, tuple] = {}
    for node in ops:
        key = _collapse_key(node.scope, mode, parents)
        if key is not None:
            group_of[op_id[node]] = key
    if not group_of:
        return nodes, edges, scope_of, {}

    gid: dict[tuple, str] = {}
    for key in dict.fromkeys(group_of.values()):
        gid[key] = f"g{len(gid)}"
    members: dict[tuple, list[str]] = {}
    for nid, key in group_of.items():
        members.setdefault(key, []).append(nid)

    def target(nid: str) -> str:
        key = group_of.get(nid)
        return gid[key] if key is not None else nid

    ins: dict[str, dict[str, None]] = {g: {} for g in gid.values()}
    outs: dict[str, dict[str, None]] = {g: {} for g in gid.values()}
    leaving: dict[str, list[str]] = {g: [] for g in gid.values()}
    new_edges: list[tuple[str, str]] = []
    seen = set()
    for tail, head in edges:
        t, h = target(tail), target(head)
        if t == h:
            continue
        if h in ins and nodes[tail].kind != "param":
            ins[h].setdefault(shape_text(nodes[tail].shape), None)
        if t in outs:
            outs[t].setdefault(shape_text(nodes[tail].shape), None)
            leaving[t].append(tail)
        if (t, h) not in seen:
            seen.add((t, h))
            new_edges.append((t, h))

    new_nodes: dict[str, DrawNode] = {}
    new_scope: dict[str, tuple] = {}
    placed = set()
    for nid, dn in nodes.items():
        key = group_of.get(nid)
        if key is None:
            new_nodes[nid] = dn
            new_scope[nid] = scope_of[nid]
            continue
        g = gid[key]
        if g in placed:
            continue
        placed.add(g)
        norms = [nodes[m].grad_norm for m in (leaving[g] or members[key]) if nodes[m].grad_norm is not None]
        count = len(members[key])
        lines = []
        if ins[g]:
            lines.append("in " + " ".join(ins[g]))
        if outs[g]:
            lines.append("out " + " ".join(outs[g]))
        lines.append(f"{count} op{'s' if count != 1 else ''}")
        norm = max(norms) if norms else None
        if norm is not None:
            lines.append(f"|grad| {_fmt(norm)}")
        new_nodes[g] = DrawNode(
            id=g, kind="group", title=_cluster_title(key, classes), cluster=key[:-1], grad_norm=norm, lines=lines
        )
        new_scope[g] = key
    # A parameter used inside folded clusters moves to the innermost cluster holding all its users.
    prefix: dict[str, tuple] = {}
    for t, h in new_edges:
        if new_nodes[t].kind == "param":
            c = new_nodes[h].cluster
            prefix[t] = c if t not in prefix else _common_prefix(prefix[t], c)
    for nid, c in prefix.items():
        new_nodes[nid] = replace(new_nodes[nid], cluster=c)
        new_scope[nid] = c
    return new_nodes, new_edges, new_scope, {nid: gid[key] for nid, key in group_of.items()}


def _step_number(scope: tuple[str, ...]) -> int | None:
    """``5`` for a scope path ending in ``t=5``, else None."""
    m = _STEP.fullmatch(scope[-1]) if scope else None
    return int(m.group(1)) if m else None


def _fold_steps(
    nodes: dict[str, DrawNode], edges: list[tuple[str, str]], scope_of: dict[str, tuple], max_steps: int
) -> tuple[dict[str, DrawNode], list[tuple[str, str]], dict[str, tuple], list[str], dict[str, str]]:
    """In a drawing collapsed by step, fold the middle of every run of more than ``max_steps`` step boxes (one
    run per layer and direction) into one box: ``max_steps - 1`` steps stay, the first half and the last half,
    and the folded box says how many steps it holds and the range of their gradient norms.

    Returns the new nodes, edges and scopes, one note per distinct folded range for the title block, and each
    folded step box's folded-run id.
    """
    runs: dict[tuple, list[tuple[int, str]]] = {}
    for nid, dn in nodes.items():
        t = _step_number(scope_of[nid]) if dn.kind == "group" else None
        if t is not None:
            runs.setdefault(scope_of[nid][:-1], []).append((t, nid))
    fold_of: dict[str, str] = {}
    fold_nodes: dict[str, DrawNode] = {}
    ranges: dict[tuple[int, int, int], None] = {}
    for run in runs.values():
        if len(run) <= max_steps:
            continue
        run.sort()
        head = (max_steps - 1) // 2
        middle = run[head: len(run) - (max_steps - 1 - head)]
        fid = f"fold{len(fold_nodes)}"
        for _, nid in middle:
            fold_of[nid] = fid
        first, last = middle[0][0], middle[-1][0]
        members = [nodes[nid] for _, nid in middle]
        norms = [m.grad_norm for m in members if m.grad_norm is not None]
        ops = 0
        for m in members:
            for line in m.lines:
                if line.endswith((" op", " ops")):
                    ops += int(line.split()[0])
        lines = [f"{len(middle):,} steps folded", f"{ops:,} ops"]
        if norms:
            lines.append(f"|grad| {_fmt(min(norms))} to {_fmt(max(norms))}")
        fold_nodes[fid] = DrawNode(
            id=fid, kind="group", title=f"t={first} to t={last}", cluster=members[0].cluster,
            grad_norm=max(norms) if norms else None, lines=lines, steps=len(middle),
        )
        ranges[(first, last, len(run))] = None
    if not fold_of:
        return nodes, edges, scope_of, [], {}

    new_nodes: dict[str, DrawNode] = {}
    new_scope: dict[str, tuple] = {}
    for nid, dn in nodes.items():
        fid = fold_of.get(nid)
        if fid is None:
            new_nodes[nid] = dn
            new_scope[nid] = scope_of[nid]
        elif fid not in new_nodes:  # the folded box takes the place of its first step
            new_nodes[fid] = fold_nodes[fid]
            new_scope[fid] = scope_of[nid]
    new_edges: list[tuple[str, str]] = []
    seen = set()
    for tail, head in edges:
        t, h = fold_of.get(tail, tail), fold_of.get(head, head)
        if t != h and (t, h) not in seen:
            seen.add((t, h))
            new_edges.append((t, h))
    notes = [
        f"Long sequence folded: steps t={first} to t={last} (of {n:,}) are drawn as one box, keeping "
        f"{max_steps - 1} steps around it (max_steps={max_steps})."
        for first, last, n in ranges
    ]
    return new_nodes, new_edges, new_scope, notes, fold_of


def _truncate(
    nodes: dict[str, DrawNode], edges: list[tuple[str, str]], max_nodes: int
) -> tuple[dict[str, DrawNode], list[tuple[str, str]]]:
    """Keep the ``max_nodes - 1`` nodes nearest the outputs (breadth-first against the arrows) and one ``more``
    node standing for the rest."""
    into: dict[str, list[str]] = {}
    for t, h in edges:
        into.setdefault(h, []).append(t)
    keep: dict[str, None] = {}
    queue = deque(nid for nid, dn in nodes.items() if dn.kind == "output")
    while queue and len(keep) < max_nodes - 1:
        nid = queue.popleft()
        if nid in keep:
            continue
        keep[nid] = None
        queue.extend(into.get(nid, ()))
    hidden = len(nodes) - len(keep)
    more = DrawNode(id="more", kind="more", title=f"{hidden:,} more nodes not drawn")
    kept_nodes = {nid: dn for nid, dn in nodes.items() if nid in keep}
    kept_nodes = {"more": more, **kept_nodes}
    kept_edges, seen = [], set()
    for t, h in edges:
        if h not in keep:
            continue
        if t not in keep:
            t = "more"
            if (t, h) in seen:
                continue
            seen.add((t, h))
        kept_edges.append((t, h))
    return kept_nodes, kept_edges


def _in_step(scope: tuple[str, ...]) -> bool:
    return any(scope_kind(name) == "step" for name in scope)


def _finish_edges(
    edges: list[tuple[str, str]], nodes: dict[str, DrawNode], scope_of: dict[str, tuple], summarise: bool
) -> list[DrawEdge]:
    """Turn ``(tail, head)`` pairs into arrows: unconstrained between layers, and, in a collapsed drawing,
    one labelled arrow instead of a fan to (or from) many folded clusters."""
    drop = set()
    labels: dict[tuple[str, str], str] = {}
    if summarise:
        fan_out: dict[str, list[str]] = {}
        fan_in: dict[str, list[str]] = {}
        for t, h in edges:
            if nodes[h].kind == "group" and nodes[t].kind != "group":
                fan_out.setdefault(t, []).append(h)
            if nodes[t].kind == "group" and nodes[h].kind != "group":
                fan_in.setdefault(h, []).append(t)
        for t, heads in fan_out.items():
            if len(heads) > FAN_LIMIT:
                labels[(t, heads[0])] = f"to all {sum(nodes[h].steps for h in heads):,}"
                drop.update((t, h) for h in heads[1:])
        for h, tails in fan_in.items():
            if len(tails) > FAN_LIMIT:
                labels[(tails[-1], h)] = f"from all {sum(nodes[t].steps for t in tails):,}"
                drop.update((t, h) for t in tails[:-1])
    steps: dict[tuple, set] = {}  # layer scope path -> the time steps drawn inside it
    for scope in scope_of.values():
        layer = None
        for i, name in enumerate(scope):
            kind = scope_kind(name)
            if kind == "layer":
                layer = scope[: i + 1]
            elif kind == "step" and layer is not None:
                steps.setdefault(layer, set()).add(name)
    out = []
    links: dict[str, str] = {}
    for t, h in edges:
        if (t, h) in drop:
            continue
        a, b = scope_of.get(t, ()), scope_of.get(h, ())
        n = len(_common_prefix(a, b))
        if not (n < len(a) and n < len(b) and scope_kind(a[n]) == "layer" and scope_kind(b[n]) == "layer"):
            out.append(DrawEdge(t, h, label=labels.get((t, h), "")))
        elif len(steps.get(a[: n + 1], ())) <= LONG_LAYER and (_in_step(a) or _in_step(b)):
            # Between layers: left out of the ranking, so step t of every layer stays in one column.
            out.append(DrawEdge(t, h, constraint=False))
        else:
            # Across a long layer that arrow would span the whole drawing: the tail says where its output
            # goes, and a stub in the other layer says where the input comes from.
            note = f"to {scope_label(b[n])}"
            if note not in nodes[t].lines:
                nodes[t] = replace(nodes[t], lines=[*nodes[t].lines, note])
            stub = f"link{len(links)}"
            links[stub] = stub
            nodes[stub] = DrawNode(id=stub, kind="link", title=f"from {scope_label(a[n])}", cluster=nodes[h].cluster)
            out.append(DrawEdge(stub, h))
    return out


def _sort_key(name: str) -> tuple:
    """Sibling clusters in drawing order: layers from the bottom one up (with ``rankdir=LR`` dot stacks
    clusters declared first at the bottom), steps in time order, the reverse direction after the forward one,
    modules as first met."""
    kind = scope_kind(name)
    if kind == "layer":
        return (0, int(name[1:]))
    if kind == "step":
        return (1, int(name[2:]))
    if kind == "direction":
        return (2, 0)
    if kind == "gate":
        gate = name.split("=", 1)[1]
        return (1, GATE_ORDER.index(gate) if gate in GATE_ORDER else len(GATE_ORDER))
    return (1, 0)


def _cluster_title(path: tuple[str, ...], classes: dict[tuple, str]) -> str:
    """``layer 1``, ``t=2``, or a module's name with its class when they differ (``rnn: RNN``)."""
    name = path[-1]
    cls = classes.get(path)
    return f"{name}: {cls}" if cls is not None and cls != name else scope_label(name)


def _clusters(nodes: dict[str, DrawNode], classes: dict[tuple, str]) -> Cluster:
    """The cluster tree: one cluster per scope path that holds a drawn node (or a cluster that does)."""
    root = Cluster(path=(), label="", kind="root")
    by_path: dict[tuple, Cluster] = {(): root}
    for dn in nodes.values():
        path = dn.cluster
        # Create the missing clusters along the path, outermost first (a loop over the path, not recursion).
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            if sub not in by_path:
                c = Cluster(path=sub, label=_cluster_title(sub, classes), kind=scope_kind(sub[-1]))
                by_path[sub] = c
                by_path[sub[:-1]].children.append(c)
        by_path[path].nodes.append(dn.id)
    for c in by_path.values():
        # Stable sort: clusters of the same kind keep the order they were met in.
        order = {id(ch): i for i, ch in enumerate(c.children)}
        c.children.sort(key=lambda ch: (_sort_key(ch.path[-1]), order[id(ch)]))
    return root
