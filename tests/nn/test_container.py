"""``Sequential`` and ``ModuleList``: registration and names, indexing and editing, forward, reprs and errors
(stored PyTorch strings and live PyTorch), and the graph scopes of their children."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from nn_test_utils import MG, as_minigrad_text, error_of, module_gradcheck, torch_namespace

import minigrad as mg
from minigrad import nn


def mlp(L):
    return L.nn.Sequential(L.nn.Linear(2, 3), L.nn.Tanh(), L.nn.Linear(3, 1))


# ---- Sequential ------------------------------------------------------------------------------------------
def test_forward_chains_the_children():
    model = mlp(MG).double()
    x = mg.randn(4, 2, dtype=mg.float64)
    np.testing.assert_array_equal(model(x).detach().numpy(), model[2](model[1](model[0](x))).detach().numpy())
    assert nn.Sequential()(x) is x


def test_parameter_names_and_state_dict_keys():
    model = mlp(MG)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"]
    assert named.fc is named[0]


def test_state_dict_keys_match_torch_for_nested_containers():
    pytest.importorskip("torch")

    def build(L):
        return L.nn.Sequential(L.nn.Sequential(L.nn.Linear(2, 2)), L.nn.ReLU(),
                               L.nn.ModuleList([L.nn.Linear(2, 2), L.nn.Embedding(3, 2)]))

    assert list(build(MG).state_dict()) == list(build(torch_namespace()).state_dict())


def test_indexing_and_slicing():
    model = mlp(MG)
    assert model[-1] is model[2]
    part = model[1:]
    assert isinstance(part, nn.Sequential) and list(part._modules) == ["1", "2"]
    assert part[0] is model[1]
    assert list(model[::2]._modules) == ["0", "2"]
    assert len(model) == 3 and list(model) == [model[0], model[1], model[2]]


def test_editing():
    relu, tanh, sig = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    seq = nn.Sequential(relu, sig)
    seq.insert(1, tanh)
    assert list(seq) == [relu, tanh, sig] and list(seq._modules) == ["0", "1", "2"]
    del seq[0]
    assert list(seq) == [tanh, sig] and list(seq._modules) == ["0", "1"]
    assert seq.pop(0) is tanh and list(seq) == [sig]
    seq.append(relu).extend([tanh])
    assert list(seq) == [sig, relu, tanh]
    seq[1] = nn.Identity()
    assert isinstance(seq[1], nn.Identity) and len(seq) == 3
    both = nn.Sequential(relu) + nn.Sequential(tanh)
    assert list(both) == [relu, tanh]
    assert list(nn.Sequential(relu) * 2) == [relu, relu]


def test_gradcheck_through_sequential():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid()).double()
    assert module_gradcheck(model, mg.randn(5, 3, dtype=mg.float64, requires_grad=True))


def test_children_record_their_scope():
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
    out = model(mg.randn(1, 2))
    assert out.grad_fn.scope == ("Sequential", "1")
    assert out.grad_fn.parents[0].scope == ("Sequential", "0")


# ---- ModuleList ------------------------------------------------------------------------------------------
class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x).tanh()
        return x


def test_module_list_registers_parameters():
    model = Stack()
    names = [n for n, _ in model.named_parameters()]
    assert names == [f"layers.{i}.{p}" for i in range(3) for p in ("weight", "bias")]
    assert tuple(model(mg.randn(4, 2)).shape) == (4, 2)


def test_module_list_editing():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    ml = nn.ModuleList([a, b])
    ml.append(c)
    assert list(ml) == [a, b, c] and ml[-1] is c
    assert isinstance(ml[1:], nn.ModuleList) and list(ml[1:]) == [b, c]
    ml.insert(1, c)
    assert list(ml) == [a, c, b, c]
    del ml[1]
    assert list(ml) == [a, b, c] and list(ml._modules) == ["0", "1", "2"]
    assert ml.pop(1) is b and list(ml) == [a, c]
    ml[0] = b
    assert list(ml) == [b, c]
    ml += [a]
    assert list(ml) == [b, c, a]
    assert list(ml + nn.ModuleList([b])) == [b, c, a, b]


REPRS = {
    "sequential": lambda L: mlp(L),
    "sequential_named": lambda L: L.nn.Sequential(OrderedDict([("fc", L.nn.Linear(2, 3)), ("act", L.nn.ReLU())])),
    "sequential_nested": lambda L: L.nn.Sequential(L.nn.Sequential(L.nn.Linear(1, 1)), L.nn.ReLU()),
    "sequential_slice": lambda L: mlp(L)[1:],
    "sequential_empty": lambda L: L.nn.Sequential(),
    "module_list_runs": lambda L: L.nn.ModuleList([L.nn.Linear(2, 2) for _ in range(3)]
                                                  + [L.nn.ReLU(), L.nn.Linear(2, 3)]),
    "module_list_no_runs": lambda L: L.nn.ModuleList([L.nn.ReLU(), L.nn.Tanh(), L.nn.ReLU()]),
    "module_list_nested_run": lambda L: L.nn.ModuleList([L.nn.Sequential(L.nn.Linear(1, 1)) for _ in range(2)]),
    "module_list_empty": lambda L: L.nn.ModuleList(),
    "module_list_in_module": lambda L: L.nn.Sequential(L.nn.ModuleList([L.nn.Tanh()] * 2), L.nn.Tanh()),
}

STORED_REPRS = {
    "sequential": "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): Tanh()\n"
                  "  (2): Linear(in_features=3, out_features=1, bias=True)\n)",
    "sequential_named": "Sequential(\n  (fc): Linear(in_features=2, out_features=3, bias=True)\n  (act): ReLU()\n)",
    "sequential_nested": "Sequential(\n  (0): Sequential(\n    (0): Linear(in_features=1, out_features=1, bias=True)\n"
                         "  )\n  (1): ReLU()\n)",
    "sequential_slice": "Sequential(\n  (1): Tanh()\n  (2): Linear(in_features=3, out_features=1, bias=True)\n)",
    "sequential_empty": "Sequential()",
    "module_list_runs": "ModuleList(\n  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n  (3): ReLU()\n"
                        "  (4): Linear(in_features=2, out_features=3, bias=True)\n)",
    "module_list_no_runs": "ModuleList(\n  (0): ReLU()\n  (1): Tanh()\n  (2): ReLU()\n)",
    "module_list_nested_run": "ModuleList(\n  (0-1): 2 x Sequential(\n    (0): Linear(in_features=1, out_features=1, "
                              "bias=True)\n  )\n)",
    "module_list_empty": "ModuleList()",
    "module_list_in_module": "Sequential(\n  (0): ModuleList(\n    (0-1): 2 x Tanh()\n  )\n  (1): Tanh()\n)",
}


@pytest.mark.parametrize("name", list(REPRS))
def test_repr(name):
    assert repr(REPRS[name](MG)) == STORED_REPRS[name]


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_matches_torch(name):
    pytest.importorskip("torch")
    assert repr(REPRS[name](MG)) == repr(REPRS[name](torch_namespace()))


ERRORS = {
    "index_out_of_range": (lambda L: mlp(L)[3], "IndexError", "index 3 is out of range"),
    "negative_index_out_of_range": (lambda L: mlp(L)[-4], "IndexError", "index -4 is out of range"),
    "string_index": (lambda L: mlp(L)["0"], "TypeError", "'str' object cannot be interpreted as an integer"),
    "not_a_module": (lambda L: L.nn.Sequential(3), "TypeError", "int is not a Module subclass"),
    "insert_out_of_range": (lambda L: mlp(L).insert(5, L.nn.Tanh()), "IndexError", "Index out of range: 5"),
    "insert_not_a_module": (lambda L: mlp(L).insert(0, 3), "AssertionError",
                            "module should be of type: <class 'minigrad.nn.module.Module'>"),
    "add_not_sequential": (lambda L: mlp(L) + L.nn.Tanh(), "ValueError",
                           "add operator supports only objects of Sequential class, but "
                           "<class '{pkg}.nn.{mod}.Tanh'> is given."),
    "list_index_out_of_range": (lambda L: L.nn.ModuleList([L.nn.Tanh()])[1], "IndexError", "index 1 is out of range"),
    "list_append_not_a_module": (lambda L: L.nn.ModuleList().append(3), "TypeError", "int is not a Module subclass"),
    "list_of_non_modules": (lambda L: L.nn.ModuleList([3]), "TypeError", "int is not a Module subclass"),
    "list_extend_non_iterable": (lambda L: L.nn.ModuleList().extend(L.nn.ReLU()), "TypeError",
                                 "ModuleList.extend should be called with an iterable, but got ReLU"),
    "list_has_no_forward": (lambda L: L.nn.ModuleList()(L.t(np.ones(2))), "NotImplementedError",
                            "Module [ModuleList] is missing the required \"forward\" function"),
    "list_set_non_module": (lambda L: L.nn.ModuleList([L.nn.Tanh()]).__setitem__(0, 3), "TypeError",
                            "cannot assign 'int' as child module '0' (minigrad.nn.Module or None expected)"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    call, kind, message = ERRORS[name]
    assert error_of(lambda: call(MG)) == (kind, message.format(pkg="minigrad", mod="activation"))


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages_match_torch(name):
    pytest.importorskip("torch")
    call = ERRORS[name][0]
    kind, message = error_of(lambda: call(torch_namespace()))
    message = message.replace("torch.nn.modules.activation", "minigrad.nn.activation")
    assert error_of(lambda: call(MG)) == (kind, as_minigrad_text(message))
