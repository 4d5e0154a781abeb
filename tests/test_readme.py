"""The README's Python examples run as written (so the first page a user reads cannot drift from the code), in the
English README.md and in its Simplified Chinese twin README.zh-CN.md, which link to each other and show the same
code (the same Quickstart)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from translation import MIN_CJK_SHARE, cjk_share

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
README_ZH = ROOT / "README.zh-CN.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", flags=re.S | re.M)


def _python_blocks(readme: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("readme", [README, README_ZH], ids=["en", "zh-CN"])
def test_readme_has_examples(readme: Path):
    assert len(_python_blocks(readme)) >= 2


@pytest.mark.parametrize("readme", [README, README_ZH], ids=["en", "zh-CN"])
def test_readme_examples_give_what_the_comments_say(readme: Path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the first block saves graph.svg
    first, second = {}, {}
    blocks = _python_blocks(readme)
    exec(compile(blocks[0], str(readme), "exec"), first)
    exec(compile(blocks[1], str(readme), "exec"), second)
    # The ten-line example: b's gradient is the column sums of dL/d(x @ w + b).
    y, w, b, x = first["y"], first["w"], first["b"], first["x"]
    dldy = 2 * y.detach().numpy() / y.detach().numpy().size
    dldz = dldy * (1 - y.detach().numpy() ** 2)
    np.testing.assert_allclose(b.grad.numpy(), dldz.sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(w.grad.numpy(), x.detach().numpy().T @ dldz, rtol=1e-5)
    assert second["minigrad"].gradcheck(second["Cube"].apply, (second["x"],))
    svg = (tmp_path / "graph.svg").read_text()
    assert svg.startswith("<?xml") and "TanhBackward0" in svg


def _fresh_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` in a new interpreter that imports minigrad from this checkout, as a reader's script would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("readme", [README, README_ZH], ids=["en", "zh-CN"])
def test_every_readme_block_runs_on_its_own_in_a_fresh_process(readme: Path, tmp_path):
    blocks = _python_blocks(readme)
    for i, block in enumerate(blocks):
        folder = tmp_path / f"block{i}"
        folder.mkdir()
        done = _fresh_python(block, folder)
        assert done.returncode == 0, f"block {i} of {readme.name} fails when pasted alone:\n{done.stderr}"
    out = _fresh_python(blocks[0], tmp_path).stdout
    assert "<TanhBackward0 object at" in out and "minigrad.Size([2, 3])" in out


def test_import_minigrad_is_enough_to_draw_a_graph(tmp_path):
    code = (
        "import minigrad\n"
        "x = minigrad.tensor([1.0, 2.0], requires_grad=True)\n"
        "loss = (x * x).sum()\n"
        "loss.backward()\n"
        "print(type(minigrad.viz.draw_graph(loss)).__name__)\n"
    )
    done = _fresh_python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Digraph"


def test_chinese_readme_has_the_same_code_blocks_quickstart_included():
    english = FENCE.findall(README.read_text(encoding="utf-8"))
    chinese = FENCE.findall(README_ZH.read_text(encoding="utf-8"))
    assert chinese == english
    assert "pip install -e \".[dev]\" && pytest" in english[0][1]  # the Quickstart is the first block


def test_the_readmes_link_to_each_other_at_the_top():
    assert "[简体中文](README.zh-CN.md)" in README.read_text(encoding="utf-8").splitlines()[2]
    assert "[English](README.md)" in README_ZH.read_text(encoding="utf-8").splitlines()[2]


def test_chinese_readme_is_written_in_chinese():
    assert cjk_share(README.read_text(encoding="utf-8")) < 0.01  # only the link "简体中文"
    assert cjk_share(README_ZH.read_text(encoding="utf-8")) >= MIN_CJK_SHARE
