"""``minigrad.utils``: where PyTorch code looks for ``torch.utils.data``."""

from minigrad.utils import data

__all__ = ["data"]
