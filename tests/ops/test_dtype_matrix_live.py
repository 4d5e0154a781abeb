"""Every pairing of bool, int64, int32, float32 and float64 operands in matmul (each route PyTorch's matmul takes:
dot, mv, mm, bmm, and empty operands), ``**``, the regression losses and hardtanh/relu6, against PyTorch live: the
same result dtype and values, or the same exception type and message. ``tests/golden/ops_cases.py`` keeps a few of
these errors as committed fixtures for machines without torch."""

from __future__ import annotations

import itertools

import pytest

import minigrad as mg

DTYPES = ["bool", "int64", "int32", "float32", "float64"]
SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((2, 2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 2)), ((2, 2, 3), (3, 2)),
          ((2, 2, 3), (2, 3, 2)), ((2, 3), (2, 3, 2)), ((3,), (2, 3, 2)), ((0, 3), (3, 2)), ((0,), (0,)),
          ((2, 3), (4, 2)), ((3,), (4,)), ((2, 2, 3), (2, 4, 2)), ((1, 1, 1, 1), (0, 1, 1, 1)), ((2, 0, 3), (2, 3, 2))]


def _ones(lib, dtype, *shape):
    return lib.ones(*shape, dtype=getattr(lib, dtype))


def _cases() -> dict:
    cases = {}
    for (sa, sb), (da, db) in itertools.product(SHAPES, itertools.product(DTYPES, DTYPES)):
        cases[f"{sa}{da}@{sb}{db}"] = lambda L, sa=sa, sb=sb, da=da, db=db: _ones(L, da, *sa) @ _ones(L, db, *sb)
    for da, db in itertools.product(DTYPES, DTYPES):
        pair = lambda L, da=da, db=db: (_ones(L, da, 3), _ones(L, db, 3))  # noqa: E731
        cases[f"pow-{da}-{db}"] = lambda L, pair=pair: pair(L)[0] ** pair(L)[1]
        for loss in ("l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"):
            cases[f"{loss}-{da}-{db}"] = lambda L, pair=pair, loss=loss: getattr(L.nn.functional, loss)(*pair(L))
        cases[f"huber_loss(weight)-{da}-{db}"] = lambda L, pair=pair: L.nn.functional.huber_loss(
            *pair(L), weight=L.ones(3))
    for value in (True, False, 2, 0.5):
        cases[f"bool**{value}"] = lambda L, v=value: _ones(L, "bool", 3) ** v
        cases[f"{value}**bool"] = lambda L, v=value: v ** _ones(L, "bool", 3)
    cases["pow_-bool"] = lambda L: _ones(L, "bool", 3).pow_(_ones(L, "bool", 3))
    for name, dtype, inplace in itertools.product(("hardtanh", "relu6"), DTYPES, (False, True)):
        cases[f"{name}-{dtype}-{inplace}"] = lambda L, n=name, d=dtype, i=inplace: getattr(L.nn.functional, n)(
            _ones(L, d, 3), inplace=i)
    return cases


CASES = _cases()


def _outcome(lib, call):
    try:
        out = call(lib)
    except Exception as err:  # the outcome compared: which error, in which words
        return type(err).__name__, str(err).replace("torch.", "minigrad.")
    return str(out.dtype).split(".")[-1], out.tolist()


@pytest.mark.parametrize("name", list(CASES))
def test_dtypes_and_errors_match_live_pytorch(name):
    torch = pytest.importorskip("torch")
    assert _outcome(mg, CASES[name]) == _outcome(torch, CASES[name])
