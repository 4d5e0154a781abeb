"""``docs/api/coverage.md`` says, for every public name of PyTorch's everyday namespaces, whether minigrad has it:
the page must be what ``docs/make_api_coverage.py`` writes today (so adding a name without regenerating fails),
and no name minigrad has may be listed as missing."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("make_api_coverage", ROOT / "docs" / "make_api_coverage.py")
coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coverage)

STORED = json.loads(coverage.NAMES.read_text(encoding="utf-8"))
ROW = re.compile(r"^\| `([^`]+)` \| (yes|no) \|(.*)\|$")


def _rows():
    """(namespace title, name, 'yes'/'no', reason) for every row of the page."""
    title = None
    for line in coverage.PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            title = line[3:]
        m = ROW.match(line)
        if m and title:
            name, have, why = m.groups()
            yield title, name, have, why.strip()


def test_the_page_is_what_the_script_writes_today():
    fresh = coverage.render(STORED["names"], STORED["torch_version"])
    assert coverage.PAGE.read_text(encoding="utf-8") == fresh, "stale: run python docs/make_api_coverage.py"


def test_every_pytorch_name_has_a_row_and_every_missing_one_a_reason():
    rows = list(_rows())
    assert len(rows) == sum(len(v) for v in STORED["names"].values())
    for title, name, have, why in rows:
        assert (have == "no") == bool(why.strip()), (title, name)


def test_no_name_minigrad_has_is_listed_as_missing():
    namespaces = {title: coverage.resolve(ours) for title, _, ours in coverage.NAMESPACES}
    wrong = [f"{t}.{n}" for t, n, have, _ in _rows() if (have == "yes") != hasattr(namespaces[t], n)]
    assert wrong == []


def test_the_rules_send_known_names_to_the_right_reason():
    assert coverage.reason("cuda").startswith("another device")
    assert coverage.reason("is_pinned") == "storage and memory internals"
    assert coverage.reason("Conv2d").startswith("convolution")
    assert coverage.reason("to_sparse") == "sparse tensors"
    assert coverage.reason("prod") == "planned"


def test_the_stored_names_are_live_pytorchs():
    torch = pytest.importorskip("torch")
    assert STORED["torch_version"] == torch.__version__.split("+")[0]
    assert STORED["names"] == coverage.torch_names()
