"""``ParameterList`` and ``ParameterDict``: registration and ``state_dict`` keys, tensors made Parameters, list and
dict behaviour, reprs (PyTorch's one-line and multi-line forms) and errors, against stored strings and live
PyTorch."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from nn_test_utils import MG, as_minigrad_text, error_of, torch_namespace

import minigrad as mg
from minigrad import nn


def _p(L, *shape, dtype=np.float32):
    return L.nn.Parameter(L.t(np.ones(shape, dtype)))


BUILDS = {
    "list_two": lambda L: L.nn.ParameterList([_p(L, 2, 3), L.t(np.zeros(3, np.float32))]),
    "list_one": lambda L: L.nn.ParameterList([_p(L, 2)]),
    "list_empty": lambda L: L.nn.ParameterList(),
    "list_scalar_and_double": lambda L: L.nn.ParameterList([_p(L), _p(L, 1, dtype=np.float64)]),
    "list_with_object": lambda L: L.nn.ParameterList([_p(L, 2)]).append(5),
    "dict_sorted": lambda L: L.nn.ParameterDict({"b": _p(L, 2), "a": L.t(np.zeros(3, np.float32))}),
    "dict_ordered": lambda L: L.nn.ParameterDict(OrderedDict([("b", _p(L, 2)), ("a", _p(L, 3, 1))])),
    "dict_pairs_long": lambda L: L.nn.ParameterDict([("w", _p(L, 2, dtype=np.float64)), ("s", "text")]),
    "dict_empty": lambda L: L.nn.ParameterDict(),
    "nested": lambda L: L.nn.Sequential(L.nn.Linear(2, 2), L.nn.ParameterList([_p(L, 2), _p(L, 3)])),
}


@pytest.mark.parametrize("name", list(BUILDS))
def test_repr_and_keys_match_torch(name):
    pytest.importorskip("torch")
    mine, theirs = BUILDS[name](MG), BUILDS[name](torch_namespace())
    assert repr(mine) == as_minigrad_text(repr(theirs))
    assert list(mine.state_dict()) == list(theirs.state_dict())


def test_reprs():
    assert repr(BUILDS["list_two"](MG)) == (
        "ParameterList(\n    (0): Parameter containing: [minigrad.float32 of size 2x3]\n"
        "    (1): Parameter containing: [minigrad.float32 of size 3]\n)")
    assert repr(BUILDS["list_one"](MG)) == "ParameterList(  (0): Parameter containing: [minigrad.float32 of size 2])"
    assert repr(BUILDS["dict_sorted"](MG)) == (
        "ParameterDict(\n    (a): Parameter containing: [minigrad.FloatTensor of size 3]\n"
        "    (b): Parameter containing: [minigrad.FloatTensor of size 2]\n)")
    assert repr(BUILDS["list_with_object"](MG)).endswith("(1): Object of type: int\n)")


def test_tensors_become_parameters_that_share_memory_and_train():
    t = mg.zeros(3)
    pl = nn.ParameterList([t])
    assert isinstance(pl[0], nn.Parameter) and pl[0].requires_grad
    pl[0].detach().numpy()[0] = 7.0
    assert t.numpy()[0] == 7.0
    pd = nn.ParameterDict()
    pd["w"] = mg.ones(2)
    assert isinstance(pd["w"], nn.Parameter)


def test_owner_registers_every_entry():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = nn.ParameterList([nn.Parameter(mg.ones(2)) for _ in range(3)])
            self.bias = nn.ParameterDict({"left": nn.Parameter(mg.zeros(2)), "right": nn.Parameter(mg.zeros(2))})

        def forward(self, x):
            for s in self.scales:
                x = x * s
            return x + self.bias["left"] + self.bias["right"]

    m = M()
    assert [n for n, _ in m.named_parameters()] == ["scales.0", "scales.1", "scales.2", "bias.left", "bias.right"]
    m(mg.ones(2)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.double()
    assert m.scales[1].dtype == mg.float64


def test_list_behaviour():
    pl = nn.ParameterList([nn.Parameter(mg.zeros(1)) for _ in range(3)])
    pl.extend([mg.ones(2)])
    pl += [mg.ones(3)]
    assert len(pl) == 5 and [p.shape[0] for p in pl] == [1, 1, 1, 2, 3]
    assert pl[-1] is pl[4]
    sub = pl[1:4]
    assert isinstance(sub, nn.ParameterList) and len(sub) == 3 and sub[2] is pl[3]
    new = nn.Parameter(mg.zeros(5))
    pl[0] = new
    assert pl[0] is new and list(pl.state_dict()) == ["0", "1", "2", "3", "4"]


def test_dict_behaviour():
    pd = nn.ParameterDict([("x", mg.ones(1)), ("y", mg.ones(2))])
    assert list(pd) == ["x", "y"] and "x" in pd and len(pd) == 2
    y = pd.pop("y")
    assert y.shape == (2,) and list(pd.keys()) == ["x"] and "y" not in pd.state_dict()
    assert pd.get("nope") is None and pd.setdefault("z", mg.zeros(3)).shape == (3,)
    assert pd.popitem()[0] == "z"
    both = pd | nn.ParameterDict({"q": mg.ones(1)})
    assert list(both.keys()) == ["x", "q"] and list(pd.keys()) == ["x"]
    pd.update({"b": mg.ones(1), "a": mg.ones(1)})  # a plain dict is added in sorted order
    assert list(pd.keys()) == ["x", "a", "b"]
    pd.clear()
    assert len(pd) == 0 and list(pd.state_dict()) == []


ERRORS = {
    "list_index": (lambda L: L.nn.ParameterList([_p(L, 1)])[3], "IndexError", "index 3 is out of range"),
    "list_extend": (lambda L: L.nn.ParameterList().extend(5), "TypeError",
                    "ParameterList.extend should be called with an iterable, but got int"),
    "dict_missing": (lambda L: L.nn.ParameterDict()["zz"], "AttributeError",
                     "'ParameterDict' object has no attribute 'zz'"),
    "dict_key": (lambda L: L.nn.ParameterDict({1: L.t(np.ones(1))}), "TypeError",
                 "Index given to ParameterDict cannot be used as a key as it is not a string (type is 'int'). Open "
                 "an issue on github if you need non-string keys."),
    "dict_update": (lambda L: L.nn.ParameterDict().update(5), "TypeError",
                    "ParametersDict.update should be called with an iterable of key/value pairs, but got int"),
    "dict_pair_length": (lambda L: L.nn.ParameterDict([("a", 1, 2)]), "ValueError",
                         "ParameterDict update sequence element #0 has length 3; 2 is required"),
    "list_call": (lambda L: L.nn.ParameterList()(1), "RuntimeError", "ParameterList should not be called."),
    "dict_call": (lambda L: L.nn.ParameterDict()(1), "RuntimeError", "ParameterDict should not be called."),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    kind, message = error_of(lambda: ERRORS[name][0](torch_namespace()))
    assert error_of(lambda: ERRORS[name][0](MG)) == (kind, as_minigrad_text(message))
