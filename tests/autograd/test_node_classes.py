"""``type(t.grad_fn).__name__`` is the node's name, as in PyTorch (``StackBackward0``, not ``Node``), for nodes
made by ``Function.apply`` and by the fast floor's recurrent loops alike."""

from __future__ import annotations

import pytest

import minigrad as mg
from minigrad import kernels, nn
from minigrad.autograd import Node

CASES = {
    "tanh": lambda L, x: x.tanh(),
    "mul": lambda L, x: x * 2,
    "sum": lambda L, x: x.sum(),
    "stack": lambda L, x: L.stack([x, x]),
    "index": lambda L, x: x[0],
    "mm": lambda L, x: x @ x.t(),
    "softmax": lambda L, x: x.softmax(-1),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_class_of_a_node_is_named_like_the_node(name):
    y = CASES[name](mg, mg.randn(3, 3, requires_grad=True))
    assert type(y.grad_fn).__name__ == y.grad_fn.name()
    assert isinstance(y.grad_fn, Node)


@pytest.mark.parametrize("name", list(CASES))
def test_the_class_names_are_pytorchs(name):
    torch = pytest.importorskip("torch")
    ours = CASES[name](mg, mg.randn(3, 3, requires_grad=True))
    theirs = CASES[name](torch, torch.randn(3, 3, requires_grad=True))
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__


def test_a_user_function_names_its_node_class_without_an_index():
    class Cube(mg.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    y = Cube.apply(mg.randn(2, requires_grad=True))
    assert type(y.grad_fn).__name__ == "CubeBackward"
    assert type(y.grad_fn) is type(Cube.apply(mg.randn(2, requires_grad=True)).grad_fn)  # one class per Function


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("layer", [nn.RNN, nn.LSTM, nn.GRU])
def test_every_node_of_a_recurrent_layer_has_its_named_class(layer, fast):
    previous = kernels.set_enabled(fast)
    try:
        out, _ = layer(3, 4, num_layers=2)(mg.randn(5, 2, 3, requires_grad=True))
        seen, stack = set(), [out.grad_fn]
        while stack:
            node = stack.pop()
            if not isinstance(node, Node) or id(node) in seen:
                continue
            seen.add(id(node))
            assert type(node).__name__ == node.name()
            stack.extend(node.parents)
        assert len(seen) > 20
    finally:
        kernels.set_enabled(previous)
