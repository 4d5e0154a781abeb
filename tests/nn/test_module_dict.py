"""``ModuleDict`` and ``add_module``'s checks: registration and names, dict methods, repr, scopes and PyTorch's errors
(stored PyTorch strings, and live PyTorch where installed)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def heads_model(lib=mg):
    """A body and two heads in a ModuleDict, written with ``lib`` (minigrad or torch)."""

    class Heads(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = lib.nn.Linear(3, 4)
            self.heads = lib.nn.ModuleDict({"chars": lib.nn.Linear(4, 5), "stop": lib.nn.Linear(4, 1)})

        def forward(self, x):
            h = self.body(x).tanh()
            return {name: head(h) for name, head in self.heads.items()}

    return Heads()


def test_parameters_are_registered_under_the_keys_in_order():
    model = heads_model()
    assert [n for n, _ in model.named_parameters()] == [
        "body.weight", "body.bias", "heads.chars.weight", "heads.chars.bias", "heads.stop.weight", "heads.stop.bias"]
    assert list(model.state_dict()) == [n for n, _ in model.named_parameters()]
    out = model(mg.randn(2, 3))
    assert tuple(out["chars"].shape) == (2, 5) and tuple(out["stop"].shape) == (2, 1)


def test_children_record_the_dicts_name_in_their_scope():
    model = heads_model()
    out = model(mg.randn(2, 3))
    assert out["chars"].grad_fn.scope == ("Heads", "heads.chars")
    assert out["stop"].grad_fn.scope == ("Heads", "heads.stop")


def test_dict_methods():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    d = nn.ModuleDict([("a", a), ("b", b)])
    d["c"] = c
    assert list(d) == ["a", "b", "c"] and list(d.keys()) == ["a", "b", "c"]
    assert list(d.values()) == [a, b, c] and list(d.items()) == [("a", a), ("b", b), ("c", c)]
    assert "b" in d and "z" not in d and len(d) == 3 and d["b"] is b
    d["a"] = c  # replacing keeps the key's place
    assert list(d.items()) == [("a", c), ("b", b), ("c", c)]
    assert d.pop("b") is b and list(d) == ["a", "c"]
    del d["a"]
    assert list(d) == ["c"]
    d.update(OrderedDict([("x", a), ("y", b)]))
    d.update(nn.ModuleDict({"z": c}))
    assert list(d) == ["c", "x", "y", "z"]
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []
    with pytest.raises(KeyError):
        d["missing"]


def test_the_same_model_in_pytorch_has_the_same_names_and_repr_live():
    torch = pytest.importorskip("torch")
    ours, theirs = heads_model(mg), heads_model(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    got, want = ours(mg.tensor(x)), theirs(torch.tensor(x))
    for key in want:
        np.testing.assert_allclose(got[key].detach().numpy(), want[key].detach().numpy(), rtol=1e-6, atol=1e-6)


# PyTorch's errors, word for word (checked live below).
ERRORS = {
    "update with a non-iterable": (
        lambda L, d: d.update(5), TypeError,
        "ModuleDict.update should be called with an iterable of key/value pairs, but got int"),
    "update with a short pair": (lambda L, d: d.update([("x",)]), ValueError,
                                 "ModuleDict update sequence element #0 has length 1; 2 is required"),
    "update with a non-pair": (lambda L, d: d.update([1]), TypeError,
                               "ModuleDict update sequence element #0 should be Iterable; isint"),
    "a dotted key": (lambda L, d: d.__setitem__("x.y", L.nn.ReLU()), KeyError,
                     "'module name can\\'t contain \".\", got: x.y'"),
    "an empty key": (lambda L, d: d.__setitem__("", L.nn.ReLU()), KeyError,
                     "'module name can\\'t be empty string \"\"'"),
    "a key that is an attribute": (lambda L, d: d.__setitem__("training", L.nn.ReLU()), KeyError,
                                   "\"attribute 'training' already exists\""),
    "a key that is not a string": (lambda L, d: d.__setitem__(3, L.nn.ReLU()), TypeError,
                                   "module name should be a string. Got int"),
    "a value that is not a Module": (lambda L, d: d.__setitem__("z", 5), TypeError, "int is not a Module subclass"),
}
# The same errors naming a tensor: minigrad's type name where PyTorch prints its own.
TENSOR_VALUE = {"minigrad": "minigrad.FloatTensor is not a Module subclass",
                "torch": "torch.FloatTensor is not a Module subclass"}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_use_pytorchs_words_and_change_nothing(case):
    call, exc, message = ERRORS[case]
    d = nn.ModuleDict({"a": nn.Linear(2, 3)})
    before = list(d.items())
    with pytest.raises(exc) as info:
        call(mg, d)
    assert str(info.value) == message
    assert list(d.items()) == before


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_pytorch_live(case):
    torch = pytest.importorskip("torch")
    call, exc, message = ERRORS[case]
    with pytest.raises(exc) as info:
        call(torch, torch.nn.ModuleDict({"a": torch.nn.Linear(2, 3)}))
    assert str(info.value) == message


def test_add_module_checks_apply_to_every_module():
    model = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        model.add_module("weight", nn.ReLU())
    with pytest.raises(TypeError, match="is not a Module subclass"):
        model.add_module("extra", "not a module")
    model.add_module("extra", None)  # None keeps the name with no module, as in PyTorch
    assert "extra" in model._modules and list(model.children()) == []


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_a_tensor_is_named_by_its_tensor_type(lib):
    L = mg if lib == "minigrad" else pytest.importorskip("torch")
    d = L.nn.ModuleDict()
    with pytest.raises(TypeError) as info:
        d["x"] = L.zeros(2)
    assert str(info.value) == TENSOR_VALUE[lib]
