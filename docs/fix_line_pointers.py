"""Move the line pointers of ``docs/concepts/reading-the-engine.md`` (and its Chinese twin) to where their code
is today: ``python docs/fix_line_pointers.py``. Each pointer names a file (or follows one that does), a line,
and the code on it; the nearest line holding that code wins. ``tests/docs/test_reading_the_engine.py`` checks
the result."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "docs/concepts/reading-the-engine.md", ROOT / "docs/zh/concepts/reading-the-engine.md"]
POINTER = re.compile(r"(`(minigrad/[\w/]+\.py)`[,\s]*)?([Ll]ines? |第 )(\d+)((?:[-–]\d+)?)(:| 行：)\s*`([^`]*)`")


def squash(text: str) -> str:
    return " ".join(text.split())


def fix(page: Path) -> int:
    text = page.read_text(encoding="utf-8")
    current = None
    moved = 0

    def place(m: re.Match) -> str:
        nonlocal current, moved
        current = m.group(2) or current
        lines = (ROOT / current).read_text(encoding="utf-8").split("\n")
        first, code = int(m.group(4)), squash(m.group(7))
        hits = [i + 1 for i, line in enumerate(lines) if code in squash(line)]
        if not hits or first in hits:
            return m.group(0)
        best = min(hits, key=lambda n: abs(n - first))
        rest = m.group(5)
        if rest:
            span = int(rest[1:]) - first
            rest = rest[0] + str(best + span)
        moved += 1
        return m.group(0).replace(f"{m.group(3)}{first}{m.group(5)}", f"{m.group(3)}{best}{rest}", 1)

    text = POINTER.sub(place, text)
    page.write_text(text, encoding="utf-8")
    return moved


if __name__ == "__main__":
    for page in PAGES:
        print(f"{page.relative_to(ROOT)}: {fix(page)} pointers moved")
