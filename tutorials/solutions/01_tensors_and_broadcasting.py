"""Solutions to the exercises of tutorial 1, tensors and broadcasting. Run: python 01_tensors_and_broadcasting.py"""

import numpy as np

import minigrad


def broadcast_shape(a, b):
    """The shape of x + y for x.shape == a and y.shape == b, or ValueError (as in the notebook)."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for dim, (p, q) in enumerate(zip(a, b)):
        if p != q and p != 1 and q != 1:
            raise ValueError(f"sizes {p} and {q} clash at dimension {dim}")
        out.append(max(p, q))
    return tuple(out)


# 1. Predicted first, then checked.
#    (4, 1, 3) + (2, 1): from the right 3|1 -> 3, 1|2 -> 2, 4|missing -> 4: (4, 2, 3)
#    (7,) + (7, 1, 7): 7|7 -> 7, missing|1 -> 1, missing|7 -> 7: (7, 1, 7)
#    (2, 3, 4) + (3, 1, 2): 4|2 clash in the last position, dimension 2 of the result
predicted = {((4, 1, 3), (2, 1)): (4, 2, 3), ((7,), (7, 1, 7)): (7, 1, 7)}
for (a, b), shape in predicted.items():
    got = (minigrad.empty(*a) + minigrad.empty(*b)).shape
    assert got == shape == broadcast_shape(a, b)
    print(a, "+", b, "->", got)
try:
    minigrad.empty(2, 3, 4) + minigrad.empty(3, 1, 2)
    raise AssertionError("should not broadcast")
except RuntimeError as err:
    print(err)
    assert str(err) == "The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 2"


# 2. unbroadcast: sum over the axes broadcasting added (leading ones), then over those it stretched (keep size 1).
def unbroadcast(grad, shape):
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True)


minigrad.manual_seed(0)
x = minigrad.randn(5, 1, 4, 1, dtype=minigrad.float64, requires_grad=True)
y = minigrad.randn(3, 1, 1, dtype=minigrad.float64, requires_grad=True)
G = minigrad.randn(5, 3, 4, 1, dtype=minigrad.float64)
(x + y).backward(G)
assert np.allclose(unbroadcast(G.numpy(), (5, 1, 4, 1)), x.grad.numpy())
assert np.allclose(unbroadcast(G.numpy(), (3, 1, 1)), y.grad.numpy())
print("unbroadcast matches x.grad and y.grad")

# 3. (3,) + (3, 1) -> (3, 3). Every a[j] is used in the 3 rows, every c[i] in the 3 columns, and dL/d(a + c)
#    is all ones: a.grad = [3, 3, 3], c.grad = [[3], [3], [3]].
a = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
c = minigrad.tensor([[10.0], [20.0], [30.0]], requires_grad=True)
(a + c).sum().backward()
print(a.grad, c.grad, sep="\n")
assert minigrad.equal(a.grad, minigrad.full((3,), 3.0))
assert minigrad.equal(c.grad, minigrad.full((3, 1), 3.0))
