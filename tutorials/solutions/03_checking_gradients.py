"""Solutions to the exercises of tutorial 3, checking gradients. Run: python 03_checking_gradients.py"""

import numpy as np

import minigrad
from minigrad.autograd import Function, gradcheck


# 1. Softplus: y = log(1 + exp(x)), dy/dx = sigmoid(x). forward and backward get numpy arrays.
class Softplus(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x)          # log(1 + exp(x)) without overflow for large x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + np.exp(-x))


minigrad.manual_seed(0)
x = (minigrad.randn(10, dtype=minigrad.float64) * 3).requires_grad_()
assert gradcheck(Softplus.apply, (x,))
print("Softplus passes gradcheck at", x.numel(), "points")


# 2. Hypot with a bug in the gradient of y only: gradcheck names input 1.
class BrokenHypot(Function):
    @staticmethod
    def forward(ctx, x, y):
        z = np.sqrt(x * x + y * y)
        ctx.save_for_backward(x, y, z)
        return z

    @staticmethod
    def backward(ctx, grad):
        x, y, z = ctx.saved_tensors
        return grad * x / z, grad * x / z    # the bug: y's gradient is grad * y / z


x = minigrad.randn(5, dtype=minigrad.float64, requires_grad=True)
y = minigrad.randn(5, dtype=minigrad.float64, requires_grad=True)
try:
    gradcheck(BrokenHypot.apply, (x, y))
    raise AssertionError("gradcheck should fail")
except minigrad.GradcheckError as err:
    first_line = str(err).splitlines()[0]
print(first_line)
assert first_line == "Jacobian mismatch for output 0 with respect to input 1,"


# 3. Forward difference: truncation ~ eps |f''| / 2, rounding ~ u |f| / eps (u = unit round-off): the sum is
#    smallest near eps ~ sqrt(u). Central: truncation ~ eps^2 |f'''| / 6, rounding the same: eps ~ u^(1/3).
#    float64 (u ~ 1e-16): 1e-8 and ~5e-6; float32 (u ~ 6e-8): ~2e-4 and ~4e-3.
def best_eps(dtype):
    x0 = minigrad.tensor(0.7, dtype=dtype)
    t = np.tanh(0.7)
    exact = t + 0.7 * (1 - t * t)
    epsilons = [10.0 ** (-k / 2) for k in range(2, 29)]
    forward, central = [], []
    for eps in epsilons:
        f = lambda v: (v * v.tanh()).item()  # noqa: E731
        step = minigrad.tensor(eps, dtype=dtype)
        forward.append(abs((f(x0 + step) - f(x0)) / eps - exact))
        central.append(abs((f(x0 + step) - f(x0 - step)) / (2 * eps) - exact))
    return epsilons[int(np.argmin(forward))], epsilons[int(np.argmin(central))]


for dtype, (lo_f, hi_f), (lo_c, hi_c) in [
    (minigrad.float64, (1e-10, 1e-6), (1e-7, 1e-3)),
    (minigrad.float32, (1e-5, 1e-2), (1e-4, 1e-1)),
]:
    fwd, cen = best_eps(dtype)
    print(f"{dtype}: best eps forward {fwd:.0e}, central {cen:.0e}")
    assert lo_f <= fwd <= hi_f and lo_c <= cen <= hi_c
