"""Solutions to the exercises of tutorial 2, autograd from scratch. Run: python 02_autograd_from_scratch.py"""

import math

import numpy as np

import minigrad
from minigrad.viz import draw_graph

# 1. L = sin(x y) + x:  dL/dx = y cos(x y) + 1,  dL/dy = x cos(x y).
x = minigrad.tensor(1.5, dtype=minigrad.float64, requires_grad=True)
y = minigrad.tensor(-2.0, dtype=minigrad.float64, requires_grad=True)
L = (x * y).sin() + x
L.backward()
dx, dy = -2.0 * math.cos(-3.0) + 1, 1.5 * math.cos(-3.0)
print(f"dL/dx = {x.grad.item():.6f} (by hand {dx:.6f}), dL/dy = {y.grad.item():.6f} (by hand {dy:.6f})")
assert math.isclose(x.grad.item(), dx) and math.isclose(y.grad.item(), dy)


# 2. x + x + x is Add(Add(x, x), x): x is an input of two nodes, three times in all, and each use sends
#    a gradient of ones: x.grad = 3. 3 * x uses x once, and its one gradient is 3.
def uses(root, leaf):
    """How many inputs of the recorded nodes are `leaf` (each is an arrow in the drawing)."""
    count, seen, stack = 0, set(), [root.grad_fn]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for parent, _ in node.next_functions:
            if parent is leaf:
                count += 1
            elif parent is not None:
                stack.append(parent)
    return count


for expression, n_uses in [(lambda x: x + x + x, 3), (lambda x: 3 * x, 1)]:
    x = minigrad.ones(3, requires_grad=True)
    L = expression(x).sum()
    L.backward()
    graph = draw_graph(L, params={"x": x})
    print(uses(L, x), "uses;", graph.source.count("AddBackward0"), "AddBackward0 boxes; x.grad =", x.grad)
    assert uses(L, x) == n_uses
    assert minigrad.equal(x.grad, minigrad.full((3,), 3.0))


# 3. The reverse sweep of the notebook, started from any dL/d(root).
def my_backward(root, grad):
    pending, stack = {root.grad_fn: 0}, [root.grad_fn]
    while stack:
        node = stack.pop()
        for parent in node.parents:
            if isinstance(parent, minigrad.autograd.Node):
                if parent not in pending:
                    pending[parent] = 0
                    stack.append(parent)
                pending[parent] += 1
    grads, leaves, ready = {root.grad_fn: grad}, {}, [root.grad_fn]
    while ready:
        node = ready.pop()
        in_grads = node.fn.backward(node, grads.pop(node))
        if not isinstance(in_grads, tuple):
            in_grads = (in_grads,)
        for parent, g in zip(node.parents, in_grads):
            if parent is None or g is None:
                continue
            if isinstance(parent, minigrad.autograd.Node):
                grads[parent] = grads[parent] + g if parent in grads else g
                pending[parent] -= 1
                if pending[parent] == 0:
                    ready.append(parent)
            else:
                leaves[id(parent)] = (parent, leaves.get(id(parent), (parent, 0))[1] + g)
    return leaves


minigrad.manual_seed(0)
x = minigrad.randn(4, 3, dtype=minigrad.float64, requires_grad=True)
y = x.tanh() * x
g = np.random.default_rng(0).normal(size=(4, 3))
mine = my_backward(y, g)
y.backward(minigrad.tensor(g), retain_graph=True)
(leaf, grad), = mine.values()
assert leaf is x and np.allclose(grad, x.grad.numpy())
print("my_backward with a starting gradient matches the engine")
