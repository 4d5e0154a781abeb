"""The documentation site (docs/, mkdocs.yml) cannot drift from the library.

- Every runnable code block of ``docs/**/*.md`` runs, page by page and in page order, one namespace per page:
  a ``pycon`` block is a doctest session whose printed output must match, a ``python`` block must run without
  error (its asserts are checked). A block is left out only with a ``<!-- norun: reason -->`` line right above it.
- Every public name of minigrad, minigrad.autograd, minigrad.nn, minigrad.nn.functional, minigrad.optim,
  minigrad.data and minigrad.viz (whichever of them exist) has a docstring and appears in the API reference.
- ``mkdocs build --strict`` passes (skipped only when mkdocs is not installed: ``pip install -e ".[docs]"``).
- Every picture is made by code at build time (docs/hooks/figures.py); no image file is kept in docs/.
- The site has two languages: every English page (the generated API pages aside) has a Simplified Chinese twin
  ``docs/zh/<same path>`` with the same code blocks (which therefore run once, on the English page) and prose that
  is really Chinese; both languages build, every page has the language switch, and every internal link of the
  built site, in either language, reaches a file.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import time
import types
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from translation import MIN_CJK_SHARE, cjk_share

import minigrad

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
API = DOCS / "api"

#: The packages whose public names must be documented, as the issue lists them (those that exist are checked).
PACKAGES = [
    "minigrad", "minigrad.autograd", "minigrad.nn", "minigrad.nn.functional", "minigrad.optim", "minigrad.data",
    "minigrad.viz",
]

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
PICTURE_SUFFIXES = {".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".pdf"}


def _load_hook() -> types.ModuleType:
    """docs/hooks/figures.py: the block reader and runner the docs build uses too (so both agree).

    Compiled by hand rather than imported, so no bytecode cache is written next to it."""
    path = DOCS / "hooks" / "figures.py"
    module = types.ModuleType("docs_hooks_figures")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module  # dataclasses look their module up while the class is made
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


hook = _load_hook()
pages, code_blocks, run_block = hook.pages, hook.code_blocks, hook.run_block


def runnable(page: Path) -> list:
    return [b for b in code_blocks(page) if b.runnable]


def _rel(p: Path) -> str:
    return str(p.relative_to(DOCS))


# ---- languages --------------------------------------------------------------------------------------------------
ZH = DOCS / "zh"
translation_of = hook.translation_of


def english_pages() -> list[Path]:
    return [p for p in pages() if translation_of(p) is None]


def needs_twin(page: Path) -> bool:
    """Every English page, except the API pages generated from the (English) docstrings: the API reference has a
    Chinese introduction page only."""
    rel = page.relative_to(DOCS)
    return not (rel.parts[0] == "api" and rel.name != "index.md")


def chinese_pages() -> list[Path]:
    return [p for p in pages() if p.is_relative_to(ZH)]


def _block_key(block) -> tuple:
    return block.lang, block.code, block.norun, block.figure


# A twin's blocks are its English page's (tested below), so they run once, on the English page.
PAGES_WITH_CODE = [p for p in pages() if runnable(p) and translation_of(p) is None]


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=_rel)
def test_runnable_blocks_of_page_run_in_order(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # a block that saves a file writes it here, never into the work tree
    namespace: dict = {"__name__": "__main__"}
    minigrad.manual_seed(0)
    grad_mode = minigrad.is_grad_enabled()
    try:
        for block in runnable(page):
            before = namespace.get("figure")
            run_block(block, namespace)
            if block.figure:
                drawing = namespace.get("figure")
                assert drawing is not before and hasattr(drawing, "source"), f"{block.where()}: set `figure`"
        assert minigrad.is_grad_enabled() == grad_mode, f"{_rel(page)} left grad mode switched"
        assert minigrad.autograd.current_scope() == (), f"{_rel(page)} left a scope open"
    finally:
        minigrad.set_grad_enabled(grad_mode)


def test_every_english_page_has_a_chinese_twin():
    missing = [_rel(p) for p in english_pages() if needs_twin(p) and not (ZH / p.relative_to(DOCS)).is_file()]
    assert missing == [], "pages without a Simplified Chinese twin in docs/zh/"


def test_every_chinese_page_has_an_english_twin():
    assert chinese_pages(), "no docs/zh/"
    assert [_rel(p) for p in chinese_pages() if not translation_of(p).is_file()] == []


@pytest.mark.parametrize("page", chinese_pages(), ids=_rel)
def test_chinese_page_has_the_english_code_blocks(page: Path):
    english, chinese = code_blocks(translation_of(page)), code_blocks(page)
    assert [_block_key(b) for b in chinese] == [_block_key(b) for b in english], (
        f"{_rel(page)}: its code blocks (and their markers) must be {_rel(translation_of(page))}'s"
    )


@pytest.mark.parametrize("page", chinese_pages(), ids=_rel)
def test_chinese_page_prose_is_written_in_chinese(page: Path):
    share = cjk_share(page.read_text(encoding="utf-8"))
    assert share >= MIN_CJK_SHARE, f"{_rel(page)}: only {share:.0%} of its prose's letters are Chinese"


def test_chinese_pages_link_to_every_page_their_english_twins_link_to():
    # A twin cannot lose a link (it may add one, to the glossary say; the strict build checks that it resolves).
    link = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)]*)?\)")
    lost = []
    for page in chinese_pages():
        english = set(link.findall(translation_of(page).read_text(encoding="utf-8")))
        chinese = set(link.findall(page.read_text(encoding="utf-8")))
        if english - chinese:
            lost.append(f"{_rel(page)}: {sorted(english - chinese)}")
    assert lost == []


def test_code_block_reader_finds_fences_markers_and_nested_blocks(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(
        "Text\n\n```pycon\n>>> 1 + 1\n2\n```\n\n<!-- norun: needs torch -->\n```python\nimport torch\n```\n\n"
        "!!! note\n\n    ```python\n    x = 1\n    ```\n\n```bash\nmkdocs serve\n```\n\n"
        "<!-- figure: g -->\n```python\nfigure = 1\n```\n",
        encoding="utf-8",
    )
    blocks = code_blocks(page)
    assert [(b.lang, b.line, b.norun, b.figure) for b in blocks] == [
        ("pycon", 4, None, None), ("python", 10, "needs torch", None), ("python", 16, None, None),
        ("bash", 20, None, None), ("python", 25, None, "g"),
    ]
    assert blocks[2].code == "x = 1\n"
    assert [b.line for b in runnable(page)] == [4, 16, 25]


def test_runnable_pycon_output_is_really_compared(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("```pycon\n>>> 1 + 1\n3\n```\n", encoding="utf-8")
    with pytest.raises(hook.DocExampleError, match="Expected:\n    3\nGot:\n    2"):
        run_block(runnable(page)[0], {})


def test_blocks_of_a_page_share_one_namespace(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("```pycon\n>>> a = 2\n```\n\n```python\nb = a * 3\n```\n\n```pycon\n>>> b\n6\n```\n",
                    encoding="utf-8")
    namespace: dict = {}
    for block in runnable(page):
        run_block(block, namespace)
    assert namespace["b"] == 6


def test_every_prose_page_teaches_with_runnable_code():
    prose = [p for p in pages() if (translation_of(p) or p).relative_to(DOCS).parts[0] not in {"api", "tutorials"}]
    assert prose, "no pages found under docs/"
    assert [_rel(p) for p in prose if not runnable(p)] == []


def test_every_skipped_block_says_why():
    unexplained = [b.where() for p in pages() for b in code_blocks(p) if b.norun == ""]
    assert unexplained == [], "a <!-- norun --> marker needs a reason: <!-- norun: why -->"


# ---- docstrings and the API reference ---------------------------------------------------------------------------
def existing_packages() -> list[str]:
    return [p for p in PACKAGES if importlib.util.find_spec(p) is not None]


def public_names(module: types.ModuleType) -> list[str]:
    """``__all__``, or else the public names the package defines (not the modules and names it imports)."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    prefix = module.__name__
    out = []
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        home = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        if isinstance(home, str) and (home == prefix or home.startswith(prefix + ".")):
            out.append(name)
    return out


