"""The "hello" -> "ohlol" lecture of the course the seed notes follow, in its three versions, as the course writes it.

The course (Liu Er's "PyTorch deep learning practice", lecture 12) teaches a recurrent network to map the letters
of "hello" to "ohlol": first with an ``RNNCell`` stepped by hand, then with ``nn.RNN`` over the whole sequence,
then with an ``Embedding`` in front of a 2-layer ``RNN`` and a ``Linear`` after it. The code below keeps the
course's spelling (one-hot lookup tables, ``Tensor(...)``, ``LongTensor(...)``, ``.view(-1, 1)``, ``loss.item()``,
``_, idx = outputs.max(dim=1)``, ``idx.data.numpy()``, the printed progress lines); it is written once as a
function of the library module ``lib`` (``torch`` or ``minigrad``). The only additions are the ``init`` argument
(to start from PyTorch's weights, see ``rnn_programs._start``) and the returned record of what was printed.

Each function returns ``init.<name>``, ``losses`` (one per epoch), ``final.<name>`` and ``printed`` (the lines the
course prints, as a string array).
"""

# The course's own spelling is kept on purpose: super(Model, self), %-formatting, its unused size variables.
# ruff: noqa: UP008, UP031, F841
from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

import numpy as np
from rnn_programs import _finish, _start


def _lines(buffer: io.StringIO) -> np.ndarray:
    return np.array(buffer.getvalue().splitlines())


def hello_rnncell(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    torch = lib
    input_size = 4
    hidden_size = 4
    batch_size = 1

    idx2char = ['e', 'h', 'l', 'o']
    x_data = [1, 0, 2, 2, 3]
    y_data = [3, 1, 2, 3, 2]
    one_hot_lookup = [[1, 0, 0, 0],
                      [0, 1, 0, 0],
                      [0, 0, 1, 0],
                      [0, 0, 0, 1]]
    x_one_hot = [one_hot_lookup[x] for x in x_data]
    inputs = torch.Tensor(x_one_hot).view(-1, batch_size, input_size)
    labels = torch.LongTensor(y_data).view(-1, 1)

    class Model(torch.nn.Module):
        def __init__(self, input_size, hidden_size, batch_size):
            super(Model, self).__init__()
            self.batch_size = batch_size
            self.input_size = input_size
            self.hidden_size = hidden_size
            self.rnncell = torch.nn.RNNCell(input_size=self.input_size, hidden_size=self.hidden_size)

        def forward(self, input, hidden):
            hidden = self.rnncell(input, hidden)
            return hidden

        def init_hidden(self):
            return torch.zeros(self.batch_size, self.hidden_size)

    net = Model(input_size, hidden_size, batch_size)
    out = _start(lib, net, init)

    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1)

    losses = []
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for epoch in range(15):
            loss = 0
            optimizer.zero_grad()
            hidden = net.init_hidden()
            print('Predicted string: ', end='')
            for input, label in zip(inputs, labels):
                hidden = net(input, hidden)
                loss += criterion(hidden, label)
                _, idx = hidden.max(dim=1)
                print(idx2char[idx.item()], end='')
            loss.backward()
            optimizer.step()
            print(', Epoch [%d/15] loss=%.4f' % (epoch + 1, loss.item()))
            losses.append(loss.item())
    out.update(losses=np.array(losses), printed=_lines(printed), **_finish(net))
    return out


def hello_rnn(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    torch = lib
    input_size = 4
    hidden_size = 4
    num_layers = 1
    batch_size = 1
    seq_len = 5

    idx2char = ['e', 'h', 'l', 'o']
    x_data = [1, 0, 2, 2, 3]
    y_data = [3, 1, 2, 3, 2]
    one_hot_lookup = [[1, 0, 0, 0],
                      [0, 1, 0, 0],
                      [0, 0, 1, 0],
                      [0, 0, 0, 1]]
    x_one_hot = [one_hot_lookup[x] for x in x_data]
    inputs = torch.Tensor(x_one_hot).view(seq_len, batch_size, input_size)
    labels = torch.LongTensor(y_data)

    class Model(torch.nn.Module):
        def __init__(self, input_size, hidden_size, batch_size, num_layers=1):
            super(Model, self).__init__()
            self.num_layers = num_layers
            self.batch_size = batch_size
            self.input_size = input_size
            self.hidden_size = hidden_size
            self.rnn = torch.nn.RNN(input_size=self.input_size, hidden_size=self.hidden_size,
                                    num_layers=num_layers)

        def forward(self, input):
            hidden = torch.zeros(self.num_layers, self.batch_size, self.hidden_size)
            out, _ = self.rnn(input, hidden)
            return out.view(-1, self.hidden_size)

    net = Model(input_size, hidden_size, batch_size, num_layers)
    out = _start(lib, net, init)

    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)

    losses = []
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for epoch in range(15):
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()

            _, idx = outputs.max(dim=1)
            idx = idx.data.numpy()
            print('Predicted: ', ''.join([idx2char[x] for x in idx]), end='')
            print(', Epoch [%d/15] loss = %.3f' % (epoch + 1, loss.item()))
            losses.append(loss.item())
    out.update(losses=np.array(losses), printed=_lines(printed), **_finish(net))
    return out


def hello_embedding(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    torch = lib
    num_class = 4
    input_size = 4
    hidden_size = 8
    embedding_size = 10
    num_layers = 2
    batch_size = 1
    seq_len = 5

    idx2char = ['e', 'h', 'l', 'o']
    x_data = [[1, 0, 2, 2, 3]]  # (batch, seq_len)
    y_data = [3, 1, 2, 3, 2]  # (batch * seq_len)
    inputs = torch.LongTensor(x_data)
    labels = torch.LongTensor(y_data)

    class Model(torch.nn.Module):
        def __init__(self):
            super(Model, self).__init__()
            self.emb = torch.nn.Embedding(input_size, embedding_size)
            self.rnn = torch.nn.RNN(input_size=embedding_size, hidden_size=hidden_size,
                                    num_layers=num_layers, batch_first=True)
            self.fc = torch.nn.Linear(hidden_size, num_class)

        def forward(self, x):
            hidden = torch.zeros(num_layers, x.size(0), hidden_size)
            x = self.emb(x)  # (batch, seqLen, embeddingSize)
            x, _ = self.rnn(x, hidden)
            x = self.fc(x)
            return x.view(-1, num_class)

    net = Model()
    out = _start(lib, net, init)

    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)

    losses = []
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for epoch in range(15):
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()

            _, idx = outputs.max(dim=1)
            idx = idx.data.numpy()
            print('Predicted: ', ''.join([idx2char[x] for x in idx]), end='')
            print(', Epoch [%d/15] loss = %.3f' % (epoch + 1, loss.item()))
            losses.append(loss.item())
    out.update(losses=np.array(losses), printed=_lines(printed), **_finish(net))
    return out


COURSE_PROGRAMS: dict[str, Callable[..., dict[str, np.ndarray]]] = {
    "hello_rnncell": hello_rnncell,
    "hello_rnn": hello_rnn,
    "hello_embedding": hello_embedding,
}
