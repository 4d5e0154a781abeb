"""From the drawing's model (``minigrad.viz.graph``) to DOT, and ``draw_graph``, the function users call.

Layout choices, all in DOT attributes:

- ``rankdir=LR``: data flows left to right, so an unrolled sequence reads along the time axis;
- clusters are declared upper layer first (they sit on top) and time steps in order; arrows between layers do
  not take part in the ranking (``constraint=false``), so step ``t`` of every layer lines up in one column;
- after ``backward()`` every box is filled by its gradient norm on one logarithmic scale (pale: small,
  dark red: large) and the title block carries the legend; the box's outline tells what it is (an op, a
  parameter, an input, an output).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from minigrad.tensor import Tensor
from minigrad.viz.graph import MAX_STEPS, Cluster, DrawNode, GraphModel, build_graph, shape_text
from minigrad.viz.render import Digraph

__all__ = ["GRAD_PALETTE", "draw_graph", "grad_color", "to_dot"]

#: The font every label is measured and drawn in. Graphviz sizes each box for this font's metrics, so a viewer
#: that lacks it and draws a wider one spills text out of the boxes ("Helvetica" boxes overflow on a machine with
#: only DejaVu fonts). DejaVu Sans is installed on most Linux machines, graphviz-pure carries its metrics, and it
#: is wider than the fonts a viewer would put in its place (Helvetica, Arial, Liberation Sans), which then fit.
FONT = "DejaVu Sans"

#: Gradient-norm colours from the smallest norm drawn to the largest (a yellow-orange-red sequential scale).
GRAD_PALETTE = (
    "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026",
)

# Fill when there is no gradient to show, and outline, per kind of box.
_FILL = {
    "op": "#eeeeee", "param": "#d9ead3", "input": "#d6e4f5", "output": "#fde2cf", "group": "#eeeeee",
    "more": "#ffffff", "link": "#ffffff",
}
_OUTLINE = {
    "op": "#707070", "param": "#2e7d32", "input": "#1f5fa8", "output": "#a33a00", "group": "#505050",
    "more": "#909090", "link": "#707070",
}
_NO_GRAD_FILL = "#e4e4e4"  # backpropagated, but this tensor's gradient is exactly zero

_CLUSTER_STYLE = {
    "module": {"style": "rounded", "color": "#606060", "penwidth": "1.2", "fontsize": "11"},
    "layer": {"style": "rounded,filled", "color": "#c0c0c0", "fillcolor": "#f6f6f6", "fontsize": "10"},
    "direction": {"style": "rounded,filled", "color": "#d9b38c", "fillcolor": "#fbf4ec", "fontsize": "10"},
    "step": {"style": "rounded,dashed", "color": "#a0a0a0", "fontsize": "9"},
    "gate": {"style": "rounded,dotted", "color": "#8c8cb0", "fontsize": "8"},
}


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def grad_color(norm: float, lo: float, hi: float) -> str:
    """The fill colour of a gradient norm on the scale from ``lo`` to ``hi`` (both > 0), linear in log10.

    Returns ``'#rrggbb'``: ``GRAD_PALETTE[0]`` at ``lo`` (or below), ``GRAD_PALETTE[-1]`` at ``hi`` (or above),
    interpolated in between; the middle colour when ``lo == hi``.
    """
    if hi <= lo:
        pos = 0.5
    else:
        pos = (math.log10(norm) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        pos = min(1.0, max(0.0, pos))
    x = pos * (len(GRAD_PALETTE) - 1)
    i = min(int(x), len(GRAD_PALETTE) - 2)
    f = x - i
    a, b = _rgb(GRAD_PALETTE[i]), _rgb(GRAD_PALETTE[i + 1])
    return "#" + "".join(f"{round(u + (v - u) * f):02x}" for u, v in zip(a, b))


def _text_color(fill: str) -> str:
    r, g, b = _rgb(fill)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "black"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _quote(value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return value  # an HTML-like label
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attrs(attrs: dict[str, str]) -> str:
    return "[" + " ".join(f"{k}={_quote(v)}" for k, v in attrs.items()) + "]"


def _shape_line(dn: DrawNode) -> str:
    if dn.shape is None:
        return ""
    text = shape_text(dn.shape)
    if dn.dtype and dn.dtype != "float32":
        text += f" {dn.dtype}"
    return text


def _node_statement(dn: DrawNode, grad_range: tuple[float, float] | None) -> str:
    fill = _FILL[dn.kind]
    if grad_range is not None and dn.grad_norm is not None:
        fill = grad_color(dn.grad_norm, *grad_range) if dn.grad_norm > 0 else _NO_GRAD_FILL
    font = _text_color(fill)
    small = f'<FONT POINT-SIZE="8" COLOR="{"white" if font == "white" else "#333333"}">'
    rows = []
    if dn.kind == "op":
        if dn.name:
            rows.append(f"<B>{_html(dn.name)}</B>")
            rows.append(_html(dn.title))
        else:
            rows.append(f"<B>{_html(dn.title)}</B>")
    elif dn.kind in ("param", "input", "output"):
        rows.append(f"<B>{_html(dn.title)}</B>")
    elif dn.kind == "group":
        rows.append(f"<B>{_html(dn.title)}</B>")
    else:
        rows.append(f"<I>{_html(dn.title)}</I>")
    shape = _shape_line(dn)
    if shape:
        rows.append(small + _html(shape) + "</FONT>")
    rows.extend(small + _html(line) + "</FONT>" for line in dn.lines)
    attrs = {
        "label": "<" + "<BR/>".join(rows) + ">",
        "fillcolor": fill,
        "color": _OUTLINE[dn.kind],
        "fontcolor": font,
    }
    if dn.kind == "group" and dn.steps > 1:
        attrs["style"] = "rounded,filled,dashed"  # a run of folded steps
    elif dn.kind in ("op", "group"):
        attrs["style"] = "rounded,filled"
    elif dn.kind == "output":
        attrs["peripheries"] = "2"
    elif dn.kind == "input":
        attrs["penwidth"] = "2"
    elif dn.kind == "more":
        attrs["shape"] = "note"
    elif dn.kind == "link":
        attrs.update(shape="cds", style="dashed", label=f"<<I>{_html(dn.title)}</I>>")
    return f"{dn.id} {_attrs(attrs)};"


def _swatch(fill: str, text: str) -> str:
    return (
        f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="#999999"><FONT POINT-SIZE="9" COLOR="{_text_color(fill)}">'
        f" {_html(text)} </FONT></TD>"
    )


def _legend(lo: float, hi: float, zero: bool) -> str:
    """One table row: 'gradient norm', a grey '0' swatch if some gradient is exactly zero, then five swatches
    from ``lo`` to ``hi`` labelled with their values."""
    cells = ['<TD ALIGN="RIGHT">gradient norm  </TD>']
    if zero:
        cells.append(_swatch(_NO_GRAD_FILL, "0"))
    steps = 5 if hi > lo else 1
    for k in range(steps):
        v = lo * (hi / lo) ** (k / (steps - 1)) if steps > 1 else lo
        cells.append(_swatch(grad_color(v, lo, hi), f"{v:.2g}" if 1e-3 <= v < 1e4 else f"{v:.1e}"))
    return "<TR>" + "".join(cells) + "</TR>"


def _title(model: GraphModel) -> str:
    width = 7
    rows = [f'<TR><TD ALIGN="LEFT" COLSPAN="{width}"><B>minigrad graph</B>   {_html(model.title)}</TD></TR>']
    for note in model.notes:
        rows.append(
            f'<TR><TD ALIGN="LEFT" COLSPAN="{width}"><FONT COLOR="#a33a00">{_html(note)}</FONT></TD></TR>'
        )
    if model.grad_range is not None:
        zero = any(d.grad_norm == 0 for d in model.nodes.values())
        rows.append(_legend(*model.grad_range, zero))
    return '<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">' + "".join(rows) + "</TABLE>>"


def _cluster_attrs(c: Cluster) -> dict[str, str]:
    style = dict(_CLUSTER_STYLE.get(c.kind, _CLUSTER_STYLE["module"]))
    label = f"<B>{_html(c.label)}</B>" if c.kind == "module" else _html(c.label)
    style["label"] = f"<{label}>"
    style["labeljust"] = "l"
    return style


def _sources(c: Cluster, has_input: set[str]) -> list[str]:
    """The nodes in cluster ``c`` (or inside its sub-clusters) that no drawn arrow points to."""
    found, stack = [], [c]
    while stack:
        c = stack.pop()
        found.extend(n for n in c.nodes if n not in has_input)
        stack.extend(reversed(c.children))
    return found


def _stacking(c: Cluster, tag: int, has_input: set[str], edges: list[str]) -> list[str]:
    """Pin the blocks inside cluster ``c`` bottom to top: its layers, layer 0 lowest; or, in a layer, the
    reverse direction below the forward one.

    With ``rankdir=LR`` the top-to-bottom order of sibling clusters is left to crossing minimisation. To
    fix it, ``c`` gets one invisible point per block, all on one rank left of everything, chained by
    invisible edges from the bottom block up (two nodes of one rank joined by an edge keep their order),
    and an invisible edge from
    each point to every node of its block that nothing else points to: any other stacking would cross.
    Returns the node lines; appends the edge lines to ``edges``.
    """
    layers = [ch for ch in c.children if ch.kind == "layer"]
    reverse = [ch for ch in c.children if ch.kind == "direction"]
    if len(layers) >= 2:
        blocks = [_sources(ch, has_input) for ch in layers]
    elif reverse:
        forward = Cluster(c.path, c.label, c.kind, c.nodes, [ch for ch in c.children if ch.kind != "direction"])
        blocks = [_sources(reverse[0], has_input), _sources(forward, has_input)]
    else:
        return []
    points = [(f"pin{tag}_{i}", b) for i, b in enumerate(blocks) if b]
    if len(points) < 2:
        return []
    lines = [f'{p} [shape=point, style=invis, width=0, height=0, label=""];\n' for p, _ in points]
    lines.append("{rank=same; " + " ".join(p for p, _ in points) + "}\n")
    edges.extend(f"\t{a} -> {b} [style=invis];\n" for (a, _), (b, _) in zip(points, points[1:]))
    edges.extend(f"\t{p} -> {n} [style=invis];\n" for p, block in points for n in block)
    return lines


def _gate_order(c: Cluster, tag: int, edges: list[str]) -> list[str]:
    """Keep a step's gate clusters in PyTorch's order, top to bottom (LSTM i, f, g, o; GRU r, z, n).

    The gates' first ops share a rank and nothing else orders them, so the layout would shuffle them from one
    step to the next. As in :func:`_stacking`: one invisible point per gate on one rank, chained from the
    bottom gate up, each pointing to its gate's first op. Returns the node lines; appends the edges to ``edges``.
    """
    gates = [ch for ch in c.children if ch.kind == "gate" and ch.path[-1].startswith("gate=") and ch.nodes]
    if len(gates) < 2:
        return []
    points = [(f"gate{tag}_{i}", g.nodes[0]) for i, g in enumerate(reversed(gates))]
    lines = [f'{p} [shape=point, style=invis, width=0, height=0, label=""];\n' for p, _ in points]
    lines.append("{rank=same; " + " ".join(p for p, _ in points) + "}\n")
    edges.extend(f"\t{a} -> {b} [style=invis];\n" for (a, _), (b, _) in zip(points, points[1:]))
    edges.extend(f"\t{p} -> {n} [style=invis];\n" for p, n in points)
    return lines


def to_dot(model: GraphModel) -> Digraph:
    """Write a :class:`~minigrad.viz.graph.GraphModel` as a :class:`~minigrad.viz.render.Digraph`."""
    g = Digraph(
        name="minigrad",
        graph_attr={
            "rankdir": "LR", "fontname": FONT, "fontsize": "11", "nodesep": "0.12", "ranksep": "0.28",
            "labelloc": "t", "labeljust": "l", "bgcolor": "white", "label": _title(model),
        },
        node_attr={
            "shape": "box", "style": "filled", "fontname": FONT, "fontsize": "10", "margin": "0.08,0.04",
            "height": "0.3",
        },
        edge_attr={"color": "#555555", "arrowsize": "0.6", "penwidth": "0.9", "fontname": FONT, "fontsize": "8"},
    )
    body = g.body
    # The cluster tree, written with an explicit stack: (cluster, depth, closing?).
    stack: list[tuple[Cluster, int, bool]] = [(model.root, 0, False)]
    ids: dict[tuple, str] = {}
    helper_edges: list[str] = []
    has_input = {e.head for e in model.edges}
    while stack:
        c, depth, closing = stack.pop()
        pad = "\t" * (depth + 1)
        if closing:
            body.append("\t" * depth + "}\n")
            continue
        if c.path:
            ids[c.path] = f"cluster_{len(ids)}"
            body.append("\t" * depth + f"subgraph {ids[c.path]} {{\n")
            body.extend(f"{pad}{k}={_quote(v)};\n" for k, v in _cluster_attrs(c).items())
            stack.append((c, depth, True))
        inner = depth + 1
        if c.path:  # the top level's own nodes come last: declared first, they would pull a layer to them
            body.extend(pad + _node_statement(model.nodes[nid], model.grad_range) + "\n" for nid in c.nodes)
        body.extend(pad + line for line in _stacking(c, len(ids), has_input, helper_edges))
        body.extend(pad + line for line in _gate_order(c, len(ids), helper_edges))
        stack.extend((child, inner, False) for child in reversed(c.children))
    body.extend("\t" + _node_statement(model.nodes[nid], model.grad_range) + "\n" for nid in model.root.nodes)
    body.extend(helper_edges)
    for e in model.edges:
        attrs = {}
        tail, head = e.tail, e.head
        if not e.constraint:
            # Between layers: up from the top of the lower layer's output into the upper layer.
            attrs.update(constraint="false", style="dashed")
            tail, head = f"{tail}:n", f"{head}:s"
        if e.label:
            attrs["label"] = e.label
        body.append(f"\t{tail} -> {head}" + (f" {_attrs(attrs)}" if attrs else "") + "\n")
    return g


def draw_graph(
    *roots: Tensor | tuple,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    show_data: bool = False,
    show_grad: bool = True,
    group: bool = True,
    collapse: str | None = None,
    max_nodes: int = 500,
    max_steps: int | None = MAX_STEPS,
) -> Digraph:
    """Draw the recorded graph that led to ``roots``: ops, parameters, inputs and outputs, grouped by scope.

    Args:
        roots: output tensors (or tuples of them, e.g. ``rnn(x)``), any shape. Each gets an ``output`` box.
        params: names for tensors, e.g. ``dict(model.named_parameters())``; any tensor can be named, and a
            named non-leaf tensor names the op that made it. Without it, parameters are named from the modules
            that made the graph (``rnn.weight_hh_l1``).
        show_data: also print the values of the tensors the drawing holds (leaves, outputs, named tensors):
            all of them up to 4 elements, else their mean and standard deviation.
        show_grad: after ``backward()``, print each tensor's gradient norm ``||dL/dx||`` and colour every box
            by it on one logarithmic scale (legend in the title); no effect before ``backward()``.
        group: draw one cluster per scope: a module, a layer, a direction, a time step.
        collapse: ``"step"`` draws every time step as one box (its input and output shapes inside),
            ``"module"`` every innermost module; ``None`` draws every op.
        max_nodes: above this many boxes the drawing collapses by itself (by step, then by module, then
            keeps the boxes nearest the outputs) and says so in its title.
        max_steps: collapsed by step, a layer (or direction) with more steps than this keeps its first and
            last steps and folds the middle ones into one box that says how many steps it holds and the
            range of their gradient norms, so 1,000 steps read like 12; ``None`` draws every step.

    Returns:
        A :class:`minigrad.viz.Digraph` (a ``graphviz.Digraph``): shown as SVG in Jupyter, ``.source`` is the
        DOT text, ``minigrad.viz.save(graph, "graph.svg")`` writes it. Its ``notes`` list says what the
        title block says about the drawing itself (collapsed by itself, steps folded, no gradients yet).

    Drawing reads the graph only: it changes no node, gradient or tensor, and works before or after
    ``backward()``, with or without ``retain_graph``.

    Example::

        rnn = nn.RNN(4, 3, num_layers=2)
        out, h = rnn(minigrad.randn(3, 1, 4))
        out.pow(2).mean().backward()
        g = draw_graph(out)              # a 2 x 3 grid: layers bottom to top, time left to right
        minigrad.viz.save(g, "rnn.svg")

    See also: ``docs/tutorials`` on reading the graph of an RNN.
    """
    model = build_graph(
        *roots, params=params, show_data=show_data, show_grad=show_grad, group=group, collapse=collapse,
        max_nodes=max_nodes, max_steps=max_steps,
    )
    graph = to_dot(model)
    graph.notes = list(model.notes)
    return graph
