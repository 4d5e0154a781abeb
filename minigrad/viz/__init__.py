"""Draw minigrad's recorded graph: DOT source rendered to SVG or PNG, with or without a system Graphviz."""

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

__all__ = [
    "Digraph",
    "RenderError",
    "Renderer",
    "RendererNotFoundError",
    "as_renderable",
    "find_renderer",
    "pipe",
    "save",
]
