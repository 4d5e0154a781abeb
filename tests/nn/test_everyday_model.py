"""One PyTorch-style program, written once against a namespace, run unchanged on minigrad and on PyTorch: an LSTM
tagger with LayerNorm, GELU, BatchNorm1d over (N, C, L), PReLU, a ParameterList scale, Softplus, SmoothL1 and
KL losses, trained for a few Adam steps from the same weights, in float64. Losses, every parameter and every buffer
(BatchNorm's running statistics and batch count) must agree after training, and in eval mode the outputs too."""

from __future__ import annotations

import numpy as np
import pytest
from nn_test_utils import MG, as_minigrad_text, torch_namespace


def build(L):
    class Tagger(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = L.nn.Embedding(11, 6)
            self.lstm = L.nn.LSTM(6, 8, batch_first=True)
            self.norm = L.nn.LayerNorm(8)
            self.bn = L.nn.BatchNorm1d(8, momentum=None)
            self.head = L.nn.Sequential(L.nn.Linear(8, 8), L.nn.GELU(), L.nn.PReLU(), L.nn.Linear(8, 5))
            self.scales = L.nn.ParameterList([L.nn.Parameter(L.lib.ones(5)), L.nn.Parameter(L.lib.zeros(5))])

        def forward(self, tokens):
            h, _ = self.lstm(self.embed(tokens))                 # (N, T, 8)
            h = self.norm(self.bn(h.transpose(1, 2)).transpose(1, 2))
            return self.head(h) * L.F.softplus(self.scales[0]) + self.scales[1]

    return Tagger()


def train(L, state, tokens, labels, targets, steps=4):
    model = build(L).double()
    model.load_state_dict({k: L.t(v) for k, v in state.items()})
    opt = L.lib.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        out = model(L.t(tokens))                                 # (N, T, 5)
        logp = L.F.log_softmax(out, -1)
        loss = L.F.kl_div(logp, L.t(targets), reduction="batchmean") + \
            L.nn.SmoothL1Loss(beta=0.5)(out.sum(-1), L.t(labels))
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    model.eval()
    out = model(L.t(tokens)).detach().numpy()
    return losses, {k: v.detach().numpy() for k, v in model.state_dict().items()}, out, repr(model)


def test_the_same_program_trains_the_same_on_minigrad_and_pytorch():
    torch = pytest.importorskip("torch")
    T = torch_namespace()
    torch.manual_seed(0)
    state = {k: v.detach().numpy().copy() for k, v in build(T).double().state_dict().items()}
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 11, (4, 7))
    labels = rng.standard_normal((4, 7))
    e = np.exp(rng.standard_normal((4, 7, 5)))
    targets = e / e.sum(-1, keepdims=True)
    mine = train(MG, state, tokens, labels, targets)
    theirs = train(T, state, tokens, labels, targets)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-10)
    assert list(mine[1]) == list(theirs[1])
    for key in theirs[1]:
        np.testing.assert_allclose(mine[1][key], theirs[1][key], rtol=1e-9, atol=1e-10, err_msg=key)
    assert int(mine[1]["bn.num_batches_tracked"]) == 4
    np.testing.assert_allclose(mine[2], theirs[2], rtol=1e-9, atol=1e-10)
    assert mine[3] == as_minigrad_text(theirs[3])
