"""The "Reading the engine" page points at lines of the engine and of one op: each pointer names the line and
quotes its code, and this test keeps every such pointer true as the code moves. Its Simplified Chinese twin
(docs/zh/concepts/reading-the-engine.md) writes the same pointers the Chinese way (`第 12 行：`code``) and must
have exactly the English page's."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "concepts" / "reading-the-engine.md"
PAGE_ZH = ROOT / "docs" / "zh" / "concepts" / "reading-the-engine.md"

# `minigrad/x.py`, line 12: `code`   |   line 12: `code`   |   lines 345-357: `code` (the first line's)
POINTER = re.compile(r"(?:`(minigrad/[\w/]+\.py)`,\s+)?\blines?\s+(\d+)(?:-(\d+))?(?::\s+`([^`]+)`)?", re.IGNORECASE)
# `minigrad/x.py` 第 12 行：`code`   |   第 12 行：`code`   |   第 345-357 行：`code`
POINTER_ZH = re.compile(r"(?:`(minigrad/[\w/]+\.py)`\s*)?第\s*(\d+)(?:-(\d+))?\s*行(?:：\s*`([^`]+)`)?")


def _pointers(page=PAGE, pointer=POINTER):
    text = " ".join(page.read_text(encoding="utf-8").split())  # one line: pointers wrap across lines
    current = None
    for m in pointer.finditer(text):
        path, first, last, code = m.groups()
        current = path or current
        yield current, int(first), int(last) if last else None, code


def test_the_page_has_pointers_into_the_engine_an_op_and_function_apply():
    files = {p for p, *_ in _pointers()}
    assert {"minigrad/autograd/engine.py", "minigrad/autograd/function.py", "minigrad/ops/elementwise.py"} <= files
    assert len([1 for *_, code in _pointers() if code]) >= 15


def test_every_pointer_names_the_line_that_holds_its_code():
    wrong = []
    for path, first, last, code in _pointers():
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        assert last is None or first <= last <= len(lines), (path, first, last)
        if code is None:
            continue
        line = " ".join(lines[first - 1].split())
        if " ".join(code.split()) not in line:
            wrong.append(f"{path}:{first}: page says {code!r}, file has {line!r}")
    assert wrong == [], "run python docs/fix_line_pointers.py"


def test_the_chinese_page_has_the_english_pages_pointers():
    english = list(_pointers())
    assert list(_pointers(PAGE_ZH, POINTER_ZH)) == english