def docstring(obj: object) -> str:
    """The object's own docstring (a class's, not one it inherits). Data objects such as ``minigrad.float32``
    cannot carry their own, so theirs is their minigrad type's."""
    if isinstance(obj, type):
        doc = obj.__dict__.get("__doc__")
    elif isinstance(obj, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                          property, classmethod, staticmethod)) or callable(obj):
        doc = getattr(obj, "__doc__", None)
    else:
        kind = type(obj)
        doc = kind.__dict__.get("__doc__") if kind.__module__.startswith("minigrad") else None
    return doc.strip() if isinstance(doc, str) else ""


@pytest.mark.parametrize("package", existing_packages())
def test_public_names_have_docstrings(package: str):
    module = importlib.import_module(package)
    missing = [n for n in public_names(module) if not docstring(getattr(module, n))]
    assert missing == [], f"public names of {package} without a docstring"


def test_the_documented_packages_exist():
    # Guards the list above against a rename: the core packages must be found.
    assert {"minigrad", "minigrad.autograd", "minigrad.nn", "minigrad.optim"} <= set(existing_packages())


DIRECTIVE = re.compile(r"^:::\s+([\w.]+)\s*$", re.M)


def api_directives() -> dict[str, str]:
    """``::: identifier`` lines of docs/api/*.md -> the options block under each (indented lines)."""
    out = {}
    for page in sorted(API.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for m in DIRECTIVE.finditer(text):
            rest = text[m.end():].splitlines()[1:]
            options = []
            for line in rest:
                if line.strip() and not line.startswith((" ", "\t")):
                    break
                options.append(line)
            out[m.group(1)] = "\n".join(options)
    return out


def canonical(module: types.ModuleType, name: str) -> str:
    obj = getattr(module, name)
    obj = getattr(obj, "__wrapped__", obj)  # minigrad.tanh is made from Tensor.tanh and documented as it
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    home, qual = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    return f"{home}.{qual}" if isinstance(home, str) and isinstance(qual, str) else f"{module.__name__}.{name}"


@pytest.mark.parametrize("package", existing_packages())
def test_every_package_has_an_api_page_rendering_all_its_members(package: str):
    directives = api_directives()
    assert package in directives, f"no '::: {package}' in docs/api/*.md"
    assert "members:" not in directives[package], f"'::: {package}' must render every public member"


# ---- the built site ---------------------------------------------------------------------------------------------
@dataclass
class Build:
    site: Path
    returncode: int
    output: str
    seconds: float


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    import mkdocs  # noqa: F401  (a dev dependency: the test command builds the site)

    work = tmp_path_factory.mktemp("docs-build")
    site = work / "site"
    # No bytecode next to docs/hooks/, no Material end-of-life banner in the log.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
           "--site-dir", str(site)]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=900)
    return Build(site, done.returncode, done.stdout + done.stderr, time.perf_counter() - start)


