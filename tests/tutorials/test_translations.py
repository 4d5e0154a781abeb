"""The Simplified Chinese tutorials (tutorials/zh/) are kept in step with the English ones.

A twin is ``tutorials/zh/src/NN_name.md`` (built into ``tutorials/zh/NN_name.ipynb`` by ``tutorials/build.py --lang
zh``) for the English ``tutorials/src/NN_name.md``.

- Each twin has an English original, the same code cells byte for byte (so the same outputs and pictures), prose
  that is really Chinese (``MIN_CJK_SHARE``, tests/translation.py, says how much), its goals first and its
  exercises last with a link to the shared solution.
- Each committed twin notebook is its source's, saved with the outputs of a full run, and those outputs are the
  English notebook's (up to memory addresses).
- Each twin notebook runs again here, top to bottom, in a fresh kernel. Its code is the English code (checked
  above), which tests/tutorials/test_notebooks.py already runs on PyTorch and whose solutions it runs: not again.
- Every English tutorial has a twin: ``test_every_english_tutorial_has_a_chinese_twin``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest
from test_notebooks import BUDGET, TUTORIALS, build
from translation import MIN_CJK_SHARE, cjk_share, prose

ENGLISH = {s.name: s for s in build.sources("en")}
TWINS = build.sources("zh")
ZH = TUTORIALS / "zh"


def _id(p: Path) -> str:
    return p.stem


def code_cells(source: Path) -> list[str]:
    return [text for kind, text in build.cells(source) if kind == "code"]


def missing_twins() -> list[str]:
    """English tutorials without a Chinese twin."""
    have = {t.name for t in TWINS}
    return [name for name in ENGLISH if name not in have]


def test_every_english_tutorial_has_a_chinese_twin():
    assert missing_twins() == []


def test_twins_are_found_and_each_has_an_english_original():
    assert TWINS, "no tutorials/zh/src/*.md"
    assert [t.name for t in TWINS if t.name not in ENGLISH] == []
    # A twin's notebook, not its source, is what the site shows: no notebook without a source either.
    assert sorted(p.stem for p in ZH.glob("*.ipynb")) == [t.stem for t in TWINS]


def test_missing_twins_lists_the_english_tutorials_without_a_twin():
    assert set(missing_twins()) | {t.name for t in TWINS} == set(ENGLISH)
    assert not set(missing_twins()) & {t.name for t in TWINS}


@pytest.mark.parametrize("twin", TWINS, ids=_id)
def test_twin_has_the_english_code_cells_byte_for_byte(twin: Path):
    english, chinese = code_cells(ENGLISH[twin.name]), code_cells(twin)
    assert len(chinese) == len(english), f"{twin.name}: {len(chinese)} code cells, the English has {len(english)}"
    for i, (a, b) in enumerate(zip(english, chinese)):
        assert a == b, f"{twin.name}: code cell {i} differs from the English one"


@pytest.mark.parametrize("twin", TWINS, ids=_id)
def test_twin_prose_is_written_in_chinese(twin: Path):
    share = cjk_share(twin.read_text(encoding="utf-8"))
    assert share >= MIN_CJK_SHARE, f"{twin.name}: only {share:.0%} of its prose's letters are Chinese"


def test_cjk_share_tells_a_translation_from_its_original():
    english = ENGLISH["01_tensors_and_broadcasting.md"].read_text(encoding="utf-8")
    assert cjk_share(english) == 0.0
    assert cjk_share("梯度 `grad` 的形状\n```python\nx = 1\n```\n") == 1.0  # code is not prose
    # Half the paragraphs left in English: the share falls well below the threshold.
    half = "张量的形状决定了广播的结果，反向传播时梯度要求和还原。\n\n"
    half += "The shape of a tensor decides what broadcasting gives."
    assert cjk_share(half) < MIN_CJK_SHARE


def _with_english_prose(twin: Path, share: float) -> tuple[str, float]:
    """The twin with its first Markdown cells put back in English until ``share`` of its prose is English."""
    english, chinese = build.cells(ENGLISH[twin.name]), build.cells(twin)
    total = sum(len(prose(text)) for kind, text in english if kind == "markdown")
    parts, done = [], 0
    for (kind, en), (_, zh) in zip(english, chinese):
        if kind == "code":
            parts.append(f"```python\n{zh}\n```")
        elif done < share * total:
            parts.append(en)
            done += len(prose(en))
        else:
            parts.append(zh)
    return "\n\n".join(parts), done / total


def test_a_twin_with_a_quarter_of_its_prose_in_english_fails():
    twin = next(t for t in TWINS if t.name == "01_tensors_and_broadcasting.md")
    assert len(build.cells(twin)) == len(build.cells(ENGLISH[twin.name]))  # cell for cell, to swap them
    whole, none = _with_english_prose(twin, 0.0)
    assert none == 0.0 and cjk_share(whole) >= MIN_CJK_SHARE
    mixed, english = _with_english_prose(twin, 0.25)
    assert 0.25 <= english < 0.4
    assert cjk_share(mixed) < MIN_CJK_SHARE


@pytest.mark.parametrize("twin", TWINS, ids=_id)
def test_twin_opens_with_its_goals_and_closes_with_the_same_exercises(twin: Path):
    english, chinese = build.cells(ENGLISH[twin.name]), build.cells(twin)
    # The same title number, and as many goals as the English list.
    number = re.match(r"# (\d+)\.", english[0][1]).group(1)
    assert chinese[0][0] == "markdown" and re.match(rf"# {number}\. \S", chinese[0][1]), chinese[0][1][:40]

    def bullets(text: str) -> int:
        return len(re.findall(r"^- ", text, flags=re.M))

    assert bullets(chinese[0][1]) == bullets(english[0][1]) > 0
    # The exercises: the last cell, a section with the same number of exercises, linking to the shared solution.
    last_en, last_zh = english[-1][1], chinese[-1]
    assert last_zh[0] == "markdown" and last_zh[1].startswith("## ")
    count = len(re.findall(r"^\d\. ", last_en, flags=re.M))
    assert len(re.findall(r"^\d\. ", last_zh[1], flags=re.M)) == count
    assert f"](../solutions/{twin.stem}.py)" in last_zh[1]
    assert (TUTORIALS / "solutions" / f"{twin.stem}.py").is_file()


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _outputs(nb: nbformat.NotebookNode) -> list[str]:
    """The outputs of the code cells, memory addresses (``<... object at 0x7f...>``) blanked, and the printed
    text of a cell joined into one stream (how the kernel splits it into messages depends on timing)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        joined: list = []
        for o in cell.outputs:
            o = dict(o)
            if joined and o["output_type"] == "stream" and joined[-1]["output_type"] == "stream" \
                    and joined[-1]["name"] == o["name"]:
                joined[-1] = {**joined[-1], "text": joined[-1]["text"] + o["text"]}
            else:
                joined.append(o)
        out.append(_ADDRESS.sub(" at 0x", nbformat.writes(nbformat.from_dict({"o": joined}))))
    return out


