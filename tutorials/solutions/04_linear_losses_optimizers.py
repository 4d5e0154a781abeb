"""Solutions to the exercises of tutorial 4, Linear, losses, optimizers and DataLoader.
Run: python 04_linear_losses_optimizers.py"""

import math

import numpy as np

import minigrad
from minigrad import nn
from minigrad.data import DataLoader, TensorDataset

# The regression data of the notebook.
minigrad.manual_seed(0)
N = 200
x = minigrad.rand(N, 1) * 4 - 2
y = 3 * x - 1 + 0.3 * minigrad.randn(N, 1)
A = np.hstack([x.numpy(), np.ones((N, 1), dtype=np.float32)])
(w_best, b_best), *_ = np.linalg.lstsq(A, y.numpy()[:, 0], rcond=None)


# 1. 400 updates each. Counted in updates, both get near the line at about the same pace (a batch of 1 costs 200
#    times less per update, though). A full batch follows the exact gradient and settles on the line. A batch of 1
#    follows the gradient of one sample: right on average, but every step jumps, so the weight keeps wandering
#    around the line with a spread set by the learning rate and the noise.
def train(batch_size, updates=400, lr=0.05):
    minigrad.manual_seed(1)
    model = nn.Linear(1, 1)
    optimizer = minigrad.optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True)
    weights = []
    while len(weights) < updates:
        for xb, yb in loader:
            optimizer.zero_grad()
            nn.functional.mse_loss(model(xb), yb).backward()
            optimizer.step()
            weights.append(model.weight.item())
            if len(weights) == updates:
                break
    return np.array(weights)


full, single = train(200), train(1)
for name, w in [("batch 200", full), ("batch 1", single)]:
    print(f"{name}: w after 50 updates {w[49]:.3f}, after 400 {w[-1]:.3f}, "
          f"std over the last 100 {w[-100:].std():.4f} (least squares {w_best:.3f})")
assert abs(full[-1] - w_best) < 0.01
assert single[-100:].std() > 10 * full[-100:].std()

# 2. Without a hidden layer the decision boundary is a straight line: the moons are not separable that way.
minigrad.manual_seed(0)
n = 200
angle = minigrad.rand(n) * math.pi
upper = minigrad.stack([angle.cos(), angle.sin()], dim=1)
lower = minigrad.stack([1 - angle.cos(), 0.5 - angle.sin()], dim=1)
points = minigrad.cat([upper, lower]) + 0.1 * minigrad.randn(2 * n, 2)
labels = minigrad.cat([minigrad.zeros(n, dtype=minigrad.int64), minigrad.ones(n, dtype=minigrad.int64)])
perm = minigrad.randperm(2 * n)
loader = DataLoader(TensorDataset(points[perm[:300]], labels[perm[:300]]), batch_size=32, shuffle=True)
test_x, test_y = points[perm[300:]], labels[perm[300:]]

linear = nn.Linear(2, 2)
optimizer = minigrad.optim.Adam(linear.parameters(), lr=0.05)
for _ in range(40):
    for xb, yb in loader:
        optimizer.zero_grad()
        nn.functional.cross_entropy(linear(xb), yb).backward()
        optimizer.step()
with minigrad.no_grad():
    accuracy = (linear(test_x).argmax(dim=1) == test_y).float().mean().item()
print(f"linear model on the moons: test accuracy {accuracy:.1%}")
assert 0.7 < accuracy < 0.95

# 3. SGD with momentum 0.9: buf_1 = g_1, p_1 = p_0 - lr buf_1; buf_2 = 0.9 buf_1 + g_2, p_2 = p_1 - lr buf_2.
model = nn.Linear(2, 2)
optimizer = minigrad.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
xb, yb = next(iter(loader))
p = model.weight
values, grads = [p.detach().clone()], []
for _ in range(2):
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(xb), yb).backward()
    grads.append(p.grad.clone())
    optimizer.step()
    values.append(p.detach().clone())
buf1 = grads[0]
buf2 = 0.9 * buf1 + grads[1]
assert minigrad.allclose(values[1], values[0] - 0.5 * buf1, atol=1e-6)
assert minigrad.allclose(values[2], values[1] - 0.5 * buf2, atol=1e-6)
print("SGD with momentum: both steps match the formulas")
