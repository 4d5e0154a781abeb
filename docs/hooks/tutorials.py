"""MkDocs hook: show the notebooks of ``tutorials/`` (at the repository root) as pages of the Tutorials section.

The notebooks live outside ``docs/`` so that they are run and edited where learners find them. This hook adds
each ``tutorials/*.ipynb`` to the site as ``tutorials/<name>.ipynb`` (mkdocs-jupyter renders it with its saved
outputs) and appends it to the "Tutorials" section of ``nav``, in file-name order, unless ``mkdocs.yml`` already
lists it. The exercises' solutions (``tutorials/solutions/*.py``) are copied to the site beside the notebooks, and
a notebook's links to them (``solutions/x.py`` from an English notebook, ``../solutions/x.py`` from a translated
one, both right on GitHub) are made relative to its page's own folder. ``mkdocs serve`` also watches the folder.

Languages: with the mkdocs-static-i18n plugin, MkDocs builds the site once per language. In the build of another
language (say ``zh``, whose pages are ``docs/zh/...`` and land at ``zh/...``), each notebook is its translation
``tutorials/zh/<name>.ipynb`` when it exists and the English notebook otherwise (so a tutorial still being
translated keeps its place), added as ``zh/tutorials/<name>.ipynb``; the solutions are shared. Every notebook
page links to its twins in the other languages, for the theme's language switch. Files are added after the
i18n plugin has sorted the pages of ``docs/`` by language (it only knows files under ``docs/``), and wrapped for
mkdocs-jupyter here, since its own ``on_files`` has run by then.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

SECTION = "Tutorials"
DEFAULT_LANGUAGE = "en"


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def solutions(config) -> list[Path]:
    """The exercises' solution scripts, ``tutorials/solutions/*.py`` (shared by every language)."""
    folder = _root(config) / "tutorials" / "solutions"
    return sorted(folder.glob("*.py")) if folder.is_dir() else []


def notebooks(config) -> list[Path]:
    """The (English) tutorial notebooks, sorted by file name (the number prefix gives the reading order)."""
    folder = _root(config) / "tutorials"
    return sorted(folder.glob("*.ipynb")) if folder.is_dir() else []


def _i18n(config):
    return config.plugins.get("i18n")


def current_language(config) -> str:
    """The language being built: the i18n plugin's, or English on a site without it."""
    plugin = _i18n(config)
    return (getattr(plugin, "current_language", None) or DEFAULT_LANGUAGE) if plugin else DEFAULT_LANGUAGE


def languages(config) -> list[str]:
    plugin = _i18n(config)
    return list(plugin.build_languages) if plugin else [DEFAULT_LANGUAGE]


def _prefix(language: str) -> str:
    """Where a language's pages are, in ``docs/`` and in the site: ``""`` for English, ``"zh/"`` for Chinese."""
    return "" if language == DEFAULT_LANGUAGE else f"{language}/"


def notebook_for(config, name: str, language: str) -> Path:
    """The notebook shown as tutorial ``name`` in ``language``: its translation if there is one, else English."""
    english = _root(config) / "tutorials" / name
    if language == DEFAULT_LANGUAGE:
        return english
    twin = _root(config) / "tutorials" / language / name
    return twin if twin.is_file() else english


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


def _file(uri: str, source: Path, config) -> File:
    # A plain File whose source is read from ``source`` (outside docs/): mkdocs-jupyter's wrapper needs
    # abs_src_path to be an ordinary attribute, not File.generated's.
    file = File(uri, src_dir=str(_root(config)), dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls)
    file.abs_src_path = str(source)
    return file


def _page_url(uri: str, use_directory_urls: bool) -> str:
    stem = uri[: -len(".ipynb")]
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


@event_priority(-200)  # after the i18n plugin (-100), which drops files from outside docs/
def on_files(files: Files, config) -> Files:
    from mkdocs_jupyter.plugin import NotebookFile

    language = current_language(config)
    prefix = _prefix(language)
    for nb in notebooks(config):
        uri = f"{prefix}tutorials/{nb.name}"
        if uri in files.src_uris:  # listed by hand in docs/ already
            continue
        source = notebook_for(config, nb.name, language)
        page = NotebookFile(_file(uri, source, config), **config)
        page.abs_src_path = str(source)  # the wrapper is a File too: its own cached property would miss it
        # What the i18n plugin gives every page, so the theme's language switch leads to this page's twin.
        page.locale = page.locale_alternate_of = language
        page.localization = language if prefix else None
        page.norm_src_uri = f"tutorials/{nb.name}"
        page.alternates = {
            lang: SimpleNamespace(url=_page_url(f"{_prefix(lang)}tutorials/{nb.name}", config.use_directory_urls))
            for lang in languages(config)
        }
        page.alternates[language] = page
        files.append(page)
    for script in solutions(config):
        uri = f"{prefix}tutorials/solutions/{script.name}"
        if uri not in files.src_uris:  # a static file, copied as it is
            files.append(_file(uri, script, config))
    return files


_SOLUTION_LINK = re.compile(r'href="(?:\.\./)?solutions/')
_NOTEBOOK_LINK = re.compile(r'href="(\d\d[\w-]*)\.ipynb(#[^"]*)?"')


def on_page_content(html: str, page, config, files) -> str:
    """A notebook page is ``<lang>tutorials/<name>/index.html`` with directory URLs (``<name>.html`` without),
    and the solutions are in ``<lang>tutorials/solutions/``: point the notebook's links to them there, and its
    links to another notebook of its folder (``04_name.ipynb``) to that notebook's page in the same language."""
    src = page.file.src_uri
    if "tutorials/" in src and src.endswith(".ipynb"):
        target = "../solutions/" if config.use_directory_urls else "solutions/"
        html = _SOLUTION_LINK.sub(f'href="{target}', html)
        sibling = r'href="../\1/\2"' if config.use_directory_urls else r'href="\1.html\2"'
        html = _NOTEBOOK_LINK.sub(sibling, html)
    return html


def on_serve(server, config, builder):
    folder = _root(config) / "tutorials"
    if folder.is_dir():
        server.watch(str(folder))
    return server
