"""Solutions to the exercises of tutorial 11, padded batches. Run: python 11_padded_batches.py"""

import minigrad
from minigrad import nn
from minigrad.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence

minigrad.manual_seed(0)
lengths = [3, 5, 2]
seqs = [minigrad.randn(n, 2) for n in lengths]
padded = pad_sequence(seqs)
packed = pack_padded_sequence(padded, minigrad.tensor(lengths), enforce_sorted=False)

# 1. pack_sequence packs a list of sequences directly; with enforce_sorted=False it sorts them itself.
direct = pack_sequence(seqs, enforce_sorted=False)
assert minigrad.equal(direct.data, packed.data)
assert direct.batch_sizes.tolist() == packed.batch_sizes.tolist() == [3, 3, 2, 1, 1]
assert direct.sorted_indices.tolist() == packed.sorted_indices.tolist() == [1, 0, 2]
print("pack_sequence: same data, batch_sizes and sorted_indices")

# 2. Sort the batch longest first; step t keeps the first batch_sizes[t] sorted sequences; data is those rows,
#    step after step.
order = sorted(range(len(lengths)), key=lambda b: -lengths[b])
batch_sizes = [sum(n > t for n in lengths) for t in range(max(lengths))]
by_hand = minigrad.cat([padded[t, minigrad.tensor(order[:size])] for t, size in enumerate(batch_sizes)])
assert batch_sizes == packed.batch_sizes.tolist()
assert minigrad.equal(by_hand, packed.data)
print("batch_sizes", batch_sizes, "and data by hand: equal")

# 3. A mask (T, B, 1) that is 1 on the real steps: the padded zeros then add nothing to the sum, and dividing by
#    the lengths gives each sequence's mean over its own steps.
minigrad.manual_seed(2)
lstm = nn.LSTM(2, 4)
out, out_lengths = pad_packed_sequence(lstm(packed)[0])
steps = minigrad.arange(out.shape[0]).unsqueeze(1)                     # (T, 1)
mask = (steps < out_lengths.unsqueeze(0)).float().unsqueeze(2)          # (T, B, 1)
mean = (out * mask).sum(0) / out_lengths.float().unsqueeze(1)           # (B, 4)
for b, s in enumerate(seqs):
    alone, _ = lstm(s.unsqueeze(1))
    assert minigrad.allclose(mean[b], alone[:, 0].mean(0), atol=1e-6)
print("masked means over the real steps equal each sequence's mean alone:\n", mean)
