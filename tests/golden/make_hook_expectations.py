"""Print the PyTorch expectations of the hook scenarios (``tests/hook_scenarios.py``) as a Python literal.

Run from the repository root (needs torch; minigrad itself never imports it)::

    python tests/golden/make_hook_expectations.py > /tmp/expected.py

and paste the printed ``EXPECTED`` into ``tests/autograd/test_hooks.py``: for every scenario, the events in the
order PyTorch called the hooks, with the shapes they saw and a position-weighted sum of each array
(``hook_scenarios.checksums``). It writes no file.
"""

from __future__ import annotations

import pprint
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hook_scenarios import SCENARIOS, checksums  # noqa: E402

if __name__ == "__main__":
    expected = {name: checksums(run(torch)) for name, run in SCENARIOS.items()}
    print(f"# torch {torch.__version__.split('+')[0]}")
    print("EXPECTED = " + pprint.pformat(expected, width=116, compact=True))
