"""Make the tutorial notebooks from their sources in ``tutorials/src/`` and run them, saving the outputs.

    python tutorials/build.py                  # every English notebook
    python tutorials/build.py 05 07            # only those whose file name starts with 05 or 07
    python tutorials/build.py --lang zh 05     # the Simplified Chinese twin, from tutorials/zh/src/
    python tutorials/build.py --lang all 05    # both languages

Each language has its own sources and notebooks: English in ``tutorials/src/`` and ``tutorials/``, Simplified
Chinese in ``tutorials/zh/src/`` and ``tutorials/zh/``, with the same file names. A translation has the same code
blocks as its English source, byte for byte (so the same outputs and pictures), and its own prose; the exercises'
solutions in ``tutorials/solutions/`` are shared (a Chinese notebook links to ``../solutions/...``).

A source ``src/NN_name.md`` is Markdown: every fenced ```` ```python ```` block becomes a code cell and the text
between two blocks Markdown cells (one per ``## `` section). The notebook ``NN_name.ipynb`` is written one folder
above its source (next to this script for English) with the outputs of a run in a fresh kernel of the current
Python (``sys.executable``), inside a temporary folder so that nothing a cell might write lands in the work tree.
A code cell whose first line is ``# minigrad-only`` (or a line ending so) is left out when the tests run the
notebook's code on PyTorch.

The tests (``tests/tutorials/``) use ``cells``, ``notebook`` and ``execute`` from here: they check that every
committed notebook is its source's, run each one again, and run the code on PyTorch.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
SOLUTIONS = HERE / "solutions"
#: Language -> the folder of its notebooks; its sources are in the folder's ``src/``.
LANGUAGES = {"en": HERE, "zh": HERE / "zh"}

#: First line of a code cell (or end of a line) that only makes sense on minigrad: drawing, reading its source.
MINIGRAD_ONLY = "# minigrad-only"

_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$\n?", re.MULTILINE | re.DOTALL)


def sources(lang: str = "en") -> list[Path]:
    """The notebook sources of one language (``"en"`` or ``"zh"``), in reading order."""
    return sorted((LANGUAGES[lang] / "src").glob("[0-9][0-9]_*.md"))


def notebook_path(source: Path) -> Path:
    """Where the notebook of ``source`` is saved: ``tutorials/src/x.md`` -> ``tutorials/x.ipynb``,
    ``tutorials/zh/src/x.md`` -> ``tutorials/zh/x.ipynb``."""
    return source.parent.parent / (source.stem + ".ipynb")


def _markdown_cells(text: str) -> list[tuple[str, str]]:
    """Text between two code cells: one Markdown cell per ``## `` section, so every section starts a cell."""
    parts = re.split(r"^(?=## )", text, flags=re.MULTILINE)
    return [("markdown", part.strip("\n")) for part in parts if part.strip()]


def cells(source: Path) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs, kind ``"markdown"`` or ``"code"``, in the order of the source file."""
    text = source.read_text(encoding="utf-8")
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _FENCE.finditer(text):
        out += _markdown_cells(text[pos:m.start()])
        out.append(("code", m.group(1).rstrip("\n")))
        pos = m.end()
    return out + _markdown_cells(text[pos:])


def notebook(source: Path) -> nbformat.NotebookNode:
    """The unexecuted notebook of ``source``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, text) in enumerate(cells(source)):
        cell = nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
        cell.id = f"c{i:03d}"  # stable ids: rebuilding a notebook changes only what really changed
        nb.cells.append(cell)
    return nb


def _kernel_manager(kernel_dir: Path):
    """A kernel manager for an IPython kernel of this very interpreter (not whatever ``python3`` points to)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = kernel_dir / "minigrad-tutorials"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "minigrad tutorials", "language": "python",
    }))
    ksm = KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    return KernelManager(kernel_name="minigrad-tutorials", kernel_spec_manager=ksm)


def execute(nb: nbformat.NotebookNode, workdir: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Run every cell of ``nb`` in a fresh kernel with ``workdir`` as the current folder; outputs go into ``nb``.

    Raises ``nbclient.exceptions.CellExecutionError`` (with the cell and its traceback) at the first error.
    """
    from nbclient import NotebookClient

    km = _kernel_manager(Path(workdir) / ".kernels")
    client = NotebookClient(
        nb, km=km, timeout=timeout, record_timing=False, resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def build(source: Path) -> float:
    """Write ``source``'s notebook with fresh outputs; return the seconds its run took."""
    nb = notebook(source)
    with tempfile.TemporaryDirectory(prefix="minigrad-tutorial-") as tmp:
        start = time.perf_counter()
        execute(nb, Path(tmp))
        seconds = time.perf_counter() - start
    nbformat.validate(nb)
    target = notebook_path(source)
    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Build the tutorial notebooks from their sources.")
    parser.add_argument("--lang", choices=[*LANGUAGES, "all"], default="en",
                        help="which language's notebooks (default: en; all: every language)")
    parser.add_argument("prefixes", nargs="*", help="build only the notebooks whose file name starts so")
    args = parser.parse_args(argv)
    langs = list(LANGUAGES) if args.lang == "all" else [args.lang]
    chosen = [s for lang in langs for s in sources(lang)
              if not args.prefixes or any(s.name.startswith(a) for a in args.prefixes)]
    if not chosen:
        folders = ", ".join(str(LANGUAGES[lang] / "src") for lang in langs)
        print(f"no source in {folders} matches {args.prefixes}", file=sys.stderr)
        return 1
    total = 0.0
    for source in chosen:
        seconds = build(source)
        total += seconds
        target = notebook_path(source)
        size = target.stat().st_size
        print(f"{target.relative_to(HERE)}  ran in {seconds:5.1f} s, {size / 1024:6.0f} KiB")
    print(f"total run time {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
