"""benchmarks/fuzz_differential.py: a short run prints the table and the one summary line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]


def test_a_short_run_ends_with_the_summary_line():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fuzz_differential.py"), "--cases", "12"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r"fuzz: 12 cases, \d+ mismatches \(.*\), \d+ unexplained, \d+ s", last), last