def test_mkdocs_build_strict_passes(built_site: Build, record_property):
    record_property("mkdocs_build_seconds", round(built_site.seconds, 1))
    print(f"mkdocs build --strict took {built_site.seconds:.1f} s")
    assert built_site.returncode == 0, built_site.output
    assert "WARNING" not in built_site.output, built_site.output
    assert (built_site.site / "index.html").is_file()


def _broken_links(site: Path, pages: list[Path]) -> tuple[list[str], int]:
    """Links of ``pages`` (built HTML) to this site that reach no file; and how many links were checked."""
    broken, checked = [], 0
    for page in pages:
        for href in re.findall(r'href="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|//", href):
                continue  # another site
            target = site / href.lstrip("/") if href.startswith("/") else page.parent / href
            checked += 1
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append(f"{page.relative_to(site)}: {href}")
    return broken, checked


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_every_relative_link_of_a_tutorial_page_reaches_a_file_of_the_site(built_site: Build, lang: str):
    assert built_site.returncode == 0, built_site.output
    pages = sorted((built_site.site / lang / "tutorials").glob("[0-9][0-9]_*/index.html"))
    # Every tutorial has its page in both languages (the English notebook while its twin is not there yet).
    assert len(pages) == len(list((ROOT / "tutorials").glob("*.ipynb")))
    broken, checked = _broken_links(built_site.site, pages)
    assert checked and broken == []
    # Each solution link reaches the shared solution, copied beside the pages of its language.
    for page in pages:
        assert f'href="../solutions/{page.parent.name}.py"' in page.read_text(encoding="utf-8"), page


def test_a_tutorial_page_shows_the_chinese_notebook_where_there_is_one(built_site: Build):
    assert built_site.returncode == 0, built_site.output
    twins = sorted((ROOT / "tutorials" / "zh").glob("*.ipynb"))
    assert twins
    for nb in twins:
        html = (built_site.site / "zh" / "tutorials" / nb.stem / "index.html").read_text(encoding="utf-8")
        english = (built_site.site / "tutorials" / nb.stem / "index.html").read_text(encoding="utf-8")
        title = re.match(r"# (.+)", nbformat_first_line(nb)).group(1)
        assert title in html and title not in english


def nbformat_first_line(path: Path) -> str:
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join(cells[0]["source"]).splitlines()[0]


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_every_internal_link_of_the_site_reaches_a_file_in_both_languages(built_site: Build):
    assert built_site.returncode == 0, built_site.output
    pages = _html_pages(built_site.site)
    chinese = [p for p in pages if p.relative_to(built_site.site).parts[0] == "zh"]
    assert len(chinese) >= len(chinese_pages()) and len(pages) > len(chinese)
    broken, checked = _broken_links(built_site.site, pages)
    assert checked > 1000 and broken == []


def test_every_page_of_the_site_has_the_language_switch_to_its_twin(built_site: Build):
    assert built_site.returncode == 0, built_site.output
    site = built_site.site
    for page in _html_pages(site):
        html = page.read_text(encoding="utf-8")
        links = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)"', html))
        assert set(links) == {"en", "zh"}, page.relative_to(site)
        rel = page.relative_to(site)
        # The switch leads to the same page in the other language (home pages link to the language's root).
        twin_rel = Path(*rel.parts[1:]) if rel.parts[0] == "zh" else Path("zh") / rel
        for lang, href in links.items():
            target = site / href.lstrip("/") if href.startswith("/") else page.parent / href
            target = target / "index.html" if not target.suffix else target
            expected = rel if (lang == "zh") == (rel.parts[0] == "zh") else twin_rel
            assert target.resolve() == (site / expected).resolve(), f"{rel}: {lang} -> {href}"


