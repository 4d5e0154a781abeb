"""``minigrad.utils``: where PyTorch code looks for ``torch.utils.data`` and ``torch.utils.hooks``."""

from minigrad.utils import data, hooks

__all__ = ["data", "hooks"]
