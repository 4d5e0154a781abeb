"""``nn.Module``'s own tables, as PyTorch keeps them."""

from __future__ import annotations

import pytest

from minigrad import nn


def test_a_modules_own_tables_are_plain_dicts_as_in_pytorch():
    # PyTorch 2.x keeps _parameters, _buffers and _modules in plain dicts: the seed notes print
    # rnn._parameters.keys() and see dict_keys([...]).
    rnn = nn.RNN(4, 2, num_layers=2)
    for table in (rnn._parameters, rnn._buffers, rnn._modules):
        assert type(table) is dict
    assert repr(rnn._parameters.keys()) == (
        "dict_keys(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', "
        "'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1'])"
    )


def test_a_modules_tables_print_as_pytorchs_live():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(2, 3), torch.nn.Linear(2, 3)
    for name in ("_parameters", "_buffers", "_modules"):
        assert type(getattr(ours, name)) is type(getattr(theirs, name))
    assert repr(ours._parameters.keys()) == repr(theirs._parameters.keys())
