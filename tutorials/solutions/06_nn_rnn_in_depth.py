"""Solutions to the exercises of tutorial 6, nn.RNN in depth. Run: python 06_nn_rnn_in_depth.py"""

import minigrad
from minigrad import nn

# 1. Layer 0 reads 8 features, layers 1 and 2 read both directions of the layer below (2 * 5 = 10); no biases.
expected = []
for layer in range(3):
    for suffix in ("", "_reverse"):
        in_size = 8 if layer == 0 else 10
        expected += [(f"weight_ih_l{layer}{suffix}", (5, in_size)), (f"weight_hh_l{layer}{suffix}", (5, 5))]
rnn = nn.RNN(8, 5, num_layers=3, bidirectional=True, bias=False)
got = [(name, tuple(p.shape)) for name, p in rnn.named_parameters()]
for name, shape in got:
    print(f"{name:22s} {shape}")
total = sum(p.numel() for p in rnn.parameters())
print("total", total)
assert got == expected
assert total == 2 * (5 * 8 + 5 * 5) + 4 * (5 * 10 + 5 * 5) == 430

# 2. h_n rows: [l0 forward, l0 backward, l1 forward, l1 backward, l2 forward, l2 backward]. output is the top
#    layer (2): its forward half ends at the last step, its backward half at step 0.
rnn = nn.RNN(4, 6, num_layers=3, bidirectional=True)
x = minigrad.randn(5, 2, 4)
out, h_n = rnn(x)
assert h_n.shape == (6, 2, 6) and out.shape == (5, 2, 12)
assert minigrad.equal(out[-1, :, :6], h_n[4])
assert minigrad.equal(out[0, :, 6:], h_n[5])
print("out[-1, :, :6] is h_n[4] and out[0, :, 6:] is h_n[5]")

# 3. A bidirectional layer from two cells: one reads forwards, the other backwards; output[t] = [fwd_t, bwd_t].
rnn = nn.RNN(4, 3, bidirectional=True)
state = rnn.state_dict()
forward_cell, backward_cell = nn.RNNCell(4, 3), nn.RNNCell(4, 3)
forward_cell.load_state_dict({name: state[name + "_l0"] for name in forward_cell.state_dict()})
backward_cell.load_state_dict({name: state[name + "_l0_reverse"] for name in backward_cell.state_dict()})

x = minigrad.randn(6, 2, 4)
h = minigrad.zeros(2, 3)
forward_states = []
for xt in x:
    h = forward_cell(xt, h)
    forward_states.append(h)
h = minigrad.zeros(2, 3)
backward_states = []
for xt in reversed(list(x)):
    h = backward_cell(xt, h)
    backward_states.append(h)
backward_states.reverse()                   # backward_states[t] is the state after reading x[t], from the end
by_hand = minigrad.stack([minigrad.cat([f, b], dim=1) for f, b in zip(forward_states, backward_states)])

out, h_n = rnn(x)
assert minigrad.allclose(by_hand, out, atol=1e-6)
assert minigrad.allclose(h_n, minigrad.stack([forward_states[-1], backward_states[0]]), atol=1e-6)
print("two RNNCells give the bidirectional RNN's output", tuple(out.shape), "and h_n", tuple(h_n.shape))
