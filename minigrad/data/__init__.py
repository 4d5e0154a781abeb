"""minigrad.data: datasets and the ``DataLoader`` that batches them (PyTorch's ``torch.utils.data``).

    from minigrad.data import DataLoader, TensorDataset
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    for xb, yb in loader:
        ...
"""

from minigrad.data.collate import default_collate, default_convert
from minigrad.data.dataloader import DataLoader
from minigrad.data.dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from minigrad.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = [
    "Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split", "DataLoader", "default_collate",
    "default_convert", "Sampler", "SequentialSampler", "RandomSampler", "BatchSampler",
]
