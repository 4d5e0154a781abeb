"""Draw minigrad's recorded graph: DOT source rendered to SVG or PNG, with or without a system Graphviz.

    >>> from minigrad.viz import draw_graph, save
    >>> g = draw_graph(loss)                  # doctest: +SKIP
    >>> save(g, "graph.svg")                  # doctest: +SKIP
"""

from minigrad.autograd.engine import add_node_hook, record_grad_norm
from minigrad.viz.dot import draw_graph, grad_color, to_dot
from minigrad.viz.flow import GradFlow, grad_flow, plot_grad_flow
from minigrad.viz.graph import GraphModel, build_graph
from minigrad.viz.render import (
    Digraph,
    Renderer,
    RendererNotFoundError,
    RenderError,
    as_renderable,
    find_renderer,
    pipe,
    save,
)
from minigrad.viz.replay import Replay, ReplayFrame, replay_backward

# Drawings colour every node by the norm of its gradient: backward records it for every node it runs.
add_node_hook(record_grad_norm)

__all__ = [
    "Digraph",
    "GradFlow",
    "GraphModel",
    "RenderError",
    "Renderer",
    "RendererNotFoundError",
    "Replay",
    "ReplayFrame",
    "as_renderable",
    "build_graph",
    "draw_graph",
    "find_renderer",
    "grad_flow",
    "grad_color",
    "pipe",
    "plot_grad_flow",
    "replay_backward",
    "save",
    "to_dot",
]
