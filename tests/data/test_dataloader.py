"""DataLoader: batch shapes, dtypes and order, drop_last, len, batch_size=None, shuffling (every index once per
epoch, reproducible after manual_seed) and PyTorch's errors, against explicit expectations and live PyTorch."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset


def _dataset(n, dtype=np.float32):
    x = mg.from_numpy(np.arange(n * 3, dtype=dtype).reshape(n, 3))
    y = mg.from_numpy(np.arange(n, dtype=np.int64))
    return TensorDataset(x, y)


def _ids(loader):
    """The sample indices each batch holds (the label column stores the index)."""
    return [yb.numpy().tolist() for _, yb in loader]


def test_batches_in_order_with_shapes_and_dtypes():
    batches = list(DataLoader(_dataset(10), batch_size=4))
    assert [tuple(xb.shape) for xb, _ in batches] == [(4, 3), (4, 3), (2, 3)]
    assert all(isinstance(b, list) and len(b) == 2 for b in batches)  # a tuple sample collates to a list
    assert all(xb.dtype == mg.float32 and yb.dtype == mg.int64 for xb, yb in batches)
    assert [yb.numpy().tolist() for _, yb in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    np.testing.assert_array_equal(batches[2][0].numpy(), np.arange(24, 30, dtype=np.float32).reshape(2, 3))


def test_drop_last_drops_the_short_batch():
    assert _ids(DataLoader(_dataset(10), batch_size=4, drop_last=True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]


@pytest.mark.parametrize("n, bs, drop_last", [(10, 4, False), (10, 4, True), (8, 4, False), (8, 4, True),
                                               (3, 5, False), (3, 5, True), (1, 1, False), (7, 1, True)])
def test_len_counts_batches(n, bs, drop_last):
    loader = DataLoader(_dataset(n), batch_size=bs, drop_last=drop_last)
    expected = n // bs if drop_last else -(-n // bs)
    assert len(loader) == expected == len(list(loader))


@pytest.mark.parametrize("n, bs, drop_last, shuffle", [(10, 4, False, False), (10, 4, True, True), (3, 5, True, False)])
def test_len_and_batches_match_pytorch_live(n, bs, drop_last, shuffle):
    torch = pytest.importorskip("torch")
    tds = torch.utils.data.TensorDataset(torch.arange(n * 3.0).reshape(n, 3), torch.arange(n))
    theirs = torch.utils.data.DataLoader(tds, batch_size=bs, drop_last=drop_last, shuffle=shuffle)
    ours = DataLoader(_dataset(n), batch_size=bs, drop_last=drop_last, shuffle=shuffle)
    assert len(ours) == len(theirs)
    t_batches, m_batches = list(theirs), list(ours)
    assert [[tuple(t.shape) for t in b] for b in t_batches] == [[tuple(t.shape) for t in b] for b in m_batches]
    assert [[str(t.dtype)[6:] for t in b] for b in t_batches] == [[str(t.dtype)[9:] for t in b] for b in m_batches]
    if not shuffle:
        for tb, mb in zip(t_batches, m_batches):
            for t, m in zip(tb, mb):
                np.testing.assert_array_equal(m.numpy(), t.numpy())


def test_default_batch_size_is_one():
    batches = list(DataLoader(_dataset(3)))
    assert [tuple(xb.shape) for xb, _ in batches] == [(1, 3)] * 3


def test_batch_size_none_yields_converted_samples():
    samples = [(np.full(2, i, dtype=np.float32), i) for i in range(3)]
    loader = DataLoader(samples, batch_size=None)
    out = list(loader)
    assert len(loader) == 3
    assert all(isinstance(o, list) for o in out)
    assert all(isinstance(o[0], mg.Tensor) and o[0].shape == (2,) and o[1] == i for i, o in enumerate(out))


def test_custom_collate_fn_gets_the_list_of_samples():
    loader = DataLoader(list(range(7)), batch_size=3, collate_fn=lambda batch: sum(batch))
    assert list(loader) == [3, 12, 6]


def test_plain_list_of_numbers_collates_to_int64_and_float64():
    assert [b.dtype for b in DataLoader([1, 2, 3], batch_size=2)] == [mg.int64, mg.int64]
    assert [b.dtype for b in DataLoader([1.0, 2.0, 3.0], batch_size=2)] == [mg.float64, mg.float64]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), bs=st.integers(1, 12), seed=st.integers(0, 2**31 - 1))
def test_shuffle_visits_every_index_once_per_epoch(n, bs, seed):
    mg.manual_seed(seed)
    loader = DataLoader(_dataset(n), batch_size=bs, shuffle=True)
    for _ in range(2):
        seen = [i for batch in _ids(loader) for i in batch]
        assert sorted(seen) == list(range(n))


def test_shuffle_is_reproducible_after_manual_seed_and_changes_between_epochs():
    loader = DataLoader(_dataset(50), batch_size=8, shuffle=True)
    mg.manual_seed(123)
    first, second = _ids(loader), _ids(loader)
    mg.manual_seed(123)
    assert _ids(loader) == first and _ids(loader) == second
    assert first != second
    assert [i for b in first for i in b] != list(range(50))


def test_shuffle_with_own_generator():
    a = _ids(DataLoader(_dataset(30), batch_size=7, shuffle=True, generator=np.random.default_rng(5)))
    b = _ids(DataLoader(_dataset(30), batch_size=7, shuffle=True, generator=np.random.default_rng(5)))
    assert a == b and sorted(i for batch in a for i in batch) == list(range(30))


def test_samplers_and_batch_sampler():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert list(BatchSampler(SequentialSampler(range(5)), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert len(BatchSampler(range(5), 2, drop_last=True)) == 2
    mg.manual_seed(0)
    assert sorted(RandomSampler(range(6))) == list(range(6))
    draws = list(RandomSampler(range(3), replacement=True, num_samples=20))
    assert len(draws) == 20 and set(draws) <= {0, 1, 2}
    chained = list(RandomSampler(range(4), num_samples=10))
    assert sorted(chained[:4]) == sorted(chained[4:8]) == [0, 1, 2, 3] and len(chained) == 10
    loader = DataLoader(_dataset(6), batch_sampler=[[5, 0], [3]])
    assert _ids(loader) == [[5, 0], [3]] and len(loader) == 2
    assert _ids(DataLoader(_dataset(6), batch_size=2, sampler=[4, 2, 0])) == [[4, 2], [0]]


LOADER_ERRORS = [
    ({"batch_size": 2, "shuffle": True, "sampler": [0, 1]}, "sampler option is mutually exclusive with shuffle"),
    ({"batch_size": 2, "batch_sampler": [[0, 1]]},
     "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    ({"batch_size": None, "drop_last": True},
     "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"),
    ({"batch_size": 0}, "batch_size should be a positive integer value, but got batch_size=0"),
    ({"batch_size": 2, "num_workers": -1},
     "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."),
]


@pytest.mark.parametrize("kwargs, message", LOADER_ERRORS)
def test_loader_errors(kwargs, message):
    with pytest.raises(ValueError) as info:
        DataLoader(_dataset(4), **kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize("kwargs, message", LOADER_ERRORS)
def test_loader_errors_match_pytorch_live(kwargs, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as info:
        torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4)), **kwargs)
    assert str(info.value) == message


def test_loader_options_are_frozen_after_init():
    loader = DataLoader(_dataset(4), batch_size=2)
    with pytest.raises(ValueError, match="^batch_size attribute should not be set after DataLoader is initialized$"):
        loader.batch_size = 3
    assert len(loader) == 2


def test_training_loop_over_a_loader_reduces_the_loss():
    from minigrad.nn import Parameter
    from minigrad.optim import SGD

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    w_true = np.array([1.0, -2.0, 0.5])
    y = x @ w_true
    loader = DataLoader(TensorDataset(mg.from_numpy(x), mg.from_numpy(y)), batch_size=16, shuffle=True)
    w = Parameter(mg.zeros(3, dtype=mg.float64))
    opt = SGD([w], lr=0.1, momentum=0.5)
    mg.manual_seed(0)
    for _ in range(30):
        for xb, yb in loader:
            opt.zero_grad()
            err = xb @ w - yb
            (err * err).mean().backward()
            opt.step()
    np.testing.assert_allclose(w.detach().numpy(), w_true, atol=1e-6)
