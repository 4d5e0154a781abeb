"""How much of a translated page is really Chinese: shared by the tests of the tutorials' and the docs' twins."""

from __future__ import annotations

import re

#: The least share of Chinese characters among the letters of a twin's prose (code, inline code, link targets and
#: HTML comments left out). Identifiers are mostly in backticks, so a fully translated tutorial measures about 0.9
#: (tutorial 01 measures 0.94) and an English one 0.00. Put back the English of 01's first Markdown cells and it
#: falls: 13% of the prose in English gives 0.71, 18% gives 0.64, a third 0.45, half 0.31. 0.6 fails a twin that
#: leaves a fifth or more of its prose untranslated, and leaves room for a page whose prose names many things
#: (PyTorch, RNN, LSTM) outside backticks. tests/tutorials/test_translations.py pins that with tutorial 01.
MIN_CJK_SHARE = 0.6

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def prose(markdown: str) -> str:
    """What a reader reads as text: no fenced code, inline code, link targets, HTML comments or URLs."""
    text = re.sub(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", "", markdown, flags=re.M | re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"(`+).+?\1", "", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"https?://\S+", "", text)


def cjk_share(markdown: str) -> float:
    """Chinese characters / (Chinese characters + Latin letters) in the prose of ``markdown``."""
    text = prose(markdown)
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0
