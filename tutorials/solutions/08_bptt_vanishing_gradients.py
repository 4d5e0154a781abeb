"""Solutions to the exercises of tutorial 8, backpropagation through time. Run: python 08_bptt_vanishing_gradients.py"""

import math

import numpy as np

import minigrad
from minigrad import nn


def norm(t):
    return t.pow(2).sum().sqrt().item()


def unroll(cell, xs):
    h = minigrad.zeros(1, cell.hidden_size, dtype=cell.weight_hh.dtype)
    hs = []
    for x_t in xs:
        h = cell(x_t, h)
        h.retain_grad()
        hs.append(h)
    return hs


# 1. With a loss on every step, every h_t gets a direct gradient (all ones, norm sqrt(16) = 4) besides what comes
#    back from later steps; the vanishing part is only the long-range share of it.
minigrad.manual_seed(0)
cell = nn.RNNCell(3, 16)
xs = minigrad.randn(30, 1, 3)
hs = unroll(cell, xs)
sum(h.sum() for h in hs).backward()
norms = [norm(h.grad) for h in hs]
print("loss on every step: |dL/dh_t| from", f"{min(norms):.2f} to {max(norms):.2f}")
assert min(norms) > 3.0

# 2. relu' is 1 for the active units (h > 0) and 0 for the others, so one step back is
#    dL/dh_{t-1} = (dL/dh_t * (h_t > 0)) @ W_hh: the inactive units' share of the gradient is dropped at every
#    step. The orthogonal W_hh keeps the length of what is left, but about half of it is dropped each time.
rng = np.random.default_rng(0)
q, _ = np.linalg.qr(rng.normal(size=(16, 16)))
cell = nn.RNNCell(3, 16, nonlinearity="relu").double()
with minigrad.no_grad():
    cell.weight_hh.copy_(minigrad.tensor(q))
xs = minigrad.tensor(rng.normal(size=(60, 1, 3)))
hs = unroll(cell, xs)
hs[-1].sum().backward()
active = []
with minigrad.no_grad():
    for t in range(59, 0, -1):
        mask = (hs[t] > 0).double()
        active.append(mask.mean().item())
        assert minigrad.allclose(hs[t - 1].grad, (hs[t].grad * mask) @ cell.weight_hh)
        # what an orthogonal W_hh passes back is exactly the part of the gradient at the active units
        assert math.isclose(norm(hs[t - 1].grad), norm(hs[t].grad * mask), rel_tol=1e-9)
print(f"relu, g = 1: on average {np.mean(active):.0%} of the units are active; "
      f"|dL/dh_0| / |dL/dh_59| = {norm(hs[0].grad) / norm(hs[-1].grad):.1e}")


# 3. A relu RNN that starts with W_hh = 2q, trained to predict the next value of a sine wave.
def train(clip, steps=20):
    minigrad.manual_seed(0)
    rnn = nn.RNN(1, 16, nonlinearity="relu")
    head = nn.Linear(16, 1)
    with minigrad.no_grad():
        rnn.weight_hh_l0.copy_(minigrad.tensor(2 * q, dtype=minigrad.float32))
    params = list(rnn.parameters()) + list(head.parameters())
    optimizer = minigrad.optim.SGD(params, lr=0.01)
    t = 0.2 * minigrad.arange(41).float()
    wave = t.sin().view(41, 1, 1)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        out, _ = rnn(wave[:-1])
        loss = nn.functional.mse_loss(head(out), wave[1:])
        loss.backward()
        if clip:
            nn.utils.clip_grad_norm_(params, max_norm=1.0)
        optimizer.step()
        losses.append(loss.item())
    return losses


with np.errstate(all="ignore"):          # without clipping the numbers overflow, which is the point
    plain, clipped = train(clip=False), train(clip=True)
print("without clipping:", " ".join(f"{v:.3g}" for v in plain))
print("with clipping:   ", " ".join(f"{v:.3g}" for v in clipped))
assert all(math.isfinite(v) for v in clipped) and clipped[-1] < clipped[0]
assert not all(math.isfinite(v) and v < plain[0] * 10 for v in plain)   # the plain run blows up
