"""Solutions to the exercises of tutorial 5, RNNCell by hand. Run: python 05_rnncell_by_hand.py"""

import minigrad
from minigrad import nn

batch_size, seq_len, input_size, hidden_size = 1, 3, 4, 2
minigrad.manual_seed(0)
dataset = minigrad.randn(seq_len, batch_size, input_size)

# 1. relu in place of tanh.
cell = nn.RNNCell(input_size, hidden_size, nonlinearity="relu")
hidden = h = minigrad.zeros(batch_size, hidden_size)
for x_t in dataset:
    hidden = cell(x_t, hidden)
    h = (x_t @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh).relu()
    assert minigrad.allclose(hidden, h, atol=1e-6)
print(cell, "last hidden state", hidden, hidden.grad_fn.name())
assert hidden.grad_fn.name() == "ReluBackward0"

# 2. A batch of 3 sequences of 10 steps of 100 features: every step is (3, 100), every hidden state (3, 20).
cell = nn.RNNCell(100, 20)
x = minigrad.randn(10, 3, 100)
h = minigrad.zeros(3, 20)
hiddens = []
for xt in x:
    h = cell(xt, h)
    hiddens.append(h)
print("h", h.shape, " stacked", minigrad.stack(hiddens).shape)
assert h.shape == (3, 20) and minigrad.stack(hiddens).shape == (10, 3, 20)


# 3. The cell from two Linear layers: ih(x) = x W_ih^T + b_ih, hh(h) = h W_hh^T + b_hh.
class MyRNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.ih = nn.Linear(input_size, hidden_size)
        self.hh = nn.Linear(hidden_size, hidden_size)

    def forward(self, x, h):
        return (self.ih(x) + self.hh(h)).tanh()


cell = nn.RNNCell(input_size, hidden_size)
mine = MyRNNCell(input_size, hidden_size)
mine.load_state_dict({
    "ih.weight": cell.weight_ih, "ih.bias": cell.bias_ih, "hh.weight": cell.weight_hh, "hh.bias": cell.bias_hh,
})
h_cell = h_mine = minigrad.zeros(batch_size, hidden_size)
for x_t in dataset:
    h_cell, h_mine = cell(x_t, h_cell), mine(x_t, h_mine)
    assert minigrad.allclose(h_cell, h_mine, atol=1e-6)
print("MyRNNCell gives the hidden states of RNNCell")
