"""MkDocs hook: show the notebooks of ``tutorials/`` (at the repository root) as pages of the Tutorials section.

The notebooks live outside ``docs/`` so that they are run and edited where learners find them. This hook adds
each ``tutorials/*.ipynb`` to the site as ``tutorials/<name>.ipynb`` (mkdocs-jupyter renders it with its saved
outputs) and appends it to the "Tutorials" section of ``nav``, in file-name order, unless ``mkdocs.yml`` already
lists it. The exercises' solutions (``tutorials/solutions/*.py``) are copied to the site beside the notebooks, and
a notebook's links to them (``solutions/x.py``, right on GitHub) are made relative to its page's own folder.
``mkdocs serve`` also watches the folder.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

SECTION = "Tutorials"


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def solutions(config) -> list[Path]:
    """The exercises' solution scripts, ``tutorials/solutions/*.py``."""
    folder = _root(config) / "tutorials" / "solutions"
    return sorted(folder.glob("*.py")) if folder.is_dir() else []


def notebooks(config) -> list[Path]:
    """The tutorial notebooks, sorted by file name (the number prefix gives the reading order)."""
    folder = _root(config) / "tutorials"
    return sorted(folder.glob("*.ipynb")) if folder.is_dir() else []


def _listed(entries: list) -> set[str]:
    out = set()
    for entry in entries:
        out.add(entry if isinstance(entry, str) else next(iter(entry.values())))
    return out


def on_config(config):
    section = next((item for item in config.nav or [] if isinstance(item, dict) and SECTION in item), None)
    if section is None:
        return config
    entries = section[SECTION]
    listed = _listed(entries)
    for nb in notebooks(config):
        uri = f"tutorials/{nb.name}"
        if uri not in listed:
            entries.append(uri)
    return config


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files: Files, config) -> Files:
    for nb in notebooks(config):
        uri = f"tutorials/{nb.name}"
        if files.get_file_from_path(uri) is None:
            # A plain File rooted at the repository (not File.generated): mkdocs-jupyter's wrapper needs its
            # abs_src_path to be an ordinary attribute.
            files.append(File(uri, src_dir=str(_root(config)), dest_dir=config.site_dir,
                              use_directory_urls=config.use_directory_urls))
    for script in solutions(config):
        uri = f"tutorials/solutions/{script.name}"
        if files.get_file_from_path(uri) is None:  # a static file, copied as it is
            files.append(File(uri, src_dir=str(_root(config)), dest_dir=config.site_dir,
                              use_directory_urls=config.use_directory_urls))
    return files


def on_page_content(html: str, page, config, files) -> str:
    """A notebook page is ``tutorials/<name>/index.html`` with directory URLs, one folder below the notebook's
    own: its links to ``solutions/...`` (written relative to the notebook) go one level up."""
    src = page.file.src_uri
    if config.use_directory_urls and src.startswith("tutorials/") and src.endswith(".ipynb"):
        html = html.replace('href="solutions/', 'href="../solutions/')
    return html


def on_serve(server, config, builder):
    folder = _root(config) / "tutorials"
    if folder.is_dir():
        server.watch(str(folder))
    return server
