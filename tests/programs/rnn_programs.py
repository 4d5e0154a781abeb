"""Six everyday PyTorch RNN programs, each written once as a function of the library module ``lib``.

``lib`` is ``minigrad`` or ``torch``: the program text is the same for both, which is the point of issue #17 ("real
PyTorch RNN programs run unchanged"). Each program builds its model, then calls ``_start``: with ``init=None`` the
model keeps the weights the library drew (PyTorch's, seeded by the caller), otherwise it loads ``init`` (PyTorch's
initial state_dict as numpy arrays) with ``load_state_dict``. Data come from numpy generators with fixed seeds.

Every program returns a flat ``dict`` of numpy arrays: ``init.<name>`` (the starting state_dict), ``losses`` (one
per optimizer step or closure call), ``final.<name>`` (the state_dict after training) and whatever else the
program computes deterministically (evaluation losses, greedy predictions, attention weights).

The golden script ``tests/golden/make_program_fixtures.py`` runs them on PyTorch; ``test_programs.py`` runs them on
minigrad and compares.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _numpy(t: Any) -> np.ndarray:
    return t.detach().cpu().numpy().copy()


def _start(lib: Any, model: Any, init: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """Load ``init`` into ``model`` when given; return the starting state as ``init.<name>`` arrays."""
    if init is not None:
        model.load_state_dict({name: lib.from_numpy(np.array(value)) for name, value in init.items()})
    return {f"init.{name}": _numpy(value) for name, value in model.state_dict().items()}


def _finish(model: Any) -> dict[str, np.ndarray]:
    return {f"final.{name}": _numpy(value) for name, value in model.state_dict().items()}


# ----------------------------------------------------------------------------------------------------------------
# 1. Word-level language model: Embedding -> LSTM -> Linear, truncated BPTT, clip_grad_norm_, SGD with lr decay.
# ----------------------------------------------------------------------------------------------------------------

def _made_up_text(seed: int, n_lines: int) -> list[str]:
    """Lines of words drawn from a small Markov chain, so that there is something to learn."""
    words = ["the", "cat", "dog", "sat", "ran", "on", "a", "mat", "log", "and", "then", "slept", "far", "home"]
    rng = np.random.default_rng(seed)
    # Each word prefers three successors.
    prefs = rng.integers(0, len(words), size=(len(words), 3))
    lines = []
    for _ in range(n_lines):
        w = int(rng.integers(len(words)))
        line = [words[w]]
        for _ in range(int(rng.integers(4, 9))):
            w = int(prefs[w, rng.integers(3)]) if rng.random() < 0.85 else int(rng.integers(len(words)))
            line.append(words[w])
        lines.append(" ".join(line))
    return lines


def word_language_model(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    nn = lib.nn
    F = nn.functional

    class Dictionary:
        def __init__(self) -> None:
            self.word2idx: dict[str, int] = {}
            self.idx2word: list[str] = []

        def add_word(self, word: str) -> int:
            if word not in self.word2idx:
                self.idx2word.append(word)
                self.word2idx[word] = len(self.idx2word) - 1
            return self.word2idx[word]

    dictionary = Dictionary()

    def tokenize(lines: list[str]) -> Any:
        idss = []
        for line in lines:
            ids = [dictionary.add_word(word) for word in line.split() + ["<eos>"]]
            idss.append(lib.tensor(ids).type(lib.int64))
        return lib.cat(idss)

    text = _made_up_text(11, 30)
    train_ids = tokenize(text[:24])
    val_ids = tokenize(text[24:])

    def batchify(data: Any, bsz: int) -> Any:
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)  # drop the tail that does not fill a column
        return data.view(bsz, -1).t().contiguous()  # (nbatch, bsz)

    train_batch_size, eval_batch_size, bptt = 4, 2, 7
    train_data = batchify(train_ids, train_batch_size)
    val_data = batchify(val_ids, eval_batch_size)

    def get_batch(source: Any, i: int) -> tuple[Any, Any]:
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i + seq_len]
        target = source[i + 1:i + 1 + seq_len].view(-1)
        return data, target

    def repackage_hidden(h: Any) -> Any:
        """Cut the graph behind the hidden state, so backward stops at this batch (truncated BPTT)."""
        if isinstance(h, lib.Tensor):
            return h.detach()
        return tuple(repackage_hidden(v) for v in h)

    class RNNModel(nn.Module):
        def __init__(self, ntoken: int, ninp: int, nhid: int, nlayers: int, dropout: float = 0.5) -> None:
            super().__init__()
            self.ntoken = ntoken
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(ntoken, ninp)
            self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
            self.decoder = nn.Linear(nhid, ntoken)
            self.nhid, self.nlayers = nhid, nlayers
            initrange = 0.1
            nn.init.uniform_(self.encoder.weight, -initrange, initrange)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -initrange, initrange)

        def forward(self, input: Any, hidden: Any) -> tuple[Any, Any]:
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            output = self.drop(output)
            decoded = self.decoder(output).view(-1, self.ntoken)
            return F.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, bsz: int) -> tuple[Any, Any]:
            weight = next(self.parameters())
            return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))

    ntokens = len(dictionary.idx2word)
    # Dropout is off (p=0) so that both libraries train the same network; eval mode is still used for validation.
    model = RNNModel(ntokens, ninp=8, nhid=10, nlayers=2, dropout=0.0)
    out = _start(lib, model, init)
    criterion = nn.NLLLoss()
    lr, clip = 10.0, 0.25

    def evaluate(data_source: Any) -> float:
        model.eval()
        total_loss = 0.0
        hidden = model.init_hidden(eval_batch_size)
        with lib.no_grad():
            for i in range(0, data_source.size(0) - 1, bptt):
                data, targets = get_batch(data_source, i)
                output, hidden = model(data, hidden)
                hidden = repackage_hidden(hidden)
                total_loss += len(data) * criterion(output, targets).item()
        return total_loss / (len(data_source) - 1)

    losses, grad_norms, val_losses, lrs = [], [], [], []
    best_val_loss = None
    for _epoch in range(5):
        model.train()
        hidden = model.init_hidden(train_batch_size)
        for i in range(0, train_data.size(0) - 1, bptt):
            data, targets = get_batch(train_data, i)
            hidden = repackage_hidden(hidden)
            model.zero_grad()
            output, hidden = model(data, hidden)
            loss = criterion(output, targets)
            loss.backward()
            grad_norms.append(nn.utils.clip_grad_norm_(model.parameters(), clip).item())
            for p in model.parameters():  # the example's own SGD step, through .data
                p.data.add_(p.grad, alpha=-lr)
            losses.append(loss.item())
        val_loss = evaluate(val_data)
        val_losses.append(val_loss)
        if best_val_loss is None or val_loss < best_val_loss:
            best_val_loss = val_loss
        else:
            lr /= 4.0  # anneal when validation stops improving
        lrs.append(lr)
    out.update(losses=np.array(losses), grad_norms=np.array(grad_norms), val_losses=np.array(val_losses),
               lrs=np.array(lrs), **_finish(model))
    return out


# ----------------------------------------------------------------------------------------------------------------
# 2. Names classifier: a hand-written recurrent cell over one-hot letters, LogSoftmax + NLLLoss, p.data updates.
# ----------------------------------------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz'"


def _made_up_names(seed: int) -> dict[str, list[str]]:
    """A few "languages", each with its own syllables, and some names in each."""
    syllables = {
        "Aurish": ["ka", "ri", "to", "ma", "shi"],
        "Belvic": ["vor", "sk", "ov", "ich", "zy"],
        "Corran": ["mac", "ll", "wen", "dh", "'o"],
    }
    rng = np.random.default_rng(seed)
    names = {}
    for language, parts in syllables.items():
        names[language] = ["".join(parts[j] for j in rng.integers(0, len(parts), size=rng.integers(2, 4)))
                           for _ in range(8)]
    return names


def names_classifier(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    nn = lib.nn
    n_letters = len(LETTERS)
    category_lines = _made_up_names(5)
    all_categories = list(category_lines)
    n_categories = len(all_categories)

    def letterToIndex(letter: str) -> int:
        return LETTERS.find(letter)

    def lineToTensor(line: str) -> Any:
        tensor = lib.zeros(len(line), 1, n_letters)
        for li, letter in enumerate(line):
            tensor[li][0][letterToIndex(letter)] = 1
        return tensor

    class RNN(nn.Module):
        def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
            super().__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, input: Any, hidden: Any) -> tuple[Any, Any]:
            combined = lib.cat((input, hidden), 1)
            hidden = lib.tanh(self.i2h(combined))
            output = self.softmax(self.h2o(hidden))
            return output, hidden

        def initHidden(self) -> Any:
            return lib.zeros(1, self.hidden_size)

    rnn = RNN(n_letters, 16, n_categories)
    out = _start(lib, rnn, init)
    criterion = nn.NLLLoss()
    learning_rate = 0.1

    def categoryFromOutput(output: Any) -> tuple[str, int]:
        top_n, top_i = output.topk(1)
        category_i = top_i[0].item()
        return all_categories[category_i], category_i

    def train(category_tensor: Any, line_tensor: Any) -> tuple[Any, float]:
        hidden = rnn.initHidden()
        rnn.zero_grad()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        loss = criterion(output, category_tensor)
        loss.backward()
        for p in rnn.parameters():  # the tutorial's hand-written update
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item()

    rng = np.random.default_rng(6)
    losses, guesses = [], []
    for _ in range(80):
        category = all_categories[rng.integers(n_categories)]
        line = category_lines[category][rng.integers(len(category_lines[category]))]
        category_tensor = lib.tensor([all_categories.index(category)], dtype=lib.long)
        output, loss = train(category_tensor, lineToTensor(line))
        losses.append(loss)
        guesses.append(categoryFromOutput(output)[1])

    # Confusion matrix over every name, with no graph.
    confusion = lib.zeros(n_categories, n_categories)
    with lib.no_grad():
        for category in all_categories:
            for line in category_lines[category]:
                hidden = rnn.initHidden()
                line_tensor = lineToTensor(line)
                for i in range(line_tensor.size()[0]):
                    output, hidden = rnn(line_tensor[i], hidden)
                confusion[all_categories.index(category)][categoryFromOutput(output)[1]] += 1
    for i in range(n_categories):
        confusion[i] = confusion[i] / confusion[i].sum()
    out.update(losses=np.array(losses), guesses=np.array(guesses), confusion=_numpy(confusion), **_finish(rnn))
    return out


# ----------------------------------------------------------------------------------------------------------------
# 3. Name generator: a conditional char-RNN (category + letter + hidden), dropout, greedy and sampled generation.
# ----------------------------------------------------------------------------------------------------------------

def name_generator(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    nn = lib.nn
    n_letters = len(LETTERS) + 1  # plus end-of-name
    category_lines = _made_up_names(7)
    all_categories = list(category_lines)
    n_categories = len(all_categories)

    class RNN(nn.Module):
        def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
            super().__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(n_categories + input_size + hidden_size, hidden_size)
            self.i2o = nn.Linear(n_categories + input_size + hidden_size, output_size)
            self.o2o = nn.Linear(hidden_size + output_size, output_size)
            self.dropout = nn.Dropout(0.1)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, category: Any, input: Any, hidden: Any) -> tuple[Any, Any]:
            input_combined = lib.cat((category, input, hidden), 1)
            hidden = self.i2h(input_combined)
            output = self.i2o(input_combined)
            output_combined = lib.cat((hidden, output), 1)
            output = self.o2o(output_combined)
            output = self.dropout(output)
            output = self.softmax(output)
            return output, hidden

        def initHidden(self) -> Any:
            return lib.zeros(1, self.hidden_size)

    def categoryTensor(category: str) -> Any:
        tensor = lib.zeros(1, n_categories)
        tensor[0][all_categories.index(category)] = 1
        return tensor

    def inputTensor(line: str) -> Any:
        tensor = lib.zeros(len(line), 1, n_letters)
        for li in range(len(line)):
            tensor[li][0][LETTERS.find(line[li])] = 1
        return tensor

    def targetTensor(line: str) -> Any:
        letter_indexes = [LETTERS.find(line[li]) for li in range(1, len(line))]
        letter_indexes.append(n_letters - 1)  # EOS
        return lib.LongTensor(letter_indexes)

    rnn = RNN(n_letters, 24, n_letters)
    out = _start(lib, rnn, init)
    # Dropout is random, so the comparison trains and samples in eval mode, where it is the identity.
    rnn.eval()
    criterion = nn.NLLLoss()
    learning_rate = 0.05

    def train(category_tensor: Any, input_line_tensor: Any, target_line_tensor: Any) -> float:
        target_line_tensor.unsqueeze_(-1)
        hidden = rnn.initHidden()
        rnn.zero_grad()
        loss = lib.Tensor([0])
        for i in range(input_line_tensor.size(0)):
            output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
            loss += criterion(output, target_line_tensor[i])
        loss.backward()
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return loss.item() / input_line_tensor.size(0)

    rng = np.random.default_rng(8)
    losses = []
    for _ in range(40):
        category = all_categories[rng.integers(n_categories)]
        line = category_lines[category][rng.integers(len(category_lines[category]))]
        losses.append(train(categoryTensor(category), inputTensor(line), targetTensor(line)))

    max_length = 10

    def sample(category: str, start_letter: str, greedy: bool) -> tuple[str, Any]:
        with lib.no_grad():
            category_tensor = categoryTensor(category)
            input = inputTensor(start_letter)
            hidden = rnn.initHidden()
            output_name = start_letter
            first_output = None
            for _ in range(max_length):
                output, hidden = rnn(category_tensor, input[0], hidden)
                if first_output is None:
                    first_output = output
                if greedy:
                    topv, topi = output.topk(1)
                    topi = topi[0][0]
                else:
                    topi = output.exp().multinomial(1)[0][0]
                if topi == n_letters - 1:
                    break
                output_name += LETTERS[topi]
                input = inputTensor(LETTERS[topi])
            return output_name, first_output

    greedy_names, first_outputs = [], []
    for category in all_categories:
        for start in "kvm":
            name, first_output = sample(category, start, greedy=True)
            greedy_names.append(name)
            first_outputs.append(_numpy(first_output))
    # Sampled names differ between libraries (different generators); keep them to check they are well formed.
    lib.manual_seed(0)
    sampled = [sample(category, "k", greedy=False)[0] for category in all_categories]
    out.update(losses=np.array(losses), greedy_names=np.array(greedy_names), first_outputs=np.stack(first_outputs),
               **_finish(rnn))
    out["sampled_names"] = np.array(sampled)
    return out


# ----------------------------------------------------------------------------------------------------------------
# 4. Seq2seq with Bahdanau (additive) attention: GRU encoder, attention decoder, teacher forcing, Adam.
# ----------------------------------------------------------------------------------------------------------------

SOS_token, EOS_token = 0, 1


def seq2seq_attention(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    nn = lib.nn
    F = nn.functional
    n_words, hidden_size, max_length, batch_size = 12, 16, 6, 8

    # Made-up "translation": the target is the source reversed, each word shifted by 3 in the vocabulary.
    rng = np.random.default_rng(21)
    pairs = []
    for _ in range(32):
        length = int(rng.integers(2, max_length))
        src = rng.integers(2, n_words, size=length)
        tgt = (src[::-1] - 2 + 3) % (n_words - 2) + 2
        pairs.append((src, tgt))
    input_ids = np.zeros((len(pairs), max_length), dtype=np.int64)
    target_ids = np.zeros((len(pairs), max_length), dtype=np.int64)
    for idx, (src, tgt) in enumerate(pairs):
        input_ids[idx, :len(src)] = src
        input_ids[idx, len(src)] = EOS_token
        target_ids[idx, :len(tgt)] = tgt
        target_ids[idx, len(tgt)] = EOS_token

    class EncoderRNN(nn.Module):
        def __init__(self, input_size: int, hidden_size: int, dropout_p: float = 0.1) -> None:
            super().__init__()
            self.embedding = nn.Embedding(input_size, hidden_size)
            self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, input: Any) -> tuple[Any, Any]:
            embedded = self.dropout(self.embedding(input))
            output, hidden = self.gru(embedded)
            return output, hidden

    class BahdanauAttention(nn.Module):
        """Additive attention: score(query, key) = v . tanh(W [query; key]), a Linear on the concatenation."""

        def __init__(self, hidden_size: int) -> None:
            super().__init__()
            self.attn = nn.Linear(2 * hidden_size, hidden_size)
            self.v = nn.Linear(hidden_size, 1, bias=False)

        def forward(self, query: Any, keys: Any) -> tuple[Any, Any]:
            query = query.expand(-1, keys.size(1), -1)  # (B, 1, H) -> (B, T, H)
            energy = lib.tanh(self.attn(lib.cat((query, keys), dim=2)))  # (B, T, H)
            scores = self.v(energy).squeeze(2).unsqueeze(1)  # (B, 1, T)
            weights = F.softmax(scores, dim=-1)  # over the encoder outputs
            context = lib.bmm(weights, keys)  # (B, 1, H)
            return context, weights

    class AttnDecoderRNN(nn.Module):
        def __init__(self, hidden_size: int, output_size: int, dropout_p: float = 0.1) -> None:
            super().__init__()
            self.embedding = nn.Embedding(output_size, hidden_size)
            self.attention = BahdanauAttention(hidden_size)
            self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
            self.out = nn.Linear(hidden_size, output_size)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, encoder_outputs: Any, encoder_hidden: Any, target_tensor: Any = None) -> tuple:
            batch_size = encoder_outputs.size(0)
            decoder_input = lib.empty(batch_size, 1, dtype=lib.long).fill_(SOS_token)
            decoder_hidden = encoder_hidden
            decoder_outputs, attentions = [], []
            for i in range(max_length):
                decoder_output, decoder_hidden, attn_weights = self.forward_step(
                    decoder_input, decoder_hidden, encoder_outputs)
                decoder_outputs.append(decoder_output)
                attentions.append(attn_weights)
                if target_tensor is not None:
                    decoder_input = target_tensor[:, i].unsqueeze(1)  # teacher forcing
                else:
                    _, topi = decoder_output.topk(1)
                    decoder_input = topi.squeeze(-1).detach()
            decoder_outputs = lib.cat(decoder_outputs, dim=1)
            decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
            attentions = lib.cat(attentions, dim=1)
            return decoder_outputs, decoder_hidden, attentions

        def forward_step(self, input: Any, hidden: Any, encoder_outputs: Any) -> tuple[Any, Any, Any]:
            embedded = self.dropout(self.embedding(input))
            query = hidden.permute(1, 0, 2)
            context, attn_weights = self.attention(query, encoder_outputs)
            input_gru = lib.cat((embedded, context), dim=2)
            output, hidden = self.gru(input_gru, hidden)
            output = self.out(output)
            return output, hidden, attn_weights

    class Pair(nn.Module):  # one state_dict for both halves, so _start can load them together
        def __init__(self) -> None:
            super().__init__()
            self.encoder = EncoderRNN(n_words, hidden_size)
            self.decoder = AttnDecoderRNN(hidden_size, n_words)

    both = Pair()
    out = _start(lib, both, init)
    encoder, decoder = both.encoder, both.decoder
    # Dropout is random: train in eval mode so both libraries see the same network.
    encoder.eval()
    decoder.eval()
    dataset = lib.utils.data.TensorDataset(lib.LongTensor(input_ids), lib.LongTensor(target_ids))
    dataloader = lib.utils.data.DataLoader(dataset, batch_size=batch_size)
    encoder_optimizer = lib.optim.Adam(encoder.parameters(), lr=0.01)
    decoder_optimizer = lib.optim.Adam(decoder.parameters(), lr=0.01)
    criterion = nn.NLLLoss()
    losses = []
    for _epoch in range(10):
        for input_tensor, target_tensor in dataloader:
            encoder_optimizer.zero_grad()
            decoder_optimizer.zero_grad()
            encoder_outputs, encoder_hidden = encoder(input_tensor)
            decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)
            loss = criterion(decoder_outputs.view(-1, decoder_outputs.size(-1)), target_tensor.view(-1))
            loss.backward()
            encoder_optimizer.step()
            decoder_optimizer.step()
            losses.append(loss.item())

    with lib.no_grad():
        encoder_outputs, encoder_hidden = encoder(lib.LongTensor(input_ids[:4]))
        decoder_outputs, _, attentions = decoder(encoder_outputs, encoder_hidden)
        _, decoded_ids = decoder_outputs.topk(1)
    out.update(losses=np.array(losses), decoded_ids=_numpy(decoded_ids.squeeze()), attentions=_numpy(attentions),
               greedy_log_probs=_numpy(decoder_outputs), **_finish(both))
    return out


# ----------------------------------------------------------------------------------------------------------------
# 5. Sine waves: two stacked LSTMCells in double precision, trained with LBFGS and a closure, then extrapolated.
# ----------------------------------------------------------------------------------------------------------------

def sine_wave_lstm(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    nn = lib.nn
    T, L, N, hidden = 20, 40, 8, 12
    rng = np.random.default_rng(3)
    x = np.empty((N, L), np.int64)
    x[:] = np.array(range(L)) + rng.integers(-4 * T, 4 * T, N).reshape(N, 1)
    data = np.sin(x / 1.0 / T).astype("float64")

    class Sequence(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm1 = nn.LSTMCell(1, hidden)
            self.lstm2 = nn.LSTMCell(hidden, hidden)
            self.linear = nn.Linear(hidden, 1)

        def forward(self, input: Any, future: int = 0) -> Any:
            outputs = []
            h_t = lib.zeros(input.size(0), hidden, dtype=lib.double)
            c_t = lib.zeros(input.size(0), hidden, dtype=lib.double)
            h_t2 = lib.zeros(input.size(0), hidden, dtype=lib.double)
            c_t2 = lib.zeros(input.size(0), hidden, dtype=lib.double)
            for input_t in input.split(1, dim=1):
                h_t, c_t = self.lstm1(input_t, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            for _ in range(future):  # feed the prediction back in
                h_t, c_t = self.lstm1(output, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            return lib.cat(outputs, dim=1)

    input = lib.from_numpy(data[2:, :-1])
    target = lib.from_numpy(data[2:, 1:])
    test_input = lib.from_numpy(data[:2, :-1])
    test_target = lib.from_numpy(data[:2, 1:])
    seq = Sequence()
    seq.double()
    out = _start(lib, seq, init)
    criterion = nn.MSELoss()
    optimizer = lib.optim.LBFGS(seq.parameters(), lr=0.8, max_iter=8)
    losses, step_losses, test_losses = [], [], []
    for _i in range(3):
        def closure() -> Any:
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            losses.append(loss.item())
            loss.backward()
            return loss
        step_losses.append(optimizer.step(closure).item())
        with lib.no_grad():
            future = 15
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            test_losses.append(loss.item())
    out.update(losses=np.array(losses), step_losses=np.array(step_losses), test_losses=np.array(test_losses),
               prediction=_numpy(pred), **_finish(seq))
    return out


# ----------------------------------------------------------------------------------------------------------------
# 6. "MNIST"-like RNN classifier: rows of made-up 28x28 digits as time steps, BatchNorm1d, Adadelta, DataLoader.
# ----------------------------------------------------------------------------------------------------------------

def digits_rnn(lib: Any, init: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    nn = lib.nn
    F = nn.functional
    n_classes, per_class = 4, 16
    rng = np.random.default_rng(9)
    patterns = (rng.random((n_classes, 28, 28)) < 0.3).astype(np.float32)
    images = np.concatenate([np.clip(patterns[c] + 0.4 * rng.standard_normal((per_class, 28, 28)), 0, 1)
                             for c in range(n_classes)]).astype(np.float32)
    labels = np.repeat(np.arange(n_classes), per_class)
    order = rng.permutation(len(labels))  # mixed batches, the same in both libraries
    images, labels = images[order], labels[order]
    test_images = np.clip(patterns + 0.4 * rng.standard_normal((n_classes, 28, 28)), 0, 1).astype(np.float32)

    class RNNClassifier(nn.Module):
        def __init__(self, input_size: int = 28, hidden_size: int = 20, num_classes: int = n_classes) -> None:
            super().__init__()
            self.rnn = nn.LSTM(input_size, hidden_size, batch_first=True)
            self.batchnorm = nn.BatchNorm1d(hidden_size)
            self.fc = nn.Linear(hidden_size, num_classes)

        def forward(self, x: Any) -> Any:
            x = x.reshape(-1, 28, 28)  # (batch, rows as time steps, pixels)
            output, (hidden, _) = self.rnn(x)
            x = self.batchnorm(output[:, -1, :])
            return self.fc(x)  # logits: CrossEntropyLoss applies log_softmax itself

    train_set = lib.utils.data.TensorDataset(lib.from_numpy(images).unsqueeze(1), lib.from_numpy(labels))
    train_loader = lib.utils.data.DataLoader(train_set, batch_size=16, shuffle=False)
    model = RNNClassifier()
    out = _start(lib, model, init)
    optimizer = lib.optim.Adadelta(model.parameters(), lr=1.0)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for _epoch in range(5):
        model.train()
        for data, target in train_loader:
            optimizer.zero_grad()
            output = model(data)
            loss = criterion(output, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    with lib.no_grad():
        output = model(lib.from_numpy(test_images))
        test_loss = F.cross_entropy(output, lib.arange(n_classes), reduction="sum").item()
        pred = output.argmax(dim=1, keepdim=True)
    out.update(losses=np.array(losses), test_loss=np.array(test_loss), test_pred=_numpy(pred),
               test_output=_numpy(output), **_finish(model))
    return out


PROGRAMS: dict[str, Callable[..., dict[str, np.ndarray]]] = {
    "word_language_model": word_language_model,
    "names_classifier": names_classifier,
    "name_generator": name_generator,
    "seq2seq_attention": seq2seq_attention,
    "sine_wave_lstm": sine_wave_lstm,
    "digits_rnn": digits_rnn,
}
