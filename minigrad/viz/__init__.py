"""Draw minigrad's recorded graph: DOT source rendered to SVG or PNG, with or without a system Graphviz.

    >>> from minigrad.viz import draw_graph, save
    >>> g = draw_graph(loss)                  # doctest: +SKIP
    >>> save(g, "graph.svg")                  # doctest: +SKIP
"""

from minigrad.autograd.engine import add_node_hook, record_grad_norm
from minigrad.viz.dot import draw_graph, grad_color, to_dot
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

# Drawings colour every node by the norm of its gradient: backward records it for every node it runs.
add_node_hook(record_grad_norm)

__all__ = [
    "Digraph",
    "GraphModel",
    "RenderError",
    "Renderer",
    "RendererNotFoundError",
    "as_renderable",
    "build_graph",
    "draw_graph",
    "find_renderer",
    "grad_color",
    "pipe",
    "save",
    "to_dot",
]
