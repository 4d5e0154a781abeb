"""MkDocs hook: draw the pictures of the docs by running the code the pages show, at every build.

A page asks for a picture with a marker right above one of its ``python`` blocks::

    <!-- figure: first-graph -->
    ```python
    figure = minigrad.viz.draw_graph(loss)
    ```

and shows it with ``![...](../figures/first-graph.svg)``. At build time this hook runs the page's runnable blocks
in order (exactly as tests/docs/test_docs.py does), renders the ``figure`` each marked block leaves behind to
SVG with ``minigrad.viz``, and adds it to the site as ``figures/<name>.svg``. No picture is drawn by hand or
kept as a file, so every picture shows what the library does today.

The block reader and runner below are also the ones the tests use:

- a ``pycon`` block is a doctest session (its printed output must match);
- a ``python`` block is executed;
- ``<!-- norun: reason -->`` right above a block leaves it out.
"""

from __future__ import annotations

import doctest
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

try:
    from mkdocs.plugins import event_priority
except ImportError:  # the tests read the blocks with this module without MkDocs installed
    def event_priority(priority):
        return lambda method: method

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent

RUNNABLE = {"python", "py", "pycon"}
#: The folders of docs/ that hold a translation of the site (mkdocs-static-i18n's folder layout).
LANGUAGES = {"zh"}
MARKER = re.compile(r"<!--\s*(norun|figure)\b:?\s*(.*?)\s*-->")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")


@dataclass
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # 1-based line of the block's first code line
    lang: str
    code: str
    norun: str | None = None  # the reason of a <!-- norun: ... --> marker ("" when none was given)
    figure: str | None = None  # the name of a <!-- figure: ... --> marker

    @property
    def runnable(self) -> bool:
        return self.lang in RUNNABLE and self.norun is None

    def where(self) -> str:
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{page}:{self.line}"


def pages() -> list[Path]:
    """Every Markdown page of the site, in a stable order."""
    return sorted(p for p in DOCS.rglob("*.md") if "hooks" not in p.relative_to(DOCS).parts)


def code_blocks(page: Path) -> list[Block]:
    """Every fenced code block of a page (nested ones too, e.g. inside an admonition), with its marker."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m["indent"], m["fence"], m["lang"].lower()
        prev = i - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        marker = MARKER.search(lines[prev]) if prev >= 0 else None
        body, j = [], i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                break
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        block = Block(page, i + 2, lang, "\n".join(body) + "\n")
        if marker:
            setattr(block, marker.group(1), marker.group(2))
        blocks.append(block)
        i = j + 1
    return blocks


class DocExampleError(AssertionError):
    """A ``pycon`` block printed something other than what the page says."""


def run_block(block: Block, namespace: dict) -> None:
    """Run one runnable block in ``namespace`` (shared by the blocks of a page)."""
    if block.lang == "pycon":
        test = doctest.DocTestParser().get_doctest(block.code, namespace, block.where(), str(block.page),
                                                   block.line - 1)
        if not test.examples:
            raise DocExampleError(f"{block.where()}: a pycon block without '>>>' examples")
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test, out=report.append, clear_globs=False)
        namespace.update(test.globs)  # DocTest runs on a copy: carry the names on to the next blocks
        if runner.failures:
            raise DocExampleError("".join(report))
    else:
        # Blank lines in front keep a traceback's line numbers equal to the page's.
        exec(compile("\n" * (block.line - 1) + block.code, str(block.page), "exec"), namespace)


def figures_of(page: Path) -> list[str]:
    return [b.figure for b in code_blocks(page) if b.figure]


def translation_of(page: Path) -> Path | None:
    """The English page a translated page (``docs/<lang>/...``) mirrors, or None for an English page."""
    parts = page.relative_to(DOCS).parts
    if len(parts) > 1 and parts[0] in LANGUAGES:
        return DOCS.joinpath(*parts[1:])
    return None


def all_figures() -> dict[str, Path]:
    """Figure name -> the English page whose code draws it (its translation shows the same picture)."""
    out: dict[str, Path] = {}
    for page in pages():
        if translation_of(page) is not None:
            continue
        for name in figures_of(page):
            if name in out:
                raise ValueError(f"figure {name!r} is drawn by both {out[name]} and {page}")
            out[name] = page
    return out


def draw_page_figures(page: Path) -> dict[str, bytes]:
    """Run a page's blocks in a scratch folder and render the ``figure`` left by each marked block to SVG."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # so a plain `mkdocs build` from a clone finds minigrad
    import minigrad
    from minigrad.viz import pipe

    out: dict[str, bytes] = {}
    namespace: dict = {"__name__": "__main__"}
    cwd = os.getcwd()
    grad_mode = minigrad.is_grad_enabled()
    minigrad.manual_seed(0)
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        try:
            for block in code_blocks(page):
                if not block.runnable:
                    continue
                before = namespace.get("figure")
                run_block(block, namespace)
                if block.figure:
                    drawing = namespace.get("figure")
                    if drawing is None or drawing is before:
                        raise ValueError(f"{block.where()}: a figure block must assign its drawing to `figure`")
                    out[block.figure] = pipe(drawing, "svg", quiet=True)
        finally:
            os.chdir(cwd)
            minigrad.set_grad_enabled(grad_mode)
    return out


#: Pictures drawn in this process, by figure name: the site is built once per language (docs/zh/ is the Chinese
#: one), and a translated page shows the pictures its English page draws, so each is drawn once.
_drawn: dict[str, bytes] = {}


@event_priority(-200)  # after the i18n plugin (-100), which only handles files read from docs/
def on_files(files, config):
    from mkdocs.structure.files import File

    figures = all_figures()
    if set(figures) - set(_drawn):
        for page in sorted(set(figures.values())):
            _drawn.update(draw_page_figures(page))
    for name in figures:
        files.append(File.generated(config, f"figures/{name}.svg", content=_drawn[name]))
    return files
