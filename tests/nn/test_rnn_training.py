"""A 2-layer RNN learns the seed notes' one-hot "hello" -> "ohlol" task to 100% accuracy in a few hundred steps."""

import minigrad
from minigrad import nn

CHARS = "ehlo"


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.RNN(input_size=4, hidden_size=8, num_layers=2)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        out, _ = self.rnn(x)  # (seq, batch, hidden)
        return self.fc(out.reshape(-1, 8))  # (seq * batch, classes)


def _accuracy_after(steps: int, seed: int) -> tuple[float, str]:
    minigrad.manual_seed(seed)
    x = nn.functional.one_hot(minigrad.tensor([CHARS.index(c) for c in "hello"]), 4).float().reshape(5, 1, 4)
    y = minigrad.tensor([CHARS.index(c) for c in "ohlol"])
    model = Model()
    opt = minigrad.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    with minigrad.no_grad():
        predicted = model(x).argmax(dim=1)
    accuracy = (predicted == y).float().mean().item()
    return accuracy, "".join(CHARS[i] for i in predicted.tolist())


def test_two_layer_rnn_learns_hello_to_ohlol_within_a_few_hundred_steps():
    for seed in range(3):
        accuracy, text = _accuracy_after(steps=200, seed=seed)
        assert accuracy == 1.0 and text == "ohlol", (seed, text)


def test_an_untrained_model_does_not_already_answer_ohlol():
    # The task is not solved by the initial weights: training is what gets it to 100%.
    assert _accuracy_after(steps=0, seed=0)[1] != "ohlol"
