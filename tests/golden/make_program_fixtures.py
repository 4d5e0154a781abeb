"""Make the PyTorch golden fixtures for the end-to-end programs under ``tests/programs/``.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_program_fixtures.py

It runs every program of ``tests/programs/rnn_programs.py`` (``PROGRAMS``) and of
``tests/programs/course_programs.py`` (``COURSE_PROGRAMS``) on PyTorch, each after ``torch.manual_seed(0)`` with
one thread, and writes ``tests/fixtures/programs_golden.npz``: under ``{program}.{key}`` every array the program
returns (``init.<name>`` is PyTorch's starting state_dict, which the tests load into minigrad; ``losses``,
``final.<name>`` and the rest are what minigrad must reproduce). ``sampled_names`` (drawn with ``multinomial``,
whose random stream is PyTorch's own) is left out. The file loads with ``allow_pickle=False``. The tests import
``run_torch`` from here for their live comparisons.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILE = ROOT / "fixtures" / "programs_golden.npz"
sys.path.insert(0, str(ROOT / "programs"))

from course_programs import COURSE_PROGRAMS  # noqa: E402
from rnn_programs import PROGRAMS  # noqa: E402

ALL_PROGRAMS: dict[str, Callable[..., dict[str, np.ndarray]]] = {**PROGRAMS, **COURSE_PROGRAMS}
NOT_STORED = ("sampled_names",)


def run_torch(name: str) -> dict[str, np.ndarray]:
    """Run program ``name`` on PyTorch from seed 0; returns its arrays (``NOT_STORED`` left out)."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    out: dict[str, Any] = ALL_PROGRAMS[name](torch)
    return {key: value for key, value in out.items() if key not in NOT_STORED}


def main() -> None:
    arrays = {}
    for name in ALL_PROGRAMS:
        for key, value in run_torch(name).items():
            arrays[f"{name}.{key}"] = value
    FIXTURE_FILE.parent.mkdir(exist_ok=True)
    np.savez_compressed(FIXTURE_FILE, **arrays)
    print(f"wrote {len(arrays)} arrays to {FIXTURE_FILE}")


if __name__ == "__main__":
    main()
