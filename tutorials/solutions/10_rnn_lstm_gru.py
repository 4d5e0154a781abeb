"""Solutions to the exercises of tutorial 10, RNN, LSTM and GRU. Run: python 10_rnn_lstm_gru.py"""

import math

import numpy as np

import minigrad
from minigrad import nn

T, input_size, hidden_size = 40, 1, 32
minigrad.manual_seed(0)
x = 0.5 * minigrad.randn(T, 8, input_size)
x[0] = (minigrad.rand(8, input_size) > 0.5).float() * 2 - 1


def norm(t):
    return t.pow(2).sum().sqrt().item()


def gradient_per_step(model):
    xs = x.detach().clone().requires_grad_()
    out, _ = model(xs)
    out[-1].sum().backward()
    g = np.array([norm(xs.grad[t]) for t in range(T)])
    return g / g[-1]


def with_gate_bias(cls, value):
    """A fresh layer whose 2nd bias chunk (LSTM forget gate, GRU update gate) is `value`."""
    minigrad.manual_seed(1)
    model = cls(input_size, hidden_size)
    with minigrad.no_grad():
        model.bias_ih_l0[hidden_size:2 * hidden_size].fill_(value)
    return model


# 1. A forget bias of 3 puts f near sigmoid(3) = 0.95: 0.95^30 = 0.23. What we measure 30 steps back is of that
#    order (the gates also see their weights and inputs, and the output passes o_t * tanh'(c_t) at both ends),
#    and far above what a bias of 1 keeps.
at1 = gradient_per_step(with_gate_bias(nn.LSTM, 1.0))[T - 31]
at3 = gradient_per_step(with_gate_bias(nn.LSTM, 3.0))[T - 31]
predicted = (1 / (1 + math.exp(-3))) ** 30
print(f"LSTM, forget bias 3: measured {at3:.2e}, sigmoid(3)^30 = {predicted:.2e} (bias 1: {at1:.2e})")
assert at3 > 10 * at1
assert predicted / 30 < at3 < predicted * 30

# 2. An update-gate bias of -3 puts z near 0.05: h_t = (1 - z) n_t + z h_{t-1} is then mostly the candidate
#    n_t = tanh(W x + r * (W_hn h + b)), a plain RNN step with an extra reset gate, and the gradient vanishes
#    as fast as the RNN's.
minigrad.manual_seed(1)
rnn = gradient_per_step(nn.RNN(input_size, hidden_size))[T - 31]
closed = gradient_per_step(with_gate_bias(nn.GRU, -3.0))[T - 31]
opened = gradient_per_step(with_gate_bias(nn.GRU, 1.0))[T - 31]
print(f"distance 30: RNN {rnn:.1e}, GRU update bias -3 {closed:.1e}, GRU update bias +1 {opened:.1e}")
assert closed < 1e-4 and opened > 100 * closed

# 3. Each gate is one RNN-sized block: an (H, I) and an (H, H) weight and two H biases. RNN has 1 block, LSTM 4
#    (i, f, g, o), GRU 3 (r, z, n).
counts = {cls.__name__: sum(p.numel() for p in cls(1, 32).parameters()) for cls in (nn.RNN, nn.LSTM, nn.GRU)}
print(counts)
block = 32 * 1 + 32 * 32 + 2 * 32
assert counts == {"RNN": block, "LSTM": 4 * block, "GRU": 3 * block}
