"""Turn DOT source into SVG or PNG bytes, with or without a system Graphviz.

Two ``dot``-compatible commands can do the work, tried in this order:

1. the system ``dot`` from Graphviz (https://graphviz.org), when it is on ``PATH``;
2. ``graphviz-pure``, a self-contained port of Graphviz's ``dot`` that ``pip install graphviz-pure``
   puts next to this Python (it comes with minigrad).

Nothing here imports the rest of minigrad: the drawing code (``draw_graph``) builds the DOT text, this module
only renders and saves it.

    >>> from minigrad.viz import pipe, save
    >>> svg = pipe("digraph { x -> TanhBackward0 }", format="svg")   # bytes of an SVG document
    >>> save("digraph { x -> y }", "graph.png")                       # doctest: +SKIP
    PosixPath('graph.png')
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from typing import Any, Protocol

import graphviz

__all__ = [
    "SUFFIX_FORMATS",
    "Digraph",
    "RenderError",
    "Renderer",
    "RendererNotFoundError",
    "as_renderable",
    "find_renderer",
    "pipe",
    "save",
]

SYSTEM_COMMAND = "dot"
PIP_COMMAND = "graphviz-pure"

#: File suffixes :func:`save` understands, and the output format each one asks for.
SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}

INSTALL_HINT = (
    "No Graphviz renderer was found: neither the system 'dot' command nor the 'graphviz-pure' command "
    "is available. Install one of them:\n"
    "    pip install graphviz-pure          # a self-contained dot, no system packages needed\n"
    "    or Graphviz itself (https://graphviz.org/download/, e.g. 'apt install graphviz', "
    "'brew install graphviz').\n"
    "The DOT source is kept on this error as '.source'; saving to a '.dot' file needs no renderer."
)


class _HasSource(Protocol):
    source: str


GraphLike = str | _HasSource


class RenderError(RuntimeError):
    """Rendering failed; ``source`` holds the DOT text, ``stderr`` what the renderer said (may be empty)."""

    def __init__(self, message: str, source: str, stderr: str = "") -> None:
        super().__init__(message)
        self.source = source
        self.stderr = stderr


class RendererNotFoundError(RenderError):
    """Neither the system ``dot`` nor ``graphviz-pure`` is installed; the message says how to get one."""

    def __init__(self, source: str) -> None:
        super().__init__(INSTALL_HINT, source)


@dataclass(frozen=True)
class Renderer:
    """A ``dot``-compatible command: ``name`` is ``"dot"`` or ``"graphviz-pure"``, ``path`` its executable."""

    name: str
    path: str


def _script_dirs() -> list[str]:
    """Folders where pip puts commands for this Python: its own (venv or base), then the ``--user`` one."""
    dirs = [sysconfig.get_path("scripts")]
    user_scheme = sysconfig.get_preferred_scheme("user")
    dirs.append(sysconfig.get_path("scripts", user_scheme))
    return [d for d in dirs if d]


def find_renderer() -> Renderer | None:
    """Return the renderer to use: the system ``dot`` if on ``PATH``, else ``graphviz-pure``, else ``None``.

    ``graphviz-pure`` is looked for first next to the running Python, so it is found in a virtual
    environment that was never activated (whose ``bin/`` is not on ``PATH``).
    """
    system_dot = shutil.which(SYSTEM_COMMAND)
    if system_dot is not None:
        return Renderer(SYSTEM_COMMAND, system_dot)
    for folder in [*_script_dirs(), None]:  # None: search PATH
        found = shutil.which(PIP_COMMAND, path=folder)
        if found is not None:
            return Renderer(PIP_COMMAND, found)
    return None


def _source_of(graph: GraphLike) -> str:
    """DOT text of a string or of an object with a ``.source`` string (``graphviz.Digraph``)."""
    if isinstance(graph, str):
        return graph
    source = getattr(graph, "source", None)
    if not isinstance(source, str):
        raise TypeError(f"expected DOT source (str) or a graph with a .source string, got {type(graph).__name__}")
    return source


#: Raster formats graphviz-pure draws text into itself.
RASTER_FORMATS = ("png", "jpg", "jpeg", "gif", "bmp")

#: graphviz-pure draws raster text only in the fonts it carries (Arimo for Helvetica and Arial, Tinos for Times,
#: Cousine for Courier) and draws any other font in Tinos, a serif. A sans font it does not carry is swapped
#: for Helvetica before a raster render, so the boxes are measured for the font that really draws them.
RASTER_FONT_SWAPS = {"DejaVu Sans": "Helvetica", "Verdana": "Helvetica"}


def _for_raster(source: str) -> str:
    """``source`` with every ``fontname`` graphviz-pure cannot draw in a raster swapped for one it can."""
    for font, carried in RASTER_FONT_SWAPS.items():
        source = source.replace(f'fontname="{font}"', f'fontname="{carried}"')
    return source


def _run(source: str, args: list[str], *, encoding: str = "utf-8", quiet: bool = False) -> bytes:
    """Feed ``source`` to the renderer's stdin with command-line ``args``; return its stdout."""
    renderer = find_renderer()
    if renderer is None:
        raise RendererNotFoundError(source)
    formats = [a[2:].split(":")[0].lower() for a in args if a.startswith("-T")]
    if renderer.name == PIP_COMMAND and any(f in RASTER_FORMATS for f in formats):
        source = _for_raster(source)
    try:
        done = subprocess.run([renderer.path, *args], input=source.encode(encoding), capture_output=True)
    except OSError as exc:
        raise RenderError(f"could not run the renderer {renderer.path}: {exc}", source) from exc
    stderr = done.stderr.decode("utf-8", errors="replace")
    if done.returncode != 0:
        raise RenderError(
            f"{renderer.name} ({renderer.path}) failed with exit status {done.returncode}: {stderr.strip()}",
            source,
            stderr,
        )
    if stderr and not quiet:
        # Layout warnings (e.g. a font without a glyph) are worth seeing but do not stop the render.
        sys.stderr.write(stderr)
    return done.stdout


