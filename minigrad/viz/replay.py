"""Replay the reverse sweep: what the engine did, node by node, as a page you step through.

``replay_backward(loss)`` runs ``loss.backward()`` with an observer on the engine
(``autograd.engine.add_node_hook``) and records, for every node the engine runs, the gradient that arrived
(dL/d(node's output)) and what the node's backward handed to each of its inputs. Nothing is computed twice: the
observer wraps the running node's own ``fn.backward`` call for that one call and keeps its result.

The recording is drawn on the same layout as ``draw_graph`` (same clusters, names, ``collapse`` and
``max_nodes`` rules); :class:`Replay` writes one self-contained HTML page (the SVG and a small script inline, no
network) with play, pause, step, a slider and the arrow keys.

    >>> r = replay_backward(loss)            # doctest: +SKIP
    >>> r.save("backward.html")              # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pathlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad.autograd.engine import add_node_hook
from minigrad.autograd.function import Node
from minigrad.tensor import Tensor
from minigrad.viz.dot import _NO_GRAD_FILL, grad_color, to_dot
from minigrad.viz.graph import (
    GraphModel,
    _fmt,
    _walk,
    build_graph,
    scope_label,
    shape_text,
)
from minigrad.viz.render import pipe

__all__ = ["Replay", "ReplayFrame", "replay_backward"]

_SERIAL = itertools.count()

#: A gradient with at most this many elements is shown with its values, not only its norm.
SMALL = 6


@dataclass
class ReplayFrame:
    """One step of the sweep.

    Attributes:
        index: the frame number; frame 0 is the forward graph with the seed gradient at the output.
        node: the engine's node that ran in this frame (``None`` in frame 0).
        name: its name (``TanhBackward0``), or the output's title in frame 0.
        drawn_id: the id of the box that stands for it in the drawing (a ``group`` box when collapsed, ``more``
            when the size limit left it out).
        grad: dL/d(node's output) as it arrived, shape = the node's output shape (frame 0: the seed).
        inputs: one ``(label, drawn_id, gradient or None)`` per input of the node, what its backward handed on
            (``None``: that input needs no gradient).
        leaves: ``drawn_id -> dL/d(leaf)`` summed so far in this sweep, plus the ``.grad`` the leaf had before,
            for the leaves that received a part in this frame.
        pending: ``node -> dL/d(its output)`` summed so far, for the nodes that received a part in this frame and
            wait for more (the engine's running sum over paths: a weight's transpose in an RNN gains one time
            step's share per frame).
    """

    index: int
    node: Node | None
    name: str
    drawn_id: str | None
    grad: np.ndarray
    inputs: list[tuple[str, str | None, np.ndarray | None]] = field(default_factory=list)
    leaves: dict[str, np.ndarray] = field(default_factory=dict)
    pending: dict[Node, np.ndarray] = field(default_factory=dict)


class _Spy:
    """Stands in for one node's ``fn`` for one call: runs the real backward and hands its result to ``seen``."""

    __slots__ = ("fn", "seen")

    def __init__(self, fn: Any, seen: Any) -> None:
        self.fn, self.seen = fn, seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fn, name)

    def backward(self, node: Node, grad: np.ndarray) -> Any:
        node.fn = self.fn  # put the real one back first, whatever happens
        out = self.fn.backward(node, grad)
        self.seen(node, out)
        return out


def _record_sweep(root: Tensor, gradient: Any, retain_graph: bool) -> list[tuple[Node, np.ndarray, tuple]]:
    """Run ``root.backward`` and return ``(node, grad arrived, grads handed to its inputs)`` in the engine's order."""
    runs: list[list] = []

    def seen(node: Node, out: Any) -> None:
        out = out if isinstance(out, tuple) else (out,)
        runs[-1][2] = tuple(None if g is None else np.array(g, copy=True) for g in out)

    def hook(node: Node, grad: np.ndarray) -> None:
        runs.append([node, np.array(grad, copy=True), ()])
        node.fn = _Spy(node.fn, seen)

    handle = add_node_hook(hook)
    try:
        root.backward(gradient, retain_graph=retain_graph)
    finally:
        handle.remove()
        for node, _, _ in runs:
            if isinstance(node.fn, _Spy):  # an error stopped the sweep before this node's backward ran
                node.fn = node.fn.fn
    return [tuple(r) for r in runs]


def _norm(g: np.ndarray) -> float:
    f = np.asarray(g, dtype=np.float64).reshape(-1)
    return float(np.sqrt(np.vdot(f, f)))


def _summary(g: np.ndarray | None) -> dict[str, Any]:
    """What the page shows of a gradient: shape, 2-norm, and the values when there are few."""
    if g is None:
        return {"shape": "", "norm": None, "text": "no gradient (input does not require grad)"}
    f = np.asarray(g, dtype=np.float64)
    norm = _norm(f)
    text = f"shape {shape_text(f.shape)}, norm {_fmt(norm)}"
    if f.size <= SMALL:
        vals = ", ".join(_fmt(float(v)) for v in f.reshape(-1))
        text += f", values {vals if f.ndim == 0 else '[' + vals + ']'}"
    return {"shape": shape_text(f.shape), "norm": norm, "text": text}


def _fill(norm: float, grad_range: tuple[float, float] | None) -> str:
    """The colour ``draw_graph`` gives a box with gradient norm ``norm`` (grey for an exact zero)."""
    return _NO_GRAD_FILL if norm == 0 or grad_range is None else grad_color(norm, *grad_range)


def _svg_body(svg: str) -> str:
    """The ``<svg>`` element alone (no XML prolog or doctype), so it can sit inside an HTML page."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


class Replay:
    """A recorded reverse sweep, drawn: shows itself in Jupyter, ``save("backward.html")`` writes the page.

    Attributes:
        frames: ``len(frames) == 1 + number of nodes the engine ran``; see :class:`ReplayFrame`.
        model: the drawing's :class:`~minigrad.viz.graph.GraphModel` (after backward, as ``draw_graph`` has it).
        svg: the drawing as SVG text: the last frame's picture.
    """

    def __init__(self, frames: list[ReplayFrame], model: GraphModel, svg: str, data: dict[str, Any]) -> None:
        self.frames, self.model, self.svg, self._data = frames, model, svg, data
        # The page's element id: the same for the same recording (a notebook's saved outputs do not change from
        # run to run), unique among the replays of one session.
        digest = hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:8]
        self._uid = f"mgr{digest}n{next(_SERIAL)}"

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"<Replay of {len(self.frames) - 1} backward steps over {len(self.model.nodes)} boxes>"

    def to_html(self, standalone: bool = True) -> str:
        """The page: a whole HTML document (``standalone=True``) or a ``<div>`` for a notebook's output."""
        uid = self._uid
        body = _TEMPLATE.replace("__UID__", uid).replace("__SVG__", _svg_body(self.svg))
        data = json.dumps(self._data, separators=(",", ":")).replace("</", "<\\/")
        script = f"<script>({_script()})({json.dumps(uid)}, {data}, {'true' if standalone else 'false'});</script>"
        if not standalone:
            return f"<style>{_CSS.replace('__UID__', uid)}</style>{body}{script}"
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>minigrad backward replay</title><style>{_CSS.replace('__UID__', uid)}</style></head>"
            f"<body>{body}{script}</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return self.to_html(standalone=False)

    def save(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write the self-contained page to ``path`` (``.html``); returns the path."""
        path = pathlib.Path(path)
        path.write_text(self.to_html(standalone=True), encoding="utf-8")
        return path


def replay_backward(
    loss: Tensor,
    gradient: Any = None,
    retain_graph: bool = False,
    *,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    show_data: bool = False,
    group: bool = True,
    collapse: str | None = None,
    max_nodes: int = 500,
) -> Replay:
    """Run ``loss.backward(gradient, retain_graph)`` and record what the engine did, node by node.

    Args:
        loss: the tensor to backpropagate from, any shape (a scalar unless ``gradient`` is given).
        gradient: dL/d(loss), shape ``loss.shape``; as in ``Tensor.backward``.
        retain_graph: as in ``Tensor.backward``.
        params: names for tensors, as in ``draw_graph``.
        show_data: print the values of the tensors drawn, as in ``draw_graph``.
        group: draw the scope clusters, as in ``draw_graph``.
        collapse: ``"step"`` or ``"module"``, as in ``draw_graph``; a collapsed drawing highlights the ``group``
            box (a time step, a module) of the node that runs.
        max_nodes: above this many boxes the drawing collapses by itself, as in ``draw_graph``.

    Returns:
        A :class:`Replay`. Frame 0 is the forward graph with the seed gradient at the output; frame ``k`` is the
        ``k``-th node the engine ran: the gradient that arrived (shape, norm, values when small), what it handed
        to each input, the boxes already done and those waiting, and every leaf's gradient summed so far (a
        weight used at every time step gains one step's share per frame). The last frame is the picture
        ``draw_graph`` gives after this backward.

    Every ``.grad`` ends as ``loss.backward()`` alone leaves it. While it records, the fast engine hands the sweep
    to the lesson engine (``minigrad/autograd/engine.py``), so every step node of a recurrent layer is seen.
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"replay_backward() expects a Tensor, got {type(loss).__name__}")
    ops = _walk([loss.grad_fn])[::-1] if loss.grad_fn is not None else []  # makes lazily recorded step nodes
    before: dict[int, np.ndarray | None] = {}  # id(leaf) -> a copy of the .grad it had before this backward
    for node in ops:
        for p in node.parents:
            if p is not None and not isinstance(p, Node) and id(p) not in before:
                before[id(p)] = None if p.grad is None else np.array(p.grad._data, copy=True)
    runs = _record_sweep(loss, gradient, retain_graph)
    seed = np.ones(loss._data.shape, loss._data.dtype) if gradient is None else np.asarray(
        gradient._data if isinstance(gradient, Tensor) else gradient, dtype=loss._data.dtype
    )

    model = build_graph(
        loss, params=params, show_data=show_data, show_grad=True, group=group, collapse=collapse, max_nodes=max_nodes
    )
    svg = pipe(to_dot(model), "svg", quiet=True).decode("utf-8")
    node_box, leaf_box = model.op_boxes, model.leaf_boxes  # the box that stands for each node and leaf

    def label(p: Any) -> tuple[str, str | None]:
        if isinstance(p, Node):
            return p.name(), node_box.get(p)
        box = leaf_box.get(id(p))
        return (model.nodes[box].title if box in model.nodes else "leaf"), box

    grad_range = model.grad_range
    out_box = "out0"
    frames = [ReplayFrame(0, None, model.nodes[out_box].title if out_box in model.nodes else "output", out_box, seed)]
    totals: dict[int, np.ndarray] = {}  # id(leaf) -> its gradient so far (on top of its earlier .grad)
    sums: dict[Node, np.ndarray] = {}  # node -> dL/d(its output) received so far
    js_frames = [
        {"id": out_box, "name": frames[0].name, "scope": "", "grad": _summary(seed), "ins": [], "lv": {}, "pv": {}}
    ]
    span: dict[str, list[int]] = {}
    for k, (node, g, parts) in enumerate(runs, start=1):
        box = node_box.get(node)
        frame = ReplayFrame(k, node, node.name(), box, g)
        ins, lv, pv = [], {}, {}
        for p, gi in zip(node.parents, parts):
            if p is None:
                continue
            name, pbox = label(p)
            frame.inputs.append((name, pbox, gi))
            ins.append({"name": name, "box": pbox, **_summary(gi)})
            if gi is None:
                continue
            if isinstance(p, Node):
                sums[p] = gi if p not in sums else sums[p] + gi
                frame.pending[p] = sums[p]
                if pbox is not None and model.nodes[pbox].kind == "op":
                    n = _norm(sums[p])
                    pv[pbox] = [f"so far |grad| {_fmt(n)}", _fill(n, grad_range)]
                continue
            key = id(p)
            if key not in totals:
                base = before.get(key)
                totals[key] = np.zeros(p._data.shape, np.float64) if base is None else base.astype(np.float64)
            totals[key] = totals[key] + gi
            if pbox is not None and model.nodes[pbox].kind in ("param", "input"):  # not the size limit's box
                frame.leaves[pbox] = totals[key]
                n = _norm(totals[key])
                one = totals[key].size == 1  # written as draw_graph writes a leaf's gradient
                text = f"grad {_fmt(float(totals[key].reshape(-1)[0]))}" if one else f"|grad| {_fmt(n)}"
                lv[pbox] = [text, _fill(n, grad_range)]
        if box is not None:
            span.setdefault(box, [k, k])[1] = k
        scope = " / ".join(scope_label(s) for s in node.scope)
        js_frames.append(
            {"id": box, "name": node.name(), "scope": scope, "grad": _summary(g), "ins": ins, "lv": lv, "pv": pv}
        )
        frames.append(frame)
    data = {"frames": js_frames, "span": span}
    return Replay(frames, model, svg, data)


_CSS = """
#__UID__ { font-family: Helvetica, Arial, sans-serif; font-size: 13px; color: #222; outline: none; }
#__UID__ .mg-bar { display: flex; gap: 6px; align-items: center; margin: 4px 0 8px; flex-wrap: wrap; }
#__UID__ .mg-bar button { min-width: 2.4em; padding: 2px 8px; cursor: pointer; }
#__UID__ .mg-slider { flex: 1; min-width: 160px; }
#__UID__ .mg-main { display: flex; gap: 12px; align-items: flex-start; }
#__UID__ .mg-svg { overflow: auto; max-height: 80vh; flex: 3; border: 1px solid #ddd; }
#__UID__ .mg-panel { flex: 1; min-width: 240px; max-width: 380px; }
#__UID__ .mg-panel h3 { margin: 0 0 4px; font-size: 15px; }
#__UID__ .mg-panel table { border-collapse: collapse; width: 100%; font-size: 12px; }
#__UID__ .mg-panel td { border-top: 1px solid #eee; padding: 2px 4px; vertical-align: top; }
#__UID__ .mg-muted { color: #777; }
#__UID__ tr.mg-new td { background: #fff3c4; }
"""

_TEMPLATE = """<div id="__UID__" class="mg-replay" tabindex="0">
<div class="mg-bar">
<button class="mg-first" title="first frame (Home)">first</button>
<button class="mg-prev" title="step back (Left arrow)">&#x25C0;</button>
<button class="mg-play" title="play / pause (Space)">play</button>
<button class="mg-next" title="step forward (Right arrow)">&#x25B6;</button>
<button class="mg-last" title="last frame (End)">last</button>
<input class="mg-slider" type="range" min="0" value="0" step="1">
<span class="mg-frame"></span>
</div>
<div class="mg-main">
<div class="mg-svg">__SVG__</div>
<div class="mg-panel">
<h3 class="mg-name"></h3>
<div class="mg-scope mg-muted"></div>
<p><b>gradient arrived</b> (dL/d output): <span class="mg-grad"></span>
<span class="mg-norm" style="display:none"></span></p>
<div class="mg-ins"></div>
<p class="mg-count mg-muted"></p>
<div class="mg-leaves"></div>
</div>
</div>
</div>"""



def _script() -> str:
    """The player (``replay.js`` next to this file, without its two comment lines): a JS function expression."""
    return (pathlib.Path(__file__).parent / "replay.js").read_text(encoding="utf-8").split("\n", 2)[2].strip()
