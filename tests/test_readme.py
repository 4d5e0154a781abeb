"""The README's Python examples run as written (so the first page a user reads cannot drift from the code)."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(_python_blocks()) >= 2


def test_readme_examples_run_in_order_and_give_what_the_comments_say():
    first, second = {}, {}
    blocks = _python_blocks()
    exec(compile(blocks[0], str(README), "exec"), first)
    second.update(minigrad=first["minigrad"])  # the custom-op block continues the same session
    exec(compile(blocks[1], str(README), "exec"), second)
    # The ten-line example: b's gradient is the column sums of dL/d(x @ w + b).
    y, w, b, x = first["y"], first["w"], first["b"], first["x"]
    dldy = 2 * y.data / y.data.size
    dldz = dldy * (1 - y.data ** 2)
    np.testing.assert_allclose(b.grad.data, dldz.sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(w.grad.data, x.data.T @ dldz, rtol=1e-5)
    assert second["minigrad"].gradcheck(second["Cube"].apply, (second["x"],))
