"""The gradient-flow plot: where gradients grow or fade, after a backward.

``plot_grad_flow(loss)`` (or ``plot_grad_flow(model, loss)``) draws, for the recurrent layers that made the graph,
a heatmap of the hidden states' gradient norms ``||dL/dh_t||`` over layers x time steps (log colour scale: a
vanishing gradient fades to the left, an exploding one glows), and for every named parameter the mean and max of
``|grad|``. ``plot_grad_flow(model)`` alone draws the parameters' bars. The numbers come from what backward
recorded: each node's ``grad_norm`` (``autograd.engine.record_grad_norm``) and each parameter's ``.grad``.
matplotlib is imported only when a plot is made, and never picks a GUI backend itself.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad.autograd.function import Node
from minigrad.nn.module import Module
from minigrad.tensor import Tensor
from minigrad.viz.graph import _module_names, _walk, scope_kind, scope_label

__all__ = ["GradFlow", "grad_flow", "plot_grad_flow"]


@dataclass
class GradFlow:
    """The numbers behind the plot.

    Attributes:
        rows: one label per recurrent layer and direction (``"rnn layer 0"``, ``"rnn layer 0 reverse"``).
        steps: the time steps, ``0 .. T-1``.
        norms: shape ``(len(rows), len(steps))``: ``||dL/dh_t||``, the 2-norm of the whole gradient of each
            step's hidden state (summed over every path: the output at ``t``, the next step, the layer above),
            NaN where a row has no such step.
        params: ``(name, mean |grad|, max |grad|)`` per named parameter with a gradient, in the model's order.
    """

    rows: list[str] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    norms: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    params: list[tuple[str, float, float]] = field(default_factory=list)


def _step_of(scope: tuple[str, ...]) -> tuple[tuple[str, ...], int] | None:
    """``(row scope, t)`` for a node recorded inside a time step, e.g. ``(('rnn', 'l0', 'reverse'), 3)``."""
    for i, name in enumerate(scope):
        if scope_kind(name) == "step":
            return scope[:i], int(name[2:])
    return None


def _row_label(path: tuple[str, ...]) -> str:
    return " ".join(scope_label(s) for s in path)


def grad_flow(model_or_tensor: Module | Tensor, loss: Tensor | None = None) -> GradFlow:
    """Collect what :func:`plot_grad_flow` draws (see there for the arguments)."""
    tensor = model_or_tensor if isinstance(model_or_tensor, Tensor) else loss
    model = model_or_tensor if isinstance(model_or_tensor, Module) else None
    if model is None and tensor is None:
        raise TypeError(f"plot_grad_flow() expects a Module or a Tensor, got {type(model_or_tensor).__name__}")
    flow = GradFlow()
    named: list[tuple[str, Any]] = []
    if model is not None:
        named = list(model.named_parameters())
    if tensor is not None and tensor.grad_fn is not None:
        ops = _walk([tensor.grad_fn])
        # h_t: the node recorded in step t itself (not in a gate or the cell state) whose output leaves the step.
        leaving: dict[Node, None] = {tensor.grad_fn: None}
        for node in ops:
            here = _step_of(node.scope)
            for p in node.parents:
                if isinstance(p, Node) and _step_of(p.scope) is not None and _step_of(p.scope) != here:
                    leaving[p] = None
        leaving = {n: None for n in leaving if scope_kind(n.scope[-1] if n.scope else "") == "step"}
        sums: dict[tuple, dict[int, float]] = {}
        for node in leaving:
            at = _step_of(node.scope)
            if at is None or node.grad_norm is None:
                continue
            row, t = at
            cells = sums.setdefault(row, {})
            cells[t] = cells.get(t, 0.0) + node.grad_norm**2
        if sums:
            rows = sorted(sums, key=lambda r: (r[:-1] if r[-1] == "reverse" else r, r[-1] == "reverse"))
            flow.steps = list(range(max(max(c) for c in sums.values()) + 1))
            flow.rows = [_row_label(r) for r in rows]
            flow.norms = np.full((len(rows), len(flow.steps)), np.nan)
            for i, r in enumerate(rows):
                for t, s in sums[r].items():
                    flow.norms[i, t] = math.sqrt(s)
        if model is None:
            leaf_ids = {id(p) for n in ops for p in n.parents if p is not None and not isinstance(p, Node)}
            names, _ = _module_names(dict.fromkeys(n.scope[0] for n in ops if n.scope), leaf_ids)
            leaves = {id(p): p for n in reversed(ops) for p in n.parents if p is not None and not isinstance(p, Node)}
            named = [(names[k], leaves[k]) for k in leaves if k in names]
    for name, p in named:
        if p.grad is not None:
            a = np.abs(np.asarray(p.grad._data, dtype=np.float64))
            flow.params.append((name, float(a.mean()), float(a.max())))
    return flow


_FIGURE: list[type] = []  # the Figure class below, made on first use so that importing minigrad.viz skips matplotlib


def _figure_class() -> type:
    """A matplotlib ``Figure`` that shows itself as PNG in Jupyter (``_repr_png_``, drawn with Agg), also when no
    pyplot backend has registered a display for figures."""
    if not _FIGURE:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        class GradFlowFigure(Figure):
            """The figure ``plot_grad_flow`` returns: a ``Figure`` with a PNG display for notebooks."""

            def _repr_png_(self) -> bytes:
                buf = io.BytesIO()
                FigureCanvasAgg(self).print_png(buf)
                return buf.getvalue()

        _FIGURE.append(GradFlowFigure)
    return _FIGURE[0]


def plot_grad_flow(
    model_or_tensor: Module | Tensor,
    loss: Tensor | None = None,
    *,
    kind: str = "auto",
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    color_range: tuple[float, float] | None = None,
) -> Any:
    """Plot how the gradient flowed in the last backward: a matplotlib ``Figure``.

    Args:
        model_or_tensor: a ``Module`` (its ``named_parameters()`` give the bars), or the tensor backward ran from
            (its recorded graph gives the heatmap, and the parameters of the modules that made it the bars).
        loss: with a model, the tensor backward ran from, for the heatmap over time steps.
        kind: ``"auto"`` (the heatmap when recurrent layers made the graph, and the bars), ``"steps"`` (the
            heatmap only) or ``"params"`` (the bars only).
        title: the figure's title.
        figsize: the figure's size in inches.
        color_range: ``(low, high)`` ends of the heatmap's log colour scale, to give several figures one scale
            (default: the smallest and largest positive norm shown).

    Returns:
        A ``matplotlib.figure.Figure`` made without pyplot (no GUI backend, nothing shown by itself; Jupyter
        shows it as the cell's value). The heatmap is ``(layers x directions) x T`` with a logarithmic colour
        scale, one row per layer and direction (``layer 0 reverse`` under ``layer 0``); the bars show mean and
        max ``|grad|`` of every parameter, on a log axis. :func:`grad_flow` returns the same numbers.
    """
    if kind not in ("auto", "steps", "params"):
        raise ValueError(f"kind must be 'auto', 'steps' or 'params', got {kind!r}")
    from matplotlib import colormaps
    from matplotlib.colors import LogNorm

    flow = grad_flow(model_or_tensor, loss)
    heat = kind in ("auto", "steps") and len(flow.rows) > 0
    bars = kind in ("auto", "params") and len(flow.params) > 0
    if kind == "steps" and not heat:
        raise ValueError("no time steps in this graph: plot_grad_flow(..., kind='steps') needs a recurrent layer")
    if not heat and not bars:
        raise ValueError("nothing to plot: call backward() first (no parameter has a gradient)")
    panels = [p for p in ("steps", "params") if (p == "steps" and heat) or (p == "params" and bars)]
    heights = [max(1.2, 0.45 * len(flow.rows) + 0.9) if p == "steps" else 3.0 for p in panels]
    width = min(11.0, max(6.0, 0.35 * max(len(flow.steps), len(flow.params)) + 2.5))
    fig = _figure_class()(figsize=figsize or (width, sum(heights)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, panel in zip(axes, panels):
        if panel == "steps":
            data = np.ma.masked_invalid(  # zero and missing cells are grey: no log colour for them
                np.where(flow.norms > 0, flow.norms, np.nan))
            finite = data.compressed()
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (1e-8, 1.0)
            if color_range is not None:
                lo, hi = (float(v) for v in color_range)
            if hi <= lo:
                lo, hi = lo / 2, hi * 2
            cmap = colormaps["viridis"].with_extremes(bad="#e4e4e4")
            im = ax.imshow(data, aspect="auto", cmap=cmap, norm=LogNorm(vmin=lo, vmax=hi), interpolation="nearest")
            ax.set_yticks(range(len(flow.rows)), flow.rows)
            every = max(1, len(flow.steps) // 20)
            ax.set_xticks(flow.steps[::every])
            ax.set_xlabel("time step t")
            ax.set_title("||dL/dh_t|| per layer and time step")
            fig.colorbar(im, ax=ax, label="gradient norm (log)")
        else:
            names = [n for n, _, _ in flow.params]
            x = np.arange(len(names))
            ax.bar(x, [m for _, _, m in flow.params], color="#9ecae1", label="max |grad|")
            ax.bar(x, [m for _, m, _ in flow.params], color="#08519c", width=0.5, label="mean |grad|")
            ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
            if all(m > 0 for _, _, m in flow.params):
                ax.set_yscale("log")
            ax.set_ylabel("|grad|")
            ax.set_title("gradient per parameter")
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