def test_the_chinese_pages_are_built(built_site: Build):
    assert built_site.returncode == 0, built_site.output
    for page in chinese_pages():
        rel = page.relative_to(ZH).with_suffix("")
        html = built_site.site / "zh" / (rel.parent if rel.name == "index" else rel) / "index.html"
        assert html.is_file(), html
        assert '<html lang="zh"' in html.read_text(encoding="utf-8")


def inventory(site: Path) -> set[str]:
    """Names in the site's objects.inv (what mkdocstrings rendered, one per documented object)."""
    raw = (site / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = raw.index(b"\n", header_end) + 1
    body = zlib.decompress(raw[header_end:]).decode("utf-8")
    return {line.split(" ", 1)[0] for line in body.splitlines() if line.strip()}


def test_every_public_name_appears_in_the_built_api_reference(built_site: Build):
    assert built_site.returncode == 0, built_site.output
    rendered = inventory(built_site.site)
    absent = []
    for package in existing_packages():
        module = importlib.import_module(package)
        for name in public_names(module):
            if f"{package}.{name}" not in rendered and canonical(module, name) not in rendered:
                absent.append(f"{package}.{name}")
    assert absent == []


def test_tutorial_notebooks_become_pages_of_the_tutorials_section(tmp_path: Path):
    """docs/hooks/tutorials.py on a small site: notebooks in tutorials/ are rendered and listed in nav order."""
    import mkdocs  # noqa: F401  (dev dependencies, like nbformat)
    import nbformat
    (tmp_path / "docs" / "tutorials").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "docs" / "tutorials" / "index.md").write_text("# Tutorials\n", encoding="utf-8")
    (tmp_path / "tutorials" / "solutions").mkdir(parents=True)
    (tmp_path / "tutorials" / "solutions" / "01-first.py").write_text("print('solved')\n", encoding="utf-8")
    for name, title in [("02-second.ipynb", "Second steps"), ("01-first.ipynb", "First steps")]:
        nb = nbformat.v4.new_notebook()
        link = "Solutions: [solutions/01-first.py](solutions/01-first.py), next: [2](02-second.ipynb#top)"
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n{link}"), nbformat.v4.new_code_cell("print(6 * 7)")]
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
        nbformat.write(nb, tmp_path / "tutorials" / name)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\n"
        f"hooks:\n  - {DOCS / 'hooks' / 'tutorials.py'}\n"
        "plugins:\n  - mkdocs-jupyter:\n      include: ['*.ipynb']\n      cache: false\n"
        "nav:\n  - Home: index.md\n  - Tutorials:\n      - tutorials/index.md\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (tmp_path / "site" / "tutorials" / "01-first" / "index.html").read_text(encoding="utf-8")
    assert "First steps" in page and "42" in page
    # The link to the solution, written relative to the notebook, still reaches the copied script.
    assert 'href="../solutions/01-first.py"' in page
    assert 'href="../02-second/#top"' in page  # a link to another notebook goes to its page
    assert (tmp_path / "site" / "tutorials" / "solutions" / "01-first.py").read_text() == "print('solved')\n"
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert home.index("tutorials/01-first/") < home.index("tutorials/02-second/")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "mkdocs.yml", "site", "tutorials"]  # no cache


