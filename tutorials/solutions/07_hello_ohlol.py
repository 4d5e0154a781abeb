"""Solutions to the exercises of tutorial 7, "hello" -> "ohlol". Run: python 07_hello_ohlol.py"""

import minigrad
from minigrad import nn

idx2char = ["e", "h", "l", "o"]
x_data, y_data = [1, 0, 2, 2, 3], [3, 1, 2, 3, 2]
targets = minigrad.tensor(y_data)
inputs = nn.functional.one_hot(minigrad.tensor(x_data), num_classes=4).float().view(5, 1, 4)
criterion = nn.CrossEntropyLoss()


def decode(indices):
    return "".join(idx2char[i] for i in indices)


def train_rnn(seed, epochs=60):
    """Version 2 of the notebook: the hidden state is the scores."""
    minigrad.manual_seed(seed)
    rnn = nn.RNN(4, 4)
    optimizer = minigrad.optim.Adam(rnn.parameters(), lr=0.1)
    for _ in range(epochs):
        optimizer.zero_grad()
        out, _ = rnn(inputs)
        criterion(out.view(-1, 4), targets).backward()
        optimizer.step()
    with minigrad.no_grad():
        out, _ = rnn(inputs)
    return decode(out.view(-1, 4).argmax(dim=1).tolist())


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(4, 10)
        self.rnn = nn.RNN(10, 8, batch_first=True)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.fc(out).view(-1, 4)


def train_model(seed, epochs=30):
    minigrad.manual_seed(seed)
    model = Model()
    optimizer = minigrad.optim.Adam(model.parameters(), lr=0.05)
    x = minigrad.tensor([x_data])
    for _ in range(epochs):
        optimizer.zero_grad()
        criterion(model(x), targets).backward()
        optimizer.step()
    with minigrad.no_grad():
        return model, decode(model(x).argmax(dim=1).tolist())


# 1. Seeds where the hidden-state-as-scores model stops short; the model with an output layer does not.
stuck = []
for seed in range(10):
    predicted = train_rnn(seed)
    wrong = [i for i, (p, y) in enumerate(zip(predicted, "ohlol")) if p != y]
    print(f"seed {seed}: nn.RNN predicts {predicted}" + (f", wrong at position {wrong}" if wrong else ""))
    if wrong:
        stuck.append(seed)
        assert train_model(seed)[1] == "ohlol"
assert stuck, "no stuck seed in 0..9"
print("stuck seeds:", stuck, "- the Embedding + RNN + Linear model learns ohlol from each of them")

# 2. Two sequences in one batch: inputs (5, 2, 4), labels (5, 2), hidden (2, 4); the loss of a step averages the
#    batch.
minigrad.manual_seed(4)
x2 = minigrad.tensor([x_data, y_data]).T                    # (5, 2): column 0 is hello, column 1 is ohlol
y2 = minigrad.tensor([y_data, x_data]).T
batch_inputs = nn.functional.one_hot(x2, num_classes=4).float()        # (5, 2, 4)
cell = nn.RNNCell(4, 4)
optimizer = minigrad.optim.Adam(cell.parameters(), lr=0.1)
for _ in range(200):
    optimizer.zero_grad()
    hidden = minigrad.zeros(2, 4)
    loss, predicted = 0, []
    for input, label in zip(batch_inputs, y2):
        hidden = cell(input, hidden)
        loss = loss + criterion(hidden, label)
        predicted.append(hidden.argmax(dim=1))
    loss.backward()
    optimizer.step()
predicted = minigrad.stack(predicted)                        # (5, 2)
words = [decode(predicted[:, b].tolist()) for b in range(2)]
print("batched RNNCell:", words, "accuracy", (predicted == y2).float().mean().item())
assert batch_inputs.shape == (5, 2, 4) and predicted.shape == (5, 2)
assert words == ["ohlol", "hello"]

# 3. The embedding vectors, and Embedding == one-hot @ Linear(4, 10, bias=False) with weight = emb.weight.T.
model, predicted = train_model(4)
assert predicted == "ohlol"
emb = model.emb.weight.detach()
for i in range(4):
    distances = "  ".join(f"{(emb[i] - emb[j]).pow(2).sum().sqrt().item():.2f}" for j in range(4))
    print(f"{idx2char[i]}: distances to e h l o = {distances}")
linear = nn.Linear(4, 10, bias=False)
with minigrad.no_grad():
    linear.weight.copy_(emb.T)
one_hot = nn.functional.one_hot(minigrad.tensor(x_data), num_classes=4).float()
assert minigrad.allclose(linear(one_hot), model.emb(minigrad.tensor(x_data)), atol=1e-6)
print("Embedding(4, 10) is a Linear(4, 10, bias=False) applied to one-hot vectors")
