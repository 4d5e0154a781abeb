"""Tensor reprs equal PyTorch's character for character (with ``torch.`` written ``minigrad.``)."""

from pathlib import Path

import numpy as np
import pytest
from golden.make_ops_fixtures import torch_repr
from golden.ops_cases import REPR_CASES
from golden.packing import load

import minigrad as mg

REPRS = load(Path(__file__).resolve().parents[1] / "fixtures" / "ops_reprs.npz")
IDS = [rc.name for rc in REPR_CASES]


def test_fixture_holds_every_repr_case():
    assert {k.split("/")[0] for k in REPRS} == set(IDS)


@pytest.mark.parametrize("rc", REPR_CASES, ids=IDS)
def test_repr_matches_pytorch_fixture(rc):
    data = REPRS[f"{rc.name}/data"]
    assert repr(rc.make(mg, data)) == REPRS[f"{rc.name}/repr"]


@pytest.mark.parametrize("rc", REPR_CASES, ids=IDS)
def test_repr_matches_pytorch_live(rc):
    torch = pytest.importorskip("torch")
    assert repr(rc.make(mg, rc.data)) == torch_repr(torch, rc)


def test_repr_of_random_tensors_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for _ in range(300):
        shape = tuple(rng.integers(0, 5, size=rng.integers(0, 4)))
        a = rng.standard_normal(shape) * 10.0 ** rng.integers(-6, 10)
        kind = rng.integers(0, 4)
        if kind == 1:
            a = np.round(a)
        elif kind == 2:
            a = rng.integers(-1000, 1000, size=shape)
        elif kind == 3 and a.size:
            a.ravel()[0] = [np.nan, np.inf, -np.inf, 0.0][rng.integers(0, 4)]
        if a.dtype.kind == "f":
            a = a.astype([np.float32, np.float64][rng.integers(0, 2)])
        expected = repr(torch.tensor(a)).replace("torch.", "minigrad.")
        assert repr(mg.tensor(a)) == expected


def test_str_equals_repr():
    t = mg.tensor([[1.5, 2.0]], requires_grad=True) * 2
    assert str(t) == repr(t)


def test_size_and_dtype_print_like_pytorch():
    assert repr(mg.zeros(2, 3).shape) == "minigrad.Size([2, 3])"
    assert repr(mg.tensor(1.0).shape) == "minigrad.Size([])"
    assert repr(mg.float64) == "minigrad.float64"
    assert repr(mg.tensor([1, 2]).dtype) == "minigrad.int64"


def test_grad_fn_repr_names_the_node():
    y = mg.tensor([1.0], requires_grad=True).tanh()
    assert repr(y.grad_fn).startswith("<TanhBackward0 object at 0x")


def test_max_with_dim_prints_like_pytorch_return_type():
    x = mg.tensor([[1.0, 3.0], [4.0, 2.0]])
    assert repr(x.max(1)) == (
        "minigrad.return_types.max(\nvalues=tensor([3., 4.]),\nindices=tensor([1, 0]))"
    )
    values, indices = x.min(0)
    assert values.tolist() == [1.0, 2.0] and indices.tolist() == [0, 1]
