"""Datasets: TensorDataset, Subset, ConcatDataset, random_split (explicit expectations and live PyTorch)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import ConcatDataset, Dataset, Subset, TensorDataset, random_split


def test_tensor_dataset_items_are_tuples_of_rows():
    x = mg.from_numpy(np.arange(12.0).reshape(4, 3))
    y = mg.from_numpy(np.array([0, 1, 0, 1]))
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    xi, yi = ds[2]
    np.testing.assert_array_equal(xi.numpy(), [6.0, 7.0, 8.0])
    assert yi.item() == 0 and yi.shape == ()


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="^Size mismatch between tensors$"):
        TensorDataset(mg.zeros(3, 2), mg.zeros(4))


def test_tensor_dataset_size_mismatch_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    with pytest.raises(AssertionError) as theirs:
        torch.utils.data.TensorDataset(torch.zeros(3, 2), torch.zeros(4))
    with pytest.raises(AssertionError) as ours:
        TensorDataset(mg.zeros(3, 2), mg.zeros(4))
    assert str(ours.value) == str(theirs.value)


def test_dataset_base_needs_getitem_and_adds_to_concat():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement __getitem__."):
        Dataset()[0]

    class Squares(Dataset):
        def __init__(self, n):
            self.n = n

        def __getitem__(self, i):
            return i * i

        def __len__(self):
            return self.n

    both = Squares(3) + Squares(2)
    assert isinstance(both, ConcatDataset)
    assert [both[i] for i in range(len(both))] == [0, 1, 4, 0, 1]
    assert both[-1] == 1 and both.cumulative_sizes == [3, 5]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        both[-6]


def test_subset_maps_indices():
    sub = Subset(list("abcdef"), [4, 1, 1])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == ["e", "b", "b"]


def test_random_split_partitions_and_is_reproducible():
    mg.manual_seed(3)
    parts = random_split(range(10), [3, 7])
    mg.manual_seed(3)
    again = random_split(range(10), [3, 7])
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    assert [p.indices for p in parts] == [p.indices for p in again]
    other = random_split(range(10), [3, 7], generator=np.random.default_rng(0))
    assert sorted(other[0].indices + other[1].indices) == list(range(10))


FRACTIONS = [([0.3, 0.3, 0.4], 30), ([0.5, 0.5], 11), ([0.1, 0.2, 0.7], 7), ([1 / 3, 1 / 3, 1 / 3], 10)]


@pytest.mark.parametrize("fracs, n", FRACTIONS)
def test_random_split_fraction_sizes(fracs, n):
    sizes = [len(p) for p in random_split(range(n), fracs)]
    floors = [int(np.floor(n * f)) for f in fracs]
    leftover = n - sum(floors)
    assert sizes == [f + (1 if i < leftover else 0) for i, f in enumerate(floors)]


@pytest.mark.parametrize("fracs, n", FRACTIONS)
def test_random_split_fraction_sizes_match_pytorch_live(fracs, n):
    torch = pytest.importorskip("torch")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = [len(p) for p in torch.utils.data.random_split(range(n), fracs)]
        ours = [len(p) for p in random_split(range(n), fracs)]
    assert ours == theirs


def test_random_split_errors():
    with pytest.raises(ValueError, match="^Sum of input lengths does not equal the length of the input dataset!$"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="^Fraction at index 1 is not between 0 and 1$"):
        random_split(range(10), [0.5, -0.5, 1.0])
    with pytest.warns(UserWarning) as record:
        parts = random_split(range(2), [0.9, 0.05, 0.05])
    assert [len(p) for p in parts] == [2, 0, 0]
    assert [str(w.message) for w in record] == [
        f"Length of split at index {i} is 0. This might result in an empty dataset." for i in (1, 2)
    ]