# ---- pictures ---------------------------------------------------------------------------------------------------
def test_no_picture_is_kept_as_a_file_in_docs_except_those_make_images_draws():
    # docs/images/ holds the README's pictures, each drawn by docs/make_images.py (tests/docs/test_images.py runs
    # it); every other picture is drawn by docs/hooks/figures.py at build time.
    make_images: dict = {"__name__": "make_images"}
    exec(compile((DOCS / "make_images.py").read_text(encoding="utf-8"), "make_images.py", "exec"), make_images)
    PICTURES = make_images["PICTURES"]
    files = {str(p.relative_to(ROOT)) for p in DOCS.rglob("*") if p.suffix.lower() in PICTURE_SUFFIXES}
    assert files == {f"docs/images/{name}" for name in PICTURES}


def _prose(text: str) -> str:
    """The page without its fenced code blocks and inline code spans (where an image is only quoted)."""
    kept, fence = [], None
    for line in text.splitlines():
        m = hook.FENCE.match(line)
        if fence is None and m:
            fence = m["fence"]
        elif fence is not None and line.strip() and set(line.strip()) == {fence[0]} and len(line.strip()) >= len(fence):
            fence = None
        elif fence is None:
            kept.append(line)
    return re.sub(r"(`+).+?\1", "", "\n".join(kept))


def test_every_picture_a_page_shows_is_drawn_by_code_on_a_page():
    drawn = {f"figures/{name}.svg" for name in hook.all_figures()}
    assert drawn, "no <!-- figure: name --> block found"
    shown, unknown = set(), []
    for page in pages():
        # A Chinese page sits in docs/zh/ and shows its English page's pictures with the same relative links.
        folder = (translation_of(page) or page).parent
        for target in IMAGE.findall(_prose(page.read_text(encoding="utf-8"))):
            resolved = (folder / target).resolve()
            uri = resolved.relative_to(DOCS).as_posix() if resolved.is_relative_to(DOCS) else target
            shown.add(uri)
            if uri not in drawn:
                unknown.append(f"{_rel(page)}: {target}")
    assert unknown == []
    assert drawn <= shown, "a figure is drawn but no page shows it"


def test_every_figure_is_in_the_built_site(built_site: Build):
    assert built_site.returncode == 0, built_site.output
    for name in hook.all_figures():
        svg = (built_site.site / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        assert "<svg" in svg and "</svg>" in svg, name


def test_image_reader_skips_quoted_images():
    text = "![a](figures/a.svg)\n`![b](figures/b.svg)`\n```md\n![c](figures/c.svg)\n```\n"
    assert IMAGE.findall(_prose(text)) == ["figures/a.svg"]


def test_docstring_reader_ignores_inherited_docstrings():
    class Base:
        """Documented."""

    class Child(Base):
        pass

    assert docstring(Base) == "Documented."
    assert docstring(Child) == ""
    assert docstring(minigrad.float32) == inspect.cleandoc(minigrad.dtype.__doc__)