@pytest.mark.parametrize("twin", TWINS, ids=_id)
def test_committed_twin_notebook_is_its_source_with_the_english_outputs(twin: Path):
    path = build.notebook_path(twin)
    assert path == ZH / (twin.stem + ".ipynb")
    assert path.exists(), f"run: python tutorials/build.py --lang zh {twin.stem[:2]}"
    assert path.stat().st_size < 1_000_000
    committed = nbformat.read(path, as_version=4)
    nbformat.validate(committed)
    expected = build.notebook(twin)
    assert [(c.cell_type, c.source) for c in committed.cells] == [(c.cell_type, c.source) for c in expected.cells], (
        f"{path.name} differs from {twin.name}: run python tutorials/build.py --lang zh {twin.stem[:2]}"
    )
    code = [c for c in committed.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "saved without a full run"
    english = nbformat.read(TUTORIALS / path.name, as_version=4)
    assert _outputs(committed) == _outputs(english), (
        f"{path.name}'s outputs are not the English notebook's: rebuild both with "
        f"python tutorials/build.py --lang all {twin.stem[:2]}"
    )


@pytest.mark.parametrize("twin", TWINS, ids=_id)
def test_twin_notebook_runs_top_to_bottom_in_a_fresh_kernel(twin: Path, tmp_path: Path):
    nb = nbformat.read(build.notebook_path(twin), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.perf_counter()
    build.execute(nb, tmp_path, timeout=BUDGET)  # raises CellExecutionError, with the cell, on any error
    print(f"zh/{twin.stem}.ipynb: {time.perf_counter() - start:.1f} s")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
