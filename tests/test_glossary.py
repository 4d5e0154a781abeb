"""One glossary (docs/zh/glossary.md, with its English twin docs/glossary.md) that every Chinese text follows.

- Both glossaries list the same English terms with the same Chinese term each, one row per idea: no English or
  Chinese term twice.
- No Chinese text of the project (docs/zh/, the tutorials' Chinese sources, the Chinese READMEs) uses a common
  other rendering of a glossary term where the glossary has its own (``隐状态`` for ``隐藏状态``, ...).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from translation import prose

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY_EN = ROOT / "docs" / "glossary.md"
GLOSSARY_ZH = ROOT / "docs" / "zh" / "glossary.md"

#: Other renderings a translator might reach for -> the glossary's term, which the Chinese texts use instead.
OTHER_RENDERINGS = {
    "隐状态": "隐藏状态", "隐层状态": "隐藏状态", "隐含状态": "隐藏状态",
    "批大小": "批量大小", "批次大小": "批量大小", "批处理大小": "批量大小",
    "反向传递": "反向传播", "后向传播": "反向传播", "沿时间反向传播": "随时间反向传播",
    "梯度弥散": "梯度消失", "独热表示": "独热编码", "学习速率": "学习率",
    "叶节点": "叶子节点", "叶结点": "叶子节点", "结点": "节点", "运算图": "计算图",
}


def glossary(path: Path) -> dict[str, str]:
    """English term -> Chinese term, from the glossary's table (first two columns)."""
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| [^|]+ \|$", path.read_text(encoding="utf-8"), flags=re.M)
    out: dict[str, str] = {}
    for english, chinese in rows[1:]:  # the header row aside
        assert english not in out, f"{path.name}: {english!r} twice"
        out[english] = chinese
    return out


def chinese_texts() -> list[Path]:
    texts = sorted((ROOT / "docs" / "zh").rglob("*.md")) + sorted((ROOT / "tutorials" / "zh").rglob("*.md"))
    return texts + [ROOT / "README.zh-CN.md"]


def test_both_glossaries_pair_the_same_terms_one_row_per_idea():
    english, chinese = glossary(GLOSSARY_EN), glossary(GLOSSARY_ZH)
    assert len(english) >= 40
    assert english == chinese
    assert len(set(chinese.values())) == len(chinese), "one Chinese term per idea"


def test_the_terms_the_translators_were_given_are_in_the_glossary():
    terms = glossary(GLOSSARY_ZH)
    for english, chinese in [("tensor", "张量"), ("broadcasting", "广播"), ("hidden state", "隐藏状态"),
                             ("backprop through time (BPTT)", "随时间反向传播（BPTT）"), ("one-hot", "独热编码"),
                             ("packed sequence", "打包序列"), ("epoch", "轮"), ("chain rule", "链式法则")]:
        assert terms[english] == chinese
    assert set(OTHER_RENDERINGS.values()) <= {t.split("（")[0] for t in terms.values()}


@pytest.mark.parametrize("path", chinese_texts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_text_uses_the_glossary_terms(path: Path):
    text = prose(path.read_text(encoding="utf-8"))
    found = [f"{other} (use {term})" for other, term in OTHER_RENDERINGS.items() if other in text]
    assert found == []