def pipe(graph: GraphLike, format: str = "svg", *, engine: str = "dot", quiet: bool = False) -> bytes:
    """Render a graph and return the output file's bytes.

    Args:
        graph: DOT source text, or an object with a ``.source`` string such as a ``graphviz.Digraph``.
        format: any output format of the renderer: ``"svg"``, ``"png"``, ``"jpeg"``, ``"dot"``, ...
            (``"dot"`` returns the source laid out, with coordinates).
        engine: layout engine, ``"dot"`` for the layered drawing minigrad uses.
        quiet: do not echo the renderer's warnings to ``sys.stderr``.

    Returns:
        The rendered document, e.g. ``b"<?xml ..."`` for SVG or ``b"\\x89PNG..."`` for PNG.

    Raises:
        RendererNotFoundError: no renderer is installed (the message says how to install one).
        RenderError: the renderer rejected the source or the format; its message is included.
    """
    return _run(_source_of(graph), [f"-K{engine}", f"-T{format}"], quiet=quiet)


def _write_bytes(path: pathlib.Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        # OSError(errno, text) picks the same subclass (FileNotFoundError, PermissionError, ...).
        message = f"cannot write the graph to '{path}': {exc.strerror or exc}"
        raise (OSError(exc.errno, message) if exc.errno else OSError(message)) from exc


def save(graph: GraphLike, path: str | os.PathLike[str], *, quiet: bool = False) -> pathlib.Path:
    """Write a graph to ``path``, in the format its suffix names: ``.svg``, ``.png``, or ``.dot``/``.gv``.

    A ``.dot`` file is the DOT source itself and needs no renderer. The parent folder must exist;
    nothing else is written.

    Args:
        graph: DOT source text, or an object with a ``.source`` string such as a ``graphviz.Digraph``.
        path: where to write; its suffix (any case) picks the format.
        quiet: do not echo the renderer's warnings to ``sys.stderr``.

    Returns:
        ``path`` as a ``pathlib.Path``.

    Raises:
        ValueError: the suffix is not one of ``SUFFIX_FORMATS``.
        RendererNotFoundError: SVG or PNG was asked for and no renderer is installed.
        OSError: the file cannot be written; the message names the path.
    """
    path = pathlib.Path(path)
    source = _source_of(graph)
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"cannot tell the format of '{path}' from its suffix {path.suffix!r}; "
            f"use one of {', '.join(SUFFIX_FORMATS)}"
        )
    data = source.encode("utf-8") if fmt == "dot" else pipe(source, fmt, quiet=quiet)
    _write_bytes(path, data)
    return path


class Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose ``pipe``, ``render`` and Jupyter display use :func:`find_renderer`.

    Build it exactly like ``graphviz.Digraph``; the only other difference is that ``format`` defaults to
    ``"svg"`` (``graphviz`` defaults to PDF, which ``graphviz-pure`` does not write).

        >>> g = Digraph(graph_attr={"rankdir": "LR"})
        >>> g.edge("x", "TanhBackward0")
        >>> g.pipe(format="svg")[:5]          # doctest: +SKIP
        b'<?xml'
    """

    def __init__(self, *args: Any, format: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, format=format or "svg", **kwargs)
        #: Sentences about the drawing itself (``draw_graph`` fills it: collapsed by itself, steps folded).
        self.notes: list[str] = []

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """Return the graph rendered as bytes (or ``str`` when ``encoding`` is given), like ``graphviz``."""
        parts = (format or self.format, renderer or self.renderer, formatter or self.formatter)
        args = [f"-K{engine or self.engine}", "-T" + ":".join(p for p in parts if p)]
        if neato_no_op:
            args.append(f"-n{int(neato_no_op)}")
        data = _run(self.source, args, encoding=self.encoding, quiet=quiet)
        return data if encoding is None else data.decode(encoding)

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
    ) -> str:
        """Save the source, render it to a file, return that file's path; same arguments as ``graphviz``.

        Without ``outfile`` the result sits next to the saved source, named ``<source>.<format>``
        (``graph.gv.svg``); with ``outfile`` the format comes from its suffix unless ``format`` is given,
        and the source is saved beside it as ``<outfile stem>.gv``.
        """
        if outfile is not None:
            outfile = pathlib.Path(outfile)
            if format is None:
                if not outfile.suffix:
                    raise ValueError(f"cannot infer the rendering format from outfile '{outfile}': no suffix")
                format = outfile.suffix[1:].lower()
            if directory is None:
                outfile = pathlib.Path(self.directory, outfile)
            if filename is None:
                filename, directory = outfile.with_suffix(".gv").name, outfile.parent
        format = format or self.format
        source_path = pathlib.Path(self.save(filename, directory=directory))
        if outfile is None:
            suffix = ".".join(p for p in (formatter, renderer, format) if p)
            outfile = source_path.with_name(f"{source_path.name}.{suffix}")
        if not overwrite_source and outfile.resolve() == source_path.resolve():
            raise ValueError(f"outfile '{outfile}' would overwrite the DOT source; pass overwrite_source=True")
        if raise_if_result_exists and outfile.exists():
            raise FileExistsError(f"output file exists: '{outfile}'")
        _write_bytes(outfile, self.pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine))
        if cleanup:
            source_path.unlink()
        if view or quiet_view:
            graphviz.view(outfile, quiet=quiet_view)
        return os.fspath(outfile)


def as_renderable(graph: graphviz.Digraph) -> Digraph:
    """Copy a plain ``graphviz.Digraph`` into a :class:`Digraph`, so it renders without a system Graphviz.

    The copy has the same name, attributes, body, engine and format (the original is not changed).
    """
    return Digraph(
        name=graph.name,
        comment=graph.comment,
        filename=graph.filename,
        directory=graph.directory,
        format=graph.format,
        engine=graph.engine,
        encoding=graph.encoding,
        graph_attr=dict(graph.graph_attr),
        node_attr=dict(graph.node_attr),
        edge_attr=dict(graph.edge_attr),
        body=list(graph.body),
        strict=graph.strict,
        renderer=graph.renderer,
        formatter=graph.formatter,
    )
